//! What a forger of WeChat pushes can do at the callback URLs: nothing (issue 10, item 5 and
//! the forgery cases). Oversized bodies are refused with 413 before anything is verified or
//! decrypted; forged, altered, misdirected and unencrypted pushes are refused with 400; none
//! of them is stored.

use crate::helpers::{client, spawn_app, TestApp};
use app::services::demo::demo_appid;
use wechat::crypto::{encrypted_xml, MsgCrypt};
use wechat::simulator::SimConfig;

const TIMESTAMP: &str = "1700000000";
const NONCE: &str = "424242";
const LIMIT: usize = 64 * 1024;

fn sim_crypt() -> MsgCrypt {
    let c = SimConfig::demo();
    MsgCrypt::new(c.message_token, &c.encoding_aes_key, c.component_appid).expect("crypt")
}

fn ticket_xml(ticket: &str) -> String {
    let appid = SimConfig::demo().component_appid;
    format!(
        "<xml><AppId><![CDATA[{appid}]]></AppId><CreateTime>1700000000</CreateTime>\
         <InfoType><![CDATA[component_verify_ticket]]></InfoType>\
         <ComponentVerifyTicket><![CDATA[{ticket}]]></ComponentVerifyTicket></xml>"
    )
}

async fn post(app: &TestApp, path: &str, msg_signature: &str, body: String) -> (u16, String) {
    let res = client()
        .post(app.url(&format!(
            "{path}?timestamp={TIMESTAMP}&nonce={NONCE}&encrypt_type=aes&msg_signature={msg_signature}"
        )))
        .header("content-type", "text/xml")
        .body(body)
        .send()
        .await
        .expect("push");
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

/// A push encrypted and signed exactly as WeChat does it.
fn sealed(crypt: &MsgCrypt, xml: &str) -> (String, String) {
    let encrypt = crypt.encrypt(xml, None).expect("encrypt");
    let signature = crypt.signature(TIMESTAMP, NONCE, &encrypt);
    let body = encrypted_xml(&encrypt, &signature, TIMESTAMP, NONCE);
    (signature, body)
}

/// Stored pushes bigger than any WeChat sends (the simulator's own ticket pushes may arrive meanwhile).
async fn stored(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM wechat_callbacks WHERE LENGTH(payload) > 16384")
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

fn callback_urls() -> [String; 2] {
    [
        "/wechat/callback".to_owned(),
        format!("/wechat/callback/{}", demo_appid(4)),
    ]
}

#[tokio::test]
async fn oversized_pushes_are_refused_before_decrypting() {
    let app = spawn_app().await;
    let crypt = sim_crypt();
    let before = stored(&app).await;
    for path in callback_urls() {
        // Correctly signed and encrypted, but far bigger than any push WeChat sends.
        let (signature, body) = sealed(&crypt, &ticket_xml(&"t".repeat(LIMIT * 2)));
        assert!(body.len() > LIMIT);
        let (status, text) = post(&app, &path, &signature, body).await;
        assert_eq!(
            status, 413,
            "{path}: a signed push over 64 KiB answered {status} {text}"
        );
        // Unsigned garbage of 1 MiB: the size decides, before the signature is looked at.
        let (status, _) = post(&app, &path, "0", "x".repeat(1024 * 1024)).await;
        assert_eq!(status, 413, "{path}: 1 MiB of garbage answered {status}");
    }
    assert_eq!(stored(&app).await, before, "an oversized push was stored");
    // An ordinary push still goes through.
    let (signature, body) = sealed(&crypt, &ticket_xml("ticket@@@ordinary"));
    assert_eq!(
        post(&app, "/wechat/callback", &signature, body).await,
        (200, "success".to_owned())
    );
}

#[tokio::test]
async fn forged_altered_and_misdirected_pushes_are_refused_and_not_stored() {
    let app = spawn_app().await;
    let crypt = sim_crypt();
    let demo = SimConfig::demo();
    let before = stored(&app).await;
    let xml = ticket_xml("ticket@@@forged");
    for path in callback_urls() {
        let encrypt = crypt.encrypt(&xml, None).expect("encrypt");
        let genuine = crypt.signature(TIMESTAMP, NONCE, &encrypt);
        // A made-up signature.
        let mut cases: Vec<(&str, String, String)> = vec![(
            "made-up signature",
            "0123456789abcdef0123456789abcdef01234567".to_owned(),
            encrypted_xml(&encrypt, "x", TIMESTAMP, NONCE),
        )];
        // The genuine signature on an altered ciphertext.
        let mut altered = encrypt.clone().into_bytes();
        altered[10] = if altered[10] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ASCII");
        cases.push((
            "altered ciphertext",
            genuine.clone(),
            encrypted_xml(&altered, &genuine, TIMESTAMP, NONCE),
        ));
        // Signed with the right token but encrypted with another key.
        let other_key = MsgCrypt::new(
            demo.message_token.clone(),
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
            demo.component_appid.clone(),
        )
        .expect("crypt");
        let (signature, body) = sealed(&other_key, &xml);
        cases.push(("another AES key", signature, body));
        // Encrypted and signed correctly, but for another platform's AppId.
        let other_platform = MsgCrypt::new(
            demo.message_token.clone(),
            &demo.encoding_aes_key,
            "wx0123456789abcdef",
        )
        .expect("crypt");
        let (signature, body) = sealed(&other_platform, &xml);
        cases.push(("another platform's AppId", signature, body));
        // Signed with another token.
        let other_token = MsgCrypt::new(
            "not-the-token",
            &demo.encoding_aes_key,
            demo.component_appid.clone(),
        )
        .expect("crypt");
        let (signature, body) = sealed(&other_token, &xml);
        cases.push(("another token", signature, body));
        // The plaintext alone (compatibility mode without the encrypted copy).
        cases.push(("plaintext only", genuine.clone(), xml.clone()));
        // Two Encrypt elements: which one was signed is ambiguous.
        cases.push((
            "two Encrypt elements",
            genuine.clone(),
            format!("<xml><Encrypt>{encrypt}</Encrypt><Encrypt>{altered}</Encrypt></xml>"),
        ));
        for (what, signature, body) in cases {
            let (status, text) = post(&app, &path, &signature, body).await;
            assert_eq!(status, 400, "{path}, {what}: {status} {text}");
        }
        // The genuine push, replayed with another timestamp in the query.
        let res = client()
            .post(app.url(&format!(
                "{path}?timestamp=1700000001&nonce={NONCE}&encrypt_type=aes&msg_signature={genuine}"
            )))
            .body(encrypted_xml(&encrypt, &genuine, TIMESTAMP, NONCE))
            .send()
            .await
            .expect("push");
        assert_eq!(res.status(), 400, "{path}, replay with a new timestamp");
    }
    assert_eq!(stored(&app).await, before, "a refused push was stored");
}
