//! The console's browser bundle (`wxa-console.wasm`): hydrates a whole page with the router, so
//! that links and forms move between pages in the browser. Pages listed in
//! `app::app::ISLAND_PAGES` load the islands bundle instead.

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(|| {
        app::app::render_islands_inline();
        app::app::App()
    });
}
