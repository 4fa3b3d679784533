//! Behaviour of the generated 2024 bindings beyond the generated tests: all violations of a
//! broken payload at once, strict and lenient modes, secrets, QR codes, exact decimals.

use chargespec_runtime::{Mode, Severity, Validate};
use db4403_77_2024::codes::{ConnectorStatus, StationType};
use db4403_77_2024::qr::QrCode;
use db4403_77_2024::types::{ConnectorStatusInfo, QueryTokenRequest, StationInfo};

fn station_json() -> serde_json::Value {
    let text =
        std::fs::read_to_string(chargespec_tests::root().join("tests/benches/station_info.json"))
            .expect("fixture");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn a_valid_station_validates_clean() {
    let s: StationInfo = serde_json::from_value(station_json()).expect("decodes");
    let r = s.validate(Mode::strict());
    assert!(r.violations.is_empty(), "{r}");
}

#[test]
fn every_structural_problem_is_reported_at_once() {
    let mut v = station_json();
    let m = v.as_object_mut().expect("object");
    m.remove("StationID");
    m.remove("OpratorType");
    m.insert("ParkNums".into(), serde_json::json!("many"));
    m["EquipmentInfos"][0]["ConnectorInfos"][1]
        .as_object_mut()
        .expect("connector")
        .remove("ConnectorType");
    let bytes = serde_json::to_vec(&v).expect("bytes");
    let report = match chargespec_runtime::validate::decode::<StationInfo>(&bytes, Mode::strict()) {
        Ok(_) => panic!("must not decode"),
        Err(r) => r,
    };
    let got: Vec<(&str, &str)> = report
        .violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule.name()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/StationID", "required"),
            ("/ParkNums", "type"),
            ("/OpratorType", "required"),
            (
                "/EquipmentInfos/0/ConnectorInfos/1/ConnectorType",
                "required"
            ),
        ],
        "{report}"
    );
}

#[test]
fn every_constraint_violation_is_reported_at_once() {
    let mut v = station_json();
    v["StationID"] = serde_json::json!("X".repeat(21));
    v["StationTel"] = serde_json::json!("0755");
    v["StationLng"] = serde_json::json!(114.1234567);
    v["EquipmentInfos"][1]["ProductionDate"] = serde_json::json!("2023/11/02");
    v["EquipmentInfos"][0]["ConnectorInfos"][0]["ConnectorType"] = serde_json::json!(42);
    let s: StationInfo = serde_json::from_value(v).expect("decodes: every problem is a constraint");
    let r = s.validate(Mode::strict());
    let got: Vec<(&str, &str, Severity)> = r
        .violations
        .iter()
        .map(|v| (v.path.as_str(), v.rule.name(), v.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            ("/StationID", "length", Severity::Error),
            ("/StationTel", "length", Severity::Error),
            ("/StationLng", "scale", Severity::Error),
            (
                "/EquipmentInfos/0/ConnectorInfos/0/ConnectorType",
                "code",
                Severity::Error
            ),
            (
                "/EquipmentInfos/1/ProductionDate",
                "format",
                Severity::Error
            ),
        ],
        "{r}"
    );
    assert_eq!(r.violations[0].value, "X".repeat(21));
    // Lenient mode keeps the unknown code and reports it as a warning only.
    let lenient = s.validate(Mode::lenient());
    let code = lenient
        .violations
        .iter()
        .find(|v| v.rule.name() == "code")
        .expect("code violation");
    assert_eq!(code.severity, Severity::Warning);
    assert_eq!(code.value, "42");
}

#[test]
fn code_tables_keep_unknown_values_and_convert_strictly() {
    assert_eq!(StationType::from_code(50), StationType::Private);
    assert_eq!(StationType::from_code(7), StationType::Unknown(7));
    assert!(StationType::try_from(7).is_err());
    assert_eq!(StationType::try_from(100).map(|s| s.code()), Ok(100));
    assert_eq!(StationType::Private.name_zh(), Some("个人"));
    assert_eq!(StationType::ALL.len(), 7);
    // Strict reading: a code is a JSON integer. "3" and 3.0 are what the numbers-as-strings and
    // integral-float-as-integer profiles accept, for the peers that have them switched on.
    let status = |s: &str| {
        format!(
            r#"{{"ConnectorID":"C1","Status":{s},"CurrentA":10,"CurrentB":0,"CurrentC":0,"VoltageA":380,"VoltageB":0,"VoltageC":0,"ChargeElectricity":1.5,"DischargeElectricity":0}}"#
        )
    };
    assert!(serde_json::from_str::<ConnectorStatusInfo>(&status(r#""3""#)).is_err());
    assert!(serde_json::from_str::<ConnectorStatusInfo>(&status("3.0")).is_err());
    let c: ConnectorStatusInfo = serde_json::from_str(&status("3")).expect("decodes");
    assert_eq!(c.status, ConnectorStatus::from_code(3));
    let back = serde_json::to_value(&c).expect("serialise");
    assert_eq!(back["Status"], serde_json::json!(3));
}

#[test]
fn secrets_never_print() {
    let t: QueryTokenRequest =
        serde_json::from_str(r#"{"OperatorID":"123456789","OperatorSecret":"1234567890abcdef"}"#)
            .expect("decodes");
    let debug = format!("{t:?}");
    assert!(!debug.contains("1234567890abcdef"), "{debug}");
    assert_eq!(t.operator_secret.expose(), "1234567890abcdef");
    let wire = serde_json::to_string(&t).expect("serialise");
    assert!(wire.contains("\"OperatorSecret\":\"1234567890abcdef\""));
}

#[test]
fn decimals_keep_their_wire_form_and_scale() {
    let mut v = station_json();
    v["StationLng"] = serde_json::json!(114.02);
    let s: StationInfo = serde_json::from_value(v).expect("decodes");
    let out = serde_json::to_string(&s).expect("serialise");
    // Longitude has 6 decimal places on the wire.
    assert!(out.contains("\"StationLng\":114.020000"), "{out}");
    assert!(out.contains("\"Power\":120.0"), "{out}");
}

#[test]
fn qr_codes_parse_format_and_validate() {
    let q = QrCode::parse("hlht://11010800001001.MA5DA0053/").expect("parses");
    assert_eq!(
        (
            q.connector_id.as_str(),
            q.operator_id.as_str(),
            q.tail.as_str()
        ),
        ("11010800001001", "MA5DA0053", "")
    );
    assert_eq!(q.to_string(), "hlht://11010800001001.MA5DA0053/");
    assert!(q.validate(Mode::strict()).violations.is_empty());
    let with_tail = QrCode::parse("hlht://C1.MA5DA0053/qrcode").expect("parses");
    assert_eq!(with_tail.tail, "qrcode");
    assert!(QrCode::parse("http://C1.MA5DA0053/").is_err());
    assert!(QrCode::parse("hlht://C1").is_err());
    let bad = QrCode::parse("hlht://C1.MA5/").expect("structure parses");
    let r = bad.validate(Mode::strict());
    assert_eq!(r.violations.len(), 1, "{r}");
    assert_eq!(
        (r.violations[0].path.as_str(), r.violations[0].rule.name()),
        ("/OperatorID", "length")
    );
    assert!(QrCode::PATTERNS.iter().any(|(n, _)| *n == "tolerant"));
}

#[test]
fn an_empty_last_query_time_means_all_stations() {
    use db4403_77_2024::types::QueryStationsInfoRequest;
    let check = |json: serde_json::Value| {
        chargespec_runtime::validate::decode::<QueryStationsInfoRequest>(
            &serde_json::to_vec(&json).expect("bytes"),
            Mode::strict(),
        )
        .map(|_| ())
        .map_err(|r| r.to_string())
    };
    // "" is T/CEC practice for "everything" and means the same as an absent field.
    assert_eq!(
        check(serde_json::json!({"LastQueryTime": "", "PageNo": 1, "PageSize": 10})),
        Ok(())
    );
    assert_eq!(
        check(serde_json::json!({"PageNo": 1, "PageSize": 10})),
        Ok(())
    );
    assert_eq!(
        check(
            serde_json::json!({"LastQueryTime": "2024-01-01 08:00:00", "PageNo": 1, "PageSize": 10})
        ),
        Ok(())
    );
    // Anything else is still checked against the format.
    let err = check(serde_json::json!({"LastQueryTime": "yesterday", "PageNo": 1, "PageSize": 10}))
        .expect_err("not a date");
    assert!(err.contains("/LastQueryTime"), "{err}");
}
