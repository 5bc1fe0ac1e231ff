use crate::api::merchants::merchant_options;
use crate::api::users::{
    change_user_role, create_user, list_users, reset_user_password, set_user_disabled,
};
use crate::components::field::{FieldMessage, FormError};
use crate::components::layout::{signed_in_user, user_is_admin};
use crate::domain::auth::Role;
use crate::domain::time::format_cst;
use crate::domain::user::{validate_new_user, NewUser};
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{MerchantOption, UserRow};
use leptos::prelude::*;
use leptos_meta::Title;

fn parse_id(s: &str) -> Option<i64> {
    s.parse().ok()
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_texts();
    let version = RwSignal::new(0usize);
    let users = Resource::new(move || version.get(), |_| list_users());
    let merchants = Resource::new(|| (), |_| merchant_options());
    view! {
        <Title text=t.nav_users />
        <div class="page-head"><h1>{t.nav_users}</h1></div>
        // The form has its own Suspense so that reloading the table keeps what it shows.
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = untrack(user_is_admin);
                let merchants = merchants.await.unwrap_or_default();
                admin.then(|| view! { <CreateUserForm merchants version /> })
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let merchants = merchants.await.unwrap_or_default();
                let my_id = untrack(signed_in_user).map(|u| u.id);
                match users.await {
                    Ok(list) => view! {
                        <table class="table" data-testid="users-table">
                            <thead><tr>
                                <th>{t.username}</th><th>{t.display_name}</th><th>{t.role}</th><th>{t.merchant}</th>
                                <th>{t.account_status}</th><th>{t.last_login}</th><th>{t.actions}</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|u| {
                                    let is_me = my_id == Some(u.id);
                                    view! { <UserRowView user=u merchants=merchants.clone() version is_me /> }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert" data-testid="users-error">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn merchant_select(
    merchants: &[MerchantOption],
    value: RwSignal<String>,
    testid: &'static str,
) -> impl IntoView {
    let t = use_texts();
    view! {
        <select data-testid=testid on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
            <option value="">{t.none}</option>
            {merchants.iter().map(|m| view! { <option value=m.id.to_string()>{m.name.clone()}</option> }).collect_view()}
        </select>
    }
}

fn role_select(value: RwSignal<String>, testid: &'static str) -> impl IntoView {
    let t = use_texts();
    view! {
        <select data-testid=testid on:change=move |ev| value.set(event_target_value(&ev)) prop:value=move || value.get()>
            {Role::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{t.role(r)}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn CreateUserForm(merchants: Vec<MerchantOption>, version: RwSignal<usize>) -> impl IntoView {
    let t = use_texts();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Operator.as_str().to_string());
    let merchant = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let done = RwSignal::new(false);
    let create = Action::new(move |u: &NewUser| create_user(u.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            done.set(true);
            username.set(String::new());
            display_name.set(String::new());
            password.set(String::new());
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let user = NewUser {
            username: username.get().trim().to_string(),
            display_name: display_name.get().trim().to_string(),
            role: role.get(),
            merchant_id: parse_id(&merchant.get()),
            password: password.get(),
        };
        // The same rules the server runs, for an answer before the round trip.
        match validate_new_user(&user) {
            Ok(()) => {
                error.set(None);
                create.dispatch(user);
            }
            Err(errors) => error.set(Some(AppError::Invalid(errors))),
        }
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <details class="panel" data-testid="create-user">
            <summary>{t.create_user}</summary>
            <form on:submit=submit class="grid-form">
                <label><span>{t.username}</span><input bind:value=username data-testid="new-username" /></label>
                <FieldMessage error=error_signal field="username" />
                <label><span>{t.display_name}</span><input bind:value=display_name data-testid="new-display-name" /></label>
                <FieldMessage error=error_signal field="display_name" />
                <label><span>{t.role}</span>{role_select(role, "new-role")}</label>
                <FieldMessage error=error_signal field="role" />
                <label><span>{t.merchant}</span>{merchant_select(&merchants, merchant, "new-merchant")}</label>
                <FieldMessage error=error_signal field="merchant_id" />
                <label><span>{t.password}</span><input type="password" autocomplete="new-password" bind:value=password data-testid="new-password" /></label>
                <FieldMessage error=error_signal field="password" />
                <FormError error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_)))) />
                <div><button type="submit" class="primary" disabled=move || create.pending().get() data-testid="new-user-submit">{t.create}</button>
                {move || done.get().then(|| view! { <span class="ok" data-testid="new-user-done">{t.saved}</span> })}</div>
            </form>
        </details>
    }
}

#[component]
fn UserRowView(
    user: UserRow,
    merchants: Vec<MerchantOption>,
    version: RwSignal<usize>,
    is_me: bool,
) -> impl IntoView {
    let t = use_texts();
    let id = user.id;
    let error = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let role = RwSignal::new(user.role.as_str().to_string());
    let merchant = RwSignal::new(user.merchant_id.map(|m| m.to_string()).unwrap_or_default());
    let new_password = RwSignal::new(String::new());
    let toggle = Action::new(move |disabled: &bool| set_user_disabled(id, *disabled));
    let save_role =
        Action::new(move |(r, m): &(String, Option<i64>)| change_user_role(id, r.clone(), *m));
    let reset = Action::new(move |p: &String| reset_user_password(id, p.clone()));
    let watch = move |value: Option<Result<(), AppError>>, refresh: bool| match value {
        Some(Ok(())) => {
            error.set(None);
            saved.set(true);
            if refresh {
                version.update(|v| *v += 1);
            }
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    };
    Effect::new(move |_| watch(toggle.value().get(), true));
    Effect::new(move |_| watch(save_role.value().get(), true));
    Effect::new(move |_| {
        let v = reset.value().get();
        if matches!(v, Some(Ok(()))) {
            new_password.set(String::new());
        }
        watch(v, false)
    });
    let disabled = user.disabled;
    let error_signal: Signal<Option<AppError>> = error.into();
    let username = user.username.clone();
    view! {
        <tr data-testid="user-row" data-username=username.clone()>
            <td><code>{username.clone()}</code>{is_me.then_some(t.you)}</td>
            <td>{user.display_name}</td>
            <td>
                {role_select(role, "row-role")}
                {merchant_select(&merchants, merchant, "row-merchant")}
                <button class="small" disabled=is_me data-testid="row-save-role"
                    on:click=move |_| { saved.set(false); save_role.dispatch((role.get(), parse_id(&merchant.get()))); }>{t.save}</button>
                <FieldMessage error=error_signal field="merchant_id" />
                <FieldMessage error=error_signal field="role" />
            </td>
            <td>{user.merchant_name.unwrap_or_else(|| t.none.to_string())}</td>
            <td data-testid="row-status">{if disabled { t.disabled } else { t.active }}</td>
            <td>{user.last_login_at.map(format_cst).unwrap_or_else(|| t.never.to_string())}</td>
            <td class="actions">
                <button class="small" disabled=is_me data-testid="row-toggle"
                    on:click=move |_| { saved.set(false); toggle.dispatch(!disabled); }>
                    {if disabled { t.enable } else { t.disable }}
                </button>
                <input type="password" class="small" placeholder=t.new_password autocomplete="new-password"
                    bind:value=new_password data-testid="row-new-password" />
                <button class="small" data-testid="row-reset-password"
                    on:click=move |_| { saved.set(false); reset.dispatch(new_password.get()); }>{t.reset_password}</button>
                <FieldMessage error=error_signal field="password" />
                <FormError error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_)))) />
                {move || saved.get().then(|| view! { <span class="ok" data-testid="row-saved">{t.saved}</span> })}
            </td>
        </tr>
    }
}
