//! Readiness (就绪检查, issue 18): what still stands between a mini program and its first
//! release. A checklist of items, each computed from what the last check read (the
//! [`Sources`]) by a small function of its own ([`items`]), each with its state, why, the
//! WeChat errcode it prevents and where it is fixed; a summary ("6 of 8 ready", the first
//! blocking item) that the registry stores, filters and sorts by.
//!
//! Sources: the seeds (miniprogram-onboarding-guide.md: subject types, verification, the
//! categories open to personal accounts, tester limits; third-party-code-management.rst:
//! 86002, 85074, 85075, 85086, 85020), WeChat's docs (docs/research/onboarding-apis.md
//! §4, §5, §8.1, §8.3).

pub mod items;

use super::mini_program::{AppStatus, SubjectType};
use serde::{Deserialize, Serialize};

pub use items::{checklist, ITEMS};

/// The WeChat errcodes the items prevent (meanings in the errcode catalogue, shown by the page).
pub mod errcode {
    /// 接口未授权给第三方平台: a permission set the endpoint needs was not granted.
    pub const SCOPE_NOT_GRANTED: i64 = 61007;
    /// The platform does not hold the authorization (api_get_authorizer_info's answer).
    pub const NOT_AUTHORIZED: i64 = 61003;
    /// refresh_token 无效: the owner must authorize again.
    pub const NEEDS_REAUTHORIZATION: i64 = 61023;
    /// 小程序还未设置昵称、头像、简介 (submit_audit).
    pub const BASIC_INFO_INCOMPLETE: i64 = 86002;
    /// 个人类型小程序无法设置二维码规则 (qrcodejumpadd).
    pub const PERSONAL_QR_RULES: i64 = 85075;
    /// 类目填写错误 (submit_audit without a category to name).
    pub const NO_CATEGORY: i64 = 85008;
    /// 小程序绑定的体验者数量达到上限 (bind_tester).
    pub const TESTERS_FULL: i64 = 85002;
    /// 提交代码审核之前需提前上传代码 (submit_audit).
    pub const NO_CODE: i64 = 85086;
    /// 审核状态未满足发布 (release).
    pub const AUDIT_NOT_PASSED: i64 = 85020;
    /// 小程序未发布 (qrcodejumppublish; gray release and reverts need a live version too).
    pub const NOT_RELEASED: i64 = 85074;
}

/// The permission sets (权限集) a first release needs: 18 开发管理与数据分析 (code, categories,
/// testers) and 30 小程序基本信息管理 (getaccountbasicinfo). Research §8.3.
pub const REQUIRED_SCOPES: [i64; 2] = [18, 30];

/// How many mini programs one fleet "re-check" takes (the registry's largest page).
pub const FLEET_CHECK_MAX: u32 = 100;

/// Where the account's own settings are changed (name, avatar, introduction, categories,
/// verification): WeChat's admin site, not an API the console calls.
pub const WECHAT_ADMIN_URL: &str = "https://mp.weixin.qq.com/";

/// One item of the checklist, in the order a first release meets them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKind {
    /// Authorized, with the permission sets the console needs.
    Authorization,
    /// Name, avatar and introduction set (86002).
    BasicInfo,
    /// The subject verified; what a personal subject cannot do.
    Subject,
    /// Service categories set (get_category).
    Categories,
    /// Server domains set (modify_domain get): a release through the platform keeps only
    /// the domains set through it (WxJava-Open on `API_MODIFY_DOMAIN`).
    ServerDomains,
    /// At least one tester.
    Testers,
    CodeCommitted,
    AuditPassed,
    Released,
}

impl ItemKind {
    pub const ALL: [ItemKind; 9] = [
        ItemKind::Authorization,
        ItemKind::BasicInfo,
        ItemKind::Subject,
        ItemKind::Categories,
        ItemKind::ServerDomains,
        ItemKind::Testers,
        ItemKind::CodeCommitted,
        ItemKind::AuditPassed,
        ItemKind::Released,
    ];

    /// The name stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Authorization => "authorization",
            ItemKind::BasicInfo => "basic_info",
            ItemKind::Subject => "subject",
            ItemKind::Categories => "categories",
            ItemKind::ServerDomains => "server_domains",
            ItemKind::Testers => "testers",
            ItemKind::CodeCommitted => "code_committed",
            ItemKind::AuditPassed => "audit_passed",
            ItemKind::Released => "released",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemState {
    /// Done.
    Ok,
    /// Done, with something to know (counts as ready).
    Warn,
    /// Still to do: stands between the mini program and its release.
    Missing,
    /// Does not apply to this mini program (not counted).
    NotApplicable,
}

impl ItemState {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Ok => "ok",
            ItemState::Warn => "warn",
            ItemState::Missing => "missing",
            ItemState::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ItemState::Ok,
            ItemState::Warn,
            ItemState::Missing,
            ItemState::NotApplicable,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }

    /// Whether the item counts as ready.
    pub fn passes(self) -> bool {
        matches!(self, ItemState::Ok | ItemState::Warn)
    }
}

// ---------------------------------------------------------------------------
// What a check reads.
// ---------------------------------------------------------------------------

/// Why a source could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadError {
    /// WeChat answered with this errcode.
    Wechat { errcode: i64 },
    /// WeChat could not be reached (or its answer could not be read).
    Unreachable,
    /// The console does not hold the authorization: nothing was asked.
    NotAuthorized,
    /// A check made before this source was read (a snapshot of an older version).
    NotRead,
}

impl ReadError {
    pub fn errcode(&self) -> Option<i64> {
        match self {
            ReadError::Wechat { errcode } => Some(*errcode),
            _ => None,
        }
    }
}

/// One source of a check: when it was read and what it said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source<T> {
    pub fetched_at: i64,
    pub read: Result<T, ReadError>,
}

impl<T> Source<T> {
    pub fn got(fetched_at: i64, value: T) -> Self {
        Self {
            fetched_at,
            read: Ok(value),
        }
    }

    pub fn failed(fetched_at: i64, error: ReadError) -> Self {
        Self {
            fetched_at,
            read: Err(error),
        }
    }
}

/// What the console's registry holds about the authorization (no WeChat call).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizationFacts {
    pub status: AppStatus,
    /// The permission sets (func_info ids) the owner granted at the last authorization.
    pub func_info: Vec<i64>,
    /// The subject type the console recorded at authorization.
    pub subject: SubjectType,
}

/// The account's name, avatar, introduction and subject (getaccountbasicinfo, or the
/// authorizer info when that cannot be read).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BasicInfo {
    pub nickname: String,
    pub head_image_url: String,
    pub signature: String,
    /// WeChat's `principal_type` (0 personal, 1 enterprise, 2 media, 3 government, 4 other
    /// organisation); `None` from the fallback.
    pub principal_type: Option<i64>,
    pub principal_name: String,
    /// `realname_status` (1 verified, 2 verifying, 3 failed); `None` from the fallback.
    pub realname_status: Option<i64>,
    /// 资质认证 (`wx_verify_info.qualification_verify`, or the fallback's `verify_type_info`).
    pub qualification_verify: bool,
    /// Read from `api_get_authorizer_info` because getaccountbasicinfo could not be.
    pub fallback: bool,
}

/// A service category as get_category lists it (names only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub first: String,
    pub second: String,
    pub third: Option<String>,
}

impl Category {
    pub fn label(&self) -> String {
        match &self.third {
            Some(t) if !t.is_empty() => format!("{} > {} > {t}", self.first, self.second),
            _ => format!("{} > {}", self.first, self.second),
        }
    }
}

/// The testers WeChat lists (memberauth) and the account's limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TesterFacts {
    pub count: usize,
    pub limit: usize,
}

/// The server domains WeChat holds (modify_domain get): how many of each kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainFacts {
    pub request: usize,
    pub socket: usize,
    pub upload: usize,
    pub download: usize,
    /// UDP and TCP together.
    pub other: usize,
}

impl DomainFacts {
    pub fn total(&self) -> usize {
        self.request + self.socket + self.upload + self.download + self.other
    }
}

/// The release facts the console keeps (`release_facts`, `release_status`): no WeChat call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseFacts {
    /// The console has a commit of this mini program.
    pub committed: bool,
    /// The newest audit's status (0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed).
    pub audit_status: Option<i64>,
    pub audit_version: Option<String>,
    /// The newest rejection's reason.
    pub last_rejection: Option<String>,
    /// The version online, if any.
    pub online_version: Option<String>,
}

/// Everything one check read. New sources join as fields with `#[serde(default)]`, so the
/// snapshots stored before still read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sources {
    pub authorization: Source<AuthorizationFacts>,
    pub basic_info: Source<BasicInfo>,
    pub categories: Source<Vec<Category>>,
    pub testers: Source<TesterFacts>,
    /// Absent from the snapshots stored before the item existed.
    #[serde(default = "not_read")]
    pub domains: Source<DomainFacts>,
    pub release: Source<ReleaseFacts>,
    /// Permission sets WeChat refused during the check (61007 from an endpoint of the set),
    /// whatever the registry recorded.
    #[serde(default)]
    pub refused_scopes: Vec<i64>,
}

fn not_read<T>() -> Source<T> {
    Source::failed(0, ReadError::NotRead)
}

// ---------------------------------------------------------------------------
// Items and the summary.
// ---------------------------------------------------------------------------

/// A field of the basic info that is empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BasicField {
    Nickname,
    HeadImage,
    Signature,
}

/// The subject as the checklist reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    Personal,
    Enterprise,
    Media,
    Government,
    OtherOrganization,
}

impl Principal {
    /// WeChat's `principal_type`.
    pub fn from_wechat(principal_type: i64) -> Option<Self> {
        match principal_type {
            0 => Some(Principal::Personal),
            1 => Some(Principal::Enterprise),
            2 => Some(Principal::Media),
            3 => Some(Principal::Government),
            4 => Some(Principal::OtherOrganization),
            _ => None,
        }
    }

    /// The console's subject type (chosen at authorization).
    pub fn from_subject(subject: SubjectType) -> Self {
        match subject {
            SubjectType::Individual => Principal::Personal,
            SubjectType::Enterprise | SubjectType::IndividualBusiness => Principal::Enterprise,
            SubjectType::Media => Principal::Media,
            SubjectType::Government => Principal::Government,
            SubjectType::OtherOrganization => Principal::OtherOrganization,
        }
    }

    /// Government, media and other organisations must be verified by WeChat (the seed:
    /// "政府、媒体、其他组织类型帐号，必须通过微信认证验证主体身份").
    pub fn must_verify(self) -> bool {
        matches!(
            self,
            Principal::Media | Principal::Government | Principal::OtherOrganization
        )
    }
}

/// Why an item is in its state; the page words it (zh / en).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Finding {
    /// The source could not be read: the item is not known to be done.
    Unreadable(ReadError),
    // Authorization
    Authorized,
    ScopesMissing {
        scopes: Vec<i64>,
    },
    NeedsReauthorization,
    Unauthorized,
    // Basic info
    BasicInfoComplete {
        fallback: bool,
    },
    BasicInfoIncomplete {
        missing: Vec<BasicField>,
        fallback: bool,
    },
    // Subject
    SubjectVerified {
        principal: Principal,
    },
    /// An enterprise verified by its bank transfer but not by WeChat: allowed (WeChat Pay
    /// needs the verification).
    EnterpriseNotVerified,
    /// A personal subject: no QR-jump rules (85075), no plugins of its own, no web-view
    /// domains, no WeChat verification.
    Personal,
    MustVerify {
        principal: Principal,
    },
    RealnameVerifying,
    RealnameFailed,
    // Categories
    CategoriesSet {
        count: usize,
    },
    /// A personal account with categories outside the seed's list for personal developers.
    CategoriesOutsidePersonal {
        labels: Vec<String>,
    },
    NoCategories,
    // Server domains
    DomainsSet {
        request: usize,
        total: usize,
    },
    /// Some kinds set, but no request domain (wx.request reaches nothing).
    NoRequestDomain {
        total: usize,
    },
    NoServerDomains,
    // Testers
    TestersBound {
        count: usize,
        limit: usize,
    },
    TestersFull {
        count: usize,
        limit: usize,
    },
    NoTesters {
        limit: usize,
    },
    // Code, audit, release
    Committed,
    NotCommitted,
    AuditApproved {
        version: Option<String>,
    },
    /// Online already (its review passed); a newer version is in review.
    LiveNewerInReview {
        version: Option<String>,
    },
    /// Online already; the newest submission was rejected.
    LiveNewerRejected {
        reason: Option<String>,
    },
    /// Online already: its review passed.
    LiveApproved,
    AuditInReview {
        version: Option<String>,
    },
    AuditRejected {
        reason: Option<String>,
    },
    AuditWithdrawn,
    NotSubmitted,
    Released {
        version: String,
    },
    NotReleased,
}

/// One item of the checklist.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    pub state: ItemState,
    pub finding: Finding,
    /// The WeChat errcode that this item, undone, leads to.
    pub prevents: Option<i64>,
}

/// The ready state of a checked mini program, as the registry stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadinessState {
    Ready,
    Stuck,
}

impl ReadinessState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReadinessState::Ready => "ready",
            ReadinessState::Stuck => "stuck",
        }
    }
}

/// "x of y ready" and the first item still to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub ready: usize,
    /// Items that apply.
    pub total: usize,
    pub first_blocking: Option<ItemKind>,
}

impl Summary {
    pub fn state(&self) -> ReadinessState {
        if self.first_blocking.is_none() {
            ReadinessState::Ready
        } else {
            ReadinessState::Stuck
        }
    }
}

pub fn summarize(items: &[Item]) -> Summary {
    let counted = items.iter().filter(|i| i.state != ItemState::NotApplicable);
    Summary {
        ready: counted.clone().filter(|i| i.state.passes()).count(),
        total: counted.count(),
        first_blocking: items
            .iter()
            .find(|i| i.state == ItemState::Missing)
            .map(|i| i.kind),
    }
}

// ---------------------------------------------------------------------------
// The registry: a row's readiness, and the filter.
// ---------------------------------------------------------------------------

/// A mini program's readiness as the registry shows it; `None` on the row: never checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessBrief {
    pub ready: i64,
    pub total: i64,
    pub first_blocking: Option<ItemKind>,
    pub checked_at: i64,
}

/// The registry's readiness filter (`readiness=` in the URL).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadinessFilter {
    /// Checked, nothing missing.
    Ready,
    /// Checked, something missing.
    Stuck,
    /// Never checked.
    NotChecked,
    /// Checked, and this item is missing (wherever it is in the list).
    StuckAt(ItemKind),
}

impl ReadinessFilter {
    pub const STUCK_AT_PREFIX: &'static str = "stuck:";

    /// Every filter the registry offers, in its order.
    pub fn all() -> Vec<ReadinessFilter> {
        let mut all = vec![
            ReadinessFilter::Ready,
            ReadinessFilter::Stuck,
            ReadinessFilter::NotChecked,
        ];
        all.extend(ItemKind::ALL.into_iter().map(ReadinessFilter::StuckAt));
        all
    }

    pub fn as_param(self) -> String {
        match self {
            ReadinessFilter::Ready => "ready".into(),
            ReadinessFilter::Stuck => "stuck".into(),
            ReadinessFilter::NotChecked => "unchecked".into(),
            ReadinessFilter::StuckAt(kind) => format!("{}{}", Self::STUCK_AT_PREFIX, kind.as_str()),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ready" => Some(ReadinessFilter::Ready),
            "stuck" => Some(ReadinessFilter::Stuck),
            "unchecked" => Some(ReadinessFilter::NotChecked),
            other => other
                .strip_prefix(Self::STUCK_AT_PREFIX)
                .and_then(ItemKind::parse)
                .map(ReadinessFilter::StuckAt),
        }
    }
}

// ---------------------------------------------------------------------------
// The page.
// ---------------------------------------------------------------------------

/// An errcode with its meaning from the catalogue (filled on the server).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrcodeText {
    pub errcode: i64,
    pub zh: String,
    pub en: String,
}

/// Where an item is fixed: a console page, or WeChat's admin site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixLink {
    pub href: String,
    pub external: bool,
}

impl FixLink {
    fn console(href: String) -> Self {
        Self {
            href,
            external: false,
        }
    }

    fn wechat() -> Self {
        Self {
            href: WECHAT_ADMIN_URL.to_owned(),
            external: true,
        }
    }
}

/// Where `item` of `appid` is fixed. A new authorization is started by staff only
/// (`/apps/authorize`), so a merchant gets no link there.
pub fn fix_link(item: &Item, appid: &str, staff: bool) -> Option<FixLink> {
    let release = |step: &str| FixLink::console(format!("/apps/{appid}/release#{step}"));
    match item.kind {
        ItemKind::Authorization => staff.then(|| FixLink::console("/apps/authorize".into())),
        ItemKind::BasicInfo | ItemKind::Categories => Some(FixLink::wechat()),
        ItemKind::Subject => match item.finding {
            // What a personal subject cannot do shows first on the QR-jump rules (85075).
            Finding::Personal => Some(FixLink::console(format!("/apps/{appid}/qrcode-rules"))),
            _ => Some(FixLink::wechat()),
        },
        ItemKind::ServerDomains => Some(FixLink::console(format!("/apps/{appid}/domains"))),
        ItemKind::Testers => Some(FixLink::console(format!("/apps/{appid}/testers"))),
        ItemKind::CodeCommitted => Some(release("step-commit")),
        ItemKind::AuditPassed => Some(release("step-submit")),
        ItemKind::Released => Some(release("step-release")),
    }
}

/// One item as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    pub item: Item,
    /// The errcode the item prevents, with its meaning.
    pub prevents: Option<ErrcodeText>,
    /// WeChat's answer when the source could not be read, with its meaning.
    pub read_error: Option<ErrcodeText>,
    pub link: Option<FixLink>,
}

/// One mini program's checklist as of its last check; no items when it was never checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadinessView {
    pub appid: String,
    pub nick_name: String,
    pub checked_at: Option<i64>,
    /// Who asked for the last check.
    pub checked_by: Option<String>,
    pub items: Vec<ItemView>,
    pub summary: Option<Summary>,
}

/// The registry's selection for a fleet re-check: at most [`FLEET_CHECK_MAX`] AppIDs, and
/// how many matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetTargets {
    pub appids: Vec<String>,
    pub matched: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, state: ItemState) -> Item {
        Item {
            kind,
            state,
            finding: Finding::Committed,
            prevents: None,
        }
    }

    #[test]
    fn names_round_trip() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()), Some(k));
        }
        for s in [
            ItemState::Ok,
            ItemState::Warn,
            ItemState::Missing,
            ItemState::NotApplicable,
        ] {
            assert_eq!(ItemState::parse(s.as_str()), Some(s));
        }
        assert_eq!(ItemKind::parse("drop table"), None);
    }

    #[test]
    fn the_summary_counts_what_applies_and_names_the_first_missing() {
        let items = vec![
            item(ItemKind::Authorization, ItemState::Ok),
            item(ItemKind::BasicInfo, ItemState::Warn),
            item(ItemKind::Subject, ItemState::NotApplicable),
            item(ItemKind::Testers, ItemState::Missing),
            item(ItemKind::Released, ItemState::Missing),
        ];
        let s = summarize(&items);
        assert_eq!((s.ready, s.total), (2, 4));
        assert_eq!(s.first_blocking, Some(ItemKind::Testers));
        assert_eq!(s.state(), ReadinessState::Stuck);
        let done = summarize(&items[..3]);
        assert_eq!((done.ready, done.total), (2, 2));
        assert_eq!(done.state(), ReadinessState::Ready);
        assert_eq!(summarize(&[]).state(), ReadinessState::Ready);
    }

    #[test]
    fn filters_round_trip_and_garbage_is_none() {
        for f in ReadinessFilter::all() {
            assert_eq!(ReadinessFilter::parse(&f.as_param()), Some(f), "{f:?}");
        }
        assert_eq!(
            ReadinessFilter::parse("stuck:testers"),
            Some(ReadinessFilter::StuckAt(ItemKind::Testers))
        );
        for bad in ["", "stuck:", "stuck:nothing", "READY", "stuck:testers "] {
            assert_eq!(ReadinessFilter::parse(bad), None, "{bad:?}");
        }
        assert_eq!(ReadinessFilter::all().len(), 3 + ItemKind::ALL.len());
    }

    #[test]
    fn each_item_links_where_it_is_fixed() {
        let appid = "wx0123456789abcdef";
        let link = |kind, finding, staff| {
            fix_link(
                &Item {
                    kind,
                    state: ItemState::Missing,
                    finding,
                    prevents: None,
                },
                appid,
                staff,
            )
        };
        assert_eq!(
            link(ItemKind::Testers, Finding::NoTesters { limit: 20 }, false).map(|l| l.href),
            Some(format!("/apps/{appid}/testers"))
        );
        assert_eq!(
            link(ItemKind::Released, Finding::NotReleased, false).map(|l| l.href),
            Some(format!("/apps/{appid}/release#step-release"))
        );
        assert_eq!(
            link(ItemKind::Subject, Finding::Personal, false).map(|l| l.href),
            Some(format!("/apps/{appid}/qrcode-rules"))
        );
        let admin_site = link(
            ItemKind::BasicInfo,
            Finding::BasicInfoIncomplete {
                missing: vec![BasicField::Signature],
                fallback: false,
            },
            false,
        )
        .expect("a link");
        assert!(admin_site.external);
        assert_eq!(admin_site.href, WECHAT_ADMIN_URL);
        // Only staff start a new authorization.
        assert_eq!(
            link(ItemKind::Authorization, Finding::Unauthorized, true).map(|l| l.href),
            Some("/apps/authorize".into())
        );
        assert_eq!(
            link(ItemKind::Authorization, Finding::Unauthorized, false),
            None
        );
    }

    #[test]
    fn principals_from_wechat_and_from_the_registry() {
        assert_eq!(Principal::from_wechat(0), Some(Principal::Personal));
        assert_eq!(Principal::from_wechat(3), Some(Principal::Government));
        assert_eq!(Principal::from_wechat(9), None);
        assert_eq!(
            Principal::from_subject(SubjectType::IndividualBusiness),
            Principal::Enterprise
        );
        assert!(Principal::Media.must_verify());
        assert!(!Principal::Enterprise.must_verify());
        assert!(!Principal::Personal.must_verify());
    }

    #[test]
    fn a_snapshot_without_newer_sources_still_reads() {
        // Stored before `refused_scopes` existed.
        let json = r#"{
            "authorization": {"fetched_at": 1, "read": {"Ok": {"status": "Authorized",
                "func_info": [18, 30], "subject": "Enterprise"}}},
            "basic_info": {"fetched_at": 1, "read": {"Err": "Unreachable"}},
            "categories": {"fetched_at": 1, "read": {"Ok": []}},
            "testers": {"fetched_at": 1, "read": {"Err": {"Wechat": {"errcode": -1}}}},
            "release": {"fetched_at": 1, "read": {"Ok": {"committed": true, "audit_status": null,
                "audit_version": null, "last_rejection": null, "online_version": null}}}
        }"#;
        let s: Sources = serde_json::from_str(json).expect("reads");
        assert!(s.refused_scopes.is_empty());
        assert_eq!(s.testers.read, Err(ReadError::Wechat { errcode: -1 }));
    }
}
