//! The fleet release view: where every mini program's code stands, at a glance.
//!
//! Each mini program has exactly one release state, the first of `RULES` that applies:
//! - `auditing`: its newest audit is still with the reviewers (2 auditing, 4 delayed);
//! - `rejected`: its newest audit was rejected;
//! - `gray`: a gray release plan is running or paused (getgrayreleaseplan status 1 or 2) —
//!   a gray release *is* the release of the approved version to part of the users, so it
//!   comes before `approved`;
//! - `approved`: its newest audit passed and has not been released (fully or in gray) since;
//! - `online`: a version is online;
//! - `never`: nothing was ever released through the console.
//!
//! The states are exclusive, so the counts per state add up to the number of mini programs.
//! `RULES` is the definition. The database stores each mini program's state (release_facts,
//! kept by triggers: migration 0013 writes these rules in SQL, in this order), and a test
//! holds the stored state to `StateRule::holds` over every reachable combination of facts:
//! a change here needs a migration that changes the SQL and refreshes the stored states.

use super::pagination::{filter_text, PageRequest, SortDir, FILTER_MAX_CHARS};
use serde::{Deserialize, Serialize};

/// The facts about one mini program that decide its release state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReleaseFacts {
    /// The newest audit's status (0 passed, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed).
    pub audit_status: Option<i64>,
    /// When the newest audit finished (or, unfinished, was submitted).
    pub audit_done_at: Option<i64>,
    /// When a version last went online through the console.
    pub online_released_at: Option<i64>,
    /// Whether a version is online.
    pub online: bool,
    /// The gray plan's status (1 running, 2 paused, 3 finished or cancelled).
    pub gray_status: Option<i64>,
}

/// One condition of the state rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateRule {
    AuditInReview,
    AuditRejected,
    GrayPlanActive,
    ApprovedNotReleased,
    VersionOnline,
    Otherwise,
}

impl StateRule {
    pub fn holds(self, f: &ReleaseFacts) -> bool {
        match self {
            StateRule::AuditInReview => matches!(f.audit_status, Some(2 | 4)),
            StateRule::AuditRejected => f.audit_status == Some(1),
            StateRule::GrayPlanActive => matches!(f.gray_status, Some(1 | 2)),
            StateRule::ApprovedNotReleased => {
                f.audit_status == Some(0)
                    && match (f.online_released_at, f.audit_done_at) {
                        (None, _) => true,
                        (Some(released), Some(done)) => released < done,
                        (Some(_), None) => false,
                    }
            }
            StateRule::VersionOnline => f.online,
            StateRule::Otherwise => true,
        }
    }
}

/// The release states in the order they apply: the first rule that holds names the state.
pub const RULES: [(&str, StateRule); 6] = [
    ("auditing", StateRule::AuditInReview),
    ("rejected", StateRule::AuditRejected),
    ("gray", StateRule::GrayPlanActive),
    ("approved", StateRule::ApprovedNotReleased),
    ("online", StateRule::VersionOnline),
    ("never", StateRule::Otherwise),
];

/// Every state, in the order of `RULES` (filters, chart and counts list them so).
pub const STATES: [&str; 6] = [
    RULES[0].0, RULES[1].0, RULES[2].0, RULES[3].0, RULES[4].0, RULES[5].0,
];

/// The release state of one mini program.
pub fn release_state(f: &ReleaseFacts) -> &'static str {
    RULES
        .iter()
        .find(|(_, rule)| rule.holds(f))
        .map_or("never", |(state, _)| state)
}

/// The number of rows a filtered view has, from its per-state counts (which leave the state
/// filter out): the chosen state's count, or all of them. Saves the database a second scan.
pub fn total_of(counts: &[(String, i64)], state: &str) -> i64 {
    counts
        .iter()
        .filter(|(s, _)| state.is_empty() || s == state)
        .map(|(_, n)| n)
        .sum()
}

/// States whose row shows the version of the newest audit (in review, or approved and
/// waiting or going out in gray).
pub fn shows_audit_version(state: &str) -> bool {
    matches!(state, "auditing" | "approved" | "gray")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum FleetSort {
    #[default]
    Name,
    Appid,
    State,
    Online,
    AuditSince,
    Gray,
    Merchant,
    Template,
}

impl FleetSort {
    pub const ALL: [FleetSort; 8] = [
        FleetSort::Name,
        FleetSort::Appid,
        FleetSort::State,
        FleetSort::Online,
        FleetSort::AuditSince,
        FleetSort::Gray,
        FleetSort::Merchant,
        FleetSort::Template,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FleetSort::Name => "name",
            FleetSort::Appid => "appid",
            FleetSort::State => "state",
            FleetSort::Online => "online",
            FleetSort::AuditSince => "audit_since",
            FleetSort::Gray => "gray",
            FleetSort::Merchant => "merchant",
            FleetSort::Template => "template",
        }
    }

    pub fn parse(s: &str) -> Option<FleetSort> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The column of the fleet query (a fixed list: nothing from the URL reaches the SQL).
    pub fn column(self) -> &'static str {
        match self {
            FleetSort::Name => "f.nick_name",
            FleetSort::Appid => "f.appid",
            FleetSort::State => "f.release_state",
            FleetSort::Online => "f.online_version",
            FleetSort::AuditSince => "f.audit_submitted_at",
            FleetSort::Gray => "f.gray_percentage",
            FleetSort::Merchant => "f.merchant_name",
            FleetSort::Template => "f.template_id",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FleetQuery {
    /// One of STATES, or empty for all.
    pub state: String,
    pub merchant_id: Option<i64>,
    pub template_id: Option<i64>,
    /// Part of the online version or the version in audit.
    pub version: String,
    pub sort: FleetSort,
    pub dir: SortDir,
    pub page: PageRequest,
}

fn known_state(s: String) -> String {
    if STATES.contains(&s.as_str()) {
        s
    } else {
        String::new()
    }
}

impl FleetQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            state: known_state(get("state").unwrap_or_default()),
            merchant_id: get("merchant").and_then(|m| m.trim().parse().ok()),
            template_id: get("template").and_then(|m| m.trim().parse().ok()),
            version: filter_text(&get("version").unwrap_or_default(), FILTER_MAX_CHARS),
            sort: get("sort")
                .and_then(|s| FleetSort::parse(&s))
                .unwrap_or_default(),
            dir: get("dir")
                .map(|d| SortDir::parse(&d))
                .unwrap_or(SortDir::Asc),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            state: known_state(self.state),
            version: filter_text(&self.version, FILTER_MAX_CHARS),
            page: PageRequest::new(self.page.page, self.page.per_page),
            ..self
        }
    }

    /// URL parameters (without the page number) for links, the CSV export included.
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        if !self.state.is_empty() {
            params.push(("state", self.state.clone()));
        }
        if let Some(m) = self.merchant_id {
            params.push(("merchant", m.to_string()));
        }
        if let Some(t) = self.template_id {
            params.push(("template", t.to_string()));
        }
        if !self.version.is_empty() {
            params.push(("version", self.version.clone()));
        }
        if self.sort != FleetSort::default() {
            params.push(("sort", self.sort.as_str().to_string()));
        }
        if self.dir != SortDir::Asc {
            params.push(("dir", self.dir.as_str().to_string()));
        }
        if self.page.per_page != super::pagination::DEFAULT_PER_PAGE {
            params.push(("per_page", self.page.per_page.to_string()));
        }
        params
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FleetRow {
    pub appid: String,
    pub nick_name: String,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
    pub template_id: Option<i64>,
    pub online_version: Option<String>,
    pub online_released_at: Option<i64>,
    pub gray_percentage: Option<i64>,
    /// The newest audit (any status): its version ("" when submitted outside the console).
    pub audit_version: Option<String>,
    pub audit_status: Option<i64>,
    pub audit_submitted_at: Option<i64>,
    pub last_rejection: Option<String>,
    pub release_state: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FleetView {
    pub items: Vec<FleetRow>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    /// Mini programs per state under the same filters (the state filter aside), in STATES order.
    pub counts: Vec<(String, i64)>,
    pub now: i64,
}

/// One CSV field: quoted when it holds a comma, quote or line break (RFC 4180), and
/// neutralised when a spreadsheet would read it as a formula.
pub fn csv_field(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

pub fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_come_from_the_url_bounded() {
        let q = FleetQuery::from_params(|k| match k {
            "state" => Some("rejected".into()),
            "merchant" => Some("3".into()),
            "template" => Some("x".into()),
            "sort" => Some("audit_since".into()),
            "dir" => Some("desc".into()),
            "version" => Some(format!(" {} ", "9".repeat(80))),
            _ => None,
        });
        assert_eq!(q.state, "rejected");
        assert_eq!(q.merchant_id, Some(3));
        assert_eq!(q.template_id, None);
        assert_eq!(q.sort, FleetSort::AuditSince);
        assert_eq!(q.dir, SortDir::Desc);
        assert_eq!(q.version.len(), 64);
        let params = q.to_params();
        assert!(params.contains(&("state", "rejected".into())));
        assert!(params.contains(&("sort", "audit_since".into())));
        let bad = FleetQuery::from_params(|k| (k == "state").then(|| "'; DROP".into()));
        assert_eq!(bad.state, "");
        assert_eq!(
            FleetQuery {
                state: "bogus".into(),
                ..Default::default()
            }
            .normalized()
            .state,
            ""
        );
    }

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("星辰咖啡"), "星辰咖啡");
        assert_eq!(csv_line(&["a".into(), "b,c".into()]), "a,\"b,c\"\r\n");
    }

    #[test]
    fn a_gray_release_of_the_approved_version_is_gray() {
        let approved_then_gray = ReleaseFacts {
            audit_status: Some(0),
            audit_done_at: Some(100),
            online_released_at: Some(50),
            online: true,
            gray_status: Some(1),
        };
        assert_eq!(release_state(&approved_then_gray), "gray");
        let paused = ReleaseFacts {
            gray_status: Some(2),
            ..approved_then_gray
        };
        assert_eq!(release_state(&paused), "gray");
        let cancelled = ReleaseFacts {
            gray_status: Some(3),
            ..approved_then_gray
        };
        assert_eq!(release_state(&cancelled), "approved");
        let released = ReleaseFacts {
            online_released_at: Some(200),
            ..cancelled
        };
        assert_eq!(release_state(&released), "online");
        assert_eq!(release_state(&ReleaseFacts::default()), "never");
        let in_review = ReleaseFacts {
            audit_status: Some(4),
            ..approved_then_gray
        };
        assert_eq!(release_state(&in_review), "auditing");
    }

    #[test]
    fn states_follow_the_rules_and_are_exclusive() {
        let states: Vec<&str> = RULES.iter().map(|(s, _)| *s).collect();
        assert_eq!(states, STATES.to_vec());
        assert_eq!(RULES.last().map(|r| r.1), Some(StateRule::Otherwise));
        assert!(shows_audit_version("gray") && !shows_audit_version("online"));
    }

    #[test]
    fn every_sort_key_round_trips() {
        for k in FleetSort::ALL {
            assert_eq!(FleetSort::parse(k.as_str()), Some(k));
            assert!(k.column().starts_with("f."));
        }
    }

    #[test]
    fn the_total_is_the_chosen_states_count_or_all_of_them() {
        let counts: Vec<(String, i64)> = STATES
            .iter()
            .zip([3, 1, 0, 2, 10, 40])
            .map(|(s, n)| ((*s).to_owned(), n))
            .collect();
        assert_eq!(total_of(&counts, ""), 56);
        assert_eq!(total_of(&counts, "online"), 10);
        assert_eq!(total_of(&counts, "gray"), 0);
        assert_eq!(total_of(&[], ""), 0);
    }
}
