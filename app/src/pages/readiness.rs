//! `/apps/:appid/readiness`: what still stands between the mini program and its first
//! release (就绪检查). Each item with its state, why, the WeChat errcode it leads to while
//! undone (with the meaning) and a link to where it is fixed; "x / y ready" and the first
//! item to do on top. The page shows the last check (no WeChat call); "re-check" reads again.
//! Readable without JavaScript (SSR).

use crate::api::readiness::{check_readiness, get_readiness};
use crate::components::field::error_text;
use crate::components::page_error::PageError;
use crate::domain::readiness::{ErrcodeText, ItemState, ItemView, ReadinessBrief, ReadinessView};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Locale, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The state's sign beside its word (the word carries the meaning; the sign is a glance).
fn state_icon(state: ItemState) -> &'static str {
    match state {
        ItemState::Ok => "✓",
        ItemState::Warn => "!",
        ItemState::Missing => "✗",
        ItemState::NotApplicable => "–",
    }
}

/// An errcode with its meaning in the page's language.
fn errcode_line(t: &Texts, e: &ErrcodeText) -> String {
    let meaning = match t.locale {
        Locale::ZhCn => &e.zh,
        Locale::En => &e.en,
    };
    format!("{}{}{meaning}", e.errcode, t.colon)
}

/// "就绪 6/8 · 体验者" for the registry and the mini program's home; "not checked" without a
/// check. Markup from maud's template, as the registry's rows are (`mini_programs::registry_rows_html`).
pub fn readiness_badge(t: &'static Texts, brief: Option<&ReadinessBrief>) -> maud::Markup {
    let rt = t.readiness;
    maud::html! {
        @match brief {
            None => span class="muted" data-testid="readiness-badge" data-state="unchecked" { (rt.not_checked) },
            Some(b) => {
                @let state = if b.first_blocking.is_none() { "ready" } else { "stuck" };
                span class={ "readiness-badge " (state) } data-testid="readiness-badge" data-state=(state) {
                    ((rt.brief)(b.ready, b.total))
                }
                @if let Some(kind) = b.first_blocking {
                    span class="muted small-text" data-testid="readiness-badge-blocking" data-item=(kind.as_str()) {
                        " · " ((rt.item)(kind))
                    }
                }
            }
        }
    }
}

#[component]
pub fn ReadinessPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    // Created with the page, never inside the Suspend below (hydration creates resources in
    // the order the server did).
    let data = Resource::new(appid, get_readiness);
    view! {
        <Title text=t.readiness.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Checklist initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn item_row(t: &'static Texts, v: ItemView) -> impl IntoView {
    let rt = t.readiness;
    let item = v.item;
    let state = item.state;
    let read_error = v.read_error.map(|e| {
        view! {
            <div class="hint small-text" data-testid="readiness-item-read-error">
                {rt.read_error}" "{errcode_line(t, &e)}
            </div>
        }
    });
    let prevents = match v.prevents {
        Some(e) => view! {
            <code data-testid="readiness-item-errcode">{e.errcode}</code>
            <div class="small-text">{errcode_line(t, &e)}</div>
        }
        .into_any(),
        None => view! { <span class="muted">{t.none}</span> }.into_any(),
    };
    let fix = v.link.map(|link| {
        if link.external {
            view! {
                <a href=link.href target="_blank" rel="noopener noreferrer" data-testid="readiness-item-fix">{rt.fix_on_wechat}</a>
            }
            .into_any()
        } else {
            view! { <a href=link.href data-testid="readiness-item-fix">{rt.fix}</a> }.into_any()
        }
    });
    view! {
        <tr data-testid="readiness-item" data-item=item.kind.as_str() data-state=state.as_str()>
            <th scope="row" data-testid="readiness-item-name">{(rt.item)(item.kind)}</th>
            <td>
                <span class=format!("readiness-state {}", state.as_str()) data-testid="readiness-item-state">
                    <span aria-hidden="true">{state_icon(state)}</span>" "{(rt.state)(state)}
                </span>
            </td>
            <td data-testid="readiness-item-detail">{(rt.finding)(&item.finding)}{read_error}</td>
            <td data-testid="readiness-item-prevents">{prevents}</td>
            <td>{fix}</td>
        </tr>
    }
}

#[component]
fn Checklist(initial: ReadinessView) -> impl IntoView {
    let t = use_texts();
    let rt = t.readiness;
    let appid = StoredValue::new(initial.appid.clone());
    let nick = initial.nick_name.clone();
    let data = RwSignal::new(initial);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);

    let check = Action::new(move |_: &()| check_readiness(appid.get_value()));
    Effect::new(move |_| {
        if let Some(r) = check.value().get() {
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                    notice.set(Some(rt.rechecked));
                }
                Err(e) => {
                    notice.set(None);
                    server_error.set(Some(e));
                }
            }
        }
    });
    let busy = move || check.pending().get();

    let summary = move || {
        data.with(|v| match (v.summary, v.checked_at) {
            (Some(s), Some(at)) => {
                let state = s.state().as_str();
                let next = match s.first_blocking {
                    Some(kind) => view! {
                        <span data-testid="readiness-first-blocking" data-item=kind.as_str()>
                            {(rt.first_blocking)((rt.item)(kind))}
                        </span>
                    }
                    .into_any(),
                    None => view! { <span data-testid="readiness-all-ready">{rt.all_ready}</span> }
                        .into_any(),
                };
                let who = v.checked_by.clone().unwrap_or_default();
                view! {
                    <div class=format!("panel readiness-summary {state}") data-testid="readiness-summary" data-state=state>
                        <strong data-testid="readiness-count">{(rt.summary)(s.ready, s.total)}</strong>
                        " "{next}
                        " "<span class="hint" data-testid="readiness-checked-at">{(rt.checked_at)(&format_cst(at), &who)}</span>
                    </div>
                }
                .into_any()
            }
            _ => view! {
                <div class="panel readiness-summary" data-testid="readiness-never">
                    <strong>{rt.never_checked}</strong>" "<span class="hint">{rt.never_checked_hint}</span>
                </div>
            }
            .into_any(),
        })
    };

    let rows = move || {
        data.with(|v| {
            v.items
                .clone()
                .into_iter()
                .map(|item| item_row(t, item))
                .collect_view()
        })
    };

    view! {
        <nav class="breadcrumb" aria-label=t.mini_program_detail>
            <a href="/apps">{t.nav_mini_programs}</a>" / "
            <a href=format!("/apps/{}", appid.get_value())>{nick.clone()}</a>" / "
            <span>{rt.nav}</span>
        </nav>
        <div class="page-head">
            <h1>{rt.title}" · "{nick}</h1>
            <button class="primary" data-testid="readiness-recheck" disabled=busy
                on:click=move |_| {
                    server_error.set(None);
                    notice.set(None);
                    check.dispatch(());
                }>{move || if busy() { rt.checking } else { rt.recheck }}</button>
        </div>
        <p class="hint">{rt.intro}</p>
        {summary}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="readiness-notice">{n}</p> })}
        {move || server_error.get().map(|e| view! {
            <p class="form-error" role="alert" data-testid="readiness-error">{error_text(t, &e)}</p>
        })}
        {move || data.with(|v| !v.items.is_empty()).then(|| view! {
            <div class="table-scroll">
                <table class="table readiness-items" data-testid="readiness-items">
                    <thead><tr>
                        <th>{rt.col_item}</th><th>{rt.col_state}</th><th>{rt.col_detail}</th>
                        <th>{rt.col_prevents}</th><th>{rt.col_fix}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
    }
}
