CREATE TABLE merchants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'operator', 'merchant')),
    merchant_id BIGINT REFERENCES merchants (id),
    disabled BIGINT NOT NULL DEFAULT 0,
    -- bumped on password reset, role change or disable: invalidates existing sessions
    auth_version BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT,
    CHECK ((role = 'merchant') = (merchant_id IS NOT NULL))
);

CREATE TABLE mini_programs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    appid TEXT NOT NULL UNIQUE,
    nick_name TEXT NOT NULL,
    principal_name TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    merchant_id BIGINT REFERENCES merchants (id),
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX mini_programs_merchant ON mini_programs (merchant_id, created_at);
CREATE INDEX mini_programs_created ON mini_programs (created_at);
CREATE INDEX mini_programs_name ON mini_programs (nick_name);
CREATE INDEX mini_programs_status ON mini_programs (status, created_at);
CREATE INDEX mini_programs_subject ON mini_programs (subject_type, created_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor_name TEXT NOT NULL,
    actor_role TEXT,
    -- the merchant whose data the entry concerns, so merchants see their own entries
    merchant_id BIGINT,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_merchant ON audit_log (merchant_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expiry_date BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry_date);

CREATE TABLE login_failures (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE app_meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
