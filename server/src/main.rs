use app::services::demo::DEMO_LOGINS;
use clap::{Parser, Subcommand};
use leptos::prelude::get_configuration;
use server::config::Config;
use server::startup;
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "server",
    about = "wxa-console: run mini programs for a WeChat third-party platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console (the default).
    Serve,
    /// Run the WeChat simulator alone (for a console in real mode pointed at it:
    /// WXA_WECHAT_API_BASE=http://<this address>).
    Simulate,
    /// Apply database migrations and exit.
    Migrate,
    /// Create an admin user (the password is read from WXA_ADMIN_PASSWORD or standard input).
    CreateAdmin {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "Administrator")]
        display_name: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    // First, before anything on any thread has touched SQLite.
    let sqlite_allocator = server::sqlite_alloc::use_mimalloc_for_sqlite();
    tracing_subscriber::fmt()
        // Colours only on a terminal: logs written to files are read with grep.
        .with_ansi(std::io::stdout().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_env("WXA_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    if let Err(code) = sqlite_allocator {
        tracing::warn!(code, "SQLite keeps its own allocator");
    }
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Simulate => simulate(&config).await,
        Command::Migrate => startup::open_database(&config)
            .await
            .map(|_| println!("migrations applied"))
            .map_err(|e| e.to_string()),
        Command::CreateAdmin {
            username,
            display_name,
        } => create_admin(&config, &username, &display_name).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let leptos = get_configuration(None).map_err(|e| e.to_string())?;
    let addr = config.listen.unwrap_or(leptos.leptos_options.site_addr);
    let running = startup::start(&config, leptos.leptos_options, addr)
        .await
        .map_err(|e| e.to_string())?;
    println!("wxa-console listening on http://{}", running.addr);
    if let Some(sim) = running.simulator {
        println!("WeChat simulator on http://{sim} (control API: http://{sim}/__sim/state)");
    }
    if config.demo_data {
        println!(
            "{}",
            if running.seeded_demo {
                "Demo data created. Logins:"
            } else {
                "Demo logins:"
            }
        );
        for l in &DEMO_LOGINS {
            println!(
                "  {:<10} password {:<22} ({})",
                l.username,
                l.password,
                l.role.as_str()
            );
        }
    }
    running.server.await.map_err(|e| e.to_string())
}

async fn simulate(config: &Config) -> Result<(), String> {
    let mut sim_config = startup::simulator_config(config);
    // A console in real mode names the platform; the simulator plays that platform.
    if let Some(p) = &config.platform {
        use secrecy::ExposeSecret;
        sim_config.component_appid = p.component_appid.clone();
        sim_config.component_secret = p.component_secret.expose_secret().to_owned();
        sim_config.message_token = p.message_token.expose_secret().to_owned();
        sim_config.encoding_aes_key = p.encoding_aes_key.expose_secret().to_owned();
    }
    std::fs::create_dir_all(&config.data_dir).map_err(|e| e.to_string())?;
    let sim = wechat::simulator::Sim::new(sim_config.clone()).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.simulator.listen)
        .await
        .map_err(|e| format!("{}: {e}", config.simulator.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let callback = std::env::var("WXA_SIMULATOR_CALLBACK_URL").unwrap_or_else(|_| {
        format!(
            "{}{}",
            config.public_url.trim_end_matches('/'),
            config.callback_path
        )
    });
    sim.set_targets(wechat::simulator::Targets {
        component_url: Some(callback.clone()),
        message_url: Some(format!("{callback}/$APPID$")),
    });
    println!("WeChat simulator listening on http://{addr}");
    println!("  component appid  {}", sim_config.component_appid);
    println!("  pushes go to     {callback} (and {callback}/$APPID$)");
    println!("  control API      http://{addr}/__sim/state");
    sim.serve(listener).await.map_err(|e| e.to_string())
}

async fn create_admin(config: &Config, username: &str, display_name: &str) -> Result<(), String> {
    let password = match std::env::var("WXA_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            if std::io::stdin().is_terminal() {
                eprint!("Password for {username}: ");
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let db = startup::open_database(config)
        .await
        .map_err(|e| e.to_string())?;
    match app::services::users::create_admin_from_cli(&db, username, display_name, &password).await
    {
        Ok(id) => {
            println!("admin `{username}` created (id {id})");
            Ok(())
        }
        Err(app::error::AppError::Invalid(errors)) => {
            let t = app::i18n::Locale::En.texts();
            let msg: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field, t.problem(&e.problem)))
                .collect();
            Err(msg.join("; "))
        }
        Err(e) => Err(e.to_string()),
    }
}
