//! What the QR-jump pages show and ask for: one mini program's rules, the fleet table and
//! its filters, and one target of "apply a rule to many".

use super::{QrRule, QrRuleForm, TakenPrefix, TemplateValues};
use crate::domain::merchant_permission::MerchantPermission;
use crate::domain::pagination::{filter_text, PageRequest, FILTER_MAX_CHARS};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// A rule with what the page needs to test it with a phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRuleView {
    pub rule: QrRule,
    /// QR code (SVG) of the prefix itself.
    pub prefix_qr_svg: String,
    /// QR codes (SVG) of the debug links, in order.
    pub debug_qr_svgs: Vec<String>,
    /// Where the verify file must be served for this prefix.
    pub verify_dir: String,
}

/// One mini program's QR-jump rules, as WeChat answered just now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRulesView {
    pub appid: String,
    pub nick_name: String,
    pub rules: Vec<QrRuleView>,
    /// `qrcodejump_open`.
    pub open: bool,
    /// `list_size`.
    pub list_size: i64,
    /// `qrcodejump_pub_quota`: publishes left this month.
    pub pub_quota: i64,
    /// Pages of the current code version (`get_page`); empty when none is committed.
    pub pages: Vec<String>,
    /// Whether `get_page` answered (the page rule is checked only then).
    pub pages_known: bool,
    /// Code is released (publishing needs it, 85074).
    pub released: bool,
    /// A personal-subject mini program (85075).
    pub personal: bool,
    /// Other mini programs' prefixes, for the 85072 check as one types (staff only: a
    /// merchant does not learn other merchants' links; the server checks for it).
    pub taken: Vec<TakenPrefix>,
    /// What the signed-in user may do here (`None`: staff).
    pub grant: Option<MerchantPermission>,
}

/// Filters of the fleet table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct QrFleetQuery {
    /// Part of the prefix's host.
    pub host: String,
    /// `Some(true)`: published only; `Some(false)`: not published only.
    pub published: Option<bool>,
    pub open_version: Option<i64>,
    pub merchant_id: Option<i64>,
    pub page: PageRequest,
}

impl QrFleetQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            host: filter_text(&get("host").unwrap_or_default(), FILTER_MAX_CHARS),
            published: match get("published").as_deref() {
                Some("1") => Some(true),
                Some("0") => Some(false),
                _ => None,
            },
            open_version: get("open_version")
                .and_then(|v| v.trim().parse().ok())
                .filter(|v| (1..=3).contains(v)),
            merchant_id: get("merchant").and_then(|m| m.trim().parse().ok()),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            host: filter_text(&self.host, FILTER_MAX_CHARS),
            open_version: self.open_version.filter(|v| (1..=3).contains(v)),
            page: PageRequest::new(self.page.page, self.page.per_page),
            ..self
        }
    }

    pub fn to_params(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        if !self.host.is_empty() {
            p.push(("host", self.host.clone()));
        }
        if let Some(published) = self.published {
            p.push(("published", if published { "1" } else { "0" }.to_owned()));
        }
        if let Some(v) = self.open_version {
            p.push(("open_version", v.to_string()));
        }
        if let Some(m) = self.merchant_id {
            p.push(("merchant", m.to_string()));
        }
        p.push(("per_page", self.page.per_page.to_string()));
        p
    }
}

/// One rule in the fleet table (the console's copy, refreshed whenever the mini program's
/// rules are read or written through the console).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrFleetRow {
    pub appid: String,
    pub nick_name: String,
    pub merchant_name: Option<String>,
    pub prefix: String,
    pub host: String,
    pub permit_sub_rule: i64,
    pub path: String,
    pub open_version: i64,
    pub state: i64,
    pub debug_urls: i64,
    pub synced_at: i64,
}

/// A mini program "apply to many" can target, with the values its template is filled with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrTarget {
    pub values: TemplateValues,
    /// Rules the console knows this mini program has.
    pub rules: i64,
}

/// "Apply to many": the rule with `{…}` templates in prefix and debug links.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrApplyRequest {
    pub template: QrRuleForm,
    /// Publish each rule right after adding it.
    pub publish: bool,
}

/// What happened to one target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum QrApplyOutcome {
    /// Added; published when asked and WeChat agreed (`publish_error` says why not).
    Added {
        prefix: String,
        published: bool,
        publish_error: Option<AppError>,
    },
    /// The mini program already had this prefix: nothing added (re-runs never duplicate);
    /// published now if asked and it was not yet.
    AlreadyThere {
        prefix: String,
        published: bool,
        publish_error: Option<AppError>,
    },
    /// Refused, with the reason (a rule checked here or WeChat's errcode and meaning).
    Failed { prefix: String, error: AppError },
}
