//! Shapes the seeds reference without documenting them. Each is our best
//! reading of WeChat's behaviour and is marked here, in one place, so it can be
//! corrected when the real shape is known.
//!
//! * `/cgi-bin/component/api_get_authorizer_info`: only the fields the console
//!   reads (`nick_name`, `principal_name`, `user_name`, `verify_type_info`,
//!   `MiniProgramInfo.categories`, `authorization_info`) are modelled.
//!   `MiniProgramInfo.visit_status` is listed by WeChat's docs without its
//!   values: the simulator answers 0 while the mini program can be visited
//!   and 1 after `change_visitstatus` close.
//! * `api_create_preauthcode`: the pre-auth code lives 1800 s; WeChat's docs
//!   say 600 s (pre_auth_code.html, "only valid for 10 minutes"). Kept
//!   because the console sizes its authorization links on `expires_in`.
//! * `/cgi-bin/componentloginpage`: WeChat's page is a QR code for the
//!   administrator's phone; the simulator shows a confirmation form instead.
//! * The category tree offered on the authorization page ([`CATEGORY_TREE`]):
//!   its ids and names are made up, except 教育 (3) > 学历教育 (4) > 高等 (5),
//!   the seed's own example (get_category, submit_audit); 中等 (6) beside it is
//!   provisional. An account sets second levels; `get_category` offers, for a
//!   second level the tree has third levels under, one entry per third level
//!   (the seed: "可获取已设置的二级类目及用于代码审核的可选三级类目"), and
//!   submit_audit must then name one of them.
//! * Function widgets (func-widget-submit.md), see [`super::widget`]:
//!   - the "接入检查api" (apply.html) as `POST /widget/funcwidget/checkfuncwidget`
//!     answering `can_apply`, `max_submit_count`, `submit_count` and
//!     `func_list[{index, status (0 审核中 / 1 已上线 / 2 审核失败 / 3 已下线),
//!     reason, submit_time, …the submitted fields}]`. WeChat's own apply.html
//!     (archived in github.com/wepyjs/weapp-document-tracker) documents
//!     `POST /widget/funcwidget/getfuncwidgetdetail` answering `can_apply`,
//!     `reason`, `func_list` (string `status`), `commit_times`,
//!     `left_commit_times`, `has_bind_gzh`, `bind_appid`, `bind_nickname`,
//!     `pages`;
//!   - the "类目树接口" (category.html) as `POST /widget/funcwidget/getcategory`
//!     answering `category_list[{id1, name1, id2, name2, id3, name3}]`. WeChat's
//!     category.html (same archive) documents `POST
//!     /widget/funcwidget/getallcategories` answering `list[{id, parent_id,
//!     category_name, has_sub}]`, with placeholder data only;
//!   - the tree's content, [`super::widget::WIDGET_CATEGORY_TREE`], is sample
//!     data: only 10564 / 10707 come from the seed, no public source gives the
//!     others. Membership is checked (9008998) because the seed says the ids
//!     come from the category tree API ("具体类目ID见类目树接口");
//!   - the monthly submit quota is 3 create / modify calls per natural month
//!     (China time): the seed has the quota without its size; the number is
//!     from apply.html's example (`commit_times` 1 + `left_commit_times` 2).
//!     No text lengths are enforced (the seed gives none);
//!   - 9009065 "获取功能类目失败" on create / modify of a mini program without
//!     any service category (our reading: the function's categories have
//!     nothing to hang off); 9009099 "系统失败，请重试。" only when the control
//!     API asks for it (`POST /__sim/widget/system-failure`); a body of the
//!     wrong JSON types is 9009098, one that is not JSON at all WeChat's 47001;
//!   - a review lasts `SimConfig::audit_delay` and approves unless forced;
//!     offline of a function that is not online answers 9008996.
//! * Message templates (template-message-api.md), see [`super::template`]:
//!   - paging (`count` outside 1–20, negative `offset`), an unknown library
//!     title id and a bad `keyword_id_list` (empty, > 10, repeated or unknown
//!     ids) answer 47001, as does a bad `emphasis_keyword`; `template/del`
//!     of an unknown id answers 40037; no per-account template limit;
//!   - send checks in this order: daily quota (every call counts) 45009,
//!     empty `touser` 40003, `template_id` 40037, `page` 41030 (malformed, or
//!     its path not a page of the committed code), `form_id`
//!     unknown / expired / issued to another user 41028, used up 41029;
//!   - `/cgi-bin/token`: the simulator mints each account's AppSecret
//!     (control API); wrong grant_type 40002, unknown appid 40013, wrong
//!     secret 40125.
//! * Subscription messages (订阅消息), see [`super::subscribe`]: paths, fields,
//!   limits and errcodes from WeChat's public documentation; provisional are
//!   the public title library itself (titles, tids, keywords: a realistic
//!   sample filed under the simulator's category ids, 0 = every category),
//!   `getpubtemplatetitles` `ids` outside the account's categories 200019,
//!   an unknown `priTmplId` on `deltemplate` 40037, a bad `miniprogram_state`
//!   or `lang` 47003, the send order (touser 40003, template 40037, state /
//!   lang 47003, page 41030 against the committed code, each value 47003,
//!   consent 43101), and consent itself (control API: one message per
//!   "allow" for one-time titles, unlimited after one for long-term ones).
//!
//! Code management (third-party-code-management.rst), see `simulator::code`:
//! * Code template library, `component_access_token`, shapes from WeChat's
//!   public docs: `GET /wxa/gettemplatedraftlist` → `draft_list[]` of
//!   `{create_time, user_version, user_desc, draft_id, source_miniprogram_appid,
//!   source_miniprogram, developer}`; `GET /wxa/gettemplatelist[?template_type=0|1]`
//!   → `template_list[]` of the same plus `template_id`, `template_type`;
//!   `POST /wxa/addtotemplate {draft_id, template_type?}` (85064 no such draft,
//!   85065 library full at 200 templates, the figure of WeChat's docs); `POST /wxa/deletetemplate
//!   {template_id}` (85064 for an unknown template too). A fresh platform is
//!   seeded with 4 drafts and 3 templates (template 2 calls
//!   navigateToMiniProgram, template 3 is a 2300 KB package).
//! * commit: package limit 2048 KB (85044); `user_version` empty or over 64
//!   characters is 85013; `ext_json` sent as a non-string is 85048; `ext`
//!   not an object, `extAppid` not an AppID, `pages`/`extPages`/`tabBar.list`
//!   of the wrong type are 85013; `extPages` keys and `tabBar.list[].pagePath`
//!   outside the pages are 85045; `navigateToMiniProgramAppIdList` is the
//!   declaration 85087 asks for.
//! * `POST /wxa/getversioninfo` (WeChat's public docs, not the seed) answers
//!   `exp_info {exp_time, exp_version, exp_desc}` for the last commit and
//!   `release_info {release_time, release_version, release_desc}` for the
//!   online version, each left out when there is none. Fleet rollouts read it
//!   before repeating a commit or release whose answer was lost.
//! * get_qrcode: no committed code is 86001; a `path` whose page is not in the
//!   committed pages is 85007. The JPEG is an 8×8 grey image whose comment
//!   segment carries appid, version and path (no real QR pattern).
//! * submit_audit: no commit is 85086 (86001 on the reading endpoints); a
//!   component token, or the mini program's own `/cgi-bin/token` token (on
//!   every code-management call), instead of an authorizer token is 86000; an empty
//!   nickname is 86002; an item's category must be one `get_category` offers
//!   (ids; names, when given, must agree) or it is 85008 — a third level on a
//!   category without any, none on one that has them, or one that is not
//!   offered; a category no longer in [`CATEGORY_TREE`] is 85077; an empty title is 85011; 85085 when 100 other mini programs of the
//!   platform were submitted in the last 7 days (`SimConfig::audit_quota`). `feedback_info` (≤ 200
//!   characters, else 47001), `feedback_stuff` and `version_desc` are accepted
//!   from WeChat's current docs.
//! * Audit status 4 (delayed) and the `weapp_audit_delay` push
//!   (`Reason`, `DelayTime`), and `ScreenShot` (`|`-separated media ids) on
//!   `weapp_audit_fail` and `screenshot` in the status answers, come from
//!   WeChat's public docs, not the seed. A delayed audit finishes after
//!   another `audit_delay` (passed if the default outcome is itself "delayed").
//! * undocodeaudit with nothing in review is 85019; quota days and months are
//!   Beijing calendar days/months on the simulated clock.
//! * change_visitstatus: the token is checked before the body; without a live
//!   version, or to the state it already has, it is 85021 ("状态不可变").
//! * revertgrayrelease without a running plan is a no-op success; release of
//!   a version in gray marks the plan finished (3).
//! * getweappsupportversion: the base-library versions and user shares are
//!   [`crate::simulator::code::BASE_LIBRARY_VERSIONS`]; set accepts any
//!   well-formed `x.y.z` (decimal, no leading zeros) from 1.0.0 to the newest
//!   of those rows, 85015 ("版本输入错误") otherwise; `now_version` starts at
//!   1.0.0.
//! * QR-jump rules: at most 10 rules (85073); 20 publications a month (the
//!   seed's example quota), beyond that 45009; a principal name starting "个人" is a
//!   personal account (85075); blacklisted hosts (85070) are
//!   `BLACKLISTED_HOSTS`; IP hosts and `.test`/`.local`/`.localhost`/
//!   `.invalid`/`.internal` or dotless hosts have no ICP filing (85076); more
//!   than 5 `debug_url`, editing or deleting or publishing an unknown prefix
//!   are 85066; a rule is published only after `qrcodejumpdownload` handed out
//!   the verify file (85069 before: WeChat checks ownership when the rule goes
//!   live; adding works without it); a prefix equal to another mini program's, or
//!   under another's exclusive (`permit_sub_rule` 2) prefix, or an exclusive
//!   prefix above another's, is 85072; bad `permit_sub_rule`/`open_version`/
//!   `is_edit` values and an empty `path` are 47001.
//! * Testers (体验者: bind_tester, unbind_tester, memberauth; no seed covers them, WeChat's
//!   docs and SDKs do, docs/research/onboarding-apis.md §1): the limits per account are the
//!   seed's (personal 10, unverified organisation 20, verified 40; `verify_type` -1 is "not
//!   verified"), although WeChat's current help counts developers and testers together
//!   (个人 15, 未认证 30, …); provisional are the 50 mini programs one WeChat ID may test
//!   (85003; a reprint of WeChat's help), the order of the checks (85001, 85004, 85002,
//!   85003), an empty `wechatid` answering 85001, unbind_tester's codes (neither field 89033,
//!   an unknown `userstr` 89034, with both fields the `userstr` decides, a WeChat ID that is
//!   not bound a success that changes nothing), memberauth with another `action` 85022, and
//!   the 61007 of an account that did not grant permission set 18 (`POST /__sim/func-info`).
//!   A `userstr` is SHA-256 of appid and WeChat ID (64 hex digits, like WeChat's, which are
//!   opaque). WeChat users: the built-in `DEMO_WECHAT_IDS`, `tester_001` … `tester_120`,
//!   `hidden_user` (not searchable: 85001) and `busy_tester` (already tests 50 elsewhere:
//!   85003), and whoever `POST /__sim/wechat-users` adds; `POST /__sim/testers` binds
//!   testers as the owner would on mp.weixin.qq.com (the console sees bare userstrs).
//! * Basic info (`getaccountbasicinfo`, permission set 30; docs/research/onboarding-apis.md
//!   §5), see [`super::basic_info`]: answered for GET and POST alike (the doc says POST, most
//!   SDKs send GET). Built from the authorizer: name, avatar (`head_img`, empty for a new
//!   account, as in authorizer info) and introduction (`signature`, empty too). Provisional:
//!   the `principal_type` derived from the principal name when none was set (starts with
//!   "个人" personal; words of government bodies, media, companies; else other organisation);
//!   `realname_status` 1 unless set; `qualification_verify` from `verify_type` ≥ 0 and never
//!   for a person, `naming_verify` the same unless set; `customer_type` 0 when not verified,
//!   else 1 / 2 / 3 / 4 by principal type unless set; a made-up 18-character `credential` for
//!   organisations; `registered_country` 0 (WeChat publishes no list of its codes); quotas of
//!   5 introduction changes a month, 5 avatar and 2 name changes a year (WxJava's fixture
//!   values), the used counts being the changes made through `POST /__sim/basic-info`. The
//!   scope check (61007 without set 30) applies to the platform's tokens, not to the
//!   account's own; the `41033 invalid register type` older accounts met is not modelled.
//!   submit_audit's and grayrelease's 86002 still look at the name only, as before: tests
//!   and demo accounts submit code without an avatar or introduction (the console's
//!   readiness checklist names WeChat's full rule).
//! * Plugins (插件: `/wxa/plugin` apply / list / unbind / update and `/wxa/devplugin`
//!   dev_apply_list / dev_agree / dev_refuse / dev_delete; no seed covers the endpoints,
//!   WeChat's docs and SDKs do, docs/research/onboarding-apis.md §6), see `code::plugins`:
//!   - one record per (applicant, plugin) serves both sides; a plugin's AppID is its owner's.
//!     Plugins exist only where the control API opened them (`POST /__sim/plugins`, refused
//!     for a personal account as the seed says) or built in, owned outside the simulator:
//!     `ROUTE_PLUGIN` (工具 - 信息查询, added without review, versions 1.0.0 / 1.1.0 quick,
//!     2.0.0 not), `EXPRESS_PLUGIN`, `INVOICE_PLUGIN` (reviewed: `POST /__sim/plugins/decide`),
//!     `HOSPITAL_PLUGIN` (医疗), `LIVE_PLUGIN` (社交 - 直播, added without review),
//!     `CLOSED_PLUGIN` (takes no applications). A plugin's category must be one the guide opens;
//!     the simulator does not hold it to the owner's own categories (the seed does);
//!   - apply checks, in this order: the plugin exists (89239, also for an empty
//!     `plugin_appid`), is not the applicant's own and takes applications (89236), is not
//!     applied for or in use (89237), the applicant uses or applies for fewer than
//!     `PLUGINS_PER_APP_MAX` = 10 (89238; WeChat gives no figure), its category's special
//!     rule admits the applicant's first-level categories (89246, our reading of WxJava's
//!     "plugins with special category are used only by specific apps"). An empty `reason` is
//!     accepted (the current doc says 必填, the older pluginManager.applyPlugin page 否) and
//!     no length is enforced (none is documented). A refused or timed-out application is
//!     replaced by the new one. The list is in the order of application, with the documented
//!     fields only (no version, no reason);
//!   - unbind of a plugin not in the list is 89244, of a live-streaming plugin in use 89259;
//!     a pending application can be unbound (withdrawn). update needs a plugin in use (89244
//!     otherwise), a version of it with quick update (89257), and no gray release running
//!     (89258), checked in that order;
//!   - devplugin from an account without a plugin is 89239; dev_apply_list is newest first,
//!     `page` from 1 and `num` 1–100 (47001 otherwise; 10 when absent, EasyWeChat's default),
//!     `create_time` a string, `apply_url` empty, the applicant's categories its own
//!     second-level ones; dev_agree / dev_refuse / dev_delete name the applicant by `appid`
//!     (the doc's table names it for dev_agree only; without one it is 89242), only 申请中 can
//!     be decided (89240), delete refuses 申请中 (89243) and 申请通过 (89241); an empty refusal
//!     reason is accepted (no rule is documented);
//!   - a mini program's own token (`/cgi-bin/token`) on either path is 89256 "no component
//!     info" (seen live, research §6.1), the component token 86000 as on code management;
//!     permission set 40 is checked before the body (61007); 89245 is never answered;
//!   - an application still 申请中 24 hours (the seed) after `create_time` on the simulated
//!     clock is 申请已超时 (4) the next time plugins are read or written; `POST
//!     /__sim/plugins/age` makes one older without moving the clock; another `action` is 85022.
//! * Domains (modify_domain, setwebviewdomain; no seed covers them, WeChat's docs and SDKs do,
//!   docs/research/onboarding-apis.md §2–§3), see `simulator::code` (`domains`,
//!   `domain_rules`): the limits are the current docs' (200 per server-domain kind, 300
//!   business domains although 89029's text says 100, 50 modify_domain changes a month);
//!   provisional are the monthly limit's errcode (89030, WxJava's "operation reach month
//!   limit"), the schemes of udp / tcp domains (`udp://`, `tcp://`), entries compared lower
//!   case without a trailing `/`, another `action` 85022, the 61007 of an account without
//!   permission set 18, and how a write sorts its entries: against the rules (the kind's
//!   scheme, a DNS host — no IP, no `localhost` —, an optional port, nothing after it,
//!   not `api.weixin.qq.com`) in `invalid_*`, without an ICP filing (the QR-jump rule:
//!   dotless, `.test`, `.local`, `.localhost`, `.invalid`, `.internal`) in `no_icp_domain`,
//!   a host the platform has not registered (exact host) in `invalid_*` too; anything
//!   applied answers 0 with those lists (the community's observation), nothing applied
//!   85303 / 85301 / 85302 by the first two, 85018 when every entry is unregistered (an empty
//!   platform list included), 85017 otherwise (nothing new, nothing given, delete of absent
//!   domains); the count is checked after the operation (85016, nothing applied); `set`
//!   replaces only the kinds it names (absent arrays stay), and entries the account already
//!   has pass without a new check (so resending a kind's list changes nothing there).
//!   setwebviewdomain: a personal
//!   account (principal name "个人…") is 89231 for every action, get included; an entry
//!   that is not `https://host` without a port under a registered business domain is 89021
//!   (the whole call refused), an empty platform list 89020, add / set changing nothing
//!   89019, delete of an absent entry 89022 (WxJava's table), more than 300 89029; no ICP
//!   or monthly rule. The platform's registered domains are
//!   [`super::code::DEMO_SERVER_DOMAINS`] and [`super::code::DEMO_JUMP_DOMAINS`] until
//!   `POST /__sim/platform-domains {"server"?, "jump"?}` replaces them; `POST /__sim/domains`
//!   sets an account's lists as its owner would on mp.weixin.qq.com (and
//!   `changes_this_month`), `GET /__sim/domains?appid=` reads them.

/// (first id, first name, second id, second name, third id, third name) —
/// provisional category ids; third id 0 means the second level has no third.
pub const CATEGORY_TREE: [(i64, &str, i64, &str, i64, &str); 6] = [
    (304, "餐饮", 305, "咖啡", 0, ""),
    (290, "商家自营", 293, "食品", 0, ""),
    (321, "交通服务", 323, "网约车", 0, ""),
    (150, "工具", 152, "办公", 0, ""),
    // The seed's example (get_category and submit_audit).
    (3, "教育", 4, "学历教育", 5, "高等"),
    (3, "教育", 4, "学历教育", 6, "中等"),
];

/// The second levels of [`CATEGORY_TREE`], each once, in its order: what an
/// account can set.
pub fn second_levels() -> Vec<(i64, &'static str, i64, &'static str)> {
    let mut list: Vec<(i64, &str, i64, &str)> = Vec::new();
    for (f, first, s, second, _, _) in CATEGORY_TREE {
        if !list.iter().any(|(lf, _, ls, _)| *lf == f && *ls == s) {
            list.push((f, first, s, second));
        }
    }
    list
}

/// The third levels [`CATEGORY_TREE`] has under a second level: (id, name),
/// empty when it has none.
pub fn third_levels(first_id: i64, second_id: i64) -> Vec<(i64, &'static str)> {
    CATEGORY_TREE
        .iter()
        .filter(|(f, _, s, _, t, _)| *f == first_id && *s == second_id && *t != 0)
        .map(|(_, _, _, _, t, name)| (*t, *name))
        .collect()
}
