//! `/apps/:appid/plugins`: the plugins a mini program uses (插件): WeChat's list with each
//! one's status (and, for an application the console made, how long it has waited and the
//! time left before WeChat's 24-hour deadline), apply by plugin AppID and reason with the
//! console's checks as one types and WeChat's 89236–89239 / 89246 at the field, quick update
//! to a version (89257 / 89258 at the row), remove with an in-page confirmation. 61007 (the
//! permission set not granted) is said in the page. Readable without JavaScript (SSR).

use crate::api::plugins::{apply_plugin, get_plugins, unbind_plugin, update_plugin};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::page_error::PageError;
use crate::domain::merchant_permission::Need;
use crate::domain::plugins::{
    errcode, normalize_appid, normalize_reason, Deadline, PluginStatus, PluginsView, WechatRefusal,
    REASON_MAX_CHARS,
};
use crate::domain::release::Violation;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Locale, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The fields of this page that show their own messages.
fn is_form_field(field: &str) -> bool {
    matches!(field, "plugin_appid" | "reason" | "user_version")
}

/// Whether an error belongs above the page rather than at a field.
fn shown_on_top(e: &AppError) -> bool {
    match e {
        AppError::Wechat { errcode: code, .. } => !is_form_field(errcode::field_of(*code)),
        AppError::Invalid(errors) => errors.iter().any(|x| !is_form_field(&x.field)),
        _ => true,
    }
}

/// WeChat's refusal of the whole page (61007), in the page's language, with what to do.
pub fn refusal_text(t: &Texts, r: &WechatRefusal) -> String {
    let meaning = match t.locale {
        Locale::ZhCn => &r.zh,
        Locale::En => &r.en,
    };
    format!("{} {}{}{meaning}", t.err_wechat, r.errcode, t.colon)
}

#[component]
pub fn PluginsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    // Created with the page, never inside the Suspend below (hydration creates resources in
    // the order the server did).
    let data = Resource::new(appid, get_plugins);
    view! {
        <Title text=t.plugins.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <PluginsEditor initial=v /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The status cell's second line: how long a pending application has waited and the time
/// left, or that it was made outside the console.
fn waiting_text(t: &Texts, status: PluginStatus, applied_at: Option<i64>, now: i64) -> String {
    let pt = t.plugins;
    match (status, applied_at) {
        (PluginStatus::Applying, None) => pt.applied_elsewhere.to_owned(),
        (PluginStatus::Applying, Some(at)) => {
            match crate::domain::plugins::deadline(status, at, now) {
                Deadline::Open { left_secs } | Deadline::Near { left_secs } => {
                    (pt.waiting)(&(t.duration)(now - at), &(t.duration)(left_secs))
                }
                _ => pt.past_deadline.to_owned(),
            }
        }
        _ => String::new(),
    }
}

#[component]
fn PluginsEditor(initial: PluginsView) -> impl IntoView {
    let t = use_texts();
    let pt = t.plugins;
    let appid = StoredValue::new(initial.appid.clone());
    let nick = initial.nick_name.clone();
    let data = RwSignal::new(initial);
    let plugin_input = RwSignal::new(String::new());
    let reason_input = RwSignal::new(String::new());
    let touched_appid = RwSignal::new(false);
    let touched_reason = RwSignal::new(false);
    let server_error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    // The plugin whose removal waits for confirmation, and the one last quick-updated (its
    // row shows the answer).
    let confirming = RwSignal::new(None::<String>);
    let updating = RwSignal::new(None::<String>);

    let apply = Action::new(move |(p, r): &(String, String)| {
        apply_plugin(appid.get_value(), p.clone(), r.clone())
    });
    let update = Action::new(move |(p, v): &(String, String)| {
        update_plugin(appid.get_value(), p.clone(), v.clone())
    });
    let unbind = Action::new(move |p: &String| unbind_plugin(appid.get_value(), p.clone()));
    Effect::new(move |_| {
        if let Some(r) = apply.value().get() {
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                    notice.set(Some(pt.applied));
                    plugin_input.set(String::new());
                    reason_input.set(String::new());
                    touched_appid.set(false);
                    touched_reason.set(false);
                }
                Err(e) => {
                    notice.set(None);
                    server_error.set(Some(e));
                }
            }
        }
    });
    Effect::new(move |_| {
        if let Some(r) = update.value().get() {
            match r {
                Ok(v) => {
                    data.set(v);
                    server_error.set(None);
                    notice.set(Some(pt.updated));
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
                    notice.set(Some(pt.unbound));
                }
                Err(e) => {
                    notice.set(None);
                    server_error.set(Some(e));
                }
            }
        }
    });
    let busy = move || apply.pending().get() || update.pending().get() || unbind.pending().get();
    let may = move |need: Need| data.with(|v| v.grant.is_none_or(|g| g.allows(need)));
    let clear = move || {
        server_error.set(None);
        notice.set(None);
    };

    let live = Memo::new(move |_| {
        let (p, r) = (plugin_input.get(), reason_input.get());
        data.with(|v| v.check_apply(&p, &r).err().unwrap_or_default())
    });
    let msgs = move |field: &'static str, touched: RwSignal<bool>| {
        move || {
            let local: Vec<Violation> = if touched.get() {
                live.get()
            } else {
                Vec::new()
            };
            let server = server_error.get();
            let out = field_messages(t, &local, server.as_ref(), field, Some(errcode::field_of));
            show_messages(format!("plugin-error-{field}"), out)
        }
    };
    let on_apply = move |_| {
        touched_appid.set(true);
        touched_reason.set(true);
        clear();
        if live.with(Vec::is_empty) {
            apply.dispatch((
                normalize_appid(&plugin_input.get_untracked()),
                normalize_reason(&reason_input.get_untracked()),
            ));
        }
    };

    let rows = move || {
        data.with(|v| {
            let now = v.now;
            v.plugins.clone().into_iter().map(|plugin| {
                let plugin_appid = StoredValue::new(plugin.plugin_appid.clone());
                let shown_name = if plugin.nickname.is_empty() {
                    plugin.plugin_appid.clone()
                } else {
                    plugin.nickname.clone()
                };
                let who = StoredValue::new(shown_name.clone());
                let version = RwSignal::new(String::new());
                let version_touched = RwSignal::new(false);
                let in_use = plugin.status == PluginStatus::Approved;
                let waited = waiting_text(t, plugin.status, plugin.applied_at, now);
                let deadline = plugin
                    .deadline(now)
                    .map(|d| d.as_str())
                    .unwrap_or("none");
                let version_local = move || {
                    if !version_touched.get() {
                        return Vec::new();
                    }
                    let typed = version.get();
                    data.with(|v| {
                        v.check_update(&plugin_appid.get_value(), &typed)
                            .err()
                            .into_iter()
                            .collect::<Vec<Violation>>()
                    })
                };
                let version_msgs = move || {
                    let mine = updating.get() == Some(plugin_appid.get_value());
                    let local = version_local();
                    let server = server_error.get().filter(|_| mine);
                    let out = field_messages(t, &local, server.as_ref(), "user_version", Some(errcode::field_of));
                    show_messages("plugin-error-user_version".to_owned(), out)
                };
                let on_update = move |_| {
                    version_touched.set(true);
                    clear();
                    updating.set(Some(plugin_appid.get_value()));
                    if version_local().is_empty() {
                        update.dispatch((plugin_appid.get_value(), version.get_untracked().trim().to_owned()));
                    }
                };
                let confirm_view = move || {
                    let open = confirming.get() == Some(plugin_appid.get_value());
                    open.then(|| view! {
                        <div class="confirm" data-testid="plugin-confirm-unbind">
                            <span>{(pt.confirm_unbind)(&who.get_value())}</span>
                            <button class="danger" data-testid="plugin-confirm-unbind-yes" disabled=busy
                                on:click=move |_| { unbind.dispatch(plugin_appid.get_value()); }>{pt.unbind}</button>
                            <button data-testid="plugin-confirm-cancel" on:click=move |_| confirming.set(None)>{pt.cancel}</button>
                        </div>
                    })
                };
                let applied = match (&plugin.applied_by, plugin.applied_at) {
                    (Some(by), Some(at)) => format!("{by} · {}", format_cst(at)),
                    _ => pt.applied_elsewhere.to_owned(),
                };
                let version_cell = match plugin.user_version.clone() {
                    Some(v) => v,
                    None if in_use => pt.version_unknown.to_owned(),
                    None => t.none.to_owned(),
                };
                view! {
                    <tr data-testid="plugin" data-plugin=plugin.plugin_appid.clone()
                        data-status=plugin.status.as_str() data-deadline=deadline
                        class=format!("plugin-{} deadline-{deadline}", plugin.status.as_str())>
                        <td>
                            <div data-testid="plugin-name">{shown_name}</div>
                            <code class="small-text">{plugin.plugin_appid.clone()}</code>
                        </td>
                        <td>
                            <span class=format!("status plugin-status-{}", plugin.status.as_str()) data-testid="plugin-status">{(pt.status)(plugin.status)}</span>
                            {(!waited.is_empty()).then(|| view! { <div class="hint small-text" data-testid="plugin-waiting">{waited.clone()}</div> })}
                        </td>
                        <td>
                            <div class="small-text" data-testid="plugin-applied">{applied}</div>
                            {plugin.reason.clone().map(|r| view! { <div class="hint small-text" data-testid="plugin-reason">{r}</div> })}
                        </td>
                        <td data-testid="plugin-version">{version_cell}</td>
                        <td class="actions">
                            {in_use.then(|| view! {
                                <div class="plugin-update">
                                    <input data-testid="plugin-f-version" placeholder="1.0.0" autocomplete="off"
                                        prop:value=move || version.get()
                                        disabled=move || !may(Need::Submit)
                                        on:input=move |ev| {
                                            version_touched.set(true);
                                            clear();
                                            version.set(event_target_value(&ev));
                                        } />
                                    <button data-testid="plugin-update" disabled=move || busy() || !may(Need::Submit)
                                        on:click=on_update>{pt.update}</button>
                                    {version_msgs}
                                </div>
                            })}
                            <button class="danger" data-testid="plugin-unbind" disabled=move || busy() || !may(Need::Submit)
                                on:click=move |_| {
                                    clear();
                                    confirming.set(Some(plugin_appid.get_value()));
                                }>{pt.unbind}</button>
                            {confirm_view}
                        </td>
                    </tr>
                }
            }).collect_view()
        })
    };

    let owner_link = format!("/apps/{}/plugin-applications", appid.get_value());
    view! {
        <div class="page-head">
            <h1>{pt.title}" · "{nick}</h1>
            <a href=format!("/apps/{}", appid.get_value()) class="button">{t.back_to_list}</a>
        </div>
        <p class="hint">{pt.intro}</p>
        <p class="hint" data-testid="plugin-use-rules">{pt.use_rules}" "
            <a href=owner_link data-testid="plugin-owner-link">{pt.owner_link}</a></p>
        {move || (!may(Need::Submit)).then(|| view! { <p class="notice" data-testid="view-only">{t.view_only_notice}</p> })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="plugin-notice">{n}</p> })}
        {move || server_error.get().filter(shown_on_top).map(|e| view! {
            <p class="form-error" role="alert" data-testid="plugin-error">{error_text(t, &e)}</p>
        })}
        {move || data.with(|v| v.refusal.clone()).map(|r| view! {
            <div class="panel form-error" role="alert" data-testid="plugin-refusal">
                <p>{refusal_text(t, &r)}</p>
                <p class="hint">{pt.refusal_hint}</p>
            </div>
        })}
        <section class="panel plugin-apply" data-testid="plugin-apply-form">
            <h2>{pt.apply_title}</h2>
            <label><span>{pt.f_plugin_appid}</span>
                <input data-testid="plugin-f-appid" prop:value=move || plugin_input.get() autocomplete="off"
                    placeholder="wx0123456789abcdef" disabled=move || !may(Need::Submit)
                    on:input=move |ev| {
                        touched_appid.set(true);
                        clear();
                        plugin_input.set(event_target_value(&ev));
                    } /></label>
            <p class="hint">{pt.f_plugin_appid_hint}</p>
            {msgs("plugin_appid", touched_appid)}
            <label><span>{pt.f_reason}</span>
                <textarea data-testid="plugin-f-reason" rows="2" prop:value=move || reason_input.get()
                    disabled=move || !may(Need::Submit)
                    on:input=move |ev| {
                        touched_reason.set(true);
                        clear();
                        reason_input.set(event_target_value(&ev));
                    }></textarea></label>
            <p class="hint">{(pt.f_reason_hint)(REASON_MAX_CHARS)}</p>
            {msgs("reason", touched_reason)}
            <div class="actions">
                <button class="primary" data-testid="plugin-apply" disabled=move || busy() || !may(Need::Submit)
                    on:click=on_apply>{pt.apply}</button>
            </div>
        </section>
        <section class="panel">
            {move || if data.with(|v| v.plugins.is_empty()) {
                view! { <p class="empty" data-testid="plugins-empty">{pt.none}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="plugins">
                        <thead><tr>
                            <th>{pt.col_plugin}</th><th>{pt.col_status}</th><th>{pt.col_applied}</th>
                            <th>{pt.col_version}</th><th>{pt.col_actions}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                    </div>
                }.into_any()
            }}
            <p class="hint">{pt.update_hint}</p>
        </section>
    }
}
