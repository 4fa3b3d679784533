//! The generated server and client over real HTTP on loopback: every refusal of chapter 10 with
//! its Ret (raw requests), and the client's token renewal, resend rule, response verification and
//! timeout. The positive case of every interface is the generated crate's own loopback test.

#[path = "support/platform.rs"]
mod platform;

use platform::*;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use chargespec_runtime::client::{ClientConfig, ClientError};
use chargespec_runtime::serde_json::{self, Value, json};
use chargespec_runtime::{Mode, Secret, axum, tokio};
use db4403_77_2024::protocol::{self, Keys, ret};
use db4403_77_2024::server::{HandlerError, ServerConfig};
use db4403_77_2024::{samples, types};

/// Valid Base64 of two AES blocks whose decryption ends in a zero byte: not PKCS#7 padding.
/// In CBC the last plaintext block is D(C1) XOR C0; with C1 the one-block ciphertext of `{}`,
/// D(C1) = P XOR IV is known, and C0 = D(C1) makes the last block all zeros.
fn badly_padded() -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let c1 = b64
        .decode(keys().encrypt(b"{}").expect("encrypts"))
        .expect("Base64");
    let mut p = b"{}".to_vec();
    p.resize(16, 14);
    let iv = keys().data_secret_iv.expose().as_bytes().to_vec();
    let c0: Vec<u8> = p.iter().zip(&iv).map(|(a, b)| a ^ b).collect();
    b64.encode([c0, c1].concat())
}

#[tokio::test]
async fn a_good_push_is_accepted_and_the_answer_is_signed() {
    let city = city(ServerConfig::default()).await;
    let token = fetch_token(&city.url).await;
    let answer = post(&city.url, PUSH, Some(&token), bytes(&sealed(&sample(PUSH)))).await;
    assert_eq!(ret_of(&answer), ret::SUCCESS, "{answer}");
    assert!(signed(&answer));
    let typed: types::ResponseEnvelope = serde_json::from_value(answer).expect("envelope");
    let ack: Option<Value> = protocol::open_response(&keys(), &typed).expect("opens");
    assert_eq!(ack, Some(json!({"Status": 0})));
    assert_eq!(city.mock.store.received(PUSH).len(), 1);
}

#[tokio::test]
async fn every_broken_envelope_is_refused_with_the_ret_of_the_spec() {
    let city = city(ServerConfig {
        body_limit: 64 * 1024,
        ..ServerConfig::default()
    })
    .await;
    let token = fetch_token(&city.url).await;
    let push = sample(PUSH);
    let refused = |answer: &Value, ret: i64, what: &str| {
        assert_eq!(ret_of(answer), ret, "{what}: {answer}");
        assert_eq!(answer["Data"], json!(""), "{what}: no data in a refusal");
    };

    // Not JSON.
    let a = post(&city.url, PUSH, Some(&token), b"{oops".to_vec()).await;
    refused(&a, ret::BAD_ENVELOPE, "not JSON");
    // Each envelope field missing.
    for field in ["OperatorID", "Data", "TimeStamp", "Seq", "Sig"] {
        let mut env = sealed(&push);
        env.as_object_mut().expect("object").remove(field);
        let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
        refused(&a, ret::BAD_ENVELOPE, field);
        assert!(a["Msg"].as_str().expect("Msg").contains(field), "{a}");
    }
    // Broken Base64, and valid Base64 that is not PKCS#7-padded ciphertext: signed correctly.
    for (what, data) in [
        ("broken Base64", "!!not base64!!".to_owned()),
        ("bad padding", badly_padded()),
    ] {
        let mut env = sealed(&push);
        env["Data"] = json!(data);
        resign(&mut env);
        let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
        refused(&a, ret::BAD_ENVELOPE, what);
        assert!(signed(&a), "{what}: a refusal to a known sender is signed");
    }
    // A bad signature, and a request sealed with the wrong keys.
    let mut env = sealed(&push);
    env["Sig"] = json!("0123456789ABCDEF0123456789ABCDEF");
    refused(
        &post(&city.url, PUSH, Some(&token), bytes(&env)).await,
        ret::BAD_SIGNATURE,
        "bad signature",
    );
    let env = sealed_with(&other_keys(), OPERATOR, 0, &push);
    refused(
        &post(&city.url, PUSH, Some(&token), bytes(&env)).await,
        ret::BAD_SIGNATURE,
        "wrong keys",
    );
    // An unknown operator: refused unsigned (no keys to sign with).
    let env = sealed_with(&keys(), "MA5DA0099", 0, &push);
    let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
    refused(&a, ret::BAD_ENVELOPE, "unknown operator");
    assert_eq!(a["Sig"], json!(""));
    // Missing and unknown tokens.
    refused(
        &post(&city.url, PUSH, None, bytes(&sealed(&push))).await,
        ret::BAD_TOKEN,
        "no token",
    );
    refused(
        &post(&city.url, PUSH, Some("nope"), bytes(&sealed(&push))).await,
        ret::BAD_TOKEN,
        "unknown token",
    );
    // An invalid business payload: every violation in Msg.
    let mut bad = push.clone();
    bad["ConnectorStatusInfo"]["ConnectorID"] = json!("X".repeat(100));
    bad["ConnectorStatusInfo"]["SOC"] = json!(101);
    let a = post(&city.url, PUSH, Some(&token), bytes(&sealed(&bad))).await;
    refused(&a, ret::BAD_PAYLOAD, "invalid payload");
    let msg = a["Msg"].as_str().expect("Msg");
    assert!(msg.contains("/ConnectorStatusInfo/ConnectorID"), "{msg}");
    assert!(msg.contains("/ConnectorStatusInfo/SOC"), "{msg}");
    assert!(signed(&a));
    // An oversized body is refused unread.
    let mut huge = sealed(&push);
    huge["Padding"] = json!("x".repeat(100 * 1024));
    let a = post(&city.url, PUSH, Some(&token), bytes(&huge)).await;
    refused(&a, ret::BAD_ENVELOPE, "oversized body");
    assert!(a["Msg"].as_str().expect("Msg").contains("exceeds"), "{a}");
    // A stale timestamp.
    let env = sealed_with(&keys(), OPERATOR, -3600, &push);
    refused(
        &post(&city.url, PUSH, Some(&token), bytes(&env)).await,
        ret::BAD_ENVELOPE,
        "stale timestamp",
    );
    // A replayed request: the first passes, the copy is refused.
    let env = sealed(&push);
    let first = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
    assert_eq!(ret_of(&first), ret::SUCCESS, "{first}");
    refused(
        &post(&city.url, PUSH, Some(&token), bytes(&env)).await,
        ret::BAD_ENVELOPE,
        "replay",
    );
    // Only the first copy of the replayed request reached the handler.
    assert_eq!(city.mock.store.received(PUSH).len(), 1);
}

static EXPIRY_SKEW: AtomicI64 = AtomicI64::new(0);

fn skewed_clock() -> i64 {
    chargespec_runtime::now_unix() + EXPIRY_SKEW.load(Ordering::Relaxed)
}

#[tokio::test]
async fn expired_tokens_are_refused_and_the_client_renews_once() {
    let city = city(ServerConfig {
        token_lifetime_s: 60,
        clock: skewed_clock,
        ..ServerConfig::default()
    })
    .await;
    let client = client(&city.url, keys(), quick());
    let push: types::NotificationStationStatusRequest =
        serde_json::from_value(sample(PUSH)).expect("typed");
    client
        .notification_station_status(&push)
        .await
        .expect("first push");
    let first = client.0.token().await.expect("cached token");
    // The platform's clock moves past the token's lifetime; the client's cache does not know.
    EXPIRY_SKEW.store(120, Ordering::Relaxed);
    let a = post(
        &city.url,
        PUSH,
        Some(first.expose()),
        bytes(&sealed(&sample(PUSH))),
    )
    .await;
    assert_eq!(ret_of(&a), ret::BAD_TOKEN, "{a}");
    client
        .notification_station_status(&push)
        .await
        .expect("the client renews its token and the push passes");
    let second = client.0.token().await.expect("renewed token");
    assert_ne!(first, second, "a new token was obtained");
    assert_eq!(city.mock.store.received(PUSH).len(), 2);
}

#[tokio::test]
async fn the_token_interface_refuses_a_wrong_secret() {
    let city = city(ServerConfig::default()).await;
    let wrong = Keys {
        operator_secret: Secret::new("not the secret!!"),
        ..keys()
    };
    match client(&city.url, wrong, quick()).0.token().await {
        Err(ClientError::TokenDenied {
            succ_stat,
            fail_reason,
        }) => assert_eq!((succ_stat, fail_reason), (1, 2)),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Wrong signing keys: the platform refuses with 4001 signed with the right keys, which the
    // client cannot verify: the answer is not trusted.
    match client(&city.url, other_keys(), quick()).0.token().await {
        Err(ClientError::BadSignature) => {}
        other => panic!("expected BadSignature, got {other:?}"),
    }
}

#[tokio::test]
async fn the_client_resends_while_the_platform_is_busy_but_not_after_a_system_error() {
    let city = city(ServerConfig::default()).await;
    let client = client(&city.url, keys(), quick());
    let push: types::NotificationStationStatusRequest =
        serde_json::from_value(sample(PUSH)).expect("typed");
    city.mock.fail_next(2, HandlerError::busy("busy"));
    client
        .notification_station_status(&push)
        .await
        .expect("passes on the third attempt");
    assert_eq!(city.mock.store.received(PUSH).len(), 1);

    city.mock.fail_next(4, HandlerError::busy("busy"));
    match client.notification_station_status(&push).await {
        Err(ClientError::Refused { ret, signed, .. }) => {
            assert_eq!(ret, ret::BUSY);
            assert!(signed);
        }
        other => panic!("expected Ret -1 after the resends, got {other:?}"),
    }
    city.mock.fail_next(1, HandlerError::system("boom"));
    match client.notification_station_status(&push).await {
        Err(ClientError::Refused { ret, .. }) => assert_eq!(ret, ret::SYSTEM_ERROR),
        other => panic!("expected Ret 500, got {other:?}"),
    }
    // Nothing left injected: the next push passes at once.
    client
        .notification_station_status(&push)
        .await
        .expect("passes");
    assert_eq!(city.mock.store.received(PUSH).len(), 2);
}

#[tokio::test]
async fn a_forged_answer_is_an_error_and_a_silent_platform_times_out() {
    // A platform answering with a wrong signature.
    let forged = axum::Router::new().fallback(|| async {
        let data = keys()
            .encrypt(br#"{"OperatorID":"MA5DA0053","SuccStat":0,"AccessToken":"t","TokenAvailableTime":7200,"FailReason":0}"#)
            .expect("encrypts");
        axum::Json(json!({"Ret": 0, "Msg": "", "Data": data, "Sig": "0123456789ABCDEF0123456789ABCDEF"}))
    });
    let url = listen(forged).await;
    match client(&url, keys(), quick()).0.token().await {
        Err(ClientError::BadSignature) => {}
        other => panic!("expected BadSignature, got {other:?}"),
    }
    // A platform that never answers in time.
    let silent = axum::Router::new().fallback(|| async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        ""
    });
    let url = listen(silent).await;
    let config = ClientConfig {
        timeout: Duration::from_millis(200),
        resend_attempts: 0,
        ..quick()
    };
    match client(&url, keys(), config).0.token().await {
        Err(ClientError::Transport(_)) => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[tokio::test]
async fn unknown_codes_pass_in_lenient_mode_only() {
    let mut push = sample(PUSH);
    push["ConnectorStatusInfo"]["Status"] = json!(77);
    let strict = city(ServerConfig::default()).await;
    let token = fetch_token(&strict.url).await;
    let a = post(&strict.url, PUSH, Some(&token), bytes(&sealed(&push))).await;
    assert_eq!(ret_of(&a), ret::BAD_PAYLOAD, "{a}");
    assert!(
        a["Msg"]
            .as_str()
            .expect("Msg")
            .contains("/ConnectorStatusInfo/Status")
    );

    let lenient = city(ServerConfig {
        mode: Mode::lenient(),
        ..ServerConfig::default()
    })
    .await;
    let token = fetch_token(&lenient.url).await;
    let a = post(&lenient.url, PUSH, Some(&token), bytes(&sealed(&push))).await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
    let kept = lenient.mock.store.received(PUSH);
    assert_eq!(kept[0].payload["ConnectorStatusInfo"]["Status"], json!(77));
}

#[tokio::test]
async fn the_plaintext_profile_is_off_by_default_and_carries_the_payload_itself() {
    let plain = |data: Value| {
        json!({
            "OperatorID": OPERATOR,
            "Data": data,
            "TimeStamp": stamp(0).as_str(),
            "Seq": format!("{:04}", SEQ.fetch_add(1, Ordering::Relaxed) % 9999 + 1),
            "Sig": "00000000000000000000000000000000",
        })
    };
    let ask = json!({"OperatorID": OPERATOR, "OperatorSecret": "Op3r4t0rS3cr3t01"});
    // Off by default: a plaintext request is not an envelope.
    let normal = city(ServerConfig::default()).await;
    let a = post(&normal.url, "query_token", None, bytes(&plain(ask.clone()))).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");

    let test = city(ServerConfig {
        plaintext: true,
        ..ServerConfig::default()
    })
    .await;
    let a = post(&test.url, "query_token", None, bytes(&plain(ask))).await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
    assert_eq!(a["Sig"], json!(""));
    let token = a["Data"]["AccessToken"]
        .as_str()
        .expect("a token in plain Data");
    let a = post(&test.url, PUSH, Some(token), bytes(&plain(sample(PUSH)))).await;
    assert_eq!(a["Data"], json!({"Status": 0}), "{a}");
    // Payload validation applies as usual.
    let a = post(&test.url, PUSH, Some(token), bytes(&plain(json!({})))).await;
    assert_eq!(ret_of(&a), ret::BAD_PAYLOAD, "{a}");
}

/// Issue 10, defect 1: two different, correctly signed pushes with the same TimeStamp and Seq
/// (peers that send a fixed Seq) are both accepted; an identical resend is still refused.
#[tokio::test]
async fn distinct_messages_in_one_second_are_accepted_and_an_identical_resend_is_not() {
    let city = city(ServerConfig::default()).await;
    let token = fetch_token(&city.url).await;
    let ts = stamp(0);
    let seal = |status: i64| {
        let mut p = sample(PUSH);
        p["ConnectorStatusInfo"]["Status"] = json!(status);
        let env = protocol::seal_request(&keys(), OPERATOR, ts.clone(), "0001".to_owned(), &p)
            .expect("seals");
        serde_json::to_value(env).expect("JSON")
    };
    let (first, second) = (seal(1), seal(2));
    assert_eq!(first["Seq"], second["Seq"]);
    assert_eq!(first["TimeStamp"], second["TimeStamp"]);
    let a = post(&city.url, PUSH, Some(&token), bytes(&first)).await;
    assert_eq!(ret_of(&a), ret::SUCCESS, "{a}");
    let a = post(&city.url, PUSH, Some(&token), bytes(&second)).await;
    assert_eq!(
        ret_of(&a),
        ret::SUCCESS,
        "the second status must not be lost: {a}"
    );
    let a = post(&city.url, PUSH, Some(&token), bytes(&first)).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
    assert_eq!(a["Msg"], json!("replayed request"));
    assert_eq!(city.mock.store.received(PUSH).len(), 2);
}

/// Issue 10, defect 5: once the sender is a configured peer, a refusal of its malformed envelope
/// is signed with its keys.
#[tokio::test]
async fn a_malformed_envelope_from_a_known_peer_is_refused_signed() {
    let city = city(ServerConfig::default()).await;
    let token = fetch_token(&city.url).await;
    for (field, bad) in [("TimeStamp", json!("2024")), ("Seq", json!("853"))] {
        let mut env = sealed(&sample(PUSH));
        env[field] = bad;
        let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
        assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{field}: {a}");
        assert!(
            signed(&a),
            "{field}: the refusal is signed for the known sender: {a}"
        );
    }
    // An unknown sender still gets an unsigned answer (there are no keys to sign with).
    let mut env = sealed(&sample(PUSH));
    env["OperatorID"] = json!("MA5DA9999");
    let a = post(&city.url, PUSH, Some(&token), bytes(&env)).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
    assert_eq!(a["Sig"], json!(""));
}

/// Issue 10, defect 6: a path the platform does not serve is answered with an envelope naming it.
#[tokio::test]
async fn an_unknown_interface_is_answered_with_an_envelope() {
    let city = city(ServerConfig::default()).await;
    let a = post(&city.url, "notification_nothing", None, b"{}".to_vec()).await;
    assert_eq!(ret_of(&a), ret::BAD_ENVELOPE, "{a}");
    assert!(
        a["Msg"]
            .as_str()
            .unwrap_or_default()
            .contains("notification_nothing"),
        "{a}"
    );
    assert_eq!(a["Data"], json!(""));
}

/// Issue 10, defect 2: an answer that decrypts but does not decode names the JSON pointer, not a
/// key problem.
#[test]
fn an_answer_that_decrypts_but_does_not_decode_names_its_pointer() {
    let answer = protocol::seal_response(
        &keys(),
        ret::SUCCESS,
        "",
        Some(&json!({"OperatorID": "MA5DA0001", "SuccStat": "zero"})),
    )
    .expect("seals");
    let e = protocol::open_response::<types::QueryTokenResponse>(&keys(), &answer)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("/SuccStat"), "{e}");
    assert!(!e.contains("cannot be decrypted"), "{e}");
}

/// An operator platform that sends `PageNo` as a string: refused by a strict client, accepted
/// (and counted) by a client with the peer's `numbers-as-strings` profile, an answer that fails
/// validation named field by field.
#[tokio::test]
async fn a_client_takes_the_peers_tolerance_profiles() -> Result<(), String> {
    use chargespec_runtime::{Tolerance, Tolerances};
    use db4403_77_2024::client::operator::OperatorClient;
    let mut answer: Value =
        serde_json::from_str(samples::response("query_stations_info").ok_or("no sample")?)
            .map_err(|e| e.to_string())?;
    answer["PageNo"] = json!("1");
    let token = json!({"OperatorID": OPERATOR, "SuccStat": 0, "AccessToken": "t0k3n",
        "TokenAvailableTime": 7200, "FailReason": 0});
    let seal = |payload: Value| {
        let env = protocol::seal_response(&keys(), 0, "", Some(&payload));
        axum::Json(env.ok().and_then(|e| serde_json::to_value(e).ok()))
    };
    let (t, a) = (token.clone(), answer.clone());
    let operator = axum::Router::new()
        .route(
            "/query_token",
            axum::routing::post(move || std::future::ready(seal(t.clone()))),
        )
        .route(
            "/query_stations_info",
            axum::routing::post(move || std::future::ready(seal(a.clone()))),
        );
    let url = listen(operator).await;
    let request: types::QueryStationsInfoRequest =
        serde_json::from_str(samples::request("query_stations_info").ok_or("no sample")?)
            .map_err(|e| e.to_string())?;
    let with = |answers: Option<Mode>| {
        OperatorClient::new(
            url.clone(),
            CITY,
            keys(),
            ClientConfig { answers, ..quick() },
        )
        .map_err(|e| e.to_string())
    };

    // Decoding only (the default): the string is not a number, and the error says where.
    let plain = with(None)?;
    match plain.query_stations_info(&request).await {
        Err(ClientError::Malformed(m)) => assert!(m.contains("/PageNo"), "{m}"),
        other => return Err(format!("{other:?}")),
    }
    // Validating strictly: refused with the violation.
    let strict = with(Some(Mode::strict()))?;
    match strict.query_stations_info(&request).await {
        Err(ClientError::Invalid(report)) => {
            assert!(report.to_string().contains("/PageNo"), "{report}");
        }
        other => return Err(format!("{other:?}")),
    }
    // With the peer's profile: accepted, and the deviation counted.
    let tolerant = Mode::strict().with_tolerances(Tolerances::of(Tolerance::NumbersAsStrings));
    let tolerant = with(Some(tolerant))?;
    let stations = tolerant
        .query_stations_info(&request)
        .await
        .map_err(|e| e.to_string())?;
    assert_eq!(
        serde_json::to_value(&stations).map_err(|e| e.to_string())?["PageNo"],
        json!(1)
    );
    assert_eq!((tolerant.0.deviations(), strict.0.deviations()), (1, 0));
    Ok(())
}
