use crate::api::mini_programs::list_mini_programs;
use crate::components::filter_form::FilterForm;
use crate::components::layout::UserResource;
use crate::components::merchant_filter::MerchantFilter;
use crate::components::pager::Pager;
use crate::components::sort_header::sort_header;
use crate::domain::mini_program::{AppStatus, MiniProgramQuery, MiniProgramSort, SubjectType};
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use crate::model::MiniProgramRow;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const PATH: &str = "/apps";

#[component]
pub fn MiniProgramsPage() -> impl IntoView {
    let t = use_texts();
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|p| MiniProgramQuery::from_params(|k| p.get(k))));
    let rows = Resource::new(move || query.get(), list_mini_programs);
    let me = use_context::<UserResource>();

    view! {
        <Title text=t.nav_mini_programs />
        <div class="page-head">
            <h1>{t.nav_mini_programs}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let staff = match me {
                        Some(r) => r.await.ok().flatten().is_some_and(|u| u.role.sees_whole_fleet()),
                        None => false,
                    };
                    staff.then(|| view! {
                        <a href="/apps/authorize" class="button primary" data-testid="add-mini-program">{t.add_mini_program}</a>
                    })
                })}
            </Suspense>
        </div>
        <FilterForm action=PATH testid="filters">
            <input type="search" name="q" maxlength="64" placeholder=t.search_placeholder
                value=move || query.get().search data-testid="filter-search" />
            <select name="subject" data-testid="filter-subject">
                <option value="">{t.col_subject}": "{t.all}</option>
                {SubjectType::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().subject == Some(s)>{t.subject(s)}</option>
                }).collect_view()}
            </select>
            <select name="status" data-testid="filter-status">
                <option value="">{t.col_status}": "{t.all}</option>
                {AppStatus::ALL.into_iter().map(|s| view! {
                    <option value=s.as_str() selected=move || query.get().status == Some(s)>{t.status(s)}</option>
                }).collect_view()}
            </select>
            <MerchantFilter current=Signal::derive(move || query.get().merchant_id) testid="filter-merchant" />
            <input type="hidden" name="sort" value=move || query.get().sort.as_str() />
            <input type="hidden" name="dir" value=move || query.get().dir.as_str() />
            <input type="hidden" name="per_page" value=move || query.get().page.per_page.to_string() />
            <button type="submit" class="primary" data-testid="filter-apply">{t.apply_filters}</button>
            <a href=PATH class="button" data-testid="filter-reset">{t.reset_filters}</a>
        </FilterForm>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || Suspend::new(async move {
                let q = query.get();
                match rows.await {
                    Ok(page) => view! { <RegistryTable rows=page.items.clone() query=q.clone() /> <Pager path=PATH params=q.to_params() total=page.total page=page.page per_page=page.per_page shown=page.items.len() /> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(t)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn sort_link(q: &MiniProgramQuery, key: MiniProgramSort, label: &'static str) -> impl IntoView {
    let testid = format!("sort-{}", key.as_str());
    sort_header(
        PATH,
        q.to_params(),
        key.as_str(),
        q.sort == key,
        q.dir,
        label,
        testid,
    )
}

#[component]
fn RegistryTable(rows: Vec<MiniProgramRow>, query: MiniProgramQuery) -> impl IntoView {
    let t = use_texts();
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="registry-empty">{t.no_rows}</p> }.into_any();
    }
    view! {
        <table class="table" data-testid="registry">
            <thead>
                <tr>
                    {sort_link(&query, MiniProgramSort::AppId, t.col_appid)}
                    {sort_link(&query, MiniProgramSort::Name, t.col_name)}
                    <th>{t.col_principal}</th>
                    {sort_link(&query, MiniProgramSort::Subject, t.col_subject)}
                    {sort_link(&query, MiniProgramSort::Merchant, t.col_merchant)}
                    {sort_link(&query, MiniProgramSort::Status, t.col_status)}
                    {sort_link(&query, MiniProgramSort::Created, t.col_created)}
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|p| view! {
                    <tr data-testid="registry-row">
                        <td><a href=format!("/apps/{}", p.appid) data-testid="registry-appid"><code>{p.appid.clone()}</code></a></td>
                        <td data-testid="registry-name">{p.nick_name}</td>
                        <td>{p.principal_name}</td>
                        <td data-testid="registry-subject">{t.subject(p.subject)}</td>
                        <td data-testid="registry-merchant">{p.merchant_name.unwrap_or_else(|| t.unassigned.to_string())}</td>
                        <td><span class=format!("status {}", p.status.as_str())>{t.status(p.status)}</span></td>
                        <td>{format_cst(p.created_at)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
