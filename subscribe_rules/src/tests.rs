use super::*;

fn ok(rule: Rule, v: &str) -> bool {
    rule.check(v).is_ok()
}

#[test]
fn keys_name_the_type_and_the_keyword() {
    assert_eq!(Rule::of_key("thing1"), Some((Rule::Thing, 1)));
    assert_eq!(
        Rule::of_key("character_string12"),
        Some((Rule::CharacterString, 12))
    );
    assert_eq!(Rule::of_key("phone_number3"), Some((Rule::PhoneNumber, 3)));
    assert_eq!(Rule::of_key("thing"), None);
    assert_eq!(Rule::of_key("keyword1"), None);
    assert_eq!(Rule::of_key("thing1x"), None);
    for rule in Rule::ALL {
        assert_eq!(Rule::parse(rule.as_str()), Some(rule));
        assert_eq!(Rule::of_key(&rule.key(7)), Some((rule, 7)));
    }
    assert_eq!(
        content_line("订单号", Rule::CharacterString, 1),
        "订单号:{{character_string1.DATA}}"
    );
}

#[test]
fn value_rules_follow_the_documented_table() {
    // thing: 20 characters of anything.
    assert!(ok(Rule::Thing, "拿铁咖啡×1 (大杯)"));
    assert!(ok(Rule::Thing, &"字".repeat(20)));
    assert_eq!(
        Rule::Thing.check(&"字".repeat(21)),
        Err(ValueProblem::TooLong { max: 20 })
    );
    assert_eq!(Rule::Thing.check("  "), Err(ValueProblem::Empty));
    // number: digits, a decimal part allowed.
    assert!(ok(Rule::Number, "3") && ok(Rule::Number, "12.50"));
    assert!(!ok(Rule::Number, "3杯") && !ok(Rule::Number, "1.2.3") && !ok(Rule::Number, ".5"));
    assert!(!ok(Rule::Number, &"1".repeat(33)));
    // letter, symbol, character_string.
    assert!(ok(Rule::Letter, "VIP") && !ok(Rule::Letter, "VIP1"));
    assert!(ok(Rule::Symbol, "%") && ok(Rule::Symbol, "+-") && !ok(Rule::Symbol, "a%"));
    assert!(!ok(Rule::Symbol, "!!!!!!"));
    assert!(ok(Rule::CharacterString, "DD-2024_0001#A"));
    assert!(!ok(Rule::CharacterString, "订单1") && !ok(Rule::CharacterString, "a b"));
    // time and date.
    assert!(ok(Rule::Time, "15:01") && ok(Rule::Time, "2019年10月1日 15:01"));
    assert!(ok(Rule::Time, "2019-10-01 15:01:30"));
    assert!(
        !ok(Rule::Time, "25:00") && !ok(Rule::Time, "下午三点") && !ok(Rule::Time, "2019年10月1日")
    );
    assert!(ok(Rule::Date, "2019年10月1日") && ok(Rule::Date, "2019年10月1日 15:01"));
    assert!(
        ok(Rule::Date, "2019-10-01") && !ok(Rule::Date, "2019年13月1日") && !ok(Rule::Date, "明天")
    );
    // amount: one currency sign, up to 10 digits, a decimal part, 元 at the end.
    assert!(ok(Rule::Amount, "¥36.00") && ok(Rule::Amount, "36.00元") && ok(Rule::Amount, "$5"));
    assert!(ok(Rule::Amount, "￥1234567890.99元"));
    assert!(
        !ok(Rule::Amount, "¥12345678901") && !ok(Rule::Amount, "¥¥5") && !ok(Rule::Amount, "五元")
    );
    // phone_number: 17 digits and signs.
    assert!(ok(Rule::PhoneNumber, "+86-0766-66888866") && ok(Rule::PhoneNumber, "020-12345678"));
    assert!(!ok(Rule::PhoneNumber, "+86-0766-668888661") && !ok(Rule::PhoneNumber, "call me"));
    // car_number: 8, Chinese only first and last.
    assert!(ok(Rule::CarNumber, "粤A8Z888挂") && ok(Rule::CarNumber, "粤A12345"));
    assert!(!ok(Rule::CarNumber, "粤A粤2345") && !ok(Rule::CarNumber, "粤A12345678"));
    // name: 10 Chinese characters, 20 Latin letters; mixed counts as Chinese.
    assert!(ok(Rule::Name, "李师傅") && ok(Rule::Name, "Alexandra Smithsonia"));
    assert_eq!(
        Rule::Name.check("张三Alexander"),
        Err(ValueProblem::TooLong { max: 10 })
    );
    assert!(!ok(Rule::Name, "李4"));
    // phrase: 5 Chinese characters.
    assert!(
        ok(Rule::Phrase, "已通过")
            && !ok(Rule::Phrase, "已通过审核流程")
            && !ok(Rule::Phrase, "OK")
    );
}

#[test]
fn keyword_choice_takes_two_to_five_known_keywords_once() {
    let available = [1, 2, 3, 4, 5, 6];
    assert_eq!(check_kid_list(&[3, 1], &available), Ok(()));
    assert_eq!(check_kid_list(&[1, 2, 3, 4, 5], &available), Ok(()));
    assert_eq!(check_kid_list(&[1], &available), Err(KidProblem::TooFew));
    assert_eq!(
        check_kid_list(&[1, 2, 3, 4, 5, 6], &available),
        Err(KidProblem::TooMany)
    );
    assert_eq!(
        check_kid_list(&[2, 2], &available),
        Err(KidProblem::Repeated(2))
    );
    assert_eq!(
        check_kid_list(&[2, 9], &available),
        Err(KidProblem::Unknown(9))
    );
    assert!(
        scene_desc_ok("") && scene_desc_ok(&"字".repeat(15)) && !scene_desc_ok(&"字".repeat(16))
    );
}
