//! Domains (域名, permission set 18): a mini program's server domains — request, socket
//! (ws), upload, download, udp, tcp — which its network calls may reach, and its business
//! (web-view) domains, which its `<web-view>` may open. The rules the console checks before
//! `modify_domain` / `setwebviewdomain` (in the browser as one types and again on the
//! server), the preview of a change, and what the pages show.
//!
//! Sources (docs/research/onboarding-apis.md §2, §3, §8.1): 200 domains per server kind and
//! 300 business domains (current docs); https for request / upload / download, wss for
//! socket; a port may follow a server domain, never a business domain; no IP address, no
//! `localhost`, nothing after the host; `api.weixin.qq.com` is never a server domain;
//! personal accounts have no business domains (89231). What only WeChat knows — the ICP
//! filing, the platform's registered domains — is WeChat's answer, shown at the field.

mod defaults;
mod preview;
mod rules;
mod view;

pub use defaults::{
    check_defaults, check_kind, ApplyReport, DefaultSet, DefaultsForm, PartOutcome, TargetFilter,
    TargetQuery, TargetRow,
};
pub use preview::{apply_action, check_change, check_size, ChangeContext, Preview};
pub use rules::{
    check_domain, check_server_domain, check_webview_domain, normalize_domain, parse_input,
    DomainRule, DOMAIN_MAX_CHARS, INPUT_MAX_CHARS,
};
pub use view::{ChangeReport, DomainChange, DomainsView, RejectReason, Rejected, WebviewState};

use serde::{Deserialize, Serialize};

/// Server kinds: "Request/Socket/Uploadfile/Download/Udp/tcp 域名的设置数量均最大支持 200 个".
pub const SERVER_DOMAINS_MAX: usize = 200;
/// "最多可以添加 300 个业务域名" (89029's own text says 100; the page's figure is used).
pub const WEBVIEW_DOMAINS_MAX: usize = 300;
/// "每月可提交修改申请50次" (server domains; the errcode beyond it is provisional).
pub const SERVER_CHANGES_PER_MONTH: usize = 50;
/// "api.weixin.qq.com 不能被配置为服务器域名".
pub const RESERVED_HOST: &str = "api.weixin.qq.com";

/// The errcodes of modify_domain and setwebviewdomain the console can foresee, or places.
pub mod errcode {
    /// modify_domain: 域名数量超过限制.
    pub const TOO_MANY: i64 = 85016;
    /// modify_domain: no domain to change (already there, absent, or not registered).
    pub const NOTHING_TO_MODIFY: i64 = 85017;
    /// setwebviewdomain: 业务域名无更改，无需重复设置.
    pub const WEBVIEW_UNCHANGED: i64 = 89019;
    /// setwebviewdomain: deleting a domain that is not there.
    pub const WEBVIEW_DELETE_ABSENT: i64 = 89022;
    /// setwebviewdomain: 业务域名数量超过限制.
    pub const WEBVIEW_TOO_MANY: i64 = 89029;
    /// setwebviewdomain: 个人小程序不支持调用 setwebviewdomain 接口.
    pub const WEBVIEW_PERSONAL: i64 = 89231;
}

/// One list of domains a mini program has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DomainKind {
    /// `wx.request` (requestdomain).
    Request,
    /// `wx.connectSocket` (wsrequestdomain).
    Ws,
    /// `wx.uploadFile` (uploaddomain).
    Upload,
    /// `wx.downloadFile` (downloaddomain).
    Download,
    /// UDP (udpdomain).
    Udp,
    /// TCP (tcpdomain).
    Tcp,
    /// Business domains for `<web-view>` (webviewdomain).
    Webview,
}

impl DomainKind {
    /// The six server kinds, in WeChat's field order.
    pub const SERVER: [DomainKind; 6] = [
        DomainKind::Request,
        DomainKind::Ws,
        DomainKind::Upload,
        DomainKind::Download,
        DomainKind::Udp,
        DomainKind::Tcp,
    ];
    pub const ALL: [DomainKind; 7] = [
        DomainKind::Request,
        DomainKind::Ws,
        DomainKind::Upload,
        DomainKind::Download,
        DomainKind::Udp,
        DomainKind::Tcp,
        DomainKind::Webview,
    ];

    /// Its name in URLs, test ids, field errors and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DomainKind::Request => "request",
            DomainKind::Ws => "ws",
            DomainKind::Upload => "upload",
            DomainKind::Download => "download",
            DomainKind::Udp => "udp",
            DomainKind::Tcp => "tcp",
            DomainKind::Webview => "webview",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_server(self) -> bool {
        self != DomainKind::Webview
    }

    /// The scheme its entries start with (udp:// and tcp:// are provisional, a community
    /// example).
    pub fn scheme(self) -> &'static str {
        match self {
            DomainKind::Request | DomainKind::Upload | DomainKind::Download => "https",
            DomainKind::Webview => "https",
            DomainKind::Ws => "wss",
            DomainKind::Udp => "udp",
            DomainKind::Tcp => "tcp",
        }
    }

    /// How many the list may hold.
    pub fn limit(self) -> usize {
        if self.is_server() {
            SERVER_DOMAINS_MAX
        } else {
            WEBVIEW_DOMAINS_MAX
        }
    }

    /// WeChat's "too many" errcode for the list.
    pub fn too_many_code(self) -> i64 {
        if self.is_server() {
            errcode::TOO_MANY
        } else {
            errcode::WEBVIEW_TOO_MANY
        }
    }

    /// WeChat's "nothing changes" errcode for the list.
    pub fn unchanged_code(self) -> i64 {
        if self.is_server() {
            errcode::NOTHING_TO_MODIFY
        } else {
            errcode::WEBVIEW_UNCHANGED
        }
    }
}

/// What a change does to one list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DomainAction {
    /// Adds the entries not there yet.
    Add,
    /// Removes the entries.
    Delete,
    /// Replaces the whole list (WeChat's `set`).
    Set,
}

impl DomainAction {
    pub const ALL: [DomainAction; 3] = [DomainAction::Add, DomainAction::Delete, DomainAction::Set];

    pub fn as_str(self) -> &'static str {
        match self {
            DomainAction::Add => "add",
            DomainAction::Delete => "delete",
            DomainAction::Set => "set",
        }
    }
}

/// The seven lists, normalised ([`normalize_domain`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DomainLists {
    pub request: Vec<String>,
    pub ws: Vec<String>,
    pub upload: Vec<String>,
    pub download: Vec<String>,
    pub udp: Vec<String>,
    pub tcp: Vec<String>,
    pub webview: Vec<String>,
}

impl DomainLists {
    pub fn of(&self, kind: DomainKind) -> &[String] {
        match kind {
            DomainKind::Request => &self.request,
            DomainKind::Ws => &self.ws,
            DomainKind::Upload => &self.upload,
            DomainKind::Download => &self.download,
            DomainKind::Udp => &self.udp,
            DomainKind::Tcp => &self.tcp,
            DomainKind::Webview => &self.webview,
        }
    }

    pub fn of_mut(&mut self, kind: DomainKind) -> &mut Vec<String> {
        match kind {
            DomainKind::Request => &mut self.request,
            DomainKind::Ws => &mut self.ws,
            DomainKind::Upload => &mut self.upload,
            DomainKind::Download => &mut self.download,
            DomainKind::Udp => &mut self.udp,
            DomainKind::Tcp => &mut self.tcp,
            DomainKind::Webview => &mut self.webview,
        }
    }

    /// Whether the six server lists are all empty.
    pub fn server_is_empty(&self) -> bool {
        DomainKind::SERVER.iter().all(|k| self.of(*k).is_empty())
    }

    pub fn total(&self) -> usize {
        DomainKind::ALL.iter().map(|k| self.of(*k).len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_know_their_rules() {
        for kind in DomainKind::ALL {
            assert_eq!(DomainKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DomainKind::parse("webviewdomain"), None);
        assert_eq!(DomainKind::Ws.scheme(), "wss");
        assert_eq!(DomainKind::Request.limit(), 200);
        assert_eq!(DomainKind::Webview.limit(), 300);
        assert_eq!(DomainKind::Webview.too_many_code(), 89029);
        assert_eq!(DomainKind::Tcp.unchanged_code(), 85017);
        assert!(!DomainKind::Webview.is_server());
    }

    #[test]
    fn lists_by_kind() {
        let mut lists = DomainLists::default();
        assert!(lists.server_is_empty());
        lists
            .of_mut(DomainKind::Webview)
            .push("https://h5.demo-shop.com".into());
        assert!(lists.server_is_empty());
        lists
            .of_mut(DomainKind::Ws)
            .push("wss://wss.demo-shop.com".into());
        assert!(!lists.server_is_empty());
        assert_eq!(lists.of(DomainKind::Ws), ["wss://wss.demo-shop.com"]);
        assert_eq!(lists.total(), 2);
    }
}
