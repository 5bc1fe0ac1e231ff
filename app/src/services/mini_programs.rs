use crate::db::{self, Db};
use crate::domain::merchant_permission::{MerchantPermission, Need};
use crate::domain::mini_program::MiniProgramQuery;
use crate::domain::pagination::Page;
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};

/// The merchant a user is confined to: None for staff, its own merchant for a merchant user.
pub fn scope_of(user: &CurrentUser) -> Result<Option<i64>, AppError> {
    if user.role.sees_whole_fleet() {
        Ok(None)
    } else {
        user.merchant_id.map(Some).ok_or(AppError::Forbidden)
    }
}

/// Refuses a merchant's user without a merchant, who sees nothing anywhere: for reads that
/// need no scope of their own because they are the user's (the bell's kept count).
pub fn ensure_scoped(user: &CurrentUser) -> Result<(), AppError> {
    scope_of(user).map(|_| ())
}

pub async fn list(
    db: &Db,
    user: &CurrentUser,
    q: &MiniProgramQuery,
) -> Result<Page<MiniProgramRow>, AppError> {
    let scope = scope_of(user)?;
    let q = &q.clone().normalized();
    let (items, total) = db::mini_programs::list(db, scope, q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

/// Another merchant's mini program is reported exactly like a missing one: nothing leaks.
/// The attempt is kept in the audit log (under the asking user's merchant).
pub async fn get(db: &Db, user: &CurrentUser, appid: &str) -> Result<MiniProgramRow, AppError> {
    let scope = scope_of(user)?;
    // No mini program has such an AppID; PostgreSQL would refuse a NUL in the query (a 500).
    if appid.is_empty() || appid.len() > 64 || appid.chars().any(char::is_control) {
        return Err(AppError::NotFound);
    }
    match db::mini_programs::find(db, appid).await? {
        Some(p) if scope.is_none() || p.merchant_id == scope => Ok(p),
        Some(_) => {
            record_refusal(
                db,
                user,
                "mini_program",
                appid,
                "another merchant's mini program",
            )
            .await;
            Err(AppError::NotFound)
        }
        None => Err(AppError::NotFound),
    }
}

/// Records a refused attempt on someone else's object. Best effort: the refusal stands
/// even if the log cannot be written.
pub async fn record_refusal(
    db: &Db,
    user: &CurrentUser,
    target_type: &str,
    target_id: &str,
    detail: &str,
) {
    let _ = super::audit_log::record(
        db,
        user.into(),
        super::audit_log::Event {
            action: crate::domain::audit_log::action::ACCESS_REFUSED,
            target_type,
            target_id,
            merchant_id: None,
            outcome: crate::domain::audit_log::Outcome::Failure,
            detail,
        },
    )
    .await;
}

/// Staff may do everything; a merchant user only what its merchant's permission includes.
/// A refusal is 403 (the mini program is the merchant's own, so nothing is hidden) and is
/// kept in the audit log.
pub async fn require_grant(
    db: &Db,
    user: &CurrentUser,
    program: &MiniProgramRow,
    need: Need,
) -> Result<(), AppError> {
    if grant_of(db, user).await?.allows(need) {
        return Ok(());
    }
    record_refusal(
        db,
        user,
        "mini_program",
        &program.appid,
        "not in the merchant's permission",
    )
    .await;
    Err(AppError::NotGranted)
}

/// What `user` may do on the mini programs it sees: everything for staff.
pub async fn grant_of(db: &Db, user: &CurrentUser) -> Result<MerchantPermission, AppError> {
    if user.role.sees_whole_fleet() {
        return Ok(MerchantPermission::Release);
    }
    let merchant = user.merchant_id.ok_or(AppError::Forbidden)?;
    Ok(db::merchants::permission(db, merchant)
        .await?
        .unwrap_or(MerchantPermission::View))
}

/// A merchant user's grant, for pages that show it; `None` for staff (no limits to show).
pub async fn shown_grant(
    db: &Db,
    user: &CurrentUser,
) -> Result<Option<MerchantPermission>, AppError> {
    if user.role.sees_whole_fleet() {
        Ok(None)
    } else {
        grant_of(db, user).await.map(Some)
    }
}

/// The pages of `appid`'s current code (`get_page`), and whether WeChat told them: 85086
/// (nothing committed) means no pages; any other failure leaves them unknown, and WeChat's own
/// answer then decides whether a page exists.
pub async fn code_pages(
    state: &super::AppState,
    appid: &str,
) -> Result<(Vec<String>, bool), AppError> {
    let platform = state.platform()?;
    Ok(match platform.client.get_page(&platform.ctx(appid)).await {
        Ok(list) => (list.page_list, true),
        Err(wechat::Error::Api { errcode: 85086, .. }) => (Vec::new(), true),
        Err(_) => (Vec::new(), false),
    })
}
