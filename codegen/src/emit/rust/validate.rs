//! Value checks as code, for the one generated type that is not described by the schema: the
//! Appendix A QR code (`src/qr.rs`). Objects are validated by the runtime from their
//! descriptors (`emit::rust::schema`).

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Charset, Type};

fn opt_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(n) => {
            let l = Literal::u32_unsuffixed(n);
            quote! { ::std::option::Option::Some(#l) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

fn opt_i64(v: Option<i64>) -> TokenStream {
    match v {
        Some(n) => {
            let l = Literal::i64_unsuffixed(n);
            quote! { ::std::option::Option::Some(#l) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(n) => {
            let l = Literal::f64_suffixed(n);
            quote! { ::std::option::Option::Some(#l) }
        }
        None => quote! { ::std::option::Option::None },
    }
}

fn charset(c: Charset) -> TokenStream {
    match c {
        Charset::Any => quote! { ::std::option::Option::None },
        Charset::Ascii => {
            quote! { ::std::option::Option::Some(::chargespec_runtime::validate::Charset::Ascii) }
        }
        Charset::Digits => {
            quote! { ::std::option::Option::Some(::chargespec_runtime::validate::Charset::Digits) }
        }
        Charset::Alphanumeric => {
            quote! { ::std::option::Option::Some(::chargespec_runtime::validate::Charset::Alphanumeric) }
        }
        Charset::Hex => {
            quote! { ::std::option::Option::Some(::chargespec_runtime::validate::Charset::Hex) }
        }
        Charset::UpperHex => {
            quote! { ::std::option::Option::Some(::chargespec_runtime::validate::Charset::UpperHex) }
        }
    }
}

/// Collects the regular expressions used by string checks, one static each.
#[derive(Default)]
pub struct Patterns {
    by_text: BTreeMap<String, usize>,
}

impl Patterns {
    fn id(&mut self, p: &str) -> proc_macro2::Ident {
        let n = self.by_text.len();
        let i = *self.by_text.entry(p.to_owned()).or_insert(n);
        format_ident!("PATTERN_{}", i)
    }

    fn statics(&self) -> TokenStream {
        let items = self.by_text.iter().map(|(p, i)| {
            let id = format_ident!("PATTERN_{}", *i);
            quote! {
                static #id: ::std::sync::LazyLock<::std::option::Option<::chargespec_runtime::regex::Regex>> =
                    ::std::sync::LazyLock::new(|| ::chargespec_runtime::regex::Regex::new(#p).ok());
            }
        });
        quote! { #(#items)* }
    }
}

/// The checks of one value (`value` is an expression of type `&T`). Empty when the type has no
/// constraint.
fn value_checks(ty: &Type, value: &TokenStream, secret: bool, pats: &mut Patterns) -> TokenStream {
    match ty {
        Type::String(s) => {
            let mut out = TokenStream::new();
            if s.min_len.is_some() || s.max_len.is_some() || s.charset != Charset::Any {
                let (min, max, cs) = (opt_u32(s.min_len), opt_u32(s.max_len), charset(s.charset));
                out.extend(if secret {
                    quote! { v.secret(#value, #min, #max, #cs); }
                } else {
                    quote! { v.string(#value, #min, #max, #cs); }
                });
            }
            if let Some(p) = &s.pattern {
                let id = pats.id(p);
                let text = if secret {
                    quote! { #value.expose() }
                } else {
                    quote! { #value }
                };
                out.extend(quote! {
                    if let ::std::option::Option::Some(re) = &*#id {
                        v.pattern(#text, re, #p);
                    }
                });
            }
            out
        }
        Type::Integer(i) => {
            if i.min.is_none() && i.max.is_none() && i.max_text_len.is_none() {
                return TokenStream::new();
            }
            let (min, max, tl) = (opt_i64(i.min), opt_i64(i.max), opt_u32(i.max_text_len));
            quote! { v.int(*#value, #min, #max, #tl); }
        }
        Type::Decimal(d) => {
            if d.scale.is_none() && d.min.is_none() && d.max.is_none() && d.max_text_len.is_none() {
                return TokenStream::new();
            }
            let (sc, min, max, tl) = (
                opt_u32(d.scale),
                opt_f64(d.min),
                opt_f64(d.max),
                opt_u32(d.max_text_len),
            );
            quote! { v.decimal(#value, #sc, #min, #max, #tl); }
        }
        Type::DateTime(f) => {
            let ty = super::types::date_type(*f);
            quote! { v.format(#value.is_valid(), #value.as_str(), #ty::FORMAT); }
        }
        Type::Array(a) => {
            let mut out = TokenStream::new();
            if a.min_items.is_some() || a.max_items.is_some() {
                let (min, max) = (opt_u32(a.min_items), opt_u32(a.max_items));
                out.extend(quote! { v.items(#value.len(), #min, #max); });
            }
            let item = quote! { item };
            let inner = value_checks(&a.items, &item, false, pats);
            if !inner.is_empty() {
                out.extend(quote! { v.each(#value, |v, item| { #inner }); });
            }
            out
        }
        Type::Object(_) => quote! { ::chargespec_runtime::Validate::validate_into(#value, v); },
        Type::Code(_) => quote! { v.code(#value); },
    }
}

/// The checks of a value of type `ty` (for other emitters).
pub fn value_checks_public(ty: &Type, value: &TokenStream, pats: &mut Patterns) -> TokenStream {
    value_checks(ty, value, false, pats)
}

/// The statics of the patterns collected.
pub fn pattern_statics(pats: &Patterns) -> TokenStream {
    pats.statics()
}
