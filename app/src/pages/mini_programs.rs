use crate::api::mini_programs::list_mini_programs;
use crate::api::readiness::{check_readiness, readiness_targets};
use crate::components::field::error_text;
use crate::components::pager::Pager;
use crate::components::rows_html::rows_html;
use crate::components::sort_header::sort_header;
use crate::components::ticks::{keep_ticks_shown, on_page_tick, on_row_tick, page_ticked};
use crate::domain::mini_program::{MiniProgramQuery, MiniProgramSort};
use crate::domain::pagination::Page;
use crate::domain::readiness::FLEET_CHECK_MAX;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::MiniProgramRow;
use crate::pages::readiness::readiness_badge;
use leptos::prelude::*;

const PATH: &str = "/apps";

/// The registry's fleet re-check of readiness: the ticked mini programs and the run under
/// way. Kept by the page, so the table's refetch at the end of a run does not lose them.
#[derive(Clone, Copy)]
struct FleetRun {
    selected: RwSignal<Vec<String>>,
    running: RwSignal<bool>,
    done: RwSignal<usize>,
    total: RwSignal<usize>,
    /// (ready, stuck, failed) of the last run.
    outcome: RwSignal<Option<(usize, usize, usize)>>,
    /// (matched, taken) when the filter matched more than one run takes.
    capped: RwSignal<Option<(i64, usize)>>,
    error: RwSignal<Option<AppError>>,
    /// Bumped when a run ends: the table reads the new readiness.
    reload: RwSignal<u32>,
}

impl FleetRun {
    fn new() -> Self {
        Self {
            selected: RwSignal::new(Vec::new()),
            running: RwSignal::new(false),
            done: RwSignal::new(0),
            total: RwSignal::new(0),
            outcome: RwSignal::new(None),
            capped: RwSignal::new(None),
            error: RwSignal::new(None),
            reload: RwSignal::new(0),
        }
    }

    /// Re-checks `appids` one after another (a failure is counted, never stops the rest).
    async fn check_all(self, appids: Vec<String>) {
        self.total.set(appids.len());
        let (mut ready, mut stuck, mut failed) = (0, 0, 0);
        for appid in appids {
            match check_readiness(appid).await {
                Ok(v) if v.summary.is_some_and(|s| s.first_blocking.is_none()) => ready += 1,
                Ok(_) => stuck += 1,
                Err(_) => failed += 1,
            }
            self.done.update(|d| *d += 1);
        }
        self.outcome.set(Some((ready, stuck, failed)));
        self.running.set(false);
        self.reload.update(|n| *n += 1);
    }

    /// Starts a run unless one is under way; `targets` yields the AppIDs to re-check.
    fn start<F>(self, targets: F)
    where
        F: std::future::Future<Output = Result<Vec<String>, AppError>> + 'static,
    {
        if self.running.get_untracked() {
            return;
        }
        self.running.set(true);
        self.done.set(0);
        self.total.set(0);
        self.outcome.set(None);
        self.capped.set(None);
        self.error.set(None);
        leptos::task::spawn_local(async move {
            match targets.await {
                Ok(appids) if !appids.is_empty() => self.check_all(appids).await,
                Ok(_) => self.running.set(false),
                Err(e) => {
                    self.error.set(Some(e));
                    self.running.set(false);
                }
            }
        });
    }
}

#[cfg(feature = "ssr")]
pub use page::page_html;

/// The registry, written whole by the server with a template (issue 16,
/// `components::template_page`): the filters are a GET form, the table, its pager and the
/// fleet re-check one island ([`Registry`]).
#[cfg(feature = "ssr")]
mod page {
    use super::{registry_rows_html, Registry, PATH};
    use crate::components::merchant_filter::merchant_filter_html;
    use crate::components::options::options_html;
    use crate::components::rows_html::provide_rows_html;
    use crate::components::template_page::{island_html, PageHtml, PageRequest};
    use crate::domain::mini_program::{AppStatus, MiniProgramQuery, SubjectType};
    use crate::domain::readiness::ReadinessFilter;
    use leptos::prelude::*;
    use maud::{html, PreEscaped};

    pub async fn page_html(req: &PageRequest<'_>) -> PageHtml {
        let t = req.t;
        let rt = t.readiness;
        let user = &req.viewer.user;
        let q = MiniProgramQuery::from_params(|k| req.param(k));
        let (rows, merchants) = tokio::join!(
            crate::services::mini_programs::list(&req.state.db, user, &q),
            crate::services::merchants::options(&req.state.db, user),
        );
        let status = match &rows {
            Ok(_) => http::StatusCode::OK,
            Err(e) => e.status(),
        };
        let content = html! {
            div class="page-head" {
                h1 { (t.nav_mini_programs) }
                @if user.role.sees_whole_fleet() {
                    a href="/apps/authorize" class="button primary" data-testid="add-mini-program" { (t.add_mini_program) }
                }
            }
            form method="GET" action=(PATH) class="filters" data-testid="filters" {
                input type="search" name="q" maxlength="64" placeholder=(t.search_placeholder) value=(q.search) data-testid="filter-search";
                select name="subject" data-testid="filter-subject" {
                    (PreEscaped(options_html(
                        &format!("{}: {}", t.col_subject, t.all),
                        SubjectType::ALL.into_iter().map(|s| (s.as_str(), t.subject(s))),
                        q.subject.map_or("", SubjectType::as_str),
                    )))
                }
                select name="status" data-testid="filter-status" {
                    (PreEscaped(options_html(
                        &format!("{}: {}", t.col_status, t.all),
                        AppStatus::ALL.into_iter().map(|s| (s.as_str(), t.status(s))),
                        q.status.map_or("", AppStatus::as_str),
                    )))
                }
                select name="readiness" data-testid="filter-readiness" {
                    (PreEscaped(options_html(
                        rt.filter_any,
                        ReadinessFilter::all().into_iter().map(|f| (f.as_param(), (rt.filter)(f))),
                        &q.readiness.map(|f| f.as_param()).unwrap_or_default(),
                    )))
                }
                (merchant_filter_html(t, merchants.as_deref().unwrap_or_default(), q.merchant_id, "filter-merchant"))
                input type="hidden" name="sort" value=(q.sort.as_str());
                input type="hidden" name="dir" value=(q.dir.as_str());
                input type="hidden" name="per_page" value=(q.page.per_page);
                button type="submit" class="primary" data-testid="filter-apply" { (t.apply_filters) }
                a href=(PATH) class="button" data-testid="filter-reset" { (t.reset_filters) }
            }
            @match rows {
                Ok(page) => {
                    (PreEscaped(island_html(t.locale, || {
                        provide_rows_html(registry_rows_html(t, &page.items));
                        view! { <Registry page=page.map(|r| r.appid) query=q /> }
                    })))
                }
                Err(e) => p class="form-error" role="alert" { (e.message(t)) },
            }
        };
        PageHtml {
            status,
            title: t.nav_mini_programs,
            content,
        }
    }
}

/// The table, its pager and the fleet re-check, which share the ticked rows: an island, so the
/// registry (the first page after signing in) loads the islands bundle, not the console's
/// (app::app::ISLAND_PAGES, issue 16). Its props are the page's AppIDs and the pager's figures;
/// the rows' HTML comes from the page (`components::rows_html`). A re-check reads the page again
/// when it ends.
#[island]
fn Registry(page: Page<String>, query: MiniProgramQuery) -> impl IntoView {
    let t = use_texts();
    let run = FleetRun::new();
    let shown = RwSignal::new((page, rows_html()));
    let reread = query.clone();
    // On each run's end, not on hydration (the page is fresh then).
    Effect::watch(
        move || run.reload.get(),
        move |_, _, _| {
            let q = reread.clone();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = list_mini_programs(q).await {
                    let rows = registry_rows_html(t, &fresh.items);
                    shown.set((fresh.map(|r| r.appid), rows));
                }
            });
        },
        false,
    );
    let table_query = query.clone();
    view! {
        {move || {
            let (p, rows) = shown.get();
            let q = table_query.clone();
            let (total, page, per_page, count) = (p.total, p.page, p.per_page, p.items.len());
            view! {
                <RegistryTable appids=p.items rows query=q.clone() run />
                <Pager path=PATH params=q.to_params() total page per_page shown=count />
            }
        }}
        <FleetRecheck query run />
    }
}

fn sort_link(q: &MiniProgramQuery, key: MiniProgramSort, label: &'static str) -> impl IntoView {
    let testid = format!("sort-{}", key.as_str());
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

#[component]
fn RegistryTable(
    appids: Vec<String>,
    rows: String,
    query: MiniProgramQuery,
    run: FleetRun,
) -> impl IntoView {
    let t = use_texts();
    let rt = t.readiness;
    if appids.is_empty() {
        return view! { <p class="empty" data-testid="registry-empty">{t.no_rows}</p> }.into_any();
    }
    let selected = run.selected;
    let all_ticked = page_ticked(selected, appids.clone());
    let tick_page = move |ev: leptos::ev::Event| on_page_tick(&ev, selected, &appids);
    // The rows are a template, so their boxes are wired here: a tick bubbles up to the body,
    // and the body's boxes follow the ticked set (the page's box, a table read again).
    let body = NodeRef::<leptos::html::Tbody>::new();
    let tick_row = move |ev: leptos::ev::Event| on_row_tick(&ev, selected);
    keep_ticks_shown(body, selected);
    view! {
        <table class="table" data-testid="registry">
            <thead>
                <tr>
                    <th><input type="checkbox" data-testid="registry-select-page" aria-label=rt.select_row
                        prop:checked=all_ticked on:change=tick_page /></th>
                    {sort_link(&query, MiniProgramSort::AppId, t.col_appid)}
                    {sort_link(&query, MiniProgramSort::Name, t.col_name)}
                    <th>{t.col_principal}</th>
                    {sort_link(&query, MiniProgramSort::Subject, t.col_subject)}
                    {sort_link(&query, MiniProgramSort::Merchant, t.col_merchant)}
                    {sort_link(&query, MiniProgramSort::Status, t.col_status)}
                    {sort_link(&query, MiniProgramSort::Readiness, rt.col_readiness)}
                    {sort_link(&query, MiniProgramSort::Created, t.col_created)}
                </tr>
            </thead>
            <tbody node_ref=body on:change=tick_row inner_html=rows />
        </table>
    }.into_any()
}

/// The page's rows as HTML, written by maud's compile-time template like the audit log's
/// (`audit_log::audit_rows_html`, which says why). Their boxes are plain markup: the island
/// wires them by the change event that bubbles up to the table's body (`RegistryTable`). The
/// page hands the string to its island (`components::rows_html`); the browser writes it again
/// when it reads the page again.
pub fn registry_rows_html(t: &'static Texts, rows: &[MiniProgramRow]) -> String {
    maud::html! {
        @for p in rows {
            @let readiness_state = match &p.readiness {
                None => "unchecked",
                Some(b) if b.first_blocking.is_none() => "ready",
                Some(_) => "stuck",
            };
            tr data-testid="registry-row" data-appid=(p.appid) {
                td {
                    input type="checkbox" data-testid="registry-select" data-appid=(p.appid)
                        aria-label=(t.readiness.select_row);
                }
                td { a href={ "/apps/" (p.appid) } data-testid="registry-appid" { code { (p.appid) } } }
                td data-testid="registry-name" { (p.nick_name) }
                td { (p.principal_name) }
                td data-testid="registry-subject" { (t.subject(p.subject)) }
                td data-testid="registry-merchant" { (p.merchant_name.as_deref().unwrap_or(t.unassigned)) }
                td { span class={ "status " (p.status.as_str()) } { (t.status(p.status)) } }
                td data-testid="registry-readiness" data-state=(readiness_state) {
                    a href={ "/apps/" (p.appid) "/readiness" } data-testid="registry-readiness-link" {
                        (readiness_badge(t, p.readiness.as_ref()))
                    }
                }
                td { (format_cst(p.created_at)) }
            }
        }
    }
    .into_string()
}

/// Re-checks readiness for the ticked mini programs or for the filter's (at most
/// [`FLEET_CHECK_MAX`]), one by one with progress (JavaScript only; the table shows the
/// stored results either way).
#[component]
fn FleetRecheck(query: MiniProgramQuery, run: FleetRun) -> impl IntoView {
    let t = use_texts();
    let rt = t.readiness;
    let on_selected = move |_| {
        let chosen = run.selected.get_untracked();
        if chosen.is_empty() {
            return;
        }
        run.start(async move { Ok::<_, AppError>(chosen) });
    };
    let on_matching = move |_| {
        let q = query.clone();
        run.start(async move {
            let targets = readiness_targets(q).await?;
            let taken = targets.appids.len();
            if targets.matched > i64::try_from(taken).unwrap_or(i64::MAX) {
                run.capped.set(Some((targets.matched, taken)));
            }
            Ok::<_, AppError>(targets.appids)
        });
    };
    view! {
        <section class="panel fleet-recheck" data-testid="fleet-recheck">
            <h2>{rt.fleet_title}</h2>
            <p class="hint">{rt.fleet_hint}</p>
            <div class="actions">
                <button data-testid="fleet-recheck-selected"
                    disabled=move || run.running.get() || run.selected.with(Vec::is_empty)
                    on:click=on_selected>{rt.recheck_selected}</button>
                <button data-testid="fleet-recheck-matching" disabled=move || run.running.get()
                    on:click=on_matching>{(rt.recheck_matching)(FLEET_CHECK_MAX)}</button>
                {move || (run.total.get() > 0).then(|| view! {
                    <span data-testid="fleet-progress">{(rt.progress)(run.done.get(), run.total.get())}</span>
                    <progress max=run.total.get().to_string() value=run.done.get().to_string()></progress>
                })}
            </div>
            {move || run.capped.get().map(|(matched, taken)| view! {
                <p class="hint" data-testid="fleet-capped">{(rt.fleet_capped)(matched, taken)}</p>
            })}
            {move || run.outcome.get().map(|(ready, stuck, failed)| view! {
                <p class="notice" role="status" data-testid="fleet-outcome">{(rt.fleet_done)(ready, stuck, failed)}</p>
            })}
            {move || run.error.get().map(|e| view! {
                <p class="form-error" role="alert" data-testid="fleet-error">{error_text(t, &e)}</p>
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mini_program::{AppStatus, SubjectType};
    use crate::domain::readiness::{ItemKind, ReadinessBrief};
    use crate::i18n::Locale;

    fn row(appid: &str, nick_name: &str, merchant_name: Option<&str>) -> MiniProgramRow {
        MiniProgramRow {
            appid: appid.to_string(),
            nick_name: nick_name.to_string(),
            principal_name: "青禾科技有限公司".to_string(),
            subject: SubjectType::Enterprise,
            merchant_id: merchant_name.map(|_| 1),
            merchant_name: merchant_name.map(str::to_string),
            status: AppStatus::NeedsReauthorization,
            created_at: 0,
            updated_at: 0,
            readiness: None,
        }
    }

    #[test]
    fn a_row_has_its_box_and_cells_in_the_headers_order() {
        let t = Locale::En.texts();
        let html = registry_rows_html(
            t,
            &[row("wx1", "Shop", Some("Qinghe")), row("wx2", "B", None)],
        );
        assert_eq!(
            html.matches(r#"<tr data-testid="registry-row""#).count(),
            2,
            "{html}"
        );
        assert!(
            html.starts_with(&format!(
                concat!(
                    r#"<tr data-testid="registry-row" data-appid="wx1">"#,
                    r#"<td><input type="checkbox" data-testid="registry-select" data-appid="wx1" aria-label="{}"></td>"#,
                    r#"<td><a href="/apps/wx1" data-testid="registry-appid"><code>wx1</code></a></td>"#,
                    r#"<td data-testid="registry-name">Shop</td><td>青禾科技有限公司</td>"#,
                    r#"<td data-testid="registry-subject">{}</td><td data-testid="registry-merchant">Qinghe</td>"#,
                    r#"<td><span class="status needs_reauth">{}</span></td>"#,
                    r#"<td data-testid="registry-readiness" data-state="unchecked"><a href="/apps/wx1/readiness" data-testid="registry-readiness-link">"#,
                    r#"<span class="muted" data-testid="readiness-badge" data-state="unchecked">{}</span></a></td>"#,
                    r#"<td>{}</td></tr>"#,
                ),
                t.readiness.select_row,
                t.subject(SubjectType::Enterprise),
                t.status(AppStatus::NeedsReauthorization),
                t.readiness.not_checked,
                format_cst(0),
            )),
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<td data-testid="registry-merchant">{}</td>"#,
            t.unassigned
        )));
        assert!(registry_rows_html(t, &[]).is_empty());
    }

    #[test]
    fn the_readiness_cell_names_the_state_and_the_first_blocking_item() {
        let t = Locale::ZhCn.texts();
        let mut stuck = row("wx1", "Shop", None);
        stuck.readiness = Some(ReadinessBrief {
            ready: 6,
            total: 9,
            first_blocking: Some(ItemKind::Testers),
            checked_at: 0,
        });
        let mut ready = row("wx2", "B", None);
        ready.readiness = Some(ReadinessBrief {
            ready: 9,
            total: 9,
            first_blocking: None,
            checked_at: 0,
        });
        let html = registry_rows_html(t, &[stuck, ready]);
        assert!(
            html.contains(r#"data-testid="registry-readiness" data-state="stuck""#),
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<span class="readiness-badge stuck" data-testid="readiness-badge" data-state="stuck">就绪 6/9</span><span class="muted small-text" data-testid="readiness-badge-blocking" data-item="testers"> · {}</span>"#,
            (t.readiness.item)(ItemKind::Testers)
        )), "{html}");
        assert!(
            html.contains(r#"data-testid="registry-readiness" data-state="ready""#),
            "{html}"
        );
        assert!(
            !html[html.find("wx2").unwrap_or(0)..].contains("readiness-badge-blocking"),
            "{html}"
        );
    }

    #[test]
    fn values_from_people_and_wechat_are_escaped() {
        let t = Locale::En.texts();
        let html = registry_rows_html(
            t,
            &[row(
                "wx\"><script>alert(1)</script>",
                "<img src=x onerror=alert(2)>",
                Some("</td></tr></tbody><svg onload=alert(3)>"),
            )],
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<svg"), "{html}");
        assert!(
            html.contains(r#"data-appid="wx&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;""#),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(2)&gt;"),
            "{html}"
        );
    }
}
