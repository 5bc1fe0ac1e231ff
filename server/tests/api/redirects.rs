//! The post-login destination (`next`) never leaves the console's origin (issue 10, item 3).
//!
//! Each entry of the usual open-redirect bypass list is given, as the server sees it after
//! decoding the query string, to both places that act on `next`: the login page's redirect
//! for a signed-in user (`GET /login?next=…`, a `Location` header) and the sign-in server
//! function (its answer goes to the browser's `location.assign`). The result is resolved
//! the way a browser resolves it — the WHATWG URL parser of the `url` crate, which drops
//! tabs and newlines and reads `\` as `/` — against the console's own URL, and must stay on
//! the console's scheme, host and port.

use crate::helpers::*;
use url::Url;

/// Raw (already decoded) `next` values a browser could be sent elsewhere with.
const BYPASSES: &[&str] = &[
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "//evil.example/apps",
    "/\t/evil.example",
    "/\t\t//evil.example",
    "\t//evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "/\t\\evil.example",
    " //evil.example",
    "  /\t/evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/\\\\evil.example",
    "/apps\\..\\\\evil.example",
    "/.//evil.example",
    "/./\t/evil.example",
    "http://evil.example",
    "https://evil.example",
    "https:evil.example",
    "http:\\\\evil.example",
    "HTTP://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.domain)",
    "\tjavascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "@evil.example",
    "/\u{0}/evil.example",
    "/\u{b}/evil.example",
    "/\u{c}/evil.example",
    "/\u{1f}/evil.example",
    "/\u{7f}/evil.example",
    "/\u{85}/evil.example",
    "/\u{a0}/evil.example",
    "/\u{2028}/evil.example",
    "/\u{2029}/evil.example",
    "/\u{3000}/evil.example",
    "/\u{ff0f}evil.example",
    "\u{feff}//evil.example",
    // Encoded once more than the server decodes: must stay inert paths.
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    "/%5Cevil.example",
    "/%0A/evil.example",
];

/// Destinations that must be kept as they are.
const KEPT: &[&str] = &[
    "/apps",
    "/apps?page=2&sort=Name",
    "/audit?q=%E4%B8%AD",
    "/platform/callbacks/7",
];

/// Percent-encodes every byte except unreserved characters (a query parameter value).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where a browser on `base` goes when told `target` (a Location header or the argument of
/// `location.assign`): None when it is not a URL at all (the browser stays put).
fn resolve(base: &Url, target: &str) -> Option<Url> {
    base.join(target).ok()
}

fn same_origin(base: &Url, target: &str) -> Result<(), String> {
    match resolve(base, target) {
        None => Ok(()),
        Some(to)
            if to.scheme() == base.scheme()
                && to.host_str() == base.host_str()
                && to.port_or_known_default() == base.port_or_known_default() =>
        {
            Ok(())
        }
        Some(to) => Err(format!("{target:?} leads to {to}")),
    }
}

#[test]
fn the_browser_model_sees_the_classic_bypasses() {
    // The check itself is sound: the dangerous forms really leave the origin, the kept ones
    // really stay.
    let base = Url::parse("http://127.0.0.1:3000/login").expect("base");
    for bad in [
        "//evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "/\n/evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ] {
        assert!(same_origin(&base, bad).is_err(), "{bad:?}");
    }
    for good in KEPT {
        assert!(same_origin(&base, good).is_ok(), "{good:?}");
    }
}

#[tokio::test]
async fn the_login_page_redirects_signed_in_users_only_within_the_console() {
    let app = spawn_app().await;
    let base = Url::parse(&app.url("/login")).expect("base");
    let c = app.signed_in(MERCHANT).await;
    let mut failures = Vec::new();
    for next in BYPASSES.iter().chain(KEPT) {
        let url = app.url(&format!("/login?next={}", encode(next)));
        let res = match c.get(url).send().await {
            Ok(res) => res,
            Err(e) => {
                failures.push(format!("{next:?}: no answer (the handler panicked?): {e}"));
                continue;
            }
        };
        if !res.status().is_redirection() {
            failures.push(format!("{next:?}: {} instead of a redirect", res.status()));
            continue;
        }
        let location = res
            .headers()
            .get("location")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        if let Err(e) = same_origin(&base, &location) {
            failures.push(format!("GET /login?next={}: {e}", encode(next)));
        }
        if KEPT.contains(next) && location != *next {
            failures.push(format!("{next:?} was not kept: {location:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn sign_in_answers_only_destinations_within_the_console() {
    let app = spawn_app().await;
    let base = Url::parse(&app.url("/login")).expect("base");
    let mut failures = Vec::new();
    for next in BYPASSES.iter().chain(KEPT) {
        let c = client();
        let res = c
            .post(app.url("/api/auth/login"))
            .form(&[
                ("username", MERCHANT.0),
                ("password", MERCHANT.1),
                ("next", *next),
            ])
            .send()
            .await
            .expect("login");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if status != 200 {
            failures.push(format!("{next:?}: sign-in answered {status}: {text}"));
            continue;
        }
        let target: String = serde_json::from_str(&text).expect("a JSON string");
        if let Err(e) = same_origin(&base, &target) {
            failures.push(format!("sign-in with next={next:?}: {e}"));
        }
        if KEPT.contains(next) && target != *next {
            failures.push(format!("{next:?} was not kept: {target:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_login_with_their_own_page_as_next() {
    let app = spawn_app().await;
    let res = client()
        .get(app.url("/apps?page=2&q=%E5%92%96%E5%95%A1"))
        .send()
        .await
        .expect("page");
    assert!(res.status().is_redirection());
    let location = res.headers()["location"]
        .to_str()
        .expect("ASCII")
        .to_owned();
    let base = Url::parse(&app.url("/")).expect("base");
    let to = base.join(&location).expect("a URL");
    assert_eq!(to.path(), "/login");
    let next: Vec<(String, String)> = to
        .query_pairs()
        .filter(|(k, _)| k == "next")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        next,
        vec![(
            "next".to_owned(),
            "/apps?page=2&q=%E5%92%96%E5%95%A1".to_owned()
        )]
    );
}
