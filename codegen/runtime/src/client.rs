//! What every generated client shares: its settings, its errors, the token cache and the HTTP
//! exchange. The generated `client` module adds what the spec decides (envelope, token interface,
//! Ret codes, resend rule).

use std::fmt;
use std::time::{Duration, Instant};

use crate::Secret;
use crate::envelope::EnvelopeError;

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
