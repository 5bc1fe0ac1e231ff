//! The callbacks inbox: its filters and what each outcome means.

use super::pagination::{filter_text, PageRequest, FILTER_MAX_CHARS};
use serde::{Deserialize, Serialize};

/// Push kinds the console acts on; anything else is kept as `ignored`.
pub const KNOWN_KINDS: [&str; 7] = [
    "component_verify_ticket",
    "authorized",
    "updateauthorized",
    "unauthorized",
    "weapp_audit_success",
    "weapp_audit_fail",
    "weapp_audit_delay",
];

pub const OUTCOMES: [&str; 5] = ["received", "processing", "processed", "ignored", "failed"];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CallbackQuery {
    pub kind: String,
    pub appid: String,
    pub outcome: String,
    pub page: PageRequest,
}

impl CallbackQuery {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            kind: filter_text(&get("kind").unwrap_or_default(), FILTER_MAX_CHARS),
            appid: filter_text(&get("appid").unwrap_or_default(), FILTER_MAX_CHARS),
            outcome: get("outcome")
                .filter(|o| OUTCOMES.contains(&o.as_str()))
                .unwrap_or_default(),
            page: PageRequest::from_params(get("page").as_deref(), get("per_page").as_deref()),
        }
    }

    /// Re-applies the bounds to a query that arrived as JSON.
    pub fn normalized(self) -> Self {
        Self {
            kind: filter_text(&self.kind, FILTER_MAX_CHARS),
            appid: filter_text(&self.appid, FILTER_MAX_CHARS),
            outcome: if OUTCOMES.contains(&self.outcome.as_str()) {
                self.outcome
            } else {
                String::new()
            },
            page: PageRequest::new(self.page.page, self.page.per_page),
        }
    }

    pub fn page_size(&self) -> i64 {
        self.page.limit()
    }

    pub fn offset(&self) -> i64 {
        self.page.offset()
    }

    /// URL parameters for links (the page number given separately).
    pub fn to_params(&self, page: u32) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        for (k, v) in [
            ("kind", &self.kind),
            ("appid", &self.appid),
            ("outcome", &self.outcome),
        ] {
            if !v.is_empty() {
                params.push((k, v.clone()));
            }
        }
        if page > 1 {
            params.push(("page", page.to_string()));
        }
        if self.page.per_page != super::pagination::DEFAULT_PER_PAGE {
            params.push(("per_page", self.page.per_page.to_string()));
        }
        params
    }
}

enum XmlToken<'a> {
    Open(&'a str),
    Close(&'a str),
    /// Self-closing elements, declarations, comments.
    Single(&'a str),
    /// Text or a CDATA section, kept verbatim.
    Text(&'a str),
}

fn xml_tokens(xml: &str) -> Option<Vec<XmlToken<'_>>> {
    let mut tokens = Vec::new();
    let mut rest = xml;
    while !rest.is_empty() {
        if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>")? + 3;
            tokens.push(XmlToken::Text(&rest[..end]));
            rest = &rest[end..];
        } else if rest.starts_with("<!--") {
            let end = rest.find("-->")? + 3;
            tokens.push(XmlToken::Single(&rest[..end]));
            rest = &rest[end..];
        } else if rest.starts_with('<') {
            let end = rest.find('>')? + 1;
            let tag = &rest[..end];
            tokens.push(if tag.starts_with("</") {
                XmlToken::Close(tag)
            } else if tag.ends_with("/>") || tag.starts_with("<?") || tag.starts_with("<!") {
                XmlToken::Single(tag)
            } else {
                XmlToken::Open(tag)
            });
            rest = &rest[end..];
        } else {
            let end = rest.find('<').unwrap_or(rest.len());
            let text = &rest[..end];
            if !text.trim().is_empty() {
                tokens.push(XmlToken::Text(text));
            }
            rest = &rest[end..];
        }
    }
    Some(tokens)
}

/// A push's XML with one element per line, indented; leaves stay on one line and text and
/// CDATA are kept verbatim. Anything that does not tokenize is returned unchanged.
pub fn pretty_xml(xml: &str) -> String {
    let Some(tokens) = xml_tokens(xml.trim()) else {
        return xml.to_owned();
    };
    let mut out = String::with_capacity(xml.len() + 64);
    let mut depth = 0usize;
    let mut i = 0;
    let line = |out: &mut String, depth: usize, text: &str| {
        out.push_str(&"  ".repeat(depth));
        out.push_str(text);
        out.push('\n');
    };
    while i < tokens.len() {
        match tokens[i] {
            XmlToken::Open(tag) => {
                // A leaf: <Tag>text</Tag> on one line.
                let texts = tokens[i + 1..]
                    .iter()
                    .take_while(|t| matches!(t, XmlToken::Text(_)))
                    .count();
                if let Some(XmlToken::Close(close)) = tokens.get(i + 1 + texts) {
                    let inner: String = tokens[i + 1..i + 1 + texts]
                        .iter()
                        .map(|t| match t {
                            XmlToken::Text(s) => *s,
                            _ => "",
                        })
                        .collect();
                    line(&mut out, depth, &format!("{tag}{inner}{close}"));
                    i += texts + 2;
                    continue;
                }
                line(&mut out, depth, tag);
                depth += 1;
            }
            XmlToken::Close(tag) => {
                depth = depth.saturating_sub(1);
                line(&mut out, depth, tag);
            }
            XmlToken::Single(tag) => line(&mut out, depth, tag),
            XmlToken::Text(text) => line(&mut out, depth, text.trim()),
        }
        i += 1;
    }
    out.truncate(out.trim_end().len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_outcomes_are_dropped_and_text_is_bounded() {
        let q = CallbackQuery::from_params(|k| match k {
            "outcome" => Some("exploded".into()),
            "kind" => Some(format!("  {}  ", "k".repeat(100))),
            "page" => Some("3".into()),
            _ => None,
        });
        assert_eq!(q.outcome, "");
        assert_eq!(q.kind.len(), 64);
        assert_eq!(q.page.page, 3);
        assert_eq!(q.to_params(3)[1], ("page", "3".to_string()));
    }

    #[test]
    fn json_queries_are_normalized() {
        let q = CallbackQuery {
            outcome: "processed".into(),
            page: PageRequest {
                page: 0,
                per_page: 7,
            },
            ..Default::default()
        }
        .normalized();
        assert_eq!(q.outcome, "processed");
        assert_eq!(q.page.page, 1);
        assert_eq!(q.page.per_page, 20);
    }

    #[test]
    fn pushes_are_pretty_printed_one_element_per_line() {
        let xml = "<xml><AppId><![CDATA[wx1]]></AppId><CreateTime>1</CreateTime>\n<Info><A>x</A><B/></Info></xml>";
        assert_eq!(
            pretty_xml(xml),
            "<xml>\n  <AppId><![CDATA[wx1]]></AppId>\n  <CreateTime>1</CreateTime>\n  <Info>\n    <A>x</A>\n    <B/>\n  </Info>\n</xml>"
        );
        assert_eq!(pretty_xml("<xml><![CDATA[<b>]]"), "<xml><![CDATA[<b>]]");
        assert_eq!(pretty_xml("not xml"), "not xml");
    }
}
