-- Each user's unread notifications, kept as they change (issue 16). Every console page shows
-- the count in its bell; counting it walked the notifications above the user's mark and
-- looked each one up in notification_reads, up to 100 unread ones and past every one read in
-- between: the most expensive query of a list page (58 µs of SQLite's time for "99+"), and
-- without bound for a user who reads notifications one by one. The triggers below keep the
-- count for any writer; a user's count is recounted whole only when the mark moves or what
-- the user may see changes (role, merchant).
--
-- Visible: staff see every notification, a merchant's users their merchant's
-- (users_role_merchant: role = 'merchant' exactly when merchant_id is set). Unread: above the
-- user's mark (notification_watermarks) and not read one by one (notification_reads).
CREATE TABLE notification_unread (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    unread BIGINT NOT NULL
);

INSERT INTO notification_unread (user_id, unread)
SELECT u.id, (
    SELECT COUNT(*) FROM notifications n
    WHERE (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
      AND n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = u.id), 0)
      AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = u.id)
) FROM users u;

-- A new user: every visible notification is unread.
CREATE TRIGGER notification_unread_user_added AFTER INSERT ON users
BEGIN
    INSERT INTO notification_unread (user_id, unread)
    VALUES (NEW.id, (
        SELECT COUNT(*) FROM notifications n
        WHERE (NEW.role <> 'merchant' OR n.merchant_id = NEW.merchant_id)
          AND n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = NEW.id), 0)
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = NEW.id)
    ));
END;

-- What the user may see changed: recounted.
CREATE TRIGGER notification_unread_user_scope AFTER UPDATE OF role, merchant_id ON users
BEGIN
    UPDATE notification_unread SET unread = (
        SELECT COUNT(*) FROM notifications n
        WHERE (NEW.role <> 'merchant' OR n.merchant_id = NEW.merchant_id)
          AND n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = NEW.id), 0)
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = NEW.id)
    ) WHERE user_id = NEW.id;
END;

-- The mark moved ("mark all read"): recounted above it.
CREATE TRIGGER notification_unread_mark_set AFTER INSERT ON notification_watermarks
BEGIN
    UPDATE notification_unread SET unread = (
        SELECT COUNT(*) FROM notifications n, users u
        WHERE u.id = NEW.user_id
          AND (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
          AND n.id > NEW.read_through
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = NEW.user_id)
    ) WHERE user_id = NEW.user_id;
END;

CREATE TRIGGER notification_unread_mark_moved AFTER UPDATE OF read_through ON notification_watermarks
BEGIN
    UPDATE notification_unread SET unread = (
        SELECT COUNT(*) FROM notifications n, users u
        WHERE u.id = NEW.user_id
          AND (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
          AND n.id > NEW.read_through
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = NEW.user_id)
    ) WHERE user_id = NEW.user_id;
END;

-- A new notification is unread for everyone who may see it (ids only grow: above every mark).
CREATE TRIGGER notification_unread_added AFTER INSERT ON notifications
BEGIN
    UPDATE notification_unread SET unread = unread + 1
    WHERE user_id IN (
        SELECT u.id FROM users u
        WHERE u.role <> 'merchant' OR u.merchant_id = NEW.merchant_id
    );
END;

-- A removed notification no longer counts for those who had it unread.
CREATE TRIGGER notification_unread_removed AFTER DELETE ON notifications
BEGIN
    UPDATE notification_unread SET unread = unread - 1
    WHERE user_id IN (
        SELECT u.id FROM users u
        WHERE (u.role <> 'merchant' OR u.merchant_id = OLD.merchant_id)
          AND OLD.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = u.id), 0)
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = OLD.id AND r.user_id = u.id)
    );
END;

-- Read one by one: one fewer, if it was unread (visible and above the mark).
CREATE TRIGGER notification_unread_read AFTER INSERT ON notification_reads
BEGIN
    UPDATE notification_unread SET unread = unread - 1
    WHERE user_id = NEW.user_id
      AND NEW.notification_id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = NEW.user_id), 0)
      AND EXISTS (
          SELECT 1 FROM notifications n, users u
          WHERE n.id = NEW.notification_id AND u.id = NEW.user_id
            AND (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
      );
END;

CREATE TRIGGER notification_unread_unread AFTER DELETE ON notification_reads
BEGIN
    UPDATE notification_unread SET unread = unread + 1
    WHERE user_id = OLD.user_id
      AND OLD.notification_id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = OLD.user_id), 0)
      AND EXISTS (
          SELECT 1 FROM notifications n, users u
          WHERE n.id = OLD.notification_id AND u.id = OLD.user_id
            AND (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
      );
END;
