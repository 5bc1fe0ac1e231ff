//! The readiness checklist (就绪检查) end to end: the console's services against the built-in
//! simulator and the real database (SQLite, or PostgreSQL with WXA_TEST_DATABASE_URL). A
//! freshly authorized mini program misses its basic info, testers and code; the owner
//! completes its basic info and an operator binds a tester, and a re-check turns those items
//! done; the page reads the snapshot without calling WeChat; the registry's readiness
//! filter and sort; merchants confined; scopes refused, WeChat errors and unauthorized mini
//! programs as items, never as failures.

use crate::helpers::{
    body, client, sim_calls, spawn_app, TestApp, ADMIN, MERCHANT, MERCHANT2, OPERATOR,
};
use app::domain::mini_program::MiniProgramQuery;
use app::domain::pagination::PageRequest;
use app::domain::readiness::{ItemKind, ReadinessFilter};
use app::services::demo::{demo_appid, DEMO_MINI_PROGRAMS};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

const BASIC_INFO: &str = "/cgi-bin/account/getaccountbasicinfo";
const GET_CATEGORY: &str = "/wxa/get_category";
const MEMBERAUTH: &str = "/wxa/memberauth";

/// Demo mini program 0: merchant 1's (`merchant`), an enterprise, released, with its basic
/// info: only a tester stands between it and "ready".
fn released() -> String {
    demo_appid(0)
}

/// Demo mini program 13: merchant 2's (`merchant2`), code committed only, no avatar or
/// introduction yet.
fn committed_only() -> String {
    demo_appid(13)
}

/// Demo mini program 11: the owner cancelled the authorization.
fn unauthorized() -> String {
    demo_appid(11)
}

async fn merchant_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT merchant_id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.db.pool)
        .await
        .expect("the merchant user's merchant")
}

/// Authorizes a new mini program the way a real one arrives (pre-auth code, the owner
/// confirms in the simulator, the console exchanges the code), for `merchant`.
async fn authorize_new(app: &TestApp, nick_name: &str, merchant: Option<i64>) -> String {
    use app::services::authorization;
    let request = authorization::create_request(&app.state, merchant, None, None)
        .await
        .expect("a pre-auth code");
    let control = wechat::simulator::SimControl::new(format!("{}/__sim", app.sim_base));
    let profile = wechat::simulator::AuthorizerProfile {
        appid: None,
        nick_name: nick_name.into(),
        principal_name: "晨星文具（上海）有限公司".into(),
        verify_type: 0,
        categories: vec![wechat::simulator::second_level(304, "餐饮", 305, "咖啡")],
    };
    let confirmed = control
        .authorize(&request.pre_auth_code, &profile)
        .await
        .expect("the owner confirms");
    authorization::complete(&app.state, Some(request), &confirmed.auth_code)
        .await
        .expect("registered")
}

async fn get(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "readiness/get", json!({"appid": appid}))
        .await
}

async fn check(app: &TestApp, c: &Client, appid: &str) -> Value {
    app.call_ok(c, "readiness/check", json!({"appid": appid}))
        .await
}

/// The item `kind` (serde's name, e.g. "Testers") of a checklist.
fn item<'a>(view: &'a Value, kind: &str) -> &'a Value {
    view["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {view}"))
}

fn state(view: &Value, kind: &str) -> String {
    item(view, kind)["item"]["state"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// (kind, state) of every item, in the checklist's order.
fn states(view: &Value) -> Vec<(String, String)> {
    view["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["item"]["kind"].as_str().unwrap_or_default().to_owned(),
                i["item"]["state"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn summary(view: &Value) -> (i64, i64, Value) {
    let s = &view["summary"];
    (
        s["ready"].as_i64().unwrap_or(-1),
        s["total"].as_i64().unwrap_or(-1),
        s["first_blocking"].clone(),
    )
}

/// WeChat reads for `appid`: (getaccountbasicinfo, get_category, memberauth).
async fn reads(app: &TestApp, appid: &str) -> (usize, usize, usize) {
    (
        sim_calls(app, BASIC_INFO, appid).await,
        sim_calls(app, GET_CATEGORY, appid).await,
        sim_calls(app, MEMBERAUTH, appid).await,
    )
}

async fn registry(app: &TestApp, c: &Client, q: MiniProgramQuery) -> Value {
    app.call_ok(c, "mini_programs/list", json!({ "query": q }))
        .await
}

fn appids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|r| r["appid"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn filtered(filter: ReadinessFilter) -> MiniProgramQuery {
    MiniProgramQuery {
        readiness: Some(filter),
        page: PageRequest::new(1, 100),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_fresh_mini_program_misses_items_and_turns_green_step_by_step() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = authorize_new(&app, "晨星文具", None).await;

    // Never checked: nothing to show but the invitation to check, and WeChat is not asked.
    let view = get(&app, &op, &appid).await;
    assert_eq!(view["checked_at"], Value::Null);
    assert_eq!(view["items"], json!([]));
    assert_eq!(view["summary"], Value::Null);
    assert_eq!(view["nick_name"], "晨星文具");
    assert_eq!(reads(&app, &appid).await, (0, 0, 0));

    // The first check: the authorization, subject and categories are there; the avatar and
    // introduction, testers and code are not.
    let view = check(&app, &op, &appid).await;
    assert_eq!(
        states(&view),
        [
            ("Authorization", "Ok"),
            ("BasicInfo", "Missing"),
            ("Subject", "Ok"),
            ("Categories", "Ok"),
            ("ServerDomains", "Missing"),
            ("Testers", "Missing"),
            ("CodeCommitted", "Missing"),
            ("AuditPassed", "Missing"),
            ("Released", "Missing"),
        ]
        .map(|(k, s)| (k.to_owned(), s.to_owned()))
    );
    assert_eq!(summary(&view), (3, 9, json!("BasicInfo")));
    assert_eq!(view["checked_by"], "operator");
    let basic = item(&view, "BasicInfo");
    assert_eq!(
        basic["item"]["finding"],
        json!({"BasicInfoIncomplete": {"missing": ["HeadImage", "Signature"], "fallback": false}})
    );
    // The errcode it prevents, with its meaning in both languages, and where it is fixed.
    assert_eq!(basic["prevents"]["errcode"], 86002);
    assert!(basic["prevents"]["zh"]
        .as_str()
        .unwrap_or_default()
        .contains("头像"));
    assert!(!basic["prevents"]["en"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    assert_eq!(basic["link"]["external"], true);
    let testers = item(&view, "Testers");
    assert_eq!(
        testers["item"]["finding"],
        json!({"NoTesters": {"limit": 40}})
    );
    assert_eq!(testers["link"]["href"], format!("/apps/{appid}/testers"));
    assert_eq!(
        item(&view, "Released")["link"]["href"],
        format!("/apps/{appid}/release#step-release")
    );
    assert_eq!(item(&view, "CodeCommitted")["prevents"]["errcode"], 85086);
    assert_eq!(reads(&app, &appid).await, (1, 1, 1));

    // Reading the checklist again (server function or page) calls nothing.
    let again = get(&app, &op, &appid).await;
    assert_eq!(again["items"], view["items"]);
    assert_eq!(again["checked_at"], view["checked_at"]);
    let page = op
        .get(app.url(&format!("/apps/{appid}/readiness")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = body(page).await;
    assert_eq!(html.matches("data-testid=\"readiness-item\"").count(), 9);
    assert!(html.contains("86002"));
    assert!(html.contains(&format!("href=\"/apps/{appid}/testers\"")));
    assert_eq!(reads(&app, &appid).await, (1, 1, 1));

    // The owner sets the avatar and introduction; an operator binds a tester.
    app.sim_ok(
        "/basic-info",
        json!({"appid": appid, "head_img": "https://img.example.com/chenxing.png",
               "signature": "文具在线选购"}),
    )
    .await;
    app.call_ok(
        &op,
        "testers/bind",
        json!({"appid": appid, "wechatid": "zhang_wei"}),
    )
    .await;
    // Nothing changes until a re-check.
    assert_eq!(state(&get(&app, &op, &appid).await, "Testers"), "Missing");
    let view = check(&app, &op, &appid).await;
    assert_eq!(state(&view, "BasicInfo"), "Ok");
    assert_eq!(state(&view, "Testers"), "Ok");
    assert_eq!(
        item(&view, "Testers")["item"]["finding"],
        json!({"TestersBound": {"count": 1, "limit": 40}})
    );
    assert_eq!(summary(&view), (5, 9, json!("ServerDomains")));
    assert_eq!(
        item(&view, "ServerDomains")["link"]["href"],
        format!("/apps/{appid}/domains")
    );

    // A request domain, through the console's domain screen.
    app.call_ok(
        &op,
        "domains/change",
        json!({"appid": appid, "change": {"kind": "Request", "action": "Add",
               "input": "https://api.demo-shop.com"}}),
    )
    .await;
    let view = check(&app, &op, &appid).await;
    assert_eq!(
        item(&view, "ServerDomains")["item"]["finding"],
        json!({"DomainsSet": {"request": 1, "total": 1}})
    );
    assert_eq!(summary(&view), (6, 9, json!("CodeCommitted")));

    // Incomplete again: the owner empties the introduction.
    app.sim_ok("/basic-info", json!({"appid": appid, "signature": ""}))
        .await;
    let view = check(&app, &op, &appid).await;
    assert_eq!(
        item(&view, "BasicInfo")["item"]["finding"],
        json!({"BasicInfoIncomplete": {"missing": ["Signature"], "fallback": false}})
    );

    // Every check is in the audit log with its summary.
    let checks: Vec<String> = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE action = 'readiness.check' AND target_id = $1 \
         ORDER BY id",
    )
    .bind(appid.as_str())
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        checks,
        vec![
            "3/9, first missing: basic_info",
            "5/9, first missing: server_domains",
            "6/9, first missing: code_committed",
            "5/9, first missing: basic_info",
        ]
    );
}

#[tokio::test]
async fn a_released_mini_program_becomes_ready_with_a_tester() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = released();
    let view = check(&app, &op, &appid).await;
    assert_eq!(summary(&view), (8, 9, json!("Testers")));
    assert_eq!(
        item(&view, "Released")["item"]["finding"]["Released"]["version"],
        "1.0.0"
    );
    app.call_ok(
        &op,
        "testers/bind",
        json!({"appid": appid, "wechatid": "li_na_88"}),
    )
    .await;
    let view = check(&app, &op, &appid).await;
    assert_eq!(summary(&view), (9, 9, Value::Null));
    assert!(states(&view).iter().all(|(_, s)| s == "Ok"), "{view}");
    // The registry row and the mini program's home show it.
    let page = registry(&app, &op, filtered(ReadinessFilter::Ready)).await;
    assert_eq!(appids(&page), vec![appid.clone()]);
    assert_eq!(
        page["items"][0]["readiness"],
        json!({"ready": 9, "total": 9, "first_blocking": null,
               "checked_at": view["checked_at"]})
    );
    let home = body(
        op.get(app.url(&format!("/apps/{appid}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(home.contains(&format!("href=\"/apps/{appid}/readiness\"")));
    assert!(home.contains("data-testid=\"home-readiness-summary\""));
    assert!(home.contains("就绪 9/9"), "the home shows the summary");
}

#[tokio::test]
async fn the_registry_filters_and_sorts_by_readiness() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let (ready_one, stuck_one) = (released(), committed_only());
    check(&app, &op, &ready_one).await;
    let stuck_view = check(&app, &op, &stuck_one).await;
    assert_eq!(summary(&stuck_view).2, json!("BasicInfo"));

    let stuck_at_testers = filtered(ReadinessFilter::StuckAt(ItemKind::Testers));
    let mut found = appids(&registry(&app, &op, stuck_at_testers.clone()).await);
    found.sort();
    let mut both = vec![ready_one.clone(), stuck_one.clone()];
    both.sort();
    assert_eq!(found, both, "testers missing, first in the list or not");
    let stuck = registry(&app, &op, filtered(ReadinessFilter::Stuck)).await;
    assert_eq!(stuck["total"], 2);
    assert_eq!(
        registry(&app, &op, filtered(ReadinessFilter::Ready)).await["total"],
        0
    );
    assert_eq!(
        registry(&app, &op, filtered(ReadinessFilter::NotChecked)).await["total"],
        DEMO_MINI_PROGRAMS - 2
    );

    // A tester for the released one: it leaves "stuck at testers" and is ready.
    app.call_ok(
        &op,
        "testers/bind",
        json!({"appid": ready_one, "wechatid": "wang_fang"}),
    )
    .await;
    check(&app, &op, &ready_one).await;
    assert_eq!(
        appids(&registry(&app, &op, stuck_at_testers).await),
        vec![stuck_one.clone()]
    );
    assert_eq!(
        appids(&registry(&app, &op, filtered(ReadinessFilter::Ready)).await),
        vec![ready_one.clone()]
    );
    assert_eq!(
        appids(
            &registry(
                &app,
                &op,
                filtered(ReadinessFilter::StuckAt(ItemKind::BasicInfo))
            )
            .await
        ),
        vec![stuck_one.clone()]
    );
    // Combined with the other filters and the search.
    let mut q = filtered(ReadinessFilter::Stuck);
    q.search = ready_one.clone();
    assert_eq!(registry(&app, &op, q).await["total"], 0);

    // Sorted by readiness: most ready first, never checked last.
    let sorted = registry(
        &app,
        &op,
        MiniProgramQuery {
            sort: app::domain::mini_program::MiniProgramSort::Readiness,
            dir: app::domain::pagination::SortDir::Desc,
            page: PageRequest::new(1, 100),
            ..Default::default()
        },
    )
    .await;
    let order = appids(&sorted);
    assert_eq!(order[..2], [ready_one.clone(), stuck_one.clone()]);
    assert_eq!(sorted["items"][2]["readiness"], Value::Null);

    // The URL form of the filter, as the page's form sends it.
    let html = body(
        op.get(app.url("/apps?readiness=stuck%3Atesters&per_page=100"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(
        html.contains(&stuck_one) && !html.contains(&ready_one),
        "{html}"
    );
    assert!(html.contains("data-testid=\"registry-readiness\""));

    // The fleet re-check's selection: the filter's mini programs, in the user's scope.
    let targets = app
        .call_ok(
            &op,
            "readiness/targets",
            json!({"query": filtered(ReadinessFilter::Stuck)}),
        )
        .await;
    assert_eq!(targets["appids"], json!([stuck_one]));
    assert_eq!(targets["matched"], 1);
    let everything = app
        .call_ok(&op, "readiness/targets", json!({"query": {}}))
        .await;
    assert_eq!(everything["matched"], DEMO_MINI_PROGRAMS);
    assert_eq!(everything["appids"].as_array().map(Vec::len), Some(60));
}

#[tokio::test]
async fn merchants_reach_only_their_own_checklists() {
    let app = spawn_app().await;
    let owner = app.signed_in(MERCHANT).await;
    let stranger = app.signed_in(MERCHANT2).await;
    let appid = released();
    // The owner checks its own, even with a view-only grant (a check changes nothing).
    let admin = app.signed_in(ADMIN).await;
    app.call_ok(
        &admin,
        "merchants/set_permission",
        json!({"id": merchant_id(&app, "merchant").await, "permission": "view"}),
    )
    .await;
    let view = check(&app, &owner, &appid).await;
    assert_eq!(view["checked_by"], "merchant");
    // A merchant gets no link to start an authorization (staff only).
    assert_eq!(item(&view, "Authorization")["link"], Value::Null);
    assert_eq!(
        get(&app, &app.signed_in(OPERATOR).await, &appid).await["items"][0]["link"]["href"],
        "/apps/authorize"
    );

    for endpoint in ["readiness/get", "readiness/check"] {
        let res = app.call(&stranger, endpoint, json!({"appid": appid})).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
        let foreign = body(res).await;
        let missing = body(
            app.call(&stranger, endpoint, json!({"appid": "wx00000000000000aa"}))
                .await,
        )
        .await;
        assert_eq!(
            foreign, missing,
            "{endpoint}: foreign and missing look alike"
        );
        let res = app.call(&client(), endpoint, json!({"appid": appid})).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    let page = stranger
        .get(app.url(&format!("/apps/{appid}/readiness")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    // The stranger's check reached nothing: one check only, the owner's.
    assert_eq!(sim_calls(&app, BASIC_INFO, &appid).await, 1);

    // The registry filter and the fleet selection keep to the merchant's own.
    let mine = registry(&app, &owner, filtered(ReadinessFilter::Stuck)).await;
    assert_eq!(appids(&mine), vec![appid.clone()]);
    let theirs = registry(&app, &stranger, filtered(ReadinessFilter::Stuck)).await;
    assert_eq!(theirs["total"], 0);
    let targets = app
        .call_ok(&stranger, "readiness/targets", json!({"query": {}}))
        .await;
    assert_eq!(targets["matched"], 15);
    assert!(!targets.to_string().contains(&appid));
}

#[tokio::test]
async fn refused_scopes_wechat_errors_and_lost_authorizations_are_items() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = released();
    // Permission set 30 withdrawn on WeChat's side: getaccountbasicinfo answers 61007, the
    // authorizer info stands in for the name, avatar and introduction.
    app.sim_ok(
        "/func-info",
        json!({"appid": appid, "func_info": [17, 18, 19]}),
    )
    .await;
    // get_category fails once with an errcode the console does not retry.
    app.sim_ok(
        "/faults",
        json!({"path": GET_CATEGORY, "fault": "errcode", "errcode": 40097,
               "errmsg": "invalid args", "times": 1}),
    )
    .await;
    let view = check(&app, &op, &appid).await;
    assert_eq!(
        item(&view, "Authorization")["item"]["finding"],
        json!({"ScopesMissing": {"scopes": [30]}})
    );
    assert_eq!(item(&view, "Authorization")["prevents"]["errcode"], 61007);
    assert_eq!(
        item(&view, "BasicInfo")["item"]["finding"],
        json!({"BasicInfoComplete": {"fallback": true}})
    );
    let categories = item(&view, "Categories");
    assert_eq!(categories["item"]["state"], "Missing");
    assert_eq!(
        categories["item"]["finding"],
        json!({"Unreadable": {"Wechat": {"errcode": 40097}}})
    );
    assert_eq!(categories["read_error"]["errcode"], 40097);
    assert_eq!(summary(&view).2, json!("Authorization"));

    // Granted again: all read.
    app.sim_ok(
        "/func-info",
        json!({"appid": appid, "func_info": [17, 18, 19, 25, 30, 31]}),
    )
    .await;
    let view = check(&app, &op, &appid).await;
    assert_eq!(state(&view, "Authorization"), "Ok");
    assert_eq!(state(&view, "Categories"), "Ok");

    // An unauthorized mini program: nothing is asked of WeChat.
    let gone = unauthorized();
    let view = check(&app, &op, &gone).await;
    assert_eq!(
        item(&view, "Authorization")["item"]["finding"],
        json!("Unauthorized")
    );
    assert_eq!(item(&view, "Authorization")["prevents"]["errcode"], 61003);
    assert_eq!(
        item(&view, "Testers")["item"]["finding"],
        json!({"Unreadable": "NotAuthorized"})
    );
    assert_eq!(reads(&app, &gone).await, (0, 0, 0));
}

#[tokio::test]
async fn checks_at_once_leave_one_snapshot_and_an_older_check_never_wins() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    let appid = committed_only();
    let (a, b) = tokio::join!(check(&app, &op, &appid), check(&app, &op, &appid));
    assert_eq!(summary(&a).1, 9);
    assert_eq!(summary(&b).1, 9);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM readiness_items WHERE appid = $1")
        .bind(appid.as_str())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(rows, 9);
    let snapshots: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM readiness_snapshots WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(snapshots, 1);

    // A check that began before the stored one (it finished last) is not stored.
    let stored = get(&app, &op, &appid).await;
    let summary_now = app::domain::readiness::Summary {
        ready: 8,
        total: 8,
        first_blocking: None,
    };
    let written = app::db::readiness::store(
        &app.db,
        &app::db::readiness::NewSnapshot {
            appid: &appid,
            sources: "{}",
            items: &[],
            summary: &summary_now,
            checked_at: 1,
            checked_by_name: "late",
        },
    )
    .await
    .unwrap();
    assert!(!written);
    let after = get(&app, &op, &appid).await;
    assert_eq!(after["checked_at"], stored["checked_at"]);
    assert_eq!(after["summary"], stored["summary"]);
}

#[tokio::test]
async fn bad_input_is_refused_cleanly() {
    let app = spawn_app().await;
    let op = app.signed_in(OPERATOR).await;
    for appid in [
        "".to_owned(),
        "x".repeat(10_000),
        "wx\u{0}\u{7}'; DROP TABLE readiness_snapshots; --".to_owned(),
        "../../etc/passwd".to_owned(),
    ] {
        for endpoint in ["readiness/get", "readiness/check"] {
            let res = app.call(&op, endpoint, json!({"appid": appid})).await;
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{endpoint}");
        }
    }
    for bad in [json!({}), json!({"appid": 7}), json!({"appid": ["wx"]})] {
        let res = app.call(&op, "readiness/check", bad.clone()).await;
        assert!(res.status().is_client_error(), "{bad}: {}", res.status());
        assert_ne!(res.status(), StatusCode::NOT_FOUND, "{bad}");
    }
    // An unknown readiness filter in a direct call is refused; in the URL it is ignored.
    let res = app
        .call(
            &op,
            "readiness/targets",
            json!({"query": {"readiness": "stuck:nowhere"}}),
        )
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
    let res = op
        .get(app.url("/apps?readiness=stuck%3Anowhere"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    // A page of 100 at most, whatever is asked.
    let targets = app
        .call_ok(
            &op,
            "readiness/targets",
            json!({"query": {"page": {"page": 3, "per_page": 100000}}}),
        )
        .await;
    assert_eq!(targets["appids"].as_array().map(Vec::len), Some(60));
}
