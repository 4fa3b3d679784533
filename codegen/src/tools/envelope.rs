//! `chargespec envelope open|verify|seal`: opens a captured request or response (a JSON body or a
//! raw HTTP message as copied from a log), verifies its signature, decrypts `Data` and validates
//! the payload with the dynamic validator; when a step fails, names the known mistake it matches
//! ([`chargespec_runtime::mistakes`]). `seal` turns a payload into a ready request. Works for any
//! edition, with the envelope [`Profile`] built from the IR.

use chargespec_runtime::config::{Config, PeerConfig};
use chargespec_runtime::mistakes::{self, Mistake};
use chargespec_runtime::schema::check_json;
use chargespec_runtime::spec_envelope::{Keys, Profile};
use chargespec_runtime::{Mode, Report};
use serde_json::{Map, Value};

use crate::ir::Edition;
use crate::tools::validate::{Outcome, Target, validate};

/// A captured message: its envelope and what the HTTP text around it says.
#[derive(Debug, Default)]
pub struct Captured {
    pub envelope: Map<String, Value>,
    /// The interface, from the request line's last path segment.
    pub interface: Option<String>,
    /// A request (`POST …`), a response (`HTTP/1.1 …`), or unknown (a bare JSON body).
    pub response: Option<bool>,
    /// The `Date` header as UNIX seconds.
    pub date: Option<i64>,
    /// Whether an authorisation header was present (its value is never kept).
    pub authorization: bool,
}

/// Reads a JSON body, or a raw HTTP request or response.
pub fn parse_captured(text: &str, auth_header: &str) -> Result<Captured, String> {
    let trimmed = text.trim_start();
    let mut c = Captured::default();
    let body = if trimmed.starts_with('{') {
        trimmed
    } else {
        let (head, body) = trimmed
            .split_once("\r\n\r\n")
            .or_else(|| trimmed.split_once("\n\n"))
            .ok_or("neither a JSON body nor an HTTP message (no blank line after the headers)")?;
        let mut lines = head.lines();
        let first = lines.next().unwrap_or_default();
        if first.starts_with("HTTP/") {
            c.response = Some(true);
        } else {
            c.response = Some(false);
            let target = first.split_whitespace().nth(1).unwrap_or_default();
            let path = target.split('?').next().unwrap_or_default();
            c.interface = path
                .rsplit('/')
                .next()
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
        }
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let (name, value) = (name.trim(), value.trim());
            if name.eq_ignore_ascii_case("date") {
                c.date = http_date(value);
            } else if name.eq_ignore_ascii_case(auth_header) {
                c.authorization = true;
            }
        }
        body
    };
    match serde_json::from_str::<Value>(body.trim()) {
        Ok(Value::Object(m)) => c.envelope = m,
        Ok(_) => return Err("the body is not a JSON object".to_owned()),
        Err(e) => return Err(format!("the body is not JSON: {e}")),
    }
    Ok(c)
}

/// An IMF-fixdate (`Wed, 02 Dec 2026 07:01:07 GMT`) as UNIX seconds.
pub fn http_date(text: &str) -> Option<i64> {
    let mut it = text.split_whitespace().skip(1);
    let day: u8 = it.next()?.parse().ok()?;
    let month = match it.next()? {
        "Jan" => 1,
        "Feb" => 2,
        "Mar" => 3,
        "Apr" => 4,
        "May" => 5,
        "Jun" => 6,
        "Jul" => 7,
        "Aug" => 8,
        "Sep" => 9,
        "Oct" => 10,
        "Nov" => 11,
        "Dec" => 12,
        _ => return None,
    };
    let year: u16 = it.next()?.parse().ok()?;
    let mut hms = it.next()?.split(':').map(|p| p.parse::<u8>().ok());
    let p = chargespec_runtime::time::Parts {
        year,
        month,
        day,
        hour: hms.next()??,
        minute: hms.next()??,
        second: hms.next()??,
    };
    p.is_valid().then(|| p.to_unix())
}

/// The outcome of one step of opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Warn,
    Fail,
    Skip,
}

/// One step of opening a message, with the mistake that explains its failure, if known.
#[derive(Debug)]
pub struct StepResult {
    pub step: &'static str,
    pub status: Status,
    pub message: String,
    pub mistake: Option<Mistake>,
}

/// What opening a message found.
#[derive(Debug)]
pub struct Opened {
    pub edition: String,
    pub response: bool,
    pub interface: Option<String>,
    pub steps: Vec<StepResult>,
    /// The decrypted payload.
    pub payload: Option<Vec<u8>>,
    /// The payload's validation.
    pub validation: Option<Outcome>,
}

impl Opened {
    /// Whether a step failed.
    pub fn failed(&self) -> bool {
        self.steps.iter().any(|s| s.status == Status::Fail)
    }

    /// The report as text: one line per step, its mistake below it.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{} {}{}\n",
            self.edition,
            if self.response { "response" } else { "request" },
            self.interface
                .as_deref()
                .map(|i| format!(" of {i}"))
                .unwrap_or_default()
        );
        for s in &self.steps {
            let mark = match s.status {
                Status::Ok => "ok  ",
                Status::Warn => "WARN",
                Status::Fail => "FAIL",
                Status::Skip => "skip",
            };
            out.push_str(&format!("  {mark} {:<10} {}\n", s.step, s.message));
            if let Some(m) = &s.mistake {
                out.push_str(&format!("       why: {m} [{}]\n", m.name()));
            }
        }
        if let Some(v) = &self.validation {
            for line in v.text().lines() {
                out.push_str(&format!("       {line}\n"));
            }
        }
        out
    }
}

/// Which keys open a message of the peer: a request from us and any response are sealed with
/// the keys of our calls to the peer first, a request from the peer with its own.
fn key_sets(peer: &PeerConfig, from_us: bool) -> Vec<(&'static str, Keys)> {
    let inbound = ("the keys of the calls of", peer.keys.keys());
    let outbound = ("the keys of our calls to", peer.outbound().keys());
    let mut sets = if from_us {
        vec![outbound, inbound]
    } else {
        vec![inbound, outbound]
    };
    if sets[0].1 == sets[1].1 {
        sets.truncate(1);
    }
    sets
}

/// Options of `envelope open` and `verify`.
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    /// The peer (`--peer`); default: the sender of a request, else the only peer.
    pub peer: Option<String>,
    /// The interface (`--interface`), when the capture does not say.
    pub interface: Option<String>,
    /// Treat a bare JSON body as a response (`--response`).
    pub response: bool,
    /// Check the timestamp against this time (UNIX seconds; `--now`), when the capture has no
    /// `Date` header.
    pub now: Option<i64>,
    /// The accepted distance of the timestamp from that time, in seconds.
    pub window_s: u64,
    /// Validation mode of the payload.
    pub mode: Mode,
}

/// Opens a captured message: envelope, signature, timestamp, decryption, payload.
pub fn open(
    ir: &Edition,
    profile: &Profile,
    config: &Config,
    captured: &Captured,
    opts: &OpenOptions,
) -> Result<Opened, String> {
    let map = &captured.envelope;
    let response = captured
        .response
        .unwrap_or(opts.response || profile.is_response(map));
    let interface = opts.interface.clone().or(captured.interface.clone());
    let sender = map
        .get(&profile.request.sender)
        .and_then(Value::as_str)
        .map(str::to_owned);
    let peer_id = opts.peer.clone().or_else(|| {
        sender
            .as_ref()
            .filter(|s| !response && config.peers.iter().any(|p| &p.operator_id == *s))
            .cloned()
    });
    let peer = config.peer(peer_id.as_deref())?;
    let from_us = response || sender.as_deref() == Some(config.operator_id.as_str());
    let sets = key_sets(peer, from_us);
    let mut steps = Vec::new();

    // The envelope against its object.
    let bump = bumpalo::Bump::new();
    let schema = crate::descriptors::schema(ir, &bump);
    let object = if response {
        &profile.response_object
    } else {
        &profile.request_object
    };
    let report = schema
        .object(object)
        .map(|i| check_json(&schema, i, &Value::Object(map.clone()), Mode::strict()))
        .unwrap_or_default();
    steps.push(StepResult {
        step: "envelope",
        status: if report.is_ok() {
            Status::Ok
        } else {
            Status::Fail
        },
        message: if report.is_ok() {
            format!("{object}: every field present and well formed")
        } else {
            format!("{object}: {}", one_line(&report))
        },
        mistake: None,
    });

    // Signature, with the first key set that verifies.
    let mut keys = sets[0].1.clone();
    let mut verified = profile.signature.is_none();
    let mut sig_step = StepResult {
        step: "signature",
        status: Status::Skip,
        message: "the edition signs nothing".to_owned(),
        mistake: None,
    };
    if profile.signature.is_some() {
        let mut failure = String::new();
        for (i, (name, k)) in sets.iter().enumerate() {
            match profile.verify(k, map, response) {
                Ok(()) => {
                    keys = k.clone();
                    verified = true;
                    sig_step = StepResult {
                        step: "signature",
                        status: Status::Ok,
                        message: format!(
                            "verifies with {name} {}{}",
                            peer.operator_id,
                            if i > 0 {
                                " (the other direction's keys)"
                            } else {
                                ""
                            }
                        ),
                        mistake: mistakes::diagnose_hex_case(profile, map, response),
                    };
                    if sig_step.mistake.is_some() {
                        sig_step.status = Status::Warn;
                    }
                    break;
                }
                Err(e) => {
                    if failure.is_empty() {
                        failure = e.to_string();
                    }
                }
            }
        }
        if !verified {
            sig_step = StepResult {
                step: "signature",
                status: Status::Fail,
                message: format!("{failure} with the keys of {}", peer.operator_id),
                mistake: None,
            };
        }
    }

    // Decryption (also when the signature failed: the diagnosis may need the plaintext).
    let data_field = if response {
        &profile.response.data
    } else {
        &profile.request.data
    };
    let data = map.get(data_field).and_then(Value::as_str).unwrap_or("");
    let mut payload = None;
    let decrypt_step = match profile.decrypt(&keys, data) {
        Ok(p) if p.is_empty() => StepResult {
            step: "decrypt",
            status: Status::Ok,
            message: format!("{data_field} is empty"),
            mistake: None,
        },
        Ok(p) => {
            let n = p.len();
            payload = Some(p);
            StepResult {
                step: "decrypt",
                status: Status::Ok,
                message: format!(
                    "{data_field}: {} Base64 characters → {n} bytes of payload",
                    data.len()
                ),
                mistake: None,
            }
        }
        Err(e) => {
            let found = sets
                .iter()
                .find_map(|(_, k)| mistakes::diagnose_decrypt(profile, k, data));
            let mistake = found.map(|(m, p)| {
                payload = Some(p);
                m
            });
            StepResult {
                step: "decrypt",
                status: Status::Fail,
                message: e.to_string(),
                mistake,
            }
        }
    };
    if sig_step.status == Status::Fail {
        sig_step.mistake = sets.iter().find_map(|(_, k)| {
            mistakes::diagnose_signature(profile, k, map, response, payload.as_deref())
        });
    }
    steps.push(sig_step);

    // Timestamp: its format, and its distance from the capture's Date (or --now).
    if let (false, Some(field)) = (response, &profile.request.timestamp) {
        let text = map.get(field).and_then(Value::as_str).unwrap_or("");
        let reference = captured.date.or(opts.now);
        let step = match (profile.timestamp_unix(text), reference) {
            (None, _) => StepResult {
                step: "timestamp",
                status: Status::Fail,
                message: format!("{field} {text:?} is not in the spec's format"),
                mistake: None,
            },
            (Some(_), None) => StepResult {
                step: "timestamp",
                status: Status::Skip,
                message: format!(
                    "{field} {text} is well formed; its age is not checked (no Date header; --now checks it against the clock)"
                ),
                mistake: None,
            },
            (Some(t), Some(now)) => {
                let off = now - t;
                if off.unsigned_abs() <= opts.window_s {
                    StepResult {
                        step: "timestamp",
                        status: Status::Ok,
                        message: format!("{field} {text}: {off} s from the reference time"),
                        mistake: None,
                    }
                } else {
                    StepResult {
                        step: "timestamp",
                        status: Status::Fail,
                        message: format!(
                            "{field} {text}: {off} s from the reference time, outside the window of {} s",
                            opts.window_s
                        ),
                        mistake: mistakes::diagnose_timestamp(profile, text, now, opts.window_s),
                    }
                }
            }
        };
        steps.push(step);
    }
    steps.push(decrypt_step);

    // The payload.
    let mut validation = None;
    match (&payload, &interface) {
        (Some(p), Some(name)) => {
            let target = Target::Interface {
                name: name.clone(),
                response,
            };
            let out = validate(ir, &target, p, opts.mode)?;
            steps.push(StepResult {
                step: "payload",
                status: if out.errors() > 0 {
                    Status::Fail
                } else if out.warnings() > 0 {
                    Status::Warn
                } else {
                    Status::Ok
                },
                message: format!(
                    "{}: {} error(s), {} warning(s)",
                    out.object,
                    out.errors(),
                    out.warnings()
                ),
                mistake: None,
            });
            if !out.report.violations.is_empty() {
                validation = Some(out);
            }
        }
        (Some(_), None) => steps.push(StepResult {
            step: "payload",
            status: Status::Skip,
            message: "not validated: give --interface NAME (a raw HTTP request names it)"
                .to_owned(),
            mistake: None,
        }),
        (None, _) => {}
    }
    Ok(Opened {
        edition: profile.edition.clone(),
        response,
        interface,
        steps,
        payload,
        validation,
    })
}

fn one_line(report: &Report) -> String {
    report
        .violations
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                if v.path.is_empty() { "/" } else { &v.path },
                v.rule
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A sealed request ready to send.
#[derive(Debug)]
pub struct Sealed {
    pub envelope: Map<String, Value>,
    pub url: String,
    /// The `curl` command that sends it; the token is the variable `$CHARGESPEC_TOKEN`.
    pub curl: String,
    /// The payload's validation (sealed anyway: an invalid payload probes a receiver's 4004).
    pub validation: Outcome,
}

/// Seals `payload` as a request of `interface` from our platform to the peer, at `now_unix`
/// with the given `Seq`.
#[allow(clippy::too_many_arguments)]
pub fn seal(
    ir: &Edition,
    profile: &Profile,
    config: &Config,
    peer: Option<&str>,
    interface: &str,
    payload: &[u8],
    now_unix: i64,
    seq: u32,
) -> Result<Sealed, String> {
    let peer = config.peer(peer)?;
    let validation = validate(
        ir,
        &Target::Interface {
            name: interface.to_owned(),
            response: false,
        },
        payload,
        config.base_mode(),
    )?;
    let envelope = profile
        .seal_request(
            &peer.outbound().keys(),
            &config.operator_id,
            payload,
            &profile.timestamp_at(now_unix),
            &profile.seq_text(seq),
        )
        .map_err(|e| format!("cannot seal with the keys of {}: {e}", peer.operator_id))?;
    let base = peer.url.clone().unwrap_or_else(|| "$URL".to_owned());
    let url = format!("{}/{interface}", base.trim_end_matches('/'));
    let body = Value::Object(envelope.clone()).to_string();
    let mut curl = format!(
        "curl -sS -X POST '{url}' -H 'Content-Type: {}'",
        profile.content_type
    );
    if let Some(t) = &profile.token
        && t.interface != interface
    {
        curl.push_str(&format!(
            " -H \"{}: {} $CHARGESPEC_TOKEN\"",
            t.header, t.scheme
        ));
    }
    curl.push_str(&format!(" --data-binary '{}'", body.replace('\'', "'\\''")));
    Ok(Sealed {
        envelope,
        url,
        curl,
        validation,
    })
}
