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

/// Declares a code-table enum and its whole API from a compact declaration; the generated
/// `codes.rs` of every edition is a list of these declarations.
///
/// ```
/// chargespec_runtime::code_table! {
///     /// 站点类型 — Station type
///     pub enum StationType: integer, closed, "T-StationType" {
///         /// Provenance: sz2020.
///         Public = 1, "公共", "public";
///         /// Provenance: sz2020.
///         Private = 50, "个人", "private";
///     }
///     ranges {
///         /// Provenance: sz2020.
///         Other(100..=199), "其他", "other";
///     }
/// }
///
/// assert_eq!(StationType::from_code(50), StationType::Private);
/// assert_eq!(StationType::from_code(120), StationType::Other(120));
/// assert_eq!(StationType::from_code(7), StationType::Unknown(7));
/// assert!(StationType::try_from(7).is_err());
/// assert_eq!(StationType::Private.name_en(), Some("private"));
/// ```
///
/// The declaration: the enum's doc attributes, `pub enum Name: KIND, OPENNESS, "table name"`
/// with `KIND` `integer` (`i64` codes) or `string`, and `OPENNESS` `open` (the enum is
/// `#[non_exhaustive]`) or `closed`; one line per code, `Variant = code, "中文", "English";`,
/// after its doc attributes (the macro writes the first doc line, `` `code` 中文 — English ``,
/// and a blank line before them); for integer tables an optional `ranges { ... }` block of
/// `Variant(from..=to), "中文", "English";`, variants that carry the value received.
///
/// It expands to the enum (every code, every range, and `Unknown(raw)` for any other value, so
/// reading never loses a value) and:
/// - `TABLE`, `ALL` (the listed codes in table order), `NAMES` (each with its meanings);
/// - `code()` (the wire value), `from_code()` (lossless: other values become `Unknown`),
///   `name_zh()`, `name_en()`, `is_known()`;
/// - [`CodeTable`], serde `Serialize` (the wire form) and `Deserialize` (tolerant, through
///   [`deserialize_int`] or [`deserialize_str`]), strict `TryFrom<i64>`/`TryFrom<&str>` failing
///   with [`UnknownCode`], `From<Name> for i64` (integer tables) and `Display` (the code).
///
/// A macro rather than a trait with default methods: the serde, `TryFrom`, `From` and `Display`
/// impls cannot be blanket impls over a runtime trait (the orphan rule), so each table needs
/// per-type impls anyway, and the macro writes them all from one declaration. Every path in the
/// expansion is fully qualified, so tables and variants may be named `Option`, `Some`, `Ok`,
/// `Result` or a raw identifier such as `r#type`.
#[macro_export]
macro_rules! code_table {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident: $kind:ident, open, $table:literal { $($body:tt)* }
        $($rest:tt)*
    ) => {
        $crate::code_table!(@$kind [$(#[$attr])* #[non_exhaustive]] true, $vis $name $table { $($body)* } $($rest)*);
    };
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident: $kind:ident, closed, $table:literal { $($body:tt)* }
        $($rest:tt)*
    ) => {
        $crate::code_table!(@$kind [$(#[$attr])*] false, $vis $name $table { $($body)* } $($rest)*);
    };
    (
        @integer [$($attr:tt)*] $open:literal, $vis:vis $name:ident $table:literal {
            $( $(#[$doc:meta])* $v:ident = $code:literal, $zh:literal, $en:literal; )*
        }
        $( ranges {
            $( $(#[$rdoc:meta])* $rv:ident($from:literal..=$to:literal), $rzh:literal, $ren:literal; )*
        } )?
    ) => {
        $($attr)*
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash
        )]
        #[allow(clippy::enum_variant_names)]
        $vis enum $name {
            $(
                #[doc = ::core::concat!(" `", $code, "` ", $zh, " — ", $en)]
                #[doc = ""]
                $(#[$doc])*
                $v,
            )*
            $($(
                #[doc = ::core::concat!(" `", $from, "..=", $to, "` ", $rzh, " — ", $ren)]
                #[doc = ""]
                $(#[$rdoc])*
                $rv(i64),
            )*)?
            /// A value that is not a code of the table, kept as received.
            Unknown(i64),
        }

        impl $name {
            /// The code as on the wire.
            pub const fn code(&self) -> i64 {
                match self {
                    $( $name::$v => $code, )*
                    $($( $name::$rv(v) => *v, )*)?
                    $name::Unknown(v) => *v,
                }
            }

            /// The value for a code, keeping unknown codes as `Unknown` (lossless).
            pub const fn from_code(code: i64) -> Self {
                match code {
                    $( $code => $name::$v, )*
                    $($( $from..=$to => $name::$rv(code), )*)?
                    _ => $name::Unknown(code),
                }
            }
        }

        $crate::code_table!(@common $name $table, $open, Int;
            [$( $v, $zh, $en; )*]
            [$($( $rv, $rzh, $ren; )*)?]
        );

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_i64(self.code())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::code::deserialize_int(d).map($name::from_code)
            }
        }

        impl ::core::convert::TryFrom<i64> for $name {
            type Error = $crate::code::UnknownCode;
            /// Strict conversion: only codes of the table (and its ranges).
            fn try_from(code: i64) -> ::core::result::Result<Self, Self::Error> {
                match $name::from_code(code) {
                    $name::Unknown(v) => ::core::result::Result::Err($crate::code::UnknownCode {
                        table: $table,
                        value: ::std::string::ToString::to_string(&v),
                    }),
                    known => ::core::result::Result::Ok(known),
                }
            }
        }

        impl ::core::convert::From<$name> for i64 {
            fn from(v: $name) -> i64 {
                v.code()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::write!(f, "{}", self.code())
            }
        }
    };
    (
        @string [$($attr:tt)*] $open:literal, $vis:vis $name:ident $table:literal {
            $( $(#[$doc:meta])* $v:ident = $code:literal, $zh:literal, $en:literal; )*
        }
    ) => {
        $($attr)*
        #[derive(
            ::core::clone::Clone,
            ::core::fmt::Debug,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash
        )]
        #[allow(clippy::enum_variant_names)]
        $vis enum $name {
            $(
                #[doc = ::core::concat!(" `", $code, "` ", $zh, " — ", $en)]
                #[doc = ""]
                $(#[$doc])*
                $v,
            )*
            /// A value that is not a code of the table, kept as received.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The code as on the wire.
            pub fn code(&self) -> &str {
                match self {
                    $( $name::$v => $code, )*
                    $name::Unknown(v) => v.as_str(),
                }
            }

            /// The value for a code, keeping unknown codes as `Unknown` (lossless).
            pub fn from_code(code: &str) -> Self {
                match code {
                    $( $code => $name::$v, )*
                    _ => $name::Unknown(::std::string::String::from(code)),
                }
            }
        }

        $crate::code_table!(@common $name $table, $open, Str; [$( $v, $zh, $en; )*] []);

        impl $crate::serde::Serialize for $name {
            fn serialize<S: $crate::serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                $crate::code::deserialize_str(d).map(|s| $name::from_code(&s))
            }
        }

        impl ::core::convert::TryFrom<&str> for $name {
            type Error = $crate::code::UnknownCode;
            /// Strict conversion: only codes of the table.
            fn try_from(code: &str) -> ::core::result::Result<Self, Self::Error> {
                match $name::from_code(code) {
                    $name::Unknown(v) => ::core::result::Result::Err($crate::code::UnknownCode { table: $table, value: v }),
                    known => ::core::result::Result::Ok(known),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
    // What both kinds share: the constants, the meanings and the `CodeTable` impl; the listed
    // codes in the first brackets, the ranges in the second.
    (
        @common $name:ident $table:literal, $open:literal, $cv:ident;
        [$( $v:ident, $zh:literal, $en:literal; )*]
        [$( $rv:ident, $rzh:literal, $ren:literal; )*]
    ) => {
        impl $name {
            /// The table's name in the spec.
            pub const TABLE: &'static str = $table;
            /// Every listed code, in table order (ranges and unknown values excluded).
            pub const ALL: &'static [$name] = &[$( $name::$v ),*];
            /// Every listed code with its Chinese and English meaning.
            pub const NAMES: &'static [($name, &'static str, &'static str)] = &[$( ($name::$v, $zh, $en) ),*];

            const fn names(&self) -> ::core::option::Option<(&'static str, &'static str)> {
                match self {
                    $( $name::$v => ::core::option::Option::Some(($zh, $en)), )*
                    $( $name::$rv(_) => ::core::option::Option::Some(($rzh, $ren)), )*
                    $name::Unknown(_) => ::core::option::Option::None,
                }
            }

            /// The Chinese meaning, if the code is known.
            pub const fn name_zh(&self) -> ::core::option::Option<&'static str> {
                match self.names() {
                    ::core::option::Option::Some((zh, _)) => ::core::option::Option::Some(zh),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            /// The English meaning, if the code is known.
            pub const fn name_en(&self) -> ::core::option::Option<&'static str> {
                match self.names() {
                    ::core::option::Option::Some((_, en)) => ::core::option::Option::Some(en),
                    ::core::option::Option::None => ::core::option::Option::None,
                }
            }

            /// Whether the value is a code of the table (or lies in one of its ranges).
            pub const fn is_known(&self) -> bool {
                !::core::matches!(self, $name::Unknown(_))
            }
        }

        impl $crate::CodeTable for $name {
            const NAME: &'static str = $table;
            const OPEN: bool = $open;
            fn is_known(&self) -> bool {
                $name::is_known(self)
            }
            fn code_value(&self) -> $crate::CodeValue<'_> {
                $crate::CodeValue::$cv(self.code())
            }
            fn name_zh(&self) -> ::core::option::Option<&'static str> {
                $name::name_zh(self)
            }
            fn name_en(&self) -> ::core::option::Option<&'static str> {
                $name::name_en(self)
            }
        }
    };
}

#[cfg(test)]
#[allow(clippy::assertions_on_constants)]
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

    crate::code_table! {
        /// An integer table with a range and a negative code.
        pub enum Station: integer, closed, "T-Station" {
            /// Provenance: fixture.
            Public = 1, "公共", "public";
            /// Provenance: fixture.
            Private = 50, "个人", "private";
            /// Provenance: fixture.
            Unset = -1, "未设置", "unset";
        }
        ranges {
            /// Provenance: fixture.
            Other(100..=199), "其他", "other";
        }
    }

    #[test]
    fn integer_table_with_a_range() {
        assert_eq!(Station::TABLE, "T-Station");
        assert_eq!(
            Station::ALL,
            &[Station::Public, Station::Private, Station::Unset]
        );
        assert_eq!(Station::NAMES[1], (Station::Private, "个人", "private"));
        assert_eq!(Station::from_code(50), Station::Private);
        assert_eq!(Station::from_code(-1), Station::Unset);
        assert_eq!(Station::from_code(150), Station::Other(150));
        assert_eq!(Station::from_code(7), Station::Unknown(7));
        assert_eq!(Station::Other(150).code(), 150);
        assert_eq!(Station::Unknown(7).code(), 7);
        assert_eq!(Station::Other(150).name_zh(), Some("其他"));
        assert_eq!(Station::Public.name_en(), Some("public"));
        assert_eq!(Station::Unknown(7).name_en(), None);
        assert!(Station::Other(100).is_known() && !Station::Unknown(7).is_known());
        assert_eq!(Station::try_from(199), Ok(Station::Other(199)));
        let err = Station::try_from(200).unwrap_err();
        assert_eq!((err.table, err.value.as_str()), ("T-Station", "200"));
        assert_eq!(i64::from(Station::Private), 50);
        assert_eq!(Station::Unset.to_string(), "-1");
        // Strict reading (a code is a JSON integer: "1" and 1.0 are the tolerance profiles'
        // business), wire-form writing, unknown values kept.
        assert!(serde_json::from_str::<Station>(r#""1""#).is_err());
        assert!(serde_json::from_str::<Station>("1.0").is_err());
        let v: Vec<Station> = serde_json::from_str(r#"[50, 1, 1, 150, 7]"#).unwrap();
        assert_eq!(
            v,
            [
                Station::Private,
                Station::Public,
                Station::Public,
                Station::Other(150),
                Station::Unknown(7)
            ]
        );
        assert_eq!(serde_json::to_string(&v).unwrap(), "[50,1,1,150,7]");
        assert!(serde_json::from_str::<Station>("1.5").is_err());
        assert!(!<Station as CodeTable>::OPEN);
        assert_eq!(<Station as CodeTable>::NAME, "T-Station");
        assert_eq!(
            CodeTable::code_value(&Station::Other(120)),
            CodeValue::Int(120)
        );
        assert_eq!(CodeTable::name_zh(&Station::Public), Some("公共"));
    }

    /// Tables and variants named like prelude items and keywords: the expansion must not
    /// resolve `Option`, `Some`, `Ok`, `Result` or `String` to these.
    #[allow(dead_code, non_camel_case_types)]
    mod naming {
        pub struct String;
        pub struct Result;
        pub struct Option;

        crate::code_table! {
            /// An open integer table named like `Option::Some`.
            pub enum Some: integer, open, "T-Some" {
                /// Provenance: fixture.
                None = 0, "无", "none";
                /// Provenance: fixture.
                Some = 1, "有", "some";
                /// Provenance: fixture.
                r#Self_ = 2, "自身", "self";
            }
        }

        crate::code_table! {
            /// A string table named like `Result::Ok`.
            pub enum Ok: string, closed, "T-Ok" {
                /// Provenance: fixture.
                Ok = "Ok", "成功", "ok";
                /// Provenance: fixture.
                Err = "Err", "失败", "err";
                /// Provenance: fixture.
                r#type = "type", "类型", "type";
            }
        }

        crate::code_table! {
            /// A closed table with a raw identifier for a name.
            pub enum r#type: integer, closed, "T-type" {
                /// Provenance: fixture.
                r#struct = 1, "结构", "struct";
            }
        }
    }

    #[test]
    fn string_and_open_tables_and_awkward_names() {
        use naming::{Ok as OkCode, Some as SomeCode, r#type as TypeCode};
        assert!(<SomeCode as CodeTable>::OPEN);
        assert_eq!(SomeCode::from_code(1), SomeCode::Some);
        assert_eq!(SomeCode::from_code(9), SomeCode::Unknown(9));
        assert_eq!(SomeCode::r#Self_.name_en(), Some("self"));
        let s: SomeCode = serde_json::from_str("2").unwrap();
        assert_eq!(s, SomeCode::r#Self_);

        assert_eq!(OkCode::from_code("type"), OkCode::r#type);
        assert_eq!(OkCode::from_code("x"), OkCode::Unknown("x".to_owned()));
        assert_eq!(OkCode::Err.code(), "Err");
        assert_eq!(OkCode::Unknown("x".to_owned()).code(), "x");
        assert_eq!(OkCode::ALL.len(), 3);
        assert_eq!(OkCode::try_from("Ok"), Ok(OkCode::Ok));
        let err = OkCode::try_from("ok").unwrap_err();
        assert_eq!(err.to_string(), "ok is not a code of T-Ok");
        assert_eq!(OkCode::Ok.to_string(), "Ok");
        assert_eq!(OkCode::Ok.name_zh(), Some("成功"));
        assert_eq!(CodeTable::code_value(&OkCode::Err), CodeValue::Str("Err"));
        // A number written without quotes is read as its text; unknown strings are kept.
        let v: Vec<OkCode> = serde_json::from_str(r#"["Err", "zz", 12]"#).unwrap();
        assert_eq!(
            v,
            [
                OkCode::Err,
                OkCode::Unknown("zz".to_owned()),
                OkCode::Unknown("12".to_owned())
            ]
        );
        assert_eq!(serde_json::to_string(&v).unwrap(), r#"["Err","zz","12"]"#);

        assert_eq!(TypeCode::from_code(1), TypeCode::r#struct);
        assert_eq!(TypeCode::TABLE, "T-type");
    }
}
