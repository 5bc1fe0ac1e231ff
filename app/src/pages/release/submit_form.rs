//! The submit-for-review form (1–5 audit items and feedback), checked as you type with the
//! rules the server runs; WeChat's errcode shows at the field that would cause it.

use super::op::{Op, OpAction};
use crate::components::field::{field_messages, show_messages};
use crate::domain::release::state::Action as ReleaseAction;
use crate::domain::release::submission::{check_audit_items, AuditItem};
use crate::domain::release::view::{ReleaseView, SubmitOptions};
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

use crate::components::text::none_if_blank;

#[component]
pub fn SubmitPanel(
    view: ReleaseView,
    options: SubmitOptions,
    act: OpAction,
    last_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let appid = view.appid.clone();
    let allowed = view.check(ReleaseAction::SubmitAudit);
    let why = allowed.err().map(|u| r.why(u));
    let first_page = options.pages.first().cloned().unwrap_or_default();
    let new_item = {
        let first_page = first_page.clone();
        move || AuditItem {
            address: first_page.clone(),
            ..Default::default()
        }
    };
    let items = RwSignal::new(vec![new_item()]);
    let feedback = RwSignal::new(String::new());
    let pages = options.pages.clone();
    let categories = options.categories.clone();
    let (check_pages, check_categories) = (pages.clone(), categories.clone());
    let violations = Memo::new(move |_| {
        check_audit_items(&items.get(), &check_pages, &check_categories)
            .err()
            .unwrap_or_default()
    });
    let msgs = move |field: String| {
        let local = violations.get();
        let server = last_error.get();
        show_messages(
            format!("error-{field}"),
            field_messages(t, &local, server.as_ref(), &field, None),
        )
    };
    let update = move |i: usize, f: &dyn Fn(&mut AuditItem)| {
        items.update(|list| {
            if let Some(item) = list.get_mut(i) {
                f(item);
            }
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !violations.get_untracked().is_empty() {
            return;
        }
        let fb = none_if_blank(feedback.get_untracked());
        act.dispatch((appid.clone(), Op::Submit(items.get_untracked(), fb)));
    };
    let item_view = move |i: usize| {
        let pages = pages.clone();
        let categories = categories.clone();
        let cats_for_change = categories.clone();
        let category_value = move || {
            let list = items.get();
            let Some(item) = list.get(i) else {
                return String::new();
            };
            categories
                .iter()
                .position(|c| {
                    c.first_id == item.first_id
                        && c.second_id == item.second_id
                        && c.third_id.filter(|&x| x != 0) == item.third_id.filter(|&x| x != 0)
                })
                .map(|p| p.to_string())
                .unwrap_or_default()
        };
        let cat_labels: Vec<(usize, String)> = cats_for_change
            .iter()
            .enumerate()
            .map(|(n, c)| {
                let third = c
                    .third_class
                    .as_deref()
                    .map(|s| format!(" > {s}"))
                    .unwrap_or_default();
                (n, format!("{} > {}{third}", c.first_class, c.second_class))
            })
            .collect();
        view! {
            <fieldset class="audit-item" data-testid=format!("item-{i}")>
                <legend>{r.item}" "{i + 1}</legend>
                <label>{r.page}
                    <select data-testid=format!("item-page-{i}")
                        prop:value=move || items.get().get(i).map(|x| x.address.clone()).unwrap_or_default()
                        on:change=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.address = v.clone()); }>
                        <option value="">{r.choose}</option>
                        {pages.iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                    </select>
                </label>
                {move || msgs(format!("item_list[{i}].address"))}
                <label>{r.item_title}
                    <input type="text" data-testid=format!("item-title-{i}")
                        prop:value=move || items.get().get(i).map(|x| x.title.clone()).unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.title = v.clone()); } />
                </label>
                {move || msgs(format!("item_list[{i}].title"))}
                <label>{r.tags}" ("{r.tags_hint}")"
                    <input type="text" data-testid=format!("item-tags-{i}")
                        prop:value=move || items.get().get(i).map(|x| x.tag.clone()).unwrap_or_default()
                        on:input=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.tag = v.clone()); } />
                </label>
                {move || msgs(format!("item_list[{i}].tag"))}
                <label>{r.category}
                    <select data-testid=format!("item-category-{i}") prop:value=category_value
                        on:change=move |ev| {
                            let n = event_target_value(&ev).parse::<usize>().ok();
                            let chosen = n.and_then(|n| cats_for_change.get(n).cloned());
                            update(i, &|x| match &chosen {
                                Some(c) => {
                                    x.first_class = c.first_class.clone();
                                    x.second_class = c.second_class.clone();
                                    x.third_class = c.third_class.clone();
                                    x.first_id = c.first_id;
                                    x.second_id = c.second_id;
                                    x.third_id = c.third_id;
                                }
                                None => {
                                    x.first_id = 0;
                                    x.second_id = 0;
                                    x.third_id = None;
                                }
                            });
                        }>
                        <option value="">{r.choose}</option>
                        {cat_labels.into_iter().map(|(n, label)| view! { <option value=n.to_string()>{label}</option> }).collect_view()}
                    </select>
                </label>
                {move || msgs(format!("item_list[{i}].category"))}
                {move || msgs(format!("item_list[{i}].third_id"))}
                {move || msgs(format!("item_list[{i}]"))}
                <button type="button" data-testid=format!("item-remove-{i}")
                    on:click=move |_| items.update(|l| { if i < l.len() { l.remove(i); } })>{r.remove}</button>
            </fieldset>
        }
    };
    // A comparison inside `view!` would close the tag at its `>`: computed out here.
    let list_full =
        move || items.with(|l| l.len() >= crate::domain::release::submission::ITEM_LIST_MAX);
    view! {
        <section class="panel" data-testid="submit-panel">
            <h2>{r.submit_title}</h2>
            {why.clone().map(|w| view! { <p class="muted" data-testid="reason-submit">{w}</p> })}
            <form on:submit=submit data-testid="submit-form" class="release-form">
                {move || (0..items.get().len()).map(item_view.clone()).collect_view()}
                {move || msgs("item_list".to_string())}
                <button type="button" data-testid="item-add"
                    disabled=list_full
                    on:click=move |_| items.update(|l| l.push(new_item()))>{r.add_item}</button>
                <label>{r.feedback}
                    <input type="text" maxlength=crate::domain::release::submission::FEEDBACK_MAX.to_string() data-testid="submit-feedback" prop:value=move || feedback.get()
                        on:input=move |ev| feedback.set(event_target_value(&ev)) />
                </label>
                <button type="submit" data-testid="submit-audit" disabled=allowed.is_err()>{r.action_submit}</button>
            </form>
        </section>
    }
}
