-- The audit log's entries per merchant, kept as entries are appended (issue 16). The log's
-- pager counted them on every request, up to the 10,001 its "10,000+" needs: one walk of
-- 10,001 index entries per page. The log unfiltered (what it opens with, for staff or a
-- merchant) now reads its count here; a filter still counts. Entries of no merchant are kept
-- under 0 (ids start at 1). The log is append-only (migration 0001), so only inserts count.
--
-- As with release_state_counts (migration 0026), a row per merchant updated in place would
-- make every audited action of a merchant wait on that row until the one before commits. So
-- each INSERT statement appends its entries per merchant (one row for a single entry, a few
-- for a bulk insert), and the console folds the rows into one per merchant every minute
-- (db::audit_log::fold_entry_counts).
CREATE TABLE audit_log_counts (
    merchant_id BIGINT NOT NULL,
    entries BIGINT NOT NULL
);
CREATE INDEX audit_log_counts_merchant ON audit_log_counts (merchant_id);

INSERT INTO audit_log_counts (merchant_id, entries)
SELECT COALESCE(merchant_id, 0), COUNT(*) FROM audit_log GROUP BY COALESCE(merchant_id, 0);

CREATE FUNCTION audit_log_counted() RETURNS trigger AS $$
BEGIN
    INSERT INTO audit_log_counts (merchant_id, entries)
    SELECT COALESCE(merchant_id, 0), COUNT(*) FROM appended GROUP BY COALESCE(merchant_id, 0);
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_counted AFTER INSERT ON audit_log
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_counted();
