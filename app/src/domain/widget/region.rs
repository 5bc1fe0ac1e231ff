//! Administrative region codes (province and prefecture level) for `areacode`.
//! The file is the wechat crate's (`wechat/data/region_codes.json`), included at compile
//! time so the browser and the server know the same codes as the simulator.

use serde::Deserialize;
use std::sync::OnceLock;

const REGION_CODES_JSON: &str = include_str!("../../../../wechat/data/region_codes.json");

#[derive(Clone, Debug, Deserialize)]
pub struct City {
    pub code: i64,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Province {
    pub code: i64,
    pub name: String,
    #[serde(default)]
    pub cities: Vec<City>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    provinces: Vec<Province>,
}

pub fn provinces() -> &'static [Province] {
    static P: OnceLock<Vec<Province>> = OnceLock::new();
    P.get_or_init(|| {
        serde_json::from_str::<File>(REGION_CODES_JSON)
            .map(|f| f.provinces)
            .unwrap_or_default()
    })
}

/// One pickable region: a province, or a city with its province's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Region {
    pub code: i64,
    /// "北京市" for a province, "河北省 石家庄市" for a city.
    pub label: String,
}

/// The name shown for `code`, None if it is not a province or prefecture code.
pub fn label_of(code: i64) -> Option<String> {
    for p in provinces() {
        if p.code == code {
            return Some(p.name.clone());
        }
        if let Some(c) = p.cities.iter().find(|c| c.code == code) {
            return Some(if c.name == p.name {
                c.name.clone()
            } else {
                format!("{} {}", p.name, c.name)
            });
        }
    }
    None
}

pub fn is_known(code: i64) -> bool {
    label_of(code).is_some()
}

/// English names of the provinces (the data file has Chinese names only), for searching in
/// English: "beijing", "Guangdong", "inner mongolia".
const PROVINCES_EN: [(i64, &str); 31] = [
    (110000, "Beijing"),
    (120000, "Tianjin"),
    (130000, "Hebei"),
    (140000, "Shanxi"),
    (150000, "Inner Mongolia"),
    (210000, "Liaoning"),
    (220000, "Jilin"),
    (230000, "Heilongjiang"),
    (310000, "Shanghai"),
    (320000, "Jiangsu"),
    (330000, "Zhejiang"),
    (340000, "Anhui"),
    (350000, "Fujian"),
    (360000, "Jiangxi"),
    (370000, "Shandong"),
    (410000, "Henan"),
    (420000, "Hubei"),
    (430000, "Hunan"),
    (440000, "Guangdong"),
    (450000, "Guangxi"),
    (460000, "Hainan"),
    (500000, "Chongqing"),
    (510000, "Sichuan"),
    (520000, "Guizhou"),
    (530000, "Yunnan"),
    (540000, "Tibet"),
    (610000, "Shaanxi"),
    (620000, "Gansu"),
    (630000, "Qinghai"),
    (640000, "Ningxia"),
    (650000, "Xinjiang"),
];

/// The English name of a province code, if known.
pub fn english_name(code: i64) -> Option<&'static str> {
    PROVINCES_EN
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

fn matches_english(code: i64, q: &str) -> bool {
    q.is_ascii()
        && q.chars().any(|c| c.is_ascii_alphabetic())
        && english_name(code)
            .is_some_and(|n| n.to_ascii_lowercase().contains(&q.to_ascii_lowercase()))
}

/// Regions whose name or code contains `query` (trimmed), at most `limit`; provinces also
/// by their English name (a province's cities follow it).
pub fn search(query: &str, limit: usize) -> Vec<Region> {
    let q = query.trim();
    let mut out = Vec::new();
    if q.is_empty() {
        return out;
    }
    for p in provinces() {
        let english = matches_english(p.code, q);
        if p.name.contains(q) || p.code.to_string().starts_with(q) || english {
            out.push(Region {
                code: p.code,
                label: p.name.clone(),
            });
        }
        for c in &p.cities {
            if c.code != p.code
                && (english || c.name.contains(q) || c.code.to_string().starts_with(q))
            {
                out.push(Region {
                    code: c.code,
                    label: label_of(c.code).unwrap_or_else(|| c.name.clone()),
                });
            }
        }
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_provinces_and_cities() {
        assert!(is_known(110000));
        assert!(is_known(130100));
        assert!(!is_known(999999));
        assert!(!is_known(0));
        assert_eq!(label_of(130100).as_deref(), Some("河北省 石家庄市"));
    }

    #[test]
    fn search_by_name_or_code() {
        assert!(search("石家庄", 10).iter().any(|r| r.code == 130100));
        assert!(search("1100", 10).iter().any(|r| r.code == 110000));
        assert!(search("  ", 10).is_empty());
        assert!(search("市", 5).len() <= 5);
    }

    #[test]
    fn provinces_are_found_by_english_name() {
        assert_eq!(search("beijing", 10).first().map(|r| r.code), Some(110000));
        let guangdong = search("Guangdong", 50);
        assert_eq!(guangdong.first().map(|r| r.code), Some(440000));
        assert!(guangdong.iter().any(|r| r.code == 440100));
        assert!(search("inner mon", 5).iter().any(|r| r.code == 150000));
        assert!(search("zzz", 5).is_empty());
        for p in provinces() {
            assert!(english_name(p.code).is_some(), "{}", p.name);
        }
    }
}
