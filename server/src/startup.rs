//! Builds the whole application: database, sessions, routes, background tasks.

use crate::bell;
use crate::config::Config;
use crate::exports;
use crate::security::{self, SESSION_COOKIE};
use crate::wechat_routes;
use app::app::{shell, App};
use app::db::{session_store::DbSessionStore, Db, DbKind};
use app::services::platform::Platform;
use app::services::secrets::SecretBox;
use app::services::tokens::{ComponentCredentials, TokenCenter};
use app::services::{demo, AppState, Settings};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{middleware, Router};
use base64::Engine;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use rand::RngCore;
use secrecy::ExposeSecret;
use secrecy::SecretString;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};
use wechat::crypto::MsgCrypt;
use wechat::simulator::{Sim, SimConfig, SimControl, Targets};
use wechat::Client;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("demo data: {0}")]
    Demo(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("session secret: {0}")]
    SessionKey(String),
    #[error("secret key: {0}")]
    SecretKey(String),
    #[error("{0}")]
    Simulator(#[from] wechat::simulator::SimStartError),
    #[error("callback crypto: {0}")]
    Crypto(#[from] wechat::crypto::CryptoError),
}

pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    pub server: JoinHandle<()>,
    pub seeded_demo: bool,
    /// The built-in simulator's address (embedded default).
    pub simulator: Option<SocketAddr>,
}

/// Creates the SQLite file's folder when needed, connects and migrates. The folder is
/// 0700 and the file 0600 (its -wal and -shm files take the file's mode): the database
/// holds sealed secrets, sessions and the audit log, and is nobody else's to read.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if let Some(path) = config.database_url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or("");
        if let Some(parent) = Path::new(file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            private_dir(parent)?;
        }
        if !file.is_empty() && file != ":memory:" {
            private_file(Path::new(file))?;
        }
    }
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    Ok(db)
}

/// A base64 secret: configured, or generated once and kept in the data folder.
fn load_or_generate(
    configured: Option<&secrecy::SecretString>,
    file: &Path,
    len: usize,
) -> Result<Vec<u8>, String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    match configured {
        Some(secret) => b64
            .decode(secret.expose_secret().trim())
            .map_err(|e| e.to_string()),
        None => match std::fs::read_to_string(file) {
            Ok(s) => b64
                .decode(s.trim())
                .map_err(|e| format!("{}: {e}", file.display())),
            Err(_) => {
                let mut fresh = vec![0u8; len];
                rand::thread_rng().fill_bytes(&mut fresh);
                if let Some(dir) = file.parent() {
                    private_dir(dir).map_err(|e| e.to_string())?;
                }
                write_private(file, &b64.encode(&fresh)).map_err(|e| e.to_string())?;
                Ok(fresh)
            }
        },
    }
}

/// The cookie-signing key: configured, or generated once and kept in the data folder.
fn session_key(config: &Config) -> Result<Key, StartError> {
    let bytes = load_or_generate(
        config.session_key.as_ref(),
        &config.data_dir.join("session-secret"),
        64,
    )
    .map_err(StartError::SessionKey)?;
    Key::try_from(bytes.as_slice()).map_err(|e| StartError::SessionKey(e.to_string()))
}

/// The key that encrypts refresh tokens at rest.
fn secret_box(config: &Config) -> Result<SecretBox, StartError> {
    let bytes = load_or_generate(
        config.secret_key.as_ref(),
        &config.data_dir.join("secret-key"),
        32,
    )
    .map_err(StartError::SecretKey)?;
    SecretBox::new(&bytes).map_err(|e| StartError::SecretKey(e.to_string()))
}

/// Creates `dir` (and its parents) if needed and leaves it readable by this user only.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates `file` empty if it does not exist, and leaves it readable by this user only.
fn private_file(file: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        options.open(file)?;
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    options.open(file)?;
    Ok(())
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

pub fn settings(config: &Config) -> Settings {
    Settings {
        session_absolute_secs: config.session_absolute_hours * 3600,
        session_idle_secs: config.session_idle_minutes * 60,
        session_activity_secs: config.session_activity_secs,
        trust_forwarded_for: config.trust_forwarded_for,
        public_url: config.public_url.clone(),
        media_private_hosts: config.media_allow_private,
        ..Settings::default()
    }
}

pub fn router(
    state: AppState,
    leptos_options: LeptosOptions,
    key: Key,
    secure_cookies: bool,
    callback_path: &str,
) -> Router {
    // The template pages are answered by their own routes (template_pages), not Leptos'.
    let routes: Vec<_> = generate_route_list(App)
        .into_iter()
        .filter(|route| !app::app::TEMPLATE_PAGES.contains(&route.path()))
        .collect();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(
            state.settings.session_idle_secs,
        )))
        .with_signed(key);
    let context_state = state.clone();
    let wechat = wechat_routes::routes(state.clone(), callback_path);
    let release = crate::release_routes::routes(state.clone());
    let shell_options = leptos_options.clone();
    let bundle = app::components::bundle::Bundle::of_site(&leptos_options);
    let error_bundle = bundle.clone();
    let bundle_for_templates = bundle.clone();
    let pages = Router::new()
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone(), bundle.clone()),
        )
        .merge(crate::template_pages::routes(
            state.clone(),
            bundle_for_templates,
        ))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            bell::count_unread_for_pages,
        ));
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .merge(wechat)
        .merge(release)
        .merge(exports::routes(state.clone()))
        .merge(pages)
        .fallback(crate::assets::fallback(move |options| {
            shell(options, error_bundle.clone())
        }))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::guard_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::record_refusals,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state,
            security::refuse_cross_site,
        ))
        .layer(middleware::from_fn(security::no_store_by_default))
        .layer(security::header_layers())
        .layer(compression())
        .layer(TraceLayer::new_for_http().make_span_with(
            // The path only: query strings may carry auth codes or signatures.
            |req: &axum::http::Request<axum::body::Body>| {
                tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
            },
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(leptos_options)
}

/// Pages, server functions and exports, compressed for clients that accept it. Quality 4: the
/// default brotli level (11) costs more CPU than the page took to render. Precompressed files
/// already carry their encoding and pass through.
fn compression() -> CompressionLayer {
    CompressionLayer::new().quality(CompressionLevel::Precise(4))
}

/// Starts everything; `addr` may use port 0 (tests).
pub async fn start(
    config: &Config,
    mut leptos_options: LeptosOptions,
    addr: SocketAddr,
) -> Result<Running, StartError> {
    private_dir(&config.data_dir)?;
    let db = open_database(config).await?;
    let seeding = if config.demo_data {
        demo::seed_accounts(&db)
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?
    } else {
        false
    };
    let key = session_key(config)?;
    let secrets = secret_box(config)?;

    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    leptos_options.site_addr = addr;
    let leptos_options = crate::assets::with_site_hashes(leptos_options);

    let wiring = wechat_side(config, addr).await?;
    let owner = instance_id();
    let platform = Arc::new(Platform {
        component_appid: wiring.component_appid.clone(),
        client: wiring.client.clone(),
        tokens: Arc::new(TokenCenter::new(
            db.clone(),
            wiring.client.clone(),
            ComponentCredentials {
                component_appid: wiring.component_appid.clone(),
                component_secret: wiring.component_secret,
            },
            secrets,
            owner.clone(),
        )),
        crypt: MsgCrypt::new(
            wiring.message_token.expose_secret(),
            wiring.encoding_aes_key.expose_secret(),
            wiring.component_appid,
        )?,
        auth_page: wiring.auth_page,
        public_url: config.public_url.clone(),
        simulator_control: wiring.simulator.map(|a| format!("http://{a}/__sim")),
    });
    let state = AppState::new(db, settings(config)).with_platform(platform.clone());
    let app = router(
        state.clone(),
        leptos_options,
        key,
        config.secure_cookies,
        &config.callback_path,
    );
    // Without TCP_NODELAY every static file stalls ~40 ms (Nagle + delayed ACK).
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = tokio::spawn(async move {
        let service = app.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(e) = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown_signal())
            .await
        {
            tracing::error!(error = %e, "server stopped");
        }
    });
    spawn_session_sweeper(state.clone());
    spawn_count_folder(state.clone());
    spawn_platform_worker(state.clone(), platform.clone(), config.token_worker_secs);
    spawn_rollout_worker(
        state.clone(),
        owner,
        config.rollout_tick_ms,
        config.rollout_lease_secs,
    );
    let seeded_demo = match (&platform.simulator_control, config.demo_data) {
        (Some(control), true) => demo::seed_mini_programs(&state, &SimControl::new(control))
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?,
        _ => false,
    };
    Ok(Running {
        addr,
        state,
        server,
        seeded_demo: seeded_demo || seeding,
        simulator: wiring.simulator,
    })
}

/// What the console needs to talk to WeChat, from the configuration or from
/// the built-in simulator it starts on its own loopback port.
struct WechatWiring {
    client: Client,
    component_appid: String,
    component_secret: SecretString,
    message_token: SecretString,
    encoding_aes_key: SecretString,
    auth_page: String,
    simulator: Option<SocketAddr>,
}

async fn wechat_side(config: &Config, console: SocketAddr) -> Result<WechatWiring, StartError> {
    if let Some(p) = &config.platform {
        let base = p.api_base.trim_end_matches('/').to_owned();
        // Pointed at a standalone simulator, its authorization page stands in for WeChat's.
        let auth_page = if base == wechat::REAL_API_BASE {
            wechat::api::component::REAL_AUTH_PAGE.to_owned()
        } else {
            format!("{base}/cgi-bin/componentloginpage")
        };
        return Ok(WechatWiring {
            client: Client::with_timeout(base, wechat_timeout(config)),
            component_appid: p.component_appid.clone(),
            component_secret: p.component_secret.clone(),
            message_token: p.message_token.clone(),
            encoding_aes_key: p.encoding_aes_key.clone(),
            auth_page,
            simulator: None,
        });
    }
    let sim_config = simulator_config(config);
    let sim = Sim::new(sim_config.clone())?;
    let listener = tokio::net::TcpListener::bind(config.simulator.listen).await?;
    let sim_addr = listener.local_addr()?;
    let sim_base = format!("http://{sim_addr}");
    sim.set_public_base(sim_base.clone());
    let callback = format!("http://{console}{}", config.callback_path);
    sim.set_targets(Targets {
        component_url: Some(callback.clone()),
        message_url: Some(format!("{callback}/$APPID$")),
    });
    tokio::spawn(async move {
        if let Err(e) = sim.serve(listener).await {
            tracing::error!(error = %e, "simulator stopped");
        }
    });
    tracing::info!(address = %sim_addr, "WeChat simulator listening");
    Ok(WechatWiring {
        client: Client::with_timeout(sim_base.clone(), wechat_timeout(config)),
        component_appid: sim_config.component_appid,
        component_secret: SecretString::from(sim_config.component_secret),
        message_token: SecretString::from(sim_config.message_token),
        encoding_aes_key: SecretString::from(sim_config.encoding_aes_key),
        auth_page: format!("{sim_base}/cgi-bin/componentloginpage"),
        simulator: Some(sim_addr),
    })
}

fn wechat_timeout(config: &Config) -> Duration {
    Duration::from_secs(u64::try_from(config.wechat_timeout_secs.max(1)).unwrap_or(15))
}

/// The simulated platform, its state kept next to the database.
pub fn simulator_config(config: &Config) -> SimConfig {
    let s = &config.simulator;
    SimConfig {
        state_file: Some(config.data_dir.join("simulator.json")),
        ticket_interval: Duration::from_secs(s.ticket_interval_secs as u64),
        audit_delay: Duration::from_secs(s.audit_delay_secs as u64),
        push_retry_interval: Duration::from_secs(s.push_retry_secs as u64),
        audit_quota: usize::try_from(s.audit_quota).unwrap_or(1),
        call_log_limit: usize::try_from(s.call_log_limit).unwrap_or(100),
        ..SimConfig::demo()
    }
}

fn instance_id() -> String {
    let mut bytes = [0u8; 6];
    rand::thread_rng().fill_bytes(&mut bytes);
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "console".into());
    format!(
        "{host}-{}-{}",
        std::process::id(),
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

/// Refreshes tokens ahead of expiry, on every instance (the lease keeps it to
/// one refresh), and processes pushes a stopped process left unprocessed.
fn spawn_platform_worker(state: AppState, platform: Arc<Platform>, every_secs: i64) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(every_secs.max(1) as u64));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let refreshed = platform.tokens.refresh_due().await;
            if refreshed > 0 {
                tracing::info!(refreshed, "token worker refreshed tokens");
            }
            // Audits still with the reviewers: pushes get lost, polling finds every result.
            let polled =
                app::services::audit_tracking::poll_due(&state, platform.tokens.instance()).await;
            if polled > 0 {
                tracing::debug!(polled, "audit poller asked WeChat");
            }
            let recovered = app::services::callbacks::process_stuck(&state).await;
            if recovered > 0 {
                tracing::info!(recovered, "processed pushes left over by a stopped process");
            }
            let widgets = app::services::widgets::poll_due(&state).await;
            if widgets > 0 {
                tracing::debug!(widgets, "checked function widgets under review");
            }
        }
    });
}

/// Advances fleet rollouts, on every instance: each target is claimed with a lease under
/// the instance's id (the token center's), so instances share a rollout and one that dies
/// gives its targets back when their lease runs out.
fn spawn_rollout_worker(state: AppState, owner: String, tick_ms: i64, lease_secs: i64) {
    tokio::spawn(async move {
        let every = Duration::from_millis(u64::try_from(tick_ms.max(50)).unwrap_or(1000));
        let mut worker = app::services::rollouts::worker::Worker::new(owner, lease_secs);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // Keep going while targets are due, but come back to the timer at least every
            // few seconds so a long rollout does not starve the next tick's new work.
            let steps = worker.tick(&state, every.max(Duration::from_secs(5))).await;
            if steps > 0 {
                tracing::debug!(steps, "rollout worker advanced targets");
            }
        }
    });
}

fn spawn_session_sweeper(state: AppState) {
    let store = DbSessionStore::new(state.db.clone());
    spawn_every(
        Duration::from_secs(600),
        "could not delete expired sessions",
        move || {
            let store = store.clone();
            async move { store.delete_expired().await }
        },
    );
}

/// Folds the kept counts PostgreSQL appends to (db::kept_counts): the fleet's per release state
/// and the audit log's per merchant. SQLite keeps one row per key already, so nothing is
/// spawned there.
fn spawn_count_folder(state: AppState) {
    if state.db.kind != DbKind::Postgres {
        return;
    }
    spawn_every(
        Duration::from_secs(60),
        "could not fold the kept counts",
        move || {
            let state = state.clone();
            async move { app::db::kept_counts::fold_all(&state.db).await }
        },
    );
}

/// Runs `task` now and then every `period` for the life of the process; a failure is logged
/// with `failure` and the next period tries again.
fn spawn_every<F, Fut, T, E>(period: Duration, failure: &'static str, task: F)
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, E>> + Send,
    E: std::fmt::Display,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        loop {
            tick.tick().await;
            if let Err(e) = task().await {
                tracing::warn!(error = %e, "{failure}");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
