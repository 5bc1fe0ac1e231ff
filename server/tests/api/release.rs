//! The release page's server functions against the simulator and a real database:
//! every action, the state rules enforced on the server (409 + the reason), field-level
//! pre-checks (422), results recorded once, and merchants confined to their own apps.

use crate::helpers::*;
use app::db::code_audits;
use app::domain::audit_log::action;
use app::domain::mini_program::AppStatus;
use app::services::demo::{demo_program, DEMO_MINI_PROGRAMS, THIRD_LEVEL_DEMOS};
use reqwest::Client;
use serde_json::{json, Value};

/// Stages demo seeding gives a mini program `i` (services::demo::code_stage).
const RELEASED: u64 = 0;
const RELEASED_AND_AUDITING: u64 = 1;
const REJECTED: u64 = 2;
const COMMITTED: u64 = 3;

/// An authorized demo mini program of `merchant` (index into MERCHANTS) at `stage`;
/// `nth` picks another one of the same kind.
fn demo_app(merchant: usize, stage: u64, nth: usize) -> String {
    (0..DEMO_MINI_PROGRAMS)
        .filter(|&i| i % 5 == stage)
        .map(|i| demo_program(i, 0))
        .filter(|p| p.merchant == Some(merchant) && p.status == AppStatus::Authorized)
        .nth(nth)
        .map(|p| p.appid)
        .expect("a demo mini program of that kind")
}

async fn view(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "release/view", json!({ "appid": appid }))
        .await
}

/// Calls an action that must be refused by the state rules; returns the reason's name.
async fn refused(app: &TestApp, c: &Client, endpoint: &str, body: Value) -> String {
    let res = app.call(c, endpoint, body).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 409, "{endpoint}: {text}");
    let v: Value = serde_json::from_str(&text).expect("error JSON");
    v["ReleaseUnavailable"]
        .as_str()
        .unwrap_or_else(|| panic!("not a release refusal: {text}"))
        .to_owned()
}

/// Calls an action whose input must be refused at a field; returns the fields named.
async fn invalid(app: &TestApp, c: &Client, endpoint: &str, body: Value) -> Vec<String> {
    let res = app.call(c, endpoint, body).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 422, "{endpoint}: {text}");
    let v: Value = serde_json::from_str(&text).expect("error JSON");
    v["Invalid"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn reason_of(view: &Value, action_name: &str) -> Option<String> {
    view["actions"].as_array().and_then(|list| {
        list.iter().find_map(|pair| {
            let a = &pair[0];
            let name = a.as_str().map(str::to_owned).unwrap_or_else(|| {
                a.as_object()
                    .and_then(|o| o.keys().next().cloned())
                    .unwrap_or_default()
            });
            (name == action_name).then(|| pair[1]["Err"].as_str().unwrap_or("").to_owned())
        })
    })
}

async fn commit(app: &TestApp, c: &Client, appid: &str, version: &str) -> Value {
    let ext = json!({"extAppid": appid, "ext": {"shop": version}}).to_string();
    app.call_ok(
        c,
        "release/commit",
        json!({"appid": appid, "form": {
            "template_id": 1, "ext_json": ext, "user_version": version, "user_desc": format!("desc {version}")
        }}),
    )
    .await
}

/// A valid item list for the committed code: first page, first category.
async fn items(app: &TestApp, c: &Client, appid: &str) -> Value {
    let options = app
        .call_ok(c, "release/submit_options", json!({ "appid": appid }))
        .await;
    let page = options["pages"][0].as_str().expect("a page").to_owned();
    let cat = &options["categories"][0];
    json!([{
        "address": page, "tag": "咖啡 点单", "title": "首页",
        "first_class": cat["first_class"], "second_class": cat["second_class"],
        "first_id": cat["first_id"], "second_id": cat["second_id"]
    }])
}

async fn submit(app: &TestApp, c: &Client, appid: &str) -> Value {
    let items = items(app, c, appid).await;
    app.call_ok(
        c,
        "release/submit_audit",
        json!({"appid": appid, "items": items, "feedback_info": null}),
    )
    .await
}

/// The simulated reviewers decide, then the page's refresh records it.
async fn approve(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.sim_ok("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    app.call_ok(c, "release/refresh_audit", json!({ "appid": appid }))
        .await
}

#[tokio::test]
async fn demo_data_is_recorded_like_the_simulator_holds_it() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;

    let released = view(&app, &c, &demo_app(0, RELEASED, 0)).await;
    assert!(released["online"]["version"]
        .as_str()
        .unwrap()
        .starts_with("1.0."));
    assert_eq!(released["audit"]["status"], 0);
    assert_eq!(released["audit"]["released"], true);
    assert_eq!(reason_of(&released, "Release").unwrap(), "NoAuditVersion");

    let rejected = view(&app, &c, &demo_app(0, REJECTED, 0)).await;
    assert_eq!(rejected["audit"]["status"], 1);
    assert!(rejected["audit"]["reason"]
        .as_str()
        .unwrap()
        .contains("类目不符"));
    assert!(rejected["online"].is_null());

    let appid = demo_app(0, RELEASED_AND_AUDITING, 0);
    let auditing = view(&app, &c, &appid).await;
    assert_eq!(auditing["audit"]["status"], 2);
    assert!(auditing["development"]["user_version"]
        .as_str()
        .unwrap()
        .starts_with("1.1."));
    assert_eq!(
        reason_of(&auditing, "SubmitAudit").unwrap(),
        "AlreadyAuditing"
    );
    // Pending audits are due for polling a minute after submission.
    let row = code_audits::latest_for_app(&app.db, &appid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, code_audits::AUDITING);
    let next_poll: i64 = sqlx::query_scalar("SELECT next_poll_at FROM code_audits WHERE id = $1")
        .bind(row.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(next_poll, row.submitted_at + 60);

    let committed = view(&app, &c, &demo_app(0, COMMITTED, 0)).await;
    assert!(committed["audit"].is_null());
    assert_eq!(committed["development"]["committed_by_name"], "demo-seed");
    assert!(committed["support"]["items"].as_array().unwrap().len() > 3);
}

#[tokio::test]
async fn the_whole_pipeline_with_every_state_rule_on_the_server() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, COMMITTED, 0);
    let id = json!({ "appid": appid });

    // Nothing to release, gray or revert yet.
    assert_eq!(
        refused(&app, &c, "release/release", id.clone()).await,
        "NoAuditVersion"
    );
    assert_eq!(
        refused(&app, &c, "release/undo_audit", id.clone()).await,
        "NoPendingAudit"
    );
    assert_eq!(
        refused(
            &app,
            &c,
            "release/gray",
            json!({"appid": appid, "percentage": 10})
        )
        .await,
        "GrayWithoutOnlineVersion"
    );
    assert_eq!(
        refused(&app, &c, "release/revert", id.clone()).await,
        "NoPreviousVersion"
    );
    assert_eq!(
        refused(
            &app,
            &c,
            "release/visit_status",
            json!({"appid": appid, "action": "close"})
        )
        .await,
        "NoOnlineVersion"
    );

    let v = commit(&app, &c, &appid, "2.0.0").await;
    assert_eq!(v["development"]["user_version"], "2.0.0");
    assert!(v["development"]["ext_json"]
        .as_str()
        .unwrap()
        .contains("shop"));
    let v = submit(&app, &c, &appid).await;
    assert_eq!(v["audit"]["status"], 2);
    assert_eq!(
        refused(&app, &c, "release/release", id.clone()).await,
        "AuditNotApproved"
    );
    let items = items(&app, &c, &appid).await;
    assert_eq!(
        refused(
            &app,
            &c,
            "release/submit_audit",
            json!({"appid": appid, "items": items, "feedback_info": null})
        )
        .await,
        "AlreadyAuditing"
    );

    let v = approve(&app, &c, &appid).await;
    assert_eq!(v["audit"]["status"], 0);
    // The simulator pushes the verdict too: whichever path recorded it first.
    assert!(["refresh", "push"].contains(&v["audit"]["result_source"].as_str().unwrap_or("")));
    let v = app.call_ok(&c, "release/release", id.clone()).await;
    assert_eq!(v["online"]["version"], "2.0.0");
    assert_eq!(v["audit"]["released"], true);
    // Released: no audit version left (WeChat answers 85020 / 85080).
    assert_eq!(
        refused(&app, &c, "release/release", id.clone()).await,
        "NoAuditVersion"
    );
    assert_eq!(
        refused(
            &app,
            &c,
            "release/gray",
            json!({"appid": appid, "percentage": 10})
        )
        .await,
        "GrayAuditNotApproved"
    );

    // A second version goes out in steps.
    commit(&app, &c, &appid, "2.1.0").await;
    submit(&app, &c, &appid).await;
    approve(&app, &c, &appid).await;
    let v = app
        .call_ok(
            &c,
            "release/gray",
            json!({"appid": appid, "percentage": 10}),
        )
        .await;
    assert_eq!(v["gray"]["status"], "Running");
    assert_eq!(v["gray"]["percentage"], 10);
    // The percentage must rise (85082) and stay within 1–100 (85081).
    for bad in [10, 5, 0, 101] {
        assert_eq!(
            invalid(
                &app,
                &c,
                "release/gray",
                json!({"appid": appid, "percentage": bad})
            )
            .await,
            vec!["gray_percentage"],
            "{bad}"
        );
    }
    let v = app
        .call_ok(
            &c,
            "release/gray",
            json!({"appid": appid, "percentage": 50}),
        )
        .await;
    assert_eq!(v["gray"]["percentage"], 50);
    assert_eq!(
        refused(&app, &c, "release/revert", id.clone()).await,
        "GrayReleaseInProgress"
    );
    let v = app.call_ok(&c, "release/revert_gray", id.clone()).await;
    assert_eq!(v["gray"]["status"], "Deleted");
    assert_eq!(
        refused(&app, &c, "release/revert_gray", id.clone()).await,
        "NoActiveGrayPlan"
    );

    let v = app.call_ok(&c, "release/release", id.clone()).await;
    assert_eq!(v["online"]["version"], "2.1.0");
    assert_eq!(v["online"]["previous_version"], "2.0.0");
    let v = app.call_ok(&c, "release/revert", id.clone()).await;
    assert_eq!(v["online"]["version"], "2.0.0");
    assert_eq!(v["online"]["is_reverted"], true);
    assert_eq!(
        refused(&app, &c, "release/revert", id.clone()).await,
        "AlreadyReverted"
    );

    let v = app
        .call_ok(
            &c,
            "release/visit_status",
            json!({"appid": appid, "action": "close"}),
        )
        .await;
    assert_eq!(v["visit"], "Closed");
    assert_eq!(
        refused(
            &app,
            &c,
            "release/visit_status",
            json!({"appid": appid, "action": "close"})
        )
        .await,
        "VisitStatusAlreadySet"
    );
    assert_eq!(
        refused(
            &app,
            &c,
            "release/visit_status",
            json!({"appid": appid, "action": "pause"})
        )
        .await,
        "InvalidVisitAction"
    );
    let v = app
        .call_ok(
            &c,
            "release/visit_status",
            json!({"appid": appid, "action": "open"}),
        )
        .await;
    assert_eq!(v["visit"], "Open");

    // Every write call to WeChat is in the audit log.
    let log = app
        .call_ok(
            &c,
            "audit/list",
            json!({"query": {"target": appid, "page": {"page": 1, "per_page": 100}}}),
        )
        .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["actor_name"] == "operator")
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        action::RELEASE_COMMIT,
        action::RELEASE_SUBMIT_AUDIT,
        action::RELEASE_RELEASE,
        action::RELEASE_GRAY,
        action::RELEASE_REVERT_GRAY,
        action::RELEASE_REVERT,
        action::RELEASE_VISIT_STATUS,
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

#[tokio::test]
async fn commit_input_is_checked_at_its_fields_before_wechat() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, COMMITTED, 0);
    let form = |template: Value, ext: &str, version: &str| {
        json!({"appid": appid, "form": {
            "template_id": template, "ext_json": ext, "user_version": version, "user_desc": ""
        }})
    };
    let fields = |f: Vec<String>| f.join(",");
    assert_eq!(
        fields(invalid(&app, &c, "release/commit", form(json!(1), "{", "1.0")).await),
        "ext_json"
    );
    assert_eq!(
        fields(
            invalid(
                &app,
                &c,
                "release/commit",
                form(json!(1), r#"{"pages":[]}"#, "1.0")
            )
            .await
        ),
        "ext_json.pages"
    );
    assert_eq!(
        fields(
            invalid(
                &app,
                &c,
                "release/commit",
                form(
                    json!(1),
                    r#"{"pages":["a"],"tabBar":{"list":[{"pagePath":"b"}]}}"#,
                    "1.0"
                )
            )
            .await
        ),
        "ext_json.tabBar.list[0].pagePath"
    );
    assert_eq!(
        fields(invalid(&app, &c, "release/commit", form(json!(999), "", "1.0")).await),
        "template_id"
    );
    assert_eq!(
        fields(
            invalid(
                &app,
                &c,
                "release/commit",
                form(json!(1), "", &"9".repeat(65))
            )
            .await
        ),
        "user_version"
    );
    // Nothing reached WeChat: the development version is still the demo's.
    let v = view(&app, &c, &appid).await;
    assert!(v["development"]["user_version"]
        .as_str()
        .unwrap()
        .starts_with("1.0."));
    // WeChat's own refusal (85044: package too large) comes back with its errcode.
    let res = app
        .call(&c, "release/commit", form(json!(3), "", "1.0"))
        .await;
    assert_eq!(res.status(), 502);
    assert!(body(res).await.contains("85044"));
}

#[tokio::test]
async fn audit_items_are_checked_at_their_fields_before_wechat() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, COMMITTED, 0);
    let good = items(&app, &c, &appid).await;
    let call = |items: Value| json!({"appid": appid, "items": items, "feedback_info": null});
    assert_eq!(
        invalid(&app, &c, "release/submit_audit", call(json!([]))).await,
        vec!["item_list"]
    );
    let mut bad = good.clone();
    bad[0]["address"] = json!("pages/nowhere/nowhere");
    bad[0]["tag"] = json!(["t"; 11].join(" "));
    bad[0]["title"] = json!("标".repeat(33));
    assert_eq!(
        invalid(&app, &c, "release/submit_audit", call(bad)).await,
        vec![
            "item_list[0].address",
            "item_list[0].title",
            "item_list[0].tag"
        ]
    );
    let six: Vec<Value> = (0..6).map(|_| good[0].clone()).collect();
    assert_eq!(
        invalid(&app, &c, "release/submit_audit", call(json!(six))).await,
        vec!["item_list"]
    );
    let v = view(&app, &c, &appid).await;
    assert!(v["audit"].is_null());
}

#[tokio::test]
async fn a_third_level_category_is_submitted_for_a_demo_mini_program_that_has_one() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = THIRD_LEVEL_DEMOS
        .iter()
        .map(|&i| demo_program(i, 0))
        .find(|p| p.merchant == Some(0) && p.status == AppStatus::Authorized)
        .map(|p| p.appid)
        .expect("a demo mini program of merchant 0 with third levels");
    let options = app
        .call_ok(&c, "release/submit_options", json!({ "appid": appid }))
        .await;
    let thirds: Vec<(Value, Value)> = options["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .map(|c| (c["third_id"].clone(), c["third_class"].clone()))
        .collect();
    assert_eq!(
        thirds,
        [(json!(5), json!("高等")), (json!(6), json!("中等"))]
    );
    let page = options["pages"][0].as_str().expect("a page").to_owned();
    let cat = &options["categories"][1];
    let item = json!({
        "address": page, "tag": "学习", "title": "首页",
        "first_class": cat["first_class"], "second_class": cat["second_class"],
        "third_class": cat["third_class"],
        "first_id": cat["first_id"], "second_id": cat["second_id"], "third_id": cat["third_id"]
    });
    // Without its third level the item is refused at that field, before WeChat.
    let mut two_levels = item.clone();
    two_levels["third_class"] = Value::Null;
    two_levels["third_id"] = Value::Null;
    let call = |items: Value| json!({"appid": appid, "items": items, "feedback_info": null});
    assert_eq!(
        invalid(&app, &c, "release/submit_audit", call(json!([two_levels]))).await,
        vec!["item_list[0].third_id"]
    );
    let v = app
        .call_ok(&c, "release/submit_audit", call(json!([item])))
        .await;
    assert_eq!(v["audit"]["status"], 2);
    let state: Value = reqwest::get(format!("{}/__sim/code/state?appid={appid}", app.sim_base))
        .await
        .expect("code state")
        .json()
        .await
        .expect("code state JSON");
    let sent = state["audits"]
        .as_array()
        .and_then(|a| a.last())
        .expect("the audit");
    assert_eq!(sent["item_list"][0]["third_id"], 6);
    assert_eq!(sent["item_list"][0]["third_class"], "中等");
}

#[tokio::test]
async fn undo_is_once_a_day_and_a_rejection_shows_its_reason() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = demo_app(0, RELEASED_AND_AUDITING, 0);
    let id = json!({ "appid": appid });
    let v = app.call_ok(&c, "release/undo_audit", id.clone()).await;
    assert_eq!(v["audit"]["status"], 3);
    assert_eq!(v["undo_quota"]["left_today"], 0);
    assert_eq!(v["undo_quota"]["left_this_month"], 9);
    submit(&app, &c, &appid).await;
    assert_eq!(
        refused(&app, &c, "release/undo_audit", id.clone()).await,
        "UndoQuotaReached"
    );

    app.sim_ok("/audit/outcome",
        json!({"appid": appid, "status": 1, "reason": "页面内容不完整", "screenshot": "media1|media2"}),
    )
    .await;
    let v = app.call_ok(&c, "release/refresh_audit", id.clone()).await;
    assert_eq!(v["audit"]["status"], 1);
    assert_eq!(v["audit"]["reason"], "页面内容不完整");
    assert_eq!(v["audit"]["screenshots"], json!(["media1", "media2"]));
    assert_eq!(v["history"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn results_are_recorded_once_whichever_path_comes_first() {
    let app = spawn_app().await;
    let appid = demo_app(0, RELEASED_AND_AUDITING, 0);
    let row = code_audits::latest_for_app(&app.db, &appid)
        .await
        .unwrap()
        .unwrap();
    let record = |status: i64, source: &'static str| {
        let db = app.db.clone();
        let appid = appid.clone();
        async move {
            code_audits::record_result(&db, &appid, row.auditid, status, Some("r"), None, source, 1)
                .await
                .unwrap()
        }
    };
    // A delay keeps it pending; the final result wins once; later reports change nothing.
    assert!(record(4, "push").await);
    assert!(record(0, "poll").await);
    assert!(!record(1, "push").await);
    assert!(!record(0, "refresh").await);
    let after = code_audits::find(&app.db, &appid, row.auditid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status, after.result_source.as_deref()),
        (0, Some("poll"))
    );
}

#[tokio::test]
async fn merchants_reach_only_their_own_mini_programs() {
    let app = spawn_app().await;
    let mine = demo_app(0, COMMITTED, 0);
    let theirs = demo_app(1, COMMITTED, 0);
    let merchant = app.signed_in(MERCHANT).await;
    for endpoint in [
        "release/view",
        "release/templates",
        "release/submit_options",
        "release/release",
        "release/undo_audit",
        "release/revert",
        "release/revert_gray",
        "release/refresh_audit",
    ] {
        let res = app
            .call(&merchant, endpoint, json!({ "appid": theirs }))
            .await;
        assert_eq!(res.status(), 404, "{endpoint}");
    }
    let res = app
        .call(
            &merchant,
            "release/gray",
            json!({"appid": theirs, "percentage": 10}),
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call(
            &merchant,
            "release/commit",
            json!({"appid": theirs, "form": {
            "template_id": 1, "ext_json": "", "user_version": "6.6.6", "user_desc": ""}}),
        )
        .await;
    assert_eq!(res.status(), 404);
    // Their development version is untouched.
    let admin = app.signed_in(ADMIN).await;
    let v = view(&app, &admin, &theirs).await;
    assert_ne!(v["development"]["user_version"], "6.6.6");

    // The experience QR code: own → a JPEG, another merchant's → 404, no session → login.
    let res = merchant
        .get(app.url(&format!(
            "/apps/{mine}/release/qrcode.jpg?path=pages/index/index"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    let res = merchant
        .get(app.url(&format!("/apps/{theirs}/release/qrcode.jpg")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let res = client()
        .get(app.url(&format!("/apps/{mine}/release/qrcode.jpg")))
        .send()
        .await
        .unwrap();
    assert!(
        res.status().is_redirection() || res.status() == 401,
        "{}",
        res.status()
    );
    // A path the code does not have is WeChat's 85007, shown as such.
    let res = merchant
        .get(app.url(&format!("/apps/{mine}/release/qrcode.jpg?path=pages/none")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 502);
    assert!(body(res).await.contains("85007"));
}

#[tokio::test]
async fn minimum_base_library_version() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, RELEASED, 0);
    let v = app
        .call_ok(
            &c,
            "release/support_version",
            json!({"appid": appid, "version": "2.30.0"}),
        )
        .await;
    assert_eq!(v["support"]["now_version"], "2.30.0");
    for bad in ["9.9.9", "latest", ""] {
        assert_eq!(
            invalid(
                &app,
                &c,
                "release/support_version",
                json!({"appid": appid, "version": bad})
            )
            .await,
            vec!["support_version"],
            "{bad}"
        );
    }
}

#[tokio::test]
async fn a_lost_submit_answer_is_reconciled_not_repeated() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, COMMITTED, 1);
    let items = items(&app, &c, &appid).await;
    // The simulator handles the call, then holds the answer past the client's timeout.
    app.sim_ok(
        "/faults",
        json!({"path": "/wxa/submit_audit", "fault": "delay", "ms": 16_000, "times": 1}),
    )
    .await;
    let v = app
        .call_ok(
            &c,
            "release/submit_audit",
            json!({"appid": appid, "items": items, "feedback_info": null}),
        )
        .await;
    assert_eq!(v["audit"]["status"], 2);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM code_audits WHERE appid = $1")
        .bind(&appid)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let state = reqwest::get(format!("{}/__sim/code/state?appid={appid}", app.sim_base))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    assert_eq!(state["audits"].as_array().unwrap().len(), 1);
}

/// Undo, gray release and revert gray: WeChat handles each call but its answer is lost (held
/// past the client's timeout). The console reads WeChat's state instead of repeating the
/// write, and records what happened once.
#[tokio::test]
async fn lost_undo_and_gray_answers_are_reconciled_not_repeated() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_app(0, RELEASED_AND_AUDITING, 1);
    let id = json!({ "appid": appid });
    let lose_answer = |path: &'static str| {
        app.sim_ok(
            "/faults",
            json!({"path": path, "fault": "delay", "ms": 16_000, "times": 1}),
        )
    };

    lose_answer("/wxa/undocodeaudit").await;
    let v = app.call_ok(&c, "release/undo_audit", id.clone()).await;
    assert_eq!(v["audit"]["status"], 3);
    assert_eq!(v["undo_quota"]["left_this_month"], 9, "one undo counted");

    submit(&app, &c, &appid).await;
    approve(&app, &c, &appid).await;
    lose_answer("/wxa/grayrelease").await;
    let v = app
        .call_ok(
            &c,
            "release/gray",
            json!({"appid": appid, "percentage": 10}),
        )
        .await;
    assert_eq!(v["gray"]["status"], "Running");
    assert_eq!(v["gray"]["percentage"], 10);

    lose_answer("/wxa/revertgrayrelease").await;
    let v = app.call_ok(&c, "release/revert_gray", id.clone()).await;
    assert_eq!(v["gray"]["status"], "Deleted");

    // Each write reached WeChat exactly once.
    for path in [
        "/wxa/undocodeaudit",
        "/wxa/grayrelease",
        "/wxa/revertgrayrelease",
    ] {
        assert_eq!(sim_calls(&app, path, &appid).await, 1, "{path}");
    }
}

/// Calls an action the merchant's permission does not include: 403, nothing sent to WeChat.
async fn not_granted(app: &TestApp, c: &Client, endpoint: &str, body: Value) {
    let res = app.call(c, endpoint, body).await;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    assert_eq!(status, 403, "{endpoint}: {text}");
    assert!(text.contains("NotGranted"), "{endpoint}: {text}");
}

async fn set_permission(app: &TestApp, admin: &Client, merchant: i64, permission: &str) {
    app.call_ok(
        admin,
        "merchants/set_permission",
        json!({"id": merchant, "permission": permission}),
    )
    .await;
}

#[tokio::test]
async fn a_merchant_is_held_to_the_permission_an_admin_grants() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let merchants = app.call_ok(&admin, "merchants/list", json!({})).await;
    let own = merchants
        .as_array()
        .expect("merchants")
        .iter()
        .find(|m| m["name"] == "星辰咖啡")
        .expect("the demo merchant");
    assert_eq!(
        own["permission"], "Release",
        "the default keeps what merchants had"
    );
    let merchant_id = own["id"].as_i64().expect("id");
    let c = app.signed_in(MERCHANT).await;
    let appid = demo_app(0, RELEASED, 0);
    let id = json!({ "appid": appid });

    // Demo seeding committed and released this one already.
    let seeded_commits = sim_calls(&app, "/wxa/commit", &appid).await;
    // View only: the page says why each action is off, and the server refuses them all.
    set_permission(&app, &admin, merchant_id, "view").await;
    let v = view(&app, &c, &appid).await;
    assert_eq!(v["grant"], "View");
    for action in ["Commit", "SubmitAudit", "Release", "Revert", "GrayRelease"] {
        assert_eq!(
            reason_of(&v, action).as_deref(),
            Some("NotGranted"),
            "{action}"
        );
    }
    let ext = json!({"extAppid": appid}).to_string();
    let commit_body = json!({"appid": appid, "form": {
        "template_id": 1, "ext_json": ext, "user_version": "9.0.0", "user_desc": "x"
    }});
    not_granted(&app, &c, "release/commit", commit_body.clone()).await;
    not_granted(
        &app,
        &c,
        "widgets/save_draft",
        json!({"appid": appid, "content": {
            "keyword": "咖啡", "areacode": [110000], "brandname": "",
            "categorylist": [{"id1": 1, "id2": 2, "id3": 0}],
            "material": {"iconType": 0, "items": [
                {"icon": "", "title": "功能0", "desc": "描述0", "jumpUrl": "pages/index/index"}]}}}),
    )
    .await;
    assert_eq!(sim_calls(&app, "/wxa/commit", &appid).await, seeded_commits);
    // Reading stays open.
    app.call_ok(&c, "mini_programs/get", json!({ "appid": appid }))
        .await;

    // Submit for review: commit and submit, but not release.
    set_permission(&app, &admin, merchant_id, "submit").await;
    let v = commit(&app, &c, &appid, "9.0.0").await;
    assert_eq!(reason_of(&v, "SubmitAudit").as_deref(), Some(""));
    submit(&app, &c, &appid).await;
    let v = approve(&app, &c, &appid).await;
    assert_eq!(reason_of(&v, "Release").as_deref(), Some("NotGranted"));
    let live = [
        "/wxa/release",
        "/wxa/grayrelease",
        "/wxa/change_visitstatus",
    ];
    let mut seeded = Vec::new();
    for path in live {
        seeded.push(sim_calls(&app, path, &appid).await);
    }
    not_granted(&app, &c, "release/release", id.clone()).await;
    not_granted(
        &app,
        &c,
        "release/gray",
        json!({"appid": appid, "percentage": 10}),
    )
    .await;
    not_granted(
        &app,
        &c,
        "release/visit_status",
        json!({"appid": appid, "action": "close"}),
    )
    .await;
    not_granted(
        &app,
        &c,
        "release/support_version",
        json!({"appid": appid, "version": "2.30.0"}),
    )
    .await;
    for (path, before) in live.iter().zip(seeded) {
        assert_eq!(sim_calls(&app, path, &appid).await, before, "{path}");
    }

    // Release: the same merchant now goes live.
    set_permission(&app, &admin, merchant_id, "release").await;
    let v = app.call_ok(&c, "release/release", id.clone()).await;
    assert_eq!(v["online"]["version"], "9.0.0");

    // Only admins grant, only known levels, only existing merchants.
    let res = app
        .call(
            &c,
            "merchants/set_permission",
            json!({"id": merchant_id, "permission": "release"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let op = app.signed_in(OPERATOR).await;
    let res = app
        .call(
            &op,
            "merchants/set_permission",
            json!({"id": merchant_id, "permission": "view"}),
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call(
            &admin,
            "merchants/set_permission",
            json!({"id": merchant_id, "permission": "admin"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(body(res).await.contains("permission"));
    let res = app
        .call(
            &admin,
            "merchants/set_permission",
            json!({"id": 999_999, "permission": "view"}),
        )
        .await;
    assert_eq!(res.status(), 404);

    // Each change and each refusal is in the audit log.
    let changes: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = $1 AND target_id = $2 ORDER BY id",
    )
    .bind(action::MERCHANT_PERMISSION)
    .bind(merchant_id.to_string())
    .fetch_all(&app.db.pool)
    .await
    .expect("audit rows");
    assert_eq!(
        changes,
        ["release -> view", "view -> submit", "submit -> release"]
    );
    let refusals: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND target_id = $2 AND actor_name = 'merchant'",
    )
    .bind(action::ACCESS_REFUSED)
    .bind(&appid)
    .fetch_one(&app.db.pool)
    .await
    .expect("refusals");
    assert_eq!(refusals, 6);
}

#[tokio::test]
async fn the_mini_programs_home_shows_where_everything_stands() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let appid = demo_app(0, RELEASED_AND_AUDITING, 0);
    let home = app
        .call_ok(&c, "mini_programs/home", json!({ "appid": appid }))
        .await;
    assert_eq!(home["program"]["appid"], appid.as_str());
    let online = home["online"]["version"]
        .as_str()
        .expect("an online version");
    assert_eq!(home["audit"]["status"], 2, "under review: {home}");
    assert_ne!(home["audit"]["version"].as_str(), Some(online));
    assert!(home["token"]["health"].is_string(), "{home}");
    assert!(
        !home["categories"]
            .as_array()
            .expect("categories")
            .is_empty(),
        "{home}"
    );
    assert_eq!(home["grant"], "Release");

    // What the merchant does next shows up there: a new development version, its audit entry.
    commit(&app, &c, &appid, "7.7.7").await;
    let home = app
        .call_ok(&c, "mini_programs/home", json!({ "appid": appid }))
        .await;
    assert_eq!(home["development"]["version"], "7.7.7");
    let latest = &home["audit_log"][0];
    assert_eq!(latest["action"], action::RELEASE_COMMIT);
    assert_eq!(latest["actor_name"], "merchant");
    assert!(home["audit_log"].as_array().expect("entries").len() <= 5);

    // Another merchant's mini program is as missing as one that does not exist.
    let other = app.signed_in(MERCHANT2).await;
    for id in [appid.as_str(), "wx_no_such_app"] {
        let res = app
            .call(&other, "mini_programs/home", json!({ "appid": id }))
            .await;
        assert_eq!(res.status(), 404, "{id}");
    }
}
