//! Text with line breaks (WeChat's rejection reasons): text nodes and `<br/>` elements,
//! never inner HTML.

use crate::domain::text::lines;
use leptos::prelude::*;

/// `text` split at `<br>` and line breaks, each line a text node.
#[component]
pub fn Lines(#[prop(into)] text: String) -> impl IntoView {
    lines(&text)
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            view! {
                {(i > 0).then(|| view! { <br /> })}
                {line}
            }
        })
        .collect_view()
}

/// [`Lines`] for maud's templates: each line escaped, `<br>` between them.
pub fn lines_markup(text: &str) -> maud::Markup {
    maud::html! {
        @for (i, line) in lines(text).iter().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

/// The trimmed text, or None when nothing is left (optional form fields).
pub fn none_if_blank(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}
