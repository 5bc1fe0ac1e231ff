//! Plugins (插件, permission set 40): a mini program's plugins (apply, quick update, unbind)
//! and, for a mini program that owns a plugin, the applications to use it (approve or refuse
//! within WeChat's 24 hours, delete). The rules the console checks before calling WeChat (in
//! the browser as one types and again on the server) and what the two pages show.
//!
//! Sources: the seed plugin-guide.md (who may own a plugin, the open service categories and
//! their special cases, the 24-hour window: shared with the simulator in
//! `wechat_wire::plugin`), WeChat's plugin-management docs and SDKs for the endpoints and
//! errcodes (docs/research/onboarding-apis.md §6).

use super::merchant_permission::MerchantPermission;
use super::mini_program::SubjectType;
use super::release::Violation;
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};

pub use wechat_wire::plugin::{
    may_use, open_category, special_rule, OpenCategory, Seconds, Special, DECISION_WINDOW_SECS,
    OPEN_CATEGORIES,
};

/// The plugin errcodes the pages place (docs/research/onboarding-apis.md §6.3).
pub mod errcode {
    /// 该插件不能申请 (one's own plugin, or one that takes no applications).
    pub const CANNOT_APPLY: i64 = 89236;
    /// 已经添加该插件.
    pub const ALREADY_ADDED: i64 = 89237;
    /// 申请或使用的插件已经达到上限.
    pub const LIMIT_REACHED: i64 = 89238;
    /// 该插件不存在.
    pub const NO_SUCH_PLUGIN: i64 = 89239;
    /// 只有“待确认”的申请可操作通过/拒绝.
    pub const NOT_PENDING: i64 = 89240;
    /// 只有“已拒绝/已超时”的申请可操作删除.
    pub const ONLY_CLOSED_DELETABLE: i64 = 89241;
    /// 该appid不在申请列表内.
    pub const NOT_IN_APPLY_LIST: i64 = 89242;
    /// “待确认”的申请不可删除.
    pub const PENDING_NOT_DELETABLE: i64 = 89243;
    /// 不存在该插件appid (the plugin is not in the mini program's list).
    pub const NOT_IN_PLUGIN_LIST: i64 = 89244;
    /// mini program forbidden to link (WxJava).
    pub const FORBIDDEN_TO_LINK: i64 = 89245;
    /// plugins with special category are used only by specific apps (WxJava).
    pub const SPECIAL_CATEGORY: i64 = 89246;
    /// 该插件版本不支持快速更新.
    pub const NO_QUICK_UPDATE: i64 = 89257;
    /// 当前小程序帐号存在灰度发布中的版本，不可操作快速更新.
    pub const IN_GRAY_RELEASE: i64 = 89258;
    /// 接口未授权给第三方平台: the account did not grant permission set 40.
    pub const SCOPE_NOT_GRANTED: i64 = 61007;
    /// The owner has no plugin (the simulator's answer; see `wechat::simulator::provisional`).
    pub const NO_PLUGIN: i64 = NO_SUCH_PLUGIN;

    /// Where the plugins page shows WeChat's answer: the apply form's plugin AppID field for
    /// what is about that plugin, the quick-update version field for the version, above the
    /// table for anything else.
    pub fn field_of(code: i64) -> &'static str {
        match code {
            CANNOT_APPLY | ALREADY_ADDED | LIMIT_REACHED | NO_SUCH_PLUGIN | FORBIDDEN_TO_LINK
            | SPECIAL_CATEGORY => "plugin_appid",
            NO_QUICK_UPDATE | IN_GRAY_RELEASE => "user_version",
            _ => "plugins",
        }
    }

    /// Where the applications page shows WeChat's answer: at the application's row for what
    /// is about its state, above the table for anything else.
    pub fn owner_field_of(code: i64) -> &'static str {
        match code {
            NOT_PENDING | ONLY_CLOSED_DELETABLE | NOT_IN_APPLY_LIST | PENDING_NOT_DELETABLE => {
                "applicant"
            }
            _ => "applications",
        }
    }
}

/// An application's status, the numbers WeChat uses on both sides (`wechat_wire::plugin::status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PluginStatus {
    /// 1 申请中: waiting for the plugin's developer (24 hours at most).
    Applying,
    /// 2 申请通过: in use.
    Approved,
    /// 3 被拒绝 / 已拒绝.
    Refused,
    /// 4 申请已超时 / 已超时: nobody decided within 24 hours.
    TimedOut,
    /// A number WeChat has not documented.
    Other(i64),
}

impl PluginStatus {
    pub fn from_code(code: i64) -> Self {
        use wechat_wire::plugin::status::*;
        match code {
            APPLYING => Self::Applying,
            APPROVED => Self::Approved,
            REFUSED => Self::Refused,
            TIMED_OUT => Self::TimedOut,
            other => Self::Other(other),
        }
    }

    pub fn code(self) -> i64 {
        use wechat_wire::plugin::status::*;
        match self {
            Self::Applying => APPLYING,
            Self::Approved => APPROVED,
            Self::Refused => REFUSED,
            Self::TimedOut => TIMED_OUT,
            Self::Other(code) => code,
        }
    }

    /// WeChat's own word for the status (the `list` doc: "1:申请中, 2:申请通过, 3:被拒绝;
    /// 4:申请已超时"), for audit-log details; the pages use their language's text.
    pub fn wechat_zh(self) -> &'static str {
        match self {
            Self::Applying => "申请中",
            Self::Approved => "申请通过",
            Self::Refused => "被拒绝",
            Self::TimedOut => "申请已超时",
            Self::Other(_) => "未知状态",
        }
    }

    /// Applied for or in use: WeChat refuses another application (89237).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Applying | Self::Approved)
    }

    /// A stable name for CSS classes and test ids.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applying => "applying",
            Self::Approved => "approved",
            Self::Refused => "refused",
            Self::TimedOut => "timed-out",
            Self::Other(_) => "other",
        }
    }
}

/// Who may own a plugin (the seed, 开发插件 · 开放范围: 企业、媒体、政府及其他组织主体). An
/// individual business (个体工商户) registers with WeChat as an enterprise subject, so only a
/// personal account cannot. Using plugins is open to every mini program (使用插件 · 开放范围:
/// 所有小程序).
pub fn may_own_plugin(subject: SubjectType) -> bool {
    !matches!(subject, SubjectType::Individual)
}

/// Applications with less time than this left before WeChat's 24-hour deadline are highlighted:
/// a sixth of the window, still half a working day to read the application and decide.
pub const NEAR_DEADLINE_SECS: i64 = 4 * 3600;

/// Where an application stands against WeChat's 24-hour deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Deadline {
    /// 申请中 with plenty of time left.
    Open { left_secs: i64 },
    /// 申请中 with less than [`NEAR_DEADLINE_SECS`] left.
    Near { left_secs: i64 },
    /// Timed out (WeChat's status 4), or past the 24 hours though WeChat still said 申请中.
    Expired,
    /// Approved or refused: no deadline any more.
    Decided,
}

impl Deadline {
    pub fn as_str(self) -> &'static str {
        match self {
            Deadline::Open { .. } => "open",
            Deadline::Near { .. } => "near",
            Deadline::Expired => "expired",
            Deadline::Decided => "decided",
        }
    }
}

/// The deadline of an application made at `create_time` (Unix seconds), seen at `now`.
pub fn deadline(status: PluginStatus, create_time: i64, now: i64) -> Deadline {
    match status {
        PluginStatus::Applying => {
            let left = create_time.saturating_add(DECISION_WINDOW_SECS) - now;
            if left <= 0 {
                Deadline::Expired
            } else if left < NEAR_DEADLINE_SECS {
                Deadline::Near { left_secs: left }
            } else {
                Deadline::Open { left_secs: left }
            }
        }
        PluginStatus::TimedOut => Deadline::Expired,
        _ => Deadline::Decided,
    }
}

/// Longest reason the console sends, for an application (`reason`, 申请原因) and a refusal
/// (`reason`, 拒绝理由). WeChat documents no limit for either; 200 characters is WeChat's limit
/// for the nearest free text a platform sends on a mini program's behalf (submit_audit's
/// `feedback_info`, "反馈内容，不超过200字", which the release page already enforces), enough for
/// a few sentences, and keeps an oversized body from reaching WeChat at all.
pub const REASON_MAX_CHARS: usize = 200;

/// Longest version the quick-update field takes.
pub const VERSION_MAX_CHARS: usize = 32;

/// What a person typed, as it is sent: surrounding spaces are not part of a reason.
pub fn normalize_reason(input: &str) -> String {
    input.trim().to_owned()
}

/// A reason (to apply, or to refuse): required (the apply doc: "当action是"apply"时必填"; a
/// refusal without one tells the applicant nothing), no control characters but line breaks,
/// at most [`REASON_MAX_CHARS`]. Expects [`normalize_reason`]'s output.
pub fn check_reason(field: &str, reason: &str) -> Result<(), Violation> {
    if reason.is_empty() {
        Err(Violation::local(field, FieldProblem::Required))
    } else if reason.chars().any(|c| c.is_control() && c != '\n') {
        Err(Violation::local(field, FieldProblem::ControlChars))
    } else if reason.chars().count() > REASON_MAX_CHARS {
        Err(Violation::local(
            field,
            FieldProblem::TooLong {
                max: REASON_MAX_CHARS,
            },
        ))
    } else {
        Ok(())
    }
}

/// A typed AppID, as it is sent: no surrounding spaces, lower case (WeChat's are).
pub fn normalize_appid(input: &str) -> String {
    input.trim().to_ascii_lowercase()
}

/// `wx` + 16 lowercase hex digits (the rule of `wechat::is_valid_appid`, which the browser
/// bundle cannot reach). A plugin's AppID is its owner mini program's.
pub fn is_valid_appid(appid: &str) -> bool {
    appid.len() == 18
        && appid.starts_with("wx")
        && appid[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The plugin AppID field: required, well formed, not the mini program's own (its plugin is
/// not for itself: WeChat's 89236, "真机上不允许小程序引用自己的插件"), not already applied
/// for or in use (89237). Expects [`normalize_appid`]'s output.
pub fn check_plugin_appid(
    plugin_appid: &str,
    own_appid: &str,
    listed: &[UsedPlugin],
) -> Result<(), Violation> {
    const FIELD: &str = "plugin_appid";
    if plugin_appid.is_empty() {
        Err(Violation::local(FIELD, FieldProblem::Required))
    } else if !is_valid_appid(plugin_appid) {
        Err(Violation::local(FIELD, FieldProblem::AppidFormat))
    } else if plugin_appid == own_appid {
        Err(Violation::new(
            FIELD,
            FieldProblem::PluginIsOwn,
            errcode::CANNOT_APPLY,
        ))
    } else if listed
        .iter()
        .any(|p| p.plugin_appid == plugin_appid && p.status.is_live())
    {
        Err(Violation::new(
            FIELD,
            FieldProblem::PluginAlreadyAdded,
            errcode::ALREADY_ADDED,
        ))
    } else {
        Ok(())
    }
}

/// Every rule the console can know before `apply`: the plugin AppID and the reason.
pub fn check_apply(
    plugin_appid: &str,
    reason: &str,
    own_appid: &str,
    listed: &[UsedPlugin],
) -> Result<(), Vec<Violation>> {
    let problems: Vec<Violation> = [
        check_plugin_appid(plugin_appid, own_appid, listed).err(),
        check_reason("reason", reason).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// A plugin version as the quick-update field takes it: `x.y.z` in digits (the form of plugin
/// versions in app.json's `plugins.*.version`), at most [`VERSION_MAX_CHARS`]. Whether the
/// plugin has it and allows a quick update only WeChat can say (89257).
pub fn check_version(version: &str) -> Result<(), Violation> {
    const FIELD: &str = "user_version";
    let parts: Vec<&str> = version.split('.').collect();
    let well_formed = parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if version.is_empty() {
        Err(Violation::local(FIELD, FieldProblem::Required))
    } else if version.chars().count() > VERSION_MAX_CHARS {
        Err(Violation::local(
            FIELD,
            FieldProblem::TooLong {
                max: VERSION_MAX_CHARS,
            },
        ))
    } else if !well_formed {
        Err(Violation::local(FIELD, FieldProblem::PluginVersionFormat))
    } else {
        Ok(())
    }
}

/// Only a plugin in use (申请通过) moves to another version (WeChat's 89244 otherwise, in the
/// simulator's reading); then the version itself.
pub fn check_update(plugin: Option<&UsedPlugin>, version: &str) -> Result<(), Violation> {
    match plugin {
        Some(p) if p.status == PluginStatus::Approved => check_version(version),
        _ => Err(Violation::local(
            "user_version",
            FieldProblem::PluginNotInUse,
        )),
    }
}

/// One plugin of the mini program: WeChat's list (AppID, name, status) with the console's
/// record of the application where it made one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedPlugin {
    pub plugin_appid: String,
    pub nickname: String,
    pub status: PluginStatus,
    /// When the console applied (WeChat's list has no time); `None` for an application made
    /// elsewhere.
    pub applied_at: Option<i64>,
    pub applied_by: Option<String>,
    pub reason: Option<String>,
    /// The version the console last moved it to (WeChat's list has no version).
    pub user_version: Option<String>,
}

impl UsedPlugin {
    /// How long a pending application has waited, and the time left before WeChat's deadline.
    pub fn deadline(&self, now: i64) -> Option<Deadline> {
        self.applied_at
            .map(|at| deadline(self.status, at, now))
            .filter(|_| self.status == PluginStatus::Applying)
    }
}

/// WeChat's refusal of a whole page (61007: permission set 40 not granted), with its meaning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WechatRefusal {
    pub errcode: i64,
    pub zh: String,
    pub en: String,
}

/// One mini program's plugins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginsView {
    pub appid: String,
    pub nick_name: String,
    pub subject: SubjectType,
    /// In WeChat's order.
    pub plugins: Vec<UsedPlugin>,
    /// Set when WeChat refused to list them (61007): the page says why instead of a list.
    pub refusal: Option<WechatRefusal>,
    /// What the signed-in user may do here (`None`: staff).
    pub grant: Option<MerchantPermission>,
    /// The server's clock when the view was made (ages are computed from it, the same on the
    /// server and in the browser).
    pub now: i64,
}

impl PluginsView {
    pub fn find(&self, plugin_appid: &str) -> Option<&UsedPlugin> {
        self.plugins.iter().find(|p| p.plugin_appid == plugin_appid)
    }

    /// [`check_apply`] against this list.
    pub fn check_apply(&self, plugin_appid: &str, reason: &str) -> Result<(), Vec<Violation>> {
        check_apply(
            &normalize_appid(plugin_appid),
            &normalize_reason(reason),
            &self.appid,
            &self.plugins,
        )
    }

    /// [`check_update`] against this list.
    pub fn check_update(&self, plugin_appid: &str, version: &str) -> Result<(), Violation> {
        check_update(self.find(plugin_appid), version.trim())
    }
}

/// Applications shown per page (`dev_apply_list`'s `num`).
pub const APPLICATIONS_PER_PAGE: u32 = 20;
/// The highest page number the console asks for.
pub const MAX_PAGE: u32 = 10_000;

/// The `page` URL parameter, 1 when missing or garbage.
pub fn page_param(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .clamp(1, MAX_PAGE)
}

/// One application to use the plugin, as `dev_apply_list` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginApplication {
    /// The applicant mini program.
    pub appid: String,
    pub nickname: String,
    pub status: PluginStatus,
    pub reason: String,
    /// The applicant's categories: (first, second).
    pub categories: Vec<(String, String)>,
    /// When it applied (Unix seconds).
    pub create_time: i64,
}

impl PluginApplication {
    pub fn deadline(&self, now: i64) -> Deadline {
        deadline(self.status, self.create_time, now)
    }
}

/// What the owner does with an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    Approve,
    Refuse,
    Delete,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Refuse => "refuse",
            Decision::Delete => "delete",
        }
    }
}

/// Whether the application's status allows the decision, as WeChat rules it: approve and
/// refuse only 申请中 (89240); delete only 已拒绝 / 已超时 (申请中 89243, 申请通过 89241).
pub fn check_decision(decision: Decision, status: PluginStatus) -> Result<(), Violation> {
    const FIELD: &str = "applicant";
    match (decision, status) {
        (Decision::Approve | Decision::Refuse, PluginStatus::Applying) => Ok(()),
        (Decision::Approve | Decision::Refuse, _) => Err(Violation::new(
            FIELD,
            FieldProblem::PluginNotPending,
            errcode::NOT_PENDING,
        )),
        (Decision::Delete, PluginStatus::Applying) => Err(Violation::new(
            FIELD,
            FieldProblem::PluginPendingNotDeletable,
            errcode::PENDING_NOT_DELETABLE,
        )),
        (Decision::Delete, PluginStatus::Approved) => Err(Violation::new(
            FIELD,
            FieldProblem::PluginApprovedNotDeletable,
            errcode::ONLY_CLOSED_DELETABLE,
        )),
        (Decision::Delete, _) => Ok(()),
    }
}

/// The applications to use the plugin a mini program owns, one page of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationsView {
    pub appid: String,
    pub nick_name: String,
    pub subject: SubjectType,
    /// The subject type may own a plugin ([`may_own_plugin`]); when not, WeChat is not asked.
    pub may_own: bool,
    /// WeChat answered with the list (false: the mini program has no plugin, 89239).
    pub has_plugin: bool,
    /// Set when WeChat refused (61007).
    pub refusal: Option<WechatRefusal>,
    pub page: u32,
    pub per_page: u32,
    /// In WeChat's order.
    pub applications: Vec<PluginApplication>,
    /// A full page came back, so there may be another (WeChat gives no total).
    pub has_next: bool,
    pub grant: Option<MerchantPermission>,
    /// The server's clock when the view was made.
    pub now: i64,
}

impl ApplicationsView {
    pub fn find(&self, applicant: &str) -> Option<&PluginApplication> {
        self.applications.iter().find(|a| a.appid == applicant)
    }

    /// [`check_decision`] for an applicant on this page (one not on it: WeChat decides).
    pub fn check_decision(&self, decision: Decision, applicant: &str) -> Result<(), Violation> {
        match self.find(applicant) {
            Some(a) => check_decision(decision, a.status),
            None => Ok(()),
        }
    }

    /// Applications on this page closing within [`NEAR_DEADLINE_SECS`].
    pub fn near_deadline(&self) -> usize {
        self.applications
            .iter()
            .filter(|a| matches!(a.deadline(self.now), Deadline::Near { .. }))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(appid: &str, status: PluginStatus) -> UsedPlugin {
        UsedPlugin {
            plugin_appid: appid.into(),
            nickname: "插件".into(),
            status,
            applied_at: Some(1_000),
            applied_by: Some("operator".into()),
            reason: Some("理由".into()),
            user_version: None,
        }
    }

    const OWN: &str = "wx0123456789abcdef";
    const PLUGIN: &str = "wx50b7f3e2a1c4d601";

    #[test]
    fn statuses_round_trip_wechats_numbers() {
        for code in 1..=4 {
            assert_eq!(PluginStatus::from_code(code).code(), code);
        }
        assert_eq!(PluginStatus::from_code(9), PluginStatus::Other(9));
        assert_eq!(PluginStatus::from_code(1).wechat_zh(), "申请中");
        assert_eq!(PluginStatus::from_code(4).wechat_zh(), "申请已超时");
        assert!(PluginStatus::Applying.is_live() && PluginStatus::Approved.is_live());
        assert!(!PluginStatus::Refused.is_live() && !PluginStatus::TimedOut.is_live());
    }

    #[test]
    fn only_personal_accounts_cannot_own_a_plugin() {
        for subject in SubjectType::ALL {
            assert_eq!(
                may_own_plugin(subject),
                subject != SubjectType::Individual,
                "{subject:?}"
            );
        }
    }

    #[test]
    fn the_deadline_is_a_day_and_close_under_four_hours() {
        let made = 10_000;
        let at = |secs| deadline(PluginStatus::Applying, made, made + secs);
        assert_eq!(
            at(0),
            Deadline::Open {
                left_secs: 24 * 3600
            }
        );
        assert_eq!(
            at(20 * 3600),
            Deadline::Open {
                left_secs: 4 * 3600
            }
        );
        assert_eq!(
            at(20 * 3600 + 1),
            Deadline::Near {
                left_secs: 4 * 3600 - 1
            }
        );
        assert_eq!(at(24 * 3600 - 1), Deadline::Near { left_secs: 1 });
        assert_eq!(at(24 * 3600), Deadline::Expired);
        assert_eq!(
            deadline(PluginStatus::TimedOut, made, made),
            Deadline::Expired
        );
        assert_eq!(
            deadline(PluginStatus::Approved, made, made),
            Deadline::Decided
        );
        assert_eq!(
            deadline(PluginStatus::Refused, made, made + 90_000),
            Deadline::Decided
        );
        assert_eq!(Deadline::Near { left_secs: 5 }.as_str(), "near");
    }

    fn problem(r: Result<(), Violation>) -> Option<(FieldProblem, Option<i64>)> {
        r.err().map(|v| (v.problem, v.errcode))
    }

    #[test]
    fn reasons_are_required_short_and_printable() {
        assert_eq!(problem(check_reason("reason", "需要路线规划")), None);
        assert_eq!(problem(check_reason("reason", "第一行\n第二行")), None);
        assert_eq!(
            problem(check_reason("reason", &normalize_reason("   "))),
            Some((FieldProblem::Required, None))
        );
        assert_eq!(
            problem(check_reason("reason", "a\u{0}b")),
            Some((FieldProblem::ControlChars, None))
        );
        assert_eq!(
            problem(check_reason("reason", "tab\there")),
            Some((FieldProblem::ControlChars, None))
        );
        assert_eq!(problem(check_reason("reason", &"理".repeat(200))), None);
        assert_eq!(
            problem(check_reason("reason", &"理".repeat(201))),
            Some((FieldProblem::TooLong { max: 200 }, None))
        );
        let refused = check_reason("refuse_reason", "").unwrap_err();
        assert_eq!(refused.field, "refuse_reason");
    }

    #[test]
    fn the_plugin_appid_field() {
        let listed = vec![
            used("wx50b7f3e2a1c4d602", PluginStatus::Applying),
            used("wx50b7f3e2a1c4d603", PluginStatus::Approved),
            used("wx50b7f3e2a1c4d604", PluginStatus::Refused),
        ];
        let check =
            |input: &str| problem(check_plugin_appid(&normalize_appid(input), OWN, &listed));
        assert_eq!(check(PLUGIN), None);
        assert_eq!(
            check("  WX50B7F3E2A1C4D601 "),
            None,
            "case and spaces forgiven"
        );
        assert_eq!(check(""), Some((FieldProblem::Required, None)));
        for bad in [
            "wx123",
            "gh_50b7f3e2a1c4",
            "wx50b7f3e2a1c4d60g",
            "wx50b7f3e2a1c4d6011",
        ] {
            assert_eq!(check(bad), Some((FieldProblem::AppidFormat, None)), "{bad}");
        }
        assert_eq!(check(OWN), Some((FieldProblem::PluginIsOwn, Some(89236))));
        assert_eq!(
            check("wx50b7f3e2a1c4d602"),
            Some((FieldProblem::PluginAlreadyAdded, Some(89237)))
        );
        assert_eq!(
            check("wx50b7f3e2a1c4d603"),
            Some((FieldProblem::PluginAlreadyAdded, Some(89237)))
        );
        // A refused application may be made again.
        assert_eq!(check("wx50b7f3e2a1c4d604"), None);
        // Both fields at once.
        assert_eq!(check_apply("", "", OWN, &listed).unwrap_err().len(), 2);
        assert!(check_apply(PLUGIN, "理由", OWN, &listed).is_ok());
    }

    #[test]
    fn quick_update_needs_a_plugin_in_use_and_a_version() {
        let approved = used(PLUGIN, PluginStatus::Approved);
        let pending = used(PLUGIN, PluginStatus::Applying);
        assert_eq!(problem(check_update(Some(&approved), "1.1.0")), None);
        assert_eq!(problem(check_update(Some(&approved), "10.0.12")), None);
        assert_eq!(
            problem(check_update(Some(&pending), "1.1.0")),
            Some((FieldProblem::PluginNotInUse, None))
        );
        assert_eq!(
            problem(check_update(None, "1.1.0")),
            Some((FieldProblem::PluginNotInUse, None))
        );
        assert_eq!(
            problem(check_update(Some(&approved), "")),
            Some((FieldProblem::Required, None))
        );
        for bad in ["1.1", "1.1.0.0", "v1.1.0", "1..0", "latest", "1.1.a"] {
            assert_eq!(
                problem(check_update(Some(&approved), bad)),
                Some((FieldProblem::PluginVersionFormat, None)),
                "{bad}"
            );
        }
        assert_eq!(
            problem(check_version(&"1".repeat(33))),
            Some((FieldProblem::TooLong { max: 32 }, None))
        );
    }

    #[test]
    fn decisions_follow_wechats_state_rules() {
        use Decision::*;
        use PluginStatus::*;
        assert!(check_decision(Approve, Applying).is_ok());
        assert!(check_decision(Refuse, Applying).is_ok());
        for status in [Approved, Refused, TimedOut] {
            assert_eq!(
                problem(check_decision(Approve, status)),
                Some((FieldProblem::PluginNotPending, Some(89240)))
            );
        }
        assert_eq!(
            problem(check_decision(Delete, Applying)),
            Some((FieldProblem::PluginPendingNotDeletable, Some(89243)))
        );
        assert_eq!(
            problem(check_decision(Delete, Approved)),
            Some((FieldProblem::PluginApprovedNotDeletable, Some(89241)))
        );
        assert!(check_decision(Delete, Refused).is_ok());
        assert!(check_decision(Delete, TimedOut).is_ok());
    }

    #[test]
    fn wechat_codes_show_at_their_field() {
        for code in [89236, 89237, 89238, 89239, 89246] {
            assert_eq!(errcode::field_of(code), "plugin_appid", "{code}");
        }
        assert_eq!(errcode::field_of(89257), "user_version");
        assert_eq!(errcode::field_of(89258), "user_version");
        assert_eq!(errcode::field_of(61007), "plugins");
        assert_eq!(errcode::owner_field_of(89240), "applicant");
        assert_eq!(errcode::owner_field_of(89243), "applicant");
        assert_eq!(errcode::owner_field_of(-1), "applications");
    }

    #[test]
    fn pages_and_views() {
        assert_eq!(page_param(None), 1);
        assert_eq!(page_param(Some("3")), 3);
        assert_eq!(page_param(Some("0")), 1);
        assert_eq!(page_param(Some("-2")), 1);
        assert_eq!(page_param(Some("abc")), 1);
        assert_eq!(page_param(Some("99999999")), MAX_PAGE);

        let app = |appid: &str, status, create_time| PluginApplication {
            appid: appid.into(),
            nickname: "使用者".into(),
            status,
            reason: "理由".into(),
            categories: vec![("工具".into(), "办公".into())],
            create_time,
        };
        let now = 100_000;
        let view = ApplicationsView {
            appid: OWN.into(),
            nick_name: "开发者".into(),
            subject: SubjectType::Enterprise,
            may_own: true,
            has_plugin: true,
            refusal: None,
            page: 1,
            per_page: 20,
            applications: vec![
                app("wx0000000000000001", PluginStatus::Applying, now - 60),
                app(
                    "wx0000000000000002",
                    PluginStatus::Applying,
                    now - 21 * 3600,
                ),
                app("wx0000000000000003", PluginStatus::Refused, now - 30 * 3600),
            ],
            has_next: false,
            grant: None,
            now,
        };
        assert_eq!(view.near_deadline(), 1);
        assert!(view
            .check_decision(Decision::Approve, "wx0000000000000001")
            .is_ok());
        assert!(view
            .check_decision(Decision::Delete, "wx0000000000000001")
            .is_err());
        assert!(view
            .check_decision(Decision::Delete, "wx0000000000000003")
            .is_ok());
        // Not on the page: WeChat decides.
        assert!(view
            .check_decision(Decision::Delete, "wx0000000000000009")
            .is_ok());

        let plugins = PluginsView {
            appid: OWN.into(),
            nick_name: "使用者".into(),
            subject: SubjectType::Individual,
            plugins: vec![used(PLUGIN, PluginStatus::Applying)],
            refusal: None,
            grant: None,
            now: 1_000 + 3600,
        };
        assert_eq!(
            plugins.plugins[0].deadline(plugins.now),
            Some(Deadline::Open {
                left_secs: 23 * 3600
            })
        );
        assert!(plugins.check_apply(PLUGIN, "再来").is_err());
        assert!(plugins.check_apply("wx50b7f3e2a1c4d605", "理由").is_ok());
        assert!(plugins.check_update(PLUGIN, "1.0.0").is_err());
    }
}
