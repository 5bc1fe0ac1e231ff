//! Code management (third-party-code-management.rst): commit, QR code, categories,
//! pages, audits, release, gray release, QR-jump rules, support version; and
//! the platform's code template library (drafts → templates, provisional).
//!
//! Per authorizer everything lives in [`CodeState`]; the template library and
//! the default audit outcome are platform-wide, in [`CodeLibrary`]
//! (`SimState::code_templates`). Audits finish on the simulated clock
//! ([`finish_due`]) after `SimConfig::audit_delay`, or at once through the
//! control API (`/__sim/audit/outcome`).
//!
//! One concern a module: [`state`] what is kept, `call` reading a call, `calendar`
//! the quota calendar, `commit` (commit, pages, QR code), `audit` (categories, submit,
//! status, undo), `review` (audits finishing and their pushes), `release` (release,
//! visit status, rollback, gray release), `support_version`, `qrcode_jump`,
//! `library` (the template library), `testers` (体验者: bind_tester, unbind_tester,
//! memberauth, the same permission set 18) and `plugins` (插件: `/wxa/plugin` and
//! `/wxa/devplugin`, permission set 40, with authorizer tokens under the same rules). This file
//! wires their routes.
//! memberauth, the same permission set 18) and `domains` (modify_domain, setwebviewdomain,
//! also set 18; their per-entry rules in `domain_rules`). This file wires their routes.

mod audit;
mod calendar;
mod call;
mod commit;
mod domain_rules;
mod domains;
mod library;
mod plugins;
mod qrcode_jump;
mod release;
mod review;
mod state;
mod support_version;
mod testers;

use axum::extract::{RawQuery, State};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::error::{control_error, ControlResult, SimError};
use super::Sim;
use audit::{get_auditstatus, get_category, get_latest_auditstatus, submit_audit, undo_code_audit};
use call::query_param;
use commit::{commit, get_page, get_qrcode, get_version_info};
use domains::{
    get_account_domains, get_platform_domains, modify_domain, set_account_domains,
    set_platform_domains, set_webview_domain,
};
use library::{
    add_draft, add_to_template, delete_template, get_template_draft_list, get_template_list,
};
use plugins::{
    add_application, age_application, decide_application, dev_plugin, list_applications,
    open_plugin, plugin,
};
use qrcode_jump::{
    qrcode_jump_add, qrcode_jump_delete, qrcode_jump_download, qrcode_jump_get,
    qrcode_jump_publish, scan_qrcode_jump, set_qrcode_jump,
};
use release::{
    change_visitstatus, get_gray_release_plan, gray_release, release, revert_code_release,
    revert_gray_release,
};
use review::{force_outcome, set_default_outcome};
use support_version::{get_support_version, set_support_version};
use testers::{
    bind_outside, bind_tester, list_testers, memberauth, set_wechat_user, unbind_tester,
};

pub use audit::{
    check_audit_items, check_tag, offered_categories, FEEDBACK_INFO_MAX_CHARS,
    UNDO_AUDIT_PER_MONTH, WEEKLY_SUBMITTED_APPS_MAX,
};
pub use calendar::{beijing_date, beijing_day};
pub use commit::{check_ext_json, qrcode_jpeg, ExtJson, CODE_PACKAGE_MAX_KB};
pub use domain_rules::{server_rule_ok, webview_host, ServerKind};
pub use domains::{DomainState, PlatformDomains, DEMO_JUMP_DOMAINS, DEMO_SERVER_DOMAINS};
pub use library::TEMPLATE_LIBRARY_MAX;
pub use plugins::{
    builtin_plugin, default_versions, Application, OutsideApplicant, Plugin, PluginCategory,
    PluginState, PluginVersion, BUILTIN_PLUGINS, CLOSED_PLUGIN, EXPRESS_PLUGIN, HOSPITAL_PLUGIN,
    INVOICE_PLUGIN, LIVE_PLUGIN, PLUGINS_PER_APP_MAX, ROUTE_PLUGIN,
};
pub use qrcode_jump::{
    check_jump_prefix, has_no_icp_filing, is_sub_link, BLACKLISTED_HOSTS,
    QRCODE_JUMP_PUBLISH_PER_MONTH, QRCODE_JUMP_RULES_MAX,
};
pub use review::{finish_due, AUDIT_PUSH_FROM};
pub use state::{
    Audit, CodeLibrary, CodePackage, CodeState, CommittedCode, Draft, GrayPlan, JumpRule,
    LiveVersion, Template,
};
pub use support_version::{is_settable_base_library, parse_base_library, BASE_LIBRARY_VERSIONS};
pub use testers::{
    builtin_user, is_personal, tester_limit, userstr_of, wechat_user, BoundTester, WechatUser,
    BUSY_WECHAT_ID, DEMO_WECHAT_IDS, HIDDEN_WECHAT_ID, MINI_PROGRAMS_PER_TESTER_MAX,
    NUMBERED_TESTERS, NUMBERED_TESTER_PREFIX, PERSONAL_TESTERS_MAX, UNVERIFIED_TESTERS_MAX,
    VERIFIED_TESTERS_MAX,
};

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/commit", post(commit))
        .route("/wxa/get_qrcode", get(get_qrcode))
        .route("/wxa/get_category", get(get_category))
        .route("/wxa/get_page", get(get_page))
        .route("/wxa/submit_audit", post(submit_audit))
        .route("/wxa/get_auditstatus", post(get_auditstatus))
        .route("/wxa/get_latest_auditstatus", get(get_latest_auditstatus))
        .route("/wxa/release", post(release))
        .route("/wxa/change_visitstatus", post(change_visitstatus))
        .route("/wxa/revertcoderelease", get(revert_code_release))
        .route(
            "/cgi-bin/wxopen/getweappsupportversion",
            post(get_support_version),
        )
        .route(
            "/cgi-bin/wxopen/setweappsupportversion",
            post(set_support_version),
        )
        .route("/cgi-bin/wxopen/qrcodejumpadd", post(qrcode_jump_add))
        .route("/cgi-bin/wxopen/qrcodejumpget", post(qrcode_jump_get))
        .route(
            "/cgi-bin/wxopen/qrcodejumpdownload",
            post(qrcode_jump_download),
        )
        .route("/cgi-bin/wxopen/qrcodejumpdelete", post(qrcode_jump_delete))
        .route(
            "/cgi-bin/wxopen/qrcodejumppublish",
            post(qrcode_jump_publish),
        )
        .route("/wxa/undocodeaudit", get(undo_code_audit))
        .route("/wxa/grayrelease", post(gray_release))
        .route("/wxa/revertgrayrelease", get(revert_gray_release))
        .route("/wxa/getgrayreleaseplan", get(get_gray_release_plan))
        .route("/wxa/getversioninfo", post(get_version_info))
        .route("/wxa/gettemplatedraftlist", get(get_template_draft_list))
        .route("/wxa/gettemplatelist", get(get_template_list))
        .route("/wxa/addtotemplate", post(add_to_template))
        .route("/wxa/deletetemplate", post(delete_template))
        .route("/wxa/bind_tester", post(bind_tester))
        .route("/wxa/unbind_tester", post(unbind_tester))
        .route("/wxa/memberauth", post(memberauth))
        .route("/wxa/plugin", post(plugin))
        .route("/wxa/devplugin", post(dev_plugin))
        .route("/wxa/modify_domain", post(modify_domain))
        .route("/wxa/setwebviewdomain", post(set_webview_domain))
}

/// The code state of one mini program (for tests and demos).
async fn code_state(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> ControlResult {
    let appid = query_param(&raw, "appid").unwrap_or_default();
    let state = sim.lock();
    let authorizer = state
        .authorizers
        .get(&appid)
        .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
    let value = serde_json::to_value(&authorizer.code)
        .map_err(|e| control_error(SimError::new(-1, e.to_string())))?;
    Ok(Json(value))
}

/// Control endpoints for code management (force audit outcomes…), under `/__sim`.
pub fn control_routes() -> Router<Sim> {
    Router::new()
        .route("/audit/outcome", post(force_outcome))
        .route("/audit/default", post(set_default_outcome))
        .route("/code/state", get(code_state))
        .route("/code/draft", post(add_draft))
        .route("/qrcodejump", post(set_qrcode_jump))
        .route("/qrcodejump/scan", get(scan_qrcode_jump))
        .route("/wechat-users", post(set_wechat_user))
        .route("/testers", get(list_testers).post(bind_outside))
        .route("/plugins", post(open_plugin))
        .route(
            "/plugins/applications",
            get(list_applications).post(add_application),
        )
        .route("/plugins/age", post(age_application))
        .route("/plugins/decide", post(decide_application))
        .route(
            "/platform-domains",
            get(get_platform_domains).post(set_platform_domains),
        )
        .route(
            "/domains",
            get(get_account_domains).post(set_account_domains),
        )
}
