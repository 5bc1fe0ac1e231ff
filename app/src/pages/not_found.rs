use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    let t = use_texts();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t.page_not_found />
        <div class="not-found" data-testid="not-found">
            <h1>"404"</h1>
            <p>{t.page_not_found}</p>
            <a href="/apps">{t.nav_mini_programs}</a>
        </div>
    }
}
