-- The registry lists mini programs newest first with the AppID as tie-breaker (ORDER BY
-- created_at DESC, appid DESC). Its indexes ended at created_at, so every page sorted its
-- rows again by AppID (SQLite: USE TEMP B-TREE FOR RIGHT PART OF ORDER BY). Ending them in
-- (created_at, appid) gives the rows in the page's order, for the whole fleet and for each
-- merchant, status and subject filter (issue 16; 10,000 mini programs on SQLite: the first
-- page of 50 took 0.23 ms, now 0.11 ms).
DROP INDEX mini_programs_created;
DROP INDEX mini_programs_merchant;
DROP INDEX mini_programs_status;
DROP INDEX mini_programs_subject;
CREATE INDEX mini_programs_created ON mini_programs (created_at, appid);
CREATE INDEX mini_programs_merchant ON mini_programs (merchant_id, created_at, appid);
CREATE INDEX mini_programs_status ON mini_programs (status, created_at, appid);
CREATE INDEX mini_programs_subject ON mini_programs (subject_type, created_at, appid);
