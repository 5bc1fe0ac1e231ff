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

/// Regions whose name or code contains `query` (trimmed), at most `limit`.
pub fn search(query: &str, limit: usize) -> Vec<Region> {
    let q = query.trim();
    let mut out = Vec::new();
    if q.is_empty() {
        return out;
    }
    for p in provinces() {
        if p.name.contains(q) || p.code.to_string().starts_with(q) {
            out.push(Region {
                code: p.code,
                label: p.name.clone(),
            });
        }
        for c in &p.cities {
            if c.code != p.code && (c.name.contains(q) || c.code.to_string().starts_with(q)) {
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
}
