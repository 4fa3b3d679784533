//! What every generated client shares: its settings, its errors, the token cache and the HTTP
//! exchange. The generated `client` module adds what the spec decides (envelope, token interface,
//! Ret codes, resend rule).

use std::fmt;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Secret;
use crate::envelope::{EnvelopeError, SeqCounter};
use crate::profile::{Profile, ResponseEnvelope};
use crate::schema::Described;

/// Client settings.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Time allowed for one HTTP exchange (connect, send, answer).
    pub timeout: Duration,
    /// How many times a call is sent again after a transient failure (transport error,
    /// timeout, or the peer's "busy" Ret).
    pub resend_attempts: u32,
    /// The pause before each resend (doubled after every attempt).
    pub resend_interval: Duration,
    /// A cached token is renewed this long before the end of its announced lifetime.
    pub token_refresh_margin: Duration,
    /// How answers are checked: `None` decodes them only (a payload that does not decode is
    /// named by its JSON pointer); `Some(mode)` also validates them in `mode`, with the
    /// tolerance profiles switched on for this peer (every deviation logged and counted in
    /// [`Client::deviations`]), and an answer that fails is an [`ClientError::Invalid`] naming
    /// every violation.
    pub answers: Option<crate::Mode>,
}

/// Why a call failed.
#[derive(Debug)]
pub enum ClientError {
    /// The request could not be sent, or no answer came in time.
    Transport(String),
    /// The peer answered with an unexpected HTTP status.
    Status(u16),
    /// The answer is not a response envelope, or its `Data` is not the expected payload.
    Malformed(String),
    /// The response signature does not verify: the answer is not trusted.
    BadSignature,
    /// The peer refused the request with a non-zero Ret. `signed` is false when the answer
    /// carried no signature (a receiver that could not identify the sender cannot sign).
    Refused { ret: i64, msg: String, signed: bool },
    /// The token interface answered without issuing a token.
    TokenDenied { succ_stat: i64, fail_reason: i64 },
    /// Encrypting or signing failed locally (keys of the wrong size or alphabet).
    Keys(EnvelopeError),
    /// The answer decodes but fails validation (with [`ClientConfig::answers`]): every
    /// violation, with its JSON pointer.
    Invalid(crate::Report),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Transport(e) => write!(f, "transport: {e}"),
            ClientError::Status(s) => write!(f, "unexpected HTTP status {s}"),
            ClientError::Malformed(e) => write!(f, "malformed answer: {e}"),
            ClientError::BadSignature => f.write_str("the response signature does not verify"),
            ClientError::Refused { ret, msg, signed } => {
                write!(f, "refused with Ret {ret}: {msg}")?;
                if !signed {
                    f.write_str(" (unsigned answer)")?;
                }
                Ok(())
            }
            ClientError::TokenDenied {
                succ_stat,
                fail_reason,
            } => write!(
                f,
                "no token issued (SuccStat {succ_stat}, FailReason {fail_reason})"
            ),
            ClientError::Keys(e) => write!(f, "keys: {e}"),
            ClientError::Invalid(report) => write!(f, "invalid answer: {report}"),
        }
    }
}

impl std::error::Error for ClientError {}

impl From<EnvelopeError> for ClientError {
    fn from(e: EnvelopeError) -> Self {
        ClientError::Keys(e)
    }
}

/// The token obtained from one peer. Concurrent callers share one fetch.
#[derive(Debug, Default)]
pub struct TokenCache {
    slot: tokio::sync::Mutex<Option<(Secret, Instant)>>,
}

impl TokenCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached token while it is valid; otherwise `fetch` obtains one with its lifetime.
    pub async fn get_or_fetch<F, Fut>(&self, fetch: F) -> Result<Secret, ClientError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<(Secret, Duration), ClientError>>,
    {
        let mut slot = self.slot.lock().await;
        if let Some((token, until)) = slot.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let (token, valid_for) = fetch().await?;
        *slot = Some((token.clone(), Instant::now() + valid_for));
        Ok(token)
    }

    /// Forgets `stale` (the token a peer refused), unless another caller already replaced it.
    pub async fn invalidate(&self, stale: &Secret) {
        let mut slot = self.slot.lock().await;
        if slot.as_ref().is_some_and(|(t, _)| t == stale) {
            *slot = None;
        }
    }
}

/// An HTTP client with the given timeout, using rustls with the ring provider.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, ClientError> {
    // Installing fails only when a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| ClientError::Transport(e.to_string()))
}

/// POSTs `body` and returns the answer's body. Only `ok_status` is an answer.
pub async fn post(
    http: &reqwest::Client,
    url: &str,
    content_type: &str,
    authorization: Option<String>,
    body: Vec<u8>,
    ok_status: u16,
) -> Result<Vec<u8>, ClientError> {
    let mut req = http
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body);
    if let Some(a) = authorization {
        req = req.header(reqwest::header::AUTHORIZATION, a);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| ClientError::Transport(e.without_url().to_string()))?;
    let status = resp.status().as_u16();
    if status != ok_status {
        return Err(ClientError::Status(status));
    }
    resp.bytes()
        .await
        .map(|b| b.to_vec())
        .map_err(|e| ClientError::Transport(e.without_url().to_string()))
}

/// The default client settings of an edition: its resend rule (attempts and interval), a 30 s
/// timeout, tokens renewed 60 s before they end.
pub fn default_config<P: Profile>() -> ClientConfig {
    ClientConfig {
        timeout: Duration::from_secs(30),
        resend_attempts: P::RESEND.attempts,
        resend_interval: Duration::from_secs(P::RESEND.interval_s),
        token_refresh_margin: Duration::from_secs(60),
        answers: None,
    }
}

/// A connection to one peer platform: its URL, our OperatorID, the keys of this direction, the
/// token it issued us and our `Seq` counter. `Debug` never shows keys or tokens.
///
/// A call fetches the token once and caches it (renewing it before its announced end), seals
/// the request (encryption, signature, `TimeStamp`, `Seq`), verifies the answer's signature
/// before decrypting it, renews a refused token once, and resends on a transient failure
/// (transport error, timeout, "busy") following the resend rule.
#[derive(Debug)]
pub struct Client<P: Profile> {
    http: reqwest::Client,
    base_url: String,
    own_operator_id: String,
    keys: P::Keys,
    config: ClientConfig,
    token: TokenCache,
    seq: SeqCounter,
    deviations: std::sync::atomic::AtomicU64,
}

impl<P: Profile> Client<P> {
    /// A client of the platform at `base_url` (the URL up to the interface name).
    pub fn new(
        base_url: impl Into<String>,
        own_operator_id: impl Into<String>,
        keys: P::Keys,
        config: ClientConfig,
    ) -> Result<Self, ClientError> {
        Ok(Client {
            http: http_client(config.timeout)?,
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            own_operator_id: own_operator_id.into(),
            keys,
            config,
            token: TokenCache::new(),
            seq: P::seq_counter(),
            deviations: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many answers were accepted only thanks to a tolerance profile of this peer.
    pub fn deviations(&self) -> u64 {
        self.deviations.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Our OperatorID, sent in every envelope.
    pub fn own_operator_id(&self) -> &str {
        &self.own_operator_id
    }

    /// The token for this peer: cached, or obtained from its token interface.
    pub async fn token(&self) -> Result<Secret, ClientError> {
        self.token.get_or_fetch(|| self.fetch_token()).await
    }

    async fn fetch_token(&self) -> Result<(Secret, Duration), ClientError> {
        let (Some(t), Some(interface)) = (P::TOKEN, P::RULES.token_interface) else {
            return Err(ClientError::Malformed(
                "this edition has no token interface".to_owned(),
            ));
        };
        let mut ask = serde_json::Map::new();
        ask.insert(
            t.operator_field.to_owned(),
            self.own_operator_id.clone().into(),
        );
        let secret = P::operator_secret(&self.keys)
            .ok_or_else(|| ClientError::Malformed("the keys hold no token secret".to_owned()))?
            .expose();
        ask.insert(t.secret_field.to_owned(), secret.into());
        // Through the edition's token types: the request is checked as it is built, and the
        // answer decoded as the spec says (the lifetime in whole seconds, rounded down).
        let request: P::TokenRequest = serde_json::from_value(serde_json::Value::Object(ask))
            .map_err(|e| ClientError::Malformed(e.to_string()))?;
        let answer: P::TokenResponse = self.exchange(interface, None, &request).await?;
        let answer =
            serde_json::to_value(&answer).map_err(|e| ClientError::Malformed(e.to_string()))?;
        let number = |field: &str| answer.get(field).and_then(serde_json::Value::as_i64);
        let succ_stat = number(t.success_field).unwrap_or(-1);
        let token = answer
            .get(t.token_field)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default();
        if succ_stat != t.success_code || token.is_empty() {
            let fail_reason = t.fail_reason.and_then(|f| number(f.field)).unwrap_or(-1);
            return Err(ClientError::TokenDenied {
                succ_stat,
                fail_reason,
            });
        }
        let lifetime = Duration::from_secs(
            answer
                .get(t.lifetime_field)
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0),
        );
        tracing::info!(peer = %self.base_url, lifetime_s = lifetime.as_secs(), "token obtained");
        Ok((
            Secret::new(token),
            lifetime.saturating_sub(self.config.token_refresh_margin),
        ))
    }

    /// Calls an interface of the peer: resends on transient failures (transport error,
    /// timeout, "busy") up to the configured attempts, pausing between them (the pause doubles
    /// each time).
    pub async fn call<Req, Resp>(
        &self,
        interface: &'static str,
        request: &Req,
    ) -> Result<Resp, ClientError>
    where
        Req: Serialize,
        Resp: DeserializeOwned + Described,
    {
        let mut pause = self.config.resend_interval;
        let mut attempt = 0;
        loop {
            match self.call_once(interface, request).await {
                Err(e) if attempt < self.config.resend_attempts && self.transient(&e) => {
                    attempt += 1;
                    tracing::warn!(interface, attempt, error = %e, "resending");
                    tokio::time::sleep(pause).await;
                    pause = pause.saturating_mul(2);
                }
                other => return other,
            }
        }
    }

    /// Whether a failure may pass if the call is sent again.
    fn transient(&self, e: &ClientError) -> bool {
        match e {
            ClientError::Transport(_) => true,
            ClientError::Status(s) => *s >= 500,
            ClientError::Refused { ret, .. } => *ret == P::RULES.ret.busy,
            _ => false,
        }
    }

    /// One call; a refused token is renewed and the call sent again, once.
    async fn call_once<Req, Resp>(
        &self,
        interface: &'static str,
        request: &Req,
    ) -> Result<Resp, ClientError>
    where
        Req: Serialize,
        Resp: DeserializeOwned + Described,
    {
        let token = self.token().await?;
        match self.exchange(interface, Some(&token), request).await {
            Err(ClientError::Refused { ret, .. }) if ret == P::RULES.ret.bad_token => {
                tracing::info!(interface, "token refused: renewing it");
                self.token.invalidate(&token).await;
                let token = self.token().await?;
                self.exchange(interface, Some(&token), request).await
            }
            other => other,
        }
    }

    /// Seals, sends, verifies and opens one exchange.
    async fn exchange<Req, Resp>(
        &self,
        interface: &str,
        token: Option<&Secret>,
        request: &Req,
    ) -> Result<Resp, ClientError>
    where
        Req: Serialize,
        Resp: DeserializeOwned + Described,
    {
        // A `TimeStamp` and a `Seq` not used before in that second.
        let (timestamp, sequence) = loop {
            let timestamp = P::timestamp_now();
            if let Some(seq) = self.seq.next(&timestamp) {
                break (timestamp, seq);
            }
            // Every Seq of this second is used: wait for the next one.
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let envelope = crate::profile::seal_request::<P, Req>(
            &self.keys,
            &self.own_operator_id,
            &timestamp,
            sequence,
            request,
        )?;
        let body =
            serde_json::to_vec(&envelope).map_err(|e| ClientError::Malformed(e.to_string()))?;
        let url = format!("{}/{}", self.base_url, interface);
        let scheme = P::RULES.auth_scheme;
        let authorization = token.map(|t| format!("{scheme} {}", t.expose()));
        let wire = P::WIRE;
        let bytes = post(
            &self.http,
            &url,
            wire.content_type,
            authorization,
            body,
            wire.http_status,
        )
        .await?;
        let answer: P::Response =
            serde_json::from_slice(&bytes).map_err(|e| ClientError::Malformed(e.to_string()))?;
        let (ret, signed) = (answer.ret(), !answer.signature().is_empty());
        if ret != P::RULES.ret.success {
            if signed {
                P::verify_response(&self.keys, &answer).map_err(|_| ClientError::BadSignature)?;
            }
            let msg = answer.msg().to_owned();
            tracing::warn!(interface, ret, msg = %crate::validate::bounded(&msg), "refused by the peer");
            return Err(ClientError::Refused { ret, msg, signed });
        }
        let envelope_error = |e| match e {
            EnvelopeError::Signature => ClientError::BadSignature,
            other => ClientError::Malformed(other.to_string()),
        };
        let plain = crate::profile::open_data::<P>(&self.keys, &answer)
            .map_err(envelope_error)?
            .ok_or_else(|| ClientError::Malformed("the answer carries no Data".to_owned()))?;
        let Some(mode) = self.config.answers else {
            let payload = crate::protocol::decode_answer(&plain).map_err(envelope_error)?;
            tracing::debug!(interface, "answered");
            return Ok(payload);
        };
        let (payload, report) =
            crate::validate::decode::<Resp>(&plain, mode).map_err(ClientError::Invalid)?;
        if !report.deviations.is_empty() {
            self.deviations
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        for d in &report.deviations {
            tracing::warn!(interface, peer = %self.base_url, tolerance = d.tolerance.name(), field = %d.path, value = %d.value, "answer accepted with a deviation");
        }
        tracing::debug!(interface, warnings = report.warnings().count(), "answered");
        Ok(payload)
    }
}
