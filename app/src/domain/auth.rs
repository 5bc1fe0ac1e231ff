use super::validation::{Checker, FieldError};
use serde::{Deserialize, Serialize};

pub const USERNAME_MAX: usize = 64;
/// Caps the work argon2 does for a single request.
pub const PASSWORD_MAX: usize = 128;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Operator,
    Merchant,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Operator, Role::Merchant];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Merchant => "merchant",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Admins and operators run the whole fleet; merchants see their own mini programs.
    pub fn sees_whole_fleet(self) -> bool {
        matches!(self, Role::Admin | Role::Operator)
    }

    pub fn manages_users(self) -> bool {
        self == Role::Admin
    }
}

/// Checks the shape of a login form before any lookup happens.
pub fn validate_login(username: &str, password: &str) -> Result<(), Vec<FieldError>> {
    let mut c = Checker::new();
    c.text("username", username, 1, USERNAME_MAX);
    c.text("password", password, 1, PASSWORD_MAX);
    c.finish()
}

/// Only same-site relative paths are accepted as the post-login destination (no open redirect).
pub fn safe_next_path(next: &str) -> &str {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
        && !next.contains(['\r', '\n']);
    if ok {
        next
    } else {
        "/apps"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldProblem;

    #[test]
    fn role_round_trips() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_staff_see_the_fleet() {
        assert!(Role::Admin.sees_whole_fleet());
        assert!(Role::Operator.sees_whole_fleet());
        assert!(!Role::Merchant.sees_whole_fleet());
        assert!(Role::Admin.manages_users());
        assert!(!Role::Operator.manages_users());
    }

    #[test]
    fn login_fields_are_required_and_bounded() {
        let errs = validate_login("", "").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(errs.iter().all(|e| e.problem == FieldProblem::Required));
        let errs = validate_login(&"u".repeat(65), &"p".repeat(129)).unwrap_err();
        assert_eq!(errs[0].problem, FieldProblem::TooLong { max: 64 });
        assert_eq!(errs[1].problem, FieldProblem::TooLong { max: 128 });
        assert!(validate_login("admin", "secret").is_ok());
    }

    #[test]
    fn next_path_never_leaves_the_site() {
        assert_eq!(safe_next_path("/apps?page=2"), "/apps?page=2");
        assert_eq!(safe_next_path("//evil.example"), "/apps");
        assert_eq!(safe_next_path("https://evil.example"), "/apps");
        assert_eq!(safe_next_path("/\\evil.example"), "/apps");
        assert_eq!(safe_next_path("/login"), "/apps");
        assert_eq!(safe_next_path(""), "/apps");
    }
}
