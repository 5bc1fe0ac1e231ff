//! `/message-sets/:id`: a template set's members (staff remove them), and the set across the
//! fleet: every authorized mini program the user sees with what the last check or apply
//! found (filter, search and paging on the server, readable without JavaScript), then check
//! or apply on the ticked ones, one mini program after another with progress and each
//! one's result; a failure never stops the rest.

use crate::api::message_sets::{
    apply_message_set, check_message_set, get_message_set, message_set_coverage,
    remove_message_set_member,
};
use crate::components::field::error_text;
use crate::components::filter_form::FilterForm;
use crate::components::layout::user_is_staff;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::message_set::{
    CoverageFilter, CoverageQuery, CoverageRow, MemberKind, MemberOutcome, MessageSet, TargetReport,
};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn kind_text(t: &Texts, kind: MemberKind) -> &'static str {
    match kind {
        MemberKind::Template => t.sets.kind_template,
        MemberKind::Subscribe => t.sets.kind_subscribe,
    }
}

fn member_name(set: &MessageSet, id: i64) -> String {
    set.members
        .iter()
        .find(|m| m.id == id)
        .map(|m| m.title.clone())
        .unwrap_or_else(|| format!("#{id}"))
}

#[component]
pub fn MessageSetPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|i| i.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|p| CoverageQuery::from_params(|k| p.get(k))));
    let version = RwSignal::new(0u32);
    let reload = RwSignal::new(0u32);
    let state = RunState::new();
    let set = Resource::new(move || (id(), version.get()), |(id, _)| get_message_set(id));
    let rows = Resource::new(
        move || (id(), query.get(), reload.get()),
        |(id, q, _)| message_set_coverage(id, q),
    );
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match set.await {
                    Ok(set) => view! { <Members set version reload /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                let (Ok(set), Ok(page)) = (set.await, rows.await) else {
                    return ().into_any();
                };
                view! { <Coverage set page query=q reload state /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn Members(set: MessageSet, version: RwSignal<u32>, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let s = t.sets;
    let staff = untrack(user_is_staff);
    let set_id = set.id;
    let error = RwSignal::new(None::<AppError>);
    let remove = Action::new(move |member: &i64| remove_message_set_member(set_id, *member));
    Effect::new(move |_| {
        if let Some(r) = remove.value().get() {
            match r {
                Ok(_) => {
                    version.update(|v| *v += 1);
                    reload.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <Title text=format!("{} · {}", s.title, set.name) />
        <div class="page-head">
            <h1>{s.title}" · "<span data-testid="set-name">{set.name.clone()}</span></h1>
            <a href="/message-sets" class="button">{s.title}</a>
        </div>
        <section class="panel" data-testid="set-members">
            <h2>{s.members}</h2>
            {if set.members.is_empty() {
                view! { <p class="empty" data-testid="set-no-members">{s.no_members}</p> }.into_any()
            } else {
                view! {
                    <ol>
                        {set.members.iter().map(|m| {
                            let member = m.id;
                            view! {
                                <li data-testid="set-member" data-kind=m.kind.as_str()>
                                    <strong>{m.title.clone()}</strong>" "
                                    <span class="muted">{kind_text(t, m.kind)}" · "<code>{m.title_id.clone()}</code></span>" "
                                    {m.labels.join(" / ")}
                                    {(!m.scene_desc.is_empty()).then(|| view! { <span class="muted">" · "{m.scene_desc.clone()}</span> })}
                                    {staff.then(|| view! {
                                        " "<button data-testid="set-member-remove" disabled=move || remove.pending().get()
                                            on:click=move |_| { remove.dispatch(member); }>{s.remove}</button>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!staff).then(|| view! { <p class="hint">{s.staff_only}</p> })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{error_text(t, &e)}</p> })}
        </section>
    }
}

fn outcome_text(t: &'static Texts, o: &MemberOutcome) -> String {
    let s = t.sets;
    match o {
        MemberOutcome::Present => s.present.into(),
        MemberOutcome::Missing => s.missing.into(),
        MemberOutcome::Added { template_id } => format!("{} {template_id}", s.added),
        MemberOutcome::Failed { error } => {
            format!("{}{}{}", s.failed, t.colon, error_text(t, error))
        }
    }
}

fn report_view(t: &'static Texts, set: &MessageSet, r: &Result<TargetReport, AppError>) -> AnyView {
    let s = t.sets;
    match r {
        Ok(report) => {
            let present = report
                .members
                .iter()
                .filter(|(_, o)| *o == MemberOutcome::Present)
                .count();
            view! {
                <div data-testid="set-result" data-added=report.added().to_string() data-failed=report.failed().to_string()>
                    <strong data-testid="set-result-summary">{(s.summary)(report.added(), present, report.failed())}</strong>
                    <ul class="plain">
                        {report.members.iter().map(|(id, o)| view! {
                            <li data-testid="set-result-member" class=if matches!(o, MemberOutcome::Failed { .. }) { "field-error" } else { "" }>
                                {member_name(set, *id)}{t.colon}{outcome_text(t, o)}
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            }
            .into_any()
        }
        Err(e) => {
            view! { <p class="field-error" data-testid="set-result-error">{error_text(t, e)}</p> }
                .into_any()
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Run {
    Check,
    Apply,
}

/// The ticked mini programs and the running check or apply: kept by the page, so the table's
/// refetch at the end of a run does not lose them.
#[derive(Clone, Copy)]
struct RunState {
    selected: RwSignal<Vec<String>>,
    results: RwSignal<Vec<(String, Result<TargetReport, AppError>)>>,
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

#[component]
fn Coverage(
    set: MessageSet,
    page: crate::domain::pagination::Page<CoverageRow>,
    query: CoverageQuery,
    reload: RwSignal<u32>,
    state: RunState,
) -> impl IntoView {
    let t = use_texts();
    let s = t.sets;
    let set_id = set.id;
    let path = format!("/message-sets/{set_id}");
    let set = StoredValue::new(set);
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
    let run = move |kind: Run| {
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
                let report = match kind {
                    Run::Check => check_message_set(set_id, appid.clone()).await,
                    Run::Apply => apply_message_set(set_id, appid.clone()).await,
                };
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
        (CoverageFilter::All, s.filter_all),
        (CoverageFilter::Lacking, s.filter_lacking),
        (CoverageFilter::Complete, s.filter_complete),
        (CoverageFilter::Unchecked, s.filter_unchecked),
    ];
    view! {
        <section class="panel" data-testid="set-coverage">
            <h2>{s.coverage}</h2>
            <p class="hint">{s.apply_explain}</p>
            <FilterForm action=path.clone() testid="set-filters">
                <input name="q" placeholder=s.search maxlength="64" data-testid="set-search" value=search />
                <select name="filter" data-testid="set-filter">
                    {filters.into_iter().map(|(f, label)| view! {
                        <option value=f.as_str() selected=filter == f>{label}</option>
                    }).collect_view()}
                </select>
                <input type="hidden" name="per_page" value=per_page />
                <button type="submit" class="primary" data-testid="set-filter-apply">{t.apply_filters}</button>
            </FilterForm>
            {if page.items.is_empty() {
                view! { <p class="empty" data-testid="set-coverage-empty">{t.no_rows}</p> }.into_any()
            } else {
                let all = page_appids.clone();
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="set-coverage-table">
                        <thead><tr>
                            <th><label class="check"><input type="checkbox" data-testid="set-select-page"
                                prop:checked=move || selected.with(|s| !s.is_empty() && all.iter().all(|a| s.contains(a)))
                                on:change={
                                    let all = page_appids.clone();
                                    move |ev| selected.set(if event_target_checked(&ev) { all.clone() } else { Vec::new() })
                                } />{s.select_page}</label></th>
                            <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th>
                            <th>{s.col_lacking}</th><th>{s.col_checked}</th><th>{s.col_result}</th>
                        </tr></thead>
                        <tbody>
                            {page.items.clone().into_iter().map(|r| {
                                let a1 = r.appid.clone();
                                let a2 = r.appid.clone();
                                let a3 = r.appid.clone();
                                let state = match r.checked_at {
                                    None => "unchecked",
                                    Some(_) if r.lacking.is_empty() && r.failed == 0 => "complete",
                                    Some(_) => "lacking",
                                };
                                let lacking = match r.checked_at {
                                    None => view! { <span class="muted">{s.never}</span> }.into_any(),
                                    Some(_) if r.lacking.is_empty() && r.failed == 0 => view! { <span class="status authorized">{s.complete}</span> }.into_any(),
                                    Some(_) => {
                                        let names = set.with_value(|set| r.lacking.iter().map(|id| member_name(set, *id)).collect::<Vec<_>>());
                                        view! {
                                            <span data-testid="set-lacking">{names.join("、")}</span>
                                            {(r.failed > 0).then(|| view! { <span class="field-error">" · "{(s.failed_count)(r.failed)}</span> })}
                                        }.into_any()
                                    }
                                };
                                view! {
                                    <tr data-testid="set-row" data-appid=r.appid.clone() data-state=state>
                                        <td><input type="checkbox" data-testid="set-row-check"
                                            prop:checked=move || selected.with(|s| s.contains(&a1))
                                            on:change=move |ev| toggle(a2.clone(), event_target_checked(&ev)) /></td>
                                        <td><a href=format!("/apps/{}/subscribe-messages", r.appid)><code>{r.appid.clone()}</code></a></td>
                                        <td>{r.nick_name.clone()}</td>
                                        <td>{r.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</td>
                                        <td>{lacking}</td>
                                        <td>{r.checked_at.map(format_cst).unwrap_or_default()}</td>
                                        <td>{move || results.with(|list| list.iter().find(|(a, _)| *a == a3).map(|(_, rep)| set.with_value(|set| report_view(t, set, rep))))}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                    <Pager path=path.clone() params=query.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                }.into_any()
            }}
            <div class="actions">
                <button data-testid="set-check" disabled=move || running.get() || selected.with(Vec::is_empty)
                    on:click=move |_| run(Run::Check)>{s.check}</button>
                <button class="primary" data-testid="set-apply" disabled=move || running.get() || selected.with(Vec::is_empty)
                    on:click=move |_| run(Run::Apply)>{s.apply}</button>
                {move || (total.get() > 0).then(|| view! {
                    <span data-testid="set-progress">{(s.progress)(done.get(), total.get())}</span>
                    <progress max=total.get().to_string() value=done.get().to_string()></progress>
                })}
            </div>
        </section>
    }
}
