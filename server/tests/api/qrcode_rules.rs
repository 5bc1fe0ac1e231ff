//! QR-jump rules end to end: the console's services against the built-in simulator and the
//! real database (SQLite, or PostgreSQL with WXA_TEST_DATABASE_URL). Every errcode path of
//! §14, the quota, the verify file, the fleet table and CSV, "apply to many", and merchant
//! confinement.

use crate::helpers::{body, spawn_app, TestApp, ADMIN, MERCHANT, MERCHANT2, OPERATOR};
use app::services::demo::demo_appid;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

/// Demo mini programs of merchant 1 (`merchant`): 0 released (a company), 8 a personal
/// subject, 12 rejected (never released). 20 is released too; 3 is another merchant's.
fn released() -> String {
    demo_appid(0)
}

fn rule(prefix: &str, debug: &[&str]) -> Value {
    json!({"prefix": prefix, "permit_sub_rule": 1, "path": "pages/index/index",
        "open_version": 1, "debug_url": debug, "is_edit": false})
}

async fn save(app: &TestApp, c: &Client, appid: &str, form: Value) -> reqwest::Response {
    app.call(
        c,
        "qrcode_rules/save",
        json!({"appid": appid, "form": form}),
    )
    .await
}

async fn get(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "qrcode_rules/get", json!({"appid": appid}))
        .await
}

/// The field problems of a 422 answer.
async fn invalid(res: reqwest::Response) -> Vec<(String, Value)> {
    let status = res.status();
    let text = body(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    let v: Value = serde_json::from_str(&text).expect("error JSON");
    v["Invalid"]
        .as_array()
        .expect("Invalid")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or("").to_owned(),
                e["problem"].clone(),
            )
        })
        .collect()
}

/// The errcode of a WeChat refusal (502 with the catalogue's meaning).
async fn wechat_code(res: reqwest::Response) -> i64 {
    let status = res.status();
    let text = body(res).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{text}");
    let v: Value = serde_json::from_str(&text).expect("error JSON");
    assert!(
        !v["Wechat"]["zh"].as_str().unwrap_or("").is_empty()
            && !v["Wechat"]["en"].as_str().unwrap_or("").is_empty(),
        "meaning in both languages: {v}"
    );
    v["Wechat"]["errcode"].as_i64().expect("errcode")
}

fn rule_of<'a>(view: &'a Value, prefix: &str) -> Option<&'a Value> {
    view["rules"]
        .as_array()?
        .iter()
        .find(|r| r["rule"]["prefix"] == prefix)
}

#[tokio::test]
async fn a_merchant_adds_edits_publishes_and_deletes_a_rule() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = released();
    let view = get(&app, &c, &appid).await;
    assert_eq!(view["list_size"], 0);
    assert_eq!(view["pub_quota"], 20);
    assert_eq!(view["open"], false);
    assert_eq!(view["released"], true);
    assert!(view["pages"].as_array().is_some_and(|p| !p.is_empty()));
    // A merchant does not learn other mini programs' prefixes.
    assert_eq!(view["taken"], json!([]));

    let prefix = "https://shop.example.com/q/";
    // A debug link outside the prefix: 85068 at that link, before any call.
    let problems = invalid(
        save(
            &app,
            &c,
            &appid,
            rule(prefix, &["https://shop.example.com/other?a=1"]),
        )
        .await,
    )
    .await;
    assert_eq!(
        problems,
        vec![("debug_url.0".into(), json!("QrNotUnderPrefix"))]
    );
    // A page the current version does not have.
    let mut bad_page = rule(prefix, &[]);
    bad_page["path"] = json!("pages/nope/nope");
    assert_eq!(
        invalid(save(&app, &c, &appid, bad_page).await).await,
        vec![("path".into(), json!("PageNotInCode"))]
    );
    let calls_before =
        crate::helpers::sim_calls(&app, "/cgi-bin/wxopen/qrcodejumpadd", &appid).await;
    assert_eq!(calls_before, 0, "refused locally, WeChat never asked");

    let ok = rule(
        prefix,
        &[
            "https://shop.example.com/q/1?a=1",
            " ",
            "https://shop.example.com/q/2",
        ],
    );
    let view: Value =
        serde_json::from_str(&body(save(&app, &c, &appid, ok.clone()).await).await).unwrap();
    let r = rule_of(&view, prefix).expect("the rule");
    assert_eq!(r["rule"]["state"], 1);
    assert_eq!(
        r["rule"]["debug_url"].as_array().map(Vec::len),
        Some(2),
        "blank line dropped"
    );
    assert!(r["prefix_qr_svg"].as_str().unwrap_or("").contains("<svg"));
    assert_eq!(r["debug_qr_svgs"].as_array().map(Vec::len), Some(2));
    assert_eq!(r["verify_dir"], "https://shop.example.com/q/");
    assert_eq!(view["list_size"], 1);

    // The same prefix again: 85071, locally.
    assert_eq!(
        invalid(save(&app, &c, &appid, ok.clone()).await).await,
        vec![("prefix".into(), json!("QrPrefixAdded"))]
    );
    // Edit: the page and the test range.
    let mut edit = ok.clone();
    edit["is_edit"] = json!(true);
    edit["open_version"] = json!(3);
    let view = app
        .call_ok(
            &c,
            "qrcode_rules/save",
            json!({"appid": appid, "form": edit}),
        )
        .await;
    assert_eq!(rule_of(&view, prefix).unwrap()["rule"]["open_version"], 3);

    // Publishing before the verify file was fetched: WeChat's 85069, with its meaning.
    let publish = json!({"appid": appid, "prefix": prefix});
    assert_eq!(
        wechat_code(app.call(&c, "qrcode_rules/publish", publish.clone()).await).await,
        85069
    );
    // The verify file, with WeChat's exact name and content.
    let res = c
        .get(app.url(&format!("/apps/{appid}/qrcode-rules/verify-file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"") && disposition.ends_with(".txt\""),
        "{disposition}"
    );
    let content = body(res).await;
    assert_eq!(content.len(), 32);
    let view = app
        .call_ok(&c, "qrcode_rules/publish", publish.clone())
        .await;
    assert_eq!(view["pub_quota"], 19);
    assert_eq!(view["open"], true);
    assert_eq!(rule_of(&view, prefix).unwrap()["rule"]["state"], 2);

    // The fleet table has it, filtered by host and state.
    let fleet = app
        .call_ok(
            &c,
            "qrcode_rules/fleet",
            json!({"query": {"host": "shop.example", "published": true}}),
        )
        .await;
    assert_eq!(fleet["total"], 1);
    assert_eq!(fleet["items"][0]["appid"], appid.as_str());
    let none = app
        .call_ok(
            &c,
            "qrcode_rules/fleet",
            json!({"query": {"published": false}}),
        )
        .await;
    assert_eq!(none["total"], 0);

    // Delete; the fleet copy follows.
    let view = app
        .call_ok(
            &c,
            "qrcode_rules/delete",
            json!({"appid": appid, "prefix": prefix}),
        )
        .await;
    assert_eq!(view["list_size"], 0);
    let fleet = app
        .call_ok(&c, "qrcode_rules/fleet", json!({"query": {}}))
        .await;
    assert_eq!(fleet["total"], 0);

    // Every write is in the audit log.
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE target_type = 'qrcode_rule' ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        actions,
        vec![
            "qrcode_rule.add",
            "qrcode_rule.edit",
            "qrcode_rule.publish",
            "qrcode_rule.verify_file",
            "qrcode_rule.publish",
            "qrcode_rule.delete"
        ]
    );
}

#[tokio::test]
async fn each_rule_of_section_14_is_enforced_or_explained() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = released();
    let at = |p: &str| rule(p, &[]);
    // Only WeChat knows these: its answer, with the meaning.
    assert_eq!(
        wechat_code(save(&app, &op, &appid, at("https://blacklisted.example.com/q")).await).await,
        85070
    );
    assert_eq!(
        wechat_code(save(&app, &op, &appid, at("https://shop.local/q")).await).await,
        85076
    );
    // Malformed links, locally.
    for bad in [
        "shop.example.com/q",
        "https://shop.example.com/q#x",
        "https: //a.example.com/",
    ] {
        assert_eq!(
            invalid(save(&app, &op, &appid, at(bad)).await).await,
            vec![("prefix".into(), json!("QrLinkMalformed"))],
            "{bad}"
        );
    }
    let six: Vec<String> = (0..6)
        .map(|i| format!("https://six.example.com/?a={i}"))
        .collect();
    let six: Vec<&str> = six.iter().map(String::as_str).collect();
    assert_eq!(
        invalid(save(&app, &op, &appid, rule("https://six.example.com/", &six)).await).await[0].0,
        "debug_url"
    );
    // A personal-subject mini program (85075), locally.
    assert_eq!(
        invalid(
            save(
                &app,
                &op,
                &demo_appid(8),
                at("https://personal.example.com/")
            )
            .await
        )
        .await,
        vec![("prefix".into(), json!("QrPersonalSubject"))]
    );

    // Ownership across mini programs (85072): known locally once the console has seen it.
    let mut owning = at("https://owned.example.com/shop/");
    owning["permit_sub_rule"] = json!(2);
    app.call_ok(
        &op,
        "qrcode_rules/save",
        json!({"appid": appid, "form": owning}),
    )
    .await;
    let other = demo_appid(20);
    let view = get(&app, &op, &other).await;
    assert_eq!(
        view["taken"][0]["prefix"],
        "https://owned.example.com/shop/"
    );
    assert_eq!(
        invalid(save(&app, &op, &other, at("https://owned.example.com/shop/sub/")).await).await,
        vec![("prefix".into(), json!("QrPrefixTaken"))]
    );

    // Publishing before a release (85074), locally.
    let rejected = demo_appid(12);
    app.call_ok(
        &op,
        "qrcode_rules/save",
        json!({"appid": rejected, "form": at("https://early.example.com/")}),
    )
    .await;
    assert_eq!(
        invalid(
            app.call(
                &op,
                "qrcode_rules/publish",
                json!({"appid": rejected, "prefix": "https://early.example.com/"})
            )
            .await
        )
        .await,
        vec![("publish".into(), json!("QrNotReleased"))]
    );

    // The monthly quota: at 0 the console refuses before calling.
    app.sim_ok(
        "/qrcodejump",
        json!({"appid": appid, "pub_quota": 0, "verify_file_fetched": true}),
    )
    .await;
    let view = get(&app, &op, &appid).await;
    assert_eq!(view["pub_quota"], 0);
    assert_eq!(
        invalid(
            app.call(
                &op,
                "qrcode_rules/publish",
                json!({"appid": appid, "prefix": "https://owned.example.com/shop/"})
            )
            .await
        )
        .await,
        vec![("publish".into(), json!("QrQuotaUsed"))]
    );

    // Ten rules at most (85073), locally.
    for i in 1..10 {
        app.call_ok(
            &op,
            "qrcode_rules/save",
            json!({"appid": appid, "form": at(&format!("https://many.example.com/{i}/"))}),
        )
        .await;
    }
    assert_eq!(get(&app, &op, &appid).await["list_size"], 10);
    assert_eq!(
        invalid(save(&app, &op, &appid, at("https://many.example.com/11/")).await).await,
        vec![("prefix".into(), json!({"QrRulesFull": {"max": 10}}))]
    );
}

#[tokio::test]
async fn merchants_reach_only_their_own_rules_and_within_their_permission() {
    let app = spawn_app().await;
    let owner = app.signed_in(MERCHANT).await;
    let stranger = app.signed_in(MERCHANT2).await;
    let appid = released();
    app.call_ok(
        &owner,
        "qrcode_rules/save",
        json!({"appid": appid, "form": rule("https://mine.example.com/", &[])}),
    )
    .await;
    for (endpoint, body) in [
        ("qrcode_rules/get", json!({"appid": appid})),
        (
            "qrcode_rules/save",
            json!({"appid": appid, "form": rule("https://theirs.example.com/", &[])}),
        ),
        (
            "qrcode_rules/delete",
            json!({"appid": appid, "prefix": "https://mine.example.com/"}),
        ),
        (
            "qrcode_rules/publish",
            json!({"appid": appid, "prefix": "https://mine.example.com/"}),
        ),
        (
            "qrcode_rules/apply",
            json!({"appid": appid, "request": {"template": rule("https://x.example.com/{appid}/", &[]), "publish": false}}),
        ),
    ] {
        let res = app.call(&stranger, endpoint, body).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
    }
    let res = stranger
        .get(app.url(&format!("/apps/{appid}/qrcode-rules/verify-file")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let fleet = app
        .call_ok(&stranger, "qrcode_rules/fleet", json!({"query": {}}))
        .await;
    assert_eq!(fleet["total"], 0);
    let csv = body(
        stranger
            .get(app.url("/qrcode-rules/export.csv"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!csv.contains("mine.example.com"), "{csv}");
    let csv = body(
        owner
            .get(app.url("/qrcode-rules/export.csv?host=mine"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(csv.lines().count(), 2, "{csv}");
    assert!(csv.contains("https://mine.example.com/"));
    let targets = app
        .call_ok(
            &stranger,
            "qrcode_rules/targets",
            json!({"search": "", "merchant_id": null}),
        )
        .await;
    assert!(targets
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["values"]["appid"] != appid.as_str()));

    // Permissions: view only cannot write; submit may add but not publish or delete.
    let admin = app.signed_in(ADMIN).await;
    let merchant_id: i64 =
        sqlx::query_scalar("SELECT merchant_id FROM users WHERE username = 'merchant'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id, "permission": "view"}),
    )
    .await;
    let res = save(&app, &owner, &appid, rule("https://view.example.com/", &[])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(get(&app, &owner, &appid).await["grant"], "View");
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id, "permission": "submit"}),
    )
    .await;
    app.call_ok(
        &owner,
        "qrcode_rules/save",
        json!({"appid": appid, "form": rule("https://submit.example.com/", &[])}),
    )
    .await;
    let res = app
        .call(
            &owner,
            "qrcode_rules/delete",
            json!({"appid": appid, "prefix": "https://submit.example.com/"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn one_rule_applied_to_many_adds_each_once_and_reports_each_target() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let targets = [demo_appid(0), demo_appid(20), demo_appid(12)];
    for t in &targets {
        app.sim_ok(
            "/qrcodejump",
            json!({"appid": t, "verify_file_fetched": true}),
        )
        .await;
    }
    let request = json!({"template": rule("https://apply.example.com/{appid}/", &["https://apply.example.com/{appid}/?from=test"]), "publish": true});
    let apply = |appid: String| {
        let request = request.clone();
        let app = &app;
        let op = &op;
        async move {
            app.call_ok(
                op,
                "qrcode_rules/apply",
                json!({"appid": appid, "request": request}),
            )
            .await
        }
    };
    let first: Vec<Value> = futures_join(targets.iter().map(|t| apply(t.clone()))).await;
    let prefix0 = format!("https://apply.example.com/{}/", targets[0]);
    assert_eq!(first[0]["Added"]["prefix"], prefix0.as_str());
    assert_eq!(first[0]["Added"]["published"], true);
    assert_eq!(first[1]["Added"]["published"], true);
    // Never released: added, not published, with the reason.
    assert_eq!(first[2]["Added"]["published"], false);
    assert_eq!(
        first[2]["Added"]["publish_error"]["Invalid"][0]["problem"],
        "QrNotReleased"
    );

    // Added without publishing: the fleet table has it at once.
    let plain =
        json!({"template": rule("https://plain.example.com/{appid}/", &[]), "publish": false});
    let out = app
        .call_ok(
            &op,
            "qrcode_rules/apply",
            json!({"appid": targets[1], "request": plain}),
        )
        .await;
    assert_eq!(out["Added"]["published"], false);
    let fleet = app
        .call_ok(
            &op,
            "qrcode_rules/fleet",
            json!({"query": {"host": "plain.example.com", "published": false}}),
        )
        .await;
    assert_eq!(fleet["total"], 1, "{fleet}");
    // A re-run writes nothing twice.
    let adds = crate::helpers::sim_calls(&app, "/cgi-bin/wxopen/qrcodejumpadd", "").await;
    let again: Vec<Value> = futures_join(targets.iter().map(|t| apply(t.clone()))).await;
    assert!(
        again.iter().all(|o| o.get("AlreadyThere").is_some()),
        "{again:?}"
    );
    assert_eq!(
        crate::helpers::sim_calls(&app, "/cgi-bin/wxopen/qrcodejumpadd", "").await,
        adds
    );
    for (t, rules) in targets.iter().zip([1, 2, 1]) {
        assert_eq!(get(&app, &op, t).await["list_size"], rules);
    }

    // A template the console cannot fill fails for that target only, with the reason.
    let bad = json!({"template": rule("https://apply.example.com/{nope}/", &[]), "publish": false});
    let out = app
        .call_ok(
            &op,
            "qrcode_rules/apply",
            json!({"appid": targets[0], "request": bad}),
        )
        .await;
    assert_eq!(
        out["Failed"]["error"]["Invalid"][0]["problem"]["QrUnknownVariable"]["name"],
        "nope"
    );
    // An unassigned mini program has no merchant name to fill.
    let no_merchant = json!({"template": rule("https://apply.example.com/{merchant.name}/", &[]), "publish": false});
    let out = app
        .call_ok(
            &op,
            "qrcode_rules/apply",
            json!({"appid": demo_appid(3), "request": no_merchant}),
        )
        .await;
    assert_eq!(
        out["Failed"]["error"]["Invalid"][0]["problem"]["QrNoValue"]["name"],
        "merchant.name"
    );

    // The fleet table lists all three.
    let fleet = app
        .call_ok(
            &op,
            "qrcode_rules/fleet",
            json!({"query": {"host": "apply.example.com"}}),
        )
        .await;
    assert_eq!(fleet["total"], 3);
    let published = app
        .call_ok(
            &op,
            "qrcode_rules/fleet",
            json!({"query": {"host": "apply", "published": true}}),
        )
        .await;
    assert_eq!(published["total"], 2);
}

/// Runs the calls one after another (the page does the same, target by target).
async fn futures_join<F: std::future::Future<Output = Value>>(
    calls: impl Iterator<Item = F>,
) -> Vec<Value> {
    let mut out = Vec::new();
    for call in calls {
        out.push(call.await);
    }
    out
}
