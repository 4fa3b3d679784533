//! `src/schema.rs` of a generated crate: the edition's descriptors as a `static` (the schema
//! [`crate::descriptors::schema`] builds from the IR, printed as Rust), and the glue that lets
//! the runtime's validator walk the generated types: per object an `impl Node` handing out its
//! fields by index and an `impl Described` naming its descriptor.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use chargespec_runtime::schema::{
    Codes, FieldDesc, Lit, ObjectDesc, OneOf, Requirement, Schema, StringDesc, TableDesc, TypeDesc,
};

use super::util::ident;
use crate::ir::Edition;

pub fn emit(ir: &Edition) -> TokenStream {
    let bump = bumpalo::Bump::new();
    let schema = crate::descriptors::schema(ir, &bump);
    let data = schema_tokens(&schema, ir);
    let imports = imports(&schema);
    let glue = ir.objects.values().enumerate().map(|(i, o)| {
        let name = ident(&o.rust_name);
        let index = Literal::usize_unsuffixed(i);
        let fields = o.fields.iter().map(|f| ident(&f.rust_ident));
        quote! { ::chargespec_runtime::describe!(SCHEMA, types::#name = #index { #(#fields),* }); }
    });
    let tables = ir.code_tables.values().map(|t| {
        let name = ident(&t.rust_name);
        quote! { codes::#name }
    });
    quote! {
        //! The edition's descriptors: every object's fields with their types, constraints,
        //! requirements and provenance, and every code table's codes. The runtime's validator
        //! (`chargespec_runtime::schema`) interprets them for the typed values of this crate and
        //! for any JSON value; `chargespec validate` builds the same descriptors from the spec.
        #![allow(clippy::too_many_lines)]
        //!
        //! Short names: `F` field, `T` type, `S` string, `I` integer and `D` decimal
        //! constraints; `P0`, `P1`, … the provenance texts.
        #imports
        use crate::{codes, types};

        #data
        #(#glue)*
        ::chargespec_runtime::code_views!(#(#tables),*);
    }
}

/// The `use` items of the schema module: only the descriptor types it names.
fn imports(s: &Schema<'_>) -> TokenStream {
    fn walk(t: &TypeDesc<'_>, seen: &mut std::collections::BTreeSet<&'static str>) {
        match t {
            TypeDesc::String(s) => {
                if s.charset.is_some() {
                    seen.insert("Charset");
                }
            }
            TypeDesc::Integer(_) => {
                seen.insert("IntegerDesc as I");
            }
            TypeDesc::Decimal(_) => {
                seen.insert("DecimalDesc as D");
            }
            TypeDesc::Date(_) => {
                seen.insert("DateFormat");
            }
            TypeDesc::Array(a) => {
                seen.insert("ArrayDesc");
                walk(&a.items, seen);
            }
            TypeDesc::Object(_) | TypeDesc::Code(_) => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    if !s.tolerances.is_empty() {
        seen.insert("ToleranceDesc");
        seen.insert("Tolerance");
    }
    for o in s.objects {
        if !o.exactly_one_of.is_empty() {
            seen.insert("OneOf");
        }
        for f in o.fields {
            walk(&f.ty, &mut seen);
            if !f.relaxed_by.is_empty() {
                seen.insert("Tolerance");
                seen.insert("Tolerances");
            }
            if matches!(f.requirement, Requirement::When(_)) {
                seen.insert("Condition");
                seen.insert("Lit");
            }
        }
    }
    let always = [
        "FieldDesc as F",
        "ObjectDesc",
        "Schema",
        "StringDesc as S",
        "TableDesc",
    ];
    let items = always
        .into_iter()
        .chain(["TypeDesc as T"])
        .chain(
            seen.iter()
                .copied()
                .filter(|i| !matches!(*i, "Charset" | "DateFormat" | "Tolerance" | "Tolerances")),
        )
        .map(|i| i.parse::<TokenStream>().unwrap_or_default());
    let mut out = quote! { use ::chargespec_runtime::schema::{ #(#items),* }; };
    if seen.contains("DateFormat") {
        out.extend(quote! { use ::chargespec_runtime::time::DateFormat; });
    }
    let tol: Vec<TokenStream> = ["Tolerance", "Tolerances"]
        .into_iter()
        .filter(|t| seen.contains(t))
        .map(|t| t.parse::<TokenStream>().unwrap_or_default())
        .collect();
    if !tol.is_empty() {
        out.extend(quote! { use ::chargespec_runtime::tolerance::{ #(#tol),* }; });
    }
    if seen.contains("Charset") {
        out.extend(quote! { use ::chargespec_runtime::validate::Charset; });
    }
    out
}

fn opt<T: quote::ToTokens>(v: Option<T>) -> TokenStream {
    match v {
        Some(x) => quote! { Some(#x) },
        None => quote! { None },
    }
}

fn u32s(v: Option<u32>) -> TokenStream {
    opt(v.map(Literal::u32_unsuffixed))
}

/// The distinct provenance texts, each a `const` (`P0`, `P1`, …) in order of first use.
#[derive(Default)]
struct Provenances(indexmap::IndexSet<String>);

impl Provenances {
    fn of(&mut self, text: &str) -> TokenStream {
        let (i, _) = self.0.insert_full(text.to_owned());
        let id = quote::format_ident!("P{}", i);
        quote! { #id }
    }

    fn consts(&self) -> TokenStream {
        let items = self.0.iter().enumerate().map(|(i, text)| {
            let id = quote::format_ident!("P{}", i);
            quote! { const #id: &str = #text; }
        });
        quote! { #(#items)* }
    }
}

/// The schema: the `static` itself, then each object's fields as a `const` of their own (so
/// each field reads as one line), then the provenance texts.
fn schema_tokens(s: &Schema<'_>, ir: &Edition) -> TokenStream {
    let mut provs = Provenances::default();
    let edition = s.edition;
    let lists: Vec<proc_macro2::Ident> = ir
        .objects
        .values()
        .map(|o| {
            quote::format_ident!(
                "{}",
                heck::ToShoutySnakeCase::to_shouty_snake_case(o.rust_name.as_str())
            )
        })
        .collect();
    let objects: Vec<TokenStream> = s
        .objects
        .iter()
        .zip(&lists)
        .map(|(o, list)| object(o, list, &mut provs))
        .collect();
    let fields = s.objects.iter().zip(&lists).map(|(o, list)| {
        let fields: Vec<TokenStream> = o.fields.iter().map(|f| field(f, &mut provs)).collect();
        let doc = format!("The fields of `{}`.", o.name);
        quote! {
            #[doc = #doc]
            const #list: &[F] = &[#(#fields),*];
        }
    });
    let fields: Vec<TokenStream> = fields.collect();
    let tables = s.tables.iter().map(table);
    let tolerances = s.tolerances.iter().map(|t| {
        let v = ident(&format!("{:?}", t.tolerance));
        let relaxes = t.relaxes;
        quote! { ToleranceDesc { tolerance: Tolerance::#v, relaxes: #relaxes } }
    });
    let consts = provs.consts();
    quote! {
        /// The schema of this edition.
        pub static SCHEMA: Schema<'static> = Schema {
            edition: #edition,
            objects: &[#(#objects),*],
            tables: &[#(#tables),*],
            tolerances: &[#(#tolerances),*],
        };
        #(#fields)*
        #consts
    }
}

fn object(o: &ObjectDesc<'_>, list: &proc_macro2::Ident, provs: &mut Provenances) -> TokenStream {
    let name = o.name;
    let prov = provs.of(o.provenance);
    let mut out = quote! { ObjectDesc::new(#name, #prov, #list) };
    if o.provisional {
        out.extend(quote! { .provisional() });
    }
    if !o.exactly_one_of.is_empty() {
        let c = o.exactly_one_of.iter().map(one_of);
        out.extend(quote! { .one_of(&[#(#c),*]) });
    }
    out
}

fn one_of(c: &OneOf<'_>) -> TokenStream {
    let groups = c.groups.iter().map(|g| {
        let g = g.iter().map(|i| Literal::usize_unsuffixed(*i));
        quote! { &[#(#g),*] }
    });
    let (text, provisional) = (c.text, c.provisional);
    quote! { OneOf { groups: &[#(#groups),*], text: #text, provisional: #provisional } }
}

/// A field: `FieldDesc::new(wire, type)` refined with only what differs from its defaults.
fn field(f: &FieldDesc<'_>, provs: &mut Provenances) -> TokenStream {
    let wire = f.wire;
    let ty = ty(&f.ty);
    let mut out = quote! { F::new(#wire, #ty) };
    match &f.requirement {
        Requirement::Required => {}
        Requirement::Optional => out.extend(quote! { .optional() }),
        Requirement::When(c) => {
            let field = Literal::usize_unsuffixed(c.field);
            let (negate, text) = (c.negate, c.text);
            let values = c.values.iter().map(lit);
            out.extend(quote! {
                .when(Condition { field: #field, negate: #negate, values: &[#(#values),*], text: #text })
            });
        }
    }
    if !f.aliases.is_empty() {
        let a = f.aliases;
        out.extend(quote! { .aliases(&[#(#a),*]) });
    }
    if f.provisional {
        out.extend(quote! { .provisional() });
    }
    if f.secret {
        out.extend(quote! { .secret() });
    }
    if f.empty_means_absent {
        out.extend(quote! { .empty_means_absent() });
    }
    for t in f.relaxed_by.iter() {
        let v = ident(&format!("{t:?}"));
        out.extend(quote! { .relaxed_by(Tolerances::of(Tolerance::#v)) });
    }
    if let Some(w) = f.array_variant {
        out.extend(quote! { .array_variant(#w) });
    }
    let prov = provs.of(f.provenance);
    out.extend(quote! { .prov(#prov) });
    out
}

fn lit(l: &Lit<'_>) -> TokenStream {
    match l {
        Lit::Int(i) => {
            let i = Literal::i64_unsuffixed(*i);
            quote! { Lit::Int(#i) }
        }
        Lit::Str(s) => quote! { Lit::Str(#s) },
    }
}

fn ty(t: &TypeDesc<'_>) -> TokenStream {
    match t {
        TypeDesc::String(s) => {
            let s = string(s);
            quote! { T::String(#s) }
        }
        TypeDesc::Integer(i) => {
            if i.min.is_none() && i.max.is_none() && i.max_text_len.is_none() {
                return quote! { T::Integer(I::EMPTY) };
            }
            let (min, max) = (
                opt(i.min.map(Literal::i64_unsuffixed)),
                opt(i.max.map(Literal::i64_unsuffixed)),
            );
            let tl = u32s(i.max_text_len);
            quote! { T::Integer(I { min: #min, max: #max, max_text_len: #tl }) }
        }
        TypeDesc::Decimal(d) => {
            if d.min.is_none() && d.max.is_none() && d.max_text_len.is_none() {
                let text = if d.text {
                    quote! { .text() }
                } else {
                    quote! {}
                };
                return match d.scale {
                    Some(n) => {
                        let n = Literal::u32_unsuffixed(n);
                        quote! { T::Decimal(D::scale(#n) #text) }
                    }
                    None => quote! { T::Decimal(D::EMPTY #text) },
                };
            }
            let (scale, tl) = (u32s(d.scale), u32s(d.max_text_len));
            let (min, max) = (
                opt(d.min.map(Literal::f64_suffixed)),
                opt(d.max.map(Literal::f64_suffixed)),
            );
            let text = d.text;
            quote! {
                T::Decimal(D { scale: #scale, min: #min, max: #max, max_text_len: #tl, text: #text })
            }
        }
        TypeDesc::Date(f) => {
            let f = ident(&format!("{f:?}"));
            quote! { T::Date(DateFormat::#f) }
        }
        TypeDesc::Array(a) => {
            let items = ty(&a.items);
            let (min, max) = (u32s(a.min_items), u32s(a.max_items));
            quote! {
                T::Array(&ArrayDesc { items: #items, min_items: #min, max_items: #max })
            }
        }
        TypeDesc::Object(i) => {
            let i = Literal::usize_unsuffixed(*i);
            quote! { T::Object(#i) }
        }
        TypeDesc::Code(i) => {
            let i = Literal::usize_unsuffixed(*i);
            quote! { T::Code(#i) }
        }
    }
}

fn string(s: &StringDesc<'_>) -> TokenStream {
    let mut out = match (s.min_len, s.max_len) {
        (None, None) => quote! { S::EMPTY },
        (Some(a), Some(b)) if a == b => {
            let n = Literal::u32_unsuffixed(a);
            quote! { S::exact(#n) }
        }
        (None, Some(b)) => {
            let n = Literal::u32_unsuffixed(b);
            quote! { S::max(#n) }
        }
        (a, b) => {
            let (a, b) = (u32s(a), u32s(b));
            quote! { S::len(#a, #b) }
        }
    };
    if let Some(c) = s.charset {
        let c = ident(&format!("{c:?}"));
        out.extend(quote! { .charset(Charset::#c) });
    }
    if let Some(p) = s.pattern {
        out.extend(quote! { .pattern(#p) });
    }
    out
}

fn table(t: &TableDesc<'_>) -> TokenStream {
    let name = t.name;
    let mut out = match t.codes {
        Codes::Int { values, ranges } => {
            let v = values.iter().map(|i| Literal::i64_unsuffixed(*i));
            let r = ranges.iter().map(|(a, b)| {
                let (a, b) = (Literal::i64_unsuffixed(*a), Literal::i64_unsuffixed(*b));
                quote! { (#a, #b) }
            });
            quote! { TableDesc::int(#name, &[#(#v),*], &[#(#r),*]) }
        }
        Codes::Str { values } => quote! { TableDesc::str(#name, &[#(#values),*]) },
    };
    if t.open {
        out.extend(quote! { .open() });
    }
    out
}
