//! `/qrcode-rules`: every mini program's QR-jump rules (a merchant's own only) filtered and
//! paginated on the server, as CSV too, and "apply one rule to many mini programs": a rule
//! whose prefix and debug links are templates (`{appid}`, `{merchant.name}` …), previewed per
//! target, then added (and published if asked) target by target with progress; a failure
//! never stops the others, and a re-run skips targets that already have the rule.

use crate::api::qrcode_rules::{apply_qrcode_rule, list_qrcode_rules, qrcode_rule_targets};
use crate::components::field::error_text;
use crate::components::filter_form::FilterForm;
use crate::components::merchant_filter::MerchantFilter;
use crate::components::pager::Pager;
use crate::components::url::with_params;
use crate::domain::qrcode_rule::view::{QrApplyOutcome, QrApplyRequest, QrFleetQuery, QrTarget};
use crate::domain::qrcode_rule::{
    check_rule, fill_template, QrRuleForm, RuleContext, TemplateProblem,
};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/qrcode-rules";

fn csv_href(q: &QrFleetQuery) -> String {
    with_params(&format!("{PATH}/export.csv"), &q.to_params())
}

#[component]
pub fn QrcodeFleetPage() -> impl IntoView {
    let t = use_texts();
    let q = t.qrcode;
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| QrFleetQuery::from_params(|k| p.get(k))));
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (query.get(), reload.get()),
        |(query, _)| list_qrcode_rules(query),
    );
    view! {
        <Title text=q.fleet_title />
        <div class="page-head">
            <h1>{q.fleet_title}</h1>
            <a class="button" rel="external" download="qrcode-rules.csv" data-testid="qrf-export"
                href=move || csv_href(&query.get())>{q.export_csv}</a>
        </div>
        <FilterForm action=PATH testid="qrf-filters">
            <input name="host" placeholder=q.filter_host maxlength="64" data-testid="qrf-host"
                value=move || query.get().host />
            <select name="published" data-testid="qrf-published">
                <option value="">{q.col_state}": "{t.all}</option>
                <option value="1" selected=move || query.get().published == Some(true)>{q.state_published}</option>
                <option value="0" selected=move || query.get().published == Some(false)>{q.state_unpublished}</option>
            </select>
            <select name="open_version" data-testid="qrf-open-version">
                <option value="">{q.col_open_version}": "{t.all}</option>
                {[1i64, 2, 3].into_iter().map(|v| view! {
                    <option value=v.to_string() selected=move || query.get().open_version == Some(v)>{q.open_version(v)}</option>
                }).collect_view()}
            </select>
            <MerchantFilter current=Signal::derive(move || query.get().merchant_id) testid="qrf-merchant" />
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="qrf-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="qrf-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let qy = query.get();
                match rows.await {
                    Ok(page) if page.items.is_empty() => view! { <p class="empty" data-testid="qrf-empty">{t.no_rows}</p> }.into_any(),
                    Ok(page) => view! {
                        <div class="table-scroll">
                        <table class="table" data-testid="qrf-list">
                            <thead><tr>
                                <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th>
                                <th>{q.col_prefix}</th><th>{q.col_ownership}</th><th>{q.col_path}</th>
                                <th>{q.col_open_version}</th><th>{q.col_state}</th><th>{q.col_debug}</th><th>{q.col_synced}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.clone().into_iter().map(|r| view! {
                                    <tr data-testid="qrf-row" data-appid=r.appid.clone() data-state=r.state.to_string()>
                                        <td><a href=format!("/apps/{}/qrcode-rules", r.appid)><code>{r.appid.clone()}</code></a></td>
                                        <td>{r.nick_name}</td>
                                        <td>{r.merchant_name.unwrap_or_else(|| t.unassigned.to_string())}</td>
                                        <td><code data-testid="qrf-prefix">{r.prefix}</code></td>
                                        <td>{q.ownership(r.permit_sub_rule)}</td>
                                        <td><code>{r.path}</code></td>
                                        <td>{q.open_version(r.open_version)}</td>
                                        <td><span class=if r.state == 2 { "status authorized" } else { "status muted-status" } data-testid="qrf-state">{q.state(r.state)}</span></td>
                                        <td>{r.debug_urls}</td>
                                        <td>{format_cst(r.synced_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                        <Pager path=PATH params=qy.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <ApplyPanel reload />
    }
}

fn template_text(t: &Texts, p: &TemplateProblem) -> String {
    match p {
        TemplateProblem::UnknownVariable(n) => (t.qrcode.unknown_variable)(n),
        TemplateProblem::Unclosed => (t.qrcode.unknown_variable)("{"),
        TemplateProblem::NoValue(n) => (t.qrcode.no_value)(n),
    }
}

/// The rule one target would get, or why it cannot.
fn preview(t: &Texts, template: &QrRuleForm, target: &QrTarget) -> Result<String, String> {
    let prefix =
        fill_template(template.prefix.trim(), &target.values).map_err(|p| template_text(t, &p))?;
    let debug_url = template
        .debug_url
        .iter()
        .filter(|u| !u.trim().is_empty())
        .map(|u| fill_template(u.trim(), &target.values).map_err(|p| template_text(t, &p)))
        .collect::<Result<Vec<_>, _>>()?;
    let form = QrRuleForm {
        prefix: prefix.clone(),
        debug_url,
        ..template.clone()
    }
    .normalized();
    match check_rule(&form, &RuleContext::default()) {
        Ok(()) => Ok(prefix),
        Err(v) => Err(v
            .iter()
            .map(|x| crate::components::field::violation_text(t, x))
            .collect::<Vec<_>>()
            .join(t.list_separator)),
    }
}

/// What publishing added to an outcome: "published", or why not.
fn publish_note(t: &'static Texts, published: bool, error: Option<&AppError>) -> String {
    let q = t.qrcode;
    match (published, error) {
        (true, _) => format!(" · {}", q.state_published),
        (false, Some(e)) => format!(
            " · {}{}{}",
            q.apply_not_published,
            t.colon,
            error_text(t, e)
        ),
        (false, None) => String::new(),
    }
}

fn outcome_view(t: &'static Texts, o: &QrApplyOutcome) -> impl IntoView {
    let q = t.qrcode;
    let (kind, text) = match o {
        QrApplyOutcome::Added {
            published,
            publish_error,
            ..
        } => (
            "added",
            format!(
                "{}{}",
                q.apply_added,
                publish_note(t, *published, publish_error.as_ref())
            ),
        ),
        QrApplyOutcome::AlreadyThere {
            published,
            publish_error,
            ..
        } => (
            "already",
            format!(
                "{}{}",
                q.apply_already,
                publish_note(t, *published, publish_error.as_ref())
            ),
        ),
        QrApplyOutcome::Failed { error, .. } => (
            "failed",
            format!("{}{}{}", q.apply_failed, t.colon, error_text(t, error)),
        ),
    };
    view! { <span class=format!("qr-outcome {kind}") data-testid="qra-outcome" data-outcome=kind>{text}</span> }
}

#[component]
fn ApplyPanel(reload: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let q = t.qrcode;
    let template = RwSignal::new(QrRuleForm::default());
    let debug_text = RwSignal::new(String::new());
    let publish = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let targets = RwSignal::new(Vec::<QrTarget>::new());
    let selected = RwSignal::new(Vec::<String>::new());
    let results = RwSignal::new(Vec::<(String, QrApplyOutcome)>::new());
    let running = RwSignal::new(false);
    let done = RwSignal::new(0usize);
    let total = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);

    let full_template = move || {
        let mut f = template.get();
        f.debug_url = debug_text
            .get()
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.trim().is_empty())
            .collect();
        f
    };
    let find = Action::new(move |s: &String| qrcode_rule_targets(s.clone(), None));
    Effect::new(move |_| {
        if let Some(r) = find.value().get() {
            match r {
                Ok(list) => {
                    error.set(None);
                    selected.set(Vec::new());
                    targets.set(list);
                }
                Err(e) => error.set(Some(e.message(t))),
            }
        }
    });
    let run = move |_| {
        let request = QrApplyRequest {
            template: full_template(),
            publish: publish.get_untracked(),
        };
        let chosen: Vec<String> = selected.get_untracked();
        if chosen.is_empty() || running.get_untracked() {
            return;
        }
        running.set(true);
        results.set(Vec::new());
        done.set(0);
        total.set(chosen.len());
        leptos::task::spawn_local(async move {
            for appid in chosen {
                let outcome = match apply_qrcode_rule(appid.clone(), request.clone()).await {
                    Ok(o) => o,
                    Err(error) => QrApplyOutcome::Failed {
                        prefix: request.template.prefix.clone(),
                        error,
                    },
                };
                results.update(|r| r.push((appid, outcome)));
                done.update(|d| *d += 1);
            }
            running.set(false);
            reload.update(|n| *n += 1);
        });
    };
    let toggle = move |appid: String, on: bool| {
        selected.update(|s| {
            s.retain(|a| *a != appid);
            if on {
                s.push(appid);
            }
        })
    };
    view! {
        <section class="panel qr-apply" data-testid="qra">
            <h2>{q.apply_title}</h2>
            <p class="hint">{q.apply_explain}</p>
            <label><span>{q.f_prefix}</span>
                <input data-testid="qra-prefix" placeholder="https://shop.example.com/{appid}/" class="wide"
                    prop:value=move || template.get().prefix on:input=move |ev| template.update(|f| f.prefix = event_target_value(&ev)) /></label>
            <label><span>{q.f_ownership}</span>
                <select data-testid="qra-ownership" on:change=move |ev| template.update(|f| f.permit_sub_rule = event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="1">{q.ownership_shared}</option>
                    <option value="2">{q.ownership_exclusive}</option>
                </select></label>
            <label><span>{q.f_path}</span>
                <input data-testid="qra-path" placeholder="pages/index/index"
                    prop:value=move || template.get().path on:input=move |ev| template.update(|f| f.path = event_target_value(&ev)) /></label>
            <label><span>{q.f_open_version}</span>
                <select data-testid="qra-open-version" on:change=move |ev| template.update(|f| f.open_version = event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="1">{q.ov_develop}</option>
                    <option value="2">{q.ov_trial}</option>
                    <option value="3">{q.ov_release}</option>
                </select></label>
            <label><span>{q.f_debug}</span>
                <textarea data-testid="qra-debug" rows="3" placeholder="https://shop.example.com/{appid}/?a=1"
                    prop:value=move || debug_text.get() on:input=move |ev| debug_text.set(event_target_value(&ev))></textarea></label>
            <label class="check"><input type="checkbox" data-testid="qra-publish"
                prop:checked=move || publish.get() on:change=move |ev| publish.set(event_target_checked(&ev)) />{q.apply_publish}</label>
            <div class="row">
                <input data-testid="qra-search" placeholder=q.apply_search
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
                <button data-testid="qra-find" on:click=move |_| { find.dispatch(search.get_untracked()); }>{q.apply_find}</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || {
                let list = targets.get();
                if list.is_empty() {
                    return find.version().get().gt(&0).then(|| view! { <p class="empty" data-testid="qra-no-targets">{q.apply_no_targets}</p> }).into_any();
                }
                let form = full_template();
                let all: Vec<String> = list.iter().map(|x| x.values.appid.clone()).collect();
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="qra-targets">
                        <thead><tr>
                            <th><label class="check"><input type="checkbox" data-testid="qra-select-all"
                                prop:checked=move || { let s = selected.get(); !s.is_empty() && s.len() == all.len() }
                                on:change={
                                    let all = list.iter().map(|x| x.values.appid.clone()).collect::<Vec<_>>();
                                    move |ev| selected.set(if event_target_checked(&ev) { all.clone() } else { Vec::new() })
                                } />{q.apply_select_all}</label></th>
                            <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th><th>{q.apply_rules_now}</th>
                            <th>{q.apply_preview}</th><th>{q.col_state}</th>
                        </tr></thead>
                        <tbody>
                            {list.into_iter().map(|target| {
                                let appid = target.values.appid.clone();
                                let a1 = appid.clone();
                                let a2 = appid.clone();
                                let a3 = appid.clone();
                                let shown = preview(t, &form, &target);
                                view! {
                                    <tr data-testid="qra-target" data-appid=appid.clone()>
                                        <td><input type="checkbox" data-testid="qra-target-check"
                                            prop:checked=move || selected.with(|s| s.contains(&a1))
                                            on:change=move |ev| toggle(a2.clone(), event_target_checked(&ev)) /></td>
                                        <td><code>{appid.clone()}</code></td>
                                        <td>{target.values.name.clone()}</td>
                                        <td>{target.values.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</td>
                                        <td>{target.rules}</td>
                                        <td data-testid="qra-preview">{match shown {
                                            Ok(p) => view! { <code>{p}</code> }.into_any(),
                                            Err(e) => view! { <span class="field-error">{e}</span> }.into_any(),
                                        }}</td>
                                        <td>{move || results.with(|r| r.iter().find(|(a, _)| *a == a3).map(|(_, o)| outcome_view(t, o)))}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <div class="actions">
                <button class="primary" data-testid="qra-run"
                    disabled=move || running.get() || selected.with(Vec::is_empty) || template.with(|f| f.prefix.trim().is_empty())
                    on:click=run>{q.apply_run}</button>
                {move || (total.get() > 0).then(|| view! {
                    <span data-testid="qra-progress">{(q.apply_progress)(done.get(), total.get())}</span>
                    <progress max=total.get().to_string() value=done.get().to_string()></progress>
                })}
            </div>
        </section>
    }
}
