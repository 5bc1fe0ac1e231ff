//! Subscription messages (订阅消息): composing a private template from a public title
//! (2–5 keywords, a scene description of at most 15 characters) and the rules a test send
//! must pass (each value by its keyword's type). The rules come from the shared
//! `subscribe_rules` crate, which the simulator answers by too; checked in the browser as
//! one types and again on the server before WeChat is asked.

use super::message_template::{content_fields, page_ok, touser_problem, ContentField};
use super::release::Violation;
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};
pub use subscribe_rules::{
    errcode, Rule, ValueProblem, KEYWORDS_MAX, KEYWORDS_MIN, LANGS, MINIPROGRAM_STATES,
    PRIVATE_TEMPLATES_MAX, SCENE_DESC_MAX_CHARS, TYPE_LONG_TERM,
};

/// Titles per page of the public library (WeChat allows up to 30).
pub const TITLES_PAGE: i64 = 20;

/// The field of the send form a WeChat answer is about (47003 names its own, see
/// [`value_field_of_errmsg`]).
pub fn field_of(code: i64) -> &'static str {
    match code {
        errcode::INVALID_OPENID | errcode::USER_REFUSED => "touser",
        errcode::INVALID_TEMPLATE => "template_id",
        errcode::INVALID_PAGE => "page",
        _ => "send",
    }
}

/// 47003's errmsg names the value (`argument invalid! data.thing2.value invalid`): the
/// index of that field among `fields`, or the state / lang field.
pub fn value_field_of_errmsg(errmsg: &str, fields: &[ContentField]) -> Option<String> {
    if let Some(i) = fields
        .iter()
        .position(|f| errmsg.contains(&format!("data.{}.", f.key)))
    {
        return Some(format!("value.{i}"));
    }
    ["miniprogram_state", "lang"]
        .into_iter()
        .find(|f| errmsg.contains(f))
        .map(str::to_owned)
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: String,
}

/// A public title (`getpubtemplatetitles`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubTitle {
    pub tid: i64,
    pub title: String,
    /// 2 one-time, 3 long-term.
    pub kind: i64,
    pub category_id: i64,
}

/// A title's keyword (`getpubtemplatekeywords`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubKeyword {
    pub kid: i64,
    pub name: String,
    pub example: String,
    pub rule: String,
}

/// One page of public titles of the chosen categories.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitlesPage {
    /// The account's categories (what the titles can be filtered by).
    pub categories: Vec<Category>,
    pub titles: Vec<PubTitle>,
    pub start: i64,
    pub total: i64,
}

/// A private template of the account (`gettemplate`), with its fields parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateTemplate {
    pub pri_tmpl_id: String,
    pub title: String,
    pub content: String,
    pub example: String,
    pub kind: i64,
    pub fields: Vec<ContentField>,
}

impl PrivateTemplate {
    pub fn new(
        pri_tmpl_id: String,
        title: String,
        content: String,
        example: String,
        kind: i64,
    ) -> Self {
        Self {
            fields: content_fields(&content),
            pri_tmpl_id,
            title,
            content,
            example,
            kind,
        }
    }
}

/// What the subscription-message page shows of the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeView {
    pub appid: String,
    pub nick_name: String,
    pub categories: Vec<Category>,
    pub templates: Vec<PrivateTemplate>,
    pub pages: Vec<String>,
    pub pages_known: bool,
    /// What the signed-in user may do (`None`: staff).
    pub grant: Option<super::merchant_permission::MerchantPermission>,
}

/// The keywords chosen (in display order) and the scene description of a new template.
pub fn check_compose(
    chosen: &[i64],
    available: &[PubKeyword],
    scene_desc: &str,
    existing: usize,
) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    let kids: Vec<i64> = available.iter().map(|k| k.kid).collect();
    let code = errcode::BAD_KID_LIST;
    match subscribe_rules::check_kid_list(chosen, &kids) {
        Ok(()) => {}
        Err(subscribe_rules::KidProblem::TooFew) => v.push(Violation::new(
            "kid_list",
            FieldProblem::TooFewItems { min: KEYWORDS_MIN },
            code,
        )),
        Err(subscribe_rules::KidProblem::TooMany) => v.push(Violation::new(
            "kid_list",
            FieldProblem::TooMany { max: KEYWORDS_MAX },
            code,
        )),
        Err(subscribe_rules::KidProblem::Repeated(_)) => v.push(Violation::new(
            "kid_list",
            FieldProblem::DuplicateItem,
            code,
        )),
        Err(subscribe_rules::KidProblem::Unknown(_)) => {
            v.push(Violation::new("kid_list", FieldProblem::UnknownValue, code))
        }
    }
    if !subscribe_rules::scene_desc_ok(scene_desc) {
        v.push(Violation::new(
            "scene_desc",
            FieldProblem::TooLong {
                max: SCENE_DESC_MAX_CHARS,
            },
            errcode::BAD_SCENE_DESC,
        ));
    }
    if existing >= PRIVATE_TEMPLATES_MAX {
        v.push(Violation::new(
            "add",
            FieldProblem::TooMany {
                max: PRIVATE_TEMPLATES_MAX,
            },
            errcode::TEMPLATES_FULL,
        ));
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

/// The message as a user will see it: each chosen keyword with its example.
pub fn preview(chosen: &[i64], available: &[PubKeyword]) -> Vec<(String, String)> {
    chosen
        .iter()
        .filter_map(|kid| available.iter().find(|k| k.kid == *kid))
        .map(|k| (k.name.clone(), k.example.clone()))
        .collect()
}

/// The test-send form (`subscribeMessage.send`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeSendForm {
    pub touser: String,
    pub template_id: String,
    /// A page of this mini program, with a query if wanted; empty: no jump.
    pub page: String,
    /// One value per content field, in order.
    pub values: Vec<String>,
    pub miniprogram_state: String,
    pub lang: String,
}

impl Default for SubscribeSendForm {
    fn default() -> Self {
        Self {
            touser: String::new(),
            template_id: String::new(),
            page: String::new(),
            values: Vec::new(),
            miniprogram_state: "formal".into(),
            lang: "zh_CN".into(),
        }
    }
}

/// The type of a content field (`thing2` → thing), if WeChat's key names one.
pub fn rule_of(field: &ContentField) -> Option<Rule> {
    Rule::of_key(&field.key).map(|(rule, _)| rule)
}

/// Every rule of `subscribeMessage.send` the console can know before calling: touser
/// (40003), template (40037), page among the code's pages (41030), state and language, and
/// each value by its keyword's type (47003).
pub fn check_send(
    form: &SubscribeSendForm,
    fields: &[ContentField],
    pages: Option<&[String]>,
) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    if let Some(problem) = touser_problem(&form.touser) {
        v.push(Violation::new("touser", problem, errcode::INVALID_OPENID));
    }
    if form.template_id.trim().is_empty() {
        v.push(Violation::new(
            "template_id",
            FieldProblem::Required,
            errcode::INVALID_TEMPLATE,
        ));
    }
    if !page_ok(&form.page, pages) {
        v.push(Violation::new(
            "page",
            FieldProblem::PageNotInCode,
            errcode::INVALID_PAGE,
        ));
    }
    if !MINIPROGRAM_STATES.contains(&form.miniprogram_state.as_str()) {
        v.push(Violation::new(
            "miniprogram_state",
            FieldProblem::UnknownValue,
            errcode::DATA_INVALID,
        ));
    }
    if !LANGS.contains(&form.lang.as_str()) {
        v.push(Violation::new(
            "lang",
            FieldProblem::UnknownValue,
            errcode::DATA_INVALID,
        ));
    }
    for (i, field) in fields.iter().enumerate() {
        let value = form.values.get(i).map(String::as_str).unwrap_or("");
        let problem = match rule_of(field).map(|r| (r, r.check(value))) {
            Some((_, Ok(()))) => None,
            Some((_, Err(ValueProblem::Empty))) => Some(FieldProblem::Required),
            Some((_, Err(ValueProblem::TooLong { max }))) => Some(FieldProblem::TooLong { max }),
            Some((rule, Err(ValueProblem::BadFormat))) => Some(FieldProblem::ValueRule {
                rule: rule.as_str().to_owned(),
            }),
            // A key WeChat did not type: only emptiness is known.
            None => value.trim().is_empty().then_some(FieldProblem::Required),
        };
        if let Some(problem) = problem {
            v.push(Violation::new(
                format!("value.{i}"),
                problem,
                errcode::DATA_INVALID,
            ));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

#[cfg(test)]
mod tests;
