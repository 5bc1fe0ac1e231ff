//! Basic info (基本信息), permission set 30: `getaccountbasicinfo`, the account's name, avatar,
//! introduction, subject and verification. No seed documents it; the path, fields and
//! meanings are from WeChat's docs and the SDKs that wrap it (docs/research/onboarding-apis.md
//! §5):
//! * https://developers.weixin.qq.com/doc/oplatform/openApi/miniprogram-management/basic-info-management/api_getaccountbasicinfo
//!   (the response table);
//! * the method: the current doc says POST without a body, but WxJava
//!   (`WxOpenMaServiceImpl.getAccountBasicInfo`: `get(API_GET_ACCOUNT_BASICINFO, "")`),
//!   Senparc (`AccountApi.GetAccountBasicInfo`, `CommonJsonSendType.GET`), dtapps
//!   (`cgi-bin.account.getaccountbasicinfo.go`, `http.MethodGet`) and silenceper/wechat
//!   (`open/Information.go`) send GET, and WeChat answers both. This client sends GET, as most
//!   SDKs do; EasyWeChat 4 (`Account/Client::getBasicInfo`) posts;
//! * the fields: WxJava `WxFastMaAccountBasicInfoResult`, dtapps `GetAccountBasicInfoResponse`,
//!   RsCode `GetAccountBasicInfoResponse.cs`. Quotas: the introduction's per month, the
//!   avatar's and the name's per year (dtapps' comments: 本月 / 本年).
//!
//! The seed ties it to submitting code: submit_audit's 86002 "小程序还未设置昵称、头像、简介。
//! 请先设置完后再重新提交" (third-party-code-management.rst).

use serde::{Deserialize, Serialize};

use crate::client::{Auth, CallCtx, Client, Endpoint, Error};

pub const GET_ACCOUNT_BASIC_INFO: Endpoint =
    Endpoint::get("/cgi-bin/account/getaccountbasicinfo", Auth::Authorizer);

/// Every endpoint of this module.
pub const ENDPOINTS: [Endpoint; 1] = [GET_ACCOUNT_BASIC_INFO];

/// The permission set (权限集) the endpoint belongs to: 小程序基本信息管理.
pub const PERMISSION_SET: i64 = 30;

/// `account_type` of a mini program (1 订阅号, 2 服务号, 3 小程序).
pub const ACCOUNT_TYPE_MINI_PROGRAM: i64 = 3;

/// `principal_type` (RsCode `GetAccountBasicInfoResponse.cs`): the subject that owns the
/// account.
pub mod principal_type {
    pub const PERSONAL: i64 = 0;
    pub const ENTERPRISE: i64 = 1;
    pub const MEDIA: i64 = 2;
    pub const GOVERNMENT: i64 = 3;
    pub const OTHER_ORGANIZATION: i64 = 4;
}

/// `realname_status`: 1 实名验证成功, 2 实名验证中, 3 实名验证失败.
pub mod realname_status {
    pub const VERIFIED: i64 = 1;
    pub const VERIFYING: i64 = 2;
    pub const FAILED: i64 = 3;
}

/// `wx_verify_info` (微信认证信息); the annual-review fields come only when
/// `qualification_verify` is true (the doc).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WxVerifyInfo {
    /// 是否资质认证: with it the account has the verified accounts' permissions.
    #[serde(default)]
    pub qualification_verify: bool,
    /// 是否名称认证.
    #[serde(default)]
    pub naming_verify: bool,
    /// 是否需要年审.
    #[serde(default)]
    pub annual_review: bool,
    #[serde(default)]
    pub annual_review_begin_time: i64,
    #[serde(default)]
    pub annual_review_end_time: i64,
}

/// `signature_info`: the introduction (功能介绍) and its changes this month.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureInfo {
    #[serde(default)]
    pub signature: String,
    #[serde(default)]
    pub modify_used_count: i64,
    #[serde(default)]
    pub modify_quota: i64,
}

/// `head_image_info`: the avatar and its changes this year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadImageInfo {
    #[serde(default)]
    pub head_image_url: String,
    #[serde(default)]
    pub modify_used_count: i64,
    #[serde(default)]
    pub modify_quota: i64,
}

/// `nickname_info`: the name and its changes this year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicknameInfo {
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub modify_used_count: i64,
    #[serde(default)]
    pub modify_quota: i64,
}

/// getaccountbasicinfo's answer. Every field defaults, so an older or trimmed answer still
/// reads (the doc marks several as "only when …").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountBasicInfo {
    #[serde(default)]
    pub appid: String,
    /// 1 订阅号, 2 服务号, 3 小程序.
    #[serde(default)]
    pub account_type: i64,
    /// See [`principal_type`].
    #[serde(default)]
    pub principal_type: i64,
    #[serde(default)]
    pub principal_name: String,
    /// 主体标识 (e.g. the unified social credit code).
    #[serde(default)]
    pub credential: String,
    /// See [`realname_status`].
    #[serde(default)]
    pub realname_status: i64,
    #[serde(default)]
    pub wx_verify_info: WxVerifyInfo,
    #[serde(default)]
    pub signature_info: SignatureInfo,
    #[serde(default)]
    pub head_image_info: HeadImageInfo,
    /// The name (also in `nickname_info`).
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub nickname_info: NicknameInfo,
    /// 注册国家 (a code; WeChat publishes no list).
    #[serde(default)]
    pub registered_country: i64,
    /// 认证类型 (WxJava's javadoc): 0 未认证, 1 企业, 2 企业媒体, 3 政府, 4 非盈利组织,
    /// 5 民营非企业, 6 盈利组织, 8 社会团体, 9 事业媒体, 11 事业单位, 12 个体工商户,
    /// 14 海外企业.
    #[serde(default)]
    pub customer_type: i64,
}

impl AccountBasicInfo {
    /// The name, from whichever of the two fields carries it.
    pub fn name(&self) -> &str {
        if self.nickname.trim().is_empty() {
            &self.nickname_info.nickname
        } else {
            &self.nickname
        }
    }
}

impl Client {
    /// The account's basic info (`GET /cgi-bin/account/getaccountbasicinfo`). A read: retried
    /// when WeChat is busy.
    pub async fn get_account_basic_info(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<AccountBasicInfo, Error> {
        self.call_json::<(), _>(&GET_ACCOUNT_BASIC_INFO, ctx, &[], None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Method;

    #[test]
    fn a_get_that_only_reads() {
        for e in ENDPOINTS {
            assert_eq!(e.method, Method::Get, "{}", e.path);
            assert_eq!(e.auth, Auth::Authorizer, "{}", e.path);
            assert!(!e.writes, "{}", e.path);
        }
    }

    #[test]
    fn reads_the_documented_answer() {
        // The doc's example answer, fields as in its response table.
        let info: AccountBasicInfo = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","appid":"wxdc685123d955fdb6","account_type":3,
            "principal_type":1,"principal_name":"深圳市腾讯计算机系统有限公司",
            "credential":"9144030071526XXXX","realname_status":1,
            "wx_verify_info":{"qualification_verify":false,"naming_verify":false},
            "signature_info":{"signature":"功能介绍","modify_used_count":1,"modify_quota":5},
            "head_image_info":{"head_image_url":"http://mmbiz.qpic.cn/x/0","modify_used_count":3,"modify_quota":5},
            "nickname_info":{"nickname":"小程序名称","modify_used_count":1,"modify_quota":2},
            "registered_country":1017,"nickname":"小程序名称","customer_type":1}"#,
        )
        .unwrap();
        assert_eq!(info.account_type, ACCOUNT_TYPE_MINI_PROGRAM);
        assert_eq!(info.principal_type, principal_type::ENTERPRISE);
        assert_eq!(info.realname_status, realname_status::VERIFIED);
        assert!(!info.wx_verify_info.qualification_verify);
        assert_eq!(info.signature_info.modify_quota, 5);
        assert_eq!(
            info.head_image_info.head_image_url,
            "http://mmbiz.qpic.cn/x/0"
        );
        assert_eq!(info.name(), "小程序名称");
        assert_eq!(info.customer_type, 1);
        // A trimmed answer still reads; the name then comes from nickname_info.
        let trimmed: AccountBasicInfo = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","nickname_info":{"nickname":"只在这里"}}"#,
        )
        .unwrap();
        assert_eq!(trimmed.name(), "只在这里");
        assert!(trimmed.signature_info.signature.is_empty());
    }
}
