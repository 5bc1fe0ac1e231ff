//! Function widgets (功能直达, func-widget-submit.md): the category and grid-cell
//! shapes of `createfuncwidget` / `modifyfuncwidget`, and one node of the
//! category tree (provisional shape, see `wechat::simulator::provisional`).

use serde::{Deserialize, Serialize};

/// One entry of `categorylist`: first and second level are required, the
/// third is 0 when not used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WidgetCategory {
    #[serde(default)]
    pub id1: i64,
    #[serde(default)]
    pub id2: i64,
    #[serde(default)]
    pub id3: i64,
}

/// One grid cell of the material.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialItem {
    /// Required when `iconType` is 1: the icon's URL.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub desc: String,
    /// A path inside the mini program; different cells need different paths.
    #[serde(rename = "jumpUrl", default)]
    pub jump_url: String,
}

/// One node of the function category tree (provisional shape).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetCategoryNode {
    pub id1: i64,
    pub name1: String,
    pub id2: i64,
    pub name2: String,
    /// 0 when the second level has no third level.
    #[serde(default)]
    pub id3: i64,
    #[serde(default)]
    pub name3: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_wechats() {
        let item = MaterialItem {
            title: "t".into(),
            desc: "d".into(),
            jump_url: "pages/a".into(),
            ..Default::default()
        };
        let value = serde_json::to_value(&item).unwrap();
        assert_eq!(value["jumpUrl"], "pages/a");
        assert!(value.get("icon").is_none());
        let node: WidgetCategoryNode =
            serde_json::from_str(r#"{"id1":1,"name1":"a","id2":2,"name2":"b"}"#).unwrap();
        assert_eq!((node.id3, node.name3.as_str()), (0, ""));
        let c: WidgetCategory = serde_json::from_str(r#"{"id1":10564,"id2":10707}"#).unwrap();
        assert_eq!(
            c,
            WidgetCategory {
                id1: 10564,
                id2: 10707,
                id3: 0
            }
        );
    }
}
