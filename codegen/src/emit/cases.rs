//! Invalid samples built from the IR, independent of any emitter: each a mutation of an object's
//! valid sample ([`crate::emit::samples::object_sample`]) with the one violation the validator
//! must report (JSON pointer and rule), whether the violated item is provisional, and whether
//! JSON Schema (as the OpenAPI documents state it) can express the rule. The generated Rust tests
//! and the JSON corpus (`samples/invalid.json`) are both written from these cases.

use crate::emit::samples::{J, base_char, decimal_text, excluded, fill, sample, unknown_code};
use crate::ir::{
    Charset, CodeValue, CondOp, DateFormat, DecimalWire, Edition, Object, Requirement, Type,
};

/// How the validator reports a case under `Mode::strict().with_provisional(true)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    /// An unknown code of an open table: kept, and reported as a warning only.
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One invalid sample.
#[derive(Clone, Debug)]
pub struct Case {
    /// The object's name in the IR (and in the OpenAPI documents).
    pub object: String,
    /// The object's Rust type name.
    pub rust_name: String,
    /// Changes to the valid sample: a JSON pointer and the new value (`None` removes the key).
    pub mutations: Vec<(String, Option<J>)>,
    /// The JSON pointer of the one violation expected (`""`: the object itself).
    pub path: String,
    /// The rule's name, as `Rule::name()` gives it.
    pub rule: &'static str,
    pub severity: Severity,
    /// The violated item is provisional: `Mode::strict()` reports it as a warning unless
    /// provisional designs are enforced.
    pub provisional: bool,
    /// A JSON Schema validator of the OpenAPI documents rejects the mutated sample too (the rule
    /// is carried by a standard keyword: `required`, `minLength`/`maxLength`, `pattern`,
    /// `minimum`/`maximum`, `minItems`/`maxItems`, `enum`); otherwise only an extension
    /// (`x-scale`, `x-required-when`, ...) states it.
    pub json_schema: bool,
}

/// An invalid value of a type.
struct Invalid {
    value: J,
    rule: &'static str,
    json_schema: bool,
    severity: Severity,
}

fn invalid(value: J, rule: &'static str, json_schema: bool) -> Invalid {
    Invalid {
        value,
        rule,
        json_schema,
        severity: Severity::Error,
    }
}

/// Invalid values of a type, each with the rule it breaks. `empty_means_absent`: the field's
/// schema also admits `""` (and drops `minLength`).
fn invalid_values(ir: &Edition, ty: &Type, empty_means_absent: bool) -> Vec<Invalid> {
    let mut out = Vec::new();
    match ty {
        Type::String(s) => {
            let c = base_char(s.charset);
            if let Some(m) = s.max_len {
                out.push(invalid(J::Str(fill(c, m + 1)), "length", true));
            }
            if let Some(m) = s.min_len.filter(|m| *m > 0) {
                out.push(invalid(
                    J::Str(fill(c, m - 1)),
                    "length",
                    !empty_means_absent,
                ));
            }
            let n = s.min_len.unwrap_or(1).max(1);
            let bad = match s.charset {
                Charset::Any => None,
                Charset::Ascii => Some('中'),
                Charset::Digits => Some('A'),
                Charset::Alphanumeric => Some('-'),
                Charset::Hex | Charset::UpperHex => Some('G'),
            };
            if let Some(b) = bad {
                // The documents carry the charset as a pattern unless the type has its own.
                out.push(invalid(J::Str(fill(b, n)), "charset", s.pattern.is_none()));
            }
        }
        Type::Integer(i) => {
            if let Some(m) = i.min {
                out.push(invalid(J::Num((m - 1).to_string()), "range", true));
            }
            if let Some(m) = i.max {
                out.push(invalid(J::Num((m + 1).to_string()), "range", true));
            }
            if let Some(n) = i.max_text_len {
                let v = format!("1{}", "0".repeat(n as usize));
                let in_range = v.parse::<i64>().is_ok_and(|x| i.max.is_none_or(|m| x <= m));
                if in_range {
                    out.push(invalid(J::Num(v), "text_length", false));
                }
            }
        }
        Type::Decimal(d) => {
            let string = d.wire == DecimalWire::String;
            let wrap = |t: String| if string { J::Str(t) } else { J::Num(t) };
            #[allow(clippy::cast_possible_truncation)]
            let base = d.min.map_or(1, |m| m.ceil() as i64);
            if let Some(s) = d.scale {
                // A string decimal's pattern limits the fraction digits; a number's scale is
                // only in `x-scale`.
                out.push(invalid(
                    wrap(format!("{base}.{}1", "0".repeat(s as usize))),
                    "scale",
                    string,
                ));
            }
            // The bounds of a string decimal are only in `x-minimum`/`x-maximum`.
            #[allow(clippy::cast_possible_truncation)]
            if let Some(m) = d.min {
                out.push(invalid(
                    wrap(decimal_text(m.floor() as i64 - 1, d.scale)),
                    "range",
                    !string,
                ));
            }
            #[allow(clippy::cast_possible_truncation)]
            if let Some(m) = d.max {
                out.push(invalid(
                    wrap(decimal_text(m.ceil() as i64 + 1, d.scale)),
                    "range",
                    !string,
                ));
            }
        }
        Type::DateTime(f) => {
            let bad = match f {
                DateFormat::Date => "2024-13-40",
                DateFormat::DateTime => "2024-13-40 25:61:61",
                DateFormat::Compact => "20241340256161",
                DateFormat::Time => "256161",
            };
            out.push(invalid(J::Str(bad.into()), "format", true));
        }
        Type::Array(a) => {
            if a.min_items.is_some_and(|m| m > 0) {
                out.push(invalid(J::Arr(Vec::new()), "items", true));
            }
            if let (Some(m), Some(item)) = (a.max_items, sample(ir, &a.items, 1)) {
                out.push(invalid(
                    J::Arr(std::iter::repeat_n(item, m as usize + 1).collect()),
                    "items",
                    true,
                ));
            }
        }
        Type::Code(t) => {
            if let Some(u) = unknown_code(ir, t) {
                let table = ir.code_tables.get(t);
                // Only closed tables without ranges are an `enum` in the documents.
                let closed = table.is_some_and(|t| !t.open && t.ranges.is_empty());
                let open = table.is_some_and(|t| t.open);
                out.push(Invalid {
                    value: u,
                    rule: "code",
                    json_schema: closed,
                    severity: if open {
                        Severity::Warning
                    } else {
                        Severity::Error
                    },
                });
            }
        }
        Type::Object(_) => {}
    }
    out
}

/// Every invalid sample of an object (objects without a valid sample have none).
pub fn cases(ir: &Edition, o: &Object) -> Vec<Case> {
    let mut out = Vec::new();
    let case = |mutations: Vec<(String, Option<J>)>,
                path: String,
                rule: &'static str,
                severity: Severity,
                provisional: bool,
                json_schema: bool| Case {
        object: o.name.clone(),
        rust_name: o.rust_name.clone(),
        mutations,
        path,
        rule,
        severity,
        provisional,
        json_schema,
    };
    let skip = excluded(o);
    for f in &o.fields {
        if skip.contains(&f.wire.as_str()) {
            continue;
        }
        let prov = f.prov.provisional;
        let ptr = format!("/{}", f.wire.replace('~', "~0").replace('/', "~1"));
        for v in invalid_values(ir, &f.ty, f.empty_means_absent) {
            out.push(case(
                vec![(ptr.clone(), Some(v.value))],
                ptr.clone(),
                v.rule,
                v.severity,
                prov,
                v.json_schema,
            ));
        }
        if let Type::Array(a) = &f.ty {
            for v in invalid_values(ir, &a.items, false) {
                if !matches!(a.items, Type::Object(_)) {
                    out.push(case(
                        vec![(format!("{ptr}/0"), Some(v.value))],
                        format!("{ptr}/0"),
                        v.rule,
                        v.severity,
                        prov,
                        v.json_schema,
                    ));
                }
            }
        }
        match &f.requirement {
            Requirement::Required => out.push(case(
                vec![(ptr.clone(), None)],
                ptr.clone(),
                "required",
                Severity::Error,
                prov,
                true,
            )),
            Requirement::Conditional(c) => {
                let Some(sib) = o.fields.iter().find(|x| x.wire == c.field) else {
                    continue;
                };
                let value = match c.op {
                    CondOp::Equals | CondOp::In => c.values.first().cloned(),
                    CondOp::NotIn => match &sib.ty {
                        Type::Code(t) => ir.code_tables.get(t).and_then(|t| {
                            t.codes
                                .iter()
                                .map(|c| c.value.clone())
                                .find(|v| !c.values.contains(v))
                        }),
                        _ => c
                            .values
                            .iter()
                            .filter_map(|v| {
                                if let CodeValue::Int(i) = v {
                                    Some(*i)
                                } else {
                                    None
                                }
                            })
                            .max()
                            .map(|m| CodeValue::Int(m + 1)),
                    },
                };
                let Some(value) = value else { continue };
                let value = match value {
                    CodeValue::Int(i) => J::Num(i.to_string()),
                    CodeValue::Str(s) => J::Str(s),
                };
                // Conditional requirements are only in `x-required-when`.
                out.push(case(
                    vec![(format!("/{}", sib.wire), Some(value)), (ptr.clone(), None)],
                    ptr.clone(),
                    "required_when",
                    Severity::Error,
                    prov,
                    false,
                ));
            }
            Requirement::Optional => {}
        }
    }
    for c in &o.constraints {
        let mut muts = Vec::new();
        for w in c.exactly_one_of.iter().skip(1).flatten() {
            if let Some(f) = o.fields.iter().find(|f| &f.wire == w)
                && let Some(v) = sample(ir, &f.ty, 1)
            {
                muts.push((format!("/{w}"), Some(v)));
            }
        }
        if !muts.is_empty() {
            // Only in `x-exactly-one-of`.
            out.push(case(
                muts,
                String::new(),
                "exactly_one_of",
                Severity::Error,
                c.prov.provisional,
                false,
            ));
        }
    }
    out
}

/// The sample with the mutations applied; `None` when a pointer does not lead into it.
pub fn apply(sample: &J, mutations: &[(String, Option<J>)]) -> Option<J> {
    let mut v = sample.clone();
    for (ptr, new) in mutations {
        let (parent, key) = ptr.rsplit_once('/')?;
        let key = key.replace("~1", "/").replace("~0", "~");
        let mut target = &mut v;
        for seg in parent.split('/').skip(1) {
            let seg = seg.replace("~1", "/").replace("~0", "~");
            target = match target {
                J::Obj(fields) => fields.iter_mut().find(|(k, _)| *k == seg).map(|(_, v)| v)?,
                J::Arr(items) => items.get_mut(seg.parse::<usize>().ok()?)?,
                J::Num(_) | J::Str(_) => return None,
            };
        }
        match (target, new) {
            (J::Obj(fields), Some(n)) => match fields.iter_mut().find(|(k, _)| *k == key) {
                Some((_, old)) => *old = n.clone(),
                None => fields.push((key, n.clone())),
            },
            (J::Obj(fields), None) => fields.retain(|(k, _)| *k != key),
            (J::Arr(items), Some(n)) => *items.get_mut(key.parse::<usize>().ok()?)? = n.clone(),
            _ => return None,
        }
    }
    Some(v)
}
