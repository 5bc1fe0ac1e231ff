//! WeChat open-platform protocol library: no Leptos, no database.
//!
//! * [`client`]: HTTP client with token injection and the retry policy;
//! * [`api`]: typed requests/responses for every endpoint the console uses;
//! * [`crypto`]: WXBizMsgCrypt for callbacks; [`events`]: decrypted pushes;
//! * [`errcode`]: the catalogue of error codes in Chinese and English;
//! * [`simulator`]: a stateful stand-in for WeChat, served over real HTTP;
//! * [`wire`]: WeChat's wire types and path rules with no I/O (the crate
//!   `wechat_wire`, which the console's browser bundle uses too).

pub mod api;
pub mod client;
pub mod crypto;
pub mod errcode;
pub mod events;
pub mod simulator;

pub use client::{Client, Error, TokenKey, TokenSource};
pub use wechat_wire as wire;

use serde::{Deserialize, Serialize};

/// The production API host used in real mode.
pub const REAL_API_BASE: &str = "https://api.weixin.qq.com";

/// Whether the console talks to the built-in simulator or to WeChat itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WechatMode {
    Simulator,
    Real,
}

impl std::str::FromStr for WechatMode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "simulator" | "sim" => Ok(Self::Simulator),
            "real" => Ok(Self::Real),
            other => Err(format!("expected `simulator` or `real`, got `{other}`")),
        }
    }
}

/// WeChat AppIDs are `wx` followed by 16 lowercase hex digits.
pub fn is_valid_appid(appid: &str) -> bool {
    appid.len() == 18
        && appid.starts_with("wx")
        && appid[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The 43-character EncodingAESKey is base64 of a 32-byte key without its `=`.
pub fn is_valid_encoding_aes_key(key: &str) -> bool {
    key.len() == 43
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_parses_case_insensitively() {
        assert_eq!("Simulator".parse::<WechatMode>(), Ok(WechatMode::Simulator));
        assert_eq!("real".parse::<WechatMode>(), Ok(WechatMode::Real));
        assert!("prod".parse::<WechatMode>().is_err());
    }

    #[test]
    fn appid_shape() {
        assert!(is_valid_appid("wx0123456789abcdef"));
        assert!(!is_valid_appid("wx0123456789ABCDEF"));
        assert!(!is_valid_appid("wx0123"));
        assert!(!is_valid_appid("xx0123456789abcdef"));
    }

    #[test]
    fn aes_key_shape() {
        assert!(is_valid_encoding_aes_key(&"a".repeat(43)));
        assert!(!is_valid_encoding_aes_key(&"a".repeat(44)));
        assert!(!is_valid_encoding_aes_key(&format!("{}=", "a".repeat(42))));
    }
}
