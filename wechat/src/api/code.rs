//! Code management (third-party-code-management.rst): commit, experience QR
//! code, categories, pages, audits, release, visit status, rollback, support
//! version, QR-jump rules, audit withdrawal, gray release; plus the code
//! template library (drafts and templates) the seed references through
//! `template_id` without documenting it (provisional shapes, see
//! [`crate::simulator::provisional`]).

use serde::{Deserialize, Deserializer, Serialize};

use crate::client::{Auth, Binary, CallCtx, Client, Endpoint, Error, Method};

/// A GET that changes state (WeChat has a few): a lost answer is an unknown
/// outcome, never retried blindly.
const fn get_write(path: &'static str, auth: Auth) -> Endpoint {
    Endpoint {
        method: Method::Get,
        path,
        auth,
        writes: true,
    }
}

pub const COMMIT: Endpoint = Endpoint::post_write("/wxa/commit", Auth::Authorizer);
pub const GET_QRCODE: Endpoint = Endpoint::get("/wxa/get_qrcode", Auth::Authorizer);
pub const GET_CATEGORY: Endpoint = Endpoint::get("/wxa/get_category", Auth::Authorizer);
pub const GET_PAGE: Endpoint = Endpoint::get("/wxa/get_page", Auth::Authorizer);
pub const SUBMIT_AUDIT: Endpoint = Endpoint::post_write("/wxa/submit_audit", Auth::Authorizer);
pub const GET_AUDITSTATUS: Endpoint = Endpoint::post_read("/wxa/get_auditstatus", Auth::Authorizer);
pub const GET_LATEST_AUDITSTATUS: Endpoint =
    Endpoint::get("/wxa/get_latest_auditstatus", Auth::Authorizer);
pub const RELEASE: Endpoint = Endpoint::post_write("/wxa/release", Auth::Authorizer);
pub const CHANGE_VISITSTATUS: Endpoint =
    Endpoint::post_write("/wxa/change_visitstatus", Auth::Authorizer);
pub const REVERT_CODE_RELEASE: Endpoint = get_write("/wxa/revertcoderelease", Auth::Authorizer);
pub const GET_WEAPP_SUPPORT_VERSION: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/getweappsupportversion", Auth::Authorizer);
pub const SET_WEAPP_SUPPORT_VERSION: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/setweappsupportversion", Auth::Authorizer);
pub const QRCODE_JUMP_ADD: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/qrcodejumpadd", Auth::Authorizer);
pub const QRCODE_JUMP_GET: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/qrcodejumpget", Auth::Authorizer);
pub const QRCODE_JUMP_DOWNLOAD: Endpoint =
    Endpoint::post_read("/cgi-bin/wxopen/qrcodejumpdownload", Auth::Authorizer);
pub const QRCODE_JUMP_DELETE: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/qrcodejumpdelete", Auth::Authorizer);
pub const QRCODE_JUMP_PUBLISH: Endpoint =
    Endpoint::post_write("/cgi-bin/wxopen/qrcodejumppublish", Auth::Authorizer);
pub const UNDO_CODE_AUDIT: Endpoint = get_write("/wxa/undocodeaudit", Auth::Authorizer);
pub const GRAY_RELEASE: Endpoint = Endpoint::post_write("/wxa/grayrelease", Auth::Authorizer);
pub const REVERT_GRAY_RELEASE: Endpoint = get_write("/wxa/revertgrayrelease", Auth::Authorizer);
pub const GET_GRAY_RELEASE_PLAN: Endpoint =
    Endpoint::get("/wxa/getgrayreleaseplan", Auth::Authorizer);
/// `getversioninfo` (provisional: WeChat's public docs, not the seed): the experience and the
/// online version as WeChat holds them — what a lost commit or release answer is checked against.
pub const GET_VERSION_INFO: Endpoint = Endpoint::post_read("/wxa/getversioninfo", Auth::Authorizer);

// Code template library (provisional): platform-level, component token.
pub const GET_TEMPLATE_DRAFT_LIST: Endpoint =
    Endpoint::get("/wxa/gettemplatedraftlist", Auth::Component);
pub const GET_TEMPLATE_LIST: Endpoint = Endpoint::get("/wxa/gettemplatelist", Auth::Component);
pub const ADD_TO_TEMPLATE: Endpoint = Endpoint::post_write("/wxa/addtotemplate", Auth::Component);
pub const DELETE_TEMPLATE: Endpoint = Endpoint::post_write("/wxa/deletetemplate", Auth::Component);

/// Every endpoint of this module (for documentation screens and tests).
pub const ENDPOINTS: [Endpoint; 26] = [
    COMMIT,
    GET_QRCODE,
    GET_CATEGORY,
    GET_PAGE,
    SUBMIT_AUDIT,
    GET_AUDITSTATUS,
    GET_LATEST_AUDITSTATUS,
    RELEASE,
    CHANGE_VISITSTATUS,
    REVERT_CODE_RELEASE,
    GET_WEAPP_SUPPORT_VERSION,
    SET_WEAPP_SUPPORT_VERSION,
    QRCODE_JUMP_ADD,
    QRCODE_JUMP_GET,
    QRCODE_JUMP_DOWNLOAD,
    QRCODE_JUMP_DELETE,
    QRCODE_JUMP_PUBLISH,
    UNDO_CODE_AUDIT,
    GRAY_RELEASE,
    REVERT_GRAY_RELEASE,
    GET_GRAY_RELEASE_PLAN,
    GET_VERSION_INFO,
    GET_TEMPLATE_DRAFT_LIST,
    GET_TEMPLATE_LIST,
    ADD_TO_TEMPLATE,
    DELETE_TEMPLATE,
];

/// Audit states (`status` of get_auditstatus / get_latest_auditstatus).
pub mod audit_status {
    pub const PASSED: i64 = 0;
    pub const REJECTED: i64 = 1;
    pub const AUDITING: i64 = 2;
    pub const WITHDRAWN: i64 = 3;
    /// Provisional: "审核延后" from WeChat's public docs (not in the seed).
    pub const DELAYED: i64 = 4;
}

/// Limits the seed states.
pub const USER_VERSION_MAX_CHARS: usize = 64;
pub const AUDIT_ITEMS_MIN: usize = 1;
pub const AUDIT_ITEMS_MAX: usize = 5;
pub const AUDIT_TAGS_MAX: usize = 10;
pub const AUDIT_TAG_MAX_CHARS: usize = 20;
pub const AUDIT_TITLE_MAX_CHARS: usize = 32;
pub const QRCODE_JUMP_DEBUG_URLS_MAX: usize = 5;

/// `POST /wxa/commit`. `ext_json` is a JSON document carried as a string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitRequest {
    #[serde(default)]
    pub template_id: i64,
    #[serde(default)]
    pub ext_json: String,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
}

/// One category the account may submit under (`get_category`), ids as WeChat sends them.
pub type CategoryItem = wechat_wire::code::CategoryItem;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryList {
    #[serde(default)]
    pub category_list: Vec<CategoryItem>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageList {
    #[serde(default)]
    pub page_list: Vec<String>,
}

/// One page submitted for review, ids as WeChat sends them.
pub type AuditItem = wechat_wire::code::AuditItem;

/// `POST /wxa/submit_audit`: 1–5 items. `feedback_info`, `feedback_stuff`
/// and `version_desc` are provisional (WeChat's public docs, not the seed).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitAuditRequest {
    pub item_list: Vec<AuditItem>,
    /// Note to the reviewer, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_info: Option<String>,
    /// Media ids of screenshots for the reviewer, separated by `|` (at most 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback_stuff: Option<String>,
    /// What changed in this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_desc: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitAuditResponse {
    #[serde(deserialize_with = "int_or_string")]
    pub auditid: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditIdRequest {
    pub auditid: i64,
}

/// `get_auditstatus`: 0 passed, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditStatus {
    pub status: i64,
    /// Present when rejected (and, provisionally, when delayed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Provisional: `|`-separated screenshot media ids of a rejection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
}

/// `get_latest_auditstatus`: the seed shows `auditid` as a string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestAuditStatus {
    #[serde(deserialize_with = "int_or_string")]
    pub auditid: i64,
    pub status: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VisitAction {
    Open,
    Close,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitStatusRequest {
    pub action: VisitAction,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UvItem {
    #[serde(default)]
    pub percentage: f64,
    pub version: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UvInfo {
    #[serde(default)]
    pub items: Vec<UvItem>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportVersion {
    #[serde(default)]
    pub now_version: String,
    #[serde(default)]
    pub uv_info: UvInfo,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetSupportVersionRequest {
    pub version: String,
}

/// `qrcodejumpadd`. `permit_sub_rule` ("1" shared, "2" exclusive) and
/// `open_version` ("1" develop, "2" trial, "3" release) are strings here.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrcodeJumpAddRequest {
    pub prefix: String,
    pub permit_sub_rule: String,
    pub path: String,
    pub open_version: String,
    /// At most 5 full links under `prefix`.
    #[serde(default)]
    pub debug_url: Vec<String>,
    /// 0 adds a rule, 1 edits an existing one.
    pub is_edit: i64,
}

/// A rule as `qrcodejumpget` lists it (numbers here, not strings).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrcodeJumpRule {
    pub prefix: String,
    pub open_version: i64,
    /// 1 not published, 2 published.
    pub state: i64,
    pub permit_sub_rule: i64,
    pub path: String,
    #[serde(default)]
    pub debug_url: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrcodeJumpList {
    #[serde(default)]
    pub rule_list: Vec<QrcodeJumpRule>,
    #[serde(default)]
    pub qrcodejump_open: i64,
    #[serde(default)]
    pub list_size: i64,
    /// Publications left this month.
    #[serde(default)]
    pub qrcodejump_pub_quota: i64,
}

/// `qrcodejumpdownload`'s answer. The seed's parameter table names
/// `file_name` and `file_content`, but its example answer is a bare
/// `{"errcode": 0, "errmsg": "ok"}`: both are optional, and a caller that
/// needs the file must cope with their absence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrcodeJumpFile {
    #[serde(default)]
    pub file_name: Option<String>,
    #[serde(default)]
    pub file_content: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixRequest {
    pub prefix: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayReleaseRequest {
    /// 1 to 100, higher than the previous step.
    pub gray_percentage: i64,
}

/// 0 initial, 1 running, 2 paused, 3 finished, 4 deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayReleasePlan {
    #[serde(default)]
    pub status: i64,
    #[serde(default)]
    pub create_timestamp: i64,
    #[serde(default)]
    pub gray_percentage: i64,
}

/// `getversioninfo`'s experience version (the last commit), provisional shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpInfo {
    #[serde(default)]
    pub exp_time: i64,
    #[serde(default)]
    pub exp_version: String,
    #[serde(default)]
    pub exp_desc: String,
}

/// `getversioninfo`'s online version, provisional shape.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseInfo {
    #[serde(default)]
    pub release_time: i64,
    #[serde(default)]
    pub release_version: String,
    #[serde(default)]
    pub release_desc: String,
}

/// `POST /wxa/getversioninfo`: each part is absent when there is no such version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exp_info: Option<ExpInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_info: Option<ReleaseInfo>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrayReleasePlanResponse {
    #[serde(default)]
    pub gray_release_plan: GrayReleasePlan,
}

/// A code draft uploaded from the developer tools (provisional shape).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDraft {
    #[serde(default)]
    pub create_time: i64,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    pub draft_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateDraftList {
    #[serde(default)]
    pub draft_list: Vec<TemplateDraft>,
}

/// A code template in the platform's library (provisional shape).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeTemplate {
    #[serde(default)]
    pub create_time: i64,
    #[serde(default)]
    pub user_version: String,
    #[serde(default)]
    pub user_desc: String,
    pub template_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_id: Option<i64>,
    /// 0 ordinary template, 1 standard template.
    #[serde(default)]
    pub template_type: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram_appid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_miniprogram: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer: Option<String>,
    /// Standard templates: their categories (empty for ordinary templates).
    #[serde(default)]
    pub category_list: Vec<serde_json::Value>,
    /// Standard templates: 0 not submitted, 1 in review, 2 rejected, 3 approved, 4 being
    /// submitted, 5 submission failed (open-platform docs, gettemplatelist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_status: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateList {
    #[serde(default)]
    pub template_list: Vec<CodeTemplate>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddToTemplateRequest {
    pub draft_id: i64,
    /// 0 ordinary (default), 1 standard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_type: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteTemplateRequest {
    pub template_id: i64,
}

/// WeChat sends some ids as numbers and others as strings.
fn int_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IntOrString {
        Int(i64),
        Text(String),
    }
    match IntOrString::deserialize(deserializer)? {
        IntOrString::Int(n) => Ok(n),
        IntOrString::Text(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// The `path` query parameter of get_qrcode (`page/index?action=1`); the
/// client percent-encodes it.
pub fn qrcode_query(path: Option<&str>) -> Vec<(&'static str, String)> {
    path.filter(|p| !p.is_empty())
        .map(|p| vec![("path", p.to_owned())])
        .unwrap_or_default()
}

impl Client {
    /// Uploads code from template `template_id` as the experience version.
    pub async fn commit_code(
        &self,
        ctx: &CallCtx<'_>,
        request: &CommitRequest,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(&COMMIT, ctx, &[], Some(request)).await
    }

    /// The experience version's QR code (JPEG bytes); `path` e.g.
    /// `page/index?action=1` (percent-encoded on the wire).
    pub async fn get_qrcode(&self, ctx: &CallCtx<'_>, path: Option<&str>) -> Result<Binary, Error> {
        self.call_bytes::<()>(&GET_QRCODE, ctx, &qrcode_query(path), None)
            .await
    }

    pub async fn get_category(&self, ctx: &CallCtx<'_>) -> Result<CategoryList, Error> {
        self.call_json::<(), _>(&GET_CATEGORY, ctx, &[], None).await
    }

    pub async fn get_page(&self, ctx: &CallCtx<'_>) -> Result<PageList, Error> {
        self.call_json::<(), _>(&GET_PAGE, ctx, &[], None).await
    }

    pub async fn submit_audit(
        &self,
        ctx: &CallCtx<'_>,
        request: &SubmitAuditRequest,
    ) -> Result<SubmitAuditResponse, Error> {
        self.call_json(&SUBMIT_AUDIT, ctx, &[], Some(request)).await
    }

    pub async fn get_auditstatus(
        &self,
        ctx: &CallCtx<'_>,
        auditid: i64,
    ) -> Result<AuditStatus, Error> {
        self.call_json(
            &GET_AUDITSTATUS,
            ctx,
            &[],
            Some(&AuditIdRequest { auditid }),
        )
        .await
    }

    pub async fn get_latest_auditstatus(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<LatestAuditStatus, Error> {
        self.call_json::<(), _>(&GET_LATEST_AUDITSTATUS, ctx, &[], None)
            .await
    }

    /// Releases the version that passed review (an empty `{}` body).
    pub async fn release(&self, ctx: &CallCtx<'_>) -> Result<crate::client::Ack, Error> {
        self.call_json(&RELEASE, ctx, &[], Some(&serde_json::json!({})))
            .await
    }

    pub async fn change_visitstatus(
        &self,
        ctx: &CallCtx<'_>,
        action: VisitAction,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(
            &CHANGE_VISITSTATUS,
            ctx,
            &[],
            Some(&VisitStatusRequest { action }),
        )
        .await
    }

    /// Rolls the live version back to the previous one (once).
    pub async fn revert_code_release(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json::<(), _>(&REVERT_CODE_RELEASE, ctx, &[], None)
            .await
    }

    pub async fn get_weapp_support_version(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<SupportVersion, Error> {
        self.call_json(
            &GET_WEAPP_SUPPORT_VERSION,
            ctx,
            &[],
            Some(&serde_json::json!({})),
        )
        .await
    }

    pub async fn set_weapp_support_version(
        &self,
        ctx: &CallCtx<'_>,
        version: &str,
    ) -> Result<crate::client::Ack, Error> {
        let body = SetSupportVersionRequest {
            version: version.to_owned(),
        };
        self.call_json(&SET_WEAPP_SUPPORT_VERSION, ctx, &[], Some(&body))
            .await
    }

    pub async fn qrcode_jump_add(
        &self,
        ctx: &CallCtx<'_>,
        request: &QrcodeJumpAddRequest,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(&QRCODE_JUMP_ADD, ctx, &[], Some(request))
            .await
    }

    pub async fn qrcode_jump_get(&self, ctx: &CallCtx<'_>) -> Result<QrcodeJumpList, Error> {
        self.call_json(&QRCODE_JUMP_GET, ctx, &[], Some(&serde_json::json!({})))
            .await
    }

    pub async fn qrcode_jump_download(&self, ctx: &CallCtx<'_>) -> Result<QrcodeJumpFile, Error> {
        self.call_json(
            &QRCODE_JUMP_DOWNLOAD,
            ctx,
            &[],
            Some(&serde_json::json!({})),
        )
        .await
    }

    pub async fn qrcode_jump_delete(
        &self,
        ctx: &CallCtx<'_>,
        prefix: &str,
    ) -> Result<crate::client::Ack, Error> {
        let body = PrefixRequest {
            prefix: prefix.to_owned(),
        };
        self.call_json(&QRCODE_JUMP_DELETE, ctx, &[], Some(&body))
            .await
    }

    pub async fn qrcode_jump_publish(
        &self,
        ctx: &CallCtx<'_>,
        prefix: &str,
    ) -> Result<crate::client::Ack, Error> {
        let body = PrefixRequest {
            prefix: prefix.to_owned(),
        };
        self.call_json(&QRCODE_JUMP_PUBLISH, ctx, &[], Some(&body))
            .await
    }

    /// Withdraws the audit in progress (once a day, 10 times a month).
    pub async fn undo_code_audit(&self, ctx: &CallCtx<'_>) -> Result<crate::client::Ack, Error> {
        self.call_json::<(), _>(&UNDO_CODE_AUDIT, ctx, &[], None)
            .await
    }

    pub async fn gray_release(
        &self,
        ctx: &CallCtx<'_>,
        gray_percentage: i64,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(
            &GRAY_RELEASE,
            ctx,
            &[],
            Some(&GrayReleaseRequest { gray_percentage }),
        )
        .await
    }

    pub async fn revert_gray_release(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json::<(), _>(&REVERT_GRAY_RELEASE, ctx, &[], None)
            .await
    }

    pub async fn get_gray_release_plan(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<GrayReleasePlanResponse, Error> {
        self.call_json::<(), _>(&GET_GRAY_RELEASE_PLAN, ctx, &[], None)
            .await
    }

    /// The experience and online versions (provisional endpoint, see [`GET_VERSION_INFO`]).
    pub async fn get_version_info(&self, ctx: &CallCtx<'_>) -> Result<VersionInfo, Error> {
        self.call_json::<(), _>(&GET_VERSION_INFO, ctx, &[], None)
            .await
    }

    /// Drafts uploaded from the developer tools (component token).
    pub async fn get_template_draft_list(
        &self,
        ctx: &CallCtx<'_>,
    ) -> Result<TemplateDraftList, Error> {
        self.call_json::<(), _>(&GET_TEMPLATE_DRAFT_LIST, ctx, &[], None)
            .await
    }

    /// The template library; `template_type` 0 ordinary / 1 standard, or all.
    pub async fn get_template_list(
        &self,
        ctx: &CallCtx<'_>,
        template_type: Option<i64>,
    ) -> Result<TemplateList, Error> {
        let query: Vec<(&str, String)> = template_type
            .map(|t| vec![("template_type", t.to_string())])
            .unwrap_or_default();
        self.call_json::<(), _>(&GET_TEMPLATE_LIST, ctx, &query, None)
            .await
    }

    pub async fn add_to_template(
        &self,
        ctx: &CallCtx<'_>,
        request: &AddToTemplateRequest,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(&ADD_TO_TEMPLATE, ctx, &[], Some(request))
            .await
    }

    pub async fn delete_template(
        &self,
        ctx: &CallCtx<'_>,
        template_id: i64,
    ) -> Result<crate::client::Ack, Error> {
        self.call_json(
            &DELETE_TEMPLATE,
            ctx,
            &[],
            Some(&DeleteTemplateRequest { template_id }),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latest_auditstatus_accepts_a_string_auditid() {
        let json = r#"{"errcode":0,"errmsg":"ok","auditid":"1234567","status":1,"reason":"帐号信息不合规范"}"#;
        let parsed: LatestAuditStatus = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.auditid, 1234567);
        assert_eq!(parsed.reason.as_deref(), Some("帐号信息不合规范"));
        let numeric: LatestAuditStatus =
            serde_json::from_str(r#"{"auditid":7,"status":2}"#).unwrap();
        assert_eq!(numeric.auditid, 7);
        assert!(
            serde_json::from_str::<LatestAuditStatus>(r#"{"auditid":"x","status":2}"#).is_err()
        );
    }

    #[test]
    fn submit_audit_serializes_the_seed_shape() {
        let request = SubmitAuditRequest {
            item_list: vec![AuditItem {
                address: "index".into(),
                tag: "学习 生活".into(),
                first_class: "文娱".into(),
                second_class: "资讯".into(),
                first_id: 1,
                second_id: 2,
                title: "首页".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        let value = serde_json::to_value(&request).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"item_list": [{"address": "index", "tag": "学习 生活", "first_class": "文娱",
                "second_class": "资讯", "first_id": 1, "second_id": 2, "title": "首页"}]})
        );
    }

    #[test]
    fn reads_the_seed_examples() {
        let category: CategoryList = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","category_list":[{"first_class":"工具","second_class":"备忘录","first_id":1,"second_id":2},
            {"first_class":"教育","second_class":"学历教育","third_class":"高等","first_id":3,"second_id":4,"third_id":5}]}"#,
        )
        .unwrap();
        assert_eq!(category.category_list[1].third_id, Some(5));
        let jump: QrcodeJumpList = serde_json::from_str(
            r#"{"rule_list":[{"prefix":"https://weixin.qq.com/qrcodejump","open_version":1,"state":1,"permit_sub_rule":1,
            "path":"pages/index/index","debug_url":["https://weixin.qq.com/qrcodejump?a=1"]}],
            "qrcodejump_open":0,"errcode":0,"list_size":1,"errmsg":"ok","qrcodejump_pub_quota":20}"#,
        )
        .unwrap();
        assert_eq!(jump.qrcodejump_pub_quota, 20);
        let support: SupportVersion = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","now_version":"1.0.0","uv_info":{"items":[{"percentage":0,"version":"1.0.0"}]}}"#,
        )
        .unwrap();
        assert_eq!(support.uv_info.items[0].version, "1.0.0");
        let plan: GrayReleasePlanResponse = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","gray_release_plan":{"status":1,"create_timestamp":1517553721,"gray_percentage":8}}"#,
        )
        .unwrap();
        assert_eq!(plan.gray_release_plan.gray_percentage, 8);
    }

    #[test]
    fn version_info_reads_both_parts_or_none() {
        let info: VersionInfo = serde_json::from_str(
            r#"{"errcode":0,"errmsg":"ok","exp_info":{"exp_time":1612336586,"exp_version":"1.0.1","exp_desc":"d"},
            "release_info":{"release_time":1612335830,"release_version":"1.0.0","release_desc":"r"}}"#,
        )
        .unwrap();
        assert_eq!(info.exp_info.unwrap().exp_version, "1.0.1");
        assert_eq!(info.release_info.unwrap().release_time, 1612335830);
        let none: VersionInfo = serde_json::from_str(r#"{"errcode":0,"errmsg":"ok"}"#).unwrap();
        assert_eq!(none, VersionInfo::default());
        let read_only = [GET_VERSION_INFO].iter().all(|e| !e.writes);
        assert!(read_only);
    }

    #[test]
    fn writes_and_reads_are_marked() {
        for e in [REVERT_CODE_RELEASE, UNDO_CODE_AUDIT, REVERT_GRAY_RELEASE] {
            assert_eq!(e.method, Method::Get);
            assert!(e.writes, "{}", e.path);
        }
        for e in [GET_AUDITSTATUS, QRCODE_JUMP_GET, GET_WEAPP_SUPPORT_VERSION] {
            assert_eq!(e.method, Method::Post);
            assert!(!e.writes, "{}", e.path);
        }
        for e in ENDPOINTS {
            let component = e.path.contains("template");
            assert_eq!(
                e.auth,
                if component {
                    Auth::Component
                } else {
                    Auth::Authorizer
                },
                "{}",
                e.path
            );
        }
    }
}
