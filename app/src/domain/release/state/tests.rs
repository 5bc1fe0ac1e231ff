use super::super::gray::GrayStatus;
use super::*;

fn dev() -> Option<DevelopmentVersion> {
    Some(DevelopmentVersion {
        user_version: "V1.1".into(),
        user_desc: "fix".into(),
    })
}

fn audit(status: AuditStatus) -> Option<AuditVersion> {
    Some(AuditVersion {
        auditid: 1_234_567,
        status,
        reason: None,
    })
}

fn online() -> Option<OnlineVersion> {
    Some(OnlineVersion {
        user_version: "V1.0".into(),
        has_previous: true,
        is_reverted: false,
    })
}

fn gray(status: GrayStatus, percentage: u8) -> Option<GrayPlan> {
    Some(GrayPlan { status, percentage })
}

fn errcode(check: Check) -> Option<i64> {
    check.err().and_then(Unavailable::errcode)
}

#[test]
fn a_new_mini_program_can_only_commit() {
    let state = ReleaseState::default();
    let actions = available_actions(&state);
    assert_eq!(actions.len(), 8);
    let possible: Vec<Action> = actions
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(a, _)| *a)
        .collect();
    assert_eq!(possible, vec![Action::Commit]);
    assert_eq!(errcode(state.can_submit_audit()), Some(85086));
    assert_eq!(errcode(state.can_release()), Some(85019));
    assert_eq!(
        actions[4],
        (
            Action::ChangeVisitStatus(VisitStatus::Closed),
            Err(Unavailable::NoOnlineVersion)
        )
    );
}

#[test]
fn submit_needs_committed_code_and_no_audit_under_way_85009() {
    let mut state = ReleaseState {
        development: dev(),
        ..ReleaseState::default()
    };
    assert_eq!(state.can_submit_audit(), Ok(()));
    for pending in [AuditStatus::Auditing, AuditStatus::Delayed] {
        state.audit = audit(pending);
        assert_eq!(errcode(state.can_submit_audit()), Some(85009));
    }
    for done in [
        AuditStatus::Approved,
        AuditStatus::Rejected,
        AuditStatus::Withdrawn,
    ] {
        state.audit = audit(done);
        assert_eq!(state.can_submit_audit(), Ok(()));
    }
}

#[test]
fn undo_needs_an_audit_under_way_and_quota_87013() {
    let mut state = ReleaseState {
        development: dev(),
        audit: audit(AuditStatus::Approved),
        ..ReleaseState::default()
    };
    assert_eq!(state.can_undo_audit(), Err(Unavailable::NoPendingAudit));
    assert_eq!(Unavailable::NoPendingAudit.errcode(), None);
    state.audit = audit(AuditStatus::Auditing);
    assert_eq!(state.can_undo_audit(), Ok(()));
    state.audit = audit(AuditStatus::Delayed);
    assert_eq!(state.can_undo_audit(), Ok(()));
    state.undo_quota = UndoQuota {
        left_today: 0,
        left_this_month: 4,
    };
    assert_eq!(errcode(state.can_undo_audit()), Some(87013));
    state.undo_quota = UndoQuota {
        left_today: 1,
        left_this_month: 0,
    };
    assert_eq!(errcode(state.can_undo_audit()), Some(87013));
}

#[test]
fn release_needs_an_approved_audit_85019_85020() {
    let mut state = ReleaseState::default();
    assert_eq!(errcode(state.can_release()), Some(85019));
    state.audit = audit(AuditStatus::Withdrawn);
    assert_eq!(errcode(state.can_release()), Some(85019));
    for status in [
        AuditStatus::Rejected,
        AuditStatus::Auditing,
        AuditStatus::Delayed,
    ] {
        state.audit = audit(status);
        assert_eq!(errcode(state.can_release()), Some(85020), "{status:?}");
    }
    state.audit = audit(AuditStatus::Approved);
    assert_eq!(state.can_release(), Ok(()));
}

#[test]
fn visit_status_changes_only_released_code_and_only_to_the_other_state_85021() {
    let mut state = ReleaseState::default();
    assert_eq!(
        errcode(state.can_change_visit_status(VisitStatus::Closed)),
        Some(85021)
    );
    state.online = online();
    assert_eq!(state.can_change_visit_status(VisitStatus::Closed), Ok(()));
    assert_eq!(
        errcode(state.can_change_visit_status(VisitStatus::Open)),
        Some(85021)
    );
    state.visit = VisitStatus::Closed;
    assert_eq!(
        available_actions(&state)[4],
        (Action::ChangeVisitStatus(VisitStatus::Open), Ok(()))
    );
}

#[test]
fn visit_action_is_open_or_close_85022() {
    assert_eq!(VisitStatus::parse_action("close"), Ok(VisitStatus::Closed));
    assert_eq!(VisitStatus::parse_action("open"), Ok(VisitStatus::Open));
    let err = VisitStatus::parse_action("hide").unwrap_err();
    assert_eq!(err.errcode(), Some(85022));
    assert_eq!(VisitStatus::Closed.action(), "close");
}

#[test]
fn revert_rules_87011_87012() {
    let mut state = ReleaseState {
        online: online(),
        ..ReleaseState::default()
    };
    assert_eq!(state.can_revert(), Ok(()));
    state.gray = gray(GrayStatus::Running, 10);
    assert_eq!(errcode(state.can_revert()), Some(87011));
    state.gray = gray(GrayStatus::Paused, 10);
    assert_eq!(errcode(state.can_revert()), Some(87011));
    state.gray = gray(GrayStatus::Finished, 100);
    assert_eq!(state.can_revert(), Ok(()));
    state.online = Some(OnlineVersion {
        has_previous: false,
        ..online().unwrap()
    });
    assert_eq!(state.can_revert(), Err(Unavailable::NoPreviousVersion));
    assert_eq!(errcode(state.can_revert()), Some(87012));
    state.online = Some(OnlineVersion {
        is_reverted: true,
        ..online().unwrap()
    });
    assert_eq!(state.can_revert(), Err(Unavailable::AlreadyReverted));
    assert_eq!(errcode(state.can_revert()), Some(87012));
    state.online = None;
    assert_eq!(errcode(state.can_revert()), Some(87012));
}

#[test]
fn gray_release_rules_85079_85080_85082() {
    let mut state = ReleaseState {
        audit: audit(AuditStatus::Approved),
        ..ReleaseState::default()
    };
    assert_eq!(errcode(state.can_gray_release()), Some(85079));
    state.online = online();
    assert_eq!(state.can_gray_release(), Ok(()));
    for status in [
        AuditStatus::Rejected,
        AuditStatus::Auditing,
        AuditStatus::Withdrawn,
        AuditStatus::Delayed,
    ] {
        state.audit = audit(status);
        assert_eq!(errcode(state.can_gray_release()), Some(85080));
    }
    state.audit = None;
    assert_eq!(errcode(state.can_gray_release()), Some(85080));
    state.audit = audit(AuditStatus::Approved);
    state.gray = gray(GrayStatus::Running, 99);
    assert_eq!(state.can_gray_release(), Ok(()));
    state.gray = gray(GrayStatus::Running, 100);
    assert_eq!(errcode(state.can_gray_release()), Some(85082));
}

#[test]
fn revert_gray_needs_an_active_plan() {
    let mut state = ReleaseState::default();
    assert_eq!(state.can_revert_gray(), Err(Unavailable::NoActiveGrayPlan));
    state.gray = gray(GrayStatus::Paused, 30);
    assert_eq!(state.can_revert_gray(), Ok(()));
    state.gray = gray(GrayStatus::Deleted, 30);
    assert!(state.can_revert_gray().is_err());
}

#[test]
fn a_mini_program_mid_pipeline() {
    // Online V1.0, V1.1 approved and rolling out to 20%.
    let state = ReleaseState {
        development: dev(),
        audit: audit(AuditStatus::Approved),
        online: online(),
        gray: gray(GrayStatus::Running, 20),
        visit: VisitStatus::Open,
        undo_quota: UndoQuota::FULL,
    };
    let reasons: Vec<Option<i64>> = available_actions(&state)
        .into_iter()
        .map(|(_, r)| errcode(r))
        .collect();
    // commit, submit, undo (nothing pending: no errcode), release, close, revert, gray, revert gray
    assert_eq!(
        reasons,
        vec![None, None, None, None, None, Some(87011), None, None]
    );
    assert_eq!(state.can_undo_audit(), Err(Unavailable::NoPendingAudit));
}

#[test]
fn audit_status_codes() {
    assert_eq!(AuditStatus::from_code(0), Some(AuditStatus::Approved));
    assert_eq!(AuditStatus::from_code(3), Some(AuditStatus::Withdrawn));
    assert_eq!(AuditStatus::from_code(4), Some(AuditStatus::Delayed));
    assert_eq!(AuditStatus::from_code(-1), None);
}
