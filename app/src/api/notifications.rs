//! Notifications of the signed-in user (merchants see their own mini programs' only).

use crate::domain::notifications::{NotificationFilter, NotificationView};
use crate::domain::pagination::{Page, PageRequest};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[server(endpoint = "notifications/list", input = Json)]
pub async fn list_notifications(
    page: PageRequest,
    unread_only: bool,
    /// Mini program and kind (absent: all); `unread_only` above wins over its copy here.
    filter: Option<NotificationFilter>,
) -> Result<Page<NotificationView>, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        let filter = NotificationFilter {
            unread_only,
            ..filter.unwrap_or_default()
        }
        .normalized();
        crate::services::notifications::list(&state, &user, page, &filter).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "notifications/unread", input = Json)]
pub async fn unread_notifications() -> Result<i64, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::notifications::unread_count(&state, &user).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "notifications/read", input = Json)]
pub async fn mark_notification_read(id: i64) -> Result<(), AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::notifications::mark_read(&state, &user, id).await
    }
    .await;
    ctx::respond(result)
}

#[server(endpoint = "notifications/read_all", input = Json)]
pub async fn mark_all_notifications_read() -> Result<u64, AppError> {
    use super::ctx;
    let result = async {
        let (state, user) = ctx::user().await?;
        crate::services::notifications::mark_all_read(&state, &user).await
    }
    .await;
    ctx::respond(result)
}
