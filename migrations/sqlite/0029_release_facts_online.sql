-- The fleet release view's online columns kept in release_facts too (issue 16): its page
-- joined release_status for them, a second seek by AppID per row (a text key: the key's
-- index, then the table), a quarter of SQLite's time for the page. release_facts is already
-- refreshed from release_status by the triggers of 0013; the refresh now copies these three,
-- and the gray percentage joins the columns whose update refreshes.

ALTER TABLE release_facts ADD COLUMN online_version TEXT;
ALTER TABLE release_facts ADD COLUMN online_released_at BIGINT;
ALTER TABLE release_facts ADD COLUMN gray_percentage BIGINT;

-- As in 0013, with the three new columns last, in the order ALTER TABLE appended them (the
-- triggers insert `SELECT * FROM release_facts_of` by position).
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
    COALESCE(rs.online_template_id, a.commit_template_id) AS template_id,
    rs.online_version AS online_version,
    rs.online_released_at AS online_released_at,
    rs.gray_percentage AS gray_percentage
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

-- As in 0013, with the gray percentage among the columns that refresh.
DROP TRIGGER release_facts_status_update;
CREATE TRIGGER release_facts_status_update
AFTER UPDATE OF appid, online_version, online_template_id, online_released_at, gray_status,
    gray_percentage
ON release_status BEGIN
    DELETE FROM release_facts WHERE appid = NEW.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = NEW.appid;
    DELETE FROM release_facts WHERE appid = OLD.appid;
    INSERT INTO release_facts SELECT * FROM release_facts_of WHERE appid = OLD.appid;
END;

-- Every existing row.
UPDATE release_facts SET online_version = rs.online_version,
    online_released_at = rs.online_released_at, gray_percentage = rs.gray_percentage
FROM release_status rs WHERE rs.appid = release_facts.appid;

