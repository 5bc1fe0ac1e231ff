use super::*;

fn member(id: i64, kind: MemberKind, title: &str, labels: &[&str]) -> SetMember {
    SetMember {
        id,
        kind,
        title_id: "T".into(),
        title: title.into(),
        keyword_ids: (1..=labels.len() as i64).collect(),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
        scene_desc: String::new(),
    }
}

fn held(kind: MemberKind, title: &str, labels: &[&str]) -> Held {
    Held {
        kind,
        title: title.into(),
        labels: labels.iter().map(|l| (*l).to_owned()).collect(),
    }
}

#[test]
fn a_member_is_held_only_with_the_same_kind_title_and_keyword_order() {
    let m = member(
        1,
        MemberKind::Subscribe,
        "取餐提醒",
        &["取餐号", "门店名称"],
    );
    assert!(holds(
        &m,
        &[held(
            MemberKind::Subscribe,
            "取餐提醒",
            &["取餐号", "门店名称"]
        )]
    ));
    assert!(!holds(
        &m,
        &[held(
            MemberKind::Subscribe,
            "取餐提醒",
            &["门店名称", "取餐号"]
        )]
    ));
    assert!(!holds(
        &m,
        &[held(MemberKind::Subscribe, "取餐提醒", &["取餐号"])]
    ));
    assert!(!holds(
        &m,
        &[held(
            MemberKind::Template,
            "取餐提醒",
            &["取餐号", "门店名称"]
        )]
    ));
    assert!(!holds(&m, &[]));
    let members = vec![m];
    let labels = vec!["取餐号".to_owned(), "门店名称".to_owned()];
    assert!(has_member(
        &members,
        MemberKind::Subscribe,
        "取餐提醒",
        &labels
    ));
    assert!(!has_member(
        &members,
        MemberKind::Template,
        "取餐提醒",
        &labels
    ));
}

#[test]
fn set_names_are_required_short_and_printable() {
    assert_eq!(check_name("下单与发货"), Ok(()));
    assert_eq!(
        check_name("  ").unwrap_err()[0].problem,
        FieldProblem::Required
    );
    assert_eq!(
        check_name(&"组".repeat(41)).unwrap_err()[0].problem,
        FieldProblem::TooLong { max: 40 }
    );
    assert_eq!(
        check_name("a\tb").unwrap_err()[0].problem,
        FieldProblem::InvalidChars
    );
}

#[test]
fn a_report_counts_what_is_still_lacking() {
    let report = TargetReport {
        appid: "wx1".into(),
        members: vec![
            (1, MemberOutcome::Present),
            (
                2,
                MemberOutcome::Added {
                    template_id: "x".into(),
                },
            ),
            (3, MemberOutcome::Missing),
            (
                4,
                MemberOutcome::Failed {
                    error: AppError::NotFound,
                },
            ),
        ],
    };
    assert_eq!(report.lacking(), vec![3, 4]);
    assert_eq!((report.failed(), report.added()), (1, 1));
}

#[test]
fn coverage_queries_round_trip_through_the_url() {
    let q = CoverageQuery {
        search: "咖啡".into(),
        filter: CoverageFilter::Lacking,
        page: PageRequest::new(2, 50),
    };
    let params = q.to_params();
    let back = CoverageQuery::from_params(|k| {
        params
            .iter()
            .find(|(p, _)| *p == k)
            .map(|(_, v)| v.clone())
            .or_else(|| (k == "page").then(|| "2".to_owned()))
    });
    assert_eq!(back, q);
    assert_eq!(CoverageFilter::parse("bogus"), CoverageFilter::All);
    let wild = CoverageQuery {
        search: "x".repeat(500),
        page: PageRequest {
            page: 0,
            per_page: 4_000_000_000,
        },
        ..Default::default()
    }
    .normalized();
    assert_eq!(
        (wild.search.len(), wild.page.per_page),
        (64, PageRequest::default().per_page)
    );
}
