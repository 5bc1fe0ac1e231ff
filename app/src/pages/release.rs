//! 发布管理 (`/apps/:appid/release`): one mini program's code as a timeline (development →
//! audit → online, gray plan, visit status, minimum base library) and every release action,
//! each enabled only when WeChat allows it, with the reason when not. Readable without
//! JavaScript (SSR); the forms work after hydration.

use crate::api::release::{
    load_release, release_commit, release_gray, release_refresh_audit, release_release,
    release_revert, release_revert_gray, release_simulate_audit, release_submit_audit,
    release_submit_options, release_support_version, release_templates, release_undo_audit,
    release_visit_status, AuditInfo, ReleaseView, SupportInfo,
};
use crate::components::page_error::PageError;
use crate::components::text::Lines;
use crate::domain::merchant_permission::{MerchantPermission, Need};
use crate::domain::release::commit::CommitForm;
use crate::domain::release::gray::GrayStatus;
use crate::domain::release::state::{Action as ReleaseAction, Unavailable, VisitStatus};
use crate::domain::release::submission::AuditItem;
use crate::domain::release::Violation;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{release::ReleaseTexts, use_texts, Texts};
use crate::pages::release_forms::{CommitPanel, SubmitPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// One release operation, as the page dispatches it.
#[derive(Clone, Debug)]
pub enum Op {
    Commit(CommitForm),
    Submit(Vec<AuditItem>, Option<String>),
    Refresh,
    Undo,
    Release,
    Visit(&'static str),
    Revert,
    Gray(i64),
    RevertGray,
    Support(String),
    Simulate(i64),
}

pub type OpAction = Action<(String, Op), Result<ReleaseView, AppError>>;

async fn run(appid: String, op: Op) -> Result<ReleaseView, AppError> {
    match op {
        Op::Commit(form) => release_commit(appid, form).await,
        Op::Submit(items, feedback) => release_submit_audit(appid, items, feedback).await,
        Op::Refresh => release_refresh_audit(appid).await,
        Op::Undo => release_undo_audit(appid).await,
        Op::Release => release_release(appid).await,
        Op::Visit(a) => release_visit_status(appid, a.to_string()).await,
        Op::Revert => release_revert(appid).await,
        Op::Gray(p) => release_gray(appid, p).await,
        Op::RevertGray => release_revert_gray(appid).await,
        Op::Support(v) => release_support_version(appid, v).await,
        Op::Simulate(status) => release_simulate_audit(appid, status, None).await,
    }
}

/// The translated problem of a field with WeChat's errcode, e.g. "不能为空（错误码 85014）".
pub fn violation_text(t: &Texts, v: &Violation) -> String {
    let problem = t.problem(&v.problem);
    match v.errcode {
        Some(code) => format!(
            "{problem}{}",
            (t.paren)(&format!("{} {code}", t.release.errcode))
        ),
        None => problem,
    }
}

/// Messages for `field` from the local check and from the last server answer.
pub fn field_messages(
    t: &'static Texts,
    local: &[Violation],
    server: Option<&AppError>,
    field: &str,
) -> Vec<String> {
    let mut out: Vec<String> = local
        .iter()
        .filter(|v| v.field == field)
        .map(|v| violation_text(t, v))
        .collect();
    if out.is_empty() {
        if let Some(AppError::Invalid(errors)) = server {
            out.extend(
                errors
                    .iter()
                    .filter(|e| e.field == field)
                    .map(|e| t.problem(&e.problem)),
            );
        }
    }
    out
}

/// A field's messages, under it.
pub fn show_messages(testid: String, messages: Vec<String>) -> impl IntoView {
    (!messages.is_empty()).then(|| {
        view! {
            <p class="field-error" role="alert" data-testid=testid>{messages.join(use_texts().list_separator)}</p>
        }
    })
}

#[component]
pub fn ReleasePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let version = RwSignal::new(0usize);
    let data = Resource::new(
        move || (appid(), version.get()),
        |(appid, _)| load_release(appid),
    );
    let templates = Resource::new(appid, release_templates);
    let options = Resource::new(
        move || (appid(), version.get()),
        |(appid, _)| release_submit_options(appid),
    );
    let last_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let act: OpAction =
        Action::new(move |(appid, op): &(String, Op)| run(appid.clone(), op.clone()));
    Effect::new(move |_| {
        if let Some(result) = act.value().get() {
            match result {
                Ok(_) => {
                    last_error.set(None);
                    notice.set(Some(t.release.done));
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    notice.set(None);
                    last_error.set(Some(e));
                }
            }
        }
    });
    let r = t.release;
    view! {
        <div class="page-head">
            <h1 data-testid="release-title">
                {r.title}" · "
                <Transition fallback=move || view! { <code>{appid}</code> }>
                    {move || Suspend::new(async move {
                        let name = data.await.map(|v| v.nick_name).unwrap_or_default();
                        let title = format!("{} · {name}", r.title);
                        view! { <Title text=title /><span data-testid="release-name">{name}</span>" " }
                    })}
                </Transition>
                <code class="muted small-text">{appid}</code>
            </h1>
            <a href=move || format!("/apps/{}", appid()) class="button">{r.back}</a>
        </div>
        // The work in its order: where the versions stand, then the steps.
        <nav class="release-steps" data-testid="release-steps" aria-label=r.steps>
            <a href="#step-commit">"1 "{r.commit_title}</a>
            <a href="#step-trial">"2 "{r.qrcode}</a>
            <a href="#step-submit">"3 "{r.submit_title}</a>
            <a href="#step-release">"4 "{r.actions}</a>
            <a href="#step-history">"5 "{r.history}</a>
        </nav>
        <div aria-live="polite">
            {move || notice.get().map(|n| view! { <p class="notice ok" data-testid="release-notice">{n}</p> })}
            {move || last_error.get().map(|e| view! {
                <p class="form-error" role="alert" data-testid="release-error">{e.message(t)}</p>
            })}
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! {
                        {(v.grant == MerchantPermission::View).then(|| view! {
                            <p class="notice" data-testid="view-only">{t.view_only_notice}</p>
                        })}
                        <Timeline view=v act />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
        <div id="step-commit" class="release-step">
            <Transition fallback=move || ()>
                {move || Suspend::new(async move {
                    let list = templates.await.unwrap_or_default();
                    let view = data.await.ok();
                    view.map(|v| view! { <CommitPanel view=v templates=list act last_error /> })
                })}
            </Transition>
        </div>
        <div id="step-trial" class="release-step">
            <QrPanel appid=Signal::derive(appid) version />
        </div>
        <div id="step-submit" class="release-step">
            <Transition fallback=move || ()>
                {move || Suspend::new(async move {
                    let opts = options.await.unwrap_or_default();
                    let view = data.await.ok();
                    view.map(|v| view! { <SubmitPanel view=v options=opts act last_error /> })
                })}
            </Transition>
        </div>
        <Transition fallback=move || ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|v| view! {
                    <div id="step-release" class="release-step"><ActionsPanel view=v.clone() act /></div>
                    <div id="step-history" class="release-step"><History view=v /></div>
                })
            })}
        </Transition>
    }
}

pub fn audit_status_class(status: i64) -> &'static str {
    match status {
        0 => "status authorized",
        1 => "status unauthorized",
        3 => "status muted",
        _ => "status needs_reauthorization",
    }
}

#[component]
fn Timeline(view: ReleaseView, act: OpAction) -> impl IntoView {
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

/// Above this share of users cut off, setting the minimum base library warns.
const SUPPORT_WARN_PERCENT: f64 = 5.0;

/// The share of users a minimum base library of `version` cuts off: WeChat's `uv_info`
/// gives it per version (受影响用户占比).
fn cut_off_share(items: &[(String, f64)], version: &str) -> f64 {
    items
        .iter()
        .find(|(v, _)| v == version)
        .map_or(0.0, |(_, pct)| *pct)
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

/// A button for one release action: disabled with the reason when WeChat would refuse.
/// With `confirm`, the first click says what will happen and a second click confirms.
fn action_button(
    view: &ReleaseView,
    action: ReleaseAction,
    testid: &'static str,
    act: OpAction,
    op: Op,
    confirm: Option<String>,
) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let allowed = view.check(action);
    let reason = allowed.err().map(|u| r.why(u));
    let run = StoredValue::new((view.appid.clone(), op));
    let go = move || {
        let (appid, op) = run.get_value();
        act.dispatch((appid, op));
    };
    let asking = RwSignal::new(false);
    let needs_confirm = confirm.is_some();
    view! {
        <div class="release-action">
            <button type="button" data-testid=format!("action-{testid}") disabled=allowed.is_err()
                on:click=move |_| if needs_confirm { asking.set(true) } else { go() }>
                {r.action(action)}
            </button>
            {reason.map(|why| view! { <span class="muted" data-testid=format!("reason-{testid}")>{why}</span> })}
            {confirm.map(|text| view! { <ConfirmBox testid text asking on_yes=go warning=None /> })}
        </div>
    }
}

/// "Are you sure?" for a dangerous action: what will happen, then confirm or cancel.
#[component]
fn ConfirmBox(
    testid: &'static str,
    text: String,
    asking: RwSignal<bool>,
    on_yes: impl Fn() + Send + Sync + Copy + 'static,
    warning: Option<String>,
) -> impl IntoView {
    let r = use_texts().release;
    let text = StoredValue::new(text);
    let warning = StoredValue::new(warning);
    move || {
        asking.get().then(|| {
            view! {
                <div class="confirm-box" role="alertdialog" data-testid=format!("confirm-{testid}")>
                    <p>{text.get_value()}</p>
                    {warning.get_value().map(|w| view! { <p class="form-error" data-testid=format!("confirm-{testid}-warning")>{w}</p> })}
                    <button type="button" class="primary" data-testid=format!("confirm-{testid}-yes")
                        on:click=move |_| { asking.set(false); on_yes(); }>{r.confirm_yes}</button>
                    " "
                    <button type="button" data-testid=format!("confirm-{testid}-no")
                        on:click=move |_| asking.set(false)>{r.confirm_no}</button>
                </div>
            }
        })
    }
}

#[component]
fn ActionsPanel(view: ReleaseView, act: OpAction) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let other_visit = match view.visit {
        VisitStatus::Open => VisitStatus::Closed,
        VisitStatus::Closed => VisitStatus::Open,
    };
    let release_note = (r.confirm_release)(
        &view
            .audit
            .as_ref()
            .map(|a| a.user_version.clone())
            .unwrap_or_default(),
    );
    let visit_note = match other_visit {
        VisitStatus::Closed => r.confirm_close,
        VisitStatus::Open => r.confirm_open,
    };
    let revert_note = (r.confirm_revert)(
        &view
            .online
            .as_ref()
            .and_then(|o| o.previous_version.clone())
            .unwrap_or_default(),
    );
    let gray_input = RwSignal::new(String::new());
    let gray_allowed = view.check(ReleaseAction::GrayRelease);
    let gray_why = gray_allowed.err().map(|u| r.why(u));
    let appid = view.appid.clone();
    let floor = view
        .gray
        .filter(|g| g.is_active())
        .map(|g| i64::from(g.percentage));
    let gray_local = move || {
        let text = gray_input.get();
        if text.trim().is_empty() {
            return None;
        }
        let value = text.trim().parse::<i64>().unwrap_or(0);
        let plan = view.gray;
        crate::domain::release::gray::check_gray_percentage(value, plan.as_ref())
            .err()
            .map(|v| violation_text(t, &v))
    };
    view! {
        <section class="panel" data-testid="release-actions">
            <h2>{r.actions}</h2>
            <div class="release-actions">
                {action_button(&view, ReleaseAction::UndoAudit, "undo", act, Op::Undo, None)}
                <p class="muted" data-testid="undo-quota">
                    {(r.undo_left)(view.undo_quota.left_today, view.undo_quota.left_this_month)}
                </p>
                {action_button(&view, ReleaseAction::Release, "release", act, Op::Release, Some(release_note))}
                {action_button(&view, ReleaseAction::ChangeVisitStatus(other_visit), "visit", act, Op::Visit(other_visit.action()), Some(visit_note.to_owned()))}
                {action_button(&view, ReleaseAction::Revert, "revert", act, Op::Revert, Some(revert_note))}
                <div class="release-action">
                    <label>
                        {r.percentage}" (1–100"{floor.map(|f| format!(", > {f}"))}") "
                        <input type="number" min="1" max="100" data-testid="gray-input"
                            prop:value=move || gray_input.get()
                            on:input=move |ev| gray_input.set(event_target_value(&ev)) />
                    </label>
                    <button type="button" data-testid="action-gray" disabled=gray_allowed.is_err()
                        on:click=move |_| {
                            let p = gray_input.get_untracked().trim().parse::<i64>().unwrap_or(0);
                            act.dispatch((appid.clone(), Op::Gray(p)));
                        }>
                        {r.action_gray}
                    </button>
                    {gray_why.map(|why| view! { <span class="muted" data-testid="reason-gray">{why}</span> })}
                    {move || gray_local().map(|m| view! { <p class="field-error" data-testid="error-gray_percentage">{m}</p> })}
                </div>
                {action_button(&view, ReleaseAction::RevertGray, "revert-gray", act, Op::RevertGray, Some(r.confirm_revert_gray.to_owned()))}
            </div>
            <SupportPanel appid=view.appid.clone() support=view.support.clone() act
                allowed=view.grant.allows(Need::Release) />
        </section>
    }
}

#[component]
fn SupportPanel(
    appid: String,
    support: Option<SupportInfo>,
    act: OpAction,
    allowed: bool,
) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let Some(support) = support else {
        return view! { <p class="muted">{r.support_version}": "{r.none}</p> }.into_any();
    };
    let choice = RwSignal::new(support.now_version.clone());
    let asking = RwSignal::new(false);
    let target = StoredValue::new(appid);
    let go = move || {
        act.dispatch((target.get_value(), Op::Support(choice.get_untracked())));
    };
    let items = support.items.clone();
    let versions: Vec<String> = support.items.iter().map(|(v, _)| v.clone()).collect();
    let max = support
        .items
        .iter()
        .map(|(_, p)| *p)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let bars = support.items.iter().enumerate().map(|(i, (version, pct))| {
        let y = i as f64 * 22.0;
        let width = pct / max * 260.0;
        view! {
            <g>
                <text x="0" y=format!("{:.0}", y + 14.0) font-size="12">{version.clone()}</text>
                <rect x="70" y=format!("{y:.0}") width=format!("{width:.1}") height="16" fill="#576b95" />
                <text x=format!("{:.1}", 76.0 + width) y=format!("{:.0}", y + 13.0) font-size="11">{format!("{pct}%")}</text>
            </g>
        }
    }).collect_view();
    let height = support.items.len() * 22 + 4;
    view! {
        <div class="support-version" data-testid="support-version">
            <h3>{r.support_version}": "<code data-testid="support-now">{support.now_version.clone()}</code></h3>
            <label>
                <select data-testid="support-select" prop:value=move || choice.get()
                    on:change=move |ev| choice.set(event_target_value(&ev))>
                    {versions.into_iter().map(|v| view! { <option value=v.clone()>{v.clone()}</option> }).collect_view()}
                </select>
            </label>
            <button type="button" data-testid="action-support" disabled=!allowed
                title=(!allowed).then(|| r.why(Unavailable::NotGranted))
                on:click=move |_| asking.set(true)>
                {r.action_set_support}
            </button>
            {move || {
                let version = choice.get();
                let cut_off = cut_off_share(&items, &version);
                let warning = (cut_off > SUPPORT_WARN_PERCENT).then(|| (r.support_warning)(SUPPORT_WARN_PERCENT));
                view! {
                    <ConfirmBox testid="support" text=(r.confirm_support)(&version, cut_off) asking on_yes=go warning />
                }
            }}
            <figure>
                <figcaption>{r.share_of_users}</figcaption>
                <svg width="360" height=height viewBox=format!("0 0 360 {height}") role="img"
                    aria-label=r.share_of_users data-testid="support-chart">
                    {bars}
                </svg>
            </figure>
        </div>
    }
    .into_any()
}

#[component]
fn History(view: ReleaseView) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    if view.history.is_empty() {
        return ().into_any();
    }
    let row = move |a: AuditInfo| {
        view! {
            <tr data-testid="history-row">
                <td>{a.auditid}</td>
                <td>{a.user_version.clone()}</td>
                <td><span class=audit_status_class(a.status)>{r.audit_status(a.status)}</span></td>
                <td>{format_cst(a.submitted_at)}</td>
                <td>{a.finished_at.map(format_cst).unwrap_or_default()}</td>
                <td>{a.submitted_by_name.clone()}</td>
            </tr>
        }
    };
    view! {
        <section class="panel" data-testid="release-history">
            <h2>{r.history}</h2>
            <table class="table">
                <thead><tr>
                    <th>{r.auditid}</th><th>{r.user_version}</th><th>{r.status}</th>
                    <th>{r.submitted_at}</th><th>{r.finished_at}</th><th>{r.submitted_by}</th>
                </tr></thead>
                <tbody>{view.history.into_iter().map(row).collect_view()}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn QrPanel(appid: Signal<String>, version: RwSignal<usize>) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let path = RwSignal::new(String::new());
    let shown = RwSignal::new(String::new());
    let src = move || {
        let p = shown.get();
        let query = if p.is_empty() {
            String::new()
        } else {
            format!("path={}&", encode(&p))
        };
        format!(
            "/apps/{}/release/qrcode.jpg?{query}v={}",
            appid.get(),
            version.get()
        )
    };
    view! {
        <section class="panel" data-testid="qrcode-panel">
            <h2>{r.qrcode}</h2>
            <label>{r.qrcode_path}" "
                <input type="text" data-testid="qrcode-path" prop:value=move || path.get()
                    on:input=move |ev| path.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="qrcode-show"
                on:click=move |_| shown.set(path.get_untracked().trim().to_string())>
                {r.show_qrcode}
            </button>
            <div>
                <img data-testid="qrcode-img" alt=r.qrcode width="200" height="200" src=src />
            </div>
            <a data-testid="qrcode-download" href=move || format!("{}&download=1", src())>{r.download}</a>
        </section>
    }
}
