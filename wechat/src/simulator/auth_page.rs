//! The page a mini program's owner sees after opening the authorization link.
//! In WeChat they scan a QR code with the administrator's phone and confirm;
//! here a form plays that step: pick the account (new or one of the known
//! ones), confirm, and the browser goes back to the console's redirect_uri with
//! `auth_code` and `expires_in`, while the `authorized` event is pushed.

use axum::extract::{Form, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::component::confirm_authorization;
use super::state::{second_level, AuthorizerProfile, AUTH_CODE_TTL_SECS};
use super::Sim;

pub fn routes() -> Router<Sim> {
    Router::new().route("/cgi-bin/componentloginpage", get(show).post(confirm))
}

#[derive(Debug, Deserialize)]
struct LinkQuery {
    component_appid: Option<String>,
    pre_auth_code: Option<String>,
    redirect_uri: Option<String>,
    auth_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ConfirmForm {
    component_appid: String,
    pre_auth_code: String,
    redirect_uri: String,
    /// Empty for a new account.
    #[serde(default)]
    appid: String,
    nick_name: String,
    principal_name: String,
    #[serde(default)]
    category: String,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:34rem;margin:2rem auto;color:#222}}\
         label{{display:block;margin:.6rem 0 .2rem}}input,select{{width:100%;padding:.4rem}}\
         button{{margin-top:1rem;padding:.5rem 1.2rem;background:#07c160;color:#fff;border:0;border-radius:4px}}\
         .note{{color:#666;font-size:.9rem}}.error{{color:#c00}}</style></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    ))
}

fn error_page(message: &str) -> Response {
    (
        axum::http::StatusCode::BAD_REQUEST,
        page(
            "授权失败 / Authorization failed",
            &format!(
                "<p class=\"error\" data-testid=\"sim-auth-error\">{}</p>",
                escape(message)
            ),
        ),
    )
        .into_response()
}

async fn show(State(sim): State<Sim>, Query(q): Query<LinkQuery>) -> Response {
    let (Some(component_appid), Some(pre_auth_code), Some(redirect_uri)) =
        (q.component_appid, q.pre_auth_code, q.redirect_uri)
    else {
        return error_page("链接缺少 component_appid、pre_auth_code 或 redirect_uri");
    };
    if component_appid != sim.config().component_appid {
        return error_page("component_appid 不是本平台 / unknown component_appid");
    }
    if q.auth_type.as_deref().is_some_and(|t| t != "2" && t != "3") {
        return error_page("auth_type 不允许授权小程序 / auth_type excludes mini programs");
    }
    let now = sim.now();
    let known = {
        let state = sim.lock();
        match state.pre_auth_codes.get(&pre_auth_code) {
            Some((expiry, false)) if *expiry > now => {}
            Some((_, true)) => return error_page("该授权链接已使用 / this link was already used"),
            _ => return error_page("授权链接已过期或无效 / the link has expired or is invalid"),
        }
        state
            .authorizers
            .values()
            .map(|a| {
                format!(
                    "<option value=\"{}\">{} ({}){}</option>",
                    escape(&a.appid),
                    escape(&a.nick_name),
                    escape(&a.appid),
                    if a.authorized { " · 已授权" } else { "" }
                )
            })
            .collect::<String>()
    };
    let serial = sim.lock().serial;
    // The second-level categories the simulated owner can pick for a new account.
    let categories: String = super::provisional::second_levels()
        .iter()
        .map(|(fid, f, sid, s)| format!("<option value=\"{fid}:{sid}\">{f} &gt; {s}</option>"))
        .collect();
    let body = format!(
        "<p class=\"note\">模拟微信「扫码确认授权」：选择要授权给第三方平台 <b>{component}</b> 的小程序，然后确认。<br>\
         Simulated “scan and confirm”: choose the mini program to authorize, then confirm.</p>\
         <form method=\"post\" action=\"/cgi-bin/componentloginpage\">\
         <input type=\"hidden\" name=\"component_appid\" value=\"{component}\">\
         <input type=\"hidden\" name=\"pre_auth_code\" value=\"{code}\">\
         <input type=\"hidden\" name=\"redirect_uri\" value=\"{redirect}\">\
         <label for=\"appid\">小程序 / Mini program</label>\
         <select id=\"appid\" name=\"appid\" data-testid=\"sim-auth-appid\"><option value=\"\">新建一个模拟小程序 / a new simulated account</option>{known}</select>\
         <label for=\"nick_name\">名称 / Name</label>\
         <input id=\"nick_name\" name=\"nick_name\" data-testid=\"sim-auth-nick-name\" value=\"模拟小程序{serial}\" maxlength=\"30\">\
         <label for=\"principal_name\">主体 / Owner entity</label>\
         <input id=\"principal_name\" name=\"principal_name\" data-testid=\"sim-auth-principal\" value=\"模拟科技有限公司\" maxlength=\"60\">\
         <label for=\"category\">类目 / Category</label>\
         <select id=\"category\" name=\"category\">{categories}</select>\
         <button type=\"submit\" data-testid=\"sim-auth-confirm\">确认授权 / Confirm</button></form>",
        component = escape(&component_appid),
        code = escape(&pre_auth_code),
        redirect = escape(&redirect_uri),
    );
    page("授权小程序 / Authorize a mini program", &body).into_response()
}

async fn confirm(State(sim): State<Sim>, Form(form): Form<ConfirmForm>) -> Response {
    if form.component_appid != sim.config().component_appid {
        return error_page("component_appid 不是本平台 / unknown component_appid");
    }
    let nick_name = form.nick_name.trim();
    let principal_name = form.principal_name.trim();
    if nick_name.is_empty() || principal_name.is_empty() {
        return error_page("名称和主体不能为空 / name and owner entity are required");
    }
    let categories = super::provisional::second_levels()
        .iter()
        .filter(|(fid, _, sid, _)| form.category == format!("{fid}:{sid}"))
        .map(|(fid, f, sid, s)| second_level(*fid, f, *sid, s))
        .collect();
    let profile = AuthorizerProfile {
        appid: Some(form.appid.trim().to_owned()).filter(|a| !a.is_empty()),
        nick_name: nick_name.to_owned(),
        principal_name: principal_name.to_owned(),
        verify_type: 0,
        categories,
    };
    match confirm_authorization(&sim, &form.pre_auth_code, &profile) {
        Ok((_, code)) => {
            let Ok(mut url) = url::Url::parse(&form.redirect_uri) else {
                return error_page("redirect_uri 无效 / invalid redirect_uri");
            };
            url.query_pairs_mut()
                .append_pair("auth_code", &code)
                .append_pair("expires_in", &AUTH_CODE_TTL_SECS.to_string());
            Redirect::to(url.as_str()).into_response()
        }
        Err(e) => error_page(&format!("{} ({})", e.errmsg, e.errcode)),
    }
}
