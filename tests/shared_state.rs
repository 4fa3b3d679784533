//! Several instances of one platform on a shared Redis store (issue 13): a token issued by one
//! instance is honoured by the others, a resend is caught by any of them, tokens expire, and an
//! outage of the store is answered "busy" (Ret −1), never accepted unchecked and never a panic.
//!
//! Starts a real `redis-server` on loopback (the Debian package `redis-server`); skipped with a
//! message when it is not installed, unless `CHARGESPEC_REQUIRE_REDIS` is set (CI sets it).

#[path = "support/platform.rs"]
mod platform;

use chargespec_mock::config::Config;
use chargespec_mock::editions::Db4403_77_2024;
use chargespec_runtime::serde_json::json;
use chargespec_runtime::store::redis::TestServer;
use chargespec_runtime::tokio;
use db4403_77_2024::protocol::ret;
use platform::*;

/// An instance of the mock city with its store from its configuration (`store = "redis://…"`),
/// as `mock-city --config` builds it.
async fn instance(redis: &TestServer) -> City {
    let text = format!(
        "listen = \"127.0.0.1:0\"\noperator_id = \"{CITY}\"\ntoken_lifetime_s = 2\n\
         store = \"{}\"\nstore_prefix = \"chargespec:test-city:\"\n\
         [[peers]]\noperator_id = \"{OPERATOR}\"\noperator_secret = \"Op3r4t0rS3cr3t01\"\n\
         data_secret = \"D4t4S3cr3tK3y016\"\ndata_secret_iv = \"D4t4S3cr3tIV0016\"\n\
         sig_secret = \"S1gS3cr3tK3y0016\"\n",
        redis.url()
    );
    let config = Config::parse(&text).expect("a configuration");
    let endpoint = config
        .endpoint::<Db4403_77_2024>(false)
        .expect("an endpoint on the shared store");
    city_on(endpoint).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_tokens_and_the_replay_cache() {
    let Some(mut redis) = TestServer::start().expect("redis-server") else {
        return;
    };
    let (a, b) = (instance(&redis).await, instance(&redis).await);

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

    // Expiry: past its 2 s lifetime, the token is refused by both; a new one works.
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    for url in [&a.url, &b.url] {
        let answer = post(url, PUSH, Some(&token), fresh()).await;
        assert_eq!(ret_of(&answer), ret::BAD_TOKEN, "{answer}");
    }
    let token = fetch_token(&b.url).await;
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
