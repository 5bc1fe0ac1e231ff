//! Integration tests: each starts the whole server on port 0 with a fresh database —
//! SQLite by default, PostgreSQL when WXA_TEST_DATABASE_URL names a server (scripts/test.sh).

mod admin;
mod audit;
mod audit_tracking;
mod auth;
mod fleet_release;
mod helpers;
mod media;
mod platform;
mod registry;
mod release;
mod security;
mod wechat_layer;
mod widgets;
