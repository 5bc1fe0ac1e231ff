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

/// Only same-origin paths are accepted as the post-login destination (no open redirect).
///
/// Browsers strip tabs and newlines from URLs and read `\\` as `/`, so `/\t/evil.example`
/// or `/\\evil.example` become `//evil.example`: another host. The rule is therefore strict
/// and applied to the decoded value, on the server's redirect and the browser's
/// `location.assign` alike: visible ASCII only (no control characters, spaces or
/// non-ASCII; paths arrive percent-encoded), no backslash anywhere, one leading `/` and
/// not two, and not the login page itself.
pub fn safe_next_path(next: &str) -> &str {
    let visible_ascii = next.bytes().all(|b| (0x21..0x7f).contains(&b));
    let ok = visible_ascii
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next != "/login"
        && !next.starts_with("/login?")
        && !next.starts_with("/login/");
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
        assert_eq!(safe_next_path("/login?next=/apps"), "/apps");
        assert_eq!(safe_next_path(""), "/apps");
        assert_eq!(safe_next_path("/loginx"), "/loginx");
        assert_eq!(safe_next_path("/%2F/evil.example"), "/%2F/evil.example");
    }

    /// The usual bypass list, as the server sees `next` after one percent-decoding.
    #[test]
    fn next_path_refuses_the_bypass_list() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/\t\t//evil.example",
            "\t//evil.example",
            " //evil.example",
            "/ /evil.example",
            "\\\\evil.example",
            "/\\evil.example",
            "/apps\\..\\\\evil.example",
            "///evil.example",
            "//evil.example/apps",
            "https:evil.example",
            "http://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "/\u{2028}/evil.example",
            "/\u{3000}/evil.example",
            "/\u{ff0f}evil.example",
        ] {
            assert_eq!(safe_next_path(bad), "/apps", "{bad:?} must be refused");
        }
        for good in [
            "/apps",
            "/apps/wx0123456789abcdef/release?tab=2",
            "/audit?q=%E4%B8%AD",
        ] {
            assert_eq!(safe_next_path(good), good);
        }
    }
}
