//! Contract tests: the client against the simulator for message templates
//! (template-message-api.md): the library, composing, listing and deleting
//! the account's templates, sending with form ids, the daily quota and
//! `/cgi-bin/token`.

mod common;

use std::collections::BTreeMap;

use common::{errcode, urlencode, Harness};
use serde_json::json;
use wechat::api::code::CommitRequest;
use wechat::api::template::{AddTemplateRequest, DataValue, SendTemplateRequest};
use wechat::simulator::template::{
    app_secret, issue_form_id, sent_messages, set_daily_limit, FormKind,
};

const SEND: &str = "/cgi-bin/message/wxopen/template/send";

async fn add(h: &Harness, appid: &str, id: &str, keywords: &[i64]) -> String {
    h.client
        .template_add(
            &h.ctx(appid),
            &AddTemplateRequest {
                id: id.into(),
                keyword_id_list: keywords.to_vec(),
            },
        )
        .await
        .unwrap()
        .template_id
}

fn data(values: &[&str]) -> BTreeMap<String, DataValue> {
    values
        .iter()
        .enumerate()
        .map(|(n, v)| {
            (
                format!("keyword{}", n + 1),
                DataValue {
                    value: (*v).to_owned(),
                    color: Some("#173177".into()),
                },
            )
        })
        .collect()
}

fn send_request(template_id: &str, form_id: &str, touser: &str) -> SendTemplateRequest {
    SendTemplateRequest {
        touser: touser.into(),
        template_id: template_id.into(),
        page: "pages/index/index?from=test".into(),
        form_id: form_id.into(),
        data: data(&["TIT造舰厂", "2016年6月6日", "咖啡"]),
        color: None,
        emphasis_keyword: Some("keyword1.DATA".into()),
    }
}

/// A mini program with code committed from template 1 (its pages: `pages/index/index`,
/// `pages/menu/menu`, `pages/order/detail`, `pages/user/user`): sends may jump to them.
async fn authorize_with_code(h: &Harness, name: &str) -> String {
    let appid = h.authorize(name).await;
    h.client
        .commit_code(
            &h.ctx(&appid),
            &CommitRequest {
                template_id: 1,
                ext_json: String::new(),
                user_version: "1.0.0".into(),
                user_desc: "模板消息测试".into(),
            },
        )
        .await
        .expect("commit");
    appid
}

fn form(h: &Harness, appid: &str, openid: &str, kind: FormKind) -> String {
    issue_form_id(&h.sim, appid, openid, kind).unwrap().0
}

#[tokio::test]
async fn library_list_pages_through_about_thirty_titles() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let first = h.client.template_library_list(&ctx, 0, 5).await.unwrap();
    assert_eq!(first.total_count, 30);
    let ids: Vec<&str> = first.list.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["AT0001", "AT0002", "AT0003", "AT0004", "AT0005"]);
    assert_eq!(first.list[1].title, "购买成功通知");
    let full = h.client.template_library_list(&ctx, 0, 20).await.unwrap();
    assert_eq!(full.list.len(), 20);
    let last = h.client.template_library_list(&ctx, 20, 20).await.unwrap();
    assert_eq!(last.list.len(), 10);
    assert_eq!(last.list[0].id, "AT0021");
    let beyond = h.client.template_library_list(&ctx, 40, 5).await.unwrap();
    assert!(beyond.list.is_empty());
    assert_eq!(beyond.total_count, 30);
    for (offset, count) in [(0, 21), (0, 0), (-1, 5)] {
        assert_eq!(
            errcode(h.client.template_library_list(&ctx, offset, count).await),
            47001,
            "{offset}/{count}"
        );
    }
}

#[tokio::test]
async fn library_get_gives_the_keywords_of_a_title() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let t = h.client.template_library_get(&ctx, "AT0002").await.unwrap();
    assert_eq!(t.id, "AT0002");
    assert_eq!(t.title, "购买成功通知");
    let first: Vec<(i64, &str, &str)> = t
        .keyword_list
        .iter()
        .take(3)
        .map(|k| (k.keyword_id, k.name.as_str(), k.example.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            (3, "购买地点", "TIT造舰厂"),
            (4, "购买时间", "2016年6月6日"),
            (5, "物品名称", "咖啡")
        ]
    );
    assert_eq!(
        errcode(h.client.template_library_get(&ctx, "AT9999").await),
        47001
    );
}

#[tokio::test]
async fn add_list_and_delete_templates() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let bought = add(&h, &appid, "AT0002", &[3, 5, 4]).await;
    assert_eq!(bought.len(), 43);
    let paid = add(&h, &appid, "AT0005", &[1, 2]).await;
    let shipped = add(&h, &appid, "AT0007", &[1, 2, 3, 4, 5]).await;
    assert_ne!(bought, paid);

    let list = h.client.template_list(&ctx, 0, 20).await.unwrap().list;
    assert_eq!(list.len(), 3);
    assert_eq!(list[0].template_id, bought);
    assert_eq!(list[0].title, "购买成功通知");
    // Keywords in the order they were chosen.
    assert_eq!(
        list[0].content,
        "购买地点{{keyword1.DATA}}\n物品名称{{keyword2.DATA}}\n购买时间{{keyword3.DATA}}\n"
    );
    assert_eq!(
        list[0].example,
        "购买地点：TIT造舰厂\n物品名称：咖啡\n购买时间：2016年6月6日\n"
    );
    let page = h.client.template_list(&ctx, 1, 1).await.unwrap().list;
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].template_id, paid);
    assert_eq!(errcode(h.client.template_list(&ctx, 0, 21).await), 47001);

    h.client.template_del(&ctx, &paid).await.unwrap();
    let ids: Vec<String> = h
        .client
        .template_list(&ctx, 0, 20)
        .await
        .unwrap()
        .list
        .into_iter()
        .map(|t| t.template_id)
        .collect();
    assert_eq!(ids, [bought.clone(), shipped]);
    assert_eq!(errcode(h.client.template_del(&ctx, &paid).await), 40037);
    // Templates belong to one account.
    let other = h.authorize("云途出行").await;
    assert_eq!(
        errcode(h.client.template_del(&h.ctx(&other), &bought).await),
        40037
    );
    assert!(h
        .client
        .template_list(&h.ctx(&other), 0, 20)
        .await
        .unwrap()
        .list
        .is_empty());
}

#[tokio::test]
async fn keyword_composition_limits() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let try_add = |id: &'static str, ids: Vec<i64>| {
        let ctx = h.ctx(&appid);
        let client = h.client.clone();
        async move {
            client
                .template_add(
                    &ctx,
                    &AddTemplateRequest {
                        id: id.into(),
                        keyword_id_list: ids,
                    },
                )
                .await
        }
    };
    assert_eq!(errcode(try_add("AT0002", vec![]).await), 47001);
    assert_eq!(errcode(try_add("AT0002", vec![3, 3]).await), 47001);
    assert_eq!(errcode(try_add("AT0002", vec![3, 99]).await), 47001);
    assert_eq!(errcode(try_add("AT9999", vec![1]).await), 47001);
    assert_eq!(errcode(try_add("AT0002", (1..=11).collect()).await), 47001);
    // Every keyword of a title, in any order, is fine.
    try_add("AT0002", vec![8, 7, 6, 5, 4, 3]).await.unwrap();
    assert_eq!(
        h.client
            .template_list(&ctx, 0, 20)
            .await
            .unwrap()
            .list
            .len(),
        1
    );
}

#[tokio::test]
async fn send_delivers_and_uses_up_the_form_id() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let template = add(&h, &appid, "AT0002", &[3, 4, 5]).await;
    let form_id = form(&h, &appid, "oUser1", FormKind::Form);
    let ack = h
        .client
        .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
        .await
        .unwrap();
    assert_eq!(ack.errcode, 0);
    let sent = sent_messages(&h.sim, &appid).unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].touser, "oUser1");
    assert_eq!(sent[0].page, "pages/index/index?from=test");
    assert_eq!(
        sent[0].text,
        "购买地点TIT造舰厂\n购买时间2016年6月6日\n物品名称咖啡\n"
    );
    // One form submission allows one message.
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
                .await
        ),
        41029
    );
    // One payment allows three.
    let prepay = form(&h, &appid, "oUser1", FormKind::Prepay);
    for _ in 0..3 {
        h.client
            .template_send(&ctx, &send_request(&template, &prepay, "oUser1"))
            .await
            .unwrap();
    }
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &prepay, "oUser1"))
                .await
        ),
        41029
    );
    // No page and no data: an empty template without a jump.
    let bare = form(&h, &appid, "oUser1", FormKind::Form);
    let mut request = send_request(&template, &bare, "oUser1");
    request.page.clear();
    request.data.clear();
    request.emphasis_keyword = None;
    h.client.template_send(&ctx, &request).await.unwrap();
    assert_eq!(sent_messages(&h.sim, &appid).unwrap().len(), 5);
}

#[tokio::test]
async fn send_errors_follow_the_seed() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let template = add(&h, &appid, "AT0002", &[3, 4, 5]).await;
    let form_id = form(&h, &appid, "oUser1", FormKind::Form);

    let unknown_template = send_request("nope", &form_id, "oUser1");
    assert_eq!(
        errcode(h.client.template_send(&ctx, &unknown_template).await),
        40037
    );
    // Not a page of the code (41030), also a well-formed one.
    for page in [
        "https://example.com/index",
        "pages/../admin",
        "pages/a b",
        "pages/nope/nope",
        "index",
    ] {
        let mut r = send_request(&template, &form_id, "oUser1");
        r.page = page.into();
        assert_eq!(
            errcode(h.client.template_send(&ctx, &r).await),
            41030,
            "{page}"
        );
    }
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, "forged", "oUser1"))
                .await
        ),
        41028
    );
    // A form id belongs to the user who submitted the form.
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &form_id, "oUser2"))
                .await
        ),
        41028
    );
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &form_id, ""))
                .await
        ),
        40003
    );
    let mut r = send_request(&template, &form_id, "oUser1");
    r.emphasis_keyword = Some("keyword4.DATA".into());
    assert_eq!(errcode(h.client.template_send(&ctx, &r).await), 47001);
    // None of the failures used the form id.
    h.client
        .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
        .await
        .unwrap();

    // Malformed data is a format error.
    let token = h.access_token(&appid).await;
    let bad = h
        .raw_post(
            &format!("{SEND}?access_token={}", urlencode(&token)),
            &json!({"touser": "oUser1", "template_id": template, "form_id": "x", "data": {"keyword1": "plain"}})
                .to_string(),
        )
        .await;
    assert_eq!(bad["errcode"], 47001);

    // Form ids live 7 days.
    let old = form(&h, &appid, "oUser1", FormKind::Prepay);
    h.advance_days(7).await;
    h.advance(1).await;
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &old, "oUser1"))
                .await
        ),
        41028
    );
}

#[tokio::test]
async fn daily_quota_is_45009_until_the_next_day() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let template = add(&h, &appid, "AT0002", &[3, 4, 5]).await;
    set_daily_limit(&h.sim, &appid, 2).unwrap();
    let form_id = form(&h, &appid, "oUser1", FormKind::Prepay);
    // Failed calls count as well.
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request("nope", &form_id, "oUser1"))
                .await
        ),
        40037
    );
    h.client
        .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
        .await
        .unwrap();
    assert_eq!(
        errcode(
            h.client
                .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
                .await
        ),
        45009
    );
    h.advance_days(1).await;
    h.client
        .template_send(&ctx, &send_request(&template, &form_id, "oUser1"))
        .await
        .unwrap();
    let calls = h.calls(SEND).await;
    let codes: Vec<i64> = calls
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    // The day's jump also expired the token: one 42001, refreshed and retried.
    assert_eq!(codes, [40037, 0, 45009, 42001, 0]);
}

#[tokio::test]
async fn client_credential_token_works_and_replaces_the_previous_one() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let secret = app_secret(&h.sim, &appid).unwrap();
    assert_eq!(secret, app_secret(&h.sim, &appid).unwrap());
    let first = h
        .client
        .client_credential_token(&appid, &secret)
        .await
        .unwrap();
    assert_eq!(first.expires_in, 7200);
    let list_with = |token: String| {
        let h = &h;
        async move {
            h.raw_post(
                &format!(
                    "/cgi-bin/wxopen/template/library/list?access_token={}",
                    urlencode(&token)
                ),
                r#"{"offset":0,"count":1}"#,
            )
            .await
        }
    };
    assert_eq!(list_with(first.access_token.clone()).await["errcode"], 0);
    // A new token: the old one keeps working for the overlap only.
    let second = h
        .client
        .client_credential_token(&appid, &secret)
        .await
        .unwrap();
    assert_ne!(first.access_token, second.access_token);
    assert_eq!(list_with(first.access_token.clone()).await["errcode"], 0);
    h.advance(301).await;
    assert_eq!(list_with(first.access_token).await["errcode"], 42001);
    assert_eq!(list_with(second.access_token).await["errcode"], 0);

    assert_eq!(
        errcode(h.client.client_credential_token(&appid, "wrong").await),
        40125
    );
    assert_eq!(
        errcode(
            h.client
                .client_credential_token("wx00000000000000ff", &secret)
                .await
        ),
        40013
    );
    let bad_grant = h
        .raw_get(&format!(
            "/cgi-bin/token?grant_type=password&appid={appid}&secret={secret}"
        ))
        .await;
    assert_eq!(bad_grant["errcode"], 40002);
    // An account without a minted secret cannot get a token at all.
    let other = h.authorize("云途出行").await;
    assert_eq!(
        errcode(h.client.client_credential_token(&other, "").await),
        40125
    );
}

#[tokio::test]
async fn template_endpoints_need_a_valid_token() {
    let h = Harness::start().await;
    for path in [
        "/cgi-bin/wxopen/template/library/list",
        "/cgi-bin/wxopen/template/library/get",
        "/cgi-bin/wxopen/template/add",
        "/cgi-bin/wxopen/template/list",
        "/cgi-bin/wxopen/template/del",
        SEND,
    ] {
        let none = h.raw_post(path, r#"{"offset":0,"count":1}"#).await;
        assert_eq!(none["errcode"], 41001, "{path}");
        let forged = h
            .raw_post(&format!("{path}?access_token=forged"), "{}")
            .await;
        assert_eq!(forged["errcode"], 40001, "{path}");
    }
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let token = h.access_token(&appid).await;
    let malformed = h
        .raw_post(
            &format!(
                "/cgi-bin/wxopen/template/add?access_token={}",
                urlencode(&token)
            ),
            "{\"id\":",
        )
        .await;
    assert_eq!(malformed["errcode"], 47001);
}

#[tokio::test]
async fn control_routes_over_http() {
    let h = Harness::start().await;
    let appid = authorize_with_code(&h, "青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let control = h
        .serve_control(wechat::simulator::widget::control_routes())
        .await;
    let post = |path: &str, body: serde_json::Value| {
        let url = format!("{control}/__sim{path}");
        let http = h.http.clone();
        async move {
            let r = http.post(url).json(&body).send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let template = add(&h, &appid, "AT0014", &[1, 2]).await;
    let (code, issued) = post(
        "/template/form-id",
        json!({"appid": appid, "openid": "oUser9", "kind": "prepay"}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(issued["remaining"], 3);
    let form_id = issued["form_id"].as_str().unwrap().to_owned();
    let mut request = send_request(&template, &form_id, "oUser9");
    request.data = data(&["1024", "星辰咖啡"]);
    request.page = "pages/order/detail?id=7".into();
    h.client.template_send(&ctx, &request).await.unwrap();
    let sent = h
        .http
        .get(format!("{control}/__sim/template/sent?appid={appid}"))
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!(sent["sent"][0]["text"], "取餐号1024\n门店名称星辰咖啡\n");
    assert_eq!(sent["sent"][0]["page"], "pages/order/detail?id=7");

    let (_, secret) = post("/template/appsecret", json!({"appid": appid})).await;
    let secret = secret["appsecret"].as_str().unwrap().to_owned();
    h.client
        .client_credential_token(&appid, &secret)
        .await
        .unwrap();
    let (code, _) = post("/template/quota", json!({"appid": appid, "daily_limit": 0})).await;
    assert_eq!(code, 200);
    assert_eq!(errcode(h.client.template_send(&ctx, &request).await), 45009);
    let (code, body) = post(
        "/template/form-id",
        json!({"appid": "wx0000", "openid": "o"}),
    )
    .await;
    assert_eq!((code, body["errcode"].as_i64()), (400, Some(40013)));
}
