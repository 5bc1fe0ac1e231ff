//! The release pipeline of one mini program: commit → experience QR → submit audit →
//! (undo) → release → visit status / revert / gray release / support version.
//!
//! Every action is checked against WeChat's state rules (domain::release::state) on the
//! server before WeChat is called, every write call is written to the audit log, and a write
//! whose answer was lost (OutcomeUnknown) is reconciled by reading WeChat's state instead of
//! being repeated.

use super::audit_log::{self, Actor, Event};
use super::{audit_tracking, mini_programs, AppState};
use crate::api::release::{
    AuditInfo, CommitInfo, OnlineInfo, ReleaseView, SubmitOptions, SupportInfo, TemplateOption,
};
use crate::db::{self, code_audits, code_commits, release_status, Db};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::merchant_permission::{need_for, MerchantPermission, Need};
use crate::domain::release::commit::{check_commit, CommitForm};
use crate::domain::release::ext_json::JsonObject;
use crate::domain::release::gray::{check_gray_percentage, GrayPlan, GrayStatus};
use crate::domain::release::state::{
    available_actions, Action, AuditStatus, AuditVersion, DevelopmentVersion, OnlineVersion,
    ReleaseState, Unavailable, VisitStatus,
};
use crate::domain::release::submission::{check_audit_items, AuditItem, Category};
use crate::domain::release::undo_quota::undo_quota;
use crate::domain::release::{field_errors, support_version::check_support_version};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use serde_json::json;
use wechat::api::code as wx;

/// How many audits the history shows.
const HISTORY_LIMIT: i64 = 20;

/// Who acts: a signed-in user, or the console itself (demo seeding).
#[derive(Clone, Debug)]
pub struct Operator {
    pub id: Option<i64>,
    pub name: String,
    pub role: Option<&'static str>,
    pub merchant_id: Option<i64>,
}

impl From<&CurrentUser> for Operator {
    fn from(u: &CurrentUser) -> Self {
        Operator {
            id: Some(u.id),
            name: u.username.clone(),
            role: Some(u.role.as_str()),
            merchant_id: u.merchant_id,
        }
    }
}

impl Operator {
    pub fn system(name: &str) -> Self {
        Operator {
            id: None,
            name: name.to_owned(),
            role: None,
            merchant_id: None,
        }
    }

    fn actor(&self) -> Actor<'_> {
        Actor {
            id: self.id,
            name: &self.name,
            role: self.role,
            merchant_id: self.merchant_id,
        }
    }
}

/// A merchant reaches only its own mini programs; another's is reported as missing.
async fn authorize(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<MiniProgramRow, AppError> {
    mini_programs::get(&state.db, user, appid).await
}

/// The same, for an action that changes something: the merchant's permission must include it.
async fn authorize_to(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    need: Need,
) -> Result<MiniProgramRow, AppError> {
    let program = authorize(state, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &program, need).await?;
    Ok(program)
}

fn unavailable(u: Unavailable) -> AppError {
    AppError::ReleaseUnavailable(u)
}

/// Writes one release action to the audit log.
async fn log(
    db: &Db,
    op: &Operator,
    program: &MiniProgramRow,
    action: &str,
    result: Result<String, String>,
) -> Result<(), AppError> {
    let (outcome, detail) = match &result {
        Ok(d) => (Outcome::Success, d.as_str()),
        Err(d) => (Outcome::Failure, d.as_str()),
    };
    audit_log::record(
        db,
        op.actor(),
        Event {
            action,
            target_type: "mini_program",
            target_id: &program.appid,
            merchant_id: program.merchant_id,
            outcome,
            detail,
        },
    )
    .await
}

fn describe(e: &wechat::Error) -> String {
    match e {
        wechat::Error::Api {
            errcode, errmsg, ..
        } => format!("errcode {errcode}: {errmsg}"),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Reading the state
// ---------------------------------------------------------------------------

struct Loaded {
    state: ReleaseState,
    commit: Option<code_commits::CommitRow>,
    audit: Option<code_audits::AuditRow>,
    status: Option<release_status::StatusRow>,
}

fn gray_plan(status: Option<i64>, percentage: Option<i64>) -> Option<GrayPlan> {
    let status = GrayStatus::from_code(status?)?;
    let percentage = u8::try_from(percentage.unwrap_or(0).clamp(0, 100)).unwrap_or(0);
    Some(GrayPlan { status, percentage })
}

async fn load(db: &Db, appid: &str, now: i64) -> Result<Loaded, AppError> {
    let commit = code_commits::latest_for_app(db, appid).await?;
    let audit = code_audits::latest_for_app(db, appid).await?;
    let status = release_status::get(db, appid).await?;
    let undo = code_audits::undo_times(db, appid).await?;
    let online = status.as_ref().and_then(|s| {
        s.online_version.as_ref().map(|v| OnlineVersion {
            user_version: v.clone(),
            has_previous: s.previous_version.is_some(),
            is_reverted: s.online_is_reverted != 0,
        })
    });
    let state = ReleaseState {
        development: commit.as_ref().map(|c| DevelopmentVersion {
            user_version: c.user_version.clone(),
            user_desc: c.user_desc.clone(),
        }),
        // A released audit is no audit version any more (WeChat: 85019/85020/85080).
        audit: audit
            .as_ref()
            .filter(|a| a.released_at.is_none())
            .and_then(|a| {
                Some(AuditVersion {
                    auditid: a.auditid,
                    status: AuditStatus::from_code(a.status)?,
                    reason: a.reason.clone(),
                })
            }),
        online,
        gray: status
            .as_ref()
            .and_then(|s| gray_plan(s.gray_status, s.gray_percentage)),
        visit: match status.as_ref().map(|s| s.visit_status.as_str()) {
            Some("close") => VisitStatus::Closed,
            _ => VisitStatus::Open,
        },
        undo_quota: undo_quota(&undo, now),
    };
    Ok(Loaded {
        state,
        commit,
        audit,
        status,
    })
}

/// Reads the gray plan from WeChat and stores it; the stored plan stays when WeChat cannot
/// be reached (the page still renders).
async fn sync_gray(state: &AppState, appid: &str, now: i64) -> Result<(), AppError> {
    let platform = state.platform()?;
    let plan = platform
        .client
        .get_gray_release_plan(&platform.ctx(appid))
        .await?
        .gray_release_plan;
    let stored = (plan.status != 0 || plan.gray_percentage != 0)
        .then_some((plan.status, plan.gray_percentage));
    release_status::set_gray(&state.db, appid, stored, now).await?;
    Ok(())
}

fn audit_info(a: &code_audits::AuditRow) -> AuditInfo {
    AuditInfo {
        auditid: a.auditid,
        status: a.status,
        reason: a.reason.clone(),
        screenshots: a
            .screenshots
            .as_deref()
            .unwrap_or("")
            .split('|')
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
            .collect(),
        user_version: a.user_version.clone(),
        submitted_by_name: a.submitted_by_name.clone(),
        submitted_at: a.submitted_at,
        finished_at: a.finished_at,
        result_source: a.result_source.clone(),
        released: a.released_at.is_some(),
    }
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    program: &MiniProgramRow,
    support: Option<SupportInfo>,
) -> Result<ReleaseView, AppError> {
    let now = db::now();
    let grant = mini_programs::grant_of(&state.db, user).await?;
    let Loaded {
        state: rs,
        commit,
        audit,
        status,
    } = load(&state.db, &program.appid, now).await?;
    let history = code_audits::list_for_app(&state.db, &program.appid, HISTORY_LIMIT)
        .await?
        .iter()
        .map(audit_info)
        .collect();
    let online = status.as_ref().and_then(|s| {
        s.online_version.as_ref().map(|v| OnlineInfo {
            version: v.clone(),
            desc: s.online_desc.clone(),
            released_at: s.online_released_at,
            previous_version: s.previous_version.clone(),
            is_reverted: s.online_is_reverted != 0,
        })
    });
    let support = support.or_else(|| {
        status
            .as_ref()
            .and_then(|s| s.support_version.clone())
            .map(|now_version| SupportInfo {
                now_version,
                items: Vec::new(),
            })
    });
    Ok(ReleaseView {
        appid: program.appid.clone(),
        nick_name: program.nick_name.clone(),
        development: commit.map(|c| CommitInfo {
            id: c.id,
            template_id: c.template_id,
            user_version: c.user_version,
            user_desc: c.user_desc,
            ext_json: c.ext_json,
            committed_by_name: c.committed_by_name,
            committed_at: c.committed_at,
        }),
        audit: audit.as_ref().map(audit_info),
        history,
        online,
        gray: rs.gray,
        visit: rs.visit,
        support,
        undo_quota: rs.undo_quota,
        actions: granted(available_actions(&rs), grant),
        grant,
        state: rs,
        now,
        simulator: simulator_for(state, user).is_some(),
    })
}

/// Actions outside the merchant's permission show as unavailable, with that reason.
fn granted(
    actions: Vec<(Action, Result<(), Unavailable>)>,
    grant: MerchantPermission,
) -> Vec<(Action, Result<(), Unavailable>)> {
    actions
        .into_iter()
        .map(|(a, r)| {
            if grant.allows(need_for(a)) {
                (a, r)
            } else {
                (a, Err(Unavailable::NotGranted))
            }
        })
        .collect()
}

async fn read_support(state: &AppState, appid: &str) -> Option<SupportInfo> {
    let platform = state.platform().ok()?;
    let answer = platform
        .client
        .get_weapp_support_version(&platform.ctx(appid))
        .await
        .ok()?;
    Some(SupportInfo {
        now_version: answer.now_version,
        items: answer
            .uv_info
            .items
            .into_iter()
            .map(|i| (i.version, i.percentage))
            .collect(),
    })
}

/// The page's data. The gray plan and the support version are read from WeChat each time
/// (reads only); everything else is the console's own record.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    let now = db::now();
    if let Err(e) = sync_gray(state, appid, now).await {
        tracing::debug!(appid, error = %e, "gray plan not read; showing the stored one");
    }
    let support = read_support(state, appid).await;
    build_view(state, user, &program, support).await
}

/// The simulator's control API, for staff in the embedded default only.
fn simulator_for(state: &AppState, user: &CurrentUser) -> Option<String> {
    if !user.role.sees_whole_fleet() {
        return None;
    }
    state.platform.as_ref()?.simulator_control.clone()
}

/// Simulator mode only, staff only: plays the reviewers' verdict on the pending audit
/// (0 approved, 1 rejected, 4 delayed) and records it like the refresh does.
pub async fn simulate_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    status: i64,
    reason: Option<String>,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    let control = simulator_for(state, user).ok_or(AppError::Forbidden)?;
    if ![0, 1, 4].contains(&status) {
        return Err(crate::error::field_error(
            "status",
            crate::domain::validation::FieldProblem::UnknownValue,
        ));
    }
    let loaded = load(&state.db, appid, db::now()).await?;
    if !loaded
        .state
        .audit
        .as_ref()
        .is_some_and(|a| a.status.is_pending())
    {
        return Err(unavailable(Unavailable::NoPendingAudit));
    }
    wechat::simulator::SimControl::new(control)
        .finish_audit(
            appid,
            status,
            reason.as_deref().filter(|r| !r.trim().is_empty()),
        )
        .await
        .map_err(|e| AppError::WechatUnavailable(e.to_string()))?;
    refresh_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}

// ---------------------------------------------------------------------------
// Templates and submit options
// ---------------------------------------------------------------------------

/// Provisional base for the merge preview: WeChat's template list has no app.json, so the
/// console starts from the template's pages (the simulator knows them through a commit's
/// get_page; the template list names none) and an empty window. Documented on the page.
pub fn template_app_json(pages: &[String], desc: &str) -> JsonObject {
    let mut o = JsonObject::new();
    if !pages.is_empty() {
        o.insert("pages".into(), json!(pages));
    }
    o.insert("window".into(), json!({ "navigationBarTitleText": desc }));
    o
}

async fn template_list(state: &AppState) -> Result<Vec<wx::CodeTemplate>, AppError> {
    let platform = state.platform()?;
    Ok(platform
        .client
        .get_template_list(&platform.component_ctx(), None)
        .await?
        .template_list)
}

pub async fn templates(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<Vec<TemplateOption>, AppError> {
    authorize(state, user, appid).await?;
    Ok(template_list(state)
        .await?
        .into_iter()
        .map(|t| TemplateOption {
            app_json: template_app_json(&[], &t.user_desc),
            template_id: t.template_id,
            user_version: t.user_version,
            user_desc: t.user_desc,
            create_time: t.create_time,
        })
        .collect())
}

fn categories_of(list: Vec<wx::CategoryItem>) -> Vec<Category> {
    let id = |v: i64| u32::try_from(v).unwrap_or(0);
    list.into_iter()
        .map(|c| Category {
            first_class: c.first_class,
            second_class: c.second_class,
            third_class: c.third_class,
            first_id: id(c.first_id),
            second_id: id(c.second_id),
            third_id: c.third_id.map(id),
        })
        .collect()
}

async fn read_submit_options(state: &AppState, appid: &str) -> Result<SubmitOptions, AppError> {
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let pages = match platform.client.get_page(&ctx).await {
        Ok(p) => p.page_list,
        // Nothing committed yet: no pages to choose from.
        Err(wechat::Error::Api { errcode: 85086, .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let categories = categories_of(platform.client.get_category(&ctx).await?.category_list);
    Ok(SubmitOptions { pages, categories })
}

pub async fn submit_options(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<SubmitOptions, AppError> {
    authorize(state, user, appid).await?;
    read_submit_options(state, appid).await
}

// ---------------------------------------------------------------------------
// Experience QR code
// ---------------------------------------------------------------------------

/// The experience version's QR code (JPEG), optionally opening `path`.
pub async fn qrcode(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    path: Option<&str>,
) -> Result<(String, Vec<u8>), AppError> {
    authorize(state, user, appid).await?;
    let path = path.map(str::trim).filter(|p| !p.is_empty());
    if path.is_some_and(|p| p.chars().count() > 1024) {
        return Err(crate::error::field_error(
            "path",
            crate::domain::validation::FieldProblem::TooLong { max: 1024 },
        ));
    }
    let platform = state.platform()?;
    let image = platform
        .client
        .get_qrcode(&platform.ctx(appid), path)
        .await?;
    Ok((image.content_type, image.bytes.to_vec()))
}

// ---------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------

pub async fn commit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    form: CommitForm,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    commit_as(state, &user.into(), &program, form).await?;
    build_view(state, user, &program, None).await
}

/// Commits code as `op` (also used by demo seeding). Returns the commit row id.
pub async fn commit_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
    form: CommitForm,
) -> Result<i64, AppError> {
    let templates = template_list(state).await?;
    let ids: Vec<i64> = templates.iter().map(|t| t.template_id).collect();
    let base = templates
        .iter()
        .find(|t| Some(t.template_id) == form.template_id)
        .map(|t| template_app_json(&[], &t.user_desc));
    // Without the template's pages the paths are checked against ext_json's own pages only.
    let base = base.filter(|b| b.contains_key("pages"));
    check_commit(&form, Some(&ids), base.as_ref())
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let template_id = form.template_id.unwrap_or_default();
    let ext_json = form.ext_json.trim().to_owned();
    let user_version = form.user_version.trim().to_owned();
    let request = wx::CommitRequest {
        template_id,
        ext_json: ext_json.clone(),
        user_version: user_version.clone(),
        user_desc: form.user_desc.clone(),
    };
    let platform = state.platform()?;
    let detail = format!("template={template_id} version={user_version}");
    match platform
        .client
        .commit_code(&platform.ctx(&program.appid), &request)
        .await
    {
        Ok(_) => {
            log(&state.db, op, program, action::RELEASE_COMMIT, Ok(detail)).await?;
            let id = code_commits::insert(
                &state.db,
                &code_commits::NewCommit {
                    appid: &program.appid,
                    template_id,
                    user_version: &user_version,
                    user_desc: &form.user_desc,
                    ext_json: &ext_json,
                    committed_by: op.id,
                    committed_by_name: &op.name,
                },
                db::now(),
            )
            .await?;
            Ok(id)
        }
        Err(e) => {
            let why = format!("{detail} {}", describe(&e));
            log(&state.db, op, program, action::RELEASE_COMMIT, Err(why)).await?;
            Err(e.into())
        }
    }
}

fn to_wechat_item(i: &AuditItem) -> wx::AuditItem {
    wx::AuditItem {
        address: i.address.trim().to_owned(),
        tag: i.tag.split_whitespace().collect::<Vec<_>>().join(" "),
        first_class: i.first_class.trim().to_owned(),
        second_class: i.second_class.trim().to_owned(),
        third_class: i
            .third_class
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        first_id: i64::from(i.first_id),
        second_id: i64::from(i.second_id),
        third_id: i.third_id.filter(|&t| t != 0).map(i64::from),
        title: i.title.trim().to_owned(),
    }
}

pub async fn submit_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    items: Vec<AuditItem>,
    feedback_info: Option<String>,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    submit_as(state, &user.into(), &program, items, feedback_info).await?;
    build_view(state, user, &program, None).await
}

/// Submits the development version for review as `op`. Returns the auditid.
pub async fn submit_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
    items: Vec<AuditItem>,
    feedback_info: Option<String>,
) -> Result<i64, AppError> {
    let appid = program.appid.as_str();
    let now = db::now();
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_submit_audit().map_err(unavailable)?;
    let options = read_submit_options(state, appid).await?;
    check_audit_items(&items, &options.pages, &options.categories)
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let feedback_info =
        crate::domain::release::submission::check_feedback(feedback_info.as_deref())
            .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let wechat_items: Vec<wx::AuditItem> = items.iter().map(to_wechat_item).collect();
    let item_list = serde_json::to_string(&wechat_items).unwrap_or_else(|_| "[]".into());
    let request = wx::SubmitAuditRequest {
        item_list: wechat_items,
        feedback_info,
        ..Default::default()
    };
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let commit = loaded.commit.as_ref();
    let version = commit.map(|c| c.user_version.clone()).unwrap_or_default();
    let record = |auditid: i64| code_audits::NewAudit {
        appid,
        auditid,
        commit_id: commit.map(|c| c.id),
        user_version: &version,
        item_list: &item_list,
        submitted_by: op.id,
        submitted_by_name: &op.name,
    };
    let auditid = match platform.client.submit_audit(&ctx, &request).await {
        Ok(answer) => answer.auditid,
        Err(wechat::Error::OutcomeUnknown(why)) => {
            // The answer was lost: ask WeChat what the latest audit is before anything else.
            let latest = platform.client.get_latest_auditstatus(&ctx).await;
            let known = loaded.audit.as_ref().map(|a| a.auditid);
            match latest {
                Ok(l)
                    if Some(l.auditid) != known
                        && AuditStatus::from_code(l.status)
                            .is_some_and(AuditStatus::is_pending) =>
                {
                    l.auditid
                }
                _ => {
                    let why = format!("version={version} outcome unknown: {why}");
                    log(
                        &state.db,
                        op,
                        program,
                        action::RELEASE_SUBMIT_AUDIT,
                        Err(why),
                    )
                    .await?;
                    return Err(AppError::WechatUnavailable(
                        "submit_audit: no answer, and no new audit found".into(),
                    ));
                }
            }
        }
        Err(e) => {
            let why = format!("version={version} {}", describe(&e));
            log(
                &state.db,
                op,
                program,
                action::RELEASE_SUBMIT_AUDIT,
                Err(why),
            )
            .await?;
            return Err(e.into());
        }
    };
    let detail = format!("version={version} auditid={auditid}");
    log(
        &state.db,
        op,
        program,
        action::RELEASE_SUBMIT_AUDIT,
        Ok(detail),
    )
    .await?;
    code_audits::insert_submitted(&state.db, &record(auditid), db::now()).await?;
    Ok(auditid)
}

pub async fn refresh_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize(state, user, appid).await?;
    refresh_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}

/// Reads the pending audit's status (get_auditstatus) and records a result with the same
/// conditional update as push and polling. True when the record changed.
pub async fn refresh_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
) -> Result<bool, AppError> {
    let appid = program.appid.as_str();
    let Some(audit) = code_audits::latest_for_app(&state.db, appid).await? else {
        return Err(unavailable(Unavailable::NoPendingAudit));
    };
    if audit.status != code_audits::AUDITING && audit.status != code_audits::DELAYED {
        return Ok(false);
    }
    // The same path as push and polling, so the result also notifies the mini program's people.
    let answer = audit_tracking::ask_wechat(state, appid, audit.auditid).await?;
    let changed =
        audit_tracking::record(state, &answer.reported(appid, audit.auditid, "refresh")).await?;
    if changed {
        let detail = format!("auditid={} status={}", audit.auditid, answer.status);
        log(
            &state.db,
            op,
            program,
            action::RELEASE_AUDIT_REFRESH,
            Ok(detail),
        )
        .await?;
    }
    Ok(changed)
}

pub async fn undo_audit(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Submit).await?;
    let op: Operator = user.into();
    let now = db::now();
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_undo_audit().map_err(unavailable)?;
    let auditid = loaded.audit.as_ref().map(|a| a.auditid).unwrap_or_default();
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let withdrawn = match platform.client.undo_code_audit(&ctx).await {
        Ok(_) => Ok(()),
        Err(wechat::Error::OutcomeUnknown(why)) => {
            match platform.client.get_auditstatus(&ctx, auditid).await {
                Ok(s) if s.status == code_audits::WITHDRAWN => Ok(()),
                _ => Err(AppError::WechatUnavailable(format!(
                    "undocodeaudit: outcome unknown: {why}"
                ))),
            }
        }
        Err(e) => {
            let why = format!("auditid={auditid} {}", describe(&e));
            log(
                &state.db,
                &op,
                &program,
                action::RELEASE_UNDO_AUDIT,
                Err(why),
            )
            .await?;
            return Err(e.into());
        }
    };
    withdrawn?;
    code_audits::mark_withdrawn(&state.db, appid, auditid, db::now()).await?;
    let detail = format!("auditid={auditid}");
    log(
        &state.db,
        &op,
        &program,
        action::RELEASE_UNDO_AUDIT,
        Ok(detail),
    )
    .await?;
    build_view(state, user, &program, None).await
}

pub async fn release(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    release_as(state, &user.into(), &program).await?;
    build_view(state, user, &program, None).await
}

/// Releases the approved audit version as `op`.
pub async fn release_as(
    state: &AppState,
    op: &Operator,
    program: &MiniProgramRow,
) -> Result<(), AppError> {
    let appid = program.appid.as_str();
    let loaded = load(&state.db, appid, db::now()).await?;
    loaded.state.can_release().map_err(unavailable)?;
    let Some(audit) = loaded.audit else {
        return Err(unavailable(Unavailable::NoAuditVersion));
    };
    let platform = state.platform()?;
    if let Err(e) = platform.client.release(&platform.ctx(appid)).await {
        let why = format!("version={} {}", audit.user_version, describe(&e));
        log(&state.db, op, program, action::RELEASE_RELEASE, Err(why)).await?;
        return Err(e.into());
    }
    let now = db::now();
    let commit = match audit.commit_id {
        Some(id) => code_commits::find(&state.db, id).await?,
        None => None,
    };
    code_audits::mark_released(&state.db, audit.id, now).await?;
    release_status::record_release(
        &state.db,
        appid,
        &release_status::Released {
            version: &audit.user_version,
            desc: commit.as_ref().map(|c| c.user_desc.as_str()).unwrap_or(""),
            template_id: commit.as_ref().map(|c| c.template_id),
            commit_id: audit.commit_id,
        },
        now,
    )
    .await?;
    let detail = format!("version={} auditid={}", audit.user_version, audit.auditid);
    log(&state.db, op, program, action::RELEASE_RELEASE, Ok(detail)).await
}

pub async fn change_visit_status(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    visit_action: String,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let target = VisitStatus::parse_action(visit_action.trim()).map_err(unavailable)?;
    let loaded = load(&state.db, appid, db::now()).await?;
    loaded
        .state
        .can_change_visit_status(target)
        .map_err(unavailable)?;
    let platform = state.platform()?;
    let wx_action = match target {
        VisitStatus::Open => wx::VisitAction::Open,
        VisitStatus::Closed => wx::VisitAction::Close,
    };
    let detail = format!("action={}", target.action());
    if let Err(e) = platform
        .client
        .change_visitstatus(&platform.ctx(appid), wx_action)
        .await
    {
        let why = format!("{detail} {}", describe(&e));
        log(
            &state.db,
            &op,
            &program,
            action::RELEASE_VISIT_STATUS,
            Err(why),
        )
        .await?;
        return Err(e.into());
    }
    release_status::set_visit_status(&state.db, appid, target.action(), db::now()).await?;
    log(
        &state.db,
        &op,
        &program,
        action::RELEASE_VISIT_STATUS,
        Ok(detail),
    )
    .await?;
    build_view(state, user, &program, None).await
}

pub async fn revert(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let now = db::now();
    // The gray plan decides (87011): read it fresh.
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_revert().map_err(unavailable)?;
    let from = loaded
        .status
        .as_ref()
        .and_then(|s| s.online_version.clone())
        .unwrap_or_default();
    let to = loaded
        .status
        .as_ref()
        .and_then(|s| s.previous_version.clone())
        .unwrap_or_default();
    let detail = format!("from={from} to={to}");
    let platform = state.platform()?;
    if let Err(e) = platform
        .client
        .revert_code_release(&platform.ctx(appid))
        .await
    {
        let why = format!("{detail} {}", describe(&e));
        log(&state.db, &op, &program, action::RELEASE_REVERT, Err(why)).await?;
        return Err(e.into());
    }
    release_status::record_revert(&state.db, appid, db::now()).await?;
    log(&state.db, &op, &program, action::RELEASE_REVERT, Ok(detail)).await?;
    build_view(state, user, &program, None).await
}

pub async fn gray_release(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    percentage: i64,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let now = db::now();
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_gray_release().map_err(unavailable)?;
    let percentage = check_gray_percentage(percentage, loaded.state.gray.as_ref())
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    let detail = format!("percentage={percentage}");
    match platform
        .client
        .gray_release(&ctx, i64::from(percentage))
        .await
    {
        Ok(_) => {}
        Err(wechat::Error::OutcomeUnknown(why)) => {
            // Did the step happen? The plan says.
            let plan = platform.client.get_gray_release_plan(&ctx).await;
            let reached = plan.as_ref().is_ok_and(|p| {
                p.gray_release_plan.status == 1
                    && p.gray_release_plan.gray_percentage == i64::from(percentage)
            });
            if !reached {
                let why = format!("{detail} outcome unknown: {why}");
                log(&state.db, &op, &program, action::RELEASE_GRAY, Err(why)).await?;
                return Err(AppError::WechatUnavailable(
                    "grayrelease: no answer, and the plan did not change".into(),
                ));
            }
        }
        Err(e) => {
            let why = format!("{detail} {}", describe(&e));
            log(&state.db, &op, &program, action::RELEASE_GRAY, Err(why)).await?;
            return Err(e.into());
        }
    }
    sync_gray(state, appid, db::now()).await?;
    log(&state.db, &op, &program, action::RELEASE_GRAY, Ok(detail)).await?;
    build_view(state, user, &program, None).await
}

pub async fn revert_gray(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let now = db::now();
    sync_gray(state, appid, now).await?;
    let loaded = load(&state.db, appid, now).await?;
    loaded.state.can_revert_gray().map_err(unavailable)?;
    let detail = format!(
        "percentage={}",
        loaded.state.gray.map(|g| g.percentage).unwrap_or(0)
    );
    let platform = state.platform()?;
    let ctx = platform.ctx(appid);
    match platform.client.revert_gray_release(&ctx).await {
        Ok(_) => {}
        Err(wechat::Error::OutcomeUnknown(_)) => {
            // Reconciled below: the plan read back says whether it was reverted.
        }
        Err(e) => {
            let why = format!("{detail} {}", describe(&e));
            log(
                &state.db,
                &op,
                &program,
                action::RELEASE_REVERT_GRAY,
                Err(why),
            )
            .await?;
            return Err(e.into());
        }
    }
    sync_gray(state, appid, db::now()).await?;
    let after = load(&state.db, appid, db::now()).await?;
    if after.state.gray.is_some_and(|g| g.is_active()) {
        let why = format!("{detail} outcome unknown: plan still active");
        log(
            &state.db,
            &op,
            &program,
            action::RELEASE_REVERT_GRAY,
            Err(why),
        )
        .await?;
        return Err(AppError::WechatUnavailable(
            "revertgrayrelease: the plan is still active".into(),
        ));
    }
    log(
        &state.db,
        &op,
        &program,
        action::RELEASE_REVERT_GRAY,
        Ok(detail),
    )
    .await?;
    build_view(state, user, &program, None).await
}

pub async fn set_support_version(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    version: String,
) -> Result<ReleaseView, AppError> {
    let program = authorize_to(state, user, appid, Need::Release).await?;
    let op: Operator = user.into();
    let version = version.trim().to_owned();
    let known: Option<Vec<String>> = read_support(state, appid)
        .await
        .map(|s| s.items.into_iter().map(|(v, _)| v).collect());
    check_support_version(&version, known.as_deref())
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let platform = state.platform()?;
    let detail = format!("version={version}");
    if let Err(e) = platform
        .client
        .set_weapp_support_version(&platform.ctx(appid), &version)
        .await
    {
        let why = format!("{detail} {}", describe(&e));
        log(
            &state.db,
            &op,
            &program,
            action::RELEASE_SUPPORT_VERSION,
            Err(why),
        )
        .await?;
        return Err(e.into());
    }
    release_status::set_support_version(&state.db, appid, &version, db::now()).await?;
    log(
        &state.db,
        &op,
        &program,
        action::RELEASE_SUPPORT_VERSION,
        Ok(detail),
    )
    .await?;
    let support = read_support(state, appid).await;
    build_view(state, user, &program, support).await
}
