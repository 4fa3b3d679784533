//! The raw model: the spec as written, every value located, nothing resolved yet.

use crate::diag::Loc;

use super::node::Node;
use super::reader::Sp;

use crate::ir::vocab::{Auth, Charset, CodeKind, CondOp, DateFormat, DecimalWire, Tag};

/// The common keys of every item.
#[derive(Clone, Debug, Default)]
pub struct Doc {
    pub zh: Option<Sp<String>>,
    pub en: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub section: Option<Sp<String>>,
    /// `None` when the key is absent (reported already).
    pub provenance: Option<Vec<Sp<Tag>>>,
    pub provisional: Option<Sp<bool>>,
    pub note: Option<Sp<String>>,
    /// The item's own location (its name key, or its mapping).
    pub loc: Option<Loc>,
}

#[derive(Clone, Debug)]
pub struct Named<T> {
    pub name: Sp<String>,
    pub item: T,
}

#[derive(Clone, Debug, Default)]
pub struct RawSpec {
    pub edition: Vec<Sp<RawEdition>>,
    pub types: Vec<Named<RawNamedType>>,
    pub objects: Vec<Named<RawObject>>,
    pub code_tables: Vec<Named<RawCodeTable>>,
    pub interfaces: Vec<Named<RawInterface>>,
    pub flows: Vec<Named<RawFlow>>,
    pub security: Vec<Sp<RawSecurity>>,
    pub qr_code: Vec<Sp<RawQrCode>>,
    pub tolerances: Vec<Named<RawTolerance>>,
    /// Files that could not be parsed: their names are unknown, so unresolved references are
    /// not reported (they could be cascades).
    pub failed_files: usize,
    pub file_count: usize,
    /// The edition's evidence register (`EVIDENCE.md`), when it has one.
    pub evidence: Option<super::evidence::Register>,
}

#[derive(Clone, Debug, Default)]
pub struct RawEdition {
    pub doc: Doc,
    pub id: Option<Sp<String>>,
    pub number: Option<Sp<String>>,
    pub replaces: Option<Sp<String>>,
    pub ics: Option<Sp<String>>,
    pub ccs: Option<Sp<String>>,
    pub issued: Option<Sp<String>>,
    pub in_force: Option<Sp<String>>,
    pub issuer: Option<Sp<String>>,
    pub roles: Vec<Named<Doc>>,
    pub contents: Vec<RawContent>,
}

#[derive(Clone, Debug, Default)]
pub struct RawContent {
    pub doc: Doc,
    pub number: Option<Sp<String>>,
    pub page: Option<Sp<String>>,
    pub normative: bool,
}

#[derive(Clone, Debug)]
pub struct RawNamedType {
    pub doc: Doc,
    pub ty: Option<RawType>,
}

#[derive(Clone, Debug)]
pub enum RawType {
    Named(Sp<String>),
    String {
        len: Option<Sp<i64>>,
        min_len: Option<Sp<i64>>,
        max_len: Option<Sp<i64>>,
        pattern: Option<Sp<String>>,
        charset: Option<Sp<Charset>>,
        loc: Loc,
    },
    Integer {
        min: Option<Sp<i64>>,
        max: Option<Sp<i64>>,
        max_text_len: Option<Sp<i64>>,
        loc: Loc,
    },
    Decimal {
        scale: Option<Sp<i64>>,
        min: Option<Sp<f64>>,
        max: Option<Sp<f64>>,
        wire: Option<Sp<DecimalWire>>,
        max_text_len: Option<Sp<i64>>,
        loc: Loc,
    },
    DateTime(Sp<DateFormat>),
    Array {
        items: Box<RawType>,
        min_items: Option<Sp<i64>>,
        max_items: Option<Sp<i64>>,
        loc: Loc,
    },
    Object(Sp<String>),
    Code(Sp<String>),
}

impl RawType {
    pub fn loc(&self) -> Loc {
        match self {
            RawType::Named(s) | RawType::Object(s) | RawType::Code(s) => s.loc,
            RawType::DateTime(f) => f.loc,
            RawType::String { loc, .. }
            | RawType::Integer { loc, .. }
            | RawType::Decimal { loc, .. }
            | RawType::Array { loc, .. } => *loc,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Str(s) => write!(f, "{s:?}"),
        }
    }
}

#[derive(Clone, Debug)]
pub enum RawRequired {
    Always(Sp<bool>),
    When {
        field: Sp<String>,
        op: CondOp,
        values: Vec<Sp<Scalar>>,
        loc: Loc,
    },
}

#[derive(Clone, Debug)]
pub struct RawField {
    pub doc: Doc,
    pub wire: Sp<String>,
    pub ty: Option<RawType>,
    pub required: Option<RawRequired>,
    pub unit: Option<Sp<String>>,
    pub aliases: Vec<Sp<String>>,
    pub misspelling_of: Option<Sp<String>>,
    /// `""` on the wire means the same as an absent field (optional string and date fields).
    pub empty_means_absent: Option<Sp<bool>>,
    pub default: Option<Node>,
}

#[derive(Clone, Debug)]
pub struct RawConstraint {
    pub doc: Doc,
    pub exactly_one_of: Vec<Vec<Sp<String>>>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct RawObject {
    pub doc: Doc,
    pub fields: Vec<RawField>,
    pub constraints: Vec<RawConstraint>,
}

#[derive(Clone, Debug)]
pub struct RawCode {
    pub doc: Doc,
    pub code: Sp<Scalar>,
    pub alt_zh: Vec<Sp<String>>,
    pub category: Option<Sp<Scalar>>,
}

#[derive(Clone, Debug)]
pub struct RawRange {
    pub doc: Doc,
    pub from: Sp<i64>,
    pub to: Sp<i64>,
}

#[derive(Clone, Debug)]
pub struct RawCodeTable {
    pub doc: Doc,
    pub kind: Option<Sp<CodeKind>>,
    pub open: Option<Sp<bool>>,
    pub codes: Vec<RawCode>,
    pub ranges: Vec<RawRange>,
    pub category_table: Option<Sp<String>>,
    pub appendix: Option<Sp<String>>,
    pub table: Option<Sp<String>>,
    pub value_max_len: Option<Sp<i64>>,
    pub value_pattern: Option<Sp<String>>,
}

#[derive(Clone, Debug)]
pub enum RawPayload {
    Fields {
        fields: Vec<RawField>,
        description: Option<Sp<String>>,
        loc: Loc,
    },
    Object {
        name: Sp<String>,
        description: Option<Sp<String>>,
        loc: Loc,
    },
}

#[derive(Clone, Debug)]
pub struct RawPaging {
    pub doc: Doc,
    pub page_no: Option<Sp<String>>,
    pub page_size: Option<Sp<String>>,
    pub page_count: Option<Sp<String>>,
    pub item_count: Option<Sp<String>>,
    pub items: Option<Sp<String>>,
    pub default_page_no: Option<Sp<i64>>,
    pub default_page_size: Option<Sp<i64>>,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct RawInterface {
    pub doc: Doc,
    pub section_2020: Option<Sp<String>>,
    pub implementer: Option<Sp<String>>,
    pub caller: Option<Sp<String>>,
    pub auth: Option<Sp<Auth>>,
    pub optional: Option<Sp<bool>>,
    pub trigger: Option<Sp<String>>,
    pub frequency: Option<Sp<String>>,
    pub route_aliases: Vec<Sp<String>>,
    pub request: Option<RawPayload>,
    pub response: Option<RawPayload>,
    pub paging: Option<RawPaging>,
}

#[derive(Clone, Debug)]
pub struct RawStep {
    pub doc: Doc,
    pub interface: Sp<String>,
    pub optional: Option<Sp<bool>>,
}

#[derive(Clone, Debug)]
pub struct RawFlow {
    pub doc: Doc,
    pub number: Option<Sp<i64>>,
    pub trigger: Option<Sp<String>>,
    pub steps: Vec<RawStep>,
}

/// A block of the security section: its common keys and its own values, read by
/// [`super::security`].
#[derive(Clone, Debug, Default)]
pub struct RawSecurity {
    pub doc: Doc,
    pub transport: Option<super::security::RawTransport>,
    pub headers: Vec<super::security::RawHeader>,
    pub envelope: Option<super::security::RawEnvelope>,
    pub keys: Vec<super::security::RawKey>,
    pub encryption: Option<super::security::RawEncryption>,
    pub signature: Option<super::security::RawSignature>,
    pub timestamp: Option<super::security::RawTimestamp>,
    pub seq: Option<super::security::RawSeq>,
    pub token: Option<super::security::RawToken>,
    pub ret: Option<super::security::RawRet>,
    pub processing: Vec<super::security::RawStepRule>,
    pub push_ack: Option<super::security::RawPushAck>,
    pub resend: Option<super::security::RawResend>,
    pub paging: Option<super::security::RawPagingRule>,
    pub replay: Option<super::security::RawReplay>,
    pub key_distribution: Option<super::security::RawKeyDistribution>,
}

#[derive(Clone, Debug)]
pub struct RawQrPart {
    pub doc: Doc,
    pub kind: RawQrKind,
}

#[derive(Clone, Debug)]
pub enum RawQrKind {
    Literal(Sp<String>),
    Field {
        field: Sp<String>,
        ty: Option<Box<RawType>>,
    },
    Tail,
}

#[derive(Clone, Debug)]
pub struct RawQrPattern {
    pub doc: Doc,
    pub name: Sp<String>,
    pub pattern: Sp<String>,
}

#[derive(Clone, Debug, Default)]
pub struct RawQrCode {
    pub doc: Doc,
    pub parts: Vec<RawQrPart>,
    pub patterns: Vec<RawQrPattern>,
}

/// A tolerance profile (section `tolerances`).
#[derive(Clone, Debug, Default)]
pub struct RawTolerance {
    pub doc: Doc,
    /// The clause of the standard it relaxes.
    pub relaxes: Option<Sp<String>>,
    /// Where the deviation was seen (a public repository and path, a URL, an EVIDENCE.md entry).
    pub evidence: Option<Sp<String>>,
    /// `tcec-core-status`: the required fields that may be absent.
    pub fields: Vec<RawToleranceFields>,
    /// `status-array-variant`: the fields that may arrive as a one-item array under another name.
    pub variants: Vec<RawToleranceVariant>,
}

#[derive(Clone, Debug)]
pub struct RawToleranceFields {
    pub object: Sp<String>,
    pub fields: Vec<Sp<String>>,
}

#[derive(Clone, Debug)]
pub struct RawToleranceVariant {
    pub object: Sp<String>,
    pub field: Sp<String>,
    pub wire: Sp<String>,
}
