-- Function widgets (功能直达): at most one per mini program (WeChat allows one).
--   status: draft | under_review | online | rejected | offline
--   draft: the editor's content (JSON, the createfuncwidget body), saved without submitting
--   submitted: the content WeChat last accepted for review (JSON); NULL while a draft
--   wx_index: the `index` the access check reports; NULL until WeChat lists the function
-- Reviews are tracked by polling the access check: next_check_at / check_failures give
-- the backoff of the background worker.
CREATE TABLE widgets (
    appid TEXT PRIMARY KEY NOT NULL REFERENCES mini_programs (appid),
    status TEXT NOT NULL,
    draft TEXT NOT NULL,
    submitted TEXT,
    wx_index BIGINT,
    reason TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT,
    submitted_by TEXT,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    next_check_at BIGINT NOT NULL DEFAULT 0,
    check_failures BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX widgets_status ON widgets (status, updated_at);
CREATE INDEX widgets_due ON widgets (status, next_check_at);

-- Every submission (create / modify) as sent, who sent it, and how it ended:
--   outcome: under_review | approved | rejected | failed (WeChat refused it: errcode)
CREATE TABLE widget_submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appid TEXT NOT NULL,
    action TEXT NOT NULL,
    content TEXT NOT NULL,
    submitted_at BIGINT NOT NULL,
    submitted_by TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    errcode BIGINT,
    decided_at BIGINT
);
CREATE INDEX widget_submissions_appid ON widget_submissions (appid, id);
