-- Fleet rollouts (issue 17): one template version brought to many mini programs by a worker,
-- one state machine per target (domain::rollout). Targets are claimed with a lease
-- (lease_owner / lease_until, the conditional UPDATE of code_audits' polling), so several
-- console instances share a rollout and one advances a target at a time; every state change
-- is an UPDATE conditional on the expected state and the lease owner. A write is marked in
-- flight (inflight, inflight_at) before WeChat is called: whoever holds the target next reads
-- WeChat's state before repeating it, so a crash never commits or submits twice.

CREATE TABLE rollouts (
    id BIGSERIAL PRIMARY KEY,
    template_id BIGINT NOT NULL,
    user_version TEXT NOT NULL,
    user_desc TEXT NOT NULL,
    -- ext_json with variables ({appid}, {merchant.name} …) as planned; '' for none
    ext_json_template TEXT NOT NULL,
    -- domain::rollout::ReleasePolicy as JSON
    policy TEXT NOT NULL,
    -- domain::rollout::Limits as JSON
    limits TEXT NOT NULL,
    -- submit_audit's item_list for every target as JSON (category ids 0: the target's first)
    item_list TEXT NOT NULL,
    -- running | paused | cancelled | finished
    status TEXT NOT NULL,
    created_by BIGINT REFERENCES users (id),
    created_by_name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX rollouts_status ON rollouts (status, id);

CREATE TABLE rollout_targets (
    id BIGSERIAL PRIMARY KEY,
    rollout_id BIGINT NOT NULL REFERENCES rollouts (id),
    appid TEXT NOT NULL,
    -- the mini program's merchant when planned
    merchant_id BIGINT REFERENCES merchants (id),
    -- TargetState::encode (pending, gray:1, failed:committed:85009 …) and its kind (filters,
    -- counts, claims)
    state TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- SkipReason::as_str of a skipped target
    skip_reason TEXT,
    -- the state a cancel found (what had reached WeChat stays as it is)
    cancelled_from TEXT,
    -- the filled ext_json of its commit
    ext_json TEXT NOT NULL,
    -- no version online when planned: the gray steps do not apply (85079)
    gray_skipped BIGINT NOT NULL DEFAULT 0,
    -- when the target entered its state (the waits after gray steps count from here)
    entered_at BIGINT NOT NULL,
    -- retryable failures of the current write so far (backoff)
    attempt BIGINT NOT NULL DEFAULT 0,
    -- due for the worker at (-1: woken by an audit result)
    next_at BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    -- a write sent whose answer is not recorded: commit | submit_audit | gray:<percentage> | release
    inflight TEXT,
    inflight_at BIGINT,
    -- the newest auditid the console knew before the submit (a lost submit is checked with it)
    auditid_before BIGINT,
    commit_id BIGINT REFERENCES code_commits (id),
    committed_at BIGINT,
    auditid BIGINT,
    audit_status BIGINT,
    -- the rejection reason
    reason TEXT,
    last_errcode BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT,
    UNIQUE (rollout_id, appid)
);
CREATE INDEX rollout_targets_due ON rollout_targets (rollout_id, kind, next_at);
CREATE INDEX rollout_targets_app ON rollout_targets (appid, auditid);

-- Each target's timeline: every WeChat call the worker made for it (path, errcode, outcome),
-- its transitions and the operators' actions.
CREATE TABLE rollout_events (
    id BIGSERIAL PRIMARY KEY,
    rollout_id BIGINT NOT NULL REFERENCES rollouts (id),
    target_id BIGINT NOT NULL REFERENCES rollout_targets (id),
    appid TEXT NOT NULL,
    at BIGINT NOT NULL,
    -- call (a WeChat call) | reconcile (a lost answer settled) | state | control
    kind TEXT NOT NULL,
    -- the WeChat path of a call
    path TEXT,
    errcode BIGINT,
    -- a call: ok | error | lost | refused; a reconcile: done | not_done; a transition: the
    -- new state; a control: cancelled | retry
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX rollout_events_target ON rollout_events (target_id, id);
CREATE INDEX rollout_events_rollout ON rollout_events (rollout_id, id);
