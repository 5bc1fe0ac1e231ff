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
