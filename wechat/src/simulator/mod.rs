//! A faithful, stateful stand-in for the WeChat API: the same paths, shapes,
//! validations, quotas and error codes, served over real HTTP on its own port.
//!
//! * WeChat paths (`/cgi-bin/...`, `/wxa/...`) behave as documented in the seeds;
//!   tokens expire (40001 / 42001), `-1` can be injected.
//! * `/cgi-bin/componentloginpage` plays the owner's "scan and confirm".
//! * `/__sim/...` is the control API for tests and demos (never a WeChat path).
//! * Pushes (verify tickets, authorization events, audit results) are encrypted
//!   and delivered to the console's callback URLs with WeChat's retries.
//! * With a state file, everything survives a restart.
//!
//! Shapes the seeds reference without documenting are listed in [`provisional`].

mod auth_page;
pub mod basic_info;
pub mod code;
mod component;
mod control;
pub mod control_client;
pub mod error;
pub mod provisional;
pub mod push;
pub mod state;
pub mod subscribe;
pub mod template;
pub mod widget;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::{Deserialize, Serialize};

pub use control_client::SimControl;
pub use error::{SimError, SimResult};
pub use push::Targets;
pub use state::{second_level, Authorizer, AuthorizerProfile, SimState};

/// What the simulated platform is, and how it behaves.
#[derive(Clone, Debug)]
pub struct SimConfig {
    pub component_appid: String,
    pub component_secret: String,
    pub message_token: String,
    pub encoding_aes_key: String,
    /// Where the state is kept between runs; None keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// How often a fresh component_verify_ticket is pushed (WeChat: 10 minutes).
    pub ticket_interval: Duration,
    /// How long an audit takes before its result is pushed.
    pub audit_delay: Duration,
    /// Wait before re-delivering a push the console did not acknowledge.
    pub push_retry_interval: Duration,
    /// Distinct mini programs the platform may submit for review in 7 days before
    /// submit_audit answers 85085 ([`code::WEEKLY_SUBMITTED_APPS_MAX`] by default;
    /// benchmarks of large rollouts raise it).
    pub audit_quota: usize,
    /// WeChat calls kept for `/__sim/calls`; beyond it the oldest are dropped.
    pub call_log_limit: usize,
}

impl SimConfig {
    /// A platform with fixed demo credentials (the embedded default and tests).
    pub fn demo() -> Self {
        Self {
            component_appid: "wx5ac1a7a7c0de0001".into(),
            component_secret: "sim-component-secret-0123456789abcdef".into(),
            message_token: "simtoken2026".into(),
            encoding_aes_key: "c2ltdWxhdG9yLWVuY29kaW5nLWFlcy1rZXktMjAyNjA".into(),
            state_file: None,
            ticket_interval: Duration::from_secs(600),
            audit_delay: Duration::from_secs(60),
            push_retry_interval: Duration::from_secs(5),
            audit_quota: code::WEEKLY_SUBMITTED_APPS_MAX,
            call_log_limit: CALL_LOG_LIMIT,
        }
    }
}

/// One WeChat call as the simulator saw it (for `/__sim/calls`).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CallRecord {
    pub seq: u64,
    /// Simulated clock, Unix seconds.
    pub at: i64,
    pub method: String,
    pub path: String,
    /// The authorizer the token belonged to, if any.
    pub appid: Option<String>,
    pub errcode: i64,
}

/// An injected fault: the next `times` calls to `path` get it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Fault {
    pub path: String,
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultKind {
    /// `{"errcode":-1,"errmsg":"system error"}`.
    Busy,
    /// Any errcode.
    Errcode { errcode: i64, errmsg: String },
    /// Handle the call, then hold the answer this long (client timeouts).
    Delay { ms: u64 },
}

/// WeChat calls `/__sim/calls` keeps by default ([`SimConfig::call_log_limit`]).
pub const CALL_LOG_LIMIT: usize = 5000;

pub(crate) struct Shared {
    pub config: SimConfig,
    state: Mutex<SimState>,
    pub targets: RwLock<Targets>,
    pub faults: Mutex<Vec<Fault>>,
    pub calls: Mutex<VecDeque<CallRecord>>,
    pub delivered: Mutex<Vec<push::Push>>,
    pub http: reqwest::Client,
    pub wake: tokio::sync::Notify,
    /// Where the authorization page sends the browser back to.
    pub public_base: RwLock<String>,
    /// With the background tasks running, saving is batched (at most every 250 ms).
    batched_saves: std::sync::atomic::AtomicBool,
    dirty: std::sync::atomic::AtomicBool,
    save_wake: tokio::sync::Notify,
}

/// The simulator; cheap to clone (shared state).
#[derive(Clone)]
pub struct Sim {
    pub(crate) shared: Arc<Shared>,
}

pub(crate) trait LockExt<T> {
    fn lock_or_recover(&self) -> MutexGuard<'_, T>;
}

impl<T> LockExt<T> for Mutex<T> {
    /// A panic elsewhere must not take the whole simulator down.
    fn lock_or_recover(&self) -> MutexGuard<'_, T> {
        self.lock().unwrap_or_else(|p| p.into_inner())
    }
}

pub(crate) trait RwExt<T> {
    fn read_or_recover(&self) -> RwLockReadGuard<'_, T>;
    fn write_or_recover(&self) -> RwLockWriteGuard<'_, T>;
}

impl<T> RwExt<T> for RwLock<T> {
    fn read_or_recover(&self) -> RwLockReadGuard<'_, T> {
        self.read().unwrap_or_else(|p| p.into_inner())
    }
    fn write_or_recover(&self) -> RwLockWriteGuard<'_, T> {
        self.write().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SimStartError {
    #[error("simulator state file {path}: {problem}")]
    State { path: String, problem: String },
    #[error("simulator: {0}")]
    Io(#[from] std::io::Error),
}

impl Sim {
    /// Loads the saved state if there is one.
    pub fn new(config: SimConfig) -> Result<Self, SimStartError> {
        let state = match &config.state_file {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(path)?;
                serde_json::from_str(&text).map_err(|e| SimStartError::State {
                    path: path.display().to_string(),
                    problem: e.to_string(),
                })?
            }
            _ => SimState::default(),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Ok(Self {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(state),
                targets: RwLock::new(Targets::default()),
                faults: Mutex::new(Vec::new()),
                calls: Mutex::new(VecDeque::new()),
                delivered: Mutex::new(Vec::new()),
                http,
                wake: tokio::sync::Notify::new(),
                public_base: RwLock::new(String::new()),
                batched_saves: std::sync::atomic::AtomicBool::new(false),
                dirty: std::sync::atomic::AtomicBool::new(false),
                save_wake: tokio::sync::Notify::new(),
            }),
        })
    }

    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, SimState> {
        self.shared.state.lock_or_recover()
    }

    /// The simulated clock (wall clock plus `/__sim/advance`), Unix seconds.
    pub fn now(&self) -> i64 {
        let offset = self.lock().clock_offset_secs;
        wall_secs() + offset
    }

    /// Where pushes go.
    pub fn set_targets(&self, targets: Targets) {
        *self.shared.targets.write_or_recover() = targets;
        self.shared.wake.notify_one();
    }

    /// The simulator's own address (for links to its authorization page).
    pub fn set_public_base(&self, base: impl Into<String>) {
        *self.shared.public_base.write_or_recover() = base.into();
    }

    pub fn public_base(&self) -> String {
        self.shared.public_base.read_or_recover().clone()
    }

    /// A copy of the whole state (tests and the control API).
    pub fn snapshot(&self) -> SimState {
        self.lock().clone()
    }

    /// Marks the state for saving: written at once, or within 250 ms when the
    /// background tasks run (a burst of calls then costs one write).
    pub fn save(&self) {
        use std::sync::atomic::Ordering;
        if self.shared.config.state_file.is_none() {
            return;
        }
        if self.shared.batched_saves.load(Ordering::Relaxed) {
            self.shared.dirty.store(true, Ordering::Relaxed);
            self.shared.save_wake.notify_one();
        } else {
            self.flush();
        }
    }

    /// Writes the state file now (atomically: temp file + rename).
    pub fn flush(&self) {
        let Some(path) = self.shared.config.state_file.clone() else {
            return;
        };
        let text = {
            let mut state = self.lock();
            let now = wall_secs() + state.clock_offset_secs;
            state.sweep(now);
            match serde_json::to_string(&*state) {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!(error = %e, "simulator state not saved");
                    return;
                }
            }
        };
        let tmp = path.with_extension("tmp");
        let written = std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, &path));
        if let Err(e) = written {
            tracing::warn!(error = %e, path = %path.display(), "simulator state not saved");
        }
    }

    /// Every WeChat path, the authorization page and the control API.
    pub fn router(&self) -> Router {
        let wechat = Router::new()
            .merge(component::routes())
            .merge(code::routes())
            .merge(widget::routes())
            .merge(template::routes())
            .merge(subscribe::routes())
            .merge(basic_info::routes())
            .layer(middleware::from_fn_with_state(self.clone(), wechat_call));
        Router::new()
            .merge(wechat)
            .merge(auth_page::routes())
            .nest("/__sim", control::routes())
            .with_state(self.clone())
    }

    /// Serves on `listener` and runs the background work (ticket pushes,
    /// push delivery, audit completion) until the process ends.
    pub async fn serve(self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        if let Ok(addr) = listener.local_addr() {
            if self.public_base().is_empty() {
                self.set_public_base(format!("http://{addr}"));
            }
        }
        self.spawn_background();
        axum::serve(listener, self.router()).await
    }

    /// Background loops: verify tickets, push delivery, due audits.
    pub fn spawn_background(&self) {
        use std::sync::atomic::Ordering;
        self.shared.batched_saves.store(true, Ordering::Relaxed);
        let saver = self.clone();
        tokio::spawn(async move {
            loop {
                saver.shared.save_wake.notified().await;
                tokio::time::sleep(Duration::from_millis(250)).await;
                if saver.shared.dirty.swap(false, Ordering::Relaxed) {
                    saver.flush();
                }
            }
        });
        let tickets = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(tickets.shared.config.ticket_interval);
            loop {
                tick.tick().await;
                tickets.push_ticket();
            }
        });
        let delivery = self.clone();
        tokio::spawn(async move {
            loop {
                delivery.deliver_due().await;
                let _ = tokio::time::timeout(
                    Duration::from_millis(250),
                    delivery.shared.wake.notified(),
                )
                .await;
            }
        });
        let audits = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tick.tick().await;
                audits.finish_due_work();
            }
        });
    }

    /// Issues a new component_verify_ticket and pushes it.
    pub fn push_ticket(&self) -> String {
        let now = self.now();
        let ticket = {
            let mut state = self.lock();
            let ticket = state.mint("ticket@@@sim_");
            state.tickets.push((ticket.clone(), now));
            ticket
        };
        let xml = crate::events::build_xml(&[
            ("AppId", self.shared.config.component_appid.clone()),
            ("CreateTime", now.to_string()),
            ("InfoType", "component_verify_ticket".into()),
            ("ComponentVerifyTicket", ticket.clone()),
        ]);
        self.enqueue_push(push::Target::Component, xml);
        self.save();
        ticket
    }

    /// Work that finishes on the simulated clock (audits, gray steps…).
    pub fn finish_due_work(&self) {
        let now = self.now();
        let pushes = code::finish_due(self, now);
        for (target, xml) in pushes {
            self.enqueue_push(target, xml);
        }
    }

    fn record_call(&self, method: &str, path: &str, appid: Option<String>, errcode: i64) {
        let at = self.now();
        let limit = self.shared.config.call_log_limit.max(1);
        let mut calls = self.shared.calls.lock_or_recover();
        let seq = calls.back().map_or(1, |c| c.seq + 1);
        while calls.len() >= limit {
            calls.pop_front();
        }
        calls.push_back(CallRecord {
            seq,
            at,
            method: method.to_owned(),
            path: path.to_owned(),
            appid,
            errcode,
        });
    }

    fn take_fault(&self, path: &str) -> Option<FaultKind> {
        let mut faults = self.shared.faults.lock_or_recover();
        let index = faults.iter().position(|f| f.path == path)?;
        let kind = faults[index].kind.clone();
        faults[index].times = faults[index].times.saturating_sub(1);
        if faults[index].times == 0 {
            faults.remove(index);
        }
        Some(kind)
    }
}

pub(crate) fn wall_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Reads `access_token` / `component_access_token` from a query string.
pub(crate) fn token_in_query(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "access_token" || k == "component_access_token")
        .map(|(_, v)| v.into_owned())
}

/// Around every WeChat path: injected faults, the call log, and saving state.
async fn wechat_call(State(sim): State<Sim>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let appid = {
        // Expired tokens still name their owner, so 42001 calls are attributed.
        let token = request.uri().query().and_then(token_in_query);
        let state = sim.lock();
        token.and_then(|t| state.token_owner(&t))
    };
    let fault = sim.take_fault(&path);
    let response = match &fault {
        Some(FaultKind::Busy) => SimError::busy().into_response(),
        Some(FaultKind::Errcode { errcode, errmsg }) => {
            SimError::new(*errcode, errmsg.clone()).into_response()
        }
        Some(FaultKind::Delay { .. }) | None => next.run(request).await,
    };
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let errcode = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("errcode").and_then(|c| c.as_i64()))
        .unwrap_or(0);
    sim.record_call(&method, &path, appid, errcode);
    sim.save();
    if let Some(FaultKind::Delay { ms }) = fault {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    Response::from_parts(parts, Body::from(bytes))
}
