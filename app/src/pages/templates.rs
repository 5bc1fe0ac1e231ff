//! 代码模板库 (`/templates`, staff only): the draft box with "add to library", the library
//! filtered by template type with each template's usage across the fleet (online, in
//! review, gray release, committed only; a click opens the fleet release view filtered to
//! it), deletion refused while mini programs wait on a template, the library's fill as a
//! meter and online adoption per version as a chart. Readable without JavaScript (SSR).

use crate::api::code_templates::{
    add_to_template, compare_templates, delete_template, template_library,
};
use crate::components::field::error_text;
use crate::components::page_error::PageError;
use crate::domain::code_template::{
    DeleteBlocked, DiffLine, LibraryView, TemplateComparison, TemplateRow, TemplateType,
};
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn blocked_text(t: &Texts, b: DeleteBlocked) -> String {
    match b {
        DeleteBlocked::InReview(n) => (t.templates.in_review)(n),
        DeleteBlocked::InGray(n) => (t.templates.in_gray)(n),
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let type_filter = Memo::new(move |_| {
        params.with(|p| {
            p.get("type")
                .and_then(|v| v.trim().parse::<i64>().ok())
                .and_then(TemplateType::from_code)
        })
    });
    let data = Resource::new(move || type_filter.get(), template_library);
    let wanted = Memo::new(move |_| {
        params.with(|p| {
            let id = |k: &str| p.get(k).and_then(|v| v.trim().parse::<i64>().ok());
            let appid = p
                .get("appid")
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty());
            (id("from"), id("to"), appid)
        })
    });
    // Created with the page (not inside the library's Suspend): hydration order.
    let comparison = Resource::new(
        move || wanted.get(),
        |w| async move {
            match w {
                (Some(from), Some(to), Some(appid)) => {
                    compare_templates(from, to, appid).await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    view! {
        <Title text=t.templates.title />
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Library initial=v type_filter=type_filter.get_untracked() compare=wanted.get_untracked() /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match comparison.await {
                    Ok(Some(c)) => comparison_view(t, c).into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p class="form-error" role="alert" data-testid="tpl-compare-error">{error_text(t, &e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn comparison_view(t: &'static Texts, c: TemplateComparison) -> impl IntoView {
    let tt = t.templates;
    let unchanged = c.lines.iter().all(|l| matches!(l, DiffLine::Same(_)));
    let lines = c
        .lines
        .into_iter()
        .map(|l| match l {
            DiffLine::Same(x) => view! { <span class="diff-same">{format!("  {x}\n")}</span> }.into_any(),
            DiffLine::Removed(x) => view! { <span class="diff-del" data-testid="tpl-diff-removed">{format!("- {x}\n")}</span> }.into_any(),
            DiffLine::Added(x) => view! { <span class="diff-add" data-testid="tpl-diff-added">{format!("+ {x}\n")}</span> }.into_any(),
        })
        .collect_view();
    view! {
        <section class="panel" data-testid="tpl-diff">
            <h2>{(tt.compare_result)(c.from, c.to, &c.nick_name)}</h2>
            {unchanged.then(|| view! { <p class="muted">{tt.compare_same}</p> })}
            <pre class="diff">{lines}</pre>
        </section>
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Confirming {
    Add(i64),
    Delete(i64),
}

fn adoption_chart(t: &'static Texts, templates: &[TemplateRow]) -> impl IntoView {
    const ROW: i64 = 24;
    const LABEL_W: i64 = 170;
    const BAR_W: i64 = 260;
    let max = templates
        .iter()
        .map(|r| r.usage.online)
        .max()
        .unwrap_or(0)
        .max(1);
    let height = ROW * templates.len() as i64 + 4;
    let bars = templates
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let y = i as i64 * ROW + 2;
            let width = r.usage.online * BAR_W / max;
            view! {
                <a href=format!("/releases?template={}", r.template_id)>
                    <g class="bar state-online" data-testid="tpl-chart-bar" data-template=r.template_id.to_string() data-count=r.usage.online.to_string()>
                        <text x="0" y={y + 16}>{format!("#{} · {}", r.template_id, r.user_version)}</text>
                        <rect class="track" x=LABEL_W y={y + 4} width=BAR_W height="14" rx="3" />
                        <rect class="fill" x=LABEL_W y={y + 4} width=width height="14" rx="3" />
                        <text x={LABEL_W + BAR_W + 8} y={y + 16}>{r.usage.online.to_string()}</text>
                    </g>
                </a>
            }
        })
        .collect_view();
    view! {
        <section class="panel chart">
            <h2>{t.templates.chart}</h2>
            <svg class="fleet-chart" data-testid="tpl-chart" role="img" aria-label=t.templates.chart
                viewBox=format!("0 0 {} {height}", LABEL_W + BAR_W + 60) width="100%">
                {bars}
            </svg>
        </section>
    }
}

#[component]
fn Library(
    initial: LibraryView,
    type_filter: Option<TemplateType>,
    compare: (Option<i64>, Option<i64>, Option<String>),
) -> impl IntoView {
    let t = use_texts();
    let tt = t.templates;
    let data = RwSignal::new(initial);
    let confirming = RwSignal::new(None::<Confirming>);
    let add_type = RwSignal::new(TemplateType::Ordinary);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<&'static str>);
    let add = Action::new(move |(id, ty): &(i64, TemplateType)| add_to_template(*id, *ty));
    let delete = Action::new(move |id: &i64| delete_template(*id));
    let after = move |r: Result<LibraryView, AppError>, ok: &'static str| {
        confirming.set(None);
        match r {
            Ok(mut v) => {
                // The answer lists every type; keep the page's filter.
                if let Some(want) = type_filter {
                    v.templates.retain(|x| x.template_type == want.code());
                }
                data.set(v);
                error.set(None);
                notice.set(Some(ok));
            }
            Err(e) => {
                notice.set(None);
                error.set(Some(e));
            }
        }
    };
    Effect::new(move |_| {
        if let Some(r) = add.value().get() {
            after(r, tt.added);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            after(r, tt.deleted);
        }
    });
    let busy = move || add.pending().get() || delete.pending().get();

    let drafts = move || {
        data.with(|v| {
            if v.drafts.is_empty() {
                return view! { <p class="empty">{tt.no_drafts}</p> }.into_any();
            }
            let rows = v.drafts.clone().into_iter().map(|d| {
                let id = d.draft_id;
                let version = d.user_version.clone();
                view! {
                    <tr data-testid="tpl-draft" data-draft=id.to_string()>
                        <td>{id}</td>
                        <td><code>{d.user_version.clone()}</code></td>
                        <td>{d.user_desc.clone()}</td>
                        <td>{format_cst(d.create_time)}</td>
                        <td>{d.source_miniprogram.clone()}" ("<code>{d.source_miniprogram_appid.clone()}</code>") · "{d.developer.clone()}</td>
                        <td class="actions">
                            {(!d.templates.is_empty()).then(|| view! {
                                <span class="muted" data-testid="tpl-draft-templates">{tt.already_template}" #"{d.templates.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", #")}</span>
                            })}
                            <button data-testid="tpl-draft-add" disabled=busy
                                on:click=move |_| { error.set(None); confirming.set(Some(Confirming::Add(id))); }>{tt.add}</button>
                            {move || (confirming.get() == Some(Confirming::Add(id))).then(|| {
                                let version = version.clone();
                                view! {
                                    <div class="confirm" data-testid="tpl-confirm-add">
                                        <span>{(tt.add_confirm)(&version)}</span>
                                        <select data-testid="tpl-add-type" on:change=move |ev| {
                                            let code = event_target_value(&ev).parse().unwrap_or(0);
                                            add_type.set(TemplateType::from_code(code).unwrap_or_default());
                                        }>
                                            <option value="0">{tt.type_ordinary}</option>
                                            <option value="1">{tt.type_standard}</option>
                                        </select>
                                        <button class="primary" data-testid="tpl-confirm-add-yes" disabled=busy
                                            on:click=move |_| { add.dispatch((id, add_type.get_untracked())); }>{tt.confirm}</button>
                                        <button on:click=move |_| confirming.set(None)>{tt.cancel}</button>
                                    </div>
                                }
                            })}
                        </td>
                    </tr>
                }
            }).collect_view();
            view! {
                <div class="table-scroll">
                <table class="table" data-testid="tpl-drafts">
                    <thead><tr>
                        <th>{tt.col_draft_id}</th><th>{tt.col_version}</th><th>{tt.col_desc}</th>
                        <th>{tt.col_uploaded}</th><th>{tt.col_source}</th><th>{tt.col_actions}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            }.into_any()
        })
    };

    let templates = move || {
        data.with(|v| {
            if v.templates.is_empty() {
                return view! { <p class="empty" data-testid="tpl-empty">{tt.no_templates}</p> }.into_any();
            }
            let rows = v.templates.clone().into_iter().map(|r| {
                let id = r.template_id;
                let version = r.user_version.clone();
                let online = r.usage.online;
                let blocked = r.delete_blocked.map(|b| blocked_text(t, b));
                let is_blocked = blocked.is_some();
                view! {
                    <tr data-testid="tpl-template" data-template=id.to_string()>
                        <td>{id}</td>
                        <td><code>{r.user_version.clone()}</code></td>
                        <td>{r.user_desc.clone()}</td>
                        <td>{tt.type_name(r.template_type)}</td>
                        <td>{format_cst(r.create_time)}</td>
                        <td>{r.source_miniprogram.clone()}" · "{r.developer.clone()}</td>
                        <td data-testid="tpl-online">{r.usage.online}</td>
                        <td data-testid="tpl-in-review">{r.usage.in_review}</td>
                        <td data-testid="tpl-gray">{r.usage.gray}</td>
                        <td data-testid="tpl-committed">{r.usage.committed_only}</td>
                        <td class="actions">
                            <a class="button" href=format!("/releases?template={id}") data-testid="tpl-open-fleet">{tt.open_fleet}</a>
                            <a class="button" href=format!("/rollouts/new?template_id={id}") data-testid="tpl-roll-out">{tt.roll_out}</a>
                            <button class="danger" data-testid="tpl-delete" disabled=move || is_blocked || busy()
                                title=blocked.clone().unwrap_or_default()
                                on:click=move |_| { error.set(None); confirming.set(Some(Confirming::Delete(id))); }>{tt.delete}</button>
                            {blocked.clone().map(|b| view! { <p class="hint" data-testid="tpl-delete-blocked">{b}</p> })}
                            {move || (confirming.get() == Some(Confirming::Delete(id))).then(|| view! {
                                <div class="confirm" data-testid="tpl-confirm-delete">
                                    <span>{(tt.delete_confirm)(id, &version, online)}</span>
                                    <button class="danger" data-testid="tpl-confirm-delete-yes" disabled=busy
                                        on:click=move |_| { delete.dispatch(id); }>{tt.delete}</button>
                                    <button on:click=move |_| confirming.set(None)>{tt.cancel}</button>
                                </div>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view();
            view! {
                <div class="table-scroll">
                <table class="table" data-testid="tpl-templates">
                    <thead><tr>
                        <th>{tt.col_template_id}</th><th>{tt.col_version}</th><th>{tt.col_desc}</th><th>{tt.col_type}</th>
                        <th>{tt.col_added}</th><th>{tt.col_source}</th><th>{tt.col_online}</th><th>{tt.col_in_review}</th>
                        <th>{tt.col_gray}</th><th>{tt.col_committed}</th><th>{tt.col_actions}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                </div>
            }.into_any()
        })
    };

    let current = type_filter.map(|x| x.code());
    view! {
        <div class="page-head"><h1>{tt.title}</h1></div>
        <p class="hint">{tt.intro}</p>
        {move || data.with(|v| view! {
            <p data-testid="tpl-meter-text">{(tt.meter)(v.library_size, v.library_max)}</p>
            <meter data-testid="tpl-meter" min="0" max=v.library_max.to_string() high=(v.library_max * 9 / 10).to_string()
                value=v.library_size.to_string()></meter>
        })}
        {move || notice.get().map(|n| view! { <p class="notice" role="status" data-testid="tpl-notice">{n}</p> })}
        {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="tpl-error">{error_text(t, &e)}</p> })}
        <section class="panel">
            <h2>{tt.drafts}</h2>
            {drafts}
        </section>
        <section class="panel">
            <div class="page-head">
                <h2>{tt.templates}</h2>
                <form method="get" action="/templates" class="filters" data-testid="tpl-filter">
                    <select name="type" data-testid="tpl-filter-type">
                        <option value="" selected=current.is_none()>{tt.type_all}</option>
                        <option value="0" selected=current == Some(0)>{tt.type_ordinary}</option>
                        <option value="1" selected=current == Some(1)>{tt.type_standard}</option>
                    </select>
                    <button type="submit" data-testid="tpl-filter-apply">{t.apply_filters}</button>
                </form>
            </div>
            {templates}
        </section>
        {move || data.with(|v| adoption_chart(t, &v.templates))}
        {move || data.with(|v| {
            let ids: Vec<(i64, String)> = v.templates.iter().map(|r| (r.template_id, r.user_version.clone())).collect();
            let (from, to, appid) = compare.clone();
            let options = move |chosen: Option<i64>| ids.iter().map(|(id, version)| view! {
                <option value=id.to_string() selected=chosen == Some(*id)>{format!("#{id} · {version}")}</option>
            }).collect_view();
            view! {
                <section class="panel" data-testid="tpl-compare">
                    <h2>{tt.compare}</h2>
                    <p class="hint">{tt.compare_hint}</p>
                    <form method="get" action="/templates" class="filters">
                        <label><span>{tt.compare_from}</span><select name="from" data-testid="tpl-compare-from">{options.clone()(from)}</select></label>
                        <label><span>{tt.compare_to}</span><select name="to" data-testid="tpl-compare-to">{options(to)}</select></label>
                        <label><span>{tt.compare_appid}</span><input name="appid" data-testid="tpl-compare-appid" placeholder="wx…" value=appid.unwrap_or_default() /></label>
                        <button type="submit" class="primary" data-testid="tpl-compare-run">{tt.compare_run}</button>
                    </form>
                </section>
            }
        })}
    }
}
