//! The minimum base library (setweappsupportversion), with the share of users each version
//! would cut off (getweappsupportversion).

use super::view::build_view;
use super::write::{nothing_to_read, Write};
use super::{authorize_to, AppState, Operator};
use crate::db::{self, release_status};
use crate::domain::audit_log::action;
use crate::domain::merchant_permission::Need;
use crate::domain::release::view::{ReleaseView, SupportInfo};
use crate::domain::release::{field_errors, support_version::check_support_version};
use crate::error::AppError;
use crate::model::CurrentUser;

pub(super) async fn read_support(state: &AppState, appid: &str) -> Option<SupportInfo> {
    let platform = state.platform().ok()?;
    let answer = platform
        .client
        .get_weapp_support_version(&platform.ctx(appid))
        .await
        .ok()?;
    Some(SupportInfo {
        now_version: answer.now_version,
        items: answer
            .uv_info
            .items
            .into_iter()
            .map(|i| (i.version, i.percentage))
            .collect(),
    })
}

pub async fn set_support_version(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    version: String,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let version = version.trim().to_owned();
    let known: Option<Vec<String>> = read_support(state, appid)
        .await
        .map(|s| s.items.into_iter().map(|(v, _)| v).collect());
    check_support_version(&version, known.as_deref())
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let platform = state.platform()?;
    let write = Write {
        state,
        op: &op,
        program: &program,
        action: action::RELEASE_SUPPORT_VERSION,
        detail: format!("version={version}"),
    };
    let ctx = platform.ctx(appid);
    write
        .call(
            platform.client.set_weapp_support_version(&ctx, &version),
            nothing_to_read,
        )
        .await?;
    release_status::set_support_version(&state.db, appid, &version, db::now()).await?;
    write.succeeded("").await?;
    let support = read_support(state, appid).await;
    build_view(state, user, &program, support).await
}
