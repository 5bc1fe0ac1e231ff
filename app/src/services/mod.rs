//! Use cases: authorization, validation, repositories and the audit log, composed.

pub mod audit;
pub mod auth;
pub mod demo;
pub mod merchants;
pub mod mini_programs;
pub mod password;
pub mod state;
pub mod users;

pub use state::{AppState, Settings, ThrottlePolicy};
