//! The audit log: a page the server writes whole with a template (issue 16,
//! `components::template_page`). Its filters are a GET form, its pager links: nothing on it
//! reacts but the header's bell.
#![cfg(feature = "ssr")]

use crate::domain::auth::Role;
use crate::domain::time::format_cst;
use crate::i18n::Texts;
use crate::model::AuditEntry;

pub use page::page_html;

mod page {
    use super::audit_rows_html;
    use crate::components::field::{field_messages, messages_html};
    use crate::components::options::options_html;
    use crate::components::pager::{pager_html, PagerAt};
    use crate::components::template_page::{PageHtml, PageRequest};
    use crate::domain::audit_log::{action, AuditQuery, FIRST_DAY, LAST_DAY};
    use crate::domain::pagination::{is_capped, Page, FILTER_MAX_CHARS};
    use crate::error::AppError;
    use crate::i18n::Texts;
    use crate::model::AuditEntry;
    use maud::{html, Markup, PreEscaped};

    const PATH: &str = "/audit";

    /// The page for `req`: the filters as typed, then the entries they select. A filter typed
    /// wrong is named next to its field and the log is not listed unfiltered.
    pub async fn page_html(req: &PageRequest<'_>) -> PageHtml {
        let t = req.t;
        let query = AuditQuery::parse(|k| req.param(k)).map_err(AppError::Invalid);
        let listed = match &query {
            Ok(q) => crate::services::audit_log::list(&req.state.db, &req.viewer.user, q).await,
            Err(e) => Err(e.clone()),
        };
        // Filters typed wrong are the reader's to fix, on a page that answers; a failure of
        // the console answers with its status, as the server function would.
        let status = match &listed {
            Err(e) if !matches!(e, AppError::Invalid(_)) => e.status(),
            _ => http::StatusCode::OK,
        };
        let problems = |field: &str| {
            let messages = field_messages(t, &[], query.as_ref().err(), field, None);
            messages_html(t, &format!("error-{field}"), &messages)
        };
        let raw = |k: &str| req.raw(k);
        let content = html! {
            div class="page-head" { h1 { (t.nav_audit_log) } }
            form method="GET" action=(PATH) class="filters" data-testid="audit-filters" {
                span class="filter-field" {
                    input name="actor" placeholder=(t.col_actor) title=(t.audit_actor_hint) value=(raw("actor"))
                        maxlength=(FILTER_MAX_CHARS) data-testid="audit-actor";
                    (problems("actor"))
                }
                select name="action" data-testid="audit-action" {
                    (PreEscaped(options_html(
                        &format!("{}: {}", t.col_action, t.all),
                        action::ALL.into_iter().chain(action::RELEASE_ACTIONS).map(|a| (a, (t.audit_action)(a).unwrap_or(a))),
                        &raw("action"),
                    )))
                }
                (problems("action"))
                span class="filter-field" {
                    input name="target" placeholder=(t.col_target) title=(t.audit_target_hint) value=(raw("target"))
                        maxlength=(FILTER_MAX_CHARS) data-testid="audit-target";
                    (problems("target"))
                }
                span class="filter-field" {
                    label class="inline" { (t.date_from) input type="date" name="from" min=(FIRST_DAY) max=(LAST_DAY) value=(raw("from")) data-testid="audit-from"; }
                    (problems("from"))
                }
                span class="filter-field" {
                    label class="inline" { (t.date_to) input type="date" name="to" min=(FIRST_DAY) max=(LAST_DAY) value=(raw("to")) data-testid="audit-to"; }
                    (problems("to"))
                }
                button type="submit" class="primary" data-testid="audit-apply" { (t.apply_filters) }
                a href=(PATH) class="button" { (t.reset_filters) }
            }
            @match &listed {
                Ok(page) => (entries_html(t, page, &req.kept(&["actor", "action", "target", "from", "to", "per_page"]))),
                // The fields name what is wrong with the filters.
                Err(AppError::Invalid(_)) => p class="empty" data-testid="audit-filters-invalid" { (t.audit_fix_filters) },
                Err(e) => p class="form-error" role="alert" { (e.message(t)) },
            }
        };
        PageHtml {
            status,
            title: t.nav_audit_log,
            content,
        }
    }

    /// The table of one page of entries and its pager, whose links keep `kept`.
    fn entries_html(
        t: &'static Texts,
        page: &Page<AuditEntry>,
        kept: &[(&'static str, String)],
    ) -> Markup {
        html! {
            @if page.items.is_empty() {
                p class="empty" data-testid="audit-empty" { (t.no_rows) }
            } @else {
                table class="table" data-testid="audit-table" {
                    thead {
                        tr {
                            th { (t.col_time) } th { (t.col_actor) } th { (t.col_role) } th { (t.col_action) }
                            th { (t.col_target) } th { (t.col_outcome) } th { (t.col_detail) }
                        }
                    }
                    tbody { (PreEscaped(audit_rows_html(t, &page.items))) }
                }
            }
            (pager_html(t, &PagerAt {
                path: PATH,
                params: kept,
                total: page.total,
                page: page.page,
                per_page: page.per_page,
                shown: page.items.len(),
                capped: is_capped(page.total, page.page, page.per_page),
            }))
        }
    }
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
