//! `/apps/:appid/message-templates` (模版消息): browse the library (paged from WeChat,
//! searchable among the titles fetched), open a title's keywords, compose a template (order
//! the keywords, preview it with their examples, the review rules beside) and add it; the
//! account's templates with delete; a test send with every seed errcode at its field.
//! Lists and paging are links (SSR, readable without JavaScript); composing and sending
//! work after hydration.

use crate::api::message_templates::{
    add_message_template, delete_message_template, message_keywords, message_library,
    message_templates, send_message,
};
use crate::components::add_to_set::AddToSet;
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::components::text::Lines;
use crate::components::url::with_params;
use crate::domain::merchant_permission::Need;
use crate::domain::message_set::{MemberDraft, MemberKind};
use crate::domain::message_template::{
    check_keywords, check_send, errcode, move_chosen, preview, AccountView, Keyword, LibraryTitle,
    SendForm, PAGE_COUNT,
};
use crate::domain::release::Violation;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn page_link(appid: &str, lib_offset: i64, q: &str, offset: i64) -> String {
    let mut params = Vec::new();
    if lib_offset > 0 {
        params.push(("lib", lib_offset.to_string()));
    }
    if !q.is_empty() {
        params.push(("q", q.to_owned()));
    }
    if offset > 0 {
        params.push(("offset", offset.to_string()));
    }
    with_params(&format!("/apps/{appid}/message-templates"), &params)
}

#[component]
pub fn MessageTemplatesPage() -> impl IntoView {
    let t = use_texts();
    let m = t.messages;
    let params = use_params_map();
    let query = use_query_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let number = move |k: &str| {
        query.with(|q| {
            q.get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
                .max(0)
        })
    };
    let lib_offset = move || number("lib");
    let search = move || {
        query.with(|q| {
            q.get("q")
                .unwrap_or_default()
                .trim()
                .chars()
                .take(32)
                .collect::<String>()
        })
    };
    let offset = move || number("offset");
    let version = RwSignal::new(0u32);
    // Outside the account panel, which the refetch after a delete rebuilds.
    let notice = RwSignal::new(None::<&'static str>);
    let account = Resource::new(
        move || (appid(), offset(), version.get()),
        |(a, o, _)| message_templates(a, o),
    );
    let library = Resource::new(
        move || (appid(), lib_offset(), search()),
        |(a, o, q)| message_library(a, o, q),
    );
    view! {
        <Title text=m.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match account.await {
                    Ok(v) => view! { <Account v version notice lib_offset=lib_offset() search=search() /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let (a, o, q) = (appid(), lib_offset(), search());
                match library.await {
                    Ok(page) => view! { <Library appid=a page offset=o search=q version account_offset=offset() /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Library(
    appid: String,
    page: crate::domain::message_template::LibraryPage,
    offset: i64,
    search: String,
    version: RwSignal<u32>,
    account_offset: i64,
) -> impl IntoView {
    let t = use_texts();
    let m = t.messages;
    let appid_s = StoredValue::new(appid.clone());
    let chosen_title = RwSignal::new(None::<LibraryTitle>);
    let keywords = RwSignal::new(Vec::<Keyword>::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let added = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let load = Action::new(move |id: &String| message_keywords(appid_s.get_value(), id.clone()));
    Effect::new(move |_| {
        if let Some(r) = load.value().get() {
            match r {
                Ok((title, list)) => {
                    chosen_title.set(Some(title));
                    keywords.set(list);
                    chosen.set(Vec::new());
                    added.set(None);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let add = Action::new(move |(id, ids): &(String, Vec<i64>)| {
        add_message_template(appid_s.get_value(), id.clone(), ids.clone())
    });
    Effect::new(move |_| {
        if let Some(r) = add.value().get() {
            match r {
                Ok(id) => {
                    added.set(Some(id));
                    error.set(None);
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let violations = Memo::new(move |_| {
        keywords.with(|k| chosen.with(|c| check_keywords(c, k).err().unwrap_or_default()))
    });
    let move_by = move |i: usize, up: bool| chosen.update(|c| move_chosen(c, i, up));
    let titles = page.titles.clone();
    let total = page.total;
    let has_prev = offset > 0;
    let has_next = offset + PAGE_COUNT < total;
    let prev = page_link(
        &appid,
        (offset - PAGE_COUNT).max(0),
        &search,
        account_offset,
    );
    let next = page_link(&appid, offset + PAGE_COUNT, &search, account_offset);
    let searching = !search.is_empty();
    view! {
        <section class="panel" data-testid="mt-library">
            <h2>{m.library}</h2>
            <form method="get" action=format!("/apps/{appid}/message-templates") class="filters">
                <input name="q" data-testid="mt-search" placeholder=m.search value=search.clone() maxlength="32" />
                <button type="submit" data-testid="mt-search-run">{m.search_run}</button>
            </form>
            <p class="hint">{m.search_hint}" "{(m.library_total)(if searching { page.fetched } else { total }, page.fetched)}</p>
            {searching.then(|| view! { <p data-testid="mt-search-found">{(m.search_found)(total, &search)}</p> })}
            <ul class="plain mt-titles">
                {titles.into_iter().map(|title| {
                    let id = title.id.clone();
                    view! {
                        <li data-testid="mt-title" data-id=title.id.clone()>
                            <code>{title.id.clone()}</code>" "{title.title.clone()}" "
                            <button data-testid="mt-title-choose" on:click=move |_| { load.dispatch(id.clone()); }>{m.choose}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <nav class="pager">
                {has_prev.then(|| view! { <a href=prev class="button" data-testid="mt-lib-prev">{m.prev}</a> })}
                {has_next.then(|| view! { <a href=next class="button" data-testid="mt-lib-next">{m.next}</a> })}
            </nav>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="mt-compose-error">{error_text(t, &e)}</p> })}
            {move || chosen_title.get().map(|title| {
                let id = title.id.clone();
                view! {
                    <div class="mt-compose" data-testid="mt-compose">
                        <h3>{title.title.clone()}" ("<code>{title.id.clone()}</code>")"</h3>
                        <div class="mt-compose-grid">
                            <div>
                                <h4>{m.keywords}</h4>
                                <ul class="plain">
                                    {move || keywords.get().into_iter().map(|k| {
                                        let kid = k.keyword_id;
                                        view! {
                                            <li><label class="check"><input type="checkbox" data-testid="mt-keyword" data-keyword=kid.to_string()
                                                prop:checked=move || chosen.with(|c| c.contains(&kid))
                                                on:change=move |ev| chosen.update(|c| {
                                                    c.retain(|x| *x != kid);
                                                    if event_target_checked(&ev) { c.push(kid) }
                                                }) />
                                                {k.name.clone()}<span class="muted">" · "{m.keyword_example}{t.colon}{k.example.clone()}</span></label></li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <h4>{m.chosen}</h4>
                                <ol data-testid="mt-chosen">
                                    {move || {
                                        let list = keywords.get();
                                        let ids = chosen.get();
                                        let n = ids.len();
                                        ids.into_iter().enumerate().map(|(i, kid)| {
                                            let name = list.iter().find(|k| k.keyword_id == kid).map(|k| k.name.clone()).unwrap_or_default();
                                            view! {
                                                <li data-testid="mt-chosen-item" data-keyword=kid.to_string()>{name}" "
                                                    <button data-testid="mt-chosen-up" disabled=i == 0 on:click=move |_| move_by(i, true)>{m.up}</button>
                                                    <button data-testid="mt-chosen-down" disabled=i + 1 == n on:click=move |_| move_by(i, false)>{m.down}</button>
                                                    <button on:click=move |_| chosen.update(|c| { c.retain(|x| *x != kid); })>{m.remove}</button>
                                                </li>
                                            }
                                        }).collect_view()
                                    }}
                                </ol>
                                {move || show_messages("mt-error-keywords".into(), field_messages(t, &violations.get(), None, "keyword_id_list", None))}
                            </div>
                            <div>
                                <h4>{m.preview}</h4>
                                <div class="mt-preview" data-testid="mt-preview">
                                    <strong>{title.title.clone()}</strong>
                                    {move || keywords.with(|k| chosen.with(|c| preview(c, k))).into_iter().map(|(name, example)| view! {
                                        <p data-testid="mt-preview-line"><span class="muted">{name}</span>" "{example}</p>
                                    }).collect_view()}
                                </div>
                                <h4>{m.rules_title}</h4>
                                <ul class="hint">{m.rules.iter().map(|r| view! { <li>{*r}</li> }).collect_view()}</ul>
                            </div>
                        </div>
                        <button class="primary" data-testid="mt-add"
                            disabled=move || add.pending().get() || !violations.with(Vec::is_empty)
                            on:click=move |_| { add.dispatch((id.clone(), chosen.get_untracked())); }>{m.add}</button>
                        {move || added.get().map(|id| view! { <p class="notice" role="status" data-testid="mt-added">{(m.added)(&id)}</p> })}
                        <AddToSet testid="mt-set" draft=Signal::derive({
                            let id = title.id.clone();
                            move || violations.with(Vec::is_empty).then(|| MemberDraft {
                                kind: MemberKind::Template,
                                appid: appid_s.get_value(),
                                title_id: id.clone(),
                                keyword_ids: chosen.get(),
                                scene_desc: String::new(),
                            })
                        }) />
                    </div>
                }
            })}
        </section>
    }
}

#[component]
fn Account(
    v: AccountView,
    version: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
    lib_offset: i64,
    search: String,
) -> impl IntoView {
    let t = use_texts();
    let m = t.messages;
    let appid = StoredValue::new(v.appid.clone());
    let may_write = v.grant.is_none_or(|g| g.allows(Need::Submit));
    let templates = StoredValue::new(v.templates.clone());
    let pages = StoredValue::new(v.pages.clone());
    let pages_known = v.pages_known;
    let confirming = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let form = RwSignal::new(None::<SendForm>);
    let touched = RwSignal::new(false);
    let delete =
        Action::new(move |id: &String| delete_message_template(appid.get_value(), id.clone()));
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            confirming.set(None);
            match r {
                Ok(()) => {
                    notice.set(Some(m.deleted));
                    version.update(|v| *v += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let send = Action::new(move |f: &SendForm| send_message(appid.get_value(), f.clone()));
    Effect::new(move |_| {
        if let Some(r) = send.value().get() {
            match r {
                Ok(()) => {
                    notice.set(Some(m.sent));
                    error.set(None);
                }
                Err(e) => {
                    notice.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    let fields_of = move |id: &str| {
        templates.with_value(|ts| {
            ts.iter()
                .find(|x| x.template_id == id)
                .map(|x| x.fields.clone())
                .unwrap_or_default()
        })
    };
    let live = Memo::new(move |_| {
        form.with(|f| {
            f.as_ref()
                .map(|f| {
                    let n = fields_of(&f.template_id).len();
                    pages.with_value(|p| {
                        check_send(f, n, pages_known.then_some(p.as_slice()))
                            .err()
                            .unwrap_or_default()
                    })
                })
                .unwrap_or_default()
        })
    });
    let msgs = move |field: String| {
        let local: Vec<Violation> = if touched.get() {
            live.get()
        } else {
            Vec::new()
        };
        let server = error.get();
        let out = field_messages(t, &local, server.as_ref(), &field, Some(errcode::field_of));
        show_messages(format!("mt-error-{}", field.replace('.', "-")), out)
    };
    let edit = move |f: &dyn Fn(&mut SendForm)| {
        touched.set(true);
        form.update(|o| {
            if let Some(x) = o.as_mut() {
                f(x)
            }
        })
    };
    let open_send = move |id: String| {
        let n = fields_of(&id).len();
        error.set(None);
        notice.set(None);
        touched.set(false);
        form.set(Some(SendForm {
            template_id: id,
            values: vec![String::new(); n],
            colors: vec![String::new(); n],
            ..Default::default()
        }));
    };
    let rows = v.templates.clone().into_iter().map(|x| {
        let id = x.template_id.clone();
        let id2 = id.clone();
        let id3 = id.clone();
        let title = x.title.clone();
        view! {
            <tr data-testid="mt-template" data-id=x.template_id.clone()>
                <td>{x.title.clone()}<br /><code class="muted">{x.template_id.clone()}</code></td>
                <td><Lines text=x.content.clone() /></td>
                <td><Lines text=x.example.clone() /></td>
                <td class="actions">
                    <button data-testid="mt-send-open" disabled=!may_write on:click=move |_| open_send(id.clone())>{m.test_send}</button>
                    <button class="danger" data-testid="mt-delete" disabled=!may_write on:click=move |_| confirming.set(Some(id2.clone()))>{m.delete}</button>
                    {move || (confirming.get().as_deref() == Some(id3.as_str())).then(|| {
                        let id = id3.clone();
                        view! {
                            <div class="confirm" data-testid="mt-confirm-delete">
                                <span>{(m.confirm_delete)(&title)}</span>
                                <button class="danger" data-testid="mt-confirm-delete-yes" disabled=move || delete.pending().get()
                                    on:click=move |_| { delete.dispatch(id.clone()); }>{m.delete}</button>
                                <button on:click=move |_| confirming.set(None)>{m.cancel}</button>
                            </div>
                        }
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let empty = v.templates.is_empty();
    let prev = (v.offset > 0).then(|| {
        page_link(
            &v.appid,
            lib_offset,
            &search,
            (v.offset - PAGE_COUNT).max(0),
        )
    });
    let next = v
        .more
        .then(|| page_link(&v.appid, lib_offset, &search, v.offset + PAGE_COUNT));
    let send_form = move || {
        form.get().map(|f| {
        let fields = fields_of(&f.template_id);
        let template_options = templates.with_value(|ts| ts.iter().map(|x| (x.template_id.clone(), x.title.clone())).collect::<Vec<_>>());
        view! {
            <section class="panel mt-send" data-testid="mt-send">
                <h3>{m.send_title}</h3>
                <label><span>{m.f_template}</span>
                    <select data-testid="mt-f-template" on:change=move |ev| open_send(event_target_value(&ev))>
                        {template_options.into_iter().map(|(id, title)| view! { <option value=id.clone() selected=id == f.template_id>{title}</option> }).collect_view()}
                    </select></label>
                {move || msgs("template_id".into())}
                <label><span>{m.f_touser}</span>
                    <input data-testid="mt-f-touser" prop:value=f.touser.clone() on:input=move |ev| edit(&|x| x.touser = event_target_value(&ev)) /></label>
                {move || msgs("touser".into())}
                <label><span>{m.f_page}</span>
                    <input data-testid="mt-f-page" list="mt-pages" prop:value=f.page.clone() placeholder="pages/index/index?foo=bar"
                        on:input=move |ev| edit(&|x| x.page = event_target_value(&ev)) /></label>
                <datalist id="mt-pages">{pages.get_value().into_iter().map(|p| view! { <option value=p></option> }).collect_view()}</datalist>
                <p class="hint">{m.f_page_hint}</p>
                {move || msgs("page".into())}
                <label><span>{m.f_form_id}</span>
                    <input data-testid="mt-f-form-id" prop:value=f.form_id.clone() on:input=move |ev| edit(&|x| x.form_id = event_target_value(&ev)) /></label>
                <p class="hint">{m.f_form_id_hint}</p>
                {move || msgs("form_id".into())}
                {fields.iter().enumerate().map(|(i, field)| view! {
                    <div class="row" data-testid="mt-f-field">
                        <label><span>{field.label.clone()}" ("{m.f_value}")"</span>
                            <input data-testid=format!("mt-f-value-{i}") on:input=move |ev| { let val = event_target_value(&ev); edit(&|x| if let Some(v) = x.values.get_mut(i) { *v = val.clone() }) } /></label>
                        <label><span>{m.f_color}</span>
                            <input data-testid=format!("mt-f-color-{i}") placeholder="#173177" maxlength="7"
                                on:input=move |ev| { let val = event_target_value(&ev); edit(&|x| if let Some(c) = x.colors.get_mut(i) { *c = val.clone() }) } /></label>
                    </div>
                    {move || msgs(format!("color.{i}"))}
                }).collect_view()}
                <label><span>{m.f_emphasis}</span>
                    <select data-testid="mt-f-emphasis" on:change=move |ev| edit(&|x| x.emphasis = event_target_value(&ev).parse().ok())>
                        <option value="">{m.no_emphasis}</option>
                        {fields.iter().enumerate().map(|(i, field)| view! { <option value=i.to_string()>{field.label.clone()}</option> }).collect_view()}
                    </select></label>
                {move || msgs("emphasis".into())}
                {move || msgs("send".into())}
                <button class="primary" data-testid="mt-f-send" disabled=move || send.pending().get()
                    on:click=move |_| {
                        touched.set(true);
                        error.set(None);
                        notice.set(None);
                        if live.with(Vec::is_empty) {
                            if let Some(f) = form.get_untracked() { send.dispatch(f); }
                        }
                    }>{m.send}</button>
                <button on:click=move |_| form.set(None)>{m.cancel}</button>
            </section>
        }
    })
    };
    view! {
        <div class="page-head">
            <h1>{m.title}" · "{v.nick_name.clone()}</h1>
            <a href=format!("/apps/{}", v.appid) class="button">{t.back_to_list}</a>
        </div>
        <crate::pages::subscribe_messages::MessageTabs appid=v.appid.clone() subscribe=false />
        <p class="hint">{m.intro}</p>
        {(!may_write).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="mt-notice">{n}</p> })}
        {move || error.get().filter(|_| form.with(Option::is_none)).map(|e| view! { <p class="form-error" role="alert" data-testid="mt-error">{error_text(t, &e)}</p> })}
        <section class="panel" data-testid="mt-account">
            <h2>{m.account}</h2>
            {if empty {
                view! { <p class="empty" data-testid="mt-none">{m.none}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="mt-templates">
                        <thead><tr><th>{m.col_title}</th><th>{m.col_content}</th><th>{m.col_example}</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <nav class="pager">
                {prev.map(|href| view! { <a href=href class="button">{m.prev}</a> })}
                {next.map(|href| view! { <a href=href class="button">{m.next}</a> })}
            </nav>
            {send_form}
        </section>
    }
}
