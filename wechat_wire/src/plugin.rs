//! Plugins (插件, plugin-guide.md): the statuses of a plugin application, WeChat's 24-hour
//! window for the plugin's developer to decide, and the guide's table of the service
//! categories a plugin may have, with its three special cases (医疗, 社交, 社交-直播) that
//! limit which mini programs may use such a plugin.
//!
//! Shared by the simulator (which refuses a mismatching applicant with 89246, our reading of
//! WxJava's "plugins with special category are used only by specific apps") and the console
//! (which shows the rules and checks before asking WeChat). No I/O.

/// An application's status, the same numbers on both sides: `/wxa/plugin` action `list`
/// ("1:申请中, 2:申请通过, 3:被拒绝; 4:申请已超时") and `/wxa/devplugin` action
/// `dev_apply_list` ("1:申请中 2:申请通过 3:已拒绝 4:已超时"); WeChat's plugin-management docs,
/// WxJava `WxMaPluginListResult`, Senparc `PluginJsonResult`.
pub mod status {
    pub const APPLYING: i64 = 1;
    pub const APPROVED: i64 = 2;
    pub const REFUSED: i64 = 3;
    pub const TIMED_OUT: i64 = 4;
}

/// The seed (使用申请管理): "插件开发者可在24小时内选择”通过“或”拒绝“申请方使用插件"; an
/// application left undecided that long becomes 申请已超时 (status 4).
pub const DECISION_WINDOW_SECS: i64 = 24 * 3600;

/// Which second levels of a first-level category are open to plugins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seconds {
    /// "所有二级类目".
    All,
    Only(&'static [&'static str]),
}

/// The guide's 特殊说明: who may use a plugin of that category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Special {
    /// 医疗 (就医服务、互联网医院): "仅医疗类小程序可使用".
    MedicalOnly,
    /// 社交 (笔记、问答、社区/论坛、陌生人社交): "仅限社交类目小程序使用".
    SocialOnly,
    /// 社交 - 直播: "仅限电商平台、教育类目小程序使用".
    EcommerceOrEducation,
}

impl Special {
    /// The first-level categories one of which the applicant must have.
    pub fn allowed_firsts(self) -> &'static [&'static str] {
        match self {
            Special::MedicalOnly => &["医疗"],
            Special::SocialOnly => &["社交"],
            Special::EcommerceOrEducation => &["电商平台", "教育"],
        }
    }

    /// Whether a mini program with these first-level categories may use the plugin.
    pub fn admits<'a>(self, applicant_firsts: impl IntoIterator<Item = &'a str>) -> bool {
        let allowed = self.allowed_firsts();
        applicant_firsts
            .into_iter()
            .any(|first| allowed.iter().any(|a| *a == first.trim()))
    }
}

/// One row of the guide's table (开放范围及服务类目).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenCategory {
    pub first: &'static str,
    pub seconds: Seconds,
    pub special: Option<Special>,
}

const fn open(first: &'static str, seconds: Seconds) -> OpenCategory {
    OpenCategory {
        first,
        seconds,
        special: None,
    }
}

const fn special(first: &'static str, seconds: Seconds, rule: Special) -> OpenCategory {
    OpenCategory {
        first,
        seconds,
        special: Some(rule),
    }
}

/// The plugin service categories open today, in the seed's order (plugin-guide.md,
/// 开放范围及服务类目). A plugin takes one of its owner's approved categories from this table.
pub const OPEN_CATEGORIES: [OpenCategory; 17] = [
    open("快递业与邮政", Seconds::All),
    open("教育", Seconds::All),
    special(
        "医疗",
        Seconds::Only(&["就医服务", "互联网医院"]),
        Special::MedicalOnly,
    ),
    open("政务民生", Seconds::All),
    open("金融业", Seconds::Only(&["征信业务", "保险"])),
    open("出行与交通", Seconds::All),
    open("生活服务", Seconds::Only(&["票务", "生活缴费", "休闲娱乐"])),
    open("IT科技", Seconds::All),
    open(
        "餐饮",
        Seconds::Only(&["点评与推荐", "菜谱", "餐厅排队", "点餐平台", "外卖平台"]),
    ),
    open("旅游", Seconds::All),
    open(
        "文娱",
        Seconds::Only(&["视频", "FM/电台", "音乐", "有声读物", "动漫"]),
    ),
    open(
        "工具",
        Seconds::Only(&[
            "记账",
            "投票",
            "日历",
            "天气",
            "备忘录",
            "办公",
            "字典",
            "计算类",
            "报价/比价",
            "发票查询",
            "企业管理",
            "预约/报名",
            "图片/音频/视频",
            "信息查询",
        ]),
    ),
    open("电商平台", Seconds::Only(&["电商平台"])),
    special(
        "社交",
        Seconds::Only(&["笔记", "问答", "社区/论坛", "陌生人社交"]),
        Special::SocialOnly,
    ),
    special(
        "社交",
        Seconds::Only(&["直播"]),
        Special::EcommerceOrEducation,
    ),
    open("商业服务", Seconds::Only(&["招聘/求职"])),
    open("汽车", Seconds::All),
];

/// The table's row for a plugin category, if it is open to plugins.
pub fn open_category(first: &str, second: &str) -> Option<&'static OpenCategory> {
    let (first, second) = (first.trim(), second.trim());
    OPEN_CATEGORIES.iter().find(|row| {
        row.first == first
            && match row.seconds {
                Seconds::All => !second.is_empty(),
                Seconds::Only(list) => list.contains(&second),
            }
    })
}

/// The special rule of a plugin category, if it has one.
pub fn special_rule(first: &str, second: &str) -> Option<Special> {
    open_category(first, second).and_then(|row| row.special)
}

/// Whether a mini program with these first-level categories may use a plugin of the category
/// `(first, second)`: always, unless the category has a special rule the applicant fails.
pub fn may_use<'a>(
    plugin_first: &str,
    plugin_second: &str,
    applicant_firsts: impl IntoIterator<Item = &'a str>,
) -> bool {
    match special_rule(plugin_first, plugin_second) {
        None => true,
        Some(rule) => rule.admits(applicant_firsts),
    }
}

/// A live-streaming plugin (社交 - 直播): WxJava's 89259 "zhibo plugin is not allow to delete"
/// says a mini program cannot unbind one.
pub fn is_live_streaming(first: &str, second: &str) -> bool {
    first.trim() == "社交" && second.trim() == "直播"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_the_seeds() {
        assert_eq!(OPEN_CATEGORIES.len(), 17);
        assert!(open_category("教育", "学历教育").is_some(), "所有二级类目");
        assert!(open_category("工具", "办公").is_some());
        assert!(open_category("工具", "游戏").is_none());
        assert!(
            open_category("餐饮", "咖啡").is_none(),
            "only five 餐饮 seconds"
        );
        assert!(open_category("医疗", "药品").is_none());
        assert!(open_category("游戏", "休闲游戏").is_none());
        assert!(open_category("教育", "").is_none());
    }

    #[test]
    fn the_three_special_cases() {
        assert_eq!(
            special_rule("医疗", "互联网医院"),
            Some(Special::MedicalOnly)
        );
        assert_eq!(special_rule("社交", "问答"), Some(Special::SocialOnly));
        assert_eq!(
            special_rule("社交", "直播"),
            Some(Special::EcommerceOrEducation)
        );
        assert_eq!(special_rule("工具", "办公"), None);

        assert!(may_use("医疗", "就医服务", ["医疗"]));
        assert!(!may_use("医疗", "就医服务", ["餐饮", "工具"]));
        assert!(may_use("社交", "笔记", ["社交"]));
        assert!(!may_use("社交", "笔记", ["教育"]));
        assert!(may_use("社交", "直播", ["教育"]));
        assert!(may_use("社交", "直播", ["餐饮", "电商平台"]));
        assert!(!may_use("社交", "直播", ["社交"]));
        assert!(may_use("工具", "办公", Vec::<&str>::new()));
        assert!(!may_use("医疗", "互联网医院", Vec::<&str>::new()));
    }

    #[test]
    fn only_live_streaming_is_live_streaming() {
        assert!(is_live_streaming("社交", "直播"));
        assert!(!is_live_streaming("社交", "笔记"));
        assert!(!is_live_streaming("电商平台", "直播"));
    }

    #[test]
    fn the_window_is_a_day() {
        assert_eq!(DECISION_WINDOW_SECS, 86_400);
        assert_eq!(status::TIMED_OUT, 4);
    }
}
