//! The GET filter form of a list page: a plain form without JavaScript, client-side
//! navigation with it. leptos_router's `Form` appends the submit button as a field, and an
//! unnamed button makes every filtered URL end in `&=`: the nameless field is dropped here.

use leptos::prelude::*;
use leptos::web_sys::FormData;
use leptos_router::components::Form;
use std::sync::Arc;

#[component]
pub fn FilterForm(
    #[prop(into)] action: String,
    testid: &'static str,
    children: Children,
) -> impl IntoView {
    let drop_nameless: Arc<dyn Fn(&FormData)> = Arc::new(|data: &FormData| data.delete(""));
    view! {
        <Form method="GET" action=action on_form_data=drop_nameless attr:class="filters" attr:data-testid=testid>
            {children()}
        </Form>
    }
}
