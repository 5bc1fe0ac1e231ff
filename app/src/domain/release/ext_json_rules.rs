//! What WeChat checks on a commit's ext_json, checked here first: it must parse (85048),
//! have the right shape (85013), keep `pages` non-empty (85047), give every tab a path
//! (85046), and point tabs and extPages only at pages that exist (85045).

use super::errcode::{EXT_JSON_PATH_NOT_FOUND, PAGES_EMPTY, TAB_BAR_WITHOUT_PATH};
use super::ext_json::{ExtJson, JsonObject};
use super::merge::{effective_app_json, pages_of};
use super::Violation;
use crate::domain::validation::FieldProblem;
use serde_json::Value;

/// `template_app_json` is the template's app.json when known: the paths are then checked
/// against the pages the mini program will really have. Without it only ext_json's own
/// pages can be checked. A blank ext_json is allowed: every ext_json key is optional.
pub fn check_ext_json(
    raw: &str,
    template_app_json: Option<&JsonObject>,
) -> Result<ExtJson, Vec<Violation>> {
    if raw.trim().is_empty() {
        return Ok(ExtJson::default());
    }
    let ext = ExtJson::parse(raw)?;
    let mut violations = Vec::new();
    let app = effective_app_json(template_app_json.unwrap_or(&JsonObject::new()), &ext);
    // Pages are known when ext_json sets them or the template's are given.
    let pages = if ext.pages.is_some() || template_app_json.is_some() {
        Some(pages_of(&app).unwrap_or_default())
    } else {
        None
    };
    if pages.as_ref().is_some_and(Vec::is_empty) {
        violations.push(Violation::new(
            "ext_json.pages",
            FieldProblem::Required,
            PAGES_EMPTY,
        ));
    }
    let ext_sets_tab_list = ext.tab_bar.as_ref().is_some_and(|t| t.list.is_some());
    check_tab_bar(&app, pages.as_deref(), ext_sets_tab_list, &mut violations);
    if let (Some(pages), Some(ext_pages)) = (&pages, &ext.ext_pages) {
        for page in ext_pages.keys().filter(|p| !pages.contains(p)) {
            violations.push(Violation::new(
                format!("ext_json.extPages.{page}"),
                FieldProblem::PathNotInPages,
                EXT_JSON_PATH_NOT_FOUND,
            ));
        }
    }
    if violations.is_empty() {
        Ok(ext)
    } else {
        Err(violations)
    }
}

/// Checks the effective tab list. When the list is the template's, a tab pointing at a
/// missing page means ext_json's `pages` dropped it, so that is the field at fault.
fn check_tab_bar(
    app: &JsonObject,
    pages: Option<&[String]>,
    ext_sets_tab_list: bool,
    violations: &mut Vec<Violation>,
) {
    let Some(Value::Array(list)) = app.get("tabBar").and_then(|t| t.get("list")) else {
        return;
    };
    for (i, item) in list.iter().enumerate() {
        let path = item.get("pagePath").and_then(Value::as_str).map(str::trim);
        let field = if ext_sets_tab_list {
            format!("ext_json.tabBar.list[{i}].pagePath")
        } else {
            "ext_json.pages".to_string()
        };
        match path {
            None | Some("") => violations.push(Violation::new(
                field,
                FieldProblem::Required,
                TAB_BAR_WITHOUT_PATH,
            )),
            Some(path) if pages.is_some_and(|pages| !pages.iter().any(|p| p == path)) => violations
                .push(Violation::new(
                    field,
                    FieldProblem::PathNotInPages,
                    EXT_JSON_PATH_NOT_FOUND,
                )),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::errcode::{EXT_JSON_UNPARSABLE, INVALID_EXT_CONFIG};
    use super::*;
    use serde_json::json;

    fn template() -> JsonObject {
        match json!({
            "pages": ["index", "cart", "about"],
            "tabBar": {"list": [{"pagePath": "index"}, {"pagePath": "cart"}]}
        }) {
            Value::Object(o) => o,
            _ => unreachable!(),
        }
    }

    fn codes(raw: &str, template: Option<&JsonObject>) -> Vec<(String, i64)> {
        check_ext_json(raw, template)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.field, v.errcode.unwrap()))
            .collect()
    }

    #[test]
    fn a_consistent_ext_json_passes() {
        let raw = r#"{"extAppid":"wx1","pages":["index","cart"],
            "extPages":{"cart":{"navigationBarTitleText":"Cart"}},
            "tabBar":{"list":[{"pagePath":"index"},{"pagePath":"cart"}]}}"#;
        assert!(check_ext_json(raw, Some(&template())).is_ok());
        assert!(check_ext_json(raw, None).is_ok());
        assert_eq!(check_ext_json("  ", None), Ok(ExtJson::default()));
    }

    #[test]
    fn parse_failures_are_85048_and_shape_failures_85013() {
        assert_eq!(
            codes("{", None),
            vec![("ext_json".into(), EXT_JSON_UNPARSABLE)]
        );
        assert_eq!(
            codes(r#"{"window":"dark"}"#, None),
            vec![("ext_json.window".into(), INVALID_EXT_CONFIG)]
        );
    }

    #[test]
    fn empty_pages_are_85047() {
        assert_eq!(
            codes(r#"{"pages":[]}"#, None),
            vec![("ext_json.pages".into(), PAGES_EMPTY)]
        );
        let mut no_pages = template();
        no_pages.remove("pages");
        no_pages.remove("tabBar");
        assert_eq!(
            codes(r#"{"extAppid":"wx1"}"#, Some(&no_pages)),
            vec![("ext_json.pages".into(), PAGES_EMPTY)]
        );
    }

    #[test]
    fn a_tab_without_path_is_85046() {
        let raw = r#"{"tabBar":{"list":[{"pagePath":"index"},{"text":"Cart"},{"pagePath":" "}]}}"#;
        assert_eq!(
            codes(raw, None),
            vec![
                (
                    "ext_json.tabBar.list[1].pagePath".into(),
                    TAB_BAR_WITHOUT_PATH
                ),
                (
                    "ext_json.tabBar.list[2].pagePath".into(),
                    TAB_BAR_WITHOUT_PATH
                ),
            ]
        );
    }

    #[test]
    fn tab_paths_must_be_pages_85045() {
        let raw =
            r#"{"pages":["index"],"tabBar":{"list":[{"pagePath":"index"},{"pagePath":"me"}]}}"#;
        assert_eq!(
            codes(raw, None),
            vec![(
                "ext_json.tabBar.list[1].pagePath".into(),
                EXT_JSON_PATH_NOT_FOUND
            )]
        );
        // A new tab list is checked against the template's pages when ext_json keeps them.
        let raw = r#"{"tabBar":{"list":[{"pagePath":"about"},{"pagePath":"me"}]}}"#;
        assert_eq!(
            codes(raw, Some(&template())),
            vec![(
                "ext_json.tabBar.list[1].pagePath".into(),
                EXT_JSON_PATH_NOT_FOUND
            )]
        );
        // Without pages anywhere, paths cannot be checked yet.
        assert!(codes(raw, None).is_empty());
    }

    #[test]
    fn replacing_pages_can_orphan_the_templates_tabs() {
        // The template's tabs stay (no list in ext_json) but "cart" is no longer a page.
        let raw = r#"{"pages":["index","about"],"tabBar":{"color":"black"}}"#;
        assert_eq!(
            codes(raw, Some(&template())),
            vec![("ext_json.pages".into(), EXT_JSON_PATH_NOT_FOUND)]
        );
    }

    #[test]
    fn ext_pages_must_be_pages_85045() {
        let raw = r#"{"extPages":{"index":{},"search/index":{}}}"#;
        assert_eq!(
            codes(raw, Some(&template())),
            vec![(
                "ext_json.extPages.search/index".into(),
                EXT_JSON_PATH_NOT_FOUND
            )]
        );
        let raw = r#"{"pages":["index","search/index"],"extPages":{"index":{},"search/index":{}}}"#;
        assert!(codes(raw, None).is_empty());
        // With the template, its "cart" tab is no longer a page: only that remains.
        assert_eq!(
            codes(raw, Some(&template())),
            vec![("ext_json.pages".into(), EXT_JSON_PATH_NOT_FOUND)]
        );
    }
}
