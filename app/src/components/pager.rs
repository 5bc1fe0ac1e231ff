use super::url::with_param;
use crate::domain::pagination::PER_PAGE_CHOICES;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;

/// Where a pager is and what it links to.
pub struct PagerAt<'a> {
    pub path: &'a str,
    /// The list's query as typed, kept in every link.
    pub params: &'a [(&'static str, String)],
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Rows on this page.
    pub shown: usize,
    /// The total comes from a capped count (`domain::pagination::is_capped`), so it reads
    /// "more than n" and the number of pages is left out.
    pub capped: bool,
}

/// "21–40 of 61 · Previous · Page 2 of 4 · Next", as plain links (works without JavaScript).
#[component]
pub fn Pager(
    #[prop(into)] path: String,
    params: Vec<(&'static str, String)>,
    total: i64,
    page: u32,
    per_page: u32,
    shown: usize,
    #[prop(optional)] capped: bool,
) -> impl IntoView {
    let inner = pager_inner_html(
        use_texts(),
        &PagerAt {
            path: &path,
            params: &params,
            total,
            page,
            per_page,
            shown,
            capped,
        },
    );
    view! { <nav class="pager" data-testid="pager" inner_html=inner /> }
}

/// The pager, for a page written by a template.
pub fn pager_html(t: &'static Texts, at: &PagerAt) -> maud::Markup {
    maud::html! {
        nav class="pager" data-testid="pager" { (maud::PreEscaped(pager_inner_html(t, at))) }
    }
}

/// The pager's content, written by maud's template (issue 16): its links are plain links.
fn pager_inner_html(t: &'static Texts, at: &PagerAt) -> String {
    let PagerAt {
        path,
        params,
        total,
        page,
        per_page,
        shown,
        capped,
    } = *at;
    let per = i64::from(per_page.max(1));
    let pages = u32::try_from(((total + per - 1) / per).max(1)).unwrap_or(u32::MAX);
    let first = if shown == 0 {
        0
    } else {
        i64::from(page.saturating_sub(1)) * i64::from(per_page) + 1
    };
    let last = first + shown as i64 - i64::from(shown > 0);
    let prev = (page > 1).then(|| with_param(path, params, "page", &(page - 1).to_string()));
    let next = (page < pages).then(|| with_param(path, params, "page", &(page + 1).to_string()));
    let mut sized: Vec<(&'static str, String)> = params.to_vec();
    sized.retain(|(k, _)| *k != "page");
    let range = if capped {
        (t.showing_more)(first, last, total - 1)
    } else {
        (t.showing)(first, last, total)
    };
    let at_page = if capped {
        (t.page_only)(page)
    } else {
        (t.page_of)(page, pages)
    };
    maud::html! {
        span data-testid="pager-range" { (range) }
        @match prev {
            Some(href) => a href=(href) data-testid="pager-prev" { (t.prev_page) },
            None => span class="disabled" { (t.prev_page) },
        }
        span data-testid="pager-page" { (at_page) }
        @match next {
            Some(href) => a href=(href) data-testid="pager-next" { (t.next_page) },
            None => span class="disabled" { (t.next_page) },
        }
        span class="sizes" {
            (t.per_page) " "
            @for n in PER_PAGE_CHOICES {
                a class=(if n == per_page { "size current" } else { "size" })
                    href=(with_param(path, &sized, "per_page", &n.to_string())) { (n) }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn at<'a>(
        params: &'a [(&'static str, String)],
        total: i64,
        page: u32,
        shown: usize,
    ) -> PagerAt<'a> {
        PagerAt {
            path: "/audit",
            params,
            total,
            page,
            per_page: 20,
            shown,
            capped: false,
        }
    }

    #[test]
    fn a_middle_page_links_both_ways_and_keeps_the_filters() {
        let t = Locale::En.texts();
        let params = [("actor", "a&b".to_string()), ("page", "2".to_string())];
        let html = pager_html(t, &at(&params, 61, 2, 20)).into_string();
        assert!(
            html.starts_with(
                r#"<nav class="pager" data-testid="pager"><span data-testid="pager-range">"#
            ),
            "{html}"
        );
        assert!(html.contains(&(t.showing)(21, 40, 61)), "{html}");
        assert!(
            html.contains(r#"href="/audit?actor=a%26b&amp;page=1" data-testid="pager-prev""#),
            "{html}"
        );
        assert!(
            html.contains(r#"href="/audit?actor=a%26b&amp;page=3" data-testid="pager-next""#),
            "{html}"
        );
        assert!(html.contains(&(t.page_of)(2, 4)), "{html}");
        // A page size starts again at page 1.
        assert!(
            html.contains(
                r#"<a class="size current" href="/audit?actor=a%26b&amp;per_page=20">20</a>"#
            ),
            "{html}"
        );
    }

    #[test]
    fn the_ends_have_no_link_past_them_and_a_capped_total_reads_more_than() {
        let t = Locale::En.texts();
        let first = pager_html(t, &at(&[], 5, 1, 5)).into_string();
        assert!(
            !first.contains("pager-prev") && !first.contains("pager-next"),
            "{first}"
        );
        assert!(
            first.contains(&format!(r#"<span class="disabled">{}</span>"#, t.prev_page)),
            "{first}"
        );
        let empty = pager_html(t, &at(&[], 0, 1, 0)).into_string();
        assert!(empty.contains(&(t.showing)(0, 0, 0)), "{empty}");
        let capped = pager_html(
            t,
            &PagerAt {
                capped: true,
                ..at(&[], 10_001, 1, 20)
            },
        )
        .into_string();
        assert!(
            capped.contains(&(t.showing_more)(1, 20, 10_000)),
            "{capped}"
        );
        assert!(
            capped.contains(&(t.page_only)(1)) && capped.contains("pager-next"),
            "{capped}"
        );
    }
}
