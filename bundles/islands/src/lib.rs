//! The islands bundle (`wxa-islands.wasm`) of the pages in `app::app::ISLAND_PAGES`: the
//! server renders the whole page and the browser hydrates only its `#[island]` components.
//! The app crate exports one function per island (named by the `data-component` of its
//! `<leptos-island>` element); everything no island reaches is left out of this wasm.

#[cfg(target_arch = "wasm32")]
extern crate app;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
