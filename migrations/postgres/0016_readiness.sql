-- Readiness checklist (就绪检查, issue 18): each mini program's last check. A check reads
-- WeChat (getaccountbasicinfo, get_category, memberauth) and the console's own records
-- (authorization, release facts); the page renders from what it stored, without calling
-- WeChat. The registry filters and sorts on the summary columns, so they are stored, not
-- computed per request.
--   sources: JSON of domain::readiness::Sources: each source's answer (or why it could not
--            be read) with its fetched_at
--   checked_at: when the check began; an older check finishing later is not stored
--   state: 'ready' (nothing missing) | 'stuck'
--   ready_count / item_count: "x of y ready" (items that apply)
--   first_blocking: the first missing item (domain::readiness::ItemKind), NULL when ready
CREATE TABLE readiness_snapshots (
    appid TEXT PRIMARY KEY NOT NULL REFERENCES mini_programs (appid),
    sources TEXT NOT NULL,
    checked_at BIGINT NOT NULL,
    checked_by_name TEXT NOT NULL,
    state TEXT NOT NULL,
    ready_count BIGINT NOT NULL,
    item_count BIGINT NOT NULL,
    first_blocking TEXT
);
-- The registry's "ready" / "stuck" filters.
CREATE INDEX readiness_snapshots_state ON readiness_snapshots (state, first_blocking);

-- Each item's state at the last check, one row per (mini program, item): "stuck at <item>"
-- finds every mini program missing that item, wherever it is in the list.
CREATE TABLE readiness_items (
    appid TEXT NOT NULL REFERENCES mini_programs (appid),
    item TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (appid, item)
);
CREATE INDEX readiness_items_state ON readiness_items (item, state, appid);
