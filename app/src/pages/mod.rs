//! One module per screen.

pub mod audit_log;
pub mod authorize;
pub mod callback_detail;
pub mod callbacks;
pub mod domain_defaults;
pub mod domains;
pub mod fleet_release;
pub mod login;
pub mod merchants;
pub mod message_set;
pub mod message_sets;
pub mod message_templates;
pub mod mini_program_detail;
pub mod mini_programs;
pub mod not_found;
pub mod notifications;
pub mod plugin_applications;
pub mod plugins;
pub mod qrcode_fleet;
pub mod qrcode_rules;
pub mod readiness;
pub mod release;
pub mod rollout;
pub mod rollout_new;
pub mod rollouts;
pub mod subscribe_messages;
pub mod templates;
pub mod testers;
pub mod tokens;
pub mod users;
pub mod widget_editor;
pub mod widgets;

/// The page of [`crate::app::TEMPLATE_PAGES`] at `req.path`, written by its template; `None`
/// for any other path.
#[cfg(feature = "ssr")]
pub async fn template_page(
    req: &crate::components::template_page::PageRequest<'_>,
) -> Option<crate::components::template_page::PageHtml> {
    Some(match req.path {
        "/apps" => mini_programs::page_html(req).await,
        "/audit" => audit_log::page_html(req).await,
        "/releases" => fleet_release::page_html(req).await,
        "/notifications" => notifications::page_html(req).await,
        _ => return None,
    })
}
