use super::auth::{Role, PASSWORD_MAX};
use super::validation::{Checker, FieldError, FieldProblem};
use serde::{Deserialize, Serialize};

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_LIMIT: usize = 32;
pub const DISPLAY_NAME_MAX: usize = 64;
/// NIST SP 800-63B: at least 8; we ask for 10 since these accounts run a whole fleet.
pub const PASSWORD_MIN: usize = 10;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub merchant_id: Option<i64>,
    pub password: String,
}

pub fn validate_username(c: &mut Checker, username: &str) {
    c.text("username", username, USERNAME_MIN, USERNAME_LIMIT);
    if !c.has("username")
        && !username.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
        })
    {
        c.add("username", FieldProblem::InvalidChars);
    }
}

pub fn validate_password(c: &mut Checker, field: &str, password: &str) {
    c.text(field, password, PASSWORD_MIN, PASSWORD_MAX);
}

/// A merchant user must belong to a merchant account; staff must not.
pub fn validate_role_and_merchant(c: &mut Checker, role: &str, merchant_id: Option<i64>) {
    match Role::parse(role) {
        None => c.add("role", FieldProblem::UnknownValue),
        Some(Role::Merchant) if merchant_id.is_none() => {
            c.add("merchant_id", FieldProblem::MerchantRequired)
        }
        Some(Role::Admin | Role::Operator) if merchant_id.is_some() => {
            c.add("merchant_id", FieldProblem::MerchantNotAllowed)
        }
        Some(_) => {}
    }
}

pub fn validate_new_user(u: &NewUser) -> Result<(), Vec<FieldError>> {
    let mut c = Checker::new();
    validate_username(&mut c, &u.username);
    c.text("display_name", &u.display_name, 1, DISPLAY_NAME_MAX);
    validate_role_and_merchant(&mut c, &u.role, u.merchant_id);
    validate_password(&mut c, "password", &u.password);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> NewUser {
        NewUser {
            username: "ops.li".into(),
            display_name: "李运营".into(),
            role: "operator".into(),
            merchant_id: None,
            password: "correct horse".into(),
        }
    }

    fn problems(u: &NewUser) -> Vec<(String, FieldProblem)> {
        validate_new_user(u)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect()
    }

    #[test]
    fn a_good_user_passes() {
        assert!(validate_new_user(&user()).is_ok());
    }

    #[test]
    fn username_charset_and_length() {
        let mut u = user();
        u.username = "Ops Li".into();
        assert_eq!(
            problems(&u),
            vec![("username".into(), FieldProblem::InvalidChars)]
        );
        u.username = "ab".into();
        assert_eq!(
            problems(&u),
            vec![("username".into(), FieldProblem::TooShort { min: 3 })]
        );
        u.username = "a".repeat(33);
        assert_eq!(
            problems(&u),
            vec![("username".into(), FieldProblem::TooLong { max: 32 })]
        );
    }

    #[test]
    fn merchant_role_needs_a_merchant_and_staff_must_not_have_one() {
        let mut u = user();
        u.role = "merchant".into();
        assert_eq!(
            problems(&u),
            vec![("merchant_id".into(), FieldProblem::MerchantRequired)]
        );
        u.merchant_id = Some(1);
        assert!(problems(&u).is_empty());
        u.role = "admin".into();
        assert_eq!(
            problems(&u),
            vec![("merchant_id".into(), FieldProblem::MerchantNotAllowed)]
        );
        u.role = "superuser".into();
        assert_eq!(
            problems(&u),
            vec![("role".into(), FieldProblem::UnknownValue)]
        );
    }

    #[test]
    fn password_bounds() {
        let mut u = user();
        u.password = "short".into();
        assert_eq!(
            problems(&u),
            vec![("password".into(), FieldProblem::TooShort { min: 10 })]
        );
        u.password = "x".repeat(129);
        assert_eq!(
            problems(&u),
            vec![("password".into(), FieldProblem::TooLong { max: 128 })]
        );
    }
}
