//! commit (ext_json checked against the template's pages), get_page and get_qrcode.

use super::call::{
    authorizer_appid, int_field, no_commit, query_param, str_field, with_authorizer,
};
use super::state::CommittedCode;
use crate::api::code::USER_VERSION_MAX_CHARS;
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Provisional limit (not in the seed; see [`crate::simulator::provisional`]).
pub const CODE_PACKAGE_MAX_KB: u32 = 2048;

/// What a committed ext_json says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtJson {
    pub pages: Vec<String>,
    pub declares_navigate: bool,
}

/// Validates ext_json against the template's pages, as commit does:
/// 85048 unparsable, 85013 bad custom config, 85047 empty pages,
/// 85045 unknown path, 85046 tabBar item without a path.
pub fn check_ext_json(ext_json: &str, template_pages: &[String]) -> Result<ExtJson, SimError> {
    let value: Value = if ext_json.trim().is_empty() {
        json!({})
    } else {
        serde_json::from_str(ext_json)
            .map_err(|e| SimError::new(85048, format!("ext_json parse fail: {e}")))?
    };
    let Some(doc) = value.as_object() else {
        return Err(SimError::new(85048, "ext_json is not a JSON object"));
    };
    if let Some(ext) = doc.get("ext") {
        if !ext.is_object() {
            return Err(SimError::new(85013, "invalid ext: must be an object"));
        }
    }
    if let Some(ext_appid) = doc.get("extAppid") {
        let valid = ext_appid
            .as_str()
            .is_some_and(|a| a.is_empty() || crate::is_valid_appid(a));
        if !valid {
            return Err(SimError::new(85013, "invalid extAppid"));
        }
    }
    let pages = match doc.get("pages") {
        None => template_pages.to_vec(),
        Some(Value::Array(list)) => {
            if list.is_empty() {
                return Err(SimError::new(85047, "pages is empty"));
            }
            let mut pages = Vec::new();
            for page in list {
                let Some(page) = page.as_str() else {
                    return Err(SimError::new(85013, "pages must be strings"));
                };
                if !template_pages.iter().any(|p| p == page) {
                    return Err(SimError::new(
                        85045,
                        format!("ext_json pages has a path not in the code: {page}"),
                    ));
                }
                pages.push(page.to_owned());
            }
            pages
        }
        Some(_) => return Err(SimError::new(85013, "pages must be an array")),
    };
    if let Some(ext_pages) = doc.get("extPages") {
        let Some(ext_pages) = ext_pages.as_object() else {
            return Err(SimError::new(85013, "extPages must be an object"));
        };
        if let Some(unknown) = ext_pages.keys().find(|k| !pages.contains(k)) {
            return Err(SimError::new(
                85045,
                format!("extPages has a path not in the code: {unknown}"),
            ));
        }
    }
    if let Some(tab_bar) = doc.get("tabBar") {
        if let Some(list) = tab_bar.get("list") {
            let Some(list) = list.as_array() else {
                return Err(SimError::new(85013, "tabBar.list must be an array"));
            };
            for item in list {
                let path = item
                    .get("pagePath")
                    .and_then(Value::as_str)
                    .filter(|p| !p.is_empty());
                match path {
                    None => return Err(SimError::new(85046, "tabBar item without pagePath")),
                    Some(p) if !pages.iter().any(|page| page == p) => {
                        return Err(SimError::new(
                            85045,
                            format!("tabBar pagePath not in the code: {p}"),
                        ))
                    }
                    Some(_) => {}
                }
            }
        }
    }
    let declares_navigate = doc
        .get("navigateToMiniProgramAppIdList")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty());
    Ok(ExtJson {
        pages,
        declares_navigate,
    })
}

pub(super) async fn commit(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    state.code_templates.ensure_seeded(now);
    let ext_json = match body.get("ext_json") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(SimError::new(85048, "ext_json must be a JSON string")),
    };
    let user_version = str_field(&body, "user_version")?;
    let user_desc = str_field(&body, "user_desc")?;
    let template = int_field(&body, "template_id")
        .and_then(|id| {
            state
                .code_templates
                .templates
                .iter()
                .find(|t| t.template_id == id)
        })
        .cloned()
        .ok_or_else(|| SimError::new(85014, "invalid template_id"))?;
    if template.package.pages.is_empty() {
        return Err(SimError::new(85043, "template error"));
    }
    if template.package.size_kb > CODE_PACKAGE_MAX_KB {
        return Err(SimError::new(85044, "code package exceeds the size limit"));
    }
    let version_chars = user_version.chars().count();
    if version_chars == 0 || version_chars > USER_VERSION_MAX_CHARS {
        return Err(SimError::new(85013, "invalid user_version"));
    }
    let ext = check_ext_json(&ext_json, &template.package.pages)?;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    authorizer.code.committed = Some(CommittedCode {
        template_id: template.template_id,
        user_version,
        user_desc,
        ext_json,
        pages: ext.pages,
        declares_navigate: ext.declares_navigate,
        uses_navigate: template.package.uses_navigate,
        committed_at: now,
    });
    ok(json!({}))
}

pub(super) async fn get_page(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    let pages = with_authorizer(&sim, &raw, |a, _| {
        Ok(a.code
            .committed
            .as_ref()
            .ok_or_else(no_commit)?
            .pages
            .clone())
    })?;
    ok(json!({ "page_list": pages }))
}

/// `getversioninfo` (provisional, see `simulator::provisional`): the experience version (the
/// last commit) and the online version, each absent when there is none.
pub(super) async fn get_version_info(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    let answer = with_authorizer(&sim, &raw, |a, _| {
        let mut body = json!({});
        if let Some(c) = &a.code.committed {
            body["exp_info"] = json!({
                "exp_time": c.committed_at,
                "exp_version": c.user_version,
                "exp_desc": c.user_desc,
            });
        }
        if let Some(live) = &a.code.live {
            let desc = a
                .code
                .audits
                .iter()
                .find(|x| x.auditid == live.auditid)
                .map(|x| x.code.user_desc.clone())
                .unwrap_or_default();
            body["release_info"] = json!({
                "release_time": live.released_at,
                "release_version": live.user_version,
                "release_desc": desc,
            });
        }
        Ok(body)
    })?;
    ok(answer)
}

pub(super) async fn get_qrcode(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> Response {
    let path = query_param(&raw, "path").unwrap_or_default();
    let answer = with_authorizer(&sim, &raw, |a, now| {
        let code = a.code.committed.as_ref().ok_or_else(no_commit)?;
        let page = path.split('?').next().unwrap_or("");
        if !page.is_empty() && !code.pages.iter().any(|p| p == page) {
            return Err(SimError::new(85007, format!("invalid page path: {page}")));
        }
        Ok(format!(
            "sim-qrcode appid={} version={} path={} at={now}",
            a.appid, code.user_version, path
        ))
    });
    match answer {
        Ok(payload) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, "image/jpeg"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"QRCode.jpg\"",
                ),
                (header::CACHE_CONTROL, "no-cache, must-revalidate"),
            ],
            qrcode_jpeg(&payload),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// A small valid baseline JPEG (8×8 grey) whose comment segment carries the
/// QR payload, so each answer is distinguishable.
pub fn qrcode_jpeg(payload: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    // APP0 JFIF.
    out.extend_from_slice(&[
        0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x00,
    ]);
    // COM with the payload (truncated to fit a segment).
    let text: Vec<u8> = payload.bytes().take(60_000).collect();
    let len = (text.len() + 2) as u16;
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&text);
    // DQT: one table of ones.
    out.extend_from_slice(&[0xFF, 0xDB, 0x00, 0x43, 0x00]);
    out.extend_from_slice(&[1u8; 64]);
    // SOF0: 8-bit, 8×8, one component.
    out.extend_from_slice(&[
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00,
    ]);
    // DHT: DC and AC tables, each a single one-bit code for symbol 0.
    for class in [0x00u8, 0x10] {
        out.extend_from_slice(&[0xFF, 0xC4, 0x00, 0x14, class, 0x01]);
        out.extend_from_slice(&[0u8; 15]);
        out.push(0x00);
    }
    // SOS, then one block: DC diff 0, EOB, padded with ones.
    out.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00, 0x3F,
    ]);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn ext_json_rules() {
        let template = pages(&["index", "search/index", "user"]);
        let code = |s: &str| check_ext_json(s, &template).err().map(|e| e.errcode);
        assert_eq!(code("{not json"), Some(85048));
        assert_eq!(code("[1]"), Some(85048));
        assert_eq!(code(r#"{"pages": []}"#), Some(85047));
        assert_eq!(code(r#"{"pages": ["index", "nope"]}"#), Some(85045));
        assert_eq!(
            code(r#"{"pages": ["index"], "extPages": {"user": {}}}"#),
            Some(85045)
        );
        assert_eq!(
            code(r#"{"tabBar": {"list": [{"text": "a"}]}}"#),
            Some(85046)
        );
        assert_eq!(code(r#"{"ext": "x"}"#), Some(85013));
        assert_eq!(code(r#"{"extAppid": "abc"}"#), Some(85013));
        let ok = check_ext_json(
            r#"{"extAppid": "", "ext": {"attr1": "value1"}, "extPages": {"index": {}}, "pages": ["index", "search/index"],
                "tabBar": {"list": [{"pagePath": "index"}]}, "navigateToMiniProgramAppIdList": ["wx0123456789abcdef"]}"#,
            &template,
        )
        .unwrap();
        assert_eq!(ok.pages, pages(&["index", "search/index"]));
        assert!(ok.declares_navigate);
        assert_eq!(check_ext_json("", &template).unwrap().pages, template);
    }

    #[test]
    fn qrcode_is_a_jpeg() {
        let jpeg = qrcode_jpeg("appid=wx path=index");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        assert!(jpeg.windows(5).any(|w| w == b"appid"));
    }
}
