//! Static files. The build's bundle (wasm, js, css) has content-hashed names and is cached for
//! a year; other files are revalidated daily. Precompressed brotli and gzip files written by
//! the build (`cargo leptos build --release --precompress`) are served to clients that accept
//! them. A name that is not in the site, such as the bundle of an older build, is the
//! console's 404 page.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use leptos::prelude::{IntoView, LeptosOptions};
use std::future::Future;
use std::path::Path;
use std::pin::Pin;

/// A hashed name never changes content: a new build gets a new name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Favicons and the like keep their names across builds.
pub const UNHASHED: &str = "public, max-age=86400";
/// A bundle without hashed names (a debug build) changes content under the same name.
const REVALIDATE: &str = "no-cache";

/// The file cargo-leptos writes with the bundle's hashes (`hash-file` in Cargo.toml).
pub const HASH_FILE: &str = "hash.txt";

/// Names the bundle by the hashes the site was built with, when it was built with them.
/// Leptos looks for its hash file next to the executable; the site's own copy is found
/// wherever the binary runs from (an absolute path replaces the executable's folder).
pub fn with_site_hashes(mut options: LeptosOptions) -> LeptosOptions {
    let hashes = Path::new(options.site_root.as_ref()).join(HASH_FILE);
    if let Ok(hashes) = std::path::absolute(hashes) {
        if hashes.is_file() {
            options.hash_files = true;
            options.hash_file = hashes.display().to_string().into();
        }
    }
    options
}

type Handler = Pin<Box<dyn Future<Output = Response> + Send>>;

/// The router's fallback: a file of the site with its cache policy, or the console's 404 page.
pub fn fallback<IV>(
    shell: impl Fn(LeptosOptions) -> IV + 'static + Clone + Send,
) -> impl Fn(State<LeptosOptions>, Request) -> Handler + Clone + Send + 'static
where
    IV: IntoView + 'static,
{
    let files_or_page = leptos_axum::file_and_error_handler(shell);
    move |State(options): State<LeptosOptions>, req: Request| {
        let files_or_page = files_or_page.clone();
        Box::pin(async move {
            let policy = cache_policy(&options, req.uri().path());
            let uri = req.uri().clone();
            let mut res = files_or_page(uri, State(options), req).await;
            // Only files answer 200 here: the 404 page and redirects keep the page policy.
            if res.status() == StatusCode::OK {
                res.headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            }
            res
        })
    }
}

fn cache_policy(options: &LeptosOptions, path: &str) -> &'static str {
    let pkg = options.site_pkg_dir.trim_matches('/');
    // The console's bundle, or the islands bundle in its own site folder (components/bundle.rs).
    let in_bundle = path
        .strip_prefix('/')
        .map(|p| {
            p.strip_prefix(app::components::bundle::ISLANDS_SITE)
                .and_then(|p| p.strip_prefix('/'))
                .unwrap_or(p)
        })
        .and_then(|p| p.strip_prefix(pkg))
        .is_some_and(|rest| rest.starts_with('/'));
    match (in_bundle, options.hash_files) {
        (true, true) => IMMUTABLE,
        (true, false) => REVALIDATE,
        (false, _) => UNHASHED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("wxa-console")
            .hash_files(hash_files)
            .build()
    }

    #[test]
    fn only_the_hashed_bundle_is_immutable() {
        let hashed = options(true);
        assert_eq!(
            cache_policy(&hashed, "/pkg/wxa-console.abc.wasm"),
            IMMUTABLE
        );
        assert_eq!(cache_policy(&hashed, "/favicon.svg"), UNHASHED);
        assert_eq!(cache_policy(&hashed, "/pkgx/a.js"), UNHASHED);
        assert_eq!(
            cache_policy(&hashed, "/islands/pkg/wxa-islands.abc.wasm"),
            IMMUTABLE
        );
        assert_eq!(cache_policy(&hashed, "/islands/hash.txt"), UNHASHED);
        assert_eq!(cache_policy(&hashed, "/islandspkg/a.js"), UNHASHED);
        let plain = options(false);
        assert_eq!(cache_policy(&plain, "/pkg/wxa-console.wasm"), REVALIDATE);
    }
}
