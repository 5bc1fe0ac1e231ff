use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::*;

/// Codes the design brief names explicitly; checked even where the seed
/// folder is not available.
const BRIEF_CODES: &[i64] = &[
    -1, 0, 40001, 40014, 42001, 61023, 85013, 85014, 85043, 85044, 85045, 85046, 85047, 85048,
    85006, 85007, 85008, 85009, 85010, 85011, 85019, 85020, 85021, 85022, 85023, 85077, 85079,
    85080, 85081, 85082, 85085, 85086, 85087, 85015, 86002, 87011, 87012, 87013, 9009099, 9009098,
    9009068, 9009067, 9009065, 9008999, 9008998, 9008997, 9008994, 9008995, 9008996,
];

#[test]
fn catalogue_is_strictly_sorted_so_binary_search_works() {
    for pair in CATALOGUE.windows(2) {
        assert!(
            pair[0].code < pair[1].code,
            "{} must come before {}",
            pair[0].code,
            pair[1].code
        );
    }
}

#[test]
fn catalogue_has_no_duplicate_codes() {
    let unique: BTreeSet<i64> = CATALOGUE.iter().map(|info| info.code).collect();
    assert_eq!(unique.len(), CATALOGUE.len());
}

#[test]
fn every_entry_has_both_texts_and_english_is_translated() {
    let is_cjk = |c: char| {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    };
    for info in CATALOGUE {
        assert!(!info.zh.trim().is_empty(), "{} has no zh", info.code);
        assert!(!info.en.trim().is_empty(), "{} has no en", info.code);
        assert!(
            !info.en.chars().any(is_cjk),
            "{} en is untranslated: {}",
            info.code,
            info.en
        );
    }
}

#[test]
fn lookup_finds_every_entry_and_nothing_else() {
    for info in CATALOGUE {
        assert_eq!(lookup(info.code), Some(info));
    }
    for absent in [i64::MIN, -2, 1, 40000, 85005, 9999999, i64::MAX] {
        assert_eq!(lookup(absent), None, "{absent}");
    }
}

#[test]
fn codes_named_in_the_brief_and_general_codes_are_present() {
    for &code in BRIEF_CODES
        .iter()
        .chain(GENERAL_CODES)
        .chain(PROVISIONAL_CODES)
        .chain(TESTER_CODES)
        .chain(PLUGIN_CODES)
        .chain(DOMAIN_CODES)
    {
        assert!(lookup(code).is_some(), "{code} missing");
    }
}

#[test]
fn an_endpoint_can_give_a_code_its_own_meaning() {
    let (zh, en) = describe_at("/wxa/modify_domain", 85015, "");
    assert_eq!(zh, "该账号不是小程序账号");
    assert!(!en.is_empty());
    // Elsewhere, and for the endpoint's other codes, the catalogue's.
    assert_eq!(
        describe_at("/cgi-bin/wxopen/setweappsupportversion", 85015, "").0,
        "版本输入错误"
    );
    assert_eq!(
        describe_at("/wxa/modify_domain", 85017, "").0,
        lookup(85017).unwrap().zh
    );
    for (_, info) in ENDPOINT_MEANINGS {
        assert!(
            lookup(info.code).is_some(),
            "{} is catalogued too",
            info.code
        );
    }
}

#[test]
fn describe_uses_the_catalogue_then_falls_back_to_errmsg() {
    let (zh, en) = describe(42001, "access_token expired rid: 1234");
    assert_eq!(zh, "access_token超时");
    assert_eq!(en, "access_token has expired");

    let (zh, en) = describe(48001, "api unauthorized rid: 5678");
    assert_eq!(zh, "api unauthorized rid: 5678（48001）");
    assert_eq!(en, "api unauthorized rid: 5678 (48001)");

    let (zh, en) = describe(48001, "  ");
    assert_eq!(zh, "未知错误（48001）");
    assert_eq!(en, "Unknown error (48001)");
}

// ---------------------------------------------------------------------------
// Cross-check against the specification seeds.
// ---------------------------------------------------------------------------

/// Code -> the descriptions the seeds give it (empty when a seed only shows
/// the code, e.g. in a JSON example).
type SeedCodes = BTreeMap<i64, BTreeSet<String>>;

fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/seeds")
}

fn read_seeds(dir: &Path) -> Vec<(String, String)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("seed folder is readable")
        .map(|entry| entry.expect("seed entry is readable").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("seed is UTF-8 text");
            (path.display().to_string(), text)
        })
        .collect()
}

/// WeChat codes are -1, 0 or at least five digits; anything else on its own
/// (list numbers, "7 天") is prose.
fn looks_like_errcode(token: &str) -> Option<i64> {
    let code: i64 = token.parse().ok()?;
    (code == -1 || code == 0 || code >= 10_000).then_some(code)
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn record(codes: &mut SeedCodes, code: i64, description: Option<&str>) {
    let entry = codes.entry(code).or_default();
    if let Some(description) = description.map(normalize).filter(|d| !d.is_empty()) {
        entry.insert(description);
    }
}

/// `"errcode": N` in JSON examples.
fn extract_json(text: &str, codes: &mut SeedCodes) {
    for (index, _) in text.match_indices("\"errcode\"") {
        let rest = text[index + "\"errcode\"".len()..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let end = rest
            .char_indices()
            .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        if let Ok(code) = rest[..end].parse() {
            record(codes, code, None);
        }
    }
}

/// RST simple-table rows: `85006  标签格式错误` (code, two or more spaces,
/// description) at the start of a line.
fn extract_table_rows(text: &str, codes: &mut SeedCodes) {
    for line in text.lines() {
        let Some((head, tail)) = line.split_once("  ") else {
            continue;
        };
        if let Some(code) = looks_like_errcode(head) {
            record(codes, code, Some(tail));
        }
    }
}

/// Markdown lists where the code stands alone on a line and its
/// description is the next non-blank line.
fn extract_standalone(text: &str, codes: &mut SeedCodes) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(code) = looks_like_errcode(line.trim()) else {
            continue;
        };
        let description = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .find(|l| !l.is_empty())
            .filter(|l| looks_like_errcode(l).is_none());
        record(codes, code, description);
    }
}

/// Paragraphs flattened from a table, e.g. `错误码说明： 返回码 说明 -1 系统繁忙
/// 85013 无效的自定义配置 …`: each code is followed by its description words.
fn extract_inline_paragraphs(text: &str, codes: &mut SeedCodes) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((_, after)) = line.split_once("错误码说明：") else {
            continue;
        };
        if after.trim().is_empty() {
            continue; // A heading for a proper table, handled elsewhere.
        }
        let paragraph = std::iter::once(after).chain(
            lines[i + 1..]
                .iter()
                .copied()
                .take_while(|l| !l.trim().is_empty()),
        );
        let mut current: Option<(i64, Vec<&str>)> = None;
        for token in paragraph.flat_map(str::split_whitespace) {
            if let Some(code) = looks_like_errcode(token) {
                if let Some((code, words)) = current.take() {
                    record(codes, code, Some(&words.join(" ")));
                }
                current = Some((code, Vec::new()));
            } else if let Some((_, words)) = current.as_mut() {
                words.push(token);
            }
        }
        if let Some((code, words)) = current {
            record(codes, code, Some(&words.join(" ")));
        }
    }
}

fn extract_seed_codes(seeds: &[(String, String)]) -> SeedCodes {
    let mut codes = SeedCodes::new();
    for (_, text) in seeds {
        extract_json(text, &mut codes);
        extract_table_rows(text, &mut codes);
        extract_standalone(text, &mut codes);
        extract_inline_paragraphs(text, &mut codes);
    }
    codes
}

#[test]
fn extractor_reads_each_seed_format() {
    let sample = [(
        "sample".to_owned(),
        "错误码说明： 返回码 说明 -1 系统繁忙 85013 无效的自定义配置 85045 ext_json\n有不存在的路径\n\n\
         ====== ====\n85006  标签格式错误\n====== ====\n\n\
         9009099\n\n系统失败，请重试。\n\n{\"errcode\": 40013, \"errmsg\": \"invalid appid\"}\n\
         近 7 天\n\n1.  list item\n"
            .to_owned(),
    )];
    let codes = extract_seed_codes(&sample);
    let described = |code: i64| codes.get(&code).cloned().unwrap_or_default();
    let found: BTreeSet<i64> = codes.keys().copied().collect();
    assert_eq!(
        found,
        BTreeSet::from([-1, 85006, 85013, 85045, 40013, 9009099])
    );
    assert!(described(-1).contains("系统繁忙"));
    assert!(described(85045).contains("ext_json 有不存在的路径"));
    assert!(described(85006).contains("标签格式错误"));
    assert!(described(9009099).contains("系统失败，请重试。"));
    assert!(described(40013).is_empty());
}

#[test]
fn every_seed_errcode_is_catalogued_verbatim() {
    let dir = seeds_dir();
    if !dir.is_dir() {
        eprintln!("skipping: no seed folder at {}", dir.display());
        return;
    }
    let seeds = read_seeds(&dir);
    let codes = extract_seed_codes(&seeds);

    // Guard against the extractor silently finding nothing: one anchor per
    // seed format, and roughly the number of codes the seeds hold.
    for anchor in [85045, 85066, 9008994, 40037, 40013, -1, 0] {
        assert!(codes.contains_key(&anchor), "extractor missed {anchor}");
    }
    assert!(codes.len() >= 60, "only {} codes extracted", codes.len());

    let mut missing = Vec::new();
    let mut not_verbatim = Vec::new();
    for (code, descriptions) in &codes {
        match lookup(*code) {
            None => missing.push(*code),
            Some(info)
                if !descriptions.is_empty() && !descriptions.contains(&normalize(info.zh)) =>
            {
                not_verbatim.push(format!("{code}: {:?} not in {descriptions:?}", info.zh));
            }
            Some(_) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "seed codes missing from the catalogue: {missing:?}"
    );
    assert!(
        not_verbatim.is_empty(),
        "zh differs from the seeds:\n{}",
        not_verbatim.join("\n")
    );

    // The reverse: nothing in the catalogue is invented. Every entry is
    // either in a seed, one of the declared general codes, or a declared
    // provisional code of an undocumented endpoint.
    let extra: Vec<i64> = CATALOGUE
        .iter()
        .map(|info| info.code)
        .filter(|code| {
            !codes.contains_key(code)
                && !GENERAL_CODES.contains(code)
                && !PROVISIONAL_CODES.contains(code)
                && !SUBSCRIBE_CODES.contains(code)
                && !TESTER_CODES.contains(code)
                && !PLUGIN_CODES.contains(code)
                && !DOMAIN_CODES.contains(code)
        })
        .collect();
    assert!(
        extra.is_empty(),
        "catalogued but in no seed and not general: {extra:?}"
    );
}
