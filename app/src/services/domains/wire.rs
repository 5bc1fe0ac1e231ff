//! Between the console's lists and WeChat's: the reads and writes of modify_domain and
//! setwebviewdomain, the conversions, and modify_domain's errors with that endpoint's own
//! meaning of 85015 ("该账号不是小程序账号", not the catalogue's "版本输入错误").

use crate::domain::domains::{
    normalize_domain, DomainAction, DomainKind, DomainLists, RejectReason, Rejected,
};
use crate::error::AppError;
use crate::services::platform::Platform;
use crate::services::AppState;
use wechat::api::domain::{
    DomainAction as WireAction, ModifyDomainAnswer, RejectedDomains, ServerDomains, MODIFY_DOMAIN,
};

fn wire_action(action: DomainAction) -> WireAction {
    match action {
        DomainAction::Add => WireAction::Add,
        DomainAction::Delete => WireAction::Delete,
        DomainAction::Set => WireAction::Set,
    }
}

/// WeChat's list of a server kind (`None` for business domains).
fn wire_list(server: &ServerDomains, kind: DomainKind) -> Option<&Vec<String>> {
    match kind {
        DomainKind::Request => Some(&server.requestdomain),
        DomainKind::Ws => Some(&server.wsrequestdomain),
        DomainKind::Upload => Some(&server.uploaddomain),
        DomainKind::Download => Some(&server.downloaddomain),
        DomainKind::Udp => Some(&server.udpdomain),
        DomainKind::Tcp => Some(&server.tcpdomain),
        DomainKind::Webview => None,
    }
}

fn invalid_list(rejected: &RejectedDomains, kind: DomainKind) -> &[String] {
    match kind {
        DomainKind::Request => &rejected.invalid_requestdomain,
        DomainKind::Ws => &rejected.invalid_wsrequestdomain,
        DomainKind::Upload => &rejected.invalid_uploaddomain,
        DomainKind::Download => &rejected.invalid_downloaddomain,
        DomainKind::Udp => &rejected.invalid_udpdomain,
        DomainKind::Tcp => &rejected.invalid_tcpdomain,
        DomainKind::Webview => &[],
    }
}

fn normalized(list: &[String]) -> Vec<String> {
    list.iter().map(|d| normalize_domain(d)).collect()
}

/// WeChat's six lists as the console's (business domains empty), normalised.
pub fn to_lists(server: &ServerDomains) -> DomainLists {
    let mut lists = DomainLists::default();
    for kind in DomainKind::SERVER {
        if let Some(list) = wire_list(server, kind) {
            *lists.of_mut(kind) = normalized(list);
        }
    }
    lists
}

/// The console's six server lists in WeChat's field names.
pub fn to_wire(lists: &DomainLists) -> ServerDomains {
    let list = |kind: DomainKind| lists.of(kind).to_vec();
    ServerDomains {
        requestdomain: list(DomainKind::Request),
        wsrequestdomain: list(DomainKind::Ws),
        uploaddomain: list(DomainKind::Upload),
        downloaddomain: list(DomainKind::Download),
        udpdomain: list(DomainKind::Udp),
        tcpdomain: list(DomainKind::Tcp),
    }
}

/// What a partial success turned down, each under its kind. `no_icp_domain` does not say the
/// kind: it is the kind the entry was sent in, else `fallback`.
pub fn rejected_of(
    rejected: &RejectedDomains,
    sent: &DomainLists,
    fallback: DomainKind,
) -> Vec<Rejected> {
    let mut out = Vec::new();
    for kind in DomainKind::SERVER {
        out.extend(
            normalized(invalid_list(rejected, kind))
                .into_iter()
                .map(|domain| Rejected {
                    kind,
                    domain,
                    reason: RejectReason::Invalid,
                }),
        );
    }
    for domain in normalized(&rejected.no_icp_domain) {
        let kind = DomainKind::SERVER
            .into_iter()
            .find(|k| sent.of(*k).contains(&domain))
            .unwrap_or(fallback);
        out.push(Rejected {
            kind,
            domain,
            reason: RejectReason::NoIcp,
        });
    }
    out
}

/// A modify_domain failure as the console reports it.
pub fn modify_domain_error(e: wechat::Error) -> AppError {
    match e {
        wechat::Error::Api {
            errcode,
            ref errmsg,
            ref rid,
        } => {
            let (zh, en) = wechat::errcode::describe_at(MODIFY_DOMAIN.path, errcode, errmsg);
            AppError::Wechat {
                errcode,
                zh,
                en,
                rid: rid.clone(),
            }
        }
        other => other.into(),
    }
}

/// The server domains WeChat holds for `appid`.
pub async fn read_server(state: &AppState, appid: &str) -> Result<DomainLists, AppError> {
    let platform = state.platform()?;
    platform
        .client
        .get_server_domains(&platform.ctx(appid))
        .await
        .map(|server| to_lists(&server))
        .map_err(modify_domain_error)
}

/// The business domains WeChat holds for `appid`, normalised.
pub async fn read_webview(state: &AppState, appid: &str) -> Result<Vec<String>, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .get_webview_domains(&platform.ctx(appid))
        .await?;
    Ok(normalized(&list))
}

/// modify_domain with the six lists of `lists`.
pub async fn write_server(
    platform: &Platform,
    appid: &str,
    action: DomainAction,
    lists: &DomainLists,
) -> Result<ModifyDomainAnswer, wechat::Error> {
    platform
        .client
        .modify_domain(&platform.ctx(appid), wire_action(action), &to_wire(lists))
        .await
}

/// setwebviewdomain with `list`.
pub async fn write_webview(
    platform: &Platform,
    appid: &str,
    action: DomainAction,
    list: &[String],
) -> Result<(), wechat::Error> {
    platform
        .client
        .set_webview_domain(&platform.ctx(appid), wire_action(action), list)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_convert_both_ways_normalised() {
        let server = ServerDomains {
            requestdomain: vec!["HTTPS://API.demo-shop.com/".into()],
            tcpdomain: vec!["tcp://tcp.demo-shop.com:7000".into()],
            ..Default::default()
        };
        let lists = to_lists(&server);
        assert_eq!(lists.request, vec!["https://api.demo-shop.com".to_owned()]);
        assert_eq!(lists.tcp.len(), 1);
        assert!(lists.webview.is_empty());
        assert_eq!(to_wire(&lists).requestdomain, lists.request);
    }

    #[test]
    fn rejects_are_filed_under_their_kind() {
        let sent = DomainLists {
            ws: vec!["wss://a.demo-shop.test".into()],
            ..Default::default()
        };
        let rejected = RejectedDomains {
            invalid_requestdomain: vec!["https://cdn.elsewhere.com".into()],
            no_icp_domain: vec!["wss://a.demo-shop.test".into(), "https://b.test".into()],
            ..Default::default()
        };
        let out = rejected_of(&rejected, &sent, DomainKind::Download);
        assert_eq!(
            out,
            vec![
                Rejected {
                    kind: DomainKind::Request,
                    domain: "https://cdn.elsewhere.com".into(),
                    reason: RejectReason::Invalid
                },
                Rejected {
                    kind: DomainKind::Ws,
                    domain: "wss://a.demo-shop.test".into(),
                    reason: RejectReason::NoIcp
                },
                Rejected {
                    kind: DomainKind::Download,
                    domain: "https://b.test".into(),
                    reason: RejectReason::NoIcp
                },
            ]
        );
    }

    #[test]
    fn modify_domain_gives_85015_its_own_meaning() {
        match modify_domain_error(wechat::Error::api(85015, "not a weapp rid: 1")) {
            AppError::Wechat { errcode, zh, .. } => {
                assert_eq!(errcode, 85015);
                assert_eq!(zh, "该账号不是小程序账号");
            }
            other => panic!("{other:?}"),
        }
    }
}
