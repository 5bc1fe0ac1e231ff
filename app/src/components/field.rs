use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// The message for one field, shown right under it (from the last server answer).
#[component]
pub fn FieldMessage(
    #[prop(into)] error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().and_then(|e| e.field(t, field)).map(|msg| {
            view! { <p class="field-error" data-testid=format!("error-{field}") role="alert">{msg}</p> }
        })
    }
}

/// A banner for errors that do not belong to one field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            view! { <p class="form-error" data-testid="form-error" role="alert">{e.message(t)}</p> }
        })
    }
}
