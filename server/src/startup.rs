//! Builds the whole application: database, sessions, routes, background tasks.

use crate::config::Config;
use crate::security::{self, SESSION_COOKIE};
use app::app::{shell, App};
use app::db::{session_store::DbSessionStore, Db};
use app::services::{demo, AppState, Settings};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{middleware, Router};
use base64::Engine;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use rand::RngCore;
use secrecy::ExposeSecret;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tokio::task::JoinHandle;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{Key, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer};

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
}

pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    pub server: JoinHandle<()>,
    pub seeded_demo: bool,
}

/// Creates the SQLite file's folder when needed, connects and migrates.
pub async fn open_database(config: &Config) -> Result<Db, StartError> {
    if let Some(path) = config.database_url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or("");
        if let Some(parent) = Path::new(file)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)?;
        }
    }
    let db = Db::connect(&config.database_url, 10).await?;
    db.migrate().await?;
    Ok(db)
}

/// The cookie-signing key: configured, or generated once and kept in the data folder.
fn session_key(config: &Config) -> Result<Key, StartError> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let bytes = match &config.session_key {
        Some(secret) => b64
            .decode(secret.expose_secret().trim())
            .map_err(|e| StartError::SessionKey(e.to_string()))?,
        None => {
            let file = config.data_dir.join("session-secret");
            match std::fs::read_to_string(&file) {
                Ok(s) => b64
                    .decode(s.trim())
                    .map_err(|e| StartError::SessionKey(format!("{}: {e}", file.display())))?,
                Err(_) => {
                    let mut fresh = vec![0u8; 64];
                    rand::thread_rng().fill_bytes(&mut fresh);
                    std::fs::create_dir_all(&config.data_dir)?;
                    write_private(&file, &b64.encode(&fresh))?;
                    fresh
                }
            }
        }
    };
    Key::try_from(bytes.as_slice()).map_err(|e| StartError::SessionKey(e.to_string()))
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
        trust_forwarded_for: config.trust_forwarded_for,
        ..Settings::default()
    }
}

pub fn router(
    state: AppState,
    leptos_options: LeptosOptions,
    key: Key,
    secure_cookies: bool,
) -> Router {
    let routes = generate_route_list(App);
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
    let shell_options = leptos_options.clone();
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(
            &leptos_options,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(shell_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .layer(middleware::from_fn_with_state(state, security::guard_pages))
        .layer(sessions)
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(security::header_layers())
        .layer(TraceLayer::new_for_http())
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(leptos_options)
}

/// Starts everything; `addr` may use port 0 (tests).
pub async fn start(
    config: &Config,
    mut leptos_options: LeptosOptions,
    addr: SocketAddr,
) -> Result<Running, StartError> {
    let db = open_database(config).await?;
    let seeded_demo = if config.demo_data {
        demo::seed_if_empty(&db)
            .await
            .map_err(|e| StartError::Demo(e.to_string()))?
    } else {
        false
    };
    let state = AppState::new(db, settings(config));
    let key = session_key(config)?;

    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    leptos_options.site_addr = addr;
    let app = router(state.clone(), leptos_options, key, config.secure_cookies);
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
    Ok(Running {
        addr,
        state,
        server,
        seeded_demo,
    })
}

fn spawn_session_sweeper(state: AppState) {
    let store = DbSessionStore::new(state.db.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
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
