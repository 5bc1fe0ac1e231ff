//! 发布总览 (`/releases`): every mini program's release state, filtered, sorted and paginated
//! on the server (filters in the URL, works without JavaScript), counts per state as an SVG
//! chart, and the same selection as CSV.
//!
//! Written whole by the server with a template (issue 16, `components::template_page`): its
//! filters are a GET form, its chart, sort headers and pager links.
#![cfg(feature = "ssr")]

use crate::components::text::lines_markup;
use crate::components::url::with_params;
use crate::domain::fleet_release::{shows_audit_version, FleetQuery, FleetRow};
use crate::i18n::Texts;

pub use page::page_html;

const PATH: &str = "/releases";

fn state_class(state: &str) -> &'static str {
    match state {
        "online" | "approved" => "status authorized",
        "auditing" | "gray" => "status needs_reauth",
        "rejected" => "status unauthorized",
        _ => "status muted-status",
    }
}

/// The export link for the current filters.
fn csv_href(q: &FleetQuery) -> String {
    with_params(&format!("{PATH}/export.csv"), &q.to_params())
}

/// A rollout planned for the mini programs of the current filters.
fn rollout_href(q: &FleetQuery) -> String {
    let filters: Vec<(&str, String)> = q
        .to_params()
        .into_iter()
        .filter(|(k, _)| matches!(*k, "state" | "merchant" | "template" | "version"))
        .collect();
    with_params("/rollouts/new", &filters)
}

mod page {
    use super::{csv_href, fleet_rows_html, rollout_href, PATH};
    use crate::components::merchant_filter::merchant_filter_html;
    use crate::components::options::options_html;
    use crate::components::page_error::page_error_html;
    use crate::components::pager::{pager_html, PagerAt};
    use crate::components::sort_header::sort_header_html;
    use crate::components::template_page::{PageHtml, PageRequest};
    use crate::components::url::with_param;
    use crate::domain::fleet_release::{FleetQuery, FleetSort, FleetView, STATES};
    use crate::i18n::Texts;
    use maud::{html, Markup, PreEscaped};

    /// The page for `req`: the filters, then the chart of states, the table and the pager.
    pub async fn page_html(req: &PageRequest<'_>) -> PageHtml {
        let t = req.t;
        let user = &req.viewer.user;
        let q = FleetQuery::from_params(|k| req.param(k));
        let (fleet, merchants) = tokio::join!(
            crate::services::fleet_release::view(req.state, user, q.clone()),
            crate::services::merchants::options(&req.state.db, user),
        );
        let status = match &fleet {
            Ok(_) => http::StatusCode::OK,
            Err(e) => e.status(),
        };
        let staff = user.role.sees_whole_fleet();
        let content = html! {
            div class="page-head" {
                h1 { (t.nav_releases) }
                a class="button" rel="external" download="releases.csv" data-testid="fleet-export" href=(csv_href(&q)) { (t.fleet_export_csv) }
                @if staff {
                    a class="button" data-testid="fleet-roll-out" href=(rollout_href(&q)) { (t.rollout_plan.roll_out_these) }
                }
            }
            form method="GET" action=(PATH) class="filters" data-testid="fleet-filters" {
                select name="state" data-testid="fleet-state" {
                    (PreEscaped(options_html(
                        &format!("{}: {}", t.fleet_col_state, t.all),
                        STATES.into_iter().map(|s| (s, (t.fleet_state)(s))),
                        &q.state,
                    )))
                }
                (merchant_filter_html(t, merchants.as_deref().unwrap_or_default(), q.merchant_id, "fleet-merchant"))
                input name="template" type="number" min="0" placeholder=(t.fleet_col_template) data-testid="fleet-template"
                    value=(q.template_id.map(|v| v.to_string()).unwrap_or_default());
                input name="version" placeholder=(t.fleet_version_search) maxlength="64" data-testid="fleet-version" value=(q.version);
                input type="hidden" name="sort" value=(q.sort.as_str());
                input type="hidden" name="dir" value=(q.dir.as_str());
                input type="hidden" name="per_page" value=(q.page.per_page);
                button type="submit" class="primary" data-testid="fleet-apply" { (t.apply_filters) }
                a href=(PATH) class="button" data-testid="fleet-reset" { (t.reset_filters) }
            }
            @match &fleet {
                Ok(view) => {
                    (state_chart_html(t, view, &q))
                    (fleet_table_html(t, view, &q))
                    (pager_html(t, &PagerAt {
                        path: PATH,
                        params: &q.to_params(),
                        total: view.total,
                        page: view.page,
                        per_page: view.per_page,
                        shown: view.items.len(),
                        capped: false,
                    }))
                }
                Err(error) => (page_error_html(t, error, "/apps")),
            }
        };
        PageHtml {
            status,
            title: t.nav_releases,
            content,
        }
    }

    /// Mini programs per state; each bar links to the list filtered by that state.
    fn state_chart_html(t: &'static Texts, view: &FleetView, query: &FleetQuery) -> Markup {
        const ROW: i64 = 24;
        const LABEL_W: i64 = 150;
        const BAR_W: i64 = 420;
        let max = view
            .counts
            .iter()
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
            .max(1);
        let height = ROW * view.counts.len() as i64 + 4;
        let mut params = query.to_params();
        params.retain(|(k, _)| *k != "state");
        html! {
            section class="panel chart" {
                h2 { (t.fleet_chart) }
                svg class="fleet-chart" data-testid="fleet-chart" role="img" aria-label=(t.fleet_chart)
                    viewBox=(format!("0 0 {} {height}", LABEL_W + BAR_W + 60)) width="100%" {
                    @for (i, (state, n)) in view.counts.iter().enumerate() {
                        @let y = i as i64 * ROW + 2;
                        a href=(with_param(PATH, &params, "state", state)) {
                            g class={ "bar state-" (state) } data-testid="fleet-chart-bar" data-state=(state) data-count=(n) {
                                text x="0" y=(y + 16) { ((t.fleet_state)(state)) }
                                rect class="track" x=(LABEL_W) y=(y + 4) width=(BAR_W) height="14" rx="3" {}
                                rect class="fill" x=(LABEL_W) y=(y + 4) width=(n * BAR_W / max) height="14" rx="3" {}
                                text x=(LABEL_W + BAR_W + 8) y=(y + 16) { (n) }
                            }
                        }
                    }
                }
            }
        }
    }

    fn fleet_table_html(t: &'static Texts, view: &FleetView, q: &FleetQuery) -> Markup {
        if view.items.is_empty() {
            return html! { p class="empty" data-testid="fleet-empty" { (t.no_rows) } };
        }
        let sort = |key: FleetSort, label: &'static str| {
            sort_header_html(
                PATH,
                q.to_params(),
                key.as_str(),
                q.sort == key,
                q.dir,
                label,
                &format!("fleet-sort-{}", key.as_str()),
            )
        };
        html! {
            table class="table" data-testid="fleet-table" {
                thead {
                    tr {
                        (sort(FleetSort::Name, t.col_mini_program))
                        (sort(FleetSort::State, t.fleet_col_state))
                        (sort(FleetSort::Online, t.fleet_col_online))
                        (sort(FleetSort::AuditSince, t.fleet_col_audit_version))
                        (sort(FleetSort::Gray, t.fleet_col_gray))
                        th { (t.fleet_col_rejection) }
                        (sort(FleetSort::Template, t.fleet_col_template))
                        (sort(FleetSort::Merchant, t.col_merchant))
                    }
                }
                tbody { (PreEscaped(fleet_rows_html(t, &view.items, view.now))) }
            }
        }
    }
}

/// The newest audit's version: in review (and for how long), or approved (waiting or in gray).
fn audit_cell(t: &'static Texts, r: &FleetRow, now: i64) -> maud::Markup {
    if !shows_audit_version(&r.release_state) {
        return maud::html! {};
    }
    let auditing = r.release_state == "auditing";
    let version = match r.audit_version.as_deref() {
        Some(v) if !v.is_empty() => v,
        _ => t.fleet_unknown_version,
    };
    let since = r
        .audit_submitted_at
        .filter(|_| auditing)
        .map(|at| (t.fleet_in_audit_for)(&(t.duration)((now - at).max(0))));
    maud::html! {
        span data-testid="fleet-audit-version" { (version) }
        @if !auditing { " " span class="muted small-text" { (t.fleet_approved) } }
        @if let Some(s) = since { br; span class="muted small-text" { (s) } }
    }
}

/// The page's rows as HTML, written by maud's compile-time template like the audit log's
/// (`audit_log::audit_rows_html`, which says why): the table is read-only. maud escapes every
/// value it writes.
pub fn fleet_rows_html(t: &'static Texts, rows: &[FleetRow], now: i64) -> String {
    maud::html! {
        @for r in rows {
            tr data-testid="fleet-row" data-appid=(r.appid) data-state=(r.release_state) {
                td { (r.nick_name) br; a href={ "/apps/" (r.appid) "/release" } { code { (r.appid) } } }
                td {
                    span class=(state_class(&r.release_state)) data-testid="fleet-state-badge" {
                        ((t.fleet_state)(&r.release_state))
                    }
                }
                td data-testid="fleet-online" { (r.online_version.as_deref().unwrap_or_default()) }
                td { (audit_cell(t, r, now)) }
                td { @if let Some(g) = r.gray_percentage { (g) "%" } }
                td class="small-text" data-testid="fleet-rejection" {
                    (lines_markup(r.last_rejection.as_deref().unwrap_or_default()))
                }
                td { @if let Some(v) = r.template_id { (v) } }
                td { (r.merchant_name.as_deref().unwrap_or_default()) }
            }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn row(state: &str) -> FleetRow {
        FleetRow {
            appid: "wx0123456789abcdef".to_string(),
            nick_name: "<b>shop</b>".to_string(),
            merchant_id: Some(1),
            merchant_name: Some("A & B".to_string()),
            template_id: Some(12),
            online_version: Some("1.0.0".to_string()),
            online_released_at: None,
            gray_percentage: None,
            audit_version: Some("1.1.0".to_string()),
            audit_status: None,
            audit_submitted_at: Some(0),
            last_rejection: None,
            release_state: state.to_string(),
        }
    }

    #[test]
    fn values_are_escaped_and_a_rejection_keeps_its_lines() {
        let t = Locale::En.texts();
        let mut rejected = row("rejected");
        rejected.last_rejection = Some("logo blurred<br>name \"<i>x</i>\"".to_string());
        let html = fleet_rows_html(t, &[rejected], 0);
        assert!(html.contains("&lt;b&gt;shop&lt;/b&gt;<br>"), "{html}");
        assert!(html.contains("A &amp; B"), "{html}");
        assert!(
            html.contains(r#"<td class="small-text" data-testid="fleet-rejection">logo blurred<br>name &quot;&lt;i&gt;x&lt;/i&gt;&quot;</td>"#),
            "{html}"
        );
        assert!(!html.contains("<i>"), "{html}");
        assert!(html.contains(r#"data-state="rejected""#), "{html}");
        // No audit version outside review, approval and gray.
        assert!(!html.contains("fleet-audit-version"), "{html}");
    }

    #[test]
    fn an_audit_shows_its_version_and_how_long_it_has_been_in_review() {
        let t = Locale::En.texts();
        let mut gray = row("gray");
        gray.gray_percentage = Some(20);
        let html = fleet_rows_html(t, &[row("auditing"), gray], 3_600);
        assert_eq!(
            html.matches(r#"<tr data-testid="fleet-row""#).count(),
            2,
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<span data-testid="fleet-audit-version">1.1.0</span><br><span class="muted small-text">{}</span>"#,
            (t.fleet_in_audit_for)(&(t.duration)(3_600))
        )), "{html}");
        assert!(html.contains(&format!(
            r#"<span data-testid="fleet-audit-version">1.1.0</span> <span class="muted small-text">{}</span>"#,
            t.fleet_approved
        )), "{html}");
        assert!(html.contains("<td>20%</td>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="/apps/wx0123456789abcdef/release"><code>wx0123456789abcdef</code></a>"#
            ),
            "{html}"
        );
    }
}
