//! The content rules of func-widget-submit.md, checked as the user types and again on
//! the server before WeChat is called. They agree with the simulator
//! (`wechat::simulator::widget::validate`), which reports the first broken rule; here
//! every broken rule is reported at its field, with the errcode WeChat would answer.
//!
//! jumpUrl duplicates: two cells lead to the same page when their paths are equal after
//! dropping one leading `/` ("/pages/a" = "pages/a"). The query string is part of the
//! destination: "pages/a?id=1" and "pages/a?id=2" (or "pages/a") are different paths
//! and may both be used, as WeChat's rule speaks of paths, not pages.

use super::errcode::{CATEGORY_COUNT, CATEGORY_ID, JUMP_URL, MATERIAL, PARAM};
use super::{
    region, WidgetContent, GRID_SIZES, MAX_AREACODES, MAX_BRANDNAME_CHARS, MAX_CATEGORIES,
    MAX_DESC_CHARS, MAX_KEYWORD_CHARS, MAX_TITLE_CHARS, MAX_URL_CHARS,
};
use crate::domain::release::Violation;
use crate::domain::validation::FieldProblem;
use std::collections::BTreeSet;
use wechat_wire::is_internal_path;

/// One node of the category tree (the provisional getcategory answer).
pub use wechat_wire::widget::WidgetCategoryNode as CategoryNode;

/// Field names the form and the server agree on.
pub fn item_field(i: usize, name: &str) -> String {
    format!("items.{i}.{name}")
}

pub fn category_field(i: usize) -> String {
    format!("categorylist.{i}")
}

/// The route of a jump path: no leading `/`, no query string.
pub fn route_of(path: &str) -> &str {
    let route = path.split('?').next().unwrap_or("");
    route.strip_prefix('/').unwrap_or(route)
}

/// The form two paths are compared in for duplicates (see the module comment).
pub fn normalized_path(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

/// An icon address: http(s) with a host, no spaces.
pub fn is_icon_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    matches!(rest, Some(r) if !r.is_empty() && !r.starts_with('/'))
        && url.chars().count() <= MAX_URL_CHARS
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn text(v: &mut Vec<Violation>, field: &str, value: &str, required: bool, max: usize, code: i64) {
    if value.trim().is_empty() {
        if required {
            v.push(Violation::new(field, FieldProblem::Required, code));
        }
    } else if value.chars().count() > max {
        v.push(Violation::new(field, FieldProblem::TooLong { max }, code));
    } else if value.chars().any(char::is_control) {
        v.push(Violation::new(field, FieldProblem::InvalidChars, code));
    }
}

/// Every rule. `categories` is the mini program's category tree and `pages` the pages of
/// its committed code; either may be empty when unknown, and is then not checked against.
pub fn check(
    c: &WidgetContent,
    categories: &[CategoryNode],
    pages: &[String],
) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    text(
        &mut v,
        "keyword",
        &c.keyword,
        true,
        MAX_KEYWORD_CHARS,
        PARAM,
    );
    text(
        &mut v,
        "brandname",
        &c.brandname,
        false,
        MAX_BRANDNAME_CHARS,
        PARAM,
    );
    check_areacodes(&mut v, &c.areacode);
    check_categories(&mut v, c, categories);
    check_material(&mut v, c, pages);
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

fn check_areacodes(v: &mut Vec<Violation>, codes: &[i64]) {
    if codes.len() > MAX_AREACODES {
        v.push(Violation::new(
            "areacode",
            FieldProblem::TooMany { max: MAX_AREACODES },
            PARAM,
        ));
        return;
    }
    let mut seen = BTreeSet::new();
    for code in codes {
        if !region::is_known(*code) {
            v.push(Violation::new(
                "areacode",
                FieldProblem::UnknownValue,
                PARAM,
            ));
            return;
        }
        if !seen.insert(*code) {
            v.push(Violation::new(
                "areacode",
                FieldProblem::AlreadyTaken,
                PARAM,
            ));
            return;
        }
    }
}

fn check_categories(v: &mut Vec<Violation>, c: &WidgetContent, tree: &[CategoryNode]) {
    let list = &c.categorylist;
    if list.is_empty() {
        v.push(Violation::new(
            "categorylist",
            FieldProblem::Required,
            CATEGORY_COUNT,
        ));
        return;
    }
    if list.len() > MAX_CATEGORIES {
        v.push(Violation::new(
            "categorylist",
            FieldProblem::TooMany {
                max: MAX_CATEGORIES,
            },
            CATEGORY_COUNT,
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, cat) in list.iter().enumerate() {
        let field = category_field(i);
        if cat.id1 <= 0 || cat.id2 <= 0 {
            v.push(Violation::new(field, FieldProblem::Required, CATEGORY_ID));
            continue;
        }
        let known = tree.is_empty()
            || tree.iter().any(|n| {
                n.id1 == cat.id1 && n.id2 == cat.id2 && (cat.id3 == 0 || n.id3 == cat.id3)
            });
        if !known || cat.id3 < 0 {
            v.push(Violation::new(
                field,
                FieldProblem::UnknownValue,
                CATEGORY_ID,
            ));
        } else if !seen.insert((cat.id1, cat.id2, cat.id3)) {
            v.push(Violation::new(
                field,
                FieldProblem::AlreadyTaken,
                CATEGORY_ID,
            ));
        }
    }
}

fn check_material(v: &mut Vec<Violation>, c: &WidgetContent, pages: &[String]) {
    let m = &c.material;
    if !matches!(m.icon_type, 0 | 1) {
        v.push(Violation::new(
            "material.iconType",
            FieldProblem::OutOfRange { min: 0, max: 1 },
            MATERIAL,
        ));
    }
    if !GRID_SIZES.contains(&m.items.len()) {
        v.push(Violation::new(
            "material.items",
            FieldProblem::GridSize,
            MATERIAL,
        ));
    }
    let mut paths = BTreeSet::new();
    for (i, item) in m.items.iter().enumerate() {
        text(
            v,
            &item_field(i, "title"),
            &item.title,
            true,
            MAX_TITLE_CHARS,
            MATERIAL,
        );
        text(
            v,
            &item_field(i, "desc"),
            &item.desc,
            true,
            MAX_DESC_CHARS,
            MATERIAL,
        );
        if m.icon_type == 1 {
            let field = item_field(i, "icon");
            if item.icon.trim().is_empty() {
                v.push(Violation::new(field, FieldProblem::Required, MATERIAL));
            } else if !is_icon_url(&item.icon) {
                v.push(Violation::new(field, FieldProblem::InvalidUrl, MATERIAL));
            }
        }
        let field = item_field(i, "jumpUrl");
        let url = &item.jump_url;
        if url.trim().is_empty() {
            v.push(Violation::new(field, FieldProblem::Required, JUMP_URL));
        } else if url.chars().count() > MAX_URL_CHARS || !is_internal_path(url) {
            v.push(Violation::new(
                field,
                FieldProblem::NotInternalPath,
                JUMP_URL,
            ));
        } else if !pages.is_empty() && !pages.iter().any(|p| route_of(p) == route_of(url)) {
            v.push(Violation::new(field, FieldProblem::PageNotInCode, JUMP_URL));
        } else if !paths.insert(normalized_path(url).to_owned()) {
            v.push(Violation::new(field, FieldProblem::DuplicatePath, JUMP_URL));
        }
    }
}
