//! Contract tests: the tester endpoints (体验者: bind_tester, unbind_tester, memberauth)
//! through the real client against the simulator, every errcode path, the limits per
//! subject type, the control API and a restart.

mod common;

use common::{errcode, urlencode, Harness};
use serde_json::json;
use wechat::api::tester::TesterRef;
use wechat::simulator::code::{userstr_of, BUSY_WECHAT_ID, HIDDEN_WECHAT_ID};
use wechat::simulator::SimConfig;
use wechat::TokenKey;

#[tokio::test]
async fn bind_list_and_unbind_a_tester() {
    let h = Harness::start().await;
    let appid = h.authorize("体验者小程序").await;
    let ctx = h.ctx(&appid);
    assert!(h.client.get_experiencer(&ctx).await.unwrap().is_empty());

    let userstr = h.client.bind_tester(&ctx, "zhang_wei").await.unwrap();
    assert_eq!(userstr.len(), 64);
    assert_eq!(userstr, userstr_of(&appid, "zhang_wei"));
    let second = h.client.bind_tester(&ctx, "li_na_88").await.unwrap();
    // memberauth lists userstrs only, oldest first.
    assert_eq!(
        h.client.get_experiencer(&ctx).await.unwrap(),
        vec![userstr.clone(), second.clone()]
    );
    let raw = h
        .raw_json(
            "POST",
            &format!(
                "/wxa/memberauth?access_token={}",
                urlencode(&h.access_token(&appid).await)
            ),
            Some(r#"{"action":"get_experiencer"}"#),
        )
        .await;
    assert_eq!(raw["members"][0], json!({"userstr": userstr}));
    assert!(!raw.to_string().contains("zhang_wei"), "{raw}");

    // Already bound: 85004, and nothing changes.
    assert_eq!(
        errcode(h.client.bind_tester(&ctx, "zhang_wei").await),
        85004
    );
    // Unbind by userstr (a tester bound elsewhere has nothing else), then by WeChat ID.
    h.client
        .unbind_tester(&ctx, &TesterRef::UserStr(userstr.clone()))
        .await
        .unwrap();
    assert_eq!(
        h.client.get_experiencer(&ctx).await.unwrap(),
        vec![second.clone()]
    );
    h.client
        .unbind_tester(&ctx, &TesterRef::WechatId("li_na_88".into()))
        .await
        .unwrap();
    assert!(h.client.get_experiencer(&ctx).await.unwrap().is_empty());
    // The same person can be bound again, with the same userstr.
    assert_eq!(
        h.client.bind_tester(&ctx, "zhang_wei").await.unwrap(),
        userstr
    );
    // Another account gives the same person another userstr.
    let other = h.authorize("另一个小程序").await;
    let theirs = h
        .client
        .bind_tester(&h.ctx(&other), "zhang_wei")
        .await
        .unwrap();
    assert_ne!(theirs, userstr);
}

#[tokio::test]
async fn every_errcode_of_bind_and_unbind() {
    let h = Harness::start().await;
    let appid = h.authorize("错误码").await;
    let ctx = h.ctx(&appid);
    // Unknown, empty, or not searchable: 85001.
    for wechatid in ["nobody_here_404", "", HIDDEN_WECHAT_ID] {
        assert_eq!(
            errcode(h.client.bind_tester(&ctx, wechatid).await),
            85001,
            "{wechatid:?}"
        );
    }
    // A user who tests 50 mini programs elsewhere: 85003.
    assert_eq!(
        errcode(h.client.bind_tester(&ctx, BUSY_WECHAT_ID).await),
        85003
    );
    // 50 counts the simulator's own accounts too: 49 elsewhere + one here is the limit.
    h.control(
        "/wechat-users",
        json!({"wechatid": "many_apps", "tester_elsewhere": 49}),
    )
    .await;
    h.client.bind_tester(&ctx, "many_apps").await.unwrap();
    let other = h.authorize("第五十一个").await;
    assert_eq!(
        errcode(h.client.bind_tester(&h.ctx(&other), "many_apps").await),
        85003
    );
    // A user made unsearchable through the control API.
    h.control(
        "/wechat-users",
        json!({"wechatid": "zhao_min", "searchable": false}),
    )
    .await;
    assert_eq!(errcode(h.client.bind_tester(&ctx, "zhao_min").await), 85001);

    // unbind_tester: an unknown userstr 89034, neither field 89033, a WeChat ID not bound 0.
    assert_eq!(
        errcode(
            h.client
                .unbind_tester(&ctx, &TesterRef::UserStr("0".repeat(64)))
                .await
        ),
        89034
    );
    let token = urlencode(&h.access_token(&appid).await);
    for body in ["{}", r#"{"wechatid":"","userstr":""}"#] {
        let answer = h
            .raw_json(
                "POST",
                &format!("/wxa/unbind_tester?access_token={token}"),
                Some(body),
            )
            .await;
        assert_eq!(answer["errcode"], 89033, "{body}");
    }
    h.client
        .unbind_tester(&ctx, &TesterRef::WechatId("wang_fang".into()))
        .await
        .unwrap();

    // memberauth: another action 85022; a body that is not JSON 47001.
    let answer = h
        .raw_json(
            "POST",
            &format!("/wxa/memberauth?access_token={token}"),
            Some(r#"{"action":"get_developer"}"#),
        )
        .await;
    assert_eq!(answer["errcode"], 85022);
    for path in ["/wxa/bind_tester", "/wxa/unbind_tester", "/wxa/memberauth"] {
        let answer = h
            .raw_json("POST", &format!("{path}?access_token={token}"), Some("{"))
            .await;
        assert_eq!(answer["errcode"], 47001, "{path}");
    }
    // Fields of the wrong JSON type: 47001 too.
    for (path, body) in [
        ("/wxa/bind_tester", r#"{"wechatid": 7}"#),
        ("/wxa/unbind_tester", r#"{"userstr": ["a"]}"#),
        ("/wxa/memberauth", r#"{"action": 1}"#),
    ] {
        let answer = h
            .raw_json("POST", &format!("{path}?access_token={token}"), Some(body))
            .await;
        assert_eq!(answer["errcode"], 47001, "{path}");
    }
}

#[tokio::test]
async fn tokens_and_the_permission_set_are_checked() {
    let h = Harness::start().await;
    let appid = h.authorize("令牌").await;
    for path in ["/wxa/bind_tester", "/wxa/unbind_tester", "/wxa/memberauth"] {
        let body = Some(r#"{"wechatid":"zhang_wei","action":"get_experiencer"}"#);
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
        // The platform's own token is not an authorizer's: 86000, as on code management.
        let component = urlencode(&h.token(&TokenKey::Component).await);
        assert_eq!(
            h.raw_json("POST", &format!("{path}?access_token={component}"), body)
                .await["errcode"],
            86000,
            "{path}"
        );
    }
    // Without permission set 18 granted: 61007.
    h.control("/func-info", json!({"appid": appid, "func_info": [17, 19]}))
        .await;
    let ctx = h.ctx(&appid);
    assert_eq!(
        errcode(h.client.bind_tester(&ctx, "zhang_wei").await),
        61007
    );
    assert_eq!(errcode(h.client.get_experiencer(&ctx).await), 61007);
    assert_eq!(
        errcode(
            h.client
                .unbind_tester(&ctx, &TesterRef::WechatId("zhang_wei".into()))
                .await
        ),
        61007
    );
    h.control(
        "/func-info",
        json!({"appid": appid, "func_info": [17, 18, 19]}),
    )
    .await;
    h.client.bind_tester(&ctx, "zhang_wei").await.unwrap();
    // Expired tokens: 42001, the client renews and retries once.
    h.advance(7300).await;
    h.sim.push_ticket();
    assert_eq!(h.client.get_experiencer(&ctx).await.unwrap().len(), 1);
}

/// The seed's limits: personal 10, unverified organisation 20, verified 40 (85002).
#[tokio::test]
async fn each_subject_type_has_its_limit() {
    let h = Harness::start().await;
    let personal = h
        .authorize_profile(json!({"nick_name": "个人的小程序", "principal_name": "个人"}))
        .await;
    let unverified = h
        .authorize_profile(
            json!({"nick_name": "未认证", "principal_name": "青禾生鲜有限公司",
            "verify_type": -1}),
        )
        .await;
    let verified = h
        .authorize_profile(
            json!({"nick_name": "已认证", "principal_name": "星辰咖啡有限公司",
            "verify_type": 0}),
        )
        .await;
    for (appid, limit) in [(&personal, 10), (&unverified, 20), (&verified, 40)] {
        let ctx = h.ctx(appid);
        for n in 1..=limit {
            h.client
                .bind_tester(&ctx, &format!("tester_{n:03}"))
                .await
                .unwrap_or_else(|e| panic!("{appid} tester {n}: {e:?}"));
        }
        assert_eq!(
            errcode(
                h.client
                    .bind_tester(&ctx, &format!("tester_{:03}", limit + 1))
                    .await
            ),
            85002,
            "{appid}"
        );
        // Already bound is said first, even at the limit.
        assert_eq!(
            errcode(h.client.bind_tester(&ctx, "tester_001").await),
            85004
        );
        assert_eq!(
            h.client.get_experiencer(&ctx).await.unwrap().len(),
            limit as usize
        );
    }
}

#[tokio::test]
async fn the_control_api_binds_testers_outside_the_platform_and_shows_their_ids() {
    let h = Harness::start().await;
    let appid = h
        .authorize_profile(json!({"nick_name": "个人体验", "principal_name": "个人"}))
        .await;
    // Anyone may be named there: unknown WeChat IDs become users.
    let answer = h
        .control(
            "/testers",
            json!({"appid": appid, "wechatids": ["outside_one", "zhang_wei"]}),
        )
        .await;
    assert_eq!(answer["testers"].as_array().map(Vec::len), Some(2));
    assert_eq!(answer["testers"][0]["wechatid"], "outside_one");
    let listed = h.client.get_experiencer(&h.ctx(&appid)).await.unwrap();
    assert_eq!(
        listed,
        vec![
            userstr_of(&appid, "outside_one"),
            userstr_of(&appid, "zhang_wei")
        ]
    );
    let shown = h.control_get(&format!("/testers?appid={appid}")).await;
    assert_eq!(shown["testers"][1]["wechatid"], "zhang_wei");
    // The same rules apply: a personal account stops at 10.
    let many: Vec<String> = (1..=9).map(|n| format!("tester_{n:03}")).collect();
    let refused = h
        .control("/testers", json!({"appid": appid, "wechatids": many}))
        .await;
    assert_eq!(refused["errcode"], 85002, "{refused}");
    assert_eq!(
        h.client
            .get_experiencer(&h.ctx(&appid))
            .await
            .unwrap()
            .len(),
        10
    );
    assert_eq!(
        h.control_get("/testers?appid=wx00000000000000aa").await["errcode"],
        40013
    );
}

#[tokio::test]
async fn testers_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let (appid, userstr) = {
        let h = Harness::start_with(config.clone()).await;
        let appid = h.authorize("重启后的体验者").await;
        let userstr = h
            .client
            .bind_tester(&h.ctx(&appid), "chen_jing")
            .await
            .unwrap();
        h.control(
            "/wechat-users",
            json!({"wechatid": "later_user", "searchable": false}),
        )
        .await;
        (appid, userstr)
    };
    let again = Harness::start_with(config).await;
    let state = again.sim.snapshot();
    let testers = &state.authorizers[&appid].testers;
    assert_eq!(testers.len(), 1);
    assert_eq!(testers[0].userstr, userstr);
    assert_eq!(testers[0].wechatid, "chen_jing");
    assert_eq!(
        state.wechat_users.get("later_user").map(|u| u.searchable),
        Some(false)
    );
}
