//! Withdrawing an audit (undocodeaudit) is limited to once a day and 10 times a month
//! (87013). WeChat counts in China's calendar, so days and months are taken in UTC+8.

use crate::domain::time::cst_date;
use serde::{Deserialize, Serialize};

pub const UNDO_PER_DAY: u32 = 1;
pub const UNDO_PER_MONTH: u32 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoQuota {
    pub left_today: u32,
    pub left_this_month: u32,
}

impl UndoQuota {
    /// What a mini program that never withdrew has.
    pub const FULL: UndoQuota = UndoQuota {
        left_today: UNDO_PER_DAY,
        left_this_month: UNDO_PER_MONTH,
    };

    pub fn allows_undo(&self) -> bool {
        self.left_today > 0 && self.left_this_month > 0
    }
}

impl Default for UndoQuota {
    fn default() -> Self {
        Self::FULL
    }
}

/// `past_undos` are the Unix times of earlier withdrawals (any order, any age).
pub fn undo_quota(past_undos: &[i64], now: i64) -> UndoQuota {
    let (year, month, day) = cst_date(now);
    let this_month: Vec<(i64, u32, u32)> = past_undos
        .iter()
        .map(|&t| cst_date(t))
        .filter(|&(y, m, _)| (y, m) == (year, month))
        .collect();
    let today = this_month.iter().filter(|&&(_, _, d)| d == day).count();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    UndoQuota {
        left_today: UNDO_PER_DAY.saturating_sub(count(today)),
        left_this_month: UNDO_PER_MONTH.saturating_sub(count(this_month.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::parse_cst_date;

    /// Unix time of a China-time date and hour.
    fn at(date: &str, hour: i64) -> i64 {
        parse_cst_date(date).unwrap() + hour * 3600
    }

    #[test]
    fn a_fresh_account_has_the_full_quota() {
        assert_eq!(undo_quota(&[], at("2026-11-27", 9)), UndoQuota::FULL);
        assert!(UndoQuota::default().allows_undo());
    }

    #[test]
    fn once_per_china_calendar_day() {
        let now = at("2026-11-27", 9);
        let q = undo_quota(&[at("2026-11-27", 0)], now);
        assert_eq!(q.left_today, 0);
        assert_eq!(q.left_this_month, 9);
        assert!(!q.allows_undo());
        // 23:30 the evening before (China time) is another day, though the same UTC day
        // as 07:30 the next morning.
        let evening = at("2026-11-26", 23) + 1800;
        let q = undo_quota(&[evening], at("2026-11-27", 7) + 1800);
        assert_eq!(q.left_today, 1);
        assert!(q.allows_undo());
    }

    #[test]
    fn ten_per_china_calendar_month() {
        let nine: Vec<i64> = (1..=9)
            .map(|d| at(&format!("2026-11-{d:02}"), 12))
            .collect();
        let now = at("2026-11-27", 9);
        let q = undo_quota(&nine, now);
        assert_eq!(q.left_this_month, 1);
        assert!(q.allows_undo());
        let mut ten = nine.clone();
        ten.push(at("2026-11-20", 12));
        let q = undo_quota(&ten, now);
        assert_eq!(q.left_this_month, 0);
        assert!(!q.allows_undo());
        // The first of the next month (China time) starts afresh.
        assert_eq!(undo_quota(&ten, at("2026-12-01", 0)), UndoQuota::FULL);
        // Same month of another year does not count.
        let last_year: Vec<i64> = (1..=10)
            .map(|d| at(&format!("2025-11-{d:02}"), 12))
            .collect();
        assert_eq!(undo_quota(&last_year, now), UndoQuota::FULL);
    }

    #[test]
    fn the_month_boundary_is_midnight_in_china() {
        // 2026-11-30 20:00 UTC is already 2026-12-01 04:00 in China.
        let december_in_china = at("2026-12-01", 4);
        let q = undo_quota(&[december_in_china], at("2026-12-15", 12));
        assert_eq!(q.left_this_month, 9);
        let q = undo_quota(&[december_in_china - 5 * 3600], at("2026-12-15", 12));
        assert_eq!(q.left_this_month, 10);
    }

    #[test]
    fn more_past_undos_than_allowed_leave_zero() {
        let many = vec![at("2026-11-27", 1); 30];
        assert_eq!(
            undo_quota(&many, at("2026-11-27", 9)),
            UndoQuota {
                left_today: 0,
                left_this_month: 0
            }
        );
    }
}
