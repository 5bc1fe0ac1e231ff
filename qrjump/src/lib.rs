//! QR-jump rules (扫普通链接二维码打开小程序, third-party code management §14): the shape of
//! a rule's link, debug links under a prefix, prefix ownership between mini programs and
//! which rule opens a scanned link. Pure and dependency-free: the browser, the console's
//! server and the WeChat simulator use these same functions.

/// At most this many debug links per rule (seed: 可填写不多于 5 个).
pub const DEBUG_URLS_MAX: usize = 5;
/// WeChat does not state a length; longer than this is not a QR code anyone scans.
pub const LINK_MAX_CHARS: usize = 1024;

/// `permit_sub_rule`: whether a prefix owns every longer prefix below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ownership {
    /// 1 不占用: other mini programs may add longer prefixes below this one.
    Shared,
    /// 2 占用: every longer prefix below this one belongs to this rule.
    Exclusive,
}

impl Ownership {
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Shared),
            2 => Some(Self::Exclusive),
            _ => None,
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::Shared => 1,
            Self::Exclusive => 2,
        }
    }
}

/// `open_version`: who a scan opens the rule for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpenVersion {
    /// 1 开发版: developers only.
    Develop,
    /// 2 体验版: administrators and testers.
    Trial,
    /// 3 线上版: everyone.
    Release,
}

impl OpenVersion {
    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Develop),
            2 => Some(Self::Trial),
            3 => Some(Self::Release),
            _ => None,
        }
    }

    pub fn code(self) -> i64 {
        match self {
            Self::Develop => 1,
            Self::Trial => 2,
            Self::Release => 3,
        }
    }
}

/// A well-formed rule link, split where the rules need it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link<'a> {
    /// `http` or `https`, as written.
    pub scheme: &'a str,
    /// The host without the port, as written (compare with `eq_ignore_ascii_case`).
    pub host: &'a str,
    pub port: Option<u16>,
    /// Everything after the authority (may be empty).
    pub rest: &'a str,
}

impl Link<'_> {
    /// A dotted-quad host (WeChat needs an ICP-filed domain, an address has none).
    pub fn host_is_ip(&self) -> bool {
        self.host.split('.').count() == 4
            && self
                .host
                .split('.')
                .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
    }

    /// The directory the verify file goes in: the last directory the link names, or the
    /// host's root (seed: 放置于 URL 中声明的最后一级子目录下,若无子目录,则放置于 host 所属服务器的顶层目录下).
    pub fn verify_dir(&self) -> String {
        let path = self.rest.split(['?', '#']).next().unwrap_or("");
        let dir = match path.rfind('/') {
            Some(i) => &path[..=i],
            None => "/",
        };
        let port = self.port.map(|p| format!(":{p}")).unwrap_or_default();
        format!("{}://{}{port}{dir}", self.scheme, self.host)
    }
}

/// Parses a rule link (85066 链接错误 when this is `None`): http or https, a domain host
/// (letters, digits, `-`, dots between non-empty labels) with an optional port, no user
/// info, no fragment, no spaces or control characters, at most [`LINK_MAX_CHARS`].
pub fn parse_link(text: &str) -> Option<Link<'_>> {
    if text.is_empty()
        || text.chars().count() > LINK_MAX_CHARS
        || text.chars().any(|c| c.is_whitespace() || c.is_control())
        || text.contains('#')
        || text.contains('\\')
    {
        return None;
    }
    let (scheme, after) = text.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let end = after.find(['/', '?']).unwrap_or(after.len());
    let (authority, rest) = after.split_at(end);
    if authority.contains('@') {
        return None;
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => {
            let port: u16 = p.parse().ok().filter(|p| *p > 0)?;
            if !p.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (h, Some(port))
        }
        None => (authority, None),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.is_empty() || host.len() > 253 || !host.split('.').all(label_ok) {
        return None;
    }
    Some(Link {
        scheme,
        host,
        port,
        rest,
    })
}

/// Whether `url` is a debug link of `prefix` (85068 测试链接不是子链接 otherwise): a
/// well-formed link that starts with the prefix, character for character.
pub fn is_under(prefix: &str, url: &str) -> bool {
    parse_link(url).is_some() && url.starts_with(prefix)
}

/// Whether a rule of one mini program keeps another mini program from adding `prefix`
/// (85072 该链接已被占用): the same prefix, a prefix below an exclusive one, or an
/// exclusive prefix above an existing one.
pub fn collides(
    existing: &str,
    existing_ownership: Ownership,
    prefix: &str,
    ownership: Ownership,
) -> bool {
    existing == prefix
        || (existing_ownership == Ownership::Exclusive && prefix.starts_with(existing))
        || (ownership == Ownership::Exclusive && existing.starts_with(prefix))
}

/// What the matcher needs of a rule.
pub trait JumpRule {
    fn prefix(&self) -> &str;
    fn ownership(&self) -> Ownership;
}

/// The rule a scan of `url` opens: among the rules whose prefix starts the link, the
/// longest, except that an exclusive rule captures every longer prefix below it.
pub fn matching_rule<'r, R: JumpRule>(rules: &'r [R], url: &str) -> Option<&'r R> {
    parse_link(url)?;
    let mut candidates: Vec<&R> = rules
        .iter()
        .filter(|r| !r.prefix().is_empty() && url.starts_with(r.prefix()))
        .collect();
    candidates.sort_by_key(|r| r.prefix().len());
    let mut chosen = None;
    for rule in candidates {
        chosen = Some(rule);
        if rule.ownership() == Ownership::Exclusive {
            break;
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, Ownership);
    impl JumpRule for R {
        fn prefix(&self) -> &str {
            self.0
        }
        fn ownership(&self) -> Ownership {
            self.1
        }
    }

    #[test]
    fn links_that_parse() {
        for ok in [
            "https://weixin.qq.com/qrcodejump",
            "http://weixin.qq.com",
            "https://shop.example.com:8443/a/b?x=1",
            "HTTPS://Shop.Example.com/",
            "https://a-b.example.com/qrcodejump?a=1&b=%E4%B8%AD",
        ] {
            assert!(parse_link(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "weixin.qq.com/x",
            "ftp://weixin.qq.com/x",
            "https://",
            "https:///path",
            "https://weixin.qq.com/x#frag",
            "https://user@weixin.qq.com/x",
            "https://weixin.qq.com/a b",
            "https://weixin.qq.com/a\tb",
            "https: //weixin.qq.com/qrcodejump?a=2",
            "https://-bad.example.com/",
            "https://bad..example.com/",
            "https://weixin.qq.com:0/",
            "https://weixin.qq.com:99999/",
            "https://weixin.qq.com:80x/",
            "https://[::1]/",
            "https://weixin.qq.com\\@evil.com/",
        ] {
            assert!(parse_link(bad).is_none(), "{bad:?}");
        }
        assert!(parse_link(&format!("https://a.com/{}", "x".repeat(LINK_MAX_CHARS))).is_none());
    }

    #[test]
    fn ip_hosts_and_verify_dirs() {
        let link = |s: &'static str| parse_link(s).unwrap();
        assert!(link("http://10.0.0.1/x").host_is_ip());
        assert!(!link("http://shop.example.com/x").host_is_ip());
        assert_eq!(
            link("https://shop.example.com").verify_dir(),
            "https://shop.example.com/"
        );
        assert_eq!(
            link("https://shop.example.com/a/b/c?x=1").verify_dir(),
            "https://shop.example.com/a/b/"
        );
        assert_eq!(
            link("https://shop.example.com:8443/qr/").verify_dir(),
            "https://shop.example.com:8443/qr/"
        );
        assert_eq!(
            link("https://weixin.qq.com/qrcodejump").verify_dir(),
            "https://weixin.qq.com/"
        );
    }

    #[test]
    fn debug_links_must_start_with_the_prefix() {
        let p = "https://weixin.qq.com/qrcodejump";
        assert!(is_under(p, "https://weixin.qq.com/qrcodejump?a=1"));
        assert!(is_under(p, p));
        assert!(is_under(p, "https://weixin.qq.com/qrcodejumptest"));
        assert!(!is_under(p, "https://weixin.qq.com/other?a=1"));
        assert!(!is_under(p, "http://weixin.qq.com/qrcodejump?a=1"));
        assert!(!is_under(p, "https://weixin.qq.com/qrcodejump?a=1#x"));
    }

    #[test]
    fn ownership_collisions() {
        use Ownership::*;
        let a = "https://shop.example.com/a";
        let ab = "https://shop.example.com/a/b";
        assert!(collides(a, Shared, a, Shared));
        assert!(!collides(a, Shared, ab, Shared));
        assert!(collides(a, Exclusive, ab, Shared));
        assert!(!collides(ab, Shared, a, Shared));
        assert!(collides(ab, Shared, a, Exclusive));
        assert!(!collides(
            a,
            Exclusive,
            "https://shop.example.com/b",
            Exclusive
        ));
        assert_eq!(Ownership::from_code(2), Some(Exclusive));
        assert_eq!(Ownership::from_code(3), None);
        assert_eq!(OpenVersion::from_code(3).map(OpenVersion::code), Some(3));
        assert_eq!(OpenVersion::from_code(0), None);
    }

    #[test]
    fn the_longest_prefix_opens_unless_an_exclusive_one_above_captures_it() {
        use Ownership::*;
        let rules = [
            R("https://shop.example.com/", Shared),
            R("https://shop.example.com/a/", Shared),
            R("https://shop.example.com/a/b/", Shared),
            R("https://shop.example.com/x/", Exclusive),
            R("https://shop.example.com/x/y/", Shared),
        ];
        let opened = |url: &str| matching_rule(&rules, url).map(|r| r.0);
        assert_eq!(
            opened("https://shop.example.com/a/b/c?id=1"),
            Some("https://shop.example.com/a/b/")
        );
        assert_eq!(
            opened("https://shop.example.com/a/z"),
            Some("https://shop.example.com/a/")
        );
        assert_eq!(
            opened("https://shop.example.com/other"),
            Some("https://shop.example.com/")
        );
        // The exclusive /x/ captures the longer /x/y/ below it.
        assert_eq!(
            opened("https://shop.example.com/x/y/z"),
            Some("https://shop.example.com/x/")
        );
        assert_eq!(opened("https://other.example.com/a/"), None);
        assert_eq!(opened("not a link"), None);
        let none: [R; 0] = [];
        assert!(matching_rule(&none, "https://shop.example.com/").is_none());
    }
}
