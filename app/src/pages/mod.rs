//! One module per screen.

pub mod audit_log;
pub mod login;
pub mod merchants;
pub mod mini_program_detail;
pub mod mini_programs;
pub mod not_found;
pub mod users;
