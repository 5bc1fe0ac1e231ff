use super::pagination::{filter_text, PageRequest, SortDir};
use super::readiness::ReadinessFilter;
use serde::{Deserialize, Serialize};

pub const SEARCH_MAX: usize = 64;

/// 主体类型 of the account that owns a mini program (WeChat's principal types).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubjectType {
    Enterprise,
    IndividualBusiness,
    Individual,
    Government,
    Media,
    OtherOrganization,
}

impl SubjectType {
    pub const ALL: [SubjectType; 6] = [
        SubjectType::Enterprise,
        SubjectType::IndividualBusiness,
        SubjectType::Individual,
        SubjectType::Government,
        SubjectType::Media,
        SubjectType::OtherOrganization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectType::Enterprise => "enterprise",
            SubjectType::IndividualBusiness => "individual_business",
            SubjectType::Individual => "individual",
            SubjectType::Government => "government",
            SubjectType::Media => "media",
            SubjectType::OtherOrganization => "other_organization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// Whether the platform may still act for the mini program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AppStatus {
    Authorized,
    NeedsReauthorization,
    Unauthorized,
}

impl AppStatus {
    pub const ALL: [AppStatus; 3] = [
        AppStatus::Authorized,
        AppStatus::NeedsReauthorization,
        AppStatus::Unauthorized,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AppStatus::Authorized => "authorized",
            AppStatus::NeedsReauthorization => "needs_reauth",
            AppStatus::Unauthorized => "unauthorized",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum MiniProgramSort {
    AppId,
    Name,
    Subject,
    Merchant,
    Status,
    #[default]
    Created,
    /// Items ready at the last readiness check (never checked sorts below none ready).
    Readiness,
}

impl MiniProgramSort {
    pub const ALL: [MiniProgramSort; 7] = [
        MiniProgramSort::AppId,
        MiniProgramSort::Name,
        MiniProgramSort::Subject,
        MiniProgramSort::Merchant,
        MiniProgramSort::Status,
        MiniProgramSort::Created,
        MiniProgramSort::Readiness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MiniProgramSort::AppId => "appid",
            MiniProgramSort::Name => "name",
            MiniProgramSort::Subject => "subject",
            MiniProgramSort::Merchant => "merchant",
            MiniProgramSort::Status => "status",
            MiniProgramSort::Created => "created",
            MiniProgramSort::Readiness => "readiness",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_default()
    }
}

/// The registry's search, filters, sort and page, as read from the URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct MiniProgramQuery {
    pub search: String,
    pub subject: Option<SubjectType>,
    pub status: Option<AppStatus>,
    pub merchant_id: Option<i64>,
    /// The readiness checklist's state (ready, stuck, never checked, stuck at an item).
    pub readiness: Option<ReadinessFilter>,
    pub sort: MiniProgramSort,
    pub dir: SortDir,
    pub page: PageRequest,
}

impl MiniProgramQuery {
    /// Builds a query from URL parameters; unknown values are ignored rather than rejected,
    /// so a hand-edited link still shows the registry.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            search: filter_text(&get("q").unwrap_or_default(), SEARCH_MAX),
            subject: get("subject").as_deref().and_then(SubjectType::parse),
            status: get("status").as_deref().and_then(AppStatus::parse),
            merchant_id: get("merchant").and_then(|m| m.parse().ok()),
            readiness: get("readiness").as_deref().and_then(ReadinessFilter::parse),
            sort: MiniProgramSort::parse(get("sort").as_deref().unwrap_or("")),
            dir: SortDir::parse(get("dir").as_deref().unwrap_or("desc")),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON (a direct server-function call).
    pub fn normalized(mut self) -> Self {
        self.search = filter_text(&self.search, SEARCH_MAX);
        self.page = PageRequest::new(self.page.page, self.page.per_page);
        self
    }

    /// The same query as URL parameters (for links that change one thing).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.search.is_empty() {
            p.push(("q", self.search.clone()));
        }
        if let Some(s) = self.subject {
            p.push(("subject", s.as_str().to_string()));
        }
        if let Some(s) = self.status {
            p.push(("status", s.as_str().to_string()));
        }
        if let Some(m) = self.merchant_id {
            p.push(("merchant", m.to_string()));
        }
        if let Some(r) = self.readiness {
            p.push(("readiness", r.as_param()));
        }
        p.push(("sort", self.sort.as_str().to_string()));
        p.push(("dir", self.dir.as_str().to_string()));
        p.push(("page", self.page.page.to_string()));
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}

/// Escapes `%`, `_` and `\` so a search for "50%" matches literally (used with `ESCAPE '\'`).
pub fn like_pattern(search: &str) -> String {
    let mut out = String::with_capacity(search.len() + 2);
    out.push('%');
    for ch in search.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn query(pairs: &[(&str, &str)]) -> MiniProgramQuery {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        MiniProgramQuery::from_params(|k| map.get(k).cloned())
    }

    #[test]
    fn parses_and_round_trips() {
        let q = query(&[
            ("q", " 咖啡 "),
            ("subject", "enterprise"),
            ("status", "authorized"),
            ("merchant", "2"),
            ("readiness", "stuck:testers"),
            ("sort", "name"),
            ("dir", "asc"),
            ("page", "3"),
            ("per_page", "50"),
        ]);
        assert_eq!(q.search, "咖啡");
        assert_eq!(q.subject, Some(SubjectType::Enterprise));
        assert_eq!(q.merchant_id, Some(2));
        assert_eq!(
            q.readiness,
            Some(ReadinessFilter::StuckAt(
                super::super::readiness::ItemKind::Testers
            ))
        );
        assert_eq!(q.sort, MiniProgramSort::Name);
        let params = q.to_params();
        let back = query(
            &params
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        );
        assert_eq!(back, q);
    }

    #[test]
    fn garbage_falls_back_to_defaults() {
        let q = query(&[
            ("subject", "alien"),
            ("sort", "drop table"),
            ("merchant", "x"),
            ("readiness", "stuck:nowhere"),
        ]);
        assert_eq!(q.subject, None);
        assert_eq!(q.sort, MiniProgramSort::Created);
        assert_eq!(q.merchant_id, None);
        assert_eq!(q.readiness, None);
        assert_eq!(q.dir, SortDir::Desc);
    }

    #[test]
    fn json_queries_are_bounded_again() {
        let q = MiniProgramQuery {
            search: format!("  {}", "字".repeat(80)),
            page: PageRequest {
                page: 0,
                per_page: 1_000_000,
            },
            ..Default::default()
        }
        .normalized();
        assert_eq!(q.page, PageRequest::new(1, 20));
        assert_eq!(q.search.chars().count(), SEARCH_MAX);
    }

    #[test]
    fn long_search_is_cut() {
        let q = query(&[("q", &"字".repeat(100))]);
        assert_eq!(q.search.chars().count(), SEARCH_MAX);
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(like_pattern("50%_A\\"), "%50\\%\\_a\\\\%");
    }
}
