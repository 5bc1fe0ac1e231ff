-- Tokens of the WeChat platform layer, one row per key:
--   'ticket'              the latest component_verify_ticket (token = ticket, valid 12 h)
--   'component'           component_access_token
--   'authorizer:<appid>'  an authorizer's access_token
-- A refresh takes the lease (lease_owner/lease_until) first, so one console instance
-- refreshes a key at a time, on SQLite and on PostgreSQL alike.
CREATE TABLE wechat_tokens (
    key TEXT PRIMARY KEY NOT NULL,
    token TEXT NOT NULL DEFAULT '',
    expires_at BIGINT NOT NULL DEFAULT 0,
    refreshed_at BIGINT,
    refresh_count BIGINT NOT NULL DEFAULT 0,
    last_error TEXT,
    last_error_at BIGINT,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL DEFAULT 0
);

-- What the platform holds for each authorized mini program. The refresh token is
-- encrypted at rest (AES-256-GCM, key from WXA_SECRET_KEY or data/secret-key).
CREATE TABLE authorizations (
    appid TEXT PRIMARY KEY NOT NULL,
    refresh_token_enc TEXT NOT NULL,
    user_name TEXT NOT NULL DEFAULT '',
    func_info TEXT NOT NULL DEFAULT '',
    authorized_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- "Add mini program": one pre-auth code per attempt, tied to the merchant it is for.
CREATE TABLE authorization_requests (
    id BIGSERIAL PRIMARY KEY,
    pre_auth_code TEXT NOT NULL UNIQUE,
    merchant_id BIGINT REFERENCES merchants (id),
    created_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- pending -> completing -> completed | failed
    status TEXT NOT NULL,
    claimed_until BIGINT NOT NULL DEFAULT 0,
    -- the subject type the operator chose; None = inferred from the owner entity
    subject_type TEXT,
    appid TEXT,
    error TEXT
);

-- Every push WeChat sent, decrypted, stored once (dedupe_key) whatever its type.
CREATE TABLE wechat_callbacks (
    id BIGSERIAL PRIMARY KEY,
    dedupe_key TEXT NOT NULL UNIQUE,
    received_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    appid TEXT,
    payload TEXT NOT NULL,
    -- received | processed | ignored | failed
    outcome TEXT NOT NULL,
    outcome_detail TEXT NOT NULL DEFAULT '',
    processed_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    deliveries BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX wechat_callbacks_received ON wechat_callbacks (received_at);
CREATE INDEX wechat_callbacks_kind ON wechat_callbacks (kind, received_at);
CREATE INDEX wechat_callbacks_appid ON wechat_callbacks (appid, received_at);
