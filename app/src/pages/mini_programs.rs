use crate::api::mini_programs::list_mini_programs;
use crate::api::readiness::{check_readiness, readiness_targets};
use crate::components::field::error_text;
use crate::components::filter_form::FilterForm;
use crate::components::layout::user_is_staff;
use crate::components::merchant_filter::MerchantFilter;
use crate::components::pager::Pager;
use crate::components::sort_header::sort_header;
use crate::domain::mini_program::{AppStatus, MiniProgramQuery, MiniProgramSort, SubjectType};
use crate::domain::pagination::Page;
use crate::domain::readiness::{ReadinessFilter, FLEET_CHECK_MAX};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::MiniProgramRow;
use crate::pages::readiness::readiness_badge;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

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

#[component]
pub fn MiniProgramsPage() -> impl IntoView {
    let t = use_texts();
    let rt = t.readiness;
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| MiniProgramQuery::from_params(|k| p.get(k))));
    let rows = Resource::new(move || query.get(), list_mini_programs);

    view! {
        <Title text=t.nav_mini_programs />
        <div class="page-head">
            <h1>{t.nav_mini_programs}</h1>
            {move || user_is_staff().then(|| view! {
                <a href="/apps/authorize" class="button primary" data-testid="add-mini-program">{t.add_mini_program}</a>
            })}
        </div>
        <FilterForm action=PATH testid="filters">
            <input type="search" name="q" maxlength="64" placeholder=t.search_placeholder
                value=move || query.get().search data-testid="filter-search" />
            <select name="subject" data-testid="filter-subject">
                <option value="">{t.col_subject}": "{t.all}</option>
                {SubjectType::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().subject == Some(s)>{t.subject(s)}</option>
                }).collect_view()}
            </select>
            <select name="status" data-testid="filter-status">
                <option value="">{t.col_status}": "{t.all}</option>
                {AppStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().status == Some(s)>{t.status(s)}</option>
                }).collect_view()}
            </select>
            <select name="readiness" data-testid="filter-readiness">
                <option value="">{rt.filter_any}</option>
                {ReadinessFilter::all().into_iter().map(|f| view! {
                    <option value=f.as_param() selected=move || query.get().readiness == Some(f)>{(rt.filter)(f)}</option>
                }).collect_view()}
            </select>
            <MerchantFilter current=Signal::derive(move || query.get().merchant_id) testid="filter-merchant" />
            <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
            <input type="hidden" name="dir" value=move || query.get().dir.as_str() />
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="filter-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="filter-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let query = query.get();
                match rows.await {
                    Ok(page) => view! { <Registry page query /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The table, its pager and the fleet re-check, which share the ticked rows: an island, so the
/// registry (the first page after signing in) loads the islands bundle, not the console's
/// (app::app::ISLAND_PAGES, issue 16). The page of rows comes as props; a re-check reads the
/// page again when it ends.
#[island]
fn Registry(page: Page<MiniProgramRow>, query: MiniProgramQuery) -> impl IntoView {
    let run = FleetRun::new();
    let page = RwSignal::new(page);
    let reread = query.clone();
    // On each run's end, not on hydration (the props are fresh then).
    Effect::watch(
        move || run.reload.get(),
        move |_, _, _| {
            let q = reread.clone();
            leptos::task::spawn_local(async move {
                if let Ok(fresh) = list_mini_programs(q).await {
                    page.set(fresh);
                }
            });
        },
        false,
    );
    let table_query = query.clone();
    view! {
        {move || {
            let p = page.get();
            let q = table_query.clone();
            view! {
                <RegistryTable rows=p.items.clone() query=q.clone() run />
                <Pager path=PATH params=q.to_params() total=p.total page=p.page per_page=p.per_page shown=p.items.len() />
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
    rows: Vec<MiniProgramRow>,
    query: MiniProgramQuery,
    run: FleetRun,
) -> impl IntoView {
    let t = use_texts();
    let rt = t.readiness;
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="registry-empty">{t.no_rows}</p> }.into_any();
    }
    let selected = run.selected;
    let page_appids: Vec<String> = rows.iter().map(|p| p.appid.clone()).collect();
    let all_ticked = {
        let all = page_appids.clone();
        move || selected.with(|s| !all.is_empty() && all.iter().all(|a| s.contains(a)))
    };
    let tick_page = move |ev| {
        let on = event_target_checked(&ev);
        selected.set(if on { page_appids.clone() } else { Vec::new() });
    };
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
            <tbody>
                {rows.into_iter().map(|p| registry_row(t, p, selected)).collect_view()}
            </tbody>
        </table>
    }.into_any()
}

/// One mini program's row, built with the element functions rather than `view!`: under
/// `erase_components` the macro boxes every cell and attribute (issue 16; here that saved 2 % of
/// the page's CPU). Unlike the audit log's and the fleet view's read-only rows
/// (`audit_log::audit_rows_html`), these hydrate: each has a checkbox the island's re-check
/// reads. The browser builds the same typed row, so hydration sees the same markup.
fn registry_row(
    t: &'static Texts,
    p: MiniProgramRow,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    use leptos::ev;
    use leptos::html::{a, code, input, span, td, tr};
    let ticked = p.appid.clone();
    let toggled = p.appid.clone();
    let readiness_state = match &p.readiness {
        None => "unchecked",
        Some(b) if b.first_blocking.is_none() => "ready",
        Some(_) => "stuck",
    };
    let tick = input()
        .attr("type", "checkbox")
        .attr("data-testid", "registry-select")
        .attr("aria-label", t.readiness.select_row)
        .prop("checked", move || selected.with(|s| s.contains(&ticked)))
        .on(ev::change, move |ev| {
            let on = event_target_checked(&ev);
            selected.update(|s| {
                s.retain(|a| *a != toggled);
                if on {
                    s.push(toggled.clone());
                }
            });
        });
    tr().attr("data-testid", "registry-row")
        .attr("data-appid", p.appid.clone())
        .child((
            td().child(tick),
            td().child(
                a().attr("href", format!("/apps/{}", p.appid))
                    .attr("data-testid", "registry-appid")
                    .child(code().child(p.appid.clone())),
            ),
            td().attr("data-testid", "registry-name").child(p.nick_name),
            td().child(p.principal_name),
            td().attr("data-testid", "registry-subject")
                .child(t.subject(p.subject)),
            td().attr("data-testid", "registry-merchant")
                .child(p.merchant_name.unwrap_or_else(|| t.unassigned.to_string())),
            td().child(
                span()
                    .class(format!("status {}", p.status.as_str()))
                    .child(t.status(p.status)),
            ),
            td().attr("data-testid", "registry-readiness")
                .attr("data-state", readiness_state)
                .child(
                    a().attr("href", format!("/apps/{}/readiness", p.appid))
                        .attr("data-testid", "registry-readiness-link")
                        .child(readiness_badge(t, p.readiness)),
                ),
            td().child(format_cst(p.created_at)),
        ))
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
