//! What the runtime's server endpoint and client need of an edition: a *profile*.
//!
//! The generated `protocol` module of each edition declares a zero-sized `Profile` type and
//! implements [`Profile`] for it: its envelope types and keys, the receiver [`Rules`], the
//! transport facts ([`Wire`]), the token interface ([`TokenRules`]), the resend rule, and the few
//! operations whose shape is the edition's own (building an envelope of its types). Everything the
//! endpoint and the client do with them is written once, here and in
//! [`endpoint`](crate::endpoint) and [`client`](crate::client).

use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::envelope::{EnvelopeError, SeqCounter};
use crate::protocol::{RequestEnvelope, Rules, Sealing};
use crate::schema::Described;
use crate::{Secret, Validate};

/// How the envelope travels: what chapter 10 says of HTTP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wire<'a> {
    /// The content type of requests and answers.
    pub content_type: &'a str,
    /// The HTTP status of every answer, errors included (their Ret tells them apart).
    pub http_status: u16,
    /// The header that carries the token.
    pub auth_header: &'a str,
    /// The path the interfaces are mounted under unless configured otherwise.
    pub default_base_path: Option<&'a str>,
}

/// The token interface (Appendix C of the Shenzhen editions, T/CEC 102.4 Annex A): which request
/// fields carry the caller's identity and secret, which answer fields carry the token, its
/// lifetime and the outcome, and which request fields the answer echoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRules<'a> {
    /// The request field naming the caller (it must be the envelope's sender).
    pub operator_field: &'a str,
    /// The request field carrying the caller's secret.
    pub secret_field: &'a str,
    /// Request fields the answer repeats.
    pub echo: &'a [&'a str],
    /// The answer field carrying the token.
    pub token_field: &'a str,
    /// The answer field carrying the token's lifetime in seconds.
    pub lifetime_field: &'a str,
    /// The answer field carrying the outcome, and its success and failure codes.
    pub success_field: &'a str,
    pub success_code: i64,
    pub failure_code: i64,
    /// The answer field carrying the reason of a failure, and its codes, when the spec has one.
    pub fail_reason: Option<FailReason<'a>>,
}

/// The failure-reason field of the token answer and its codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailReason<'a> {
    pub field: &'a str,
    /// The code sent with a success, if any.
    pub none: Option<i64>,
    pub unknown_operator: Option<i64>,
    pub wrong_secret: Option<i64>,
}

/// How often and how soon a client sends a call again after a transient failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResendRule {
    pub attempts: u32,
    pub interval_s: u64,
}

/// The role fields of a response envelope.
pub trait ResponseEnvelope: Serialize + DeserializeOwned {
    fn ret(&self) -> i64;
    fn msg(&self) -> &str;
    fn data(&self) -> &str;
    /// The signature; empty when the answer is unsigned.
    fn signature(&self) -> &str;
}

/// An edition, as the endpoint and the client see it. Implemented by the generated
/// `protocol::Profile`; every constant and operation comes from the edition's spec.
pub trait Profile: Sized + Send + Sync + 'static {
    /// The secrets of one direction of a platform pair.
    type Keys: Sealing<Self::Request> + fmt::Debug + Send + Sync + 'static;
    /// The request envelope.
    type Request: RequestEnvelope + Serialize + Send + Sync + 'static;
    /// The response envelope.
    type Response: ResponseEnvelope + Send + Sync + 'static;
    /// The payloads of the token interface (with a token interface; otherwise any payload type).
    type TokenRequest: Serialize + DeserializeOwned + Described + Send + 'static;
    type TokenResponse: Serialize + DeserializeOwned + Described + Validate + Send + 'static;

    /// The receiver's checks in the spec's order, field names and Ret codes.
    const RULES: Rules<'static>;
    /// HTTP facts of chapter 10.
    const WIRE: Wire<'static>;
    /// The token interface, when the edition has one.
    const TOKEN: Option<TokenRules<'static>>;
    /// The resend rule of the client.
    const RESEND: ResendRule;

    /// A signed request envelope from `sender` carrying the JSON payload encrypted in `Data`.
    fn seal_request(
        keys: &Self::Keys,
        sender: &str,
        timestamp: &str,
        seq: String,
        json: &[u8],
    ) -> Result<Self::Request, EnvelopeError>;
    /// A signed response envelope; `json` is encrypted into `Data`, or `Data` is empty.
    fn seal_response(
        keys: &Self::Keys,
        ret: i64,
        msg: &str,
        json: Option<&[u8]>,
    ) -> Result<Self::Response, EnvelopeError>;
    /// An unsigned response envelope with an empty `Data`.
    fn unsigned_response(ret: i64, msg: &str) -> Self::Response;
    /// Checks a response envelope's signature in constant time.
    fn verify_response(keys: &Self::Keys, env: &Self::Response) -> Result<(), EnvelopeError>;
    /// The current time as an envelope timestamp (in the envelope's time zone).
    fn timestamp_now() -> String;
    /// A `Seq` counter with the spec's range and width.
    fn seq_counter() -> SeqCounter;
    /// The secret a caller presents to the token interface (`None` without one).
    fn operator_secret(keys: &Self::Keys) -> Option<&Secret>;
}

/// A signed request envelope carrying `payload`.
pub fn seal_request<P: Profile, T: Serialize>(
    keys: &P::Keys,
    sender: &str,
    timestamp: &str,
    seq: String,
    payload: &T,
) -> Result<P::Request, EnvelopeError> {
    let json = serde_json::to_vec(payload).map_err(|_| EnvelopeError::Decrypt)?;
    P::seal_request(keys, sender, timestamp, seq, &json)
}

/// A signed response envelope; `payload` is encrypted into `Data`, or `Data` is empty.
pub fn seal_response<P: Profile, T: Serialize>(
    keys: &P::Keys,
    ret: i64,
    msg: &str,
    payload: Option<&T>,
) -> Result<P::Response, EnvelopeError> {
    let json = payload
        .map(serde_json::to_vec)
        .transpose()
        .map_err(|_| EnvelopeError::Decrypt)?;
    P::seal_response(keys, ret, msg, json.as_deref())
}

/// Verifies a response envelope's signature (before decrypting) and decrypts `Data` into the
/// payload's bytes (`None` when `Data` is empty).
pub fn open_data<P: Profile>(
    keys: &P::Keys,
    env: &P::Response,
) -> Result<Option<Vec<u8>>, EnvelopeError> {
    P::verify_response(keys, env)?;
    if env.data().is_empty() {
        return Ok(None);
    }
    keys.decrypt(env.data()).map(Some)
}

/// Verifies a response envelope's signature (before decrypting) and decrypts its payload
/// (`None` when `Data` is empty); a payload that does not decode is named by its JSON pointer.
pub fn open_response<P: Profile, T: DeserializeOwned>(
    keys: &P::Keys,
    env: &P::Response,
) -> Result<Option<T>, EnvelopeError> {
    open_data::<P>(keys, env)?
        .map(|plain| crate::protocol::decode_answer(&plain))
        .transpose()
}
