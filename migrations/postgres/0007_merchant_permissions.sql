-- What each merchant's users may do on their own mini programs (issue 11): view, submit or
-- release. Existing merchants keep what they could do before.
ALTER TABLE merchants ADD COLUMN permission TEXT NOT NULL DEFAULT 'release';
