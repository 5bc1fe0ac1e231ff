-- Template sets: named lists of message templates (kind 'template' = 模版消息, 'subscribe' =
-- 订阅消息) applied to many mini programs. A member is a library title with its keywords in
-- order (keyword_ids and labels: JSON arrays). Coverage is what the last check or apply of
-- a set found on a mini program (lacking: JSON array of member ids); it is cleared when the
-- set's members change.
CREATE TABLE message_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE message_set_members (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    set_id BIGINT NOT NULL REFERENCES message_sets (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    title_id TEXT NOT NULL,
    title TEXT NOT NULL,
    keyword_ids TEXT NOT NULL,
    labels TEXT NOT NULL,
    scene_desc TEXT NOT NULL
);
CREATE INDEX message_set_members_set ON message_set_members (set_id, position);
CREATE TABLE message_set_coverage (
    set_id BIGINT NOT NULL REFERENCES message_sets (id),
    appid TEXT NOT NULL REFERENCES mini_programs (appid),
    lacking TEXT NOT NULL,
    lacking_count BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    checked_at BIGINT NOT NULL,
    PRIMARY KEY (set_id, appid)
);
