use super::audit_log::{self, Actor, Event};
use crate::db::{self, is_unique_violation, Db};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::merchant::{parse_appid_list, validate_merchant_name, ASSIGN_BATCH_MAX};
use crate::domain::merchant_permission::MerchantPermission;
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, MerchantOption, MerchantRow};

fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.manages_users() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn log(
    db: &Db,
    admin: &CurrentUser,
    act: &str,
    merchant_id: i64,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record(
        db,
        Actor::from(admin),
        Event {
            action: act,
            target_type: "merchant",
            target_id: &merchant_id.to_string(),
            merchant_id: Some(merchant_id),
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}

pub async fn list(db: &Db, user: &CurrentUser) -> Result<Vec<MerchantRow>, AppError> {
    require_admin(user)?;
    Ok(db::merchants::list(db).await?)
}

/// Staff choose among all merchants; a merchant user only ever sees its own.
pub async fn options(db: &Db, user: &CurrentUser) -> Result<Vec<MerchantOption>, AppError> {
    if user.role.sees_whole_fleet() {
        return Ok(db::merchants::options(db).await?);
    }
    let own = user.merchant_id.ok_or(AppError::Forbidden)?;
    Ok(db::merchants::find(db, own).await?.into_iter().collect())
}

pub async fn create(db: &Db, admin: &CurrentUser, name: &str) -> Result<i64, AppError> {
    require_admin(admin)?;
    let name = name.trim();
    validate_merchant_name(name)?;
    let id = match db::merchants::insert(db, name, db::now()).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(field_error("name", FieldProblem::AlreadyTaken))
        }
        Err(e) => return Err(e.into()),
    };
    log(db, admin, action::MERCHANT_CREATE, id, name).await?;
    Ok(id)
}

pub async fn rename(db: &Db, admin: &CurrentUser, id: i64, name: &str) -> Result<(), AppError> {
    require_admin(admin)?;
    let name = name.trim();
    validate_merchant_name(name)?;
    let before = db::merchants::find(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match db::merchants::rename(db, id, name).await {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(field_error("name", FieldProblem::AlreadyTaken))
        }
        Err(e) => return Err(e.into()),
    }
    log(
        db,
        admin,
        action::MERCHANT_RENAME,
        id,
        &format!("{} -> {name}", before.name),
    )
    .await
}

/// Sets what the merchant's users may do on their mini programs (view / submit / release).
pub async fn set_permission(
    db: &Db,
    admin: &CurrentUser,
    id: i64,
    permission: &str,
) -> Result<(), AppError> {
    require_admin(admin)?;
    let Some(permission) = MerchantPermission::parse(permission) else {
        return Err(field_error("permission", FieldProblem::UnknownValue));
    };
    let before = db::merchants::permission(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if before == permission {
        return Ok(());
    }
    db::merchants::set_permission(db, id, permission).await?;
    let detail = format!("{} -> {}", before.as_str(), permission.as_str());
    log(db, admin, action::MERCHANT_PERMISSION, id, &detail).await
}

/// Moves the listed mini programs to the merchant; all or nothing when an AppID is unknown.
pub async fn assign(
    db: &Db,
    admin: &CurrentUser,
    id: i64,
    appids: &str,
) -> Result<usize, AppError> {
    require_admin(admin)?;
    let appids = parse_appid_list(appids);
    if appids.is_empty() {
        return Err(field_error("appids", FieldProblem::Required));
    }
    if appids.len() > ASSIGN_BATCH_MAX {
        return Err(field_error(
            "appids",
            FieldProblem::TooLong {
                max: ASSIGN_BATCH_MAX,
            },
        ));
    }
    db::merchants::find(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let existing = db::mini_programs::existing(db, &appids).await?;
    let unknown: Vec<&str> = appids
        .iter()
        .filter(|a| !existing.contains(a))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        return Err(field_error("appids", FieldProblem::UnknownValue));
    }
    let moved = db::mini_programs::assign(db, id, &appids, db::now()).await?;
    let detail = moved
        .iter()
        .map(|(a, _)| a.as_str())
        .collect::<Vec<_>>()
        .join(",");
    log(db, admin, action::MERCHANT_ASSIGN, id, &detail).await?;
    Ok(moved.len())
}
