//! Secrets at rest (authorizer refresh tokens): AES-256-GCM with a random
//! 96-bit nonce per value, stored as `v1:` + base64(nonce || ciphertext).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use rand::RngCore;

const PREFIX: &str = "v1:";

#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([REDACTED])")
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the secret key must be 32 bytes")]
    KeyLength,
    #[error("stored secret is malformed")]
    Malformed,
    #[error("stored secret does not open with this key (was WXA_SECRET_KEY changed?)")]
    WrongKey,
}

impl SecretBox {
    pub fn new(key: &[u8]) -> Result<Self, SecretError> {
        let cipher = Aes256Gcm::new_from_slice(key).map_err(|_| SecretError::KeyLength)?;
        Ok(Self { cipher })
    }

    pub fn seal(&self, plain: &str) -> String {
        let mut nonce = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut nonce);
        // Encryption with a valid key and in-memory buffers cannot fail.
        let sealed = self
            .cipher
            .encrypt(&Nonce::from(nonce), plain.as_bytes())
            .unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!(
            "{PREFIX}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        )
    }

    pub fn open(&self, stored: &str) -> Result<String, SecretError> {
        let body = stored.strip_prefix(PREFIX).ok_or(SecretError::Malformed)?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(body)
            .map_err(|_| SecretError::Malformed)?;
        if bytes.len() < 12 + 16 {
            return Err(SecretError::Malformed);
        }
        let (nonce, sealed) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| SecretError::Malformed)?;
        let plain = self
            .cipher
            .decrypt(&Nonce::from(nonce), sealed)
            .map_err(|_| SecretError::WrongKey)?;
        String::from_utf8(plain).map_err(|_| SecretError::Malformed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_never_repeats_a_ciphertext() {
        let secret = SecretBox::new(&[7u8; 32]).unwrap();
        let a = secret.seal("refreshtoken@@@abc");
        let b = secret.seal("refreshtoken@@@abc");
        assert_ne!(a, b);
        assert!(!a.contains("refreshtoken"));
        assert_eq!(secret.open(&a).unwrap(), "refreshtoken@@@abc");
    }

    #[test]
    fn wrong_key_and_tampering_are_detected() {
        let secret = SecretBox::new(&[7u8; 32]).unwrap();
        let other = SecretBox::new(&[8u8; 32]).unwrap();
        let sealed = secret.seal("x");
        assert_eq!(other.open(&sealed), Err(SecretError::WrongKey));
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 3;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(secret.open(&tampered).is_err());
        assert_eq!(secret.open("plain"), Err(SecretError::Malformed));
        assert_eq!(
            SecretBox::new(&[1u8; 16]).err(),
            Some(SecretError::KeyLength)
        );
    }
}
