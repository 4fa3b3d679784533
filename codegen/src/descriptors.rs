//! The IR as runtime descriptors: the [`Schema`] that the runtime's validator interprets.
//!
//! One conversion serves both ways of feeding the validator: `chargespec validate` builds the
//! schema of any edition at run time and checks JSON with it, and the Rust emitter prints the
//! very same schema as a `static` of the generated crate (`emit::rust::schema`). The descriptors
//! borrow their text from the IR and live in a bump arena.

use bumpalo::Bump;
use chargespec_runtime::schema::{
    ArrayDesc, Codes, Condition, DecimalDesc, FieldDesc, IntegerDesc, Lit, ObjectDesc, OneOf,
    Requirement, Schema, StringDesc, TableDesc, ToleranceDesc, TypeDesc,
};
use chargespec_runtime::time::DateFormat as RtDate;
use chargespec_runtime::validate::Charset as RtCharset;

use crate::ir::{
    Charset, CodeKind, CodeTable, CodeValue, CondOp, Constraint, DateFormat, Edition, Field,
    Object, Type,
};

/// The schema of an edition, allocated in `bump`.
pub fn schema<'a>(ir: &'a Edition, bump: &'a Bump) -> Schema<'a> {
    let b = Builder { ir, bump };
    Schema {
        edition: &ir.meta.id,
        objects: bump.alloc_slice_fill_iter(ir.objects.values().map(|o| b.object(o))),
        tables: bump.alloc_slice_fill_iter(ir.code_tables.values().map(|t| b.table(t))),
        tolerances: bump.alloc_slice_fill_iter(ir.tolerances.values().map(|t| ToleranceDesc {
            tolerance: t.tolerance,
            relaxes: &t.relaxes,
        })),
    }
}

/// The text of a condition, as violations and docs show it (`StationType ∈ {255}`).
pub fn condition_text(c: &crate::ir::Condition) -> String {
    let vals: Vec<String> = c.values.iter().map(ToString::to_string).collect();
    match c.op {
        CondOp::Equals => format!("{} = {}", c.field, vals.join(", ")),
        CondOp::In => format!("{} ∈ {{{}}}", c.field, vals.join(", ")),
        CondOp::NotIn => format!("{} ∉ {{{}}}", c.field, vals.join(", ")),
    }
}

/// The text of an exactly-one-of constraint (`[A] | [B, C]`).
pub fn one_of_text(c: &Constraint) -> String {
    c.exactly_one_of
        .iter()
        .map(|g| format!("[{}]", g.join(", ")))
        .collect::<Vec<_>>()
        .join(" | ")
}

struct Builder<'a> {
    ir: &'a Edition,
    bump: &'a Bump,
}

impl<'a> Builder<'a> {
    fn str(&self, s: &str) -> &'a str {
        self.bump.alloc_str(s)
    }

    fn object(&self, o: &'a Object) -> ObjectDesc<'a> {
        ObjectDesc {
            name: &o.name,
            provisional: o.prov.provisional,
            provenance: self.str(&o.prov.tags_text()),
            fields: self
                .bump
                .alloc_slice_fill_iter(o.fields.iter().map(|f| self.field(f))),
            exactly_one_of: self
                .bump
                .alloc_slice_fill_iter(o.constraints.iter().map(|c| self.one_of(c))),
        }
    }

    fn one_of(&self, c: &Constraint) -> OneOf<'a> {
        let groups = c
            .groups
            .iter()
            .map(|g| &*self.bump.alloc_slice_fill_iter(g.iter().copied()));
        OneOf {
            groups: self.bump.alloc_slice_fill_iter(groups),
            text: self.str(&one_of_text(c)),
            provisional: c.prov.provisional,
        }
    }

    fn field(&self, f: &'a Field) -> FieldDesc<'a> {
        FieldDesc {
            wire: &f.wire,
            aliases: self
                .bump
                .alloc_slice_fill_iter(f.aliases.iter().map(String::as_str)),
            ty: self.ty(&f.ty),
            requirement: match &f.requirement {
                crate::ir::Requirement::Required => Requirement::Required,
                crate::ir::Requirement::Optional => Requirement::Optional,
                crate::ir::Requirement::Conditional(c) => Requirement::When(Condition {
                    field: c.index,
                    negate: c.op == CondOp::NotIn,
                    values: self
                        .bump
                        .alloc_slice_fill_iter(c.values.iter().map(|v| self.lit(v))),
                    text: self.str(&condition_text(c)),
                }),
            },
            provisional: f.prov.provisional,
            provenance: self.str(&f.prov.tags_text()),
            secret: f.secret,
            empty_means_absent: f.empty_means_absent,
            relaxed_by: f.relaxed_by,
            array_variant: f.array_variant.as_deref(),
        }
    }

    fn lit(&self, v: &CodeValue) -> Lit<'a> {
        match v {
            CodeValue::Int(i) => Lit::Int(*i),
            CodeValue::Str(s) => Lit::Str(self.str(s)),
        }
    }

    fn ty(&self, t: &'a Type) -> TypeDesc<'a> {
        match t {
            Type::String(s) => TypeDesc::String(StringDesc {
                min_len: s.min_len,
                max_len: s.max_len,
                charset: charset(s.charset),
                pattern: s.pattern.as_deref(),
            }),
            Type::Integer(i) => TypeDesc::Integer(IntegerDesc {
                min: i.min,
                max: i.max,
                max_text_len: i.max_text_len,
            }),
            Type::Decimal(d) => TypeDesc::Decimal(DecimalDesc {
                scale: d.scale,
                min: d.min,
                max: d.max,
                max_text_len: d.max_text_len,
                text: d.wire == crate::ir::DecimalWire::String,
            }),
            Type::DateTime(f) => TypeDesc::Date(date_format(*f)),
            Type::Array(a) => TypeDesc::Array(self.bump.alloc(ArrayDesc {
                items: self.ty(&a.items),
                min_items: a.min_items,
                max_items: a.max_items,
            })),
            Type::Object(name) => {
                TypeDesc::Object(self.ir.objects.get_index_of(name).unwrap_or(usize::MAX))
            }
            Type::Code(name) => {
                TypeDesc::Code(self.ir.code_tables.get_index_of(name).unwrap_or(usize::MAX))
            }
        }
    }

    fn table(&self, t: &'a CodeTable) -> TableDesc<'a> {
        let codes = match t.kind {
            CodeKind::Integer => {
                let mut values: Vec<i64> = t
                    .codes
                    .iter()
                    .filter_map(|c| match c.value {
                        CodeValue::Int(i) => Some(i),
                        CodeValue::Str(_) => None,
                    })
                    .collect();
                values.sort_unstable();
                values.dedup();
                Codes::Int {
                    values: self.bump.alloc_slice_copy(&values),
                    ranges: self
                        .bump
                        .alloc_slice_fill_iter(t.ranges.iter().map(|r| (r.from, r.to))),
                }
            }
            CodeKind::String => {
                let mut values: Vec<&'a str> = t
                    .codes
                    .iter()
                    .filter_map(|c| match &c.value {
                        CodeValue::Str(s) => Some(s.as_str()),
                        CodeValue::Int(_) => None,
                    })
                    .collect();
                values.sort_unstable();
                values.dedup();
                Codes::Str {
                    values: self.bump.alloc_slice_copy(&values),
                }
            }
        };
        TableDesc {
            name: &t.name,
            open: t.open,
            codes,
            value: StringDesc {
                min_len: None,
                max_len: t.value_max_len,
                charset: None,
                pattern: t.value_pattern.as_deref(),
            },
        }
    }
}

fn charset(c: Charset) -> Option<RtCharset> {
    match c {
        Charset::Any => None,
        Charset::Ascii => Some(RtCharset::Ascii),
        Charset::Digits => Some(RtCharset::Digits),
        Charset::Alphanumeric => Some(RtCharset::Alphanumeric),
        Charset::Hex => Some(RtCharset::Hex),
        Charset::UpperHex => Some(RtCharset::UpperHex),
    }
}

pub fn date_format(f: DateFormat) -> RtDate {
    match f {
        DateFormat::Date => RtDate::Date,
        DateFormat::DateTime => RtDate::DateTime,
        DateFormat::Compact => RtDate::CompactDateTime,
        DateFormat::Time => RtDate::Time,
    }
}
