//! zh-CN (default) and English texts.
//!
//! A typed table instead of leptos_i18n: every key is checked by the compiler and the
//! wasm bundle carries no locale runtime. Switching language sets a cookie and reloads.

pub mod domains;
mod en;
pub mod message_sets;
pub mod messages;
pub mod plugins;
pub mod qrcode;
pub mod readiness;
pub mod release;
pub mod rollout_plan;
pub mod rollouts;
pub mod subscribe;
pub mod templates;
pub mod testers;
mod zh;

use crate::domain::auth::Role;
use crate::domain::mini_program::{AppStatus, SubjectType};
use crate::domain::platform::TokenHealth;
use crate::domain::validation::FieldProblem;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const LOCALE_COOKIE: &str = "wxa_lang";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn parse(tag: &str) -> Option<Locale> {
        match tag.trim() {
            "zh-CN" | "zh" | "zh-cn" => Some(Locale::ZhCn),
            "en" | "en-US" | "en-GB" => Some(Locale::En),
            _ => None,
        }
    }

    /// The language of a request: its cookie (in any of its `Cookie` headers), else the default.
    #[cfg(feature = "ssr")]
    pub fn of_request(headers: &http::HeaderMap) -> Locale {
        let cookies = headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join("; ");
        Locale::from_cookie_header(&cookies)
    }

    /// Reads the language cookie out of a `Cookie` header value.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|kv| kv.trim().split_once('='))
            .find(|(k, _)| *k == LOCALE_COOKIE)
            .and_then(|(_, v)| Locale::parse(v))
            .unwrap_or_default()
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::ZhCn => &zh::TEXTS,
            Locale::En => &en::TEXTS,
        }
    }
}

/// The texts of the page's locale (provided once by the app shell).
pub fn use_texts() -> &'static Texts {
    // An island hydrates without the app's context: the page's own locale then.
    use_context::<Locale>()
        .unwrap_or_else(crate::app::page_locale)
        .texts()
}

pub struct Texts {
    pub locale: Locale,
    /// The colon after a label: full width in Chinese, ": " in English.
    pub colon: &'static str,
    /// Between messages in one line: "；" in Chinese, "; " in English.
    pub list_separator: &'static str,
    /// A remark in brackets after a text: "（…）" in Chinese, " (…)" in English.
    pub paren: fn(&str) -> String,
    pub app_name: &'static str,
    pub nav_mini_programs: &'static str,
    pub nav_audit_log: &'static str,
    pub nav_users: &'static str,
    pub nav_merchants: &'static str,
    pub nav_admin: &'static str,
    pub logout: &'static str,
    pub switch_language: &'static str,
    pub other_language_name: &'static str,
    pub home: &'static str,

    pub login_title: &'static str,
    pub login_subtitle: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub session_expired: &'static str,
    pub bad_credentials: &'static str,
    pub account_disabled: &'static str,
    pub throttled: fn(i64) -> String,
    pub busy: fn(i64) -> String,

    pub err_unauthenticated: &'static str,
    pub err_forbidden: &'static str,
    pub err_not_found: &'static str,
    pub err_internal: &'static str,
    pub err_invalid: &'static str,
    pub err_network: &'static str,
    pub err_wechat: &'static str,
    pub err_wechat_unavailable: &'static str,
    /// A rollout's status does not allow the control action (409).
    pub page_not_found: &'static str,

    pub required: &'static str,
    pub too_short: fn(usize) -> String,
    pub too_long: fn(usize) -> String,
    pub invalid_chars: &'static str,
    pub unknown_value: &'static str,
    pub already_taken: &'static str,
    pub merchant_required: &'static str,
    pub merchant_not_allowed: &'static str,
    pub cannot_change_self: &'static str,
    pub invalid_date: &'static str,
    pub date_out_of_range: &'static str,
    pub end_before_start: &'static str,
    pub control_chars_in_line: &'static str,
    pub too_many: fn(usize) -> String,
    pub too_few_items: fn(usize) -> String,
    pub out_of_range: fn(i64, i64) -> String,
    pub not_higher_than: fn(i64) -> String,
    pub invalid_json: &'static str,
    pub invalid_config: &'static str,
    pub path_not_in_pages: &'static str,
    pub page_not_in_code: &'static str,
    pub category_mismatch: &'static str,
    pub empty_item: &'static str,
    pub grid_size: &'static str,
    pub not_internal_path: &'static str,
    pub duplicate_path: &'static str,
    pub invalid_url: &'static str,

    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub apply_filters: &'static str,
    pub reset_filters: &'static str,
    pub all: &'static str,
    pub per_page: &'static str,
    pub showing: fn(i64, i64, i64) -> String,
    pub prev_page: &'static str,
    pub next_page: &'static str,
    pub page_of: fn(u32, u32) -> String,
    /// A count cut off at `domain::pagination::COUNT_CAP`: "more than n".
    pub showing_more: fn(i64, i64, i64) -> String,
    /// The page number alone, when the number of pages is not counted.
    pub page_only: fn(u32) -> String,
    pub no_rows: &'static str,
    pub loading: &'static str,
    pub none: &'static str,

    pub col_appid: &'static str,
    pub col_name: &'static str,
    pub col_principal: &'static str,
    pub col_subject: &'static str,
    pub col_merchant: &'static str,
    pub col_status: &'static str,
    pub col_created: &'static str,
    pub mini_program_detail: &'static str,
    pub back_to_list: &'static str,
    pub unassigned: &'static str,
    pub updated_at: &'static str,

    pub col_time: &'static str,
    pub col_actor: &'static str,
    pub col_role: &'static str,
    pub col_action: &'static str,
    pub col_target: &'static str,
    /// The audit log's filters hold something it refuses (the fields say what).
    pub audit_fix_filters: &'static str,
    /// The audit log's actor and target filters match the whole value.
    pub audit_actor_hint: &'static str,
    pub audit_target_hint: &'static str,
    pub col_outcome: &'static str,
    pub col_detail: &'static str,
    pub date_from: &'static str,
    pub date_to: &'static str,
    pub outcome_success: &'static str,
    pub outcome_failure: &'static str,
    pub times_in_cst: &'static str,

    pub display_name: &'static str,
    pub role: &'static str,
    pub merchant: &'static str,
    pub account_status: &'static str,
    pub active: &'static str,
    pub disabled: &'static str,
    pub last_login: &'static str,
    pub never: &'static str,
    pub create_user: &'static str,
    pub disable: &'static str,
    pub enable: &'static str,
    pub reset_password: &'static str,
    pub new_password: &'static str,
    pub change_role: &'static str,
    pub save: &'static str,
    pub cancel: &'static str,
    pub create: &'static str,
    pub saved: &'static str,
    pub actions: &'static str,
    pub choose: &'static str,
    pub you: &'static str,

    pub merchant_name: &'static str,
    pub mini_program_count: &'static str,
    pub create_merchant: &'static str,
    pub rename: &'static str,
    pub assign_mini_programs: &'static str,
    pub appid_list_hint: &'static str,
    pub assigned: fn(usize) -> String,
    /// The merchants page: what the merchant's users may do.
    pub merchant_permission: &'static str,
    pub permission_name: fn(crate::domain::merchant_permission::MerchantPermission) -> &'static str,
    /// Shown where a merchant may only look (release page, widget editor).
    pub view_only_notice: &'static str,
    /// The mini program's home page.
    pub home_versions: &'static str,
    pub home_token: &'static str,
    pub home_categories: &'static str,
    pub home_categories_unavailable: &'static str,
    pub home_recent_notifications: &'static str,
    pub home_recent_audit: &'static str,
    pub see_all: &'static str,
    pub expires_at: &'static str,
    pub unknown_appids: fn(&str) -> String,

    pub role_admin: &'static str,
    pub role_operator: &'static str,
    pub role_merchant: &'static str,
    pub subject_enterprise: &'static str,
    pub subject_individual_business: &'static str,
    pub subject_individual: &'static str,
    pub subject_government: &'static str,
    pub subject_media: &'static str,
    pub subject_other: &'static str,
    pub status_authorized: &'static str,
    pub status_needs_reauth: &'static str,
    pub status_unauthorized: &'static str,

    pub nav_platform: &'static str,
    pub nav_tokens: &'static str,
    pub nav_callbacks: &'static str,
    pub add_mini_program: &'static str,
    pub duration: fn(i64) -> String,
    pub ago: fn(&str) -> String,
    pub verify_ticket: &'static str,
    pub ticket_received: &'static str,
    pub ticket_age: &'static str,
    pub ticket_never: &'static str,
    pub ticket_late: &'static str,
    pub ticket_ok: &'static str,
    pub col_token: &'static str,
    pub component_token: &'static str,
    pub col_health: &'static str,
    pub col_refreshed: &'static str,
    pub col_expires_in: &'static str,
    pub col_refresh_count: &'static str,
    pub col_last_error: &'static str,
    pub health_fresh: &'static str,
    pub health_due: &'static str,
    pub health_expired: &'static str,
    pub health_failing: &'static str,
    pub health_needs_reauth: &'static str,
    /// The health filter that shows failing, expired and re-authorization tokens together.
    pub health_problems: &'static str,
    /// The label of the per-state counts (links that filter).
    pub health_summary: &'static str,
    pub token_search_placeholder: &'static str,
    pub expired_for: fn(&str) -> String,
    pub refresh_now: &'static str,
    pub refreshed: &'static str,
    pub lifetime_chart: &'static str,
    pub col_kind: &'static str,
    pub col_mini_program: &'static str,
    pub col_received: &'static str,
    pub col_deliveries: &'static str,
    pub col_attempts: &'static str,
    pub col_processed_at: &'static str,
    pub outcome_received: &'static str,
    pub outcome_processed: &'static str,
    pub outcome_ignored: &'static str,
    pub outcome_failed: &'static str,
    pub outcome_processing: &'static str,
    /// The audit log's action codes (`domain::audit_log::action`) in words; None: show the code.
    pub audit_action: fn(&str) -> Option<&'static str>,
    pub platform_component: &'static str,
    pub view: &'static str,
    pub callback_detail: &'static str,
    pub decrypted_payload: &'static str,
    pub replay: &'static str,
    pub replay_done: &'static str,
    pub authorize_intro: &'static str,
    pub subject_infer: &'static str,
    pub generate_link: &'static str,
    pub authorization_link: &'static str,
    pub open_authorization_page: &'static str,
    pub scan_to_authorize: &'static str,
    pub valid_until: &'static str,
    pub auth_pending: &'static str,
    pub auth_completing: &'static str,
    pub auth_completed: &'static str,
    pub auth_failed: &'static str,
    pub auth_expired: &'static str,
    pub open_new_mini_program: &'static str,
    // release page
    pub release: &'static release::ReleaseTexts,
    // QR-jump rules
    pub qrcode: &'static qrcode::QrTexts,
    pub duplicate_item: &'static str,
    pub invalid_color: &'static str,
    // code template library
    pub templates: &'static templates::TemplatesTexts,
    // message templates
    pub messages: &'static messages::MessageTexts,
    pub subscribe: &'static subscribe::SubscribeTexts,
    pub sets: &'static message_sets::SetTexts,
    // fleet rollouts: the list and a rollout's page; the plan form
    pub rollouts: &'static rollouts::RolloutTexts,
    pub rollout_plan: &'static rollout_plan::PlanTexts,
    // testers (体验者)
    pub testers: &'static testers::TesterTexts,
    // readiness checklist (就绪检查) and the registry's readiness column
    pub readiness: &'static readiness::ReadinessTexts,
    // plugins (插件)
    pub plugins: &'static plugins::PluginTexts,
    // server and business domains, the platform's default set
    pub domains: &'static domains::DomainTexts,

    // audit tracking, notifications, fleet
    pub nav_releases: &'static str,
    pub nav_notifications: &'static str,
    pub notifications_unread: fn(&str) -> String,
    /// (kind, mini program name, reason) → the notification's text.
    pub notification_text: fn(&str, &str, &str) -> String,
    pub notification_kind_label: &'static str,
    pub notification_kind: fn(&str) -> &'static str,
    pub notifications_of_app: &'static str,
    pub mark_read: &'static str,
    pub mark_all_read: &'static str,
    pub unread_only: &'static str,
    pub no_notifications: &'static str,
    pub open_release: &'static str,
    pub fleet_state: fn(&str) -> &'static str,
    pub fleet_col_state: &'static str,
    pub fleet_col_online: &'static str,
    pub fleet_col_audit_version: &'static str,
    pub fleet_approved: &'static str,
    pub fleet_col_audit_secs: &'static str,
    pub fleet_col_gray: &'static str,
    pub fleet_col_rejection: &'static str,
    pub fleet_col_template: &'static str,
    pub fleet_version_search: &'static str,
    pub fleet_chart: &'static str,
    pub fleet_export_csv: &'static str,
    pub fleet_in_audit_for: fn(&str) -> String,
    pub fleet_unknown_version: &'static str,

    // function widgets
    pub nav_widgets: &'static str,
    pub wg_title: &'static str,
    pub wg_open_editor: &'static str,
    pub wg_status_draft: &'static str,
    pub wg_status_under_review: &'static str,
    pub wg_status_online: &'static str,
    pub wg_status_rejected: &'static str,
    pub wg_status_offline: &'static str,
    pub wg_none_yet: &'static str,
    pub wg_keyword: &'static str,
    pub wg_areacode: &'static str,
    pub wg_area_hint: &'static str,
    pub wg_area_search: &'static str,
    pub wg_brandname: &'static str,
    pub wg_brand_fallback: &'static str,
    pub wg_categories: &'static str,
    pub wg_add_category: &'static str,
    pub wg_remove: &'static str,
    pub wg_level3_none: &'static str,
    pub wg_choose: &'static str,
    pub wg_layout: &'static str,
    pub wg_layout_2: &'static str,
    pub wg_layout_4: &'static str,
    pub wg_keep_which: &'static str,
    pub wg_keep_confirm: &'static str,
    pub wg_cancel: &'static str,
    pub wg_icons: &'static str,
    pub wg_icon_url: &'static str,
    pub wg_item_title: &'static str,
    pub wg_item_desc: &'static str,
    pub wg_jump_url: &'static str,
    pub wg_pages_hint: &'static str,
    pub wg_move_left: &'static str,
    pub wg_move_right: &'static str,
    pub wg_cell: &'static str,
    pub wg_preview: &'static str,
    pub wg_save_draft: &'static str,
    pub wg_submit: &'static str,
    pub wg_submit_blocked: &'static str,
    pub wg_fix_fields: &'static str,
    pub wg_offline: &'static str,
    pub wg_delete: &'static str,
    pub wg_confirm_delete: &'static str,
    pub wg_confirm: &'static str,
    pub wg_draft_saved: &'static str,
    pub wg_submitted_ok: &'static str,
    pub wg_done: &'static str,
    pub wg_reason: &'static str,
    pub wg_history: &'static str,
    pub wg_col_action: &'static str,
    pub wg_col_time: &'static str,
    pub wg_col_by: &'static str,
    pub wg_col_outcome: &'static str,
    pub wg_col_status: &'static str,
    pub wg_col_keyword: &'static str,
    pub wg_col_submitted: &'static str,
    pub wg_col_updated: &'static str,
    pub wg_out_under_review: &'static str,
    pub wg_out_approved: &'static str,
    pub wg_out_rejected: &'static str,
    pub wg_out_failed: &'static str,
    pub wg_act_create: &'static str,
    pub wg_act_modify: &'static str,
    pub wg_blocked_under_review: &'static str,
    pub wg_blocked_not_submitted: &'static str,
    pub wg_blocked_not_online: &'static str,
    pub wg_blocked_quota: &'static str,
    pub wg_blocked_not_eligible: &'static str,
    pub wg_quota_unknown: &'static str,
    pub wg_no_pages: &'static str,
    pub wg_quota: fn(i64, i64) -> String,
    pub wg_under_review_for: fn(i64) -> String,
}

impl Texts {
    pub fn role(&self, role: Role) -> &'static str {
        match role {
            Role::Admin => self.role_admin,
            Role::Operator => self.role_operator,
            Role::Merchant => self.role_merchant,
        }
    }

    pub fn subject(&self, s: SubjectType) -> &'static str {
        match s {
            SubjectType::Enterprise => self.subject_enterprise,
            SubjectType::IndividualBusiness => self.subject_individual_business,
            SubjectType::Individual => self.subject_individual,
            SubjectType::Government => self.subject_government,
            SubjectType::Media => self.subject_media,
            SubjectType::OtherOrganization => self.subject_other,
        }
    }

    pub fn status(&self, s: AppStatus) -> &'static str {
        match s {
            AppStatus::Authorized => self.status_authorized,
            AppStatus::NeedsReauthorization => self.status_needs_reauth,
            AppStatus::Unauthorized => self.status_unauthorized,
        }
    }

    pub fn health(&self, h: TokenHealth) -> &'static str {
        match h {
            TokenHealth::Fresh => self.health_fresh,
            TokenHealth::Due => self.health_due,
            TokenHealth::Expired => self.health_expired,
            TokenHealth::Failing => self.health_failing,
            TokenHealth::NeedsReauthorization => self.health_needs_reauth,
        }
    }

    /// A callback's outcome (`received`, `processed`, `ignored`, `failed`).
    pub fn callback_outcome(&self, outcome: &str) -> String {
        match outcome {
            "received" => self.outcome_received.into(),
            "processed" => self.outcome_processed.into(),
            "ignored" => self.outcome_ignored.into(),
            "failed" => self.outcome_failed.into(),
            "processing" => self.outcome_processing.into(),
            other => other.into(),
        }
    }

    /// An authorization attempt's status.
    pub fn auth_status(&self, status: &str) -> String {
        match status {
            "pending" => self.auth_pending.into(),
            "completing" => self.auth_completing.into(),
            "completed" => self.auth_completed.into(),
            "failed" => self.auth_failed.into(),
            "expired" => self.auth_expired.into(),
            other => other.into(),
        }
    }

    pub fn problem(&self, p: &FieldProblem) -> String {
        match p {
            FieldProblem::Required => self.required.into(),
            FieldProblem::TooShort { min } => (self.too_short)(*min),
            FieldProblem::TooLong { max } => (self.too_long)(*max),
            FieldProblem::InvalidChars => self.invalid_chars.into(),
            FieldProblem::UnknownValue => self.unknown_value.into(),
            FieldProblem::AlreadyTaken => self.already_taken.into(),
            FieldProblem::MerchantRequired => self.merchant_required.into(),
            FieldProblem::MerchantNotAllowed => self.merchant_not_allowed.into(),
            FieldProblem::CannotChangeSelf => self.cannot_change_self.into(),
            FieldProblem::InvalidDate => self.invalid_date.into(),
            FieldProblem::DateOutOfRange => self.date_out_of_range.into(),
            FieldProblem::EndBeforeStart => self.end_before_start.into(),
            FieldProblem::TooMany { max } => (self.too_many)(*max),
            FieldProblem::OutOfRange { min, max } => (self.out_of_range)(*min, *max),
            FieldProblem::NotHigherThan { current } => (self.not_higher_than)(*current),
            FieldProblem::InvalidJson => self.invalid_json.into(),
            FieldProblem::InvalidConfig => self.invalid_config.into(),
            FieldProblem::PathNotInPages => self.path_not_in_pages.into(),
            FieldProblem::PageNotInCode => self.page_not_in_code.into(),
            FieldProblem::CategoryMismatch => self.category_mismatch.into(),
            FieldProblem::EmptyItem => self.empty_item.into(),
            FieldProblem::GridSize => self.grid_size.into(),
            FieldProblem::NotInternalPath => self.not_internal_path.into(),
            FieldProblem::DuplicatePath => self.duplicate_path.into(),
            FieldProblem::InvalidUrl => self.invalid_url.into(),
            FieldProblem::QrLinkMalformed => self.qrcode.link_malformed.into(),
            FieldProblem::QrNotUnderPrefix => self.qrcode.not_under_prefix.into(),
            FieldProblem::QrPrefixAdded => self.qrcode.prefix_added.into(),
            FieldProblem::QrPrefixTaken => self.qrcode.prefix_taken.into(),
            FieldProblem::QrRulesFull { max } => (self.qrcode.rules_full)(*max),
            FieldProblem::QrNotReleased => self.qrcode.not_released.into(),
            FieldProblem::QrPersonalSubject => self.qrcode.personal.into(),
            FieldProblem::QrQuotaUsed => self.qrcode.quota_used.into(),
            FieldProblem::QrNoSuchRule => self.qrcode.no_such_rule.into(),
            FieldProblem::QrUnknownVariable { name } => (self.qrcode.unknown_variable)(name),
            FieldProblem::QrNoValue { name } => (self.qrcode.no_value)(name),
            FieldProblem::TemplateLibraryFull { max } => (self.templates.library_full)(*max),
            FieldProblem::TemplateInReview { count } => (self.templates.in_review)(*count),
            FieldProblem::TemplateInGray { count } => (self.templates.in_gray)(*count),
            FieldProblem::DuplicateItem => self.duplicate_item.into(),
            FieldProblem::InvalidColor => self.invalid_color.into(),
            FieldProblem::TooFewItems { min } => (self.too_few_items)(*min),
            FieldProblem::ValueRule { rule } => format!(
                "{}{}{}",
                (self.subscribe.value_rule)(rule),
                self.colon,
                self.subscribe.rule_text(rule)
            ),
            FieldProblem::TesterIdHasSpace => self.testers.has_space.into(),
            FieldProblem::TesterAlreadyBound => self.testers.already_bound.into(),
            FieldProblem::TesterLimitReached { max } => (self.testers.limit_reached)(*max),
            FieldProblem::ControlChars => self.plugins.control_chars.into(),
            FieldProblem::ControlCharsInLine => self.control_chars_in_line.into(),
            FieldProblem::AppidFormat => self.plugins.appid_format.into(),
            FieldProblem::PluginIsOwn => self.plugins.is_own.into(),
            FieldProblem::PluginAlreadyAdded => self.plugins.already_added.into(),
            FieldProblem::PluginNotInUse => self.plugins.not_in_use.into(),
            FieldProblem::PluginVersionFormat => self.plugins.version_format.into(),
            FieldProblem::PluginNotPending => self.plugins.not_pending.into(),
            FieldProblem::PluginPendingNotDeletable => self.plugins.pending_not_deletable.into(),
            FieldProblem::PluginApprovedNotDeletable => self.plugins.approved_not_deletable.into(),
            FieldProblem::PluginOwnerPersonal => self.plugins.owner_personal.into(),
            FieldProblem::Domain { domain, rule } => {
                format!("{domain}{}{}", self.colon, (self.domains.rule)(rule))
            }
            FieldProblem::DomainNothingToChange => self.domains.nothing_to_change.into(),
            FieldProblem::DomainAbsent { domain } => (self.domains.absent)(domain),
            FieldProblem::DomainPersonal => self.domains.personal_problem.into(),
            FieldProblem::Wechat { errcode, zh, en } => {
                let text = match self.locale {
                    Locale::ZhCn => zh,
                    Locale::En => en,
                };
                format!("{} {errcode}{}{text}", self.err_wechat, self.colon)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_parsing() {
        assert_eq!(
            Locale::from_cookie_header("a=b; wxa_lang=en; c=d"),
            Locale::En
        );
        assert_eq!(Locale::from_cookie_header("wxa_lang=fr"), Locale::ZhCn);
        assert_eq!(Locale::from_cookie_header(""), Locale::ZhCn);
    }

    #[test]
    fn both_locales_render_parameterised_texts() {
        assert!((Locale::ZhCn.texts().too_long)(64).contains("64"));
        assert!((Locale::En.texts().showing)(21, 40, 61).contains("61"));
        assert_ne!(Locale::ZhCn.texts().sign_in, Locale::En.texts().sign_in);
    }

    #[test]
    fn release_problems_render_their_numbers() {
        for locale in [Locale::ZhCn, Locale::En] {
            let t = locale.texts();
            assert!(t.problem(&FieldProblem::TooMany { max: 10 }).contains("10"));
            let range = t.problem(&FieldProblem::OutOfRange { min: 1, max: 100 });
            assert!(range.contains('1') && range.contains("100"));
            assert!(t
                .problem(&FieldProblem::NotHigherThan { current: 20 })
                .contains("20"));
            assert!(!t.problem(&FieldProblem::PathNotInPages).is_empty());
        }
    }

    #[test]
    fn durations_read_naturally() {
        let en = Locale::En.texts();
        assert_eq!((en.duration)(42), "42 s");
        assert_eq!((en.duration)(3 * 60 + 5), "3 min");
        assert_eq!((en.duration)(7200 + 300), "2 h 5 min");
        assert_eq!((Locale::ZhCn.texts().duration)(-5), "0 秒");
        assert_eq!(en.callback_outcome("failed"), "Failed");
        assert_eq!(Locale::ZhCn.texts().auth_status("completed"), "授权完成");
    }
}
