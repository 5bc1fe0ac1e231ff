//! The WeChat platform as the services see it: client, token center, callback
//! crypto and the addresses the authorization flow needs. Built once at start.

use std::sync::Arc;

use wechat::client::CallCtx;
use wechat::crypto::MsgCrypt;
use wechat::Client;

use super::tokens::TokenCenter;

pub struct Platform {
    pub component_appid: String,
    pub client: Client,
    pub tokens: Arc<TokenCenter>,
    /// Opens pushes (token, EncodingAESKey, component appid).
    pub crypt: MsgCrypt,
    /// The page where owners confirm an authorization (WeChat's, or the simulator's).
    pub auth_page: String,
    /// The console's public address, for the authorization redirect.
    pub public_url: String,
    /// The simulator's control API (`…/__sim`) in the embedded default.
    pub simulator_control: Option<String>,
}

impl std::fmt::Debug for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Platform")
            .field("component_appid", &self.component_appid)
            .field("api", &self.client.base())
            .finish()
    }
}

impl Platform {
    /// Context for calls made with the component token.
    pub fn component_ctx(&self) -> CallCtx<'_> {
        CallCtx {
            tokens: self.tokens.as_ref(),
            appid: None,
        }
    }

    /// Context for calls on behalf of one mini program.
    pub fn ctx<'a>(&'a self, appid: &'a str) -> CallCtx<'a> {
        CallCtx {
            tokens: self.tokens.as_ref(),
            appid: Some(appid),
        }
    }

    /// Where the browser comes back after the owner confirmed.
    /// `state` is the request's single-use value: ids are sequential and guessable.
    pub fn redirect_uri(&self, state: &str) -> String {
        format!(
            "{}/wechat/authorized?state={state}",
            self.public_url.trim_end_matches('/')
        )
    }
}
