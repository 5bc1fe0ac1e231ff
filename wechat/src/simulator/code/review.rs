//! Audits finishing: on the simulated clock after `audit_delay` ([`finish_due`]) or forced
//! through the control API, each with its push.

use crate::api::code::audit_status;
use crate::simulator::error::{control_error, parse_body, ControlResult, SimError};
use crate::simulator::push::Target;
use crate::simulator::state::Authorizer;
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use serde_json::json;

/// The system account audit pushes come from (the seed's example).
pub const AUDIT_PUSH_FROM: &str = "od1P50M-fNQI5Gcq-trm4a7apsU8";

pub(super) const DEFAULT_REJECT_REASON: &str =
    "1:小程序功能不完整:<br>(1):页面内容为空或仅有测试数据,请补充实际服务内容后再提交<br>";
pub(super) const DEFAULT_DELAY_REASON: &str = "审核需要更多时间核实服务类目资质,审核结果将延后通知";

/// Ends (or delays) the audit in review with `status` and builds its push.
pub(super) fn finish_audit(
    authorizer: &mut Authorizer,
    status: i64,
    reason: Option<String>,
    screenshot: Option<String>,
    now: i64,
    delay: i64,
) -> Option<(Target, String)> {
    let appid = authorizer.appid.clone();
    let user_name = authorizer.user_name.clone();
    let audit = authorizer
        .code
        .audits
        .iter_mut()
        .rev()
        .find(|a| a.in_review())?;
    let mut fields = vec![
        ("ToUserName", user_name.clone()),
        ("FromUserName", AUDIT_PUSH_FROM.to_owned()),
        ("CreateTime", now.to_string()),
        ("MsgType", "event".to_owned()),
    ];
    match status {
        audit_status::REJECTED => {
            let reason = reason.unwrap_or_else(|| DEFAULT_REJECT_REASON.to_owned());
            let screenshot = screenshot.unwrap_or_default();
            audit.status = audit_status::REJECTED;
            audit.reason = Some(reason.clone());
            audit.screenshot = (!screenshot.is_empty()).then(|| screenshot.clone());
            audit.finished_at = Some(now);
            fields.push(("Event", "weapp_audit_fail".to_owned()));
            fields.push(("Reason", reason));
            fields.push(("FailTime", now.to_string()));
            fields.push(("ScreenShot", screenshot));
        }
        audit_status::DELAYED => {
            let reason = reason.unwrap_or_else(|| DEFAULT_DELAY_REASON.to_owned());
            audit.status = audit_status::DELAYED;
            audit.reason = Some(reason.clone());
            audit.due_at = now + delay;
            fields.push(("Event", "weapp_audit_delay".to_owned()));
            fields.push(("Reason", reason));
            fields.push(("DelayTime", now.to_string()));
        }
        _ => {
            audit.status = audit_status::PASSED;
            audit.reason = None;
            audit.finished_at = Some(now);
            fields.push(("Event", "weapp_audit_success".to_owned()));
            fields.push(("SuccTime", now.to_string()));
        }
    }
    Some((
        Target::Authorizer { appid, user_name },
        crate::events::build_xml(&fields),
    ))
}

/// Audits (and other timed work) whose time has come: update state, return pushes.
pub fn finish_due(sim: &Sim, now: i64) -> Vec<(Target, String)> {
    let delay = sim.config().audit_delay.as_secs() as i64;
    let mut state = sim.lock();
    let default = state.code_templates.default_outcome;
    let mut pushes = Vec::new();
    for authorizer in state.authorizers.values_mut() {
        let due = authorizer
            .code
            .audits
            .iter()
            .rev()
            .find(|a| a.in_review())
            .filter(|a| a.due_at <= now)
            .map(|a| a.status);
        let Some(current) = due else { continue };
        // A delayed review does not get delayed again on its own.
        let outcome = if current == audit_status::DELAYED && default == audit_status::DELAYED {
            audit_status::PASSED
        } else {
            default
        };
        let push = finish_audit(authorizer, outcome, None, None, now, delay);
        // A platform that lost the authorization hears nothing more of the account.
        if authorizer.authorized {
            pushes.extend(push);
        }
    }
    pushes
}

#[derive(Deserialize)]
pub(super) struct OutcomeBody {
    appid: String,
    status: i64,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    screenshot: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct DefaultBody {
    status: i64,
}

pub(super) fn check_outcome(status: i64) -> Result<(), SimError> {
    if matches!(
        status,
        audit_status::PASSED | audit_status::REJECTED | audit_status::DELAYED
    ) {
        Ok(())
    } else {
        Err(SimError::new(
            47001,
            "status must be 0 (passed), 1 (rejected) or 4 (delayed)",
        ))
    }
}

/// Finishes the audit in review of `appid` now, with the given outcome, and pushes it.
pub(super) async fn force_outcome(State(sim): State<Sim>, body: Bytes) -> ControlResult {
    let body: OutcomeBody = parse_body(&body).map_err(control_error)?;
    check_outcome(body.status).map_err(control_error)?;
    let delay = sim.config().audit_delay.as_secs() as i64;
    let now = sim.now();
    let (push, auditid) = {
        let mut state = sim.lock();
        let authorizer = state
            .authorizers
            .get_mut(&body.appid)
            .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
        let push = finish_audit(
            authorizer,
            body.status,
            body.reason,
            body.screenshot,
            now,
            delay,
        )
        .ok_or_else(|| control_error(SimError::new(85019, "no audit in review")))?;
        let auditid = authorizer.code.audits.last().map_or(0, |a| a.auditid);
        (push, auditid)
    };
    sim.enqueue_push(push.0, push.1);
    sim.save();
    Ok(Json(
        json!({"ok": true, "auditid": auditid, "status": body.status}),
    ))
}

/// Sets the outcome of audits that finish on their own.
pub(super) async fn set_default_outcome(State(sim): State<Sim>, body: Bytes) -> ControlResult {
    let body: DefaultBody = parse_body(&body).map_err(control_error)?;
    check_outcome(body.status).map_err(control_error)?;
    sim.lock().code_templates.default_outcome = body.status;
    sim.save();
    Ok(Json(json!({"ok": true, "status": body.status})))
}
