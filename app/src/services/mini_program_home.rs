//! A mini program's home page: where its versions stand, its token, its categories, and the
//! latest notifications and audit-log entries about it, each linking to its own page.
//! Read from the console's records; only the categories ask WeChat (and may be missing).

use super::{audit_log, mini_programs, notifications, token_health, AppState};
use crate::db::{self, code_audits, code_commits, release_status};
use crate::domain::audit_log::AuditQuery;
use crate::domain::mini_program::AppStatus;
use crate::domain::notifications::NotificationFilter;
use crate::domain::pagination::PageRequest;
use crate::domain::release::gray::GrayStatus;
use crate::error::AppError;
use crate::model::{CurrentUser, HomeAudit, HomeVersion, MiniProgramHome, TokenHealthRow};
use wechat::TokenKey;

/// How many notifications and audit entries the home page lists (the rest are a link away).
pub const RECENT: usize = 5;

pub async fn home(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<MiniProgramHome, AppError> {
    let program = mini_programs::get(&state.db, user, appid).await?;
    let db = &state.db;
    let now = db::now();
    let development = code_commits::latest_for_app(db, appid)
        .await?
        .map(|c| HomeVersion {
            version: c.user_version,
            at: Some(c.committed_at),
        });
    let audit = code_audits::list_for_app(db, appid, 1)
        .await?
        .into_iter()
        .next()
        .filter(|a| a.released_at.is_none())
        .map(|a| HomeAudit {
            version: a.user_version,
            status: a.status,
            reason: a.reason,
            submitted_at: a.submitted_at,
        });
    let status = release_status::get(db, appid).await?;
    let online = status.as_ref().and_then(|s| {
        s.online_version.clone().map(|version| HomeVersion {
            version,
            at: s.online_released_at,
        })
    });
    // A gray release under way (running or paused) and how far it has gone.
    let gray_percentage = status
        .as_ref()
        .filter(|s| {
            s.gray_status
                .and_then(GrayStatus::from_code)
                .is_some_and(|g| matches!(g, GrayStatus::Running | GrayStatus::Paused))
        })
        .and_then(|s| s.gray_percentage);
    let token = token_row(state, &program.appid, program.status, now).await?;
    let categories = categories(state, &program.appid).await;
    let notifications = notifications::list(
        state,
        user,
        PageRequest::default(),
        &NotificationFilter {
            appid: program.appid.clone(),
            ..NotificationFilter::default()
        },
    )
    .await?
    .items
    .into_iter()
    .take(RECENT)
    .collect();
    let audit_log = audit_log::list(
        db,
        user,
        &AuditQuery {
            target: program.appid.clone(),
            ..AuditQuery::default()
        },
    )
    .await?
    .items
    .into_iter()
    .take(RECENT)
    .collect();
    Ok(MiniProgramHome {
        grant: mini_programs::grant_of(db, user).await?,
        qrcode_rules: db::qrcode_rules::counts_of(db, &program.appid).await?,
        program,
        development,
        audit,
        online,
        gray_percentage,
        token,
        categories,
        notifications,
        audit_log,
        now,
    })
}

async fn token_row(
    state: &AppState,
    appid: &str,
    status: AppStatus,
    now: i64,
) -> Result<Option<TokenHealthRow>, AppError> {
    let key = TokenKey::Authorizer(appid.to_owned()).storage_key();
    Ok(db::tokens::get(&state.db, &key).await?.map(|row| {
        let needs_reauthorization = status == AppStatus::NeedsReauthorization;
        token_health::health_row(
            row,
            Some(appid.to_owned()),
            None,
            needs_reauthorization,
            now,
        )
    }))
}

/// The categories the account may submit under, as "一级 / 二级 / 三级"; None when WeChat
/// does not answer (the page says so instead of showing an empty list).
async fn categories(state: &AppState, appid: &str) -> Option<Vec<String>> {
    let platform = state.platform().ok()?;
    let list = platform
        .client
        .get_category(&platform.ctx(appid))
        .await
        .ok()?;
    Some(
        list.category_list
            .into_iter()
            .map(|c| {
                let mut parts = vec![c.first_class, c.second_class];
                parts.extend(c.third_class.filter(|t| !t.is_empty()));
                parts.join(" / ")
            })
            .collect(),
    )
}
