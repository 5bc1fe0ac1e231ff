//! 发布管理 (`/apps/:appid/release`): one mini program's code as a timeline (development →
//! audit → online, gray plan, visit status, minimum base library) and every release action,
//! each enabled only when WeChat allows it, with the reason when not. Readable without
//! JavaScript (SSR); the forms work after hydration.
//!
//! The page owns the data and the one action every part dispatches (`op`); the parts
//! (timeline, forms, actions, history, QR) do not import each other.

mod actions;
mod commit_form;
mod history;
mod op;
mod qr;
mod submit_form;
mod timeline;

use actions::ActionsPanel;
use commit_form::CommitPanel;
use history::History;
use qr::QrPanel;
use submit_form::SubmitPanel;
use timeline::Timeline;

use crate::api::release::{load_release, release_submit_options, release_templates};
use crate::components::page_error::PageError;
use crate::domain::merchant_permission::MerchantPermission;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use op::{Op, OpAction};

#[component]
pub fn ReleasePage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let version = RwSignal::new(0usize);
    let data = Resource::new(
        move || (appid(), version.get()),
        |(appid, _)| load_release(appid),
    );
    let templates = Resource::new(appid, release_templates);
    let options = Resource::new(
        move || (appid(), version.get()),
        |(appid, _)| release_submit_options(appid),
    );
    let last_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let act: OpAction =
        Action::new(move |(appid, op): &(String, Op)| op::run(appid.clone(), op.clone()));
    Effect::new(move |_| {
        if let Some(result) = act.value().get() {
            match result {
                Ok(_) => {
                    last_error.set(None);
                    notice.set(Some(t.release.done));
                    version.update(|v| *v += 1);
                }
                Err(e) => {
                    notice.set(None);
                    last_error.set(Some(e));
                }
            }
        }
    });
    let r = t.release;
    view! {
        <div class="page-head">
            <h1 data-testid="release-title">
                {r.title}" · "
                <Transition fallback=move || view! { <code>{appid}</code> }>
                    {move || Suspend::new(async move {
                        let name = data.await.map(|v| v.nick_name).unwrap_or_default();
                        let title = format!("{} · {name}", r.title);
                        view! { <Title text=title /><span data-testid="release-name">{name}</span>" " }
                    })}
                </Transition>
                <code class="muted small-text">{appid}</code>
            </h1>
            <a href=move || format!("/apps/{}", appid()) class="button">{r.back}</a>
        </div>
        // The work in its order: where the versions stand, then the steps.
        <nav class="release-steps" data-testid="release-steps" aria-label=r.steps>
            <a href="#step-commit">"1 "{r.commit_title}</a>
            <a href="#step-trial">"2 "{r.qrcode}</a>
            <a href="#step-submit">"3 "{r.submit_title}</a>
            <a href="#step-release">"4 "{r.actions}</a>
            <a href="#step-history">"5 "{r.history}</a>
        </nav>
        <div aria-live="polite">
            {move || notice.get().map(|n| view! { <p class="notice ok" data-testid="release-notice">{n}</p> })}
            {move || last_error.get().map(|e| view! {
                <p class="form-error" role="alert" data-testid="release-error">{e.message(t)}</p>
            })}
        </div>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! {
                        {(v.grant == MerchantPermission::View).then(|| view! {
                            <p class="notice" data-testid="view-only">{t.view_only_notice}</p>
                        })}
                        <Timeline view=v act />
                    }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                }
            })}
        </Transition>
        <div id="step-commit" class="release-step">
            <Transition fallback=move || ()>
                {move || Suspend::new(async move {
                    let list = templates.await.unwrap_or_default();
                    let view = data.await.ok();
                    view.map(|v| view! { <CommitPanel view=v templates=list act last_error /> })
                })}
            </Transition>
        </div>
        <div id="step-trial" class="release-step">
            <QrPanel appid=Signal::derive(appid) version />
        </div>
        <div id="step-submit" class="release-step">
            <Transition fallback=move || ()>
                {move || Suspend::new(async move {
                    let opts = options.await.unwrap_or_default();
                    let view = data.await.ok();
                    view.map(|v| view! { <SubmitPanel view=v options=opts act last_error /> })
                })}
            </Transition>
        </div>
        <Transition fallback=move || ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|v| view! {
                    <div id="step-release" class="release-step"><ActionsPanel view=v.clone() act /></div>
                    <div id="step-history" class="release-step"><History view=v /></div>
                })
            })}
        </Transition>
    }
}
