//! The authorization matrix: every server function, every page and every plain route, asked
//! by each kind of caller, answers with the status class the security model promises
//! (SECURITY.md). The server-function and page tables are checked against what the running
//! binary registers, so a new server function or page without a row here fails the test.
//!
//! Callers: signed out, `merchant2` (another merchant, asking about merchant 1's mini
//! program and objects), `merchant` (the owner), `operator`, `admin`.

use crate::helpers::*;
use app::services::demo::demo_appid;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Who may call a server function, page or route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// Anyone, signed in or not (sign-in, the language switch, "who am I").
    Public,
    /// Any signed-in user; the answer is scoped to what the user may see.
    SignedIn,
    /// A mini program (or an object of one): staff, and the merchant that owns it. Another
    /// merchant gets the same 404 as for a missing one.
    Owned,
    /// Staff only (admin, operator): merchants get 403.
    Staff,
    /// Staff only, on a mini program: another merchant still gets the 404 of a missing one
    /// (its existence is not revealed), the owning merchant gets 403.
    StaffOwned,
    /// Admins only: operators and merchants get 403.
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    SignedOut,
    OtherMerchant,
    Merchant,
    Operator,
    Admin,
}

const CALLERS: [Caller; 5] = [
    Caller::SignedOut,
    Caller::OtherMerchant,
    Caller::Merchant,
    Caller::Operator,
    Caller::Admin,
];

impl Caller {
    fn tag(self) -> &'static str {
        match self {
            Caller::SignedOut => "out",
            Caller::OtherMerchant => "merchant2",
            Caller::Merchant => "merchant",
            Caller::Operator => "operator",
            Caller::Admin => "admin",
        }
    }
}

/// The status class a cell must answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Past the authorization check: neither 401, 403 nor 404, and not a 500.
    Allowed,
    /// Exactly this status.
    Status(u16),
    /// A redirect (303 or 307/302) to the login page.
    ToLogin,
}

impl Expect {
    fn holds(self, status: StatusCode, location: Option<&str>) -> bool {
        match self {
            Expect::Allowed => ![401, 403, 404, 500].contains(&status.as_u16()),
            Expect::Status(s) => status.as_u16() == s,
            Expect::ToLogin => {
                status.is_redirection() && location.is_some_and(|l| l.starts_with("/login?next="))
            }
        }
    }
}

/// What a server function must answer, per caller.
fn expected(access: Access, caller: Caller) -> Expect {
    use Caller::*;
    match (access, caller) {
        (Access::Public, _) => Expect::Allowed,
        (_, SignedOut) => Expect::Status(401),
        (Access::SignedIn, _) => Expect::Allowed,
        (Access::Owned, OtherMerchant) => Expect::Status(404),
        (Access::Owned, _) => Expect::Allowed,
        (Access::Staff, OtherMerchant | Merchant) => Expect::Status(403),
        (Access::Staff, _) => Expect::Allowed,
        (Access::StaffOwned, OtherMerchant) => Expect::Status(404),
        (Access::StaffOwned, Merchant) => Expect::Status(403),
        (Access::StaffOwned, _) => Expect::Allowed,
        (Access::Admin, Admin) => Expect::Allowed,
        (Access::Admin, _) => Expect::Status(403),
    }
}

/// One row per server function (`POST /api/<endpoint>`). A server function added without a
/// row here fails `every_server_function_is_authorized_for_each_role`.
const SERVER_FNS: &[(&str, Access)] = &[
    ("audit/list", Access::SignedIn),
    ("auth/login", Access::Public),
    ("auth/logout", Access::Public),
    ("auth/me", Access::Public),
    ("authorization/get", Access::Staff),
    ("authorization/start", Access::Staff),
    ("domains/apply", Access::Staff),
    ("domains/change", Access::Owned),
    ("domains/defaults", Access::Staff),
    ("domains/defaults/save", Access::Staff),
    ("domains/get", Access::Owned),
    ("domains/targets", Access::Staff),
    ("locale", Access::Public),
    ("merchants/assign", Access::Admin),
    ("merchants/create", Access::Admin),
    ("merchants/list", Access::Admin),
    ("merchants/options", Access::SignedIn),
    ("merchants/rename", Access::Admin),
    ("merchants/set_permission", Access::Admin),
    ("message_sets/add_member", Access::Staff),
    ("message_sets/apply", Access::Owned),
    ("message_sets/check", Access::Owned),
    ("message_sets/coverage", Access::SignedIn),
    ("message_sets/create", Access::Staff),
    ("message_sets/delete", Access::Staff),
    ("message_sets/get", Access::SignedIn),
    ("message_sets/list", Access::SignedIn),
    ("message_sets/remove_member", Access::Staff),
    ("message_templates/add", Access::Owned),
    ("message_templates/delete", Access::Owned),
    ("message_templates/keywords", Access::Owned),
    ("message_templates/library", Access::Owned),
    ("message_templates/list", Access::Owned),
    ("message_templates/send", Access::Owned),
    ("mini_programs/get", Access::Owned),
    ("mini_programs/home", Access::Owned),
    ("mini_programs/list", Access::SignedIn),
    ("notifications/list", Access::SignedIn),
    ("notifications/read", Access::Owned),
    ("notifications/read_all", Access::SignedIn),
    ("notifications/unread", Access::SignedIn),
    ("platform/callbacks/get", Access::Staff),
    ("platform/callbacks/kinds", Access::Staff),
    ("platform/callbacks/list", Access::Staff),
    ("platform/callbacks/replay", Access::Staff),
    ("platform/tokens", Access::Staff),
    ("platform/tokens/refresh", Access::Staff),
    ("plugins/agree", Access::Owned),
    ("plugins/applications", Access::Owned),
    ("plugins/apply", Access::Owned),
    ("plugins/delete", Access::Owned),
    ("plugins/get", Access::Owned),
    ("plugins/refuse", Access::Owned),
    ("plugins/unbind", Access::Owned),
    ("plugins/update", Access::Owned),
    ("qrcode_rules/apply", Access::Owned),
    ("qrcode_rules/delete", Access::Owned),
    ("qrcode_rules/fleet", Access::SignedIn),
    ("qrcode_rules/get", Access::Owned),
    ("qrcode_rules/publish", Access::Owned),
    ("qrcode_rules/save", Access::Owned),
    ("qrcode_rules/targets", Access::SignedIn),
    ("readiness/check", Access::Owned),
    ("readiness/get", Access::Owned),
    ("readiness/targets", Access::SignedIn),
    ("release/commit", Access::Owned),
    ("release/gray", Access::Owned),
    ("release/refresh_audit", Access::Owned),
    ("release/release", Access::Owned),
    ("release/revert", Access::Owned),
    ("release/revert_gray", Access::Owned),
    ("release/simulate_audit", Access::StaffOwned),
    ("release/submit_audit", Access::Owned),
    ("release/submit_options", Access::Owned),
    ("release/support_version", Access::Owned),
    ("release/templates", Access::Owned),
    ("release/undo_audit", Access::Owned),
    ("release/view", Access::Owned),
    ("subscribe_messages/add", Access::Owned),
    ("subscribe_messages/delete", Access::Owned),
    ("subscribe_messages/keywords", Access::Owned),
    ("subscribe_messages/send", Access::Owned),
    ("subscribe_messages/titles", Access::Owned),
    ("subscribe_messages/view", Access::Owned),
    ("release/visit_status", Access::Owned),
    ("releases/fleet", Access::SignedIn),
    // Rollouts: staff plan, create and control; a merchant sees a rollout that touches its
    // mini programs (the fixture's touches merchant 1's only), merchant 2 gets the 404 of a
    // missing one.
    ("rollouts/cancel", Access::Staff),
    ("rollouts/create", Access::Staff),
    ("rollouts/events", Access::Owned),
    ("rollouts/get", Access::Owned),
    ("rollouts/list", Access::SignedIn),
    ("rollouts/pause", Access::Staff),
    ("rollouts/plan", Access::Staff),
    ("rollouts/resume", Access::Staff),
    ("rollouts/retry", Access::Staff),
    ("rollouts/targets", Access::Owned),
    ("templates/add", Access::Staff),
    ("templates/compare", Access::Staff),
    ("templates/delete", Access::Staff),
    ("templates/library", Access::Staff),
    ("testers/bind", Access::Owned),
    ("testers/get", Access::Owned),
    ("testers/unbind", Access::Owned),
    ("users/change_role", Access::Admin),
    ("users/create", Access::Admin),
    ("users/list", Access::Admin),
    ("users/reset_password", Access::Admin),
    ("users/set_disabled", Access::Admin),
    ("widgets/delete", Access::Owned),
    ("widgets/get", Access::Owned),
    ("widgets/list", Access::SignedIn),
    ("widgets/offline", Access::Owned),
    ("widgets/options", Access::Owned),
    ("widgets/save_draft", Access::Owned),
    ("widgets/simulator", Access::Staff),
    ("widgets/submit", Access::Owned),
];

/// Server functions that take a form (`PostUrl`, the default codec) rather than JSON.
const FORM_FNS: [&str; 4] = ["auth/login", "auth/logout", "auth/me", "locale"];

/// Run last, in this order: they change the caller's own session.
const SESSION_FNS: [&str; 2] = ["auth/login", "auth/logout"];

/// The objects the matrix asks about: all of them merchant 1's, or throwaway ones.
struct Fixture {
    /// A mini program of merchant 1 (`merchant`).
    appid: String,
    merchant_id: i64,
    /// A notification about `appid`, for merchant 1.
    notification: i64,
    /// A stored push.
    callback: i64,
    /// An authorization request ("Add mini program") for merchant 1.
    request: i64,
    /// A throwaway merchant user the admin functions act on.
    user: i64,
    /// A throwaway merchant the admin functions act on.
    merchant: i64,
    /// A template set with one member.
    set: i64,
    /// Per staff caller: a set to delete, and a set with the member to remove.
    doomed_sets: Vec<(&'static str, i64, i64, i64)>,
    /// A paused rollout whose one target is `appid`.
    rollout: i64,
}

/// An appid that no mini program has (same shape as a real one).
const MISSING_APPID: &str = "wx00000000000000aa";
const MISSING_ID: i64 = 987_654_321;

async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.signed_in(ADMIN).await;
    let merchant_id: i64 =
        sqlx::query_scalar("SELECT merchant_id FROM users WHERE username = 'merchant'")
            .fetch_one(&app.db.pool)
            .await
            .expect("merchant's merchant id");
    let appid = demo_appid(4);
    let owner: Option<i64> =
        sqlx::query_scalar("SELECT merchant_id FROM mini_programs WHERE appid = $1")
            .bind(appid.as_str())
            .fetch_one(&app.db.pool)
            .await
            .expect("demo mini program 4");
    assert_eq!(
        owner,
        Some(merchant_id),
        "demo mini program 4 is merchant 1's"
    );
    let notification = app::services::notifications::notify(
        &app.db,
        app::services::notifications::Notice {
            merchant_id: Some(merchant_id),
            appid: Some(&appid),
            kind: "audit_approved",
            params: json!({"auditid": 1, "appid": appid}),
            link: Some(format!("/apps/{appid}/release")),
            dedupe_key: format!("authz-matrix-{appid}"),
        },
    )
    .await
    .expect("notify")
    .expect("a new notification");
    let callback: i64 = sqlx::query_scalar("SELECT MIN(id) FROM wechat_callbacks")
        .fetch_one(&app.db.pool)
        .await
        .expect("a stored push (the demo's tickets and authorizations)");
    let request = app
        .call_ok(
            &admin,
            "authorization/start",
            json!({"merchant_id": merchant_id, "subject": null}),
        )
        .await["id"]
        .as_i64()
        .expect("request id");
    let merchant = app
        .call_ok(&admin, "merchants/create", json!({"name": "矩阵商户"}))
        .await
        .as_i64()
        .expect("merchant id");
    let user = app
        .call_ok(
            &admin,
            "users/create",
            json!({"user": {"username": "matrix-user", "display_name": "矩阵",
                "role": "merchant", "merchant_id": merchant, "password": "matrix-user-pass-1"}}),
        )
        .await
        .as_i64()
        .expect("user id");
    let member = json!({"kind": "Template", "appid": appid, "title_id": "AT0002",
        "keyword_ids": [3, 4], "scene_desc": ""});
    let new_set = |name: String| {
        let admin = &admin;
        async move {
            app.call_ok(admin, "message_sets/create", json!({"name": name}))
                .await
                .as_i64()
                .expect("set id")
        }
    };
    let set = new_set("矩阵模板组".into()).await;
    app.call_ok(
        &admin,
        "message_sets/add_member",
        json!({"id": set, "draft": member}),
    )
    .await;
    let mut doomed_sets = Vec::new();
    for tag in ["operator", "admin"] {
        let to_delete = new_set(format!("矩阵待删-{tag}")).await;
        let with_member = new_set(format!("矩阵待移除-{tag}")).await;
        let added = app
            .call_ok(
                &admin,
                "message_sets/add_member",
                json!({"id": with_member, "draft": member}),
            )
            .await;
        let member_id = added["members"][0]["id"].as_i64().expect("member id");
        doomed_sets.push((tag, to_delete, with_member, member_id));
    }
    let rollout = app::db::rollouts::insert(
        &app.db,
        &app::db::rollouts::NewRollout {
            template_id: 1,
            user_version: "9.9.9",
            user_desc: "matrix",
            ext_json_template: "",
            policy: "\"Automatic\"",
            limits: "{}",
            item_list: "[]",
            status: app::domain::rollout_view::RolloutStatus::Paused,
            created_by: None,
            created_by_name: "matrix",
        },
        &[app::db::rollouts::NewTarget {
            appid: appid.clone(),
            merchant_id: Some(merchant_id),
            state: app::domain::rollout::TargetState::Pending,
            skip_reason: None,
            ext_json: String::new(),
            gray_skipped: false,
        }],
        app::db::now(),
    )
    .await
    .expect("a rollout");
    let app::db::rollouts::Inserted::Created { id: rollout, .. } = rollout else {
        panic!("the matrix's mini program is in no other rollout");
    };
    Fixture {
        rollout,
        appid,
        merchant_id,
        notification,
        callback,
        request,
        user,
        merchant,
        set,
        doomed_sets,
    }
}

/// A well-formed request body for `endpoint`, naming the fixture's objects (or, with
/// `missing`, objects that do not exist).
fn body(endpoint: &str, fx: &Fixture, caller: Caller, missing: bool) -> Value {
    let appid = if missing {
        MISSING_APPID
    } else {
        fx.appid.as_str()
    };
    let id = |real: i64| if missing { MISSING_ID } else { real };
    let tag = caller.tag();
    let page = json!({"page": 1, "per_page": 20});
    match endpoint {
        "auth/login" => {
            json!({"username": format!("nobody-{tag}"), "password": "not-the-password"})
        }
        "auth/logout" | "auth/me" => json!({}),
        "locale" => json!({"locale": "en"}),
        "audit/list" | "mini_programs/list" | "releases/fleet" | "platform/callbacks/list" => {
            json!({"query": {}})
        }
        "widgets/list" => json!({"query": {"status": null, "page": page}}),
        "notifications/list" => json!({"page": page, "unread_only": false}),
        "notifications/read" => json!({"id": id(fx.notification)}),
        "platform/callbacks/get" | "platform/callbacks/replay" => json!({"id": id(fx.callback)}),
        "platform/tokens/refresh" => json!({"key": "component"}),
        "authorization/start" => json!({"merchant_id": fx.merchant_id, "subject": null}),
        "authorization/get" => json!({"id": id(fx.request)}),
        "merchants/create" => json!({"name": format!("矩阵商户-{tag}")}),
        "merchants/rename" => json!({"id": fx.merchant, "name": format!("矩阵商户改名-{tag}")}),
        "merchants/assign" => json!({"merchant_id": fx.merchant_id, "appids": fx.appid}),
        // The level it already has: allowed for admins, and changes nothing for other rows.
        "merchants/set_permission" => json!({"id": fx.merchant, "permission": "release"}),
        "users/create" => json!({"user": {"username": format!("matrix-{tag}"),
            "display_name": "矩阵", "role": "merchant", "merchant_id": fx.merchant,
            "password": "matrix-user-pass-2"}}),
        "users/set_disabled" => json!({"id": fx.user, "disabled": false}),
        "users/reset_password" => json!({"id": fx.user, "password": "matrix-user-pass-3"}),
        "users/change_role" => {
            json!({"id": fx.user, "role": "merchant", "merchant_id": fx.merchant})
        }
        "release/commit" => json!({"appid": appid, "form": {"template_id": 1,
            "ext_json": "", "user_version": "9.9.9", "user_desc": "matrix"}}),
        "release/submit_audit" => json!({"appid": appid, "items": [{
            "address": "pages/index/index", "tag": "矩阵", "first_class": "餐饮",
            "second_class": "咖啡", "first_id": 1, "second_id": 2, "title": "首页"}],
            "feedback_info": null}),
        "release/visit_status" => json!({"appid": appid, "action": "open"}),
        "release/gray" => json!({"appid": appid, "percentage": 10}),
        "release/support_version" => json!({"appid": appid, "version": "2.0.0"}),
        "release/simulate_audit" => json!({"appid": appid, "status": 0, "reason": null}),
        "widgets/save_draft" | "widgets/submit" => json!({"appid": appid, "content": {
            "keyword": "矩阵", "areacode": [110000], "brandname": "",
            "categorylist": [{"id1": 1, "id2": 2, "id3": 0}],
            "material": {"iconType": 1, "items": [
                {"icon": "https://img.example.com/0.png", "title": "功能0", "desc": "描述0",
                 "jumpUrl": "pages/index/index?slot=0"},
                {"icon": "https://img.example.com/1.png", "title": "功能1", "desc": "描述1",
                 "jumpUrl": "pages/index/index?slot=1"}]}}}),
        e if e.starts_with("release/")
            || (e.starts_with("widgets/") && e != "widgets/simulator") =>
        {
            json!({"appid": appid})
        }
        "mini_programs/get" | "mini_programs/home" | "qrcode_rules/get" => json!({"appid": appid}),
        "qrcode_rules/fleet" => json!({"query": {}}),
        "message_templates/library" => json!({"appid": appid, "offset": 0, "search": ""}),
        "message_templates/list" => json!({"appid": appid, "offset": 0}),
        "message_templates/keywords" => json!({"appid": appid, "id": "AT0002"}),
        "message_templates/add" => json!({"appid": appid, "id": "AT0002", "keyword_ids": [3, 4]}),
        "message_templates/delete" => json!({"appid": appid, "template_id": "not-a-template"}),
        "message_templates/send" => json!({"appid": appid, "form": {"touser": "oMatrix",
            "template_id": "not-a-template", "page": "", "form_id": "forged", "values": [],
            "colors": [], "emphasis": null}}),
        "templates/library" => json!({"template_type": null}),
        "subscribe_messages/view" => json!({"appid": appid}),
        "subscribe_messages/titles" => json!({"appid": appid, "category_ids": [], "start": 0}),
        "subscribe_messages/keywords" => json!({"appid": appid, "tid": 1001}),
        "subscribe_messages/add" => {
            json!({"appid": appid, "tid": 1001, "kids": [1, 2], "scene_desc": "矩阵"})
        }
        "subscribe_messages/delete" => json!({"appid": appid, "pri_tmpl_id": "not-a-template"}),
        "subscribe_messages/send" => json!({"appid": appid, "form": {"touser": "oMatrix",
            "template_id": "not-a-template", "page": "", "values": [],
            "miniprogram_state": "formal", "lang": "zh_CN"}}),
        "rollouts/list" => json!({"query": {}}),
        "rollouts/get" | "rollouts/pause" | "rollouts/resume" | "rollouts/cancel" => {
            json!({"id": id(fx.rollout)})
        }
        "rollouts/targets" => json!({"id": id(fx.rollout), "query": {}}),
        "rollouts/events" => json!({"id": id(fx.rollout), "appid": appid}),
        "rollouts/retry" => json!({"id": id(fx.rollout), "appids": []}),
        // No target to run: staff get the plan (200) or a 422, past the authorization check.
        "rollouts/plan" | "rollouts/create" => json!({"request": {
            "spec": {"template_id": 1, "user_version": "9.9.9", "user_desc": "matrix",
                     "ext_json_template": "", "policy": "Automatic"},
            "targets": {"Appids": {"text": ""}},
            "items": [{"address": "pages/index/index", "tag": "矩阵", "title": "首页"}]}}),
        "message_sets/list" => json!({}),
        "message_sets/get" => json!({"id": fx.set}),
        "message_sets/coverage" => json!({"id": fx.set, "query": {}}),
        "message_sets/create" => json!({"name": format!("矩阵新组-{tag}")}),
        "message_sets/add_member" => json!({"id": fx.set, "draft": {"kind": "Subscribe",
            "appid": fx.appid, "title_id": "1001", "keyword_ids": [1, 2], "scene_desc": ""}}),
        "message_sets/delete" | "message_sets/remove_member" => {
            let (set_to_delete, set_with_member, member) = fx
                .doomed_sets
                .iter()
                .find(|(t, ..)| *t == tag)
                .map_or((fx.set, fx.set, MISSING_ID), |(_, d, s, m)| (*d, *s, *m));
            if endpoint == "message_sets/delete" {
                json!({"id": set_to_delete})
            } else {
                json!({"id": set_with_member, "member_id": member})
            }
        }
        "message_sets/check" | "message_sets/apply" => json!({"id": fx.set, "appid": appid}),
        // Unknown ids: staff get WeChat's 85064 (502), past the authorization check.
        "templates/add" => json!({"draft_id": MISSING_ID, "template_type": "Ordinary"}),
        "templates/delete" => json!({"template_id": MISSING_ID}),
        "templates/compare" => json!({"from": 1, "to": 2, "appid": appid}),
        "testers/get" => json!({"appid": appid}),
        "domains/get" => json!({"appid": appid}),
        // Not registered on the platform: staff and the owner get WeChat's 85018 (502), past
        // the check, and nothing changes.
        "domains/change" => json!({"appid": appid, "change": {"kind": "Request",
            "action": "Add", "input": "https://cdn.elsewhere.com"}}),
        // The set as it is (empty): saved again, nothing changes.
        "domains/defaults/save" => json!({"form": {}}),
        "domains/targets" => json!({"query": {}}),
        // An empty set: nothing to apply (200), past the check.
        "domains/apply" => json!({"appid": appid}),
        // Nobody WeChat knows: staff and the owner get WeChat's 85001 (502), past the check.
        "testers/bind" => json!({"appid": appid, "wechatid": format!("matrix_{tag}")}),
        // A userstr WeChat does not list: already unbound (200), past the check.
        "testers/unbind" => json!({"appid": appid, "userstr": "0".repeat(64)}),
        "plugins/get" => json!({"appid": appid}),
        // A plugin nobody has: staff and the owner get WeChat's 89239 (502), past the check.
        "plugins/apply" => {
            json!({"appid": appid, "plugin_appid": "wx00000000000004a4", "reason": "矩阵"})
        }
        // Not a plugin in use: the console's 422, past the check.
        "plugins/update" => json!({"appid": appid, "plugin_appid": "wx00000000000004a4",
            "user_version": "1.0.0"}),
        // Not listed: removed already (200), past the check.
        "plugins/unbind" => json!({"appid": appid, "plugin_appid": "wx00000000000004a4"}),
        // The fixture's mini program owns no plugin: the page says so (200); deciding is
        // WeChat's 89239 (502).
        "plugins/applications" => json!({"appid": appid, "page": 1}),
        "plugins/agree" | "plugins/delete" => {
            json!({"appid": appid, "applicant": "wx00000000000004a4", "page": 1})
        }
        "plugins/refuse" => json!({"appid": appid, "applicant": "wx00000000000004a4",
            "reason": "矩阵", "page": 1}),
        "qrcode_rules/targets" => json!({"search": "", "merchant_id": null}),
        // A re-check reads only: allowed to everyone who sees the mini program.
        "readiness/get" | "readiness/check" => json!({"appid": appid}),
        "readiness/targets" => json!({"query": {}}),
        "qrcode_rules/save" => json!({"appid": appid, "form": {
            "prefix": format!("https://matrix.example.com/{tag}/"), "permit_sub_rule": 1,
            "path": "pages/index/index", "open_version": 1, "debug_url": [], "is_edit": false}}),
        "qrcode_rules/delete" | "qrcode_rules/publish" => {
            json!({"appid": appid, "prefix": "https://matrix.example.com/none/"})
        }
        "qrcode_rules/apply" => json!({"appid": appid, "request": {"template": {
            "prefix": "https://matrix.example.com/{appid}/", "permit_sub_rule": 1,
            "path": "pages/index/index", "open_version": 1, "debug_url": [], "is_edit": false},
            "publish": false}}),
        _ => json!({}),
    }
}

async fn call(
    app: &TestApp,
    client: &Client,
    endpoint: &str,
    body: &Value,
) -> (StatusCode, String) {
    let url = app.url(&format!("/api/{endpoint}"));
    let req = if FORM_FNS.contains(&endpoint) {
        let pairs: Vec<(String, String)> = body
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        client.post(url).form(&pairs)
    } else {
        client.post(url).json(body)
    };
    let res = req.send().await.expect("server function request");
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

async fn clients(app: &TestApp) -> Vec<(Caller, Client)> {
    let mut out = Vec::new();
    for caller in CALLERS {
        let c = match caller {
            Caller::SignedOut => client(),
            Caller::OtherMerchant => app.signed_in(MERCHANT2).await,
            Caller::Merchant => app.signed_in(MERCHANT).await,
            Caller::Operator => app.signed_in(OPERATOR).await,
            Caller::Admin => app.signed_in(ADMIN).await,
        };
        out.push((caller, c));
    }
    out
}

/// The server functions this binary registers, as `/api/…` endpoints without the prefix.
fn registered_server_fns() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| {
            path.strip_prefix("/api/")
                .unwrap_or_else(|| panic!("server function outside /api/: {path}"))
                .to_owned()
        })
        .collect()
}

#[test]
fn the_table_names_every_registered_server_function_and_nothing_else() {
    let registered = registered_server_fns();
    let table: BTreeSet<String> = SERVER_FNS.iter().map(|(e, _)| e.to_string()).collect();
    let missing: Vec<&String> = registered.difference(&table).collect();
    let stale: Vec<&String> = table.difference(&registered).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "authz_matrix::SERVER_FNS must list exactly the registered server functions.\n\
         without a row (add one, with its Access): {missing:?}\n\
         rows for functions that no longer exist: {stale:?}"
    );
    assert_eq!(
        SERVER_FNS.len(),
        table.len(),
        "a server function has two rows"
    );
}

#[tokio::test]
async fn every_server_function_is_authorized_for_each_role() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let clients = clients(&app).await;
    let registered = registered_server_fns();
    let mut order: Vec<(&str, Access)> = SERVER_FNS
        .iter()
        .copied()
        .filter(|(e, _)| registered.contains(*e))
        .collect();
    // Calls that change the caller's own session go last, sign-out the very last.
    order.sort_by_key(|(e, _)| SESSION_FNS.iter().position(|s| s == e));
    let mut report = String::new();
    let mut failures = Vec::new();
    for (endpoint, access) in order {
        for (caller, c) in &clients {
            // Sign-in is public; the matrix sends a wrong password on purpose.
            let expect = if endpoint == "auth/login" {
                Expect::Status(401)
            } else {
                expected(access, *caller)
            };
            let (status, text) =
                call(&app, c, endpoint, &body(endpoint, &fx, *caller, false)).await;
            let _ = writeln!(report, "{endpoint:28} {:10} {status}", caller.tag());
            if !expect.holds(status, None) {
                failures.push(format!(
                    "{endpoint} as {}: expected {expect:?}, got {status}: {}",
                    caller.tag(),
                    text.chars().take(200).collect::<String>()
                ));
            }
            if *caller == Caller::OtherMerchant {
                // Nothing of merchant 1's mini program reaches merchant 2 …
                if status.is_success() && endpoint != "audit/list" && text.contains(&fx.appid) {
                    failures.push(format!(
                        "{endpoint} as merchant2 answered with merchant 1's appid: {}",
                        text.chars().take(200).collect::<String>()
                    ));
                }
                // … and its objects answer exactly like missing ones.
                if matches!(access, Access::Owned | Access::StaffOwned) {
                    let missing =
                        call(&app, c, endpoint, &body(endpoint, &fx, *caller, true)).await;
                    if missing != (status, text.clone()) {
                        failures.push(format!(
                            "{endpoint} as merchant2: another merchant's object answers \
                             {status} {text:?}, a missing one {} {:?}",
                            missing.0, missing.1
                        ));
                    }
                }
            }
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Page routes (`app::app::App`): one row per route the router generates, the path with its
/// parameters filled from the fixture. What each page shows is decided by the server
/// functions it calls; the page answers with their status during server rendering.
const PAGES: &[(&str, Access)] = &[
    ("/", Access::SignedIn),
    ("/admin/merchants", Access::Admin),
    ("/admin/users", Access::Admin),
    ("/apps", Access::SignedIn),
    ("/apps/authorize", Access::Staff),
    ("/apps/{appid}", Access::Owned),
    ("/apps/{appid}/release", Access::Owned),
    ("/apps/{appid}/message-templates", Access::Owned),
    ("/apps/{appid}/subscribe-messages", Access::Owned),
    ("/apps/{appid}/testers", Access::Owned),
    ("/apps/{appid}/readiness", Access::Owned),
    ("/apps/{appid}/plugins", Access::Owned),
    ("/apps/{appid}/plugin-applications", Access::Owned),
    ("/apps/{appid}/domains", Access::Owned),
    ("/apps/{appid}/qrcode-rules", Access::Owned),
    ("/apps/{appid}/widget", Access::Owned),
    ("/audit", Access::SignedIn),
    ("/domains/defaults", Access::Staff),
    ("/login", Access::Public),
    ("/message-sets", Access::SignedIn),
    ("/message-sets/{id}", Access::SignedIn),
    ("/notifications", Access::SignedIn),
    ("/platform/callbacks", Access::Staff),
    ("/platform/callbacks/{id}", Access::Staff),
    ("/platform/tokens", Access::Staff),
    ("/qrcode-rules", Access::SignedIn),
    ("/releases", Access::SignedIn),
    ("/rollouts", Access::SignedIn),
    ("/rollouts/new", Access::Staff),
    ("/rollouts/{id}", Access::Owned),
    ("/templates", Access::Staff),
    ("/widgets", Access::SignedIn),
];

fn registered_pages() -> BTreeSet<String> {
    leptos_axum::generate_route_list(app::app::App)
        .iter()
        .map(|r| r.path().to_owned())
        .map(|p| if p.is_empty() { "/".to_owned() } else { p })
        .collect()
}

fn page_path(pattern: &str, fx: &Fixture, missing: bool) -> String {
    let appid = if missing {
        MISSING_APPID
    } else {
        fx.appid.as_str()
    };
    let real = if pattern.starts_with("/message-sets/") {
        fx.set
    } else if pattern.starts_with("/rollouts/") {
        fx.rollout
    } else {
        fx.callback
    };
    let id = if missing { MISSING_ID } else { real };
    pattern
        .replace("{appid}", appid)
        .replace("{id}", &id.to_string())
}

/// What a page answers, per caller.
fn expected_page(pattern: &str, access: Access, caller: Caller) -> Expect {
    match (pattern, access, caller) {
        // Signed in, the login page and the root send the user on into the console.
        ("/login" | "/", _, c) if c != Caller::SignedOut => Expect::Status(303),
        (_, Access::Public, _) => Expect::Status(200),
        (_, _, Caller::SignedOut) => Expect::ToLogin,
        (_, access, caller) => expected(access, caller),
    }
}

#[tokio::test]
async fn every_page_is_authorized_for_each_role() {
    let registered = registered_pages();
    let table: BTreeSet<String> = PAGES.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(
        registered, table,
        "authz_matrix::PAGES must list exactly the page routes of app::app::App"
    );
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let clients = clients(&app).await;
    let mut report = String::new();
    let mut failures = Vec::new();
    for (pattern, access) in PAGES {
        for (caller, c) in &clients {
            let expect = expected_page(pattern, *access, *caller);
            let path = page_path(pattern, &fx, false);
            let res = c.get(app.url(&path)).send().await.expect("page");
            let status = res.status();
            let location = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let text = res.text().await.unwrap_or_default();
            let _ = writeln!(report, "{path:40} {:10} {status}", caller.tag());
            if !expect.holds(status, location.as_deref()) {
                failures.push(format!(
                    "GET {pattern} as {}: expected {expect:?}, got {status} {location:?}",
                    caller.tag()
                ));
            }
            // Objects of one merchant look missing to another; template sets (`SignedIn`)
            // belong to nobody and every signed-in user sees them.
            if *caller == Caller::OtherMerchant
                && pattern.contains('{')
                && *access != Access::SignedIn
            {
                if status.is_success() && text.contains(&fx.appid) {
                    failures.push(format!(
                        "GET {pattern} as merchant2 shows merchant 1's appid"
                    ));
                }
                let missing = c
                    .get(app.url(&page_path(pattern, &fx, true)))
                    .send()
                    .await
                    .expect("page");
                if missing.status() != status {
                    failures.push(format!(
                        "GET {pattern} as merchant2: another merchant's object answers {status}, \
                         a missing one {}",
                        missing.status()
                    ));
                }
            }
        }
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The plain axum routes (server/src: wechat_routes.rs, release_routes.rs, exports.rs,
/// startup.rs). axum cannot list its routes, so this table is kept by hand: add a row with
/// every new route. WeChat's callback URLs and the authorization landing have tests of
/// their own below.
fn plain_routes(fx: &Fixture) -> Vec<(Method, String, Access)> {
    let a = &fx.appid;
    vec![
        (Method::GET, "/healthz".into(), Access::Public),
        // Under /apps/: the page guard sends a signed-out visitor to the login page.
        (
            Method::GET,
            format!("/apps/{a}/release/qrcode.jpg"),
            Access::Owned,
        ),
        (
            Method::GET,
            format!("/apps/{a}/release/qrcode.jpg?download=1"),
            Access::Owned,
        ),
        (Method::GET, "/releases/export.csv".into(), Access::SignedIn),
        (
            Method::GET,
            "/qrcode-rules/export.csv".into(),
            Access::SignedIn,
        ),
        (
            Method::GET,
            format!("/rollouts/{}/export.csv", fx.rollout),
            Access::Owned,
        ),
        (
            Method::GET,
            format!("/apps/{a}/qrcode-rules/verify-file"),
            Access::Owned,
        ),
        // The icon proxy (server/src/media): signed in first, then the URL is checked
        // (an ftp URL is refused with 400 without any fetch).
        (
            Method::GET,
            "/media/icon?url=ftp%3A%2F%2Fimg.example.com%2Fa.png".into(),
            Access::SignedIn,
        ),
    ]
}

/// What a plain route answers: like a server function, but a path under the pages' guard
/// (`/apps/…`) sends a signed-out visitor to sign in first.
fn expected_route(path: &str, access: Access, caller: Caller) -> Expect {
    if caller == Caller::SignedOut && path.starts_with("/apps/") {
        Expect::ToLogin
    } else {
        expected(access, caller)
    }
}

#[tokio::test]
async fn every_plain_route_is_authorized_for_each_role() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let clients = clients(&app).await;
    let mut report = String::new();
    let mut failures = Vec::new();
    for (method, path, access) in plain_routes(&fx) {
        for (caller, c) in &clients {
            let expect = expected_route(&path, access, *caller);
            let res = c
                .request(method.clone(), app.url(&path))
                .send()
                .await
                .expect("route");
            let status = res.status();
            let location = res
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let text = res.text().await.unwrap_or_default();
            let _ = writeln!(report, "{method} {path:60} {:10} {status}", caller.tag());
            if !expect.holds(status, location.as_deref()) {
                failures.push(format!(
                    "{method} {path} as {}: expected {expect:?}, got {status}: {}",
                    caller.tag(),
                    text.chars().take(200).collect::<String>()
                ));
            }
            if *caller == Caller::OtherMerchant {
                if status.is_success() && text.contains(&fx.appid) {
                    failures.push(format!(
                        "{method} {path} as merchant2 shows merchant 1's appid"
                    ));
                }
                if access == Access::Owned {
                    let other = path.replace(&fx.appid, MISSING_APPID);
                    let missing = c
                        .request(method.clone(), app.url(&other))
                        .send()
                        .await
                        .expect("route");
                    let missing = (missing.status(), missing.text().await.unwrap_or_default());
                    if missing.0 != status {
                        failures.push(format!(
                            "{method} {path} as merchant2: {status}, for a missing appid {}",
                            missing.0
                        ));
                    }
                }
            }
        }
    }
    // WeChat's callback URLs are for WeChat: whoever calls them without a valid signature is
    // refused (400) whatever session they carry, and nothing is stored.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    for path in [
        "/wechat/callback".to_owned(),
        format!("/wechat/callback/{}", fx.appid),
    ] {
        for (caller, c) in &clients {
            for (method, query) in [
                (
                    Method::GET,
                    "?signature=0&timestamp=1&nonce=2&echostr=hello",
                ),
                (Method::POST, "?msg_signature=0&timestamp=1&nonce=2"),
                (Method::POST, ""),
            ] {
                let res = c
                    .request(method.clone(), app.url(&format!("{path}{query}")))
                    .body("<xml><Encrypt><![CDATA[AAAA]]></Encrypt></xml>")
                    .send()
                    .await
                    .expect("callback");
                let status = res.status();
                let _ = writeln!(
                    report,
                    "{method} {path}{query:40} {:10} {status}",
                    caller.tag()
                );
                if status != 400 {
                    failures.push(format!(
                        "{method} {path}{query} as {}: expected 400, got {status}",
                        caller.tag()
                    ));
                }
            }
        }
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    if after != before {
        failures.push(format!("unsigned pushes were stored: {before} → {after}"));
    }
    println!("{report}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `/wechat/authorized` is where the owner's browser lands from WeChat, so it is public; but
/// a stranger's visit with a made-up state must change nothing: no request is completed or
/// failed, WeChat is not asked (issue 10, item 4).
#[tokio::test]
async fn the_authorization_landing_changes_nothing_for_strangers() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let clients = clients(&app).await;
    let admin = app.signed_in(ADMIN).await;
    let status_of = |admin: Client| {
        let app = &app;
        let id = fx.request;
        async move {
            app.call_ok(&admin, "authorization/get", json!({ "id": id }))
                .await["status"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    assert_eq!(status_of(admin.clone()).await, "pending");
    let queries_before = sim_calls(&app, "/cgi-bin/component/api_query_auth", "").await;
    let mut failures = Vec::new();
    for (caller, c) in &clients {
        for path in ["/wechat/authorized", "/wechat/authorized/finish"] {
            // Both the old parameter (a sequential request id) and a made-up state.
            let url = app.url(&format!(
                "{path}?request={}&state=made-up-{}&auth_code=queryauthcode@@@forged",
                fx.request,
                caller.tag()
            ));
            let res = c.get(url).send().await.expect("landing");
            let status = res.status();
            if !status.is_client_error() {
                failures.push(format!(
                    "GET {path} with a made-up state as {}: expected 4xx, got {status}",
                    caller.tag()
                ));
            }
        }
    }
    let after = status_of(admin).await;
    if after != "pending" {
        failures.push(format!(
            "a stranger's landing changed request {} to {after}",
            fx.request
        ));
    }
    let queries_after = sim_calls(&app, "/cgi-bin/component/api_query_auth", "").await;
    if queries_after != queries_before {
        failures.push(format!(
            "strangers' landings cost {} api_query_auth calls",
            queries_after - queries_before
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The icon proxy must not become a way into the console's own network: loopback (the
/// simulator's control API, other local services), private, link-local (cloud metadata) and
/// unspecified addresses are refused (400) before anything is fetched, however they are
/// spelled (server/src/media/public_only.rs).
#[tokio::test]
async fn the_icon_proxy_reaches_no_internal_address() {
    let app = spawn_app().await;
    let c = app.signed_in(MERCHANT).await;
    let sim = app.sim_base.trim_start_matches("http://").to_owned();
    let (_, sim_port) = sim.rsplit_once(':').expect("host:port");
    let mut failures = Vec::new();
    for target in [
        format!("http://{sim}/__sim/state"),
        format!("http://localhost:{sim_port}/__sim/state"),
        format!("http://[::1]:{sim_port}/__sim/state"),
        format!("http://0.0.0.0:{sim_port}/__sim/state"),
        format!("http://2130706433:{sim_port}/__sim/state"),
        format!("http://127.1:{sim_port}/__sim/state"),
        "http://10.0.0.1/a.png".to_owned(),
        "http://192.168.1.1/a.png".to_owned(),
        "http://172.16.0.1/a.png".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[fd00::1]/a.png".to_owned(),
        "http://[::ffff:127.0.0.1]/a.png".to_owned(),
    ] {
        let url = app.url(&format!(
            "/media/icon?url={}",
            url::form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>()
        ));
        let res = c.get(url).send().await.expect("icon");
        if res.status() != 400 {
            failures.push(format!("{target}: {}", res.status()));
        }
    }
    assert!(
        failures.is_empty(),
        "internal addresses fetched:\n{}",
        failures.join("\n")
    );
}
