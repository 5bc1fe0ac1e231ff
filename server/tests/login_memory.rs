//! Memory under a burst of sign-ins (issue 10): each password hash takes 19 MiB, so a burst
//! must neither grow the process without bound nor leave it large afterwards. A test binary
//! of its own, so no other test's allocations share the process.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use helpers::*;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// While at most one hash per CPU runs, 200 parallel logins add at most this much.
const PEAK_GROWTH_MIB: u64 = 256;
/// After the burst, what stays.
const SETTLED_GROWTH_MIB: u64 = 96;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_parallel_logins_leave_memory_bounded() {
    if !std::path::Path::new("/proc/self/status").exists() {
        return;
    }
    let app = spawn_app_with(&[("WXA_TRUST_FORWARDED_FOR", "true")]).await;
    // Warm up: one login of each kind, so lazily built things are counted in the baseline.
    let _ = app.login(&client(), ("nobody", "x")).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let baseline = rss_kib();
    let peak = Arc::new(AtomicU64::new(baseline));
    let sampling = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    };
    let mut tasks = Vec::new();
    for i in 0..200 {
        let url = app.url("/api/auth/login");
        tasks.push(tokio::spawn(async move {
            client()
                .post(url)
                .header(
                    "x-forwarded-for",
                    format!("10.8.{}.{}", i / 250, i % 250 + 1),
                )
                .form(&[("username", format!("ghost-{i}")), ("password", "x".into())])
                .send()
                .await
                .map(|r| r.status().as_u16())
                .unwrap_or(0)
        }));
    }
    for t in tasks {
        let status = t.await.unwrap();
        assert!(status == 401 || status == 503, "status {status}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    sampling.abort();
    let peak = peak.load(Ordering::Relaxed);
    let settled = rss_kib();
    let mib = |k: u64| k.saturating_sub(baseline) / 1024;
    println!(
        "baseline {} MiB, peak +{} MiB, settled +{} MiB",
        baseline / 1024,
        mib(peak),
        mib(settled)
    );
    assert!(mib(peak) <= PEAK_GROWTH_MIB, "peak grew {} MiB", mib(peak));
    assert!(
        mib(settled) <= SETTLED_GROWTH_MIB,
        "{} MiB stayed after the burst",
        mib(settled)
    );
}
