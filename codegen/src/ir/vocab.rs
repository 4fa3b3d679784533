//! The IR's vocabulary: the closed keyword sets of the spec language (provenance tags, charsets,
//! date formats, code kinds, algorithms, processing steps). The loader reads spec text into
//! these; the IR and the emitters use them as they are.

/// A provenance tag.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tag {
    Db2024,
    Sz2020,
    Tcec102,
    Sz2024fe,
    Provisional,
    Analogue(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Charset {
    Any,
    Ascii,
    Digits,
    Alphanumeric,
    Hex,
    UpperHex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DecimalWire {
    Number,
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateFormat {
    /// `yyyy-MM-dd`
    Date,
    /// `yyyy-MM-dd HH:mm:ss`
    DateTime,
    /// `yyyyMMddHHmmss`
    Compact,
    /// `HHmmss`
    Time,
}

impl DateFormat {
    pub const ALL: [(&'static str, DateFormat); 4] = [
        ("yyyy-MM-dd", DateFormat::Date),
        ("yyyy-MM-dd HH:mm:ss", DateFormat::DateTime),
        ("yyyyMMddHHmmss", DateFormat::Compact),
        ("HHmmss", DateFormat::Time),
    ];

    pub fn pattern(self) -> &'static str {
        match self {
            DateFormat::Date => "yyyy-MM-dd",
            DateFormat::DateTime => "yyyy-MM-dd HH:mm:ss",
            DateFormat::Compact => "yyyyMMddHHmmss",
            DateFormat::Time => "HHmmss",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CondOp {
    Equals,
    In,
    NotIn,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeKind {
    Integer,
    String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Bearer,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cipher {
    Aes128Cbc,
    Sm4Cbc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// PKCS#7 (PKCS#5 for 8-byte blocks; the same bytes for AES).
    Pkcs7,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// Standard Base64 with `+`, `/` and `=` padding.
    Base64,
    /// UTF-8 text (the plaintext JSON).
    Utf8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mac {
    HmacMd5,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyEncoding {
    /// The key text's own bytes.
    Ascii,
    /// The key text decoded from hex.
    Hex,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HexCase {
    Upper,
    Lower,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProcessingStep {
    CheckEnvelope,
    CheckToken,
    VerifySignature,
    Decrypt,
    Validate,
    Handle,
}

impl ProcessingStep {
    pub const ALL: [(&'static str, ProcessingStep); 6] = [
        ("check_envelope", ProcessingStep::CheckEnvelope),
        ("check_token", ProcessingStep::CheckToken),
        ("verify_signature", ProcessingStep::VerifySignature),
        ("decrypt", ProcessingStep::Decrypt),
        ("validate", ProcessingStep::Validate),
        ("handle", ProcessingStep::Handle),
    ];
}
