//! Reading a code-management call: its query string, the authorizer behind its token
//! (86000 for the platform's or the mini program's own token) and loose body fields.

use crate::simulator::error::SimError;
use crate::simulator::state::{Authorizer, SimState};
use crate::simulator::Sim;
use serde_json::Value;

pub(super) fn query_param(raw: &Option<String>, name: &str) -> Option<String> {
    let raw = raw.as_deref()?;
    url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The authorizer behind `access_token`. Code management is for the platform
/// acting on behalf of a mini program (the seed: "请使用第三方平台获取到的该小程序
/// 授权的 authorizer_access_token"), so the platform's own component token and
/// the mini program's own token (`/cgi-bin/token`) are both 86000 ("不是由第三方
/// 代小程序进行调用").
pub(super) fn authorizer_appid(
    state: &SimState,
    raw: &Option<String>,
    now: i64,
) -> Result<String, SimError> {
    let token = query_param(raw, "access_token");
    if let Some(t) = token.as_deref() {
        if state.component_tokens.contains_key(t) || state.is_own_token(t, now) {
            return Err(SimError::new(
                86000,
                "should be called only from third party",
            ));
        }
    }
    state.authorizer_appid(token.as_deref(), now)
}

/// Runs `f` on the authorizer behind the call's token.
pub(super) fn with_authorizer<T>(
    sim: &Sim,
    raw: &Option<String>,
    f: impl FnOnce(&mut Authorizer, i64) -> Result<T, SimError>,
) -> Result<T, SimError> {
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, raw, now)?;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    f(authorizer, now)
}

pub(super) fn no_commit() -> SimError {
    SimError::new(86001, "no code committed by the third party")
}

/// An integer that may arrive as a number or a numeric string.
pub(super) fn int_field(body: &Value, name: &str) -> Option<i64> {
    match body.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn str_field(body: &Value, name: &str) -> Result<String, SimError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(SimError::bad_body(format!("{name} must be a string"))),
    }
}
