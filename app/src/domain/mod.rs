//! Pure rules shared by the browser and the server: no I/O, no framework types.

pub mod audit_log;
pub mod audit_tracking;
pub mod auth;
pub mod callbacks;
pub mod code_template;
pub mod fleet_release;
pub mod merchant;
pub mod merchant_permission;
pub mod message_set;
pub mod message_template;
pub mod mini_program;
pub mod notifications;
pub mod pagination;
pub mod platform;
pub mod qrcode_rule;
pub mod release;
pub mod rollout;
pub mod rollout_view;
pub mod subscribe_message;
pub mod testers;
pub mod text;
pub mod time;
pub mod token_health;
pub mod user;
pub mod validation;
pub mod widget;
