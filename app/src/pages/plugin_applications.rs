//! `/apps/:appid/plugin-applications`: for a mini program that owns a plugin, the applications
//! to use it (插件使用申请), a page at a time as WeChat gives them (`?page=`): the applicant,
//! its reason and categories, when it applied and the time left before WeChat's 24-hour
//! deadline (less than 4 hours highlighted, timed-out ones shown as such), approve, refuse
//! with a reason (required, checked as one types), delete (refused or timed-out ones only),
//! and the plugin guide's rules. A personal-subject mini program is told it cannot own a
//! plugin. Readable without JavaScript (SSR).

use crate::api::plugins::{
    agree_plugin_application, delete_plugin_application, get_plugin_applications,
    refuse_plugin_application,
};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::domain::merchant_permission::Need;
use crate::domain::plugins::{
    check_reason, errcode, normalize_reason, page_param, ApplicationsView, Deadline, PluginStatus,
    Seconds, OPEN_CATEGORIES,
};
use crate::domain::release::Violation;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::pages::plugins::refusal_text;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Whether an error belongs above the table rather than at an application's row.
fn shown_on_top(e: &AppError) -> bool {
    match e {
        AppError::Wechat { errcode: code, .. } => errcode::owner_field_of(*code) != "applicant",
        AppError::Invalid(errors) => errors
            .iter()
            .any(|x| x.field != "applicant" && x.field != "reason"),
        _ => true,
    }
}

#[component]
pub fn PluginApplicationsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let query = use_query_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let page = move || page_param(query.read().get("page").as_deref());
    // Created with the page, never inside the Suspend below.
    let data = Resource::new(
        move || (appid(), page()),
        |(appid, page)| get_plugin_applications(appid, page),
    );
    view! {
        <Title text=t.plugins.owner_title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <ApplicationsEditor initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The plugin guide's rules (plugin-guide.md): who may develop plugins, the open service
/// categories with their special notes, the 24-hour window.
#[component]
fn GuideRules() -> impl IntoView {
    let t = use_texts();
    let pt = t.plugins;
    let rows = OPEN_CATEGORIES
        .iter()
        .map(|row| {
            let seconds = match row.seconds {
                Seconds::All => pt.all_seconds.to_owned(),
                Seconds::Only(list) => list.join(t.list_separator),
            };
            let special = row.special.map(pt.special).unwrap_or("");
            let class = if special.is_empty() { "" } else { "special" };
            view! {
                <tr data-testid="guide-category" class=class>
                    <td>{row.first}</td><td>{seconds}</td><td>{special}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="panel plugin-guide" data-testid="plugin-guide">
            <summary>{pt.guide_title}</summary>
            <p data-testid="plugin-guide-scope">{pt.guide_scope}</p>
            <p>{pt.guide_window}</p>
            <p>{pt.guide_category}</p>
            <div class="table-scroll">
                <table class="table compact">
                    <thead><tr><th>{pt.col_first}</th><th>{pt.col_seconds}</th><th>{pt.col_special}</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

#[component]
fn ApplicationsEditor(initial: ApplicationsView) -> impl IntoView {
    let t = use_texts();
    let pt = t.plugins;
    let appid = StoredValue::new(initial.appid.clone());
    let page = initial.page;
    let nick = initial.nick_name.clone();
    let data = RwSignal::new(initial);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    // The applicant last acted on (its row shows WeChat's answer), the one whose refusal
    // form is open, and the one whose deletion waits for confirmation.
    let acting = RwSignal::new(None::<String>);
    let refusing = RwSignal::new(None::<String>);
    let refuse_reason = RwSignal::new(String::new());
    let refuse_touched = RwSignal::new(false);
    let confirming = RwSignal::new(None::<String>);

    let agree =
        Action::new(move |a: &String| agree_plugin_application(appid.get_value(), a.clone(), page));
    let refuse = Action::new(move |(a, r): &(String, String)| {
        refuse_plugin_application(appid.get_value(), a.clone(), r.clone(), page)
    });
    let delete = Action::new(move |a: &String| {
        delete_plugin_application(appid.get_value(), a.clone(), page)
    });
    let settle = move |r: Result<ApplicationsView, AppError>, done: &'static str| match r {
        Ok(v) => {
            data.set(v);
            server_error.set(None);
            notice.set(Some(done));
            refusing.set(None);
            confirming.set(None);
            refuse_reason.set(String::new());
            refuse_touched.set(false);
        }
        Err(e) => {
            notice.set(None);
            server_error.set(Some(e));
        }
    };
    Effect::new(move |_| {
        if let Some(r) = agree.value().get() {
            settle(r, pt.approved);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = refuse.value().get() {
            settle(r, pt.refused);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            settle(r, pt.deleted);
        }
    });
    let busy = move || agree.pending().get() || refuse.pending().get() || delete.pending().get();
    let may = move |need: Need| data.with(|v| v.grant.is_none_or(|g| g.allows(need)));
    let start = move |applicant: String| {
        server_error.set(None);
        notice.set(None);
        acting.set(Some(applicant));
    };

    let refuse_local = move || -> Vec<Violation> {
        if !refuse_touched.get() {
            return Vec::new();
        }
        check_reason("reason", &normalize_reason(&refuse_reason.get()))
            .err()
            .into_iter()
            .collect()
    };

    let rows = move || {
        data.with(|v| {
            let now = v.now;
            v.applications.clone().into_iter().map(|app| {
                let applicant = StoredValue::new(app.appid.clone());
                let who = StoredValue::new(if app.nickname.is_empty() {
                    app.appid.clone()
                } else {
                    format!("{} ({})", app.nickname, app.appid)
                });
                let deadline = app.deadline(now);
                let deadline_text = match deadline {
                    Deadline::Open { left_secs } => (pt.left)(&(t.duration)(left_secs)),
                    Deadline::Near { left_secs } => {
                        format!("{} · {}", pt.near, (pt.left)(&(t.duration)(left_secs)))
                    }
                    Deadline::Expired => pt.expired.to_owned(),
                    Deadline::Decided => pt.decided.to_owned(),
                };
                let pending = app.status == PluginStatus::Applying;
                let closed = matches!(app.status, PluginStatus::Refused | PluginStatus::TimedOut);
                let categories = app
                    .categories
                    .iter()
                    .map(|(first, second)| format!("{first} - {second}"))
                    .collect::<Vec<_>>()
                    .join(t.list_separator);
                let mine = move || acting.get() == Some(applicant.get_value());
                let row_msgs = move || {
                    let server = server_error.get().filter(|_| mine());
                    let out = field_messages(t, &[], server.as_ref(), "applicant", Some(errcode::owner_field_of));
                    show_messages("application-error".to_owned(), out)
                };
                let refuse_view = move || {
                    let open = refusing.get() == Some(applicant.get_value());
                    open.then(|| {
                        let msgs = move || {
                            let local = refuse_local();
                            let server = server_error.get().filter(|_| mine());
                            let out = field_messages(t, &local, server.as_ref(), "reason", None);
                            show_messages("application-error-reason".to_owned(), out)
                        };
                        view! {
                            <div class="confirm refuse-form" data-testid="application-refuse-form">
                                <label><span>{pt.f_refuse_reason}</span>
                                    <textarea data-testid="application-f-reason" rows="2"
                                        prop:value=move || refuse_reason.get()
                                        on:input=move |ev| {
                                            refuse_touched.set(true);
                                            server_error.set(None);
                                            refuse_reason.set(event_target_value(&ev));
                                        }></textarea></label>
                                <p class="hint">{pt.refuse_hint}</p>
                                {msgs}
                                <button class="danger" data-testid="application-confirm-refuse" disabled=busy
                                    on:click=move |_| {
                                        refuse_touched.set(true);
                                        start(applicant.get_value());
                                        if refuse_local().is_empty() {
                                            refuse.dispatch((applicant.get_value(), normalize_reason(&refuse_reason.get_untracked())));
                                        }
                                    }>{pt.confirm_refuse}</button>
                                <button data-testid="application-refuse-cancel" on:click=move |_| refusing.set(None)>{pt.cancel}</button>
                            </div>
                        }
                    })
                };
                let delete_view = move || {
                    let open = confirming.get() == Some(applicant.get_value());
                    open.then(|| view! {
                        <div class="confirm" data-testid="application-confirm-delete">
                            <span>{(pt.confirm_delete)(&who.get_value())}</span>
                            <button class="danger" data-testid="application-confirm-delete-yes" disabled=busy
                                on:click=move |_| {
                                    start(applicant.get_value());
                                    delete.dispatch(applicant.get_value());
                                }>{pt.delete}</button>
                            <button data-testid="application-delete-cancel" on:click=move |_| confirming.set(None)>{pt.cancel}</button>
                        </div>
                    })
                };
                view! {
                    <tr data-testid="application" data-applicant=app.appid.clone()
                        data-status=app.status.as_str() data-deadline=deadline.as_str()
                        class=format!("deadline-{}", deadline.as_str())>
                        <td>
                            <div data-testid="application-nickname">{app.nickname.clone()}</div>
                            <code class="small-text">{app.appid.clone()}</code>
                        </td>
                        <td data-testid="application-reason">{app.reason.clone()}</td>
                        <td class="small-text" data-testid="application-categories">{categories}</td>
                        <td class="small-text">{format_cst(app.create_time)}</td>
                        <td data-testid="application-deadline">{deadline_text}</td>
                        <td><span class=format!("status plugin-status-{}", app.status.as_str()) data-testid="application-status">{(pt.status)(app.status)}</span></td>
                        <td class="actions">
                            {pending.then(|| view! {
                                <button class="primary" data-testid="application-approve" disabled=move || busy() || !may(Need::Submit)
                                    on:click=move |_| {
                                        start(applicant.get_value());
                                        agree.dispatch(applicant.get_value());
                                    }>{pt.approve}</button>
                                <button class="danger" data-testid="application-refuse" disabled=move || busy() || !may(Need::Submit)
                                    on:click=move |_| {
                                        server_error.set(None);
                                        notice.set(None);
                                        confirming.set(None);
                                        refuse_reason.set(String::new());
                                        refuse_touched.set(false);
                                        refusing.set(Some(applicant.get_value()));
                                    }>{pt.refuse}</button>
                            })}
                            {closed.then(|| view! {
                                <button class="danger" data-testid="application-delete" disabled=move || busy() || !may(Need::Submit)
                                    on:click=move |_| {
                                        server_error.set(None);
                                        notice.set(None);
                                        refusing.set(None);
                                        confirming.set(Some(applicant.get_value()));
                                    }>{pt.delete}</button>
                            })}
                            {refuse_view}
                            {delete_view}
                            {row_msgs}
                        </td>
                    </tr>
                }
            }).collect_view()
        })
    };

    let body = move || {
        // Read first, then build: the rows read `data` again when they render.
        let (may_own, refusal, has_plugin, empty, near) = data.with(|v| {
            (
                v.may_own,
                v.refusal.clone(),
                v.has_plugin,
                v.applications.is_empty(),
                v.near_deadline(),
            )
        });
        if !may_own {
            view! { <p class="notice" data-testid="plugin-owner-personal">{pt.personal}</p> }
                .into_any()
        } else if let Some(r) = refusal {
            view! {
                <div class="panel form-error" role="alert" data-testid="plugin-refusal">
                    <p>{refusal_text(t, &r)}</p>
                    <p class="hint">{pt.refusal_hint}</p>
                </div>
            }
            .into_any()
        } else if !has_plugin {
            view! { <p class="notice" data-testid="plugin-no-plugin">{pt.no_plugin}</p> }.into_any()
        } else if empty {
            view! { <p class="empty" data-testid="applications-empty">{pt.no_applications}</p> }
                .into_any()
        } else {
            view! {
                {(near > 0).then(|| view! { <p class="notice deadline-near-notice" data-testid="applications-near">{(pt.near_count)(near)}</p> })}
                <div class="table-scroll">
                <table class="table" data-testid="applications">
                    <thead><tr>
                        <th>{pt.col_applicant}</th><th>{pt.col_reason}</th><th>{pt.col_categories}</th>
                        <th>{pt.col_created}</th><th>{pt.col_deadline}</th><th>{pt.col_status}</th><th>{pt.col_actions}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            }.into_any()
        }
    };
    // WeChat gives no total: "next" whenever a full page came back.
    let pager = move || {
        let path = format!("/apps/{}/plugin-applications", appid.get_value());
        let prev = (page > 1).then(|| format!("{path}?page={}", page - 1));
        let next = data
            .with(|v| v.has_next)
            .then(|| format!("{path}?page={}", page + 1));
        view! {
            <nav class="pager" data-testid="applications-pager">
                {match prev {
                    Some(href) => view! { <a href=href data-testid="applications-prev">{t.prev_page}</a> }.into_any(),
                    None => view! { <span class="disabled">{t.prev_page}</span> }.into_any(),
                }}
                <span data-testid="applications-page">{(t.page_only)(page)}</span>
                {match next {
                    Some(href) => view! { <a href=href data-testid="applications-next">{t.next_page}</a> }.into_any(),
                    None => view! { <span class="disabled">{t.next_page}</span> }.into_any(),
                }}
                <span class="hint">{pt.paging_hint}</span>
            </nav>
        }
    };

    view! {
        <div class="page-head">
            <h1>{pt.owner_title}" · "{nick}</h1>
            <a href=format!("/apps/{}", appid.get_value()) class="button">{t.back_to_list}</a>
        </div>
        <p class="hint">{pt.owner_intro}" "
            <a href=format!("/apps/{}/plugins", appid.get_value()) data-testid="plugin-uses-link">{pt.back_to_plugins}</a></p>
        {move || (!may(Need::Submit)).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="application-notice">{n}</p> })}
        {move || server_error.get().filter(shown_on_top).map(|e| view! {
            <p class="form-error" role="alert" data-testid="application-error-top">{error_text(t, &e)}</p>
        })}
        <GuideRules />
        <section class="panel">
            {body}
            {move || data.with(|v| v.has_plugin).then(pager)}
        </section>
    }
}
