//! In-console notifications: `notify` stores one per event (its dedupe key), scoped to the
//! merchant the event concerns; users list theirs and mark them read.

use super::mini_programs::{ensure_scoped, scope_of};
use super::AppState;
use crate::db::session_store::UNREAD_KEY;
use crate::db::{self, notifications::NewNotification, Db};
use crate::domain::notifications::{bell_count, safe_link, NotificationFilter, NotificationView};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::AppError;
use crate::model::CurrentUser;
use tower_sessions::Session;

/// What happened, for whom.
pub struct Notice<'a> {
    /// The merchant whose mini program it concerns (None: staff only).
    pub merchant_id: Option<i64>,
    pub appid: Option<&'a str>,
    /// e.g. `audit_approved`, `audit_rejected`, `audit_delayed`, `widget_reviewed`.
    pub kind: &'a str,
    /// Parameters the UI formats in the reader's language.
    pub params: serde_json::Value,
    /// A console path, e.g. `/apps/{appid}/release`.
    pub link: Option<String>,
    /// One notification per key, however often the event is reported.
    pub dedupe_key: String,
}

/// Stores a notification once per dedupe key; the new id, or None when it existed already.
pub async fn notify(db: &Db, notice: Notice<'_>) -> Result<Option<i64>, AppError> {
    let params = notice.params.to_string();
    Ok(db::notifications::insert_once(
        db,
        &NewNotification {
            merchant_id: notice.merchant_id,
            appid: notice.appid,
            kind: notice.kind,
            params: &params,
            link: notice.link.as_deref(),
            dedupe_key: &notice.dedupe_key,
        },
        db::now(),
    )
    .await?)
}

/// A notification about one mini program, for its merchant and the staff. `params` (a JSON
/// object) gets the mini program's appid and name added.
pub async fn notify_about_program(
    db: &Db,
    appid: &str,
    kind: &str,
    mut params: serde_json::Value,
    link: String,
    dedupe_key: String,
) -> Result<(), AppError> {
    let program = db::mini_programs::find(db, appid).await?;
    if let Some(fields) = params.as_object_mut() {
        fields.insert("appid".into(), appid.into());
        fields.insert(
            "nick_name".into(),
            program.as_ref().map(|p| p.nick_name.clone()).into(),
        );
    }
    notify(
        db,
        Notice {
            merchant_id: program.as_ref().and_then(|p| p.merchant_id),
            appid: Some(appid),
            kind,
            params,
            link: Some(link),
            dedupe_key,
        },
    )
    .await?;
    Ok(())
}

pub async fn list(
    state: &AppState,
    user: &CurrentUser,
    page: PageRequest,
    filter: &NotificationFilter,
) -> Result<Page<NotificationView>, AppError> {
    let scope = scope_of(user)?;
    let page = PageRequest::new(page.page, page.per_page);
    let (rows, total) = db::notifications::list(
        &state.db,
        scope,
        user.id,
        filter,
        page.limit(),
        page.offset(),
    )
    .await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|r| NotificationView {
                id: r.id,
                created_at: r.created_at,
                appid: r.appid,
                nick_name: r.nick_name,
                kind: r.kind,
                params: r.params,
                link: safe_link(r.link.as_deref()),
                read: r.read_at.is_some(),
            })
            .collect(),
        total,
        page: page.page,
        per_page: page.per_page,
    })
}

/// Unread notifications, counted up to `UNREAD_COUNT_CAP` (the bell shows "99+" from there).
pub async fn unread_count(state: &AppState, user: &CurrentUser) -> Result<i64, AppError> {
    ensure_scoped(user)?;
    Ok(db::notifications::unread_count(&state.db, user.id).await?)
}

/// The bell's count for a console page: the kept count the session store read with this
/// session's user (`UNREAD_KEY`, issue 16), or read now when it read none (a session signed in
/// to within this request).
pub async fn unread_count_for_page(
    state: &AppState,
    session: &Session,
    user: &CurrentUser,
) -> Result<i64, AppError> {
    ensure_scoped(user)?;
    match session.get::<i64>(UNREAD_KEY).await {
        Ok(Some(kept)) => Ok(bell_count(Some(kept))),
        _ => Ok(db::notifications::unread_count(&state.db, user.id).await?),
    }
}

/// Marks one read; NotFound for a notification the user may not see.
pub async fn mark_read(state: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let scope = scope_of(user)?;
    if db::notifications::mark_read(&state.db, scope, user.id, id, db::now()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Marks everything the user can see read; the number that were unread.
pub async fn mark_all_read(state: &AppState, user: &CurrentUser) -> Result<u64, AppError> {
    let scope = scope_of(user)?;
    Ok(db::notifications::mark_all_read(&state.db, scope, user.id, db::now()).await?)
}
