//! The wxa-console server: configuration, start-up, routing and request guards.

pub mod assets;
pub mod bell;
pub mod config;
pub mod exports;
pub mod media;
pub mod release_routes;
pub mod security;
pub mod sqlite_alloc;
pub mod startup;
pub mod template_pages;
pub mod wechat_routes;

/// One allocator for the binary and the in-process tests (see Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
