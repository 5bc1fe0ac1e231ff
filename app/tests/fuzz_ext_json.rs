//! Property tests ("fuzzing") of what a commit form carries to WeChat: the `ext_json` text
//! (parsed and checked on the server, typed by a merchant), WeChat's merge of it over the
//! template's app.json, and the console's XML pretty-printer for stored pushes (the callback
//! inbox shows what strangers sent). Nothing may panic on any input, and the merge follows
//! WeChat's rule: `pages` and `tabBar.list` replace, everything else is inserted or
//! overwritten key by key, recursively; applying the same ext_json twice changes nothing.
//!
//! CI runs a few hundred cases per property (`cargo test`); to fuzz for longer:
//!
//! ```sh
//! PROPTEST_CASES=100000 cargo test --release --workspace --test fuzz_ext_json
//! ```

use app::domain::callbacks::pretty_xml;
use app::domain::release::commit::{check_commit, CommitForm};
use app::domain::release::ext_json::{ExtJson, JsonObject};
use app::domain::release::ext_json_rules::check_ext_json;
use app::domain::release::merge::{effective_app_json, effective_page_json, pages_of};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// A few hundred cases by default; `PROPTEST_CASES` sets any other count.
fn config() -> ProptestConfig {
    let mut config = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 256;
    }
    config
}

/// Keys with a meaning to the merge or the checks, and some without.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop_oneof![
            Just("pages"),
            Just("tabBar"),
            Just("list"),
            Just("pagePath"),
            Just("text"),
            Just("window"),
            Just("networkTimeout"),
            Just("ext"),
            Just("extPages"),
            Just("extEnable"),
            Just("extAppid"),
            Just("directCommit"),
            Just("index"),
            Just("pages/index/index"),
            Just("color"),
            Just("usingComponents"),
        ]
        .prop_map(str::to_owned),
        1 => ".{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Binary fractions with a short decimal form: they survive text exactly.
        (any::<i32>(), 0usize..4)
            .prop_map(|(i, s)| Value::from(f64::from(i) / [1.0, 2.0, 4.0, 8.0][s])),
        prop_oneof![
            Just("index".to_owned()),
            Just("pages/index/index".to_owned()),
            Just(String::new()),
            ".{0,12}",
        ]
        .prop_map(Value::String),
    ]
}

/// Any JSON value, a few levels deep, biased towards app.json's shapes.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn object() -> impl Strategy<Value = JsonObject> {
    prop::collection::vec((key(), json()), 0..8).prop_map(|kv| kv.into_iter().collect())
}

fn page_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("index".to_owned()),
        Just("pages/index/index".to_owned()),
        Just("about".to_owned()),
        ".{0,8}",
    ]
}

fn without(mut o: JsonObject, keys: &[&str]) -> JsonObject {
    o.retain(|k, _| !keys.contains(&k.as_str()));
    o
}

/// One `tabBar.list` item: maybe a page path and a text, and other keys.
fn tab_item() -> impl Strategy<Value = Value> {
    (
        prop::option::of(page_name()),
        prop::option::of(".{0,6}"),
        object(),
    )
        .prop_map(|(path, text, rest)| {
            let mut o = without(rest, &["pagePath", "text"]);
            if let Some(p) = path {
                o.insert("pagePath".into(), Value::String(p));
            }
            if let Some(t) = text {
                o.insert("text".into(), Value::String(t));
            }
            Value::Object(o)
        })
}

/// An ext_json that parses: every typed key maybe present with a value of its shape
/// (objects inside arbitrary), and arbitrary other keys.
fn ext_json() -> impl Strategy<Value = ExtJson> {
    let tab_bar = (
        prop::option::of(prop::collection::vec(tab_item(), 0..4)),
        object(),
    )
        .prop_map(|(list, style)| {
            let mut o = without(style, &["list"]);
            if let Some(list) = list {
                o.insert("list".into(), Value::Array(list));
            }
            Value::Object(o)
        });
    (
        (
            prop::option::of(any::<bool>()),
            prop::option::of(".{0,8}"),
            prop::option::of(any::<bool>()),
            prop::option::of(object()),
            prop::option::of(prop::collection::btree_map(page_name(), object(), 0..4)),
        ),
        (
            prop::option::of(prop::collection::vec(page_name(), 0..4)),
            prop::option::of(object()),
            prop::option::of(tab_bar),
            prop::option::of(object()),
            object(),
        ),
    )
        .prop_filter_map(
            "ext_json of the right shape",
            |(
                (enable, appid, direct, ext, ext_pages),
                (pages, window, tab_bar, timeout, other),
            )| {
                let mut o = without(other, &KNOWN_KEYS);
                let mut put = |k: &str, v: Option<Value>| {
                    if let Some(v) = v {
                        o.insert(k.to_owned(), v);
                    }
                };
                put("extEnable", enable.map(Value::Bool));
                put("extAppid", appid.map(Value::String));
                put("directCommit", direct.map(Value::Bool));
                put("ext", ext.map(Value::Object));
                put(
                    "extPages",
                    ext_pages.map(|m| {
                        Value::Object(m.into_iter().map(|(k, v)| (k, Value::Object(v))).collect())
                    }),
                );
                put(
                    "pages",
                    pages.map(|p| Value::Array(p.into_iter().map(Value::String).collect())),
                );
                put("window", window.map(Value::Object));
                put("tabBar", tab_bar);
                put("networkTimeout", timeout.map(Value::Object));
                ExtJson::parse(&Value::Object(o).to_string()).ok()
            },
        )
}

/// The keys ExtJson types.
const KNOWN_KEYS: [&str; 9] = [
    "extEnable",
    "extAppid",
    "directCommit",
    "ext",
    "extPages",
    "pages",
    "window",
    "tabBar",
    "networkTimeout",
];

const EXT_ONLY_KEYS: [&str; 5] = ["extEnable", "extAppid", "directCommit", "ext", "extPages"];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parsing_and_checking_never_panic_on_any_text(raw in ".{0,300}") {
        let _ = ExtJson::parse(&raw);
        let _ = check_ext_json(&raw, None);
        let _ = check_ext_json(&raw, Some(&JsonObject::new()));
    }

    #[test]
    fn parsing_and_checking_never_panic_on_any_json(value in json(), template in object()) {
        let raw = value.to_string();
        let _ = ExtJson::parse(&raw);
        let _ = check_ext_json(&raw, None);
        let _ = check_ext_json(&raw, Some(&template));
        let form = CommitForm {
            template_id: Some(1),
            ext_json: raw,
            user_version: "1.0.0".into(),
            user_desc: String::new(),
        };
        let _ = check_commit(&form, Some(&[1]), Some(&template));
    }

    #[test]
    fn a_parsed_ext_json_survives_its_round_trip(ext in ext_json()) {
        let again = ExtJson::parse(&ext.to_json_string()).ok();
        prop_assert_eq!(again.as_ref(), Some(&ext));
        prop_assert_eq!(Value::Object(ext.to_object()), serde_json::to_value(&ext).expect("serialise"));
    }

    #[test]
    fn merging_follows_wechats_rule(template in object(), ext in ext_json()) {
        let app = effective_app_json(&template, &ext);
        // Nothing of the template disappears.
        for key in template.keys() {
            prop_assert!(app.contains_key(key), "lost {}", key);
        }
        // Every app.json key of ext_json arrives; the ext mechanism's own keys do not.
        let overlay = ext.to_object();
        for key in overlay.keys().filter(|k| !EXT_ONLY_KEYS.contains(&k.as_str())) {
            prop_assert!(app.contains_key(key), "missing {}", key);
        }
        for key in EXT_ONLY_KEYS {
            prop_assert_eq!(app.get(key), template.get(key), "{}", key);
        }
        // pages and tabBar.list replace the template's wholesale.
        if let Some(pages) = &ext.pages {
            prop_assert_eq!(pages_of(&app), Some(pages.clone()));
        }
        if let Some(list) = ext.tab_bar.as_ref().and_then(|t| t.list.as_ref()) {
            prop_assert_eq!(
                app.get("tabBar").and_then(|t| t.get("list")),
                Some(&serde_json::to_value(list).expect("serialise"))
            );
        }
        // A scalar or list of ext_json overwrites; an object merges key by key.
        for (key, value) in overlay.iter().filter(|(k, _)| !EXT_ONLY_KEYS.contains(&k.as_str())) {
            match (template.get(key), value) {
                (Some(Value::Object(_)), Value::Object(over)) if key != "pages" => {
                    let merged = app.get(key).and_then(Value::as_object).expect("still an object");
                    for inner in over.keys() {
                        prop_assert!(merged.contains_key(inner), "{}.{} missing", key, inner);
                    }
                }
                _ => prop_assert_eq!(app.get(key), Some(value), "{} not overwritten", key),
            }
        }
    }

    #[test]
    fn merging_twice_changes_nothing(template in object(), ext in ext_json()) {
        let once = effective_app_json(&template, &ext);
        let twice = effective_app_json(&once, &ext);
        prop_assert_eq!(&twice, &once);
        // And an empty ext_json leaves the template as it is.
        prop_assert_eq!(effective_app_json(&template, &ExtJson::default()), template);
    }

    #[test]
    fn page_configuration_merges_only_the_named_page(
        page in page_name(),
        template in object(),
        ext in ext_json(),
    ) {
        let merged = effective_page_json(&page, &template, &ext);
        let again = effective_page_json(&page, &merged, &ext);
        prop_assert_eq!(&again, &merged);
        match ext.ext_pages.as_ref().and_then(|p| p.get(&page)) {
            None => prop_assert_eq!(merged, template),
            Some(overlay) => {
                for key in overlay.keys() {
                    prop_assert!(merged.contains_key(key));
                }
            }
        }
    }

    #[test]
    fn the_push_pretty_printer_never_panics(
        xml in prop_oneof![
            ".{0,300}",
            prop::collection::vec(
                prop_oneof![
                    Just("<xml>"), Just("</xml>"), Just("<A>"), Just("</A>"), Just("<B/>"),
                    Just("<![CDATA["), Just("]]>"), Just("<!--"), Just("-->"), Just("<?x?>"),
                    Just("<"), Just(">"), Just("text"), Just(" "), Just("\n"), Just("中文"),
                ],
                0..40,
            )
            .prop_map(|v| v.concat()),
        ],
    ) {
        let pretty = pretty_xml(&xml);
        // Text is never invented: every non-space character shown was in the push.
        let shown: usize = pretty.chars().filter(|c| !c.is_whitespace()).count();
        let sent: usize = xml.chars().filter(|c| !c.is_whitespace()).count();
        prop_assert!(shown <= sent, "{:?} became {:?}", xml, pretty);
    }
}
