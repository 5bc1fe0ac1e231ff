//! Third-party platform basics: component token, pre-auth code, query auth,
//! authorizer token refresh, authorizer info.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::post;
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use super::error::{ok, parse_body, SimError, SimResult};
use super::state::{AUTH_CODE_TTL_SECS, PRE_AUTH_CODE_TTL_SECS, TOKEN_TTL_SECS};
use super::Sim;
use crate::api::component::{
    AuthorizerInfoRequest, AuthorizerTokenRequest, ComponentAppid, ComponentTokenRequest,
    QueryAuthRequest,
};

pub fn routes() -> Router<Sim> {
    Router::new()
        .route(
            "/cgi-bin/component/api_component_token",
            post(component_token),
        )
        .route(
            "/cgi-bin/component/api_create_preauthcode",
            post(create_preauthcode),
        )
        .route("/cgi-bin/component/api_query_auth", post(query_auth))
        .route(
            "/cgi-bin/component/api_authorizer_token",
            post(authorizer_token),
        )
        .route(
            "/cgi-bin/component/api_get_authorizer_info",
            post(authorizer_info),
        )
}

#[derive(Debug, Deserialize)]
pub(crate) struct ComponentQuery {
    component_access_token: Option<String>,
}

impl Sim {
    fn check_component_appid(&self, appid: &str) -> Result<(), SimError> {
        if appid == self.shared.config.component_appid {
            Ok(())
        } else {
            Err(SimError::new(61011, "invalid component"))
        }
    }

    /// Validates the component token of a call; returns the simulated now.
    fn component_call(
        &self,
        query: &ComponentQuery,
        component_appid: &str,
    ) -> Result<i64, SimError> {
        let now = self.now();
        self.lock()
            .check_component_token(query.component_access_token.as_deref(), now)?;
        self.check_component_appid(component_appid)?;
        Ok(now)
    }
}

async fn component_token(State(sim): State<Sim>, body: Bytes) -> SimResult {
    let request: ComponentTokenRequest = parse_body(&body)?;
    sim.check_component_appid(&request.component_appid)?;
    // A wrong secret is 40125 "invalid appsecret": the 返回码说明 table of 令牌
    // (developers.weixin.qq.com/doc/oplatform/Third-party_Platforms/2.0/api/
    // ThirdParty/token/component_access_token.html) lists it beside 61011
    // "invalid component", which stays for an AppID that is not this platform.
    if request.component_appsecret != sim.shared.config.component_secret {
        return Err(SimError::new(40125, "invalid appsecret"));
    }
    let now = sim.now();
    let mut state = sim.lock();
    state.ticket_is_valid(&request.component_verify_ticket, now)?;
    let token = state.issue_component_token(now);
    Ok(axum::Json(json!({
        "component_access_token": token,
        "expires_in": TOKEN_TTL_SECS,
    })))
}

async fn create_preauthcode(
    State(sim): State<Sim>,
    Query(query): Query<ComponentQuery>,
    body: Bytes,
) -> SimResult {
    let request: ComponentAppid = parse_body(&body)?;
    let now = sim.component_call(&query, &request.component_appid)?;
    let mut state = sim.lock();
    let code = state.mint("preauthcode@@@sim_");
    state
        .pre_auth_codes
        .insert(code.clone(), (now + PRE_AUTH_CODE_TTL_SECS, false));
    Ok(axum::Json(json!({
        "pre_auth_code": code,
        "expires_in": PRE_AUTH_CODE_TTL_SECS,
    })))
}

async fn query_auth(
    State(sim): State<Sim>,
    Query(query): Query<ComponentQuery>,
    body: Bytes,
) -> SimResult {
    let request: QueryAuthRequest = parse_body(&body)?;
    let now = sim.component_call(&query, &request.component_appid)?;
    let mut state = sim.lock();
    let (appid, expiry) = state
        .auth_codes
        .get(&request.authorization_code)
        .cloned()
        .ok_or_else(|| SimError::new(61009, "code is invalid"))?;
    if expiry <= now {
        return Err(SimError::new(61010, "code is expired"));
    }
    // An authorization code is good for one exchange.
    state.auth_codes.remove(&request.authorization_code);
    let token = state.issue_access_token(&appid, now);
    let authorizer = state
        .authorizers
        .get(&appid)
        .ok_or_else(|| SimError::new(61009, "code is invalid"))?;
    Ok(axum::Json(json!({
        "authorization_info": {
            "authorizer_appid": appid,
            "authorizer_access_token": token,
            "expires_in": TOKEN_TTL_SECS,
            "authorizer_refresh_token": authorizer.refresh_token,
            "func_info": func_info(&authorizer.func_info),
        }
    })))
}

fn func_info(ids: &[i64]) -> serde_json::Value {
    json!(ids
        .iter()
        .map(|id| json!({"funcscope_category": {"id": id}}))
        .collect::<Vec<_>>())
}

async fn authorizer_token(
    State(sim): State<Sim>,
    Query(query): Query<ComponentQuery>,
    body: Bytes,
) -> SimResult {
    let request: AuthorizerTokenRequest = parse_body(&body)?;
    let now = sim.component_call(&query, &request.component_appid)?;
    let mut state = sim.lock();
    let valid = state
        .authorizers
        .get(&request.authorizer_appid)
        .is_some_and(|a| a.authorized && a.refresh_token == request.authorizer_refresh_token);
    if !valid {
        return Err(SimError::new(61023, "refresh_token is invalid"));
    }
    let token = state.issue_access_token(&request.authorizer_appid, now);
    Ok(axum::Json(json!({
        "authorizer_access_token": token,
        "expires_in": TOKEN_TTL_SECS,
        "authorizer_refresh_token": request.authorizer_refresh_token,
    })))
}

async fn authorizer_info(
    State(sim): State<Sim>,
    Query(query): Query<ComponentQuery>,
    body: Bytes,
) -> SimResult {
    let request: AuthorizerInfoRequest = parse_body(&body)?;
    sim.component_call(&query, &request.component_appid)?;
    let state = sim.lock();
    let a = state
        .authorizers
        .get(&request.authorizer_appid)
        .filter(|a| a.authorized)
        .ok_or_else(|| SimError::new(61003, "component is not authorized by this account"))?;
    let categories: Vec<_> = a
        .categories
        .iter()
        .map(|c| json!({"first": c.first_class, "second": c.second_class}))
        .collect();
    ok(json!({
        "authorizer_info": {
            "nick_name": a.nick_name,
            "head_img": a.head_img,
            "service_type_info": {"id": 0},
            "verify_type_info": {"id": a.verify_type},
            "user_name": a.user_name,
            "principal_name": a.principal_name,
            "signature": a.signature,
            "business_info": {"open_pay": 0, "open_shake": 0, "open_scan": 0, "open_card": 0, "open_store": 0},
            "MiniProgramInfo": {
                "network": {"RequestDomain": [], "WsRequestDomain": [], "UploadDomain": [], "DownloadDomain": []},
                "categories": categories,
                "visit_status": visit_status(a),
            },
        },
        "authorization_info": {
            "authorizer_appid": a.appid,
            "authorizer_refresh_token": a.refresh_token,
            "func_info": func_info(&a.func_info),
        }
    }))
}

/// `authorizer_info.MiniProgramInfo.visit_status`: WeChat's open-platform
/// docs list the field there (获取授权方的账号基本信息, developers.weixin.qq.com/
/// doc/oplatform/OpenApiDoc/thirdparty/ticket-token/api_get_authorizer_info.html,
/// `MiniProgramInfo` › `visit_status number`) without its values; an account
/// serving normally answers 0 there. The simulator answers
/// [`VISIT_STATUS_CLOSED`] while the live version is hidden through
/// `change_visitstatus` (see `provisional`).
fn visit_status(a: &super::Authorizer) -> i64 {
    if a.code.live.is_some() && a.code.visit_closed {
        VISIT_STATUS_CLOSED
    } else {
        VISIT_STATUS_OPEN
    }
}

/// `MiniProgramInfo.visit_status` of a mini program that can be visited.
const VISIT_STATUS_OPEN: i64 = 0;
/// Provisional: `MiniProgramInfo.visit_status` after `change_visitstatus` close.
const VISIT_STATUS_CLOSED: i64 = 1;

/// Creates an authorization code for `appid` (the owner confirmed) and pushes
/// the `authorized` / `updateauthorized` event.
pub(crate) fn confirm_authorization(
    sim: &Sim,
    pre_auth_code: &str,
    profile: &super::AuthorizerProfile,
) -> Result<(String, String), SimError> {
    let now = sim.now();
    let (appid, code, was_authorized) = {
        let mut state = sim.lock();
        match state.pre_auth_codes.get(pre_auth_code) {
            Some((expiry, false)) if *expiry > now => {}
            Some((_, true)) => return Err(SimError::new(61009, "pre_auth_code has been used")),
            Some(_) => return Err(SimError::new(61010, "pre_auth_code is expired")),
            None => return Err(SimError::new(61009, "pre_auth_code is invalid")),
        }
        state.pre_auth_codes.insert(
            pre_auth_code.to_owned(),
            (now + PRE_AUTH_CODE_TTL_SECS, true),
        );
        let was_authorized = profile
            .appid
            .as_ref()
            .and_then(|a| state.authorizers.get(a))
            .is_some_and(|a| a.authorized);
        let appid = state.upsert_authorizer(profile);
        let code = state.mint("queryauthcode@@@sim_");
        state
            .auth_codes
            .insert(code.clone(), (appid.clone(), now + AUTH_CODE_TTL_SECS));
        (appid, code, was_authorized)
    };
    let info_type = if was_authorized {
        "updateauthorized"
    } else {
        "authorized"
    };
    let xml = crate::events::build_xml(&[
        ("AppId", sim.shared.config.component_appid.clone()),
        ("CreateTime", now.to_string()),
        ("InfoType", info_type.into()),
        ("AuthorizerAppid", appid.clone()),
        ("AuthorizationCode", code.clone()),
        (
            "AuthorizationCodeExpiredTime",
            (now + AUTH_CODE_TTL_SECS).to_string(),
        ),
        ("PreAuthCode", pre_auth_code.to_owned()),
    ]);
    sim.enqueue_push(super::push::Target::Component, xml);
    sim.save();
    Ok((appid, code))
}

/// The owner cancels the authorization in WeChat: tokens die, `unauthorized` is pushed.
pub(crate) fn revoke_authorization(sim: &Sim, appid: &str) -> Result<(), SimError> {
    let now = sim.now();
    {
        let mut state = sim.lock();
        let authorizer = state
            .authorizers
            .get_mut(appid)
            .filter(|a| a.authorized)
            .ok_or_else(|| SimError::new(61003, "component is not authorized by this account"))?;
        authorizer.authorized = false;
        authorizer.refresh_token.clear();
        state.revoke_tokens(appid);
    }
    let xml = crate::events::build_xml(&[
        ("AppId", sim.shared.config.component_appid.clone()),
        ("CreateTime", now.to_string()),
        ("InfoType", "unauthorized".into()),
        ("AuthorizerAppid", appid.to_owned()),
    ]);
    sim.enqueue_push(super::push::Target::Component, xml);
    sim.save();
    Ok(())
}
