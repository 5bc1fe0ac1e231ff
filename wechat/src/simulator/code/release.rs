//! release, change_visitstatus, revertcoderelease and gray release.

use super::call::{authorizer_appid, with_authorizer};
use super::state::{GrayPlan, LiveVersion};
use crate::api::code::audit_status;
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use serde_json::{json, Value};

pub(super) async fn release(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let _: Value = parse_body(&body)?;
    with_authorizer(&sim, &raw, |a, now| {
        let code = &mut a.code;
        let audit = code
            .audits
            .last_mut()
            .ok_or_else(|| SimError::new(85019, "no audit version"))?;
        if audit.status != audit_status::PASSED || audit.released {
            return Err(SimError::new(85020, "audit status does not allow release"));
        }
        audit.released = true;
        let version = LiveVersion {
            auditid: audit.auditid,
            template_id: audit.code.template_id,
            user_version: audit.code.user_version.clone(),
            released_at: now,
            reverted: false,
        };
        if let Some(gray) = code.gray.as_mut().filter(|g| g.status == 1) {
            gray.status = 3;
        }
        code.previous = code.live.take();
        code.live = Some(version);
        code.visit_closed = false;
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn change_visitstatus(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    // The credential comes first, as on every WeChat call: a bad token is
    // 40001 / 42001 whatever the body says.
    let now = sim.now();
    authorizer_appid(&sim.lock(), &raw, now)?;
    let body: Value = parse_body(&body)?;
    let action = body.get("action").and_then(Value::as_str).unwrap_or("");
    let close = match action {
        "open" => false,
        "close" => true,
        _ => return Err(SimError::new(85022, "invalid action")),
    };
    with_authorizer(&sim, &raw, |a, _| {
        // 85021 "状态不可变": nothing online to show or hide, or the mini
        // program is already in the state asked for.
        if a.code.live.is_none() || a.code.visit_closed == close {
            return Err(SimError::new(85021, "status not allowed to change"));
        }
        a.code.visit_closed = close;
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn revert_code_release(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    with_authorizer(&sim, &raw, |a, _| {
        let code = &mut a.code;
        if code.gray.as_ref().is_some_and(|g| g.status == 1) {
            return Err(SimError::new(87011, "gray release in progress"));
        }
        let can_revert = code.live.as_ref().is_some_and(|l| !l.reverted) && code.previous.is_some();
        if !can_revert {
            return Err(SimError::new(87012, "this version cannot be reverted"));
        }
        let mut previous = code
            .previous
            .take()
            .ok_or_else(|| SimError::new(87012, "this version cannot be reverted"))?;
        previous.reverted = true;
        code.live = Some(previous);
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn gray_release(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let percentage = body.get("gray_percentage").and_then(Value::as_i64);
    with_authorizer(&sim, &raw, |a, now| {
        if a.nick_name.trim().is_empty() {
            return Err(SimError::new(86002, "mini program not initialized"));
        }
        let percentage = percentage
            .filter(|p| (1..=100).contains(p))
            .ok_or_else(|| SimError::new(85081, "invalid gray_percentage"))?;
        let code = &mut a.code;
        if code.live.is_none() {
            return Err(SimError::new(85079, "no live version to gray release"));
        }
        let audit = code
            .audits
            .last()
            .filter(|x| x.status == audit_status::PASSED && !x.released)
            .ok_or_else(|| SimError::new(85080, "audit not passed"))?;
        let auditid = audit.auditid;
        match code.gray.as_mut() {
            Some(plan) if plan.status == 1 && plan.auditid == auditid => {
                if percentage <= plan.gray_percentage {
                    return Err(SimError::new(
                        85082,
                        "gray_percentage must be higher than before",
                    ));
                }
                plan.gray_percentage = percentage;
            }
            _ => {
                code.gray = Some(GrayPlan {
                    status: 1,
                    create_timestamp: now,
                    gray_percentage: percentage,
                    auditid,
                });
            }
        }
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn revert_gray_release(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    with_authorizer(&sim, &raw, |a, _| {
        if let Some(plan) = a.code.gray.as_mut().filter(|g| g.status == 1) {
            plan.status = 4;
        }
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn get_gray_release_plan(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    let plan = with_authorizer(&sim, &raw, |a, _| Ok(a.code.gray.clone()))?;
    let plan = match plan {
        Some(p) => json!({
            "status": p.status,
            "create_timestamp": p.create_timestamp,
            "gray_percentage": p.gray_percentage,
        }),
        None => json!({"status": 0, "create_timestamp": 0, "gray_percentage": 0}),
    };
    ok(json!({ "gray_release_plan": plan }))
}
