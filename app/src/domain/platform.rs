//! Token health rules: when a token counts as fresh, due, or expired.

use serde::{Deserialize, Serialize};

/// WeChat's tokens live 7200 s; the worker refreshes this long before the end.
pub const REFRESH_AHEAD_SECS: i64 = 15 * 60;
/// On demand, a token this close to its end is refreshed first.
pub const MIN_REMAINING_SECS: i64 = 60;
/// component_verify_ticket: pushed every 10 minutes, valid 12 hours.
pub const TICKET_TTL_SECS: i64 = 12 * 3600;
pub const TICKET_PUSH_INTERVAL_SECS: i64 = 600;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenHealth {
    /// Valid and not yet due for refresh.
    Fresh,
    /// Valid, but the worker will refresh it soon.
    Due,
    /// Expired or never obtained.
    Expired,
    /// The last refresh failed and no valid token remains.
    Failing,
}

impl TokenHealth {
    pub fn of(expires_at: i64, has_error: bool, now: i64) -> Self {
        if expires_at <= now {
            if has_error {
                TokenHealth::Failing
            } else {
                TokenHealth::Expired
            }
        } else if expires_at - now <= REFRESH_AHEAD_SECS {
            TokenHealth::Due
        } else {
            TokenHealth::Fresh
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenHealth::Fresh => "fresh",
            TokenHealth::Due => "due",
            TokenHealth::Expired => "expired",
            TokenHealth::Failing => "failing",
        }
    }
}

/// A ticket older than two push intervals means pushes are not arriving.
pub fn ticket_is_late(received_at: i64, now: i64) -> bool {
    now - received_at > 2 * TICKET_PUSH_INTERVAL_SECS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_follows_the_remaining_time() {
        let now = 1_000_000;
        assert_eq!(TokenHealth::of(now + 7200, false, now), TokenHealth::Fresh);
        assert_eq!(TokenHealth::of(now + 900, false, now), TokenHealth::Due);
        assert_eq!(TokenHealth::of(now, false, now), TokenHealth::Expired);
        assert_eq!(TokenHealth::of(now - 5, true, now), TokenHealth::Failing);
        // A failed refresh with a still-valid token is only "due".
        assert_eq!(TokenHealth::of(now + 100, true, now), TokenHealth::Due);
    }

    #[test]
    fn ticket_lateness() {
        assert!(!ticket_is_late(0, 1200));
        assert!(ticket_is_late(0, 1201));
    }
}
