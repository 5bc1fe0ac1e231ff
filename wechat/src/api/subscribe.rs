//! Subscription messages (订阅消息): paths and shapes from WeChat's public documentation
//! (小程序 服务端 API → 订阅消息: getCategory, getPubTemplateTitleList,
//! getPubTemplateKeyWordsById, addMessageTemplate, getMessageTemplateList,
//! deleteMessageTemplate, sendMessage), as WxJava `WxMaSubscribeServiceImpl`, wechatpy and
//! EasyWeChat call them. The rules are in the shared `subscribe_rules` crate.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Ack, Auth, CallCtx, Client, Endpoint, Error};

pub const GET_CATEGORY: Endpoint = Endpoint::get("/wxaapi/newtmpl/getcategory", Auth::Authorizer);
pub const PUB_TITLES: Endpoint =
    Endpoint::get("/wxaapi/newtmpl/getpubtemplatetitles", Auth::Authorizer);
pub const PUB_KEYWORDS: Endpoint =
    Endpoint::get("/wxaapi/newtmpl/getpubtemplatekeywords", Auth::Authorizer);
pub const ADD_TEMPLATE: Endpoint =
    Endpoint::post_write("/wxaapi/newtmpl/addtemplate", Auth::Authorizer);
pub const GET_TEMPLATES: Endpoint = Endpoint::get("/wxaapi/newtmpl/gettemplate", Auth::Authorizer);
pub const DEL_TEMPLATE: Endpoint =
    Endpoint::post_write("/wxaapi/newtmpl/deltemplate", Auth::Authorizer);
pub const SEND: Endpoint =
    Endpoint::post_write("/cgi-bin/message/subscribe/send", Auth::Authorizer);

/// WeChat writes some ids as strings in one answer and numbers in another.
fn int_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Int(i64),
        Text(String),
    }
    match Either::deserialize(d)? {
        Either::Int(n) => Ok(n),
        Either::Text(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeCategory {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryList {
    #[serde(default)]
    pub data: Vec<SubscribeCategory>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubTitle {
    pub tid: i64,
    pub title: String,
    /// 2 one-time, 3 long-term.
    #[serde(rename = "type")]
    pub kind: i64,
    #[serde(rename = "categoryId", deserialize_with = "int_or_string")]
    pub category_id: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubTitles {
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub data: Vec<PubTitle>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubKeyword {
    pub kid: i64,
    pub name: String,
    #[serde(default)]
    pub example: String,
    /// The value type: `thing`, `time`, `amount`, …
    pub rule: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubKeywords {
    #[serde(default)]
    pub count: i64,
    #[serde(default)]
    pub data: Vec<PubKeyword>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddTemplateRequest {
    /// A string in WeChat's example (`"401"`).
    pub tid: String,
    #[serde(rename = "kidList")]
    pub kid_list: Vec<i64>,
    #[serde(rename = "sceneDesc")]
    pub scene_desc: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedTemplate {
    #[serde(rename = "priTmplId")]
    pub pri_tmpl_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateTemplate {
    #[serde(rename = "priTmplId")]
    pub pri_tmpl_id: String,
    pub title: String,
    pub content: String,
    #[serde(default)]
    pub example: String,
    #[serde(rename = "type", default)]
    pub kind: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateTemplates {
    #[serde(default)]
    pub data: Vec<PrivateTemplate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct DelBody {
    #[serde(rename = "priTmplId")]
    pri_tmpl_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    pub value: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendRequest {
    pub touser: String,
    pub template_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub page: String,
    /// `thing1` … → value.
    pub data: BTreeMap<String, Value>,
    /// developer / trial / formal.
    pub miniprogram_state: String,
    /// zh_CN / en_US / zh_HK / zh_TW.
    pub lang: String,
}

impl Client {
    pub async fn subscribe_categories(&self, ctx: &CallCtx<'_>) -> Result<CategoryList, Error> {
        self.call_json::<(), _>(&GET_CATEGORY, ctx, &[], None).await
    }

    /// Public titles of the given categories, `limit` (1–30) from `start`.
    pub async fn subscribe_pub_titles(
        &self,
        ctx: &CallCtx<'_>,
        category_ids: &[i64],
        start: i64,
        limit: i64,
    ) -> Result<PubTitles, Error> {
        let ids: Vec<String> = category_ids.iter().map(i64::to_string).collect();
        let query = [
            ("ids", ids.join(",")),
            ("start", start.to_string()),
            ("limit", limit.to_string()),
        ];
        self.call_json::<(), _>(&PUB_TITLES, ctx, &query, None)
            .await
    }

    pub async fn subscribe_pub_keywords(
        &self,
        ctx: &CallCtx<'_>,
        tid: i64,
    ) -> Result<PubKeywords, Error> {
        let query = [("tid", tid.to_string())];
        self.call_json::<(), _>(&PUB_KEYWORDS, ctx, &query, None)
            .await
    }

    pub async fn subscribe_add_template(
        &self,
        ctx: &CallCtx<'_>,
        request: &AddTemplateRequest,
    ) -> Result<AddedTemplate, Error> {
        self.call_json(&ADD_TEMPLATE, ctx, &[], Some(request)).await
    }

    pub async fn subscribe_templates(&self, ctx: &CallCtx<'_>) -> Result<PrivateTemplates, Error> {
        self.call_json::<(), _>(&GET_TEMPLATES, ctx, &[], None)
            .await
    }

    pub async fn subscribe_del_template(
        &self,
        ctx: &CallCtx<'_>,
        pri_tmpl_id: &str,
    ) -> Result<Ack, Error> {
        let body = DelBody {
            pri_tmpl_id: pri_tmpl_id.to_owned(),
        };
        self.call_json(&DEL_TEMPLATE, ctx, &[], Some(&body)).await
    }

    pub async fn subscribe_send(
        &self,
        ctx: &CallCtx<'_>,
        request: &SendRequest,
    ) -> Result<Ack, Error> {
        self.call_json(&SEND, ctx, &[], Some(request)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_answers_decode() {
        let titles: PubTitles = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","count":55,"data":[{"tid":99,"title":"付款成功通知","type":2,"categoryId":"616"}]}"#,
        )
        .unwrap();
        assert_eq!((titles.count, titles.data[0].category_id), (55, 616));
        let keywords: PubKeywords = serde_json::from_str(
            r#"{"count":1,"data":[{"kid":1,"name":"物品名称","example":"名称","rule":"thing"}],"errcode":0,"errmsg":"ok"}"#,
        )
        .unwrap();
        assert_eq!(keywords.data[0].rule, "thing");
        let list: PrivateTemplates = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","data":[{"priTmplId":"9Aw5ZV1j9xdWTFEkqCpZ7mIBbSC34khK55OtzUPl0rU","title":"报名结果通知","content":"会议时间:{{date2.DATA}}\n会议地点:{{thing1.DATA}}\n","example":"会议时间:2016年8月8日\n会议地点:TIT会议室\n","type":2}]}"#,
        )
        .unwrap();
        assert_eq!(list.data[0].kind, 2);
        let body = serde_json::to_value(AddTemplateRequest {
            tid: "401".into(),
            kid_list: vec![1, 2],
            scene_desc: "测试数据".into(),
        })
        .unwrap();
        assert_eq!(body["kidList"][1], 2);
        assert_eq!(body["sceneDesc"], "测试数据");
    }
}
