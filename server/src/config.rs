//! Configuration from `WXA_*` environment variables (documented in the README).
//! A missing or malformed setting stops start-up with a message naming the variable.

use base64::Engine;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::PathBuf;
use wechat::WechatMode;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ConfigError {
    #[error("{var} is required{why}")]
    Missing {
        var: &'static str,
        why: &'static str,
    },
    #[error("{var} is malformed: {problem}")]
    Malformed { var: &'static str, problem: String },
}

/// Credentials of the third-party platform (real mode only).
#[derive(Debug)]
pub struct PlatformConfig {
    pub component_appid: String,
    pub component_secret: SecretString,
    pub message_token: SecretString,
    pub encoding_aes_key: SecretString,
    pub api_base: String,
}

/// The built-in simulator (embedded default, and `server simulate`).
#[derive(Clone, Debug)]
pub struct SimulatorSettings {
    /// Its own loopback port; port 0 picks a free one (tests).
    pub listen: SocketAddr,
    pub ticket_interval_secs: i64,
    pub audit_delay_secs: i64,
    pub push_retry_secs: i64,
    /// Distinct mini programs submitted for review in 7 days before 85085.
    pub audit_quota: i64,
    /// WeChat calls the control API's call log keeps.
    pub call_log_limit: i64,
}

#[derive(Debug)]
pub struct Config {
    pub listen: Option<SocketAddr>,
    pub database_url: String,
    pub public_url: String,
    pub secure_cookies: bool,
    /// 64 bytes that sign the session cookie; None means "generate and keep under data/".
    pub session_key: Option<SecretString>,
    pub data_dir: PathBuf,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    /// Activity extends a session's idle expiry at most this often (a database write).
    pub session_activity_secs: i64,
    /// The database pool's size (`WXA_DB_MAX_CONNECTIONS`); with SQLite each connection is a
    /// worker thread, so more connections than cores mostly add thread switches.
    pub db_max_connections: u32,
    /// The icon proxy may fetch from loopback and private addresses.
    pub media_allow_private: bool,
    pub wechat_mode: WechatMode,
    pub platform: Option<PlatformConfig>,
    pub demo_data: bool,
    pub trust_forwarded_for: bool,
    pub simulator: SimulatorSettings,
    /// 32 bytes (base64) that encrypt secrets at rest; None means "generate and keep under data/".
    pub secret_key: Option<SecretString>,
    /// Where WeChat pushes authorization events; `<path>/$APPID$` receives messages.
    pub callback_path: String,
    /// How often the token worker looks for tokens due for refresh.
    pub token_worker_secs: i64,
    /// How often the rollout worker looks for due targets (milliseconds).
    pub rollout_tick_ms: i64,
    /// How long a claimed rollout target is one instance's (a dead instance's targets wait
    /// this long before another takes them).
    pub rollout_lease_secs: i64,
    /// How long a WeChat call may take before it is given up (a write's outcome is then
    /// unknown and settled by reading WeChat's state).
    pub wechat_timeout_secs: i64,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/wxa-console.db?mode=rwc";

fn parse_bool(var: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => Err(ConfigError::Malformed {
            var,
            problem: format!("expected true or false, got `{other}`"),
        }),
    }
}

fn parse_number(var: &'static str, v: &str, min: i64, max: i64) -> Result<i64, ConfigError> {
    let n: i64 = v.trim().parse().map_err(|_| ConfigError::Malformed {
        var,
        problem: format!("expected a whole number, got `{v}`"),
    })?;
    if (min..=max).contains(&n) {
        Ok(n)
    } else {
        Err(ConfigError::Malformed {
            var,
            problem: format!("must be between {min} and {max}"),
        })
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Reads settings through `get`, so tests can pass their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let listen = match get("WXA_LISTEN") {
            Some(v) => Some(v.trim().parse().map_err(|_| ConfigError::Malformed {
                var: "WXA_LISTEN",
                problem: format!("expected host:port such as 127.0.0.1:3000, got `{v}`"),
            })?),
            None => None,
        };
        let database_url =
            get("WXA_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        if app::db::Db::kind_of(&database_url).is_none() {
            return Err(ConfigError::Malformed {
                var: "WXA_DATABASE_URL",
                problem: "must start with sqlite:// or postgres://".into(),
            });
        }
        let public_url = get("WXA_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into());
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(ConfigError::Malformed {
                var: "WXA_PUBLIC_URL",
                problem: "must start with http:// or https://".into(),
            });
        }
        let secure_cookies = match get("WXA_SECURE_COOKIES") {
            Some(v) => parse_bool("WXA_SECURE_COOKIES", &v)?,
            None => public_url.starts_with("https://"),
        };
        let session_key = match get("WXA_SESSION_SECRET") {
            Some(v) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(v.trim())
                    .map_err(|_| ConfigError::Malformed {
                        var: "WXA_SESSION_SECRET",
                        problem: "must be base64 (generate with `openssl rand -base64 64`)".into(),
                    })?;
                if bytes.len() < 64 {
                    return Err(ConfigError::Malformed {
                        var: "WXA_SESSION_SECRET",
                        problem: format!("must decode to at least 64 bytes, got {}", bytes.len()),
                    });
                }
                Some(SecretString::from(v))
            }
            None => None,
        };
        let wechat_mode = match get("WXA_WECHAT_MODE") {
            Some(v) => v.parse().map_err(|problem| ConfigError::Malformed {
                var: "WXA_WECHAT_MODE",
                problem,
            })?,
            None => WechatMode::Simulator,
        };
        let platform = match wechat_mode {
            WechatMode::Simulator => None,
            WechatMode::Real => Some(Self::platform(&get)?),
        };
        if wechat_mode == WechatMode::Real && session_key.is_none() {
            return Err(ConfigError::Missing {
                var: "WXA_SESSION_SECRET",
                why: " in real mode",
            });
        }
        if wechat_mode == WechatMode::Simulator {
            Self::simulator_stays_local(&get, listen)?;
        }
        let demo_data = match get("WXA_DEMO_DATA") {
            Some(v) => parse_bool("WXA_DEMO_DATA", &v)?,
            None => wechat_mode == WechatMode::Simulator,
        };
        let wechat_timeout_secs = match get("WXA_WECHAT_TIMEOUT_SECS") {
            Some(v) => parse_number("WXA_WECHAT_TIMEOUT_SECS", &v, 1, 120)?,
            None => 15,
        };
        let rollout_lease_secs = match get("WXA_ROLLOUT_LEASE_SECS") {
            Some(v) => parse_number("WXA_ROLLOUT_LEASE_SECS", &v, 30, 3600)?,
            None => app::services::rollouts::worker::DEFAULT_LEASE_SECS,
        };
        // One step is a write and a few reads, each up to the WeChat timeout: a shorter
        // lease would let another instance take a target while its step is still running.
        if rollout_lease_secs < 4 * wechat_timeout_secs {
            return Err(ConfigError::Malformed {
                var: "WXA_ROLLOUT_LEASE_SECS",
                problem: format!(
                    "must be at least 4 × WXA_WECHAT_TIMEOUT_SECS ({} s), one step's calls",
                    4 * wechat_timeout_secs
                ),
            });
        }
        Ok(Config {
            listen,
            database_url,
            public_url,
            secure_cookies,
            session_key,
            data_dir: PathBuf::from(get("WXA_DATA_DIR").unwrap_or_else(|| "data".into())),
            session_idle_minutes: match get("WXA_SESSION_IDLE_MINUTES") {
                Some(v) => parse_number("WXA_SESSION_IDLE_MINUTES", &v, 1, 24 * 60)?,
                None => 30,
            },
            session_absolute_hours: match get("WXA_SESSION_ABSOLUTE_HOURS") {
                Some(v) => parse_number("WXA_SESSION_ABSOLUTE_HOURS", &v, 1, 24 * 30)?,
                None => 12,
            },
            media_allow_private: match get("WXA_MEDIA_ALLOW_PRIVATE") {
                Some(v) => parse_bool("WXA_MEDIA_ALLOW_PRIVATE", &v)?,
                None => false,
            },
            db_max_connections: match get("WXA_DB_MAX_CONNECTIONS") {
                Some(v) => {
                    u32::try_from(parse_number("WXA_DB_MAX_CONNECTIONS", &v, 1, 200)?).unwrap_or(10)
                }
                None => 10,
            },
            session_activity_secs: match get("WXA_SESSION_ACTIVITY_SECS") {
                Some(v) => parse_number("WXA_SESSION_ACTIVITY_SECS", &v, 1, 3600)?,
                None => 60,
            },
            wechat_mode,
            platform,
            demo_data,
            trust_forwarded_for: match get("WXA_TRUST_FORWARDED_FOR") {
                Some(v) => parse_bool("WXA_TRUST_FORWARDED_FOR", &v)?,
                None => false,
            },
            simulator: Self::simulator(&get)?,
            secret_key: match get("WXA_SECRET_KEY") {
                Some(v) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(v.trim())
                        .map_err(|_| ConfigError::Malformed {
                            var: "WXA_SECRET_KEY",
                            problem: "must be base64 (generate with `openssl rand -base64 32`)"
                                .into(),
                        })?;
                    if bytes.len() != 32 {
                        return Err(ConfigError::Malformed {
                            var: "WXA_SECRET_KEY",
                            problem: format!("must decode to 32 bytes, got {}", bytes.len()),
                        });
                    }
                    Some(SecretString::from(v))
                }
                None => None,
            },
            callback_path: {
                let path = get("WXA_CALLBACK_PATH").unwrap_or_else(|| "/wechat/callback".into());
                let valid = path.starts_with('/')
                    && path.len() > 1
                    && !path.ends_with('/')
                    && path
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
                if !valid {
                    return Err(ConfigError::Malformed {
                        var: "WXA_CALLBACK_PATH",
                        problem: "expected a path such as /wechat/callback".into(),
                    });
                }
                path
            },
            token_worker_secs: match get("WXA_TOKEN_WORKER_SECS") {
                Some(v) => parse_number("WXA_TOKEN_WORKER_SECS", &v, 1, 3600)?,
                None => 60,
            },
            rollout_tick_ms: match get("WXA_ROLLOUT_TICK_MS") {
                Some(v) => parse_number("WXA_ROLLOUT_TICK_MS", &v, 50, 60_000)?,
                None => 1000,
            },
            rollout_lease_secs,
            wechat_timeout_secs,
        })
    }

    /// In simulator mode the message token and AES key are the simulator's fixed, public
    /// ones, so anyone who can reach the console could forge WeChat pushes: the console and
    /// the simulator listen on loopback only, unless WXA_ALLOW_NONLOCAL_SIMULATOR says so.
    fn simulator_stays_local(
        get: &impl Fn(&str) -> Option<String>,
        listen: Option<SocketAddr>,
    ) -> Result<(), ConfigError> {
        let allowed = match get("WXA_ALLOW_NONLOCAL_SIMULATOR") {
            Some(v) => parse_bool("WXA_ALLOW_NONLOCAL_SIMULATOR", &v)?,
            None => false,
        };
        if allowed {
            return Ok(());
        }
        let sim_listen = Self::simulator(get)?.listen;
        for (var, addr) in [
            ("WXA_LISTEN", listen),
            ("WXA_SIMULATOR_LISTEN", Some(sim_listen)),
        ] {
            if let Some(addr) = addr.filter(|a| !a.ip().is_loopback()) {
                return Err(ConfigError::Malformed {
                    var,
                    problem: format!(
                        "{addr} is not a loopback address: in simulator mode anyone who reaches \
                         the console could forge WeChat pushes with the simulator's public keys; \
                         listen on 127.0.0.1, use WXA_WECHAT_MODE=real, or set \
                         WXA_ALLOW_NONLOCAL_SIMULATOR=true"
                    ),
                });
            }
        }
        Ok(())
    }

    fn simulator(get: &impl Fn(&str) -> Option<String>) -> Result<SimulatorSettings, ConfigError> {
        let listen = match get("WXA_SIMULATOR_LISTEN") {
            Some(v) => v.trim().parse().map_err(|_| ConfigError::Malformed {
                var: "WXA_SIMULATOR_LISTEN",
                problem: format!("expected host:port such as 127.0.0.1:3100, got `{v}`"),
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 3100)),
        };
        let number = |var: &'static str, default: i64, min: i64, max: i64| match get(var) {
            Some(v) => parse_number(var, &v, min, max),
            None => Ok(default),
        };
        Ok(SimulatorSettings {
            listen,
            ticket_interval_secs: number("WXA_SIMULATOR_TICKET_SECS", 600, 1, 86_400)?,
            audit_delay_secs: number("WXA_SIMULATOR_AUDIT_DELAY_SECS", 60, 0, 30 * 86_400)?,
            push_retry_secs: number("WXA_SIMULATOR_PUSH_RETRY_SECS", 5, 1, 3600)?,
            audit_quota: number(
                "WXA_SIMULATOR_AUDIT_QUOTA",
                i64::try_from(wechat::simulator::code::WEEKLY_SUBMITTED_APPS_MAX).unwrap_or(100),
                1,
                1_000_000,
            )?,
            call_log_limit: number(
                "WXA_SIMULATOR_CALL_LOG_LIMIT",
                i64::try_from(wechat::simulator::CALL_LOG_LIMIT).unwrap_or(5000),
                100,
                10_000_000,
            )?,
        })
    }

    fn platform(get: &impl Fn(&str) -> Option<String>) -> Result<PlatformConfig, ConfigError> {
        let need = |var: &'static str| {
            get(var).ok_or(ConfigError::Missing {
                var,
                why: " in real mode (WXA_WECHAT_MODE=real)",
            })
        };
        let component_appid = need("WXA_COMPONENT_APPID")?;
        if !wechat::is_valid_appid(&component_appid) {
            return Err(ConfigError::Malformed {
                var: "WXA_COMPONENT_APPID",
                problem: "expected wx followed by 16 hex digits".into(),
            });
        }
        let aes_key = need("WXA_ENCODING_AES_KEY")?;
        if !wechat::is_valid_encoding_aes_key(&aes_key) {
            return Err(ConfigError::Malformed {
                var: "WXA_ENCODING_AES_KEY",
                problem: "must be the 43-character EncodingAESKey".into(),
            });
        }
        let api_base =
            get("WXA_WECHAT_API_BASE").unwrap_or_else(|| wechat::REAL_API_BASE.to_string());
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(ConfigError::Malformed {
                var: "WXA_WECHAT_API_BASE",
                problem: "must be an http(s) URL".into(),
            });
        }
        Ok(PlatformConfig {
            component_appid,
            component_secret: SecretString::from(need("WXA_COMPONENT_SECRET")?),
            message_token: SecretString::from(need("WXA_MESSAGE_TOKEN")?),
            encoding_aes_key: SecretString::from(aes_key),
            api_base,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_demo() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.wechat_mode, WechatMode::Simulator);
        assert!(c.demo_data && !c.secure_cookies && c.platform.is_none());
    }

    #[test]
    fn errors_name_the_variable() {
        let e = config(&[("WXA_LISTEN", "port 80")]).unwrap_err();
        assert!(e.to_string().starts_with("WXA_LISTEN is malformed"));
        let e = config(&[("WXA_DATABASE_URL", "mysql://x")]).unwrap_err();
        assert!(e.to_string().contains("WXA_DATABASE_URL"));
        let e = config(&[("WXA_SECURE_COOKIES", "maybe")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SECURE_COOKIES"));
        let e = config(&[("WXA_SESSION_SECRET", "c2hvcnQ=")]).unwrap_err();
        assert!(e.to_string().contains("at least 64 bytes"));
        let e = config(&[("WXA_SECRET_KEY", "c2hvcnQ=")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SECRET_KEY"));
        let e = config(&[("WXA_CALLBACK_PATH", "wechat")]).unwrap_err();
        assert!(e.to_string().contains("WXA_CALLBACK_PATH"));
        let e = config(&[("WXA_SIMULATOR_LISTEN", "x")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SIMULATOR_LISTEN"));
        let e = config(&[("WXA_SESSION_ACTIVITY_SECS", "0")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SESSION_ACTIVITY_SECS"));
        let e = config(&[("WXA_SIMULATOR_AUDIT_DELAY_SECS", "-1")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SIMULATOR_AUDIT_DELAY_SECS"));
        let e = config(&[("WXA_SIMULATOR_AUDIT_QUOTA", "0")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SIMULATOR_AUDIT_QUOTA"));
        let e = config(&[("WXA_SIMULATOR_CALL_LOG_LIMIT", "10")]).unwrap_err();
        assert!(e.to_string().contains("WXA_SIMULATOR_CALL_LOG_LIMIT"));
    }

    #[test]
    fn simulator_audit_quota_and_call_log_default_to_the_simulators_figures() {
        let c = config(&[]).unwrap();
        assert_eq!(
            (c.simulator.audit_quota, c.simulator.call_log_limit),
            (100, 5000)
        );
        let c = config(&[
            ("WXA_SIMULATOR_AUDIT_QUOTA", "1000000"),
            ("WXA_SIMULATOR_CALL_LOG_LIMIT", "2000000"),
        ])
        .unwrap();
        assert_eq!(
            (c.simulator.audit_quota, c.simulator.call_log_limit),
            (1_000_000, 2_000_000)
        );
    }

    #[test]
    fn rollout_tick_and_wechat_timeout_are_bounded() {
        let c = config(&[]).unwrap();
        assert_eq!((c.rollout_tick_ms, c.wechat_timeout_secs), (1000, 15));
        let c = config(&[
            ("WXA_ROLLOUT_TICK_MS", "200"),
            ("WXA_WECHAT_TIMEOUT_SECS", "3"),
        ])
        .unwrap();
        assert_eq!((c.rollout_tick_ms, c.wechat_timeout_secs), (200, 3));
        assert_eq!(c.rollout_lease_secs, 300);
        let c = config(&[("WXA_ROLLOUT_LEASE_SECS", "60")]).unwrap();
        assert_eq!(c.rollout_lease_secs, 60);
        for (var, bad) in [
            ("WXA_ROLLOUT_TICK_MS", "10"),
            ("WXA_WECHAT_TIMEOUT_SECS", "0"),
            ("WXA_ROLLOUT_LEASE_SECS", "29"),
        ] {
            let e = config(&[(var, bad)]).unwrap_err();
            assert!(e.to_string().starts_with(var), "{e}");
        }
        // Shorter than one step's calls at the default timeout (4 × 15 s).
        let e = config(&[("WXA_ROLLOUT_LEASE_SECS", "59")]).unwrap_err();
        assert!(
            e.to_string().contains("4 × WXA_WECHAT_TIMEOUT_SECS (60 s)"),
            "{e}"
        );
    }

    #[test]
    fn the_database_pool_size_is_bounded() {
        assert_eq!(config(&[]).unwrap().db_max_connections, 10);
        let c = config(&[("WXA_DB_MAX_CONNECTIONS", "2")]).unwrap();
        assert_eq!(c.db_max_connections, 2);
        for bad in ["0", "201", "-1", "ten"] {
            let e = config(&[("WXA_DB_MAX_CONNECTIONS", bad)]).unwrap_err();
            assert!(e.to_string().starts_with("WXA_DB_MAX_CONNECTIONS"), "{e}");
        }
    }

    #[test]
    fn simulator_mode_listens_on_loopback_unless_allowed() {
        let e = config(&[("WXA_LISTEN", "0.0.0.0:3000")]).unwrap_err();
        assert!(e.to_string().starts_with("WXA_LISTEN is malformed"), "{e}");
        assert!(e.to_string().contains("forge"));
        let e = config(&[("WXA_SIMULATOR_LISTEN", "192.0.2.1:3100")]).unwrap_err();
        assert!(e.to_string().starts_with("WXA_SIMULATOR_LISTEN"), "{e}");
        assert!(config(&[("WXA_LISTEN", "[::1]:3000")]).is_ok());
        assert!(config(&[
            ("WXA_LISTEN", "0.0.0.0:3000"),
            ("WXA_ALLOW_NONLOCAL_SIMULATOR", "true")
        ])
        .is_ok());
    }

    #[test]
    fn real_mode_requires_platform_credentials() {
        let e = config(&[("WXA_WECHAT_MODE", "real")]).unwrap_err();
        assert_eq!(
            e,
            ConfigError::Missing {
                var: "WXA_COMPONENT_APPID",
                why: " in real mode (WXA_WECHAT_MODE=real)"
            }
        );
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 64]);
        let aes = "a".repeat(43);
        let c = config(&[
            ("WXA_WECHAT_MODE", "real"),
            ("WXA_COMPONENT_APPID", "wx0123456789abcdef"),
            ("WXA_COMPONENT_SECRET", "s3cret"),
            ("WXA_MESSAGE_TOKEN", "tok"),
            ("WXA_ENCODING_AES_KEY", &aes),
            ("WXA_SESSION_SECRET", &key),
            ("WXA_PUBLIC_URL", "https://console.example.com"),
        ])
        .unwrap();
        assert!(c.secure_cookies && !c.demo_data);
        let p = c.platform.as_ref().unwrap();
        assert_eq!(p.component_secret.expose_secret(), "s3cret");
        // Secrets never print.
        assert!(!format!("{c:?}").contains("s3cret"));
    }
}
