//! What both runners do: obtain a token (right and wrong secret), check one answer (Ret,
//! signature, payload), and probe the peer's own checks of the envelope (no token, unknown
//! token, bad signature, stale timestamp, identical resend, undecryptable `Data`, invalid
//! payload), each expecting the Ret the edition's IR gives for it.

use chargespec_runtime::{Mode, Severity};
use serde_json::{Map, Value};

use crate::emit::cases::{self, apply};
use crate::emit::samples::object_sample;
use crate::tools::conform::catalogue::{Catalogue, EnvCheck, IfaceCheck, Outcome};
use crate::tools::conform::report::{Check, Finding, bounded};
use crate::tools::conform::session::{Answer, Auth, Session};
use crate::tools::validate::{Target, validate};

/// A token no platform issued (fixed, so reports are deterministic).
pub const UNKNOWN_TOKEN: &str = "chargespec-conform-unknown-token-0000000000000000";

/// How far in the past a stale timestamp is, in seconds (a day: beyond any window).
pub const STALE_S: i64 = 86_400;

fn finding(interface: &str, rule: &str, message: String, value: String) -> Finding {
    Finding {
        interface: interface.to_owned(),
        rule: rule.to_owned(),
        message,
        value,
        ..Finding::default()
    }
}

/// Obtains a token with the right secret and tries a wrong one: the two token checks, and the
/// token (kept in the session).
pub async fn token_checks(s: &mut Session<'_>, cat: &Catalogue<'_>, out: &mut Vec<Check>) {
    let Some(rule) = s.profile.token.clone() else {
        for c in [EnvCheck::TokenRightSecret, EnvCheck::TokenWrongSecret] {
            out.push(cat.env(
                c,
                None,
                Outcome::NotApplicable("the edition has no token interface".into()),
                vec![],
            ));
        }
        return;
    };
    let iface = rule.interface.as_str();
    let request = |secret: &str| {
        let mut m = Map::new();
        m.insert(rule.operator_field.clone(), Value::String(s.own_id.clone()));
        m.insert(rule.secret_field.clone(), Value::String(secret.to_owned()));
        Value::Object(m)
    };
    let right = request(s.keys.operator_secret.expose());
    let a = s.call_anonymous(iface, &right).await;
    let mut findings = Vec::new();
    let outcome = match (a.ret, a.json()) {
        (Some(r), Some(p)) if r == s.profile.ret.success => {
            findings.extend(answer_findings(s, cat, iface, &a));
            let succ = p.get(&rule.success_field).and_then(Value::as_i64);
            let token = p
                .get(&rule.token_field)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty());
            match (succ, token) {
                (Some(c), Some(t)) if c == rule.success_code => {
                    s.token = Some(t.to_owned());
                    if findings.iter().any(|f| !f.warning) {
                        Outcome::Fail("a token was issued, but the answer deviates".into())
                    } else {
                        Outcome::Pass(format!("{} {c}, a token issued", rule.success_field))
                    }
                }
                _ => {
                    findings.push(finding(
                        iface,
                        "token",
                        format!(
                            "expected {} {} and a {}",
                            rule.success_field, rule.success_code, rule.token_field
                        ),
                        bounded(&format!("{}={succ:?}", rule.success_field)),
                    ));
                    Outcome::Fail("no token issued for the right secret".into())
                }
            }
        }
        _ => {
            findings.push(finding(
                iface,
                "ret",
                format!("expected Ret {} and a payload", s.profile.ret.success),
                a.describe(),
            ));
            Outcome::Fail(format!("no token: {}", a.describe()))
        }
    };
    out.push(cat.env(EnvCheck::TokenRightSecret, Some(iface), outcome, findings));

    // A wrong secret: the failure code (and the wrong-secret reason when the spec has one), no
    // token; or a refusal by Ret.
    let wrong = request(&format!("{}X", s.keys.operator_secret.expose()));
    let a = s.call_anonymous(iface, &wrong).await;
    let mut findings = Vec::new();
    let outcome = match (a.ret, a.json()) {
        (Some(r), Some(p)) if r == s.profile.ret.success => {
            let succ = p.get(&rule.success_field).and_then(Value::as_i64);
            let token = p
                .get(&rule.token_field)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty());
            let reason = rule
                .fail_reason_field
                .as_ref()
                .and_then(|f| p.get(f))
                .and_then(Value::as_i64);
            if token.is_some() || succ != Some(rule.failure_code) {
                findings.push(finding(
                    iface,
                    "token",
                    format!(
                        "expected {} {} and no {}",
                        rule.success_field, rule.failure_code, rule.token_field
                    ),
                    bounded(&format!(
                        "{}={succ:?}, token {}",
                        rule.success_field,
                        if token.is_some() { "issued" } else { "absent" }
                    )),
                ));
                Outcome::Fail("a wrong secret was not refused".into())
            } else if let (Some(want), Some(field)) =
                (rule.wrong_secret_code, &rule.fail_reason_field)
                && reason != Some(want)
            {
                findings.push(finding(
                    iface,
                    "token",
                    format!("expected {field} {want} (wrong secret)"),
                    bounded(&format!("{reason:?}")),
                ));
                Outcome::Fail(format!("refused, but {field} is not {want}"))
            } else {
                Outcome::Pass(format!(
                    "refused: {} {}",
                    rule.success_field, rule.failure_code
                ))
            }
        }
        (Some(r), _) if r != s.profile.ret.success => {
            Outcome::Pass(format!("refused with Ret {r}"))
        }
        _ => {
            findings.push(finding(
                iface,
                "ret",
                "expected an answer".into(),
                a.describe(),
            ));
            Outcome::Fail(a.describe())
        }
    };
    out.push(cat.env(EnvCheck::TokenWrongSecret, Some(iface), outcome, findings));
}

impl Session<'_> {
    /// Posts a payload without a token (the token interface).
    pub async fn call_anonymous(&self, interface: &str, payload: &Value) -> Answer {
        match self.seal(payload.to_string().as_bytes()) {
            Ok(env) => self.send(interface, &env, Auth::None).await,
            Err(e) => Answer {
                error: Some(e),
                ..Answer::default()
            },
        }
    }
}

/// The findings of an answer's signature and payload (validated as the interface's response).
pub fn answer_findings(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    interface: &str,
    a: &Answer,
) -> Vec<Finding> {
    let mut out = signature_findings(interface, a);
    out.extend(schema_findings(s, cat, interface, a, true));
    out
}

/// The findings of an answer's signature.
pub fn signature_findings(interface: &str, a: &Answer) -> Vec<Finding> {
    match &a.signature {
        Some(Err(e)) => vec![finding(interface, "signature", e.clone(), String::new())],
        Some(Ok(())) if !a.signature_case_ok => vec![finding(
            interface,
            "signature",
            "the signature verifies but its hex digits are not in the spec's case".into(),
            String::new(),
        )],
        _ => Vec::new(),
    }
}

/// The validation mode of the run.
pub fn mode(cat: &Catalogue<'_>) -> Mode {
    Mode::strict().with_provisional(cat.enforce_provisional)
}

/// The findings of a payload validated as the interface's response (`response`) or request.
pub fn schema_findings(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    interface: &str,
    a: &Answer,
    response: bool,
) -> Vec<Finding> {
    if let Some(e) = &a.decrypt_error {
        return vec![finding(interface, "decrypt", e.clone(), String::new())];
    }
    let Some(p) = &a.payload else {
        return Vec::new();
    };
    payload_findings(s.ir, cat, interface, p, response)
}

/// The findings of validating a payload.
pub fn payload_findings(
    ir: &crate::ir::Edition,
    cat: &Catalogue<'_>,
    interface: &str,
    payload: &[u8],
    response: bool,
) -> Vec<Finding> {
    let target = Target::Interface {
        name: interface.to_owned(),
        response,
    };
    match validate(ir, &target, payload, mode(cat)) {
        Ok(out) => out
            .report
            .violations
            .iter()
            .map(|v| Finding {
                interface: interface.to_owned(),
                pointer: v.path.clone(),
                rule: v.rule.name().to_owned(),
                message: v.rule.to_string(),
                value: v.value.clone(),
                provenance: v.provenance.clone(),
                provisional: v.provisional,
                warning: v.severity == Severity::Warning,
            })
            .collect(),
        Err(e) => vec![finding(interface, "interface", e, String::new())],
    }
}

/// The SIGNATURE and SCHEMA checks of an interface's answers (every page of a paged one).
pub fn answer_checks(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    interface: &str,
    answers: &[&Answer],
    out: &mut Vec<Check>,
) {
    let sig: Vec<Finding> = answers
        .iter()
        .flat_map(|a| signature_findings(interface, a))
        .collect();
    let n = answers.len();
    let sig_outcome = if s.profile.signature.is_none() {
        Outcome::NotApplicable("the edition signs nothing".into())
    } else if sig.is_empty() {
        Outcome::Pass(format!("{} answer(s), every signature verifies", n))
    } else {
        Outcome::Fail(format!(
            "{} of {n} answer(s) not signed as the spec says",
            sig.len()
        ))
    };
    out.push(cat.iface(interface, IfaceCheck::Signature, sig_outcome, sig));

    let schema: Vec<Finding> = answers
        .iter()
        .flat_map(|a| schema_findings(s, cat, interface, a, true))
        .collect();
    out.push(schema_check(cat, interface, schema, n));
}

/// The SCHEMA check from its findings.
pub fn schema_check(
    cat: &Catalogue<'_>,
    interface: &str,
    findings: Vec<Finding>,
    n: usize,
) -> Check {
    let errors = findings.iter().filter(|f| !f.warning).count();
    let warnings = findings.len() - errors;
    let outcome = if errors > 0 {
        Outcome::Fail(format!("{errors} violation(s), {warnings} warning(s)"))
    } else if warnings > 0 {
        Outcome::Warn(format!(
            "{warnings} warning(s) on provisional rules (--enforce-provisional makes them errors)"
        ))
    } else {
        Outcome::Pass(format!("{n} payload(s) valid"))
    };
    cat.iface(interface, IfaceCheck::Schema, outcome, findings)
}

/// A payload that violates the spec: the first error case (not provisional) of the request
/// object applied to its valid sample.
pub fn invalid_payload(ir: &crate::ir::Edition, object: &str) -> Option<(Value, String, String)> {
    let o = ir.objects.get(object)?;
    let sample = object_sample(ir, o, 0)?;
    cases::cases(ir, o)
        .into_iter()
        .filter(|c| c.severity == cases::Severity::Error && !c.provisional)
        .find_map(|c| {
            let j = apply(&sample, &c.mutations)?;
            Some((j.to_value(), c.path.clone(), c.rule.to_owned()))
        })
}

fn ret_check(
    cat: &Catalogue<'_>,
    c: EnvCheck,
    interface: &str,
    expected: i64,
    a: &Answer,
) -> Check {
    if a.ret == Some(expected) {
        cat.env(
            c,
            Some(interface),
            Outcome::Pass(format!("refused with Ret {expected}")),
            vec![],
        )
    } else {
        cat.env(
            c,
            Some(interface),
            Outcome::Fail(format!("expected Ret {expected}, got {}", a.describe())),
            vec![finding(
                interface,
                "ret",
                format!("expected Ret {expected}"),
                a.describe(),
            )],
        )
    }
}

/// Probes the peer's checks of the envelope through `interface`, with `valid` a valid request
/// payload of it. `valid_is_write`: sending it changes the peer's state (a push): the resend
/// probe sends it twice.
pub async fn probes(
    s: &Session<'_>,
    cat: &Catalogue<'_>,
    interface: &str,
    valid: &Value,
    out: &mut Vec<Check>,
) {
    let ret = s.profile.ret;
    let payload = valid.to_string().into_bytes();
    let sealed = match s.seal(&payload) {
        Ok(e) => e,
        Err(e) => {
            for c in &EnvCheck::ALL[2..] {
                out.push(cat.env(*c, Some(interface), Outcome::Skip(e.clone()), vec![]));
            }
            return;
        }
    };

    // No token, unknown token.
    if s.profile.token.is_some() {
        let a = s.send(interface, &sealed, Auth::None).await;
        out.push(ret_check(
            cat,
            EnvCheck::NoToken,
            interface,
            ret.bad_token,
            &a,
        ));
        let fresh = s.seal(&payload).unwrap_or_default();
        let a = s
            .send(interface, &fresh, Auth::Given(UNKNOWN_TOKEN.to_owned()))
            .await;
        out.push(ret_check(
            cat,
            EnvCheck::UnknownToken,
            interface,
            ret.bad_token,
            &a,
        ));
    } else {
        for c in [EnvCheck::NoToken, EnvCheck::UnknownToken] {
            out.push(cat.env(
                c,
                Some(interface),
                Outcome::NotApplicable("the edition has no token".into()),
                vec![],
            ));
        }
    }

    // A wrong signature: the right one with its first hex digit changed.
    match &s.profile.request.signature {
        Some(field) => {
            let mut bad = s.seal(&payload).unwrap_or_default();
            if let Some(Value::String(sig)) = bad.get_mut(field) {
                let first = if sig.starts_with('0') { "1" } else { "0" };
                sig.replace_range(0..sig.len().min(1), first);
            }
            let a = s.send(interface, &bad, Auth::Token).await;
            out.push(ret_check(
                cat,
                EnvCheck::BadSignature,
                interface,
                ret.bad_signature,
                &a,
            ));
        }
        None => out.push(cat.env(
            EnvCheck::BadSignature,
            Some(interface),
            Outcome::NotApplicable("the edition signs nothing".into()),
            vec![],
        )),
    }

    // A stale timestamp, correctly signed.
    if s.profile.request.timestamp.is_some() {
        let stale = s
            .seal_at(&payload, chargespec_runtime::now_unix() - STALE_S)
            .unwrap_or_default();
        let a = s.send(interface, &stale, Auth::Token).await;
        out.push(ret_check(
            cat,
            EnvCheck::StaleTimestamp,
            interface,
            ret.bad_envelope,
            &a,
        ));
    } else {
        out.push(cat.env(
            EnvCheck::StaleTimestamp,
            Some(interface),
            Outcome::NotApplicable("the envelope has no timestamp".into()),
            vec![],
        ));
    }

    // An identical resend: accepted once, then refused.
    let first = s
        .send_keep(interface, &sealed_fresh(s, &payload), Auth::Token)
        .await;
    let resend_body = first.request_body.clone();
    if first.answer.ret == Some(ret.success) {
        let a = s.send_bytes(interface, resend_body, Auth::Token).await;
        out.push(ret_check(
            cat,
            EnvCheck::Resend,
            interface,
            ret.bad_envelope,
            &a,
        ));
    } else {
        out.push(cat.env(
            EnvCheck::Resend,
            Some(interface),
            Outcome::Skip(format!(
                "the first send was not accepted: {}",
                first.answer.describe()
            )),
            vec![],
        ));
    }

    // Data that cannot be decrypted (not a whole AES block), correctly signed.
    let mut undecryptable = s.seal(&payload).unwrap_or_default();
    undecryptable.insert(s.profile.request.data.clone(), Value::String("AAAA".into()));
    let _ = s.resign(&mut undecryptable);
    let a = s.send(interface, &undecryptable, Auth::Token).await;
    out.push(ret_check(
        cat,
        EnvCheck::Undecryptable,
        interface,
        ret.bad_envelope,
        &a,
    ));

    // A payload that violates the spec.
    let object =
        s.ir.interfaces
            .get(interface)
            .map(|i| i.request.object.clone())
            .unwrap_or_default();
    match invalid_payload(s.ir, &object) {
        Some((bad, pointer, rule)) => {
            let env = s.seal(bad.to_string().as_bytes()).unwrap_or_default();
            let a = s.send(interface, &env, Auth::Token).await;
            let mut c = ret_check(
                cat,
                EnvCheck::InvalidPayload,
                interface,
                ret.bad_payload,
                &a,
            );
            if c.verdict == crate::tools::conform::report::Verdict::Pass {
                c.message = format!(
                    "{} ({rule} at {})",
                    c.message,
                    if pointer.is_empty() { "/" } else { &pointer }
                );
            }
            out.push(c);
        }
        None => out.push(cat.env(
            EnvCheck::InvalidPayload,
            Some(interface),
            Outcome::NotApplicable(format!("{object} has no invalid case to send")),
            vec![],
        )),
    }
}

/// A sent request and its answer.
pub struct Sent {
    pub request_body: Vec<u8>,
    pub answer: Answer,
}

fn sealed_fresh(s: &Session<'_>, payload: &[u8]) -> Map<String, Value> {
    s.seal(payload).unwrap_or_default()
}

impl Session<'_> {
    /// Posts an envelope, keeping the exact body (to resend it).
    pub async fn send_keep(&self, interface: &str, env: &Map<String, Value>, auth: Auth) -> Sent {
        let body = Value::Object(env.clone()).to_string().into_bytes();
        let answer = self.send_bytes(interface, body.clone(), auth).await;
        Sent {
            request_body: body,
            answer,
        }
    }
}
