//! Code tables: the trait every generated enum implements, and deserialisation of code values
//! (integer codes as JSON integers; string codes as strings, or a number's text).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A code as it stands on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CodeValue<'a> {
    Int(i64),
    Str(&'a str),
}

impl fmt::Display for CodeValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodeValue::Int(i) => write!(f, "{i}"),
            CodeValue::Str(s) => f.write_str(s),
        }
    }
}

/// Implemented by every generated code-table enum.
pub trait CodeTable {
    /// The table's name in the spec, e.g. `T-StationType`.
    const NAME: &'static str;
    /// Whether the spec declares the table open (unknown values are expected).
    const OPEN: bool;
    /// Whether the value is a code of the table (or lies in one of its ranges).
    fn is_known(&self) -> bool;
    /// The value as on the wire.
    fn code_value(&self) -> CodeValue<'_>;
    /// The Chinese meaning, if the value is known.
    fn name_zh(&self) -> Option<&'static str>;
    /// The English meaning, if the value is known.
    fn name_en(&self) -> Option<&'static str>;
}

/// The error of a strict conversion: the value is not a code of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownCode {
    pub table: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not a code of {}", self.value, self.table)
    }
}

impl std::error::Error for UnknownCode {}

/// serde_json's private key for numbers read with `arbitrary_precision`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

struct IntVisitor;

impl<'de> Visitor<'de> for IntVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer code (a JSON integer)")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("code {v} is out of range")))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<i64, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let s: String = map.next_value()?;
                s.parse::<i64>()
                    .map_err(|_| de::Error::custom(format!("code {s} is not a JSON integer")))
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// Reads an integer code: a JSON integer only, as the standard has it. `"1"` and `1.0` are
/// deviations, accepted under the tolerance profiles `numbers-as-strings` and
/// `integral-float-as-integer`, which rewrite them before deserialisation
/// ([`crate::schema::normalise`]).
pub fn deserialize_int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(IntVisitor)
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string code")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<String, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => map.next_value(),
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// Reads a string code; a number written without quotes is taken as its text.
pub fn deserialize_str<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_any(StrVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "deserialize_int")]
        a: i64,
        #[serde(deserialize_with = "deserialize_int")]
        b: i64,
        #[serde(deserialize_with = "deserialize_int")]
        c: i64,
        #[serde(deserialize_with = "deserialize_str")]
        s: String,
    }

    #[test]
    fn integer_codes_are_json_integers() {
        let t: T = serde_json::from_str(r#"{"a": 50, "b": 255, "c": -1, "s": 440303}"#).unwrap();
        assert_eq!((t.a, t.b, t.c, t.s.as_str()), (50, 255, -1, "440303"));
        // A numeric string and an integral float are deviations (tolerance profiles), not codes.
        for bad in [
            r#"{"a": "255", "b": 1, "c": 1, "s": ""}"#,
            r#"{"a": 1.0, "b": 1, "c": 1, "s": ""}"#,
            r#"{"a": 1.5, "b": 1, "c": 1, "s": ""}"#,
        ] {
            assert!(serde_json::from_str::<T>(bad).is_err(), "{bad}");
        }
    }
}
