//! The platform's code template library (component token, provisional shapes): drafts,
//! templates, and the control endpoint a developer's IDE upload stands for.

use super::call::{int_field, query_param};
use super::state::{CodeLibrary, CodePackage, Draft, Template};
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// WeChat's open-platform docs (第三方平台 › 代码模板库, "小程序模板库的存储数量上限为 200 个").
pub const TEMPLATE_LIBRARY_MAX: usize = 200;

pub(super) fn with_library<T>(
    sim: &Sim,
    raw: &Option<String>,
    f: impl FnOnce(&mut CodeLibrary, i64) -> Result<T, SimError>,
) -> Result<T, SimError> {
    let now = sim.now();
    let mut state = sim.lock();
    // WeChat's docs and WxJava send `access_token`, EasyWeChat `component_access_token`.
    let token =
        query_param(raw, "access_token").or_else(|| query_param(raw, "component_access_token"));
    state.check_component_token(token.as_deref(), now)?;
    state.code_templates.ensure_seeded(now);
    f(&mut state.code_templates, now)
}

pub(super) fn package_fields(p: &CodePackage) -> Value {
    json!({
        "user_version": p.user_version,
        "user_desc": p.user_desc,
        "source_miniprogram_appid": p.source_miniprogram_appid,
        "source_miniprogram": p.source_miniprogram,
        "developer": p.developer,
        // Categories belong to standard templates only; WeChat sends an empty list otherwise.
        "category_list": [],
    })
}

pub(super) async fn get_template_draft_list(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    let drafts = with_library(&sim, &raw, |lib, _| {
        Ok(lib
            .drafts
            .iter()
            .map(|d| {
                let mut v = package_fields(&d.package);
                v["create_time"] = json!(d.package.create_time);
                v["draft_id"] = json!(d.draft_id);
                v
            })
            .collect::<Vec<_>>())
    })?;
    ok(json!({ "draft_list": drafts }))
}

pub(super) async fn get_template_list(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    let wanted = query_param(&raw, "template_type").and_then(|t| t.trim().parse::<i64>().ok());
    let templates = with_library(&sim, &raw, |lib, _| {
        Ok(lib
            .templates
            .iter()
            .filter(|t| wanted.is_none_or(|w| w == t.template_type))
            .map(|t| {
                let mut v = package_fields(&t.package);
                v["create_time"] = json!(t.create_time);
                v["template_id"] = json!(t.template_id);
                v["draft_id"] = json!(t.draft_id);
                v["template_type"] = json!(t.template_type);
                if t.template_type == 1 {
                    // Standard templates carry their own audit (docs: audit_status 0–5).
                    v["audit_scene"] = json!(0);
                    v["audit_status"] = json!(0);
                    v["reason"] = json!("");
                }
                v
            })
            .collect::<Vec<_>>())
    })?;
    ok(json!({ "template_list": templates }))
}

pub(super) async fn add_to_template(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let draft_id = int_field(&body, "draft_id");
    let template_type = int_field(&body, "template_type").unwrap_or(0);
    with_library(&sim, &raw, |lib, now| {
        let draft = draft_id
            .and_then(|id| lib.drafts.iter().find(|d| d.draft_id == id))
            .cloned()
            .ok_or_else(|| SimError::new(85064, "template not found"))?;
        if !matches!(template_type, 0 | 1) {
            return Err(SimError::bad_body("template_type must be 0 or 1"));
        }
        if lib.templates.len() >= TEMPLATE_LIBRARY_MAX {
            return Err(SimError::new(85065, "template list is full"));
        }
        let template_id = lib
            .templates
            .iter()
            .map(|t| t.template_id)
            .max()
            .unwrap_or(0)
            + 1;
        lib.templates.push(Template {
            template_id,
            draft_id: draft.draft_id,
            template_type,
            create_time: now,
            package: draft.package,
        });
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn delete_template(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let template_id = int_field(&body, "template_id");
    with_library(&sim, &raw, |lib, _| {
        let index = template_id
            .and_then(|id| lib.templates.iter().position(|t| t.template_id == id))
            .ok_or_else(|| SimError::new(85064, "template not found"))?;
        lib.templates.remove(index);
        Ok(())
    })?;
    ok(json!({}))
}

#[derive(Deserialize)]
pub(super) struct DraftUpload {
    user_version: String,
    user_desc: String,
    pages: Vec<String>,
    #[serde(default)]
    developer: Option<String>,
    #[serde(default)]
    source_miniprogram_appid: Option<String>,
    #[serde(default)]
    source_miniprogram: Option<String>,
    #[serde(default)]
    size_kb: Option<u32>,
    #[serde(default)]
    uses_navigate: bool,
}

/// `POST /__sim/code/draft`: a developer uploads code from the IDE into the draft box.
pub(super) async fn add_draft(
    State(sim): State<Sim>,
    Json(body): Json<DraftUpload>,
) -> Result<Json<Value>, (axum::http::StatusCode, Json<Value>)> {
    let refuse = |msg: &str| {
        (
            axum::http::StatusCode::BAD_REQUEST,
            Json(json!({"errcode": 47001, "errmsg": msg})),
        )
    };
    if body.pages.is_empty() || body.pages.iter().any(|p| p.trim().is_empty()) {
        return Err(refuse("pages must name at least one page"));
    }
    if body.user_version.trim().is_empty() {
        return Err(refuse("user_version is required"));
    }
    let now = sim.now();
    let draft_id = {
        let mut state = sim.lock();
        let lib = &mut state.code_templates;
        lib.ensure_seeded(now);
        let draft_id = lib.drafts.iter().map(|d| d.draft_id).max().unwrap_or(0) + 1;
        lib.drafts.push(Draft {
            draft_id,
            package: CodePackage {
                create_time: now,
                user_version: body.user_version,
                user_desc: body.user_desc,
                source_miniprogram_appid: body
                    .source_miniprogram_appid
                    .unwrap_or_else(|| "wx5ac1a7a7c0de7e51".into()),
                source_miniprogram: body
                    .source_miniprogram
                    .unwrap_or_else(|| "模板开发小程序".into()),
                developer: body.developer.unwrap_or_else(|| "模拟开发者".into()),
                pages: body.pages,
                size_kb: body.size_kb.unwrap_or(900),
                uses_navigate: body.uses_navigate,
            },
        });
        draft_id
    };
    sim.save();
    Ok(Json(json!({"draft_id": draft_id})))
}
