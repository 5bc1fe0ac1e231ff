//! How WeChat combines a template's configuration with a commit's ext_json: "apart from
//! `pages` and `tabBar.list`, which replace the original, everything is inserted or
//! overwritten at the same level" — recursively for objects.

use super::ext_json::{ExtJson, JsonObject};
use serde_json::Value;

/// Keys that configure the ext mechanism itself and are not part of the app.json result.
const EXT_ONLY_KEYS: [&str; 5] = ["extEnable", "extAppid", "directCommit", "ext", "extPages"];

/// Dotted paths whose value replaces the template's wholesale instead of being merged.
const REPLACED_PATHS: [&str; 2] = ["pages", "tabBar.list"];

/// Provisional base for the merge preview: WeChat's template list has no app.json, so the
/// console starts from the template's pages (the simulator knows them through a commit's
/// get_page; the template list names none) and an empty window. Documented on the page.
pub fn template_app_json(pages: &[String], desc: &str) -> JsonObject {
    let mut o = JsonObject::new();
    if !pages.is_empty() {
        o.insert("pages".into(), serde_json::json!(pages));
    }
    o.insert(
        "window".into(),
        serde_json::json!({ "navigationBarTitleText": desc }),
    );
    o
}

/// The app.json the mini program will run with.
pub fn effective_app_json(template_app_json: &JsonObject, ext: &ExtJson) -> JsonObject {
    let mut overlay = ext.to_object();
    for key in EXT_ONLY_KEYS {
        overlay.remove(key);
    }
    let mut result = template_app_json.clone();
    merge_into(&mut result, &overlay, "");
    result
}

/// One page's configuration: the template's page json with `extPages[page]` merged over it.
pub fn effective_page_json(
    page: &str,
    template_page_json: &JsonObject,
    ext: &ExtJson,
) -> JsonObject {
    let mut result = template_page_json.clone();
    if let Some(overlay) = ext.ext_pages.as_ref().and_then(|pages| pages.get(page)) {
        merge_into(&mut result, overlay, "");
    }
    result
}

/// The `pages` of an app.json, when it has a list of strings there.
pub fn pages_of(app_json: &JsonObject) -> Option<Vec<String>> {
    serde_json::from_value(app_json.get("pages")?.clone()).ok()
}

fn merge_into(base: &mut JsonObject, overlay: &JsonObject, path: &str) {
    for (key, value) in overlay {
        let key_path = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        match (base.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(over))
                if !REPLACED_PATHS.contains(&key_path.as_str()) =>
            {
                merge_into(inner, over, &key_path)
            }
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(v: Value) -> JsonObject {
        match v {
            Value::Object(o) => o,
            _ => panic!("not an object"),
        }
    }

    fn template() -> JsonObject {
        object(json!({
            "pages": ["index", "about", "cart"],
            "window": {"navigationBarTitleText": "Shop", "navigationBarBackgroundColor": "#fff"},
            "tabBar": {
                "color": "#999",
                "selectedColor": "#f00",
                "list": [{"pagePath": "index", "text": "Home"}, {"pagePath": "cart", "text": "Cart"}]
            },
            "networkTimeout": {"request": 10000},
            "debug": false
        }))
    }

    #[test]
    fn pages_and_tab_bar_list_replace_the_templates() {
        let ext = ExtJson::parse(
            r#"{"pages":["index","about"],
                "tabBar":{"selectedColor":"green","list":[{"pagePath":"about","text":"About"}]}}"#,
        )
        .unwrap();
        let app = effective_app_json(&template(), &ext);
        assert_eq!(app["pages"], json!(["index", "about"]));
        assert_eq!(
            app["tabBar"],
            json!({"color": "#999", "selectedColor": "green",
                   "list": [{"pagePath": "about", "text": "About"}]})
        );
    }

    #[test]
    fn everything_else_inserts_or_overwrites_at_the_same_level() {
        let ext = ExtJson::parse(
            r#"{"window":{"navigationBarTitleText":"Li's shop","enablePullDownRefresh":true},
                "networkTimeout":{"uploadFile":5000},"debug":true,
                "permission":{"scope.userLocation":{"desc":"nearby stores"}}}"#,
        )
        .unwrap();
        let app = effective_app_json(&template(), &ext);
        assert_eq!(
            app["window"],
            json!({"navigationBarTitleText": "Li's shop",
                   "navigationBarBackgroundColor": "#fff", "enablePullDownRefresh": true})
        );
        assert_eq!(
            app["networkTimeout"],
            json!({"request": 10000, "uploadFile": 5000})
        );
        assert_eq!(app["debug"], json!(true));
        assert_eq!(
            app["permission"]["scope.userLocation"]["desc"],
            "nearby stores"
        );
        // Untouched: the template's pages and tab list.
        assert_eq!(app["pages"], template()["pages"]);
        assert_eq!(app["tabBar"], template()["tabBar"]);
    }

    #[test]
    fn ext_only_keys_stay_out_of_app_json() {
        let ext = ExtJson::parse(
            r#"{"extEnable":true,"extAppid":"wx1","directCommit":true,
                "ext":{"shop":1},"extPages":{"index":{"navigationBarTitleText":"x"}}}"#,
        )
        .unwrap();
        assert_eq!(effective_app_json(&template(), &ext), template());
    }

    #[test]
    fn ext_pages_override_per_page_and_recursively() {
        let ext = ExtJson::parse(
            r#"{"extPages":{"index":{"navigationBarTitleText":"Li's shop",
                "usingComponents":{"banner":"/c/banner2"}}}}"#,
        )
        .unwrap();
        let index = object(json!({
            "navigationBarTitleText": "Shop",
            "usingComponents": {"banner": "/c/banner", "card": "/c/card"}
        }));
        assert_eq!(
            Value::Object(effective_page_json("index", &index, &ext)),
            json!({"navigationBarTitleText": "Li's shop",
                   "usingComponents": {"banner": "/c/banner2", "card": "/c/card"}})
        );
        // A page extPages does not name keeps the template's configuration.
        assert_eq!(effective_page_json("about", &index, &ext), index);
    }

    #[test]
    fn an_object_replaces_a_scalar_and_a_list_is_not_merged_outside_the_rule() {
        let ext =
            ExtJson::parse(r#"{"debug":{"level":2},"requiredBackgroundModes":["audio"]}"#).unwrap();
        let mut base = template();
        base.insert("requiredBackgroundModes".into(), json!(["location"]));
        let app = effective_app_json(&base, &ext);
        assert_eq!(app["debug"], json!({"level": 2}));
        assert_eq!(app["requiredBackgroundModes"], json!(["audio"]));
    }

    #[test]
    fn tab_bar_style_merges_key_by_key_while_its_list_is_replaced_whole() {
        // Nested: the tab items' own keys are not merged with the template's items.
        let ext = ExtJson::parse(
            r#"{"tabBar":{"color":"black","borderStyle":"white",
                "list":[{"pagePath":"cart","text":"购物车"}]}}"#,
        )
        .unwrap();
        let mut base = template();
        base["tabBar"]["list"][1]["iconPath"] = json!("cart.png");
        let app = effective_app_json(&base, &ext);
        assert_eq!(
            app["tabBar"],
            json!({"color": "black", "selectedColor": "#f00", "borderStyle": "white",
                   "list": [{"pagePath": "cart", "text": "购物车"}]})
        );
        // An ext_json without tabBar.list keeps the template's list untouched.
        let ext = ExtJson::parse(r#"{"tabBar":{"color":"black"}}"#).unwrap();
        assert_eq!(
            effective_app_json(&base, &ext)["tabBar"]["list"],
            base["tabBar"]["list"]
        );
    }

    #[test]
    fn a_template_without_tab_bar_takes_ext_jsons_whole() {
        let mut base = template();
        base.remove("tabBar");
        let ext =
            ExtJson::parse(r#"{"tabBar":{"list":[{"pagePath":"index","text":"首页"}]}}"#).unwrap();
        assert_eq!(
            effective_app_json(&base, &ext)["tabBar"],
            json!({"list": [{"pagePath": "index", "text": "首页"}]})
        );
    }

    #[test]
    fn ext_pages_merge_deeply_nested_objects_and_replace_lists() {
        let ext = ExtJson::parse(
            r#"{"extPages":{"index":{"window":{"nav":{"title":"B"}},"tags":["x"]}}}"#,
        )
        .unwrap();
        let page = object(
            json!({"window": {"nav": {"title": "A", "color": "red"}, "x": 1},
                                  "tags": ["a", "b"]}),
        );
        assert_eq!(
            Value::Object(effective_page_json("index", &page, &ext)),
            json!({"window": {"nav": {"title": "B", "color": "red"}, "x": 1}, "tags": ["x"]})
        );
        // A list named "list" deeper than tabBar is merged like any other value: replaced.
        let ext = ExtJson::parse(r#"{"window":{"list":{"a":1}}}"#).unwrap();
        let mut base = template();
        base["window"]["list"] = json!({"b": 2});
        assert_eq!(
            effective_app_json(&base, &ext)["window"]["list"],
            json!({"a": 1, "b": 2})
        );
    }

    #[test]
    fn reads_pages() {
        assert_eq!(pages_of(&template()).unwrap().len(), 3);
        assert_eq!(pages_of(&JsonObject::new()), None);
    }
}
