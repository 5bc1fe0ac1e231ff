-- Each user's unread notifications, kept as they change (issue 16). Every console page shows
-- the count in its bell; counting it walked the notifications above the user's mark and
-- looked each one up in notification_reads, up to 100 unread ones and past every one read in
-- between: the most expensive query of a list page, and without bound for a user who reads
-- notifications one by one. The triggers below keep the count for any writer; a user's count
-- is recounted whole only when the mark moves or what the user may see changes (role,
-- merchant).
--
-- Visible: staff see every notification, a merchant's users their merchant's (role =
-- 'merchant' exactly when merchant_id is set). Unread: above the user's mark
-- (notification_watermarks) and not read one by one (notification_reads).
CREATE TABLE notification_unread (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    unread BIGINT NOT NULL
);

CREATE FUNCTION notification_unread_of(uid BIGINT) RETURNS BIGINT
LANGUAGE sql STABLE AS $$
    SELECT COUNT(*) FROM users u JOIN notifications n
        ON u.role <> 'merchant' OR n.merchant_id = u.merchant_id
    WHERE u.id = uid
      AND n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = uid), 0)
      AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = uid)
$$;

INSERT INTO notification_unread (user_id, unread)
SELECT u.id, notification_unread_of(u.id) FROM users u;

-- A new user: every visible notification is unread.
CREATE FUNCTION notification_unread_user_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notification_unread (user_id, unread) VALUES (NEW.id, notification_unread_of(NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_user_added AFTER INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION notification_unread_user_added();

-- What the user may see changed, or the mark moved ("mark all read"): recounted.
CREATE FUNCTION notification_unread_user_scope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notification_unread SET unread = notification_unread_of(NEW.id) WHERE user_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_user_scope AFTER UPDATE OF role, merchant_id ON users
    FOR EACH ROW EXECUTE FUNCTION notification_unread_user_scope();

CREATE FUNCTION notification_unread_mark() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE notification_unread SET unread = notification_unread_of(NEW.user_id) WHERE user_id = NEW.user_id;
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_mark AFTER INSERT OR UPDATE OF read_through ON notification_watermarks
    FOR EACH ROW EXECUTE FUNCTION notification_unread_mark();

-- A new notification is unread for everyone who may see it (ids only grow, and "mark all
-- read" locks the table against inserts: above every mark). The counts are locked in the
-- users' order first, so that two inserts never wait on each other the wrong way round.
CREATE FUNCTION notification_unread_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM notification_unread c JOIN users u ON u.id = c.user_id
    WHERE u.role <> 'merchant' OR u.merchant_id = NEW.merchant_id
    ORDER BY c.user_id FOR UPDATE OF c;
    UPDATE notification_unread c SET unread = c.unread + 1
    FROM users u
    WHERE u.id = c.user_id AND (u.role <> 'merchant' OR u.merchant_id = NEW.merchant_id);
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_added AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_unread_added();

-- A removed notification no longer counts for those who had it unread.
CREATE FUNCTION notification_unread_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM notification_unread c JOIN users u ON u.id = c.user_id
    WHERE u.role <> 'merchant' OR u.merchant_id = OLD.merchant_id
    ORDER BY c.user_id FOR UPDATE OF c;
    UPDATE notification_unread c SET unread = c.unread - 1
    FROM users u
    WHERE u.id = c.user_id
      AND (u.role <> 'merchant' OR u.merchant_id = OLD.merchant_id)
      AND OLD.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = u.id), 0)
      AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = OLD.id AND r.user_id = u.id);
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_removed AFTER DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_unread_removed();

-- Read one by one (or the read undone): one fewer (more), if visible and above the mark. The
-- user's count is locked first, and the mark read after the lock: a "mark all read" under
-- way holds both until it commits, and its recount already left this notification out.
CREATE FUNCTION notification_unread_read() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r notification_reads%ROWTYPE;
BEGIN
    IF TG_OP = 'INSERT' THEN r := NEW; ELSE r := OLD; END IF;
    PERFORM 1 FROM notification_unread WHERE user_id = r.user_id FOR UPDATE;
    UPDATE notification_unread c SET unread = c.unread + CASE TG_OP WHEN 'INSERT' THEN -1 ELSE 1 END
    WHERE c.user_id = r.user_id
      AND r.notification_id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = r.user_id), 0)
      AND EXISTS (
          SELECT 1 FROM notifications n JOIN users u ON u.id = r.user_id
          WHERE n.id = r.notification_id AND (u.role <> 'merchant' OR n.merchant_id = u.merchant_id)
      );
    RETURN NULL;
END $$;
CREATE TRIGGER notification_unread_read AFTER INSERT OR DELETE ON notification_reads
    FOR EACH ROW EXECUTE FUNCTION notification_unread_read();
