//! QR-jump rules (扫普通链接二维码打开小程序, §14 of the code management specification):
//! the form a person fills in, every rule WeChat states checked before any call (in the
//! browser as they type and again on the server), and the prefix templates applied across
//! the fleet. Link shape, ownership and matching come from the shared `qrjump` crate, the
//! same code the simulator runs.

pub mod view;

#[cfg(test)]
mod tests;

use super::release::Violation;
use super::validation::FieldProblem;
pub use qrjump::{matching_rule, parse_link, OpenVersion, Ownership, DEBUG_URLS_MAX};
use serde::{Deserialize, Serialize};

/// The errcodes of §14, and the quota answer.
pub mod errcode {
    pub const LINK_MALFORMED: i64 = 85066;
    pub const DEBUG_NOT_UNDER_PREFIX: i64 = 85068;
    pub const VERIFY_FILE_FAILED: i64 = 85069;
    pub const BLACKLISTED: i64 = 85070;
    pub const ALREADY_ADDED: i64 = 85071;
    pub const TAKEN: i64 = 85072;
    pub const RULES_FULL: i64 = 85073;
    pub const NOT_RELEASED: i64 = 85074;
    pub const PERSONAL_SUBJECT: i64 = 85075;
    pub const NO_ICP_FILING: i64 = 85076;
    /// The seed shows the monthly publish quota (`qrcodejump_pub_quota`) but names no
    /// errcode for running out of it; WeChat's general monthly quota answer.
    pub const PUBLISH_QUOTA_USED: i64 = 45009;

    /// The field of the add / edit form WeChat's answer is about, so the page shows a
    /// code it could not predict (85069, 85070, 85076 …) where the person looks.
    pub fn field_of(code: i64) -> &'static str {
        match code {
            DEBUG_NOT_UNDER_PREFIX => "debug_url",
            VERIFY_FILE_FAILED | NOT_RELEASED | PUBLISH_QUOTA_USED => "publish",
            _ => "prefix",
        }
    }
}

/// At most this many rules per mini program. The seed names the limit (85073 二维码规则已满)
/// but not the figure; WeChat's public docs for the same capability say 10 (provisional,
/// the simulator uses the same figure).
pub const RULES_MAX: usize = 10;

/// A rule as `qrcodejumpget` lists it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRule {
    pub prefix: String,
    /// 1 不占用, 2 占用.
    pub permit_sub_rule: i64,
    pub path: String,
    /// 1 开发版, 2 体验版, 3 线上版.
    pub open_version: i64,
    pub debug_url: Vec<String>,
    /// 1 not published, 2 published.
    pub state: i64,
}

impl QrRule {
    pub fn published(&self) -> bool {
        self.state == 2
    }
}

impl qrjump::JumpRule for QrRule {
    fn prefix(&self) -> &str {
        &self.prefix
    }
    fn ownership(&self) -> Ownership {
        Ownership::from_code(self.permit_sub_rule).unwrap_or(Ownership::Shared)
    }
}

/// The add / edit form (`qrcodejumpadd`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRuleForm {
    pub prefix: String,
    pub permit_sub_rule: i64,
    pub path: String,
    pub open_version: i64,
    pub debug_url: Vec<String>,
    /// Editing the rule with this prefix (is_edit 1), or adding (0).
    pub is_edit: bool,
}

impl Default for QrRuleForm {
    fn default() -> Self {
        Self {
            prefix: String::new(),
            permit_sub_rule: 1,
            path: String::new(),
            open_version: 1,
            debug_url: Vec::new(),
            is_edit: false,
        }
    }
}

impl QrRuleForm {
    pub fn editing(rule: &QrRule) -> Self {
        Self {
            prefix: rule.prefix.clone(),
            permit_sub_rule: rule.permit_sub_rule,
            path: rule.path.clone(),
            open_version: rule.open_version,
            debug_url: rule.debug_url.clone(),
            is_edit: true,
        }
    }

    /// Surrounding spaces and empty debug lines are not part of what a person meant.
    pub fn normalized(mut self) -> Self {
        self.prefix = self.prefix.trim().to_owned();
        self.path = self.path.trim().trim_start_matches('/').to_owned();
        self.debug_url = self
            .debug_url
            .iter()
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .collect();
        self
    }
}

/// A prefix another mini program already holds (from the console's copy of the fleet's rules).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakenPrefix {
    pub prefix: String,
    pub permit_sub_rule: i64,
}

/// What the rules need to know besides the form.
#[derive(Clone, Copy, Debug, Default)]
pub struct RuleContext<'a> {
    /// This mini program's rules.
    pub rules: &'a [QrRule],
    /// The pages of the current code version (`get_page`); `None` when unknown.
    pub pages: Option<&'a [String]>,
    /// A personal-subject mini program (85075).
    pub personal: bool,
    /// Other mini programs' prefixes the console knows of (85072).
    pub taken: &'a [TakenPrefix],
}

/// Every rule of §14 the console can know before calling WeChat; each violation names its
/// field (`prefix`, `permit_sub_rule`, `path`, `open_version`, `debug_url`, `debug_url.N`).
pub fn check_rule(form: &QrRuleForm, ctx: &RuleContext<'_>) -> Result<(), Vec<Violation>> {
    use errcode::*;
    let mut v = Vec::new();
    if ctx.personal {
        v.push(Violation::new(
            "prefix",
            FieldProblem::QrPersonalSubject,
            PERSONAL_SUBJECT,
        ));
    }
    let prefix = form.prefix.as_str();
    let prefix_ok = parse_link(prefix).is_some();
    if prefix.is_empty() {
        v.push(Violation::local("prefix", FieldProblem::Required));
    } else if !prefix_ok {
        v.push(Violation::new(
            "prefix",
            FieldProblem::QrLinkMalformed,
            LINK_MALFORMED,
        ));
    }
    let existing = ctx.rules.iter().any(|r| r.prefix == prefix);
    if prefix_ok {
        if form.is_edit && !existing {
            v.push(Violation::new(
                "prefix",
                FieldProblem::QrNoSuchRule,
                LINK_MALFORMED,
            ));
        } else if !form.is_edit && existing {
            v.push(Violation::new(
                "prefix",
                FieldProblem::QrPrefixAdded,
                ALREADY_ADDED,
            ));
        } else if !form.is_edit && ctx.rules.len() >= RULES_MAX {
            v.push(Violation::new(
                "prefix",
                FieldProblem::QrRulesFull { max: RULES_MAX },
                RULES_FULL,
            ));
        }
        if let Some(ours) = Ownership::from_code(form.permit_sub_rule) {
            let collision = ctx.taken.iter().any(|t| {
                Ownership::from_code(t.permit_sub_rule)
                    .is_some_and(|theirs| qrjump::collides(&t.prefix, theirs, prefix, ours))
            });
            if collision {
                v.push(Violation::new("prefix", FieldProblem::QrPrefixTaken, TAKEN));
            }
        }
    }
    if Ownership::from_code(form.permit_sub_rule).is_none() {
        v.push(Violation::local(
            "permit_sub_rule",
            FieldProblem::UnknownValue,
        ));
    }
    if OpenVersion::from_code(form.open_version).is_none() {
        v.push(Violation::local("open_version", FieldProblem::UnknownValue));
    }
    let path = form.path.as_str();
    if path.is_empty() {
        v.push(Violation::local("path", FieldProblem::Required));
    } else if let Some(pages) = ctx.pages {
        if !pages.iter().any(|p| p == path) {
            v.push(Violation::local("path", FieldProblem::PageNotInCode));
        }
    }
    if form.debug_url.len() > DEBUG_URLS_MAX {
        v.push(Violation::new(
            "debug_url",
            FieldProblem::TooMany {
                max: DEBUG_URLS_MAX,
            },
            LINK_MALFORMED,
        ));
    }
    for (i, url) in form.debug_url.iter().enumerate() {
        let field = format!("debug_url.{i}");
        if url.trim().is_empty() {
            v.push(Violation::local(field, FieldProblem::EmptyItem));
        } else if parse_link(url).is_none() {
            v.push(Violation::new(
                field,
                FieldProblem::QrLinkMalformed,
                LINK_MALFORMED,
            ));
        } else if prefix_ok && !qrjump::is_under(prefix, url) {
            v.push(Violation::new(
                field,
                FieldProblem::QrNotUnderPrefix,
                DEBUG_NOT_UNDER_PREFIX,
            ));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

/// Whether a rule may be published now: code released (85074), not a personal mini
/// program (85075), publishes left this month.
pub fn check_publish(released: bool, personal: bool, quota_left: i64) -> Result<(), Violation> {
    use errcode::*;
    if personal {
        Err(Violation::new(
            "publish",
            FieldProblem::QrPersonalSubject,
            PERSONAL_SUBJECT,
        ))
    } else if !released {
        Err(Violation::new(
            "publish",
            FieldProblem::QrNotReleased,
            NOT_RELEASED,
        ))
    } else if quota_left <= 0 {
        Err(Violation::new(
            "publish",
            FieldProblem::QrQuotaUsed,
            PUBLISH_QUOTA_USED,
        ))
    } else {
        Ok(())
    }
}

/// The variables a fleet prefix template may use.
pub const TEMPLATE_VARIABLES: [&str; 4] = ["appid", "name", "merchant.id", "merchant.name"];

/// What a template is filled with for one mini program.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateValues {
    pub appid: String,
    pub name: String,
    pub merchant_id: Option<i64>,
    pub merchant_name: Option<String>,
}

impl TemplateValues {
    fn get(&self, variable: &str) -> Option<String> {
        match variable {
            "appid" => Some(self.appid.clone()),
            "name" => Some(self.name.clone()),
            "merchant.id" => self.merchant_id.map(|m| m.to_string()),
            "merchant.name" => self.merchant_name.clone(),
            _ => None,
        }
    }
}

/// Why a template could not be filled for a mini program.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TemplateProblem {
    /// `{…}` names no variable of [`TEMPLATE_VARIABLES`].
    UnknownVariable(String),
    /// An unclosed `{`.
    Unclosed,
    /// The variable has no value for this mini program (no merchant).
    NoValue(String),
}

/// Fills `{appid}`, `{name}`, `{merchant.id}`, `{merchant.name}` in a prefix or debug-link
/// template. Values are percent-encoded (UTF-8) except unreserved characters, so a
/// merchant's Chinese name yields a link WeChat accepts.
pub fn fill_template(template: &str, values: &TemplateValues) -> Result<String, TemplateProblem> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or(TemplateProblem::Unclosed)?;
        let name = after[..close].trim();
        if !TEMPLATE_VARIABLES.contains(&name) {
            return Err(TemplateProblem::UnknownVariable(name.to_owned()));
        }
        let value = values
            .get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| TemplateProblem::NoValue(name.to_owned()))?;
        out.push_str(&percent_encode(&value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
