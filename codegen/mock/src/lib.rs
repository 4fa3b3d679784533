//! Mock platforms of DB4403/T 77—2024 built on the generated crate: a city platform that keeps
//! what operators push, and an operator platform that answers the city's queries from a seeded
//! data set. Both serve every interface of their role with the full envelope (token, AES,
//! HMAC-MD5), log each exchange, and can call their peers.

pub mod city;
pub mod config;
pub mod operator;

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

/// A configuration and the endpoint it describes: what both mocks do first. Announces the
/// plaintext test profile when it is on.
pub fn start(
    config_path: &std::path::Path,
    plaintext: bool,
) -> Result<(config::Config, db4403_77_2024::server::Endpoint), String> {
    let config = config::Config::load(config_path)?;
    if plaintext {
        chargespec_runtime::tracing::warn!("{PLAINTEXT_BANNER}");
    }
    let endpoint = db4403_77_2024::server::Endpoint::new(
        config.operator_id.clone(),
        config.peers(),
        config.server(plaintext),
    );
    Ok((config, endpoint))
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
