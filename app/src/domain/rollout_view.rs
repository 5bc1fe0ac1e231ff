//! Fleet rollouts as they cross the wire and the database (issue 17): the request that plans
//! or creates a rollout and the bounds of what arrives in it, a rollout with its progress, a
//! target's row and its timeline, and how a write in flight is written down. The rules of
//! the rollout itself (state machine, planner, reconciliation, backoff) are in
//! [`super::rollout`].

use super::fleet_release::FleetQuery;
use super::pagination::{Page, PageRequest, DEFAULT_PER_PAGE};
use super::release::errcode::{
    BAD_CATEGORY, BAD_PAGE_PATH, BAD_TAG, BAD_TITLE, EMPTY_ITEM, ITEM_COUNT,
};
use super::release::submission::{check_item_list, AuditItem, Category};
use super::release::Violation;
use super::rollout::{
    Limits, Plan, Progress, ReleasePolicy, RolloutSpec, StateKind, TargetState, Write,
};
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Planning and creating
// ---------------------------------------------------------------------------------------------

/// Which mini programs a rollout is planned for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TargetSelection {
    /// AppIDs pasted by an operator, separated by spaces, line breaks, commas or semicolons.
    Appids { text: String },
    /// The fleet release view's filters (merchant, template, version, release state).
    Fleet { query: FleetQuery },
}

/// At most this many AppIDs in one paste, and mini programs in one rollout.
pub const TARGETS_MAX: usize = 20_000;

/// The AppIDs of a paste in their order, each trimmed; empty pieces dropped. Checking them
/// is the planner's job (an invalid or repeated one is skipped with its reason).
pub fn split_appids(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '，' | '；' | '、'))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Everything a rollout is planned from; creating one plans it again on the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutRequest {
    pub spec: RolloutSpec,
    pub targets: TargetSelection,
    #[serde(default)]
    pub limits: Limits,
    /// submit_audit's item_list, the same for every target (1–5). An item whose category
    /// ids are 0 is submitted under the target's first category (`get_category`); the pages
    /// are checked against each target's `get_page` when it is submitted.
    pub items: Vec<AuditItem>,
    /// Create the rollout paused (nothing is sent until it is resumed).
    #[serde(default)]
    pub paused: bool,
}

/// The plan of a request, with what the server added to the limits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub plan: Plan,
    /// Mini programs the 7-day audit quota admits now (85085), from the console's records.
    pub audit_quota_remaining: u32,
}

/// The item list's rules before any target is known ([`check_item_list`]): the pages are
/// checked against each target's `get_page` when it is submitted, and a category is given by
/// both ids or left to the target (both 0; a half-given one is 85008).
pub fn check_items(items: &[AuditItem]) -> Result<(), Vec<Violation>> {
    check_item_list(
        items,
        |_| true,
        |item| {
            ((item.first_id == 0) != (item.second_id == 0))
                .then_some(("category", FieldProblem::Required))
        },
    )
}

/// The items for one target: an item without a category (ids 0) gets the target's first
/// category as `get_category` lists it (names, ids, third level); the others are kept.
/// Without any category the item stays as it is and the submit is refused (85008).
pub fn fill_categories(items: &[AuditItem], categories: &[Category]) -> Vec<AuditItem> {
    items
        .iter()
        .map(|item| match categories.first() {
            Some(c) if item.first_id == 0 && item.second_id == 0 => AuditItem {
                first_class: c.first_class.clone(),
                second_class: c.second_class.clone(),
                third_class: c.third_class.clone(),
                first_id: c.first_id,
                second_id: c.second_id,
                third_id: c.third_id,
                ..item.clone()
            },
            _ => item.clone(),
        })
        .collect()
}

/// The errcode WeChat answers for a refused field of submit_audit (the console checks the
/// item list against `get_page` and `get_category` before sending it): what a target that
/// fails that check records.
pub fn submit_errcode_of_field(field: &str) -> Option<i64> {
    if field == "item_list" {
        return Some(ITEM_COUNT);
    }
    let rest = field.strip_prefix("item_list[")?;
    let (_, name) = rest.split_once(']')?;
    Some(match name.trim_start_matches('.') {
        "" => EMPTY_ITEM,
        "address" => BAD_PAGE_PATH,
        "title" => BAD_TITLE,
        "tag" => BAD_TAG,
        "category" | "first_class" | "second_class" | "third_class" | "third_id" => BAD_CATEGORY,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// A write in flight
// ---------------------------------------------------------------------------------------------

/// How a write in flight is stored: `commit`, `submit_audit`, `gray:<percentage>`, `release`.
pub fn write_name(write: Write) -> String {
    match write {
        Write::Commit => "commit".into(),
        Write::SubmitAudit => "submit_audit".into(),
        Write::GrayRelease { percentage } => format!("gray:{percentage}"),
        Write::Release => "release".into(),
    }
}

pub fn parse_write(s: &str) -> Option<Write> {
    match s {
        "commit" => Some(Write::Commit),
        "submit_audit" => Some(Write::SubmitAudit),
        "release" => Some(Write::Release),
        other => other
            .strip_prefix("gray:")?
            .parse()
            .ok()
            .map(|percentage| Write::GrayRelease { percentage }),
    }
}

/// The WeChat path of a write (the timeline names calls by it).
pub fn write_path(write: Write) -> &'static str {
    match write {
        Write::Commit => "/wxa/commit",
        Write::SubmitAudit => "/wxa/submit_audit",
        Write::GrayRelease { .. } => "/wxa/grayrelease",
        Write::Release => "/wxa/release",
    }
}

// ---------------------------------------------------------------------------------------------
// Rollouts, targets and their timeline
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RolloutStatus {
    Running,
    Paused,
    /// Stopped for good: targets not yet submitted were cancelled, the others stay as they
    /// are (their audit results are still followed, nothing more is written).
    Cancelled,
    /// Every target reached a final state.
    Finished,
}

impl RolloutStatus {
    pub const ALL: [RolloutStatus; 4] = [
        RolloutStatus::Running,
        RolloutStatus::Paused,
        RolloutStatus::Cancelled,
        RolloutStatus::Finished,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RolloutStatus::Running => "running",
            RolloutStatus::Paused => "paused",
            RolloutStatus::Cancelled => "cancelled",
            RolloutStatus::Finished => "finished",
        }
    }

    pub fn parse(s: &str) -> Option<RolloutStatus> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a control action does not apply to the rollout as it stands (409).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RolloutRefusal {
    /// Pause: only a running rollout pauses.
    NotRunning,
    /// Resume: only a paused rollout resumes.
    NotPaused,
    /// Cancelled or finished: nothing more to pause, resume or cancel.
    AlreadyOver,
    /// Retry: no failed or rejected target (of those named) to retry.
    NothingToRetry,
    /// Create or retry: another rollout took the mini programs since they were planned.
    TargetsTaken,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RolloutListQuery {
    pub status: Option<RolloutStatus>,
    pub page: PageRequest,
}

impl RolloutListQuery {
    /// The list page's URL parameters (`status`, `page`, `per_page`); anything unknown is
    /// dropped.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            status: get("status").and_then(|s| RolloutStatus::parse(s.trim())),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// URL parameters (without the page number) for links.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(s) = self.status {
            params.push(("status", s.as_str().to_owned()));
        }
        if self.page.per_page != DEFAULT_PER_PAGE {
            params.push(("per_page", self.page.per_page.to_string()));
        }
        params
    }
}

/// One rollout with its progress. For a merchant the figures count its own targets only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutSummary {
    pub id: i64,
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub status: RolloutStatus,
    pub policy: ReleasePolicy,
    pub created_by_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    pub progress: Progress,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutDetail {
    pub summary: RolloutSummary,
    pub ext_json_template: String,
    pub limits: Limits,
    pub items: Vec<AuditItem>,
    pub now: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TargetQuery {
    /// Only targets in this state.
    pub state: Option<StateKind>,
    pub page: PageRequest,
}

impl TargetQuery {
    /// A rollout page's URL parameters (`state`, `page`, `per_page`); anything unknown is
    /// dropped. The CSV export reads `state` the same way.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            state: get("state").and_then(|s| StateKind::parse(s.trim())),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// URL parameters (without the page number) for links, the CSV export included.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if let Some(k) = self.state {
            params.push(("state", k.as_str().to_owned()));
        }
        if self.page.per_page != DEFAULT_PER_PAGE {
            params.push(("per_page", self.page.per_page.to_string()));
        }
        params
    }
}

/// One target as the progress page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetRow {
    pub appid: String,
    pub nick_name: Option<String>,
    pub merchant_id: Option<i64>,
    pub state: TargetState,
    /// `SkipReason::as_str` of a skipped target.
    pub skip_reason: Option<String>,
    /// Where a cancelled target stood (what had reached WeChat stays as it is).
    pub cancelled_from: Option<TargetState>,
    pub gray_skipped: bool,
    pub attempt: i64,
    pub next_at: i64,
    /// A write was sent and its outcome is not settled yet.
    pub in_flight: bool,
    pub auditid: Option<i64>,
    /// The rejection reason (WeChat's text, `<br>` as it sends them).
    pub reason: Option<String>,
    pub last_errcode: Option<i64>,
    pub last_error: Option<String>,
    /// What `last_errcode` means, (zh, en) from the errcode catalogue (filled on the server:
    /// the catalogue is not in the browser's bundle).
    pub error_text: Option<(String, String)>,
    pub entered_at: i64,
    pub updated_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetsView {
    /// The figures per state are the detail's ([`RolloutDetail`]): read once per refresh.
    pub page: Page<TargetRow>,
}

/// One entry of a target's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    pub at: i64,
    /// `call` (a WeChat call), `reconcile` (a lost answer settled by WeChat's state),
    /// `state` (a transition) or `control` (an operator's action).
    pub kind: String,
    pub path: Option<String>,
    pub errcode: Option<i64>,
    /// A call: ok, error, lost (no answer), refused (by the console's own checks, not
    /// sent); a reconcile: done / not_done; a transition: the new state (`encode`); a
    /// control: cancelled / retry.
    pub outcome: String,
    pub detail: String,
    /// What `errcode` means, (zh, en) from the errcode catalogue (filled on the server).
    pub error_text: Option<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(address: &str, title: &str) -> AuditItem {
        AuditItem {
            address: address.into(),
            title: title.into(),
            tag: "咖啡 点单".into(),
            ..AuditItem::default()
        }
    }

    #[test]
    fn pasted_appids_split_on_any_separator() {
        assert_eq!(
            split_appids(" wx01, wx02;wx03\n\twx04，wx05；wx06、wx07  "),
            vec!["wx01", "wx02", "wx03", "wx04", "wx05", "wx06", "wx07"]
        );
        assert!(split_appids(" ,;\n").is_empty());
    }

    #[test]
    fn item_lists_are_checked_without_a_target() {
        assert!(check_items(&[item("pages/index/index", "首页")]).is_ok());
        let fields = |items: &[AuditItem]| -> Vec<(String, Option<i64>)> {
            check_items(items)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v.field, v.errcode))
                .collect()
        };
        assert_eq!(fields(&[]), vec![("item_list".into(), Some(ITEM_COUNT))]);
        let six: Vec<AuditItem> = std::iter::repeat_n(item("a", "b"), 6).collect();
        assert_eq!(fields(&six), vec![("item_list".into(), Some(ITEM_COUNT))]);
        let half = AuditItem {
            first_id: 3,
            ..item("a", "b")
        };
        let many_tags = AuditItem {
            tag: "a b c d e f g h i j k".into(),
            ..item("a", "b")
        };
        assert_eq!(
            fields(&[
                AuditItem::default(),
                item("", &"长".repeat(33)),
                half,
                many_tags
            ]),
            vec![
                ("item_list[0]".into(), Some(EMPTY_ITEM)),
                ("item_list[1].address".into(), Some(BAD_PAGE_PATH)),
                ("item_list[1].title".into(), Some(BAD_TITLE)),
                ("item_list[2].category".into(), Some(BAD_CATEGORY)),
                ("item_list[3].tag".into(), Some(BAD_TAG)),
            ]
        );
    }

    #[test]
    fn items_without_a_category_take_the_targets_first() {
        let categories = [
            Category {
                first_class: "教育".into(),
                second_class: "学历教育".into(),
                third_class: Some("高等".into()),
                first_id: 3,
                second_id: 4,
                third_id: Some(5),
            },
            Category::default(),
        ];
        let chosen = AuditItem {
            first_class: "餐饮".into(),
            second_class: "咖啡".into(),
            first_id: 1,
            second_id: 2,
            ..item("b", "二")
        };
        let filled = fill_categories(&[item("a", "一"), chosen.clone()], &categories);
        assert_eq!(filled[0].first_id, 3);
        assert_eq!(filled[0].third_id, Some(5));
        assert_eq!(filled[0].third_class.as_deref(), Some("高等"));
        assert_eq!(filled[0].address, "a");
        assert_eq!(filled[1], chosen);
        assert_eq!(fill_categories(&[item("a", "一")], &[])[0].first_id, 0);
    }

    #[test]
    fn refused_submit_fields_map_to_wechats_errcodes() {
        for (field, code) in [
            ("item_list", Some(ITEM_COUNT)),
            ("item_list[0]", Some(EMPTY_ITEM)),
            ("item_list[2].address", Some(BAD_PAGE_PATH)),
            ("item_list[1].title", Some(BAD_TITLE)),
            ("item_list[0].tag", Some(BAD_TAG)),
            ("item_list[0].category", Some(BAD_CATEGORY)),
            ("item_list[0].third_id", Some(BAD_CATEGORY)),
            ("item_list[0].second_class", Some(BAD_CATEGORY)),
            ("feedback_info", None),
            ("item_list[0].nope", None),
        ] {
            assert_eq!(submit_errcode_of_field(field), code, "{field}");
        }
    }

    #[test]
    fn writes_in_flight_round_trip() {
        for w in [
            Write::Commit,
            Write::SubmitAudit,
            Write::GrayRelease { percentage: 10 },
            Write::Release,
        ] {
            assert_eq!(parse_write(&write_name(w)), Some(w));
            assert!(write_path(w).starts_with("/wxa/"));
        }
        for bad in ["", "gray:", "gray:300", "Commit", "released"] {
            assert_eq!(parse_write(bad), None, "{bad}");
        }
    }

    #[test]
    fn list_and_target_queries_come_from_the_url() {
        let q = RolloutListQuery::from_params(|k| match k {
            "status" => Some(" paused ".into()),
            "page" => Some("3".into()),
            "per_page" => Some("50".into()),
            _ => None,
        });
        assert_eq!(q.status, Some(RolloutStatus::Paused));
        assert_eq!(q.page, PageRequest::new(3, 50));
        assert_eq!(
            q.to_params(),
            vec![
                ("status", "paused".to_owned()),
                ("per_page", "50".to_owned())
            ]
        );
        let bad = RolloutListQuery::from_params(|k| match k {
            "status" => Some("Running".into()),
            "page" => Some("-1".into()),
            "per_page" => Some("7".into()),
            _ => None,
        });
        assert_eq!(bad, RolloutListQuery::default());
        assert!(bad.to_params().is_empty());

        let q = TargetQuery::from_params(|k| match k {
            "state" => Some("failed".into()),
            "page" => Some("2".into()),
            _ => None,
        });
        assert_eq!(q.state, Some(StateKind::Failed));
        assert_eq!(q.page, PageRequest::new(2, DEFAULT_PER_PAGE));
        assert_eq!(q.to_params(), vec![("state", "failed".to_owned())]);
        for kind in StateKind::ALL {
            let q = TargetQuery {
                state: Some(kind),
                page: PageRequest::new(1, 100),
            };
            let params = q.to_params();
            let back = TargetQuery::from_params(|k| {
                params
                    .iter()
                    .find(|(name, _)| *name == k)
                    .map(|(_, v)| v.clone())
            });
            assert_eq!(back, q);
        }
        let bad = TargetQuery::from_params(|k| (k == "state").then(|| "gray:1".into()));
        assert_eq!(bad.state, None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in RolloutStatus::ALL {
            assert_eq!(RolloutStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RolloutStatus::parse("Running"), None);
    }

    #[test]
    fn requests_cross_the_wire_with_defaults() {
        let r: RolloutRequest = serde_json::from_value(serde_json::json!({
            "spec": {"template_id": 1, "user_version": "2.0.0", "user_desc": "d",
                     "ext_json_template": "", "policy": "Automatic"},
            "targets": {"Appids": {"text": "wx0123456789abcdef"}},
            "items": [{"address": "pages/index/index", "title": "首页"}]
        }))
        .unwrap();
        assert_eq!(r.limits, Limits::default());
        assert!(!r.paused);
        assert_eq!(r.spec.template_app_json, None);
    }
}
