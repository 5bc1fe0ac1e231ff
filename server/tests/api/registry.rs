use crate::helpers::*;
use app::domain::mini_program::{AppStatus, MiniProgramQuery, MiniProgramSort, SubjectType};
use app::domain::pagination::{PageRequest, SortDir};
use app::services::demo::{demo_appid, DEMO_MINI_PROGRAMS};
use serde_json::{json, Value};

async fn list(app: &TestApp, c: &reqwest::Client, q: MiniProgramQuery) -> Value {
    app.call_ok(c, "mini_programs/list", json!({ "query": q }))
        .await
}

fn appids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["appid"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn staff_see_the_whole_fleet_paginated() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let page = list(&app, &c, MiniProgramQuery::default()).await;
    assert_eq!(page["total"], DEMO_MINI_PROGRAMS);
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    let q = MiniProgramQuery {
        page: PageRequest::new(3, 20),
        ..Default::default()
    };
    let third = list(&app, &c, q).await;
    assert_eq!(third["items"].as_array().unwrap().len(), 20);
    let q = MiniProgramQuery {
        page: PageRequest::new(4, 20),
        ..Default::default()
    };
    assert!(list(&app, &c, q).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    // Pages do not overlap.
    let first = appids(&page);
    assert!(appids(&third).iter().all(|a| !first.contains(a)));
}

#[tokio::test]
async fn filters_search_and_sort_run_on_the_server() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let q = MiniProgramQuery {
        subject: Some(SubjectType::Enterprise),
        ..Default::default()
    };
    let page = list(&app, &c, q).await;
    assert!(page["total"].as_i64().unwrap() > 0);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["subject"] == "Enterprise"));

    let q = MiniProgramQuery {
        status: Some(AppStatus::NeedsReauthorization),
        ..Default::default()
    };
    let page = list(&app, &c, q).await;
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "NeedsReauthorization"));

    let target = demo_appid(7);
    let q = MiniProgramQuery {
        search: target[..10].to_uppercase(),
        ..Default::default()
    };
    assert!(
        appids(&list(&app, &c, q).await).contains(&target),
        "search is case-insensitive"
    );

    let q = MiniProgramQuery {
        search: "星辰咖啡".into(),
        ..Default::default()
    };
    let page = list(&app, &c, q).await;
    assert_eq!(page["total"], 15);

    let q = MiniProgramQuery {
        search: "%".into(),
        ..Default::default()
    };
    assert_eq!(list(&app, &c, q).await["total"], 0, "wildcards are literal");

    let q = MiniProgramQuery {
        sort: MiniProgramSort::AppId,
        dir: SortDir::Asc,
        page: PageRequest::new(1, 100),
        ..Default::default()
    };
    let ids = appids(&list(&app, &c, q).await);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
}

#[tokio::test]
async fn bad_paging_from_a_direct_call_is_bounded_not_a_crash() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let page = app
        .call_ok(
            &c,
            "mini_programs/list",
            json!({"query": {"page": {"page": 0, "per_page": 100000}, "search": "x".repeat(500)}}),
        )
        .await;
    assert_eq!(page["per_page"], 20);
    assert_eq!(page["page"], 1);
    let res = app
        .call(&c, "mini_programs/list", json!({"query": "not an object"}))
        .await;
    assert!(res.status().is_client_error(), "{}", res.status());
}

#[tokio::test]
async fn a_merchant_sees_only_its_own_mini_programs() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let page = list(
        &app,
        &c,
        MiniProgramQuery {
            page: PageRequest::new(1, 100),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(page["total"], 15);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["merchant_name"] == "星辰咖啡"));
    // Asking for another merchant's rows through the filter gives nothing.
    let other = page["items"][0]["merchant_id"].as_i64().unwrap() + 1;
    let q = MiniProgramQuery {
        merchant_id: Some(other),
        ..Default::default()
    };
    assert_eq!(list(&app, &c, q).await["total"], 0);
}

#[tokio::test]
async fn another_merchants_mini_program_is_not_found_by_url_or_by_call() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let own = demo_appid(0); // merchant index 0
    let foreign = demo_appid(1); // merchant index 1
    let res = app
        .call(&c, "mini_programs/get", json!({"appid": foreign}))
        .await;
    assert_eq!(res.status(), 404);
    let leaked = body(res).await;
    assert!(
        !leaked.contains("青禾"),
        "nothing about the other merchant leaks: {leaked}"
    );
    let missing = app
        .call(
            &c,
            "mini_programs/get",
            json!({"appid": "wx0000000000000000"}),
        )
        .await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        body(missing).await,
        leaked,
        "foreign and missing look the same"
    );

    let res = c
        .get(app.url(&format!("/apps/{foreign}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let html = body(res).await;
    assert!(html.contains("data-testid=\"detail-error\"") && !html.contains("青禾"));

    let res = c
        .get(app.url(&format!("/apps/{own}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(body(res).await.contains(&own));
}

#[tokio::test]
async fn the_registry_page_is_complete_html_without_javascript() {
    let app = spawn_app().await;
    let c = app.signed_in(ADMIN).await;
    let html = body(
        c.get(app.url("/apps?subject=enterprise&sort=appid&dir=asc&per_page=10"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(html.matches("data-testid=\"registry-row\"").count(), 10);
    assert!(html.contains("aria-sort=\"ascending\""));
    assert!(html.contains("data-testid=\"pager-next\""));
}

#[tokio::test]
async fn unauthenticated_calls_are_refused() {
    let app = spawn_app().await;
    let res = app
        .call(&client(), "mini_programs/list", json!({"query": {}}))
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(
        app.call(&client(), "audit/list", json!({"query": {}}))
            .await
            .status(),
        401
    );
    assert_eq!(
        app.call(&client(), "users/list", json!({})).await.status(),
        401
    );
}

/// A mini program whose names hold quotes, backslashes, line breaks, control characters,
/// Chinese, `</script>` and an HTML comment.
const HOSTILE_NAME: &str = "咖啡\"馆\\</script><script>alert(1)</script>\n\t\u{1}\u{7f}\u{2028}é";

/// Adds a mini program with these names, newer than the demo's (first in the registry).
async fn insert_named(app: &TestApp, appid: &str, nick_name: &str, principal_name: &str) {
    use app::db::mini_programs::{insert, NewMiniProgram};
    insert(
        &app.db.pool,
        &NewMiniProgram {
            appid,
            nick_name,
            principal_name,
            subject: SubjectType::Enterprise,
            merchant_id: None,
            status: AppStatus::Authorized,
            created_at: app::db::now() + 3600,
        },
    )
    .await
    .expect("insert");
}

/// The page at `path`, read by an admin once the hostile mini program is in the registry.
async fn page_with_hostile_names(path: &str) -> String {
    let app = spawn_app().await;
    insert_named(&app, "wxescape000000001", HOSTILE_NAME, "<!-- 主体 -->").await;
    let c = app.signed_in(ADMIN).await;
    let html = body(c.get(app.url(path)).send().await.unwrap()).await;
    assert!(
        !html.contains("<script>alert(1)"),
        "the name closed a script"
    );
    html
}

/// Whether `value` holds the string `wanted` anywhere inside.
fn holds_string(value: &serde_json::Value, wanted: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == wanted,
        serde_json::Value::Array(items) => items.iter().any(|v| holds_string(v, wanted)),
        serde_json::Value::Object(fields) => fields.values().any(|v| holds_string(v, wanted)),
        _ => false,
    }
}

/// A console page's data for hydration sits in a `<script>` as a JavaScript string: the
/// hostile names arrive intact and can never end the script early (vendor/hydration_context's
/// escaping).
#[tokio::test]
async fn hydration_data_keeps_any_name_inside_its_script() {
    let html = page_with_hostile_names("/apps/wxescape000000001").await;
    // Find the resource that carries the mini program and decode it as the browser would.
    let data = html
        .split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|part| part.split_once("] = ").map(|(_, rest)| rest))
        .find_map(|rest| {
            let mut de = serde_json::Deserializer::from_str(rest);
            let literal = <String as serde::Deserialize>::deserialize(&mut de).ok()?;
            literal.contains("wxescape000000001").then_some(literal)
        })
        .expect("the mini program's data is in the page as a string literal");
    let data: serde_json::Value = serde_json::from_str(&data).expect("JSON inside");
    assert!(holds_string(&data, HOSTILE_NAME), "{data}");
}

/// On the registry, an islands page, the island's props are the page's AppIDs and the pager's
/// figures (JSON in an HTML attribute); the rows are the table's HTML, written once by the
/// template. The hostile names arrive intact as text and end neither an element nor a script.
#[tokio::test]
async fn island_props_carry_keys_and_the_rows_carry_any_name_as_text() {
    let html = page_with_hostile_names("/apps?q=wxescape").await;
    // Read the props back as the browser does: the attribute's entities, then JSON.
    let props = html
        .split("<leptos-island data-component=\"Registry_")
        .nth(1)
        .and_then(|island| island.split_once(" data-props=\""))
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(attribute, _)| html_escape::decode_html_entities(attribute).into_owned())
        .expect("the registry's island carries its props");
    let page: serde_json::Value = serde_json::from_str(&props).expect("JSON inside");
    assert_eq!(
        page["page"]["items"],
        serde_json::json!(["wxescape000000001"])
    );
    assert_eq!(page["page"]["total"], 1);
    assert!(!props.contains("咖啡"), "no row in the props: {props}");
    // The row, as the template wrote it: the names are text, read back as the browser does.
    let cell = |testid: &str| {
        html.split(&format!("<td data-testid=\"{testid}\">"))
            .nth(1)
            .and_then(|rest| rest.split_once("</td>"))
            .map(|(text, _)| text.to_string())
            .unwrap_or_default()
    };
    let name = cell("registry-name");
    assert!(!name.contains('<'), "{name}");
    assert_eq!(html_escape::decode_html_entities(&name), HOSTILE_NAME);
    assert!(html.contains("<td>&lt;!-- 主体 --&gt;</td>"), "{html}");
    assert!(html.contains("data-appid=\"wxescape000000001\""), "{html}");
    assert_eq!(html.matches("<script>alert(1)").count(), 0, "{html}");
}

/// The filters' options are written by a template: a merchant's name (typed by an admin) is
/// text, and the page read again selects the merchant it was filtered by.
#[tokio::test]
async fn the_merchant_filter_selects_the_filtered_merchant_and_writes_names_as_text() {
    let app = spawn_app().await;
    let name = "\"><script>alert(1)</script>商户";
    let merchant = app::db::merchants::insert(&app.db, name, app::db::now())
        .await
        .expect("merchant");
    let c = app.signed_in(ADMIN).await;
    let html = body(
        c.get(app.url(&format!("/apps?merchant={merchant}&subject=enterprise")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(!html.contains("<script>alert(1)"), "{html}");
    assert!(
        html.contains(&format!(
            r#"<option value="{merchant}" selected>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;商户</option>"#
        )),
        "{html}"
    );
    assert_eq!(
        html.matches("<option value=\"enterprise\" selected>")
            .count(),
        1,
        "{html}"
    );
    assert_eq!(
        html.matches(" selected>").count(),
        2,
        "only the two filters used: {html}"
    );
}

/// The registry's default order (newest first, AppID as tie-breaker) is read through an index
/// in that order for the whole fleet, a merchant (a merchant user's own list or the filter), a
/// status and a subject: SQLite never sorts a page (migration 0024).
#[tokio::test]
async fn newest_first_pages_are_read_in_index_order() {
    use app::db::mini_programs::page_sql;
    use app::db::DbKind;
    let app = spawn_app().await;
    if app.db.kind != DbKind::Sqlite {
        return;
    }
    let with = |f: fn(&mut MiniProgramQuery)| {
        let mut q = MiniProgramQuery::default();
        f(&mut q);
        q
    };
    let cases = [
        (None, MiniProgramQuery::default(), "mini_programs_created"),
        (
            Some(1),
            MiniProgramQuery::default(),
            "mini_programs_merchant",
        ),
        (
            None,
            with(|q| q.merchant_id = Some(1)),
            "mini_programs_merchant",
        ),
        (
            None,
            with(|q| q.status = Some(AppStatus::Authorized)),
            "mini_programs_status",
        ),
        (
            None,
            with(|q| q.subject = Some(SubjectType::Enterprise)),
            "mini_programs_subject",
        ),
        (
            None,
            with(|q| q.dir = SortDir::Asc),
            "mini_programs_created",
        ),
    ];
    for (scope, q, index) in cases {
        assert_eq!(q.sort, MiniProgramSort::Created);
        app.assert_read_in_index_order(page_sql(scope, &q).text(), index)
            .await;
    }
}

/// A page titled with a name from the data (here a mini program's detail page) writes it into
/// `<title>` as text: a name with `</title>` cannot end the element and put markup in the head.
#[tokio::test]
async fn a_name_cannot_end_the_page_title() {
    let app = spawn_app().await;
    let name = "x</title><script>alert(2)</script><base href=\"https://evil.example/\">";
    insert_named(&app, "wxescape000000002", name, "p").await;
    let c = app.signed_in(ADMIN).await;
    let html = body(
        c.get(app.url("/apps/wxescape000000002"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let head = html.split("</head>").next().unwrap_or_default();
    assert!(!head.contains("<script>alert(2)"), "{head}");
    assert!(!head.contains("<base"), "{head}");
    assert_eq!(head.matches("</title>").count(), 1, "{head}");
    assert!(
        head.contains("<title>x&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{head}"
    );
}
