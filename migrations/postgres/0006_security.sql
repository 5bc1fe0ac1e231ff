-- Security review (issue 10). The authorization link's redirect carries an unguessable,
-- single-use state value instead of the sequential request id; a request is found by it.
ALTER TABLE authorization_requests ADD COLUMN state_token TEXT;
CREATE UNIQUE INDEX authorization_requests_state ON authorization_requests (state_token);
