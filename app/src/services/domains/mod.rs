//! Domains (域名): one mini program's server domains (modify_domain) and business domains
//! (setwebviewdomain) as WeChat holds them, changed after the console's own checks against
//! the list WeChat holds now; a partial success keeps what WeChat turned down for the page.
//! A change whose answer was lost is settled from WeChat's list. Every write goes to the
//! audit log; merchants act only on their own mini programs, within their merchant's
//! permission. The platform's default set and its fleet apply are in [`defaults`].

pub mod defaults;
pub mod wire;

use super::audit_log;
use super::{mini_programs, AppState};
use crate::domain::domains::{
    check_change, check_size, ChangeContext, ChangeReport, DomainAction, DomainChange, DomainKind,
    DomainLists, DomainsView, Preview, WebviewState,
};
use crate::domain::merchant_permission::Need;
use crate::domain::mini_program::SubjectType;
use crate::domain::release::field_errors;
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};

pub use defaults::{apply_defaults, get_defaults, save_defaults, targets};

/// Changing domains prepares a version for release, like committing code: merchants need the
/// Submit grant (View only looks).
const NEED: Need = Need::Submit;

/// Entries named in one audit entry at most (the rest are counted).
const DETAIL_ENTRIES_MAX: usize = 20;

/// A personal-subject account: WeChat refuses it business domains (89231).
pub(crate) fn is_personal(p: &MiniProgramRow) -> bool {
    p.subject == SubjectType::Individual
}

/// `entries` for an audit entry: the first [`DETAIL_ENTRIES_MAX`], then how many more.
pub(crate) fn list_for_log(entries: &[String]) -> String {
    let shown: Vec<&str> = entries
        .iter()
        .take(DETAIL_ENTRIES_MAX)
        .map(String::as_str)
        .collect();
    let more = entries.len().saturating_sub(DETAIL_ENTRIES_MAX);
    if more > 0 {
        format!("{} (+{more})", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

async fn record(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record_program_action(&state.db, user, p, "domain", action, result, detail).await
}

/// WeChat's lists: the server domains (required), and the business domains unless the account
/// is personal or they cannot be read.
async fn read_lists(
    state: &AppState,
    p: &MiniProgramRow,
) -> Result<(DomainLists, WebviewState), AppError> {
    let mut lists = wire::read_server(state, &p.appid).await?;
    let webview = if is_personal(p) {
        WebviewState::Personal
    } else {
        match wire::read_webview(state, &p.appid).await {
            Ok(list) => {
                lists.webview = list;
                WebviewState::Listed
            }
            Err(e) => WebviewState::Unavailable(e),
        }
    };
    Ok((lists, webview))
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    p: MiniProgramRow,
    last: Option<ChangeReport>,
) -> Result<DomainsView, AppError> {
    let (lists, webview) = read_lists(state, &p).await?;
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    Ok(DomainsView {
        appid: p.appid,
        nick_name: p.nick_name,
        subject: p.subject,
        lists,
        webview,
        grant,
        last,
    })
}

/// One mini program's domains as WeChat holds them now.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<DomainsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    build_view(state, user, p, None).await
}

/// What the list of `kind` gained and lost from `before` to `after`.
fn diff(before: &[String], after: &[String]) -> (Vec<String>, Vec<String>) {
    let added = after
        .iter()
        .filter(|d| !before.contains(*d))
        .cloned()
        .collect();
    let removed = before
        .iter()
        .filter(|d| !after.contains(*d))
        .cloned()
        .collect();
    (added, removed)
}

/// modify_domain for one kind. modify_domain takes all six lists: add and delete send the
/// kind's entries and the others empty; set sends the kind's new list and the others as they
/// are, so only this kind is replaced.
async fn send_server(
    state: &AppState,
    p: &MiniProgramRow,
    change: &DomainChange,
    all: &DomainLists,
    preview: &Preview,
) -> Result<ChangeReport, AppError> {
    let kind = change.kind;
    let mut sent = match change.action {
        DomainAction::Set => all.clone(),
        _ => DomainLists::default(),
    };
    sent.webview = Vec::new();
    *sent.of_mut(kind) = match change.action {
        DomainAction::Add => preview.added.clone(),
        DomainAction::Delete => preview.removed.clone(),
        DomainAction::Set => preview.next.clone(),
    };
    let platform = state.platform()?;
    let before = all.of(kind);
    match wire::write_server(platform, &p.appid, change.action, &sent).await {
        Ok(answer) => {
            let after = wire::to_lists(&answer.current);
            let (added, removed) = diff(before, after.of(kind));
            Ok(ChangeReport {
                kind,
                action: change.action,
                added,
                removed,
                rejected: wire::rejected_of(&answer.rejected, &sent, kind),
            })
        }
        // The answer was lost: WeChat's list says whether the change happened.
        Err(lost @ wechat::Error::OutcomeUnknown(_)) => {
            let after = wire::read_server(state, &p.appid)
                .await
                .map_err(|_| AppError::from(lost.clone()))?;
            let (added, removed) = diff(before, after.of(kind));
            if added.is_empty() && removed.is_empty() {
                return Err(lost.into());
            }
            Ok(ChangeReport {
                kind,
                action: change.action,
                added,
                removed,
                rejected: Vec::new(),
            })
        }
        Err(e) => Err(wire::modify_domain_error(e)),
    }
}

/// setwebviewdomain for the business domains (WeChat answers without the list: the preview
/// says what changed).
async fn send_webview(
    state: &AppState,
    p: &MiniProgramRow,
    change: &DomainChange,
    before: &[String],
    preview: &Preview,
) -> Result<ChangeReport, AppError> {
    let list = match change.action {
        DomainAction::Add => &preview.added,
        DomainAction::Delete => &preview.removed,
        DomainAction::Set => &preview.next,
    };
    let platform = state.platform()?;
    let report = |added: Vec<String>, removed: Vec<String>| ChangeReport {
        kind: DomainKind::Webview,
        action: change.action,
        added,
        removed,
        rejected: Vec::new(),
    };
    match wire::write_webview(platform, &p.appid, change.action, list).await {
        Ok(()) => Ok(report(preview.added.clone(), preview.removed.clone())),
        Err(lost @ wechat::Error::OutcomeUnknown(_)) => {
            let after = wire::read_webview(state, &p.appid)
                .await
                .map_err(|_| AppError::from(lost.clone()))?;
            let (added, removed) = diff(before, &after);
            if added.is_empty() && removed.is_empty() {
                return Err(lost.into());
            }
            Ok(report(added, removed))
        }
        Err(e) => Err(e.into()),
    }
}

/// The audit entry's detail: the change as asked, and what WeChat did.
fn detail_of(
    change: &DomainChange,
    preview: &Preview,
    result: &Result<ChangeReport, AppError>,
) -> String {
    let asked = match change.action {
        DomainAction::Add => &preview.added,
        DomainAction::Delete => &preview.removed,
        DomainAction::Set => &preview.next,
    };
    let mut detail = format!(
        "{} {}: [{}]",
        change.kind.as_str(),
        change.action.as_str(),
        list_for_log(asked)
    );
    if let Ok(r) = result {
        detail.push_str(&format!(
            " → added {}, removed {}",
            r.added.len(),
            r.removed.len()
        ));
        if !r.rejected.is_empty() {
            let rejected: Vec<String> = r.rejected.iter().map(|x| x.domain.clone()).collect();
            detail.push_str(&format!("; not accepted: [{}]", list_for_log(&rejected)));
        }
    }
    detail
}

/// Adds, deletes or replaces the entries of one list, after the console's checks (the text,
/// each entry's rule, the count, that something changes, no business domains for personal
/// accounts) against the list WeChat holds now.
pub async fn change(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    change: DomainChange,
) -> Result<DomainsView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, NEED).await?;
    let personal = is_personal(&p);
    let kind = change.kind;
    // What the text alone breaks is refused before WeChat is asked anything (an oversized
    // body costs no call).
    check_size(kind, change.action, &change.input)
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    // A personal account's business domains are refused before anything is read (WeChat
    // would answer 89231 to the read as well).
    let all = if kind.is_server() {
        wire::read_server(state, &p.appid).await?
    } else if personal {
        DomainLists::default()
    } else {
        DomainLists {
            webview: wire::read_webview(state, &p.appid).await?,
            ..DomainLists::default()
        }
    };
    let preview = check_change(
        &ChangeContext {
            kind,
            action: change.action,
            current: all.of(kind),
            personal,
        },
        &change.input,
    )
    .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let result = if kind.is_server() {
        send_server(state, &p, &change, &all, &preview).await
    } else {
        send_webview(state, &p, &change, all.of(kind), &preview).await
    };
    let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
    record(
        state,
        user,
        &p,
        "domain.change",
        &outcome,
        &detail_of(&change, &preview, &result),
    )
    .await?;
    let report = result?;
    build_view(state, user, p, Some(report)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_are_cut_in_the_log() {
        let entries: Vec<String> = (0..25).map(|n| format!("https://h{n}.com")).collect();
        let text = list_for_log(&entries);
        assert!(text.ends_with("(+5)"), "{text}");
        assert!(text.contains("https://h19.com"));
        assert!(!text.contains("https://h20.com"));
        assert_eq!(
            list_for_log(&entries[..2]),
            "https://h0.com, https://h1.com"
        );
    }

    #[test]
    fn diffs_name_what_came_and_went() {
        let before = vec!["a".to_owned(), "b".to_owned()];
        let after = vec!["b".to_owned(), "c".to_owned()];
        assert_eq!(
            diff(&before, &after),
            (vec!["c".to_owned()], vec!["a".to_owned()])
        );
    }
}
