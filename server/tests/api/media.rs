//! `GET /media/icon?url=…`: the widget preview's icons through the console. A tiny image
//! host runs in the test: a PNG, an SVG, an HTML page and a 2 MiB "image".

use crate::helpers::*;
use axum::http::header;
use axum::routing::get;
use axum::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nnot really decoded";

async fn image_host() -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let router = Router::new()
        .route(
            "/icon.png",
            get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { ([(header::CONTENT_TYPE, "image/png")], PNG) }
            }),
        )
        .route(
            "/icon.svg",
            get(|| async { ([(header::CONTENT_TYPE, "image/svg+xml")], "<svg/>") }),
        )
        .route(
            "/page.html",
            get(|| async { ([(header::CONTENT_TYPE, "text/html")], "<p>hi</p>") }),
        )
        .route(
            "/big.png",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "image/png")],
                    vec![0u8; 2 * 1024 * 1024],
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), hits)
}

fn icon_url(app: &TestApp, url: &str) -> String {
    app.url(&app::components::url::proxied_image(url))
}

#[tokio::test]
async fn icons_are_fetched_checked_and_cached() {
    // The image host is on loopback: allowed here only by WXA_MEDIA_ALLOW_PRIVATE.
    let app = spawn_app_with(&[("WXA_MEDIA_ALLOW_PRIVATE", "true")]).await;
    let (host, hits) = image_host().await;
    let png = format!("{host}/icon.png");

    // Only for signed-in users.
    let anonymous = client().get(icon_url(&app, &png)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);

    let merchant = app.signed_in(MERCHANT).await;
    let res = merchant.get(icon_url(&app, &png)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    assert_eq!(res.bytes().await.unwrap().as_ref(), PNG);
    // The second time from memory.
    let again = merchant.get(icon_url(&app, &png)).send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    for (url, status) in [
        (format!("{host}/page.html"), 415),
        (format!("{host}/icon.svg"), 415),
        (format!("{host}/big.png"), 413),
        (format!("{host}/missing.png"), 502),
        ("ftp://example.com/a.png".to_owned(), 400),
        ("file:///etc/passwd".to_owned(), 400),
        ("/icon-192.png".to_owned(), 400),
    ] {
        let res = merchant.get(icon_url(&app, &url)).send().await.unwrap();
        assert_eq!(res.status(), status, "{url}");
        assert_ne!(
            res.headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap_or_default()),
            Some("image/svg+xml")
        );
    }
    let no_url = merchant.get(app.url("/media/icon")).send().await.unwrap();
    assert_eq!(no_url.status(), 400);
}
