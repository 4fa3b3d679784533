//! Chapter 10 and Appendix C as code: constants and key handling generated from the spec's
//! `security` section (which fields are signed and in which order, key encodings, Ret codes,
//! header names), composed from the runtime's cryptographic primitives.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{
    CodeKind, Edition, FieldRef, HexCase, KeyEncoding, Object, RequestRole, ResponseRole, Type,
};

use super::util::{
    doc_attrs, ident, inner_doc_attrs as util_inner, one_line, provenance_lines, title,
};

fn encoding(e: KeyEncoding) -> TokenStream {
    match e {
        KeyEncoding::Ascii => quote! { ::chargespec_runtime::envelope::KeyEncoding::Ascii },
        KeyEncoding::Hex => quote! { ::chargespec_runtime::envelope::KeyEncoding::Hex },
    }
}

/// `&str` expressions of the signed envelope fields, in order (`env` is the envelope).
fn parts(ir: &Edition, fields: &[FieldRef]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let n = ident(&f.rust_ident);
            match &f.ty {
                Type::Code(t)
                    if ir
                        .code_tables
                        .get(t)
                        .is_some_and(|t| t.kind == CodeKind::Integer) =>
                {
                    quote! { &env.#n.code().to_string() }
                }
                Type::Code(_) => quote! { env.#n.code() },
                Type::Integer(_) | Type::Decimal(_) => quote! { &env.#n.to_string() },
                _ => quote! { env.#n.as_str() },
            }
        })
        .collect()
}

pub fn emit(ir: &Edition) -> TokenStream {
    let Some(sec) = &ir.security else {
        return quote! {
            //! This edition defines no transport security.
        };
    };
    let mut items = Vec::new();
    let mut doc = vec![title(&sec.info)];
    if let Some(d) = &sec.info.description {
        doc.push(String::new());
        doc.push(one_line(d));
    }
    doc.push(String::new());
    doc.extend(provenance_lines(&sec.prov, sec.info.section.as_deref()));
    let module_doc = util_inner(&doc);

    if let Some(t) = &sec.transport {
        let (method, ct) = (&t.value.method, &t.value.content_type);
        let status = Literal::u16_unsuffixed(t.value.error_http_status);
        let d = doc_attrs(&provenance_lines(&t.prov, None));
        items.push(quote! {
            /// The HTTP method of every interface.
            #d
            pub const METHOD: &str = #method;
            /// The request and response content type.
            pub const CONTENT_TYPE: &str = #ct;
            /// The HTTP status of every answer, errors included (their Ret tells them apart).
            pub const HTTP_STATUS: u16 = #status;
        });
        if let Some(u) = &t.value.url {
            let pattern = &u.value.pattern;
            let base = match &u.value.default_base_path {
                Some(b) => quote! { ::std::option::Option::Some(#b) },
                None => quote! { ::std::option::Option::None },
            };
            let d = doc_attrs(&provenance_lines(&u.prov, None));
            items.push(quote! {
                /// The URL of an interface: `{base}` is the peer's configured base.
                #d
                pub const URL_PATTERN: &str = #pattern;
                /// The default base path (provisional where the spec says so).
                pub const DEFAULT_BASE_PATH: ::std::option::Option<&str> = #base;
            });
        }
    }
    if let Some(t) = &sec.token {
        let v = &t.value;
        let (iface, header, scheme, unit) = (&v.interface, &v.header, &v.scheme, &v.lifetime_unit);
        let code = Literal::i64_unsuffixed(v.success_code);
        let d = doc_attrs(&provenance_lines(&t.prov, t.info.section.as_deref()));
        items.push(quote! {
            /// The token interface (Appendix C); every other interface needs its token.
            #d
            pub const TOKEN_INTERFACE: &str = #iface;
            /// The header that carries the token.
            pub const AUTH_HEADER: &str = #header;
            /// The scheme before the token in that header.
            pub const AUTH_SCHEME: &str = #scheme;
            /// The unit of the token lifetime.
            pub const TOKEN_LIFETIME_UNIT: &str = #unit;
            /// The success code of the token response.
            pub const TOKEN_SUCCESS: i64 = #code;
        });
    }
    if let Some(r) = &sec.ret {
        let v = &r.value;
        let consts = [
            ("SUCCESS", v.success, "Success."),
            ("BUSY", v.busy, "System busy: retry later."),
            ("BAD_SIGNATURE", v.bad_signature, "Signature error."),
            (
                "BAD_TOKEN",
                v.bad_token,
                "Missing, unknown or expired token.",
            ),
            (
                "BAD_ENVELOPE",
                v.bad_envelope,
                "A missing or malformed envelope field.",
            ),
            ("BAD_PAYLOAD", v.bad_payload, "Business payload invalid."),
            ("SYSTEM_ERROR", v.system_error, "System error."),
        ]
        .into_iter()
        .map(|(n, c, d)| {
            let n = ident(n);
            let c = Literal::i64_unsuffixed(c);
            quote! { #[doc = #d] pub const #n: i64 = #c; }
        });
        items.push(quote! {
            /// The Ret codes with a protocol role (chapter 10).
            pub mod ret {
                #(#consts)*
            }
        });
    }
    if let Some(t) = &sec.timestamp {
        let f = t.value.format.pattern();
        items.push(quote! {
            /// The format of the envelope timestamp.
            pub const TIMESTAMP_FORMAT: &str = #f;
        });
    }
    if let Some(s) = &sec.seq {
        let (min, max, width) = (
            Literal::u32_unsuffixed(s.value.min),
            Literal::u32_unsuffixed(s.value.max),
            Literal::u32_unsuffixed(s.value.width),
        );
        items.push(quote! {
            /// A `Seq` counter with the spec's range and width.
            pub fn seq_counter() -> ::chargespec_runtime::envelope::SeqCounter {
                ::chargespec_runtime::envelope::SeqCounter::new(#min, #max, #width)
            }
        });
    }

    // Keys and the envelope operations.
    let key_fields: Vec<TokenStream> = sec
        .keys
        .iter()
        .map(|k| {
            let n = ident(&k.value.rust_ident);
            let d = doc_attrs(&{
                let mut l = vec![format!("`{}` {}", k.value.name, title(&k.info))];
                l.push(String::new());
                l.extend(provenance_lines(&k.prov, None));
                l
            });
            quote! { #d pub #n: ::chargespec_runtime::Secret, }
        })
        .collect();
    let (Some(enc), Some(sig), Some(env)) = (&sec.encryption, &sec.signature, &sec.envelope) else {
        return quote! { #module_doc #(#items)* };
    };
    let env = &env.value;
    let (Some(req_obj), Some(resp_obj), Some(req_sig), Some(resp_sig)) = (
        ir.objects.get(&env.request.object),
        ir.objects.get(&env.response.object),
        &env.request.signature,
        &env.response.signature,
    ) else {
        return quote! { #module_doc #(#items)* };
    };
    let req_ty = ident(&env.request.rust_name);
    let resp_ty = ident(&env.response.rust_name);
    let (data_key, data_iv, sig_key) = (
        ident(&enc.value.key.rust_ident),
        ident(&enc.value.iv.rust_ident),
        ident(&sig.value.key.rust_ident),
    );
    let (data_key_name, data_iv_name, sig_key_name) =
        (&enc.value.key.name, &enc.value.iv.name, &sig.value.key.name);
    let data_enc = encoding(enc.value.key_encoding);
    let sig_enc = encoding(sig.value.key_encoding);
    let sep = &sig.value.separator;
    let upper = sig.value.hex_case == HexCase::Upper;
    let req_fields: Vec<&str> = sig
        .value
        .request_fields
        .iter()
        .map(|f| f.wire.as_str())
        .collect();
    let resp_fields: Vec<&str> = sig
        .value
        .response_fields
        .iter()
        .map(|f| f.wire.as_str())
        .collect();
    let req_parts = parts(ir, &sig.value.request_fields);
    let resp_parts = parts(ir, &sig.value.response_fields);
    let verify_first = sig.value.verify_before_decrypt;
    let (req_sig, resp_sig) = (ident(&req_sig.rust_ident), ident(&resp_sig.rust_ident));
    let enc_doc = doc_attrs(&provenance_lines(&enc.prov, enc.info.section.as_deref()));
    let sig_doc = doc_attrs(&provenance_lines(&sig.prov, sig.info.section.as_deref()));
    items.push(quote! {
        /// The envelope fields the request signature covers, in order.
        #sig_doc
        pub const REQUEST_SIGNED_FIELDS: &[&str] = &[#(#req_fields),*];
        /// The envelope fields the response signature covers, in order.
        pub const RESPONSE_SIGNED_FIELDS: &[&str] = &[#(#resp_fields),*];
        /// Verify the signature before decrypting `Data`.
        pub const VERIFY_BEFORE_DECRYPT: bool = #verify_first;

        /// The secrets of one direction of a platform pair (chapter 10). `Debug` never shows them.
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        pub struct Keys {
            #(#key_fields)*
        }

        impl Keys {
            /// Encrypts a payload into `Data`.
            #enc_doc
            pub fn encrypt(&self, plaintext: &[u8]) -> ::std::result::Result<::std::string::String, ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#data_key, #data_enc, #data_key_name)?;
                let iv = ::chargespec_runtime::envelope::key_bytes(&self.#data_iv, #data_enc, #data_iv_name)?;
                ::chargespec_runtime::envelope::encrypt_aes128_cbc_base64(&key, &iv, plaintext)
            }

            /// Decrypts `Data` into the payload bytes.
            pub fn decrypt(&self, data: &str) -> ::std::result::Result<::std::vec::Vec<u8>, ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#data_key, #data_enc, #data_key_name)?;
                let iv = ::chargespec_runtime::envelope::key_bytes(&self.#data_iv, #data_enc, #data_iv_name)?;
                ::chargespec_runtime::envelope::decrypt_aes128_cbc_base64(&key, &iv, data)
            }

            /// The signature of a request envelope (over [`REQUEST_SIGNED_FIELDS`]).
            pub fn sign_request(&self, env: &crate::types::#req_ty) -> ::std::result::Result<::std::string::String, ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::hmac_md5_hex(&key, &[#(#req_parts),*], #sep, #upper)
            }

            /// Checks a request envelope's signature in constant time.
            pub fn verify_request(&self, env: &crate::types::#req_ty) -> ::std::result::Result<(), ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::verify_hmac_md5_hex(&key, &[#(#req_parts),*], #sep, env.#req_sig.as_str())
            }

            /// The signature of a response envelope (over [`RESPONSE_SIGNED_FIELDS`]).
            pub fn sign_response(&self, env: &crate::types::#resp_ty) -> ::std::result::Result<::std::string::String, ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::hmac_md5_hex(&key, &[#(#resp_parts),*], #sep, #upper)
            }

            /// Checks a response envelope's signature in constant time.
            pub fn verify_response(&self, env: &crate::types::#resp_ty) -> ::std::result::Result<(), ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::verify_hmac_md5_hex(&key, &[#(#resp_parts),*], #sep, env.#resp_sig.as_str())
            }
        }
    });
    items.push(pipeline(ir, sec, req_obj, resp_obj));
    quote! {
        #module_doc
        #(#items)*
    }
}

/// Server side: `open_request` applies the receiver's checks in the order of the spec's
/// `processing` list, each failing with the Ret the spec assigns; `seal_response` builds a signed
/// response. Client side: `seal_request` and `open_response`.
fn pipeline(ir: &Edition, sec: &crate::ir::Security, req: &Object, resp: &Object) -> TokenStream {
    use crate::ir::ProcessingStep as P;
    let (Some(env), Some(enc)) = (ir.envelope(), &sec.encryption) else {
        return TokenStream::new();
    };
    let (rq, rs) = (&env.request, &env.response);
    let (Some(ts), Some(seq), Some(req_sig), Some(resp_sig), Some(timestamp)) = (
        &rq.timestamp,
        &rq.seq,
        &rq.signature,
        &rs.signature,
        &sec.timestamp,
    ) else {
        return TokenStream::new();
    };
    if sec.check_ret(P::CheckEnvelope).is_none() {
        return TokenStream::new();
    }
    let data_wire = &rq.data.wire;
    let ts_wire = &ts.wire;
    let (req_data, req_sig, resp_data, resp_sig) = (
        ident(&rq.data.rust_ident),
        ident(&req_sig.rust_ident),
        ident(&rs.data.rust_ident),
        ident(&resp_sig.rust_ident),
    );
    let req_ty = ident(&req.rust_name);
    let resp_ty = ident(&resp.rust_name);
    let offset = Literal::i64_unsuffixed(timestamp.value.utc_offset_s);
    let (ts_field, seq_field) = (ident(&ts.rust_ident), ident(&seq.rust_ident));
    let sender = ident(&rq.sender.rust_ident);
    let sender_wire = &rq.sender.wire;
    let steps: Vec<TokenStream> = sec
        .processing
        .iter()
        .filter_map(|rule| {
            // Every check has its Ret (the builder checks it); `handle` is not a check.
            let ret = Literal::i64_unsuffixed(rule.value.ret?);
            let step = match rule.value.step {
                P::CheckEnvelope => quote! { CheckEnvelope },
                P::CheckToken => quote! { CheckToken },
                P::VerifySignature => quote! { VerifySignature },
                P::Decrypt => quote! { Decrypt },
                P::Validate => quote! { Validate },
                P::Handle => return None,
            };
            Some(quote! { (::chargespec_runtime::protocol::Step::#step, #ret) })
        })
        .collect();
    let token_interface = match sec.token.as_ref() {
        Some(t) => {
            let name = &t.value.interface;
            quote! { ::std::option::Option::Some(#name) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let ts_format = ident(&format!(
        "{:?}",
        crate::descriptors::date_format(timestamp.value.format)
    ));
    let has = |s: P| sec.processing.iter().any(|p| p.value.step == s);
    if !(has(P::CheckEnvelope) && has(P::CheckToken) && has(P::Decrypt) && has(P::Validate)) {
        return TokenStream::new();
    }
    let ts_ty = super::types::value_type(ir, &ts.ty, false);
    // Request construction (client side): by the role of each envelope field.
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for (i, f) in req.fields.iter().enumerate() {
        let n = ident(&f.rust_ident);
        inits.push(match rq.role(i) {
            Some(RequestRole::Data) => quote! { #n: ciphertext },
            Some(RequestRole::Timestamp) => quote! { #n: <#ts_ty>::from_raw(timestamp) },
            Some(RequestRole::Seq) => quote! { #n: sequence },
            Some(RequestRole::Signature) => quote! { #n: ::std::string::String::new() },
            Some(RequestRole::Sender) => quote! { #n: ::std::string::String::from(sender) },
            None => {
                params.push(f.wire.as_str());
                quote! { #n: ::core::default::Default::default() }
            }
        });
    }
    let empty_data = if enc.value.empty_data_plain {
        quote! { ::std::string::String::new() }
    } else {
        quote! { keys.encrypt(b"")? }
    };
    let mut resp_inits = Vec::new();
    for (i, f) in resp.fields.iter().enumerate() {
        let n = ident(&f.rust_ident);
        resp_inits.push(match (rs.role(i), &f.ty) {
            (Some(ResponseRole::Data), _) => quote! { #n: ciphertext },
            (Some(ResponseRole::Signature), _) => quote! { #n: ::std::string::String::new() },
            (Some(ResponseRole::Ret), Type::Code(t)) => {
                let ty = ident(
                    ir.code_tables
                        .get(t)
                        .map_or(t.as_str(), |x| x.rust_name.as_str()),
                );
                quote! { #n: crate::codes::#ty::from_code(ret) }
            }
            (Some(ResponseRole::Msg), _) => quote! { #n: ::std::string::String::from(msg) },
            _ => quote! { #n: ::core::default::Default::default() },
        });
    }
    // The response's Ret and message.
    let (ret_field, msg_field) = (ident(&rs.ret.rust_ident), ident(&rs.msg.rust_ident));
    let profile = profile_impl(ir, sec, req, resp);
    let request_note = if params.is_empty() {
        String::new()
    } else {
        format!(" The envelope fields {} are left empty.", params.join(", "))
    };
    let request_doc =
        format!("A signed request envelope carrying `payload` encrypted in `Data`.{request_note}");
    quote! {
        pub use ::chargespec_runtime::protocol::{Policy, Refusal};

        /// The envelope field that carries the payload.
        pub const DATA_FIELD: &str = #data_wire;

        /// The envelope time zone, in seconds east of UTC.
        pub const UTC_OFFSET_S: i64 = #offset;

        /// The current time as an envelope timestamp (in the envelope time zone).
        pub fn timestamp_now() -> #ts_ty {
            let parts = ::chargespec_runtime::time::Parts::from_unix(::chargespec_runtime::now_unix() + UTC_OFFSET_S);
            <#ts_ty>::from_parts(parts).unwrap_or_else(|| <#ts_ty>::from_raw(::std::string::String::new()))
        }

        /// The keys of each configured peer, by its OperatorID. `Debug` never shows them.
        pub type Peers = ::chargespec_runtime::protocol::Peers<Keys>;

        /// A request that passed every check.
        pub type Opened<T> = ::chargespec_runtime::protocol::Opened<crate::types::#req_ty, T>;

        /// What the receiver pipeline (`chargespec_runtime::protocol::open_request`) needs of the
        /// spec: the checks in the spec's order with the Ret of each, the token interface and
        /// scheme, the field names for messages, the timestamp format and time zone.
        pub const RULES: ::chargespec_runtime::protocol::Rules<'static> = ::chargespec_runtime::protocol::Rules {
            processing: &[#(#steps),*],
            token_interface: #token_interface,
            auth_scheme: AUTH_SCHEME,
            sender_field: #sender_wire,
            timestamp_field: #ts_wire,
            data_field: #data_wire,
            timestamp: ::std::option::Option::Some((::chargespec_runtime::time::DateFormat::#ts_format, UTC_OFFSET_S)),
            ret: ::chargespec_runtime::protocol::RetCodes {
                success: ret::SUCCESS,
                busy: ret::BUSY,
                bad_signature: ret::BAD_SIGNATURE,
                bad_token: ret::BAD_TOKEN,
                bad_envelope: ret::BAD_ENVELOPE,
                bad_payload: ret::BAD_PAYLOAD,
                system_error: ret::SYSTEM_ERROR,
            },
        };

        impl ::chargespec_runtime::protocol::RequestEnvelope for crate::types::#req_ty {
            fn sender(&self) -> &str { &self.#sender }
            fn data(&self) -> &str { &self.#req_data }
            fn timestamp(&self) -> ::std::option::Option<&str> { ::std::option::Option::Some(self.#ts_field.as_str()) }
            fn seq(&self) -> ::std::option::Option<&str> { ::std::option::Option::Some(&self.#seq_field) }
            fn signature(&self) -> ::std::option::Option<&str> { ::std::option::Option::Some(&self.#req_sig) }
        }

        impl ::chargespec_runtime::protocol::Sealing<crate::types::#req_ty> for Keys {
            fn verify_request(&self, env: &crate::types::#req_ty) -> ::std::result::Result<(), ::chargespec_runtime::envelope::EnvelopeError> {
                Keys::verify_request(self, env)
            }
            fn decrypt(&self, data: &str) -> ::std::result::Result<::std::vec::Vec<u8>, ::chargespec_runtime::envelope::EnvelopeError> {
                Keys::decrypt(self, data)
            }
        }

        /// Applies the receiver's checks to a request body, in the order of the spec
        /// ([`RULES`]), each failing with the spec's Ret.
        pub async fn open_request<T: ::chargespec_runtime::serde::de::DeserializeOwned + ::chargespec_runtime::schema::Described>(
            peers: &Peers,
            tokens: &dyn ::chargespec_runtime::store::TokenBackend,
            replay: ::std::option::Option<&dyn ::chargespec_runtime::store::ReplayBackend>,
            interface: &str,
            authorization: ::std::option::Option<&str>,
            body: &[u8],
            policy: &Policy,
        ) -> ::std::result::Result<Opened<T>, Refusal> {
            ::chargespec_runtime::protocol::open_request(&RULES, peers, tokens, replay, interface, authorization, body, policy).await
        }

        /// A signed response envelope; `payload` is encrypted into `Data`, or `Data` is empty.
        pub fn seal_response<T: ::chargespec_runtime::serde::Serialize>(
            keys: &Keys,
            ret: i64,
            msg: &str,
            payload: ::std::option::Option<&T>,
        ) -> ::std::result::Result<crate::types::#resp_ty, ::chargespec_runtime::envelope::EnvelopeError> {
            ::chargespec_runtime::profile::seal_response::<Profile, T>(keys, ret, msg, payload)
        }

        /// An unsigned response envelope with an empty `Data`: the answer to a request whose sender
        /// could not be identified (so no keys to sign with), and the base of the plaintext profile.
        pub fn unsigned_response(ret: i64, msg: &str) -> crate::types::#resp_ty {
            <Profile as ::chargespec_runtime::profile::Profile>::unsigned_response(ret, msg)
        }

        #[doc = #request_doc]
        pub fn seal_request<T: ::chargespec_runtime::serde::Serialize>(
            keys: &Keys,
            sender: &str,
            timestamp: #ts_ty,
            sequence: ::std::string::String,
            payload: &T,
        ) -> ::std::result::Result<crate::types::#req_ty, ::chargespec_runtime::envelope::EnvelopeError> {
            ::chargespec_runtime::profile::seal_request::<Profile, T>(keys, sender, timestamp.as_str(), sequence, payload)
        }

        /// Verifies a response envelope's signature (before decrypting) and decrypts its payload
        /// (`None` when `Data` is empty).
        pub fn open_response<T: ::chargespec_runtime::serde::de::DeserializeOwned>(
            keys: &Keys,
            env: &crate::types::#resp_ty,
        ) -> ::std::result::Result<::std::option::Option<T>, ::chargespec_runtime::envelope::EnvelopeError> {
            ::chargespec_runtime::profile::open_response::<Profile, T>(keys, env)
        }

        impl ::chargespec_runtime::profile::ResponseEnvelope for crate::types::#resp_ty {
            fn ret(&self) -> i64 { self.#ret_field.code() }
            fn msg(&self) -> &str { &self.#msg_field }
            fn data(&self) -> &str { &self.#resp_data }
            fn signature(&self) -> &str { &self.#resp_sig }
        }

        /// The edition as the runtime's endpoint and client see it.
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::default::Default)]
        pub struct Profile;

        impl ::chargespec_runtime::profile::Profile for Profile {
            type Keys = Keys;
            type Request = crate::types::#req_ty;
            type Response = crate::types::#resp_ty;
            #profile

            fn seal_request(
                keys: &Keys,
                sender: &str,
                timestamp: &str,
                sequence: ::std::string::String,
                json: &[u8],
            ) -> ::std::result::Result<crate::types::#req_ty, ::chargespec_runtime::envelope::EnvelopeError> {
                let ciphertext = keys.encrypt(json)?;
                let timestamp = ::std::string::String::from(timestamp);
                let mut env = crate::types::#req_ty { #(#inits),* };
                env.#req_sig = keys.sign_request(&env)?;
                ::std::result::Result::Ok(env)
            }

            fn seal_response(
                keys: &Keys,
                ret: i64,
                msg: &str,
                json: ::std::option::Option<&[u8]>,
            ) -> ::std::result::Result<crate::types::#resp_ty, ::chargespec_runtime::envelope::EnvelopeError> {
                let ciphertext = match json {
                    ::std::option::Option::Some(json) => keys.encrypt(json)?,
                    ::std::option::Option::None => #empty_data,
                };
                let mut env = crate::types::#resp_ty { #(#resp_inits),* };
                env.#resp_sig = keys.sign_response(&env)?;
                ::std::result::Result::Ok(env)
            }

            fn unsigned_response(ret: i64, msg: &str) -> crate::types::#resp_ty {
                let ciphertext = ::std::string::String::new();
                crate::types::#resp_ty { #(#resp_inits),* }
            }

            fn verify_response(keys: &Keys, env: &crate::types::#resp_ty) -> ::std::result::Result<(), ::chargespec_runtime::envelope::EnvelopeError> {
                keys.verify_response(env)
            }

            fn timestamp_now() -> ::std::string::String {
                ::std::string::String::from(timestamp_now().as_str())
            }

            fn seq_counter() -> ::chargespec_runtime::envelope::SeqCounter {
                seq_counter()
            }
        }
    }
}

/// The associated types, constants and key accessor of the edition's `Profile`: its token
/// interface's payloads, the receiver rules, the HTTP facts, the token rules and the resend rule.
fn profile_impl(
    ir: &Edition,
    sec: &crate::ir::Security,
    req: &Object,
    resp: &Object,
) -> TokenStream {
    let (req_ty, resp_ty) = (ident(&req.rust_name), ident(&resp.rust_name));
    let token_iface = ir.token_interface();
    let (token_req, token_resp) = match token_iface {
        Some(i) => (
            super::server::payload_type(ir, &i.request.object),
            super::server::payload_type(ir, &i.response.object),
        ),
        None => (
            quote! { crate::types::#req_ty },
            quote! { crate::types::#resp_ty },
        ),
    };
    let opt_str = |v: Option<&str>| match v {
        Some(v) => quote! { ::std::option::Option::Some(#v) },
        None => quote! { ::std::option::Option::None },
    };
    let opt_i64 = |v: Option<i64>| match v {
        Some(v) => {
            let v = Literal::i64_unsuffixed(v);
            quote! { ::std::option::Option::Some(#v) }
        }
        None => quote! { ::std::option::Option::None },
    };
    let transport = sec.transport.as_ref().map(|t| &t.value);
    let content_type = transport.map_or("", |t| t.content_type.as_str());
    let status = Literal::u16_unsuffixed(transport.map_or(200, |t| t.error_http_status));
    let base = opt_str(
        transport
            .and_then(|t| t.url.as_ref())
            .and_then(|u| u.value.default_base_path.as_deref()),
    );
    let token = sec.token.as_ref().map(|t| &t.value);
    let header = token.map_or("", |t| t.header.as_str());
    let (token_rules, secret) = match token {
        Some(t) => {
            let echo: Vec<&str> = t.echo.iter().map(|(f, _)| f.wire.as_str()).collect();
            let (op, sf, tf, lf, sucf) = (
                &t.operator.wire,
                &t.secret.wire,
                &t.token.wire,
                &t.lifetime.wire,
                &t.success.wire,
            );
            let (ok, ko) = (
                Literal::i64_unsuffixed(t.success_code),
                Literal::i64_unsuffixed(t.failure_code),
            );
            let fail = match &t.fail_reason {
                Some(f) => {
                    let field = &f.field.wire;
                    let (none, unknown, wrong) = (
                        opt_i64(f.none),
                        opt_i64(f.unknown_operator),
                        opt_i64(f.wrong_secret),
                    );
                    quote! {
                        ::std::option::Option::Some(::chargespec_runtime::profile::FailReason {
                            field: #field, none: #none, unknown_operator: #unknown, wrong_secret: #wrong,
                        })
                    }
                }
                None => quote! { ::std::option::Option::None },
            };
            let key = ident(&t.secret_key.rust_ident);
            (
                quote! {
                    ::std::option::Option::Some(::chargespec_runtime::profile::TokenRules {
                        operator_field: #op,
                        secret_field: #sf,
                        echo: &[#(#echo),*],
                        token_field: #tf,
                        lifetime_field: #lf,
                        success_field: #sucf,
                        success_code: #ok,
                        failure_code: #ko,
                        fail_reason: #fail,
                    })
                },
                quote! { ::std::option::Option::Some(&keys.#key) },
            )
        }
        None => (
            quote! { ::std::option::Option::None },
            quote! { ::std::option::Option::None },
        ),
    };
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
            .unwrap_or(0),
    );
    quote! {
        type TokenRequest = #token_req;
        type TokenResponse = #token_resp;

        const RULES: ::chargespec_runtime::protocol::Rules<'static> = RULES;
        const WIRE: ::chargespec_runtime::profile::Wire<'static> = ::chargespec_runtime::profile::Wire {
            content_type: #content_type,
            http_status: #status,
            auth_header: #header,
            default_base_path: #base,
        };
        const TOKEN: ::std::option::Option<::chargespec_runtime::profile::TokenRules<'static>> = #token_rules;
        const RESEND: ::chargespec_runtime::profile::ResendRule = ::chargespec_runtime::profile::ResendRule {
            attempts: #attempts,
            interval_s: #interval,
        };

        fn operator_secret(keys: &Keys) -> ::std::option::Option<&::chargespec_runtime::Secret> {
            #secret
        }
    }
}
