//! 批量发布详情 (`/rollouts/:id`): the rollout (template version, policy, limits), its
//! progress as a stacked bar with the count per state (each a link that filters the targets),
//! pace and time left; staff pause, resume, cancel and retry; the targets filtered by state
//! and paged on the server, each with its rejection reason, last error (its meaning in the
//! page's language) and a link to its timeline (`?appid=`). Readable without JavaScript;
//! after hydration, while the rollout moves, the figures and the targets are read again
//! every two seconds.

use super::rollouts::{policy_text, state_class, status_class};
use crate::api::rollouts::{
    cancel_rollout, get_rollout, pause_rollout, resume_rollout, retry_rollout, rollout_events,
    rollout_targets,
};
use crate::components::layout::user_is_staff;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::components::text::Lines;
use crate::components::url::{with_param, with_params};
use crate::domain::rollout::{GrayStep, Progress, ReleasePolicy, Stage, StateKind, TargetState};
use crate::domain::rollout_view::{
    EventRow, RolloutDetail, RolloutStatus, TargetQuery, TargetRow, TargetsView,
};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::rollouts::RolloutTexts;
use crate::i18n::{use_texts, Locale, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use std::time::Duration;

const LIST: &str = "/rollouts";
/// How often a moving rollout is read again in the browser.
const POLL_EVERY: Duration = Duration::from_secs(2);
/// The stacked bar's width in SVG units.
const BAR_W: u64 = 600;

/// A staff action on the rollout.
#[derive(Clone, Debug, PartialEq)]
enum Control {
    Pause,
    Resume,
    Cancel,
    /// Failed and rejected targets: these AppIDs, or all of them when empty.
    Retry(Vec<String>),
}

/// (rollout id, action) → how many targets a retry queued again (None for the others).
type ControlAction = Action<(i64, Control), Result<Option<u64>, AppError>>;

/// What the controls show, kept outside the parts that are rendered again on every poll.
#[derive(Clone, Copy)]
struct ControlState {
    action: ControlAction,
    error: RwSignal<Option<AppError>>,
    notice: RwSignal<Option<String>>,
    confirming: RwSignal<bool>,
}

impl ControlState {
    fn busy(self) -> bool {
        self.action.pending().get()
    }

    fn run(self, id: i64, control: Control) {
        self.error.set(None);
        self.notice.set(None);
        self.action.dispatch((id, control));
    }
}

/// Whether the rollout still moves: running, or paused with targets not final (their audit
/// results still arrive). Cancelled and finished ones are not read again.
fn is_live(d: &RolloutDetail) -> bool {
    match d.summary.status {
        RolloutStatus::Running => true,
        RolloutStatus::Paused => !d.summary.progress.is_finished(),
        RolloutStatus::Cancelled | RolloutStatus::Finished => false,
    }
}

fn count_of(p: &Progress, kind: StateKind) -> u64 {
    p.counts
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(0, |(_, n)| *n)
}

/// The targets' URL parameters with the page shown (the timeline's links keep it).
fn params_with_page(query: &TargetQuery) -> Vec<(&'static str, String)> {
    let mut params = query.to_params();
    if query.page.page > 1 {
        params.push(("page", query.page.page.to_string()));
    }
    params
}

/// The (zh, en) meaning of an errcode in the page's language.
fn in_locale(t: &Texts, text: &Option<(String, String)>) -> Option<String> {
    text.as_ref().map(|(zh, en)| match t.locale {
        Locale::ZhCn => zh.clone(),
        Locale::En => en.clone(),
    })
}

fn gray_steps(policy: &ReleasePolicy) -> Vec<GrayStep> {
    match policy {
        ReleasePolicy::GrayThenFull { steps } => steps.clone(),
        _ => Vec::new(),
    }
}

/// "第 2 步 · 50%": a gray step counted from 1, with its percentage when the policy has it.
fn gray_step_text(r: &RolloutTexts, step: u8, steps: &[GrayStep]) -> String {
    let n = (r.gray_step)(u32::from(step) + 1);
    match steps.get(usize::from(step)) {
        Some(s) => format!("{n} · {}%", s.percentage),
        None => n,
    }
}

/// A state with its data in words: "灰度中 第 1 步 · 10%", "失败".
fn state_text(r: &RolloutTexts, state: &TargetState, steps: &[GrayStep]) -> String {
    match *state {
        TargetState::Gray(step) => format!("{} {}", r.state_gray, gray_step_text(r, step, steps)),
        other => r.state(other.kind()).to_owned(),
    }
}

fn stage_text(r: &RolloutTexts, at: Stage, steps: &[GrayStep]) -> String {
    match at {
        Stage::Pending => r.state_pending.to_owned(),
        Stage::Committed => r.state_committed.to_owned(),
        Stage::Submitted => r.state_submitted.to_owned(),
        Stage::Approved => r.state_approved.to_owned(),
        Stage::Gray(step) => format!("{} {}", r.state_gray, gray_step_text(r, step, steps)),
    }
}

#[component]
pub fn RolloutPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query_map = use_query_map();
    let id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| s.trim().parse::<i64>().ok())));
    let query = Memo::new(move |_| query_map.with(|p| TargetQuery::from_params(|k| p.get(k))));
    let appid = Memo::new(move |_| {
        query_map.with(|p| {
            p.get("appid")
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
        })
    });
    // Every read depends on the tick: the poll and the controls bump it.
    let tick = RwSignal::new(0u32);
    // Resources live with the page, not inside a Suspend: hydration takes them in the
    // server's order.
    let detail = Resource::new(
        move || (id.get(), tick.get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_rollout(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let targets = Resource::new(
        move || (id.get(), query.get(), tick.get()),
        |(id, q, _)| async move {
            match id {
                Some(id) => rollout_targets(id, q).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let events = Resource::new(
        move || (id.get(), appid.get(), tick.get()),
        |(id, appid, _)| async move {
            match (id, appid) {
                (Some(id), Some(appid)) => rollout_events(id, appid).await.map(Some),
                _ => Ok(None),
            }
        },
    );

    // In the browser only (effects do not run on the server): while the rollout moves, read
    // it again every two seconds; the interval is cleared when it stops moving or the page
    // goes away.
    let live = Memo::new(move |_| detail.with(|d| matches!(d, Some(Ok(d)) if is_live(d))));
    Effect::new(move |_| {
        if live.get() {
            if let Ok(handle) = set_interval_with_handle(
                move || {
                    tick.try_update(|n| *n = n.wrapping_add(1));
                },
                POLL_EVERY,
            ) {
                on_cleanup(move || handle.clear());
            }
        }
    });

    let controls = ControlState {
        action: Action::new(|(id, control): &(i64, Control)| {
            let id = *id;
            let control = control.clone();
            async move {
                match control {
                    Control::Pause => pause_rollout(id).await.map(|_| None),
                    Control::Resume => resume_rollout(id).await.map(|_| None),
                    Control::Cancel => cancel_rollout(id).await.map(|_| None),
                    Control::Retry(appids) => retry_rollout(id, appids).await.map(Some),
                }
            }
        }),
        error: RwSignal::new(None),
        notice: RwSignal::new(None),
        confirming: RwSignal::new(false),
    };
    Effect::new(move |_| {
        if let Some(result) = controls.action.value().get() {
            controls.confirming.set(false);
            match result {
                Ok(retried) => {
                    controls.error.set(None);
                    controls
                        .notice
                        .set(retried.map(|n| (t.rollouts.retried)(n)));
                }
                Err(e) => {
                    controls.notice.set(None);
                    controls.error.set(Some(e));
                }
            }
            tick.update(|n| *n = n.wrapping_add(1));
        }
    });

    let staff = untrack(user_is_staff);

    view! {
        // Rendered again on every poll (Transition keeps the old content meanwhile); the
        // controls' state lives above, in `controls`.
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match detail.await {
                    Ok(d) => view! {
                        <RolloutHead detail=d.clone() />
                        <Controls detail=d.clone() staff controls />
                        <ProgressPanel detail=d query=q />
                    }.into_any(),
                    Err(error) => view! {
                        <Title text=t.rollouts.title />
                        <PageError error back=LIST />
                    }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let q = query.get();
                let (Some(id), Some(appid)) = (id.get(), appid.get()) else {
                    return ().into_any();
                };
                match events.await {
                    Ok(Some(list)) => view! { <Timeline id appid events=list query=q /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! {
                        <section class="panel" data-testid="target-timeline" data-appid=appid.clone()>
                            <h2>{(t.rollouts.timeline_of)(&appid)}</h2>
                            <p class="form-error" role="alert" data-testid="target-timeline-error">{e.message(t)}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Transition>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match (detail.await, targets.await) {
                    (Ok(d), Ok(v)) => view! {
                        <Targets detail=d targets=v query=q staff controls />
                    }.into_any(),
                    (Ok(_), Err(e)) => view! {
                        <p class="form-error" role="alert" data-testid="targets-error">{e.message(t)}</p>
                    }.into_any(),
                    // The page's error is shown above.
                    (Err(_), _) => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RolloutHead(detail: RolloutDetail) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    let s = detail.summary;
    let limits = detail.limits;
    let title = (r.rollout_title)(s.id);
    let heading = title.clone();
    view! {
        <Title text=title />
        <div class="page-head">
            <h1 data-testid="rollout-title" data-id=s.id.to_string()>
                {heading}" "
                <span class=status_class(s.status) data-testid="rollout-status" data-status=s.status.as_str()>
                    {r.status(s.status)}
                </span>
            </h1>
            <a href=LIST class="button" data-testid="rollout-back">{r.back}</a>
        </div>
        <dl class="facts" data-testid="rollout-facts">
            <dt>{r.col_template}</dt>
            <dd data-testid="rollout-template">{(r.template_version)(s.template_id, &s.user_version)}</dd>
            <dt>{r.col_desc}</dt>
            <dd data-testid="rollout-desc">{s.user_desc.clone()}</dd>
            <dt>{r.col_policy}</dt>
            <dd data-testid="rollout-policy">{policy_text(t, &s.policy, true)}</dd>
            <dt>{r.col_created_by}</dt>
            <dd data-testid="rollout-created-by">{s.created_by_name.clone()}</dd>
            <dt>{r.col_created_at}</dt>
            <dd>{format_cst(s.created_at)}</dd>
            <dt>{r.col_finished_at}</dt>
            <dd data-testid="rollout-finished-at">{s.finished_at.map(format_cst).unwrap_or_else(|| t.none.to_owned())}</dd>
            <dt>{r.limits_label}</dt>
            <dd data-testid="rollout-limits">{(r.limits)(limits.concurrency, limits.calls_per_minute)}</dd>
        </dl>
    }
}

/// Staff only (the server refuses merchants all the same): pause, resume, cancel (after a
/// confirmation), retry the failed and rejected targets; the server's answer next to them.
#[component]
fn Controls(detail: RolloutDetail, staff: bool, controls: ControlState) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    if !staff {
        return ().into_any();
    }
    let id = detail.summary.id;
    let status = detail.summary.status;
    let progress = &detail.summary.progress;
    let to_retry = count_of(progress, StateKind::Failed) + count_of(progress, StateKind::Rejected);
    let running = status == RolloutStatus::Running;
    let paused = status == RolloutStatus::Paused;
    let can_retry = to_retry > 0 && status != RolloutStatus::Cancelled;
    let busy = move || controls.busy();
    view! {
        <div class="toolbar rollout-controls" data-testid="rollout-controls">
            {running.then(|| view! {
                <button type="button" data-testid="rollout-pause" disabled=busy
                    on:click=move |_| controls.run(id, Control::Pause)>{r.pause}</button>
            })}
            {paused.then(|| view! {
                <button type="button" class="primary" data-testid="rollout-resume" disabled=busy
                    on:click=move |_| controls.run(id, Control::Resume)>{r.resume}</button>
            })}
            {can_retry.then(|| view! {
                <button type="button" data-testid="rollout-retry-all" data-count=to_retry.to_string() disabled=busy
                    on:click=move |_| controls.run(id, Control::Retry(Vec::new()))>{(r.retry_all)(to_retry)}</button>
            })}
            {(running || paused).then(|| view! {
                <button type="button" class="danger" data-testid="rollout-cancel" disabled=busy
                    on:click=move |_| {
                        controls.error.set(None);
                        controls.confirming.set(true);
                    }>{r.cancel}</button>
            })}
            {move || (controls.confirming.get() && (running || paused)).then(|| view! {
                <div class="confirm-box" role="alertdialog" data-testid="rollout-cancel-box">
                    <p>{r.cancel_confirm}</p>
                    <button type="button" class="danger" data-testid="rollout-cancel-confirm" disabled=busy
                        on:click=move |_| controls.run(id, Control::Cancel)>{r.cancel_yes}</button>
                    " "
                    <button type="button" data-testid="rollout-cancel-no"
                        on:click=move |_| controls.confirming.set(false)>{r.cancel_no}</button>
                </div>
            })}
            {move || controls.notice.get().map(|n| view! {
                <span class="ok" role="status" data-testid="rollout-notice">{n}</span>
            })}
            {move || controls.error.get().map(|e| view! {
                <p class="form-error" role="alert" data-testid="rollout-error">{e.message(t)}</p>
            })}
        </div>
    }
    .into_any()
}

/// The share of targets per state as one stacked bar, the counts (links that filter the
/// targets), pace and time left.
#[component]
fn ProgressPanel(detail: RolloutDetail, query: TargetQuery) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    let live = is_live(&detail);
    let status = detail.summary.status;
    let id = detail.summary.id;
    let p = detail.summary.progress;
    let path = format!("{LIST}/{id}");
    let mut base = query.to_params();
    base.retain(|(k, _)| *k != "state");

    let scaled = |n: u64| (n * BAR_W).checked_div(p.total).unwrap_or(0);
    let mut segments = Vec::new();
    let mut before = 0u64;
    for (kind, n) in p.counts.iter().copied() {
        if n == 0 {
            continue;
        }
        let x = scaled(before);
        before += n;
        let width = scaled(before) - x;
        segments.push(view! {
            <rect class=format!("seg state-{}", kind.as_str()) x=x.to_string() y="0"
                width=width.to_string() height="16" />
        });
    }

    let chips = p
        .counts
        .iter()
        .copied()
        .map(|(kind, n)| {
            let href = with_param(&path, &base, "state", kind.as_str());
            let current = query.state == Some(kind);
            let class = if current {
                format!("chip state-{} current", kind.as_str())
            } else {
                format!("chip state-{}", kind.as_str())
            };
            view! {
                <a href=href class=class data-testid=format!("rollout-count-{}", kind.as_str())
                    data-state=kind.as_str() data-count=n.to_string() aria-current=current.then_some("true")>
                    <span class=format!("swatch state-{}", kind.as_str())></span>
                    {r.state(kind)}" "<span class="count">{n.to_string()}</span>
                </a>
            }
        })
        .collect_view();
    let all_current = query.state.is_none();
    let all_class = if all_current { "chip current" } else { "chip" };
    let all_href = with_params(&path, &base);

    let per_hour = p
        .per_hour
        .map(r.per_hour)
        .unwrap_or_else(|| t.none.to_owned());
    let eta = match status {
        RolloutStatus::Cancelled => t.none.to_owned(),
        _ if p.is_finished() => r.eta_done.to_owned(),
        _ => match p.eta_secs {
            Some(secs) => (t.duration)(i64::try_from(secs).unwrap_or(i64::MAX)),
            None => r.eta_unknown.to_owned(),
        },
    };
    let done_text = (r.done_of)(p.percent, p.done, p.total);
    let bar_label = done_text.clone();
    view! {
        <section class="panel" data-testid="rollout-progress" data-percent=p.percent.to_string()
            data-done=p.done.to_string() data-total=p.total.to_string() data-live=live.to_string()>
            <h2>{r.progress}</h2>
            <p>
                <span data-testid="rollout-percent">{done_text}</span>
                {live.then(|| view! { " "<span class="muted small-text" data-testid="rollout-live">{r.live}</span> })}
            </p>
            <svg class="stacked-bar" data-testid="rollout-bar" role="img" aria-label=bar_label
                width=BAR_W.to_string() height="16" viewBox=format!("0 0 {BAR_W} 16")>
                <rect class="track" x="0" y="0" width=BAR_W.to_string() height="16" />
                {segments}
            </svg>
            <nav class="health-summary rollout-counts" aria-label=r.progress data-testid="rollout-counts">
                <a href=all_href class=all_class data-testid="rollout-count-all"
                    data-count=p.total.to_string() aria-current=all_current.then_some("true")>
                    {r.all_states}" "<span class="count">{p.total.to_string()}</span>
                </a>
                {chips}
            </nav>
            <dl class="facts compact">
                <dt>{r.per_hour_label}</dt>
                <dd data-testid="rollout-per-hour">{per_hour}</dd>
                <dt>{r.eta_label}</dt>
                <dd data-testid="rollout-eta">{eta}</dd>
            </dl>
        </section>
    }
}

/// The state badge with its data: the gray step, where a failed target stood and its
/// errcode, where a cancelled one stood, why one was skipped.
fn state_cell(t: &'static Texts, row: &TargetRow, steps: &[GrayStep]) -> impl IntoView {
    let r = t.rollouts;
    let kind = row.state.kind();
    let detail: Option<String> = match row.state {
        TargetState::Gray(step) => Some(gray_step_text(r, step, steps)),
        TargetState::Failed { at, errcode } => Some(format!(
            "{}{}{}",
            (r.failed_at)(&stage_text(r, at, steps)),
            t.list_separator,
            (r.errcode)(errcode)
        )),
        TargetState::Cancelled => row
            .cancelled_from
            .map(|from| (r.cancelled_from)(&state_text(r, &from, steps))),
        TargetState::Skipped => row
            .skip_reason
            .as_deref()
            .map(|code| (r.skip_reason)(code).to_owned()),
        _ => None,
    };
    view! {
        <span class=state_class(kind) data-testid="target-state" data-state=kind.as_str()>{r.state(kind)}</span>
        {detail.map(|d| view! { <br /><span class="muted small-text" data-testid="target-state-detail">{d}</span> })}
        {row.gray_skipped.then(|| view! { <br /><span class="muted small-text">{r.gray_skipped}</span> })}
        {row.in_flight.then(|| view! { <br /><span class="muted small-text" data-testid="target-in-flight">{r.in_flight}</span> })}
    }
}

/// The last error: its errcode with the meaning in the page's language, or the console's
/// own text when there is no errcode (WeChat unreachable, an internal error).
fn error_cell(t: &'static Texts, row: &TargetRow) -> impl IntoView {
    let meaning = in_locale(t, &row.error_text);
    match (row.last_errcode, meaning, row.last_error.clone()) {
        (Some(code), Some(meaning), full) => view! {
            <code data-testid="target-errcode">{code.to_string()}</code>" "
            <span title=full.unwrap_or_default()>{meaning}</span>
        }
        .into_any(),
        (Some(code), None, full) => view! {
            <code data-testid="target-errcode">{code.to_string()}</code>" "{full.unwrap_or_default()}
        }
        .into_any(),
        (None, _, Some(full)) => view! { <span>{full}</span> }.into_any(),
        (None, _, None) => ().into_any(),
    }
}

/// One page of targets (of the state chosen above), the CSV export of all of them.
#[component]
fn Targets(
    detail: RolloutDetail,
    targets: TargetsView,
    query: TargetQuery,
    staff: bool,
    controls: ControlState,
) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    let id = detail.summary.id;
    let now = detail.now;
    let can_retry = detail.summary.status != RolloutStatus::Cancelled;
    let steps = gray_steps(&detail.summary.policy);
    let path = format!("{LIST}/{id}");
    let page = targets.page;
    let export = match query.state {
        Some(kind) => format!("{path}/export.csv?state={}", kind.as_str()),
        None => format!("{path}/export.csv"),
    };
    let timeline_params = params_with_page(&query);
    let heading = match query.state {
        Some(kind) => format!("{}{}{}", r.targets, t.colon, r.state(kind)),
        None => r.targets.to_owned(),
    };
    let busy = move || controls.busy();

    let table = if page.items.is_empty() {
        view! { <p class="empty" data-testid="targets-empty">{r.no_targets}</p> }.into_any()
    } else {
        let rows = page
            .items
            .iter()
            .map(|row| {
                let timeline = with_param(&path, &timeline_params, "appid", &row.appid);
                let retryable = staff
                    && can_retry
                    && matches!(row.state.kind(), StateKind::Failed | StateKind::Rejected);
                let retry_appid = row.appid.clone();
                let next_attempt = (!row.state.is_terminal() && row.attempt > 0 && row.next_at > now)
                    .then(|| (r.next_attempt)(&format_cst(row.next_at)));
                view! {
                    <tr data-testid="target-row" data-appid=row.appid.clone() data-state=row.state.as_str()>
                        <td>
                            <a href=format!("/apps/{}/release", row.appid) data-testid="target-appid"><code>{row.appid.clone()}</code></a>
                            {row.nick_name.clone().map(|n| view! { <br /><span data-testid="target-name">{n}</span> })}
                        </td>
                        <td>{state_cell(t, row, &steps)}</td>
                        <td data-testid="target-attempt">
                            {row.attempt.to_string()}
                            {next_attempt.map(|n| view! { <br /><span class="muted small-text">{n}</span> })}
                        </td>
                        <td data-testid="target-auditid">{row.auditid.map(|a| a.to_string()).unwrap_or_default()}</td>
                        <td class="small-text" data-testid="target-reason"><Lines text=row.reason.clone().unwrap_or_default() /></td>
                        <td class="detail" data-testid="target-error">{error_cell(t, row)}</td>
                        <td>{format_cst(row.updated_at)}</td>
                        <td><a href=timeline data-testid="target-timeline-link">{r.show_timeline}</a></td>
                        {staff.then(|| view! {
                            <td>
                                {retryable.then(|| view! {
                                    <button type="button" class="small" data-testid="target-retry" disabled=busy
                                        on:click=move |_| controls.run(id, Control::Retry(vec![retry_appid.clone()]))>
                                        {r.retry}
                                    </button>
                                })}
                            </td>
                        })}
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="table" data-testid="targets-table">
                    <thead>
                        <tr>
                            <th>{r.col_mini_program}</th>
                            <th>{r.col_state}</th>
                            <th>{r.col_attempt}</th>
                            <th>{r.col_auditid}</th>
                            <th>{r.col_reason}</th>
                            <th>{r.col_error}</th>
                            <th>{r.col_updated}</th>
                            <th>{r.col_timeline}</th>
                            {staff.then(|| view! { <th>{r.col_actions}</th> })}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let shown = page.items.len();
    view! {
        <section class="panel" data-testid="rollout-targets">
            <div class="page-head">
                <h2 data-testid="targets-heading">{heading}</h2>
                <a class="button" rel="external" download=format!("rollout-{id}.csv") data-testid="rollout-export"
                    href=export>{r.export}</a>
            </div>
            {table}
            <Pager path=path.clone() params=query.to_params() total=page.total page=page.page
                per_page=page.per_page shown=shown />
        </section>
    }
}

/// One target's timeline: the calls to WeChat, the checks of its state, the transitions
/// and the operators' actions, oldest first.
#[component]
fn Timeline(id: i64, appid: String, events: Vec<EventRow>, query: TargetQuery) -> impl IntoView {
    let t = use_texts();
    let r = t.rollouts;
    let close = with_params(&format!("{LIST}/{id}"), &params_with_page(&query));
    let body = if events.is_empty() {
        view! { <p class="muted" data-testid="timeline-empty">{r.no_events}</p> }.into_any()
    } else {
        let rows = events
            .into_iter()
            .map(|e| {
                let outcome = match (e.kind.as_str(), TargetState::parse(&e.outcome)) {
                    ("state", Some(state)) => state_text(r, &state, &[]),
                    _ => r
                        .event_outcome(&e.outcome)
                        .map(str::to_owned)
                        .unwrap_or_else(|| e.outcome.clone()),
                };
                let meaning = in_locale(t, &e.error_text);
                view! {
                    <tr data-testid="timeline-row" data-kind=e.kind.clone() data-outcome=e.outcome.clone()>
                        <td>{format_cst(e.at)}</td>
                        <td>{r.event_kind(&e.kind)}</td>
                        <td><code>{e.path.clone().unwrap_or_default()}</code></td>
                        <td data-testid="timeline-errcode">
                            {e.errcode.filter(|c| *c != 0).map(|c| view! { <code>{c.to_string()}</code> })}
                            {meaning.map(|m| view! { " "<span>{m}</span> })}
                        </td>
                        <td>{outcome}</td>
                        <td class="detail">{e.detail.clone()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="table" data-testid="timeline-table">
                    <thead>
                        <tr>
                            <th>{r.col_time}</th>
                            <th>{r.col_kind}</th>
                            <th>{r.col_path}</th>
                            <th>{r.col_errcode}</th>
                            <th>{r.col_outcome}</th>
                            <th>{r.col_detail}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" data-testid="target-timeline" data-appid=appid.clone()>
            <div class="page-head">
                <h2>{(r.timeline_of)(&appid)}</h2>
                <a href=close class="button" data-testid="target-timeline-close">{r.close_timeline}</a>
            </div>
            {body}
        </section>
    }
}
