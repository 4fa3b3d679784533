//! Objects and interface payloads → Rust structs with the exact wire names.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{DateFormat, DecimalWire, Edition, Field, Object, ObjectOrigin, Requirement, Type};

use super::util::{doc_attrs, ident, one_line, provenance_lines, title};

/// The Rust type of a field value (without `Option`).
pub fn value_type(ir: &Edition, ty: &Type, secret: bool) -> TokenStream {
    match ty {
        Type::String(_) if secret => quote! { ::chargespec_runtime::Secret },
        Type::String(_) => quote! { ::std::string::String },
        Type::Integer(_) => quote! { i64 },
        Type::Decimal(_) => quote! { ::chargespec_runtime::Decimal },
        Type::DateTime(f) => date_type(*f),
        Type::Array(a) => {
            let inner = value_type(ir, &a.items, false);
            quote! { ::std::vec::Vec<#inner> }
        }
        Type::Object(o) => {
            let n = ident(
                ir.objects
                    .get(o)
                    .map_or(o.as_str(), |x| x.rust_name.as_str()),
            );
            quote! { crate::types::#n }
        }
        Type::Code(c) => {
            let n = ident(
                ir.code_tables
                    .get(c)
                    .map_or(c.as_str(), |x| x.rust_name.as_str()),
            );
            quote! { crate::codes::#n }
        }
    }
}

pub fn date_type(f: DateFormat) -> TokenStream {
    match f {
        DateFormat::Date => quote! { ::chargespec_runtime::time::Date },
        DateFormat::DateTime => quote! { ::chargespec_runtime::time::DateTime },
        DateFormat::Compact => quote! { ::chargespec_runtime::time::CompactDateTime },
        DateFormat::Time => quote! { ::chargespec_runtime::time::Time },
    }
}

/// Whether the field is an `Option` in Rust.
pub fn is_optional(f: &Field) -> bool {
    !matches!(f.requirement, Requirement::Required) || !f.relaxed_by.is_empty()
}

/// `serialize_with` for decimals in their wire form, if the field needs one.
fn decimal_serializer(f: &Field) -> Option<String> {
    let opt = if is_optional(f) { "_opt" } else { "" };
    let (d, vec) = match &f.ty {
        Type::Decimal(d) => (d, ""),
        Type::Array(a) => match &a.items {
            Type::Decimal(d) => (d, "_vec"),
            _ => return None,
        },
        _ => return None,
    };
    let form = if d.wire == DecimalWire::String {
        "string"
    } else {
        "number"
    };
    let scale = d.scale.map_or_else(
        || "{ ::chargespec_runtime::decimal::ANY_SCALE }".to_owned(),
        |s| s.to_string(),
    );
    Some(format!(
        "::chargespec_runtime::decimal::{form}{vec}{opt}::<{scale}, _>"
    ))
}

/// `deserialize_with` for decimals: their stated wire form only.
fn decimal_deserializer(f: &Field) -> Option<String> {
    let opt = if is_optional(f) { "_opt" } else { "" };
    let (d, vec) = match &f.ty {
        Type::Decimal(d) => (d, ""),
        Type::Array(a) => match &a.items {
            Type::Decimal(d) => (d, "_vec"),
            _ => return None,
        },
        _ => return None,
    };
    let form = if d.wire == DecimalWire::String {
        "string"
    } else {
        "number"
    };
    Some(format!(
        "::chargespec_runtime::decimal::de::{form}{vec}{opt}"
    ))
}

pub fn requirement_text(r: &Requirement) -> String {
    match r {
        Requirement::Required => "Required.".to_owned(),
        Requirement::Optional => "Optional.".to_owned(),
        Requirement::Conditional(c) => format!("Required when {}.", condition_text(c)),
    }
}

pub use crate::descriptors::condition_text;

fn field_doc(f: &Field) -> Vec<String> {
    let mut lines = vec![title(&f.info)];
    lines.push(String::new());
    let mut facts = format!(
        // The type text may hold a pattern: a code span keeps rustdoc from reading it as Markdown.
        "Wire name `{}`; `{}`",
        f.wire,
        crate::ir::summary_type_text(&f.ty)
    );
    if let Some(u) = &f.unit {
        facts.push_str(&format!("; unit {u}"));
    }
    facts.push_str("; ");
    facts.push_str(&requirement_text(&f.requirement));
    lines.push(facts);
    // One paragraph after the title: the facts and the provenance, a source line each.
    if let Some(m) = &f.misspelling_of {
        lines.push(format!(
            "The wire spelling `{}` is a known misspelling of `{m}`, kept as the standard has it.",
            f.wire
        ));
    }
    if !f.aliases.is_empty() {
        lines.push(format!(
            "Also accepted on input as: {}.",
            f.aliases
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(d) = &f.info.description {
        lines.push(one_line(d));
    }
    if f.secret {
        lines.push("A credential: never printed by `Debug` or in validation reports.".to_owned());
    }
    lines.extend(provenance_lines(&f.prov, f.info.section.as_deref()));
    lines
}

fn object_doc(o: &Object) -> Vec<String> {
    let mut lines = vec![title(&o.info)];
    if let ObjectOrigin::Payload {
        interface,
        direction,
    } = &o.origin
    {
        lines.push(String::new());
        lines.push(format!(
            "The {} payload (`Data`) of `{interface}`.",
            if *direction == crate::ir::PayloadDirection::Request {
                "request"
            } else {
                "response"
            }
        ));
    }
    if let Some(d) = &o.info.description {
        lines.push(String::new());
        lines.push(one_line(d));
    }
    for c in &o.constraints {
        let groups: Vec<String> = c.exactly_one_of.iter().map(|g| g.join(" + ")).collect();
        lines.push(String::new());
        lines.push(format!(
            "Constraint: exactly one of {}{}.",
            groups.join(" | "),
            if c.prov.provisional {
                " (provisional)"
            } else {
                ""
            }
        ));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(&o.prov, o.info.section.as_deref()));
    lines
}

/// The wire name of the token lifetime when `o` is the token answer (read by
/// `chargespec_runtime::tolerance::lifetime_seconds`: whole seconds, rounded down).
fn token_lifetime<'a>(ir: &'a Edition, o: &Object) -> Option<&'a str> {
    let iface = ir.token_interface()?;
    let t = ir.security.as_ref()?.token.as_ref()?;
    (iface.response.object == o.name).then_some(t.value.lifetime.wire.as_str())
}

fn emit_object(ir: &Edition, o: &Object) -> TokenStream {
    let name = ident(&o.rust_name);
    let lifetime = token_lifetime(ir, o);
    let doc = doc_attrs(&object_doc(o));
    let fields = o.fields.iter().map(|f| {
        let fname = ident(&f.rust_ident);
        let wire = &f.wire;
        let base = value_type(ir, &f.ty, f.secret);
        let ty = if is_optional(f) {
            quote! { ::std::option::Option<#base> }
        } else {
            base
        };
        let mut serde_args = vec![quote! { rename = #wire }];
        for a in &f.aliases {
            serde_args.push(quote! { alias = #a });
        }
        if is_optional(f) {
            serde_args.push(quote! { default });
            serde_args.push(quote! { skip_serializing_if = "::std::option::Option::is_none" });
        }
        if let Some(s) = decimal_serializer(f) {
            serde_args.push(quote! { serialize_with = #s });
        }
        if let Some(s) = decimal_deserializer(f) {
            serde_args.push(quote! { deserialize_with = #s });
        }
        if lifetime == Some(f.wire.as_str()) && matches!(f.ty, Type::Integer(_)) {
            let s = if is_optional(f) {
                "::chargespec_runtime::tolerance::lifetime_seconds_opt"
            } else {
                "::chargespec_runtime::tolerance::lifetime_seconds"
            };
            serde_args.push(quote! { deserialize_with = #s });
        }
        let d = doc_attrs(&field_doc(f));
        quote! {
            #d
            #[serde(#(#serde_args),*)]
            pub #fname: #ty,
        }
    });
    quote! {
        #doc
        #[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }
    }
}

pub fn emit(ir: &Edition) -> TokenStream {
    let objects = ir.objects.values().map(|o| emit_object(ir, o));
    quote! {
        //! Information objects of the edition and the payloads of its interfaces, with the exact
        //! wire names (misspellings included).
        #(#objects)*
    }
}
