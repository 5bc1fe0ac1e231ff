//! Contract tests: the plugin endpoints (插件: `/wxa/plugin` apply / list / unbind / update,
//! `/wxa/devplugin` dev_apply_list / dev_agree / dev_refuse / dev_delete) through the real
//! client against the simulator: each action, each errcode path, the 24-hour window on the
//! simulated clock, the control API and a restart.

mod common;

use common::{errcode, urlencode, Harness};
use serde_json::{json, Value};
use wechat::api::code::{AuditItem, CommitRequest, SubmitAuditRequest};
use wechat::api::plugin::status;
use wechat::simulator::code::{
    CLOSED_PLUGIN, EXPRESS_PLUGIN, HOSPITAL_PLUGIN, INVOICE_PLUGIN, LIVE_PLUGIN, ROUTE_PLUGIN,
};
use wechat::simulator::SimConfig;
use wechat::TokenKey;

/// A company mini program of the 工具 - 办公 category, with its plugin opened.
async fn plugin_owner(h: &Harness, name: &str) -> String {
    let owner = h
        .authorize_profile(json!({
            "nick_name": name,
            "principal_name": "插件科技有限公司",
            "categories": [{"first_id": 150, "first_name": "工具", "second_id": 152, "second_name": "办公"}],
        }))
        .await;
    let opened = h.control("/plugins", json!({"appid": owner})).await;
    assert_eq!(opened["plugin"]["appid"], owner.as_str(), "{opened}");
    assert_eq!(opened["plugin"]["category"]["second"], "办公");
    owner
}

/// The statuses WeChat lists for `appid`'s plugins: (plugin AppID, status).
async fn statuses(h: &Harness, appid: &str) -> Vec<(String, i64)> {
    h.client
        .plugin_list(&h.ctx(appid))
        .await
        .expect("plugin list")
        .into_iter()
        .map(|p| (p.appid, p.status))
        .collect()
}

/// The owner's applications (first page of 20): (applicant, status).
async fn applications(h: &Harness, owner: &str) -> Vec<(String, i64)> {
    h.client
        .dev_apply_list(&h.ctx(owner), 1, 20)
        .await
        .expect("dev_apply_list")
        .into_iter()
        .map(|a| (a.appid, a.status))
        .collect()
}

async fn raw(h: &Harness, path: &str, appid: &str, body: &str) -> Value {
    let token = urlencode(&h.access_token(appid).await);
    h.raw_json("POST", &format!("{path}?access_token={token}"), Some(body))
        .await
}

#[tokio::test]
async fn a_mini_program_applies_lists_updates_and_unbinds() {
    let h = Harness::start().await;
    let appid = h.authorize("插件使用者").await;
    let ctx = h.ctx(&appid);
    assert!(h.client.plugin_list(&ctx).await.unwrap().is_empty());

    // A plugin added without review is in use at once.
    h.client
        .apply_plugin(&ctx, ROUTE_PLUGIN, "需要路线规划")
        .await
        .unwrap();
    let list = h.client.plugin_list(&ctx).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].appid, ROUTE_PLUGIN);
    assert_eq!(list[0].status, status::APPROVED);
    assert_eq!(list[0].nickname, "路线规划");
    // WeChat's list has no version (nor reason).
    let answer = raw(&h, "/wxa/plugin", &appid, r#"{"action":"list"}"#).await;
    let item = answer["plugin_list"][0].as_object().unwrap();
    let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["appid", "headimgurl", "nickname", "status"]);

    // Quick update: to a version that allows it; 89257 for one that does not or does not exist.
    h.client
        .update_plugin(&ctx, ROUTE_PLUGIN, "1.1.0")
        .await
        .unwrap();
    for version in ["2.0.0", "9.9.9", ""] {
        assert_eq!(
            errcode(h.client.update_plugin(&ctx, ROUTE_PLUGIN, version).await),
            89257,
            "{version:?}"
        );
    }
    let stored = h
        .control_get(&format!("/plugins/applications?appid={appid}"))
        .await;
    assert_eq!(stored["applications"][0]["user_version"], "1.1.0");

    // A reviewed plugin waits (申请中); applying again is 89237; it cannot be updated yet.
    h.client
        .apply_plugin(&ctx, EXPRESS_PLUGIN, "查快递")
        .await
        .unwrap();
    assert_eq!(
        statuses(&h, &appid).await,
        vec![
            (ROUTE_PLUGIN.to_owned(), status::APPROVED),
            (EXPRESS_PLUGIN.to_owned(), status::APPLYING)
        ]
    );
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, EXPRESS_PLUGIN, "again").await),
        89237
    );
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, ROUTE_PLUGIN, "again").await),
        89237
    );
    assert_eq!(
        errcode(h.client.update_plugin(&ctx, EXPRESS_PLUGIN, "1.0.1").await),
        89244
    );
    // Its developer refuses (outside the platform); the mini program may apply again.
    let refused = h
        .control(
            "/plugins/decide",
            json!({"appid": appid, "plugin_appid": EXPRESS_PLUGIN, "approve": false, "reason": "暂不开放"}),
        )
        .await;
    assert_eq!(refused["application"]["status"], status::REFUSED);
    assert_eq!(statuses(&h, &appid).await[1].1, status::REFUSED);
    h.client
        .apply_plugin(&ctx, EXPRESS_PLUGIN, "再申请")
        .await
        .unwrap();
    assert_eq!(statuses(&h, &appid).await[1].1, status::APPLYING);

    // Unbind: gone (a pending application too); again is 89244.
    h.client.unbind_plugin(&ctx, EXPRESS_PLUGIN).await.unwrap();
    h.client.unbind_plugin(&ctx, ROUTE_PLUGIN).await.unwrap();
    assert!(h.client.plugin_list(&ctx).await.unwrap().is_empty());
    assert_eq!(
        errcode(h.client.unbind_plugin(&ctx, ROUTE_PLUGIN).await),
        89244
    );
}

#[tokio::test]
async fn every_errcode_of_apply_unbind_and_update() {
    let h = Harness::start().await;
    let appid = h.authorize("错误码").await;
    let ctx = h.ctx(&appid);
    // Nobody has this plugin, or none is named: 89239.
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, "wx00000000000004a4", "x").await),
        89239
    );
    let answer = raw(&h, "/wxa/plugin", &appid, r#"{"action":"apply"}"#).await;
    assert_eq!(answer["errcode"], 89239);
    // A plugin that takes no applications, and one's own plugin: 89236.
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, CLOSED_PLUGIN, "x").await),
        89236
    );
    let owner = plugin_owner(&h, "自己的插件").await;
    assert_eq!(
        errcode(h.client.apply_plugin(&h.ctx(&owner), &owner, "x").await),
        89236
    );
    // Special categories (plugin-guide): a coffee shop uses neither a 医疗 nor a 直播 plugin.
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, HOSPITAL_PLUGIN, "x").await),
        89246
    );
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, LIVE_PLUGIN, "x").await),
        89246
    );
    // An education mini program uses 直播, and cannot remove it once in use (89259).
    let school = h
        .authorize_profile(json!({
            "nick_name": "学校",
            "principal_name": "某某大学",
            "categories": [{"first_id": 3, "first_name": "教育", "second_id": 4, "second_name": "学历教育"}],
        }))
        .await;
    h.client
        .apply_plugin(&h.ctx(&school), LIVE_PLUGIN, "直播课")
        .await
        .unwrap();
    assert_eq!(
        errcode(h.client.unbind_plugin(&h.ctx(&school), LIVE_PLUGIN).await),
        89259
    );

    // 89238: ten plugins at most (applied for or in use).
    for n in 0..10 {
        let plugin = h
            .control(
                "/plugins",
                json!({"nickname": format!("插件{n}"), "category": {"first": "工具", "second": "办公"}}),
            )
            .await;
        let plugin_appid = plugin["plugin"]["appid"].as_str().unwrap().to_owned();
        assert!(wechat::is_valid_appid(&plugin_appid), "{plugin}");
        h.client
            .apply_plugin(&ctx, &plugin_appid, "x")
            .await
            .unwrap_or_else(|e| panic!("plugin {n}: {e:?}"));
    }
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, ROUTE_PLUGIN, "x").await),
        89238
    );
    // Already added is said before the limit.
    let first = statuses(&h, &appid).await[0].0.clone();
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, &first, "x").await),
        89237
    );

    // 89258: no quick update while a version is in gray release.
    let gray = h.authorize("灰度中").await;
    h.client
        .apply_plugin(&h.ctx(&gray), ROUTE_PLUGIN, "x")
        .await
        .unwrap();
    start_gray_release(&h, &gray).await;
    assert_eq!(
        errcode(
            h.client
                .update_plugin(&h.ctx(&gray), ROUTE_PLUGIN, "1.1.0")
                .await
        ),
        89258
    );

    // Another action: 85022; a body that is not JSON or fields of the wrong type: 47001.
    for path in ["/wxa/plugin", "/wxa/devplugin"] {
        let answer = raw(&h, path, &owner, r#"{"action":"bind"}"#).await;
        assert_eq!(answer["errcode"], 85022, "{path}");
        let answer = raw(&h, path, &owner, "{").await;
        assert_eq!(answer["errcode"], 47001, "{path}");
        let answer = raw(&h, path, &owner, r#"{"action": 1}"#).await;
        assert_eq!(answer["errcode"], 47001, "{path}");
    }
}

/// Commit → submit → pass → release, then the next review passed and released to 10 %.
async fn start_gray_release(h: &Harness, appid: &str) {
    let ctx = h.ctx(appid);
    let commit = CommitRequest {
        template_id: 1,
        ext_json: String::new(),
        user_version: "V1.0".into(),
        user_desc: "test".into(),
    };
    let audit = SubmitAuditRequest {
        item_list: vec![AuditItem {
            address: "pages/index/index".into(),
            tag: "咖啡 点单".into(),
            first_class: "餐饮".into(),
            second_class: "咖啡".into(),
            first_id: 304,
            second_id: 305,
            title: "首页".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    h.client.commit_code(&ctx, &commit).await.expect("commit");
    h.client.submit_audit(&ctx, &audit).await.expect("submit");
    h.control("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    h.client.release(&ctx).await.expect("release");
    h.client.submit_audit(&ctx, &audit).await.expect("submit");
    h.control("/audit/outcome", json!({"appid": appid, "status": 0}))
        .await;
    h.client.gray_release(&ctx, 10).await.expect("gray release");
}

#[tokio::test]
async fn the_owner_lists_approves_refuses_and_deletes() {
    let h = Harness::start().await;
    let owner = plugin_owner(&h, "插件开发者").await;
    let octx = h.ctx(&owner);
    assert!(h
        .client
        .dev_apply_list(&octx, 1, 10)
        .await
        .unwrap()
        .is_empty());

    // Two of the simulator's mini programs apply through the API, one outside it through the
    // control API: all three in the owner's list, newest first.
    let first = h.authorize("使用者甲").await;
    let second = h.authorize("使用者乙").await;
    h.client
        .apply_plugin(&h.ctx(&first), &owner, "甲的理由")
        .await
        .unwrap();
    h.advance(10).await;
    h.client
        .apply_plugin(&h.ctx(&second), &owner, "乙的理由")
        .await
        .unwrap();
    h.advance(10).await;
    let outside = h
        .control(
            "/plugins/applications",
            json!({"plugin_appid": owner, "nickname": "外部小程序",
                "categories": [{"first": "IT科技", "second": "硬件与设备"}], "reason": "外部的理由"}),
        )
        .await;
    let outside = outside["application"]["appid"].as_str().unwrap().to_owned();
    assert!(wechat::is_valid_appid(&outside));
    let list = h.client.dev_apply_list(&octx, 1, 10).await.unwrap();
    let order: Vec<&str> = list.iter().map(|a| a.appid.as_str()).collect();
    assert_eq!(order, [outside.as_str(), second.as_str(), first.as_str()]);
    let theirs = &list[2];
    assert_eq!(theirs.status, status::APPLYING);
    assert_eq!(theirs.nickname, "使用者甲");
    assert_eq!(theirs.reason, "甲的理由");
    assert_eq!(theirs.categories.len(), 1);
    assert_eq!(theirs.categories[0].first, "餐饮");
    assert_eq!(theirs.categories[0].second, "咖啡");
    assert!(theirs.create_time > 0);
    assert_eq!(list[0].nickname, "外部小程序");
    assert_eq!(list[0].categories[0].second, "硬件与设备");
    // `create_time` travels as a string, as in WeChat's example.
    let answer = raw(
        &h,
        "/wxa/devplugin",
        &owner,
        r#"{"action":"dev_apply_list","page":1,"num":10}"#,
    )
    .await;
    assert!(
        answer["apply_list"][0]["create_time"].is_string(),
        "{answer}"
    );

    // Pages of two.
    assert_eq!(h.client.dev_apply_list(&octx, 1, 2).await.unwrap().len(), 2);
    let second_page = h.client.dev_apply_list(&octx, 2, 2).await.unwrap();
    assert_eq!(second_page.len(), 1);
    assert_eq!(second_page[0].appid, first);
    assert!(h
        .client
        .dev_apply_list(&octx, 3, 2)
        .await
        .unwrap()
        .is_empty());
    for body in [
        r#"{"action":"dev_apply_list","page":0,"num":10}"#,
        r#"{"action":"dev_apply_list","page":1,"num":0}"#,
        r#"{"action":"dev_apply_list","page":1,"num":101}"#,
    ] {
        assert_eq!(
            raw(&h, "/wxa/devplugin", &owner, body).await["errcode"],
            47001,
            "{body}"
        );
    }

    // Approve one: the applicant sees it in use; a second decision is 89240.
    h.client.dev_agree(&octx, &first).await.unwrap();
    assert_eq!(
        statuses(&h, &first).await,
        vec![(owner.clone(), status::APPROVED)]
    );
    assert_eq!(errcode(h.client.dev_agree(&octx, &first).await), 89240);
    assert_eq!(
        errcode(h.client.dev_refuse(&octx, &first, "晚了").await),
        89240
    );
    // Refuse another with a reason, kept with the application.
    h.client
        .dev_refuse(&octx, &second, "类目不符")
        .await
        .unwrap();
    assert_eq!(
        statuses(&h, &second).await,
        vec![(owner.clone(), status::REFUSED)]
    );
    let stored = h
        .control_get(&format!(
            "/plugins/applications?plugin_appid={owner}&appid={second}"
        ))
        .await;
    assert_eq!(stored["applications"][0]["refuse_reason"], "类目不符");

    // Delete: not while 申请中 (89243), not once approved (89241); a refused one goes.
    assert_eq!(errcode(h.client.dev_delete(&octx, &outside).await), 89243);
    assert_eq!(errcode(h.client.dev_delete(&octx, &first).await), 89241);
    h.client.dev_delete(&octx, &second).await.unwrap();
    assert!(h
        .client
        .plugin_list(&h.ctx(&second))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        applications(&h, &owner).await,
        vec![
            (outside.clone(), status::APPLYING),
            (first.clone(), status::APPROVED)
        ]
    );

    // Someone not in the list, or nobody named: 89242.
    assert_eq!(
        errcode(h.client.dev_agree(&octx, "wx00000000000004a4").await),
        89242
    );
    for body in [
        r#"{"action":"dev_refuse","reason":"x"}"#,
        r#"{"action":"dev_delete"}"#,
        r#"{"action":"dev_agree","appid":""}"#,
    ] {
        assert_eq!(
            raw(&h, "/wxa/devplugin", &owner, body).await["errcode"],
            89242,
            "{body}"
        );
    }
}

#[tokio::test]
async fn the_day_to_decide_runs_on_the_simulated_clock() {
    let h = Harness::start().await;
    let owner = plugin_owner(&h, "限时处理").await;
    let user = h.authorize("等待中").await;
    h.client
        .apply_plugin(&h.ctx(&user), &owner, "请通过")
        .await
        .unwrap();
    h.advance(24 * 3600 - 60).await;
    h.sim.push_ticket();
    assert_eq!(
        applications(&h, &owner).await,
        vec![(user.clone(), status::APPLYING)]
    );
    h.advance(60).await;
    // 申请已超时 on both sides; too late to decide, and now it can be deleted.
    assert_eq!(
        statuses(&h, &user).await,
        vec![(owner.clone(), status::TIMED_OUT)]
    );
    assert_eq!(
        applications(&h, &owner).await,
        vec![(user.clone(), status::TIMED_OUT)]
    );
    assert_eq!(
        errcode(h.client.dev_agree(&h.ctx(&owner), &user).await),
        89240
    );
    h.client.dev_delete(&h.ctx(&owner), &user).await.unwrap();

    // One application made older through the control API, the clock left alone.
    let other = h.authorize("加速老化").await;
    h.client
        .apply_plugin(&h.ctx(&other), &owner, "x")
        .await
        .unwrap();
    let aged = h
        .control(
            "/plugins/age",
            json!({"appid": other, "plugin_appid": owner, "seconds": 21 * 3600}),
        )
        .await;
    assert_eq!(aged["application"]["status"], status::APPLYING);
    let now = h.control_get("/state").await["now"].as_i64().unwrap();
    let created = aged["application"]["create_time"].as_i64().unwrap();
    assert!((now - created - 21 * 3600).abs() <= 2, "{aged}");
    let aged = h
        .control(
            "/plugins/age",
            json!({"appid": other, "plugin_appid": owner, "seconds": 3 * 3600}),
        )
        .await;
    assert_eq!(aged["application"]["status"], status::TIMED_OUT);
    // An application made outside, already older than a day, is timed out at once.
    let late = h
        .control(
            "/plugins/applications",
            json!({"plugin_appid": owner, "age_secs": 25 * 3600}),
        )
        .await;
    assert_eq!(late["application"]["status"], status::TIMED_OUT);
    // Aging an application that does not exist: 89242.
    let missing = h
        .control(
            "/plugins/age",
            json!({"appid": "wx00000000000004a4", "plugin_appid": owner, "seconds": 1}),
        )
        .await;
    assert_eq!(missing["errcode"], 89242);
}

#[tokio::test]
async fn owners_are_organisations_with_a_plugin() {
    let h = Harness::start().await;
    // A personal account cannot own a plugin (the seed's 开放范围), nor take a category the
    // guide does not open.
    let person = h
        .authorize_profile(json!({"nick_name": "个人的小程序", "principal_name": "个人"}))
        .await;
    let refused = h.control("/plugins", json!({"appid": person})).await;
    assert_eq!(refused["errcode"], 47001, "{refused}");
    let company = h.authorize("咖啡店").await;
    // Its only category (餐饮 - 咖啡) is not open to plugins: one must be named.
    let refused = h.control("/plugins", json!({"appid": company})).await;
    assert_eq!(refused["errcode"], 47001, "{refused}");
    let refused = h
        .control(
            "/plugins",
            json!({"appid": company, "category": {"first": "游戏", "second": "休闲游戏"}}),
        )
        .await;
    assert_eq!(refused["errcode"], 47001, "{refused}");
    let refused = h.control("/plugins", json!({"appid": "wx123"})).await;
    assert_eq!(refused["errcode"], 47001, "{refused}");

    // Without a plugin, the owner side is 89239.
    assert_eq!(
        errcode(h.client.dev_apply_list(&h.ctx(&company), 1, 10).await),
        89239
    );
    assert_eq!(
        errcode(h.client.dev_apply_list(&h.ctx(&person), 1, 10).await),
        89239
    );
    let opened = h
        .control(
            "/plugins",
            json!({"appid": company, "nickname": "点单插件",
                "category": {"first": "餐饮", "second": "点餐平台"},
                "versions": [{"version": "3.0.0", "quick_update": true}]}),
        )
        .await;
    assert_eq!(opened["plugin"]["nickname"], "点单插件");
    assert!(h
        .client
        .dev_apply_list(&h.ctx(&company), 1, 10)
        .await
        .unwrap()
        .is_empty());
    // Approved applicants get the newest version.
    h.client
        .apply_plugin(&h.ctx(&person), &company, "个人也能使用插件")
        .await
        .unwrap();
    h.client.dev_agree(&h.ctx(&company), &person).await.unwrap();
    let stored = h
        .control_get(&format!("/plugins/applications?appid={person}"))
        .await;
    assert_eq!(stored["applications"][0]["user_version"], "3.0.0");
    // Built-in plugins owned outside are decided through the control API only.
    h.client
        .apply_plugin(&h.ctx(&company), INVOICE_PLUGIN, "开发票")
        .await
        .unwrap();
    let approved = h
        .control(
            "/plugins/decide",
            json!({"appid": company, "plugin_appid": INVOICE_PLUGIN, "approve": true}),
        )
        .await;
    assert_eq!(approved["application"]["status"], status::APPROVED);
    let again = h
        .control(
            "/plugins/decide",
            json!({"appid": company, "plugin_appid": INVOICE_PLUGIN, "approve": true}),
        )
        .await;
    assert_eq!(again["errcode"], 89240);
}

#[tokio::test]
async fn tokens_and_the_permission_set_are_checked() {
    let h = Harness::start().await;
    let owner = plugin_owner(&h, "令牌").await;
    let body = Some(r#"{"action":"list"}"#);
    for path in ["/wxa/plugin", "/wxa/devplugin"] {
        assert_eq!(
            h.raw_json("POST", path, body).await["errcode"],
            41001,
            "{path}"
        );
        assert_eq!(
            h.raw_json("POST", &format!("{path}?access_token=forged"), body)
                .await["errcode"],
            40001,
            "{path}"
        );
        let component = urlencode(&h.token(&TokenKey::Component).await);
        assert_eq!(
            h.raw_json("POST", &format!("{path}?access_token={component}"), body)
                .await["errcode"],
            86000,
            "{path}"
        );
    }
    // A mini program's own token (/cgi-bin/token) is not a platform's: 89256 "no component
    // info", as WeChat answers plugin calls made without one.
    let secret = wechat::simulator::template::app_secret(&h.sim, &owner).unwrap();
    let own = h
        .client
        .client_credential_token(&owner, &secret)
        .await
        .unwrap()
        .access_token;
    for path in ["/wxa/plugin", "/wxa/devplugin"] {
        let url = format!("{path}?access_token={}", urlencode(&own));
        assert_eq!(
            h.raw_json("POST", &url, body).await["errcode"],
            89256,
            "{path}"
        );
    }
    // Without permission set 40 (插件管理): 61007 on both sides, whatever the action.
    h.control(
        "/func-info",
        json!({"appid": owner, "func_info": [17, 18, 19, 25, 30, 31]}),
    )
    .await;
    let ctx = h.ctx(&owner);
    assert_eq!(errcode(h.client.plugin_list(&ctx).await), 61007);
    assert_eq!(
        errcode(h.client.apply_plugin(&ctx, ROUTE_PLUGIN, "x").await),
        61007
    );
    assert_eq!(
        errcode(h.client.unbind_plugin(&ctx, ROUTE_PLUGIN).await),
        61007
    );
    assert_eq!(
        errcode(h.client.update_plugin(&ctx, ROUTE_PLUGIN, "1.1.0").await),
        61007
    );
    assert_eq!(errcode(h.client.dev_apply_list(&ctx, 1, 10).await), 61007);
    assert_eq!(errcode(h.client.dev_agree(&ctx, ROUTE_PLUGIN).await), 61007);
    // 61007 comes before the body is read.
    assert_eq!(raw(&h, "/wxa/plugin", &owner, "{").await["errcode"], 61007);
    h.control(
        "/func-info",
        json!({"appid": owner, "func_info": [17, 18, 19, 25, 30, 31, 40]}),
    )
    .await;
    assert!(h.client.plugin_list(&ctx).await.unwrap().is_empty());
    // A new authorization grants 40 by default.
    let fresh = h.authorize("默认权限").await;
    assert!(h
        .client
        .plugin_list(&h.ctx(&fresh))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn plugins_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let (owner, user) = {
        let h = Harness::start_with(config.clone()).await;
        let owner = plugin_owner(&h, "重启后的插件").await;
        let user = h.authorize("重启后的使用者").await;
        h.client
            .apply_plugin(&h.ctx(&user), &owner, "重启前")
            .await
            .unwrap();
        h.client
            .apply_plugin(&h.ctx(&user), ROUTE_PLUGIN, "路线")
            .await
            .unwrap();
        (owner, user)
    };
    let again = Harness::start_with(config).await;
    let state = again.sim.snapshot();
    assert!(state.plugins.plugins.contains_key(&owner));
    let mine: Vec<(&str, i64)> = state
        .plugins
        .applications
        .iter()
        .filter(|a| a.appid == user)
        .map(|a| (a.plugin_appid.as_str(), a.status))
        .collect();
    assert_eq!(
        mine,
        vec![
            (owner.as_str(), status::APPLYING),
            (ROUTE_PLUGIN, status::APPROVED)
        ]
    );
    assert_eq!(state.plugins.applications[0].reason, "重启前");
}
