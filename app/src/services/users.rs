use super::audit_log::{self, Actor, Event};
use super::password;
use crate::db::{self, is_unique_violation, users::NewUserRecord, Db};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::auth::Role;
use crate::domain::user::{
    validate_new_user, validate_password, validate_role_and_merchant, NewUser,
};
use crate::domain::validation::{Checker, FieldProblem};
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, UserRow};

fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.manages_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn target(db: &Db, id: i64) -> Result<db::users::UserRecord, AppError> {
    db::users::find(db, id).await?.ok_or(AppError::NotFound)
}

async fn check_merchant_exists(db: &Db, merchant_id: Option<i64>) -> Result<(), AppError> {
    if let Some(m) = merchant_id {
        if db::merchants::find(db, m).await?.is_none() {
            return Err(field_error("merchant_id", FieldProblem::UnknownValue));
        }
    }
    Ok(())
}

async fn log(
    db: &Db,
    admin: &CurrentUser,
    act: &str,
    target: &db::users::UserRecord,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record(
        db,
        Actor::from(admin),
        Event {
            action: act,
            target_type: "user",
            target_id: &target.username,
            merchant_id: target.merchant_id,
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}

pub async fn list(db: &Db, admin: &CurrentUser) -> Result<Vec<UserRow>, AppError> {
    require_admin(admin)?;
    Ok(db::users::list(db)
        .await?
        .into_iter()
        .map(|u| u.into_row())
        .collect())
}

pub async fn create(db: &Db, admin: &CurrentUser, new: NewUser) -> Result<i64, AppError> {
    require_admin(admin)?;
    let new = NewUser {
        username: new.username.trim().to_string(),
        display_name: new.display_name.trim().to_string(),
        ..new
    };
    validate_new_user(&new)?;
    check_merchant_exists(db, new.merchant_id).await?;
    let role = Role::parse(&new.role).ok_or(AppError::Internal)?;
    let hash = password::hash(new.password.clone()).await?;
    let record = NewUserRecord {
        username: &new.username,
        display_name: &new.display_name,
        password_hash: &hash,
        role,
        merchant_id: new.merchant_id,
    };
    let id = match db::users::insert(db, &record, db::now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(field_error("username", FieldProblem::AlreadyTaken))
        }
        Err(e) => return Err(e.into()),
    };
    let created = target(db, id).await?;
    log(db, admin, action::USER_CREATE, &created, role.as_str()).await?;
    Ok(id)
}

pub async fn set_disabled(
    db: &Db,
    admin: &CurrentUser,
    id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    require_admin(admin)?;
    if id == admin.id {
        return Err(field_error("id", FieldProblem::CannotChangeSelf));
    }
    let user = target(db, id).await?;
    db::users::set_disabled(db, id, disabled).await?;
    let act = if disabled {
        action::USER_DISABLE
    } else {
        action::USER_ENABLE
    };
    log(db, admin, act, &user, "").await
}

pub async fn reset_password(
    db: &Db,
    admin: &CurrentUser,
    id: i64,
    new_password: String,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let mut c = Checker::new();
    validate_password(&mut c, "password", &new_password);
    c.finish()?;
    let user = target(db, id).await?;
    let hash = password::hash(new_password).await?;
    db::users::set_password(db, id, &hash).await?;
    log(db, admin, action::USER_RESET_PASSWORD, &user, "").await
}

pub async fn change_role(
    db: &Db,
    admin: &CurrentUser,
    id: i64,
    role: String,
    merchant_id: Option<i64>,
) -> Result<(), AppError> {
    require_admin(admin)?;
    if id == admin.id {
        return Err(field_error("role", FieldProblem::CannotChangeSelf));
    }
    let mut c = Checker::new();
    validate_role_and_merchant(&mut c, &role, merchant_id);
    c.finish()?;
    check_merchant_exists(db, merchant_id).await?;
    let role = Role::parse(&role).ok_or(AppError::Internal)?;
    let user = target(db, id).await?;
    db::users::set_role(db, id, role, merchant_id).await?;
    let detail = format!("{} -> {}", user.role, role.as_str());
    log(db, admin, action::USER_CHANGE_ROLE, &user, &detail).await
}

/// `server create-admin`: creates an admin without a signed-in actor (first deployment).
pub async fn create_admin_from_cli(
    db: &Db,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, AppError> {
    let new = NewUser {
        username: username.trim().to_string(),
        display_name: display_name.trim().to_string(),
        role: Role::Admin.as_str().to_string(),
        merchant_id: None,
        password: password.to_string(),
    };
    validate_new_user(&new)?;
    let hash = password::hash(new.password.clone()).await?;
    let record = NewUserRecord {
        username: &new.username,
        display_name: &new.display_name,
        password_hash: &hash,
        role: Role::Admin,
        merchant_id: None,
    };
    let id = match db::users::insert(db, &record, db::now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(field_error("username", FieldProblem::AlreadyTaken))
        }
        Err(e) => return Err(e.into()),
    };
    audit_log::record(
        db,
        Actor {
            id: None,
            name: "cli",
            role: None,
            merchant_id: None,
        },
        Event {
            action: action::USER_CREATE,
            target_type: "user",
            target_id: &new.username,
            merchant_id: None,
            outcome: Outcome::Success,
            detail: "admin (create-admin)",
        },
    )
    .await?;
    Ok(id)
}
