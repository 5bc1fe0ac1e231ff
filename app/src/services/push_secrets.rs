//! Credentials inside stored pushes. The inbox keeps every push for replay, but a verify
//! ticket or an authorization code must not sit in the database in clear: their values
//! are sealed (AES-256-GCM, like refresh tokens) when a push is stored, opened again only
//! to process or replay it, and shown masked.

use super::secrets::SecretBox;

/// Push fields whose values are credentials.
pub const SECRET_FIELDS: [&str; 2] = ["ComponentVerifyTicket", "AuthorizationCode"];

/// What the inbox shows in place of a sealed value.
pub const MASK: &str = "[encrypted / 已加密]";

/// Rewrites the text of every `<Field>…</Field>` named in [`SECRET_FIELDS`] (CDATA or not).
fn map_fields(xml: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = xml.to_owned();
    for name in SECRET_FIELDS {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let mut from = 0;
        while let Some(start) = out[from..].find(&open).map(|i| from + i + open.len()) {
            let Some(end) = out[start..].find(&close).map(|i| start + i) else {
                break;
            };
            let inner = &out[start..end];
            let replaced = match inner
                .strip_prefix("<![CDATA[")
                .and_then(|v| v.strip_suffix("]]>"))
            {
                Some(value) => format!("<![CDATA[{}]]>", f(value)),
                None => f(inner),
            };
            out.replace_range(start..end, &replaced);
            from = start + replaced.len() + close.len();
        }
    }
    out
}

/// Before storing: credentials sealed.
pub fn seal(xml: &str, secrets: &SecretBox) -> String {
    map_fields(xml, |v| {
        if v.is_empty() {
            String::new()
        } else {
            secrets.seal(v)
        }
    })
}

/// To process or replay: credentials in clear again. A value that does not open (another
/// key, or stored before sealing) is left as it is.
pub fn open(xml: &str, secrets: &SecretBox) -> String {
    map_fields(xml, |v| secrets.open(v).unwrap_or_else(|_| v.to_owned()))
}

/// For people: credentials replaced by [`MASK`], whether sealed or not.
pub fn mask(xml: &str) -> String {
    map_fields(xml, |v| {
        if v.is_empty() {
            String::new()
        } else {
            MASK.to_owned()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICKET_PUSH: &str = "<xml><AppId><![CDATA[wx0123456789abcdef]]></AppId>\
        <CreateTime>1413192605</CreateTime><InfoType><![CDATA[component_verify_ticket]]></InfoType>\
        <ComponentVerifyTicket><![CDATA[ticket@@@secret-value]]></ComponentVerifyTicket></xml>";
    const AUTH_PUSH: &str = "<xml><InfoType>authorized</InfoType>\
        <AuthorizationCode>queryauthcode@@@abc</AuthorizationCode>\
        <PreAuthCode>preauthcode@@@xyz</PreAuthCode></xml>";

    #[test]
    fn credentials_are_sealed_and_open_again() {
        let secrets = SecretBox::new(&[3u8; 32]).unwrap();
        for push in [TICKET_PUSH, AUTH_PUSH] {
            let stored = seal(push, &secrets);
            assert!(!stored.contains("secret-value") && !stored.contains("queryauthcode"));
            assert!(stored.contains("v1:"));
            assert_eq!(open(&stored, &secrets), push);
            let shown = mask(&stored);
            assert!(shown.contains(MASK) && !shown.contains("v1:"));
        }
        // The pre-auth code is what binds a push to its request; it stays readable.
        assert!(seal(AUTH_PUSH, &secrets).contains("preauthcode@@@xyz"));
    }

    #[test]
    fn malformed_and_repeated_fields_never_panic() {
        let secrets = SecretBox::new(&[3u8; 32]).unwrap();
        let odd = "<ComponentVerifyTicket>a</ComponentVerifyTicket><ComponentVerifyTicket>\
                   <![CDATA[b]]></ComponentVerifyTicket><AuthorizationCode>unclosed";
        let stored = seal(odd, &secrets);
        assert_eq!(stored.matches("v1:").count(), 2);
        assert_eq!(open(&stored, &secrets), odd);
        assert_eq!(
            mask("<AuthorizationCode></AuthorizationCode>"),
            "<AuthorizationCode></AuthorizationCode>"
        );
        assert_eq!(
            open("<AuthorizationCode>legacy</AuthorizationCode>", &secrets),
            "<AuthorizationCode>legacy</AuthorizationCode>"
        );
    }
}
