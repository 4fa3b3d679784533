//! OpenAPI 3.0.3 documents, per role (the interfaces the role implements) and per profile: the
//! real envelope (`Data` is Base64 ciphertext; a vendor extension names the payload schema) and
//! the plaintext test profile (`Data` is the payload itself).

use indexmap::IndexMap;
use openapiv3 as oa;
use serde_json::{Value, json};

use crate::emit::rust::util::one_line;
use crate::emit::samples::object_sample;
use crate::emit::{EmitError, OutFile};
use crate::ir::{
    Auth, CodeKind, CodeTable, CondOp, DateFormat, DecimalWire, Edition, Field, Object, Provenance,
    RequestRole, Requirement, ResponseRole, Type,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Profile {
    Envelope,
    Plaintext,
}

fn provenance(p: &Provenance) -> Value {
    let mut m = serde_json::Map::new();
    m.insert(
        "tags".into(),
        Value::Array(
            p.tags
                .iter()
                .map(|t| Value::String(t.to_string()))
                .collect(),
        ),
    );
    m.insert("provisional".into(), Value::Bool(p.provisional));
    if let Some(n) = &p.note {
        m.insert("note".into(), Value::String(one_line(n)));
    }
    Value::Object(m)
}

fn prov_text(p: &Provenance) -> String {
    if p.provisional {
        format!(
            "**Provisional** ({}): not a fact of the standard.",
            p.tags_text()
        )
    } else {
        format!("Provenance: {}.", p.tags_text())
    }
}

/// The format as a pattern with the ranges of each component (month 01–12, day 01–31, hour
/// 00–23, minute and second 00–59), so that tools generate dates a receiver accepts; the days
/// of each month are checked by the receiver only.
fn date_pattern(f: DateFormat) -> &'static str {
    match f {
        DateFormat::Date => r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
        DateFormat::DateTime => {
            r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$"
        }
        DateFormat::Compact => {
            r"^\d{4}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$"
        }
        DateFormat::Time => r"^([01]\d|2[0-3])[0-5]\d[0-5]\d$",
    }
}

fn charset_pattern(c: crate::ir::Charset) -> Option<&'static str> {
    use crate::ir::Charset as C;
    match c {
        C::Any => None,
        C::Ascii => Some(r"^[\x00-\x7F]*$"),
        C::Digits => Some(r"^[0-9]*$"),
        C::Alphanumeric => Some(r"^[0-9A-Za-z]*$"),
        C::Hex => Some(r"^[0-9A-Fa-f]*$"),
        C::UpperHex => Some(r"^[0-9A-F]*$"),
    }
}

fn schema(kind: oa::SchemaKind, data: oa::SchemaData) -> oa::Schema {
    oa::Schema {
        schema_data: data,
        schema_kind: kind,
    }
}

fn reference(name: &str) -> oa::ReferenceOr<oa::Schema> {
    oa::ReferenceOr::Reference {
        reference: format!("#/components/schemas/{name}"),
    }
}

fn usz(v: Option<u32>) -> Option<usize> {
    v.map(|x| x as usize)
}

/// The schema of a value of type `ty`, with the constraints the IR holds; extensions carry what
/// OpenAPI 3.0 cannot express.
fn type_schema(ty: &Type, data: oa::SchemaData) -> oa::ReferenceOr<oa::Schema> {
    let mut data = data;
    let kind = match ty {
        Type::String(s) => {
            let pattern = s
                .pattern
                .clone()
                .or_else(|| charset_pattern(s.charset).map(str::to_owned));
            if s.charset != crate::ir::Charset::Any {
                data.extensions.insert(
                    "x-charset".into(),
                    json!(format!("{:?}", s.charset).to_lowercase()),
                );
            }
            oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                min_length: usz(s.min_len),
                max_length: usz(s.max_len),
                pattern,
                ..Default::default()
            }))
        }
        Type::Integer(i) => {
            if let Some(n) = i.max_text_len {
                data.extensions.insert("x-max-text-length".into(), json!(n));
            }
            oa::SchemaKind::Type(oa::Type::Integer(oa::IntegerType {
                format: oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int64),
                minimum: i.min,
                maximum: i.max,
                ..Default::default()
            }))
        }
        Type::Decimal(d) => {
            if let Some(s) = d.scale {
                data.extensions.insert("x-scale".into(), json!(s));
            }
            if let Some(n) = d.max_text_len {
                data.extensions.insert("x-max-text-length".into(), json!(n));
            }
            if d.wire == DecimalWire::String {
                data.extensions
                    .insert("x-decimal".into(), json!({"wire": "string"}));
                if d.min.is_some() || d.max.is_some() {
                    data.extensions.insert("x-minimum".into(), json!(d.min));
                    data.extensions.insert("x-maximum".into(), json!(d.max));
                }
                let frac = d.scale.map_or_else(
                    || r"(\.\d+)?".to_owned(),
                    |s| {
                        if s == 0 {
                            String::new()
                        } else {
                            format!(r"(\.\d{{1,{s}}})?")
                        }
                    },
                );
                oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                    pattern: Some(format!(r"^-?\d+{frac}$")),
                    ..Default::default()
                }))
            } else {
                oa::SchemaKind::Type(oa::Type::Number(oa::NumberType {
                    minimum: d.min,
                    maximum: d.max,
                    ..Default::default()
                }))
            }
        }
        Type::DateTime(f) => {
            data.extensions
                .insert("x-date-format".into(), json!(f.pattern()));
            oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                pattern: Some(date_pattern(*f).to_owned()),
                ..Default::default()
            }))
        }
        Type::Array(a) => {
            let items = match type_schema(&a.items, oa::SchemaData::default()) {
                oa::ReferenceOr::Item(s) => oa::ReferenceOr::Item(Box::new(s)),
                oa::ReferenceOr::Reference { reference } => {
                    oa::ReferenceOr::Reference { reference }
                }
            };
            oa::SchemaKind::Type(oa::Type::Array(oa::ArrayType {
                items: Some(items),
                min_items: usz(a.min_items),
                max_items: usz(a.max_items),
                unique_items: false,
            }))
        }
        Type::Object(name) | Type::Code(name) => {
            if data == oa::SchemaData::default() {
                return reference(name);
            }
            // A `$ref` cannot carry siblings in OpenAPI 3.0: wrap it.
            oa::SchemaKind::AllOf {
                all_of: vec![reference(name)],
            }
        }
    };
    oa::ReferenceOr::Item(schema(kind, data))
}

fn condition_json(c: &crate::ir::Condition) -> Value {
    let op = match c.op {
        CondOp::Equals => "equals",
        CondOp::In => "in",
        CondOp::NotIn => "not_in",
    };
    json!({"field": c.field, op: c.values.iter().map(code_value_json).collect::<Vec<_>>()})
}

fn field_schema(f: &Field) -> oa::ReferenceOr<Box<oa::Schema>> {
    let mut desc = format!("{} — {}.", f.info.zh, f.info.en);
    if let Some(u) = &f.unit {
        desc.push_str(&format!(" Unit: {u}."));
    }
    if let Requirement::Conditional(c) = &f.requirement {
        desc.push_str(&format!(
            " Required when {}.",
            crate::emit::rust::types::condition_text(c)
        ));
    }
    if let Some(m) = &f.misspelling_of {
        desc.push_str(&format!(
            " The wire spelling `{}` is a known misspelling of `{m}`, kept as the standard has it.",
            f.wire
        ));
    }
    if let Some(d) = &f.info.description {
        desc.push(' ');
        desc.push_str(&one_line(d));
    }
    desc.push(' ');
    desc.push_str(&prov_text(&f.prov));
    let mut data = oa::SchemaData {
        description: Some(desc),
        ..Default::default()
    };
    data.extensions
        .insert("x-provenance".into(), provenance(&f.prov));
    if let Requirement::Conditional(c) = &f.requirement {
        data.extensions
            .insert("x-required-when".into(), condition_json(c));
    }
    if !f.aliases.is_empty() {
        data.extensions.insert("x-aliases".into(), json!(f.aliases));
    }
    if let Some(m) = &f.misspelling_of {
        data.extensions.insert("x-misspelling-of".into(), json!(m));
    }
    if let Some(u) = &f.unit {
        data.extensions.insert("x-unit".into(), json!(u));
    }
    if f.secret {
        data.write_only = false;
        data.extensions.insert("x-secret".into(), json!(true));
    }
    if f.empty_means_absent {
        data.extensions
            .insert("x-empty-means-absent".into(), json!(true));
        if let Some(d) = &mut data.description {
            d.push_str(" \"\" means the same as an absent field.");
        }
    }
    match type_schema(&f.ty, data) {
        oa::ReferenceOr::Item(mut s) => {
            if f.empty_means_absent
                && let oa::SchemaKind::Type(oa::Type::String(st)) = &mut s.schema_kind
            {
                // "" is accepted besides the type's own form.
                st.pattern = st.pattern.take().map(|p| format!("^$|{p}"));
                st.min_length = None;
            }
            oa::ReferenceOr::Item(Box::new(s))
        }
        oa::ReferenceOr::Reference { reference } => oa::ReferenceOr::Reference { reference },
    }
}

fn object_schema(
    ir: &Edition,
    o: &Object,
    fields: &[(String, oa::ReferenceOr<Box<oa::Schema>>, bool)],
) -> oa::Schema {
    let mut desc = format!("{} — {}.", o.info.zh, o.info.en);
    if let Some(d) = &o.info.description {
        desc.push(' ');
        desc.push_str(&one_line(d));
    }
    desc.push(' ');
    desc.push_str(&prov_text(&o.prov));
    let mut data = oa::SchemaData {
        title: Some(o.info.zh.clone()),
        description: Some(desc),
        ..Default::default()
    };
    data.extensions
        .insert("x-provenance".into(), provenance(&o.prov));
    if !o.constraints.is_empty() {
        data.extensions.insert(
            "x-exactly-one-of".into(),
            json!(
                o.constraints
                    .iter()
                    .map(|c| &c.exactly_one_of)
                    .collect::<Vec<_>>()
            ),
        );
    }
    if let Some(s) = object_sample(ir, o, 0) {
        data.example = Some(s.to_value());
    }
    let mut properties = IndexMap::new();
    let mut required = Vec::new();
    for (name, s, req) in fields {
        properties.insert(name.clone(), s.clone());
        if *req {
            required.push(name.clone());
        }
    }
    schema(
        oa::SchemaKind::Type(oa::Type::Object(oa::ObjectType {
            properties,
            required,
            ..Default::default()
        })),
        data,
    )
}

fn object_fields(o: &Object) -> Vec<(String, oa::ReferenceOr<Box<oa::Schema>>, bool)> {
    o.fields
        .iter()
        .map(|f| {
            (
                f.wire.clone(),
                field_schema(f),
                f.requirement == Requirement::Required,
            )
        })
        .collect()
}

fn code_value_json(v: &crate::ir::CodeValue) -> Value {
    match v {
        crate::ir::CodeValue::Int(i) => json!(i),
        crate::ir::CodeValue::Str(s) => json!(s),
    }
}

/// The text of one code for `x-enum-descriptions` (a list parallel to `enum`).
fn enum_description(c: &crate::ir::Code) -> String {
    format!(
        "{} — {}{}",
        c.info.zh,
        c.info.en,
        if c.prov.provisional {
            " (provisional)"
        } else {
            ""
        }
    )
}

fn code_schema(t: &CodeTable) -> oa::Schema {
    let mut desc = format!("{} — {} (code table `{}`", t.info.zh, t.info.en, t.name);
    if let Some(a) = &t.appendix {
        desc.push_str(&format!(", Appendix {a}"));
    }
    desc.push_str(if t.open {
        "; open: other values are kept). "
    } else {
        "; closed). "
    });
    for c in &t.codes {
        desc.push_str(&format!(
            "`{}` {} ({}){}; ",
            c.value,
            c.info.zh,
            c.info.en,
            if c.prov.provisional {
                " [provisional]"
            } else {
                ""
            }
        ));
    }
    for r in &t.ranges {
        desc.push_str(&format!(
            "`{}`–`{}` {} ({}); ",
            r.from, r.to, r.info.zh, r.info.en
        ));
    }
    desc.push_str(&prov_text(&t.prov));
    let mut data = oa::SchemaData {
        title: Some(t.info.zh.clone()),
        description: Some(desc),
        ..Default::default()
    };
    data.extensions
        .insert("x-provenance".into(), provenance(&t.prov));
    // Our own per-code data, for every table (open ones included): value, identifier, names and
    // provenance. Generators ignore it; `x-enum-varnames`/`x-enum-descriptions` below are the
    // lists parallel to `enum` that they read.
    data.extensions.insert(
        "x-chargespec-codes".into(),
        json!(
            t.codes
                .iter()
                .map(|c| {
                    let mut m = serde_json::Map::new();
                    m.insert("value".into(), code_value_json(&c.value));
                    m.insert("varname".into(), json!(c.rust_variant));
                    m.insert("zh".into(), json!(c.info.zh));
                    m.insert("en".into(), json!(c.info.en));
                    if !c.alt_zh.is_empty() {
                        m.insert("alt_zh".into(), json!(c.alt_zh));
                    }
                    if let Some(cat) = &c.category {
                        m.insert("category".into(), code_value_json(cat));
                    }
                    m.insert("provenance".into(), provenance(&c.prov));
                    Value::Object(m)
                })
                .collect::<Vec<_>>()
        ),
    );
    if !t.ranges.is_empty() {
        data.extensions.insert(
            "x-ranges".into(),
            json!(
                t.ranges
                    .iter()
                    .map(|r| json!({"from": r.from, "to": r.to, "zh": r.info.zh, "en": r.info.en}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    data.extensions.insert("x-open".into(), json!(t.open));
    let closed = !t.open && t.ranges.is_empty();
    // The codes of the table's own kind, in table order: `enum` and the lists parallel to it.
    let enumerated: Vec<&crate::ir::Code> = if closed {
        t.codes
            .iter()
            .filter(|c| {
                matches!(
                    (&c.value, t.kind),
                    (crate::ir::CodeValue::Int(_), CodeKind::Integer)
                        | (crate::ir::CodeValue::Str(_), CodeKind::String)
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    if !enumerated.is_empty() {
        data.extensions.insert(
            "x-enum-varnames".into(),
            json!(
                enumerated
                    .iter()
                    .map(|c| &c.rust_variant)
                    .collect::<Vec<_>>()
            ),
        );
        data.extensions.insert(
            "x-enum-descriptions".into(),
            json!(
                enumerated
                    .iter()
                    .map(|c| enum_description(c))
                    .collect::<Vec<_>>()
            ),
        );
    }
    let kind = match t.kind {
        CodeKind::Integer => oa::Type::Integer(oa::IntegerType {
            format: oa::VariantOrUnknownOrEmpty::Item(oa::IntegerFormat::Int64),
            enumeration: enumerated
                .iter()
                .filter_map(|c| match c.value {
                    crate::ir::CodeValue::Int(i) => Some(Some(i)),
                    crate::ir::CodeValue::Str(_) => None,
                })
                .collect(),
            ..Default::default()
        }),
        CodeKind::String => oa::Type::String(oa::StringType {
            enumeration: enumerated
                .iter()
                .filter_map(|c| match &c.value {
                    crate::ir::CodeValue::Str(s) => Some(Some(s.clone())),
                    crate::ir::CodeValue::Int(_) => None,
                })
                .collect(),
            max_length: usz(t.value_max_len),
            pattern: t.value_pattern.clone(),
            ..Default::default()
        }),
    };
    schema(oa::SchemaKind::Type(kind), data)
}

/// The envelope of the plaintext test profile: `Data` is the payload itself and answers are
/// unsigned. `roles` gives the data and signature field of each position of the envelope.
fn plain_envelope(
    ir: &Edition,
    envelope: &str,
    payload: &str,
    direction: &str,
    is_data: impl Fn(usize) -> bool,
    is_signature: impl Fn(usize) -> bool,
) -> Option<oa::Schema> {
    let env = ir.objects.get(envelope)?;
    let response = direction == "response";
    let empty = || {
        oa::ReferenceOr::Item(schema(
            oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                max_length: Some(0),
                ..Default::default()
            })),
            oa::SchemaData::default(),
        ))
    };
    let mut fields = object_fields(env);
    for (i, (_, s, _)) in fields.iter_mut().enumerate() {
        if response && is_signature(i) {
            let mut data = oa::SchemaData {
                description: Some(
                    "Empty: answers are not signed in the plaintext test profile.".to_owned(),
                ),
                ..Default::default()
            };
            data.extensions
                .insert("x-profile".into(), json!("plaintext"));
            *s = oa::ReferenceOr::Item(Box::new(schema(
                oa::SchemaKind::Type(oa::Type::String(oa::StringType {
                    max_length: Some(0),
                    ..Default::default()
                })),
                data,
            )));
        } else if is_data(i) {
            let mut data = oa::SchemaData {
                description: Some(format!(
                    "The {direction} payload itself (plaintext test profile; never on a production link)."
                )),
                ..Default::default()
            };
            data.extensions
                .insert("x-profile".into(), json!("plaintext"));
            let kind = if response {
                // A refusal (non-zero Ret) carries no payload: `Data` is then "".
                data.description = Some(format!(
                    "The {direction} payload itself (plaintext test profile; never on a production link), or \"\" when Ret is not 0."
                ));
                oa::SchemaKind::AnyOf {
                    any_of: vec![reference(payload), empty()],
                }
            } else {
                oa::SchemaKind::AllOf {
                    all_of: vec![reference(payload)],
                }
            };
            *s = oa::ReferenceOr::Item(Box::new(schema(kind, data)));
        }
    }
    let mut s = object_schema(ir, env, &fields);
    s.schema_data.example = None;
    s.schema_data.title = Some(format!("{} (plaintext)", env.info.zh));
    Some(s)
}

fn ret_text(ir: &Edition) -> String {
    let Some(t) = ir
        .security
        .as_ref()
        .and_then(|s| s.ret.as_ref())
        .and_then(|r| ir.code_tables.get(&r.value.table))
    else {
        return "See the Ret code table.".to_owned();
    };
    t.codes
        .iter()
        .map(|c| format!("Ret {} {} ({})", c.value, c.info.zh, c.info.en))
        .collect::<Vec<_>>()
        .join("; ")
}

fn document(ir: &Edition, role: &str, profile: Profile) -> oa::OpenAPI {
    let role_info = ir.roles.get(role);
    let role_name = role_info.map_or(role.to_owned(), |r| {
        format!("{} ({})", r.info.zh, r.info.en)
    });
    let env = ir.envelope();
    let base = ir
        .security
        .as_ref()
        .and_then(|s| s.transport.as_ref())
        .and_then(|t| t.value.url.as_ref())
        .and_then(|u| u.value.default_base_path.clone())
        .unwrap_or_default();

    let mut info_desc = format!(
        "{} {} — the interfaces implemented by the {}. Every call is an HTTP POST of the envelope; ",
        ir.meta.number, ir.meta.info.zh, role_name
    );
    info_desc.push_str(match profile {
        Profile::Envelope => "`Data` carries the Base64 AES-128-CBC ciphertext of the payload whose schema `x-data-schema` names, and `Sig` the HMAC-MD5 signature. ",
        Profile::Plaintext => "**plaintext test profile**: `Data` is the payload itself, unencrypted, so generic HTTP tools can exercise payload validation. Never use it on a production link. ",
    });
    info_desc.push_str("Provenance of every item is in `x-provenance`; provisional items are designs, not facts of the standard. Generated by chargespec; do not edit.");

    let mut paths = IndexMap::new();
    let mut schemas: IndexMap<String, oa::ReferenceOr<oa::Schema>> = IndexMap::new();
    let mut used_tags: Vec<String> = Vec::new();
    let mut interfaces: Vec<&crate::ir::Interface> = ir
        .interfaces
        .values()
        .filter(|i| i.implementer.includes(role))
        .collect();
    interfaces.sort_by(|a, b| a.name.cmp(&b.name));
    for i in interfaces {
        let op = operation(ir, i, profile, env, &mut schemas, &mut used_tags);
        paths.insert(
            format!("/{}", i.name),
            oa::ReferenceOr::Item(oa::PathItem {
                post: Some(op),
                ..Default::default()
            }),
        );
    }
    for o in ir.objects.values() {
        schemas.insert(
            o.name.clone(),
            oa::ReferenceOr::Item(object_schema(ir, o, &object_fields(o))),
        );
    }
    for t in ir.code_tables.values() {
        schemas.insert(t.name.clone(), oa::ReferenceOr::Item(code_schema(t)));
    }
    schemas.sort_keys();

    let mut security_schemes = IndexMap::new();
    security_schemes.insert(
        "bearer".to_owned(),
        oa::ReferenceOr::Item(oa::SecurityScheme::HTTP {
            scheme: "bearer".to_owned(),
            bearer_format: Some("AccessToken from query_token".to_owned()),
            description: Some("`Authorization: Bearer <AccessToken>` on every call except query_token (Appendix C).".to_owned()),
            extensions: IndexMap::new(),
        }),
    );
    let mut bearer = IndexMap::new();
    bearer.insert("bearer".to_owned(), Vec::new());

    let tags = used_tags
        .iter()
        .map(|t| {
            let description = ir.flows.get(t).map_or_else(
                || "Interfaces outside the eleven business flows.".to_owned(),
                |f| {
                    format!(
                        "Flow {}: {} — {}. {}",
                        f.number,
                        f.info.zh,
                        f.info.en,
                        prov_text(&f.prov)
                    )
                },
            );
            oa::Tag {
                name: t.clone(),
                description: Some(description),
                ..Default::default()
            }
        })
        .collect();

    let mut variables = IndexMap::new();
    variables.insert(
        "base".to_owned(),
        oa::ServerVariable {
            default: format!("http://localhost:8080{base}"),
            description: Some("The peer's base URL (host, prefix and version), configured per peer; the 2024 form is unknown.".to_owned()),
            ..Default::default()
        },
    );
    let mut doc = oa::OpenAPI {
        openapi: "3.0.3".to_owned(),
        info: oa::Info {
            title: format!(
                "{} — {}{}",
                ir.meta.number,
                role_name,
                if profile == Profile::Plaintext {
                    " (plaintext test profile)"
                } else {
                    ""
                }
            ),
            description: Some(info_desc),
            version: ir.meta.id.clone(),
            license: Some(oa::License {
                name: "MIT OR Apache-2.0 (this document)".to_owned(),
                url: Some("https://spdx.org/licenses/MIT.html".to_owned()),
                extensions: IndexMap::new(),
            }),
            ..Default::default()
        },
        servers: vec![oa::Server {
            url: "{base}".to_owned(),
            description: Some("A peer platform".to_owned()),
            variables: Some(variables),
            extensions: IndexMap::new(),
        }],
        paths: oa::Paths {
            paths,
            extensions: IndexMap::new(),
        },
        components: Some(oa::Components {
            schemas,
            security_schemes,
            ..Default::default()
        }),
        security: Some(vec![bearer]),
        tags,
        ..Default::default()
    };
    doc.extensions.insert("x-edition".into(), json!(ir.meta.id));
    doc.extensions.insert("x-role".into(), json!(role));
    doc.extensions.insert(
        "x-profile".into(),
        json!(if profile == Profile::Plaintext {
            "plaintext"
        } else {
            "envelope"
        }),
    );
    doc
}

/// The operation of one interface; adds the plaintext envelopes it needs to `schemas` and its
/// tags to `used_tags`.
fn operation(
    ir: &Edition,
    i: &crate::ir::Interface,
    profile: Profile,
    env: Option<&crate::ir::Envelope>,
    schemas: &mut IndexMap<String, oa::ReferenceOr<oa::Schema>>,
    used_tags: &mut Vec<String>,
) -> oa::Operation {
    let mut desc = format!(
        "{} — {}. Implemented by {}, called by {}.",
        i.info.zh, i.info.en, i.implementer, i.caller
    );
    if let Some(t) = &i.trigger {
        desc.push_str(&format!(" Trigger: {}.", one_line(t)));
    }
    if let Some(d) = &i.info.description {
        desc.push(' ');
        desc.push_str(&one_line(d));
    }
    if !i.route_aliases.is_empty() {
        desc.push_str(&format!(" Also routed as: {}.", i.route_aliases.join(", ")));
    }
    desc.push(' ');
    desc.push_str(&prov_text(&i.prov));
    let (req_schema, resp_schema) = match (profile, env) {
        // Without an envelope, the payloads travel as they are.
        (_, None) => (i.request.object.clone(), i.response.object.clone()),
        (Profile::Envelope, Some(e)) => (e.request.object.clone(), e.response.object.clone()),
        (Profile::Plaintext, Some(e)) => {
            let (rq, rs) = (&e.request, &e.response);
            let req = plain_envelope(
                ir,
                &rq.object,
                &i.request.object,
                "request",
                |n| rq.role(n) == Some(RequestRole::Data),
                |n| rq.role(n) == Some(RequestRole::Signature),
            );
            let resp = plain_envelope(
                ir,
                &rs.object,
                &i.response.object,
                "response",
                |n| rs.role(n) == Some(ResponseRole::Data),
                |n| rs.role(n) == Some(ResponseRole::Signature),
            );
            let (q, r) = (
                format!("{}PlainRequest", i.rust_name),
                format!("{}PlainResponse", i.rust_name),
            );
            if let Some(s) = req {
                schemas.insert(q.clone(), oa::ReferenceOr::Item(s));
            }
            if let Some(s) = resp {
                schemas.insert(r.clone(), oa::ReferenceOr::Item(s));
            }
            (q, r)
        }
    };
    let media = |s: &str, payload: &str| {
        let mut m = oa::MediaType {
            schema: Some(reference(s)),
            ..Default::default()
        };
        m.extensions.insert(
            "x-data-schema".into(),
            json!(format!("#/components/schemas/{payload}")),
        );
        m
    };
    let mut req_content = IndexMap::new();
    req_content.insert(
        "application/json".to_owned(),
        media(&req_schema, &i.request.object),
    );
    let mut resp_content = IndexMap::new();
    resp_content.insert(
        "application/json".to_owned(),
        media(&resp_schema, &i.response.object),
    );
    let mut responses = oa::Responses::default();
    responses.responses.insert(
        oa::StatusCode::Code(200),
        oa::ReferenceOr::Item(oa::Response {
            description: format!(
                "The response envelope. Errors are answered with HTTP 200 and a non-zero Ret ({}); `Data` is then empty.",
                ret_text(ir)
            ),
            content: resp_content,
            ..Default::default()
        }),
    );
    let tags: Vec<String> = if i.flows.is_empty() {
        vec!["other".to_owned()]
    } else {
        i.flows.clone()
    };
    for t in &tags {
        if !used_tags.contains(t) {
            used_tags.push(t.clone());
        }
    }
    let mut op = oa::Operation {
        tags,
        summary: Some(format!("{} — {}", i.info.zh, i.info.en)),
        description: Some(desc),
        operation_id: Some(i.name.clone()),
        request_body: Some(oa::ReferenceOr::Item(oa::RequestBody {
            description: Some("The request envelope.".to_owned()),
            content: req_content,
            required: true,
            ..Default::default()
        })),
        responses,
        security: (i.auth == Auth::None).then(Vec::new),
        ..Default::default()
    };
    op.extensions
        .insert("x-provenance".into(), provenance(&i.prov));
    op.extensions
        .insert("x-implementer".into(), json!(i.implementer.to_string()));
    op.extensions
        .insert("x-caller".into(), json!(i.caller.to_string()));
    op.extensions.insert(
        "x-request-data-schema".into(),
        json!(format!("#/components/schemas/{}", i.request.object)),
    );
    op.extensions.insert(
        "x-response-data-schema".into(),
        json!(format!("#/components/schemas/{}", i.response.object)),
    );
    if i.optional {
        op.extensions.insert("x-optional".into(), json!(true));
    }
    op
}

/// `openapi/<role>.json` and `openapi/<role>-plaintext.json` for every role.
pub fn files(ir: &Edition) -> Result<Vec<OutFile>, EmitError> {
    let mut out = Vec::new();
    for role in ir.roles.keys() {
        for (profile, suffix) in [(Profile::Envelope, ""), (Profile::Plaintext, "-plaintext")] {
            let doc = document(ir, role, profile);
            let text = serde_json::to_string_pretty(&doc).map_err(|e| EmitError(e.to_string()))?;
            out.push(OutFile::new(format!("openapi/{role}{suffix}.json"), text));
        }
    }
    Ok(out)
}
