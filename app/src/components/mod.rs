//! Reusable pieces of the UI.

#[cfg(feature = "ssr")]
pub mod csp;
pub mod field;
pub mod layout;
pub mod pager;
pub mod url;
