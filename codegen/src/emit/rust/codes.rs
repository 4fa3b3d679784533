//! Code tables → Rust enums that keep unknown values (`Unknown(raw)`), with strict
//! `try_from`, lossless `from_code`, `code()`, `name_zh()`, `name_en()`, `ALL`, and serde in the
//! wire form (integer or string).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ir::{CodeKind, CodeTable, CodeValue, Edition};

use super::util::{doc_attrs, ident, one_line, provenance_lines, title};

fn value_lit(v: &CodeValue) -> TokenStream {
    match v {
        CodeValue::Int(i) => {
            let l = Literal::i64_unsuffixed(*i);
            quote! { #l }
        }
        CodeValue::Str(s) => quote! { #s },
    }
}

fn table_doc(t: &CodeTable) -> Vec<String> {
    let mut lines = vec![title(&t.info)];
    lines.push(String::new());
    let mut facts = format!("Code table `{}`", t.name);
    if let Some(a) = &t.appendix {
        facts.push_str(&format!(", Appendix {a}"));
    }
    if let Some(n) = &t.table_no {
        facts.push_str(&format!(", table {n}"));
    }
    facts.push_str(if t.open {
        "; open: values outside the table are kept as `Unknown` and reported as warnings."
    } else {
        "; closed: values outside the table are kept as `Unknown` and rejected by strict validation."
    });
    lines.push(facts);
    if let Some(d) = &t.info.description {
        lines.push(String::new());
        lines.push(one_line(d));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(&t.prov, t.info.section.as_deref()));
    lines
}

fn code_doc(
    value: &str,
    info: &crate::ir::Info,
    prov: &crate::ir::Provenance,
    alt: &[String],
) -> Vec<String> {
    let mut lines = vec![format!("`{value}` {} — {}", info.zh, info.en)];
    if !alt.is_empty() {
        lines.push(String::new());
        lines.push(format!("Also labelled: {}.", alt.join(", ")));
    }
    if let Some(d) = &info.description {
        lines.push(String::new());
        lines.push(one_line(d));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(prov, None));
    lines
}

pub fn emit_table(t: &CodeTable) -> TokenStream {
    let name = ident(&t.rust_name);
    let table_name = &t.name;
    let open = t.open;
    let int = t.kind == CodeKind::Integer;
    let raw_ty = if int {
        quote! { i64 }
    } else {
        quote! { ::std::string::String }
    };
    let doc = doc_attrs(&table_doc(t));
    let non_exhaustive = if t.open {
        quote! { #[non_exhaustive] }
    } else {
        quote! {}
    };
    let derives = if int {
        quote! { #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)] }
    } else {
        quote! { #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash)] }
    };

    let variants = t.codes.iter().map(|c| {
        let v = ident(&c.rust_variant);
        let d = doc_attrs(&code_doc(&c.value.to_string(), &c.info, &c.prov, &c.alt_zh));
        quote! { #d #v, }
    });
    let range_variants = t.ranges.iter().map(|r| {
        let v = ident(&r.rust_variant);
        let d = doc_attrs(&code_doc(
            &format!("{}..={}", r.from, r.to),
            &r.info,
            &r.prov,
            &[],
        ));
        quote! { #d #v(i64), }
    });
    let all = t.codes.iter().map(|c| {
        let v = ident(&c.rust_variant);
        quote! { #name::#v }
    });

    // Meanings are looked up in one table per enum (smaller code than two matches).
    let name_rows = t.codes.iter().map(|c| {
        let v = ident(&c.rust_variant);
        let (zh, en) = (&c.info.zh, &c.info.en);
        quote! { (#name::#v, #zh, #en), }
    });
    let range_name_arms = t.ranges.iter().map(|r| {
        let v = ident(&r.rust_variant);
        let (zh, en) = (&r.info.zh, &r.info.en);
        quote! { #name::#v(_) => ::std::option::Option::Some((#zh, #en)), }
    });
    let unknown_doc =
        doc_attrs(&["A value that is not a code of the table, kept as received.".to_owned()]);

    let (code_fn, from_fn, serde_impls, conv) = conversions(t);
    let code_value = if int {
        quote! { ::chargespec_runtime::CodeValue::Int(self.code()) }
    } else {
        quote! { ::chargespec_runtime::CodeValue::Str(self.code()) }
    };

    quote! {
        #doc
        #derives
        #non_exhaustive
        pub enum #name {
            #(#variants)*
            #(#range_variants)*
            #unknown_doc
            Unknown(#raw_ty),
        }

        impl #name {
            /// The table's name in the spec.
            pub const TABLE: &'static str = #table_name;
            /// Every listed code, in table order (ranges and unknown values excluded).
            pub const ALL: &'static [#name] = &[#(#all),*];

            #code_fn
            #from_fn

            /// Every listed code with its Chinese and English meaning.
            pub const NAMES: &'static [(#name, &'static str, &'static str)] = &[#(#name_rows)*];

            fn names(&self) -> ::std::option::Option<(&'static str, &'static str)> {
                match self {
                    #(#range_name_arms)*
                    #name::Unknown(_) => ::std::option::Option::None,
                    known => #name::NAMES.iter().find(|(v, _, _)| v == known).map(|(_, zh, en)| (*zh, *en)),
                }
            }

            /// The Chinese meaning, if the code is known.
            pub fn name_zh(&self) -> ::std::option::Option<&'static str> {
                self.names().map(|(zh, _)| zh)
            }

            /// The English meaning, if the code is known.
            pub fn name_en(&self) -> ::std::option::Option<&'static str> {
                self.names().map(|(_, en)| en)
            }

            /// Whether the value is a code of the table (or lies in one of its ranges).
            pub fn is_known(&self) -> bool {
                !::core::matches!(self, #name::Unknown(_))
            }
        }

        impl ::chargespec_runtime::CodeTable for #name {
            const NAME: &'static str = #table_name;
            const OPEN: bool = #open;
            fn is_known(&self) -> bool {
                #name::is_known(self)
            }
            fn code_value(&self) -> ::chargespec_runtime::CodeValue<'_> {
                #code_value
            }
            fn name_zh(&self) -> ::std::option::Option<&'static str> {
                #name::name_zh(self)
            }
            fn name_en(&self) -> ::std::option::Option<&'static str> {
                #name::name_en(self)
            }
        }

        #serde_impls
        #conv
    }
}

/// `code()`, `from_code()`, the serde impls and the conversions of a table's enum, by kind.
fn conversions(t: &CodeTable) -> (TokenStream, TokenStream, TokenStream, TokenStream) {
    let name = ident(&t.rust_name);
    let table_name = &t.name;
    let int = t.kind == CodeKind::Integer;
    // code()
    let code_arms = t.codes.iter().map(|c| {
        let v = ident(&c.rust_variant);
        let lit = value_lit(&c.value);
        quote! { #name::#v => #lit, }
    });
    let range_code_arms = t.ranges.iter().map(|r| {
        let v = ident(&r.rust_variant);
        quote! { #name::#v(v) => *v, }
    });
    // from_code()
    let from_arms = t.codes.iter().map(|c| {
        let v = ident(&c.rust_variant);
        let lit = value_lit(&c.value);
        quote! { #lit => #name::#v, }
    });
    let range_from_arms = t.ranges.iter().map(|r| {
        let v = ident(&r.rust_variant);
        let (a, b) = (
            Literal::i64_unsuffixed(r.from),
            Literal::i64_unsuffixed(r.to),
        );
        quote! { #a..=#b => #name::#v(code), }
    });
    if int {
        (
            quote! {
                /// The code as on the wire.
                pub const fn code(&self) -> i64 {
                    match self {
                        #(#code_arms)*
                        #(#range_code_arms)*
                        #name::Unknown(v) => *v,
                    }
                }
            },
            quote! {
                /// The value for a code, keeping unknown codes as `Unknown` (lossless).
                pub const fn from_code(code: i64) -> Self {
                    match code {
                        #(#from_arms)*
                        #(#range_from_arms)*
                        _ => #name::Unknown(code),
                    }
                }
            },
            quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                        s.serialize_i64(self.code())
                    }
                }
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                        ::chargespec_runtime::code::deserialize_int(d).map(#name::from_code)
                    }
                }
            },
            quote! {
                impl ::std::convert::TryFrom<i64> for #name {
                    type Error = ::chargespec_runtime::code::UnknownCode;
                    /// Strict conversion: only codes of the table (and its ranges).
                    fn try_from(code: i64) -> ::std::result::Result<Self, Self::Error> {
                        match #name::from_code(code) {
                            #name::Unknown(v) => ::std::result::Result::Err(::chargespec_runtime::code::UnknownCode { table: #table_name, value: v.to_string() }),
                            known => ::std::result::Result::Ok(known),
                        }
                    }
                }
                impl ::std::convert::From<#name> for i64 {
                    fn from(v: #name) -> i64 {
                        v.code()
                    }
                }
                impl ::core::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        ::core::write!(f, "{}", self.code())
                    }
                }
            },
        )
    } else {
        (
            quote! {
                /// The code as on the wire.
                pub fn code(&self) -> &str {
                    match self {
                        #(#code_arms)*
                        #name::Unknown(v) => v.as_str(),
                    }
                }
            },
            quote! {
                /// The value for a code, keeping unknown codes as `Unknown` (lossless).
                pub fn from_code(code: &str) -> Self {
                    match code {
                        #(#from_arms)*
                        _ => #name::Unknown(::std::string::String::from(code)),
                    }
                }
            },
            quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                        s.serialize_str(self.code())
                    }
                }
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                        ::chargespec_runtime::code::deserialize_str(d).map(|s| #name::from_code(&s))
                    }
                }
            },
            quote! {
                impl ::std::convert::TryFrom<&str> for #name {
                    type Error = ::chargespec_runtime::code::UnknownCode;
                    /// Strict conversion: only codes of the table.
                    fn try_from(code: &str) -> ::std::result::Result<Self, Self::Error> {
                        match #name::from_code(code) {
                            #name::Unknown(v) => ::std::result::Result::Err(::chargespec_runtime::code::UnknownCode { table: #table_name, value: v }),
                            known => ::std::result::Result::Ok(known),
                        }
                    }
                }
                impl ::core::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(self.code())
                    }
                }
            },
        )
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let tables = ir.code_tables.values().map(emit_table);
    quote! {
        //! Code tables of the edition (chapters 6, 7 and 10, Appendices B, C, D and E).
        #(#tables)*
    }
}
