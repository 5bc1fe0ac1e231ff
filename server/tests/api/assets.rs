//! Static files (issue 16): the bundle's hashed names are cached for a year and served
//! precompressed by negotiation, a name from an older build is a 404, and pages and server
//! functions are compressed for clients that accept it.

use crate::helpers::*;
use std::io::Read;
use std::path::Path;

const WASM_HASH: &str = "Qm9uZEhhc2gxMjM0NTY3OA";
const JS_HASH: &str = "SnNIYXNoMTIzNDU2Nzg5MA";
const CSS_HASH: &str = "Q3NzSGFzaDEyMzQ1Njc4OQ";
const ISLANDS_WASM_HASH: &str = "SXNsYW5kc1dhc20xMjM0NQ";
const ISLANDS_JS_HASH: &str = "SXNsYW5kc0pzMTIzNDU2Nw";

/// A site as `cargo leptos build --release --precompress` leaves it, with hash-files on.
fn hashed_site(root: &Path) -> Vec<u8> {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg dir");
    std::fs::write(
        root.join("hash.txt"),
        format!("js: {JS_HASH}\nwasm: {WASM_HASH}\ncss: {CSS_HASH}\n"),
    )
    .expect("hash file");
    // The islands bundle's own site folder (Cargo.toml's second Leptos project).
    let islands_pkg = root.join("islands").join("pkg");
    std::fs::create_dir_all(&islands_pkg).expect("islands pkg dir");
    std::fs::write(
        root.join("islands").join("hash.txt"),
        format!("js: {ISLANDS_JS_HASH}\nwasm: {ISLANDS_WASM_HASH}\n"),
    )
    .expect("islands hash file");
    std::fs::write(
        islands_pkg.join(format!("wxa-islands.{ISLANDS_WASM_HASH}.wasm")),
        b"\0asm islands",
    )
    .expect("islands wasm");
    // Compressible and big enough to matter, like the real bundle.
    let wasm: Vec<u8> = (0..64 * 1024)
        .map(|i| b"\0asm wxa-console "[i % 17])
        .collect();
    let wasm_path = pkg.join(format!("wxa-console.{WASM_HASH}.wasm"));
    std::fs::write(&wasm_path, &wasm).expect("wasm");
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
        std::io::Write::write_all(&mut writer, &wasm).expect("brotli");
    }
    std::fs::write(wasm_path.with_extension("wasm.br"), &br).expect("br");
    std::fs::write(pkg.join(format!("wxa-console.{JS_HASH}.js")), "export {}").expect("js");
    std::fs::write(pkg.join(format!("wxa-console.{CSS_HASH}.css")), "body{}").expect("css");
    std::fs::write(root.join("favicon.svg"), "<svg/>").expect("favicon");
    wasm
}

#[tokio::test]
async fn hashed_bundle_is_immutable_and_served_precompressed() {
    let site = tempfile::tempdir().expect("site");
    let wasm = hashed_site(site.path());
    let app = spawn_app_on_site(site.path()).await;
    let c = client();

    // The page names the hashed files.
    let html = c
        .get(app.url("/login"))
        .send()
        .await
        .expect("login page")
        .text()
        .await
        .expect("html");
    assert!(html.contains(&format!("/pkg/wxa-console.{CSS_HASH}.css")));
    // The login page loads the islands bundle and only prefetches the console's.
    assert!(
        html.contains(&format!(
            r#"<link rel="modulepreload" href="/islands/pkg/wxa-islands.{ISLANDS_JS_HASH}.js""#
        )),
        "{html}"
    );
    assert!(html.contains(&format!(r#""wxa-islands.{ISLANDS_WASM_HASH}""#)));
    assert!(html.contains("<leptos-island data-component=\"LoginCard_"));
    for prefetched in [
        format!(r#"<link rel="prefetch" href="/pkg/wxa-console.{JS_HASH}.js""#),
        format!(r#"<link rel="prefetch" href="/pkg/wxa-console.{WASM_HASH}.wasm""#),
    ] {
        assert!(html.contains(&prefetched), "{prefetched} in {html}");
    }
    // Every other page loads the console's bundle and nothing of the islands'.
    let other = c
        .get(app.url("/no-such-page"))
        .send()
        .await
        .expect("404 page")
        .text()
        .await
        .expect("html");
    assert!(
        other.contains(&format!(
            r#"<link rel="modulepreload" href="/pkg/wxa-console.{JS_HASH}.js""#
        )),
        "{other}"
    );
    assert!(other.contains(&format!(r#""wxa-console.{WASM_HASH}""#)));
    assert!(!other.contains("wxa-islands"), "{other}");
    // The islands bundle is cached like the console's.
    let islands = c
        .get(app.url(&format!(
            "/islands/pkg/wxa-islands.{ISLANDS_WASM_HASH}.wasm"
        )))
        .send()
        .await
        .expect("islands wasm");
    assert_eq!(islands.status(), 200);
    assert_eq!(
        islands.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    let url = app.url(&format!("/pkg/wxa-console.{WASM_HASH}.wasm"));
    let res = c
        .get(&url)
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .expect("wasm");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(res.headers()["content-encoding"], "br");
    assert_eq!(res.headers()["content-type"], "application/wasm");
    let body = res.bytes().await.expect("body");
    assert!(
        body.len() < wasm.len() / 4,
        "the precompressed file was sent"
    );
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&body[..], 4096)
        .read_to_end(&mut decoded)
        .expect("a brotli body");
    assert_eq!(decoded, wasm);

    // A client that takes no encoding gets the file itself.
    let plain = c.get(&url).send().await.expect("wasm");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.expect("body").as_ref(), wasm.as_slice());

    // An older build's name is gone: 404, never cached for a year.
    for old in [
        "/pkg/wxa-console.T2xkSGFzaDEyMzQ1Njc4OQ.wasm",
        "/pkg/wxa-console.wasm",
        "/islands/pkg/wxa-islands.T2xkSGFzaDEyMzQ1Njc4OQ.wasm",
    ] {
        let res = c
            .get(app.url(old))
            .header("accept-encoding", "br")
            .send()
            .await
            .expect("old");
        assert_eq!(res.status(), 404, "{old}");
        let cache = res
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap_or(""));
        assert_ne!(cache, Some("public, max-age=31536000, immutable"), "{old}");
    }

    // Unhashed files are revalidated daily.
    let icon = c.get(app.url("/favicon.svg")).send().await.expect("icon");
    assert_eq!(icon.status(), 200);
    assert_eq!(icon.headers()["cache-control"], "public, max-age=86400");
}

#[tokio::test]
async fn pages_and_server_functions_are_compressed_when_accepted() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/login"))
        .header("accept-encoding", "br")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-encoding"], "br");
    assert_eq!(page.headers()["cache-control"], "no-store");
    let mut html = String::new();
    brotli::Decompressor::new(&page.bytes().await.expect("body")[..], 4096)
        .read_to_string(&mut html)
        .expect("brotli html");
    assert!(html.contains("<html"), "{html}");

    let signed_in = app.signed_in(OPERATOR).await;
    let res = signed_in
        .post(app.url("/api/auth/me"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("server function");
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");

    // Without Accept-Encoding nothing changes.
    let plain = c.get(app.url("/login")).send().await.expect("page");
    assert!(plain.headers().get("content-encoding").is_none());
}

/// An islands page hydrates only its islands, which take their data as props: the page's
/// resources are not written into it again as JSON. A console page still carries them for its
/// whole-page hydration.
#[tokio::test]
async fn islands_pages_carry_no_hydration_data() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let page = |path: &'static str| {
        let (app, operator) = (&app, &operator);
        async move {
            let res = operator.get(app.url(path)).send().await.expect(path);
            assert_eq!(res.status(), 200, "{path}");
            body(res).await
        }
    };
    let audit = page("/audit").await;
    // The sign-in above is in the log, with its actor.
    assert!(audit.contains(r#"data-testid="audit-row""#), "{audit}");
    assert!(
        audit.contains(r#"<td data-testid="audit-row-actor">operator<"#),
        "{audit}"
    );
    assert!(audit.contains("__PENDING_RESOURCES=[];"), "{audit}");
    assert!(!audit.contains("__RESOLVED_RESOURCES["), "{audit}");
    // The bell, an island, still shows the server's count.
    assert!(
        audit.contains("<leptos-island data-component=\"NotificationBell_"),
        "{audit}"
    );

    // The registry's table is an island: its rows come as the island's props, and nothing else
    // of the page is hydrated.
    let registry = page("/apps").await;
    assert!(registry.contains("__PENDING_RESOURCES=[];"), "{registry}");
    assert!(!registry.contains("__RESOLVED_RESOURCES["), "{registry}");
    assert!(
        registry.contains("<leptos-island data-component=\"Registry_"),
        "{registry}"
    );
    assert!(
        registry.contains(r#"data-testid="registry-row""#),
        "{registry}"
    );

    // A page of the console's bundle hydrates whole, from its resources' data.
    let sets = page("/message-sets").await;
    assert!(sets.contains("__RESOLVED_RESOURCES["), "{sets}");
}
