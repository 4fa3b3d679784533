//! The server skeleton of each role (axum): a trait with one async method per interface the role
//! implements, and a router that runs the spec's receiver pipeline (`protocol::open_request`)
//! before a handler sees a request and seals every answer (`protocol::seal_response`). The token
//! interface of Appendix C is answered by the generated code itself, from the spec's token block.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Edition, Interface, Role};

use super::crate_name;
use super::util::{doc_attrs, ident, one_line, provenance_lines, title};

/// The Rust type of an interface's request or response payload.
pub(super) fn payload_type(ir: &Edition, object: &str) -> TokenStream {
    payload_type_in(ir, object, &quote! { crate::types })
}

/// The Rust type of an object under `module` (`crate::types`, or `types` in a test).
pub(super) fn payload_type_in(ir: &Edition, object: &str, module: &TokenStream) -> TokenStream {
    let name = ir
        .objects
        .get(object)
        .map_or(object, |o| o.rust_name.as_str());
    let n = ident(name);
    quote! { #module::#n }
}

/// The documentation of an interface method (server and client).
pub(super) fn interface_doc(i: &Interface, what: &str) -> TokenStream {
    let mut lines = vec![format!("`{}` {}", i.name, title(&i.info))];
    lines.push(String::new());
    lines.push(format!(
        "{what} Implemented by {}, called by {}.",
        i.implementer, i.caller
    ));
    if let Some(t) = &i.trigger {
        lines.push(format!("Trigger: {}.", one_line(t)));
    }
    if !i.route_aliases.is_empty() {
        lines.push(format!(
            "Also routed as: {}.",
            i.route_aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(&i.prov, i.info.section.as_deref()));
    doc_attrs(&lines)
}

/// The token interface answered by the endpoint: which request field carries the secret and
/// which fields the answer echoes, from the spec's token block.
fn token_issuer(ir: &Edition) -> TokenStream {
    let (Some(sec), Some(iface)) = (&ir.security, ir.token_interface()) else {
        return TokenStream::new();
    };
    let Some(t) = &sec.token else {
        return TokenStream::new();
    };
    let t = &t.value;
    let req_ty = payload_type(ir, &iface.request.object);
    let resp_ty = payload_type(ir, &iface.response.object);
    let secret_key = ident(&t.secret_key.rust_ident);
    let secret_check = quote! { keys.#secret_key.matches(secret) };
    // The caller's identity in the token request must be the sender of the envelope.
    let operator = &t.operator.wire;
    let claim_check = quote! {
        asked.get(#operator).and_then(::chargespec_runtime::serde_json::Value::as_str) == ::std::option::Option::Some(ctx.operator_id.as_str())
    };
    let echo: Vec<&str> = t.echo.iter().map(|(_, f)| f.wire.as_str()).collect();
    let (secret_field, token_field, lifetime_field, success_field) = (
        &t.secret.wire,
        &t.token.wire,
        &t.lifetime.wire,
        &t.success.wire,
    );
    let success = Literal::i64_unsuffixed(t.success_code);
    let failure = Literal::i64_unsuffixed(t.failure_code);
    let reason = |code: Option<i64>| match (&t.fail_reason, code) {
        (Some(f), Some(c)) => {
            let (f, c) = (&f.field.wire, Literal::i64_unsuffixed(c));
            quote! { answer.insert(::std::string::String::from(#f), ::chargespec_runtime::serde_json::Value::from(#c)); }
        }
        _ => TokenStream::new(),
    };
    let fail = t.fail_reason.as_ref();
    let (none, unknown, wrong) = (
        reason(fail.and_then(|f| f.none)),
        reason(fail.and_then(|f| f.unknown_operator)),
        reason(fail.and_then(|f| f.wrong_secret)),
    );
    quote! {
        /// Answers the token interface (Appendix C): a token for a configured peer presenting its
        /// secret, otherwise a refusal with the spec's failure reason.
        fn issue_token(&self, ctx: &RequestContext, request: &#req_ty) -> ::std::result::Result<#resp_ty, HandlerError> {
            let asked = ::chargespec_runtime::serde_json::to_value(request).map_err(|e| HandlerError::system(e.to_string()))?;
            let secret = asked.get(#secret_field).and_then(::chargespec_runtime::serde_json::Value::as_str).unwrap_or_default();
            let claimed = #claim_check;
            let mut answer = ::chargespec_runtime::serde_json::Map::new();
            for key in [#(#echo),*] {
                if let ::std::option::Option::Some(v) = asked.get(key) {
                    answer.insert(::std::string::String::from(key), v.clone());
                }
            }
            match self.peers.get(&ctx.operator_id) {
                ::std::option::Option::Some(keys) if claimed && #secret_check => {
                    let now = u64::try_from((self.config.clock)()).unwrap_or(0);
                    let token = self.tokens.issue(&ctx.operator_id, now).map_err(|e| HandlerError::system(e.to_string()))?;
                    answer.insert(::std::string::String::from(#success_field), ::chargespec_runtime::serde_json::Value::from(#success));
                    answer.insert(::std::string::String::from(#token_field), ::chargespec_runtime::serde_json::Value::from(token.expose()));
                    answer.insert(::std::string::String::from(#lifetime_field), ::chargespec_runtime::serde_json::Value::from(self.tokens.lifetime_s()));
                    #none
                    ::chargespec_runtime::tracing::info!(peer = %ctx.operator_id, lifetime_s = self.tokens.lifetime_s(), "token issued");
                }
                found => {
                    answer.insert(::std::string::String::from(#success_field), ::chargespec_runtime::serde_json::Value::from(#failure));
                    answer.insert(::std::string::String::from(#token_field), ::chargespec_runtime::serde_json::Value::from(""));
                    answer.insert(::std::string::String::from(#lifetime_field), ::chargespec_runtime::serde_json::Value::from(0));
                    if found.is_some() && claimed {
                        #wrong
                    } else {
                        #unknown
                    }
                    ::chargespec_runtime::tracing::warn!(peer = %ctx.operator_id, "token refused");
                }
            }
            ::chargespec_runtime::serde_json::from_value(::chargespec_runtime::serde_json::Value::Object(answer))
                .map_err(|e| HandlerError::system(e.to_string()))
        }

        /// The answer to a request for an interface this platform does not serve: an unsigned
        /// envelope (the sender is not read) with the envelope Ret and a message naming the
        /// method and path (bounded and escaped), logged.
        pub fn unknown_interface(&self, method: &str, path: &str) -> ::chargespec_runtime::axum::response::Response {
            let path = ::chargespec_runtime::validate::bounded(path);
            let method = ::chargespec_runtime::validate::bounded(method);
            ::chargespec_runtime::tracing::warn!(method = %method, path = %path, "no such interface");
            self.answer::<()>(
                ::std::option::Option::None,
                crate::protocol::ret::BAD_ENVELOPE,
                &::std::format!("no interface {method} {path} on this platform"),
                ::std::option::Option::None,
            )
        }

        /// Serves the token interface.
        pub async fn query_token(&self, headers: &::chargespec_runtime::axum::http::HeaderMap, body: ::chargespec_runtime::axum::body::Body) -> ::chargespec_runtime::axum::response::Response {
            self.serve::<#req_ty, #resp_ty, _, _>(crate::protocol::TOKEN_INTERFACE, headers, body, |ctx, request| async move {
                self.issue_token(&ctx, &request)
            })
            .await
        }
    }
}

/// The trait and router of one role.
fn role_module(ir: &Edition, role: &Role, token: Option<&Interface>) -> TokenStream {
    let module = ident(&role.module);
    let trait_name = ident(&format!("{}Platform", role.rust_name));
    let ifaces: Vec<&Interface> = ir
        .implemented_by(&role.name)
        .filter(|i| token.is_none_or(|t| t.name != i.name))
        .collect();
    let mut methods = Vec::new();
    let mut handlers = Vec::new();
    let mut routes = Vec::new();
    for i in &ifaces {
        let f = ident(&i.fn_name);
        let req = payload_type(ir, &i.request.object);
        let resp = payload_type(ir, &i.response.object);
        let doc = interface_doc(i, "Handles the request;");
        let name = &i.name;
        methods.push(quote! {
            #doc
            fn #f(&self, ctx: super::RequestContext, request: #req) -> impl ::std::future::Future<Output = ::std::result::Result<#resp, super::HandlerError>> + ::std::marker::Send;
        });
        handlers.push(quote! {
            pub(super) async fn #f<H: super::#trait_name>(
                ::chargespec_runtime::axum::extract::State(shared): ::chargespec_runtime::axum::extract::State<::std::sync::Arc<super::super::Shared<H>>>,
                headers: ::chargespec_runtime::axum::http::HeaderMap,
                body: ::chargespec_runtime::axum::body::Body,
            ) -> ::chargespec_runtime::axum::response::Response {
                shared.endpoint.serve::<#req, #resp, _, _>(#name, &headers, body, |ctx, request| shared.handler.#f(ctx, request)).await
            }
        });
        for path in std::iter::once(name).chain(&i.route_aliases) {
            let path = format!("/{path}");
            routes.push(quote! {
                .route(#path, ::chargespec_runtime::axum::routing::post(handlers::#f::<H>))
            });
        }
    }
    if let Some(t) = token {
        let path = format!("/{}", t.name);
        routes.insert(
            0,
            quote! {
                .route(#path, ::chargespec_runtime::axum::routing::post(handlers::token::<H>))
            },
        );
        handlers.push(quote! {
            pub(super) async fn token<H: super::#trait_name>(
                ::chargespec_runtime::axum::extract::State(shared): ::chargespec_runtime::axum::extract::State<::std::sync::Arc<super::super::Shared<H>>>,
                headers: ::chargespec_runtime::axum::http::HeaderMap,
                body: ::chargespec_runtime::axum::body::Body,
            ) -> ::chargespec_runtime::axum::response::Response {
                shared.endpoint.query_token(&headers, body).await
            }
        });
    }
    let krate = ident(&crate_name(ir));
    let module_doc = doc_attrs(&[
        format!("{} — {}: the server side.", role.info.zh, role.info.en),
        String::new(),
        format!(
            "{} interfaces (plus the token interface, answered by the endpoint).",
            ifaces.len()
        ),
    ]);
    let trait_doc = doc_attrs(&[
        format!(
            "The interfaces {} ({}) implements: one method per interface.",
            role.info.zh, role.info.en
        ),
        String::new(),
        "A handler receives a request only after every check of chapter 10 passed (envelope, token, signature, decryption, validation); it answers the payload, or a [`HandlerError`](super::HandlerError) that becomes the answer's Ret.".to_owned(),
        String::new(),
        "Every method must be written: a router cannot be built for an incomplete implementation.".to_owned(),
        String::new(),
        "```compile_fail".to_owned(),
        "struct Nothing;".to_owned(),
        format!("impl {krate}::server::{module}::{trait_name} for Nothing {{}}"),
        "```".to_owned(),
    ]);
    let n_ifaces = Literal::usize_unsuffixed(ifaces.len());
    quote! {
        #module_doc
        pub mod #module {
            #trait_doc
            pub trait #trait_name: ::std::marker::Send + ::std::marker::Sync + 'static {
                #(#methods)*
            }

            /// How many interfaces the trait has (the token interface aside).
            pub const INTERFACES: usize = #n_ifaces;

            /// The router of the role: every interface (and its route aliases) under the
            /// endpoint's base path.
            pub fn router<H: #trait_name>(handler: H, endpoint: super::Endpoint) -> ::chargespec_runtime::axum::Router {
                let base = endpoint.config().base_path.clone();
                let routes = ::chargespec_runtime::axum::Router::new()
                    #(#routes)*;
                super::mount(&base, routes)
                    .fallback(handlers::unknown::<H>)
                    .with_state(::std::sync::Arc::new(super::Shared { handler, endpoint }))
            }

            mod handlers {
                /// Any other path or method: an envelope answer naming what was asked for.
                pub(super) async fn unknown<H: super::#trait_name>(
                    ::chargespec_runtime::axum::extract::State(shared): ::chargespec_runtime::axum::extract::State<::std::sync::Arc<super::super::Shared<H>>>,
                    method: ::chargespec_runtime::axum::http::Method,
                    uri: ::chargespec_runtime::axum::http::Uri,
                ) -> ::chargespec_runtime::axum::response::Response {
                    shared.endpoint.unknown_interface(method.as_str(), uri.path())
                }

                #(#handlers)*
            }
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let Some(sec) = &ir.security else {
        return quote! {
            //! This edition defines no transport security, so no server is generated.
        };
    };
    let Some(resp_env) = sec.envelope.as_ref().map(|e| &e.value.response) else {
        return quote! {
            //! This edition defines no envelope, so no server is generated.
        };
    };
    let token = ir.token_interface();
    let issuer = token_issuer(ir);
    let roles: Vec<TokenStream> = ir
        .roles
        .values()
        .map(|r| role_module(ir, r, token.filter(|_| !issuer.is_empty())))
        .collect();
    let resp_ty = ident(&resp_env.rust_name);
    quote! {
        //! The server side (axum): an [`Endpoint`] holding the peers' keys, the tokens issued and the
        //! receiver policy, and per role a trait with one async method per interface and a router.
        //!
        //! Every request goes through `protocol::open_request` (the spec's processing order, each
        //! check failing with its Ret) before a handler sees it; a handler's error becomes its Ret;
        //! every answer is sealed with the sender's keys (unsigned only when the sender could not
        //! be identified). Keys and tokens never appear in logs or `Debug` output.

        /// Server settings the standard leaves open.
        #[derive(::core::clone::Clone, ::core::fmt::Debug)]
        pub struct ServerConfig {
            /// The path under which the interfaces are mounted.
            pub base_path: ::std::string::String,
            /// The largest request body accepted, in bytes; a longer one is refused unread.
            pub body_limit: usize,
            /// Strict or lenient payload validation.
            pub mode: ::chargespec_runtime::Mode,
            /// How far `TimeStamp` may be from the receiver's clock (`None`: not checked). The
            /// standard names no window: a local policy.
            pub timestamp_window_s: ::std::option::Option<u64>,
            /// How long a message (its sender and signature) is remembered to refuse resends
            /// (`None`: not checked). A local policy as well.
            pub replay_window_s: ::std::option::Option<u64>,
            /// The most messages remembered for the resend check; when that many are inside
            /// the window, new messages are refused as "system busy" (never accepted unchecked).
            pub replay_capacity: usize,
            /// The most live tokens one peer holds; issuing another retires its oldest.
            pub tokens_per_peer: usize,
            /// The lifetime of the tokens the endpoint issues, in seconds.
            pub token_lifetime_s: u64,
            /// The plaintext test profile: `Data` is the payload itself, signatures are not
            /// checked, answers are unsigned. Never enable it on a production link.
            pub plaintext: bool,
            /// The clock (UNIX seconds); replaceable in tests.
            pub clock: fn() -> i64,
        }

        impl ::core::default::Default for ServerConfig {
            fn default() -> Self {
                ServerConfig {
                    base_path: ::std::string::String::from(crate::protocol::DEFAULT_BASE_PATH.unwrap_or("")),
                    body_limit: 4 * 1024 * 1024,
                    mode: ::chargespec_runtime::Mode::strict(),
                    timestamp_window_s: ::std::option::Option::Some(300),
                    replay_window_s: ::std::option::Option::Some(300),
                    replay_capacity: ::chargespec_runtime::token::DEFAULT_REPLAY_CAPACITY,
                    tokens_per_peer: ::chargespec_runtime::token::DEFAULT_TOKENS_PER_PEER,
                    // 7200 s: the lifetime of the published example and of most implementations.
                    token_lifetime_s: 7200,
                    plaintext: false,
                    clock: ::chargespec_runtime::now_unix,
                }
            }
        }

        /// A handler's failure: the Ret and `Msg` of the answer.
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        pub struct HandlerError {
            pub ret: i64,
            pub msg: ::std::string::String,
        }

        impl HandlerError {
            /// The platform is busy: the caller may resend later.
            pub fn busy(msg: impl ::std::convert::Into<::std::string::String>) -> Self {
                HandlerError { ret: crate::protocol::ret::BUSY, msg: msg.into() }
            }

            /// The handler failed.
            pub fn system(msg: impl ::std::convert::Into<::std::string::String>) -> Self {
                HandlerError { ret: crate::protocol::ret::SYSTEM_ERROR, msg: msg.into() }
            }

            /// The business parameters are valid in form but cannot be served (unknown station…).
            pub fn invalid(msg: impl ::std::convert::Into<::std::string::String>) -> Self {
                HandlerError { ret: crate::protocol::ret::BAD_PAYLOAD, msg: msg.into() }
            }
        }

        impl ::std::fmt::Display for HandlerError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "Ret {}: {}", self.ret, self.msg)
            }
        }

        impl ::std::error::Error for HandlerError {}

        /// What a handler knows about a request besides its payload.
        #[derive(::core::fmt::Debug)]
        pub struct RequestContext {
            /// The sender (authenticated by its token and signature).
            pub operator_id: ::std::string::String,
            /// The interface called.
            pub interface: &'static str,
            /// Validation warnings of the payload (unknown codes in lenient mode, provisional items).
            pub warnings: ::chargespec_runtime::Report,
        }

        /// One platform's server state: its peers' keys, the tokens it issued, its replay cache and
        /// settings. Shared by the routers of every role it plays.
        #[derive(::core::fmt::Debug)]
        pub struct Endpoint {
            own_operator_id: ::std::string::String,
            peers: crate::protocol::Peers,
            tokens: ::chargespec_runtime::token::TokenStore,
            replay: ::std::option::Option<::chargespec_runtime::token::ReplayCache>,
            config: ServerConfig,
        }

        impl Endpoint {
            pub fn new(own_operator_id: impl ::std::convert::Into<::std::string::String>, peers: crate::protocol::Peers, config: ServerConfig) -> Self {
                if config.plaintext {
                    ::chargespec_runtime::tracing::warn!("PLAINTEXT TEST PROFILE: Data is not encrypted and signatures are not checked. Never use this on a production link.");
                }
                Endpoint {
                    own_operator_id: own_operator_id.into(),
                    tokens: ::chargespec_runtime::token::TokenStore::with_limit(config.token_lifetime_s, config.tokens_per_peer),
                    replay: config.replay_window_s.map(|w| ::chargespec_runtime::token::ReplayCache::with_capacity(w, config.replay_capacity)),
                    peers,
                    config,
                }
            }

            /// The platform's own OperatorID.
            pub fn own_operator_id(&self) -> &str {
                &self.own_operator_id
            }

            pub fn config(&self) -> &ServerConfig {
                &self.config
            }

            pub fn peers(&self) -> &crate::protocol::Peers {
                &self.peers
            }

            fn policy(&self) -> crate::protocol::Policy {
                crate::protocol::Policy {
                    mode: self.config.mode,
                    timestamp_window_s: self.config.timestamp_window_s,
                    now_unix: (self.config.clock)(),
                    plaintext: self.config.plaintext,
                }
            }

            /// Runs the receiver pipeline on a request and, when it passes, the handler; checks the
            /// handler's answer against the spec and answers with the sealed response.
            pub async fn serve<Req, Resp, F, Fut>(
                &self,
                interface: &'static str,
                headers: &::chargespec_runtime::axum::http::HeaderMap,
                body: ::chargespec_runtime::axum::body::Body,
                handle: F,
            ) -> ::chargespec_runtime::axum::response::Response
            where
                Req: ::chargespec_runtime::serde::de::DeserializeOwned + ::chargespec_runtime::schema::Described,
                Resp: ::chargespec_runtime::serde::Serialize + ::chargespec_runtime::Validate,
                F: ::std::ops::FnOnce(RequestContext, Req) -> Fut,
                Fut: ::std::future::Future<Output = ::std::result::Result<Resp, HandlerError>>,
            {
                let bytes = match ::chargespec_runtime::server::read_body(body, self.config.body_limit).await {
                    ::std::result::Result::Ok(b) => b,
                    ::std::result::Result::Err(e) => {
                        return self.refuse(interface, crate::protocol::Refusal::new(crate::protocol::ret::BAD_ENVELOPE, e.to_string(), ::std::option::Option::None));
                    }
                };
                let authorization = headers
                    .get(crate::protocol::AUTH_HEADER)
                    .and_then(|v| v.to_str().ok());
                let opened = match crate::protocol::open_request::<Req>(&self.peers, &self.tokens, self.replay.as_ref(), interface, authorization, &bytes, &self.policy()) {
                    ::std::result::Result::Ok(o) => o,
                    ::std::result::Result::Err(refusal) => return self.refuse(interface, refusal),
                };
                let peer = crate::protocol::sender(&opened.envelope);
                // Accepted only thanks to a tolerance profile of this peer: say which, where.
                for d in &opened.warnings.deviations {
                    ::chargespec_runtime::tracing::warn!(interface, peer = %peer, tolerance = d.tolerance.name(), field = %d.path, value = %d.value, "accepted with a deviation");
                }
                let warnings = opened.warnings.warnings().count();
                let ctx = RequestContext { operator_id: peer.clone(), interface, warnings: opened.warnings };
                let outcome = match ::chargespec_runtime::server::CatchPanic::new(handle(ctx, opened.payload)).await {
                    ::std::result::Result::Ok(outcome) => outcome,
                    ::std::result::Result::Err(panic) => {
                        ::chargespec_runtime::tracing::error!(interface, peer = %peer, panic = %panic, "the handler panicked");
                        ::std::result::Result::Err(HandlerError::system("the handler failed"))
                    }
                };
                match outcome {
                    ::std::result::Result::Ok(answer) => {
                        // A strict server sends only answers that pass its own validation.
                        let report = ::chargespec_runtime::Validate::validate(&answer, self.config.mode);
                        if !report.is_ok() {
                            ::chargespec_runtime::tracing::error!(interface, peer = %peer, report = %report, "the handler's answer fails validation");
                            return self.answer::<()>(::std::option::Option::Some(&peer), crate::protocol::ret::SYSTEM_ERROR, "the answer failed validation", ::std::option::Option::None);
                        }
                        ::chargespec_runtime::tracing::info!(interface, peer = %peer, ret = crate::protocol::ret::SUCCESS, warnings, "answered");
                        self.answer(::std::option::Option::Some(&peer), crate::protocol::ret::SUCCESS, "", ::std::option::Option::Some(&answer))
                    }
                    ::std::result::Result::Err(e) => {
                        ::chargespec_runtime::tracing::warn!(interface, peer = %peer, ret = e.ret, msg = %e.msg, "handler failed");
                        self.answer::<()>(::std::option::Option::Some(&peer), e.ret, &e.msg, ::std::option::Option::None)
                    }
                }
            }

            fn refuse(&self, interface: &str, refusal: crate::protocol::Refusal) -> ::chargespec_runtime::axum::response::Response {
                ::chargespec_runtime::tracing::warn!(interface, peer = ?refusal.peer, ret = refusal.ret, msg = %refusal.msg, "refused");
                self.answer::<()>(refusal.peer.as_deref(), refusal.ret, &refusal.msg, ::std::option::Option::None)
            }

            /// The answer: sealed with the peer's keys, unsigned when there are none, or in the
            /// plaintext profile with the payload itself in `Data`.
            fn answer<T: ::chargespec_runtime::serde::Serialize>(&self, peer: ::std::option::Option<&str>, ret: i64, msg: &str, payload: ::std::option::Option<&T>) -> ::chargespec_runtime::axum::response::Response {
                let body = if self.config.plaintext {
                    let data = payload
                        .and_then(|p| ::chargespec_runtime::serde_json::to_value(p).ok())
                        .unwrap_or_else(|| ::chargespec_runtime::serde_json::Value::String(::std::string::String::new()));
                    let mut env = ::chargespec_runtime::serde_json::to_value(crate::protocol::unsigned_response(ret, msg))
                        .unwrap_or_default();
                    if let ::std::option::Option::Some(slot) = env.get_mut(crate::protocol::DATA_FIELD) {
                        *slot = data;
                    }
                    ::chargespec_runtime::serde_json::to_vec(&env)
                } else {
                    let sealed = match peer.and_then(|p| self.peers.get(p)) {
                        ::std::option::Option::Some(keys) => crate::protocol::seal_response(keys, ret, msg, payload).unwrap_or_else(|e| {
                            ::chargespec_runtime::tracing::error!(error = %e, "the answer could not be sealed");
                            crate::protocol::unsigned_response(crate::protocol::ret::SYSTEM_ERROR, "the answer could not be sealed")
                        }),
                        ::std::option::Option::None => crate::protocol::unsigned_response(ret, msg),
                    };
                    ::chargespec_runtime::serde_json::to_vec::<crate::types::#resp_ty>(&sealed)
                };
                ::chargespec_runtime::server::json_response(crate::protocol::HTTP_STATUS, crate::protocol::CONTENT_TYPE, body.unwrap_or_default())
            }

            #issuer
        }

        /// The state a router shares between its routes.
        #[derive(::core::fmt::Debug)]
        pub struct Shared<H> {
            pub handler: H,
            pub endpoint: Endpoint,
        }

        fn mount<S: ::core::clone::Clone + ::std::marker::Send + ::std::marker::Sync + 'static>(
            base: &str,
            routes: ::chargespec_runtime::axum::Router<S>,
        ) -> ::chargespec_runtime::axum::Router<S> {
            let base = base.trim_end_matches('/');
            if base.is_empty() {
                routes
            } else {
                ::chargespec_runtime::axum::Router::new().nest(base, routes)
            }
        }

        #(#roles)*
    }
}
