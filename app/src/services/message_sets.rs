//! Template sets across the fleet: staff define a set (members composed on any mini program's
//! message pages, so each is a real library title with real keywords), then anyone check or
//! apply it to the mini programs they may act on, one mini program per call. A check reads
//! what the account holds and writes nothing; an apply reads again and adds only what is
//! missing, so repeating it adds nothing twice. A failure on one member or one mini program
//! is that member's outcome, never an error that stops the others.

use super::audit_log::{self, Actor, Event};
use super::{message_templates, mini_programs, subscribe_messages, AppState};
use crate::db;
use crate::domain::audit_log::Outcome;
use crate::domain::merchant_permission::Need;
use crate::domain::message_set::{
    check_name, has_member, holds, CoverageQuery, CoverageRow, Held, MemberDraft, MemberKind,
    MemberOutcome, MessageSet, SetMember, SetSummary, TargetReport, SET_MEMBERS_MAX,
};
use crate::domain::message_template::{check_keywords, content_fields, PAGE_COUNT};
use crate::domain::pagination::Page;
use crate::domain::release::field_errors;
use crate::domain::subscribe_message::check_compose;
use crate::domain::validation::{FieldError, FieldProblem};
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, MiniProgramRow};

/// Pages of the old template list read at most (20 templates each).
const MAX_LIST_PAGES: i64 = 50;
/// Pages of public titles searched for a tid's title (30 each).
const MAX_TITLE_PAGES: i64 = 20;

async fn record_set(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    set_id: i64,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record(
        &state.db,
        Actor::from(user),
        Event {
            action,
            target_type: "message_set",
            target_id: &set_id.to_string(),
            merchant_id: None,
            outcome: Outcome::Success,
            detail,
        },
    )
    .await
}

pub async fn list(state: &AppState, user: &CurrentUser) -> Result<Vec<SetSummary>, AppError> {
    let scope = mini_programs::scope_of(user)?;
    Ok(db::message_sets::list(&state.db, scope).await?)
}

pub async fn get(state: &AppState, user: &CurrentUser, id: i64) -> Result<MessageSet, AppError> {
    mini_programs::scope_of(user)?;
    db::message_sets::get(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn create(state: &AppState, user: &CurrentUser, name: &str) -> Result<i64, AppError> {
    super::auth::require_staff(user)?;
    let name = name.trim();
    check_name(name).map_err(|v| AppError::Invalid(field_errors(v)))?;
    let id = db::message_sets::create(&state.db, name, user.id, db::now())
        .await?
        .ok_or_else(|| field_error("name", FieldProblem::AlreadyTaken))?;
    record_set(state, user, "message_set.create", id, name).await?;
    Ok(id)
}

pub async fn delete(state: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    super::auth::require_staff(user)?;
    let set = get(state, user, id).await?;
    if !db::message_sets::delete(&state.db, id).await? {
        return Err(AppError::NotFound);
    }
    record_set(state, user, "message_set.delete", id, &set.name).await
}

/// The title and keyword names of a draft, read from the library through the draft's mini
/// program (and checked with the same rules as adding it there).
async fn resolve(
    state: &AppState,
    p: &MiniProgramRow,
    draft: &MemberDraft,
) -> Result<(String, Vec<String>), AppError> {
    match draft.kind {
        MemberKind::Template => {
            let (title, keywords) =
                message_templates::keywords_of(state, p, draft.title_id.trim()).await?;
            check_keywords(&draft.keyword_ids, &keywords)
                .map_err(|v| AppError::Invalid(field_errors(v)))?;
            let labels = draft
                .keyword_ids
                .iter()
                .filter_map(|id| keywords.iter().find(|k| k.keyword_id == *id))
                .map(|k| k.name.clone())
                .collect();
            Ok((title.title, labels))
        }
        MemberKind::Subscribe => {
            let tid: i64 = draft
                .title_id
                .trim()
                .parse()
                .map_err(|_| field_error("title_id", FieldProblem::UnknownValue))?;
            let keywords = subscribe_messages::keywords_of(state, p, tid).await?;
            check_compose(&draft.keyword_ids, &keywords, draft.scene_desc.trim(), 0)
                .map_err(|v| AppError::Invalid(field_errors(v)))?;
            let title = subscribe_messages::title_of(state, p, tid, MAX_TITLE_PAGES)
                .await?
                .ok_or_else(|| field_error("title_id", FieldProblem::UnknownValue))?;
            let labels = draft
                .keyword_ids
                .iter()
                .filter_map(|kid| keywords.iter().find(|k| k.kid == *kid))
                .map(|k| k.name.clone())
                .collect();
            Ok((title, labels))
        }
    }
}

/// Adds a template composed on a mini program's page to a set (at most 20, none twice).
pub async fn add_member(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    draft: MemberDraft,
) -> Result<MessageSet, AppError> {
    super::auth::require_staff(user)?;
    let set = get(state, user, set_id).await?;
    let p = mini_programs::get(&state.db, user, &draft.appid).await?;
    let (title, labels) = resolve(state, &p, &draft).await?;
    if has_member(&set.members, draft.kind, &title, &labels) {
        return Err(field_error("member", FieldProblem::DuplicateItem));
    }
    let member = SetMember {
        id: 0,
        kind: draft.kind,
        title_id: draft.title_id.trim().to_owned(),
        title,
        keyword_ids: draft.keyword_ids,
        labels,
        scene_desc: draft.scene_desc.trim().to_owned(),
    };
    if !db::message_sets::add_member(&state.db, set_id, &member, SET_MEMBERS_MAX, db::now()).await?
    {
        return Err(field_error(
            "member",
            FieldProblem::TooMany {
                max: SET_MEMBERS_MAX,
            },
        ));
    }
    let detail = format!(
        "{} {} {} [{}]",
        set.name,
        member.kind.as_str(),
        member.title,
        member.labels.join(", ")
    );
    record_set(state, user, "message_set.add_member", set_id, &detail).await?;
    get(state, user, set_id).await
}

pub async fn remove_member(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    member_id: i64,
) -> Result<MessageSet, AppError> {
    super::auth::require_staff(user)?;
    let set = get(state, user, set_id).await?;
    let member = set
        .members
        .iter()
        .find(|m| m.id == member_id)
        .ok_or(AppError::NotFound)?;
    if !db::message_sets::remove_member(&state.db, set_id, member_id, db::now()).await? {
        return Err(AppError::NotFound);
    }
    let detail = format!("{} {} {}", set.name, member.kind.as_str(), member.title);
    record_set(state, user, "message_set.remove_member", set_id, &detail).await?;
    get(state, user, set_id).await
}

/// The set's coverage table over the authorized mini programs the user sees.
pub async fn coverage(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    query: CoverageQuery,
) -> Result<Page<CoverageRow>, AppError> {
    let scope = mini_programs::scope_of(user)?;
    get(state, user, set_id).await?;
    let q = query.normalized();
    let (items, total) = db::message_sets::coverage(&state.db, set_id, scope, &q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

/// What `p`'s account holds of `kind`.
async fn held_of(
    state: &AppState,
    p: &MiniProgramRow,
    kind: MemberKind,
) -> Result<Vec<Held>, AppError> {
    let held = |title: String, content: &str| Held {
        kind,
        title,
        labels: content_fields(content)
            .into_iter()
            .map(|f| f.label)
            .collect(),
    };
    match kind {
        MemberKind::Subscribe => Ok(subscribe_messages::templates_of(state, p)
            .await?
            .into_iter()
            .map(|t| held(t.title, &t.content))
            .collect()),
        MemberKind::Template => {
            let platform = state.platform()?;
            let ctx = platform.ctx(&p.appid);
            let mut all = Vec::new();
            for page in 0..MAX_LIST_PAGES {
                let list = platform
                    .client
                    .template_list(&ctx, page * PAGE_COUNT, PAGE_COUNT)
                    .await?
                    .list;
                let full = list.len() as i64 == PAGE_COUNT;
                all.extend(list.into_iter().map(|t| held(t.title, &t.content)));
                if !full {
                    break;
                }
            }
            Ok(all)
        }
    }
}

/// Each member's state on `p`: present, or missing (or why it could not be read).
async fn survey(
    state: &AppState,
    p: &MiniProgramRow,
    set: &MessageSet,
) -> Vec<(i64, MemberOutcome)> {
    let mut by_kind: Vec<(MemberKind, Result<Vec<Held>, AppError>)> = Vec::new();
    for kind in [MemberKind::Template, MemberKind::Subscribe] {
        if set.members.iter().any(|m| m.kind == kind) {
            by_kind.push((kind, held_of(state, p, kind).await));
        }
    }
    set.members
        .iter()
        .map(|m| {
            let outcome = match by_kind.iter().find(|(k, _)| *k == m.kind) {
                Some((_, Ok(held))) if holds(m, held) => MemberOutcome::Present,
                Some((_, Ok(_))) => MemberOutcome::Missing,
                Some((_, Err(e))) => MemberOutcome::Failed { error: e.clone() },
                None => MemberOutcome::Missing,
            };
            (m.id, outcome)
        })
        .collect()
}

async fn finish(
    state: &AppState,
    set_id: i64,
    report: TargetReport,
) -> Result<TargetReport, AppError> {
    db::message_sets::record_coverage(
        &state.db,
        set_id,
        &report.appid,
        &report.lacking(),
        report.failed(),
        db::now(),
    )
    .await?;
    Ok(report)
}

/// Which members `appid` holds (nothing is written to WeChat).
pub async fn check(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    appid: &str,
) -> Result<TargetReport, AppError> {
    let set = get(state, user, set_id).await?;
    let p = mini_programs::get(&state.db, user, appid).await?;
    let members = survey(state, &p, &set).await;
    finish(
        state,
        set_id,
        TargetReport {
            appid: p.appid,
            members,
        },
    )
    .await
}

/// Adds the members `appid` lacks. Read first, so a repeat adds nothing; each member's
/// failure is its outcome and the others still go.
pub async fn apply(
    state: &AppState,
    user: &CurrentUser,
    set_id: i64,
    appid: &str,
) -> Result<TargetReport, AppError> {
    let set = get(state, user, set_id).await?;
    let p = mini_programs::get(&state.db, user, appid).await?;
    if let Err(error) = mini_programs::require_grant(&state.db, user, &p, Need::Submit).await {
        let members = set
            .members
            .iter()
            .map(|m| {
                (
                    m.id,
                    MemberOutcome::Failed {
                        error: error.clone(),
                    },
                )
            })
            .collect();
        return Ok(TargetReport {
            appid: p.appid,
            members,
        });
    }
    let mut members = survey(state, &p, &set).await;
    for (id, outcome) in members.iter_mut() {
        if *outcome != MemberOutcome::Missing {
            continue;
        }
        let Some(m) = set.members.iter().find(|m| m.id == *id) else {
            continue;
        };
        let added = match m.kind {
            MemberKind::Template => {
                message_templates::add_to(state, user, &p, &m.title_id, m.keyword_ids.clone()).await
            }
            MemberKind::Subscribe => match m.title_id.parse::<i64>() {
                Ok(tid) => {
                    subscribe_messages::add_to(state, user, &p, tid, &m.keyword_ids, &m.scene_desc)
                        .await
                }
                Err(_) => Err(AppError::Invalid(vec![FieldError::new(
                    "title_id",
                    FieldProblem::UnknownValue,
                )])),
            },
        };
        *outcome = match added {
            Ok(template_id) => MemberOutcome::Added { template_id },
            Err(error) => MemberOutcome::Failed { error },
        };
    }
    finish(
        state,
        set_id,
        TargetReport {
            appid: p.appid,
            members,
        },
    )
    .await
}
