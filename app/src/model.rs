//! Data passed between server functions and pages (serialisable, no behaviour).

use crate::domain::auth::Role;
use crate::domain::mini_program::{AppStatus, SubjectType};
use serde::{Deserialize, Serialize};

/// The signed-in user, as every page and server function sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
}

/// Whom a console page is shown to: the signed-in user and their unread notifications, as the
/// page guard found them for the request. The layout renders from it without waiting.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Viewer {
    pub user: CurrentUser,
    pub unread: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiniProgramRow {
    pub appid: String,
    pub nick_name: String,
    pub principal_name: String,
    pub subject: SubjectType,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub status: AppStatus,
    pub created_at: i64,
    pub updated_at: i64,
    /// The last readiness check's summary; `None`: never checked.
    #[serde(default)]
    pub readiness: Option<crate::domain::readiness::ReadinessBrief>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MerchantRow {
    pub id: i64,
    pub name: String,
    pub mini_program_count: i64,
    pub created_at: i64,
    pub permission: crate::domain::merchant_permission::MerchantPermission,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub disabled: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub outcome: String,
    pub detail: String,
}

/// What the merchant filter and the user form offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MerchantOption {
    pub id: i64,
    pub name: String,
}

/// One push in the callbacks inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallbackRow {
    pub id: i64,
    pub received_at: i64,
    pub kind: String,
    pub appid: Option<String>,
    pub nick_name: Option<String>,
    pub outcome: String,
    pub outcome_detail: String,
    pub processed_at: Option<i64>,
    /// Processing runs (1 + replays).
    pub attempts: i64,
    /// How often WeChat delivered it (retries are stored once).
    pub deliveries: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallbackDetail {
    pub row: CallbackRow,
    /// The decrypted XML.
    pub payload: String,
}

/// One line of the token-health screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenHealthRow {
    /// `component` or the authorizer's appid.
    pub key: String,
    pub appid: Option<String>,
    pub nick_name: Option<String>,
    pub health: crate::domain::platform::TokenHealth,
    pub expires_at: i64,
    pub refreshed_at: Option<i64>,
    pub refresh_count: i64,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
}

/// The token-health screen: the verify ticket, and one page of tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenHealthView {
    pub now: i64,
    pub ticket_received_at: Option<i64>,
    pub ticket_late: bool,
    /// The page asked for; `total` counts every token that matches the search and filter.
    pub tokens: crate::domain::pagination::Page<TokenHealthRow>,
    /// Tokens matching the search, per state (the filter aside).
    pub counts: crate::domain::token_health::HealthCounts,
}

/// An "Add mini program" attempt as the authorize screen shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthorizationRequestView {
    pub id: i64,
    pub link: String,
    /// SVG of a QR code of the link.
    pub qr_svg: String,
    pub merchant_name: Option<String>,
    pub expires_at: i64,
    /// pending | completing | completed | failed
    pub status: String,
    pub appid: Option<String>,
    pub error: Option<String>,
}

/// A version on the mini program's home page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeVersion {
    pub version: String,
    /// Committed or released at.
    pub at: Option<i64>,
}

/// The latest audit, while it is not released.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeAudit {
    pub version: String,
    /// WeChat's audit status (0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed).
    pub status: i64,
    pub reason: Option<String>,
    pub submitted_at: i64,
}

/// Everything the mini program's home page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MiniProgramHome {
    pub program: MiniProgramRow,
    pub development: Option<HomeVersion>,
    pub audit: Option<HomeAudit>,
    pub online: Option<HomeVersion>,
    pub gray_percentage: Option<i64>,
    pub token: Option<TokenHealthRow>,
    /// None when WeChat did not answer.
    pub categories: Option<Vec<String>>,
    pub notifications: Vec<crate::domain::notifications::NotificationView>,
    pub audit_log: Vec<AuditEntry>,
    pub grant: crate::domain::merchant_permission::MerchantPermission,
    /// QR-jump rules as the console last saw them: (rules, published).
    pub qrcode_rules: (i64, i64),
    pub now: i64,
}
