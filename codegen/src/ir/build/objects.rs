//! Objects: fields (types, requirements, conditions, defaults, identifiers), constraints, and
//! the check that no object contains itself.

use super::codes::{code_known, kind_mismatch, table_value};
use super::*;

impl<'a> Builder<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn object(
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
            if let Some(field) = self.field(names, tables, oname, f, &mut wires, &mut idents) {
                fields.push(field);
            }
        }
        self.resolve_conditions(tables, oname, raw_fields, &mut fields);
        let constraints = self.constraints(oname, raw_fields, &fields, raw_constraints);
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

    /// One field: its wire name unique in the object (aliases included), identifier, type,
    /// default and requirement. `None` when its type did not resolve (reported).
    #[allow(clippy::too_many_arguments)]
    fn field(
        &mut self,
        names: &Names<'a>,
        tables: &IndexMap<String, CodeTable>,
        oname: &str,
        f: &raw::RawField,
        wires: &mut BTreeMap<String, Loc>,
        idents: &mut BTreeMap<String, (String, Loc)>,
    ) -> Option<Field> {
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
                Diagnostic::new(
                    DCode::InvalidValue,
                    f.wire.loc,
                    format!(
                        "wire name `{w}` has characters other than ASCII letters, digits and `_`"
                    ),
                )
                .label("not a wire name")
                .hint("transcribe the JSON key exactly; it is ASCII in every known edition"),
            );
        }
        let rust_ident = self.field_ident(w, f.wire.loc, oname, idents);
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
                // Resolved with the siblings, in `resolve_conditions`.
                index: usize::MAX,
                op: *op,
                values: values.iter().map(|v| CodeValue::from(&v.value)).collect(),
            }),
        };
        let ty = ty?;
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
        Some(Field {
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
            relaxed_by: chargespec_runtime::Tolerances::NONE,
            array_variant: None,
        })
    }

    /// Conditions name sibling fields and values they can take; each gets its sibling's index.
    fn resolve_conditions(
        &mut self,
        tables: &IndexMap<String, CodeTable>,
        oname: &str,
        raw_fields: &[raw::RawField],
        fields: &mut [Field],
    ) {
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
            let Some(index) = fields.iter().position(|x| x.wire == field.value) else {
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
            let target = &fields[index];
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
            if let Some(Field {
                requirement: Requirement::Conditional(c),
                ..
            }) = fields.iter_mut().find(|x| x.wire == f.wire.value)
            {
                c.index = index;
            }
        }
    }

    /// Object-level constraints: `exactly_one_of` groups of the object's own fields.
    fn constraints(
        &mut self,
        oname: &str,
        raw_fields: &[raw::RawField],
        fields: &[Field],
        raw_constraints: &[raw::RawConstraint],
    ) -> Vec<Constraint> {
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
            // Indices into the built fields; a field that failed to build was reported already.
            let groups: Option<Vec<Vec<usize>>> = c
                .exactly_one_of
                .iter()
                .map(|g| {
                    g.iter()
                        .map(|s| fields.iter().position(|f| f.wire == s.value))
                        .collect()
                })
                .collect();
            if let (true, Some(groups)) = (ok, groups) {
                constraints.push(Constraint {
                    info: self.info(&c.doc),
                    prov: cprov,
                    exactly_one_of: c
                        .exactly_one_of
                        .iter()
                        .map(|g| g.iter().map(|s| s.value.clone()).collect())
                        .collect(),
                    groups,
                });
            }
        }
        constraints
    }

    pub(super) fn field_ident(
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

    /// An object that contains itself through required, non-array object fields has no finite
    /// value.
    pub(super) fn check_object_cycles(&mut self, objects: &IndexMap<String, Object>) {
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
}

pub(super) fn find_cycle(
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

pub(super) fn node_value(n: &Node) -> Value {
    match &n.kind {
        NodeKind::Int(i) => Value::Int(*i),
        NodeKind::Float(f) => Value::Float(*f),
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Str(s) => Value::Str(s.clone()),
        _ => Value::Str(String::new()),
    }
}

pub(super) fn default_misfit(
    ty: &Type,
    v: &Value,
    tables: &IndexMap<String, CodeTable>,
) -> Option<String> {
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

pub(super) fn condition_misfit(
    ty: &Type,
    v: &Scalar,
    tables: &IndexMap<String, CodeTable>,
) -> Option<String> {
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
