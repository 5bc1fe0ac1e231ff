-- The signed-in user of each session, kept beside its data (issue 16): loading a session
-- joins its user (and merchant) in the same query, so a signed-in request no longer makes a
-- second round trip for the user. NULL for a session nobody signed in to, and for sessions
-- saved before this column (their user is looked up by id until the next save).
ALTER TABLE sessions ADD COLUMN user_id BIGINT;
