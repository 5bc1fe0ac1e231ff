//! getweappsupportversion / setweappsupportversion: the base-library distribution and the
//! lowest version a mini program supports.

use super::call::with_authorizer;
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use serde_json::{json, Value};

/// Base-library versions and the share of users (percent) still below each
/// (the rows of `getweappsupportversion`; the newest bounds what can be set).
pub const BASE_LIBRARY_VERSIONS: [(&str, f64); 8] = [
    ("1.0.0", 0.0),
    ("1.9.0", 0.0),
    ("2.0.0", 0.01),
    ("2.10.0", 0.05),
    ("2.20.0", 0.3),
    ("2.30.0", 1.2),
    ("3.0.0", 6.5),
    ("3.3.0", 18.0),
];

pub(super) async fn get_support_version(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let _: Value = parse_body(&body)?;
    let now_version = with_authorizer(&sim, &raw, |a, _| {
        Ok(a.code
            .support_version
            .clone()
            .unwrap_or_else(|| BASE_LIBRARY_VERSIONS[0].0.to_owned()))
    })?;
    let items: Vec<Value> = BASE_LIBRARY_VERSIONS
        .iter()
        .map(|(version, percentage)| json!({"percentage": percentage, "version": version}))
        .collect();
    ok(json!({"now_version": now_version, "uv_info": {"items": items}}))
}

pub(super) async fn set_support_version(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let version = body.get("version").and_then(Value::as_str).unwrap_or("");
    let settable = is_settable_base_library(version);
    with_authorizer(&sim, &raw, |a, _| {
        if !settable {
            return Err(SimError::new(85015, "invalid version"));
        }
        a.code.support_version = Some(version.to_owned());
        Ok(())
    })?;
    ok(json!({}))
}

/// A base-library version as `(major, minor, patch)`: three dot-separated
/// decimal numbers, no sign, no leading zero, none above 999.
pub fn parse_base_library(version: &str) -> Option<(u16, u16, u16)> {
    let mut parts = version.split('.').map(|part| {
        let well_formed = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        well_formed.then(|| part.parse::<u16>().ok()).flatten()
    });
    let parsed = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(parsed)
}

/// What `setweappsupportversion` accepts (else 85015 "版本输入错误"): any
/// well-formed version from 1.0.0 up to the newest in the distribution
/// `getweappsupportversion` reports — a released version need not be one of
/// the listed rows, but one newer than every release cannot exist yet.
pub fn is_settable_base_library(version: &str) -> bool {
    let newest = BASE_LIBRARY_VERSIONS
        .iter()
        .filter_map(|(v, _)| parse_base_library(v))
        .max();
    match (parse_base_library(version), newest) {
        (Some(wanted), Some(newest)) => wanted >= (1, 0, 0) && wanted <= newest,
        _ => false,
    }
}
