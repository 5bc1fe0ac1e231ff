//! The steps after the audit: release, visit status, revert, gray release, minimum base
//! library; each disabled with the reason when WeChat would refuse it.

use super::op::{Op, OpAction};
use crate::components::field::violation_text;
use crate::domain::merchant_permission::Need;
use crate::domain::release::state::{Action as ReleaseAction, Unavailable, VisitStatus};
use crate::domain::release::view::{ReleaseView, SupportInfo};
use crate::i18n::use_texts;
use leptos::prelude::*;

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
pub fn ActionsPanel(view: ReleaseView, act: OpAction) -> impl IntoView {
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
