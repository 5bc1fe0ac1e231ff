//! Domains (permission set 18): the mini program's server domains (服务器域名: request,
//! socket, upload, download, udp, tcp) through `modify_domain`, and its business domains
//! (业务域名, the web-view's) through `setwebviewdomain`. No seed documents them; paths, fields
//! and errcodes from WeChat's open-platform docs and the SDKs that wrap them
//! (docs/research/onboarding-apis.md §2, §3):
//! * modify_domain: https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/domain-management/api_modifyserverdomain
//!   (WxJava `WxOpenMaService.API_MODIFY_DOMAIN` + `modifyDomain(action, request, ws, upload,
//!   download, udp, tcp)`, which sends the six arrays only when the action is not `get`;
//!   Senparc `DomainApi.ModifyDomain`; wechatpy `wxa.modify_domain`, four arrays; EasyWeChat 4
//!   `Domain/Client::modify`; the answer's 13 fields in dtapps `wxa.modify_domain.go` and RsCode
//!   `ModifyServerDomainResponse.cs`, the four + four of WxJava `WxOpenMaDomainResult`);
//! * setwebviewdomain: …/domain-management/api_modifyjumpdomain.html (WxJava
//!   `API_SET_WEBVIEW_DOMAIN`, `setWebViewDomain(action, list)` → `WxOpenMaWebDomainResult`;
//!   EasyWeChat 4 `Domain/Client::setWebviewDomain`; Senparc `DomainApi.SetWebViewDomain`,
//!   whose result says "以下字段仅在get时返回").
//!
//! Both write with the same path they read with (`action: get`), so each has a read and a
//! write [`Endpoint`]: a lost answer to a read is retried, to a write it is an unknown outcome.

use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Auth, CallCtx, Client, Endpoint, Error};

/// `modify_domain` with `add`, `delete` or `set`.
pub const MODIFY_DOMAIN: Endpoint = Endpoint::post_write("/wxa/modify_domain", Auth::Authorizer);
/// `modify_domain` with `get` (reads).
pub const MODIFY_DOMAIN_GET: Endpoint = Endpoint::post_read("/wxa/modify_domain", Auth::Authorizer);
/// `setwebviewdomain` with `add`, `delete` or `set`.
pub const SET_WEBVIEW_DOMAIN: Endpoint =
    Endpoint::post_write("/wxa/setwebviewdomain", Auth::Authorizer);
/// `setwebviewdomain` with `get` (reads).
pub const SET_WEBVIEW_DOMAIN_GET: Endpoint =
    Endpoint::post_read("/wxa/setwebviewdomain", Auth::Authorizer);

/// Every endpoint of this module.
pub const ENDPOINTS: [Endpoint; 4] = [
    MODIFY_DOMAIN,
    MODIFY_DOMAIN_GET,
    SET_WEBVIEW_DOMAIN,
    SET_WEBVIEW_DOMAIN_GET,
];

/// The permission set (权限集) the endpoints belong to: 开发管理与数据分析.
pub const PERMISSION_SET: i64 = 18;

/// Current docs (modifyServerDomain 注意事项): "Request/Socket/Uploadfile/Download/Udp/tcp
/// 域名的设置数量均最大支持 200 个" (older pages said 20).
pub const SERVER_DOMAINS_MAX: usize = 200;
/// api_modifyjumpdomain.html 注意事项 and domain.md: "最多可以添加 300 个业务域名" (89029's own
/// text still says 100; the page's figure is used).
pub const WEBVIEW_DOMAINS_MAX: usize = 300;
/// modifyServerDomain 注意事项: "每月可提交修改申请50次" (the errcode beyond it is undocumented).
pub const SERVER_DOMAIN_CHANGES_PER_MONTH: usize = 50;
/// modifyServerDomain 注意事项: "api.weixin.qq.com 不能被配置为服务器域名".
pub const RESERVED_SERVER_HOST: &str = "api.weixin.qq.com";

/// The errcodes of the two endpoints (the docs' tables via dtapps / RsCode / WxJava, see
/// docs/research/onboarding-apis.md §2–§3).
pub mod errcode {
    /// modify_domain: 该账号不是小程序账号 (the catalogue's 85015 is the seed's 版本输入错误:
    /// [`crate::errcode::describe_at`] gives this endpoint its own meaning).
    pub const NOT_A_MINI_PROGRAM: i64 = 85015;
    /// modify_domain: 域名数量超过限制.
    pub const TOO_MANY_DOMAINS: i64 = 85016;
    /// modify_domain: nothing new (or nothing registered on the platform) after filtering.
    pub const NOTHING_TO_MODIFY: i64 = 85017;
    /// modify_domain: 域名没有在第三方平台设置.
    pub const NOT_ON_PLATFORM: i64 = 85018;
    /// modify_domain: nothing changed because of domains against the rules.
    pub const AGAINST_RULES: i64 = 85301;
    /// modify_domain: nothing changed because of domains without an ICP filing.
    pub const NO_ICP: i64 = 85302;
    /// modify_domain: nothing changed, both of the above.
    pub const AGAINST_RULES_AND_NO_ICP: i64 = 85303;
    /// setwebviewdomain: 业务域名无更改，无需重复设置.
    pub const WEBVIEW_UNCHANGED: i64 = 89019;
    /// setwebviewdomain: the platform has no business domain registered.
    pub const WEBVIEW_PLATFORM_EMPTY: i64 = 89020;
    /// setwebviewdomain: not the platform's business domain or a sub-domain of one.
    pub const WEBVIEW_NOT_ON_PLATFORM: i64 = 89021;
    /// setwebviewdomain: deleting a domain that is not there (WxJava's table only).
    pub const WEBVIEW_DELETE_ABSENT: i64 = 89022;
    /// setwebviewdomain: too many business domains.
    pub const WEBVIEW_TOO_MANY: i64 = 89029;
    /// Provisional: the monthly limit of modify_domain (WxJava's "operation reach month
    /// limit"; WeChat documents the 50 without its errcode).
    pub const MONTHLY_LIMIT: i64 = 89030;
    /// setwebviewdomain: 个人小程序不支持调用 setwebviewdomain 接口.
    pub const WEBVIEW_PERSONAL: i64 = 89231;
}

/// What a call does. setwebviewdomain also takes no action at all ("默认将第三方平台登记的小程序
/// 业务域名全部添加到该小程序"), which the console never sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DomainAction {
    Get,
    Add,
    Delete,
    /// Overwrites the lists sent (覆盖).
    Set,
}

impl DomainAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainAction::Get => "get",
            DomainAction::Add => "add",
            DomainAction::Delete => "delete",
            DomainAction::Set => "set",
        }
    }
}

/// WeChat may answer `null` for an empty list.
fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.unwrap_or_default())
}

/// The six server-domain lists, in WeChat's field names (`https://…`, `wss://…` entries).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerDomains {
    #[serde(default, deserialize_with = "list")]
    pub requestdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub wsrequestdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub uploaddomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub downloaddomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub udpdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub tcpdomain: Vec<String>,
}

impl ServerDomains {
    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub fn total(&self) -> usize {
        self.requestdomain.len()
            + self.wsrequestdomain.len()
            + self.uploaddomain.len()
            + self.downloaddomain.len()
            + self.udpdomain.len()
            + self.tcpdomain.len()
    }
}

/// `POST /wxa/modify_domain`: `action`, and for add / delete / set the six arrays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ModifyDomainRequest {
    pub action: DomainAction,
    /// Flattened: `None` adds no field at all.
    #[serde(flatten)]
    pub lists: Option<ServerDomains>,
}

/// The domains WeChat turned down in an answer that still changed something (errcode 0):
/// "不合法域名" per kind (`invalid_requestdomain` …) and "没有经过icp备案的域名".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedDomains {
    #[serde(default, deserialize_with = "list")]
    pub invalid_requestdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub invalid_wsrequestdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub invalid_uploaddomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub invalid_downloaddomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub invalid_udpdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub invalid_tcpdomain: Vec<String>,
    #[serde(default, deserialize_with = "list")]
    pub no_icp_domain: Vec<String>,
}

impl RejectedDomains {
    pub fn is_empty(&self) -> bool {
        self.invalid_requestdomain.is_empty()
            && self.invalid_wsrequestdomain.is_empty()
            && self.invalid_uploaddomain.is_empty()
            && self.invalid_downloaddomain.is_empty()
            && self.invalid_udpdomain.is_empty()
            && self.invalid_tcpdomain.is_empty()
            && self.no_icp_domain.is_empty()
    }
}

/// modify_domain's answer: the lists as they are now, and what was turned down.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyDomainAnswer {
    #[serde(flatten)]
    pub current: ServerDomains,
    #[serde(flatten)]
    pub rejected: RejectedDomains,
}

/// `POST /wxa/setwebviewdomain`: `action` and, except for get, `webviewdomain` (`https://`
/// entries, no port).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetWebviewDomainRequest {
    pub action: DomainAction,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webviewdomain: Option<Vec<String>>,
}

/// setwebviewdomain's answer: the list, for get only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebviewDomains {
    #[serde(default, deserialize_with = "list")]
    pub webviewdomain: Vec<String>,
}

impl Client {
    /// The mini program's server domains (`modify_domain` with `get`).
    pub async fn get_server_domains(&self, ctx: &CallCtx<'_>) -> Result<ServerDomains, Error> {
        let body = ModifyDomainRequest {
            action: DomainAction::Get,
            lists: None,
        };
        let answer: ModifyDomainAnswer = self
            .call_json(&MODIFY_DOMAIN_GET, ctx, &[], Some(&body))
            .await?;
        Ok(answer.current)
    }

    /// `modify_domain`: adds, deletes or sets (overwrites) the lists given (all six are sent,
    /// as WxJava does; an empty list adds or deletes nothing, and with `set` empties the kind).
    /// With `get` the lists are not sent. A partial success is errcode 0 with the rejects in
    /// [`ModifyDomainAnswer::rejected`]; nothing applied is an error (85017, 85301–85303).
    pub async fn modify_domain(
        &self,
        ctx: &CallCtx<'_>,
        action: DomainAction,
        lists: &ServerDomains,
    ) -> Result<ModifyDomainAnswer, Error> {
        let (endpoint, lists) = match action {
            DomainAction::Get => (&MODIFY_DOMAIN_GET, None),
            _ => (&MODIFY_DOMAIN, Some(lists.clone())),
        };
        let body = ModifyDomainRequest { action, lists };
        self.call_json(endpoint, ctx, &[], Some(&body)).await
    }

    /// The mini program's business domains (`setwebviewdomain` with `get`).
    pub async fn get_webview_domains(&self, ctx: &CallCtx<'_>) -> Result<Vec<String>, Error> {
        self.set_webview_domain(ctx, DomainAction::Get, &[]).await
    }

    /// `setwebviewdomain`: adds, deletes or sets the business domains; the list WeChat holds
    /// for `get` (the other actions answer without one, so an empty list).
    pub async fn set_webview_domain(
        &self,
        ctx: &CallCtx<'_>,
        action: DomainAction,
        list: &[String],
    ) -> Result<Vec<String>, Error> {
        let (endpoint, webviewdomain) = match action {
            DomainAction::Get => (&SET_WEBVIEW_DOMAIN_GET, None),
            _ => (&SET_WEBVIEW_DOMAIN, Some(list.to_vec())),
        };
        let body = SetWebviewDomainRequest {
            action,
            webviewdomain,
        };
        let answer: WebviewDomains = self.call_json(endpoint, ctx, &[], Some(&body)).await?;
        Ok(answer.webviewdomain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Method;
    use serde_json::json;

    #[test]
    fn reads_and_writes_share_a_path_and_are_marked() {
        assert_eq!(MODIFY_DOMAIN.path, MODIFY_DOMAIN_GET.path);
        assert_eq!(SET_WEBVIEW_DOMAIN.path, SET_WEBVIEW_DOMAIN_GET.path);
        let writes: Vec<bool> = ENDPOINTS.iter().map(|e| e.writes).collect();
        assert_eq!(writes, [true, false, true, false]);
        for e in ENDPOINTS {
            assert_eq!(e.method, Method::Post, "{}", e.path);
            assert_eq!(e.auth, Auth::Authorizer, "{}", e.path);
        }
    }

    #[test]
    fn get_sends_the_action_only_and_writes_send_all_six_lists() {
        let get = ModifyDomainRequest {
            action: DomainAction::Get,
            lists: None,
        };
        assert_eq!(serde_json::to_value(get).unwrap(), json!({"action": "get"}));
        let add = ModifyDomainRequest {
            action: DomainAction::Add,
            lists: Some(ServerDomains {
                requestdomain: vec!["https://api.demo-shop.com".into()],
                ..Default::default()
            }),
        };
        assert_eq!(
            serde_json::to_value(add).unwrap(),
            json!({"action": "add", "requestdomain": ["https://api.demo-shop.com"],
                "wsrequestdomain": [], "uploaddomain": [], "downloaddomain": [],
                "udpdomain": [], "tcpdomain": []})
        );
        let web = SetWebviewDomainRequest {
            action: DomainAction::Get,
            webviewdomain: None,
        };
        assert_eq!(serde_json::to_value(web).unwrap(), json!({"action": "get"}));
    }

    #[test]
    fn reads_a_partial_success_and_null_lists() {
        let answer: ModifyDomainAnswer = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","requestdomain":["https://api.demo-shop.com"],
                "wsrequestdomain":null,"invalid_requestdomain":["https://cdn.other.com"],
                "no_icp_domain":["https://api.demo-shop.test"]}"#,
        )
        .unwrap();
        assert_eq!(answer.current.requestdomain, ["https://api.demo-shop.com"]);
        assert!(answer.current.wsrequestdomain.is_empty());
        assert_eq!(answer.current.total(), 1);
        assert_eq!(
            answer.rejected.invalid_requestdomain,
            ["https://cdn.other.com"]
        );
        assert_eq!(
            answer.rejected.no_icp_domain,
            ["https://api.demo-shop.test"]
        );
        assert!(!answer.rejected.is_empty());
        let web: WebviewDomains = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","webviewdomain":["https://h5.demo-shop.com"]}"#,
        )
        .unwrap();
        assert_eq!(web.webviewdomain, ["https://h5.demo-shop.com"]);
        let none: WebviewDomains = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert!(none.webviewdomain.is_empty());
    }
}
