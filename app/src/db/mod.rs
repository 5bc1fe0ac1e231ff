//! Repositories, one module per aggregate. SQL lives here and nowhere else.

pub mod audit_log;
pub mod authorization_requests;
pub mod authorizations;
pub mod callbacks;
pub mod login_failures;
pub mod merchants;
pub mod meta;
pub mod mini_programs;
pub mod pool;
pub mod session_store;
pub mod sql;
pub mod tokens;
pub mod users;
pub mod widgets;

pub use pool::{is_unique_violation, now, Db, DbKind};
