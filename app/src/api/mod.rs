//! Server functions: authorize, validate, call services — thin. Endpoints are named so that
//! tests and scripts can call them as `POST /api/<endpoint>`.

pub mod audit_log;
pub mod auth;
pub mod code_templates;
#[cfg(feature = "ssr")]
pub mod ctx;
pub mod domains;
pub mod fleet_release;
pub mod merchants;
pub mod message_sets;
pub mod message_templates;
pub mod mini_programs;
pub mod notifications;
pub mod platform;
pub mod plugins;
pub mod qrcode_rules;
pub mod readiness;
pub mod release;
pub mod rollouts;
pub mod subscribe_messages;
pub mod testers;
pub mod users;
pub mod widgets;
