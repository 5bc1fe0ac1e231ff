//! Function widgets end to end: the console's services against the built-in simulator
//! and the real database (SQLite, or PostgreSQL with WXA_TEST_DATABASE_URL).

use crate::helpers::{body, spawn_app, TestApp, ADMIN, MERCHANT, MERCHANT2};
use app::domain::widget::rules::check;
use app::domain::widget::{errcode, WidgetContent};
use app::services::demo::demo_appid;
use serde_json::{json, Value};

/// Demo mini program 0 belongs to the merchant "merchant", 1 to "merchant2".
fn own() -> String {
    demo_appid(0)
}

fn others() -> String {
    demo_appid(1)
}

/// A valid widget of `n` cells whose jump paths are pages of the mini program's code.
async fn content(app: &TestApp, c: &reqwest::Client, appid: &str, n: usize) -> Value {
    let options = app
        .call_ok(c, "widgets/options", json!({"appid": appid}))
        .await;
    let pages: Vec<String> = options["pages"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let cat = &options["categories"][0];
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let page = pages
                .get(i % pages.len().max(1))
                .cloned()
                .unwrap_or_else(|| "pages/index/index".into());
            json!({
                "icon": format!("https://img.example.com/{i}.png"),
                "title": format!("功能{i}"),
                "desc": format!("描述{i}"),
                "jumpUrl": format!("{page}?slot={i}"),
            })
        })
        .collect();
    json!({
        "keyword": "咖啡点单",
        "areacode": [110000, 310000],
        "brandname": "",
        "categorylist": [{"id1": cat["id1"], "id2": cat["id2"], "id3": 0}],
        "material": {"iconType": 1, "items": items},
    })
}

async fn submit(
    app: &TestApp,
    c: &reqwest::Client,
    appid: &str,
    content: &Value,
) -> reqwest::Response {
    app.call(
        c,
        "widgets/submit",
        json!({"appid": appid, "content": content}),
    )
    .await
}

async fn view(app: &TestApp, c: &reqwest::Client, appid: &str) -> Value {
    app.call_ok(c, "widgets/get", json!({"appid": appid})).await
}

fn errcode_of(text: &str) -> i64 {
    serde_json::from_str::<Value>(text).unwrap_or(Value::Null)["Wechat"]["errcode"]
        .as_i64()
        .unwrap_or(0)
}

fn blocked(v: &Value, action: &str) -> Value {
    v["actions"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["action"] == action))
        .map(|x| x["blocked"].clone())
        .unwrap_or(Value::Null)
}

async fn approve(app: &TestApp, appid: &str) {
    let r = app
        .sim(
            "/widget/review",
            json!({"appid": appid, "outcome": "approve"}),
        )
        .await;
    assert_eq!(r["ok"], true, "{r}");
}

async fn audit_actions(app: &TestApp, appid: &str) -> Vec<(String, String)> {
    sqlx::query_as::<_, (String, String)>(
        "SELECT action, outcome FROM audit_log WHERE target_type = 'widget' AND target_id = $1 ORDER BY id",
    )
    .bind(appid)
    .fetch_all(&app.db.pool)
    .await
    .expect("audit")
}

#[tokio::test]
async fn widget_lifecycle_draft_submit_review_offline_modify_reject_delete() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let fresh = view(&app, &admin, &appid).await;
    assert_eq!(fresh["status"], "Draft");
    assert_eq!(fresh["saved"], false);
    assert_eq!(fresh["quota"]["used"], 0);
    assert_eq!(blocked(&fresh, "Offline"), "NotSubmitted");

    // A draft survives (a reload is a new read).
    let mut c = content(&app, &admin, &appid, 4).await;
    c["keyword"] = json!("草稿");
    app.call_ok(
        &admin,
        "widgets/save_draft",
        json!({"appid": appid, "content": c}),
    )
    .await;
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["saved"], true);
    assert_eq!(v["draft"]["keyword"], "草稿");
    assert_eq!(v["status"], "Draft");

    // Create: under review, everything blocked.
    c["keyword"] = json!("咖啡点单");
    let res = submit(&app, &admin, &appid, &c).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["status"], "UnderReview");
    assert_eq!(v["quota"]["used"], 1);
    assert_eq!(v["submitted_by"], "admin");
    for a in ["Submit", "Offline", "Delete"] {
        assert_eq!(blocked(&v, a), "UnderReview", "{a}");
    }
    // The server refuses them too, with WeChat's errcode.
    for (endpoint, body_) in [
        ("widgets/offline", json!({"appid": appid})),
        ("widgets/delete", json!({"appid": appid})),
        ("widgets/submit", json!({"appid": appid, "content": c})),
    ] {
        let res = app.call(&admin, endpoint, body_).await;
        assert_eq!(res.status(), 502, "{endpoint}");
        assert_eq!(
            errcode_of(&body(res).await),
            errcode::UNDER_REVIEW,
            "{endpoint}"
        );
    }

    // The reviewer approves; the background pass notices.
    approve(&app, &appid).await;
    sqlx::query("UPDATE widgets SET next_check_at = 0 WHERE appid = $1")
        .bind(appid.as_str())
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(app::services::widgets::poll_due(&app.state).await, 1);
    let status: String = sqlx::query_scalar("SELECT status FROM widgets WHERE appid = $1")
        .bind(appid.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "online");
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["history"][0]["outcome"], "approved");
    // One notification for the verdict, although the page view read it again.
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT kind FROM notifications WHERE appid = $1 AND kind LIKE 'widget%'",
    )
    .bind(appid.as_str())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(kinds, ["widget_approved"]);
    // The brand name fell back to the mini program's name.
    assert_eq!(v["submitted"]["brandname"], v["nick_name"]);

    // Offline keeps the content; modify resubmits it.
    let v = app
        .call_ok(&admin, "widgets/offline", json!({"appid": appid}))
        .await;
    assert_eq!(v["status"], "Offline");
    assert_eq!(v["submitted"]["keyword"], "咖啡点单");
    assert_eq!(blocked(&v, "Offline"), "NotOnline");
    let two = content(&app, &admin, &appid, 2).await;
    let res = submit(&app, &admin, &appid, &two).await;
    assert_eq!(res.status(), 200, "{}", body(res).await);
    let r = app
        .sim(
            "/widget/review",
            json!({"appid": appid, "outcome": "reject", "reason": "素材与服务不符"}),
        )
        .await;
    assert_eq!(r["ok"], true);
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["status"], "Rejected");
    assert_eq!(v["reason"], "素材与服务不符");
    let history = v["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0]["action"], "modify");
    assert_eq!(history[0]["outcome"], "rejected");
    assert_eq!(history[0]["reason"], "素材与服务不符");
    assert_eq!(history[1]["action"], "create");

    // Delete removes the widget here and on WeChat's side.
    let v = app
        .call_ok(&admin, "widgets/delete", json!({"appid": appid}))
        .await;
    assert_eq!(v["status"], "Draft");
    assert_eq!(v["saved"], false);
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["saved"], false);
    let res = app
        .call(&admin, "widgets/delete", json!({"appid": appid}))
        .await;
    assert_eq!(errcode_of(&body(res).await), errcode::NOT_FOUND);

    let actions = audit_actions(&app, &appid).await;
    for expected in [
        ("widget.save_draft", "success"),
        ("widget.create", "success"),
        ("widget.offline", "failure"),
        ("widget.offline", "success"),
        ("widget.modify", "success"),
        ("widget.delete", "success"),
    ] {
        assert!(
            actions
                .iter()
                .any(|(a, o)| a == expected.0 && o == expected.1),
            "{expected:?} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn the_server_repeats_every_check_and_answers_at_the_fields() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let mut c = content(&app, &admin, &appid, 4).await;
    c["keyword"] = json!("");
    c["material"]["items"][2]["icon"] = json!("");
    c["material"]["items"][3]["jumpUrl"] = c["material"]["items"][0]["jumpUrl"].clone();
    c["categorylist"] = json!([{"id1": 1, "id2": 2, "id3": 0}]);
    c["areacode"] = json!([999999]);
    let res = submit(&app, &admin, &appid, &c).await;
    assert_eq!(res.status(), 422);
    let text = body(res).await;
    for field in [
        "keyword",
        "items.2.icon",
        "items.3.jumpUrl",
        "categorylist.0",
        "areacode",
    ] {
        assert!(
            text.contains(&format!("\"field\":\"{field}\"")),
            "{field} in {text}"
        );
    }
    // Three cells.
    let mut three = content(&app, &admin, &appid, 4).await;
    three["material"]["items"].as_array_mut().unwrap().pop();
    let text = body(submit(&app, &admin, &appid, &three).await).await;
    assert!(text.contains("\"field\":\"material.items\""), "{text}");
    // A leading slash does not make a path different.
    let mut slash = content(&app, &admin, &appid, 2).await;
    let first = slash["material"]["items"][0]["jumpUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    slash["material"]["items"][1]["jumpUrl"] = json!(format!("/{first}"));
    let text = body(submit(&app, &admin, &appid, &slash).await).await;
    assert!(text.contains("\"field\":\"items.1.jumpUrl\""), "{text}");
    // A page the code does not have.
    let mut missing = content(&app, &admin, &appid, 2).await;
    missing["material"]["items"][1]["jumpUrl"] = json!("pages/nowhere/nowhere");
    let text = body(submit(&app, &admin, &appid, &missing).await).await;
    assert!(text.contains("\"field\":\"items.1.jumpUrl\""), "{text}");
    // Nothing reached WeChat: no submission counted.
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["quota"]["used"], 0);
    assert_eq!(v["status"], "Draft");
}

#[tokio::test]
async fn the_monthly_quota_is_shown_and_enforced() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    app.sim("/widget/quota", json!({"appid": appid, "monthly_limit": 1}))
        .await;
    let c = content(&app, &admin, &appid, 2).await;
    assert_eq!(submit(&app, &admin, &appid, &c).await.status(), 200);
    approve(&app, &appid).await;
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["quota"], json!({"used": 1, "max": 1}));
    assert_eq!(blocked(&v, "Submit"), "QuotaReached");
    let res = submit(&app, &admin, &appid, &c).await;
    assert_eq!(errcode_of(&body(res).await), errcode::MAX_SUBMITS);
    // Raising the quota lets the modify through.
    app.sim("/widget/quota", json!({"appid": appid, "monthly_limit": 2}))
        .await;
    assert_eq!(submit(&app, &admin, &appid, &c).await.status(), 200);
}

#[tokio::test]
async fn an_ineligible_mini_program_is_refused_with_9009098() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    app.sim(
        "/widget/eligibility",
        json!({"appid": appid, "eligible": false}),
    )
    .await;
    let c = content(&app, &admin, &appid, 2).await;
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["eligible"], false);
    assert_eq!(blocked(&v, "Submit"), "NotEligible");
    let res = submit(&app, &admin, &appid, &c).await;
    let text = body(res).await;
    assert_eq!(errcode_of(&text), errcode::PARAM, "{text}");
    // The meaning travels with the code, in both languages.
    assert!(text.contains("\"zh\"") && text.contains("\"en\""), "{text}");
}

#[tokio::test]
async fn offline_of_nothing_and_of_a_rejected_widget_is_9008996() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let res = app
        .call(&admin, "widgets/offline", json!({"appid": appid}))
        .await;
    assert_eq!(errcode_of(&body(res).await), errcode::NOT_FOUND);
    let c = content(&app, &admin, &appid, 2).await;
    assert_eq!(submit(&app, &admin, &appid, &c).await.status(), 200);
    app.sim(
        "/widget/review",
        json!({"appid": appid, "outcome": "reject"}),
    )
    .await;
    let res = app
        .call(&admin, "widgets/offline", json!({"appid": appid}))
        .await;
    assert_eq!(errcode_of(&body(res).await), errcode::NOT_FOUND);
}

/// The simulator's own answers for each content errcode, and the domain rules predict
/// the same code (so the console refuses before WeChat does, with the same meaning).
#[tokio::test]
async fn each_content_errcode_of_the_simulator_matches_the_rules() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let base: WidgetContent =
        serde_json::from_value(content(&app, &admin, &appid, 2).await).unwrap();
    let platform = app.state.platform().unwrap();
    let ctx = platform.ctx(&appid);
    let mut cases: Vec<(WidgetContent, i64)> = Vec::new();
    let mut c = base.clone();
    c.categorylist.clear();
    cases.push((c, errcode::CATEGORY_COUNT));
    let mut c = base.clone();
    c.categorylist[0].id2 = 1;
    cases.push((c, errcode::CATEGORY_ID));
    let mut c = base.clone();
    c.material.items.pop();
    cases.push((c, errcode::MATERIAL));
    let mut c = base.clone();
    c.material.items[1].jump_url = format!("/{}", c.material.items[0].jump_url);
    cases.push((c, errcode::JUMP_URL));
    let mut c = base.clone();
    c.keyword.clear();
    cases.push((c, errcode::PARAM));
    let tree: Vec<app::domain::widget::CategoryNode> =
        wechat::simulator::widget::WIDGET_CATEGORY_TREE
            .iter()
            .map(
                |(id1, n1, id2, n2, id3, n3)| app::domain::widget::CategoryNode {
                    id1: *id1,
                    name1: (*n1).into(),
                    id2: *id2,
                    name2: (*n2).into(),
                    id3: *id3,
                    name3: (*n3).into(),
                },
            )
            .collect();
    for (c, code) in cases {
        let predicted = check(&c, &tree, &[]).unwrap_err();
        assert!(
            predicted.iter().any(|v| v.errcode == Some(code)),
            "{code}: {predicted:?}"
        );
        let widget: wechat::api::widget::FuncWidget =
            serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        let err = platform
            .client
            .create_func_widget(&ctx, &widget)
            .await
            .unwrap_err();
        assert_eq!(err.errcode(), Some(code));
    }
    // 9009068: a second function on one mini program.
    let widget: wechat::api::widget::FuncWidget =
        serde_json::from_value(serde_json::to_value(&base).unwrap()).unwrap();
    platform
        .client
        .create_func_widget(&ctx, &widget)
        .await
        .unwrap();
    let err = platform
        .client
        .create_func_widget(&ctx, &widget)
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(errcode::MAX_WIDGETS));
    // A function created outside the console is picked up by the access check.
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["status"], "UnderReview");
    assert_eq!(v["submitted"]["keyword"], "咖啡点单");
    // Every widget errcode has a meaning in the catalogue.
    for code in errcode::ALL {
        let (zh, en) = wechat::errcode::describe(code, "");
        assert!(!zh.contains("未知") && !en.contains("Unknown"), "{code}");
    }
}

#[tokio::test]
async fn merchants_act_only_on_their_own_mini_programs() {
    let app = spawn_app().await;
    let merchant = app.signed_in(MERCHANT).await;
    let appid = own();
    let c = content(&app, &merchant, &appid, 2).await;
    assert_eq!(submit(&app, &merchant, &appid, &c).await.status(), 200);
    let other = others();
    for (endpoint, b) in [
        ("widgets/get", json!({"appid": other})),
        ("widgets/options", json!({"appid": other})),
        ("widgets/save_draft", json!({"appid": other, "content": c})),
        ("widgets/submit", json!({"appid": other, "content": c})),
        ("widgets/offline", json!({"appid": other})),
        ("widgets/delete", json!({"appid": other})),
    ] {
        assert_eq!(
            app.call(&merchant, endpoint, b).await.status(),
            404,
            "{endpoint}"
        );
    }
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM widgets WHERE appid = $1")
        .bind(other.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(exists, 0);
    // The fleet list shows only the merchant's own; staff see every one.
    let merchant2 = app.signed_in(MERCHANT2).await;
    let list = app
        .call_ok(
            &merchant2,
            "widgets/list",
            json!({"query": {"status": null, "page": {"page": 1, "per_page": 20}}}),
        )
        .await;
    assert_eq!(list["total"], 0);
    let list = app
        .call_ok(
            &merchant,
            "widgets/list",
            json!({"query": {"status": null, "page": {"page": 1, "per_page": 20}}}),
        )
        .await;
    assert_eq!(list["total"], 1);
    // The simulator address is for staff only.
    assert_eq!(
        app.call(&merchant, "widgets/simulator", json!({}))
            .await
            .status(),
        403
    );
    let admin = app.signed_in(ADMIN).await;
    let sim = app.call_ok(&admin, "widgets/simulator", json!({})).await;
    assert!(sim.as_str().unwrap_or("").ends_with("/__sim"), "{sim}");
}

#[tokio::test]
async fn the_fleet_list_filters_by_status_and_paginates() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let (a, b, d) = (demo_appid(0), demo_appid(1), demo_appid(2));
    let c = content(&app, &admin, &a, 2).await;
    assert_eq!(submit(&app, &admin, &a, &c).await.status(), 200);
    assert_eq!(submit(&app, &admin, &b, &c).await.status(), 200);
    approve(&app, &b).await;
    view(&app, &admin, &b).await;
    app.call_ok(
        &admin,
        "widgets/save_draft",
        json!({"appid": d, "content": c}),
    )
    .await;
    let q = |status: Value, page: u32, per_page: u32| json!({"query": {"status": status, "page": {"page": page, "per_page": per_page}}});
    let all = app
        .call_ok(&admin, "widgets/list", q(Value::Null, 1, 20))
        .await;
    assert_eq!(all["total"], 3);
    for (status, appid) in [("UnderReview", &a), ("Online", &b), ("Draft", &d)] {
        let l = app
            .call_ok(&admin, "widgets/list", q(json!(status), 1, 20))
            .await;
        assert_eq!(l["total"], 1, "{status}");
        assert_eq!(l["items"][0]["appid"], appid.as_str());
        assert_eq!(l["items"][0]["keyword"], "咖啡点单");
    }
    let l = app
        .call_ok(&admin, "widgets/list", q(json!("Rejected"), 1, 20))
        .await;
    assert_eq!(l["total"], 0);
    let p2 = app
        .call_ok(&admin, "widgets/list", q(Value::Null, 2, 10))
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 0);
    assert_eq!(p2["total"], 3);
}

async fn fault(app: &TestApp, path: &str, code: i64) {
    // The client retries 9009099 ("系统失败，请重试。") like -1: for the
    // console to see it, every attempt of one call must fail.
    let times = if code == errcode::SYSTEM {
        wechat::client::RetryPolicy::default().busy_retries + 1
    } else {
        1
    };
    app.sim(
        "/faults",
        json!({"path": path, "fault": "errcode", "errcode": code, "errmsg": "simulated", "times": times}),
    )
    .await;
}

#[tokio::test]
async fn polling_backs_off_when_the_access_check_fails() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let c = content(&app, &admin, &appid, 2).await;
    assert_eq!(submit(&app, &admin, &appid, &c).await.status(), 200);
    // Under review: the next check is scheduled, not immediate.
    let next: i64 = sqlx::query_scalar("SELECT next_check_at FROM widgets WHERE appid = $1")
        .bind(appid.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(next > app::db::now());
    sqlx::query("UPDATE widgets SET next_check_at = 0 WHERE appid = $1")
        .bind(appid.as_str())
        .execute(&app.db.pool)
        .await
        .unwrap();
    fault(&app, "/widget/funcwidget/checkfuncwidget", errcode::SYSTEM).await;
    assert_eq!(app::services::widgets::poll_due(&app.state).await, 0);
    let (next, failures): (i64, i64) =
        sqlx::query_as("SELECT next_check_at, check_failures FROM widgets WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(failures, 1);
    assert!(next >= app::db::now() + 2 * app::services::widgets::POLL_SECS - 5);
    // Not due yet: the pass leaves it alone.
    assert_eq!(app::services::widgets::poll_due(&app.state).await, 0);
    // Once due again it is checked and the failures are forgotten.
    sqlx::query("UPDATE widgets SET next_check_at = 0 WHERE appid = $1")
        .bind(appid.as_str())
        .execute(&app.db.pool)
        .await
        .unwrap();
    approve(&app, &appid).await;
    assert_eq!(app::services::widgets::poll_due(&app.state).await, 1);
    let (status, failures): (String, i64) =
        sqlx::query_as("SELECT status, check_failures FROM widgets WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((status.as_str(), failures), ("online", 0));
}

#[tokio::test]
async fn system_failures_and_category_failures_are_reported_with_their_meaning() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let appid = own();
    let c = content(&app, &admin, &appid, 2).await;
    fault(&app, "/widget/funcwidget/createfuncwidget", errcode::SYSTEM).await;
    let res = submit(&app, &admin, &appid, &c).await;
    assert_eq!(res.status(), 502);
    assert_eq!(errcode_of(&body(res).await), errcode::SYSTEM);
    let v = view(&app, &admin, &appid).await;
    assert_eq!(v["status"], "Draft");
    assert_eq!(v["saved"], true, "the content is kept as a draft");
    assert_eq!(v["history"][0]["outcome"], "failed");
    assert_eq!(v["history"][0]["errcode"], errcode::SYSTEM);
    fault(
        &app,
        "/widget/funcwidget/getcategory",
        errcode::CATEGORY_FETCH,
    )
    .await;
    let res = app
        .call(&admin, "widgets/options", json!({"appid": appid}))
        .await;
    assert_eq!(errcode_of(&body(res).await), errcode::CATEGORY_FETCH);
    // Retrying works.
    assert_eq!(submit(&app, &admin, &appid, &c).await.status(), 200);
    let actions = audit_actions(&app, &appid).await;
    assert!(actions.contains(&("widget.create".into(), "failure".into())));
}
