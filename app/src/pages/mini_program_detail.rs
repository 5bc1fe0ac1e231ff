use crate::api::mini_programs::get_mini_program;
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The function widget's status, linking to its editor.
#[component]
fn WidgetStatusLine(appid: String) -> impl IntoView {
    let t = use_texts();
    let link = format!("/apps/{appid}/widget");
    let widget = Resource::new(move || appid.clone(), crate::api::widgets::get_widget);
    view! {
        <section class="panel" data-testid="detail-widget">
            <h2>{t.nav_widgets}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match widget.await {
                        Ok(w) if w.saved => view! { <span class=format!("status wg-{}", w.status.as_str()) data-testid="detail-widget-status">{crate::pages::widget_editor::status_text(t, w.status)}</span> }.into_any(),
                        Ok(_) => view! { <span data-testid="detail-widget-status">{t.wg_none_yet}</span> }.into_any(),
                        Err(e) => view! { <span>{e.message(t)}</span> }.into_any(),
                    }
                })}
            </Suspense>
            " "<a href=link class="button" data-testid="detail-widget-link">{t.wg_open_editor}</a>
        </section>
    }
}

#[component]
pub fn MiniProgramDetailPage() -> impl IntoView {
    let t = use_texts();
    let params = use_params_map();
    let appid = move || params.read().get("appid").unwrap_or_default();
    let app = Resource::new(appid, get_mini_program);
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
                        <WidgetStatusLine appid=p.appid.clone() />
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
    }
}
