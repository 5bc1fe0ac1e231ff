//! `/__sim/...`: the control API for tests and demos. Never a WeChat path.

use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::component::{confirm_authorization, revoke_authorization};
use super::error::{control_error, ControlResult, SimError};
use super::push::Targets;
use super::{AuthorizerProfile, CallRecord, Fault, LockExt, Sim};

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/state", get(state))
        .route("/advance", post(advance))
        .route("/faults", post(add_fault).delete(clear_faults))
        .route("/calls", get(calls).delete(clear_calls))
        .route("/push-ticket", post(push_ticket))
        .route("/authorize", post(authorize))
        .route("/unauthorize", post(unauthorize))
        .route("/revoke-refresh-token", post(revoke_refresh_token))
        .route("/pushes", get(pushes))
        .route("/targets", post(set_targets))
        .route("/func-info", post(set_func_info))
        .merge(super::code::control_routes())
        .merge(super::widget::control_routes())
        .merge(super::basic_info::control_routes())
}

async fn state(State(sim): State<Sim>) -> Json<Value> {
    let now = sim.now();
    let s = sim.lock();
    let authorizers: Vec<Value> = s
        .authorizers
        .values()
        .map(|a| json!({"appid": a.appid, "nick_name": a.nick_name, "authorized": a.authorized}))
        .collect();
    Json(json!({
        "now": now,
        "clock_offset_secs": s.clock_offset_secs,
        "tickets": s.tickets.len(),
        "authorizers": authorizers,
        "outbox": s.outbox.len(),
    }))
}

#[derive(Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance(State(sim): State<Sim>, Json(body): Json<Advance>) -> Json<Value> {
    {
        let mut s = sim.lock();
        s.clock_offset_secs += body.seconds.max(0);
    }
    sim.finish_due_work();
    sim.save();
    Json(json!({"now": sim.now()}))
}

async fn add_fault(State(sim): State<Sim>, Json(fault): Json<Fault>) -> Json<Value> {
    sim.shared.faults.lock_or_recover().push(fault);
    Json(json!({"ok": true}))
}

async fn clear_faults(State(sim): State<Sim>) -> Json<Value> {
    sim.shared.faults.lock_or_recover().clear();
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
struct CallFilter {
    path: Option<String>,
    appid: Option<String>,
}

async fn calls(State(sim): State<Sim>, Query(filter): Query<CallFilter>) -> Json<Vec<CallRecord>> {
    let calls = sim.shared.calls.lock_or_recover();
    Json(
        calls
            .iter()
            .filter(|c| filter.path.as_ref().is_none_or(|p| &c.path == p))
            .filter(|c| {
                filter
                    .appid
                    .as_ref()
                    .is_none_or(|a| c.appid.as_ref() == Some(a))
            })
            .cloned()
            .collect(),
    )
}

async fn clear_calls(State(sim): State<Sim>) -> Json<Value> {
    sim.shared.calls.lock_or_recover().clear();
    Json(json!({"ok": true}))
}

async fn push_ticket(State(sim): State<Sim>) -> Json<Value> {
    Json(json!({"ticket": sim.push_ticket()}))
}

#[derive(Deserialize)]
struct Authorize {
    pre_auth_code: String,
    #[serde(flatten)]
    profile: AuthorizerProfile,
}

/// Plays the owner's confirmation without a browser.
async fn authorize(State(sim): State<Sim>, Json(body): Json<Authorize>) -> ControlResult {
    let (appid, auth_code) =
        confirm_authorization(&sim, &body.pre_auth_code, &body.profile).map_err(control_error)?;
    Ok(Json(json!({"appid": appid, "auth_code": auth_code})))
}

#[derive(Deserialize)]
struct AppidBody {
    appid: String,
}

async fn unauthorize(State(sim): State<Sim>, Json(body): Json<AppidBody>) -> ControlResult {
    revoke_authorization(&sim, &body.appid).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

/// The refresh token stops working without a push (what 61023 looks like).
async fn revoke_refresh_token(
    State(sim): State<Sim>,
    Json(body): Json<AppidBody>,
) -> ControlResult {
    let mut s = sim.lock();
    let fresh = s.mint("sim_rt_");
    let authorizer = s
        .authorizers
        .get_mut(&body.appid)
        .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
    authorizer.refresh_token = fresh;
    s.revoke_tokens(&body.appid);
    drop(s);
    sim.save();
    Ok(Json(json!({"ok": true})))
}

async fn pushes(State(sim): State<Sim>) -> Json<Value> {
    let pending = sim.lock().outbox.clone();
    let delivered = sim.shared.delivered.lock_or_recover().clone();
    Json(json!({"pending": pending, "finished": delivered}))
}

async fn set_targets(State(sim): State<Sim>, Json(targets): Json<Targets>) -> Json<Value> {
    sim.set_targets(targets);
    Json(json!({"ok": true}))
}

#[derive(Deserialize)]
struct FuncInfoBody {
    appid: String,
    func_info: Vec<i64>,
}

/// `POST /__sim/func-info {"appid", "func_info": [18, …]}`: the permission sets (权限集) the
/// account granted the platform; endpoints that check theirs answer 61007 outside them.
async fn set_func_info(State(sim): State<Sim>, Json(body): Json<FuncInfoBody>) -> ControlResult {
    {
        let mut s = sim.lock();
        let authorizer = s
            .authorizers
            .get_mut(&body.appid)
            .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
        authorizer.func_info = body.func_info;
    }
    sim.save();
    Ok(Json(json!({"ok": true})))
}
