-- The release pipeline. WeChat has no API that reads a mini program's development or online
-- version back, so the console keeps them from its own calls (commit, submit, release, gray,
-- revert) and from audit results (push or polling).

-- Every commit made through the console; the newest per appid is the development version.
CREATE TABLE code_commits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appid TEXT NOT NULL,
    template_id BIGINT NOT NULL,
    user_version TEXT NOT NULL,
    user_desc TEXT NOT NULL,
    -- the ext_json string exactly as sent to WeChat
    ext_json TEXT NOT NULL,
    committed_by BIGINT REFERENCES users (id),
    committed_by_name TEXT NOT NULL,
    committed_at BIGINT NOT NULL
);
CREATE INDEX code_commits_appid ON code_commits (appid, committed_at);
CREATE INDEX code_commits_template ON code_commits (template_id);

-- Every audit submitted. Results arrive by push and by polling; both record them with the
-- same conditional UPDATE (… WHERE status IN (2, 4)), so whichever path comes first wins
-- and the other changes nothing.
CREATE TABLE code_audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appid TEXT NOT NULL,
    auditid BIGINT NOT NULL,
    commit_id BIGINT REFERENCES code_commits (id),
    user_version TEXT NOT NULL,
    -- submit_audit's item_list as JSON, as submitted
    item_list TEXT NOT NULL,
    -- get_auditstatus: 0 approved, 1 rejected, 2 auditing, 3 withdrawn, 4 delayed
    status BIGINT NOT NULL,
    reason TEXT,
    -- rejection screenshots: media ids, '|'-separated as WeChat sends them
    screenshots TEXT,
    submitted_by BIGINT REFERENCES users (id),
    submitted_by_name TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- where the final status came from: push | poll | undo
    result_source TEXT,
    -- polling of pending audits (backoff), claimed by one instance at a time
    next_poll_at BIGINT NOT NULL DEFAULT 0,
    poll_attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0,
    UNIQUE (appid, auditid)
);
CREATE INDEX code_audits_appid ON code_audits (appid, submitted_at);
CREATE INDEX code_audits_due ON code_audits (status, next_poll_at);

-- The release status of each mini program at a glance: one row per appid, written by the
-- release actions. The audit part is read from code_audits (newest row per appid).
CREATE TABLE release_status (
    appid TEXT PRIMARY KEY NOT NULL,
    online_version TEXT,
    online_desc TEXT,
    online_template_id BIGINT,
    online_commit_id BIGINT REFERENCES code_commits (id),
    online_released_at BIGINT,
    -- the version a revert would go back to (WeChat keeps exactly one)
    previous_version TEXT,
    previous_desc TEXT,
    -- 1 when the online version is itself the result of a revert (WeChat refuses a second)
    online_is_reverted BIGINT NOT NULL DEFAULT 0,
    -- getgrayreleaseplan: status and percentage of the current plan, NULL without one
    gray_status BIGINT,
    gray_percentage BIGINT,
    gray_updated_at BIGINT,
    -- 'open' | 'close'
    visit_status TEXT NOT NULL DEFAULT 'open',
    support_version TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX release_status_online ON release_status (online_version);

-- In-console notifications (an audit finished, a widget was reviewed, …).
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at BIGINT NOT NULL,
    -- the merchant whose mini program it concerns: staff see all, a merchant only its own
    merchant_id BIGINT REFERENCES merchants (id),
    appid TEXT,
    kind TEXT NOT NULL,
    -- JSON parameters the UI formats in the reader's language
    params TEXT NOT NULL DEFAULT '{}',
    link TEXT,
    -- one notification per event, whichever path (push or polling) reports it first
    dedupe_key TEXT NOT NULL UNIQUE
);
CREATE INDEX notifications_created ON notifications (created_at);
CREATE INDEX notifications_merchant ON notifications (merchant_id, created_at);

CREATE TABLE notification_reads (
    notification_id BIGINT NOT NULL REFERENCES notifications (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    read_at BIGINT NOT NULL,
    PRIMARY KEY (notification_id, user_id)
);
