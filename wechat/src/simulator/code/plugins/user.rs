//! `POST /wxa/plugin`: the mini program that uses plugins (apply, list, unbind, update).

use super::{apply, caller, check_scope, expire, find_plugin, is_unremovable};
use crate::api::plugin::{action, status};
use crate::simulator::code::call::str_field;
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::state::SimState;
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use serde_json::{json, Value};

/// `POST /wxa/plugin {"action", "plugin_appid"?, "reason"?, "user_version"?}`. Checks in the
/// order of the other endpoints: the token (41001 / 40001 / 42001 / 86000; 89256 for a mini
/// program's own token), the permission set
/// (61007), the body (47001), the action (another is 85022, provisional), then its rules.
pub(crate) async fn plugin(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let now = sim.now();
    let mut state = sim.lock();
    let appid = caller(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let body: Value = parse_body(&body)?;
    let act = str_field(&body, "action")?;
    let plugin_appid = str_field(&body, "plugin_appid")?;
    expire(&mut state.plugins.applications, now);
    match act.as_str() {
        action::LIST => list(&state, &appid),
        action::APPLY => {
            let reason = str_field(&body, "reason")?;
            apply(&mut state, &appid, plugin_appid.trim(), &reason, now)?;
            ok(json!({}))
        }
        action::UNBIND => unbind(&mut state, &appid, plugin_appid.trim()),
        action::UPDATE => {
            let version = str_field(&body, "user_version")?;
            update(&mut state, &appid, plugin_appid.trim(), version.trim())
        }
        _ => Err(SimError::new(85022, "invalid action")),
    }
}

/// `plugin_list: [{appid, status, nickname, headimgurl}]`, oldest application first. No
/// version: WeChat's list has none.
fn list(state: &SimState, appid: &str) -> SimResult {
    let plugins: Vec<Value> = state
        .plugins
        .applications
        .iter()
        .filter(|a| a.appid == appid)
        .map(|a| {
            let plugin = find_plugin(state, &a.plugin_appid);
            json!({
                "appid": a.plugin_appid,
                "status": a.status,
                "nickname": plugin.as_ref().map(|p| p.nickname.clone()).unwrap_or_default(),
                "headimgurl": plugin.map(|p| p.headimgurl).unwrap_or_default(),
            })
        })
        .collect();
    ok(json!({ "plugin_list": plugins }))
}

/// 89244 for a plugin not in the list (the doc's "不存在该插件appid"); 89259 for a
/// live-streaming plugin in use (WxJava). Any other application, pending included, goes.
fn unbind(state: &mut SimState, appid: &str, plugin_appid: &str) -> SimResult {
    let index = state
        .plugins
        .applications
        .iter()
        .position(|a| a.appid == appid && a.plugin_appid == plugin_appid)
        .ok_or_else(not_in_list)?;
    let in_use = state.plugins.applications[index].status == status::APPROVED;
    if in_use && find_plugin(state, plugin_appid).is_some_and(|p| is_unremovable(&p)) {
        return Err(SimError::new(89259, "zhibo plugin is not allow to delete"));
    }
    state.plugins.applications.remove(index);
    ok(json!({}))
}

/// Only a plugin in use can be updated (89244 otherwise, provisional); the version must be one
/// of the plugin's with quick update (89257 "no such version"); not while the account has a
/// version in gray release (89258).
fn update(state: &mut SimState, appid: &str, plugin_appid: &str, version: &str) -> SimResult {
    let quick = find_plugin(state, plugin_appid).is_some_and(|p| {
        p.versions
            .iter()
            .any(|v| v.version == version && v.quick_update)
    });
    let in_gray = state
        .authorizers
        .get(appid)
        .and_then(|a| a.code.gray.as_ref())
        .is_some_and(|g| g.status == 1);
    let application = state
        .plugins
        .applications
        .iter_mut()
        .find(|a| {
            a.appid == appid && a.plugin_appid == plugin_appid && a.status == status::APPROVED
        })
        .ok_or_else(not_in_list)?;
    if !quick {
        return Err(SimError::new(89257, "no such version"));
    }
    if in_gray {
        return Err(SimError::new(89258, "code is gray online"));
    }
    application.user_version = version.to_owned();
    ok(json!({}))
}

fn not_in_list() -> SimError {
    SimError::new(
        89244,
        "plugin appid is no in the plugin list, make sure plugin appid is right",
    )
}
