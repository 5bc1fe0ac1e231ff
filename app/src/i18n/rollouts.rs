//! Texts of the fleet rollouts list and of one rollout's page (zh-CN and en).

use crate::domain::rollout::StateKind;
use crate::domain::rollout_view::{RolloutRefusal, RolloutStatus};

pub struct RolloutTexts {
    pub nav: &'static str,

    // The list (`/rollouts`)
    pub title: &'static str,
    pub intro: &'static str,
    pub new_rollout: &'static str,
    pub empty: &'static str,
    pub col_id: &'static str,
    pub col_template: &'static str,
    pub col_policy: &'static str,
    pub col_status: &'static str,
    pub col_progress: &'static str,
    pub col_created_by: &'static str,
    pub col_created_at: &'static str,
    pub col_finished_at: &'static str,
    /// (template id, version) → "模板 #3 · 2.0.0".
    pub template_version: fn(i64, &str) -> String,

    // A rollout's status
    pub status_running: &'static str,
    pub status_paused: &'static str,
    pub status_cancelled: &'static str,
    pub status_finished: &'static str,

    // Release policy
    pub policy_manual: &'static str,
    pub policy_automatic: &'static str,
    pub policy_gray: &'static str,
    /// The full release after the gray steps ("10% → 50% → 全量").
    pub policy_full: &'static str,
    /// A gray step's wait: "等待 30 分钟".
    pub policy_wait: fn(&str) -> String,

    // One rollout (`/rollouts/:id`)
    pub rollout_title: fn(i64) -> String,
    pub back: &'static str,
    pub col_version: &'static str,
    pub col_desc: &'static str,
    pub limits_label: &'static str,
    /// (concurrency, calls per minute).
    pub limits: fn(u32, u32) -> String,
    pub progress: &'static str,
    /// (percent, done, total).
    pub done_of: fn(u8, u64, u64) -> String,
    pub per_hour_label: &'static str,
    pub per_hour: fn(f64) -> String,
    pub eta_label: &'static str,
    pub eta_unknown: &'static str,
    pub eta_done: &'static str,
    pub live: &'static str,
    pub all_states: &'static str,

    // Target states (`StateKind`)
    pub state_pending: &'static str,
    pub state_committed: &'static str,
    pub state_submitted: &'static str,
    pub state_approved: &'static str,
    pub state_rejected: &'static str,
    pub state_gray: &'static str,
    pub state_released: &'static str,
    pub state_failed: &'static str,
    pub state_skipped: &'static str,
    pub state_cancelled: &'static str,

    // Controls (staff)
    pub pause: &'static str,
    pub resume: &'static str,
    pub cancel: &'static str,
    pub cancel_confirm: &'static str,
    pub cancel_yes: &'static str,
    pub cancel_no: &'static str,
    /// Failed and rejected targets to retry.
    pub retry_all: fn(u64) -> String,
    pub retry: &'static str,
    /// How many targets were queued again.
    pub retried: fn(u64) -> String,
    pub export: &'static str,

    // The targets
    pub targets: &'static str,
    pub no_targets: &'static str,
    pub col_mini_program: &'static str,
    pub col_state: &'static str,
    pub col_attempt: &'static str,
    pub col_auditid: &'static str,
    pub col_reason: &'static str,
    pub col_error: &'static str,
    pub col_updated: &'static str,
    pub col_timeline: &'static str,
    pub col_actions: &'static str,
    pub col_merchant_id: &'static str,
    pub col_skip_reason: &'static str,
    pub col_errcode: &'static str,
    pub col_error_meaning: &'static str,
    /// A gray step, counted from 1.
    pub gray_step: fn(u32) -> String,
    /// Where a failed target stood (a state's name).
    pub failed_at: fn(&str) -> String,
    pub errcode: fn(i64) -> String,
    /// Where a cancelled target stood (a state's name).
    pub cancelled_from: fn(&str) -> String,
    pub gray_skipped: &'static str,
    pub in_flight: &'static str,
    /// When the worker tries again (a time).
    pub next_attempt: fn(&str) -> String,
    pub show_timeline: &'static str,
    /// Why a mini program is not a target (`SkipReason::as_str`); the plan page uses it too.
    pub skip_reason: fn(&str) -> &'static str,
    /// Why a control action (or the start) was refused.
    pub refusals: fn(RolloutRefusal) -> &'static str,

    // A target's timeline
    pub timeline_of: fn(&str) -> String,
    pub close_timeline: &'static str,
    pub no_events: &'static str,
    pub col_time: &'static str,
    pub col_kind: &'static str,
    pub col_path: &'static str,
    pub col_outcome: &'static str,
    pub col_detail: &'static str,
    pub kind_call: &'static str,
    pub kind_reconcile: &'static str,
    pub kind_state: &'static str,
    pub kind_control: &'static str,
    pub outcome_ok: &'static str,
    pub outcome_error: &'static str,
    pub outcome_lost: &'static str,
    pub outcome_refused: &'static str,
    pub outcome_done: &'static str,
    pub outcome_not_done: &'static str,
    pub outcome_cancelled: &'static str,
    pub outcome_retry: &'static str,
    pub outcome_ignored: &'static str,
    pub outcome_superseded: &'static str,
}

impl RolloutTexts {
    pub fn refusal(&self, r: RolloutRefusal) -> &'static str {
        (self.refusals)(r)
    }

    pub fn state(&self, kind: StateKind) -> &'static str {
        match kind {
            StateKind::Pending => self.state_pending,
            StateKind::Committed => self.state_committed,
            StateKind::Submitted => self.state_submitted,
            StateKind::Approved => self.state_approved,
            StateKind::Rejected => self.state_rejected,
            StateKind::Gray => self.state_gray,
            StateKind::Released => self.state_released,
            StateKind::Failed => self.state_failed,
            StateKind::Skipped => self.state_skipped,
            StateKind::Cancelled => self.state_cancelled,
        }
    }

    pub fn status(&self, status: RolloutStatus) -> &'static str {
        match status {
            RolloutStatus::Running => self.status_running,
            RolloutStatus::Paused => self.status_paused,
            RolloutStatus::Cancelled => self.status_cancelled,
            RolloutStatus::Finished => self.status_finished,
        }
    }

    /// A timeline entry's kind (`call`, `reconcile`, `state`, `control`); others as they are.
    pub fn event_kind(&self, kind: &str) -> String {
        match kind {
            "call" => self.kind_call.into(),
            "reconcile" => self.kind_reconcile.into(),
            "state" => self.kind_state.into(),
            "control" => self.kind_control.into(),
            other => other.into(),
        }
    }

    /// A timeline entry's outcome in words; None for one without a name here (a state's
    /// encoding is shown as the state).
    pub fn event_outcome(&self, outcome: &str) -> Option<&'static str> {
        Some(match outcome {
            "ok" => self.outcome_ok,
            "error" => self.outcome_error,
            "lost" => self.outcome_lost,
            "refused" => self.outcome_refused,
            "done" => self.outcome_done,
            "not_done" => self.outcome_not_done,
            "cancelled" => self.outcome_cancelled,
            "retry" => self.outcome_retry,
            "ignored" => self.outcome_ignored,
            "superseded" => self.outcome_superseded,
            _ => return None,
        })
    }
}

pub const ZH: RolloutTexts = RolloutTexts {
    nav: "批量发布",

    title: "批量发布",
    intro: "把一个模板版本发布到多个小程序：提交代码、提交审核，审核通过后按发布策略发布（可先灰度）。",
    new_rollout: "新建批量发布",
    empty: "没有批量发布。",
    col_id: "编号",
    col_template: "模板 / 版本",
    col_policy: "发布策略",
    col_status: "状态",
    col_progress: "进度",
    col_created_by: "创建人",
    col_created_at: "创建时间",
    col_finished_at: "结束时间",
    template_version: |id, version| format!("模板 #{id} · {version}"),

    status_running: "进行中",
    status_paused: "已暂停",
    status_cancelled: "已取消",
    status_finished: "已完成",

    policy_manual: "审核通过后手动发布",
    policy_automatic: "审核通过后自动全量发布",
    policy_gray: "灰度",
    policy_full: "全量",
    policy_wait: |d| format!("等待 {d}"),

    rollout_title: |id| format!("批量发布 #{id}"),
    back: "返回列表",
    col_version: "版本号",
    col_desc: "版本描述",
    limits_label: "限制",
    limits: |concurrency, per_minute| {
        format!("并发 {concurrency} · 每分钟最多 {per_minute} 次调用")
    },
    progress: "进度",
    done_of: |percent, done, total| format!("已完成 {percent}%（{done} / {total}）"),
    per_hour_label: "速度",
    per_hour: |n| format!("每小时 {n:.1} 个"),
    eta_label: "预计剩余",
    eta_unknown: "尚无法估计",
    eta_done: "已全部完成",
    live: "进行中，每 2 秒自动刷新",
    all_states: "全部",

    state_pending: "待处理",
    state_committed: "已提交代码",
    state_submitted: "审核中",
    state_approved: "审核通过",
    state_rejected: "审核驳回",
    state_gray: "灰度中",
    state_released: "已发布",
    state_failed: "失败",
    state_skipped: "已跳过",
    state_cancelled: "已取消",

    pause: "暂停",
    resume: "继续",
    cancel: "取消发布",
    cancel_confirm: "取消后，尚未提交审核的小程序不再处理；已提交审核的保持现状（审核结果仍会记录），但不会再发布。确定取消？",
    cancel_yes: "确定取消",
    cancel_no: "再想想",
    retry_all: |n| format!("重试失败和驳回的（{n} 个）"),
    retry: "重试",
    retried: |n| format!("已重新安排 {n} 个小程序。"),
    export: "导出 CSV",

    targets: "目标小程序",
    no_targets: "没有符合条件的小程序。",
    col_mini_program: "小程序",
    col_state: "状态",
    col_attempt: "尝试次数",
    col_auditid: "审核单号",
    col_reason: "驳回原因",
    col_error: "最近错误",
    col_updated: "更新时间",
    col_timeline: "时间线",
    col_actions: "操作",
    col_merchant_id: "商户 ID",
    col_skip_reason: "跳过原因",
    col_errcode: "错误码",
    col_error_meaning: "错误含义",
    gray_step: |n| format!("第 {n} 步"),
    failed_at: |stage| format!("失败于：{stage}"),
    errcode: |code| format!("错误码 {code}"),
    cancelled_from: |state| format!("取消时：{state}"),
    gray_skipped: "无线上版本，直接全量发布",
    in_flight: "有请求的结果待确认",
    next_attempt: |at| format!("下次尝试：{at}"),
    show_timeline: "查看",
    skip_reason: |code| match code {
        "invalid_appid" => "AppID 格式不正确",
        "duplicate" => "重复填写",
        "not_registered" => "不是本平台的小程序",
        "unauthorized" => "已取消授权",
        "needs_reauthorization" => "需要重新授权",
        "in_other_rollout" => "在另一个未结束的批量发布中",
        "already_on_version" => "线上已是该版本",
        "audit_in_review" => "有审核正在进行",
        "gray_in_progress" => "正在灰度发布",
        "ext_json" => "ext_json 无法生成或不合规",
        _ => "其他原因",
    },
    refusals: |r| match r {
        RolloutRefusal::NotRunning => "只有进行中的批量发布可以暂停。",
        RolloutRefusal::NotPaused => "只有已暂停的批量发布可以继续。",
        RolloutRefusal::AlreadyOver => "该批量发布已取消或已完成。",
        RolloutRefusal::NothingToRetry => "没有可重试的失败或被驳回的小程序。",
        RolloutRefusal::TargetsTaken => {
            "这些小程序已被另一个批量发布占用（在预览之后）。请重新预览计划。"
        }
    },

    timeline_of: |appid| format!("{appid} 的时间线"),
    close_timeline: "关闭",
    no_events: "还没有记录。",
    col_time: "时间",
    col_kind: "类型",
    col_path: "微信接口",
    col_outcome: "结果",
    col_detail: "详情",
    kind_call: "接口调用",
    kind_reconcile: "核对微信状态",
    kind_state: "状态变化",
    kind_control: "人工操作",
    outcome_ok: "成功",
    outcome_error: "出错",
    outcome_lost: "无应答",
    outcome_refused: "未发送（未通过检查）",
    outcome_done: "微信已完成",
    outcome_not_done: "微信未完成",
    outcome_cancelled: "已取消",
    outcome_retry: "重试",
    outcome_ignored: "已忽略",
    outcome_superseded: "未生效（目标已变化）",
};

pub const EN: RolloutTexts = RolloutTexts {
    nav: "Rollouts",

    title: "Rollouts",
    intro: "One template version brought to many mini programs: commit, submit for audit, and release on approval as the policy says (optionally in gray steps first).",
    new_rollout: "New rollout",
    empty: "No rollouts.",
    col_id: "No.",
    col_template: "Template / version",
    col_policy: "Release policy",
    col_status: "Status",
    col_progress: "Progress",
    col_created_by: "Created by",
    col_created_at: "Created",
    col_finished_at: "Finished",
    template_version: |id, version| format!("Template #{id} · {version}"),

    status_running: "Running",
    status_paused: "Paused",
    status_cancelled: "Cancelled",
    status_finished: "Finished",

    policy_manual: "Released by hand after approval",
    policy_automatic: "Released in full on approval",
    policy_gray: "Gray",
    policy_full: "full",
    policy_wait: |d| format!("wait {d}"),

    rollout_title: |id| format!("Rollout #{id}"),
    back: "Back to the list",
    col_version: "Version",
    col_desc: "Description",
    limits_label: "Limits",
    limits: |concurrency, per_minute| {
        format!("{concurrency} at a time · at most {per_minute} calls a minute")
    },
    progress: "Progress",
    done_of: |percent, done, total| format!("{percent}% done ({done} of {total})"),
    per_hour_label: "Pace",
    per_hour: |n| format!("{n:.1} an hour"),
    eta_label: "Time left",
    eta_unknown: "Not known yet",
    eta_done: "All done",
    live: "Running; refreshed every 2 seconds",
    all_states: "All",

    state_pending: "Pending",
    state_committed: "Committed",
    state_submitted: "In review",
    state_approved: "Approved",
    state_rejected: "Rejected",
    state_gray: "Gray release",
    state_released: "Released",
    state_failed: "Failed",
    state_skipped: "Skipped",
    state_cancelled: "Cancelled",

    pause: "Pause",
    resume: "Resume",
    cancel: "Cancel rollout",
    cancel_confirm: "Mini programs not yet submitted for audit will be left alone; those in review stay as they are (their results are still recorded) but nothing more is released. Cancel the rollout?",
    cancel_yes: "Cancel it",
    cancel_no: "Keep it",
    retry_all: |n| format!("Retry failed and rejected ({n})"),
    retry: "Retry",
    retried: |n| format!("{n} mini programs queued again."),
    export: "Export CSV",

    targets: "Mini programs",
    no_targets: "No mini programs match.",
    col_mini_program: "Mini program",
    col_state: "State",
    col_attempt: "Attempts",
    col_auditid: "Audit ID",
    col_reason: "Rejection reason",
    col_error: "Last error",
    col_updated: "Updated",
    col_timeline: "Timeline",
    col_actions: "Actions",
    col_merchant_id: "Merchant ID",
    col_skip_reason: "Skip reason",
    col_errcode: "errcode",
    col_error_meaning: "Error meaning",
    gray_step: |n| format!("step {n}"),
    failed_at: |stage| format!("failed at: {stage}"),
    errcode: |code| format!("errcode {code}"),
    cancelled_from: |state| format!("when cancelled: {state}"),
    gray_skipped: "Nothing online yet: released in full",
    in_flight: "A request's outcome is being checked",
    next_attempt: |at| format!("next attempt: {at}"),
    show_timeline: "Show",
    skip_reason: |code| match code {
        "invalid_appid" => "Not a valid AppID",
        "duplicate" => "Listed twice",
        "not_registered" => "Not a mini program of this platform",
        "unauthorized" => "Authorization revoked",
        "needs_reauthorization" => "Needs re-authorization",
        "in_other_rollout" => "In another unfinished rollout",
        "already_on_version" => "Already on this version",
        "audit_in_review" => "An audit is in review",
        "gray_in_progress" => "A gray release is under way",
        "ext_json" => "ext_json cannot be made or breaks the rules",
        _ => "Other reason",
    },
    refusals: |r| match r {
        RolloutRefusal::NotRunning => "Only a running rollout can be paused.",
        RolloutRefusal::NotPaused => "Only a paused rollout can be resumed.",
        RolloutRefusal::AlreadyOver => "This rollout is cancelled or finished.",
        RolloutRefusal::NothingToRetry => "No failed or rejected mini program to retry.",
        RolloutRefusal::TargetsTaken => {
            "Another rollout took these mini programs since they were planned. Preview the plan again."
        }
    },

    timeline_of: |appid| format!("Timeline of {appid}"),
    close_timeline: "Close",
    no_events: "Nothing recorded yet.",
    col_time: "Time",
    col_kind: "Type",
    col_path: "WeChat API",
    col_outcome: "Outcome",
    col_detail: "Detail",
    kind_call: "API call",
    kind_reconcile: "WeChat state check",
    kind_state: "State change",
    kind_control: "Operator action",
    outcome_ok: "OK",
    outcome_error: "Error",
    outcome_lost: "No answer",
    outcome_refused: "Not sent (failed the checks)",
    outcome_done: "Done at WeChat",
    outcome_not_done: "Not done at WeChat",
    outcome_cancelled: "Cancelled",
    outcome_retry: "Retry",
    outcome_ignored: "Ignored",
    outcome_superseded: "Not applied (the target changed)",
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rollout::SkipReason;

    #[test]
    fn every_state_status_and_skip_reason_has_a_name_in_both_languages() {
        for t in [&ZH, &EN] {
            for kind in StateKind::ALL {
                assert!(!t.state(kind).is_empty(), "{kind:?}");
            }
            for status in RolloutStatus::ALL {
                assert!(!t.status(status).is_empty(), "{status:?}");
            }
            let other = (t.skip_reason)("nope");
            for reason in [
                SkipReason::InvalidAppid,
                SkipReason::Duplicate,
                SkipReason::NotRegistered,
                SkipReason::Unauthorized,
                SkipReason::NeedsReauthorization,
                SkipReason::InOtherRollout,
                SkipReason::AlreadyOnVersion,
                SkipReason::AuditInReview,
                SkipReason::GrayInProgress,
            ] {
                assert_ne!((t.skip_reason)(reason.as_str()), other, "{reason:?}");
            }
            assert_ne!((t.skip_reason)("ext_json"), other);
            assert_eq!(t.event_outcome("gray:1"), None);
            assert!(t.event_outcome("not_done").is_some());
        }
        assert_eq!(ZH.state(StateKind::Submitted), "审核中");
        assert!((EN.done_of)(45, 9, 20).contains("9 of 20"));
    }
}
