//! Code management (third-party-code-management.rst): commit, QR code, categories,
//! pages, audits, release, gray release, QR-jump rules, support version; and
//! the platform's code template library (drafts → templates, provisional).
//!
//! Per authorizer everything lives in [`CodeState`]; the template library and
//! the default audit outcome are platform-wide, in [`CodeLibrary`]
//! (`SimState::code_templates`). Audits finish on the simulated clock
//! ([`finish_due`]) after `SimConfig::audit_delay`, or at once through the
//! control API (`/__sim/audit/outcome`).

use axum::body::Bytes;
use axum::extract::{Query, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use super::push::Target;
use super::state::{Authorizer, SimState};
use super::Sim;
use crate::api::code::{
    audit_status, AuditItem, CategoryItem, AUDIT_ITEMS_MAX, AUDIT_ITEMS_MIN, AUDIT_TAGS_MAX,
    AUDIT_TAG_MAX_CHARS, AUDIT_TITLE_MAX_CHARS, QRCODE_JUMP_DEBUG_URLS_MAX, USER_VERSION_MAX_CHARS,
};

/// Provisional limits (not in the seed; see [`super::provisional`]).
pub const CODE_PACKAGE_MAX_KB: u32 = 2048;
/// WeChat's open-platform docs (第三方平台 › 代码模板库, "小程序模板库的存储数量上限为 200 个").
pub const TEMPLATE_LIBRARY_MAX: usize = 200;
pub const QRCODE_JUMP_RULES_MAX: usize = 10;
pub const QRCODE_JUMP_PUBLISH_PER_MONTH: usize = 20;
pub const UNDO_AUDIT_PER_MONTH: usize = 10;
/// Distinct mini programs a platform may submit for review in 7 days (85085).
pub const WEEKLY_SUBMITTED_APPS_MAX: usize = 100;
pub const FEEDBACK_INFO_MAX_CHARS: usize = 200;
/// Hosts the simulator treats as blacklisted (85070).
pub const BLACKLISTED_HOSTS: [&str; 2] = ["blacklisted.example.com", "phishing.example.net"];
/// Base-library versions and the share of users (percent) still below each
/// (the rows of `getweappsupportversion`; the newest bounds what can be set).
pub const BASE_LIBRARY_VERSIONS: [(&str, f64); 8] = [
    ("1.0.0", 0.0),
    ("1.9.0", 0.0),
    ("2.0.0", 0.01),
    ("2.10.0", 0.05),
    ("2.20.0", 0.3),
    ("2.30.0", 1.2),
    ("3.0.0", 6.5),
    ("3.3.0", 18.0),
];
/// The system account audit pushes come from (the seed's example).
pub const AUDIT_PUSH_FROM: &str = "od1P50M-fNQI5Gcq-trm4a7apsU8";
const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

/// Per-authorizer code state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CodeState {
    /// The experience version (last successful commit).
    #[serde(default)]
    pub committed: Option<CommittedCode>,
    /// Every audit, oldest first.
    #[serde(default)]
    pub audits: Vec<Audit>,
    /// The live (released) version.
    #[serde(default)]
    pub live: Option<LiveVersion>,
    /// The live version before the last release (what a rollback restores).
    #[serde(default)]
    pub previous: Option<LiveVersion>,
    #[serde(default)]
    pub visit_closed: bool,
    #[serde(default)]
    pub gray: Option<GrayPlan>,
    #[serde(default)]
    pub support_version: Option<String>,
    #[serde(default)]
    pub jump_rules: Vec<JumpRule>,
    /// When QR-jump rules were published (monthly quota).
    #[serde(default)]
    pub jump_publishes: Vec<i64>,
    /// The ownership file handed out by qrcodejumpdownload: (name, content).
    #[serde(default)]
    pub verify_file: Option<(String, String)>,
    /// When audits were withdrawn (daily and monthly quota).
    #[serde(default)]
    pub undo_times: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedCode {
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json: String,
    pub pages: Vec<String>,
    /// ext_json declares `navigateToMiniProgramAppIdList`.
    pub declares_navigate: bool,
    pub uses_navigate: bool,
    pub committed_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Audit {
    pub auditid: i64,
    pub status: i64,
    pub reason: Option<String>,
    pub screenshot: Option<String>,
    pub submitted_at: i64,
    /// When the review ends (or, for a delayed one, ends again).
    pub due_at: i64,
    pub finished_at: Option<i64>,
    pub code: CommittedCode,
    pub item_list: Vec<AuditItem>,
    #[serde(default)]
    pub feedback_info: Option<String>,
    #[serde(default)]
    pub released: bool,
}

impl Audit {
    fn in_review(&self) -> bool {
        self.status == audit_status::AUDITING || self.status == audit_status::DELAYED
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveVersion {
    pub auditid: i64,
    pub template_id: i64,
    pub user_version: String,
    pub released_at: i64,
    /// This version came back through a rollback (it cannot be rolled back again).
    pub reverted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayPlan {
    /// 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
    pub status: i64,
    pub create_timestamp: i64,
    pub gray_percentage: i64,
    pub auditid: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JumpRule {
    pub prefix: String,
    pub permit_sub_rule: i64,
    pub path: String,
    pub open_version: i64,
    pub debug_url: Vec<String>,
    /// 1 not published, 2 published.
    pub state: i64,
}

/// What a draft or template contains (the simulator's stand-in for a code package).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodePackage {
    pub create_time: i64,
    pub user_version: String,
    pub user_desc: String,
    pub source_miniprogram_appid: String,
    pub source_miniprogram: String,
    pub developer: String,
    pub pages: Vec<String>,
    pub size_kb: u32,
    /// The code calls `navigateToMiniProgram` (85087 unless ext_json declares targets).
    pub uses_navigate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub draft_id: i64,
    pub package: CodePackage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub template_id: i64,
    pub draft_id: i64,
    pub template_type: i64,
    pub create_time: i64,
    pub package: CodePackage,
}

/// Platform-level code state: drafts, the template library, audit defaults.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CodeLibrary {
    #[serde(default)]
    pub seeded: bool,
    #[serde(default)]
    pub drafts: Vec<Draft>,
    #[serde(default)]
    pub templates: Vec<Template>,
    /// Outcome of audits that finish on their own: 0 passed (default), 1 rejected, 4 delayed.
    #[serde(default)]
    pub default_outcome: i64,
}

impl CodeLibrary {
    /// Gives a fresh platform a few drafts and templates to work with.
    pub fn ensure_seeded(&mut self, now: i64) {
        if self.seeded {
            return;
        }
        self.seeded = true;
        let package = |days_ago: i64,
                       version: &str,
                       desc: &str,
                       pages: &[&str],
                       size_kb: u32,
                       uses_navigate: bool| CodePackage {
            create_time: now - days_ago * 86400,
            user_version: version.into(),
            user_desc: desc.into(),
            source_miniprogram_appid: "wx5ac1a7a7c0de7e51".into(),
            source_miniprogram: "模板开发小程序".into(),
            developer: "模拟开发者".into(),
            pages: pages.iter().map(|p| (*p).to_owned()).collect(),
            size_kb,
            uses_navigate,
        };
        let seeds = [
            package(
                30,
                "1.0.0",
                "咖啡点单 基础版",
                &[
                    "pages/index/index",
                    "pages/menu/menu",
                    "pages/order/detail",
                    "pages/user/user",
                ],
                860,
                false,
            ),
            package(
                20,
                "2.3.1",
                "生鲜商城（含跳转其他小程序）",
                &["pages/index/index", "pages/goods/detail", "pages/cart/cart"],
                1520,
                true,
            ),
            package(
                10,
                "0.9.0",
                "旧版资源未压缩（超过代码包大小限制）",
                &["pages/index/index"],
                2300,
                false,
            ),
            package(
                2,
                "1.1.0",
                "咖啡点单 会员功能",
                &[
                    "pages/index/index",
                    "pages/menu/menu",
                    "pages/order/detail",
                    "pages/user/user",
                    "pages/member/member",
                ],
                910,
                false,
            ),
        ];
        for (i, package) in seeds.into_iter().enumerate() {
            let draft_id = i as i64 + 1;
            if draft_id <= 3 {
                self.templates.push(Template {
                    template_id: draft_id,
                    draft_id,
                    template_type: 0,
                    create_time: package.create_time + 3600,
                    package: package.clone(),
                });
            }
            self.drafts.push(Draft { draft_id, package });
        }
    }
}

// ---------------------------------------------------------------------------
// Pure helpers (validation, calendar, JPEG)
// ---------------------------------------------------------------------------

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

/// At most 10 space-separated tags of at most 20 characters (85006).
pub fn check_tag(tag: &str) -> Result<(), SimError> {
    let tags: Vec<&str> = tag.split_whitespace().collect();
    if tags.len() > AUDIT_TAGS_MAX {
        return Err(SimError::new(85006, "too many tags"));
    }
    if tags.iter().any(|t| t.chars().count() > AUDIT_TAG_MAX_CHARS) {
        return Err(SimError::new(85006, "tag too long"));
    }
    Ok(())
}

/// What `get_category` offers for the categories set on an account: each of
/// them, or, where [`super::provisional::CATEGORY_TREE`] has third levels under
/// its second level, one entry per third level (the seed: "可获取已设置的二级类目
/// 及用于代码审核的可选三级类目"). An entry that names its third level already is
/// offered as it is.
pub fn offered_categories(set: &[CategoryItem]) -> Vec<CategoryItem> {
    let mut offered = Vec::new();
    for c in set {
        let thirds = match c.third_id.filter(|&id| id != 0) {
            Some(_) => Vec::new(),
            None => super::provisional::third_levels(c.first_id, c.second_id),
        };
        if thirds.is_empty() {
            offered.push(c.clone());
        }
        for (id, name) in thirds {
            offered.push(CategoryItem {
                third_class: Some(name.to_owned()),
                third_id: Some(id),
                ..c.clone()
            });
        }
    }
    offered
}

/// Validates submit_audit's item_list (`None` items are empty ones) against
/// the code's pages and what `get_category` offers for `categories`, the
/// account's own.
pub fn check_audit_items(
    items: &[Option<AuditItem>],
    pages: &[String],
    categories: &[CategoryItem],
) -> Result<Vec<AuditItem>, SimError> {
    if items.len() < AUDIT_ITEMS_MIN || items.len() > AUDIT_ITEMS_MAX {
        return Err(SimError::new(85023, "item_list size must be 1-5"));
    }
    let offered = offered_categories(categories);
    let mut checked = Vec::new();
    for item in items {
        let item = match item {
            Some(i) if *i != AuditItem::default() => i,
            _ => return Err(SimError::new(85010, "item_list has an empty item")),
        };
        let page = item.address.split('?').next().unwrap_or("");
        if !pages.iter().any(|p| p == page) {
            return Err(SimError::new(
                85007,
                format!("invalid address: {}", item.address),
            ));
        }
        check_tag(&item.tag)?;
        let third_id = item.third_id.filter(|&id| id != 0);
        let third_class = item.third_class.as_deref().filter(|c| !c.is_empty());
        let category = offered.iter().find(|c| {
            c.first_id == item.first_id
                && c.second_id == item.second_id
                && (item.first_class.is_empty() || item.first_class == c.first_class)
                && (item.second_class.is_empty() || item.second_class == c.second_class)
                && c.third_id.filter(|&id| id != 0) == third_id
                && third_class.is_none_or(|name| c.third_class.as_deref() == Some(name))
        });
        let Some(category) = category else {
            return Err(SimError::new(85008, "invalid category"));
        };
        let still_offered = super::provisional::CATEGORY_TREE
            .iter()
            .any(|(f, _, s, _, t, _)| {
                *f == category.first_id
                    && *s == category.second_id
                    && third_id.is_none_or(|id| id == *t)
            });
        if !still_offered {
            return Err(SimError::new(85077, "category has been withdrawn"));
        }
        let title_chars = item.title.chars().count();
        if title_chars == 0 || title_chars > AUDIT_TITLE_MAX_CHARS {
            return Err(SimError::new(85011, "invalid title"));
        }
        checked.push(item.clone());
    }
    Ok(checked)
}

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
    let no_icp = !host.contains('.')
        || [".test", ".local", ".localhost", ".invalid", ".internal"]
            .iter()
            .any(|s| host.ends_with(s));
    if no_icp {
        return Err(SimError::new(85076, "url has no ICP filing"));
    }
    Ok(())
}

/// Whether `url` is a link under the rule `prefix` (85068 otherwise).
pub fn is_sub_link(prefix: &str, url: &str) -> bool {
    qrjump::is_under(prefix, url)
}

/// The Beijing calendar day number of a Unix time.
pub fn beijing_day(ts: i64) -> i64 {
    (ts + BEIJING_OFFSET_SECS).div_euclid(86400)
}

/// The Beijing calendar (year, month, day) of a Unix time.
pub fn beijing_date(ts: i64) -> (i64, u32, u32) {
    civil_from_days(beijing_day(ts))
}

/// Howard Hinnant's days → civil date.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn same_month(a: i64, b: i64) -> bool {
    let (ya, ma, _) = beijing_date(a);
    let (yb, mb, _) = beijing_date(b);
    ya == yb && ma == mb
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

// ---------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxa/commit", post(commit))
        .route("/wxa/get_qrcode", get(get_qrcode))
        .route("/wxa/get_category", get(get_category))
        .route("/wxa/get_page", get(get_page))
        .route("/wxa/submit_audit", post(submit_audit))
        .route("/wxa/get_auditstatus", post(get_auditstatus))
        .route("/wxa/get_latest_auditstatus", get(get_latest_auditstatus))
        .route("/wxa/release", post(release))
        .route("/wxa/change_visitstatus", post(change_visitstatus))
        .route("/wxa/revertcoderelease", get(revert_code_release))
        .route(
            "/cgi-bin/wxopen/getweappsupportversion",
            post(get_support_version),
        )
        .route(
            "/cgi-bin/wxopen/setweappsupportversion",
            post(set_support_version),
        )
        .route("/cgi-bin/wxopen/qrcodejumpadd", post(qrcode_jump_add))
        .route("/cgi-bin/wxopen/qrcodejumpget", post(qrcode_jump_get))
        .route(
            "/cgi-bin/wxopen/qrcodejumpdownload",
            post(qrcode_jump_download),
        )
        .route("/cgi-bin/wxopen/qrcodejumpdelete", post(qrcode_jump_delete))
        .route(
            "/cgi-bin/wxopen/qrcodejumppublish",
            post(qrcode_jump_publish),
        )
        .route("/wxa/undocodeaudit", get(undo_code_audit))
        .route("/wxa/grayrelease", post(gray_release))
        .route("/wxa/revertgrayrelease", get(revert_gray_release))
        .route("/wxa/getgrayreleaseplan", get(get_gray_release_plan))
        .route("/wxa/gettemplatedraftlist", get(get_template_draft_list))
        .route("/wxa/gettemplatelist", get(get_template_list))
        .route("/wxa/addtotemplate", post(add_to_template))
        .route("/wxa/deletetemplate", post(delete_template))
}

fn query_param(raw: &Option<String>, name: &str) -> Option<String> {
    let raw = raw.as_deref()?;
    url::form_urlencoded::parse(raw.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The authorizer behind `access_token`. Code management is for the platform
/// acting on behalf of a mini program (the seed: "请使用第三方平台获取到的该小程序
/// 授权的 authorizer_access_token"), so the platform's own component token and
/// the mini program's own token (`/cgi-bin/token`) are both 86000 ("不是由第三方
/// 代小程序进行调用").
fn authorizer_appid(state: &SimState, raw: &Option<String>, now: i64) -> Result<String, SimError> {
    let token = query_param(raw, "access_token");
    if let Some(t) = token.as_deref() {
        if state.component_tokens.contains_key(t) || state.is_own_token(t, now) {
            return Err(SimError::new(
                86000,
                "should be called only from third party",
            ));
        }
    }
    state.authorizer_appid(token.as_deref(), now)
}

/// Runs `f` on the authorizer behind the call's token.
fn with_authorizer<T>(
    sim: &Sim,
    raw: &Option<String>,
    f: impl FnOnce(&mut Authorizer, i64) -> Result<T, SimError>,
) -> Result<T, SimError> {
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, raw, now)?;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    f(authorizer, now)
}

fn no_commit() -> SimError {
    SimError::new(86001, "no code committed by the third party")
}

/// An integer that may arrive as a number or a numeric string.
fn int_field(body: &Value, name: &str) -> Option<i64> {
    match body.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn str_field(body: &Value, name: &str) -> Result<String, SimError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(SimError::bad_body(format!("{name} must be a string"))),
    }
}

async fn commit(State(sim): State<Sim>, RawQuery(raw): RawQuery, body: Bytes) -> SimResult {
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

async fn get_qrcode(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> Response {
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

async fn get_category(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    let list = with_authorizer(&sim, &raw, |a, _| Ok(offered_categories(&a.categories)))?;
    ok(json!({ "category_list": list }))
}

async fn get_page(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
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

async fn submit_audit(State(sim): State<Sim>, RawQuery(raw): RawQuery, body: Bytes) -> SimResult {
    let body: Value = parse_body(&body)?;
    let delay = sim.config().audit_delay.as_secs() as i64;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    // 85085: too many mini programs submitted by the platform in 7 days.
    let recent_apps = state
        .authorizers
        .values()
        .filter(|a| a.appid != appid)
        .filter(|a| {
            a.code
                .audits
                .iter()
                .any(|x| now - x.submitted_at < 7 * 86400)
        })
        .count();
    let auditid = 420_000_000 + state.next_serial() as i64;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if authorizer.nick_name.trim().is_empty() {
        return Err(SimError::new(
            86002,
            "nickname, avatar or introduction not set",
        ));
    }
    let code = authorizer
        .code
        .committed
        .clone()
        .ok_or_else(|| SimError::new(85086, "must commit code before submitting an audit"))?;
    if authorizer.code.audits.iter().any(Audit::in_review) {
        return Err(SimError::new(85009, "already has an audit in progress"));
    }
    if recent_apps >= WEEKLY_SUBMITTED_APPS_MAX {
        return Err(SimError::new(85085, "too many submissions in 7 days"));
    }
    let items: Vec<Option<AuditItem>> = match body.get("item_list") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| match v {
                Value::Object(_) => serde_json::from_value(v.clone())
                    .map(Some)
                    .map_err(SimError::bad_body),
                _ => Ok(None),
            })
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(SimError::bad_body("item_list must be an array")),
    };
    let items = check_audit_items(&items, &code.pages, &authorizer.categories)?;
    let feedback_info = match body.get("feedback_info") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    if feedback_info
        .as_deref()
        .is_some_and(|f| f.chars().count() > FEEDBACK_INFO_MAX_CHARS)
    {
        return Err(SimError::bad_body(
            "feedback_info longer than 200 characters",
        ));
    }
    if code.uses_navigate && !code.declares_navigate {
        return Err(SimError::new(
            85087,
            "navigateToMiniProgram used; declare navigateToMiniProgramAppIdList",
        ));
    }
    authorizer.code.audits.push(Audit {
        auditid,
        status: audit_status::AUDITING,
        reason: None,
        screenshot: None,
        submitted_at: now,
        due_at: now + delay,
        finished_at: None,
        code,
        item_list: items,
        feedback_info,
        released: false,
    });
    ok(json!({ "auditid": auditid }))
}

fn audit_answer(audit: &Audit) -> Value {
    let mut body = json!({ "status": audit.status });
    if matches!(audit.status, audit_status::REJECTED | audit_status::DELAYED) {
        if let Some(reason) = &audit.reason {
            body["reason"] = json!(reason);
        }
    }
    if audit.status == audit_status::REJECTED {
        if let Some(screenshot) = &audit.screenshot {
            body["screenshot"] = json!(screenshot);
        }
    }
    body
}

async fn get_auditstatus(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let answer = with_authorizer(&sim, &raw, |a, _| {
        if a.code.committed.is_none() {
            return Err(no_commit());
        }
        let audit = int_field(&body, "auditid")
            .and_then(|id| a.code.audits.iter().find(|x| x.auditid == id))
            .ok_or_else(|| SimError::new(85012, "invalid auditid"))?;
        Ok(audit_answer(audit))
    })?;
    ok(answer)
}

async fn get_latest_auditstatus(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    let answer = with_authorizer(&sim, &raw, |a, _| {
        if a.code.committed.is_none() {
            return Err(no_commit());
        }
        let audit = a
            .code
            .audits
            .last()
            .ok_or_else(|| SimError::new(85012, "invalid auditid"))?;
        let mut body = audit_answer(audit);
        // The seed shows the latest auditid as a string.
        body["auditid"] = json!(audit.auditid.to_string());
        Ok(body)
    })?;
    ok(answer)
}

async fn release(State(sim): State<Sim>, RawQuery(raw): RawQuery, body: Bytes) -> SimResult {
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

async fn change_visitstatus(
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

async fn revert_code_release(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
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

async fn get_support_version(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let _: Value = parse_body(&body)?;
    let now_version = with_authorizer(&sim, &raw, |a, _| {
        Ok(a.code
            .support_version
            .clone()
            .unwrap_or_else(|| BASE_LIBRARY_VERSIONS[0].0.to_owned()))
    })?;
    let items: Vec<Value> = BASE_LIBRARY_VERSIONS
        .iter()
        .map(|(version, percentage)| json!({"percentage": percentage, "version": version}))
        .collect();
    ok(json!({"now_version": now_version, "uv_info": {"items": items}}))
}

async fn set_support_version(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let version = body.get("version").and_then(Value::as_str).unwrap_or("");
    let settable = is_settable_base_library(version);
    with_authorizer(&sim, &raw, |a, _| {
        if !settable {
            return Err(SimError::new(85015, "invalid version"));
        }
        a.code.support_version = Some(version.to_owned());
        Ok(())
    })?;
    ok(json!({}))
}

/// A base-library version as `(major, minor, patch)`: three dot-separated
/// decimal numbers, no sign, no leading zero, none above 999.
pub fn parse_base_library(version: &str) -> Option<(u16, u16, u16)> {
    let mut parts = version.split('.').map(|part| {
        let well_formed = !part.is_empty()
            && part.len() <= 3
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        well_formed.then(|| part.parse::<u16>().ok()).flatten()
    });
    let parsed = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(parsed)
}

/// What `setweappsupportversion` accepts (else 85015 "版本输入错误"): any
/// well-formed version from 1.0.0 up to the newest in the distribution
/// `getweappsupportversion` reports — a released version need not be one of
/// the listed rows, but one newer than every release cannot exist yet.
pub fn is_settable_base_library(version: &str) -> bool {
    let newest = BASE_LIBRARY_VERSIONS
        .iter()
        .filter_map(|(v, _)| parse_base_library(v))
        .max();
    match (parse_base_library(version), newest) {
        (Some(wanted), Some(newest)) => wanted >= (1, 0, 0) && wanted <= newest,
        _ => false,
    }
}

/// Whether two rules' prefixes collide for different mini programs (85072).
fn occupies(existing: &JumpRule, prefix: &str, permit_sub_rule: i64) -> bool {
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

async fn qrcode_jump_add(
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

async fn qrcode_jump_get(
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

async fn qrcode_jump_download(
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
fn new_verify_file() -> (String, String) {
    (
        format!("{:010x}.txt", rand::random::<u64>() & 0xff_ffff_ffff),
        format!(
            "{:016x}{:016x}",
            rand::random::<u64>(),
            rand::random::<u64>()
        ),
    )
}

async fn qrcode_jump_delete(
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

async fn qrcode_jump_publish(
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

async fn undo_code_audit(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    with_authorizer(&sim, &raw, |a, now| {
        let code = &mut a.code;
        code.undo_times.retain(|t| same_month(*t, now));
        let today = beijing_day(now);
        if code.undo_times.iter().any(|t| beijing_day(*t) == today)
            || code.undo_times.len() >= UNDO_AUDIT_PER_MONTH
        {
            return Err(SimError::new(87013, "undo audit quota reached"));
        }
        let audit = code
            .audits
            .iter_mut()
            .rev()
            .find(|x| x.in_review())
            .ok_or_else(|| SimError::new(85019, "no audit in progress"))?;
        audit.status = audit_status::WITHDRAWN;
        audit.finished_at = Some(now);
        code.undo_times.push(now);
        Ok(())
    })?;
    ok(json!({}))
}

async fn gray_release(State(sim): State<Sim>, RawQuery(raw): RawQuery, body: Bytes) -> SimResult {
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

async fn revert_gray_release(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    with_authorizer(&sim, &raw, |a, _| {
        if let Some(plan) = a.code.gray.as_mut().filter(|g| g.status == 1) {
            plan.status = 4;
        }
        Ok(())
    })?;
    ok(json!({}))
}

async fn get_gray_release_plan(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
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

// --- Template library (component token, provisional shapes) ---------------

fn with_library<T>(
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

fn package_fields(p: &CodePackage) -> Value {
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

async fn get_template_draft_list(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
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

async fn get_template_list(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
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

async fn add_to_template(
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

async fn delete_template(
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

// ---------------------------------------------------------------------------
// Audit completion and pushes
// ---------------------------------------------------------------------------

const DEFAULT_REJECT_REASON: &str =
    "1:小程序功能不完整:<br>(1):页面内容为空或仅有测试数据,请补充实际服务内容后再提交<br>";
const DEFAULT_DELAY_REASON: &str = "审核需要更多时间核实服务类目资质,审核结果将延后通知";

/// Ends (or delays) the audit in review with `status` and builds its push.
fn finish_audit(
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
pub fn finish_due(sim: &super::Sim, now: i64) -> Vec<(super::push::Target, String)> {
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

// ---------------------------------------------------------------------------
// Control API
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
struct OutcomeBody {
    appid: String,
    status: i64,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    screenshot: Option<String>,
}

#[derive(Deserialize)]
struct DefaultBody {
    status: i64,
}

fn check_outcome(status: i64) -> Result<(), SimError> {
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
async fn force_outcome(State(sim): State<Sim>, body: Bytes) -> ControlResult {
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
async fn set_default_outcome(State(sim): State<Sim>, body: Bytes) -> ControlResult {
    let body: DefaultBody = parse_body(&body).map_err(control_error)?;
    check_outcome(body.status).map_err(control_error)?;
    sim.lock().code_templates.default_outcome = body.status;
    sim.save();
    Ok(Json(json!({"ok": true, "status": body.status})))
}

/// The code state of one mini program (for tests and demos).
async fn code_state(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> ControlResult {
    let appid = query_param(&raw, "appid").unwrap_or_default();
    let state = sim.lock();
    let authorizer = state
        .authorizers
        .get(&appid)
        .ok_or_else(|| control_error(SimError::new(40013, "invalid appid")))?;
    let value = serde_json::to_value(&authorizer.code)
        .map_err(|e| control_error(SimError::new(-1, e.to_string())))?;
    Ok(Json(value))
}

/// Control endpoints for code management (force audit outcomes…), under `/__sim`.
pub fn control_routes() -> Router<Sim> {
    Router::new()
        .route("/audit/outcome", post(force_outcome))
        .route("/audit/default", post(set_default_outcome))
        .route("/code/state", get(code_state))
        .route("/code/draft", post(add_draft))
        .route("/qrcodejump", post(set_qrcode_jump))
        .route("/qrcodejump/scan", get(scan_qrcode_jump))
}

#[derive(Deserialize)]
struct DraftUpload {
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
async fn add_draft(
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

#[derive(Deserialize)]
struct QrcodeJumpControl {
    appid: String,
    /// Publications left this month.
    pub_quota: Option<usize>,
    /// Whether `qrcodejumpdownload` handed out the verify file (false forgets it).
    verify_file_fetched: Option<bool>,
}

/// `POST /__sim/qrcodejump`: sets a mini program's monthly publish quota and whether its
/// verify file was fetched, so tests reach the quota and 85069 without 20 publishes.
async fn set_qrcode_jump(
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
struct ScanQuery {
    url: String,
}

/// `GET /__sim/qrcodejump/scan?url=`: what a WeChat scan of `url` opens, across every
/// mini program's published rules (the same matcher as the console's).
async fn scan_qrcode_jump(State(sim): State<Sim>, Query(q): Query<ScanQuery>) -> Json<Value> {
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
    fn tags_and_titles() {
        assert!(check_tag("学习 生活").is_ok());
        assert!(check_tag("").is_ok());
        assert_eq!(check_tag(&["a"; 11].join(" ")).unwrap_err().errcode, 85006);
        assert!(check_tag(&"字".repeat(20)).is_ok());
        assert_eq!(check_tag(&"字".repeat(21)).unwrap_err().errcode, 85006);

        let categories = vec![crate::simulator::second_level(304, "餐饮", 305, "咖啡")];
        let item = AuditItem {
            address: "index".into(),
            tag: "咖啡".into(),
            first_class: "餐饮".into(),
            second_class: "咖啡".into(),
            first_id: 304,
            second_id: 305,
            title: "首页".into(),
            ..Default::default()
        };
        let p = pages(&["index"]);
        let check = |items: Vec<Option<AuditItem>>| {
            check_audit_items(&items, &p, &categories)
                .err()
                .map(|e| e.errcode)
        };
        assert_eq!(check(vec![Some(item.clone())]), None);
        assert_eq!(check(vec![]), Some(85023));
        assert_eq!(check(vec![Some(item.clone()); 6]), Some(85023));
        assert_eq!(check(vec![None]), Some(85010));
        assert_eq!(check(vec![Some(AuditItem::default())]), Some(85010));
        let with = |f: &dyn Fn(&mut AuditItem)| {
            let mut i = item.clone();
            f(&mut i);
            check(vec![Some(i)])
        };
        assert_eq!(with(&|i| i.address = "other".into()), Some(85007));
        assert_eq!(with(&|i| i.second_id = 1), Some(85008));
        assert_eq!(with(&|i| i.third_id = Some(5)), Some(85008));
        assert_eq!(with(&|i| i.third_class = Some("高等".into())), Some(85008));
        assert_eq!(with(&|i| i.third_id = Some(0)), None);
        assert_eq!(with(&|i| i.title = "题".repeat(32)), None);
        assert_eq!(with(&|i| i.title = "题".repeat(33)), Some(85011));
        assert_eq!(with(&|i| i.title.clear()), Some(85011));
    }

    #[test]
    fn third_levels_are_offered_and_required() {
        let education = vec![crate::simulator::second_level(3, "教育", 4, "学历教育")];
        let offered = offered_categories(&education);
        let thirds: Vec<_> = offered
            .iter()
            .map(|c| (c.third_id, c.third_class.as_deref()))
            .collect();
        assert_eq!(thirds, [(Some(5), Some("高等")), (Some(6), Some("中等"))]);
        // An entry that names its third level already stays as it is.
        assert_eq!(offered_categories(&offered[..1]), offered[..1]);
        let item = AuditItem {
            address: "page/logs/logs".into(),
            first_class: "教育".into(),
            second_class: "学历教育".into(),
            third_class: Some("高等".into()),
            first_id: 3,
            second_id: 4,
            third_id: Some(5),
            title: "日志".into(),
            ..Default::default()
        };
        let p = pages(&["page/logs/logs"]);
        let with = |f: &dyn Fn(&mut AuditItem)| {
            let mut i = item.clone();
            f(&mut i);
            check_audit_items(&[Some(i)], &p, &education)
                .err()
                .map(|e| e.errcode)
        };
        assert_eq!(with(&|_| {}), None);
        assert_eq!(with(&|i| i.third_class = None), None);
        assert_eq!(with(&|i| i.third_id = Some(6)), Some(85008));
        assert_eq!(with(&|i| i.third_id = None), Some(85008));
        assert_eq!(
            with(&|i| {
                i.third_id = None;
                i.third_class = None;
            }),
            Some(85008)
        );
        assert_eq!(with(&|i| i.third_id = Some(99)), Some(85008));
        assert_eq!(with(&|i| i.third_class = Some("初等".into())), Some(85008));
    }

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

    #[test]
    fn beijing_calendar() {
        // 2026-11-30 16:00 UTC is 2026-12-01 00:00 in Beijing.
        assert_eq!(beijing_date(1_796_054_400 - 1), (2026, 11, 30));
        assert_eq!(beijing_date(1_796_054_400), (2026, 12, 1));
        assert_eq!(beijing_date(0), (1970, 1, 1));
        assert_eq!(beijing_date(951_782_400), (2000, 2, 29));
        assert!(same_month(1_796_054_400, 1_796_054_400 + 30 * 86400 - 1));
        assert!(!same_month(1_796_054_400 - 1, 1_796_054_400));
    }

    #[test]
    fn qrcode_is_a_jpeg() {
        let jpeg = qrcode_jpeg("appid=wx path=index");
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
        assert!(jpeg.windows(5).any(|w| w == b"appid"));
    }

    #[test]
    fn library_is_seeded_once() {
        let mut lib = CodeLibrary::default();
        lib.ensure_seeded(1_800_000_000);
        assert_eq!(lib.templates.len(), 3);
        assert_eq!(lib.drafts.len(), 4);
        lib.templates.clear();
        lib.ensure_seeded(1_800_000_000);
        assert!(lib.templates.is_empty());
    }
}
