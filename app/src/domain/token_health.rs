//! The token-health screen's search, health filter, sort and page, as read from the URL,
//! and the per-state counts it shows.

use super::mini_program::SEARCH_MAX;
use super::pagination::{filter_text, PageRequest, SortDir};
use super::platform::TokenHealth;
use serde::{Deserialize, Serialize};

/// The characters `str::trim` removes (Unicode White_Space). The database trims a stored
/// refresh error with exactly these before classifying it, as [`TokenHealth::of`] does.
pub const WHITESPACE: &str = "\t\n\u{b}\u{c}\r \u{85}\u{a0}\u{1680}\
    \u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200a}\
    \u{2028}\u{2029}\u{202f}\u{205f}\u{3000}";

/// The health filter: one state, or every problem at once. In the URL and in JSON it is the
/// state's name (`fresh`, `needs_reauthorization`, …) or `problems`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum HealthFilter {
    /// Failing, expired or needing re-authorization ([`TokenHealth::is_problem`]).
    Problems,
    Is(TokenHealth),
}

impl HealthFilter {
    pub fn parse(s: &str) -> Option<Self> {
        if s == "problems" {
            Some(HealthFilter::Problems)
        } else {
            TokenHealth::parse(s).map(HealthFilter::Is)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HealthFilter::Problems => "problems",
            HealthFilter::Is(h) => h.as_str(),
        }
    }

    pub fn matches(self, health: TokenHealth) -> bool {
        match self {
            HealthFilter::Problems => health.is_problem(),
            HealthFilter::Is(h) => h == health,
        }
    }

    /// The states it lets through.
    pub fn states(self) -> Vec<TokenHealth> {
        TokenHealth::ALL
            .into_iter()
            .filter(|h| self.matches(*h))
            .collect()
    }
}

impl TryFrom<String> for HealthFilter {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("unknown health filter {s:?}"))
    }
}

impl From<HealthFilter> for String {
    fn from(f: HealthFilter) -> String {
        f.as_str().to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum TokenSort {
    /// Problems first, then the component token, then by mini program name (ascending).
    #[default]
    Health,
    /// By mini program name.
    Name,
    /// By expiry: ascending runs out soonest first.
    Expires,
    /// By the last successful refresh: ascending is the oldest (or never) first.
    Refreshed,
}

impl TokenSort {
    pub const ALL: [TokenSort; 4] = [
        TokenSort::Health,
        TokenSort::Name,
        TokenSort::Expires,
        TokenSort::Refreshed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenSort::Health => "health",
            TokenSort::Name => "name",
            TokenSort::Expires => "expires",
            TokenSort::Refreshed => "refreshed",
        }
    }

    pub fn parse(s: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_default()
    }
}

/// The token screen's search (AppID or mini program name), health filter, sort and page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TokenHealthQuery {
    pub search: String,
    pub health: Option<HealthFilter>,
    pub sort: TokenSort,
    pub dir: SortDir,
    pub page: PageRequest,
}

impl Default for TokenHealthQuery {
    /// Everything, problems first.
    fn default() -> Self {
        Self {
            search: String::new(),
            health: None,
            sort: TokenSort::Health,
            dir: SortDir::Asc,
            page: PageRequest::default(),
        }
    }
}

fn bounded_search(search: &str) -> String {
    filter_text(search, SEARCH_MAX)
}

impl TokenHealthQuery {
    /// Builds a query from URL parameters; unknown values fall back to the defaults rather
    /// than being rejected, so a hand-edited link still shows the screen.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let dir = match get("dir") {
            Some(d) if d.eq_ignore_ascii_case("desc") => SortDir::Desc,
            _ => SortDir::Asc,
        };
        Self {
            search: bounded_search(&get("q").unwrap_or_default()),
            health: get("health").as_deref().and_then(HealthFilter::parse),
            sort: TokenSort::parse(get("sort").as_deref().unwrap_or("")),
            dir,
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON (a direct server-function call).
    pub fn normalized(mut self) -> Self {
        self.search = bounded_search(&self.search);
        self.page = PageRequest::new(self.page.page, self.page.per_page);
        self
    }

    /// The same query as URL parameters (for links that change one thing).
    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.search.is_empty() {
            p.push(("q", self.search.clone()));
        }
        if let Some(h) = self.health {
            p.push(("health", h.as_str().to_string()));
        }
        p.push(("sort", self.sort.as_str().to_string()));
        p.push(("dir", self.dir.as_str().to_string()));
        p.push(("page", self.page.page.to_string()));
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}

/// How many tokens are in each state: those that match the search, whatever the filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HealthCounts {
    pub fresh: i64,
    pub due: i64,
    pub expired: i64,
    pub failing: i64,
    pub needs_reauthorization: i64,
}

impl HealthCounts {
    pub fn get(&self, health: TokenHealth) -> i64 {
        match health {
            TokenHealth::Fresh => self.fresh,
            TokenHealth::Due => self.due,
            TokenHealth::Expired => self.expired,
            TokenHealth::Failing => self.failing,
            TokenHealth::NeedsReauthorization => self.needs_reauthorization,
        }
    }

    pub fn add(&mut self, health: TokenHealth, n: i64) {
        let slot = match health {
            TokenHealth::Fresh => &mut self.fresh,
            TokenHealth::Due => &mut self.due,
            TokenHealth::Expired => &mut self.expired,
            TokenHealth::Failing => &mut self.failing,
            TokenHealth::NeedsReauthorization => &mut self.needs_reauthorization,
        };
        *slot += n;
    }

    /// How many rows `filter` lets through (all of them without one).
    pub fn matching(&self, filter: Option<HealthFilter>) -> i64 {
        TokenHealth::ALL
            .into_iter()
            .filter(|h| filter.is_none_or(|f| f.matches(*h)))
            .map(|h| self.get(h))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::pagination::DEFAULT_PER_PAGE;
    use std::collections::HashMap;

    fn query(pairs: &[(&str, &str)]) -> TokenHealthQuery {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        TokenHealthQuery::from_params(|k| map.get(k).cloned())
    }

    #[test]
    fn no_params_mean_everything_problems_first() {
        let q = query(&[]);
        assert_eq!(q, TokenHealthQuery::default());
        assert_eq!(q.sort, TokenSort::Health);
        assert_eq!(q.dir, SortDir::Asc);
        assert_eq!(q.health, None);
        assert_eq!(q.page, PageRequest::new(1, DEFAULT_PER_PAGE));
    }

    #[test]
    fn parses_and_round_trips() {
        let q = query(&[
            ("q", " 星辰 "),
            ("health", "problems"),
            ("sort", "expires"),
            ("dir", "desc"),
            ("page", "3"),
            ("per_page", "50"),
        ]);
        assert_eq!(q.search, "星辰");
        assert_eq!(q.health, Some(HealthFilter::Problems));
        assert_eq!(q.sort, TokenSort::Expires);
        assert_eq!(q.dir, SortDir::Desc);
        assert_eq!(q.page, PageRequest::new(3, 50));
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
    fn every_state_and_sort_is_a_filter_and_round_trips() {
        for h in TokenHealth::ALL {
            let q = query(&[("health", h.as_str())]);
            assert_eq!(q.health, Some(HealthFilter::Is(h)));
            assert_eq!(HealthFilter::parse(HealthFilter::Is(h).as_str()), q.health);
        }
        for s in TokenSort::ALL {
            assert_eq!(query(&[("sort", s.as_str())]).sort, s);
        }
    }

    #[test]
    fn garbage_falls_back_to_defaults() {
        let q = query(&[
            ("health", "Fresh"),
            ("sort", "drop table"),
            ("dir", "sideways"),
            ("page", "-2"),
            ("per_page", "1000"),
        ]);
        assert_eq!(q.health, None);
        assert_eq!(q.sort, TokenSort::Health);
        assert_eq!(q.dir, SortDir::Asc);
        assert_eq!(q.page, PageRequest::new(1, DEFAULT_PER_PAGE));
        assert_eq!(query(&[("health", "problem")]).health, None);
        assert_eq!(query(&[("health", "")]).health, None);
        assert_eq!(query(&[("dir", "DESC")]).dir, SortDir::Desc);
        // per_page is one of the offered sizes, capped like the registry's.
        assert_eq!(query(&[("per_page", "7")]).page.per_page, DEFAULT_PER_PAGE);
        assert_eq!(query(&[("per_page", "100")]).page.per_page, 100);
        assert_eq!(query(&[("page", "x")]).page.page, 1);
    }

    #[test]
    fn long_search_is_cut_and_blank_is_none() {
        let q = query(&[("q", &"字".repeat(100))]);
        assert_eq!(q.search.chars().count(), SEARCH_MAX);
        assert_eq!(query(&[("q", " \u{3000} ")]).search, "");
        assert!(!query(&[("q", "  ")])
            .to_params()
            .iter()
            .any(|(k, _)| *k == "q"));
    }

    #[test]
    fn json_queries_default_and_are_bounded_again() {
        let q: TokenHealthQuery = serde_json::from_str("{}").expect("empty query");
        assert_eq!(q, TokenHealthQuery::default());
        let q: TokenHealthQuery =
            serde_json::from_str(r#"{"health":"needs_reauthorization","sort":"Expires"}"#)
                .expect("query");
        assert_eq!(
            q.health,
            Some(HealthFilter::Is(TokenHealth::NeedsReauthorization))
        );
        assert_eq!(q.sort, TokenSort::Expires);
        assert!(serde_json::from_str::<TokenHealthQuery>(r#"{"health":"nonsense"}"#).is_err());
        let json = serde_json::to_string(&TokenHealthQuery {
            health: Some(HealthFilter::Problems),
            ..Default::default()
        })
        .expect("serialises");
        assert!(json.contains(r#""health":"problems""#), "{json}");
        let q = TokenHealthQuery {
            search: format!("  {}", "字".repeat(80)),
            page: PageRequest {
                page: 0,
                per_page: 1_000_000,
            },
            ..Default::default()
        }
        .normalized();
        assert_eq!(q.page, PageRequest::new(1, DEFAULT_PER_PAGE));
        assert_eq!(q.search.chars().count(), SEARCH_MAX);
    }

    #[test]
    fn filters_let_through_their_states() {
        assert_eq!(
            HealthFilter::Problems.states(),
            vec![
                TokenHealth::NeedsReauthorization,
                TokenHealth::Failing,
                TokenHealth::Expired
            ]
        );
        for h in TokenHealth::ALL {
            assert_eq!(HealthFilter::Is(h).states(), vec![h]);
            assert_eq!(HealthFilter::Problems.matches(h), h.is_problem());
        }
    }

    #[test]
    fn counts_add_up_per_filter() {
        let mut c = HealthCounts::default();
        for (i, h) in TokenHealth::ALL.into_iter().enumerate() {
            c.add(h, 10_i64.pow(i as u32));
        }
        c.add(TokenHealth::Fresh, 10_000);
        assert_eq!(c.get(TokenHealth::Fresh), 20_000);
        assert_eq!(c.matching(None), 21_111);
        assert_eq!(c.matching(Some(HealthFilter::Problems)), 111);
        assert_eq!(c.matching(Some(HealthFilter::Is(TokenHealth::Due))), 1_000);
    }

    #[test]
    fn whitespace_is_what_trim_removes() {
        let expected: String = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(WHITESPACE, expected);
    }
}
