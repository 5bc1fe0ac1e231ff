//! Contract tests: getaccountbasicinfo (基本信息, permission set 30) through the real client
//! against the simulator: the fields built from the account, GET and POST, the control
//! endpoint that edits the account (incomplete, then complete again), tokens and the scope,
//! and a restart.

mod common;

use common::{errcode, urlencode, Harness};
use serde_json::json;
use wechat::api::basic_info::{principal_type, realname_status, ACCOUNT_TYPE_MINI_PROGRAM};
use wechat::simulator::SimConfig;
use wechat::TokenKey;

const PATH: &str = "/cgi-bin/account/getaccountbasicinfo";

#[tokio::test]
async fn a_fresh_account_has_its_name_but_no_avatar_or_introduction() {
    let h = Harness::start().await;
    let appid = h.authorize("基本信息小程序").await;
    let info = h
        .client
        .get_account_basic_info(&h.ctx(&appid))
        .await
        .unwrap();
    assert_eq!(info.appid, appid);
    assert_eq!(info.account_type, ACCOUNT_TYPE_MINI_PROGRAM);
    assert_eq!(info.name(), "基本信息小程序");
    assert_eq!(info.nickname_info.nickname, "基本信息小程序");
    assert!(info.head_image_info.head_image_url.is_empty());
    assert!(info.signature_info.signature.is_empty());
    assert_eq!(info.principal_name, "模拟科技有限公司");
    assert_eq!(info.principal_type, principal_type::ENTERPRISE);
    assert_eq!(info.realname_status, realname_status::VERIFIED);
    assert!(info.wx_verify_info.qualification_verify);
    assert_eq!(info.credential.len(), 18);
    assert_eq!(info.signature_info.modify_quota, 5);
    assert_eq!(info.head_image_info.modify_quota, 5);
    assert_eq!(info.nickname_info.modify_quota, 2);
    // Sent as a GET, as most SDKs do.
    let calls = h.calls(PATH).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["method"], "GET");
    assert_eq!(calls[0]["appid"], json!(appid));
}

#[tokio::test]
async fn get_and_post_answer_alike() {
    let h = Harness::start().await;
    let appid = h.authorize("两种方法").await;
    let token = urlencode(&h.access_token(&appid).await);
    let by_get = h
        .raw_json("GET", &format!("{PATH}?access_token={token}"), None)
        .await;
    let by_post = h
        .raw_json("POST", &format!("{PATH}?access_token={token}"), None)
        .await;
    // A body sent with the POST (the doc sends none) changes nothing.
    let with_body = h
        .raw_json("POST", &format!("{PATH}?access_token={token}"), Some("{}"))
        .await;
    assert_eq!(by_get["errcode"], 0, "{by_get}");
    for answer in [&by_post, &with_body] {
        assert_eq!(answer["errcode"], 0, "{answer}");
        assert_eq!(answer["nickname"], by_get["nickname"]);
        assert_eq!(answer["principal_type"], by_get["principal_type"]);
        assert_eq!(answer["wx_verify_info"], by_get["wx_verify_info"]);
    }
    // Every documented field is there.
    for field in [
        "appid",
        "account_type",
        "principal_type",
        "principal_name",
        "credential",
        "realname_status",
        "wx_verify_info",
        "signature_info",
        "head_image_info",
        "nickname",
        "nickname_info",
        "registered_country",
        "customer_type",
    ] {
        assert!(by_get.get(field).is_some(), "{field} missing: {by_get}");
    }
}

#[tokio::test]
async fn the_owner_empties_the_introduction_then_completes_the_account() {
    let h = Harness::start().await;
    let appid = h.authorize("资料完善").await;
    let ctx = h.ctx(&appid);
    let answer = h
        .control(
            "/basic-info",
            json!({"appid": appid, "head_img": "https://img.example.com/logo.png",
                   "signature": "  提供咖啡点单服务  "}),
        )
        .await;
    assert_eq!(answer["signature_info"]["signature"], "提供咖啡点单服务");
    let info = h.client.get_account_basic_info(&ctx).await.unwrap();
    assert_eq!(
        info.head_image_info.head_image_url,
        "https://img.example.com/logo.png"
    );
    assert_eq!(info.signature_info.signature, "提供咖啡点单服务");
    assert_eq!(info.signature_info.modify_used_count, 1);
    assert_eq!(info.head_image_info.modify_used_count, 1);

    // Incomplete again: the introduction emptied (one more change used).
    h.control("/basic-info", json!({"appid": appid, "signature": ""}))
        .await;
    let info = h.client.get_account_basic_info(&ctx).await.unwrap();
    assert!(info.signature_info.signature.is_empty());
    assert_eq!(info.signature_info.modify_used_count, 2);
    assert_eq!(
        info.head_image_info.head_image_url, "https://img.example.com/logo.png",
        "fields not named stay"
    );

    // Renamed: both name fields.
    h.control(
        "/basic-info",
        json!({"appid": appid, "nick_name": "资料完善2"}),
    )
    .await;
    let info = h.client.get_account_basic_info(&ctx).await.unwrap();
    assert_eq!(info.nickname, "资料完善2");
    assert_eq!(info.nickname_info.modify_used_count, 1);

    // Subject and verification as the owner's registration says.
    h.control(
        "/basic-info",
        json!({"appid": appid, "principal_type": principal_type::MEDIA,
               "realname_status": realname_status::VERIFYING, "verify_type": -1}),
    )
    .await;
    let info = h.client.get_account_basic_info(&ctx).await.unwrap();
    assert_eq!(info.principal_type, principal_type::MEDIA);
    assert_eq!(info.realname_status, realname_status::VERIFYING);
    assert!(!info.wx_verify_info.qualification_verify);
    assert_eq!(info.customer_type, 0);

    // Refusals: an unknown account, values out of range.
    for (body, code) in [
        (
            json!({"appid": "wx00000000000000aa", "signature": "x"}),
            40013,
        ),
        (json!({"appid": appid, "principal_type": 7}), 47001),
        (json!({"appid": appid, "realname_status": 4}), 47001),
        (
            json!({"appid": appid, "signature": "长".repeat(1025)}),
            47001,
        ),
    ] {
        let refused = h.control("/basic-info", body.clone()).await;
        assert_eq!(refused["errcode"], code, "{body} → {refused}");
    }
    let info = h.client.get_account_basic_info(&ctx).await.unwrap();
    assert_eq!(info.principal_type, principal_type::MEDIA);
}

#[tokio::test]
async fn the_principal_type_follows_the_registration() {
    let h = Harness::start().await;
    for (principal, verify_type, expected, verified) in [
        ("个人", 0, principal_type::PERSONAL, false),
        (
            "云途出行所在区政务服务中心",
            0,
            principal_type::GOVERNMENT,
            true,
        ),
        ("晨光日报社", -1, principal_type::MEDIA, false),
        (
            "青禾生鲜（上海）有限公司",
            0,
            principal_type::ENTERPRISE,
            true,
        ),
        (
            "绿水青山环保协会",
            0,
            principal_type::OTHER_ORGANIZATION,
            true,
        ),
    ] {
        let appid = h
            .authorize_profile(json!({"nick_name": format!("主体{expected}"),
                "principal_name": principal, "verify_type": verify_type}))
            .await;
        let info = h
            .client
            .get_account_basic_info(&h.ctx(&appid))
            .await
            .unwrap();
        assert_eq!(info.principal_type, expected, "{principal}");
        assert_eq!(
            info.wx_verify_info.qualification_verify, verified,
            "{principal}"
        );
        assert_eq!(
            info.credential.is_empty(),
            expected == principal_type::PERSONAL
        );
    }
}

#[tokio::test]
async fn tokens_and_the_permission_set_are_checked() {
    let h = Harness::start().await;
    let appid = h.authorize("令牌与权限").await;
    for method in ["GET", "POST"] {
        assert_eq!(h.raw_json(method, PATH, None).await["errcode"], 41001);
        assert_eq!(
            h.raw_json(method, &format!("{PATH}?access_token=forged"), None)
                .await["errcode"],
            40001
        );
        // The platform's component token is no account's.
        let component = urlencode(&h.token(&TokenKey::Component).await);
        assert_eq!(
            h.raw_json(method, &format!("{PATH}?access_token={component}"), None)
                .await["errcode"],
            40001
        );
    }
    // Without permission set 30 granted: 61007; granted again, answered.
    h.control(
        "/func-info",
        json!({"appid": appid, "func_info": [17, 18, 19]}),
    )
    .await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.get_account_basic_info(&ctx).await), 61007);
    h.control("/func-info", json!({"appid": appid, "func_info": [18, 30]}))
        .await;
    assert!(h.client.get_account_basic_info(&ctx).await.is_ok());
    // Expired tokens: 42001, the client renews and retries once.
    h.advance(7300).await;
    h.sim.push_ticket();
    assert_eq!(
        h.client.get_account_basic_info(&ctx).await.unwrap().name(),
        "令牌与权限"
    );
    // Busy: a read is retried.
    h.fault(PATH, json!({"fault": "busy"}), 2).await;
    assert!(h.client.get_account_basic_info(&ctx).await.is_ok());
}

#[tokio::test]
async fn basic_info_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let appid = {
        let h = Harness::start_with(config.clone()).await;
        let appid = h.authorize("重启后的资料").await;
        h.control(
            "/basic-info",
            json!({"appid": appid, "signature": "重启前写的简介", "realname_status": 3}),
        )
        .await;
        h.sim.flush();
        appid
    };
    let h = Harness::start_with(config).await;
    let state = h.sim.snapshot();
    let a = &state.authorizers[&appid];
    assert_eq!(a.signature, "重启前写的简介");
    assert_eq!(a.basic_info.realname_status, realname_status::FAILED);
    assert_eq!(a.basic_info.signature_modify_used, 1);
}
