//! Pushes WeChat sends to the callback URLs, decrypted: authorization events
//! (`InfoType`) and messages/events for an authorized mini program (`Event`).

use crate::crypto::{cdata, xml_fields, CryptoError};

/// A decrypted push, with the fields the console acts on pulled out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Push {
    /// `InfoType` (component events) or `Event` (e.g. `weapp_audit_success`).
    pub kind: String,
    /// The mini program concerned: `AuthorizerAppid`, or the appid in the URL.
    pub authorizer_appid: Option<String>,
    pub create_time: Option<i64>,
    pub fields: Vec<(String, String)>,
}

impl Push {
    pub fn parse(xml: &str) -> Result<Self, CryptoError> {
        let fields = xml_fields(xml)?;
        let get = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let kind = get("InfoType")
            .or_else(|| get("Event"))
            .or_else(|| get("MsgType"))
            .unwrap_or_default();
        Ok(Self {
            kind,
            authorizer_appid: get("AuthorizerAppid"),
            create_time: get("CreateTime").and_then(|t| t.parse().ok()),
            fields,
        })
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Builds a flat push document (numbers plain, text as CDATA), as WeChat sends it.
pub fn build_xml(fields: &[(&str, String)]) -> String {
    let mut xml = String::from("<xml>");
    for (name, value) in fields {
        let is_number = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        let text = if is_number {
            value.clone()
        } else {
            cdata(value)
        };
        xml.push_str(&format!("<{name}>{text}</{name}>"));
    }
    xml.push_str("</xml>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_an_authorization_event() {
        let xml = "<xml><AppId>some_appid</AppId><CreateTime>1413192760</CreateTime>\
                   <InfoType>authorized</InfoType><AuthorizerAppid>wxf8b4f85f3a794e77</AuthorizerAppid>\
                   <AuthorizationCode>somecode</AuthorizationCode>\
                   <AuthorizationCodeExpiredTime>1413196360</AuthorizationCodeExpiredTime>\
                   <PreAuthCode>preauthcode@@@xxx</PreAuthCode></xml>";
        let push = Push::parse(xml).unwrap();
        assert_eq!(push.kind, "authorized");
        assert_eq!(push.authorizer_appid.as_deref(), Some("wxf8b4f85f3a794e77"));
        assert_eq!(push.create_time, Some(1413192760));
        assert_eq!(push.field("PreAuthCode"), Some("preauthcode@@@xxx"));
    }

    #[test]
    fn parses_an_audit_event_and_round_trips_cdata() {
        let xml = build_xml(&[
            ("ToUserName", "gh_fb9688c2a4b2".into()),
            ("CreateTime", "1488856741".into()),
            ("MsgType", "event".into()),
            ("Event", "weapp_audit_fail".into()),
            ("Reason", "1:页面<a>缺少]]>内容".into()),
        ]);
        let push = Push::parse(&xml).unwrap();
        assert_eq!(push.kind, "weapp_audit_fail");
        assert_eq!(push.field("Reason"), Some("1:页面<a>缺少]]>内容"));
    }
}
