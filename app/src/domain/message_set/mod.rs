//! Template sets (模板组): a named list of message templates — old template messages and
//! subscription messages, each a library title with its keywords in order — that an operator
//! defines once and applies to many mini programs. A member counts as present on a mini
//! program when the account holds a template of the same kind with the same title and the
//! same keywords in the same order, so applying twice adds nothing the second time.

use super::pagination::{filter_text, PageRequest, FILTER_MAX_CHARS};
use super::release::Violation;
use super::validation::FieldProblem;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A set's name: 1 to 40 characters.
pub const SET_NAME_MAX: usize = 40;
/// Members of one set.
pub const SET_MEMBERS_MAX: usize = 20;

/// Which of WeChat's two message APIs a member belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MemberKind {
    /// 模版消息 (`wxopen/template/*`, form ids).
    Template,
    /// 订阅消息 (`wxaapi/newtmpl/*`, user consent).
    Subscribe,
}

impl MemberKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberKind::Template => "template",
            MemberKind::Subscribe => "subscribe",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "template" => Some(MemberKind::Template),
            "subscribe" => Some(MemberKind::Subscribe),
            _ => None,
        }
    }
}

/// One template of a set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetMember {
    pub id: i64,
    pub kind: MemberKind,
    /// The library title id (`AT0002`) or the public title's tid (`2001`).
    pub title_id: String,
    pub title: String,
    /// Keyword ids (or kids) in display order.
    pub keyword_ids: Vec<i64>,
    /// Their names, in the same order: what a held template's content is compared with.
    pub labels: Vec<String>,
    /// Subscription messages: the scene description.
    pub scene_desc: String,
}

/// A member as composed on a mini program's page (its library is read through that
/// mini program's token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDraft {
    pub kind: MemberKind,
    pub appid: String,
    pub title_id: String,
    pub keyword_ids: Vec<i64>,
    pub scene_desc: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageSet {
    pub id: i64,
    pub name: String,
    pub members: Vec<SetMember>,
    pub updated_at: i64,
}

/// A set in the list, with its coverage among the mini programs the user sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSummary {
    pub id: i64,
    pub name: String,
    pub members: i64,
    /// Mini programs checked since the set last changed.
    pub checked: i64,
    /// Of those, how many lack a member (or could not be checked fully).
    pub lacking: i64,
}

/// A template an account holds, as its list call shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    pub kind: MemberKind,
    pub title: String,
    pub labels: Vec<String>,
}

/// Whether the account holds `member`.
pub fn holds(member: &SetMember, held: &[Held]) -> bool {
    held.iter()
        .any(|h| h.kind == member.kind && h.title == member.title && h.labels == member.labels)
}

/// Whether the set already has this template.
pub fn has_member(members: &[SetMember], kind: MemberKind, title: &str, labels: &[String]) -> bool {
    members
        .iter()
        .any(|m| m.kind == kind && m.title == title && m.labels == labels)
}

/// A set's name: required, at most 40 characters.
pub fn check_name(name: &str) -> Result<(), Vec<Violation>> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some(FieldProblem::Required)
    } else if name.chars().count() > SET_NAME_MAX {
        Some(FieldProblem::TooLong { max: SET_NAME_MAX })
    } else if name.chars().any(char::is_control) {
        Some(FieldProblem::InvalidChars)
    } else {
        None
    };
    match problem {
        Some(p) => Err(vec![Violation::local("name", p)]),
        None => Ok(()),
    }
}

/// What happened to one member on one mini program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum MemberOutcome {
    /// Already held: nothing to do.
    Present,
    /// Not held (a check: nothing was written).
    Missing,
    Added {
        template_id: String,
    },
    Failed {
        error: AppError,
    },
}

/// A check or an apply on one mini program.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetReport {
    pub appid: String,
    pub members: Vec<(i64, MemberOutcome)>,
}

impl TargetReport {
    /// Members still not held afterwards (missing, or failed).
    pub fn lacking(&self) -> Vec<i64> {
        self.members
            .iter()
            .filter(|(_, o)| matches!(o, MemberOutcome::Missing | MemberOutcome::Failed { .. }))
            .map(|(id, _)| *id)
            .collect()
    }

    pub fn failed(&self) -> usize {
        self.members
            .iter()
            .filter(|(_, o)| matches!(o, MemberOutcome::Failed { .. }))
            .count()
    }

    pub fn added(&self) -> usize {
        self.members
            .iter()
            .filter(|(_, o)| matches!(o, MemberOutcome::Added { .. }))
            .count()
    }
}

/// Which mini programs the coverage table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum CoverageFilter {
    #[default]
    All,
    /// Checked, and lacking a member or with a failure.
    Lacking,
    /// Checked, holding every member.
    Complete,
    /// Not checked since the set last changed.
    Unchecked,
}

impl CoverageFilter {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageFilter::All => "",
            CoverageFilter::Lacking => "lacking",
            CoverageFilter::Complete => "complete",
            CoverageFilter::Unchecked => "unchecked",
        }
    }

    pub fn parse(s: &str) -> Self {
        match s {
            "lacking" => CoverageFilter::Lacking,
            "complete" => CoverageFilter::Complete,
            "unchecked" => CoverageFilter::Unchecked,
            _ => CoverageFilter::All,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CoverageQuery {
    /// Part of the name or AppID.
    pub search: String,
    pub filter: CoverageFilter,
    pub page: PageRequest,
}

impl CoverageQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            search: filter_text(&get("q").unwrap_or_default(), FILTER_MAX_CHARS),
            filter: CoverageFilter::parse(&get("filter").unwrap_or_default()),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            search: filter_text(&self.search, FILTER_MAX_CHARS),
            page: PageRequest::new(self.page.page, self.page.per_page),
            ..self
        }
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.search.is_empty() {
            p.push(("q", self.search.clone()));
        }
        if self.filter != CoverageFilter::All {
            p.push(("filter", self.filter.as_str().to_owned()));
        }
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}

/// One mini program in a set's coverage table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    pub appid: String,
    pub nick_name: String,
    pub merchant_name: Option<String>,
    /// Members it lacks (ids), when checked.
    pub lacking: Vec<i64>,
    pub failed: i64,
    pub checked_at: Option<i64>,
}

#[cfg(test)]
mod tests;
