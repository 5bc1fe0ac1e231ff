-- The kept unread counts' trigger functions, one per kind of change (issue 16 review):
-- migration 0025 had two recounting functions of the same shape (a user's scope changed, the
-- mark moved) and two of the same shape for a notification added or removed. What they keep
-- and how they lock is unchanged; the rule itself stays in notification_unread_of(uid).

-- Recounted whole: the user's role or merchant changed, or the user's mark moved.
CREATE FUNCTION notification_unread_recount() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    uid BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'users' THEN uid := NEW.id; ELSE uid := NEW.user_id; END IF;
    UPDATE notification_unread SET unread = notification_unread_of(uid) WHERE user_id = uid;
    RETURN NULL;
END $$;

DROP TRIGGER notification_unread_user_scope ON users;
DROP TRIGGER notification_unread_mark ON notification_watermarks;
DROP FUNCTION notification_unread_user_scope();
DROP FUNCTION notification_unread_mark();
CREATE TRIGGER notification_unread_user_scope AFTER UPDATE OF role, merchant_id ON users
    FOR EACH ROW EXECUTE FUNCTION notification_unread_recount();
CREATE TRIGGER notification_unread_mark AFTER INSERT OR UPDATE OF read_through ON notification_watermarks
    FOR EACH ROW EXECUTE FUNCTION notification_unread_recount();

-- A notification added (one more for everyone who may see it; ids only grow, so it is above
-- every mark) or removed (one fewer for those who had it unread). The counts are locked in the
-- users' order first, so two notifications written at once never wait on each other crosswise.
CREATE FUNCTION notification_unread_notification() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n notifications%ROWTYPE;
    step BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN n := NEW; step := 1; ELSE n := OLD; step := -1; END IF;
    PERFORM 1 FROM notification_unread c JOIN users u ON u.id = c.user_id
    WHERE u.role <> 'merchant' OR u.merchant_id = n.merchant_id
    ORDER BY c.user_id FOR UPDATE OF c;
    UPDATE notification_unread c SET unread = c.unread + step
    FROM users u
    WHERE u.id = c.user_id
      AND (u.role <> 'merchant' OR u.merchant_id = n.merchant_id)
      AND (TG_OP = 'INSERT' OR (
          n.id > COALESCE((SELECT w.read_through FROM notification_watermarks w WHERE w.user_id = u.id), 0)
          AND NOT EXISTS (SELECT 1 FROM notification_reads r WHERE r.notification_id = n.id AND r.user_id = u.id)));
    RETURN NULL;
END $$;

DROP TRIGGER notification_unread_added ON notifications;
DROP TRIGGER notification_unread_removed ON notifications;
DROP FUNCTION notification_unread_added();
DROP FUNCTION notification_unread_removed();
CREATE TRIGGER notification_unread_added AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_unread_notification();
CREATE TRIGGER notification_unread_removed AFTER DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_unread_notification();
