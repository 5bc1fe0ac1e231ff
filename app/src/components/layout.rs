use crate::api::auth::{LOCALE_ENDPOINT, LOGOUT_ENDPOINT};
use crate::api::notifications::unread_notifications;
use crate::components::icons::BellIcon;
use crate::domain::notifications::unread_badge;
use crate::i18n::{use_texts, Locale, Texts};
use crate::model::{CurrentUser, Viewer};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

/// The signed-in user, as the layout was rendered for them; pages read it from context.
#[derive(Clone, Copy)]
struct SignedIn(RwSignal<Option<CurrentUser>>);

/// The signed-in user, tracked: a view that calls it in a closure updates when the user
/// arrives (only on a page the browser built without the server, see [`ConsoleLayout`]).
/// Only for what to show; the server decides what is allowed.
pub fn signed_in_user() -> Option<CurrentUser> {
    use_context::<SignedIn>().and_then(|u| u.0.get())
}

/// Whether the signed-in user is staff (false while unknown). Tracked, like [`signed_in_user`].
pub fn user_is_staff() -> bool {
    signed_in_as(|u| u.role.sees_whole_fleet())
}

/// Whether the signed-in user manages users (false while unknown). Tracked.
pub fn user_is_admin() -> bool {
    signed_in_as(|u| u.role.manages_users())
}

fn signed_in_as(rule: impl Fn(&CurrentUser) -> bool) -> bool {
    use_context::<SignedIn>().is_some_and(|u| u.0.with(|u| u.as_ref().is_some_and(&rule)))
}

/// The layout renders the user and the bell's count without waiting: the page guard already
/// looked both up for this request, and a `SharedValue` hands them to the hydrating browser.
/// Two resources and three `Suspense` boundaries did the same for a quarter of a signed-in
/// page's server time (issue 16).
#[component]
pub fn ConsoleLayout() -> impl IntoView {
    let t = use_texts();
    let viewer = SharedValue::new(rendered_for).into_inner();
    let unread = viewer.as_ref().map_or(0, |v| v.unread);
    let known = viewer.is_some();
    let user = RwSignal::new(viewer.map(|v| v.user));
    provide_context(SignedIn(user));
    let refresh = unread_refresh();
    if !known {
        signed_in_by_the_browser(user, refresh);
    }
    view! {
        <div class="console">
            {move || match user.get() {
                Some(u) => view! { <Sidebar user=u /> }.into_any(),
                None => view! { <aside class="sidebar"></aside> }.into_any(),
            }}
            <Header user unread />
            <main class="content">
                <Outlet />
            </main>
        </div>
        <footer class="footer">{t.times_in_cst}</footer>
    }
}

/// The console's frame of a page the server writes whole with a template (issue 16,
/// [`crate::components::template_page`]): the sidebar and the top bar [`ConsoleLayout`] draws,
/// with the bell as its island. The document puts them, the page's `<main>` and the footer in
/// [`ConsoleLayout`]'s order, so the page's content is copied once, into the document.
#[cfg(feature = "ssr")]
pub fn console_chrome_html(t: &'static Texts, path: &str, viewer: &Viewer) -> maud::Markup {
    use crate::components::template_page::island_html;
    use maud::PreEscaped;
    let user = &viewer.user;
    let (staff, admin) = (user.role.sees_whole_fleet(), user.role.manages_users());
    maud::html! {
        aside class="sidebar" data-testid="sidebar" {
            a class="brand" href="/apps" { (t.app_name) }
            nav { (PreEscaped(sidebar_html(t, staff, admin, path))) }
        }
        header class="topbar" {
            ol class="breadcrumb" data-testid="breadcrumb" { (PreEscaped(breadcrumb_html(t, path))) }
            div class="who" {
                span data-testid="current-user" { (user.display_name) }
                span class="badge" data-testid="current-role" { (t.role(user.role)) }
                @if let Some(merchant) = &user.merchant_name {
                    span class="muted" data-testid="current-merchant" { (merchant) }
                }
                (PreEscaped(island_html(t.locale, || view! { <NotificationBell count=viewer.unread /> })))
                div class="who-forms" { (PreEscaped(header_forms_html(t))) }
            }
        }
    }
}

/// Whom the server renders the page for: the page guard's finding. Nobody only if the page
/// was reached around the guard, and then the browser is sent to sign in.
#[cfg(feature = "ssr")]
fn rendered_for() -> Option<Viewer> {
    let viewer = crate::api::ctx::page_viewer();
    if viewer.is_none() {
        leptos_axum::redirect("/login");
    }
    viewer
}

/// In the browser, the hydration data carries the server's finding; without it, the browser
/// built the layout itself (it came from a page outside the layout) and asks below.
#[cfg(not(feature = "ssr"))]
fn rendered_for() -> Option<Viewer> {
    None
}

/// For a layout the browser built itself: asks who is signed in (and sends the browser to
/// sign in when nobody is), then has the bell count.
fn signed_in_by_the_browser(user: RwSignal<Option<CurrentUser>>, refresh: UnreadRefresh) {
    #[cfg(not(feature = "ssr"))]
    leptos::task::spawn_local(async move {
        match crate::api::auth::load_current_user().await {
            Ok(Some(u)) => {
                user.set(Some(u));
                refresh.bump();
            }
            Ok(None) => {
                let _ = window().location().assign("/login");
            }
            Err(_) => {}
        }
    });
    #[cfg(feature = "ssr")]
    let _ = (user, refresh);
}

#[component]
fn Sidebar(user: CurrentUser) -> impl IntoView {
    let t = use_texts();
    let admin = user.role.manages_users();
    let staff = user.role.sees_whole_fleet();
    // The entries are a template (a view per entry cost every page its views and memos, issue
    // 16), written again when the browser moves to another page. The router still handles the
    // clicks: it listens on the window.
    let path = use_location().pathname;
    view! {
        <aside class="sidebar" data-testid="sidebar">
            <a class="brand" href="/apps">{t.app_name}</a>
            <nav inner_html=move || path.with(|p| sidebar_html(t, staff, admin, p)) />
        </aside>
    }
}

/// The sidebar's entries for a user who is `staff` or `admin`, the one `path` is within marked
/// current.
fn sidebar_html(t: &'static Texts, staff: bool, admin: bool, path: &str) -> String {
    let entry = |href: &'static str, testid: &'static str, label: &'static str| {
        maud::html! {
            a href=(href) data-testid=(testid) aria-current=[is_within(path, href).then_some("page")] { (label) }
        }
    };
    maud::html! {
        (entry("/apps", "nav-apps", t.nav_mini_programs))
        (entry("/releases", "nav-releases", t.nav_releases))
        (entry("/rollouts", "nav-rollouts", t.rollouts.nav))
        (entry("/notifications", "nav-notifications", t.nav_notifications))
        (entry("/widgets", "nav-widgets", t.nav_widgets))
        (entry("/qrcode-rules", "nav-qrcode-rules", t.qrcode.nav))
        (entry("/message-sets", "nav-message-sets", t.sets.nav))
        (entry("/audit", "nav-audit", t.nav_audit_log))
        @if staff {
            p class="nav-group" { (t.nav_platform) }
            (entry("/templates", "nav-templates", t.templates.nav))
            (entry("/domains/defaults", "nav-domain-defaults", t.domains.nav_defaults))
            (entry("/platform/tokens", "nav-tokens", t.nav_tokens))
            (entry("/platform/callbacks", "nav-callbacks", t.nav_callbacks))
        }
        @if admin {
            p class="nav-group" { (t.nav_admin) }
            (entry("/admin/users", "nav-users", t.nav_users))
            (entry("/admin/merchants", "nav-merchants", t.nav_merchants))
        }
    }
    .into_string()
}

/// Whether `path` is the entry `href` or a page under it (the router's `<A>` rule).
fn is_within(path: &str, href: &str) -> bool {
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Breadcrumb trail for a path: (label, link) pairs.
fn crumbs(t: &'static Texts, path: &str) -> Vec<(String, Option<String>)> {
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match segments.as_slice() {
        ["apps"] => vec![(t.nav_mini_programs.into(), None)],
        ["apps", "authorize"] => vec![
            (t.nav_mini_programs.into(), Some("/apps".into())),
            (t.add_mini_program.into(), None),
        ],
        ["apps", appid] => vec![
            (t.nav_mini_programs.into(), Some("/apps".into())),
            ((*appid).to_string(), None),
        ],
        ["apps", appid, page] => match mini_program_page(t, page) {
            Some(label) => vec![
                (t.nav_mini_programs.into(), Some("/apps".into())),
                ((*appid).to_string(), Some(format!("/apps/{appid}"))),
                (label.into(), None),
            ],
            None => vec![],
        },
        ["domains", "defaults"] => vec![
            (t.nav_platform.into(), None),
            (t.domains.nav_defaults.into(), None),
        ],
        ["widgets"] => vec![(t.nav_widgets.into(), None)],
        ["qrcode-rules"] => vec![(t.qrcode.nav.into(), None)],
        ["message-sets"] => vec![(t.sets.nav.into(), None)],
        ["message-sets", id] => vec![
            (t.sets.nav.into(), Some("/message-sets".into())),
            ((*id).to_string(), None),
        ],
        ["templates"] => vec![(t.templates.nav.into(), None)],
        ["audit"] => vec![(t.nav_audit_log.into(), None)],
        ["releases"] => vec![(t.nav_releases.into(), None)],
        ["rollouts"] => vec![(t.rollouts.nav.into(), None)],
        ["rollouts", "new"] => vec![
            (t.rollouts.nav.into(), Some("/rollouts".into())),
            (t.rollout_plan.title.into(), None),
        ],
        ["rollouts", id] => vec![
            (t.rollouts.nav.into(), Some("/rollouts".into())),
            (format!("#{id}"), None),
        ],
        ["notifications"] => vec![(t.nav_notifications.into(), None)],
        ["platform", "tokens"] => vec![(t.nav_platform.into(), None), (t.nav_tokens.into(), None)],
        ["platform", "callbacks"] => {
            vec![
                (t.nav_platform.into(), None),
                (t.nav_callbacks.into(), None),
            ]
        }
        ["platform", "callbacks", id] => vec![
            (t.nav_platform.into(), None),
            (t.nav_callbacks.into(), Some("/platform/callbacks".into())),
            (format!("#{id}"), None),
        ],
        ["admin", "users"] => vec![(t.nav_admin.into(), None), (t.nav_users.into(), None)],
        ["admin", "merchants"] => vec![(t.nav_admin.into(), None), (t.nav_merchants.into(), None)],
        _ => vec![],
    }
}

/// The breadcrumb trail's items for `path`, from the console's home.
fn breadcrumb_html(t: &'static Texts, path: &str) -> String {
    maud::html! {
        li { a href="/apps" { (t.home) } }
        @for (label, href) in crumbs(t, path) {
            li {
                @match href {
                    Some(h) => a href=(h) { (label) },
                    None => (label),
                }
            }
        }
    }
    .into_string()
}

/// The label of a page under one mini program (`/apps/:appid/<page>`).
fn mini_program_page(t: &'static Texts, page: &str) -> Option<&'static str> {
    Some(match page {
        "release" => t.release.title,
        "widget" => t.nav_widgets,
        "message-templates" => t.messages.nav,
        "subscribe-messages" => t.subscribe.nav,
        "qrcode-rules" => t.qrcode.nav,
        "testers" => t.testers.nav,
        "readiness" => t.readiness.nav,
        "domains" => t.domains.nav,
        "plugins" => t.plugins.nav,
        "plugin-applications" => t.plugins.owner_nav,
        _ => return None,
    })
}

#[component]
fn Header(user: RwSignal<Option<CurrentUser>>, unread: i64) -> impl IntoView {
    let t = use_texts();
    let location = use_location();
    view! {
        <header class="topbar">
            <ol class="breadcrumb" data-testid="breadcrumb"
                inner_html=move || location.pathname.with(|p| breadcrumb_html(t, p)) />
            <div class="who">
                {move || user.get().map(|user| view! {
                    <span data-testid="current-user">{user.display_name}</span>
                    <span class="badge" data-testid="current-role">{t.role(user.role)}</span>
                    {user.merchant_name.map(|m| view! { <span class="muted" data-testid="current-merchant">{m}</span> })}
                })}
                <NotificationBell count=unread />
                <div class="who-forms" inner_html=header_forms_html(t) />
            </div>
        </header>
    }
}

/// Asks the bell to count again when the console's bundle moved to another page in the
/// browser; in context on the pages of the console's bundle.
#[derive(Clone, Copy)]
struct UnreadRefresh(RwSignal<u32>);

impl UnreadRefresh {
    fn bump(self) {
        self.0.update(|n| *n = n.wrapping_add(1));
    }
}

/// Moving to another page in the browser asks the bell to count again.
fn unread_refresh() -> UnreadRefresh {
    let refresh = UnreadRefresh(RwSignal::new(0));
    provide_context(refresh);
    let path = use_location().pathname;
    Effect::new(move |shown: Option<String>| {
        let now = path.get();
        if shown.is_some_and(|before| before != now) {
            refresh.bump();
        }
        now
    });
    refresh
}

/// The window event the notifications page sends when it marked notifications read: the bell
/// counts again, the page's list reads its page again. A window event because they are
/// separate islands on the islands bundle's pages.
pub const NOTIFICATIONS_READ: &str = "wxa-notifications-read";

/// Every this often, the bell counts again.
const BELL_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The bell: an island (on every page, including those that load only the islands bundle),
/// so it gets the server's count and counts again by itself every [`BELL_EVERY`], whenever the
/// console's pages ask ([`UnreadRefresh`]) and when notifications were marked read
/// ([`NOTIFICATIONS_READ`]).
#[island]
fn NotificationBell(count: i64) -> impl IntoView {
    let t = use_texts();
    let count = RwSignal::new(count);
    let refresh = use_context::<UnreadRefresh>();
    let tick = RwSignal::new(0u32);
    Effect::new(move |_| {
        let again = move || tick.update(|n| *n = n.wrapping_add(1));
        if let Ok(timer) = set_interval_with_handle(again, BELL_EVERY) {
            on_cleanup(move || timer.clear());
        }
        let listener = window_event_listener_untyped(NOTIFICATIONS_READ, move |_| again());
        on_cleanup(move || listener.remove());
    });
    // Not on hydration: the server's count is fresh then.
    Effect::new(move |counted: Option<()>| {
        tick.track();
        if let Some(refresh) = refresh {
            refresh.0.track();
        }
        if counted.is_some() {
            leptos::task::spawn_local(async move {
                if let Ok(n) = unread_notifications().await {
                    count.set(n);
                }
            });
        }
    });
    let label = move || (t.notifications_unread)(&unread_badge(count.get()));
    view! {
        <a href="/notifications" class="bell" data-testid="bell" data-unread=move || count.get().to_string()
            title=label aria-label=label>
            <BellIcon />
            {move || (count.get() > 0).then(|| view! {
                <span class="bell-count" data-testid="bell-count">{unread_badge(count.get())}</span>
            })}
        </a>
    }
}

/// The header's language switch and sign-out (see [`locale_form_html`]). Two islands did the
/// same through `ActionForm`s, with an owner, props and a hydration on every page (issue 16).
fn header_forms_html(t: &'static Texts) -> String {
    locale_form_html(t) + &logout_form_html(t)
}

/// The language switch: a plain form that posts to the server function, which answers a form
/// post with a redirect back to the page (its `Referer`), now in the other language. The same
/// with or without JavaScript.
pub fn locale_form_html(t: &'static Texts) -> String {
    let other = match t.locale {
        Locale::ZhCn => Locale::En,
        Locale::En => Locale::ZhCn,
    };
    maud::html! {
        form method="post" action={ "/api/" (LOCALE_ENDPOINT) } class="inline-form" {
            input type="hidden" name="locale" value=(other.tag());
            button type="submit" class="link" title=(t.switch_language) data-testid="locale-switch" {
                (t.other_language_name)
            }
        }
    }
    .into_string()
}

/// Sign-out: a plain form; the server function sends a form post on to the sign-in page.
fn logout_form_html(t: &'static Texts) -> String {
    maud::html! {
        form method="post" action={ "/api/" (LOGOUT_ENDPOINT) } class="inline-form" {
            button type="submit" class="link" data-testid="logout" { (t.logout) }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sidebar_entries_stay_current_on_pages_below_them() {
        assert!(is_within("/apps", "/apps"));
        assert!(is_within("/apps/wx123/release", "/apps"));
        assert!(!is_within("/apps-archive", "/apps"));
        assert!(!is_within("/releases", "/apps"));
        assert!(is_within("/platform/tokens", "/platform/tokens"));
    }

    #[test]
    fn the_sidebar_shows_each_role_its_entries_and_marks_the_current_one() {
        let t = Locale::En.texts();
        let merchant = sidebar_html(t, false, false, "/apps/wx1/release");
        assert!(merchant.starts_with(&format!(
            r#"<a href="/apps" data-testid="nav-apps" aria-current="page">{}</a><a href="/releases" data-testid="nav-releases">"#,
            t.nav_mini_programs
        )), "{merchant}");
        assert_eq!(merchant.matches("aria-current").count(), 1, "{merchant}");
        assert!(
            !merchant.contains("nav-templates") && !merchant.contains("nav-users"),
            "{merchant}"
        );
        let operator = sidebar_html(t, true, false, "/platform/callbacks/42");
        assert!(
            operator.contains(r#"data-testid="nav-callbacks" aria-current="page""#),
            "{operator}"
        );
        assert!(
            operator.contains("nav-templates") && !operator.contains("nav-users"),
            "{operator}"
        );
        let admin = sidebar_html(t, true, true, "/nowhere");
        assert!(
            admin.contains("nav-users") && admin.contains("nav-merchants"),
            "{admin}"
        );
        assert!(!admin.contains("aria-current"), "{admin}");
    }

    #[test]
    fn the_header_forms_post_to_the_language_switch_and_sign_out() {
        let zh = header_forms_html(Locale::ZhCn.texts());
        assert!(
            zh.starts_with(r#"<form method="post" action="/api/locale" class="inline-form"><input type="hidden" name="locale" value="en">"#),
            "{zh}"
        );
        assert!(zh.contains(r#"<form method="post" action="/api/auth/logout" class="inline-form"><button type="submit" class="link" data-testid="logout">"#), "{zh}");
        let en = locale_form_html(Locale::En.texts());
        assert!(en.contains(r#"name="locale" value="zh-CN""#), "{en}");
        assert!(
            en.contains(&format!(
                ">{}</button>",
                Locale::En.texts().other_language_name
            )),
            "{en}"
        );
    }

    #[test]
    fn the_breadcrumb_writes_a_typed_path_as_text() {
        let t = Locale::En.texts();
        assert_eq!(
            breadcrumb_html(t, "/apps/wx1/release"),
            format!(
                r#"<li><a href="/apps">{}</a></li><li><a href="/apps">{}</a></li><li><a href="/apps/wx1">wx1</a></li><li>{}</li>"#,
                t.home, t.nav_mini_programs, t.release.title
            )
        );
        // A path is whatever was typed in the address bar.
        let hostile = breadcrumb_html(t, "/apps/\"><img src=x onerror=alert(1)>/release");
        assert!(!hostile.contains("<img"), "{hostile}");
        assert!(
            hostile.contains(r#"<a href="/apps/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">"#),
            "{hostile}"
        );
        assert_eq!(
            breadcrumb_html(t, "/nowhere"),
            format!(r#"<li><a href="/apps">{}</a></li>"#, t.home)
        );
    }

    #[test]
    fn breadcrumbs_follow_the_path() {
        let t = Locale::En.texts();
        assert_eq!(crumbs(t, "/apps").len(), 1);
        let detail = crumbs(t, "/apps/wx0123456789abcdef");
        assert_eq!(detail[1].0, "wx0123456789abcdef");
        assert_eq!(detail[0].1.as_deref(), Some("/apps"));
        assert!(crumbs(t, "/nowhere").is_empty());
        assert_eq!(crumbs(t, "/apps/authorize")[1].0, t.add_mini_program);
        let callback = crumbs(t, "/platform/callbacks/42");
        assert_eq!(callback[1].1.as_deref(), Some("/platform/callbacks"));
        assert_eq!(callback[2].0, "#42");
        let release = crumbs(t, "/apps/wx0123456789abcdef/release");
        assert_eq!(release.len(), 3);
        assert_eq!(release[1].1.as_deref(), Some("/apps/wx0123456789abcdef"));
        assert_eq!(release[2].0, t.release.title);
        for (page, label) in [
            ("testers", t.testers.nav),
            ("readiness", t.readiness.nav),
            ("domains", t.domains.nav),
            ("plugins", t.plugins.nav),
        ] {
            let trail = crumbs(t, &format!("/apps/wx0123456789abcdef/{page}"));
            assert_eq!(trail[2].0, label, "{page}");
        }
        assert!(crumbs(t, "/apps/wx0123456789abcdef/nowhere").is_empty());
        let domains = crumbs(t, "/apps/wx0123456789abcdef/domains");
        assert_eq!(domains[2].0, t.domains.nav);
        assert_eq!(crumbs(t, "/domains/defaults")[1].0, t.domains.nav_defaults);
    }
}
