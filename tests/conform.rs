//! The conformance kit over loopback HTTP: against the mock operator and the mock city (every
//! check passes but the one known deviation of the mock's canned answers), and against a faulty
//! operator: a proxy in front of the mock that seeds one defect at a time; each defect makes its
//! own check fail and no other.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use chargespec::ir::Edition;
use chargespec::tools::conform::{self, Options, Target, report::Report};
use chargespec_mock::city::CityMock;
use chargespec_mock::config::Config as MockConfig;
use chargespec_mock::operator::{DataSet, OperatorMock};
use chargespec_mock::serve;
use chargespec_runtime::axum::{self, body::Bytes, extract::State, http::HeaderMap, http::Uri};
use chargespec_runtime::config::Config;
use chargespec_runtime::spec_envelope::{Keys, Profile};
use chargespec_runtime::{reqwest, tokio};
use db4403_77_2024::server::{Endpoint, city, operator};
use serde_json::{Map, Value};

const SECRETS: &str = r#"
operator_secret = "Op3r4t0rS3cr3t01"
data_secret = "D4t4S3cr3tK3y016"
data_secret_iv = "D4t4S3cr3tIV0016"
sig_secret = "S1gS3cr3tK3y0016"
"#;

/// The one deviation of the mock operator: its canned query answers carry the sample's
/// identifiers, not the stations asked for.
const MOCK_DEVIATIONS: &str =
    "# canned answers: the sample StationID, not the ones asked for\nQ-query_stations_status-IDS\n";

fn edition() -> Edition {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/db4403-77-2024");
    chargespec::check_dir(&dir)
        .ir
        .expect("the 2024 edition checks")
}

fn mock_config(own: &str, peer: &str) -> MockConfig {
    MockConfig::parse(&format!(
        "listen = \"127.0.0.1:0\"\noperator_id = \"{own}\"\n[[peers]]\noperator_id = \"{peer}\"\n{SECRETS}"
    ))
    .expect("valid configuration")
}

fn kit_config(own: &str, peer: &str, url: &str) -> Config {
    Config::parse(&format!(
        "operator_id = \"{own}\"\n[[peers]]\noperator_id = \"{peer}\"\nurl = \"{url}\"\n{SECRETS}"
    ))
    .expect("valid configuration")
}

/// Starts the mock operator: its base URL.
async fn mock_operator() -> String {
    let cfg = mock_config("MA5DA0053", "MA5DA0001");
    let endpoint = Endpoint::new(
        cfg.operator_id.clone(),
        cfg.peers::<chargespec_mock::editions::Db4403_77_2024>()
            .expect("peers"),
        cfg.server(false),
    );
    let base = endpoint.base_path().to_owned();
    let data = DataSet::seeded(23).expect("seeded");
    let (addr, _task) = serve(
        cfg.listen,
        operator::router(OperatorMock::new(data), endpoint),
    )
    .await
    .expect("operator serves");
    format!("http://{addr}{base}")
}

async fn run(ir: &Edition, url: &str, target: Target, enforce: bool) -> Report {
    let (own, peer) = match target {
        Target::Operator => ("MA5DA0001", "MA5DA0053"),
        Target::City => ("MA5DA0053", "MA5DA0001"),
    };
    let opts = Options {
        enforce_provisional: enforce,
        ..Options::default()
    };
    conform::run(ir, &kit_config(own, peer, url), target, &opts)
        .await
        .expect("the kit runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_operator_passes_but_for_its_known_deviation() {
    let ir = edition();
    let url = mock_operator().await;
    let started = std::time::Instant::now();
    let mut report = run(&ir, &url, Target::Operator, false).await;
    assert!(started.elapsed().as_secs() < 20, "a run takes seconds");
    assert!(report.failed());
    let expected = conform::report::parse_expect_fail(MOCK_DEVIATIONS);
    assert!(report.apply_expected(&expected).is_empty());
    assert!(!report.failed(), "{}", report.text());
    insta::assert_snapshot!("mock_operator", report.text());
    insta::assert_snapshot!("mock_operator_json", format!("{:#}", report.json()));
    // A listed failure that passes fails the run.
    let mut again = report.clone();
    again.apply_expected(&["ENV-RESEND".to_owned()]);
    assert!(again.failed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_city_passes() {
    let ir = edition();
    let cfg = mock_config("MA5DA0001", "MA5DA0053");
    let endpoint = Endpoint::new(
        cfg.operator_id.clone(),
        cfg.peers::<chargespec_mock::editions::Db4403_77_2024>()
            .expect("peers"),
        cfg.server(false),
    );
    let base = endpoint.base_path().to_owned();
    let (addr, _task) = serve(cfg.listen, city::router(CityMock::new(), endpoint))
        .await
        .expect("city serves");
    let report = run(&ir, &format!("http://{addr}{base}"), Target::City, false).await;
    assert!(!report.failed(), "{}", report.text());
    insta::assert_snapshot!("mock_city", report.text());
    insta::assert_snapshot!("mock_city_markdown", report.markdown());
}

/// A defect seeded by the proxy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Defect {
    None,
    /// `query_stations_info` answers PageNo 1 whatever page was asked for.
    WrongPageNo,
    /// `query_alarm_info` answers with a wrong signature.
    Unsigned,
    /// Every request reaches the operator with a fresh Seq: an identical resend is accepted.
    AcceptsResend,
    /// A stale TimeStamp is replaced by the current time: a stale request is accepted.
    AcceptsStale,
    /// `query_station_charge_stats` answers a payload that violates the spec.
    InvalidField,
}

struct Proxy {
    defect: Defect,
    backend: String,
    profile: Profile,
    keys: Keys,
    http: reqwest::Client,
    seq: AtomicU32,
    invalid_stats: Value,
}

impl Proxy {
    fn rewrite_request(&self, body: &[u8]) -> Vec<u8> {
        let Ok(Value::Object(mut m)) = serde_json::from_slice::<Value>(body) else {
            return body.to_vec();
        };
        if self.profile.verify(&self.keys, &m, false).is_err() {
            return body.to_vec();
        }
        let now = chargespec_runtime::now_unix();
        match self.defect {
            Defect::AcceptsResend => {
                let n = self.seq.fetch_add(1, Ordering::Relaxed);
                m.insert("Seq".into(), Value::String(self.profile.seq_text(n)));
            }
            Defect::AcceptsStale => {
                let ts = m.get("TimeStamp").and_then(Value::as_str).unwrap_or("");
                match self.profile.timestamp_unix(ts) {
                    Some(t) if now - t > 60 => {
                        m.insert(
                            "TimeStamp".into(),
                            Value::String(self.profile.timestamp_at(now)),
                        );
                    }
                    _ => return body.to_vec(),
                }
            }
            _ => return body.to_vec(),
        }
        let sig = self
            .profile
            .sign(&self.keys, &m, false)
            .expect("signs")
            .expect("signed");
        m.insert("Sig".into(), Value::String(sig));
        Value::Object(m).to_string().into_bytes()
    }

    fn rewrite_answer(&self, interface: &str, body: &[u8]) -> Vec<u8> {
        let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(body) else {
            return body.to_vec();
        };
        let reseal = |payload: &Value| -> Map<String, Value> {
            let ret = self.profile.ret_of(&m).unwrap_or(0);
            self.profile
                .seal_response(&self.keys, ret, "", Some(payload.to_string().as_bytes()))
                .expect("seals")
        };
        let opened = || -> Option<Value> {
            let p = self.profile.open_response(&self.keys, &m).ok()??;
            serde_json::from_slice(&p).ok()
        };
        let out = match (self.defect, interface) {
            (Defect::WrongPageNo, "query_stations_info") => {
                let Some(mut p) = opened() else {
                    return body.to_vec();
                };
                p["PageNo"] = Value::from(1);
                reseal(&p)
            }
            (Defect::Unsigned, "query_alarm_info") => {
                let mut m = m.clone();
                m.insert("Sig".into(), Value::String("0".repeat(32)));
                m
            }
            (Defect::InvalidField, "query_station_charge_stats") if opened().is_some() => {
                reseal(&self.invalid_stats)
            }
            _ => return body.to_vec(),
        };
        Value::Object(out).to_string().into_bytes()
    }
}

async fn forward(
    State(p): State<Arc<Proxy>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = uri.path().to_owned();
    let interface = path.rsplit('/').next().unwrap_or_default().to_owned();
    let mut req = p
        .http
        .post(format!("{}{}", p.backend, path))
        .header("content-type", p.profile.content_type.as_str())
        .body(p.rewrite_request(&body));
    if let Some(a) = headers.get("authorization").and_then(|v| v.to_str().ok()) {
        req = req.header("authorization", a);
    }
    let resp = req.send().await.expect("backend answers");
    let status = resp.status().as_u16();
    let answer = resp.bytes().await.expect("answer body");
    (
        axum::http::StatusCode::from_u16(status).expect("status"),
        [("content-type", "application/json;charset=utf-8")],
        p.rewrite_answer(&interface, &answer),
    )
        .into_response()
}

/// The failing checks of a run (FAIL or WARN: provisional rules enforced, so a WARN is
/// something else).
fn failing(r: &Report) -> BTreeSet<String> {
    r.checks
        .iter()
        .filter(|c| c.verdict.fails())
        .map(|c| c.id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_seeded_defect_fails_its_own_check_and_no_other() {
    let ir = edition();
    let backend_url = mock_operator().await;
    let (origin, base) = {
        let after = backend_url.trim_start_matches("http://");
        let (host, path) = after.split_once('/').expect("a base path");
        (format!("http://{host}"), format!("/{path}"))
    };
    let profile = chargespec::tools::profile::profile(&ir).expect("profile");
    let keys = kit_config("A", "B", "").peers[0].keys.keys();
    let stats_object = &ir.interfaces["query_station_charge_stats"].response.object;
    let (invalid_stats, _, _) =
        chargespec::tools::conform::probes::invalid_payload(&ir, stats_object).expect("a case");
    let mut table = String::new();
    let mut baseline = BTreeSet::new();
    for (defect, expected) in [
        (Defect::None, None),
        (Defect::WrongPageNo, Some("Q-query_stations_info-PAGING")),
        (Defect::Unsigned, Some("Q-query_alarm_info-SIGNATURE")),
        (Defect::AcceptsResend, Some("ENV-RESEND")),
        (Defect::AcceptsStale, Some("ENV-STALE-TIMESTAMP")),
        (
            Defect::InvalidField,
            Some("Q-query_station_charge_stats-SCHEMA"),
        ),
    ] {
        let proxy = Arc::new(Proxy {
            defect,
            backend: origin.clone(),
            profile: profile.clone(),
            keys: keys.clone(),
            http: chargespec_runtime::client::http_client(std::time::Duration::from_secs(10))
                .expect("client"),
            seq: AtomicU32::new(5000),
            invalid_stats: invalid_stats.clone(),
        });
        let router = axum::Router::new().fallback(forward).with_state(proxy);
        let (addr, task) = serve("127.0.0.1:0".parse().expect("addr"), router)
            .await
            .expect("proxy serves");
        let report = run(&ir, &format!("http://{addr}{base}"), Target::Operator, true).await;
        task.abort();
        let fails = failing(&report);
        match expected {
            None => {
                assert_eq!(
                    fails,
                    BTreeSet::from(["Q-query_stations_status-IDS".to_owned()]),
                    "{}",
                    report.text()
                );
                baseline = fails;
            }
            Some(id) => {
                let new: Vec<&String> = fails.difference(&baseline).collect();
                assert_eq!(new, [id], "{defect:?}\n{}", report.text());
                let c = report
                    .checks
                    .iter()
                    .find(|c| c.id == id)
                    .expect("the check");
                table.push_str(&format!("{defect:?}: {} {}\n", c.verdict.name(), c.id));
                for f in &c.findings {
                    table.push_str(&format!(
                        "  {} {} [{}] got {}\n",
                        f.interface, f.pointer, f.rule, f.value
                    ));
                }
            }
        }
    }
    insta::assert_snapshot!("seeded_defects", table);
}
