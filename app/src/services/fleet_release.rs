//! The fleet release view and its CSV export: staff see every mini program, a merchant only
//! its own (the same query, scoped in the database).

use super::mini_programs::scope_of;
use super::AppState;
use crate::db;
use crate::domain::fleet_release::{csv_line, total_of, FleetQuery, FleetView};
use crate::error::AppError;
use crate::i18n::Texts;
use crate::model::CurrentUser;

/// At most this many rows in one export.
pub const CSV_MAX_ROWS: i64 = 50_000;

pub async fn view(
    state: &AppState,
    user: &CurrentUser,
    q: FleetQuery,
) -> Result<FleetView, AppError> {
    let scope = scope_of(user)?;
    let q = q.normalized();
    let items = db::fleet_release::list(&state.db, scope, &q).await?;
    let counts = db::fleet_release::counts(&state.db, scope, &q).await?;
    let total = total_of(&counts, &q.state);
    Ok(FleetView {
        items,
        total,
        page: q.page.page,
        per_page: q.page.per_page,
        counts,
        now: db::now(),
    })
}

/// The filtered, sorted fleet as CSV: UTF-8 with a BOM (so Excel reads the Chinese names),
/// CRLF lines, RFC 4180 quoting, headers in the reader's language.
pub async fn csv(
    state: &AppState,
    user: &CurrentUser,
    q: FleetQuery,
    t: &'static Texts,
) -> Result<String, AppError> {
    let scope = scope_of(user)?;
    let q = q.normalized();
    let rows = db::fleet_release::all(&state.db, scope, &q, CSV_MAX_ROWS).await?;
    let now = db::now();
    let mut out = String::from("\u{feff}");
    out.push_str(&csv_line(
        &[
            t.col_appid,
            t.col_mini_program,
            t.col_merchant,
            t.fleet_col_state,
            t.fleet_col_online,
            t.fleet_col_audit_version,
            t.fleet_col_audit_secs,
            t.fleet_col_gray,
            t.fleet_col_rejection,
            t.fleet_col_template,
        ]
        .map(str::to_owned),
    ));
    for r in rows {
        let auditing = r.release_state == "auditing";
        let with_version = crate::domain::fleet_release::shows_audit_version(&r.release_state);
        out.push_str(&csv_line(&[
            r.appid,
            r.nick_name,
            r.merchant_name.unwrap_or_default(),
            r.release_state,
            r.online_version.unwrap_or_default(),
            if with_version {
                r.audit_version.unwrap_or_default()
            } else {
                String::new()
            },
            match (auditing, r.audit_submitted_at) {
                (true, Some(at)) => (now - at).max(0).to_string(),
                _ => String::new(),
            },
            r.gray_percentage.map(|g| g.to_string()).unwrap_or_default(),
            crate::domain::text::joined(&r.last_rejection.unwrap_or_default(), "\n"),
            r.template_id.map(|t| t.to_string()).unwrap_or_default(),
        ]));
    }
    Ok(out)
}
