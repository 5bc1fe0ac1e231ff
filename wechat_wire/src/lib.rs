//! WeChat's wire types and path rules, defined once for the console (browser and
//! server), the client (`wechat::api`) and the simulator (`wechat::simulator`).
//!
//! No I/O and no dependency but serde: the browser bundle compiles this crate to
//! wasm32. Field names are WeChat's own (the seeds in `shared/seeds/`).

pub mod code;
pub mod path;
pub mod plugin;
pub mod widget;

pub use path::is_internal_path;
