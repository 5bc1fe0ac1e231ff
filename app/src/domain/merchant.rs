use super::validation::{Checker, FieldError};

pub const MERCHANT_NAME_MAX: usize = 64;
/// Upper bound on one "assign mini programs" request, so a form cannot post an unbounded list.
pub const ASSIGN_BATCH_MAX: usize = 500;

pub fn validate_merchant_name(name: &str) -> Result<(), Vec<FieldError>> {
    let mut c = Checker::new();
    c.text("name", name, 1, MERCHANT_NAME_MAX);
    c.finish()
}

/// Splits a pasted list of AppIDs (commas, spaces or new lines), dropping duplicates.
pub fn parse_appid_list(input: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in input.split(|c: char| c == ',' || c == '，' || c.is_whitespace()) {
        let id = id.trim();
        if !id.is_empty() && !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldProblem;

    #[test]
    fn name_is_trimmed_required_and_bounded() {
        assert_eq!(
            validate_merchant_name("  ").unwrap_err()[0].problem,
            FieldProblem::Required
        );
        assert!(validate_merchant_name("星巴克华东").is_ok());
        assert_eq!(
            validate_merchant_name(&"商".repeat(65)).unwrap_err()[0].problem,
            FieldProblem::TooLong { max: 64 }
        );
    }

    #[test]
    fn appid_lists_split_on_any_separator() {
        assert_eq!(
            parse_appid_list("wx1, wx2\nwx3，wx1  "),
            vec!["wx1".to_string(), "wx2".into(), "wx3".into()]
        );
        assert!(parse_appid_list(" \n ").is_empty());
    }
}
