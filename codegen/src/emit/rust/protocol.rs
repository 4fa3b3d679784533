//! Chapter 10 and Appendix C as code: constants and key handling generated from the spec's
//! `security` section (which fields are signed and in which order, key encodings, Ret codes,
//! header names), composed from the runtime's cryptographic primitives.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{CodeKind, Edition, HexCase, KeyEncoding, Object, Type};

use super::util::{
    doc_attrs, ident, inner_doc_attrs as util_inner, one_line, provenance_lines, title,
};

fn encoding(e: KeyEncoding) -> TokenStream {
    match e {
        KeyEncoding::Ascii => quote! { ::chargespec_runtime::envelope::KeyEncoding::Ascii },
        KeyEncoding::Hex => quote! { ::chargespec_runtime::envelope::KeyEncoding::Hex },
    }
}

/// `&str` expressions of the named envelope fields, in order (`env` is the envelope).
fn parts(ir: &Edition, obj: &Object, fields: &[String]) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|w| match obj.fields.iter().find(|f| &f.wire == w) {
            Some(f) => {
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
            }
            None => quote! { "" },
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
        let d = doc_attrs(&provenance_lines(&t.prov, None));
        items.push(quote! {
            /// The HTTP method of every interface.
            #d
            pub const METHOD: &str = #method;
            /// The request and response content type.
            pub const CONTENT_TYPE: &str = #ct;
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
            Literal::u32_unsuffixed(u32::try_from(s.value.min).unwrap_or(1)),
            Literal::u32_unsuffixed(u32::try_from(s.value.max).unwrap_or(9999)),
            Literal::usize_unsuffixed(usize::try_from(s.value.width).unwrap_or(4)),
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
            let n = ident(&crate::ir::ident::snake(&k.value.name));
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
    let (Some(req_obj), Some(resp_obj)) = (
        ir.objects.get(&env.value.request),
        ir.objects.get(&env.value.response),
    ) else {
        return quote! { #module_doc #(#items)* };
    };
    let req_ty = ident(&req_obj.rust_name);
    let resp_ty = ident(&resp_obj.rust_name);
    let data_key = ident(&crate::ir::ident::snake(&enc.value.key));
    let data_iv = ident(&crate::ir::ident::snake(&enc.value.iv));
    let sig_key = ident(&crate::ir::ident::snake(&sig.value.key));
    let (data_key_name, data_iv_name, sig_key_name) =
        (&enc.value.key, &enc.value.iv, &sig.value.key);
    let data_enc = encoding(enc.value.key_encoding);
    let sig_enc = encoding(sig.value.key_encoding);
    let sep = &sig.value.separator;
    let upper = sig.value.hex_case == HexCase::Upper;
    let req_fields = &sig.value.request_fields;
    let resp_fields = &sig.value.response_fields;
    let req_parts = parts(ir, req_obj, req_fields);
    let resp_parts = parts(ir, resp_obj, resp_fields);
    let verify_first = sig.value.verify_before_decrypt;
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
                ::chargespec_runtime::envelope::verify_hmac_md5_hex(&key, &[#(#req_parts),*], #sep, env.sig.as_str())
            }

            /// The signature of a response envelope (over [`RESPONSE_SIGNED_FIELDS`]).
            pub fn sign_response(&self, env: &crate::types::#resp_ty) -> ::std::result::Result<::std::string::String, ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::hmac_md5_hex(&key, &[#(#resp_parts),*], #sep, #upper)
            }

            /// Checks a response envelope's signature in constant time.
            pub fn verify_response(&self, env: &crate::types::#resp_ty) -> ::std::result::Result<(), ::chargespec_runtime::envelope::EnvelopeError> {
                let key = ::chargespec_runtime::envelope::key_bytes(&self.#sig_key, #sig_enc, #sig_key_name)?;
                ::chargespec_runtime::envelope::verify_hmac_md5_hex(&key, &[#(#resp_parts),*], #sep, env.sig.as_str())
            }
        }
    });
    quote! {
        #module_doc
        #(#items)*
    }
}
