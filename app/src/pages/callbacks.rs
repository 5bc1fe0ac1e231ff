//! 回调收件箱: every push WeChat sent, paginated on the server, filters in the URL.

use crate::api::platform::{callback_kinds, list_callbacks};
use crate::components::filter_form::FilterForm;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::callbacks::{CallbackQuery, OUTCOMES};
use crate::domain::pagination::is_capped;
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use crate::model::CallbackRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/platform/callbacks";

/// The CSS class of an outcome badge.
pub fn outcome_class(outcome: &str) -> &'static str {
    match outcome {
        "processed" => "status authorized",
        "failed" => "status unauthorized",
        "ignored" => "status muted-status",
        _ => "status needs_reauth",
    }
}

#[component]
pub fn CallbacksPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| CallbackQuery::from_params(|k| p.get(k))));
    let rows = Resource::new(move || query.get(), list_callbacks);
    let kinds = Resource::new(|| (), |_| callback_kinds());

    let kind_select = move || {
        Suspend::new(async move {
            let kinds = kinds.await.unwrap_or_default();
            let current = query.get_untracked().kind;
            view! {
                <select name="kind" data-testid="callbacks-kind">
                    <option value="">{t.col_kind}": "{t.all}</option>
                    {kinds.into_iter().map(|k| {
                        let selected = k == current;
                        view! { <option value=k.clone() selected=selected>{k.clone()}</option> }
                    }).collect_view()}
                </select>
            }
        })
    };

    view! {
        <Title text=t.nav_callbacks />
        <div class="page-head"><h1>{t.nav_callbacks}</h1></div>
        <FilterForm action=PATH testid="callbacks-filters">
            <Suspense fallback=|| ()>{kind_select}</Suspense>
            <input name="appid" placeholder=t.col_appid maxlength="64" value=move || query.get().appid data-testid="callbacks-appid" />
            <select name="outcome" data-testid="callbacks-outcome">
                <option value="">{t.col_outcome}": "{t.all}</option>
                {OUTCOMES.into_iter().map(|o| view! {
                    <option value=o selected=move || query.get().outcome == o>{t.callback_outcome(o)}</option>
                }).collect_view()}
            </select>
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="callbacks-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="callbacks-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match rows.await {
                    Ok(page) => view! {
                        <CallbackTable rows=page.items.clone() />
                        <Pager path=PATH params=q.to_params(1) total=page.total page=page.page per_page=page.per_page shown=page.items.len()
                            capped=is_capped(page.total, page.page, page.per_page) />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CallbackTable(rows: Vec<CallbackRow>) -> impl IntoView {
    let t = use_texts();
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="callbacks-empty">{t.no_rows}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="callbacks-table">
            <thead>
                <tr>
                    <th>{t.col_kind}</th><th>{t.col_mini_program}</th><th>{t.col_received}</th>
                    <th>{t.col_deliveries}</th><th>{t.col_outcome}</th><th>{t.col_detail}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|c| {
                    let href = format!("{PATH}/{}", c.id);
                    view! {
                        <tr data-testid="callback-row" data-kind=c.kind.clone()>
                            <td data-testid="callback-kind"><code>{c.kind.clone()}</code></td>
                            <td>
                                {match (c.nick_name.clone(), c.appid.clone()) {
                                    (name, Some(appid)) => view! {
                                        {name.map(|n| view! { {n}<br /> })}
                                        <a href=format!("/apps/{appid}")><code data-testid="callback-appid">{appid.clone()}</code></a>
                                    }.into_any(),
                                    (_, None) => view! { <span class="muted">{t.platform_component}</span> }.into_any(),
                                }}
                            </td>
                            <td>{format_cst(c.received_at)}</td>
                            <td data-testid="callback-deliveries">{c.deliveries}</td>
                            <td>
                                <span class=outcome_class(&c.outcome) data-testid="callback-outcome">{t.callback_outcome(&c.outcome)}</span>
                                {(!c.outcome_detail.is_empty()).then(|| view! { <br /><span class="muted small-text">{c.outcome_detail.clone()}</span> })}
                            </td>
                            <td><a href=href data-testid="callback-detail-link">{t.view}</a></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
