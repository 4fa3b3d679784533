//! `mock-city`: the mock city charging-safety monitoring platform.

use std::path::PathBuf;
use std::process::ExitCode;

use chargespec_mock::city::CityMock;
use chargespec_mock::config::EditionKeys;
use chargespec_mock::operator::query_all_stations;
use chargespec_mock::{exit, init_logging, serve, start};
use chargespec_runtime::tracing;
use clap::Parser;
use db4403_77_2024::client::operator::OperatorClient;
use db4403_77_2024::server::city;

/// Mock city charging-safety monitoring platform (DB4403/T 77—2024): serves every interface the
/// city implements, keeps what operators push, and logs each exchange.
#[derive(Parser, Debug)]
#[command(name = "mock-city", version)]
struct Args {
    /// The TOML configuration (format in the README).
    #[arg(long, default_value = "codegen/mock/city.toml")]
    config: PathBuf,
    /// Accept the plaintext test profile (`Data` is the payload itself, no signatures). Never on
    /// a production link.
    #[arg(long)]
    plaintext_test_profile: bool,
    /// After starting, query every station of each peer that has a `url`, page by page.
    #[arg(long)]
    query_demo: bool,
}

#[chargespec_runtime::tokio::main(crate = "chargespec_runtime::tokio")]
async fn main() -> ExitCode {
    init_logging();
    exit("mock-city", run(Args::parse()).await)
}

async fn run(args: Args) -> Result<(), String> {
    let (config, endpoint) = start(&args.config, args.plaintext_test_profile)?;
    let base = endpoint.base_path().to_owned();
    let (addr, task) = serve(config.listen, city::router(CityMock::new(), endpoint)).await?;
    tracing::info!(
        "mock city platform {} listening on http://{addr}{base} ({} peers)",
        config.operator_id,
        config.peers.len()
    );
    if args.query_demo {
        for peer in &config.peers {
            let Some(url) = &peer.url else { continue };
            let client = OperatorClient::new(
                url.clone(),
                config.operator_id.clone(),
                peer.outbound_keys(),
                config.client(&peer.operator_id),
            )
            .map_err(|e| e.to_string())?;
            match query_all_stations(&client, 10).await {
                Ok(stations) => {
                    tracing::info!(peer = %peer.operator_id, stations = stations.len(), "all stations received");
                }
                Err(e) => tracing::warn!(peer = %peer.operator_id, error = %e, "query failed"),
            }
        }
    }
    task.await.map_err(|e| e.to_string())
}
