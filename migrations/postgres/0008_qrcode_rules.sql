-- QR-jump rules (扫普通链接二维码打开小程序): the console's copy of each mini program's
-- rules as `qrcodejumpget` last listed them, replaced whole on every read or write through
-- the console, so the fleet table can filter and page on the server.
--   permit_sub_rule: 1 shared, 2 exclusive; open_version: 1 develop, 2 trial, 3 release
--   state: 1 not published, 2 published; debug_url: JSON array of links
--   host: the prefix's host, lower case (the fleet filter)
CREATE TABLE qrcode_rules (
    appid TEXT NOT NULL REFERENCES mini_programs (appid),
    prefix TEXT NOT NULL,
    host TEXT NOT NULL,
    permit_sub_rule BIGINT NOT NULL,
    path TEXT NOT NULL,
    open_version BIGINT NOT NULL,
    debug_url TEXT NOT NULL,
    state BIGINT NOT NULL,
    synced_at BIGINT NOT NULL,
    PRIMARY KEY (appid, prefix)
);
CREATE INDEX qrcode_rules_host ON qrcode_rules (host);
CREATE INDEX qrcode_rules_prefix ON qrcode_rules (prefix);
