//! Timestamps are Unix seconds everywhere; people read them in China Standard Time.

pub const CST_OFFSET_SECS: i64 = 8 * 3600;

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date (year, month, day) in UTC+8, for per-day and per-month quotas.
pub fn cst_date(ts: i64) -> (i64, u32, u32) {
    civil_from_days((ts + CST_OFFSET_SECS).div_euclid(86_400))
}

/// "2026-11-27 08:31" in UTC+8.
pub fn format_cst(ts: i64) -> String {
    let local = ts + CST_OFFSET_SECS;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        (secs % 3600) / 60
    )
}

/// Parses "YYYY-MM-DD" as the start of that day in UTC+8.
pub fn parse_cst_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400 - CST_OFFSET_SECS)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_china_time() {
        assert_eq!(format_cst(0), "1970-01-01 08:00");
        // 2026-11-27T00:31:46Z
        assert_eq!(format_cst(1_795_739_506), "2026-11-27 08:31");
    }

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        assert_eq!(parse_cst_date("1970-01-01"), Some(-8 * 3600));
        assert_eq!(
            parse_cst_date("2024-02-29").map(format_cst).as_deref(),
            Some("2024-02-29 00:00")
        );
        assert_eq!(parse_cst_date("2023-02-29"), None);
        assert_eq!(parse_cst_date("2026-13-01"), None);
        assert_eq!(parse_cst_date("yesterday"), None);
    }
}
