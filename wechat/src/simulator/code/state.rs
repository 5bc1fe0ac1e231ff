//! What the simulator keeps of code management: per authorizer ([`CodeState`]) and for
//! the platform ([`CodeLibrary`]: drafts, templates, the default audit outcome).

use crate::api::code::{audit_status, AuditItem};
use serde::{Deserialize, Serialize};

/// Per-authorizer code state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CodeState {
    /// The experience version (last successful commit).
    #[serde(default)]
    pub committed: Option<CommittedCode>,
    /// Every audit, oldest first.
    #[serde(default)]
    pub audits: Vec<Audit>,
    /// The live (released) version.
    #[serde(default)]
    pub live: Option<LiveVersion>,
    /// The live version before the last release (what a rollback restores).
    #[serde(default)]
    pub previous: Option<LiveVersion>,
    #[serde(default)]
    pub visit_closed: bool,
    #[serde(default)]
    pub gray: Option<GrayPlan>,
    #[serde(default)]
    pub support_version: Option<String>,
    #[serde(default)]
    pub jump_rules: Vec<JumpRule>,
    /// When QR-jump rules were published (monthly quota).
    #[serde(default)]
    pub jump_publishes: Vec<i64>,
    /// The ownership file handed out by qrcodejumpdownload: (name, content).
    #[serde(default)]
    pub verify_file: Option<(String, String)>,
    /// When audits were withdrawn (daily and monthly quota).
    #[serde(default)]
    pub undo_times: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommittedCode {
    pub template_id: i64,
    pub user_version: String,
    pub user_desc: String,
    pub ext_json: String,
    pub pages: Vec<String>,
    /// ext_json declares `navigateToMiniProgramAppIdList`.
    pub declares_navigate: bool,
    pub uses_navigate: bool,
    pub committed_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Audit {
    pub auditid: i64,
    pub status: i64,
    pub reason: Option<String>,
    pub screenshot: Option<String>,
    pub submitted_at: i64,
    /// When the review ends (or, for a delayed one, ends again).
    pub due_at: i64,
    pub finished_at: Option<i64>,
    pub code: CommittedCode,
    pub item_list: Vec<AuditItem>,
    #[serde(default)]
    pub feedback_info: Option<String>,
    #[serde(default)]
    pub released: bool,
}

impl Audit {
    pub(super) fn in_review(&self) -> bool {
        self.status == audit_status::AUDITING || self.status == audit_status::DELAYED
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveVersion {
    pub auditid: i64,
    pub template_id: i64,
    pub user_version: String,
    pub released_at: i64,
    /// This version came back through a rollback (it cannot be rolled back again).
    pub reverted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayPlan {
    /// 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
    pub status: i64,
    pub create_timestamp: i64,
    pub gray_percentage: i64,
    pub auditid: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JumpRule {
    pub prefix: String,
    pub permit_sub_rule: i64,
    pub path: String,
    pub open_version: i64,
    pub debug_url: Vec<String>,
    /// 1 not published, 2 published.
    pub state: i64,
}

/// What a draft or template contains (the simulator's stand-in for a code package).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CodePackage {
    pub create_time: i64,
    pub user_version: String,
    pub user_desc: String,
    pub source_miniprogram_appid: String,
    pub source_miniprogram: String,
    pub developer: String,
    pub pages: Vec<String>,
    pub size_kb: u32,
    /// The code calls `navigateToMiniProgram` (85087 unless ext_json declares targets).
    pub uses_navigate: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub draft_id: i64,
    pub package: CodePackage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub template_id: i64,
    pub draft_id: i64,
    pub template_type: i64,
    pub create_time: i64,
    pub package: CodePackage,
}

/// Platform-level code state: drafts, the template library, audit defaults.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CodeLibrary {
    #[serde(default)]
    pub seeded: bool,
    #[serde(default)]
    pub drafts: Vec<Draft>,
    #[serde(default)]
    pub templates: Vec<Template>,
    /// Outcome of audits that finish on their own: 0 passed (default), 1 rejected, 4 delayed.
    #[serde(default)]
    pub default_outcome: i64,
}

impl CodeLibrary {
    /// Gives a fresh platform a few drafts and templates to work with.
    pub fn ensure_seeded(&mut self, now: i64) {
        if self.seeded {
            return;
        }
        self.seeded = true;
        let package = |days_ago: i64,
                       version: &str,
                       desc: &str,
                       pages: &[&str],
                       size_kb: u32,
                       uses_navigate: bool| CodePackage {
            create_time: now - days_ago * 86400,
            user_version: version.into(),
            user_desc: desc.into(),
            source_miniprogram_appid: "wx5ac1a7a7c0de7e51".into(),
            source_miniprogram: "模板开发小程序".into(),
            developer: "模拟开发者".into(),
            pages: pages.iter().map(|p| (*p).to_owned()).collect(),
            size_kb,
            uses_navigate,
        };
        let seeds = [
            package(
                30,
                "1.0.0",
                "咖啡点单 基础版",
                &[
                    "pages/index/index",
                    "pages/menu/menu",
                    "pages/order/detail",
                    "pages/user/user",
                ],
                860,
                false,
            ),
            package(
                20,
                "2.3.1",
                "生鲜商城（含跳转其他小程序）",
                &["pages/index/index", "pages/goods/detail", "pages/cart/cart"],
                1520,
                true,
            ),
            package(
                10,
                "0.9.0",
                "旧版资源未压缩（超过代码包大小限制）",
                &["pages/index/index"],
                2300,
                false,
            ),
            package(
                2,
                "1.1.0",
                "咖啡点单 会员功能",
                &[
                    "pages/index/index",
                    "pages/menu/menu",
                    "pages/order/detail",
                    "pages/user/user",
                    "pages/member/member",
                ],
                910,
                false,
            ),
        ];
        for (i, package) in seeds.into_iter().enumerate() {
            let draft_id = i as i64 + 1;
            if draft_id <= 3 {
                self.templates.push(Template {
                    template_id: draft_id,
                    draft_id,
                    template_type: 0,
                    create_time: package.create_time + 3600,
                    package: package.clone(),
                });
            }
            self.drafts.push(Draft { draft_id, package });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_is_seeded_once() {
        let mut lib = CodeLibrary::default();
        lib.ensure_seeded(1_800_000_000);
        assert_eq!(lib.templates.len(), 3);
        assert_eq!(lib.drafts.len(), 4);
        lib.templates.clear();
        lib.ensure_seeded(1_800_000_000);
        assert!(lib.templates.is_empty());
    }
}
