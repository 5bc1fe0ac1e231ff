//! Texts of the readiness checklist (就绪检查), its link on the mini program's home, and the
//! registry's readiness column, filter and fleet re-check.

use crate::domain::readiness::{
    BasicField, Finding, ItemKind, ItemState, Principal, ReadError, ReadinessFilter,
};

pub struct ReadinessTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub never_checked: &'static str,
    pub never_checked_hint: &'static str,
    pub recheck: &'static str,
    pub checking: &'static str,
    pub rechecked: &'static str,
    /// (time, who) → "last checked …".
    pub checked_at: fn(&str, &str) -> String,
    /// (ready, total) → "6 / 8 ready".
    pub summary: fn(usize, usize) -> String,
    pub all_ready: &'static str,
    /// (item) → "first to do: …".
    pub first_blocking: fn(&str) -> String,
    pub col_item: &'static str,
    pub col_state: &'static str,
    pub col_detail: &'static str,
    pub col_prevents: &'static str,
    pub col_fix: &'static str,
    pub fix: &'static str,
    pub fix_on_wechat: &'static str,
    pub read_error: &'static str,
    pub item: fn(ItemKind) -> &'static str,
    pub state: fn(ItemState) -> &'static str,
    pub finding: fn(&Finding) -> String,
    /// The mini program's home card.
    pub home_hint: &'static str,
    pub open: &'static str,
    // The registry.
    pub col_readiness: &'static str,
    pub not_checked: &'static str,
    /// (ready, total) → "就绪 6/8".
    pub brief: fn(i64, i64) -> String,
    pub filter_any: &'static str,
    pub filter: fn(ReadinessFilter) -> String,
    pub fleet_title: &'static str,
    pub fleet_hint: &'static str,
    pub select_row: &'static str,
    pub recheck_selected: &'static str,
    pub recheck_matching: fn(u32) -> String,
    /// (done, total) → progress.
    pub progress: fn(usize, usize) -> String,
    /// (matched, taken) → "n match, the first m are re-checked".
    pub fleet_capped: fn(i64, usize) -> String,
    /// (ready, stuck, failed) → the run's outcome.
    pub fleet_done: fn(usize, usize, usize) -> String,
}

fn item_zh(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Authorization => "授权与权限集",
        ItemKind::BasicInfo => "名称、头像、简介",
        ItemKind::Subject => "主体与认证",
        ItemKind::Categories => "服务类目",
        ItemKind::ServerDomains => "服务器域名",
        ItemKind::Testers => "体验者",
        ItemKind::CodeCommitted => "已上传代码",
        ItemKind::AuditPassed => "审核通过",
        ItemKind::Released => "已发布",
    }
}

fn item_en(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Authorization => "Authorization and permission sets",
        ItemKind::BasicInfo => "Name, avatar, introduction",
        ItemKind::Subject => "Subject and verification",
        ItemKind::Categories => "Service categories",
        ItemKind::ServerDomains => "Server domains",
        ItemKind::Testers => "Testers",
        ItemKind::CodeCommitted => "Code committed",
        ItemKind::AuditPassed => "Review passed",
        ItemKind::Released => "Released",
    }
}

fn state_zh(state: ItemState) -> &'static str {
    match state {
        ItemState::Ok => "已完成",
        ItemState::Warn => "注意",
        ItemState::Missing => "待完成",
        ItemState::NotApplicable => "不适用",
    }
}

fn state_en(state: ItemState) -> &'static str {
    match state {
        ItemState::Ok => "Done",
        ItemState::Warn => "Note",
        ItemState::Missing => "To do",
        ItemState::NotApplicable => "Not applicable",
    }
}

fn scope_zh(scope: i64) -> String {
    match scope {
        18 => "权限集 18（开发管理与数据分析）".into(),
        30 => "权限集 30（小程序基本信息管理）".into(),
        other => format!("权限集 {other}"),
    }
}

fn scope_en(scope: i64) -> String {
    match scope {
        18 => "permission set 18 (development management and data analysis)".into(),
        30 => "permission set 30 (mini program basic info)".into(),
        other => format!("permission set {other}"),
    }
}

fn field_zh(field: BasicField) -> &'static str {
    match field {
        BasicField::Nickname => "名称",
        BasicField::HeadImage => "头像",
        BasicField::Signature => "简介",
    }
}

fn field_en(field: BasicField) -> &'static str {
    match field {
        BasicField::Nickname => "name",
        BasicField::HeadImage => "avatar",
        BasicField::Signature => "introduction",
    }
}

fn principal_zh(p: Principal) -> &'static str {
    match p {
        Principal::Personal => "个人",
        Principal::Enterprise => "企业",
        Principal::Media => "媒体",
        Principal::Government => "政府",
        Principal::OtherOrganization => "其他组织",
    }
}

fn principal_en(p: Principal) -> &'static str {
    match p {
        Principal::Personal => "personal",
        Principal::Enterprise => "enterprise",
        Principal::Media => "media",
        Principal::Government => "government",
        Principal::OtherOrganization => "other organisation",
    }
}

fn version_zh(v: &Option<String>) -> String {
    v.as_deref()
        .map(|v| format!("（版本 {v}）"))
        .unwrap_or_default()
}

fn version_en(v: &Option<String>) -> String {
    v.as_deref()
        .map(|v| format!(" (version {v})"))
        .unwrap_or_default()
}

fn reason_zh(r: &Option<String>) -> String {
    r.as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!("原因：{r}"))
        .unwrap_or_default()
}

fn reason_en(r: &Option<String>) -> String {
    r.as_deref()
        .filter(|r| !r.trim().is_empty())
        .map(|r| format!(" Reason: {r}"))
        .unwrap_or_default()
}

const FALLBACK_ZH: &str = "（基本信息接口读取失败，取自授权方信息）";
const FALLBACK_EN: &str = " (read from the authorizer info: basic info could not be read)";

fn finding_zh(f: &Finding) -> String {
    match f {
        Finding::Unreadable(ReadError::NotAuthorized) => {
            "平台未持有授权，未向微信读取。".into()
        }
        Finding::Unreadable(ReadError::Unreachable) => {
            "未能读取（微信无法连接），重新检查可再试。".into()
        }
        Finding::Unreadable(ReadError::Wechat { errcode }) => {
            format!("未能读取：微信返回 {errcode}。")
        }
        Finding::Unreadable(ReadError::NotRead) => "上次检查时还没有这一项，请重新检查。".into(),
        Finding::Authorized => "已授权，所需权限集都已授予。".into(),
        Finding::ScopesMissing { scopes } => format!(
            "未授予{}：相关接口会返回 61007。请小程序管理员重新授权并勾选。",
            scopes.iter().map(|s| scope_zh(*s)).collect::<Vec<_>>().join("、")
        ),
        Finding::NeedsReauthorization => "授权已失效（refresh_token 无效），需要重新授权。".into(),
        Finding::Unauthorized => "小程序已取消授权，需要重新授权。".into(),
        Finding::BasicInfoComplete { fallback } => format!(
            "名称、头像、简介都已设置。{}",
            if *fallback { FALLBACK_ZH } else { "" }
        ),
        Finding::BasicInfoIncomplete { missing, fallback } => format!(
            "未设置{}：提交审核会被拒绝。{}",
            missing.iter().map(|f| field_zh(*f)).collect::<Vec<_>>().join("、"),
            if *fallback { FALLBACK_ZH } else { "" }
        ),
        Finding::SubjectVerified { principal } => {
            format!("{}主体，已完成微信认证。", principal_zh(*principal))
        }
        Finding::EnterpriseNotVerified => {
            "企业主体，未做微信认证（可选；微信支付等能力需要认证）。".into()
        }
        Finding::Personal => "个人主体：不能设置扫普通链接二维码打开小程序（85075）、不能开发插件、不能设置业务域名，也不支持微信认证。".into(),
        Finding::MustVerify { principal } => format!(
            "{}主体必须通过微信认证，认证通过前部分功能无法使用。",
            principal_zh(*principal)
        ),
        Finding::RealnameVerifying => "主体实名验证中。".into(),
        Finding::RealnameFailed => "主体实名验证失败。".into(),
        Finding::CategoriesSet { count } => format!("已设置 {count} 个类目。"),
        Finding::CategoriesOutsidePersonal { labels } => format!(
            "个人主体可选的类目有限，以下类目不在面向个人开发者开放的范围内：{}。",
            labels.join("；")
        ),
        Finding::NoCategories => "还没有设置服务类目，提交审核时无类目可选。".into(),
        Finding::DomainsSet { request, total } => {
            format!("已设置 {total} 个服务器域名，其中 request 合法域名 {request} 个。")
        }
        Finding::NoRequestDomain { total } => format!(
            "已设置 {total} 个服务器域名，但没有 request 合法域名：wx.request 无法访问任何服务器。"
        ),
        Finding::NoServerDomains => "还没有设置服务器域名：经第三方平台发布后，只保留通过平台设置的域名，小程序将无法访问服务器。".into(),
        Finding::TestersBound { count, limit } => {
            format!("已绑定 {count} 位体验者（上限 {limit}）。")
        }
        Finding::TestersFull { count, limit } => {
            format!("体验者已满（{count} / {limit}），无法再绑定。")
        }
        Finding::NoTesters { limit } => format!(
            "还没有体验者：除管理员外没有人能打开体验版（最多可绑定 {limit} 位）。"
        ),
        Finding::Committed => "已上传代码。".into(),
        Finding::NotCommitted => "还没有上传代码。".into(),
        Finding::AuditApproved { version } => format!("审核已通过{}。", version_zh(version)),
        Finding::LiveNewerInReview { version } => {
            format!("线上版本已审核通过；新版本审核中{}。", version_zh(version))
        }
        Finding::LiveNewerRejected { reason } => format!(
            "线上版本已审核通过；最新提交的版本被拒绝。{}",
            reason_zh(reason)
        ),
        Finding::LiveApproved => "线上版本已审核通过。".into(),
        Finding::AuditInReview { version } => format!("审核中{}。", version_zh(version)),
        Finding::AuditRejected { reason } => {
            format!("审核被拒绝。{}", reason_zh(reason))
        }
        Finding::AuditWithdrawn => "审核已撤回，需要重新提交。".into(),
        Finding::NotSubmitted => "还没有提交审核。".into(),
        Finding::Released { version } => format!("已发布，线上版本 {version}。"),
        Finding::NotReleased => "还没有线上版本。".into(),
    }
}

fn finding_en(f: &Finding) -> String {
    match f {
        Finding::Unreadable(ReadError::NotAuthorized) => {
            "The platform holds no authorization: nothing was read from WeChat.".into()
        }
        Finding::Unreadable(ReadError::Unreachable) => {
            "Could not be read (WeChat unreachable); re-check to try again.".into()
        }
        Finding::Unreadable(ReadError::Wechat { errcode }) => {
            format!("Could not be read: WeChat answered {errcode}.")
        }
        Finding::Unreadable(ReadError::NotRead) => {
            "The last check came before this item existed: re-check.".into()
        }
        Finding::Authorized => "Authorized, with every permission set needed.".into(),
        Finding::ScopesMissing { scopes } => format!(
            "Not granted: {}. Its endpoints answer 61007; the mini program's administrator must authorize again and tick it.",
            scopes.iter().map(|s| scope_en(*s)).collect::<Vec<_>>().join(", ")
        ),
        Finding::NeedsReauthorization => {
            "The authorization no longer works (refresh_token invalid): authorize again.".into()
        }
        Finding::Unauthorized => "The mini program cancelled the authorization: authorize again.".into(),
        Finding::BasicInfoComplete { fallback } => format!(
            "Name, avatar and introduction are set.{}",
            if *fallback { FALLBACK_EN } else { "" }
        ),
        Finding::BasicInfoIncomplete { missing, fallback } => format!(
            "No {} set: a submission for review is refused.{}",
            missing.iter().map(|f| field_en(*f)).collect::<Vec<_>>().join(", "),
            if *fallback { FALLBACK_EN } else { "" }
        ),
        Finding::SubjectVerified { principal } => format!(
            "A {} subject, verified by WeChat.",
            principal_en(*principal)
        ),
        Finding::EnterpriseNotVerified => {
            "An enterprise, not verified by WeChat (optional; WeChat Pay and some features need it).".into()
        }
        Finding::Personal => "A personal subject: it cannot set QR code rules (85075), develop plugins or set web-view domains, and cannot be verified by WeChat.".into(),
        Finding::MustVerify { principal } => format!(
            "A {} subject must be verified by WeChat; some features stay unavailable until then.",
            principal_en(*principal)
        ),
        Finding::RealnameVerifying => "The subject's real-name verification is under way.".into(),
        Finding::RealnameFailed => "The subject's real-name verification failed.".into(),
        Finding::CategoriesSet { count } => format!("{count} categories set."),
        Finding::CategoriesOutsidePersonal { labels } => format!(
            "A personal account may choose few categories; these are outside the ones open to personal developers: {}.",
            labels.join("; ")
        ),
        Finding::NoCategories => {
            "No service category yet: a submission for review has none to name.".into()
        }
        Finding::DomainsSet { request, total } => {
            format!("{total} server domains set, {request} of them request domains.")
        }
        Finding::NoRequestDomain { total } => format!(
            "{total} server domains set, but no request domain: wx.request reaches no server."
        ),
        Finding::NoServerDomains => "No server domains yet: a release through the platform keeps only the domains set through it, so the mini program would reach no server.".into(),
        Finding::TestersBound { count, limit } => {
            format!("{count} testers bound (at most {limit}).")
        }
        Finding::TestersFull { count, limit } => {
            format!("No room for another tester ({count} / {limit}).")
        }
        Finding::NoTesters { limit } => format!(
            "No testers yet: nobody but the administrators can open the experience version (up to {limit} may be bound)."
        ),
        Finding::Committed => "Code committed.".into(),
        Finding::NotCommitted => "No code committed yet.".into(),
        Finding::AuditApproved { version } => {
            format!("The review passed{}.", version_en(version))
        }
        Finding::LiveNewerInReview { version } => format!(
            "The version online passed its review; a newer one is in review{}.",
            version_en(version)
        ),
        Finding::LiveNewerRejected { reason } => format!(
            "The version online passed its review; the newest submission was rejected.{}",
            reason_en(reason)
        ),
        Finding::LiveApproved => "The version online passed its review.".into(),
        Finding::AuditInReview { version } => format!("In review{}.", version_en(version)),
        Finding::AuditRejected { reason } => {
            format!("The review was rejected.{}", reason_en(reason))
        }
        Finding::AuditWithdrawn => "The review was withdrawn: submit again.".into(),
        Finding::NotSubmitted => "Not submitted for review yet.".into(),
        Finding::Released { version } => format!("Released: version {version} is online."),
        Finding::NotReleased => "No version online yet.".into(),
    }
}

fn filter_zh(f: ReadinessFilter) -> String {
    match f {
        ReadinessFilter::Ready => "已就绪".into(),
        ReadinessFilter::Stuck => "未就绪".into(),
        ReadinessFilter::NotChecked => "未检查".into(),
        ReadinessFilter::StuckAt(kind) => format!("卡在：{}", item_zh(kind)),
    }
}

fn filter_en(f: ReadinessFilter) -> String {
    match f {
        ReadinessFilter::Ready => "Ready".into(),
        ReadinessFilter::Stuck => "Stuck".into(),
        ReadinessFilter::NotChecked => "Not checked".into(),
        ReadinessFilter::StuckAt(kind) => format!("Stuck at: {}", item_en(kind)),
    }
}

pub const ZH: ReadinessTexts = ReadinessTexts {
    nav: "就绪检查",
    title: "就绪检查",
    intro: "首次发布前还差什么：每一项的状态、未完成时微信会返回的错误码，以及去哪里处理。“重新检查”只读取微信的状态（基本信息、类目、体验者）和控制台已有的记录（授权、代码与审核），不做任何修改；打开本页只显示上次检查的结果。",
    never_checked: "尚未检查。",
    never_checked_hint: "点“重新检查”读取当前状态。",
    recheck: "重新检查",
    checking: "检查中…",
    rechecked: "已重新检查。",
    checked_at: |at, who| format!("上次检查：{at}（{who}）"),
    summary: |ready, total| format!("就绪 {ready} / {total}"),
    all_ready: "首次发布前的各项都已完成。",
    first_blocking: |item| format!("首先要处理：{item}"),
    col_item: "检查项",
    col_state: "状态",
    col_detail: "说明",
    col_prevents: "未完成时微信返回",
    col_fix: "处理",
    fix: "去处理",
    fix_on_wechat: "到微信公众平台处理",
    read_error: "读取时微信返回",
    item: item_zh,
    state: state_zh,
    finding: finding_zh,
    home_hint: "首次发布前还差什么：授权、基本信息、主体、类目、体验者、代码、审核、发布。",
    open: "查看就绪检查",
    col_readiness: "就绪",
    not_checked: "未检查",
    brief: |ready, total| format!("就绪 {ready}/{total}"),
    filter_any: "就绪：全部",
    filter: filter_zh,
    fleet_title: "批量重新检查",
    fleet_hint: "勾选的小程序，或当前筛选的结果（最多 100 个），逐个重新检查；只读取，不做修改。",
    select_row: "选择",
    recheck_selected: "重新检查所选",
    recheck_matching: |max| format!("重新检查筛选结果（最多 {max} 个）"),
    progress: |done, total| format!("已检查 {done} / {total}"),
    fleet_capped: |matched, taken| format!("共 {matched} 个符合筛选，检查前 {taken} 个。"),
    fleet_done: |ready, stuck, failed| {
        format!("检查完成：已就绪 {ready} 个，未就绪 {stuck} 个，失败 {failed} 个。")
    },
};

pub const EN: ReadinessTexts = ReadinessTexts {
    nav: "Readiness",
    title: "Readiness checklist",
    intro: "What still stands between this mini program and its first release: each item's state, the WeChat errcode it leads to while undone, and where it is fixed. \"Re-check\" only reads WeChat's state (basic info, categories, testers) and the console's own records (authorization, code and reviews); it changes nothing. Opening this page shows the last check.",
    never_checked: "Not checked yet.",
    never_checked_hint: "Press \"Re-check\" to read the current state.",
    recheck: "Re-check",
    checking: "Checking…",
    rechecked: "Re-checked.",
    checked_at: |at, who| format!("Last checked {at} by {who}"),
    summary: |ready, total| format!("{ready} / {total} ready"),
    all_ready: "Everything before a first release is done.",
    first_blocking: |item| format!("First to do: {item}"),
    col_item: "Item",
    col_state: "State",
    col_detail: "Details",
    col_prevents: "WeChat answers while undone",
    col_fix: "Fix",
    fix: "Fix it",
    fix_on_wechat: "On WeChat's admin site",
    read_error: "WeChat answered",
    item: item_en,
    state: state_en,
    finding: finding_en,
    home_hint: "What a first release still needs: authorization, basic info, subject, categories, testers, code, review, release.",
    open: "Open the readiness checklist",
    col_readiness: "Readiness",
    not_checked: "Not checked",
    brief: |ready, total| format!("Ready {ready}/{total}"),
    filter_any: "Readiness: all",
    filter: filter_en,
    fleet_title: "Re-check many",
    fleet_hint: "The ticked mini programs, or the current filter's (at most 100), re-checked one after another; reads only, changes nothing.",
    select_row: "Select",
    recheck_selected: "Re-check the ticked ones",
    recheck_matching: |max| format!("Re-check the filter's (at most {max})"),
    progress: |done, total| format!("{done} / {total} checked"),
    fleet_capped: |matched, taken| format!("{matched} match the filter; the first {taken} are re-checked."),
    fleet_done: |ready, stuck, failed| {
        format!("Done: {ready} ready, {stuck} stuck, {failed} failed.")
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_finding_reads_in_both_languages() {
        let findings = [
            Finding::Unreadable(ReadError::Wechat { errcode: 61007 }),
            Finding::ScopesMissing {
                scopes: vec![18, 30],
            },
            Finding::BasicInfoIncomplete {
                missing: vec![BasicField::HeadImage, BasicField::Signature],
                fallback: true,
            },
            Finding::MustVerify {
                principal: Principal::Government,
            },
            Finding::TestersFull {
                count: 10,
                limit: 10,
            },
            Finding::AuditRejected {
                reason: Some("1:首页内容与类目不符".into()),
            },
            Finding::Released {
                version: "1.0.3".into(),
            },
        ];
        for f in &findings {
            let zh = (ZH.finding)(f);
            let en = (EN.finding)(f);
            assert!(!zh.is_empty() && !en.is_empty(), "{f:?}");
            assert_ne!(zh, en, "{f:?}");
        }
        assert!((ZH.finding)(&findings[1]).contains("权限集 30"));
        assert!((EN.finding)(&findings[2]).contains("avatar, introduction"));
        assert!((ZH.finding)(&findings[5]).contains("首页内容与类目不符"));
        for kind in ItemKind::ALL {
            assert_ne!((ZH.item)(kind), (EN.item)(kind));
        }
        assert_eq!((ZH.brief)(6, 8), "就绪 6/8");
        assert_eq!(
            (ZH.filter)(ReadinessFilter::StuckAt(ItemKind::Testers)),
            "卡在：体验者"
        );
    }
}
