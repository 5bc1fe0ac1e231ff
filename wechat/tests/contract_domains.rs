//! Contract tests: the domain endpoints (modify_domain: server domains; setwebviewdomain:
//! business domains) through the real client against the simulator: every action, partial
//! success, every errcode path, the platform's registered domains, the control API and a
//! restart.

mod common;

use common::{errcode, urlencode, Harness};
use serde_json::{json, Value};
use wechat::api::domain::{
    DomainAction, ServerDomains, SERVER_DOMAINS_MAX, SERVER_DOMAIN_CHANGES_PER_MONTH,
    WEBVIEW_DOMAINS_MAX,
};
use wechat::simulator::SimConfig;
use wechat::TokenKey;

fn request(list: &[&str]) -> ServerDomains {
    ServerDomains {
        requestdomain: list.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[tokio::test]
async fn get_add_delete_and_set_server_domains() {
    let h = Harness::start().await;
    let appid = h.authorize("域名小程序").await;
    let ctx = h.ctx(&appid);
    assert!(h.client.get_server_domains(&ctx).await.unwrap().is_empty());

    // Add to two kinds at once; the answer is the lists as they are now.
    let lists = ServerDomains {
        requestdomain: strings(&["https://api.demo-shop.com", "https://IMG.demo-shop.com/"]),
        wsrequestdomain: strings(&["wss://wss.demo-shop.com:9443"]),
        ..Default::default()
    };
    let answer = h
        .client
        .modify_domain(&ctx, DomainAction::Add, &lists)
        .await
        .unwrap();
    assert_eq!(
        answer.current.requestdomain,
        ["https://api.demo-shop.com", "https://img.demo-shop.com"],
        "compared and kept normalised"
    );
    assert_eq!(
        answer.current.wsrequestdomain,
        ["wss://wss.demo-shop.com:9443"]
    );
    assert!(answer.rejected.is_empty());
    assert_eq!(
        h.client.get_server_domains(&ctx).await.unwrap(),
        answer.current
    );

    // Delete one; set replaces the kinds it names (the others stay).
    let answer = h
        .client
        .modify_domain(
            &ctx,
            DomainAction::Delete,
            &request(&["https://img.demo-shop.com"]),
        )
        .await
        .unwrap();
    assert_eq!(answer.current.requestdomain, ["https://api.demo-shop.com"]);
    let raw = h
        .raw_json(
            "POST",
            &format!(
                "/wxa/modify_domain?access_token={}",
                urlencode(&h.access_token(&appid).await)
            ),
            Some(r#"{"action":"set","uploaddomain":["https://upload.demo-shop.com"]}"#),
        )
        .await;
    assert_eq!(raw["errcode"], 0, "{raw}");
    assert_eq!(raw["uploaddomain"], json!(["https://upload.demo-shop.com"]));
    assert_eq!(raw["requestdomain"], json!(["https://api.demo-shop.com"]));
    assert_eq!(raw["invalid_uploaddomain"], json!([]));
    assert_eq!(raw["no_icp_domain"], json!([]));
    // The typed client sends all six lists: set with empty ones clears them.
    let answer = h
        .client
        .modify_domain(
            &ctx,
            DomainAction::Set,
            &ServerDomains {
                downloaddomain: strings(&["https://download.demo-shop.com"]),
                udpdomain: strings(&["udp://udp.demo-shop.com"]),
                tcpdomain: strings(&["tcp://tcp.demo-shop.com:7000"]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(answer.current.requestdomain.is_empty());
    assert!(answer.current.uploaddomain.is_empty());
    assert_eq!(answer.current.total(), 3);
    // get answers the lists only.
    let raw = h
        .raw_json(
            "POST",
            &format!(
                "/wxa/modify_domain?access_token={}",
                urlencode(&h.access_token(&appid).await)
            ),
            Some(r#"{"action":"get"}"#),
        )
        .await;
    assert_eq!(raw["tcpdomain"], json!(["tcp://tcp.demo-shop.com:7000"]));
    assert!(raw.get("no_icp_domain").is_none(), "{raw}");
}

#[tokio::test]
async fn a_partial_success_lists_what_was_turned_down() {
    let h = Harness::start().await;
    let appid = h.authorize("部分成功").await;
    let ctx = h.ctx(&appid);
    let lists = ServerDomains {
        requestdomain: strings(&[
            "https://api.demo-shop.com",
            "https://1.2.3.4",
            "https://cdn.elsewhere.com",
            "https://api.demo-shop.test",
        ]),
        downloaddomain: strings(&["http://download.demo-shop.com"]),
        ..Default::default()
    };
    let answer = h
        .client
        .modify_domain(&ctx, DomainAction::Add, &lists)
        .await
        .unwrap();
    assert_eq!(answer.current.requestdomain, ["https://api.demo-shop.com"]);
    assert_eq!(
        answer.rejected.invalid_requestdomain,
        ["https://1.2.3.4", "https://cdn.elsewhere.com"]
    );
    assert_eq!(
        answer.rejected.invalid_downloaddomain,
        ["http://download.demo-shop.com"]
    );
    assert_eq!(
        answer.rejected.no_icp_domain,
        ["https://api.demo-shop.test"]
    );
}

#[tokio::test]
async fn every_errcode_of_modify_domain() {
    let h = Harness::start().await;
    let appid = h.authorize("域名错误码").await;
    let ctx = h.ctx(&appid);
    let add = |list: &[&str]| request(list);
    // Nothing applied: the reason decides the code.
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://1.2.3.4", "https://localhost"])
                )
                .await
        ),
        85301
    );
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://api.demo-shop.test"])
                )
                .await
        ),
        85302
    );
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://1.2.3.4", "https://shop.local"])
                )
                .await
        ),
        85303
    );
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://cdn.elsewhere.com"])
                )
                .await
        ),
        85018
    );
    assert_eq!(
        errcode(
            h.client
                .modify_domain(&ctx, DomainAction::Add, &add(&[]))
                .await
        ),
        85017
    );
    // api.weixin.qq.com is never a server domain (85301 even when registered).
    h.control(
        "/platform-domains",
        json!({"server": ["api.weixin.qq.com", "api.demo-shop.com"]}),
    )
    .await;
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://api.weixin.qq.com"])
                )
                .await
        ),
        85301
    );
    // Already there: nothing new, 85017; delete of an absent one too.
    h.client
        .modify_domain(
            &ctx,
            DomainAction::Add,
            &add(&["https://api.demo-shop.com"]),
        )
        .await
        .unwrap();
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://api.demo-shop.com"])
                )
                .await
        ),
        85017
    );
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Delete,
                    &add(&["https://img.demo-shop.com"])
                )
                .await
        ),
        85017
    );
    // No server domain registered on the platform at all: 85018.
    h.control("/platform-domains", json!({"server": []})).await;
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &ctx,
                    DomainAction::Add,
                    &add(&["https://img.demo-shop.com"])
                )
                .await
        ),
        85018
    );
    // More than 200 in a kind after the operation: 85016, and nothing applied.
    let hosts: Vec<String> = (0..=SERVER_DOMAINS_MAX)
        .map(|n| format!("h{n}.demo-shop.com"))
        .collect();
    h.control("/platform-domains", json!({"server": hosts.clone()}))
        .await;
    let many: Vec<String> = hosts.iter().map(|host| format!("https://{host}")).collect();
    let lists = ServerDomains {
        requestdomain: many,
        ..Default::default()
    };
    assert_eq!(
        errcode(
            h.client
                .modify_domain(&ctx, DomainAction::Add, &lists)
                .await
        ),
        85016
    );
    assert_eq!(
        h.client
            .get_server_domains(&ctx)
            .await
            .unwrap()
            .requestdomain,
        ["https://api.demo-shop.com"]
    );

    // The request itself: another action 85022, a body that is not JSON 47001, a list of
    // the wrong type 47001.
    let token = urlencode(&h.access_token(&appid).await);
    let path = format!("/wxa/modify_domain?access_token={token}");
    for (body, expected) in [
        (r#"{"action":"replace"}"#, 85022),
        ("{", 47001),
        (
            r#"{"action":"add","requestdomain":"https://api.demo-shop.com"}"#,
            47001,
        ),
        (r#"{"action":7}"#, 47001),
    ] {
        assert_eq!(
            h.raw_json("POST", &path, Some(body)).await["errcode"],
            expected,
            "{body}"
        );
    }

    // 50 changes a month; the 51st is refused (89030, provisional) until the month turns.
    let other = h.authorize("每月五十次").await;
    let octx = h.ctx(&other);
    let used = h
        .control(
            "/domains",
            json!({"appid": other, "changes_this_month": SERVER_DOMAIN_CHANGES_PER_MONTH - 1}),
        )
        .await;
    assert_eq!(
        used["changes_this_month"],
        SERVER_DOMAIN_CHANGES_PER_MONTH - 1
    );
    h.client
        .modify_domain(
            &octx,
            DomainAction::Add,
            &add(&["https://h1.demo-shop.com"]),
        )
        .await
        .unwrap();
    assert_eq!(
        errcode(
            h.client
                .modify_domain(
                    &octx,
                    DomainAction::Add,
                    &add(&["https://h2.demo-shop.com"])
                )
                .await
        ),
        89030
    );
    // Reading is not a change.
    assert_eq!(
        h.client
            .get_server_domains(&octx)
            .await
            .unwrap()
            .requestdomain,
        ["https://h1.demo-shop.com"]
    );
    h.advance_days(32).await;
    h.client
        .modify_domain(
            &octx,
            DomainAction::Add,
            &add(&["https://h2.demo-shop.com"]),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn business_domains_every_action_and_errcode() {
    let h = Harness::start().await;
    let appid = h.authorize("业务域名").await;
    let ctx = h.ctx(&appid);
    assert!(h.client.get_webview_domains(&ctx).await.unwrap().is_empty());
    // The platform's business domain and its sub-domains.
    let added = h
        .client
        .set_webview_domain(
            &ctx,
            DomainAction::Add,
            &strings(&["https://h5.demo-shop.com", "https://M.h5.demo-shop.com/"]),
        )
        .await
        .unwrap();
    assert!(added.is_empty(), "only get answers with the list");
    assert_eq!(
        h.client.get_webview_domains(&ctx).await.unwrap(),
        ["https://h5.demo-shop.com", "https://m.h5.demo-shop.com"]
    );
    for (action, list, expected) in [
        // Nothing new.
        (DomainAction::Add, vec!["https://h5.demo-shop.com"], 89019),
        // Not under the platform's business domain, a port, no scheme, http.
        (DomainAction::Add, vec!["https://www.demo-shop.com"], 89021),
        (
            DomainAction::Add,
            vec!["https://h5.demo-shop.com:8443"],
            89021,
        ),
        (DomainAction::Add, vec!["h5.demo-shop.com"], 89021),
        (DomainAction::Add, vec!["http://x.h5.demo-shop.com"], 89021),
        // Delete of an absent one.
        (
            DomainAction::Delete,
            vec!["https://x.h5.demo-shop.com"],
            89022,
        ),
        // Set to what is there already.
        (
            DomainAction::Set,
            vec!["https://m.h5.demo-shop.com", "https://h5.demo-shop.com"],
            89019,
        ),
    ] {
        assert_eq!(
            errcode(
                h.client
                    .set_webview_domain(&ctx, action, &strings(&list))
                    .await
            ),
            expected,
            "{action:?} {list:?}"
        );
    }
    h.client
        .set_webview_domain(
            &ctx,
            DomainAction::Delete,
            &strings(&["https://m.h5.demo-shop.com"]),
        )
        .await
        .unwrap();
    h.client
        .set_webview_domain(
            &ctx,
            DomainAction::Set,
            &strings(&["https://a.h5.demo-shop.com"]),
        )
        .await
        .unwrap();
    assert_eq!(
        h.client.get_webview_domains(&ctx).await.unwrap(),
        ["https://a.h5.demo-shop.com"]
    );
    // More than 300: 89029.
    let many: Vec<String> = (0..=WEBVIEW_DOMAINS_MAX)
        .map(|n| format!("https://s{n}.h5.demo-shop.com"))
        .collect();
    assert_eq!(
        errcode(
            h.client
                .set_webview_domain(&ctx, DomainAction::Set, &many)
                .await
        ),
        89029
    );
    // Without an action: the platform's business domains are added.
    let token = urlencode(&h.access_token(&appid).await);
    let path = format!("/wxa/setwebviewdomain?access_token={token}");
    assert_eq!(h.raw_json("POST", &path, Some("{}")).await["errcode"], 0);
    assert_eq!(
        h.client.get_webview_domains(&ctx).await.unwrap(),
        ["https://a.h5.demo-shop.com", "https://h5.demo-shop.com"]
    );
    assert_eq!(
        h.raw_json("POST", &path, Some("{}")).await["errcode"],
        89019
    );
    for (body, expected) in [
        (r#"{"action":"replace"}"#, 85022),
        ("{", 47001),
        (
            r#"{"action":"add","webviewdomain":"https://h5.demo-shop.com"}"#,
            47001,
        ),
    ] {
        assert_eq!(
            h.raw_json("POST", &path, Some(body)).await["errcode"],
            expected,
            "{body}"
        );
    }
    // The platform has no business domain: 89020.
    h.control("/platform-domains", json!({"jump": []})).await;
    assert_eq!(
        errcode(
            h.client
                .set_webview_domain(
                    &ctx,
                    DomainAction::Add,
                    &strings(&["https://b.h5.demo-shop.com"])
                )
                .await
        ),
        89020
    );

    // A personal account cannot have business domains, not even read them: 89231.
    let personal = h
        .authorize_profile(json!({"nick_name": "个人的小程序", "principal_name": "个人"}))
        .await;
    let pctx = h.ctx(&personal);
    assert_eq!(errcode(h.client.get_webview_domains(&pctx).await), 89231);
    assert_eq!(
        errcode(
            h.client
                .set_webview_domain(
                    &pctx,
                    DomainAction::Add,
                    &strings(&["https://h5.demo-shop.com"])
                )
                .await
        ),
        89231
    );
    // Server domains are for every account.
    h.client
        .modify_domain(
            &pctx,
            DomainAction::Add,
            &request(&["https://api.demo-shop.com"]),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn tokens_and_the_permission_set_are_checked() {
    let h = Harness::start().await;
    let appid = h.authorize("域名令牌").await;
    for path in ["/wxa/modify_domain", "/wxa/setwebviewdomain"] {
        let body = Some(r#"{"action":"get"}"#);
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
    // Without permission set 18: 61007 on both.
    h.control("/func-info", json!({"appid": appid, "func_info": [17, 19]}))
        .await;
    let ctx = h.ctx(&appid);
    assert_eq!(errcode(h.client.get_server_domains(&ctx).await), 61007);
    assert_eq!(errcode(h.client.get_webview_domains(&ctx).await), 61007);
    h.control("/func-info", json!({"appid": appid, "func_info": [18]}))
        .await;
    assert!(h.client.get_server_domains(&ctx).await.is_ok());
}

#[tokio::test]
async fn the_control_api_sets_platform_and_account_domains() {
    let h = Harness::start().await;
    let appid = h.authorize("控制接口").await;
    let platform = h.control_get("/platform-domains").await;
    assert!(platform["server"]
        .as_array()
        .is_some_and(|l| l.contains(&json!("api.demo-shop.com"))));
    assert_eq!(platform["jump"], json!(["h5.demo-shop.com"]));
    let set = h
        .control(
            "/platform-domains",
            json!({"jump": ["H5.Demo-Shop.com", "m.demo-shop.com"]}),
        )
        .await;
    assert_eq!(set["jump"], json!(["h5.demo-shop.com", "m.demo-shop.com"]));
    assert_eq!(set["server"], platform["server"], "lists not given stay");

    // The owner's own settings on mp.weixin.qq.com, seen through the API.
    let answer = h
        .control(
            "/domains",
            json!({"appid": appid, "requestdomain": ["https://owner.example.com"],
                "webviewdomain": ["https://m.demo-shop.com"]}),
        )
        .await;
    assert_eq!(
        answer["requestdomain"],
        json!(["https://owner.example.com"])
    );
    let ctx = h.ctx(&appid);
    assert_eq!(
        h.client
            .get_server_domains(&ctx)
            .await
            .unwrap()
            .requestdomain,
        ["https://owner.example.com"]
    );
    assert_eq!(
        h.client.get_webview_domains(&ctx).await.unwrap(),
        ["https://m.demo-shop.com"]
    );
    let read: Value = h.control_get(&format!("/domains?appid={appid}")).await;
    assert_eq!(read["webviewdomain"], json!(["https://m.demo-shop.com"]));
    assert_eq!(read["changes_this_month"], 0);
    assert_eq!(
        h.control_get("/domains?appid=wx00000000000000aa").await["errcode"],
        40013
    );
}

#[tokio::test]
async fn domains_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = SimConfig::demo();
    config.state_file = Some(dir.path().join("sim.json"));
    let appid = {
        let h = Harness::start_with(config.clone()).await;
        let appid = h.authorize("重启后的域名").await;
        let ctx = h.ctx(&appid);
        h.client
            .modify_domain(
                &ctx,
                DomainAction::Add,
                &request(&["https://api.demo-shop.com"]),
            )
            .await
            .unwrap();
        h.client
            .set_webview_domain(
                &ctx,
                DomainAction::Add,
                &strings(&["https://h5.demo-shop.com"]),
            )
            .await
            .unwrap();
        h.control(
            "/platform-domains",
            json!({"jump": ["h5.demo-shop.com", "m.demo-shop.com"]}),
        )
        .await;
        appid
    };
    let again = Harness::start_with(config).await;
    let state = again.sim.snapshot();
    let d = &state.authorizers[&appid].domains;
    assert_eq!(d.request, ["https://api.demo-shop.com"]);
    assert_eq!(d.webview, ["https://h5.demo-shop.com"]);
    assert_eq!(d.changes.len(), 1);
    assert_eq!(
        state.platform_domains.jump,
        ["h5.demo-shop.com", "m.demo-shop.com"]
    );
}
