//! argon2id with the crate defaults (m = 19 MiB, t = 2, p = 1: OWASP's recommendation),
//! run on the blocking pool so hashing never stalls the async runtime.
//!
//! Every hash takes 19 MiB, so how many run at once is bounded: one per CPU (more would
//! not finish sooner), a short queue behind them, and beyond that the caller is told the
//! server is busy (503 with Retry-After) instead of the process growing without bound.

use crate::error::AppError;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Callers queued behind the running hashes, per permit.
const QUEUE_PER_PERMIT: usize = 4;
/// The longest a queued caller waits for a permit.
const QUEUE_WAIT: Duration = Duration::from_secs(5);
/// What a busy answer suggests waiting.
pub const BUSY_RETRY_SECS: i64 = 1;

struct HashGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

fn gate() -> &'static HashGate {
    static GATE: OnceLock<HashGate> = OnceLock::new();
    GATE.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        HashGate {
            permits: Semaphore::new(cpus),
            waiting: AtomicUsize::new(0),
            max_waiting: cpus * QUEUE_PER_PERMIT,
        }
    })
}

/// How many hashes may run at once in this process.
pub fn concurrent_hashes() -> usize {
    gate().max_waiting / QUEUE_PER_PERMIT
}

/// Leaves the queue count right however the wait ends (including cancellation).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

async fn enter() -> Result<SemaphorePermit<'static>, AppError> {
    let gate = gate();
    if let Ok(permit) = gate.permits.try_acquire() {
        return Ok(permit);
    }
    let busy = AppError::Busy {
        retry_after_secs: BUSY_RETRY_SECS,
    };
    if gate.waiting.fetch_add(1, Ordering::AcqRel) >= gate.max_waiting {
        gate.waiting.fetch_sub(1, Ordering::AcqRel);
        return Err(busy);
    }
    let _queued = Queued(&gate.waiting);
    match tokio::time::timeout(QUEUE_WAIT, gate.permits.acquire()).await {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy),
    }
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _permit = enter().await?;
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|_| AppError::Internal)?
}

pub fn hash_blocking(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Internal)
}

/// A hash to verify against when the user does not exist, so that case costs the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("no such user: timing equaliser").unwrap_or_default())
}

/// Verifies `password` against `stored`, or against a dummy hash when there is no user.
/// `Busy` when too many verifications are running or queued.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let _permit = enter().await?;
    let checked = tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        ok && known
    })
    .await
    .unwrap_or(false);
    Ok(checked)
}
