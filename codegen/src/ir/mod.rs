//! Stage 2: the IR. Every name is resolved, every constraint checked, every Rust identifier
//! computed; maps are ordered (declaration order of sorted files), so everything downstream is
//! deterministic. Emitters read only this.

mod build;
pub mod census;
pub mod ident;
mod summary;
pub mod vocab;

pub use build::build;
pub use census::{Census, Counts};
pub use summary::{summary, type_text as summary_type_text};

use indexmap::IndexMap;

pub use vocab::{
    Auth, Charset, Cipher, CodeKind, CondOp, DateFormat, DecimalWire, HexCase, KeyEncoding, Mac,
    Padding, ProcessingStep, Tag, TextEncoding,
};

/// Names and descriptions of an item.
#[derive(Clone, Debug, PartialEq)]
pub struct Info {
    pub zh: String,
    pub en: String,
    pub description: Option<String>,
    pub section: Option<String>,
}

/// Where an item comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    pub tags: Vec<Tag>,
    /// True for provisional items: never to be presented as fact.
    pub provisional: bool,
    pub note: Option<String>,
}

impl Provenance {
    /// The tags as written in the spec, e.g. `sz2020, tcec102`.
    pub fn tags_text(&self) -> String {
        self.tags
            .iter()
            .map(Tag::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tag::Db2024 => f.write_str("db2024"),
            Tag::Sz2020 => f.write_str("sz2020"),
            Tag::Tcec102 => f.write_str("tcec102"),
            Tag::Sz2024fe => f.write_str("sz2024fe"),
            Tag::Provisional => f.write_str("provisional"),
            Tag::Analogue(n) => write!(f, "analogue({n})"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edition {
    pub meta: EditionMeta,
    pub roles: IndexMap<String, Role>,
    pub types: IndexMap<String, NamedType>,
    /// Declared objects, then the inline payloads of interfaces (in interface order).
    pub objects: IndexMap<String, Object>,
    pub code_tables: IndexMap<String, CodeTable>,
    pub interfaces: IndexMap<String, Interface>,
    /// Ordered by flow number.
    pub flows: IndexMap<String, Flow>,
    pub security: Option<Security>,
    pub qr_code: Option<QrCode>,
    /// The tolerance profiles the edition declares, by name.
    pub tolerances: IndexMap<String, ToleranceDecl>,
}

/// A tolerance profile an edition declares (section `tolerances`).
#[derive(Clone, Debug, PartialEq)]
pub struct ToleranceDecl {
    pub name: String,
    pub tolerance: chargespec_runtime::Tolerance,
    pub info: Info,
    pub prov: Provenance,
    /// The clause of the standard it relaxes.
    pub relaxes: String,
    /// Where the deviation was seen.
    pub evidence: String,
    /// `tcec-core-status`: (object, field wire names).
    pub fields: Vec<(String, Vec<String>)>,
    /// `status-array-variant`: (object, field, alternative wire name).
    pub variants: Vec<(String, String, String)>,
}

impl Security {
    /// The Ret of the receiver check `step`, when the processing list has that check.
    pub fn check_ret(&self, step: ProcessingStep) -> Option<i64> {
        self.processing
            .iter()
            .find(|p| p.value.step == step)
            .and_then(|p| p.value.ret)
    }
}

impl Edition {
    /// The token interface (Appendix C), when the edition has one.
    pub fn token_interface(&self) -> Option<&Interface> {
        let name = &self.security.as_ref()?.token.as_ref()?.value.interface;
        self.interfaces.get(name)
    }

    /// The resolved envelope objects, when the edition has a security section with an envelope.
    pub fn envelope(&self) -> Option<&Envelope> {
        Some(&self.security.as_ref()?.envelope.as_ref()?.value)
    }

    /// The interfaces a role implements (those of `both` included), in spec order.
    pub fn implemented_by<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Interface> {
        self.interfaces
            .values()
            .filter(move |i| i.implementer.includes(role))
    }

    /// The interfaces a role calls (those of `both` included), in spec order.
    pub fn called_by<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Interface> {
        self.interfaces
            .values()
            .filter(move |i| i.caller.includes(role))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EditionMeta {
    pub id: String,
    pub number: String,
    pub info: Info,
    pub prov: Provenance,
    pub replaces: Option<String>,
    pub ics: Option<String>,
    pub ccs: Option<String>,
    pub issued: Option<String>,
    pub in_force: Option<String>,
    pub issuer: Option<String>,
    pub contents: Vec<Content>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    pub number: String,
    pub page: Option<String>,
    pub normative: bool,
    pub info: Info,
    pub prov: Provenance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub name: String,
    /// `City`: the stem of the generated server trait (`CityPlatform`) and client (`CityClient`).
    pub rust_name: String,
    /// `city`: the module of the role's server and client.
    pub module: String,
    pub info: Info,
    pub prov: Provenance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NamedType {
    pub name: String,
    pub rust_name: String,
    pub info: Info,
    pub prov: Provenance,
    /// The resolved type (named references followed).
    pub ty: Type,
}

/// A resolved field type. Named types are followed; `Field::type_name` remembers the name.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    String(StringType),
    Integer(IntegerType),
    Decimal(DecimalType),
    DateTime(DateFormat),
    Array(Box<ArrayType>),
    /// An object, by name (a key of `Edition::objects`).
    Object(String),
    /// A code table, by name (a key of `Edition::code_tables`).
    Code(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringType {
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    pub pattern: Option<String>,
    pub charset: Charset,
}

impl StringType {
    /// `Some(n)` when the length is exact.
    pub fn exact_len(&self) -> Option<u32> {
        match (self.min_len, self.max_len) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntegerType {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub max_text_len: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DecimalType {
    /// At most this many decimal places; `None` when the reference does not say.
    pub scale: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub wire: DecimalWire,
    pub max_text_len: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArrayType {
    pub items: Type,
    /// The named type of the items, when they were written as a name.
    pub items_type_name: Option<String>,
    pub min_items: Option<u32>,
    pub max_items: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectOrigin {
    /// Declared under `objects`.
    Declared,
    /// The inline request or response payload of an interface.
    Payload {
        interface: String,
        direction: PayloadDirection,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadDirection {
    Request,
    Response,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub name: String,
    pub rust_name: String,
    pub info: Info,
    pub prov: Provenance,
    pub origin: ObjectOrigin,
    pub fields: Vec<Field>,
    pub constraints: Vec<Constraint>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The name on the wire, exactly.
    pub wire: String,
    /// The Rust field name (`r#type` for keywords).
    pub rust_ident: String,
    pub info: Info,
    pub prov: Provenance,
    pub ty: Type,
    /// The named type the field was declared with, if any.
    pub type_name: Option<String>,
    pub requirement: Requirement,
    pub unit: Option<String>,
    /// Spellings accepted on input besides `wire`.
    pub aliases: Vec<String>,
    /// The corrected spelling, when `wire` is a known misspelling.
    pub misspelling_of: Option<String>,
    pub default: Option<Value>,
    /// A credential (a key of `security.keys` or the token): never printed or logged.
    pub secret: bool,
    /// `""` on the wire means the same as an absent field: not validated against the type.
    pub empty_means_absent: bool,
    /// Tolerance profiles under which this required field may be absent (so it is an `Option`
    /// in Rust; validation still requires it without the profile).
    pub relaxed_by: chargespec_runtime::Tolerances,
    /// Another wire name under which the field may arrive as a one-item array
    /// (`status-array-variant`).
    pub array_variant: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    Required,
    Optional,
    /// Required when the condition holds.
    Conditional(Condition),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// Wire name of a sibling field.
    pub field: String,
    /// Its index in the object's fields, resolved by the builder (which reports a condition
    /// naming no field).
    pub index: usize,
    pub op: CondOp,
    pub values: Vec<CodeValue>,
}

/// A code value: integer or string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CodeValue {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for CodeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CodeValue::Int(i) => write!(f, "{i}"),
            CodeValue::Str(s) => f.write_str(s),
        }
    }
}

impl From<&crate::load::raw::Scalar> for CodeValue {
    fn from(v: &crate::load::raw::Scalar) -> Self {
        match v {
            crate::load::raw::Scalar::Int(i) => CodeValue::Int(*i),
            crate::load::raw::Scalar::Str(s) => CodeValue::Str(s.clone()),
        }
    }
}

/// A literal value (defaults).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Str(String),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Constraint {
    pub info: Info,
    pub prov: Provenance,
    /// Groups of wire names: exactly one group is present, in full.
    pub exactly_one_of: Vec<Vec<String>>,
    /// The same groups as indices into the object's fields, resolved by the builder.
    pub groups: Vec<Vec<usize>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CodeTable {
    pub name: String,
    pub rust_name: String,
    pub info: Info,
    pub prov: Provenance,
    pub kind: CodeKind,
    /// Open tables keep unknown values.
    pub open: bool,
    pub codes: Vec<Code>,
    pub ranges: Vec<CodeRange>,
    pub category_table: Option<String>,
    pub appendix: Option<String>,
    pub table_no: Option<String>,
    pub value_max_len: Option<u32>,
    pub value_pattern: Option<String>,
}

impl CodeTable {
    /// Whether the table or any of its codes or ranges is provisional.
    pub fn has_provisional(&self) -> bool {
        self.prov.provisional
            || self.codes.iter().any(|c| c.prov.provisional)
            || self.ranges.iter().any(|r| r.prov.provisional)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    pub value: CodeValue,
    /// The enum variant name (unique in the table).
    pub rust_variant: String,
    pub info: Info,
    pub prov: Provenance,
    pub alt_zh: Vec<String>,
    pub category: Option<CodeValue>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CodeRange {
    pub from: i64,
    pub to: i64,
    /// The enum variant (carrying the value) for codes of the range.
    pub rust_variant: String,
    pub info: Info,
    pub prov: Provenance,
}

/// Who implements or calls an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Party {
    Role(String),
    Both,
}

impl Party {
    /// Whether the party is `role` (or both roles).
    pub fn includes(&self, role: &str) -> bool {
        match self {
            Party::Role(r) => r == role,
            Party::Both => true,
        }
    }
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Party::Role(r) => f.write_str(r),
            Party::Both => f.write_str("both"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Interface {
    /// The wire name: the last segment of the URL.
    pub name: String,
    /// `QueryStationsInfo`
    pub rust_name: String,
    /// `query_stations_info`
    pub fn_name: String,
    pub info: Info,
    pub prov: Provenance,
    pub implementer: Party,
    pub caller: Party,
    pub auth: Auth,
    pub optional: bool,
    pub trigger: Option<String>,
    pub frequency: Option<String>,
    pub section_2020: Option<String>,
    pub route_aliases: Vec<String>,
    pub request: Payload,
    pub response: Payload,
    pub paging: Option<Paging>,
    /// Flows whose steps name this interface, by key.
    pub flows: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Payload {
    /// The object carried in `Data` (a key of `Edition::objects`).
    pub object: String,
    /// True when the payload was written inline (`fields:`).
    pub inline: bool,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Paging {
    pub page_no: String,
    pub page_size: String,
    pub page_count: String,
    pub item_count: String,
    pub items: String,
    pub default_page_no: Option<i64>,
    pub default_page_size: Option<i64>,
    pub info: Info,
    pub prov: Provenance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub key: String,
    pub number: i64,
    pub info: Info,
    pub prov: Provenance,
    pub trigger: Option<String>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub interface: String,
    pub optional: bool,
    pub info: Info,
    pub prov: Provenance,
}

/// A documented block of chapter 10.
#[derive(Clone, Debug, PartialEq)]
pub struct Block<T> {
    pub info: Info,
    pub prov: Provenance,
    pub value: T,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Security {
    pub info: Info,
    pub prov: Provenance,
    pub transport: Option<Block<Transport>>,
    pub headers: Vec<Block<Header>>,
    pub envelope: Option<Block<Envelope>>,
    pub keys: Vec<Block<Key>>,
    pub encryption: Option<Block<Encryption>>,
    pub signature: Option<Block<Signature>>,
    pub timestamp: Option<Block<Timestamp>>,
    pub seq: Option<Block<Seq>>,
    pub token: Option<Block<Token>>,
    pub ret: Option<Block<RetCodes>>,
    pub processing: Vec<Block<ProcessingRule>>,
    pub push_ack: Option<Block<PushAck>>,
    pub resend: Option<Block<Resend>>,
    pub paging: Option<Block<PagingRule>>,
    pub replay: Option<Block<Replay>>,
    pub key_distribution: Option<Block<KeyDistribution>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Transport {
    pub schemes: Vec<String>,
    pub method: String,
    pub content_type: String,
    /// The HTTP status of every answer, refusals included (their Ret tells them apart).
    pub error_http_status: u16,
    pub url: Option<Block<Url>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Url {
    pub pattern: String,
    pub default_base_path: Option<String>,
    pub variants: Vec<Block<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    pub name: String,
    pub value: String,
    /// Interfaces that do not send this header.
    pub except: Vec<String>,
}

/// A resolved reference to a field of an object: the object, the field's position in it and
/// what emitters need of the field (its wire name, Rust name and type).
#[derive(Clone, Debug, PartialEq)]
pub struct FieldRef {
    /// The object holding the field (a key of `Edition::objects`).
    pub object: String,
    /// The field's position in the object's `fields`.
    pub index: usize,
    /// The wire name, exactly.
    pub wire: String,
    /// The Rust field name.
    pub rust_ident: String,
    pub ty: Type,
}

/// A resolved reference to a key of `Security::keys`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyRef {
    pub name: String,
    /// The field of the generated `Keys` struct (`data_secret_iv`).
    pub rust_ident: String,
}

/// The two envelope objects of chapter 10, each field resolved to its role.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope {
    pub request: RequestEnvelope,
    pub response: ResponseEnvelope,
}

/// The role of a field of the request envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestRole {
    /// The sender's identity (`OperatorID`).
    Sender,
    /// The payload (`Data`).
    Data,
    /// The envelope timestamp (`TimeStamp`).
    Timestamp,
    /// The sequence number (`Seq`).
    Seq,
    /// The signature (`Sig`).
    Signature,
}

/// The role of a field of the response envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseRole {
    /// The return code (`Ret`), a code of the Ret table.
    Ret,
    /// The message (`Msg`).
    Msg,
    /// The payload (`Data`).
    Data,
    /// The signature (`Sig`).
    Signature,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RequestEnvelope {
    /// The envelope object (a key of `Edition::objects`).
    pub object: String,
    /// Its Rust type name.
    pub rust_name: String,
    pub sender: FieldRef,
    pub data: FieldRef,
    /// Present when the section has a `timestamp` block.
    pub timestamp: Option<FieldRef>,
    /// Present when the section has a `seq` block.
    pub seq: Option<FieldRef>,
    /// Present when the section has a `signature` block.
    pub signature: Option<FieldRef>,
}

impl RequestEnvelope {
    /// The role of the envelope object's field at `index`, if it has one.
    pub fn role(&self, index: usize) -> Option<RequestRole> {
        [
            (Some(&self.sender), RequestRole::Sender),
            (Some(&self.data), RequestRole::Data),
            (self.timestamp.as_ref(), RequestRole::Timestamp),
            (self.seq.as_ref(), RequestRole::Seq),
            (self.signature.as_ref(), RequestRole::Signature),
        ]
        .into_iter()
        .find(|(f, _)| f.is_some_and(|f| f.index == index))
        .map(|(_, r)| r)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResponseEnvelope {
    /// The envelope object (a key of `Edition::objects`).
    pub object: String,
    /// Its Rust type name.
    pub rust_name: String,
    pub ret: FieldRef,
    pub msg: FieldRef,
    pub data: FieldRef,
    /// Present when the section has a `signature` block.
    pub signature: Option<FieldRef>,
}

impl ResponseEnvelope {
    /// The role of the envelope object's field at `index`, if it has one.
    pub fn role(&self, index: usize) -> Option<ResponseRole> {
        [
            (Some(&self.ret), ResponseRole::Ret),
            (Some(&self.msg), ResponseRole::Msg),
            (Some(&self.data), ResponseRole::Data),
            (self.signature.as_ref(), ResponseRole::Signature),
        ]
        .into_iter()
        .find(|(f, _)| f.is_some_and(|f| f.index == index))
        .map(|(_, r)| r)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    /// The field of the generated `Keys` struct (`data_secret_iv`).
    pub rust_ident: String,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Encryption {
    pub algorithm: Cipher,
    pub padding: Padding,
    /// Encoding of the plaintext (the business JSON).
    pub plaintext: TextEncoding,
    /// Encoding of the ciphertext in `Data`.
    pub ciphertext: TextEncoding,
    pub key: KeyRef,
    pub iv: KeyRef,
    pub key_encoding: KeyEncoding,
    /// The encrypted fields, by wire name (each a field of both envelopes).
    pub fields: Vec<String>,
    pub empty_data_plain: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub algorithm: Mac,
    /// The wire name of the envelope field that carries the signature (in both envelopes; the
    /// resolved fields are `RequestEnvelope::signature` and `ResponseEnvelope::signature`).
    pub field: String,
    pub key: KeyRef,
    pub key_encoding: KeyEncoding,
    /// The request envelope fields the signature covers, in order.
    pub request_fields: Vec<FieldRef>,
    /// The response envelope fields the signature covers, in order.
    pub response_fields: Vec<FieldRef>,
    pub separator: String,
    pub hex_case: HexCase,
    pub verify_before_decrypt: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Timestamp {
    /// The wire name of the timestamp field (resolved: `RequestEnvelope::timestamp`).
    pub field: String,
    pub format: DateFormat,
    /// The offset as written (`+08:00`).
    pub utc_offset: String,
    /// The offset in seconds east of UTC (`28800`).
    pub utc_offset_s: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Seq {
    /// The wire name of the sequence field (resolved: `RequestEnvelope::seq`).
    pub field: String,
    pub min: u32,
    pub max: u32,
    pub width: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    /// The token interface (a key of `Edition::interfaces`).
    pub interface: String,
    pub header: String,
    pub scheme: String,
    /// The caller's identity in the token request (`OperatorID`).
    pub operator: FieldRef,
    /// The secret in the token request (`OperatorSecret`).
    pub secret: FieldRef,
    /// The key presented as that secret.
    pub secret_key: KeyRef,
    /// The token in the response (`AccessToken`).
    pub token: FieldRef,
    /// The token lifetime in the response (`TokenAvailableTime`).
    pub lifetime: FieldRef,
    pub lifetime_unit: String,
    /// The outcome in the response (`SuccStat`).
    pub success: FieldRef,
    /// The `success` value of an issued token.
    pub success_code: i64,
    /// The `success` value of a refusal.
    pub failure_code: i64,
    /// The failure reason in the response (`FailReason`) and its codes, when the spec has one.
    pub fail_reason: Option<FailReason>,
    /// Response fields that echo the request field of the same wire name (request, response).
    pub echo: Vec<(FieldRef, FieldRef)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FailReason {
    pub field: FieldRef,
    /// No failure.
    pub none: Option<i64>,
    /// The caller is not a configured peer.
    pub unknown_operator: Option<i64>,
    /// The secret is wrong.
    pub wrong_secret: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RetCodes {
    pub table: String,
    pub success: i64,
    pub busy: i64,
    pub bad_signature: i64,
    pub bad_token: i64,
    pub bad_envelope: i64,
    pub bad_payload: i64,
    pub system_error: i64,
    pub messages: Vec<Block<RetMessage>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RetMessage {
    pub ret: i64,
    pub msg: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProcessingRule {
    pub step: ProcessingStep,
    /// The Ret of a failed check; `Some` for every step but `handle` (the builder checks it).
    pub ret: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PushAck {
    pub object: String,
    pub field: String,
    pub table: String,
    pub accepted: i64,
    pub discarded: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Resend {
    pub attempts: Option<i64>,
    pub interval_s: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PagingRule {
    pub default_page_no: Option<i64>,
    pub default_page_size: Option<i64>,
    pub max_page_size: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Replay {
    pub window_s: Option<i64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyDistribution {
    pub interfaces: Vec<String>,
    pub envelope: String,
    pub algorithms: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QrCode {
    pub info: Info,
    pub prov: Provenance,
    pub parts: Vec<QrPart>,
    pub patterns: Vec<QrPattern>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum QrPartKind {
    Literal(String),
    Field { field: String, ty: Option<Type> },
    Tail,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QrPart {
    pub kind: QrPartKind,
    pub info: Info,
    pub prov: Provenance,
}

#[derive(Clone, Debug, PartialEq)]
pub struct QrPattern {
    pub name: String,
    pub pattern: String,
    pub info: Info,
    pub prov: Provenance,
}
