use super::*;

fn rule(prefix: &str, permit: i64) -> QrRule {
    QrRule {
        prefix: prefix.into(),
        permit_sub_rule: permit,
        path: "pages/index/index".into(),
        open_version: 1,
        debug_url: vec![],
        state: 1,
    }
}

fn form(prefix: &str) -> QrRuleForm {
    QrRuleForm {
        prefix: prefix.into(),
        path: "pages/index/index".into(),
        debug_url: vec![format!("{prefix}?a=1")],
        ..QrRuleForm::default()
    }
}

fn codes(f: &QrRuleForm, ctx: &RuleContext<'_>) -> Vec<(String, Option<i64>)> {
    check_rule(f, ctx)
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.field, v.errcode))
        .collect()
}

const PAGES: [&str; 2] = ["pages/index/index", "pages/menu/menu"];

fn pages() -> Vec<String> {
    PAGES.iter().map(|p| (*p).to_owned()).collect()
}

#[test]
fn a_good_rule_passes() {
    let pages = pages();
    let ctx = RuleContext {
        pages: Some(&pages),
        ..Default::default()
    };
    assert_eq!(
        check_rule(&form("https://shop.example.com/q"), &ctx),
        Ok(())
    );
}

#[test]
fn each_rule_of_section_14_names_its_field_and_errcode() {
    let ctx = RuleContext::default();
    assert_eq!(
        codes(&form("shop.example.com/q"), &ctx)[0],
        ("prefix".into(), Some(errcode::LINK_MALFORMED))
    );
    let mut f = form("https://shop.example.com/q");
    f.debug_url = vec!["https://shop.example.com/other".into()];
    assert_eq!(
        codes(&f, &ctx),
        vec![("debug_url.0".into(), Some(errcode::DEBUG_NOT_UNDER_PREFIX))]
    );
    f.debug_url = vec!["not a link".into()];
    assert_eq!(
        codes(&f, &ctx),
        vec![("debug_url.0".into(), Some(errcode::LINK_MALFORMED))]
    );
    f.debug_url = (0..6)
        .map(|i| format!("https://shop.example.com/q?a={i}"))
        .collect();
    assert_eq!(codes(&f, &ctx)[0].0, "debug_url");
    f.debug_url = (0..5)
        .map(|i| format!("https://shop.example.com/q?a={i}"))
        .collect();
    assert_eq!(check_rule(&f, &ctx), Ok(()));

    let rules = vec![rule("https://shop.example.com/q", 1)];
    let with_rules = RuleContext {
        rules: &rules,
        ..Default::default()
    };
    assert_eq!(
        codes(&form("https://shop.example.com/q"), &with_rules),
        vec![("prefix".into(), Some(errcode::ALREADY_ADDED))]
    );
    let mut edit = form("https://shop.example.com/q");
    edit.is_edit = true;
    assert_eq!(check_rule(&edit, &with_rules), Ok(()));
    edit.prefix = "https://shop.example.com/none".into();
    edit.debug_url.clear();
    assert_eq!(codes(&edit, &with_rules)[0].0, "prefix");

    let full: Vec<QrRule> = (0..RULES_MAX)
        .map(|i| rule(&format!("https://shop.example.com/r{i}"), 1))
        .collect();
    let full_ctx = RuleContext {
        rules: &full,
        ..Default::default()
    };
    assert_eq!(
        codes(&form("https://shop.example.com/new"), &full_ctx),
        vec![("prefix".into(), Some(errcode::RULES_FULL))]
    );
    // Editing within a full list is fine.
    let mut edit_full = form("https://shop.example.com/r0");
    edit_full.debug_url.clear();
    edit_full.is_edit = true;
    assert_eq!(check_rule(&edit_full, &full_ctx), Ok(()));

    let personal = RuleContext {
        personal: true,
        ..Default::default()
    };
    assert_eq!(
        codes(&form("https://shop.example.com/q"), &personal),
        vec![("prefix".into(), Some(errcode::PERSONAL_SUBJECT))]
    );
}

#[test]
fn prefixes_taken_by_other_mini_programs() {
    let taken = vec![
        TakenPrefix {
            prefix: "https://shop.example.com/a".into(),
            permit_sub_rule: 2,
        },
        TakenPrefix {
            prefix: "https://shop.example.com/b/c".into(),
            permit_sub_rule: 1,
        },
    ];
    let ctx = RuleContext {
        taken: &taken,
        ..Default::default()
    };
    let taken_code = vec![("prefix".to_owned(), Some(errcode::TAKEN))];
    // The same prefix, one below an owned prefix, an owned prefix above another's.
    assert_eq!(codes(&form("https://shop.example.com/a"), &ctx), taken_code);
    assert_eq!(
        codes(&form("https://shop.example.com/a/x"), &ctx),
        taken_code
    );
    let mut owning = form("https://shop.example.com/b");
    owning.permit_sub_rule = 2;
    assert_eq!(codes(&owning, &ctx), taken_code);
    // Not owning: a shorter prefix above another's shared one is allowed.
    assert_eq!(
        check_rule(&form("https://shop.example.com/b"), &ctx),
        Ok(())
    );
}

#[test]
fn page_and_choices() {
    let pages = pages();
    let ctx = RuleContext {
        pages: Some(&pages),
        ..Default::default()
    };
    let mut f = form("https://shop.example.com/q");
    f.path = "pages/nope/nope".into();
    assert_eq!(codes(&f, &ctx), vec![("path".into(), None)]);
    f.path = String::new();
    assert_eq!(codes(&f, &ctx), vec![("path".into(), None)]);
    // Unknown pages: WeChat decides.
    f.path = "pages/nope/nope".into();
    assert_eq!(check_rule(&f, &RuleContext::default()), Ok(()));
    f.path = "pages/index/index".into();
    f.permit_sub_rule = 3;
    f.open_version = 4;
    let fields: Vec<String> = codes(&f, &ctx).into_iter().map(|c| c.0).collect();
    assert_eq!(fields, vec!["permit_sub_rule", "open_version"]);
}

#[test]
fn normalizing_drops_blank_debug_lines_and_the_leading_slash() {
    let f = QrRuleForm {
        prefix: "  https://shop.example.com/q ".into(),
        path: "/pages/index/index".into(),
        debug_url: vec![" ".into(), "https://shop.example.com/q?a=1 ".into()],
        ..QrRuleForm::default()
    }
    .normalized();
    assert_eq!(f.prefix, "https://shop.example.com/q");
    assert_eq!(f.path, "pages/index/index");
    assert_eq!(f.debug_url, vec!["https://shop.example.com/q?a=1"]);
}

#[test]
fn publishing_needs_released_code_a_company_and_quota() {
    assert_eq!(check_publish(true, false, 1), Ok(()));
    let code = |r: Result<(), Violation>| r.err().and_then(|v| v.errcode);
    assert_eq!(
        code(check_publish(false, false, 5)),
        Some(errcode::NOT_RELEASED)
    );
    assert_eq!(
        code(check_publish(true, true, 5)),
        Some(errcode::PERSONAL_SUBJECT)
    );
    assert_eq!(
        code(check_publish(true, false, 0)),
        Some(errcode::PUBLISH_QUOTA_USED)
    );
}

#[test]
fn the_matcher_is_the_shared_one() {
    let rules = vec![
        rule("https://shop.example.com/", 1),
        rule("https://shop.example.com/x/", 2),
        rule("https://shop.example.com/x/y/", 1),
        rule("https://shop.example.com/a/", 1),
    ];
    let opened = |u: &str| matching_rule(&rules, u).map(|r| r.prefix.as_str());
    assert_eq!(
        opened("https://shop.example.com/a/1"),
        Some("https://shop.example.com/a/")
    );
    assert_eq!(
        opened("https://shop.example.com/x/y/1"),
        Some("https://shop.example.com/x/")
    );
    assert_eq!(opened("https://elsewhere.example.com/"), None);
}

#[test]
fn templates_fill_every_variable_and_encode_values() {
    let values = TemplateValues {
        appid: "wx0123456789abcdef".into(),
        name: "星辰 咖啡".into(),
        merchant_id: Some(7),
        merchant_name: Some("星辰".into()),
    };
    assert_eq!(
        fill_template("https://shop.example.com/{appid}/", &values),
        Ok("https://shop.example.com/wx0123456789abcdef/".into())
    );
    assert_eq!(
        fill_template(
            "https://s.example.com/{merchant.id}/{ name }?m={merchant.name}",
            &values
        ),
        Ok(
            "https://s.example.com/7/%E6%98%9F%E8%BE%B0%20%E5%92%96%E5%95%A1?m=%E6%98%9F%E8%BE%B0"
                .into()
        )
    );
    assert_eq!(
        fill_template("https://s.example.com/{nope}", &values),
        Err(TemplateProblem::UnknownVariable("nope".into()))
    );
    assert_eq!(
        fill_template("https://s.example.com/{appid", &values),
        Err(TemplateProblem::Unclosed)
    );
    let no_merchant = TemplateValues {
        merchant_id: None,
        merchant_name: None,
        ..values
    };
    assert_eq!(
        fill_template("https://s.example.com/{merchant.name}", &no_merchant),
        Err(TemplateProblem::NoValue("merchant.name".into()))
    );
    let filled = fill_template("https://s.example.com/{name}/", &no_merchant).unwrap();
    assert!(parse_link(&filled).is_some());
}
