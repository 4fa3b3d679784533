//! What the HTTP test suites share: the keys of the test peers, a mock city on loopback, raw
//! sealed requests and the reading of answers. Included with `#[path]` by each suite; not every
//! suite uses everything.
#![allow(dead_code)]

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chargespec_mock::city::CityMock;
use chargespec_runtime::client::ClientConfig;
use chargespec_runtime::serde_json::{self, Value, json};
use chargespec_runtime::time::{CompactDateTime, Parts};
use chargespec_runtime::{Secret, axum};
use db4403_77_2024::client::city::CityClient;
use db4403_77_2024::protocol::{self, Keys, Peers};
use db4403_77_2024::server::{self, Endpoint, ServerConfig};
use db4403_77_2024::{samples, types};

pub const CITY: &str = "MA5DA0001";
pub const OPERATOR: &str = "MA5DA0053";

pub fn keys() -> Keys {
    Keys {
        operator_secret: Secret::new("Op3r4t0rS3cr3t01"),
        data_secret: Secret::new("D4t4S3cr3tK3y016"),
        data_secret_iv: Secret::new("D4t4S3cr3tIV0016"),
        sig_secret: Secret::new("S1gS3cr3tK3y0016"),
    }
}

pub fn other_keys() -> Keys {
    Keys {
        operator_secret: Secret::new("0ther0perator001"),
        data_secret: Secret::new("0therD4t4K3y0016"),
        data_secret_iv: Secret::new("0therD4t4IV00016"),
        sig_secret: Secret::new("0therS1gK3y00016"),
    }
}

pub struct City {
    /// The base URL (up to the interface name).
    pub url: String,
    pub mock: CityMock,
}

pub async fn listen(router: axum::Router) -> String {
    let any_port = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let (addr, _task) = chargespec_mock::serve(any_port, router)
        .await
        .expect("serves");
    format!("http://{addr}")
}

/// The peers of the test city: the test operator with its keys.
pub fn city_peers() -> Peers {
    let mut peers = Peers::new();
    peers.insert(OPERATOR, keys());
    peers
}

pub async fn city(config: ServerConfig) -> City {
    city_on(Endpoint::new(CITY, city_peers(), config)).await
}

/// A mock city serving with the given endpoint.
pub async fn city_on(endpoint: Endpoint) -> City {
    let mock = CityMock::new();
    let base = endpoint.base_path().to_owned();
    let url = listen(server::city::router(mock.clone(), endpoint)).await;
    City {
        url: format!("{url}{base}"),
        mock,
    }
}

pub fn quick() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(5),
        resend_attempts: 3,
        resend_interval: Duration::from_millis(10),
        token_refresh_margin: Duration::ZERO,
        answers: None,
    }
}

pub fn client(url: &str, keys: Keys, config: ClientConfig) -> CityClient {
    CityClient::new(url, OPERATOR, keys, config).expect("client")
}

pub async fn post(url: &str, interface: &str, token: Option<&str>, body: Vec<u8>) -> Value {
    let http = chargespec_runtime::client::http_client(Duration::from_secs(5)).expect("http");
    let bytes = chargespec_runtime::client::post(
        &http,
        &format!("{url}/{interface}"),
        protocol::CONTENT_TYPE,
        token.map(|t| format!("Bearer {t}")),
        body,
        protocol::HTTP_STATUS,
    )
    .await
    .expect("an answer");
    serde_json::from_slice(&bytes).expect("the answer is JSON")
}

pub fn sample(interface: &str) -> Value {
    serde_json::from_str(samples::request(interface).expect("sample")).expect("JSON")
}

pub static SEQ: AtomicI64 = AtomicI64::new(1);

pub fn stamp(offset_s: i64) -> CompactDateTime {
    CompactDateTime::from_parts(Parts::from_unix(
        chargespec_runtime::now_unix() + protocol::UTC_OFFSET_S + offset_s,
    ))
    .expect("valid")
}

/// A sealed request envelope (a fresh `Seq` each time) as JSON.
pub fn sealed_with(keys: &Keys, sender: &str, offset_s: i64, payload: &Value) -> Value {
    let seq = format!("{:04}", SEQ.fetch_add(1, Ordering::Relaxed) % 9999 + 1);
    let env = protocol::seal_request(keys, sender, stamp(offset_s), seq, payload).expect("seals");
    serde_json::to_value(env).expect("JSON")
}

pub fn sealed(payload: &Value) -> Value {
    sealed_with(&keys(), OPERATOR, 0, payload)
}

pub fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("bytes")
}

/// Re-signs an envelope after a field was changed.
pub fn resign(env: &mut Value) {
    let typed: types::RequestEnvelope = serde_json::from_value(env.clone()).expect("envelope");
    env["Sig"] = json!(keys().sign_request(&typed).expect("signs"));
}

pub fn ret_of(answer: &Value) -> i64 {
    answer["Ret"].as_i64().expect("Ret")
}

/// The answer is signed with the operator's keys.
pub fn signed(answer: &Value) -> bool {
    let typed: types::ResponseEnvelope = serde_json::from_value(answer.clone()).expect("envelope");
    keys().verify_response(&typed).is_ok()
}

pub async fn fetch_token(url: &str) -> String {
    client(url, keys(), quick())
        .0
        .token()
        .await
        .expect("token")
        .expose()
        .to_owned()
}

pub const PUSH: &str = "notification_stationStatus";
