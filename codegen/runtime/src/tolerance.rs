//! Tolerance profiles: named deviations from the standard seen in the field, switched on per
//! peer (issue 10). Off by default: [`Mode::strict`](crate::Mode::strict) is the standard.
//!
//! Each edition declares the profiles that apply to it as data (`tolerances:` in its spec, with
//! the clause each relaxes and the evidence), and the generated schema carries them
//! ([`crate::schema::Schema::tolerances`]); the behaviour of each is implemented here and in the
//! descriptor walk, once. Every acceptance that needed a profile is recorded as a [`Deviation`]
//! in the report, so a server can log which deviation on which field, and a mock can count them.
//!
//! - [`Tolerance::NumbersAsStrings`]: a numeric field (integer, decimal, integer code) sent as a
//!   JSON string holding a number (`"12"`);
//! - [`Tolerance::EmptyStringAsAbsent`]: an optional field sent as `""` where `""` is not a
//!   value of its type (a number, a code, a date, a constrained string): read as absent;
//! - [`Tolerance::IntegralFloatAsInteger`]: an integer field (or integer code) sent as an
//!   integral JSON float (`7200.0`);
//! - [`Tolerance::TcecCoreStatus`]: the fields an edition lists for it (the Shenzhen additions
//!   of `ConnectorStatusInfo`) may be absent: a warning instead of an error;
//! - [`Tolerance::StatusArrayVariant`]: a field sent under the alternative name an edition gives
//!   it, as an array of one item (`ConnectorStatusInfos: [..]` for `ConnectorStatusInfo`);
//! - [`Tolerance::FixedSeq`]: the peer sends the same `Seq` on every request (for the replay
//!   check; declared here, applied by the receiver pipeline).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};

/// One tolerance profile: a deviation the runtime knows how to accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tolerance {
    NumbersAsStrings,
    EmptyStringAsAbsent,
    IntegralFloatAsInteger,
    TcecCoreStatus,
    StatusArrayVariant,
    FixedSeq,
}

impl Tolerance {
    /// Every profile the runtime implements, in declaration order.
    pub const ALL: [Tolerance; 6] = [
        Tolerance::NumbersAsStrings,
        Tolerance::EmptyStringAsAbsent,
        Tolerance::IntegralFloatAsInteger,
        Tolerance::TcecCoreStatus,
        Tolerance::StatusArrayVariant,
        Tolerance::FixedSeq,
    ];

    /// The profile's name, as in the spec and in configurations (`numbers-as-strings`).
    pub const fn name(self) -> &'static str {
        match self {
            Tolerance::NumbersAsStrings => "numbers-as-strings",
            Tolerance::EmptyStringAsAbsent => "empty-string-as-absent",
            Tolerance::IntegralFloatAsInteger => "integral-float-as-integer",
            Tolerance::TcecCoreStatus => "tcec-core-status",
            Tolerance::StatusArrayVariant => "status-array-variant",
            Tolerance::FixedSeq => "fixed-seq",
        }
    }

    /// The profile of that name.
    pub fn from_name(name: &str) -> Option<Tolerance> {
        Tolerance::ALL.into_iter().find(|t| t.name() == name)
    }

    const fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of tolerance profiles (empty by default).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tolerances(u16);

impl Tolerances {
    /// No profile: the standard.
    pub const NONE: Tolerances = Tolerances(0);

    /// Exactly one profile.
    pub const fn of(t: Tolerance) -> Tolerances {
        Tolerances(t.bit())
    }

    /// This set and `t`.
    #[must_use]
    pub const fn with(self, t: Tolerance) -> Tolerances {
        Tolerances(self.0 | t.bit())
    }

    pub const fn contains(self, t: Tolerance) -> bool {
        self.0 & t.bit() != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The profiles in both sets.
    #[must_use]
    pub const fn and(self, other: Tolerances) -> Tolerances {
        Tolerances(self.0 & other.0)
    }

    /// Whether the two sets share a profile.
    pub const fn intersects(self, other: Tolerances) -> bool {
        self.0 & other.0 != 0
    }

    /// The profiles of the set, in declaration order.
    pub fn iter(self) -> impl Iterator<Item = Tolerance> {
        Tolerance::ALL
            .into_iter()
            .filter(move |t| self.contains(*t))
    }
}

impl FromIterator<Tolerance> for Tolerances {
    fn from_iter<I: IntoIterator<Item = Tolerance>>(iter: I) -> Self {
        iter.into_iter().fold(Tolerances::NONE, Tolerances::with)
    }
}

impl fmt::Display for Tolerances {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, t) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(t.name())?;
        }
        Ok(())
    }
}

/// One acceptance that needed a tolerance profile: which profile, where, what was received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deviation {
    pub tolerance: Tolerance,
    /// JSON pointer of the value as received (RFC 6901).
    pub path: String,
    /// The value as received (bounded, `***` for credentials; empty when absent).
    pub value: String,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.value.is_empty() {
            write!(f, "tolerated[{}]: {path}", self.tolerance)
        } else {
            write!(
                f,
                "tolerated[{}]: {path} (got {})",
                self.tolerance, self.value
            )
        }
    }
}

/// serde_json's private key for numbers read with `arbitrary_precision`.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Whole seconds of a token lifetime, as a client reads the token answer.
///
/// The standard's lifetime is an integer number of seconds; Python platforms answer `7200.0`
/// or `7200.000014` (a float computed from a duration). The lifetime only schedules the renewal
/// of a token, so a client reads it in whole seconds, rounded down: an integral float is its
/// integer, a fraction of a second is dropped (renewing up to one second early is harmless;
/// renewing late would send requests with an expired token). Negative, non-finite or
/// non-numeric values are refused. Validation of the same answer as JSON
/// ([`crate::schema::check_json`]) still reports a float unless
/// [`Tolerance::IntegralFloatAsInteger`] is on.
pub fn lifetime_seconds<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    d.deserialize_any(LifetimeVisitor)
}

/// [`lifetime_seconds`] for an optional lifetime (absent or `null`: `None`).
pub fn lifetime_seconds_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct Seconds(i64);
    impl<'de> serde::Deserialize<'de> for Seconds {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            lifetime_seconds(d).map(Seconds)
        }
    }
    Ok(<Option<Seconds> as serde::Deserialize>::deserialize(d)?.map(|s| s.0))
}

struct LifetimeVisitor;

impl<'de> Visitor<'de> for LifetimeVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a lifetime in seconds (a non-negative number)")
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        if v < 0 {
            return Err(E::custom(format!("lifetime {v} is negative")));
        }
        Ok(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        Ok(i64::try_from(v).unwrap_or(i64::MAX))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        seconds(&v.to_string())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<i64, A::Error> {
        match map.next_key::<String>()? {
            Some(k) if k == NUMBER_TOKEN => {
                let s: String = map.next_value()?;
                seconds(&s)
            }
            _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// The whole seconds of a JSON number's text, rounded down; negative numbers are refused.
fn seconds<E: de::Error>(v: &str) -> Result<i64, E> {
    if let Ok(i) = v.parse::<i64>() {
        return LifetimeVisitor.visit_i64(i);
    }
    let d = crate::schema::parse_decimal(v)
        .ok_or_else(|| E::custom(format!("lifetime `{v}` is not a number")))?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(E::custom(format!("lifetime {v} is negative")));
    }
    use rust_decimal::prelude::ToPrimitive;
    Ok(d.trunc().to_i64().unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_hold_what_they_were_given() {
        for t in Tolerance::ALL {
            assert_eq!(Tolerance::from_name(t.name()), Some(t));
        }
        assert_eq!(Tolerance::from_name("numbers_as_strings"), None);
        let set = Tolerances::of(Tolerance::FixedSeq).with(Tolerance::NumbersAsStrings);
        assert!(set.contains(Tolerance::FixedSeq) && set.contains(Tolerance::NumbersAsStrings));
        assert!(!set.contains(Tolerance::TcecCoreStatus));
        assert_eq!(set.to_string(), "numbers-as-strings, fixed-seq");
        assert!(Tolerances::default().is_empty());
    }

    #[derive(serde::Deserialize)]
    struct Answer {
        #[serde(deserialize_with = "lifetime_seconds")]
        t: i64,
    }

    fn lifetime(json: &str) -> Option<i64> {
        serde_json::from_str::<Answer>(json).ok().map(|a| a.t)
    }

    #[test]
    fn a_token_lifetime_is_read_in_whole_seconds_rounded_down() {
        assert_eq!(lifetime(r#"{"t": 7200}"#), Some(7200));
        assert_eq!(lifetime(r#"{"t": 7200.0}"#), Some(7200));
        assert_eq!(lifetime(r#"{"t": 7200.000014}"#), Some(7200));
        assert_eq!(lifetime(r#"{"t": 7199.999}"#), Some(7199));
        assert_eq!(lifetime(r#"{"t": 1e3}"#), Some(1000));
        assert_eq!(lifetime(r#"{"t": -1}"#), None);
        assert_eq!(lifetime(r#"{"t": -0.5}"#), None);
        assert_eq!(lifetime(r#"{"t": "soon"}"#), None);
        assert_eq!(lifetime(r#"{"t": "7200"}"#), None);
        assert_eq!(lifetime(r#"{"t": null}"#), None);
    }
}
