//! WXBizMsgCrypt: the message encryption WeChat uses on open-platform
//! callbacks (authorization events, `component_verify_ticket`, and messages
//! pushed on behalf of authorized accounts) and on encrypted replies.
//!
//! The scheme, as implemented by WeChat's official samples and by the public
//! SDKs the tests draw vectors from:
//!
//! * `msg_signature = hex(sha1(concat(sort([token, timestamp, nonce, encrypt]))))`
//! * `key = base64_decode(EncodingAESKey + "=")` (32 bytes), `iv = key[..16]`
//! * `plaintext = random(16) || be_u32(len(msg)) || msg || appid`
//! * PKCS#7 padding to a multiple of **32** bytes (not AES's 16), then
//!   AES-256-CBC, then standard base64.
//!
//! AES-CBC gives no integrity, so callers must check `msg_signature` before
//! trusting a decrypted message: [`MsgCrypt::decrypt_message`] does both.

use std::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::{alphabet, Engine as _};
use cbc::cipher::{Block, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use quick_xml::events::Event;
use quick_xml::Reader;
use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

type Aes256CbcEnc = cbc::Encryptor<aes::Aes256>;
type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// WeChat pads to 32-byte blocks even though AES blocks are 16 bytes.
const PAD_BLOCK: usize = 32;
/// Length of the random prefix in the plaintext.
const RANDOM_LEN: usize = 16;
/// Random prefix plus the big-endian `u32` message length.
const HEADER_LEN: usize = RANDOM_LEN + 4;

/// The EncodingAESKey is 43 characters: 32 bytes of base64 minus its `=`.
/// WeChat generates keys whose last character may carry non-zero trailing
/// bits (the official samples decode leniently), so the strict default
/// engine would reject real keys such as the sample `…ABCDEFG`.
const KEY_ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
);

/// Everything that can go wrong building a [`MsgCrypt`] or opening a message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("EncodingAESKey must be 43 base64 characters that decode to 32 bytes")]
    InvalidAesKey,
    #[error("ciphertext is not valid base64")]
    InvalidBase64,
    #[error("ciphertext is {0} bytes; expected a non-zero multiple of 32")]
    InvalidLength(usize),
    #[error("PKCS#7 padding of the decrypted message is malformed")]
    InvalidPadding,
    #[error("decrypted message has {0} bytes, too short for the random prefix and length field")]
    TruncatedHeader(usize),
    #[error("declared message length {declared} exceeds the {available} bytes available")]
    LengthOverflow { declared: usize, available: usize },
    #[error("message is encrypted for AppId `{found}`, expected `{expected}`")]
    AppIdMismatch { expected: String, found: String },
    #[error("decrypted message is not valid UTF-8")]
    InvalidUtf8,
    #[error("message of {0} bytes does not fit the 32-bit length field")]
    MessageTooLong(usize),
    #[error("msg_signature does not match")]
    SignatureMismatch,
    #[error("malformed XML envelope: {0}")]
    Xml(String),
    #[error("XML envelope has no <{0}> element")]
    MissingElement(&'static str),
    #[error("XML envelope has more than one <{0}> element")]
    DuplicateElement(&'static str),
}

/// Token, AES key and AppId of one open-platform (component) configuration.
#[derive(Clone)]
pub struct MsgCrypt {
    token: String,
    aes_key: [u8; 32],
    appid: String,
}

// Hand-written so the token and key never reach logs through `{:?}`.
impl fmt::Debug for MsgCrypt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MsgCrypt")
            .field("token", &"<redacted>")
            .field("aes_key", &"<redacted>")
            .field("appid", &self.appid)
            .finish()
    }
}

impl MsgCrypt {
    /// Builds the cipher from the platform's Token, the 43-character
    /// EncodingAESKey and the AppId that messages are encrypted for.
    pub fn new(
        token: impl Into<String>,
        encoding_aes_key: &str,
        appid: impl Into<String>,
    ) -> Result<Self, CryptoError> {
        Ok(Self {
            token: token.into(),
            aes_key: decode_aes_key(encoding_aes_key)?,
            appid: appid.into(),
        })
    }

    /// The AppId this cipher encrypts for and expects inside messages.
    pub fn appid(&self) -> &str {
        &self.appid
    }

    /// `msg_signature` for an encrypted payload.
    pub fn signature(&self, timestamp: &str, nonce: &str, encrypt: &str) -> String {
        sha1_signature([self.token.as_str(), timestamp, nonce, encrypt])
    }

    /// Checks a received `msg_signature` without leaking, through timing,
    /// how much of a forged signature was right.
    pub fn verify_signature(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        encrypt: &str,
    ) -> bool {
        let expected = self.signature(timestamp, nonce, encrypt);
        // Slices of different lengths compare unequal; the length of a SHA-1
        // hex digest is public anyway.
        expected.as_bytes().ct_eq(msg_signature.as_bytes()).into()
    }

    /// Checks the plain `signature` (token, timestamp, nonce) WeChat sends when
    /// it verifies a callback URL, in constant time.
    pub fn verify_plain_signature(&self, signature: &str, timestamp: &str, nonce: &str) -> bool {
        let expected = sha1_signature([self.token.as_str(), timestamp, nonce]);
        expected.as_bytes().ct_eq(signature.as_bytes()).into()
    }

    /// Decrypts the base64 `Encrypt` payload (or an `echostr`).
    ///
    /// This does not authenticate the message: verify `msg_signature` first,
    /// or use [`MsgCrypt::decrypt_message`].
    pub fn decrypt(&self, encrypt_b64: &str) -> Result<String, CryptoError> {
        let mut buf = STANDARD
            .decode(encrypt_b64.trim())
            .map_err(|_| CryptoError::InvalidBase64)?;
        if buf.is_empty() || buf.len() % PAD_BLOCK != 0 {
            return Err(CryptoError::InvalidLength(buf.len()));
        }
        cbc_decrypt(&self.aes_key, &mut buf)?;
        let plain = strip_padding(&buf)?;
        let (message, appid) = split_plaintext(plain)?;
        if appid != self.appid.as_bytes() {
            return Err(CryptoError::AppIdMismatch {
                expected: self.appid.clone(),
                // Under a wrong key this is noise; keep log lines short.
                found: String::from_utf8_lossy(appid).chars().take(64).collect(),
            });
        }
        String::from_utf8(message.to_vec()).map_err(|_| CryptoError::InvalidUtf8)
    }

    /// Encrypts `message` for this AppId and returns the base64 payload.
    ///
    /// `random16` fixes the random prefix (tests reproduce SDK vectors with
    /// it); `None` draws it from `rand`'s thread-local CSPRNG, which is
    /// seeded by the operating system.
    pub fn encrypt(
        &self,
        message: &str,
        random16: Option<[u8; 16]>,
    ) -> Result<String, CryptoError> {
        let random = random16.unwrap_or_else(rand::random);
        let mut buf = build_plaintext(&random, message.as_bytes(), self.appid.as_bytes())?;
        cbc_encrypt(&self.aes_key, &mut buf);
        Ok(STANDARD.encode(&buf))
    }

    /// Opens an encrypted callback body: parses the envelope, checks
    /// `msg_signature` against its `Encrypt`, then decrypts it.
    pub fn decrypt_message(
        &self,
        msg_signature: &str,
        timestamp: &str,
        nonce: &str,
        xml: &str,
    ) -> Result<String, CryptoError> {
        let envelope = parse_encrypted_envelope(xml)?;
        if !self.verify_signature(msg_signature, timestamp, nonce, &envelope.encrypt) {
            return Err(CryptoError::SignatureMismatch);
        }
        self.decrypt(&envelope.encrypt)
    }

    /// Encrypts a reply (or push) and wraps it, signed, in the XML envelope
    /// WeChat expects.
    pub fn encrypt_reply(
        &self,
        message: &str,
        timestamp: &str,
        nonce: &str,
        random16: Option<[u8; 16]>,
    ) -> Result<String, CryptoError> {
        let encrypt = self.encrypt(message, random16)?;
        let signature = self.signature(timestamp, nonce, &encrypt);
        Ok(encrypted_xml(&encrypt, &signature, timestamp, nonce))
    }
}

/// The parts of an encrypted callback body that the protocol needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncryptedEnvelope {
    /// `ToUserName` (messages for an authorized account) or `AppId`
    /// (component pushes such as `component_verify_ticket`), if present.
    pub receiver: Option<String>,
    /// The base64 ciphertext from `Encrypt`.
    pub encrypt: String,
}

/// Extracts `Encrypt` and the receiver (`ToUserName` or `AppId`) from an
/// encrypted callback body. Values may be plain text or CDATA; only direct
/// children of the root element count.
pub fn parse_encrypted_envelope(xml: &str) -> Result<EncryptedEnvelope, CryptoError> {
    let mut fields = EnvelopeFields::default();
    for_each_child_text(xml, |name, value| fields.store(name, value))?;
    fields.finish()
}

/// Builds the encrypted reply/push envelope in the layout of the official
/// samples (`MsgSignature` and `Nonce` as CDATA, `TimeStamp` as text).
pub fn encrypted_xml(encrypt: &str, msg_signature: &str, timestamp: &str, nonce: &str) -> String {
    format!(
        "<xml><Encrypt>{}</Encrypt><MsgSignature>{}</MsgSignature>\
         <TimeStamp>{}</TimeStamp><Nonce>{}</Nonce></xml>",
        cdata(encrypt),
        cdata(msg_signature),
        quick_xml::escape::escape(timestamp),
        cdata(nonce),
    )
}

/// The envelope elements we keep; everything else (such as the plaintext
/// copy that compatibility-mode pushes carry) is ignored.
#[derive(Default)]
struct EnvelopeFields {
    encrypt: Option<String>,
    to_user_name: Option<String>,
    app_id: Option<String>,
}

impl EnvelopeFields {
    fn store(&mut self, name: &str, value: String) -> Result<(), CryptoError> {
        let (slot, name) = match name {
            "Encrypt" => (&mut self.encrypt, "Encrypt"),
            "ToUserName" => (&mut self.to_user_name, "ToUserName"),
            "AppId" => (&mut self.app_id, "AppId"),
            _ => return Ok(()),
        };
        // A repeated element is refused rather than silently picking one.
        if slot.is_some() {
            return Err(CryptoError::DuplicateElement(name));
        }
        *slot = Some(value);
        Ok(())
    }

    fn finish(self) -> Result<EncryptedEnvelope, CryptoError> {
        Ok(EncryptedEnvelope {
            encrypt: self.encrypt.ok_or(CryptoError::MissingElement("Encrypt"))?,
            receiver: self.to_user_name.or(self.app_id),
        })
    }
}

/// Calls `visit` with the name and trimmed text of each direct child of the
/// root element, concatenating the text, CDATA and references inside it.
/// The direct children of the root element as `(name, text)` pairs, in order
/// (a decrypted push is a flat XML document).
pub fn xml_fields(xml: &str) -> Result<Vec<(String, String)>, CryptoError> {
    let mut fields = Vec::new();
    for_each_child_text(xml, |name, value| {
        fields.push((name.to_owned(), value));
        Ok(())
    })?;
    Ok(fields)
}

fn for_each_child_text(
    xml: &str,
    mut visit: impl FnMut(&str, String) -> Result<(), CryptoError>,
) -> Result<(), CryptoError> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut child: Option<(String, String)> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| CryptoError::Xml(e.to_string()))?;
        match event {
            Event::Start(start) => {
                depth += 1;
                if depth == 2 {
                    child = Some((start.name().as_ref().to_owned(), String::new()));
                }
            }
            Event::End(_) => {
                if depth == 2 {
                    if let Some((name, text)) = child.take() {
                        visit(&name, text.trim().to_owned())?;
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if depth == 2 => push_text(&mut child, &t.xml10_content()),
            Event::CData(c) if depth == 2 => push_text(&mut child, &c.xml10_content()),
            Event::GeneralRef(r) if depth == 2 => push_text(&mut child, &resolve_reference(&r)?),
            // quick-xml does not insist that every element is closed.
            Event::Eof if depth > 0 => {
                return Err(CryptoError::Xml("document ends inside an element".into()));
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn push_text(child: &mut Option<(String, String)>, text: &str) {
    if let Some((_, buf)) = child {
        buf.push_str(text);
    }
}

/// Resolves `&amp;`-style and numeric references; quick-xml reports them as
/// separate events. Unknown entities are an error (no DTD expansion).
fn resolve_reference(r: &quick_xml::events::BytesRef<'_>) -> Result<String, CryptoError> {
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| CryptoError::Xml(e.to_string()))?
    {
        return Ok(c.to_string());
    }
    let name = r.xml10_content();
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| CryptoError::Xml(format!("unknown entity `&{name};`")))
}

/// CDATA section that stays well-formed even if `text` contains `]]>`.
pub(crate) fn cdata(text: &str) -> String {
    format!("<![CDATA[{}]]>", text.replace("]]>", "]]]]><![CDATA[>"))
}

fn decode_aes_key(encoding_aes_key: &str) -> Result<[u8; 32], CryptoError> {
    if !crate::is_valid_encoding_aes_key(encoding_aes_key) {
        return Err(CryptoError::InvalidAesKey);
    }
    let bytes = KEY_ENGINE
        .decode(format!("{encoding_aes_key}="))
        .map_err(|_| CryptoError::InvalidAesKey)?;
    bytes.try_into().map_err(|_| CryptoError::InvalidAesKey)
}

/// SHA-1 over the lexicographically sorted concatenation, as lowercase hex.
/// Hex SHA-1 of `bytes` (dedupe keys of stored pushes).
pub fn sha1_hex(bytes: &[u8]) -> String {
    to_hex(&Sha1::digest(bytes))
}

/// Hex SHA-1 over the sorted, concatenated parts (both signature kinds use it).
pub fn sha1_signature<const N: usize>(mut parts: [&str; N]) -> String {
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
    }
    to_hex(&hasher.finalize())
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// `random || be_u32(len) || message || appid`, PKCS#7-padded to 32 bytes.
fn build_plaintext(
    random: &[u8; RANDOM_LEN],
    message: &[u8],
    appid: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let declared =
        u32::try_from(message.len()).map_err(|_| CryptoError::MessageTooLong(message.len()))?;
    let content_len = HEADER_LEN + message.len() + appid.len();
    // Always 1..=32 bytes of padding: a full block when already aligned.
    let pad = PAD_BLOCK - content_len % PAD_BLOCK;
    let mut buf = Vec::with_capacity(content_len + pad);
    buf.extend_from_slice(random);
    buf.extend_from_slice(&declared.to_be_bytes());
    buf.extend_from_slice(message);
    buf.extend_from_slice(appid);
    // `pad` is at most 32, so the cast cannot truncate.
    buf.resize(content_len + pad, pad as u8);
    Ok(buf)
}

/// Strict PKCS#7 removal for 32-byte blocks: every padding byte must agree.
fn strip_padding(buf: &[u8]) -> Result<&[u8], CryptoError> {
    let pad = usize::from(*buf.last().ok_or(CryptoError::InvalidPadding)?);
    if pad == 0 || pad > PAD_BLOCK || pad > buf.len() {
        return Err(CryptoError::InvalidPadding);
    }
    let (content, padding) = buf.split_at(buf.len() - pad);
    if padding.iter().any(|&b| usize::from(b) != pad) {
        return Err(CryptoError::InvalidPadding);
    }
    Ok(content)
}

/// Splits unpadded plaintext into the message and the trailing AppId.
fn split_plaintext(plain: &[u8]) -> Result<(&[u8], &[u8]), CryptoError> {
    let (header, rest) = plain
        .split_first_chunk::<HEADER_LEN>()
        .ok_or(CryptoError::TruncatedHeader(plain.len()))?;
    let mut len_bytes = [0u8; 4];
    len_bytes.copy_from_slice(&header[RANDOM_LEN..]);
    let declared = usize::try_from(u32::from_be_bytes(len_bytes)).unwrap_or(usize::MAX);
    if declared > rest.len() {
        return Err(CryptoError::LengthOverflow {
            declared,
            available: rest.len(),
        });
    }
    Ok(rest.split_at(declared))
}

fn cbc_encrypt(key: &[u8; 32], buf: &mut [u8]) {
    let (blocks, tail) = Block::<Aes256CbcEnc>::slice_as_chunks_mut(buf);
    debug_assert!(tail.is_empty(), "plaintext is padded to 32-byte blocks");
    Aes256CbcEnc::new(key.into(), &iv(key).into()).encrypt_blocks(blocks);
}

fn cbc_decrypt(key: &[u8; 32], buf: &mut [u8]) -> Result<(), CryptoError> {
    let len = buf.len();
    let (blocks, tail) = Block::<Aes256CbcDec>::slice_as_chunks_mut(buf);
    if !tail.is_empty() {
        return Err(CryptoError::InvalidLength(len));
    }
    Aes256CbcDec::new(key.into(), &iv(key).into()).decrypt_blocks(blocks);
    Ok(())
}

/// WeChat's IV is the first 16 bytes of the key.
fn iv(key: &[u8; 32]) -> [u8; 16] {
    std::array::from_fn(|i| key[i])
}

#[cfg(test)]
mod tests;
