//! The hostile-input and load suite (issue 13): each finding of the attack on the mock platforms,
//! reproduced over real HTTP on loopback against the mock city and the mock operator, with the
//! behaviour the fix guarantees.
//!
//! Bounded in count and time: the default (short) form runs in seconds and in CI;
//! `CHARGESPEC_HOSTILE_LONG=1 cargo test -p chargespec-tests --test hostile --release` runs the
//! floods at the sizes of the original findings (20,000 tokens, 50,000 messages, 4 MB fields,
//! thousands of connections). Loopback only.

#[path = "support/platform.rs"]
mod platform;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chargespec_mock::city::CityMock;
use chargespec_mock::operator::{DataSet, OperatorMock};
use chargespec_runtime::serde_json::{self, Value, json};
use chargespec_runtime::server::Limits;
use chargespec_runtime::store::{ReplayBackend, Stores, TokenBackend};
use chargespec_runtime::token::{ReplayCache, TokenStore};
use chargespec_runtime::{tokio, tracing};
use db4403_77_2024::protocol::{self, Peers, ret};
use db4403_77_2024::server::{self, Endpoint, ServerConfig};
use db4403_77_2024::types;
use platform::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// `short` in the default run, `long` with `CHARGESPEC_HOSTILE_LONG` set.
fn count(short: usize, long: usize) -> usize {
    if std::env::var_os("CHARGESPEC_HOSTILE_LONG").is_some() {
        long
    } else {
        short
    }
}

/// Everything the servers of this suite log, as the mock platforms write it (one global
/// subscriber for the test binary: each test looks for what only it produces).
fn log() -> &'static Mutex<Vec<u8>> {
    static LOG: OnceLock<Mutex<Vec<u8>>> = OnceLock::new();
    LOG.get_or_init(|| {
        struct Capture;
        impl std::io::Write for Capture {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                chargespec_runtime::lock(log()).extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .without_time()
            .with_max_level(tracing::Level::INFO)
            .with_writer(|| Capture)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        Mutex::new(Vec::new())
    })
}

fn log_text() -> String {
    String::from_utf8_lossy(&chargespec_runtime::lock(log())).into_owned()
}

/// A city with its own stores, so a test can look at their size.
async fn city_with(config: ServerConfig, stores: Stores) -> City {
    log();
    city_on(Endpoint::with_stores(CITY, city_peers(), config, stores)).await
}

fn memory(tokens: &Arc<TokenStore>, replay: &Arc<ReplayCache>) -> Stores {
    Stores {
        tokens: tokens.clone() as Arc<dyn TokenBackend>,
        replay: Some(replay.clone() as Arc<dyn ReplayBackend>),
    }
}

fn msg(answer: &Value) -> &str {
    answer["Msg"].as_str().unwrap_or_default()
}

/// Finding 1: silent connections and connections that trickle their request one byte at a time,
/// many more than the connection cap, are shed at the cap or closed by their deadlines (logged);
/// a valid client arriving after all of them is served at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_and_trickling_connections_do_not_lock_out_valid_clients() {
    log();
    let endpoint = Endpoint::new(CITY, city_peers(), ServerConfig::default());
    let base = endpoint.base_path().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let addr = listener.local_addr().expect("address");
    let limits = Limits {
        max_connections: 32,
        request_timeout: Duration::from_millis(1500),
        idle_timeout: Duration::from_millis(1000),
    };
    let router = server::city::router(CityMock::new(), endpoint);
    tokio::spawn(chargespec_runtime::server::serve(listener, router, limits));

    let mut silent = Vec::new();
    for _ in 0..count(200, 2_000) {
        if let Ok(Ok(s)) = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await
        {
            silent.push(s);
        }
    }
    let tricklers: Vec<_> = (0..count(50, 500))
        .map(|_| {
            tokio::spawn(async move {
                let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                    return;
                };
                let started = Instant::now();
                for b in b"POST /evcs/v1/notification_stationStatus HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{" {
                    if s.write_all(&[*b]).await.is_err() || started.elapsed() > Duration::from_secs(8) {
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
            })
        })
        .collect();
    let started = Instant::now();
    let url = format!("http://{addr}{base}");
    let token = fetch_token(&url).await;
    let a = post(&url, PUSH, Some(&token), bytes(&sealed(&sample(PUSH)))).await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "a valid client waited {:?}",
        started.elapsed()
    );
    // The silent connections were closed by the server, not left open.
    let mut open = 0;
    for s in &mut silent {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(3), s.read(&mut buf)).await;
        open += usize::from(!matches!(read, Ok(Ok(0) | Err(_))));
    }
    assert_eq!(open, 0, "silent connections left open");
    for t in tricklers {
        t.abort();
    }
    assert!(
        log_text().contains("connection limit reached"),
        "a limit that acts is logged"
    );
}

/// Finding 2: a huge `Seq` without a token is answered briefly and logged briefly; a `Seq` that
/// carries a line break and a forged log line, NUL and ESC, cannot forge a line of the log.
#[tokio::test]
async fn raw_input_is_echoed_bounded_and_escaped() {
    let city = city(ServerConfig::default()).await;
    log();
    let mut env = sealed(&sample(PUSH));
    env["Seq"] = json!("9".repeat(count(400_000, 4_000_000)));
    let body = bytes(&env);
    let http = chargespec_runtime::client::http_client(Duration::from_secs(10)).expect("http");
    let answer = chargespec_runtime::client::post(
        &http,
        &format!("{}/{PUSH}", city.url),
        protocol::CONTENT_TYPE,
        None,
        body,
        protocol::HTTP_STATUS,
    )
    .await
    .expect("an answer");
    assert!(answer.len() < 2_048, "a {}-byte answer", answer.len());
    let answer: Value = serde_json::from_slice(&answer).expect("JSON");
    assert_eq!(ret_of(&answer), ret::BAD_ENVELOPE, "{answer}");

    let token = fetch_token(&city.url).await;
    let mut env = sealed(&sample(PUSH));
    env["Seq"] = json!("0001\nFORGED-LINE INFO answered interface=x ret=0\u{0}\u{1b}[2J");
    let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
    for c in ['\n', '\r', '\u{0}', '\u{1b}'] {
        assert!(!msg(&a).contains(c), "{c:?} in Msg: {a}");
    }
    let log = log_text();
    assert!(log.contains("FORGED-LINE"), "the refusal is logged");
    assert!(
        !log.lines()
            .any(|l| l.trim_start().starts_with("FORGED-LINE")),
        "a forged line in the log"
    );
    assert!(!log.contains('\u{0}') && !log.contains('\u{1b}'));
    assert!(
        log.lines().all(|l| l.len() < 16 * 1024),
        "a log line of {} bytes",
        log.lines().map(str::len).max().unwrap_or(0)
    );
}

/// Finding 3: a secret field is never echoed, whatever its JSON type; neither in `Msg` nor in
/// the log.
#[tokio::test]
async fn a_secret_is_never_echoed_whatever_its_type() {
    let city = city(ServerConfig::default()).await;
    log();
    let secret = "TopS3cretValue01";
    for bad in [
        json!([secret]),
        json!({"x": secret}),
        json!([[secret], secret]),
        json!(format!("{secret}{}", "\n".repeat(300))),
    ] {
        let ask = json!({"OperatorID": OPERATOR, "OperatorSecret": bad});
        let a = post(&city.url, "query_token", None, bytes(&sealed(&ask))).await;
        if !bad.is_string() {
            assert_eq!(ret_of(&a), ret::BAD_PAYLOAD, "{bad}: {a}");
        }
        assert!(
            !a.to_string().contains(secret),
            "the secret in the answer: {a}"
        );
    }
    assert!(!log_text().contains(secret), "the secret in the log");
}

/// Finding 4: a peer that asks for tokens again and again holds a bounded number (the store's
/// size stays at the bound); its oldest tokens are retired, its newest works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_token_requests_keeps_the_store_bounded() {
    let tokens = Arc::new(TokenStore::with_limit(7200, 2));
    let replay = Arc::new(ReplayCache::new(300));
    let city = city_with(ServerConfig::default(), memory(&tokens, &replay)).await;
    let ask = json!({"OperatorID": OPERATOR, "OperatorSecret": "Op3r4t0rS3cr3t01"});
    let n = count(300, 20_000);
    let mut issued = Vec::new();
    for i in 0..n {
        let a = post(&city.url, "query_token", None, bytes(&sealed(&ask))).await;
        if i == 0 || i + 1 == n {
            let typed: types::ResponseEnvelope = serde_json::from_value(a).expect("envelope");
            let answer = protocol::open_response::<types::QueryTokenResponse>(&keys(), &typed)
                .expect("opens")
                .expect("a token answer");
            issued.push(answer.access_token.expect("a token").expose().to_owned());
        }
        assert!(
            tokens.len() <= 2,
            "{} tokens after {i} requests",
            tokens.len()
        );
    }
    let push = || bytes(&sealed(&sample(PUSH)));
    let a = post(&city.url, PUSH, Some(&issued[0]), push()).await;
    assert_eq!(
        ret_of(&a),
        ret::BAD_TOKEN,
        "the first token was retired: {a}"
    );
    let a = post(&city.url, PUSH, Some(&issued[1]), push()).await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
}

/// Finding 5: the replay cache has an explicit bound, also under a flood of signed messages
/// that fail validation; when it is full, new messages are refused as busy (the sender
/// retries), never accepted unchecked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_messages_keeps_the_replay_cache_bounded_and_then_refuses_busy() {
    let capacity = count(200, 10_000);
    let tokens = Arc::new(TokenStore::new(7200));
    let replay = Arc::new(ReplayCache::with_capacity(300, capacity));
    let city = city_with(ServerConfig::default(), memory(&tokens, &replay)).await;
    let token = fetch_token(&city.url).await;
    let mut bad = sample(PUSH);
    bad["ConnectorStatusInfo"]["SOC"] = json!(101);
    let mut rets = std::collections::BTreeMap::<i64, usize>::new();
    for _ in 0..count(400, 50_000) {
        let a = post(&city.url, PUSH, Some(&token), bytes(&sealed(&bad))).await;
        *rets.entry(ret_of(&a)).or_default() += 1;
        assert!(replay.len() <= capacity, "{} entries", replay.len());
    }
    assert!(
        rets.contains_key(&ret::BAD_PAYLOAD) && rets.contains_key(&ret::BUSY),
        "{rets:?}"
    );
    let a = post(&city.url, PUSH, Some(&token), bytes(&sealed(&sample(PUSH)))).await;
    assert_eq!(ret_of(&a), ret::BUSY, "{a}");
    assert!(
        city.mock.store.received(PUSH).is_empty(),
        "nothing accepted unchecked"
    );
}

/// Finding 6: an envelope with a repeated key is refused, whichever copy is the authentic one.
#[tokio::test]
async fn an_envelope_with_a_repeated_key_is_refused() {
    let city = city(ServerConfig::default()).await;
    let token = fetch_token(&city.url).await;
    let text = serde_json::to_string(&sealed(&sample(PUSH))).expect("text");
    for doubled in [
        text.replacen('{', r#"{"OperatorID":"XXXXXXXXX","#, 1),
        text.replacen('}', r#","OperatorID":"XXXXXXXXX"}"#, 1),
    ] {
        let a = post(&city.url, PUSH, Some(&token), doubled.into_bytes()).await;
        assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
        assert!(msg(&a).contains("twice"), "{a}");
    }
    assert!(city.mock.store.received(PUSH).is_empty());
}

/// Finding 7: page arithmetic that would wrap, and page numbers below 1, are refused by the mock
/// operator instead of answering every station (or panicking).
#[tokio::test]
async fn paging_that_would_wrap_is_refused() {
    log();
    let mut peers = Peers::new();
    peers.insert(CITY, keys());
    let endpoint = Endpoint::new(OPERATOR, peers, ServerConfig::default());
    let base = endpoint.base_path().to_owned();
    let data = DataSet::seeded(25).expect("seeded");
    let url = listen(server::operator::router(OperatorMock::new(data), endpoint)).await;
    let url = format!("{url}{base}");
    let ask = json!({"OperatorID": CITY, "OperatorSecret": "Op3r4t0rS3cr3t01"});
    let a = post(
        &url,
        "query_token",
        None,
        bytes(&sealed_with(&keys(), CITY, 0, &ask)),
    )
    .await;
    let typed: types::ResponseEnvelope = serde_json::from_value(a).expect("envelope");
    let token = protocol::open_response::<types::QueryTokenResponse>(&keys(), &typed)
        .expect("opens")
        .and_then(|t| t.access_token)
        .expect("a token");
    let query = |page: Value| bytes(&sealed_with(&keys(), CITY, 0, &page));
    let a = post(
        &url,
        "query_stations_info",
        Some(token.expose()),
        query(json!({"PageNo": 1, "PageSize": 10})),
    )
    .await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
    for page in [
        json!({"PageNo": 4_294_967_297_i64, "PageSize": 4_294_967_296_i64}),
        json!({"PageNo": -1, "PageSize": 10}),
        json!({"PageNo": 0, "PageSize": 10}),
        json!({"PageNo": 1, "PageSize": -5}),
    ] {
        let a = post(
            &url,
            "query_stations_info",
            Some(token.expose()),
            query(page.clone()),
        )
        .await;
        assert_eq!(ret_of(&a), ret::BAD_PAYLOAD, "{page}: {a}");
        assert_eq!(a["Data"], json!(""), "{page}: no stations");
    }
}

/// Finding 8: a body that is cut short or malformed is reported as such, not as too long.
#[tokio::test]
async fn a_broken_body_is_not_reported_as_too_long() {
    let city = city(ServerConfig::default()).await;
    let authority = city.url.trim_start_matches("http://");
    let (host, path) = authority.split_once('/').expect("a path");
    for raw in [
        format!(
            "POST /{path}/{PUSH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n"
        ),
        format!(
            "POST /{path}/{PUSH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"OperatorID\""
        ),
    ] {
        let mut s = tokio::net::TcpStream::connect(host)
            .await
            .expect("connects");
        s.write_all(raw.as_bytes()).await.expect("writes");
        s.shutdown().await.expect("half-closes");
        let mut answer = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut answer)).await;
        let answer = String::from_utf8_lossy(&answer);
        assert!(!answer.contains("exceeds"), "{answer}");
        assert!(!answer.starts_with("HTTP/1.1 5"), "{answer}");
        if let Some((_, body)) = answer.split_once("\r\n\r\n") {
            let a: Value = serde_json::from_str(body).expect("an envelope");
            assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
            assert!(msg(&a).contains("could not be read"), "{a}");
        }
    }
}

/// Finding 9: the strict default is strict: `Seq` 0000 is outside 0001–9999, a code or a number
/// sent as a string (or as a float for an integer) is refused, messages name the field, never
/// serde's internals, and a refusal to a known peer is signed.
#[tokio::test]
async fn the_strict_default_refuses_what_the_standard_does_not_allow() {
    let city = city(ServerConfig::default()).await;
    let token = fetch_token(&city.url).await;
    let mut env = sealed(&sample(PUSH));
    env["Seq"] = json!("0000");
    resign(&mut env);
    let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "Seq 0000: {a}");
    assert!(msg(&a).contains("Seq"), "{a}");
    assert!(signed(&a), "a refusal to a known peer is signed: {a}");

    let alarm = "notification_alarmInfo";
    let cases = [
        (PUSH, "/ConnectorStatusInfo/Status", json!("3")),
        (PUSH, "/ConnectorStatusInfo/Status", json!(" 3")),
        (PUSH, "/ConnectorStatusInfo/Status", json!(3.0)),
        (PUSH, "/ConnectorStatusInfo/SOC", json!("55")),
        (
            PUSH,
            "/ConnectorStatusInfo/ChargeElectricity",
            json!("12.5"),
        ),
        (
            alarm,
            "/AlarmInfos/0/BmsInfo/MaxChargeCurrent",
            json!("1.5"),
        ),
    ];
    for (interface, pointer, value) in cases {
        let mut payload = sample(interface);
        *payload.pointer_mut(pointer).expect("the field") = value.clone();
        let a = post(&city.url, interface, Some(&token), bytes(&sealed(&payload))).await;
        assert_eq!(ret_of(&a), ret::BAD_PAYLOAD, "{pointer} = {value}: {a}");
        assert!(msg(&a).contains(pointer), "{pointer}: {a}");
        assert!(!msg(&a).contains("serde_json"), "{pointer}: {a}");
        assert!(signed(&a), "{a}");
    }
    assert!(city.mock.store.received(PUSH).is_empty());
}
