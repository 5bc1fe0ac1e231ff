-- The rule of what a user has unread, written once (issue 16 review): migration 0025 repeated
-- it in the four triggers that recount a user's kept count. They now read it from this view;
-- what they keep is unchanged. Visible: staff see every notification, a merchant's users
-- their merchant's. Unread: above the user's mark and not read one by one. The triggers run
-- AFTER the change, so the view reads the new role, merchant or mark.
CREATE VIEW notification_unread_of AS
SELECT u.id AS user_id, (
    SELECT COUNT(*) FROM notifications n
    WHERE (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
      AND n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = u.id), 0)
      AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = u.id)
) AS unread
FROM users u;

DROP TRIGGER notification_unread_user_added;
DROP TRIGGER notification_unread_user_scope;
DROP TRIGGER notification_unread_mark_set;
DROP TRIGGER notification_unread_mark_moved;

-- A new user: every visible notification is unread.
CREATE TRIGGER notification_unread_user_added AFTER INSERT ON users
BEGIN
    INSERT INTO notification_unread (user_id, unread)
    SELECT user_id, unread FROM notification_unread_of WHERE user_id = NEW.id;
END;

-- What the user may see changed: recounted.
CREATE TRIGGER notification_unread_user_scope AFTER UPDATE OF role, merchant_id ON users
BEGIN
    UPDATE notification_unread
    SET unread = (SELECT unread FROM notification_unread_of WHERE user_id = NEW.id)
    WHERE user_id = NEW.id;
END;

-- The mark moved ("mark all read"): recounted above it.
CREATE TRIGGER notification_unread_mark_set AFTER INSERT ON notification_watermarks
BEGIN
    UPDATE notification_unread
    SET unread = (SELECT unread FROM notification_unread_of WHERE user_id = NEW.user_id)
    WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER notification_unread_mark_moved AFTER UPDATE OF read_through ON notification_watermarks
BEGIN
    UPDATE notification_unread
    SET unread = (SELECT unread FROM notification_unread_of WHERE user_id = NEW.user_id)
    WHERE user_id = NEW.user_id;
END;
