//! `/domains/defaults` (staff): the platform's default domain set, edited as a whole (one box
//! per list, each entry checked as one types and again on the server), and the set applied to
//! many mini programs: every authorized mini program with what the last apply found (search,
//! filter and paging on the server, readable without JavaScript), then "apply" on the ticked
//! ones, one mini program after another with progress and each one's result; a failure never
//! stops the rest, and a second run adds nothing.

use crate::api::domains::{
    apply_domain_defaults, domain_default_targets, get_domain_defaults, save_domain_defaults,
};
use crate::components::field::{error_text, field_messages, show_messages};
use crate::components::filter_form::FilterForm;
use crate::components::page_error::PageError;
use crate::components::pager::Pager;
use crate::components::ticks::{keep_ticks_shown, on_page_tick, on_row_tick, page_ticked};
use crate::domain::domains::{
    check_defaults, ApplyReport, DefaultSet, DefaultsForm, DomainKind, PartOutcome, RejectReason,
    TargetFilter, TargetQuery, TargetRow,
};
use crate::domain::pagination::Page;
use crate::domain::release::Violation;
use crate::domain::time::format_cst;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/domains/defaults";

#[component]
pub fn DomainDefaultsPage() -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let query_map = use_query_map();
    let query = Memo::new(move |_| query_map.with(|p| TargetQuery::from_params(|k| p.get(k))));
    let reload = RwSignal::new(0u32);
    let state = RunState::new();
    // Both resources are created with the page, never inside a Suspend (hydration creates
    // resources in the order the server did).
    let set = Resource::new(|| (), |_| get_domain_defaults());
    let rows = Resource::new(
        move || (query.get(), reload.get()),
        |(q, _)| domain_default_targets(q),
    );
    view! {
        <Title text=dt.defaults_title />
        <div class="page-head"><h1>{dt.defaults_title}</h1></div>
        <p class="hint">{dt.defaults_intro}</p>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                match set.await {
                    Ok(set) => view! { <DefaultsEditor set reload /> }.into_any(),
                    Err(e) => view! { <PageError error=e /> }.into_any(),
                }
            })}
        </Suspense>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                let (Ok(_), Ok(page)) = (set.await, rows.await) else {
                    return ().into_any();
                };
                view! { <Targets page query=q reload state /> }.into_any()
            })}
        </Suspense>
    }
}

#[component]
fn DefaultsEditor(set: DefaultSet, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let form = RwSignal::new(DefaultsForm::from_lists(&set.lists));
    let saved = RwSignal::new(set);
    let touched = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(false);
    let save = Action::new(move |f: &DefaultsForm| save_domain_defaults(f.clone()));
    Effect::new(move |_| {
        if let Some(r) = save.value().get() {
            match r {
                Ok(s) => {
                    form.set(DefaultsForm::from_lists(&s.lists));
                    saved.set(s);
                    error.set(None);
                    touched.set(false);
                    notice.set(true);
                    // Saving a different set forgets what earlier applies found.
                    reload.update(|n| *n += 1);
                }
                Err(e) => {
                    notice.set(false);
                    error.set(Some(e));
                }
            }
        }
    });
    let live = Memo::new(move |_| form.with(|f| check_defaults(f).err().unwrap_or_default()));
    let on_save = move |_| {
        touched.set(true);
        error.set(None);
        notice.set(false);
        if live.with(Vec::is_empty) {
            save.dispatch(form.get_untracked());
        }
    };
    let updated = move || {
        saved.with(|s| match (&s.updated_by, s.updated_at) {
            (Some(by), Some(at)) => (dt.defaults_updated)(by, &format_cst(at)),
            _ => dt.defaults_never.to_owned(),
        })
    };
    let fields = DomainKind::ALL
        .into_iter()
        .map(|kind| {
            let name = kind.as_str();
            let msgs = move || {
                let local: Vec<Violation> = if touched.get() { live.get() } else { Vec::new() };
                show_messages(
                    format!("dd-error-{name}"),
                    field_messages(t, &local, error.get().as_ref(), name, None),
                )
            };
            view! {
                <label class="dd-field">
                    <span>{(dt.kind)(kind)}" "<code class="muted">{(dt.kind_format)(kind)}</code></span>
                    <textarea rows="3" data-testid=format!("dd-f-{name}") spellcheck="false" autocomplete="off"
                        prop:value=move || form.with(|f| f.text(kind).to_owned())
                        on:input=move |ev| {
                            touched.set(true);
                            notice.set(false);
                            let text = event_target_value(&ev);
                            form.update(|f| *f.text_mut(kind) = text);
                        }></textarea>
                </label>
                {msgs}
            }
        })
        .collect_view();
    view! {
        <section class="panel dd-editor" data-testid="dd-editor">
            <p class="hint" data-testid="dd-updated">{updated}</p>
            <p class="hint">{dt.f_input_hint}</p>
            {fields}
            {move || error.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! {
                <p class="form-error" role="alert" data-testid="dd-error">{error_text(t, &e)}</p>
            })}
            {move || notice.get().then(|| view! { <p class="notice" role="status" data-testid="dd-notice">{dt.defaults_saved}</p> })}
            {move || saved.with(|s| s.lists.total() == 0).then(|| view! { <p class="hint" data-testid="dd-empty">{dt.apply_empty_set}</p> })}
            <div class="actions">
                <button class="primary" data-testid="dd-save" disabled=move || save.pending().get()
                    on:click=on_save>{dt.defaults_save}</button>
            </div>
        </section>
    }
}

/// The ticked mini programs and the running apply: kept by the page, so the table's refetch
/// at the end of a run does not lose them.
#[derive(Clone, Copy)]
struct RunState {
    selected: RwSignal<Vec<String>>,
    results: RwSignal<Vec<(String, Result<ApplyReport, AppError>)>>,
    running: RwSignal<bool>,
    done: RwSignal<usize>,
    total: RwSignal<usize>,
}

impl RunState {
    fn new() -> Self {
        Self {
            selected: RwSignal::new(Vec::new()),
            results: RwSignal::new(Vec::new()),
            running: RwSignal::new(false),
            done: RwSignal::new(0),
            total: RwSignal::new(0),
        }
    }
}

/// One part of an apply's result, as a list item (nothing when the set has none of it).
fn part_markup(t: &'static Texts, label: &'static str, part: &PartOutcome) -> maud::Markup {
    let dt = t.domains;
    let (class, text) = match part {
        PartOutcome::Nothing => return maud::html! {},
        PartOutcome::Done {
            added,
            present,
            rejected,
        } => {
            let mut text = (dt.summary)(added.len(), *present, rejected.len(), 0);
            if !added.is_empty() {
                text.push_str(t.list_separator);
                text.push_str(dt.added_list);
                text.push_str(&added.join(", "));
            }
            for r in rejected {
                let reason = match r.reason {
                    RejectReason::Invalid => dt.reason_invalid,
                    RejectReason::NoIcp => dt.reason_no_icp,
                };
                text.push_str(t.list_separator);
                text.push_str(&format!("{}{}{reason}", r.domain, t.colon));
            }
            (None, text)
        }
        PartOutcome::NotApplicable { errcode } => {
            (Some("muted"), (dt.part_not_applicable)(*errcode))
        }
        PartOutcome::Failed { error } => (Some("field-error"), error_text(t, error)),
    };
    maud::html! { li data-testid="dd-part" class=[class] { (label) (t.colon) (text) } }
}

/// What an apply in this browser found on a row.
fn report_markup(t: &'static Texts, r: &Result<ApplyReport, AppError>) -> maud::Markup {
    let dt = t.domains;
    match r {
        Ok(report) => maud::html! {
            div data-testid="dd-result" data-added=(report.added()) data-present=(report.present())
                data-rejected=(report.rejected()) data-failed=(report.failed()) {
                strong data-testid="dd-result-summary" {
                    ((dt.summary)(report.added(), report.present(), report.rejected(), report.failed()))
                }
                ul class="plain" {
                    (part_markup(t, dt.part_server, &report.server))
                    (part_markup(t, dt.part_webview, &report.webview))
                }
            }
        },
        Err(e) => {
            maud::html! { p class="field-error" data-testid="dd-result-error" { (error_text(t, e)) } }
        }
    }
}

/// What the last apply found on a row.
fn last_markup(t: &'static Texts, r: &TargetRow) -> maud::Markup {
    let dt = t.domains;
    if r.applied_at.is_none() {
        return maud::html! { span class="muted" { (dt.never) } };
    }
    let summary = (dt.summary)(
        usize::try_from(r.added).unwrap_or(0),
        usize::try_from(r.present).unwrap_or(0),
        usize::try_from(r.rejected).unwrap_or(0),
        usize::try_from(r.failed).unwrap_or(0),
    );
    let class = (r.state() != TargetFilter::Complete.as_str()).then_some("field-error");
    maud::html! {
        span class=[class] data-testid="dd-last" {
            (summary)
            @if let Some(code) = r.errcode {
                (t.list_separator) ((t.paren)(&format!("{} {code}", t.release.errcode)))
            }
        }
    }
}

/// The page's rows as HTML, written by maud's compile-time template like the audit log's
/// (`audit_log::audit_rows_html`, which says why): the boxes of the rows in `ticked` ticked,
/// each row's result from this browser's `results`. The body is written again when a result
/// arrives; the boxes are wired by the change event that bubbles up to it
/// (`components::ticks`).
pub fn target_rows_html(
    t: &'static Texts,
    rows: &[TargetRow],
    results: &[(String, Result<ApplyReport, AppError>)],
    ticked: &[String],
) -> String {
    maud::html! {
        @for r in rows {
            tr data-testid="dd-row" data-appid=(r.appid) data-state=(r.state()) {
                td {
                    input type="checkbox" data-testid="dd-row-check" data-appid=(r.appid)
                        checked[ticked.contains(&r.appid)];
                }
                td { a href={ "/apps/" (r.appid) "/domains" } { code { (r.appid) } } }
                td { (r.nick_name) }
                td { (r.merchant_name.as_deref().unwrap_or(t.unassigned)) }
                td { (last_markup(t, r)) }
                td { @if let Some(at) = r.applied_at { (format_cst(at)) } }
                td {
                    @if let Some((_, report)) = results.iter().find(|(a, _)| *a == r.appid) {
                        (report_markup(t, report))
                    }
                }
            }
        }
    }
    .into_string()
}

#[component]
fn Targets(
    page: Page<TargetRow>,
    query: TargetQuery,
    reload: RwSignal<u32>,
    state: RunState,
) -> impl IntoView {
    let t = use_texts();
    let dt = t.domains;
    let search = query.search.clone();
    let filter = query.filter;
    let per_page = query.page.per_page.to_string();
    let RunState {
        selected,
        results,
        running,
        done,
        total,
    } = state;
    let page_appids: Vec<String> = page.items.iter().map(|r| r.appid.clone()).collect();
    // The rows are a template: their boxes are wired through the body (components::ticks).
    let body = NodeRef::<leptos::html::Tbody>::new();
    keep_ticks_shown(body, selected);
    let rows = page.items.clone();
    let run = move || {
        let chosen = selected.get_untracked();
        if chosen.is_empty() || running.get_untracked() {
            return;
        }
        running.set(true);
        results.set(Vec::new());
        done.set(0);
        total.set(chosen.len());
        leptos::task::spawn_local(async move {
            for appid in chosen {
                let report = apply_domain_defaults(appid.clone()).await;
                results.update(|r| r.push((appid, report)));
                done.update(|d| *d += 1);
            }
            running.set(false);
            // The table shows what the run found.
            reload.update(|n| *n += 1);
        });
    };
    let filters = [
        (TargetFilter::All, dt.filter_all),
        (TargetFilter::Unapplied, dt.filter_unapplied),
        (TargetFilter::Complete, dt.filter_complete),
        (TargetFilter::Problems, dt.filter_problems),
    ];
    view! {
        <section class="panel" data-testid="dd-targets">
            <h2>{dt.apply_title}</h2>
            <p class="hint">{dt.apply_explain}</p>
            <FilterForm action=PATH testid="dd-filters">
                <input name="q" placeholder=dt.search maxlength="64" data-testid="dd-search" value=search />
                <select name="filter" data-testid="dd-filter">
                    {filters.into_iter().map(|(f, label)| view! {
                        <option value=f.as_str() selected=filter == f>{label}</option>
                    }).collect_view()}
                </select>
                <input type="hidden" name="per_page" value=per_page />
                <button type="submit" class="primary" data-testid="dd-filter-apply">{t.apply_filters}</button>
            </FilterForm>
            {if page.items.is_empty() {
                view! { <p class="empty" data-testid="dd-targets-empty">{t.no_rows}</p> }.into_any()
            } else {
                let all = page_appids.clone();
                view! {
                    <div class="table-scroll">
                    <table class="table" data-testid="dd-table">
                        <thead><tr>
                            <th><label class="check"><input type="checkbox" data-testid="dd-select-page"
                                prop:checked=page_ticked(selected, all)
                                on:change={
                                    let all = page_appids.clone();
                                    move |ev| on_page_tick(&ev, selected, &all)
                                } />{dt.select_page}</label></th>
                            <th>{t.col_appid}</th><th>{t.col_name}</th><th>{t.col_merchant}</th>
                            <th>{dt.col_last}</th><th>{dt.col_applied}</th><th>{dt.col_result}</th>
                        </tr></thead>
                        <tbody node_ref=body on:change=move |ev| on_row_tick(&ev, selected)
                            inner_html=move || results.with(|res| {
                                selected.with_untracked(|ticked| target_rows_html(t, &rows, res, ticked))
                            }) />
                    </table>
                    </div>
                    <Pager path=PATH params=query.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() />
                }.into_any()
            }}
            <div class="actions">
                <button class="primary" data-testid="dd-apply" disabled=move || running.get() || selected.with(Vec::is_empty)
                    on:click=move |_| run()>{dt.apply}</button>
                {move || (total.get() > 0).then(|| view! {
                    <span data-testid="dd-progress">{(dt.progress)(done.get(), total.get())}</span>
                    <progress max=total.get().to_string() value=done.get().to_string()></progress>
                })}
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn row(appid: &str, nick_name: &str, applied_at: Option<i64>, rejected: i64) -> TargetRow {
        TargetRow {
            appid: appid.to_string(),
            nick_name: nick_name.to_string(),
            merchant_name: None,
            applied_at,
            added: 2,
            present: 1,
            rejected,
            failed: 0,
            errcode: None,
        }
    }

    #[test]
    fn a_row_has_its_box_cells_and_the_last_apply() {
        let t = Locale::En.texts();
        let dt = t.domains;
        let html = target_rows_html(
            t,
            &[row("wx1", "Shop", None, 0), row("wx2", "B", Some(0), 1)],
            &[],
            &[],
        );
        assert!(
            html.starts_with(&format!(
                concat!(
                    r#"<tr data-testid="dd-row" data-appid="wx1" data-state="unapplied">"#,
                    r#"<td><input type="checkbox" data-testid="dd-row-check" data-appid="wx1"></td>"#,
                    r#"<td><a href="/apps/wx1/domains"><code>wx1</code></a></td>"#,
                    r#"<td>Shop</td><td>{}</td><td><span class="muted">{}</span></td><td></td><td></td></tr>"#,
                ),
                t.unassigned, dt.never
            )),
            "{html}"
        );
        assert!(html.contains(&format!(
            r#"<tr data-testid="dd-row" data-appid="wx2" data-state="problems"><td><input type="checkbox" data-testid="dd-row-check" data-appid="wx2"></td><td><a href="/apps/wx2/domains"><code>wx2</code></a></td><td>B</td><td>{}</td><td><span class="field-error" data-testid="dd-last">{}</span></td><td>{}</td>"#,
            t.unassigned,
            (dt.summary)(2, 1, 1, 0),
            format_cst(0)
        )), "{html}");
    }

    #[test]
    fn ticked_rows_stay_ticked_and_a_result_shows_on_its_row() {
        let t = Locale::ZhCn.texts();
        let report = ApplyReport {
            appid: "wx2".to_string(),
            server: PartOutcome::Done {
                added: vec!["https://a.example.com".to_string()],
                present: 3,
                rejected: vec![],
            },
            webview: PartOutcome::NotApplicable { errcode: 89231 },
        };
        let html = target_rows_html(
            t,
            &[row("wx1", "A", None, 0), row("wx2", "B", None, 0)],
            &[("wx2".to_string(), Ok(report))],
            &["wx2".to_string()],
        );
        assert!(
            html.contains(r#"data-testid="dd-row-check" data-appid="wx1">"#),
            "{html}"
        );
        assert!(
            html.contains(r#"data-testid="dd-row-check" data-appid="wx2" checked>"#),
            "{html}"
        );
        let wx2 = &html[html.find(r#"data-appid="wx2""#).unwrap_or(0)..];
        assert!(wx2.contains(r#"<div data-testid="dd-result" data-added="1" data-present="3" data-rejected="0" data-failed="0">"#), "{html}");
        assert!(wx2.contains("https://a.example.com"), "{html}");
        assert!(
            wx2.contains(r#"<li data-testid="dd-part" class="muted">业务域名："#),
            "{html}"
        );
        assert!(wx2.contains("89231"), "{html}");
        let wx1 = &html[..html.find(r#"data-appid="wx2""#).unwrap_or(html.len())];
        assert!(!wx1.contains("dd-result"), "{html}");
    }

    #[test]
    fn names_and_errors_are_written_as_text() {
        let t = Locale::En.texts();
        let html = target_rows_html(
            t,
            &[row("wx1", "<img src=x onerror=alert(1)>", None, 0)],
            &[(
                "wx1".to_string(),
                Err(AppError::Wechat {
                    errcode: 40001,
                    zh: "</td><script>alert(2)</script>".to_string(),
                    en: "</td><script>alert(2)</script>".to_string(),
                    rid: None,
                }),
            )],
            &[],
        );
        assert!(
            !html.contains("<img") && !html.contains("<script"),
            "{html}"
        );
        assert!(
            html.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{html}"
        );
        assert!(
            html.contains(r#"<p class="field-error" data-testid="dd-result-error">"#),
            "{html}"
        );
    }
}
