//! The audit submission (submit_audit item_list), checked against the code's pages
//! (get_page) and the account's categories (get_category) before WeChat sees it.

use super::errcode::{BAD_CATEGORY, BAD_PAGE_PATH, BAD_TAG, BAD_TITLE, EMPTY_ITEM, ITEM_COUNT};
use super::{finish, Violation};
use crate::domain::validation::FieldProblem;

/// "至少填写 1 项,至多填写 5 项".
pub const ITEM_LIST_MAX: usize = 5;
pub const TITLE_MAX: usize = 32;
pub const TAGS_MAX: usize = 10;
pub const TAG_MAX: usize = 20;
/// `feedback_info`, the note to the reviewer: at most 200 characters (seed).
pub const FEEDBACK_MAX: usize = 200;

/// The note to the reviewer, trimmed; `None` when empty, a violation when too long.
pub fn check_feedback(feedback: Option<&str>) -> Result<Option<String>, Violation> {
    let feedback = feedback.map(str::trim).filter(|f| !f.is_empty());
    match feedback {
        Some(f) if f.chars().count() > FEEDBACK_MAX => Err(Violation::local(
            "feedback_info",
            FieldProblem::TooLong { max: FEEDBACK_MAX },
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

/// One reviewed page: WeChat's `submit_audit` item as the form holds it, ids 0 when not
/// chosen, as a form starts.
pub type AuditItem = wechat_wire::code::AuditItem<u32>;

/// One entry of get_category's category_list (WeChat's shape, ids as the form holds them).
pub type Category = wechat_wire::code::CategoryItem<u32>;

/// WeChat may send a missing third level as 0.
fn third(id: Option<u32>) -> Option<u32> {
    id.filter(|&id| id != 0)
}

/// Nothing filled in (85010 "item_list 有项目为空").
fn is_empty(item: &AuditItem) -> bool {
    [
        &item.address,
        &item.tag,
        &item.title,
        &item.first_class,
        &item.second_class,
    ]
    .iter()
    .all(|s| s.trim().is_empty())
        && item.first_id == 0
        && item.second_id == 0
        && third(item.third_id).is_none()
}

pub fn check_audit_items(
    items: &[AuditItem],
    pages: &[String],
    categories: &[Category],
) -> Result<(), Vec<Violation>> {
    check_item_list(
        items,
        |address| pages.iter().any(|p| p == address),
        |item| category_problem(item, categories),
    )
}

/// The item list's rules: 1–5 items (85023), none empty (85010), each with a page that
/// `page_in_code` knows (85007), a title of 1–32 characters (85011), at most 10 tags of
/// at most 20 characters (85006), and what `category` says of its category (85008, the field
/// it names). The release form passes the code's pages and the account's categories; a
/// rollout, planned before its targets' are known, passes what holds for any target.
pub fn check_item_list(
    items: &[AuditItem],
    page_in_code: impl Fn(&str) -> bool,
    category: impl Fn(&AuditItem) -> Option<(&'static str, FieldProblem)>,
) -> Result<(), Vec<Violation>> {
    let mut violations = Vec::new();
    if items.is_empty() {
        violations.push(Violation::new(
            "item_list",
            FieldProblem::Required,
            ITEM_COUNT,
        ));
    } else if items.len() > ITEM_LIST_MAX {
        violations.push(Violation::new(
            "item_list",
            FieldProblem::TooMany { max: ITEM_LIST_MAX },
            ITEM_COUNT,
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let at = |name: &str| format!("item_list[{i}].{name}");
        if is_empty(item) {
            violations.push(Violation::new(
                format!("item_list[{i}]"),
                FieldProblem::EmptyItem,
                EMPTY_ITEM,
            ));
            continue;
        }
        let address = item.address.trim();
        if address.is_empty() {
            violations.push(Violation::new(
                at("address"),
                FieldProblem::Required,
                BAD_PAGE_PATH,
            ));
        } else if !page_in_code(address) {
            violations.push(Violation::new(
                at("address"),
                FieldProblem::PageNotInCode,
                BAD_PAGE_PATH,
            ));
        }
        // WeChat refuses an empty title too (85011 "标题填写错误").
        let title = item.title.trim().chars().count();
        if title == 0 {
            violations.push(Violation::new(
                at("title"),
                FieldProblem::Required,
                BAD_TITLE,
            ));
        } else if title > TITLE_MAX {
            violations.push(Violation::new(
                at("title"),
                FieldProblem::TooLong { max: TITLE_MAX },
                BAD_TITLE,
            ));
        }
        if let Some(problem) = tag_problem(&item.tag) {
            violations.push(Violation::new(at("tag"), problem, BAD_TAG));
        }
        if let Some((name, problem)) = category(item) {
            violations.push(Violation::new(at(name), problem, BAD_CATEGORY));
        }
    }
    finish(violations)
}

/// At most 10 tags, each at most 20 characters. Tags are optional: the specification
/// only bounds them.
fn tag_problem(tag: &str) -> Option<FieldProblem> {
    let tags: Vec<&str> = tag.split_whitespace().collect();
    if tags.len() > TAGS_MAX {
        Some(FieldProblem::TooMany { max: TAGS_MAX })
    } else if tags.iter().any(|t| t.chars().count() > TAG_MAX) {
        Some(FieldProblem::TooLong { max: TAG_MAX })
    } else {
        None
    }
}

/// The ids must name one entry of get_category, and the names must be that entry's.
fn category_problem(
    item: &AuditItem,
    categories: &[Category],
) -> Option<(&'static str, FieldProblem)> {
    if item.first_id == 0 || item.second_id == 0 {
        return Some(("category", FieldProblem::Required));
    }
    let same_second = |c: &&Category| c.first_id == item.first_id && c.second_id == item.second_id;
    let Some(entry) = categories
        .iter()
        .filter(same_second)
        .find(|c| third(c.third_id) == third(item.third_id))
    else {
        // The second level exists but only with a third level to pick.
        let needs_third = third(item.third_id).is_none()
            && categories
                .iter()
                .filter(same_second)
                .any(|c| third(c.third_id).is_some());
        return Some(if needs_third {
            ("third_id", FieldProblem::Required)
        } else {
            ("category", FieldProblem::UnknownValue)
        });
    };
    let same = |a: &str, b: &str| a.trim() == b.trim();
    if !same(&item.first_class, &entry.first_class) {
        Some(("first_class", FieldProblem::CategoryMismatch))
    } else if !same(&item.second_class, &entry.second_class) {
        Some(("second_class", FieldProblem::CategoryMismatch))
    } else if entry.third_class.as_deref().map(str::trim)
        != item
            .third_class
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        Some(("third_class", FieldProblem::CategoryMismatch))
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
