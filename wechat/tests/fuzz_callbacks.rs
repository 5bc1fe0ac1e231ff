//! Property tests ("fuzzing") of what a stranger can send to the callback URLs: the XML
//! envelope parser, the signature check, the decryptor and the parser of the decrypted push.
//! None of them may panic on any input, a forged or altered push is never accepted, and what
//! the console encrypts it decrypts unchanged.
//!
//! CI runs a few hundred cases per property (`cargo test`); to fuzz for longer:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --workspace --test fuzz_callbacks
//! ```
//!
//! A failing case is shrunk and printed, and kept in `proptest-regressions/` next to this
//! file so the next run tries it first (commit that file with the fix).

use proptest::prelude::*;
use wechat::crypto::{encrypted_xml, parse_encrypted_envelope, xml_fields, CryptoError, MsgCrypt};
use wechat::events::{build_xml, Push};

const TOKEN: &str = "fuzz-token";
const KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const APPID: &str = "wx5ac1a7a7c0de0001";

fn crypt() -> MsgCrypt {
    MsgCrypt::new(TOKEN, KEY, APPID).expect("valid key")
}

/// A few hundred cases by default; `PROPTEST_CASES` sets any other count.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 256;
    }
    config
}

/// Pieces that XML parsers trip over, concatenated at random: elements, CDATA (also
/// unterminated), references (known, numeric, out of range, unknown), comments, processing
/// instructions, DOCTYPEs, stray brackets and text.
fn xmlish() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        Just("xml".to_owned()),
        Just("Encrypt".to_owned()),
        Just("ToUserName".to_owned()),
        Just("AppId".to_owned()),
        Just("InfoType".to_owned()),
        Just("ComponentVerifyTicket".to_owned()),
        "[A-Za-z_][A-Za-z0-9_:.-]{0,8}",
    ];
    let piece = prop_oneof![
        name.clone().prop_map(|n| format!("<{n}>")),
        name.clone().prop_map(|n| format!("</{n}>")),
        name.prop_map(|n| format!("<{n}/>")),
        ".{0,12}".prop_map(|t| format!("<![CDATA[{t}]]>")),
        ".{0,12}".prop_map(|t| format!("<![CDATA[{t}")),
        Just("]]>".to_owned()),
        prop_oneof![
            Just("&amp;"),
            Just("&lt;"),
            Just("&#0;"),
            Just("&#x110000;"),
            Just("&#xD800;"),
            Just("&#99999999999;"),
            Just("&unknown;"),
            Just("&"),
            Just("&#;")
        ]
        .prop_map(str::to_owned),
        ".{0,12}".prop_map(|t| format!("<!--{t}-->")),
        Just("<?xml version=\"1.0\"?>".to_owned()),
        Just("<!DOCTYPE xml [<!ENTITY a \"aaaa\">]>".to_owned()),
        Just("<".to_owned()),
        Just(">".to_owned()),
        "[^<&]{0,16}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Text that survives an XML round trip unchanged: no control characters (XML 1.0 has no
/// way to carry most of them and normalises `\r`), no surrounding whitespace (fields are
/// trimmed).
fn field_text() -> &'static str {
    "[^\\p{Cc}\\s]([^\\p{Cc}]{0,40}[^\\p{Cc}\\s])?"
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn envelope_and_push_parsers_never_panic_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_encrypted_envelope(&text);
        let _ = xml_fields(&text);
        let _ = Push::parse(&text);
    }

    #[test]
    fn envelope_and_push_parsers_never_panic_on_xmlish_text(xml in xmlish()) {
        let _ = parse_encrypted_envelope(&xml);
        let _ = xml_fields(&xml);
        if let Ok(push) = Push::parse(&xml) {
            // Whatever is found can be looked up again.
            for (name, _) in &push.fields {
                prop_assert!(push.field(name).is_some());
            }
        }
        let wrapped = format!("<xml>{xml}</xml>");
        let _ = parse_encrypted_envelope(&wrapped);
        let _ = Push::parse(&wrapped);
    }

    #[test]
    fn decrypt_never_panics_on_any_payload(payload in ".{0,200}") {
        let _ = crypt().decrypt(&payload);
    }

    #[test]
    fn decrypt_never_panics_on_well_formed_ciphertext(
        blocks in prop::collection::vec(any::<[u8; 32]>(), 0..12),
    ) {
        use base64::Engine as _;
        let bytes: Vec<u8> = blocks.concat();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&bytes);
        // Random blocks decrypt to garbage: refused, never accepted, never a panic.
        prop_assert!(crypt().decrypt(&b64).is_err());
    }

    #[test]
    fn decrypt_message_never_panics(
        signature in ".{0,48}",
        timestamp in ".{0,12}",
        nonce in ".{0,12}",
        xml in xmlish(),
    ) {
        // No made-up signature verifies; nothing panics on the way to saying so.
        prop_assert!(crypt().decrypt_message(&signature, &timestamp, &nonce, &xml).is_err());
    }

    #[test]
    fn encrypt_then_decrypt_gives_the_message_back(
        message in ".{0,600}",
        random in any::<[u8; 16]>(),
        timestamp in "[0-9]{1,12}",
        nonce in "[A-Za-z0-9]{1,32}",
    ) {
        let c = crypt();
        let payload = c.encrypt(&message, Some(random)).expect("encrypt");
        prop_assert_eq!(c.decrypt(&payload).expect("decrypt"), message.clone());
        let xml = c.encrypt_reply(&message, &timestamp, &nonce, None).expect("reply");
        let envelope = parse_encrypted_envelope(&xml).expect("own envelope parses");
        let signature = c.signature(&timestamp, &nonce, &envelope.encrypt);
        prop_assert_eq!(
            c.decrypt_message(&signature, &timestamp, &nonce, &xml).expect("decrypt_message"),
            message
        );
    }

    #[test]
    fn a_forged_or_altered_push_is_refused(
        message in ".{1,300}",
        forged in "[0-9a-f]{40}",
        flip in any::<prop::sample::Index>(),
        timestamp in "[0-9]{1,12}",
        nonce in "[A-Za-z0-9]{1,32}",
    ) {
        let c = crypt();
        let encrypt = c.encrypt(&message, None).expect("encrypt");
        let genuine = c.signature(&timestamp, &nonce, &encrypt);
        // A signature made up without the token.
        if forged != genuine {
            let xml = encrypted_xml(&encrypt, &forged, &timestamp, &nonce);
            prop_assert_eq!(
                c.decrypt_message(&forged, &timestamp, &nonce, &xml),
                Err(CryptoError::SignatureMismatch)
            );
        }
        // The genuine signature on an altered ciphertext.
        let mut altered = encrypt.clone().into_bytes();
        let i = flip.index(altered.len());
        altered[i] = if altered[i] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).expect("ASCII");
        let xml = encrypted_xml(&altered, &genuine, &timestamp, &nonce);
        prop_assert_eq!(
            c.decrypt_message(&genuine, &timestamp, &nonce, &xml),
            Err(CryptoError::SignatureMismatch)
        );
        // The genuine signature with another timestamp or nonce (a replay made to look new).
        let later = format!("{timestamp}1");
        let xml = encrypted_xml(&encrypt, &genuine, &later, &nonce);
        prop_assert_eq!(
            c.decrypt_message(&genuine, &later, &nonce, &xml),
            Err(CryptoError::SignatureMismatch)
        );
    }

    #[test]
    fn a_push_for_another_platform_is_refused(message in ".{0,200}") {
        let other = MsgCrypt::new(TOKEN, KEY, "wx0123456789abcdef").expect("valid key");
        let payload = other.encrypt(&message, None).expect("encrypt");
        let refused = matches!(
            crypt().decrypt(&payload),
            Err(CryptoError::AppIdMismatch { .. })
        );
        prop_assert!(refused);
    }

    #[test]
    fn built_pushes_parse_back_to_their_fields(
        fields in prop::collection::vec(("[A-Za-z][A-Za-z0-9_]{0,15}", field_text()), 0..12),
    ) {
        let borrowed: Vec<(&str, String)> =
            fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        let xml = build_xml(&borrowed);
        let push = Push::parse(&xml).expect("a built push parses");
        prop_assert_eq!(push.fields, fields);
    }
}
