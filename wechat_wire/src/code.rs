//! Code management (third-party-code-management.rst): the category entries of
//! `get_category` and the items of `submit_audit`.
//!
//! Ids are `i64` as WeChat sends them (the default of `Id`); the console's
//! audit form holds them as `u32`, 0 while nothing is chosen
//! (`app::domain::release::submission`), in the same structs.

use serde::{Deserialize, Serialize};

/// One category the account may submit under (`get_category`): a second
/// level set on the account, or one of its third levels ("用于代码审核的可选三级类目").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryItem<Id = i64> {
    #[serde(default)]
    pub first_class: String,
    #[serde(default)]
    pub second_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    #[serde(default)]
    pub first_id: Id,
    #[serde(default)]
    pub second_id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_id: Option<Id>,
}

/// One page submitted for review (`submit_audit`'s `item_list`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditItem<Id = i64> {
    #[serde(default)]
    pub address: String,
    /// Space-separated, at most 10 tags of at most 20 characters.
    #[serde(default)]
    pub tag: String,
    #[serde(default)]
    pub first_class: String,
    #[serde(default)]
    pub second_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_class: Option<String>,
    #[serde(default)]
    pub first_id: Id,
    #[serde(default)]
    pub second_id: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_id: Option<Id>,
    /// At most 32 characters.
    #[serde(default)]
    pub title: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_examples_read_and_write_alike() {
        let category: Vec<CategoryItem> = serde_json::from_str(
            r#"[{"first_class":"工具","second_class":"备忘录","first_id":1,"second_id":2},
            {"first_class":"教育","second_class":"学历教育","third_class":"高等","first_id":3,"second_id":4,"third_id":5}]"#,
        )
        .unwrap();
        assert_eq!(category[0].third_id, None);
        assert_eq!(category[1].third_class.as_deref(), Some("高等"));
        assert_eq!(category[1].third_id, Some(5));
        let text = r#"{"address":"page/logs/logs","tag":"学习 工作","first_class":"教育","second_class":"学历教育","third_class":"高等","first_id":3,"second_id":4,"third_id":5,"title":"日志"}"#;
        let item: AuditItem = serde_json::from_str(text).unwrap();
        assert_eq!(item.third_id, Some(5));
        assert_eq!(serde_json::to_string(&item).unwrap(), text);
        let form: AuditItem<u32> = serde_json::from_str(text).unwrap();
        assert_eq!(form.second_id, 4);
        let two_levels = AuditItem::<i64> {
            first_id: 1,
            ..Default::default()
        };
        let value = serde_json::to_value(two_levels).unwrap();
        assert!(value.get("third_class").is_none() && value.get("third_id").is_none());
    }
}
