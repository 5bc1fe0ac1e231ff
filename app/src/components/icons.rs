//! Inline SVG icons (no icon font, no emoji: they render the same without any font installed).
//! Each takes `currentColor`, so CSS colours them like text.

use leptos::prelude::*;

/// The notification bell.
#[component]
pub fn BellIcon() -> impl IntoView {
    view! {
        <svg class="icon" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
            <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
            <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
    }
}
