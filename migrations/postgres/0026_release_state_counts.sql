-- The fleet release view's mini programs per state, kept as states change (issue 16). The
-- view counted them on every request, one walk of release_facts_state per state (10,000 mini
-- programs: 0.37 ms of SQLite's time per page). The counts of the whole fleet, unfiltered
-- (what the view opens with) are now a sum over a few rows; a filter or a merchant's scope
-- still counts.
--
-- A row per state, updated in place, would make every release state change in the fleet
-- queue on one of six rows until its transaction commits (and two opposite changes could
-- deadlock). So each change appends its +1 and -1, which nothing else writes to, and the
-- console folds the rows into one per state every minute
-- (db::fleet_release::fold_state_counts, one statement: what it deletes is what it sums).
CREATE TABLE release_state_counts (
    release_state TEXT NOT NULL,
    programs BIGINT NOT NULL
);

INSERT INTO release_state_counts (release_state, programs)
SELECT release_state, COUNT(*) FROM release_facts GROUP BY release_state;

CREATE FUNCTION release_state_counted() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.release_state = OLD.release_state THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO release_state_counts (release_state, programs) VALUES (OLD.release_state, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO release_state_counts (release_state, programs) VALUES (NEW.release_state, 1);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER release_state_counted
    AFTER INSERT OR DELETE OR UPDATE OF release_state ON release_facts
    FOR EACH ROW EXECUTE FUNCTION release_state_counted();
