//! 批量发布 (`/rollouts`): every rollout the user may see (a merchant: those touching its
//! mini programs, with its own figures), newest first, filtered by status and paged on the
//! server (filters in the URL, readable without JavaScript). Staff start a new one here.

use crate::api::rollouts::list_rollouts;
use crate::components::filter_form::FilterForm;
use crate::components::layout::user_is_staff;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::rollout::{Progress, ReleasePolicy, StateKind};
use crate::domain::rollout_view::{RolloutListQuery, RolloutStatus, RolloutSummary};
use crate::domain::time::format_cst;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/rollouts";

/// The badge of a rollout's status (`style/main.css`: `.status.rollout-*`).
pub(crate) fn status_class(status: RolloutStatus) -> String {
    format!("status rollout-{}", status.as_str())
}

/// The badge of a target's state (`style/main.css`: `.status.target-*`).
pub(crate) fn state_class(kind: StateKind) -> String {
    format!("status target-{}", kind.as_str())
}

/// The release policy in words; gray steps as "灰度：10% → 50% → 全量", with each step's
/// wait when `waits`.
pub(crate) fn policy_text(t: &Texts, policy: &ReleasePolicy, waits: bool) -> String {
    let r = t.rollouts;
    match policy {
        ReleasePolicy::Manual => r.policy_manual.to_owned(),
        ReleasePolicy::Automatic => r.policy_automatic.to_owned(),
        ReleasePolicy::GrayThenFull { steps } => {
            let mut parts: Vec<String> = steps
                .iter()
                .map(|s| {
                    if waits && s.wait_minutes > 0 {
                        let wait = (t.duration)(i64::from(s.wait_minutes) * 60);
                        format!("{}%{}", s.percentage, (t.paren)(&(r.policy_wait)(&wait)))
                    } else {
                        format!("{}%", s.percentage)
                    }
                })
                .collect();
            parts.push(r.policy_full.to_owned());
            format!("{}{}{}", r.policy_gray, t.colon, parts.join(" → "))
        }
    }
}

/// A small bar of the share done, then "45% · 9/20".
pub(crate) fn progress_cell(p: &Progress) -> impl IntoView {
    let percent = p.percent.min(100);
    view! {
        <span class="progress-cell" data-testid="rollout-row-progress" data-percent=percent.to_string()
            data-done=p.done.to_string() data-total=p.total.to_string()>
            <svg class="mini-bar" width="100" height="8" viewBox="0 0 100 8" role="img" aria-label=format!("{percent}%")>
                <rect class="track" x="0" y="0" width="100" height="8" rx="2" />
                <rect class="fill" x="0" y="0" width=percent.to_string() height="8" rx="2" />
            </svg>
            " "{format!("{percent}% · {}/{}", p.done, p.total)}
        </span>
    }
}

#[component]
pub fn RolloutsPage() -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| RolloutListQuery::from_params(|k| p.get(k))));
    let rollouts = Resource::new(move || query.get(), list_rollouts);

    view! {
        <Title text=r.title />
        <div class="page-head">
            <h1>{r.title}</h1>
            {move || user_is_staff().then(|| view! {
                <a href="/rollouts/new" class="button primary" data-testid="rollout-new">{r.new_rollout}</a>
            })}
        </div>
        <p class="hint">{r.intro}</p>
        <FilterForm action=PATH testid="rollouts-filters">
            <select name="status" data-testid="rollouts-status">
                <option value="">{r.col_status}": "{t.all}</option>
                {RolloutStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().status == Some(s)>{r.status(s)}</option>
                }).collect_view()}
            </select>
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="rollouts-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="rollouts-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match rollouts.await {
                    Ok(page) => view! {
                        <RolloutTable items=page.items.clone() />
                        <Pager path=PATH params=q.to_params() total=page.total page=page.page
                            per_page=page.per_page shown=page.items.len() />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RolloutTable(items: Vec<RolloutSummary>) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    if items.is_empty() {
        return view! { <p class="empty" data-testid="rollouts-empty">{r.empty}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|s| {
            let href = format!("{PATH}/{}", s.id);
            let finished = s
                .finished_at
                .map(format_cst)
                .unwrap_or_else(|| t.none.to_owned());
            view! {
                <tr data-testid="rollout-row" data-id=s.id.to_string() data-status=s.status.as_str()>
                    <td><a href=href data-testid="rollout-link">{format!("#{}", s.id)}</a></td>
                    <td>
                        <span data-testid="rollout-template">{(r.template_version)(s.template_id, &s.user_version)}</span>
                        <br /><span class="muted small-text">{s.user_desc.clone()}</span>
                    </td>
                    <td class="small-text" data-testid="rollout-policy">{policy_text(t, &s.policy, false)}</td>
                    <td><span class=status_class(s.status) data-testid="rollout-status">{r.status(s.status)}</span></td>
                    <td>{progress_cell(&s.progress)}</td>
                    <td>{s.created_by_name.clone()}</td>
                    <td>{format_cst(s.created_at)}</td>
                    <td>{finished}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="rollouts-table">
                <thead>
                    <tr>
                        <th>{r.col_id}</th>
                        <th>{r.col_template}</th>
                        <th>{r.col_policy}</th>
                        <th>{r.col_status}</th>
                        <th>{r.col_progress}</th>
                        <th>{r.col_created_by}</th>
                        <th>{r.col_created_at}</th>
                        <th>{r.col_finished_at}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}
