//! `chargespec envelope`: the published vectors opened through the envelope inspector (a JSON body
//! and a raw HTTP capture), and one test per known mistake, each message built with that mistake
//! and explained by name.

use chargespec::tools::envelope::{self, Captured, OpenOptions, Opened, Status};
use chargespec_runtime::Mode;
use chargespec_runtime::config::Config;
use chargespec_runtime::envelope::{encrypt_aes128_cbc_base64, hmac_md5_hex};
use chargespec_runtime::spec_envelope::Profile;
use serde_json::{Map, Value};

struct Fixture {
    ir: chargespec::ir::Edition,
    profile: Profile,
    vectors: Value,
}

fn fixture() -> Fixture {
    let ir = chargespec::check_dir(&chargespec_tests::edition_2024())
        .ir
        .expect("the 2024 edition checks");
    let profile = chargespec::tools::profile::profile(&ir).expect("profile");
    let text =
        std::fs::read_to_string(chargespec_tests::root().join("tests/vectors/published.json"))
            .expect("vectors");
    Fixture {
        ir,
        profile,
        vectors: serde_json::from_str(&text).expect("JSON"),
    }
}

/// The vectors' keys as a configuration: our platform and the vectors' operator 123456789.
fn config(key: &str, iv: &str, sig: &str) -> Config {
    Config::parse_with(
        &format!(
            "operator_id = \"MA5DA0001\"\n[[peers]]\noperator_id = \"123456789\"\nurl = \"http://127.0.0.1:9/evcs/v1.0\"\noperator_secret = \"1234567890abcdef\"\ndata_secret = \"{key}\"\ndata_secret_iv = \"{iv}\"\nsig_secret = \"{sig}\"\n"
        ),
        |_| None,
    )
    .expect("configuration")
}

fn vector_keys() -> Config {
    let k = "1234567890abcdef";
    config(k, k, k)
}

fn vector_envelope(v: &Value) -> Map<String, Value> {
    let mut m = Map::new();
    let s = |k: &str| Value::String(v[k].as_str().unwrap_or_default().to_owned());
    if v["kind"] == "request" {
        m.insert("OperatorID".into(), s("operator_id"));
        m.insert("Data".into(), s("data"));
        m.insert("TimeStamp".into(), s("time_stamp"));
        m.insert("Seq".into(), s("seq"));
    } else {
        m.insert("Ret".into(), v["ret"].clone());
        m.insert("Msg".into(), s("msg"));
        m.insert("Data".into(), s("data"));
    }
    m.insert("Sig".into(), s("sig"));
    m
}

fn open(f: &Fixture, c: &Config, captured: &Captured, interface: Option<&str>) -> Opened {
    let opts = OpenOptions {
        interface: interface.map(str::to_owned),
        window_s: 300,
        mode: Mode::strict(),
        ..OpenOptions::default()
    };
    envelope::open(&f.ir, &f.profile, c, captured, &opts).expect("opens")
}

fn status(o: &Opened, step: &str) -> Status {
    o.steps
        .iter()
        .find(|s| s.step == step)
        .map_or(Status::Skip, |s| s.status)
}

fn mistake(o: &Opened, step: &str) -> String {
    o.steps
        .iter()
        .find(|s| s.step == step)
        .and_then(|s| s.mistake.as_ref())
        .map(|m| m.name().to_owned())
        .unwrap_or_default()
}

fn json(m: &Map<String, Value>) -> String {
    Value::Object(m.clone()).to_string()
}

#[test]
fn the_published_vectors_open_through_the_inspector() {
    let f = fixture();
    let c = vector_keys();
    let vectors = f.vectors["vectors"].as_array().expect("vectors");
    assert_eq!(vectors.len(), 3);
    for (v, interface) in vectors
        .iter()
        .zip([Some("query_token"), Some("query_token"), None])
    {
        let env = vector_envelope(v);
        let captured = envelope::parse_captured(&json(&env), "Authorization").expect("JSON");
        let o = open(&f, &c, &captured, interface);
        let name = v["name"].as_str().unwrap_or_default();
        assert!(!o.failed(), "{name}\n{}", o.text());
        assert_eq!(status(&o, "signature"), Status::Ok, "{name}");
        assert_eq!(
            o.payload.as_deref(),
            v["plaintext"].as_str().map(str::as_bytes),
            "{name}: the published plaintext, byte for byte"
        );
        assert_eq!(o.response, v["kind"] == "response", "{name}");
        if interface.is_some() {
            assert_eq!(status(&o, "payload"), Status::Ok, "{name}\n{}", o.text());
        }
    }
}

#[test]
fn a_raw_http_capture_names_its_interface_and_dates_its_timestamp() {
    let f = fixture();
    let v = &f.vectors["vectors"][0];
    let body = json(&vector_envelope(v));
    // The vector's TimeStamp is 2018-01-20 16:57:55 China time, 08:57:55 UTC.
    let http = format!(
        "POST /evcs/v1.0/query_token HTTP/1.1\r\nHost: x\r\nDate: Sat, 20 Jan 2018 08:58:55 GMT\r\nContent-Type: application/json\r\n\r\n{body}"
    );
    let captured = envelope::parse_captured(&http, "Authorization").expect("HTTP");
    assert_eq!(captured.interface.as_deref(), Some("query_token"));
    let o = open(&f, &vector_keys(), &captured, None);
    assert!(!o.failed(), "{}", o.text());
    assert_eq!(status(&o, "timestamp"), Status::Ok, "{}", o.text());
    assert_eq!(status(&o, "payload"), Status::Ok, "{}", o.text());
}

/// A request of `notification_stationStatus` from the vectors' operator built with the given
/// keys, fields and padding.
fn request(f: &Fixture, build: impl Fn(&mut Map<String, Value>)) -> Map<String, Value> {
    let keys = vector_keys().peers[0].keys.keys();
    let mut m = f
        .profile
        .seal_request(&keys, "123456789", b"{}", "20180120165755", "0001")
        .expect("seals");
    build(&mut m);
    m
}

fn sign(m: &mut Map<String, Value>, key: &[u8], fields: &[&str], upper: bool) {
    let parts: Vec<String> = fields
        .iter()
        .map(|k| m.get(*k).and_then(Value::as_str).unwrap_or("").to_owned())
        .collect();
    let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
    let sig = hmac_md5_hex(key, &refs, "", upper).expect("signs");
    m.insert("Sig".into(), Value::String(sig));
}

const SPEC_ORDER: [&str; 4] = ["OperatorID", "Data", "TimeStamp", "Seq"];

fn check(f: &Fixture, c: &Config, m: &Map<String, Value>, step: &str, expected: &str) {
    let captured = envelope::parse_captured(&json(m), "Authorization").expect("JSON");
    let o = open(f, c, &captured, None);
    assert_eq!(mistake(&o, step), expected, "{}", o.text());
    assert!(o.text().contains(&format!("[{expected}]")), "{}", o.text());
    assert!(!o.text().contains("1234567890abcdef"), "{}", o.text());
}

#[test]
fn a_signature_over_the_fields_in_another_order_is_explained() {
    let f = fixture();
    let m = request(&f, |m| {
        sign(
            m,
            b"1234567890abcdef",
            &["OperatorID", "TimeStamp", "Seq", "Data"],
            true,
        )
    });
    check(&f, &vector_keys(), &m, "signature", "signed-fields");
}

#[test]
fn a_signature_key_used_as_hex_is_explained() {
    let f = fixture();
    let hex: Vec<u8> = (0..8)
        .map(|i| u8::from_str_radix(&"1234567890abcdef"[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect();
    let m = request(&f, |m| sign(m, &hex, &SPEC_ORDER, true));
    check(&f, &vector_keys(), &m, "signature", "key-encoding");
}

#[test]
fn a_lower_case_signature_is_a_warning_with_its_reason() {
    let f = fixture();
    let m = request(&f, |m| sign(m, b"1234567890abcdef", &SPEC_ORDER, false));
    let captured = envelope::parse_captured(&json(&m), "Authorization").expect("JSON");
    let o = open(&f, &vector_keys(), &captured, None);
    assert_eq!(status(&o, "signature"), Status::Warn, "{}", o.text());
    assert_eq!(mistake(&o, "signature"), "hex-case");
    // The signature verifies (receivers compare hex case-insensitively) and Data opens.
    assert_eq!(status(&o, "decrypt"), Status::Ok, "{}", o.text());
}

#[test]
fn swapped_key_and_iv_are_explained() {
    let f = fixture();
    let c = config("D4t4S3cr3tK3y016", "D4t4S3cr3tIV0016", "1234567890abcdef");
    let data = encrypt_aes128_cbc_base64(b"D4t4S3cr3tIV0016", b"D4t4S3cr3tK3y016", b"{}")
        .expect("encrypts");
    let m = request(&f, |m| {
        m.insert("Data".into(), Value::String(data.clone()));
        sign(m, b"1234567890abcdef", &SPEC_ORDER, true);
    });
    check(&f, &c, &m, "decrypt", "iv-key-swapped");
}

#[test]
fn a_data_key_given_as_hex_is_explained() {
    let f = fixture();
    // The keys file holds the hex text of the key; the sender used the 16 bytes it stands for.
    let hex = "31323334353637383930616263646566";
    let c = config(hex, hex, "1234567890abcdef");
    let data = encrypt_aes128_cbc_base64(b"1234567890abcdef", b"1234567890abcdef", b"{}")
        .expect("encrypts");
    let m = request(&f, |m| {
        m.insert("Data".into(), Value::String(data.clone()));
        sign(m, b"1234567890abcdef", &SPEC_ORDER, true);
    });
    check(&f, &c, &m, "decrypt", "key-encoding");
}

fn unpadded(plain: &[u8]) -> String {
    // AES-CBC of whole blocks, no padding added: the encryption of `plain` followed by a
    // PKCS#7 block, with that last block dropped.
    let k = b"1234567890abcdef";
    let full = encrypt_aes128_cbc_base64(k, k, plain).expect("encrypts");
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(full)
        .unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(&bytes[..plain.len()])
}

#[test]
fn zero_padding_is_explained() {
    let f = fixture();
    let mut plain = b"{\"A\":1}".to_vec();
    plain.resize(16, 0);
    let data = unpadded(&plain);
    let m = request(&f, |m| {
        m.insert("Data".into(), Value::String(data.clone()));
        sign(m, b"1234567890abcdef", &SPEC_ORDER, true);
    });
    check(&f, &vector_keys(), &m, "decrypt", "zero-padding");
}

#[test]
fn no_padding_is_explained() {
    let f = fixture();
    let data = unpadded(b"{\"A\":1234567890}");
    let m = request(&f, |m| {
        m.insert("Data".into(), Value::String(data.clone()));
        sign(m, b"1234567890abcdef", &SPEC_ORDER, true);
    });
    check(&f, &vector_keys(), &m, "decrypt", "no-padding");
}

#[test]
fn a_timestamp_in_utc_is_explained() {
    let f = fixture();
    // Sent at 2018-01-20 08:57:55 UTC with the UTC clock's time instead of China time.
    let m = request(&f, |m| {
        m.insert("TimeStamp".into(), Value::String("20180120085755".into()));
        sign(m, b"1234567890abcdef", &SPEC_ORDER, true);
    });
    let http = format!(
        "POST /evcs/v1.0/notification_stationStatus HTTP/1.1\r\nDate: Sat, 20 Jan 2018 08:58:00 GMT\r\n\r\n{}",
        json(&m)
    );
    let captured = envelope::parse_captured(&http, "Authorization").expect("HTTP");
    let o = open(&f, &vector_keys(), &captured, None);
    assert_eq!(status(&o, "timestamp"), Status::Fail, "{}", o.text());
    assert_eq!(mistake(&o, "timestamp"), "timestamp-utc", "{}", o.text());
    assert_eq!(status(&o, "signature"), Status::Ok);
}

#[test]
fn an_altered_message_fails_without_a_made_up_reason() {
    let f = fixture();
    let m = request(&f, |m| {
        m.insert("Seq".into(), Value::String("0002".into()));
    });
    let captured = envelope::parse_captured(&json(&m), "Authorization").expect("JSON");
    let o = open(&f, &vector_keys(), &captured, None);
    assert_eq!(status(&o, "signature"), Status::Fail);
    assert_eq!(mistake(&o, "signature"), "");
}

#[test]
fn seal_gives_a_request_that_opens_and_a_curl_line_without_secrets() {
    let f = fixture();
    let c = vector_keys();
    let payload = br#"{"OperatorID":"123456789","OperatorSecret":"1234567890abcdef"}"#;
    let sealed = envelope::seal(
        &f.ir,
        &f.profile,
        &c,
        None,
        "query_token",
        payload,
        chargespec_runtime::now_unix(),
        7,
    )
    .expect("seals");
    assert_eq!(sealed.envelope["Seq"], "0007");
    assert_eq!(sealed.envelope["OperatorID"], "MA5DA0001");
    assert!(
        sealed
            .curl
            .starts_with("curl -sS -X POST 'http://127.0.0.1:9/evcs/v1.0/query_token'"),
        "{}",
        sealed.curl
    );
    assert!(!sealed.curl.contains("Authorization"), "{}", sealed.curl);
    assert!(!sealed.curl.contains("1234567890abcdef"), "{}", sealed.curl);
    let captured =
        envelope::parse_captured(&json(&sealed.envelope), "Authorization").expect("JSON");
    let opts = OpenOptions {
        interface: Some("query_token".into()),
        now: Some(chargespec_runtime::now_unix()),
        window_s: 300,
        mode: Mode::strict(),
        ..OpenOptions::default()
    };
    let o = envelope::open(&f.ir, &f.profile, &c, &captured, &opts).expect("opens");
    assert!(!o.failed(), "{}", o.text());
    assert_eq!(o.payload.as_deref(), Some(&payload[..]));
    let status_sealed = envelope::seal(
        &f.ir,
        &f.profile,
        &c,
        None,
        "notification_stationStatus",
        b"{}",
        0,
        1,
    )
    .expect("seals an invalid payload too");
    assert!(status_sealed.curl.contains("$CHARGESPEC_TOKEN"));
    assert!(status_sealed.validation.errors() > 0);
}
