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

/// Bounds the sign-in verifications of one server (each `AppState` has its own, so several
/// servers in one process, as in the tests, do not answer each other's load).
#[derive(Debug)]
pub struct HashGate {
    permits: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl HashGate {
    pub fn new(concurrent: usize) -> Self {
        let concurrent = concurrent.max(1);
        Self {
            permits: Semaphore::new(concurrent),
            waiting: AtomicUsize::new(0),
            max_waiting: concurrent * QUEUE_PER_PERMIT,
        }
    }

    /// One hash per CPU: more would not finish sooner.
    pub fn per_cpu() -> Self {
        Self::new(cpus())
    }

    /// How many hashes may run at once behind this gate.
    pub fn concurrent(&self) -> usize {
        self.max_waiting / QUEUE_PER_PERMIT
    }

    async fn enter(&self) -> Result<SemaphorePermit<'_>, AppError> {
        if let Ok(permit) = self.permits.try_acquire() {
            return Ok(permit);
        }
        let busy = AppError::Busy {
            retry_after_secs: BUSY_RETRY_SECS,
        };
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(busy);
        }
        let _queued = Queued(&self.waiting);
        match tokio::time::timeout(QUEUE_WAIT, self.permits.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy),
        }
    }
}

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Leaves the queue count right however the wait ends (including cancellation).
struct Queued<'a>(&'a AtomicUsize);

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Hashes for new passwords (admins, the CLI, demo data: never a signed-out visitor) wait
/// their turn rather than fail; they too run at most one per CPU in the process.
fn new_password_permits() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(cpus()))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let _permit = new_password_permits()
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
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
pub async fn verify(
    gate: &HashGate,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    let _permit = gate.enter().await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_gate_answers_busy_and_frees_its_queue() {
        let gate = HashGate::new(1);
        let running = gate.enter().await.expect("the first enters");
        // Four may wait behind the one running; the fifth is told to come back.
        let waiting: Vec<_> = (0..QUEUE_PER_PERMIT).map(|_| gate.enter()).collect();
        let mut waiting: Vec<_> = waiting.into_iter().map(Box::pin).collect();
        for w in &mut waiting {
            assert!(futures_poll_once(w.as_mut()).await.is_none());
        }
        assert!(matches!(gate.enter().await, Err(AppError::Busy { .. })));
        drop(waiting);
        assert_eq!(
            gate.waiting.load(Ordering::Acquire),
            0,
            "cancelled waits leave the queue"
        );
        drop(running);
        assert!(gate.enter().await.is_ok());
    }

    #[tokio::test]
    async fn separate_gates_do_not_share_load() {
        let one = HashGate::new(1);
        let other = HashGate::new(1);
        let _held = one.enter().await.expect("enters");
        assert!(other.permits.try_acquire().is_ok());
        assert_eq!(one.concurrent(), 1);
    }

    /// Polls a future once: `None` while it is pending.
    async fn futures_poll_once<F: std::future::Future + Unpin>(f: F) -> Option<F::Output> {
        let mut f = f;
        std::future::poll_fn(|cx| {
            std::task::Poll::Ready(match std::pin::Pin::new(&mut f).poll(cx) {
                std::task::Poll::Ready(v) => Some(v),
                std::task::Poll::Pending => None,
            })
        })
        .await
    }
}
