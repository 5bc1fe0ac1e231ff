//! Encrypted pushes to the console, delivered the way WeChat does: POST with
//! `timestamp`, `nonce`, `encrypt_type=aes`, `signature` and `msg_signature`,
//! answered `success` within 5 s or retried (three retries).

use serde::{Deserialize, Serialize};

use super::{LockExt, RwExt, Sim};
use crate::crypto::{cdata, MsgCrypt};

/// Deliveries per push: the first and three retries, as WeChat does.
pub const MAX_ATTEMPTS: u32 = 4;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Target {
    /// 授权事件接收 URL: tickets and authorization events.
    Component,
    /// 消息与事件接收 URL of one authorizer (`$APPID$` in the URL).
    Authorizer { appid: String, user_name: String },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Push {
    pub id: u64,
    pub target: Target,
    /// The decrypted document.
    pub xml: String,
    pub attempts: u32,
    /// Wall-clock milliseconds of the next attempt.
    pub next_at_ms: i64,
    /// Outcome of the last attempt, for the control API.
    pub last_result: Option<String>,
}

/// Where the console receives pushes; set once the console knows its address.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Targets {
    /// e.g. `http://127.0.0.1:3000/wechat/callback`
    pub component_url: Option<String>,
    /// e.g. `http://127.0.0.1:3000/wechat/callback/$APPID$`
    pub message_url: Option<String>,
}

pub fn wall_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Sim {
    /// Queues a push; the delivery loop sends it.
    pub fn enqueue_push(&self, target: Target, xml: String) {
        let mut state = self.lock();
        let id = state.next_serial();
        state.outbox.push(Push {
            id,
            target,
            xml,
            attempts: 0,
            next_at_ms: wall_ms(),
            last_result: None,
        });
        drop(state);
        self.shared.wake.notify_one();
    }

    /// Sends every due push once; keeps failures for a retry.
    pub async fn deliver_due(&self) {
        let now = wall_ms();
        let due: Vec<Push> = self
            .lock()
            .outbox
            .iter()
            .filter(|p| p.next_at_ms <= now)
            .cloned()
            .collect();
        for push in due {
            let result = self.deliver(&push).await;
            let mut state = self.lock();
            let retry_ms = self.shared.config.push_retry_interval.as_millis() as i64;
            if let Some(entry) = state.outbox.iter_mut().find(|p| p.id == push.id) {
                entry.attempts += 1;
                entry.last_result = Some(match &result {
                    Ok(()) => "success".into(),
                    Err(e) => e.clone(),
                });
                entry.next_at_ms = wall_ms() + retry_ms;
            }
            let delivered = result.is_ok();
            let attempts = state
                .outbox
                .iter()
                .find(|p| p.id == push.id)
                .map_or(0, |p| p.attempts);
            if delivered || attempts >= MAX_ATTEMPTS {
                if let Some(done) = state.outbox.iter().position(|p| p.id == push.id) {
                    let finished = state.outbox.remove(done);
                    self.shared.delivered.lock_or_recover().push(finished);
                }
            }
            drop(state);
            self.save();
        }
    }

    async fn deliver(&self, push: &Push) -> Result<(), String> {
        let targets = self.shared.targets.read_or_recover().clone();
        let config = &self.shared.config;
        let (url, receiver) = match &push.target {
            Target::Component => (
                targets.component_url.clone(),
                format!("<AppId>{}</AppId>", cdata(&config.component_appid)),
            ),
            Target::Authorizer { appid, user_name } => (
                targets
                    .message_url
                    .as_ref()
                    .map(|u| u.replace("$APPID$", appid)),
                format!("<ToUserName>{}</ToUserName>", cdata(user_name)),
            ),
        };
        let url = url.ok_or("the console has not registered a callback URL yet")?;
        let crypt = MsgCrypt::new(
            config.message_token.clone(),
            &config.encoding_aes_key,
            config.component_appid.clone(),
        )
        .map_err(|e| e.to_string())?;
        let encrypt = crypt.encrypt(&push.xml, None).map_err(|e| e.to_string())?;
        let timestamp = (self.now()).to_string();
        let nonce = format!("{}", rand::random::<u32>());
        let msg_signature = crypt.signature(&timestamp, &nonce, &encrypt);
        let signature = crate::crypto::sha1_signature([
            config.message_token.as_str(),
            timestamp.as_str(),
            nonce.as_str(),
        ]);
        let body = format!(
            "<xml>{receiver}<Encrypt>{}</Encrypt></xml>",
            cdata(&encrypt)
        );
        let response = self
            .shared
            .http
            .post(&url)
            .query(&[
                ("signature", signature.as_str()),
                ("timestamp", timestamp.as_str()),
                ("nonce", nonce.as_str()),
                ("encrypt_type", "aes"),
                ("msg_signature", msg_signature.as_str()),
            ])
            .header("content-type", "text/xml")
            .body(body)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| e.without_url().to_string())?;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        if status.is_success() && text.trim() == "success" {
            Ok(())
        } else {
            Err(format!(
                "HTTP {}: {}",
                status.as_u16(),
                text.chars().take(80).collect::<String>()
            ))
        }
    }
}
