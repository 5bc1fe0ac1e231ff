//! Function widgets (功能直达, func-widget-submit.md): create, modify, take
//! offline and delete the one function a mini program may submit, plus the two
//! reads the seed references without documenting (the access check and the
//! category tree; provisional, see [`crate::simulator::provisional`]).

use serde::{Deserialize, Serialize};

use crate::client::{Ack, Auth, CallCtx, Client, Endpoint, Error};
pub use wechat_wire::widget::{MaterialItem, WidgetCategory, WidgetCategoryNode};

pub const CREATE_FUNC_WIDGET: Endpoint =
    Endpoint::post_write("/widget/funcwidget/createfuncwidget", Auth::Authorizer);
pub const MODIFY_FUNC_WIDGET: Endpoint =
    Endpoint::post_write("/widget/funcwidget/modifyfuncwidget", Auth::Authorizer);
pub const OFFLINE_FUNC_WIDGET: Endpoint =
    Endpoint::post_write("/widget/funcwidget/offlinefuncwidget", Auth::Authorizer);
pub const DELETE_FUNC_WIDGET: Endpoint =
    Endpoint::post_write("/widget/funcwidget/deletefuncwidget", Auth::Authorizer);
/// Provisional: the "接入检查api" (apply.html) the seed points to for the
/// review status, the `index` of each function and the monthly quota.
pub const CHECK_FUNC_WIDGET: Endpoint =
    Endpoint::post_read("/widget/funcwidget/checkfuncwidget", Auth::Authorizer);
/// Provisional: the "类目树接口" (category.html) the seed points to.
pub const GET_WIDGET_CATEGORY: Endpoint =
    Endpoint::post_read("/widget/funcwidget/getcategory", Auth::Authorizer);

/// `material`: 2 or 4 grid cells, left to right, top to bottom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    /// 0 (default): no icons; 1: every cell has an icon.
    #[serde(rename = "iconType", default)]
    pub icon_type: i64,
    #[serde(default)]
    pub items: Vec<MaterialItem>,
}

/// The body of `createfuncwidget` (and, with `index`, of `modifyfuncwidget`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncWidget {
    /// The function word search recalls the function by.
    #[serde(default)]
    pub keyword: String,
    /// Region codes the function serves; empty means everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areacode: Vec<i64>,
    /// Empty: the mini program's name is used.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub brandname: String,
    /// 1–3 categories.
    #[serde(default)]
    pub categorylist: Vec<WidgetCategory>,
    #[serde(default)]
    pub material: Material,
}

impl FuncWidget {
    /// The example request of func-widget-submit.md (a grid of four items).
    pub fn seed_example() -> Self {
        let item = |n: usize| MaterialItem {
            icon: format!("https://pic.pic/pic{n}.png"),
            title: format!("here_is_title{n}"),
            desc: format!("here_is_desc{n}"),
            jump_url: format!("pages/index/index{n}"),
        };
        FuncWidget {
            keyword: "here_is_keyword".into(),
            areacode: vec![110000, 120000],
            brandname: "here_is_brandname".into(),
            categorylist: vec![WidgetCategory {
                id1: 10564,
                id2: 10707,
                id3: 0,
            }],
            material: Material {
                icon_type: 1,
                items: (1..=4).map(item).collect(),
            },
        }
    }
}

/// The body of `modifyfuncwidget`: the `index` from the access check plus the
/// same fields as a new function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyFuncWidget {
    pub index: i64,
    #[serde(flatten)]
    pub widget: FuncWidget,
}

/// The body of `offlinefuncwidget` and `deletefuncwidget`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetIndex {
    pub index: i64,
}

/// Review status of a submitted function (provisional numbering).
pub mod status {
    pub const UNDER_REVIEW: i64 = 0;
    /// Approved and online.
    pub const ONLINE: i64 = 1;
    pub const REJECTED: i64 = 2;
    pub const OFFLINE: i64 = 3;
}

/// One submitted function as the access check reports it (provisional).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncWidgetInfo {
    pub index: i64,
    /// See [`status`].
    pub status: i64,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub submit_time: i64,
    #[serde(flatten)]
    pub widget: FuncWidget,
}

/// The access check's answer (provisional shape).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncWidgetCheck {
    /// 1 if the mini program may use function widgets.
    pub can_apply: i64,
    /// Submissions (create + modify) allowed per natural month.
    pub max_submit_count: i64,
    /// Submissions made this natural month (China time).
    pub submit_count: i64,
    #[serde(default)]
    pub func_list: Vec<FuncWidgetInfo>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetCategoryTree {
    pub category_list: Vec<WidgetCategoryNode>,
}

impl Client {
    pub async fn create_func_widget(
        &self,
        ctx: &CallCtx<'_>,
        widget: &FuncWidget,
    ) -> Result<Ack, Error> {
        self.call_json(&CREATE_FUNC_WIDGET, ctx, &[], Some(widget))
            .await
    }

    pub async fn modify_func_widget(
        &self,
        ctx: &CallCtx<'_>,
        request: &ModifyFuncWidget,
    ) -> Result<Ack, Error> {
        self.call_json(&MODIFY_FUNC_WIDGET, ctx, &[], Some(request))
            .await
    }

    pub async fn offline_func_widget(&self, ctx: &CallCtx<'_>, index: i64) -> Result<Ack, Error> {
        self.call_json(&OFFLINE_FUNC_WIDGET, ctx, &[], Some(&WidgetIndex { index }))
            .await
    }

    pub async fn delete_func_widget(&self, ctx: &CallCtx<'_>, index: i64) -> Result<Ack, Error> {
        self.call_json(&DELETE_FUNC_WIDGET, ctx, &[], Some(&WidgetIndex { index }))
            .await
    }

    /// Provisional: review status, indexes and the monthly quota.
    pub async fn check_func_widget(&self, ctx: &CallCtx<'_>) -> Result<FuncWidgetCheck, Error> {
        self.call_json::<(), _>(&CHECK_FUNC_WIDGET, ctx, &[], None)
            .await
    }

    /// Provisional: the category ids `categorylist` may use.
    pub async fn widget_categories(&self, ctx: &CallCtx<'_>) -> Result<WidgetCategoryTree, Error> {
        self.call_json::<(), _>(&GET_WIDGET_CATEGORY, ctx, &[], None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_example_round_trips() {
        let json = r#"{
          "index" : 0,
          "keyword": "here_is_keyword",
          "areacode": [110000, 120000],
          "brandname": "here_is_brandname",
          "categorylist": [{"id1": 10564, "id2": 10707, "id3": 0}],
          "material": {
            "iconType": 1,
            "items": [
              {"icon": "https://pic.pic/pic1.png", "title": "here_is_title1", "desc": "here_is_desc1", "jumpUrl" : "pages/index/index1"},
              {"icon": "https://pic.pic/pic2.png", "title": "here_is_title2", "desc": "here_is_desc2", "jumpUrl" : "pages/index/index2"}
            ]
          }
        }"#;
        let parsed: ModifyFuncWidget = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.index, 0);
        assert_eq!(parsed.widget.areacode, vec![110000, 120000]);
        assert_eq!(parsed.widget.material.icon_type, 1);
        assert_eq!(
            parsed.widget.material.items[1].jump_url,
            "pages/index/index2"
        );
        let back = serde_json::to_value(&parsed).unwrap();
        assert_eq!(
            back["material"]["items"][0]["jumpUrl"],
            "pages/index/index1"
        );
        assert_eq!(back["material"]["iconType"], 1);
        assert_eq!(back["categorylist"][0]["id2"], 10707);
        assert_eq!(back["index"], 0);
    }

    #[test]
    fn optional_fields_are_left_out() {
        let widget = FuncWidget {
            keyword: "打车".into(),
            ..Default::default()
        };
        let value = serde_json::to_value(&widget).unwrap();
        assert!(value.get("areacode").is_none());
        assert!(value.get("brandname").is_none());
        assert_eq!(value["material"]["items"], serde_json::json!([]));
    }
}
