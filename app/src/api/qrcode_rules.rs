//! QR-jump rules: thin server functions over services::qrcode_rules. Every check the
//! browser makes is repeated by the service; merchants reach only their own mini programs.

use crate::domain::pagination::Page;
use crate::domain::qrcode_rule::view::{
    QrApplyOutcome, QrApplyRequest, QrFleetQuery, QrFleetRow, QrRulesView, QrTarget,
};
use crate::domain::qrcode_rule::QrRuleForm;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "qrcode_rules/get", input = Json)]
pub async fn get_qrcode_rules(appid: String) -> Result<QrRulesView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::view(&state, &user, &appid).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "qrcode_rules/save", input = Json)]
pub async fn save_qrcode_rule(appid: String, form: QrRuleForm) -> Result<QrRulesView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::save(&state, &user, &appid, form).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "qrcode_rules/delete", input = Json)]
pub async fn delete_qrcode_rule(appid: String, prefix: String) -> Result<QrRulesView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::delete(&state, &user, &appid, &prefix).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "qrcode_rules/publish", input = Json)]
pub async fn publish_qrcode_rule(appid: String, prefix: String) -> Result<QrRulesView, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::publish(&state, &user, &appid, &prefix).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "qrcode_rules/fleet", input = Json)]
pub async fn list_qrcode_rules(query: QrFleetQuery) -> Result<Page<QrFleetRow>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::fleet(&state, &user, query).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "qrcode_rules/targets", input = Json)]
pub async fn qrcode_rule_targets(
    search: String,
    merchant_id: Option<i64>,
) -> Result<Vec<QrTarget>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::targets(&state, &user, search, merchant_id).await
    }
    .await;
    ctx::respond(result)
}

/// One target of "apply to many"; the page calls it target by target to show progress.
#[server(endpoint = "qrcode_rules/apply", input = Json)]
pub async fn apply_qrcode_rule(
    appid: String,
    request: QrApplyRequest,
) -> Result<QrApplyOutcome, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::qrcode_rules::apply(&state, &user, &appid, &request).await
    }
    .await;
    ctx::respond(result)
}
