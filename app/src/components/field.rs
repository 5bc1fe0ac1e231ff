//! The one way a form shows a field's messages, right under the field.
//!
//! The rule, the same in every form: the local check's messages win, because they describe
//! what is in the field now; without them, the last server answer's messages for the field
//! are shown — its field errors, and the WeChat error when the form maps that errcode to the
//! field. A rule with a WeChat errcode shows it, e.g. "不能为空（错误码 85014）".

use crate::domain::release::Violation;
use crate::error::AppError;
use crate::i18n::{use_texts, Texts};
use leptos::prelude::*;

/// Where a form places WeChat's errcodes (each feature's `errcode::field_of`).
pub type ErrcodeField = fn(i64) -> &'static str;

/// The translated problem of a local rule, with WeChat's errcode when the rule has one.
pub fn violation_text(t: &Texts, v: &Violation) -> String {
    let problem = t.problem(&v.problem);
    match v.errcode {
        Some(code) => format!(
            "{problem}{}",
            (t.paren)(&format!("{} {code}", t.release.errcode))
        ),
        None => problem,
    }
}

/// The messages of `field`: the local check's, else the server answer's (see the module).
pub fn field_messages(
    t: &'static Texts,
    local: &[Violation],
    server: Option<&AppError>,
    field: &str,
    errcode_field: Option<ErrcodeField>,
) -> Vec<String> {
    let mine: Vec<String> = local
        .iter()
        .filter(|v| v.field == field)
        .map(|v| violation_text(t, v))
        .collect();
    if !mine.is_empty() {
        return mine;
    }
    match server {
        Some(AppError::Invalid(errors)) => errors
            .iter()
            .filter(|e| e.field == field)
            .map(|e| t.problem(&e.problem))
            .collect(),
        Some(e @ AppError::Wechat { errcode, .. })
            if errcode_field.is_some_and(|at| at(*errcode) == field) =>
        {
            vec![e.message(t)]
        }
        _ => Vec::new(),
    }
}

/// A field's messages, under it (nothing when there are none).
pub fn show_messages(testid: String, messages: Vec<String>) -> impl IntoView {
    (!messages.is_empty()).then(|| {
        view! {
            <p class="field-error" role="alert" data-testid=testid>{messages.join(use_texts().list_separator)}</p>
        }
    })
}

/// A field's messages for a page written by a template: what [`show_messages`] draws.
pub fn messages_html(t: &Texts, testid: &str, messages: &[String]) -> maud::Markup {
    maud::html! {
        @if !messages.is_empty() {
            p class="field-error" role="alert" data-testid=(testid) { (messages.join(t.list_separator)) }
        }
    }
}

/// The messages of one field of a form checked on the server only (test id `error-{field}`).
#[component]
pub fn FieldMessage(
    #[prop(into)] error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl IntoView {
    let t = use_texts();
    move || {
        show_messages(
            format!("error-{field}"),
            error.with(|e| field_messages(t, &[], e.as_ref(), field, None)),
        )
    }
}

/// A server answer in words: field problems joined, anything else as its message.
pub fn error_text(t: &Texts, e: &AppError) -> String {
    match e {
        AppError::Invalid(errors) => errors
            .iter()
            .map(|e| t.problem(&e.problem))
            .collect::<Vec<_>>()
            .join(t.list_separator),
        other => other.message(t),
    }
}

/// A banner for errors that do not belong to one field.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_texts();
    move || {
        error.get().map(|e| {
            view! { <p class="form-error" data-testid="form-error" role="alert">{e.message(t)}</p> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::{FieldError, FieldProblem};
    use crate::i18n::Locale;

    fn server_says(field: &str) -> AppError {
        AppError::Invalid(vec![FieldError::new(
            field,
            FieldProblem::TooLong { max: 9 },
        )])
    }

    fn wechat(errcode: i64) -> AppError {
        AppError::Wechat {
            errcode,
            zh: "页面不存在".into(),
            en: "page does not exist".into(),
            rid: None,
        }
    }

    fn place(code: i64) -> &'static str {
        if code == 41030 {
            "page"
        } else {
            "send"
        }
    }

    #[test]
    fn the_local_check_wins_over_the_last_answer() {
        let t = Locale::ZhCn.texts();
        let local = [Violation::new("page", FieldProblem::Required, 85014)];
        let shown = field_messages(t, &local, Some(&server_says("page")), "page", None);
        assert_eq!(shown, vec![violation_text(t, &local[0])]);
        assert!(shown[0].contains("85014"), "{shown:?}");
    }

    #[test]
    fn without_a_local_problem_the_server_answer_shows_for_its_field_only() {
        let t = Locale::ZhCn.texts();
        let answer = server_says("title");
        assert_eq!(
            field_messages(t, &[], Some(&answer), "title", None),
            vec![t.problem(&FieldProblem::TooLong { max: 9 })]
        );
        assert!(field_messages(t, &[], Some(&answer), "page", None).is_empty());
        let other = [Violation::local("title", FieldProblem::Required)];
        assert!(field_messages(t, &other, Some(&answer), "page", None).is_empty());
    }

    #[test]
    fn a_wechat_error_shows_at_the_field_the_form_maps_it_to() {
        let t = Locale::ZhCn.texts();
        let e = wechat(41030);
        assert_eq!(
            field_messages(t, &[], Some(&e), "page", Some(place)),
            vec![e.message(t)]
        );
        assert!(field_messages(t, &[], Some(&e), "send", Some(place)).is_empty());
        assert!(field_messages(t, &[], Some(&e), "page", None).is_empty());
    }
}
