use crate::components::layout::ConsoleLayout;
use crate::i18n::Locale;
use crate::pages::lazy::*;
use crate::pages::not_found::NotFound;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

/// The locale of this render: the cookie on the server, the `<html lang>` it wrote in the browser.
pub fn page_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::COOKIE)
                    .and_then(|c| c.to_str().ok())
                    .map(Locale::from_cookie_header)
            })
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

pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = page_locale();
    #[cfg(feature = "ssr")]
    crate::components::csp::provide_csp();
    view! {
        <!DOCTYPE html>
        <html lang=locale.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="icon" href="/favicon.ico" sizes="32x32" />
                <link rel="apple-touch-icon" href="/icon-192.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = page_locale();
    provide_context(locale);
    let t = locale.texts();
    view! {
        <Title formatter=move |title: String| if title.is_empty() { t.app_name.to_string() } else { format!("{title} · {}", t.app_name) } />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=|| view! { <Redirect path="/apps" /> } ssr=SsrMode::Async />
                    <Route path=path!("apps") view={Lazy::<MiniProgramsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/authorize") view={Lazy::<AuthorizeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid") view={Lazy::<MiniProgramDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/release") view={Lazy::<ReleaseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/widget") view={Lazy::<WidgetEditorRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/message-templates") view={Lazy::<MessageTemplatesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/qrcode-rules") view={Lazy::<QrcodeRulesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("apps/:appid/subscribe-messages") view={Lazy::<SubscribeMessagesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("widgets") view={Lazy::<WidgetsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("qrcode-rules") view={Lazy::<QrcodeFleetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("message-sets") view={Lazy::<MessageSetsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("message-sets/:id") view={Lazy::<MessageSetRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit") view={Lazy::<AuditLogRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("releases") view={Lazy::<FleetReleaseRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("templates") view={Lazy::<TemplatesRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("platform/tokens") view={Lazy::<TokensRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("platform/callbacks") view={Lazy::<CallbacksRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("platform/callbacks/:id") view={Lazy::<CallbackDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/users") view={Lazy::<UsersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("admin/merchants") view={Lazy::<MerchantsRoute>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
