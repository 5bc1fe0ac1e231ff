use crate::api::merchants::merchant_options;
use crate::i18n::use_texts;
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
                let current = current.get_untracked();
                view! {
                    <select name="merchant" data-testid=testid>
                        <option value="">{t.col_merchant}": "{t.all}</option>
                        {options.into_iter().map(|m| view! {
                            <option value=m.id.to_string() selected=current == Some(m.id)>{m.name}</option>
                        }).collect_view()}
                    </select>
                }
            })}
        </Suspense>
    }
}
