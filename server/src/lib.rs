//! The wxa-console server: configuration, start-up, routing and request guards.

pub mod config;
pub mod exports;
pub mod media;
pub mod release_routes;
pub mod security;
pub mod startup;
pub mod wechat_routes;
