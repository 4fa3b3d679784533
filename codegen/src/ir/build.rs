//! Raw model → IR: resolves every name and checks everything, collecting all diagnostics.
//!
//! Cascades are avoided: an item whose name failed to read is still known by name when
//! possible; a broken type becomes a placeholder whose dependants are not checked again; and
//! when a file did not parse at all, unresolved references are not reported (they may point into
//! that file).

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;

use crate::diag::{Code as DCode, Diagnostic, Diagnostics, Loc};
use crate::load::node::{Node, NodeKind};
use crate::load::raw::{self, Doc, Named, RawPayload, RawRequired, RawSpec, RawType, Scalar};
use crate::load::reader::{Sp, closest_owned};

use super::ident;
use super::*;

mod rules;
mod security;
mod token;

/// Builds the IR. Returns `None` when an essential part (the edition) is missing; the caller
/// treats any error diagnostic as failure.
pub fn build(raw: &RawSpec, diags: &mut Diagnostics) -> Option<Edition> {
    let mut b = Builder {
        d: diags,
        report_unresolved: raw.failed_files == 0,
        raw,
    };
    b.run()
}

struct Builder<'a> {
    d: &'a mut Diagnostics,
    report_unresolved: bool,
    raw: &'a RawSpec,
}

/// Scratch state: the names every kind of item has.
struct Names<'a> {
    types: BTreeMap<&'a str, &'a Named<raw::RawNamedType>>,
    objects: BTreeMap<&'a str, &'a Named<raw::RawObject>>,
    tables: BTreeMap<&'a str, &'a Named<raw::RawCodeTable>>,
    interfaces: BTreeSet<&'a str>,
    roles: BTreeSet<String>,
}

fn loc_of(doc: &Doc, fallback: Loc) -> Loc {
    doc.loc.unwrap_or(fallback)
}

fn ustr(v: Option<&Sp<String>>) -> String {
    v.map(|s| s.value.clone()).unwrap_or_default()
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl<'a> Builder<'a> {
    fn err(&mut self, d: Diagnostic) {
        self.d.push(d);
    }

    fn unresolved(&mut self, d: Diagnostic) {
        if self.report_unresolved {
            self.d.push(d);
        }
    }

    fn info(&self, doc: &Doc) -> Info {
        Info {
            zh: ustr(doc.zh.as_ref()),
            en: ustr(doc.en.as_ref()),
            description: doc.description.as_ref().map(|s| s.value.clone()),
            section: doc.section.as_ref().map(|s| s.value.clone()),
        }
    }

    /// Checks the provenance of an item and returns it.
    fn prov(&mut self, doc: &Doc, what: &str, fallback: Loc) -> Provenance {
        let tags: Vec<Tag> = doc
            .provenance
            .iter()
            .flatten()
            .map(|t| t.value.clone())
            .collect();
        let marked = doc.provisional.as_ref().is_some_and(|p| p.value);
        let implied = !tags.is_empty()
            && (tags.contains(&Tag::Provisional)
                || tags.iter().all(|t| matches!(t, Tag::Analogue(_))));
        let loc = doc
            .provenance
            .as_ref()
            .and_then(|t| t.first())
            .map_or_else(|| loc_of(doc, fallback), |t| t.loc);
        if implied && !marked {
            let why = if tags.contains(&Tag::Provisional) {
                "is tagged `provisional`"
            } else {
                "rests on analogues only"
            };
            let mut diag = Diagnostic::new(
                DCode::ProvisionalNotMarked,
                loc,
                format!("{what} {why} but is not marked provisional"),
            )
            .label("these tags make the item provisional")
            .hint("add `provisional: true` (and a `note` naming the evidence)");
            if let Some(p) = &doc.provisional {
                diag = diag.related(p.loc, "set to false here");
            }
            self.err(diag);
        }
        let provisional = marked || implied;
        if provisional && doc.note.as_ref().is_none_or(|n| n.value.trim().is_empty()) {
            let l = doc.provisional.as_ref().map_or(loc, |p| p.loc);
            self.err(
                Diagnostic::new(
                    DCode::ProvisionalWithoutNote,
                    l,
                    format!("{what} is provisional but has no note"),
                )
                .label("provisional item")
                .hint("add `note:` naming the evidence the provisional design leans on"),
            );
        }
        Provenance {
            tags,
            provisional,
            note: doc.note.as_ref().map(|n| n.value.clone()),
        }
    }

    fn run(&mut self) -> Option<Edition> {
        let raw = self.raw;
        // Singleton sections.
        let edition = self.singleton(&raw.edition, "edition", true);
        self.singleton(&raw.security, "security", false);
        self.singleton(&raw.qr_code, "qr_code", false);

        let names = self.collect_names();
        let meta = edition.map(|e| self.edition_meta(e));
        let roles = edition.map(|e| self.roles(&e.value)).unwrap_or_default();
        let names = Names {
            roles: roles.keys().cloned().collect(),
            ..names
        };

        let types = self.named_types(&names);
        let code_tables = self.code_tables(&names);
        let mut objects = IndexMap::new();
        for o in &raw.objects {
            if objects.contains_key(&o.name.value) {
                continue; // duplicate, reported
            }
            let obj = self.object(
                &names,
                &types,
                &code_tables,
                &o.name,
                &o.item.doc,
                None,
                &o.item.fields,
                &o.item.constraints,
                ObjectOrigin::Declared,
            );
            objects.insert(o.name.value.clone(), obj);
        }
        let mut interfaces = IndexMap::new();
        for i in &raw.interfaces {
            if interfaces.contains_key(&i.name.value) {
                continue;
            }
            let iface = self.interface(&names, &types, &code_tables, &mut objects, i);
            interfaces.insert(i.name.value.clone(), iface);
        }
        let flows = self.flows(&names, &mut interfaces);
        self.check_object_cycles(&objects);
        self.check_type_namespace(&objects, &code_tables, &types, &interfaces);
        let security = raw
            .security
            .first()
            .map(|s| self.security(&names, &code_tables, &objects, &interfaces, s));
        let qr_code = raw
            .qr_code
            .first()
            .map(|q| self.qr(&names, &types, &code_tables, q));
        if let Some(sec) = &security {
            let mut secrets: BTreeSet<&str> =
                sec.keys.iter().map(|k| k.value.name.as_str()).collect();
            if let Some(t) = &sec.token {
                secrets.insert(t.value.token.wire.as_str());
            }
            for o in objects.values_mut() {
                for f in &mut o.fields {
                    f.secret = secrets.contains(f.wire.as_str()) && matches!(f.ty, Type::String(_));
                }
            }
        }
        Some(Edition {
            meta: meta?,
            roles,
            types,
            objects,
            code_tables,
            interfaces,
            flows,
            security,
            qr_code,
        })
    }

    fn singleton<'s, T>(
        &mut self,
        items: &'s [Sp<T>],
        section: &str,
        required: bool,
    ) -> Option<&'s Sp<T>> {
        // Not when no file was read or a file failed to parse (the section may be in it).
        if items.is_empty() && required && self.raw.file_count > 0 && self.raw.failed_files == 0 {
            let file = self.raw_first_file();
            self.err(
                Diagnostic::new(
                    DCode::Section,
                    Loc::file_start(file),
                    format!("the spec has no `{section}` section"),
                )
                .label("in this edition")
                .hint(format!(
                    "add `{section}:` to one file (by convention standard.yaml)"
                )),
            );
        }
        for extra in items.iter().skip(1) {
            self.err(
                Diagnostic::new(
                    DCode::Section,
                    extra.loc,
                    format!("the `{section}` section appears more than once"),
                )
                .label("repeated here")
                .related(items[0].loc, "first given here")
                .hint("keep one; merge the two blocks"),
            );
        }
        items.first()
    }

    fn raw_first_file(&self) -> crate::diag::FileId {
        crate::diag::FileId(0)
    }

    fn dup<T>(&mut self, items: &[Named<T>], kind: &str) {
        let mut seen: BTreeMap<&str, Loc> = BTreeMap::new();
        for it in items {
            if let Some(first) = seen.get(it.name.value.as_str()) {
                self.err(
                    Diagnostic::new(DCode::DuplicateName, it.name.loc, format!("{kind} `{}` is defined twice", it.name.value))
                        .label("defined again here")
                        .related(*first, "first defined here")
                        .hint(format!("rename one of them or remove the copy; {kind} names are unique in an edition")),
                );
            } else {
                seen.insert(&it.name.value, it.name.loc);
            }
        }
    }

    fn collect_names(&mut self) -> Names<'a> {
        let raw = self.raw;
        self.dup(&raw.types, "type");
        self.dup(&raw.objects, "object");
        self.dup(&raw.code_tables, "code table");
        self.dup(&raw.interfaces, "interface");
        self.dup(&raw.flows, "flow");
        let mut n = Names {
            types: BTreeMap::new(),
            objects: BTreeMap::new(),
            tables: BTreeMap::new(),
            interfaces: BTreeSet::new(),
            roles: BTreeSet::new(),
        };
        for t in &raw.types {
            n.types.entry(&t.name.value).or_insert(t);
            if matches!(t.name.value.as_str(), "string" | "integer" | "decimal") {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        t.name.loc,
                        format!("`{}` is a built-in type name", t.name.value),
                    )
                    .label("cannot be redefined")
                    .hint("choose another name"),
                );
            }
        }
        for o in &raw.objects {
            n.objects.entry(&o.name.value).or_insert(o);
            if !ident::is_ident(&o.name.value)
                || !o.name.value.starts_with(|c: char| c.is_ascii_uppercase())
            {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        o.name.loc,
                        format!(
                            "object name `{}` is not an UpperCamelCase identifier",
                            o.name.value
                        ),
                    )
                    .label("object names become Rust type names")
                    .hint(
                        "use ASCII letters and digits, starting with a capital, e.g. `StationInfo`",
                    ),
                );
            }
        }
        for t in &raw.code_tables {
            n.tables.entry(&t.name.value).or_insert(t);
            let rest = t.name.value.strip_prefix("T-");
            if rest.is_none_or(|r| {
                r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            }) {
                self.err(
                    Diagnostic::new(DCode::InvalidValue, t.name.loc, format!("code table name `{}` must be `T-` followed by letters, digits and hyphens", t.name.value))
                        .label("bad code-table name")
                        .hint("e.g. `T-StationType`"),
                );
            }
        }
        for i in &raw.interfaces {
            n.interfaces.insert(&i.name.value);
            if !ident::is_ident(&i.name.value) {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        i.name.loc,
                        format!(
                            "interface name `{}` is not a valid URL segment identifier",
                            i.name.value
                        ),
                    )
                    .label("interface names are the last URL path segment and become Rust names")
                    .hint("use ASCII letters, digits and underscores, e.g. `query_stations_info`"),
                );
            }
        }
        n
    }

    fn edition_meta(&mut self, e: &Sp<raw::RawEdition>) -> EditionMeta {
        let r = &e.value;
        let prov = self.prov(&r.doc, "the edition", e.loc);
        if let Some(id) = &r.id
            && (id.value.is_empty()
                || !id
                    .value
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
        {
            self.err(
                Diagnostic::new(
                    DCode::InvalidValue,
                    id.loc,
                    format!(
                        "edition id `{}` must be lower-case letters, digits and hyphens",
                        id.value
                    ),
                )
                .label("used as folder and crate name")
                .hint("e.g. `db4403-77-2024`"),
            );
        }
        let contents = r
            .contents
            .iter()
            .map(|c| Content {
                number: ustr(c.number.as_ref()),
                page: c.page.as_ref().map(|p| p.value.clone()),
                normative: c.normative,
                info: self.info(&c.doc),
                prov: self.prov(
                    &c.doc,
                    &format!("contents entry {}", ustr(c.number.as_ref())),
                    e.loc,
                ),
            })
            .collect();
        EditionMeta {
            id: ustr(r.id.as_ref()),
            number: ustr(r.number.as_ref()),
            info: self.info(&r.doc),
            prov,
            replaces: r.replaces.as_ref().map(|s| s.value.clone()),
            ics: r.ics.as_ref().map(|s| s.value.clone()),
            ccs: r.ccs.as_ref().map(|s| s.value.clone()),
            issued: r.issued.as_ref().map(|s| s.value.clone()),
            in_force: r.in_force.as_ref().map(|s| s.value.clone()),
            issuer: r.issuer.as_ref().map(|s| s.value.clone()),
            contents,
        }
    }

    fn roles(&mut self, e: &raw::RawEdition) -> IndexMap<String, Role> {
        let mut out = IndexMap::new();
        for r in &e.roles {
            let name = r.name.value.clone();
            if name == "both"
                || !ident::is_ident(&name)
                || name.chars().any(|c| c.is_ascii_uppercase())
            {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        r.name.loc,
                        format!(
                            "role name `{name}` must be a lower-case identifier other than `both`"
                        ),
                    )
                    .label("bad role name")
                    .hint("e.g. `city`, `operator`"),
                );
            }
            let prov = self.prov(&r.item, &format!("role `{name}`"), r.name.loc);
            let info = self.info(&r.item);
            let rust_name = crate::ir::ident::pascal(&name);
            let module = crate::ir::ident::snake(&name);
            out.insert(
                name.clone(),
                Role {
                    name,
                    rust_name,
                    module,
                    info,
                    prov,
                },
            );
        }
        out
    }

    // ---- types ----

    fn named_types(&mut self, names: &Names<'a>) -> IndexMap<String, NamedType> {
        let mut out = IndexMap::new();
        for t in &self.raw.types {
            if out.contains_key(&t.name.value) {
                continue;
            }
            let prov = self.prov(&t.item.doc, &format!("type `{}`", t.name.value), t.name.loc);
            let mut stack = vec![t.name.value.clone()];
            let ty = t
                .item
                .ty
                .as_ref()
                .and_then(|rt| self.resolve_type(names, rt, &mut stack));
            let Some(ty) = ty else { continue };
            out.insert(
                t.name.value.clone(),
                NamedType {
                    name: t.name.value.clone(),
                    rust_name: ident::pascal(&t.name.value),
                    info: self.info(&t.item.doc),
                    prov,
                    ty,
                },
            );
        }
        out
    }

    /// Resolves a type expression. `stack` holds the named types being resolved (cycle check).
    fn resolve_type(
        &mut self,
        names: &Names<'a>,
        rt: &RawType,
        stack: &mut Vec<String>,
    ) -> Option<Type> {
        match rt {
            RawType::Named(n) => match n.value.as_str() {
                "string" => Some(Type::String(StringType {
                    min_len: None,
                    max_len: None,
                    pattern: None,
                    charset: Charset::Any,
                })),
                "integer" => Some(Type::Integer(IntegerType {
                    min: None,
                    max: None,
                    max_text_len: None,
                })),
                "decimal" => Some(Type::Decimal(DecimalType {
                    scale: None,
                    min: None,
                    max: None,
                    wire: DecimalWire::Number,
                    max_text_len: None,
                })),
                name => {
                    let Some(def) = names.types.get(name) else {
                        let mut d = Diagnostic::new(
                            DCode::UnknownType,
                            n.loc,
                            format!("unknown type `{name}`"),
                        )
                        .label("no such type");
                        d = d.hint(match closest_owned(name, names.types.keys().chain(["string", "integer", "decimal"].iter())) {
                            Some(c) => format!("did you mean `{c}`? Named types are defined under `types:`"),
                            None => "define it under `types:`, or use a type expression such as `{string: {max_len: 20}}`".to_owned(),
                        });
                        if names.objects.contains_key(name) {
                            d = d
                                .hint(format!("`{name}` is an object: write `{{object: {name}}}`"));
                        } else if names.tables.contains_key(name) {
                            d = d.hint(format!(
                                "`{name}` is a code table: write `{{code: {name}}}`"
                            ));
                        }
                        self.unresolved(d);
                        return None;
                    };
                    if stack.iter().any(|s| s == name) {
                        self.err(
                            Diagnostic::new(
                                DCode::Cycle,
                                n.loc,
                                format!(
                                    "type `{name}` refers to itself through {}",
                                    stack.join(" → ")
                                ),
                            )
                            .label("cycle closes here")
                            .hint("named types must bottom out in a type expression"),
                        );
                        return None;
                    }
                    stack.push(name.to_owned());
                    let r = def
                        .item
                        .ty
                        .as_ref()
                        .and_then(|t| self.resolve_type(names, t, stack));
                    stack.pop();
                    r
                }
            },
            RawType::String {
                len,
                min_len,
                max_len,
                pattern,
                charset,
                ..
            } => {
                if let (Some(l), Some(other)) = (len, min_len.as_ref().or(max_len.as_ref())) {
                    self.err(
                        Diagnostic::new(
                            DCode::ConflictingLength,
                            other.loc,
                            "`len` cannot be combined with `min_len` or `max_len`".to_owned(),
                        )
                        .label("conflicts with `len`")
                        .related(l.loc, "exact length given here")
                        .hint("keep `len` for an exact length, or `min_len`/`max_len` for a range"),
                    );
                }
                for v in [len, min_len, max_len].into_iter().flatten() {
                    if v.value < 0 {
                        self.err(
                            Diagnostic::new(
                                DCode::ImpossibleBounds,
                                v.loc,
                                format!("a length cannot be negative ({})", v.value),
                            )
                            .label("negative"),
                        );
                    }
                }
                self.bounds(min_len.as_ref(), max_len.as_ref(), "min_len", "max_len");
                if let Some(p) = pattern {
                    self.pattern(p);
                }
                let (min, max) = match len {
                    Some(l) => (Some(u32_of(l.value.max(0))), Some(u32_of(l.value.max(0)))),
                    None => (
                        min_len.as_ref().map(|v| u32_of(v.value.max(0))),
                        max_len.as_ref().map(|v| u32_of(v.value.max(0))),
                    ),
                };
                Some(Type::String(StringType {
                    min_len: min,
                    max_len: max,
                    pattern: pattern.as_ref().map(|p| p.value.clone()),
                    charset: charset.as_ref().map_or(Charset::Any, |c| c.value),
                }))
            }
            RawType::Integer {
                min,
                max,
                max_text_len,
                ..
            } => {
                self.bounds(min.as_ref(), max.as_ref(), "min", "max");
                self.non_negative(max_text_len.as_ref(), "max_text_len");
                Some(Type::Integer(IntegerType {
                    min: min.as_ref().map(|v| v.value),
                    max: max.as_ref().map(|v| v.value),
                    max_text_len: max_text_len.as_ref().map(|v| u32_of(v.value.max(0))),
                }))
            }
            RawType::Decimal {
                scale,
                min,
                max,
                wire,
                max_text_len,
                ..
            } => {
                if let Some(s) = scale
                    && !(0..=28).contains(&s.value)
                {
                    self.err(
                            Diagnostic::new(DCode::ScaleOutOfRange, s.loc, format!("decimal scale {} is out of range", s.value))
                                .label("must be 0..=28")
                                .hint("the scale is the number of decimal places; exact decimals carry at most 28"),
                        );
                }
                self.bounds(min.as_ref(), max.as_ref(), "min", "max");
                self.non_negative(max_text_len.as_ref(), "max_text_len");
                Some(Type::Decimal(DecimalType {
                    scale: scale.as_ref().map(|s| u32_of(s.value.clamp(0, 28))),
                    min: min.as_ref().map(|v| v.value),
                    max: max.as_ref().map(|v| v.value),
                    wire: wire.as_ref().map_or(DecimalWire::Number, |w| w.value),
                    max_text_len: max_text_len.as_ref().map(|v| u32_of(v.value.max(0))),
                }))
            }
            RawType::DateTime(f) => Some(Type::DateTime(f.value)),
            RawType::Array {
                items,
                min_items,
                max_items,
                ..
            } => {
                self.bounds(
                    min_items.as_ref(),
                    max_items.as_ref(),
                    "min_items",
                    "max_items",
                );
                for v in [min_items, max_items].into_iter().flatten() {
                    if v.value < 0 {
                        self.err(
                            Diagnostic::new(
                                DCode::ImpossibleBounds,
                                v.loc,
                                format!("an item count cannot be negative ({})", v.value),
                            )
                            .label("negative"),
                        );
                    }
                }
                let items_type_name = match items.as_ref() {
                    RawType::Named(n)
                        if !matches!(n.value.as_str(), "string" | "integer" | "decimal") =>
                    {
                        Some(n.value.clone())
                    }
                    _ => None,
                };
                let it = self.resolve_type(names, items, stack)?;
                Some(Type::Array(Box::new(ArrayType {
                    items: it,
                    items_type_name,
                    min_items: min_items.as_ref().map(|v| u32_of(v.value.max(0))),
                    max_items: max_items.as_ref().map(|v| u32_of(v.value.max(0))),
                })))
            }
            RawType::Object(n) => self
                .object_ref(names, n)
                .then(|| Type::Object(n.value.clone())),
            RawType::Code(n) => {
                if names.tables.contains_key(n.value.as_str()) {
                    Some(Type::Code(n.value.clone()))
                } else {
                    self.unknown_table(names, n);
                    None
                }
            }
        }
    }

    fn unknown_table(&mut self, names: &Names<'a>, n: &Sp<String>) {
        let hint = match closest_owned(&n.value, names.tables.keys()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "code tables are defined under `code_tables:` and named `T-...`".to_owned(),
        };
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownCodeTable,
                n.loc,
                format!("unknown code table `{}`", n.value),
            )
            .label("no such code table")
            .hint(hint),
        );
    }

    fn non_negative(&mut self, v: Option<&Sp<i64>>, what: &str) {
        if let Some(v) = v
            && v.value < 0
        {
            self.err(
                Diagnostic::new(
                    DCode::ImpossibleBounds,
                    v.loc,
                    format!("`{what}` cannot be negative ({})", v.value),
                )
                .label("negative"),
            );
        }
    }

    fn bounds<T: PartialOrd + std::fmt::Display>(
        &mut self,
        min: Option<&Sp<T>>,
        max: Option<&Sp<T>>,
        lo: &str,
        hi: &str,
    ) {
        if let (Some(a), Some(b)) = (min, max)
            && a.value > b.value
        {
            self.err(
                Diagnostic::new(
                    DCode::ImpossibleBounds,
                    b.loc,
                    format!("`{hi}` ({}) is below `{lo}` ({})", b.value, a.value),
                )
                .label("upper bound")
                .related(a.loc, "lower bound")
                .hint("no value can satisfy both; correct one of the bounds"),
            );
        }
    }

    fn pattern(&mut self, p: &Sp<String>) -> bool {
        match regex::Regex::new(&p.value) {
            Ok(_) => true,
            Err(e) => {
                let msg = e.to_string();
                let last = msg
                    .lines()
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                self.err(
                    Diagnostic::new(DCode::BadPattern, p.loc, format!("pattern does not compile: {last}"))
                        .label("invalid regular expression")
                        .hint("patterns use the Rust `regex` syntax (no look-around or back-references); quote them with single quotes in YAML"),
                );
                false
            }
        }
    }

    // ---- code tables ----

    fn code_tables(&mut self, names: &Names<'a>) -> IndexMap<String, CodeTable> {
        let mut out = IndexMap::new();
        for t in &self.raw.code_tables {
            if out.contains_key(&t.name.value) {
                continue;
            }
            let tname = &t.name.value;
            let r = &t.item;
            let prov = self.prov(&r.doc, &format!("code table `{tname}`"), t.name.loc);
            let kind = r.kind.as_ref().map_or(CodeKind::Integer, |k| k.value);
            let mut seen: BTreeMap<CodeValue, Loc> = BTreeMap::new();
            let mut codes = Vec::new();
            if let Some(p) = &r.value_pattern {
                self.pattern(p);
            }
            let value_re = r
                .value_pattern
                .as_ref()
                .and_then(|p| regex::Regex::new(&p.value).ok());
            for c in &r.codes {
                let value = match (&c.code.value, kind) {
                    (Scalar::Int(i), CodeKind::Integer) => CodeValue::Int(*i),
                    (Scalar::Str(s), CodeKind::String) => CodeValue::Str(s.clone()),
                    (v, _) => {
                        let kind_s = if kind == CodeKind::Integer {
                            "an integer"
                        } else {
                            "a string"
                        };
                        self.err(
                            Diagnostic::new(
                                DCode::CodeKindMismatch,
                                c.code.loc,
                                format!("code {v} does not fit the table's kind"),
                            )
                            .label(format!("expected {kind_s}"))
                            .hint("write the code as the table's `kind` says (quote string codes)"),
                        );
                        continue;
                    }
                };
                if let CodeValue::Str(s) = &value {
                    let too_long = r
                        .value_max_len
                        .as_ref()
                        .is_some_and(|m| s.chars().count() as i64 > m.value);
                    let bad_pat = value_re.as_ref().is_some_and(|re| !re.is_match(s));
                    if too_long || bad_pat {
                        self.err(
                            Diagnostic::new(
                                DCode::CodeKindMismatch,
                                c.code.loc,
                                format!("code `{s}` breaks the table's own `value` rules"),
                            )
                            .label(if too_long {
                                "too long"
                            } else {
                                "does not match the table's pattern"
                            })
                            .hint("correct the code or the table's `value` rules"),
                        );
                    }
                }
                if let Some(first) = seen.get(&value) {
                    self.err(
                        Diagnostic::new(
                            DCode::DuplicateCode,
                            c.code.loc,
                            format!("code {value} appears twice in `{tname}`"),
                        )
                        .label("repeated here")
                        .related(*first, "first listed here")
                        .hint("each code has one meaning; remove or renumber one"),
                    );
                    continue;
                }
                seen.insert(value.clone(), c.code.loc);
                let cprov = self.prov(&c.doc, &format!("code {value} of `{tname}`"), c.code.loc);
                codes.push((
                    c,
                    Code {
                        value,
                        rust_variant: String::new(),
                        info: self.info(&c.doc),
                        prov: cprov,
                        alt_zh: c.alt_zh.iter().map(|s| s.value.clone()).collect(),
                        category: c.category.as_ref().map(|s| CodeValue::from(&s.value)),
                    },
                ));
            }
            let mut ranges: Vec<(Loc, CodeRange)> = Vec::new();
            for rg in &r.ranges {
                if kind == CodeKind::String {
                    self.err(
                        Diagnostic::new(
                            DCode::CodeKindMismatch,
                            rg.from.loc,
                            format!("`{tname}` is a string table and cannot have ranges"),
                        )
                        .label("range in a string table")
                        .hint("list the codes one by one, or make the table `kind: integer`"),
                    );
                    continue;
                }
                let (from, to) = (rg.from.value, rg.to.value);
                if from > to {
                    self.err(
                        Diagnostic::new(
                            DCode::OverlappingRange,
                            rg.to.loc,
                            format!("range {from}–{to} ends before it starts"),
                        )
                        .label("`to` is below `from`")
                        .hint("swap `from` and `to`"),
                    );
                    continue;
                }
                if let Some((v, l)) = seen
                    .iter()
                    .find(|(v, _)| matches!(v, CodeValue::Int(i) if (from..=to).contains(i)))
                {
                    self.err(
                        Diagnostic::new(
                            DCode::OverlappingRange,
                            rg.from.loc,
                            format!("range {from}–{to} contains code {v}"),
                        )
                        .label("overlapping range")
                        .related(*l, "code listed here")
                        .hint("a value has one meaning: shrink the range or drop the code"),
                    );
                    continue;
                }
                if let Some((l, other)) = ranges.iter().find(|(_, o)| o.from <= to && from <= o.to)
                {
                    self.err(
                        Diagnostic::new(
                            DCode::OverlappingRange,
                            rg.from.loc,
                            format!(
                                "range {from}–{to} overlaps range {}–{}",
                                other.from, other.to
                            ),
                        )
                        .label("overlapping range")
                        .related(*l, "other range")
                        .hint("ranges must be disjoint"),
                    );
                    continue;
                }
                let rprov = self.prov(
                    &rg.doc,
                    &format!("range {from}–{to} of `{tname}`"),
                    rg.from.loc,
                );
                ranges.push((
                    rg.from.loc,
                    CodeRange {
                        from,
                        to,
                        rust_variant: String::new(),
                        info: self.info(&rg.doc),
                        prov: rprov,
                    },
                ));
            }
            // Variant names: UpperCamelCase of the English meaning; names used twice (or
            // `Unknown`, the catch-all) get their code (or range) appended.
            let mut variants: Vec<String> = codes
                .iter()
                .map(|(_, c)| variant_name(&c.info.en, &c.value))
                .collect();
            let mut range_variants: Vec<String> = ranges
                .iter()
                .map(|(_, r)| variant_name(&r.info.en, &CodeValue::Int(r.from)))
                .collect();
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            for v in variants.iter().chain(&range_variants) {
                *counts.entry(v.clone()).or_default() += 1;
            }
            for (v, (_, c)) in variants.iter_mut().zip(&codes) {
                if counts.get(v).copied().unwrap_or(0) > 1 || v == "Unknown" {
                    *v = format!("{v}{}", code_suffix(&c.value));
                }
            }
            for (v, (_, r)) in range_variants.iter_mut().zip(&ranges) {
                if counts.get(v).copied().unwrap_or(0) > 1 || v == "Unknown" {
                    *v = format!(
                        "{v}{}To{}",
                        code_suffix(&CodeValue::Int(r.from)),
                        code_suffix(&CodeValue::Int(r.to))
                    );
                }
            }
            for ((_, r), v) in ranges.iter_mut().zip(range_variants) {
                r.rust_variant = v;
            }
            let codes: Vec<Code> = codes
                .into_iter()
                .zip(variants)
                .map(|((_, mut c), v)| {
                    c.rust_variant = v;
                    c
                })
                .collect();
            let open = r.open.as_ref().is_some_and(|o| o.value);
            let table = CodeTable {
                name: tname.clone(),
                rust_name: ident::pascal(tname.strip_prefix("T-").unwrap_or(tname)),
                info: self.info(&r.doc),
                prov,
                kind,
                open,
                codes,
                ranges: ranges.into_iter().map(|(_, r)| r).collect(),
                category_table: r.category_table.as_ref().map(|c| c.value.clone()),
                appendix: r.appendix.as_ref().map(|s| s.value.clone()),
                table_no: r.table.as_ref().map(|s| s.value.clone()),
                value_max_len: r.value_max_len.as_ref().map(|v| u32_of(v.value.max(0))),
                value_pattern: r.value_pattern.as_ref().map(|v| v.value.clone()),
            };
            if !open && table.has_provisional() {
                let l = r.open.as_ref().map_or(t.name.loc, |o| o.loc);
                self.err(
                    Diagnostic::new(
                        DCode::ClosedProvisionalTable,
                        l,
                        format!("code table `{tname}` holds provisional items but is closed"),
                    )
                    .label("`open: false`")
                    .related(t.name.loc, "table defined here")
                    .hint(
                        "set `open: true`: a provisional table must keep values it does not know",
                    ),
                );
            }
            if let Some(ct) = &r.category_table
                && !names.tables.contains_key(ct.value.as_str())
            {
                self.unknown_table(names, ct);
            }
            out.insert(tname.clone(), table);
        }
        // Categories name codes of the category table.
        let snapshot: Vec<(String, Option<String>, Vec<Option<CodeValue>>)> = out
            .values()
            .map(|t| {
                (
                    t.name.clone(),
                    t.category_table.clone(),
                    t.codes.iter().map(|c| c.category.clone()).collect(),
                )
            })
            .collect();
        for (tname, cat_table, cats) in snapshot {
            let raw_table = self.raw.code_tables.iter().find(|t| t.name.value == tname);
            let Some(raw_table) = raw_table else { continue };
            for (rc, cat) in raw_table.item.codes.iter().zip(cats.iter()) {
                let Some(cat) = cat else { continue };
                let loc = rc.category.as_ref().map_or(rc.code.loc, |c| c.loc);
                match &cat_table {
                    None => self.err(
                        Diagnostic::new(
                            DCode::InvalidValue,
                            loc,
                            "a code has a `category` but its table has no `category_table`"
                                .to_owned(),
                        )
                        .label("category without a category table")
                        .hint("add `category_table: T-...` to the table"),
                    ),
                    Some(ct) => {
                        if let Some(t) = out.get(ct)
                            && !t.codes.iter().any(|c| &c.value == cat)
                            && !matches!(cat, CodeValue::Int(i) if t.ranges.iter().any(|r| (r.from..=r.to).contains(i)))
                        {
                            self.err(
                                Diagnostic::new(
                                    DCode::InvalidValue,
                                    loc,
                                    format!("category {cat} is not a code of `{ct}`"),
                                )
                                .label("unknown category")
                                .hint(format!("use one of the codes of `{ct}`")),
                            );
                        }
                    }
                }
            }
        }
        out
    }

    // ---- objects ----

    #[allow(clippy::too_many_arguments)]
    fn object(
        &mut self,
        names: &Names<'a>,
        _types: &IndexMap<String, NamedType>,
        tables: &IndexMap<String, CodeTable>,
        name: &Sp<String>,
        doc: &Doc,
        known_prov: Option<Provenance>,
        raw_fields: &[raw::RawField],
        raw_constraints: &[raw::RawConstraint],
        origin: ObjectOrigin,
    ) -> Object {
        let oname = &name.value;
        let prov = match known_prov {
            Some(p) => p,
            None => self.prov(doc, &format!("object `{oname}`"), name.loc),
        };
        let mut fields = Vec::new();
        let mut wires: BTreeMap<String, Loc> = BTreeMap::new();
        let mut idents: BTreeMap<String, (String, Loc)> = BTreeMap::new();
        for f in raw_fields {
            let w = &f.wire.value;
            let what = format!("field `{w}` of `{oname}`");
            for (spelling, loc) in
                std::iter::once((w, f.wire.loc)).chain(f.aliases.iter().map(|a| (&a.value, a.loc)))
            {
                if let Some(first) = wires.get(spelling) {
                    self.err(
                        Diagnostic::new(
                            DCode::DuplicateWireName,
                            loc,
                            format!("wire name `{spelling}` is used twice in `{oname}`"),
                        )
                        .label("used again here")
                        .related(*first, "first used here")
                        .hint("wire names and aliases of one object must be unique"),
                    );
                } else {
                    wires.insert(spelling.clone(), loc);
                }
            }
            if !w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') || w.is_empty() {
                self.err(
                    Diagnostic::new(DCode::InvalidValue, f.wire.loc, format!("wire name `{w}` has characters other than ASCII letters, digits and `_`"))
                        .label("not a wire name")
                        .hint("transcribe the JSON key exactly; it is ASCII in every known edition"),
                );
            }
            let rust_ident = self.field_ident(w, f.wire.loc, oname, &mut idents);
            let fprov = self.prov(&f.doc, &what, f.wire.loc);
            let type_name = match &f.ty {
                Some(RawType::Named(n))
                    if !matches!(n.value.as_str(), "string" | "integer" | "decimal") =>
                {
                    Some(n.value.clone())
                }
                _ => None,
            };
            let mut stack = Vec::new();
            let ty =
                f.ty.as_ref()
                    .and_then(|t| self.resolve_type(names, t, &mut stack));
            let default = f.default.as_ref().map(node_value);
            if let (Some(ty), Some(dv), Some(node)) = (&ty, &default, &f.default)
                && let Some(why) = default_misfit(ty, dv, tables)
            {
                self.err(
                    Diagnostic::new(
                        DCode::BadDefault,
                        node.loc,
                        format!("the default of `{w}` does not fit its type: {why}"),
                    )
                    .label("default value")
                    .hint("correct the default or the type"),
                );
            }
            let requirement = match &f.required {
                None | Some(RawRequired::Always(Sp { value: false, .. })) => Requirement::Optional,
                Some(RawRequired::Always(Sp { value: true, .. })) => Requirement::Required,
                Some(RawRequired::When {
                    field, op, values, ..
                }) => Requirement::Conditional(Condition {
                    field: field.value.clone(),
                    op: *op,
                    values: values.iter().map(|v| CodeValue::from(&v.value)).collect(),
                }),
            };
            let Some(ty) = ty else { continue };
            let empty_means_absent = match &f.empty_means_absent {
                Some(e) if e.value => {
                    let fits = requirement != Requirement::Required
                        && matches!(ty, Type::String(_) | Type::DateTime(_));
                    if !fits {
                        self.err(
                            Diagnostic::new(
                                DCode::InvalidValue,
                                e.loc,
                                format!("`empty_means_absent` on `{w}`, which is not an optional string or date"),
                            )
                            .label("not allowed here")
                            .hint("only an optional (or conditional) string or date field can take \"\" for absent"),
                        );
                    }
                    fits
                }
                _ => false,
            };
            fields.push(Field {
                wire: w.clone(),
                rust_ident,
                info: self.info(&f.doc),
                prov: fprov,
                ty,
                type_name,
                requirement,
                unit: f.unit.as_ref().map(|u| u.value.clone()),
                aliases: f.aliases.iter().map(|a| a.value.clone()).collect(),
                misspelling_of: f.misspelling_of.as_ref().map(|m| m.value.clone()),
                default,
                secret: false,
                empty_means_absent,
            });
        }
        // Conditions name sibling fields and values they can take.
        for f in raw_fields {
            let Some(RawRequired::When { field, values, .. }) = &f.required else {
                continue;
            };
            if field.value == f.wire.value {
                self.err(
                    Diagnostic::new(
                        DCode::BadCondition,
                        field.loc,
                        format!("`{}` cannot be conditional on itself", f.wire.value),
                    )
                    .label("the field itself")
                    .hint("name the sibling field whose value decides"),
                );
                continue;
            }
            let Some(target) = fields.iter().find(|x| x.wire == field.value) else {
                if raw_fields.iter().any(|x| x.wire.value == field.value) {
                    continue; // the sibling exists but failed to resolve: reported already
                }
                let hint = match closest_owned(
                    &field.value,
                    raw_fields.iter().map(|x| x.wire.value.clone()),
                ) {
                    Some(c) => format!("did you mean `{c}`?"),
                    None => "the condition names a sibling field of the same object".to_owned(),
                };
                self.unresolved(
                    Diagnostic::new(
                        DCode::UnknownField,
                        field.loc,
                        format!("`{oname}` has no field `{}`", field.value),
                    )
                    .label("no such field")
                    .hint(hint),
                );
                continue;
            };
            for v in values {
                if let Some(why) = condition_misfit(&target.ty, &v.value, tables) {
                    self.err(
                        Diagnostic::new(
                            DCode::BadCondition,
                            v.loc,
                            format!("`{}` can never be {}: {why}", target.wire, v.value),
                        )
                        .label("impossible value")
                        .hint("compare with a value the field can take"),
                    );
                }
            }
        }
        let mut constraints = Vec::new();
        for c in raw_constraints {
            let cprov = self.prov(&c.doc, &format!("a constraint of `{oname}`"), c.loc);
            let mut ok = true;
            for g in c.exactly_one_of.iter().flatten() {
                if !raw_fields.iter().any(|f| f.wire.value == g.value) {
                    ok = false;
                    self.unresolved(
                        Diagnostic::new(
                            DCode::UnknownField,
                            g.loc,
                            format!("`{oname}` has no field `{}`", g.value),
                        )
                        .label("no such field")
                        .hint("constraints name fields of the same object"),
                    );
                }
            }
            if c.exactly_one_of.len() < 2 {
                ok = false;
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        c.loc,
                        "`exactly_one_of` needs at least two groups".to_owned(),
                    )
                    .label("fewer than two groups")
                    .hint("e.g. `exactly_one_of: [[ConnectorID], [EquipmentID, BinID]]`"),
                );
            }
            if ok {
                constraints.push(Constraint {
                    info: self.info(&c.doc),
                    prov: cprov,
                    exactly_one_of: c
                        .exactly_one_of
                        .iter()
                        .map(|g| g.iter().map(|s| s.value.clone()).collect())
                        .collect(),
                });
            }
        }
        Object {
            name: oname.clone(),
            rust_name: ident::pascal(oname),
            info: self.info(doc),
            prov,
            origin,
            fields,
            constraints,
        }
    }

    fn field_ident(
        &mut self,
        wire: &str,
        loc: Loc,
        oname: &str,
        idents: &mut BTreeMap<String, (String, Loc)>,
    ) -> String {
        let snake = ident::snake(wire);
        if let Some((other, first)) = idents.get(&snake) {
            self.err(
                Diagnostic::new(
                    DCode::IdentCollision,
                    loc,
                    format!(
                        "`{wire}` and `{other}` of `{oname}` both become the Rust field `{snake}`"
                    ),
                )
                .label(format!("becomes `{snake}`"))
                .related(*first, format!("`{other}` also becomes `{snake}`"))
                .hint("rename one of the wire names, or check whether they are the same field"),
            );
        } else {
            idents.insert(snake.clone(), (wire.to_owned(), loc));
        }
        if ident::NOT_RAW.contains(&snake.as_str()) || snake.is_empty() {
            self.err(
                Diagnostic::new(DCode::ReservedWord, loc, format!("`{wire}` becomes `{snake}`, which Rust cannot use as a field name"))
                    .label("reserved word")
                    .hint("self, Self, super and crate cannot even be raw identifiers; the wire name needs a different field"),
            );
            return format!("{snake}_");
        }
        if snake.starts_with(|c: char| c.is_ascii_digit()) {
            return format!("f_{snake}");
        }
        if ident::is_keyword(&snake) {
            self.err(
                Diagnostic::new(
                    DCode::RawIdentifier,
                    loc,
                    format!(
                        "`{wire}` becomes the Rust keyword `{snake}`; it is emitted as `r#{snake}`"
                    ),
                )
                .label("keyword")
                .hint(
                    "nothing to do unless you prefer another wire name; the JSON key is unchanged",
                ),
            );
            return format!("r#{snake}");
        }
        snake
    }

    // ---- interfaces ----

    fn party(
        &mut self,
        names: &Names<'a>,
        v: Option<&Sp<String>>,
        key: &str,
        iname: &Sp<String>,
    ) -> Option<Party> {
        let Some(v) = v else {
            self.err(
                Diagnostic::new(
                    DCode::MissingDirection,
                    iname.loc,
                    format!("interface `{}` does not say its {key}", iname.value),
                )
                .label(format!("no `{key}`"))
                .hint("add `implementer:` (the callee) and `caller:`, each a role or `both`"),
            );
            return None;
        };
        if v.value == "both" {
            return Some(Party::Both);
        }
        if names.roles.contains(&v.value) {
            return Some(Party::Role(v.value.clone()));
        }
        if names.roles.is_empty() {
            return None; // no edition (reported): every role would be unknown
        }
        let hint = format!(
            "roles of this edition: {}, or `both`",
            names.roles.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownRole,
                v.loc,
                format!("unknown role `{}`", v.value),
            )
            .label("no such role")
            .hint(hint),
        );
        None
    }

    fn interface(
        &mut self,
        names: &Names<'a>,
        types: &IndexMap<String, NamedType>,
        tables: &IndexMap<String, CodeTable>,
        objects: &mut IndexMap<String, Object>,
        i: &Named<raw::RawInterface>,
    ) -> Interface {
        let r = &i.item;
        let iname = &i.name.value;
        let prov = self.prov(&r.doc, &format!("interface `{iname}`"), i.name.loc);
        let implementer = self.party(names, r.implementer.as_ref(), "implementer", &i.name);
        let caller = self.party(names, r.caller.as_ref(), "caller", &i.name);
        if let (Some(Party::Role(a)), Some(Party::Role(b))) = (&implementer, &caller)
            && a == b
            && let (Some(li), Some(lc)) = (&r.implementer, &r.caller)
        {
            self.err(
                Diagnostic::new(
                    DCode::SameDirection,
                    lc.loc,
                    format!("interface `{iname}` is implemented and called by `{a}`"),
                )
                .label("caller")
                .related(li.loc, "implementer")
                .hint("the implementer is the callee; the other party calls it"),
            );
        }
        let rust_name = ident::pascal(iname);
        let mut payload =
            |this: &mut Self, p: Option<&RawPayload>, dir: PayloadDirection| -> Payload {
                let suffix = if dir == PayloadDirection::Request {
                    "Request"
                } else {
                    "Response"
                };
                match p {
                    Some(RawPayload::Object {
                        name, description, ..
                    }) => {
                        this.object_ref(names, name);
                        Payload {
                            object: name.value.clone(),
                            inline: false,
                            description: description.as_ref().map(|d| d.value.clone()),
                        }
                    }
                    Some(RawPayload::Fields {
                        fields,
                        description,
                        loc,
                    }) => {
                        let pname = format!("{rust_name}{suffix}");
                        let doc = Doc {
                            zh: r.doc.zh.as_ref().map(|z| {
                                Sp::new(
                                    format!(
                                        "{}{}",
                                        z.value,
                                        if dir == PayloadDirection::Request {
                                            "请求"
                                        } else {
                                            "应答"
                                        }
                                    ),
                                    z.loc,
                                )
                            }),
                            en: r.doc.en.as_ref().map(|e| {
                                Sp::new(format!("{} ({})", e.value, suffix.to_lowercase()), e.loc)
                            }),
                            description: description.clone(),
                            section: r.doc.section.clone(),
                            provenance: r.doc.provenance.clone(),
                            provisional: r.doc.provisional.clone(),
                            note: r.doc.note.clone(),
                            loc: Some(*loc),
                        };
                        // The payload shares the interface's provenance, checked on the interface
                        // already (a second report would be a cascade).
                        let obj = this.object(
                            names,
                            types,
                            tables,
                            &Sp::new(pname.clone(), *loc),
                            &doc,
                            Some(prov.clone()),
                            fields,
                            &[],
                            ObjectOrigin::Payload {
                                interface: iname.clone(),
                                direction: dir,
                            },
                        );
                        objects.insert(pname.clone(), obj);
                        Payload {
                            object: pname,
                            inline: true,
                            description: description.as_ref().map(|d| d.value.clone()),
                        }
                    }
                    None => Payload {
                        object: String::new(),
                        inline: true,
                        description: None,
                    },
                }
            };
        let request = payload(self, r.request.as_ref(), PayloadDirection::Request);
        let response = payload(self, r.response.as_ref(), PayloadDirection::Response);
        let paging = r
            .paging
            .as_ref()
            .and_then(|p| self.paging(p, &request, &response, objects));
        Interface {
            name: iname.clone(),
            rust_name,
            fn_name: ident::snake(iname),
            info: self.info(&r.doc),
            prov,
            implementer: implementer.unwrap_or(Party::Both),
            caller: caller.unwrap_or(Party::Both),
            auth: r.auth.as_ref().map_or(Auth::Bearer, |a| a.value),
            optional: r.optional.as_ref().is_some_and(|o| o.value),
            trigger: r.trigger.as_ref().map(|t| t.value.clone()),
            frequency: r.frequency.as_ref().map(|t| t.value.clone()),
            section_2020: r.section_2020.as_ref().map(|t| t.value.clone()),
            route_aliases: r.route_aliases.iter().map(|a| a.value.clone()).collect(),
            request,
            response,
            paging,
            flows: Vec::new(),
        }
    }

    fn paging(
        &mut self,
        p: &raw::RawPaging,
        req: &Payload,
        resp: &Payload,
        objects: &IndexMap<String, Object>,
    ) -> Option<Paging> {
        let prov = self.prov(&p.doc, "a paging block", p.loc);
        let mut ok = true;
        let mut check = |this: &mut Self,
                         f: Option<&Sp<String>>,
                         payload: &Payload,
                         want_array: bool|
         -> String {
            let Some(f) = f else {
                ok = false;
                return String::new();
            };
            let Some(obj) = objects.get(&payload.object) else {
                return f.value.clone();
            };
            match obj.fields.iter().find(|x| x.wire == f.value) {
                None => {
                    ok = false;
                    this.unresolved(
                        Diagnostic::new(DCode::UnknownField, f.loc, format!("the payload `{}` has no field `{}`", obj.name, f.value))
                            .label("no such field")
                            .hint("paging names fields of the request (page_no, page_size) and response (page_count, item_count, items)"),
                    );
                }
                Some(field) => {
                    let fits = if want_array {
                        matches!(field.ty, Type::Array(_))
                    } else {
                        matches!(field.ty, Type::Integer(_))
                    };
                    if !fits {
                        ok = false;
                        this.err(
                            Diagnostic::new(DCode::BadPaging, f.loc, format!("paging field `{}` must be {}", f.value, if want_array { "an array" } else { "an integer" }))
                                .label("wrong type for paging")
                                .hint("page numbers and counts are integers; `items` is the array of results"),
                        );
                    }
                }
            }
            f.value.clone()
        };
        let page_no = check(self, p.page_no.as_ref(), req, false);
        let page_size = check(self, p.page_size.as_ref(), req, false);
        let page_count = check(self, p.page_count.as_ref(), resp, false);
        let item_count = check(self, p.item_count.as_ref(), resp, false);
        let items = check(self, p.items.as_ref(), resp, true);
        ok.then(|| Paging {
            page_no,
            page_size,
            page_count,
            item_count,
            items,
            default_page_no: p.default_page_no.as_ref().map(|v| v.value),
            default_page_size: p.default_page_size.as_ref().map(|v| v.value),
            info: self.info(&p.doc),
            prov,
        })
    }

    // ---- flows ----

    fn flows(
        &mut self,
        names: &Names<'a>,
        interfaces: &mut IndexMap<String, Interface>,
    ) -> IndexMap<String, Flow> {
        let mut flows: Vec<Flow> = Vec::new();
        let mut numbers: BTreeMap<i64, Loc> = BTreeMap::new();
        let mut done: BTreeSet<&str> = BTreeSet::new();
        for f in &self.raw.flows {
            if !done.insert(&f.name.value) {
                continue;
            }
            let key = &f.name.value;
            if !ident::is_ident(key) || key.chars().any(|c| c.is_ascii_uppercase()) {
                self.err(
                    Diagnostic::new(
                        DCode::InvalidValue,
                        f.name.loc,
                        format!("flow key `{key}` must be a snake_case identifier"),
                    )
                    .label("bad flow key")
                    .hint("e.g. `update_operator_info`"),
                );
            }
            let prov = self.prov(&f.item.doc, &format!("flow `{key}`"), f.name.loc);
            if let Some(n) = &f.item.number {
                if let Some(first) = numbers.get(&n.value) {
                    self.err(
                        Diagnostic::new(
                            DCode::DuplicateFlowNumber,
                            n.loc,
                            format!("flow number {} is used twice", n.value),
                        )
                        .label("used again here")
                        .related(*first, "first used here")
                        .hint("flows are numbered as in chapter 8; renumber one"),
                    );
                } else {
                    numbers.insert(n.value, n.loc);
                }
            }
            let mut steps = Vec::new();
            for s in &f.item.steps {
                let sprov = self.prov(&s.doc, &format!("a step of flow `{key}`"), s.interface.loc);
                if !names.interfaces.contains(s.interface.value.as_str()) {
                    let hint = match closest_owned(&s.interface.value, names.interfaces.iter()) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "flow steps name interfaces defined under `interfaces:`".to_owned(),
                    };
                    self.unresolved(
                        Diagnostic::new(
                            DCode::UnknownInterface,
                            s.interface.loc,
                            format!(
                                "flow `{key}` names unknown interface `{}`",
                                s.interface.value
                            ),
                        )
                        .label("no such interface")
                        .hint(hint),
                    );
                    continue;
                }
                if let Some(i) = interfaces.get_mut(&s.interface.value)
                    && !i.flows.contains(key)
                {
                    i.flows.push(key.clone());
                }
                steps.push(Step {
                    interface: s.interface.value.clone(),
                    optional: s.optional.as_ref().is_some_and(|o| o.value),
                    info: self.info(&s.doc),
                    prov: sprov,
                });
            }
            flows.push(Flow {
                key: key.clone(),
                number: f.item.number.as_ref().map_or(i64::MAX, |n| n.value),
                info: self.info(&f.item.doc),
                prov,
                trigger: f.item.trigger.as_ref().map(|t| t.value.clone()),
                steps,
            });
        }
        flows.sort_by(|a, b| (a.number, &a.key).cmp(&(b.number, &b.key)));
        flows.into_iter().map(|f| (f.key.clone(), f)).collect()
    }

    // ---- global checks ----

    /// An object that contains itself through required, non-array object fields has no finite
    /// value.
    fn check_object_cycles(&mut self, objects: &IndexMap<String, Object>) {
        for (name, _) in objects {
            let mut path = vec![name.clone()];
            if let Some(cycle) = find_cycle(objects, name, &mut path)
                && cycle.first() == Some(name)
                && cycle.iter().min() == Some(name)
            {
                let loc = self
                    .raw
                    .objects
                    .iter()
                    .find(|o| &o.name.value == name)
                    .map(|o| o.name.loc);
                if let Some(loc) = loc {
                    self.err(
                        Diagnostic::new(
                            DCode::Cycle,
                            loc,
                            format!("object `{name}` contains itself: {}", cycle.join(" → ")),
                        )
                        .label("recursive through required fields")
                        .hint("make one field of the cycle optional or an array"),
                    );
                }
            }
        }
    }

    fn check_type_namespace(
        &mut self,
        objects: &IndexMap<String, Object>,
        tables: &IndexMap<String, CodeTable>,
        types: &IndexMap<String, NamedType>,
        interfaces: &IndexMap<String, Interface>,
    ) {
        let mut seen: BTreeMap<String, (String, Loc)> = BTreeMap::new();
        let raw = self.raw;
        let mut entries: Vec<(String, String, Loc)> = Vec::new();
        for o in &raw.objects {
            if let Some(obj) = objects.get(&o.name.value) {
                entries.push((
                    obj.rust_name.clone(),
                    format!("object `{}`", o.name.value),
                    o.name.loc,
                ));
            }
        }
        for (name, obj) in objects {
            if let ObjectOrigin::Payload { interface, .. } = &obj.origin {
                let loc = raw
                    .interfaces
                    .iter()
                    .find(|i| &i.name.value == interface)
                    .map(|i| i.name.loc);
                if let Some(loc) = loc {
                    entries.push((
                        obj.rust_name.clone(),
                        format!("the payload `{name}` of interface `{interface}`"),
                        loc,
                    ));
                }
            }
        }
        for t in &raw.code_tables {
            if let Some(tb) = tables.get(&t.name.value) {
                entries.push((
                    tb.rust_name.clone(),
                    format!("code table `{}`", t.name.value),
                    t.name.loc,
                ));
            }
        }
        for t in &raw.types {
            if let Some(nt) = types.get(&t.name.value) {
                entries.push((
                    nt.rust_name.clone(),
                    format!("type `{}`", t.name.value),
                    t.name.loc,
                ));
            }
        }
        for i in &raw.interfaces {
            if let Some(iface) = interfaces.get(&i.name.value) {
                entries.push((
                    iface.rust_name.clone(),
                    format!("interface `{}`", i.name.value),
                    i.name.loc,
                ));
            }
        }
        // Distinct items may share a name only when they are the same item: a named type and
        // nothing else, etc.; interfaces live in their own namespace (module), but their names are
        // also the prefix of payload types, so they are checked too.
        for (rust, what, loc) in entries {
            if ident::is_keyword(&rust) {
                self.err(
                    Diagnostic::new(
                        DCode::ReservedWord,
                        loc,
                        format!("{what} becomes the Rust keyword `{rust}`"),
                    )
                    .label("keyword as a type name")
                    .hint("choose another name"),
                );
                continue;
            }
            if let Some((other, first)) = seen.get(&rust) {
                if (what.starts_with("interface") || other.starts_with("interface"))
                    && !(what.starts_with("interface") && other.starts_with("interface"))
                {
                    continue; // interfaces are modules, types are types
                }
                self.err(
                    Diagnostic::new(
                        DCode::IdentCollision,
                        loc,
                        format!("{what} and {other} both become the Rust name `{rust}`"),
                    )
                    .label(format!("becomes `{rust}`"))
                    .related(*first, format!("{other} is here"))
                    .hint("rename one of them"),
                );
            } else {
                seen.insert(rust, (what, loc));
            }
        }
    }

    // ---- security ----

    #[allow(clippy::too_many_lines)]
    fn interface_ref(&mut self, names: &Names<'a>, i: &Sp<String>) -> bool {
        if names.interfaces.contains(i.value.as_str()) {
            return true;
        }
        let hint = match closest_owned(&i.value, names.interfaces.iter()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "interfaces are defined under `interfaces:`".to_owned(),
        };
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownInterface,
                i.loc,
                format!("unknown interface `{}`", i.value),
            )
            .label("no such interface")
            .hint(hint),
        );
        false
    }

    fn object_ref(&mut self, names: &Names<'a>, o: &Sp<String>) -> bool {
        if names.objects.contains_key(o.value.as_str()) {
            return true;
        }
        let hint = match closest_owned(&o.value, names.objects.keys()) {
            Some(c) => format!("did you mean `{c}`?"),
            None => "objects are defined under `objects:`".to_owned(),
        };
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownObject,
                o.loc,
                format!("unknown object `{}`", o.value),
            )
            .label("no such object")
            .hint(hint),
        );
        false
    }

    fn field_ref(&mut self, objects: &IndexMap<String, Object>, object: &str, f: &Sp<String>) {
        let Some(obj) = objects.get(object) else {
            return;
        };
        if obj.fields.iter().any(|x| x.wire == f.value) {
            return;
        }
        let hint = match closest_owned(&f.value, obj.fields.iter().map(|x| x.wire.clone())) {
            Some(c) => format!("did you mean `{c}`?"),
            None => format!(
                "fields of `{object}`: {}",
                obj.fields
                    .iter()
                    .map(|x| x.wire.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.unresolved(
            Diagnostic::new(
                DCode::UnknownField,
                f.loc,
                format!("`{object}` has no field `{}`", f.value),
            )
            .label("no such field")
            .hint(hint),
        );
    }

    // ---- QR code ----

    fn qr(
        &mut self,
        names: &Names<'a>,
        _types: &IndexMap<String, NamedType>,
        _tables: &IndexMap<String, CodeTable>,
        q: &Sp<raw::RawQrCode>,
    ) -> QrCode {
        let r = &q.value;
        let prov = self.prov(&r.doc, "the QR-code section", q.loc);
        let parts = r
            .parts
            .iter()
            .map(|p| {
                let (kind, loc) = match &p.kind {
                    raw::RawQrKind::Literal(text) => {
                        (QrPartKind::Literal(text.value.clone()), text.loc)
                    }
                    raw::RawQrKind::Field { field, ty } => {
                        let mut stack = Vec::new();
                        let ty = ty
                            .as_ref()
                            .and_then(|t| self.resolve_type(names, t, &mut stack));
                        (
                            QrPartKind::Field {
                                field: field.value.clone(),
                                ty,
                            },
                            field.loc,
                        )
                    }
                    raw::RawQrKind::Tail => (QrPartKind::Tail, q.loc),
                };
                QrPart {
                    kind,
                    info: self.info(&p.doc),
                    prov: self.prov(&p.doc, "a QR-code part", loc),
                }
            })
            .collect();
        let patterns = r
            .patterns
            .iter()
            .map(|p| {
                self.pattern(&p.pattern);
                QrPattern {
                    name: p.name.value.clone(),
                    pattern: p.pattern.value.clone(),
                    info: self.info(&p.doc),
                    prov: self.prov(&p.doc, "a QR-code pattern", p.name.loc),
                }
            })
            .collect();
        QrCode {
            info: self.info(&r.doc),
            prov,
            parts,
            patterns,
        }
    }
}

fn find_cycle(
    objects: &IndexMap<String, Object>,
    current: &str,
    path: &mut Vec<String>,
) -> Option<Vec<String>> {
    let obj = objects.get(current)?;
    for f in &obj.fields {
        if f.requirement != Requirement::Required {
            continue;
        }
        if let Type::Object(next) = &f.ty {
            if path.first().is_some_and(|p| p == next) {
                let mut c = path.clone();
                c.push(next.clone());
                return Some(c);
            }
            if path.contains(next) {
                continue;
            }
            path.push(next.clone());
            if let Some(c) = find_cycle(objects, next, path) {
                return Some(c);
            }
            path.pop();
        }
    }
    None
}

fn code_suffix(v: &CodeValue) -> String {
    match v {
        CodeValue::Int(i) if *i < 0 => format!("Minus{}", i.unsigned_abs()),
        CodeValue::Int(i) => i.to_string(),
        CodeValue::Str(s) => ident::pascal(s),
    }
}

/// The enum variant name of a code: UpperCamelCase of its English meaning (before any
/// parenthesis or semicolon), ASCII letters and digits only.
fn variant_name(en: &str, value: &CodeValue) -> String {
    use heck::ToUpperCamelCase;
    let head = en.split(['(', ';']).next().unwrap_or("");
    let cleaned: String = head
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let mut v = cleaned.to_upper_camel_case();
    if v.is_empty() {
        v = format!("Code{}", code_suffix(value));
    }
    if v.starts_with(|c: char| c.is_ascii_digit()) {
        v = format!("V{v}");
    }
    if ident::is_keyword(&v) {
        v.push('_');
    }
    v
}

fn node_value(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Int(i) => Value::Int(*i),
        NodeKind::Float(f) => Value::Float(*f),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Str(s) => Value::Str(s.clone()),
        _ => Value::Str(String::new()),
    }
}

fn code_known(t: &CodeTable, v: &CodeValue) -> bool {
    t.codes.iter().any(|c| &c.value == v)
        || matches!(v, CodeValue::Int(i) if t.ranges.iter().any(|r| (r.from..=r.to).contains(i)))
}

/// A literal as a value of the table, if it has the table's kind.
fn table_value(t: &CodeTable, v: &Scalar) -> Option<CodeValue> {
    match (v, t.kind) {
        (Scalar::Int(_), CodeKind::Integer) | (Scalar::Str(_), CodeKind::String) => {
            Some(CodeValue::from(v))
        }
        _ => None,
    }
}

fn kind_mismatch(name: &str, t: &CodeTable) -> String {
    format!(
        "`{name}` holds {} codes",
        if t.kind == CodeKind::Integer {
            "integer"
        } else {
            "string"
        }
    )
}

fn default_misfit(ty: &Type, v: &Value, tables: &IndexMap<String, CodeTable>) -> Option<String> {
    match (ty, v) {
        (Type::Integer(t), Value::Int(i)) => {
            if t.min.is_some_and(|m| *i < m) || t.max.is_some_and(|m| *i > m) {
                Some(format!("{i} is outside the range"))
            } else {
                None
            }
        }
        (Type::Decimal(_), Value::Int(_) | Value::Float(_)) => None,
        (Type::String(t), Value::Str(s)) => {
            let n = u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
            if t.min_len.is_some_and(|m| n < m) || t.max_len.is_some_and(|m| n > m) {
                Some(format!("{n} characters is outside the length limits"))
            } else {
                None
            }
        }
        (Type::Code(name), v) => {
            let t = tables.get(name)?;
            let scalar = match v {
                Value::Int(i) => Scalar::Int(*i),
                Value::Str(s) => Scalar::Str(s.clone()),
                _ => return Some(kind_mismatch(name, t)),
            };
            match table_value(t, &scalar) {
                None => Some(kind_mismatch(name, t)),
                Some(cv) => (!code_known(t, &cv) && !t.open)
                    .then(|| format!("{cv} is not a code of `{name}`")),
            }
        }
        (Type::DateTime(_), Value::Str(_)) => None,
        (_, v) => Some(format!(
            "a {} default for this type",
            match v {
                Value::Int(_) => "integer",
                Value::Float(_) => "number",
                Value::Str(_) => "string",
                Value::Bool(_) => "boolean",
            }
        )),
    }
}

fn condition_misfit(ty: &Type, v: &Scalar, tables: &IndexMap<String, CodeTable>) -> Option<String> {
    match (ty, v) {
        (Type::Code(name), v) => {
            let t = tables.get(name)?;
            match table_value(t, v) {
                None => Some(kind_mismatch(name, t)),
                Some(cv) => {
                    (!code_known(t, &cv)).then(|| format!("{cv} is not a code of `{name}`"))
                }
            }
        }
        (Type::Integer(t), Scalar::Int(i)) => (t.min.is_some_and(|m| *i < m)
            || t.max.is_some_and(|m| *i > m))
        .then(|| "outside the field's range".to_owned()),
        (Type::String(_), Scalar::Str(_)) => None,
        (Type::Integer(_), Scalar::Str(_)) => Some("the field is an integer".to_owned()),
        (Type::String(_), Scalar::Int(_)) => Some("the field is a string".to_owned()),
        _ => Some("conditions compare integer, string or code fields".to_owned()),
    }
}
