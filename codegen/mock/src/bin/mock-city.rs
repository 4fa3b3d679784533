//! `mock-city`: the mock city charging-safety monitoring platform.

use std::path::PathBuf;
use std::process::ExitCode;

use chargespec_mock::{Edition, Options, exit, init_logging, run_city};
use clap::Parser;

/// Mock city charging-safety monitoring platform (DB4403/T 77—2024 by default; with `--edition`
/// DB4403/T 77—2020, or the customer platform of T/CEC 102-2016): serves every interface the
/// role implements, keeps what operators push, and logs each exchange.
#[derive(Parser, Debug)]
#[command(name = "mock-city", version)]
struct Args {
    /// The edition served.
    #[arg(long, value_enum, default_value_t = Edition::default())]
    edition: Edition,
    /// The TOML configuration (format in the README); default `codegen/mock/city.toml`, for
    /// another edition `codegen/mock/<edition>/city.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
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
    let args = Args::parse();
    let options = Options {
        edition: args.edition,
        config: args
            .config
            .unwrap_or_else(|| args.edition.default_config("city")),
        plaintext: args.plaintext_test_profile,
        demo: args.query_demo,
    };
    exit("mock-city", run_city(options).await)
}
