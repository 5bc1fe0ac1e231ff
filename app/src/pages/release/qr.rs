//! The experience version's QR code, optionally opening a page.

use crate::i18n::use_texts;
use leptos::prelude::*;

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn QrPanel(appid: Signal<String>, version: RwSignal<usize>) -> impl IntoView {
    let t = use_texts();
    let r = t.release;
    let path = RwSignal::new(String::new());
    let shown = RwSignal::new(String::new());
    let src = move || {
        let p = shown.get();
        let query = if p.is_empty() {
            String::new()
        } else {
            format!("path={}&", encode(&p))
        };
        format!(
            "/apps/{}/release/qrcode.jpg?{query}v={}",
            appid.get(),
            version.get()
        )
    };
    view! {
        <section class="panel" data-testid="qrcode-panel">
            <h2>{r.qrcode}</h2>
            <label>{r.qrcode_path}" "
                <input type="text" data-testid="qrcode-path" prop:value=move || path.get()
                    on:input=move |ev| path.set(event_target_value(&ev)) />
            </label>
            <button type="button" data-testid="qrcode-show"
                on:click=move |_| shown.set(path.get_untracked().trim().to_string())>
                {r.show_qrcode}
            </button>
            <div>
                <img data-testid="qrcode-img" alt=r.qrcode width="200" height="200" src=src />
            </div>
            <a data-testid="qrcode-download" href=move || format!("{}&download=1", src())>{r.download}</a>
            // Who can open the experience version: administrators and the testers bound on the
            // testers page.
            <p class="hint" data-testid="qrcode-who-can-scan">{t.testers.who_can_scan}" "
                <a href=move || format!("/apps/{}/testers", appid.get()) data-testid="qrcode-testers-link">{t.testers.manage}</a>
            </p>
        </section>
    }
}
