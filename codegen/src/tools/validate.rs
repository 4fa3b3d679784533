//! `chargespec validate`: checks a JSON payload of any edition against the spec, without
//! compiling anything. The edition's descriptors are built from the IR
//! ([`crate::descriptors`]) and interpreted by the runtime's validator, the same code the
//! generated crates run.

use chargespec_runtime::schema::check_json;
use chargespec_runtime::{Mode, Report, Severity};

use crate::ir::Edition;

/// What to validate the payload as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The request (or, with `response`, the response) payload of an interface.
    Interface { name: String, response: bool },
    /// An object, by its spec name.
    Object(String),
}

/// The object a target names, or a message listing what exists.
pub fn object_of<'a>(ir: &'a Edition, target: &Target) -> Result<&'a str, String> {
    match target {
        Target::Interface { name, response } => {
            let i = ir.interfaces.get(name).ok_or_else(|| {
                let known: Vec<&str> = ir.interfaces.keys().map(String::as_str).collect();
                format!(
                    "{} has no interface `{name}`; it has: {}",
                    ir.meta.id,
                    known.join(", ")
                )
            })?;
            Ok(if *response {
                &i.response.object
            } else {
                &i.request.object
            })
        }
        Target::Object(name) => {
            if let Some((key, _)) = ir.objects.get_key_value(name) {
                Ok(key)
            } else {
                let known: Vec<&str> = ir
                    .objects
                    .values()
                    .filter(|o| o.origin == crate::ir::ObjectOrigin::Declared)
                    .map(|o| o.name.as_str())
                    .collect();
                Err(format!(
                    "{} has no object `{name}`; it has: {}",
                    ir.meta.id,
                    known.join(", ")
                ))
            }
        }
    }
}

/// The outcome of validating one payload.
#[derive(Debug)]
pub struct Outcome {
    pub edition: String,
    pub object: String,
    pub report: Report,
}

/// Parses `json` and validates it as `target` of `ir`, in `mode`.
pub fn validate(ir: &Edition, target: &Target, json: &[u8], mode: Mode) -> Result<Outcome, String> {
    let object = object_of(ir, target)?;
    let bump = bumpalo::Bump::new();
    let schema = crate::descriptors::schema(ir, &bump);
    let index = schema
        .object(object)
        .ok_or_else(|| format!("no descriptor for `{object}`"))?;
    let report = match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(value) => check_json(&schema, index, &value, mode),
        Err(e) => Report {
            violations: vec![chargespec_runtime::Violation {
                path: String::new(),
                rule: chargespec_runtime::Rule::Format("JSON"),
                value: chargespec_runtime::validate::bounded(&e.to_string()),
                severity: Severity::Error,
                provisional: false,
                provenance: String::new(),
            }],
            deviations: Vec::new(),
        },
    };
    Ok(Outcome {
        edition: ir.meta.id.clone(),
        object: object.to_owned(),
        report,
    })
}

impl Outcome {
    pub fn errors(&self) -> usize {
        self.report.errors().count()
    }

    pub fn warnings(&self) -> usize {
        self.report.warnings().count()
    }

    /// The report as text: one line per violation, then a summary.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for v in &self.report.violations {
            let sev = match v.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let path = if v.path.is_empty() { "/" } else { &v.path };
            out.push_str(&format!("{sev}[{}]: {path}: {}", v.rule.name(), v.rule));
            if !v.value.is_empty() {
                out.push_str(&format!(" (got {})", v.value));
            }
            let mut notes = Vec::new();
            if !v.provenance.is_empty() {
                notes.push(format!("provenance: {}", v.provenance));
            }
            if v.provisional {
                notes.push("provisional rule".to_owned());
            }
            if !notes.is_empty() {
                out.push_str(&format!(" [{}]", notes.join("; ")));
            }
            out.push('\n');
        }
        out.push_str(&format!(
            "{} {}: {} error(s), {} warning(s)\n",
            self.edition,
            self.object,
            self.errors(),
            self.warnings()
        ));
        out
    }

    /// The report as JSON (schema in the README: edition, object, ok, errors, warnings and
    /// every violation with pointer, rule, message, value, severity, provisional, provenance).
    pub fn json(&self) -> serde_json::Value {
        let violations: Vec<serde_json::Value> = self
            .report
            .violations
            .iter()
            .map(|v| {
                serde_json::json!({
                    "pointer": v.path,
                    "rule": v.rule.name(),
                    "message": v.rule.to_string(),
                    "value": v.value,
                    "severity": match v.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "provisional": v.provisional,
                    "provenance": v.provenance,
                })
            })
            .collect();
        serde_json::json!({
            "edition": self.edition,
            "object": self.object,
            "ok": self.errors() == 0,
            "errors": self.errors(),
            "warnings": self.warnings(),
            "violations": violations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edition() -> Edition {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/db4403-77-2024");
        crate::check_dir(&dir)
            .ir
            .unwrap_or_else(|| panic!("the 2024 edition checks"))
    }

    #[test]
    fn validates_an_interface_payload_and_reports_every_violation() {
        let ir = edition();
        let target = Target::Interface {
            name: "notification_stationStatus".into(),
            response: false,
        };
        let good = br#"{"ConnectorStatusInfo":{"ConnectorID":"C1","Status":2,"CurrentA":1,"CurrentB":0,"CurrentC":0,"VoltageA":220,"VoltageB":0,"VoltageC":0,"ChargeElectricity":1.5,"DischargeElectricity":0}}"#;
        let out = validate(&ir, &target, good, Mode::strict()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.errors(), 0, "{}", out.text());
        let bad = br#"{"ConnectorStatusInfo":{"ConnectorID":"C1","Status":"x","CurrentA":1.5,"VoltageA":220,"VoltageB":0,"VoltageC":0,"ChargeElectricity":1.5,"DischargeElectricity":0}}"#;
        let out = validate(&ir, &target, bad, Mode::strict()).unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(&str, &str)> = out
            .report
            .violations
            .iter()
            .map(|v| (v.path.as_str(), v.rule.name()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/ConnectorStatusInfo/Status", "type"),
                ("/ConnectorStatusInfo/CurrentA", "type"),
                ("/ConnectorStatusInfo/CurrentB", "required"),
                ("/ConnectorStatusInfo/CurrentC", "required"),
            ],
            "{}",
            out.text()
        );
        assert!(out.report.violations[0].provenance.contains("tcec102"));
        let json = out.json();
        assert_eq!(json["errors"], 4);
        assert_eq!(
            json["violations"][0]["pointer"],
            "/ConnectorStatusInfo/Status"
        );
    }

    #[test]
    fn unknown_targets_list_what_exists() {
        let ir = edition();
        let e = validate(&ir, &Target::Object("Nope".into()), b"{}", Mode::strict())
            .err()
            .unwrap_or_default();
        assert!(e.contains("StationInfo"), "{e}");
        let e = validate(
            &ir,
            &Target::Interface {
                name: "query_nope".into(),
                response: true,
            },
            b"{}",
            Mode::strict(),
        )
        .err()
        .unwrap_or_default();
        assert!(e.contains("query_stations_info"), "{e}");
    }

    #[test]
    fn broken_json_is_one_located_violation() {
        let ir = edition();
        let out = validate(
            &ir,
            &Target::Object("StationInfo".into()),
            b"{",
            Mode::strict(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.errors(), 1);
        assert_eq!(out.report.violations[0].rule.name(), "format");
    }
}
