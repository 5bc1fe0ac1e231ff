use super::url::with_param;
use crate::domain::pagination::PER_PAGE_CHOICES;
use crate::i18n::use_texts;
use leptos::prelude::*;

/// "21–40 of 61 · Previous · Page 2 of 4 · Next", as plain links (works without JavaScript).
/// `capped`: the total comes from a capped count (`domain::pagination::is_capped`), so it
/// reads "more than n" and the number of pages is left out.
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
    let t = use_texts();
    let per = i64::from(per_page.max(1));
    let pages = u32::try_from(((total + per - 1) / per).max(1)).unwrap_or(u32::MAX);
    let first = if shown == 0 {
        0
    } else {
        i64::from(page.saturating_sub(1)) * i64::from(per_page) + 1
    };
    let last = first + shown as i64 - i64::from(shown > 0);
    let prev = (page > 1).then(|| with_param(&path, &params, "page", &(page - 1).to_string()));
    let next = (page < pages).then(|| with_param(&path, &params, "page", &(page + 1).to_string()));
    let sizes = PER_PAGE_CHOICES
        .iter()
        .map(|n| {
            let mut p = params.clone();
            p.retain(|(k, _)| *k != "page");
            let href = with_param(&path, &p, "per_page", &n.to_string());
            let class = if *n == per_page {
                "size current"
            } else {
                "size"
            };
            view! { <a class=class href=href>{n.to_string()}</a> }
        })
        .collect_view();
    view! {
        <nav class="pager" data-testid="pager">
            <span data-testid="pager-range">{if capped {
                (t.showing_more)(first, last, total - 1)
            } else {
                (t.showing)(first, last, total)
            }}</span>
            {match prev {
                Some(href) => view! { <a href=href data-testid="pager-prev">{t.prev_page}</a> }.into_any(),
                None => view! { <span class="disabled">{t.prev_page}</span> }.into_any(),
            }}
            <span data-testid="pager-page">{if capped { (t.page_only)(page) } else { (t.page_of)(page, pages) }}</span>
            {match next {
                Some(href) => view! { <a href=href data-testid="pager-next">{t.next_page}</a> }.into_any(),
                None => view! { <span class="disabled">{t.next_page}</span> }.into_any(),
            }}
            <span class="sizes">{t.per_page}" " {sizes}</span>
        </nav>
    }
}
