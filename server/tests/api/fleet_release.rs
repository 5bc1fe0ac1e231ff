//! The fleet release view and its CSV export: states, filters, sort, pagination, merchant
//! scope, CSV quoting and refusals. Rows are inserted with SQL (what the release actions
//! and audit tracking write).

use crate::helpers::{body, client, spawn_app_with, TestApp, ADMIN, MERCHANT, MERCHANT2};
use app::db;
use app::domain::fleet_release::{FleetQuery, STATES};
use app::services::demo::demo_appid;
use serde_json::{json, Value};

const REASON: &str = "含有,逗号和\"引号\"";

/// A known fleet: demo 0 online (template 7), 1 online + in review, 2 rejected, 4 gray,
/// 8 approved not released, the other 55 never released. Merchants: i % 4.
async fn fleet_app() -> TestApp {
    let app = spawn_app_with(&[("WXA_SIMULATOR_AUDIT_DELAY_SECS", "86400")]).await;
    // Let the demo's own pushes land (the simulator sends them after its answers, so none
    // may be open yet while more are on the way): wait until every one is handled and no
    // new one arrived for a while, then start from known release data.
    let mut quiet = 0;
    let mut seen = -1;
    for _ in 0..200 {
        let (all, open): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN outcome IN ('received', 'processing') \
             THEN 1 ELSE 0 END), 0) FROM wechat_callbacks",
        )
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        quiet = if open == 0 && all == seen {
            quiet + 1
        } else {
            0
        };
        if quiet >= 5 {
            break;
        }
        seen = all;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    for table in ["code_audits", "release_status", "code_commits"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&app.db.pool)
            .await
            .unwrap();
    }
    let now = db::now();
    let exec = |sql: &'static str, args: Vec<Value>| {
        let pool = app.db.pool.clone();
        async move {
            let mut q = sqlx::query(sql);
            for a in args {
                q = match a {
                    Value::Number(n) => q.bind(n.as_i64().unwrap()),
                    Value::String(s) => q.bind(s),
                    // Typed NULLs (PostgreSQL checks them): true = text, anything else = bigint.
                    Value::Bool(true) => q.bind(None::<String>),
                    _ => q.bind(None::<i64>),
                };
            }
            q.execute(&pool).await.expect(sql);
        }
    };
    exec(
        "INSERT INTO code_commits (appid, template_id, user_version, user_desc, ext_json, \
         committed_by_name, committed_at) VALUES ($1, 7, '1.0.0', 'd', '{}', 'admin', $2)",
        vec![json!(demo_appid(0)), json!(now - 500)],
    )
    .await;
    let release = "INSERT INTO release_status (appid, online_version, online_released_at, \
                   gray_status, gray_percentage, updated_at) VALUES ($1, $2, $3, $4, $5, $3)";
    exec(
        release,
        vec![
            json!(demo_appid(0)),
            json!("1.0.0"),
            json!(now - 400),
            Value::Null,
            Value::Null,
        ],
    )
    .await;
    exec(
        release,
        vec![
            json!(demo_appid(1)),
            json!("1.0.1"),
            json!(now - 9000),
            Value::Null,
            Value::Null,
        ],
    )
    .await;
    exec(
        release,
        vec![
            json!(demo_appid(4)),
            json!("2.0.0"),
            json!(now - 300),
            json!(1),
            json!(30),
        ],
    )
    .await;
    let audit = "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, \
                 reason, submitted_by_name, submitted_at, finished_at) \
                 VALUES ($1, $2, $3, '[]', $4, $5, 'admin', $6, $7)";
    exec(
        audit,
        vec![
            json!(demo_appid(1)),
            json!(11),
            json!("1.1.0"),
            json!(2),
            Value::Null,
            json!(now - 3600),
            Value::Null,
        ],
    )
    .await;
    exec(
        audit,
        vec![
            json!(demo_appid(2)),
            json!(21),
            json!("0.9.0"),
            json!(1),
            json!(REASON),
            json!(now - 7200),
            json!(now - 7000),
        ],
    )
    .await;
    exec(
        audit,
        vec![
            json!(demo_appid(8)),
            json!(81),
            json!("3.0.0"),
            json!(0),
            Value::Null,
            json!(now - 600),
            json!(now - 100),
        ],
    )
    .await;
    app
}

fn query(extra: Value) -> Value {
    let mut q = json!({"page": {"page": 1, "per_page": 20}});
    if let (Some(q), Some(extra)) = (q.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            q.insert(k.clone(), v.clone());
        }
    }
    json!({ "query": q })
}

fn appids(view: &Value) -> Vec<String> {
    view["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["appid"].as_str().unwrap().to_owned())
        .collect()
}

/// The counts of every state together.
fn counted(view: &Value) -> i64 {
    view["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c[1].as_i64().unwrap())
        .sum()
}

fn count(view: &Value, state: &str) -> i64 {
    view["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == json!(state))
        .and_then(|c| c[1].as_i64())
        .unwrap()
}

#[tokio::test]
async fn staff_see_every_state_filter_sort_and_paginate() {
    let app = fleet_app().await;
    let admin = app.signed_in(ADMIN).await;
    let all = app
        .call_ok(&admin, "releases/fleet", query(json!({})))
        .await;
    assert_eq!(all["total"], json!(60));
    for (state, n) in [
        ("auditing", 1),
        ("rejected", 1),
        ("approved", 1),
        ("gray", 1),
        ("online", 1),
        ("never", 55),
    ] {
        assert_eq!(count(&all, state), n, "{state}");
    }
    let auditing = app
        .call_ok(
            &admin,
            "releases/fleet",
            query(json!({"state": "auditing"})),
        )
        .await;
    assert_eq!(appids(&auditing), vec![demo_appid(1)]);
    let row = &auditing["items"][0];
    assert_eq!(row["audit_version"], json!("1.1.0"));
    assert_eq!(row["online_version"], json!("1.0.1"));
    assert!(
        auditing["now"].as_i64().unwrap() - row["audit_submitted_at"].as_i64().unwrap() >= 3600
    );
    // Counts ignore the state filter (the chart shows them all).
    assert_eq!(count(&auditing, "never"), 55);

    let rejected = app
        .call_ok(
            &admin,
            "releases/fleet",
            query(json!({"state": "rejected"})),
        )
        .await;
    assert_eq!(rejected["items"][0]["last_rejection"], json!(REASON));
    let gray = app
        .call_ok(&admin, "releases/fleet", query(json!({"state": "gray"})))
        .await;
    assert_eq!(gray["items"][0]["gray_percentage"], json!(30));

    let by_version = app
        .call_ok(&admin, "releases/fleet", query(json!({"version": "1.0"})))
        .await;
    let mut found = appids(&by_version);
    found.sort();
    let mut expected = vec![demo_appid(0), demo_appid(1)];
    expected.sort();
    assert_eq!(found, expected);
    // The counts follow the other filters: per state, what the filter finds, and together
    // its total.
    assert_eq!(count(&by_version, "online"), 1);
    assert_eq!(count(&by_version, "auditing"), 1);
    assert_eq!(json!(counted(&by_version)), by_version["total"]);
    let by_template = app
        .call_ok(&admin, "releases/fleet", query(json!({"template_id": 7})))
        .await;
    assert_eq!(appids(&by_template), vec![demo_appid(0)]);
    assert_eq!(count(&by_template, "online"), 1);
    assert_eq!(count(&by_template, "never"), 0);

    // Sorted by online version, newest first, mini programs without one last.
    let sorted = app
        .call_ok(
            &admin,
            "releases/fleet",
            query(json!({"sort": "Online", "dir": "Desc"})),
        )
        .await;
    let first: Vec<String> = appids(&sorted).into_iter().take(3).collect();
    assert_eq!(first, vec![demo_appid(4), demo_appid(1), demo_appid(0)]);
    assert_eq!(sorted["items"][3]["online_version"], Value::Null);

    // Pages of 10: six of them, no row twice.
    let mut seen = std::collections::HashSet::new();
    for page in 1..=6 {
        let view = app
            .call_ok(
                &admin,
                "releases/fleet",
                json!({"query": {"page": {"page": page, "per_page": 10}, "sort": "Appid"}}),
            )
            .await;
        let ids = appids(&view);
        assert_eq!(ids.len(), 10);
        seen.extend(ids);
    }
    assert_eq!(seen.len(), 60);
    let beyond = app
        .call_ok(
            &admin,
            "releases/fleet",
            json!({"query": {"page": {"page": 7, "per_page": 10}}}),
        )
        .await;
    assert!(appids(&beyond).is_empty());
}

/// Approved, then released to 20 % in gray: the row is gray (filter, counts and CSV) and shows
/// the approved version. Before, the SQL put "approved" first and the gray release never showed.
#[tokio::test]
async fn a_gray_release_of_the_approved_version_shows_as_gray() {
    let app = fleet_app().await;
    let admin = app.signed_in(ADMIN).await;
    // Demo 8: audit of 3.0.0 passed 100 s ago, nothing released; now a gray plan at 20 %.
    sqlx::query(
        "INSERT INTO release_status (appid, gray_status, gray_percentage, updated_at) \
         VALUES ($1, 1, 20, $2)",
    )
    .bind(demo_appid(8))
    .bind(db::now())
    .execute(&app.db.pool)
    .await
    .unwrap();
    let gray = app
        .call_ok(&admin, "releases/fleet", query(json!({"state": "gray"})))
        .await;
    let mut found = appids(&gray);
    found.sort();
    let mut expected = vec![demo_appid(4), demo_appid(8)];
    expected.sort();
    assert_eq!(found, expected);
    assert_eq!(count(&gray, "gray"), 2);
    assert_eq!(count(&gray, "approved"), 0);
    let row = gray["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["appid"] == demo_appid(8).as_str())
        .cloned()
        .unwrap();
    assert_eq!(row["gray_percentage"], json!(20));
    assert_eq!(row["audit_version"], json!("3.0.0"));
    let csv = body(
        admin
            .get(app.url("/releases/export.csv?state=gray"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let line = csv
        .lines()
        .find(|l| l.starts_with(&demo_appid(8)))
        .unwrap_or_default()
        .to_owned();
    assert!(line.contains(",gray,,3.0.0,,20,"), "{line}");
    let html = body(
        admin
            .get(app.url("/releases?state=gray"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(html.contains("3.0.0"));
}

/// Far in the future: the audit poller leaves the pending audits of these tests alone.
const NEVER_DUE: i64 = 4_102_444_800;

/// A mini program of its own (not authorized: no worker calls WeChat for it).
async fn add_mini_program<'e>(db: impl sqlx::Executor<'e, Database = sqlx::Any>, appid: &str) {
    sqlx::query(
        "INSERT INTO mini_programs (appid, nick_name, principal_name, subject_type, status, \
         created_at, updated_at) VALUES ($1, $1, '测试主体', 'enterprise', 'unauthorized', 1, 1)",
    )
    .bind(appid)
    .execute(db)
    .await
    .unwrap();
}

/// An audit as the console records it (the poller kept off it).
async fn add_audit<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    appid: &str,
    auditid: i64,
    status: i64,
    submitted_at: i64,
    finished_at: Option<i64>,
) {
    sqlx::query(
        "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, \
         submitted_by_name, submitted_at, finished_at, next_poll_at) \
         VALUES ($1, $2, '1.0.0', '[]', $3, 'admin', $4, $5, $6)",
    )
    .bind(appid)
    .bind(auditid)
    .bind(status)
    .bind(submitted_at)
    .bind(finished_at)
    .bind(NEVER_DUE)
    .execute(db)
    .await
    .unwrap();
}

/// The release_status row of `appid`.
async fn add_release_status<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Any>,
    appid: &str,
    online: bool,
    online_released_at: Option<i64>,
    gray_status: Option<i64>,
) {
    sqlx::query(
        "INSERT INTO release_status (appid, online_version, online_released_at, gray_status, \
         updated_at) VALUES ($1, $2, $3, $4, 1)",
    )
    .bind(appid)
    .bind(online.then(|| "1.0.0".to_owned()))
    .bind(online_released_at)
    .bind(gray_status)
    .execute(db)
    .await
    .unwrap();
}

/// The release state and template of `appid` in `table`: release_facts (what the triggers
/// stored) or release_facts_of (what the sources give now).
async fn state_in(app: &TestApp, table: &str, appid: &str) -> (String, Option<i64>) {
    sqlx::query_as(&format!(
        "SELECT release_state, template_id FROM {table} WHERE appid = $1"
    ))
    .bind(appid)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The online version, its release time and the gray percentage of `appid` in `table`, as
/// [`state_in`] (kept in release_facts since migration 0029).
async fn online_in(
    app: &TestApp,
    table: &str,
    appid: &str,
) -> (Option<String>, Option<i64>, Option<i64>) {
    sqlx::query_as(&format!(
        "SELECT online_version, online_released_at, gray_percentage FROM {table} WHERE appid = $1"
    ))
    .bind(appid)
    .fetch_one(&app.db.pool)
    .await
    .unwrap()
}

/// The whole fleet's counts per state as kept (migration 0026) agree with counting them. The
/// demo's own audits may move a state between the reads, so they are read until they hold.
async fn kept_counts_agree(app: &TestApp, when: &str) {
    let whole_fleet = FleetQuery::default();
    for _ in 0..100 {
        let kept = db::fleet_release::kept_counts(&app.db).await.unwrap();
        let counted = db::fleet_release::counted(&app.db, None, &whole_fleet)
            .await
            .unwrap();
        let again = db::fleet_release::kept_counts(&app.db).await.unwrap();
        if kept == again {
            assert_eq!(kept, counted, "after {when}");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the fleet's states never held still after {when}");
}

/// The state the triggers store and the domain's rules agree on every combination of facts
/// that rows can hold: no audit has no time, an audit always has its submission time.
#[tokio::test]
async fn the_stored_release_state_is_the_domain_rule_row_by_row() {
    use app::domain::fleet_release::{release_state, ReleaseFacts};
    let app = spawn_app_with(&[]).await;
    let mut cases = Vec::new();
    for audit_status in [None, Some(0), Some(1), Some(2), Some(3), Some(4)] {
        for audit_done_at in [None, Some(100)] {
            if audit_status.is_some() != audit_done_at.is_some() {
                continue;
            }
            for online_released_at in [None, Some(50), Some(100), Some(150)] {
                for gray_status in [None, Some(0), Some(1), Some(2), Some(3)] {
                    for online in [false, true] {
                        cases.push(ReleaseFacts {
                            audit_status,
                            audit_done_at,
                            online_released_at,
                            online,
                            gray_status,
                        });
                    }
                }
            }
        }
    }
    let appid = |i: usize| format!("wxstate{i:04}");
    // One transaction: the triggers run for each statement all the same, and the test does
    // not wait for a commit per row.
    let mut tx = app.db.pool.begin().await.unwrap();
    for (i, facts) in cases.iter().enumerate() {
        add_mini_program(&mut *tx, &appid(i)).await;
        if let (Some(status), Some(done_at)) = (facts.audit_status, facts.audit_done_at) {
            // `audit_done_at` is when the audit finished or, pending, was submitted. A
            // finished one was submitted earlier, before some of the release times: a state
            // that read the submission instead of the end would show.
            let (submitted_at, finished_at) = if matches!(status, 2 | 4) {
                (done_at, None)
            } else {
                (done_at - 60, Some(done_at))
            };
            add_audit(
                &mut *tx,
                &appid(i),
                i as i64,
                status,
                submitted_at,
                finished_at,
            )
            .await;
        }
        // Without any of these there is no release_status row at all.
        if facts.online || facts.online_released_at.is_some() || facts.gray_status.is_some() {
            add_release_status(
                &mut *tx,
                &appid(i),
                facts.online,
                facts.online_released_at,
                facts.gray_status,
            )
            .await;
        }
    }
    tx.commit().await.unwrap();
    let mut checked = 0;
    for (i, facts) in cases.iter().enumerate() {
        let (stored, _) = state_in(&app, "release_facts", &appid(i)).await;
        assert_eq!(stored, release_state(facts), "{facts:?}");
        let (computed, _) = state_in(&app, "release_facts_of", &appid(i)).await;
        assert_eq!(computed, stored, "{facts:?}");
        checked += 1;
    }
    assert_eq!(checked, 240);
}

/// The stored state and template after each step of a release, written in the order the
/// console writes them (its own writers where they take a time).
#[tokio::test]
async fn the_stored_release_state_follows_the_release_steps() {
    use app::db::code_audits::{record_result, APPROVED, AUDITING, REJECTED};
    use app::db::release_status::{record_release, set_gray, Released};
    let app = spawn_app_with(&[]).await;
    let appid = "wxstatesteps";
    let expect = |step: &'static str, state: &'static str, template: Option<i64>| {
        let app = &app;
        async move {
            let stored = state_in(app, "release_facts", appid).await;
            assert_eq!(stored, (state.to_owned(), template), "after {step}");
            let computed = state_in(app, "release_facts_of", appid).await;
            assert_eq!(computed, stored, "after {step}");
            let online = online_in(app, "release_facts", appid).await;
            assert_eq!(
                online,
                online_in(app, "release_facts_of", appid).await,
                "after {step}"
            );
            kept_counts_agree(app, step).await;
        }
    };
    let commit = |template_id: i64, version: &'static str, at: i64| {
        let app = &app;
        async move {
            let c = db::code_commits::NewCommit {
                appid,
                template_id,
                user_version: version,
                user_desc: "d",
                ext_json: "{}",
                committed_by: None,
                committed_by_name: "admin",
            };
            db::code_commits::insert(&app.db, &c, at).await.unwrap();
        }
    };
    let release = |version: &'static str, template_id: i64, at: i64| {
        let app = &app;
        async move {
            let r = Released {
                version,
                desc: "d",
                template_id: Some(template_id),
                commit_id: None,
            };
            record_release(&app.db, appid, &r, at).await.unwrap();
        }
    };

    add_mini_program(&app.db.pool, appid).await;
    expect("the registration", "never", None).await;
    commit(41, "4.0.0", 1000).await;
    expect("a commit", "never", Some(41)).await;
    add_audit(&app.db.pool, appid, 901, AUDITING, 1100, None).await;
    expect("a submission", "auditing", Some(41)).await;
    let recorded = record_result(&app.db, appid, 901, APPROVED, None, None, "push", 1200).await;
    assert!(recorded.unwrap());
    expect("the approval", "approved", Some(41)).await;
    release("4.0.0", 41, 1300).await;
    expect("the release", "online", Some(41)).await;
    set_gray(&app.db, appid, Some((1, 20)), 1400).await.unwrap();
    expect("a gray plan", "gray", Some(41)).await;
    // A wider gray: only the percentage changes, and the fleet's row shows it.
    set_gray(&app.db, appid, Some((1, 50)), 1450).await.unwrap();
    expect("a wider gray", "gray", Some(41)).await;
    let online = online_in(&app, "release_facts", appid).await;
    assert_eq!(online, (Some("4.0.0".to_owned()), Some(1300), Some(50)));
    let staff = app.signed_in(ADMIN).await;
    let view = app
        .call_ok(&staff, "releases/fleet", query(json!({"state": "gray"})))
        .await;
    let row = view["items"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["appid"] == appid))
        .cloned()
        .unwrap_or_default();
    assert_eq!(row["gray_percentage"], 50, "{view}");
    assert_eq!(row["online_version"], "4.0.0", "{view}");
    set_gray(&app.db, appid, Some((3, 20)), 1500).await.unwrap();
    expect("the gray plan's end", "online", Some(41)).await;
    // A commit of another template: the fleet shows the template online until it is released.
    commit(42, "4.1.0", 1600).await;
    expect("a commit of template 42", "online", Some(41)).await;
    add_audit(&app.db.pool, appid, 902, AUDITING, 1700, None).await;
    expect("a second submission", "auditing", Some(41)).await;
    let reason = Some("名称不符");
    let recorded = record_result(&app.db, appid, 902, REJECTED, reason, None, "push", 1800).await;
    assert!(recorded.unwrap());
    expect("the rejection", "rejected", Some(41)).await;
    add_audit(&app.db.pool, appid, 903, AUDITING, 1900, None).await;
    let recorded = record_result(&app.db, appid, 903, APPROVED, None, None, "poll", 2000).await;
    assert!(recorded.unwrap());
    expect("a third submission's approval", "approved", Some(41)).await;
    release("4.1.0", 42, 2100).await;
    expect("the release of template 42", "online", Some(42)).await;
    // Folded (PostgreSQL appends each change): the same counts, one row per state.
    db::kept_counts::fold_all(&app.db).await.unwrap();
    kept_counts_agree(&app, "the fold").await;
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM release_state_counts")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(rows <= STATES.len() as i64, "{rows} rows after the fold");

    // And the fleet view reads them: filtered by template and by state.
    let admin = app.signed_in(ADMIN).await;
    let view = app
        .call_ok(
            &admin,
            "releases/fleet",
            query(json!({"template_id": 42, "state": "online"})),
        )
        .await;
    assert!(appids(&view).contains(&appid.to_owned()), "{view}");
    assert!(count(&view, "online") >= 1);
}

#[tokio::test]
async fn merchants_see_their_own_mini_programs_only() {
    let app = fleet_app().await;
    let merchant = app.signed_in(MERCHANT).await;
    let mine = app
        .call_ok(&merchant, "releases/fleet", query(json!({})))
        .await;
    assert_eq!(mine["total"], json!(15));
    assert_eq!(counted(&mine), 15);
    assert_eq!(count(&mine, "gray"), 1);
    assert_eq!(count(&mine, "auditing"), 0);
    // Asking for another merchant's mini programs gives nothing.
    let merchant2_id: i64 =
        sqlx::query_scalar("SELECT merchant_id FROM mini_programs WHERE appid = $1")
            .bind(demo_appid(1))
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let theirs = app
        .call_ok(
            &merchant,
            "releases/fleet",
            query(json!({"merchant_id": merchant2_id})),
        )
        .await;
    assert_eq!(theirs["total"], json!(0));
    let other = app.signed_in(MERCHANT2).await;
    let auditing = app
        .call_ok(
            &other,
            "releases/fleet",
            query(json!({"state": "auditing"})),
        )
        .await;
    assert_eq!(appids(&auditing), vec![demo_appid(1)]);
    // Without a session: refused.
    let res = app
        .call(&client(), "releases/fleet", query(json!({})))
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_csv_export_has_the_same_filters_scope_and_proper_quoting() {
    let app = fleet_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .get(app.url("/releases/export.csv?state=rejected"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let bytes = res.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("AppID,小程序,商户,发布状态"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with(&format!("{},", demo_appid(2))));
    assert!(
        lines[1].contains("\"含有,逗号和\"\"引号\"\"\""),
        "quoted: {}",
        lines[1]
    );
    assert!(lines[1].contains(",rejected,"));

    // English headers with the language cookie; all 60 rows without filters.
    let set = admin
        .post(app.url("/api/locale"))
        .form(&[("locale", "en")])
        .send()
        .await
        .unwrap();
    assert!(set.status().is_success() || set.status().is_redirection());
    let res = admin
        .get(app.url("/releases/export.csv"))
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(text
        .trim_start_matches('\u{feff}')
        .starts_with("AppID,Mini program"));
    assert_eq!(text.split("\r\n").filter(|l| !l.is_empty()).count(), 61);

    // A merchant's export holds its own mini programs only, whatever the URL asks.
    let merchant = app.signed_in(MERCHANT).await;
    let text = merchant
        .get(app.url("/releases/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.split("\r\n").filter(|l| !l.is_empty()).count(), 16);
    assert!(!text.contains(&demo_appid(1)) && !text.contains(&demo_appid(2)));
    let text = merchant
        .get(app.url("/releases/export.csv?state=rejected"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text.split("\r\n").filter(|l| !l.is_empty()).count(), 1);

    // Not signed in: 401, no data.
    let res = client()
        .get(app.url("/releases/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(!res.text().await.unwrap().contains(&demo_appid(0)));
}

#[tokio::test]
async fn the_fleet_page_renders_on_the_server_with_chart_and_filters() {
    let app = fleet_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = admin
        .get(app.url("/releases?state=rejected"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"fleet-chart\""));
    assert!(html.contains(&demo_appid(2)));
    assert!(!html.contains(&format!("data-appid=\"{}\"", demo_appid(0))));
    assert!(html.contains("/releases/export.csv?state=rejected"));
    // Pages need a session.
    let res = client().get(app.url("/releases")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let res = client()
        .get(app.url("/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
}

/// A `release_facts` row without its appid.
type FactsRow = (
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
);

/// The row `release_facts` holds for `appid` and the one `release_facts_of` computes now.
async fn stored_and_computed(app: &TestApp, appid: &str) -> (String, String) {
    let row = |table: &'static str| {
        let pool = app.db.pool.clone();
        let appid = appid.to_owned();
        async move {
            let r: FactsRow =
                sqlx::query_as(&format!(
                    "SELECT commit_template_id, audit_id, audit_version, audit_status, \
                     audit_submitted_at, audit_finished_at, last_rejection FROM {table} WHERE appid = $1"
                ))
                .bind(appid)
                .fetch_one(&pool)
                .await
                .unwrap();
            format!("{r:?}")
        }
    };
    (row("release_facts").await, row("release_facts_of").await)
}

#[tokio::test]
async fn the_stored_release_facts_follow_every_change_of_their_sources() {
    let app = fleet_app().await;
    let appid = demo_appid(3);
    let pool = app.db.pool.clone();
    let run = |sql: &'static str| {
        let pool = pool.clone();
        let appid = appid.clone();
        async move {
            sqlx::query(sql)
                .bind(appid)
                .execute(&pool)
                .await
                .expect(sql);
        }
    };
    let check = |step: &'static str| {
        let app = &app;
        let appid = appid.clone();
        async move {
            let (stored, computed) = stored_and_computed(app, &appid).await;
            assert_eq!(stored, computed, "after {step}");
            stored
        }
    };
    assert_eq!(
        check("the fleet's start").await,
        "(None, None, None, None, None, None, None)"
    );
    run(
        "INSERT INTO code_commits (appid, template_id, user_version, user_desc, ext_json, \
         committed_by_name, committed_at) VALUES ($1, 41, '4.0.0', 'd', '{}', 'admin', 1000)",
    )
    .await;
    assert!(check("a commit").await.starts_with("(Some(41), None"));
    run(
        "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, \
         submitted_by_name, submitted_at) VALUES ($1, 901, '4.0.0', '[]', 2, 'admin', 1100)",
    )
    .await;
    assert!(check("a submission")
        .await
        .contains("Some(\"4.0.0\"), Some(2), Some(1100), None, None)"));
    run(
        "UPDATE code_audits SET status = 1, reason = '名称不符', finished_at = 1200 \
         WHERE appid = $1 AND auditid = 901",
    )
    .await;
    assert!(check("a rejection")
        .await
        .ends_with("Some(1), Some(1100), Some(1200), Some(\"名称不符\"))"));
    // Polling and leases write other columns: the facts stay as they were.
    run("UPDATE code_audits SET poll_attempts = poll_attempts + 1, lease_owner = 'x' WHERE appid = $1")
        .await;
    check("a poll").await;
    run(
        "INSERT INTO code_commits (appid, template_id, user_version, user_desc, ext_json, \
         committed_by_name, committed_at) VALUES ($1, 42, '4.0.1', 'd', '{}', 'admin', 1300)",
    )
    .await;
    // As the console records a submission: an upsert (in SQLite its conflict clause also
    // governs the statements of the triggers it fires).
    run(
        "INSERT INTO code_audits (appid, auditid, user_version, item_list, status, \
         submitted_by_name, submitted_at) VALUES ($1, 902, '4.0.1', '[]', 2, 'admin', 1400) \
         ON CONFLICT (appid, auditid) DO UPDATE SET user_version = excluded.user_version",
    )
    .await;
    let resubmitted = check("a second submission").await;
    assert!(resubmitted.starts_with("(Some(42)"), "{resubmitted}");
    // The newest audit is in review, the last rejection is still the first one's.
    assert!(
        resubmitted.ends_with("Some(2), Some(1400), None, Some(\"名称不符\"))"),
        "{resubmitted}"
    );
    run("UPDATE code_audits SET status = 0, finished_at = 1500 WHERE appid = $1 AND auditid = 902")
        .await;
    check("an approval").await;
    run("DELETE FROM code_audits WHERE appid = $1 AND auditid = 902").await;
    assert!(check("a deleted audit")
        .await
        .contains("Some(\"4.0.0\"), Some(1)"));
    run("DELETE FROM code_commits WHERE appid = $1 AND template_id = 42").await;
    assert!(check("a deleted commit").await.starts_with("(Some(41)"));

    // And the fleet view reads them: rejected, with its reason.
    let admin = app.signed_in(ADMIN).await;
    let view = app
        .call_ok(
            &admin,
            "releases/fleet",
            query(json!({"state": "rejected"})),
        )
        .await;
    assert!(appids(&view).contains(&appid), "{view}");
    let row = view["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["appid"] == json!(appid))
        .unwrap();
    assert_eq!(row["last_rejection"], "名称不符");
    assert_eq!(row["template_id"], 41);
    assert_eq!(view["total"], count(&view, "rejected"));
}
