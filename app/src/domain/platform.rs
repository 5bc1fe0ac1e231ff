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
    /// Valid, not yet due for refresh, and the last refresh worked.
    Fresh,
    /// Valid, but the worker will refresh it soon.
    Due,
    /// Expired or never obtained.
    Expired,
    /// The last refresh failed: still valid for now, or no valid token remains.
    Failing,
    /// The owner must authorize again (61023 / 61003, or the mini program is marked so):
    /// no refresh can work until then, however long the old token still lives.
    NeedsReauthorization,
}

/// Errcodes of a refresh that only a new authorization by the owner can fix.
pub const REAUTH_ERRCODES: [i64; 2] = [61023, 61003];

/// The errcode at the start of a stored refresh error (`"61023 refresh_token 无效"`).
pub fn error_code(last_error: &str) -> Option<i64> {
    let digits: String = last_error
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '-')
        .collect();
    digits.parse().ok()
}

impl TokenHealth {
    /// Every state, problems first (the order of the token screen's summary).
    pub const ALL: [TokenHealth; 5] = [
        TokenHealth::NeedsReauthorization,
        TokenHealth::Failing,
        TokenHealth::Expired,
        TokenHealth::Due,
        TokenHealth::Fresh,
    ];

    /// The inverse of [`TokenHealth::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }

    /// `last_error`: the last refresh's error (None or empty: it worked);
    /// `needs_reauthorization`: the mini program is marked so.
    pub fn of(
        expires_at: i64,
        last_error: Option<&str>,
        needs_reauthorization: bool,
        now: i64,
    ) -> Self {
        let error = last_error.map(str::trim).filter(|e| !e.is_empty());
        let reauth_error = error
            .and_then(error_code)
            .is_some_and(|c| REAUTH_ERRCODES.contains(&c));
        if needs_reauthorization || reauth_error {
            TokenHealth::NeedsReauthorization
        } else if error.is_some() {
            TokenHealth::Failing
        } else if expires_at <= now {
            TokenHealth::Expired
        } else if expires_at - now <= REFRESH_AHEAD_SECS {
            TokenHealth::Due
        } else {
            TokenHealth::Fresh
        }
    }

    /// Whether the token-health screen lists it first.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            TokenHealth::Failing | TokenHealth::Expired | TokenHealth::NeedsReauthorization
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TokenHealth::Fresh => "fresh",
            TokenHealth::Due => "due",
            TokenHealth::Expired => "expired",
            TokenHealth::Failing => "failing",
            TokenHealth::NeedsReauthorization => "needs_reauthorization",
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
        assert_eq!(
            TokenHealth::of(now + 7200, None, false, now),
            TokenHealth::Fresh
        );
        assert_eq!(
            TokenHealth::of(now + 7200, Some(""), false, now),
            TokenHealth::Fresh
        );
        assert_eq!(
            TokenHealth::of(now + 900, None, false, now),
            TokenHealth::Due
        );
        assert_eq!(TokenHealth::of(now, None, false, now), TokenHealth::Expired);
        assert_eq!(
            TokenHealth::of(now - 5, Some("-1 系统繁忙"), false, now),
            TokenHealth::Failing
        );
    }

    #[test]
    fn a_failed_refresh_is_never_fresh() {
        let now = 1_000_000;
        // The old token still lives two hours, but the last refresh failed.
        assert_eq!(
            TokenHealth::of(now + 7000, Some("-1 系统繁忙"), false, now),
            TokenHealth::Failing
        );
        for error in [
            "61023 refresh_token 无效",
            "61003 component is not authorized by this account",
        ] {
            assert_eq!(
                TokenHealth::of(now + 7000, Some(error), false, now),
                TokenHealth::NeedsReauthorization,
                "{error}"
            );
        }
        // Marked by the token center (or an unauthorized push): whatever the token says.
        assert_eq!(
            TokenHealth::of(now + 7000, None, true, now),
            TokenHealth::NeedsReauthorization
        );
        assert!(TokenHealth::NeedsReauthorization.is_problem());
        assert!(!TokenHealth::Fresh.is_problem());
    }

    #[test]
    fn states_round_trip_through_their_names() {
        for h in TokenHealth::ALL {
            assert_eq!(TokenHealth::parse(h.as_str()), Some(h));
        }
        assert_eq!(TokenHealth::parse("Fresh"), None);
        assert_eq!(TokenHealth::parse(""), None);
    }

    #[test]
    fn errcodes_are_read_from_the_stored_error() {
        assert_eq!(error_code("61023 refresh_token 无效"), Some(61023));
        assert_eq!(error_code("-1 busy"), Some(-1));
        assert_eq!(error_code("no ticket"), None);
    }

    #[test]
    fn reauth_errcodes_are_positive() {
        // The database's mirror of `error_code` (db::tokens) reads them as leading digits.
        assert!(REAUTH_ERRCODES.iter().all(|c| *c > 0));
        assert_eq!(error_code("061023 x"), Some(61023));
        assert_eq!(error_code("61023-1"), None);
    }

    #[test]
    fn ticket_lateness() {
        assert!(!ticket_is_late(0, 1200));
        assert!(ticket_is_late(0, 1201));
    }
}
