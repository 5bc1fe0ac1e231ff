//! Testers (体验者, 成员管理), permission set 18: bind, unbind, list. No seed documents them;
//! paths, fields and errcodes from WeChat's open-platform docs and the SDKs that wrap them
//! (docs/research/onboarding-apis.md §1):
//! * bind: https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/member-management/api_bindtester.html
//!   (WxJava `WxOpenMaService.API_BIND_TESTER`, wechatpy `wxa.bind_tester`, EasyWeChat 4
//!   `Tester/Client::bind`, Senparc `TesterApi.BindTester`);
//! * unbind: …/member-management/api_unbindtester.html (WxJava `unbindTester` and
//!   `unbindTesterByUserStr`: "其他平台绑定的体验者无法获取到wechatid，可用此方法解绑");
//! * list: …/member-management/api_gettester.html (`memberauth`, action `get_experiencer`;
//!   WxJava `getTesterList`). WeChat lists `userstr` only, never the WeChat ID, so whoever
//!   wants names must keep the `wechatid ↔ userstr` pairs bind answers with.

use serde::{Deserialize, Serialize};

use crate::client::{Ack, Auth, CallCtx, Client, Endpoint, Error};

pub const BIND_TESTER: Endpoint = Endpoint::post_write("/wxa/bind_tester", Auth::Authorizer);
pub const UNBIND_TESTER: Endpoint = Endpoint::post_write("/wxa/unbind_tester", Auth::Authorizer);
/// A POST that only reads (the tester list).
pub const MEMBERAUTH: Endpoint = Endpoint::post_read("/wxa/memberauth", Auth::Authorizer);

/// Every endpoint of this module.
pub const ENDPOINTS: [Endpoint; 3] = [BIND_TESTER, UNBIND_TESTER, MEMBERAUTH];

/// memberauth's only action (api_gettester.html: "填 get_experiencer 即可").
pub const GET_EXPERIENCER: &str = "get_experiencer";

/// The permission set (权限集) the endpoints belong to: 开发管理与数据分析.
pub const PERMISSION_SET: i64 = 18;

/// `POST /wxa/bind_tester`: `wechatid` is the person's 微信号, not an openid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindTesterRequest {
    pub wechatid: String,
}

/// bind_tester's answer: `userstr`, "人员对应的唯一字符串".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindTesterResponse {
    #[serde(default)]
    pub userstr: String,
}

/// Whom unbind_tester names: "userstr 和 wechatid 填写其中一个即可".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TesterRef {
    WechatId(String),
    /// The only way to name a tester bound outside the platform (no WeChat ID is known).
    UserStr(String),
}

/// `POST /wxa/unbind_tester`: one of the two fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnbindTesterRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechatid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userstr: Option<String>,
}

impl From<&TesterRef> for UnbindTesterRequest {
    fn from(who: &TesterRef) -> Self {
        match who {
            TesterRef::WechatId(w) => Self {
                wechatid: Some(w.clone()),
                userstr: None,
            },
            TesterRef::UserStr(u) => Self {
                wechatid: None,
                userstr: Some(u.clone()),
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAuthRequest {
    pub action: String,
}

/// One tester as memberauth lists it: the userstr only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub userstr: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    #[serde(default)]
    pub members: Vec<Member>,
}

impl Client {
    /// Binds a WeChat ID as a tester of the mini program; its `userstr` on success. An
    /// answer without one is [`Error::Decode`]: the bind may have happened, so the caller
    /// settles it from [`Client::get_experiencer`] as for a lost answer.
    pub async fn bind_tester(&self, ctx: &CallCtx<'_>, wechatid: &str) -> Result<String, Error> {
        let body = BindTesterRequest {
            wechatid: wechatid.to_owned(),
        };
        let answer: BindTesterResponse =
            self.call_json(&BIND_TESTER, ctx, &[], Some(&body)).await?;
        if answer.userstr.is_empty() {
            return Err(Error::Decode(
                "/wxa/bind_tester: errcode 0 without userstr".into(),
            ));
        }
        Ok(answer.userstr)
    }

    /// Unbinds a tester, by WeChat ID or by userstr.
    pub async fn unbind_tester(&self, ctx: &CallCtx<'_>, who: &TesterRef) -> Result<Ack, Error> {
        let body = UnbindTesterRequest::from(who);
        self.call_json(&UNBIND_TESTER, ctx, &[], Some(&body)).await
    }

    /// The testers' userstrs (`memberauth` with action `get_experiencer`), in WeChat's order.
    pub async fn get_experiencer(&self, ctx: &CallCtx<'_>) -> Result<Vec<String>, Error> {
        let body = MemberAuthRequest {
            action: GET_EXPERIENCER.to_owned(),
        };
        let list: MemberList = self.call_json(&MEMBERAUTH, ctx, &[], Some(&body)).await?;
        Ok(list.members.into_iter().map(|m| m.userstr).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Method;

    #[test]
    fn writes_and_reads_are_marked() {
        let writes: Vec<bool> = [BIND_TESTER, UNBIND_TESTER, MEMBERAUTH]
            .iter()
            .map(|e| e.writes)
            .collect();
        assert_eq!(writes, [true, true, false]);
        for e in ENDPOINTS {
            assert_eq!(e.method, Method::Post, "{}", e.path);
            assert_eq!(e.auth, Auth::Authorizer, "{}", e.path);
        }
    }

    #[test]
    fn unbind_sends_exactly_one_field() {
        let by_id = serde_json::to_value(UnbindTesterRequest::from(&TesterRef::WechatId(
            "zhang_wei".into(),
        )))
        .unwrap();
        assert_eq!(by_id, serde_json::json!({"wechatid": "zhang_wei"}));
        let by_str =
            serde_json::to_value(UnbindTesterRequest::from(&TesterRef::UserStr("abc".into())))
                .unwrap();
        assert_eq!(by_str, serde_json::json!({"userstr": "abc"}));
    }

    #[test]
    fn reads_the_documented_answers() {
        let bound: BindTesterResponse =
            serde_json::from_str(r#"{"errcode":0,"errmsg":"ok","userstr":"xxxxxxxxx"}"#).unwrap();
        assert_eq!(bound.userstr, "xxxxxxxxx");
        let list: MemberList = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","members":[{"userstr":"xxxxxxxx"},{"userstr":"yyyyyyyyy"}]}"#,
        )
        .unwrap();
        assert_eq!(list.members.len(), 2);
        assert_eq!(list.members[1].userstr, "yyyyyyyyy");
        let empty: MemberList = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert!(empty.members.is_empty());
    }
}
