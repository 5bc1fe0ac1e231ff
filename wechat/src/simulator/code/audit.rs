//! get_category, submit_audit (its items checked against the pages and the offered
//! categories), the audit status reads and undocodeaudit.

use super::calendar::{beijing_day, same_month};
use super::call::{authorizer_appid, int_field, no_commit, with_authorizer};
use super::state::Audit;
use crate::api::code::{
    audit_status, AuditItem, CategoryItem, AUDIT_ITEMS_MAX, AUDIT_ITEMS_MIN, AUDIT_TAGS_MAX,
    AUDIT_TAG_MAX_CHARS, AUDIT_TITLE_MAX_CHARS,
};
use crate::simulator::error::{ok, parse_body, SimError, SimResult};
use crate::simulator::Sim;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use serde_json::{json, Value};

/// Distinct mini programs a platform may submit for review in 7 days (85085): the default
/// of `SimConfig::audit_quota`.
pub const WEEKLY_SUBMITTED_APPS_MAX: usize = 100;

pub const FEEDBACK_INFO_MAX_CHARS: usize = 200;

pub const UNDO_AUDIT_PER_MONTH: usize = 10;

/// At most 10 space-separated tags of at most 20 characters (85006).
pub fn check_tag(tag: &str) -> Result<(), SimError> {
    let tags: Vec<&str> = tag.split_whitespace().collect();
    if tags.len() > AUDIT_TAGS_MAX {
        return Err(SimError::new(85006, "too many tags"));
    }
    if tags.iter().any(|t| t.chars().count() > AUDIT_TAG_MAX_CHARS) {
        return Err(SimError::new(85006, "tag too long"));
    }
    Ok(())
}

/// What `get_category` offers for the categories set on an account: each of
/// them, or, where [`crate::simulator::provisional::CATEGORY_TREE`] has third levels under
/// its second level, one entry per third level (the seed: "可获取已设置的二级类目
/// 及用于代码审核的可选三级类目"). An entry that names its third level already is
/// offered as it is.
pub fn offered_categories(set: &[CategoryItem]) -> Vec<CategoryItem> {
    let mut offered = Vec::new();
    for c in set {
        let thirds = match c.third_id.filter(|&id| id != 0) {
            Some(_) => Vec::new(),
            None => crate::simulator::provisional::third_levels(c.first_id, c.second_id),
        };
        if thirds.is_empty() {
            offered.push(c.clone());
        }
        for (id, name) in thirds {
            offered.push(CategoryItem {
                third_class: Some(name.to_owned()),
                third_id: Some(id),
                ..c.clone()
            });
        }
    }
    offered
}

/// Validates submit_audit's item_list (`None` items are empty ones) against
/// the code's pages and what `get_category` offers for `categories`, the
/// account's own.
pub fn check_audit_items(
    items: &[Option<AuditItem>],
    pages: &[String],
    categories: &[CategoryItem],
) -> Result<Vec<AuditItem>, SimError> {
    if items.len() < AUDIT_ITEMS_MIN || items.len() > AUDIT_ITEMS_MAX {
        return Err(SimError::new(85023, "item_list size must be 1-5"));
    }
    let offered = offered_categories(categories);
    let mut checked = Vec::new();
    for item in items {
        let item = match item {
            Some(i) if *i != AuditItem::default() => i,
            _ => return Err(SimError::new(85010, "item_list has an empty item")),
        };
        let page = item.address.split('?').next().unwrap_or("");
        if !pages.iter().any(|p| p == page) {
            return Err(SimError::new(
                85007,
                format!("invalid address: {}", item.address),
            ));
        }
        check_tag(&item.tag)?;
        let third_id = item.third_id.filter(|&id| id != 0);
        let third_class = item.third_class.as_deref().filter(|c| !c.is_empty());
        let category = offered.iter().find(|c| {
            c.first_id == item.first_id
                && c.second_id == item.second_id
                && (item.first_class.is_empty() || item.first_class == c.first_class)
                && (item.second_class.is_empty() || item.second_class == c.second_class)
                && c.third_id.filter(|&id| id != 0) == third_id
                && third_class.is_none_or(|name| c.third_class.as_deref() == Some(name))
        });
        let Some(category) = category else {
            return Err(SimError::new(85008, "invalid category"));
        };
        let still_offered =
            crate::simulator::provisional::CATEGORY_TREE
                .iter()
                .any(|(f, _, s, _, t, _)| {
                    *f == category.first_id
                        && *s == category.second_id
                        && third_id.is_none_or(|id| id == *t)
                });
        if !still_offered {
            return Err(SimError::new(85077, "category has been withdrawn"));
        }
        let title_chars = item.title.chars().count();
        if title_chars == 0 || title_chars > AUDIT_TITLE_MAX_CHARS {
            return Err(SimError::new(85011, "invalid title"));
        }
        checked.push(item.clone());
    }
    Ok(checked)
}

pub(super) async fn get_category(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    let list = with_authorizer(&sim, &raw, |a, _| Ok(offered_categories(&a.categories)))?;
    ok(json!({ "category_list": list }))
}

pub(super) async fn submit_audit(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let delay = sim.config().audit_delay.as_secs() as i64;
    let quota = sim.config().audit_quota;
    let now = sim.now();
    let mut state = sim.lock();
    let appid = authorizer_appid(&state, &raw, now)?;
    // 85085: too many mini programs submitted by the platform in 7 days.
    let recent_apps = state
        .authorizers
        .values()
        .filter(|a| a.appid != appid)
        .filter(|a| {
            a.code
                .audits
                .iter()
                .any(|x| now - x.submitted_at < 7 * 86400)
        })
        .count();
    let auditid = 420_000_000 + state.next_serial() as i64;
    let authorizer = state
        .authorizers
        .get_mut(&appid)
        .ok_or_else(|| SimError::new(40013, "invalid appid"))?;
    if authorizer.nick_name.trim().is_empty() {
        return Err(SimError::new(
            86002,
            "nickname, avatar or introduction not set",
        ));
    }
    let code = authorizer
        .code
        .committed
        .clone()
        .ok_or_else(|| SimError::new(85086, "must commit code before submitting an audit"))?;
    if authorizer.code.audits.iter().any(Audit::in_review) {
        return Err(SimError::new(85009, "already has an audit in progress"));
    }
    if recent_apps >= quota {
        return Err(SimError::new(85085, "too many submissions in 7 days"));
    }
    let items: Vec<Option<AuditItem>> = match body.get("item_list") {
        Some(Value::Array(list)) => list
            .iter()
            .map(|v| match v {
                Value::Object(_) => serde_json::from_value(v.clone())
                    .map(Some)
                    .map_err(SimError::bad_body),
                _ => Ok(None),
            })
            .collect::<Result<_, _>>()?,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err(SimError::bad_body("item_list must be an array")),
    };
    let items = check_audit_items(&items, &code.pages, &authorizer.categories)?;
    let feedback_info = match body.get("feedback_info") {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    if feedback_info
        .as_deref()
        .is_some_and(|f| f.chars().count() > FEEDBACK_INFO_MAX_CHARS)
    {
        return Err(SimError::bad_body(
            "feedback_info longer than 200 characters",
        ));
    }
    if code.uses_navigate && !code.declares_navigate {
        return Err(SimError::new(
            85087,
            "navigateToMiniProgram used; declare navigateToMiniProgramAppIdList",
        ));
    }
    authorizer.code.audits.push(Audit {
        auditid,
        status: audit_status::AUDITING,
        reason: None,
        screenshot: None,
        submitted_at: now,
        due_at: now + delay,
        finished_at: None,
        code,
        item_list: items,
        feedback_info,
        released: false,
    });
    ok(json!({ "auditid": auditid }))
}

pub(super) fn audit_answer(audit: &Audit) -> Value {
    let mut body = json!({ "status": audit.status });
    if matches!(audit.status, audit_status::REJECTED | audit_status::DELAYED) {
        if let Some(reason) = &audit.reason {
            body["reason"] = json!(reason);
        }
    }
    if audit.status == audit_status::REJECTED {
        if let Some(screenshot) = &audit.screenshot {
            body["screenshot"] = json!(screenshot);
        }
    }
    body
}

pub(super) async fn get_auditstatus(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> SimResult {
    let body: Value = parse_body(&body)?;
    let answer = with_authorizer(&sim, &raw, |a, _| {
        if a.code.committed.is_none() {
            return Err(no_commit());
        }
        let audit = int_field(&body, "auditid")
            .and_then(|id| a.code.audits.iter().find(|x| x.auditid == id))
            .ok_or_else(|| SimError::new(85012, "invalid auditid"))?;
        Ok(audit_answer(audit))
    })?;
    ok(answer)
}

pub(super) async fn get_latest_auditstatus(
    State(sim): State<Sim>,
    RawQuery(raw): RawQuery,
) -> SimResult {
    let answer = with_authorizer(&sim, &raw, |a, _| {
        if a.code.committed.is_none() {
            return Err(no_commit());
        }
        let audit = a
            .code
            .audits
            .last()
            .ok_or_else(|| SimError::new(85012, "invalid auditid"))?;
        let mut body = audit_answer(audit);
        // The seed shows the latest auditid as a string.
        body["auditid"] = json!(audit.auditid.to_string());
        Ok(body)
    })?;
    ok(answer)
}

pub(super) async fn undo_code_audit(State(sim): State<Sim>, RawQuery(raw): RawQuery) -> SimResult {
    with_authorizer(&sim, &raw, |a, now| {
        let code = &mut a.code;
        code.undo_times.retain(|t| same_month(*t, now));
        let today = beijing_day(now);
        if code.undo_times.iter().any(|t| beijing_day(*t) == today)
            || code.undo_times.len() >= UNDO_AUDIT_PER_MONTH
        {
            return Err(SimError::new(87013, "undo audit quota reached"));
        }
        let audit = code
            .audits
            .iter_mut()
            .rev()
            .find(|x| x.in_review())
            .ok_or_else(|| SimError::new(85019, "no audit in progress"))?;
        audit.status = audit_status::WITHDRAWN;
        audit.finished_at = Some(now);
        code.undo_times.push(now);
        Ok(())
    })?;
    ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn tags_and_titles() {
        assert!(check_tag("学习 生活").is_ok());
        assert!(check_tag("").is_ok());
        assert_eq!(check_tag(&["a"; 11].join(" ")).unwrap_err().errcode, 85006);
        assert!(check_tag(&"字".repeat(20)).is_ok());
        assert_eq!(check_tag(&"字".repeat(21)).unwrap_err().errcode, 85006);

        let categories = vec![crate::simulator::second_level(304, "餐饮", 305, "咖啡")];
        let item = AuditItem {
            address: "index".into(),
            tag: "咖啡".into(),
            first_class: "餐饮".into(),
            second_class: "咖啡".into(),
            first_id: 304,
            second_id: 305,
            title: "首页".into(),
            ..Default::default()
        };
        let p = pages(&["index"]);
        let check = |items: Vec<Option<AuditItem>>| {
            check_audit_items(&items, &p, &categories)
                .err()
                .map(|e| e.errcode)
        };
        assert_eq!(check(vec![Some(item.clone())]), None);
        assert_eq!(check(vec![]), Some(85023));
        assert_eq!(check(vec![Some(item.clone()); 6]), Some(85023));
        assert_eq!(check(vec![None]), Some(85010));
        assert_eq!(check(vec![Some(AuditItem::default())]), Some(85010));
        let with = |f: &dyn Fn(&mut AuditItem)| {
            let mut i = item.clone();
            f(&mut i);
            check(vec![Some(i)])
        };
        assert_eq!(with(&|i| i.address = "other".into()), Some(85007));
        assert_eq!(with(&|i| i.second_id = 1), Some(85008));
        assert_eq!(with(&|i| i.third_id = Some(5)), Some(85008));
        assert_eq!(with(&|i| i.third_class = Some("高等".into())), Some(85008));
        assert_eq!(with(&|i| i.third_id = Some(0)), None);
        assert_eq!(with(&|i| i.title = "题".repeat(32)), None);
        assert_eq!(with(&|i| i.title = "题".repeat(33)), Some(85011));
        assert_eq!(with(&|i| i.title.clear()), Some(85011));
    }

    #[test]
    fn third_levels_are_offered_and_required() {
        let education = vec![crate::simulator::second_level(3, "教育", 4, "学历教育")];
        let offered = offered_categories(&education);
        let thirds: Vec<_> = offered
            .iter()
            .map(|c| (c.third_id, c.third_class.as_deref()))
            .collect();
        assert_eq!(thirds, [(Some(5), Some("高等")), (Some(6), Some("中等"))]);
        // An entry that names its third level already stays as it is.
        assert_eq!(offered_categories(&offered[..1]), offered[..1]);
        let item = AuditItem {
            address: "page/logs/logs".into(),
            first_class: "教育".into(),
            second_class: "学历教育".into(),
            third_class: Some("高等".into()),
            first_id: 3,
            second_id: 4,
            third_id: Some(5),
            title: "日志".into(),
            ..Default::default()
        };
        let p = pages(&["page/logs/logs"]);
        let with = |f: &dyn Fn(&mut AuditItem)| {
            let mut i = item.clone();
            f(&mut i);
            check_audit_items(&[Some(i)], &p, &education)
                .err()
                .map(|e| e.errcode)
        };
        assert_eq!(with(&|_| {}), None);
        assert_eq!(with(&|i| i.third_class = None), None);
        assert_eq!(with(&|i| i.third_id = Some(6)), Some(85008));
        assert_eq!(with(&|i| i.third_id = None), Some(85008));
        assert_eq!(
            with(&|i| {
                i.third_id = None;
                i.third_class = None;
            }),
            Some(85008)
        );
        assert_eq!(with(&|i| i.third_id = Some(99)), Some(85008));
        assert_eq!(with(&|i| i.third_class = Some("初等".into())), Some(85008));
    }
}
