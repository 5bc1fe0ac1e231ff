//! Shapes the seeds reference without documenting them. Each is our best
//! reading of WeChat's behaviour and is marked here, in one place, so it can be
//! corrected when the real shape is known.
//!
//! * `/cgi-bin/component/api_get_authorizer_info`: only the fields the console
//!   reads (`nick_name`, `principal_name`, `user_name`, `verify_type_info`,
//!   `MiniProgramInfo.categories`, `authorization_info`) are modelled.
//! * `/cgi-bin/componentloginpage`: WeChat's page is a QR code for the
//!   administrator's phone; the simulator shows a confirmation form instead.
//! * The category tree offered on the authorization page ([`CATEGORY_TREE`]).

/// (first id, first name, second id, second name) — provisional category ids.
pub const CATEGORY_TREE: [(i64, &str, i64, &str); 4] = [
    (304, "餐饮", 305, "咖啡"),
    (290, "商家自营", 293, "食品"),
    (321, "交通服务", 323, "网约车"),
    (150, "工具", 152, "办公"),
];
