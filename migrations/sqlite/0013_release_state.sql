-- Each mini program's release state and the template the fleet shows, stored next to the
-- facts of 0011: the fleet release view computed them with a CASE over every mini program on
-- every request, once for the counts per state and again for the page (10,000 mini
-- programs: ~50 ms a request). Stored and indexed, the counts are a GROUP BY over an index
-- and the page reads its rows in index order without computing anything per row.
--
-- The state is the first rule of domain::fleet_release::RULES that holds, written here in SQL
-- over `a` (the facts of 0011) and `rs` (release_status). server/tests/api/fleet_release.rs
-- holds the stored state to the domain's rules over every reachable combination of facts; a
-- change of the rules is a new migration that replaces the view and refreshes every row.

ALTER TABLE release_facts ADD COLUMN release_state TEXT NOT NULL DEFAULT 'never';
-- The template online, else the newest commit's.
ALTER TABLE release_facts ADD COLUMN template_id BIGINT;

-- The facts as 0011 computed them (`a`), and from them and release_status the state and the
-- template. The two new columns come last, in the order ALTER TABLE appended them: the
-- triggers of 0011 insert `SELECT * FROM release_facts_of` into release_facts by position.
DROP VIEW release_facts_of;
CREATE VIEW release_facts_of AS
SELECT a.appid AS appid,
    a.commit_template_id AS commit_template_id,
    a.audit_id AS audit_id,
    a.audit_version AS audit_version,
    a.audit_status AS audit_status,
    a.audit_submitted_at AS audit_submitted_at,
    a.audit_finished_at AS audit_finished_at,
    a.last_rejection AS last_rejection,
    CASE
        WHEN a.audit_status IN (2, 4) THEN 'auditing'
        WHEN a.audit_status = 1 THEN 'rejected'
        WHEN rs.gray_status IN (1, 2) THEN 'gray'
        WHEN a.audit_status = 0 AND (rs.online_released_at IS NULL
            OR rs.online_released_at < COALESCE(a.audit_finished_at, a.audit_submitted_at))
            THEN 'approved'
        WHEN rs.online_version IS NOT NULL THEN 'online'
        ELSE 'never'
    END AS release_state,
    COALESCE(rs.online_template_id, a.commit_template_id) AS template_id
FROM (
    SELECT p.appid AS appid,
        (SELECT c.template_id FROM code_commits c WHERE c.appid = p.appid
            ORDER BY c.committed_at DESC, c.id DESC LIMIT 1) AS commit_template_id,
        n.id AS audit_id,
        n.user_version AS audit_version,
        n.status AS audit_status,
        n.submitted_at AS audit_submitted_at,
        n.finished_at AS audit_finished_at,
        (SELECT r.reason FROM code_audits r WHERE r.appid = p.appid AND r.status = 1
            ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1) AS last_rejection
    FROM mini_programs p
    LEFT JOIN code_audits n ON n.id = (SELECT x.id FROM code_audits x WHERE x.appid = p.appid
        ORDER BY x.submitted_at DESC, x.id DESC LIMIT 1)
) a
LEFT JOIN release_status rs ON rs.appid = a.appid;

-- The state and the template also depend on release_status: refreshed the way 0011 refreshes
-- (delete, then insert: see there why not OR REPLACE).
CREATE TRIGGER release_facts_status_insert AFTER INSERT ON release_status BEGIN
    DELETE FROM release_facts WHERE appid = NEW.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = NEW.appid;
END;
-- Only the columns the state and the template read: the visit status, the support version,
-- the gray percentage and updated_at change neither.
CREATE TRIGGER release_facts_status_update
AFTER UPDATE OF appid, online_version, online_template_id, online_released_at, gray_status
ON release_status BEGIN
    DELETE FROM release_facts WHERE appid = NEW.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = NEW.appid;
    DELETE FROM release_facts WHERE appid = OLD.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = OLD.appid;
END;
CREATE TRIGGER release_facts_status_delete AFTER DELETE ON release_status BEGIN
    DELETE FROM release_facts WHERE appid = OLD.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = OLD.appid;
END;

-- The counts per state read release_facts alone, so it holds one row per mini program: the
-- insert trigger of 0011 adds it, and a mini program deleted takes its row along (the
-- console deletes none today; this keeps the counts right if it ever does).
CREATE TRIGGER release_facts_program_delete AFTER DELETE ON mini_programs BEGIN
    DELETE FROM release_facts WHERE appid = OLD.appid;
END;

-- Every existing row, states and templates included (one row per mini program, as the
-- counts per state assume).
DELETE FROM release_facts;
INSERT INTO release_facts (appid, commit_template_id, audit_id, audit_version, audit_status,
    audit_submitted_at, audit_finished_at, last_rejection, release_state, template_id)
SELECT appid, commit_template_id, audit_id, audit_version, audit_status, audit_submitted_at,
    audit_finished_at, last_rejection, release_state, template_id FROM release_facts_of;

-- The counts per state group over this index; the template filter looks rows up in the other.
CREATE INDEX release_facts_state ON release_facts (release_state);
CREATE INDEX release_facts_template ON release_facts (template_id);
-- The fleet's default order (and the registry's, and the message sets'): name, then appid.
-- With both in the index the first page is read in order and the scan stops at its LIMIT;
-- the index on the name alone is a prefix of this one.
DROP INDEX mini_programs_name;
CREATE INDEX mini_programs_name_appid ON mini_programs (nick_name, appid);
