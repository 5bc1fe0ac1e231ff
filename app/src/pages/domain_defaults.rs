//! `/domains/defaults` (staff): the platform's default domain set, edited as a whole (one box
//! per list, each entry checked as one types and again on the server), and the set applied to
//! many mini programs: every authorized mini program with what the last apply found (search,
//! filter and paging on the server, readable without JavaScript), then "apply" on the ticked
//! ones, one mini program after another with progress and each one's result; a failure never
//! stops the rest, and a second run adds nothing.

use crate::api::domains::{
    apply_domain_defaults, domain_default_targets, get_domain_defaults, save_domain_defaults,
};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::filter_form::FilterForm;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::domains::{
    check_defaults, ApplyReport, DefaultSet, DefaultsForm, DomainKind, PartOutcome, RejectReason,
    TargetFilter, TargetQuery, TargetRow,
};
use crate::domain::pagination::Page;
use crate::domain::release::Violation;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/domains/defaults";

#[component]
pub fn DomainDefaultsPage() -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|p| TargetQuery::from_params(|k| p.get(k))));
    let reload = RwSignal::new(0u32);
    let state = RunState::new();
    // Both resources are created with the page, never inside a Suspend (hydration creates
    // resources in the order the server did).
    let set = Resource::new(|| (), |_| get_domain_defaults());
    let rows = Resource::new(
        move || (query.get(), reload.get()),
        |(q, _)| domain_default_targets(q),
    );
    view! {
        <Title text=dt.defaults_title />
        <div class="page-head"><h1>{dt.defaults_title}</h1></div>
        <p class="hint">{dt.defaults_intro}</p>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match set.await {
                    Ok(set) => view! { <DefaultsEditor set reload /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                let (Ok(_), Ok(page)) = (set.await, rows.await) else {
                    return ().into_any();
                };
                view! { <Targets page query=q reload state /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn DefaultsEditor(set: DefaultSet, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let form = RwSignal::new(DefaultsForm::from_lists(&set.lists));
    let saved = RwSignal::new(set);
    let touched = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(false);
    let save = Action::new(move |f: &DefaultsForm| save_domain_defaults(f.clone()));
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            match r {
                Ok(s) => {
                    form.set(DefaultsForm::from_lists(&s.lists));
                    saved.set(s);
                    error.set(None);
                    touched.set(false);
                    notice.set(true);
                    // Saving a different set forgets what earlier applies found.
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    notice.set(false);
                    error.set(Some(e));
                }
            }
        }
    });
    let live = Memo::new(move |_| form.with(|f| check_defaults(f).err().unwrap_or_default()));
    let on_save = move |_| {
        touched.set(true);
        error.set(None);
        notice.set(false);
        if live.with(Vec::is_empty) {
            save.dispatch(form.get_untracked());
        }
    };
    let updated = move || {
        saved.with(|s| match (&s.updated_by, s.updated_at) {
            (Some(by), Some(at)) => (dt.defaults_updated)(by, &format_cst(at)),
            _ => dt.defaults_never.to_owned(),
        })
    };
    let fields = DomainKind::ALL
        .into_iter()
        .map(|kind| {
            let name = kind.as_str();
            let msgs = move || {
                let local: Vec<Violation> = if touched.get() { live.get() } else { Vec::new() };
                show_messages(
                    format!("dd-error-{name}"),
                    field_messages(t, &local, error.get().as_ref(), name, None),
                )
            };
            view! {
                <label class="dd-field">
                    <span>{(dt.kind)(kind)}" "<code class="muted">{(dt.kind_format)(kind)}</code></span>
                    <textarea rows="3" data-testid=format!("dd-f-{name}") spellcheck="false" autocomplete="off"
                        prop:value=move || form.with(|f| f.text(kind).to_owned())
                        on:input=move |ev| {
                            touched.set(true);
                            notice.set(false);
                            let text = event_target_value(&ev);
                            form.update(|f| *f.text_mut(kind) = text);
                        }></textarea>
                </label>
                {msgs}
            }
        })
        .collect_view();
    view! {
        <section class="panel dd-editor" data-testid="dd-editor">
            <p class="hint" data-testid="dd-updated">{updated}</p>
            <p class="hint">{dt.f_input_hint}</p>
            {fields}
            {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                <p class="form-error" role="alert" data-testid="dd-error">{error_text(t, &e)}</p>
            })}
            {move || notice.get().then(|| view! { <p class="notice" role="status" data-testid="dd-notice">{dt.defaults_saved}</p> })}
            {move || saved.with(|s| s.lists.total() == 0).then(|| view! { <p class="hint" data-testid="dd-empty">{dt.apply_empty_set}</p> })}
            <div class="actions">
                <button class="primary" data-testid="dd-save" disabled=move || save.pending().get()
                    on:click=on_save>{dt.defaults_save}</button>
            </div>
        </section>
    }
}

/// The ticked mini programs and the running apply: kept by the page, so the table's refetch
/// at the end of a run does not lose them.
#[derive(Clone, Copy)]
struct RunState {
    selected: RwSignal<Vec<String>>,
    results: RwSignal<Vec<(String, Result<ApplyReport, AppError>)>>,
    running: RwSignal<bool>,
    done: RwSignal<usize>,
    total: RwSignal<usize>,
}

impl RunState {
    fn new() -> Self {
        Self {
            selected: RwSignal::new(Vec::new()),
            results: RwSignal::new(Vec::new()),
            running: RwSignal::new(false),
            done: RwSignal::new(0),
            total: RwSignal::new(0),
        }
    }
}

/// One part of an apply's result, as a list item (nothing when the set has none of it).
fn part_view(t: &'static Texts, label: &'static str, part: &PartOutcome) -> Option<AnyView> {
    let dt = t.domains;
    let item = |class: &'static str, text: String| {
        view! { <li data-testid="dd-part" class=class>{label}{t.colon}{text}</li> }.into_any()
    };
    match part {
        PartOutcome::Nothing => None,
        PartOutcome::Done {
            added,
            present,
            rejected,
        } => {
            let mut text = (dt.summary)(added.len(), *present, rejected.len(), 0);
            if !added.is_empty() {
                text.push_str(t.list_separator);
                text.push_str(dt.added_list);
                text.push_str(&added.join(", "));
            }
            for r in rejected {
                let reason = match r.reason {
                    RejectReason::Invalid => dt.reason_invalid,
                    RejectReason::NoIcp => dt.reason_no_icp,
                };
                text.push_str(t.list_separator);
                text.push_str(&format!("{}{}{reason}", r.domain, t.colon));
            }
            Some(item("", text))
        }
        PartOutcome::NotApplicable { errcode } => {
            Some(item("muted", (dt.part_not_applicable)(*errcode)))
        }
        PartOutcome::Failed { error } => Some(item("field-error", error_text(t, error))),
    }
}

fn report_view(t: &'static Texts, r: &Result<ApplyReport, AppError>) -> AnyView {
    let dt = t.domains;
    match r {
        Ok(report) => view! {
            <div data-testid="dd-result" data-added=report.added().to_string() data-present=report.present().to_string()
                data-rejected=report.rejected().to_string() data-failed=report.failed().to_string()>
                <strong data-testid="dd-result-summary">
                    {(dt.summary)(report.added(), report.present(), report.rejected(), report.failed())}
                </strong>
                <ul class="plain">
                    {part_view(t, dt.part_server, &report.server)}
                    {part_view(t, dt.part_webview, &report.webview)}
                </ul>
            </div>
        }
        .into_any(),
        Err(e) => view! { <p class="field-error" data-testid="dd-result-error">{error_text(t, e)}</p> }.into_any(),
    }
}

/// What the last apply found on a row.
fn last_view(t: &'static Texts, r: &TargetRow) -> AnyView {
    let dt = t.domains;
    match r.applied_at {
        None => view! { <span class="muted">{dt.never}</span> }.into_any(),
        Some(_) => {
            let summary = (dt.summary)(
                usize::try_from(r.added).unwrap_or(0),
                usize::try_from(r.present).unwrap_or(0),
                usize::try_from(r.rejected).unwrap_or(0),
                usize::try_from(r.failed).unwrap_or(0),
            );
            let class = if r.state() == TargetFilter::Complete.as_str() {
                ""
            } else {
                "field-error"
            };
            view! {
                <span class=class data-testid="dd-last">{summary}
                    {r.errcode.map(|code| format!("{}{}", t.list_separator, (t.paren)(&format!("{} {code}", t.release.errcode))))}
                </span>
            }
            .into_any()
        }
    }
}

#[component]
fn Targets(
    page: Page<TargetRow>,
    query: TargetQuery,
    reload: RwSignal<u32>,
    state: RunState,
) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let search = query.search.clone();
    let filter = query.filter;
    let per_page = query.page.per_page.to_string();
    let RunState {
        selected,
        results,
        running,
        done,
        total,
    } = state;
    let page_appids: Vec<String> = page.items.iter().map(|r| r.appid.clone()).collect();
    let run = move || {
        let chosen = selected.get_untracked();
        if chosen.is_empty() || running.get_untracked() {
            return;
        }
        running.set(true);
        results.set(Vec::new());
        done.set(0);
        total.set(chosen.len());
        leptos::task::spawn_local(async move {
            for appid in chosen {
                let report = apply_domain_defaults(appid.clone()).await;
                results.update(|r| r.push((appid, report)));
                done.update(|d| *d += 1);
            }
            running.set(false);
            // The table shows what the run found.
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
    let filters = [
        (TargetFilter::All, dt.filter_all),
        (TargetFilter::Unapplied, dt.filter_unapplied),
        (TargetFilter::Complete, dt.filter_complete),
        (TargetFilter::Problems, dt.filter_problems),
    ];
    view! {
        <section class="panel" data-testid="dd-targets">
            <h2>{dt.apply_title}</h2>
            <p class="hint">{dt.apply_explain}</p>
            <FilterForm action=PATH testid="dd-filters">
                <input name="q" placeholder=dt.search maxlength="64" data-testid="dd-search" value=search />
                <select name="filter" data-testid="dd-filter">
                    {filters.into_iter().map(|(f, label)| view! {
                        <option value=f.as_str() selected=filter == f>{label}</option>
                    }).collect_view()}
                </select>
                <input type="hidden" name="per_page" value=per_page />
                <button type="submit" class="primary" data-testid="dd-filter-apply">{t.apply_filters}</button>
            </FilterForm>
            {if page.items.is_empty() {
                view! { <p class="empty" data-testid="dd-targets-empty">{t.no_rows}</p> }.into_any()
            } else {
                let all = page_appids.clone();
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="dd-table">
                        <thead><tr>
                            <th><label class="check"><input type="checkbox" data-testid="dd-select-page"
                                prop:checked=move || selected.with(|s| !s.is_empty() && all.iter().all(|a| s.contains(a)))
                                on:change={
                                    let all = page_appids.clone();
                                    move |ev| selected.set(if event_target_checked(&ev) { all.clone() } else { Vec::new() })
                                } />{dt.select_page}</label></th>
                            <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th>
                            <th>{dt.col_last}</th><th>{dt.col_applied}</th><th>{dt.col_result}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.clone().into_iter().map(|r| {
                                let a1 = r.appid.clone();
                                let a2 = r.appid.clone();
                                let a3 = r.appid.clone();
                                view! {
                                    <tr data-testid="dd-row" data-appid=r.appid.clone() data-state=r.state()>
                                        <td><input type="checkbox" data-testid="dd-row-check"
                                            prop:checked=move || selected.with(|s| s.contains(&a1))
                                            on:change=move |ev| toggle(a2.clone(), event_target_checked(&ev)) /></td>
                                        <td><a href=format!("/apps/{}/domains", r.appid)><code>{r.appid.clone()}</code></a></td>
                                        <td>{r.nick_name.clone()}</td>
                                        <td>{r.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</td>
                                        <td>{last_view(t, &r)}</td>
                                        <td>{r.applied_at.map(format_cst).unwrap_or_default()}</td>
                                        <td>{move || results.with(|list| list.iter().find(|(a, _)| *a == a3).map(|(_, rep)| report_view(t, rep)))}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    <Pager path=PATH params=query.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                }.into_any()
            }}
            <div class="actions">
                <button class="primary" data-testid="dd-apply" disabled=move || running.get() || selected.with(Vec::is_empty)
                    on:click=move |_| run()>{dt.apply}</button>
                {move || (total.get() > 0).then(|| view! {
                    <span data-testid="dd-progress">{(dt.progress)(done.get(), total.get())}</span>
                    <progress max=total.get().to_string() value=done.get().to_string()></progress>
                })}
            </div>
        </section>
    }
}
