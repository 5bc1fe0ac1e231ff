use crate::helpers::*;
use app::services::demo::demo_appid;
use serde_json::{json, Value};

async fn user_id(app: &TestApp, admin: &reqwest::Client, name: &str) -> Value {
    let users = app.call_ok(admin, "users/list", json!({})).await;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == name)
        .expect("user exists")["id"]
        .clone()
}

#[tokio::test]
async fn only_admins_manage_users_and_merchants() {
    let app = spawn_app().await;
    for who in [OPERATOR, MERCHANT] {
        let c = app.signed_in(who).await;
        assert_eq!(app.call(&c, "users/list", json!({})).await.status(), 403);
        let new = json!({"user": {"username": "x1x", "display_name": "x", "role": "admin", "merchant_id": null, "password": "long-enough-pass"}});
        assert_eq!(app.call(&c, "users/create", new).await.status(), 403);
        assert_eq!(
            app.call(&c, "merchants/create", json!({"name": "m"}))
                .await
                .status(),
            403
        );
        assert_eq!(
            app.call(
                &c,
                "merchants/assign",
                json!({"merchant_id": 1, "appids": demo_appid(1)})
            )
            .await
            .status(),
            403
        );
        // The admin pages themselves say so.
        let html = body(c.get(app.url("/admin/users")).send().await.unwrap()).await;
        assert!(html.contains("data-testid=\"users-error\""));
    }
}

#[tokio::test]
async fn creating_users_checks_every_field() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let bad = json!({"user": {"username": "No Spaces", "display_name": "", "role": "merchant", "merchant_id": null, "password": "short"}});
    let res = app.call(&admin, "users/create", bad).await;
    assert_eq!(res.status(), 422);
    let text = body(res).await;
    for field in ["username", "display_name", "merchant_id", "password"] {
        assert!(
            text.contains(&format!("\"field\":\"{field}\"")),
            "{field} in {text}"
        );
    }
    let dup = json!({"user": {"username": "operator", "display_name": "x", "role": "operator", "merchant_id": null, "password": "long-enough-pass"}});
    let res = app.call(&admin, "users/create", dup).await;
    assert_eq!(res.status(), 422);
    assert!(body(res).await.contains("AlreadyTaken"));
    let ghost = json!({"user": {"username": "ghost", "display_name": "x", "role": "merchant", "merchant_id": 999999, "password": "long-enough-pass"}});
    assert_eq!(app.call(&admin, "users/create", ghost).await.status(), 422);
}

#[tokio::test]
async fn a_new_merchant_user_signs_in_and_sees_its_merchant() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let merchant_id = app
        .call_ok(&admin, "merchants/create", json!({"name": "山海书店"}))
        .await;
    let assigned = app
        .call_ok(&admin, "merchants/assign", json!({"merchant_id": merchant_id, "appids": format!("{}\n{}", demo_appid(3), demo_appid(7))}))
        .await;
    assert_eq!(assigned, 2);
    let new = json!({"user": {"username": "shanhai", "display_name": "山海店长", "role": "merchant", "merchant_id": merchant_id, "password": "shanhai-password"}});
    app.call_ok(&admin, "users/create", new).await;

    let c = app.signed_in(("shanhai", "shanhai-password")).await;
    let page = app
        .call_ok(&c, "mini_programs/list", json!({"query": {}}))
        .await;
    assert_eq!(page["total"], 2);
    let me = app.call_ok(&c, "auth/me", json!({})).await;
    assert_eq!(me["merchant_name"], "山海书店");
}

#[tokio::test]
async fn assigning_unknown_appids_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let res = app
        .call(
            &admin,
            "merchants/assign",
            json!({"merchant_id": 1, "appids": format!("{},wxnotthere", demo_appid(1))}),
        )
        .await;
    assert_eq!(res.status(), 422);
    assert!(body(res).await.contains("\"field\":\"appids\""));
    let res = app
        .call(
            &admin,
            "merchants/assign",
            json!({"merchant_id": 1, "appids": "  "}),
        )
        .await;
    assert_eq!(res.status(), 422);
    let row = app
        .call_ok(&admin, "mini_programs/get", json!({"appid": demo_appid(1)}))
        .await;
    assert_eq!(row["merchant_name"], "青禾生鲜");
}

#[tokio::test]
async fn renaming_validates_and_keeps_names_unique() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let merchants = app.call_ok(&admin, "merchants/list", json!({})).await;
    let id = merchants[0]["id"].clone();
    let other = merchants[1]["name"].clone();
    assert_eq!(
        app.call(&admin, "merchants/rename", json!({"id": id, "name": other}))
            .await
            .status(),
        422
    );
    assert_eq!(
        app.call(&admin, "merchants/rename", json!({"id": id, "name": " "}))
            .await
            .status(),
        422
    );
    assert_eq!(
        app.call(
            &admin,
            "merchants/rename",
            json!({"id": 424242, "name": "x"})
        )
        .await
        .status(),
        404
    );
    app.call_ok(
        &admin,
        "merchants/rename",
        json!({"id": id, "name": "新名字"}),
    )
    .await;
}

#[tokio::test]
async fn password_reset_and_role_change_end_open_sessions() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let operator = app.signed_in(OPERATOR).await;
    let id = user_id(&app, &admin, "operator").await;
    let res = app
        .call(
            &admin,
            "users/reset_password",
            json!({"id": id, "password": "short"}),
        )
        .await;
    assert_eq!(res.status(), 422);
    app.call_ok(
        &admin,
        "users/reset_password",
        json!({"id": id, "password": "a-brand-new-password"}),
    )
    .await;
    assert_eq!(
        app.call(&operator, "mini_programs/list", json!({"query": {}}))
            .await
            .status(),
        401
    );
    assert_eq!(app.login(&client(), OPERATOR).await.status(), 401);
    let operator = app.signed_in(("operator", "a-brand-new-password")).await;

    let res = app
        .call(
            &admin,
            "users/change_role",
            json!({"id": id, "role": "merchant", "merchant_id": null}),
        )
        .await;
    assert_eq!(res.status(), 422);
    app.call_ok(
        &admin,
        "users/change_role",
        json!({"id": id, "role": "merchant", "merchant_id": 1}),
    )
    .await;
    assert_eq!(
        app.call(&operator, "mini_programs/list", json!({"query": {}}))
            .await
            .status(),
        401
    );
}

#[tokio::test]
async fn admins_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = app.signed_in(ADMIN).await;
    let me = user_id(&app, &admin, "admin").await;
    assert_eq!(
        app.call(
            &admin,
            "users/set_disabled",
            json!({"id": me, "disabled": true})
        )
        .await
        .status(),
        422
    );
    assert_eq!(
        app.call(
            &admin,
            "users/change_role",
            json!({"id": me, "role": "operator", "merchant_id": null})
        )
        .await
        .status(),
        422
    );
}

#[tokio::test]
async fn create_admin_from_the_cli_validates_and_works() {
    let app = spawn_app().await;
    let err = app::services::users::create_admin_from_cli(&app.db, "root", "Root", "short").await;
    assert!(err.is_err());
    app::services::users::create_admin_from_cli(&app.db, "root", "Root", "a-long-root-password")
        .await
        .unwrap();
    let c = app.signed_in(("root", "a-long-root-password")).await;
    assert_eq!(app.call(&c, "users/list", json!({})).await.status(), 200);
}
