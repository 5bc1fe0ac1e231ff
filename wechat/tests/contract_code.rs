//! Contract tests: the code-management client against the simulator
//! (third-party-code-management.rst): commit, QR code, categories, pages,
//! audits and their pushes, release, visit status, rollback, gray release,
//! support version, QR-jump rules, audit withdrawal, template library.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{errcode, urlencode, Harness};
use serde_json::{json, Value};
use wechat::api::code::{
    AddToTemplateRequest, AuditItem, CategoryItem, CommitRequest, QrcodeJumpAddRequest,
    SubmitAuditRequest, VisitAction,
};
use wechat::crypto::MsgCrypt;
use wechat::events::Push;
use wechat::simulator::code::beijing_date;
use wechat::simulator::{SimConfig, Targets};
use wechat::TokenKey;

const INDEX: &str = "pages/index/index";

fn commit_request(template_id: i64, ext_json: &str) -> CommitRequest {
    CommitRequest {
        template_id,
        ext_json: ext_json.into(),
        user_version: "V1.0".into(),
        user_desc: "test".into(),
    }
}

fn item() -> AuditItem {
    AuditItem {
        address: INDEX.into(),
        tag: "咖啡 点单".into(),
        first_class: "餐饮".into(),
        second_class: "咖啡".into(),
        first_id: 304,
        second_id: 305,
        title: "首页".into(),
        ..Default::default()
    }
}

fn audit_of(items: Vec<AuditItem>) -> SubmitAuditRequest {
    SubmitAuditRequest {
        item_list: items,
        ..Default::default()
    }
}

async fn commit(h: &Harness, appid: &str, template_id: i64) {
    h.client
        .commit_code(&h.ctx(appid), &commit_request(template_id, ""))
        .await
        .expect("commit");
}

async fn submit(h: &Harness, appid: &str) -> i64 {
    h.client
        .submit_audit(&h.ctx(appid), &audit_of(vec![item()]))
        .await
        .expect("submit_audit")
        .auditid
}

async fn outcome(h: &Harness, appid: &str, status: i64) -> Value {
    h.control("/audit/outcome", json!({"appid": appid, "status": status}))
        .await
}

/// Commit → submit → pass → release.
async fn release_once(h: &Harness, appid: &str) -> i64 {
    commit(h, appid, 1).await;
    let auditid = submit(h, appid).await;
    assert_eq!(outcome(h, appid, 0).await["status"], 0);
    h.client.release(&h.ctx(appid)).await.expect("release");
    auditid
}

fn pending_xml(pushes: &Value) -> Vec<String> {
    pushes["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["xml"].as_str().unwrap().to_owned())
        .collect()
}

async fn audit_pushes(h: &Harness) -> Vec<Push> {
    pending_xml(&h.control_get("/pushes").await)
        .iter()
        .map(|x| Push::parse(x).unwrap())
        .filter(|p| p.kind.starts_with("weapp_audit"))
        .collect()
}

async fn user_name(h: &Harness, appid: &str) -> String {
    h.sim.snapshot().authorizers[appid].user_name.clone()
}

async fn access_token(h: &Harness, appid: &str) -> String {
    h.token(&TokenKey::Authorizer(appid.to_owned())).await
}

#[tokio::test]
async fn template_library_lists_adds_and_deletes() {
    let h = Harness::start().await;
    let ctx = h.component_ctx();
    let drafts = h.client.get_template_draft_list(&ctx).await.unwrap();
    assert_eq!(drafts.draft_list.len(), 4);
    let templates = h.client.get_template_list(&ctx, None).await.unwrap();
    let ids: Vec<i64> = templates
        .template_list
        .iter()
        .map(|t| t.template_id)
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    assert!(templates
        .template_list
        .iter()
        .all(|t| !t.user_version.is_empty() && t.draft_id.is_some()));

    h.client
        .add_to_template(
            &ctx,
            &AddToTemplateRequest {
                draft_id: 4,
                template_type: Some(1),
            },
        )
        .await
        .unwrap();
    let standard = h.client.get_template_list(&ctx, Some(1)).await.unwrap();
    assert_eq!(standard.template_list.len(), 1);
    assert_eq!(standard.template_list[0].template_id, 4);
    assert_eq!(standard.template_list[0].draft_id, Some(4));
    assert_eq!(standard.template_list[0].user_version, "1.1.0");
    assert_eq!(standard.template_list[0].audit_status, Some(0));
    assert!(templates
        .template_list
        .iter()
        .all(|t| t.category_list.is_empty()));
    let ordinary = h.client.get_template_list(&ctx, Some(0)).await.unwrap();
    assert_eq!(ordinary.template_list.len(), 3);

    let unknown_draft = h
        .client
        .add_to_template(
            &ctx,
            &AddToTemplateRequest {
                draft_id: 99,
                template_type: None,
            },
        )
        .await;
    assert_eq!(errcode(unknown_draft), 85064);

    h.client.delete_template(&ctx, 4).await.unwrap();
    assert_eq!(errcode(h.client.delete_template(&ctx, 4).await), 85064);
    let after = h.client.get_template_list(&ctx, None).await.unwrap();
    assert_eq!(after.template_list.len(), 3);

    // The library holds 200 templates (WeChat's open-platform docs).
    for _ in 0..197 {
        h.client
            .add_to_template(
                &ctx,
                &AddToTemplateRequest {
                    draft_id: 1,
                    template_type: None,
                },
            )
            .await
            .unwrap();
    }
    let full = h
        .client
        .add_to_template(
            &ctx,
            &AddToTemplateRequest {
                draft_id: 1,
                template_type: None,
            },
        )
        .await;
    assert_eq!(errcode(full), 85065);

    // The library needs the component token, not an authorizer's.
    let appid = h.authorize("模板库权限").await;
    let token = access_token(&h, &appid).await;
    let answer = h
        .raw_json(
            "GET",
            &format!("/wxa/gettemplatelist?component_access_token={token}"),
            None,
        )
        .await;
    assert_eq!(answer["errcode"], 40001);
}

#[tokio::test]
async fn commit_validates_the_template_and_ext_json() {
    let h = Harness::start().await;
    let appid = h.authorize("星辰咖啡点单").await;
    let ctx = h.ctx(&appid);
    let try_commit = |template_id: i64, ext: &'static str| {
        let request = commit_request(template_id, ext);
        let client = h.client.clone();
        let ctx = h.ctx(&appid);
        async move { client.commit_code(&ctx, &request).await }
    };
    assert_eq!(errcode(try_commit(42, "").await), 85014);
    assert_eq!(errcode(try_commit(3, "").await), 85044);
    assert_eq!(errcode(try_commit(1, "{\"pages\": [").await), 85048);
    assert_eq!(errcode(try_commit(1, r#"{"pages": []}"#).await), 85047);
    assert_eq!(
        errcode(try_commit(1, r#"{"pages": ["pages/index/index", "pages/nope"]}"#).await),
        85045
    );
    assert_eq!(
        errcode(try_commit(1, r#"{"tabBar": {"list": [{"text": "首页"}]}}"#).await),
        85046
    );
    assert_eq!(
        errcode(try_commit(1, r#"{"ext": "not an object"}"#).await),
        85013
    );
    let mut long_version = commit_request(1, "");
    long_version.user_version = "v".repeat(65);
    assert_eq!(
        errcode(h.client.commit_code(&ctx, &long_version).await),
        85013
    );
    let mut max_version = commit_request(1, "");
    max_version.user_version = "版".repeat(64);
    h.client.commit_code(&ctx, &max_version).await.unwrap();

    // ext_json must be a string, not an object.
    let token = access_token(&h, &appid).await;
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/commit?access_token={token}"),
            Some(r#"{"template_id": 1, "ext_json": {"pages": []}, "user_version": "V1", "user_desc": "d"}"#),
        )
        .await;
    assert_eq!(answer["errcode"], 85048);
    // Malformed JSON is 47001.
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/commit?access_token={token}"),
            Some("{not json"),
        )
        .await;
    assert_eq!(answer["errcode"], 47001);

    // pages in ext_json replace the template's pages.
    h.client
        .commit_code(
            &ctx,
            &commit_request(
                1,
                r#"{"extAppid": "", "ext": {"shop": "7"}, "extPages": {"pages/menu/menu": {}},
                   "pages": ["pages/index/index", "pages/menu/menu"],
                   "tabBar": {"list": [{"pagePath": "pages/index/index"}]}}"#,
            ),
        )
        .await
        .unwrap();
    let pages = h.client.get_page(&ctx).await.unwrap();
    assert_eq!(pages.page_list, vec![INDEX, "pages/menu/menu"]);

    // Without ext pages, the template's pages.
    commit(&h, &appid, 1).await;
    let pages = h.client.get_page(&ctx).await.unwrap();
    assert_eq!(pages.page_list.len(), 4);
}

#[tokio::test]
async fn pages_and_qrcode_need_committed_code_and_the_qrcode_is_a_jpeg() {
    let h = Harness::start().await;
    let appid = h.authorize("青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.get_page(&ctx).await), 86001);
    assert_eq!(errcode(h.client.get_qrcode(&ctx, None).await), 86001);
    // The error is JSON, not an image.
    let token = access_token(&h, &appid).await;
    let (content_type, body) = h
        .raw(
            "GET",
            &format!("/wxa/get_qrcode?access_token={token}"),
            None,
        )
        .await;
    assert!(content_type.contains("json"), "{content_type}");
    let error: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(error["errcode"], 86001);

    commit(&h, &appid, 1).await;
    let image = h.client.get_qrcode(&ctx, None).await.unwrap();
    assert_eq!(image.content_type, "image/jpeg");
    assert_eq!(&image.bytes[..2], &[0xFF, 0xD8]);
    assert_eq!(&image.bytes[image.bytes.len() - 2..], &[0xFF, 0xD9]);

    // The path travels percent-encoded and arrives intact.
    let with_path = h
        .client
        .get_qrcode(&ctx, Some("pages/menu/menu?action=1&table=7"))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&with_path.bytes).into_owned();
    assert!(
        text.contains("path=pages/menu/menu?action=1&table=7"),
        "{text}"
    );
    let (content_type, raw_body) = h
        .raw(
            "GET",
            &format!(
                "/wxa/get_qrcode?access_token={token}&path={}",
                urlencode("pages/menu/menu?action=1")
            ),
            None,
        )
        .await;
    assert_eq!(content_type, "image/jpeg");
    assert_eq!(&raw_body[..2], &[0xFF, 0xD8]);

    assert_eq!(
        errcode(h.client.get_qrcode(&ctx, Some("pages/nope?x=1")).await),
        85007
    );
}

#[tokio::test]
async fn categories_come_from_the_account() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(json!({
            "nick_name": "两类目",
            "principal_name": "模拟科技有限公司",
            "categories": [
                {"first_id": 304, "first_name": "餐饮", "second_id": 305, "second_name": "咖啡"},
                {"first_id": 150, "first_name": "工具", "second_id": 152, "second_name": "办公"}
            ],
        }))
        .await;
    let list = h.client.get_category(&h.ctx(&appid)).await.unwrap();
    assert_eq!(list.category_list.len(), 2);
    assert_eq!(list.category_list[1].first_class, "工具");
    assert_eq!(list.category_list[1].second_id, 152);
    assert_eq!(list.category_list[0].third_id, None);
}

/// An account whose category is the seed's 教育 > 学历教育 (second level only: the
/// simulator's tree gives it the third levels 高等 and 中等).
fn education_profile(nick_name: &str) -> Value {
    json!({
        "nick_name": nick_name,
        "principal_name": "模拟教育科技有限公司",
        "categories": [{"first_id": 3, "first_class": "教育", "second_id": 4, "second_class": "学历教育"}],
    })
}

/// The seed's second submit_audit item, the one with a third level.
fn seed_third_level_item() -> AuditItem {
    serde_json::from_value(json!({
        "address": "page/logs/logs",
        "tag": "学习 工作",
        "first_class": "教育",
        "second_class": "学历教育",
        "third_class": "高等",
        "first_id": 3,
        "second_id": 4,
        "third_id": 5,
        "title": "日志"
    }))
    .expect("the seed's item")
}

/// Commits code with the seed's pages (`index`, `page/logs/logs`): a draft uploaded
/// through the control API, added to the template library.
async fn commit_seed_pages(h: &Harness, appid: &str) {
    let draft = h
        .control(
            "/code/draft",
            json!({"user_version": "1.0.0", "user_desc": "seed pages", "pages": ["index", "page/logs/logs"]}),
        )
        .await;
    let draft_id = draft["draft_id"].as_i64().expect("a draft id");
    let ctx = h.component_ctx();
    h.client
        .add_to_template(
            &ctx,
            &AddToTemplateRequest {
                draft_id,
                template_type: None,
            },
        )
        .await
        .unwrap();
    let templates = h.client.get_template_list(&ctx, None).await.unwrap();
    let template = templates
        .template_list
        .iter()
        .find(|t| t.draft_id == Some(draft_id))
        .expect("the new template");
    commit(h, appid, template.template_id).await;
}

#[tokio::test]
async fn get_category_offers_the_third_levels_of_a_category() {
    let h = Harness::start().await;
    let appid = h.authorize_profile(education_profile("三级类目")).await;
    let list = h.client.get_category(&h.ctx(&appid)).await.unwrap();
    // The seed's example entry, and the other third level under the same second level.
    assert_eq!(
        list.category_list,
        vec![
            CategoryItem {
                first_class: "教育".into(),
                second_class: "学历教育".into(),
                third_class: Some("高等".into()),
                first_id: 3,
                second_id: 4,
                third_id: Some(5),
            },
            CategoryItem {
                first_class: "教育".into(),
                second_class: "学历教育".into(),
                third_class: Some("中等".into()),
                first_id: 3,
                second_id: 4,
                third_id: Some(6),
            },
        ]
    );
    let token = access_token(&h, &appid).await;
    let raw = h
        .raw_get(&format!("/wxa/get_category?access_token={token}"))
        .await;
    assert_eq!(raw["category_list"][0]["third_class"], "高等");
    assert_eq!(raw["category_list"][0]["third_id"], 5);
}

#[tokio::test]
async fn submit_audit_takes_the_seeds_third_level_item_and_refuses_a_wrong_third_level() {
    let h = Harness::start().await;
    let appid = h.authorize_profile(education_profile("学历教育")).await;
    commit_seed_pages(&h, &appid).await;
    let ctx = h.ctx(&appid);
    let submit_with = |change: fn(&mut AuditItem)| {
        let mut item = seed_third_level_item();
        change(&mut item);
        let client = h.client.clone();
        let ctx = h.ctx(&appid);
        async move { client.submit_audit(&ctx, &audit_of(vec![item])).await }
    };
    // 85008 类目填写错误: the category has third levels but none is named …
    let refusals: [fn(&mut AuditItem); 4] = [
        |i| {
            i.third_id = None;
            i.third_class = None;
        },
        |i| i.third_id = None,
        // … or one that does not exist, or whose name is another's.
        |i| i.third_id = Some(99),
        |i| i.third_class = Some("中等".into()),
    ];
    for change in refusals {
        assert_eq!(errcode(submit_with(change).await), 85008);
    }
    let auditid = h
        .client
        .submit_audit(&ctx, &audit_of(vec![seed_third_level_item()]))
        .await
        .expect("the seed's item is accepted")
        .auditid;
    let status = h.client.get_auditstatus(&ctx, auditid).await.unwrap();
    assert_eq!(status.status, 2);
    let state = h.control_get(&format!("/code/state?appid={appid}")).await;
    assert_eq!(state["audits"][0]["item_list"][0]["third_id"], 5);
    assert_eq!(state["audits"][0]["item_list"][0]["third_class"], "高等");
}

#[tokio::test]
async fn submit_audit_validates_items_and_state() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    let try_submit = |items: Vec<AuditItem>| {
        let client = h.client.clone();
        let ctx = h.ctx(&appid);
        async move { client.submit_audit(&ctx, &audit_of(items)).await }
    };
    assert_eq!(errcode(try_submit(vec![item()]).await), 85086);
    commit(&h, &appid, 1).await;

    assert_eq!(errcode(try_submit(vec![]).await), 85023);
    assert_eq!(errcode(try_submit(vec![item(); 6]).await), 85023);
    assert_eq!(
        errcode(try_submit(vec![item(), AuditItem::default()]).await),
        85010
    );
    let with = |f: fn(&mut AuditItem)| {
        let mut i = item();
        f(&mut i);
        vec![i]
    };
    assert_eq!(
        errcode(try_submit(with(|i| i.address = "pages/nope".into())).await),
        85007
    );
    assert_eq!(
        errcode(try_submit(with(|i| i.tag = "a b c d e f g h i j k".into())).await),
        85006
    );
    assert_eq!(
        errcode(try_submit(with(|i| i.tag = "标".repeat(21))).await),
        85006
    );
    assert_eq!(
        errcode(try_submit(with(|i| i.second_id = 999)).await),
        85008
    );
    assert_eq!(
        errcode(try_submit(with(|i| i.first_class = "教育".into())).await),
        85008
    );
    assert_eq!(
        errcode(try_submit(with(|i| i.title = "长".repeat(33))).await),
        85011
    );
    // A null item is an empty one.
    let token = access_token(&h, &appid).await;
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/submit_audit?access_token={token}"),
            Some(r#"{"item_list": [null]}"#),
        )
        .await;
    assert_eq!(answer["errcode"], 85010);
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/submit_audit?access_token={token}"),
            Some("{}"),
        )
        .await;
    assert_eq!(answer["errcode"], 85023);

    // Five items, each at the limits, pass.
    let mut full = item();
    full.title = "题".repeat(32);
    full.tag = vec!["标".repeat(20); 10].join(" ");
    let auditid = h
        .client
        .submit_audit(&ctx, &audit_of(vec![full; 5]))
        .await
        .unwrap()
        .auditid;
    assert!(auditid > 0);
    assert_eq!(errcode(try_submit(vec![item()]).await), 85009);

    // A component token is not a mini program's.
    let component = h.token(&TokenKey::Component).await;
    let answer = h
        .raw_json(
            "GET",
            &format!("/wxa/get_page?access_token={component}"),
            None,
        )
        .await;
    assert_eq!(answer["errcode"], 86000);
    let answer = h
        .raw_json("GET", "/wxa/get_page?access_token=forged", None)
        .await;
    assert_eq!(answer["errcode"], 40001);
    let answer = h.raw_json("GET", "/wxa/get_page", None).await;
    assert_eq!(answer["errcode"], 41001);
}

#[tokio::test]
async fn submit_audit_account_rules_86002_85077_85087() {
    let h = Harness::start().await;
    let unnamed = h
        .authorize_profile(json!({
            "nick_name": "",
            "principal_name": "模拟科技有限公司",
            "categories": [{"first_id": 304, "first_name": "餐饮", "second_id": 305, "second_name": "咖啡"}],
        }))
        .await;
    commit(&h, &unnamed, 1).await;
    let result = h
        .client
        .submit_audit(&h.ctx(&unnamed), &audit_of(vec![item()]))
        .await;
    assert_eq!(errcode(result), 86002);

    let withdrawn = h
        .authorize_profile(json!({
            "nick_name": "下架类目",
            "principal_name": "模拟科技有限公司",
            "categories": [{"first_id": 700, "first_name": "旧类目", "second_id": 701, "second_name": "已下架"}],
        }))
        .await;
    commit(&h, &withdrawn, 1).await;
    let mut old = item();
    old.first_id = 700;
    old.second_id = 701;
    old.first_class = "旧类目".into();
    old.second_class = "已下架".into();
    let result = h
        .client
        .submit_audit(&h.ctx(&withdrawn), &audit_of(vec![old]))
        .await;
    assert_eq!(errcode(result), 85077);

    // Template 2 calls navigateToMiniProgram: the targets must be declared.
    let shop = h.authorize("跳转商城").await;
    commit(&h, &shop, 2).await;
    let result = h
        .client
        .submit_audit(&h.ctx(&shop), &audit_of(vec![item()]))
        .await;
    assert_eq!(errcode(result), 85087);
    h.client
        .commit_code(
            &h.ctx(&shop),
            &commit_request(
                2,
                r#"{"navigateToMiniProgramAppIdList": ["wx0123456789abcdef"]}"#,
            ),
        )
        .await
        .unwrap();
    let mut request = audit_of(vec![item()]);
    request.feedback_info = Some("测试账号: demo / 123456".into());
    request.version_desc = Some("首次提交".into());
    h.client
        .submit_audit(&h.ctx(&shop), &request)
        .await
        .unwrap();
}

#[tokio::test]
async fn audits_finish_after_the_delay_on_the_simulated_clock_and_push_success() {
    let h = Harness::start().await;
    let appid = h.authorize("定时审核").await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.get_latest_auditstatus(&ctx).await), 86001);
    commit(&h, &appid, 1).await;
    assert_eq!(errcode(h.client.get_latest_auditstatus(&ctx).await), 85012);
    let auditid = submit(&h, &appid).await;

    let status = h.client.get_auditstatus(&ctx, auditid).await.unwrap();
    assert_eq!(status.status, 2);
    assert_eq!(status.reason, None);
    assert_eq!(
        errcode(h.client.get_auditstatus(&ctx, auditid + 1000).await),
        85012
    );
    // The seed shows the latest auditid as a string.
    let token = access_token(&h, &appid).await;
    let raw = h
        .raw_json(
            "GET",
            &format!("/wxa/get_latest_auditstatus?access_token={token}"),
            None,
        )
        .await;
    assert_eq!(raw["auditid"], json!(auditid.to_string()));
    assert_eq!(raw["status"], 2);

    h.advance(59).await;
    assert_eq!(
        h.client
            .get_auditstatus(&ctx, auditid)
            .await
            .unwrap()
            .status,
        2
    );
    assert!(audit_pushes(&h).await.is_empty());
    h.advance(2).await;
    let latest = h.client.get_latest_auditstatus(&ctx).await.unwrap();
    assert_eq!((latest.auditid, latest.status), (auditid, 0));

    let pushes = audit_pushes(&h).await;
    assert_eq!(pushes.len(), 1);
    let push = &pushes[0];
    assert_eq!(push.kind, "weapp_audit_success");
    assert_eq!(
        push.field("ToUserName"),
        Some(user_name(&h, &appid).await.as_str())
    );
    assert_eq!(push.field("MsgType"), Some("event"));
    assert!(push.field("FromUserName").is_some());
    let now = h.sim.now();
    let succ: i64 = push.field("SuccTime").unwrap().parse().unwrap();
    assert!((now - succ).abs() < 5, "SuccTime on the simulated clock");
    let pending = h.control_get("/pushes").await;
    assert!(pending["pending"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["target"]["Authorizer"]["appid"] == json!(appid)));
}

#[tokio::test]
async fn forced_outcomes_delay_then_reject_with_reason_and_screenshot() {
    let h = Harness::start().await;
    let appid = h.authorize("强制结果").await;
    let ctx = h.ctx(&appid);
    // Nothing in review yet.
    let none = h
        .control("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    assert_eq!(none["errcode"], 85019);
    commit(&h, &appid, 1).await;
    let auditid = submit(&h, &appid).await;
    let invalid = h
        .control("/audit/outcome", json!({"appid": appid, "status": 2}))
        .await;
    assert_eq!(invalid["errcode"], 47001);

    let delayed = h
        .control(
            "/audit/outcome",
            json!({"appid": appid, "status": 4, "reason": "需要补充资质"}),
        )
        .await;
    assert_eq!(delayed["auditid"], auditid);
    let status = h.client.get_auditstatus(&ctx, auditid).await.unwrap();
    assert_eq!(status.status, 4);
    assert_eq!(status.reason.as_deref(), Some("需要补充资质"));
    // Still under review.
    assert_eq!(
        errcode(h.client.submit_audit(&ctx, &audit_of(vec![item()])).await),
        85009
    );

    h.control(
        "/audit/outcome",
        json!({"appid": appid, "status": 1, "reason": "1:页面内容不完整<br>", "screenshot": "media1|media2"}),
    )
    .await;
    let status = h.client.get_auditstatus(&ctx, auditid).await.unwrap();
    assert_eq!(status.status, 1);
    assert_eq!(status.reason.as_deref(), Some("1:页面内容不完整<br>"));
    assert_eq!(status.screenshot.as_deref(), Some("media1|media2"));

    let pushes = audit_pushes(&h).await;
    let kinds: Vec<&str> = pushes.iter().map(|p| p.kind.as_str()).collect();
    assert_eq!(kinds, vec!["weapp_audit_delay", "weapp_audit_fail"]);
    assert_eq!(pushes[0].field("Reason"), Some("需要补充资质"));
    assert!(pushes[0].field("DelayTime").is_some());
    assert_eq!(pushes[1].field("Reason"), Some("1:页面内容不完整<br>"));
    assert_eq!(pushes[1].field("ScreenShot"), Some("media1|media2"));
    assert!(pushes[1].field("FailTime").is_some());

    // A rejected version can be fixed and submitted again.
    let again = submit(&h, &appid).await;
    assert_ne!(again, auditid);
}

#[tokio::test]
async fn the_default_outcome_applies_to_audits_that_finish_on_their_own() {
    let h = Harness::start().await;
    let appid = h.authorize("默认结果").await;
    let ctx = h.ctx(&appid);
    let bad = h.control("/audit/default", json!({"status": 3})).await;
    assert_eq!(bad["errcode"], 47001);
    h.control("/audit/default", json!({"status": 1})).await;
    commit(&h, &appid, 1).await;
    let auditid = submit(&h, &appid).await;
    h.advance(61).await;
    let status = h.client.get_auditstatus(&ctx, auditid).await.unwrap();
    assert_eq!(status.status, 1);
    assert!(status.reason.is_some_and(|r| !r.is_empty()));

    // Delayed audits are delayed once, then finish (passed) after another delay.
    h.control("/audit/default", json!({"status": 4})).await;
    let second = submit(&h, &appid).await;
    h.advance(61).await;
    assert_eq!(
        h.client.get_auditstatus(&ctx, second).await.unwrap().status,
        4
    );
    h.advance(61).await;
    assert_eq!(
        h.client.get_auditstatus(&ctx, second).await.unwrap().status,
        0
    );
    let kinds: Vec<String> = audit_pushes(&h).await.into_iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            "weapp_audit_fail",
            "weapp_audit_delay",
            "weapp_audit_success"
        ]
    );
}

/// The audit result reaches the console's message URL, encrypted.
#[tokio::test]
async fn audit_push_is_delivered_encrypted_to_the_message_url() {
    let mut config = SimConfig::demo();
    config.push_retry_interval = Duration::from_millis(100);
    let h = Harness::start_with(config.clone()).await;
    let appid = h.authorize("推送审核").await;
    let received: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = received.clone();
    let crypt = MsgCrypt::new(
        config.message_token.clone(),
        &config.encoding_aes_key,
        config.component_appid.clone(),
    )
    .unwrap();
    let app = axum::Router::new().route(
        "/wechat/callback/{appid}",
        axum::routing::post(
            move |axum::extract::Path(appid): axum::extract::Path<String>,
                  axum::extract::Query(q): axum::extract::Query<
                std::collections::HashMap<String, String>,
            >,
                  body: String| {
                let seen = seen.clone();
                let crypt = crypt.clone();
                async move {
                    let plain = crypt
                        .decrypt_message(&q["msg_signature"], &q["timestamp"], &q["nonce"], &body)
                        .expect("valid push");
                    seen.lock().unwrap().push((appid, plain));
                    "success"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/wechat/callback/$APPID$",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    h.sim.set_targets(Targets {
        component_url: None,
        message_url: Some(url),
    });

    commit(&h, &appid, 1).await;
    submit(&h, &appid).await;
    h.control(
        "/audit/outcome",
        json!({"appid": appid, "status": 1, "reason": "标题与内容不符"}),
    )
    .await;
    for _ in 0..20 {
        h.sim.deliver_due().await;
        if !received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, appid);
    let push = Push::parse(&got[0].1).unwrap();
    assert_eq!(push.kind, "weapp_audit_fail");
    assert_eq!(push.field("Reason"), Some("标题与内容不符"));
    assert_eq!(
        push.field("ToUserName"),
        Some(user_name(&h, &appid).await.as_str())
    );
}

#[tokio::test]
async fn release_needs_a_passed_audit_and_visit_status_a_live_version() {
    let h = Harness::start().await;
    let appid = h.authorize("发布规则").await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.release(&ctx).await), 85019);
    assert_eq!(
        errcode(h.client.change_visitstatus(&ctx, VisitAction::Close).await),
        85021
    );
    commit(&h, &appid, 1).await;
    submit(&h, &appid).await;
    assert_eq!(errcode(h.client.release(&ctx).await), 85020);
    outcome(&h, &appid, 0).await;
    h.client.release(&ctx).await.unwrap();
    // The same version cannot be released twice.
    assert_eq!(errcode(h.client.release(&ctx).await), 85020);
    // A rejected audit cannot be released.
    submit(&h, &appid).await;
    outcome(&h, &appid, 1).await;
    assert_eq!(errcode(h.client.release(&ctx).await), 85020);

    h.client
        .change_visitstatus(&ctx, VisitAction::Close)
        .await
        .unwrap();
    assert!(h.sim.snapshot().authorizers[&appid].code.visit_closed);
    h.client
        .change_visitstatus(&ctx, VisitAction::Open)
        .await
        .unwrap();
    assert!(!h.sim.snapshot().authorizers[&appid].code.visit_closed);
    let token = access_token(&h, &appid).await;
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/change_visitstatus?access_token={token}"),
            Some(r#"{"action": "hide"}"#),
        )
        .await;
    assert_eq!(answer["errcode"], 85022);
}

#[tokio::test]
async fn rollback_goes_to_the_previous_version_once() {
    let h = Harness::start().await;
    let appid = h.authorize("版本回退").await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.revert_code_release(&ctx).await), 87012);
    let first = release_once(&h, &appid).await;
    // No previous live version.
    assert_eq!(errcode(h.client.revert_code_release(&ctx).await), 87012);
    let second = release_once(&h, &appid).await;
    assert_eq!(
        h.sim.snapshot().authorizers[&appid]
            .code
            .live
            .as_ref()
            .unwrap()
            .auditid,
        second
    );
    h.client.revert_code_release(&ctx).await.unwrap();
    let live = h.sim.snapshot().authorizers[&appid]
        .code
        .live
        .clone()
        .unwrap();
    assert_eq!(live.auditid, first);
    assert!(live.reverted);
    // A rolled-back version cannot be rolled back.
    assert_eq!(errcode(h.client.revert_code_release(&ctx).await), 87012);
}

#[tokio::test]
async fn gray_release_rises_can_be_reverted_and_blocks_rollback() {
    let h = Harness::start().await;
    let appid = h.authorize("分阶段发布").await;
    let ctx = h.ctx(&appid);
    let plan = h.client.get_gray_release_plan(&ctx).await.unwrap();
    assert_eq!(plan.gray_release_plan.status, 0);
    assert_eq!(plan.gray_release_plan.gray_percentage, 0);

    // No live version yet.
    commit(&h, &appid, 1).await;
    submit(&h, &appid).await;
    outcome(&h, &appid, 0).await;
    assert_eq!(errcode(h.client.gray_release(&ctx, 10).await), 85079);
    h.client.release(&ctx).await.unwrap();

    // The next version: in review, not gray-releasable.
    submit(&h, &appid).await;
    assert_eq!(errcode(h.client.gray_release(&ctx, 10).await), 85080);
    outcome(&h, &appid, 0).await;
    assert_eq!(errcode(h.client.gray_release(&ctx, 0).await), 85081);
    assert_eq!(errcode(h.client.gray_release(&ctx, 101).await), 85081);
    h.client.gray_release(&ctx, 10).await.unwrap();
    let plan = h.client.get_gray_release_plan(&ctx).await.unwrap();
    assert_eq!(plan.gray_release_plan.status, 1);
    assert_eq!(plan.gray_release_plan.gray_percentage, 10);
    assert!(plan.gray_release_plan.create_timestamp > 0);
    assert_eq!(errcode(h.client.gray_release(&ctx, 10).await), 85082);
    assert_eq!(errcode(h.client.gray_release(&ctx, 5).await), 85082);
    h.client.gray_release(&ctx, 100).await.unwrap();
    // No rollback while a gray release runs.
    assert_eq!(errcode(h.client.revert_code_release(&ctx).await), 87011);

    h.client.revert_gray_release(&ctx).await.unwrap();
    let plan = h.client.get_gray_release_plan(&ctx).await.unwrap();
    assert_eq!(plan.gray_release_plan.status, 4);
    // After the revert a new plan may start low again, then a full release finishes it.
    h.client.gray_release(&ctx, 1).await.unwrap();
    h.client.release(&ctx).await.unwrap();
    let plan = h.client.get_gray_release_plan(&ctx).await.unwrap();
    assert_eq!(plan.gray_release_plan.status, 3);
    h.client.revert_code_release(&ctx).await.unwrap();

    let token = access_token(&h, &appid).await;
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/grayrelease?access_token={token}"),
            Some(r#"{"gray_percentage": 12.5}"#),
        )
        .await;
    assert_eq!(answer["errcode"], 85081);
}

#[tokio::test]
async fn gray_release_needs_an_initialized_mini_program() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(json!({"nick_name": "", "principal_name": "模拟科技有限公司"}))
        .await;
    assert_eq!(
        errcode(h.client.gray_release(&h.ctx(&appid), 10).await),
        86002
    );
}

/// A day later on the simulated clock, with a fresh verify ticket so tokens can be renewed.
async fn next_day(h: &Harness) {
    h.advance(86400).await;
    h.sim.push_ticket();
}

#[tokio::test]
async fn undo_audit_is_once_a_day_and_ten_times_a_month() {
    let h = Harness::start().await;
    let appid = h.authorize("撤回审核").await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.undo_code_audit(&ctx).await), 85019);
    commit(&h, &appid, 1).await;

    // Move to the first day of a Beijing month so ten days fit in it.
    while beijing_date(h.sim.now()).2 != 1 {
        next_day(&h).await;
    }
    for day in 1..=10 {
        let auditid = submit(&h, &appid).await;
        h.client.undo_code_audit(&ctx).await.unwrap();
        assert_eq!(
            h.client
                .get_auditstatus(&ctx, auditid)
                .await
                .unwrap()
                .status,
            3,
            "day {day}"
        );
        // Once a day.
        submit(&h, &appid).await;
        assert_eq!(errcode(h.client.undo_code_audit(&ctx).await), 87013);
        outcome(&h, &appid, 1).await;
        next_day(&h).await;
    }
    // Day 11 of the same month: the monthly ten are used.
    assert_eq!(beijing_date(h.sim.now()).2, 11);
    submit(&h, &appid).await;
    assert_eq!(errcode(h.client.undo_code_audit(&ctx).await), 87013);
    // Next month the quota is back.
    while beijing_date(h.sim.now()).2 != 1 {
        next_day(&h).await;
    }
    outcome(&h, &appid, 1).await;
    submit(&h, &appid).await;
    h.client.undo_code_audit(&ctx).await.unwrap();
}

#[tokio::test]
async fn support_version_reads_and_sets_known_versions() {
    let h = Harness::start().await;
    let appid = h.authorize("基础库").await;
    let ctx = h.ctx(&appid);
    let current = h.client.get_weapp_support_version(&ctx).await.unwrap();
    assert_eq!(current.now_version, "1.0.0");
    assert!(current.uv_info.items.len() >= 3);
    assert!(current.uv_info.items.iter().any(|i| i.version == "2.20.0"));
    h.client
        .set_weapp_support_version(&ctx, "2.20.0")
        .await
        .unwrap();
    let current = h.client.get_weapp_support_version(&ctx).await.unwrap();
    assert_eq!(current.now_version, "2.20.0");
    assert_eq!(
        errcode(h.client.set_weapp_support_version(&ctx, "9.9.9").await),
        85015
    );
    assert_eq!(
        errcode(h.client.set_weapp_support_version(&ctx, "").await),
        85015
    );
}

/// Issue 15 (2): any released base library can be the minimum, not only the
/// rows of the distribution; 85015 ("版本输入错误") for malformed versions
/// and for ones newer than every release.
#[tokio::test]
async fn support_version_accepts_any_released_base_library() {
    let h = Harness::start().await;
    let appid = h.authorize("基础库").await;
    let ctx = h.ctx(&appid);
    let listed = h.client.get_weapp_support_version(&ctx).await.unwrap();
    let newest = listed
        .uv_info
        .items
        .iter()
        .map(|i| i.version.clone())
        .max_by_key(|v| wechat::simulator::code::parse_base_library(v))
        .unwrap();
    for version in ["2.10.4", "2.9.3", "3.0.2", "1.0.1", newest.as_str()] {
        h.client
            .set_weapp_support_version(&ctx, version)
            .await
            .unwrap_or_else(|e| panic!("{version}: {e:?}"));
        let current = h.client.get_weapp_support_version(&ctx).await.unwrap();
        assert_eq!(current.now_version, version);
    }
    for version in [
        "", "2.10", "2.10.4.1", "v2.10.4", "02.10.4", "2.10.-4", "2..4", "2.10.4 ", "0.9.9",
        "99.0.0", "1000.0.0",
    ] {
        assert_eq!(
            errcode(h.client.set_weapp_support_version(&ctx, version).await),
            85015,
            "{version:?}"
        );
    }
}

fn rule(prefix: &str) -> QrcodeJumpAddRequest {
    QrcodeJumpAddRequest {
        prefix: prefix.into(),
        permit_sub_rule: "1".into(),
        path: INDEX.into(),
        open_version: "1".into(),
        debug_url: vec![format!("{prefix}?a=1"), format!("{prefix}?a=2")],
        is_edit: 0,
    }
}

#[tokio::test]
async fn qrcode_jump_rules_follow_every_rule_of_section_14() {
    let h = Harness::start().await;
    let appid = h.authorize("扫码跳转").await;
    let ctx = h.ctx(&appid);
    let prefix = "https://weixin.qq.com/qrcodejump";
    let add = |request: QrcodeJumpAddRequest| {
        let client = h.client.clone();
        let ctx = h.ctx(&appid);
        async move { client.qrcode_jump_add(&ctx, &request).await }
    };

    // Adding needs no verify file; publishing does (below).
    h.client.qrcode_jump_add(&ctx, &rule(prefix)).await.unwrap();
    let list = h.client.qrcode_jump_get(&ctx).await.unwrap();
    assert_eq!(list.list_size, 1);
    assert_eq!(list.qrcodejump_pub_quota, 20);
    assert_eq!(list.qrcodejump_open, 0);
    let r = &list.rule_list[0];
    assert_eq!(
        (
            r.prefix.as_str(),
            r.state,
            r.permit_sub_rule,
            r.open_version
        ),
        (prefix, 1, 1, 1)
    );
    assert_eq!(r.debug_url.len(), 2);

    assert_eq!(errcode(add(rule(prefix)).await), 85071);
    let mut edit = rule(prefix);
    edit.is_edit = 1;
    edit.path = "pages/menu/menu".into();
    edit.open_version = "3".into();
    h.client.qrcode_jump_add(&ctx, &edit).await.unwrap();
    let list = h.client.qrcode_jump_get(&ctx).await.unwrap();
    assert_eq!(list.rule_list[0].path, "pages/menu/menu");
    assert_eq!(list.rule_list[0].open_version, 3);
    let mut edit_unknown = rule("https://weixin.qq.com/other");
    edit_unknown.is_edit = 1;
    assert_eq!(errcode(add(edit_unknown).await), 85066);

    let mut not_sub = rule("https://weixin.qq.com/a");
    not_sub.debug_url = vec!["https://weixin.qq.com/b?x=1".into()];
    assert_eq!(errcode(add(not_sub).await), 85068);
    let mut six = rule("https://weixin.qq.com/six");
    six.debug_url = (0..6)
        .map(|i| format!("https://weixin.qq.com/six?a={i}"))
        .collect();
    assert_eq!(errcode(add(six).await), 85066);
    let mut five = rule("https://weixin.qq.com/five");
    five.debug_url = (0..5)
        .map(|i| format!("https://weixin.qq.com/five?a={i}"))
        .collect();
    add(five).await.unwrap();
    assert_eq!(errcode(add(rule("not a link")).await), 85066);
    assert_eq!(
        errcode(add(rule("https://blacklisted.example.com/q")).await),
        85070
    );
    assert_eq!(errcode(add(rule("https://shop.local/q")).await), 85076);
    let mut bad_enum = rule("https://weixin.qq.com/enum");
    bad_enum.permit_sub_rule = "3".into();
    assert_eq!(errcode(add(bad_enum).await), 47001);

    // Publishing needs released code.
    assert_eq!(
        errcode(h.client.qrcode_jump_publish(&ctx, prefix).await),
        85074
    );

    // Another mini program cannot take the same prefix, nor one under an
    // exclusive prefix.
    let other = h.authorize("另一个小程序").await;
    let octx = h.ctx(&other);
    h.client.qrcode_jump_download(&octx).await.unwrap();
    assert_eq!(
        errcode(h.client.qrcode_jump_add(&octx, &rule(prefix)).await),
        85072
    );
    let mut exclusive = rule("https://exclusive.example.com/shop");
    exclusive.permit_sub_rule = "2".into();
    h.client.qrcode_jump_add(&ctx, &exclusive).await.unwrap();
    assert_eq!(
        errcode(
            h.client
                .qrcode_jump_add(&octx, &rule("https://exclusive.example.com/shop/sub"))
                .await
        ),
        85072
    );
    h.client
        .qrcode_jump_add(&octx, &rule("https://weixin.qq.com/qrcodejump2"))
        .await
        .unwrap();

    // Ten rules at most.
    for i in 0..7 {
        add(rule(&format!("https://weixin.qq.com/r{i}")))
            .await
            .unwrap();
    }
    assert_eq!(h.client.qrcode_jump_get(&ctx).await.unwrap().list_size, 10);
    assert_eq!(errcode(add(rule("https://weixin.qq.com/r11")).await), 85073);

    h.client
        .qrcode_jump_delete(&ctx, "https://weixin.qq.com/r0")
        .await
        .unwrap();
    assert_eq!(
        errcode(
            h.client
                .qrcode_jump_delete(&ctx, "https://weixin.qq.com/r0")
                .await
        ),
        85066
    );
    assert_eq!(h.client.qrcode_jump_get(&ctx).await.unwrap().list_size, 9);

    // After a release, publish; 20 publications a month.
    release_once(&h, &appid).await;
    assert_eq!(
        errcode(
            h.client
                .qrcode_jump_publish(&ctx, "https://weixin.qq.com/none")
                .await
        ),
        85066
    );
    // WeChat checks the verify file when a rule goes live.
    assert_eq!(
        errcode(h.client.qrcode_jump_publish(&ctx, prefix).await),
        85069
    );
    let file = h.client.qrcode_jump_download(&ctx).await.unwrap();
    assert!(file.file_name.as_deref().unwrap().ends_with(".txt"));
    assert!(!file.file_content.as_deref().unwrap().is_empty());
    assert_eq!(h.client.qrcode_jump_download(&ctx).await.unwrap(), file);
    h.client.qrcode_jump_publish(&ctx, prefix).await.unwrap();
    let list = h.client.qrcode_jump_get(&ctx).await.unwrap();
    assert_eq!(list.qrcodejump_open, 1);
    assert_eq!(list.qrcodejump_pub_quota, 19);
    let published = list.rule_list.iter().find(|r| r.prefix == prefix).unwrap();
    assert_eq!(published.state, 2);
    // Editing makes it unpublished again.
    let mut edit = rule(prefix);
    edit.is_edit = 1;
    h.client.qrcode_jump_add(&ctx, &edit).await.unwrap();
    let list = h.client.qrcode_jump_get(&ctx).await.unwrap();
    let edited = list.rule_list.iter().find(|r| r.prefix == prefix).unwrap();
    assert_eq!(edited.state, 1);
    for _ in 0..19 {
        h.client.qrcode_jump_publish(&ctx, prefix).await.unwrap();
    }
    assert_eq!(
        h.client
            .qrcode_jump_get(&ctx)
            .await
            .unwrap()
            .qrcodejump_pub_quota,
        0
    );
    assert_eq!(
        errcode(h.client.qrcode_jump_publish(&ctx, prefix).await),
        45009
    );
}

#[tokio::test]
async fn the_control_api_sets_the_quota_and_the_verify_file_and_answers_scans() {
    let h = Harness::start().await;
    let appid = h.authorize("扫码控制").await;
    let ctx = h.ctx(&appid);
    let prefix = "https://scan.example.com/shop/";
    let mut exclusive = rule(prefix);
    exclusive.permit_sub_rule = "2".into();
    h.client.qrcode_jump_add(&ctx, &exclusive).await.unwrap();
    release_once(&h, &appid).await;
    h.control(
        "/qrcodejump",
        json!({"appid": appid, "pub_quota": 1, "verify_file_fetched": true}),
    )
    .await;
    let h = &h;
    let scan = |url: &str| {
        let path = format!("/qrcodejump/scan?url={}", urlencode(url));
        async move { h.control_get(&path).await }
    };
    // Unpublished rules open nothing.
    assert_eq!(
        scan("https://scan.example.com/shop/1").await["opens"],
        false
    );
    h.client.qrcode_jump_publish(&ctx, prefix).await.unwrap();
    let list = h.client.qrcode_jump_get(&ctx).await.unwrap();
    assert_eq!(list.qrcodejump_pub_quota, 0);
    assert_eq!(
        errcode(h.client.qrcode_jump_publish(&ctx, prefix).await),
        45009
    );
    let opened = scan("https://scan.example.com/shop/1?x=2").await;
    assert_eq!(opened["appid"], appid.as_str());
    assert_eq!(opened["path"], INDEX);
    assert_eq!(scan("https://scan.example.com/other").await["opens"], false);
    // Forgetting the verify file brings 85069 back.
    h.control(
        "/qrcodejump",
        json!({"appid": appid, "pub_quota": 5, "verify_file_fetched": false}),
    )
    .await;
    assert_eq!(
        errcode(h.client.qrcode_jump_publish(&ctx, prefix).await),
        85069
    );
}

#[tokio::test]
async fn personal_mini_programs_cannot_set_qrcode_rules() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(json!({"nick_name": "个人小程序", "principal_name": "个人"}))
        .await;
    let ctx = h.ctx(&appid);
    h.client.qrcode_jump_download(&ctx).await.unwrap();
    assert_eq!(
        errcode(
            h.client
                .qrcode_jump_add(&ctx, &rule("https://weixin.qq.com/personal"))
                .await
        ),
        85075
    );
}

#[tokio::test]
async fn a_lost_answer_to_a_get_that_writes_is_not_repeated() {
    let h = Harness::start().await;
    let appid = h.authorize("撤回超时").await;
    let ctx = h.ctx(&appid);
    commit(&h, &appid, 1).await;
    submit(&h, &appid).await;
    h.fault(
        "/wxa/undocodeaudit",
        json!({"fault": "delay", "ms": 2500}),
        1,
    )
    .await;
    let result = h.client.undo_code_audit(&ctx).await;
    assert!(
        matches!(result, Err(wechat::Error::OutcomeUnknown(_))),
        "{result:?}"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(h.calls("/wxa/undocodeaudit").await.len(), 1);
    // It did happen: the audit is withdrawn.
    let latest = h.client.get_latest_auditstatus(&ctx).await.unwrap();
    assert_eq!(latest.status, 3);
}

#[tokio::test]
async fn code_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let (appid, auditid) = {
        let h = Harness::start_with(config.clone()).await;
        let appid = h.authorize("重启后的审核").await;
        let auditid = release_once(&h, &appid).await;
        h.control("/audit/default", json!({"status": 1})).await;
        (appid, auditid)
    };
    let again = Harness::start_with(config).await;
    let state = again.sim.snapshot();
    let code = &state.authorizers[&appid].code;
    assert_eq!(code.live.as_ref().unwrap().auditid, auditid);
    assert_eq!(code.committed.as_ref().unwrap().template_id, 1);
    assert_eq!(state.code_templates.default_outcome, 1);
    assert_eq!(state.code_templates.templates.len(), 3);
    let inspected = again
        .control_get(&format!("/code/state?appid={appid}"))
        .await;
    assert_eq!(inspected["live"]["auditid"], auditid);
}

#[tokio::test]
async fn too_many_mini_programs_submitted_in_seven_days_is_85085() {
    let h = Harness::start().await;
    let limit = wechat::simulator::code::WEEKLY_SUBMITTED_APPS_MAX;
    for i in 0..limit {
        let appid = h.authorize(&format!("批量提审{i}")).await;
        commit(&h, &appid, 1).await;
        submit(&h, &appid).await;
    }
    let last = h.authorize("第一百零一个").await;
    commit(&h, &last, 1).await;
    let result = h
        .client
        .submit_audit(&h.ctx(&last), &audit_of(vec![item()]))
        .await;
    assert_eq!(errcode(result), 85085);
    // Seven days later the window has moved on.
    h.advance(7 * 86400).await;
    h.sim.push_ticket();
    submit(&h, &last).await;
}

/// `SimConfig::audit_quota` sets the 7-day figure (benchmarks of big rollouts raise it).
#[tokio::test]
async fn a_configured_audit_quota_of_two_refuses_the_third_mini_program_with_85085() {
    let mut config = SimConfig::demo();
    config.audit_quota = 2;
    let h = Harness::start_with(config).await;
    for i in 0..2 {
        let appid = h.authorize(&format!("配额二{i}")).await;
        commit(&h, &appid, 1).await;
        submit(&h, &appid).await;
    }
    let third = h.authorize("配额二之三").await;
    commit(&h, &third, 1).await;
    let result = h
        .client
        .submit_audit(&h.ctx(&third), &audit_of(vec![item()]))
        .await;
    assert_eq!(errcode(result), 85085);
}

#[tokio::test]
async fn an_audit_of_an_unauthorized_account_finishes_without_a_push() {
    let h = Harness::start().await;
    let appid = h.authorize("取消授权后审核").await;
    commit(&h, &appid, 1).await;
    submit(&h, &appid).await;
    h.control("/unauthorize", json!({"appid": appid})).await;
    h.advance(61).await;
    assert!(audit_pushes(&h).await.is_empty());
    let code = &h.sim.snapshot().authorizers[&appid].code;
    assert_eq!(code.audits.last().unwrap().status, 0);
}

/// Issue 15 (1): a mini program's own token (`/cgi-bin/token`) is not the
/// platform acting on its behalf — code management answers 86000 — and it owes
/// nothing to the platform's authorization.
#[tokio::test]
async fn a_mini_programs_own_token_is_86000_and_outlives_the_authorization() {
    let h = Harness::start().await;
    let appid = h.authorize("青禾生鲜商城").await;
    commit(&h, &appid, 1).await;
    let secret = wechat::simulator::template::app_secret(&h.sim, &appid).unwrap();
    let own = h
        .client
        .client_credential_token(&appid, &secret)
        .await
        .unwrap()
        .access_token;
    let own_q = format!("access_token={}", urlencode(&own));
    for (method, path, body) in [
        ("GET", "/wxa/get_page", None),
        ("GET", "/wxa/get_category", None),
        ("GET", "/wxa/get_latest_auditstatus", None),
        (
            "POST",
            "/wxa/change_visitstatus",
            Some(r#"{"action":"close"}"#),
        ),
        ("POST", "/cgi-bin/wxopen/getweappsupportversion", Some("{}")),
    ] {
        let answer = h.raw_json(method, &format!("{path}?{own_q}"), body).await;
        assert_eq!(answer["errcode"], 86000, "{path}");
    }
    // The platform's token for the same account still works there.
    let ctx = h.ctx(&appid);
    h.client.get_page(&ctx).await.unwrap();

    let library_list = |token: String| {
        let h = &h;
        async move {
            h.raw_json(
                "POST",
                &format!(
                    "/cgi-bin/wxopen/template/library/list?access_token={}",
                    urlencode(&token)
                ),
                Some(r#"{"offset":0,"count":1}"#),
            )
            .await
        }
    };
    assert_eq!(library_list(own.clone()).await["errcode"], 0);
    // Refreshing the platform's token does not shorten the own token…
    h.tokens.current.lock().unwrap().clear();
    let refreshed = access_token(&h, &appid).await;
    h.advance(301).await;
    assert_eq!(library_list(own.clone()).await["errcode"], 0);
    assert_eq!(library_list(refreshed).await["errcode"], 0);
    // …and cancelling the authorization does not kill it.
    h.control("/unauthorize", json!({"appid": appid})).await;
    assert_eq!(library_list(own.clone()).await["errcode"], 0);
    // The call log still names the account for own-token calls.
    let calls = h.calls("/cgi-bin/wxopen/template/library/list").await;
    assert!(calls
        .iter()
        .all(|c| c["appid"].as_str() == Some(appid.as_str())));
}

async fn visit_status_in_authorizer_info(h: &Harness, appid: &str) -> i64 {
    h.client
        .authorizer_info(
            &h.component_ctx(),
            &wechat::api::component::AuthorizerInfoRequest {
                component_appid: h.component_appid(),
                authorizer_appid: appid.to_owned(),
            },
        )
        .await
        .unwrap()
        .authorizer_info
        .mini_program_info
        .expect("a mini program's info")
        .visit_status
}

/// Issue 15 (3, 4): change_visitstatus checks the token before the action,
/// answers 85021 ("状态不可变") when the state would not change, and the
/// authorizer info's `MiniProgramInfo.visit_status` follows it.
#[tokio::test]
async fn visit_status_checks_the_token_first_refuses_no_change_and_shows_in_authorizer_info() {
    let h = Harness::start().await;
    let appid = h.authorize("可见状态").await;
    let ctx = h.ctx(&appid);
    // A bad token is 40001 even with a bad action (85022 otherwise).
    for body in [r#"{"action":"hide"}"#, r#"{"action":"close"}"#, "{"] {
        let answer = h
            .raw_json(
                "POST",
                "/wxa/change_visitstatus?access_token=forged",
                Some(body),
            )
            .await;
        assert_eq!(answer["errcode"], 40001, "{body}");
    }
    release_once(&h, &appid).await;
    assert_eq!(visit_status_in_authorizer_info(&h, &appid).await, 0);
    // Opening what is open does not change anything: 85021.
    assert_eq!(
        errcode(h.client.change_visitstatus(&ctx, VisitAction::Open).await),
        85021
    );
    h.client
        .change_visitstatus(&ctx, VisitAction::Close)
        .await
        .unwrap();
    assert_eq!(visit_status_in_authorizer_info(&h, &appid).await, 1);
    assert_eq!(
        errcode(h.client.change_visitstatus(&ctx, VisitAction::Close).await),
        85021
    );
    h.client
        .change_visitstatus(&ctx, VisitAction::Open)
        .await
        .unwrap();
    assert_eq!(visit_status_in_authorizer_info(&h, &appid).await, 0);
}

/// Issue 15 (6): the seed's example answer of qrcodejumpdownload is a bare
/// `{"errcode": 0, "errmsg": "ok"}`; the client decodes it (no file) instead
/// of failing.
#[tokio::test]
async fn the_seeds_bare_verify_file_answer_decodes() {
    let h = Harness::start().await;
    let appid = h.authorize("扫码打开").await;
    let ctx = h.ctx(&appid);
    // An injected errcode-0 fault answers exactly the seed's example.
    h.fault(
        "/cgi-bin/wxopen/qrcodejumpdownload",
        json!({"fault": "errcode", "errcode": 0, "errmsg": "ok"}),
        1,
    )
    .await;
    let bare = h.client.qrcode_jump_download(&ctx).await.unwrap();
    assert_eq!(bare.file_name, None);
    assert_eq!(bare.file_content, None);
    // The simulator's own answer carries both.
    let file = h.client.qrcode_jump_download(&ctx).await.unwrap();
    assert!(file.file_name.is_some() && file.file_content.is_some());
}
