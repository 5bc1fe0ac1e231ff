use super::*;

fn pages() -> Vec<String> {
    ["index", "page/logs/logs"].map(String::from).to_vec()
}

/// The categories of the specification's get_category example.
fn categories() -> Vec<Category> {
    vec![
        Category {
            first_class: "工具".into(),
            second_class: "备忘录".into(),
            third_class: None,
            first_id: 1,
            second_id: 2,
            third_id: None,
        },
        Category {
            first_class: "教育".into(),
            second_class: "学历教育".into(),
            third_class: Some("高等".into()),
            first_id: 3,
            second_id: 4,
            third_id: Some(5),
        },
    ]
}

fn memo_item() -> AuditItem {
    AuditItem {
        address: "index".into(),
        tag: "学习 生活".into(),
        first_class: "工具".into(),
        second_class: "备忘录".into(),
        third_class: None,
        first_id: 1,
        second_id: 2,
        third_id: None,
        title: "首页".into(),
    }
}

fn education_item() -> AuditItem {
    AuditItem {
        address: "page/logs/logs".into(),
        tag: "学习 工作".into(),
        first_class: "教育".into(),
        second_class: "学历教育".into(),
        third_class: Some("高等".into()),
        first_id: 3,
        second_id: 4,
        third_id: Some(5),
        title: "日志".into(),
    }
}

fn faults(items: &[AuditItem]) -> Vec<(String, FieldProblem, i64)> {
    check_audit_items(items, &pages(), &categories())
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| (v.field, v.problem, v.errcode.unwrap()))
        .collect()
}

fn one(item: AuditItem) -> Vec<(String, FieldProblem, i64)> {
    faults(&[item])
}

#[test]
fn good_items_pass() {
    assert!(faults(&[memo_item(), education_item()]).is_empty());
}

#[test]
fn between_one_and_five_items_85023() {
    assert_eq!(
        faults(&[]),
        vec![("item_list".into(), FieldProblem::Required, 85023)]
    );
    assert!(faults(&vec![memo_item(); 5]).is_empty());
    assert_eq!(
        faults(&vec![memo_item(); 6]),
        vec![("item_list".into(), FieldProblem::TooMany { max: 5 }, 85023)]
    );
}

#[test]
fn an_empty_item_is_85010_and_nothing_else() {
    assert_eq!(
        faults(&[memo_item(), AuditItem::default()]),
        vec![("item_list[1]".into(), FieldProblem::EmptyItem, 85010)]
    );
}

#[test]
fn the_address_must_be_a_page_of_the_code_85007() {
    let mut item = memo_item();
    item.address = " ".into();
    assert_eq!(
        one(item.clone()),
        vec![("item_list[0].address".into(), FieldProblem::Required, 85007)]
    );
    item.address = "pages/missing".into();
    assert_eq!(
        one(item),
        vec![(
            "item_list[0].address".into(),
            FieldProblem::PageNotInCode,
            85007
        )]
    );
}

#[test]
fn title_of_1_to_32_characters_85011() {
    let mut item = memo_item();
    item.title = "标".repeat(32);
    assert!(one(item.clone()).is_empty());
    item.title = "标".repeat(33);
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].title".into(),
            FieldProblem::TooLong { max: 32 },
            85011
        )]
    );
    // The simulator, like WeChat, refuses an empty title with 85011.
    item.title = "  ".into();
    assert_eq!(
        one(item),
        vec![("item_list[0].title".into(), FieldProblem::Required, 85011)]
    );
}

#[test]
fn at_most_ten_tags_of_at_most_20_characters_85006() {
    let mut item = memo_item();
    item.tag = ["标签"; 10].join(" ");
    assert!(one(item.clone()).is_empty());
    item.tag = ["标签"; 11].join(" ");
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].tag".into(),
            FieldProblem::TooMany { max: 10 },
            85006
        )]
    );
    item.tag = format!("ok {}", "长".repeat(20));
    assert!(one(item.clone()).is_empty());
    item.tag = format!("ok {}", "长".repeat(21));
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].tag".into(),
            FieldProblem::TooLong { max: 20 },
            85006
        )]
    );
    // Repeated spaces do not make empty tags; no tags at all is allowed.
    item.tag = "  a   b ".into();
    assert!(one(item.clone()).is_empty());
    item.tag.clear();
    assert!(one(item).is_empty());
}

#[test]
fn the_category_must_be_one_of_get_category_85008() {
    let mut item = memo_item();
    item.first_id = 0;
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].category".into(),
            FieldProblem::Required,
            85008
        )]
    );
    item.first_id = 9;
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].category".into(),
            FieldProblem::UnknownValue,
            85008
        )]
    );
    // A third level on a category that has none.
    let mut item = memo_item();
    item.third_id = Some(5);
    item.third_class = Some("高等".into());
    assert_eq!(one(item)[0].1, FieldProblem::UnknownValue);
}

#[test]
fn a_category_with_third_levels_needs_one_85008() {
    let mut item = education_item();
    item.third_id = None;
    item.third_class = None;
    assert_eq!(
        one(item.clone()),
        vec![(
            "item_list[0].third_id".into(),
            FieldProblem::Required,
            85008
        )]
    );
    // Some(0) is how a missing third level may arrive.
    item.third_id = Some(0);
    assert_eq!(one(item)[0].0, "item_list[0].third_id");
}

#[test]
fn names_must_match_the_ids_85008() {
    let mut item = education_item();
    item.first_class = "工具".into();
    assert_eq!(
        one(item),
        vec![(
            "item_list[0].first_class".into(),
            FieldProblem::CategoryMismatch,
            85008
        )]
    );
    let mut item = education_item();
    item.second_class = "职业教育".into();
    assert_eq!(one(item)[0].0, "item_list[0].second_class");
    let mut item = education_item();
    item.third_class = None;
    assert_eq!(one(item)[0].0, "item_list[0].third_class");
}

#[test]
fn every_fault_of_every_item_is_reported() {
    let mut bad = education_item();
    bad.address = "nope".into();
    bad.title = "t".repeat(40);
    bad.tag = "x".repeat(21);
    bad.second_id = 7;
    let fields: Vec<String> = faults(&[memo_item(), bad])
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(
        fields,
        [
            "item_list[1].address",
            "item_list[1].title",
            "item_list[1].tag",
            "item_list[1].category"
        ]
    );
}

#[test]
fn wire_format_matches_the_specification() {
    let json = serde_json::to_value(memo_item()).unwrap();
    assert!(json.get("third_id").is_none());
    assert_eq!(json["first_id"], 1);
    let parsed: Category = serde_json::from_str(
        r#"{"first_class":"工具","second_class":"备忘录","first_id":1,"second_id":2}"#,
    )
    .unwrap();
    assert_eq!(parsed, categories()[0]);
}

#[test]
fn the_note_to_the_reviewer_is_trimmed_and_at_most_200_characters() {
    assert_eq!(check_feedback(None), Ok(None));
    assert_eq!(check_feedback(Some("   ")), Ok(None));
    assert_eq!(
        check_feedback(Some(" 请用测试帐号 ")),
        Ok(Some("请用测试帐号".into()))
    );
    assert_eq!(
        check_feedback(Some(&"字".repeat(200))).map(|f| f.map(|s| s.chars().count())),
        Ok(Some(200))
    );
    let too_long = check_feedback(Some(&"字".repeat(201))).unwrap_err();
    assert_eq!(too_long.field, "feedback_info");
    assert_eq!(
        too_long.problem,
        FieldProblem::TooLong { max: FEEDBACK_MAX }
    );
}
