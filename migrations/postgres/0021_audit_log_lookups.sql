-- The audit log's filters (issue 16): who did it, what they did and to what are each looked up
-- whole (any case for names and ids) through an index in the list's order, so a filtered page
-- reads its rows newest first and stops at its limit. A substring match read every row: the
-- mini program page's "recent operations" (its AppID as the target) took 0.9 s on 1,000,000
-- entries (SQLite). A merchant's log (its entries only) is read in the same order: by
-- (merchant_id, at) SQLite sorted all the merchant's entries for each page (40,000 of them:
-- 60-180 ms).
CREATE INDEX audit_log_target ON audit_log (LOWER(target_id), id);
CREATE INDEX audit_log_actor ON audit_log (LOWER(actor_name), id);
CREATE INDEX audit_log_action ON audit_log (action, id);
CREATE INDEX audit_log_merchant_id ON audit_log (merchant_id, id);
