//! Message templates (模版消息, template-message-api.md): composing a template from a library
//! title's keywords, reading an account template's content, and the rules a test send must
//! pass. Checked in the browser as one types and again on the server before WeChat is asked.

use super::release::Violation;
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};

/// `keyword_id_list`: at most 10 keywords (seed: 最多支持10个关键词组合).
pub const MAX_KEYWORDS: usize = 10;
/// `count` of both list calls: at most 20 (seed).
pub const PAGE_COUNT: i64 = 20;

/// The send errcodes of the seed, and the field each is about.
pub mod errcode {
    pub const INVALID_OPENID: i64 = 40003;
    pub const INVALID_TEMPLATE: i64 = 40037;
    pub const INVALID_FORM_ID: i64 = 41028;
    pub const FORM_ID_USED: i64 = 41029;
    pub const INVALID_PAGE: i64 = 41030;
    pub const DAILY_QUOTA: i64 = 45009;

    /// The field of the send form WeChat's answer is about.
    pub fn field_of(code: i64) -> &'static str {
        match code {
            INVALID_OPENID => "touser",
            INVALID_TEMPLATE => "template_id",
            INVALID_FORM_ID | FORM_ID_USED => "form_id",
            INVALID_PAGE => "page",
            _ => "send",
        }
    }
}

/// A library title's keyword, as `library/get` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Keyword {
    pub keyword_id: i64,
    pub name: String,
    pub example: String,
}

/// The keywords chosen for a new template, in the order they will appear.
pub fn check_keywords(chosen: &[i64], available: &[Keyword]) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    if chosen.is_empty() {
        v.push(Violation::local("keyword_id_list", FieldProblem::Required));
    }
    if chosen.len() > MAX_KEYWORDS {
        v.push(Violation::local(
            "keyword_id_list",
            FieldProblem::TooMany { max: MAX_KEYWORDS },
        ));
    }
    for (i, id) in chosen.iter().enumerate() {
        if chosen[..i].contains(id) {
            v.push(Violation::local(
                "keyword_id_list",
                FieldProblem::DuplicateItem,
            ));
        } else if !available.iter().any(|k| k.keyword_id == *id) {
            v.push(Violation::local(
                "keyword_id_list",
                FieldProblem::UnknownValue,
            ));
        }
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

/// Moves the chosen keyword at `i` one place up or down (nothing past either end): the
/// order of both compose panels.
pub fn move_chosen(chosen: &mut [i64], i: usize, up: bool) {
    let j = if up {
        i.checked_sub(1)
    } else {
        Some(i + 1).filter(|j| *j < chosen.len())
    };
    if let Some(j) = j {
        chosen.swap(i, j);
    }
}

/// The message as a user will see it: each chosen keyword with its example.
pub fn preview(chosen: &[i64], available: &[Keyword]) -> Vec<(String, String)> {
    chosen
        .iter()
        .filter_map(|id| available.iter().find(|k| k.keyword_id == *id))
        .map(|k| (k.name.clone(), k.example.clone()))
        .collect()
}

/// One line of an account template's content: `购买地点{{keyword1.DATA}}` → ("购买地点", "keyword1").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentField {
    pub label: String,
    pub key: String,
}

/// The fields of a template's `content`, in order.
pub fn content_fields(content: &str) -> Vec<ContentField> {
    content
        .lines()
        .filter_map(|line| {
            let open = line.find("{{")?;
            let close = line[open..].find("}}")? + open;
            let inner = &line[open + 2..close];
            let key = inner.strip_suffix(".DATA").unwrap_or(inner).trim();
            (!key.is_empty()).then(|| ContentField {
                label: line[..open].trim().trim_end_matches(['：', ':']).to_owned(),
                key: key.to_owned(),
            })
        })
        .collect()
}

/// The test-send form (`message/wxopen/template/send`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendForm {
    pub touser: String,
    pub template_id: String,
    /// A page of this mini program, with a query if wanted; empty: no jump.
    pub page: String,
    pub form_id: String,
    /// One value per content field, in order.
    pub values: Vec<String>,
    /// One colour per content field (`#RRGGBB`, or empty for black).
    pub colors: Vec<String>,
    /// The emphasised field (index into the content fields).
    pub emphasis: Option<usize>,
}

/// The recipient's openid: required, at most 128 of `[A-Za-z0-9_-]` (both message APIs
/// answer 40003 otherwise).
pub fn touser_problem(touser: &str) -> Option<FieldProblem> {
    let touser = touser.trim();
    if touser.is_empty() {
        Some(FieldProblem::Required)
    } else if touser.len() > 128
        || touser
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        Some(FieldProblem::InvalidChars)
    } else {
        None
    }
}

/// A message's page: empty (no jump), or a path of the code's pages (when they are known)
/// with a query if wanted (both message APIs answer 41030 otherwise).
pub fn page_ok(page: &str, pages: Option<&[String]>) -> bool {
    let page = page.trim();
    if page.is_empty() {
        return true;
    }
    let path = page.split('?').next().unwrap_or("").trim_start_matches('/');
    let known = pages.is_none_or(|p| p.iter().any(|x| x == path));
    !path.is_empty() && !path.contains("..") && !path.contains("://") && known
}

fn is_color(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// Every rule of the seed's send the console can know before calling: touser (40003),
/// template (40037), page among the code's pages (41030), form_id present (41028); colours
/// and the emphasised keyword well-formed.
pub fn check_send(
    form: &SendForm,
    field_count: usize,
    pages: Option<&[String]>,
) -> Result<(), Vec<Violation>> {
    use errcode::*;
    let mut v = Vec::new();
    if let Some(problem) = touser_problem(&form.touser) {
        v.push(Violation::new("touser", problem, INVALID_OPENID));
    }
    if form.template_id.trim().is_empty() {
        v.push(Violation::new(
            "template_id",
            FieldProblem::Required,
            INVALID_TEMPLATE,
        ));
    }
    if !page_ok(&form.page, pages) {
        v.push(Violation::new(
            "page",
            FieldProblem::PageNotInCode,
            INVALID_PAGE,
        ));
    }
    if form.form_id.trim().is_empty() {
        v.push(Violation::new(
            "form_id",
            FieldProblem::Required,
            INVALID_FORM_ID,
        ));
    }
    for (i, c) in form.colors.iter().enumerate().take(field_count) {
        if !c.trim().is_empty() && !is_color(c.trim()) {
            v.push(Violation::local(
                format!("color.{i}"),
                FieldProblem::InvalidColor,
            ));
        }
    }
    // Without the template's fields (not in the account's list), WeChat's 40037 decides.
    if field_count > 0 && form.emphasis.is_some_and(|e| e >= field_count) {
        v.push(Violation::local("emphasis", FieldProblem::UnknownValue));
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

/// What the account's template list page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTemplate {
    pub template_id: String,
    pub title: String,
    pub content: String,
    pub example: String,
    pub fields: Vec<ContentField>,
}

/// A library title.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryTitle {
    pub id: String,
    pub title: String,
}

/// One page of the library: from WeChat (`offset`), or searched among the titles fetched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryPage {
    pub titles: Vec<LibraryTitle>,
    pub offset: i64,
    /// WeChat's `total_count`, or the matches among fetched titles when searching.
    pub total: i64,
    /// Titles the console has fetched so far (what a search looks in).
    pub fetched: i64,
}

/// The mini program's templates and what the send form needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub appid: String,
    pub nick_name: String,
    pub templates: Vec<AccountTemplate>,
    pub offset: i64,
    /// A full page came back: there may be more.
    pub more: bool,
    pub pages: Vec<String>,
    pub pages_known: bool,
    /// What the signed-in user may do (`None`: staff).
    pub grant: Option<super::merchant_permission::MerchantPermission>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kw(id: i64, name: &str) -> Keyword {
        Keyword {
            keyword_id: id,
            name: name.into(),
            example: format!("{name}示例"),
        }
    }

    #[test]
    fn a_chosen_keyword_moves_one_place_and_never_past_the_ends() {
        let mut c = vec![1, 2, 3];
        move_chosen(&mut c, 2, true);
        assert_eq!(c, [1, 3, 2]);
        move_chosen(&mut c, 0, true);
        move_chosen(&mut c, 2, false);
        assert_eq!(c, [1, 3, 2]);
        move_chosen(&mut c, 0, false);
        assert_eq!(c, [3, 1, 2]);
    }

    #[test]
    fn keywords_are_one_to_ten_known_and_distinct_in_any_order() {
        let lib = [kw(3, "购买地点"), kw(4, "购买时间"), kw(5, "物品名称")];
        assert_eq!(check_keywords(&[5, 3, 4], &lib), Ok(()));
        assert_eq!(preview(&[5, 3], &lib)[0].0, "物品名称");
        let problems = |ids: &[i64]| -> Vec<FieldProblem> {
            check_keywords(ids, &lib)
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|v| v.problem)
                .collect()
        };
        assert_eq!(problems(&[]), vec![FieldProblem::Required]);
        assert_eq!(problems(&[3, 3]), vec![FieldProblem::DuplicateItem]);
        assert_eq!(problems(&[9]), vec![FieldProblem::UnknownValue]);
        let many: Vec<Keyword> = (1..=11).map(|i| kw(i, "k")).collect();
        let ids: Vec<i64> = (1..=11).collect();
        assert_eq!(
            check_keywords(&ids, &many).err().unwrap()[0].problem,
            FieldProblem::TooMany { max: 10 }
        );
    }

    #[test]
    fn content_fields_come_from_the_seeds_content() {
        let fields = content_fields(
            "购买地点{{keyword1.DATA}}\n购买时间{{keyword2.DATA}}\n物品名称{{keyword3.DATA}}\n",
        );
        assert_eq!(fields.len(), 3);
        assert_eq!(
            fields[0],
            ContentField {
                label: "购买地点".into(),
                key: "keyword1".into()
            }
        );
        assert_eq!(fields[2].key, "keyword3");
        assert!(content_fields("no fields here").is_empty());
    }

    #[test]
    fn send_rules_name_their_field_and_errcode() {
        let pages = vec!["pages/index/index".to_owned()];
        let good = SendForm {
            touser: "oUser_1-x".into(),
            template_id: "tpl".into(),
            page: "pages/index/index?foo=bar".into(),
            form_id: "formid_1".into(),
            values: vec!["a".into(), "b".into()],
            colors: vec!["#173177".into(), String::new()],
            emphasis: Some(1),
        };
        assert_eq!(check_send(&good, 2, Some(&pages)), Ok(()));
        let codes = |f: &SendForm| -> Vec<(String, Option<i64>)> {
            check_send(f, 2, Some(&pages))
                .err()
                .unwrap_or_default()
                .into_iter()
                .map(|v| (v.field, v.errcode))
                .collect()
        };
        let bad_page = SendForm {
            page: "pages/nope/nope".into(),
            ..good.clone()
        };
        assert_eq!(codes(&bad_page), vec![("page".into(), Some(41030))]);
        let outside = SendForm {
            page: "https://example.com/x".into(),
            ..good.clone()
        };
        assert_eq!(codes(&outside), vec![("page".into(), Some(41030))]);
        // Unknown pages: only the shape is checked, WeChat decides.
        assert_eq!(
            check_send(
                &SendForm {
                    page: "pages/nope/nope".into(),
                    ..good.clone()
                },
                2,
                None
            ),
            Ok(())
        );
        let empty = SendForm::default();
        let fields: Vec<String> = codes(&empty).into_iter().map(|c| c.0).collect();
        assert_eq!(fields, vec!["touser", "template_id", "form_id"]);
        let bad_color = SendForm {
            colors: vec!["red".into()],
            emphasis: Some(2),
            ..good.clone()
        };
        let fields: Vec<String> = codes(&bad_color).into_iter().map(|c| c.0).collect();
        assert_eq!(fields, vec!["color.0", "emphasis"]);
        assert_eq!(errcode::field_of(41029), "form_id");
        assert_eq!(errcode::field_of(45009), "send");
    }
}
