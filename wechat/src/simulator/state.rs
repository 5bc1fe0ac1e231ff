//! The simulator's world: tokens, authorizers and their per-feature state.
//! Serializable so the embedded default keeps it across restarts.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Deserializer, Serialize};

use super::error::SimError;
use crate::api::code::CategoryItem;

/// How long WeChat's tokens and codes live.
pub const TOKEN_TTL_SECS: i64 = 7200;
/// A replaced access token keeps working this long (WeChat's overlap window).
pub const TOKEN_OVERLAP_SECS: i64 = 300;
pub const TICKET_TTL_SECS: i64 = 12 * 3600;
/// Provisional (see `provisional`): WeChat documents 600 s for the
/// pre-auth code; kept at 1800 because the console sizes its authorization
/// links on it.
pub const PRE_AUTH_CODE_TTL_SECS: i64 = 1800;
/// The authorization code lives 10 minutes: WeChat's open-platform docs,
/// 授权流程技术说明 step 4 (developers.weixin.qq.com/doc/oplatform/
/// Third-party_Platforms/2.0/api/Before_Develop/Authorization_Process_Technical_Description.html):
/// the page redirects to `redirect_url?auth_code=xxx&expires_in=600`. The
/// `authorized` push's `AuthorizationCodeExpiredTime` is the matching
/// instant (authorize_event.html).
pub const AUTH_CODE_TTL_SECS: i64 = 600;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SimState {
    /// Seconds added to the wall clock by `/__sim/advance`.
    pub clock_offset_secs: i64,
    /// Counter for unique ids and tokens.
    pub serial: u64,
    /// Issued verify tickets and when.
    pub tickets: Vec<(String, i64)>,
    /// component_access_token → expiry.
    pub component_tokens: HashMap<String, i64>,
    /// pre_auth_code → (expiry, used).
    pub pre_auth_codes: HashMap<String, (i64, bool)>,
    /// authorization_code → (appid, expiry).
    pub auth_codes: HashMap<String, (String, i64)>,
    /// authorizer access_token → (appid, expiry): the platform's tokens,
    /// issued through the authorization (api_query_auth / api_authorizer_token).
    pub access_tokens: HashMap<String, (String, i64)>,
    /// A mini program's own access_token (`/cgi-bin/token`, AppID + AppSecret)
    /// → (appid, expiry). Kept apart from `access_tokens` because it owes
    /// nothing to the platform: refreshing or cancelling the authorization
    /// leaves it alone, and code management refuses it (86000).
    #[serde(default)]
    pub own_tokens: HashMap<String, (String, i64)>,
    pub authorizers: BTreeMap<String, Authorizer>,
    /// Pushes waiting to be (re)delivered.
    pub outbox: Vec<super::push::Push>,
    /// The platform's code drafts and template library (and audit defaults).
    #[serde(default)]
    pub code_templates: super::code::CodeLibrary,
    /// WeChat users set through the control API (`/__sim/wechat-users`), by WeChat ID; the
    /// built-in demo users ([`super::code::DEMO_WECHAT_IDS`] …) need no entry.
    #[serde(default)]
    pub wechat_users: BTreeMap<String, super::code::WechatUser>,
    /// Plugins (插件): the plugins opened through the control API and every application to
    /// use one, across the simulated accounts (see `code::plugins`).
    #[serde(default)]
    pub plugins: super::code::PluginState,
    /// The platform's registered server and business domains (what modify_domain and
    /// setwebviewdomain accept); a fresh platform has the demo ones
    /// ([`super::code::DEMO_SERVER_DOMAINS`], [`super::code::DEMO_JUMP_DOMAINS`]).
    #[serde(default)]
    pub platform_domains: super::code::PlatformDomains,
}

/// A mini program known to the simulator (created by the authorization page or the control API).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Authorizer {
    pub appid: String,
    pub nick_name: String,
    pub principal_name: String,
    /// Original id, `gh_` + 12 hex digits.
    pub user_name: String,
    /// 0 = WeChat-verified; -1 = not verified.
    pub verify_type: i64,
    pub head_img: String,
    pub signature: String,
    /// Whether the platform currently holds this account's authorization.
    pub authorized: bool,
    pub refresh_token: String,
    pub func_info: Vec<i64>,
    /// The second-level categories set on the account, in `get_category`'s shape.
    #[serde(deserialize_with = "read_categories")]
    pub categories: Vec<CategoryItem>,
    #[serde(default)]
    pub code: super::code::CodeState,
    #[serde(default)]
    pub widget: super::widget::WidgetState,
    #[serde(default)]
    pub templates: super::template::TemplateState,
    #[serde(default)]
    pub subscribe: super::subscribe::SubscribeState,
    /// Testers (体验者) bound to the account, oldest first.
    #[serde(default)]
    pub testers: Vec<super::code::BoundTester>,
    /// What getaccountbasicinfo tells beyond the fields above (principal type, real-name
    /// status, quotas used).
    #[serde(default)]
    pub basic_info: super::basic_info::BasicInfoState,
    /// Server and business domains (modify_domain, setwebviewdomain).
    #[serde(default)]
    pub domains: super::code::DomainState,
}

/// A second-level category as set on an account.
pub fn second_level(first_id: i64, first: &str, second_id: i64, second: &str) -> CategoryItem {
    CategoryItem {
        first_class: first.to_owned(),
        second_class: second.to_owned(),
        first_id,
        second_id,
        ..Default::default()
    }
}

/// Reads an account's categories in WeChat's field names, or in the names the
/// simulator used before (`first_name` / `second_name`), so that an older state
/// file or control call still loads.
fn read_categories<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<CategoryItem>, D::Error> {
    #[derive(Deserialize)]
    struct Stored {
        #[serde(flatten)]
        item: CategoryItem,
        #[serde(default)]
        first_name: Option<String>,
        #[serde(default)]
        second_name: Option<String>,
    }
    let stored = Vec::<Stored>::deserialize(d)?;
    Ok(stored
        .into_iter()
        .map(|s| {
            let mut item = s.item;
            if item.first_class.is_empty() {
                item.first_class = s.first_name.unwrap_or_default();
            }
            if item.second_class.is_empty() {
                item.second_class = s.second_name.unwrap_or_default();
            }
            item
        })
        .collect())
}

/// What the authorization page (or the control API) needs to create an account.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuthorizerProfile {
    #[serde(default)]
    pub appid: Option<String>,
    pub nick_name: String,
    pub principal_name: String,
    #[serde(default)]
    pub verify_type: i64,
    #[serde(default, deserialize_with = "read_categories")]
    pub categories: Vec<CategoryItem>,
}

/// The mini-program function scopes a platform typically asks for; 40 is 插件管理 (the plugin
/// endpoints answer 61007 without it; `POST /__sim/func-info` takes it away).
pub const DEFAULT_FUNC_INFO: [i64; 7] = [17, 18, 19, 25, 30, 31, 40];

impl SimState {
    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// A token-like opaque string, unique within this state.
    pub fn mint(&mut self, prefix: &str) -> String {
        let n = self.next_serial();
        let noise = n
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(17)
            .wrapping_add(self.clock_offset_secs as u64);
        format!("{prefix}{n:06}{noise:016x}")
    }

    pub fn ticket_is_valid(&self, ticket: &str, now: i64) -> Result<(), SimError> {
        match self.tickets.iter().find(|(t, _)| t == ticket) {
            Some((_, issued)) if now - issued <= TICKET_TTL_SECS => Ok(()),
            Some(_) => Err(SimError::new(61005, "component ticket is expired")),
            None => Err(SimError::new(61006, "component ticket is invalid")),
        }
    }

    /// Checks a `component_access_token`.
    pub fn check_component_token(&self, token: Option<&str>, now: i64) -> Result<(), SimError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SimError::new(41001, "access_token missing"))?;
        match self.component_tokens.get(token) {
            Some(expiry) if *expiry > now => Ok(()),
            Some(_) => Err(SimError::new(42001, "access_token expired")),
            None => Err(SimError::new(
                40001,
                "invalid credential, access_token is invalid or not latest",
            )),
        }
    }

    /// 61007 unless the account `appid` granted the platform `permission_set` (权限集); the
    /// account itself otherwise.
    pub fn require_permission_set(
        &self,
        appid: &str,
        permission_set: i64,
    ) -> Result<&Authorizer, SimError> {
        let a = self
            .authorizers
            .get(appid)
            .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
        if a.func_info.contains(&permission_set) {
            Ok(a)
        } else {
            Err(SimError::new(61007, "api is unauthorized to component"))
        }
    }

    /// The authorizer an `access_token` belongs to: a platform token of an
    /// account that is still authorized, or the account's own token.
    pub fn authorizer_appid(&self, token: Option<&str>, now: i64) -> Result<String, SimError> {
        let token = token
            .filter(|t| !t.is_empty())
            .ok_or_else(|| SimError::new(41001, "access_token missing"))?;
        match self.access_tokens.get(token) {
            Some((appid, expiry)) if *expiry > now => {
                match self.authorizers.get(appid) {
                    Some(a) if a.authorized => Ok(appid.clone()),
                    // Tokens die with the authorization.
                    _ => Err(SimError::new(
                        40001,
                        "invalid credential, access_token is invalid or not latest",
                    )),
                }
            }
            Some(_) => Err(SimError::new(42001, "access_token expired")),
            None => self.own_token_appid(token, now),
        }
    }

    /// The mini program behind its own (`/cgi-bin/token`) access token; it
    /// works whether or not the platform holds the authorization.
    fn own_token_appid(&self, token: &str, now: i64) -> Result<String, SimError> {
        match self.own_tokens.get(token) {
            Some((appid, expiry)) if *expiry > now && self.authorizers.contains_key(appid) => {
                Ok(appid.clone())
            }
            Some((_, expiry)) if *expiry <= now => {
                Err(SimError::new(42001, "access_token expired"))
            }
            _ => Err(SimError::new(
                40001,
                "invalid credential, access_token is invalid or not latest",
            )),
        }
    }

    /// Whether `token` is a live own token of a mini program (not the platform's).
    pub fn is_own_token(&self, token: &str, now: i64) -> bool {
        self.own_tokens
            .get(token)
            .is_some_and(|(_, expiry)| *expiry > now)
    }

    /// The account (mini program) a token belongs to, whichever kind it is:
    /// for attributing calls in the log.
    pub fn token_owner(&self, token: &str) -> Option<String> {
        self.access_tokens
            .get(token)
            .or_else(|| self.own_tokens.get(token))
            .map(|(appid, _)| appid.clone())
    }

    /// Issues a mini program's own access token (`/cgi-bin/token`); its
    /// previous own tokens keep working for the overlap window only. The
    /// platform's tokens for the same account are not touched.
    pub fn issue_own_token(&mut self, appid: &str, now: i64) -> String {
        for (owner, expiry) in self.own_tokens.values_mut() {
            if owner == appid {
                *expiry = (*expiry).min(now + TOKEN_OVERLAP_SECS);
            }
        }
        let token = self.mint("sim_ct_");
        self.own_tokens
            .insert(token.clone(), (appid.to_owned(), now + TOKEN_TTL_SECS));
        token
    }

    /// The authorizer behind a token, mutable.
    pub fn authorizer_mut(
        &mut self,
        token: Option<&str>,
        now: i64,
    ) -> Result<&mut Authorizer, SimError> {
        let appid = self.authorizer_appid(token, now)?;
        self.authorizers
            .get_mut(&appid)
            .ok_or_else(|| SimError::new(40013, "invalid appid"))
    }

    /// Issues a fresh access token for `appid`; the previous ones keep working
    /// for the overlap window only.
    pub fn issue_access_token(&mut self, appid: &str, now: i64) -> String {
        for (owner, expiry) in self.access_tokens.values_mut() {
            if owner == appid {
                *expiry = (*expiry).min(now + TOKEN_OVERLAP_SECS);
            }
        }
        let token = self.mint("sim_at_");
        self.access_tokens
            .insert(token.clone(), (appid.to_owned(), now + TOKEN_TTL_SECS));
        token
    }

    pub fn issue_component_token(&mut self, now: i64) -> String {
        for expiry in self.component_tokens.values_mut() {
            *expiry = (*expiry).min(now + TOKEN_OVERLAP_SECS);
        }
        let token = self.mint("sim_cat_");
        self.component_tokens
            .insert(token.clone(), now + TOKEN_TTL_SECS);
        token
    }

    /// Creates (or re-authorizes) an account from a profile; returns its appid.
    pub fn upsert_authorizer(&mut self, profile: &AuthorizerProfile) -> String {
        let appid = match &profile.appid {
            Some(a) => a.clone(),
            None => {
                let n = self.next_serial();
                format!("wx{:016x}", n.wrapping_mul(0x2545_F491_4F6C_DD1D) | 1 << 60)
            }
        };
        let refresh_token = self.mint("sim_rt_");
        let serial = self.next_serial();
        let entry = self
            .authorizers
            .entry(appid.clone())
            .or_insert_with(|| Authorizer {
                appid: appid.clone(),
                nick_name: profile.nick_name.clone(),
                principal_name: profile.principal_name.clone(),
                user_name: format!(
                    "gh_{:012x}",
                    serial.wrapping_mul(0x5851_F42D) & 0xffff_ffff_ffff
                ),
                verify_type: profile.verify_type,
                head_img: String::new(),
                signature: String::new(),
                authorized: true,
                refresh_token: String::new(),
                func_info: DEFAULT_FUNC_INFO.to_vec(),
                categories: profile.categories.clone(),
                code: Default::default(),
                widget: Default::default(),
                templates: Default::default(),
                subscribe: Default::default(),
                testers: Vec::new(),
                basic_info: Default::default(),
                domains: Default::default(),
            });
        entry.authorized = true;
        entry.refresh_token = refresh_token;
        entry.nick_name = profile.nick_name.clone();
        entry.principal_name = profile.principal_name.clone();
        if !profile.categories.is_empty() {
            entry.categories = profile.categories.clone();
        }
        appid
    }

    /// Drops the platform's tokens of `appid` (authorization cancelled or
    /// refresh token revoked); the account's own tokens live on.
    pub fn revoke_tokens(&mut self, appid: &str) {
        self.access_tokens.retain(|_, (owner, _)| owner != appid);
    }

    /// Forgets used and expired codes so the saved state stays small.
    pub fn sweep(&mut self, now: i64) {
        self.tickets
            .retain(|(_, issued)| now - issued <= TICKET_TTL_SECS);
        // Expired tokens are remembered a day, so they still answer 42001 (not 40001).
        self.component_tokens.retain(|_, e| *e > now - 86_400);
        self.pre_auth_codes.retain(|_, (e, _)| *e > now);
        self.auth_codes.retain(|_, (_, e)| *e > now);
        self.access_tokens.retain(|_, (_, e)| *e > now - 86_400);
        self.own_tokens.retain(|_, (_, e)| *e > now - 86_400);
    }
}
