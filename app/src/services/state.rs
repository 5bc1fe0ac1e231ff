use super::platform::Platform;
use crate::db::Db;
use crate::error::AppError;
use std::sync::Arc;

/// What every server function and handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    /// The WeChat side; absent only in tools that never call WeChat (benchmarks).
    pub platform: Option<Arc<Platform>>,
    /// Bounds this server's concurrent sign-in hashing (memory: 19 MiB each).
    pub sign_in_hashing: Arc<super::password::HashGate>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// A session ends this long after sign-in, however active it is.
    pub session_absolute_secs: i64,
    /// A session ends after this much inactivity.
    pub session_idle_secs: i64,
    /// Activity moves the idle expiry at most this often (one session write).
    pub session_activity_secs: i64,
    pub throttle: ThrottlePolicy,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Where people reach the console (`WXA_PUBLIC_URL`): its origin is the console's own.
    pub public_url: String,
    /// The icon proxy may fetch from loopback and private addresses (tests, labs only).
    pub media_private_hosts: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_absolute_secs: 12 * 3600,
            session_idle_secs: 30 * 60,
            session_activity_secs: 60,
            throttle: ThrottlePolicy::default(),
            trust_forwarded_for: false,
            public_url: "http://127.0.0.1:3000".into(),
            media_private_hosts: false,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    pub window_secs: i64,
    pub max_per_account: i64,
    pub max_per_ip: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self {
            window_secs: 15 * 60,
            max_per_account: 5,
            max_per_ip: 30,
        }
    }
}

impl AppState {
    pub fn new(db: Db, settings: Settings) -> Self {
        Self {
            db,
            settings: Arc::new(settings),
            platform: None,
            sign_in_hashing: Arc::new(super::password::HashGate::per_cpu()),
        }
    }

    pub fn with_platform(mut self, platform: Arc<Platform>) -> Self {
        self.platform = Some(platform);
        self
    }

    pub fn platform(&self) -> Result<&Arc<Platform>, AppError> {
        self.platform.as_ref().ok_or_else(|| {
            tracing::error!("the WeChat platform is not configured in this process");
            AppError::Internal
        })
    }
}
