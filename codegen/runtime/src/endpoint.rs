//! The server endpoint of every edition: the peers' keys, the tokens issued, the replay cache and
//! the settings of one platform, and what it does with a request — the receiver pipeline
//! ([`open_request`](crate::protocol::open_request), in the spec's order), the handler, the check of
//! the handler's answer, the sealed answer, and the token interface.
//!
//! What differs per edition comes from its [`Profile`]; the generated `server` module keeps one
//! trait per role and the router that maps each interface to its handler method.

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::profile::{self, Profile};
use crate::protocol::{Peers, Policy, Refusal, RequestEnvelope, RetCodes};
use crate::schema::Described;
use crate::server::{CatchPanic, json_response, read_body};
use crate::store::{ReplayBackend, Stores, TokenBackend};
use crate::token::{DEFAULT_REPLAY_CAPACITY, DEFAULT_TOKENS_PER_PEER};
use crate::validate::bounded;
use crate::{Mode, Report, Validate};

/// Server settings the standard leaves open.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The path under which the interfaces are mounted (`None`: the edition's default).
    pub base_path: Option<String>,
    /// The largest request body accepted, in bytes; a longer one is refused unread.
    pub body_limit: usize,
    /// Strict or lenient payload validation.
    pub mode: Mode,
    /// How far `TimeStamp` may be from the receiver's clock (`None`: not checked). The
    /// standard names no window: a local policy.
    pub timestamp_window_s: Option<u64>,
    /// How long a message (its sender and signature) is remembered to refuse resends (`None`:
    /// not checked). A local policy as well.
    pub replay_window_s: Option<u64>,
    /// The most messages remembered for the resend check; when that many are inside the
    /// window, new messages are refused as "system busy" (never accepted unchecked).
    pub replay_capacity: usize,
    /// The most live tokens one peer holds; issuing another retires its oldest.
    pub tokens_per_peer: usize,
    /// The lifetime of the tokens the endpoint issues, in seconds.
    pub token_lifetime_s: u64,
    /// The plaintext test profile: `Data` is the payload itself, signatures are not checked,
    /// answers are unsigned. Never enable it on a production link.
    pub plaintext: bool,
    /// The clock (UNIX seconds); replaceable in tests.
    pub clock: fn() -> i64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            base_path: None,
            body_limit: 4 * 1024 * 1024,
            mode: Mode::strict(),
            timestamp_window_s: Some(300),
            replay_window_s: Some(300),
            replay_capacity: DEFAULT_REPLAY_CAPACITY,
            tokens_per_peer: DEFAULT_TOKENS_PER_PEER,
            // 7200 s: the lifetime of the published example and of most implementations.
            token_lifetime_s: 7200,
            plaintext: false,
            clock: crate::now_unix,
        }
    }
}

impl ServerConfig {
    /// The token store and replay cache of these settings in this process's memory.
    pub fn memory_stores(&self) -> Stores {
        Stores::memory(
            self.token_lifetime_s,
            self.tokens_per_peer,
            self.replay_window_s.map(|w| (w, self.replay_capacity)),
        )
    }

    /// The token store and replay cache of these settings on a Redis server shared by several
    /// instances (the same `url` and `prefix`). Needs a Tokio runtime.
    #[cfg(feature = "redis")]
    pub fn redis_stores(
        &self,
        url: &str,
        prefix: &str,
    ) -> Result<Stores, crate::store::StoreError> {
        Stores::redis(
            url,
            prefix,
            self.token_lifetime_s,
            self.tokens_per_peer,
            self.replay_window_s,
        )
    }
}

/// What went wrong in a handler; the endpoint answers it with the edition's Ret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The platform is busy: the caller may resend later.
    Busy,
    /// The handler failed.
    System,
    /// The business parameters are valid in form but cannot be served (unknown station…).
    Invalid,
    /// Another Ret of the edition.
    Ret(i64),
}

impl Failure {
    /// The Ret of this failure in an edition.
    pub fn ret(self, codes: &RetCodes) -> i64 {
        match self {
            Failure::Busy => codes.busy,
            Failure::System => codes.system_error,
            Failure::Invalid => codes.bad_payload,
            Failure::Ret(r) => r,
        }
    }
}

/// A handler's failure: the Ret and `Msg` of the answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerError {
    pub failure: Failure,
    pub msg: String,
}

impl HandlerError {
    /// The platform is busy: the caller may resend later.
    pub fn busy(msg: impl Into<String>) -> Self {
        Self::new(Failure::Busy, msg)
    }
    /// The handler failed.
    pub fn system(msg: impl Into<String>) -> Self {
        Self::new(Failure::System, msg)
    }
    /// The business parameters are valid in form but cannot be served (unknown station…).
    pub fn invalid(msg: impl Into<String>) -> Self {
        Self::new(Failure::Invalid, msg)
    }
    pub fn new(failure: Failure, msg: impl Into<String>) -> Self {
        HandlerError {
            failure,
            msg: msg.into(),
        }
    }
}

impl std::fmt::Display for HandlerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.failure, self.msg)
    }
}

impl std::error::Error for HandlerError {}

/// What a handler knows about a request besides its payload.
#[derive(Debug)]
pub struct RequestContext {
    /// The sender (authenticated by its token and signature).
    pub operator_id: String,
    /// The interface called.
    pub interface: &'static str,
    /// Validation warnings of the payload (unknown codes in lenient mode, provisional items).
    pub warnings: Report,
}

/// One platform's server state: its peers' keys, the tokens it issued, its replay cache and
/// settings. Shared by the routers of every role it plays. `Debug` shows no key or token.
#[derive(Debug)]
pub struct Endpoint<P: Profile> {
    own_operator_id: String,
    base_path: String,
    peers: Peers<P::Keys>,
    tokens: std::sync::Arc<dyn TokenBackend>,
    replay: Option<std::sync::Arc<dyn ReplayBackend>>,
    config: ServerConfig,
}

impl<P: Profile> Endpoint<P> {
    /// An endpoint with its token store and replay cache in this process's memory.
    pub fn new(
        own_operator_id: impl Into<String>,
        peers: Peers<P::Keys>,
        config: ServerConfig,
    ) -> Self {
        let stores = config.memory_stores();
        Self::with_stores(own_operator_id, peers, config, stores)
    }

    /// An endpoint with the given token store and replay cache (shared by several instances,
    /// for example: [`ServerConfig::redis_stores`]). The bounds and lifetimes are the stores'.
    pub fn with_stores(
        own_operator_id: impl Into<String>,
        peers: Peers<P::Keys>,
        config: ServerConfig,
        stores: Stores,
    ) -> Self {
        if config.plaintext {
            tracing::warn!(
                "PLAINTEXT TEST PROFILE: Data is not encrypted and signatures are not checked. Never use this on a production link."
            );
        }
        let base_path = config
            .base_path
            .clone()
            .unwrap_or_else(|| P::WIRE.default_base_path.unwrap_or_default().to_owned());
        Endpoint {
            own_operator_id: own_operator_id.into(),
            base_path,
            tokens: stores.tokens,
            replay: stores.replay,
            peers,
            config,
        }
    }

    /// The platform's own OperatorID.
    pub fn own_operator_id(&self) -> &str {
        &self.own_operator_id
    }

    /// The path the interfaces are mounted under.
    pub fn base_path(&self) -> &str {
        &self.base_path
    }

    pub fn config(&self) -> &ServerConfig {
        &self.config
    }

    pub fn peers(&self) -> &Peers<P::Keys> {
        &self.peers
    }

    fn policy(&self) -> Policy {
        Policy {
            mode: self.config.mode,
            timestamp_window_s: self.config.timestamp_window_s,
            now_unix: (self.config.clock)(),
            plaintext: self.config.plaintext,
        }
    }

    fn codes(&self) -> &'static RetCodes {
        &P::RULES.ret
    }

    /// Runs the receiver pipeline on a request and, when it passes, the handler; checks the
    /// handler's answer against the spec and answers with the sealed response.
    pub async fn serve<Req, Resp, F, Fut>(
        &self,
        interface: &'static str,
        headers: &HeaderMap,
        body: Body,
        handle: F,
    ) -> Response
    where
        Req: DeserializeOwned + Described,
        Resp: Serialize + Validate,
        F: FnOnce(RequestContext, Req) -> Fut,
        Fut: Future<Output = Result<Resp, HandlerError>>,
    {
        let codes = self.codes();
        let bytes = match read_body(body, self.config.body_limit).await {
            Ok(b) => b,
            Err(e) => {
                let refusal = Refusal::new(codes.bad_envelope, e.to_string(), None);
                return self.refuse(interface, refusal);
            }
        };
        let authorization = headers
            .get(P::WIRE.auth_header)
            .and_then(|v| v.to_str().ok());
        let opened = crate::protocol::open_request::<P::Request, P::Keys, Req>(
            &P::RULES,
            &self.peers,
            self.tokens.as_ref(),
            self.replay.as_deref(),
            interface,
            authorization,
            &bytes,
            &self.policy(),
        )
        .await;
        let opened = match opened {
            Ok(o) => o,
            Err(refusal) => return self.refuse(interface, refusal),
        };
        let peer = opened.envelope.sender().to_owned();
        // Accepted only thanks to a tolerance profile of this peer: say which, where.
        for d in &opened.warnings.deviations {
            tracing::warn!(interface, peer = %peer, tolerance = d.tolerance.name(), field = %d.path, value = %d.value, "accepted with a deviation");
        }
        let warnings = opened.warnings.warnings().count();
        let ctx = RequestContext {
            operator_id: peer.clone(),
            interface,
            warnings: opened.warnings,
        };
        let outcome = match CatchPanic::new(handle(ctx, opened.payload)).await {
            Ok(outcome) => outcome,
            Err(panic) => {
                tracing::error!(interface, peer = %peer, panic = %panic, "the handler panicked");
                Err(HandlerError::system("the handler failed"))
            }
        };
        match outcome {
            Ok(answer) => {
                // A strict server sends only answers that pass its own validation.
                let report = answer.validate(self.config.mode);
                if !report.is_ok() {
                    tracing::error!(interface, peer = %peer, report = %report, "the handler's answer fails validation");
                    return self.answer::<()>(
                        Some(&peer),
                        codes.system_error,
                        "the answer failed validation",
                        None,
                    );
                }
                tracing::info!(interface, peer = %peer, ret = codes.success, warnings, "answered");
                self.answer(Some(&peer), codes.success, "", Some(&answer))
            }
            Err(e) => {
                let ret = e.failure.ret(codes);
                tracing::warn!(interface, peer = %peer, ret, msg = %bounded(&e.msg), "handler failed");
                self.answer::<()>(Some(&peer), ret, &e.msg, None)
            }
        }
    }

    fn refuse(&self, interface: &str, refusal: Refusal) -> Response {
        match &refusal.detail {
            Some(detail) => {
                tracing::error!(interface, peer = ?refusal.peer, ret = refusal.ret, msg = %refusal.msg, detail = %detail, "refused")
            }
            None => {
                tracing::warn!(interface, peer = ?refusal.peer, ret = refusal.ret, msg = %refusal.msg, "refused")
            }
        }
        self.answer::<()>(refusal.peer.as_deref(), refusal.ret, &refusal.msg, None)
    }

    /// The answer: sealed with the peer's keys, unsigned when there are none, or in the
    /// plaintext profile with the payload itself in `Data`.
    fn answer<T: Serialize>(
        &self,
        peer: Option<&str>,
        ret: i64,
        msg: &str,
        payload: Option<&T>,
    ) -> Response {
        let body = if self.config.plaintext {
            let data = payload
                .and_then(|p| serde_json::to_value(p).ok())
                .unwrap_or_else(|| serde_json::Value::String(String::new()));
            let mut env = serde_json::to_value(P::unsigned_response(ret, msg)).unwrap_or_default();
            if let Some(slot) = env.get_mut(P::RULES.data_field) {
                *slot = data;
            }
            serde_json::to_vec(&env)
        } else {
            let sealed = match peer.and_then(|p| self.peers.get(p)) {
                Some(keys) => profile::seal_response::<P, T>(keys, ret, msg, payload)
                    .unwrap_or_else(|e| {
                        tracing::error!(error = %e, "the answer could not be sealed");
                        P::unsigned_response(
                            self.codes().system_error,
                            "the answer could not be sealed",
                        )
                    }),
                None => P::unsigned_response(ret, msg),
            };
            serde_json::to_vec(&sealed)
        };
        json_response(
            P::WIRE.http_status,
            P::WIRE.content_type,
            body.unwrap_or_default(),
        )
    }

    /// The answer to a request for an interface this platform does not serve: an unsigned
    /// envelope (the sender is not read) with the envelope Ret and a message naming the method
    /// and path (bounded and escaped), logged.
    pub fn unknown_interface(&self, method: &str, path: &str) -> Response {
        let (method, path) = (bounded(method), bounded(path));
        tracing::warn!(method = %method, path = %path, "no such interface");
        let msg = format!("no interface {method} {path} on this platform");
        self.answer::<()>(None, self.codes().bad_envelope, &msg, None)
    }

    /// Serves the token interface: a token for a configured peer presenting its secret,
    /// otherwise a refusal with the spec's failure reason.
    pub async fn query_token(&self, headers: &HeaderMap, body: Body) -> Response {
        let interface = P::RULES.token_interface.unwrap_or_default();
        self.serve::<P::TokenRequest, P::TokenResponse, _, _>(
            interface,
            headers,
            body,
            |ctx, request| async move {
                let asked = serde_json::to_value(&request)
                    .map_err(|e| HandlerError::system(e.to_string()))?;
                let answer = self.issue_token(&ctx, &asked).await?;
                serde_json::from_value(serde_json::Value::Object(answer))
                    .map_err(|e| HandlerError::system(e.to_string()))
            },
        )
        .await
    }

    /// The token answer to a token request (as JSON), from the spec's token rules.
    async fn issue_token(
        &self,
        ctx: &RequestContext,
        asked: &serde_json::Value,
    ) -> Result<serde_json::Map<String, serde_json::Value>, HandlerError> {
        let t = P::TOKEN.ok_or_else(|| HandlerError::system("this edition issues no tokens"))?;
        let text = |field: &str| asked.get(field).and_then(serde_json::Value::as_str);
        let secret = text(t.secret_field).unwrap_or_default();
        // The caller's identity in the token request must be the sender of the envelope.
        let claimed = text(t.operator_field) == Some(ctx.operator_id.as_str());
        let mut answer = serde_json::Map::new();
        for &key in t.echo {
            if let Some(v) = asked.get(key) {
                answer.insert(key.to_owned(), v.clone());
            }
        }
        let mut put =
            |field: &str, value: serde_json::Value| answer.insert(field.to_owned(), value);
        let reason = |pick: fn(&profile::FailReason<'_>) -> Option<i64>| {
            t.fail_reason.and_then(|f| Some((f.field, pick(&f)?)))
        };
        let found = self.peers.get(&ctx.operator_id);
        let outcome = match found {
            Some(keys)
                if claimed && P::operator_secret(keys).is_some_and(|s| s.matches(secret)) =>
            {
                let now = u64::try_from((self.config.clock)()).unwrap_or(0);
                let token = self
                    .tokens
                    .issue(&ctx.operator_id, now)
                    .await
                    .map_err(|e| {
                        tracing::error!(peer = %ctx.operator_id, error = %e, "no token issued");
                        HandlerError::busy("the platform cannot issue a token now: retry later")
                    })?;
                put(t.success_field, t.success_code.into());
                put(t.token_field, token.expose().into());
                put(t.lifetime_field, self.tokens.lifetime_s().into());
                tracing::info!(peer = %ctx.operator_id, lifetime_s = self.tokens.lifetime_s(), "token issued");
                reason(|f| f.none)
            }
            _ => {
                put(t.success_field, t.failure_code.into());
                put(t.token_field, "".into());
                put(t.lifetime_field, 0.into());
                tracing::warn!(peer = %ctx.operator_id, "token refused");
                if found.is_some() && claimed {
                    reason(|f| f.wrong_secret)
                } else {
                    reason(|f| f.unknown_operator)
                }
            }
        };
        if let Some((field, code)) = outcome {
            put(field, code.into());
        }
        Ok(answer)
    }
}

/// The state a router shares between its routes.
#[derive(Debug)]
pub struct Shared<P: Profile, H> {
    pub handler: H,
    pub endpoint: Endpoint<P>,
}

/// The state of a role's router.
pub type State<P, H> = axum::extract::State<Arc<Shared<P, H>>>;

/// Mounts `routes` under `base` (nothing to do for an empty base).
pub fn mount<S: Clone + Send + Sync + 'static>(
    base: &str,
    routes: axum::Router<S>,
) -> axum::Router<S> {
    let base = base.trim_end_matches('/');
    if base.is_empty() {
        routes
    } else {
        axum::Router::new().nest(base, routes)
    }
}

/// A role's router: its routes under the endpoint's base path, every other path or method
/// answered with an envelope naming what was asked for.
pub fn router<P: Profile, H: Send + Sync + 'static>(
    routes: axum::Router<Arc<Shared<P, H>>>,
    handler: H,
    endpoint: Endpoint<P>,
) -> axum::Router {
    let base = endpoint.base_path().to_owned();
    mount(&base, routes)
        .fallback(unknown::<P, H>)
        .with_state(Arc::new(Shared { handler, endpoint }))
}

async fn unknown<P: Profile, H: Send + Sync + 'static>(
    axum::extract::State(shared): State<P, H>,
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> Response {
    shared
        .endpoint
        .unknown_interface(method.as_str(), uri.path())
}

/// The route of one interface, as the generated routers list them: a POST handler that serves
/// the interface `$name` with the role's method `$method`, the request type `$req` and the
/// answer type `$resp` through [`Endpoint::serve`], for the edition's profile `$profile` and
/// the role's handler type `$handler`.
#[macro_export]
macro_rules! post_interface {
    ($profile:ty, $handler:ty, $name:expr, $method:ident, $req:ty, $resp:ty $(,)?) => {
        $crate::axum::routing::post(
            |$crate::axum::extract::State(shared): $crate::endpoint::State<$profile, $handler>,
             headers: $crate::axum::http::HeaderMap,
             body: $crate::axum::body::Body| async move {
                shared
                    .endpoint
                    .serve::<$req, $resp, _, _>($name, &headers, body, |ctx, request| {
                        shared.handler.$method(ctx, request)
                    })
                    .await
            },
        )
    };
}

/// The route of the token interface, answered by the endpoint itself
/// ([`Endpoint::query_token`]), for the profile `$profile` and the handler type `$handler`.
#[macro_export]
macro_rules! post_token {
    ($profile:ty, $handler:ty $(,)?) => {
        $crate::axum::routing::post(
            |$crate::axum::extract::State(shared): $crate::endpoint::State<$profile, $handler>,
             headers: $crate::axum::http::HeaderMap,
             body: $crate::axum::body::Body| async move {
                shared.endpoint.query_token(&headers, body).await
            },
        )
    };
}
