use crate::db::Db;
use std::sync::Arc;

/// What every server function and handler shares.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    /// A session ends this long after sign-in, however active it is.
    pub session_absolute_secs: i64,
    /// A session ends after this much inactivity.
    pub session_idle_secs: i64,
    pub throttle: ThrottlePolicy,
    /// Take the client address from X-Forwarded-For (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            session_absolute_secs: 12 * 3600,
            session_idle_secs: 30 * 60,
            throttle: ThrottlePolicy::default(),
            trust_forwarded_for: false,
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
        }
    }
}
