//! `/apps/:appid/widget`: the function widget editor (a grid that looks like the widget in
//! WeChat search, a live preview, validation as you type) and its lifecycle actions.

use crate::api::widgets::{
    delete_widget, get_widget, get_widget_options, offline_widget, save_widget_draft, submit_widget,
};
use crate::components::field::{field_messages, show_messages};
use crate::components::text::Lines;
use crate::components::url::proxied_image;
use crate::domain::merchant_permission::Need;
use crate::domain::time::format_cst;
use crate::domain::widget::region;
use crate::domain::widget::rules::{category_field, check, item_field};
use crate::domain::widget::state::Blocked;
use crate::domain::widget::view::{WidgetOptions, WidgetView};
use crate::domain::widget::{
    CategoryRef, WidgetAction, WidgetContent, WidgetStatus, MAX_CATEGORIES,
};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

pub fn status_text(t: &Texts, s: WidgetStatus) -> &'static str {
    match s {
        WidgetStatus::Draft => t.wg_status_draft,
        WidgetStatus::UnderReview => t.wg_status_under_review,
        WidgetStatus::Online => t.wg_status_online,
        WidgetStatus::Rejected => t.wg_status_rejected,
        WidgetStatus::Offline => t.wg_status_offline,
    }
}

pub fn blocked_text(t: &Texts, b: Blocked) -> &'static str {
    match b {
        Blocked::UnderReview => t.wg_blocked_under_review,
        Blocked::NotSubmitted => t.wg_blocked_not_submitted,
        Blocked::NotOnline => t.wg_blocked_not_online,
        Blocked::QuotaReached => t.wg_blocked_quota,
        Blocked::NotEligible => t.wg_blocked_not_eligible,
    }
}

fn outcome_text(t: &Texts, o: &str) -> &'static str {
    match o {
        "approved" => t.wg_out_approved,
        "rejected" => t.wg_out_rejected,
        "failed" => t.wg_out_failed,
        _ => t.wg_out_under_review,
    }
}

#[component]
pub fn WidgetEditorPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let data = Resource::new(appid, |a| async move {
        let v = get_widget(a.clone()).await?;
        // Options need WeChat; the editor still works (unchecked) without them.
        let o = get_widget_options(a).await.unwrap_or_default();
        Ok::<_, AppError>((v, o))
    });
    view! {
        <Title text=t.wg_title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((v, o)) => view! { <Editor initial=v options=o /> }.into_any(),
                    Err(e) => view! {
                        <div class="not-found" data-testid="wg-error">
                            <p>{e.message(t)}</p>
                            <a href="/apps">{t.back_to_list}</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(initial: WidgetView, options: WidgetOptions) -> impl IntoView {
    let t = use_texts();
    let appid = initial.appid.clone();
    let nick_name = initial.nick_name.clone();
    let content = RwSignal::new(initial.draft.clone());
    let view_sig = RwSignal::new(initial);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let keep_choice = RwSignal::new(None::<Vec<bool>>);
    let confirm_delete = RwSignal::new(false);
    let dragging = RwSignal::new(None::<usize>);
    let area_query = RwSignal::new(String::new());
    let categories = StoredValue::new(options.categories.clone());
    let pages = StoredValue::new(options.pages.clone());

    let live = Memo::new(move |_| {
        content.with(|c| {
            categories.with_value(|cats| {
                pages.with_value(|p| check(c, cats, p).err().unwrap_or_default())
            })
        })
    });
    let msg_view = move |field: String| {
        move || {
            let messages = server_error
                .with(|e| live.with(|local| field_messages(t, local, e.as_ref(), &field, None)));
            show_messages(format!("wg-error-{}", field.replace('.', "-")), messages)
        }
    };

    let after = move |r: Result<WidgetView, AppError>, ok: &'static str, reset: bool| match r {
        Ok(v) => {
            server_error.set(None);
            if reset {
                content.set(v.draft.clone());
            }
            view_sig.set(v);
            notice.set(Some(ok));
        }
        Err(e) => {
            notice.set(None);
            server_error.set(Some(e));
        }
    };
    let appid_s = StoredValue::new(appid.clone());
    let save =
        Action::new(move |c: &WidgetContent| save_widget_draft(appid_s.get_value(), c.clone()));
    let submit =
        Action::new(move |c: &WidgetContent| submit_widget(appid_s.get_value(), c.clone()));
    let offline = Action::new(move |_: &()| offline_widget(appid_s.get_value()));
    let delete = Action::new(move |_: &()| delete_widget(appid_s.get_value()));
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            after(r, t.wg_draft_saved, false)
        }
    });
    Effect::new(move |_| {
        if let Some(r) = submit.value().get() {
            after(r, t.wg_submitted_ok, true)
        }
    });
    Effect::new(move |_| {
        if let Some(r) = offline.value().get() {
            after(r, t.wg_done, true)
        }
    });
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            confirm_delete.set(false);
            after(r, t.wg_done, true)
        }
    });
    let busy = move || {
        save.pending().get()
            || submit.pending().get()
            || offline.pending().get()
            || delete.pending().get()
    };

    let blocked = move |a: WidgetAction| view_sig.with(|v| v.blocked(a));
    let may = move |need: Need| view_sig.with(|v| v.grant.allows(need));
    let submit_reasons = move || {
        let mut r: Vec<String> = Vec::new();
        if let Some(b) = blocked(WidgetAction::Submit) {
            r.push(blocked_text(t, b).to_string());
        }
        let n = live.with(|v| v.len());
        if n > 0 {
            r.push(format!("{}{}", t.wg_fix_fields, (t.paren)(&n.to_string())));
        }
        r
    };

    let set_layout = move |size: usize| {
        let len = content.with(|c| c.material.items.len());
        if size == 2 && len > 2 {
            keep_choice.set(Some(vec![true, true, false, false]));
        } else {
            content.update(|c| c.resize(size, &[]));
        }
    };
    let region_results = move || {
        let q = area_query.get();
        region::search(&q, 12)
    };

    // category choices: level 2 alone, or with a level 3
    let cat_choices: Vec<(String, String)> = {
        let mut out: Vec<(String, String)> = Vec::new();
        categories.with_value(|cats| {
            for n in cats {
                let two = format!("{}-{}-0", n.id1, n.id2);
                if !out.iter().any(|(k, _)| *k == two) {
                    out.push((two, format!("{} / {}", n.name1, n.name2)));
                }
                if n.id3 != 0 {
                    out.push((
                        format!("{}-{}-{}", n.id1, n.id2, n.id3),
                        format!("{} / {} / {}", n.name1, n.name2, n.name3),
                    ));
                }
            }
        });
        out
    };
    let cat_choices = StoredValue::new(cat_choices);

    let nick = StoredValue::new(nick_name);
    let head = view! {
        <div class="page-head">
            <h1>{t.wg_title}" · "{nick.get_value()}</h1>
            <a href="/widgets" class="button" data-testid="wg-back">{t.back_to_list}</a>
        </div>
        <div class="wg-status panel">
            <span class=move || format!("status wg-{}", view_sig.with(|v| v.status.as_str()))
                data-testid="wg-status">{move || status_text(t, view_sig.with(|v| v.status))}</span>
            {move || view_sig.with(|v| (v.status == WidgetStatus::UnderReview).then(|| {
                let since = v.submitted_at.unwrap_or(v.now);
                view! { <span data-testid="wg-review-time">" · "{(t.wg_under_review_for)((v.now - since).max(0))}</span> }
            }))}
            <span data-testid="wg-quota">" · "{move || view_sig.with(|v| match v.quota {
                Some(q) => (t.wg_quota)(q.used, q.max),
                None => t.wg_quota_unknown.to_string(),
            })}</span>
            {move || view_sig.with(|v| (v.status == WidgetStatus::Rejected && !v.reason.is_empty()).then(|| view! {
                <p class="form-error" data-testid="wg-reason">{t.wg_reason}{t.colon}<Lines text=v.reason.clone() /></p>
            }))}
        </div>
    }
    .into_any();
    let text_fields = view! {
                <label><span>{t.wg_keyword}</span>
                    <input data-testid="wg-keyword" prop:value=move || content.with(|c| c.keyword.clone())
                        on:input=move |ev| content.update(|c| c.keyword = event_target_value(&ev)) /></label>
                {msg_view("keyword".into())}
                <label><span>{t.wg_brandname}</span>
                    <input data-testid="wg-brandname" prop:value=move || content.with(|c| c.brandname.clone())
                        placeholder=nick.get_value()
                        on:input=move |ev| content.update(|c| c.brandname = event_target_value(&ev)) /></label>
                <p class="hint">{t.wg_brand_fallback}{nick.get_value()}</p>
                {msg_view("brandname".into())}
                <fieldset data-testid="wg-areas"><legend>{t.wg_areacode}</legend>
                    <p class="hint">{t.wg_area_hint}</p>
                    <div class="chips">
                        {move || content.with(|c| c.areacode.clone()).into_iter().map(|code| view! {
                            <span class="chip" data-testid="wg-area-chip">{region::label_of(code).unwrap_or_else(|| code.to_string())}
                                <button type="button" class="small" aria-label=t.wg_remove
                                    on:click=move |_| content.update(|c| c.areacode.retain(|x| *x != code))>"×"</button></span>
                        }).collect_view()}
                    </div>
                    <input type="search" data-testid="wg-area-search" placeholder=t.wg_area_search
                        prop:value=move || area_query.get() on:input=move |ev| area_query.set(event_target_value(&ev)) />
                    <div class="wg-area-results">
                        {move || region_results().into_iter().map(|r| {
                            let code = r.code;
                            view! { <button type="button" class="small" data-testid="wg-area-result"
                                on:click=move |_| { content.update(|c| if !c.areacode.contains(&code) { c.areacode.push(code) }); area_query.set(String::new()); }>
                                {r.label}" "<code>{code}</code></button> }
                        }).collect_view()}
                    </div>
                    {msg_view("areacode".into())}
                </fieldset>
    }
    .into_any();
    let cats = view! {
                <fieldset data-testid="wg-categories"><legend>{t.wg_categories}</legend>
                    {move || {
                        let list = content.with(|c| c.categorylist.clone());
                        list.into_iter().enumerate().map(|(i, cat)| {
                            let current = format!("{}-{}-{}", cat.id1, cat.id2, cat.id3);
                            view! {
                                <div class="wg-category">
                                    <select data-testid=format!("wg-category-{i}") on:change=move |ev| {
                                        let v = event_target_value(&ev);
                                        let ids: Vec<i64> = v.split('-').filter_map(|x| x.parse().ok()).collect();
                                        if let [id1, id2, id3] = ids[..] {
                                            content.update(|c| if let Some(x) = c.categorylist.get_mut(i) { *x = CategoryRef { id1, id2, id3 } });
                                        }
                                    }>
                                        <option value="0-0-0">{t.wg_choose}</option>
                                        {cat_choices.get_value().into_iter().map(|(k, label)| {
                                            let sel = k == current;
                                            view! { <option value=k selected=sel>{label}</option> }
                                        }).collect_view()}
                                    </select>
                                    <button type="button" class="small" on:click=move |_| content.update(|c| { if i < c.categorylist.len() { c.categorylist.remove(i); } })>{t.wg_remove}</button>
                                    {msg_view(category_field(i))}
                                </div>
                            }
                        }).collect_view()
                    }}
                    <button type="button" class="small" data-testid="wg-category-add"
                        disabled=move || content.with(|c| c.categorylist.len() >= MAX_CATEGORIES)
                        on:click=move |_| content.update(|c| c.categorylist.push(CategoryRef::default()))>{t.wg_add_category}</button>
                    {msg_view("categorylist".into())}
                </fieldset>
    }
    .into_any();
    let layout = view! {
                <fieldset><legend>{t.wg_layout}</legend>
                    <label class="inline"><input type="radio" name="wg-layout" data-testid="wg-layout-2"
                        prop:checked=move || content.with(|c| c.material.items.len() == 2) on:change=move |_| set_layout(2) />{t.wg_layout_2}</label>
                    <label class="inline"><input type="radio" name="wg-layout" data-testid="wg-layout-4"
                        prop:checked=move || content.with(|c| c.material.items.len() == 4) on:change=move |_| set_layout(4) />{t.wg_layout_4}</label>
                    <label class="inline"><input type="checkbox" data-testid="wg-icons"
                        prop:checked=move || content.with(|c| c.material.icon_type == 1)
                        on:change=move |ev| { let on = event_target_checked(&ev); content.update(|c| c.material.icon_type = i64::from(on)) } />{t.wg_icons}</label>
                    {msg_view("material.items".into())}
                    {msg_view("material.iconType".into())}
                    {move || keep_choice.get().map(|picked| view! {
                        <div class="panel" data-testid="wg-keep">
                            <p>{t.wg_keep_which}</p>
                            {picked.iter().enumerate().map(|(i, on)| {
                                let title = content.with(|c| c.material.items.get(i).map(|x| x.title.clone()).unwrap_or_default());
                                view! { <label class="inline"><input type="checkbox" data-testid=format!("wg-keep-{i}") prop:checked=*on
                                    on:change=move |ev| { let on = event_target_checked(&ev); keep_choice.update(|k| if let Some(k) = k { if let Some(x) = k.get_mut(i) { *x = on } }) } />
                                    {format!("{} {}", t.wg_cell, i + 1)}" "{title}</label> }
                            }).collect_view()}
                            <button type="button" class="primary small" data-testid="wg-keep-confirm"
                                disabled=move || keep_choice.with(|k| k.as_ref().is_none_or(|k| k.iter().filter(|x| **x).count() != 2))
                                on:click=move |_| {
                                    let keep: Vec<usize> = keep_choice.with(|k| k.as_ref().map(|k| k.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i).collect()).unwrap_or_default());
                                    content.update(|c| c.resize(2, &keep));
                                    keep_choice.set(None);
                                }>{t.wg_keep_confirm}</button>
                            <button type="button" class="small" on:click=move |_| keep_choice.set(None)>{t.wg_cancel}</button>
                        </div>
                    })}
                </fieldset>
    }
    .into_any();
    let grid = view! {
                <datalist id="wg-pages">
                    {pages.get_value().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                </datalist>
                <p class="hint">{move || if pages.with_value(|p| p.is_empty()) { t.wg_no_pages } else { t.wg_pages_hint }}</p>
                <div class=move || format!("wg-grid wg-grid-{}", content.with(|c| c.material.items.len()))>
                    {move || {
                        let n = content.with(|c| c.material.items.len());
                        (0..n).map(|i| {
                            let get = move |f: fn(&crate::domain::widget::WidgetItem) -> String| move || content.with(|c| c.material.items.get(i).map(f).unwrap_or_default());
                            view! {
                                <div class="wg-cell" data-testid="wg-cell" data-index=i.to_string() draggable="true"
                                    on:dragstart=move |_| dragging.set(Some(i))
                                    on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                                    on:drop=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); if let Some(from) = dragging.get() { content.update(|c| c.move_item(from, i)); } dragging.set(None); }>
                                    <div class="wg-cell-head">
                                        <span>{format!("{} {}", t.wg_cell, i + 1)}</span>
                                        <button type="button" class="small" data-testid=format!("wg-left-{i}") aria-label=format!("{} {}", t.wg_move_left, i + 1)
                                            disabled=i == 0 on:click=move |_| content.update(|c| c.move_item(i, i.saturating_sub(1)))>"←"</button>
                                        <button type="button" class="small" data-testid=format!("wg-right-{i}") aria-label=format!("{} {}", t.wg_move_right, i + 1)
                                            disabled=i + 1 == n on:click=move |_| content.update(|c| c.move_item(i, i + 1))>"→"</button>
                                    </div>
                                    <label><span>{t.wg_item_title}</span><input data-testid=format!("wg-title-{i}") prop:value=get(|x| x.title.clone())
                                        on:input=move |ev| content.update(|c| if let Some(x) = c.material.items.get_mut(i) { x.title = event_target_value(&ev) }) /></label>
                                    {msg_view(item_field(i, "title"))}
                                    <label><span>{t.wg_item_desc}</span><input data-testid=format!("wg-desc-{i}") prop:value=get(|x| x.desc.clone())
                                        on:input=move |ev| content.update(|c| if let Some(x) = c.material.items.get_mut(i) { x.desc = event_target_value(&ev) }) /></label>
                                    {msg_view(item_field(i, "desc"))}
                                    {move || content.with(|c| c.material.icon_type == 1).then(|| view! {
                                        <label><span>{t.wg_icon_url}</span><input data-testid=format!("wg-icon-{i}") prop:value=get(|x| x.icon.clone())
                                            on:input=move |ev| content.update(|c| if let Some(x) = c.material.items.get_mut(i) { x.icon = event_target_value(&ev) }) /></label>
                                        {msg_view(item_field(i, "icon"))}
                                    })}
                                    <label><span>{t.wg_jump_url}</span><input list="wg-pages" data-testid=format!("wg-jump-{i}") prop:value=get(|x| x.jump_url.clone())
                                        on:input=move |ev| content.update(|c| if let Some(x) = c.material.items.get_mut(i) { x.jump_url = event_target_value(&ev) }) /></label>
                                    {msg_view(item_field(i, "jumpUrl"))}
                                </div>
                            }
                        }).collect_view()
                    }}
                </div>
    }
    .into_any();
    let actions = view! {
                {move || server_error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                    <p class="form-error" role="alert" data-testid="wg-form-error">{e.message(t)}</p>
                })}
                {move || notice.get().map(|n| view! { <p class="ok" data-testid="wg-notice">{n}</p> })}
                {move || (!may(Need::Submit)).then(|| view! {
                    <p class="notice" data-testid="view-only">{t.view_only_notice}</p>
                })}
                <div class="wg-actions">
                    <button type="button" data-testid="wg-save" disabled=move || busy() || !may(Need::Submit)
                        on:click=move |_| { notice.set(None); save.dispatch(content.get()); }>{t.wg_save_draft}</button>
                    <button type="button" class="primary" data-testid="wg-submit"
                        disabled=move || busy() || !may(Need::Submit) || !submit_reasons().is_empty()
                        on:click=move |_| { notice.set(None); submit.dispatch(content.get()); }>{t.wg_submit}</button>
                    <button type="button" data-testid="wg-offline"
                        disabled=move || busy() || !may(Need::Release) || blocked(WidgetAction::Offline).is_some()
                        title=move || blocked(WidgetAction::Offline).map(|b| blocked_text(t, b)).unwrap_or_default()
                        on:click=move |_| { notice.set(None); offline.dispatch(()); }>{t.wg_offline}</button>
                    <button type="button" class="danger" data-testid="wg-delete"
                        disabled=move || busy() || !may(Need::Release) || blocked(WidgetAction::Delete).is_some() || !view_sig.with(|v| v.saved)
                        title=move || blocked(WidgetAction::Delete).map(|b| blocked_text(t, b)).unwrap_or_default()
                        on:click=move |_| confirm_delete.set(true)>{t.wg_delete}</button>
                </div>
                {move || confirm_delete.get().then(|| view! {
                    <div class="panel" role="alertdialog" data-testid="wg-delete-dialog">
                        <p>{t.wg_confirm_delete}</p>
                        <button type="button" class="danger" data-testid="wg-delete-confirm" on:click=move |_| { delete.dispatch(()); }>{t.wg_confirm}</button>
                        <button type="button" on:click=move |_| confirm_delete.set(false)>{t.wg_cancel}</button>
                    </div>
                })}
                <ul class="wg-blocked" data-testid="wg-blocked">
                    {move || {
                        let mut lines: Vec<String> = submit_reasons().into_iter().map(|r| format!("{} {r}", t.wg_submit_blocked)).collect();
                        for a in [WidgetAction::Offline, WidgetAction::Delete] {
                            if let Some(b) = blocked(a) {
                                let label = if a == WidgetAction::Offline { t.wg_offline } else { t.wg_delete };
                                lines.push(format!("{label}{}{}", t.colon, blocked_text(t, b)));
                            }
                        }
                        lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()
                    }}
                </ul>
    }
    .into_any();
    let form = view! {
        <form class="wg-form grid-form" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            {text_fields}{cats}{layout}{grid}{actions}
        </form>
    }
    .into_any();
    let preview = view! { <Preview content nick=nick.get_value() /> }.into_any();
    let history = view! { <History view=view_sig /> }.into_any();
    view! {
        {head}
        <div class="wg-layout">{form}{preview}</div>
        {history}
    }
    .into_any()
}

#[component]
fn Preview(content: RwSignal<WidgetContent>, nick: String) -> impl IntoView {
    let t = use_texts();
    let nick = StoredValue::new(nick);
    view! {
        <aside class="wg-phone" data-testid="wg-preview" aria-label=t.wg_preview>
            <p class="wg-phone-title">{t.wg_preview}</p>
            <div class="wg-search">{move || content.with(|c| c.keyword.clone())}</div>
            <div class="wg-card">
                <p class="wg-brand" data-testid="wg-preview-brand">{move || nick.with_value(|n| content.with(|c| c.shown_brand(n).to_string()))}</p>
                <div class=move || format!("wg-preview-grid wg-grid-{}", content.with(|c| c.material.items.len()))>
                    {move || content.with(|c| c.material.items.iter().enumerate().map(|(i, item)| {
                        let icon = (c.material.icon_type == 1 && !item.icon.is_empty()).then(|| item.icon.clone());
                        view! {
                            <div class="wg-preview-cell" data-testid="wg-preview-cell" data-index=i.to_string()>
                                {icon.map(|url| view! { <img src=proxied_image(&url) alt="" width="32" height="32" data-testid="wg-preview-icon" /> })}
                                <strong data-testid="wg-preview-title">{item.title.clone()}</strong>
                                <span>{item.desc.clone()}</span>
                            </div>
                        }
                    }).collect_view())}
                </div>
            </div>
        </aside>
    }
}

#[component]
fn History(view: RwSignal<WidgetView>) -> impl IntoView {
    let t = use_texts();
    view! {
        <h2>{t.wg_history}</h2>
        <table class="table" data-testid="wg-history">
            <thead><tr>
                <th>{t.wg_col_time}</th><th>{t.wg_col_action}</th><th>{t.wg_col_keyword}</th>
                <th>{t.wg_col_by}</th><th>{t.wg_col_outcome}</th><th>{t.wg_reason}</th>
            </tr></thead>
            <tbody>
                {move || view.with(|v| v.history.iter().map(|h| {
                    let reason = match h.errcode {
                        Some(code) => format!("{code} {}", h.reason),
                        None => h.reason.clone(),
                    };
                    view! {
                        <tr data-testid="wg-history-row">
                            <td>{format_cst(h.submitted_at)}</td>
                            <td>{if h.action == "create" { t.wg_act_create } else { t.wg_act_modify }}</td>
                            <td>{h.content.keyword.clone()}</td>
                            <td>{h.submitted_by.clone()}</td>
                            <td data-testid="wg-history-outcome">{outcome_text(t, &h.outcome)}</td>
                            <td><Lines text=reason /></td>
                        </tr>
                    }
                }).collect_view())}
            </tbody>
        </table>
    }
}
