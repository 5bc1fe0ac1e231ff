//! Where the versions stand: development → audit → online, gray plan, visit status.

use super::op::{Op, OpAction};
use crate::components::badge::audit_status_class;
use crate::components::text::Lines;
use crate::domain::release::gray::GrayStatus;
use crate::domain::release::view::ReleaseView;
use crate::domain::time::format_cst;
use crate::i18n::{release::ReleaseTexts, use_texts};
use leptos::prelude::*;

#[component]
pub fn Timeline(view: ReleaseView, act: OpAction) -> impl IntoView {
    let t = use_texts();
    let r: &'static ReleaseTexts = t.release;
    let now = view.now;
    let appid = view.appid.clone();
    let dev = match &view.development {
        Some(c) => view! {
            <dl class="facts compact">
                <dt>{r.template}</dt><dd data-testid="dev-template">{c.template_id}</dd>
                <dt>{r.user_version}</dt><dd data-testid="dev-version">{c.user_version.clone()}</dd>
                <dt>{r.user_desc}</dt><dd>{c.user_desc.clone()}</dd>
                <dt>{r.committed_at}</dt><dd>{format_cst(c.committed_at)}</dd>
                <dt>{r.committed_by}</dt><dd>{c.committed_by_name.clone()}</dd>
            </dl>
        }
        .into_any(),
        None => view! { <p class="muted" data-testid="dev-none">{r.no_commit}</p> }.into_any(),
    };
    let audit = match &view.audit {
        Some(a) => {
            let pending = a.status == 2 || a.status == 4;
            let until = a.finished_at.unwrap_or(now);
            let appid = appid.clone();
            view! {
                <dl class="facts compact">
                    <dt>{r.auditid}</dt><dd data-testid="audit-id">{a.auditid}</dd>
                    <dt>{r.user_version}</dt><dd>{a.user_version.clone()}</dd>
                    <dt>{r.status}</dt>
                    <dd>
                        <span class=audit_status_class(a.status) data-testid="audit-status" data-status=a.status>
                            {r.audit_status(a.status)}
                        </span>
                        {a.released.then(|| view! { " " <span class="status authorized">{r.released}</span> })}
                    </dd>
                    {a.reason.clone().map(|reason| view! {
                        <dt>{r.reason}</dt><dd data-testid="audit-reason"><Lines text=reason /></dd>
                    })}
                    {(!a.screenshots.is_empty()).then(|| view! {
                        <dt>{r.screenshots}</dt>
                        <dd data-testid="audit-screenshots">{a.screenshots.iter().map(|s| view! { <code>{s.clone()}</code>" " }).collect_view()}</dd>
                    })}
                    <dt>{r.submitted_at}</dt><dd>{format_cst(a.submitted_at)}" · "{a.submitted_by_name.clone()}</dd>
                    <dt>{r.time_in_audit}</dt><dd data-testid="audit-duration">{(t.duration)(until - a.submitted_at)}</dd>
                </dl>
                {pending.then(|| {
                    let (a1, a2) = (appid.clone(), appid.clone());
                    view! {
                        <button type="button" data-testid="action-refresh"
                            on:click=move |_| { act.dispatch((appid.clone(), Op::Refresh)); }>
                            {r.action_refresh}
                        </button>
                        {view.simulator.then(|| view! {
                            <p class="muted sim-controls">{r.simulator}" "
                                <button type="button" data-testid="sim-approve"
                                    on:click=move |_| { act.dispatch((a1.clone(), Op::Simulate(0))); }>{r.sim_approve}</button>" "
                                <button type="button" data-testid="sim-reject"
                                    on:click=move |_| { act.dispatch((a2.clone(), Op::Simulate(1))); }>{r.sim_reject}</button>
                            </p>
                        })}
                    }
                })}
            }.into_any()
        }
        None => view! { <p class="muted" data-testid="audit-none">{r.no_audit}</p> }.into_any(),
    };
    let online = match &view.online {
        Some(o) => view! {
            <dl class="facts compact">
                <dt>{r.user_version}</dt>
                <dd data-testid="online-version">{o.version.clone()}{o.is_reverted.then_some(r.is_reverted)}</dd>
                <dt>{r.user_desc}</dt><dd>{o.desc.clone().unwrap_or_default()}</dd>
                <dt>{r.released_at}</dt><dd>{o.released_at.map(format_cst).unwrap_or_default()}</dd>
                <dt>{r.previous_version}</dt>
                <dd data-testid="online-previous">{o.previous_version.clone().unwrap_or_else(|| r.none.to_string())}</dd>
            </dl>
        }.into_any(),
        None => view! { <p class="muted" data-testid="online-none">{r.no_online}</p> }.into_any(),
    };
    let gray = match view
        .gray
        .filter(|g| !(g.status == GrayStatus::Initial && g.percentage == 0))
    {
        Some(g) => view! {
            <p>
                <span data-testid="gray-status">{r.gray_status(g.status)}</span>" · "
                {r.percentage}" "<strong data-testid="gray-percentage">{g.percentage}"%"</strong>
            </p>
            <PercentBar percentage=g.percentage active=g.is_active() />
        }
        .into_any(),
        None => view! { <p class="muted" data-testid="gray-none">{r.no_gray}</p> }.into_any(),
    };
    view! {
        <section class="panel release-timeline" data-testid="release-timeline">
            <h2>{r.timeline}</h2>
            <ol class="timeline">
                <li data-testid="step-development"><h3>{r.development}</h3>{dev}</li>
                <li data-testid="step-audit"><h3>{r.audit}</h3>{audit}</li>
                <li data-testid="step-online"><h3>{r.online}</h3>{online}</li>
                <li data-testid="step-gray"><h3>{r.gray}</h3>{gray}</li>
                <li>
                    <h3>{r.visit}</h3>
                    <p data-testid="visit-status">{r.visit(view.visit)}</p>
                </li>
            </ol>
        </section>
    }
}

/// A horizontal bar for a gray release's reach.
#[component]
fn PercentBar(percentage: u8, active: bool) -> impl IntoView {
    let width = f64::from(percentage.min(100)) * 3.0;
    let fill = if active { "#07c160" } else { "#b2b2b2" };
    view! {
        <svg class="percent-bar" width="300" height="14" viewBox="0 0 300 14" role="img"
            aria-label=format!("{percentage}%") data-testid="gray-bar">
            <rect x="0" y="0" width="300" height="14" rx="3" fill="#eee" />
            <rect x="0" y="0" width=format!("{width:.0}") height="14" rx="3" fill=fill />
        </svg>
    }
}
