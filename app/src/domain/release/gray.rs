//! Phased ("gray") release: a percentage of users gets the audited version first, and each
//! new step must reach more users than the last (85081, 85082).

use super::errcode::{GRAY_PERCENTAGE_NOT_HIGHER, INVALID_GRAY_PERCENTAGE};
use super::Violation;
use crate::domain::validation::FieldProblem;
use serde::{Deserialize, Serialize};

pub const GRAY_PERCENTAGE_MIN: u8 = 1;
pub const GRAY_PERCENTAGE_MAX: u8 = 100;

/// getgrayreleaseplan's status: 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GrayStatus {
    Initial,
    Running,
    Paused,
    Finished,
    Deleted,
}

impl GrayStatus {
    pub fn from_code(code: i64) -> Option<GrayStatus> {
        Some(match code {
            0 => GrayStatus::Initial,
            1 => GrayStatus::Running,
            2 => GrayStatus::Paused,
            3 => GrayStatus::Finished,
            4 => GrayStatus::Deleted,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayPlan {
    pub status: GrayStatus,
    pub percentage: u8,
}

impl GrayPlan {
    /// A plan under way (running or paused): it blocks a revert and sets the floor for the
    /// next percentage. A finished or deleted plan no longer does.
    pub fn is_active(&self) -> bool {
        matches!(self.status, GrayStatus::Running | GrayStatus::Paused)
    }
}

/// The percentage already reached by an active plan, if any.
pub fn current_percentage(plan: Option<&GrayPlan>) -> Option<u8> {
    plan.filter(|p| p.is_active()).map(|p| p.percentage)
}

/// An integer from 1 to 100 (85081), above the active plan's percentage (85082).
pub fn check_gray_percentage(requested: i64, plan: Option<&GrayPlan>) -> Result<u8, Violation> {
    let percentage = u8::try_from(requested)
        .ok()
        .filter(|p| (GRAY_PERCENTAGE_MIN..=GRAY_PERCENTAGE_MAX).contains(p))
        .ok_or_else(|| {
            Violation::new(
                "gray_percentage",
                FieldProblem::OutOfRange {
                    min: i64::from(GRAY_PERCENTAGE_MIN),
                    max: i64::from(GRAY_PERCENTAGE_MAX),
                },
                INVALID_GRAY_PERCENTAGE,
            )
        })?;
    match current_percentage(plan) {
        Some(current) if percentage <= current => Err(Violation::new(
            "gray_percentage",
            FieldProblem::NotHigherThan {
                current: i64::from(current),
            },
            GRAY_PERCENTAGE_NOT_HIGHER,
        )),
        _ => Ok(percentage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(status: GrayStatus, percentage: u8) -> GrayPlan {
        GrayPlan { status, percentage }
    }

    fn errcode(requested: i64, p: Option<&GrayPlan>) -> Option<i64> {
        check_gray_percentage(requested, p)
            .err()
            .and_then(|v| v.errcode)
    }

    #[test]
    fn percentage_is_1_to_100_85081() {
        assert_eq!(check_gray_percentage(1, None), Ok(1));
        assert_eq!(check_gray_percentage(100, None), Ok(100));
        for bad in [0, -5, 101, 256, i64::MAX] {
            assert_eq!(errcode(bad, None), Some(85081), "{bad}");
        }
        let v = check_gray_percentage(0, None).unwrap_err();
        assert_eq!(v.field, "gray_percentage");
        assert_eq!(v.problem, FieldProblem::OutOfRange { min: 1, max: 100 });
    }

    #[test]
    fn must_rise_above_the_active_plan_85082() {
        let running = plan(GrayStatus::Running, 20);
        assert_eq!(errcode(20, Some(&running)), Some(85082));
        assert_eq!(errcode(10, Some(&running)), Some(85082));
        assert_eq!(check_gray_percentage(21, Some(&running)), Ok(21));
        let paused = plan(GrayStatus::Paused, 50);
        assert_eq!(
            check_gray_percentage(50, Some(&paused))
                .unwrap_err()
                .problem,
            FieldProblem::NotHigherThan { current: 50 }
        );
    }

    #[test]
    fn a_finished_or_deleted_plan_sets_no_floor() {
        for status in [
            GrayStatus::Finished,
            GrayStatus::Deleted,
            GrayStatus::Initial,
        ] {
            assert_eq!(check_gray_percentage(5, Some(&plan(status, 80))), Ok(5));
        }
    }

    #[test]
    fn status_codes() {
        assert_eq!(GrayStatus::from_code(1), Some(GrayStatus::Running));
        assert_eq!(GrayStatus::from_code(4), Some(GrayStatus::Deleted));
        assert_eq!(GrayStatus::from_code(5), None);
    }
}
