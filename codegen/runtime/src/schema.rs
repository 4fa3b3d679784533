//! Descriptors of an edition's objects and code tables, and the one validator that interprets
//! them.
//!
//! A [`Schema`] is plain data: per object its fields (wire name, aliases, type and constraints,
//! requirement and condition, provisional flag, provenance) and its cross-field constraints; per
//! code table its codes and ranges. Generated crates hold their schema as a `static`; the
//! `chargespec validate` command builds the same descriptors from the IR at run time. Either way
//! the walk below checks the value:
//!
//! - a typed value (a generated struct) through [`Node`], which hands out its fields by index;
//! - any JSON value ([`serde_json::Value`]) through the same trait, looking fields up by wire
//!   name and aliases.
//!
//! Every violation is collected with its JSON pointer; nothing stops at the first problem.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::time::DateFormat;
use crate::tolerance::{Tolerance, Tolerances};
use crate::validate::{Charset, Rule, Validator};

/// The descriptors of one edition.
#[derive(Clone, Copy, Debug)]
pub struct Schema<'a> {
    /// The edition's id, e.g. `db4403-77-2024`.
    pub edition: &'a str,
    pub objects: &'a [ObjectDesc<'a>],
    pub tables: &'a [TableDesc<'a>],
    /// The tolerance profiles the edition declares (the names a peer's configuration may
    /// switch on), with the clause each relaxes.
    pub tolerances: &'a [ToleranceDesc<'a>],
}

/// A tolerance profile an edition declares.
#[derive(Clone, Copy, Debug)]
pub struct ToleranceDesc<'a> {
    pub tolerance: Tolerance,
    /// The clause of the standard it relaxes, as text.
    pub relaxes: &'a str,
}

impl<'a> Schema<'a> {
    /// The declared profile named `name` (`numbers-as-strings`).
    pub fn tolerance(&self, name: &str) -> Option<Tolerance> {
        self.tolerances
            .iter()
            .map(|t| t.tolerance)
            .find(|t| t.name() == name)
    }
}

impl<'a> Schema<'a> {
    /// The object named `name`, by its spec name.
    pub fn object(&self, name: &str) -> Option<usize> {
        self.objects.iter().position(|o| o.name == name)
    }

    /// The code table named `name`.
    pub fn table(&self, name: &str) -> Option<usize> {
        self.tables.iter().position(|t| t.name == name)
    }
}

/// One information object (or inline interface payload).
#[derive(Clone, Copy, Debug)]
pub struct ObjectDesc<'a> {
    /// The spec name, e.g. `ConnectorStatusInfo`.
    pub name: &'a str,
    pub provisional: bool,
    /// The provenance tags as written in the spec, e.g. `tcec102, sz2020`.
    pub provenance: &'a str,
    pub fields: &'a [FieldDesc<'a>],
    pub exactly_one_of: &'a [OneOf<'a>],
}

/// "Exactly one of these groups of fields is present, in full."
#[derive(Clone, Copy, Debug)]
pub struct OneOf<'a> {
    /// Each group as indices into the object's fields.
    pub groups: &'a [&'a [usize]],
    /// The groups as text, e.g. `[StationID] | [EquipmentID, ConnectorID]`.
    pub text: &'a str,
    pub provisional: bool,
}

/// One field of an object.
#[derive(Clone, Copy, Debug)]
pub struct FieldDesc<'a> {
    /// The name on the wire, exactly.
    pub wire: &'a str,
    /// Other spellings accepted on input.
    pub aliases: &'a [&'a str],
    pub ty: TypeDesc<'a>,
    pub requirement: Requirement<'a>,
    pub provisional: bool,
    pub provenance: &'a str,
    /// A credential: its value is never shown.
    pub secret: bool,
    /// `""` on the wire means absent: not checked against the type.
    pub empty_means_absent: bool,
    /// The tolerance profiles under which this required field may be absent (a warning and a
    /// deviation instead of an error): [`Tolerance::TcecCoreStatus`] for the Shenzhen additions.
    pub relaxed_by: Tolerances,
    /// Another wire name under which the field may arrive as an array of exactly one item,
    /// under [`Tolerance::StatusArrayVariant`] (`ConnectorStatusInfos` for
    /// `ConnectorStatusInfo`).
    pub array_variant: Option<&'a str>,
}

/// Const builders, so that generated descriptors read as one line per field:
/// `FieldDesc::new("SOC", ty).optional().prov(P3)`.
impl<'a> FieldDesc<'a> {
    /// A required field of type `ty` with no aliases, not provisional, not secret.
    pub const fn new(wire: &'a str, ty: TypeDesc<'a>) -> Self {
        FieldDesc {
            wire,
            aliases: &[],
            ty,
            requirement: Requirement::Required,
            provisional: false,
            provenance: "",
            secret: false,
            empty_means_absent: false,
            relaxed_by: Tolerances::NONE,
            array_variant: None,
        }
    }
    #[must_use]
    pub const fn optional(mut self) -> Self {
        self.requirement = Requirement::Optional;
        self
    }
    #[must_use]
    pub const fn when(mut self, c: Condition<'a>) -> Self {
        self.requirement = Requirement::When(c);
        self
    }
    #[must_use]
    pub const fn provisional(mut self) -> Self {
        self.provisional = true;
        self
    }
    #[must_use]
    pub const fn secret(mut self) -> Self {
        self.secret = true;
        self
    }
    #[must_use]
    pub const fn empty_means_absent(mut self) -> Self {
        self.empty_means_absent = true;
        self
    }
    #[must_use]
    pub const fn relaxed_by(mut self, tolerances: Tolerances) -> Self {
        self.relaxed_by = tolerances;
        self
    }
    #[must_use]
    pub const fn array_variant(mut self, wire: &'a str) -> Self {
        self.array_variant = Some(wire);
        self
    }
    #[must_use]
    pub const fn aliases(mut self, aliases: &'a [&'a str]) -> Self {
        self.aliases = aliases;
        self
    }
    #[must_use]
    pub const fn prov(mut self, provenance: &'a str) -> Self {
        self.provenance = provenance;
        self
    }
}

impl<'a> ObjectDesc<'a> {
    /// An object that is not provisional and has no cross-field constraint.
    pub const fn new(name: &'a str, provenance: &'a str, fields: &'a [FieldDesc<'a>]) -> Self {
        ObjectDesc {
            name,
            provisional: false,
            provenance,
            fields,
            exactly_one_of: &[],
        }
    }
    #[must_use]
    pub const fn provisional(mut self) -> Self {
        self.provisional = true;
        self
    }
    #[must_use]
    pub const fn one_of(mut self, c: &'a [OneOf<'a>]) -> Self {
        self.exactly_one_of = c;
        self
    }
}

impl<'a> TableDesc<'a> {
    /// A closed table of integer codes (sorted) and ranges.
    pub const fn int(name: &'a str, values: &'a [i64], ranges: &'a [(i64, i64)]) -> Self {
        TableDesc {
            name,
            open: false,
            codes: Codes::Int { values, ranges },
            value: StringDesc::EMPTY,
        }
    }
    /// A closed table of string codes (sorted).
    pub const fn str(name: &'a str, values: &'a [&'a str]) -> Self {
        TableDesc {
            name,
            open: false,
            codes: Codes::Str { values },
            value: StringDesc::EMPTY,
        }
    }
    #[must_use]
    pub const fn open(mut self) -> Self {
        self.open = true;
        self
    }
    /// The constraint on every value of the table, known or not.
    #[must_use]
    pub const fn value(mut self, value: StringDesc<'a>) -> Self {
        self.value = value;
        self
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Requirement<'a> {
    Required,
    Optional,
    /// Required when the condition on a sibling holds.
    When(Condition<'a>),
}

/// A condition on a sibling field's value.
#[derive(Clone, Copy, Debug)]
pub struct Condition<'a> {
    /// The sibling, as an index into the object's fields.
    pub field: usize,
    /// True for `not_in`: the condition holds when the value is none of `values`.
    pub negate: bool,
    pub values: &'a [Lit<'a>],
    /// The condition as text, e.g. `StationType in [255]`.
    pub text: &'a str,
}

/// A literal code value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lit<'a> {
    Int(i64),
    Str(&'a str),
}

/// The type of a value, with its constraints.
#[derive(Clone, Copy, Debug)]
pub enum TypeDesc<'a> {
    String(StringDesc<'a>),
    Integer(IntegerDesc),
    Decimal(DecimalDesc),
    Date(DateFormat),
    Array(&'a ArrayDesc<'a>),
    /// An object, as an index into [`Schema::objects`].
    Object(usize),
    /// A code, as an index into [`Schema::tables`].
    Code(usize),
}

#[derive(Clone, Copy, Debug, Default)]
pub struct StringDesc<'a> {
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    pub charset: Option<Charset>,
    pub pattern: Option<&'a str>,
}

impl<'a> StringDesc<'a> {
    /// No constraint.
    pub const EMPTY: StringDesc<'static> = StringDesc {
        min_len: None,
        max_len: None,
        charset: None,
        pattern: None,
    };
    /// Between `min` and `max` characters.
    pub const fn len(min: Option<u32>, max: Option<u32>) -> Self {
        StringDesc {
            min_len: min,
            max_len: max,
            charset: None,
            pattern: None,
        }
    }
    /// Exactly `n` characters.
    pub const fn exact(n: u32) -> Self {
        Self::len(Some(n), Some(n))
    }
    /// At most `n` characters.
    pub const fn max(n: u32) -> Self {
        Self::len(None, Some(n))
    }
    #[must_use]
    pub const fn charset(mut self, c: Charset) -> Self {
        self.charset = Some(c);
        self
    }
    #[must_use]
    pub const fn pattern(mut self, p: &'a str) -> Self {
        self.pattern = Some(p);
        self
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct IntegerDesc {
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub max_text_len: Option<u32>,
}

impl IntegerDesc {
    /// No constraint.
    pub const EMPTY: IntegerDesc = IntegerDesc {
        min: None,
        max: None,
        max_text_len: None,
    };
}

#[derive(Clone, Copy, Debug, Default)]
pub struct DecimalDesc {
    pub scale: Option<u32>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub max_text_len: Option<u32>,
    /// The wire form is a JSON string (else a JSON number).
    pub text: bool,
}

impl DecimalDesc {
    /// At most `n` decimal places, no other constraint.
    pub const fn scale(n: u32) -> Self {
        DecimalDesc {
            scale: Some(n),
            ..DecimalDesc::EMPTY
        }
    }
    /// No constraint.
    pub const EMPTY: DecimalDesc = DecimalDesc {
        scale: None,
        min: None,
        max: None,
        max_text_len: None,
        text: false,
    };
    /// Sent as a JSON string.
    #[must_use]
    pub const fn text(mut self) -> Self {
        self.text = true;
        self
    }
}

#[derive(Clone, Copy, Debug)]
pub struct ArrayDesc<'a> {
    pub items: TypeDesc<'a>,
    pub min_items: Option<u32>,
    pub max_items: Option<u32>,
}

/// A code table.
#[derive(Clone, Copy, Debug)]
pub struct TableDesc<'a> {
    /// The spec name, e.g. `T-ConnectorStatus`.
    pub name: &'a str,
    /// Open tables expect unknown values (warnings, never errors).
    pub open: bool,
    pub codes: Codes<'a>,
    /// What every value must be, known or not (length and pattern of string codes).
    pub value: StringDesc<'a>,
}

/// The codes of a table, sorted so that membership is a binary search.
#[derive(Clone, Copy, Debug)]
pub enum Codes<'a> {
    Int {
        values: &'a [i64],
        /// Inclusive ranges of further codes.
        ranges: &'a [(i64, i64)],
    },
    Str {
        values: &'a [&'a str],
    },
}

impl TableDesc<'_> {
    fn knows(&self, code: Lit<'_>) -> bool {
        match (self.codes, code) {
            (Codes::Int { values, ranges }, Lit::Int(i)) => {
                values.binary_search(&i).is_ok()
                    || ranges.iter().any(|(a, b)| (*a..=*b).contains(&i))
            }
            (Codes::Str { values }, Lit::Str(s)) => values.binary_search(&s).is_ok(),
            _ => false,
        }
    }

    fn is_int(&self) -> bool {
        matches!(self.codes, Codes::Int { .. })
    }
}

/// A value as the walk sees it: typed values and JSON values both hand these out.
#[derive(Clone, Copy)]
pub enum View<'v> {
    /// The field is not there.
    Absent,
    Null,
    Bool(bool),
    /// Text: strings, dates and string codes.
    Str(&'v str),
    /// A typed integer (integers and integer codes).
    Int(i64),
    /// A typed decimal.
    Decimal(&'v Decimal),
    /// A JSON number, as its exact text.
    Number(&'v str),
    Object(&'v dyn Node),
    List(&'v dyn Items),
}

/// A value that hands out its fields, by their index in the object's descriptor.
pub trait Node {
    fn field(&self, index: usize, desc: &FieldDesc<'_>) -> View<'_>;
}

/// A list of values.
pub trait Items {
    fn count(&self) -> usize;
    fn item(&self, index: usize) -> View<'_>;
}

/// Implemented by every value a field can hold.
pub trait ToView {
    fn view(&self) -> View<'_>;
}

impl ToView for String {
    fn view(&self) -> View<'_> {
        View::Str(self)
    }
}

impl ToView for crate::Secret {
    fn view(&self) -> View<'_> {
        View::Str(self.expose())
    }
}

impl ToView for i64 {
    fn view(&self) -> View<'_> {
        View::Int(*self)
    }
}

impl ToView for Decimal {
    fn view(&self) -> View<'_> {
        View::Decimal(self)
    }
}

impl<T: ToView> ToView for Option<T> {
    fn view(&self) -> View<'_> {
        match self {
            Some(x) => x.view(),
            None => View::Absent,
        }
    }
}

impl<T: ToView> Items for Vec<T> {
    fn count(&self) -> usize {
        self.len()
    }
    fn item(&self, index: usize) -> View<'_> {
        self.get(index).map_or(View::Absent, ToView::view)
    }
}

impl<T: ToView> ToView for Vec<T> {
    fn view(&self) -> View<'_> {
        View::List(self)
    }
}

macro_rules! date_views {
    ($($t:ident),*) => {$(
        impl ToView for crate::time::$t {
            fn view(&self) -> View<'_> {
                View::Str(self.as_str())
            }
        }
    )*};
}
date_views!(DateTime, Date, CompactDateTime, Time);

impl ToView for serde_json::Value {
    fn view(&self) -> View<'_> {
        use serde_json::Value as V;
        match self {
            V::Null => View::Null,
            V::Bool(b) => View::Bool(*b),
            V::Number(n) => View::Number(n.as_str()),
            V::String(s) => View::Str(s),
            V::Array(a) => View::List(a),
            V::Object(m) => View::Object(m),
        }
    }
}

impl Node for serde_json::Map<String, serde_json::Value> {
    fn field(&self, _index: usize, desc: &FieldDesc<'_>) -> View<'_> {
        std::iter::once(desc.wire)
            .chain(desc.aliases.iter().copied())
            .find_map(|n| self.get(n))
            .map_or(View::Absent, ToView::view)
    }
}

/// A generated struct described by an object of its crate's schema.
pub trait Described: Node {
    /// The crate's schema.
    fn schema() -> &'static Schema<'static>;
    /// The index of this type's object in [`Described::schema`].
    const OBJECT: usize;
}

impl<T: Described> crate::Validate for T {
    fn validate_into(&self, v: &mut Validator<'static>) {
        check_object(v, T::schema(), T::OBJECT, self);
    }
}

/// The glue between a generated struct and its descriptor: `Node` (the fields in the order of
/// the descriptor), `Described` (which object of which schema) and `ToView`.
///
/// ```ignore
/// chargespec_runtime::describe!(SCHEMA, types::BinInfo = 9 { bin_id, bin_name, power });
/// ```
#[macro_export]
macro_rules! describe {
    ($schema:path, $ty:path = $object:literal { $($field:ident),* $(,)? }) => {
        impl $crate::schema::Node for $ty {
            fn field(&self, index: usize, _: &$crate::schema::FieldDesc<'_>) -> $crate::schema::View<'_> {
                #[allow(unused_imports)]
                use $crate::schema::ToView as _;
                // One table per type, built at compile time (not on every call).
                const FIELDS: &[fn(&$ty) -> $crate::schema::View<'_>] =
                    &[$(|s: &$ty| s.$field.view()),*];
                FIELDS.get(index).map_or($crate::schema::View::Absent, |f| f(self))
            }
        }
        impl $crate::schema::Described for $ty {
            fn schema() -> &'static $crate::schema::Schema<'static> {
                &$schema
            }
            const OBJECT: usize = $object;
        }
        impl $crate::schema::ToView for $ty {
            fn view(&self) -> $crate::schema::View<'_> {
                $crate::schema::View::Object(self)
            }
        }
    };
}

/// `ToView` for generated code tables: the code as on the wire.
#[macro_export]
macro_rules! code_views {
    ($($ty:path),* $(,)?) => {$(
        impl $crate::schema::ToView for $ty {
            fn view(&self) -> $crate::schema::View<'_> {
                $crate::schema::code_view(self)
            }
        }
    )*};
}

/// The JSON kinds, as described in `type` violations.
const STRING: &str = "a JSON string";
const INTEGER: &str = "a JSON integer";
const NUMBER: &str = "a JSON number";
const NUMERIC_STRING: &str = "a JSON string holding a decimal";
const INT_CODE: &str = "an integer code";
const STR_CODE: &str = "a string code";
const ARRAY: &str = "a JSON array";
const OBJECT: &str = "a JSON object";

/// Checks `value` as an instance of object `object` of `schema`, recording every violation
/// below the validator's current path.
pub fn check_object<'a>(
    v: &mut Validator<'a>,
    schema: &Schema<'a>,
    object: usize,
    value: &dyn Node,
) {
    let Some(desc) = schema.objects.get(object) else {
        return;
    };
    for (i, f) in desc.fields.iter().enumerate() {
        let x = value.field(i, f);
        // A null optional field is an absent one; a null required field has the wrong kind.
        let absent = match x {
            View::Absent => true,
            View::Null => !matches!(f.requirement, Requirement::Required),
            _ => false,
        };
        if absent {
            if let Some(rule) = missing_rule(desc, f, value) {
                let relaxed = match rule {
                    Rule::Required => f.relaxed_by.and(v.mode().tolerances).iter().next(),
                    _ => None,
                };
                v.item(f.wire, f.provisional, f.provenance, |v| match relaxed {
                    Some(t) => {
                        v.deviation(t, "");
                        v.warning(rule, "");
                    }
                    None => v.violation(rule, ""),
                });
            }
        } else if !(f.empty_means_absent && matches!(x, View::Str(""))) {
            v.item(f.wire, f.provisional, f.provenance, |v| {
                check_value(v, schema, &f.ty, x, f.secret);
            });
        }
    }
    for c in desc.exactly_one_of {
        let full = c
            .groups
            .iter()
            .filter(|g| g.iter().all(|&i| present(desc, value, i)))
            .count();
        let partial = c.groups.iter().any(|g| {
            let n = g.iter().filter(|&&i| present(desc, value, i)).count();
            n > 0 && n < g.len()
        });
        if full != 1 || partial {
            v.with_provenance(desc.provenance, |v| {
                v.constraint(c.provisional, Rule::ExactlyOneOf(c.text.to_owned()));
            });
        }
    }
}

fn present(desc: &ObjectDesc<'_>, value: &dyn Node, i: usize) -> bool {
    desc.fields
        .get(i)
        .is_some_and(|f| !matches!(value.field(i, f), View::Absent | View::Null))
}

/// The rule an absent field breaks, if any.
fn missing_rule(desc: &ObjectDesc<'_>, f: &FieldDesc<'_>, value: &dyn Node) -> Option<Rule> {
    match f.requirement {
        Requirement::Required => Some(Rule::Required),
        Requirement::Optional => None,
        Requirement::When(c) => {
            let sibling = desc.fields.get(c.field)?;
            let holds = match literal(value.field(c.field, sibling)) {
                Some(lit) => c.values.contains(&lit) != c.negate,
                None => false,
            };
            holds.then(|| Rule::RequiredWhen(c.text.to_owned()))
        }
    }
}

/// The code value of a view, for conditions.
fn literal<'v>(x: View<'v>) -> Option<Lit<'v>> {
    match x {
        View::Int(i) => Some(Lit::Int(i)),
        View::Str(s) => Some(match s.trim().parse::<i64>() {
            Ok(i) => Lit::Int(i),
            Err(_) => Lit::Str(s),
        }),
        View::Number(n) => n.parse::<i64>().ok().map(Lit::Int),
        _ => None,
    }
}

fn shown(x: View<'_>, secret: bool) -> String {
    if secret {
        return String::from("***");
    }
    let s = match x {
        View::Absent => String::new(),
        View::Null => String::from("null"),
        View::Bool(b) => b.to_string(),
        View::Str(s) => serde_json::Value::from(s).to_string(),
        View::Int(i) => i.to_string(),
        View::Decimal(d) => d.to_string(),
        View::Number(n) => n.to_owned(),
        View::Object(_) => String::from("{…}"),
        View::List(_) => String::from("[…]"),
    };
    crate::validate::bounded(&s)
}

/// Checks one value against its type.
pub fn check_value<'a>(
    v: &mut Validator<'a>,
    schema: &Schema<'a>,
    ty: &TypeDesc<'a>,
    x: View<'_>,
    secret: bool,
) {
    match ty {
        TypeDesc::String(s) => match x {
            View::Str(text) => check_string(v, s, text, secret),
            _ => v.violation(Rule::Type(STRING), shown(x, secret)),
        },
        TypeDesc::Date(fmt) => match x {
            View::Str(text) => {
                if fmt.parse(text).is_none() {
                    v.violation(Rule::Format(fmt.pattern()), text);
                }
            }
            _ => v.violation(Rule::Type(STRING), shown(x, secret)),
        },
        TypeDesc::Integer(d) => match integer(x) {
            Some(i) => v.int(i, d.min, d.max, d.max_text_len),
            None => v.violation(Rule::Type(INTEGER), shown(x, secret)),
        },
        TypeDesc::Decimal(d) => match decimal(x, d.text) {
            Some(n) => v.decimal(&n, d.scale, d.min, d.max, d.max_text_len),
            None => {
                let kind = if d.text { NUMERIC_STRING } else { NUMBER };
                v.violation(Rule::Type(kind), shown(x, secret));
            }
        },
        TypeDesc::Code(t) => {
            let Some(table) = schema.tables.get(*t) else {
                return;
            };
            match code(table, x) {
                Some(lit) => {
                    if let Lit::Str(s) = lit {
                        check_string(v, &table.value, s, secret);
                    }
                    if !table.knows(lit) {
                        v.unknown_code(table.name, table.open, &lit_text(lit));
                    }
                }
                None => {
                    let kind = if table.is_int() { INT_CODE } else { STR_CODE };
                    v.violation(Rule::Type(kind), shown(x, secret));
                }
            }
        }
        TypeDesc::Array(a) => match x {
            View::List(items) => {
                let n = items.count();
                v.items(n, a.min_items, a.max_items);
                for i in 0..n {
                    let item = items.item(i);
                    v.index(i, |v| check_value(v, schema, &a.items, item, secret));
                }
            }
            _ => v.violation(Rule::Type(ARRAY), shown(x, secret)),
        },
        TypeDesc::Object(o) => match x {
            View::Object(node) => check_object(v, schema, *o, node),
            _ => v.violation(Rule::Type(OBJECT), shown(x, secret)),
        },
    }
}

fn check_string<'a>(v: &mut Validator<'a>, s: &StringDesc<'a>, text: &str, secret: bool) {
    v.text(text, s.min_len, s.max_len, s.charset, secret);
    if let Some(p) = s.pattern
        && let Some(re) = regex(p)
        && !re.is_match(text)
    {
        // `violation` bounds and escapes what it shows.
        v.violation(
            Rule::Pattern(p.to_owned()),
            if secret { "***" } else { text },
        );
    }
}

/// A JSON integer (or a typed one).
fn integer(x: View<'_>) -> Option<i64> {
    match x {
        View::Int(i) => Some(i),
        View::Number(n) => n.parse::<i64>().ok(),
        _ => None,
    }
}

/// A decimal: a typed one, or in its wire form (a JSON number, or a string holding one when
/// `text`). The other form is a deviation ([`Tolerance::NumbersAsStrings`], [`normalise`]).
fn decimal(x: View<'_>, text: bool) -> Option<Decimal> {
    match x {
        View::Decimal(d) => Some(*d),
        View::Int(i) if !text => Some(Decimal::from(i)),
        View::Number(n) if !text => parse_decimal(n),
        View::Str(s) if text => parse_decimal(s),
        _ => None,
    }
}

/// The exact decimal a number's text holds (`12.50`, `1e3`).
pub(crate) fn parse_decimal(s: &str) -> Option<Decimal> {
    if s.contains(['e', 'E']) {
        Decimal::from_scientific(s).ok()
    } else {
        s.parse::<Decimal>().ok()
    }
}

/// The code a view holds for a table of the given kind: integer tables take a JSON integer
/// (`"3"` and `3.0` are deviations: [`normalise`]); string tables take a string or a number's
/// text.
fn code<'v>(table: &TableDesc<'_>, x: View<'v>) -> Option<Lit<'v>> {
    if table.is_int() {
        match x {
            View::Int(i) => Some(Lit::Int(i)),
            View::Number(n) => n.parse::<i64>().ok().map(Lit::Int),
            _ => None,
        }
    } else {
        match x {
            View::Str(s) | View::Number(s) => Some(Lit::Str(s)),
            _ => None,
        }
    }
}

/// An integral JSON number (`3`, `3.0`) as an integer.
fn integral(n: &str) -> Option<i64> {
    if let Ok(i) = n.parse::<i64>() {
        return Some(i);
    }
    let f = n.parse::<f64>().ok()?;
    if f.fract() != 0.0 || !f.is_finite() {
        return None;
    }
    Decimal::from_f64_retain(f)?.to_i64()
}

fn lit_text(l: Lit<'_>) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Str(s) => s.to_owned(),
    }
}

/// The compiled regular expression of a pattern (compiled once per process). The cache hands
/// out the shared `Arc`: cloning a `Regex` itself would give each clone a fresh cache pool, so
/// that every match would allocate its matching state anew.
fn regex(p: &str) -> Option<Arc<regex::Regex>> {
    static CACHE: LazyLock<RwLock<HashMap<String, Option<Arc<regex::Regex>>>>> =
        LazyLock::new(RwLock::default);
    if let Some(re) = crate::lock_read(&CACHE).get(p) {
        return re.clone();
    }
    let re = regex::Regex::new(p).ok().map(Arc::new);
    crate::lock_write(&CACHE).insert(p.to_owned(), re.clone());
    re
}

/// Validates a JSON value as the object that describes `T`.
pub fn check_json_as<T: Described>(value: &serde_json::Value, mode: crate::Mode) -> crate::Report {
    check_json(T::schema(), T::OBJECT, value, mode)
}

/// The view of a code value, for the `ToView` impls of generated code tables.
pub fn code_view<C: crate::CodeTable>(c: &C) -> View<'_> {
    match c.code_value() {
        crate::CodeValue::Int(i) => View::Int(i),
        crate::CodeValue::Str(s) => View::Str(s),
    }
}

/// Validates a JSON value as object `object` of `schema`.
pub fn check_json<'a>(
    schema: &Schema<'a>,
    object: usize,
    value: &serde_json::Value,
    mode: crate::Mode,
) -> crate::Report {
    let mut v = Validator::new(mode);
    if mode.tolerances.is_empty() {
        walk_json(&mut v, schema, object, value);
    } else {
        let mut value = value.clone();
        normalise(&mut v, schema, object, &mut value);
        walk_json(&mut v, schema, object, &value);
    }
    v.into_report()
}

/// Walks a JSON value as object `object` of `schema`.
pub fn walk_json<'a>(
    v: &mut Validator<'a>,
    schema: &Schema<'a>,
    object: usize,
    value: &serde_json::Value,
) {
    match value {
        serde_json::Value::Object(map) => check_object(v, schema, object, map),
        other => v.violation(Rule::Type(OBJECT), shown(other.view(), false)),
    }
}

/// Rewrites, in a JSON value of object `object`, every deviation the mode's tolerance profiles
/// accept into the standard's form, recording each as a [`crate::Deviation`] at its pointer:
/// numeric strings become numbers (`numbers-as-strings`), integral floats of integer fields
/// become integers (`integral-float-as-integer`), `""` of an optional field whose type has no
/// empty value is removed (`empty-string-as-absent`), and a one-item array under a field's
/// array variant becomes the field (`status-array-variant`). What no profile of the mode
/// accepts is left as it is, for the walk to report. Run before deserialising into the typed
/// structs, which read only the standard's forms.
pub fn normalise<'a>(
    v: &mut Validator<'a>,
    schema: &Schema<'a>,
    object: usize,
    value: &mut serde_json::Value,
) {
    if v.mode().tolerances.is_empty() {
        return;
    }
    let (Some(desc), serde_json::Value::Object(map)) = (schema.objects.get(object), value) else {
        return;
    };
    for f in desc.fields {
        let key = std::iter::once(f.wire)
            .chain(f.aliases.iter().copied())
            .find(|k| map.contains_key(*k));
        let Some(key) = key else {
            if let Some(alt) = f.array_variant
                && v.tolerates(Tolerance::StatusArrayVariant)
                && let Some(serde_json::Value::Array(items)) = map.get(alt)
                && items.len() == 1
                && let Some(serde_json::Value::Array(mut items)) = map.remove(alt)
                && let Some(item) = items.pop()
            {
                v.field(alt, false, |v| {
                    v.deviation(Tolerance::StatusArrayVariant, "[…]");
                });
                let mut item = item;
                v.field(f.wire, false, |v| {
                    normalise_value(v, schema, &f.ty, &mut item, f.secret);
                });
                map.insert(f.wire.to_owned(), item);
            }
            continue;
        };
        let Some(x) = map.get_mut(key) else {
            continue;
        };
        if x.as_str() == Some("")
            && !matches!(f.requirement, Requirement::Required)
            && !f.empty_means_absent
            && v.tolerates(Tolerance::EmptyStringAsAbsent)
            && !empty_is_a_value(schema, &f.ty)
        {
            v.field(f.wire, false, |v| {
                v.deviation(Tolerance::EmptyStringAsAbsent, "\"\"");
            });
            map.remove(key);
            continue;
        }
        v.field(f.wire, false, |v| {
            normalise_value(v, schema, &f.ty, x, f.secret);
        });
    }
}

/// Whether `""` is a value of the type (a string without a minimum length or a pattern that
/// refuses it, or a string code of the table).
fn empty_is_a_value(schema: &Schema<'_>, ty: &TypeDesc<'_>) -> bool {
    match ty {
        TypeDesc::String(s) => {
            s.min_len.is_none_or(|m| m == 0)
                && s.pattern
                    .is_none_or(|p| regex(p).is_none_or(|re| re.is_match("")))
        }
        TypeDesc::Code(t) => schema
            .tables
            .get(*t)
            .is_some_and(|t| !t.is_int() && t.knows(Lit::Str(""))),
        _ => false,
    }
}

fn normalise_value<'a>(
    v: &mut Validator<'a>,
    schema: &Schema<'a>,
    ty: &TypeDesc<'a>,
    x: &mut serde_json::Value,
    secret: bool,
) {
    match ty {
        TypeDesc::Integer(_) => normalise_integer(v, x, secret),
        TypeDesc::Code(t) if schema.tables.get(*t).is_some_and(TableDesc::is_int) => {
            normalise_integer(v, x, secret);
        }
        TypeDesc::Decimal(d) if !d.text => {
            if let serde_json::Value::String(s) = x
                && v.tolerates(Tolerance::NumbersAsStrings)
                && let Ok(n) = serde_json::from_str::<serde_json::Number>(s.trim())
            {
                v.deviation(Tolerance::NumbersAsStrings, shown(View::Str(s), secret));
                *x = serde_json::Value::Number(n);
            }
        }
        TypeDesc::Array(a) => {
            if let serde_json::Value::Array(items) = x {
                for (i, item) in items.iter_mut().enumerate() {
                    v.index(i, |v| normalise_value(v, schema, &a.items, item, secret));
                }
            }
        }
        TypeDesc::Object(o) => normalise(v, schema, *o, x),
        _ => {}
    }
}

/// An integer (or integer code) sent as a numeric string or an integral float.
fn normalise_integer(v: &mut Validator<'_>, x: &mut serde_json::Value, secret: bool) {
    let was = shown(x.view(), secret);
    let fixed = match x {
        serde_json::Value::Number(n) if n.as_str().parse::<i64>().is_err() => {
            match integral(n.as_str()) {
                Some(i) if v.tolerates(Tolerance::IntegralFloatAsInteger) => {
                    v.deviation(Tolerance::IntegralFloatAsInteger, was);
                    Some(i)
                }
                _ => None,
            }
        }
        serde_json::Value::String(s) if v.tolerates(Tolerance::NumbersAsStrings) => {
            let t = s.trim();
            if let Ok(i) = t.parse::<i64>() {
                v.deviation(Tolerance::NumbersAsStrings, was);
                Some(i)
            } else if serde_json::from_str::<serde_json::Number>(t).is_ok()
                && let Some(i) = integral(t)
                && v.tolerates(Tolerance::IntegralFloatAsInteger)
            {
                v.deviation(Tolerance::NumbersAsStrings, was.clone());
                v.deviation(Tolerance::IntegralFloatAsInteger, was);
                Some(i)
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some(i) = fixed {
        *x = serde_json::Value::from(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Mode, Severity};
    use serde_json::json;

    const STATUS: TableDesc<'static> = TableDesc::int("T-Status", &[0, 1, 2, 255], &[(50, 59)]);
    const LAND: TableDesc<'static> = TableDesc::str("T-Land", &["C", "R1"])
        .open()
        .value(StringDesc::max(2).pattern("^[A-Z][0-9]?$"));

    static SCHEMA: Schema<'static> = Schema {
        edition: "test",
        objects: &[
            ObjectDesc {
                name: "Station",
                provisional: false,
                provenance: "tcec102",
                fields: &[
                    FieldDesc {
                        ty: TypeDesc::String(StringDesc {
                            min_len: Some(1),
                            max_len: Some(4),
                            charset: Some(Charset::Alphanumeric),
                            pattern: None,
                        }),
                        aliases: &["StationId"],
                        ..FieldDesc::new("StationID", TypeDesc::Object(0))
                    },
                    FieldDesc::new("Status", TypeDesc::Code(0)),
                    FieldDesc {
                        requirement: Requirement::When(Condition {
                            field: 1,
                            negate: false,
                            values: &[Lit::Int(255)],
                            text: "Status in [255]",
                        }),
                        ..FieldDesc::new("Other", TypeDesc::String(StringDesc::EMPTY))
                    },
                    FieldDesc {
                        requirement: Requirement::Optional,
                        ..FieldDesc::new(
                            "Power",
                            TypeDesc::Decimal(DecimalDesc {
                                scale: Some(1),
                                min: Some(0.0),
                                max: Some(1000.0),
                                max_text_len: None,
                                text: false,
                            }),
                        )
                    },
                    FieldDesc {
                        requirement: Requirement::Optional,
                        provisional: true,
                        ..FieldDesc::new("Built", TypeDesc::Date(DateFormat::Date))
                    },
                    FieldDesc {
                        requirement: Requirement::Optional,
                        ..FieldDesc::new(
                            "Connectors",
                            TypeDesc::Array(&ArrayDesc {
                                items: TypeDesc::Object(1),
                                min_items: Some(1),
                                max_items: None,
                            }),
                        )
                    },
                    FieldDesc::new("Land", TypeDesc::Code(1)).optional(),
                    FieldDesc {
                        requirement: Requirement::Optional,
                        secret: true,
                        ..FieldDesc::new(
                            "Secret",
                            TypeDesc::String(StringDesc {
                                max_len: Some(16),
                                ..StringDesc::EMPTY
                            }),
                        )
                    },
                ],
                exactly_one_of: &[],
            },
            ObjectDesc {
                name: "Connector",
                provisional: false,
                provenance: "tcec102",
                fields: &[FieldDesc::new(
                    "Current",
                    TypeDesc::Integer(IntegerDesc {
                        min: Some(0),
                        max: Some(500),
                        max_text_len: None,
                    }),
                )],
                exactly_one_of: &[],
            },
            ObjectDesc::new(
                "Push",
                "sz2020",
                &[
                    FieldDesc::new("Connector", TypeDesc::Object(1)).array_variant("Connectors"),
                    FieldDesc::new("Extra", TypeDesc::Integer(IntegerDesc::EMPTY))
                        .relaxed_by(Tolerances::of(Tolerance::TcecCoreStatus)),
                    FieldDesc::new("Soc", TypeDesc::Integer(IntegerDesc::EMPTY)).optional(),
                    FieldDesc::new("Note", TypeDesc::String(StringDesc::EMPTY)).optional(),
                ],
            ),
        ],
        tables: &[STATUS, LAND],
        tolerances: &[],
    };

    fn got(r: &crate::Report) -> Vec<(String, &'static str, Severity)> {
        r.violations
            .iter()
            .map(|v| (v.path.clone(), v.rule.name(), v.severity))
            .collect()
    }

    fn check(value: serde_json::Value) -> crate::Report {
        check_json(&SCHEMA, 0, &value, Mode::strict())
    }

    #[test]
    fn a_valid_value_has_no_violation() {
        let r = check(json!({"StationID": "S1", "Status": 1, "Power": 7.5,
            "Connectors": [{"Current": 32}]}));
        assert!(r.violations.is_empty(), "{r}");
    }

    #[test]
    fn every_violation_is_reported_in_field_order() {
        let r = check(json!({"StationID": "S-12345", "Status": 255, "Power": 7.55,
            "Built": "2024-02-30", "Connectors": [{"Current": 501}, {"Current": "x"}, {}]}));
        assert_eq!(
            got(&r),
            vec![
                ("/StationID".into(), "length", Severity::Error),
                ("/StationID".into(), "charset", Severity::Error),
                ("/Other".into(), "required_when", Severity::Error),
                ("/Power".into(), "scale", Severity::Error),
                ("/Built".into(), "format", Severity::Warning),
                ("/Connectors/0/Current".into(), "range", Severity::Error),
                ("/Connectors/1/Current".into(), "type", Severity::Error),
                ("/Connectors/2/Current".into(), "required", Severity::Error),
            ],
            "{r}"
        );
    }

    #[test]
    fn aliases_kinds_and_codes() {
        let r = check(json!({"StationId": "S1", "Status": 2, "Connectors": []}));
        assert_eq!(
            got(&r),
            vec![("/Connectors".into(), "items", Severity::Error)]
        );
        let r = check(json!({"StationID": 7, "Status": 7, "Power": "x"}));
        assert_eq!(
            got(&r),
            vec![
                ("/StationID".into(), "type", Severity::Error),
                ("/Status".into(), "code", Severity::Error),
                ("/Power".into(), "type", Severity::Error),
            ]
        );
        // Ranges count as codes; lenient mode makes unknown codes warnings.
        assert!(check(json!({"StationID": "S", "Status": 55})).is_ok());
        let lenient = check_json(
            &SCHEMA,
            0,
            &json!({"StationID": "S", "Status": 7}),
            Mode::lenient(),
        );
        assert_eq!(
            got(&lenient),
            vec![("/Status".into(), "code", Severity::Warning)]
        );
        // Null is absent for an optional field, a type error for a required one.
        let r = check(json!({"StationID": null, "Status": 1, "Power": null}));
        assert_eq!(
            got(&r),
            vec![("/StationID".into(), "type", Severity::Error)]
        );
        let r = check(json!([1]));
        assert_eq!(got(&r), vec![("".into(), "type", Severity::Error)]);
    }

    fn tolerant(value: serde_json::Value, object: usize, t: &[Tolerance]) -> crate::Report {
        let mode = Mode::strict().with_tolerances(t.iter().copied().collect());
        check_json(&SCHEMA, object, &value, mode)
    }

    fn deviations(r: &crate::Report) -> Vec<(Tolerance, String, String)> {
        r.deviations
            .iter()
            .map(|d| (d.tolerance, d.path.clone(), d.value.clone()))
            .collect()
    }

    #[test]
    fn strict_mode_takes_only_the_standard_forms() {
        // Integer codes as strings or floats, decimals as strings, integers as strings or
        // floats: each is a type error without its profile.
        let r = check(json!({"StationID": "S", "Status": "2", "Power": "7.5",
            "Connectors": [{"Current": "32"}, {"Current": 32.0}]}));
        assert_eq!(
            got(&r),
            vec![
                ("/Status".into(), "type", Severity::Error),
                ("/Power".into(), "type", Severity::Error),
                ("/Connectors/0/Current".into(), "type", Severity::Error),
                ("/Connectors/1/Current".into(), "type", Severity::Error),
            ],
            "{r}"
        );
        let r = check(json!({"StationID": "S", "Status": 1.0}));
        assert_eq!(got(&r), vec![("/Status".into(), "type", Severity::Error)]);
        assert!(r.deviations.is_empty());
    }

    #[test]
    fn numbers_as_strings_accepts_numeric_strings_and_records_each() {
        let bad = json!({"StationID": "S", "Status": " 2", "Power": "7.5",
            "Connectors": [{"Current": "32"}, {"Current": "x"}]});
        let r = tolerant(bad.clone(), 0, &[Tolerance::NumbersAsStrings]);
        assert_eq!(
            got(&r),
            vec![("/Connectors/1/Current".into(), "type", Severity::Error)],
            "{r}"
        );
        let n = Tolerance::NumbersAsStrings;
        assert_eq!(
            deviations(&r),
            vec![
                (n, "/Status".into(), "\" 2\"".into()),
                (n, "/Power".into(), "\"7.5\"".into()),
                (n, "/Connectors/0/Current".into(), "\"32\"".into()),
            ]
        );
        // The value is checked once read: "7.55" breaks the scale, "600" the range.
        let r = tolerant(
            json!({"StationID": "S", "Status": 1, "Power": "7.55", "Connectors": [{"Current": "600"}]}),
            0,
            &[n],
        );
        let rules: Vec<_> = got(&r).into_iter().map(|(p, r, _)| (p, r)).collect();
        assert_eq!(
            rules,
            vec![
                ("/Power".into(), "scale"),
                ("/Connectors/0/Current".into(), "range")
            ]
        );
        // Another profile does not accept these.
        let r = tolerant(bad, 0, &[Tolerance::IntegralFloatAsInteger]);
        assert_eq!(r.errors().count(), 4, "{r}");
        assert!(r.deviations.is_empty());
    }

    #[test]
    fn integral_float_as_integer_accepts_integral_floats_only() {
        let i = Tolerance::IntegralFloatAsInteger;
        let r = tolerant(
            json!({"StationID": "S", "Status": 2.0, "Connectors": [{"Current": 32.0}, {"Current": 32.5}]}),
            0,
            &[i],
        );
        assert_eq!(
            got(&r),
            vec![("/Connectors/1/Current".into(), "type", Severity::Error)],
            "{r}"
        );
        assert_eq!(
            deviations(&r),
            vec![
                (i, "/Status".into(), "2.0".into()),
                (i, "/Connectors/0/Current".into(), "32.0".into()),
            ]
        );
        // "32.0" needs both profiles, and is recorded under both.
        let c = json!({"StationID": "S", "Status": 1, "Connectors": [{"Current": "32.0"}]});
        assert!(!tolerant(c.clone(), 0, &[Tolerance::NumbersAsStrings]).is_ok());
        let r = tolerant(c, 0, &[Tolerance::NumbersAsStrings, i]);
        assert!(r.is_ok(), "{r}");
        assert_eq!(r.deviations.len(), 2);
    }

    #[test]
    fn empty_string_as_absent_for_optional_fields_without_an_empty_value() {
        let e = Tolerance::EmptyStringAsAbsent;
        let push = json!({"Connector": {"Current": 1}, "Extra": 1, "Soc": "", "Note": ""});
        assert_eq!(
            got(&check_json(&SCHEMA, 2, &push, Mode::strict())),
            vec![("/Soc".into(), "type", Severity::Error)]
        );
        let r = tolerant(push, 2, &[e]);
        assert!(r.is_ok(), "{r}");
        // "" is a value of an unconstrained string: no deviation for Note.
        assert_eq!(deviations(&r), vec![(e, "/Soc".into(), "\"\"".into())]);
        // A required field sent as "" stays an error.
        let r = tolerant(json!({"Connector": {"Current": 1}, "Extra": ""}), 2, &[e]);
        assert_eq!(got(&r), vec![("/Extra".into(), "type", Severity::Error)]);
    }

    #[test]
    fn tcec_core_status_makes_the_listed_fields_warnings_when_absent() {
        let t = Tolerance::TcecCoreStatus;
        let push = json!({"Connector": {"Current": 1}});
        let strict = check_json(&SCHEMA, 2, &push, Mode::strict());
        assert_eq!(
            got(&strict),
            vec![("/Extra".into(), "required", Severity::Error)]
        );
        let r = tolerant(push, 2, &[t]);
        assert_eq!(
            got(&r),
            vec![("/Extra".into(), "required", Severity::Warning)]
        );
        assert_eq!(deviations(&r), vec![(t, "/Extra".into(), String::new())]);
        // Only the listed fields: Connector/Current is still required.
        let r = tolerant(json!({"Connector": {}}), 2, &[t]);
        assert_eq!(
            got(&r),
            vec![
                ("/Connector/Current".into(), "required", Severity::Error),
                ("/Extra".into(), "required", Severity::Warning)
            ]
        );
    }

    #[test]
    fn status_array_variant_takes_a_one_item_array_under_the_other_name() {
        let a = Tolerance::StatusArrayVariant;
        let push = json!({"Connectors": [{"Current": "7"}], "Extra": 1});
        let strict = check_json(&SCHEMA, 2, &push, Mode::strict());
        assert_eq!(
            got(&strict),
            vec![("/Connector".into(), "required", Severity::Error)]
        );
        let r = tolerant(push.clone(), 2, &[a]);
        assert_eq!(
            got(&r),
            vec![("/Connector/Current".into(), "type", Severity::Error)]
        );
        assert_eq!(
            deviations(&r),
            vec![(a, "/Connectors".into(), "[…]".into())]
        );
        let r = tolerant(push, 2, &[a, Tolerance::NumbersAsStrings]);
        assert!(r.is_ok(), "{r}");
        assert_eq!(r.deviations.len(), 2);
        // Two items cannot be one status: still refused.
        let two = json!({"Connectors": [{"Current": 1}, {"Current": 2}], "Extra": 1});
        assert!(!tolerant(two, 2, &[a]).is_ok());
    }

    #[derive(serde::Deserialize, Debug)]
    struct Connector {
        #[serde(rename = "Current")]
        current: i64,
    }
    crate::describe!(SCHEMA, Connector = 1 { current });

    #[derive(serde::Deserialize, Debug)]
    struct Push {
        #[serde(rename = "Connector")]
        connector: Connector,
        #[serde(rename = "Extra", default)]
        extra: Option<i64>,
        #[serde(rename = "Soc", default)]
        soc: Option<i64>,
        #[serde(rename = "Note", default)]
        note: Option<String>,
    }
    crate::describe!(SCHEMA, Push = 2 { connector, extra, soc, note });

    #[test]
    fn decode_normalises_tolerated_input_before_deserialising() {
        use crate::validate::decode;
        let json = br#"{"Connectors": [{"Current": "7"}], "Soc": 5.0}"#;
        let strict = decode::<Push>(json, Mode::strict()).map(|(p, _)| p);
        let Err(report) = strict else {
            panic!("accepted without profiles: {strict:?}");
        };
        assert_eq!(
            got(&report),
            vec![
                ("/Connector".into(), "required", Severity::Error),
                ("/Extra".into(), "required", Severity::Error),
                ("/Soc".into(), "type", Severity::Error),
            ]
        );
        let all = Tolerance::ALL.into_iter().collect();
        let (push, report) = decode::<Push>(json, Mode::strict().with_tolerances(all))
            .unwrap_or_else(|r| panic!("{r}"));
        assert_eq!(
            (push.connector.current, push.soc, push.extra),
            (7, Some(5), None)
        );
        assert!(push.note.is_none());
        assert_eq!(
            deviations(&report),
            vec![
                (
                    Tolerance::StatusArrayVariant,
                    "/Connectors".into(),
                    "[…]".into()
                ),
                (
                    Tolerance::NumbersAsStrings,
                    "/Connector/Current".into(),
                    "\"7\"".into()
                ),
                (
                    Tolerance::IntegralFloatAsInteger,
                    "/Soc".into(),
                    "5.0".into()
                ),
                // Absences are found by the walk, after the rewrites.
                (Tolerance::TcecCoreStatus, "/Extra".into(), String::new()),
            ]
        );
        assert_eq!(
            report.deviation_counts(),
            vec![
                (Tolerance::NumbersAsStrings, 1),
                (Tolerance::IntegralFloatAsInteger, 1),
                (Tolerance::TcecCoreStatus, 1),
                (Tolerance::StatusArrayVariant, 1),
            ]
        );
        // What no profile accepts is still reported, with every deviation found on the way.
        let Err(report) = decode::<Push>(
            br#"{"Connector": {"Current": "x"}, "Soc": "5"}"#,
            Mode::strict().with_tolerances(all),
        ) else {
            panic!("accepted a non-numeric current");
        };
        assert_eq!(
            got(&report)[0],
            ("/Connector/Current".into(), "type", Severity::Error)
        );
        assert_eq!(report.deviations.len(), 2, "{:?}", report.deviations);
    }

    #[test]
    fn every_value_of_a_string_table_meets_its_value_rule_known_or_not() {
        let r = check(json!({"StationID": "S", "Status": 1, "Land": "R2"}));
        assert_eq!(got(&r), vec![("/Land".into(), "code", Severity::Warning)]);
        let r = check(json!({"StationID": "S", "Status": 1, "Land": "ZZ9"}));
        assert_eq!(
            got(&r),
            vec![
                ("/Land".into(), "length", Severity::Error),
                ("/Land".into(), "pattern", Severity::Error),
                ("/Land".into(), "code", Severity::Warning),
            ]
        );
    }

    #[test]
    fn provisional_items_warn_unless_enforced() {
        let bad = json!({"StationID": "S", "Status": 1, "Built": "soon"});
        assert_eq!(got(&check(bad.clone()))[0].2, Severity::Warning);
        let r = check_json(&SCHEMA, 0, &bad, Mode::strict().with_provisional(true));
        assert_eq!(got(&r)[0].2, Severity::Error);
    }

    #[test]
    fn secrets_are_never_shown_whatever_their_kind() {
        for secret in [
            json!("0123456789abcdef0"),
            json!(["0123456789abcdef"]),
            json!(12),
        ] {
            let r = check(json!({"StationID": "S", "Status": 1, "Secret": secret}));
            assert_eq!(r.violations.len(), 1, "{r}");
            assert_eq!(r.violations[0].value, "***");
        }
    }

    #[test]
    fn shown_values_are_bounded() {
        let long = "A".repeat(10_000);
        let r = check(json!({"StationID": long, "Status": 1}));
        assert!(r.violations[0].value.chars().count() < 100, "{r}");
    }
}
