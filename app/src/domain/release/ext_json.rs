//! The typed `ext_json` a commit carries: the third party's per-mini-program configuration.
//! WeChat takes it as a JSON *string* inside the commit body, hence parse/serialise from text.

use super::errcode::{EXT_JSON_UNPARSABLE, INVALID_EXT_CONFIG};
use super::Violation;
use crate::domain::validation::FieldProblem;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub type JsonObject = Map<String, Value>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtJson {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_enable: Option<bool>,
    /// The authorizer's AppID (or a merchant's), so the template can tell tenants apart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct_commit: Option<bool>,
    /// Custom fields may only live here; the template reads them with wx.getExtConfig.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext: Option<JsonObject>,
    /// Page path → that page's configuration, overriding the template's page json.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ext_pages: Option<BTreeMap<String, JsonObject>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tab_bar: Option<TabBar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_timeout: Option<JsonObject>,
    /// Any other app.json key (permission, plugins…): kept so a round trip loses nothing.
    #[serde(flatten)]
    pub other: JsonObject,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TabBar {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<Vec<TabBarItem>>,
    /// color, selectedColor, backgroundColor…: merged key by key with the template's.
    #[serde(flatten)]
    pub style: JsonObject,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TabBarItem {
    #[serde(rename = "pagePath", default, skip_serializing_if = "Option::is_none")]
    pub page_path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(flatten)]
    pub rest: JsonObject,
}

/// Checks one known key's shape, so a wrong type names its key instead of all of ext_json.
fn fits<T: DeserializeOwned>(v: &Value) -> bool {
    serde_json::from_value::<T>(v.clone()).is_ok()
}

/// Whether a value has the shape its key needs.
type ShapeCheck = fn(&Value) -> bool;

const KEY_SHAPES: [(&str, ShapeCheck); 9] = [
    ("extEnable", fits::<bool>),
    ("extAppid", fits::<String>),
    ("directCommit", fits::<bool>),
    ("ext", fits::<JsonObject>),
    ("extPages", fits::<BTreeMap<String, JsonObject>>),
    ("pages", fits::<Vec<String>>),
    ("window", fits::<JsonObject>),
    ("tabBar", fits::<TabBar>),
    ("networkTimeout", fits::<JsonObject>),
];

impl ExtJson {
    /// Text that is not JSON is 85048; JSON of the wrong shape is 85013, on the key at fault.
    pub fn parse(raw: &str) -> Result<ExtJson, Vec<Violation>> {
        let value: Value = serde_json::from_str(raw).map_err(|_| {
            vec![Violation::new(
                "ext_json",
                FieldProblem::InvalidJson,
                EXT_JSON_UNPARSABLE,
            )]
        })?;
        let Value::Object(object) = &value else {
            return Err(vec![invalid_config("ext_json")]);
        };
        let wrong: Vec<Violation> = KEY_SHAPES
            .iter()
            .filter(|(key, fits)| object.get(*key).is_some_and(|v| !v.is_null() && !fits(v)))
            .map(|(key, _)| invalid_config(&format!("ext_json.{key}")))
            .collect();
        if !wrong.is_empty() {
            return Err(wrong);
        }
        serde_json::from_value(value).map_err(|_| vec![invalid_config("ext_json")])
    }

    /// The string to put in the commit body.
    pub fn to_json_string(&self) -> String {
        // Cannot fail: every map key is a string and every value plain JSON.
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn to_object(&self) -> JsonObject {
        match serde_json::to_value(self) {
            Ok(Value::Object(object)) => object,
            _ => JsonObject::new(),
        }
    }
}

fn invalid_config(field: &str) -> Violation {
    Violation::new(field, FieldProblem::InvalidConfig, INVALID_EXT_CONFIG)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_EXAMPLE: &str = r#"{
      "extAppid": "",
      "ext": {"attr1": "value1", "attr2": "value2"},
      "extPages": {"index": {}, "search/index": {}},
      "pages": ["index", "search/index"],
      "window": {},
      "networkTimeout": {},
      "tabBar": {}
    }"#;

    #[test]
    fn parses_the_specification_example() {
        let ext = ExtJson::parse(SEED_EXAMPLE).unwrap();
        assert_eq!(ext.ext_appid.as_deref(), Some(""));
        assert_eq!(ext.ext.as_ref().unwrap()["attr2"], "value2");
        assert_eq!(
            ext.pages,
            Some(vec!["index".to_string(), "search/index".to_string()])
        );
        assert!(ext.ext_pages.unwrap().contains_key("search/index"));
        assert_eq!(ext.tab_bar, Some(TabBar::default()));
    }

    #[test]
    fn round_trips_through_the_string_wechat_takes() {
        let raw = r#"{"extEnable":true,"extAppid":"wx1","directCommit":false,
            "ext":{"shop":7},"pages":["a"],"tabBar":{"color":"black",
            "list":[{"pagePath":"a","text":"A","iconPath":"i.png"}]},
            "permission":{"scope.userLocation":{"desc":"d"}}}"#;
        let ext = ExtJson::parse(raw).unwrap();
        assert_eq!(ext.direct_commit, Some(false));
        assert!(ext.other.contains_key("permission"));
        let again = ExtJson::parse(&ext.to_json_string()).unwrap();
        assert_eq!(again, ext);
        let item = &again.tab_bar.unwrap().list.unwrap()[0];
        assert_eq!(item.rest["iconPath"], "i.png");
    }

    #[test]
    fn absent_fields_are_not_written() {
        let ext = ExtJson {
            ext_appid: Some("wx1".into()),
            ..ExtJson::default()
        };
        assert_eq!(ext.to_json_string(), r#"{"extAppid":"wx1"}"#);
    }

    #[test]
    fn text_that_is_not_json_is_85048() {
        let err = ExtJson::parse("{pages: [").unwrap_err();
        assert_eq!(
            err,
            vec![Violation::new(
                "ext_json",
                FieldProblem::InvalidJson,
                EXT_JSON_UNPARSABLE
            )]
        );
    }

    #[test]
    fn json_of_the_wrong_shape_is_85013_on_its_key() {
        assert_eq!(
            ExtJson::parse("[1]").unwrap_err()[0].errcode,
            Some(INVALID_EXT_CONFIG)
        );
        let err = ExtJson::parse(r#"{"pages":"index","ext":[1],"extAppid":"ok"}"#).unwrap_err();
        let fields: Vec<_> = err.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, vec!["ext_json.ext", "ext_json.pages"]);
        assert!(err.iter().all(|v| v.errcode == Some(INVALID_EXT_CONFIG)));
        let err = ExtJson::parse(r#"{"tabBar":{"list":[{"pagePath":3}]}}"#).unwrap_err();
        assert_eq!(err[0].field, "ext_json.tabBar");
    }
}
