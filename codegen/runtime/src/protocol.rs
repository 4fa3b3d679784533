//! The receiver pipeline and the envelope operations every edition shares, hand-written once.
//!
//! What differs per edition is data: the generated `protocol` module holds a [`Rules`] value (the
//! spec's processing order with the Ret of every check, the token interface and scheme, the
//! timestamp format and time zone, field names for messages) and implements [`RequestEnvelope`]
//! for its envelope type and [`Sealing`] for its keys. The functions here run the checks in the
//! spec's order and fail each with the spec's Ret.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;

use crate::envelope::EnvelopeError;
use crate::schema::Described;
use crate::store::{ReplayBackend, StoreError, TokenBackend};
use crate::time::DateFormat;
use crate::token::Seen;
use crate::validate::bounded;
use crate::{Mode, Report};

/// A step of the receiver's processing (chapter 10 of the Shenzhen editions, T/CEC 102.4 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The body is JSON with the envelope fields present and well formed, from a known sender.
    CheckEnvelope,
    /// The bearer token was issued by this platform to the sender and has not expired.
    CheckToken,
    /// The signature matches; the timestamp is within the window; the message is not a resend.
    VerifySignature,
    /// `Data` decrypts.
    Decrypt,
    /// The payload decodes and validates.
    Validate,
}

/// What the receiver pipeline needs of an edition's spec.
#[derive(Clone, Copy, Debug)]
pub struct Rules<'a> {
    /// The checks in the spec's order, each with the Ret of its failure.
    pub processing: &'a [(Step, i64)],
    /// The interface that issues tokens (it needs none itself).
    pub token_interface: Option<&'a str>,
    /// The scheme before the token in the authorisation header (`Bearer`).
    pub auth_scheme: &'a str,
    /// The wire names of the sender, timestamp and data fields (for messages).
    pub sender_field: &'a str,
    pub timestamp_field: &'a str,
    pub data_field: &'a str,
    /// The format of the envelope timestamp and its time zone (seconds east of UTC).
    pub timestamp: Option<(DateFormat, i64)>,
    /// The Ret codes with a protocol role.
    pub ret: RetCodes,
}

/// The Ret codes with a protocol role (chapter 10 of the Shenzhen editions, T/CEC 102.4 §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetCodes {
    pub success: i64,
    /// System busy: the caller may resend later (also a full replay cache).
    pub busy: i64,
    pub bad_signature: i64,
    pub bad_token: i64,
    pub bad_envelope: i64,
    pub bad_payload: i64,
    pub system_error: i64,
}

/// The role fields of a request envelope.
pub trait RequestEnvelope: DeserializeOwned + Described {
    fn sender(&self) -> &str;
    fn data(&self) -> &str;
    fn timestamp(&self) -> Option<&str>;
    fn seq(&self) -> Option<&str>;
    fn signature(&self) -> Option<&str>;
}

/// The operations of one peer's keys on envelopes of type `E`.
pub trait Sealing<E> {
    fn verify_request(&self, env: &E) -> Result<(), EnvelopeError>;
    fn decrypt(&self, data: &str) -> Result<Vec<u8>, EnvelopeError>;
}

/// A request refused by a receiver check: the Ret the spec assigns to the failed step, and a
/// message for `Msg` (bounded, escaped, never containing key material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub ret: i64,
    pub msg: String,
    /// The sender, once identified as a configured peer: the refusal is then signed with its
    /// keys. `None` when the envelope is unreadable or the sender unknown.
    pub peer: Option<String>,
    /// What the log may say besides `msg` (the cause of an outage of the shared store); never
    /// part of the answer.
    pub detail: Option<String>,
}

impl Refusal {
    pub fn new(ret: i64, msg: String, peer: Option<String>) -> Self {
        Refusal {
            ret,
            msg,
            peer,
            detail: None,
        }
    }

    /// The shared store could not answer: "busy" (the caller may resend later), never an
    /// acceptance. The cause goes to the log only: it may name the store's address.
    pub fn store_unavailable(busy: i64, error: &StoreError, peer: Option<String>) -> Self {
        Refusal {
            detail: Some(error.to_string()),
            ..Refusal::new(
                busy,
                "the platform cannot check this request now: retry later".to_owned(),
                peer,
            )
        }
    }
}

/// Receiver settings the standard leaves open: validation mode, timestamp window (none in the
/// standard: provisional), the current time (UNIX seconds), and the plaintext test profile
/// (`Data` is the payload itself, no signature; never on a production link).
#[derive(Clone, Copy, Debug)]
pub struct Policy {
    pub mode: Mode,
    pub timestamp_window_s: Option<u64>,
    pub now_unix: i64,
    pub plaintext: bool,
}

/// A request that passed every check.
#[derive(Debug)]
pub struct Opened<E, T> {
    pub envelope: E,
    pub payload: T,
    /// Warnings of the payload validation (unknown codes, provisional items).
    pub warnings: Report,
    /// The OperatorID the bearer token was issued to (`None` for the token interface).
    pub token_owner: Option<String>,
}

/// The keys of each configured peer, by its OperatorID, and the validation mode of peers that
/// have their own (tolerance profiles switched on for that peer). `Debug` never shows keys.
#[derive(Clone, Debug)]
pub struct Peers<K> {
    keys: BTreeMap<String, K>,
    modes: BTreeMap<String, Mode>,
}

impl<K> Default for Peers<K> {
    fn default() -> Self {
        Peers {
            keys: BTreeMap::new(),
            modes: BTreeMap::new(),
        }
    }
}

impl<K> Peers<K> {
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds (or replaces) the keys of a peer.
    pub fn insert(&mut self, operator_id: impl Into<String>, keys: K) {
        self.keys.insert(operator_id.into(), keys);
    }
    /// The keys of a peer.
    pub fn get(&self, operator_id: &str) -> Option<&K> {
        self.keys.get(operator_id)
    }
    /// The OperatorIDs of the configured peers.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }
    /// Validates this peer's payloads in `mode` (e.g. with its tolerance profiles) instead of the
    /// receiver's default mode.
    pub fn set_mode(&mut self, operator_id: impl Into<String>, mode: Mode) {
        self.modes.insert(operator_id.into(), mode);
    }
    /// The peer's own validation mode, if it has one.
    pub fn mode(&self, operator_id: &str) -> Option<Mode> {
        self.modes.get(operator_id).copied()
    }
}

/// The top-level object of a body, refusing repeated keys: a proxy or an audit log that reads
/// the first of two `OperatorID`s would see another sender than the one authenticated.
fn unique_object(body: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = serde_json::Map<String, serde_json::Value>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut m: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = serde_json::Map::new();
            while let Some(k) = m.next_key::<String>()? {
                let v: serde_json::Value = m.next_value()?;
                if out.contains_key(&k) {
                    return Err(serde::de::Error::custom(format!(
                        "the key {} appears twice",
                        bounded(&k)
                    )));
                }
                out.insert(k, v);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let map = serde::Deserializer::deserialize_map(&mut de, Unique).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(map)
}

/// Reads and checks the envelope; on failure, says who sent it if a configured peer did.
fn read_envelope<E: RequestEnvelope, K>(
    rules: &Rules<'_>,
    peers: &Peers<K>,
    body: &[u8],
    policy: &Policy,
    ret: i64,
) -> Result<E, Refusal> {
    // The common case first: a well-formed envelope decodes straight into its type (serde
    // refuses a repeated field of the envelope) and passes its own constraints. Anything else
    // takes the path below, which reports every fault and whether the sender is a known peer.
    if !policy.plaintext
        && let Ok(env) = serde_json::from_slice::<E>(body)
        && crate::Validate::validate(&env, Mode::strict()).is_ok()
    {
        return Ok(env);
    }
    let mut map = unique_object(body).map_err(|e| {
        Refusal::new(
            ret,
            format!("the body is not a JSON object: {}", bounded(&e)),
            None,
        )
    })?;
    // The sender, if it names a configured peer: refusals from here on are signed for it.
    let peer = map
        .get(rules.sender_field)
        .and_then(serde_json::Value::as_str)
        .filter(|s| peers.get(s).is_some())
        .map(str::to_owned);
    if policy.plaintext
        && let Some(data) = map.get_mut(rules.data_field)
        && !data.is_string()
    {
        // The plaintext test profile: `Data` is the payload itself; keep its JSON text.
        *data = serde_json::Value::String(data.to_string());
    }
    let value = serde_json::Value::Object(map);
    let report = crate::schema::check_json_as::<E>(&value, Mode::strict());
    if !report.is_ok() {
        return Err(Refusal::new(ret, report.to_string(), peer));
    }
    serde_json::from_value(value).map_err(|e| Refusal::new(ret, bounded(&e.to_string()), peer))
}

/// Applies the receiver's checks to a request body, in the order of the spec, each failing with
/// the spec's Ret.
#[allow(clippy::too_many_arguments)]
pub async fn open_request<E, K, T>(
    rules: &Rules<'_>,
    peers: &Peers<K>,
    tokens: &dyn TokenBackend,
    replay: Option<&dyn ReplayBackend>,
    interface: &str,
    authorization: Option<&str>,
    body: &[u8],
    policy: &Policy,
) -> Result<Opened<E, T>, Refusal>
where
    E: RequestEnvelope,
    K: Sealing<E>,
    T: DeserializeOwned + Described,
{
    let now = u64::try_from(policy.now_unix).unwrap_or(0);
    let mut envelope: Option<E> = None;
    let mut keys: Option<&K> = None;
    let mut peer: Option<String> = None;
    let mut token_owner = None;
    let mut plain: Option<Vec<u8>> = None;
    let mut opened: Option<(T, Report)> = None;
    for &(step, ret) in rules.processing {
        let refuse = |msg: String| Refusal::new(ret, msg, peer.clone());
        let unavailable =
            |e: StoreError| Refusal::store_unavailable(rules.ret.busy, &e, peer.clone());
        match step {
            Step::CheckEnvelope => {
                let env: E = read_envelope(rules, peers, body, policy, ret)?;
                keys = peers.get(env.sender());
                if keys.is_none() && !policy.plaintext {
                    return Err(Refusal::new(
                        ret,
                        format!(
                            "{} {} is not registered",
                            rules.sender_field,
                            bounded(env.sender())
                        ),
                        None,
                    ));
                }
                peer = keys.map(|_| env.sender().to_owned());
                envelope = Some(env);
            }
            Step::CheckToken => {
                let env = envelope
                    .as_ref()
                    .ok_or_else(|| refuse(out_of_order(step)))?;
                if rules.token_interface != Some(interface) {
                    let owner = tokens
                        .check_header(authorization, rules.auth_scheme, now)
                        .await
                        .map_err(unavailable)?
                        .map_err(|e| refuse(e.to_string()))?;
                    if owner != env.sender() && !policy.plaintext {
                        return Err(refuse(format!(
                            "the token was issued to another {}",
                            rules.sender_field
                        )));
                    }
                    token_owner = Some(owner);
                }
            }
            Step::VerifySignature => {
                let env = envelope
                    .as_ref()
                    .ok_or_else(|| refuse(out_of_order(step)))?;
                if let (false, Some(k)) = (policy.plaintext, keys) {
                    k.verify_request(env).map_err(|e| refuse(e.to_string()))?;
                }
                // The window and the resend rule are envelope checks: their Ret is the
                // envelope's, whatever step of the spec's list runs them.
                let envelope_ret = ret_of(rules, Step::CheckEnvelope).unwrap_or(ret);
                let refuse_envelope = |msg: String| Refusal::new(envelope_ret, msg, peer.clone());
                check_window(rules, env, policy).map_err(&refuse_envelope)?;
                let verified = !policy.plaintext && keys.is_some();
                if let Some(replay) = replay {
                    let key = replay_key(env, verified);
                    match replay
                        .check(env.sender(), &key, now)
                        .await
                        .map_err(unavailable)?
                    {
                        Seen::First => {}
                        Seen::Again => return Err(refuse_envelope("replayed request".to_owned())),
                        Seen::Full => {
                            return Err(Refusal::new(
                                rules.ret.busy,
                                "too many recent messages to check for resends: retry later"
                                    .to_owned(),
                                peer.clone(),
                            ));
                        }
                    }
                }
            }
            Step::Decrypt => {
                let env = envelope
                    .as_ref()
                    .ok_or_else(|| refuse(out_of_order(step)))?;
                plain = Some(match (policy.plaintext, keys) {
                    (false, Some(k)) => k.decrypt(env.data()).map_err(|e| refuse(e.to_string()))?,
                    _ => env.data().as_bytes().to_vec(),
                });
            }
            Step::Validate => {
                let bytes = plain.as_deref().ok_or_else(|| refuse(out_of_order(step)))?;
                // A peer with tolerance profiles is validated in its own mode.
                let mode = peer
                    .as_deref()
                    .and_then(|p| peers.mode(p))
                    .unwrap_or(policy.mode);
                opened = Some(
                    crate::validate::decode::<T>(bytes, mode)
                        .map_err(|report| refuse(report.to_string()))?,
                );
            }
        }
    }
    match (envelope, opened) {
        (Some(envelope), Some((payload, warnings))) => Ok(Opened {
            envelope,
            payload,
            warnings,
            token_owner,
        }),
        _ => Err(Refusal::new(
            rules.processing.first().map_or(0, |p| p.1),
            "the spec's processing list lacks a step".to_owned(),
            peer,
        )),
    }
}

/// The Ret of a step of the spec's processing list.
fn ret_of(rules: &Rules<'_>, step: Step) -> Option<i64> {
    rules.processing.iter().find(|p| p.0 == step).map(|p| p.1)
}

fn out_of_order(step: Step) -> String {
    format!("the spec's processing list runs {step:?} before the step it needs")
}

/// The key of a message for the replay check: its signature, which covers the sender, the
/// data, the timestamp and the Seq — an identical resend is caught, two different messages in the
/// same second with the same Seq are not confused. When no signature was verified (the
/// plaintext test profile), the fields themselves.
fn replay_key<E: RequestEnvelope>(env: &E, verified: bool) -> String {
    match env.signature() {
        Some(sig) if verified && !sig.is_empty() => sig.to_ascii_uppercase(),
        _ => format!(
            "{}\u{1f}{}\u{1f}{}",
            env.timestamp().unwrap_or_default(),
            env.seq().unwrap_or_default(),
            env.data()
        ),
    }
}

/// The timestamp is within the window of the receiver's clock (in the envelope's time zone).
fn check_window<E: RequestEnvelope>(
    rules: &Rules<'_>,
    env: &E,
    policy: &Policy,
) -> Result<(), String> {
    let (Some(window), Some((format, offset))) = (policy.timestamp_window_s, rules.timestamp)
    else {
        return Ok(());
    };
    let local_now = policy.now_unix + offset;
    let sent = env
        .timestamp()
        .and_then(|t| format.parse(t))
        .map(|p| p.to_unix());
    if sent.is_none_or(|t| (local_now - t).unsigned_abs() > window) {
        return Err(format!(
            "{} outside the accepted window of {window} s",
            rules.timestamp_field
        ));
    }
    Ok(())
}

/// Decodes a decrypted answer payload, naming the JSON pointer of what does not decode (the
/// keys were right: the payload is what is wrong).
pub fn decode_answer<T: DeserializeOwned>(plain: &[u8]) -> Result<T, EnvelopeError> {
    let mut de = serde_json::Deserializer::from_slice(plain);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let path = crate::validate::pointer_of(e.path());
        EnvelopeError::Payload {
            pointer: bounded(&path),
            reason: bounded(&e.inner().to_string()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_top_level_keys_are_refused() {
        assert!(unique_object(br#"{"A":1,"B":2}"#).is_ok());
        let e = unique_object(br#"{"OperatorID":"X","OperatorID":"MA5DA0053"}"#)
            .err()
            .unwrap_or_default();
        assert!(e.contains("appears twice"), "{e}");
        assert!(unique_object(b"[1]").is_err());
        assert!(unique_object(br#"{"A":1} x"#).is_err());
    }

    #[test]
    fn an_undecodable_answer_names_its_pointer() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct A {
            #[serde(rename = "Items")]
            items: Vec<i64>,
        }
        let e = decode_answer::<A>(br#"{"Items":[1,"x"]}"#).err();
        let text = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("/Items/1"), "{text}");
        assert!(!text.contains("decrypted (key"), "{text}");
    }
}
