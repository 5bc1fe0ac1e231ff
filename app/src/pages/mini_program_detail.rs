use crate::api::mini_programs::get_mini_program;
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
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
                        <section class="panel" data-testid="detail-widget">
                            <h2>{t.nav_widgets}</h2>
                            {status}
                            " "<a href=link class="button" data-testid="detail-widget-link">{t.wg_open_editor}</a>
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
    let app = Resource::new(appid, get_mini_program);
    // The widget's resource and Suspense are created with the page, not inside the page's
    // Suspend: hydration must create them in the order the server did (see layout.rs).
    let widget: WidgetResource = Resource::new(appid, crate::api::widgets::get_widget);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match app.await {
                    Ok(p) => view! {
                        <Title text=p.nick_name.clone() />
                        <div class="page-head">
                            <h1 data-testid="detail-name">{p.nick_name.clone()}</h1>
                            <a href="/apps" class="button">{t.back_to_list}</a>
                        </div>
                        <dl class="facts" data-testid="detail">
                            <dt>{t.col_appid}</dt><dd><code data-testid="detail-appid">{p.appid.clone()}</code></dd>
                            <dt>{t.col_principal}</dt><dd>{p.principal_name.clone()}</dd>
                            <dt>{t.col_subject}</dt><dd>{t.subject(p.subject)}</dd>
                            <dt>{t.col_merchant}</dt><dd data-testid="detail-merchant">{p.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</dd>
                            <dt>{t.col_status}</dt><dd><span class=format!("status {}", p.status.as_str())>{t.status(p.status)}</span></dd>
                            <dt>{t.col_created}</dt><dd>{format_cst(p.created_at)}</dd>
                            <dt>{t.updated_at}</dt><dd>{format_cst(p.updated_at)}</dd>
                        </dl>
                        <p><a href=format!("/apps/{}/release", p.appid) class="button" data-testid="detail-release-link">{t.release.link}</a></p>
                    }.into_any(),
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
        <WidgetStatusLine widget />
    }
}
