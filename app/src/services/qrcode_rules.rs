//! QR-jump rules (扫普通链接二维码打开小程序): one mini program's rules read from WeChat,
//! added / edited / deleted / published after every rule of §14 the console can know was
//! checked, the verify file, the fleet table (the console's copy) and "apply one rule to
//! many mini programs". Every write goes to the audit log; merchants act only on their own
//! mini programs, within their merchant's permission.

use super::audit_log;
use super::{mini_programs, AppState};
use crate::db;
use crate::domain::merchant_permission::Need;
use crate::domain::mini_program::{AppStatus, MiniProgramQuery, SubjectType};
use crate::domain::pagination::{Page, PageRequest};
use crate::domain::qrcode_rule::view::{
    QrApplyOutcome, QrApplyRequest, QrFleetQuery, QrFleetRow, QrRuleView, QrRulesView, QrTarget,
};
use crate::domain::qrcode_rule::{
    check_publish, check_rule, fill_template, parse_link, QrRule, QrRuleForm, RuleContext,
    TemplateProblem, TemplateValues,
};
use crate::domain::release::field_errors;
use crate::domain::validation::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::code::{QrcodeJumpAddRequest, QrcodeJumpRule};

/// Targets offered to "apply to many" per search.
pub const TARGETS_PER_SEARCH: u32 = 100;

fn from_wechat(r: &QrcodeJumpRule) -> QrRule {
    QrRule {
        prefix: r.prefix.clone(),
        permit_sub_rule: r.permit_sub_rule,
        path: r.path.clone(),
        open_version: r.open_version,
        debug_url: r.debug_url.clone(),
        state: r.state,
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
    audit_log::record_program_action(&state.db, user, p, "qrcode_rule", action, result, detail)
        .await
}

/// What WeChat lists now, with what the checks need; the console's copy is refreshed.
struct Current {
    rules: Vec<QrRule>,
    open: bool,
    list_size: i64,
    pub_quota: i64,
    pages: Vec<String>,
    pages_known: bool,
    released: bool,
    personal: bool,
}

/// The rule list as WeChat has it now (also the fleet table's copy); the rest of `current`
/// is kept. After a write only this is read again: the pages did not change.
async fn reread_rules(
    state: &AppState,
    p: &MiniProgramRow,
    current: Current,
) -> Result<Current, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .qrcode_jump_get(&platform.ctx(&p.appid))
        .await?;
    let rules: Vec<QrRule> = list.rule_list.iter().map(from_wechat).collect();
    db::qrcode_rules::replace(&state.db, &p.appid, &rules, db::now()).await?;
    Ok(Current {
        rules,
        open: list.qrcodejump_open != 0,
        list_size: list.list_size,
        pub_quota: list.qrcodejump_pub_quota,
        ..current
    })
}

async fn read_current(state: &AppState, p: &MiniProgramRow) -> Result<Current, AppError> {
    let (pages, pages_known) = mini_programs::code_pages(state, &p.appid).await?;
    let released = db::release_status::get(&state.db, &p.appid)
        .await?
        .is_some_and(|s| s.online_version.is_some());
    let known = Current {
        rules: Vec::new(),
        open: false,
        list_size: 0,
        pub_quota: 0,
        pages,
        pages_known,
        released,
        personal: p.subject == SubjectType::Individual,
    };
    reread_rules(state, p, known).await
}

fn rule_view(rule: QrRule) -> QrRuleView {
    let qr = super::authorization::qr_svg;
    QrRuleView {
        prefix_qr_svg: qr(&rule.prefix),
        debug_qr_svgs: rule.debug_url.iter().map(|u| qr(u)).collect(),
        verify_dir: parse_link(&rule.prefix)
            .map(|l| l.verify_dir())
            .unwrap_or_default(),
        rule,
    }
}

async fn build_view(
    state: &AppState,
    user: &CurrentUser,
    p: MiniProgramRow,
    current: Current,
) -> Result<QrRulesView, AppError> {
    let staff = user.role.sees_whole_fleet();
    let taken = if staff {
        db::qrcode_rules::taken_by_others(&state.db, &p.appid).await?
    } else {
        Vec::new()
    };
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    Ok(QrRulesView {
        appid: p.appid,
        nick_name: p.nick_name,
        rules: current.rules.into_iter().map(rule_view).collect(),
        open: current.open,
        list_size: current.list_size,
        pub_quota: current.pub_quota,
        pages: current.pages,
        pages_known: current.pages_known,
        released: current.released,
        personal: current.personal,
        taken,
        grant,
    })
}

/// One mini program's rules as WeChat lists them now.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<QrRulesView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let current = read_current(state, &p).await?;
    build_view(state, user, p, current).await
}

async fn checked_add(
    state: &AppState,
    p: &MiniProgramRow,
    current: &Current,
    form: &QrRuleForm,
) -> Result<(), AppError> {
    let taken = db::qrcode_rules::taken_by_others(&state.db, &p.appid).await?;
    check_rule(
        form,
        &RuleContext {
            rules: &current.rules,
            pages: current.pages_known.then_some(current.pages.as_slice()),
            personal: current.personal,
            taken: &taken,
        },
    )
    .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let platform = state.platform()?;
    platform
        .client
        .qrcode_jump_add(
            &platform.ctx(&p.appid),
            &QrcodeJumpAddRequest {
                prefix: form.prefix.clone(),
                permit_sub_rule: form.permit_sub_rule.to_string(),
                path: form.path.clone(),
                open_version: form.open_version.to_string(),
                debug_url: form.debug_url.clone(),
                is_edit: i64::from(form.is_edit),
            },
        )
        .await?;
    Ok(())
}

/// Adds a rule or edits one (is_edit), checked first.
pub async fn save(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    form: QrRuleForm,
) -> Result<QrRulesView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let form = form.normalized();
    let current = read_current(state, &p).await?;
    let result = checked_add(state, &p, &current, &form).await;
    let action = if form.is_edit {
        "qrcode_rule.edit"
    } else {
        "qrcode_rule.add"
    };
    let detail = format!(
        "{} -> {} (permit_sub_rule {}, open_version {}, {} debug links)",
        form.prefix,
        form.path,
        form.permit_sub_rule,
        form.open_version,
        form.debug_url.len()
    );
    if !matches!(result, Err(AppError::Invalid(_))) {
        record(state, user, &p, action, &result, &detail).await?;
    }
    result?;
    let current = reread_rules(state, &p, current).await?;
    build_view(state, user, p, current).await
}

async fn checked_publish(
    state: &AppState,
    p: &MiniProgramRow,
    current: &Current,
    prefix: &str,
) -> Result<(), AppError> {
    if !current.rules.iter().any(|r| r.prefix == prefix) {
        return Err(AppError::Invalid(vec![FieldError::new(
            "publish",
            FieldProblem::QrNoSuchRule,
        )]));
    }
    check_publish(current.released, current.personal, current.pub_quota)
        .map_err(|v| AppError::Invalid(field_errors(vec![v])))?;
    let platform = state.platform()?;
    platform
        .client
        .qrcode_jump_publish(&platform.ctx(&p.appid), prefix)
        .await?;
    Ok(())
}

/// Publishes a rule (state 1 → 2), one of the month's publishes.
pub async fn publish(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    prefix: &str,
) -> Result<QrRulesView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Release).await?;
    let current = read_current(state, &p).await?;
    let result = checked_publish(state, &p, &current, prefix).await;
    let detail = format!("{prefix} (publishes left before: {})", current.pub_quota);
    record(state, user, &p, "qrcode_rule.publish", &result, &detail).await?;
    result?;
    let current = reread_rules(state, &p, current).await?;
    build_view(state, user, p, current).await
}

/// Deletes a rule (a published one stops opening the mini program at once).
pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    prefix: &str,
) -> Result<QrRulesView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Release).await?;
    let platform = state.platform()?;
    let result = platform
        .client
        .qrcode_jump_delete(&platform.ctx(&p.appid), prefix)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    record(state, user, &p, "qrcode_rule.delete", &result, prefix).await?;
    result?;
    view(state, user, appid).await
}

/// The verify file (`qrcodejumpdownload`): its exact name and content.
pub async fn verify_file(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<(String, String), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let platform = state.platform()?;
    let file = platform
        .client
        .qrcode_jump_download(&platform.ctx(&p.appid))
        .await?;
    // The seed's example answer carries neither field: without both there is
    // no file to offer, which the owner can only retry.
    let (Some(file_name), Some(file_content)) = (file.file_name, file.file_content) else {
        return Err(AppError::WechatUnavailable(
            "WeChat answered qrcodejumpdownload without the verify file".into(),
        ));
    };
    record(
        state,
        user,
        &p,
        "qrcode_rule.verify_file",
        &Ok(()),
        &file_name,
    )
    .await?;
    Ok((file_name, file_content))
}

/// The fleet table (the console's copy of every rule), merchants' own only.
pub async fn fleet(
    state: &AppState,
    user: &CurrentUser,
    query: QrFleetQuery,
) -> Result<Page<QrFleetRow>, AppError> {
    let scope = mini_programs::scope_of(user)?;
    let q = query.normalized();
    let (items, total) = db::qrcode_rules::list(&state.db, scope, &q).await?;
    Ok(Page {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
    })
}

fn csv_field(s: &str) -> String {
    // Spreadsheet formula injection: a leading = + - @ is neutralised.
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// The fleet table with the same filters, every page, as CSV.
pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    query: QrFleetQuery,
    t: &Texts,
) -> Result<String, AppError> {
    let q = t.qrcode;
    let mut out = [
        t.col_appid,
        t.col_name,
        t.col_merchant,
        q.col_prefix,
        q.col_host,
        q.col_ownership,
        q.col_path,
        q.col_open_version,
        q.col_state,
        q.col_debug,
        q.col_synced,
    ]
    .map(csv_field)
    .join(",");
    out.push('\n');
    let mut page = 1;
    loop {
        let rows = fleet(
            state,
            user,
            QrFleetQuery {
                page: PageRequest::new(page, 100),
                ..query.clone()
            },
        )
        .await?;
        for r in &rows.items {
            let line = [
                r.appid.clone(),
                r.nick_name.clone(),
                r.merchant_name.clone().unwrap_or_default(),
                r.prefix.clone(),
                r.host.clone(),
                q.ownership(r.permit_sub_rule).to_owned(),
                r.path.clone(),
                q.open_version(r.open_version).to_owned(),
                q.state(r.state).to_owned(),
                r.debug_urls.to_string(),
                crate::domain::time::format_cst(r.synced_at),
            ]
            .map(|f| csv_field(&f))
            .join(",");
            out.push_str(&line);
            out.push('\n');
        }
        if rows.items.len() < 100 {
            return Ok(out);
        }
        page += 1;
    }
}

/// Mini programs "apply to many" may target (authorized, in the user's scope), with the
/// values a template is filled with.
pub async fn targets(
    state: &AppState,
    user: &CurrentUser,
    search: String,
    merchant_id: Option<i64>,
) -> Result<Vec<QrTarget>, AppError> {
    let scope = mini_programs::scope_of(user)?;
    let page = mini_programs::list(
        &state.db,
        user,
        &MiniProgramQuery {
            search,
            status: Some(AppStatus::Authorized),
            merchant_id,
            page: PageRequest::new(1, TARGETS_PER_SEARCH),
            ..Default::default()
        },
    )
    .await?;
    let counts = db::qrcode_rules::counts(&state.db, scope).await?;
    Ok(page
        .items
        .into_iter()
        .map(|p| QrTarget {
            rules: counts
                .iter()
                .find(|(a, _)| *a == p.appid)
                .map_or(0, |(_, n)| *n),
            values: TemplateValues {
                appid: p.appid,
                name: p.nick_name,
                merchant_id: p.merchant_id,
                merchant_name: p.merchant_name,
            },
        })
        .collect())
}

fn template_error(field: &str, problem: TemplateProblem) -> AppError {
    let problem = match problem {
        TemplateProblem::UnknownVariable(name) => FieldProblem::QrUnknownVariable { name },
        TemplateProblem::Unclosed => FieldProblem::QrUnknownVariable {
            name: "{".to_owned(),
        },
        TemplateProblem::NoValue(name) => FieldProblem::QrNoValue { name },
    };
    AppError::Invalid(vec![FieldError::new(field, problem)])
}

/// The rule `request` makes for one mini program.
pub fn rule_for(request: &QrApplyRequest, values: &TemplateValues) -> Result<QrRuleForm, AppError> {
    let t = &request.template;
    let prefix = fill_template(&t.prefix, values).map_err(|e| template_error("prefix", e))?;
    let debug_url = t
        .debug_url
        .iter()
        .enumerate()
        .map(|(i, u)| {
            fill_template(u, values).map_err(|e| template_error(&format!("debug_url.{i}"), e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(QrRuleForm {
        prefix,
        debug_url,
        is_edit: false,
        ..t.clone()
    }
    .normalized())
}

/// Applies one rule template to one mini program: skipped when it already has the prefix
/// (a re-run never duplicates), otherwise checked and added, then published when asked.
/// The outcome is the answer, not an error: the caller goes on with the next target.
pub async fn apply(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    request: &QrApplyRequest,
) -> Result<QrApplyOutcome, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let values = TemplateValues {
        appid: p.appid.clone(),
        name: p.nick_name.clone(),
        merchant_id: p.merchant_id,
        merchant_name: p.merchant_name.clone(),
    };
    let form = match rule_for(request, &values) {
        Ok(form) => form,
        Err(error) => {
            return Ok(QrApplyOutcome::Failed {
                prefix: request.template.prefix.clone(),
                error,
            })
        }
    };
    let prefix = form.prefix.clone();
    let need = if request.publish {
        Need::Release
    } else {
        Need::Submit
    };
    if let Err(error) = mini_programs::require_grant(&state.db, user, &p, need).await {
        return Ok(QrApplyOutcome::Failed { prefix, error });
    }
    let current = match read_current(state, &p).await {
        Ok(c) => c,
        Err(error) => return Ok(QrApplyOutcome::Failed { prefix, error }),
    };
    let existing = current.rules.iter().find(|r| r.prefix == prefix).cloned();
    let added = existing.is_none();
    if added {
        let result = checked_add(state, &p, &current, &form).await;
        let detail = format!("{prefix} -> {} (applied to many)", form.path);
        record(state, user, &p, "qrcode_rule.add", &result, &detail).await?;
        if let Err(error) = result {
            return Ok(QrApplyOutcome::Failed { prefix, error });
        }
    }
    // Read again after adding: the fleet table's copy then has the new rule too.
    let current = if added {
        reread_rules(state, &p, current).await?
    } else {
        current
    };
    let mut published = existing.as_ref().is_some_and(QrRule::published);
    let mut publish_error = None;
    if request.publish && !published {
        let result = checked_publish(state, &p, &current, &prefix).await;
        let detail = format!(
            "{prefix} (applied to many; publishes left before: {})",
            current.pub_quota
        );
        record(state, user, &p, "qrcode_rule.publish", &result, &detail).await?;
        match result {
            Ok(()) => published = true,
            Err(e) => publish_error = Some(e),
        }
    }
    Ok(if added {
        QrApplyOutcome::Added {
            prefix,
            published,
            publish_error,
        }
    } else {
        QrApplyOutcome::AlreadyThere {
            prefix,
            published,
            publish_error,
        }
    })
}
