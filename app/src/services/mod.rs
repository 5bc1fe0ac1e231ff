//! Use cases: authorization, validation, repositories and the audit log, composed.

pub mod audit_log;
pub mod audit_tracking;
pub mod auth;
pub mod authorization;
pub mod callbacks;
pub mod code_templates;
pub mod demo;
pub mod domains;
pub mod fleet_release;
pub mod merchants;
pub mod message_sets;
pub mod message_templates;
pub mod mini_program_home;
pub mod mini_programs;
pub mod notifications;
pub mod password;
pub mod platform;
pub mod plugins;
pub mod push_secrets;
pub mod qrcode_rules;
pub mod readiness;
pub mod release;
pub mod rollouts;
pub mod secrets;
pub mod state;
pub mod subscribe_messages;
pub mod testers;
pub mod token_health;
pub mod tokens;
pub mod users;
pub mod widgets;

pub use state::{AppState, Settings, ThrottlePolicy};
