//! A typed client for the simulator's control API (`/__sim`), used by the
//! console's demo seeding and by tests. Never used in real mode.

use serde::Deserialize;
use serde_json::{json, Value};

use super::AuthorizerProfile;

#[derive(Clone, Debug)]
pub struct SimControl {
    http: reqwest::Client,
    /// e.g. `http://127.0.0.1:3100/__sim`
    base: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error("simulator control API unreachable: {0}")]
    Transport(String),
    #[error("simulator refused: {errcode} {errmsg}")]
    Refused { errcode: i64, errmsg: String },
}

#[derive(Debug, Deserialize)]
pub struct Confirmed {
    pub appid: String,
    pub auth_code: String,
}

impl SimControl {
    pub fn new(base: impl Into<String>) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.into().trim_end_matches('/').to_owned(),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value, ControlError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .json(&body)
            .send()
            .await
            .map_err(|e| ControlError::Transport(e.without_url().to_string()))?;
        let ok = response.status().is_success();
        let value: Value = response
            .json()
            .await
            .map_err(|e| ControlError::Transport(e.without_url().to_string()))?;
        if ok {
            Ok(value)
        } else {
            Err(ControlError::Refused {
                errcode: value["errcode"].as_i64().unwrap_or(0),
                errmsg: value["errmsg"].as_str().unwrap_or("").to_owned(),
            })
        }
    }

    /// Plays the owner's "scan and confirm" for a pre-auth code.
    pub async fn authorize(
        &self,
        pre_auth_code: &str,
        profile: &AuthorizerProfile,
    ) -> Result<Confirmed, ControlError> {
        let mut body =
            serde_json::to_value(profile).map_err(|e| ControlError::Transport(e.to_string()))?;
        body["pre_auth_code"] = json!(pre_auth_code);
        let value = self.post("/authorize", body).await?;
        serde_json::from_value(value).map_err(|e| ControlError::Transport(e.to_string()))
    }

    /// The owner cancels the authorization (an `unauthorized` push follows).
    pub async fn unauthorize(&self, appid: &str) -> Result<(), ControlError> {
        self.post("/unauthorize", json!({"appid": appid}))
            .await
            .map(|_| ())
    }

    /// The refresh token silently stops working (61023 on the next refresh).
    pub async fn revoke_refresh_token(&self, appid: &str) -> Result<(), ControlError> {
        self.post("/revoke-refresh-token", json!({"appid": appid}))
            .await
            .map(|_| ())
    }

    /// The owner edits the account's basic info (`POST /__sim/basic-info`): `changes` names
    /// the fields to set (`nick_name`, `head_img`, `signature`, `principal_type`, …). Answers
    /// what getaccountbasicinfo would.
    pub async fn set_basic_info(&self, appid: &str, changes: Value) -> Result<Value, ControlError> {
        let mut body = if changes.is_object() {
            changes
        } else {
            json!({})
        };
        body["appid"] = json!(appid);
        self.post("/basic-info", body).await
    }

    /// The permission sets (权限集) the account grants the platform (`POST /func-info`).
    pub async fn set_func_info(&self, appid: &str, func_info: &[i64]) -> Result<(), ControlError> {
        self.post(
            "/func-info",
            json!({"appid": appid, "func_info": func_info}),
        )
        .await
        .map(|_| ())
    }

    /// The mini program opens the plugin feature (`POST /plugins`): `body` names `appid` and
    /// may name `nickname`, `category` `{first, second}`, `versions`, `direct`. Returns the
    /// plugin.
    pub async fn open_plugin(&self, body: Value) -> Result<Value, ControlError> {
        self.post("/plugins", body)
            .await
            .map(|v| v["plugin"].clone())
    }

    /// A mini program applies to use a plugin outside the console (`POST
    /// /plugins/applications`): `body` names `plugin_appid` and may name `appid`, `nickname`,
    /// `categories`, `reason`, `age_secs`. Returns the application.
    pub async fn add_plugin_application(&self, body: Value) -> Result<Value, ControlError> {
        self.post("/plugins/applications", body)
            .await
            .map(|v| v["application"].clone())
    }

    /// Finishes the audit in review of `appid` now: status 0 passed, 1 rejected, 4 delayed.
    pub async fn finish_audit(
        &self,
        appid: &str,
        status: i64,
        reason: Option<&str>,
    ) -> Result<(), ControlError> {
        self.post(
            "/audit/outcome",
            json!({"appid": appid, "status": status, "reason": reason}),
        )
        .await
        .map(|_| ())
    }
}
