//! "Mark all read" as a per-user mark (issue 16): the unread count and the marking stay
//! bounded however many notifications pile up, what arrives after the mark is unread, and a
//! notification still being written when the mark moves is never skipped. Each test uses
//! merchants of its own, so the demo's audits (which notify too) cannot change its counts.

use crate::helpers::{body, spawn_app, user_id_of, TestApp, MERCHANT, OPERATOR};
use crate::statements;
use app::db;
use app::db::notifications::{self, NewNotification};
use app::db::users::NewUserRecord;
use app::domain::auth::Role;
use app::domain::notifications::{NotificationFilter, UNREAD_COUNT_CAP};
use app::services::demo::demo_appid;
use serde_json::json;
use std::time::Duration;

/// A merchant of this test and one merchant user of it: (merchant id, user id).
async fn merchant_user(app: &TestApp, name: &str) -> (i64, i64) {
    let merchant = db::merchants::insert(&app.db, name, db::now())
        .await
        .expect("merchant");
    let user = db::users::insert(
        &app.db,
        &NewUserRecord {
            username: name,
            display_name: name,
            password_hash: "not-a-hash",
            role: Role::Merchant,
            merchant_id: Some(merchant),
        },
        db::now(),
    )
    .await
    .expect("user");
    (merchant, user)
}

async fn notify(app: &TestApp, merchant: i64, key: &str) -> i64 {
    notifications::insert_once(
        &app.db,
        &NewNotification {
            merchant_id: Some(merchant),
            appid: None,
            kind: "audit_approved",
            params: "{}",
            link: None,
            dedupe_key: key,
        },
        db::now(),
    )
    .await
    .expect("insert")
    .expect("new")
}

/// Inserts a notification in a transaction left open: it has its id but is not committed.
async fn insert_uncommitted(
    app: &TestApp,
    merchant: i64,
    key: &str,
) -> sqlx::Transaction<'static, sqlx::Any> {
    let mut tx = app.db.pool.begin().await.expect("begin");
    sqlx::query(
        "INSERT INTO notifications (created_at, merchant_id, kind, params, dedupe_key) \
         VALUES ($1, $2, 'audit_approved', '{}', $3)",
    )
    .bind(db::now())
    .bind(merchant)
    .bind(key)
    .execute(&mut *tx)
    .await
    .expect("uncommitted insert");
    tx
}

/// The bell's count (the kept one, migration 0025), checked against a count of the user's
/// unread list: they must agree up to the cap.
async fn unread(app: &TestApp, merchant: i64, user: i64) -> i64 {
    let kept = notifications::unread_count(&app.db, user)
        .await
        .expect("unread");
    let listed = listed(app, merchant, user, true).await.0;
    assert_eq!(
        kept,
        listed.min(UNREAD_COUNT_CAP),
        "kept count against the list"
    );
    kept
}

/// (total, ids read) of the user's whole list, or only the unread ones.
async fn listed(app: &TestApp, merchant: i64, user: i64, unread_only: bool) -> (i64, Vec<i64>) {
    let filter = NotificationFilter {
        unread_only,
        ..NotificationFilter::default()
    };
    let (rows, total) = notifications::list(&app.db, Some(merchant), user, &filter, 500, 0)
        .await
        .expect("list");
    let read = rows
        .iter()
        .filter(|r| r.read_at.is_some())
        .map(|r| r.id)
        .collect();
    (total, read)
}

async fn reads_stored(app: &TestApp, user: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notification_reads WHERE user_id = $1")
        .bind(user)
        .fetch_one(&app.db.pool)
        .await
        .expect("reads")
}

#[tokio::test]
async fn the_mark_reads_everything_before_it_in_one_row_and_what_comes_after_is_unread() {
    let app = spawn_app().await;
    let (m, user) = merchant_user(&app, "marks-a").await;
    let (other_m, other) = merchant_user(&app, "marks-b").await;
    let mut ids = Vec::new();
    for i in 0..150 {
        ids.push(notify(&app, m, &format!("marks-a-{i}")).await);
    }
    notify(&app, other_m, "marks-b-0").await;

    // The bell counts to the cap and no further.
    assert_eq!(unread(&app, m, user).await, UNREAD_COUNT_CAP);
    // One read by hand is stored as such and counted.
    assert!(
        notifications::mark_read(&app.db, Some(m), user, ids[0], db::now())
            .await
            .expect("read one")
    );
    assert_eq!(reads_stored(&app, user).await, 1);
    assert_eq!(listed(&app, m, user, true).await.0, 149);

    // Marking all: the 149 still unread, one mark, and no read row per notification.
    assert_eq!(
        notifications::mark_all_read(&app.db, Some(m), user, db::now())
            .await
            .expect("mark all"),
        149
    );
    assert_eq!(reads_stored(&app, user).await, 0);
    assert_eq!(unread(&app, m, user).await, 0);
    let (total, read) = listed(&app, m, user, false).await;
    assert_eq!((total, read.len()), (150, 150));
    assert_eq!(listed(&app, m, user, true).await, (0, vec![]));
    // Marking again marks nothing.
    assert_eq!(
        notifications::mark_all_read(&app.db, Some(m), user, db::now())
            .await
            .expect("mark again"),
        0
    );

    // What arrives afterwards is unread, in the count, the list and the unread filter.
    let late = notify(&app, m, "marks-a-late").await;
    assert_eq!(unread(&app, m, user).await, 1);
    let (total, read) = listed(&app, m, user, false).await;
    assert_eq!(total, 151);
    assert!(!read.contains(&late));
    let (unread_total, _) = listed(&app, m, user, true).await;
    assert_eq!(unread_total, 1);
    // Read one by one above the mark.
    assert!(
        notifications::mark_read(&app.db, Some(m), user, late, db::now())
            .await
            .expect("read late")
    );
    assert_eq!(unread(&app, m, user).await, 0);

    // The other merchant's user has a mark of its own: untouched.
    assert_eq!(unread(&app, other_m, other).await, 1);
    // And a merchant's mark cannot make anything of another merchant read for it.
    assert_eq!(
        listed(&app, other_m, other, false).await.1,
        Vec::<i64>::new()
    );
}

/// The bell's count is kept by triggers (migration 0025) rather than counted on every page: it
/// follows reads one by one and undone, users added after the notifications, notifications
/// removed, a user moved to another merchant, and the mark; `unread` checks each against the
/// user's unread list.
#[tokio::test]
async fn the_kept_count_follows_every_change_to_what_a_user_has_unread() {
    let app = spawn_app().await;
    let (a, user) = merchant_user(&app, "kept-a").await;
    let (b, _) = merchant_user(&app, "kept-b").await;
    let mut of_a = Vec::new();
    for i in 0..5 {
        of_a.push(notify(&app, a, &format!("kept-a-{i}")).await);
    }
    for i in 0..3 {
        notify(&app, b, &format!("kept-b-{i}")).await;
    }
    assert_eq!(unread(&app, a, user).await, 5);

    // Read one by one, the same one twice: one fewer.
    for _ in 0..2 {
        assert!(
            notifications::mark_read(&app.db, Some(a), user, of_a[0], db::now())
                .await
                .expect("read")
        );
    }
    assert_eq!(unread(&app, a, user).await, 4);
    // Another merchant's notification cannot be read by this user, nor change its count.
    let of_b = notify(&app, b, "kept-b-3").await;
    assert!(
        !notifications::mark_read(&app.db, Some(a), user, of_b, db::now())
            .await
            .expect("refused")
    );
    assert_eq!(unread(&app, a, user).await, 4);
    // A read undone.
    sqlx::query("DELETE FROM notification_reads WHERE user_id = $1 AND notification_id = $2")
        .bind(user)
        .bind(of_a[0])
        .execute(&app.db.pool)
        .await
        .expect("undo the read");
    assert_eq!(unread(&app, a, user).await, 5);
    assert!(
        notifications::mark_read(&app.db, Some(a), user, of_a[1], db::now())
            .await
            .expect("read")
    );
    assert_eq!(unread(&app, a, user).await, 4);

    // A user added after the notifications has every one of its merchant's unread.
    let late = db::users::insert(
        &app.db,
        &NewUserRecord {
            username: "kept-a-late",
            display_name: "kept-a-late",
            password_hash: "not-a-hash",
            role: Role::Merchant,
            merchant_id: Some(a),
        },
        db::now(),
    )
    .await
    .expect("user");
    assert_eq!(unread(&app, a, late).await, 5);

    // A notification removed: gone from the count of whoever had it unread.
    sqlx::query("DELETE FROM notifications WHERE id = $1")
        .bind(of_a[2])
        .execute(&app.db.pool)
        .await
        .expect("remove");
    assert_eq!(unread(&app, a, user).await, 3);
    assert_eq!(unread(&app, a, late).await, 4);

    // Moved to the other merchant: counted again over what the user may see now.
    assert!(db::users::set_role(&app.db, user, Role::Merchant, Some(b))
        .await
        .expect("move"));
    assert_eq!(unread(&app, b, user).await, 4);
    assert_eq!(
        notifications::mark_all_read(&app.db, Some(b), user, db::now())
            .await
            .expect("mark all"),
        4
    );
    assert_eq!(unread(&app, b, user).await, 0);
    notify(&app, b, "kept-b-after").await;
    assert_eq!(unread(&app, b, user).await, 1);
    // And back: the mark covers the first merchant's older notifications too.
    assert!(db::users::set_role(&app.db, user, Role::Merchant, Some(a))
        .await
        .expect("back"));
    assert_eq!(unread(&app, a, user).await, 0);
    notify(&app, a, "kept-a-after").await;
    assert_eq!(unread(&app, a, user).await, 1);
    assert_eq!(unread(&app, a, late).await, 5);
}

/// A notification whose insert has taken its id but not committed while the mark moves past
/// newer ones must not end up below the mark unseen: either the mark waits for it (and
/// counts it as marked) or it stays unread.
#[tokio::test]
async fn a_notification_being_written_while_all_are_marked_is_never_lost() {
    let app = spawn_app().await;
    let (m, user) = merchant_user(&app, "marks-race").await;
    for i in 0..3 {
        notify(&app, m, &format!("marks-race-{i}")).await;
    }
    // An insert that has its id and stays uncommitted for a while.
    let slow = insert_uncommitted(&app, m, "marks-race-slow").await;
    // A newer one commits meanwhile: PostgreSQL lets it (its id is above the slow one's);
    // SQLite has one writer, so it waits for the slow one.
    let newer = {
        let app_db = app.db.clone();
        tokio::spawn(async move {
            notifications::insert_once(
                &app_db,
                &NewNotification {
                    merchant_id: Some(m),
                    appid: None,
                    kind: "audit_approved",
                    params: "{}",
                    link: None,
                    dedupe_key: "marks-race-newer",
                },
                db::now(),
            )
            .await
        })
    };
    // Both wait on the kept counts of the users who may see them (migration 0025), on
    // PostgreSQL too: the newer insert cannot commit before the slow one any more.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let marking = {
        let app_db = app.db.clone();
        tokio::spawn(async move {
            notifications::mark_all_read(&app_db, Some(m), user, db::now()).await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    slow.commit().await.expect("commit slow");
    let marked = marking.await.expect("join").expect("mark all");
    newer.await.expect("join").expect("newer insert");

    let (total, read) = listed(&app, m, user, false).await;
    let still_unread = unread(&app, m, user).await;
    assert_eq!(total, 5);
    assert_eq!(
        i64::try_from(marked).expect("count") + still_unread,
        total,
        "every notification was either marked (and counted) or is still unread; read {read:?}"
    );
    assert_eq!(read.len() as i64, total - still_unread);
}

/// The bell on a page, as a merchant with more notifications than it counts.
#[tokio::test]
async fn the_bell_says_99_plus_beyond_the_cap_and_mark_all_clears_it() {
    let app = spawn_app().await;
    let merchant = db::users::find_by_username(&app.db, MERCHANT.0)
        .await
        .expect("user")
        .and_then(|u| u.merchant_id)
        .expect("a merchant user");
    for i in 0..UNREAD_COUNT_CAP + 20 {
        notify(&app, merchant, &format!("bell-{i}")).await;
    }
    let client = app.signed_in(MERCHANT).await;
    let page = body(client.get(app.url("/apps")).send().await.expect("page")).await;
    let bell = page
        .find(r#"data-testid="bell""#)
        .map(|at| &page[at..(at + 1200).min(page.len())])
        .unwrap_or_default();
    assert!(
        bell.contains(r#"class="bell-count">99+<"#),
        "the bell shows 99+: {bell}"
    );
    assert!(page.contains(r#"title="99+ 条未读通知""#));
    assert_eq!(
        app.call_ok(&client, "notifications/unread", json!({}))
            .await,
        json!(UNREAD_COUNT_CAP)
    );
    let marked = app
        .call_ok(&client, "notifications/read_all", json!({}))
        .await
        .as_i64()
        .expect("a count");
    assert!(marked >= UNREAD_COUNT_CAP + 20, "marked {marked}");
    // The demo's audits may notify again meanwhile, but not a hundred times.
    let page = body(client.get(app.url("/apps")).send().await.expect("page")).await;
    assert!(!page.contains("99+"));
}

/// Several tabs of one user marking all at once: each notification is counted by exactly one
/// of them, whether the user's mark exists yet or not. The markings are held behind an
/// uncommitted notification so that they all start together when it commits.
#[tokio::test]
async fn parallel_markings_by_one_user_count_each_notification_once() {
    let app = spawn_app().await;
    let (m, user) = merchant_user(&app, "marks-tabs").await;
    for round in 0..2 {
        for i in 0..40 {
            notify(&app, m, &format!("marks-tabs-{round}-{i}")).await;
        }
        let held = insert_uncommitted(&app, m, &format!("marks-tabs-{round}-held")).await;
        // The 40 and the held one.
        let expected: u64 = 41;
        let tabs: Vec<_> = (0..4)
            .map(|_| {
                let app_db = app.db.clone();
                tokio::spawn(async move {
                    notifications::mark_all_read(&app_db, Some(m), user, db::now()).await
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(300)).await;
        held.commit().await.expect("commit held");
        let mut counts = Vec::new();
        for tab in tabs {
            counts.push(tab.await.expect("join").expect("mark all"));
        }
        assert_eq!(
            counts.iter().sum::<u64>(),
            expected,
            "round {round} (the mark {}): counts {counts:?}",
            if round == 0 { "new" } else { "existing" }
        );
        assert_eq!(unread(&app, m, user).await, 0);
    }
}

/// The `data-unread` the page's bell was rendered with.
pub(crate) fn bell_count(page: &str) -> i64 {
    let (_, rest) = page
        .split_once("data-unread=\"")
        .unwrap_or_else(|| panic!("no bell on the page: {page}"));
    rest.split('"')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a count")
}

/// The layout renders the user and the bell's count from what the page guard looked up (issue
/// 16), on the islands bundle's pages and on the console's: the count follows what arrives and
/// what is marked read, and the console's page hands both to the hydrating browser.
#[tokio::test]
async fn pages_are_rendered_with_the_signed_in_user_and_their_unread_count() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let me = app.call_ok(&c, "auth/me", json!({})).await;
    let merchant = me["merchant_id"].as_i64().expect("a merchant user");
    let name = me["display_name"].as_str().expect("a name").to_string();
    let counted = || async {
        app.call_ok(&c, "notifications/unread", json!({}))
            .await
            .as_i64()
            .expect("a count")
    };
    let page = |path: &'static str| {
        let c = c.clone();
        let url = app.url(path);
        async move { body(c.get(url).send().await.expect("page")).await }
    };

    let before = counted().await;
    notify(&app, merchant, "bell-1").await;
    notify(&app, merchant, "bell-2").await;
    assert_eq!(counted().await, before + 2);
    // `/apps` loads the islands bundle, `/message-sets` the console's.
    for path in ["/apps", "/message-sets"] {
        let html = page(path).await;
        assert_eq!(bell_count(&html), before + 2, "{path}");
        assert!(
            html.contains(&format!("data-testid=\"current-user\">{name}<")),
            "{path}: {html}"
        );
    }
    // The console's page carries whom it was rendered for in its hydration data.
    let console = page("/message-sets").await;
    let (_, data) = console
        .split_once("__RESOLVED_RESOURCES")
        .expect("hydration data");
    // JSON inside a JavaScript string: its quotes are escaped.
    let field = format!(r#"\"display_name\":\"{name}\""#);
    assert!(data.contains(&field), "{data}");

    app.call_ok(&c, "notifications/read_all", json!({})).await;
    for path in ["/apps", "/message-sets"] {
        assert_eq!(bell_count(&page(path).await), 0, "{path}");
    }
}

/// The bell's count comes with the session (issue 16): a page runs no statement of its own
/// for it, only the session's load reads the kept count. The files served under a mini
/// program's pages (the release page's experience QR code, fetched with every view of that
/// page, and the QR-jump rules' verification file) pass the same sign-in guard and count
/// nothing either.
#[tokio::test]
async fn the_bell_is_read_with_the_session() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let appid = demo_appid(0);
    let reading_unread = |path: &str| {
        let ran = statements::ran_for(path);
        assert!(!ran.is_empty(), "{path}: no statements recorded");
        ran.into_iter()
            .filter(|sql| sql.contains("notification"))
            .collect::<Vec<_>>()
    };

    let page = format!("/apps/{appid}/release");
    statements::watch(&page);
    let res = c.get(app.url(&page)).send().await.expect("page");
    assert_eq!(res.status(), 200);
    let read = reading_unread(&page);
    assert_eq!(read.len(), 1, "{read:?}");
    assert!(
        read[0].contains("FROM sessions") && read[0].contains("notification_unread"),
        "{read:?}"
    );
    let kept = app::db::notifications::unread_count(&app.db, user_id_of(&app, OPERATOR.0).await)
        .await
        .expect("kept count");
    assert_eq!(bell_count(&body(res).await), kept);

    for file in [
        format!("/apps/{appid}/release/qrcode.jpg"),
        format!("/apps/{appid}/qrcode-rules/verify-file"),
    ] {
        statements::watch(&file);
        let res = c.get(app.url(&file)).send().await.expect("file");
        assert!(!res.status().is_redirection(), "{file}: {}", res.status());
        let read = reading_unread(&file);
        assert!(
            read.iter().all(|sql| sql.contains("FROM sessions")),
            "{file}: {read:?}"
        );
    }
}
