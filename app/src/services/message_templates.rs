//! Message templates (模版消息) of one mini program: the library (paged from WeChat, and
//! searchable among the titles fetched so far), a title's keywords, composing and adding a
//! template, the account's templates, deleting one, and a test send. Every call uses the
//! console's own authorizer token from the token center. Every write goes to the audit log
//! (a send without the message's contents); merchants act only on their own mini programs,
//! within their permission.

use super::{audit_log, mini_programs, AppState};
use crate::db;
use crate::domain::merchant_permission::Need;
use crate::domain::message_template::{
    check_keywords, check_send, content_fields, AccountTemplate, AccountView, Keyword, LibraryPage,
    LibraryTitle, SendForm, PAGE_COUNT,
};
use crate::domain::release::field_errors;
use crate::error::AppError;
use crate::model::{CurrentUser, MiniProgramRow};
use std::collections::BTreeMap;
use wechat::api::template::{AddTemplateRequest, DataValue, SendTemplateRequest};

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
        "message_template",
        action,
        result,
        detail,
    )
    .await
}

/// One page of the library: WeChat's page at `offset`, or with `search`, the titles fetched
/// so far that contain it.
pub async fn library(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    offset: i64,
    search: &str,
) -> Result<LibraryPage, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    let offset = offset.max(0);
    let search = search.trim();
    if !search.is_empty() {
        let (titles, total) =
            db::message_library::search(&state.db, search, offset, PAGE_COUNT).await?;
        return Ok(LibraryPage {
            titles,
            offset,
            total,
            fetched: db::message_library::count(&state.db).await?,
        });
    }
    let platform = state.platform()?;
    let list = platform
        .client
        .template_library_list(&platform.ctx(&p.appid), offset, PAGE_COUNT)
        .await?;
    let titles: Vec<LibraryTitle> = list
        .list
        .into_iter()
        .map(|t| LibraryTitle {
            id: t.id,
            title: t.title,
        })
        .collect();
    db::message_library::remember(&state.db, offset, &titles, db::now()).await?;
    Ok(LibraryPage {
        titles,
        offset,
        total: list.total_count,
        fetched: db::message_library::count(&state.db).await?,
    })
}

/// A library title's keywords with their examples.
pub async fn keywords(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    id: &str,
) -> Result<(LibraryTitle, Vec<Keyword>), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    keywords_of(state, &p, id).await
}

/// A library title and its keywords, read through `p`'s token.
pub async fn keywords_of(
    state: &AppState,
    p: &MiniProgramRow,
    id: &str,
) -> Result<(LibraryTitle, Vec<Keyword>), AppError> {
    let platform = state.platform()?;
    let t = platform
        .client
        .template_library_get(&platform.ctx(&p.appid), id)
        .await?;
    Ok((
        LibraryTitle {
            id: t.id,
            title: t.title,
        },
        t.keyword_list
            .into_iter()
            .map(|k| Keyword {
                keyword_id: k.keyword_id,
                name: k.name,
                example: k.example,
            })
            .collect(),
    ))
}

/// Composes a template from a title's keywords (checked first) and adds it to the account.
pub async fn add(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    id: &str,
    keyword_ids: Vec<i64>,
) -> Result<String, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    add_to(state, user, &p, id, keyword_ids).await
}

/// Composes a template on `p` (whose permission the caller checked).
pub async fn add_to(
    state: &AppState,
    user: &CurrentUser,
    p: &MiniProgramRow,
    id: &str,
    keyword_ids: Vec<i64>,
) -> Result<String, AppError> {
    let (title, available) = keywords_of(state, p, id).await?;
    check_keywords(&keyword_ids, &available).map_err(|v| AppError::Invalid(field_errors(v)))?;
    let platform = state.platform()?;
    let result = platform
        .client
        .template_add(
            &platform.ctx(&p.appid),
            &AddTemplateRequest {
                id: id.to_owned(),
                keyword_id_list: keyword_ids.clone(),
            },
        )
        .await
        .map_err(AppError::from);
    let detail = format!("{} {} keywords {keyword_ids:?}", title.id, title.title);
    let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
    let detail = match &result {
        Ok(added) => format!("{detail} -> {}", added.template_id),
        Err(_) => detail,
    };
    record(state, user, p, "message_template.add", &outcome, &detail).await?;
    Ok(result?.template_id)
}

/// The account's templates (a page of 20 from `offset`) and the code's pages.
pub async fn account(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    offset: i64,
) -> Result<AccountView, AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    account_of(state, user, p, offset).await
}

async fn account_of(
    state: &AppState,
    user: &CurrentUser,
    p: MiniProgramRow,
    offset: i64,
) -> Result<AccountView, AppError> {
    let platform = state.platform()?;
    let ctx = platform.ctx(&p.appid);
    let offset = offset.max(0);
    let list = platform
        .client
        .template_list(&ctx, offset, PAGE_COUNT)
        .await?
        .list;
    let (pages, pages_known) = mini_programs::code_pages(state, &p.appid).await?;
    let grant = mini_programs::shown_grant(&state.db, user).await?;
    Ok(AccountView {
        more: list.len() as i64 == PAGE_COUNT,
        templates: list
            .into_iter()
            .map(|t| AccountTemplate {
                fields: content_fields(&t.content),
                template_id: t.template_id,
                title: t.title,
                content: t.content,
                example: t.example,
            })
            .collect(),
        appid: p.appid,
        nick_name: p.nick_name,
        offset,
        pages,
        pages_known,
        grant,
    })
}

/// Deletes one of the account's templates.
pub async fn delete(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    template_id: &str,
) -> Result<(), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let platform = state.platform()?;
    let result = platform
        .client
        .template_del(&platform.ctx(&p.appid), template_id)
        .await
        .map(|_| ())
        .map_err(AppError::from);
    record(
        state,
        user,
        &p,
        "message_template.delete",
        &result,
        template_id,
    )
    .await?;
    result
}

/// Sends a test message. The audit log keeps who sent which template to whom, never the
/// values.
pub async fn send(
    state: &AppState,
    user: &CurrentUser,
    appid: &str,
    form: SendForm,
) -> Result<(), AppError> {
    let p = mini_programs::get(&state.db, user, appid).await?;
    mini_programs::require_grant(&state.db, user, &p, Need::Submit).await?;
    let view = account_of(state, user, p.clone(), 0).await?;
    let fields = view
        .templates
        .iter()
        .find(|t| t.template_id == form.template_id)
        .map(|t| t.fields.clone())
        .unwrap_or_default();
    check_send(
        &form,
        fields.len(),
        view.pages_known.then_some(view.pages.as_slice()),
    )
    .map_err(|v| AppError::Invalid(field_errors(v)))?;
    let data: BTreeMap<String, DataValue> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let color = form
                .colors
                .get(i)
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty());
            (
                f.key.clone(),
                DataValue {
                    value: form.values.get(i).cloned().unwrap_or_default(),
                    color,
                },
            )
        })
        .collect();
    let platform = state.platform()?;
    let result = platform
        .client
        .template_send(
            &platform.ctx(&p.appid),
            &SendTemplateRequest {
                touser: form.touser.trim().to_owned(),
                template_id: form.template_id.clone(),
                page: form.page.trim().to_owned(),
                form_id: form.form_id.trim().to_owned(),
                data,
                color: None,
                emphasis_keyword: form
                    .emphasis
                    .and_then(|i| fields.get(i))
                    .map(|f| format!("{}.DATA", f.key)),
            },
        )
        .await
        .map(|_| ())
        .map_err(AppError::from);
    let detail = format!(
        "template {} to {} page {}",
        form.template_id,
        form.touser.trim(),
        if form.page.trim().is_empty() {
            "-"
        } else {
            form.page.trim()
        }
    );
    record(state, user, &p, "message_template.send", &result, &detail).await?;
    result
}
