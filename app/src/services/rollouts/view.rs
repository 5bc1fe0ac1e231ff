//! Reading rollouts. Staff see every rollout and target; a merchant sees the rollouts that
//! touch its mini programs, with figures and targets of its own mini programs only, and a
//! rollout without any of them answers exactly like a missing one.

use super::super::mini_programs::{record_refusal, scope_of};
use super::super::AppState;
use super::Rollout;
use crate::db::{self, rollouts::TargetListRow};
use crate::domain::fleet_release::csv_line;
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::rollout::{Stage, TargetState};
use crate::domain::rollout_view::{
    EventRow, RolloutDetail, RolloutListQuery, RolloutSummary, TargetQuery, TargetRow, TargetsView,
    TARGETS_MAX,
};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::CurrentUser;

/// At most this many entries of one target's timeline.
const EVENTS_MAX: i64 = 500;

pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    query: RolloutListQuery,
) -> Result<Page<RolloutSummary>, AppError> {
    let scope = scope_of(user)?;
    let page = PageRequest::new(query.page.page, query.page.per_page);
    let (rows, total) =
        db::rollouts::list(&state.db, scope, query.status, page.limit(), page.offset()).await?;
    let now = db::now();
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    // One query for the page's figures, not one per rollout.
    let mut counts = db::rollouts::counts_of(&state.db, &ids, scope).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let r = Rollout::from_row(row)?;
        let counts = counts.remove(&r.id).unwrap_or_default();
        items.push(r.summary(counts, now));
    }
    Ok(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// The rollout if `user` may see it, with the merchant scope to read its targets under.
async fn visible(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(Rollout, Option<i64>), AppError> {
    let scope = scope_of(user)?;
    match db::rollouts::visible(&state.db, id, scope).await? {
        Some(row) => Ok((Rollout::from_row(row)?, scope)),
        None => {
            if scope.is_some() && db::rollouts::find(&state.db, id).await?.is_some() {
                record_refusal(
                    &state.db,
                    user,
                    "rollout",
                    &id.to_string(),
                    "a rollout of other merchants' mini programs",
                )
                .await;
            }
            Err(AppError::NotFound)
        }
    }
}

pub async fn get(state: &AppState, user: &CurrentUser, id: i64) -> Result<RolloutDetail, AppError> {
    let (r, scope) = visible(state, user, id).await?;
    let counts = db::rollouts::counts(&state.db, id, scope).await?;
    Ok(r.detail(counts, db::now()))
}

fn state_of(encoded: &str) -> TargetState {
    TargetState::parse(encoded).unwrap_or_else(|| {
        tracing::error!(state = encoded, "unreadable rollout target state");
        TargetState::Failed {
            at: Stage::Pending,
            errcode: 0,
        }
    })
}

/// What a WeChat errcode means, (zh, en) from the catalogue; nothing for none or 0 (ok).
fn errcode_text(errcode: Option<i64>) -> Option<(String, String)> {
    errcode
        .filter(|code| *code != 0)
        .map(|code| wechat::errcode::describe(code, ""))
}

fn row(r: TargetListRow) -> TargetRow {
    let t = r.target;
    TargetRow {
        error_text: errcode_text(t.last_errcode),
        state: state_of(&t.state),
        cancelled_from: t.cancelled_from.as_deref().and_then(TargetState::parse),
        appid: t.appid,
        nick_name: r.nick_name,
        merchant_id: t.merchant_id,
        skip_reason: t.skip_reason,
        gray_skipped: t.gray_skipped != 0,
        attempt: t.attempt,
        next_at: t.next_at,
        in_flight: t.inflight.is_some(),
        auditid: t.auditid,
        reason: t.reason,
        last_errcode: t.last_errcode,
        last_error: t.last_error,
        entered_at: t.entered_at,
        updated_at: t.updated_at,
    }
}

pub async fn targets(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    query: TargetQuery,
) -> Result<TargetsView, AppError> {
    let (_, scope) = visible(state, user, id).await?;
    let page = PageRequest::new(query.page.page, query.page.per_page);
    let (rows, total) = db::rollouts::list_targets(
        &state.db,
        id,
        scope,
        query.state,
        page.limit(),
        page.offset(),
    )
    .await?;
    Ok(TargetsView {
        page: Page {
            items: rows.into_iter().map(row).collect(),
            total,
            page: page.page,
            per_page: page.per_page,
        },
    })
}

/// One target's timeline, oldest first.
pub async fn events(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    appid: &str,
) -> Result<Vec<EventRow>, AppError> {
    let (_, scope) = visible(state, user, id).await?;
    let Some(target) = db::rollouts::find_target(&state.db, id, appid.trim(), scope).await? else {
        return Err(AppError::NotFound);
    };
    Ok(db::rollouts::events(&state.db, target.id, EVENTS_MAX)
        .await?
        .into_iter()
        .map(|e| EventRow {
            error_text: errcode_text(e.errcode),
            at: e.at,
            kind: e.kind,
            path: e.path,
            errcode: e.errcode,
            outcome: e.outcome,
            detail: e.detail,
        })
        .collect())
}

/// Every target of the rollout that `user` may see (of one state when the query names it),
/// as CSV: UTF-8 with a BOM (so Excel reads the Chinese names), CRLF lines, RFC 4180
/// quoting, headers and errcode meanings in the reader's language. States and skip reasons
/// are their codes (`StateKind::as_str`, `SkipReason::as_str`), as the page's filters name
/// them.
pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    query: TargetQuery,
    t: &'static Texts,
) -> Result<String, AppError> {
    let (_, scope) = visible(state, user, id).await?;
    let limit = i64::try_from(TARGETS_MAX).unwrap_or(i64::MAX);
    let (rows, _) = db::rollouts::list_targets(&state.db, id, scope, query.state, limit, 0).await?;
    let r = t.rollouts;
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(
        &[
            t.col_appid,
            r.col_mini_program,
            r.col_merchant_id,
            r.col_state,
            r.col_skip_reason,
            r.col_attempt,
            r.col_auditid,
            r.col_reason,
            r.col_errcode,
            r.col_error_meaning,
            r.col_updated,
        ]
        .map(str::to_owned),
    ));
    for target in rows.into_iter().map(row) {
        let meaning = target
            .error_text
            .map(|(zh, en)| match t.locale {
                crate::i18n::Locale::ZhCn => zh,
                crate::i18n::Locale::En => en,
            })
            .unwrap_or_default();
        out.push_str(&csv_line(&[
            target.appid,
            target.nick_name.unwrap_or_default(),
            target
                .merchant_id
                .map(|m| m.to_string())
                .unwrap_or_default(),
            target.state.as_str().to_owned(),
            target.skip_reason.unwrap_or_default(),
            target.attempt.to_string(),
            target.auditid.map(|a| a.to_string()).unwrap_or_default(),
            crate::domain::text::joined(&target.reason.unwrap_or_default(), "\n"),
            target
                .last_errcode
                .map(|c| c.to_string())
                .unwrap_or_default(),
            meaning,
            format_cst(target.updated_at),
        ]));
    }
    Ok(out)
}
