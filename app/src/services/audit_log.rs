use crate::db::{self, audit_log::NewEntry, Db};
use crate::domain::audit_log::{AuditQuery, Outcome};
use crate::domain::pagination::Page;
use crate::error::AppError;
use crate::model::{AuditEntry, CurrentUser};

/// Who did something: a signed-in user, or a name typed at the login form.
pub struct Actor<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub role: Option<&'static str>,
    pub merchant_id: Option<i64>,
}

impl<'a> From<&'a CurrentUser> for Actor<'a> {
    fn from(u: &'a CurrentUser) -> Self {
        Actor {
            id: Some(u.id),
            name: &u.username,
            role: Some(u.role.as_str()),
            merchant_id: u.merchant_id,
        }
    }
}

pub struct Event<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    /// The merchant the entry concerns, when the actor is staff.
    pub merchant_id: Option<i64>,
    pub outcome: Outcome,
    pub detail: &'a str,
}

/// Records what a user did to a mini program's object on WeChat: success, or failure with
/// WeChat's errcode and meaning (or the console's reason) after `detail`.
pub async fn record_program_action(
    db: &Db,
    user: &CurrentUser,
    program: &crate::model::MiniProgramRow,
    target_type: &str,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    let (outcome, detail) = match result {
        Ok(()) => (Outcome::Success, detail.to_owned()),
        Err(AppError::Wechat { errcode, zh, .. }) => (
            Outcome::Failure,
            format!("{detail} errcode {errcode}: {zh}"),
        ),
        Err(e) => (Outcome::Failure, format!("{detail} {e}")),
    };
    record(
        db,
        Actor::from(user),
        Event {
            action,
            target_type,
            target_id: &program.appid,
            merchant_id: program.merchant_id,
            outcome,
            detail: detail.trim(),
        },
    )
    .await
}

pub async fn record(db: &Db, actor: Actor<'_>, ev: Event<'_>) -> Result<(), AppError> {
    db::audit_log::append(
        db,
        &NewEntry {
            at: db::now(),
            actor_id: actor.id,
            actor_name: actor.name,
            actor_role: actor.role,
            merchant_id: actor.merchant_id.or(ev.merchant_id),
            action: ev.action,
            target_type: ev.target_type,
            target_id: ev.target_id,
            outcome: ev.outcome.as_str(),
            detail: ev.detail,
        },
    )
    .await?;
    Ok(())
}

/// Admins and operators see every entry; a merchant sees the entries about its own account.
pub async fn list(
    db: &Db,
    user: &CurrentUser,
    q: &AuditQuery,
) -> Result<Page<AuditEntry>, AppError> {
    let scope = if user.role.sees_whole_fleet() {
        None
    } else {
        Some(user.merchant_id.ok_or(AppError::Forbidden)?)
    };
    let q = &q.clone().normalized();
    q.check().map_err(AppError::Invalid)?;
    let (items, total) = db::audit_log::list(db, scope, q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}
