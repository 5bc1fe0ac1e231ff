//! Row boxes in a table whose rows are a template (issue 16): each box names its mini program
//! in [`TICK_APPID`]; the table's body listens for the change events that bubble up to it and
//! keeps the ticked set, and [`show_ticks`] makes the boxes show that set again after the set
//! changed elsewhere (the page's box) or the rows were written again.

use leptos::prelude::*;

/// The attribute that names a row's box's mini program.
pub const TICK_APPID: &str = "data-appid";

/// Adds `appid` to the ticked set or takes it out, once.
pub fn toggle(ticked: &mut Vec<String>, appid: String, on: bool) {
    ticked.retain(|a| *a != appid);
    if on {
        ticked.push(appid);
    }
}

/// A change event from a row's box: updates `selected` (other change events are left alone).
pub fn on_row_tick(ev: &leptos::ev::Event, selected: RwSignal<Vec<String>>) {
    let target: leptos::web_sys::Element = event_target(ev);
    if let Some(appid) = target.get_attribute(TICK_APPID) {
        let on = event_target_checked(ev);
        selected.update(|s| toggle(s, appid, on));
    }
}

/// Whether every row of the page (its mini programs `page`) is ticked: the page's box.
pub fn page_ticked(
    selected: RwSignal<Vec<String>>,
    page: Vec<String>,
) -> impl Fn() -> bool + Send + Sync + 'static {
    move || selected.with(|s| !page.is_empty() && page.iter().all(|a| s.contains(a)))
}

/// A change of the page's box: ticks every row of the page, or none.
pub fn on_page_tick(ev: &leptos::ev::Event, selected: RwSignal<Vec<String>>, page: &[String]) {
    selected.set(if event_target_checked(ev) {
        page.to_vec()
    } else {
        Vec::new()
    });
}

/// Ticks the boxes of the rows in `ticked` and unticks the others (browser only: effects do not
/// run on the server).
pub fn show_ticks(body: &leptos::web_sys::HtmlTableSectionElement, ticked: &[String]) {
    use leptos::wasm_bindgen::JsCast;
    let mut row = body.first_element_child();
    while let Some(tr) = row {
        if let Ok(Some(tick)) = tr.query_selector("input[type=checkbox]") {
            let on = tick
                .get_attribute(TICK_APPID)
                .is_some_and(|a| ticked.contains(&a));
            tick.unchecked_into::<leptos::web_sys::HtmlInputElement>()
                .set_checked(on);
        }
        row = tr.next_element_sibling();
    }
}

/// Keeps the boxes under `body` showing `selected`, also in a body rendered anew (a new
/// `body`).
pub fn keep_ticks_shown(body: NodeRef<leptos::html::Tbody>, selected: RwSignal<Vec<String>>) {
    Effect::new(move |_| {
        let ticked = selected.get();
        if let Some(body) = body.get() {
            show_ticks(&body, &ticked);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tick_adds_a_mini_program_once_and_an_untick_takes_it_out() {
        let mut ticked = vec!["wx1".to_string()];
        toggle(&mut ticked, "wx2".to_string(), true);
        toggle(&mut ticked, "wx2".to_string(), true);
        assert_eq!(ticked, ["wx1", "wx2"]);
        toggle(&mut ticked, "wx1".to_string(), false);
        assert_eq!(ticked, ["wx2"]);
        toggle(&mut ticked, "wx9".to_string(), false);
        assert_eq!(ticked, ["wx2"]);
    }
}
