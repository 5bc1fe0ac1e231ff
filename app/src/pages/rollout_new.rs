//! 新建批量发布 (`/rollouts/new`, staff): a template version, the targets (the fleet view's
//! filters or a pasted AppID list), an ext_json template with variables, one set of audit
//! items, the release policy and the limits. "Preview" asks the server for the plan (who runs,
//! who is skipped and why, how long it takes, each target's filled ext_json and merged
//! app.json); "Start" creates the rollout from the same request, planned again on the server.
//! The form checks as you type with the rules the server runs (`rollout::plan` with no target,
//! `check_items`).

use crate::api::code_templates::template_library;
use crate::api::merchants::merchant_options;
use crate::api::rollouts::{create_rollout, plan_rollout};
use crate::components::field::{field_messages, show_messages, FormError};
use crate::components::page_error::PageError;
use crate::domain::code_template::TemplateRow;
use crate::domain::fleet_release::{FleetQuery, STATES};
use crate::domain::release::ext_json::ExtJson;
use crate::domain::release::merge::{effective_app_json, template_app_json};
use crate::domain::release::submission::{AuditItem, ITEM_LIST_MAX};
use crate::domain::release::Violation;
use crate::domain::rollout::{
    self, ExtJsonProblem, GrayStep, Limits, ReleasePolicy, RolloutSpec, SkipReason, GRAY_STEPS_MAX,
};
use crate::domain::rollout_view::{check_items, PlanView, RolloutRequest, TargetSelection};
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use crate::model::MerchantOption;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Skipped targets listed by name; the rest are counted per reason.
const SKIPPED_SHOWN: usize = 200;
/// Targets offered in the preview's chooser.
const PREVIEW_CHOICES: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PolicyKind {
    Manual,
    Automatic,
    Gray,
}

impl PolicyKind {
    fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Manual => "manual",
            PolicyKind::Automatic => "automatic",
            PolicyKind::Gray => "gray",
        }
    }

    fn parse(s: &str) -> PolicyKind {
        match s {
            "manual" => PolicyKind::Manual,
            "gray" => PolicyKind::Gray,
            _ => PolicyKind::Automatic,
        }
    }
}

/// Everything the form holds, one signal per field (numbers as typed: a bad one is a
/// violation, not a silent default).
#[derive(Clone, Copy)]
struct Draft {
    template_id: RwSignal<String>,
    user_version: RwSignal<String>,
    user_desc: RwSignal<String>,
    by_appids: RwSignal<bool>,
    appids: RwSignal<String>,
    fleet_state: RwSignal<String>,
    fleet_merchant: RwSignal<String>,
    fleet_template: RwSignal<String>,
    fleet_version: RwSignal<String>,
    ext_json: RwSignal<String>,
    items: RwSignal<Vec<AuditItem>>,
    policy: RwSignal<PolicyKind>,
    steps: RwSignal<Vec<GrayStep>>,
    concurrency: RwSignal<String>,
    calls_per_minute: RwSignal<String>,
    audit_hours: RwSignal<String>,
    paused: RwSignal<bool>,
}

fn number<T: std::str::FromStr + Default>(text: &str) -> T {
    text.trim().parse().unwrap_or_default()
}

impl Draft {
    fn new(get: impl Fn(&str) -> Option<String>) -> Draft {
        let param = |k: &str| get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
        let defaults = Limits::default();
        let fleet = FleetQuery::from_params(&get);
        Draft {
            // `template` is the fleet filter's (the current template); this is the one to roll out.
            template_id: RwSignal::new(param("template_id")),
            user_version: RwSignal::new(String::new()),
            user_desc: RwSignal::new(String::new()),
            by_appids: RwSignal::new(!param("appids").is_empty()),
            appids: RwSignal::new(param("appids")),
            fleet_state: RwSignal::new(fleet.state),
            fleet_merchant: RwSignal::new(
                fleet.merchant_id.map(|m| m.to_string()).unwrap_or_default(),
            ),
            fleet_template: RwSignal::new(
                fleet.template_id.map(|m| m.to_string()).unwrap_or_default(),
            ),
            fleet_version: RwSignal::new(fleet.version),
            ext_json: RwSignal::new(String::new()),
            items: RwSignal::new(vec![AuditItem::default()]),
            policy: RwSignal::new(PolicyKind::Automatic),
            steps: RwSignal::new(vec![GrayStep {
                percentage: 10,
                wait_minutes: 60,
            }]),
            concurrency: RwSignal::new(defaults.concurrency.to_string()),
            calls_per_minute: RwSignal::new(defaults.calls_per_minute.to_string()),
            audit_hours: RwSignal::new((defaults.expected_audit_secs / 3600).to_string()),
            paused: RwSignal::new(false),
        }
    }

    /// The request as the form stands (tracked).
    fn request(&self) -> RolloutRequest {
        let policy = match self.policy.get() {
            PolicyKind::Manual => ReleasePolicy::Manual,
            PolicyKind::Automatic => ReleasePolicy::Automatic,
            PolicyKind::Gray => ReleasePolicy::GrayThenFull {
                steps: self.steps.get(),
            },
        };
        let targets = if self.by_appids.get() {
            TargetSelection::Appids {
                text: self.appids.get(),
            }
        } else {
            let id_of = |s: RwSignal<String>| s.get().trim().parse::<i64>().ok();
            TargetSelection::Fleet {
                query: FleetQuery {
                    state: self.fleet_state.get(),
                    merchant_id: id_of(self.fleet_merchant),
                    template_id: id_of(self.fleet_template),
                    version: self.fleet_version.get().trim().to_owned(),
                    ..FleetQuery::default()
                },
            }
        };
        RolloutRequest {
            spec: RolloutSpec {
                template_id: number(&self.template_id.get()),
                user_version: self.user_version.get().trim().to_owned(),
                user_desc: self.user_desc.get().trim().to_owned(),
                ext_json_template: self.ext_json.get(),
                policy,
                template_app_json: None,
            },
            targets,
            limits: Limits {
                concurrency: number(&self.concurrency.get()),
                calls_per_minute: number(&self.calls_per_minute.get()),
                expected_audit_secs: number::<u64>(&self.audit_hours.get()).saturating_mul(3600),
                ..Limits::default()
            },
            items: self.items.get(),
            paused: self.paused.get(),
        }
    }
}

/// What the server would say of the form before any target: the planner's own checks of
/// the spec, policy and limits, and the item list's rules.
fn local_violations(request: &RolloutRequest) -> Vec<Violation> {
    let mut v = rollout::plan(&[], &request.spec, &request.limits).violations;
    if let Err(mut items) = check_items(&request.items) {
        v.append(&mut items);
    }
    v
}

fn skip_text(t: &'static Texts, reason: &SkipReason) -> String {
    let name = (t.rollouts.skip_reason)(reason.as_str());
    let detail = match reason {
        SkipReason::ExtJson(ExtJsonProblem::Template(e)) => (t.rollout_plan.template_error)(e),
        SkipReason::ExtJson(ExtJsonProblem::Invalid(v)) => v
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    v.field,
                    crate::components::field::violation_text(t, v)
                )
            })
            .collect::<Vec<_>>()
            .join(t.list_separator),
        _ => return name.to_owned(),
    };
    format!("{name}{}", (t.paren)(&detail))
}

#[component]
pub fn NewRolloutPage() -> impl IntoView {
    let t = use_texts();
    let p = t.rollout_plan;
    let params = use_query_map();
    // Created with the page, not inside a Suspend: hydration takes resource ids in order.
    let library = Resource::new(|| (), |_| template_library(None));
    let merchants = Resource::new(|| (), |_| merchant_options());
    let draft = params.with_untracked(|q| Draft::new(|k| q.get(k)));
    view! {
        <Title text=p.title />
        <div class="page-head"><h1>{p.title}</h1></div>
        <p class="muted">{p.intro}</p>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let templates = match library.await {
                    Ok(lib) => lib.templates,
                    Err(error) => return view! { <PageError error /> }.into_any(),
                };
                let merchants = merchants.await.unwrap_or_default();
                view! { <PlanForm draft templates merchants /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn PlanForm(
    draft: Draft,
    templates: Vec<TemplateRow>,
    merchants: Vec<MerchantOption>,
) -> impl IntoView {
    let t = use_texts();
    let p = t.rollout_plan;
    // A template named in the URL (or the newest) fills the version and description.
    let chosen = |id: &str, list: &[TemplateRow]| {
        let id = id.trim().parse::<i64>().ok();
        list.iter().find(|x| Some(x.template_id) == id).cloned()
    };
    if draft.template_id.get_untracked().is_empty() {
        if let Some(newest) = templates.iter().max_by_key(|x| x.template_id) {
            draft.template_id.set(newest.template_id.to_string());
        }
    }
    if let Some(x) = chosen(&draft.template_id.get_untracked(), &templates) {
        draft.user_version.set(x.user_version.clone());
        draft.user_desc.set(x.user_desc.clone());
    }
    let templates = StoredValue::new(templates);

    let request = Memo::new(move |_| draft.request());
    let local = Memo::new(move |_| local_violations(&request.get()));
    let template_error = Memo::new(move |_| {
        rollout::template_variables(&draft.ext_json.get())
            .err()
            .map(|e| (p.template_error)(&e))
    });
    let planned = RwSignal::new(None::<(RolloutRequest, PlanView)>);
    let error = RwSignal::new(None::<AppError>);
    let plan = Action::new(move |r: &RolloutRequest| {
        let r = r.clone();
        async move { plan_rollout(r.clone()).await.map(|v| (r, v)) }
    });
    Effect::new(move |_| match plan.value().get() {
        Some(Ok(v)) => {
            error.set(None);
            planned.set(Some(v));
        }
        Some(Err(e)) => {
            planned.set(None);
            error.set(Some(e));
        }
        None => {}
    });
    let create = Action::new(move |r: &RolloutRequest| create_rollout(r.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(id)) => navigate(&format!("/rollouts/{id}"), Default::default()),
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let stale =
        Memo::new(move |_| planned.with(|p| p.as_ref().is_some_and(|(r, _)| *r != request.get())));
    let can_start = Memo::new(move |_| {
        !stale.get()
            && !create.pending().get()
            && planned.with(|p| p.as_ref().is_some_and(|(_, v)| v.plan.can_start()))
    });
    // The form's own problems, then the last plan's (while it matches the form).
    let shown = Memo::new(move |_| {
        let mut mine = local.get();
        if !stale.get() {
            planned.with(|p| {
                if let Some((_, v)) = p {
                    mine.extend(v.plan.violations.iter().cloned());
                }
            });
        }
        mine
    });
    let msgs = move |field: String| -> AnyView {
        show_messages(
            format!("error-{field}"),
            shown.with(|mine| field_messages(t, mine, error.get().as_ref(), &field, None)),
        )
        .into_any()
    };
    let on_template = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(x) = templates.with_value(|list| chosen(&v, list)) {
            draft.user_version.set(x.user_version);
            draft.user_desc.set(x.user_desc);
        }
        draft.template_id.set(v);
    };
    let preview = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        plan.dispatch(request.get_untracked());
    };
    let start = move |_| {
        if can_start.get_untracked() {
            create.dispatch(request.get_untracked());
        }
    };
    let bind = |s: RwSignal<String>| move |ev: leptos::ev::Event| s.set(event_target_value(&ev));
    let template_options = templates.with_value(|list| {
        list.iter()
            .map(|x| {
                let id = x.template_id.to_string();
                let label = format!("#{} {} {}", x.template_id, x.user_version, x.user_desc);
                view! { <option value=id.clone()>{label}</option> }
            })
            .collect_view()
    });
    let no_templates = templates.with_value(Vec::is_empty);
    let merchants = StoredValue::new(merchants);
    let merchant_options = move || {
        merchants.with_value(|list| {
            list.iter()
                .map(|m| view! { <option value=m.id.to_string()>{m.name.clone()}</option> })
                .collect_view()
        })
    };

    view! {
        <form class="release-form rollout-plan" on:submit=preview data-testid="plan-form">
            <section class="panel">
                <h2>{p.code}</h2>
                {no_templates.then(|| view! { <p class="muted" data-testid="plan-no-templates">{p.no_templates}</p> })}
                <label>{p.template}
                    <select data-testid="plan-template" prop:value=move || draft.template_id.get() on:change=on_template>
                        <option value="">{p.choose_template}</option>
                        {template_options}
                    </select>
                </label>
                {move || msgs("template_id".into())}
                <label>{p.user_version}
                    <input type="text" maxlength="64" data-testid="plan-version"
                        prop:value=move || draft.user_version.get() on:input=bind(draft.user_version) />
                </label>
                {move || msgs("user_version".into())}
                <label>{p.user_desc}
                    <input type="text" data-testid="plan-desc"
                        prop:value=move || draft.user_desc.get() on:input=bind(draft.user_desc) />
                </label>
                {move || msgs("user_desc".into())}
            </section>

            <section class="panel">
                <h2>{p.targets}</h2>
                <label class="inline">
                    <input type="radio" name="target-mode" data-testid="plan-mode-fleet"
                        prop:checked=move || !draft.by_appids.get() on:change=move |_| draft.by_appids.set(false) />
                    {p.mode_fleet}
                </label>
                <label class="inline">
                    <input type="radio" name="target-mode" data-testid="plan-mode-appids"
                        prop:checked=move || draft.by_appids.get() on:change=move |_| draft.by_appids.set(true) />
                    {p.mode_appids}
                </label>
                <Show when=move || draft.by_appids.get() fallback=move || view! {
                    <div class="inline-fields" data-testid="plan-fleet">
                        <label>{t.fleet_col_state}
                            <select data-testid="plan-fleet-state" prop:value=move || draft.fleet_state.get() on:change=bind(draft.fleet_state)>
                                <option value="">{t.all}</option>
                                {STATES.into_iter().map(|s| view! { <option value=s>{(t.fleet_state)(s)}</option> }).collect_view()}
                            </select>
                        </label>
                        <label>{t.col_merchant}
                            <select data-testid="plan-fleet-merchant" prop:value=move || draft.fleet_merchant.get() on:change=bind(draft.fleet_merchant)>
                                <option value="">{t.all}</option>
                                {merchant_options()}
                            </select>
                        </label>
                        <label>{p.current_template}
                            <input type="number" min="0" data-testid="plan-fleet-template"
                                prop:value=move || draft.fleet_template.get() on:input=bind(draft.fleet_template) />
                        </label>
                        <label>{p.current_version}
                            <input type="text" maxlength="64" data-testid="plan-fleet-version"
                                prop:value=move || draft.fleet_version.get() on:input=bind(draft.fleet_version) />
                        </label>
                        <p class="muted small-text">{p.fleet_hint}</p>
                    </div>
                }>
                    <label>{p.appids_hint}
                        <textarea rows="6" data-testid="plan-appids"
                            prop:value=move || draft.appids.get() on:input=bind(draft.appids)></textarea>
                    </label>
                </Show>
                {move || msgs("targets".into())}
            </section>

            <section class="panel">
                <h2>{p.ext_json}</h2>
                <p class="muted small-text">{p.ext_json_hint}</p>
                <textarea rows="8" class="code" data-testid="plan-ext" spellcheck="false"
                    prop:value=move || draft.ext_json.get() on:input=bind(draft.ext_json)></textarea>
                {move || template_error.get().map(|e| view! { <p class="field-error" role="alert" data-testid="error-ext_json_template">{e}</p> })}
            </section>

            {items_editor(draft, msgs)}
            {policy_editor(draft, msgs)}

            <section class="panel">
                <h2>{p.limits}</h2>
                <div class="inline-fields">
                    <label>{p.concurrency}
                        <input type="number" min="1" max=rollout::CONCURRENCY_MAX.to_string() data-testid="plan-concurrency"
                            prop:value=move || draft.concurrency.get() on:input=bind(draft.concurrency) />
                    </label>
                    <label>{p.calls_per_minute}
                        <input type="number" min="1" max=rollout::CALLS_PER_MINUTE_MAX.to_string() data-testid="plan-cpm"
                            prop:value=move || draft.calls_per_minute.get() on:input=bind(draft.calls_per_minute) />
                    </label>
                    <label>{p.audit_hours}
                        <input type="number" min="1" data-testid="plan-audit-hours"
                            prop:value=move || draft.audit_hours.get() on:input=bind(draft.audit_hours) />
                    </label>
                </div>
                {move || msgs("limits.concurrency".into())}
                {move || msgs("limits.calls_per_minute".into())}
                <label class="inline">
                    <input type="checkbox" data-testid="plan-paused"
                        prop:checked=move || draft.paused.get() on:change=move |ev| draft.paused.set(event_target_checked(&ev)) />
                    {p.start_paused}
                </label>
            </section>

            <FormError error=Signal::derive(move || error.get().filter(|e| !matches!(e, AppError::Invalid(_)))) />
            <div class="form-actions">
                <button type="submit" data-testid="plan-preview" disabled=move || plan.pending().get()>
                    {move || if plan.pending().get() { p.planning } else { p.preview }}
                </button>
                <button type="button" class="primary" data-testid="plan-start" disabled=move || !can_start.get() on:click=start>
                    {move || if create.pending().get() { p.starting } else { p.start }}
                </button>
            </div>
            {move || stale.get().then(|| view! { <p class="muted" data-testid="plan-stale">{p.stale}</p> })}
        </form>
        {move || planned.get().filter(|_| !stale.get()).map(|(r, v)| {
            // The merge preview starts from the template's own app.json (see template_app_json).
            let desc = templates.with_value(|list| {
                list.iter()
                    .find(|x| x.template_id == r.spec.template_id)
                    .map(|x| x.user_desc.clone())
                    .unwrap_or_default()
            });
            view! { <PlanResult view=v desc /> }
        })}
    }
}

fn items_editor(
    draft: Draft,
    msgs: impl Fn(String) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let p = t.rollout_plan;
    let items = draft.items;
    let update = move |i: usize, f: &dyn Fn(&mut AuditItem)| {
        items.update(|list| {
            if let Some(item) = list.get_mut(i) {
                f(item);
            }
        })
    };
    let field = move |i: usize| {
        move |get: fn(&AuditItem) -> String| {
            move || items.with(|l| l.get(i).map(get).unwrap_or_default())
        }
    };
    let item_view = move |i: usize| {
        let value = field(i);
        view! {
            <fieldset class="audit-item" data-testid=format!("item-{i}")>
                <legend>{p.item}" "{i + 1}</legend>
                <label>{p.page}
                    <input type="text" data-testid=format!("item-page-{i}") placeholder="pages/index/index"
                        prop:value=value(|x| x.address.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.address = v.clone()); } />
                </label>
                {move || msgs(format!("item_list[{i}].address"))}
                <label>{p.item_title}
                    <input type="text" data-testid=format!("item-title-{i}")
                        prop:value=value(|x| x.title.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.title = v.clone()); } />
                </label>
                {move || msgs(format!("item_list[{i}].title"))}
                <label>{p.tags}
                    <input type="text" data-testid=format!("item-tags-{i}")
                        prop:value=value(|x| x.tag.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); update(i, &|x| x.tag = v.clone()); } />
                </label>
                {move || msgs(format!("item_list[{i}].tag"))}
                {move || msgs(format!("item_list[{i}].category"))}
                {move || msgs(format!("item_list[{i}]"))}
                <button type="button" data-testid=format!("item-remove-{i}")
                    on:click=move |_| items.update(|l| { if i < l.len() { l.remove(i); } })>{p.remove}</button>
            </fieldset>
        }
    };
    let full = move || items.with(|l| l.len() >= ITEM_LIST_MAX);
    view! {
        <section class="panel">
            <h2>{p.items}</h2>
            <p class="muted small-text">{p.items_hint}</p>
            {move || (0..items.with(Vec::len)).map(item_view).collect_view()}
            {move || msgs("item_list".into())}
            <button type="button" data-testid="item-add" disabled=full
                on:click=move |_| items.update(|l| l.push(AuditItem::default()))>{p.add_item}</button>
        </section>
    }
}

fn policy_editor(
    draft: Draft,
    msgs: impl Fn(String) -> AnyView + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = use_texts();
    let p = t.rollout_plan;
    let steps = draft.steps;
    let set_step = move |i: usize, f: &dyn Fn(&mut GrayStep)| {
        steps.update(|list| {
            if let Some(step) = list.get_mut(i) {
                f(step);
            }
        })
    };
    let step_view = move |i: usize| {
        let value = move |get: fn(&GrayStep) -> String| {
            move || steps.with(|l| l.get(i).map(get).unwrap_or_default())
        };
        view! {
            <div class="inline-fields gray-step" data-testid=format!("step-{i}")>
                <span>{p.step}" "{i + 1}</span>
                <label>{p.percentage}
                    <input type="number" min="1" max="100" data-testid=format!("step-percentage-{i}")
                        prop:value=value(|s| s.percentage.to_string())
                        on:input=move |ev| { let v = number::<u8>(&event_target_value(&ev)); set_step(i, &|s| s.percentage = v); } />
                </label>
                <label>{p.wait_minutes}
                    <input type="number" min="0" data-testid=format!("step-wait-{i}")
                        prop:value=value(|s| s.wait_minutes.to_string())
                        on:input=move |ev| { let v = number::<u32>(&event_target_value(&ev)); set_step(i, &|s| s.wait_minutes = v); } />
                </label>
                <button type="button" data-testid=format!("step-remove-{i}")
                    on:click=move |_| steps.update(|l| { if i < l.len() { l.remove(i); } })>{p.remove}</button>
            </div>
            {move || msgs(format!("policy.steps[{i}].percentage"))}
            {move || msgs(format!("policy.steps[{i}].wait_minutes"))}
        }
    };
    let full = move || steps.with(|l| l.len() >= GRAY_STEPS_MAX);
    let add_step = move |_| {
        steps.update(|l| {
            let next = l
                .last()
                .map_or(10, |s| s.percentage.saturating_add(20).min(99));
            l.push(GrayStep {
                percentage: next,
                wait_minutes: 60,
            });
        })
    };
    view! {
        <section class="panel">
            <h2>{p.policy}</h2>
            <select data-testid="plan-policy" prop:value=move || draft.policy.get().as_str()
                on:change=move |ev| draft.policy.set(PolicyKind::parse(&event_target_value(&ev)))>
                <option value="automatic">{p.policy_automatic}</option>
                <option value="manual">{p.policy_manual}</option>
                <option value="gray">{p.policy_gray}</option>
            </select>
            <Show when=move || draft.policy.get() == PolicyKind::Gray>
                <p class="muted small-text">{p.gray_hint}</p>
                {move || (0..steps.with(Vec::len)).map(step_view).collect_view()}
                {move || msgs("policy.steps".into())}
                <button type="button" data-testid="step-add" disabled=full on:click=add_step>{p.add_step}</button>
            </Show>
        </section>
    }
}

/// The server's plan: counts, ETA, skipped targets with their reasons, and the chosen
/// target's ext_json with the app.json it makes.
#[component]
fn PlanResult(view: PlanView, desc: String) -> impl IntoView {
    let t = use_texts();
    let p = t.rollout_plan;
    let plan = view.plan;
    let eta = plan.eta;
    let run = plan.run.len();
    let skipped = plan.skipped.len();
    let gray_skipped = plan.run.iter().filter(|x| x.gray_skipped).count();
    let skip_counts = plan
        .skip_counts()
        .into_iter()
        .map(|(reason, n)| {
            view! { <li data-testid="plan-skip-count" data-reason=reason data-count=n.to_string()>{(t.rollouts.skip_reason)(reason)}": "{n}</li> }
        })
        .collect_view();
    let skipped_rows = plan
        .skipped
        .iter()
        .take(SKIPPED_SHOWN)
        .map(|s| {
            view! {
                <tr data-testid="skipped-row" data-appid=s.appid.clone() data-reason=s.reason.as_str()>
                    <td><code>{s.appid.clone()}</code></td>
                    <td>{skip_text(t, &s.reason)}</td>
                </tr>
            }
        })
        .collect_view();
    let more = skipped.saturating_sub(SKIPPED_SHOWN);
    let eta_text = match eta.total_secs {
        Some(secs) => (t.duration)(i64::try_from(secs).unwrap_or(i64::MAX)),
        None => p.eta_never.to_owned(),
    };
    let targets = StoredValue::new(plan.run.clone());
    let chosen = RwSignal::new(
        plan.run
            .first()
            .map(|x| x.appid.clone())
            .unwrap_or_default(),
    );
    let base = template_app_json(&[], &desc);
    let previews = move || {
        let appid = chosen.get();
        targets.with_value(|list| {
            list.iter().find(|x| x.appid == appid).map(|x| {
                let ext = ExtJson::parse(&x.ext_json).unwrap_or_default();
                let pretty = serde_json::to_string_pretty(&ext.to_object()).unwrap_or_default();
                let merged = serde_json::to_string_pretty(&effective_app_json(&base, &ext))
                    .unwrap_or_default();
                view! {
                    <div class="two-columns">
                        <div><h3>"ext.json"</h3><pre class="code" data-testid="plan-ext-preview">{pretty}</pre></div>
                        <div><h3>{p.merged_app_json}</h3><pre class="code" data-testid="plan-app-json-preview">{merged}</pre></div>
                    </div>
                }
            })
        })
    };
    let choices = plan
        .run
        .iter()
        .take(PREVIEW_CHOICES)
        .map(|x| view! { <option value=x.appid.clone()>{x.appid.clone()}</option> })
        .collect_view();
    view! {
        <section class="panel" data-testid="plan-result">
            <h2 data-testid="plan-summary" data-run=run.to_string() data-skipped=skipped.to_string()>{(p.summary)(run, skipped)}</h2>
            {(run == 0).then(|| view! { <p class="muted">{p.nothing_to_run}</p> })}
            <dl class="facts" data-testid="plan-eta" data-secs=eta.total_secs.map(|s| s.to_string()).unwrap_or_default()>
                <dt>{p.eta}</dt>
                <dd>{eta_text}{(t.paren)((p.limited_by)(eta.limited_by))}</dd>
                <dt>{p.limits}</dt>
                <dd>{(p.calls)(eta.calls.total())}</dd>
                <dd data-testid="plan-quota">{(p.quota)(view.audit_quota_remaining)}</dd>
                {(eta.over_quota > 0).then(|| view! { <dd>{(p.over_quota)(eta.over_quota)}</dd> })}
                {eta.waits_for_operator.then(|| view! { <dd>{p.waits_for_operator}</dd> })}
                {(gray_skipped > 0).then(|| view! { <dd>{(p.gray_skipped)(gray_skipped)}</dd> })}
            </dl>
            {(skipped > 0).then(|| view! {
                <h3>{p.skipped}</h3>
                <ul class="chips">{skip_counts}</ul>
                <table class="table" data-testid="skipped-table">
                    <thead><tr><th>{p.col_appid}</th><th>{p.col_reason}</th></tr></thead>
                    <tbody>{skipped_rows}</tbody>
                </table>
                {(more > 0).then(|| view! { <p class="muted">{(p.more_skipped)(more)}</p> })}
            })}
            {(run > 0).then(|| view! {
                <h3>{p.preview_target}</h3>
                <select data-testid="plan-preview-target" prop:value=move || chosen.get()
                    on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {choices}
                </select>
                {previews}
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(items: Vec<AuditItem>, version: &str, concurrency: u32) -> RolloutRequest {
        RolloutRequest {
            spec: RolloutSpec {
                template_id: 1,
                user_version: version.into(),
                user_desc: String::new(),
                ext_json_template: String::new(),
                policy: ReleasePolicy::Automatic,
                template_app_json: None,
            },
            targets: TargetSelection::Appids {
                text: String::new(),
            },
            limits: Limits {
                concurrency,
                ..Limits::default()
            },
            items,
            paused: false,
        }
    }

    #[test]
    fn the_form_is_checked_with_the_servers_rules_before_any_target() {
        let fine = AuditItem {
            address: "pages/index/index".into(),
            title: "首页".into(),
            ..AuditItem::default()
        };
        assert!(local_violations(&request(vec![fine.clone()], "1.0.0", 4)).is_empty());
        let fields: Vec<String> = local_violations(&request(vec![], "", 0))
            .into_iter()
            .map(|v| v.field)
            .collect();
        for f in ["user_version", "limits.concurrency", "item_list"] {
            assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn a_policy_name_reads_back() {
        for k in [PolicyKind::Manual, PolicyKind::Automatic, PolicyKind::Gray] {
            assert_eq!(PolicyKind::parse(k.as_str()), k);
        }
        assert_eq!(PolicyKind::parse("nonsense"), PolicyKind::Automatic);
    }
}
