//! One side of a link, played by the kit: seals requests with the edition's envelope profile,
//! posts them over HTTP, and opens the answers (Ret, signature, decryption) without trusting a
//! byte of them.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use chargespec_runtime::reqwest;
use chargespec_runtime::spec_envelope::{Keys, Profile};
use serde_json::{Map, Value};

use crate::ir::Edition;

/// Sessions started by this process (spreads their `Seq` ranges).
static SESSIONS: AtomicU32 = AtomicU32::new(0);

/// The largest answer read, in bytes.
pub const MAX_ANSWER: usize = 8 * 1024 * 1024;

/// How a request is authorised.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// With the session's token (none when it has none).
    Token,
    /// Without the header.
    None,
    /// With this token text.
    Given(String),
}

/// An answer, opened as far as it goes.
#[derive(Debug, Default)]
pub struct Answer {
    pub status: u16,
    /// Why there is no usable envelope (transport error, not JSON, …).
    pub error: Option<String>,
    pub envelope: Option<Map<String, Value>>,
    pub ret: Option<i64>,
    pub msg: String,
    /// `Ok` when the signature verifies, else why not.
    pub signature: Option<Result<(), String>>,
    /// The signature's hex digits are in the spec's case.
    pub signature_case_ok: bool,
    /// The decrypted payload (also when the signature failed).
    pub payload: Option<Vec<u8>>,
    /// Why `Data` could not be decrypted.
    pub decrypt_error: Option<String>,
}

impl Answer {
    /// The payload as JSON.
    pub fn json(&self) -> Option<Value> {
        self.payload
            .as_deref()
            .and_then(|p| serde_json::from_slice(p).ok())
    }

    /// One line on what came back.
    pub fn describe(&self) -> String {
        match (&self.error, self.ret) {
            (Some(e), _) => e.clone(),
            (None, Some(r)) if self.msg.is_empty() => format!("Ret {r}"),
            (None, Some(r)) => format!(
                "Ret {r} ({})",
                crate::tools::conform::report::bounded(&self.msg)
            ),
            (None, None) => format!("HTTP {}: no Ret in the answer", self.status),
        }
    }
}

/// The kit's side of the link.
pub struct Session<'a> {
    pub ir: &'a Edition,
    pub profile: Profile,
    http: reqwest::Client,
    /// The base URL the interface names are appended to.
    pub base_url: String,
    /// Our OperatorID (the sender of our requests).
    pub own_id: String,
    /// The keys of our calls to the peer.
    pub keys: Keys,
    seq: AtomicU32,
    pub token: Option<String>,
}

impl<'a> Session<'a> {
    pub fn new(
        ir: &'a Edition,
        profile: Profile,
        base_url: &str,
        own_id: &str,
        keys: Keys,
        timeout: Duration,
    ) -> Result<Session<'a>, String> {
        let http = chargespec_runtime::client::http_client(timeout).map_err(|e| e.to_string())?;
        // Seq starts at a point of its range taken from the clock and advanced per session, so
        // runs in the same second do not send envelopes the peer takes for replays.
        let (min, max) = profile.seq.map_or((1, 9999), |s| (s.min.max(1), s.max));
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_micros());
        let spread = SESSIONS.fetch_add(997, Ordering::Relaxed);
        let first = min + nanos.wrapping_add(spread) % (max.saturating_sub(min).max(1));
        Ok(Session {
            ir,
            profile,
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            own_id: own_id.to_owned(),
            keys,
            seq: AtomicU32::new(first),
            token: None,
        })
    }

    /// The next `Seq` number (wrapping within the spec's range).
    pub fn next_seq(&self) -> u32 {
        let (min, max) = self
            .profile
            .seq
            .map_or((1, 9999), |s| (s.min.max(1), s.max));
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        if n > max {
            self.seq.store(min + 1, Ordering::Relaxed);
            min
        } else {
            n
        }
    }

    /// A request envelope from us carrying `payload`, at `unix` time.
    pub fn seal_at(&self, payload: &[u8], unix: i64) -> Result<Map<String, Value>, String> {
        self.profile
            .seal_request(
                &self.keys,
                &self.own_id,
                payload,
                &self.profile.timestamp_at(unix),
                &self.profile.seq_text(self.next_seq()),
            )
            .map_err(|e| format!("cannot seal a request: {e}"))
    }

    /// A request envelope from us carrying `payload`, now.
    pub fn seal(&self, payload: &[u8]) -> Result<Map<String, Value>, String> {
        self.seal_at(payload, chargespec_runtime::now_unix())
    }

    /// Signs an envelope again after a change.
    pub fn resign(&self, map: &mut Map<String, Value>) -> Result<(), String> {
        if let (Some(field), Some(sig)) = (
            &self.profile.request.signature,
            self.profile
                .sign(&self.keys, map, false)
                .map_err(|e| e.to_string())?,
        ) {
            map.insert(field.clone(), Value::String(sig));
        }
        Ok(())
    }

    /// Posts an envelope to `interface` and opens the answer.
    pub async fn send(&self, interface: &str, envelope: &Map<String, Value>, auth: Auth) -> Answer {
        let body = Value::Object(envelope.clone()).to_string().into_bytes();
        self.send_bytes(interface, body, auth).await
    }

    /// Posts a body to `interface` and opens the answer.
    pub async fn send_bytes(&self, interface: &str, body: Vec<u8>, auth: Auth) -> Answer {
        let url = format!("{}/{interface}", self.base_url);
        let mut req = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, &self.profile.content_type)
            .body(body);
        let token = match auth {
            Auth::Token => self.token.clone(),
            Auth::None => None,
            Auth::Given(t) => Some(t),
        };
        if let (Some(t), Some(rule)) = (token, &self.profile.token) {
            req = req.header(rule.header.as_str(), format!("{} {t}", rule.scheme));
        }
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                return Answer {
                    error: Some(format!("no answer: {}", e.without_url())),
                    ..Answer::default()
                };
            }
        };
        let status = resp.status().as_u16();
        if resp.content_length().is_some_and(|n| n > MAX_ANSWER as u64) {
            return Answer {
                status,
                error: Some(format!(
                    "HTTP {status}: answer larger than {MAX_ANSWER} bytes"
                )),
                ..Answer::default()
            };
        }
        match resp.bytes().await {
            Ok(b) if b.len() <= MAX_ANSWER => self.open(status, &b),
            Ok(_) => Answer {
                status,
                error: Some(format!(
                    "HTTP {status}: answer larger than {MAX_ANSWER} bytes"
                )),
                ..Answer::default()
            },
            Err(e) => Answer {
                status,
                error: Some(format!("HTTP {status}: {}", e.without_url())),
                ..Answer::default()
            },
        }
    }

    /// Opens an answer body.
    pub fn open(&self, status: u16, body: &[u8]) -> Answer {
        let mut a = Answer {
            status,
            ..Answer::default()
        };
        let map = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            _ => {
                a.error = Some(format!("HTTP {status}: the answer is not a JSON envelope"));
                return a;
            }
        };
        let p = &self.profile;
        a.ret = p.ret_of(&map);
        a.msg = map
            .get(&p.response.msg)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if p.signature.is_some() {
            a.signature = Some(p.verify(&self.keys, &map, true).map_err(|e| e.to_string()));
            a.signature_case_ok = p.signature_case_ok(&map, true);
        }
        let data = map.get(&p.response.data).and_then(Value::as_str);
        match data {
            Some("") | None => {}
            Some(d) => match p.decrypt(&self.keys, d) {
                Ok(bytes) => a.payload = Some(bytes),
                Err(e) => a.decrypt_error = Some(e.to_string()),
            },
        }
        a.envelope = Some(map);
        a
    }

    /// Posts a payload to `interface` with the session's token.
    pub async fn call(&self, interface: &str, payload: &Value) -> Answer {
        match self.seal(payload.to_string().as_bytes()) {
            Ok(env) => self.send(interface, &env, Auth::Token).await,
            Err(e) => Answer {
                error: Some(e),
                ..Answer::default()
            },
        }
    }
}
