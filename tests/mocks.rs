//! The mock platforms of each edition talk to each other over loopback HTTP, configured from
//! TOML, each with its own edition's client: a token, the operator's demonstration pushes (kept by
//! the city), and the city's query of every station page by page.

use chargespec_mock::city::CityMock;
use chargespec_mock::config::Config;
use chargespec_mock::edition::{Adapter, Edition};
use chargespec_mock::editions::{Db4403_77_2020, Db4403_77_2024, Tcec102_2016};
use chargespec_mock::operator::{DataSet, OperatorMock, push_demo, query_all_stations};
use chargespec_mock::serve;
use chargespec_runtime::client::Client;
use chargespec_runtime::tokio;

const SECRETS: &str = r#"
operator_secret = "Op3r4t0rS3cr3t01"
data_secret = "D4t4S3cr3tK3y016"
data_secret_iv = "D4t4S3cr3tIV0016"
sig_secret = "S1gS3cr3tK3y0016"
"#;

fn config_for(edition: Edition, own: &str, peer: &str, extra: &str) -> Config {
    // The 2020 edition's AES IV is DataSecret itself.
    let secrets = if edition == Edition::Db4403_77_2020 {
        SECRETS.replace("D4t4S3cr3tIV0016", "D4t4S3cr3tK3y016")
    } else {
        SECRETS.to_owned()
    };
    Config::parse_for(
        edition,
        &format!(
            "listen = \"127.0.0.1:0\"\noperator_id = \"{own}\"\n{extra}\n[[peers]]\noperator_id = \"{peer}\"\n{secrets}"
        ),
    )
    .expect("valid configuration")
}

fn config(own: &str, peer: &str, extra: &str) -> Config {
    config_for(Edition::default(), own, peer, extra)
}

/// One edition's round trip: both mocks serve, each side calls the other with its own client.
async fn round_trip<A: Adapter>() {
    let city_cfg = config_for(A::EDITION, "MA5DA0001", "MA5DA0053", "");
    let op_cfg = config_for(A::EDITION, "MA5DA0053", "MA5DA0001", "stations = 23");

    let city_mock = CityMock::new();
    let endpoint = city_cfg.endpoint::<A>(false).expect("city endpoint");
    let base = endpoint.base_path().to_owned();
    assert_eq!(base, A::EDITION.default_base_path());
    let (city_addr, _city) = serve(city_cfg.listen, A::city_router(city_mock.clone(), endpoint))
        .await
        .expect("city serves");

    let data = DataSet::seeded_for(A::EDITION, op_cfg.stations).expect("seeded");
    let endpoint = op_cfg.endpoint::<A>(false).expect("operator endpoint");
    let (op_addr, _op) = serve(
        op_cfg.listen,
        A::operator_router(OperatorMock::new(data), endpoint),
    )
    .await
    .expect("operator serves");

    // The operator obtains a token and pushes to the city.
    let to_city: Client<A::Profile> = Client::new(
        format!("http://{city_addr}{base}"),
        op_cfg.operator_id.clone(),
        A::keys(op_cfg.peers[0].outbound()).expect("keys"),
        op_cfg.client::<A>("MA5DA0001"),
    )
    .expect("client");
    assert!(!to_city.token().await.expect("token").expose().is_empty());
    let pushed = push_demo::<A>(&to_city).await.expect("pushes accepted");
    assert_eq!(pushed.len(), 2, "{}", A::NAME);
    let counts = city_mock.store.counts();
    for (interface, _answer) in &pushed {
        assert_eq!(counts.get(interface), Some(&1), "{}: {interface}", A::NAME);
        let kept = city_mock.store.received(interface);
        assert_eq!(kept[0].peer, "MA5DA0053");
        assert!(kept[0].payload.is_object());
    }

    // The city queries the operator's stations, 10 per page: 3 pages.
    let to_operator: Client<A::Profile> = Client::new(
        format!("http://{op_addr}{base}"),
        city_cfg.operator_id.clone(),
        A::keys(city_cfg.peers[0].outbound()).expect("keys"),
        city_cfg.client::<A>("MA5DA0053"),
    )
    .expect("client");
    let stations = query_all_stations::<A>(&to_operator, 10)
        .await
        .expect("stations");
    let ids: Vec<&str> = stations
        .iter()
        .filter_map(|s| s["StationID"].as_str())
        .collect();
    assert_eq!(ids.len(), 23, "{}", A::NAME);
    assert_eq!(ids.first(), Some(&"ST0001"));
    assert_eq!(ids.last(), Some(&"ST0023"));
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 23);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_2024_mock_platforms_talk_to_each_other() {
    round_trip::<Db4403_77_2024>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_2020_mock_platforms_talk_to_each_other() {
    round_trip::<Db4403_77_2020>().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tcec_mock_platforms_talk_to_each_other() {
    round_trip::<Tcec102_2016>().await;
}

#[test]
fn the_checked_in_configurations_of_every_edition_load() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for edition in Edition::ALL {
        for role in ["city", "operator"] {
            let path = root.join(edition.default_config(role));
            let c = Config::load_for(edition, &path).unwrap_or_else(|e| panic!("{e}"));
            for peer in &c.peers {
                let url = peer.url.as_deref().unwrap_or_default();
                assert!(
                    url.ends_with(edition.default_base_path()),
                    "{}: {url}",
                    path.display()
                );
            }
        }
    }
    // A 2024 file is not a 2020 one: its separate IV is refused.
    let e = Config::load_for(
        Edition::Db4403_77_2020,
        &root.join("codegen/mock/city.toml"),
    )
    .err()
    .unwrap_or_default();
    assert!(e.contains("data_secret_iv"), "{e}");
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
