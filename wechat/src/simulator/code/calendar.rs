//! The Beijing calendar the daily and monthly quotas count in.

pub(super) const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

/// The Beijing calendar day number of a Unix time.
pub fn beijing_day(ts: i64) -> i64 {
    (ts + BEIJING_OFFSET_SECS).div_euclid(86400)
}

/// The Beijing calendar (year, month, day) of a Unix time.
pub fn beijing_date(ts: i64) -> (i64, u32, u32) {
    civil_from_days(beijing_day(ts))
}

/// Howard Hinnant's days → civil date.
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(super) fn same_month(a: i64, b: i64) -> bool {
    let (ya, ma, _) = beijing_date(a);
    let (yb, mb, _) = beijing_date(b);
    ya == yb && ma == mb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beijing_calendar() {
        // 2026-11-30 16:00 UTC is 2026-12-01 00:00 in Beijing.
        assert_eq!(beijing_date(1_796_054_400 - 1), (2026, 11, 30));
        assert_eq!(beijing_date(1_796_054_400), (2026, 12, 1));
        assert_eq!(beijing_date(0), (1970, 1, 1));
        assert_eq!(beijing_date(951_782_400), (2000, 2, 29));
        assert!(same_month(1_796_054_400, 1_796_054_400 + 30 * 86400 - 1));
        assert!(!same_month(1_796_054_400 - 1, 1_796_054_400));
    }
}
