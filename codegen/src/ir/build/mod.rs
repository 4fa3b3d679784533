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

mod codes;
mod flows;
mod interfaces;
mod names;
mod objects;
mod qr;
mod rules;
mod security;
mod token;
mod tolerances;
mod types;

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
        let tolerances = self.tolerances(&mut objects);
        Some(Edition {
            tolerances,
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
}
