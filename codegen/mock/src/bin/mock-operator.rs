//! `mock-operator`: the mock operator charging/swap service platform.

use std::path::PathBuf;
use std::process::ExitCode;

use chargespec_mock::config::EditionKeys;
use chargespec_mock::operator::{DataSet, OperatorMock, push_status_and_alarm};
use chargespec_mock::{exit, init_logging, serve, start};
use chargespec_runtime::tracing;
use clap::Parser;
use db4403_77_2024::client::city::CityClient;
use db4403_77_2024::server::operator;

/// Mock operator platform (DB4403/T 77—2024): answers the city's queries from a seeded data set,
/// pages through its stations, and logs each exchange.
#[derive(Parser, Debug)]
#[command(name = "mock-operator", version)]
struct Args {
    /// The TOML configuration (format in the README).
    #[arg(long, default_value = "codegen/mock/operator.toml")]
    config: PathBuf,
    /// Accept the plaintext test profile (`Data` is the payload itself, no signatures). Never on
    /// a production link.
    #[arg(long)]
    plaintext_test_profile: bool,
    /// After starting, push a connector status and an alarm to each peer that has a `url`.
    #[arg(long)]
    push_demo: bool,
}

#[chargespec_runtime::tokio::main(crate = "chargespec_runtime::tokio")]
async fn main() -> ExitCode {
    init_logging();
    exit("mock-operator", run(Args::parse()).await)
}

async fn run(args: Args) -> Result<(), String> {
    let (config, endpoint) = start(&args.config, args.plaintext_test_profile)?;
    let data = DataSet::seeded(config.stations)?;
    let base = endpoint.base_path().to_owned();
    let (addr, task) = serve(
        config.listen,
        operator::router(OperatorMock::new(data), endpoint),
    )
    .await?;
    tracing::info!(
        "mock operator platform {} listening on http://{addr}{base} ({} stations, {} peers)",
        config.operator_id,
        config.stations,
        config.peers.len()
    );
    if args.push_demo {
        for peer in &config.peers {
            let Some(url) = &peer.url else { continue };
            let client = CityClient::new(
                url.clone(),
                config.operator_id.clone(),
                peer.outbound_keys(),
                config.client(&peer.operator_id),
            )
            .map_err(|e| e.to_string())?;
            if let Err(e) = push_status_and_alarm(&client).await {
                tracing::warn!(peer = %peer.operator_id, error = %e, "push failed");
            }
        }
    }
    task.await.map_err(|e| e.to_string())
}
