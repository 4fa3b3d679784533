//! Samples built from the IR: a valid JSON value for every type and object (used by the
//! generated tests and as OpenAPI examples) and the code values a table does not know.

use crate::ir::{
    Charset, CodeKind, CodeValue, DateFormat, DecimalWire, Edition, Object, Requirement, Type,
};

/// A JSON value under construction; numbers are kept as their exact text.
#[derive(Clone, Debug)]
pub enum J {
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    pub fn render(&self) -> String {
        match self {
            J::Num(n) => n.clone(),
            J::Str(s) => {
                let mut out = String::from("\"");
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                        c => out.push(c),
                    }
                }
                out.push('"');
                out
            }
            J::Arr(items) => format!(
                "[{}]",
                items.iter().map(J::render).collect::<Vec<_>>().join(",")
            ),
            J::Obj(fields) => format!(
                "{{{}}}",
                fields
                    .iter()
                    .map(|(k, v)| format!("{}:{}", J::Str(k.clone()).render(), v.render()))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

pub const MAX_DEPTH: usize = 8;

pub fn fill(c: char, n: u32) -> String {
    std::iter::repeat_n(c, n as usize).collect()
}

pub fn base_char(cs: Charset) -> char {
    match cs {
        Charset::Digits => '1',
        Charset::UpperHex | Charset::Hex => 'A',
        _ => 'A',
    }
}

pub fn decimal_text(int_part: i64, scale: Option<u32>) -> String {
    match scale {
        Some(0) => int_part.to_string(),
        Some(s) => format!("{int_part}.{}5", "0".repeat(s as usize - 1)),
        None => format!("{int_part}.5"),
    }
}

pub fn sample_code(ir: &Edition, table: &str) -> J {
    let Some(t) = ir.code_tables.get(table) else {
        return J::Num("1".into());
    };
    match t.codes.first().map(|c| &c.value) {
        Some(CodeValue::Int(i)) => J::Num(i.to_string()),
        Some(CodeValue::Str(s)) => J::Str(s.clone()),
        None => match t.ranges.first() {
            Some(r) => J::Num(r.from.to_string()),
            None if t.kind == CodeKind::String => J::Str("X".into()),
            None => J::Num("1".into()),
        },
    }
}

/// A code value that the table does not know.
pub fn unknown_code(ir: &Edition, table: &str) -> Option<J> {
    let t = ir.code_tables.get(table)?;
    match t.kind {
        CodeKind::Integer => [99_999_i64, 987_654, -99_999]
            .iter()
            .find(|v| {
                !t.codes.iter().any(|c| c.value == CodeValue::Int(**v))
                    && !t.ranges.iter().any(|r| (r.from..=r.to).contains(*v))
            })
            .map(|v| J::Num(v.to_string())),
        CodeKind::String => {
            let unknown = |v: &str| {
                !t.codes
                    .iter()
                    .any(|c| c.value == CodeValue::Str(v.to_owned()))
            };
            // A value any value of the table must satisfy (`value: {max_len, pattern}`) when
            // one can be found: a known code with a digit added, or a fixed candidate.
            let pattern = t
                .value_pattern
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok());
            let fits = |v: &str| {
                t.value_max_len
                    .is_none_or(|m| v.chars().count() <= m as usize)
                    && pattern.as_ref().is_none_or(|re| re.is_match(v))
            };
            let fixed = ["ZZ9", "ZZ", "UNKNOWN-CODE"].map(str::to_owned);
            let derived = t.codes.iter().filter_map(|c| match &c.value {
                CodeValue::Str(s) => Some(format!("{s}9")),
                CodeValue::Int(_) => None,
            });
            fixed
                .iter()
                .cloned()
                .chain(derived)
                .find(|v| unknown(v) && fits(v))
                .or_else(|| fixed.into_iter().find(|v| unknown(v)))
                .map(J::Str)
        }
    }
}

pub fn sample(ir: &Edition, ty: &Type, depth: usize) -> Option<J> {
    Some(match ty {
        Type::String(s) => {
            let n = s
                .min_len
                .unwrap_or(0)
                .max(s.max_len.map_or(4, |m| m.min(4)))
                .max(s.min_len.unwrap_or(1));
            let text = fill(base_char(s.charset), n);
            if let Some(p) = &s.pattern {
                let re = regex::Regex::new(p).ok()?;
                let candidates = [
                    text.clone(),
                    fill('1', n),
                    fill('a', n),
                    "A1".into(),
                    "1".into(),
                    "A".into(),
                ];
                J::Str(candidates.into_iter().find(|c| re.is_match(c))?)
            } else {
                J::Str(text)
            }
        }
        Type::Integer(i) => J::Num(
            i.min
                .unwrap_or_else(|| i.max.map_or(1, |m| m.min(1)))
                .to_string(),
        ),
        Type::Decimal(d) => {
            #[allow(clippy::cast_possible_truncation)]
            let base = d.min.map_or(1, |m| m.ceil() as i64);
            let text = decimal_text(base, d.scale);
            if d.wire == DecimalWire::String {
                J::Str(text)
            } else {
                J::Num(text)
            }
        }
        Type::DateTime(f) => J::Str(
            match f {
                DateFormat::Date => "2024-12-31",
                DateFormat::DateTime => "2024-12-31 23:59:59",
                DateFormat::Compact => "20241231235959",
                DateFormat::Time => "235959",
            }
            .into(),
        ),
        Type::Array(a) => {
            let item = sample(ir, &a.items, depth + 1)?;
            let n = a
                .min_items
                .unwrap_or(1)
                .max(1)
                .min(a.max_items.unwrap_or(u32::MAX));
            J::Arr(std::iter::repeat_n(item, n as usize).collect())
        }
        Type::Object(o) => {
            if depth > MAX_DEPTH {
                return None;
            }
            object_sample(ir, ir.objects.get(o)?, depth + 1)?
        }
        Type::Code(t) => sample_code(ir, t),
    })
}

/// Fields left out of the sample: every group of an `exactly_one_of` but the first.
pub fn excluded(o: &Object) -> Vec<&str> {
    o.constraints
        .iter()
        .flat_map(|c| {
            c.exactly_one_of
                .iter()
                .skip(1)
                .flatten()
                .map(String::as_str)
        })
        .collect()
}

pub fn object_sample(ir: &Edition, o: &Object, depth: usize) -> Option<J> {
    let skip = excluded(o);
    let mut fields = Vec::new();
    for f in &o.fields {
        if skip.contains(&f.wire.as_str()) {
            continue;
        }
        match sample(ir, &f.ty, depth) {
            Some(v) => fields.push((f.wire.clone(), v)),
            None if f.requirement == Requirement::Required => return None,
            None => {}
        }
    }
    Some(J::Obj(fields))
}

impl J {
    /// The value as `serde_json::Value` (numbers keep their text where the build allows).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(&self.render()).unwrap_or(serde_json::Value::Null)
    }
}
