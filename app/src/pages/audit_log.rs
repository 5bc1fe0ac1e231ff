use crate::api::audit_log::list_audit_log;
use crate::components::field::{field_messages, show_messages};
use crate::components::filter_form::FilterForm;
use crate::components::options::options_html;
use crate::components::pager::Pager;
use crate::domain::audit_log::{action, AuditQuery, FIRST_DAY, LAST_DAY};
use crate::domain::auth::Role;
use crate::domain::pagination::{is_capped, FILTER_MAX_CHARS};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::AuditEntry;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/audit";

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| AuditQuery::parse(|k| p.get(k)).map_err(AppError::Invalid))
    });
    let raw = move |k: &'static str| params.with(|p| p.get(k).unwrap_or_default());
    // A filter typed wrong is named next to its field; the log is not listed unfiltered.
    let entries = Resource::new(
        move || query.get(),
        |query| async move { list_audit_log(query?).await },
    );
    let problems = move |field: &'static str| {
        let messages = query.with(|q| field_messages(t, &[], q.as_ref().err(), field, None));
        show_messages(format!("error-{field}"), messages)
    };
    // Links keep the filters exactly as typed.
    let link_params = move || {
        ["actor", "action", "target", "from", "to", "per_page"]
            .into_iter()
            .filter_map(|k| {
                let v = raw(k);
                (!v.is_empty()).then_some((k, v))
            })
            .collect::<Vec<_>>()
    };
    view! {
        <Title text=t.nav_audit_log />
        <div class="page-head"><h1>{t.nav_audit_log}</h1></div>
        <FilterForm action=PATH testid="audit-filters">
            <span class="filter-field">
                <input name="actor" placeholder=t.col_actor title=t.audit_actor_hint value=move || raw("actor") maxlength=FILTER_MAX_CHARS data-testid="audit-actor" />
                {move || problems("actor")}
            </span>
            <select name="action" data-testid="audit-action" inner_html=move || options_html(
                &format!("{}: {}", t.col_action, t.all),
                action::ALL.into_iter().chain(action::RELEASE_ACTIONS).map(|a| (a, (t.audit_action)(a).unwrap_or(a))),
                &raw("action"),
            ) />
            {move || problems("action")}
            <span class="filter-field">
                <input name="target" placeholder=t.col_target title=t.audit_target_hint value=move || raw("target") maxlength=FILTER_MAX_CHARS data-testid="audit-target" />
                {move || problems("target")}
            </span>
            <span class="filter-field">
                <label class="inline">{t.date_from}<input type="date" name="from" min=FIRST_DAY max=LAST_DAY value=move || raw("from") data-testid="audit-from" /></label>
                {move || problems("from")}
            </span>
            <span class="filter-field">
                <label class="inline">{t.date_to}<input type="date" name="to" min=FIRST_DAY max=LAST_DAY value=move || raw("to") data-testid="audit-to" /></label>
                {move || problems("to")}
            </span>
            <button type="submit" class="primary" data-testid="audit-apply">{t.apply_filters}</button>
            <a href=PATH class="button">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(page) => view! {
                        <AuditTable entries=page.items.clone() />
                        <Pager path=PATH params=link_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len()
                            capped=is_capped(page.total, page.page, page.per_page) />
                    }.into_any(),
                    // The fields name what is wrong with the filters.
                    Err(AppError::Invalid(_)) => view! { <p class="empty" data-testid="audit-filters-invalid">{t.audit_fix_filters}</p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let t = use_texts();
    if entries.is_empty() {
        return view! { <p class="empty" data-testid="audit-empty">{t.no_rows}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="audit-table">
            <thead>
                <tr>
                    <th>{t.col_time}</th><th>{t.col_actor}</th><th>{t.col_role}</th><th>{t.col_action}</th>
                    <th>{t.col_target}</th><th>{t.col_outcome}</th><th>{t.col_detail}</th>
                </tr>
            </thead>
            <tbody inner_html=audit_rows_html(t, &entries) />
        </table>
    }.into_any()
}

/// The log's rows as HTML, written by maud's compile-time template (issue 16). The table is
/// read-only, so its cells need no views of their own: as views (under `erase_components`, in
/// `view!` or the element functions alike) every cell and attribute was boxed and rendered
/// through `AnyView`, the larger part of the page's rendering. maud escapes every value it
/// writes; the `<tbody>` takes the rows as its inner HTML, which hydration leaves as the
/// server wrote it and a render in the browser writes the same way.
pub fn audit_rows_html(t: &'static Texts, entries: &[AuditEntry]) -> String {
    maud::html! {
        @for e in entries {
            @let role = e.actor_role.as_deref().and_then(Role::parse).map(|r| t.role(r)).unwrap_or(t.none);
            @let (status, outcome) = if e.outcome == "success" {
                ("status authorized", t.outcome_success)
            } else {
                ("status unauthorized", t.outcome_failure)
            };
            tr data-testid="audit-row" {
                td { (format_cst(e.at)) }
                td data-testid="audit-row-actor" { (e.actor_name) }
                td { (role) }
                td data-testid="audit-row-action" { code { (e.action) } }
                td { (e.target_type) " " code { (e.target_id) } }
                td { span class=(status) { (outcome) } }
                td class="detail" { (e.detail) }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn entry(actor_name: &str, outcome: &str, detail: &str) -> AuditEntry {
        AuditEntry {
            id: 1,
            at: 0,
            actor_name: actor_name.to_string(),
            actor_role: Some("operator".to_string()),
            action: "auth.login".to_string(),
            target_type: "user".to_string(),
            target_id: "7".to_string(),
            outcome: outcome.to_string(),
            detail: detail.to_string(),
        }
    }

    #[test]
    fn every_value_in_a_row_is_escaped() {
        let t = Locale::En.texts();
        let html = audit_rows_html(
            t,
            &[entry(
                "<img src=x onerror=alert(1)>",
                "failure",
                "\"><script>alert(2)</script>&",
            )],
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;alert(2)&lt;/script&gt;&amp;"),
            "{html}"
        );
    }

    #[test]
    fn a_row_has_its_cells_in_the_headers_order() {
        let t = Locale::En.texts();
        let html = audit_rows_html(
            t,
            &[
                entry("operator", "success", "ok"),
                entry("b", "failure", ""),
            ],
        );
        assert_eq!(
            html.matches(r#"<tr data-testid="audit-row">"#).count(),
            2,
            "{html}"
        );
        assert!(
            html.starts_with(&format!(
                r#"<tr data-testid="audit-row"><td>{}</td><td data-testid="audit-row-actor">operator</td><td>{}</td><td data-testid="audit-row-action"><code>auth.login</code></td><td>user <code>7</code></td><td><span class="status authorized">{}</span></td><td class="detail">ok</td></tr>"#,
                format_cst(0),
                t.role(Role::Operator),
                t.outcome_success
            )),
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<span class="status unauthorized">{}</span>"#,
            t.outcome_failure
        )));
        assert!(audit_rows_html(t, &[]).is_empty());
    }
}
