//! The commit form: template, version, ext_json as structured fields with a raw JSON view
//! and the merge preview, checked as you type with the rules the server runs.

use super::op::{Op, OpAction};
use crate::components::field::{field_messages, show_messages};
use crate::domain::release::commit::{check_commit, CommitForm};
use crate::domain::release::ext_json::{ExtJson, JsonObject, TabBar, TabBarItem};
use crate::domain::release::merge::effective_app_json;
use crate::domain::release::state::Action as ReleaseAction;
use crate::domain::release::view::{ReleaseView, TemplateOption};
use crate::domain::release::Violation;
use crate::error::AppError;
use crate::i18n::use_texts;
use leptos::prelude::*;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::components::text::none_if_blank;

fn pretty(ext: &ExtJson) -> String {
    if *ext == ExtJson::default() {
        return String::new();
    }
    serde_json::to_string_pretty(ext).unwrap_or_default()
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The app.json key that lists the mini programs `navigateToMiniProgram` may open (85087).
const NAVIGATE_KEY: &str = "navigateToMiniProgramAppIdList";
const PLUGINS_KEY: &str = "plugins";

/// A list of strings kept among ext_json's other keys, one per line.
fn string_list(ext: &ExtJson, key: &str) -> String {
    match ext.other.get(key) {
        Some(Value::Array(items)) => items.iter().map(value_text).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

/// Sets (or, empty, removes) one of ext_json's other keys.
fn set_other(ext: &mut ExtJson, key: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            ext.other.insert(key.to_owned(), v);
        }
        None => {
            ext.other.remove(key);
        }
    }
}

#[component]
pub fn CommitPanel(
    view: ReleaseView,
    templates: Vec<TemplateOption>,
    act: OpAction,
    last_error: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let appid = view.appid.clone();
    let template = RwSignal::new(
        view.development
            .as_ref()
            .map(|d| d.template_id.to_string())
            .or_else(|| templates.first().map(|t| t.template_id.to_string()))
            .unwrap_or_default(),
    );
    let user_version = RwSignal::new(String::new());
    let user_desc = RwSignal::new(String::new());
    let raw = RwSignal::new(
        view.development
            .as_ref()
            .and_then(|d| ExtJson::parse(&d.ext_json).ok())
            .map(|e| pretty(&e))
            .unwrap_or_default(),
    );
    let parsed = Memo::new(move |_| {
        let text = raw.get();
        if text.trim().is_empty() {
            Some(ExtJson::default())
        } else {
            ExtJson::parse(&text).ok()
        }
    });
    let edit = move |f: &dyn Fn(&mut ExtJson)| {
        if let Some(mut ext) = parsed.get_untracked() {
            f(&mut ext);
            raw.set(pretty(&ext));
        }
    };
    let ids: Vec<i64> = templates.iter().map(|t| t.template_id).collect();
    let bases: BTreeMap<i64, JsonObject> = templates
        .iter()
        .map(|t| (t.template_id, t.app_json.clone()))
        .collect();
    let bases_for_check = bases.clone();
    let form = move || CommitForm {
        template_id: template.get().trim().parse().ok(),
        ext_json: raw.get(),
        user_version: user_version.get(),
        user_desc: user_desc.get(),
    };
    let touched = RwSignal::new(false);
    let plugins_invalid = RwSignal::new(false);
    let violations = Memo::new(move |_| {
        let f = form();
        let base = f
            .template_id
            .and_then(|id| bases_for_check.get(&id))
            .filter(|b| b.contains_key("pages"));
        let mut v = check_commit(&f, Some(&ids), base).err().unwrap_or_default();
        if !touched.get() {
            // Before the first edit, only say what is wrong with what is there.
            v.retain(|x| x.field != "user_version");
        }
        v
    });
    let preview = move || {
        let base = template
            .get()
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|id| bases.get(&id).cloned())
            .unwrap_or_default();
        parsed.get().map(|ext| {
            serde_json::to_string_pretty(&effective_app_json(&base, &ext)).unwrap_or_default()
        })
    };
    let msgs = move |field: &'static str| {
        let local: Vec<Violation> = violations.get();
        let server = last_error.get();
        show_messages(
            format!("error-{field}"),
            field_messages(t, &local, server.as_ref(), field, None),
        )
    };
    // Structured views of the parsed ext_json.
    let ext_rows = move || -> Vec<(String, String)> {
        parsed
            .get()
            .and_then(|e| e.ext)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), value_text(v))).collect())
            .unwrap_or_default()
    };
    let tab_rows = move || -> Vec<(String, String)> {
        parsed
            .get()
            .and_then(|e| e.tab_bar)
            .and_then(|tb| tb.list)
            .map(|l| {
                l.iter()
                    .map(|i| {
                        (
                            i.page_path.clone().unwrap_or_default(),
                            i.text.clone().unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let set_ext = move |rows: Vec<(String, String)>| {
        edit(&|e: &mut ExtJson| {
            let map: JsonObject = rows
                .iter()
                .filter(|(k, _)| !k.trim().is_empty())
                .map(|(k, v)| (k.trim().to_string(), Value::String(v.clone())))
                .collect();
            e.ext = (!rows.is_empty()).then_some(map);
        })
    };
    let set_tabs = move |rows: Vec<(String, String)>| {
        edit(&|e: &mut ExtJson| {
            let list: Vec<TabBarItem> = rows
                .iter()
                .map(|(p, text)| TabBarItem {
                    page_path: Some(p.clone()),
                    text: none_if_blank(text.clone()),
                    ..Default::default()
                })
                .collect();
            let mut tb = e.tab_bar.clone().unwrap_or_default();
            tb.list = (!list.is_empty()).then_some(list);
            e.tab_bar = (tb != TabBar::default()).then_some(tb);
        })
    };
    let window_field = move |key: &'static str| {
        move || {
            parsed
                .get()
                .and_then(|e| e.window)
                .and_then(|w| w.get(key).map(value_text))
                .unwrap_or_default()
        }
    };
    let set_window = move |key: &'static str, value: String| {
        edit(&|e: &mut ExtJson| {
            let mut w = e.window.clone().unwrap_or_default();
            match none_if_blank(value.clone()) {
                Some(v) => {
                    w.insert(key.to_string(), Value::String(v));
                }
                None => {
                    w.remove(key);
                }
            }
            e.window = (!w.is_empty()).then_some(w);
        })
    };
    let ext_pages_text = RwSignal::new(
        parsed
            .get_untracked()
            .and_then(|e| e.ext_pages)
            .map(|p| serde_json::to_string_pretty(&p).unwrap_or_default())
            .unwrap_or_default(),
    );
    let ext_pages_bad = RwSignal::new(false);
    let commit_allowed = view.check(ReleaseAction::Commit).is_ok();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if !violations.get_untracked().is_empty() {
            return;
        }
        act.dispatch((appid.clone(), Op::Commit(form())));
    };
    view! {
        <section class="panel" data-testid="commit-panel">
            <h2>{r.commit_title}</h2>
            <form on:submit=submit data-testid="commit-form" class="release-form">
                <label>{r.template}
                    <select data-testid="commit-template" prop:value=move || template.get()
                        on:change=move |ev| template.set(event_target_value(&ev))>
                        <option value="">{r.choose_template}</option>
                        {templates.iter().map(|tpl| view! {
                            <option value=tpl.template_id.to_string()>
                                {format!("#{} {} · {}", tpl.template_id, tpl.user_version, tpl.user_desc)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                {move || msgs("template_id")}
                <label>{r.user_version}
                    <input type="text" maxlength="80" data-testid="commit-version" prop:value=move || user_version.get()
                        on:input=move |ev| { touched.set(true); user_version.set(event_target_value(&ev)); } />
                </label>
                {move || msgs("user_version")}
                <label>{r.user_desc}
                    <input type="text" data-testid="commit-desc" prop:value=move || user_desc.get()
                        on:input=move |ev| user_desc.set(event_target_value(&ev)) />
                </label>
                <fieldset class="ext-json" data-testid="ext-json-editor">
                    <legend>{r.ext_json}</legend>
                    {move || parsed.get().is_none().then(|| view! {
                        <p class="notice" data-testid="ext-raw-invalid">{r.raw_invalid}</p>
                    })}
                    <label>{r.ext_appid}
                        <input type="text" data-testid="ext-appid"
                            prop:value=move || parsed.get().and_then(|e| e.ext_appid).unwrap_or_default()
                            on:input=move |ev| {
                                let v = event_target_value(&ev);
                                edit(&|e: &mut ExtJson| e.ext_appid = none_if_blank(v.clone()));
                            } />
                    </label>
                    <div class="kv" data-testid="ext-fields">
                        <span>{r.ext_fields}</span>
                        {move || ext_rows().into_iter().enumerate().map(|(i, (k, v))| view! {
                            <div class="kv-row">
                                <input type="text" placeholder=r.key data-testid=format!("ext-key-{i}") prop:value=k
                                    on:change=move |ev| {
                                        let mut rows = ext_rows();
                                        if let Some(row) = rows.get_mut(i) { row.0 = event_target_value(&ev); }
                                        set_ext(rows);
                                    } />
                                <input type="text" placeholder=r.value data-testid=format!("ext-value-{i}") prop:value=v
                                    on:change=move |ev| {
                                        let mut rows = ext_rows();
                                        if let Some(row) = rows.get_mut(i) { row.1 = event_target_value(&ev); }
                                        set_ext(rows);
                                    } />
                                <button type="button" on:click=move |_| {
                                    let mut rows = ext_rows();
                                    if i < rows.len() { rows.remove(i); }
                                    set_ext(rows);
                                }>{r.remove}</button>
                            </div>
                        }).collect_view()}
                        <button type="button" data-testid="ext-add" on:click=move |_| {
                            let mut rows = ext_rows();
                            rows.push((format!("key{}", rows.len() + 1), String::new()));
                            set_ext(rows);
                        }>{r.add}</button>
                    </div>
                    {move || msgs("ext_json.ext")}
                    <label>{r.pages}" ("{r.pages_hint}")"
                        <textarea rows="3" data-testid="ext-pages"
                            prop:value=move || parsed.get().and_then(|e| e.pages).map(|p| p.join("\n")).unwrap_or_default()
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                let lines: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
                                let empty_list = text.trim() == "[]";
                                edit(&|e: &mut ExtJson| {
                                    e.pages = if empty_list { Some(Vec::new()) } else { (!lines.is_empty()).then(|| lines.clone()) };
                                });
                            }></textarea>
                    </label>
                    {move || msgs("ext_json.pages")}
                    <label>{r.navigate_appids}" ("{r.navigate_appids_hint}")"
                        <textarea rows="2" data-testid="ext-navigate-appids"
                            prop:value=move || parsed.get().map(|e| string_list(&e, NAVIGATE_KEY)).unwrap_or_default()
                            on:change=move |ev| {
                                let ids: Vec<Value> = event_target_value(&ev)
                                    .lines()
                                    .map(str::trim)
                                    .filter(|l| !l.is_empty())
                                    .map(|l| Value::String(l.to_owned()))
                                    .collect();
                                edit(&|e: &mut ExtJson| {
                                    set_other(e, NAVIGATE_KEY, (!ids.is_empty()).then(|| Value::Array(ids.clone())));
                                });
                            }></textarea>
                    </label>
                    {move || msgs("ext_json.navigateToMiniProgramAppIdList")}
                    <label>{r.plugins}" ("{r.plugins_hint}")"
                        <textarea rows="3" class="code" data-testid="ext-plugins"
                            prop:value=move || parsed.get().and_then(|e| e.other.get(PLUGINS_KEY).map(|p| serde_json::to_string_pretty(p).unwrap_or_default())).unwrap_or_default()
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                match serde_json::from_str::<Value>(&text) {
                                    Ok(Value::Object(plugins)) => {
                                        plugins_invalid.set(false);
                                        edit(&|e: &mut ExtJson| set_other(e, PLUGINS_KEY, Some(Value::Object(plugins.clone()))));
                                    }
                                    _ if text.trim().is_empty() => {
                                        plugins_invalid.set(false);
                                        edit(&|e: &mut ExtJson| set_other(e, PLUGINS_KEY, None));
                                    }
                                    _ => plugins_invalid.set(true),
                                }
                            }></textarea>
                    </label>
                    {move || plugins_invalid.get().then(|| view! {
                        <p class="field-error" data-testid="error-ext-plugins">{t.problem(&crate::domain::validation::FieldProblem::InvalidJson)}</p>
                    })}
                    {move || msgs("ext_json.plugins")}
                    <label>{r.window_title}
                        <input type="text" data-testid="ext-window-title" prop:value=window_field("navigationBarTitleText")
                            on:input=move |ev| set_window("navigationBarTitleText", event_target_value(&ev)) />
                    </label>
                    <label>{r.window_color}
                        <input type="text" data-testid="ext-window-color" prop:value=window_field("navigationBarBackgroundColor")
                            on:input=move |ev| set_window("navigationBarBackgroundColor", event_target_value(&ev)) />
                    </label>
                    {move || msgs("ext_json.window")}
                    <div class="kv" data-testid="ext-tabbar">
                        <span>{r.tab_bar}</span>
                        {move || tab_rows().into_iter().enumerate().map(|(i, (p, text))| {
                            let field = format!("ext_json.tabBar.list[{i}].pagePath");
                            view! {
                                <div class="kv-row">
                                    <input type="text" placeholder=r.tab_path data-testid=format!("tab-path-{i}") prop:value=p
                                        on:change=move |ev| {
                                            let mut rows = tab_rows();
                                            if let Some(row) = rows.get_mut(i) { row.0 = event_target_value(&ev); }
                                            set_tabs(rows);
                                        } />
                                    <input type="text" placeholder=r.tab_text data-testid=format!("tab-text-{i}") prop:value=text
                                        on:change=move |ev| {
                                            let mut rows = tab_rows();
                                            if let Some(row) = rows.get_mut(i) { row.1 = event_target_value(&ev); }
                                            set_tabs(rows);
                                        } />
                                    <button type="button" on:click=move |_| {
                                        let mut rows = tab_rows();
                                        if i < rows.len() { rows.remove(i); }
                                        set_tabs(rows);
                                    }>{r.remove}</button>
                                    {
                                        let local = violations.get();
                                        show_messages(format!("error-tab-{i}"), field_messages(t, &local, None, &field, None))
                                    }
                                </div>
                            }
                        }).collect_view()}
                        <button type="button" data-testid="tab-add" on:click=move |_| {
                            let mut rows = tab_rows();
                            rows.push((String::new(), String::new()));
                            set_tabs(rows);
                        }>{r.add}</button>
                    </div>
                    {move || msgs("ext_json.tabBar")}
                    <label>{r.ext_pages}
                        <textarea rows="3" data-testid="ext-extpages" prop:value=move || ext_pages_text.get()
                            on:change=move |ev| {
                                let text = event_target_value(&ev);
                                ext_pages_text.set(text.clone());
                                if text.trim().is_empty() {
                                    ext_pages_bad.set(false);
                                    edit(&|e: &mut ExtJson| e.ext_pages = None);
                                } else {
                                    match serde_json::from_str::<BTreeMap<String, JsonObject>>(&text) {
                                        Ok(pages) => {
                                            ext_pages_bad.set(false);
                                            edit(&|e: &mut ExtJson| e.ext_pages = Some(pages.clone()));
                                        }
                                        Err(_) => ext_pages_bad.set(true),
                                    }
                                }
                            }></textarea>
                    </label>
                    {move || ext_pages_bad.get().then(|| view! {
                        <p class="field-error" data-testid="error-extpages-json">{t.problem(&crate::domain::validation::FieldProblem::InvalidConfig)}{(t.paren)(&format!("{} 85013", r.errcode))}</p>
                    })}
                    {move || {
                        let local = violations.get();
                        let msgs: Vec<String> = local.iter()
                            .filter(|v| v.field.starts_with("ext_json.extPages."))
                            .map(|v| format!("{}: {}", v.field.trim_start_matches("ext_json.extPages."), crate::components::field::violation_text(t, v)))
                            .collect();
                        show_messages("error-ext_json.extPages".into(), msgs)
                    }}
                    <details open>
                        <summary>{r.raw_json}</summary>
                        <textarea rows="10" class="code" data-testid="ext-raw" prop:value=move || raw.get()
                            on:input=move |ev| {
                                let text = event_target_value(&ev);
                                raw.set(text.clone());
                                if let Ok(e) = ExtJson::parse(&text) {
                                    ext_pages_text.set(e.ext_pages.map(|p| serde_json::to_string_pretty(&p).unwrap_or_default()).unwrap_or_default());
                                }
                            }></textarea>
                    </details>
                    {move || msgs("ext_json")}
                </fieldset>
                <div class="merge-preview">
                    <h3>{r.merge_preview}</h3>
                    <p class="muted">{r.merge_note}</p>
                    <pre data-testid="merge-preview">{preview}</pre>
                </div>
                <button type="submit" data-testid="commit-submit" disabled=!commit_allowed>{r.action_commit}</button>
            </form>
        </section>
    }
}
