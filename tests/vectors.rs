//! The three published crypto vectors (tests/vectors/published.json; its `source` names the
//! public documents and repository they come from) reproduced byte for byte through the generated protocol
//! code: encryption, decryption, request and response signatures.

use chargespec_runtime::Secret;
use chargespec_runtime::envelope::EnvelopeError;
use chargespec_runtime::time::CompactDateTime;
use db4403_77_2024::codes::Ret;
use db4403_77_2024::protocol::{self, Keys};
use db4403_77_2024::types::{RequestEnvelope, ResponseEnvelope};
use serde_json::Value;

fn vectors() -> (Keys, Vec<Value>) {
    let text =
        std::fs::read_to_string(chargespec_tests::root().join("tests/vectors/published.json"))
            .expect("vectors");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    let s = |k: &str| Secret::new(v[k].as_str().expect("key"));
    let keys = Keys {
        operator_secret: Secret::new("unused"),
        data_secret: s("data_secret"),
        data_secret_iv: s("data_secret_iv"),
        sig_secret: s("sig_secret"),
    };
    (keys, v["vectors"].as_array().expect("vectors").clone())
}

fn str_of<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k}"))
}

#[test]
fn the_spec_says_what_is_signed() {
    assert_eq!(
        protocol::REQUEST_SIGNED_FIELDS,
        ["OperatorID", "Data", "TimeStamp", "Seq"]
    );
    assert_eq!(protocol::RESPONSE_SIGNED_FIELDS, ["Ret", "Msg", "Data"]);
    const { assert!(protocol::VERIFY_BEFORE_DECRYPT) };
    assert_eq!(
        (
            protocol::ret::BAD_SIGNATURE,
            protocol::ret::BAD_TOKEN,
            protocol::ret::BAD_ENVELOPE,
            protocol::ret::BAD_PAYLOAD
        ),
        (4001, 4002, 4003, 4004)
    );
    assert_eq!(protocol::TOKEN_INTERFACE, "query_token");
}

#[test]
fn published_vectors_are_reproduced_byte_for_byte() {
    let (keys, vectors) = vectors();
    assert_eq!(vectors.len(), 3);
    for v in &vectors {
        let name = str_of(v, "name");
        let plaintext = str_of(v, "plaintext").as_bytes();
        let data = str_of(v, "data");
        // Encryption of the exact plaintext bytes gives the published Data, and back.
        assert_eq!(
            keys.encrypt(plaintext).expect("encrypts"),
            data,
            "{name}: encryption"
        );
        assert_eq!(
            keys.decrypt(data).expect("decrypts"),
            plaintext,
            "{name}: decryption"
        );
        match str_of(v, "kind") {
            "request" => {
                let env = RequestEnvelope {
                    operator_id: str_of(v, "operator_id").to_owned(),
                    data: data.to_owned(),
                    time_stamp: CompactDateTime::parse(str_of(v, "time_stamp")).expect("timestamp"),
                    seq: str_of(v, "seq").to_owned(),
                    sig: str_of(v, "sig").to_owned(),
                };
                assert_eq!(
                    keys.sign_request(&env).expect("signs"),
                    env.sig,
                    "{name}: request signature"
                );
                assert_eq!(keys.verify_request(&env), Ok(()), "{name}");
                let mut tampered = env.clone();
                tampered.seq = "0002".into();
                assert_eq!(
                    keys.verify_request(&tampered),
                    Err(EnvelopeError::Signature),
                    "{name}: tampered"
                );
                let lower = RequestEnvelope {
                    sig: env.sig.to_lowercase(),
                    ..env
                };
                assert_eq!(keys.verify_request(&lower), Ok(()), "{name}: hex case");
            }
            _ => {
                let env = ResponseEnvelope {
                    ret: Ret::from_code(v["ret"].as_i64().expect("ret")),
                    msg: str_of(v, "msg").to_owned(),
                    data: data.to_owned(),
                    sig: str_of(v, "sig").to_owned(),
                };
                assert_eq!(
                    keys.sign_response(&env).expect("signs"),
                    env.sig,
                    "{name}: response signature"
                );
                assert_eq!(keys.verify_response(&env), Ok(()), "{name}");
            }
        }
    }
}

#[test]
fn vector_3_is_crypto_only_and_does_not_decode_as_a_business_object() {
    let (keys, vectors) = vectors();
    let v = &vectors[2];
    let plain = keys.decrypt(str_of(v, "data")).expect("decrypts");
    // Trailing comma and camelCase keys: strict JSON decoding fails with a located error.
    let report = chargespec_runtime::validate::decode::<db4403_77_2024::types::StationStatusInfo>(
        &plain,
        chargespec_runtime::Mode::strict(),
    )
    .expect_err("not a business object");
    assert_eq!(report.violations.len(), 1, "{report}");
    assert_eq!(report.violations[0].rule.name(), "format");
}

#[test]
fn wrong_keys_and_broken_data_are_errors() {
    let (keys, vectors) = vectors();
    let data = str_of(&vectors[0], "data");
    let wrong = Keys {
        data_secret: Secret::new("fedcba0987654321"),
        ..keys.clone()
    };
    assert_eq!(wrong.decrypt(data), Err(EnvelopeError::Decrypt));
    assert_eq!(keys.decrypt("@@@"), Err(EnvelopeError::Base64));
    let short = Keys {
        data_secret: Secret::new("short"),
        ..keys.clone()
    };
    assert!(matches!(
        short.decrypt(data),
        Err(EnvelopeError::KeyLength { .. })
    ));
    let debug = format!("{keys:?}");
    assert!(!debug.contains("1234567890abcdef"), "{debug}");
}
