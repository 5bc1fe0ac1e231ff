//! Integration tests: each starts the whole server on port 0 with a fresh database —
//! SQLite by default, PostgreSQL when WXA_TEST_DATABASE_URL names a server (scripts/test.sh).

mod admin;
mod assets;
mod audit;
mod audit_tracking;
mod auth;
mod authz_matrix;
mod code_templates;
mod db_pool;
mod domains;
mod fleet_release;
mod hardening;
mod helpers;
mod list_filters;
mod media;
mod message_sets;
mod message_templates;
mod notification_marks;
mod platform;
mod plugins;
mod push_limits;
mod qrcode_rules;
mod readiness;
mod redirects;
mod registry;
mod release;
mod rollouts;
mod security;
mod security_review;
mod session_user;
mod statements;
mod subscribe_messages;
mod template_pages;
mod testers;
mod wechat_layer;
mod widgets;
