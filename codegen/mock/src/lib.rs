//! Mock platforms built on the generated crates, for each edition (DB4403/T 77—2024, the
//! default; DB4403/T 77—2020; T/CEC 102-2016): a city platform that keeps what operators push,
//! and an operator platform that answers the city's queries from a seeded data set. Both serve
//! every interface of their role with the full envelope (token, AES, HMAC-MD5), log each
//! exchange, and can call their peers.
//!
//! The mock logic is written once over JSON ([`city`], [`operator`]); each edition has a thin
//! [`edition::Adapter`] in [`editions`].

pub mod city;
pub mod config;
pub mod edition;
pub mod editions;
pub mod operator;

pub use edition::{Adapter, Edition};

use std::net::SocketAddr;

/// Logs to stderr; `RUST_LOG` overrides the default level (`info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Starts serving a router on `listen` with the default connection limits
/// (`chargespec_runtime::server::Limits`): the bound address (useful with port 0) and the task.
pub async fn serve(
    listen: SocketAddr,
    router: chargespec_runtime::axum::Router,
) -> Result<(SocketAddr, chargespec_runtime::tokio::task::JoinHandle<()>), String> {
    let listener = chargespec_runtime::tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("no local address: {e}"))?;
    let task = chargespec_runtime::tokio::spawn(async move {
        let limits = chargespec_runtime::server::Limits::default();
        if let Err(e) = chargespec_runtime::server::serve(listener, router, limits).await {
            chargespec_runtime::tracing::error!(error = %e, "server stopped");
        }
    });
    Ok((addr, task))
}

/// What a mock binary was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The edition served.
    pub edition: Edition,
    /// The TOML configuration.
    pub config: std::path::PathBuf,
    /// The plaintext test profile.
    pub plaintext: bool,
    /// The demonstration calls to the configured peers after starting.
    pub demo: bool,
}

/// Reads the configuration for the edition and announces the plaintext test profile when it
/// is on.
fn configure(options: &Options) -> Result<config::Config, String> {
    let config = config::Config::load_for(options.edition, &options.config)?;
    if options.plaintext {
        chargespec_runtime::tracing::warn!("{PLAINTEXT_BANNER}");
    }
    Ok(config)
}

/// `mock-city`: serves the city role of the edition until stopped; with `demo`, first queries
/// every station of each peer that has a `url`, page by page.
pub async fn run_city(options: Options) -> Result<(), String> {
    with_adapter!(options.edition, A => city_of::<A>(&options).await)
}

async fn city_of<A: Adapter>(options: &Options) -> Result<(), String> {
    let config = configure(options)?;
    let endpoint = config.endpoint::<A>(options.plaintext)?;
    let base = endpoint.base_path().to_owned();
    let (addr, task) = serve(
        config.listen,
        A::city_router(city::CityMock::new(), endpoint),
    )
    .await?;
    chargespec_runtime::tracing::info!(
        "mock city platform {} ({}, role {}) listening on http://{addr}{base} ({} peers)",
        config.operator_id,
        A::NUMBER,
        A::CITY_ROLE,
        config.peers.len()
    );
    if options.demo {
        for peer in config.peers.iter().filter(|p| p.url.is_some()) {
            let client = config.client_of::<A>(peer)?;
            match operator::query_all_stations::<A>(&client, 10).await {
                Ok(stations) => {
                    chargespec_runtime::tracing::info!(peer = %peer.operator_id, stations = stations.len(), "all stations received");
                }
                Err(e) => {
                    chargespec_runtime::tracing::warn!(peer = %peer.operator_id, error = %e, "query failed");
                }
            }
        }
    }
    task.await.map_err(|e| e.to_string())
}

/// `mock-operator`: serves the operator role of the edition from a seeded data set until
/// stopped; with `demo`, first pushes the edition's demonstration pushes to each peer that has a
/// `url`.
pub async fn run_operator(options: Options) -> Result<(), String> {
    with_adapter!(options.edition, A => operator_of::<A>(&options).await)
}

async fn operator_of<A: Adapter>(options: &Options) -> Result<(), String> {
    let config = configure(options)?;
    let data = operator::DataSet::seeded_for(A::EDITION, config.stations)?;
    let endpoint = config.endpoint::<A>(options.plaintext)?;
    let base = endpoint.base_path().to_owned();
    let (addr, task) = serve(
        config.listen,
        A::operator_router(operator::OperatorMock::new(data), endpoint),
    )
    .await?;
    chargespec_runtime::tracing::info!(
        "mock operator platform {} ({}, role {}) listening on http://{addr}{base} ({} stations, {} peers)",
        config.operator_id,
        A::NUMBER,
        A::OPERATOR_ROLE,
        config.stations,
        config.peers.len()
    );
    if options.demo {
        for peer in config.peers.iter().filter(|p| p.url.is_some()) {
            let client = config.client_of::<A>(peer)?;
            if let Err(e) = operator::push_demo::<A>(&client).await {
                chargespec_runtime::tracing::warn!(peer = %peer.operator_id, error = %e, "push failed");
            }
        }
    }
    task.await.map_err(|e| e.to_string())
}

/// The exit of a mock's `main`: the error on stderr, prefixed with the program's name.
pub fn exit(program: &str, outcome: Result<(), String>) -> std::process::ExitCode {
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{program}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The warning printed when the plaintext test profile is on.
pub const PLAINTEXT_BANNER: &str = "PLAINTEXT TEST PROFILE ENABLED (--plaintext-test-profile): Data travels unencrypted and signatures are not checked. For testing tools only; never on a production link.";
