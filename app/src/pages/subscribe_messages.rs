//! `/apps/:appid/subscribe-messages` (订阅消息): the account's categories and private
//! templates (with delete and a test send), the public titles of its categories (paged by
//! links, readable without JavaScript), a title's keywords with their types, and composing
//! a template (2–5 keywords in order, a scene description, a preview, the 25-template limit)
//! checked as one types with the same rules the server and the simulator apply.

use crate::api::subscribe_messages::{
    add_subscribe_template, delete_subscribe_template, send_subscribe_message, subscribe_keywords,
    subscribe_overview, subscribe_titles,
};
use crate::components::add_to_set::AddToSet;
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::components::text::Lines;
use crate::components::url::with_params;
use crate::domain::merchant_permission::Need;
use crate::domain::message_set::{MemberDraft, MemberKind};
use crate::domain::message_template::move_chosen;
use crate::domain::release::Violation;
use crate::domain::subscribe_message::{
    check_compose, check_send, field_of, preview, rule_of, PubKeyword, PubTitle, SubscribeSendForm,
    SubscribeView, TitlesPage, LANGS, MINIPROGRAM_STATES, PRIVATE_TEMPLATES_MAX, TITLES_PAGE,
    TYPE_LONG_TERM,
};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn page_link(appid: &str, category: Option<i64>, start: i64) -> String {
    let mut params = Vec::new();
    if let Some(c) = category {
        params.push(("cat", c.to_string()));
    }
    if start > 0 {
        params.push(("start", start.to_string()));
    }
    with_params(&format!("/apps/{appid}/subscribe-messages"), &params)
}

fn kind_text(t: &Texts, kind: i64) -> &'static str {
    if kind == TYPE_LONG_TERM {
        t.subscribe.kind_long_term
    } else {
        t.subscribe.kind_one_time
    }
}

/// The tabs between the two message APIs of a mini program.
#[component]
pub fn MessageTabs(appid: String, subscribe: bool) -> impl IntoView {
    let t = use_texts();
    let s = t.subscribe;
    let class = |on: bool| if on { "tab current" } else { "tab" };
    view! {
        <nav class="tabs" data-testid="message-tabs">
            <a class=class(!subscribe) href=format!("/apps/{appid}/message-templates") data-testid="tab-message-templates">{s.tab_old}</a>
            <a class=class(subscribe) href=format!("/apps/{appid}/subscribe-messages") data-testid="tab-subscribe-messages">{s.tab_new}</a>
        </nav>
    }
}

#[component]
pub fn SubscribeMessagesPage() -> impl IntoView {
    let t = use_texts();
    let s = t.subscribe;
    let params = use_params_map();
    let query = use_query_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let category = move || query.with(|q| q.get("cat").and_then(|c| c.trim().parse::<i64>().ok()));
    let start = move || {
        query.with(|q| {
            q.get("start")
                .and_then(|v| v.parse::<i64>().ok())
                .unwrap_or(0)
                .max(0)
        })
    };
    let version = RwSignal::new(0u32);
    // Outside the account panel, which a refetch after a delete or send rebuilds.
    let notice = RwSignal::new(None::<&'static str>);
    let overview = Resource::new(
        move || (appid(), version.get()),
        |(a, _)| subscribe_overview(a),
    );
    let titles = Resource::new(
        move || (appid(), category(), start()),
        |(a, c, st)| subscribe_titles(a, c.into_iter().collect(), st),
    );
    view! {
        <Title text=s.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(v) => view! { <Account v version notice /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let (a, c) = (appid(), category());
                match titles.await {
                    Ok(page) => view! { <Library appid=a page category=c version /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert" data-testid="sm-library-error">{error_text(t, &e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Library(
    appid: String,
    page: TitlesPage,
    category: Option<i64>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = use_texts();
    let s = t.subscribe;
    let m = t.messages;
    let appid_s = StoredValue::new(appid.clone());
    let chosen_title = RwSignal::new(None::<PubTitle>);
    let keywords = RwSignal::new(Vec::<PubKeyword>::new());
    let chosen = RwSignal::new(Vec::<i64>::new());
    let scene = RwSignal::new(String::new());
    let added = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let load = Action::new(move |tid: &i64| subscribe_keywords(appid_s.get_value(), *tid));
    Effect::new(move |_| {
        if let Some(r) = load.value().get() {
            match r {
                Ok(list) => {
                    keywords.set(list);
                    chosen.set(Vec::new());
                    added.set(None);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let add = Action::new(move |(tid, kids, scene): &(i64, Vec<i64>, String)| {
        add_subscribe_template(appid_s.get_value(), *tid, kids.clone(), scene.clone())
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
        keywords.with(|k| {
            chosen.with(|c| {
                // The 25-template limit is the server's to check (it reads the account).
                scene.with(|sc| check_compose(c, k, sc.trim(), 0).err().unwrap_or_default())
            })
        })
    });
    let msgs = move |field: &'static str| {
        let server = error.get();
        show_messages(
            format!("sm-error-{}", field.replace('_', "-")),
            field_messages(t, &violations.get(), server.as_ref(), field, None),
        )
    };
    let move_by = move |i: usize, up: bool| chosen.update(|c| move_chosen(c, i, up));
    let start = page.start;
    let total = page.total;
    let prev = (start > 0).then(|| page_link(&appid, category, (start - TITLES_PAGE).max(0)));
    let next =
        (start + TITLES_PAGE < total).then(|| page_link(&appid, category, start + TITLES_PAGE));
    let titles = page.titles.clone();
    let categories = page.categories.clone();
    view! {
        <section class="panel" data-testid="sm-library">
            <h2>{s.library}</h2>
            {if categories.is_empty() {
                view! { <p class="empty" data-testid="sm-no-categories">{s.no_categories}</p> }.into_any()
            } else {
                view! {
                    <form method="get" action=format!("/apps/{appid}/subscribe-messages") class="filters">
                        <label><span>{s.category}</span>
                            <select name="cat" data-testid="sm-category">
                                <option value="">{t.all}</option>
                                {categories.iter().map(|c| view! {
                                    <option value=c.id.to_string() selected=category == Some(c.id)>{c.name.clone()}</option>
                                }).collect_view()}
                            </select></label>
                        <button type="submit" data-testid="sm-category-show">{s.show}</button>
                    </form>
                }.into_any()
            }}
            <p class="hint" data-testid="sm-titles-total">{(s.titles_total)(total)}</p>
            <ul class="plain mt-titles">
                {titles.into_iter().map(|title| {
                    let chosen_one = title.clone();
                    view! {
                        <li data-testid="sm-title" data-tid=title.tid.to_string()>
                            <code>{title.tid}</code>" "{title.title.clone()}" "
                            <span class="muted">"· "{kind_text(t, title.kind)}</span>" "
                            <button data-testid="sm-title-choose" on:click=move |_| {
                                chosen_title.set(Some(chosen_one.clone()));
                                load.dispatch(chosen_one.tid);
                            }>{s.choose}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <nav class="pager">
                {prev.map(|href| view! { <a href=href class="button" data-testid="sm-lib-prev">{m.prev}</a> })}
                {next.map(|href| view! { <a href=href class="button" data-testid="sm-lib-next">{m.next}</a> })}
            </nav>
            {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                <p class="form-error" role="alert" data-testid="sm-compose-error">{error_text(t, &e)}</p>
            })}
            {move || chosen_title.get().map(|title| {
                let tid = title.tid;
                view! {
                    <div class="mt-compose" data-testid="sm-compose">
                        <h3>{title.title.clone()}" ("<code>{tid}</code>") · "{kind_text(t, title.kind)}</h3>
                        <p class="hint">{s.compose_hint}</p>
                        <div class="mt-compose-grid">
                            <div>
                                <h4>{m.keywords}</h4>
                                <ul class="plain">
                                    {move || keywords.get().into_iter().map(|k| {
                                        let kid = k.kid;
                                        view! {
                                            <li><label class="check"><input type="checkbox" data-testid="sm-keyword" data-kid=kid.to_string()
                                                prop:checked=move || chosen.with(|c| c.contains(&kid))
                                                on:change=move |ev| chosen.update(|c| {
                                                    c.retain(|x| *x != kid);
                                                    if event_target_checked(&ev) { c.push(kid) }
                                                }) />
                                                {k.name.clone()}
                                                <span class="muted">" · "{s.rule}{t.colon}<code>{k.rule.clone()}</code>" · "{m.keyword_example}{t.colon}{k.example.clone()}</span></label></li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <h4>{m.chosen}</h4>
                                <ol data-testid="sm-chosen">
                                    {move || {
                                        let list = keywords.get();
                                        let ids = chosen.get();
                                        let n = ids.len();
                                        ids.into_iter().enumerate().map(|(i, kid)| {
                                            let name = list.iter().find(|k| k.kid == kid).map(|k| k.name.clone()).unwrap_or_default();
                                            view! {
                                                <li data-testid="sm-chosen-item" data-kid=kid.to_string()>{name}" "
                                                    <button data-testid="sm-chosen-up" disabled=i == 0 on:click=move |_| move_by(i, true)>{m.up}</button>
                                                    <button data-testid="sm-chosen-down" disabled=i + 1 == n on:click=move |_| move_by(i, false)>{m.down}</button>
                                                    <button on:click=move |_| chosen.update(|c| { c.retain(|x| *x != kid); })>{m.remove}</button>
                                                </li>
                                            }
                                        }).collect_view()
                                    }}
                                </ol>
                                {move || msgs("kid_list")}
                                <label><span>{s.scene_desc}</span>
                                    <input data-testid="sm-scene" prop:value=move || scene.get()
                                        on:input=move |ev| scene.set(event_target_value(&ev)) /></label>
                                <p class="hint">{s.scene_desc_hint}" ("{move || scene.with(|x| x.chars().count())}" / 15)"</p>
                                {move || msgs("scene_desc")}
                            </div>
                            <div>
                                <h4>{m.preview}</h4>
                                <div class="mt-preview" data-testid="sm-preview">
                                    <strong>{title.title.clone()}</strong>
                                    {move || keywords.with(|k| chosen.with(|c| preview(c, k))).into_iter().map(|(name, example)| view! {
                                        <p data-testid="sm-preview-line"><span class="muted">{name}</span>" "{example}</p>
                                    }).collect_view()}
                                </div>
                            </div>
                        </div>
                        {move || msgs("add")}
                        <button class="primary" data-testid="sm-add"
                            disabled=move || add.pending().get() || !violations.with(Vec::is_empty)
                            on:click=move |_| { add.dispatch((tid, chosen.get_untracked(), scene.get_untracked())); }>{m.add}</button>
                        {move || added.get().map(|id| view! { <p class="notice" role="status" data-testid="sm-added">{(s.added)(&id)}</p> })}
                        <AddToSet testid="sm-set" draft=Signal::derive(move || {
                            violations.with(Vec::is_empty).then(|| MemberDraft {
                                kind: MemberKind::Subscribe,
                                appid: appid_s.get_value(),
                                title_id: tid.to_string(),
                                keyword_ids: chosen.get(),
                                scene_desc: scene.get(),
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
    v: SubscribeView,
    version: RwSignal<u32>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let t = use_texts();
    let s = t.subscribe;
    let m = t.messages;
    let appid = StoredValue::new(v.appid.clone());
    let may_write = v.grant.is_none_or(|g| g.allows(Need::Submit));
    let templates = StoredValue::new(v.templates.clone());
    let pages = StoredValue::new(v.pages.clone());
    let pages_known = v.pages_known;
    let confirming = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let form = RwSignal::new(None::<SubscribeSendForm>);
    let touched = RwSignal::new(false);
    let delete =
        Action::new(move |id: &String| delete_subscribe_template(appid.get_value(), id.clone()));
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
    let send = Action::new(move |f: &SubscribeSendForm| {
        send_subscribe_message(appid.get_value(), f.clone())
    });
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
                .find(|x| x.pri_tmpl_id == id)
                .map(|x| x.fields.clone())
                .unwrap_or_default()
        })
    };
    let live = Memo::new(move |_| {
        form.with(|f| {
            f.as_ref()
                .map(|f| {
                    let fields = fields_of(&f.template_id);
                    pages.with_value(|p| {
                        check_send(f, &fields, pages_known.then_some(p.as_slice()))
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
        let out = field_messages(t, &local, server.as_ref(), &field, Some(field_of));
        show_messages(format!("sm-error-{}", field.replace(['.', '_'], "-")), out)
    };
    let edit = move |f: &dyn Fn(&mut SubscribeSendForm)| {
        touched.set(true);
        form.update(|o| {
            if let Some(x) = o.as_mut() {
                f(x)
            }
        })
    };
    let open_send = move |id: String| {
        let n = fields_of(&id).len();
        notice.set(None);
        error.set(None);
        notice.set(None);
        touched.set(false);
        form.set(Some(SubscribeSendForm {
            template_id: id,
            values: vec![String::new(); n],
            ..Default::default()
        }));
    };
    let count = v.templates.len();
    let rows = v.templates.clone().into_iter().map(|x| {
        let id = x.pri_tmpl_id.clone();
        let id2 = id.clone();
        let id3 = id.clone();
        let title = x.title.clone();
        view! {
            <tr data-testid="sm-template" data-id=x.pri_tmpl_id.clone()>
                <td>{x.title.clone()}<br /><code class="muted">{x.pri_tmpl_id.clone()}</code></td>
                <td>{kind_text(t, x.kind)}</td>
                <td><Lines text=x.content.clone() /></td>
                <td><Lines text=x.example.clone() /></td>
                <td class="actions">
                    <button data-testid="sm-send-open" disabled=!may_write on:click=move |_| open_send(id.clone())>{m.test_send}</button>
                    <button class="danger" data-testid="sm-delete" disabled=!may_write on:click=move |_| confirming.set(Some(id2.clone()))>{m.delete}</button>
                    {move || (confirming.get().as_deref() == Some(id3.as_str())).then(|| {
                        let id = id3.clone();
                        view! {
                            <div class="confirm" data-testid="sm-confirm-delete">
                                <span>{(m.confirm_delete)(&title)}</span>
                                <button class="danger" data-testid="sm-confirm-delete-yes" disabled=move || delete.pending().get()
                                    on:click=move |_| { delete.dispatch(id.clone()); }>{m.delete}</button>
                                <button on:click=move |_| confirming.set(None)>{m.cancel}</button>
                            </div>
                        }
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let send_form = move || {
        form.get().map(|f| {
            let fields = fields_of(&f.template_id);
            let options = templates.with_value(|ts| ts.iter().map(|x| (x.pri_tmpl_id.clone(), x.title.clone())).collect::<Vec<_>>());
            view! {
                <section class="panel mt-send" data-testid="sm-send">
                    <h3>{m.send_title}</h3>
                    <label><span>{m.f_template}</span>
                        <select data-testid="sm-f-template" on:change=move |ev| open_send(event_target_value(&ev))>
                            {options.into_iter().map(|(id, title)| view! { <option value=id.clone() selected=id == f.template_id>{title}</option> }).collect_view()}
                        </select></label>
                    {move || msgs("template_id".into())}
                    <label><span>{m.f_touser}</span>
                        <input data-testid="sm-f-touser" prop:value=f.touser.clone() on:input=move |ev| edit(&|x| x.touser = event_target_value(&ev)) /></label>
                    <p class="hint">{s.f_touser_hint}</p>
                    {move || msgs("touser".into())}
                    <label><span>{m.f_page}</span>
                        <input data-testid="sm-f-page" list="sm-pages" prop:value=f.page.clone() placeholder="pages/index/index?foo=bar"
                            on:input=move |ev| edit(&|x| x.page = event_target_value(&ev)) /></label>
                    <datalist id="sm-pages">{pages.get_value().into_iter().map(|p| view! { <option value=p></option> }).collect_view()}</datalist>
                    <p class="hint">{m.f_page_hint}</p>
                    {move || msgs("page".into())}
                    <div class="row">
                        <label><span>{s.f_state}</span>
                            <select data-testid="sm-f-state" on:change=move |ev| edit(&|x| x.miniprogram_state = event_target_value(&ev))>
                                {MINIPROGRAM_STATES.iter().zip(s.states).map(|(v, label)| view! {
                                    <option value=*v selected=*v == f.miniprogram_state>{label}</option>
                                }).collect_view()}
                            </select></label>
                        <label><span>{s.f_lang}</span>
                            <select data-testid="sm-f-lang" on:change=move |ev| edit(&|x| x.lang = event_target_value(&ev))>
                                {LANGS.iter().zip(s.langs).map(|(v, label)| view! {
                                    <option value=*v selected=*v == f.lang>{label}</option>
                                }).collect_view()}
                            </select></label>
                    </div>
                    {move || msgs("miniprogram_state".into())}
                    {move || msgs("lang".into())}
                    {fields.iter().enumerate().map(|(i, field)| {
                        let hint = rule_of(field).map(|r| s.rule_text(r.as_str())).unwrap_or("");
                        view! {
                            <label data-testid="sm-f-field"><span>{field.label.clone()}" ("<code>{field.key.clone()}</code>")"</span>
                                <input data-testid=format!("sm-f-value-{i}") on:input=move |ev| {
                                    let val = event_target_value(&ev);
                                    edit(&|x| if let Some(v) = x.values.get_mut(i) { *v = val.clone() })
                                } /></label>
                            <p class="hint">{hint}</p>
                            {move || msgs(format!("value.{i}"))}
                        }
                    }).collect_view()}
                    {move || msgs("send".into())}
                    <button class="primary" data-testid="sm-f-send" disabled=move || send.pending().get()
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
            <h1>{s.title}" · "{v.nick_name.clone()}</h1>
            <a href=format!("/apps/{}", v.appid) class="button">{t.back_to_list}</a>
        </div>
        <MessageTabs appid=v.appid.clone() subscribe=true />
        <p class="hint">{s.intro}</p>
        {(!may_write).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        <section class="panel" data-testid="sm-categories">
            <h2>{s.categories}</h2>
            {if v.categories.is_empty() {
                view! { <p class="empty">{s.no_categories}</p> }.into_any()
            } else {
                view! { <p>{v.categories.iter().map(|c| view! { <span class="chip" data-testid="sm-category-chip">{c.name.clone()}" "<code class="muted">{c.id}</code></span>" " }).collect_view()}</p> }.into_any()
            }}
        </section>
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="sm-notice">{n}</p> })}
        {move || error.get().filter(|_| form.with(Option::is_none)).map(|e| view! { <p class="form-error" role="alert" data-testid="sm-error">{error_text(t, &e)}</p> })}
        <section class="panel" data-testid="sm-account">
            <h2 data-testid="sm-account-title">{(s.account)(count, PRIVATE_TEMPLATES_MAX)}</h2>
            {if count == 0 {
                view! { <p class="empty" data-testid="sm-none">{s.none}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="sm-templates">
                        <thead><tr><th>{m.col_title}</th><th>{s.col_kind}</th><th>{m.col_content}</th><th>{m.col_example}</th><th></th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            {send_form}
        </section>
    }
}
