//! Control endpoints for plugins (under `/__sim`): open a plugin for a mini program (or one
//! owned outside the simulator), applications made outside the console, an application made
//! older, a decision by a plugin's owner outside the platform, and every application as
//! stored.

use super::{
    apply, decide, default_versions, expire, find_application_mut, is_personal_account, mint_appid,
    Application, OutsideApplicant, Plugin, PluginCategory, PluginVersion,
};
use crate::simulator::code::call::query_param;
use crate::simulator::error::{control_error, ControlResult, SimError};
use crate::simulator::state::SimState;
use crate::simulator::Sim;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use wechat_wire::plugin::open_category;

/// A trimmed, non-empty AppID that is well formed, or a fresh one when none is given.
fn appid_or_new(state: &mut SimState, given: Option<String>) -> Result<String, SimError> {
    match given.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()) {
        Some(a) if crate::is_valid_appid(&a) => Ok(a),
        Some(a) => Err(SimError::bad_body(format!(
            "{a} is not an AppID (wx + 16 hex digits)"
        ))),
        None => Ok(mint_appid(state)),
    }
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[derive(Deserialize)]
pub(crate) struct OpenBody {
    #[serde(default)]
    appid: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    category: Option<PluginCategory>,
    #[serde(default)]
    versions: Option<Vec<PluginVersion>>,
    #[serde(default)]
    direct: bool,
    #[serde(default)]
    closed: bool,
}

/// `POST /__sim/plugins {"appid"?, "nickname"?, "category"? {first, second}, "versions"?
/// [{version, quick_update}], "direct"?, "closed"?}`: the mini program opens the plugin
/// feature (开通插件功能) and has a plugin whose AppID is its own; an AppID the simulator does
/// not know (or none: one is made) is a plugin owned outside it. Refused (400): a personal
/// account (the seed: 开放范围 企业、媒体、政府及其他组织主体), a category the guide does not
/// open to plugins. The category defaults to the account's first open one. Called again, it
/// replaces the plugin (its applications stay).
pub(crate) async fn open_plugin(
    State(sim): State<Sim>,
    Json(body): Json<OpenBody>,
) -> ControlResult {
    let plugin = {
        let mut state = sim.lock();
        open(&mut state, body).map_err(control_error)?
    };
    sim.save();
    Ok(Json(json!({ "plugin": plugin })))
}

fn open(state: &mut SimState, body: OpenBody) -> Result<Plugin, SimError> {
    let appid = appid_or_new(state, body.appid)?;
    if is_personal_account(state, &appid) {
        return Err(SimError::bad_body(
            "a personal account cannot own a plugin (plugin-guide.md: 开放范围 企业、媒体、政府及其他组织主体)",
        ));
    }
    let own = state.authorizers.get(&appid);
    let category = match body.category {
        Some(c) => c,
        None => own
            .and_then(|a| {
                a.categories
                    .iter()
                    .find(|c| open_category(&c.first_class, &c.second_class).is_some())
            })
            .map(|c| PluginCategory::new(&c.first_class, &c.second_class))
            .ok_or_else(|| {
                SimError::bad_body("category is required: none of the account's is open to plugins")
            })?,
    };
    if open_category(&category.first, &category.second).is_none() {
        return Err(SimError::bad_body(format!(
            "{} - {} is not a plugin service category (plugin-guide.md)",
            category.first, category.second
        )));
    }
    let nickname = non_empty(body.nickname).unwrap_or_else(|| match own {
        Some(a) => format!("{}插件", a.nick_name),
        None => "外部插件".to_owned(),
    });
    let plugin = Plugin {
        appid: appid.clone(),
        nickname,
        headimgurl: String::new(),
        category,
        versions: body
            .versions
            .filter(|v| !v.is_empty())
            .unwrap_or_else(default_versions),
        direct: body.direct,
        closed: body.closed,
    };
    state.plugins.plugins.insert(appid, plugin.clone());
    Ok(plugin)
}

#[derive(Deserialize)]
pub(crate) struct ApplicationBody {
    plugin_appid: String,
    #[serde(default)]
    appid: Option<String>,
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    categories: Option<Vec<PluginCategory>>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    age_secs: i64,
}

/// `POST /__sim/plugins/applications {"plugin_appid", "appid"?, "nickname"?, "categories"?,
/// "reason"?, "age_secs"?}`: a mini program applies to use the plugin outside the console
/// (its owner on mp.weixin.qq.com), made `age_secs` ago. The simulator's own mini programs
/// apply as themselves; another AppID (or none: one is made) is a mini program outside the
/// simulator with the nickname and categories given. The rules of `apply` hold (400 with
/// 89239, 89236, 89237, 89238, 89246); one older than 24 hours is 申请已超时 at once.
pub(crate) async fn add_application(
    State(sim): State<Sim>,
    Json(body): Json<ApplicationBody>,
) -> ControlResult {
    let now = sim.now();
    let application = {
        let mut state = sim.lock();
        add(&mut state, body, now).map_err(control_error)?
    };
    sim.save();
    Ok(Json(json!({ "application": application })))
}

fn add(state: &mut SimState, body: ApplicationBody, now: i64) -> Result<Application, SimError> {
    let applicant = appid_or_new(state, body.appid)?;
    if !state.authorizers.contains_key(&applicant) {
        let count = state.plugins.outside_applicants.len();
        let known = state.plugins.outside_applicants.get(&applicant).cloned();
        let nickname = non_empty(body.nickname)
            .or_else(|| known.as_ref().map(|k| k.nickname.clone()))
            .unwrap_or_else(|| format!("外部小程序{}", count + 1));
        let categories = body
            .categories
            .or_else(|| known.map(|k| k.categories))
            .unwrap_or_default();
        state.plugins.outside_applicants.insert(
            applicant.clone(),
            OutsideApplicant {
                nickname,
                categories,
            },
        );
    }
    expire(&mut state.plugins.applications, now);
    let plugin_appid = body.plugin_appid.trim().to_owned();
    apply(
        state,
        &applicant,
        &plugin_appid,
        &body.reason,
        now - body.age_secs.max(0),
    )?;
    expire(&mut state.plugins.applications, now);
    Ok(find_application_mut(state, &plugin_appid, &applicant)?.clone())
}

#[derive(Deserialize)]
pub(crate) struct AgeBody {
    appid: String,
    plugin_appid: String,
    seconds: i64,
}

/// `POST /__sim/plugins/age {"appid", "plugin_appid", "seconds"}`: the application of `appid`
/// to the plugin was made `seconds` earlier than it was, so a test reaches "close to the
/// deadline" or 申请已超时 without moving the whole clock. 400 with 89242 when there is none.
pub(crate) async fn age_application(
    State(sim): State<Sim>,
    Json(body): Json<AgeBody>,
) -> ControlResult {
    let now = sim.now();
    let application = {
        let mut state = sim.lock();
        let aged = find_application_mut(&mut state, body.plugin_appid.trim(), body.appid.trim())
            .map(|a| a.create_time -= body.seconds.max(0));
        aged.map_err(control_error)?;
        expire(&mut state.plugins.applications, now);
        find_application_mut(&mut state, body.plugin_appid.trim(), body.appid.trim())
            .cloned()
            .map_err(control_error)?
    };
    sim.save();
    Ok(Json(json!({ "application": application })))
}

#[derive(Deserialize)]
pub(crate) struct DecideBody {
    appid: String,
    plugin_appid: String,
    approve: bool,
    #[serde(default)]
    reason: String,
}

/// `POST /__sim/plugins/decide {"appid", "plugin_appid", "approve", "reason"?}`: the plugin's
/// owner approves or refuses outside the platform (the built-in plugins have no other way).
/// The rules of dev_agree / dev_refuse hold (400 with 89240, 89242).
pub(crate) async fn decide_application(
    State(sim): State<Sim>,
    Json(body): Json<DecideBody>,
) -> ControlResult {
    let now = sim.now();
    let application = {
        let mut state = sim.lock();
        expire(&mut state.plugins.applications, now);
        decide(
            &mut state,
            body.plugin_appid.trim(),
            body.appid.trim(),
            body.approve,
            body.reason.trim(),
            now,
        )
        .map_err(control_error)?
    };
    sim.save();
    Ok(Json(json!({ "application": application })))
}

/// `GET /__sim/plugins/applications?plugin_appid=&appid=`: the stored applications (to a
/// plugin, by an applicant, or all), with what WeChat's lists leave out (the refusal reason,
/// the version in use, when it was decided).
pub(crate) async fn list_applications(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> ControlResult {
    let now = sim.now();
    let plugin_appid = query_param(&raw, "plugin_appid").unwrap_or_default();
    let appid = query_param(&raw, "appid").unwrap_or_default();
    let mut state = sim.lock();
    expire(&mut state.plugins.applications, now);
    let list: Vec<Application> = state
        .plugins
        .applications
        .iter()
        .filter(|a| plugin_appid.is_empty() || a.plugin_appid == plugin_appid)
        .filter(|a| appid.is_empty() || a.appid == appid)
        .cloned()
        .collect();
    Ok(Json(json!({ "applications": list })))
}
