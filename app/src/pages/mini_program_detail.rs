//! The mini program's home: what it is, where its versions stand, its widget, token and
//! categories, and the latest notifications and audit entries, each linking to its page.

use crate::api::mini_programs::mini_program_home;
use crate::components::text::Lines;
use crate::domain::merchant_permission::MerchantPermission;
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use crate::model::MiniProgramHome;
use crate::pages::readiness::readiness_badge;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

type WidgetResource =
    Resource<Result<crate::domain::widget::view::WidgetView, crate::error::AppError>>;

/// The function widget's status, linking to its editor. Nothing when the mini program
/// cannot be read (the page says why above).
#[component]
fn WidgetStatusLine(widget: WidgetResource) -> impl IntoView {
    let t = use_texts();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                widget.await.ok().map(|w| {
                    let link = format!("/apps/{}/widget", w.appid);
                    let status = if w.saved {
                        view! { <span class=format!("status wg-{}", w.status.as_str()) data-testid="detail-widget-status">{crate::pages::widget_editor::status_text(t, w.status)}</span> }.into_any()
                    } else {
                        view! { <span data-testid="detail-widget-status">{t.wg_none_yet}</span> }.into_any()
                    };
                    view! {
                        <section class="panel home-card" data-testid="detail-widget">
                            <h2>{t.nav_widgets}</h2>
                            <p>{status}</p>
                            <a href=link class="button" data-testid="detail-widget-link">{t.wg_open_editor}</a>
                        </section>
                    }
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn MiniProgramDetailPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let home = Resource::new(appid, mini_program_home);
    // The widget's resource and Suspense are created with the page, not inside the page's
    // Suspend: hydration must create them in the order the server did (see layout.rs).
    let widget: WidgetResource = Resource::new(appid, crate::api::widgets::get_widget);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(h) => view! { <Home h /> }.into_any(),
                    Err(e) => view! {
                        <Title text=t.mini_program_detail />
                        <div class="not-found" data-testid="detail-error">
                            <p>{e.message(t)}</p>
                            <a href="/apps">{t.back_to_list}</a>
                        </div>
                    }.into_any(),
                }
            })}
        </Suspense>
        <div class="home-grid">
            <WidgetStatusLine widget />
        </div>
    }
}

#[component]
fn Home(h: MiniProgramHome) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let p = h.program.clone();
    let release_link = format!("/apps/{}/release", p.appid);
    let readiness_link = format!("/apps/{}/readiness", p.appid);
    let version_line = |label: &'static str, testid: &'static str, text: Option<String>| {
        view! {
            <dt>{label}</dt>
            <dd data-testid=testid>{text.unwrap_or_else(|| t.none.to_string())}</dd>
        }
    };
    let development = h.development.as_ref().map(|v| {
        format!(
            "{} · {}",
            v.version,
            v.at.map(format_cst).unwrap_or_default()
        )
    });
    let online = h.online.as_ref().map(|v| {
        let gray = h
            .gray_percentage
            .map(|g| format!(" · {} {g}%", r.gray))
            .unwrap_or_default();
        format!("{}{gray}", v.version)
    });
    let audit = h.audit.clone();
    let notifications_link = format!("/notifications?appid={}", p.appid);
    let audit_link = format!("/audit?target={}", p.appid);
    view! {
        <Title text=p.nick_name.clone() />
        <nav class="breadcrumb" aria-label=t.mini_program_detail>
            <a href="/apps">{t.nav_mini_programs}</a>" / "<span>{p.nick_name.clone()}</span>
        </nav>
        <div class="page-head">
            <h1 data-testid="detail-name">{p.nick_name.clone()}</h1>
            <div class="actions">
                <a href=readiness_link.clone() class="button" data-testid="detail-readiness-link">{t.readiness.open}</a>
                " "<a href=release_link.clone() class="button primary" data-testid="detail-release-link">{r.link}</a>
            </div>
        </div>
        {(h.grant == MerchantPermission::View).then(|| view! {
            <p class="notice" data-testid="view-only">{t.view_only_notice}</p>
        })}
        <div class="home-grid">
            <section class="panel home-card" data-testid="home-readiness">
                <h2>{t.readiness.nav}</h2>
                <p data-testid="home-readiness-summary" inner_html=readiness_badge(t, p.readiness.as_ref()).into_string()></p>
                <p class="muted">{t.readiness.home_hint}</p>
                <a href=readiness_link class="button primary" data-testid="home-readiness-link">{t.readiness.open}</a>
            </section>
            <section class="panel home-card">
                <h2>{t.mini_program_detail}</h2>
                <dl class="facts compact" data-testid="detail">
                    <dt>{t.col_appid}</dt><dd><code data-testid="detail-appid">{p.appid.clone()}</code></dd>
                    <dt>{t.col_principal}</dt><dd>{p.principal_name.clone()}</dd>
                    <dt>{t.col_subject}</dt><dd>{t.subject(p.subject)}</dd>
                    <dt>{t.col_merchant}</dt><dd data-testid="detail-merchant">{p.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</dd>
                    <dt>{t.col_status}</dt><dd><span class=format!("status {}", p.status.as_str())>{t.status(p.status)}</span></dd>
                    <dt>{t.col_created}</dt><dd>{format_cst(p.created_at)}</dd>
                </dl>
            </section>
            <section class="panel home-card" data-testid="home-versions">
                <h2>{t.home_versions}</h2>
                <dl class="facts compact">
                    {version_line(r.online, "home-online", online)}
                    <dt>{r.audit}</dt>
                    <dd data-testid="home-audit">
                        {match audit {
                            Some(a) => view! {
                                {a.version.clone()}" · "
                                <span class=crate::components::badge::audit_status_class(a.status) data-testid="home-audit-status">{r.audit_status(a.status)}</span>
                                {a.reason.clone().map(|reason| view! { <div class="muted small-text"><Lines text=reason /></div> })}
                            }.into_any(),
                            None => t.none.into_any(),
                        }}
                    </dd>
                    {version_line(r.development, "home-development", development)}
                </dl>
                <a href=release_link>{r.link}</a>
            </section>
            <section class="panel home-card" data-testid="home-token">
                <h2>{t.home_token}</h2>
                {match h.token.clone() {
                    Some(tok) => view! {
                        <p>
                            <span class=format!("status health-{}", tok.health.as_str()) data-testid="home-token-health">{t.health(tok.health)}</span>
                            " "<span class="muted small-text">{t.expires_at}" "{format_cst(tok.expires_at)}</span>
                        </p>
                        {tok.last_error.clone().map(|e| view! { <p class="muted small-text" data-testid="home-token-error">{e}</p> })}
                    }.into_any(),
                    None => view! { <p class="muted" data-testid="home-token-health">{t.none}</p> }.into_any(),
                }}
            </section>
            <section class="panel home-card" data-testid="home-categories">
                <h2>{t.home_categories}</h2>
                {match h.categories.clone() {
                    Some(list) if !list.is_empty() => view! {
                        <ul class="plain">{list.into_iter().map(|c| view! { <li data-testid="home-category">{c}</li> }).collect_view()}</ul>
                    }.into_any(),
                    Some(_) => view! { <p class="muted">{t.none}</p> }.into_any(),
                    None => view! { <p class="muted" data-testid="home-categories-unavailable">{t.home_categories_unavailable}</p> }.into_any(),
                }}
            </section>
            <section class="panel home-card" data-testid="home-qrcode-rules">
                <h2>{t.qrcode.nav}</h2>
                <p>{t.qrcode.list_size}{t.colon}<strong data-testid="home-qrcode-count">{h.qrcode_rules.0}</strong>
                    " · "{t.qrcode.state_published}{t.colon}<strong>{h.qrcode_rules.1}</strong></p>
                <a href=format!("/apps/{}/qrcode-rules", p.appid) class="button" data-testid="home-qrcode-link">{t.qrcode.open_rules}</a>
            </section>
            <section class="panel home-card" data-testid="home-testers">
                <h2>{t.testers.nav}</h2>
                <p class="muted">{t.testers.home_hint}</p>
                <a href=format!("/apps/{}/testers", p.appid) class="button" data-testid="home-testers-link">{t.testers.manage}</a>
            </section>
            <section class="panel home-card" data-testid="home-plugins">
                <h2>{t.plugins.nav}</h2>
                <p class="muted">{t.plugins.home_hint}</p>
                <a href=format!("/apps/{}/plugins", p.appid) class="button" data-testid="home-plugins-link">{t.plugins.manage}</a>
                " "<a href=format!("/apps/{}/plugin-applications", p.appid) class="button" data-testid="home-plugin-applications-link">{t.plugins.owner_link}</a>
            </section>
            <section class="panel home-card" data-testid="home-domains">
                <h2>{t.domains.nav}</h2>
                <p class="muted">{t.domains.home_hint}</p>
                <a href=format!("/apps/{}/domains", p.appid) class="button" data-testid="home-domains-link">{t.domains.manage}</a>
            </section>
            <section class="panel home-card" data-testid="home-message-templates">
                <h2>{t.messages.nav}</h2>
                <p class="muted">{t.messages.intro}</p>
                <a href=format!("/apps/{}/message-templates", p.appid) class="button" data-testid="home-message-templates-link">{t.messages.title}</a>
                " "<a href=format!("/apps/{}/subscribe-messages", p.appid) class="button" data-testid="home-subscribe-messages-link">{t.subscribe.title}</a>
            </section>
            <section class="panel home-card wide" data-testid="home-notifications">
                <h2>{t.home_recent_notifications}</h2>
                {if h.notifications.is_empty() {
                    view! { <p class="muted">{t.no_rows}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {h.notifications.iter().map(|n| {
                                let name = n.nick_name.clone().unwrap_or_default();
                                let text = (t.notification_text)(&n.kind, &name, &n.param("reason"));
                                view! {
                                    <li data-testid="home-notification">
                                        <span class="muted small-text">{format_cst(n.created_at)}</span>" "<Lines text />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <a href=notifications_link data-testid="home-notifications-all">{t.see_all}</a>
            </section>
            <section class="panel home-card wide" data-testid="home-audit-log">
                <h2>{t.home_recent_audit}</h2>
                {if h.audit_log.is_empty() {
                    view! { <p class="muted">{t.no_rows}</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain">
                            {h.audit_log.iter().map(|e| {
                                let action = (t.audit_action)(&e.action).unwrap_or(&e.action).to_string();
                                let failed = e.outcome != "success";
                                view! {
                                    <li data-testid="home-audit-entry">
                                        <span class="muted small-text">{format_cst(e.at)}</span>" "
                                        {e.actor_name.clone()}" · "{action}
                                        {failed.then(|| view! { " " <span class="status unauthorized">{t.outcome_failure}</span> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <a href=audit_link data-testid="home-audit-all">{t.see_all}</a>
            </section>
        </div>
    }
}
