//! "Add to a template set" beside a compose panel (staff only): the template composed on
//! this mini program becomes a member of an existing set or of a new one.

use crate::api::message_sets::{add_message_set_member, create_message_set, message_sets};
use crate::components::field::error_text;
use crate::components::layout::user_is_staff;
use crate::domain::message_set::MemberDraft;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;

const NEW: &str = "new";

#[component]
pub fn AddToSet(
    /// The composed template, when it is complete enough to add.
    #[prop(into)]
    draft: Signal<Option<MemberDraft>>,
    testid: &'static str,
) -> impl IntoView {
    let t = use_texts();
    let s = t.sets;
    // Only staff edit sets (the server refuses everyone else too).
    if !untrack(user_is_staff) {
        return None;
    }
    let sets = Resource::new(|| (), |_| message_sets());
    let chosen = RwSignal::new(String::new());
    let new_name = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<AppError>);
    let add = Action::new(
        move |(choice, name, draft): &(String, String, MemberDraft)| {
            let (choice, name, draft) = (choice.clone(), name.clone(), draft.clone());
            async move {
                let id = if choice == NEW {
                    create_message_set(name).await?
                } else {
                    choice.parse::<i64>().map_err(|_| AppError::NotFound)?
                };
                add_message_set_member(id, draft).await
            }
        },
    );
    Effect::new(move |_| {
        if let Some(r) = add.value().get() {
            match r {
                Ok(set) => {
                    error.set(None);
                    done.set(Some(set.name));
                    sets.refetch();
                }
                Err(e) => {
                    done.set(None);
                    error.set(Some(e));
                }
            }
        }
    });
    Some(view! {
        <div class="add-to-set row" data-testid=testid>
            <label><span>{s.choose_set}</span>
                <select data-testid=format!("{testid}-set") on:change=move |ev| chosen.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    <Transition>
                        {move || sets.get().and_then(Result::ok).map(|list| list.into_iter().map(|x| view! {
                            <option value=x.id.to_string()>{x.name}</option>
                        }).collect_view())}
                    </Transition>
                    <option value=NEW>{s.new_set_option}</option>
                </select></label>
            {move || (chosen.get() == NEW).then(|| view! {
                <label><span>{s.name}</span>
                    <input data-testid=format!("{testid}-name") maxlength="40"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) /></label>
            })}
            <button data-testid=format!("{testid}-add")
                disabled=move || add.pending().get() || draft.with(Option::is_none) || chosen.with(String::is_empty)
                on:click=move |_| {
                    if let Some(d) = draft.get_untracked() {
                        add.dispatch((chosen.get_untracked(), new_name.get_untracked(), d));
                    }
                }>{s.add_to_set}</button>
            {move || done.get().map(|n| view! { <p class="notice" role="status" data-testid=format!("{testid}-done")>{(s.added_to)(&n)}</p> })}
            {move || error.get().map(|e| view! { <p class="field-error" role="alert" data-testid=format!("{testid}-error")>{error_text(t, &e)}</p> })}
        </div>
    })
}
