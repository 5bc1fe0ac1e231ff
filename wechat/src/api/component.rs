//! Third-party platform basics: component token, pre-auth code, authorization
//! link, api_query_auth, authorizer token refresh and authorizer info.

use serde::{Deserialize, Serialize};

use crate::client::{Auth, CallCtx, Client, Endpoint, Error};

pub const COMPONENT_TOKEN: Endpoint =
    Endpoint::post_read("/cgi-bin/component/api_component_token", Auth::None);
pub const CREATE_PREAUTHCODE: Endpoint =
    Endpoint::post_write("/cgi-bin/component/api_create_preauthcode", Auth::Component);
pub const QUERY_AUTH: Endpoint =
    Endpoint::post_write("/cgi-bin/component/api_query_auth", Auth::Component);
pub const AUTHORIZER_TOKEN: Endpoint =
    Endpoint::post_write("/cgi-bin/component/api_authorizer_token", Auth::Component);
pub const GET_AUTHORIZER_INFO: Endpoint = Endpoint::post_read(
    "/cgi-bin/component/api_get_authorizer_info",
    Auth::Component,
);

/// Where owners confirm an authorization in real mode.
pub const REAL_AUTH_PAGE: &str = "https://mp.weixin.qq.com/cgi-bin/componentloginpage";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentTokenRequest {
    pub component_appid: String,
    pub component_appsecret: String,
    pub component_verify_ticket: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentToken {
    pub component_access_token: String,
    pub expires_in: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentAppid {
    pub component_appid: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreAuthCode {
    pub pre_auth_code: String,
    pub expires_in: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAuthRequest {
    pub component_appid: String,
    pub authorization_code: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncScopeId {
    pub id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncInfo {
    pub funcscope_category: FuncScopeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationInfo {
    pub authorizer_appid: String,
    #[serde(default)]
    pub authorizer_access_token: String,
    #[serde(default)]
    pub expires_in: i64,
    pub authorizer_refresh_token: String,
    #[serde(default)]
    pub func_info: Vec<FuncInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryAuthResponse {
    pub authorization_info: AuthorizationInfo,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerTokenRequest {
    pub component_appid: String,
    pub authorizer_appid: String,
    pub authorizer_refresh_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerToken {
    pub authorizer_access_token: String,
    pub expires_in: i64,
    pub authorizer_refresh_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerInfoRequest {
    pub component_appid: String,
    pub authorizer_appid: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeId {
    pub id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiniProgramCategory {
    pub first: String,
    pub second: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MiniProgramInfo {
    #[serde(default)]
    pub categories: Vec<MiniProgramCategory>,
    #[serde(default)]
    pub visit_status: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerInfo {
    pub nick_name: String,
    #[serde(default)]
    pub head_img: String,
    pub service_type_info: TypeId,
    pub verify_type_info: TypeId,
    /// The original id (gh_…).
    pub user_name: String,
    pub principal_name: String,
    #[serde(default)]
    pub signature: String,
    /// Present for mini programs only.
    #[serde(rename = "MiniProgramInfo", default)]
    pub mini_program_info: Option<MiniProgramInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerInfoResponse {
    pub authorizer_info: AuthorizerInfo,
    pub authorization_info: AuthorizationInfo,
}

/// The page where the owner scans and confirms: `base` is [`REAL_AUTH_PAGE`]
/// in real mode or the simulator's page. `auth_type=2` lists mini programs only.
pub fn authorization_link(
    base: &str,
    component_appid: &str,
    pre_auth_code: &str,
    redirect_uri: &str,
) -> String {
    let mut url = match url::Url::parse(base) {
        Ok(u) => u,
        Err(_) => return String::new(),
    };
    url.query_pairs_mut()
        .append_pair("component_appid", component_appid)
        .append_pair("pre_auth_code", pre_auth_code)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("auth_type", "2");
    url.into()
}

impl Client {
    /// Needs no token: this is how the component token is obtained.
    pub async fn component_token(
        &self,
        request: &ComponentTokenRequest,
    ) -> Result<ComponentToken, Error> {
        let ctx = CallCtx {
            tokens: &crate::client::NoTokens,
            appid: None,
        };
        self.call_json(&COMPONENT_TOKEN, &ctx, &[], Some(request))
            .await
    }

    pub async fn create_preauthcode(
        &self,
        ctx: &CallCtx<'_>,
        component_appid: &str,
    ) -> Result<PreAuthCode, Error> {
        let body = ComponentAppid {
            component_appid: component_appid.to_owned(),
        };
        self.call_json(&CREATE_PREAUTHCODE, ctx, &[], Some(&body))
            .await
    }

    pub async fn query_auth(
        &self,
        ctx: &CallCtx<'_>,
        request: &QueryAuthRequest,
    ) -> Result<QueryAuthResponse, Error> {
        self.call_json(&QUERY_AUTH, ctx, &[], Some(request)).await
    }

    pub async fn authorizer_token(
        &self,
        ctx: &CallCtx<'_>,
        request: &AuthorizerTokenRequest,
    ) -> Result<AuthorizerToken, Error> {
        self.call_json(&AUTHORIZER_TOKEN, ctx, &[], Some(request))
            .await
    }

    pub async fn authorizer_info(
        &self,
        ctx: &CallCtx<'_>,
        request: &AuthorizerInfoRequest,
    ) -> Result<AuthorizerInfoResponse, Error> {
        self.call_json(&GET_AUTHORIZER_INFO, ctx, &[], Some(request))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorization_link_encodes_the_redirect() {
        let link = authorization_link(
            REAL_AUTH_PAGE,
            "wx1111111111111111",
            "preauthcode@@@abc",
            "https://console.example.com/wechat/authorized?request=7",
        );
        assert_eq!(
            link,
            "https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx1111111111111111\
             &pre_auth_code=preauthcode%40%40%40abc\
             &redirect_uri=https%3A%2F%2Fconsole.example.com%2Fwechat%2Fauthorized%3Frequest%3D7\
             &auth_type=2"
        );
    }

    #[test]
    fn authorizer_info_reads_the_documented_shape() {
        let json = r#"{"authorizer_info":{"nick_name":"微信SDK Demo Special","head_img":"http://wx.qlogo.cn/x","service_type_info":{"id":0},"verify_type_info":{"id":0},"user_name":"gh_eb5e3a772040","principal_name":"腾讯计算机系统有限公司","signature":"","MiniProgramInfo":{"network":{},"categories":[{"first":"餐饮","second":"咖啡"}],"visit_status":0}},"authorization_info":{"authorizer_appid":"wx0123456789abcdef","authorizer_refresh_token":"refreshtoken@@@x","func_info":[{"funcscope_category":{"id":17}}]}}"#;
        let parsed: AuthorizerInfoResponse = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.authorizer_info.user_name, "gh_eb5e3a772040");
        let mp = parsed.authorizer_info.mini_program_info.unwrap();
        assert_eq!(mp.categories[0].second, "咖啡");
        assert_eq!(
            parsed.authorization_info.func_info[0].funcscope_category.id,
            17
        );
    }
}
