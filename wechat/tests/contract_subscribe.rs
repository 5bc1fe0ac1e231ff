//! Contract tests: the client against the simulator for subscription messages (订阅消息):
//! categories, public titles and keywords, private templates (add with every documented
//! errcode, list, delete) and sending with the user's consent.

mod common;

use std::collections::BTreeMap;

use common::{errcode, Harness};
use serde_json::json;
use wechat::api::code::CommitRequest;
use wechat::api::subscribe::{AddTemplateRequest, SendRequest, Value};

async fn add(
    h: &Harness,
    appid: &str,
    tid: i64,
    kids: &[i64],
    scene: &str,
) -> Result<String, wechat::Error> {
    h.client
        .subscribe_add_template(
            &h.ctx(appid),
            &AddTemplateRequest {
                tid: tid.to_string(),
                kid_list: kids.to_vec(),
                scene_desc: scene.into(),
            },
        )
        .await
        .map(|a| a.pri_tmpl_id)
}

/// A coffee shop (category 305) with code committed, so sends may open its pages.
async fn coffee_shop(h: &Harness) -> String {
    let appid = h.authorize("订阅消息咖啡").await;
    h.client
        .commit_code(
            &h.ctx(&appid),
            &CommitRequest {
                template_id: 1,
                ext_json: String::new(),
                user_version: "1.0.0".into(),
                user_desc: "订阅消息测试".into(),
            },
        )
        .await
        .expect("commit");
    appid
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| {
            (
                (*k).to_owned(),
                Value {
                    value: (*v).to_owned(),
                },
            )
        })
        .collect()
}

#[tokio::test]
async fn categories_titles_and_keywords_follow_the_account() {
    let h = Harness::start().await;
    let appid = coffee_shop(&h).await;
    let ctx = h.ctx(&appid);
    let categories = h.client.subscribe_categories(&ctx).await.unwrap().data;
    assert_eq!(categories.len(), 1);
    assert_eq!(
        (categories[0].id, categories[0].name.as_str()),
        (305, "咖啡")
    );

    let all = h
        .client
        .subscribe_pub_titles(&ctx, &[305], 0, 30)
        .await
        .unwrap();
    assert!(all.count >= 5);
    assert!(all
        .data
        .iter()
        .any(|t| t.title == "取餐提醒" && t.category_id == 305));
    // The ride-hailing title belongs to another category.
    assert!(all.data.iter().all(|t| t.title != "司机接单通知"));
    let page = h
        .client
        .subscribe_pub_titles(&ctx, &[305], 2, 2)
        .await
        .unwrap();
    assert_eq!(page.count, all.count);
    assert_eq!(page.data, all.data[2..4].to_vec());

    assert_eq!(
        errcode(h.client.subscribe_pub_titles(&ctx, &[], 0, 10).await),
        200018
    );
    assert_eq!(
        errcode(h.client.subscribe_pub_titles(&ctx, &[323], 0, 10).await),
        200019
    );
    assert_eq!(
        errcode(h.client.subscribe_pub_titles(&ctx, &[305], -1, 10).await),
        200016
    );
    assert_eq!(
        errcode(h.client.subscribe_pub_titles(&ctx, &[305], 0, 31).await),
        200017
    );
    assert_eq!(
        errcode(h.client.subscribe_pub_titles(&ctx, &[305], 0, 0).await),
        200017
    );

    let keywords = h.client.subscribe_pub_keywords(&ctx, 2001).await.unwrap();
    assert_eq!(keywords.count, keywords.data.len() as i64);
    assert_eq!(
        (keywords.data[0].kid, keywords.data[0].rule.as_str()),
        (1, "character_string")
    );
    assert_eq!(
        errcode(h.client.subscribe_pub_keywords(&ctx, 999_999).await),
        200014
    );
    // A title of a category the account does not have.
    assert_eq!(
        errcode(h.client.subscribe_pub_keywords(&ctx, 2201).await),
        200014
    );
}

#[tokio::test]
async fn private_templates_are_composed_within_the_documented_limits() {
    let h = Harness::start().await;
    let appid = coffee_shop(&h).await;
    let ctx = h.ctx(&appid);
    let id = add(&h, &appid, 2001, &[3, 1], "咖啡做好时提醒取餐")
        .await
        .unwrap();
    let list = h.client.subscribe_templates(&ctx).await.unwrap().data;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].pri_tmpl_id, id);
    assert_eq!(list[0].title, "取餐提醒");
    assert_eq!(
        list[0].content,
        "商品详情:{{thing3.DATA}}\n取餐号:{{character_string1.DATA}}\n"
    );
    assert_eq!(list[0].kind, 2);

    assert_eq!(errcode(add(&h, &appid, 424_242, &[1, 2], "").await), 200014);
    assert_eq!(errcode(add(&h, &appid, 2201, &[1, 2], "").await), 200014);
    assert_eq!(errcode(add(&h, &appid, 2001, &[1], "").await), 200020);
    assert_eq!(
        errcode(add(&h, &appid, 2001, &[1, 2, 3, 4, 5, 6], "").await),
        200020
    );
    assert_eq!(errcode(add(&h, &appid, 2001, &[1, 1], "").await), 200020);
    assert_eq!(errcode(add(&h, &appid, 2001, &[1, 99], "").await), 200020);
    assert_eq!(
        errcode(add(&h, &appid, 2001, &[1, 2], &"长".repeat(16)).await),
        200021
    );
    // A numeric tid is taken as well as WeChat's string.
    let raw = h
        .raw_post(
            &format!(
                "/wxaapi/newtmpl/addtemplate?access_token={}",
                h.access_token(&appid).await
            ),
            r#"{"tid":1001,"kidList":[1,2]}"#,
        )
        .await;
    assert_eq!(raw["errcode"], 0, "{raw}");
    // 25 private templates at most.
    for _ in 0..23 {
        add(&h, &appid, 1001, &[1, 2], "").await.unwrap();
    }
    assert_eq!(
        h.client.subscribe_templates(&ctx).await.unwrap().data.len(),
        25
    );
    assert_eq!(errcode(add(&h, &appid, 1001, &[1, 2], "").await), 200012);

    h.client.subscribe_del_template(&ctx, &id).await.unwrap();
    assert_eq!(
        errcode(h.client.subscribe_del_template(&ctx, &id).await),
        40037
    );
    assert_eq!(
        h.client.subscribe_templates(&ctx).await.unwrap().data.len(),
        24
    );
    add(&h, &appid, 1001, &[1, 2], "").await.unwrap();
}

#[tokio::test]
async fn a_send_needs_consent_valid_values_and_a_page_of_the_code() {
    let h = Harness::start().await;
    let appid = coffee_shop(&h).await;
    let ctx = h.ctx(&appid);
    let id = add(&h, &appid, 2001, &[1, 2], "").await.unwrap();
    let good = SendRequest {
        touser: "o_user_1".into(),
        template_id: id.clone(),
        page: "pages/order/detail?id=7".into(),
        data: values(&[("character_string1", "A1024"), ("thing2", "星辰咖啡")]),
        miniprogram_state: "trial".into(),
        lang: "zh_CN".into(),
    };
    // No consent yet.
    assert_eq!(errcode(h.client.subscribe_send(&ctx, &good).await), 43101);
    let granted = h
        .control(
            "/subscribe/consent",
            json!({"appid": appid, "openid": "o_user_1", "template_id": id}),
        )
        .await;
    assert_eq!(granted["remaining"], 1);

    let with = |change: &dyn Fn(&mut SendRequest)| {
        let mut r = good.clone();
        change(&mut r);
        r
    };
    let cases: Vec<(SendRequest, i64)> = vec![
        (with(&|r| r.touser = String::new()), 40003),
        (with(&|r| r.template_id = "nope".into()), 40037),
        (with(&|r| r.page = "pages/missing/page".into()), 41030),
        (with(&|r| r.miniprogram_state = "beta".into()), 47003),
        (with(&|r| r.lang = "fr_FR".into()), 47003),
        (with(&|r| r.data = values(&[("thing2", "星辰咖啡")])), 47003),
        (
            with(&|r| r.data = values(&[("character_string1", "取餐A1"), ("thing2", "星辰咖啡")])),
            47003,
        ),
        (
            with(&|r| {
                r.data = values(&[("character_string1", "A1"), ("thing2", &"长".repeat(21))])
            }),
            47003,
        ),
    ];
    for (request, expected) in cases {
        let got = h.client.subscribe_send(&ctx, &request).await;
        assert_eq!(errcode(got), expected, "{request:?}");
    }
    // A refused send spends no consent: the good one still goes, once.
    h.client.subscribe_send(&ctx, &good).await.unwrap();
    assert_eq!(errcode(h.client.subscribe_send(&ctx, &good).await), 43101);
    let sent = h
        .control_get(&format!("/subscribe/sent?appid={appid}"))
        .await;
    let sent = sent["sent"].as_array().cloned().unwrap_or_default();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["text"], "取餐号:A1024\n门店名称:星辰咖啡\n");
    assert_eq!(sent[0]["miniprogram_state"], "trial");

    // The 47003 answer names the field.
    let bad = with(&|r| r.data = values(&[("character_string1", "A1"), ("thing2", "")]));
    match h.client.subscribe_send(&ctx, &bad).await {
        Err(wechat::Error::Api {
            errcode: 47003,
            errmsg,
            ..
        }) => assert!(errmsg.contains("thing2"), "{errmsg}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn long_term_titles_need_consent_once() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(json!({
            "nick_name": "订阅消息出行",
            "principal_name": "模拟出行有限公司",
            "categories": [{"first_id": 321, "first_name": "交通服务", "second_id": 323, "second_name": "网约车"}],
        }))
        .await;
    let ctx = h.ctx(&appid);
    let id = add(&h, &appid, 2201, &[1, 2], "司机接单").await.unwrap();
    assert_eq!(
        h.client.subscribe_templates(&ctx).await.unwrap().data[0].kind,
        3
    );
    h.control(
        "/subscribe/consent",
        json!({"appid": appid, "openid": "o_rider", "template_id": id}),
    )
    .await;
    let request = SendRequest {
        touser: "o_rider".into(),
        template_id: id,
        page: String::new(),
        data: values(&[("name1", "李师傅"), ("car_number2", "粤A12345")]),
        miniprogram_state: "formal".into(),
        lang: "en_US".into(),
    };
    for _ in 0..3 {
        h.client.subscribe_send(&ctx, &request).await.unwrap();
    }
}
