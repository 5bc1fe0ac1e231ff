//! The platform's code template library (代码模板库), for staff: the draft box, adding a draft
//! to the library, deleting a template nothing waits on, and each template's usage across
//! the fleet from the console's own records. Every write goes to the audit log with the
//! template id and version.

use super::audit_log::{self, Actor, Event};
use super::AppState;
use crate::db;
use crate::domain::audit_log::Outcome;
use crate::domain::code_template::{
    check_add, check_delete, errcode, line_diff, tally, DeleteBlocked, DraftRow, LibraryView,
    TemplateComparison, TemplateRow, TemplateType, LIBRARY_MAX,
};
use crate::domain::release::ext_json::ExtJson;
use crate::domain::release::merge::effective_app_json;
use crate::domain::validation::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::model::CurrentUser;
use wechat::api::code::{AddToTemplateRequest, CodeTemplate, TemplateDraft};

async fn drafts_and_templates(
    state: &AppState,
) -> Result<(Vec<TemplateDraft>, Vec<CodeTemplate>), AppError> {
    let platform = state.platform()?;
    let ctx = platform.component_ctx();
    let drafts = platform
        .client
        .get_template_draft_list(&ctx)
        .await?
        .draft_list;
    let templates = platform
        .client
        .get_template_list(&ctx, None)
        .await?
        .template_list;
    Ok((drafts, templates))
}

/// Drafts, templates (of `template_type`, or all) with usage, and the library's fill.
pub async fn library(
    state: &AppState,
    user: &CurrentUser,
    template_type: Option<TemplateType>,
) -> Result<LibraryView, AppError> {
    super::auth::require_staff(user)?;
    let (drafts, templates) = drafts_and_templates(state).await?;
    let facts = db::code_templates::fleet_facts(&state.db).await?;
    let usage = tally(facts.iter());
    let mut draft_rows: Vec<DraftRow> = drafts
        .into_iter()
        .map(|d| DraftRow {
            templates: templates
                .iter()
                .filter(|t| t.draft_id == Some(d.draft_id))
                .map(|t| t.template_id)
                .collect(),
            draft_id: d.draft_id,
            user_version: d.user_version,
            user_desc: d.user_desc,
            create_time: d.create_time,
            developer: d.developer.unwrap_or_default(),
            source_miniprogram: d.source_miniprogram.unwrap_or_default(),
            source_miniprogram_appid: d.source_miniprogram_appid.unwrap_or_default(),
        })
        .collect();
    draft_rows.sort_by_key(|d| std::cmp::Reverse(d.create_time));
    let library_size = templates.len();
    let mut rows: Vec<TemplateRow> = templates
        .into_iter()
        .filter(|t| template_type.is_none_or(|want| want.code() == t.template_type))
        .map(|t| {
            let u = usage.get(&t.template_id).copied().unwrap_or_default();
            TemplateRow {
                delete_blocked: check_delete(&u).err(),
                usage: u,
                template_id: t.template_id,
                draft_id: t.draft_id,
                user_version: t.user_version,
                user_desc: t.user_desc,
                template_type: t.template_type,
                create_time: t.create_time,
                developer: t.developer.unwrap_or_default(),
                source_miniprogram: t.source_miniprogram.unwrap_or_default(),
            }
        })
        .collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.template_id));
    Ok(LibraryView {
        drafts: draft_rows,
        templates: rows,
        library_size,
        library_max: LIBRARY_MAX,
        fleet_size: usize::try_from(facts.iter().map(|(_, programs)| programs).sum::<i64>())
            .unwrap_or_default(),
    })
}

async fn record(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    target: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    let (outcome, detail) = match result {
        Ok(()) => (Outcome::Success, detail.to_owned()),
        Err(e) => (Outcome::Failure, format!("{detail}: {e}")),
    };
    audit_log::record(
        &state.db,
        Actor::from(user),
        Event {
            action,
            target_type: "code_template",
            target_id: target,
            merchant_id: None,
            outcome,
            detail: &detail,
        },
    )
    .await
}

/// Adds a draft to the library (`addtotemplate`), refused before the call when it is full.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    draft_id: i64,
    template_type: TemplateType,
) -> Result<LibraryView, AppError> {
    super::auth::require_staff(user)?;
    let (drafts, templates) = drafts_and_templates(state).await?;
    let draft = drafts.iter().find(|d| d.draft_id == draft_id);
    let version = draft.map(|d| d.user_version.clone()).unwrap_or_default();
    let result = async {
        if draft.is_none() {
            return Err(AppError::wechat(errcode::NOT_FOUND));
        }
        check_add(templates.len()).map_err(|_| {
            AppError::Invalid(vec![FieldError::new(
                "add",
                FieldProblem::TemplateLibraryFull { max: LIBRARY_MAX },
            )])
        })?;
        let platform = state.platform()?;
        platform
            .client
            .add_to_template(
                &platform.component_ctx(),
                &AddToTemplateRequest {
                    draft_id,
                    template_type: Some(template_type.code()),
                },
            )
            .await?;
        Ok(())
    }
    .await;
    let detail = format!(
        "draft {draft_id} version {version} as template type {}",
        template_type.code()
    );
    record(
        state,
        user,
        "code_template.add",
        &format!("draft:{draft_id}"),
        &result,
        &detail,
    )
    .await?;
    result?;
    library(state, user, None).await
}

/// Deletes a template (`deletetemplate`) unless mini programs still wait on it.
pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    template_id: i64,
) -> Result<LibraryView, AppError> {
    super::auth::require_staff(user)?;
    let view = library(state, user, None).await?;
    let template = view.templates.iter().find(|t| t.template_id == template_id);
    let version = template.map(|t| t.user_version.clone()).unwrap_or_default();
    let result = async {
        let template = template.ok_or_else(|| AppError::wechat(errcode::NOT_FOUND))?;
        if let Some(blocked) = template.delete_blocked {
            let problem = match blocked {
                DeleteBlocked::InReview(count) => FieldProblem::TemplateInReview { count },
                DeleteBlocked::InGray(count) => FieldProblem::TemplateInGray { count },
            };
            return Err(AppError::Invalid(vec![FieldError::new("delete", problem)]));
        }
        let platform = state.platform()?;
        platform
            .client
            .delete_template(&platform.component_ctx(), template_id)
            .await?;
        Ok(())
    }
    .await;
    let online = template.map_or(0, |t| t.usage.online);
    let detail =
        format!("template {template_id} version {version} (online in {online} mini programs)");
    record(
        state,
        user,
        "code_template.delete",
        &format!("template:{template_id}"),
        &result,
        &detail,
    )
    .await?;
    result?;
    library(state, user, None).await
}

/// The effective app.json of `appid` (its newest commit's ext_json) on template `from` and on
/// template `to`, and the lines that change.
pub async fn compare(
    state: &AppState,
    user: &CurrentUser,
    from: i64,
    to: i64,
    appid: &str,
) -> Result<TemplateComparison, AppError> {
    super::auth::require_staff(user)?;
    let program = super::mini_programs::get(&state.db, user, appid).await?;
    let (_, templates) = drafts_and_templates(state).await?;
    let base = |id: i64| {
        templates
            .iter()
            .find(|t| t.template_id == id)
            .map(|t| super::release::template_app_json(&[], &t.user_desc))
            .ok_or_else(|| AppError::wechat(errcode::NOT_FOUND))
    };
    let (from_base, to_base) = (base(from)?, base(to)?);
    let ext = db::code_commits::latest_for_app(&state.db, &program.appid)
        .await?
        .and_then(|c| ExtJson::parse(&c.ext_json).ok())
        .unwrap_or_default();
    let pretty =
        |o| serde_json::to_string_pretty(&serde_json::Value::Object(o)).unwrap_or_default();
    let from_app_json = pretty(effective_app_json(&from_base, &ext));
    let to_app_json = pretty(effective_app_json(&to_base, &ext));
    Ok(TemplateComparison {
        lines: line_diff(&from_app_json, &to_app_json),
        appid: program.appid,
        nick_name: program.nick_name,
        from,
        to,
        from_app_json,
        to_app_json,
    })
}
