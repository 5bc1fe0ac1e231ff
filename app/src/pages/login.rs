use crate::api::auth::Login;
use crate::components::field::FieldMessage;
use crate::components::layout::locale_form_html;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let t = use_texts();
    let (next, expired) = use_query_map().with_untracked(|q| {
        (
            q.get("next").unwrap_or_default(),
            q.get("expired").is_some(),
        )
    });
    view! {
        <Title text=t.sign_in />
        <div class="login-page">
            <LoginCard next expired />
        </div>
    }
}

/// The sign-in card: an island, so the login page (the first page of every visit) loads only
/// the islands bundle, not the console's (app::app::ISLAND_PAGES). `next` is where to go after
/// signing in, `expired` whether an old session sent the browser here.
#[island]
fn LoginCard(next: String, expired: bool) -> impl IntoView {
    let t = use_texts();
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(next)) = login.value().get() {
            // The server already checked it; checked again so no answer can send the browser away.
            let _ = window()
                .location()
                .assign(crate::domain::auth::safe_next_path(&next));
        }
    });
    let error = Signal::derive(move || login.value().get().and_then(Result::err));
    let general = move || error.get().filter(|e| !matches!(e, AppError::Invalid(_)));
    view! {
            <div class="login-card">
                <h1>{t.app_name}</h1>
                <p class="muted">{t.login_subtitle}</p>
                {expired.then(|| view! { <p class="notice" data-testid="session-expired">{t.session_expired}</p> })}
                {move || general().map(|e| view! { <p class="form-error" role="alert" data-testid="login-error">{e.message(t)}</p> })}
                <ActionForm action=login attr:data-testid="login-form">
                    <label>
                        <span>{t.username}</span>
                        <input name="username" autocomplete="username" autofocus data-testid="login-username" />
                    </label>
                    <FieldMessage error field="username" />
                    <label>
                        <span>{t.password}</span>
                        <input name="password" type="password" autocomplete="current-password" data-testid="login-password" />
                    </label>
                    <FieldMessage error field="password" />
                    <input type="hidden" name="next" value=next />
                    <button type="submit" class="primary" disabled=move || login.pending().get() data-testid="login-submit">
                        {move || if login.pending().get() { t.signing_in } else { t.sign_in }}
                    </button>
                </ActionForm>
                <div class="login-footer" inner_html=locale_form_html(t) />
            </div>
    }
}
