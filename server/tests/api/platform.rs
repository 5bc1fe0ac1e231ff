//! Token health, the callbacks inbox and "Add mini program": staff only.

use crate::helpers::*;
use app::db::mini_programs::NewMiniProgram;
use app::domain::mini_program::{AppStatus, SubjectType};
use app::domain::pagination::PageRequest;
use app::domain::platform::{TokenHealth, REFRESH_AHEAD_SECS};
use app::domain::token_health::{HealthCounts, HealthFilter, TokenHealthQuery, TokenSort};
use serde_json::{json, Value};

/// Every platform server function with a harmless body.
fn platform_calls() -> Vec<(&'static str, Value)> {
    vec![
        ("platform/tokens", json!({})),
        ("platform/tokens/refresh", json!({"key": "component"})),
        ("platform/callbacks/list", json!({"query": {}})),
        ("platform/callbacks/kinds", json!({})),
        ("platform/callbacks/get", json!({"id": 1})),
        ("platform/callbacks/replay", json!({"id": 1})),
        (
            "authorization/start",
            json!({"merchant_id": null, "subject": null}),
        ),
        ("authorization/get", json!({"id": 1})),
    ]
}

#[tokio::test]
async fn merchants_are_refused_every_platform_function() {
    let app = spawn_app().await;
    let merchant = app.signed_in(MERCHANT).await;
    for (endpoint, body) in platform_calls() {
        let res = app.call(&merchant, endpoint, body).await;
        assert_eq!(res.status(), 403, "{endpoint} let a merchant in");
    }
    // The pages say so too, with the status.
    for page in [
        "/platform/tokens",
        "/platform/callbacks",
        "/apps/authorize?request=1",
    ] {
        let res = merchant.get(app.url(page)).send().await.unwrap();
        assert_eq!(res.status(), 403, "{page}");
        assert!(!body(res).await.contains("data-testid=\"tokens-table\""));
    }
}

#[tokio::test]
async fn unauthenticated_callers_get_401_and_pages_go_to_login() {
    let app = spawn_app().await;
    for (endpoint, body) in platform_calls() {
        let res = app.call(&client(), endpoint, body).await;
        assert_eq!(res.status(), 401, "{endpoint}");
    }
    let res = client()
        .get(app.url("/platform/callbacks?outcome=failed"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(
        res.headers()["location"],
        "/login?next=%2Fplatform%2Fcallbacks%3Foutcome%3Dfailed"
    );
}

#[tokio::test]
async fn operators_see_the_tokens_after_start() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    // An empty body is the first page, problems first.
    let first = app.call_ok(&operator, "platform/tokens", json!({})).await;
    assert_eq!(first["tokens"]["per_page"], 20, "{first}");
    let everything = json!({"query": {"page": {"page": 1, "per_page": 100}}});
    let view = app
        .call_ok(&operator, "platform/tokens", everything.clone())
        .await;
    assert!(view["ticket_received_at"].is_i64(), "{view}");
    let tokens = view["tokens"]["items"].as_array().unwrap();
    // The verify ticket is not a token of the table.
    assert!(tokens.iter().all(|t| t["key"] != "ticket"));
    assert!(tokens.iter().any(|t| t["key"] == "component"));
    assert!(tokens.iter().any(|t| t["appid"].is_string()));

    app.call_ok(
        &operator,
        "platform/tokens/refresh",
        json!({"key": "component"}),
    )
    .await;
    let after = app.call_ok(&operator, "platform/tokens", everything).await;
    let component = |v: &Value| {
        v["tokens"]["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "component")
            .cloned()
            .unwrap()
    };
    assert!(
        component(&after)["refresh_count"].as_i64() > component(&view)["refresh_count"].as_i64()
    );
    let unknown = app
        .call(
            &operator,
            "platform/tokens/refresh",
            json!({"key": "nonsense"}),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    let html = body(
        operator
            .get(app.url("/platform/tokens"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"tokens-table\""));
    assert!(html.contains("data-testid=\"lifetime-chart\""));
}

/// A refresh refused with 61023 is not "fresh", however long the old token still lives.
#[tokio::test]
async fn token_health_says_reauthorization_after_61023() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let appid = app::services::demo::demo_appid(2);
    let key = format!("authorizer:{appid}");
    let health_of = |v: &Value| {
        v["tokens"]["items"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["appid"] == appid.as_str()).cloned())
            .map(|t| {
                (
                    t["key"].as_str().unwrap_or_default().to_owned(),
                    t["health"].clone(),
                )
            })
    };
    let searched = json!({"query": {"search": appid}});
    let before = app
        .call_ok(&operator, "platform/tokens", searched.clone())
        .await;
    let (stored_key, health) = health_of(&before).expect("the demo's token");
    assert_eq!(health, "Fresh");
    assert_eq!(stored_key, key);
    let revoked = reqwest::Client::new()
        .post(format!("{}/__sim/revoke-refresh-token", app.sim_base))
        .json(&json!({"appid": appid}))
        .send()
        .await
        .expect("control call");
    assert!(revoked.status().is_success());
    let refused = app
        .call(&operator, "platform/tokens/refresh", json!({"key": key}))
        .await;
    assert!(!refused.status().is_success());
    let after = app.call_ok(&operator, "platform/tokens", searched).await;
    let (_, health) = health_of(&after).expect("still listed");
    assert_eq!(health, "NeedsReauthorization", "{after}");
    let html = body(
        operator
            .get(app.url(&format!("/platform/tokens?q={appid}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("class=\"status health-needs_reauthorization\""));
}

/// Seeds a token row (and, with `program`, its mini program) straight into the database.
async fn seed_token(
    app: &TestApp,
    appid: &str,
    program: Option<(&str, AppStatus)>,
    expires_at: i64,
    refreshed_at: Option<i64>,
    last_error: Option<&str>,
) {
    if let Some((name, status)) = program {
        app::db::mini_programs::insert(
            &app.db.pool,
            &NewMiniProgram {
                appid,
                nick_name: name,
                principal_name: "健康巡检（上海）有限公司",
                subject: SubjectType::Enterprise,
                merchant_id: None,
                status,
                created_at: 1_700_000_000,
            },
        )
        .await
        .expect("seed mini program");
    }
    sqlx::query(
        "INSERT INTO wechat_tokens (key, token, expires_at, refreshed_at, refresh_count, \
         last_error, last_error_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(format!("authorizer:{appid}"))
    .bind("seeded-token")
    .bind(expires_at)
    .bind(refreshed_at)
    .bind(i64::from(refreshed_at.is_some()))
    .bind(last_error)
    .bind(last_error.map(|_| expires_at))
    .execute(&app.db.pool)
    .await
    .expect("seed token");
}

fn health_name(h: TokenHealth) -> &'static str {
    match h {
        TokenHealth::Fresh => "Fresh",
        TokenHealth::Due => "Due",
        TokenHealth::Expired => "Expired",
        TokenHealth::Failing => "Failing",
        TokenHealth::NeedsReauthorization => "NeedsReauthorization",
    }
}

fn items(v: &Value) -> Vec<Value> {
    v["tokens"]["items"].as_array().cloned().unwrap_or_default()
}

fn names(v: &Value) -> Vec<String> {
    items(v)
        .iter()
        .map(|t| t["nick_name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// 120 seeded tokens, 24 in each state: pages, totals, every health filter, the search, the
/// sorts and a page past the end, all answered by the database; merchants are refused.
#[tokio::test]
async fn token_health_pages_filters_searches_and_sorts_in_the_database() {
    let app = spawn_app().await;
    let now = app::db::now();
    // The mini programs are not `authorized`, so the refresh worker leaves their tokens alone.
    for i in 0..120 {
        let appid = format!("wxhealth{i:08}");
        let name = format!("健康巡检{i:03}");
        let (status, expires_at, refreshed_at, error) = match i % 5 {
            0 => (AppStatus::Unauthorized, now + 7000, Some(now - 200), None),
            1 => (AppStatus::Unauthorized, now + 600, Some(now - 6600), None),
            2 => (
                AppStatus::Unauthorized,
                now - 60,
                (i % 10 == 7).then_some(now - 7260),
                None,
            ),
            3 => (
                AppStatus::Unauthorized,
                now + 5000,
                Some(now - 2200),
                Some("-1 系统繁忙"),
            ),
            _ if i % 10 == 4 => (
                AppStatus::Unauthorized,
                now + 7000,
                Some(now - 200),
                Some("61023 refresh_token 无效"),
            ),
            _ => (
                AppStatus::NeedsReauthorization,
                now + 7000,
                Some(now - 100),
                None,
            ),
        };
        seed_token(
            &app,
            &appid,
            Some((&name, status)),
            expires_at,
            refreshed_at,
            error,
        )
        .await;
    }
    let operator = app.signed_in(OPERATOR).await;
    let ask = |query: Value| {
        let operator = operator.clone();
        let app = &app;
        async move {
            app.call_ok(&operator, "platform/tokens", json!({ "query": query }))
                .await
        }
    };
    let search = "健康巡检";

    // The first page of the seeded tokens: problems first, by name.
    let first = ask(json!({"search": search})).await;
    assert_eq!(first["tokens"]["total"], 120, "{first}");
    assert_eq!(first["tokens"]["page"], 1);
    assert_eq!(items(&first).len(), 20);
    for h in TokenHealth::ALL {
        let n = &first["counts"][h.as_str()];
        assert_eq!(n, 24, "{h:?}: {}", first["counts"]);
    }
    let all = ask(json!({"search": search, "page": {"page": 1, "per_page": 100}})).await;
    let mut listed = items(&all);
    listed.extend(items(
        &ask(json!({"search": search, "page": {"page": 2, "per_page": 100}})).await,
    ));
    assert_eq!(listed.len(), 120);
    let problem = |t: &Value| {
        ["Failing", "Expired", "NeedsReauthorization"].contains(&t["health"].as_str().unwrap_or(""))
    };
    assert!(listed[..72].iter().all(problem), "problems first");
    assert!(!listed[72..].iter().any(problem));
    for part in [&listed[..72], &listed[72..]] {
        let names: Vec<&str> = part
            .iter()
            .filter_map(|t| t["nick_name"].as_str())
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted, "then by name");
    }
    let first_twenty: Vec<String> = listed[..20]
        .iter()
        .filter_map(|t| t["nick_name"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(names(&first), first_twenty);

    // Each state, and the problems together.
    for h in TokenHealth::ALL {
        let page1 = ask(json!({"search": search, "health": h.as_str()})).await;
        assert_eq!(page1["tokens"]["total"], 24, "{h:?}");
        assert_eq!(items(&page1).len(), 20);
        let page2 = ask(
            json!({"search": search, "health": h.as_str(), "page": {"page": 2, "per_page": 20}}),
        )
        .await;
        assert_eq!(items(&page2).len(), 4, "{h:?}");
        for t in items(&page1).iter().chain(items(&page2).iter()) {
            assert_eq!(t["health"], health_name(h), "{t}");
        }
        // The counts ignore the filter: they are the chips to switch to another one.
        assert_eq!(page1["counts"], first["counts"]);
    }
    let problems = ask(json!({"search": search, "health": "problems"})).await;
    assert_eq!(problems["tokens"]["total"], 72);
    assert!(items(&problems).iter().all(problem));
    let reauth_by_status = items(
        &ask(json!({"search": search, "health": "needs_reauthorization",
            "page": {"page": 1, "per_page": 50}}))
        .await,
    );
    assert_eq!(reauth_by_status.len(), 24);
    assert_eq!(
        reauth_by_status
            .iter()
            .filter(|t| t["last_error"].is_null())
            .count(),
        12,
        "half of them only by the mini program's status"
    );

    // Search: by AppID (any case), by part of the name; wildcards are literal.
    let one = ask(json!({"search": "WXHEALTH00000007"})).await;
    assert_eq!(one["tokens"]["total"], 1, "{one}");
    assert_eq!(names(&one), vec!["健康巡检007"]);
    assert_eq!(items(&one)[0]["health"], "Expired");
    let tens = ask(json!({"search": "巡检11"})).await;
    assert_eq!(tens["tokens"]["total"], 10);
    assert_eq!(tens["counts"]["fresh"], 2);
    for literal in ["健康%", "健康_检", "wxhealth\\"] {
        let none = ask(json!({"search": literal})).await;
        assert_eq!(none["tokens"]["total"], 0, "{literal}");
        assert!(items(&none).is_empty());
    }
    let combined = ask(json!({"search": "巡检11", "health": "fresh"})).await;
    assert_eq!(names(&combined), vec!["健康巡检110", "健康巡检115"]);

    // Sorts, both ways.
    let column = |v: &Value, field: &str| -> Vec<i64> {
        items(v)
            .iter()
            .map(|t| t[field].as_i64().unwrap_or(0))
            .collect()
    };
    for (sort, field) in [("Expires", "expires_at"), ("Refreshed", "refreshed_at")] {
        let asc = ask(json!({"search": search, "sort": sort, "dir": "Asc",
            "page": {"page": 1, "per_page": 100}}))
        .await;
        let values = column(&asc, field);
        assert!(values.windows(2).all(|w| w[0] <= w[1]), "{sort} asc");
        let desc = ask(json!({"search": search, "sort": sort, "dir": "Desc",
            "page": {"page": 1, "per_page": 100}}))
        .await;
        let values = column(&desc, field);
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{sort} desc");
    }
    let expiring = ask(json!({"search": search, "sort": "Expires", "dir": "Asc"})).await;
    assert!(items(&expiring).iter().all(|t| t["health"] == "Expired"));
    let never = ask(json!({"search": search, "sort": "Refreshed", "dir": "Asc"})).await;
    assert!(
        items(&never)[0]["refreshed_at"].is_null(),
        "never refreshed first"
    );
    let by_name = ask(json!({"search": search, "sort": "Name", "dir": "Desc"})).await;
    assert_eq!(names(&by_name)[0], "健康巡检119");
    assert_eq!(names(&by_name)[19], "健康巡检100");

    // Past the end: nothing on the page, the same total; a page size beyond the offer is capped.
    let past = ask(json!({"search": search, "page": {"page": 7, "per_page": 20}})).await;
    assert_eq!(past["tokens"]["total"], 120);
    assert_eq!(past["tokens"]["page"], 7);
    assert!(items(&past).is_empty());
    let capped = ask(json!({"search": search, "page": {"page": 1, "per_page": 5000}})).await;
    assert_eq!(capped["tokens"]["per_page"], 20);
    assert_eq!(items(&capped).len(), 20);

    // The whole table (demo data too) still leaves the ticket out and counts every token.
    let everything = ask(json!({"page": {"page": 1, "per_page": 100}})).await;
    let total = everything["tokens"]["total"].as_i64().unwrap_or(0);
    assert!(total > 120, "{total}");
    let counted: i64 = TokenHealth::ALL
        .iter()
        .map(|h| everything["counts"][h.as_str()].as_i64().unwrap_or(0))
        .sum();
    assert_eq!(counted, total);
    let mut keys: Vec<Value> = items(&everything);
    keys.extend(items(
        &ask(json!({"page": {"page": 2, "per_page": 100}})).await,
    ));
    assert!(keys.iter().any(|t| t["key"] == "component"));
    assert!(keys.iter().all(|t| t["key"] != "ticket"));

    // The page: rendered on the server with the filter applied.
    let html = body(
        operator
            .get(app.url(&format!(
                "/platform/tokens?health=failing&q={}&sort=expires&dir=desc",
                app::components::url::encode(search)
            )))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(html.matches("data-testid=\"token-row\"").count(), 20);
    assert_eq!(
        html.matches("class=\"status health-failing\"").count(),
        20,
        "only failing rows"
    );
    assert!(html.contains("第 1–20 条，共 24 条"), "pager total");
    assert!(html.contains("aria-sort=\"descending\""));
    assert!(html.contains("data-health=\"failing\" aria-current=\"true\""));
    assert!(
        html.contains("value=\"健康巡检\""),
        "the search box keeps the search"
    );

    // Staff only.
    let merchant = app.signed_in(MERCHANT).await;
    let refused = app
        .call(
            &merchant,
            "platform/tokens",
            json!({"query": {"search": search, "health": "problems"}}),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let page = merchant
        .get(app.url("/platform/tokens?health=failing"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    assert!(!body(page).await.contains("健康巡检"));
}

/// The database's CASE and `TokenHealth::of` agree on every boundary: the expiry around now
/// and the refresh-ahead window, blank and non-blank errors, re-authorization errcodes in
/// every spelling `error_code` reads (or refuses), and the mini program's status.
#[tokio::test]
async fn the_database_classifies_tokens_exactly_as_token_health_of() {
    let app = spawn_app().await;
    // Ten years ahead: in real time no seeded token is due, so no worker touches them.
    let now = app::db::now() + 10 * 365 * 86_400;
    let ahead = REFRESH_AHEAD_SECS;
    let expiries = [
        now - 7200,
        now - 1,
        now,
        now + 1,
        now + ahead - 1,
        now + ahead,
        now + ahead + 1,
        now + 7200,
    ];
    let errors: [Option<&str>; 22] = [
        None,
        Some(""),
        Some("   "),
        Some("\u{3000}\t\n"),
        Some("-1 系统繁忙"),
        Some("42001 access_token expired"),
        Some("61023 refresh_token 无效"),
        Some("61003 component is not authorized by this account"),
        Some("61003"),
        Some("  61023 after spaces"),
        Some("\u{3000}61003\u{a0}"),
        Some("061023 a leading zero"),
        Some("0061003"),
        Some("61023x"),
        Some("61023-1"),
        Some("610230 longer"),
        Some("6102 shorter"),
        Some("-61023"),
        Some("61024 another code"),
        Some("x61023"),
        Some("0"),
        Some("0 61023"),
    ];
    // Not `authorized`: workers that call WeChat for authorized mini programs leave these be.
    let statuses = [
        None,
        Some(AppStatus::NeedsReauthorization),
        Some(AppStatus::Unauthorized),
    ];
    let mut seeded = 0;
    for (e, expires_at) in expiries.iter().enumerate() {
        for (r, error) in errors.iter().enumerate() {
            for (s, status) in statuses.iter().enumerate() {
                let appid = format!("wxbound{e}{r:02}{s}");
                let name = format!("边界{e}-{r}-{s}");
                seed_token(
                    &app,
                    &appid,
                    status.map(|st| (name.as_str(), st)),
                    *expires_at,
                    Some(now - 10),
                    *error,
                )
                .await;
                seeded += 1;
            }
        }
    }
    let ticket = app::services::tokens::TICKET_KEY;
    let mut query = TokenHealthQuery {
        search: "wxbound".into(),
        sort: TokenSort::Expires,
        ..Default::default()
    };
    let mut rows = Vec::new();
    for page in 1.. {
        query.page = PageRequest::new(page, 100);
        let batch = app::db::tokens::health_page(&app.db, &query, now, ticket)
            .await
            .expect("health page");
        if batch.is_empty() {
            break;
        }
        rows.extend(batch);
    }
    assert_eq!(rows.len(), seeded);
    let mut expected = HealthCounts::default();
    for row in &rows {
        let needs = row.program_status.as_deref() == Some(AppStatus::NeedsReauthorization.as_str());
        let rust = TokenHealth::of(row.expires_at, row.last_error.as_deref(), needs, now);
        assert_eq!(
            row.health,
            rust.as_str(),
            "{} expires_at = now {:+}, last_error = {:?}, status = {:?}",
            row.key,
            row.expires_at - now,
            row.last_error,
            row.program_status
        );
        expected.add(rust, 1);
    }
    // Every state is reached, and the spellings that must (or must not) read as 61023/61003 do.
    for h in TokenHealth::ALL {
        assert!(expected.get(h) > 0, "{h:?} never reached");
    }
    let health_of = |expires_at: i64, error: Option<&str>| {
        rows.iter()
            .find(|r| {
                r.program_status.is_none()
                    && r.expires_at == expires_at
                    && r.last_error.as_deref() == error
            })
            .map(|r| r.health.clone())
    };
    for (error, health) in [
        (
            Some("061023 a leading zero"),
            TokenHealth::NeedsReauthorization,
        ),
        (
            Some("\u{3000}61003\u{a0}"),
            TokenHealth::NeedsReauthorization,
        ),
        (Some("61023x"), TokenHealth::NeedsReauthorization),
        (Some("61023-1"), TokenHealth::Failing),
        (Some("610230 longer"), TokenHealth::Failing),
        (Some("0 61023"), TokenHealth::Failing),
        (Some("\u{3000}\t\n"), TokenHealth::Fresh),
    ] {
        assert_eq!(
            health_of(now + 7200, error).as_deref(),
            Some(health.as_str()),
            "{error:?}"
        );
    }
    for (expires_at, health) in [
        (now, TokenHealth::Expired),
        (now + 1, TokenHealth::Due),
        (now + ahead, TokenHealth::Due),
        (now + ahead + 1, TokenHealth::Fresh),
    ] {
        assert_eq!(
            health_of(expires_at, None).as_deref(),
            Some(health.as_str())
        );
    }
    // The counts and each filter agree with the rows.
    let counts = app::db::tokens::health_counts(&app.db, "wxbound", now, ticket)
        .await
        .expect("counts");
    assert_eq!(counts, expected);
    for filter in TokenHealth::ALL
        .into_iter()
        .map(HealthFilter::Is)
        .chain([HealthFilter::Problems])
    {
        query.health = Some(filter);
        let mut found = 0;
        for page in 1.. {
            query.page = PageRequest::new(page, 100);
            let batch = app::db::tokens::health_page(&app.db, &query, now, ticket)
                .await
                .expect("filtered page");
            if batch.is_empty() {
                break;
            }
            for row in &batch {
                let h = TokenHealth::parse(&row.health).expect("a known state");
                assert!(filter.matches(h), "{filter:?}: {}", row.health);
            }
            found += batch.len() as i64;
        }
        assert_eq!(found, expected.matching(Some(filter)), "{filter:?}");
    }
}

#[tokio::test]
async fn operators_list_filter_read_and_replay_callbacks() {
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    let page = app
        .call_ok(&operator, "platform/callbacks/list", json!({"query": {}}))
        .await;
    assert!(page["total"].as_i64().unwrap() > 0, "{page}");
    let kinds = app
        .call_ok(&operator, "platform/callbacks/kinds", json!({}))
        .await;
    let kinds: Vec<&str> = kinds
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(kinds.contains(&"component_verify_ticket"), "{kinds:?}");
    assert!(kinds.contains(&"unauthorized"), "{kinds:?}");

    let unauthorized = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"kind": "unauthorized"}}),
        )
        .await;
    let items = unauthorized["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|c| c["kind"] == "unauthorized"));

    let tickets = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"kind": "component_verify_ticket"}}),
        )
        .await;
    let id = tickets["items"][0]["id"].as_i64().unwrap();
    let detail = app
        .call_ok(&operator, "platform/callbacks/get", json!({"id": id}))
        .await;
    let shown = detail["payload"].as_str().unwrap();
    assert!(shown.contains("ComponentVerifyTicket"));
    // The ticket itself is never shown (nor stored in clear).
    assert!(shown.contains(app::services::push_secrets::MASK) && !shown.contains("ticket@@@"));
    let attempts = detail["row"]["attempts"].as_i64().unwrap();
    let replayed = app
        .call_ok(&operator, "platform/callbacks/replay", json!({"id": id}))
        .await;
    assert_eq!(replayed["row"]["outcome"], "processed");
    assert_eq!(replayed["row"]["attempts"].as_i64().unwrap(), attempts + 1);

    let html = body(
        operator
            .get(app.url(&format!("/platform/callbacks/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"callback-payload\""));
    assert!(
        html.contains("&lt;ComponentVerifyTicket&gt;"),
        "payload escaped"
    );
    let list = body(
        operator
            .get(app.url("/platform/callbacks?kind=unauthorized"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(list.contains("data-testid=\"callback-row\""));
    assert!(!list.contains("data-kind=\"component_verify_ticket\""));
}

#[tokio::test]
async fn staff_start_an_authorization_and_read_it_back() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let started = app
        .call_ok(
            &admin,
            "authorization/start",
            json!({"merchant_id": null, "subject": "Enterprise"}),
        )
        .await;
    assert_eq!(started["status"], "pending");
    assert!(started["qr_svg"].as_str().unwrap().contains("<svg"));
    let id = started["id"].as_i64().unwrap();
    let read = app
        .call_ok(&admin, "authorization/get", json!({"id": id}))
        .await;
    assert_eq!(read["link"], started["link"]);

    let unknown = app
        .call(
            &admin,
            "authorization/start",
            json!({"merchant_id": 999_999, "subject": null}),
        )
        .await;
    assert_eq!(unknown.status(), 422);

    let html = body(
        admin
            .get(app.url(&format!("/apps/authorize?request={id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("data-testid=\"authorize-link\""));
    assert!(html.contains("data-status=\"pending\""));
}

/// The inbox at scale: 10,050 pushes are counted up to the cap (the pager says "more than"),
/// the kinds come out whole and in order, and the worker's look for stuck pushes finds the one
/// left unprocessed among them.
#[tokio::test]
async fn a_long_callbacks_inbox_is_counted_to_the_cap_and_its_lookups_stay_exact() {
    use app::domain::pagination::COUNT_CAP;
    let app = spawn_app().await;
    let operator = app.signed_in(OPERATOR).await;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM s WHERE i < 10049) \
         INSERT INTO wechat_callbacks (dedupe_key, received_at, kind, appid, payload, outcome) \
         SELECT 'bulk-' || CAST(i AS TEXT), 1000 + i, \
             CASE WHEN i % 2 = 0 THEN 'bulk_even' ELSE 'bulk_odd' END, NULL, '<xml/>', \
             CASE WHEN i = 7 THEN 'received' ELSE 'processed' END FROM s",
    )
    .execute(&app.db.pool)
    .await
    .unwrap();
    let stuck_id: i64 =
        sqlx::query_scalar("SELECT id FROM wechat_callbacks WHERE dedupe_key = 'bulk-7'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();

    let page = app
        .call_ok(&operator, "platform/callbacks/list", json!({"query": {}}))
        .await;
    assert_eq!(page["total"], COUNT_CAP + 1);
    let odd = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"kind": "bulk_odd", "page": {"page": 1, "per_page": 10}}}),
        )
        .await;
    assert_eq!(odd["total"], 5_025);
    assert_eq!(odd["items"][0]["received_at"], 1000 + 10_049);
    let received = app
        .call_ok(
            &operator,
            "platform/callbacks/list",
            json!({"query": {"outcome": "received"}}),
        )
        .await;
    let ids: Vec<i64> = received["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&stuck_id), "{received}");

    let kinds = app
        .call_ok(&operator, "platform/callbacks/kinds", json!({}))
        .await;
    let kinds: Vec<String> = serde_json::from_value(kinds).unwrap();
    let mut sorted = kinds.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(kinds, sorted);
    assert!(kinds.contains(&"bulk_even".to_string()) && kinds.contains(&"bulk_odd".to_string()));
    assert!(
        kinds.contains(&"component_verify_ticket".to_string()),
        "{kinds:?}"
    );

    let stuck = app::db::callbacks::stuck(&app.db, 1_000_000).await.unwrap();
    assert_eq!(stuck, [stuck_id]);

    let html = body(
        operator
            .get(app.url("/platform/callbacks?per_page=50"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("第 1–50 条，共 10000 条以上"), "{html}");
}

/// Every read of the inbox goes through an index (migration 0023): a page in its order, the
/// worker's look for stuck pushes and the kinds, never a walk through every push (SQLite's
/// plan; PostgreSQL plans by its statistics).
#[tokio::test]
async fn the_callbacks_inbox_is_read_through_indexes_in_its_order() {
    use app::db::callbacks::{page_sql, KINDS_SQL, STUCK_SQL};
    use app::db::DbKind;
    use app::domain::callbacks::CallbackQuery;
    let app = spawn_app().await;
    if app.db.kind != DbKind::Sqlite {
        return;
    }
    let query = |kind: &str, appid: &str, outcome: &str| CallbackQuery {
        kind: kind.into(),
        appid: appid.into(),
        outcome: outcome.into(),
        ..CallbackQuery::default()
    };
    for (q, index) in [
        (query("", "", ""), "wechat_callbacks_received"),
        (query("authorized", "", ""), "wechat_callbacks_kind"),
        (
            query("", "wx0123456789abcdef", ""),
            "wechat_callbacks_appid",
        ),
        (query("", "", "failed"), "wechat_callbacks_outcome"),
    ] {
        app.assert_read_in_index_order(page_sql(&q).text(), index)
            .await;
    }
    let stuck = app.query_plan(&STUCK_SQL.replace("$1", "1000")).await;
    assert!(
        stuck
            .iter()
            .any(|s| s.starts_with("SEARCH") && s.contains("wechat_callbacks_outcome")),
        "{stuck:?}"
    );
    let kinds = app.query_plan(KINDS_SQL).await;
    assert!(
        kinds
            .iter()
            .any(|s| s.contains("wechat_callbacks_kind (kind>?)")),
        "{kinds:?}"
    );
    for steps in [&stuck, &kinds] {
        assert!(
            !steps
                .iter()
                .any(|s| s.starts_with("SCAN wechat_callbacks") || s.starts_with("SCAN c ")),
            "{steps:?}"
        );
    }
}
