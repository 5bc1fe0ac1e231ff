use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// A page that cannot be shown (forbidden, not found, …): the message, a way back, and the
/// matching HTTP status when rendered on the server.
#[component]
pub fn PageError(error: AppError, #[prop(default = "/apps")] back: &'static str) -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(error.status());
    }
    let back_label = if back == "/apps" {
        t.nav_mini_programs
    } else {
        t.back_to_list
    };
    view! {
        <div class="not-found" data-testid="page-error" role="alert">
            <p>{error.message(t)}</p>
            <a href=back>{back_label}</a>
        </div>
    }
}
