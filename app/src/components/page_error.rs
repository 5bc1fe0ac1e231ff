use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
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
    view! {
        <div class="not-found" data-testid="page-error" role="alert">
            <p>{error.message(t)}</p>
            <a href=back>{back_label(t, back)}</a>
        </div>
    }
}

fn back_label(t: &Texts, back: &str) -> &'static str {
    if back == "/apps" {
        t.nav_mini_programs
    } else {
        t.back_to_list
    }
}

/// [`PageError`] for a page written by a template (its status is the page's).
pub fn page_error_html(t: &'static Texts, error: &AppError, back: &str) -> maud::Markup {
    maud::html! {
        div class="not-found" data-testid="page-error" role="alert" {
            p { (error.message(t)) }
            a href=(back) { (back_label(t, back)) }
        }
    }
}
