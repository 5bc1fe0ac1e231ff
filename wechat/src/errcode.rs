//! Catalogue of the `errcode` values the console can meet, with the Chinese
//! meaning and an English translation for operators.
//!
//! Every code that appears in the specification seeds (`shared/seeds/`) is
//! here, its `zh` copied verbatim from the seed; a test re-reads the seeds to
//! keep it that way. Where a seed gives one code different wordings on
//! different endpoints, the first wording is kept and the others are noted in
//! a comment. A few general platform codes the token logic relies on are
//! added from WeChat's global return-code table (marked "general").

/// One catalogue entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrCodeInfo {
    pub code: i64,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn info(code: i64, zh: &'static str, en: &'static str) -> ErrCodeInfo {
    ErrCodeInfo { code, zh, en }
}

/// Sorted by code so [`lookup`] can binary-search (a test enforces it).
pub static CATALOGUE: &[ErrCodeInfo] = &[
    // Also "系统错误" on revertcoderelease, undocodeaudit and grayrelease.
    info(-1, "系统繁忙", "System busy"),
    info(0, "成功", "Success"),
    // General.
    info(
        40001,
        "获取access_token时AppSecret错误，或者access_token无效",
        "AppSecret was wrong when fetching the access_token, or the access_token is invalid",
    ),
    // General: /cgi-bin/token with a grant_type other than client_credential.
    info(40002, "不合法的凭证类型", "Invalid credential type (grant_type)"),
    // General: template send without a recipient openid.
    info(40003, "不合法的 OpenID", "Invalid OpenID"),
    // template-message-api.md shows it only as {"errcode": 40013,
    // "errmsg": "invalid appid"} ("AppID 无效错误"); wording from the global table.
    info(40013, "不合法的APPID", "Invalid AppID"),
    // General.
    info(40014, "不合法的access_token", "Invalid access_token"),
    info(40037, "template_id不正确", "Incorrect template_id"),
    // General: /cgi-bin/token with a wrong AppSecret.
    info(40125, "无效的 AppSecret", "Invalid AppSecret"),
    // General.
    info(41001, "缺少access_token参数", "The access_token parameter is missing"),
    info(
        41028,
        "form_id不正确，或者过期",
        "form_id is incorrect or has expired",
    ),
    info(41029, "form_id已被使用", "form_id has already been used"),
    info(41030, "page不正确", "Incorrect page"),
    // General.
    info(42001, "access_token超时", "access_token has expired"),
    // Subscription messages (sendMessage): the user has not allowed (or no longer allows) it.
    info(
        43101,
        "用户拒绝接受消息，如果用户之前曾经订阅过，则表示用户取消了订阅关系",
        "The user refused the message (if they had subscribed before, they cancelled the subscription)",
    ),
    info(
        45009,
        "接口调用超过限额（目前默认每个帐号日调用限额为100万）",
        "API call quota exceeded (the default daily quota is currently 1,000,000 calls per account)",
    ),
    // General: a request body that is not the JSON the endpoint expects.
    info(47001, "解析 JSON/XML 内容错误", "The JSON/XML content could not be parsed"),
    // Subscription messages (sendMessage).
    info(
        47003,
        "模板参数不准确，可能为空或者不满足规则，errmsg会提示具体是哪个字段出错",
        "A template value is wrong: empty or against its type's rule (errmsg names the field)",
    ),
    // General (open platform), used by the token center and the authorization flow.
    info(
        61003,
        "该第三方平台未获得此帐号授权",
        "This third-party platform is not authorized by the account",
    ),
    info(
        61005,
        "component_verify_ticket 已过期",
        "component_verify_ticket has expired",
    ),
    info(61006, "component_verify_ticket 无效", "component_verify_ticket is invalid"),
    // General (open platform): the authorizer did not grant the platform the permission set
    // (权限集) the endpoint belongs to (docs/research/onboarding-apis.md §6.3: WxJava
    // WxOpenErrorMsgEnum; the plugin page: "请务必先完成授权后再调用，否则会出现61007的错误").
    info(
        61007,
        "接口未授权给第三方平台",
        "The API (its permission set) is not authorized to the third-party platform",
    ),
    info(61009, "授权码无效", "The authorization code is invalid"),
    info(61010, "授权码已过期", "The authorization code has expired"),
    info(61011, "第三方平台 appid 或 appsecret 无效", "Invalid component appid or appsecret"),
    info(61023, "refresh_token 无效", "refresh_token is invalid (the authorizer must authorize again)"),
    // Testers (bind_tester, api_bindtester.html's errcode table; WeChat's errmsg in WxJava
    // WxOpenErrorMsgEnum), see TESTER_CODES.
    info(
        85001,
        "微信号不存在或微信号设置为不可搜索",
        "The WeChat ID does not exist, or it is set not to be found by search",
    ),
    info(
        85002,
        "小程序绑定的体验者数量达到上限",
        "The mini program has reached its limit of testers",
    ),
    info(
        85003,
        "微信号绑定的小程序体验者达到上限",
        "This WeChat ID is already a tester of as many mini programs as allowed",
    ),
    info(85004, "微信号已经绑定", "This WeChat ID is already bound as a tester"),
    info(85006, "标签格式错误", "Invalid tag format"),
    info(85007, "页面路径错误", "Invalid page path"),
    info(85008, "类目填写错误", "Invalid category"),
    info(
        85009,
        "已经有正在审核的版本",
        "A version is already under review",
    ),
    info(85010, "item_list 有项目为空", "item_list contains an empty item"),
    info(85011, "标题填写错误", "Invalid title"),
    info(85012, "无效的审核 id", "Invalid audit ID"),
    info(85013, "无效的自定义配置", "Invalid custom configuration"),
    info(85014, "无效的模版编号", "Invalid template ID"),
    // The seed's setweappsupportversion wording; modify_domain gives the number another
    // meaning, see ENDPOINT_MEANINGS.
    info(85015, "版本输入错误", "Invalid version"),
    // Server domains (modify_domain; docs/research/onboarding-apis.md §2: the doc's table via
    // dtapps and RsCode, WeChat's errmsg in WxJava WxOpenErrorMsgEnum), see DOMAIN_CODES.
    info(85016, "域名数量超过限制", "Too many domains (over the limit)"),
    info(
        85017,
        "没有新增域名，请确认小程序已经添加了域名或该域名是否没有在第三方平台添加",
        "No domain to change: the mini program already has them, or they are not registered on the third-party platform",
    ),
    info(
        85018,
        "域名没有在第三方平台设置",
        "The domain is not registered on the third-party platform",
    ),
    info(85019, "没有审核版本", "No version under review"),
    info(
        85020,
        "审核状态未满足发布",
        "The review status does not allow release",
    ),
    info(85021, "状态不可变", "The status cannot be changed"),
    info(85022, "action 非法", "Invalid action"),
    info(
        85023,
        "审核列表填写的项目数不在 1-5 以内",
        "The review item list must have between 1 and 5 items",
    ),
    info(85043, "模版错误", "Template error"),
    info(
        85044,
        "代码包超过大小限制",
        "The code package exceeds the size limit",
    ),
    info(
        85045,
        "ext_json 有不存在的路径",
        "ext_json refers to a path that does not exist",
    ),
    info(85046, "tabBar 中缺少 path", "tabBar is missing path"),
    info(85047, "pages 字段为空", "The pages field is empty"),
    info(85048, "ext_json 解析失败", "Failed to parse ext_json"),
    // Code template library (not in the seeds): WeChat's open-platform docs for
    // addtotemplate / deletetemplate / gettemplatelist (errmsg "template not found"; the older
    // docs say 找不到草稿 for a draft id), WxJava WxOpenComponentService.
    info(85064, "找不到模板", "Template (or draft) not found"),
    // The same docs: errmsg "template list is full" (200 templates).
    info(85065, "模板库已满", "The template library is full"),
    info(85066, "链接错误", "Invalid link"),
    info(
        85068,
        "测试链接不是子链接",
        "The test link is not a sub-link of the rule",
    ),
    info(
        85069,
        "校验文件失败",
        "Verification file check failed",
    ),
    info(85070, "链接为黑名单", "The link is blacklisted"),
    info(
        85071,
        "已添加该链接,请勿重复添加",
        "This link has already been added; do not add it again",
    ),
    info(85072, "该链接已被占用", "This link is already taken"),
    info(85073, "二维码规则已满", "The QR code rule quota is full"),
    info(
        85074,
        "小程序未发布, 小程序必须先发布代码才可以发布二维码跳转规则",
        "The mini program is not released; its code must be released before QR code jump rules can be published",
    ),
    info(
        85075,
        "个人类型小程序无法设置二维码规则",
        "Mini programs owned by individuals cannot set QR code rules",
    ),
    info(85076, "链接没有 ICP 备案", "The link has no ICP filing"),
    info(
        85077,
        "小程序类目信息失效（类目中含有官方下架的类目,请重新选择类目）",
        "The mini program's category information is invalid (it includes a category WeChat has withdrawn; choose the categories again)",
    ),
    info(
        85079,
        "小程序没有线上版本,不能进行灰度",
        "The mini program has no live version, so a phased release is not possible",
    ),
    info(
        85080,
        "小程序提交的审核未审核通过",
        "The mini program's submitted review has not been approved",
    ),
    info(85081, "无效的发布比例", "Invalid release percentage"),
    info(
        85082,
        "当前的发布比例需要比之前设置的高",
        "The release percentage must be higher than the one set before",
    ),
    info(
        85085,
        "近 7 天提交审核的小程序数量过多,请耐心等待审核完毕后再次提交",
        "Too many mini programs were submitted for review in the last 7 days; wait for the reviews to finish, then submit again",
    ),
    info(
        85086,
        "提交代码审核之前需提前上传代码",
        "Code must be uploaded before it is submitted for review",
    ),
    info(
        85087,
        "小程序已使用 api navigateToMiniProgram,请声明跳转 appid 列表后再次提交",
        "The mini program uses the navigateToMiniProgram API; declare the list of target AppIDs, then submit again",
    ),
    info(
        85301,
        "存在“不符合域名规则的域名”导致无修改",
        "Nothing changed: some domains do not follow the domain rules",
    ),
    info(
        85302,
        "存在“缺少ICP备案的域名”导致无修改",
        "Nothing changed: some domains have no ICP filing",
    ),
    info(
        85303,
        "同时存在“不符合域名规则的域名”以及“缺少ICP备案的域名”导致无修改",
        "Nothing changed: some domains do not follow the domain rules and some have no ICP filing",
    ),
    info(
        86000,
        "不是由第三方代小程序进行调用",
        "The call was not made by a third-party platform on behalf of the mini program",
    ),
    info(
        86001,
        "不存在第三方的已经提交的代码",
        "No code has been committed by the third-party platform",
    ),
    // submit_audit wording; grayrelease says "小程序未初始化完成"
    // (the mini program is not fully initialized).
    info(
        86002,
        "小程序还未设置昵称. 头像. 简介。请先设置完后再重新提交",
        "The mini program has not set its nickname, avatar and introduction yet; set them, then submit again",
    ),
    info(
        87011,
        "现网已经在灰度发布,不能进行版本回退",
        "A phased release is in progress on the live version, so the version cannot be rolled back",
    ),
    info(
        87012,
        "该版本不能回退,可能的原因：1:无上一个线上版用于回退 2:此版本为已回退版本,不能回退 3:此版本为回退功能上线之前的版本,不能回退",
        "This version cannot be rolled back. Possible reasons: 1: there is no previous live version to roll back to; 2: this version is already a rolled-back version; 3: this version predates the rollback feature",
    ),
    info(
        87013,
        "撤回次数达到上限（每天一次,每个月 10 次）",
        "The review withdrawal limit has been reached (once a day, 10 times a month)",
    ),
    // Business domains (setwebviewdomain; api_modifyjumpdomain.html's table via dtapps and
    // RsCode, WxJava WxOpenErrorMsgEnum, Senparc Enums.cs), see DOMAIN_CODES.
    info(
        89019,
        "业务域名无更改，无需重复设置",
        "The business domains are unchanged; there is nothing to set again",
    ),
    info(
        89020,
        "尚未设置小程序业务域名，请先在第三方平台中设置小程序业务域名后在调用本接口",
        "The third-party platform has no mini program business domain yet; register one on the platform first",
    ),
    info(
        89021,
        "请求保存的域名不是第三方平台中已设置的小程序业务域名或子域名",
        "The domain is not one of the platform's mini program business domains, nor a sub-domain of one",
    ),
    // WxJava's table only ("delete domain is not exist!"); zh is ours.
    info(89022, "要删除的域名不存在", "The domain to delete is not there"),
    // Verbatim, although WeChat's page and domain.md say 300 business domains.
    info(
        89029,
        "业务域名数量超过限制，最多可以添加100个业务域名",
        "Too many business domains (the message says at most 100; WeChat's page says 300)",
    ),
    // Provisional: modify_domain's monthly limit (50 changes) has no documented errcode; WxJava
    // lists 89030 "operation reach month limit". zh is ours.
    info(
        89030,
        "本月操作次数已达上限",
        "This month's limit of changes has been reached",
    ),
    // unbind_tester (provisional: its doc lists only -1 and 0): WxJava WxOpenErrorMsgEnum's
    // "empty wx or openid" for a body naming nobody, and "userstr is invalid".
    info(
        89033,
        "未填写微信号或 userstr",
        "Neither a WeChat ID nor a userstr was given",
    ),
    info(89034, "userstr 无效", "The userstr is invalid"),
    // setwebviewdomain (confirmed by WeChat staff in the community, research §3).
    info(
        89231,
        "个人小程序不支持调用 setwebviewdomain 接口",
        "Mini programs of individuals cannot set business domains (setwebviewdomain)",
    ),
    // Plugins (/wxa/plugin, /wxa/devplugin): zh from the errcode table on WeChat's plugin
    // management pages (the doc prints 89244 as "89044", a typo: WxJava has 89244), English
    // from WeChat's errmsg in WxJava WxOpenErrorMsgEnum; see PLUGIN_CODES.
    info(89236, "该插件不能申请", "This plugin cannot be applied for"),
    info(
        89237,
        "已经添加该插件",
        "The plugin is already added (applied for or in use)",
    ),
    info(
        89238,
        "申请或使用的插件已经达到上限",
        "The mini program applies for or uses as many plugins as allowed",
    ),
    info(89239, "该插件不存在", "The plugin does not exist"),
    info(
        89240,
        "无法进行此操作，只有“待确认”的申请可操作通过/拒绝",
        "Not possible: only applications awaiting confirmation can be approved or refused",
    ),
    info(
        89241,
        "无法进行此操作，只有“已拒绝/已超时”的申请可操作删除",
        "Not possible: only refused or timed-out applications can be deleted",
    ),
    info(
        89242,
        "该appid不在申请列表内",
        "This AppID is not in the application list",
    ),
    info(
        89243,
        "“待确认”的申请不可删除",
        "An application awaiting confirmation cannot be deleted",
    ),
    info(
        89244,
        "不存在该插件appid",
        "The mini program has no plugin with this AppID",
    ),
    // 89245, 89246, 89259: WeChat publishes only the English errmsg (WxJava); zh is ours.
    info(
        89245,
        "该小程序被禁止关联插件",
        "The mini program is forbidden to link (the plugin)",
    ),
    info(
        89246,
        "特殊类目的插件仅限特定小程序使用",
        "Plugins of a special category may be used by specific mini programs only",
    ),
    info(
        89256,
        "token 信息有误",
        "The token is wrong (no component info: not a platform's authorizer token)",
    ),
    info(
        89257,
        "该插件版本不支持快速更新",
        "This plugin version does not exist or does not support a quick update",
    ),
    info(
        89258,
        "当前小程序帐号存在灰度发布中的版本，不可操作快速更新",
        "The mini program has a version in gray release; no quick update now",
    ),
    info(89259, "直播插件不允许删除", "A live-streaming plugin cannot be removed"),
    // Subscription messages (addMessageTemplate, getPubTemplateTitleList): WeChat's docs.
    info(200011, "此账号已被封禁，无法操作", "This account is banned; the operation is not possible"),
    info(200012, "个人模版数已达上限，上限25个", "The account already has the maximum of 25 private templates"),
    info(200013, "此模版已被封禁，无法选用", "This template is banned and cannot be chosen"),
    info(200014, "模版 tid 参数错误", "Invalid template title id (tid)"),
    info(200016, "start 参数错误", "Invalid start"),
    info(200017, "limit 参数错误", "Invalid limit"),
    info(200018, "类目 ids 缺失", "Category ids are missing"),
    info(200019, "类目 ids 不合法", "Invalid category ids"),
    info(200020, "关键词列表 kidList 参数错误", "Invalid keyword list (kidList)"),
    info(200021, "场景描述 sceneDesc 参数错误", "Invalid scene description (sceneDesc)"),
    info(
        9008994,
        "提交功能跳转路径有误，非小程序内跳转路径或者多个宫格跳转路径相同",
        "Invalid jump path in the submitted function: it is not a path inside the mini program, or several grid cells use the same path",
    ),
    // modifyfuncwidget wording; offline/delete end "…再下线。" / "…再删除。".
    info(
        9008995,
        "修改的功能在审核中，请审核通过之后再提交修改。",
        "The function being modified is under review; submit the change after the review is approved.",
    ),
    // modifyfuncwidget wording; offline/delete say "下线的…" / "删除的…".
    info(
        9008996,
        "修改的功能不存在。",
        "The function being modified does not exist.",
    ),
    info(
        9008997,
        "功能素材格式有误",
        "The function material has an invalid format",
    ),
    info(9008998, "功能类目ID有误", "Invalid function category ID"),
    info(
        9008999,
        "提交功能类目个数小于1个或大于3个",
        "Fewer than 1 or more than 3 function categories were submitted",
    ),
    info(9009065, "获取功能类目失败", "Failed to get the function categories"),
    info(
        9009067,
        "达到最大提交次数",
        "The maximum number of submissions has been reached",
    ),
    info(
        9009068,
        "达到最大功能个数（现阶段，单个小程序最多一个功能）",
        "The maximum number of functions has been reached (currently at most one function per mini program)",
    ),
    // Modify/offline/delete wording; createfuncwidget adds
    // "以及检查小程序是否可以接入" (and check the mini program may be onboarded).
    info(
        9009098,
        "参数错误，请查看请求字段描述。",
        "Invalid parameters; check the request field descriptions.",
    ),
    info(9009099, "系统失败，请重试。", "System failure; please retry."),
];

/// Codes above that come from WeChat's general tables rather than a seed.
pub const GENERAL_CODES: &[i64] = &[
    40001, 40002, 40003, 40014, 40125, 41001, 42001, 47001, 61003, 61005, 61006, 61007, 61009,
    61010, 61011, 61023,
];

/// Codes of endpoints the seeds reference without documenting (the code
/// template library); see `simulator::provisional`.
pub const PROVISIONAL_CODES: &[i64] = &[85064, 85065];

/// Codes of the subscription-message endpoints, which no seed covers: from WeChat's public
/// documentation of those endpoints (see `api::subscribe` and `subscribe_rules`).
pub const SUBSCRIBE_CODES: &[i64] = &[
    43101, 47003, 200011, 200012, 200013, 200014, 200016, 200017, 200018, 200019, 200020, 200021,
];

/// Codes of the tester endpoints (bind_tester, unbind_tester, memberauth), which no seed
/// covers: WeChat's docs of those endpoints, and for 89033 / 89034 WxJava's table
/// (provisional); see `api::tester` and docs/research/onboarding-apis.md §1.
pub const TESTER_CODES: &[i64] = &[85001, 85002, 85003, 85004, 89033, 89034];

/// Codes of the plugin endpoints (`/wxa/plugin`, `/wxa/devplugin`), which no seed covers: the
/// errcode table of WeChat's plugin-management pages, and for 89245, 89246, 89256, 89258,
/// 89259 WxJava's table; see `api::plugin` and docs/research/onboarding-apis.md §6.3.
pub const PLUGIN_CODES: &[i64] = &[
    89236, 89237, 89238, 89239, 89240, 89241, 89242, 89243, 89244, 89245, 89246, 89256, 89257,
    89258, 89259,
];

/// Codes of the domain endpoints (modify_domain, setwebviewdomain), which no seed covers:
/// WeChat's docs of those endpoints through the SDKs' tables, 89030 provisional; see
/// `api::domain` and docs/research/onboarding-apis.md §2–§3.
pub const DOMAIN_CODES: &[i64] = &[
    85016, 85017, 85018, 85301, 85302, 85303, 89019, 89020, 89021, 89022, 89029, 89030, 89231,
];

/// Codes one endpoint gives another meaning than the catalogue's (which keeps the seed's):
/// (path, entry). modify_domain's 85015 is "该账号不是小程序账号" (dtapps, RsCode; WxJava merges
/// both: "该账号不是小程序账号/版本输入错误"), the seed's setweappsupportversion one "版本输入错误".
pub static ENDPOINT_MEANINGS: &[(&str, ErrCodeInfo)] = &[(
    "/wxa/modify_domain",
    info(
        85015,
        "该账号不是小程序账号",
        "The account is not a mini program account",
    ),
)];

/// [`describe`] for an answer of the endpoint at `path`: its own meaning of the code when it
/// has one ([`ENDPOINT_MEANINGS`]), else the catalogue's.
pub fn describe_at(path: &str, code: i64, errmsg: &str) -> (String, String) {
    ENDPOINT_MEANINGS
        .iter()
        .find(|(p, info)| *p == path && info.code == code)
        .map(|(_, info)| (info.zh.to_owned(), info.en.to_owned()))
        .unwrap_or_else(|| describe(code, errmsg))
}

/// The catalogue entry for `code`, if any.
pub fn lookup(code: i64) -> Option<&'static ErrCodeInfo> {
    CATALOGUE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|index| CATALOGUE.get(index))
}

/// Human-readable `(zh, en)` text for an API error. Known codes use the
/// catalogue; unknown ones fall back to WeChat's own `errmsg`, keeping the
/// code so support can still look it up.
pub fn describe(code: i64, errmsg: &str) -> (String, String) {
    match lookup(code) {
        Some(info) => (info.zh.to_owned(), info.en.to_owned()),
        None => {
            let errmsg = errmsg.trim();
            if errmsg.is_empty() {
                (
                    format!("未知错误（{code}）"),
                    format!("Unknown error ({code})"),
                )
            } else {
                (format!("{errmsg}（{code}）"), format!("{errmsg} ({code})"))
            }
        }
    }
}

#[cfg(test)]
mod tests;
