//! The bell's count of unread notifications that console pages render with.

use app::services::{auth, AppState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

/// The bell's count, rendered with the page: a layer on the page routes only, inside the page
/// guard, so the files served under page paths (a release's QR code) carry none. The count was
/// read with the session (`services::notifications::unread_count_for_page`). The bell counts
/// again by itself, so a failed count shows none rather than failing the page.
pub async fn count_unread_for_pages(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let ext = req.extensions();
    if let (Some(auth::CheckedUser(user)), Some(session)) =
        (ext.get::<auth::CheckedUser>(), ext.get::<Session>())
    {
        let unread = app::services::notifications::unread_count_for_page(&state, session, user)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "the bell's count for a page failed");
                0
            });
        req.extensions_mut().insert(auth::PageUnread(unread));
    }
    next.run(req).await
}
