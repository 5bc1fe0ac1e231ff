//! The session and its user in one query (issue 16): the store reads the signed-in user with
//! the session, never stores it, and hands it over only for the user the session names, so
//! what a session may do is decided on the user as the database has it now.

use crate::helpers::*;
use crate::notification_marks::bell_count;
use app::db::session_store::{DbSessionStore, UNREAD_KEY, USER_ROW_KEY};
use serde_json::{json, Value};
use std::str::FromStr;
use tower_sessions::session::Id;
use tower_sessions::session_store::SessionStore;

/// The one stored session: (id, data as stored, user_id column).
async fn stored(app: &TestApp) -> (String, String, Option<i64>) {
    sqlx::query_as("SELECT id, data, user_id FROM sessions")
        .fetch_one(&app.db.pool)
        .await
        .expect("one session")
}

async fn me(app: &TestApp, client: &reqwest::Client) -> Value {
    app.call_ok(client, "auth/me", json!({})).await
}

#[tokio::test]
async fn a_session_is_loaded_with_its_user_and_stored_without_it() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    let operator = user_id_of(&app, OPERATOR.0).await;
    let (id, data, column) = stored(&app).await;
    assert_eq!(column, Some(operator));
    assert!(
        !data.contains(USER_ROW_KEY),
        "stored without the user row: {data}"
    );

    // What the store hands over: the user as joined, no password hash.
    let store = DbSessionStore::new(app.db.clone());
    let record = store
        .load(&Id::from_str(&id).expect("a session id"))
        .await
        .expect("load")
        .expect("the session");
    let row = &record.data[USER_ROW_KEY];
    assert_eq!(row["id"], json!(operator));
    assert_eq!(row["username"], json!("operator"));
    assert_eq!(row["role"], json!("operator"));
    assert!(row.get("password_hash").is_none(), "{row}");
    // And the user's kept unread count, for the page's bell.
    let kept = app::db::notifications::unread_count(&app.db, operator)
        .await
        .expect("kept count");
    assert_eq!(record.data[UNREAD_KEY], json!(kept));

    // Saving it back (as a request that changed the session would) stores neither.
    store.save(&record).await.expect("save");
    let (_, data, column) = stored(&app).await;
    assert!(!data.contains(USER_ROW_KEY), "{data}");
    assert!(!data.contains(UNREAD_KEY), "{data}");
    assert_eq!(column, Some(operator));

    // The user is read again with every request: a change shows at once.
    sqlx::query("UPDATE users SET display_name = 'Renamed operator' WHERE id = $1")
        .bind(operator)
        .execute(&app.db.pool)
        .await
        .expect("rename");
    assert_eq!(
        me(&app, &c).await["display_name"],
        json!("Renamed operator")
    );
    let page = body(c.get(app.url("/apps")).send().await.expect("page")).await;
    assert!(page.contains("Renamed operator"));
    // And disabling ends the session on the next request.
    sqlx::query("UPDATE users SET disabled = 1 WHERE id = $1")
        .bind(operator)
        .execute(&app.db.pool)
        .await
        .expect("disable");
    assert_eq!(me(&app, &c).await, Value::Null);
    let res = c.get(app.url("/apps")).send().await.expect("page");
    assert_eq!(res.status(), 303);
}

#[tokio::test]
async fn a_session_without_its_user_column_still_finds_its_user() {
    let app = spawn_app().await;
    let c = app.signed_in(OPERATOR).await;
    // A session saved before the column existed.
    sqlx::query("UPDATE sessions SET user_id = NULL")
        .execute(&app.db.pool)
        .await
        .expect("clear");
    assert_eq!(me(&app, &c).await["username"], json!("operator"));
    let res = c.get(app.url("/apps")).send().await.expect("page");
    assert_eq!(res.status(), 200);
}

/// The joined row counts only for the user the session's data names, and a user row or an
/// unread count found in the stored data (which the store never writes) is dropped on load.
#[tokio::test]
async fn only_the_user_the_session_names_is_taken_from_the_join() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let merchant = user_id_of(&app, MERCHANT.0).await;
    let admin = user_id_of(&app, ADMIN.0).await;
    let (_, data, _) = stored(&app).await;
    // Edited as text: a JSON round trip would turn the 128-bit session id into a float.
    let forged = json!({
        "id": merchant, "username": "merchant", "display_name": "forged", "role": "admin",
        "merchant_id": null, "merchant_name": null, "disabled": 0, "auth_version": 0
    });
    assert!(data.contains(r#""data":{"#), "{data}");
    let data = data.replacen(
        r#""data":{"#,
        &format!(r#""data":{{"{USER_ROW_KEY}":{forged},"{UNREAD_KEY}":42,"#),
        1,
    );
    // The column names another user than the data does.
    sqlx::query("UPDATE sessions SET data = $1, user_id = $2")
        .bind(data)
        .bind(admin)
        .execute(&app.db.pool)
        .await
        .expect("tamper");
    let who = me(&app, &c).await;
    assert_eq!(who["username"], json!("merchant"), "{who}");
    assert_eq!(who["role"], json!("Merchant"), "{who}");
    assert_ne!(who["display_name"], json!("forged"), "{who}");
    // The bell counts the merchant's own notifications, not the forged count nor the admin's.
    let page = body(c.get(app.url("/apps")).send().await.expect("page")).await;
    let own = app::db::notifications::unread_count(&app.db, merchant)
        .await
        .expect("kept count");
    assert_ne!(own, 42);
    assert_eq!(bell_count(&page), own);
}

/// Signing in as someone else within a session: the new user from that request on.
#[tokio::test]
async fn signing_in_again_as_another_user_switches_the_user() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    assert_eq!(me(&app, &c).await["username"], json!("merchant"));
    assert_eq!(app.login(&c, ADMIN).await.status(), 200);
    assert_eq!(me(&app, &c).await["username"], json!("admin"));
    let admin = user_id_of(&app, ADMIN.0).await;
    let (_, _, column) = stored(&app).await;
    assert_eq!(column, Some(admin));
    // The bell is the admin's too.
    let page = body(c.get(app.url("/apps")).send().await.expect("page")).await;
    let kept = app::db::notifications::unread_count(&app.db, admin)
        .await
        .expect("kept count");
    assert_eq!(bell_count(&page), kept);
}
