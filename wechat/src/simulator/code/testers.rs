//! Testers (体验者, 成员管理, permission set 18): bind_tester, unbind_tester, memberauth; the
//! WeChat users they can name; and their control endpoints. Paths, fields and errcodes from
//! WeChat's docs and SDKs (docs/research/onboarding-apis.md §1); the limits per subject type
//! from the seed (miniprogram-onboarding-guide.md, 绑定开发者). What no source states is
//! listed in [`crate::simulator::provisional`].

use super::call::{authorizer_appid, query_param, str_field};
use crate::api::tester::{GET_EXPERIENCER, PERMISSION_SET};
use crate::simulator::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use crate::simulator::state::{Authorizer, SimState};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Seed: "个人主体小程序最多可绑定…10个体验者".
pub const PERSONAL_TESTERS_MAX: usize = 10;
/// Seed: "未认证的组织类型小程序最多可绑定…20个体验者".
pub const UNVERIFIED_TESTERS_MAX: usize = 20;
/// Seed: "已认证的小程序最多可绑定…40个体验者".
pub const VERIFIED_TESTERS_MAX: usize = 40;
/// Provisional: "每个微信号可以成为50个小程序的体验成员" (a reprint of WeChat's help, not an
/// official page); beyond it bind_tester answers 85003.
pub const MINI_PROGRAMS_PER_TESTER_MAX: usize = 50;

/// WeChat users every simulated WeChat knows, for demos and tests (searchable, testing
/// nothing else).
pub const DEMO_WECHAT_IDS: [&str; 12] = [
    "zhang_wei",
    "li_na_88",
    "wang_fang",
    "liu_yang",
    "chen_jing",
    "yang_lei",
    "zhao_min",
    "huang_tao",
    "zhou_xin",
    "wu_qiang",
    "xu_li_66",
    "sun_hao6",
];
/// A demo user who does not let others find them by WeChat ID: 85001 although they exist.
pub const HIDDEN_WECHAT_ID: &str = "hidden_user";
/// A demo user who already tests [`MINI_PROGRAMS_PER_TESTER_MAX`] other mini programs: 85003.
pub const BUSY_WECHAT_ID: &str = "busy_tester";
/// Numbered demo users `tester_001` … `tester_120`, enough to fill any account to its limit.
pub const NUMBERED_TESTER_PREFIX: &str = "tester_";
pub const NUMBERED_TESTERS: u32 = 120;

/// A tester bound to an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoundTester {
    pub userstr: String,
    pub wechatid: String,
    pub bound_at: i64,
}

/// A WeChat user as bind_tester sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WechatUser {
    /// "通过微信号搜索到我": off is 85001, exactly like a WeChat ID that does not exist.
    #[serde(default = "yes")]
    pub searchable: bool,
    /// Mini programs outside this simulator the user already tests (they count towards 85003).
    #[serde(default)]
    pub tester_elsewhere: u32,
}

fn yes() -> bool {
    true
}

/// The tester's `userstr`: stable for one person on one account and 64 hex digits like
/// WeChat's, which is an opaque string the console must not derive anything from.
pub fn userstr_of(appid: &str, wechatid: &str) -> String {
    Sha256::digest(format!("{appid}\n{wechatid}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The built-in demo users ([`DEMO_WECHAT_IDS`], [`HIDDEN_WECHAT_ID`], [`BUSY_WECHAT_ID`],
/// `tester_001` … `tester_120`).
pub fn builtin_user(wechatid: &str) -> Option<WechatUser> {
    let plain = WechatUser {
        searchable: true,
        tester_elsewhere: 0,
    };
    if DEMO_WECHAT_IDS.contains(&wechatid) {
        return Some(plain);
    }
    if wechatid == HIDDEN_WECHAT_ID {
        return Some(WechatUser {
            searchable: false,
            ..plain
        });
    }
    if wechatid == BUSY_WECHAT_ID {
        return Some(WechatUser {
            tester_elsewhere: MINI_PROGRAMS_PER_TESTER_MAX as u32,
            ..plain
        });
    }
    let number = wechatid.strip_prefix(NUMBERED_TESTER_PREFIX)?;
    let numbered = number.len() == 3
        && number.bytes().all(|b| b.is_ascii_digit())
        && number
            .parse::<u32>()
            .is_ok_and(|n| (1..=NUMBERED_TESTERS).contains(&n));
    numbered.then_some(plain)
}

/// The user behind a WeChat ID: one set through the control API, else a built-in one.
pub fn wechat_user(state: &SimState, wechatid: &str) -> Option<WechatUser> {
    state
        .wechat_users
        .get(wechatid)
        .cloned()
        .or_else(|| builtin_user(wechatid))
}

/// A personal-subject account: the simulator's one rule for it, shared with QR-jump rules
/// (the principal name starts with "个人").
pub fn is_personal(a: &Authorizer) -> bool {
    a.principal_name.trim().starts_with("个人")
}

/// The account's tester limit by subject type and verification (the seed). `verify_type` -1
/// is "not verified"; any other value is a verification (0 WeChat's). Personal accounts
/// cannot be verified (the same seed: 个人类型帐号暂不支持微信认证), so they stay at 10.
pub fn tester_limit(a: &Authorizer) -> usize {
    if is_personal(a) {
        PERSONAL_TESTERS_MAX
    } else if a.verify_type >= 0 {
        VERIFIED_TESTERS_MAX
    } else {
        UNVERIFIED_TESTERS_MAX
    }
}

/// 61007 unless the account granted the platform permission set 18.
fn check_scope(state: &SimState, appid: &str) -> Result<(), SimError> {
    state
        .require_permission_set(appid, PERMISSION_SET)
        .map(|_| ())
}

/// Binds `wechatid` to `appid` with every rule of bind_tester, in this order: the user exists
/// and can be found (85001), is not bound yet (85004), the account has room (85002), the user
/// tests fewer than 50 mini programs (85003). Returns the userstr.
fn bind(state: &mut SimState, appid: &str, wechatid: &str, now: i64) -> Result<String, SimError> {
    let user = wechat_user(state, wechatid)
        .filter(|u| u.searchable)
        .ok_or_else(|| SimError::new(85001, "user not exist or user cannot be searched"))?;
    let tests_already = state
        .authorizers
        .values()
        .filter(|a| a.testers.iter().any(|t| t.wechatid == wechatid))
        .count()
        + user.tester_elsewhere as usize;
    let authorizer = state
        .authorizers
        .get_mut(appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if authorizer.testers.iter().any(|t| t.wechatid == wechatid) {
        return Err(SimError::new(85004, "user already bind"));
    }
    if authorizer.testers.len() >= tester_limit(authorizer) {
        return Err(SimError::new(85002, "number of tester reach bind limit"));
    }
    if tests_already >= MINI_PROGRAMS_PER_TESTER_MAX {
        return Err(SimError::new(85003, "user already bind too many weapps"));
    }
    let userstr = userstr_of(appid, wechatid);
    authorizer.testers.push(BoundTester {
        userstr: userstr.clone(),
        wechatid: wechatid.to_owned(),
        bound_at: now,
    });
    Ok(userstr)
}

/// `POST /wxa/bind_tester {"wechatid"}` → `{"userstr"}`. Checks as the code-management
/// neighbours do: the body (47001), the token (40001 / 42001 / 86000), then the scope (61007).
pub(super) async fn bind_tester(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let wechatid = str_field(&body, "wechatid")?;
    let userstr = bind(&mut state, &appid, &wechatid, now)?;
    ok(json!({ "userstr": userstr }))
}

/// `POST /wxa/unbind_tester {"wechatid"} | {"userstr"}`. Provisional (the doc lists only -1
/// and 0): neither field is 89033, an unknown userstr 89034, a WeChat ID that is not bound a
/// success that changes nothing. With both fields the userstr decides.
pub(super) async fn unbind_tester(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let wechatid = str_field(&body, "wechatid")?;
    let userstr = str_field(&body, "userstr")?;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if !userstr.is_empty() {
        let index = authorizer
            .testers
            .iter()
            .position(|t| t.userstr == userstr)
            .ok_or_else(|| SimError::new(89034, "userstr is invalid"))?;
        authorizer.testers.remove(index);
    } else if !wechatid.is_empty() {
        authorizer.testers.retain(|t| t.wechatid != wechatid);
    } else {
        return Err(SimError::new(89033, "empty wx or openid"));
    }
    ok(json!({}))
}

/// `POST /wxa/memberauth {"action": "get_experiencer"}` → `{"members": [{"userstr"}]}`, the
/// userstrs only (never the WeChat ID), oldest first. Another action is 85022 (provisional:
/// the catalogue's "action 非法").
pub(super) async fn memberauth(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let action = str_field(&body, "action")?;
    if action != GET_EXPERIENCER {
        return Err(SimError::new(85022, "invalid action"));
    }
    let members: Vec<Value> = state
        .authorizers
        .get(&appid)
        .map(|a| {
            a.testers
                .iter()
                .map(|t| json!({ "userstr": t.userstr }))
                .collect()
        })
        .unwrap_or_default();
    ok(json!({ "members": members }))
}

// ---------------------------------------------------------------------------
// Control API (under `/__sim`).
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct WechatUserBody {
    wechatid: String,
    #[serde(default = "yes")]
    searchable: bool,
    #[serde(default)]
    tester_elsewhere: u32,
}

/// `POST /__sim/wechat-users {"wechatid", "searchable"?, "tester_elsewhere"?}`: makes a WeChat
/// user exist (or changes one, the built-in demo users included), so tests reach 85001 for a
/// hidden user and 85003 for one who tests many mini programs elsewhere.
pub(super) async fn set_wechat_user(
    State(sim): State<Sim>,
    Json(body): Json<WechatUserBody>,
) -> ControlResult {
    let wechatid = body.wechatid.trim().to_owned();
    if wechatid.is_empty() {
        return Err(control_error(SimError::bad_body("wechatid is required")));
    }
    let user = WechatUser {
        searchable: body.searchable,
        tester_elsewhere: body.tester_elsewhere,
    };
    sim.lock()
        .wechat_users
        .insert(wechatid.clone(), user.clone());
    sim.save();
    Ok(Json(json!({ "wechatid": wechatid, "user": user })))
}

#[derive(Deserialize)]
pub(super) struct BindOutsideBody {
    appid: String,
    wechatids: Vec<String>,
}

fn testers_of(state: &SimState, appid: &str) -> Result<Value, SimError> {
    let a = state
        .authorizers
        .get(appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    serde_json::to_value(&a.testers).map_err(|e| SimError::new(-1, e.to_string()))
}

/// `POST /__sim/testers {"appid", "wechatids": [...]}`: the account's owner binds testers on
/// mp.weixin.qq.com, outside the platform (the console then sees bare userstrs). The same
/// rules as bind_tester; a WeChat ID nobody knows yet is made a searchable user first, so a
/// test can name anyone. Stops at the first refusal (400 with its errcode); the answer lists
/// the account's testers with their WeChat IDs.
pub(super) async fn bind_outside(
    State(sim): State<Sim>,
    Json(body): Json<BindOutsideBody>,
) -> ControlResult {
    let now = sim.now();
    let answer = {
        let mut state = sim.lock();
        let bound = bind_all(&mut state, &body.appid, &body.wechatids, now);
        bound.and_then(|()| testers_of(&state, &body.appid))
    };
    sim.save();
    Ok(Json(json!({ "testers": answer.map_err(control_error)? })))
}

/// Binds each of `wechatids` in turn, making unknown WeChat IDs users first.
fn bind_all(
    state: &mut SimState,
    appid: &str,
    wechatids: &[String],
    now: i64,
) -> Result<(), SimError> {
    for wechatid in wechatids {
        let wechatid = wechatid.trim();
        if !wechatid.is_empty() && wechat_user(state, wechatid).is_none() {
            state.wechat_users.insert(
                wechatid.to_owned(),
                WechatUser {
                    searchable: true,
                    tester_elsewhere: 0,
                },
            );
        }
        bind(state, appid, wechatid, now)?;
    }
    Ok(())
}

/// `GET /__sim/testers?appid=` → `{"testers": [{"userstr", "wechatid", "bound_at"}]}`: what
/// the account holds, WeChat IDs included (which memberauth never tells).
pub(super) async fn list_testers(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> ControlResult {
    let appid = query_param(&raw, "appid").unwrap_or_default();
    let state = sim.lock();
    let testers = testers_of(&state, &appid).map_err(control_error)?;
    Ok(Json(json!({ "testers": testers })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userstrs_are_stable_64_hex_and_differ_per_account() {
        let a = userstr_of("wx0123456789abcdef", "zhang_wei");
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, userstr_of("wx0123456789abcdef", "zhang_wei"));
        assert_ne!(a, userstr_of("wx0123456789abcdee", "zhang_wei"));
        assert_ne!(a, userstr_of("wx0123456789abcdef", "li_na_88"));
    }

    #[test]
    fn builtin_users() {
        assert_eq!(builtin_user("zhang_wei").map(|u| u.searchable), Some(true));
        assert_eq!(
            builtin_user(HIDDEN_WECHAT_ID).map(|u| u.searchable),
            Some(false)
        );
        assert_eq!(
            builtin_user(BUSY_WECHAT_ID).map(|u| u.tester_elsewhere),
            Some(MINI_PROGRAMS_PER_TESTER_MAX as u32)
        );
        assert!(builtin_user("tester_001").is_some());
        assert!(builtin_user("tester_120").is_some());
        for unknown in [
            "tester_000",
            "tester_121",
            "tester_1",
            "tester_0010",
            "nobody",
            "",
        ] {
            assert!(builtin_user(unknown).is_none(), "{unknown}");
        }
    }

    fn account(principal: &str, verify_type: i64) -> Authorizer {
        let mut state = SimState::default();
        let appid = state.upsert_authorizer(&crate::simulator::AuthorizerProfile {
            appid: Some("wx0123456789abcdef".into()),
            nick_name: "体验".into(),
            principal_name: principal.into(),
            verify_type,
            categories: Vec::new(),
        });
        state.authorizers[&appid].clone()
    }

    #[test]
    fn limits_follow_the_subject_type_and_verification() {
        assert_eq!(tester_limit(&account("个人", 0)), 10);
        assert_eq!(tester_limit(&account("个人开发者3", -1)), 10);
        assert_eq!(tester_limit(&account("星辰咖啡有限公司", -1)), 20);
        assert_eq!(tester_limit(&account("星辰咖啡有限公司", 0)), 40);
    }
}
