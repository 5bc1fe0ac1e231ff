//! wxa-console: the Leptos UI, server functions and (with `ssr`) the server-side layers.

pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod services;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
