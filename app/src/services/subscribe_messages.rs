//! Subscription messages (订阅消息) of one mini program: the account's categories, the public
//! titles of those categories and their keywords, composing and adding a private template,
//! the account's templates, deleting one, and a test send. Every call uses the console's own
//! authorizer token; every write goes to the audit log (a send without its values);
//! merchants act only on their own mini programs, within their permission.

use super::{audit_log, mini_programs, AppState};
use crate::domain::merchant_permission::Need;
use crate::domain::release::field_errors;
use crate::domain::subscribe_message::{
    check_compose, check_send, value_field_of_errmsg, Category, PrivateTemplate, PubKeyword,
    PubTitle, SubscribeSendForm, SubscribeView, TitlesPage, TITLES_PAGE,
};
use crate::domain::validation::{FieldError, FieldProblem};
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use wechat::api::subscribe::{AddTemplateRequest, SendRequest, Value};

async fn record(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    action: &str,
    result: &Result<(), AppError>,
    detail: &str,
) -> Result<(), AppError> {
    audit_log::record_program_action(
        &state.db,
        user,
        p,
        "subscribe_message",
        action,
        result,
        detail,
    )
    .await
}

async fn categories_of(state: &AppState, p: &MiniProgramRow) -> Result<Vec<Category>, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .subscribe_categories(&platform.ctx(&p.appid))
        .await?;
    Ok(list
        .data
        .into_iter()
        .map(|c| Category {
            id: c.id,
            name: c.name,
        })
        .collect())
}

/// The account's private templates.
pub async fn templates_of(
    state: &AppState,
    p: &MiniProgramRow,
) -> Result<Vec<PrivateTemplate>, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .subscribe_templates(&platform.ctx(&p.appid))
        .await?;
    Ok(list
        .data
        .into_iter()
        .map(|t| PrivateTemplate::new(t.pri_tmpl_id, t.title, t.content, t.example, t.kind))
        .collect())
}

/// Categories, private templates and the code's pages.
pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
) -> Result<SubscribeView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let categories = categories_of(state, &p).await?;
    let templates = templates_of(state, &p).await?;
    let (pages, pages_known) = mini_programs::code_pages(state, &p.appid).await?;
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    Ok(SubscribeView {
        appid: p.appid,
        nick_name: p.nick_name,
        categories,
        templates,
        pages,
        pages_known,
        grant,
    })
}

/// A page of public titles of `category_ids` (all the account's categories when empty).
pub async fn titles(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    category_ids: Vec<i64>,
    start: i64,
) -> Result<TitlesPage, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let categories = categories_of(state, &p).await?;
    let ids = if category_ids.is_empty() {
        categories.iter().map(|c| c.id).collect()
    } else {
        category_ids
    };
    let start = start.max(0);
    if ids.is_empty() {
        return Ok(TitlesPage {
            categories,
            titles: Vec::new(),
            start,
            total: 0,
        });
    }
    let platform = state.platform()?;
    let page = platform
        .client
        .subscribe_pub_titles(&platform.ctx(&p.appid), &ids, start, TITLES_PAGE)
        .await?;
    Ok(TitlesPage {
        categories,
        titles: page
            .data
            .into_iter()
            .map(|t| PubTitle {
                tid: t.tid,
                title: t.title,
                kind: t.kind,
                category_id: t.category_id,
            })
            .collect(),
        start,
        total: page.count,
    })
}

pub async fn keywords_of(
    state: &AppState,
    p: &MiniProgramRow,
    tid: i64,
) -> Result<Vec<PubKeyword>, AppError> {
    let platform = state.platform()?;
    let list = platform
        .client
        .subscribe_pub_keywords(&platform.ctx(&p.appid), tid)
        .await?;
    Ok(list
        .data
        .into_iter()
        .map(|k| PubKeyword {
            kid: k.kid,
            name: k.name,
            example: k.example,
            rule: k.rule,
        })
        .collect())
}

/// The title of public title `tid`, looked up among the titles of `p`'s categories
/// (WeChat's keyword call does not name it).
pub async fn title_of(
    state: &AppState,
    p: &MiniProgramRow,
    tid: i64,
    max_pages: i64,
) -> Result<Option<String>, AppError> {
    let ids: Vec<i64> = categories_of(state, p)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(None);
    }
    let platform = state.platform()?;
    let ctx = platform.ctx(&p.appid);
    let limit = subscribe_rules::TITLES_LIMIT_MAX;
    for page in 0..max_pages {
        let titles = platform
            .client
            .subscribe_pub_titles(&ctx, &ids, page * limit, limit)
            .await?;
        if let Some(t) = titles.data.iter().find(|t| t.tid == tid) {
            return Ok(Some(t.title.clone()));
        }
        if (page + 1) * limit >= titles.count {
            break;
        }
    }
    Ok(None)
}

/// A public title's keywords with their examples and types.
pub async fn keywords(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    tid: i64,
) -> Result<Vec<PubKeyword>, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    keywords_of(state, &p, tid).await
}

/// Adds a private template composed of `kids` (checked first) to `p`'s account.
pub async fn add_to(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    tid: i64,
    kids: &[i64],
    scene_desc: &str,
) -> Result<String, AppError> {
    let available = keywords_of(state, p, tid).await?;
    let existing = templates_of(state, p).await?.len();
    let scene_desc = scene_desc.trim();
    check_compose(kids, &available, scene_desc, existing)
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let platform = state.platform()?;
    let result = platform
        .client
        .subscribe_add_template(
            &platform.ctx(&p.appid),
            &AddTemplateRequest {
                tid: tid.to_string(),
                kid_list: kids.to_vec(),
                scene_desc: scene_desc.to_owned(),
            },
        )
        .await
        .map_err(AppError::from);
    let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
    let detail = match &result {
        Ok(added) => format!("tid {tid} keywords {kids:?} -> {}", added.pri_tmpl_id),
        Err(_) => format!("tid {tid} keywords {kids:?}"),
    };
    record(state, user, p, "subscribe_message.add", &outcome, &detail).await?;
    Ok(result?.pri_tmpl_id)
}

pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    tid: i64,
    kids: Vec<i64>,
    scene_desc: &str,
) -> Result<String, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    add_to(state, user, &p, tid, &kids, scene_desc).await
}

/// Deletes one of the account's private templates.
pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    pri_tmpl_id: &str,
) -> Result<(), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let platform = state.platform()?;
    let result = platform
        .client
        .subscribe_del_template(&platform.ctx(&p.appid), pri_tmpl_id)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    record(
        state,
        user,
        &p,
        "subscribe_message.delete",
        &result,
        pri_tmpl_id,
    )
    .await?;
    result
}

/// Sends a test message. The audit log keeps who sent which template to whom, never the
/// values. WeChat's 47003 is shown at the value (or state / language) it names.
pub async fn send(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    form: SubscribeSendForm,
) -> Result<(), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let fields = templates_of(state, &p)
        .await?
        .into_iter()
        .find(|t| t.pri_tmpl_id == form.template_id)
        .map(|t| t.fields)
        .unwrap_or_default();
    let (pages, pages_known) = mini_programs::code_pages(state, &p.appid).await?;
    check_send(&form, &fields, pages_known.then_some(pages.as_slice()))
        .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let data = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let value = form.values.get(i).map(|v| v.trim().to_owned());
            (
                f.key.clone(),
                Value {
                    value: value.unwrap_or_default(),
                },
            )
        })
        .collect();
    let platform = state.platform()?;
    let answer = platform
        .client
        .subscribe_send(
            &platform.ctx(&p.appid),
            &SendRequest {
                touser: form.touser.trim().to_owned(),
                template_id: form.template_id.clone(),
                page: form.page.trim().to_owned(),
                data,
                miniprogram_state: form.miniprogram_state.clone(),
                lang: form.lang.clone(),
            },
        )
        .await;
    let named_field = match &answer {
        Err(wechat::Error::Api {
            errcode: 47003,
            errmsg,
            ..
        }) => value_field_of_errmsg(errmsg, &fields),
        _ => None,
    };
    let result = answer.map(|_| ()).map_err(AppError::from);
    let detail = format!(
        "template {} to {} page {} ({}, {})",
        form.template_id,
        form.touser.trim(),
        if form.page.trim().is_empty() {
            "-"
        } else {
            form.page.trim()
        },
        form.miniprogram_state,
        form.lang
    );
    record(state, user, &p, "subscribe_message.send", &result, &detail).await?;
    match (result, named_field) {
        (
            Err(AppError::Wechat {
                errcode, zh, en, ..
            }),
            Some(field),
        ) => Err(AppError::Invalid(vec![FieldError::new(
            &field,
            FieldProblem::Wechat { errcode, zh, en },
        )])),
        (result, _) => result,
    }
}
