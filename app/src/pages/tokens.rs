//! 令牌健康: the verify ticket's age, every token's age, expiry, refreshes and last error,
//! with a manual refresh per token.

use crate::api::platform::{refresh_token, token_health};
use crate::components::page_error::PageError;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::{TokenHealthRow, TokenHealthView};
use leptos::prelude::*;
use leptos_meta::Title;

/// WeChat's access tokens live two hours: a full bar in the chart.
const FULL_LIFETIME_SECS: i64 = 7200;

/// The last manual refresh: which token, and how it went.
type RefreshAction = Action<String, (String, Result<(), AppError>)>;

#[component]
pub fn TokensPage() -> impl IntoView {
    let t = use_texts();
    let version = RwSignal::new(0usize);
    let health = Resource::new(move || version.get(), |_| token_health());
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
                match health.await {
                    Ok(health) => view! {
                        <TicketPanel health=health.clone() />
                        <TokenTable health=health.clone() refresh />
                        <LifetimeChart health />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
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

#[component]
fn TokenTable(health: TokenHealthView, refresh: RefreshAction) -> impl IntoView {
    let t = use_texts();
    if health.tokens.is_empty() {
        return view! { <p class="empty" data-testid="tokens-empty">{t.no_rows}</p> }.into_any();
    }
    let now = health.now;
    view! {
        <table class="table" data-testid="tokens-table">
            <thead>
                <tr>
                    <th>{t.col_token}</th><th>{t.col_health}</th><th>{t.col_refreshed}</th>
                    <th>{t.col_expires_in}</th><th>{t.col_refresh_count}</th><th>{t.col_last_error}</th>
                    <th>{t.actions}</th>
                </tr>
            </thead>
            <tbody>
                {health.tokens.into_iter().map(|row| view! { <TokenRowView row now refresh /> }).collect_view()}
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

/// One bar per token: the share of its two-hour lifetime still left.
#[component]
fn LifetimeChart(health: TokenHealthView) -> impl IntoView {
    let t = use_texts();
    if health.tokens.is_empty() {
        return ().into_any();
    }
    const ROW: i64 = 22;
    const LABEL_W: i64 = 180;
    const BAR_W: i64 = 400;
    let height = ROW * health.tokens.len() as i64 + 4;
    let now = health.now;
    let bars = health
        .tokens
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
