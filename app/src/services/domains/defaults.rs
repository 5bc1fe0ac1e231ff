//! The platform's default domain set (staff only): kept in the console, edited as a whole,
//! and applied to many mini programs one per call — each mini program's lists are read first
//! and only what it lacks is added, so a second run adds nothing. A failure on one part or one
//! mini program is that part's outcome, never an error that stops the others.

use super::{is_personal, list_for_log, wire};
use crate::db;
use crate::domain::audit_log::Outcome;
use crate::domain::domains::{
    check_defaults, errcode, ApplyReport, DefaultSet, DefaultsForm, DomainAction, DomainKind,
    DomainLists, PartOutcome, TargetQuery, TargetRow,
};
use crate::domain::pagination::Page;
use crate::domain::release::field_errors;
use crate::domain::validation::FieldProblem;
use crate::error::{field_error, AppError};
use crate::model::{CurrentUser, MiniProgramRow};
use crate::services::audit_log::{self, Actor, Event};
use crate::services::{auth, mini_programs, AppState};

pub async fn get_defaults(state: &AppState, user: &CurrentUser) -> Result<DefaultSet, AppError> {
    auth::require_staff(user)?;
    Ok(db::domain_defaults::get(&state.db).await?)
}

fn summary(lists: &DomainLists) -> String {
    DomainKind::ALL
        .iter()
        .filter(|k| !lists.of(**k).is_empty())
        .map(|k| format!("{} [{}]", k.as_str(), list_for_log(lists.of(*k))))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Replaces the set with the editor's texts, every entry checked at its kind's field. Saving
/// the same set again changes (and records) nothing.
pub async fn save_defaults(
    state: &AppState,
    user: &CurrentUser,
    form: DefaultsForm,
) -> Result<DefaultSet, AppError> {
    auth::require_staff(user)?;
    let lists = check_defaults(&form).map_err(|v| AppError::Invalid(field_errors(v)))?;
    let before = db::domain_defaults::get(&state.db).await?;
    if before.lists == lists {
        return Ok(before);
    }
    db::domain_defaults::replace(&state.db, &lists, &user.username, db::now()).await?;
    audit_log::record(
        &state.db,
        Actor::from(user),
        Event {
            action: "domain.defaults_save",
            target_type: "domain_defaults",
            target_id: "platform",
            merchant_id: None,
            outcome: Outcome::Success,
            detail: &summary(&lists),
        },
    )
    .await?;
    get_defaults(state, user).await
}

/// The authorized mini programs with what the last apply found, filtered and paged.
pub async fn targets(
    state: &AppState,
    user: &CurrentUser,
    query: TargetQuery,
) -> Result<Page<TargetRow>, AppError> {
    auth::require_staff(user)?;
    let q = query.normalized();
    let (items, total) = db::domain_defaults::targets(&state.db, &q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

/// One part's outcome, and whether a write reached WeChat.
type Part = (PartOutcome, bool);

fn failed(error: AppError) -> PartOutcome {
    PartOutcome::Failed { error }
}

/// The set's server domains `p` lacks, added in one modify_domain call.
async fn apply_server(state: &AppState, p: &MiniProgramRow, set: &DomainLists) -> Part {
    if set.server_is_empty() {
        return (PartOutcome::Nothing, false);
    }
    let now = match wire::read_server(state, &p.appid).await {
        Ok(lists) => lists,
        Err(error) => return (failed(error), false),
    };
    let mut missing = DomainLists::default();
    let mut present = 0;
    for kind in DomainKind::SERVER {
        for d in set.of(kind) {
            if now.of(kind).contains(d) {
                present += 1;
            } else {
                missing.of_mut(kind).push(d.clone());
            }
        }
        if now.of(kind).len() + missing.of(kind).len() > kind.limit() {
            let too_many = FieldProblem::TooMany { max: kind.limit() };
            return (failed(field_error(kind.as_str(), too_many)), false);
        }
    }
    let wanted: Vec<(DomainKind, String)> = DomainKind::SERVER
        .iter()
        .flat_map(|k| missing.of(*k).iter().map(move |d| (*k, d.clone())))
        .collect();
    if wanted.is_empty() {
        return (
            PartOutcome::Done {
                added: Vec::new(),
                present,
                rejected: Vec::new(),
            },
            false,
        );
    }
    // What of `wanted` the lists hold afterwards.
    let added_in = |after: &DomainLists| -> Vec<String> {
        wanted
            .iter()
            .filter(|(k, d)| after.of(*k).contains(d))
            .map(|(_, d)| d.clone())
            .collect()
    };
    let platform = match state.platform() {
        Ok(platform) => platform,
        Err(error) => return (failed(error), false),
    };
    let outcome = match wire::write_server(platform, &p.appid, DomainAction::Add, &missing).await {
        Ok(answer) => PartOutcome::Done {
            added: added_in(&wire::to_lists(&answer.current)),
            present,
            rejected: wire::rejected_of(&answer.rejected, &missing, DomainKind::Request),
        },
        // The answer was lost: WeChat's lists say what was added.
        Err(lost @ wechat::Error::OutcomeUnknown(_)) => {
            match wire::read_server(state, &p.appid).await {
                Ok(after) if !added_in(&after).is_empty() => PartOutcome::Done {
                    added: added_in(&after),
                    present,
                    rejected: Vec::new(),
                },
                _ => failed(lost.into()),
            }
        }
        Err(e) => failed(wire::modify_domain_error(e)),
    };
    (outcome, true)
}

/// The set's business domains `p` lacks, added in one setwebviewdomain call; not for
/// personal accounts (89231, nothing sent).
async fn apply_webview(state: &AppState, p: &MiniProgramRow, set: &DomainLists) -> Part {
    if set.webview.is_empty() {
        return (PartOutcome::Nothing, false);
    }
    if is_personal(p) {
        return (
            PartOutcome::NotApplicable {
                errcode: errcode::WEBVIEW_PERSONAL,
            },
            false,
        );
    }
    let now = match wire::read_webview(state, &p.appid).await {
        Ok(list) => list,
        Err(error) => return (failed(error), false),
    };
    let (present, missing): (Vec<String>, Vec<String>) =
        set.webview.iter().cloned().partition(|d| now.contains(d));
    if missing.is_empty() {
        return (
            PartOutcome::Done {
                added: Vec::new(),
                present: present.len(),
                rejected: Vec::new(),
            },
            false,
        );
    }
    let kind = DomainKind::Webview;
    if now.len() + missing.len() > kind.limit() {
        let too_many = FieldProblem::TooMany { max: kind.limit() };
        return (failed(field_error(kind.as_str(), too_many)), false);
    }
    let platform = match state.platform() {
        Ok(platform) => platform,
        Err(error) => return (failed(error), false),
    };
    let done = |added: Vec<String>| PartOutcome::Done {
        added,
        present: present.len(),
        rejected: Vec::new(),
    };
    let outcome = match wire::write_webview(platform, &p.appid, DomainAction::Add, &missing).await {
        Ok(()) => done(missing.clone()),
        Err(lost @ wechat::Error::OutcomeUnknown(_)) => {
            match wire::read_webview(state, &p.appid).await {
                Ok(after) if missing.iter().any(|d| after.contains(d)) => done(
                    missing
                        .iter()
                        .filter(|d| after.contains(*d))
                        .cloned()
                        .collect(),
                ),
                _ => failed(lost.into()),
            }
        }
        Err(e) => failed(e.into()),
    };
    (outcome, true)
}

fn part_detail(name: &str, part: &PartOutcome) -> Option<String> {
    match part {
        PartOutcome::Nothing => None,
        PartOutcome::Done {
            added,
            present,
            rejected,
        } => {
            let mut text = format!("{name}: added [{}], present {present}", list_for_log(added));
            if !rejected.is_empty() {
                let names: Vec<String> = rejected.iter().map(|r| r.domain.clone()).collect();
                text.push_str(&format!(", not accepted [{}]", list_for_log(&names)));
            }
            Some(text)
        }
        PartOutcome::NotApplicable { errcode } => Some(format!("{name}: not applicable {errcode}")),
        PartOutcome::Failed { error } => Some(match error {
            AppError::Wechat { errcode, zh, .. } => format!("{name}: errcode {errcode} {zh}"),
            other => format!("{name}: {other}"),
        }),
    }
}

/// Applies the set to one mini program: the server and the business domains it lacks.
pub async fn apply_defaults(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ApplyReport, AppError> {
    auth::require_staff(user)?;
    let p = mini_programs::get(&state.db, user, appid).await?;
    let set = db::domain_defaults::get(&state.db).await?.lists;
    let (server, wrote_server) = apply_server(state, &p, &set).await;
    let (webview, wrote_webview) = apply_webview(state, &p, &set).await;
    let report = ApplyReport {
        appid: p.appid.clone(),
        server,
        webview,
    };
    // Recorded when WeChat was asked to change something (a run that adds nothing is not a
    // change); its outcome is the first part's failure, if any.
    if wrote_server || wrote_webview {
        let outcome = match report.parts().into_iter().find_map(|part| match part {
            PartOutcome::Failed { error } => Some(error.clone()),
            _ => None,
        }) {
            Some(error) => Err(error),
            None => Ok(()),
        };
        let detail = [
            part_detail("server", &report.server),
            part_detail("webview", &report.webview),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("; ");
        audit_log::record_program_action(
            &state.db,
            user,
            &p,
            "domain",
            "domain.apply_defaults",
            &outcome,
            &detail,
        )
        .await?;
    }
    db::domain_defaults::record_coverage(
        &state.db,
        &report.appid,
        &db::domain_defaults::Coverage {
            added: report.added() as i64,
            present: report.present() as i64,
            rejected: report.rejected() as i64,
            failed: report.failed() as i64,
            errcode: report.errcode(),
        },
        db::now(),
    )
    .await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_names_each_part() {
        let lists = DomainLists {
            request: vec!["https://api.demo-shop.com".into()],
            webview: vec!["https://h5.demo-shop.com".into()],
            ..Default::default()
        };
        assert_eq!(
            summary(&lists),
            "request [https://api.demo-shop.com]; webview [https://h5.demo-shop.com]"
        );
        assert_eq!(part_detail("server", &PartOutcome::Nothing), None);
        assert_eq!(
            part_detail("webview", &PartOutcome::NotApplicable { errcode: 89231 }),
            Some("webview: not applicable 89231".to_owned())
        );
    }
}
