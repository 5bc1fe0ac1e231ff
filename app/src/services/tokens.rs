//! The token center: the verify ticket, the component token and every
//! authorizer token, kept in `wechat_tokens` and refreshed ahead of expiry.
//!
//! Refreshing is single-flight at two levels: inside one process a mutex per
//! key queues the callers, and across console instances the row's lease
//! (`lease_owner` / `lease_until`, taken by a conditional UPDATE that works the
//! same on SQLite and PostgreSQL) lets exactly one instance call WeChat while
//! the others wait for the new token to appear.

use std::collections::HashMap;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use async_trait::async_trait;
use secrecy::{ExposeSecret, SecretString};
use wechat::api::component::{AuthorizerTokenRequest, ComponentTokenRequest};
use wechat::client::CallCtx;
use wechat::{Client, Error as WxError, TokenKey, TokenSource};

use super::audit_log::{self, Actor, Event};
use super::secrets::{SecretBox, SecretError};
use crate::db::{self, Db};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::mini_program::AppStatus;
use crate::domain::platform::{MIN_REMAINING_SECS, REFRESH_AHEAD_SECS, TICKET_TTL_SECS};

pub const TICKET_KEY: &str = "ticket";
/// How long a refresh may hold the lease before another instance may take over.
const LEASE_SECS: i64 = 30;
/// Waiting for another instance's refresh: poll interval and patience.
const WAIT_STEP: Duration = Duration::from_millis(100);
const WAIT_STEPS: u32 = 350;

/// The platform's credentials (component appid and secret).
pub struct ComponentCredentials {
    pub component_appid: String,
    pub component_secret: SecretString,
}

pub struct TokenCenter {
    db: Db,
    client: Client,
    credentials: ComponentCredentials,
    secrets: SecretBox,
    /// Distinguishes this process in leases.
    instance: String,
    local: StdMutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for TokenCenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCenter")
            .field("instance", &self.instance)
            .finish()
    }
}

fn system_actor() -> Actor<'static> {
    Actor {
        id: None,
        name: "system",
        role: None,
        merchant_id: None,
    }
}

impl TokenCenter {
    pub fn new(
        db: Db,
        client: Client,
        credentials: ComponentCredentials,
        secrets: SecretBox,
        instance: String,
    ) -> Self {
        Self {
            db,
            client,
            credentials,
            secrets,
            instance,
            local: StdMutex::new(HashMap::new()),
        }
    }

    pub fn secrets(&self) -> &SecretBox {
        &self.secrets
    }

    pub fn instance(&self) -> &str {
        &self.instance
    }

    fn local_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.local.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(key.to_owned()).or_default().clone()
    }

    /// A token as it is stored: encrypted like the refresh tokens, so a copy of the
    /// database (a backup, a stolen file) holds no usable credential.
    fn seal(&self, token: &str) -> String {
        self.secrets.seal(token)
    }

    /// A stored token in clear: None when empty or when it does not open with this key
    /// (then it is simply refreshed). Values written before tokens were encrypted have no
    /// `v1:` prefix and are read as they are until the next refresh replaces them.
    fn open(&self, stored: &str) -> Option<String> {
        if stored.is_empty() {
            return None;
        }
        match self.secrets.open(stored) {
            Ok(token) => Some(token),
            Err(SecretError::Malformed) if !stored.starts_with("v1:") => Some(stored.to_owned()),
            Err(e) => {
                tracing::warn!(error = %e, "a stored token does not open; it will be refreshed");
                None
            }
        }
    }

    /// Stores a pushed component_verify_ticket (valid 12 hours).
    pub async fn store_ticket(&self, ticket: &str, now: i64) -> Result<(), sqlx::Error> {
        let sealed = self.seal(ticket);
        db::tokens::put(&self.db, TICKET_KEY, &sealed, now + TICKET_TTL_SECS, now).await
    }

    /// Stores an authorizer token that came with api_query_auth.
    pub async fn store_authorizer_token(
        &self,
        appid: &str,
        token: &str,
        expires_in: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let key = TokenKey::Authorizer(appid.to_owned()).storage_key();
        let sealed = self.seal(token);
        db::tokens::put(&self.db, &key, &sealed, now + expires_in, now).await
    }

    /// Forgets an authorizer's token (authorization cancelled).
    pub async fn forget_authorizer(&self, appid: &str) -> Result<(), sqlx::Error> {
        db::tokens::delete(
            &self.db,
            &TokenKey::Authorizer(appid.to_owned()).storage_key(),
        )
        .await
    }

    /// A valid token for `key`: the stored one if it has at least a minute
    /// left, else a refreshed one (single-flight).
    pub async fn token(&self, key: &TokenKey) -> Result<String, WxError> {
        let name = key.storage_key();
        if let Some(token) = self.usable(&name, MIN_REMAINING_SECS).await? {
            return Ok(token);
        }
        let lock = self.local_lock(&name);
        let _guard = lock.lock().await;
        // Someone in this process may have refreshed while we queued.
        if let Some(token) = self.usable(&name, MIN_REMAINING_SECS).await? {
            return Ok(token);
        }
        self.refresh_locked(key, &name, MIN_REMAINING_SECS).await
    }

    /// Refreshes `key` now if it has less than `ahead` seconds left (the worker).
    pub async fn refresh_if_due(&self, key: &TokenKey, ahead: i64) -> Result<(), WxError> {
        let name = key.storage_key();
        let lock = self.local_lock(&name);
        let _guard = lock.lock().await;
        if self.usable(&name, ahead).await?.is_some() {
            return Ok(());
        }
        self.refresh_locked(key, &name, ahead).await.map(|_| ())
    }

    /// Refreshes `key` regardless of its remaining time (the "refresh now" button).
    pub async fn force_refresh(&self, key: &TokenKey) -> Result<(), WxError> {
        let name = key.storage_key();
        let lock = self.local_lock(&name);
        let _guard = lock.lock().await;
        self.refresh_locked(key, &name, i64::MAX / 4)
            .await
            .map(|_| ())
    }

    async fn usable(&self, name: &str, min_remaining: i64) -> Result<Option<String>, WxError> {
        let row = db::tokens::get(&self.db, name).await.map_err(db_error)?;
        let now = db::now();
        Ok(row
            .filter(|r| r.expires_at - now > min_remaining)
            .and_then(|r| self.open(&r.token)))
    }

    /// Called with the local lock held: take the lease (or wait for the
    /// instance that holds it), refresh, store.
    async fn refresh_locked(
        &self,
        key: &TokenKey,
        name: &str,
        min_remaining: i64,
    ) -> Result<String, WxError> {
        db::tokens::ensure(&self.db, name).await.map_err(db_error)?;
        for _ in 0..WAIT_STEPS {
            let now = db::now();
            if db::tokens::try_lease(&self.db, name, &self.instance, now, now + LEASE_SECS)
                .await
                .map_err(db_error)?
            {
                // Another instance may have finished between our check and the lease.
                if let Some(token) = self.usable(name, min_remaining).await? {
                    let _ = db::tokens::release(&self.db, name, &self.instance).await;
                    return Ok(token);
                }
                return self.refresh_with_lease(key, name).await;
            }
            tokio::time::sleep(WAIT_STEP).await;
            if let Some(token) = self.usable(name, MIN_REMAINING_SECS).await? {
                return Ok(token);
            }
        }
        Err(WxError::Token(format!(
            "{name}: another instance holds the refresh lease"
        )))
    }

    async fn refresh_with_lease(&self, key: &TokenKey, name: &str) -> Result<String, WxError> {
        let result = match key {
            TokenKey::Component => self.fetch_component_token().await,
            TokenKey::Authorizer(appid) => self.fetch_authorizer_token(appid).await,
        };
        let now = db::now();
        match result {
            Ok((token, expires_in)) => {
                db::tokens::store(
                    &self.db,
                    name,
                    &self.instance,
                    &self.seal(&token),
                    now + expires_in,
                    now,
                )
                .await
                .map_err(db_error)?;
                tracing::info!(key = name, expires_in, "token refreshed");
                Ok(token)
            }
            Err(e) => {
                let (zh, _) = e.describe();
                let text = match e.errcode() {
                    Some(code) => format!("{code} {zh}"),
                    None => e.to_string(),
                };
                let _ = db::tokens::fail(&self.db, name, &self.instance, &text, now).await;
                tracing::warn!(key = name, error = %e, "token refresh failed");
                if let (TokenKey::Authorizer(appid), Some(61023 | 61003)) = (key, e.errcode()) {
                    self.mark_needs_reauth(appid, &text).await;
                }
                Err(e)
            }
        }
    }

    async fn fetch_component_token(&self) -> Result<(String, i64), WxError> {
        let ticket = db::tokens::get(&self.db, TICKET_KEY)
            .await
            .map_err(db_error)?
            .filter(|t| t.expires_at > db::now())
            .and_then(|t| self.open(&t.token))
            .ok_or_else(|| {
                WxError::Token(
                    "no component_verify_ticket received in the last 12 hours (WeChat pushes one every 10 minutes to the callback URL)".into(),
                )
            })?;
        let answer = self
            .client
            .component_token(&ComponentTokenRequest {
                component_appid: self.credentials.component_appid.clone(),
                component_appsecret: self.credentials.component_secret.expose_secret().to_owned(),
                component_verify_ticket: ticket,
            })
            .await?;
        Ok((answer.component_access_token, answer.expires_in))
    }

    async fn fetch_authorizer_token(&self, appid: &str) -> Result<(String, i64), WxError> {
        let stored = db::authorizations::get(&self.db, appid)
            .await
            .map_err(db_error)?
            .ok_or_else(|| WxError::Token(format!("{appid} is not authorized to this platform")))?;
        let refresh_token = self.secrets.open(&stored.refresh_token_enc).map_err(|e| {
            WxError::Token(format!("{appid}: stored refresh token unreadable: {e}"))
        })?;
        let ctx = CallCtx {
            tokens: self,
            appid: None,
        };
        let answer = self
            .client
            .authorizer_token(
                &ctx,
                &AuthorizerTokenRequest {
                    component_appid: self.credentials.component_appid.clone(),
                    authorizer_appid: appid.to_owned(),
                    authorizer_refresh_token: refresh_token.clone(),
                },
            )
            .await?;
        if !answer.authorizer_refresh_token.is_empty()
            && answer.authorizer_refresh_token != refresh_token
        {
            let sealed = self.secrets.seal(&answer.authorizer_refresh_token);
            db::authorizations::update_refresh_token(&self.db, appid, &sealed, db::now())
                .await
                .map_err(db_error)?;
        }
        Ok((answer.authorizer_access_token, answer.expires_in))
    }

    async fn mark_needs_reauth(&self, appid: &str, reason: &str) {
        let changed = db::mini_programs::set_status(
            &self.db,
            appid,
            AppStatus::NeedsReauthorization,
            db::now(),
        )
        .await;
        if let Ok(true) = changed {
            let merchant = db::mini_programs::find(&self.db, appid)
                .await
                .ok()
                .flatten()
                .and_then(|p| p.merchant_id);
            let _ = audit_log::record(
                &self.db,
                system_actor(),
                Event {
                    action: action::MINI_PROGRAM_NEEDS_REAUTH,
                    target_type: "mini_program",
                    target_id: appid,
                    merchant_id: merchant,
                    outcome: Outcome::Failure,
                    detail: reason,
                },
            )
            .await;
        }
    }

    /// One pass of the background worker: refresh every token that runs out
    /// within [`REFRESH_AHEAD_SECS`]. Returns how many were refreshed.
    pub async fn refresh_due(&self) -> usize {
        let now = db::now();
        let keys = match db::tokens::due_for_refresh(&self.db, now + REFRESH_AHEAD_SECS, now).await
        {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!(error = %e, "token worker could not read tokens");
                return 0;
            }
        };
        let mut refreshed = 0;
        for key in keys
            .iter()
            .filter_map(|name| TokenKey::from_storage_key(name))
        {
            if self.refresh_if_due(&key, REFRESH_AHEAD_SECS).await.is_ok() {
                refreshed += 1;
            }
        }
        refreshed
    }
}

fn db_error(e: sqlx::Error) -> WxError {
    tracing::error!(error = %e, "token store");
    WxError::Token("the token store is unavailable".into())
}

#[async_trait]
impl TokenSource for TokenCenter {
    async fn access_token(&self, key: &TokenKey) -> Result<String, WxError> {
        self.token(key).await
    }

    async fn invalidate(&self, key: &TokenKey, stale: &str) {
        let name = key.storage_key();
        // Sealed values differ on every write: compare in clear, then expire exactly the
        // stored value that was read, so a token another worker put in its place survives.
        let stored = match db::tokens::get(&self.db, &name).await {
            Ok(Some(row)) if self.open(&row.token).as_deref() == Some(stale) => row.token,
            Ok(_) => return,
            Err(e) => {
                tracing::warn!(error = %e, "could not read a rejected token");
                return;
            }
        };
        match db::tokens::expire_if_current(&self.db, &name, &stored).await {
            Ok(true) => {
                tracing::info!(key = %key.storage_key(), "token rejected by WeChat; expired")
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "could not expire a rejected token"),
        }
    }
}

/// Records a manual refresh in the audit log.
pub async fn record_manual_refresh(
    db: &Db,
    actor: Actor<'_>,
    key: &str,
    outcome: Outcome,
    detail: &str,
) {
    let _ = audit_log::record(
        db,
        actor,
        Event {
            action: action::TOKEN_REFRESH,
            target_type: "token",
            target_id: key,
            merchant_id: None,
            outcome,
            detail,
        },
    )
    .await;
}
