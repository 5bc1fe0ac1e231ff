//! Demo data for the embedded default: three merchants, one login per role, ~60 mini programs.
//! Seeded once (a marker in app_meta), so a restart keeps whatever was changed since.

use super::{authorization, password, AppState};
use crate::db::{self, meta, users::NewUserRecord, Db};
use crate::domain::auth::Role;
use crate::domain::mini_program::{AppStatus, SubjectType};
use crate::error::AppError;

const SEEDED_KEY: &str = "demo_seeded";

pub struct DemoLogin {
    pub username: &'static str,
    pub password: &'static str,
    pub role: Role,
    /// Index into MERCHANTS for merchant users.
    pub merchant: Option<usize>,
    pub display_name: &'static str,
}

pub const MERCHANTS: [&str; 3] = ["星辰咖啡", "青禾生鲜", "云途出行"];

/// Well-known passwords: the demo runs on loopback only and prints them at start.
pub const DEMO_LOGINS: [DemoLogin; 4] = [
    DemoLogin {
        username: "admin",
        password: "admin-demo-2026",
        role: Role::Admin,
        merchant: None,
        display_name: "平台管理员",
    },
    DemoLogin {
        username: "operator",
        password: "operator-demo-2026",
        role: Role::Operator,
        merchant: None,
        display_name: "运营小李",
    },
    DemoLogin {
        username: "merchant",
        password: "merchant-demo-2026",
        role: Role::Merchant,
        merchant: Some(0),
        display_name: "星辰咖啡店长",
    },
    DemoLogin {
        username: "merchant2",
        password: "merchant2-demo-2026",
        role: Role::Merchant,
        merchant: Some(1),
        display_name: "青禾生鲜店长",
    },
];

const PRODUCTS: [&str; 10] = [
    "点单",
    "会员",
    "商城",
    "外卖",
    "预约",
    "积分",
    "门店",
    "优惠券",
    "礼品卡",
    "活动",
];
const SUBJECTS: [SubjectType; 10] = [
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::Enterprise,
    SubjectType::IndividualBusiness,
    SubjectType::IndividualBusiness,
    SubjectType::Individual,
    SubjectType::Government,
    SubjectType::Media,
    SubjectType::OtherOrganization,
];

/// A stable, valid-looking AppID for demo row `i` (wx + 16 hex digits).
pub fn demo_appid(i: u64) -> String {
    let mixed = i.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995_0d5c_a4f3;
    format!("wx{mixed:016x}")
}

pub const DEMO_MINI_PROGRAMS: u64 = 60;

/// Demo mini programs whose account has a category with third levels (教育 > 学历教育, whose
/// get_category entries are 高等 and 中等, see `wechat::simulator::provisional`): 32 of 星辰咖啡
/// (its audit was rejected, so it may submit again), 33 of 青禾生鲜 (code committed only) and
/// 26 of 云途出行 (released, a newer version in review). Every other one has one of the
/// two-level categories, by merchant.
pub const THIRD_LEVEL_DEMOS: [u64; 3] = [26, 32, 33];

/// Demo mini programs that own a plugin (插件; the simulator opens it, as the owner would under
/// 小程序插件): 0 (星辰咖啡's, an enterprise: 餐饮 - 点餐平台) and 59 (not assigned, an
/// enterprise: 工具 - 办公, its own category), each with usage applications made outside the
/// console (one near WeChat's 24-hour deadline, one timed out).
pub const PLUGIN_OWNER_DEMOS: [u64; 2] = [0, 59];

/// Demo mini programs whose authorization leaves out permission set 40 (插件管理): their
/// plugin pages show WeChat's 61007.
pub const NO_PLUGIN_SCOPE_DEMOS: [u64; 1] = [54];

/// Merchants and the demo logins (before the server starts, so they can sign in at once).
/// Returns false when the demo was seeded before.
pub async fn seed_accounts(db: &Db) -> Result<bool, AppError> {
    if meta::get(db, SEEDED_KEY).await?.is_some() {
        return Ok(false);
    }
    let now = db::now();
    let merchant_ids = merchant_ids(db, now).await?;
    for login in &DEMO_LOGINS {
        if db::users::find_by_username(db, login.username)
            .await?
            .is_some()
        {
            continue;
        }
        let hash = password::hash(login.password.to_string()).await?;
        let record = NewUserRecord {
            username: login.username,
            display_name: login.display_name,
            password_hash: &hash,
            role: login.role,
            merchant_id: login.merchant.map(|m| merchant_ids[m]),
        };
        db::users::insert(db, &record, now).await?;
    }
    Ok(true)
}

async fn merchant_ids(db: &Db, now: i64) -> Result<Vec<i64>, AppError> {
    let mut ids = Vec::new();
    for name in MERCHANTS {
        let id = match db::merchants::find_by_name(db, name).await? {
            Some(id) => id,
            None => db::merchants::insert(db, name, now).await?,
        };
        ids.push(id);
    }
    Ok(ids)
}

/// One demo mini program: who owns it and in which state it should end up.
pub struct DemoProgram {
    pub appid: String,
    pub nick_name: String,
    pub principal_name: String,
    pub subject: SubjectType,
    /// Index into MERCHANTS; None = not yet assigned.
    pub merchant: Option<usize>,
    pub status: AppStatus,
    /// When it was "added", so sorting by time means something.
    pub created_at: i64,
    /// The second-level category on the account: (first id, first name, second id, second
    /// name), provisional ids.
    pub category: (i64, &'static str, i64, &'static str),
}

pub fn demo_program(i: u64, now: i64) -> DemoProgram {
    let m = (i % 4) as usize; // every fourth mini program is not yet assigned to a merchant
    let brand = MERCHANTS.get(m).copied().unwrap_or("独立开发者");
    let product = PRODUCTS[(i / 4 % 10) as usize];
    let subject = SUBJECTS[(i * 7 % 10) as usize];
    let status = match i % 13 {
        5 => AppStatus::NeedsReauthorization,
        11 => AppStatus::Unauthorized,
        _ => AppStatus::Authorized,
    };
    let principal_name = match subject {
        SubjectType::Individual => format!("个人开发者{}", i + 1),
        SubjectType::Government => format!("{brand}所在区政务服务中心"),
        _ => format!("{brand}（上海）有限公司"),
    };
    use wechat::simulator::provisional::{second_levels, third_levels};
    let (with_third, two_levels): (Vec<_>, Vec<_>) = second_levels()
        .into_iter()
        .partition(|(f, _, s, _)| !third_levels(*f, *s).is_empty());
    let category = if THIRD_LEVEL_DEMOS.contains(&i) {
        with_third.first()
    } else {
        two_levels.get(m % two_levels.len().max(1))
    };
    DemoProgram {
        appid: demo_appid(i),
        nick_name: format!("{brand}{product}{}", i / 40 + 1),
        principal_name,
        subject,
        merchant: (m < MERCHANTS.len()).then_some(m),
        status,
        created_at: now - (DEMO_MINI_PROGRAMS as i64 - i as i64) * 86_400 + (i as i64 * 37 % 3600),
        category: category.copied().unwrap_or((0, "", 0, "")),
    }
}

/// Creates the demo mini programs the way a real one arrives: a pre-auth code,
/// the simulated owner confirms, the console exchanges the code. Then a few are
/// moved to other states through the simulator (refresh token revoked → needs
/// re-authorization; authorization cancelled → unauthorized push).
pub async fn seed_mini_programs(
    state: &AppState,
    control: &wechat::simulator::SimControl,
) -> Result<bool, AppError> {
    let db = &state.db;
    if meta::get(db, SEEDED_KEY).await?.is_some() {
        return Ok(false);
    }
    let now = db::now();
    let merchant_ids = merchant_ids(db, now).await?;
    wait_for_component_token(state).await?;
    ensure_newer_template(state).await?;
    for i in 0..DEMO_MINI_PROGRAMS {
        let p = demo_program(i, now);
        if db::mini_programs::find(db, &p.appid).await?.is_some() {
            continue;
        }
        let merchant_id = p.merchant.and_then(|m| merchant_ids.get(m).copied());
        let request =
            authorization::create_request(state, merchant_id, None, Some(p.subject)).await?;
        let (first_id, first, second_id, second) = p.category;
        let profile = wechat::simulator::AuthorizerProfile {
            appid: Some(p.appid.clone()),
            nick_name: p.nick_name.clone(),
            principal_name: p.principal_name.clone(),
            verify_type: 0,
            categories: vec![wechat::simulator::second_level(
                first_id, first, second_id, second,
            )],
        };
        let confirmed = control
            .authorize(&request.pre_auth_code, &profile)
            .await
            .map_err(simulator_error)?;
        if NO_PLUGIN_SCOPE_DEMOS.contains(&i) {
            // Before the console exchanges the code, so its record of the grant agrees.
            let granted: Vec<i64> = wechat::simulator::state::DEFAULT_FUNC_INFO
                .into_iter()
                .filter(|&scope| scope != wechat::api::plugin::PERMISSION_SET)
                .collect();
            control
                .set_func_info(&p.appid, &granted)
                .await
                .map_err(simulator_error)?;
        }
        authorization::complete(state, Some(request), &confirmed.auth_code).await?;
        crate::db::mini_programs::set_created_at(db, &p.appid, p.created_at).await?;
        if has_basic_info(i) {
            control
                .set_basic_info(
                    &p.appid,
                    serde_json::json!({
                        "head_img": format!("https://img.example.com/demo/{}.png", p.appid),
                        "signature": format!("{}：在线{}服务。", p.nick_name, PRODUCTS[(i / 4 % 10) as usize]),
                    }),
                )
                .await
                .map_err(simulator_error)?;
            // Set up before their first release, as the platform's domains must be (a release
            // through the platform keeps only those).
            control
                .post(
                    "/domains",
                    serde_json::json!({
                        "appid": p.appid,
                        "requestdomain": ["https://api.demo-shop.com"],
                        "downloaddomain": ["https://img.demo-shop.com"],
                    }),
                )
                .await
                .map_err(simulator_error)?;
        }
        match p.status {
            AppStatus::Authorized => seed_code_state(state, control, &p.appid, i).await?,
            AppStatus::NeedsReauthorization => {
                control
                    .revoke_refresh_token(&p.appid)
                    .await
                    .map_err(simulator_error)?;
                // The next refresh meets 61023 and marks it, as in production.
                let platform = state.platform()?;
                let _ = platform
                    .tokens
                    .force_refresh(&wechat::TokenKey::Authorizer(p.appid.clone()))
                    .await;
            }
            AppStatus::Unauthorized => {
                control
                    .unauthorize(&p.appid)
                    .await
                    .map_err(simulator_error)?;
                wait_for_status(db, &p.appid, AppStatus::Unauthorized).await?;
            }
        }
    }
    seed_plugins(control).await?;
    meta::set(db, SEEDED_KEY, &now.to_string()).await?;
    Ok(true)
}

/// Whether the owner of demo mini program `i` has set its avatar, introduction and server
/// domains (its name comes with the authorization). The ones whose code is only committed are still being set
/// up, so the readiness checklist has an incomplete basic info to show (86002).
pub fn has_basic_info(i: u64) -> bool {
    !matches!(code_stage(i), CodeStage::Committed)
}

/// The demo's plugins: [`PLUGIN_OWNER_DEMOS`] open theirs, mini programs outside the console
/// (and 云途出行's demo 2) apply to use them, 青禾生鲜's demo 1 uses a built-in plugin. All
/// through the simulator's control API, as if done on mp.weixin.qq.com.
async fn seed_plugins(control: &wechat::simulator::SimControl) -> Result<(), AppError> {
    use serde_json::json;
    let hours = |h: i64| h * 3600;
    let coffee = demo_appid(PLUGIN_OWNER_DEMOS[0]);
    let tools = demo_appid(PLUGIN_OWNER_DEMOS[1]);
    let owners = [
        json!({"appid": coffee, "nickname": "星辰点单插件",
            "category": {"first": "餐饮", "second": "点餐平台"}}),
        json!({"appid": tools, "nickname": "预约报名插件",
            "category": {"first": "工具", "second": "办公"}}),
    ];
    let applications = [
        json!({"plugin_appid": coffee, "appid": demo_appid(2),
            "reason": "在出行小程序里为乘客点咖啡", "age_secs": hours(1)}),
        json!({"plugin_appid": coffee, "nickname": "写字楼餐饮导览",
            "categories": [{"first": "生活服务", "second": "休闲娱乐"}],
            "reason": "楼内咖啡点单", "age_secs": hours(22)}),
        json!({"plugin_appid": tools, "nickname": "城市停车助手",
            "categories": [{"first": "出行与交通", "second": "停车"}],
            "reason": "停车位预约需要预约插件", "age_secs": hours(2)}),
        json!({"plugin_appid": tools, "nickname": "社区团购小站",
            "categories": [{"first": "电商平台", "second": "电商平台"}],
            "reason": "团购活动报名", "age_secs": hours(21)}),
        json!({"plugin_appid": tools, "nickname": "老年大学课程表",
            "categories": [{"first": "教育", "second": "培训机构"}],
            "reason": "课程预约", "age_secs": hours(30)}),
        json!({"plugin_appid": wechat::simulator::code::ROUTE_PLUGIN, "appid": demo_appid(1),
            "reason": "门店路线指引", "age_secs": hours(48)}),
    ];
    for body in owners {
        control.open_plugin(body).await.map_err(simulator_error)?;
    }
    for body in applications {
        control
            .add_plugin_application(body)
            .await
            .map_err(simulator_error)?;
    }
    Ok(())
}

/// Where a demo mini program's code stands: the code goes through the same
/// WeChat endpoints as real work (commit, submit_audit, release), the reviewer's
/// verdict is played by the simulator.
enum CodeStage {
    /// Committed: an experience version only.
    Committed,
    /// Released; nothing newer.
    Released,
    /// Released, and a newer version is under review.
    ReleasedAndAuditing,
    /// The latest submission was rejected.
    Rejected,
}

fn code_stage(i: u64) -> CodeStage {
    match i % 5 {
        0 | 4 => CodeStage::Released,
        1 => CodeStage::ReleasedAndAuditing,
        2 => CodeStage::Rejected,
        _ => CodeStage::Committed,
    }
}

/// Seeds through the release services, so the console's records (commits, audits, release
/// status, audit log) match what the simulator holds: a pending audit stays at status 2 for
/// the tracker to poll, a rejected one carries its reason.
async fn seed_code_state(
    state: &AppState,
    control: &wechat::simulator::SimControl,
    appid: &str,
    i: u64,
) -> Result<(), AppError> {
    use super::release::{self, Operator};
    use crate::domain::release::commit::CommitForm;
    use crate::domain::release::submission::AuditItem;
    let platform = state.platform()?;
    let client = &platform.client;
    let templates = client
        .get_template_list(&platform.component_ctx(), None)
        .await?
        .template_list;
    let Some(template) = templates.first() else {
        return Ok(());
    };
    let newer = templates
        .iter()
        .find(|t| t.draft_id == Some(NEWER_DRAFT))
        .unwrap_or(template);
    let Some(program) = db::mini_programs::find(&state.db, appid).await? else {
        return Ok(());
    };
    let op = Operator::system(DEMO_ACTOR);
    let commit = |template_id: i64, version: &str| CommitForm {
        template_id: Some(template_id),
        ext_json: serde_json::json!({"extAppid": appid, "ext": {"demo": true}}).to_string(),
        user_version: version.to_owned(),
        user_desc: format!("演示版本 {version}"),
    };
    let submit = || async {
        let ctx = platform.ctx(appid);
        let category = client.get_category(&ctx).await?.category_list;
        let pages = client.get_page(&ctx).await?.page_list;
        let (Some(c), Some(page)) = (category.first(), pages.first()) else {
            return Err(AppError::WechatUnavailable(
                "no category or page to submit".into(),
            ));
        };
        let id = |v: i64| u32::try_from(v).unwrap_or(0);
        let item = AuditItem {
            address: page.clone(),
            tag: "点单 会员".into(),
            first_class: c.first_class.clone(),
            second_class: c.second_class.clone(),
            third_class: c.third_class.clone(),
            first_id: id(c.first_id),
            second_id: id(c.second_id),
            third_id: c.third_id.map(id),
            title: "首页".into(),
        };
        release::submit_as(state, &op, &program, vec![item], None).await
    };
    let minor = i % 7;
    release::commit_as(
        state,
        &op,
        &program,
        commit(template.template_id, &format!("1.0.{minor}")),
    )
    .await?;
    if matches!(code_stage(i), CodeStage::Committed) {
        return Ok(());
    }
    submit().await?;
    if matches!(code_stage(i), CodeStage::Rejected) {
        control
            .finish_audit(appid, 1, Some("1:小程序首页内容与所选类目不符"))
            .await
            .map_err(simulator_error)?;
        release::refresh_as(state, &op, &program).await?;
        return Ok(());
    }
    control
        .finish_audit(appid, 0, None)
        .await
        .map_err(simulator_error)?;
    release::refresh_as(state, &op, &program).await?;
    release::release_as(state, &op, &program).await?;
    if matches!(code_stage(i), CodeStage::ReleasedAndAuditing) {
        release::commit_as(
            state,
            &op,
            &program,
            commit(newer.template_id, &format!("1.1.{minor}")),
        )
        .await?;
        submit().await?;
    }
    Ok(())
}

/// The draft the demo's newer template comes from (the simulator's "1.1.0 会员功能").
const NEWER_DRAFT: i64 = 4;

/// The platform's library gets the newer draft as a template, so the demo fleet is spread
/// over two versions (online on the first, the newer one in review).
async fn ensure_newer_template(state: &AppState) -> Result<(), AppError> {
    let platform = state.platform()?;
    let ctx = platform.component_ctx();
    let templates = platform
        .client
        .get_template_list(&ctx, None)
        .await?
        .template_list;
    let drafts = platform
        .client
        .get_template_draft_list(&ctx)
        .await?
        .draft_list;
    let has_draft = drafts.iter().any(|d| d.draft_id == NEWER_DRAFT);
    if has_draft && !templates.iter().any(|t| t.draft_id == Some(NEWER_DRAFT)) {
        platform
            .client
            .add_to_template(
                &ctx,
                &wechat::api::code::AddToTemplateRequest {
                    draft_id: NEWER_DRAFT,
                    template_type: None,
                },
            )
            .await?;
    }
    Ok(())
}

/// The name demo seeding acts under in the audit log and the release records.
pub const DEMO_ACTOR: &str = "demo-seed";

fn simulator_error(e: wechat::simulator::control_client::ControlError) -> AppError {
    AppError::WechatUnavailable(e.to_string())
}

/// The simulator pushes a ticket when it starts; wait until the console has it.
async fn wait_for_component_token(state: &AppState) -> Result<(), AppError> {
    let platform = state.platform()?;
    let mut last = None;
    for _ in 0..100 {
        match platform.tokens.token(&wechat::TokenKey::Component).await {
            Ok(_) => return Ok(()),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(last.map(AppError::from).unwrap_or(AppError::Internal))
}

/// Pushes are processed in the background; demo seeding waits for their effect.
async fn wait_for_status(db: &Db, appid: &str, status: AppStatus) -> Result<(), AppError> {
    for _ in 0..100 {
        if db::mini_programs::find(db, appid)
            .await?
            .is_some_and(|p| p.status == status)
        {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err(AppError::WechatUnavailable(format!(
        "{appid}: the simulator's push did not arrive"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_appids_are_valid_and_distinct() {
        let ids: Vec<String> = (0..DEMO_MINI_PROGRAMS).map(demo_appid).collect();
        assert!(ids.iter().all(|a| wechat::is_valid_appid(a)));
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
    }
}
