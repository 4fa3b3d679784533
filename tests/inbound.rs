//! The receiver pipeline generated from chapter 10 (`protocol::open_request`), without HTTP:
//! every check fails with the Ret code the spec assigns, and a request that passes all of them
//! yields the typed, validated payload. The client side (`seal_request`, `open_response`) round
//! trips with the server side (`seal_response`).

use chargespec_runtime::time::{CompactDateTime, Parts};
use chargespec_runtime::token::{ReplayCache, TokenStore};
use chargespec_runtime::{Mode, Secret, tokio};
use db4403_77_2024::protocol::{self, Keys, Peers, Policy, Refusal};
use db4403_77_2024::types::{QueryStationsStatusRequest, QueryTokenRequest, RequestEnvelope};

const NOW: i64 = 1_735_660_800; // 2025-01-01 00:00:00 UTC

/// Runs a pipeline future to its end (the in-memory stores answer at once).
fn block<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
        .block_on(f)
}

fn keys() -> Keys {
    Keys {
        operator_secret: Secret::new("1234567890abcdef"),
        data_secret: Secret::new("1234567890abcdef"),
        data_secret_iv: Secret::new("1234567890abcdef"),
        sig_secret: Secret::new("1234567890abcdef"),
    }
}

fn peers() -> Peers {
    let mut p = Peers::new();
    p.insert("MA5DA0053", keys());
    p
}

fn policy() -> Policy {
    Policy {
        mode: Mode::strict(),
        timestamp_window_s: Some(300),
        now_unix: NOW,
        plaintext: false,
    }
}

fn stamp(offset_s: i64) -> CompactDateTime {
    CompactDateTime::from_parts(Parts::from_unix(NOW + 8 * 3600 + offset_s)).expect("valid")
}

fn request(payload: &serde_json::Value, seq: &str) -> RequestEnvelope {
    protocol::seal_request(&keys(), "MA5DA0053", stamp(0), seq.to_owned(), payload).expect("seals")
}

fn body(env: &RequestEnvelope) -> Vec<u8> {
    serde_json::to_vec(env).expect("serialises")
}

fn open(
    tokens: &TokenStore,
    interface: &str,
    auth: Option<&str>,
    body: &[u8],
) -> Result<protocol::Opened<QueryStationsStatusRequest>, Refusal> {
    block(protocol::open_request(
        &peers(),
        tokens,
        None,
        interface,
        auth,
        body,
        &policy(),
    ))
}

fn bearer(tokens: &TokenStore) -> String {
    format!(
        "Bearer {}",
        tokens
            .issue("MA5DA0053", u64::try_from(NOW).unwrap_or(0))
            .expect("token")
            .expose()
    )
}

#[test]
fn a_good_request_passes_every_check() {
    let tokens = TokenStore::new(7200);
    let auth = bearer(&tokens);
    let env = request(&serde_json::json!({"StationIDs": ["S1", "S2"]}), "0001");
    let opened = open(&tokens, "query_stations_status", Some(&auth), &body(&env)).expect("passes");
    assert_eq!(
        opened.payload.station_ids,
        vec!["S1".to_owned(), "S2".to_owned()]
    );
    assert_eq!(opened.token_owner.as_deref(), Some("MA5DA0053"));
}

#[test]
fn the_token_interface_needs_no_token() {
    let tokens = TokenStore::new(7200);
    let env = request(
        &serde_json::json!({"OperatorID": "MA5DA0053", "OperatorSecret": "1234567890abcdef"}),
        "0001",
    );
    let opened: protocol::Opened<QueryTokenRequest> = block(protocol::open_request(
        &peers(),
        &tokens,
        None,
        "query_token",
        None,
        &body(&env),
        &policy(),
    ))
    .expect("passes");
    assert_eq!(opened.payload.operator_secret.expose(), "1234567890abcdef");
    assert!(opened.token_owner.is_none());
}

#[test]
fn each_failed_check_has_the_ret_of_the_spec() {
    let tokens = TokenStore::new(7200);
    let auth = bearer(&tokens);
    let good = request(&serde_json::json!({"StationIDs": ["S1"]}), "0001");
    let ret = |r: Result<protocol::Opened<QueryStationsStatusRequest>, Refusal>| {
        r.map(|_| 0).unwrap_or_else(|e| e.ret)
    };

    // 4003: not JSON, and each envelope field missing.
    assert_eq!(
        ret(open(
            &tokens,
            "query_stations_status",
            Some(&auth),
            b"{oops"
        )),
        protocol::ret::BAD_ENVELOPE
    );
    for field in ["OperatorID", "Data", "TimeStamp", "Seq", "Sig"] {
        let mut v = serde_json::to_value(&good).expect("value");
        v.as_object_mut().expect("object").remove(field);
        let r = open(
            &tokens,
            "query_stations_status",
            Some(&auth),
            &serde_json::to_vec(&v).expect("bytes"),
        );
        let e = r.expect_err(field);
        assert_eq!(e.ret, protocol::ret::BAD_ENVELOPE, "{field}");
        assert!(e.msg.contains(field), "{field}: {}", e.msg);
    }
    // 4002: no token, unknown token, expired token.
    assert_eq!(
        ret(open(&tokens, "query_stations_status", None, &body(&good))),
        protocol::ret::BAD_TOKEN
    );
    assert_eq!(
        ret(open(
            &tokens,
            "query_stations_status",
            Some("Bearer nope"),
            &body(&good)
        )),
        protocol::ret::BAD_TOKEN
    );
    let expired = TokenStore::new(0);
    let old = format!(
        "Bearer {}",
        expired.issue("MA5DA0053", 0).expect("token").expose()
    );
    assert_eq!(
        ret(open(
            &expired,
            "query_stations_status",
            Some(&old),
            &body(&good)
        )),
        protocol::ret::BAD_TOKEN
    );
    // 4001: a changed field, wrong keys.
    let mut tampered = good.clone();
    tampered.seq = "0002".into();
    assert_eq!(
        ret(open(
            &tokens,
            "query_stations_status",
            Some(&auth),
            &body(&tampered)
        )),
        protocol::ret::BAD_SIGNATURE
    );
    let wrong = Keys {
        sig_secret: Secret::new("fedcba0987654321"),
        ..keys()
    };
    let forged = protocol::seal_request(
        &wrong,
        "MA5DA0053",
        stamp(0),
        "0001".into(),
        &serde_json::json!({"StationIDs": ["S1"]}),
    )
    .expect("seals");
    assert_eq!(
        ret(open(
            &tokens,
            "query_stations_status",
            Some(&auth),
            &body(&forged)
        )),
        protocol::ret::BAD_SIGNATURE
    );
    // 4003: broken Base64 and bad padding under a valid signature.
    for data in ["%%%not-base64", "AAAAAAAAAAAAAAAAAAAAAA=="] {
        let mut env = good.clone();
        env.data = data.into();
        env.sig = keys().sign_request(&env).expect("signs");
        assert_eq!(
            ret(open(
                &tokens,
                "query_stations_status",
                Some(&auth),
                &body(&env)
            )),
            protocol::ret::BAD_ENVELOPE,
            "{data}"
        );
    }
    // 4003: a stale timestamp.
    let stale = protocol::seal_request(
        &keys(),
        "MA5DA0053",
        stamp(-3600),
        "0001".into(),
        &serde_json::json!({"StationIDs": ["S1"]}),
    )
    .expect("seals");
    assert_eq!(
        ret(open(
            &tokens,
            "query_stations_status",
            Some(&auth),
            &body(&stale)
        )),
        protocol::ret::BAD_ENVELOPE
    );
    // 4004: an invalid business payload, with every violation in Msg.
    let bad = request(
        &serde_json::json!({"StationIDs": ["X".repeat(21), "Y".repeat(30)]}),
        "0003",
    );
    let e = open(&tokens, "query_stations_status", Some(&auth), &body(&bad)).expect_err("invalid");
    assert_eq!(e.ret, protocol::ret::BAD_PAYLOAD);
    assert!(
        e.msg.contains("/StationIDs/0") && e.msg.contains("/StationIDs/1"),
        "{}",
        e.msg
    );
}

#[test]
fn a_replayed_request_is_refused() {
    let tokens = TokenStore::new(7200);
    let auth = bearer(&tokens);
    let replay = ReplayCache::new(300);
    let env = request(&serde_json::json!({"StationIDs": ["S1"]}), "0007");
    let run = || {
        block(protocol::open_request::<QueryStationsStatusRequest>(
            &peers(),
            &tokens,
            Some(&replay),
            "query_stations_status",
            Some(&auth),
            &body(&env),
            &policy(),
        ))
    };
    assert!(run().is_ok());
    assert_eq!(
        run().map(|_| 0).unwrap_or_else(|e| e.ret),
        protocol::ret::BAD_ENVELOPE
    );
}

#[test]
fn responses_round_trip_and_bad_signatures_are_errors() {
    let payload = serde_json::json!({"Status": 0});
    let env = protocol::seal_response(&keys(), 0, "", Some(&payload)).expect("seals");
    let back: Option<serde_json::Value> = protocol::open_response(&keys(), &env).expect("opens");
    assert_eq!(back, Some(payload));
    let error = protocol::seal_response::<serde_json::Value>(
        &keys(),
        protocol::ret::BAD_PAYLOAD,
        "StationID: length",
        None,
    )
    .expect("seals");
    assert!(error.data.is_empty());
    assert_eq!(
        protocol::open_response::<serde_json::Value>(&keys(), &error),
        Ok(None)
    );
    let mut forged = env.clone();
    forged.msg = "changed".into();
    assert!(protocol::open_response::<serde_json::Value>(&keys(), &forged).is_err());
}

#[test]
fn an_unknown_sender_is_refused_unsigned_and_a_borrowed_token_is_refused() {
    let tokens = TokenStore::new(7200);
    let auth = bearer(&tokens);
    let stranger = protocol::seal_request(
        &keys(),
        "MA5DA0099",
        stamp(0),
        "0001".to_owned(),
        &serde_json::json!({"StationIDs": ["S1"]}),
    )
    .expect("seals");
    let e = open(
        &tokens,
        "query_stations_status",
        Some(&auth),
        &body(&stranger),
    )
    .expect_err("unknown sender");
    assert_eq!(e.ret, protocol::ret::BAD_ENVELOPE);
    assert!(e.msg.contains("MA5DA0099"), "{}", e.msg);
    assert_eq!(e.peer, None, "no keys to sign the refusal with");

    // A second peer presenting the first peer's token.
    let mut two = peers();
    two.insert("MA5DA0099", keys());
    let e = block(protocol::open_request::<QueryStationsStatusRequest>(
        &two,
        &tokens,
        None,
        "query_stations_status",
        Some(&auth),
        &body(&stranger),
        &policy(),
    ))
    .expect_err("borrowed token");
    assert_eq!(e.ret, protocol::ret::BAD_TOKEN);
    assert_eq!(e.peer.as_deref(), Some("MA5DA0099"));
}

#[test]
fn the_plaintext_profile_takes_the_payload_itself_and_skips_the_signature() {
    let tokens = TokenStore::new(7200);
    let auth = bearer(&tokens);
    let plain = serde_json::json!({
        "OperatorID": "MA5DA0053",
        "Data": {"StationIDs": ["S1"]},
        "TimeStamp": stamp(0).as_str(),
        "Seq": "0001",
        "Sig": "00000000000000000000000000000000",
    });
    let bytes = serde_json::to_vec(&plain).expect("bytes");
    let run = |plaintext: bool| {
        block(protocol::open_request::<QueryStationsStatusRequest>(
            &peers(),
            &tokens,
            None,
            "query_stations_status",
            Some(&auth),
            &bytes,
            &Policy {
                plaintext,
                ..policy()
            },
        ))
    };
    let opened = run(true).expect("plaintext profile");
    assert_eq!(opened.payload.station_ids, vec!["S1".to_owned()]);
    // Off by default: the same request is not an envelope.
    assert_eq!(
        run(false).map(|_| 0).unwrap_or_else(|e| e.ret),
        protocol::ret::BAD_ENVELOPE
    );
    // Payload validation still applies.
    let mut bad = plain.clone();
    bad["Data"] = serde_json::json!({"StationIDs": "S1"});
    let e = block(protocol::open_request::<QueryStationsStatusRequest>(
        &peers(),
        &tokens,
        None,
        "query_stations_status",
        Some(&auth),
        &serde_json::to_vec(&bad).expect("bytes"),
        &Policy {
            plaintext: true,
            ..policy()
        },
    ))
    .expect_err("invalid payload");
    assert_eq!(e.ret, protocol::ret::BAD_PAYLOAD);
}
