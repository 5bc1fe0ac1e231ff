//! Status badges shared by several pages.

/// The badge class of an audit status (0 approved, 1 rejected, 3 withdrawn, else pending).
pub fn audit_status_class(status: i64) -> &'static str {
    match status {
        0 => "status authorized",
        1 => "status unauthorized",
        3 => "status muted",
        _ => "status needs_reauthorization",
    }
}
