-- "Mark all read" as one row per user (issue 16): every notification up to `read_through`
-- (an id; ids only grow) is read for that user, from `read_at`. It replaces one
-- notification_reads row per notification and user, which made the unread count on every
-- page, and the marking itself, grow with every notification ever stored. notification_reads
-- keeps the ones read one by one above the mark.
CREATE TABLE notification_watermarks (
    user_id BIGINT PRIMARY KEY REFERENCES users (id),
    read_through BIGINT NOT NULL,
    read_at BIGINT NOT NULL
);
-- A merchant's notifications above a user's mark, in id order.
CREATE INDEX notifications_merchant_id ON notifications (merchant_id, id);
