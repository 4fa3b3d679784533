//! HTTP throughput (run with `cargo bench -p chargespec-tests --bench http`; numbers go in the
//! README): the mock city platform answering `notification_stationStatus` with the full envelope
//! (token, timestamp window, replay cache, signature, AES, strict validation, sealed answer)
//! against a bare axum handler echoing the same JSON body, under the same load generator on the
//! same machine. The ratio is the cost of the protocol; the target is ≥ 0.8.
//!
//! The same rounds run with the token store and replay cache on a local `redis-server` (when
//! installed): the envelope server's capacity with the in-memory and the shared store side by
//! side.
//!
//! The load generator sends pre-sealed requests (each with its own `TimeStamp`/`Seq`, so the
//! replay cache accepts every one) from `CONCURRENCY` tasks over keep-alive connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chargespec_mock::city::CityMock;
use chargespec_runtime::time::{CompactDateTime, Parts};
use chargespec_runtime::{Secret, axum, tokio};
use db4403_77_2024::client::city::CityClient;
use db4403_77_2024::protocol::{self, Keys, Peers};
use db4403_77_2024::server::{Endpoint, ServerConfig, city};

const CONCURRENCY: usize = 32;
const ROUND: Duration = Duration::from_secs(4);
const OPERATOR: &str = "MA5DA0053";

fn keys() -> Keys {
    Keys {
        operator_secret: Secret::new("Op3r4t0rS3cr3t01"),
        data_secret: Secret::new("D4t4S3cr3tK3y016"),
        data_secret_iv: Secret::new("D4t4S3cr3tIV0016"),
        sig_secret: Secret::new("S1gS3cr3tK3y0016"),
    }
}

/// A fresh mock city (full envelope, default policy) and a token it issued; its tokens and
/// replay cache in memory, or on the Redis server at `redis` under `prefix`.
async fn mock_city(redis: Option<(&str, &str)>) -> (String, String) {
    let mut peers = Peers::new();
    peers.insert(OPERATOR, keys());
    // More messages than the default replay capacity arrive inside the window in one round: a
    // full cache answers "busy" by design, which is not what is measured here.
    let config = ServerConfig {
        replay_capacity: 1_000_000,
        ..ServerConfig::default()
    };
    let stores = match redis {
        None => config.memory_stores(),
        Some((url, prefix)) => server_runtime()
            .spawn({
                let (config, url, prefix) = (config.clone(), url.to_owned(), prefix.to_owned());
                async move { config.redis_stores(&url, &prefix) }
            })
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|e| panic!("{e}")),
    };
    let endpoint = Endpoint::with_stores("MA5DA0001", peers, config, stores);
    let base = endpoint.base_path().to_owned();
    let url = format!(
        "{}{base}",
        listen(city::router(CityMock::new(), endpoint)).await
    );
    let token = CityClient::new(
        url.clone(),
        OPERATOR,
        keys(),
        db4403_77_2024::client::default_config(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
    .0
    .token()
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .expose()
    .to_owned();
    (format!("{url}/notification_stationStatus"), token)
}

/// The servers run on their own single-threaded runtime (one core), the load generator on
/// another: a server's throughput is then bounded by its own cost.
fn server_runtime() -> &'static tokio::runtime::Runtime {
    static RT: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("{e}"))
    })
}

/// CPU time (ns) used so far by the server runtime's worker thread (Linux schedstat).
async fn server_cpu_ns() -> u64 {
    server_runtime()
        .spawn(async {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
                .unwrap_or(0)
        })
        .await
        .unwrap_or(0)
}

async fn listen(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    server_runtime().spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

/// CPU time (ns) used so far by the process `pid` (Linux `/proc/<pid>/stat`, clock ticks).
fn process_cpu_ns(pid: Option<u32>) -> u64 {
    let Some(pid) = pid else { return 0 };
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: u64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    ticks * 10_000_000 // USER_HZ = 100
}

/// `n` distinct sealed requests: `TimeStamp`s in the last minutes, every `Seq` of each second.
fn sealed_bodies(n: usize) -> Vec<Vec<u8>> {
    let payload: serde_json::Value = serde_json::from_str(
        db4403_77_2024::samples::request("notification_stationStatus").unwrap_or("{}"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let now = chargespec_runtime::now_unix() + protocol::UTC_OFFSET_S;
    (0..n)
        .map(|i| {
            let second = i64::try_from(i / 9999).unwrap_or(0);
            let ts = CompactDateTime::from_parts(Parts::from_unix(now - 200 + second))
                .unwrap_or_else(|| panic!("timestamp"));
            let seq = format!("{:04}", i % 9999 + 1);
            let env = protocol::seal_request(&keys(), OPERATOR, ts, seq, &payload)
                .unwrap_or_else(|e| panic!("{e}"));
            serde_json::to_vec(&env).unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

/// Requests per second answered with success during `ROUND`, and how many. Panics if any
/// request was refused.
async fn load(url: String, token: String, bodies: Arc<Vec<Vec<u8>>>) -> (f64, usize) {
    let http = chargespec_runtime::client::http_client(Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("{e}"));
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (http, url, token, bodies, next, failed) = (
                http.clone(),
                url.clone(),
                token.clone(),
                bodies.clone(),
                next.clone(),
                failed.clone(),
            );
            tokio::spawn(async move {
                let mut done = 0usize;
                while start.elapsed() < ROUND {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(body) = bodies.get(i) else { break };
                    let answer = http
                        .post(&url)
                        .header("Content-Type", protocol::CONTENT_TYPE)
                        .header("Authorization", format!("Bearer {token}"))
                        .body(body.clone())
                        .send()
                        .await;
                    match answer {
                        Ok(r) if r.status().is_success() => {
                            let text = r.bytes().await.unwrap_or_default();
                            // The envelope answer must be a success, not a refusal.
                            if text.starts_with(b"{\"Ret\":0") || !text.starts_with(b"{\"Ret\"") {
                                done += 1;
                            } else {
                                if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                                    eprintln!(
                                        "first refusal: {}",
                                        String::from_utf8_lossy(&text[..text.len().min(200)])
                                    );
                                }
                            }
                        }
                        other => {
                            if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                                eprintln!("first failure: {:?}", other.map(|r| r.status()));
                            }
                        }
                    }
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap_or(0);
    }
    let secs = start.elapsed().as_secs_f64();
    #[allow(clippy::cast_precision_loss)]
    let rate = total as f64 / secs;
    assert_eq!(failed.load(Ordering::Relaxed), 0, "requests were refused");
    (rate, total)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    rt.block_on(async {
        // The bare handler: parse the JSON body and echo it.
        let bare = axum::Router::new().route(
            "/echo",
            axum::routing::post(|axum::Json(v): axum::Json<serde_json::Value>| async move {
                axum::Json(v)
            }),
        );
        let bare_url = format!("{}/echo", listen(bare).await);

        let bodies = Arc::new(tokio::task::spawn_blocking(|| sealed_bodies(200_000)).await.unwrap_or_default());
        // The protocol pipeline alone (no HTTP), on one thread.
        let pipeline_us = {
            let mut peers = Peers::new();
            peers.insert(OPERATOR, keys());
            let tokens = chargespec_runtime::token::TokenStore::new(7200);
            let now = chargespec_runtime::now_unix();
            let bearer = format!(
                "Bearer {}",
                tokens
                    .issue(OPERATOR, u64::try_from(now).unwrap_or(0))
                    .unwrap_or_else(|e| panic!("{e}"))
                    .expose()
            );
            let replay = chargespec_runtime::token::ReplayCache::new(300);
            let policy = protocol::Policy {
                mode: chargespec_runtime::Mode::strict(),
                timestamp_window_s: Some(300),
                now_unix: now,
                plaintext: false,
            };
            let n = 20_000;
            let t = Instant::now();
            for body in bodies.iter().rev().take(n) {
                let opened = protocol::open_request::<db4403_77_2024::types::NotificationStationStatusRequest>(
                    &peers,
                    &tokens,
                    Some(&replay),
                    "notification_stationStatus",
                    Some(&bearer),
                    body,
                    &policy,
                )
                .await
                .unwrap_or_else(|r| panic!("{r:?}"));
                let ack = serde_json::json!({"Status": 0});
                let sealed = protocol::seal_response(&keys(), 0, "", Some(&ack)).unwrap_or_else(|e| panic!("{e}"));
                std::hint::black_box((opened, serde_json::to_vec(&sealed).unwrap_or_default()));
            }
            #[allow(clippy::cast_precision_loss)]
            let per = t.elapsed().as_secs_f64() * 1e6 / n as f64;
            per
        };
        println!("protocol pipeline alone (open_request + seal_response): {pipeline_us:.1} µs per request");
        // Alternate rounds (a fresh mock city each time, so no request is a replay); the median
        // ratio is reported.
        let redis = chargespec_runtime::store::redis::TestServer::start().unwrap_or_else(|e| panic!("{e}"));
        if redis.is_none() {
            println!("redis-server not installed: the shared-store rounds are skipped");
        }
        let mut ratios = Vec::new();
        let mut costs = Vec::new();
        let mut shared = Vec::new();
        for round in 1..=3 {
            let before = server_cpu_ns().await;
            let (plain, plain_n) = load(bare_url.clone(), String::new(), bodies.clone()).await;
            let bare_ns = (server_cpu_ns().await - before) / plain_n.max(1) as u64;
            let (push, token) = mock_city(None).await;
            let before = server_cpu_ns().await;
            let (envelope, n) = load(push, token, bodies.clone()).await;
            let envelope_ns = (server_cpu_ns().await - before) / n.max(1) as u64;
            println!(
                "round {round}: in-memory store: envelope {envelope:.0} req/s ({:.1} µs server CPU each), bare axum {plain:.0} req/s ({:.1} µs), throughput ratio {:.2}, server capacity ratio {:.2}",
                envelope_ns as f64 / 1e3,
                bare_ns as f64 / 1e3,
                envelope / plain,
                bare_ns as f64 / envelope_ns as f64
            );
            ratios.push(envelope / plain);
            costs.push(bare_ns as f64 / envelope_ns as f64);
            if let Some(redis) = &redis {
                let prefix = format!("bench{round}:");
                let (push, token) = mock_city(Some((redis.url(), &prefix))).await;
                let (before, redis_before) = (server_cpu_ns().await, process_cpu_ns(redis.pid()));
                let (throughput, n) = load(push, token, bodies.clone()).await;
                let server_ns = (server_cpu_ns().await - before) / n.max(1) as u64;
                let redis_ns = (process_cpu_ns(redis.pid()) - redis_before) / n.max(1) as u64;
                println!(
                    "round {round}: Redis store: envelope {throughput:.0} req/s ({:.1} µs server CPU + {:.1} µs redis-server CPU each), throughput ratio {:.2}, server capacity ratio {:.2} (with redis-server's CPU {:.2})",
                    server_ns as f64 / 1e3,
                    redis_ns as f64 / 1e3,
                    throughput / plain,
                    bare_ns as f64 / server_ns as f64,
                    bare_ns as f64 / (server_ns + redis_ns) as f64
                );
                shared.push((throughput / plain, bare_ns as f64 / server_ns as f64));
            }
        }
        ratios.sort_by(f64::total_cmp);
        costs.sort_by(f64::total_cmp);
        println!(
            "notification_stationStatus, {CONCURRENCY} concurrent, {} s rounds, in-memory store: median throughput ratio {:.2}, median server capacity ratio {:.2} (target >= 0.8)",
            ROUND.as_secs(),
            ratios[1],
            costs[1]
        );
        if shared.len() == 3 {
            let mut t: Vec<f64> = shared.iter().map(|s| s.0).collect();
            let mut c: Vec<f64> = shared.iter().map(|s| s.1).collect();
            t.sort_by(f64::total_cmp);
            c.sort_by(f64::total_cmp);
            println!(
                "notification_stationStatus, {CONCURRENCY} concurrent, {} s rounds, Redis store: median throughput ratio {:.2}, median server capacity ratio {:.2}",
                ROUND.as_secs(),
                t[1],
                c[1]
            );
        }
    });
}
