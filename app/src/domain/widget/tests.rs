use super::rules::{check, CategoryNode};
use super::state::{allowed, Blocked, Quota, WidgetAction, WidgetStatus};
use super::*;

fn tree() -> Vec<CategoryNode> {
    let node = |id1, id2, id3| CategoryNode {
        id1,
        name1: "一级".into(),
        id2,
        name2: "二级".into(),
        id3,
        name3: String::new(),
    };
    vec![
        node(10564, 10707, 0),
        node(10565, 10711, 10801),
        node(10565, 10711, 10802),
    ]
}

fn item(n: usize) -> WidgetItem {
    WidgetItem {
        icon: format!("https://pic.pic/pic{n}.png"),
        title: format!("标题{n}"),
        desc: format!("描述{n}"),
        jump_url: format!("pages/index/index{n}"),
    }
}

fn valid(n: usize) -> WidgetContent {
    WidgetContent {
        keyword: "打车".into(),
        areacode: vec![110000, 130100],
        brandname: String::new(),
        categorylist: vec![CategoryRef {
            id1: 10564,
            id2: 10707,
            id3: 0,
        }],
        material: WidgetMaterial {
            icon_type: 1,
            items: (1..=n).map(item).collect(),
        },
    }
}

fn errors(c: &WidgetContent) -> Vec<(String, i64)> {
    match check(c, &tree(), &[]) {
        Ok(()) => vec![],
        Err(v) => v
            .into_iter()
            .map(|v| (v.field, v.errcode.unwrap_or(0)))
            .collect(),
    }
}

fn has(c: &WidgetContent, field: &str, code: i64) -> bool {
    errors(c).iter().any(|(f, e)| f == field && *e == code)
}

#[test]
fn two_and_four_cells_pass() {
    assert_eq!(errors(&valid(2)), vec![]);
    assert_eq!(errors(&valid(4)), vec![]);
}

#[test]
fn three_one_five_and_zero_cells_are_refused() {
    for n in [0, 1, 3, 5] {
        assert!(has(&valid(n), "material.items", errcode::MATERIAL), "{n}");
    }
}

#[test]
fn keyword_is_required_and_limited() {
    let mut c = valid(2);
    c.keyword = "  ".into();
    assert!(has(&c, "keyword", errcode::PARAM));
    c.keyword = "字".repeat(MAX_KEYWORD_CHARS);
    assert!(errors(&c).is_empty());
    c.keyword = "字".repeat(MAX_KEYWORD_CHARS + 1);
    assert!(has(&c, "keyword", errcode::PARAM));
    c.keyword = "a\u{7}b".into();
    assert!(has(&c, "keyword", errcode::PARAM));
}

#[test]
fn brandname_is_optional_and_falls_back_to_the_name() {
    let mut c = valid(2);
    assert_eq!(c.shown_brand("星辰咖啡"), "星辰咖啡");
    c.brandname = "品牌".into();
    assert_eq!(c.shown_brand("星辰咖啡"), "品牌");
    c.brandname = "长".repeat(MAX_BRANDNAME_CHARS + 1);
    assert!(has(&c, "brandname", errcode::PARAM));
}

#[test]
fn areacodes_must_be_known_and_distinct_and_may_be_empty() {
    let mut c = valid(2);
    c.areacode.clear();
    assert!(errors(&c).is_empty());
    c.areacode = vec![110000, 110000];
    assert!(has(&c, "areacode", errcode::PARAM));
    c.areacode = vec![123456];
    assert!(has(&c, "areacode", errcode::PARAM));
}

#[test]
fn one_to_three_categories() {
    let mut c = valid(2);
    c.categorylist.clear();
    assert!(has(&c, "categorylist", errcode::CATEGORY_COUNT));
    let cat = |id3| CategoryRef {
        id1: 10565,
        id2: 10711,
        id3,
    };
    c.categorylist = vec![cat(0), cat(10801), cat(10802)];
    assert!(errors(&c).is_empty());
    c.categorylist.push(CategoryRef {
        id1: 10564,
        id2: 10707,
        id3: 0,
    });
    assert!(has(&c, "categorylist", errcode::CATEGORY_COUNT));
}

#[test]
fn categories_need_levels_one_and_two_from_the_tree() {
    let mut c = valid(2);
    c.categorylist = vec![CategoryRef {
        id1: 10564,
        id2: 0,
        id3: 0,
    }];
    assert!(has(&c, "categorylist.0", errcode::CATEGORY_ID));
    c.categorylist = vec![CategoryRef {
        id1: 10564,
        id2: 10711,
        id3: 0,
    }];
    assert!(has(&c, "categorylist.0", errcode::CATEGORY_ID));
    c.categorylist = vec![CategoryRef {
        id1: 10565,
        id2: 10711,
        id3: 99,
    }];
    assert!(has(&c, "categorylist.0", errcode::CATEGORY_ID));
    let same = CategoryRef {
        id1: 10564,
        id2: 10707,
        id3: 0,
    };
    c.categorylist = vec![same, same];
    assert!(has(&c, "categorylist.1", errcode::CATEGORY_ID));
}

#[test]
fn icons_required_only_with_icon_type_1() {
    let mut c = valid(4);
    c.material.items[2].icon.clear();
    assert!(has(&c, "items.2.icon", errcode::MATERIAL));
    c.material.items[2].icon = "ftp://x/y.png".into();
    assert!(has(&c, "items.2.icon", errcode::MATERIAL));
    c.material.icon_type = 0;
    assert!(errors(&c).is_empty());
    c.material.icon_type = 2;
    assert!(has(&c, "material.iconType", errcode::MATERIAL));
}

#[test]
fn every_cell_needs_title_and_desc_within_limits() {
    let mut c = valid(2);
    c.material.items[1].title.clear();
    c.material.items[0].desc = "长".repeat(MAX_DESC_CHARS + 1);
    assert!(has(&c, "items.1.title", errcode::MATERIAL));
    assert!(has(&c, "items.0.desc", errcode::MATERIAL));
    c.material.items[1].title = "长".repeat(MAX_TITLE_CHARS + 1);
    assert!(has(&c, "items.1.title", errcode::MATERIAL));
}

#[test]
fn jump_urls_must_be_internal_paths() {
    // The path rule itself (wechat_wire::is_internal_path) is tested where it is defined.
    let mut c = valid(2);
    c.material.items[0].jump_url = "https://evil.example".into();
    assert!(has(&c, "items.0.jumpUrl", errcode::JUMP_URL));
    c.material.items[0].jump_url = String::new();
    assert!(has(&c, "items.0.jumpUrl", errcode::JUMP_URL));
    c.material.items[0].jump_url = "../pages/a".into();
    assert!(has(&c, "items.0.jumpUrl", errcode::JUMP_URL));
    // The console also bounds the length (MAX_URL_CHARS), which the simulator does not.
    c.material.items[0].jump_url = format!("pages/{}", "a".repeat(MAX_URL_CHARS));
    assert!(has(&c, "items.0.jumpUrl", errcode::JUMP_URL));
    c.material.items[0].jump_url = format!("pages/{}", "a".repeat(MAX_URL_CHARS - 6));
    assert!(!has(&c, "items.0.jumpUrl", errcode::JUMP_URL));
}

#[test]
fn duplicate_jump_urls_are_refused_on_the_later_cell() {
    let mut c = valid(4);
    c.material.items[3].jump_url = c.material.items[1].jump_url.clone();
    assert_eq!(
        errors(&c),
        vec![("items.3.jumpUrl".to_string(), errcode::JUMP_URL)]
    );
}

#[test]
fn a_leading_slash_does_not_make_a_different_path() {
    let mut c = valid(2);
    c.material.items[0].jump_url = "/pages/index/index".into();
    c.material.items[1].jump_url = "pages/index/index".into();
    assert!(has(&c, "items.1.jumpUrl", errcode::JUMP_URL));
}

#[test]
fn a_different_query_string_is_a_different_path() {
    let mut c = valid(2);
    c.material.items[0].jump_url = "pages/goods/detail?id=1".into();
    c.material.items[1].jump_url = "/pages/goods/detail?id=2".into();
    assert!(errors(&c).is_empty());
    c.material.items[1].jump_url = "/pages/goods/detail?id=1".into();
    assert!(has(&c, "items.1.jumpUrl", errcode::JUMP_URL));
    c.material.items[1].jump_url = "pages/goods/detail".into();
    assert!(errors(&c).is_empty());
}

#[test]
fn jump_urls_must_be_pages_of_the_code_when_known() {
    let c = valid(2);
    let pages = vec!["pages/index/index1".to_string()];
    let v = check(&c, &tree(), &pages).unwrap_err();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].field, "items.1.jumpUrl");
    let pages = vec![
        "pages/index/index1".to_string(),
        "pages/index/index2".to_string(),
    ];
    let mut c = valid(2);
    c.material.items[1].jump_url = "/pages/index/index2?from=search".into();
    assert!(check(&c, &tree(), &pages).is_ok());
}

#[test]
fn every_problem_is_reported_at_once() {
    let c = WidgetContent::default();
    let fields: Vec<String> = errors(&c).into_iter().map(|(f, _)| f).collect();
    for f in [
        "keyword",
        "categorylist",
        "items.0.title",
        "items.1.desc",
        "items.0.jumpUrl",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing in {fields:?}");
    }
}

#[test]
fn resizing_four_to_two_keeps_the_chosen_cells_in_order() {
    let mut c = valid(4);
    c.resize(2, &[3, 1]);
    assert_eq!(c.material.items, vec![item(2), item(4)]);
    let mut c = valid(4);
    c.resize(2, &[1, 1]);
    assert_eq!(c.material.items, vec![item(1), item(2)]);
    c.resize(4, &[]);
    assert_eq!(c.material.items.len(), 4);
    assert_eq!(c.material.items[3], WidgetItem::default());
}

#[test]
fn moving_cells_reorders_them() {
    let mut c = valid(4);
    c.move_item(0, 3);
    let titles: Vec<&str> = c.material.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["标题2", "标题3", "标题4", "标题1"]);
    c.move_item(3, 9);
    assert_eq!(c.material.items[3].title, "标题1");
}

#[test]
fn the_content_serialises_like_the_wechat_request() {
    let json = serde_json::to_value(valid(2)).unwrap();
    assert_eq!(json["material"]["iconType"], 1);
    assert_eq!(
        json["material"]["items"][0]["jumpUrl"],
        "pages/index/index1"
    );
    assert_eq!(json["categorylist"][0]["id2"], 10707);
}

#[test]
fn nothing_changes_while_under_review() {
    for a in WidgetAction::ALL {
        assert_eq!(
            allowed(WidgetStatus::UnderReview, a, None, None),
            Err(Blocked::UnderReview)
        );
    }
    assert_eq!(Blocked::UnderReview.errcode(), errcode::UNDER_REVIEW);
}

#[test]
fn submit_is_allowed_from_every_settled_state_within_quota() {
    let q = Some(Quota { used: 1, max: 5 });
    for s in [
        WidgetStatus::Draft,
        WidgetStatus::Online,
        WidgetStatus::Rejected,
        WidgetStatus::Offline,
    ] {
        assert_eq!(allowed(s, WidgetAction::Submit, q, Some(true)), Ok(()));
    }
    let full = Some(Quota { used: 5, max: 5 });
    assert_eq!(
        allowed(WidgetStatus::Rejected, WidgetAction::Submit, full, None),
        Err(Blocked::QuotaReached)
    );
    assert_eq!(Blocked::QuotaReached.errcode(), errcode::MAX_SUBMITS);
    assert_eq!(
        allowed(WidgetStatus::Draft, WidgetAction::Submit, q, Some(false)),
        Err(Blocked::NotEligible)
    );
}

#[test]
fn only_an_online_widget_goes_offline() {
    assert_eq!(
        allowed(WidgetStatus::Online, WidgetAction::Offline, None, None),
        Ok(())
    );
    assert_eq!(
        allowed(WidgetStatus::Draft, WidgetAction::Offline, None, None),
        Err(Blocked::NotSubmitted)
    );
    for s in [WidgetStatus::Rejected, WidgetStatus::Offline] {
        assert_eq!(
            allowed(s, WidgetAction::Offline, None, None),
            Err(Blocked::NotOnline)
        );
    }
}

#[test]
fn delete_is_allowed_unless_under_review() {
    for s in [
        WidgetStatus::Draft,
        WidgetStatus::Online,
        WidgetStatus::Rejected,
        WidgetStatus::Offline,
    ] {
        assert_eq!(allowed(s, WidgetAction::Delete, None, None), Ok(()));
    }
}

#[test]
fn statuses_round_trip_and_map_wechat_numbers() {
    for s in WidgetStatus::ALL {
        assert_eq!(WidgetStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(
        WidgetStatus::from_wechat(0),
        Some(WidgetStatus::UnderReview)
    );
    assert_eq!(WidgetStatus::from_wechat(3), Some(WidgetStatus::Offline));
    assert_eq!(WidgetStatus::from_wechat(7), None);
}
