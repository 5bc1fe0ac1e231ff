//! Testers (体验者, permission set 18): who may open a mini program's experience version.
//! The rules the console checks before `bind_tester` (in the browser as one types and again
//! on the server), the limits per subject type, and what the testers page shows.
//!
//! Sources: the limits are the seed's (miniprogram-onboarding-guide.md, 绑定开发者: 个人主体
//! 10 个体验者, 未认证的组织类型 20, 已认证 40); the endpoints, fields and errcodes are from
//! WeChat's docs (docs/research/onboarding-apis.md §1). WeChat lists testers by `userstr`
//! only (memberauth never returns the WeChat ID), so the console names those it bound itself.

use super::merchant_permission::MerchantPermission;
use super::mini_program::SubjectType;
use super::release::Violation;
use super::validation::FieldProblem;
use serde::{Deserialize, Serialize};

/// The errcodes of bind_tester (api_bindtester.html) and unbind_tester (provisional).
pub mod errcode {
    /// 微信号不存在或微信号设置为不可搜索.
    pub const USER_NOT_FOUND: i64 = 85001;
    /// 小程序绑定的体验者数量达到上限.
    pub const LIMIT_REACHED: i64 = 85002;
    /// 微信号绑定的小程序体验者达到上限.
    pub const USER_TESTS_TOO_MANY: i64 = 85003;
    /// 微信号已经绑定.
    pub const ALREADY_BOUND: i64 = 85004;
    /// unbind_tester naming nobody (provisional, WxJava's table).
    pub const NOBODY_NAMED: i64 = 89033;
    /// unbind_tester with a userstr WeChat does not know (provisional, WxJava's table).
    pub const UNKNOWN_USERSTR: i64 = 89034;

    /// Where the page shows WeChat's answer: the bind form's WeChat ID field for what is
    /// about that person or the account's room, above the table for anything else.
    pub fn field_of(code: i64) -> &'static str {
        match code {
            USER_NOT_FOUND | LIMIT_REACHED | USER_TESTS_TOO_MANY | ALREADY_BOUND => "wechatid",
            _ => "unbind",
        }
    }
}

/// Personal accounts (个人主体): 10 testers.
pub const PERSONAL_LIMIT: usize = 10;
/// Organisations not (yet) verified (未认证的组织类型): 20.
pub const UNVERIFIED_LIMIT: usize = 20;
/// Verified accounts (已认证): 40. Only organisations can be verified (the same seed:
/// 个人类型帐号暂不支持微信认证).
pub const VERIFIED_LIMIT: usize = 40;

/// Longest text the WeChat ID field takes.
pub const WECHATID_MAX_CHARS: usize = 64;

/// How many testers an account may have (the seed's table).
pub fn tester_limit(subject: SubjectType, verified: bool) -> usize {
    match subject {
        SubjectType::Individual => PERSONAL_LIMIT,
        _ if verified => VERIFIED_LIMIT,
        _ => UNVERIFIED_LIMIT,
    }
}

/// What a person typed, as it is sent: surrounding spaces are not part of an ID.
pub fn normalize_wechatid(input: &str) -> String {
    input.trim().to_owned()
}

/// The console's own check of the WeChat ID field (WeChat has no errcode for it): not empty,
/// no whitespace inside, at most [`WECHATID_MAX_CHARS`]. Deliberately no more: a WeChat ID is
/// 6–20 letters, digits, `_` and `-` starting with a letter, but WeChat's search (which
/// bind_tester uses, hence 85001 "不可搜索") also finds people by phone or QQ number, and old
/// IDs predate today's rules; whether someone exists only WeChat can say (85001). Expects
/// [`normalize_wechatid`]'s output.
pub fn check_wechatid(wechatid: &str) -> Result<(), Violation> {
    if wechatid.is_empty() {
        Err(Violation::local("wechatid", FieldProblem::Required))
    } else if wechatid.chars().any(char::is_whitespace) {
        Err(Violation::local("wechatid", FieldProblem::TesterIdHasSpace))
    } else if wechatid.chars().count() > WECHATID_MAX_CHARS {
        Err(Violation::local(
            "wechatid",
            FieldProblem::TooLong {
                max: WECHATID_MAX_CHARS,
            },
        ))
    } else {
        Ok(())
    }
}

/// What the bind check needs besides the WeChat ID.
#[derive(Clone, Copy, Debug, Default)]
pub struct BindContext<'a> {
    /// Testers WeChat lists now (memberauth).
    pub count: usize,
    /// The account's limit ([`tester_limit`]).
    pub limit: usize,
    /// WeChat IDs the console knows are bound (its records of listed testers).
    pub bound: &'a [String],
}

/// Every rule the console can know before bind_tester: the field itself, an ID it knows is
/// bound (85004), no room left (85002).
pub fn check_bind(wechatid: &str, ctx: &BindContext<'_>) -> Result<(), Vec<Violation>> {
    let mut v = Vec::new();
    if let Err(problem) = check_wechatid(wechatid) {
        v.push(problem);
    } else if ctx.bound.iter().any(|b| b == wechatid) {
        v.push(Violation::new(
            "wechatid",
            FieldProblem::TesterAlreadyBound,
            errcode::ALREADY_BOUND,
        ));
    }
    if ctx.count >= ctx.limit {
        v.push(Violation::new(
            "wechatid",
            FieldProblem::TesterLimitReached { max: ctx.limit },
            errcode::LIMIT_REACHED,
        ));
    }
    if v.is_empty() {
        Ok(())
    } else {
        Err(v)
    }
}

/// A userstr for a table cell: WeChat's are 64 hex digits, too long to read; the full value
/// goes in the cell's title.
pub fn short_userstr(userstr: &str) -> String {
    let chars: Vec<char> = userstr.chars().collect();
    if chars.len() <= 14 {
        return userstr.to_owned();
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// One tester as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tester {
    pub userstr: String,
    /// Known when bound through the console; `None` for testers bound elsewhere.
    pub wechatid: Option<String>,
    /// The console user who bound them.
    pub bound_by: Option<String>,
    pub bound_at: Option<i64>,
}

/// One mini program's testers: WeChat's list, named where the console can.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestersView {
    pub appid: String,
    pub nick_name: String,
    pub subject: SubjectType,
    /// Whether WeChat says the account is verified; `None` when it could not be read (the
    /// limit then assumes verified, and WeChat's own 85002 decides).
    pub verified: Option<bool>,
    /// [`tester_limit`] of the account.
    pub limit: usize,
    /// In WeChat's order.
    pub testers: Vec<Tester>,
    /// What the signed-in user may do here (`None`: staff).
    pub grant: Option<MerchantPermission>,
}

impl TestersView {
    /// WeChat IDs the console knows are bound.
    pub fn bound_wechatids(&self) -> Vec<String> {
        self.testers
            .iter()
            .filter_map(|t| t.wechatid.clone())
            .collect()
    }

    /// [`check_bind`] against this list.
    pub fn check_bind(&self, wechatid: &str) -> Result<(), Vec<Violation>> {
        let bound = self.bound_wechatids();
        check_bind(
            &normalize_wechatid(wechatid),
            &BindContext {
                count: self.testers.len(),
                limit: self.limit,
                bound: &bound,
            },
        )
    }

    pub fn is_full(&self) -> bool {
        self.testers.len() >= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_subject_type() {
        assert_eq!(tester_limit(SubjectType::Individual, false), 10);
        assert_eq!(tester_limit(SubjectType::Individual, true), 10);
        for org in [
            SubjectType::Enterprise,
            SubjectType::IndividualBusiness,
            SubjectType::Government,
            SubjectType::Media,
            SubjectType::OtherOrganization,
        ] {
            assert_eq!(tester_limit(org, false), 20, "{org:?}");
            assert_eq!(tester_limit(org, true), 40, "{org:?}");
        }
    }

    fn problem(input: &str) -> Option<FieldProblem> {
        check_wechatid(&normalize_wechatid(input))
            .err()
            .map(|v| v.problem)
    }

    #[test]
    fn the_wechatid_field_accepts_what_wechat_search_might_find() {
        for ok in [
            "zhang_wei",
            "  li_na_88 ",
            "13800138000",
            "12345678",
            "Wang-Fang",
            "a",
        ] {
            assert_eq!(problem(ok), None, "{ok:?}");
        }
        assert_eq!(problem(""), Some(FieldProblem::Required));
        assert_eq!(problem("   "), Some(FieldProblem::Required));
        assert_eq!(problem("zhang wei"), Some(FieldProblem::TesterIdHasSpace));
        assert_eq!(problem("zhang\twei"), Some(FieldProblem::TesterIdHasSpace));
        assert_eq!(problem(&"a".repeat(64)), None);
        assert_eq!(
            problem(&"a".repeat(65)),
            Some(FieldProblem::TooLong { max: 64 })
        );
        // Local rules carry no errcode: WeChat has none for them.
        assert_eq!(check_wechatid("").err().and_then(|v| v.errcode), None);
    }

    #[test]
    fn bind_is_refused_for_a_known_tester_and_at_the_limit() {
        let bound = vec!["zhang_wei".to_owned()];
        let room = BindContext {
            count: 3,
            limit: 10,
            bound: &bound,
        };
        assert!(check_bind("li_na_88", &room).is_ok());
        let again = check_bind("zhang_wei", &room).unwrap_err();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].problem, FieldProblem::TesterAlreadyBound);
        assert_eq!(again[0].errcode, Some(errcode::ALREADY_BOUND));
        let full = BindContext { count: 10, ..room };
        let refused = check_bind("li_na_88", &full).unwrap_err();
        assert_eq!(
            refused[0].problem,
            FieldProblem::TesterLimitReached { max: 10 }
        );
        assert_eq!(refused[0].errcode, Some(errcode::LIMIT_REACHED));
        // Both at once, and an empty field with the limit reached.
        assert_eq!(check_bind("zhang_wei", &full).unwrap_err().len(), 2);
        assert_eq!(check_bind("", &full).unwrap_err().len(), 2);
    }

    #[test]
    fn wechat_codes_show_at_the_field_they_are_about() {
        for code in [85001, 85002, 85003, 85004] {
            assert_eq!(errcode::field_of(code), "wechatid");
        }
        assert_eq!(errcode::field_of(89034), "unbind");
        assert_eq!(errcode::field_of(-1), "unbind");
    }

    #[test]
    fn long_userstrs_are_shortened_for_the_table() {
        let full = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(short_userstr(full), "01234567…cdef");
        assert_eq!(short_userstr("short"), "short");
    }

    #[test]
    fn the_view_checks_against_its_own_list() {
        let tester = |id: Option<&str>| Tester {
            userstr: format!("u-{}", id.unwrap_or("x")),
            wechatid: id.map(str::to_owned),
            bound_by: None,
            bound_at: None,
        };
        let view = TestersView {
            appid: "wx0123456789abcdef".into(),
            nick_name: "体验".into(),
            subject: SubjectType::Individual,
            verified: Some(false),
            limit: 2,
            testers: vec![tester(Some("zhang_wei"))],
            grant: None,
        };
        assert_eq!(view.bound_wechatids(), vec!["zhang_wei".to_owned()]);
        assert!(view.check_bind(" li_na_88 ").is_ok());
        assert!(view.check_bind("zhang_wei").is_err());
        assert!(!view.is_full());
        let full = TestersView {
            testers: vec![tester(Some("zhang_wei")), tester(None)],
            ..view
        };
        assert!(full.is_full());
        assert!(full.check_bind("li_na_88").is_err());
    }
}
