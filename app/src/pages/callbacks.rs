//! 回调收件箱: every push WeChat sent, paginated on the server, filters in the URL.

use crate::api::platform::{callback_kinds, list_callbacks};
use crate::components::filter_form::FilterForm;
use crate::components::options::options_html;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::callbacks::{CallbackQuery, OUTCOMES};
use crate::domain::pagination::is_capped;
use crate::domain::time::format_cst;
use crate::i18n::{use_texts, Texts};
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
            let html = options_html(
                &format!("{}: {}", t.col_kind, t.all),
                kinds.iter().map(|k| (k, k)),
                &current,
            );
            view! { <select name="kind" data-testid="callbacks-kind" inner_html=html /> }
        })
    };

    view! {
        <Title text=t.nav_callbacks />
        <div class="page-head"><h1>{t.nav_callbacks}</h1></div>
        <FilterForm action=PATH testid="callbacks-filters">
            <Suspense fallback=|| ()>{kind_select}</Suspense>
            <input name="appid" placeholder=t.col_appid maxlength="64" value=move || query.get().appid data-testid="callbacks-appid" />
            <select name="outcome" data-testid="callbacks-outcome" inner_html=move || query.with(|q| options_html(
                &format!("{}: {}", t.col_outcome, t.all),
                OUTCOMES.into_iter().map(|o| (o, t.callback_outcome(o))),
                &q.outcome,
            )) />
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
            <tbody inner_html=callback_rows_html(t, &rows) />
        </table>
    }
    .into_any()
}

/// The inbox's rows as HTML, written by maud's compile-time template like the audit log's
/// (`audit_log::audit_rows_html`, which says why): the table is read-only. maud escapes every
/// value it writes.
pub fn callback_rows_html(t: &'static Texts, rows: &[CallbackRow]) -> String {
    maud::html! {
        @for c in rows {
            tr data-testid="callback-row" data-kind=(c.kind) {
                td data-testid="callback-kind" { code { (c.kind) } }
                td {
                    @if let Some(appid) = &c.appid {
                        @if let Some(name) = &c.nick_name { (name) br; }
                        a href={ "/apps/" (appid) } { code data-testid="callback-appid" { (appid) } }
                    } @else {
                        span class="muted" { (t.platform_component) }
                    }
                }
                td { (format_cst(c.received_at)) }
                td data-testid="callback-deliveries" { (c.deliveries) }
                td {
                    span class=(outcome_class(&c.outcome)) data-testid="callback-outcome" { (t.callback_outcome(&c.outcome)) }
                    @if !c.outcome_detail.is_empty() { br; span class="muted small-text" { (c.outcome_detail) } }
                }
                td { a href={ (PATH) "/" (c.id) } data-testid="callback-detail-link" { (t.view) } }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn row(appid: Option<&str>, detail: &str) -> CallbackRow {
        CallbackRow {
            id: 9,
            received_at: 0,
            kind: "<b>weapp_audit_success</b>".to_string(),
            appid: appid.map(str::to_string),
            nick_name: Some("\"Shop\" <i>".to_string()),
            outcome: "failed".to_string(),
            outcome_detail: detail.to_string(),
            processed_at: None,
            attempts: 1,
            deliveries: 2,
        }
    }

    #[test]
    fn values_pushed_by_wechat_are_escaped() {
        let t = Locale::En.texts();
        let html = callback_rows_html(t, &[row(Some("wx1"), "<script>x</script>")]);
        assert!(
            !html.contains("<script>") && !html.contains("<b>") && !html.contains("<i>"),
            "{html}"
        );
        assert!(
            html.contains(r#"data-kind="&lt;b&gt;weapp_audit_success&lt;/b&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"&quot;Shop&quot; &lt;i&gt;<br><a href="/apps/wx1"><code data-testid="callback-appid">wx1</code></a>"#), "{html}");
        assert!(
            html.contains(
                r#"<br><span class="muted small-text">&lt;script&gt;x&lt;/script&gt;</span>"#
            ),
            "{html}"
        );
        assert!(
            html.contains(r#"<td data-testid="callback-deliveries">2</td>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<a href="/platform/callbacks/9" data-testid="callback-detail-link">"#),
            "{html}"
        );
    }

    #[test]
    fn a_platform_push_names_the_platform_and_no_detail_adds_no_line() {
        let t = Locale::En.texts();
        let html = callback_rows_html(t, &[row(None, "")]);
        assert!(
            html.contains(&format!(
                r#"<span class="muted">{}</span>"#,
                t.platform_component
            )),
            "{html}"
        );
        assert!(!html.contains("callback-appid"), "{html}");
        assert!(!html.contains("<br>"), "{html}");
    }
}
