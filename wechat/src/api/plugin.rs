//! Plugins (插件管理), permission set 40. No seed documents the endpoints (plugin-guide.md
//! describes the product); paths, fields and errcodes from WeChat's docs and the SDKs that wrap
//! them (docs/research/onboarding-apis.md §6):
//! * the mini program that uses plugins, `POST /wxa/plugin` with `action` apply / list / unbind /
//!   update: https://developers.weixin.qq.com/miniprogram/dev/server/API/plugin-management/api_manageplugin
//!   and, for platforms, …/doc/oplatform/Third-party_Platforms/2.0/api/Business/pluginManager.html
//!   ("请务必先完成授权后再调用，否则会出现61007的错误"); WxJava `WxMaPluginServiceImpl`
//!   (`applyPlugin`, `getPluginList`, `unbindPlugin`, `updatePlugin`), EasyWeChat 4
//!   `MiniProgram/Plugin/Client.php`, Senparc `WxAppApi` (ApplyPlugin, GetPluginList, UnbindPlugin);
//! * the mini program that owns a plugin, a different path, `POST /wxa/devplugin` with `action`
//!   dev_apply_list / dev_agree / dev_refuse / dev_delete:
//!   …/plugin-management/api_managepluginapplication (EasyWeChat 4 `Plugin/DevClient.php`:
//!   `getUsers(page, size)`, `agree(appId)`, `refuse(reason)`, `delete()`; Senparc
//!   `SetDevPluginApplyStatus`). The plugin's AppID is its owner mini program's AppID
//!   (…/miniprogram/dev/devtools/plugin.html: "插件 AppID: 插件提供方的小程序 AppID").
//!
//! The list of plugins in use carries no version (no doc or SDK has one), and the application
//! list no total: it is read page by page (`page`, `num`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::{Ack, Auth, CallCtx, Client, Endpoint, Error};

pub use wechat_wire::plugin::status;

/// `/wxa/plugin` action `list`: a POST that only reads.
pub const PLUGIN_LIST: Endpoint = Endpoint::post_read("/wxa/plugin", Auth::Authorizer);
/// `/wxa/plugin` actions `apply`, `unbind`, `update`.
pub const PLUGIN: Endpoint = Endpoint::post_write("/wxa/plugin", Auth::Authorizer);
/// `/wxa/devplugin` action `dev_apply_list`: a POST that only reads.
pub const DEV_APPLY_LIST: Endpoint = Endpoint::post_read("/wxa/devplugin", Auth::Authorizer);
/// `/wxa/devplugin` actions `dev_agree`, `dev_refuse`, `dev_delete`.
pub const DEV_PLUGIN: Endpoint = Endpoint::post_write("/wxa/devplugin", Auth::Authorizer);

/// Every endpoint of this module (two paths, each read and written).
pub const ENDPOINTS: [Endpoint; 4] = [PLUGIN_LIST, PLUGIN, DEV_APPLY_LIST, DEV_PLUGIN];

/// The permission set (权限集) the endpoints belong to: 插件管理.
pub const PERMISSION_SET: i64 = 40;

/// The `action` values of both paths, as the docs spell them.
pub mod action {
    pub const APPLY: &str = "apply";
    pub const LIST: &str = "list";
    pub const UNBIND: &str = "unbind";
    pub const UPDATE: &str = "update";
    pub const DEV_APPLY_LIST: &str = "dev_apply_list";
    pub const DEV_AGREE: &str = "dev_agree";
    pub const DEV_REFUSE: &str = "dev_refuse";
    pub const DEV_DELETE: &str = "dev_delete";
}

/// `POST /wxa/plugin`: `plugin_appid` for every action but list; `reason` ("当action是"apply"时
/// 必填，申请原因"); `user_version` for update ("升级至版本号，要求此插件版本支持快速更新").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginRequest {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_version: Option<String>,
}

impl PluginRequest {
    fn new(action: &str, plugin_appid: Option<&str>) -> Self {
        Self {
            action: action.to_owned(),
            plugin_appid: plugin_appid.map(str::to_owned),
            ..Default::default()
        }
    }
}

/// One plugin of `plugin_list` (list): `appid` is the plugin's AppID, `status` one of
/// [`status`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedPlugin {
    #[serde(default)]
    pub appid: String,
    #[serde(default)]
    pub status: i64,
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub headimgurl: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginList {
    #[serde(default)]
    pub plugin_list: Vec<UsedPlugin>,
}

/// `POST /wxa/devplugin`: `appid` is the applicant's ("使用者的 appid"), `page` / `num` page
/// dev_apply_list, `reason` is dev_refuse's ("拒绝理由"). The doc's table names `appid` for
/// dev_agree only; WxJava and Senparc send it on refuse and delete too, the console does
/// (otherwise nothing says which application is meant).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevPluginRequest {
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub num: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DevPluginRequest {
    fn on(action: &str, appid: &str) -> Self {
        Self {
            action: action.to_owned(),
            appid: Some(appid.to_owned()),
            ..Default::default()
        }
    }
}

/// One of an applicant's categories (`categories: [{first, second}]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantCategory {
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub second: String,
}

/// One application of `apply_list` (dev_apply_list): the applicant mini program, its
/// categories, when it applied (`create_time`, Unix seconds sent as a string:
/// `"create_time": "1536305096"` in WeChat's example), its 小程序码 (`apply_url`) and reason.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluginApplication {
    #[serde(default)]
    pub appid: String,
    #[serde(default)]
    pub status: i64,
    #[serde(default)]
    pub nickname: String,
    #[serde(default)]
    pub headimgurl: String,
    #[serde(default)]
    pub categories: Vec<ApplicantCategory>,
    #[serde(
        default,
        deserialize_with = "unix_seconds",
        serialize_with = "as_decimal_string"
    )]
    pub create_time: i64,
    #[serde(default)]
    pub apply_url: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevApplyList {
    #[serde(default)]
    pub apply_list: Vec<PluginApplication>,
}

/// `create_time` as WeChat writes it (a decimal string) or as a number.
fn unix_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Number(n) => Ok(n),
        Raw::Text(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

fn as_decimal_string<S: Serializer>(value: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_string())
}

impl Client {
    /// Applies to use a plugin (`apply`). The plugin's developer decides within 24 hours.
    pub async fn apply_plugin(
        &self,
        ctx: &CallCtx<'_>,
        plugin_appid: &str,
        reason: &str,
    ) -> Result<Ack, Error> {
        let body = PluginRequest {
            reason: Some(reason.to_owned()),
            ..PluginRequest::new(action::APPLY, Some(plugin_appid))
        };
        self.call_json(&PLUGIN, ctx, &[], Some(&body)).await
    }

    /// The plugins the mini program uses or applied for (`list`), in WeChat's order.
    pub async fn plugin_list(&self, ctx: &CallCtx<'_>) -> Result<Vec<UsedPlugin>, Error> {
        let body = PluginRequest::new(action::LIST, None);
        let list: PluginList = self.call_json(&PLUGIN_LIST, ctx, &[], Some(&body)).await?;
        Ok(list.plugin_list)
    }

    /// Stops using a plugin (`unbind`).
    pub async fn unbind_plugin(&self, ctx: &CallCtx<'_>, plugin_appid: &str) -> Result<Ack, Error> {
        let body = PluginRequest::new(action::UNBIND, Some(plugin_appid));
        self.call_json(&PLUGIN, ctx, &[], Some(&body)).await
    }

    /// Moves a plugin in use to another version that allows a quick update (`update`).
    pub async fn update_plugin(
        &self,
        ctx: &CallCtx<'_>,
        plugin_appid: &str,
        user_version: &str,
    ) -> Result<Ack, Error> {
        let body = PluginRequest {
            user_version: Some(user_version.to_owned()),
            ..PluginRequest::new(action::UPDATE, Some(plugin_appid))
        };
        self.call_json(&PLUGIN, ctx, &[], Some(&body)).await
    }

    /// One page of the applications to use the plugin this mini program owns
    /// (`dev_apply_list`; `page` from 1, `num` per page).
    pub async fn dev_apply_list(
        &self,
        ctx: &CallCtx<'_>,
        page: u32,
        num: u32,
    ) -> Result<Vec<PluginApplication>, Error> {
        let body = DevPluginRequest {
            action: action::DEV_APPLY_LIST.to_owned(),
            page: Some(page),
            num: Some(num),
            ..Default::default()
        };
        let list: DevApplyList = self
            .call_json(&DEV_APPLY_LIST, ctx, &[], Some(&body))
            .await?;
        Ok(list.apply_list)
    }

    /// Approves an applicant's application (`dev_agree`).
    pub async fn dev_agree(&self, ctx: &CallCtx<'_>, applicant: &str) -> Result<Ack, Error> {
        let body = DevPluginRequest::on(action::DEV_AGREE, applicant);
        self.call_json(&DEV_PLUGIN, ctx, &[], Some(&body)).await
    }

    /// Refuses an applicant's application with a reason (`dev_refuse`).
    pub async fn dev_refuse(
        &self,
        ctx: &CallCtx<'_>,
        applicant: &str,
        reason: &str,
    ) -> Result<Ack, Error> {
        let body = DevPluginRequest {
            reason: Some(reason.to_owned()),
            ..DevPluginRequest::on(action::DEV_REFUSE, applicant)
        };
        self.call_json(&DEV_PLUGIN, ctx, &[], Some(&body)).await
    }

    /// Deletes a refused or timed-out application (`dev_delete`).
    pub async fn dev_delete(&self, ctx: &CallCtx<'_>, applicant: &str) -> Result<Ack, Error> {
        let body = DevPluginRequest::on(action::DEV_DELETE, applicant);
        self.call_json(&DEV_PLUGIN, ctx, &[], Some(&body)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Method;

    #[test]
    fn reads_and_writes_share_their_paths() {
        let writes: Vec<(&str, bool)> = ENDPOINTS.iter().map(|e| (e.path, e.writes)).collect();
        assert_eq!(
            writes,
            [
                ("/wxa/plugin", false),
                ("/wxa/plugin", true),
                ("/wxa/devplugin", false),
                ("/wxa/devplugin", true)
            ]
        );
        for e in ENDPOINTS {
            assert_eq!(e.method, Method::Post, "{}", e.path);
            assert_eq!(e.auth, Auth::Authorizer, "{}", e.path);
        }
    }

    #[test]
    fn requests_carry_only_their_fields() {
        let apply = PluginRequest {
            reason: Some("hello".into()),
            ..PluginRequest::new(action::APPLY, Some("aaaa"))
        };
        // WeChat's example: {"action": "apply", "plugin_appid": "aaaa", "reason": "hello"}.
        assert_eq!(
            serde_json::to_value(&apply).unwrap(),
            serde_json::json!({"action": "apply", "plugin_appid": "aaaa", "reason": "hello"})
        );
        assert_eq!(
            serde_json::to_value(PluginRequest::new(action::LIST, None)).unwrap(),
            serde_json::json!({"action": "list"})
        );
        let list = DevPluginRequest {
            action: action::DEV_APPLY_LIST.into(),
            page: Some(1),
            num: Some(10),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&list).unwrap(),
            serde_json::json!({"action": "dev_apply_list", "page": 1, "num": 10})
        );
        assert_eq!(
            serde_json::to_value(DevPluginRequest::on(action::DEV_AGREE, "wxa")).unwrap(),
            serde_json::json!({"action": "dev_agree", "appid": "wxa"})
        );
    }

    #[test]
    fn reads_the_documented_answers() {
        // The docs' examples (also gochat's fixtures).
        let list: PluginList = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","plugin_list":[{"appid":"aaaa","status":1,"nickname":"插件昵称","headimgurl":"http://plugin.qq.com"}]}"#,
        )
        .unwrap();
        assert_eq!(list.plugin_list[0].status, status::APPLYING);
        assert_eq!(list.plugin_list[0].nickname, "插件昵称");
        let apps: DevApplyList = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","apply_list":[{"appid":"xxxxxxxxxxxxx","status":1,"nickname":"名称","headimgurl":"**********","reason":"polo","apply_url":"*******","create_time":"1536305096","categories":[{"first":"IT科技","second":"硬件与设备"}]}]}"#,
        )
        .unwrap();
        let first = &apps.apply_list[0];
        assert_eq!(first.create_time, 1_536_305_096);
        assert_eq!(first.categories[0].second, "硬件与设备");
        assert_eq!(first.reason, "polo");
        // A number is read too, and written back as WeChat writes it.
        let numeric: PluginApplication =
            serde_json::from_str(r#"{"appid":"a","create_time":12}"#).unwrap();
        assert_eq!(numeric.create_time, 12);
        assert_eq!(
            serde_json::to_value(&numeric).unwrap()["create_time"],
            serde_json::json!("12")
        );
        let empty: DevApplyList = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert!(empty.apply_list.is_empty());
    }
}
