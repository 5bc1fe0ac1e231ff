//! Testers (体验者): one mini program's testers as WeChat lists them (memberauth: userstrs
//! only) named from the console's records, bound after the console's own checks and the
//! account's limit, and unbound by userstr. A bind whose answer was lost is settled from
//! WeChat's list, so a retry never records anyone twice. Every write goes to the audit log;
//! merchants act only on their own mini programs, within their merchant's permission.

use super::audit_log;
use super::{mini_programs, AppState};
use crate::db;
use crate::domain::merchant_permission::Need;
use crate::domain::release::field_errors;
use crate::domain::testers::{
    errcode, normalize_wechatid, tester_limit, BindContext, Tester, TestersView,
};
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::component::AuthorizerInfoRequest;
use wechat::api::tester::TesterRef;

/// Binding and unbinding testers prepares a version for people to try, like committing code:
/// merchants need the Submit grant (View only looks).
const NEED: Need = Need::Submit;

async fn record(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record_program_action(&state.db, user, p, "tester", action, result, detail).await
}

/// What WeChat lists now and what the console knows of it.
struct Current {
    /// memberauth's userstrs, in WeChat's order.
    listed: Vec<String>,
    /// The console's records of listed testers (the others were dropped).
    records: Vec<db::testers::TesterRecord>,
    /// WeChat's verification of the account; `None` when authorizer info could not be read.
    verified: Option<bool>,
}

impl Current {
    fn limit(&self, p: &MiniProgramRow) -> usize {
        // Unknown verification: the higher limit, so the console never refuses what WeChat
        // would allow; WeChat's own 85002 still stops a bind beyond the real one.
        tester_limit(p.subject, self.verified.unwrap_or(true))
    }

    /// Listed userstrs the console has no record of (bound elsewhere, or a lost answer).
    fn unrecorded(&self) -> Vec<&String> {
        self.listed
            .iter()
            .filter(|u| !self.records.iter().any(|r| &r.userstr == *u))
            .collect()
    }
}

async fn listed(state: &AppState, appid: &str) -> Result<Vec<String>, AppError> {
    let platform = state.platform()?;
    Ok(platform
        .client
        .get_experiencer(&platform.ctx(appid))
        .await?)
}

/// Whether WeChat says the account is verified (`verify_type_info.id`: -1 not verified; 0 and
/// the other values are kinds of verification). Only the limit depends on it, so a failure
/// to read it does not stop the page.
async fn verified(state: &AppState, appid: &str) -> Option<bool> {
    let platform = state.platform().ok()?;
    let request = AuthorizerInfoRequest {
        component_appid: platform.component_appid.clone(),
        authorizer_appid: appid.to_owned(),
    };
    match platform
        .client
        .authorizer_info(&platform.component_ctx(), &request)
        .await
    {
        Ok(info) => Some(info.authorizer_info.verify_type_info.id >= 0),
        Err(e) => {
            tracing::warn!(appid, error = %e, "authorizer info unavailable: limit assumes verified");
            None
        }
    }
}

async fn read_current(state: &AppState, p: &MiniProgramRow) -> Result<Current, AppError> {
    let listed = listed(state, &p.appid).await?;
    let records = db::testers::keep_listed(&state.db, &p.appid, &listed).await?;
    let verified = verified(state, &p.appid).await;
    Ok(Current {
        listed,
        records,
        verified,
    })
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    p: MiniProgramRow,
    current: Current,
) -> Result<TestersView, AppError> {
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    let limit = current.limit(&p);
    let testers = current
        .listed
        .iter()
        .map(|userstr| {
            let known = current.records.iter().find(|r| &r.userstr == userstr);
            Tester {
                userstr: userstr.clone(),
                wechatid: known.and_then(|r| r.wechatid.clone()),
                bound_by: known.map(|r| r.bound_by_name.clone()),
                bound_at: known.map(|r| r.bound_at),
            }
        })
        .collect();
    Ok(TestersView {
        appid: p.appid,
        nick_name: p.nick_name,
        subject: p.subject,
        verified: current.verified,
        limit,
        testers,
        grant,
    })
}

/// How many testers WeChat lists now and the account's limit, read as the testers page reads
/// them (the readiness checklist's source; the caller has authorized the user).
pub async fn count_and_limit(
    state: &AppState,
    p: &MiniProgramRow,
) -> Result<(usize, usize), AppError> {
    let current = read_current(state, p).await?;
    Ok((current.listed.len(), current.limit(p)))
}

/// One mini program's testers as WeChat lists them now.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<TestersView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let current = read_current(state, &p).await?;
    build_view(state, user, p, current).await
}

/// The one listed userstr that appeared (or that nobody claims), if exactly one did.
fn single<'a>(mut candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    let first = candidates.next()?;
    candidates.next().is_none().then(|| first.clone())
}

/// bind_tester's answer was lost (or came without a userstr): WeChat's list says whether the
/// bind happened. Exactly one new userstr is this person's; none means nothing happened (a
/// retry is safe); several (someone else bound at the same moment) cannot be told apart.
async fn settle_lost_bind(
    state: &AppState,
    p: &MiniProgramRow,
    before: &Current,
    lost: wechat::Error,
) -> Result<String, AppError> {
    let after = listed(state, &p.appid).await?;
    single(after.iter().filter(|u| !before.listed.contains(*u))).ok_or_else(|| lost.into())
}

/// WeChat says the person is bound (85004) although the console has no record naming them:
/// an earlier answer was lost, or they were bound elsewhere. Their userstr is then among the
/// listed ones the console has no record of; when it is the only one it is theirs, otherwise
/// WeChat's 85004 stands.
fn settle_already_bound(current: &Current, refusal: wechat::Error) -> Result<String, AppError> {
    single(current.unrecorded().into_iter()).ok_or_else(|| refusal.into())
}

async fn checked_bind(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    current: &Current,
    wechatid: &str,
) -> Result<String, AppError> {
    let bound: Vec<String> = current
        .records
        .iter()
        .filter_map(|r| r.wechatid.clone())
        .collect();
    crate::domain::testers::check_bind(
        wechatid,
        &BindContext {
            count: current.listed.len(),
            limit: current.limit(p),
            bound: &bound,
        },
    )
    .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let platform = state.platform()?;
    let answer = platform
        .client
        .bind_tester(&platform.ctx(&p.appid), wechatid)
        .await;
    let userstr = match answer {
        Ok(userstr) => userstr,
        Err(e @ (wechat::Error::OutcomeUnknown(_) | wechat::Error::Decode(_))) => {
            settle_lost_bind(state, p, current, e).await?
        }
        Err(e) if e.errcode() == Some(errcode::ALREADY_BOUND) => settle_already_bound(current, e)?,
        Err(e) => return Err(e.into()),
    };
    db::testers::upsert(
        &state.db,
        &db::testers::NewTester {
            appid: &p.appid,
            wechatid: Some(wechatid),
            userstr: &userstr,
            bound_by: Some(user.id),
            bound_by_name: &user.username,
            bound_at: db::now(),
        },
    )
    .await?;
    Ok(userstr)
}

/// Binds a WeChat ID as a tester, checked first (the field, a tester the console knows, the
/// account's limit by subject type against WeChat's count).
pub async fn bind(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    wechatid: String,
) -> Result<TestersView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let wechatid = normalize_wechatid(&wechatid);
    let current = read_current(state, &p).await?;
    let result = checked_bind(state, user, &p, &current, &wechatid).await;
    // Refused by the console's own check: nothing reached WeChat, nothing to record.
    if !matches!(result, Err(AppError::Invalid(_))) {
        let detail = match &result {
            Ok(userstr) => format!("{wechatid} (userstr {userstr})"),
            Err(_) => wechatid.clone(),
        };
        let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
        record(state, user, &p, "tester.bind", &outcome, &detail).await?;
    }
    result?;
    let current = read_current(state, &p).await?;
    build_view(state, user, p, current).await
}

/// Unbinds a tester by userstr (the one name WeChat gives every tester). One that WeChat no
/// longer lists counts as unbound: a repeated request, or an answer that was lost after
/// WeChat did it.
pub async fn unbind(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    userstr: String,
) -> Result<TestersView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let userstr = userstr.trim().to_owned();
    if userstr.is_empty() {
        return Err(field_error("unbind", FieldProblem::Required));
    }
    let known = db::testers::find(&state.db, &p.appid, &userstr).await?;
    let platform = state.platform()?;
    let answer = platform
        .client
        .unbind_tester(
            &platform.ctx(&p.appid),
            &TesterRef::UserStr(userstr.clone()),
        )
        .await;
    let result = match answer {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(e, wechat::Error::OutcomeUnknown(_))
                || e.errcode() == Some(errcode::UNKNOWN_USERSTR) =>
        {
            match listed(state, &p.appid).await {
                Ok(after) if !after.contains(&userstr) => Ok(()),
                _ => Err(AppError::from(e)),
            }
        }
        Err(e) => Err(AppError::from(e)),
    };
    if result.is_ok() {
        db::testers::delete(&state.db, &p.appid, &userstr).await?;
    }
    let detail = match known.and_then(|r| r.wechatid) {
        Some(wechatid) => format!("{wechatid} (userstr {userstr})"),
        None => format!("userstr {userstr}"),
    };
    record(state, user, &p, "tester.unbind", &result, &detail).await?;
    result?;
    view(state, user, appid).await
}
