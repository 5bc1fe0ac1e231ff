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
//! * Function widgets (func-widget-submit.md), see [`super::widget`]:
//!   - the "接入检查api" (apply.html) as `POST /widget/funcwidget/checkfuncwidget`
//!     answering `can_apply`, `max_submit_count`, `submit_count` and
//!     `func_list[{index, status (0 审核中 / 1 已上线 / 2 审核失败 / 3 已下线),
//!     reason, submit_time, …the submitted fields}]`;
//!   - the "类目树接口" (category.html) as `POST /widget/funcwidget/getcategory`
//!     answering `category_list[{id1, name1, id2, name2, id3, name3}]` from
//!     [`super::widget::WIDGET_CATEGORY_TREE`] (ids other than the seed's
//!     10564 / 10707 are made up);
//!   - the monthly submit quota (5 create / modify calls per natural month,
//!     China time) and the text limits (keyword, brandname, cell title ≤ 20
//!     characters, desc ≤ 30, URLs ≤ 1024): the seed gives no numbers;
//!   - a review lasts `SimConfig::audit_delay` and approves unless forced;
//!     offline of a function that is not online answers 9008996.
//! * Message templates (template-message-api.md), see [`super::template`]:
//!   - paging (`count` outside 1–20, negative `offset`), an unknown library
//!     title id and a bad `keyword_id_list` (empty, > 10, repeated or unknown
//!     ids) answer 47001, as does a bad `emphasis_keyword`; `template/del`
//!     of an unknown id answers 40037; no per-account template limit;
//!   - send checks in this order: daily quota (every call counts) 45009,
//!     empty `touser` 40003, `template_id` 40037, `page` 41030, `form_id`
//!     unknown / expired / issued to another user 41028, used up 41029;
//!   - `/cgi-bin/token`: the simulator mints each account's AppSecret
//!     (control API); wrong grant_type 40002, unknown appid 40013, wrong
//!     secret 40125.

/// (first id, first name, second id, second name) — provisional category ids.
pub const CATEGORY_TREE: [(i64, &str, i64, &str); 4] = [
    (304, "餐饮", 305, "咖啡"),
    (290, "商家自营", 293, "食品"),
    (321, "交通服务", 323, "网约车"),
    (150, "工具", 152, "办公"),
];
