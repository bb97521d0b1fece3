//! The browser entry point: hydrates the server-rendered page so it gains behaviour.
// The whole app's view type is deep: without erased components (release builds) computing its
// layout passes the default query depth of 128, as in the app crate.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
