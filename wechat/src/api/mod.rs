//! Typed requests and responses, one module per area of the seeds.

pub mod code;
pub mod component;
pub mod domain;
pub mod subscribe;
pub mod template;
pub mod tester;
pub mod widget;
