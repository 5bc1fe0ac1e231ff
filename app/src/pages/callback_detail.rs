//! One push: its facts, the decrypted XML, and "replay processing".

use super::callbacks::outcome_class;
use crate::api::platform::{get_callback, replay_callback};
use crate::components::page_error::PageError;
use crate::domain::callbacks::pretty_xml;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::CallbackDetail;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

const LIST: &str = "/platform/callbacks";

#[component]
pub fn CallbackDetailPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let id = move || params.read().get("id").and_then(|s| s.parse::<i64>().ok());
    let detail = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_callback(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Title text=t.callback_detail />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <CallbackView detail=d /> }.into_any(),
                    Err(error) => view! { <PageError error back=LIST /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CallbackView(detail: CallbackDetail) -> impl IntoView {
    let t = use_texts();
    let id = detail.row.id;
    let current = RwSignal::new(detail);
    let replay = Action::new(move |_: &()| replay_callback(id));
    let error = RwSignal::new(None::<AppError>);
    let replayed = RwSignal::new(false);
    Effect::new(move |_| match replay.value().get() {
        Some(Ok(d)) => {
            error.set(None);
            replayed.set(true);
            current.set(d);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let row = move || current.with(|d| d.row.clone());
    let payload = move || current.with(|d| pretty_xml(&d.payload));
    view! {
        <div class="page-head">
            <h1>{t.callback_detail}" #"{id}</h1>
            <a href=LIST class="button">{t.back_to_list}</a>
        </div>
        <dl class="facts" data-testid="callback-facts">
            <dt>{t.col_kind}</dt><dd><code data-testid="callback-kind">{move || row().kind}</code></dd>
            <dt>{t.col_mini_program}</dt>
            <dd>{move || {
                let r = row();
                match r.appid {
                    Some(appid) => view! {
                        {r.nick_name.map(|n| view! { {n}" " })}
                        <a href=format!("/apps/{appid}")><code>{appid.clone()}</code></a>
                    }.into_any(),
                    None => view! { <span class="muted">{t.platform_component}</span> }.into_any(),
                }
            }}</dd>
            <dt>{t.col_received}</dt><dd>{move || format_cst(row().received_at)}</dd>
            <dt>{t.col_deliveries}</dt><dd>{move || row().deliveries}</dd>
            <dt>{t.col_attempts}</dt><dd data-testid="callback-attempts">{move || row().attempts}</dd>
            <dt>{t.col_processed_at}</dt><dd>{move || row().processed_at.map(format_cst).unwrap_or_else(|| t.none.to_string())}</dd>
            <dt>{t.col_outcome}</dt>
            <dd>
                <span class=move || outcome_class(&row().outcome) data-testid="callback-outcome">{move || t.callback_outcome(&row().outcome)}</span>
                " "<span class="muted" data-testid="callback-outcome-detail">{move || row().outcome_detail}</span>
            </dd>
        </dl>
        <div class="toolbar">
            <button class="primary" data-testid="callback-replay" disabled=move || replay.pending().get()
                on:click=move |_| { replayed.set(false); replay.dispatch(()); }>{t.replay}</button>
            {move || replayed.get().then(|| view! {
                <span class="ok" data-testid="callback-replayed">{t.replay_done}{t.callback_outcome(&row().outcome)}</span>
            })}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="callback-replay-error">{e.message(t)}</p> })}
        </div>
        <h2>{t.decrypted_payload}</h2>
        <pre class="payload" data-testid="callback-payload">{payload}</pre>
    }
}
