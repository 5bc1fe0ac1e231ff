//! Plugins (插件, permission set 40): the mini program that uses plugins (`/wxa/plugin`,
//! [`user`]), the one that owns a plugin (`/wxa/devplugin`, [`owner`]) and the control
//! endpoints ([`control`]). Paths, fields and errcodes from WeChat's docs and SDKs
//! (docs/research/onboarding-apis.md §6, `crate::api::plugin`); the rules from the seed
//! (plugin-guide.md: owners are organisations, the 24-hour window, the special categories,
//! shared with the console through `wechat_wire::plugin`). The calls carry authorizer tokens
//! under the same rules as code management (86000 for the platform's or the account's own
//! token), so they live beside it. Guesses are listed in [`crate::simulator::provisional`].
//!
//! One record per (applicant, plugin) in [`PluginState::applications`]: the applicant's
//! `list` and the plugin owner's `dev_apply_list` read the same records, so an application by
//! mini program X to plugin P appears in P's owner's list. A plugin's AppID is its owner's
//! AppID (WeChat: "插件 AppID: 插件提供方的小程序 AppID"); plugins owned outside the simulator
//! (the built-in ones, [`builtin_plugin`], and those the control API adds) are decided through
//! the control API, as their owners would on mp.weixin.qq.com.
//!
//! Time is the simulator's clock ([`crate::simulator::Sim::now`], moved by `/__sim/advance`
//! like the audits' delay): an application still 申请中 24 hours after it was made is
//! 申请已超时 (status 4) the next time anything reads or writes plugins.

mod control;
mod owner;
mod user;

pub(crate) use control::{
    add_application, age_application, decide_application, list_applications, open_plugin,
};
pub(crate) use owner::dev_plugin;
pub(crate) use user::plugin;

use super::call::{authorizer_appid, query_param};
use super::testers::is_personal;
use crate::api::plugin::{status, PERMISSION_SET};
use crate::simulator::error::SimError;
use crate::simulator::state::SimState;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use wechat_wire::plugin::{is_live_streaming, may_use, DECISION_WINDOW_SECS};

/// Provisional: plugins one mini program may use or apply for at once before apply answers
/// 89238 ("申请或使用的插件已经达到上限"); WeChat publishes no figure.
pub const PLUGINS_PER_APP_MAX: usize = 10;

/// Built-in plugins owned outside the simulator (see [`builtin_plugin`]).
/// 路线规划: 工具 - 信息查询, added without review (添加方式 无需申请), three versions, the last
/// without quick update.
pub const ROUTE_PLUGIN: &str = "wx50b7f3e2a1c4d601";
/// 快递查询: 快递业与邮政 - 快递, reviewed by its developer (the control API decides).
pub const EXPRESS_PLUGIN: &str = "wx50b7f3e2a1c4d602";
/// 电子发票: 工具 - 发票查询, reviewed.
pub const INVOICE_PLUGIN: &str = "wx50b7f3e2a1c4d603";
/// 互联网医院问诊: 医疗 - 互联网医院, only for medical mini programs (89246 for the others).
pub const HOSPITAL_PLUGIN: &str = "wx50b7f3e2a1c4d604";
/// 直播间: 社交 - 直播, only for 电商平台 / 教育 mini programs (89246), never removed (89259).
pub const LIVE_PLUGIN: &str = "wx50b7f3e2a1c4d605";
/// A plugin that takes no applications (89236).
pub const CLOSED_PLUGIN: &str = "wx50b7f3e2a1c4d606";

/// Every built-in plugin's AppID.
pub const BUILTIN_PLUGINS: [&str; 6] = [
    ROUTE_PLUGIN,
    EXPRESS_PLUGIN,
    INVOICE_PLUGIN,
    HOSPITAL_PLUGIN,
    LIVE_PLUGIN,
    CLOSED_PLUGIN,
];

/// A plugin's service category (one of the guide's open ones).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginCategory {
    pub first: String,
    pub second: String,
}

impl PluginCategory {
    pub fn new(first: &str, second: &str) -> Self {
        Self {
            first: first.to_owned(),
            second: second.to_owned(),
        }
    }
}

/// One version of a plugin; `quick_update`: a user may move to it with `update`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginVersion {
    pub version: String,
    #[serde(default)]
    pub quick_update: bool,
}

/// A plugin, owned by the mini program whose AppID it has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plugin {
    pub appid: String,
    pub nickname: String,
    #[serde(default)]
    pub headimgurl: String,
    pub category: PluginCategory,
    /// Oldest first; the last is the newest.
    pub versions: Vec<PluginVersion>,
    /// 添加方式 "无需申请" (the seed lists 添加方式 among a plugin's settings): an application is
    /// approved at once.
    #[serde(default)]
    pub direct: bool,
    /// Takes no applications (89236).
    #[serde(default)]
    pub closed: bool,
}

impl Plugin {
    fn newest_version(&self) -> String {
        self.versions
            .last()
            .map(|v| v.version.clone())
            .unwrap_or_default()
    }
}

/// One application to use a plugin, the applicant's and the owner's view of it at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// The applicant (the mini program that wants to use the plugin).
    pub appid: String,
    pub plugin_appid: String,
    /// One of [`status`].
    pub status: i64,
    #[serde(default)]
    pub reason: String,
    /// When it was made (simulated clock, Unix seconds).
    pub create_time: i64,
    /// The version in use once approved (WeChat's lists never show it).
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub refuse_reason: String,
    #[serde(default)]
    pub decided_at: Option<i64>,
}

/// A mini program outside the simulator that applied (the control API's), as owners see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutsideApplicant {
    pub nickname: String,
    #[serde(default)]
    pub categories: Vec<PluginCategory>,
}

/// The platform-wide plugin world (`SimState::plugins`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PluginState {
    /// Plugins opened through the control API, by AppID: the simulator's own organisation
    /// mini programs' and plugins owned outside it. Built-in ones need no entry.
    #[serde(default)]
    pub plugins: BTreeMap<String, Plugin>,
    /// Every application, oldest first.
    #[serde(default)]
    pub applications: Vec<Application>,
    /// Applicants outside the simulator, by AppID.
    #[serde(default)]
    pub outside_applicants: BTreeMap<String, OutsideApplicant>,
}

fn versions(list: &[(&str, bool)]) -> Vec<PluginVersion> {
    list.iter()
        .map(|(version, quick_update)| PluginVersion {
            version: (*version).to_owned(),
            quick_update: *quick_update,
        })
        .collect()
}

/// The built-in plugins every simulated WeChat knows, owned by mini programs outside it.
pub fn builtin_plugin(appid: &str) -> Option<Plugin> {
    let (nickname, first, second, direct, closed) = match appid {
        ROUTE_PLUGIN => ("路线规划", "工具", "信息查询", true, false),
        EXPRESS_PLUGIN => ("快递查询", "快递业与邮政", "快递", false, false),
        INVOICE_PLUGIN => ("电子发票", "工具", "发票查询", false, false),
        HOSPITAL_PLUGIN => ("互联网医院问诊", "医疗", "互联网医院", false, false),
        LIVE_PLUGIN => ("直播间", "社交", "直播", true, false),
        CLOSED_PLUGIN => ("已停止申请的插件", "工具", "办公", false, true),
        _ => return None,
    };
    let list: &[(&str, bool)] = if appid == ROUTE_PLUGIN {
        &[("1.0.0", true), ("1.1.0", true), ("2.0.0", false)]
    } else {
        &[("1.0.0", true), ("1.0.1", true)]
    };
    Some(Plugin {
        appid: appid.to_owned(),
        nickname: nickname.to_owned(),
        headimgurl: String::new(),
        category: PluginCategory::new(first, second),
        versions: versions(list),
        direct,
        closed,
    })
}

/// The versions a plugin opened without any gets: two, both quick to update to.
pub fn default_versions() -> Vec<PluginVersion> {
    versions(&[("1.0.0", true), ("1.1.0", true)])
}

/// The plugin with this AppID: opened through the control API, or a built-in one.
pub fn find_plugin(state: &SimState, appid: &str) -> Option<Plugin> {
    state
        .plugins
        .plugins
        .get(appid)
        .cloned()
        .or_else(|| builtin_plugin(appid))
}

/// A fresh AppID (`wx` + 16 hex digits) for a mini program outside the simulator.
pub(crate) fn mint_appid(state: &mut SimState) -> String {
    let n = state.next_serial();
    format!("wx{:016x}", n.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1 << 60)
}

/// 申请中 for 24 hours on the simulated clock, then 申请已超时.
pub(crate) fn expire(applications: &mut [Application], now: i64) {
    for a in applications.iter_mut() {
        if a.status == status::APPLYING && now - a.create_time >= DECISION_WINDOW_SECS {
            a.status = status::TIMED_OUT;
            a.decided_at = Some(a.create_time + DECISION_WINDOW_SECS);
        }
    }
}

/// The authorizer behind the call's token. A mini program's own token (`/cgi-bin/token`) is
/// 89256 "no component info" here (WeChat's answer seen live to a plugin call made without a
/// platform's authorizer token, docs/research/onboarding-apis.md §6.1); the platform's
/// component token is 86000 as on code management.
pub(crate) fn caller(state: &SimState, raw: &Option<String>, now: i64) -> Result<String, SimError> {
    if let Some(token) = query_param(raw, "access_token") {
        if state.is_own_token(&token, now) {
            return Err(SimError::new(89256, "no component info"));
        }
    }
    authorizer_appid(state, raw, now)
}

/// 61007 unless the account granted the platform permission set 40.
pub(crate) fn check_scope(state: &SimState, appid: &str) -> Result<(), SimError> {
    state
        .require_permission_set(appid, PERMISSION_SET)
        .map(|_| ())
}

/// A mini program's categories as the plugin rules and `dev_apply_list` see them: the
/// simulator's accounts' own, an outside applicant's as given, else none.
pub(crate) fn applicant_categories(state: &SimState, appid: &str) -> Vec<PluginCategory> {
    if let Some(a) = state.authorizers.get(appid) {
        let mut out: Vec<PluginCategory> = Vec::new();
        for c in &a.categories {
            let pair = PluginCategory::new(&c.first_class, &c.second_class);
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
        return out;
    }
    state
        .plugins
        .outside_applicants
        .get(appid)
        .map(|o| o.categories.clone())
        .unwrap_or_default()
}

pub(crate) fn applicant_nickname(state: &SimState, appid: &str) -> String {
    state
        .authorizers
        .get(appid)
        .map(|a| a.nick_name.clone())
        .or_else(|| {
            state
                .plugins
                .outside_applicants
                .get(appid)
                .map(|o| o.nickname.clone())
        })
        .unwrap_or_default()
}

/// Whether `appid` is a personal-subject account of the simulator (which cannot own a plugin:
/// the seed's 开放范围 is 企业、媒体、政府及其他组织主体).
pub(crate) fn is_personal_account(state: &SimState, appid: &str) -> bool {
    state.authorizers.get(appid).is_some_and(is_personal)
}

/// `apply` with every rule, in this order (provisional, see `provisional`): the plugin exists
/// (89239), is not the applicant's own and takes applications (89236), is not applied for or
/// in use already (89237), the applicant has room (89238), and the plugin's category admits
/// the applicant (89246). A refused or timed-out application is replaced. Returns the new one
/// (approved at once for a plugin added without review).
pub(crate) fn apply(
    state: &mut SimState,
    applicant: &str,
    plugin_appid: &str,
    reason: &str,
    now: i64,
) -> Result<Application, SimError> {
    let plugin = find_plugin(state, plugin_appid)
        .filter(|_| !plugin_appid.is_empty())
        .ok_or_else(|| SimError::new(89239, "plugin no exist"))?;
    if plugin_appid == applicant || plugin.closed {
        return Err(SimError::new(89236, "this plugin can not apply"));
    }
    let apps = &state.plugins.applications;
    let live = |a: &&Application| {
        a.appid == applicant && matches!(a.status, status::APPLYING | status::APPROVED)
    };
    if apps
        .iter()
        .filter(live)
        .any(|a| a.plugin_appid == plugin_appid)
    {
        return Err(SimError::new(
            89237,
            "plugin has send apply message or already bind",
        ));
    }
    if apps.iter().filter(live).count() >= PLUGINS_PER_APP_MAX {
        return Err(SimError::new(89238, "plugin count reach limit"));
    }
    let categories = applicant_categories(state, applicant);
    let firsts = categories.iter().map(|c| c.first.as_str());
    if !may_use(&plugin.category.first, &plugin.category.second, firsts) {
        return Err(SimError::new(
            89246,
            "plugins with special category are used only by specific apps",
        ));
    }
    let application = Application {
        appid: applicant.to_owned(),
        plugin_appid: plugin_appid.to_owned(),
        status: if plugin.direct {
            status::APPROVED
        } else {
            status::APPLYING
        },
        reason: reason.to_owned(),
        create_time: now,
        user_version: if plugin.direct {
            plugin.newest_version()
        } else {
            String::new()
        },
        refuse_reason: String::new(),
        decided_at: plugin.direct.then_some(now),
    };
    let apps = &mut state.plugins.applications;
    apps.retain(|a| !(a.appid == applicant && a.plugin_appid == plugin_appid));
    apps.push(application.clone());
    Ok(application)
}

/// The owner's decision on an application (dev_agree / dev_refuse, or the control API for
/// plugins owned outside): only 申请中 can be decided (89240); an unknown applicant is 89242.
pub(crate) fn decide(
    state: &mut SimState,
    plugin_appid: &str,
    applicant: &str,
    approve: bool,
    reason: &str,
    now: i64,
) -> Result<Application, SimError> {
    let newest = find_plugin(state, plugin_appid)
        .map(|p| p.newest_version())
        .unwrap_or_default();
    let application = find_application_mut(state, plugin_appid, applicant)?;
    if application.status != status::APPLYING {
        return Err(SimError::new(
            89240,
            "only applying status can be agreed or refused",
        ));
    }
    if approve {
        application.status = status::APPROVED;
        application.user_version = newest;
    } else {
        application.status = status::REFUSED;
        application.refuse_reason = reason.to_owned();
    }
    application.decided_at = Some(now);
    Ok(application.clone())
}

/// The application of `applicant` to `plugin_appid` (89242 when there is none).
pub(crate) fn find_application_mut<'a>(
    state: &'a mut SimState,
    plugin_appid: &str,
    applicant: &str,
) -> Result<&'a mut Application, SimError> {
    state
        .plugins
        .applications
        .iter_mut()
        .find(|a| a.plugin_appid == plugin_appid && a.appid == applicant && !applicant.is_empty())
        .ok_or_else(|| {
            SimError::new(
                89242,
                "appid is no in the apply list, make sure appid is right",
            )
        })
}

/// Whether a plugin cannot be unbound (89259: a live-streaming one).
pub(crate) fn is_unremovable(plugin: &Plugin) -> bool {
    is_live_streaming(&plugin.category.first, &plugin.category.second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulator::state::{second_level, AuthorizerProfile};

    fn state_with(principal: &str, first: &str, second: &str) -> (SimState, String) {
        let mut state = SimState::default();
        let appid = state.upsert_authorizer(&AuthorizerProfile {
            appid: Some("wx0123456789abcdef".into()),
            nick_name: "插件使用者".into(),
            principal_name: principal.into(),
            verify_type: 0,
            categories: vec![second_level(1, first, 2, second)],
        });
        (state, appid)
    }

    #[test]
    fn builtins_are_valid_appids_and_open_categories() {
        for appid in BUILTIN_PLUGINS {
            assert!(crate::is_valid_appid(appid), "{appid}");
            let p = builtin_plugin(appid).unwrap();
            assert!(
                wechat_wire::plugin::open_category(&p.category.first, &p.category.second).is_some(),
                "{appid}"
            );
        }
        assert!(builtin_plugin("wx0000000000000000").is_none());
    }

    #[test]
    fn apply_follows_the_rules_in_order() {
        let (mut state, me) = state_with("模拟科技有限公司", "工具", "办公");
        let now = 1_000_000;
        assert_eq!(
            apply(&mut state, &me, "wx0000000000000000", "", now)
                .unwrap_err()
                .errcode,
            89239
        );
        assert_eq!(
            apply(&mut state, &me, "", "", now).unwrap_err().errcode,
            89239
        );
        assert_eq!(
            apply(&mut state, &me, CLOSED_PLUGIN, "", now)
                .unwrap_err()
                .errcode,
            89236
        );
        assert_eq!(
            apply(&mut state, &me, HOSPITAL_PLUGIN, "", now)
                .unwrap_err()
                .errcode,
            89246
        );
        let direct = apply(&mut state, &me, ROUTE_PLUGIN, "路线", now).unwrap();
        assert_eq!(direct.status, status::APPROVED);
        assert_eq!(direct.user_version, "2.0.0");
        let pending = apply(&mut state, &me, EXPRESS_PLUGIN, "快递", now).unwrap();
        assert_eq!(pending.status, status::APPLYING);
        assert_eq!(
            apply(&mut state, &me, EXPRESS_PLUGIN, "again", now)
                .unwrap_err()
                .errcode,
            89237
        );
        // Refused: a new application replaces it.
        decide(&mut state, EXPRESS_PLUGIN, &me, false, "不合适", now).unwrap();
        let again = apply(&mut state, &me, EXPRESS_PLUGIN, "再试", now + 5).unwrap();
        assert_eq!(again.create_time, now + 5);
        assert_eq!(state.plugins.applications.len(), 2);
    }

    #[test]
    fn the_day_runs_out_on_the_simulated_clock() {
        let (mut state, me) = state_with("模拟科技有限公司", "工具", "办公");
        apply(&mut state, &me, INVOICE_PLUGIN, "", 100).unwrap();
        expire(
            &mut state.plugins.applications,
            100 + DECISION_WINDOW_SECS - 1,
        );
        assert_eq!(state.plugins.applications[0].status, status::APPLYING);
        expire(&mut state.plugins.applications, 100 + DECISION_WINDOW_SECS);
        assert_eq!(state.plugins.applications[0].status, status::TIMED_OUT);
        assert_eq!(
            decide(&mut state, INVOICE_PLUGIN, &me, true, "", 0)
                .unwrap_err()
                .errcode,
            89240
        );
    }

    #[test]
    fn special_categories_admit_their_applicants() {
        let (mut state, school) = state_with("某某大学", "教育", "学历教育");
        assert_eq!(
            apply(&mut state, &school, LIVE_PLUGIN, "", 1)
                .unwrap()
                .status,
            status::APPROVED
        );
        assert!(is_unremovable(&builtin_plugin(LIVE_PLUGIN).unwrap()));
        assert!(!is_unremovable(&builtin_plugin(ROUTE_PLUGIN).unwrap()));
        let (mut state, shop) = state_with("模拟科技有限公司", "餐饮", "咖啡");
        assert_eq!(
            apply(&mut state, &shop, LIVE_PLUGIN, "", 1)
                .unwrap_err()
                .errcode,
            89246
        );
        assert!(!is_personal_account(&state, &shop));
        let (state, person) = state_with("个人", "工具", "办公");
        assert!(is_personal_account(&state, &person));
    }
}
