//! One module per screen.

pub mod audit_log;
pub mod authorize;
pub mod callback_detail;
pub mod callbacks;
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
pub mod qrcode_fleet;
pub mod qrcode_rules;
pub mod release;
pub mod rollout;
pub mod rollout_new;
pub mod rollouts;
pub mod subscribe_messages;
pub mod templates;
pub mod tokens;
pub mod users;
pub mod widget_editor;
pub mod widgets;
