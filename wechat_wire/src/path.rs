//! Paths inside a mini program, as function widgets (`jumpUrl`) and messages
//! (`page`) name them.

/// A path inside the mini program: `pages/index/index`, optionally with a
/// leading `/` and a `?query`; no scheme, no `..`, no spaces.
pub fn is_internal_path(path: &str) -> bool {
    if path.is_empty() {
        return false;
    }
    if path.contains("://") || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let route = path.split('?').next().unwrap_or("");
    let route = route.strip_prefix('/').unwrap_or(route);
    !route.is_empty()
        && !route.starts_with('/')
        && route
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
        && route
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_paths() {
        for ok in [
            "pages/index/index",
            "/pages/index/index",
            "pages/a?x=1&y=2",
            "sub-pkg/p_1/main",
            "pages/a",
            "/pages/a",
            "pages/a?id=1&x=2",
            "pkg-1/pages/a_b.c",
        ] {
            assert!(is_internal_path(ok), "{ok}");
        }
        for bad in [
            "",
            "https://example.com/x",
            "https://example.com/a",
            "plugin://abc/page",
            "pages/../secret",
            "../pages/a",
            "pages//x",
            "//pages/a",
            "pages/a b",
            "/",
            "?x=1",
            "页面/首页",
        ] {
            assert!(!is_internal_path(bad), "{bad}");
        }
    }
}
