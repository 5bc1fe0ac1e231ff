//! The development version: the platform's code templates, committing one with ext_json,
//! and the experience version's QR code.

use super::view::build_view;
use super::write::{nothing_to_read, Write};
use super::{authorize, authorize_to, AppState, Operator};
use crate::db::{self, code_commits};
use crate::domain::audit_log::action;
use crate::domain::merchant_permission::Need;
use crate::domain::release::commit::{check_commit, CommitForm};
use crate::domain::release::field_errors;
use crate::domain::release::view::{ReleaseView, TemplateOption};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::code as wx;

pub use crate::domain::release::merge::template_app_json;

pub(super) async fn template_list(state: &AppState) -> Result<Vec<wx::CodeTemplate>, AppError> {
    let platform = state.platform()?;
    Ok(platform
        .client
        .get_template_list(&platform.component_ctx(), None)
        .await?
        .template_list)
}

pub async fn templates(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<Vec<TemplateOption>, AppError> {
    authorize(state, user, appid).await?;
    Ok(template_list(state)
        .await?
        .into_iter()
        .map(|t| TemplateOption {
            app_json: template_app_json(&[], &t.user_desc),
            template_id: t.template_id,
            user_version: t.user_version,
            user_desc: t.user_desc,
            create_time: t.create_time,
        })
        .collect())
}

/// The experience version's QR code (JPEG), optionally opening `path`.
pub async fn qrcode(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    path: Option<&str>,
) -> Result<(String, Vec<u8>), AppError> {
    authorize(state, user, appid).await?;
    let path = path.map(str::trim).filter(|p| !p.is_empty());
    if path.is_some_and(|p| p.chars().count() > 1024) {
        return Err(crate::error::field_error(
            "path",
            crate::domain::validation::FieldProblem::TooLong { max: 1024 },
        ));
    }
    let platform = state.platform()?;
    let image = platform
        .client
        .get_qrcode(&platform.ctx(appid), path)
        .await?;
    Ok((image.content_type, image.bytes.to_vec()))
}

pub async fn commit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    form: CommitForm,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    commit_as(state, &user.into(), &program, form).await?;
    build_view(state, user, &program, None).await
}

/// Commits code as `op` (also used by demo seeding). Returns the commit row id.
pub async fn commit_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
    form: CommitForm,
) -> Result<i64, AppError> {
    let templates = template_list(state).await?;
    let ids: Vec<i64> = templates.iter().map(|t| t.template_id).collect();
    let base = templates
        .iter()
        .find(|t| Some(t.template_id) == form.template_id)
        .map(|t| template_app_json(&[], &t.user_desc));
    // Without the template's pages the paths are checked against ext_json's own pages only.
    let base = base.filter(|b| b.contains_key("pages"));
    check_commit(&form, Some(&ids), base.as_ref())
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let template_id = form.template_id.unwrap_or_default();
    let ext_json = form.ext_json.trim().to_owned();
    let user_version = form.user_version.trim().to_owned();
    let request = wx::CommitRequest {
        template_id,
        ext_json: ext_json.clone(),
        user_version: user_version.clone(),
        user_desc: form.user_desc.clone(),
    };
    let platform = state.platform()?;
    let write = Write {
        state,
        op,
        program,
        action: action::RELEASE_COMMIT,
        detail: format!("template={template_id} version={user_version}"),
    };
    let ctx = platform.ctx(&program.appid);
    write
        .call(platform.client.commit_code(&ctx, &request), nothing_to_read)
        .await?;
    write.succeeded("").await?;
    let id = code_commits::insert(
        &state.db,
        &code_commits::NewCommit {
            appid: &program.appid,
            template_id,
            user_version: &user_version,
            user_desc: &form.user_desc,
            ext_json: &ext_json,
            committed_by: op.id,
            committed_by_name: &op.name,
        },
        db::now(),
    )
    .await?;
    Ok(id)
}
