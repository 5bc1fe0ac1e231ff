use super::pagination::{PageRequest, FILTER_MAX_CHARS};
use super::time::parse_cst_date;
use super::validation::{Checker, FieldError, FieldProblem};
use serde::{Deserialize, Serialize};

/// Stable action names written to the audit log.
pub mod action {
    pub const LOGIN: &str = "auth.login";
    pub const LOGIN_FAILED: &str = "auth.login_failed";
    pub const LOGOUT: &str = "auth.logout";
    pub const USER_CREATE: &str = "user.create";
    pub const USER_DISABLE: &str = "user.disable";
    pub const USER_ENABLE: &str = "user.enable";
    pub const USER_RESET_PASSWORD: &str = "user.reset_password";
    pub const USER_CHANGE_ROLE: &str = "user.change_role";
    pub const MERCHANT_CREATE: &str = "merchant.create";
    pub const MERCHANT_RENAME: &str = "merchant.rename";
    pub const MERCHANT_ASSIGN: &str = "merchant.assign_mini_programs";
    pub const MERCHANT_PERMISSION: &str = "merchant.set_permission";
    pub const AUTHORIZATION_START: &str = "authorization.start";
    pub const MINI_PROGRAM_AUTHORIZED: &str = "mini_program.authorized";
    pub const MINI_PROGRAM_UNAUTHORIZED: &str = "mini_program.unauthorized";
    pub const MINI_PROGRAM_NEEDS_REAUTH: &str = "mini_program.needs_reauth";
    pub const WECHAT_AUDIT_RESULT: &str = "wechat.audit_result";
    pub const CALLBACK_REPLAY: &str = "callback.replay";
    pub const TOKEN_REFRESH: &str = "token.refresh";
    /// A signed-in user asked for something that is not theirs (403, or another merchant's
    /// object answered as 404).
    pub const ACCESS_REFUSED: &str = "security.access_refused";
    // release page
    pub const RELEASE_COMMIT: &str = "release.commit";
    pub const RELEASE_SUBMIT_AUDIT: &str = "release.submit_audit";
    pub const RELEASE_AUDIT_REFRESH: &str = "release.audit_refresh";
    pub const RELEASE_UNDO_AUDIT: &str = "release.undo_audit";
    pub const RELEASE_RELEASE: &str = "release.release";
    pub const RELEASE_VISIT_STATUS: &str = "release.visit_status";
    pub const RELEASE_REVERT: &str = "release.revert";
    pub const RELEASE_GRAY: &str = "release.gray_release";
    pub const RELEASE_REVERT_GRAY: &str = "release.revert_gray";
    pub const RELEASE_SUPPORT_VERSION: &str = "release.support_version";
    /// The release page's actions (kept apart from ALL so parallel additions merge cleanly).
    pub const RELEASE_ACTIONS: [&str; 10] = [
        RELEASE_COMMIT,
        RELEASE_SUBMIT_AUDIT,
        RELEASE_AUDIT_REFRESH,
        RELEASE_UNDO_AUDIT,
        RELEASE_RELEASE,
        RELEASE_VISIT_STATUS,
        RELEASE_REVERT,
        RELEASE_GRAY,
        RELEASE_REVERT_GRAY,
        RELEASE_SUPPORT_VERSION,
    ];

    pub const ALL: [&str; 20] = [
        LOGIN,
        LOGIN_FAILED,
        LOGOUT,
        USER_CREATE,
        USER_DISABLE,
        USER_ENABLE,
        USER_RESET_PASSWORD,
        USER_CHANGE_ROLE,
        MERCHANT_CREATE,
        MERCHANT_RENAME,
        MERCHANT_ASSIGN,
        MERCHANT_PERMISSION,
        AUTHORIZATION_START,
        MINI_PROGRAM_AUTHORIZED,
        MINI_PROGRAM_UNAUTHORIZED,
        MINI_PROGRAM_NEEDS_REAUTH,
        WECHAT_AUDIT_RESULT,
        CALLBACK_REPLAY,
        TOKEN_REFRESH,
        ACCESS_REFUSED,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub target: String,
    /// Inclusive start, Unix seconds.
    pub from: Option<i64>,
    /// Exclusive end, Unix seconds.
    pub until: Option<i64>,
    pub page: PageRequest,
}

/// The first and last day a date filter takes.
pub const FIRST_DAY: &str = "1970-01-01";
pub const LAST_DAY: &str = "9999-12-31";

impl AuditQuery {
    /// Trims the text filters and re-applies the paging bounds (a direct server-function call).
    pub fn normalized(mut self) -> Self {
        for f in [&mut self.actor, &mut self.action, &mut self.target] {
            *f = f.trim().to_string();
        }
        self.page = PageRequest::new(self.page.page, self.page.per_page);
        self
    }

    /// Whether any filter narrows the log (the paging aside): unfiltered, its count is kept.
    pub fn is_filtered(&self) -> bool {
        !(self.actor.is_empty()
            && self.action.is_empty()
            && self.target.is_empty()
            && self.from.is_none()
            && self.until.is_none())
    }

    /// The server's check of a query however it arrived: text filters without control
    /// characters and within their length, times inside the days a date filter takes, and a
    /// range that does not end before it starts.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut c = Checker::new();
        for (field, value) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
        ] {
            check_text(&mut c, field, value);
        }
        let (first, end) = date_bounds();
        for (field, at) in [("from", self.from), ("to", self.until)] {
            if at.is_some_and(|at| !(first..=end).contains(&at)) {
                c.add(field, FieldProblem::DateOutOfRange);
            }
        }
        if let (Some(from), Some(until)) = (self.from, self.until) {
            if until <= from && !c.has("from") && !c.has("to") {
                c.add("to", FieldProblem::EndBeforeStart);
            }
        }
        c.finish()
    }

    /// The query of the page's address. `from` and `to` are calendar days (UTC+8); `to`
    /// includes the whole day. What a person could have typed wrong comes back per field.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<FieldError>> {
        let text = |k: &str| get(k).unwrap_or_default().trim().to_string();
        let mut c = Checker::new();
        let mut day = |field: &str| match get(field).as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match parse_cst_date(s) {
                Some(at) => Some(at),
                None => {
                    c.add(field, date_problem(s));
                    None
                }
            },
        };
        let from = day("from");
        let until = day("to").map(|t| t + 86_400);
        let query = Self {
            actor: text("actor"),
            action: text("action"),
            target: text("target"),
            from,
            until,
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        };
        // A date that parsed lies within the days `check` takes, and it compares the range
        // only when both dates parsed: no field is named twice.
        let mut errors = c.finish().err().unwrap_or_default();
        errors.extend(query.check().err().unwrap_or_default());
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }
}

fn check_text(c: &mut Checker, field: &str, value: &str) {
    if value.chars().any(char::is_control) {
        c.add(field, FieldProblem::ControlCharsInLine);
    } else if value.chars().count() > FILTER_MAX_CHARS {
        c.add(
            field,
            FieldProblem::TooLong {
                max: FILTER_MAX_CHARS,
            },
        );
    }
}

/// The start of the first day and the end of the last day a date filter takes.
fn date_bounds() -> (i64, i64) {
    let first = parse_cst_date(FIRST_DAY).unwrap_or_default();
    let end = parse_cst_date(LAST_DAY).map_or(first, |t| t + 86_400);
    (first, end)
}

/// A day written as YYYY-MM-DD in a year the filter does not take is out of range; anything
/// else that is not a day is in the wrong format.
fn date_problem(s: &str) -> FieldProblem {
    let parts: Vec<&str> = s.split('-').collect();
    let shaped = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let month_and_day_real = shaped
        && parts[0].parse::<i64>().is_ok()
        && parse_cst_date(&format!("2000-{}-{}", parts[1], parts[2])).is_some();
    if month_and_day_real {
        FieldProblem::DateOutOfRange
    } else {
        FieldProblem::InvalidDate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn any_filter_but_the_paging_narrows_the_log() {
        let paged = parse(&[("page", "3"), ("per_page", "50")]).unwrap();
        assert!(!paged.is_filtered());
        for pair in [
            ("actor", "operator"),
            ("action", "auth.login"),
            ("target", "wx1"),
            ("from", "2026-01-01"),
            ("to", "2026-01-31"),
        ] {
            assert!(parse(&[pair]).unwrap().is_filtered(), "{pair:?}");
        }
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<AuditQuery, Vec<FieldError>> {
        let map: HashMap<&str, &str> = pairs.iter().copied().collect();
        AuditQuery::parse(|k| map.get(k).map(|v| v.to_string()))
    }

    fn problems(pairs: &[(&str, &str)]) -> Vec<(String, FieldProblem)> {
        parse(pairs)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn to_date_covers_the_whole_day() {
        let q = parse(&[
            ("from", "2026-11-01"),
            ("to", "2026-11-01"),
            ("actor", " admin "),
        ])
        .unwrap();
        assert_eq!(q.until.unwrap() - q.from.unwrap(), 86_400);
        assert_eq!(q.actor, "admin");
        assert_eq!(parse(&[("from", " "), ("to", "")]).unwrap().from, None);
    }

    #[test]
    fn a_date_that_is_not_a_day_is_refused_on_its_field() {
        for bad in [
            "2026-02-30",
            "2026-13-40",
            "yesterday",
            "2026/11/01",
            "2026-11",
            "-1-01-01",
        ] {
            assert_eq!(
                problems(&[("from", bad)]),
                [("from".into(), FieldProblem::InvalidDate)],
                "{bad}"
            );
        }
        assert_eq!(
            problems(&[("to", "1900-01-01")]),
            [("to".into(), FieldProblem::DateOutOfRange)]
        );
        assert_eq!(
            problems(&[("from", "10000-01-01")]),
            [("from".into(), FieldProblem::DateOutOfRange)]
        );
        assert!(parse(&[("from", FIRST_DAY), ("to", LAST_DAY)]).is_ok());
    }

    #[test]
    fn a_range_may_be_one_day_but_not_end_before_it_starts() {
        assert!(parse(&[("from", "2026-11-02"), ("to", "2026-11-02")]).is_ok());
        assert_eq!(
            problems(&[("from", "2026-11-02"), ("to", "2026-11-01")]),
            [("to".into(), FieldProblem::EndBeforeStart)]
        );
        // A field already wrong is not blamed twice.
        assert_eq!(
            problems(&[("from", "2026-02-30"), ("to", "2026-11-01")]),
            [("from".into(), FieldProblem::InvalidDate)]
        );
    }

    #[test]
    fn text_filters_refuse_control_characters_and_overlong_values() {
        assert_eq!(
            problems(&[
                ("actor", "ad\u{0}min"),
                ("target", "wx\tabc"),
                ("action", "a\u{7f}")
            ]),
            [
                ("actor".into(), FieldProblem::ControlCharsInLine),
                ("action".into(), FieldProblem::ControlCharsInLine),
                ("target".into(), FieldProblem::ControlCharsInLine),
            ]
        );
        assert!(parse(&[("target", &"小".repeat(FILTER_MAX_CHARS))]).is_ok());
        assert_eq!(
            problems(&[("target", &"小".repeat(FILTER_MAX_CHARS + 1))]),
            [(
                "target".into(),
                FieldProblem::TooLong {
                    max: FILTER_MAX_CHARS
                }
            )]
        );
    }

    #[test]
    fn the_server_check_refuses_what_the_page_would() {
        let day = |s| parse_cst_date(s).unwrap();
        let ok = AuditQuery {
            from: Some(day("2026-11-01")),
            until: Some(day("2026-11-02")),
            ..AuditQuery::default()
        };
        assert!(ok.check().is_ok());
        let field_of = |q: AuditQuery| q.check().unwrap_err()[0].clone();
        assert_eq!(
            field_of(AuditQuery {
                from: Some(i64::MIN),
                ..ok.clone()
            }),
            FieldError::new("from", FieldProblem::DateOutOfRange)
        );
        assert_eq!(
            field_of(AuditQuery {
                until: Some(i64::MAX),
                ..ok.clone()
            }),
            FieldError::new("to", FieldProblem::DateOutOfRange)
        );
        assert_eq!(
            field_of(AuditQuery {
                until: ok.from,
                ..ok.clone()
            }),
            FieldError::new("to", FieldProblem::EndBeforeStart)
        );
        assert_eq!(
            field_of(AuditQuery {
                actor: "\u{0}".into(),
                ..ok.clone()
            }),
            FieldError::new("actor", FieldProblem::ControlCharsInLine)
        );
        assert_eq!(
            field_of(AuditQuery {
                target: "x".repeat(65),
                ..ok
            }),
            FieldError::new("target", FieldProblem::TooLong { max: 64 })
        );
    }

    #[test]
    fn action_names_are_unique() {
        let mut all = action::ALL.to_vec();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), action::ALL.len());
    }
}
