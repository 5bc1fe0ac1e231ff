//! `/apps/:appid/qrcode-rules`: one mini program's QR-jump rules (扫普通链接二维码打开小程序):
//! the switch, rule count and publishes left always in view; add / edit with every rule of
//! §14 checked as one types (the server checks again), publish with the quota shown before
//! the click, delete with confirmation, "which rule opens this link?", the verify file and a
//! QR code per link for testing with a phone. Readable without JavaScript (SSR).

use crate::api::qrcode_rules::{
    delete_qrcode_rule, get_qrcode_rules, publish_qrcode_rule, save_qrcode_rule,
};
use crate::components::field::{error_text, field_messages, show_messages, violation_text};
use crate::components::page_error::PageError;
use crate::domain::merchant_permission::Need;
use crate::domain::qrcode_rule::view::QrRulesView;
use crate::domain::qrcode_rule::{
    check_publish, check_rule, errcode, matching_rule, QrRule, QrRuleForm, RuleContext,
    DEBUG_URLS_MAX,
};
use crate::domain::release::Violation;
use crate::domain::validation::FieldProblem;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Whether an error belongs above the page rather than at a field of the open form.
fn shown_on_top(e: &AppError, form_open: bool) -> bool {
    match e {
        AppError::Wechat { errcode: code, .. } => {
            !form_open || errcode::field_of(*code) == "publish"
        }
        AppError::Invalid(errors) => !form_open || errors.iter().any(|x| x.field == "publish"),
        _ => true,
    }
}

fn rules_of(v: &QrRulesView) -> Vec<QrRule> {
    v.rules.iter().map(|r| r.rule.clone()).collect()
}

fn live_check(v: &QrRulesView, form: &QrRuleForm) -> Vec<Violation> {
    let rules = rules_of(v);
    let mut trimmed = form.clone();
    trimmed.prefix = trimmed.prefix.trim().to_owned();
    trimmed.path = trimmed.path.trim().trim_start_matches('/').to_owned();
    let mut violations = check_rule(
        &trimmed,
        &RuleContext {
            rules: &rules,
            pages: v.pages_known.then_some(v.pages.as_slice()),
            personal: v.personal,
            taken: &v.taken,
        },
    )
    .err()
    .unwrap_or_default();
    // A blank debug line is dropped on save, not an error.
    violations.retain(|x| x.problem != FieldProblem::EmptyItem);
    violations
}

#[derive(Clone, Debug, PartialEq)]
enum Confirming {
    Delete(String),
    Publish(String),
}

#[component]
pub fn QrcodeRulesPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let data = Resource::new(appid, get_qrcode_rules);
    view! {
        <Title text=t.qrcode.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <RulesEditor initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RulesEditor(initial: QrRulesView) -> impl IntoView {
    let t = use_texts();
    let q = t.qrcode;
    let appid = StoredValue::new(initial.appid.clone());
    let nick = initial.nick_name.clone();
    let data = RwSignal::new(initial);
    let form = RwSignal::new(None::<QrRuleForm>);
    let touched = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let confirming = RwSignal::new(None::<Confirming>);
    let match_url = RwSignal::new(String::new());

    let save = Action::new(move |f: &QrRuleForm| save_qrcode_rule(appid.get_value(), f.clone()));
    let publish = Action::new(move |p: &String| publish_qrcode_rule(appid.get_value(), p.clone()));
    let delete = Action::new(move |p: &String| delete_qrcode_rule(appid.get_value(), p.clone()));
    let after = move |r: Result<QrRulesView, AppError>, ok: &'static str, closes_form: bool| {
        confirming.set(None);
        match r {
            Ok(v) => {
                data.set(v);
                server_error.set(None);
                notice.set(Some(ok));
                if closes_form {
                    form.set(None);
                    touched.set(false);
                }
            }
            Err(e) => {
                notice.set(None);
                server_error.set(Some(e));
            }
        }
    };
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            after(r, q.saved, true);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = publish.value().get() {
            after(r, q.published, false);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            after(r, q.deleted, false);
        }
    });
    let busy = move || save.pending().get() || publish.pending().get() || delete.pending().get();
    let may = move |need: Need| data.with(|v| v.grant.is_none_or(|g| g.allows(need)));

    let live = Memo::new(move |_| {
        form.with(|f| {
            f.as_ref()
                .map(|f| data.with(|v| live_check(v, f)))
                .unwrap_or_default()
        })
    });
    let msgs = move |field: String| {
        let local = if touched.get() {
            live.get()
        } else {
            Vec::new()
        };
        let server = server_error.get();
        let out = field_messages(t, &local, server.as_ref(), &field, Some(errcode::field_of));
        show_messages(format!("qr-error-{}", field.replace('.', "-")), out)
    };
    let edit = move |f: &dyn Fn(&mut QrRuleForm)| {
        touched.set(true);
        form.update(|o| {
            if let Some(x) = o.as_mut() {
                f(x)
            }
        });
    };
    let on_save = move |_| {
        touched.set(true);
        server_error.set(None);
        if live.with(Vec::is_empty) {
            if let Some(f) = form.get_untracked() {
                save.dispatch(f.normalized());
            }
        }
    };

    let status = move || {
        data.with(|v| {
            view! {
                <div class="panel qr-status" data-testid="qr-status">
                    <span class=if v.open { "status authorized" } else { "status muted-status" } data-testid="qr-open">
                        {if v.open { q.open_on } else { q.open_off }}
                    </span>
                    <span>{q.list_size}{t.colon}<strong data-testid="qr-list-size">{v.list_size}</strong></span>
                    <span>{q.quota}{t.colon}<strong data-testid="qr-quota">{v.pub_quota}</strong></span>
                    {(v.pub_quota <= 0).then(|| view! { <span class="hint" data-testid="qr-quota-zero">{q.quota_zero}</span> })}
                </div>
            }
        })
    };

    let rule_rows = move || {
        data.with(|v| {
            let publish_block = check_publish(v.released, v.personal, v.pub_quota).err();
            v.rules.clone().into_iter().map(|r| {
                let rule = r.rule.clone();
                let prefix = StoredValue::new(rule.prefix.clone());
                let block = publish_block.clone().map(|b| violation_text(t, &b));
                let block_title = block.clone().unwrap_or_default();
                let blocked = block.is_some();
                let editing = QrRuleForm::editing(&rule);
                let confirm_view = move || match confirming.get() {
                    Some(Confirming::Delete(p)) if p == prefix.get_value() => view! {
                        <div class="confirm" data-testid="qr-confirm-delete">
                            <span>{(q.confirm_delete)(&p)}</span>
                            <button class="danger" data-testid="qr-confirm-delete-yes" disabled=busy
                                on:click=move |_| { delete.dispatch(prefix.get_value()); }>{q.delete}</button>
                            <button data-testid="qr-confirm-cancel" on:click=move |_| confirming.set(None)>{q.cancel}</button>
                        </div>
                    }.into_any(),
                    Some(Confirming::Publish(p)) if p == prefix.get_value() => view! {
                        <div class="confirm" data-testid="qr-confirm-publish">
                            <span>{(q.confirm_publish)(data.with(|v| v.pub_quota))}</span>
                            <button class="primary" data-testid="qr-confirm-publish-yes" disabled=busy
                                on:click=move |_| { publish.dispatch(prefix.get_value()); }>{q.publish}</button>
                            <button data-testid="qr-confirm-cancel" on:click=move |_| confirming.set(None)>{q.cancel}</button>
                        </div>
                    }.into_any(),
                    _ => ().into_any(),
                };
                view! {
                    <tr data-testid="qr-rule" data-prefix=rule.prefix.clone() data-state=rule.state.to_string()>
                        <td><code data-testid="qr-rule-prefix">{rule.prefix.clone()}</code></td>
                        <td>{q.ownership(rule.permit_sub_rule)}</td>
                        <td><code data-testid="qr-rule-path">{rule.path.clone()}</code></td>
                        <td>{q.open_version(rule.open_version)}</td>
                        <td>
                            <ul class="plain">
                                {rule.debug_url.iter().map(|u| view! { <li><code data-testid="qr-rule-debug">{u.clone()}</code></li> }).collect_view()}
                            </ul>
                        </td>
                        <td><span class=if rule.published() { "status authorized" } else { "status muted-status" } data-testid="qr-rule-state">
                            {q.state(rule.state)}</span></td>
                        <td class="actions">
                            <button data-testid="qr-rule-edit" disabled=move || busy() || !may(Need::Submit)
                                on:click=move |_| { server_error.set(None); notice.set(None); touched.set(false); form.set(Some(editing.clone())); }>{q.edit}</button>
                            {(!rule.published()).then(|| view! {
                                <button class="primary" data-testid="qr-rule-publish" title=block_title.clone()
                                    disabled=move || blocked || busy() || !may(Need::Release)
                                    on:click=move |_| confirming.set(Some(Confirming::Publish(prefix.get_value())))>{q.publish}</button>
                            })}
                            <button class="danger" data-testid="qr-rule-delete" disabled=move || busy() || !may(Need::Release)
                                on:click=move |_| confirming.set(Some(Confirming::Delete(prefix.get_value())))>{q.delete}</button>
                            {(!rule.published()).then(|| block.map(|b| view! { <p class="hint" data-testid="qr-publish-blocked">{b}</p> }))}
                            {confirm_view}
                        </td>
                    </tr>
                    <tr class="qr-codes">
                        <td colspan="7">
                            <details data-testid="qr-rule-qr">
                                <summary>{q.qr_title}</summary>
                                <div class="qr-grid">
                                    <figure><div class="qr" inner_html=r.prefix_qr_svg.clone()></div><figcaption><code>{rule.prefix.clone()}</code></figcaption></figure>
                                    {rule.debug_url.iter().zip(r.debug_qr_svgs.iter()).map(|(u, svg)| view! {
                                        <figure><div class="qr" inner_html=svg.clone()></div><figcaption><code>{u.clone()}</code></figcaption></figure>
                                    }).collect_view()}
                                </div>
                                <p class="hint">{q.verify_where}" "<code data-testid="qr-verify-dir">{r.verify_dir.clone()}</code></p>
                            </details>
                        </td>
                    </tr>
                }
            }).collect_view()
        })
    };

    let matcher = move || {
        let url = match_url.get();
        if url.trim().is_empty() {
            return ().into_any();
        }
        data.with(|v| {
            let rules = rules_of(v);
            match matching_rule(&rules, url.trim()) {
                Some(r) => view! {
                    <p data-testid="qr-match-result" data-prefix=r.prefix.clone()>
                        <code>{r.prefix.clone()}</code>" → "{q.match_opens}" "<code data-testid="qr-match-path">{r.path.clone()}</code>
                        " ("{q.open_version(r.open_version)}")"
                        {(!r.published()).then(|| view! { <span class="hint">" "{q.match_not_live}</span> })}
                    </p>
                }.into_any(),
                None => view! { <p data-testid="qr-match-result" data-prefix="">{q.match_none}</p> }.into_any(),
            }
        })
    };

    let form_view = move || {
        form.get().map(|f| {
            let is_edit = f.is_edit;
            let (pages, pages_known) = data.with(|v| (v.pages.clone(), v.pages_known));
            let path_input = if pages_known && !pages.is_empty() {
                view! {
                    <select data-testid="qr-f-path" on:change=move |ev| edit(&|x| x.path = event_target_value(&ev))>
                        <option value="" selected=f.path.is_empty()>"—"</option>
                        {pages.iter().map(|p| view! { <option value=p.clone() selected=f.path == *p>{p.clone()}</option> }).collect_view()}
                    </select>
                }.into_any()
            } else {
                view! {
                    <input data-testid="qr-f-path" prop:value=f.path.clone() placeholder="pages/index/index"
                        on:input=move |ev| edit(&|x| x.path = event_target_value(&ev)) />
                }.into_any()
            };
            let debug_rows = move || {
                form.with(|f| f.as_ref().map(|f| f.debug_url.clone()).unwrap_or_default())
                    .into_iter()
                    .enumerate()
                    .map(|(i, u)| view! {
                        <div class="row" data-testid="qr-f-debug-row">
                            <input data-testid=format!("qr-f-debug-{i}") prop:value=u placeholder="https://"
                                on:input=move |ev| { let val = event_target_value(&ev); edit(&|x| if let Some(d) = x.debug_url.get_mut(i) { *d = val.clone() }) } />
                            <button type="button" data-testid=format!("qr-f-debug-remove-{i}")
                                on:click=move |_| edit(&|x| { if i < x.debug_url.len() { x.debug_url.remove(i); } })>{q.debug_remove}</button>
                        </div>
                        {msgs(format!("debug_url.{i}"))}
                    })
                    .collect_view()
            };
            view! {
                <section class="panel qr-form" data-testid="qr-form">
                    <h2>{if is_edit { q.form_edit_title } else { q.form_add_title }}</h2>
                    <label><span>{q.f_prefix}</span>
                        <input data-testid="qr-f-prefix" prop:value=f.prefix.clone() disabled=is_edit placeholder="https://"
                            on:input=move |ev| edit(&|x| x.prefix = event_target_value(&ev)) /></label>
                    <p class="hint">{q.f_prefix_hint}</p>
                    {move || msgs("prefix".into())}
                    <label><span>{q.f_ownership}</span>
                        <select data-testid="qr-f-ownership" on:change=move |ev| edit(&|x| x.permit_sub_rule = event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="1" selected=f.permit_sub_rule == 1>{q.ownership_shared}</option>
                            <option value="2" selected=f.permit_sub_rule == 2>{q.ownership_exclusive}</option>
                        </select></label>
                    <p class="hint">{q.f_ownership_hint}</p>
                    {move || msgs("permit_sub_rule".into())}
                    <label><span>{q.f_path}</span>{path_input}</label>
                    {(!pages_known).then(|| view! { <p class="hint">{q.f_path_unknown}</p> })}
                    {move || msgs("path".into())}
                    <label><span>{q.f_open_version}</span>
                        <select data-testid="qr-f-open-version" on:change=move |ev| edit(&|x| x.open_version = event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="1" selected=f.open_version == 1>{q.ov_develop}</option>
                            <option value="2" selected=f.open_version == 2>{q.ov_trial}</option>
                            <option value="3" selected=f.open_version == 3>{q.ov_release}</option>
                        </select></label>
                    {move || msgs("open_version".into())}
                    <fieldset data-testid="qr-f-debug"><legend>{q.f_debug}</legend>
                        <p class="hint">{q.f_debug_hint}</p>
                        {debug_rows}
                        <button type="button" data-testid="qr-f-debug-add"
                            disabled=move || form.with(|f| f.as_ref().is_some_and(|f| f.debug_url.len() >= DEBUG_URLS_MAX))
                            on:click=move |_| form.update(|o| if let Some(x) = o.as_mut() { x.debug_url.push(String::new()) })>{q.debug_add}</button>
                        {move || msgs("debug_url".into())}
                    </fieldset>
                    <div class="actions">
                        <button class="primary" data-testid="qr-f-save" disabled=busy on:click=on_save>{q.save}</button>
                        <button data-testid="qr-f-cancel" on:click=move |_| { form.set(None); server_error.set(None); }>{q.cancel}</button>
                    </div>
                </section>
            }
        })
    };

    let download = format!("/apps/{}/qrcode-rules/verify-file", appid.get_value());
    view! {
        <div class="page-head">
            <h1>{q.title}" · "{nick}</h1>
            <a href=format!("/apps/{}", appid.get_value()) class="button">{t.back_to_list}</a>
        </div>
        <p class="hint">{q.intro}</p>
        {status}
        {move || (!may(Need::Submit)).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="qr-notice">{n}</p> })}
        {move || server_error.get().filter(|e| shown_on_top(e, form.with(Option::is_some))).map(|e| view! {
            <p class="form-error" role="alert" data-testid="qr-error">{error_text(t, &e)}</p>
        })}
        <section class="panel">
            <div class="page-head">
                <h2>{q.open_rules}</h2>
                <button class="primary" data-testid="qr-add" disabled=move || busy() || !may(Need::Submit)
                    on:click=move |_| { server_error.set(None); notice.set(None); touched.set(false); form.set(Some(QrRuleForm::default())); }>{q.add}</button>
            </div>
            {form_view}
            {move || if data.with(|v| v.rules.is_empty()) {
                view! { <p class="empty" data-testid="qr-empty">{q.no_rules}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="qr-rules">
                        <thead><tr>
                            <th>{q.col_prefix}</th><th>{q.col_ownership}</th><th>{q.col_path}</th><th>{q.col_open_version}</th>
                            <th>{q.col_debug}</th><th>{q.col_state}</th><th>{q.col_actions}</th>
                        </tr></thead>
                        <tbody>{rule_rows}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel">
            <h2>{q.match_title}</h2>
            <input type="url" data-testid="qr-match-url" placeholder=q.match_placeholder class="wide"
                prop:value=move || match_url.get() on:input=move |ev| match_url.set(event_target_value(&ev)) />
            {matcher}
        </section>
        <section class="panel">
            <h2>{q.verify_title}</h2>
            <p>{q.verify_explain}</p>
            <p class="hint">{q.verify_where}" https://example.com/a/b?x=1 → https://example.com/a/"</p>
            <a class="button" href=download rel="external" data-testid="qr-verify-download">{q.verify_download}</a>
        </section>
    }
}
