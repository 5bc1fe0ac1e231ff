//! A table column header that sorts the list by its column, as a plain link.

use super::url::with_param;
use crate::domain::pagination::SortDir;
use leptos::prelude::*;

/// Where a column header links to and how it reads.
struct SortLink {
    href: String,
    arrow: &'static str,
    aria: &'static str,
}

/// The link to `path` sorted by `key`: ascending first, flipped when the list is already
/// sorted by it (`active`, in direction `dir`), back to page 1, the other parameters
/// (`params`, the list's query) kept.
fn sort_link(
    path: &str,
    mut params: Vec<(&'static str, String)>,
    key: &'static str,
    active: bool,
    dir: SortDir,
) -> SortLink {
    let next = if active { dir.flip() } else { SortDir::Asc };
    params.retain(|(k, _)| *k != "page" && *k != "dir");
    params.push(("dir", next.as_str().to_string()));
    let (arrow, aria) = match (active, dir) {
        (false, _) => ("", "none"),
        (true, SortDir::Asc) => (" ▲", "ascending"),
        (true, SortDir::Desc) => (" ▼", "descending"),
    };
    SortLink {
        href: with_param(path, &params, "sort", key),
        arrow,
        aria,
    }
}

/// `<th aria-sort>` with the link of [`sort_link`].
pub fn sort_header(
    path: &str,
    params: Vec<(&'static str, String)>,
    key: &'static str,
    active: bool,
    dir: SortDir,
    label: &'static str,
    testid: String,
) -> impl IntoView {
    let SortLink { href, arrow, aria } = sort_link(path, params, key, active, dir);
    view! {
        <th aria-sort=aria>
            <a href=href data-testid=testid>{label}{arrow}</a>
        </th>
    }
}

/// [`sort_header`] for a page written by a template.
pub fn sort_header_html(
    path: &str,
    params: Vec<(&'static str, String)>,
    key: &'static str,
    active: bool,
    dir: SortDir,
    label: &'static str,
    testid: &str,
) -> maud::Markup {
    let SortLink { href, arrow, aria } = sort_link(path, params, key, active, dir);
    maud::html! {
        th aria-sort=(aria) { a href=(href) data-testid=(testid) { (label) (arrow) } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_flips_its_own_column_and_starts_others_ascending_on_page_one() {
        let params = vec![
            ("state", "online".to_string()),
            ("page", "3".to_string()),
            ("dir", "desc".to_string()),
        ];
        let active = sort_header_html(
            "/releases",
            params.clone(),
            "name",
            true,
            SortDir::Asc,
            "Name",
            "sort-name",
        )
        .into_string();
        assert_eq!(
            active,
            r#"<th aria-sort="ascending"><a href="/releases?state=online&amp;dir=desc&amp;sort=name" data-testid="sort-name">Name ▲</a></th>"#
        );
        let other = sort_header_html(
            "/releases",
            params,
            "state",
            false,
            SortDir::Desc,
            "State",
            "sort-state",
        )
        .into_string();
        assert!(other.starts_with(r#"<th aria-sort="none"><a href="/releases?state=online&amp;dir=asc&amp;sort=state""#), "{other}");
    }
}
