//! Building links with query parameters.

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

/// The console's route that fetches an image from another host (server `media`): pages show
/// operator-entered image URLs through it, so the CSP's `img-src` stays `'self' data:`.
pub const IMAGE_PROXY_PATH: &str = "/media/icon";

/// `src` for an image at `url` on another host.
pub fn proxied_image(url: &str) -> String {
    format!("{IMAGE_PROXY_PATH}?url={}", encode(url.trim()))
}

/// `path?k=v&…` with the values percent-encoded; `path` alone without parameters.
pub fn with_params<K: AsRef<str>>(path: &str, params: &[(K, String)]) -> String {
    if params.is_empty() {
        return path.to_owned();
    }
    let parts: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", k.as_ref(), encode(v)))
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// `path?k=v&…` with `key` set to `value` (added or replaced).
pub fn with_param(path: &str, params: &[(&'static str, String)], key: &str, value: &str) -> String {
    let mut params: Vec<(&str, String)> = params
        .iter()
        .filter(|(k, _)| *k != key)
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    params.push((key, value.to_owned()));
    with_params(path, &params)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_from_other_hosts_go_through_the_console() {
        assert_eq!(
            proxied_image(" https://img.example.com/a b.png?x=1 "),
            "/media/icon?url=https%3A%2F%2Fimg.example.com%2Fa%20b.png%3Fx%3D1"
        );
    }

    #[test]
    fn encodes_chinese_and_reserved() {
        assert_eq!(encode("咖啡 a&b"), "%E5%92%96%E5%95%A1%20a%26b");
    }

    #[test]
    fn a_path_without_parameters_has_no_question_mark() {
        assert_eq!(with_params::<&str>("/rollouts/new", &[]), "/rollouts/new");
        assert_eq!(
            with_params("/x", &[("q", "a b".to_string()), ("page", "2".to_string())]),
            "/x?q=a%20b&page=2"
        );
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
