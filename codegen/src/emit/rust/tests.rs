//! Generated tests of the generated crate: for every object a valid sample (built from the IR)
//! that must validate clean and survive a serde round trip; for every constrained field at least
//! one invalid sample, asserting the exact violation path and rule; unknown codes that must
//! survive a round trip.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::samples::{
    J, base_char, decimal_text, excluded, fill, object_sample, sample, unknown_code,
};
use crate::ir::{
    Charset, CodeValue, CondOp, DateFormat, DecimalWire, Edition, Object, Requirement, Type,
};

use super::crate_name;
use super::util::ident;

/// Invalid values of a type, each with the rule it breaks.
fn invalid_values(ir: &Edition, ty: &Type) -> Vec<(J, &'static str)> {
    let mut out = Vec::new();
    match ty {
        Type::String(s) => {
            let c = base_char(s.charset);
            if let Some(m) = s.max_len {
                out.push((J::Str(fill(c, m + 1)), "length"));
            }
            if let Some(m) = s.min_len.filter(|m| *m > 0) {
                out.push((J::Str(fill(c, m - 1)), "length"));
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
                out.push((J::Str(fill(b, n)), "charset"));
            }
        }
        Type::Integer(i) => {
            if let Some(m) = i.min {
                out.push((J::Num((m - 1).to_string()), "range"));
            }
            if let Some(m) = i.max {
                out.push((J::Num((m + 1).to_string()), "range"));
            }
            if let Some(n) = i.max_text_len {
                let v = format!("1{}", "0".repeat(n as usize));
                let in_range = v.parse::<i64>().is_ok_and(|x| i.max.is_none_or(|m| x <= m));
                if in_range {
                    out.push((J::Num(v), "text_length"));
                }
            }
        }
        Type::Decimal(d) => {
            let wrap = |t: String| {
                if d.wire == DecimalWire::String {
                    J::Str(t)
                } else {
                    J::Num(t)
                }
            };
            #[allow(clippy::cast_possible_truncation)]
            let base = d.min.map_or(1, |m| m.ceil() as i64);
            if let Some(s) = d.scale {
                out.push((wrap(format!("{base}.{}1", "0".repeat(s as usize))), "scale"));
            }
            #[allow(clippy::cast_possible_truncation)]
            if let Some(m) = d.min {
                out.push((wrap(decimal_text(m.floor() as i64 - 1, d.scale)), "range"));
            }
            #[allow(clippy::cast_possible_truncation)]
            if let Some(m) = d.max {
                out.push((wrap(decimal_text(m.ceil() as i64 + 1, d.scale)), "range"));
            }
        }
        Type::DateTime(f) => {
            let bad = match f {
                DateFormat::Date => "2024-13-40",
                DateFormat::DateTime => "2024-13-40 25:61:61",
                DateFormat::Compact => "20241340256161",
                DateFormat::Time => "256161",
            };
            out.push((J::Str(bad.into()), "format"));
        }
        Type::Array(a) => {
            if a.min_items.is_some_and(|m| m > 0) {
                out.push((J::Arr(Vec::new()), "items"));
            }
            if let (Some(m), Some(item)) = (a.max_items, sample(ir, &a.items, 1)) {
                out.push((
                    J::Arr(std::iter::repeat_n(item, m as usize + 1).collect()),
                    "items",
                ));
            }
        }
        Type::Code(t) => {
            if let Some(u) = unknown_code(ir, t) {
                out.push((u, "code"));
            }
        }
        Type::Object(_) => {}
    }
    out
}

struct Case {
    object: String,
    mutations: Vec<(String, Option<String>)>,
    path: String,
    rule: &'static str,
}

fn cases(ir: &Edition, o: &Object) -> Vec<Case> {
    let mut out = Vec::new();
    let case = |mutations: Vec<(String, Option<String>)>, path: String, rule: &'static str| Case {
        object: o.rust_name.clone(),
        mutations,
        path,
        rule,
    };
    let skip = excluded(o);
    for f in &o.fields {
        if skip.contains(&f.wire.as_str()) {
            continue;
        }
        let ptr = format!("/{}", f.wire.replace('~', "~0").replace('/', "~1"));
        for (v, rule) in invalid_values(ir, &f.ty) {
            out.push(case(
                vec![(ptr.clone(), Some(v.render()))],
                ptr.clone(),
                rule,
            ));
        }
        if let Type::Array(a) = &f.ty {
            for (v, rule) in invalid_values(ir, &a.items) {
                if !matches!(a.items, Type::Object(_)) {
                    out.push(case(
                        vec![(format!("{ptr}/0"), Some(v.render()))],
                        format!("{ptr}/0"),
                        rule,
                    ));
                }
            }
        }
        match &f.requirement {
            Requirement::Required => {
                out.push(case(vec![(ptr.clone(), None)], ptr.clone(), "required"))
            }
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
                let text = match value {
                    CodeValue::Int(i) => i.to_string(),
                    CodeValue::Str(s) => J::Str(s).render(),
                };
                out.push(case(
                    vec![(format!("/{}", sib.wire), Some(text)), (ptr.clone(), None)],
                    ptr.clone(),
                    "required_when",
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
                muts.push((format!("/{w}"), Some(v.render())));
            }
        }
        if !muts.is_empty() {
            out.push(case(muts, String::new(), "exactly_one_of"));
        }
    }
    out
}

/// The sample of `o` with every code field set to an unknown value (`None` when it has none).
fn with_unknown_codes(ir: &Edition, o: &Object, sample: &J) -> Option<String> {
    let J::Obj(fields) = sample else {
        return None;
    };
    let mut changed = false;
    let mutated: Vec<(String, J)> = fields
        .iter()
        .map(|(k, v)| {
            let f = o.fields.iter().find(|f| &f.wire == k);
            match f.map(|f| &f.ty) {
                Some(Type::Code(t)) => match unknown_code(ir, t) {
                    Some(u) => {
                        changed = true;
                        (k.clone(), u)
                    }
                    None => (k.clone(), v.clone()),
                },
                _ => (k.clone(), v.clone()),
            }
        })
        .collect();
    changed.then(|| J::Obj(mutated).render())
}

pub fn emit(ir: &Edition) -> TokenStream {
    let krate = ident(&crate_name(ir));
    let mut samples = Vec::new();
    let mut all_cases = Vec::new();
    let mut unknown = Vec::new();
    for o in ir.objects.values() {
        let Some(s) = object_sample(ir, o, 0) else {
            continue;
        };
        let text = s.render();
        all_cases.extend(cases(ir, o));
        if let Some(mutated) = with_unknown_codes(ir, o, &s) {
            unknown.push((o.rust_name.clone(), mutated));
        }
        samples.push((o.rust_name.clone(), text));
    }
    let dispatch_arms = samples.iter().map(|(name, _)| {
        let t = ident(name);
        quote! { #name => run::<#krate::types::#t>(json, mode), }
    });
    let roundtrip_arms = samples.iter().map(|(name, _)| {
        let t = ident(name);
        quote! { #name => roundtrip_as::<#krate::types::#t>(json), }
    });
    let sample_items = samples.iter().map(|(n, s)| quote! { (#n, #s), });
    let unknown_items = unknown.iter().map(|(n, s)| quote! { (#n, #s), });
    let case_items = all_cases.iter().map(|c| {
        let (object, path, rule) = (&c.object, &c.path, c.rule);
        let muts = c.mutations.iter().map(|(p, v)| match v {
            Some(v) => quote! { (#p, ::std::option::Option::Some(#v)) },
            None => quote! { (#p, ::std::option::Option::None) },
        });
        quote! { Case { object: #object, mutations: &[#(#muts),*], path: #path, rule: #rule }, }
    });
    quote! {
        //! Generated from the IR: valid samples, one invalid sample per constraint, round trips.
        #![allow(clippy::too_many_lines)]

        use chargespec_runtime::{Mode, Report};
        use serde_json::Value;

        /// One invalid sample: mutations of an object's valid sample (`None` removes the key),
        /// and the one violation expected.
        struct Case {
            object: &'static str,
            mutations: &'static [(&'static str, ::std::option::Option<&'static str>)],
            path: &'static str,
            rule: &'static str,
        }

        const SAMPLES: &[(&str, &str)] = &[#(#sample_items)*];
        const UNKNOWN_CODES: &[(&str, &str)] = &[#(#unknown_items)*];
        const CASES: &[Case] = &[#(#case_items)*];

        fn run<T: serde::de::DeserializeOwned + chargespec_runtime::schema::Described>(json: &[u8], mode: Mode) -> Report {
            match chargespec_runtime::validate::decode::<T>(json, mode) {
                Ok((_, report)) | Err(report) => report,
            }
        }

        fn check(object: &str, json: &[u8], mode: Mode) -> Report {
            match object {
                #(#dispatch_arms)*
                other => panic!("no object {other}"),
            }
        }

        fn roundtrip_as<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) -> (Value, Value) {
            let typed: T = serde_json::from_str(json).expect("sample decodes");
            let back = serde_json::to_value(&typed).expect("serialises");
            (serde_json::from_str(json).expect("sample is JSON"), back)
        }

        fn roundtrip(object: &str, json: &str) -> (Value, Value) {
            match object {
                #(#roundtrip_arms)*
                other => panic!("no object {other}"),
            }
        }

        fn apply(sample: &str, mutations: &[(&str, ::std::option::Option<&str>)]) -> Vec<u8> {
            let mut v: Value = serde_json::from_str(sample).expect("sample is JSON");
            for (ptr, new) in mutations {
                let (parent, key) = ptr.rsplit_once('/').expect("pointer");
                let target = v.pointer_mut(parent).expect("parent exists");
                let new: ::std::option::Option<Value> = new.map(|n| serde_json::from_str(n).expect("value is JSON"));
                match (target, new) {
                    (Value::Object(m), Some(n)) => {
                        m.insert(key.replace("~1", "/").replace("~0", "~"), n);
                    }
                    (Value::Object(m), None) => {
                        m.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    (Value::Array(a), Some(n)) => {
                        let i: usize = key.parse().expect("index");
                        a[i] = n;
                    }
                    _ => panic!("cannot apply {ptr}"),
                }
            }
            serde_json::to_vec(&v).expect("serialises")
        }

        #[test]
        fn every_sample_is_valid() {
            for (object, sample) in SAMPLES {
                let report = check(object, sample.as_bytes(), Mode::strict().with_provisional(true));
                assert!(report.violations.is_empty(), "{object}: {report}");
            }
        }

        #[test]
        fn every_sample_round_trips_with_wire_names_and_decimal_forms() {
            for (object, sample) in SAMPLES {
                let (original, back) = roundtrip(object, sample);
                assert_eq!(original, back, "{object}");
            }
        }

        #[test]
        fn unknown_codes_survive_a_round_trip() {
            for (object, sample) in UNKNOWN_CODES {
                let (original, back) = roundtrip(object, sample);
                assert_eq!(original, back, "{object}");
                // Lenient validation accepts unknown codes and reports each as a warning.
                let report = check(object, sample.as_bytes(), Mode::lenient().with_provisional(true));
                assert!(report.is_ok(), "{object}: {report}");
                assert!(report.warnings().any(|w| w.rule.name() == "code"), "{object}: {report}");
            }
        }

        #[test]
        fn every_invalid_sample_reports_its_exact_violation() {
            assert!(!CASES.is_empty());
            for case in CASES {
                let sample = SAMPLES.iter().find(|(o, _)| *o == case.object).map(|(_, s)| *s).expect("sample");
                let json = apply(sample, case.mutations);
                let report = check(case.object, &json, Mode::strict().with_provisional(true));
                assert_eq!(report.violations.len(), 1, "{}: expected one violation at {} ({}), got: {report}", case.object, case.path, case.rule);
                let v = &report.violations[0];
                assert_eq!((v.path.as_str(), v.rule.name()), (case.path, case.rule), "{}: {report}", case.object);
            }
        }
    }
}
