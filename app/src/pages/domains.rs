//! `/apps/:appid/domains`: one mini program's server domains (six lists) and business
//! (web-view) domains as WeChat holds them, each list with its count against the limit, a
//! delete per entry (confirmed in the page), and a box to add entries or replace the list:
//! the console's checks and a preview ("will add 2, 1 already present") as one types,
//! WeChat's errcode with its meaning at the field, and what a partial success turned down
//! listed under the list. Readable without JavaScript (SSR).

use crate::api::domains::{change_domains, get_domains};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::domain::domains::{
    ChangeReport, DomainAction, DomainChange, DomainKind, DomainsView, RejectReason, WebviewState,
};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

type ChangeAction = Action<DomainChange, Result<DomainsView, AppError>>;

/// Errors shown above the page rather than at a list's field.
fn shown_on_top(e: &AppError) -> bool {
    !matches!(e, AppError::Wechat { .. } | AppError::Invalid(_))
}

/// The signals the lists share.
#[derive(Clone, Copy)]
struct Shared {
    data: RwSignal<DomainsView>,
    change: ChangeAction,
    /// The list the last change was for, and its error.
    server_error: RwSignal<Option<(DomainKind, AppError)>>,
    /// The list the change under way is for (its answer belongs there).
    sent_kind: RwSignal<Option<DomainKind>>,
    /// The entry whose deletion waits for confirmation.
    confirming: RwSignal<Option<(DomainKind, String)>>,
}

#[component]
pub fn DomainsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    // Created with the page, never inside the Suspend below (hydration creates resources in
    // the order the server did).
    let data = Resource::new(appid, get_domains);
    view! {
        <Title text=t.domains.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <DomainsEditor initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DomainsEditor(initial: DomainsView) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let appid = StoredValue::new(initial.appid.clone());
    let nick = initial.nick_name.clone();
    // Whether business domains can be shown is known once, with the page.
    let webview_state = initial.webview.clone();
    let data = RwSignal::new(initial);
    let server_error = RwSignal::new(None::<(DomainKind, AppError)>);
    let sent_kind = RwSignal::new(None::<DomainKind>);
    let confirming = RwSignal::new(None::<(DomainKind, String)>);
    let change: ChangeAction =
        Action::new(move |c: &DomainChange| change_domains(appid.get_value(), c.clone()));
    Effect::new(move |_| {
        if let Some(r) = change.value().get() {
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                }
                Err(e) => {
                    let kind = sent_kind.get_untracked().unwrap_or(DomainKind::Request);
                    server_error.set(Some((kind, e)));
                }
            }
        }
    });
    let shared = Shared {
        data,
        change,
        server_error,
        sent_kind,
        confirming,
    };
    let top_error = move || {
        server_error
            .get()
            .map(|(_, e)| e)
            .filter(shown_on_top)
            .map(|e| view! { <p class="form-error" role="alert" data-testid="domain-error">{error_text(t, &e)}</p> })
    };
    let webview = match webview_state {
        WebviewState::Listed => view! { <KindSection kind=DomainKind::Webview shared /> }.into_any(),
        WebviewState::Personal => {
            view! { <p class="notice" data-testid="domain-webview-personal">{dt.personal}</p> }.into_any()
        }
        WebviewState::Unavailable(e) => view! {
            <p class="form-error" data-testid="domain-webview-unavailable">{dt.webview_unavailable}{e.message(t)}</p>
        }
        .into_any(),
    };
    view! {
        <div class="page-head">
            <h1>{dt.title}" · "{nick}</h1>
            <a href=format!("/apps/{}", appid.get_value()) class="button">{t.back_to_list}</a>
        </div>
        <p class="hint">{dt.intro}</p>
        {move || (!data.with(DomainsView::may_change)).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {top_error}
        <h2>{dt.server_title}</h2>
        <p class="hint">{dt.server_hint}</p>
        <div class="domain-grid">
            {DomainKind::SERVER.into_iter().map(|kind| view! { <KindSection kind shared /> }).collect_view()}
        </div>
        <h2>{dt.webview_title}</h2>
        <p class="hint">{dt.webview_hint}</p>
        <div data-testid="domain-webview">{webview}</div>
    }
}

/// What WeChat turned down in the change just made to `kind`, and what it did.
fn last_report(t: &'static Texts, last: Option<ChangeReport>, kind: DomainKind) -> impl IntoView {
    let dt = t.domains;
    last.filter(|r| r.kind == kind).map(|r| {
        let rejected = (!r.rejected.is_empty()).then(|| {
            view! {
                <div class="domain-rejected" data-testid="domain-rejected">
                    <p>{dt.rejected_title}</p>
                    <ul class="plain">
                        {r.rejected.iter().map(|x| {
                            let (reason, code) = match x.reason {
                                RejectReason::Invalid => (dt.reason_invalid, "invalid"),
                                RejectReason::NoIcp => (dt.reason_no_icp, "no_icp"),
                            };
                            view! {
                                <li data-testid="domain-rejected-entry" data-domain=x.domain.clone()
                                    data-kind=x.kind.as_str() data-reason=code>
                                    <code>{x.domain.clone()}</code>" — "{reason}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        });
        view! {
            <p class="notice" role="status" data-testid="domain-notice">{dt.saved}" "
                {(dt.done)(r.added.len(), r.removed.len())}</p>
            {rejected}
        }
    })
}

#[component]
fn KindSection(kind: DomainKind, shared: Shared) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let Shared {
        data,
        change,
        server_error,
        sent_kind,
        confirming,
    } = shared;
    let name = kind.as_str();
    let input = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    // The action the live check previews: add, until "replace" is pressed.
    let mode = RwSignal::new(DomainAction::Add);
    let busy = move || change.pending().get();
    let may = move || data.with(DomainsView::may_change);

    // A successful change to this list clears its box.
    Effect::new(move |_| {
        if let Some(Ok(v)) = change.value().get() {
            if v.last.as_ref().is_some_and(|r| r.kind == kind) {
                input.set(String::new());
                touched.set(false);
                mode.set(DomainAction::Add);
            }
        }
    });

    let live = Memo::new(move |_| {
        let text = input.get();
        let action = mode.get();
        data.with(|v| v.check(kind, action, &text))
    });
    let msgs = move || {
        let local = if touched.get() {
            live.get().err().unwrap_or_default()
        } else {
            Vec::new()
        };
        let server = server_error
            .get()
            .filter(|(k, _)| *k == kind)
            .map(|(_, e)| e);
        let mut out = field_messages(t, &local, server.as_ref(), name, None);
        if out.is_empty() {
            if let Some(e @ AppError::Wechat { .. }) = &server {
                out.push(e.message(t));
            }
        }
        show_messages(format!("domain-error-{name}"), out)
    };
    let preview = move || {
        if !touched.get() {
            return None;
        }
        live.get().ok().map(|p| {
            let text = (dt.preview)(
                p.added.len(),
                p.present.len(),
                p.removed.len(),
                p.absent.len(),
                p.duplicates,
            );
            view! { <p class="hint" data-testid=format!("domain-preview-{name}")>{text}</p> }
        })
    };
    let submit = move |action: DomainAction| {
        touched.set(true);
        mode.set(action);
        server_error.set(None);
        let ok = live.with(Result::is_ok);
        if ok {
            sent_kind.set(Some(kind));
            change.dispatch(DomainChange {
                kind,
                action,
                input: input.get_untracked(),
            });
        }
    };

    let entries = move || {
        data.with(|v| {
            let list = v.lists.of(kind).to_vec();
            if list.is_empty() {
                return view! { <p class="empty" data-testid=format!("domain-empty-{name}")>{dt.empty}</p> }.into_any();
            }
            view! {
                <ul class="plain domain-list" data-testid=format!("domain-list-{name}")>
                    {list.into_iter().map(|domain| {
                        let d = StoredValue::new(domain.clone());
                        let open = move || confirming.get() == Some((kind, d.get_value()));
                        view! {
                            <li data-testid="domain-entry" data-kind=name data-domain=domain.clone()>
                                <code>{domain.clone()}</code>" "
                                <button class="danger small" data-testid="domain-delete" disabled=move || busy() || !may()
                                    on:click=move |_| {
                                        server_error.set(None);
                                        confirming.set(Some((kind, d.get_value())));
                                    }>{dt.delete}</button>
                                {move || open().then(|| view! {
                                    <div class="confirm" data-testid="domain-confirm-delete">
                                        <span>{(dt.confirm_delete)(&d.get_value())}</span>
                                        <button class="danger" data-testid="domain-confirm-delete-yes" disabled=busy
                                            on:click=move |_| {
                                                confirming.set(None);
                                                sent_kind.set(Some(kind));
                                                change.dispatch(DomainChange {
                                                    kind,
                                                    action: DomainAction::Delete,
                                                    input: d.get_value(),
                                                });
                                            }>{dt.delete}</button>
                                        <button data-testid="domain-confirm-cancel" on:click=move |_| confirming.set(None)>{dt.cancel}</button>
                                    </div>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };

    view! {
        <section class="panel domain-kind" data-testid=format!("domain-section-{name}")>
            <h3>{(dt.kind)(kind)}" "
                <span class="muted" data-testid=format!("domain-count-{name}")>
                    {move || (dt.count)(data.with(|v| v.lists.of(kind).len()), kind.limit())}
                </span>
            </h3>
            <p class="hint"><code>{(dt.kind_format)(kind)}</code></p>
            {entries}
            {move || last_report(t, data.with(|v| v.last.clone()), kind)}
            <label><span>{dt.f_input}</span>
                <textarea rows="2" data-testid=format!("domain-input-{name}") autocomplete="off" spellcheck="false"
                    prop:value=move || input.get() disabled=move || !may()
                    on:input=move |ev| {
                        touched.set(true);
                        server_error.set(None);
                        input.set(event_target_value(&ev));
                    }></textarea></label>
            <p class="hint">{dt.f_input_hint}</p>
            {preview}
            {msgs}
            <div class="actions">
                <button class="primary" data-testid=format!("domain-add-{name}") disabled=move || busy() || !may()
                    on:click=move |_| submit(DomainAction::Add)>{dt.add}</button>
                <button data-testid=format!("domain-set-{name}") title=dt.set_hint disabled=move || busy() || !may()
                    on:click=move |_| submit(DomainAction::Set)>{dt.set}</button>
            </div>
        </section>
    }
}
