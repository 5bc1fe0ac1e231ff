//! Plugins (插件): one mini program's plugins as WeChat lists them (`/wxa/plugin` list: AppID,
//! name, status) with the console's records of the applications it made (when, why, who, the
//! version of the last quick update), apply / quick update / unbind after the console's own
//! checks; and, for a mini program that owns a plugin, the applications to use it
//! (`/wxa/devplugin` dev_apply_list, a page at a time) with approve / refuse (a reason is
//! required) / delete, checked first against WeChat's state rules on the page acted on. A
//! write whose answer was lost is settled from WeChat's list, so a retry does nothing twice.
//! Every write goes to the audit log; merchants act only on their own mini programs, within
//! their merchant's permission. 61007 (permission set 40 not granted) is shown in the page.

use super::audit_log;
use super::platform::Platform;
use super::{mini_programs, AppState};
use crate::db;
use crate::domain::merchant_permission::Need;
use crate::domain::plugins::{
    self as rules, errcode, is_valid_appid, may_own_plugin, normalize_appid, normalize_reason,
    ApplicationsView, Decision, PluginApplication, PluginStatus, PluginsView, UsedPlugin,
    WechatRefusal, APPLICATIONS_PER_PAGE, MAX_PAGE,
};
use crate::domain::release::{field_errors, Violation};
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, MiniProgramRow};

/// Applying for, updating and removing plugins changes what the code can call, and deciding
/// on applications is the plugin's own release business: merchants need the Submit grant, as
/// for testers (View only looks).
const NEED: Need = Need::Submit;

async fn record(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record_program_action(&state.db, user, p, "plugin", action, result, detail).await
}

fn invalid(v: Violation) -> AppError {
    AppError::Invalid(field_errors(vec![v]))
}

/// WeChat's refusal to show a page at all: 61007, the permission set not granted. The page
/// says so (with the errcode and its meaning) instead of failing.
fn refusal(e: &AppError) -> Option<WechatRefusal> {
    match e {
        AppError::Wechat {
            errcode: code,
            zh,
            en,
            ..
        } if *code == errcode::SCOPE_NOT_GRANTED => Some(WechatRefusal {
            errcode: *code,
            zh: zh.clone(),
            en: en.clone(),
        }),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// The plugins a mini program uses.
// ---------------------------------------------------------------------------

/// What WeChat lists now and what the console knows of it.
struct Current {
    listed: Vec<wechat::api::plugin::UsedPlugin>,
    /// The console's records of listed plugins (the others were dropped).
    records: Vec<db::plugins::PluginUseRecord>,
}

impl Current {
    fn plugins(&self) -> Vec<UsedPlugin> {
        self.listed
            .iter()
            .map(|x| {
                let known = self.records.iter().find(|r| r.plugin_appid == x.appid);
                UsedPlugin {
                    plugin_appid: x.appid.clone(),
                    nickname: x.nickname.clone(),
                    status: PluginStatus::from_code(x.status),
                    applied_at: known.map(|r| r.applied_at),
                    applied_by: known.map(|r| r.applied_by_name.clone()),
                    reason: known.map(|r| r.reason.clone()),
                    user_version: known.and_then(|r| r.user_version.clone()),
                }
            })
            .collect()
    }
}

async fn listed(
    state: &AppState,
    appid: &str,
) -> Result<Vec<wechat::api::plugin::UsedPlugin>, AppError> {
    let platform = state.platform()?;
    Ok(platform.client.plugin_list(&platform.ctx(appid)).await?)
}

async fn read_current(state: &AppState, p: &MiniProgramRow) -> Result<Current, AppError> {
    let listed = listed(state, &p.appid).await?;
    let appids: Vec<String> = listed.iter().map(|x| x.appid.clone()).collect();
    let records = db::plugins::keep_listed(&state.db, &p.appid, &appids).await?;
    Ok(Current { listed, records })
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    current: Result<Current, AppError>,
) -> Result<PluginsView, AppError> {
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    let (plugins, refused) = match current {
        Ok(c) => (c.plugins(), None),
        Err(e) => match refusal(&e) {
            Some(r) => (Vec::new(), Some(r)),
            None => return Err(e),
        },
    };
    Ok(PluginsView {
        appid: p.appid.clone(),
        nick_name: p.nick_name.clone(),
        subject: p.subject,
        plugins,
        refusal: refused,
        grant,
        now: db::now(),
    })
}

async fn fresh_view(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
) -> Result<PluginsView, AppError> {
    let current = read_current(state, p).await;
    build_view(state, user, p, current).await
}

/// One mini program's plugins as WeChat lists them now.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<PluginsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    fresh_view(state, user, &p).await
}

/// apply's answer was lost: WeChat's list says whether it happened (the plugin listed as
/// applied for or in use); otherwise nothing happened and a retry is safe.
async fn settle_lost_apply(
    state: &AppState,
    p: &MiniProgramRow,
    plugin_appid: &str,
    lost: wechat::Error,
) -> Result<(), AppError> {
    let after = listed(state, &p.appid).await?;
    let applied = after
        .iter()
        .any(|x| x.appid == plugin_appid && PluginStatus::from_code(x.status).is_live());
    if applied {
        Ok(())
    } else {
        Err(lost.into())
    }
}

async fn checked_apply(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    plugin_appid: &str,
    reason: &str,
) -> Result<(), AppError> {
    let current = read_current(state, p).await?;
    rules::check_apply(plugin_appid, reason, &p.appid, &current.plugins())
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let platform = state.platform()?;
    let answer = platform
        .client
        .apply_plugin(&platform.ctx(&p.appid), plugin_appid, reason)
        .await;
    match answer {
        Ok(_) => {}
        Err(e @ wechat::Error::OutcomeUnknown(_)) => {
            settle_lost_apply(state, p, plugin_appid, e).await?
        }
        Err(e) => return Err(e.into()),
    }
    db::plugins::upsert_applied(
        &state.db,
        &db::plugins::NewPluginUse {
            appid: &p.appid,
            plugin_appid,
            reason,
            applied_by: Some(user.id),
            applied_by_name: &user.username,
            applied_at: db::now(),
        },
    )
    .await?;
    Ok(())
}

/// Applies to use a plugin, checked first (the AppID's form, not the mini program's own, not
/// applied for or in use already; a reason within the limit).
pub async fn apply(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    plugin_appid: String,
    reason: String,
) -> Result<PluginsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let plugin_appid = normalize_appid(&plugin_appid);
    let reason = normalize_reason(&reason);
    // The fields alone first: nothing with a bad field reaches WeChat, not even the list.
    rules::check_apply(&plugin_appid, &reason, &p.appid, &[])
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let result = checked_apply(state, user, &p, &plugin_appid, &reason).await;
    // Refused by the console's own check: nothing reached WeChat, nothing to record.
    if !matches!(result, Err(AppError::Invalid(_))) {
        let detail = format!("plugin {plugin_appid}: {reason}");
        record(state, user, &p, "plugin.apply", &result, &detail).await?;
    }
    result?;
    fresh_view(state, user, &p).await
}

/// Moves a plugin in use to another version that allows a quick update. A lost answer is
/// reported as such: WeChat's list has no version to settle it from, and sending the same
/// update again is harmless.
pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    plugin_appid: String,
    user_version: String,
) -> Result<PluginsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let plugin_appid = normalize_appid(&plugin_appid);
    let version = user_version.trim().to_owned();
    rules::check_version(&version).map_err(invalid)?;
    let current = read_current(state, &p).await?;
    let plugins = current.plugins();
    let in_list = plugins.iter().find(|u| u.plugin_appid == plugin_appid);
    rules::check_update(in_list, &version).map_err(invalid)?;
    let platform = state.platform()?;
    let result = platform
        .client
        .update_plugin(&platform.ctx(&p.appid), &plugin_appid, &version)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    if result.is_ok() {
        db::plugins::set_version(&state.db, &p.appid, &plugin_appid, &version).await?;
    }
    let detail = format!("plugin {plugin_appid} → {version}");
    record(state, user, &p, "plugin.update", &result, &detail).await?;
    result?;
    fresh_view(state, user, &p).await
}

/// Stops using a plugin (a pending application is withdrawn). One that WeChat no longer lists
/// counts as removed: a repeated request, or an answer lost after WeChat did it.
pub async fn unbind(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    plugin_appid: String,
) -> Result<PluginsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let plugin_appid = normalize_appid(&plugin_appid);
    if !is_valid_appid(&plugin_appid) {
        return Err(field_error("plugin_appid", FieldProblem::AppidFormat));
    }
    let platform = state.platform()?;
    let answer = platform
        .client
        .unbind_plugin(&platform.ctx(&p.appid), &plugin_appid)
        .await;
    let result = match answer {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(e, wechat::Error::OutcomeUnknown(_))
                || e.errcode() == Some(errcode::NOT_IN_PLUGIN_LIST) =>
        {
            match listed(state, &p.appid).await {
                Ok(after) if !after.iter().any(|x| x.appid == plugin_appid) => Ok(()),
                _ => Err(AppError::from(e)),
            }
        }
        Err(e) => Err(AppError::from(e)),
    };
    if result.is_ok() {
        db::plugins::delete(&state.db, &p.appid, &plugin_appid).await?;
    }
    record(
        state,
        user,
        &p,
        "plugin.unbind",
        &result,
        &format!("plugin {plugin_appid}"),
    )
    .await?;
    result?;
    fresh_view(state, user, &p).await
}

// ---------------------------------------------------------------------------
// The applications to use the plugin a mini program owns.
// ---------------------------------------------------------------------------

async fn fetch_page(
    state: &AppState,
    appid: &str,
    page: u32,
) -> Result<Vec<PluginApplication>, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .dev_apply_list(&platform.ctx(appid), page, APPLICATIONS_PER_PAGE)
        .await?;
    Ok(list
        .into_iter()
        .map(|a| PluginApplication {
            appid: a.appid,
            nickname: a.nickname,
            status: PluginStatus::from_code(a.status),
            reason: a.reason,
            categories: a
                .categories
                .into_iter()
                .map(|c| (c.first, c.second))
                .collect(),
            create_time: a.create_time,
        })
        .collect())
}

/// One page of the applications. A personal-subject mini program cannot own a plugin (the
/// seed), so WeChat is not asked; 89239 means the mini program has no plugin; 61007 is shown.
async fn read_applications(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    let may_own = may_own_plugin(p.subject);
    let mut view = ApplicationsView {
        appid: p.appid.clone(),
        nick_name: p.nick_name.clone(),
        subject: p.subject,
        may_own,
        has_plugin: false,
        refusal: None,
        page,
        per_page: APPLICATIONS_PER_PAGE,
        applications: Vec::new(),
        has_next: false,
        grant,
        now: db::now(),
    };
    if !may_own {
        return Ok(view);
    }
    match fetch_page(state, &p.appid, page).await {
        Ok(list) => {
            view.has_plugin = true;
            view.has_next = list.len() >= APPLICATIONS_PER_PAGE as usize;
            view.applications = list;
        }
        Err(AppError::Wechat { errcode: code, .. }) if code == errcode::NO_PLUGIN => {}
        Err(e) => match refusal(&e) {
            Some(r) => view.refusal = Some(r),
            None => return Err(e),
        },
    }
    Ok(view)
}

/// A page of the applications to use the plugin `appid` owns (`page` from 1).
pub async fn applications(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    read_applications(state, user, &p, page.clamp(1, MAX_PAGE)).await
}

/// Whether WeChat's page shows the decision done: approved, refused, or deleted (gone).
fn shows_done(view: &ApplicationsView, applicant: &str, decision: Decision) -> bool {
    matches!(
        (decision, view.find(applicant).map(|a| a.status)),
        (Decision::Approve, Some(PluginStatus::Approved))
            | (Decision::Refuse, Some(PluginStatus::Refused))
            | (Decision::Delete, None)
    )
}

async fn call_decision(
    platform: &Platform,
    owner: &str,
    applicant: &str,
    decision: Decision,
    reason: &str,
) -> Result<(), wechat::Error> {
    let ctx = platform.ctx(owner);
    let client = &platform.client;
    let answer = match decision {
        Decision::Approve => client.dev_agree(&ctx, applicant).await,
        Decision::Refuse => client.dev_refuse(&ctx, applicant, reason).await,
        Decision::Delete => client.dev_delete(&ctx, applicant).await,
    };
    answer.map(|_| ())
}

/// The fields of a decision, before anything else: the applicant's AppID, and for a refusal
/// its reason (required: the applicant is told why).
fn check_decision_fields(
    decision: Decision,
    applicant: &str,
    reason: &str,
) -> Result<(), AppError> {
    let mut problems = Vec::new();
    if !is_valid_appid(applicant) {
        problems.push(Violation::local("applicant", FieldProblem::AppidFormat));
    }
    if decision == Decision::Refuse {
        if let Err(v) = rules::check_reason("reason", reason) {
            problems.push(v);
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(field_errors(problems)))
    }
}

/// Approves, refuses (with a reason) or deletes an application to use the plugin `appid`
/// owns, then answers with the page `page` again. Checked first: the fields; a personal
/// subject owns no plugin; WeChat's state rules against the application as the page lists it
/// (89240, 89241, 89243, with their errcodes). A lost answer is settled from the page.
pub async fn decide(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    applicant: String,
    decision: Decision,
    reason: String,
    page: u32,
) -> Result<ApplicationsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let applicant = normalize_appid(&applicant);
    let reason = normalize_reason(&reason);
    check_decision_fields(decision, &applicant, &reason)?;
    if !may_own_plugin(p.subject) {
        return Err(field_error("applicant", FieldProblem::PluginOwnerPersonal));
    }
    let page = page.clamp(1, MAX_PAGE);
    let before = read_applications(state, user, &p, page).await?;
    if let Some(r) = &before.refusal {
        return Err(AppError::wechat(r.errcode));
    }
    if !before.has_plugin {
        return Err(AppError::wechat(errcode::NO_PLUGIN));
    }
    before
        .check_decision(decision, &applicant)
        .map_err(invalid)?;
    let platform = state.platform()?;
    let answer = call_decision(platform, &p.appid, &applicant, decision, &reason).await;
    let result = match answer {
        Ok(()) => Ok(()),
        Err(e @ wechat::Error::OutcomeUnknown(_)) => {
            match read_applications(state, user, &p, page).await {
                Ok(after) if shows_done(&after, &applicant, decision) => Ok(()),
                _ => Err(AppError::from(e)),
            }
        }
        Err(e) => Err(AppError::from(e)),
    };
    let nickname = before
        .find(&applicant)
        .map(|a| a.nickname.clone())
        .unwrap_or_default();
    let detail = match decision {
        Decision::Refuse => format!("applicant {applicant} ({nickname}): {reason}"),
        _ => format!("applicant {applicant} ({nickname})"),
    };
    let action = match decision {
        Decision::Approve => "plugin.agree",
        Decision::Refuse => "plugin.refuse",
        Decision::Delete => "plugin.delete",
    };
    record(state, user, &p, action, &result, &detail).await?;
    result?;
    read_applications(state, user, &p, page).await
}
