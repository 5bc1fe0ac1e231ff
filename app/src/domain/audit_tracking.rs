//! Tracking of audits with the reviewers: what a push means, and when to poll again.
//!
//! Results arrive by push (`weapp_audit_success` / `_fail` / `_delay`); pushes get lost, so
//! audits in progress are also polled with `get_auditstatus`, first a minute after submission,
//! then with the interval doubling up to an hour.

/// get_auditstatus codes.
pub const APPROVED: i64 = 0;
pub const REJECTED: i64 = 1;
pub const AUDITING: i64 = 2;
pub const WITHDRAWN: i64 = 3;
pub const DELAYED: i64 = 4;

pub const FIRST_POLL_SECS: i64 = 60;
pub const MAX_POLL_SECS: i64 = 3600;
/// How long one instance holds an audit while polling it.
pub const LEASE_SECS: i64 = 120;

/// The status an audit push reports, None for other events.
pub fn status_of_push(kind: &str) -> Option<i64> {
    match kind {
        "weapp_audit_success" => Some(APPROVED),
        "weapp_audit_fail" => Some(REJECTED),
        "weapp_audit_delay" => Some(DELAYED),
        _ => None,
    }
}

/// Still with the reviewers (polling continues).
pub fn is_pending(status: i64) -> bool {
    matches!(status, AUDITING | DELAYED)
}

/// Seconds until the next poll after `attempts` polls so far: 1 min, 2, 4, … capped at 1 h.
pub fn backoff_secs(attempts: i64) -> i64 {
    let shift = attempts.clamp(0, 12) as u32;
    (FIRST_POLL_SECS << shift).min(MAX_POLL_SECS)
}

/// The notification kind for a status worth telling people about.
pub fn notification_kind(status: i64) -> Option<&'static str> {
    match status {
        APPROVED => Some("audit_approved"),
        REJECTED => Some("audit_rejected"),
        DELAYED => Some("audit_delayed"),
        _ => None,
    }
}

/// One notification per (appid, auditid, status), whichever path reports it.
pub fn dedupe_key(appid: &str, auditid: i64, status: i64) -> String {
    format!("audit:{appid}:{auditid}:{status}")
}

/// An empty reason or screenshot list is no reason.
pub fn non_empty(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_to_an_hour() {
        let seq: Vec<i64> = (0..9).map(backoff_secs).collect();
        assert_eq!(seq, vec![60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        assert_eq!(backoff_secs(-3), 60);
        assert_eq!(backoff_secs(i64::MAX), 3600);
    }

    #[test]
    fn pushes_map_to_audit_statuses() {
        assert_eq!(status_of_push("weapp_audit_success"), Some(APPROVED));
        assert_eq!(status_of_push("weapp_audit_fail"), Some(REJECTED));
        assert_eq!(status_of_push("weapp_audit_delay"), Some(DELAYED));
        assert_eq!(status_of_push("unauthorized"), None);
        assert!(is_pending(AUDITING) && is_pending(DELAYED));
        assert!(!is_pending(APPROVED) && !is_pending(REJECTED) && !is_pending(WITHDRAWN));
    }

    #[test]
    fn only_finished_or_delayed_audits_notify() {
        assert_eq!(notification_kind(APPROVED), Some("audit_approved"));
        assert_eq!(notification_kind(REJECTED), Some("audit_rejected"));
        assert_eq!(notification_kind(DELAYED), Some("audit_delayed"));
        assert_eq!(notification_kind(AUDITING), None);
        assert_eq!(notification_kind(WITHDRAWN), None);
        assert_eq!(dedupe_key("wx1", 42, 1), "audit:wx1:42:1");
        assert_eq!(non_empty(Some("  ")), None);
        assert_eq!(non_empty(Some(" a|b ")), Some("a|b"));
    }
}
