//! A table column header that sorts the list by its column, as a plain link.

use super::url::with_param;
use crate::domain::pagination::SortDir;
use leptos::prelude::*;

/// `<th aria-sort>` with a link to `path` sorted by `key`: ascending first, flipped when the
/// list is already sorted by it (`active`, in direction `dir`), back to page 1, the other
/// parameters (`params`, the list's query) kept.
pub fn sort_header(
    path: &str,
    mut params: Vec<(&'static str, String)>,
    key: &'static str,
    active: bool,
    dir: SortDir,
    label: &'static str,
    testid: String,
) -> impl IntoView {
    let next = if active { dir.flip() } else { SortDir::Asc };
    params.retain(|(k, _)| *k != "page" && *k != "dir");
    params.push(("dir", next.as_str().to_string()));
    let href = with_param(path, &params, "sort", key);
    let (arrow, aria) = match (active, dir) {
        (false, _) => ("", "none"),
        (true, SortDir::Asc) => (" ▲", "ascending"),
        (true, SortDir::Desc) => (" ▼", "descending"),
    };
    view! {
        <th aria-sort=aria>
            <a href=href data-testid=testid>{label}{arrow}</a>
        </th>
    }
}
