use crate::components::layout::ConsoleLayout;
use crate::i18n::{Locale, Texts};
use crate::pages::{
    authorize::AuthorizePage, callback_detail::CallbackDetailPage, callbacks::CallbacksPage,
    login::LoginPage, merchants::MerchantsPage, mini_program_detail::MiniProgramDetailPage,
    not_found::NotFound, tokens::TokensPage, users::UsersPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The pages that load the islands bundle (`bundles/islands`): the server renders them whole and
/// the browser hydrates only their `#[island]` components, so their first load is a small
/// fraction of the console's bundle (issue 16). Every other page loads the console's bundle.
/// Paths are matched whole; a page listed here must draw everything that reacts in islands.
/// The list pages here react only through the layout's island (the bell; the language switch
/// and sign-out are plain forms): their filters are GET forms, their pagers and sort headers
/// links. The registry's table is one island of its own, with its ticks and the fleet
/// re-check; the notifications' list and their "mark all read" are two.
pub const ISLAND_PAGES: &[&str] = &[
    "/login",
    "/apps",
    "/notifications",
    "/audit",
    "/releases",
    "/rollouts",
    "/widgets",
    "/platform/callbacks",
];

/// The pages the server writes whole with templates (`components::template_page`, issue 16):
/// islands pages whose every part but their islands is server HTML. The console's router loads
/// them from the server ([`ServerPage`]).
pub const TEMPLATE_PAGES: &[&str] = &["/apps", "/audit", "/releases", "/notifications"];

/// Whether the page at `path` loads the islands bundle (see [`ISLAND_PAGES`]).
pub fn hydrates_islands_only(path: &str) -> bool {
    ISLAND_PAGES.contains(&path)
}

/// Whether the page this server render answers loads the islands bundle. Reads the request in
/// place: `use_context` would clone its headers and extensions on every call.
#[cfg(feature = "ssr")]
pub fn rendering_islands_page() -> bool {
    with_context::<http::request::Parts, _>(|p| hydrates_islands_only(p.uri.path()))
        .unwrap_or(false)
}

/// On the console bundle's pages an island is an ordinary part of the hydrated page, without a
/// `<leptos-island>` element of its own: Leptos' island element does not hand the hydration
/// cursor back to the rest of the page, so islands inside a whole-page hydration must not have
/// one. The server and the console's bundle both call this before rendering the app; the
/// islands bundle's pages keep the element, which its script looks for.
pub fn render_islands_inline() {
    provide_context(leptos::reactive::owner::IsHydrating(true));
}

/// On the islands bundle's pages the browser hydrates islands only, and islands take their data
/// as props: the data of the page's resources, which the server would otherwise write into the
/// page as JSON for a whole-page hydration, would be read by no one. Islands still write theirs
/// (Leptos turns hydration on again inside each island).
#[cfg(feature = "ssr")]
fn render_without_hydration_data() {
    if let Some(context) = leptos::reactive::owner::Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
}

/// The locale of this render: the cookie on the server, the `<html lang>` it wrote in the browser.
pub fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        with_context::<http::request::Parts, _>(|p| Locale::of_request(&p.headers))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Locale::parse(&l))
            .unwrap_or_default()
    }
}

/// The server's page: `bundle` names the stylesheet and scripts (read once at start-up).
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions, bundle: crate::components::bundle::Bundle) -> impl IntoView {
    use crate::components::bundle::BundleHead;
    use leptos_meta::MetaTags;
    let locale = page_locale();
    crate::components::csp::provide_csp();
    if rendering_islands_page() {
        render_without_hydration_data();
    } else {
        render_islands_inline();
    }
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="apple-touch-icon" href="/icon-192.png" />
                <AutoReload options />
                <BundleHead bundle />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The document's title for a page's own title (a mini program's, a message set's name…). The
/// server writes it into `<title>` as text, escaped: leptos_meta 0.8 writes the string as
/// given, so a name with `</title>` would end the element and inject markup into the head. The
/// browser sets `document.title`, which is text already.
fn page_title(t: &'static Texts, title: &str) -> String {
    let full = document_title(t, title);
    #[cfg(feature = "ssr")]
    let full = html_escape::encode_text(&full).into_owned();
    full
}

/// The document's title for a page's own title, as text.
pub fn document_title(t: &'static Texts, title: &str) -> String {
    if title.is_empty() {
        t.app_name.to_string()
    } else {
        format!("{title} · {}", t.app_name)
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = page_locale();
    provide_context(locale);
    let t = locale.texts();
    // Before the router, so that its click listener runs first.
    #[cfg(feature = "hydrate")]
    links_to_template_pages_leave_the_router();
    view! {
        <Title formatter=move |title: String| page_title(t, &title) />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/apps" /> } ssr=SsrMode::Async />
                    <Route path=path!("apps") view=ServerPage />
                    <Route path=path!("apps/authorize") view=AuthorizePage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid") view=MiniProgramDetailPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/release") view=crate::pages::release::ReleasePage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/widget") view=crate::pages::widget_editor::WidgetEditorPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/message-templates") view=crate::pages::message_templates::MessageTemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/qrcode-rules") view=crate::pages::qrcode_rules::QrcodeRulesPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/subscribe-messages") view=crate::pages::subscribe_messages::SubscribeMessagesPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/testers") view=crate::pages::testers::TestersPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/readiness") view=crate::pages::readiness::ReadinessPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/plugins") view=crate::pages::plugins::PluginsPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/plugin-applications") view=crate::pages::plugin_applications::PluginApplicationsPage ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/domains") view=crate::pages::domains::DomainsPage ssr=SsrMode::Async />
                    <Route path=path!("domains/defaults") view=crate::pages::domain_defaults::DomainDefaultsPage ssr=SsrMode::Async />
                    <Route path=path!("widgets") view=crate::pages::widgets::WidgetsPage ssr=SsrMode::Async />
                    <Route path=path!("qrcode-rules") view=crate::pages::qrcode_fleet::QrcodeFleetPage ssr=SsrMode::Async />
                    <Route path=path!("message-sets") view=crate::pages::message_sets::MessageSetsPage ssr=SsrMode::Async />
                    <Route path=path!("message-sets/:id") view=crate::pages::message_set::MessageSetPage ssr=SsrMode::Async />
                    <Route path=path!("audit") view=ServerPage />
                    <Route path=path!("releases") view=ServerPage />
                    <Route path=path!("rollouts") view=crate::pages::rollouts::RolloutsPage ssr=SsrMode::Async />
                    <Route path=path!("rollouts/new") view=crate::pages::rollout_new::NewRolloutPage ssr=SsrMode::Async />
                    <Route path=path!("rollouts/:id") view=crate::pages::rollout::RolloutPage ssr=SsrMode::Async />
                    <Route path=path!("templates") view=crate::pages::templates::TemplatesPage ssr=SsrMode::Async />
                    <Route path=path!("notifications") view=ServerPage />
                    <Route path=path!("platform/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("platform/callbacks") view=CallbacksPage ssr=SsrMode::Async />
                    <Route path=path!("platform/callbacks/:id") view=CallbackDetailPage ssr=SsrMode::Async />
                    <Route path=path!("admin/users") view=UsersPage ssr=SsrMode::Async />
                    <Route path=path!("admin/merchants") view=MerchantsPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// A click on a link to a page of [`TEMPLATE_PAGES`] is the browser's to follow, as on the
/// server's own pages: the link is marked `rel="external"` just before the router's listener on
/// the window (registered after this one) looks at it. The page being left then keeps its own
/// history entry as it was, for the back button. Moves the router makes in code end in
/// [`ServerPage`].
#[cfg(feature = "hydrate")]
fn links_to_template_pages_leave_the_router() {
    let _ = window_event_listener(leptos::ev::click, |ev| {
        let Some(link) = event_target::<leptos::web_sys::Element>(&ev)
            .closest("a[href]")
            .ok()
            .flatten()
        else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let path = href.split(['?', '#']).next().unwrap_or_default();
        if !href.starts_with("//") && TEMPLATE_PAGES.contains(&path) {
            let rel = link.get_attribute("rel").unwrap_or_default();
            if !rel.split_ascii_whitespace().any(|r| r == "external") {
                let _ = link.set_attribute("rel", format!("{rel} external").trim());
            }
        }
    });
}

/// A page of [`TEMPLATE_PAGES`], reached through the console's router in the browser: the
/// server writes it, so the browser loads it from there once the router has put its address
/// in the address bar (it does so after drawing the route). Never rendered on the server,
/// which answers these paths itself.
#[component]
fn ServerPage() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    load_from_server(
        leptos_router::hooks::use_location()
            .pathname
            .get_untracked(),
        0,
    );
}

/// Reloads the page once the address bar shows `path`; gives up waiting after `tries` turns of
/// the event loop and goes to `path` itself. The page left behind keeps its history entry: were
/// the browser to bring it back from its back/forward cache, it would show this empty route
/// under the earlier address, so it loads that address again instead.
#[cfg(feature = "hydrate")]
fn load_from_server(path: String, tries: u32) {
    set_timeout(
        move || {
            let location = window().location();
            if location.pathname().is_ok_and(|p| p == path) {
                let _ = window_event_listener(leptos::ev::pageshow, |ev| {
                    if ev.persisted() {
                        let _ = window().location().reload();
                    }
                });
                let _ = location.reload();
            } else if tries >= 50 {
                let _ = location.assign(&path);
            } else {
                load_from_server(path, tries + 1);
            }
        },
        std::time::Duration::ZERO,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_listed_pages_load_the_islands_bundle() {
        assert!(hydrates_islands_only("/login"));
        assert!(hydrates_islands_only("/audit"));
        assert!(hydrates_islands_only("/platform/callbacks"));
        // Whole paths only: a callback's detail page has a retry button outside any island.
        assert!(!hydrates_islands_only("/platform/callbacks/7"));
        assert!(hydrates_islands_only("/apps"));
        assert!(!hydrates_islands_only("/apps/authorize"));
        assert!(!hydrates_islands_only("/message-sets"));
        assert!(!hydrates_islands_only("/audit/"));
        assert!(!hydrates_islands_only(""));
    }

    #[test]
    fn every_template_page_loads_the_islands_bundle() {
        // Nothing but islands is hydrated on a page the server writes with a template.
        for path in TEMPLATE_PAGES {
            assert!(hydrates_islands_only(path), "{path}");
        }
    }
}
