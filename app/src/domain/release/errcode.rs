//! The errcodes of the code management specification that a rule here can predict.
//! Named so that a test or a log line says what went wrong without a lookup table.

// commit
pub const INVALID_EXT_CONFIG: i64 = 85013;
pub const INVALID_TEMPLATE_ID: i64 = 85014;
pub const EXT_JSON_PATH_NOT_FOUND: i64 = 85045;
pub const TAB_BAR_WITHOUT_PATH: i64 = 85046;
pub const PAGES_EMPTY: i64 = 85047;
pub const EXT_JSON_UNPARSABLE: i64 = 85048;

// submit_audit
pub const BAD_TAG: i64 = 85006;
pub const BAD_PAGE_PATH: i64 = 85007;
pub const BAD_CATEGORY: i64 = 85008;
pub const ALREADY_AUDITING: i64 = 85009;
pub const EMPTY_ITEM: i64 = 85010;
pub const BAD_TITLE: i64 = 85011;
pub const ITEM_COUNT: i64 = 85023;
pub const NO_CODE_COMMITTED: i64 = 85086;

// release and visit status
pub const NO_AUDIT_VERSION: i64 = 85019;
pub const AUDIT_NOT_RELEASABLE: i64 = 85020;
pub const VISIT_STATUS_UNCHANGEABLE: i64 = 85021;
pub const INVALID_VISIT_ACTION: i64 = 85022;

// revert and undo audit
pub const REVERT_DURING_GRAY: i64 = 87011;
pub const NOT_REVERTIBLE: i64 = 87012;
pub const UNDO_QUOTA_REACHED: i64 = 87013;

// minimum base-library version
pub const INVALID_SUPPORT_VERSION: i64 = 85015;

// gray release
pub const GRAY_WITHOUT_ONLINE_VERSION: i64 = 85079;
pub const GRAY_AUDIT_NOT_APPROVED: i64 = 85080;
pub const INVALID_GRAY_PERCENTAGE: i64 = 85081;
pub const GRAY_PERCENTAGE_NOT_HIGHER: i64 = 85082;
