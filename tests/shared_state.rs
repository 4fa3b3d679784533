//! Several instances of one platform on a shared Redis store (issue 13): a token issued by one
//! instance is honoured by the others, a resend is caught by any of them, tokens expire, and an
//! outage of the store is answered "busy" (Ret −1), never accepted unchecked and never a panic.
//!
//! Starts a real `redis-server` on loopback (the Debian package `redis-server`); skipped with a
//! message when it is not installed, unless `CHARGESPEC_REQUIRE_REDIS` is set (CI sets it).

#[path = "support/platform.rs"]
mod platform;

use std::sync::atomic::{AtomicI64, Ordering};

use chargespec_runtime::serde_json::json;
use chargespec_runtime::store::redis::TestServer;
use chargespec_runtime::tokio;
use db4403_77_2024::protocol::ret;
use db4403_77_2024::server::{Endpoint, ServerConfig};
use platform::*;

static SKEW: AtomicI64 = AtomicI64::new(0);

fn skewed_clock() -> i64 {
    chargespec_runtime::now_unix() + SKEW.load(Ordering::Relaxed)
}

/// An instance of the test city on the shared store.
async fn instance(config: &ServerConfig, redis: &TestServer) -> City {
    let stores = config
        .redis_stores(redis.url(), "chargespec:test-city:")
        .expect("a store");
    city_on(Endpoint::with_stores(
        CITY,
        city_peers(),
        config.clone(),
        stores,
    ))
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_tokens_and_the_replay_cache() {
    let Some(mut redis) = TestServer::start().expect("redis-server") else {
        return;
    };
    let config = ServerConfig {
        token_lifetime_s: 60,
        clock: skewed_clock,
        ..ServerConfig::default()
    };
    let (a, b) = (
        instance(&config, &redis).await,
        instance(&config, &redis).await,
    );

    // A token issued by A is honoured by B.
    let token = fetch_token(&a.url).await;
    let env = sealed(&sample(PUSH));
    let answer = post(&b.url, PUSH, Some(&token), bytes(&env)).await;
    assert_eq!(ret_of(&answer), ret::SUCCESS, "{answer}");
    // The same message resent to A, and to B again, is a resend.
    for url in [&a.url, &b.url] {
        let answer = post(url, PUSH, Some(&token), bytes(&env)).await;
        assert_eq!(ret_of(&answer), ret::BAD_ENVELOPE, "{answer}");
        assert_eq!(answer["Msg"], json!("replayed request"));
    }
    assert_eq!(a.mock.store.received(PUSH).len(), 0);
    assert_eq!(b.mock.store.received(PUSH).len(), 1);

    let fresh = || bytes(&sealed(&sample(PUSH)));

    // Expiry: past the lifetime on the instances' clock, the token is refused by both.
    SKEW.store(61, Ordering::Relaxed);
    for url in [&a.url, &b.url] {
        let answer = post(url, PUSH, Some(&token), fresh()).await;
        assert_eq!(ret_of(&answer), ret::BAD_TOKEN, "{answer}");
    }
    SKEW.store(0, Ordering::Relaxed);
    let answer = post(&a.url, PUSH, Some(&token), fresh()).await;
    assert_eq!(ret_of(&answer), ret::SUCCESS, "{answer}");

    // An outage of the store: busy, signed, never accepted; the token interface likewise.
    redis.stop();
    let before = a.mock.store.received(PUSH).len() + b.mock.store.received(PUSH).len();
    for url in [&a.url, &b.url] {
        let started = std::time::Instant::now();
        let answer = post(url, PUSH, Some(&token), fresh()).await;
        assert!(
            started.elapsed().as_secs() < 5,
            "an outage is answered within seconds"
        );
        assert_eq!(ret_of(&answer), ret::BUSY, "{answer}");
        assert!(signed(&answer), "{answer}");
        assert!(
            !answer["Msg"]
                .as_str()
                .unwrap_or_default()
                .contains("127.0.0.1"),
            "the store's address is not told: {answer}"
        );
        let ask = json!({"OperatorID": OPERATOR, "OperatorSecret": "Op3r4t0rS3cr3t01"});
        let answer = post(url, "query_token", None, bytes(&sealed(&ask))).await;
        assert_eq!(ret_of(&answer), ret::BUSY, "{answer}");
    }
    let after = a.mock.store.received(PUSH).len() + b.mock.store.received(PUSH).len();
    assert_eq!(before, after, "nothing accepted during the outage");
}
