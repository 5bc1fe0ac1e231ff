//! Basic info (基本信息, permission set 30): `getaccountbasicinfo`, answered from the
//! authorizer's own fields (name, avatar, introduction, principal, verification), and its
//! control endpoint (the owner edits the account on mp.weixin.qq.com). Fields and meanings
//! from WeChat's docs and the SDKs (docs/research/onboarding-apis.md §5, `api::basic_info`);
//! what no source states is listed in [`crate::simulator::provisional`].

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{control_error, ok, ControlResult, SimError, SimResult};
use super::state::Authorizer;
use super::Sim;
use crate::api::basic_info::{
    principal_type, realname_status, ACCOUNT_TYPE_MINI_PROGRAM, PERMISSION_SET,
};

/// Introduction changes a month (WxJava's fixture: `modify_quota` 5; dtapps: 本月).
pub const SIGNATURE_QUOTA: i64 = 5;
/// Avatar changes a year (the same fixture: 5; dtapps: 本年).
pub const HEAD_IMAGE_QUOTA: i64 = 5;
/// Name changes a year (the same fixture: 2; dtapps: 本年).
pub const NICKNAME_QUOTA: i64 = 2;
/// Longest text the control endpoint keeps in a field (the simulator's own guard).
pub const CONTROL_FIELD_MAX_CHARS: usize = 1024;

/// What getaccountbasicinfo tells beyond the authorizer's name, avatar, introduction and
/// verification (kept on [`Authorizer`] itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicInfoState {
    /// `None`: derived from the principal name ([`derive_principal_type`]).
    #[serde(default)]
    pub principal_type: Option<i64>,
    /// 1 verified (the default), 2 verifying, 3 failed.
    #[serde(default = "verified_realname")]
    pub realname_status: i64,
    /// `None`: derived from the principal type and the verification.
    #[serde(default)]
    pub customer_type: Option<i64>,
    /// `None`: the same as the qualification verification.
    #[serde(default)]
    pub naming_verify: Option<bool>,
    /// Changes made through the control endpoint (they count against the quotas shown).
    #[serde(default)]
    pub signature_modify_used: i64,
    #[serde(default)]
    pub head_image_modify_used: i64,
    #[serde(default)]
    pub nickname_modify_used: i64,
}

fn verified_realname() -> i64 {
    realname_status::VERIFIED
}

impl Default for BasicInfoState {
    fn default() -> Self {
        Self {
            principal_type: None,
            realname_status: realname_status::VERIFIED,
            customer_type: None,
            naming_verify: None,
            signature_modify_used: 0,
            head_image_modify_used: 0,
            nickname_modify_used: 0,
        }
    }
}

/// The principal type a principal name suggests (provisional: WeChat knows it from the
/// registration, the simulator only has the name). Personal follows the simulator's one rule
/// for it (the name starts with "个人"); then words of government bodies,
/// of media, of companies; anything else is an other organisation. Without an override it
/// agrees with [`crate::simulator::code::is_personal`], which the tester limits use.
pub fn derive_principal_type(principal_name: &str) -> i64 {
    const GOVERNMENT: [&str; 8] = [
        "政府",
        "政务",
        "人民",
        "委员会",
        "公安",
        "法院",
        "检察",
        "管理局",
    ];
    const MEDIA: [&str; 8] = [
        "报社", "日报", "杂志", "电视", "电台", "广播", "传媒", "出版",
    ];
    const ENTERPRISE: [&str; 6] = ["公司", "企业", "集团", "工作室", "个体", "商行"];
    let name = principal_name.trim();
    if name.starts_with("个人") {
        principal_type::PERSONAL
    } else if GOVERNMENT.iter().any(|w| name.contains(w)) {
        principal_type::GOVERNMENT
    } else if MEDIA.iter().any(|w| name.contains(w)) {
        principal_type::MEDIA
    } else if ENTERPRISE.iter().any(|w| name.contains(w)) {
        principal_type::ENTERPRISE
    } else {
        principal_type::OTHER_ORGANIZATION
    }
}

/// The account's principal type: set through the control endpoint, else derived.
pub fn principal_type_of(a: &Authorizer) -> i64 {
    a.basic_info
        .principal_type
        .unwrap_or_else(|| derive_principal_type(&a.principal_name))
}

/// 资质认证: `verify_type` -1 is "not verified", any other value a verification; personal
/// accounts cannot be verified (the onboarding seed: 个人类型帐号暂不支持微信认证).
pub fn qualification_verified(a: &Authorizer) -> bool {
    a.verify_type >= 0 && principal_type_of(a) != principal_type::PERSONAL
}

/// `customer_type` (WxJava's javadoc): 0 not verified, else by the principal type
/// (1 企业, 2 企业媒体, 3 政府, 4 非盈利组织).
pub fn customer_type_of(a: &Authorizer) -> i64 {
    if let Some(t) = a.basic_info.customer_type {
        return t;
    }
    if !qualification_verified(a) {
        return 0;
    }
    match principal_type_of(a) {
        principal_type::ENTERPRISE => 1,
        principal_type::MEDIA => 2,
        principal_type::GOVERNMENT => 3,
        principal_type::OTHER_ORGANIZATION => 4,
        _ => 0,
    }
}

/// 主体标识: a made-up unified social credit code (18 characters) for organisations, none
/// for a person.
fn credential_of(a: &Authorizer) -> String {
    if principal_type_of(a) == principal_type::PERSONAL {
        return String::new();
    }
    let digits: String = a
        .appid
        .chars()
        .skip(2)
        .take(10)
        .collect::<String>()
        .to_uppercase();
    format!("91310000{digits}")
}

/// getaccountbasicinfo's fields for `a` (without errcode / errmsg).
pub fn describe(a: &Authorizer) -> Value {
    let verified = qualification_verified(a);
    let mut verify = json!({
        "qualification_verify": verified,
        "naming_verify": a.basic_info.naming_verify.unwrap_or(verified),
    });
    if verified {
        // The annual-review fields come only with a qualification verification (the doc).
        verify["annual_review"] = json!(false);
        verify["annual_review_begin_time"] = json!(0);
        verify["annual_review_end_time"] = json!(0);
    }
    let b = &a.basic_info;
    json!({
        "appid": a.appid,
        "account_type": ACCOUNT_TYPE_MINI_PROGRAM,
        "principal_type": principal_type_of(a),
        "principal_name": a.principal_name,
        "credential": credential_of(a),
        "realname_status": b.realname_status,
        "wx_verify_info": verify,
        "signature_info": {
            "signature": a.signature,
            "modify_used_count": b.signature_modify_used,
            "modify_quota": SIGNATURE_QUOTA,
        },
        "head_image_info": {
            "head_image_url": a.head_img,
            "modify_used_count": b.head_image_modify_used,
            "modify_quota": HEAD_IMAGE_QUOTA,
        },
        "nickname": a.nick_name,
        "nickname_info": {
            "nickname": a.nick_name,
            "modify_used_count": b.nickname_modify_used,
            "modify_quota": NICKNAME_QUOTA,
        },
        "registered_country": 0,
        "customer_type": customer_type_of(a),
    })
}

pub fn routes() -> Router<Sim> {
    // GET is what most SDKs send, POST what the current doc says: both are answered.
    Router::new().route(
        "/cgi-bin/account/getaccountbasicinfo",
        get(get_account_basic_info).post(get_account_basic_info),
    )
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    access_token: Option<String>,
}

/// `GET|POST /cgi-bin/account/getaccountbasicinfo?access_token=` (no body; one sent with a
/// POST is ignored). Checks: the token (41001 / 40001 / 42001; the platform's component
/// token is not an account's: 40001), then the scope: a platform token of an account that
/// did not grant permission set 30 is 61007. The account's own token (`/cgi-bin/token`)
/// owes nothing to the platform's grant.
async fn get_account_basic_info(State(sim): State<Sim>, Query(q): Query<TokenQuery>) -> SimResult {
    let now = sim.now();
    let state = sim.lock();
    let token = q.access_token.as_deref();
    let appid = state.authorizer_appid(token, now)?;
    let own = token.is_some_and(|t| state.is_own_token(t, now));
    let a = state
        .authorizers
        .get(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if !own && !a.func_info.contains(&PERMISSION_SET) {
        return Err(SimError::new(61007, "api is unauthorized to component"));
    }
    ok(describe(a))
}

// ---------------------------------------------------------------------------
// Control API (under `/__sim`).
// ---------------------------------------------------------------------------

pub fn control_routes() -> Router<Sim> {
    Router::new().route("/basic-info", post(set_basic_info))
}

/// What the owner changes; absent fields stay as they are.
#[derive(Debug, Default, Deserialize)]
pub struct BasicInfoChange {
    pub appid: String,
    #[serde(default)]
    pub nick_name: Option<String>,
    #[serde(default)]
    pub head_img: Option<String>,
    #[serde(default)]
    pub signature: Option<String>,
    /// 0–4 ([`principal_type`]).
    #[serde(default)]
    pub principal_type: Option<i64>,
    /// 1–3 ([`realname_status`]).
    #[serde(default)]
    pub realname_status: Option<i64>,
    /// -1 not verified, 0 WeChat-verified (as in authorizer info's `verify_type_info`).
    #[serde(default)]
    pub verify_type: Option<i64>,
    #[serde(default)]
    pub customer_type: Option<i64>,
    #[serde(default)]
    pub naming_verify: Option<bool>,
}

fn checked_text(name: &str, value: &Option<String>) -> Result<Option<String>, SimError> {
    match value {
        None => Ok(None),
        Some(v) if v.chars().count() > CONTROL_FIELD_MAX_CHARS => Err(SimError::bad_body(format!(
            "{name} is longer than {CONTROL_FIELD_MAX_CHARS} characters"
        ))),
        Some(v) => Ok(Some(v.trim().to_owned())),
    }
}

/// Applies `change` to `a`; a changed name, avatar or introduction counts as a use of its
/// quota, as an edit on mp.weixin.qq.com would.
pub fn apply_change(a: &mut Authorizer, change: &BasicInfoChange) -> Result<(), SimError> {
    let nick_name = checked_text("nick_name", &change.nick_name)?;
    let head_img = checked_text("head_img", &change.head_img)?;
    let signature = checked_text("signature", &change.signature)?;
    if let Some(t) = change.principal_type {
        if !(principal_type::PERSONAL..=principal_type::OTHER_ORGANIZATION).contains(&t) {
            return Err(SimError::bad_body("principal_type must be 0–4"));
        }
    }
    if let Some(s) = change.realname_status {
        if !(realname_status::VERIFIED..=realname_status::FAILED).contains(&s) {
            return Err(SimError::bad_body("realname_status must be 1–3"));
        }
    }
    if let Some(name) = nick_name {
        if name != a.nick_name {
            a.nick_name = name;
            a.basic_info.nickname_modify_used += 1;
        }
    }
    if let Some(url) = head_img {
        if url != a.head_img {
            a.head_img = url;
            a.basic_info.head_image_modify_used += 1;
        }
    }
    if let Some(text) = signature {
        if text != a.signature {
            a.signature = text;
            a.basic_info.signature_modify_used += 1;
        }
    }
    if let Some(t) = change.principal_type {
        a.basic_info.principal_type = Some(t);
    }
    if let Some(s) = change.realname_status {
        a.basic_info.realname_status = s;
    }
    if let Some(v) = change.verify_type {
        a.verify_type = v;
    }
    if let Some(c) = change.customer_type {
        a.basic_info.customer_type = Some(c);
    }
    if let Some(n) = change.naming_verify {
        a.basic_info.naming_verify = Some(n);
    }
    Ok(())
}

/// `POST /__sim/basic-info {"appid", "nick_name"?, "head_img"?, "signature"?,
/// "principal_type"?, "realname_status"?, "verify_type"?, "customer_type"?, "naming_verify"?}`:
/// the owner edits the account (e.g. empties the introduction, then fills it again). Answers
/// what getaccountbasicinfo would; 400 with 40013 for an unknown appid, 47001 for a value
/// out of range.
async fn set_basic_info(
    State(sim): State<Sim>,
    Json(change): Json<BasicInfoChange>,
) -> ControlResult {
    let answer = {
        let mut state = sim.lock();
        let a = state
            .authorizers
            .get_mut(&change.appid)
            .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
        apply_change(a, &change).map_err(control_error)?;
        describe(a)
    };
    sim.save();
    Ok(Json(answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::{AuthorizerProfile, SimState};

    fn account(principal: &str, verify_type: i64) -> Authorizer {
        let mut state = SimState::default();
        let appid = state.upsert_authorizer(&AuthorizerProfile {
            appid: Some("wx0123456789abcdef".into()),
            nick_name: "基本信息".into(),
            principal_name: principal.into(),
            verify_type,
            categories: Vec::new(),
        });
        state.authorizers[&appid].clone()
    }

    #[test]
    fn principal_types_from_names() {
        assert_eq!(derive_principal_type("个人"), principal_type::PERSONAL);
        assert_eq!(
            derive_principal_type("个人开发者3"),
            principal_type::PERSONAL
        );
        assert_eq!(
            derive_principal_type("星辰咖啡（上海）有限公司"),
            principal_type::ENTERPRISE
        );
        assert_eq!(
            derive_principal_type("云途出行所在区政务服务中心"),
            principal_type::GOVERNMENT
        );
        assert_eq!(derive_principal_type("晨光日报社"), principal_type::MEDIA);
        assert_eq!(
            derive_principal_type("绿水青山环保协会"),
            principal_type::OTHER_ORGANIZATION
        );
    }

    #[test]
    fn a_fresh_account_has_no_avatar_or_introduction_and_is_verified_by_name() {
        let a = account("星辰咖啡有限公司", 0);
        let v = describe(&a);
        assert_eq!(v["nickname"], "基本信息");
        assert_eq!(v["nickname_info"]["nickname"], "基本信息");
        assert_eq!(v["head_image_info"]["head_image_url"], "");
        assert_eq!(v["signature_info"]["signature"], "");
        assert_eq!(v["principal_type"], principal_type::ENTERPRISE);
        assert_eq!(v["realname_status"], realname_status::VERIFIED);
        assert_eq!(v["wx_verify_info"]["qualification_verify"], true);
        assert_eq!(v["customer_type"], 1);
        assert_eq!(v["credential"].as_str().map(str::len), Some(18));
        // A person cannot be verified, whatever verify_type says.
        let person = describe(&account("个人", 0));
        assert_eq!(person["principal_type"], principal_type::PERSONAL);
        assert_eq!(person["wx_verify_info"]["qualification_verify"], false);
        assert!(person["wx_verify_info"].get("annual_review").is_none());
        assert_eq!(person["customer_type"], 0);
        assert_eq!(person["credential"], "");
        let unverified = describe(&account("青禾生鲜有限公司", -1));
        assert_eq!(unverified["wx_verify_info"]["qualification_verify"], false);
        assert_eq!(unverified["customer_type"], 0);
    }

    #[test]
    fn changes_apply_and_count_against_the_quotas() {
        let mut a = account("星辰咖啡有限公司", 0);
        let appid = a.appid.clone();
        apply_change(
            &mut a,
            &BasicInfoChange {
                appid: appid.clone(),
                head_img: Some("https://img.example.com/a.png".into()),
                signature: Some("  咖啡点单  ".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(a.signature, "咖啡点单");
        assert_eq!(a.basic_info.signature_modify_used, 1);
        assert_eq!(a.basic_info.head_image_modify_used, 1);
        assert_eq!(a.basic_info.nickname_modify_used, 0);
        // The same value again is no change.
        apply_change(
            &mut a,
            &BasicInfoChange {
                appid,
                signature: Some("咖啡点单".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(a.basic_info.signature_modify_used, 1);
        for bad in [
            BasicInfoChange {
                principal_type: Some(5),
                ..Default::default()
            },
            BasicInfoChange {
                realname_status: Some(0),
                ..Default::default()
            },
            BasicInfoChange {
                signature: Some("长".repeat(CONTROL_FIELD_MAX_CHARS + 1)),
                ..Default::default()
            },
        ] {
            assert_eq!(
                apply_change(&mut a, &bad).map_err(|e| e.errcode),
                Err(47001)
            );
        }
        assert_eq!(a.signature, "咖啡点单");
    }
}
