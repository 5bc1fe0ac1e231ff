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

/// "2026-11-27 08:31" in UTC+8. Written digit by digit: a list page writes one per row and
/// `format!` (its formatter machinery per field) was 2 % of a 50-row page's CPU (issue 16).
pub fn format_cst(ts: i64) -> String {
    let local = ts + CST_OFFSET_SECS;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let (hour, minute) = (secs / 3600, (secs % 3600) / 60);
    if !(0..=9999).contains(&y) {
        return format!("{y:04}-{m:02}-{d:02} {hour:02}:{minute:02}");
    }
    let mut out = String::with_capacity(16);
    push_digits(&mut out, y, 4);
    out.push('-');
    push_digits(&mut out, i64::from(m), 2);
    out.push('-');
    push_digits(&mut out, i64::from(d), 2);
    out.push(' ');
    push_digits(&mut out, hour, 2);
    out.push(':');
    push_digits(&mut out, minute, 2);
    out
}

/// The last `width` decimal digits of `n` (not negative), with leading zeros.
fn push_digits(out: &mut String, n: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10_i64.pow(place)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
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
        assert_eq!(format_cst(-8 * 3600 - 60), "1969-12-31 23:59");
        // Digit by digit as `format!` writes them, across years 0 to 9999 and past either end.
        let by_format = |ts: i64| {
            let local = ts + CST_OFFSET_SECS;
            let (y, m, d) = civil_from_days(local.div_euclid(86_400));
            let secs = local.rem_euclid(86_400);
            format!(
                "{y:04}-{m:02}-{d:02} {:02}:{:02}",
                secs / 3600,
                (secs % 3600) / 60
            )
        };
        let (first, last) = (-62_200_000_000_i64, 253_500_000_000_i64);
        for ts in (first..last).step_by(7_654_321_987).chain([-1, 59, 86_399]) {
            assert_eq!(format_cst(ts), by_format(ts), "{ts}");
        }
        assert!(
            format_cst(first).starts_with("-00"),
            "{}",
            format_cst(first)
        );
        assert!(
            format_cst(last).starts_with("10003-"),
            "{}",
            format_cst(last)
        );
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
