//! Content-Security-Policy with a per-response nonce: the only inline scripts allowed are the
//! hydration scripts Leptos writes, which carry the nonce.

use leptos::nonce::{provide_nonce, use_nonce};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

pub fn provide_csp() {
    provide_nonce();
    let (Some(nonce), Some(options)) = (use_nonce(), use_context::<ResponseOptions>()) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&policy(&nonce)) {
        options.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The policy of a response whose inline scripts carry `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
    )
}
