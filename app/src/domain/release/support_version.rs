//! The minimum base-library version (setweappsupportversion): a version WeChat knows,
//! written as dotted numbers (85015 otherwise).

use super::errcode::INVALID_SUPPORT_VERSION;
use super::Violation;
use crate::domain::validation::FieldProblem;

/// `known` are the versions getweappsupportversion listed, when loaded.
pub fn check_support_version(version: &str, known: Option<&[String]>) -> Result<(), Violation> {
    let version = version.trim();
    let problem = if version.is_empty() {
        Some(FieldProblem::Required)
    } else if !is_dotted_numbers(version) {
        Some(FieldProblem::InvalidChars)
    } else if known.is_some_and(|k| !k.iter().any(|v| v == version)) {
        Some(FieldProblem::UnknownValue)
    } else {
        None
    };
    match problem {
        Some(p) => Err(Violation::new(
            "support_version",
            p,
            INVALID_SUPPORT_VERSION,
        )),
        None => Ok(()),
    }
}

fn is_dotted_numbers(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    (2..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_dotted_numbers_85015() {
        assert!(check_support_version("2.30.0", None).is_ok());
        for bad in ["", "  ", "v2", "2", "2..1", "2.a.0", "1.2.3.4.5"] {
            let v = check_support_version(bad, None).unwrap_err();
            assert_eq!(v.errcode, Some(85015), "{bad}");
            assert_eq!(v.field, "support_version");
        }
    }

    #[test]
    fn must_be_a_version_wechat_lists_when_known() {
        let known = vec!["2.30.0".to_string(), "3.0.0".to_string()];
        assert!(check_support_version("3.0.0", Some(&known)).is_ok());
        assert_eq!(
            check_support_version("2.31.0", Some(&known))
                .unwrap_err()
                .problem,
            FieldProblem::UnknownValue
        );
    }
}
