//! 通知 (`/notifications`): the signed-in user's notifications, newest first, paginated on
//! the server; marking read needs JavaScript, reading does not. The list and "mark all read"
//! are islands (the page loads the islands bundle).

use crate::api::notifications::{
    list_notifications, mark_all_notifications_read, mark_notification_read,
};
use crate::components::layout::NOTIFICATIONS_READ;
use crate::components::pager::Pager;
use crate::components::rows_html::rows_html;
use crate::components::text::lines_markup;
use crate::domain::notifications::{NotificationFilter, NotificationView};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::time::format_cst;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;

const PATH: &str = "/notifications";

#[cfg(feature = "ssr")]
pub use page::page_html;

#[cfg(feature = "ssr")]
mod page {
    use super::{notification_items_html, MarkAllRead, NotificationList, PATH};
    use crate::components::options::options_html;
    use crate::components::page_error::page_error_html;
    use crate::components::rows_html::provide_rows_html;
    use crate::components::template_page::{island_html, PageHtml};
    use crate::components::url::with_param;
    use crate::domain::notifications::{NotificationFilter, KINDS};
    use crate::domain::pagination::PageRequest;
    use leptos::prelude::*;
    use maud::{html, PreEscaped};

    /// The "unread only" switch: the same filters with `unread` flipped.
    fn unread_switch_href(filter: &NotificationFilter) -> String {
        let mut params = filter.to_params();
        params.retain(|(k, _)| *k != "unread");
        with_param(
            PATH,
            &params,
            "unread",
            if filter.unread_only { "0" } else { "1" },
        )
    }

    /// The page, written whole by the server with a template (issue 16,
    /// `components::template_page`): the switch, the filters, and the list and "mark all read"
    /// as islands.
    pub async fn page_html(req: &crate::components::template_page::PageRequest<'_>) -> PageHtml {
        let t = req.t;
        let request = PageRequest::from_params(
            req.param("page").as_deref(),
            req.param("per_page").as_deref(),
        );
        let filter = NotificationFilter::from_params(|k| req.param(k));
        let listed = crate::services::notifications::list(
            req.state,
            &req.viewer.user,
            request,
            &filter.clone().normalized(),
        )
        .await;
        let status = match &listed {
            Ok(_) => http::StatusCode::OK,
            Err(e) => e.status(),
        };
        let content = html! {
            div class="page-head" {
                h1 { (t.nav_notifications) }
                a class="button" data-testid="notifications-unread-filter" href=(unread_switch_href(&filter)) {
                    (if filter.unread_only { t.all } else { t.unread_only })
                }
                (PreEscaped(island_html(t.locale, || view! { <MarkAllRead /> })))
            }
            form method="GET" action=(PATH) class="filters" data-testid="notifications-filters" {
                input name="appid" placeholder=(t.col_appid) maxlength="32" data-testid="notifications-appid" value=(filter.appid);
                select name="kind" data-testid="notifications-kind" {
                    (PreEscaped(options_html(
                        &format!("{}{}{}", t.notification_kind_label, t.colon, t.all),
                        KINDS.into_iter().map(|k| (k, (t.notification_kind)(k))),
                        &filter.kind,
                    )))
                }
                @if filter.unread_only { input type="hidden" name="unread" value="1"; }
                button type="submit" class="primary" data-testid="notifications-apply" { (t.apply_filters) }
                a href=(PATH) class="button" data-testid="notifications-reset" { (t.reset_filters) }
            }
            @match listed {
                Ok(page) => {
                    (PreEscaped(island_html(t.locale, || {
                        provide_rows_html(notification_items_html(t, &page.items));
                        view! { <NotificationList page=page.map(|n| n.id) request filter /> }
                    })))
                }
                Err(error) => (page_error_html(t, &error, "/apps")),
            }
        };
        PageHtml {
            status,
            title: t.nav_notifications,
            content,
        }
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
/// (app::app::ISLAND_PAGES, issue 16). Its props are the pager's figures (and the shown ids);
/// the items' HTML comes from the page (`components::rows_html`). It reads its page again
/// whenever notifications were marked read, here or by [`MarkAllRead`].
#[island]
fn NotificationList(
    page: Page<i64>,
    request: PageRequest,
    filter: NotificationFilter,
) -> impl IntoView {
    let t = use_texts();
    let shown = RwSignal::new((page, rows_html()));
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
                        let items = notification_items_html(t, &fresh.items);
                        shown.set((fresh.map(|n| n.id), items));
                    }
                }
            });
        });
        on_cleanup(move || listener.remove());
    });
    // The items are a template: a click on a "mark read" button bubbles up to the list.
    let mark = move |ev: leptos::ev::MouseEvent| {
        let target: leptos::web_sys::Element = event_target(&ev);
        if let Some(id) = marked_notification(&target) {
            leptos::task::spawn_local(async move {
                let _ = mark_notification_read(id).await;
                announce_read();
            });
        }
    };
    let params = filter.to_params();
    move || {
        let (p, items) = shown.get();
        if p.items.is_empty() {
            return view! {
                <p class="empty" data-testid="notifications-empty">{t.no_notifications}</p>
            }
            .into_any();
        }
        view! {
            <ul class="notifications" data-testid="notifications-list" on:click=mark
                inner_html=items />
            <Pager path=PATH params=params.clone() total=p.total page=p.page per_page=p.per_page shown=p.items.len() />
        }
        .into_any()
    }
}

/// The page's notifications as HTML, written by maud's compile-time template like the audit
/// log's rows (`audit_log::audit_rows_html`, which says why). Their "mark read" buttons are
/// plain markup: [`NotificationList`] wires them by the click that bubbles up to the list. The
/// page hands the string to its island (`components::rows_html`); the browser writes it again
/// when it reads the page again.
pub fn notification_items_html(t: &'static Texts, items: &[NotificationView]) -> String {
    maud::html! {
        @for n in items {
            @let name = n.nick_name.as_deref().or(n.appid.as_deref()).unwrap_or_default();
            @let text = (t.notification_text)(&n.kind, name, &n.param("reason"));
            @let class = if n.read { "notification read" } else { "notification unread" };
            li class=(class) data-testid="notification" data-id=(n.id) data-kind=(n.kind) data-read=(n.read) {
                span class="muted small-text" { (format_cst(n.created_at)) }
                " "
                span data-testid="notification-text" { (lines_markup(&text)) }
                span class="notification-actions" {
                    @if let Some(href) = &n.link {
                        a href=(href) data-testid="notification-link" {
                            (if href.ends_with("/widget") { t.nav_widgets } else { t.open_release })
                        }
                    }
                    @if let Some(appid) = &n.appid {
                        a href={ (PATH) "?appid=" (appid) } data-testid="notification-filter-app" { (t.notifications_of_app) }
                    }
                    @if !n.read {
                        button class="link" data-testid="notification-mark-read" data-id=(n.id) { (t.mark_read) }
                    }
                }
            }
        }
    }
    .into_string()
}

/// The notification whose "mark read" button `target` is or is inside.
fn marked_notification(target: &leptos::web_sys::Element) -> Option<i64> {
    target
        .closest("[data-testid=notification-mark-read]")
        .ok()
        .flatten()?
        .get_attribute("data-id")?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn notification(id: i64, kind: &str, params: &str, read: bool) -> NotificationView {
        NotificationView {
            id,
            created_at: 0,
            appid: Some("wx1".to_string()),
            nick_name: Some("青禾".to_string()),
            kind: kind.to_string(),
            params: params.to_string(),
            link: Some("/apps/wx1/release".to_string()),
            read,
        }
    }

    #[test]
    fn an_unread_notification_has_its_text_links_and_mark_read_button() {
        let t = Locale::ZhCn.texts();
        let html = notification_items_html(t, &[notification(7, "audit_approved", "{}", false)]);
        assert_eq!(
            html,
            format!(
                concat!(
                    r#"<li class="notification unread" data-testid="notification" data-id="7" data-kind="audit_approved" data-read="false">"#,
                    r#"<span class="muted small-text">{}</span> "#,
                    r#"<span data-testid="notification-text">青禾 的代码审核已通过</span>"#,
                    r#"<span class="notification-actions">"#,
                    r#"<a href="/apps/wx1/release" data-testid="notification-link">{}</a>"#,
                    r#"<a href="/notifications?appid=wx1" data-testid="notification-filter-app">{}</a>"#,
                    r#"<button class="link" data-testid="notification-mark-read" data-id="7">{}</button>"#,
                    r#"</span></li>"#,
                ),
                format_cst(0),
                t.open_release,
                t.notifications_of_app,
                t.mark_read,
            )
        );
    }

    #[test]
    fn a_read_notification_has_no_button_and_a_widget_link_says_so() {
        let t = Locale::En.texts();
        let mut n = notification(8, "widget_approved", "{}", true);
        n.link = Some("/apps/wx1/widget".to_string());
        n.nick_name = None;
        let html = notification_items_html(t, &[n]);
        assert!(
            html.starts_with(r#"<li class="notification read""#),
            "{html}"
        );
        assert!(html.contains(r#"data-read="true""#), "{html}");
        assert!(!html.contains("notification-mark-read"), "{html}");
        assert!(
            html.contains(&format!(
                r#"data-testid="notification-link">{}</a>"#,
                t.nav_widgets
            )),
            "{html}"
        );
        // Without a name, the AppID names the mini program.
        assert!(
            html.contains((t.notification_text)("widget_approved", "wx1", "").as_str()),
            "{html}"
        );
    }

    #[test]
    fn a_rejection_keeps_its_lines_and_markup_in_it_stays_text() {
        let t = Locale::ZhCn.texts();
        let html = notification_items_html(
            t,
            &[notification(
                9,
                "audit_rejected",
                r#"{"reason": "1:<img src=x onerror=alert(1)><br>(2):</span></li><script>alert(2)</script>"}"#,
                false,
            )],
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("1:&lt;img src=x onerror=alert(1)&gt;<br>(2):&lt;/span&gt;&lt;/li&gt;&lt;script&gt;"), "{html}");
        assert!(notification_items_html(t, &[]).is_empty());
    }
}
