//! The page head's links to the bundle (stylesheet, JavaScript, wasm) and the script that
//! hydrates the page.
//!
//! Leptos' `HashedStylesheet` and `HydrationScripts` read the build's hash file on every render
//! (two file reads and two `current_exe` look-ups per page, issue 16). The names here are read
//! once when the server starts and handed to every render.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use std::path::PathBuf;
use std::sync::Arc;

/// Leptos' `hydration_script.js` (leptos 0.8): loads the JavaScript glue, which fetches the
/// wasm, then hydrates the page.
const HYDRATION_SCRIPT: &str = "(function (root, pkg_path, output_name, wasm_output_name) {\
import(`${root}/${pkg_path}/${output_name}.js`)\
.then(mod => mod.default({module_or_path: `${root}/${pkg_path}/${wasm_output_name}.wasm`})\
.then(() => mod.hydrate()));})";

/// The bundle's file names (without extension) under the site's pkg folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle(Arc<Names>);

#[derive(Debug, PartialEq, Eq)]
struct Names {
    pkg: String,
    css: String,
    js: String,
    wasm: String,
}

impl Bundle {
    /// The names the site was built with: hashed when `hash_files` is on and the hash file is
    /// there (where Leptos looks for it: relative to the executable unless absolute).
    pub fn of_site(options: &LeptosOptions) -> Self {
        let hashes = options.hash_files.then(|| {
            let path = std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(PathBuf::from))
                .unwrap_or_default()
                .join(options.hash_file.as_ref());
            std::fs::read_to_string(path).ok()
        });
        if hashes == Some(None) {
            leptos::logging::error!("File hashing is active but no hash file was found");
        }
        Self::named(options, hashes.flatten().as_deref())
    }

    /// `hashes` is the hash file's text (`js: …`, `wasm: …`, `css: …` lines).
    fn named(options: &LeptosOptions, hashes: Option<&str>) -> Self {
        let output = options.output_name.to_string();
        let hash_of = |file: &str| {
            hashes.and_then(|text| {
                text.lines().find_map(|line| {
                    let (name, hash) = line.trim().split_once(':')?;
                    (name.trim() == file).then(|| hash.trim().to_string())
                })
            })
        };
        let named = |file: &str| match hash_of(file) {
            Some(hash) => format!("{output}.{hash}"),
            None => output.clone(),
        };
        // Without hashes and without LEPTOS_OUTPUT_NAME at build time, wasm-bindgen's name.
        let wasm = match (hash_of("wasm"), option_env!("LEPTOS_OUTPUT_NAME")) {
            (Some(hash), _) => format!("{output}.{hash}"),
            (None, Some(_)) => output.clone(),
            (None, None) => format!("{output}_bg"),
        };
        Self(Arc::new(Names {
            pkg: options.site_pkg_dir.to_string(),
            css: named("css"),
            js: named("js"),
            wasm,
        }))
    }
}

/// The stylesheet, the preloads and the hydration script; for the shell's `<head>`. The script
/// carries the response's CSP nonce.
#[component]
pub fn BundleHead(bundle: Bundle) -> impl IntoView {
    let Names { pkg, css, js, wasm } = &*bundle.0;
    let nonce = use_nonce();
    let script = format!("{HYDRATION_SCRIPT}(\"\", {pkg:?}, {js:?}, {wasm:?});");
    view! {
        <link id="leptos" rel="stylesheet" href=format!("/{pkg}/{css}.css") />
        <link rel="modulepreload" href=format!("/{pkg}/{js}.js") crossorigin="" />
        <link rel="preload" href=format!("/{pkg}/{wasm}.wasm") r#as="fetch"
            r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=nonce>{script}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(hash_files: bool) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("wxa-console")
            .site_pkg_dir("pkg")
            .hash_files(hash_files)
            .build()
    }

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let bundle = Bundle::named(&options(true), Some("js: SnNI\nwasm: V2Fz\n\ncss: Q3Nz\n"));
        assert_eq!(
            *bundle.0,
            Names {
                pkg: "pkg".into(),
                css: "wxa-console.Q3Nz".into(),
                js: "wxa-console.SnNI".into(),
                wasm: "wxa-console.V2Fz".into(),
            }
        );
    }

    #[test]
    fn without_hashes_the_plain_names() {
        let bundle = Bundle::named(&options(false), None);
        assert_eq!(bundle.0.css, "wxa-console");
        assert_eq!(bundle.0.js, "wxa-console");
        // .cargo/config.toml sets LEPTOS_OUTPUT_NAME for every build of this workspace.
        assert_eq!(bundle.0.wasm, "wxa-console");
    }

    #[test]
    fn a_missing_hash_file_falls_back_to_the_plain_names() {
        let mut opts = options(true);
        opts.hash_file = "/nonexistent/wxa-console/hash.txt".into();
        let bundle = Bundle::of_site(&opts);
        assert_eq!(bundle.0.js, "wxa-console");
    }
}
