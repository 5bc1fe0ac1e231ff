//! Function widgets: drafts, submissions (create / modify), offline, delete, and the
//! review status tracked from the access check (on every read and by the background
//! worker's polling pass with backoff). Every write goes to the audit log; merchants act
//! only on their own mini programs (another merchant's appid is reported as missing).

use super::audit_log;
use super::{mini_programs, AppState};
use crate::db::{self, widgets::RemoteState};
use crate::domain::merchant_permission::Need;
use crate::domain::pagination::Page;
use crate::domain::release::field_errors;
use crate::domain::widget::rules::{check, CategoryNode};
use crate::domain::widget::state::{allowed, Blocked, Quota};
use crate::domain::widget::view::{
    ActionState, Submission, WidgetListRow, WidgetOptions, WidgetQuery, WidgetView,
};
use crate::domain::widget::{errcode, WidgetAction, WidgetContent, WidgetMaterial, WidgetStatus};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::widget::{FuncWidget, FuncWidgetCheck, Material, ModifyFuncWidget};

/// While a review runs, the access check is asked this often …
pub const POLL_SECS: i64 = 60;
/// … and after failures, with a doubling delay up to this.
pub const MAX_BACKOFF_SECS: i64 = 3600;
const HISTORY: i64 = 50;
/// A draft larger than this is not something a person typed.
const MAX_DRAFT_BYTES: usize = 32 * 1024;

fn blocked_error(b: Blocked) -> AppError {
    AppError::wechat(b.errcode())
}

fn to_json(c: &WidgetContent) -> Result<String, AppError> {
    serde_json::to_string(c).map_err(|_| AppError::Internal)
}

fn from_json(s: &str) -> WidgetContent {
    serde_json::from_str(s).unwrap_or_default()
}

/// The editor's content as WeChat receives it (the cells and categories are the same types).
fn to_wechat(c: &WidgetContent) -> FuncWidget {
    FuncWidget {
        keyword: c.keyword.clone(),
        areacode: c.areacode.clone(),
        brandname: c.brandname.clone(),
        categorylist: c.categorylist.clone(),
        material: Material {
            icon_type: c.material.icon_type,
            items: c.material.items.clone(),
        },
    }
}

fn from_wechat(w: &FuncWidget) -> WidgetContent {
    WidgetContent {
        keyword: w.keyword.clone(),
        areacode: w.areacode.clone(),
        brandname: w.brandname.clone(),
        categorylist: w.categorylist.clone(),
        material: WidgetMaterial {
            icon_type: w.material.icon_type,
            items: w.material.items.clone(),
        },
    }
}

async fn record(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record_program_action(&state.db, user, p, "widget", action, result, detail).await
}

/// Asks the access check and stores what it says. Returns the check.
pub async fn sync(state: &AppState, appid: &str) -> Result<FuncWidgetCheck, AppError> {
    let platform = state.platform()?;
    let check = platform
        .client
        .check_func_widget(&platform.ctx(appid))
        .await?;
    let db = &state.db;
    let now = db::now();
    let before = db::widgets::find(db, appid).await?;
    match check.func_list.first() {
        Some(info) => {
            let status =
                WidgetStatus::from_wechat(info.status).unwrap_or(WidgetStatus::UnderReview);
            let content = to_json(&from_wechat(&info.widget))?;
            db::widgets::apply_remote(
                db,
                appid,
                &RemoteState {
                    status,
                    wx_index: Some(info.index),
                    reason: &info.reason,
                    submitted: &content,
                    submitted_at: Some(info.submit_time),
                },
                now,
            )
            .await?;
            let was_review = before
                .as_ref()
                .is_some_and(|b| b.status() == WidgetStatus::UnderReview);
            match status {
                WidgetStatus::Online if was_review => {
                    db::widgets::decide_latest(db, appid, "approved", "", now).await?;
                    notify_review(state, appid, "widget_approved", "", info.submit_time).await?;
                }
                WidgetStatus::Rejected => {
                    db::widgets::decide_latest(db, appid, "rejected", &info.reason, now).await?;
                    notify_review(
                        state,
                        appid,
                        "widget_rejected",
                        &info.reason,
                        info.submit_time,
                    )
                    .await?;
                }
                _ => {}
            }
            let next = if status == WidgetStatus::UnderReview {
                now + POLL_SECS
            } else {
                0
            };
            db::widgets::schedule(db, appid, next, 0).await?;
        }
        None => {
            if before.is_some_and(|b| b.status().is_submitted()) {
                db::widgets::forget_remote(db, appid).await?;
            }
        }
    }
    Ok(check)
}

/// One notification per reviewed submission (keyed by its submit time), whichever read
/// of the access check (page view or polling) sees the verdict first.
async fn notify_review(
    state: &AppState,
    appid: &str,
    kind: &str,
    reason: &str,
    submit_time: i64,
) -> Result<(), AppError> {
    crate::services::notifications::notify_about_program(
        &state.db,
        appid,
        kind,
        serde_json::json!({ "reason": reason }),
        format!("/apps/{appid}/widget"),
        format!("widget:{appid}:{submit_time}:{kind}"),
    )
    .await
}

fn quota_of(check: &FuncWidgetCheck) -> Quota {
    Quota {
        used: check.submit_count,
        max: check.max_submit_count,
    }
}

/// One mini program's widget, brought up to date with WeChat when it answers.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<WidgetView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let check = sync(state, &p.appid).await.ok();
    build_view(state, user, p, check.as_ref()).await
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    p: MiniProgramRow,
    check: Option<&FuncWidgetCheck>,
) -> Result<WidgetView, AppError> {
    let db = &state.db;
    let rec = db::widgets::find(db, &p.appid).await?;
    let status = rec.as_ref().map_or(WidgetStatus::Draft, |r| r.status());
    let quota = check.map(quota_of);
    let eligible = check.map(|c| c.can_apply == 1);
    let actions = WidgetAction::ALL
        .into_iter()
        .map(|action| ActionState {
            action,
            blocked: allowed(status, action, quota, eligible).err(),
        })
        .collect();
    let history = db::widgets::history(db, &p.appid, HISTORY)
        .await?
        .into_iter()
        .map(|h| Submission {
            id: h.id,
            action: h.action,
            content: from_json(&h.content),
            submitted_at: h.submitted_at,
            submitted_by: h.submitted_by,
            outcome: h.outcome,
            reason: h.reason,
            errcode: h.errcode,
            decided_at: h.decided_at,
        })
        .collect();
    Ok(WidgetView {
        appid: p.appid,
        nick_name: p.nick_name,
        status,
        draft: rec
            .as_ref()
            .map(|r| from_json(&r.draft))
            .unwrap_or_default(),
        submitted: rec
            .as_ref()
            .and_then(|r| r.submitted.as_deref())
            .map(from_json),
        saved: rec.is_some(),
        reason: rec.as_ref().map(|r| r.reason.clone()).unwrap_or_default(),
        submitted_at: rec.as_ref().and_then(|r| r.submitted_at),
        submitted_by: rec.as_ref().and_then(|r| r.submitted_by.clone()),
        updated_at: rec.as_ref().map(|r| r.updated_at),
        quota,
        eligible,
        actions,
        history,
        grant: mini_programs::grant_of(db, user).await?,
        now: db::now(),
    })
}

/// The category tree and the code's pages the editor offers.
pub async fn options(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<WidgetOptions, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    Ok(WidgetOptions {
        categories: categories(state, &p.appid).await?,
        pages: pages(state, &p.appid).await,
    })
}

async fn categories(state: &AppState, appid: &str) -> Result<Vec<CategoryNode>, AppError> {
    let platform = state.platform()?;
    let tree = platform
        .client
        .widget_categories(&platform.ctx(appid))
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, appid, "widget categories unavailable");
            AppError::wechat(errcode::CATEGORY_FETCH)
        })?;
    Ok(tree.category_list)
}

/// Pages of the committed code; none when no code is committed (not checked then).
async fn pages(state: &AppState, appid: &str) -> Vec<String> {
    let Ok(platform) = state.platform() else {
        return Vec::new();
    };
    platform
        .client
        .get_page(&platform.ctx(appid))
        .await
        .map(|p| p.page_list)
        .unwrap_or_default()
}

/// Saves the editor's content without submitting it.
pub async fn save_draft(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    content: &WidgetContent,
) -> Result<WidgetView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let json = to_json(content)?;
    if json.len() > MAX_DRAFT_BYTES || content.material.items.len() > 4 {
        return Err(crate::error::field_error(
            "material.items",
            crate::domain::validation::FieldProblem::GridSize,
        ));
    }
    db::widgets::save_draft(&state.db, &p.appid, &json, &user.username, db::now()).await?;
    record(state, user, &p, "widget.save_draft", &Ok(()), "").await?;
    build_view(state, user, p, None).await
}

/// Create (first time) or modify: checks every rule, the state and the quota, then
/// sends it to WeChat for review. The content is saved as the draft whatever happens.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    content: &WidgetContent,
) -> Result<WidgetView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let db = &state.db;
    let json = to_json(content)?;
    if json.len() > MAX_DRAFT_BYTES {
        return Err(crate::error::field_error(
            "material.items",
            crate::domain::validation::FieldProblem::GridSize,
        ));
    }
    let check_now = sync(state, &p.appid).await?;
    db::widgets::save_draft(db, &p.appid, &json, &user.username, db::now()).await?;
    let rec = db::widgets::find(db, &p.appid).await?;
    let status = rec.as_ref().map_or(WidgetStatus::Draft, |r| r.status());
    let create = status == WidgetStatus::Draft;
    let action = if create { "create" } else { "modify" };
    let audit_action = if create {
        "widget.create"
    } else {
        "widget.modify"
    };
    if let Err(b) = allowed(
        status,
        WidgetAction::Submit,
        Some(quota_of(&check_now)),
        Some(check_now.can_apply == 1),
    ) {
        let err = blocked_error(b);
        record(state, user, &p, audit_action, &Err(err.clone()), "refused:").await?;
        return Err(err);
    }
    let tree = categories(state, &p.appid).await?;
    let pages = pages(state, &p.appid).await;
    if let Err(v) = check(content, &tree, &pages) {
        return Err(AppError::Invalid(field_errors(v)));
    }
    let platform = state.platform()?;
    let ctx = platform.ctx(&p.appid);
    let widget = to_wechat(content);
    let result = if create {
        platform.client.create_func_widget(&ctx, &widget).await
    } else {
        let index = rec
            .as_ref()
            .and_then(|r| r.wx_index)
            .ok_or_else(|| AppError::wechat(errcode::NOT_FOUND))?;
        platform
            .client
            .modify_func_widget(&ctx, &ModifyFuncWidget { index, widget })
            .await
    }
    .map(|_| ())
    .map_err(AppError::from);
    let now = db::now();
    match &result {
        Ok(()) => {
            db::widgets::add_submission(
                db,
                &p.appid,
                action,
                &json,
                &user.username,
                now,
                "under_review",
                None,
                "",
            )
            .await?;
            db::widgets::mark_submitted(db, &p.appid, &json, &user.username, now).await?;
        }
        Err(AppError::Wechat { errcode, zh, .. }) => {
            db::widgets::add_submission(
                db,
                &p.appid,
                action,
                &json,
                &user.username,
                now,
                "failed",
                Some(*errcode),
                zh,
            )
            .await?;
        }
        Err(_) => {}
    }
    record(
        state,
        user,
        &p,
        audit_action,
        &result,
        &format!("keyword={}", content.keyword),
    )
    .await?;
    result?;
    // Learn the index WeChat gave; the worker keeps trying if this fails.
    let check = sync(state, &p.appid).await.ok();
    build_view(state, user, p, check.as_ref()).await
}

/// Takes an online widget offline (WeChat keeps the content for a later modify).
/// The mini program (after the authorization check), its stored widget and the status to act
/// on: a verdict that came since the last look is taken in first.
async fn current(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<
    (
        MiniProgramRow,
        Option<db::widgets::WidgetRecord>,
        WidgetStatus,
    ),
    AppError,
> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    // Offline and delete change what the mini program's users see, as a release does.
    mini_programs::require_grant(&state.db, user, &p, Need::Release).await?;
    // Unreachable WeChat is not fatal here: the action that follows reports it.
    sync(state, &p.appid).await.ok();
    let rec = db::widgets::find(&state.db, &p.appid).await?;
    let status = rec.as_ref().map_or(WidgetStatus::Draft, |r| r.status());
    Ok((p, rec, status))
}

pub async fn offline(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<WidgetView, AppError> {
    let (p, rec, status) = current(state, user, appid).await?;
    let result = match (
        allowed(status, WidgetAction::Offline, None, None),
        rec.as_ref().and_then(|r| r.wx_index),
    ) {
        (Err(b), _) => Err(blocked_error(b)),
        (Ok(()), None) => Err(AppError::wechat(errcode::NOT_FOUND)),
        (Ok(()), Some(index)) => {
            let platform = state.platform()?;
            platform
                .client
                .offline_func_widget(&platform.ctx(&p.appid), index)
                .await
                .map(|_| ())
                .map_err(AppError::from)
        }
    };
    if result.is_ok() {
        db::widgets::set_status(
            &state.db,
            &p.appid,
            WidgetStatus::Offline,
            &user.username,
            db::now(),
        )
        .await?;
    }
    record(state, user, &p, "widget.offline", &result, "").await?;
    result?;
    let check = sync(state, &p.appid).await.ok();
    build_view(state, user, p, check.as_ref()).await
}

/// Deletes the widget on WeChat's side and in the console (a draft is just discarded).
/// The submission history stays, as a record of what was sent.
pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<WidgetView, AppError> {
    let (p, rec, status) = current(state, user, appid).await?;
    let result = match allowed(status, WidgetAction::Delete, None, None) {
        Err(b) => Err(blocked_error(b)),
        Ok(()) => match rec.as_ref().and_then(|r| r.wx_index) {
            Some(index) if status.is_submitted() => {
                let platform = state.platform()?;
                platform
                    .client
                    .delete_func_widget(&platform.ctx(&p.appid), index)
                    .await
                    .map(|_| ())
                    .map_err(AppError::from)
            }
            _ if rec.is_none() => Err(AppError::wechat(errcode::NOT_FOUND)),
            _ => Ok(()),
        },
    };
    if result.is_ok() {
        db::widgets::delete(&state.db, &p.appid).await?;
    }
    record(state, user, &p, "widget.delete", &result, "").await?;
    result?;
    build_view(state, user, p, None).await
}

/// The fleet list, confined to the merchant's own mini programs for merchants.
pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    q: &WidgetQuery,
) -> Result<Page<WidgetListRow>, AppError> {
    let scope = mini_programs::scope_of(user)?;
    let (items, total) = db::widgets::list(&state.db, scope, q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

/// One pass of the background worker: asks the access check for every widget under
/// review whose turn has come. A failure doubles the wait (up to an hour).
pub async fn poll_due(state: &AppState) -> usize {
    let now = db::now();
    let due = match db::widgets::due(&state.db, now, 50).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "could not read the widgets under review");
            return 0;
        }
    };
    let mut checked = 0;
    for rec in due {
        match sync(state, &rec.appid).await {
            Ok(_) => checked += 1,
            Err(e) => {
                let failures = rec.check_failures + 1;
                let wait = (POLL_SECS << failures.min(6)).min(MAX_BACKOFF_SECS);
                tracing::warn!(error = %e, appid = %rec.appid, failures, "widget status check failed");
                let _ = db::widgets::schedule(&state.db, &rec.appid, now + wait, failures).await;
            }
        }
    }
    checked
}
