//! Pages the server writes whole with compile-time templates (issue 16).
//!
//! Leptos' server rendering of the console's frame (its owners, reactive nodes, suspense and
//! views, the router's nested match) cost a signed-in page twice the whole sign-in page
//! before the page drew anything of its own. The pages in [`crate::app::TEMPLATE_PAGES`] react
//! only through islands and load the islands bundle, so nothing in the browser reads how the
//! rest of them was written: the server writes the document, the console's frame
//! ([`console_chrome_html`]) and the page with maud, which escapes every value, and Leptos
//! renders each island in them by itself. In the browser, the console's router hands such a
//! page to the server ([`crate::app::ServerPage`]).

use crate::app::document_title;
use crate::components::bundle::Bundle;
use crate::components::layout::console_chrome_html;
use crate::i18n::{Locale, Texts};
use crate::model::Viewer;
use crate::services::AppState;
use leptos::prelude::*;
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// The hydration data of a page whose islands read no resource: what Leptos' render ends a
/// page with when nothing is pending (`hydration_context`'s `SsrSharedContext`).
const NO_HYDRATION_DATA: &str = "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];\
                                 __PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];\
                                 __INCOMPLETE_CHUNKS=[];";

/// Room for what a document holds besides its page's content (head, frame, scripts): about
/// 4 KB, more with a long name or a merchant's.
const DOCUMENT_OVERHEAD: usize = 8 * 1024;

/// Writes nothing and makes room for `.0` more bytes: as the first thing in a template, one
/// allocation for the whole output instead of a copy at each doubling.
struct Reserve(usize);

impl maud::Render for Reserve {
    fn render_to(&self, buffer: &mut String) {
        buffer.reserve(self.0);
    }
}

/// One request for a template page, as the page guard let it through.
pub struct PageRequest<'a> {
    pub state: &'a AppState,
    pub viewer: &'a Viewer,
    pub t: &'static Texts,
    pub path: &'a str,
    /// The query, decoded, in its order.
    pub params: &'a [(String, String)],
}

impl PageRequest<'_> {
    /// The first value of `key` in the query, as typed.
    pub fn param(&self, key: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    }

    /// The first value of `key`, or "" (a form field's value).
    pub fn raw(&self, key: &str) -> String {
        self.param(key).unwrap_or_default()
    }

    /// The values of `keys` that are not empty, in `keys`' order: what the page's links keep.
    pub fn kept(&self, keys: &[&'static str]) -> Vec<(&'static str, String)> {
        keys.iter()
            .filter_map(|k| self.param(k).filter(|v| !v.is_empty()).map(|v| (*k, v)))
            .collect()
    }
}

/// A page's own part: its title and what goes in the frame's `<main>`.
pub struct PageHtml {
    pub status: http::StatusCode,
    pub title: &'static str,
    pub content: Markup,
}

/// The whole document of `page` for `req`, its head linking the islands bundle with the
/// response's CSP `nonce`.
pub fn document(bundle: &Bundle, nonce: &str, req: &PageRequest, page: PageHtml) -> String {
    let t = req.t;
    html! {
        // Room for the whole page at once: the content is most of it.
        (Reserve(page.content.0.len() + DOCUMENT_OVERHEAD))
        (DOCTYPE)
        html lang=(t.locale.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                link rel="icon" href="/favicon.svg" type="image/svg+xml";
                link rel="icon" href="/favicon.ico" sizes="32x32";
                link rel="apple-touch-icon" href="/icon-192.png";
                (bundle.islands_head_html(nonce))
                title { (document_title(t, page.title)) }
            }
            body {
                // The console's frame as ConsoleLayout draws it.
                div class="console" {
                    (console_chrome_html(t, req.path, req.viewer))
                    main class="content" { (page.content) }
                }
                footer class="footer" { (t.times_in_cst) }
                script nonce=(nonce) { (PreEscaped(NO_HYDRATION_DATA)) }
            }
        }
    }
    .into_string()
}

/// An island as Leptos writes it in a page (its element, props and view), by itself: `view`
/// runs under a fresh root with the page's locale and whatever `view` provides for it. The
/// islands of template pages take their data as props: a resource read inside one would have
/// no hydration data to start from.
pub fn island_html<V: IntoView + 'static>(locale: Locale, view: impl FnOnce() -> V) -> String {
    let owner = Owner::new_root(None);
    owner.with(|| {
        provide_context(locale);
        view().to_html()
    })
}
