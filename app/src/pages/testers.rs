//! `/apps/:appid/testers`: one mini program's testers (体验者): how many against the account's
//! limit always in view, the table (the WeChat ID of those the console bound, the userstr of
//! the others), bind with the console's checks as one types and WeChat's 85001–85004 at the
//! field, unbind with an in-page confirmation. Readable without JavaScript (SSR).

use crate::api::testers::{bind_tester, get_testers, unbind_tester};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::domain::merchant_permission::Need;
use crate::domain::release::Violation;
use crate::domain::testers::{errcode, normalize_wechatid, short_userstr, TestersView};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// Whether an error belongs above the page rather than at the WeChat ID field.
fn shown_on_top(e: &AppError) -> bool {
    match e {
        AppError::Wechat { errcode: code, .. } => errcode::field_of(*code) != "wechatid",
        AppError::Invalid(errors) => errors.iter().any(|x| x.field != "wechatid"),
        _ => true,
    }
}

#[component]
pub fn TestersPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    // Created with the page, never inside the Suspend below (hydration creates resources in
    // the order the server did).
    let data = Resource::new(appid, get_testers);
    view! {
        <Title text=t.testers.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <TestersEditor initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TestersEditor(initial: TestersView) -> impl IntoView {
    let t = use_texts();
    let tt = t.testers;
    let appid = StoredValue::new(initial.appid.clone());
    let nick = initial.nick_name.clone();
    let data = RwSignal::new(initial);
    let input = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    // The userstr whose unbinding waits for confirmation.
    let confirming = RwSignal::new(None::<String>);

    let bind = Action::new(move |w: &String| bind_tester(appid.get_value(), w.clone()));
    let unbind = Action::new(move |u: &String| unbind_tester(appid.get_value(), u.clone()));
    Effect::new(move |_| {
        if let Some(r) = bind.value().get() {
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                    notice.set(Some(tt.bound));
                    input.set(String::new());
                    touched.set(false);
                }
                Err(e) => {
                    notice.set(None);
                    server_error.set(Some(e));
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(r) = unbind.value().get() {
            confirming.set(None);
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                    notice.set(Some(tt.unbound));
                }
                Err(e) => {
                    notice.set(None);
                    server_error.set(Some(e));
                }
            }
        }
    });
    let busy = move || bind.pending().get() || unbind.pending().get();
    let may = move |need: Need| data.with(|v| v.grant.is_none_or(|g| g.allows(need)));

    let live = Memo::new(move |_| {
        let typed = input.get();
        data.with(|v| v.check_bind(&typed).err().unwrap_or_default())
    });
    let msgs = move || {
        let local: Vec<Violation> = if touched.get() {
            live.get()
        } else {
            Vec::new()
        };
        let server = server_error.get();
        let out = field_messages(
            t,
            &local,
            server.as_ref(),
            "wechatid",
            Some(errcode::field_of),
        );
        show_messages("tester-error-wechatid".to_owned(), out)
    };
    let on_bind = move |_| {
        touched.set(true);
        server_error.set(None);
        notice.set(None);
        if live.with(Vec::is_empty) {
            bind.dispatch(normalize_wechatid(&input.get_untracked()));
        }
    };

    let status = move || {
        data.with(|v| {
            view! {
                <div class="panel tester-status" data-testid="tester-status">
                    <span>{tt.count}{t.colon}<strong data-testid="tester-count">{format!("{} / {}", v.testers.len(), v.limit)}</strong></span>
                    " "<span class="hint" data-testid="tester-limit">{(tt.limit_hint)(v.limit)}</span>
                    {v.verified.is_none().then(|| view! { " "<span class="hint" data-testid="tester-verified-unknown">{tt.verified_unknown}</span> })}
                    {v.is_full().then(|| view! { " "<span class="hint" data-testid="tester-full">{tt.full}</span> })}
                </div>
            }
        })
    };

    let rows = move || {
        data.with(|v| {
            v.testers.clone().into_iter().map(|tester| {
                let userstr = StoredValue::new(tester.userstr.clone());
                let who = StoredValue::new(
                    tester
                        .wechatid
                        .clone()
                        .unwrap_or_else(|| short_userstr(&tester.userstr)),
                );
                let name = match tester.wechatid.clone() {
                    Some(id) => view! { <code data-testid="tester-wechatid">{id}</code> }.into_any(),
                    None => view! {
                        <code data-testid="tester-userstr" title=tester.userstr.clone()>{short_userstr(&tester.userstr)}</code>
                        <div class="hint small-text" data-testid="tester-outside">{tt.outside}</div>
                    }.into_any(),
                };
                let confirm_view = move || {
                    let open = confirming.get() == Some(userstr.get_value());
                    open.then(|| view! {
                        <div class="confirm" data-testid="tester-confirm-unbind">
                            <span>{(tt.confirm_unbind)(&who.get_value())}</span>
                            <button class="danger" data-testid="tester-confirm-unbind-yes" disabled=busy
                                on:click=move |_| { unbind.dispatch(userstr.get_value()); }>{tt.unbind}</button>
                            <button data-testid="tester-confirm-cancel" on:click=move |_| confirming.set(None)>{tt.cancel}</button>
                        </div>
                    })
                };
                view! {
                    <tr data-testid="tester" data-userstr=tester.userstr.clone()
                        data-wechatid=tester.wechatid.clone().unwrap_or_default()>
                        <td>{name}</td>
                        <td data-testid="tester-bound-by">{tester.bound_by.clone().unwrap_or_else(|| t.none.to_owned())}</td>
                        <td>{tester.bound_at.map(format_cst).unwrap_or_else(|| t.none.to_owned())}</td>
                        <td class="actions">
                            <button class="danger" data-testid="tester-unbind" disabled=move || busy() || !may(Need::Submit)
                                on:click=move |_| {
                                    server_error.set(None);
                                    notice.set(None);
                                    confirming.set(Some(userstr.get_value()));
                                }>{tt.unbind}</button>
                            {confirm_view}
                        </td>
                    </tr>
                }
            }).collect_view()
        })
    };

    let qr_link = format!("/apps/{}/release#step-trial", appid.get_value());
    view! {
        <div class="page-head">
            <h1>{tt.title}" · "{nick}</h1>
            <a href=format!("/apps/{}", appid.get_value()) class="button">{t.back_to_list}</a>
        </div>
        <p class="hint">{tt.intro}" "<a href=qr_link data-testid="tester-qr-link">{t.release.qrcode}</a></p>
        {status}
        {move || (!may(Need::Submit)).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="tester-notice">{n}</p> })}
        {move || server_error.get().filter(shown_on_top).map(|e| view! {
            <p class="form-error" role="alert" data-testid="tester-error">{error_text(t, &e)}</p>
        })}
        <section class="panel tester-bind" data-testid="tester-bind-form">
            <h2>{tt.bind_title}</h2>
            <label><span>{tt.f_wechatid}</span>
                <input data-testid="tester-f-wechatid" prop:value=move || input.get() autocomplete="off"
                    disabled=move || !may(Need::Submit)
                    on:input=move |ev| {
                        touched.set(true);
                        server_error.set(None);
                        notice.set(None);
                        input.set(event_target_value(&ev));
                    } /></label>
            <p class="hint">{tt.f_wechatid_hint}</p>
            {msgs}
            <div class="actions">
                <button class="primary" data-testid="tester-bind" disabled=move || busy() || !may(Need::Submit)
                    on:click=on_bind>{tt.bind}</button>
            </div>
        </section>
        <section class="panel">
            {move || if data.with(|v| v.testers.is_empty()) {
                view! { <p class="empty" data-testid="testers-empty">{tt.none}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="testers">
                        <thead><tr>
                            <th>{tt.col_tester}</th><th>{tt.col_bound_by}</th><th>{tt.col_bound_at}</th><th>{tt.col_actions}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
