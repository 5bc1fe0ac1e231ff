//! Readiness (就绪检查): one mini program's checklist. A re-check calls read endpoints only
//! (getaccountbasicinfo — authorizer info when it cannot be read —, get_category, memberauth
//! through the testers code) and reads what the console already has (the authorization, the
//! release facts), then stores the snapshot and its summary (audited). Showing the page reads
//! the snapshot: no WeChat call. Everyone who sees a mini program may re-check it (a re-check
//! changes nothing on WeChat); merchants only their own. A fleet re-check is the registry's
//! selection, at most [`FLEET_CHECK_MAX`] mini programs, re-checked one by one by the page.

use super::{audit_log, mini_programs, testers, AppState};
use crate::db;
use crate::domain::mini_program::{AppStatus, MiniProgramQuery};
use crate::domain::pagination::PageRequest;
use crate::domain::readiness::{
    checklist, fix_link, summarize, AuthorizationFacts, BasicInfo, Category, DomainFacts,
    ErrcodeText, Finding, FleetTargets, ItemView, ReadError, ReadinessView, ReleaseFacts, Source,
    Sources, Summary, TesterFacts, FLEET_CHECK_MAX,
};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::component::AuthorizerInfoRequest;

/// The audit log's action for a re-check.
pub const ACTION_CHECK: &str = "readiness.check";
const TARGET_TYPE: &str = "readiness";
/// 61007: the endpoint's permission set is not granted.
const SCOPE_NOT_GRANTED: i64 = 61007;
/// The permission set of get_category and memberauth (开发管理与数据分析).
const CODE_SCOPE: i64 = wechat::api::tester::PERMISSION_SET;

fn read_error(e: &wechat::Error) -> ReadError {
    match e.errcode() {
        Some(errcode) => ReadError::Wechat { errcode },
        None => ReadError::Unreachable,
    }
}

fn read_error_of(e: &AppError) -> ReadError {
    match e {
        AppError::Wechat { errcode, .. } => ReadError::Wechat { errcode: *errcode },
        _ => ReadError::Unreachable,
    }
}

fn errcode_text(errcode: i64) -> ErrcodeText {
    let (zh, en) = wechat::errcode::describe(errcode, "");
    ErrcodeText { errcode, zh, en }
}

/// `func_info` as the authorization stored it ("17,18,30").
fn parse_func_info(stored: &str) -> Vec<i64> {
    stored
        .split(',')
        .filter_map(|id| id.trim().parse().ok())
        .collect()
}

async fn read_authorization(
    state: &AppState,
    p: &MiniProgramRow,
) -> Result<Source<AuthorizationFacts>, AppError> {
    let func_info = db::authorizations::get(&state.db, &p.appid)
        .await?
        .map(|a| parse_func_info(&a.func_info))
        .unwrap_or_default();
    Ok(Source::got(
        db::now(),
        AuthorizationFacts {
            status: p.status,
            func_info,
            subject: p.subject,
        },
    ))
}

async fn read_release(state: &AppState, appid: &str) -> Result<Source<ReleaseFacts>, AppError> {
    let facts = db::readiness::release_facts(&state.db, appid)
        .await?
        .unwrap_or_default();
    Ok(Source::got(db::now(), facts))
}

fn basic_info_of(info: wechat::api::basic_info::AccountBasicInfo) -> BasicInfo {
    BasicInfo {
        nickname: info.name().to_owned(),
        head_image_url: info.head_image_info.head_image_url,
        signature: info.signature_info.signature,
        principal_type: Some(info.principal_type),
        principal_name: info.principal_name,
        realname_status: Some(info.realname_status),
        qualification_verify: info.wx_verify_info.qualification_verify,
        fallback: false,
    }
}

/// The name, avatar and introduction from authorizer info (`api_get_authorizer_info`, the
/// component token), when getaccountbasicinfo cannot be read (research §5: older accounts
/// answer 41033; an account may not have granted set 30).
async fn fallback_basic_info(state: &AppState, appid: &str) -> Option<BasicInfo> {
    let platform = state.platform().ok()?;
    let request = AuthorizerInfoRequest {
        component_appid: platform.component_appid.clone(),
        authorizer_appid: appid.to_owned(),
    };
    let info = platform
        .client
        .authorizer_info(&platform.component_ctx(), &request)
        .await
        .ok()?
        .authorizer_info;
    Some(BasicInfo {
        nickname: info.nick_name,
        head_image_url: info.head_img,
        signature: info.signature,
        principal_type: None,
        principal_name: info.principal_name,
        realname_status: None,
        qualification_verify: info.verify_type_info.id >= 0,
        fallback: true,
    })
}

/// Basic info, and getaccountbasicinfo's own failure when the fallback answered instead.
async fn read_basic_info(state: &AppState, appid: &str) -> (Source<BasicInfo>, Option<ReadError>) {
    let platform = match state.platform() {
        Ok(p) => p,
        Err(_) => return (Source::failed(db::now(), ReadError::Unreachable), None),
    };
    let answer = platform
        .client
        .get_account_basic_info(&platform.ctx(appid))
        .await;
    let now = db::now();
    match answer {
        Ok(info) => (Source::got(now, basic_info_of(info)), None),
        Err(e) => {
            let error = read_error(&e);
            tracing::info!(appid, error = %e, "getaccountbasicinfo unavailable: authorizer info instead");
            match fallback_basic_info(state, appid).await {
                Some(info) => (Source::got(db::now(), info), Some(error)),
                None => (Source::failed(now, error.clone()), Some(error)),
            }
        }
    }
}

async fn read_categories(state: &AppState, appid: &str) -> Source<Vec<Category>> {
    let platform = match state.platform() {
        Ok(p) => p,
        Err(_) => return Source::failed(db::now(), ReadError::Unreachable),
    };
    let answer = platform.client.get_category(&platform.ctx(appid)).await;
    let now = db::now();
    match answer {
        Ok(list) => Source::got(
            now,
            list.category_list
                .into_iter()
                .map(|c| Category {
                    first: c.first_class,
                    second: c.second_class,
                    third: c.third_class.filter(|t| !t.trim().is_empty()),
                })
                .collect(),
        ),
        Err(e) => Source::failed(now, read_error(&e)),
    }
}

async fn read_testers(state: &AppState, p: &MiniProgramRow) -> Source<TesterFacts> {
    let answer = testers::count_and_limit(state, p).await;
    let now = db::now();
    match answer {
        Ok((count, limit)) => Source::got(now, TesterFacts { count, limit }),
        Err(e) => Source::failed(now, read_error_of(&e)),
    }
}

/// The server domains (modify_domain get, permission set 18 like the code endpoints).
async fn read_domains(state: &AppState, appid: &str) -> Source<DomainFacts> {
    let answer = crate::services::domains::wire::read_server(state, appid).await;
    let now = db::now();
    match answer {
        Ok(lists) => Source::got(
            now,
            DomainFacts {
                request: lists.request.len(),
                socket: lists.ws.len(),
                upload: lists.upload.len(),
                download: lists.download.len(),
                other: lists.udp.len() + lists.tcp.len(),
            },
        ),
        Err(e) => Source::failed(now, read_error_of(&e)),
    }
}

fn refused(error: Option<&ReadError>) -> bool {
    error.and_then(ReadError::errcode) == Some(SCOPE_NOT_GRANTED)
}

/// Everything one check reads. WeChat is asked only while the console holds the
/// authorization; its three reads run side by side.
async fn read_sources(state: &AppState, p: &MiniProgramRow) -> Result<Sources, AppError> {
    let authorization = read_authorization(state, p).await?;
    let release = read_release(state, &p.appid).await?;
    if p.status != AppStatus::Authorized {
        let now = db::now();
        return Ok(Sources {
            authorization,
            basic_info: Source::failed(now, ReadError::NotAuthorized),
            categories: Source::failed(now, ReadError::NotAuthorized),
            testers: Source::failed(now, ReadError::NotAuthorized),
            domains: Source::failed(now, ReadError::NotAuthorized),
            release,
            refused_scopes: Vec::new(),
        });
    }
    let ((basic_info, basic_error), categories, testers, domains) = tokio::join!(
        read_basic_info(state, &p.appid),
        read_categories(state, &p.appid),
        read_testers(state, p),
        read_domains(state, &p.appid),
    );
    let mut refused_scopes = Vec::new();
    if refused(basic_error.as_ref()) {
        refused_scopes.push(wechat::api::basic_info::PERMISSION_SET);
    }
    if refused(categories.read.as_ref().err())
        || refused(testers.read.as_ref().err())
        || refused(domains.read.as_ref().err())
    {
        refused_scopes.push(CODE_SCOPE);
    }
    Ok(Sources {
        authorization,
        basic_info,
        categories,
        testers,
        domains,
        release,
        refused_scopes,
    })
}

/// The page's view of a stored check (or of none).
fn build_view(
    user: &CurrentUser,
    p: &MiniProgramRow,
    stored: Option<db::readiness::SnapshotRecord>,
) -> ReadinessView {
    let staff = user.role.sees_whole_fleet();
    let parsed = stored.and_then(|record| {
        match serde_json::from_str::<Sources>(&record.sources) {
            Ok(sources) => Some((record, sources)),
            Err(e) => {
                // A snapshot this version cannot read counts as never checked: a re-check
                // replaces it.
                tracing::warn!(appid = %p.appid, error = %e, "readiness snapshot unreadable");
                None
            }
        }
    });
    let Some((record, sources)) = parsed else {
        return ReadinessView {
            appid: p.appid.clone(),
            nick_name: p.nick_name.clone(),
            checked_at: None,
            checked_by: None,
            items: Vec::new(),
            summary: None,
        };
    };
    let items = checklist(&sources);
    let summary = summarize(&items);
    let items = items
        .into_iter()
        .map(|item| ItemView {
            prevents: item.prevents.map(errcode_text),
            read_error: match &item.finding {
                Finding::Unreadable(e) => e.errcode().map(errcode_text),
                _ => None,
            },
            link: fix_link(&item, &p.appid, staff),
            item,
        })
        .collect();
    ReadinessView {
        appid: p.appid.clone(),
        nick_name: p.nick_name.clone(),
        checked_at: Some(record.checked_at),
        checked_by: Some(record.checked_by_name),
        items,
        summary: Some(summary),
    }
}

/// One mini program's checklist as of its last check (no WeChat call).
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReadinessView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let stored = db::readiness::get(&state.db, &p.appid).await?;
    Ok(build_view(user, &p, stored))
}

/// What the audit log says of a check: "6/8, first missing: testers".
fn detail(summary: &Summary) -> String {
    match summary.first_blocking {
        Some(kind) => format!(
            "{}/{}, first missing: {}",
            summary.ready,
            summary.total,
            kind.as_str()
        ),
        None => format!("{}/{}, ready", summary.ready, summary.total),
    }
}

/// Re-checks one mini program: reads its sources, stores the snapshot, answers the
/// checklist. A source that cannot be read is part of the answer (its item is not done),
/// never a failure of the check.
pub async fn check(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<ReadinessView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let started = db::now();
    let sources = read_sources(state, &p).await?;
    let items = checklist(&sources);
    let summary = summarize(&items);
    let json = serde_json::to_string(&sources).map_err(|e| {
        tracing::error!(appid = %p.appid, error = %e, "readiness sources not serialisable");
        AppError::Internal
    })?;
    db::readiness::store(
        &state.db,
        &db::readiness::NewSnapshot {
            appid: &p.appid,
            sources: &json,
            items: &items,
            summary: &summary,
            checked_at: started,
            checked_by_name: &user.username,
        },
    )
    .await?;
    audit_log::record_program_action(
        &state.db,
        user,
        &p,
        TARGET_TYPE,
        ACTION_CHECK,
        &Ok(()),
        &detail(&summary),
    )
    .await?;
    // What is stored now: this check, or a newer one that finished first.
    let stored = db::readiness::get(&state.db, &p.appid).await?;
    Ok(build_view(user, &p, stored))
}

/// The registry's selection for a fleet re-check: the first [`FLEET_CHECK_MAX`] mini
/// programs of `query` (its filters, search and sort; the user's scope), and how many match.
pub async fn fleet_targets(
    state: &AppState,
    user: &CurrentUser,
    query: MiniProgramQuery,
) -> Result<FleetTargets, AppError> {
    let query = MiniProgramQuery {
        page: PageRequest::new(1, FLEET_CHECK_MAX),
        ..query
    };
    let page = mini_programs::list(&state.db, user, &query).await?;
    Ok(FleetTargets {
        appids: page.items.into_iter().map(|p| p.appid).collect(),
        matched: page.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::readiness::ItemKind;

    #[test]
    fn stored_func_info_reads_back() {
        assert_eq!(parse_func_info("17,18, 30"), vec![17, 18, 30]);
        assert!(parse_func_info("").is_empty());
        assert_eq!(parse_func_info("18,x,30"), vec![18, 30]);
    }

    #[test]
    fn the_audit_detail_names_the_first_missing_item() {
        let stuck = Summary {
            ready: 6,
            total: 8,
            first_blocking: Some(ItemKind::Testers),
        };
        assert_eq!(detail(&stuck), "6/8, first missing: testers");
        let ready = Summary {
            first_blocking: None,
            ready: 8,
            ..stuck
        };
        assert_eq!(detail(&ready), "8/8, ready");
    }

    #[test]
    fn only_61007_marks_a_scope_refused() {
        assert!(refused(Some(&ReadError::Wechat { errcode: 61007 })));
        assert!(!refused(Some(&ReadError::Wechat { errcode: -1 })));
        assert!(!refused(Some(&ReadError::Unreachable)));
        assert!(!refused(None));
    }
}
