//! 通知 (`/notifications`): the signed-in user's notifications, newest first, paginated on
//! the server; marking read needs JavaScript, reading does not. The list and "mark all read"
//! are islands (the page loads the islands bundle).

use crate::api::notifications::{
    list_notifications, mark_all_notifications_read, mark_notification_read,
};
use crate::components::filter_form::FilterForm;
use crate::components::layout::NOTIFICATIONS_READ;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::components::text::Lines;
use crate::components::url::with_param;
use crate::domain::notifications::{NotificationFilter, NotificationView, KINDS};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/notifications";

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| {
        params.with(|p| {
            (
                PageRequest::from_params(p.get("page").as_deref(), p.get("per_page").as_deref()),
                NotificationFilter::from_params(|k| p.get(k)),
            )
        })
    });
    let rows = Resource::new(
        move || query.get(),
        |(page, filter)| list_notifications(page, filter.unread_only, Some(filter)),
    );
    view! {
        <Title text=t.nav_notifications />
        <div class="page-head">
            <h1>{t.nav_notifications}</h1>
            <a class="button" data-testid="notifications-unread-filter"
                href=move || {
                    let filter = query.get().1;
                    let mut params = filter.to_params();
                    params.retain(|(k, _)| *k != "unread");
                    if filter.unread_only {
                        with_param(PATH, &params, "unread", "0")
                    } else {
                        with_param(PATH, &params, "unread", "1")
                    }
                }>
                {move || if query.get().1.unread_only { t.all } else { t.unread_only }}
            </a>
            <MarkAllRead />
        </div>
        <FilterForm action=PATH testid="notifications-filters">
            <input name="appid" placeholder=t.col_appid maxlength="32" data-testid="notifications-appid"
                value=move || query.get().1.appid />
            <select name="kind" data-testid="notifications-kind">
                <option value="">{t.notification_kind_label}{t.colon}{t.all}</option>
                {KINDS.into_iter().map(|k| view! {
                    <option value=k selected=move || query.get().1.kind == k>{(t.notification_kind)(k)}</option>
                }).collect_view()}
            </select>
            {move || query.get().1.unread_only.then(|| view! { <input type="hidden" name="unread" value="1" /> })}
            <button type="submit" class="primary" data-testid="notifications-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="notifications-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let (request, filter) = query.get();
                match rows.await {
                    Ok(page) => view! { <NotificationList page request filter /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Tells the list and the bell that notifications were marked read (they are separate
/// islands: a window event is what they share).
fn announce_read() {
    if let Ok(event) = leptos::web_sys::Event::new(NOTIFICATIONS_READ) {
        let _ = window().dispatch_event(&event);
    }
}

/// Marks every notification read; the list and the bell follow without a reload.
#[island]
fn MarkAllRead() -> impl IntoView {
    let t = use_texts();
    let mark_all = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_all_notifications_read().await;
            announce_read();
        });
    };
    view! {
        <button class="primary" data-testid="notifications-read-all" on:click=mark_all>{t.mark_all_read}</button>
    }
}

/// The page of notifications and its pager: an island, so the page loads the islands bundle
/// (app::app::ISLAND_PAGES, issue 16). It reads its page again whenever notifications were
/// marked read, here or by [`MarkAllRead`].
#[island]
fn NotificationList(
    page: Page<NotificationView>,
    request: PageRequest,
    filter: NotificationFilter,
) -> impl IntoView {
    let t = use_texts();
    let page = RwSignal::new(page);
    // Two quick marks read the page twice: only the later reading may show, whichever answer
    // arrives last.
    let readings = StoredValue::new(0_u64);
    let reread = filter.clone();
    Effect::new(move |_| {
        let reread = reread.clone();
        let listener = window_event_listener_untyped(NOTIFICATIONS_READ, move |_| {
            let filter = reread.clone();
            let this_reading = readings
                .try_update_value(|n| {
                    *n += 1;
                    *n
                })
                .unwrap_or_default();
            leptos::task::spawn_local(async move {
                let unread_only = filter.unread_only;
                if let Ok(fresh) = list_notifications(request, unread_only, Some(filter)).await {
                    if readings.get_value() == this_reading {
                        page.set(fresh);
                    }
                }
            });
        });
        on_cleanup(move || listener.remove());
    });
    let params = filter.to_params();
    move || {
        let p = page.get();
        if p.items.is_empty() {
            return view! {
                <p class="empty" data-testid="notifications-empty">{t.no_notifications}</p>
            }
            .into_any();
        }
        view! {
            <ul class="notifications" data-testid="notifications-list">
                {p.items.iter().cloned().map(|n| view! { <NotificationItem n /> }).collect_view()}
            </ul>
            <Pager path=PATH params=params.clone() total=p.total page=p.page per_page=p.per_page shown=p.items.len() />
        }
        .into_any()
    }
}

#[component]
fn NotificationItem(n: NotificationView) -> impl IntoView {
    let t = use_texts();
    let name = n
        .nick_name
        .clone()
        .or_else(|| n.appid.clone())
        .unwrap_or_default();
    let text = (t.notification_text)(&n.kind, &name, &n.param("reason"));
    let id = n.id;
    let mark = move |_| {
        leptos::task::spawn_local(async move {
            let _ = mark_notification_read(id).await;
            announce_read();
        });
    };
    let class = if n.read {
        "notification read"
    } else {
        "notification unread"
    };
    view! {
        <li class=class data-testid="notification" data-id=id data-kind=n.kind.clone() data-read=n.read.to_string()>
            <span class="muted small-text">{format_cst(n.created_at)}</span>
            " "
            <span data-testid="notification-text"><Lines text /></span>
            <span class="notification-actions">
                {n.link.clone().map(|href| {
                    let label = if href.ends_with("/widget") { t.nav_widgets } else { t.open_release };
                    view! { <a href=href data-testid="notification-link">{label}</a> }
                })}
                {n.appid.clone().map(|appid| view! {
                    <a href=format!("{PATH}?appid={appid}") data-testid="notification-filter-app">{t.notifications_of_app}</a>
                })}
                {(!n.read).then(|| view! {
                    <button class="link" data-testid="notification-mark-read" on:click=mark>{t.mark_read}</button>
                })}
            </span>
        </li>
    }
}
