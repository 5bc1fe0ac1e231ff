//! The platform's default domain set: the domains staff want on every mini program (the
//! platform's own API, image and socket hosts, its H5 pages), kept in the console and applied
//! to many mini programs at once, one per call, each with its own result. Applying adds only
//! what a mini program lacks, so a second run adds nothing.

use super::rules::{check_domain, parse_input, INPUT_MAX_CHARS};
use super::view::Rejected;
use super::{DomainKind, DomainLists};
use crate::domain::pagination::{filter_text, PageRequest};
use crate::domain::release::Violation;
use crate::domain::validation::FieldProblem;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The set as the editor sends it: one text per kind (entries separated by spaces, line
/// breaks, commas).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DefaultsForm {
    pub request: String,
    pub ws: String,
    pub upload: String,
    pub download: String,
    pub udp: String,
    pub tcp: String,
    pub webview: String,
}

impl DefaultsForm {
    pub fn text(&self, kind: DomainKind) -> &str {
        match kind {
            DomainKind::Request => &self.request,
            DomainKind::Ws => &self.ws,
            DomainKind::Upload => &self.upload,
            DomainKind::Download => &self.download,
            DomainKind::Udp => &self.udp,
            DomainKind::Tcp => &self.tcp,
            DomainKind::Webview => &self.webview,
        }
    }

    pub fn text_mut(&mut self, kind: DomainKind) -> &mut String {
        match kind {
            DomainKind::Request => &mut self.request,
            DomainKind::Ws => &mut self.ws,
            DomainKind::Upload => &mut self.upload,
            DomainKind::Download => &mut self.download,
            DomainKind::Udp => &mut self.udp,
            DomainKind::Tcp => &mut self.tcp,
            DomainKind::Webview => &mut self.webview,
        }
    }

    /// The editor's starting text: one entry a line.
    pub fn from_lists(lists: &DomainLists) -> Self {
        let mut form = Self::default();
        for kind in DomainKind::ALL {
            *form.text_mut(kind) = lists.of(kind).join("\n");
        }
        form
    }
}

/// The problems of one kind's text in the editor (none: an empty `Vec`).
pub fn check_kind(kind: DomainKind, text: &str) -> Vec<Violation> {
    let field = kind.as_str();
    if text.chars().count() > INPUT_MAX_CHARS {
        return vec![Violation::local(
            field,
            FieldProblem::TooLong {
                max: INPUT_MAX_CHARS,
            },
        )];
    }
    let (entries, _) = parse_input(text);
    let mut v: Vec<Violation> = entries
        .iter()
        .filter_map(|e| {
            check_domain(kind, e).err().map(|rule| {
                Violation::local(
                    field,
                    FieldProblem::Domain {
                        domain: e.clone(),
                        rule,
                    },
                )
            })
        })
        .collect();
    if entries.len() > kind.limit() {
        v.push(Violation::local(
            field,
            FieldProblem::TooMany { max: kind.limit() },
        ));
    }
    v
}

/// The editor's texts as the set's lists, every entry checked ([`check_kind`], each at its
/// kind's field).
pub fn check_defaults(form: &DefaultsForm) -> Result<DomainLists, Vec<Violation>> {
    let mut lists = DomainLists::default();
    let mut problems = Vec::new();
    for kind in DomainKind::ALL {
        let text = form.text(kind);
        let found = check_kind(kind, text);
        if found.is_empty() {
            *lists.of_mut(kind) = parse_input(text).0;
        }
        problems.extend(found);
    }
    if problems.is_empty() {
        Ok(lists)
    } else {
        Err(problems)
    }
}

/// The default set, and who saved it last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DefaultSet {
    pub lists: DomainLists,
    pub updated_at: Option<i64>,
    pub updated_by: Option<String>,
}

/// What applying one part of the set (the server domains, or the business domains) did on
/// one mini program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum PartOutcome {
    /// The set has nothing of this part.
    Nothing,
    Done {
        /// Entries WeChat added.
        added: Vec<String>,
        /// Entries the mini program already had.
        present: usize,
        /// Entries WeChat turned down while adding the others.
        rejected: Vec<Rejected>,
    },
    /// Not for this account: business domains on a personal account (89231, not sent).
    NotApplicable { errcode: i64 },
    /// Could not be read or applied (WeChat's errcode, or the console's reason).
    Failed { error: AppError },
}

impl PartOutcome {
    pub fn added(&self) -> usize {
        match self {
            PartOutcome::Done { added, .. } => added.len(),
            _ => 0,
        }
    }

    pub fn present(&self) -> usize {
        match self {
            PartOutcome::Done { present, .. } => *present,
            _ => 0,
        }
    }

    pub fn rejected(&self) -> usize {
        match self {
            PartOutcome::Done { rejected, .. } => rejected.len(),
            _ => 0,
        }
    }

    pub fn failed(&self) -> bool {
        matches!(self, PartOutcome::Failed { .. })
    }

    /// WeChat's errcode of a failure, if WeChat gave one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            PartOutcome::Failed {
                error: AppError::Wechat { errcode, .. },
            } => Some(*errcode),
            _ => None,
        }
    }
}

/// Applying the set to one mini program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApplyReport {
    pub appid: String,
    pub server: PartOutcome,
    pub webview: PartOutcome,
}

impl ApplyReport {
    pub fn parts(&self) -> [&PartOutcome; 2] {
        [&self.server, &self.webview]
    }

    pub fn added(&self) -> usize {
        self.parts().iter().map(|p| p.added()).sum()
    }

    pub fn present(&self) -> usize {
        self.parts().iter().map(|p| p.present()).sum()
    }

    pub fn rejected(&self) -> usize {
        self.parts().iter().map(|p| p.rejected()).sum()
    }

    pub fn failed(&self) -> usize {
        self.parts().iter().filter(|p| p.failed()).count()
    }

    /// The first WeChat errcode among the failures.
    pub fn errcode(&self) -> Option<i64> {
        self.parts().iter().find_map(|p| p.errcode())
    }
}

/// Which mini programs the target table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TargetFilter {
    #[default]
    All,
    /// Not applied since the set last changed.
    Unapplied,
    /// Applied, nothing turned down, nothing failed.
    Complete,
    /// Applied, with entries turned down or a part failed.
    Problems,
}

impl TargetFilter {
    pub const ALL: [TargetFilter; 4] = [
        TargetFilter::All,
        TargetFilter::Unapplied,
        TargetFilter::Complete,
        TargetFilter::Problems,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetFilter::All => "",
            TargetFilter::Unapplied => "unapplied",
            TargetFilter::Complete => "complete",
            TargetFilter::Problems => "problems",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "unapplied" => TargetFilter::Unapplied,
            "complete" => TargetFilter::Complete,
            "problems" => TargetFilter::Problems,
            _ => TargetFilter::All,
        }
    }
}

/// Longest search text kept.
pub const SEARCH_MAX_CHARS: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TargetQuery {
    /// Part of the name or AppID.
    pub search: String,
    pub filter: TargetFilter,
    pub page: PageRequest,
}

fn bounded(search: &str) -> String {
    filter_text(search, SEARCH_MAX_CHARS)
}

impl TargetQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            search: bounded(&get("q").unwrap_or_default()),
            filter: TargetFilter::parse(&get("filter").unwrap_or_default()),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            search: bounded(&self.search),
            page: PageRequest::new(self.page.page, self.page.per_page),
            ..self
        }
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.search.is_empty() {
            p.push(("q", self.search.clone()));
        }
        if self.filter != TargetFilter::All {
            p.push(("filter", self.filter.as_str().to_owned()));
        }
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}

/// One authorized mini program in the target table, with what the last apply found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRow {
    pub appid: String,
    pub nick_name: String,
    pub merchant_name: Option<String>,
    pub applied_at: Option<i64>,
    pub added: i64,
    pub present: i64,
    pub rejected: i64,
    pub failed: i64,
    pub errcode: Option<i64>,
}

impl TargetRow {
    /// `unapplied`, `complete` or `problems` (the filter's names).
    pub fn state(&self) -> &'static str {
        match self.applied_at {
            None => TargetFilter::Unapplied.as_str(),
            Some(_) if self.rejected == 0 && self.failed == 0 => TargetFilter::Complete.as_str(),
            Some(_) => TargetFilter::Problems.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::domains::{DomainRule, RejectReason};

    #[test]
    fn the_editor_checks_every_kind_at_its_field() {
        let form = DefaultsForm {
            request:
                "https://api.demo-shop.com\nhttps://IMG.demo-shop.com/\nhttps://api.demo-shop.com"
                    .into(),
            ws: "wss://wss.demo-shop.com".into(),
            webview: "https://h5.demo-shop.com".into(),
            ..Default::default()
        };
        let lists = check_defaults(&form).unwrap();
        assert_eq!(
            lists.request,
            vec![
                "https://api.demo-shop.com".to_owned(),
                "https://img.demo-shop.com".to_owned()
            ]
        );
        assert_eq!(lists.webview.len(), 1);
        assert_eq!(
            DefaultsForm::from_lists(&lists).request,
            "https://api.demo-shop.com\nhttps://img.demo-shop.com"
        );

        let bad = DefaultsForm {
            ws: "https://wss.demo-shop.com".into(),
            webview: "https://h5.demo-shop.com:8443".into(),
            ..form
        };
        let problems = check_defaults(&bad).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["ws", "webview"]);
        assert_eq!(
            problems[1].problem,
            FieldProblem::Domain {
                domain: "https://h5.demo-shop.com:8443".into(),
                rule: DomainRule::PortNotAllowed
            }
        );
        let many: String = (0..201)
            .map(|n| format!("https://h{n}.demo-shop.com\n"))
            .collect();
        assert_eq!(
            check_kind(DomainKind::Request, &many)[0].problem,
            FieldProblem::TooMany { max: 200 }
        );
    }

    #[test]
    fn reports_add_up_their_parts() {
        let report = ApplyReport {
            appid: "wx0123456789abcdef".into(),
            server: PartOutcome::Done {
                added: vec!["https://img.demo-shop.com".into()],
                present: 2,
                rejected: vec![Rejected {
                    kind: DomainKind::Request,
                    domain: "https://cdn.elsewhere.com".into(),
                    reason: RejectReason::Invalid,
                }],
            },
            webview: PartOutcome::Failed {
                error: AppError::Wechat {
                    errcode: 89021,
                    zh: "不是".into(),
                    en: "not".into(),
                    rid: None,
                },
            },
        };
        assert_eq!(report.added(), 1);
        assert_eq!(report.present(), 2);
        assert_eq!(report.rejected(), 1);
        assert_eq!(report.failed(), 1);
        assert_eq!(report.errcode(), Some(89021));
        let personal = PartOutcome::NotApplicable { errcode: 89231 };
        assert!(!personal.failed());
    }

    #[test]
    fn target_queries_are_bounded() {
        let q = TargetQuery::from_params(|k| match k {
            "q" => Some(format!(" {}\u{7} ", "星".repeat(100))),
            "filter" => Some("problems".into()),
            "per_page" => Some("100".into()),
            _ => None,
        });
        assert_eq!(q.search.chars().count(), SEARCH_MAX_CHARS);
        assert!(!q.search.contains('\u{7}'));
        assert_eq!(q.filter, TargetFilter::Problems);
        assert_eq!(
            q.to_params(),
            vec![
                ("q", q.search.clone()),
                ("filter", "problems".into()),
                ("per_page", "100".into())
            ]
        );
        for f in TargetFilter::ALL {
            assert_eq!(TargetFilter::parse(f.as_str()), f);
        }
    }

    #[test]
    fn a_row_states_what_the_last_apply_found() {
        let row = TargetRow {
            appid: "wx0123456789abcdef".into(),
            nick_name: "n".into(),
            merchant_name: None,
            applied_at: None,
            added: 0,
            present: 0,
            rejected: 0,
            failed: 0,
            errcode: None,
        };
        assert_eq!(row.state(), "unapplied");
        let done = TargetRow {
            applied_at: Some(1),
            ..row.clone()
        };
        assert_eq!(done.state(), "complete");
        let bad = TargetRow { failed: 1, ..done };
        assert_eq!(bad.state(), "problems");
    }
}
