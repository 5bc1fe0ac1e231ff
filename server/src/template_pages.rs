//! The pages the server writes whole with templates (`app::app::TEMPLATE_PAGES`, issue 16):
//! the page guard has checked the user, the bell's layer counted their unread notifications,
//! the page's template writes the rest.

use app::components::bundle::Bundle;
use app::components::template_page::{document, PageRequest};
use app::i18n::Locale;
use app::services::{auth, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use leptos::nonce::Nonce;

#[derive(Clone)]
struct Templates {
    state: AppState,
    bundle: Bundle,
}

/// A route for each template page.
pub fn routes<S: Clone + Send + Sync + 'static>(state: AppState, bundle: Bundle) -> Router<S> {
    app::app::TEMPLATE_PAGES
        .iter()
        .fold(Router::new(), |router, path| router.route(path, get(page)))
        .with_state(Templates { state, bundle })
}

async fn page(State(templates): State<Templates>, req: Request) -> Response {
    // The page guard lets no one through unchecked; were it ever bypassed, sign in first.
    let Some(viewer) = auth::page_viewer(req.extensions()) else {
        return Redirect::to("/login").into_response();
    };
    let locale = Locale::of_request(req.headers());
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let page_request = PageRequest {
        state: &templates.state,
        viewer: &viewer,
        t: locale.texts(),
        path: req.uri().path(),
        params: &params,
    };
    let Some(page) = app::pages::template_page(&page_request).await else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let nonce = Nonce::new();
    let status = page.status;
    let html = document(&templates.bundle, &nonce, &page_request, page);
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(policy) = HeaderValue::from_str(&app::components::csp::policy(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    response
}
