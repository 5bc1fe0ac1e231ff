//! Function widgets (func-widget-submit.md): one function per mini program,
//! submitted for review on create / modify, taken offline or deleted when not
//! under review, a monthly submit quota on the simulated clock (China time),
//! and a review that finishes `config.audit_delay` after submission unless a
//! control call forces its outcome first.
//!
//! What the seed does not state (the quota's size, the category tree's
//! content, the access-check shape) is listed in [`super::provisional`]. The
//! seed gives no text lengths, so none are enforced beyond "required".

use std::collections::BTreeSet;
use std::sync::OnceLock;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use super::Sim;
use crate::api::widget::{
    status, FuncWidget, FuncWidgetInfo, Material, WidgetCategory, WidgetCategoryNode,
};
use crate::wire::is_internal_path;

/// "现阶段一个小程序只允许提交一个对应的功能直达服务".
pub const MAX_WIDGETS: usize = 1;
/// Submissions (create + modify) per natural month. The seed: "每个自然月最大
/// 提交次数可查看接入检查api返回结果" and 9009067 "达到最大提交次数", without the
/// number; WeChat's own 接入检查 page (func-widget/quickstart/apply.html, as
/// archived in github.com/wepyjs/weapp-document-tracker) answers
/// `"commit_times": 1, "left_commit_times": 2` for "一个自然月内" — three a
/// month. See `provisional`.
pub const DEFAULT_MONTHLY_SUBMITS: u32 = 3;
/// "可选1-3个类目".
pub const MIN_CATEGORIES: usize = 1;
pub const MAX_CATEGORIES: usize = 3;

/// Provisional function category tree: (id1, name1, id2, name2, id3, name3);
/// id3 0 means the second level has no third level. 10564 / 10707 is the
/// seed's example.
pub const WIDGET_CATEGORY_TREE: &[(i64, &str, i64, &str, i64, &str)] = &[
    (10564, "出行服务", 10707, "打车", 0, ""),
    (10564, "出行服务", 10708, "公交地铁", 0, ""),
    (10564, "出行服务", 10709, "火车票", 0, ""),
    (10565, "生活服务", 10710, "外卖", 0, ""),
    (10565, "生活服务", 10711, "快递", 10801, "寄快递"),
    (10565, "生活服务", 10711, "快递", 10802, "查快递"),
    (10566, "餐饮", 10712, "咖啡", 0, ""),
    (10566, "餐饮", 10713, "点餐", 0, ""),
    (10567, "工具", 10714, "办公", 0, ""),
];

/// The shipped region codes (china-division, see `wechat/data/`).
const REGION_CODES_JSON: &str = include_str!("../../data/region_codes.json");

/// Province and prefecture codes from the shipped file.
pub fn region_codes() -> &'static BTreeSet<i64> {
    static CODES: OnceLock<BTreeSet<i64>> = OnceLock::new();
    CODES.get_or_init(|| parse_region_codes(REGION_CODES_JSON))
}

fn parse_region_codes(text: &str) -> BTreeSet<i64> {
    let mut codes = BTreeSet::new();
    let Ok(root) = serde_json::from_str::<Value>(text) else {
        return codes;
    };
    for province in root["provinces"].as_array().into_iter().flatten() {
        if let Some(code) = province["code"].as_i64() {
            codes.insert(code);
        }
        for city in province["cities"].as_array().into_iter().flatten() {
            if let Some(code) = city["code"].as_i64() {
                codes.insert(code);
            }
        }
    }
    codes
}

/// Per-authorizer widget state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WidgetState {
    /// At most [`MAX_WIDGETS`].
    #[serde(default)]
    pub widgets: Vec<Widget>,
    /// The `index` the next function gets.
    #[serde(default)]
    pub next_index: i64,
    /// When each accepted submission (create / modify) was made.
    #[serde(default)]
    pub submissions: Vec<i64>,
    /// Set by the control API: the account may not use function widgets.
    #[serde(default)]
    pub ineligible: bool,
    /// Overrides [`DEFAULT_MONTHLY_SUBMITS`] (control API).
    #[serde(default)]
    pub monthly_limit: Option<u32>,
    /// How many of the next create / modify / offline / delete calls answer
    /// 9009099 ("系统失败，请重试。") without doing anything (control API).
    #[serde(default)]
    pub system_failures: u32,
}

/// A submitted function.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Widget {
    pub index: i64,
    pub content: FuncWidget,
    /// See [`crate::api::widget::status`].
    pub status: i64,
    #[serde(default)]
    pub reason: String,
    pub submit_time: i64,
    /// When the review finishes (while under review).
    pub review_due: i64,
    /// A verdict forced through the control API for the current review.
    #[serde(default)]
    pub forced: Option<Verdict>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject {
        #[serde(default)]
        reason: String,
    },
}

impl WidgetState {
    /// Finishes reviews whose time has come.
    pub fn settle(&mut self, now: i64) {
        for widget in &mut self.widgets {
            if widget.status == status::UNDER_REVIEW && widget.review_due <= now {
                match widget.forced.take() {
                    Some(Verdict::Reject { reason }) => {
                        widget.status = status::REJECTED;
                        widget.reason = if reason.is_empty() {
                            "功能素材与服务内容不符".to_owned()
                        } else {
                            reason
                        };
                    }
                    Some(Verdict::Approve) | None => {
                        widget.status = status::ONLINE;
                        widget.reason.clear();
                    }
                }
            }
        }
    }

    pub fn monthly_limit(&self) -> u32 {
        self.monthly_limit.unwrap_or(DEFAULT_MONTHLY_SUBMITS)
    }

    /// Submissions in the natural month (China time) of `now`.
    pub fn submits_this_month(&self, now: i64) -> u32 {
        let month = month_key(now);
        self.submissions
            .iter()
            .filter(|t| month_key(**t) == month)
            .count() as u32
    }

    fn check_quota(&self, now: i64) -> Result<(), SimError> {
        if self.submits_this_month(now) >= self.monthly_limit() {
            Err(SimError::new(9009067, "达到最大提交次数"))
        } else {
            Ok(())
        }
    }

    fn record_submission(&mut self, now: i64) {
        let month = month_key(now);
        // Earlier months no longer matter.
        self.submissions.retain(|t| month_key(*t) == month);
        self.submissions.push(now);
    }

    /// Uses up one injected system failure (9009099), if any is pending.
    fn take_system_failure(&mut self) -> Result<(), SimError> {
        if self.system_failures == 0 {
            return Ok(());
        }
        self.system_failures -= 1;
        Err(SimError::new(9009099, "系统失败，请重试。"))
    }

    fn find(&mut self, index: Option<i64>, what: &str) -> Result<&mut Widget, SimError> {
        let index = index.ok_or_else(|| SimError::new(9009098, "参数错误：缺少 index"))?;
        self.widgets
            .iter_mut()
            .find(|w| w.index == index)
            .ok_or_else(|| SimError::new(9008996, format!("{what}的功能不存在。")))
    }
}

/// `year * 12 + month0` of a Unix time in China time (UTC+8): the natural
/// month the quota counts in.
pub fn month_key(unix: i64) -> i64 {
    let days = (unix + 8 * 3600).div_euclid(86_400);
    let (year, month) = civil_from_days(days);
    year * 12 + (month - 1)
}

/// Howard Hinnant's days-to-civil: (year, month 1–12).
fn civil_from_days(days: i64) -> (i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month)
}

fn param_error(detail: &str) -> SimError {
    SimError::new(9009098, format!("参数错误，请查看请求字段描述。{detail}"))
}

/// Decodes a function-widget request. A body that is not JSON at all is
/// WeChat's generic 47001; JSON with a field of the wrong type (or a required
/// one missing) is the seed's 9009098 "参数错误，请查看请求字段描述".
fn parse_widget_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, SimError> {
    let value: Value = parse_body(bytes)?;
    serde_json::from_value(value).map_err(|e| param_error(&e.to_string()))
}

/// 9009065 "获取功能类目失败": a function's categories hang off the mini
/// program's own service categories; an account with none has nothing to
/// take them from (provisional reading, see `provisional`).
fn check_account_categories(authorizer: &super::Authorizer) -> Result<(), SimError> {
    if authorizer.categories.is_empty() {
        return Err(SimError::new(9009065, "获取功能类目失败"));
    }
    Ok(())
}

/// `keyword`: required ("是"), one line.
pub fn check_keyword(keyword: &str) -> Result<(), SimError> {
    let trimmed = keyword.trim();
    if trimmed.is_empty() {
        return Err(param_error("keyword 不能为空"));
    }
    if keyword.chars().any(char::is_control) {
        return Err(param_error("keyword 含有非法字符"));
    }
    Ok(())
}

/// `brandname`: optional (empty takes the mini program's name), one line.
pub fn check_brandname(brandname: &str) -> Result<(), SimError> {
    if brandname.chars().any(char::is_control) {
        return Err(param_error("brandname 含有非法字符"));
    }
    Ok(())
}

/// `areacode`: each a shipped province / prefecture code, no repeats.
pub fn check_areacodes(codes: &[i64]) -> Result<(), SimError> {
    let known = region_codes();
    let mut seen = BTreeSet::new();
    for code in codes {
        if !known.contains(code) {
            return Err(param_error(&format!("areacode {code} 不存在")));
        }
        if !seen.insert(*code) {
            return Err(param_error(&format!("areacode {code} 重复")));
        }
    }
    Ok(())
}

/// `categorylist`: 1–3 entries (9008999), each a known first + second level
/// (and third level when given), no repeats (9008998).
pub fn check_categories(list: &[WidgetCategory]) -> Result<(), SimError> {
    if !(MIN_CATEGORIES..=MAX_CATEGORIES).contains(&list.len()) {
        return Err(SimError::new(9008999, "提交功能类目个数小于1个或大于3个"));
    }
    let mut seen = BTreeSet::new();
    for c in list {
        let known = c.id1 > 0
            && c.id2 > 0
            && WIDGET_CATEGORY_TREE.iter().any(|(id1, _, id2, _, id3, _)| {
                *id1 == c.id1 && *id2 == c.id2 && (c.id3 == 0 || *id3 == c.id3)
            });
        if !known {
            return Err(SimError::new(
                9008998,
                format!("功能类目ID有误：{}/{}/{}", c.id1, c.id2, c.id3),
            ));
        }
        if !seen.insert((c.id1, c.id2, c.id3)) {
            return Err(SimError::new(9008998, "功能类目ID有误：类目重复"));
        }
    }
    Ok(())
}

fn is_icon_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/'))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// `material`: iconType 0 / 1, 2 or 4 cells with title and desc (and icon
/// when iconType is 1) → 9008997; internal, distinct jump paths → 9008994.
pub fn check_material(material: &Material) -> Result<(), SimError> {
    let bad = |detail: &str| SimError::new(9008997, format!("功能素材格式有误：{detail}"));
    if !matches!(material.icon_type, 0 | 1) {
        return Err(bad("iconType 只能为 0 或 1"));
    }
    if !matches!(material.items.len(), 2 | 4) {
        return Err(bad("宫格个数只能为 2 或 4"));
    }
    for item in &material.items {
        if item.title.trim().is_empty() {
            return Err(bad("title 不能为空"));
        }
        if item.desc.trim().is_empty() {
            return Err(bad("desc 不能为空"));
        }
        if material.icon_type == 1 && !is_icon_url(&item.icon) {
            return Err(bad("iconType 为 1 时 icon 必须为图标 URL"));
        }
    }
    let mut paths = BTreeSet::new();
    for item in &material.items {
        let jump_error = || {
            SimError::new(
                9008994,
                "提交功能跳转路径有误，非小程序内跳转路径或者多个宫格跳转路径相同",
            )
        };
        if !is_internal_path(&item.jump_url) {
            return Err(jump_error());
        }
        let normalized = item.jump_url.trim_start_matches('/');
        if !paths.insert(normalized.to_owned()) {
            return Err(jump_error());
        }
    }
    Ok(())
}

/// Every content rule, in the order WeChat reports them.
pub fn validate(widget: &FuncWidget) -> Result<(), SimError> {
    check_keyword(&widget.keyword)?;
    check_brandname(&widget.brandname)?;
    check_areacodes(&widget.areacode)?;
    check_categories(&widget.categorylist)?;
    check_material(&widget.material)
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ModifyBody {
    #[serde(default)]
    index: Option<i64>,
    #[serde(flatten)]
    widget: FuncWidget,
}

#[derive(Debug, Deserialize)]
struct IndexBody {
    #[serde(default)]
    index: Option<i64>,
}

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/widget/funcwidget/createfuncwidget", post(create))
        .route("/widget/funcwidget/modifyfuncwidget", post(modify))
        .route("/widget/funcwidget/offlinefuncwidget", post(offline))
        .route("/widget/funcwidget/deletefuncwidget", post(delete))
        .route("/widget/funcwidget/checkfuncwidget", post(check))
        .route("/widget/funcwidget/getcategory", post(categories))
}

fn review_secs(sim: &Sim) -> i64 {
    i64::try_from(sim.config().audit_delay.as_secs()).unwrap_or(i64::MAX / 4)
}

/// The stored content: an empty brand name takes the mini program's name.
fn stored_content(mut widget: FuncWidget, nick_name: &str) -> FuncWidget {
    if widget.brandname.trim().is_empty() {
        widget.brandname = nick_name.to_owned();
    }
    widget
}

async fn create(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: FuncWidget = parse_widget_body(&body)?;
    let now = sim.now();
    let review = review_secs(&sim);
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    authorizer.widget.take_system_failure()?;
    check_account_categories(authorizer)?;
    let nick_name = authorizer.nick_name.clone();
    let w = &mut authorizer.widget;
    w.settle(now);
    if w.ineligible {
        return Err(SimError::new(
            9009098,
            "参数错误，请查看请求字段描述以及检查小程序是否可以接入。",
        ));
    }
    if w.widgets.len() >= MAX_WIDGETS {
        return Err(SimError::new(
            9009068,
            "达到最大功能个数（现阶段，单个小程序最多一个功能）",
        ));
    }
    validate(&request)?;
    w.check_quota(now)?;
    let index = w.next_index;
    w.next_index += 1;
    w.widgets.push(Widget {
        index,
        content: stored_content(request, &nick_name),
        status: status::UNDER_REVIEW,
        reason: String::new(),
        submit_time: now,
        review_due: now.saturating_add(review),
        forced: None,
    });
    w.record_submission(now);
    drop(state);
    ok(json!({"errmsg": "success"}))
}

async fn modify(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: ModifyBody = parse_widget_body(&body)?;
    let now = sim.now();
    let review = review_secs(&sim);
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    authorizer.widget.take_system_failure()?;
    check_account_categories(authorizer)?;
    let nick_name = authorizer.nick_name.clone();
    let w = &mut authorizer.widget;
    w.settle(now);
    let under_review = w.find(request.index, "修改")?.status == status::UNDER_REVIEW;
    if under_review {
        return Err(SimError::new(
            9008995,
            "修改的功能在审核中，请审核通过之后再提交修改。",
        ));
    }
    validate(&request.widget)?;
    w.check_quota(now)?;
    let widget = w.find(request.index, "修改")?;
    widget.content = stored_content(request.widget, &nick_name);
    widget.status = status::UNDER_REVIEW;
    widget.reason.clear();
    widget.submit_time = now;
    widget.review_due = now.saturating_add(review);
    widget.forced = None;
    w.record_submission(now);
    drop(state);
    ok(json!({"errmsg": "success"}))
}

async fn offline(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: IndexBody = parse_widget_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let w = &mut state.authorizer_mut(q.access_token.as_deref(), now)?.widget;
    w.take_system_failure()?;
    w.settle(now);
    let widget = w.find(request.index, "下线")?;
    match widget.status {
        status::UNDER_REVIEW => Err(SimError::new(
            9008995,
            "修改的功能在审核中，请审核通过之后再下线。",
        )),
        // Only an online function can be taken offline.
        status::ONLINE => {
            widget.status = status::OFFLINE;
            drop(state);
            ok(json!({"errmsg": "success"}))
        }
        _ => Err(SimError::new(9008996, "下线的功能不存在。")),
    }
}

async fn delete(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: IndexBody = parse_widget_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let w = &mut state.authorizer_mut(q.access_token.as_deref(), now)?.widget;
    w.take_system_failure()?;
    w.settle(now);
    let widget = w.find(request.index, "删除")?;
    if widget.status == status::UNDER_REVIEW {
        return Err(SimError::new(
            9008995,
            "修改的功能在审核中，请审核通过之后再删除。",
        ));
    }
    let index = widget.index;
    w.widgets.retain(|x| x.index != index);
    drop(state);
    ok(json!({"errmsg": "success"}))
}

/// Provisional access check: eligibility, the quota and every function.
async fn check(State(sim): State<Sim>, Query(q): Query<TokenQuery>) -> SimResult {
    let now = sim.now();
    let mut state = sim.lock();
    let w = &mut state.authorizer_mut(q.access_token.as_deref(), now)?.widget;
    w.settle(now);
    let func_list: Vec<FuncWidgetInfo> = w
        .widgets
        .iter()
        .map(|x| FuncWidgetInfo {
            index: x.index,
            status: x.status,
            reason: x.reason.clone(),
            submit_time: x.submit_time,
            widget: x.content.clone(),
        })
        .collect();
    let body = json!({
        "can_apply": i64::from(!w.ineligible),
        "max_submit_count": w.monthly_limit(),
        "submit_count": w.submits_this_month(now),
        "func_list": func_list,
    });
    drop(state);
    ok(body)
}

/// Provisional category tree.
async fn categories(State(sim): State<Sim>, Query(q): Query<TokenQuery>) -> SimResult {
    let now = sim.now();
    sim.lock()
        .authorizer_appid(q.access_token.as_deref(), now)?;
    let list: Vec<WidgetCategoryNode> = WIDGET_CATEGORY_TREE
        .iter()
        .map(|(id1, name1, id2, name2, id3, name3)| WidgetCategoryNode {
            id1: *id1,
            name1: (*name1).to_owned(),
            id2: *id2,
            name2: (*name2).to_owned(),
            id3: *id3,
            name3: (*name3).to_owned(),
        })
        .collect();
    ok(json!({ "category_list": list }))
}

// ---------------------------------------------------------------------------
// Control API (under `/__sim`), for tests and demos.
// ---------------------------------------------------------------------------

/// Widget and template control endpoints:
/// * `POST /widget/review` `{"appid", "outcome": "approve"|"reject", "reason"?, "finish_now"?}`;
/// * `POST /widget/eligibility` `{"appid", "eligible"}`;
/// * `POST /widget/quota` `{"appid", "monthly_limit"}`;
/// * `POST /widget/system-failure` `{"appid", "times"?}`: the next `times`
///   (default 1) create / modify / offline / delete calls of `appid` answer
///   9009099 "系统失败，请重试。" and change nothing — the seed lists the code
///   without saying what causes it, so only this switch produces it;
/// * and those of [`super::template::control_routes`].
pub fn control_routes() -> Router<Sim> {
    Router::new()
        .route("/widget/review", post(control_review))
        .route("/widget/eligibility", post(control_eligibility))
        .route("/widget/quota", post(control_quota))
        .route("/widget/system-failure", post(control_system_failure))
        .merge(super::template::control_routes())
        .merge(super::subscribe::control_routes())
}

/// Decides the current review of `appid`'s function; with `finish_now` the
/// review ends at once, otherwise when its delay is over.
pub fn force_review(
    sim: &Sim,
    appid: &str,
    verdict: Verdict,
    finish_now: bool,
) -> Result<(), SimError> {
    let now = sim.now();
    {
        let mut state = sim.lock();
        let w = &mut state
            .authorizers
            .get_mut(appid)
            .ok_or_else(|| SimError::new(40013, "invalid appid"))?
            .widget;
        w.settle(now);
        let widget = w
            .widgets
            .iter_mut()
            .find(|x| x.status == status::UNDER_REVIEW)
            .ok_or_else(|| SimError::new(9008996, "no function under review"))?;
        widget.forced = Some(verdict);
        if finish_now {
            widget.review_due = now;
        }
        w.settle(now);
    }
    sim.save();
    Ok(())
}

#[derive(Deserialize)]
struct ReviewBody {
    appid: String,
    #[serde(flatten)]
    verdict: Verdict,
    #[serde(default = "yes")]
    finish_now: bool,
}

fn yes() -> bool {
    true
}

async fn control_review(State(sim): State<Sim>, Json(body): Json<ReviewBody>) -> ControlResult {
    force_review(&sim, &body.appid, body.verdict, body.finish_now).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

fn with_widget_state(
    sim: &Sim,
    appid: &str,
    change: impl FnOnce(&mut WidgetState),
) -> Result<(), SimError> {
    {
        let mut state = sim.lock();
        let authorizer = state
            .authorizers
            .get_mut(appid)
            .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
        change(&mut authorizer.widget);
    }
    sim.save();
    Ok(())
}

/// Whether `appid` may use function widgets (create answers 9009098 if not).
pub fn set_eligible(sim: &Sim, appid: &str, eligible: bool) -> Result<(), SimError> {
    with_widget_state(sim, appid, |w| w.ineligible = !eligible)
}

/// Changes `appid`'s monthly submit quota.
pub fn set_monthly_limit(sim: &Sim, appid: &str, limit: u32) -> Result<(), SimError> {
    with_widget_state(sim, appid, |w| w.monthly_limit = Some(limit))
}

#[derive(Deserialize)]
struct EligibilityBody {
    appid: String,
    eligible: bool,
}

async fn control_eligibility(
    State(sim): State<Sim>,
    Json(body): Json<EligibilityBody>,
) -> ControlResult {
    set_eligible(&sim, &body.appid, body.eligible).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
struct QuotaBody {
    appid: String,
    monthly_limit: u32,
}

async fn control_quota(State(sim): State<Sim>, Json(body): Json<QuotaBody>) -> ControlResult {
    set_monthly_limit(&sim, &body.appid, body.monthly_limit).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

/// Makes the next `times` widget writes of `appid` answer 9009099.
pub fn inject_system_failures(sim: &Sim, appid: &str, times: u32) -> Result<(), SimError> {
    with_widget_state(sim, appid, |w| w.system_failures = times)
}

#[derive(Deserialize)]
struct SystemFailureBody {
    appid: String,
    #[serde(default = "one_failure")]
    times: u32,
}

fn one_failure() -> u32 {
    1
}

async fn control_system_failure(
    State(sim): State<Sim>,
    Json(body): Json<SystemFailureBody>,
) -> ControlResult {
    inject_system_failures(&sim, &body.appid, body.times).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::widget::MaterialItem;

    fn item(n: usize) -> MaterialItem {
        MaterialItem {
            icon: format!("https://pic.pic/pic{n}.png"),
            title: format!("here_is_title{n}"),
            desc: format!("here_is_desc{n}"),
            jump_url: format!("pages/index/index{n}"),
        }
    }

    fn seed_example() -> FuncWidget {
        FuncWidget::seed_example()
    }

    fn code(r: Result<(), SimError>) -> i64 {
        r.err().map_or(0, |e| e.errcode)
    }

    #[test]
    fn the_seed_example_is_valid() {
        assert_eq!(code(validate(&seed_example())), 0);
    }

    #[test]
    fn region_codes_are_shipped() {
        let codes = region_codes();
        assert!(codes.len() > 300, "{}", codes.len());
        for c in [110000, 120000, 110100, 440100, 650000] {
            assert!(codes.contains(&c), "{c}");
        }
        assert!(!codes.contains(&999999));
        assert!(parse_region_codes("not json").is_empty());
    }

    #[test]
    fn keyword_and_brandname_rules() {
        assert_eq!(code(check_keyword("打车")), 0);
        assert_eq!(code(check_keyword("  ")), 9009098);
        // The seed states no length: a long keyword is WeChat's to judge.
        assert_eq!(code(check_keyword(&"车".repeat(64))), 0);
        assert_eq!(code(check_keyword("打\n车")), 9009098);
        assert_eq!(code(check_brandname("")), 0);
        assert_eq!(code(check_brandname(&"品".repeat(64))), 0);
        assert_eq!(code(check_brandname("品\t牌")), 9009098);
    }

    #[test]
    fn areacodes_must_be_known_and_distinct() {
        assert_eq!(code(check_areacodes(&[])), 0);
        assert_eq!(code(check_areacodes(&[440000, 440300])), 0);
        assert_eq!(code(check_areacodes(&[123456])), 9009098);
        assert_eq!(code(check_areacodes(&[110000, 110000])), 9009098);
    }

    #[test]
    fn category_rules() {
        let c = |id1, id2, id3| WidgetCategory { id1, id2, id3 };
        assert_eq!(code(check_categories(&[])), 9008999);
        assert_eq!(
            code(check_categories(&[
                c(10564, 10707, 0),
                c(10564, 10708, 0),
                c(10566, 10712, 0),
                c(10567, 10714, 0)
            ])),
            9008999
        );
        assert_eq!(code(check_categories(&[c(10565, 10711, 10801)])), 0);
        assert_eq!(code(check_categories(&[c(10565, 10711, 0)])), 0);
        assert_eq!(code(check_categories(&[c(10565, 10711, 99)])), 9008998);
        assert_eq!(code(check_categories(&[c(10564, 0, 0)])), 9008998);
        assert_eq!(code(check_categories(&[c(1, 2, 0)])), 9008998);
        assert_eq!(
            code(check_categories(&[c(10564, 10707, 0), c(10564, 10707, 0)])),
            9008998
        );
    }

    #[test]
    fn material_rules() {
        let base = seed_example().material;
        assert_eq!(code(check_material(&base)), 0);
        let mut m = base.clone();
        m.items.truncate(3);
        assert_eq!(code(check_material(&m)), 9008997);
        m.items.truncate(2);
        assert_eq!(code(check_material(&m)), 0);
        m.items.truncate(1);
        assert_eq!(code(check_material(&m)), 9008997);
        let mut m = base.clone();
        m.items.push(item(5));
        assert_eq!(code(check_material(&m)), 9008997);
        let mut m = base.clone();
        m.icon_type = 2;
        assert_eq!(code(check_material(&m)), 9008997);
        let mut m = base.clone();
        m.items[0].icon.clear();
        assert_eq!(code(check_material(&m)), 9008997);
        m.icon_type = 0;
        assert_eq!(code(check_material(&m)), 0);
        let mut m = base.clone();
        m.items[1].title = " ".into();
        assert_eq!(code(check_material(&m)), 9008997);
        let mut m = base.clone();
        m.items[1].desc = String::new();
        assert_eq!(code(check_material(&m)), 9008997);
        m.items[1].desc = "述".repeat(64);
        assert_eq!(code(check_material(&m)), 0);
        let mut m = base.clone();
        m.items[2].jump_url = "https://example.com".into();
        assert_eq!(code(check_material(&m)), 9008994);
        let mut m = base.clone();
        m.items[3].jump_url = "/pages/index/index1".into();
        assert_eq!(code(check_material(&m)), 9008994);
    }

    #[test]
    fn months_are_counted_in_china_time() {
        // 2024-01-31T16:00:00Z is 2024-02-01 00:00 in China.
        let feb_first_cn = 1_706_716_800;
        assert_eq!(month_key(feb_first_cn), 2024 * 12 + 1);
        assert_eq!(month_key(feb_first_cn - 1), 2024 * 12);
        // 2024-02-29 (leap day) is still February.
        assert_eq!(month_key(1_709_164_800), 2024 * 12 + 1);
        assert_eq!(month_key(0), 1970 * 12);
        assert_eq!(month_key(-86_400 * 2), 1969 * 12 + 11);
    }

    #[test]
    fn reviews_settle_with_forced_or_default_outcome() {
        let mut w = WidgetState::default();
        w.widgets.push(Widget {
            index: 0,
            content: seed_example(),
            status: status::UNDER_REVIEW,
            reason: String::new(),
            submit_time: 100,
            review_due: 160,
            forced: None,
        });
        w.settle(159);
        assert_eq!(w.widgets[0].status, status::UNDER_REVIEW);
        w.settle(160);
        assert_eq!(w.widgets[0].status, status::ONLINE);
        w.widgets[0].status = status::UNDER_REVIEW;
        w.widgets[0].forced = Some(Verdict::Reject { reason: "x".into() });
        w.settle(161);
        assert_eq!(w.widgets[0].status, status::REJECTED);
        assert_eq!(w.widgets[0].reason, "x");
    }

    #[test]
    fn quota_counts_only_this_month() {
        let mut w = WidgetState {
            monthly_limit: Some(2),
            ..Default::default()
        };
        let feb = 1_706_716_800;
        w.record_submission(feb - 10);
        w.record_submission(feb - 5);
        assert_eq!(code(w.check_quota(feb - 1)), 9009067);
        assert_eq!(code(w.check_quota(feb)), 0);
        w.record_submission(feb);
        assert_eq!(w.submissions.len(), 1);
    }
}
