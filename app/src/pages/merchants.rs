use crate::api::merchants::{
    assign_mini_programs, create_merchant, list_merchants, rename_merchant, set_merchant_permission,
};
use crate::components::field::{FieldMessage, FormError};
use crate::domain::merchant::validate_merchant_name;
use crate::domain::merchant_permission::MerchantPermission;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::MerchantRow;
use leptos::prelude::*;
use leptos_meta::Title;

fn non_field(error: RwSignal<Option<AppError>>) -> Signal<Option<AppError>> {
    Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))))
}

#[component]
pub fn MerchantsPage() -> impl IntoView {
    let t = use_texts();
    let version = RwSignal::new(0usize);
    let merchants = Resource::new(move || version.get(), |_| list_merchants());
    view! {
        <Title text=t.nav_merchants />
        <div class="page-head"><h1>{t.nav_merchants}</h1></div>
        <CreateMerchantForm version />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match merchants.await {
                    Ok(list) => view! {
                        <table class="table" data-testid="merchants-table">
                            <thead><tr><th>{t.merchant_name}</th><th>{t.mini_program_count}</th><th>{t.merchant_permission}</th><th>{t.assign_mini_programs}</th></tr></thead>
                            <tbody>
                                {list.into_iter().map(|m| view! { <MerchantRowView merchant=m version /> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert" data-testid="merchants-error">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CreateMerchantForm(version: RwSignal<usize>) -> impl IntoView {
    let t = use_texts();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let create = Action::new(move |n: &String| create_merchant(n.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            error.set(None);
            name.set(String::new());
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match validate_merchant_name(name.get().trim()) {
            Ok(()) => {
                error.set(None);
                create.dispatch(name.get());
            }
            Err(errs) => error.set(Some(AppError::Invalid(errs))),
        }
    };
    view! {
        <form class="panel inline-fields" on:submit=submit data-testid="create-merchant">
            <label><span>{t.create_merchant}</span><input bind:value=name placeholder=t.merchant_name data-testid="new-merchant-name" /></label>
            <button type="submit" class="primary" data-testid="new-merchant-submit">{t.create}</button>
            <FieldMessage error=Signal::derive(move || error.get()) field="name" />
            <FormError error=non_field(error) />
        </form>
    }
}

#[component]
fn MerchantRowView(merchant: MerchantRow, version: RwSignal<usize>) -> impl IntoView {
    let t = use_texts();
    let id = merchant.id;
    let name = RwSignal::new(merchant.name.clone());
    let appids = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let message = RwSignal::new(None::<String>);
    let rename = Action::new(move |n: &String| rename_merchant(id, n.clone()));
    let assign = Action::new(move |a: &String| assign_mini_programs(id, a.clone()));
    let permission = RwSignal::new(merchant.permission);
    let set_permission = Action::new(move |p: &MerchantPermission| {
        set_merchant_permission(id, p.as_str().to_string())
    });
    Effect::new(move |_| match set_permission.value().get() {
        Some(Ok(())) => {
            error.set(None);
            message.set(Some(t.saved.to_string()));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match rename.value().get() {
        Some(Ok(())) => {
            error.set(None);
            message.set(Some(t.saved.to_string()));
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    Effect::new(move |_| match assign.value().get() {
        Some(Ok(n)) => {
            error.set(None);
            appids.set(String::new());
            message.set(Some((t.assigned)(n)));
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let err: Signal<Option<AppError>> = error.into();
    view! {
        <tr data-testid="merchant-row" data-name=merchant.name.clone()>
            <td>
                <input bind:value=name data-testid="merchant-name" />
                <button class="small" data-testid="merchant-rename" on:click=move |_| { message.set(None); rename.dispatch(name.get()); }>{t.rename}</button>
                <FieldMessage error=err field="name" />
            </td>
            <td data-testid="merchant-count"><a href=format!("/apps?merchant={id}")>{merchant.mini_program_count}</a></td>
            <td>
                <select data-testid="merchant-permission" aria-label=t.merchant_permission
                    on:change=move |ev| {
                        if let Some(p) = MerchantPermission::parse(&event_target_value(&ev)) {
                            message.set(None);
                            permission.set(p);
                            set_permission.dispatch(p);
                        }
                    }>
                    {MerchantPermission::ALL.into_iter().map(|p| view! {
                        <option value=p.as_str() selected=move || permission.get() == p>{(t.permission_name)(p)}</option>
                    }).collect_view()}
                </select>
                <FieldMessage error=err field="permission" />
            </td>
            <td>
                <textarea rows="2" placeholder=t.appid_list_hint bind:value=appids data-testid="merchant-appids"></textarea>
                <button class="small" data-testid="merchant-assign" on:click=move |_| { message.set(None); assign.dispatch(appids.get()); }>{t.assign_mini_programs}</button>
                <FieldMessage error=err field="appids" />
                <FormError error=non_field(error) />
                {move || message.get().map(|m| view! { <span class="ok" data-testid="merchant-message">{m}</span> })}
            </td>
        </tr>
    }
}
