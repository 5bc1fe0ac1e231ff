//! Fetches an icon an operator entered (a widget cell's `icon`): only http(s), only raster
//! images, at most `MAX_BYTES`, within a few seconds.

use super::cache::Icon;
use std::time::Duration;

/// The largest icon the console fetches (WeChat's icons are small PNGs).
pub const MAX_BYTES: usize = 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(8);

/// Raster image types only: an SVG could carry script when opened from the console's origin.
const IMAGE_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "image/x-icon",
    "image/vnd.microsoft.icon",
];

#[derive(Debug, PartialEq, Eq)]
pub enum FetchError {
    /// Not an absolute http(s) URL with a host.
    BadUrl,
    /// The answer is not an image (or an SVG).
    NotAnImage,
    TooLarge,
    /// Unreachable, timed out or not 200.
    Upstream(String),
}

/// The URL to fetch, if it is an absolute http(s) URL with a host and no credentials.
pub fn checked_url(raw: &str) -> Result<reqwest::Url, FetchError> {
    let url = reqwest::Url::parse(raw.trim()).map_err(|_| FetchError::BadUrl)?;
    let ok = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none();
    if ok {
        Ok(url)
    } else {
        Err(FetchError::BadUrl)
    }
}

/// The image type of a Content-Type header (parameters dropped), if it is one we serve.
pub fn image_type(content_type: &str) -> Option<&'static str> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    IMAGE_TYPES.into_iter().find(|t| *t == essence)
}

/// The fetching client. Unless `private_hosts` (WXA_MEDIA_ALLOW_PRIVATE), only public
/// addresses are reached, also through redirects (`public_only`).
pub fn client(private_hosts: bool) -> reqwest::Client {
    let builder = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(4))
        .user_agent("wxa-console icon preview");
    let builder = if private_hosts {
        builder.redirect(reqwest::redirect::Policy::limited(3))
    } else {
        builder
            .dns_resolver(std::sync::Arc::new(super::public_only::PublicResolver))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                if attempt.previous().len() >= 3
                    || super::public_only::is_private_literal(attempt.url())
                {
                    attempt.stop()
                } else {
                    attempt.follow()
                }
            }))
    };
    // Building fails only without a TLS backend; then no icon is fetched.
    builder.build().unwrap_or_default()
}

/// Refuses, before any request, a URL whose host is or resolves to a non-public address
/// (the client's resolver checks again when it connects, so a name that changes its
/// answer in between gains nothing).
pub async fn reachable(url: &reqwest::Url, private_hosts: bool) -> Result<(), FetchError> {
    if private_hosts {
        return Ok(());
    }
    if super::public_only::is_private_literal(url) {
        return Err(FetchError::BadUrl);
    }
    if let Some(url::Host::Domain(name)) = url.host() {
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs: Vec<_> = tokio::net::lookup_host((name, port))
            .await
            .map_err(|e| FetchError::Upstream(e.to_string()))?
            .collect();
        if addrs.iter().any(|a| !super::public_only::is_public(a.ip())) {
            return Err(FetchError::BadUrl);
        }
    }
    Ok(())
}

pub async fn fetch(client: &reqwest::Client, url: reqwest::Url) -> Result<Icon, FetchError> {
    let upstream = |e: reqwest::Error| FetchError::Upstream(e.without_url().to_string());
    let mut res = client.get(url).send().await.map_err(upstream)?;
    if !res.status().is_success() {
        return Err(FetchError::Upstream(format!("HTTP {}", res.status())));
    }
    let content_type = res
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(image_type)
        .ok_or(FetchError::NotAnImage)?;
    if res.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
        return Err(FetchError::TooLarge);
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(upstream)? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(FetchError::TooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Icon {
        content_type: content_type.to_owned(),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_http_urls() {
        assert!(checked_url("https://img.example.com/a.png").is_ok());
        assert!(checked_url(" http://127.0.0.1:3000/icon-192.png ").is_ok());
        for bad in [
            "ftp://x/y.png",
            "file:///etc/passwd",
            "data:image/png;base64,AA",
            "javascript:alert(1)",
            "/relative.png",
            "https://user:pw@example.com/a.png",
            "",
        ] {
            assert_eq!(checked_url(bad), Err(FetchError::BadUrl), "{bad}");
        }
    }

    #[test]
    fn only_raster_images() {
        assert_eq!(image_type("image/png"), Some("image/png"));
        assert_eq!(image_type("IMAGE/JPEG; charset=binary"), Some("image/jpeg"));
        assert_eq!(image_type("image/svg+xml"), None);
        assert_eq!(image_type("text/html"), None);
        assert_eq!(image_type(""), None);
    }
}
