-- Message template library titles (template/library/list) the console has fetched, so staff
-- can search them by title on the server; WeChat's library offers no search.
CREATE TABLE message_library_titles (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    position BIGINT NOT NULL,
    fetched_at BIGINT NOT NULL
);
CREATE INDEX message_library_titles_position ON message_library_titles (position);
