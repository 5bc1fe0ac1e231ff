//! `/widgets`: every function widget of the fleet (a merchant's own only), filtered by
//! status and paginated on the server.

use super::widget_editor::status_text;
use crate::api::widgets::list_widgets;
use crate::components::filter_form::FilterForm;
use crate::components::pager::Pager;
use crate::domain::time::format_cst;
use crate::domain::widget::view::WidgetQuery;
use crate::domain::widget::WidgetStatus;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/widgets";

#[component]
pub fn WidgetsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| WidgetQuery::from_params(|k| p.get(k))));
    let rows = Resource::new(move || query.get(), list_widgets);
    view! {
        <Title text=t.nav_widgets />
        <div class="page-head"><h1>{t.nav_widgets}</h1></div>
        <FilterForm action=PATH testid="wg-filters">
            <select name="status" data-testid="wg-filter-status">
                <option value="">{t.wg_col_status}": "{t.all}</option>
                {WidgetStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().status == Some(s)>{status_text(t, s)}</option>
                }).collect_view()}
            </select>
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="wg-filter-apply">{t.apply_filters}</button>
            <a href=PATH class="button">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match rows.await {
                    Ok(page) if page.items.is_empty() => view! { <p class="empty" data-testid="wg-list-empty">{t.no_rows}</p> }.into_any(),
                    Ok(page) => view! {
                        <table class="table" data-testid="wg-list">
                            <thead><tr>
                                <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th>
                                <th>{t.wg_col_keyword}</th><th>{t.wg_col_status}</th><th>{t.wg_col_submitted}</th><th>{t.wg_col_updated}</th>
                            </tr></thead>
                            <tbody>
                                {page.items.clone().into_iter().map(|w| view! {
                                    <tr data-testid="wg-list-row" data-appid=w.appid.clone()>
                                        <td><a href=format!("/apps/{}/widget", w.appid)><code>{w.appid.clone()}</code></a></td>
                                        <td>{w.nick_name}</td>
                                        <td>{w.merchant_name.unwrap_or_else(|| t.unassigned.to_string())}</td>
                                        <td>{w.keyword}</td>
                                        <td><span class=format!("status wg-{}", w.status.as_str()) data-testid="wg-list-status">{status_text(t, w.status)}</span></td>
                                        <td>{w.submitted_at.map(format_cst).unwrap_or_default()}</td>
                                        <td>{format_cst(w.updated_at)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager path=PATH params=q.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
