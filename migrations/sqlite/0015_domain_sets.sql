-- The platform's default domain set (issue 18): the domains staff want on every mini program,
-- applied to many mini programs at once. One row per entry:
--   kind: request | ws | upload | download | udp | tcp | webview (domain::domains::DomainKind)
--   domain: normalised (lower case, no trailing /), e.g. https://api.demo-shop.com
--   position: the entry's place in its kind's list
--   saved_by_name / saved_at: who saved the set last (every row of a save carries the same)
-- Saving replaces every row. Coverage is what the last apply of the set found on a mini
-- program (counts, and WeChat's first errcode when a part failed); it is cleared whenever the
-- set changes.
CREATE TABLE domain_defaults (
    kind TEXT NOT NULL,
    domain TEXT NOT NULL,
    position BIGINT NOT NULL,
    saved_by_name TEXT NOT NULL,
    saved_at BIGINT NOT NULL,
    PRIMARY KEY (kind, domain)
);
CREATE TABLE domain_default_coverage (
    appid TEXT PRIMARY KEY REFERENCES mini_programs (appid),
    added BIGINT NOT NULL,
    present BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    errcode BIGINT,
    applied_at BIGINT NOT NULL
);
