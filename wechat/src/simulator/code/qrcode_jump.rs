//! QR-jump rules (qrcodejump*): prefixes, ownership across mini programs, the verify file,
//! publication quota; and their control endpoints.

use super::calendar::same_month;
use super::call::{authorizer_appid, int_field, str_field, with_authorizer};
use super::state::JumpRule;
use crate::api::code::QRCODE_JUMP_DEBUG_URLS_MAX;
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

pub const QRCODE_JUMP_RULES_MAX: usize = 10;

pub const QRCODE_JUMP_PUBLISH_PER_MONTH: usize = 20;

/// Hosts the simulator treats as blacklisted (85070).
pub const BLACKLISTED_HOSTS: [&str; 2] = ["blacklisted.example.com", "phishing.example.net"];

/// A QR-jump prefix: a well-formed http(s) link (85066, [`qrjump::parse_link`]),
/// not blacklisted (85070), on a host that can have an ICP filing (85076).
pub fn check_jump_prefix(prefix: &str) -> Result<(), SimError> {
    let link = qrjump::parse_link(prefix).ok_or_else(|| SimError::new(85066, "invalid url"))?;
    if link.host_is_ip() {
        return Err(SimError::new(85076, "ip addresses have no ICP filing"));
    }
    let host = link.host.to_ascii_lowercase();
    if BLACKLISTED_HOSTS
        .iter()
        .any(|b| host == *b || host.ends_with(&format!(".{b}")))
    {
        return Err(SimError::new(85070, "url is in blacklist"));
    }
    if has_no_icp_filing(&host) {
        return Err(SimError::new(85076, "url has no ICP filing"));
    }
    Ok(())
}

/// The simulator's one rule for "no ICP filing" (QR-jump links' 85076, server domains' 85302):
/// a dotless host, or one under a name that never gets a filing (`.test`, `.local`,
/// `.localhost`, `.invalid`, `.internal`). Expects a lower-case host; IP addresses are
/// refused before this by each endpoint's own rule.
pub fn has_no_icp_filing(host: &str) -> bool {
    !host.contains('.')
        || [".test", ".local", ".localhost", ".invalid", ".internal"]
            .iter()
            .any(|s| host.ends_with(s))
}

/// Whether `url` is a link under the rule `prefix` (85068 otherwise).
pub fn is_sub_link(prefix: &str, url: &str) -> bool {
    qrjump::is_under(prefix, url)
}

/// Whether two rules' prefixes collide for different mini programs (85072).
pub(super) fn occupies(existing: &JumpRule, prefix: &str, permit_sub_rule: i64) -> bool {
    match (
        qrjump::Ownership::from_code(existing.permit_sub_rule),
        qrjump::Ownership::from_code(permit_sub_rule),
    ) {
        (Some(theirs), Some(ours)) => qrjump::collides(&existing.prefix, theirs, prefix, ours),
        _ => existing.prefix == prefix,
    }
}

impl qrjump::JumpRule for JumpRule {
    fn prefix(&self) -> &str {
        &self.prefix
    }
    fn ownership(&self) -> qrjump::Ownership {
        qrjump::Ownership::from_code(self.permit_sub_rule).unwrap_or(qrjump::Ownership::Shared)
    }
}

pub(super) async fn qrcode_jump_add(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    let prefix = str_field(&body, "prefix")?;
    let path = str_field(&body, "path")?;
    let permit_sub_rule = int_field(&body, "permit_sub_rule").unwrap_or(0);
    let open_version = int_field(&body, "open_version").unwrap_or(0);
    let is_edit = int_field(&body, "is_edit").unwrap_or(0);
    let debug_url: Vec<String> = match body.get("debug_url") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => serde_json::from_value(v.clone())
            .map_err(|_| SimError::bad_body("debug_url must be a list of strings"))?,
    };
    let occupied = state
        .authorizers
        .values()
        .filter(|a| a.appid != appid)
        .flat_map(|a| a.code.jump_rules.iter())
        .any(|r| occupies(r, &prefix, permit_sub_rule));
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if authorizer.principal_name.trim().starts_with("个人") {
        return Err(SimError::new(
            85075,
            "personal mini programs cannot set qrcode rules",
        ));
    }
    check_jump_prefix(&prefix)?;
    if !matches!(permit_sub_rule, 1 | 2) {
        return Err(SimError::bad_body("permit_sub_rule must be 1 or 2"));
    }
    if !matches!(open_version, 1..=3) {
        return Err(SimError::bad_body("open_version must be 1, 2 or 3"));
    }
    if !matches!(is_edit, 0 | 1) {
        return Err(SimError::bad_body("is_edit must be 0 or 1"));
    }
    if path.trim().is_empty() {
        return Err(SimError::bad_body("path is required"));
    }
    if debug_url.len() > QRCODE_JUMP_DEBUG_URLS_MAX {
        return Err(SimError::new(85066, "at most 5 debug_url"));
    }
    if let Some(bad) = debug_url.iter().find(|u| !is_sub_link(&prefix, u)) {
        return Err(SimError::new(
            85068,
            format!("debug_url is not under the prefix: {bad}"),
        ));
    }
    let code = &mut authorizer.code;
    let existing = code.jump_rules.iter().position(|r| r.prefix == prefix);
    match (is_edit, existing) {
        (0, Some(_)) => return Err(SimError::new(85071, "prefix already added")),
        (1, None) => return Err(SimError::new(85066, "no such rule to edit")),
        _ => {}
    }
    if occupied {
        return Err(SimError::new(
            85072,
            "prefix occupied by another mini program",
        ));
    }
    if existing.is_none() && code.jump_rules.len() >= QRCODE_JUMP_RULES_MAX {
        return Err(SimError::new(85073, "qrcode rules are full"));
    }
    let rule = JumpRule {
        prefix,
        permit_sub_rule,
        path,
        open_version,
        debug_url,
        state: 1,
    };
    match existing {
        Some(i) => code.jump_rules[i] = rule,
        None => code.jump_rules.push(rule),
    }
    ok(json!({}))
}

pub(super) async fn qrcode_jump_get(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let _: Value = parse_body(&body)?;
    let answer = with_authorizer(&sim, &raw, |a, now| {
        let code = &a.code;
        let published = code
            .jump_publishes
            .iter()
            .filter(|t| same_month(**t, now))
            .count();
        let rules: Vec<Value> = code
            .jump_rules
            .iter()
            .map(|r| {
                json!({
                    "prefix": r.prefix,
                    "open_version": r.open_version,
                    "state": r.state,
                    "permit_sub_rule": r.permit_sub_rule,
                    "path": r.path,
                    "debug_url": r.debug_url,
                })
            })
            .collect();
        Ok(json!({
            "rule_list": rules,
            "qrcodejump_open": i64::from(code.jump_rules.iter().any(|r| r.state == 2)),
            "list_size": code.jump_rules.len(),
            "qrcodejump_pub_quota": QRCODE_JUMP_PUBLISH_PER_MONTH.saturating_sub(published),
        }))
    })?;
    ok(answer)
}

pub(super) async fn qrcode_jump_download(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let _: Value = parse_body(&body)?;
    let (file_name, file_content) = with_authorizer(&sim, &raw, |a, _| {
        Ok(a.code
            .verify_file
            .get_or_insert_with(new_verify_file)
            .clone())
    })?;
    ok(json!({"file_name": file_name, "file_content": file_content}))
}

/// A random verify file: (name, content).
pub(super) fn new_verify_file() -> (String, String) {
    (
        format!("{:010x}.txt", rand::random::<u64>() & 0xff_ffff_ffff),
        format!(
            "{:016x}{:016x}",
            rand::random::<u64>(),
            rand::random::<u64>()
        ),
    )
}

pub(super) async fn qrcode_jump_delete(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let prefix = str_field(&body, "prefix")?;
    with_authorizer(&sim, &raw, |a, _| {
        let index = a
            .code
            .jump_rules
            .iter()
            .position(|r| r.prefix == prefix)
            .ok_or_else(|| SimError::new(85066, "no such rule"))?;
        a.code.jump_rules.remove(index);
        Ok(())
    })?;
    ok(json!({}))
}

pub(super) async fn qrcode_jump_publish(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let prefix = str_field(&body, "prefix")?;
    with_authorizer(&sim, &raw, |a, now| {
        let code = &mut a.code;
        let index = code
            .jump_rules
            .iter()
            .position(|r| r.prefix == prefix)
            .ok_or_else(|| SimError::new(85066, "no such rule"))?;
        if code.live.is_none() {
            return Err(SimError::new(
                85074,
                "not published: release code before publishing qrcode rules",
            ));
        }
        // The ownership check happens when the rule goes live: WeChat fetches the verify
        // file from the prefix's host, which it can only find after qrcodejumpdownload.
        if code.verify_file.is_none() {
            return Err(SimError::new(
                85069,
                "verify file check failed: download it with qrcodejumpdownload and serve it first",
            ));
        }
        code.jump_publishes.retain(|t| same_month(*t, now));
        if code.jump_publishes.len() >= QRCODE_JUMP_PUBLISH_PER_MONTH {
            return Err(SimError::new(45009, "reach max api monthly quota limit"));
        }
        code.jump_publishes.push(now);
        code.jump_rules[index].state = 2;
        Ok(())
    })?;
    ok(json!({}))
}

#[derive(Deserialize)]
pub(super) struct QrcodeJumpControl {
    appid: String,
    /// Publications left this month.
    pub_quota: Option<usize>,
    /// Whether `qrcodejumpdownload` handed out the verify file (false forgets it).
    verify_file_fetched: Option<bool>,
}

/// `POST /__sim/qrcodejump`: sets a mini program's monthly publish quota and whether its
/// verify file was fetched, so tests reach the quota and 85069 without 20 publishes.
pub(super) async fn set_qrcode_jump(
    State(sim): State<Sim>,
    Json(body): Json<QrcodeJumpControl>,
) -> Result<Json<Value>, (axum::http::StatusCode, Json<Value>)> {
    let now = sim.now();
    {
        let mut state = sim.lock();
        let Some(a) = state.authorizers.get_mut(&body.appid) else {
            return Err((
                axum::http::StatusCode::NOT_FOUND,
                Json(json!({"errcode": 40013, "errmsg": "invalid appid"})),
            ));
        };
        if let Some(left) = body.pub_quota {
            let used = QRCODE_JUMP_PUBLISH_PER_MONTH.saturating_sub(left);
            a.code.jump_publishes = vec![now; used];
        }
        match body.verify_file_fetched {
            Some(false) => a.code.verify_file = None,
            Some(true) if a.code.verify_file.is_none() => {
                a.code.verify_file = Some(new_verify_file());
            }
            _ => {}
        }
    }
    sim.save();
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
pub(super) struct ScanQuery {
    url: String,
}

/// `GET /__sim/qrcodejump/scan?url=`: what a WeChat scan of `url` opens, across every
/// mini program's published rules (the same matcher as the console's).
pub(super) async fn scan_qrcode_jump(
    State(sim): State<Sim>,
    Query(q): Query<ScanQuery>,
) -> Json<Value> {
    let state = sim.lock();
    let published: Vec<(String, JumpRule)> = state
        .authorizers
        .values()
        .flat_map(|a| {
            a.code
                .jump_rules
                .iter()
                .filter(|r| r.state == 2)
                .map(|r| (a.appid.clone(), r.clone()))
        })
        .collect();
    let rules: Vec<JumpRule> = published.iter().map(|(_, r)| r.clone()).collect();
    match qrjump::matching_rule(&rules, &q.url) {
        Some(rule) => {
            let appid = published
                .iter()
                .find(|(_, r)| r.prefix == rule.prefix)
                .map(|(appid, _)| appid.clone())
                .unwrap_or_default();
            Json(json!({
                "opens": true,
                "appid": appid,
                "prefix": rule.prefix,
                "path": rule.path,
                "open_version": rule.open_version,
            }))
        }
        None => Json(json!({"opens": false})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jump_prefix_rules() {
        assert!(check_jump_prefix("https://weixin.qq.com/qrcodejump").is_ok());
        let code = |p: &str| check_jump_prefix(p).unwrap_err().errcode;
        assert_eq!(code("not a url"), 85066);
        assert_eq!(code("ftp://weixin.qq.com/x"), 85066);
        assert_eq!(code("https://weixin.qq.com/x#frag"), 85066);
        assert_eq!(code("https://blacklisted.example.com/x"), 85070);
        assert_eq!(code("https://shop.local/x"), 85076);
        assert_eq!(code("http://127.0.0.1/x"), 85076);
        assert!(is_sub_link(
            "https://weixin.qq.com/qrcodejump",
            "https://weixin.qq.com/qrcodejump?a=1"
        ));
        assert!(!is_sub_link(
            "https://weixin.qq.com/qrcodejump",
            "https://weixin.qq.com/other?a=1"
        ));
    }
}
