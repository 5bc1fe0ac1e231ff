//! A table's rows written once (issue 16). The page renders the rows' HTML with its template
//! and hands it to the island that holds the table through the context, so the island's props
//! carry only what the browser acts on (the rows' keys, the pager's figures) instead of every
//! row a second time as JSON. When the islands bundle hydrates the island by itself there is no
//! page around it: the rows are in the DOM already, and inner HTML hydrates without being
//! written again. The pages with such islands are written by the server
//! (`components::template_page`); the browser writes rows itself only when an island reads
//! its page again.

use leptos::prelude::*;

#[derive(Clone)]
struct RowsHtml(String);

/// Hands `html` to the island rendered next under the current owner.
pub fn provide_rows_html(html: String) {
    provide_context(RowsHtml(html));
}

/// The rows' HTML the page handed over; empty when the island hydrates by itself.
pub fn rows_html() -> String {
    use_context::<RowsHtml>().map(|r| r.0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_island_reads_what_its_page_handed_over_and_nothing_by_itself() {
        let page = Owner::new();
        page.with(|| {
            assert_eq!(rows_html(), "");
            provide_rows_html("<tr><td>wx1</td></tr>".to_string());
            let island = Owner::current().expect("the page's owner").child();
            island.with(|| assert_eq!(rows_html(), "<tr><td>wx1</td></tr>"));
        });
        Owner::new().with(|| assert_eq!(rows_html(), ""));
    }
}
