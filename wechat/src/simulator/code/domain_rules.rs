//! The rules the simulated modify_domain and setwebviewdomain apply to each domain, one
//! entry at a time (pure; the endpoints are in `domains`). From WeChat's docs
//! (docs/research/onboarding-apis.md §2–§3) and the mini program network rules
//! (https://developers.weixin.qq.com/miniprogram/dev/framework/ability/network.html):
//! * a server domain is `scheme://host[:port]` with the kind's scheme (https for request,
//!   upload and download, wss for socket; udp / tcp for those kinds, a community example,
//!   provisional), a DNS host (no IP address, no `localhost`), an optional port ("可以配置端口")
//!   and nothing else; `api.weixin.qq.com` is refused;
//! * a business domain is `https://host` without a port ("业务域名中不能含有端口号") and must
//!   be one of the platform's registered business domains or a sub-domain of one.
//!
//! Entries are compared as lower case without a trailing `/` (provisional: WeChat's own
//! normalisation is not documented).

use crate::api::domain::RESERVED_SERVER_HOST;

/// The six server-domain kinds, in WeChat's field order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    Request,
    Ws,
    Upload,
    Download,
    Udp,
    Tcp,
}

impl ServerKind {
    pub const ALL: [ServerKind; 6] = [
        ServerKind::Request,
        ServerKind::Ws,
        ServerKind::Upload,
        ServerKind::Download,
        ServerKind::Udp,
        ServerKind::Tcp,
    ];

    /// The request and answer field (`requestdomain` …).
    pub fn field(self) -> &'static str {
        match self {
            ServerKind::Request => "requestdomain",
            ServerKind::Ws => "wsrequestdomain",
            ServerKind::Upload => "uploaddomain",
            ServerKind::Download => "downloaddomain",
            ServerKind::Udp => "udpdomain",
            ServerKind::Tcp => "tcpdomain",
        }
    }

    /// The answer's list of the kind's rejected domains (`invalid_requestdomain` …).
    pub fn invalid_field(self) -> &'static str {
        match self {
            ServerKind::Request => "invalid_requestdomain",
            ServerKind::Ws => "invalid_wsrequestdomain",
            ServerKind::Upload => "invalid_uploaddomain",
            ServerKind::Download => "invalid_downloaddomain",
            ServerKind::Udp => "invalid_udpdomain",
            ServerKind::Tcp => "invalid_tcpdomain",
        }
    }

    /// The scheme its entries carry.
    pub fn scheme(self) -> &'static str {
        match self {
            ServerKind::Request | ServerKind::Upload | ServerKind::Download => "https",
            ServerKind::Ws => "wss",
            ServerKind::Udp => "udp",
            ServerKind::Tcp => "tcp",
        }
    }
}

/// An entry as the simulator keeps and compares it: trimmed, lower case, no trailing `/`.
pub fn normalize(entry: &str) -> String {
    let lower = entry.trim().to_lowercase();
    match lower.strip_suffix('/') {
        Some(bare) => bare.to_owned(),
        None => lower,
    }
}

/// Normalised entries, each once, in their order.
pub fn normalize_all(entries: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in entries.iter().map(|e| normalize(e)) {
        if !e.is_empty() && !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// A normalised entry's parts.
pub struct Entry<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub port: Option<&'a str>,
}

/// `scheme://host[:port]`, nothing more (no user, path, query or fragment).
pub fn split_entry(entry: &str) -> Option<Entry<'_>> {
    let (scheme, rest) = entry.split_once("://")?;
    if rest.is_empty()
        || rest
            .chars()
            .any(|c| matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace())
    {
        return None;
    }
    // An IPv6 literal keeps its brackets (and is refused as an IP address).
    if rest.starts_with('[') {
        return Some(Entry {
            scheme,
            host: rest,
            port: None,
        });
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    Some(Entry { scheme, host, port })
}

/// An IPv4 or IPv6 literal (WeChat: "不支持填写ip地址").
pub fn is_ip(host: &str) -> bool {
    host.starts_with('[')
        || host.contains(':')
        || host.parse::<std::net::Ipv4Addr>().is_ok()
        || (!host.is_empty()
            && host
                .split('.')
                .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit())))
}

/// Labels of letters, digits and `-` (not at either end), 1–63 each, 253 in all.
pub fn is_dns_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn port_ok(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p))
}

fn is_localhost(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost")
}

/// Whether a normalised entry follows the server-domain rules of its kind (else it is "不合法",
/// listed in `invalid_*`, and alone it makes 85301).
pub fn server_rule_ok(kind: ServerKind, entry: &str) -> bool {
    let Some(e) = split_entry(entry) else {
        return false;
    };
    e.scheme == kind.scheme()
        && e.port.is_none_or(port_ok)
        && !is_ip(e.host)
        && !is_localhost(e.host)
        && is_dns_name(e.host)
        && e.host != RESERVED_SERVER_HOST
}

/// The host of an entry that follows the server rules (call after [`server_rule_ok`]).
pub fn host_of(entry: &str) -> &str {
    split_entry(entry).map_or("", |e| e.host)
}

/// The host of a business domain that follows the web-view rules: `https://host`, no port,
/// a DNS host. `None` otherwise (WeChat answers 89021 for such an entry: a community thread
/// shows it for a domain without its scheme).
pub fn webview_host(entry: &str) -> Option<&str> {
    let e = split_entry(entry)?;
    (e.scheme == "https" && e.port.is_none() && !is_ip(e.host) && is_dns_name(e.host))
        .then_some(e.host)
}

/// Whether `host` is a registered business domain or a sub-domain of one (the doc: platform
/// qq.com ⇒ qq.com and xxx.qq.com; platform xxx.qq.com ⇒ yyy.xxx.qq.com).
pub fn under_registered(host: &str, registered: &[String]) -> bool {
    registered.iter().any(|r| {
        let r = r.trim().trim_end_matches('.').to_lowercase();
        !r.is_empty() && (host == r || host.ends_with(&format!(".{r}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_compared_normalised() {
        assert_eq!(
            normalize("  HTTPS://API.Demo-Shop.com/ "),
            "https://api.demo-shop.com"
        );
        assert_eq!(
            normalize_all(&[
                "https://a.com".into(),
                "HTTPS://A.COM/".into(),
                " ".into(),
                "https://b.com".into(),
            ]),
            vec!["https://a.com".to_owned(), "https://b.com".to_owned()]
        );
    }

    #[test]
    fn server_rules_per_kind() {
        use ServerKind::*;
        for (kind, ok) in [
            (Request, "https://api.demo-shop.com"),
            (Request, "https://api.demo-shop.com:8443"),
            (Upload, "https://upload.demo-shop.com"),
            (Ws, "wss://wss.demo-shop.com"),
            (Ws, "wss://wss.demo-shop.com:9000"),
            (Udp, "udp://udp.demo-shop.com"),
            (Tcp, "tcp://tcp.demo-shop.com:7000"),
        ] {
            assert!(server_rule_ok(kind, ok), "{kind:?} {ok}");
        }
        for (kind, bad) in [
            (Request, "http://api.demo-shop.com"),
            (Request, "wss://api.demo-shop.com"),
            (Ws, "https://wss.demo-shop.com"),
            (Request, "api.demo-shop.com"),
            (Request, "https://1.2.3.4"),
            (Request, "https://[::1]"),
            (Request, "https://localhost"),
            (Request, "https://app.localhost"),
            (Request, "https://api.demo-shop.com/v1"),
            (Request, "https://api.demo-shop.com?x=1"),
            (Request, "https://user@api.demo-shop.com"),
            (Request, "https://api.demo-shop.com:0"),
            (Request, "https://api.demo-shop.com:65536"),
            (Request, "https://api.demo-shop.com:"),
            (Request, "https://api_x.demo-shop.com"),
            (Request, "https://-a.demo-shop.com"),
            (Request, "https://a..com"),
            (Request, "https://api.weixin.qq.com"),
        ] {
            assert!(!server_rule_ok(kind, bad), "{kind:?} {bad}");
        }
    }

    #[test]
    fn webview_rules_and_sub_domains() {
        assert_eq!(
            webview_host("https://h5.demo-shop.com"),
            Some("h5.demo-shop.com")
        );
        assert_eq!(webview_host("https://h5.demo-shop.com:8443"), None);
        assert_eq!(webview_host("http://h5.demo-shop.com"), None);
        assert_eq!(webview_host("h5.demo-shop.com"), None);
        assert_eq!(webview_host("https://10.0.0.1"), None);
        let registered = vec!["h5.demo-shop.com".to_owned()];
        assert!(under_registered("h5.demo-shop.com", &registered));
        assert!(under_registered("m.h5.demo-shop.com", &registered));
        assert!(!under_registered("www.demo-shop.com", &registered));
        assert!(!under_registered("evilh5.demo-shop.com", &registered));
        assert!(!under_registered("h5.demo-shop.com", &[]));
    }
}
