//! Earlier audits, newest first.

use crate::components::badge::audit_status_class;
use crate::domain::release::view::{AuditInfo, ReleaseView};
use crate::domain::time::format_cst;
use crate::i18n::use_texts;
use leptos::prelude::*;

#[component]
pub fn History(view: ReleaseView) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    if view.history.is_empty() {
        return ().into_any();
    }
    let row = move |a: AuditInfo| {
        view! {
            <tr data-testid="history-row">
                <td>{a.auditid}</td>
                <td>{a.user_version.clone()}</td>
                <td><span class=audit_status_class(a.status)>{r.audit_status(a.status)}</span></td>
                <td>{format_cst(a.submitted_at)}</td>
                <td>{a.finished_at.map(format_cst).unwrap_or_default()}</td>
                <td>{a.submitted_by_name.clone()}</td>
            </tr>
        }
    };
    view! {
        <section class="panel" data-testid="release-history">
            <h2>{r.history}</h2>
            <table class="table">
                <thead><tr>
                    <th>{r.auditid}</th><th>{r.user_version}</th><th>{r.status}</th>
                    <th>{r.submitted_at}</th><th>{r.finished_at}</th><th>{r.submitted_by}</th>
                </tr></thead>
                <tbody>{view.history.into_iter().map(row).collect_view()}</tbody>
            </table>
        </section>
    }
    .into_any()
}
