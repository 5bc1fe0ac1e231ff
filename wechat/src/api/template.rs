//! Message templates (template-message-api.md): the template library, the
//! account's own templates, sending, and `/cgi-bin/token`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::{Ack, Auth, CallCtx, Client, Endpoint, Error, NoTokens};

pub const LIBRARY_LIST: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/template/library/list", Auth::Authorizer);
pub const LIBRARY_GET: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/template/library/get", Auth::Authorizer);
pub const TEMPLATE_ADD: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/template/add", Auth::Authorizer);
pub const TEMPLATE_LIST: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/template/list", Auth::Authorizer);
pub const TEMPLATE_DEL: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/template/del", Auth::Authorizer);
pub const TEMPLATE_SEND: Endpoint =
    Endpoint::post_write("/cgi-bin/message/wxopen/template/send", Auth::Authorizer);
/// The account's own `access_token` from AppID + AppSecret (no token).
pub const CLIENT_CREDENTIAL_TOKEN: Endpoint = Endpoint::get("/cgi-bin/token", Auth::None);

/// `count` may be at most this for both list calls.
pub const MAX_PAGE_COUNT: i64 = 20;
/// `keyword_id_list` may hold at most this many keywords.
pub const MAX_KEYWORDS: usize = 10;

/// `offset` / `count` paging of both list calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub offset: i64,
    pub count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryTitle {
    /// Title id, e.g. `AT0002`.
    pub id: String,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryList {
    #[serde(default)]
    pub list: Vec<LibraryTitle>,
    pub total_count: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TitleId {
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryKeyword {
    pub keyword_id: i64,
    pub name: String,
    pub example: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryTemplate {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub keyword_list: Vec<LibraryKeyword>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddTemplateRequest {
    pub id: String,
    /// Any order, at most [`MAX_KEYWORDS`].
    pub keyword_id_list: Vec<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedTemplate {
    pub template_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTemplate {
    pub template_id: String,
    pub title: String,
    pub content: String,
    pub example: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateList {
    #[serde(default)]
    pub list: Vec<AccountTemplate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateIdBody {
    pub template_id: String,
}

/// One `data` entry: `{"value": "…", "color": "#173177"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataValue {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendTemplateRequest {
    /// The recipient's openid.
    pub touser: String,
    pub template_id: String,
    /// A page of this mini program (`index?foo=bar`); empty: no jump.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub page: String,
    /// The form's `formId` or the payment's `prepay_id`.
    pub form_id: String,
    /// `keyword1` … → value (and color).
    #[serde(default)]
    pub data: BTreeMap<String, DataValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// e.g. `keyword1.DATA`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emphasis_keyword: Option<String>,
}

/// The answer of `/cgi-bin/token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessToken {
    pub access_token: String,
    pub expires_in: i64,
}

impl Client {
    pub async fn template_library_list(
        &self,
        ctx: &CallCtx<'_>,
        offset: i64,
        count: i64,
    ) -> Result<LibraryList, Error> {
        self.call_json(&LIBRARY_LIST, ctx, &[], Some(&Page { offset, count }))
            .await
    }

    pub async fn template_library_get(
        &self,
        ctx: &CallCtx<'_>,
        id: &str,
    ) -> Result<LibraryTemplate, Error> {
        let body = TitleId { id: id.to_owned() };
        self.call_json(&LIBRARY_GET, ctx, &[], Some(&body)).await
    }

    pub async fn template_add(
        &self,
        ctx: &CallCtx<'_>,
        request: &AddTemplateRequest,
    ) -> Result<AddedTemplate, Error> {
        self.call_json(&TEMPLATE_ADD, ctx, &[], Some(request)).await
    }

    pub async fn template_list(
        &self,
        ctx: &CallCtx<'_>,
        offset: i64,
        count: i64,
    ) -> Result<TemplateList, Error> {
        self.call_json(&TEMPLATE_LIST, ctx, &[], Some(&Page { offset, count }))
            .await
    }

    pub async fn template_del(&self, ctx: &CallCtx<'_>, template_id: &str) -> Result<Ack, Error> {
        let body = TemplateIdBody {
            template_id: template_id.to_owned(),
        };
        self.call_json(&TEMPLATE_DEL, ctx, &[], Some(&body)).await
    }

    pub async fn template_send(
        &self,
        ctx: &CallCtx<'_>,
        request: &SendTemplateRequest,
    ) -> Result<Ack, Error> {
        self.call_json(&TEMPLATE_SEND, ctx, &[], Some(request))
            .await
    }

    /// `GET /cgi-bin/token?grant_type=client_credential&appid=…&secret=…`:
    /// the account's own token (invalidates the previous one after a short overlap).
    pub async fn client_credential_token(
        &self,
        appid: &str,
        secret: &str,
    ) -> Result<AccessToken, Error> {
        let ctx = CallCtx {
            tokens: &NoTokens,
            appid: None,
        };
        let query = [
            ("grant_type", "client_credential".to_owned()),
            ("appid", appid.to_owned()),
            ("secret", secret.to_owned()),
        ];
        self.call_json::<(), _>(&CLIENT_CREDENTIAL_TOKEN, &ctx, &query, None)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_examples_decode() {
        let got: LibraryTemplate = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","id":"AT0002","title":"购买成功通知","keyword_list":[{"keyword_id":3,"name":"购买地点","example":"TIT造舰厂"}]}"#,
        )
        .unwrap();
        assert_eq!(got.keyword_list[0].keyword_id, 3);
        let list: LibraryList = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","list":[{"id":"AT0002","title":"购买成功通知"}],"total_count":599}"#,
        )
        .unwrap();
        assert_eq!(list.total_count, 599);
        let token: AccessToken =
            serde_json::from_str(r#"{"access_token": "ACCESS_TOKEN", "expires_in": 7200}"#)
                .unwrap();
        assert_eq!(token.expires_in, 7200);
    }

    #[test]
    fn send_body_matches_the_seed() {
        let mut data = BTreeMap::new();
        data.insert(
            "keyword1".to_owned(),
            DataValue {
                value: "339208499".into(),
                color: Some("#173177".into()),
            },
        );
        let body = SendTemplateRequest {
            touser: "OPENID".into(),
            template_id: "TEMPLATE_ID".into(),
            page: "index".into(),
            form_id: "FORMID".into(),
            data,
            color: None,
            emphasis_keyword: Some("keyword1.DATA".into()),
        };
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(v["data"]["keyword1"]["value"], "339208499");
        assert_eq!(v["emphasis_keyword"], "keyword1.DATA");
        assert!(v.get("color").is_none());
    }
}
