//! Building links that change one query parameter.

/// Percent-encodes a query component (RFC 3986 unreserved characters pass through).
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `path?k=v&…` with `key` set to `value` (added or replaced).
pub fn with_param(path: &str, params: &[(&'static str, String)], key: &str, value: &str) -> String {
    let mut parts: Vec<String> = params
        .iter()
        .filter(|(k, _)| *k != key)
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    parts.push(format!("{key}={}", encode(value)));
    format!("{path}?{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_chinese_and_reserved() {
        assert_eq!(encode("咖啡 a&b"), "%E5%92%96%E5%95%A1%20a%26b");
    }

    #[test]
    fn replaces_one_param() {
        let params = vec![("q", "x".to_string()), ("page", "3".to_string())];
        assert_eq!(
            with_param("/apps", &params, "page", "4"),
            "/apps?q=x&page=4"
        );
    }
}
