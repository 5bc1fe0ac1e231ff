//! 通知 (`/notifications`): the signed-in user's notifications, newest first, paginated on
//! the server; marking read needs JavaScript, reading does not.

use crate::api::notifications::{
    list_notifications, mark_all_notifications_read, mark_notification_read,
};
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::domain::notifications::NotificationView;
use crate::domain::pagination::PageRequest;
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
                p.get("unread").is_some_and(|v| v == "1"),
            )
        })
    });
    let version = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (query.get(), version.get()),
        |((page, unread), _)| list_notifications(page, unread),
    );
    let mark_all = Action::new(|_: &()| mark_all_notifications_read());
    Effect::new(move |_| {
        if mark_all.value().get().is_some() {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <Title text=t.nav_notifications />
        <div class="page-head">
            <h1>{t.nav_notifications}</h1>
            <a class="button" href=move || if query.get().1 { PATH.to_string() } else { format!("{PATH}?unread=1") }
                data-testid="notifications-unread-filter">
                {move || if query.get().1 { t.all } else { t.unread_only }}
            </a>
            <button class="primary" data-testid="notifications-read-all"
                on:click=move |_| { mark_all.dispatch(()); }>{t.mark_all_read}</button>
        </div>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let (_, unread) = query.get();
                let params: Vec<(&'static str, String)> = if unread { vec![("unread", "1".into())] } else { vec![] };
                match rows.await {
                    Ok(page) if page.items.is_empty() => view! {
                        <p class="empty" data-testid="notifications-empty">{t.no_notifications}</p>
                    }.into_any(),
                    Ok(page) => view! {
                        <ul class="notifications" data-testid="notifications-list">
                            {page.items.clone().into_iter().map(|n| view! { <NotificationItem n version /> }).collect_view()}
                        </ul>
                        <Pager path=PATH params total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NotificationItem(n: NotificationView, version: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let name = n
        .nick_name
        .clone()
        .or_else(|| n.appid.clone())
        .unwrap_or_default();
    let text = (t.notification_text)(&n.kind, &name, &n.param("reason"));
    let id = n.id;
    let mark = Action::new(move |_: &()| mark_notification_read(id));
    Effect::new(move |_| {
        if mark.value().get().is_some() {
            version.update(|v| *v += 1);
        }
    });
    let class = if n.read {
        "notification read"
    } else {
        "notification unread"
    };
    view! {
        <li class=class data-testid="notification" data-kind=n.kind.clone() data-read=n.read.to_string()>
            <span class="muted small-text">{format_cst(n.created_at)}</span>
            " "
            <span data-testid="notification-text">{text}</span>
            " "
            {n.link.clone().map(|href| {
                let label = if href.ends_with("/widget") { t.nav_widgets } else { t.open_release };
                view! { <a href=href data-testid="notification-link">{label}</a> }
            })}
            " "
            {(!n.read).then(|| view! {
                <button class="link" data-testid="notification-mark-read" on:click=move |_| { mark.dispatch(()); }>{t.mark_read}</button>
            })}
        </li>
    }
}
