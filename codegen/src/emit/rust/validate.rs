//! Validators: for every object, an `impl Validate` that checks every constraint the IR holds
//! and reports all violations with their JSON-pointer paths.

use std::collections::BTreeMap;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::ir::{Charset, CodeValue, CondOp, Edition, Field, Object, Requirement, Type};

use super::types::{condition_text, is_optional};
use super::util::ident;

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

/// An expression that is true when the condition on a sibling field holds.
fn condition_expr(ir: &Edition, o: &Object, c: &crate::ir::Condition) -> TokenStream {
    let Some(target) = o.fields.iter().find(|f| f.wire == c.field) else {
        return quote! { false };
    };
    let fname = ident(&target.rust_ident);
    let lits: Vec<TokenStream> = c
        .values
        .iter()
        .map(|v| match v {
            CodeValue::Int(i) => {
                let l = Literal::i64_unsuffixed(*i);
                quote! { #l }
            }
            CodeValue::Str(s) => quote! { #s },
        })
        .collect();
    let is_code = matches!(&target.ty, Type::Code(t) if ir.code_tables.contains_key(t));
    let test = |get: TokenStream| match c.op {
        CondOp::Equals | CondOp::In => quote! { ::core::matches!(#get, #(#lits)|*) },
        CondOp::NotIn => quote! { !::core::matches!(#get, #(#lits)|*) },
    };
    if is_optional(target) {
        let t = test(if is_code {
            quote! { x.code() }
        } else {
            quote! { x }
        });
        quote! { self.#fname.as_ref().is_some_and(|x| #t) }
    } else if is_code {
        test(quote! { self.#fname.code() })
    } else {
        test(quote! { &self.#fname })
    }
}

fn field_checks(ir: &Edition, o: &Object, f: &Field, pats: &mut Patterns) -> TokenStream {
    let fname = ident(&f.rust_ident);
    let wire = &f.wire;
    let prov = f.prov.provisional;
    let x = quote! { x };
    let mut checks = value_checks(&f.ty, &x, f.secret, pats);
    if f.empty_means_absent && !checks.is_empty() {
        checks = quote! { if !x.as_str().is_empty() { #checks } };
    }
    let missing = match &f.requirement {
        Requirement::Conditional(c) => {
            let cond = condition_expr(ir, o, c);
            let text = condition_text(c);
            Some((
                cond,
                quote! { v.absent(#wire, #prov, ::chargespec_runtime::Rule::RequiredWhen(#text)); },
            ))
        }
        _ => None,
    };
    if is_optional(f) {
        match (checks.is_empty(), missing) {
            (true, None) => TokenStream::new(),
            (true, Some((cond, m))) => quote! { if self.#fname.is_none() && #cond { #m } },
            (false, None) => quote! {
                if let ::std::option::Option::Some(x) = &self.#fname {
                    v.field(#wire, #prov, |v| { #checks });
                }
            },
            (false, Some((cond, m))) => quote! {
                if let ::std::option::Option::Some(x) = &self.#fname {
                    v.field(#wire, #prov, |v| { #checks });
                } else if #cond {
                    #m
                }
            },
        }
    } else if checks.is_empty() {
        TokenStream::new()
    } else {
        quote! {
            {
                let x = &self.#fname;
                v.field(#wire, #prov, |v| { #checks });
            }
        }
    }
}

fn constraint_checks(o: &Object) -> TokenStream {
    let items = o.constraints.iter().map(|c| {
        let groups = c.exactly_one_of.iter().map(|g| {
            let present = g
                .iter()
                .map(|w| match o.fields.iter().find(|f| &f.wire == w) {
                    Some(f) if is_optional(f) => {
                        let n = ident(&f.rust_ident);
                        quote! { self.#n.is_some() }
                    }
                    Some(_) => quote! { true },
                    None => quote! { false },
                });
            let present2 = present.clone();
            quote! { ([#(#present),*].iter().all(|p| *p), [#(#present2),*].iter().any(|p| *p)) }
        });
        let text = c
            .exactly_one_of
            .iter()
            .map(|g| format!("[{}]", g.join(", ")))
            .collect::<Vec<_>>()
            .join(" | ");
        let prov = c.prov.provisional;
        let n = Literal::usize_unsuffixed(c.exactly_one_of.len());
        quote! {
            {
                let groups: [(bool, bool); #n] = [#(#groups),*];
                let full = groups.iter().filter(|(all, _)| *all).count();
                let partial = groups.iter().any(|(all, any)| *any && !*all);
                if full != 1 || partial {
                    v.constraint(#prov, ::chargespec_runtime::Rule::ExactlyOneOf(#text));
                }
            }
        }
    });
    quote! { #(#items)* }
}

fn emit_object(ir: &Edition, o: &Object, pats: &mut Patterns) -> TokenStream {
    let name = ident(&o.rust_name);
    let checks: Vec<TokenStream> = o
        .fields
        .iter()
        .map(|f| field_checks(ir, o, f, pats))
        .collect();
    let constraints = constraint_checks(o);
    let body_empty = checks.iter().all(TokenStream::is_empty) && constraints.is_empty();
    let v = if body_empty {
        quote! { _v }
    } else {
        quote! { v }
    };
    quote! {
        impl ::chargespec_runtime::Validate for crate::types::#name {
            fn validate_into(&self, #v: &mut ::chargespec_runtime::Validator) {
                #(#checks)*
                #constraints
            }
        }
    }
}

fn kind_of(ir: &Edition, ty: &Type) -> TokenStream {
    let k = match ty {
        Type::String(_) | Type::DateTime(_) => quote! { String },
        Type::Integer(_) => quote! { Integer },
        Type::Decimal(_) => quote! { Number },
        Type::Array(_) => quote! { Array },
        Type::Object(_) => quote! { Object },
        Type::Code(t) => match ir.code_tables.get(t).map(|t| t.kind) {
            Some(crate::ir::CodeKind::String) => quote! { StringCode },
            _ => quote! { IntegerCode },
        },
    };
    quote! { ::chargespec_runtime::Kind::#k }
}

/// The structural check inside a value of type `ty` (`x` is a `&serde_json::Value` of the right
/// kind): recursion into objects and arrays.
fn shape_inner(ir: &Edition, ty: &Type) -> TokenStream {
    match ty {
        Type::Object(o) => {
            let n = ident(
                ir.objects
                    .get(o)
                    .map_or(o.as_str(), |x| x.rust_name.as_str()),
            );
            quote! { <crate::types::#n as ::chargespec_runtime::Shape>::check_shape(x, v); }
        }
        Type::Array(a) => {
            let kind = kind_of(ir, &a.items);
            let inner = shape_inner(ir, &a.items);
            let body = if inner.is_empty() {
                quote! { v.kind(x, #kind, false); }
            } else {
                quote! {
                    if v.kind(x, #kind, false) {
                        #inner
                    }
                }
            };
            quote! {
                for (i, x) in x.as_array().into_iter().flatten().enumerate() {
                    v.index(i, |v| { #body });
                }
            }
        }
        _ => TokenStream::new(),
    }
}

/// `impl Shape`: required keys present and every value of a kind its Rust type reads.
fn emit_shape(ir: &Edition, o: &Object) -> TokenStream {
    let name = ident(&o.rust_name);
    let checks = o.fields.iter().map(|f| {
        let wire = &f.wire;
        let names: Vec<String> = std::iter::once(f.wire.clone()).chain(f.aliases.iter().cloned()).collect();
        let prov = f.prov.provisional;
        let kind = kind_of(ir, &f.ty);
        let inner = shape_inner(ir, &f.ty);
        let optional = is_optional(f);
        let absent = if optional {
            quote! {}
        } else {
            quote! { else { v.absent(#wire, #prov, ::chargespec_runtime::Rule::Required); } }
        };
        let body = if inner.is_empty() {
            quote! { v.kind(x, #kind, #optional); }
        } else {
            quote! {
                if v.kind(x, #kind, #optional) {
                    #inner
                }
            }
        };
        quote! {
            if let ::std::option::Option::Some(x) = ::chargespec_runtime::validate::field(map, &[#(#names),*]) {
                v.field(#wire, #prov, |v| { #body });
            } #absent
        }
    });
    let map = if o.fields.is_empty() {
        quote! { _map }
    } else {
        quote! { map }
    };
    quote! {
        impl ::chargespec_runtime::Shape for crate::types::#name {
            fn check_shape(value: &::chargespec_runtime::serde_json::Value, v: &mut ::chargespec_runtime::Validator) {
                let ::chargespec_runtime::serde_json::Value::Object(#map) = value else {
                    v.kind(value, ::chargespec_runtime::Kind::Object, false);
                    return;
                };
                #(#checks)*
            }
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let mut pats = Patterns::default();
    let mut impls: Vec<TokenStream> = ir
        .objects
        .values()
        .map(|o| emit_object(ir, o, &mut pats))
        .collect();
    impls.extend(ir.objects.values().map(|o| emit_shape(ir, o)));
    let statics = pats.statics();
    quote! {
        //! Validators: every constraint of the spec, all violations reported with JSON-pointer
        //! paths. Provisional items report warnings unless `Mode::with_provisional(true)`.
        #statics
        #(#impls)*
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
