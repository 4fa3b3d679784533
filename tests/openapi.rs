//! Parity: every constraint the IR holds appears in the OpenAPI schema of its field, in every
//! generated document; operations are exactly the interfaces each role implements.

use chargespec::ir::{self, CodeKind, Party, Requirement, Type};
use chargespec_tests::{edition_2024, root};
use serde_json::Value;

fn doc(name: &str) -> Value {
    let path = root().join("generated/db4403-77-2024/openapi").join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("JSON")
}

/// The schema of a property, looking through an `allOf: [$ref]` wrapper.
fn target(prop: &Value) -> &Value {
    prop.get("allOf").and_then(|a| a.get(0)).unwrap_or(prop)
}

fn tags(v: &Value) -> Vec<String> {
    v["x-provenance"]["tags"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// `empty_ok`: the field takes "" for absent (`empty_means_absent`), which relaxes its pattern and
/// minimum length.
fn check_type(ctx: &str, ty: &Type, prop: &Value, empty_ok: bool) {
    match ty {
        Type::String(s) => {
            assert_eq!(prop["type"], "string", "{ctx}");
            assert_eq!(
                prop["minLength"].as_u64(),
                s.min_len.filter(|_| !empty_ok).map(u64::from),
                "{ctx} minLength"
            );
            assert_eq!(
                prop["maxLength"].as_u64(),
                s.max_len.map(u64::from),
                "{ctx} maxLength"
            );
            if let Some(p) = &s.pattern {
                let p = if empty_ok {
                    format!("^$|{p}")
                } else {
                    p.clone()
                };
                assert_eq!(prop["pattern"].as_str(), Some(p.as_str()), "{ctx} pattern");
            }
            if s.charset != ir::Charset::Any {
                assert!(
                    prop.get("x-charset").is_some() && prop.get("pattern").is_some(),
                    "{ctx} charset"
                );
            }
        }
        Type::Integer(i) => {
            assert_eq!(prop["type"], "integer", "{ctx}");
            assert_eq!(prop["minimum"].as_i64(), i.min, "{ctx} minimum");
            assert_eq!(prop["maximum"].as_i64(), i.max, "{ctx} maximum");
            assert_eq!(
                prop["x-max-text-length"].as_u64(),
                i.max_text_len.map(u64::from),
                "{ctx} text length"
            );
        }
        Type::Decimal(d) => {
            assert_eq!(
                prop["x-scale"].as_u64(),
                d.scale.map(u64::from),
                "{ctx} scale"
            );
            match d.wire {
                ir::DecimalWire::Number => {
                    assert_eq!(prop["type"], "number", "{ctx}");
                    assert_eq!(prop["minimum"].as_f64(), d.min, "{ctx} minimum");
                    assert_eq!(prop["maximum"].as_f64(), d.max, "{ctx} maximum");
                }
                ir::DecimalWire::String => assert_eq!(prop["type"], "string", "{ctx}"),
            }
        }
        Type::DateTime(f) => {
            assert_eq!(prop["type"], "string", "{ctx}");
            assert_eq!(
                prop["x-date-format"].as_str(),
                Some(f.pattern()),
                "{ctx} date format"
            );
            assert!(prop["pattern"].is_string(), "{ctx} date pattern");
        }
        Type::Array(a) => {
            assert_eq!(prop["type"], "array", "{ctx}");
            assert_eq!(
                prop["minItems"].as_u64(),
                a.min_items.map(u64::from),
                "{ctx} minItems"
            );
            assert_eq!(
                prop["maxItems"].as_u64(),
                a.max_items.map(u64::from),
                "{ctx} maxItems"
            );
            check_type(&format!("{ctx}[]"), &a.items, target(&prop["items"]), false);
        }
        Type::Object(o) => assert_eq!(
            prop["$ref"].as_str(),
            Some(format!("#/components/schemas/{o}").as_str()),
            "{ctx}"
        ),
        Type::Code(c) => assert_eq!(
            prop["$ref"].as_str(),
            Some(format!("#/components/schemas/{c}").as_str()),
            "{ctx}"
        ),
    }
}

#[test]
fn every_ir_constraint_appears_in_every_document() {
    let ir = chargespec::check_dir(&edition_2024())
        .ir
        .expect("edition builds");
    for role in ir.roles.keys() {
        for file in [format!("{role}.json"), format!("{role}-plaintext.json")] {
            let d = doc(&file);
            assert_eq!(d["openapi"], "3.0.3");
            let schemas = &d["components"]["schemas"];
            for o in ir.objects.values() {
                let s = &schemas[&o.name];
                assert_eq!(
                    tags(s),
                    o.prov
                        .tags
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                    "{file} {}",
                    o.name
                );
                assert_eq!(
                    s["x-provenance"]["provisional"].as_bool(),
                    Some(o.prov.provisional),
                    "{file} {}",
                    o.name
                );
                let required: Vec<&str> = s["required"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                for f in &o.fields {
                    let ctx = format!("{file} {}.{}", o.name, f.wire);
                    let prop = &s["properties"][&f.wire];
                    assert!(prop.is_object(), "{ctx} missing");
                    assert_eq!(
                        required.contains(&f.wire.as_str()),
                        f.requirement == Requirement::Required,
                        "{ctx} required"
                    );
                    if let Requirement::Conditional(c) = &f.requirement {
                        assert_eq!(
                            prop["x-required-when"]["field"].as_str(),
                            Some(c.field.as_str()),
                            "{ctx} condition"
                        );
                    }
                    assert_eq!(
                        tags(prop),
                        f.prov
                            .tags
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>(),
                        "{ctx} provenance"
                    );
                    assert_eq!(
                        prop["x-aliases"].as_array().map_or(0, Vec::len),
                        f.aliases.len(),
                        "{ctx} aliases"
                    );
                    check_type(&ctx, &f.ty, target(prop), f.empty_means_absent);
                    if f.empty_means_absent {
                        assert_eq!(prop["x-empty-means-absent"], true, "{ctx}");
                        let pattern = target(prop)["pattern"].as_str().unwrap_or_default();
                        assert!(pattern.starts_with("^$|"), "{ctx}: {pattern}");
                    }
                }
                if !o.constraints.is_empty() {
                    assert!(
                        s["x-exactly-one-of"].is_array(),
                        "{file} {} constraints",
                        o.name
                    );
                }
                assert!(
                    s.get("example").is_some() || o.fields.is_empty(),
                    "{file} {} example",
                    o.name
                );
            }
            for t in ir.code_tables.values() {
                let s = &schemas[&t.name];
                assert_eq!(
                    s["type"],
                    if t.kind == CodeKind::Integer {
                        "integer"
                    } else {
                        "string"
                    },
                    "{file} {}",
                    t.name
                );
                // Our per-code data: every code, in table order, with its identifier from the IR.
                let codes = s["x-chargespec-codes"]
                    .as_array()
                    .expect("x-chargespec-codes");
                assert_eq!(codes.len(), t.codes.len(), "{file} {} codes", t.name);
                for (c, j) in t.codes.iter().zip(codes) {
                    assert_eq!(j["varname"], c.rust_variant.as_str(), "{file} {}", t.name);
                    assert_eq!(j["zh"], c.info.zh.as_str(), "{file} {}", t.name);
                    assert_eq!(
                        j["provenance"]["provisional"], c.prov.provisional,
                        "{file} {}",
                        t.name
                    );
                }
                let enumerated = s["enum"].as_array().map_or(0, Vec::len);
                if t.open || !t.ranges.is_empty() {
                    assert_eq!(
                        enumerated, 0,
                        "{file} {}: open tables are not enums",
                        t.name
                    );
                    assert!(
                        s.get("x-enum-varnames").is_none()
                            && s.get("x-enum-descriptions").is_none(),
                        "{file} {}: no enum lists without an enum",
                        t.name
                    );
                } else {
                    assert_eq!(enumerated, t.codes.len(), "{file} {} enum", t.name);
                    // The generators' conventions: lists parallel to `enum`.
                    let varnames: Vec<&str> = s["x-enum-varnames"]
                        .as_array()
                        .expect("x-enum-varnames is a list")
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    let expected: Vec<&str> =
                        t.codes.iter().map(|c| c.rust_variant.as_str()).collect();
                    assert_eq!(varnames, expected, "{file} {} varnames", t.name);
                    let descriptions = s["x-enum-descriptions"]
                        .as_array()
                        .expect("x-enum-descriptions is a list");
                    assert_eq!(
                        descriptions.len(),
                        enumerated,
                        "{file} {} descriptions",
                        t.name
                    );
                    for (c, d) in t.codes.iter().zip(descriptions) {
                        let d = d.as_str().unwrap_or_default();
                        assert!(
                            d.contains(&c.info.zh) && d.contains(&c.info.en),
                            "{file} {}: {d}",
                            t.name
                        );
                    }
                    for (c, v) in t.codes.iter().zip(s["enum"].as_array().expect("enum")) {
                        let expected = match &c.value {
                            ir::CodeValue::Int(i) => Value::from(*i),
                            ir::CodeValue::Str(x) => Value::from(x.as_str()),
                        };
                        assert_eq!(v, &expected, "{file} {} enum order", t.name);
                    }
                }
            }
            // Operations: exactly the interfaces the role implements, POST, bearer except query_token.
            let mut ops: Vec<String> = d["paths"]
                .as_object()
                .expect("paths")
                .keys()
                .cloned()
                .collect();
            ops.sort();
            let mut expected: Vec<String> = ir
                .interfaces
                .values()
                .filter(|i| {
                    matches!(&i.implementer, Party::Both)
                        || matches!(&i.implementer, Party::Role(r) if r == role)
                })
                .map(|i| format!("/{}", i.name))
                .collect();
            expected.sort();
            assert_eq!(ops, expected, "{file} operations");
            for (path, item) in d["paths"].as_object().expect("paths") {
                let op = &item["post"];
                let name = path.trim_start_matches('/');
                let i = &ir.interfaces[name];
                assert_eq!(op["operationId"].as_str(), Some(name));
                assert_eq!(
                    op["x-request-data-schema"].as_str(),
                    Some(format!("#/components/schemas/{}", i.request.object).as_str())
                );
                let bearer = op.get("security").is_none();
                assert_eq!(bearer, i.auth == ir::Auth::Bearer, "{file} {name} security");
            }
        }
    }
}
