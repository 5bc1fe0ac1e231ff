//! The HTTP client: token injection, error decoding and the retry policy.
//!
//! Every endpoint in [`crate::api`] is a thin typed wrapper over
//! [`Client::call_json`] / [`Client::call_bytes`] with an [`Endpoint`] that says
//! which token it carries and whether it writes. The policy:
//! * `-1` (system busy), and 9009099 (function widgets' "系统失败，请重试。"),
//!   are retried with exponential backoff, reads and writes alike: WeChat
//!   answered, so the write did not happen;
//! * 40001 / 40014 / 42001 expire the token that was sent (compare-and-expire
//!   through [`TokenSource::invalidate`]) and retry once with a fresh one;
//! * a transport failure (timeout, reset) is retried for reads only; for a write
//!   the outcome is unknown and surfaces as [`Error::OutcomeUnknown`] so the
//!   caller reconciles by reading state instead of repeating it blindly.
//!
//! Access tokens travel in query strings; nothing here logs a URL with its
//! query, and transport errors are stripped of their URL.

use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Which credential a call carries.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TokenKey {
    /// `component_access_token` of the third-party platform.
    Component,
    /// An authorizer's (mini program's) `access_token`.
    Authorizer(String),
}

impl TokenKey {
    /// The stable name used as a database key and on the health screen.
    pub fn storage_key(&self) -> String {
        match self {
            TokenKey::Component => "component".to_owned(),
            TokenKey::Authorizer(appid) => format!("authorizer:{appid}"),
        }
    }

    pub fn from_storage_key(key: &str) -> Option<Self> {
        if key == "component" {
            Some(TokenKey::Component)
        } else {
            key.strip_prefix("authorizer:")
                .map(|appid| TokenKey::Authorizer(appid.to_owned()))
        }
    }
}

/// Supplies access tokens to the client; implemented by the token center.
#[async_trait]
pub trait TokenSource: Send + Sync {
    /// A currently valid token for `key`, refreshing it first if needed.
    async fn access_token(&self, key: &TokenKey) -> Result<String, Error>;
    /// WeChat rejected `stale`: expire it, but only if it is still the stored
    /// token (another worker may already have replaced it).
    async fn invalidate(&self, key: &TokenKey, stale: &str);
}

/// How a call authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// No token (e.g. `api_component_token` itself).
    None,
    /// `?component_access_token=`.
    Component,
    /// `?access_token=` of the authorizer the call is made for.
    Authorizer,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

/// One WeChat endpoint: its path, method, credential and whether it writes.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    pub method: Method,
    pub path: &'static str,
    pub auth: Auth,
    pub writes: bool,
}

impl Endpoint {
    pub const fn get(path: &'static str, auth: Auth) -> Self {
        Self {
            method: Method::Get,
            path,
            auth,
            writes: false,
        }
    }
    /// A POST that only reads (many WeChat queries are POSTs).
    pub const fn post_read(path: &'static str, auth: Auth) -> Self {
        Self {
            method: Method::Post,
            path,
            auth,
            writes: false,
        }
    }
    pub const fn post_write(path: &'static str, auth: Auth) -> Self {
        Self {
            method: Method::Post,
            path,
            auth,
            writes: true,
        }
    }
}

/// Everything a call can end with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// WeChat answered with a non-zero errcode.
    #[error("WeChat error {errcode}: {errmsg}")]
    Api {
        errcode: i64,
        errmsg: String,
        /// WeChat's request id (the `rid: …` suffix of errmsg), for support tickets.
        rid: Option<String>,
    },
    /// A read could not reach WeChat (after retries).
    #[error("could not reach WeChat: {0}")]
    Transport(String),
    /// A write was sent but no answer came back: it may or may not have happened.
    #[error("no answer from WeChat to a write call; its outcome is unknown: {0}")]
    OutcomeUnknown(String),
    /// WeChat answered with something that is not the documented shape.
    #[error("unexpected answer from WeChat: {0}")]
    Decode(String),
    /// No token could be had for the call (e.g. no verify ticket yet, needs re-authorization).
    #[error("no access token: {0}")]
    Token(String),
}

impl Error {
    pub fn api(errcode: i64, errmsg: impl Into<String>) -> Self {
        let errmsg = errmsg.into();
        let rid = parse_rid(&errmsg);
        Error::Api {
            errcode,
            errmsg,
            rid,
        }
    }

    pub fn errcode(&self) -> Option<i64> {
        match self {
            Error::Api { errcode, .. } => Some(*errcode),
            _ => None,
        }
    }

    /// WeChat was busy and did nothing, so the call may be repeated as is:
    /// `-1` ("系统繁忙") everywhere, and the function widget endpoints'
    /// 9009099 ("系统失败，请重试。", func-widget-submit.md).
    pub fn is_busy(&self) -> bool {
        matches!(self.errcode(), Some(-1 | 9009099))
    }

    /// The token that was sent is no longer accepted.
    pub fn is_stale_token(&self) -> bool {
        matches!(self.errcode(), Some(40001 | 40014 | 42001))
    }

    /// `(zh, en)` meaning for people, from the catalogue.
    pub fn describe(&self) -> (String, String) {
        match self {
            Error::Api {
                errcode, errmsg, ..
            } => crate::errcode::describe(*errcode, errmsg),
            other => {
                let text = other.to_string();
                (text.clone(), text)
            }
        }
    }
}

/// WeChat appends `rid: 5f1e…` (or `, rid: …`) to errmsg.
fn parse_rid(errmsg: &str) -> Option<String> {
    let at = errmsg.rfind("rid:")?;
    let rid = errmsg[at + 4..].trim();
    (!rid.is_empty()).then(|| rid.to_owned())
}

/// The body of every WeChat error (and of some successes, with errcode 0).
#[derive(Debug, Default, Deserialize)]
struct Status {
    #[serde(default)]
    errcode: i64,
    #[serde(default)]
    errmsg: String,
}

/// The plain `{"errcode":0,"errmsg":"ok"}` answer of write calls.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    #[serde(default)]
    pub errcode: i64,
    #[serde(default)]
    pub errmsg: String,
}

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// How many times a busy answer (`-1`, 9009099) or a read's transport
    /// failure is retried.
    pub busy_retries: u32,
    /// First backoff; doubles on each retry.
    pub first_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            busy_retries: 3,
            first_backoff: Duration::from_millis(200),
        }
    }
}

/// A binary answer (e.g. the experience QR code, a JPEG).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binary {
    pub content_type: String,
    pub bytes: bytes::Bytes,
}

/// The WeChat API client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    retry: RetryPolicy,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("base", &self.base).finish()
    }
}

/// Per-call context: who the call is for and where tokens come from.
pub struct CallCtx<'a> {
    pub tokens: &'a dyn TokenSource,
    /// The authorizer for [`Auth::Authorizer`] calls.
    pub appid: Option<&'a str>,
}

enum Body<'a> {
    Empty,
    Json(&'a serde_json::Value),
}

impl Client {
    /// `base` is `https://api.weixin.qq.com` in real mode or the simulator's address.
    pub fn new(base: impl Into<String>) -> Self {
        Self::with_timeout(base, Duration::from_secs(15))
    }

    /// A client whose calls give up after `timeout` (a write then ends in
    /// [`Error::OutcomeUnknown`]).
    pub fn with_timeout(base: impl Into<String>, timeout: Duration) -> Self {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .build()
            .unwrap_or_default();
        Self::with_http(base, http)
    }

    pub fn with_http(base: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            http,
            base: base.into().trim_end_matches('/').to_owned(),
            retry: RetryPolicy::default(),
        }
    }

    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Calls a JSON endpoint and decodes the success shape.
    pub async fn call_json<Req, Resp>(
        &self,
        endpoint: &Endpoint,
        ctx: &CallCtx<'_>,
        query: &[(&str, String)],
        body: Option<&Req>,
    ) -> Result<Resp, Error>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        let body = match body {
            Some(b) => Some(serde_json::to_value(b).map_err(|e| Error::Decode(e.to_string()))?),
            None => None,
        };
        let answer = self
            .call_raw(
                endpoint,
                ctx,
                query,
                body.as_ref().map_or(Body::Empty, Body::Json),
            )
            .await?;
        decode_json(endpoint, &answer.bytes)
    }

    /// Calls an endpoint that answers with bytes on success and JSON on error.
    pub async fn call_bytes<Req>(
        &self,
        endpoint: &Endpoint,
        ctx: &CallCtx<'_>,
        query: &[(&str, String)],
        body: Option<&Req>,
    ) -> Result<Binary, Error>
    where
        Req: Serialize + ?Sized,
    {
        let body = match body {
            Some(b) => Some(serde_json::to_value(b).map_err(|e| Error::Decode(e.to_string()))?),
            None => None,
        };
        self.call_raw(
            endpoint,
            ctx,
            query,
            body.as_ref().map_or(Body::Empty, Body::Json),
        )
        .await
    }

    async fn call_raw(
        &self,
        endpoint: &Endpoint,
        ctx: &CallCtx<'_>,
        query: &[(&str, String)],
        body: Body<'_>,
    ) -> Result<Binary, Error> {
        let key = match endpoint.auth {
            Auth::None => None,
            Auth::Component => Some(TokenKey::Component),
            Auth::Authorizer => match ctx.appid {
                Some(appid) => Some(TokenKey::Authorizer(appid.to_owned())),
                None => return Err(Error::Token("no authorizer appid for the call".into())),
            },
        };
        let mut busy_attempts = 0u32;
        let mut token_refreshed = false;
        loop {
            let token = match &key {
                Some(k) => Some(ctx.tokens.access_token(k).await?),
                None => None,
            };
            let outcome = self
                .send_once(endpoint, token.as_deref(), query, &body)
                .await;
            match outcome {
                Err(e) if e.is_busy() && busy_attempts < self.retry.busy_retries => {
                    self.backoff(busy_attempts).await;
                    busy_attempts += 1;
                }
                Err(Error::Transport(_))
                    if !endpoint.writes && busy_attempts < self.retry.busy_retries =>
                {
                    self.backoff(busy_attempts).await;
                    busy_attempts += 1;
                }
                Err(e) if e.is_stale_token() && !token_refreshed => {
                    if let (Some(k), Some(t)) = (&key, &token) {
                        ctx.tokens.invalidate(k, t).await;
                        token_refreshed = true;
                    } else {
                        return Err(e);
                    }
                }
                other => return other,
            }
        }
    }

    async fn backoff(&self, attempt: u32) {
        let factor = 1u32 << attempt.min(6);
        tokio::time::sleep(self.retry.first_backoff * factor).await;
    }

    async fn send_once(
        &self,
        endpoint: &Endpoint,
        token: Option<&str>,
        query: &[(&str, String)],
        body: &Body<'_>,
    ) -> Result<Binary, Error> {
        let url = format!("{}{}", self.base, endpoint.path);
        let mut pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        if let Some(t) = token {
            let name = match endpoint.auth {
                Auth::Component => "component_access_token",
                _ => "access_token",
            };
            pairs.push((name, t));
        }
        let request = match endpoint.method {
            Method::Get => self.http.get(&url),
            Method::Post => self.http.post(&url),
        }
        .query(&pairs);
        let request = match body {
            Body::Empty if endpoint.method == Method::Post => request.json(&serde_json::json!({})),
            Body::Empty => request,
            Body::Json(value) => request.json(value),
        };
        let started = std::time::Instant::now();
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                let e = e.without_url();
                tracing::warn!(path = endpoint.path, error = %e, "WeChat call failed");
                return Err(if endpoint.writes {
                    Error::OutcomeUnknown(e.to_string())
                } else {
                    Error::Transport(e.to_string())
                });
            }
        };
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let bytes = match response.bytes().await {
            Ok(b) => b,
            Err(e) => {
                let e = e.without_url();
                return Err(if endpoint.writes {
                    Error::OutcomeUnknown(e.to_string())
                } else {
                    Error::Transport(e.to_string())
                });
            }
        };
        let looks_json = content_type.contains("json")
            || content_type.starts_with("text/plain")
            || bytes.first() == Some(&b'{');
        let errcode = if looks_json {
            serde_json::from_slice::<Status>(&bytes)
                .ok()
                .filter(|s| s.errcode != 0)
                .map(|s| (s.errcode, s.errmsg))
        } else {
            None
        };
        tracing::debug!(
            path = endpoint.path,
            http = status.as_u16(),
            errcode = errcode.as_ref().map_or(0, |e| e.0),
            ms = started.elapsed().as_millis() as u64,
            "WeChat call"
        );
        if let Some((code, msg)) = errcode {
            return Err(Error::api(code, msg));
        }
        if status.is_server_error() {
            // A gateway error carries no WeChat answer: treat like no answer.
            let text = format!("HTTP {}", status.as_u16());
            return Err(if endpoint.writes {
                Error::OutcomeUnknown(text)
            } else {
                Error::Transport(text)
            });
        }
        Ok(Binary {
            content_type,
            bytes,
        })
    }
}

fn decode_json<Resp: DeserializeOwned>(endpoint: &Endpoint, bytes: &[u8]) -> Result<Resp, Error> {
    serde_json::from_slice(bytes).map_err(|e| {
        Error::Decode(format!(
            "{}: {e} (body starts {:?})",
            endpoint.path,
            String::from_utf8_lossy(&bytes[..bytes.len().min(120)])
        ))
    })
}

/// A token source for calls that carry none, and for tests.
pub struct NoTokens;

#[async_trait]
impl TokenSource for NoTokens {
    async fn access_token(&self, _key: &TokenKey) -> Result<String, Error> {
        Err(Error::Token("no token source".into()))
    }
    async fn invalidate(&self, _key: &TokenKey, _stale: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rid_is_taken_from_errmsg() {
        let e = Error::api(
            40001,
            "invalid credential, access_token is invalid or not latest rid: 5f1e-2c3a",
        );
        assert!(matches!(e, Error::Api { rid: Some(ref r), .. } if r == "5f1e-2c3a"));
        assert!(matches!(
            Error::api(85009, "already submit"),
            Error::Api { rid: None, .. }
        ));
    }

    #[test]
    fn stale_token_codes() {
        for code in [40001, 40014, 42001] {
            assert!(Error::api(code, "").is_stale_token());
        }
        assert!(!Error::api(61023, "").is_stale_token());
        assert!(!Error::Transport("x".into()).is_stale_token());
    }

    #[test]
    fn storage_keys_round_trip() {
        for key in [
            TokenKey::Component,
            TokenKey::Authorizer("wx0123456789abcdef".into()),
        ] {
            assert_eq!(TokenKey::from_storage_key(&key.storage_key()), Some(key));
        }
        assert_eq!(TokenKey::from_storage_key("other"), None);
    }

    #[test]
    fn describe_uses_the_catalogue() {
        let (zh, en) = Error::api(42001, "access_token expired").describe();
        assert_eq!(zh, "access_token超时");
        assert!(en.contains("expired"));
    }
}
