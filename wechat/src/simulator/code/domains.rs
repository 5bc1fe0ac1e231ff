//! Domains (permission set 18): modify_domain (server domains) and setwebviewdomain
//! (business domains); the platform's registered domains they are checked against; and their
//! control endpoints. Paths, fields, limits and errcodes from WeChat's docs and SDKs
//! (docs/research/onboarding-apis.md §2–§3); what no source states is listed in
//! [`crate::simulator::provisional`]. The per-entry rules are in `domain_rules`.

use super::calendar::same_month;
use super::call::{authorizer_appid, query_param, str_field};
use super::domain_rules::{
    host_of, normalize_all, server_rule_ok, under_registered, webview_host, ServerKind,
};
use super::qrcode_jump::has_no_icp_filing;
use super::testers::is_personal;
use crate::api::domain::{
    errcode, PERMISSION_SET, SERVER_DOMAINS_MAX, SERVER_DOMAIN_CHANGES_PER_MONTH,
    WEBVIEW_DOMAINS_MAX,
};
use crate::simulator::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use crate::simulator::state::SimState;
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Server domains a fresh simulated platform has registered (第三方平台的小程序服务器域名,
/// hosts without a scheme as `modify_wxa_server_domain` takes them).
pub const DEMO_SERVER_DOMAINS: [&str; 8] = [
    "api.demo-shop.com",
    "img.demo-shop.com",
    "cdn.demo-shop.com",
    "upload.demo-shop.com",
    "download.demo-shop.com",
    "wss.demo-shop.com",
    "udp.demo-shop.com",
    "tcp.demo-shop.com",
];

/// Business (jump) domains a fresh simulated platform has registered (小程序业务域名).
pub const DEMO_JUMP_DOMAINS: [&str; 1] = ["h5.demo-shop.com"];

/// What the platform has registered; a mini program may only use these (sub-domains too for
/// business domains).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformDomains {
    #[serde(default)]
    pub server: Vec<String>,
    #[serde(default)]
    pub jump: Vec<String>,
}

impl Default for PlatformDomains {
    fn default() -> Self {
        Self {
            server: DEMO_SERVER_DOMAINS.iter().map(|d| d.to_string()).collect(),
            jump: DEMO_JUMP_DOMAINS.iter().map(|d| d.to_string()).collect(),
        }
    }
}

/// One account's domains, each list normalised, in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainState {
    #[serde(default)]
    pub request: Vec<String>,
    #[serde(default)]
    pub ws: Vec<String>,
    #[serde(default)]
    pub upload: Vec<String>,
    #[serde(default)]
    pub download: Vec<String>,
    #[serde(default)]
    pub udp: Vec<String>,
    #[serde(default)]
    pub tcp: Vec<String>,
    #[serde(default)]
    pub webview: Vec<String>,
    /// When modify_domain changed something (the monthly quota).
    #[serde(default)]
    pub changes: Vec<i64>,
}

impl DomainState {
    pub fn list(&self, kind: ServerKind) -> &Vec<String> {
        match kind {
            ServerKind::Request => &self.request,
            ServerKind::Ws => &self.ws,
            ServerKind::Upload => &self.upload,
            ServerKind::Download => &self.download,
            ServerKind::Udp => &self.udp,
            ServerKind::Tcp => &self.tcp,
        }
    }

    pub fn list_mut(&mut self, kind: ServerKind) -> &mut Vec<String> {
        match kind {
            ServerKind::Request => &mut self.request,
            ServerKind::Ws => &mut self.ws,
            ServerKind::Upload => &mut self.upload,
            ServerKind::Download => &mut self.download,
            ServerKind::Udp => &mut self.udp,
            ServerKind::Tcp => &mut self.tcp,
        }
    }

    /// modify_domain changes made in the Beijing month of `now`.
    pub fn changes_this_month(&self, now: i64) -> usize {
        self.changes.iter().filter(|t| same_month(**t, now)).count()
    }

    /// The six lists in WeChat's field names.
    fn server_json(&self) -> Map<String, Value> {
        ServerKind::ALL
            .iter()
            .map(|k| (k.field().to_owned(), json!(self.list(*k))))
            .collect()
    }
}

/// 61007 unless the account granted the platform permission set 18.
fn check_scope(state: &SimState, appid: &str) -> Result<(), SimError> {
    state
        .require_permission_set(appid, PERMISSION_SET)
        .map(|_| ())
}

/// An optional list of strings (absent or null: `None`); another JSON type is 47001.
fn list_field(body: &Value, name: &str) -> Result<Option<Vec<String>>, SimError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|_| SimError::bad_body(format!("{name} must be a list of strings"))),
    }
}

/// What one modify_domain write found in its entries.
#[derive(Default)]
struct Sorted {
    /// Per kind (in [`ServerKind::ALL`] order): the entries it may apply.
    acceptable: [Vec<String>; 6],
    /// Per kind: the entries listed in `invalid_*` (against the rules, or not registered on
    /// the platform).
    invalid: [Vec<String>; 6],
    no_icp: Vec<String>,
    against_rules: bool,
    /// Entries not registered on the platform, and entries given at all.
    unregistered: usize,
    given: usize,
}

/// Sorts add / set entries: already on the account (kept as they are: a `set` that resends
/// the other kinds' lists changes nothing there), against the rules (85301), without an ICP
/// filing (85302), not registered on the platform (85018 / 85017), or acceptable.
fn sort_entries(d: &DomainState, lists: &[Option<Vec<String>>; 6], platform: &[String]) -> Sorted {
    let registered: Vec<String> = platform.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut sorted = Sorted::default();
    for (i, kind) in ServerKind::ALL.iter().enumerate() {
        for entry in normalize_all(lists[i].as_deref().unwrap_or_default()) {
            sorted.given += 1;
            if d.list(*kind).contains(&entry) {
                sorted.acceptable[i].push(entry);
            } else if !server_rule_ok(*kind, &entry) {
                sorted.against_rules = true;
                sorted.invalid[i].push(entry);
            } else if has_no_icp_filing(host_of(&entry)) {
                sorted.no_icp.push(entry);
            } else if !registered.iter().any(|h| h == host_of(&entry)) {
                sorted.unregistered += 1;
                sorted.invalid[i].push(entry);
            } else {
                sorted.acceptable[i].push(entry);
            }
        }
    }
    sorted
}

/// Why nothing changed: rules and ICP both 85303, rules 85301, ICP 85302; every entry
/// unregistered 85018; otherwise (nothing new, nothing given) 85017.
fn nothing_changed(s: &Sorted) -> SimError {
    match (s.against_rules, !s.no_icp.is_empty()) {
        (true, true) => SimError::new(
            errcode::AGAINST_RULES_AND_NO_ICP,
            "no domain to modify after filtered, invalid domains and domains without icp",
        ),
        (true, false) => SimError::new(
            errcode::AGAINST_RULES,
            "no domain to modify after filtered, please confirm the domain follows the rule of domains",
        ),
        (false, true) => SimError::new(
            errcode::NO_ICP,
            "no domain to modify after filtered, please confirm all domains have ICP licenses",
        ),
        (false, false) if s.given > 0 && s.unregistered == s.given => {
            SimError::new(errcode::NOT_ON_PLATFORM, "domain not set in open")
        }
        (false, false) => SimError::new(
            errcode::NOTHING_TO_MODIFY,
            "no domain to modify after filtered, please confirm the domain has been set in miniprogram or open",
        ),
    }
}

/// Applies add / delete / set to `d`; the rejects (for the answer) on success.
fn apply_server(
    d: &mut DomainState,
    action: &str,
    lists: &[Option<Vec<String>>; 6],
    platform: &[String],
) -> Result<Sorted, SimError> {
    if action == "delete" {
        let mut removed = 0;
        for (i, kind) in ServerKind::ALL.iter().enumerate() {
            let gone = normalize_all(lists[i].as_deref().unwrap_or_default());
            let list = d.list_mut(*kind);
            let before = list.len();
            list.retain(|e| !gone.contains(e));
            removed += before - list.len();
        }
        return if removed > 0 {
            Ok(Sorted::default())
        } else {
            Err(nothing_changed(&Sorted::default()))
        };
    }
    let sorted = sort_entries(d, lists, platform);
    let mut next: Vec<Vec<String>> = Vec::new();
    for (i, kind) in ServerKind::ALL.iter().enumerate() {
        let current = d.list(*kind);
        let list = match (action, &lists[i]) {
            ("set", Some(_)) => sorted.acceptable[i].clone(),
            ("set", None) => current.clone(),
            _ => {
                let mut list = current.clone();
                list.extend(
                    sorted.acceptable[i]
                        .iter()
                        .filter(|e| !current.contains(*e))
                        .cloned(),
                );
                list
            }
        };
        if list.len() > SERVER_DOMAINS_MAX {
            return Err(SimError::new(
                errcode::TOO_MANY_DOMAINS,
                "exceed valid domain count",
            ));
        }
        next.push(list);
    }
    let changed = ServerKind::ALL
        .iter()
        .zip(&next)
        .any(|(kind, list)| d.list(*kind) != list);
    if !changed {
        return Err(nothing_changed(&sorted));
    }
    for (kind, list) in ServerKind::ALL.iter().zip(next) {
        *d.list_mut(*kind) = list;
    }
    Ok(sorted)
}

/// `POST /wxa/modify_domain {"action", "requestdomain", …}`. Checks in the order of the
/// other code-management endpoints: the body (47001), the token (40001 / 42001 / 86000),
/// the scope (61007), the action (85022, provisional), then the monthly quota (89030,
/// provisional) and the entries. A write that applies anything answers 0 with the current
/// lists and the rejects (`invalid_*`, `no_icp_domain`).
pub(super) async fn modify_domain(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let action = str_field(&body, "action")?;
    let mut lists: [Option<Vec<String>>; 6] = Default::default();
    for (i, kind) in ServerKind::ALL.iter().enumerate() {
        lists[i] = list_field(&body, kind.field())?;
    }
    let platform = state.platform_domains.server.clone();
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    let d = &mut authorizer.domains;
    match action.as_str() {
        "get" => return ok(Value::Object(d.server_json())),
        "add" | "delete" | "set" => {}
        _ => return Err(SimError::new(85022, "invalid action")),
    }
    if d.changes_this_month(now) >= SERVER_DOMAIN_CHANGES_PER_MONTH {
        return Err(SimError::new(
            errcode::MONTHLY_LIMIT,
            "operation reach month limit",
        ));
    }
    let sorted = apply_server(d, &action, &lists, &platform)?;
    d.changes.retain(|t| same_month(*t, now));
    d.changes.push(now);
    let mut answer = d.server_json();
    for (i, kind) in ServerKind::ALL.iter().enumerate() {
        answer.insert(kind.invalid_field().to_owned(), json!(sorted.invalid[i]));
    }
    answer.insert("no_icp_domain".to_owned(), json!(sorted.no_icp));
    ok(Value::Object(answer))
}

/// Checks add / set entries against the platform's business domains: 89020 when it has
/// none, 89021 for an entry that is not `https://host` (no port) under one of them.
fn check_webview_entries(entries: &[String], jump: &[String]) -> Result<(), SimError> {
    if jump.is_empty() {
        return Err(SimError::new(
            errcode::WEBVIEW_PLATFORM_EMPTY,
            "open's webview domain is null! Need to set open's webview domain first!",
        ));
    }
    for entry in entries {
        let ok = webview_host(entry).is_some_and(|host| under_registered(host, jump));
        if !ok {
            return Err(SimError::new(
                errcode::WEBVIEW_NOT_ON_PLATFORM,
                format!("request domain is not open's webview domain! {entry}"),
            ));
        }
    }
    Ok(())
}

fn unchanged() -> SimError {
    SimError::new(errcode::WEBVIEW_UNCHANGED, "webview domain not change")
}

fn too_many_webview() -> SimError {
    SimError::new(errcode::WEBVIEW_TOO_MANY, "webview domain exceed limit")
}

/// Applies an action to the business domains `current` (no action: the platform's own list).
fn apply_webview(
    current: &mut Vec<String>,
    action: &str,
    entries: Vec<String>,
    jump: &[String],
) -> Result<(), SimError> {
    match action {
        "add" | "" => {
            let entries = if action.is_empty() {
                if jump.is_empty() {
                    check_webview_entries(&[], jump)?;
                }
                jump.iter()
                    .map(|h| format!("https://{}", h.trim().to_lowercase()))
                    .collect()
            } else {
                check_webview_entries(&entries, jump)?;
                entries
            };
            let new: Vec<String> = entries
                .into_iter()
                .filter(|e| !current.contains(e))
                .collect();
            if new.is_empty() {
                return Err(unchanged());
            }
            if current.len() + new.len() > WEBVIEW_DOMAINS_MAX {
                return Err(too_many_webview());
            }
            current.extend(new);
        }
        "delete" => {
            if entries.is_empty() {
                return Err(unchanged());
            }
            if entries.iter().any(|e| !current.contains(e)) {
                return Err(SimError::new(
                    errcode::WEBVIEW_DELETE_ABSENT,
                    "delete domain is not exist!",
                ));
            }
            current.retain(|e| !entries.contains(e));
        }
        _ => {
            check_webview_entries(&entries, jump)?;
            let same =
                entries.len() == current.len() && entries.iter().all(|e| current.contains(e));
            if same {
                return Err(unchanged());
            }
            if entries.len() > WEBVIEW_DOMAINS_MAX {
                return Err(too_many_webview());
            }
            *current = entries;
        }
    }
    Ok(())
}

/// `POST /wxa/setwebviewdomain {"action"?, "webviewdomain"?}`: body, token, scope, then a
/// personal account 89231 (every action), the action (85022, provisional), the rules (89020,
/// 89021, 89019, 89022, 89029). Without an action the platform's business domains are added
/// ("默认将第三方平台登记的小程序业务域名全部添加到该小程序"). Only get answers with the list.
pub(super) async fn set_webview_domain(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    check_scope(&state, &appid)?;
    let action = str_field(&body, "action")?;
    let entries = normalize_all(&list_field(&body, "webviewdomain")?.unwrap_or_default());
    let jump = state.platform_domains.jump.clone();
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if is_personal(authorizer) {
        return Err(SimError::new(
            errcode::WEBVIEW_PERSONAL,
            "not support single",
        ));
    }
    let current = &mut authorizer.domains.webview;
    match action.as_str() {
        "get" => return ok(json!({ "webviewdomain": current })),
        "" | "add" | "delete" | "set" => {}
        _ => return Err(SimError::new(85022, "invalid action")),
    }
    apply_webview(current, &action, entries, &jump)?;
    ok(json!({}))
}

// ---------------------------------------------------------------------------
// Control API (under `/__sim`).
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
pub(super) struct PlatformDomainsBody {
    #[serde(default)]
    server: Option<Vec<String>>,
    #[serde(default)]
    jump: Option<Vec<String>>,
}

fn hosts(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for h in list.iter().map(|h| h.trim().to_lowercase()) {
        if !h.is_empty() && !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// `GET /__sim/platform-domains` → `{"server": [hosts], "jump": [hosts]}`.
pub(super) async fn get_platform_domains(State(sim): State<Sim>) -> ControlResult {
    let domains = sim.lock().platform_domains.clone();
    Ok(Json(json!(domains)))
}

/// `POST /__sim/platform-domains {"server"?: [hosts], "jump"?: [hosts]}`: what the platform
/// has registered (modify_wxa_server_domain / modify_wxa_jump_domain on the real platform);
/// the lists given replace the current ones, so `[]` reaches 85018 / 89020.
pub(super) async fn set_platform_domains(
    State(sim): State<Sim>,
    Json(body): Json<PlatformDomainsBody>,
) -> ControlResult {
    let domains = {
        let mut state = sim.lock();
        if let Some(server) = body.server {
            state.platform_domains.server = hosts(server);
        }
        if let Some(jump) = body.jump {
            state.platform_domains.jump = hosts(jump);
        }
        state.platform_domains.clone()
    };
    sim.save();
    Ok(Json(json!(domains)))
}

#[derive(Deserialize)]
pub(super) struct AccountDomainsBody {
    appid: String,
    #[serde(default)]
    requestdomain: Option<Vec<String>>,
    #[serde(default)]
    wsrequestdomain: Option<Vec<String>>,
    #[serde(default)]
    uploaddomain: Option<Vec<String>>,
    #[serde(default)]
    downloaddomain: Option<Vec<String>>,
    #[serde(default)]
    udpdomain: Option<Vec<String>>,
    #[serde(default)]
    tcpdomain: Option<Vec<String>>,
    #[serde(default)]
    webviewdomain: Option<Vec<String>>,
    /// modify_domain changes to count as made this month (to reach the monthly limit).
    #[serde(default)]
    changes_this_month: Option<usize>,
}

fn account_json(state: &SimState, appid: &str, now: i64) -> Result<Value, SimError> {
    let a = state
        .authorizers
        .get(appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    let mut answer = a.domains.server_json();
    answer.insert("webviewdomain".to_owned(), json!(a.domains.webview));
    answer.insert(
        "changes_this_month".to_owned(),
        json!(a.domains.changes_this_month(now)),
    );
    Ok(Value::Object(answer))
}

/// `POST /__sim/domains {"appid", "requestdomain"?, …, "webviewdomain"?,
/// "changes_this_month"?}`: the account's lists as its owner set them on mp.weixin.qq.com
/// (given lists replace the current ones, unchecked), and the quota used this month.
pub(super) async fn set_account_domains(
    State(sim): State<Sim>,
    Json(body): Json<AccountDomainsBody>,
) -> ControlResult {
    let now = sim.now();
    let answer = {
        let mut state = sim.lock();
        let a = state
            .authorizers
            .get_mut(&body.appid)
            .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
        let d = &mut a.domains;
        let given = [
            body.requestdomain,
            body.wsrequestdomain,
            body.uploaddomain,
            body.downloaddomain,
            body.udpdomain,
            body.tcpdomain,
        ];
        for (kind, list) in ServerKind::ALL.iter().zip(given) {
            if let Some(list) = list {
                *d.list_mut(*kind) = normalize_all(&list);
            }
        }
        if let Some(list) = body.webviewdomain {
            d.webview = normalize_all(&list);
        }
        if let Some(n) = body.changes_this_month {
            d.changes = vec![now; n];
        }
        account_json(&state, &body.appid, now).map_err(control_error)?
    };
    sim.save();
    Ok(Json(answer))
}

/// `GET /__sim/domains?appid=` → the account's seven lists and `changes_this_month`.
pub(super) async fn get_account_domains(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> ControlResult {
    let appid = query_param(&raw, "appid").unwrap_or_default();
    let now = sim.now();
    let state = sim.lock();
    Ok(Json(
        account_json(&state, &appid, now).map_err(control_error)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Vec<String> {
        PlatformDomains::default().server
    }

    fn lists(request: &[&str]) -> [Option<Vec<String>>; 6] {
        let mut l: [Option<Vec<String>>; 6] = Default::default();
        l[0] = Some(request.iter().map(|s| s.to_string()).collect());
        l
    }

    fn code(r: Result<Sorted, SimError>) -> i64 {
        r.err().map_or(0, |e| e.errcode)
    }

    #[test]
    fn add_applies_what_it_can_and_reports_the_rest() {
        let mut d = DomainState::default();
        let sorted = apply_server(
            &mut d,
            "add",
            &lists(&[
                "https://api.demo-shop.com",
                "https://1.2.3.4",
                "https://api.demo-shop.test",
                "https://cdn.elsewhere.com",
            ]),
            &platform(),
        )
        .expect("a partial success");
        assert_eq!(d.request, ["https://api.demo-shop.com"]);
        assert_eq!(
            sorted.invalid[0],
            ["https://1.2.3.4", "https://cdn.elsewhere.com"]
        );
        assert_eq!(sorted.no_icp, ["https://api.demo-shop.test"]);
    }

    #[test]
    fn nothing_applied_has_its_reason() {
        let mut d = DomainState::default();
        let p = platform();
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://1.2.3.4"]),
                &p
            )),
            85301
        );
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://a.demo-shop.test"]),
                &p
            )),
            85302
        );
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://1.2.3.4", "https://a.demo-shop.test"]),
                &p
            )),
            85303
        );
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://cdn.elsewhere.com"]),
                &p
            )),
            85018
        );
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://api.demo-shop.com"]),
                &[]
            )),
            85018
        );
        assert_eq!(code(apply_server(&mut d, "add", &lists(&[]), &p)), 85017);
        apply_server(&mut d, "add", &lists(&["https://api.demo-shop.com"]), &p).unwrap();
        assert_eq!(
            code(apply_server(
                &mut d,
                "add",
                &lists(&["https://api.demo-shop.com"]),
                &p
            )),
            85017
        );
        assert_eq!(
            code(apply_server(
                &mut d,
                "delete",
                &lists(&["https://img.demo-shop.com"]),
                &p
            )),
            85017
        );
        assert!(apply_server(
            &mut d,
            "delete",
            &lists(&["https://API.demo-shop.com/"]),
            &p
        )
        .is_ok());
        assert!(d.request.is_empty());
    }

    #[test]
    fn set_replaces_the_kinds_given_and_the_count_is_limited() {
        let p = platform();
        let mut d = DomainState {
            request: vec!["https://api.demo-shop.com".into()],
            ws: vec!["wss://wss.demo-shop.com".into()],
            ..Default::default()
        };
        apply_server(&mut d, "set", &lists(&["https://img.demo-shop.com"]), &p).unwrap();
        assert_eq!(d.request, ["https://img.demo-shop.com"]);
        assert_eq!(d.ws, ["wss://wss.demo-shop.com"], "kinds not sent stay");
        assert_eq!(
            code(apply_server(
                &mut d,
                "set",
                &lists(&["https://img.demo-shop.com"]),
                &p
            )),
            85017
        );
        // Entries already there are kept without a new check (the owner's unregistered one).
        d.request.push("https://owner.example.com".into());
        let mut both = lists(&["https://owner.example.com", "https://api.demo-shop.com"]);
        both[1] = Some(vec!["wss://wss.demo-shop.com".into()]);
        apply_server(&mut d, "set", &both, &p).unwrap();
        assert_eq!(
            d.request,
            ["https://owner.example.com", "https://api.demo-shop.com"]
        );
        assert_eq!(d.ws, ["wss://wss.demo-shop.com"]);
        let many: Vec<String> = (0..=SERVER_DOMAINS_MAX)
            .map(|n| format!("h{n}.demo-shop.com"))
            .collect();
        let registered: Vec<String> = many.clone();
        let entries: Vec<String> = many.iter().map(|h| format!("https://{h}")).collect();
        let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
        assert_eq!(
            code(apply_server(&mut d, "set", &lists(&refs), &registered)),
            85016
        );
        assert_eq!(
            d.request,
            ["https://owner.example.com", "https://api.demo-shop.com"],
            "nothing applied"
        );
    }

    #[test]
    fn webview_rules() {
        let jump = vec!["h5.demo-shop.com".to_owned()];
        let mut current = Vec::new();
        let err = |r: Result<(), SimError>| r.err().map_or(0, |e| e.errcode);
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<String>>();
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["https://h5.demo-shop.com"]),
                &[]
            )),
            89020
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["https://www.demo-shop.com"]),
                &jump
            )),
            89021
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["https://h5.demo-shop.com:8443"]),
                &jump
            )),
            89021
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["h5.demo-shop.com"]),
                &jump
            )),
            89021
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["https://h5.demo-shop.com", "https://m.h5.demo-shop.com"]),
                &jump
            )),
            0
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "add",
                v(&["https://h5.demo-shop.com"]),
                &jump
            )),
            89019
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "delete",
                v(&["https://x.h5.demo-shop.com"]),
                &jump
            )),
            89022
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "set",
                v(&["https://m.h5.demo-shop.com", "https://h5.demo-shop.com"]),
                &jump
            )),
            89019
        );
        assert_eq!(
            err(apply_webview(
                &mut current,
                "delete",
                v(&["https://m.h5.demo-shop.com"]),
                &jump
            )),
            0
        );
        assert_eq!(current, ["https://h5.demo-shop.com"]);
        let many: Vec<String> = (0..=WEBVIEW_DOMAINS_MAX)
            .map(|n| format!("https://s{n}.h5.demo-shop.com"))
            .collect();
        assert_eq!(err(apply_webview(&mut current, "set", many, &jump)), 89029);
        // No action: the platform's own business domains.
        let mut fresh = Vec::new();
        assert_eq!(err(apply_webview(&mut fresh, "", Vec::new(), &jump)), 0);
        assert_eq!(fresh, ["https://h5.demo-shop.com"]);
        assert_eq!(err(apply_webview(&mut fresh, "", Vec::new(), &jump)), 89019);
    }
}
