use super::*;

fn keywords() -> Vec<PubKeyword> {
    [
        (1, "取餐号", "character_string"),
        (2, "门店名称", "thing"),
        (3, "商品详情", "thing"),
        (4, "取餐地点", "thing"),
        (5, "温馨提示", "thing"),
        (6, "下单时间", "time"),
    ]
    .into_iter()
    .map(|(kid, name, rule)| PubKeyword {
        kid,
        name: name.into(),
        example: format!("{name}示例"),
        rule: rule.into(),
    })
    .collect()
}

fn problems(r: Result<(), Vec<Violation>>) -> Vec<(String, FieldProblem, Option<i64>)> {
    r.err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.field, v.problem, v.errcode))
        .collect()
}

#[test]
fn compose_takes_two_to_five_keywords_once_and_a_short_scene() {
    let k = keywords();
    assert_eq!(check_compose(&[3, 1], &k, "咖啡做好时提醒", 0), Ok(()));
    assert_eq!(
        problems(check_compose(&[1], &k, "", 0)),
        vec![(
            "kid_list".into(),
            FieldProblem::TooFewItems { min: 2 },
            Some(200020)
        )]
    );
    assert_eq!(
        problems(check_compose(&[1, 2, 3, 4, 5, 6], &k, "", 0))[0].1,
        FieldProblem::TooMany { max: 5 }
    );
    assert_eq!(
        problems(check_compose(&[1, 1], &k, "", 0))[0].1,
        FieldProblem::DuplicateItem
    );
    assert_eq!(
        problems(check_compose(&[1, 9], &k, "", 0))[0].1,
        FieldProblem::UnknownValue
    );
    assert_eq!(
        problems(check_compose(&[1, 2], &k, &"长".repeat(16), 0)),
        vec![(
            "scene_desc".into(),
            FieldProblem::TooLong { max: 15 },
            Some(200021)
        )]
    );
    assert_eq!(
        problems(check_compose(&[1, 2], &k, "", 25)),
        vec![(
            "add".into(),
            FieldProblem::TooMany { max: 25 },
            Some(200012)
        )]
    );
    // The preview follows the chosen order.
    assert_eq!(
        preview(&[3, 1], &k),
        vec![
            ("商品详情".into(), "商品详情示例".into()),
            ("取餐号".into(), "取餐号示例".into())
        ]
    );
}

fn template() -> PrivateTemplate {
    PrivateTemplate::new(
        "T1".into(),
        "取餐提醒".into(),
        "取餐号:{{character_string1.DATA}}\n门店名称:{{thing2.DATA}}\n下单时间:{{time6.DATA}}\n"
            .into(),
        String::new(),
        2,
    )
}

fn form(values: &[&str]) -> SubscribeSendForm {
    SubscribeSendForm {
        touser: "o_user".into(),
        template_id: "T1".into(),
        page: "pages/index/index?from=msg".into(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
        ..Default::default()
    }
}

#[test]
fn send_checks_each_value_by_its_keyword_type() {
    let t = template();
    assert_eq!(t.fields.len(), 3);
    assert_eq!(rule_of(&t.fields[2]), Some(Rule::Time));
    let pages = vec!["pages/index/index".to_owned()];
    let good = form(&["A1024", "星辰咖啡", "2024年1月1日 12:00"]);
    assert_eq!(check_send(&good, &t.fields, Some(&pages)), Ok(()));
    let got = problems(check_send(
        &form(&["取餐A1", "", "明天中午"]),
        &t.fields,
        Some(&pages),
    ));
    assert_eq!(
        got,
        vec![
            (
                "value.0".into(),
                FieldProblem::ValueRule {
                    rule: "character_string".into()
                },
                Some(47003)
            ),
            ("value.1".into(), FieldProblem::Required, Some(47003)),
            (
                "value.2".into(),
                FieldProblem::ValueRule {
                    rule: "time".into()
                },
                Some(47003)
            ),
        ]
    );
    let long = form(&["A1", &"长".repeat(21), "12:00"]);
    assert_eq!(
        problems(check_send(&long, &t.fields, None))[0].1,
        FieldProblem::TooLong { max: 20 }
    );
}

#[test]
fn send_checks_recipient_template_page_state_and_language() {
    let t = template();
    let pages = vec!["pages/index/index".to_owned()];
    let mut f = form(&["A1", "店", "12:00"]);
    f.touser = " ".into();
    f.template_id = String::new();
    f.page = "pages/missing".into();
    f.miniprogram_state = "beta".into();
    f.lang = "fr".into();
    let fields: Vec<String> = problems(check_send(&f, &t.fields, Some(&pages)))
        .into_iter()
        .map(|(field, _, code)| format!("{field}:{}", code.unwrap_or(0)))
        .collect();
    assert_eq!(
        fields,
        [
            "touser:40003",
            "template_id:40037",
            "page:41030",
            "miniprogram_state:47003",
            "lang:47003"
        ]
    );
    // Unknown pages (get_page failed): WeChat decides.
    let mut f = form(&["A1", "店", "12:00"]);
    f.page = "pages/other".into();
    assert_eq!(check_send(&f, &t.fields, None), Ok(()));
    f.touser = "o user!".into();
    assert_eq!(
        problems(check_send(&f, &t.fields, None))[0].1,
        FieldProblem::InvalidChars
    );
}

#[test]
fn wechat_answers_land_at_their_field() {
    let t = template();
    assert_eq!(field_of(43101), "touser");
    assert_eq!(field_of(40037), "template_id");
    assert_eq!(field_of(41030), "page");
    assert_eq!(
        value_field_of_errmsg(
            "argument invalid! data.thing2.value invalid rid: 1",
            &t.fields
        ),
        Some("value.1".into())
    );
    assert_eq!(
        value_field_of_errmsg("argument invalid! lang rid: 1", &t.fields),
        Some("lang".into())
    );
    assert_eq!(value_field_of_errmsg("argument invalid!", &t.fields), None);
}
