//! Contract-test harness: the simulator on a loopback port, the real client
//! against it over HTTP, and a small in-memory token source.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use serde_json::{json, Value};
use wechat::api::component::{AuthorizerTokenRequest, ComponentTokenRequest, QueryAuthRequest};
use wechat::client::{CallCtx, RetryPolicy};
use wechat::simulator::{Sim, SimConfig};
use wechat::{Client, Error, TokenKey, TokenSource};

/// Tokens kept in memory, refreshed through the client on demand.
pub struct MemoryTokens {
    pub client: Client,
    pub sim: Sim,
    pub current: Mutex<HashMap<TokenKey, String>>,
    pub refresh_tokens: Mutex<HashMap<String, String>>,
    pub refreshes: AtomicUsize,
}

#[async_trait]
impl TokenSource for MemoryTokens {
    async fn access_token(&self, key: &TokenKey) -> Result<String, Error> {
        if let Some(t) = self.current.lock().unwrap().get(key) {
            return Ok(t.clone());
        }
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        let config = self.sim.config().clone();
        let token = match key {
            TokenKey::Component => {
                let ticket = self
                    .sim
                    .snapshot()
                    .tickets
                    .last()
                    .map(|(t, _)| t.clone())
                    .unwrap_or_default();
                self.client
                    .component_token(&ComponentTokenRequest {
                        component_appid: config.component_appid.clone(),
                        component_appsecret: config.component_secret.clone(),
                        component_verify_ticket: ticket,
                    })
                    .await?
                    .component_access_token
            }
            TokenKey::Authorizer(appid) => {
                let refresh = self
                    .refresh_tokens
                    .lock()
                    .unwrap()
                    .get(appid)
                    .cloned()
                    .ok_or_else(|| Error::Token("not authorized".into()))?;
                let ctx = CallCtx {
                    tokens: self,
                    appid: None,
                };
                self.client
                    .authorizer_token(
                        &ctx,
                        &AuthorizerTokenRequest {
                            component_appid: config.component_appid.clone(),
                            authorizer_appid: appid.clone(),
                            authorizer_refresh_token: refresh,
                        },
                    )
                    .await?
                    .authorizer_access_token
            }
        };
        self.current
            .lock()
            .unwrap()
            .insert(key.clone(), token.clone());
        Ok(token)
    }

    async fn invalidate(&self, key: &TokenKey, stale: &str) {
        let mut current = self.current.lock().unwrap();
        if current.get(key).map(String::as_str) == Some(stale) {
            current.remove(key);
        }
    }
}

pub struct Harness {
    pub sim: Sim,
    pub base: String,
    pub client: Client,
    pub tokens: Arc<MemoryTokens>,
    pub http: reqwest::Client,
}

impl Harness {
    pub async fn start() -> Self {
        Self::start_with(SimConfig::demo()).await
    }

    pub async fn start_with(config: SimConfig) -> Self {
        let sim = Sim::new(config).expect("simulator");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        sim.set_public_base(base.clone());
        let router = sim.router();
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        sim.push_ticket();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(1500))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let client = Client::with_http(base.clone(), http.clone()).with_retry(RetryPolicy {
            busy_retries: 3,
            first_backoff: Duration::from_millis(10),
        });
        let tokens = Arc::new(MemoryTokens {
            client: client.clone(),
            sim: sim.clone(),
            current: Mutex::new(HashMap::new()),
            refresh_tokens: Mutex::new(HashMap::new()),
            refreshes: AtomicUsize::new(0),
        });
        Self {
            sim,
            base,
            client,
            tokens,
            http,
        }
    }

    pub fn component_appid(&self) -> String {
        self.sim.config().component_appid.clone()
    }

    /// Context for component calls.
    pub fn component_ctx(&self) -> CallCtx<'_> {
        CallCtx {
            tokens: self.tokens.as_ref(),
            appid: None,
        }
    }

    /// Context for calls on behalf of `appid`.
    pub fn ctx<'a>(&'a self, appid: &'a str) -> CallCtx<'a> {
        CallCtx {
            tokens: self.tokens.as_ref(),
            appid: Some(appid),
        }
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        self.http
            .post(format!("{}/__sim{path}", self.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn control_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}/__sim{path}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn control_delete(&self, path: &str) {
        self.http
            .delete(format!("{}/__sim{path}", self.base))
            .send()
            .await
            .unwrap();
    }

    /// Calls recorded by the simulator for `path`.
    pub async fn calls(&self, path: &str) -> Vec<Value> {
        let v = self
            .control_get(&format!("/calls?path={}", urlencode(path)))
            .await;
        v.as_array().cloned().unwrap_or_default()
    }

    /// Authorizes a new simulated mini program the way the console does
    /// (pre-auth code → owner confirms → api_query_auth) and keeps its tokens.
    pub async fn authorize(&self, nick_name: &str) -> String {
        self.authorize_profile(json!({
            "nick_name": nick_name,
            "principal_name": "模拟科技有限公司",
            "categories": [{"first_id": 304, "first_name": "餐饮", "second_id": 305, "second_name": "咖啡"}],
        }))
        .await
    }

    /// Injects a fault for the next `times` calls to `path`.
    pub async fn fault(&self, path: &str, fault: Value, times: u32) {
        let mut body = fault;
        body["path"] = json!(path);
        body["times"] = json!(times);
        self.control("/faults", body).await;
    }

    pub async fn advance(&self, seconds: i64) {
        self.control("/advance", json!({"seconds": seconds})).await;
    }
}

pub fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The errcode of an API error, for assertions.
pub fn errcode<T: std::fmt::Debug>(result: Result<T, Error>) -> i64 {
    match result {
        Err(Error::Api { errcode, .. }) => errcode,
        other => panic!("expected a WeChat error, got {other:?}"),
    }
}

// Helpers for the widget and template contract tests.
impl Harness {
    /// The authorizer's current access token (refreshed if needed).
    pub async fn access_token(&self, appid: &str) -> String {
        self.tokens
            .access_token(&TokenKey::Authorizer(appid.to_owned()))
            .await
            .expect("access token")
    }

    /// A POST with a raw body straight to the simulator (bodies the typed
    /// client cannot produce); `path_and_query` starts with `/`.
    pub async fn raw_post(&self, path_and_query: &str, body: &str) -> Value {
        self.http
            .post(format!("{}{path_and_query}", self.base))
            .header("content-type", "application/json")
            .body(body.to_owned())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    pub async fn raw_get(&self, path_and_query: &str) -> Value {
        self.http
            .get(format!("{}{path_and_query}", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Serves `routes` (state: this harness's simulator) under `/__sim` on a
    /// port of its own; returns its base URL. For control routes not yet
    /// merged into the simulator's own control API.
    pub async fn serve_control(&self, routes: axum::Router<Sim>) -> String {
        let router = axum::Router::new()
            .nest("/__sim", routes)
            .with_state(self.sim.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        base
    }

    /// Moves the simulated clock far ahead and keeps the platform's tokens
    /// obtainable (a fresh verify ticket).
    pub async fn advance_days(&self, days: i64) {
        self.advance(days * 86_400).await;
        self.sim.push_ticket();
    }
}

// --- Helpers added for the code-management contract tests -----------------

impl Harness {
    /// Authorizes a mini program with a custom profile (`nick_name`,
    /// `principal_name`, `categories`…), through the same round trip as
    /// [`Harness::authorize`].
    pub async fn authorize_profile(&self, profile: Value) -> String {
        let pre = self
            .client
            .create_preauthcode(&self.component_ctx(), &self.component_appid())
            .await
            .expect("pre_auth_code");
        let mut body = profile;
        body["pre_auth_code"] = json!(pre.pre_auth_code);
        let confirmed = self.control("/authorize", body).await;
        let code = confirmed["auth_code"]
            .as_str()
            .expect("auth_code")
            .to_owned();
        let auth = self
            .client
            .query_auth(
                &self.component_ctx(),
                &QueryAuthRequest {
                    component_appid: self.component_appid(),
                    authorization_code: code,
                },
            )
            .await
            .expect("query_auth")
            .authorization_info;
        self.tokens.refresh_tokens.lock().unwrap().insert(
            auth.authorizer_appid.clone(),
            auth.authorizer_refresh_token.clone(),
        );
        self.tokens.current.lock().unwrap().insert(
            TokenKey::Authorizer(auth.authorizer_appid.clone()),
            auth.authorizer_access_token,
        );
        auth.authorizer_appid
    }

    /// The current token for `key` (fetching one if needed).
    pub async fn token(&self, key: &TokenKey) -> String {
        self.tokens.access_token(key).await.expect("token")
    }

    /// A raw WeChat call with a hand-written query and body, for shapes the
    /// typed client cannot send. Returns (content type, body bytes).
    pub async fn raw(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
    ) -> (String, Vec<u8>) {
        let url = format!("{}{path_and_query}", self.base);
        let request = match method {
            "GET" => self.http.get(url),
            _ => self.http.post(url),
        };
        let request = match body {
            Some(b) => request
                .header("content-type", "application/json")
                .body(b.to_owned()),
            None => request,
        };
        let response = request.send().await.unwrap();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        (content_type, response.bytes().await.unwrap().to_vec())
    }

    /// [`Harness::raw`] decoded as JSON.
    pub async fn raw_json(&self, method: &str, path_and_query: &str, body: Option<&str>) -> Value {
        let (_, bytes) = self.raw(method, path_and_query, body).await;
        serde_json::from_slice(&bytes).expect("a JSON answer")
    }
}
