//! `POST /wxa/devplugin`: the mini program that owns a plugin (its plugin's AppID is its own)
//! reads the applications to use it and decides them within 24 hours.

use super::{
    applicant_categories, applicant_nickname, caller, check_scope, decide, expire,
    find_application_mut, find_plugin,
};
use crate::api::plugin::{action, status};
use crate::simulator::code::call::{int_field, str_field};
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::state::SimState;
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use serde_json::{json, Value};

/// dev_apply_list's `num` when none is sent (EasyWeChat's `getUsers(page = 1, size = 10)`).
pub const DEFAULT_NUM: i64 = 10;
/// Provisional: the largest `num` dev_apply_list accepts (47001 beyond).
pub const MAX_NUM: i64 = 100;

/// `POST /wxa/devplugin {"action", "appid"?, "page"?, "num"?, "reason"?}`. Checks: the token,
/// the permission set (61007), the body (47001), the action (85022), then that the account
/// owns a plugin (89239 "该插件不存在", provisional: a personal account never does), then the
/// action's rules.
pub(crate) async fn dev_plugin(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let now = sim.now();
    let mut state = sim.lock();
    let owner = caller(&state, &raw, now)?;
    check_scope(&state, &owner)?;
    let body: Value = parse_body(&body)?;
    let act = str_field(&body, "action")?;
    let applicant = str_field(&body, "appid")?;
    let applicant = applicant.trim();
    let known = matches!(
        act.as_str(),
        action::DEV_APPLY_LIST | action::DEV_AGREE | action::DEV_REFUSE | action::DEV_DELETE
    );
    if !known {
        return Err(SimError::new(85022, "invalid action"));
    }
    if find_plugin(&state, &owner).is_none() {
        return Err(SimError::new(89239, "plugin no exist"));
    }
    expire(&mut state.plugins.applications, now);
    match act.as_str() {
        action::DEV_APPLY_LIST => apply_list(&state, &owner, &body),
        action::DEV_AGREE => {
            decide(&mut state, &owner, applicant, true, "", now)?;
            ok(json!({}))
        }
        action::DEV_REFUSE => {
            let reason = str_field(&body, "reason")?;
            decide(&mut state, &owner, applicant, false, reason.trim(), now)?;
            ok(json!({}))
        }
        _ => delete(&mut state, &owner, applicant),
    }
}

/// `apply_list: [{appid, status, nickname, headimgurl, categories, create_time, apply_url,
/// reason}]`, newest first (provisional), page `page` (from 1) of `num`. `create_time` is a
/// string, as in WeChat's example. A page or num below 1, or num over [`MAX_NUM`], is 47001.
fn apply_list(state: &SimState, owner: &str, body: &Value) -> SimResult {
    let page = int_field(body, "page").unwrap_or(1);
    let num = int_field(body, "num").unwrap_or(DEFAULT_NUM);
    if page < 1 || !(1..=MAX_NUM).contains(&num) {
        return Err(SimError::bad_body("page must be 1 or more, num 1 to 100"));
    }
    let mut mine: Vec<_> = state
        .plugins
        .applications
        .iter()
        .filter(|a| a.plugin_appid == owner)
        .collect();
    mine.sort_by(|a, b| {
        b.create_time
            .cmp(&a.create_time)
            .then_with(|| a.appid.cmp(&b.appid))
    });
    let skip = usize::try_from((page - 1).saturating_mul(num)).unwrap_or(usize::MAX);
    let take = usize::try_from(num).unwrap_or(0);
    let list: Vec<Value> = mine
        .into_iter()
        .skip(skip)
        .take(take)
        .map(|a| {
            let categories: Vec<Value> = applicant_categories(state, &a.appid)
                .into_iter()
                .map(|c| json!({"first": c.first, "second": c.second}))
                .collect();
            let headimgurl = state
                .authorizers
                .get(&a.appid)
                .map(|x| x.head_img.clone())
                .unwrap_or_default();
            json!({
                "appid": a.appid,
                "status": a.status,
                "nickname": applicant_nickname(state, &a.appid),
                "headimgurl": headimgurl,
                "categories": categories,
                "create_time": a.create_time.to_string(),
                "apply_url": "",
                "reason": a.reason,
            })
        })
        .collect();
    ok(json!({ "apply_list": list }))
}

/// Only refused or timed-out applications are deleted: 申请中 is 89243, 申请通过 89241.
fn delete(state: &mut SimState, owner: &str, applicant: &str) -> SimResult {
    let current = find_application_mut(state, owner, applicant)?.status;
    match current {
        status::APPLYING => Err(SimError::new(
            89243,
            "can not delete apply request in 24 hours",
        )),
        status::APPROVED => Err(SimError::new(
            89241,
            "only refused status can be deleted, please refused first",
        )),
        _ => {
            state
                .plugins
                .applications
                .retain(|a| !(a.plugin_appid == owner && a.appid == applicant));
            ok(json!({}))
        }
    }
}
