use crate::api::merchants::merchant_options;
use crate::components::options::options_html;
use crate::i18n::{use_texts, Texts};
use crate::model::MerchantOption;
use leptos::prelude::*;

/// The merchant filter of a list page: every merchant the user may see, the current one
/// selected. Submitted with the page's filter form (`merchant=ID`).
#[component]
pub fn MerchantFilter(current: Signal<Option<i64>>, testid: &'static str) -> impl IntoView {
    let t = use_texts();
    let merchants = Resource::new(|| (), |_| merchant_options());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let options = merchants.await.unwrap_or_default();
                let html = merchant_options_html(t, &options, current.get_untracked());
                view! { <select name="merchant" data-testid=testid inner_html=html /> }
            })}
        </Suspense>
    }
}

/// The filter's options: "all" first, then `options`, `current` selected.
fn merchant_options_html(t: &Texts, options: &[MerchantOption], current: Option<i64>) -> String {
    options_html(
        &format!("{}: {}", t.col_merchant, t.all),
        options.iter().map(|m| (m.id.to_string(), m.name.as_str())),
        &current.map(|id| id.to_string()).unwrap_or_default(),
    )
}

/// [`MerchantFilter`] for a page written by a template, with the merchants the user may see.
pub fn merchant_filter_html(
    t: &Texts,
    options: &[MerchantOption],
    current: Option<i64>,
    testid: &str,
) -> maud::Markup {
    maud::html! {
        select name="merchant" data-testid=(testid) {
            (maud::PreEscaped(merchant_options_html(t, options, current)))
        }
    }
}
