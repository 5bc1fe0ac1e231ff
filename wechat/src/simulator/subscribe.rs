//! Subscription messages (订阅消息), from WeChat's public documentation (小程序 服务端 API →
//! 订阅消息) and the SDKs that wrap it (WxJava `WxMaSubscribeService`, wechatpy
//! `WeChatWxa.*subscribe*`, EasyWeChat `SubscribeMessage`): the account's categories
//! (`getcategory`), the public titles of those categories (`getpubtemplatetitles`), a title's
//! keywords (`getpubtemplatekeywords`), the account's private templates (`addtemplate`,
//! `gettemplate`, `deltemplate`), and `subscribeMessage.send`, which needs the user's
//! consent (one message per "allow" for one-time titles; any number for long-term ones).
//!
//! The rules themselves (keyword counts, scene description, value types) come from the
//! shared `subscribe_rules` crate, so the console checks exactly what this answers.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use subscribe_rules::{errcode, Rule, LANGS, MINIPROGRAM_STATES, PRIVATE_TEMPLATES_MAX};

use super::error::{control_error, ok, parse_body, ControlResult, SimError, SimResult};
use super::template::{log_sent, page_exists, template_id_for};
use super::Sim;
use crate::api::code::CategoryItem;

/// (kid, name, rule, example).
type PubKeyword = (i64, &'static str, &'static str, &'static str);

/// A public title: (tid, title, type, category (second-level id; 0: every category),
/// keywords). Category ids are the simulator's (see `provisional::CATEGORY_TREE`).
#[rustfmt::skip]
pub const PUBLIC_TITLES: &[(i64, &str, i64, i64, &[PubKeyword])] = &[
    (1001, "订单支付成功通知", 2, 0, &[
        (1, "订单号", "character_string", "DD20240101001"), (2, "支付金额", "amount", "¥36.00"),
        (3, "支付时间", "time", "2024年1月1日 12:00"), (4, "商品名称", "thing", "拿铁咖啡"),
        (5, "支付方式", "phrase", "微信支付"), (6, "备注", "thing", "感谢您的惠顾"),
    ]),
    (1002, "订单发货通知", 2, 0, &[
        (1, "订单编号", "character_string", "QH20240312001"), (2, "快递公司", "thing", "顺丰速运"),
        (3, "快递单号", "character_string", "SF1234567890"), (4, "发货时间", "time", "2024年3月13日 10:00"),
        (5, "收货地址", "thing", "广州市天河区天河路208号"),
    ]),
    (1003, "退款成功通知", 2, 0, &[
        (1, "退款金额", "amount", "¥36.00"), (2, "退款原因", "thing", "商品缺货"),
        (3, "订单编号", "character_string", "QH20240312002"), (4, "到账时间", "date", "2024年3月15日"),
    ]),
    (1004, "预约成功通知", 2, 0, &[
        (1, "预约项目", "thing", "洗车"), (2, "预约时间", "time", "2024年6月1日 14:00"),
        (3, "预约门店", "thing", "天河店"), (4, "联系电话", "phone_number", "020-12345678"),
        (5, "温馨提示", "thing", "请提前10分钟到店"),
    ]),
    (1005, "账户余额不足提醒", 2, 0, &[
        (1, "账户名称", "thing", "会员储值账户"), (2, "当前余额", "amount", "¥3.50"),
        (3, "提醒时间", "time", "2024年5月6日 08:00"),
    ]),
    (1006, "会员开卡成功通知", 2, 0, &[
        (1, "会员卡号", "character_string", "VIP8866"), (2, "会员等级", "phrase", "金卡会员"),
        (3, "开通日期", "date", "2024年5月1日"), (4, "会员姓名", "name", "张三"),
    ]),
    (2001, "取餐提醒", 2, 305, &[
        (1, "取餐号", "character_string", "A1024"), (2, "门店名称", "thing", "星辰咖啡"),
        (3, "商品详情", "thing", "拿铁咖啡×1"), (4, "取餐地点", "thing", "一楼取餐台"),
        (5, "温馨提示", "thing", "请尽快取餐"),
    ]),
    (2002, "排队叫号提醒", 2, 305, &[
        (1, "排队号码", "character_string", "A028"), (2, "前方等待", "number", "3"),
        (3, "门店名称", "thing", "星辰咖啡天河店"), (4, "预计等待", "thing", "约15分钟"),
    ]),
    (2101, "商品到货提醒", 2, 293, &[
        (1, "商品名称", "thing", "有机牛奶"), (2, "到货数量", "number", "20"),
        (3, "到货时间", "time", "2024年4月2日 09:00"), (4, "门店名称", "thing", "青禾生鲜"),
    ]),
    (2201, "司机接单通知", 3, 323, &[
        (1, "司机姓名", "name", "李师傅"), (2, "车牌号", "car_number", "粤A12345"),
        (3, "预计到达", "time", "14:05"), (4, "联系电话", "phone_number", "138-0013-8000"),
    ]),
    (2202, "行程结束通知", 2, 323, &[
        (1, "出发地", "thing", "广州塔"), (2, "目的地", "thing", "白云机场"),
        (3, "行程费用", "amount", "¥86.50"), (4, "行程时间", "time", "2024年9月9日 07:30"),
    ]),
    (2301, "日程提醒", 2, 152, &[
        (1, "日程主题", "thing", "季度经营分析会"), (2, "开始时间", "time", "2024年6月15日 15:00"),
        (3, "地点", "thing", "3楼大会议室"), (4, "备注", "thing", "请准时参加"),
    ]),
    (2302, "审批结果通知", 2, 152, &[
        (1, "审批事项", "thing", "差旅报销"), (2, "审批结果", "phrase", "已通过"),
        (3, "审批人", "name", "赵经理"), (4, "审批时间", "time", "2024年6月1日 17:30"),
        (5, "审批编号", "letter", "SP"),
    ]),
];

/// A public title by tid.
pub fn public_title(
    tid: i64,
) -> Option<&'static (i64, &'static str, i64, i64, &'static [PubKeyword])> {
    PUBLIC_TITLES.iter().find(|t| t.0 == tid)
}

/// Whether an account with these categories may use a title.
fn title_open_to(category: i64, categories: &[CategoryItem]) -> bool {
    category == 0 || categories.iter().any(|c| c.second_id == category)
}

/// Per-authorizer subscription-message state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SubscribeState {
    /// The account's private templates, oldest first.
    #[serde(default)]
    pub templates: Vec<PrivateTemplate>,
    /// Users' consents: what each may still receive.
    #[serde(default)]
    pub consents: Vec<Consent>,
    /// Messages delivered, newest last (at most 200).
    #[serde(default)]
    pub sent: Vec<SentSubscribe>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateTemplate {
    pub pri_tmpl_id: String,
    pub tid: i64,
    pub kid_list: Vec<i64>,
    pub scene_desc: String,
}

/// A user tapped "allow" in `wx.requestSubscribeMessage`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub openid: String,
    pub template_id: String,
    /// Messages left (one-time titles); ignored for long-term ones.
    pub remaining: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentSubscribe {
    pub at: i64,
    pub touser: String,
    pub template_id: String,
    pub page: String,
    pub miniprogram_state: String,
    pub lang: String,
    /// The content with `{{key.DATA}}` filled in.
    pub text: String,
}

/// `title`, `content`, `example` and `type` of a private template.
fn describe(t: &PrivateTemplate) -> Value {
    let Some((_, title, kind, _, keywords)) = public_title(t.tid) else {
        return json!({"priTmplId": t.pri_tmpl_id, "title": "", "content": "", "example": "", "type": 2});
    };
    let mut content = String::new();
    let mut example = String::new();
    for kid in &t.kid_list {
        if let Some((_, name, rule, sample)) = keywords.iter().find(|k| k.0 == *kid) {
            let rule = Rule::parse(rule).unwrap_or(Rule::Thing);
            content.push_str(&subscribe_rules::content_line(name, rule, *kid));
            content.push('\n');
            example.push_str(&format!("{name}：{sample}\n"));
        }
    }
    json!({
        "priTmplId": t.pri_tmpl_id,
        "title": title,
        "content": content,
        "example": example,
        "type": kind,
    })
}

#[derive(Debug, Deserialize)]
struct TokenQuery {
    access_token: Option<String>,
}

#[derive(Debug, Deserialize)]
struct TitlesQuery {
    access_token: Option<String>,
    ids: Option<String>,
    start: Option<String>,
    limit: Option<String>,
}

#[derive(Debug, Deserialize)]
struct KeywordsQuery {
    access_token: Option<String>,
    tid: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AddBody {
    /// A string in WeChat's example (`"401"`); a number is taken too.
    #[serde(default)]
    tid: Value,
    #[serde(default, rename = "kidList")]
    kid_list: Vec<i64>,
    #[serde(default, rename = "sceneDesc")]
    scene_desc: String,
}

#[derive(Debug, Deserialize)]
struct DelBody {
    #[serde(default, rename = "priTmplId")]
    pri_tmpl_id: String,
}

#[derive(Debug, Deserialize)]
struct DataEntry {
    #[serde(default)]
    value: Value,
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
    data: Map<String, Value>,
    #[serde(default)]
    miniprogram_state: Option<String>,
    #[serde(default)]
    lang: Option<String>,
}

pub fn routes() -> Router<Sim> {
    Router::new()
        .route("/wxaapi/newtmpl/getcategory", get(categories))
        .route("/wxaapi/newtmpl/getpubtemplatetitles", get(titles))
        .route("/wxaapi/newtmpl/getpubtemplatekeywords", get(keywords))
        .route("/wxaapi/newtmpl/addtemplate", post(add))
        .route("/wxaapi/newtmpl/gettemplate", get(list))
        .route("/wxaapi/newtmpl/deltemplate", post(del))
        .route("/cgi-bin/message/subscribe/send", post(send))
}

fn categories_of(sim: &Sim, token: Option<&str>) -> Result<Vec<CategoryItem>, SimError> {
    let now = sim.now();
    let mut state = sim.lock();
    Ok(state.authorizer_mut(token, now)?.categories.clone())
}

async fn categories(State(sim): State<Sim>, Query(q): Query<TokenQuery>) -> SimResult {
    let categories = categories_of(&sim, q.access_token.as_deref())?;
    let data: Vec<Value> = categories
        .iter()
        .map(|c| json!({"id": c.second_id, "name": c.second_class}))
        .collect();
    ok(json!({ "data": data }))
}

async fn titles(State(sim): State<Sim>, Query(q): Query<TitlesQuery>) -> SimResult {
    let categories = categories_of(&sim, q.access_token.as_deref())?;
    let ids = q
        .ids
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| SimError::new(errcode::IDS_MISSING, "ids is missing"))?;
    let mut wanted = Vec::new();
    for id in ids.split(',') {
        match id.trim().parse::<i64>() {
            Ok(id) if categories.iter().any(|c| c.second_id == id) => wanted.push(id),
            _ => return Err(SimError::new(errcode::IDS_INVALID, "ids is invalid")),
        }
    }
    let start = q
        .start
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|s| *s >= 0)
        .ok_or_else(|| SimError::new(errcode::BAD_START, "start is invalid"))?;
    let limit = q
        .limit
        .as_deref()
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|l| (1..=subscribe_rules::TITLES_LIMIT_MAX).contains(l))
        .ok_or_else(|| SimError::new(errcode::BAD_LIMIT, "limit is invalid"))?;
    let matching: Vec<Value> = PUBLIC_TITLES
        .iter()
        .filter(|t| t.3 == 0 || wanted.contains(&t.3))
        .map(|(tid, title, kind, category, _)| {
            let category = if *category == 0 { wanted[0] } else { *category };
            json!({"tid": tid, "title": title, "type": kind, "categoryId": category.to_string()})
        })
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(usize::try_from(start).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .cloned()
        .collect();
    ok(json!({"count": matching.len(), "data": page}))
}

/// The title `tid` names, if this account may use it (200014 otherwise).
fn open_title(
    tid: Option<i64>,
    categories: &[CategoryItem],
) -> Result<&'static (i64, &'static str, i64, i64, &'static [PubKeyword]), SimError> {
    tid.and_then(public_title)
        .filter(|t| title_open_to(t.3, categories))
        .ok_or_else(|| SimError::new(errcode::BAD_TID, "tid is invalid"))
}

async fn keywords(State(sim): State<Sim>, Query(q): Query<KeywordsQuery>) -> SimResult {
    let categories = categories_of(&sim, q.access_token.as_deref())?;
    let tid = q.tid.as_deref().and_then(|t| t.trim().parse().ok());
    let (_, _, _, _, keywords) = open_title(tid, &categories)?;
    let data: Vec<Value> = keywords
        .iter()
        .map(|(kid, name, rule, example)| {
            json!({"kid": kid, "name": name, "example": example, "rule": rule})
        })
        .collect();
    ok(json!({"count": data.len(), "data": data}))
}

fn tid_of(v: &Value) -> Option<i64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.as_i64(),
        _ => None,
    }
}

async fn add(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: AddBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let seed = state.next_serial() ^ (now as u64).rotate_left(17);
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    let (tid, _, _, _, keywords) = open_title(tid_of(&request.tid), &authorizer.categories)?;
    let available: Vec<i64> = keywords.iter().map(|k| k.0).collect();
    subscribe_rules::check_kid_list(&request.kid_list, &available)
        .map_err(|_| SimError::new(errcode::BAD_KID_LIST, "kidList is invalid"))?;
    if !subscribe_rules::scene_desc_ok(&request.scene_desc) {
        return Err(SimError::new(
            errcode::BAD_SCENE_DESC,
            "sceneDesc is invalid",
        ));
    }
    let own = &mut authorizer.subscribe.templates;
    if own.len() >= PRIVATE_TEMPLATES_MAX {
        return Err(SimError::new(
            errcode::TEMPLATES_FULL,
            "template count reach limit",
        ));
    }
    let pri_tmpl_id = template_id_for(seed);
    own.push(PrivateTemplate {
        pri_tmpl_id: pri_tmpl_id.clone(),
        tid: *tid,
        kid_list: request.kid_list,
        scene_desc: request.scene_desc,
    });
    drop(state);
    ok(json!({ "priTmplId": pri_tmpl_id }))
}

async fn list(State(sim): State<Sim>, Query(q): Query<TokenQuery>) -> SimResult {
    let now = sim.now();
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    let data: Vec<Value> = authorizer
        .subscribe
        .templates
        .iter()
        .map(describe)
        .collect();
    drop(state);
    ok(json!({ "data": data }))
}

async fn del(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: DelBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let s = &mut state
        .authorizer_mut(q.access_token.as_deref(), now)?
        .subscribe;
    let before = s.templates.len();
    s.templates.retain(|t| t.pri_tmpl_id != request.pri_tmpl_id);
    if s.templates.len() == before {
        return Err(SimError::new(
            errcode::INVALID_TEMPLATE,
            "invalid template id",
        ));
    }
    s.consents.retain(|c| c.template_id != request.pri_tmpl_id);
    drop(state);
    ok(json!({}))
}

fn invalid(detail: impl std::fmt::Display) -> SimError {
    SimError::new(errcode::DATA_INVALID, format!("argument invalid! {detail}"))
}

/// The value of `data.<key>.value` as text (WeChat takes strings; numbers are shown as
/// written).
fn data_value(data: &Map<String, Value>, key: &str) -> Option<String> {
    let entry: DataEntry = serde_json::from_value(data.get(key)?.clone()).ok()?;
    match entry.value {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

async fn send(State(sim): State<Sim>, Query(q): Query<TokenQuery>, body: Bytes) -> SimResult {
    let request: SendBody = parse_body(&body)?;
    let now = sim.now();
    let mut state = sim.lock();
    let authorizer = state.authorizer_mut(q.access_token.as_deref(), now)?;
    let touser = request.touser.trim();
    if touser.is_empty()
        || !touser
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(SimError::new(errcode::INVALID_OPENID, "invalid openid"));
    }
    let template = authorizer
        .subscribe
        .templates
        .iter()
        .find(|t| t.pri_tmpl_id == request.template_id)
        .cloned()
        .ok_or_else(|| SimError::new(errcode::INVALID_TEMPLATE, "invalid template id"))?;
    let state_name = request.miniprogram_state.unwrap_or_else(|| "formal".into());
    if !MINIPROGRAM_STATES.contains(&state_name.as_str()) {
        return Err(invalid("miniprogram_state"));
    }
    let lang = request.lang.unwrap_or_else(|| "zh_CN".into());
    if !LANGS.contains(&lang.as_str()) {
        return Err(invalid("lang"));
    }
    let pages: Vec<String> = authorizer
        .code
        .committed
        .as_ref()
        .map(|c| c.pages.clone())
        .unwrap_or_default();
    if !super::template::is_valid_page(&request.page) || !page_exists(&request.page, &pages) {
        return Err(SimError::new(errcode::INVALID_PAGE, "invalid page"));
    }
    let described = describe(&template);
    let (_, _, kind, _, keywords) = public_title(template.tid).ok_or_else(SimError::busy)?;
    let mut text = described["content"].as_str().unwrap_or_default().to_owned();
    for kid in &template.kid_list {
        let Some((_, _, rule, _)) = keywords.iter().find(|k| k.0 == *kid) else {
            continue;
        };
        let rule = Rule::parse(rule).unwrap_or(Rule::Thing);
        let key = rule.key(*kid);
        let value = data_value(&request.data, &key)
            .ok_or_else(|| invalid(format!("data.{key}.value is empty")))?;
        rule.check(&value)
            .map_err(|_| invalid(format!("data.{key}.value invalid")))?;
        text = text.replace(&format!("{{{{{key}.DATA}}}}"), &value);
    }
    let s = &mut authorizer.subscribe;
    let consent = s
        .consents
        .iter_mut()
        .find(|c| c.openid == touser && c.template_id == template.pri_tmpl_id)
        .filter(|c| *kind == subscribe_rules::TYPE_LONG_TERM || c.remaining > 0)
        .ok_or_else(|| SimError::new(errcode::USER_REFUSED, "user refuse to accept the msg"))?;
    if *kind != subscribe_rules::TYPE_LONG_TERM {
        consent.remaining -= 1;
    }
    log_sent(
        &mut s.sent,
        SentSubscribe {
            at: now,
            touser: touser.to_owned(),
            template_id: template.pri_tmpl_id,
            page: request.page,
            miniprogram_state: state_name,
            lang,
            text,
        },
    );
    drop(state);
    ok(json!({}))
}

// ---------------------------------------------------------------------------
// Control API (merged into `super::widget::control_routes`).
// ---------------------------------------------------------------------------

/// * `POST /subscribe/consent` `{"appid", "openid", "template_id", "times"?}` →
///   `{"remaining"}`: the user allowed `times` (default 1) messages of that template;
/// * `GET /subscribe/sent?appid=` → the messages delivered.
pub fn control_routes() -> Router<Sim> {
    Router::new()
        .route("/subscribe/consent", post(control_consent))
        .route("/subscribe/sent", get(control_sent))
}

/// A user of `appid` allowed `times` more messages of `template_id`.
pub fn grant_consent(
    sim: &Sim,
    appid: &str,
    openid: &str,
    template_id: &str,
    times: u32,
) -> Result<u32, SimError> {
    let remaining = {
        let mut state = sim.lock();
        let s = &mut state
            .authorizers
            .get_mut(appid)
            .ok_or_else(|| SimError::new(40013, "invalid appid"))?
            .subscribe;
        if !s.templates.iter().any(|t| t.pri_tmpl_id == template_id) {
            return Err(SimError::new(
                errcode::INVALID_TEMPLATE,
                "invalid template id",
            ));
        }
        match s
            .consents
            .iter_mut()
            .find(|c| c.openid == openid && c.template_id == template_id)
        {
            Some(c) => {
                c.remaining = c.remaining.saturating_add(times);
                c.remaining
            }
            None => {
                s.consents.push(Consent {
                    openid: openid.to_owned(),
                    template_id: template_id.to_owned(),
                    remaining: times,
                });
                times
            }
        }
    };
    sim.save();
    Ok(remaining)
}

/// Messages delivered for `appid`.
pub fn sent_messages(sim: &Sim, appid: &str) -> Result<Vec<SentSubscribe>, SimError> {
    let state = sim.lock();
    Ok(state
        .authorizers
        .get(appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?
        .subscribe
        .sent
        .clone())
}

#[derive(Deserialize)]
struct ConsentBody {
    appid: String,
    openid: String,
    template_id: String,
    #[serde(default)]
    times: Option<u32>,
}

async fn control_consent(State(sim): State<Sim>, Json(body): Json<ConsentBody>) -> ControlResult {
    let remaining = grant_consent(
        &sim,
        &body.appid,
        &body.openid,
        &body.template_id,
        body.times.unwrap_or(1),
    )
    .map_err(control_error)?;
    Ok(Json(json!({ "remaining": remaining })))
}

#[derive(Deserialize)]
struct AppidQuery {
    appid: String,
}

async fn control_sent(State(sim): State<Sim>, Query(q): Query<AppidQuery>) -> ControlResult {
    let sent = sent_messages(&sim, &q.appid).map_err(control_error)?;
    Ok(Json(json!({ "sent": sent })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn public_titles_are_consistent_and_their_examples_pass_their_rules() {
        let mut tids = BTreeSet::new();
        for (tid, title, kind, _, keywords) in PUBLIC_TITLES {
            assert!(tids.insert(*tid), "duplicate tid {tid}");
            assert!(
                title.ends_with("通知") || title.ends_with("提醒"),
                "{title}"
            );
            assert!([2, 3].contains(kind));
            assert!(keywords.len() >= subscribe_rules::KEYWORDS_MIN, "{tid}");
            let mut kids = BTreeSet::new();
            for (kid, name, rule, example) in *keywords {
                assert!(kids.insert(*kid), "{tid} kid {kid}");
                let rule = Rule::parse(rule).unwrap_or_else(|| panic!("{tid} {name}: {rule}"));
                assert_eq!(rule.check(example), Ok(()), "{tid} {name}: {example}");
            }
        }
    }

    #[test]
    fn a_template_reads_as_wechat_lists_it() {
        let t = PrivateTemplate {
            pri_tmpl_id: "x".into(),
            tid: 1001,
            kid_list: vec![4, 2],
            scene_desc: String::new(),
        };
        let v = describe(&t);
        assert_eq!(v["title"], "订单支付成功通知");
        assert_eq!(
            v["content"],
            "商品名称:{{thing4.DATA}}\n支付金额:{{amount2.DATA}}\n"
        );
        assert_eq!(v["example"], "商品名称：拿铁咖啡\n支付金额：¥36.00\n");
        assert_eq!(v["type"], 2);
    }
}
