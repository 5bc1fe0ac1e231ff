//! Texts of the domains page (服务器域名, 业务域名), the platform's default domain set and
//! their links.

use crate::domain::domains::{DomainKind, DomainRule};

pub struct DomainTexts {
    pub nav: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub server_title: &'static str,
    pub server_hint: &'static str,
    pub webview_title: &'static str,
    pub webview_hint: &'static str,
    /// A list's name (request 合法域名 …).
    pub kind: fn(DomainKind) -> &'static str,
    /// What its entries look like.
    pub kind_format: fn(DomainKind) -> &'static str,
    pub count: fn(usize, usize) -> String,
    pub empty: &'static str,
    pub personal: &'static str,
    pub webview_unavailable: &'static str,
    pub f_input: &'static str,
    pub f_input_hint: &'static str,
    pub add: &'static str,
    pub set: &'static str,
    pub set_hint: &'static str,
    pub delete: &'static str,
    pub confirm_delete: fn(&str) -> String,
    pub cancel: &'static str,
    /// (added, already present, removed, not there, duplicates) → the preview sentence.
    pub preview: fn(usize, usize, usize, usize, usize) -> String,
    pub saved: &'static str,
    /// (added, deleted) → what a change did.
    pub done: fn(usize, usize) -> String,
    pub rejected_title: &'static str,
    pub reason_invalid: &'static str,
    pub reason_no_icp: &'static str,
    pub rule: fn(&DomainRule) -> String,
    pub nothing_to_change: &'static str,
    pub absent: fn(&str) -> String,
    pub personal_problem: &'static str,
    /// The mini program's home card.
    pub home_hint: &'static str,
    pub manage: &'static str,
    // The default set.
    pub nav_defaults: &'static str,
    pub defaults_title: &'static str,
    pub defaults_intro: &'static str,
    pub defaults_updated: fn(&str, &str) -> String,
    pub defaults_never: &'static str,
    pub defaults_save: &'static str,
    pub defaults_saved: &'static str,
    pub apply_title: &'static str,
    pub apply_explain: &'static str,
    pub apply_empty_set: &'static str,
    pub filter_all: &'static str,
    pub filter_unapplied: &'static str,
    pub filter_complete: &'static str,
    pub filter_problems: &'static str,
    pub search: &'static str,
    pub col_last: &'static str,
    pub col_applied: &'static str,
    pub col_result: &'static str,
    pub never: &'static str,
    pub select_page: &'static str,
    pub apply: &'static str,
    pub progress: fn(usize, usize) -> String,
    /// (added, present, turned down, failed parts) → one line.
    pub summary: fn(usize, usize, usize, usize) -> String,
    pub part_server: &'static str,
    pub part_webview: &'static str,
    pub part_not_applicable: fn(i64) -> String,
    pub added_list: &'static str,
}

pub const ZH: DomainTexts = DomainTexts {
    nav: "域名",
    title: "服务器域名与业务域名",
    intro: "小程序只能访问这里登记的服务器域名，web-view 只能打开这里登记的业务域名。代码由第三方平台发布后，小程序原先自己配置的服务器域名会被清除，所以须在发布前配置好。",
    server_title: "服务器域名",
    server_hint: "每类最多 200 个；须经过 ICP 备案，并先登记为第三方平台的小程序服务器域名；不能填 IP 地址或 localhost，可带端口；api.weixin.qq.com 不能配置。每月最多提交 50 次修改（超出后的错误码 89030 为推测）。",
    webview_title: "业务域名（web-view）",
    webview_hint: "最多 300 个；仅 https，不能带端口；须是第三方平台登记的小程序业务域名或其子域名；个人主体的小程序不能设置。",
    kind: |k| match k {
        DomainKind::Request => "request 合法域名",
        DomainKind::Ws => "socket 合法域名",
        DomainKind::Upload => "uploadFile 合法域名",
        DomainKind::Download => "downloadFile 合法域名",
        DomainKind::Udp => "udp 合法域名",
        DomainKind::Tcp => "tcp 合法域名",
        DomainKind::Webview => "业务域名",
    },
    kind_format: |k| match k {
        DomainKind::Request | DomainKind::Upload | DomainKind::Download => {
            "https://域名[:端口]"
        }
        DomainKind::Ws => "wss://域名[:端口]",
        DomainKind::Udp => "udp://域名[:端口]",
        DomainKind::Tcp => "tcp://域名[:端口]",
        DomainKind::Webview => "https://域名（不带端口）",
    },
    count: |n, max| format!("{n} / {max}"),
    empty: "还没有域名。",
    personal: "个人主体的小程序不能设置业务域名（微信错误码 89231）。",
    webview_unavailable: "未能读取业务域名：",
    f_input: "域名",
    f_input_hint: "可一次填写多个，以空格、逗号或换行分隔。",
    add: "添加",
    set: "替换整个列表",
    set_hint: "「替换整个列表」以输入框中的域名覆盖本类域名（不在其中的会被删除；留空即清空）。",
    delete: "删除",
    confirm_delete: |d| format!("删除 {d}？小程序将不能再访问它。"),
    cancel: "取消",
    preview: |added, present, removed, absent, duplicates| {
        let mut parts = Vec::new();
        if added > 0 {
            parts.push(format!("将新增 {added} 个"));
        }
        if removed > 0 {
            parts.push(format!("将删除 {removed} 个"));
        }
        if present > 0 {
            parts.push(format!("{present} 个已存在"));
        }
        if absent > 0 {
            parts.push(format!("{absent} 个不在列表中"));
        }
        if duplicates > 0 {
            parts.push(format!("{duplicates} 个重复已合并"));
        }
        parts.join("，")
    },
    saved: "已保存。",
    done: |added, removed| format!("新增 {added} 个，删除 {removed} 个。"),
    rejected_title: "其余已生效，微信未接受以下域名：",
    reason_invalid: "不合法或未在第三方平台登记",
    reason_no_icp: "未经 ICP 备案",
    rule: |r| match r {
        DomainRule::Scheme { expected } => format!("须以 {expected} 开头"),
        DomainRule::InvalidChars => "含有空白或控制字符".into(),
        DomainRule::TooLong => "太长".into(),
        DomainRule::Userinfo => "不能包含用户名（@）".into(),
        DomainRule::Path => "域名后不能有路径、参数或 #".into(),
        DomainRule::PortNotAllowed => "业务域名不能带端口".into(),
        DomainRule::BadPort => "端口须为 1–65535 的数字".into(),
        DomainRule::IpAddress => "不能填写 IP 地址".into(),
        DomainRule::Localhost => "不能填写 localhost".into(),
        DomainRule::BadHost => "不是有效的域名".into(),
        DomainRule::Reserved => "api.weixin.qq.com 不能配置为服务器域名".into(),
    },
    nothing_to_change: "没有可修改的内容",
    absent: |d| format!("{d} 不在列表中"),
    personal_problem: "个人主体的小程序不能设置业务域名",
    home_hint: "服务器域名和业务域名须在代码发布前配置好。",
    manage: "管理域名",
    nav_defaults: "默认域名",
    defaults_title: "平台默认域名",
    defaults_intro: "平台希望每个小程序都有的域名（平台自己的接口、图片、socket 服务和 H5 页面）。在这里维护一次，再应用到选中的小程序：只添加各小程序缺少的，重复应用不会重复添加。",
    defaults_updated: |by, at| format!("{by} 于 {at} 保存"),
    defaults_never: "还没有保存过默认域名。",
    defaults_save: "保存默认域名",
    defaults_saved: "已保存默认域名。",
    apply_title: "应用到小程序",
    apply_explain: "勾选小程序后「应用」：先读取各小程序现有的域名，再只添加缺少的；逐个小程序进行，某个失败不影响其余。个人主体的小程序只应用服务器域名。",
    apply_empty_set: "默认域名为空，没有可应用的内容。",
    filter_all: "全部",
    filter_unapplied: "未应用",
    filter_complete: "已齐全",
    filter_problems: "有问题",
    search: "名称或 AppID",
    col_last: "上次应用",
    col_applied: "应用时间",
    col_result: "本次结果",
    never: "未应用",
    select_page: "全选本页",
    apply: "应用",
    progress: |done, total| format!("{done} / {total}"),
    summary: |added, present, rejected, failed| {
        format!("新增 {added}，已有 {present}，未被接受 {rejected}，失败 {failed}")
    },
    part_server: "服务器域名",
    part_webview: "业务域名",
    part_not_applicable: |code| format!("不适用：个人主体（错误码 {code}）"),
    added_list: "新增：",
};

pub const EN: DomainTexts = DomainTexts {
    nav: "Domains",
    title: "Server and business domains",
    intro: "The mini program may only reach the server domains listed here, and its web-view may only open the business domains listed here. When the platform releases code, the server domains the mini program set itself are dropped, so set them before the release.",
    server_title: "Server domains",
    server_hint: "At most 200 per kind; each must have an ICP filing and be registered as one of the platform's server domains first; no IP address or localhost, a port is allowed; api.weixin.qq.com cannot be set. At most 50 changes a month (the errcode beyond, 89030, is provisional).",
    webview_title: "Business domains (web-view)",
    webview_hint: "At most 300; https only, no port; each must be one of the platform's business domains or a sub-domain of one; mini programs of individuals cannot have any.",
    kind: |k| match k {
        DomainKind::Request => "request domains",
        DomainKind::Ws => "socket domains",
        DomainKind::Upload => "uploadFile domains",
        DomainKind::Download => "downloadFile domains",
        DomainKind::Udp => "udp domains",
        DomainKind::Tcp => "tcp domains",
        DomainKind::Webview => "Business domains",
    },
    kind_format: |k| match k {
        DomainKind::Request | DomainKind::Upload | DomainKind::Download => {
            "https://host[:port]"
        }
        DomainKind::Ws => "wss://host[:port]",
        DomainKind::Udp => "udp://host[:port]",
        DomainKind::Tcp => "tcp://host[:port]",
        DomainKind::Webview => "https://host (no port)",
    },
    count: |n, max| format!("{n} / {max}"),
    empty: "No domains yet.",
    personal: "Mini programs of individuals cannot have business domains (WeChat errcode 89231).",
    webview_unavailable: "The business domains could not be read: ",
    f_input: "Domains",
    f_input_hint: "Several at once are fine, separated by spaces, commas or line breaks.",
    add: "Add",
    set: "Replace the list",
    set_hint: "\"Replace the list\" makes the domains in the box this kind's whole list (the others are deleted; empty clears it).",
    delete: "Delete",
    confirm_delete: |d| format!("Delete {d}? The mini program can no longer reach it."),
    cancel: "Cancel",
    preview: |added, present, removed, absent, duplicates| {
        let mut parts = Vec::new();
        if added > 0 {
            parts.push(format!("will add {added}"));
        }
        if removed > 0 {
            parts.push(format!("will delete {removed}"));
        }
        if present > 0 {
            parts.push(format!("{present} already present"));
        }
        if absent > 0 {
            parts.push(format!("{absent} not in the list"));
        }
        if duplicates > 0 {
            parts.push(format!("{duplicates} duplicates merged"));
        }
        parts.join(", ")
    },
    saved: "Saved.",
    done: |added, removed| format!("Added {added}, deleted {removed}."),
    rejected_title: "The rest took effect; WeChat did not accept these domains:",
    reason_invalid: "invalid, or not registered on the platform",
    reason_no_icp: "no ICP filing",
    rule: |r| match r {
        DomainRule::Scheme { expected } => format!("must start with {expected}"),
        DomainRule::InvalidChars => "contains spaces or control characters".into(),
        DomainRule::TooLong => "too long".into(),
        DomainRule::Userinfo => "must not contain a user name (@)".into(),
        DomainRule::Path => "nothing may follow the host (path, query, #)".into(),
        DomainRule::PortNotAllowed => "a business domain takes no port".into(),
        DomainRule::BadPort => "the port must be a number from 1 to 65535".into(),
        DomainRule::IpAddress => "an IP address is not allowed".into(),
        DomainRule::Localhost => "localhost is not allowed".into(),
        DomainRule::BadHost => "not a valid domain name".into(),
        DomainRule::Reserved => "api.weixin.qq.com cannot be a server domain".into(),
    },
    nothing_to_change: "Nothing would change",
    absent: |d| format!("{d} is not in the list"),
    personal_problem: "Mini programs of individuals cannot have business domains",
    home_hint: "Server and business domains must be set before the code is released.",
    manage: "Manage domains",
    nav_defaults: "Default domains",
    defaults_title: "Platform default domains",
    defaults_intro: "The domains the platform wants on every mini program (its own API, images, socket service and H5 pages). Keep them here once, then apply them to the mini programs you tick: only what each one lacks is added, and applying again adds nothing twice.",
    defaults_updated: |by, at| format!("Saved by {by} at {at}"),
    defaults_never: "The default domains have never been saved.",
    defaults_save: "Save the default domains",
    defaults_saved: "Default domains saved.",
    apply_title: "Apply to mini programs",
    apply_explain: "Tick mini programs, then \"Apply\": each one's domains are read first and only the missing ones added; one mini program at a time, and a failure does not stop the others. Mini programs of individuals get the server domains only.",
    apply_empty_set: "The default set is empty; there is nothing to apply.",
    filter_all: "All",
    filter_unapplied: "Not applied",
    filter_complete: "Complete",
    filter_problems: "With problems",
    search: "Name or AppID",
    col_last: "Last apply",
    col_applied: "Applied at",
    col_result: "This run",
    never: "Not applied",
    select_page: "Select this page",
    apply: "Apply",
    progress: |done, total| format!("{done} / {total}"),
    summary: |added, present, rejected, failed| {
        format!("added {added}, present {present}, not accepted {rejected}, failed {failed}")
    },
    part_server: "Server domains",
    part_webview: "Business domains",
    part_not_applicable: |code| format!("not applicable: individual (errcode {code})"),
    added_list: "Added: ",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_name_only_what_happens() {
        assert_eq!((ZH.preview)(2, 1, 0, 0, 0), "将新增 2 个，1 个已存在");
        assert_eq!(
            (EN.preview)(0, 0, 1, 1, 1),
            "will delete 1, 1 not in the list, 1 duplicates merged"
        );
        assert_eq!((EN.preview)(0, 0, 0, 0, 0), "");
    }

    #[test]
    fn every_kind_and_rule_has_words() {
        for t in [&ZH, &EN] {
            for kind in DomainKind::ALL {
                assert!(!(t.kind)(kind).is_empty());
                assert!(!(t.kind_format)(kind).is_empty());
            }
            let rule = (t.rule)(&DomainRule::Scheme {
                expected: "wss://".into(),
            });
            assert!(rule.contains("wss://"), "{rule}");
        }
    }
}
