//! The checklist's items, one small function each: what its sources must say for the item to
//! be done. A new item (server domains, plugins) is a function of the same shape added to
//! [`ITEMS`] with its source in [`Sources`].

use super::{
    errcode, BasicField, Finding, Item, ItemKind, ItemState, Principal, ReadError, Sources,
    REQUIRED_SCOPES,
};
use crate::domain::mini_program::AppStatus;

/// The items in the order a first release meets them.
pub const ITEMS: &[fn(&Sources) -> Item] = &[
    authorization_item,
    basic_info_item,
    subject_item,
    categories_item,
    server_domains_item,
    testers_item,
    code_item,
    audit_item,
    release_item,
];

/// The checklist for what one check read.
pub fn checklist(sources: &Sources) -> Vec<Item> {
    ITEMS.iter().map(|rule| rule(sources)).collect()
}

fn item(kind: ItemKind, state: ItemState, finding: Finding, prevents: Option<i64>) -> Item {
    Item {
        kind,
        state,
        finding,
        prevents,
    }
}

fn done(kind: ItemKind, finding: Finding) -> Item {
    item(kind, ItemState::Ok, finding, None)
}

fn missing(kind: ItemKind, finding: Finding, prevents: Option<i64>) -> Item {
    item(kind, ItemState::Missing, finding, prevents)
}

/// A source that could not be read leaves its item undone: only a check that reads it can
/// say it is done.
fn unreadable(kind: ItemKind, error: &ReadError, prevents: Option<i64>) -> Item {
    missing(kind, Finding::Unreadable(error.clone()), prevents)
}

/// Authorized, with [`REQUIRED_SCOPES`] granted in the registry and none refused by WeChat
/// during the check (61007).
pub fn authorization_item(s: &Sources) -> Item {
    let kind = ItemKind::Authorization;
    let facts = match &s.authorization.read {
        Ok(f) => f,
        Err(e) => return unreadable(kind, e, None),
    };
    match facts.status {
        AppStatus::Unauthorized => {
            return missing(kind, Finding::Unauthorized, Some(errcode::NOT_AUTHORIZED))
        }
        AppStatus::NeedsReauthorization => {
            return missing(
                kind,
                Finding::NeedsReauthorization,
                Some(errcode::NEEDS_REAUTHORIZATION),
            )
        }
        AppStatus::Authorized => {}
    }
    let lacking: Vec<i64> = REQUIRED_SCOPES
        .into_iter()
        .filter(|scope| !facts.func_info.contains(scope) || s.refused_scopes.contains(scope))
        .collect();
    if lacking.is_empty() {
        done(kind, Finding::Authorized)
    } else {
        missing(
            kind,
            Finding::ScopesMissing { scopes: lacking },
            Some(errcode::SCOPE_NOT_GRANTED),
        )
    }
}

/// Name, avatar and introduction all set: submit_audit refuses without them (86002).
pub fn basic_info_item(s: &Sources) -> Item {
    let kind = ItemKind::BasicInfo;
    let prevents = Some(errcode::BASIC_INFO_INCOMPLETE);
    let info = match &s.basic_info.read {
        Ok(info) => info,
        Err(e) => return unreadable(kind, e, prevents),
    };
    let blank = |v: &str| v.trim().is_empty();
    let lacking: Vec<BasicField> = [
        (BasicField::Nickname, &info.nickname),
        (BasicField::HeadImage, &info.head_image_url),
        (BasicField::Signature, &info.signature),
    ]
    .into_iter()
    .filter(|(_, value)| blank(value))
    .map(|(field, _)| field)
    .collect();
    if lacking.is_empty() {
        done(
            kind,
            Finding::BasicInfoComplete {
                fallback: info.fallback,
            },
        )
    } else {
        missing(
            kind,
            Finding::BasicInfoIncomplete {
                missing: lacking,
                fallback: info.fallback,
            },
            prevents,
        )
    }
}

/// The subject as WeChat reports it, else as the registry recorded it.
pub fn principal_of(s: &Sources) -> Option<Principal> {
    let from_wechat = s
        .basic_info
        .read
        .as_ref()
        .ok()
        .and_then(|info| info.principal_type)
        .and_then(Principal::from_wechat);
    from_wechat.or_else(|| {
        s.authorization
            .read
            .as_ref()
            .ok()
            .map(|f| Principal::from_subject(f.subject))
    })
}

/// The subject verified (real-name verification done; government, media and other
/// organisations verified by WeChat, as the seed requires). A personal subject is done but
/// cannot use some features: QR-jump rules (85075), plugins of its own, web-view domains.
pub fn subject_item(s: &Sources) -> Item {
    let kind = ItemKind::Subject;
    let Some(principal) = principal_of(s) else {
        let error = s
            .basic_info
            .read
            .as_ref()
            .err()
            .cloned()
            .unwrap_or(ReadError::Unreachable);
        return unreadable(kind, &error, None);
    };
    let info = s.basic_info.read.as_ref().ok();
    match info.and_then(|i| i.realname_status) {
        Some(2) => return missing(kind, Finding::RealnameVerifying, None),
        Some(3) => return missing(kind, Finding::RealnameFailed, None),
        _ => {}
    }
    if principal == Principal::Personal {
        return item(
            kind,
            ItemState::Warn,
            Finding::Personal,
            Some(errcode::PERSONAL_QR_RULES),
        );
    }
    // Without basic info the verification is unknown: only the organisations that must be
    // verified depend on it.
    let verified = match info {
        Some(i) => i.qualification_verify,
        None if principal.must_verify() => {
            let error = s
                .basic_info
                .read
                .as_ref()
                .err()
                .cloned()
                .unwrap_or(ReadError::Unreachable);
            return unreadable(kind, &error, None);
        }
        None => false,
    };
    match (verified, principal.must_verify()) {
        (true, _) => done(kind, Finding::SubjectVerified { principal }),
        (false, true) => missing(kind, Finding::MustVerify { principal }, None),
        (false, false) => done(kind, Finding::EnterpriseNotVerified),
    }
}

/// 面向个人开发者开放的服务类目 (the onboarding seed's table): (first, second) names. The
/// seed says the list changes with WeChat's rules, so a personal account outside it is a
/// warning, not a refusal.
pub const PERSONAL_CATEGORIES: &[(&str, &str)] = &[
    ("快递业与邮政", "快递、物流"),
    ("快递业与邮政", "邮政"),
    ("快递业与邮政", "装卸搬运"),
    ("教育", "教育信息服务"),
    ("教育", "特殊人群教育"),
    ("教育", "婴幼儿教育"),
    ("教育", "在线教育"),
    ("教育", "教育装备"),
    ("出行与交通", "代驾"),
    ("出行与交通", "票务"),
    ("出行与交通", "生活缴费"),
    ("出行与交通", "家政"),
    ("生活服务", "外送"),
    ("生活服务", "环保回收/废品回收"),
    ("生活服务", "摄影/扩印"),
    ("生活服务", "婚庆服务"),
    ("餐饮", "点评与推荐"),
    ("餐饮", "菜谱"),
    ("餐饮", "餐厅排队"),
    ("旅游", "旅游攻略"),
    ("旅游", "出境WiFi"),
    ("工具", "记账"),
    ("工具", "日历"),
    ("工具", "天气"),
    ("工具", "办公"),
    ("工具", "字典"),
    ("工具", "图片/音频/视频"),
    ("工具", "计算类"),
    ("工具", "报价/比价"),
    ("工具", "信息查询"),
    ("工具", "效率"),
    ("工具", "预约"),
    ("工具", "健康管理"),
    ("工具", "企业管理"),
    ("工具", "法律服务"),
    ("商业服务", "会展服务"),
    ("商业服务", "一般财务服务"),
    ("商业服务", "农林牧渔"),
    ("体育", "体育培训"),
    ("体育", "在线健身"),
];

pub fn open_to_personal(first: &str, second: &str) -> bool {
    PERSONAL_CATEGORIES
        .iter()
        .any(|(f, s)| *f == first.trim() && *s == second.trim())
}

/// At least one service category (submit_audit names one: 85008 without); a personal account
/// within the seed's list for personal developers.
pub fn categories_item(s: &Sources) -> Item {
    let kind = ItemKind::Categories;
    let prevents = Some(errcode::NO_CATEGORY);
    let list = match &s.categories.read {
        Ok(list) => list,
        Err(e) => return unreadable(kind, e, prevents),
    };
    if list.is_empty() {
        return missing(kind, Finding::NoCategories, prevents);
    }
    if principal_of(s) == Some(Principal::Personal) {
        let outside: Vec<String> = list
            .iter()
            .filter(|c| !open_to_personal(&c.first, &c.second))
            .map(|c| c.label())
            .collect();
        if !outside.is_empty() {
            return item(
                kind,
                ItemState::Warn,
                Finding::CategoriesOutsidePersonal { labels: outside },
                None,
            );
        }
    }
    done(kind, Finding::CategoriesSet { count: list.len() })
}

/// Server domains set before the first release: a release through the platform keeps only
/// what was set through it (WxJava-Open, `API_MODIFY_DOMAIN`). A request domain is what most
/// code needs (wx.request); other kinds alone are a warning.
pub fn server_domains_item(s: &Sources) -> Item {
    let kind = ItemKind::ServerDomains;
    let facts = match &s.domains.read {
        Ok(f) => *f,
        Err(e) => return unreadable(kind, e, None),
    };
    let total = facts.total();
    if total == 0 {
        missing(kind, Finding::NoServerDomains, None)
    } else if facts.request == 0 {
        item(
            kind,
            ItemState::Warn,
            Finding::NoRequestDomain { total },
            None,
        )
    } else {
        done(
            kind,
            Finding::DomainsSet {
                request: facts.request,
                total,
            },
        )
    }
}

/// At least one tester, so someone besides the administrators can open the experience
/// version; at the limit, a warning (the next bind is 85002).
pub fn testers_item(s: &Sources) -> Item {
    let kind = ItemKind::Testers;
    let facts = match &s.testers.read {
        Ok(f) => *f,
        Err(e) => return unreadable(kind, e, None),
    };
    if facts.count == 0 {
        missing(kind, Finding::NoTesters { limit: facts.limit }, None)
    } else if facts.count >= facts.limit {
        item(
            kind,
            ItemState::Warn,
            Finding::TestersFull {
                count: facts.count,
                limit: facts.limit,
            },
            Some(errcode::TESTERS_FULL),
        )
    } else {
        done(
            kind,
            Finding::TestersBound {
                count: facts.count,
                limit: facts.limit,
            },
        )
    }
}

/// Code committed (or a version online, committed some time).
pub fn code_item(s: &Sources) -> Item {
    let kind = ItemKind::CodeCommitted;
    let prevents = Some(errcode::NO_CODE);
    match &s.release.read {
        Err(e) => unreadable(kind, e, prevents),
        Ok(r) if r.committed || r.online_version.is_some() => done(kind, Finding::Committed),
        Ok(_) => missing(kind, Finding::NotCommitted, prevents),
    }
}

/// get_auditstatus' values.
mod audit {
    pub const APPROVED: i64 = 0;
    pub const REJECTED: i64 = 1;
    pub const AUDITING: i64 = 2;
    pub const WITHDRAWN: i64 = 3;
    pub const DELAYED: i64 = 4;
}

/// A review passed: the newest audit approved, or a version online (its review passed).
pub fn audit_item(s: &Sources) -> Item {
    let kind = ItemKind::AuditPassed;
    let prevents = Some(errcode::AUDIT_NOT_PASSED);
    let r = match &s.release.read {
        Ok(r) => r,
        Err(e) => return unreadable(kind, e, prevents),
    };
    let version = r.audit_version.clone();
    let online = r.online_version.is_some();
    match r.audit_status {
        Some(audit::APPROVED) => done(kind, Finding::AuditApproved { version }),
        Some(audit::AUDITING | audit::DELAYED) if online => {
            done(kind, Finding::LiveNewerInReview { version })
        }
        Some(audit::REJECTED) if online => item(
            kind,
            ItemState::Warn,
            Finding::LiveNewerRejected {
                reason: r.last_rejection.clone(),
            },
            None,
        ),
        _ if online => done(kind, Finding::LiveApproved),
        Some(audit::AUDITING | audit::DELAYED) => {
            missing(kind, Finding::AuditInReview { version }, prevents)
        }
        Some(audit::REJECTED) => missing(
            kind,
            Finding::AuditRejected {
                reason: r.last_rejection.clone(),
            },
            prevents,
        ),
        Some(audit::WITHDRAWN) => missing(kind, Finding::AuditWithdrawn, prevents),
        _ => missing(kind, Finding::NotSubmitted, prevents),
    }
}

/// A version online.
pub fn release_item(s: &Sources) -> Item {
    let kind = ItemKind::Released;
    let prevents = Some(errcode::NOT_RELEASED);
    match &s.release.read {
        Err(e) => unreadable(kind, e, prevents),
        Ok(r) => match &r.online_version {
            Some(version) => done(
                kind,
                Finding::Released {
                    version: version.clone(),
                },
            ),
            None => missing(kind, Finding::NotReleased, prevents),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::{
        summarize, AuthorizationFacts, BasicInfo, Category, DomainFacts, ReleaseFacts, Source,
        TesterFacts,
    };
    use super::*;
    use crate::domain::mini_program::SubjectType;

    fn complete_info() -> BasicInfo {
        BasicInfo {
            nickname: "星辰咖啡点单".into(),
            head_image_url: "https://img.example.com/a.png".into(),
            signature: "咖啡点单".into(),
            principal_type: Some(1),
            principal_name: "星辰咖啡有限公司".into(),
            realname_status: Some(1),
            qualification_verify: true,
            fallback: false,
        }
    }

    fn category(first: &str, second: &str) -> Category {
        Category {
            first: first.into(),
            second: second.into(),
            third: None,
        }
    }

    /// A mini program with everything done.
    fn ready() -> Sources {
        Sources {
            authorization: Source::got(
                1,
                AuthorizationFacts {
                    status: AppStatus::Authorized,
                    func_info: vec![17, 18, 19, 25, 30, 31],
                    subject: SubjectType::Enterprise,
                },
            ),
            basic_info: Source::got(1, complete_info()),
            categories: Source::got(1, vec![category("餐饮", "咖啡")]),
            testers: Source::got(
                1,
                TesterFacts {
                    count: 1,
                    limit: 40,
                },
            ),
            domains: Source::got(
                1,
                DomainFacts {
                    request: 1,
                    download: 1,
                    ..DomainFacts::default()
                },
            ),
            release: Source::got(
                1,
                ReleaseFacts {
                    committed: true,
                    audit_status: Some(0),
                    audit_version: Some("1.0.0".into()),
                    last_rejection: None,
                    online_version: Some("1.0.0".into()),
                },
            ),
            refused_scopes: Vec::new(),
        }
    }

    /// A mini program just authorized: nothing but the authorization.
    fn fresh() -> Sources {
        let mut s = ready();
        s.basic_info = Source::got(
            1,
            BasicInfo {
                head_image_url: String::new(),
                signature: String::new(),
                ..complete_info()
            },
        );
        s.testers = Source::got(
            1,
            TesterFacts {
                count: 0,
                limit: 40,
            },
        );
        s.domains = Source::got(1, DomainFacts::default());
        s.release = Source::got(1, ReleaseFacts::default());
        s
    }

    fn state_of(s: &Sources, kind: ItemKind) -> (ItemState, Finding, Option<i64>) {
        let items = checklist(s);
        let i = items
            .into_iter()
            .find(|i| i.kind == kind)
            .expect("the item");
        (i.state, i.finding, i.prevents)
    }

    #[test]
    fn the_items_come_in_the_order_of_a_first_release() {
        let kinds: Vec<ItemKind> = checklist(&ready()).into_iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ItemKind::ALL.to_vec());
    }

    #[test]
    fn everything_done_is_ready() {
        let items = checklist(&ready());
        assert!(items.iter().all(|i| i.state == ItemState::Ok), "{items:#?}");
        let s = summarize(&items);
        assert_eq!((s.ready, s.total, s.first_blocking), (9, 9, None));
    }

    #[test]
    fn a_fresh_mini_program_misses_its_info_testers_and_code() {
        let items = checklist(&fresh());
        let lacking: Vec<ItemKind> = items
            .iter()
            .filter(|i| i.state == ItemState::Missing)
            .map(|i| i.kind)
            .collect();
        assert_eq!(
            lacking,
            vec![
                ItemKind::BasicInfo,
                ItemKind::ServerDomains,
                ItemKind::Testers,
                ItemKind::CodeCommitted,
                ItemKind::AuditPassed,
                ItemKind::Released
            ]
        );
        let s = summarize(&items);
        assert_eq!((s.ready, s.total), (3, 9));
        assert_eq!(s.first_blocking, Some(ItemKind::BasicInfo));
        let (_, finding, prevents) = state_of(&fresh(), ItemKind::BasicInfo);
        assert_eq!(
            finding,
            Finding::BasicInfoIncomplete {
                missing: vec![BasicField::HeadImage, BasicField::Signature],
                fallback: false
            }
        );
        assert_eq!(prevents, Some(86002));
        assert_eq!(
            state_of(&fresh(), ItemKind::CodeCommitted).2,
            Some(errcode::NO_CODE)
        );
        assert_eq!(state_of(&fresh(), ItemKind::Released).2, Some(85074));
    }

    #[test]
    fn authorization_needs_the_scopes_and_a_live_authorization() {
        let mut s = ready();
        s.authorization = Source::got(
            1,
            AuthorizationFacts {
                status: AppStatus::Authorized,
                func_info: vec![17, 18],
                subject: SubjectType::Enterprise,
            },
        );
        assert_eq!(
            state_of(&s, ItemKind::Authorization),
            (
                ItemState::Missing,
                Finding::ScopesMissing { scopes: vec![30] },
                Some(61007)
            )
        );
        // Granted in the registry, refused by WeChat during the check.
        let mut s = ready();
        s.refused_scopes = vec![18];
        assert_eq!(
            state_of(&s, ItemKind::Authorization).1,
            Finding::ScopesMissing { scopes: vec![18] }
        );
        for (status, finding, code) in [
            (
                AppStatus::NeedsReauthorization,
                Finding::NeedsReauthorization,
                61023,
            ),
            (AppStatus::Unauthorized, Finding::Unauthorized, 61003),
        ] {
            let mut s = ready();
            s.authorization = Source::got(
                1,
                AuthorizationFacts {
                    status,
                    func_info: vec![18, 30],
                    subject: SubjectType::Enterprise,
                },
            );
            assert_eq!(
                state_of(&s, ItemKind::Authorization),
                (ItemState::Missing, finding, Some(code))
            );
        }
    }

    #[test]
    fn basic_info_needs_all_three_fields_and_unreadable_is_not_done() {
        let mut s = ready();
        s.basic_info = Source::got(
            1,
            BasicInfo {
                nickname: "  ".into(),
                fallback: true,
                ..complete_info()
            },
        );
        assert_eq!(
            state_of(&s, ItemKind::BasicInfo).1,
            Finding::BasicInfoIncomplete {
                missing: vec![BasicField::Nickname],
                fallback: true
            }
        );
        s.basic_info = Source::failed(1, ReadError::Wechat { errcode: 61007 });
        assert_eq!(
            state_of(&s, ItemKind::BasicInfo),
            (
                ItemState::Missing,
                Finding::Unreadable(ReadError::Wechat { errcode: 61007 }),
                Some(86002)
            )
        );
    }

    #[test]
    fn the_subject_rules_follow_the_seed() {
        let with = |principal_type: i64, realname: i64, verified: bool| {
            let mut s = ready();
            s.basic_info = Source::got(
                1,
                BasicInfo {
                    principal_type: Some(principal_type),
                    realname_status: Some(realname),
                    qualification_verify: verified,
                    ..complete_info()
                },
            );
            let (state, finding, prevents) = state_of(&s, ItemKind::Subject);
            (state, finding, prevents)
        };
        assert_eq!(
            with(1, 1, true),
            (
                ItemState::Ok,
                Finding::SubjectVerified {
                    principal: Principal::Enterprise
                },
                None
            )
        );
        // An enterprise may stay unverified; government, media, other organisations may not.
        assert_eq!(with(1, 1, false).1, Finding::EnterpriseNotVerified);
        assert_eq!(
            with(3, 1, false),
            (
                ItemState::Missing,
                Finding::MustVerify {
                    principal: Principal::Government
                },
                None
            )
        );
        assert_eq!(with(2, 1, false).0, ItemState::Missing);
        assert_eq!(with(4, 1, true).0, ItemState::Ok);
        // A person: done, with what it cannot do (85075 first).
        assert_eq!(
            with(0, 1, false),
            (ItemState::Warn, Finding::Personal, Some(85075))
        );
        // Real-name verification under way or failed.
        assert_eq!(with(1, 2, true).1, Finding::RealnameVerifying);
        assert_eq!(with(1, 3, true).0, ItemState::Missing);
        // Basic info unreadable: the registry's subject type decides what it can.
        let mut s = ready();
        s.basic_info = Source::failed(1, ReadError::Unreachable);
        assert_eq!(
            state_of(&s, ItemKind::Subject).1,
            Finding::EnterpriseNotVerified
        );
        s.authorization = Source::got(
            1,
            AuthorizationFacts {
                status: AppStatus::Authorized,
                func_info: vec![18, 30],
                subject: SubjectType::Media,
            },
        );
        assert_eq!(
            state_of(&s, ItemKind::Subject).1,
            Finding::Unreadable(ReadError::Unreachable)
        );
        s.authorization = Source::got(
            1,
            AuthorizationFacts {
                status: AppStatus::Authorized,
                func_info: vec![18, 30],
                subject: SubjectType::Individual,
            },
        );
        assert_eq!(state_of(&s, ItemKind::Subject).1, Finding::Personal);
    }

    #[test]
    fn categories_must_exist_and_fit_a_personal_account() {
        let mut s = ready();
        s.categories = Source::got(1, Vec::new());
        assert_eq!(
            state_of(&s, ItemKind::Categories),
            (ItemState::Missing, Finding::NoCategories, Some(85008))
        );
        // A person with 餐饮 > 咖啡: outside the seed's list for personal developers.
        let mut s = ready();
        s.basic_info = Source::got(
            1,
            BasicInfo {
                principal_type: Some(0),
                qualification_verify: false,
                ..complete_info()
            },
        );
        s.categories = Source::got(1, vec![category("工具", "办公"), category("餐饮", "咖啡")]);
        assert_eq!(
            state_of(&s, ItemKind::Categories),
            (
                ItemState::Warn,
                Finding::CategoriesOutsidePersonal {
                    labels: vec!["餐饮 > 咖啡".into()]
                },
                None
            )
        );
        s.categories = Source::got(1, vec![category("工具", "办公")]);
        assert_eq!(
            state_of(&s, ItemKind::Categories).1,
            Finding::CategoriesSet { count: 1 }
        );
        assert!(open_to_personal(" 教育 ", "在线教育"));
        assert!(!open_to_personal("教育", "学历教育"));
    }

    #[test]
    fn testers_one_at_least_and_a_warning_at_the_limit() {
        let with = |count, limit| {
            let mut s = ready();
            s.testers = Source::got(1, TesterFacts { count, limit });
            state_of(&s, ItemKind::Testers)
        };
        assert_eq!(
            with(0, 10),
            (ItemState::Missing, Finding::NoTesters { limit: 10 }, None)
        );
        assert_eq!(with(3, 10).0, ItemState::Ok);
        assert_eq!(
            with(10, 10),
            (
                ItemState::Warn,
                Finding::TestersFull {
                    count: 10,
                    limit: 10
                },
                Some(85002)
            )
        );
        let mut s = ready();
        s.testers = Source::failed(1, ReadError::NotAuthorized);
        assert_eq!(state_of(&s, ItemKind::Testers).0, ItemState::Missing);
    }

    #[test]
    fn code_audit_and_release_follow_the_release_facts() {
        let with = |committed, audit_status, online: Option<&str>| {
            let mut s = ready();
            s.release = Source::got(
                1,
                ReleaseFacts {
                    committed,
                    audit_status,
                    audit_version: Some("1.1.0".into()),
                    last_rejection: Some("1:首页内容与类目不符".into()),
                    online_version: online.map(str::to_owned),
                },
            );
            (
                state_of(&s, ItemKind::CodeCommitted).0,
                state_of(&s, ItemKind::AuditPassed).1,
                state_of(&s, ItemKind::Released).0,
            )
        };
        assert_eq!(
            with(false, None, None),
            (
                ItemState::Missing,
                Finding::NotSubmitted,
                ItemState::Missing
            )
        );
        assert_eq!(
            with(true, Some(2), None).1,
            Finding::AuditInReview {
                version: Some("1.1.0".into())
            }
        );
        assert_eq!(
            with(true, Some(1), None).1,
            Finding::AuditRejected {
                reason: Some("1:首页内容与类目不符".into())
            }
        );
        assert_eq!(with(true, Some(3), None).1, Finding::AuditWithdrawn);
        assert_eq!(
            with(true, Some(0), None),
            (
                ItemState::Ok,
                Finding::AuditApproved {
                    version: Some("1.1.0".into())
                },
                ItemState::Missing
            )
        );
        // Online: the review passed once; a newer one in review or rejected does not undo it.
        assert_eq!(
            with(true, Some(4), Some("1.0.0")).1,
            Finding::LiveNewerInReview {
                version: Some("1.1.0".into())
            }
        );
        assert!(matches!(
            with(true, Some(1), Some("1.0.0")).1,
            Finding::LiveNewerRejected { .. }
        ));
        assert_eq!(
            with(false, None, Some("1.0.0")),
            (ItemState::Ok, Finding::LiveApproved, ItemState::Ok)
        );
        // The release facts are the console's own; when they cannot be read nothing is done.
        let mut s = ready();
        s.release = Source::failed(1, ReadError::Unreachable);
        let items = checklist(&s);
        let release_items: Vec<ItemKind> = items
            .iter()
            .filter(|i| i.state == ItemState::Missing)
            .map(|i| i.kind)
            .collect();
        assert_eq!(
            release_items,
            [
                ItemKind::CodeCommitted,
                ItemKind::AuditPassed,
                ItemKind::Released
            ]
        );
    }

    #[test]
    fn a_rejected_newer_version_warns_but_counts() {
        let mut s = ready();
        s.release = Source::got(
            1,
            ReleaseFacts {
                committed: true,
                audit_status: Some(1),
                audit_version: Some("1.1.0".into()),
                last_rejection: None,
                online_version: Some("1.0.0".into()),
            },
        );
        let summary = summarize(&checklist(&s));
        assert_eq!((summary.ready, summary.first_blocking), (9, None));
    }

    #[test]
    fn server_domains_a_request_domain_at_least_and_old_snapshots_are_not_done() {
        let mut s = ready();
        s.domains = Source::got(1, DomainFacts::default());
        assert_eq!(
            state_of(&s, ItemKind::ServerDomains),
            (ItemState::Missing, Finding::NoServerDomains, None)
        );
        s.domains = Source::got(
            1,
            DomainFacts {
                download: 2,
                ..DomainFacts::default()
            },
        );
        assert_eq!(
            state_of(&s, ItemKind::ServerDomains),
            (ItemState::Warn, Finding::NoRequestDomain { total: 2 }, None)
        );
        s.domains = Source::got(
            1,
            DomainFacts {
                request: 2,
                socket: 1,
                ..DomainFacts::default()
            },
        );
        assert_eq!(
            state_of(&s, ItemKind::ServerDomains).1,
            Finding::DomainsSet {
                request: 2,
                total: 3
            }
        );
        // A snapshot stored before the item existed reads, with the item not done.
        let mut json = serde_json::to_value(ready()).expect("serializes");
        json.as_object_mut().expect("an object").remove("domains");
        let old: Sources = serde_json::from_value(json).expect("an older snapshot reads");
        assert_eq!(
            state_of(&old, ItemKind::ServerDomains).1,
            Finding::Unreadable(ReadError::NotRead)
        );
    }
}
