//! The client of each role (reqwest with rustls): one async method per interface the role
//! implements, over a [`Client`] that fetches and caches the token of Appendix C, seals requests,
//! verifies and opens answers, renews a refused token once, and resends on transient failures
//! with the spec's resend rule as its default.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{Edition, Interface, Role};

use super::server::{interface_doc, payload_type};
use super::util::{doc_attrs, ident};

fn role_module(ir: &Edition, role: &Role, token: Option<&Interface>) -> TokenStream {
    let module = ident(&role.module);
    let client = ident(&format!("{}Client", role.rust_name));
    let methods: Vec<TokenStream> = ir
        .implemented_by(&role.name)
        .filter(|i| token.is_none_or(|t| t.name != i.name))
        .map(|i| {
            let f = ident(&i.fn_name);
            let req = payload_type(ir, &i.request.object);
            let resp = payload_type(ir, &i.response.object);
            let doc = interface_doc(i, "Calls the interface;");
            let name = &i.name;
            quote! {
                #doc
                pub async fn #f(&self, request: &#req) -> ::std::result::Result<#resp, ::chargespec_runtime::client::ClientError> {
                    self.0.call(#name, request).await
                }
            }
        })
        .collect();
    let doc = doc_attrs(&[
        format!(
            "A client of {} ({}): calls the interfaces it implements.",
            role.info.zh, role.info.en
        ),
        String::new(),
        "Every method seals the request, sends it with the cached token, verifies and opens the answer.".to_owned(),
    ]);
    quote! {
        /// The client of the role's interfaces.
        pub mod #module {
            #doc
            #[derive(::core::fmt::Debug)]
            pub struct #client(pub super::Client);

            impl #client {
                /// A client of the platform at `base_url` (the URL up to the interface name).
                pub fn new(
                    base_url: impl ::std::convert::Into<::std::string::String>,
                    own_operator_id: impl ::std::convert::Into<::std::string::String>,
                    keys: crate::protocol::Keys,
                    config: ::chargespec_runtime::client::ClientConfig,
                ) -> ::std::result::Result<Self, ::chargespec_runtime::client::ClientError> {
                    super::Client::new(base_url, own_operator_id, keys, config).map(Self)
                }

                #(#methods)*
            }
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let (Some(sec), Some(token)) = (&ir.security, ir.token_interface()) else {
        return quote! {
            //! This edition defines no token interface, so no client is generated.
        };
    };
    let (Some(t), Some(env)) = (&sec.token, &sec.envelope) else {
        return TokenStream::new();
    };
    let t = &t.value;
    let resp_env = ident(&env.value.response.rust_name);
    let token_req = payload_type(ir, &token.request.object);
    let token_resp = payload_type(ir, &token.response.object);
    let operator_field = &t.operator.wire;
    let (secret_field, token_field, lifetime_field, success_field) = (
        &t.secret.wire,
        &t.token.wire,
        &t.lifetime.wire,
        &t.success.wire,
    );
    let fail_reason = match &t.fail_reason {
        Some(f) => {
            let f = &f.field.wire;
            quote! { answer.get(#f).and_then(::chargespec_runtime::serde_json::Value::as_i64).unwrap_or(-1) }
        }
        None => quote! { -1 },
    };
    let secret_key = ident(&t.secret_key.rust_ident);
    let resend = sec.resend.as_ref().map(|r| &r.value);
    let attempts = Literal::u32_unsuffixed(
        resend
            .and_then(|r| r.attempts)
            .and_then(|a| u32::try_from(a).ok())
            .unwrap_or(0),
    );
    let interval = Literal::u64_unsuffixed(
        resend
            .and_then(|r| r.interval_s)
            .and_then(|a| u64::try_from(a).ok())
            .unwrap_or(60),
    );
    let roles: Vec<TokenStream> = ir
        .roles
        .values()
        .map(|r| role_module(ir, r, Some(token)))
        .collect();
    quote! {
        //! The client side (reqwest with rustls): a [`Client`] per peer platform and, per role, a
        //! typed client with one async method per interface.
        //!
        //! A call fetches the token once and caches it (renewing it before its announced end),
        //! seals the request (encryption, signature, `TimeStamp`, `Seq`), verifies the answer's
        //! signature before decrypting it, renews a refused token (Ret 4002) once, and resends on
        //! a transient failure (transport error, timeout, "busy") following the resend rule.

        /// The default client settings: the spec's resend rule (attempts and interval), a 30 s
        /// timeout, tokens renewed 60 s before they end.
        pub fn default_config() -> ::chargespec_runtime::client::ClientConfig {
            ::chargespec_runtime::client::ClientConfig {
                timeout: ::std::time::Duration::from_secs(30),
                resend_attempts: #attempts,
                resend_interval: ::std::time::Duration::from_secs(#interval),
                token_refresh_margin: ::std::time::Duration::from_secs(60),
            }
        }

        /// A connection to one peer platform: its URL, our OperatorID, the keys of this
        /// direction, the token it issued us and our `Seq` counter. `Debug` never shows keys
        /// or tokens.
        #[derive(::core::fmt::Debug)]
        pub struct Client {
            http: ::chargespec_runtime::reqwest::Client,
            base_url: ::std::string::String,
            own_operator_id: ::std::string::String,
            keys: crate::protocol::Keys,
            config: ::chargespec_runtime::client::ClientConfig,
            token: ::chargespec_runtime::client::TokenCache,
            seq: ::chargespec_runtime::envelope::SeqCounter,
        }

        impl Client {
            /// A client of the platform at `base_url` (the URL up to the interface name).
            pub fn new(
                base_url: impl ::std::convert::Into<::std::string::String>,
                own_operator_id: impl ::std::convert::Into<::std::string::String>,
                keys: crate::protocol::Keys,
                config: ::chargespec_runtime::client::ClientConfig,
            ) -> ::std::result::Result<Self, ::chargespec_runtime::client::ClientError> {
                ::std::result::Result::Ok(Client {
                    http: ::chargespec_runtime::client::http_client(config.timeout)?,
                    base_url: base_url.into().trim_end_matches('/').to_owned(),
                    own_operator_id: own_operator_id.into(),
                    keys,
                    config,
                    token: ::chargespec_runtime::client::TokenCache::new(),
                    seq: crate::protocol::seq_counter(),
                })
            }

            /// Our OperatorID, sent in every envelope.
            pub fn own_operator_id(&self) -> &str {
                &self.own_operator_id
            }

            /// The token for this peer: cached, or obtained from its token interface.
            pub async fn token(&self) -> ::std::result::Result<::chargespec_runtime::Secret, ::chargespec_runtime::client::ClientError> {
                self.token.get_or_fetch(|| self.fetch_token()).await
            }

            async fn fetch_token(&self) -> ::std::result::Result<(::chargespec_runtime::Secret, ::std::time::Duration), ::chargespec_runtime::client::ClientError> {
                let mut ask = ::chargespec_runtime::serde_json::Map::new();
                ask.insert(::std::string::String::from(#operator_field), ::chargespec_runtime::serde_json::Value::from(self.own_operator_id.as_str()));
                ask.insert(::std::string::String::from(#secret_field), ::chargespec_runtime::serde_json::Value::from(self.keys.#secret_key.expose()));
                let request: #token_req = ::chargespec_runtime::serde_json::from_value(::chargespec_runtime::serde_json::Value::Object(ask))
                    .map_err(|e| ::chargespec_runtime::client::ClientError::Malformed(e.to_string()))?;
                let answer: #token_resp = self.exchange(crate::protocol::TOKEN_INTERFACE, ::std::option::Option::None, &request).await?;
                let answer = ::chargespec_runtime::serde_json::to_value(&answer)
                    .map_err(|e| ::chargespec_runtime::client::ClientError::Malformed(e.to_string()))?;
                let succ_stat = answer.get(#success_field).and_then(::chargespec_runtime::serde_json::Value::as_i64).unwrap_or(-1);
                let token = answer.get(#token_field).and_then(::chargespec_runtime::serde_json::Value::as_str).unwrap_or_default();
                if succ_stat != crate::protocol::TOKEN_SUCCESS || token.is_empty() {
                    return ::std::result::Result::Err(::chargespec_runtime::client::ClientError::TokenDenied { succ_stat, fail_reason: #fail_reason });
                }
                let lifetime = ::std::time::Duration::from_secs(answer.get(#lifetime_field).and_then(::chargespec_runtime::serde_json::Value::as_u64).unwrap_or(0));
                ::chargespec_runtime::tracing::info!(peer = %self.base_url, lifetime_s = lifetime.as_secs(), "token obtained");
                ::std::result::Result::Ok((::chargespec_runtime::Secret::new(token), lifetime.saturating_sub(self.config.token_refresh_margin)))
            }

            /// Calls an interface of the peer: resends on transient failures (transport error,
            /// timeout, "busy") up to the configured attempts, pausing between them (the pause
            /// doubles each time).
            pub async fn call<Req, Resp>(&self, interface: &'static str, request: &Req) -> ::std::result::Result<Resp, ::chargespec_runtime::client::ClientError>
            where
                Req: ::chargespec_runtime::serde::Serialize,
                Resp: ::chargespec_runtime::serde::de::DeserializeOwned,
            {
                let mut pause = self.config.resend_interval;
                let mut attempt = 0;
                loop {
                    match self.call_once(interface, request).await {
                        ::std::result::Result::Err(e) if attempt < self.config.resend_attempts && transient(&e) => {
                            attempt += 1;
                            ::chargespec_runtime::tracing::warn!(interface, attempt, error = %e, "resending");
                            ::chargespec_runtime::tokio::time::sleep(pause).await;
                            pause = pause.saturating_mul(2);
                        }
                        other => return other,
                    }
                }
            }

            /// One call; a refused token is renewed and the call sent again, once.
            async fn call_once<Req, Resp>(&self, interface: &'static str, request: &Req) -> ::std::result::Result<Resp, ::chargespec_runtime::client::ClientError>
            where
                Req: ::chargespec_runtime::serde::Serialize,
                Resp: ::chargespec_runtime::serde::de::DeserializeOwned,
            {
                let token = self.token().await?;
                match self.exchange(interface, ::std::option::Option::Some(&token), request).await {
                    ::std::result::Result::Err(::chargespec_runtime::client::ClientError::Refused { ret, .. }) if ret == crate::protocol::ret::BAD_TOKEN => {
                        ::chargespec_runtime::tracing::info!(interface, "token refused: renewing it");
                        self.token.invalidate(&token).await;
                        let token = self.token().await?;
                        self.exchange(interface, ::std::option::Option::Some(&token), request).await
                    }
                    other => other,
                }
            }

            /// Seals, sends, verifies and opens one exchange.
            async fn exchange<Req, Resp>(&self, interface: &str, token: ::std::option::Option<&::chargespec_runtime::Secret>, request: &Req) -> ::std::result::Result<Resp, ::chargespec_runtime::client::ClientError>
            where
                Req: ::chargespec_runtime::serde::Serialize,
                Resp: ::chargespec_runtime::serde::de::DeserializeOwned,
            {
                // A `TimeStamp` and a `Seq` not used before in that second.
                let (timestamp, sequence) = loop {
                    let timestamp = crate::protocol::timestamp_now();
                    if let ::std::option::Option::Some(seq) = self.seq.next(timestamp.as_str()) {
                        break (timestamp, seq);
                    }
                    // Every Seq of this second is used: wait for the next one.
                    ::chargespec_runtime::tokio::time::sleep(::std::time::Duration::from_millis(20)).await;
                };
                let envelope = crate::protocol::seal_request(&self.keys, &self.own_operator_id, timestamp, sequence, request)?;
                let body = ::chargespec_runtime::serde_json::to_vec(&envelope)
                    .map_err(|e| ::chargespec_runtime::client::ClientError::Malformed(e.to_string()))?;
                let url = ::std::format!("{}/{}", self.base_url, interface);
                let authorization = token.map(|t| ::std::format!("{} {}", crate::protocol::AUTH_SCHEME, t.expose()));
                let bytes = ::chargespec_runtime::client::post(&self.http, &url, crate::protocol::CONTENT_TYPE, authorization, body, crate::protocol::HTTP_STATUS).await?;
                let answer: crate::types::#resp_env = ::chargespec_runtime::serde_json::from_slice(&bytes)
                    .map_err(|e| ::chargespec_runtime::client::ClientError::Malformed(e.to_string()))?;
                let (ret, msg, signed) = crate::protocol::response_status(&answer);
                if ret != crate::protocol::ret::SUCCESS {
                    if signed {
                        self.keys.verify_response(&answer).map_err(|_| ::chargespec_runtime::client::ClientError::BadSignature)?;
                    }
                    ::chargespec_runtime::tracing::warn!(interface, ret, msg, "refused by the peer");
                    return ::std::result::Result::Err(::chargespec_runtime::client::ClientError::Refused { ret, msg: msg.to_owned(), signed });
                }
                let payload = crate::protocol::open_response::<Resp>(&self.keys, &answer).map_err(|e| match e {
                    ::chargespec_runtime::envelope::EnvelopeError::Signature => ::chargespec_runtime::client::ClientError::BadSignature,
                    other => ::chargespec_runtime::client::ClientError::Malformed(other.to_string()),
                })?;
                ::chargespec_runtime::tracing::debug!(interface, "answered");
                payload.ok_or_else(|| ::chargespec_runtime::client::ClientError::Malformed(::std::string::String::from("the answer carries no Data")))
            }
        }

        /// Whether a failure may pass if the call is sent again.
        fn transient(e: &::chargespec_runtime::client::ClientError) -> bool {
            match e {
                ::chargespec_runtime::client::ClientError::Transport(_) => true,
                ::chargespec_runtime::client::ClientError::Status(s) => *s >= 500,
                ::chargespec_runtime::client::ClientError::Refused { ret, .. } => *ret == crate::protocol::ret::BUSY,
                _ => false,
            }
        }

        #(#roles)*
    }
}
