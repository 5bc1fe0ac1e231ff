//! 令牌健康: the verify ticket's age, then one page of tokens (search, health filter, sort
//! and page in the URL, all applied by the server) with their age, expiry, refreshes and last
//! error, the count per state as links that filter, and a manual refresh per token.

use crate::api::platform::{refresh_token, token_health};
use crate::components::filter_form::FilterForm;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::components::sort_header::sort_header as header;
use crate::components::url::with_param;
use crate::domain::platform::TokenHealth;
use crate::domain::time::format_cst;
use crate::domain::token_health::{HealthCounts, HealthFilter, TokenHealthQuery, TokenSort};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::{TokenHealthRow, TokenHealthView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/platform/tokens";

/// WeChat's access tokens live two hours: a full bar in the chart.
const FULL_LIFETIME_SECS: i64 = 7200;

/// The last manual refresh: which token, and how it went.
type RefreshAction = Action<String, (String, Result<(), AppError>)>;

#[component]
pub fn TokensPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| TokenHealthQuery::from_params(|k| p.get(k))));
    // A manual refresh loads the same page again: the URL (page, filter, sort) stays.
    let version = RwSignal::new(0usize);
    let health = Resource::new(
        move || (query.get(), version.get()),
        |(query, _)| token_health(query),
    );
    let refresh: RefreshAction = Action::new(move |key: &String| {
        let key = key.clone();
        async move {
            let result = refresh_token(key.clone()).await;
            (key, result)
        }
    });
    Effect::new(move |_| {
        if refresh.value().with(Option::is_some) {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <Title text=t.nav_tokens />
        <div class="page-head"><h1>{t.nav_tokens}</h1></div>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match health.await {
                    Ok(health) => {
                        let page = health.tokens.clone();
                        view! {
                            <TicketPanel health=health.clone() />
                            <TokenFilters query=q.clone() />
                            <HealthSummary counts=health.counts query=q.clone() />
                            <TokenTable health=health.clone() query=q.clone() refresh />
                            <Pager path=PATH params=q.to_params() total=page.total page=page.page
                                per_page=page.per_page shown=page.items.len() />
                            <LifetimeChart health />
                        }.into_any()
                    }
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The search box and the health select: a GET form, so it works without JavaScript.
///
/// A client-side navigation updates this form in place: the attributes render it on the
/// server, the properties (`prop:`) reset what the user typed or picked before (an input's
/// value attribute no longer shows once it was edited).
#[component]
fn TokenFilters(query: TokenHealthQuery) -> impl IntoView {
    let t = use_texts();
    let current = query.health;
    let option = move |value: &'static str, filter: Option<HealthFilter>, label: String| {
        let selected = current == filter;
        view! { <option value=value selected=selected prop:selected=selected>{label}</option> }
    };
    view! {
        <FilterForm action=PATH testid="tokens-filters">
            <input type="search" name="q" maxlength="64" placeholder=t.token_search_placeholder
                value=query.search.clone() prop:value=query.search.clone() data-testid="tokens-search" />
            <select name="health" data-testid="tokens-health">
                {option("", None, format!("{}: {}", t.col_health, t.all))}
                {option("problems", Some(HealthFilter::Problems), t.health_problems.to_string())}
                {TokenHealth::ALL.into_iter().map(|h| {
                    option(h.as_str(), Some(HealthFilter::Is(h)), t.health(h).to_string())
                }).collect_view()}
            </select>
            <input type="hidden" name="sort" value=query.sort.as_str() />
            <input type="hidden" name="dir" value=query.dir.as_str() />
            <input type="hidden" name="per_page" value=query.page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="tokens-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="tokens-reset">{t.reset_filters}</a>
        </FilterForm>
    }
}

/// How many tokens (matching the search) are in each state; each count links to the filter.
#[component]
fn HealthSummary(counts: HealthCounts, query: TokenHealthQuery) -> impl IntoView {
    let t = use_texts();
    let mut base = query.to_params();
    base.retain(|(k, _)| *k != "page" && *k != "health");
    let mut chips: Vec<(Option<HealthFilter>, &'static str)> = vec![
        (None, t.all),
        (Some(HealthFilter::Problems), t.health_problems),
    ];
    chips.extend(
        TokenHealth::ALL
            .into_iter()
            .map(|h| (Some(HealthFilter::Is(h)), t.health(h))),
    );
    let links = chips
        .into_iter()
        .map(|(filter, label)| {
            let href = match filter {
                Some(f) => with_param(PATH, &base, "health", f.as_str()),
                None => with_param(PATH, &base, "page", "1"),
            };
            let current = query.health == filter;
            let name = filter.map_or("all", HealthFilter::as_str);
            let class = match filter {
                Some(HealthFilter::Is(h)) => format!("chip health-{}", h.as_str()),
                _ => format!("chip {name}"),
            };
            let class = if current { format!("{class} current") } else { class };
            view! {
                <a href=href class=class data-testid="health-chip"
                    data-health=name aria-current=current.then_some("true")>
                    {label}" "<span class="count" data-testid="health-count">{counts.matching(filter)}</span>
                </a>
            }
        })
        .collect_view();
    view! {
        <nav class="health-summary" aria-label=t.health_summary data-testid="health-summary">{links}</nav>
    }
}

#[component]
fn TicketPanel(health: TokenHealthView) -> impl IntoView {
    let t = use_texts();
    let now = health.now;
    view! {
        <section class="panel" data-testid="ticket">
            <h2>{t.verify_ticket}</h2>
            {match health.ticket_received_at {
                Some(at) => view! {
                    <dl class="facts compact">
                        <dt>{t.ticket_received}</dt><dd>{format_cst(at)}</dd>
                        <dt>{t.ticket_age}</dt><dd data-testid="ticket-age">{(t.ago)(&(t.duration)(now - at))}</dd>
                    </dl>
                }.into_any(),
                None => view! { <p class="muted" data-testid="ticket-never">{t.ticket_never}</p> }.into_any(),
            }}
            {if health.ticket_late {
                view! { <p class="notice" role="alert" data-testid="ticket-late">{t.ticket_late}</p> }.into_any()
            } else {
                view! { <p><span class="status authorized" data-testid="ticket-ok">{t.ticket_ok}</span></p> }.into_any()
            }}
        </section>
    }
}

fn token_label(t: &Texts, row: &TokenHealthRow) -> String {
    match (&row.nick_name, &row.appid) {
        (Some(name), _) => name.clone(),
        (None, Some(appid)) => appid.clone(),
        (None, None) => t.component_token.to_string(),
    }
}

fn expires_text(t: &Texts, expires_at: i64, now: i64) -> String {
    if expires_at > now {
        (t.duration)(expires_at - now)
    } else {
        (t.expired_for)(&(t.duration)(now - expires_at))
    }
}

/// A column header that sorts by `key` (ascending first, then flips), with aria-sort.
fn sort_header(q: &TokenHealthQuery, key: TokenSort, label: &'static str) -> impl IntoView {
    let testid = format!("sort-{}", key.as_str());
    header(
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
fn TokenTable(
    health: TokenHealthView,
    query: TokenHealthQuery,
    refresh: RefreshAction,
) -> impl IntoView {
    let t = use_texts();
    if health.tokens.items.is_empty() {
        return view! { <p class="empty" data-testid="tokens-empty">{t.no_rows}</p> }.into_any();
    }
    let now = health.now;
    view! {
        <table class="table" data-testid="tokens-table">
            <thead>
                <tr>
                    {sort_header(&query, TokenSort::Name, t.col_token)}
                    {sort_header(&query, TokenSort::Health, t.col_health)}
                    {sort_header(&query, TokenSort::Refreshed, t.col_refreshed)}
                    {sort_header(&query, TokenSort::Expires, t.col_expires_in)}
                    <th>{t.col_refresh_count}</th><th>{t.col_last_error}</th>
                    <th>{t.actions}</th>
                </tr>
            </thead>
            <tbody>
                {health.tokens.items.into_iter().map(|row| view! { <TokenRowView row now refresh /> }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
fn TokenRowView(row: TokenHealthRow, now: i64, refresh: RefreshAction) -> impl IntoView {
    let t = use_texts();
    let key = row.key.clone();
    let label = token_label(t, &row);
    let pending = {
        let key = key.clone();
        move || {
            refresh.pending().get() && refresh.input().with(|i| i.as_deref() == Some(key.as_str()))
        }
    };
    let outcome = {
        let key = key.clone();
        move || {
            refresh.value().with(|v| match v {
                Some((k, Ok(()))) if *k == key => {
                    Some(view! { <span class="ok" data-testid="token-refreshed">{t.refreshed}</span> }.into_any())
                }
                Some((k, Err(e))) if *k == key => Some(
                    view! { <p class="form-error" role="alert" data-testid="token-refresh-error">{e.message(t)}</p> }
                        .into_any(),
                ),
                _ => None,
            })
        }
    };
    let click_key = key.clone();
    view! {
        <tr data-testid="token-row" data-key=key.clone()>
            <td>
                <span data-testid="token-name">{label}</span>
                {row.appid.clone().map(|a| view! { <br /><a href=format!("/apps/{a}")><code data-testid="token-appid">{a.clone()}</code></a> })}
            </td>
            <td><span class=format!("status health-{}", row.health.as_str()) data-testid="token-health">{t.health(row.health)}</span></td>
            <td>
                {match row.refreshed_at {
                    Some(at) => view! { {format_cst(at)}<br /><span class="muted">{(t.ago)(&(t.duration)(now - at))}</span> }.into_any(),
                    None => t.never.into_any(),
                }}
            </td>
            <td data-testid="token-expires-in">{expires_text(t, row.expires_at, now)}</td>
            <td data-testid="token-refresh-count">{row.refresh_count}</td>
            <td class="detail">
                {match (row.last_error.clone(), row.last_error_at) {
                    (Some(err), at) => view! {
                        <span data-testid="token-last-error">{err}</span>
                        {at.map(|at| view! { <br /><span class="muted">{format_cst(at)}</span> })}
                    }.into_any(),
                    (None, _) => t.none.into_any(),
                }}
            </td>
            <td>
                <button class="small" data-testid="token-refresh" disabled=pending
                    on:click=move |_| { refresh.dispatch(click_key.clone()); }>{t.refresh_now}</button>
                {outcome}
            </td>
        </tr>
    }
}

/// One bar per token of the page: the share of its two-hour lifetime still left.
#[component]
fn LifetimeChart(health: TokenHealthView) -> impl IntoView {
    let t = use_texts();
    if health.tokens.items.is_empty() {
        return ().into_any();
    }
    const ROW: i64 = 22;
    const LABEL_W: i64 = 180;
    const BAR_W: i64 = 400;
    let height = ROW * health.tokens.items.len() as i64 + 4;
    let now = health.now;
    let bars = health
        .tokens
        .items
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let y = i as i64 * ROW + 2;
            let left = (row.expires_at - now).clamp(0, FULL_LIFETIME_SECS);
            let width = left * BAR_W / FULL_LIFETIME_SECS;
            let label: String = token_label(t, row).chars().take(14).collect();
            view! {
                <g class=format!("bar health-{}", row.health.as_str())>
                    <text x="0" y={y + 15}>{label}</text>
                    <rect class="track" x=LABEL_W y={y + 3} width=BAR_W height="14" rx="3" />
                    <rect class="fill" x=LABEL_W y={y + 3} width=width height="14" rx="3" />
                    <text x={LABEL_W + BAR_W + 8} y={y + 15}>{expires_text(t, row.expires_at, now)}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <section class="panel chart">
            <h2>{t.lifetime_chart}</h2>
            <svg class="lifetime-chart" data-testid="lifetime-chart" role="img" aria-label=t.lifetime_chart
                viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + 120) width="100%">
                {bars}
            </svg>
        </section>
    }
    .into_any()
}
