//! 发布总览 (`/releases`): every mini program's release state, filtered, sorted and paginated
//! on the server (filters in the URL, works without JavaScript), counts per state as an SVG
//! chart, and the same selection as CSV.

use crate::api::fleet_release::fleet_release;
use crate::components::filter_form::FilterForm;
use crate::components::layout::user_is_staff;
use crate::components::merchant_filter::MerchantFilter;
use crate::components::options::options_html;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::components::sort_header::sort_header;
use crate::components::text::lines_markup;
use crate::components::url::{with_param, with_params};
use crate::domain::fleet_release::{
    shows_audit_version, FleetQuery, FleetRow, FleetSort, FleetView, STATES,
};
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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

#[component]
pub fn FleetReleasePage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| FleetQuery::from_params(|k| p.get(k))));
    let fleet = Resource::new(move || query.get(), fleet_release);

    view! {
        <Title text=t.nav_releases />
        <div class="page-head">
            <h1>{t.nav_releases}</h1>
            <a class="button" rel="external" download="releases.csv" data-testid="fleet-export"
                href=move || csv_href(&query.get())>{t.fleet_export_csv}</a>
            {move || user_is_staff().then(|| view! {
                <a class="button" data-testid="fleet-roll-out" href=move || rollout_href(&query.get())>{t.rollout_plan.roll_out_these}</a>
            })}
        </div>
        <FilterForm action=PATH testid="fleet-filters">
            <select name="state" data-testid="fleet-state" inner_html=move || query.with(|q| options_html(
                &format!("{}: {}", t.fleet_col_state, t.all),
                STATES.into_iter().map(|s| (s, (t.fleet_state)(s))),
                &q.state,
            )) />
            <MerchantFilter current=Signal::derive(move || query.get().merchant_id) testid="fleet-merchant" />
            <input name="template" type="number" min="0" placeholder=t.fleet_col_template data-testid="fleet-template"
                value=move || query.get().template_id.map(|v| v.to_string()).unwrap_or_default() />
            <input name="version" placeholder=t.fleet_version_search maxlength="64" data-testid="fleet-version"
                value=move || query.get().version />
            <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
            <input type="hidden" name="dir" value=move || query.get().dir.as_str() />
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="fleet-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="fleet-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match fleet.await {
                    Ok(view) => {
                        let params = q.to_params();
                        view! {
                            <StateChart view=view.clone() query=q.clone() />
                            <FleetTable view=view.clone() query=q.clone() />
                            <Pager path=PATH params=params total=view.total page=view.page per_page=view.per_page shown=view.items.len() />
                        }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Mini programs per state; each bar links to the list filtered by that state.
#[component]
fn StateChart(view: FleetView, query: FleetQuery) -> impl IntoView {
    let t = use_texts();
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
    let bars = view
        .counts
        .iter()
        .enumerate()
        .map(|(i, (state, n))| {
            let y = i as i64 * ROW + 2;
            let width = n * BAR_W / max;
            let href = with_param(PATH, &params, "state", state);
            view! {
                <a href=href>
                    <g class=format!("bar state-{state}") data-testid="fleet-chart-bar" data-state=state.clone() data-count=n.to_string()>
                        <text x="0" y={y + 16}>{(t.fleet_state)(state)}</text>
                        <rect class="track" x=LABEL_W y={y + 4} width=BAR_W height="14" rx="3" />
                        <rect class="fill" x=LABEL_W y={y + 4} width=width height="14" rx="3" />
                        <text x={LABEL_W + BAR_W + 8} y={y + 16}>{n.to_string()}</text>
                    </g>
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="panel chart">
            <h2>{t.fleet_chart}</h2>
            <svg class="fleet-chart" data-testid="fleet-chart" role="img" aria-label=t.fleet_chart
                viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + 60) width="100%">
                {bars}
            </svg>
        </section>
    }
}

fn sort_link(q: &FleetQuery, key: FleetSort, label: &'static str) -> impl IntoView {
    let testid = format!("fleet-sort-{}", key.as_str());
    sort_header(
        PATH,
        q.to_params(),
        key.as_str(),
        q.sort == key,
        q.dir,
        label,
        testid,
    )
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

#[component]
fn FleetTable(view: FleetView, query: FleetQuery) -> impl IntoView {
    let t = use_texts();
    if view.items.is_empty() {
        return view! { <p class="empty" data-testid="fleet-empty">{t.no_rows}</p> }.into_any();
    }
    let now = view.now;
    view! {
        <table class="table" data-testid="fleet-table">
            <thead>
                <tr>
                    {sort_link(&query, FleetSort::Name, t.col_mini_program)}
                    {sort_link(&query, FleetSort::State, t.fleet_col_state)}
                    {sort_link(&query, FleetSort::Online, t.fleet_col_online)}
                    {sort_link(&query, FleetSort::AuditSince, t.fleet_col_audit_version)}
                    {sort_link(&query, FleetSort::Gray, t.fleet_col_gray)}
                    <th>{t.fleet_col_rejection}</th>
                    {sort_link(&query, FleetSort::Template, t.fleet_col_template)}
                    {sort_link(&query, FleetSort::Merchant, t.col_merchant)}
                </tr>
            </thead>
            <tbody inner_html=fleet_rows_html(t, &view.items, now) />
        </table>
    }
    .into_any()
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
