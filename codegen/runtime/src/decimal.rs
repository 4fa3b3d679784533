//! Exact decimals in the wire form a spec states: a JSON number or a JSON string, with a stated
//! number of decimal places.
//!
//! Fields use `serialize_with = "chargespec_runtime::decimal::number::<2, _>"` (or `string`,
//! and the `_opt`/`_vec` variants). `SCALE` is the stated number of decimal places;
//! [`ANY_SCALE`] keeps the value as it is (scale unknown). Deserialisation ([`de`]) reads the
//! wire form the spec states, exactly (never through a float): a JSON number, or a JSON string
//! holding one. The other form is a deviation, accepted under the tolerance profile
//! `numbers-as-strings`, which rewrites it before deserialisation
//! ([`crate::schema::normalise`]).

use rust_decimal::Decimal;
use serde::Serializer;

/// The scale parameter meaning "unknown: keep the value's own scale".
pub const ANY_SCALE: u32 = u32::MAX;

/// The value with exactly `scale` decimal places (rounded half away from zero if it has more).
pub fn rescaled(v: &Decimal, scale: u32) -> Decimal {
    if scale == ANY_SCALE || scale > 28 {
        return *v;
    }
    let mut d =
        v.round_dp_with_strategy(scale, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    d.rescale(scale);
    d
}

/// Serialises as a JSON number with `SCALE` decimal places (e.g. `12.50`).
pub fn number<const SCALE: u32, S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    rust_decimal::serde::arbitrary_precision::serialize(&rescaled(v, SCALE), s)
}

/// Serialises as a JSON string with `SCALE` decimal places (e.g. `"12.50"`).
pub fn string<const SCALE: u32, S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rescaled(v, SCALE).to_string())
}

#[allow(clippy::ref_option)]
pub fn number_opt<const SCALE: u32, S: Serializer>(
    v: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => number::<SCALE, S>(d, s),
        None => s.serialize_none(),
    }
}

#[allow(clippy::ref_option)]
pub fn string_opt<const SCALE: u32, S: Serializer>(
    v: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => string::<SCALE, S>(d, s),
        None => s.serialize_none(),
    }
}

struct Number<const SCALE: u32>(Decimal);
impl<const SCALE: u32> serde::Serialize for Number<SCALE> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        number::<SCALE, S>(&self.0, s)
    }
}

struct Text<const SCALE: u32>(Decimal);
impl<const SCALE: u32> serde::Serialize for Text<SCALE> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        string::<SCALE, S>(&self.0, s)
    }
}

/// A list of decimals, each a JSON number.
pub fn number_vec<const SCALE: u32, S: Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|d| Number::<SCALE>(*d)))
}

/// A list of decimals, each a JSON string.
pub fn string_vec<const SCALE: u32, S: Serializer>(v: &[Decimal], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|d| Text::<SCALE>(*d)))
}

#[allow(clippy::ref_option)]
pub fn number_vec_opt<const SCALE: u32, S: Serializer>(
    v: &Option<Vec<Decimal>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => number_vec::<SCALE, S>(d, s),
        None => s.serialize_none(),
    }
}

#[allow(clippy::ref_option)]
pub fn string_vec_opt<const SCALE: u32, S: Serializer>(
    v: &Option<Vec<Decimal>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(d) => string_vec::<SCALE, S>(d, s),
        None => s.serialize_none(),
    }
}

/// Deserialisers of decimals in their wire form: `deserialize_with =
/// "chargespec_runtime::decimal::de::number"` (or `string`, and the `_opt`/`_vec` variants).
pub mod de {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, MapAccess, Visitor};

    const NUMBER_TOKEN: &str = "$serde_json::private::Number";

    struct Wire<const TEXT: bool>;

    impl<'de, const TEXT: bool> Visitor<'de> for Wire<TEXT> {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(if TEXT {
                "a decimal as a JSON string"
            } else {
                "a decimal as a JSON number"
            })
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            if TEXT {
                return Err(E::invalid_type(de::Unexpected::Signed(v), &self));
            }
            Ok(Decimal::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            if TEXT {
                return Err(E::invalid_type(de::Unexpected::Unsigned(v), &self));
            }
            Ok(Decimal::from(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            if !TEXT {
                return Err(E::invalid_type(de::Unexpected::Str(v), &self));
            }
            crate::schema::parse_decimal(v)
                .ok_or_else(|| E::custom(format!("`{v}` is not a decimal")))
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
            match map.next_key::<String>()? {
                Some(k) if k == NUMBER_TOKEN && !TEXT => {
                    let s: String = map.next_value()?;
                    crate::schema::parse_decimal(&s)
                        .ok_or_else(|| de::Error::custom(format!("{s} is not a decimal")))
                }
                _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
            }
        }
    }

    struct In<const TEXT: bool>(Decimal);
    impl<'de, const TEXT: bool> Deserialize<'de> for In<TEXT> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(Wire::<TEXT>).map(In)
        }
    }

    pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(Wire::<false>)
    }
    pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(Wire::<true>)
    }
    pub fn number_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<In<false>>::deserialize(d)?.map(|x| x.0))
    }
    pub fn string_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        Ok(Option::<In<true>>::deserialize(d)?.map(|x| x.0))
    }
    pub fn number_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
        Ok(Vec::<In<false>>::deserialize(d)?
            .into_iter()
            .map(|x| x.0)
            .collect())
    }
    pub fn string_vec<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Decimal>, D::Error> {
        Ok(Vec::<In<true>>::deserialize(d)?
            .into_iter()
            .map(|x| x.0)
            .collect())
    }
    pub fn number_vec_opt<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Decimal>>, D::Error> {
        Ok(Option::<Vec<In<false>>>::deserialize(d)?.map(|v| v.into_iter().map(|x| x.0).collect()))
    }
    pub fn string_vec_opt<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Decimal>>, D::Error> {
        Ok(Option::<Vec<In<true>>>::deserialize(d)?.map(|v| v.into_iter().map(|x| x.0).collect()))
    }
}

/// Number of decimal places actually carried (trailing zeros do not count).
pub fn places(v: &Decimal) -> u32 {
    v.normalize().scale()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct T {
        #[serde(serialize_with = "number::<2, _>", deserialize_with = "de::number")]
        n: Decimal,
        #[serde(serialize_with = "string::<1, _>", deserialize_with = "de::string")]
        s: Decimal,
        #[serde(
            serialize_with = "number::<ANY_SCALE, _>",
            deserialize_with = "de::number"
        )]
        a: Decimal,
    }

    #[test]
    fn each_wire_form_is_read_as_stated() {
        // A decimal sent in the other form is a deviation (`numbers-as-strings`), not a value.
        assert!(serde_json::from_str::<T>(r#"{"n":"12.5","s":"7.25","a":1}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":12.5,"s":7.25,"a":1}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":12,"s":"7","a":1}"#).is_ok());
    }

    #[test]
    fn wire_forms_are_exact() {
        let t = T {
            n: Decimal::from_str("12.5").unwrap_or_default(),
            s: Decimal::from(3),
            a: Decimal::from_str("0.1000").unwrap_or_default(),
        };
        let json = serde_json::to_string(&t).unwrap_or_default();
        assert_eq!(json, r#"{"n":12.50,"s":"3.0","a":0.1000}"#);
        let back: T = serde_json::from_str(r#"{"n":114.123456789012345678,"s":"7.25","a":1e2}"#)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.n.to_string(), "114.123456789012345678");
        assert_eq!(back.s.to_string(), "7.25");
        assert_eq!(places(&Decimal::from_str("1.500").unwrap_or_default()), 1);
    }
}
