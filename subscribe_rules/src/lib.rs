//! Subscription messages (订阅消息): WeChat's rules for composing a template from a public
//! title and for the values a message may carry, shared by the browser, the server and the
//! simulator.
//!
//! Sources (WeChat's public documentation, 小程序 服务端 API → 订阅消息, and the public SDKs
//! that wrap it: WxJava `WxMaSubscribeService`, wechatpy `WeChatWxa`, EasyWeChat
//! `SubscribeMessage`):
//! * `addMessageTemplate`: `kidList` "最多支持5个，最少2个关键词组合", `sceneDesc`
//!   "15个字以内", errcodes 200011–200014, 200020, 200021 ("个人模版数已达上限，上限25个");
//! * `getPubTemplateTitleList`: `limit` "最大为30", errcodes 200016–200019;
//! * `sendMessage`: `miniprogram_state` developer / trial / formal, `lang` zh_CN / en_US /
//!   zh_HK / zh_TW, errcodes 40003, 40037, 43101, 47003, 41030, and the table of value
//!   rules per keyword type (参数值内容限制) that [`Rule::check`] implements.

/// `kidList`: at least 2 keywords.
pub const KEYWORDS_MIN: usize = 2;
/// `kidList`: at most 5 keywords.
pub const KEYWORDS_MAX: usize = 5;
/// `sceneDesc`: 15 characters at most.
pub const SCENE_DESC_MAX_CHARS: usize = 15;
/// 200012: "个人模版数已达上限，上限25个".
pub const PRIVATE_TEMPLATES_MAX: usize = 25;
/// `getpubtemplatetitles` `limit`: 1 to 30.
pub const TITLES_LIMIT_MAX: i64 = 30;
/// `miniprogram_state`: which version the message opens (default formal).
pub const MINIPROGRAM_STATES: [&str; 3] = ["developer", "trial", "formal"];
/// `lang`: the language the message opens the mini program in (default zh_CN).
pub const LANGS: [&str; 4] = ["zh_CN", "en_US", "zh_HK", "zh_TW"];
/// Template `type`: 2 one-time subscription (一次性订阅), 3 long-term (长期订阅).
pub const TYPE_ONE_TIME: i64 = 2;
pub const TYPE_LONG_TERM: i64 = 3;

/// The errcodes of the subscription-message calls.
pub mod errcode {
    pub const ACCOUNT_BANNED: i64 = 200011;
    pub const TEMPLATES_FULL: i64 = 200012;
    pub const TITLE_BANNED: i64 = 200013;
    pub const BAD_TID: i64 = 200014;
    pub const BAD_START: i64 = 200016;
    pub const BAD_LIMIT: i64 = 200017;
    pub const IDS_MISSING: i64 = 200018;
    pub const IDS_INVALID: i64 = 200019;
    pub const BAD_KID_LIST: i64 = 200020;
    pub const BAD_SCENE_DESC: i64 = 200021;
    pub const INVALID_OPENID: i64 = 40003;
    pub const INVALID_TEMPLATE: i64 = 40037;
    pub const INVALID_PAGE: i64 = 41030;
    pub const USER_REFUSED: i64 = 43101;
    pub const DATA_INVALID: i64 = 47003;
}

/// The type of a keyword: decides what its value may hold. The data key of a keyword is
/// the type followed by its `kid` (`thing1`, `amount3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Thing,
    Number,
    Letter,
    Symbol,
    CharacterString,
    Time,
    Date,
    Amount,
    PhoneNumber,
    CarNumber,
    Name,
    Phrase,
}

/// Why a value is refused (WeChat answers 47003 for each).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueProblem {
    Empty,
    /// More than `max` characters.
    TooLong {
        max: usize,
    },
    /// Characters or a shape the type does not allow.
    BadFormat,
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_symbol(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `12` or `12.5`: digits with at most one decimal point inside.
fn decimal(s: &str, max_int_digits: usize) -> bool {
    match s.split_once('.') {
        Some((int, frac)) => digits(int) && int.len() <= max_int_digits && digits(frac),
        None => digits(s) && s.len() <= max_int_digits,
    }
}

/// `15:01` or `15:01:30`, 24-hour.
fn clock(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    if !(2..=3).contains(&parts.len()) || !parts.iter().all(|p| digits(p) && p.len() <= 2) {
        return false;
    }
    let n = |i: usize| parts[i].parse::<u32>().unwrap_or(99);
    n(0) < 24 && n(1) < 60 && (parts.len() == 2 || n(2) < 60)
}

/// `2019年10月1日`, `2019-10-01` or `2019/10/01`.
fn calendar_date(s: &str) -> bool {
    let (y, m, d) = if let Some(rest) = s.strip_suffix('日') {
        let Some((y, rest)) = rest.split_once('年') else {
            return false;
        };
        let Some((m, d)) = rest.split_once('月') else {
            return false;
        };
        (y, m, d)
    } else {
        let sep = if s.contains('-') { '-' } else { '/' };
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() != 3 {
            return false;
        }
        (parts[0], parts[1], parts[2])
    };
    let ok = |p: &str, len: std::ops::RangeInclusive<usize>| digits(p) && len.contains(&p.len());
    if !(ok(y, 4..=4) && ok(m, 1..=2) && ok(d, 1..=2)) {
        return false;
    }
    let (m, d) = (m.parse::<u32>().unwrap_or(0), d.parse::<u32>().unwrap_or(0));
    (1..=12).contains(&m) && (1..=31).contains(&d)
}

impl Rule {
    pub const ALL: [Rule; 12] = [
        Rule::Thing,
        Rule::Number,
        Rule::Letter,
        Rule::Symbol,
        Rule::CharacterString,
        Rule::Time,
        Rule::Date,
        Rule::Amount,
        Rule::PhoneNumber,
        Rule::CarNumber,
        Rule::Name,
        Rule::Phrase,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Thing => "thing",
            Rule::Number => "number",
            Rule::Letter => "letter",
            Rule::Symbol => "symbol",
            Rule::CharacterString => "character_string",
            Rule::Time => "time",
            Rule::Date => "date",
            Rule::Amount => "amount",
            Rule::PhoneNumber => "phone_number",
            Rule::CarNumber => "car_number",
            Rule::Name => "name",
            Rule::Phrase => "phrase",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// `thing12` → (Thing, 12).
    pub fn of_key(key: &str) -> Option<(Rule, i64)> {
        let split = key.find(|c: char| c.is_ascii_digit())?;
        let (name, kid) = key.split_at(split);
        Some((Rule::parse(name)?, kid.parse().ok()?))
    }

    /// The data key of keyword `kid` of this type.
    pub fn key(self, kid: i64) -> String {
        format!("{}{kid}", self.as_str())
    }

    /// The most characters a value may have.
    pub fn max_chars(self) -> usize {
        match self {
            Rule::Thing => 20,
            Rule::Number | Rule::Letter | Rule::CharacterString => 32,
            Rule::Symbol | Rule::Phrase => 5,
            Rule::PhoneNumber => 17,
            Rule::CarNumber => 8,
            // Chinese names 10 characters, pure Latin names 20 letters (checked below).
            Rule::Name => 20,
            // 1 currency sign, 10 digits, a decimal part and 元.
            Rule::Amount => 24,
            // "2019年10月1日 15:01:30".
            Rule::Time | Rule::Date => 20,
        }
    }

    /// WeChat's rule for a value of this type (参数值内容限制).
    pub fn check(self, value: &str) -> Result<(), ValueProblem> {
        if value.trim().is_empty() {
            return Err(ValueProblem::Empty);
        }
        let chars = value.chars().count();
        let max = match self {
            Rule::Name if !value.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') => 10,
            _ => self.max_chars(),
        };
        if chars > max {
            return Err(ValueProblem::TooLong { max });
        }
        let well_formed = match self {
            Rule::Thing => true,
            Rule::Number => decimal(value, 32),
            Rule::Letter => value.chars().all(|c| c.is_ascii_alphabetic()),
            Rule::Symbol => value.chars().all(is_symbol),
            Rule::CharacterString => value.chars().all(|c| c.is_ascii_graphic()),
            Rule::Time => match value.rsplit_once(' ') {
                Some((date, time)) => calendar_date(date) && clock(time),
                None => clock(value),
            },
            Rule::Date => match value.rsplit_once(' ') {
                Some((date, time)) => calendar_date(date) && clock(time),
                None => calendar_date(value),
            },
            Rule::Amount => {
                let body = value.strip_suffix('元').unwrap_or(value);
                let body = match body.chars().next() {
                    Some(c) if is_symbol(c) && c != '.' => &body[c.len_utf8()..],
                    _ => body,
                };
                decimal(body, 10)
            }
            Rule::PhoneNumber => {
                value.chars().any(|c| c.is_ascii_digit())
                    && value
                        .chars()
                        .all(|c| c.is_ascii_digit() || (c.is_ascii_punctuation() || c == ' '))
            }
            Rule::CarNumber => {
                let cs: Vec<char> = value.chars().collect();
                let last = cs.len() - 1;
                cs.len() >= 2
                    && cs.iter().enumerate().all(|(i, c)| {
                        c.is_ascii_uppercase()
                            || c.is_ascii_digit()
                            || ((i == 0 || i == last) && is_cjk(*c))
                    })
            }
            Rule::Name => value
                .chars()
                .all(|c| is_cjk(c) || c.is_ascii_alphabetic() || c == ' ' || c == '·'),
            Rule::Phrase => value.chars().all(is_cjk),
        };
        if well_formed {
            Ok(())
        } else {
            Err(ValueProblem::BadFormat)
        }
    }
}

/// Why a keyword choice is refused (200020).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KidProblem {
    TooFew,
    TooMany,
    Repeated(i64),
    Unknown(i64),
}

/// `kidList`: 2 to 5 keywords of the title, none twice, in the order they will appear.
pub fn check_kid_list(chosen: &[i64], available: &[i64]) -> Result<(), KidProblem> {
    if chosen.len() < KEYWORDS_MIN {
        return Err(KidProblem::TooFew);
    }
    if chosen.len() > KEYWORDS_MAX {
        return Err(KidProblem::TooMany);
    }
    for (i, kid) in chosen.iter().enumerate() {
        if chosen[..i].contains(kid) {
            return Err(KidProblem::Repeated(*kid));
        }
        if !available.contains(kid) {
            return Err(KidProblem::Unknown(*kid));
        }
    }
    Ok(())
}

/// `sceneDesc`: at most 15 characters (may be empty).
pub fn scene_desc_ok(scene: &str) -> bool {
    scene.chars().count() <= SCENE_DESC_MAX_CHARS
}

/// The content line WeChat shows for a keyword: `订单号:{{character_string1.DATA}}`.
pub fn content_line(name: &str, rule: Rule, kid: i64) -> String {
    format!("{name}:{{{{{}.DATA}}}}", rule.key(kid))
}

#[cfg(test)]
mod tests;
