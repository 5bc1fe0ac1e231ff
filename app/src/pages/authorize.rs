//! 添加小程序: a pre-auth code → the authorization link and its QR code → the owner confirms →
//! the mini program joins the registry. The attempt lives in the URL (`?request=ID`), which is
//! also where the owner's browser comes back to.

use crate::api::merchants::merchant_options;
use crate::api::platform::{authorization_status, start_authorization};
use crate::components::field::{FieldMessage, FormError};
use crate::components::layout::user_is_staff;
use crate::components::page_error::PageError;
use crate::domain::mini_program::SubjectType;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::use_texts;
use crate::model::{AuthorizationRequestView, MerchantOption};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

const PATH: &str = "/apps/authorize";
const POLL_EVERY: Duration = Duration::from_secs(2);

/// The owner has not finished yet: keep asking.
fn is_waiting(status: &str) -> bool {
    matches!(status, "pending" | "completing")
}

fn status_class(status: &str) -> &'static str {
    match status {
        "completed" => "status authorized",
        "failed" | "expired" => "status unauthorized",
        _ => "status needs_reauth",
    }
}

/// The QR code SVG without the XML declaration the renderer puts first.
fn svg_only(svg: &str) -> String {
    svg.find("<svg")
        .map(|start| svg[start..].to_owned())
        .unwrap_or_default()
}

/// Only staff add mini programs; everyone else gets the forbidden page.
#[component]
pub fn AuthorizePage() -> impl IntoView {
    let t = use_texts();
    // Resources live with the page, not inside the Suspend below, so that hydration creates
    // them in the order the server did.
    let resources = ScreenResources::new();
    view! {
        <Title text=t.add_mini_program />
        {move || if user_is_staff() {
            view! { <AuthorizeScreen resources /> }.into_any()
        } else {
            view! { <PageError error=AppError::Forbidden /> }.into_any()
        }}
    }
}

#[derive(Clone, Copy)]
struct ScreenResources {
    tick: RwSignal<u32>,
    request: Resource<Result<Option<AuthorizationRequestView>, AppError>>,
    merchants: Resource<Result<Vec<MerchantOption>, AppError>>,
}

impl ScreenResources {
    fn new() -> Self {
        let query = use_query_map();
        let request_id = Memo::new(move |_| {
            query.with(|q| q.get("request").and_then(|s| s.trim().parse::<i64>().ok()))
        });
        let tick = RwSignal::new(0u32);
        let request = Resource::new(
            move || (request_id.get(), tick.get()),
            |(id, _)| async move {
                match id {
                    Some(id) => authorization_status(id).await.map(Some),
                    None => Ok(None),
                }
            },
        );
        let merchants = Resource::new(|| (), |_| merchant_options());
        Self {
            tick,
            request,
            merchants,
        }
    }
}

#[component]
fn AuthorizeScreen(resources: ScreenResources) -> impl IntoView {
    let t = use_texts();
    let ScreenResources {
        tick,
        request,
        merchants,
    } = resources;
    // While the owner has not confirmed, ask again every two seconds (one timer at a time).
    let scheduled = StoredValue::new(false);
    Effect::new(move |_| {
        let waiting = request.with(|r| matches!(r, Some(Ok(Some(v))) if is_waiting(&v.status)));
        if waiting && !scheduled.get_value() {
            scheduled.set_value(true);
            set_timeout(
                move || {
                    scheduled.try_set_value(false);
                    tick.try_update(|n| *n += 1);
                },
                POLL_EVERY,
            );
        }
    });
    view! {
        <div class="page-head">
            <h1>{t.add_mini_program}</h1>
            <a href="/apps" class="button">{t.back_to_list}</a>
        </div>
        <p class="muted">{t.authorize_intro}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let merchants = merchants.await.unwrap_or_default();
                view! { <StartForm merchants /> }
            })}
        </Suspense>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(Some(v)) => view! { <RequestPanel request=v /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(error) => view! { <PageError error back=PATH /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StartForm(merchants: Vec<MerchantOption>) -> impl IntoView {
    let t = use_texts();
    let merchant = RwSignal::new(String::new());
    let subject = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let start =
        Action::new(move |(m, s): &(Option<i64>, Option<SubjectType>)| start_authorization(*m, *s));
    let navigate = use_navigate();
    Effect::new(move |_| match start.value().get() {
        Some(Ok(v)) => {
            error.set(None);
            navigate(&format!("{PATH}?request={}", v.id), Default::default());
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let merchant_id = merchant.get().parse::<i64>().ok();
        let subject = SubjectType::parse(&subject.get());
        start.dispatch((merchant_id, subject));
    };
    let error_signal: Signal<Option<AppError>> = error.into();
    view! {
        <form class="panel inline-fields" on:submit=submit data-testid="authorize-form">
            <label><span>{t.merchant}</span>
                <select data-testid="authorize-merchant" prop:value=move || merchant.get()
                    on:change=move |ev| merchant.set(event_target_value(&ev))>
                    <option value="">{t.unassigned}</option>
                    {merchants.into_iter().map(|m| view! { <option value=m.id.to_string()>{m.name}</option> }).collect_view()}
                </select>
            </label>
            <label><span>{t.col_subject}</span>
                <select data-testid="authorize-subject" prop:value=move || subject.get()
                    on:change=move |ev| subject.set(event_target_value(&ev))>
                    <option value="">{t.subject_infer}</option>
                    {SubjectType::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{t.subject(s)}</option> }).collect_view()}
                </select>
            </label>
            <button type="submit" class="primary" disabled=move || start.pending().get() data-testid="authorize-generate">{t.generate_link}</button>
            <FieldMessage error=error_signal field="merchant_id" />
            <FormError error=error_signal />
        </form>
    }
}

#[component]
fn RequestPanel(request: AuthorizationRequestView) -> impl IntoView {
    let t = use_texts();
    let status = request.status.clone();
    view! {
        <section class="panel authorize-request" data-testid="authorize-request" data-request=request.id.to_string()>
            <div class="qr" data-testid="authorize-qr" title=t.scan_to_authorize inner_html=svg_only(&request.qr_svg)></div>
            <dl class="facts">
                <dt>{t.authorization_link}</dt>
                <dd>
                    <a href=request.link.clone() target="_blank" rel="noopener noreferrer" data-testid="authorize-link">{t.open_authorization_page}</a>
                    <br /><code class="link-text">{request.link.clone()}</code>
                </dd>
                <dt>{t.merchant}</dt>
                <dd data-testid="authorize-merchant-name">{request.merchant_name.clone().unwrap_or_else(|| t.unassigned.to_string())}</dd>
                <dt>{t.valid_until}</dt><dd>{format_cst(request.expires_at)}</dd>
                <dt>{t.col_status}</dt>
                <dd>
                    <span class=status_class(&status) data-testid="authorize-status" data-status=status.clone()>{t.auth_status(&status)}</span>
                    {request.appid.clone().filter(|_| status == "completed").map(|appid| view! {
                        " "<a href=format!("/apps/{appid}") data-testid="authorize-app-link">{t.open_new_mini_program}" "<code>{appid.clone()}</code></a>
                    })}
                    {request.error.clone().filter(|_| status == "failed").map(|e| view! {
                        <p class="form-error" role="alert" data-testid="authorize-error">{e}</p>
                    })}
                </dd>
            </dl>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_stops_once_the_attempt_is_settled() {
        assert!(is_waiting("pending"));
        assert!(is_waiting("completing"));
        assert!(!is_waiting("completed"));
        assert!(!is_waiting("expired"));
    }

    #[test]
    fn the_xml_declaration_is_dropped() {
        assert_eq!(
            svg_only("<?xml version=\"1.0\"?><svg a=\"1\"/>"),
            "<svg a=\"1\"/>"
        );
        assert_eq!(svg_only(""), "");
    }
}
