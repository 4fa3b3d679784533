//! The mock platforms talk to each other over loopback HTTP, configured from TOML: the operator
//! pushes a connector status and an alarm, the city queries every station page by page.

use chargespec_mock::city::CityMock;
use chargespec_mock::config::{Config, EditionKeys};
use chargespec_mock::operator::{DataSet, OperatorMock, push_status_and_alarm, query_all_stations};
use chargespec_mock::serve;
use chargespec_runtime::tokio;
use db4403_77_2024::client::city::CityClient;
use db4403_77_2024::client::default_config;
use db4403_77_2024::client::operator::OperatorClient;
use db4403_77_2024::server::{Endpoint, city, operator};

const SECRETS: &str = r#"
operator_secret = "Op3r4t0rS3cr3t01"
data_secret = "D4t4S3cr3tK3y016"
data_secret_iv = "D4t4S3cr3tIV0016"
sig_secret = "S1gS3cr3tK3y0016"
"#;

fn config(own: &str, peer: &str, extra: &str) -> Config {
    Config::parse(&format!(
        "listen = \"127.0.0.1:0\"\noperator_id = \"{own}\"\n{extra}\n[[peers]]\noperator_id = \"{peer}\"\n{SECRETS}"
    ))
    .expect("valid configuration")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_platforms_talk_to_each_other() {
    let city_cfg = config("MA5DA0001", "MA5DA0053", "");
    let op_cfg = config("MA5DA0053", "MA5DA0001", "stations = 23");

    let city_mock = CityMock::new();
    let endpoint = Endpoint::new(
        city_cfg.operator_id.clone(),
        city_cfg.peers(),
        city_cfg.server(false),
    );
    let base = endpoint.base_path().to_owned();
    let (city_addr, _city) = serve(city_cfg.listen, city::router(city_mock.clone(), endpoint))
        .await
        .expect("city serves");

    let data = DataSet::seeded(op_cfg.stations).expect("seeded");
    let endpoint = Endpoint::new(
        op_cfg.operator_id.clone(),
        op_cfg.peers(),
        op_cfg.server(false),
    );
    let (op_addr, _op) = serve(
        op_cfg.listen,
        operator::router(OperatorMock::new(data), endpoint),
    )
    .await
    .expect("operator serves");

    // The operator pushes to the city.
    let to_city = CityClient::new(
        format!("http://{city_addr}{base}"),
        op_cfg.operator_id.clone(),
        op_cfg.peers[0].outbound_keys(),
        default_config(),
    )
    .expect("client");
    push_status_and_alarm(&to_city)
        .await
        .expect("pushes accepted");
    let counts = city_mock.store.counts();
    assert_eq!(counts.get("notification_stationStatus"), Some(&1));
    assert_eq!(counts.get("notification_alarmInfo"), Some(&1));
    let status = city_mock.store.received("notification_stationStatus");
    assert_eq!(status[0].peer, "MA5DA0053");

    // The city queries the operator's stations, 10 per page: 3 pages.
    let to_operator = OperatorClient::new(
        format!("http://{op_addr}{base}"),
        city_cfg.operator_id.clone(),
        city_cfg.peers[0].outbound_keys(),
        default_config(),
    )
    .expect("client");
    let stations = query_all_stations(&to_operator, 10)
        .await
        .expect("stations");
    let ids: Vec<&str> = stations
        .iter()
        .filter_map(|s| s["StationID"].as_str())
        .collect();
    assert_eq!(ids.len(), 23);
    assert_eq!(ids.first(), Some(&"ST0001"));
    assert_eq!(ids.last(), Some(&"ST0023"));
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 23);
}

#[test]
fn bad_configurations_are_refused_with_a_reason() {
    let short = Config::parse(
        "listen = \"127.0.0.1:0\"\noperator_id = \"MA5DA0001\"\n[[peers]]\noperator_id = \"MA5DA0053\"\noperator_secret = \"x\"\ndata_secret = \"short\"\ndata_secret_iv = \"D4t4S3cr3tIV0016\"\nsig_secret = \"s\"\n",
    )
    .expect_err("a 5-byte DataSecret");
    assert!(
        short.contains("MA5DA0053") && short.contains("DataSecret"),
        "{short}"
    );
    let unknown =
        Config::parse("listen = \"127.0.0.1:0\"\noperator_id = \"X\"\nplaintext = true\n")
            .expect_err("plaintext is a command-line flag, not a setting");
    assert!(unknown.contains("plaintext"), "{unknown}");
    // Secrets never reach Debug output.
    let c = config("MA5DA0001", "MA5DA0053", "");
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("Op3r4t0rS3cr3t01") && !debug.contains("S1gS3cr3tK3y0016"),
        "{debug}"
    );
}
