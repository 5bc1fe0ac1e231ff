//! The code template library: thin server functions over services::code_templates (staff
//! only: merchants never see the platform's library).

use crate::domain::code_template::{LibraryView, TemplateComparison, TemplateType};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "templates/library", input = Json)]
pub async fn template_library(
    template_type: Option<TemplateType>,
) -> Result<LibraryView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::code_templates::library(&state, &user, template_type).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "templates/add", input = Json)]
pub async fn add_to_template(
    draft_id: i64,
    template_type: TemplateType,
) -> Result<LibraryView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::code_templates::add(&state, &user, draft_id, template_type).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "templates/delete", input = Json)]
pub async fn delete_template(template_id: i64) -> Result<LibraryView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::code_templates::delete(&state, &user, template_id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "templates/compare", input = Json)]
pub async fn compare_templates(
    from: i64,
    to: i64,
    appid: String,
) -> Result<TemplateComparison, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::code_templates::compare(&state, &user, from, to, &appid).await
    }
    .await;
    ctx::respond(result)
}
