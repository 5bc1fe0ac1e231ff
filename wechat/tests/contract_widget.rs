//! Contract tests: the client against the simulator for function widgets
//! (func-widget-submit.md): every endpoint, every content rule, the
//! one-function limit, the review state rules and the monthly quota.

mod common;

use common::{errcode, Harness};
use serde_json::json;
use wechat::api::widget::{status, FuncWidget, MaterialItem, ModifyFuncWidget, WidgetCategory};
use wechat::simulator::widget::{force_review, set_eligible, set_monthly_limit, Verdict};

const CREATE: &str = "/widget/funcwidget/createfuncwidget";

fn item(n: usize) -> MaterialItem {
    MaterialItem {
        icon: format!("https://pic.pic/pic{n}.png"),
        title: format!("here_is_title{n}"),
        desc: format!("here_is_desc{n}"),
        jump_url: format!("pages/index/index{n}"),
    }
}

/// The seed's example request.
fn sample() -> FuncWidget {
    FuncWidget::seed_example()
}

fn modify(index: i64, widget: FuncWidget) -> ModifyFuncWidget {
    ModifyFuncWidget { index, widget }
}

async fn status_of(h: &Harness, appid: &str) -> Vec<(i64, i64)> {
    let check = h.client.check_func_widget(&h.ctx(appid)).await.unwrap();
    check
        .func_list
        .iter()
        .map(|f| (f.index, f.status))
        .collect()
}

#[tokio::test]
async fn create_goes_to_review_and_comes_online_after_the_delay() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ack = h
        .client
        .create_func_widget(&h.ctx(&appid), &sample())
        .await
        .unwrap();
    assert_eq!(ack.errcode, 0);
    assert_eq!(ack.errmsg, "success");

    let check = h.client.check_func_widget(&h.ctx(&appid)).await.unwrap();
    assert_eq!(check.can_apply, 1);
    // Three a month: WeChat's access-check example (1 used, 2 left).
    assert_eq!(check.max_submit_count, 3);
    assert_eq!(check.submit_count, 1);
    assert_eq!(check.func_list.len(), 1);
    let f = &check.func_list[0];
    assert_eq!((f.index, f.status), (0, status::UNDER_REVIEW));
    assert_eq!(f.widget, sample());

    // The demo config reviews in 60 seconds.
    h.advance(30).await;
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);
    h.advance(31).await;
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::ONLINE)]);

    let calls = h.calls(CREATE).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["appid"], json!(appid));
    assert_eq!(calls[0]["errcode"], 0);
}

#[tokio::test]
async fn empty_brandname_takes_the_mini_program_name_and_areacode_is_optional() {
    let h = Harness::start().await;
    let appid = h.authorize("星辰咖啡点单").await;
    let mut w = sample();
    w.brandname.clear();
    w.areacode.clear();
    w.material.icon_type = 0;
    w.material.items = (1..=2)
        .map(|n| MaterialItem {
            icon: String::new(),
            ..item(n)
        })
        .collect();
    h.client
        .create_func_widget(&h.ctx(&appid), &w)
        .await
        .unwrap();
    let check = h.client.check_func_widget(&h.ctx(&appid)).await.unwrap();
    assert_eq!(check.func_list[0].widget.brandname, "星辰咖啡点单");
    assert!(check.func_list[0].widget.areacode.is_empty());
}

/// A change to the sample request.
type Change = Box<dyn Fn(&mut FuncWidget)>;

#[tokio::test]
async fn every_content_rule_has_its_errcode() {
    let h = Harness::start().await;
    let appid = h.authorize("青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let cases: Vec<(&str, Change, i64)> = vec![
        (
            "empty keyword",
            Box::new(|w| w.keyword = " ".into()),
            9009098,
        ),
        (
            "unknown area code",
            Box::new(|w| w.areacode = vec![110000, 990000]),
            9009098,
        ),
        (
            "repeated area code",
            Box::new(|w| w.areacode = vec![440100, 440100]),
            9009098,
        ),
        ("no category", Box::new(|w| w.categorylist.clear()), 9008999),
        (
            "four categories",
            Box::new(|w| {
                w.categorylist = [
                    (10564, 10707),
                    (10564, 10708),
                    (10566, 10712),
                    (10567, 10714),
                ]
                .iter()
                .map(|(id1, id2)| WidgetCategory {
                    id1: *id1,
                    id2: *id2,
                    id3: 0,
                })
                .collect()
            }),
            9008999,
        ),
        (
            "first level only",
            Box::new(|w| w.categorylist[0].id2 = 0),
            9008998,
        ),
        (
            "unknown category",
            Box::new(|w| w.categorylist[0].id2 = 12345),
            9008998,
        ),
        (
            "three grid cells",
            Box::new(|w| w.material.items.truncate(3)),
            9008997,
        ),
        (
            "one grid cell",
            Box::new(|w| w.material.items.truncate(1)),
            9008997,
        ),
        (
            "iconType 1 without icon",
            Box::new(|w| w.material.items[2].icon.clear()),
            9008997,
        ),
        (
            "iconType 2",
            Box::new(|w| w.material.icon_type = 2),
            9008997,
        ),
        (
            "empty title",
            Box::new(|w| w.material.items[0].title.clear()),
            9008997,
        ),
        (
            "empty desc",
            Box::new(|w| w.material.items[0].desc = " ".into()),
            9008997,
        ),
        (
            "external jumpUrl",
            Box::new(|w| w.material.items[1].jump_url = "https://example.com/a".into()),
            9008994,
        ),
        (
            "empty jumpUrl",
            Box::new(|w| w.material.items[1].jump_url.clear()),
            9008994,
        ),
        (
            "same jumpUrl twice",
            Box::new(|w| w.material.items[3].jump_url = "/pages/index/index1".into()),
            9008994,
        ),
    ];
    for (name, change, expected) in &cases {
        let mut w = sample();
        change(&mut w);
        let got = errcode(h.client.create_func_widget(&ctx, &w).await);
        assert_eq!(got, *expected, "{name}");
    }
    // Rejected submissions create nothing and use no quota.
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert!(check.func_list.is_empty());
    assert_eq!(check.submit_count, 0);
    // The same content rules apply to modify.
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    let mut w = sample();
    w.material.items.truncate(3);
    assert_eq!(
        errcode(h.client.modify_func_widget(&ctx, &modify(0, w)).await),
        9008997
    );
}

/// Issue 15 (8): the seed gives no text lengths, so the simulator invents
/// none: long keyword, brand name and cell texts are accepted.
#[tokio::test]
async fn no_invented_text_length_limits() {
    let h = Harness::start().await;
    let appid = h.authorize("青禾生鲜商城").await;
    let ctx = h.ctx(&appid);
    let mut w = sample();
    w.keyword = "车".repeat(40);
    w.brandname = "品".repeat(40);
    for cell in &mut w.material.items {
        cell.title = "题".repeat(40);
        cell.desc = "述".repeat(60);
    }
    h.client.create_func_widget(&ctx, &w).await.unwrap();
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.func_list[0].widget.keyword, w.keyword);
}

#[tokio::test]
async fn malformed_bodies_and_missing_fields() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let token = h.access_token(&appid).await;
    let q = format!("?access_token={}", common::urlencode(&token));
    let malformed = h.raw_post(&format!("{CREATE}{q}"), "{not json").await;
    assert_eq!(malformed["errcode"], 47001);
    // Well-formed JSON of the wrong shape is the seed's parameter error.
    let wrong_type = h
        .raw_post(&format!("{CREATE}{q}"), r#"{"keyword": 7}"#)
        .await;
    assert_eq!(wrong_type["errcode"], 9009098);
    // A missing index is a parameter error.
    for path in [
        "/widget/funcwidget/modifyfuncwidget",
        "/widget/funcwidget/offlinefuncwidget",
        "/widget/funcwidget/deletefuncwidget",
    ] {
        let v = h.raw_post(&format!("{path}{q}"), "{}").await;
        assert_eq!(v["errcode"], 9009098, "{path}");
    }
    // No token / a forged token.
    let none = h.raw_post(CREATE, "{}").await;
    assert_eq!(none["errcode"], 41001);
    let forged = h
        .raw_post(&format!("{CREATE}?access_token=forged"), "{}")
        .await;
    assert_eq!(forged["errcode"], 40001);
}

#[tokio::test]
async fn one_function_per_mini_program() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    assert_eq!(
        errcode(h.client.create_func_widget(&ctx, &sample()).await),
        9009068
    );
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    assert_eq!(
        errcode(h.client.create_func_widget(&ctx, &sample()).await),
        9009068
    );
    // Another mini program has its own function.
    let other = h.authorize("星辰咖啡点单").await;
    h.client
        .create_func_widget(&h.ctx(&other), &sample())
        .await
        .unwrap();
    // After a delete, only create works again, with a new index.
    h.client.delete_func_widget(&ctx, 0).await.unwrap();
    assert_eq!(
        errcode(
            h.client
                .modify_func_widget(&ctx, &modify(0, sample()))
                .await
        ),
        9008996
    );
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    assert_eq!(status_of(&h, &appid).await, vec![(1, status::UNDER_REVIEW)]);
}

#[tokio::test]
async fn nothing_changes_while_under_review() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    assert_eq!(
        errcode(
            h.client
                .modify_func_widget(&ctx, &modify(0, sample()))
                .await
        ),
        9008995
    );
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 0).await),
        9008995
    );
    assert_eq!(errcode(h.client.delete_func_widget(&ctx, 0).await), 9008995);
    // The function is still there, still under review.
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);
}

#[tokio::test]
async fn unknown_index_is_9008996() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    assert_eq!(
        errcode(
            h.client
                .modify_func_widget(&ctx, &modify(0, sample()))
                .await
        ),
        9008996
    );
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 0).await),
        9008996
    );
    assert_eq!(errcode(h.client.delete_func_widget(&ctx, 0).await), 9008996);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 7).await),
        9008996
    );
    assert_eq!(
        errcode(h.client.delete_func_widget(&ctx, -1).await),
        9008996
    );
}

#[tokio::test]
async fn offline_modify_reject_and_delete_follow_the_state_rules() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::ONLINE)]);

    // Offline keeps the data; a second offline finds no online function.
    h.client.offline_func_widget(&ctx, 0).await.unwrap();
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::OFFLINE)]);
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 0).await),
        9008996
    );
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.func_list[0].widget.keyword, "here_is_keyword");

    // An offline function is brought back by modifying it.
    let mut changed = sample();
    changed.keyword = "网约车".into();
    h.client
        .modify_func_widget(&ctx, &modify(0, changed))
        .await
        .unwrap();
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);

    // A forced rejection (decided now, effective when the review ends).
    force_review(
        &h.sim,
        &appid,
        Verdict::Reject {
            reason: "素材与服务不符".into(),
        },
        false,
    )
    .unwrap();
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);
    h.advance(61).await;
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.func_list[0].status, status::REJECTED);
    assert_eq!(check.func_list[0].reason, "素材与服务不符");
    assert_eq!(check.func_list[0].widget.keyword, "网约车");
    // A rejected function cannot go offline, but can be modified or deleted.
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 0).await),
        9008996
    );
    h.client
        .modify_func_widget(&ctx, &modify(0, sample()))
        .await
        .unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    h.client.delete_func_widget(&ctx, 0).await.unwrap();
    assert!(status_of(&h, &appid).await.is_empty());
    assert_eq!(errcode(h.client.delete_func_widget(&ctx, 0).await), 9008996);
}

#[tokio::test]
async fn monthly_submit_quota_resets_with_the_month() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    set_monthly_limit(&h.sim, &appid, 2).unwrap();
    let ctx = h.ctx(&appid);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    h.client
        .modify_func_widget(&ctx, &modify(0, sample()))
        .await
        .unwrap();
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!((check.submit_count, check.max_submit_count), (2, 2));
    assert_eq!(
        errcode(
            h.client
                .modify_func_widget(&ctx, &modify(0, sample()))
                .await
        ),
        9009067
    );
    // After a delete, create counts against the same quota.
    h.client.delete_func_widget(&ctx, 0).await.unwrap();
    assert_eq!(
        errcode(h.client.create_func_widget(&ctx, &sample()).await),
        9009067
    );
    // 32 days later it is another natural month.
    h.advance_days(32).await;
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.submit_count, 1);
}

#[tokio::test]
async fn an_ineligible_mini_program_cannot_create() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    set_eligible(&h.sim, &appid, false).unwrap();
    let ctx = h.ctx(&appid);
    assert_eq!(
        errcode(h.client.create_func_widget(&ctx, &sample()).await),
        9009098
    );
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.can_apply, 0);
    set_eligible(&h.sim, &appid, true).unwrap();
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
}

#[tokio::test]
async fn category_tree_lists_the_ids_create_accepts() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    let tree = h.client.widget_categories(&ctx).await.unwrap();
    assert!(tree
        .category_list
        .iter()
        .any(|c| c.id1 == 10564 && c.id2 == 10707));
    let third = tree
        .category_list
        .iter()
        .find(|c| c.id3 != 0)
        .expect("a third level");
    let mut w = sample();
    w.categorylist = vec![
        WidgetCategory {
            id1: third.id1,
            id2: third.id2,
            id3: third.id3,
        },
        WidgetCategory {
            id1: 10564,
            id2: 10707,
            id3: 0,
        },
    ];
    h.client.create_func_widget(&ctx, &w).await.unwrap();
}

#[tokio::test]
async fn injected_system_failure_and_busy_answers() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    // -1 is retried: the write did not happen, so it is safe.
    h.fault(CREATE, json!({"fault": "busy"}), 2).await;
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    assert_eq!(h.calls(CREATE).await.len(), 3);
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);
}

/// Issue 15 (5): wrong JSON types are the seed's 9009098 (not 47001) on
/// every widget write.
#[tokio::test]
async fn wrong_json_types_are_9009098() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let token = h.access_token(&appid).await;
    let q = format!("?access_token={}", common::urlencode(&token));
    let mut seed = serde_json::to_value(sample()).unwrap();
    let mut cases = Vec::new();
    for (field, wrong) in [
        ("keyword", json!(7)),
        ("areacode", json!("110000")),
        ("areacode", json!(["110000"])),
        ("brandname", json!({"name": "x"})),
        ("categorylist", json!({"id1": 10564})),
        ("material", json!("icons")),
    ] {
        let mut body = seed.clone();
        body[field] = wrong;
        cases.push((CREATE, body));
    }
    seed["material"]["items"] = json!("four items");
    cases.push((CREATE, seed.clone()));
    for path in [
        "/widget/funcwidget/modifyfuncwidget",
        "/widget/funcwidget/offlinefuncwidget",
        "/widget/funcwidget/deletefuncwidget",
    ] {
        cases.push((path, json!({"index": "zero"})));
    }
    for (path, body) in cases {
        let answer = h.raw_post(&format!("{path}{q}"), &body.to_string()).await;
        assert_eq!(answer["errcode"], 9009098, "{path} {body}");
    }
    assert!(status_of(&h, &appid).await.is_empty());
}

/// Issue 15 (5): 9009099 ("系统失败，请重试。") is provoked through the control
/// API, changes nothing, and the client retries it like -1.
#[tokio::test]
async fn system_failure_9009099_is_injectable_and_retried_by_the_client() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
    let ctx = h.ctx(&appid);
    let answer = h
        .control(
            "/widget/system-failure",
            json!({"appid": appid, "times": 2}),
        )
        .await;
    assert_eq!(answer["ok"], true);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    let codes: Vec<i64> = h
        .calls(CREATE)
        .await
        .iter()
        .map(|c| c["errcode"].as_i64().unwrap())
        .collect();
    assert_eq!(codes, [9009099, 9009099, 0]);
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::UNDER_REVIEW)]);
    force_review(&h.sim, &appid, Verdict::Approve, true).unwrap();

    // More failures than the client's retries: the error surfaces, and the
    // failed calls took nothing offline.
    h.control(
        "/widget/system-failure",
        json!({"appid": appid, "times": 10}),
    )
    .await;
    assert_eq!(
        errcode(h.client.offline_func_widget(&ctx, 0).await),
        9009099
    );
    assert_eq!(status_of(&h, &appid).await, vec![(0, status::ONLINE)]);
    // Another mini program is not affected.
    let other = h.authorize("星辰咖啡点单").await;
    h.client
        .create_func_widget(&h.ctx(&other), &sample())
        .await
        .unwrap();
}

/// Issue 15 (5): 9009065 ("获取功能类目失败") when the mini program has no
/// service category to take the function's categories from.
#[tokio::test]
async fn a_mini_program_without_categories_is_9009065() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(
            json!({"nick_name": "无类目小程序", "principal_name": "模拟科技有限公司"}),
        )
        .await;
    let ctx = h.ctx(&appid);
    assert_eq!(
        errcode(h.client.create_func_widget(&ctx, &sample()).await),
        9009065
    );
    assert!(status_of(&h, &appid).await.is_empty());
}

#[tokio::test]
async fn control_routes_force_outcomes_over_http() {
    let h = Harness::start().await;
    let appid = h.authorize("云途出行").await;
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
    // Nothing under review yet.
    let (code, _) = post(
        "/widget/review",
        json!({"appid": appid, "outcome": "approve"}),
    )
    .await;
    assert_eq!(code, 400);
    h.client.create_func_widget(&ctx, &sample()).await.unwrap();
    let (code, _) = post(
        "/widget/review",
        json!({"appid": appid, "outcome": "reject", "reason": "关键词与服务不符"}),
    )
    .await;
    assert_eq!(code, 200);
    let check = h.client.check_func_widget(&ctx).await.unwrap();
    assert_eq!(check.func_list[0].status, status::REJECTED);
    assert_eq!(check.func_list[0].reason, "关键词与服务不符");

    let (code, _) = post("/widget/quota", json!({"appid": appid, "monthly_limit": 1})).await;
    assert_eq!(code, 200);
    assert_eq!(
        errcode(
            h.client
                .modify_func_widget(&ctx, &modify(0, sample()))
                .await
        ),
        9009067
    );
    let (code, _) = post(
        "/widget/eligibility",
        json!({"appid": appid, "eligible": false}),
    )
    .await;
    assert_eq!(code, 200);
    assert_eq!(h.client.check_func_widget(&ctx).await.unwrap().can_apply, 0);
    let (code, body) = post(
        "/widget/quota",
        json!({"appid": "wx0000", "monthly_limit": 1}),
    )
    .await;
    assert_eq!((code, body["errcode"].as_i64()), (400, Some(40013)));
}

#[tokio::test]
async fn widget_state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = wechat::simulator::SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let h = Harness::start_with(config.clone()).await;
    let appid = h.authorize("云途出行").await;
    h.client
        .create_func_widget(&h.ctx(&appid), &sample())
        .await
        .unwrap();
    let reloaded = wechat::simulator::Sim::new(config).unwrap();
    let state = reloaded.snapshot();
    let w = &state.authorizers[&appid].widget;
    assert_eq!(w.widgets.len(), 1);
    assert_eq!(w.widgets[0].content, sample());
    assert_eq!(w.submissions.len(), 1);
}
