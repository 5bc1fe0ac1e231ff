use crate::domain::audit_log::AuditQuery;
use crate::domain::pagination::Page;
use crate::error::AppError;
use crate::model::AuditEntry;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "audit/list", input = Json)]
pub async fn list_audit_log(query: AuditQuery) -> Result<Page<AuditEntry>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::audit_log::list(&state.db, &user, &query).await
    }
    .await;
    ctx::respond(result)
}
