use serde::{Deserialize, Serialize};

pub const PER_PAGE_CHOICES: [u32; 4] = [10, 20, 50, 100];
pub const DEFAULT_PER_PAGE: u32 = 20;

/// Lists that can grow without bound (the audit log) count at most this many rows past the
/// page shown: a count over a million rows costs more than the page itself, and nobody
/// reads "page 1 of 20,000" for the number.
pub const COUNT_CAP: i64 = 10_000;

/// The longest text a list's filter field takes (the inputs' `maxlength`).
pub const FILTER_MAX_CHARS: usize = 64;

/// The text of a list's search or filter field as the query uses it: trimmed, without
/// control characters (a tab pasted from a spreadsheet, or a NUL that PostgreSQL refuses in
/// any text), at most `max` characters.
pub fn filter_text(raw: &str, max: usize) -> String {
    raw.trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect()
}

/// How many rows a capped count counts at most for `req`: enough to place the page shown
/// (deep pages included) and one more, which says whether there are more than counted.
pub fn capped_count_limit(req: PageRequest) -> i64 {
    (req.offset() + req.limit()).max(COUNT_CAP) + 1
}

/// Whether a total from a capped count was cut off (more rows exist than it says).
pub fn is_capped(total: i64, page: u32, per_page: u32) -> bool {
    total >= capped_count_limit(PageRequest { page, per_page })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SortDir {
    Asc,
    #[default]
    Desc,
}

impl SortDir {
    pub fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("asc") {
            SortDir::Asc
        } else {
            SortDir::Desc
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SortDir::Asc => "asc",
            SortDir::Desc => "desc",
        }
    }

    pub fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }

    pub fn flip(self) -> Self {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }
}

/// A page request normalised to sane bounds: page ≥ 1, per_page one of the offered sizes.
/// Every way in normalises, deserialisation too (a server function's JSON argument), so
/// no caller can ask for four billion rows or an offset that overflows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawPageRequest")]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

/// A page request as it arrives, before [`PageRequest::new`] bounds it.
#[derive(Deserialize)]
struct RawPageRequest {
    page: u32,
    per_page: u32,
}

impl From<RawPageRequest> for PageRequest {
    fn from(raw: RawPageRequest) -> Self {
        PageRequest::new(raw.page, raw.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        }
    }
}

impl PageRequest {
    pub fn new(page: u32, per_page: u32) -> Self {
        let per_page = if PER_PAGE_CHOICES.contains(&per_page) {
            per_page
        } else {
            DEFAULT_PER_PAGE
        };
        Self {
            page: page.clamp(1, 1_000_000),
            per_page,
        }
    }

    /// Parses the `page` / `per_page` URL parameters, falling back on garbage.
    pub fn from_params(page: Option<&str>, per_page: Option<&str>) -> Self {
        let page = page.and_then(|p| p.parse().ok()).unwrap_or(1);
        let per_page = per_page
            .and_then(|p| p.parse().ok())
            .unwrap_or(DEFAULT_PER_PAGE);
        Self::new(page, per_page)
    }

    pub fn offset(self) -> i64 {
        i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page)
    }

    pub fn limit(self) -> i64 {
        i64::from(self.per_page)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

impl<T> Page<T> {
    /// The same page with each row mapped (an island's props: the rows' keys only).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            page: self.page,
            per_page: self.per_page,
        }
    }

    pub fn total_pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
    }

    /// 1-based index of the first and last row shown, for "21–40 of 60".
    pub fn range(&self) -> (i64, i64) {
        if self.items.is_empty() {
            return (0, 0);
        }
        let first = i64::from(self.page.saturating_sub(1)) * i64::from(self.per_page) + 1;
        (first, first + self.items.len() as i64 - 1)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_mapped_page_keeps_its_figures() {
        let page = super::Page {
            items: vec![("wx1", 1), ("wx2", 2)],
            total: 42,
            page: 3,
            per_page: 2,
        };
        let keys = page.map(|(appid, _)| appid.to_string());
        assert_eq!(keys.items, ["wx1", "wx2"]);
        assert_eq!((keys.total, keys.page, keys.per_page), (42, 3, 2));
    }

    #[test]
    fn deserialising_normalises() {
        let p: PageRequest =
            serde_json::from_str(r#"{"page":4294967295,"per_page":4000000000}"#).unwrap();
        assert_eq!(p, PageRequest::new(1_000_000, 20));
        assert!(p.offset() < 100_000_000);
        let p: PageRequest = serde_json::from_str(r#"{"page":0,"per_page":50}"#).unwrap();
        assert_eq!(p, PageRequest::new(1, 50));
    }

    use super::*;

    #[test]
    fn clamps_bad_params() {
        assert_eq!(
            PageRequest::from_params(Some("0"), Some("7")),
            PageRequest::new(1, 20)
        );
        assert_eq!(
            PageRequest::from_params(Some("abc"), None),
            PageRequest::default()
        );
        assert_eq!(
            PageRequest::from_params(Some("3"), Some("50")).offset(),
            100
        );
        assert_eq!(PageRequest::from_params(Some("-4"), Some("100")).page, 1);
    }

    #[test]
    fn page_math() {
        let p = Page {
            items: vec![1; 20],
            total: 61,
            page: 2,
            per_page: 20,
        };
        assert_eq!(p.total_pages(), 4);
        assert_eq!(p.range(), (21, 40));
        let empty: Page<u8> = Page {
            items: vec![],
            total: 0,
            page: 1,
            per_page: 20,
        };
        assert_eq!(empty.total_pages(), 1);
        assert_eq!(empty.range(), (0, 0));
    }

    #[test]
    fn a_capped_count_covers_the_page_shown_and_one_more() {
        let first = PageRequest::new(1, 50);
        assert_eq!(capped_count_limit(first), COUNT_CAP + 1);
        assert!(is_capped(COUNT_CAP + 1, 1, 50));
        assert!(!is_capped(COUNT_CAP, 1, 50));
        assert!(!is_capped(61, 1, 50));
        // Page 400 of 50 per page ends at row 20,000: counted up to there and one more.
        let deep = PageRequest::new(400, 50);
        assert_eq!(capped_count_limit(deep), 20_001);
        assert!(is_capped(20_001, 400, 50));
        assert!(!is_capped(19_990, 400, 50));
        // The highest page a request can name still gives a finite limit.
        assert!(capped_count_limit(PageRequest::new(u32::MAX, 100)) < i64::MAX / 2);
    }

    #[test]
    fn sort_dir_parsing() {
        assert_eq!(SortDir::parse("ASC"), SortDir::Asc);
        assert_eq!(SortDir::parse("sideways"), SortDir::Desc);
        assert_eq!(SortDir::Asc.flip(), SortDir::Desc);
    }

    #[test]
    fn filter_text_drops_control_characters_and_keeps_max_characters() {
        assert_eq!(filter_text("  wx\t12\u{0}3 \n", 64), "wx123");
        assert_eq!(filter_text("小程序小程序", 4), "小程序小");
        assert_eq!(filter_text("\u{7f}\u{1b}", 64), "");
    }
}
