//! Typed requests and responses, one module per area of the seeds.

pub mod basic_info;
pub mod code;
pub mod component;
pub mod domain;
pub mod plugin;
pub mod subscribe;
pub mod template;
pub mod tester;
pub mod widget;
