//! Names: the names every kind of item has (duplicates, name forms), the edition and its roles,
//! references to interfaces, objects, fields and code tables, and the shared Rust type namespace.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn collect_names(&mut self) -> Names<'a> {
        let raw = self.raw;
        self.dup(&raw.types, "type");
        self.dup(&raw.objects, "object");
        self.dup(&raw.code_tables, "code table");
        self.dup(&raw.interfaces, "interface");
        self.dup(&raw.flows, "flow");
        self.dup(&raw.tolerances, "tolerance");
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

    pub(super) fn edition_meta(&mut self, e: &Sp<raw::RawEdition>) -> EditionMeta {
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

    pub(super) fn roles(&mut self, e: &raw::RawEdition) -> IndexMap<String, Role> {
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

    pub(super) fn unknown_table(&mut self, names: &Names<'a>, n: &Sp<String>) {
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

    pub(super) fn check_type_namespace(
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

    #[allow(clippy::too_many_lines)]
    pub(super) fn interface_ref(&mut self, names: &Names<'a>, i: &Sp<String>) -> bool {
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

    pub(super) fn object_ref(&mut self, names: &Names<'a>, o: &Sp<String>) -> bool {
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

    pub(super) fn field_ref(
        &mut self,
        objects: &IndexMap<String, Object>,
        object: &str,
        f: &Sp<String>,
    ) {
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
}
