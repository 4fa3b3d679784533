//! Appendix A: the connector QR-code URI as a type with parse, format and validate.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Edition, QrCode, QrPartKind};

use super::util::{doc_attrs, ident, one_line, provenance_lines, title};
use super::validate;

pub fn emit(ir: &Edition) -> TokenStream {
    let Some(q) = &ir.qr_code else {
        return quote! {
            //! This edition defines no QR code.
        };
    };
    let mut doc = vec![title(&q.info)];
    if let Some(d) = &q.info.description {
        doc.push(String::new());
        doc.push(one_line(d));
    }
    let template: String = q
        .parts
        .iter()
        .map(|p| match &p.kind {
            QrPartKind::Literal(l) => l.clone(),
            QrPartKind::Field { field, .. } => format!("{{{field}}}"),
            QrPartKind::Tail => "…".to_owned(),
        })
        .collect();
    doc.push(String::new());
    doc.push(format!("Format: `{template}`"));
    doc.push(String::new());
    doc.extend(provenance_lines(&q.prov, q.info.section.as_deref()));
    let doc = doc_attrs(&doc);

    let Parts {
        fields,
        parse,
        format,
        checks,
        names,
    } = parts(q);
    let pattern_items = q.patterns.iter().map(|p| {
        let (n, pat) = (&p.name, &p.pattern);
        quote! { (#n, #pat), }
    });
    let has_tail = q.parts.iter().any(|p| matches!(p.kind, QrPartKind::Tail));
    let end_check = if has_tail {
        quote! {}
    } else {
        quote! {
            if !rest.is_empty() {
                return ::std::result::Result::Err(QrError { expected: "the end of the URI", at: s.len() - rest.len() });
            }
        }
    };
    let conv = names
        .iter()
        .map(|n| quote! { #n: ::std::string::String::from(#n), });
    let v = if checks.is_empty() {
        quote! { _v }
    } else {
        quote! { v }
    };
    quote! {
        //! Appendix A: the URI carried by the QR code on each connector.

        #doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)]
        pub struct QrCode {
            #(#fields)*
        }

        /// The URI does not have the QR-code format.
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq)]
        pub struct QrError {
            /// The literal part that was expected.
            pub expected: &'static str,
            /// Byte offset where it was expected.
            pub at: usize,
        }

        impl ::core::fmt::Display for QrError {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "not a connector QR code: expected `{}` at byte {}", self.expected, self.at)
            }
        }

        impl ::std::error::Error for QrError {}

        impl QrCode {
            /// The checks the reference names (`name`, regular expression).
            pub const PATTERNS: &'static [(&'static str, &'static str)] = &[#(#pattern_items)*];

            /// Parses a URI into its parts (the structure only; see [`QrCode::validate`]).
            pub fn parse(s: &str) -> ::std::result::Result<Self, QrError> {
                let rest = s;
                #(#parse)*
                #end_check
                ::std::result::Result::Ok(QrCode { #(#conv)* })
            }

            /// Checks the parts against the field types of the spec.
            pub fn validate(&self, mode: ::chargespec_runtime::Mode) -> ::chargespec_runtime::Report {
                ::chargespec_runtime::Validate::validate(self, mode)
            }
        }

        impl ::chargespec_runtime::Validate for QrCode {
            fn validate_into(&self, #v: &mut ::chargespec_runtime::Validator) {
                #(#checks)*
            }
        }

        impl ::core::fmt::Display for QrCode {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                #(#format)*
                ::core::result::Result::Ok(())
            }
        }

        impl ::core::str::FromStr for QrCode {
            type Err = QrError;
            fn from_str(s: &str) -> ::std::result::Result<Self, QrError> {
                QrCode::parse(s)
            }
        }
    }
}

/// The generated code of each part: struct fields, parsing steps, formatting steps, value
/// checks, and the field names in order.
#[derive(Default)]
struct Parts {
    fields: Vec<TokenStream>,
    parse: Vec<TokenStream>,
    format: Vec<TokenStream>,
    checks: Vec<TokenStream>,
    names: Vec<proc_macro2::Ident>,
}

fn parts(q: &QrCode) -> Parts {
    let mut fields = Vec::new();
    let mut parse = Vec::new();
    let mut format = Vec::new();
    let mut checks = Vec::new();
    let mut names = Vec::new();
    for (i, p) in q.parts.iter().enumerate() {
        let next_literal = q.parts[i + 1..].iter().find_map(|n| match &n.kind {
            QrPartKind::Literal(l) => Some(l.clone()),
            _ => None,
        });
        let pdoc = doc_attrs(&{
            let mut l = vec![title(&p.info)];
            l.push(String::new());
            l.extend(provenance_lines(&p.prov, None));
            l
        });
        match &p.kind {
            QrPartKind::Literal(l) => {
                parse.push(quote! {
                    let rest = rest.strip_prefix(#l).ok_or(QrError { expected: #l, at: s.len() - rest.len() })?;
                });
                format.push(quote! { f.write_str(#l)?; });
            }
            QrPartKind::Field { field, ty } => {
                let n = ident(&crate::ir::ident::snake(field));
                names.push(n.clone());
                fields.push(quote! { #pdoc pub #n: ::std::string::String, });
                match next_literal {
                    // The field runs up to the next literal, which the literal part consumes.
                    Some(l) => parse.push(quote! {
                        let (#n, rest) = rest.split_at(rest.find(#l).ok_or(QrError { expected: #l, at: s.len() })?);
                    }),
                    None => parse.push(quote! { let (#n, rest) = (rest, ""); }),
                }
                format.push(quote! { f.write_str(&self.#n)?; });
                if let Some(ty) = ty {
                    let x = quote! { x };
                    let mut pats = Default::default();
                    let c = validate::value_checks_public(ty, &x, &mut pats);
                    let statics = validate::pattern_statics(&pats);
                    if !c.is_empty() {
                        checks.push(quote! {
                            {
                                #statics
                                let x = &self.#n;
                                v.field(#field, false, |v| { #c });
                            }
                        });
                    }
                }
            }
            QrPartKind::Tail => {
                let n = ident("tail");
                names.push(n.clone());
                fields.push(quote! { #pdoc pub tail: ::std::string::String, });
                parse.push(quote! { let tail = rest; });
                format.push(quote! { f.write_str(&self.tail)?; });
            }
        }
    }
    Parts {
        fields,
        parse,
        format,
        checks,
        names,
    }
}
