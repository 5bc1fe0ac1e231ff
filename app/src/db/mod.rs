//! Repositories, one module per aggregate. SQL lives here and nowhere else.

pub mod audit_log;
pub mod audit_tracking;
pub mod authorization_requests;
pub mod authorizations;
pub mod callbacks;
pub mod code_audits;
pub mod code_commits;
pub mod code_templates;
pub mod domain_defaults;
pub mod fleet_release;
pub mod kept_counts;
pub mod login_failures;
pub mod merchants;
pub mod message_library;
pub mod message_sets;
pub mod meta;
pub mod mini_programs;
pub mod notifications;
pub mod plugins;
pub mod pool;
pub mod qrcode_rules;
pub mod readiness;
pub mod release_status;
pub mod rollouts;
pub mod session_store;
pub mod sql;
pub mod testers;
pub mod tokens;
pub mod users;
pub mod widgets;

pub use pool::{is_unique_violation, now, Db, DbKind};
