//! The rules of one domain entry, and how typed text becomes entries. WeChat's rules
//! (modifyServerDomain and api_modifyjumpdomain 注意事项; the mini program network rules,
//! https://developers.weixin.qq.com/miniprogram/dev/framework/ability/network.html):
//! `scheme://host[:port]`, the kind's scheme, a DNS host that is no IP address and not
//! `localhost`, a port (1–65535) on server domains only, nothing after the host;
//! `api.weixin.qq.com` is never a server domain. Each broken rule has its own message.

use super::{DomainKind, RESERVED_HOST};
use serde::{Deserialize, Serialize};

/// The longest entry: a scheme, a 253-character host and a port fit well within it.
pub const DOMAIN_MAX_CHARS: usize = 300;
/// The longest text one change takes (a full list of 300 long entries fits).
pub const INPUT_MAX_CHARS: usize = 100_000;

/// Which rule an entry breaks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainRule {
    /// It does not start with the kind's scheme (`expected`, e.g. `https://`).
    Scheme { expected: String },
    /// Control characters (or spaces) inside.
    InvalidChars,
    /// Longer than [`DOMAIN_MAX_CHARS`].
    TooLong,
    /// A user name before the host (`user@host`).
    Userinfo,
    /// A path, query or fragment after the host.
    Path,
    /// A port on a business domain ("业务域名中不能含有端口号").
    PortNotAllowed,
    /// A port that is not a number from 1 to 65535.
    BadPort,
    /// An IP address ("不支持填写ip地址").
    IpAddress,
    /// `localhost` or a name under it.
    Localhost,
    /// Not a domain name: labels of letters, digits and `-` (not at either end), at least
    /// two of them, at most 63 characters each and 253 in all, the last not a number.
    BadHost,
    /// `api.weixin.qq.com`, never a server domain.
    Reserved,
}

/// An entry as it is compared and sent: trimmed, lower case, without a trailing `/`.
pub fn normalize_domain(input: &str) -> String {
    let lower = input.trim().to_lowercase();
    // A trailing slash after a host goes; the one of a bare "https://" stays, so that it
    // reads as a missing host rather than a wrong scheme.
    match lower.strip_suffix('/') {
        Some(bare) if !bare.ends_with(':') && !bare.ends_with(":/") => bare.to_owned(),
        _ => lower,
    }
}

/// Typed text as entries: split at spaces, line breaks, commas and semicolons (full width
/// too), each normalised, empty ones dropped, duplicates collapsed (the first kept). Returns
/// the entries and how many duplicates were dropped.
pub fn parse_input(text: &str) -> (Vec<String>, usize) {
    let mut entries: Vec<String> = Vec::new();
    let mut duplicates = 0;
    let separators = |c: char| c.is_whitespace() || matches!(c, ',' | ';' | '，' | '；' | '、');
    for part in text.split(separators) {
        let entry = normalize_domain(part);
        if entry.is_empty() {
            continue;
        }
        if entries.contains(&entry) {
            duplicates += 1;
        } else {
            entries.push(entry);
        }
    }
    (entries, duplicates)
}

fn is_ip(host: &str) -> bool {
    host.parse::<std::net::Ipv4Addr>().is_ok()
        || host.contains(':')
        || host
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
}

fn is_dns_name(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    host.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| !tld.bytes().all(|b| b.is_ascii_digit()))
}

fn port_ok(port: &str) -> bool {
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65_535).contains(&p))
}

/// The first rule a normalised entry breaks for `kind`, if any.
pub fn check_domain(kind: DomainKind, entry: &str) -> Result<(), DomainRule> {
    if entry.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(DomainRule::InvalidChars);
    }
    if entry.chars().count() > DOMAIN_MAX_CHARS {
        return Err(DomainRule::TooLong);
    }
    let prefix = format!("{}://", kind.scheme());
    let rest = entry
        .strip_prefix(&prefix)
        .ok_or_else(|| DomainRule::Scheme {
            expected: prefix.clone(),
        })?;
    if rest.contains('@') {
        return Err(DomainRule::Userinfo);
    }
    if rest.contains(['/', '?', '#', '\\']) {
        return Err(DomainRule::Path);
    }
    if rest.starts_with('[') {
        return Err(DomainRule::IpAddress);
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    if let Some(port) = port {
        if !kind.is_server() {
            return Err(DomainRule::PortNotAllowed);
        }
        if !port_ok(port) {
            return Err(DomainRule::BadPort);
        }
    }
    if host == "localhost" || host.ends_with(".localhost") {
        return Err(DomainRule::Localhost);
    }
    if !host.is_empty() && is_ip(host) {
        return Err(DomainRule::IpAddress);
    }
    if !is_dns_name(host) {
        return Err(DomainRule::BadHost);
    }
    if kind.is_server() && host == RESERVED_HOST {
        return Err(DomainRule::Reserved);
    }
    Ok(())
}

/// A server domain as typed, checked for `kind` (a server kind).
pub fn check_server_domain(kind: DomainKind, input: &str) -> Result<(), DomainRule> {
    check_domain(kind, &normalize_domain(input))
}

/// A business (web-view) domain as typed.
pub fn check_webview_domain(input: &str) -> Result<(), DomainRule> {
    check_domain(DomainKind::Webview, &normalize_domain(input))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DomainKind::*;

    fn rule(kind: DomainKind, s: &str) -> Option<DomainRule> {
        check_server_domain(kind, s).err()
    }

    #[test]
    fn server_domains_that_pass() {
        for (kind, ok) in [
            (Request, "https://api.demo-shop.com"),
            (Request, " HTTPS://API.Demo-Shop.com/ "),
            (Request, "https://api.demo-shop.com:8443"),
            (Upload, "https://upload.demo-shop.com"),
            (Download, "https://xn--fiqs8s.cn"),
            (Ws, "wss://wss.demo-shop.com"),
            (Ws, "wss://wss.demo-shop.com:9000"),
            (Udp, "udp://udp.demo-shop.com"),
            (Tcp, "tcp://tcp.demo-shop.com:7000"),
        ] {
            assert_eq!(rule(kind, ok), None, "{kind:?} {ok}");
        }
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let https = || DomainRule::Scheme {
            expected: "https://".into(),
        };
        for (kind, bad, expected) in [
            (Request, "http://api.demo-shop.com", https()),
            (Request, "api.demo-shop.com", https()),
            (Request, "wss://api.demo-shop.com", https()),
            (
                Ws,
                "https://wss.demo-shop.com",
                DomainRule::Scheme {
                    expected: "wss://".into(),
                },
            ),
            (Request, "https://1.2.3.4", DomainRule::IpAddress),
            (Request, "https://10.0.0.1:8080", DomainRule::IpAddress),
            (Request, "https://[::1]", DomainRule::IpAddress),
            (Request, "https://localhost", DomainRule::Localhost),
            (Request, "https://localhost:3000", DomainRule::Localhost),
            (Request, "https://app.localhost", DomainRule::Localhost),
            (Request, "https://api.demo-shop.com:0", DomainRule::BadPort),
            (
                Request,
                "https://api.demo-shop.com:65536",
                DomainRule::BadPort,
            ),
            (Request, "https://api.demo-shop.com:", DomainRule::BadPort),
            (Request, "https://api.demo-shop.com:8o", DomainRule::BadPort),
            (Request, "https://api.demo-shop.com/v1", DomainRule::Path),
            (Request, "https://api.demo-shop.com?a=1", DomainRule::Path),
            (Request, "https://api.demo-shop.com#x", DomainRule::Path),
            (
                Request,
                "https://me@api.demo-shop.com",
                DomainRule::Userinfo,
            ),
            (Request, "https://api_x.demo-shop.com", DomainRule::BadHost),
            (Request, "https://-a.demo-shop.com", DomainRule::BadHost),
            (Request, "https://a..com", DomainRule::BadHost),
            (Request, "https://intranet", DomainRule::BadHost),
            (Request, "https://", DomainRule::BadHost),
            (Request, "https://*.demo-shop.com", DomainRule::BadHost),
            (Request, "https://商店.com", DomainRule::BadHost),
            (Request, "https://api.weixin.qq.com", DomainRule::Reserved),
            (Request, "https://a\u{0}b.com", DomainRule::InvalidChars),
        ] {
            assert_eq!(rule(kind, bad), Some(expected), "{kind:?} {bad:?}");
        }
        let long = format!("https://{}.com", "a".repeat(DOMAIN_MAX_CHARS));
        assert_eq!(rule(Request, &long), Some(DomainRule::TooLong));
        let label = format!("https://{}.com", "a".repeat(64));
        assert_eq!(rule(Request, &label), Some(DomainRule::BadHost));
    }

    #[test]
    fn business_domains_take_no_port_and_may_be_weixin_hosts() {
        assert_eq!(check_webview_domain("https://h5.demo-shop.com"), Ok(()));
        assert_eq!(
            check_webview_domain("https://h5.demo-shop.com:8443"),
            Err(DomainRule::PortNotAllowed)
        );
        assert_eq!(
            check_webview_domain("http://h5.demo-shop.com"),
            Err(DomainRule::Scheme {
                expected: "https://".into()
            })
        );
        assert_eq!(
            check_webview_domain("https://192.168.1.1"),
            Err(DomainRule::IpAddress)
        );
        // The reserved host is a server-domain rule only.
        assert_eq!(check_webview_domain("https://api.weixin.qq.com"), Ok(()));
    }

    #[test]
    fn typed_text_becomes_normalised_entries_without_duplicates() {
        let (entries, duplicates) = parse_input(
            " https://A.demo-shop.com/\nhttps://b.demo-shop.com, https://a.demo-shop.com；\
             https://c.demo-shop.com、https://b.demo-shop.com\t\n\n",
        );
        assert_eq!(
            entries,
            vec![
                "https://a.demo-shop.com".to_owned(),
                "https://b.demo-shop.com".to_owned(),
                "https://c.demo-shop.com".to_owned()
            ]
        );
        assert_eq!(duplicates, 2);
        assert_eq!(parse_input("  \n , "), (Vec::new(), 0));
    }
}
