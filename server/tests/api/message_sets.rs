//! Template sets across the fleet, against the simulator and the real database: staff define
//! a set from templates composed on a mini program; it is checked and applied to three mini
//! programs of different categories (a member a category cannot use fails there and nothing
//! else does), applying again adds nothing, the coverage table filters on the server,
//! merchants are confined to their own mini programs, and the member limit holds against a
//! burst of parallel adds.

use crate::helpers::{body, problems, sim_calls, spawn_app, MERCHANT, OPERATOR};
use app::services::demo::demo_appid;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn draft(kind: &str, appid: &str, title_id: &str, keyword_ids: &[i64]) -> Value {
    json!({"kind": kind, "appid": appid, "title_id": title_id, "keyword_ids": keyword_ids,
        "scene_desc": ""})
}

fn outcomes(report: &Value) -> Vec<String> {
    report["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| match &m[1] {
            Value::String(s) => s.clone(),
            Value::Object(o) => {
                let (kind, v) = o.iter().next().unwrap();
                match kind.as_str() {
                    "Failed" => format!("Failed {}", v["error"]["Wechat"]["errcode"]),
                    other => other.to_owned(),
                }
            }
            other => other.to_string(),
        })
        .collect()
}

#[tokio::test]
async fn a_set_is_applied_to_three_mini_programs_once_and_a_failure_stops_nothing() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    // Coffee (merchant 1), food (merchant 2), ride-hailing (no merchant).
    let (coffee, food, ride) = (demo_appid(0), demo_appid(1), demo_appid(2));
    let id = app
        .call_ok(&op, "message_sets/create", json!({"name": "下单与取餐"}))
        .await
        .as_i64()
        .unwrap();
    let res = app
        .call(&op, "message_sets/create", json!({"name": " 下单与取餐 "}))
        .await;
    assert_eq!(problems(res).await[0].0, "name");
    let res = app
        .call(&op, "message_sets/create", json!({"name": ""}))
        .await;
    assert_eq!(problems(res).await[0].0, "name");

    // Members composed on the coffee shop: an old template, a general subscription title and
    // the coffee category's own title.
    for d in [
        draft("Template", &coffee, "AT0002", &[5, 3]),
        draft("Subscribe", &coffee, "1001", &[1, 2, 4]),
        draft("Subscribe", &coffee, "2001", &[1, 2]),
    ] {
        app.call_ok(
            &op,
            "message_sets/add_member",
            json!({"id": id, "draft": d}),
        )
        .await;
    }
    let set = app
        .call_ok(&op, "message_sets/get", json!({"id": id}))
        .await;
    let members = set["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[0]["labels"], json!(["物品名称", "购买地点"]));
    assert_eq!(members[1]["title"], "订单支付成功通知");
    // The same template twice, or keywords the title does not have, are refused.
    let res = app
        .call(
            &op,
            "message_sets/add_member",
            json!({"id": id, "draft": draft("Template", &coffee, "AT0002", &[5, 3])}),
        )
        .await;
    assert_eq!(problems(res).await[0].0, "member");
    let res = app
        .call(
            &op,
            "message_sets/add_member",
            json!({"id": id, "draft": draft("Subscribe", &coffee, "2001", &[1])}),
        )
        .await;
    assert_eq!(problems(res).await[0].0, "kid_list");

    // Check: nothing is written, everything is missing.
    for appid in [&coffee, &food, &ride] {
        let report = app
            .call_ok(&op, "message_sets/check", json!({"id": id, "appid": appid}))
            .await;
        assert_eq!(
            outcomes(&report),
            ["Missing", "Missing", "Missing"],
            "{appid}"
        );
    }
    let adds = |appid: String| {
        let app = &app;
        async move {
            sim_calls(app, "/cgi-bin/wxopen/template/add", &appid).await
                + sim_calls(app, "/wxaapi/newtmpl/addtemplate", &appid).await
        }
    };
    assert_eq!(adds(coffee.clone()).await, 0);

    // Apply: the coffee shop gets all three; the others cannot use the coffee title (200014)
    // and still get the rest.
    let report = app
        .call_ok(
            &op,
            "message_sets/apply",
            json!({"id": id, "appid": coffee}),
        )
        .await;
    assert_eq!(outcomes(&report), ["Added", "Added", "Added"]);
    for appid in [&food, &ride] {
        let report = app
            .call_ok(&op, "message_sets/apply", json!({"id": id, "appid": appid}))
            .await;
        assert_eq!(
            outcomes(&report),
            ["Added", "Added", "Failed 200014"],
            "{appid}"
        );
    }
    let before = (
        adds(coffee.clone()).await,
        adds(food.clone()).await,
        adds(ride.clone()).await,
    );
    assert_eq!(before, (3, 2, 2));

    // Again: nothing is added twice.
    let report = app
        .call_ok(
            &op,
            "message_sets/apply",
            json!({"id": id, "appid": coffee}),
        )
        .await;
    assert_eq!(outcomes(&report), ["Present", "Present", "Present"]);
    let report = app
        .call_ok(&op, "message_sets/apply", json!({"id": id, "appid": food}))
        .await;
    assert_eq!(outcomes(&report), ["Present", "Present", "Failed 200014"]);
    assert_eq!(
        (
            adds(coffee.clone()).await,
            adds(food.clone()).await,
            adds(ride.clone()).await
        ),
        before
    );

    // The coverage table, filtered on the server.
    let rows = |filter: &'static str| {
        let (app, op) = (&app, &op);
        async move {
            let page = app
                .call_ok(
                    op,
                    "message_sets/coverage",
                    json!({"id": id, "query": {"filter": filter, "page": {"page": 1, "per_page": 100}}}),
                )
                .await;
            let appids: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["appid"].as_str().unwrap().to_owned())
                .collect();
            (appids, page["total"].as_i64().unwrap())
        }
    };
    assert_eq!(rows("Complete").await.0, vec![coffee.clone()]);
    let (lacking, _) = rows("Lacking").await;
    assert_eq!(lacking.len(), 2);
    assert!(lacking.contains(&food) && lacking.contains(&ride));
    let (_, all) = rows("All").await;
    let (_, unchecked) = rows("Unchecked").await;
    assert_eq!(unchecked, all - 3);
    let summary = app.call_ok(&op, "message_sets/list", json!({})).await;
    let row = summary
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["members"].as_i64(),
            row["checked"].as_i64(),
            row["lacking"].as_i64()
        ),
        (Some(3), Some(3), Some(2))
    );

    // A merchant: its own mini programs only, and it cannot change the set.
    let m = app.signed_in(MERCHANT).await;
    let res = app
        .call(&m, "message_sets/apply", json!({"id": id, "appid": food}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "{}", body(res).await);
    let own = app
        .call_ok(
            &m,
            "message_sets/coverage",
            json!({"id": id, "query": {"filter": "All", "page": {"page": 1, "per_page": 100}}}),
        )
        .await;
    assert!(
        own["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["merchant_name"] == "星辰咖啡"),
        "{own}"
    );
    let res = app
        .call(
            &m,
            "message_sets/remove_member",
            json!({"id": id, "member_id": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let report = app
        .call_ok(
            &m,
            "message_sets/apply",
            json!({"id": id, "appid": demo_appid(4)}),
        )
        .await;
    assert_eq!(outcomes(&report), ["Added", "Added", "Added"]);

    // A changed set must be checked again.
    let member = members[2]["id"].as_i64().unwrap();
    app.call_ok(
        &op,
        "message_sets/remove_member",
        json!({"id": id, "member_id": member}),
    )
    .await;
    assert_eq!(rows("Unchecked").await.1, all);

    let actions: Vec<(String,)> = sqlx::query_as(
        "SELECT action FROM audit_log WHERE target_type = 'message_set' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    let actions: Vec<&str> = actions.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "message_set.create",
            "message_set.add_member",
            "message_set.add_member",
            "message_set.add_member",
            "message_set.remove_member"
        ]
    );
}

#[tokio::test]
async fn the_member_limit_holds_against_parallel_adds() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let coffee = demo_appid(0);
    let id = app
        .call_ok(&op, "message_sets/create", json!({"name": "并发"}))
        .await
        .as_i64()
        .unwrap();
    // 25 different templates: AT0001's five keywords one, two and three at a time.
    let mut combos: Vec<Vec<i64>> = Vec::new();
    for a in 1..=5 {
        combos.push(vec![a]);
        for b in 1..=5 {
            if b != a {
                combos.push(vec![a, b]);
            }
        }
    }
    combos.truncate(25);
    let url = app.url("/api/message_sets/add_member");
    let tasks: Vec<_> = combos
        .iter()
        .map(|ids| {
            let (client, url) = (op.clone(), url.clone());
            let body = json!({"id": id, "draft": draft("Template", &coffee, "AT0001", ids)});
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.expect("task").expect("request"));
    }
    let ok = statuses.iter().filter(|s| s.is_success()).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((ok, refused), (20, 5), "{statuses:?}");
    let set = app
        .call_ok(&op, "message_sets/get", json!({"id": id}))
        .await;
    assert_eq!(set["members"].as_array().unwrap().len(), 20);
}
