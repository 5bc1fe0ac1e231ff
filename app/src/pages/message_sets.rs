//! `/message-sets` (模板组): every template set with its size and coverage; staff create and
//! delete sets here (members are added from a mini program's message pages).

use crate::api::message_sets::{create_message_set, delete_message_set, message_sets};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::layout::user_is_staff;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn MessageSetsPage() -> impl IntoView {
    let t = use_texts();
    let s = t.sets;
    let reload = RwSignal::new(0u32);
    let sets = Resource::new(move || reload.get(), |_| message_sets());
    let staff = user_is_staff;
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let confirming = RwSignal::new(None::<i64>);
    let create = Action::new(move |n: &String| create_message_set(n.clone()));
    Effect::new(move |_| {
        if let Some(r) = create.value().get() {
            match r {
                Ok(_) => {
                    error.set(None);
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        }
    });
    let delete = Action::new(move |id: &i64| delete_message_set(*id));
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            confirming.set(None);
            match r {
                Ok(()) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        }
    });
    view! {
        <Title text=s.title />
        <div class="page-head"><h1>{s.title}</h1></div>
        <p class="hint">{s.intro}</p>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match sets.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty" data-testid="ms-none">{s.none}</p> }.into_any(),
                    Ok(list) => view! {
                        <div class="table-scroll">
                        <table class="table" data-testid="ms-list">
                            <thead><tr><th>{s.col_name}</th><th>{s.col_members}</th><th>{s.col_coverage}</th><th></th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|x| {
                                    let id = x.id;
                                    let label = x.name.clone();
                                    view! {
                                        <tr data-testid="ms-row" data-id=id.to_string()>
                                            <td><a href=format!("/message-sets/{id}") data-testid="ms-open">{x.name.clone()}</a></td>
                                            <td data-testid="ms-members">{x.members}</td>
                                            <td data-testid="ms-coverage">{(s.coverage_counts)(x.checked, x.lacking)}</td>
                                            <td class="actions">
                                                {move || staff().then(|| view! {
                                                    <button class="danger" data-testid="ms-delete" on:click=move |_| confirming.set(Some(id))>{s.delete}</button>
                                                })}
                                                {move || (confirming.get() == Some(id)).then(|| view! {
                                                    <div class="confirm" data-testid="ms-confirm-delete">
                                                        <span>{(s.confirm_delete)(&label)}</span>
                                                        <button class="danger" data-testid="ms-confirm-delete-yes" disabled=move || delete.pending().get()
                                                            on:click=move |_| { delete.dispatch(id); }>{s.delete}</button>
                                                        <button on:click=move |_| confirming.set(None)>{s.cancel}</button>
                                                    </div>
                                                })}
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <section class="panel" data-testid="ms-new">
            <h2>{s.new_set}</h2>
            {move || if staff() {
                view! {
                    <div class="row">
                        <label><span>{s.name}</span>
                            <input data-testid="ms-name" maxlength="40" prop:value=move || name.get()
                                on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                        <button class="primary" data-testid="ms-create" disabled=move || create.pending().get()
                            on:click=move |_| { create.dispatch(name.get_untracked()); }>{s.create}</button>
                    </div>
                    {move || show_messages("ms-error-name".into(), field_messages(t, &[], error.get().as_ref(), "name", None))}
                    {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                        <p class="form-error" role="alert">{error_text(t, &e)}</p>
                    })}
                }.into_any()
            } else {
                view! { <p class="hint">{s.staff_only}</p> }.into_any()
            }}
        </section>
    }
}
