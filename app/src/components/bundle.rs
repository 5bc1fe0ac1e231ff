//! The page head's links to the bundle (stylesheet, JavaScript, wasm) and the script that
//! hydrates the page.
//!
//! There are two browser bundles (Cargo.toml's two Leptos projects): the console's, which
//! hydrates the whole page, and the islands bundle of the pages in
//! [`crate::app::ISLAND_PAGES`], which hydrates only their `#[island]` components. An islands
//! page also asks the browser to fetch the console's bundle when it is idle, so the next page
//! finds it in the cache.
//!
//! Leptos' `HashedStylesheet` and `HydrationScripts` read the build's hash file on every render
//! (two file reads and two `current_exe` look-ups per page, issue 16). The names here are read
//! once when the server starts and handed to every render.

use leptos::nonce::use_nonce;
use leptos::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Leptos' `hydration_script.js` (leptos 0.8): loads the JavaScript glue, which fetches the
/// wasm, then hydrates the page.
const HYDRATION_SCRIPT: &str = "(function (root, pkg_path, output_name, wasm_output_name) {\
import(`${root}/${pkg_path}/${output_name}.js`)\
.then(mod => mod.default({module_or_path: `${root}/${pkg_path}/${wasm_output_name}.wasm`})\
.then(() => mod.hydrate()));})";

/// Leptos' `island_script.js` (leptos 0.8) without its nested-children bookkeeping (no island
/// here takes children): loads the islands bundle, then hydrates each `<leptos-island>` with
/// the function its `data-component` names.
const ISLANDS_SCRIPT: &str = "(function (root, pkg_path, output_name, wasm_output_name) {\
import(`${root}/${pkg_path}/${output_name}.js`)\
.then(mod => mod.default({module_or_path: `${root}/${pkg_path}/${wasm_output_name}.wasm`})\
.then(() => {mod.hydrate();\
for (const el of document.querySelectorAll('leptos-island')) {\
const hydrate = mod[el.dataset.component];\
if (hydrate) { hydrate(el); } else { console.warn(`no island ${el.dataset.component}`); }}}));})";

/// The Leptos project (output) name of the islands bundle, as in Cargo.toml.
const ISLANDS_OUTPUT: &str = "wxa-islands";
/// The islands bundle's own site root, a folder of the console's (Cargo.toml), which holds its
/// pkg folder and its hash file.
pub const ISLANDS_SITE: &str = "islands";

/// The site's bundles' file names (without extension) under the site's pkg folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle(Arc<Names>);

#[derive(Debug, PartialEq, Eq)]
struct Names {
    pkg: String,
    css: String,
    console: Scripts,
    islands: Scripts,
}

/// One bundle's pkg folder (from the site root), JavaScript glue and wasm.
#[derive(Debug, PartialEq, Eq)]
struct Scripts {
    pkg: String,
    js: String,
    wasm: String,
}

impl Bundle {
    /// The names the site was built with: hashed when `hash_files` is on and the hash files are
    /// there (where Leptos looks for them: relative to the executable unless absolute).
    pub fn of_site(options: &LeptosOptions) -> Self {
        let hash_file = options.hash_files.then(|| {
            std::env::current_exe()
                .ok()
                .and_then(|exe| exe.parent().map(PathBuf::from))
                .unwrap_or_default()
                .join(options.hash_file.as_ref())
        });
        let read = |path: &Path| {
            let text = std::fs::read_to_string(path).ok();
            if text.is_none() {
                leptos::logging::error!("File hashing is active but {} is missing", path.display());
            }
            text
        };
        let console = hash_file.as_deref().and_then(read);
        let islands = hash_file.as_deref().and_then(|f| {
            let name = f.file_name().unwrap_or_default();
            read(&f.with_file_name(ISLANDS_SITE).join(name))
        });
        Self::named(options, console.as_deref(), islands.as_deref())
    }

    /// `console` and `islands` are the hash files' texts (`js: …`, `wasm: …`, `css: …` lines).
    fn named(options: &LeptosOptions, console: Option<&str>, islands: Option<&str>) -> Self {
        let hash_of = |hashes: Option<&str>, file: &str| {
            hashes.and_then(|text| {
                text.lines().find_map(|line| {
                    let (name, hash) = line.trim().split_once(':')?;
                    (name.trim() == file).then(|| hash.trim().to_string())
                })
            })
        };
        let named = |output: &str, hashes: Option<&str>, file: &str| match hash_of(hashes, file) {
            Some(hash) => format!("{output}.{hash}"),
            None => output.to_string(),
        };
        let pkg = options.site_pkg_dir.to_string();
        let scripts = |pkg: String, output: &str, hashes: Option<&str>| Scripts {
            pkg,
            js: named(output, hashes, "js"),
            // Without hashes and without LEPTOS_OUTPUT_NAME at build time, wasm-bindgen's name.
            wasm: match (hash_of(hashes, "wasm"), option_env!("LEPTOS_OUTPUT_NAME")) {
                (Some(hash), _) => format!("{output}.{hash}"),
                (None, Some(_)) => output.to_string(),
                (None, None) => format!("{output}_bg"),
            },
        };
        let output = options.output_name.to_string();
        Self(Arc::new(Names {
            css: named(&output, console, "css"),
            console: scripts(pkg.clone(), &output, console),
            islands: scripts(format!("{ISLANDS_SITE}/{pkg}"), ISLANDS_OUTPUT, islands),
            pkg,
        }))
    }
}

/// What the page's `<head>` links to and runs: the stylesheet, the bundle's preloads, the
/// hydration script and, on an islands page, the console's bundle to prefetch.
struct HeadLinks {
    css: String,
    module: String,
    wasm: String,
    script: String,
    /// On an islands page, the console's bundle at the lowest priority, for the page after it.
    prefetch: Option<(String, String)>,
}

impl Bundle {
    fn head_links(&self, islands_only: bool) -> HeadLinks {
        let Names {
            pkg,
            css,
            console,
            islands,
        } = &*self.0;
        let (loaded, script) = if islands_only {
            (islands, ISLANDS_SCRIPT)
        } else {
            (console, HYDRATION_SCRIPT)
        };
        let Scripts {
            pkg: from,
            js,
            wasm,
        } = loaded;
        HeadLinks {
            css: format!("/{pkg}/{css}.css"),
            module: format!("/{from}/{js}.js"),
            wasm: format!("/{from}/{wasm}.wasm"),
            script: format!("{script}(\"\", {from:?}, {js:?}, {wasm:?});"),
            prefetch: islands_only.then(|| {
                let Scripts {
                    pkg: from,
                    js,
                    wasm,
                } = console;
                (format!("/{from}/{js}.js"), format!("/{from}/{wasm}.wasm"))
            }),
        }
    }

    /// [`BundleHead`] of an islands page, for a page the server writes with a template.
    pub fn islands_head_html(&self, nonce: &str) -> maud::Markup {
        let HeadLinks {
            css,
            module,
            wasm,
            script,
            prefetch,
        } = self.head_links(true);
        maud::html! {
            link id="leptos" rel="stylesheet" href=(css);
            link rel="modulepreload" href=(module) crossorigin="";
            link rel="preload" href=(wasm) as="fetch" type="application/wasm" crossorigin="";
            script type="module" nonce=(nonce) { (maud::PreEscaped(script)) }
            @if let Some((js, wasm)) = prefetch {
                link rel="prefetch" href=(js) as="script" crossorigin="";
                link rel="prefetch" href=(wasm) as="fetch" crossorigin="";
            }
        }
    }
}

/// The stylesheet, the preloads and the hydration script of the page's bundle; for the shell's
/// `<head>`. The script carries the response's CSP nonce.
#[component]
pub fn BundleHead(bundle: Bundle) -> impl IntoView {
    let HeadLinks {
        css,
        module,
        wasm,
        script,
        prefetch,
    } = bundle.head_links(crate::app::rendering_islands_page());
    let nonce = use_nonce();
    let next_page = prefetch.map(|(js, wasm)| {
        view! {
            <link rel="prefetch" href=js r#as="script" crossorigin="" />
            <link rel="prefetch" href=wasm r#as="fetch" crossorigin="" />
        }
    });
    view! {
        <link id="leptos" rel="stylesheet" href=css />
        <link rel="modulepreload" href=module crossorigin="" />
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin="" />
        <script type="module" nonce=nonce>{script}</script>
        {next_page}
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
        let bundle = Bundle::named(
            &options(true),
            Some("js: SnNI\nwasm: V2Fz\n\ncss: Q3Nz\n"),
            Some("js: aXNs\nwasm: YW5k\n"),
        );
        assert_eq!(
            *bundle.0,
            Names {
                pkg: "pkg".into(),
                css: "wxa-console.Q3Nz".into(),
                console: Scripts {
                    pkg: "pkg".into(),
                    js: "wxa-console.SnNI".into(),
                    wasm: "wxa-console.V2Fz".into(),
                },
                islands: Scripts {
                    pkg: "islands/pkg".into(),
                    js: "wxa-islands.aXNs".into(),
                    wasm: "wxa-islands.YW5k".into(),
                },
            }
        );
    }

    #[test]
    fn without_hashes_the_plain_names() {
        let bundle = Bundle::named(&options(false), None, None);
        assert_eq!(bundle.0.css, "wxa-console");
        assert_eq!(bundle.0.console.js, "wxa-console");
        // .cargo/config.toml sets LEPTOS_OUTPUT_NAME for every build of this workspace.
        assert_eq!(bundle.0.console.wasm, "wxa-console");
        assert_eq!(bundle.0.islands.js, "wxa-islands");
        assert_eq!(bundle.0.islands.wasm, "wxa-islands");
    }

    #[test]
    fn a_missing_hash_file_falls_back_to_the_plain_names() {
        let mut opts = options(true);
        opts.hash_file = "/nonexistent/wxa-console/hash.txt".into();
        let bundle = Bundle::of_site(&opts);
        assert_eq!(bundle.0.console.js, "wxa-console");
        assert_eq!(bundle.0.islands.js, "wxa-islands");
    }
}
