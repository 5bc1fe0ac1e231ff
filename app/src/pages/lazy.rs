//! The browser loads each page's code when the page is first shown: `cargo leptos build
//! --split` moves everything only a lazy route's view reaches into a wasm file of its own, so
//! the first download holds the router, the layout and shared components only (issue 16:
//! first load ≤ 250 KB brotli). On the server the views render as before.

use leptos::prelude::{AnyView, IntoAny};
use leptos_router::{lazy_route, LazyRoute};

/// A route whose page component comes in its own wasm chunk. The page creates its own
/// resources, so there is no separate data half to load beside it.
macro_rules! lazy_pages {
    ($($route:ident => $page:path),* $(,)?) => {
        $(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                fn view(_this: Self) -> AnyView {
                    leptos::prelude::untrack($page).into_any()
                }
            }
        )*
    };
}

lazy_pages! {
    LoginRoute => crate::pages::login::LoginPage,
    MiniProgramsRoute => crate::pages::mini_programs::MiniProgramsPage,
    AuthorizeRoute => crate::pages::authorize::AuthorizePage,
    MiniProgramDetailRoute => crate::pages::mini_program_detail::MiniProgramDetailPage,
    ReleaseRoute => crate::pages::release::ReleasePage,
    WidgetEditorRoute => crate::pages::widget_editor::WidgetEditorPage,
    MessageTemplatesRoute => crate::pages::message_templates::MessageTemplatesPage,
    QrcodeRulesRoute => crate::pages::qrcode_rules::QrcodeRulesPage,
    SubscribeMessagesRoute => crate::pages::subscribe_messages::SubscribeMessagesPage,
    WidgetsRoute => crate::pages::widgets::WidgetsPage,
    QrcodeFleetRoute => crate::pages::qrcode_fleet::QrcodeFleetPage,
    MessageSetsRoute => crate::pages::message_sets::MessageSetsPage,
    MessageSetRoute => crate::pages::message_set::MessageSetPage,
    AuditLogRoute => crate::pages::audit_log::AuditLogPage,
    FleetReleaseRoute => crate::pages::fleet_release::FleetReleasePage,
    TemplatesRoute => crate::pages::templates::TemplatesPage,
    NotificationsRoute => crate::pages::notifications::NotificationsPage,
    TokensRoute => crate::pages::tokens::TokensPage,
    CallbacksRoute => crate::pages::callbacks::CallbacksPage,
    CallbackDetailRoute => crate::pages::callback_detail::CallbackDetailPage,
    UsersRoute => crate::pages::users::UsersPage,
    MerchantsRoute => crate::pages::merchants::MerchantsPage,
}
