-- The release page (issue 6): WeChat releases the newest approved audit and then has no
-- audit version any more (a second release is 85020, a gray release 85080). The console
-- remembers which audit went online, so its state rules match WeChat's.
ALTER TABLE code_audits ADD COLUMN released_at BIGINT;
