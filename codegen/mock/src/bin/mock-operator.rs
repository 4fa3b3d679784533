//! `mock-operator`: the mock operator charging/swap service platform.

use std::path::PathBuf;
use std::process::ExitCode;

use chargespec_mock::{Edition, Options, exit, init_logging, run_operator};
use clap::Parser;

/// Mock operator platform (DB4403/T 77—2024 by default; with `--edition` DB4403/T 77—2020, or
/// the infrastructure platform of T/CEC 102-2016): answers the city's queries from a seeded data
/// set, pages through its stations, and logs each exchange.
#[derive(Parser, Debug)]
#[command(name = "mock-operator", version)]
struct Args {
    /// The edition served.
    #[arg(long, value_enum, default_value_t = Edition::default())]
    edition: Edition,
    /// The TOML configuration (format in the README); default `codegen/mock/operator.toml`, for
    /// another edition `codegen/mock/<edition>/operator.toml`.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Accept the plaintext test profile (`Data` is the payload itself, no signatures). Never on
    /// a production link.
    #[arg(long)]
    plaintext_test_profile: bool,
    /// After starting, push the edition's demonstration pushes (a connector status and an alarm;
    /// T/CEC: a connector status and a charge order) to each peer that has a `url`.
    #[arg(long)]
    push_demo: bool,
}

#[chargespec_runtime::tokio::main(crate = "chargespec_runtime::tokio")]
async fn main() -> ExitCode {
    init_logging();
    let args = Args::parse();
    let options = Options {
        edition: args.edition,
        config: args
            .config
            .unwrap_or_else(|| args.edition.default_config("operator")),
        plaintext: args.plaintext_test_profile,
        demo: args.push_demo,
    };
    exit("mock-operator", run_operator(options).await)
}
