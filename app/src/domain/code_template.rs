//! The platform's code template library (代码模板库): drafts uploaded from the developer
//! tools become templates that every mini program's code is committed from. The rules here
//! say how full the library may get, when a template may be deleted, and how many mini
//! programs run each template (online, in review, in gray release, committed only).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Templates a platform's library holds at most: WeChat's open-platform docs (第三方平台 ›
/// 代码模板库: "小程序模板库的存储数量上限为 200 个"); addtotemplate answers 85065 beyond it.
pub const LIBRARY_MAX: usize = 200;

/// The errcodes of the template library calls (open-platform docs; WxJava
/// `WxOpenComponentService`): not in the seeds.
pub mod errcode {
    /// 找不到模板 (also an unknown draft id in addtotemplate).
    pub const NOT_FOUND: i64 = 85064;
    /// 模板库已满.
    pub const LIBRARY_FULL: i64 = 85065;
}

/// `template_type`: 0 普通模板, 1 标准模板.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TemplateType {
    #[default]
    Ordinary,
    Standard,
}

impl TemplateType {
    pub const ALL: [TemplateType; 2] = [TemplateType::Ordinary, TemplateType::Standard];

    pub fn code(self) -> i64 {
        match self {
            TemplateType::Ordinary => 0,
            TemplateType::Standard => 1,
        }
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            0 => Some(TemplateType::Ordinary),
            1 => Some(TemplateType::Standard),
            _ => None,
        }
    }
}

/// Whether one more template fits (85065 otherwise).
pub fn check_add(templates_now: usize) -> Result<(), i64> {
    if templates_now >= LIBRARY_MAX {
        Err(errcode::LIBRARY_FULL)
    } else {
        Ok(())
    }
}

/// Where one mini program's code stands, as the console recorded it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CodeFacts {
    /// The template of the version online.
    pub online_template: Option<i64>,
    /// The template of the newest commit.
    pub committed_template: Option<i64>,
    /// The newest audit is in review (or being delayed).
    pub in_review: bool,
    /// A gray release plan runs (the newest, approved commit is partly online).
    pub gray: bool,
}

/// How many mini programs run a template, in each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateUsage {
    pub online: i64,
    pub in_review: i64,
    pub gray: i64,
    /// Committed from it, but neither online, in review nor in gray release.
    pub committed_only: i64,
}

impl TemplateUsage {
    pub fn total(&self) -> i64 {
        self.online + self.in_review + self.gray + self.committed_only
    }
}

/// Counts per template over the fleet, given as facts with how many mini programs share
/// each. The version in review or in gray release is the newest commit's, so those count for
/// the committed template.
pub fn tally<'a>(
    fleet: impl IntoIterator<Item = &'a (CodeFacts, i64)>,
) -> BTreeMap<i64, TemplateUsage> {
    let mut out: BTreeMap<i64, TemplateUsage> = BTreeMap::new();
    for (f, programs) in fleet {
        let programs = *programs;
        if let Some(t) = f.online_template {
            out.entry(t).or_default().online += programs;
        }
        if let Some(t) = f.committed_template {
            let u = out.entry(t).or_default();
            if f.in_review {
                u.in_review += programs;
            } else if f.gray {
                u.gray += programs;
            } else if f.online_template != Some(t) {
                u.committed_only += programs;
            }
        }
    }
    out
}

/// Why a template cannot be deleted now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeleteBlocked {
    /// Mini programs have a version of it in review: the audit and its release need it.
    InReview(i64),
    /// Mini programs have it in gray release: a full release or a revert still needs it.
    InGray(i64),
}

/// A template may go while nothing waits on it; the mini programs that run it online keep
/// running (the confirmation says how many).
pub fn check_delete(usage: &TemplateUsage) -> Result<(), DeleteBlocked> {
    if usage.in_review > 0 {
        Err(DeleteBlocked::InReview(usage.in_review))
    } else if usage.gray > 0 {
        Err(DeleteBlocked::InGray(usage.gray))
    } else {
        Ok(())
    }
}

/// One line of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffLine {
    Same(String),
    Removed(String),
    Added(String),
}

/// A line diff of `before` → `after` (longest common subsequence; app.json files are short).
pub fn line_diff(before: &str, after: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = before.lines().collect();
    let b: Vec<&str> = after.lines().collect();
    // lcs[i][j]: common lines of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed(a[i].to_owned()));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j].to_owned()));
            j += 1;
        }
    }
    out
}

/// What changes in one mini program's effective app.json when its code moves from one
/// template to another (its newest commit's ext_json merged over each template's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateComparison {
    pub appid: String,
    pub nick_name: String,
    pub from: i64,
    pub to: i64,
    pub from_app_json: String,
    pub to_app_json: String,
    pub lines: Vec<DiffLine>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_diff_keeps_order_and_marks_changes() {
        let before = "{\n  \"a\": 1,\n  \"b\": 2\n}";
        let after = "{\n  \"a\": 1,\n  \"b\": 3,\n  \"c\": 4\n}";
        assert_eq!(
            line_diff(before, after),
            vec![
                DiffLine::Same("{".into()),
                DiffLine::Same("  \"a\": 1,".into()),
                DiffLine::Removed("  \"b\": 2".into()),
                DiffLine::Added("  \"b\": 3,".into()),
                DiffLine::Added("  \"c\": 4".into()),
                DiffLine::Same("}".into()),
            ]
        );
        assert_eq!(line_diff("x", "x"), vec![DiffLine::Same("x".into())]);
        assert_eq!(line_diff("", "y"), vec![DiffLine::Added("y".into())]);
        assert_eq!(line_diff("y", ""), vec![DiffLine::Removed("y".into())]);
    }

    fn facts(
        online: Option<i64>,
        committed: Option<i64>,
        in_review: bool,
        gray: bool,
    ) -> CodeFacts {
        CodeFacts {
            online_template: online,
            committed_template: committed,
            in_review,
            gray,
        }
    }

    #[test]
    fn the_library_holds_200() {
        assert_eq!(check_add(0), Ok(()));
        assert_eq!(check_add(199), Ok(()));
        assert_eq!(check_add(200), Err(errcode::LIBRARY_FULL));
        assert_eq!(TemplateType::from_code(1), Some(TemplateType::Standard));
        assert_eq!(TemplateType::from_code(2), None);
        assert_eq!(TemplateType::Standard.code(), 1);
    }

    #[test]
    fn usage_counts_each_mini_program_where_its_code_stands() {
        let fleet = [
            // Online on 1, nothing newer.
            (facts(Some(1), Some(1), false, false), 1),
            // Online on 1, version from 2 in review.
            (facts(Some(1), Some(2), true, false), 1),
            // Online on 1, version from 2 in gray release.
            (facts(Some(1), Some(2), false, true), 1),
            // Only committed from 3.
            (facts(None, Some(3), false, false), 1),
            // Online on 2, a newer commit of 3 not submitted.
            (facts(Some(2), Some(3), false, false), 1),
            // Never committed.
            (facts(None, None, false, false), 1),
        ];
        let u = tally(fleet.iter());
        assert_eq!(
            u[&1],
            TemplateUsage {
                online: 3,
                ..Default::default()
            }
        );
        assert_eq!(
            u[&2],
            TemplateUsage {
                online: 1,
                in_review: 1,
                gray: 1,
                committed_only: 0
            }
        );
        assert_eq!(u[&3].committed_only, 2);
        assert_eq!(u[&3].total(), 2);
        assert!(!u.contains_key(&4));
    }

    #[test]
    fn a_group_of_mini_programs_counts_as_that_many_alone() {
        let in_review = facts(Some(1), Some(2), true, false);
        let committed = facts(None, Some(3), false, false);
        let grouped = tally([(in_review.clone(), 40), (committed.clone(), 2)].iter());
        let one_by_one: Vec<(CodeFacts, i64)> = std::iter::repeat_n((in_review, 1), 40)
            .chain(std::iter::repeat_n((committed, 1), 2))
            .collect();
        assert_eq!(grouped, tally(one_by_one.iter()));
        assert_eq!(grouped[&1].online, 40);
        assert_eq!(grouped[&2].in_review, 40);
        assert_eq!(grouped[&3].committed_only, 2);
    }

    #[test]
    fn a_template_waited_on_cannot_be_deleted() {
        let free = TemplateUsage {
            online: 7,
            committed_only: 2,
            ..Default::default()
        };
        assert_eq!(check_delete(&free), Ok(()));
        assert_eq!(
            check_delete(&TemplateUsage {
                in_review: 1,
                gray: 2,
                ..free
            }),
            Err(DeleteBlocked::InReview(1))
        );
        assert_eq!(
            check_delete(&TemplateUsage { gray: 2, ..free }),
            Err(DeleteBlocked::InGray(2))
        );
    }
}

/// A draft in the draft box (草稿箱).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftRow {
    pub draft_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub create_time: i64,
    pub developer: String,
    pub source_miniprogram: String,
    pub source_miniprogram_appid: String,
    /// Templates already made from this draft.
    pub templates: Vec<i64>,
}

/// A template of the library with its usage across the fleet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub template_id: i64,
    pub draft_id: Option<i64>,
    pub user_version: String,
    pub user_desc: String,
    pub template_type: i64,
    pub create_time: i64,
    pub developer: String,
    pub source_miniprogram: String,
    pub usage: TemplateUsage,
    pub delete_blocked: Option<DeleteBlocked>,
}

/// The library page: drafts, templates (of the chosen type) and how full the library is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryView {
    pub drafts: Vec<DraftRow>,
    pub templates: Vec<TemplateRow>,
    /// Templates in the library, all types.
    pub library_size: usize,
    pub library_max: usize,
    /// Mini programs in the fleet (the usage columns' denominator).
    pub fleet_size: usize,
}
