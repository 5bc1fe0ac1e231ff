//! The commit form: which template, which ext_json, and the version label people will see.

use super::errcode::INVALID_TEMPLATE_ID;
use super::ext_json::{ExtJson, JsonObject};
use super::ext_json_rules::check_ext_json;
use super::Violation;
use crate::domain::validation::FieldProblem;
use serde::{Deserialize, Serialize};

/// "代码版本号…长度不要超过 64 个字符".
pub const USER_VERSION_MAX: usize = 64;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitForm {
    pub template_id: Option<i64>,
    /// The raw text typed or generated; blank means no ext_json.
    pub ext_json: String,
    pub user_version: String,
    /// Free text: the specification sets no limit and does not require it.
    pub user_desc: String,
}

/// `template_ids` are the templates of the code library (gettemplatelist), when loaded;
/// `template_app_json` is the chosen template's app.json, when known.
pub fn check_commit(
    form: &CommitForm,
    template_ids: Option<&[i64]>,
    template_app_json: Option<&JsonObject>,
) -> Result<ExtJson, Vec<Violation>> {
    let mut violations = Vec::new();
    match form.template_id {
        None => violations.push(Violation::new(
            "template_id",
            FieldProblem::Required,
            INVALID_TEMPLATE_ID,
        )),
        Some(id) if id < 0 || template_ids.is_some_and(|ids| !ids.contains(&id)) => violations
            .push(Violation::new(
                "template_id",
                FieldProblem::UnknownValue,
                INVALID_TEMPLATE_ID,
            )),
        Some(_) => {}
    }
    let version = form.user_version.trim();
    if version.is_empty() {
        violations.push(Violation::local("user_version", FieldProblem::Required));
    } else if version.chars().count() > USER_VERSION_MAX {
        violations.push(Violation::local(
            "user_version",
            FieldProblem::TooLong {
                max: USER_VERSION_MAX,
            },
        ));
    }
    let ext = check_ext_json(&form.ext_json, template_app_json);
    match ext {
        Ok(ext) if violations.is_empty() => Ok(ext),
        Ok(_) => Err(violations),
        Err(mut ext_violations) => {
            violations.append(&mut ext_violations);
            Err(violations)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::errcode::EXT_JSON_UNPARSABLE;
    use super::*;

    fn form() -> CommitForm {
        CommitForm {
            template_id: Some(3),
            ext_json: r#"{"extAppid":"wx1"}"#.into(),
            user_version: "V1.0".into(),
            user_desc: "test".into(),
        }
    }

    fn faults(f: &CommitForm) -> Vec<(String, FieldProblem, Option<i64>)> {
        check_commit(f, Some(&[1, 3]), None)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.field, v.problem, v.errcode))
            .collect()
    }

    #[test]
    fn a_good_commit_passes_and_returns_the_parsed_ext_json() {
        let ext = check_commit(&form(), Some(&[1, 3]), None).unwrap();
        assert_eq!(ext.ext_appid.as_deref(), Some("wx1"));
        let mut f = form();
        f.user_desc.clear();
        f.ext_json.clear();
        assert!(faults(&f).is_empty());
    }

    #[test]
    fn a_template_must_be_chosen_from_the_library_85014() {
        let mut f = form();
        f.template_id = None;
        assert_eq!(
            faults(&f),
            vec![("template_id".into(), FieldProblem::Required, Some(85014))]
        );
        f.template_id = Some(2);
        assert_eq!(
            faults(&f),
            vec![(
                "template_id".into(),
                FieldProblem::UnknownValue,
                Some(85014)
            )]
        );
        // Before the library is loaded, any id is accepted.
        assert!(check_commit(&f, None, None).is_ok());
    }

    #[test]
    fn user_version_is_required_and_at_most_64_characters() {
        let mut f = form();
        f.user_version = "  ".into();
        assert_eq!(
            faults(&f),
            vec![("user_version".into(), FieldProblem::Required, None)]
        );
        f.user_version = "版".repeat(64);
        assert!(faults(&f).is_empty());
        f.user_version = "版".repeat(65);
        assert_eq!(
            faults(&f),
            vec![(
                "user_version".into(),
                FieldProblem::TooLong { max: 64 },
                None
            )]
        );
    }

    #[test]
    fn reports_form_and_ext_json_problems_together() {
        let mut f = form();
        f.user_version.clear();
        f.ext_json = "{".into();
        let all = faults(&f);
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].2, Some(EXT_JSON_UNPARSABLE));
    }
}
