//! The bell's count of unread notifications that console pages render with.

use app::services::{auth, AppState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

/// The bell's count, rendered with the page: a layer on the page routes only, inside the page
/// guard, so the files served under page paths (a release's QR code) do not count. The bell
/// counts again by itself, so a failed count shows none rather than failing the page.
pub async fn count_unread_for_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let checked = req.extensions().get::<auth::CheckedUser>().cloned();
    if let Some(auth::CheckedUser(user)) = checked {
        let unread = app::services::notifications::unread_count(&state, &user)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the bell's count for a page failed");
                0
            });
        req.extensions_mut().insert(auth::PageUnread(unread));
    }
    next.run(req).await
}
