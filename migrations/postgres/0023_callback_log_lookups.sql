-- The callbacks inbox grows with every push WeChat sends (a verify ticket every ten minutes
-- alone is 52,000 a year), and three of its reads went through the whole table (issue 16):
-- - the worker's look for pushes left unprocessed by a stopped process (outcome received or
--   processing), on every tick, with no index on the outcome: a full scan each time nothing
--   was stuck, which is nearly always;
-- - the outcome filter, read newest first through the time index and tested row by row;
-- - the kinds for the filter (now a skip through the kind index, one step per kind).
-- Every index the list is read through ends in (received_at, id), its order.
CREATE INDEX wechat_callbacks_outcome ON wechat_callbacks (outcome, received_at, id);
DROP INDEX wechat_callbacks_received;
CREATE INDEX wechat_callbacks_received ON wechat_callbacks (received_at, id);
DROP INDEX wechat_callbacks_kind;
CREATE INDEX wechat_callbacks_kind ON wechat_callbacks (kind, received_at, id);
DROP INDEX wechat_callbacks_appid;
CREATE INDEX wechat_callbacks_appid ON wechat_callbacks (appid, received_at, id);
