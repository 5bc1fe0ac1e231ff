//! Message templates (template-message-api.md): a template library of titles
//! and their keyword libraries, the account's own templates composed from
//! them, sending against form ids / prepay ids with their use counts and 7-day
//! life, the daily call quota, and `/cgi-bin/token`.
//!
//! Paging and composition errors the seed gives no code for answer 47001
//! (provisional, see [`super::provisional`]).

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use super::state::TOKEN_TTL_SECS;
use super::Sim;
use crate::api::template::{DataValue, MAX_KEYWORDS, MAX_PAGE_COUNT};

/// "目前默认每个帐号日调用限额为100万".
pub const DEFAULT_DAILY_SEND_LIMIT: u64 = 1_000_000;
/// "7天内推送有限条数".
pub const FORM_ID_TTL_SECS: i64 = 7 * 86_400;
/// "1次提交表单可下发1条".
pub const FORM_SENDS: u32 = 1;
/// "1次支付可下发3条".
pub const PREPAY_SENDS: u32 = 3;
/// Sent messages kept for the control API.
const SENT_LOG_LIMIT: usize = 200;

/// Appends a delivered message to `log`, keeping the newest [`SENT_LOG_LIMIT`].
pub(super) fn log_sent<T>(log: &mut Vec<T>, message: T) {
    log.push(message);
    if log.len() > SENT_LOG_LIMIT {
        let extra = log.len() - SENT_LOG_LIMIT;
        log.drain(..extra);
    }
}

type Keyword = (i64, &'static str, &'static str);

/// The template library: (title id, title, keywords (id, name, example)).
/// AT0002–AT0006 are the seed's examples.
#[rustfmt::skip]
pub const LIBRARY: &[(&str, &str, &[Keyword])] = &[
    ("AT0001", "订单支付成功通知", &[
        (1, "订单号", "201808080001"), (2, "支付金额", "88.00元"), (3, "支付时间", "2018年8月8日 12:00"),
        (4, "商品名称", "拿铁咖啡"), (5, "支付方式", "微信支付"),
    ]),
    ("AT0002", "购买成功通知", &[
        (3, "购买地点", "TIT造舰厂"), (4, "购买时间", "2016年6月6日"), (5, "物品名称", "咖啡"),
        (6, "交易单号", "4200000001201606060001"), (7, "购买数量", "2件"), (8, "支付金额", "36.00元"),
    ]),
    ("AT0003", "购买失败通知", &[
        (1, "物品名称", "咖啡"), (2, "失败原因", "库存不足"), (3, "购买时间", "2016年6月6日"),
        (4, "退款金额", "36.00元"),
    ]),
    ("AT0004", "交易提醒", &[
        (1, "交易类型", "消费"), (2, "交易金额", "120.00元"), (3, "交易时间", "2018年5月1日 09:30"),
        (4, "交易商户", "星辰咖啡"), (5, "卡号尾号", "8866"),
    ]),
    ("AT0005", "付款成功通知", &[
        (1, "付款金额", "59.90元"), (2, "付款时间", "2018年3月12日 18:20"), (3, "商户名称", "青禾生鲜"),
        (4, "订单编号", "QH20180312001"),
    ]),
    ("AT0006", "付款失败通知", &[
        (1, "付款金额", "59.90元"), (2, "失败原因", "余额不足"), (3, "付款时间", "2018年3月12日 18:20"),
    ]),
    ("AT0007", "订单发货提醒", &[
        (1, "订单编号", "QH20180312001"), (2, "快递公司", "顺丰速运"), (3, "快递单号", "SF1234567890"),
        (4, "发货时间", "2018年3月13日 10:00"), (5, "收货地址", "广州市天河区天河路208号"),
    ]),
    ("AT0008", "退款成功通知", &[
        (1, "退款金额", "36.00元"), (2, "退款原因", "商品缺货"), (3, "到账时间", "1-3个工作日"),
        (4, "订单编号", "QH20180312002"),
    ]),
    ("AT0009", "预约成功通知", &[
        (1, "预约项目", "洗车"), (2, "预约时间", "2018年6月1日 14:00"), (3, "预约门店", "天河店"),
        (4, "联系电话", "020-12345678"), (5, "温馨提示", "请提前10分钟到店"),
    ]),
    ("AT0010", "预约取消通知", &[
        (1, "预约项目", "洗车"), (2, "预约时间", "2018年6月1日 14:00"), (3, "取消原因", "门店临时停业"),
    ]),
    ("AT0011", "报名成功通知", &[
        (1, "活动名称", "城市夜跑"), (2, "活动时间", "2018年7月7日 19:30"), (3, "活动地点", "海心沙广场"),
        (4, "报名人", "张三"),
    ]),
    ("AT0012", "审核结果通知", &[
        (1, "审核项目", "实名认证"), (2, "审核结果", "通过"), (3, "审核时间", "2018年4月2日 11:00"),
        (4, "备注", "如有疑问请联系客服"),
    ]),
    ("AT0013", "排队叫号提醒", &[
        (1, "排队号码", "A028"), (2, "前方等待", "3桌"), (3, "门店名称", "粤海喜来登酒店中餐厅"),
        (4, "预计等待时间", "15分钟"),
    ]),
    ("AT0014", "取餐提醒", &[
        (1, "取餐号", "1024"), (2, "门店名称", "星辰咖啡"), (3, "商品详情", "拿铁咖啡×1"),
        (4, "取餐地点", "一楼取餐台"),
    ]),
    ("AT0015", "订座成功通知", &[
        (1, "餐厅名称", "粤海喜来登酒店中餐厅"), (2, "用餐时间", "2015年01月05日 12:30"), (3, "用餐人数", "4人"),
        (4, "桌位", "大厅12号桌"), (5, "餐厅地址", "广州市天河区天河路208号"),
    ]),
    ("AT0016", "快递签收提醒", &[
        (1, "快递单号", "SF1234567890"), (2, "签收时间", "2018年3月14日 16:45"), (3, "签收人", "本人"),
    ]),
    ("AT0017", "物流状态更新提醒", &[
        (1, "快递单号", "SF1234567890"), (2, "当前状态", "派送中"), (3, "更新时间", "2018年3月14日 09:10"),
        (4, "当前位置", "广州天河营业点"),
    ]),
    ("AT0018", "行程结束通知", &[
        (1, "出发地", "广州塔"), (2, "目的地", "白云机场"), (3, "行程费用", "86.50元"),
        (4, "行程时间", "2018年9月9日 07:30"), (5, "车牌号", "粤A12345"),
    ]),
    ("AT0019", "司机接单提醒", &[
        (1, "司机姓名", "李师傅"), (2, "车牌号", "粤A12345"), (3, "车型", "白色大众朗逸"),
        (4, "预计到达", "5分钟"), (5, "联系电话", "138****8888"),
    ]),
    ("AT0020", "酒店预订成功通知", &[
        (1, "酒店名称", "粤海喜来登酒店"), (2, "入住日期", "2018年10月1日"), (3, "离店日期", "2018年10月3日"),
        (4, "房型", "豪华大床房"), (5, "订单金额", "1280.00元"),
    ]),
    ("AT0021", "入住提醒", &[
        (1, "酒店名称", "粤海喜来登酒店"), (2, "入住时间", "2018年10月1日 14:00后"), (3, "酒店地址", "广州市天河区天河路208号"),
    ]),
    ("AT0022", "航班变动提醒", &[
        (1, "航班号", "CZ3101"), (2, "原起飞时间", "2018年11月11日 08:00"), (3, "新起飞时间", "2018年11月11日 09:30"),
        (4, "变动原因", "天气原因"),
    ]),
    ("AT0023", "火车票出票成功通知", &[
        (1, "车次", "G79"), (2, "出发站", "北京西"), (3, "到达站", "广州南"), (4, "发车时间", "2018年12月1日 10:00"),
        (5, "座位", "5车12F"),
    ]),
    ("AT0024", "课程开课提醒", &[
        (1, "课程名称", "小程序开发入门"), (2, "上课时间", "2018年9月1日 19:00"), (3, "上课地点", "线上直播"),
        (4, "授课老师", "王老师"),
    ]),
    ("AT0025", "作业提交提醒", &[
        (1, "作业名称", "第三章练习"), (2, "截止时间", "2018年9月8日 23:59"), (3, "所属课程", "小程序开发入门"),
    ]),
    ("AT0026", "缴费成功通知", &[
        (1, "缴费项目", "物业费"), (2, "缴费金额", "356.00元"), (3, "缴费时间", "2018年5月5日 10:20"),
        (4, "户号", "3-2-1502"),
    ]),
    ("AT0027", "账户余额不足提醒", &[
        (1, "账户名称", "会员储值账户"), (2, "当前余额", "3.50元"), (3, "提醒时间", "2018年5月6日 08:00"),
    ]),
    ("AT0028", "会议开始提醒", &[
        (1, "会议主题", "季度经营分析会"), (2, "开始时间", "2018年6月15日 15:00"), (3, "会议地点", "3楼大会议室"),
        (4, "主持人", "赵经理"),
    ]),
    ("AT0029", "工单处理结果通知", &[
        (1, "工单编号", "GD20180601001"), (2, "处理结果", "已解决"), (3, "处理时间", "2018年6月1日 17:30"),
        (4, "处理人", "技术支持组"),
    ]),
    ("AT0030", "维修进度提醒", &[
        (1, "维修单号", "WX20180701001"), (2, "维修项目", "空调不制冷"), (3, "当前进度", "师傅已出发"),
        (4, "预约时间", "2018年7月1日 10:00"),
    ]),
];

/// Per-authorizer template state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TemplateState {
    /// The account's own templates, oldest first.
    #[serde(default)]
    pub templates: Vec<OwnTemplate>,
    /// form_id / prepay_id → what it allows.
    #[serde(default)]
    pub form_ids: BTreeMap<String, FormId>,
    /// The account's AppSecret for `/cgi-bin/token` (minted by the control API).
    #[serde(default)]
    pub app_secret: String,
    /// China-time day number of `calls_today`.
    #[serde(default)]
    pub quota_day: i64,
    /// Send calls made on `quota_day`.
    #[serde(default)]
    pub calls_today: u64,
    /// Overrides [`DEFAULT_DAILY_SEND_LIMIT`] (control API).
    #[serde(default)]
    pub daily_limit: Option<u64>,
    /// Messages delivered, newest last (at most 200).
    #[serde(default)]
    pub sent: Vec<SentMessage>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnTemplate {
    pub template_id: String,
    pub title_id: String,
    pub keyword_ids: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormId {
    pub openid: String,
    pub expires_at: i64,
    /// Sends left (1 for a form, 3 for a payment).
    pub remaining: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentMessage {
    pub at: i64,
    pub touser: String,
    pub template_id: String,
    pub page: String,
    /// The template content with `{{keywordN.DATA}}` filled in.
    pub text: String,
    pub emphasis_keyword: String,
}

/// A library title by id.
pub fn library_title(
    id: &str,
) -> Option<&'static (&'static str, &'static str, &'static [Keyword])> {
    LIBRARY.iter().find(|(tid, _, _)| *tid == id)
}

fn param(detail: impl Into<String>) -> SimError {
    SimError::new(47001, format!("data format error hint: {}", detail.into()))
}

/// `offset` from 0, `count` 1–20 (47001 otherwise).
pub fn check_page(offset: i64, count: i64) -> Result<(usize, usize), SimError> {
    if offset < 0 {
        return Err(param("offset must be >= 0"));
    }
    if !(1..=MAX_PAGE_COUNT).contains(&count) {
        return Err(param(format!("count must be in [1, {MAX_PAGE_COUNT}]")));
    }
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let count = usize::try_from(count).unwrap_or(0);
    Ok((offset, count))
}

/// `keyword_id_list`: 1–10 ids, no repeats, each a keyword of the title.
pub fn check_keyword_ids(keywords: &[Keyword], ids: &[i64]) -> Result<(), SimError> {
    if ids.is_empty() {
        return Err(param("keyword_id_list is empty"));
    }
    if ids.len() > MAX_KEYWORDS {
        return Err(param(format!(
            "keyword_id_list has more than {MAX_KEYWORDS} keywords"
        )));
    }
    let mut seen = BTreeSet::new();
    for id in ids {
        if !keywords.iter().any(|(k, _, _)| k == id) {
            return Err(param(format!("keyword_id {id} is not in this title")));
        }
        if !seen.insert(*id) {
            return Err(param(format!("keyword_id {id} repeated")));
        }
    }
    Ok(())
}

/// `content` and `example` of a composed template, as in the seed's list.
pub fn compose(keywords: &[Keyword], ids: &[i64]) -> (String, String) {
    let mut content = String::new();
    let mut example = String::new();
    for (n, id) in ids.iter().enumerate() {
        if let Some((_, name, sample)) = keywords.iter().find(|(k, _, _)| k == id) {
            content.push_str(&format!("{name}{{{{keyword{}.DATA}}}}\n", n + 1));
            example.push_str(&format!("{name}：{sample}\n"));
        }
    }
    (content, example)
}

/// A 43-character template id in WeChat's alphabet.
pub fn template_id_for(seed: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x = seed;
    (0..43)
        .map(|_| {
            // splitmix64
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            char::from(ALPHABET[(z % 64) as usize])
        })
        .collect()
}

/// `page`: empty (no jump) or a page of this mini program: `index`,
/// `pages/a/b?foo=bar`; no scheme, no `..`, no spaces.
pub fn is_valid_page(page: &str) -> bool {
    page.is_empty() || crate::wire::is_internal_path(page)
}

/// An empty page (no jump), or one whose path (before `?`) is a page of the code.
pub fn page_exists(page: &str, pages: &[String]) -> bool {
    let path = page.split('?').next().unwrap_or("").trim_start_matches('/');
    page.is_empty() || pages.iter().any(|p| p == path)
}

/// `emphasis_keyword`: empty or `keywordN.DATA` with N a keyword of the template.
pub fn is_valid_emphasis(emphasis: &str, keyword_count: usize) -> bool {
    if emphasis.is_empty() {
        return true;
    }
    emphasis
        .strip_prefix("keyword")
        .and_then(|rest| rest.strip_suffix(".DATA"))
        .and_then(|n| n.parse::<usize>().ok())
        .is_some_and(|n| (1..=keyword_count).contains(&n) && !emphasis.contains('+'))
}

/// The China-time day of a Unix time (the quota's day).
pub fn china_day(unix: i64) -> i64 {
    (unix + 8 * 3600).div_euclid(86_400)
}

/// Fills `{{keywordN.DATA}}` from `data`; missing entries stay empty.
pub fn render(content: &str, data: &BTreeMap<String, DataValue>) -> String {
    let mut text = content.to_owned();
    for (key, value) in data {
        text = text.replace(&format!("{{{{{key}.DATA}}}}"), &value.value);
    }
    // Keywords without data are sent empty.
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        match rest[start..].find("}}") {
            Some(end) => rest = &rest[start + end + 2..],
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PageBody {
    #[serde(default)]
    offset: Option<i64>,
    #[serde(default)]
    count: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct IdBody {
    #[serde(default)]
    id: String,
}

#[derive(Debug, Deserialize)]
struct AddBody {
    #[serde(default)]
    id: String,
    #[serde(default)]
    keyword_id_list: Vec<i64>,
}

#[derive(Debug, Deserialize)]
struct DelBody {
    #[serde(default)]
    template_id: String,
}

#[derive(Debug, Deserialize)]
struct SendBody {
    #[serde(default)]
    touser: String,
    #[serde(default)]
    template_id: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    form_id: String,
    #[serde(default)]
    data: BTreeMap<String, DataValue>,
    #[serde(default)]
    emphasis_keyword: String,
}

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/cgi-bin/wxopen/template/library/list", post(library_list))
        .route("/cgi-bin/wxopen/template/library/get", post(library_get))
        .route("/cgi-bin/wxopen/template/add", post(add))
        .route("/cgi-bin/wxopen/template/list", post(list))
        .route("/cgi-bin/wxopen/template/del", post(del))
        .route("/cgi-bin/message/wxopen/template/send", post(send))
        .route("/cgi-bin/token", get(client_credential_token))
}

fn page_of(body: &PageBody) -> Result<(usize, usize), SimError> {
    let offset = body.offset.ok_or_else(|| param("offset is required"))?;
    let count = body.count.ok_or_else(|| param("count is required"))?;
    check_page(offset, count)
}

async fn library_list(
    State(sim): State<Sim>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> SimResult {
    let request: PageBody = parse_body(&body)?;
    let now = sim.now();
    sim.lock()
        .authorizer_appid(q.access_token.as_deref(), now)?;
    let (offset, count) = page_of(&request)?;
    let list: Vec<Value> = LIBRARY
        .iter()
        .skip(offset)
        .take(count)
        .map(|(id, title, _)| json!({"id": id, "title": title}))
        .collect();
    ok(json!({"list": list, "total_count": LIBRARY.len()}))
}

async fn library_get(
    State(sim): State<Sim>,
    Query(q): Query<TokenQuery>,
    body: Bytes,
) -> SimResult {
    let request: IdBody = parse_body(&body)?;
    let now = sim.now();
    sim.lock()
        .authorizer_appid(q.access_token.as_deref(), now)?;
    let (id, title, keywords) =
        library_title(&request.id).ok_or_else(|| param("invalid template title id"))?;
    let keyword_list: Vec<Value> = keywords
        .iter()
        .map(|(k, name, example)| json!({"keyword_id": k, "name": name, "example": example}))
        .collect();
    ok(json!({"id": id, "title": title, "keyword_list": keyword_list}))
}

async fn add(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: AddBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = state.authorizer_appid(q.access_token.as_deref(), now)?;
    let (title_id, _, keywords) =
        library_title(&request.id).ok_or_else(|| param("invalid template title id"))?;
    check_keyword_ids(keywords, &request.keyword_id_list)?;
    let seed = state.next_serial() ^ (now as u64).rotate_left(32);
    let template_id = template_id_for(seed);
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    authorizer.templates.templates.push(OwnTemplate {
        template_id: template_id.clone(),
        title_id: (*title_id).to_owned(),
        keyword_ids: request.keyword_id_list,
    });
    drop(state);
    ok(json!({"template_id": template_id}))
}

fn describe(t: &OwnTemplate) -> Value {
    let (title, content, example) = match library_title(&t.title_id) {
        Some((_, title, keywords)) => {
            let (content, example) = compose(keywords, &t.keyword_ids);
            ((*title).to_owned(), content, example)
        }
        None => (String::new(), String::new(), String::new()),
    };
    json!({"template_id": t.template_id, "title": title, "content": content, "example": example})
}

async fn list(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: PageBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    let (offset, count) = page_of(&request)?;
    let list: Vec<Value> = authorizer
        .templates
        .templates
        .iter()
        .skip(offset)
        .take(count)
        .map(describe)
        .collect();
    drop(state);
    ok(json!({ "list": list }))
}

fn unknown_template() -> SimError {
    SimError::new(40037, "invalid template_id")
}

async fn del(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: DelBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let t = &mut state
        .authorizer_mut(q.access_token.as_deref(), now)?
        .templates;
    let before = t.templates.len();
    t.templates.retain(|x| x.template_id != request.template_id);
    if t.templates.len() == before {
        return Err(unknown_template());
    }
    drop(state);
    ok(json!({}))
}

async fn send(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: SendBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    // The page must be one of the mini program's code (its current version's pages).
    let pages: Vec<String> = authorizer
        .code
        .committed
        .as_ref()
        .map(|c| c.pages.clone())
        .unwrap_or_default();
    let t = &mut authorizer.templates;
    // Every call counts against the daily quota.
    let today = china_day(now);
    if t.quota_day != today {
        t.quota_day = today;
        t.calls_today = 0;
    }
    if t.calls_today >= t.daily_limit.unwrap_or(DEFAULT_DAILY_SEND_LIMIT) {
        return Err(SimError::new(45009, "reach max api daily quota limit"));
    }
    t.calls_today += 1;
    if request.touser.trim().is_empty() {
        return Err(SimError::new(40003, "invalid openid"));
    }
    let template = t
        .templates
        .iter()
        .find(|x| x.template_id == request.template_id)
        .cloned()
        .ok_or_else(unknown_template)?;
    if !is_valid_page(&request.page) || !page_exists(&request.page, &pages) {
        return Err(SimError::new(41030, "invalid page"));
    }
    t.form_ids.retain(|_, f| f.expires_at > now);
    let form = t
        .form_ids
        .get_mut(&request.form_id)
        .filter(|f| f.openid == request.touser)
        .ok_or_else(|| SimError::new(41028, "invalid form id"))?;
    if form.remaining == 0 {
        return Err(SimError::new(41029, "form id used count reach limit"));
    }
    if !is_valid_emphasis(&request.emphasis_keyword, template.keyword_ids.len()) {
        return Err(param("invalid emphasis_keyword"));
    }
    form.remaining -= 1;
    let content = describe(&template)["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    log_sent(
        &mut t.sent,
        SentMessage {
            at: now,
            touser: request.touser,
            template_id: request.template_id,
            page: request.page,
            text: render(&content, &request.data),
            emphasis_keyword: request.emphasis_keyword,
        },
    );
    drop(state);
    ok(json!({}))
}

#[derive(Debug, Deserialize)]
struct CredentialQuery {
    grant_type: Option<String>,
    appid: Option<String>,
    secret: Option<String>,
}

/// `GET /cgi-bin/token`: the account's own token from AppID + AppSecret. A
/// new token retires the previous ones after the overlap window; the
/// platform's authorization has no say over it (see `SimState::own_tokens`).
async fn client_credential_token(
    State(sim): State<Sim>,
    Query(q): Query<CredentialQuery>,
) -> Result<Json<Value>, SimError> {
    if q.grant_type.as_deref() != Some("client_credential") {
        return Err(SimError::new(40002, "invalid grant_type"));
    }
    let appid = q.appid.unwrap_or_default();
    let now = sim.now();
    let mut state = sim.lock();
    let authorizer = state
        .authorizers
        .get(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    let secret = &authorizer.templates.app_secret;
    if secret.is_empty() || q.secret.as_deref() != Some(secret.as_str()) {
        return Err(SimError::new(40125, "invalid appsecret"));
    }
    let token = state.issue_own_token(&appid, now);
    drop(state);
    Ok(Json(
        json!({"access_token": token, "expires_in": TOKEN_TTL_SECS}),
    ))
}

// ---------------------------------------------------------------------------
// Control API (merged into `super::widget::control_routes`).
// ---------------------------------------------------------------------------

/// * `POST /template/form-id` `{"appid", "openid", "kind": "form"|"prepay"}`
///   → `{"form_id", "remaining", "expires_at"}`: a user submitted a form (1
///   send) or paid (3 sends), valid 7 days;
/// * `POST /template/appsecret` `{"appid"}` → `{"appsecret"}`;
/// * `POST /template/quota` `{"appid", "daily_limit"}`;
/// * `GET /template/sent?appid=` → the messages delivered.
pub fn control_routes() -> Router<Sim> {
    Router::new()
        .route("/template/form-id", post(control_form_id))
        .route("/template/appsecret", post(control_appsecret))
        .route("/template/quota", post(control_quota))
        .route("/template/sent", get(control_sent))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    /// A form with `report-submit`: one message.
    #[default]
    Form,
    /// A payment's prepay_id: three messages.
    Prepay,
}

fn with_templates<T>(
    sim: &Sim,
    appid: &str,
    change: impl FnOnce(&mut super::SimState, &str) -> Result<T, SimError>,
) -> Result<T, SimError> {
    let result = {
        let mut state = sim.lock();
        if !state.authorizers.contains_key(appid) {
            return Err(SimError::new(40013, "invalid appid"));
        }
        change(&mut state, appid)?
    };
    sim.save();
    Ok(result)
}

fn templates_of<'a>(
    state: &'a mut super::SimState,
    appid: &str,
) -> Result<&'a mut TemplateState, SimError> {
    state
        .authorizers
        .get_mut(appid)
        .map(|a| &mut a.templates)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))
}

/// A user of `appid` submitted a form or paid: returns the form id / prepay id.
pub fn issue_form_id(
    sim: &Sim,
    appid: &str,
    openid: &str,
    kind: FormKind,
) -> Result<(String, FormId), SimError> {
    let now = sim.now();
    with_templates(sim, appid, |state, appid| {
        let id = match kind {
            FormKind::Form => state.mint("formid_"),
            FormKind::Prepay => state.mint("wx_prepay_"),
        };
        let form = FormId {
            openid: openid.to_owned(),
            expires_at: now + FORM_ID_TTL_SECS,
            remaining: match kind {
                FormKind::Form => FORM_SENDS,
                FormKind::Prepay => PREPAY_SENDS,
            },
        };
        templates_of(state, appid)?
            .form_ids
            .insert(id.clone(), form.clone());
        Ok((id, form))
    })
}

/// The account's AppSecret (minted on first use).
pub fn app_secret(sim: &Sim, appid: &str) -> Result<String, SimError> {
    with_templates(sim, appid, |state, appid| {
        let fresh = state.mint("");
        let t = templates_of(state, appid)?;
        if t.app_secret.is_empty() {
            t.app_secret = format!("{:0>32}", fresh.chars().rev().collect::<String>());
        }
        Ok(t.app_secret.clone())
    })
}

/// Changes `appid`'s daily send quota.
pub fn set_daily_limit(sim: &Sim, appid: &str, limit: u64) -> Result<(), SimError> {
    with_templates(sim, appid, |state, appid| {
        templates_of(state, appid)?.daily_limit = Some(limit);
        Ok(())
    })
}

/// Messages delivered for `appid`.
pub fn sent_messages(sim: &Sim, appid: &str) -> Result<Vec<SentMessage>, SimError> {
    let mut state = sim.lock();
    Ok(templates_of(&mut state, appid)?.sent.clone())
}

#[derive(Deserialize)]
struct FormIdBody {
    appid: String,
    openid: String,
    #[serde(default)]
    kind: FormKind,
}

async fn control_form_id(State(sim): State<Sim>, Json(body): Json<FormIdBody>) -> ControlResult {
    let (form_id, issued) =
        issue_form_id(&sim, &body.appid, &body.openid, body.kind).map_err(control_error)?;
    Ok(Json(json!({
        "form_id": form_id,
        "remaining": issued.remaining,
        "expires_at": issued.expires_at,
    })))
}

#[derive(Deserialize)]
struct AppidBody {
    appid: String,
}

async fn control_appsecret(State(sim): State<Sim>, Json(body): Json<AppidBody>) -> ControlResult {
    let secret = app_secret(&sim, &body.appid).map_err(control_error)?;
    Ok(Json(json!({ "appsecret": secret })))
}

#[derive(Deserialize)]
struct QuotaBody {
    appid: String,
    daily_limit: u64,
}

async fn control_quota(State(sim): State<Sim>, Json(body): Json<QuotaBody>) -> ControlResult {
    set_daily_limit(&sim, &body.appid, body.daily_limit).map_err(control_error)?;
    Ok(Json(json!({"ok": true})))
}

async fn control_sent(State(sim): State<Sim>, Query(body): Query<AppidBody>) -> ControlResult {
    let sent = sent_messages(&sim, &body.appid).map_err(control_error)?;
    Ok(Json(json!({ "sent": sent })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: Result<T, SimError>) -> i64 {
        r.err().map_or(0, |e| e.errcode)
    }

    #[test]
    fn library_is_realistic_and_consistent() {
        assert!(LIBRARY.len() >= 30);
        let mut ids = BTreeSet::new();
        for (id, title, keywords) in LIBRARY {
            assert!(ids.insert(*id), "duplicate {id}");
            // 审核说明 1.3: titles end with 提醒 or 通知.
            assert!(
                title.ends_with("提醒") || title.ends_with("通知"),
                "{title}"
            );
            assert!(keywords.len() >= 3, "{id}");
            let mut kids = BTreeSet::new();
            let mut names = BTreeSet::new();
            for (k, name, example) in *keywords {
                assert!(kids.insert(*k), "{id} keyword id {k}");
                assert!(names.insert(*name), "{id} keyword {name}");
                assert!(!example.is_empty());
            }
        }
        let (_, title, keywords) = library_title("AT0002").unwrap();
        assert_eq!(*title, "购买成功通知");
        assert_eq!(keywords[0], (3, "购买地点", "TIT造舰厂"));
    }

    #[test]
    fn paging_rules() {
        assert_eq!(check_page(0, 5).unwrap(), (0, 5));
        assert_eq!(check_page(25, 20).unwrap(), (25, 20));
        assert_eq!(code(check_page(0, 21)), 47001);
        assert_eq!(code(check_page(0, 0)), 47001);
        assert_eq!(code(check_page(-1, 5)), 47001);
        assert_eq!(check_page(i64::MAX, 1).unwrap().1, 1);
    }

    #[test]
    fn keyword_composition_rules() {
        let (_, _, keywords) = library_title("AT0002").unwrap();
        assert_eq!(code(check_keyword_ids(keywords, &[3, 5, 4])), 0);
        assert_eq!(code(check_keyword_ids(keywords, &[])), 47001);
        assert_eq!(code(check_keyword_ids(keywords, &[3, 3])), 47001);
        assert_eq!(code(check_keyword_ids(keywords, &[99])), 47001);
        let many: Vec<i64> = (0..11).collect();
        assert_eq!(code(check_keyword_ids(keywords, &many)), 47001);
    }

    #[test]
    fn composed_content_matches_the_seed() {
        let (_, _, keywords) = library_title("AT0002").unwrap();
        let (content, example) = compose(keywords, &[3, 4, 5]);
        assert_eq!(
            content,
            "购买地点{{keyword1.DATA}}\n购买时间{{keyword2.DATA}}\n物品名称{{keyword3.DATA}}\n"
        );
        assert_eq!(
            example,
            "购买地点：TIT造舰厂\n购买时间：2016年6月6日\n物品名称：咖啡\n"
        );
    }

    #[test]
    fn template_ids_look_like_wechat_ones() {
        let a = template_id_for(1);
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, template_id_for(2));
    }

    #[test]
    fn page_and_emphasis_rules() {
        assert!(is_valid_page(""));
        assert!(is_valid_page("index"));
        assert!(is_valid_page("index?foo=bar"));
        assert!(is_valid_page("pages/order/detail?id=7"));
        assert!(!is_valid_page("https://example.com"));
        assert!(!is_valid_page("pages/../x"));
        assert!(!is_valid_page("pages/a b"));
        assert!(is_valid_emphasis("", 3));
        assert!(is_valid_emphasis("keyword1.DATA", 3));
        assert!(is_valid_emphasis("keyword3.DATA", 3));
        assert!(!is_valid_emphasis("keyword4.DATA", 3));
        assert!(!is_valid_emphasis("keyword0.DATA", 3));
        assert!(!is_valid_emphasis("keyword+1.DATA", 3));
        assert!(!is_valid_emphasis("keyword1", 3));
    }

    #[test]
    fn rendering_fills_and_blanks_keywords() {
        let mut data = BTreeMap::new();
        data.insert(
            "keyword1".to_owned(),
            DataValue {
                value: "339208499".into(),
                color: None,
            },
        );
        assert_eq!(
            render("单号{{keyword1.DATA}}\n时间{{keyword2.DATA}}\n", &data),
            "单号339208499\n时间\n"
        );
        assert_eq!(render("坏{{", &data), "坏{{");
    }

    #[test]
    fn days_are_china_days() {
        // 2024-01-31T16:00:00Z is midnight in China.
        assert_eq!(china_day(1_706_716_800) - china_day(1_706_716_799), 1);
    }
}
