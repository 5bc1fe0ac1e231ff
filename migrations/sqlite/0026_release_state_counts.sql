-- The fleet release view's mini programs per state, kept as states change (issue 16). The
-- view counted them on every request, one walk of release_facts_state per state: 10,000 mini
-- programs, 0.37 ms of SQLite's time per page. The counts of the whole fleet, unfiltered
-- (what the view opens with) now read six rows; a filter or a merchant's scope still counts.
-- SQLite has one writer at a time, so one row per state; PostgreSQL's migration appends
-- changes instead (see there).
CREATE TABLE release_state_counts (
    release_state TEXT PRIMARY KEY NOT NULL,
    programs BIGINT NOT NULL
);

INSERT INTO release_state_counts (release_state, programs)
SELECT release_state, COUNT(*) FROM release_facts GROUP BY release_state;

CREATE TRIGGER release_state_counts_added AFTER INSERT ON release_facts
BEGIN
    INSERT INTO release_state_counts (release_state, programs) VALUES (NEW.release_state, 1)
    ON CONFLICT (release_state) DO UPDATE SET programs = programs + 1;
END;

CREATE TRIGGER release_state_counts_moved AFTER UPDATE OF release_state ON release_facts
WHEN NEW.release_state <> OLD.release_state
BEGIN
    UPDATE release_state_counts SET programs = programs - 1 WHERE release_state = OLD.release_state;
    INSERT INTO release_state_counts (release_state, programs) VALUES (NEW.release_state, 1)
    ON CONFLICT (release_state) DO UPDATE SET programs = programs + 1;
END;

CREATE TRIGGER release_state_counts_removed AFTER DELETE ON release_facts
BEGIN
    UPDATE release_state_counts SET programs = programs - 1 WHERE release_state = OLD.release_state;
END;
