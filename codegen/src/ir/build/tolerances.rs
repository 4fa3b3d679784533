//! The `tolerances` section: the profiles an edition declares, resolved against the runtime's
//! profiles (`E0901`) and against the objects and fields they name (`E0202`, `E0205`, `E0902`);
//! the per-field data is written onto the fields (`relaxed_by`, `array_variant`).

use chargespec_runtime::Tolerance;

use super::*;

impl Builder<'_> {
    pub(super) fn tolerances(
        &mut self,
        objects: &mut IndexMap<String, Object>,
    ) -> IndexMap<String, ToleranceDecl> {
        let raw = self.raw;
        let mut out = IndexMap::new();
        for t in &raw.tolerances {
            let name = &t.name.value;
            if out.contains_key(name) {
                continue; // duplicate, reported with the other names
            }
            let what = format!("tolerance `{name}`");
            let info = self.info(&t.item.doc);
            let prov = self.prov(&t.item.doc, &what, t.name.loc);
            let Some(tolerance) = Tolerance::from_name(name) else {
                let names: Vec<&str> = Tolerance::ALL.iter().map(|t| t.name()).collect();
                let mut d = Diagnostic::new(
                    DCode::UnknownTolerance,
                    t.name.loc,
                    format!("unknown tolerance profile `{name}`"),
                )
                .label("not a profile the runtime implements");
                d = match closest_owned(name, names.iter().map(|n| (*n).to_owned())) {
                    Some(c) => d.hint(format!("did you mean `{c}`?")),
                    None => d.hint(format!("profiles: {}", names.join(", "))),
                };
                self.err(d);
                continue;
            };
            let item = &t.item;
            let takes_fields = tolerance == Tolerance::TcecCoreStatus;
            let takes_variants = tolerance == Tolerance::StatusArrayVariant;
            let misplaced = [
                (
                    "fields",
                    !item.fields.is_empty() && !takes_fields,
                    takes_fields && item.fields.is_empty(),
                ),
                (
                    "variants",
                    !item.variants.is_empty() && !takes_variants,
                    takes_variants && item.variants.is_empty(),
                ),
            ];
            for (key, extra, missing) in misplaced {
                if extra || missing {
                    let msg = if extra {
                        format!("{what} does not take `{key}`")
                    } else {
                        format!("{what} needs `{key}`")
                    };
                    self.err(
                        Diagnostic::new(DCode::BadTolerance, t.name.loc, msg)
                            .label("this profile")
                            .hint("`fields` belongs to tcec-core-status, `variants` to status-array-variant"),
                    );
                }
            }
            let mut fields = Vec::new();
            for entry in item.fields.iter().filter(|_| takes_fields) {
                let Some(o) = self.tolerated_object(objects, &entry.object) else {
                    continue;
                };
                let mut wires = Vec::new();
                for w in &entry.fields {
                    let Some(f) = self.tolerated_field(o, &entry.object.value, w) else {
                        continue;
                    };
                    if f.requirement != Requirement::Required {
                        self.err(
                            Diagnostic::new(
                                DCode::BadTolerance,
                                w.loc,
                                format!(
                                    "`{}.{}` is not a required field",
                                    entry.object.value, w.value
                                ),
                            )
                            .label("tcec-core-status relaxes required fields only")
                            .hint("remove it: an optional field may be absent anyway"),
                        );
                        continue;
                    }
                    f.relaxed_by = f.relaxed_by.with(tolerance);
                    wires.push(w.value.clone());
                }
                fields.push((entry.object.value.clone(), wires));
            }
            let mut variants = Vec::new();
            for v in item.variants.iter().filter(|_| takes_variants) {
                let Some(o) = self.tolerated_object(objects, &v.object) else {
                    continue;
                };
                let taken = o
                    .fields
                    .iter()
                    .any(|f| f.wire == v.wire.value || f.aliases.contains(&v.wire.value));
                let Some(f) = self.tolerated_field(o, &v.object.value, &v.field) else {
                    continue;
                };
                if taken || !matches!(f.ty, Type::Object(_)) {
                    let why = if taken {
                        format!(
                            "`{}` is already a wire name of `{}`",
                            v.wire.value, v.object.value
                        )
                    } else {
                        format!(
                            "`{}.{}` is not an object field",
                            v.object.value, v.field.value
                        )
                    };
                    self.err(
                        Diagnostic::new(DCode::BadTolerance, v.wire.loc, why)
                            .label("here")
                            .hint("a variant names an object field and a new wire name for a one-item array of it"),
                    );
                    continue;
                }
                f.array_variant = Some(v.wire.value.clone());
                variants.push((
                    v.object.value.clone(),
                    v.field.value.clone(),
                    v.wire.value.clone(),
                ));
            }
            out.insert(
                name.clone(),
                ToleranceDecl {
                    name: name.clone(),
                    tolerance,
                    info,
                    prov,
                    relaxes: ustr(item.relaxes.as_ref()),
                    evidence: ustr(item.evidence.as_ref()),
                    fields,
                    variants,
                },
            );
        }
        out
    }

    fn tolerated_object<'o>(
        &mut self,
        objects: &'o mut IndexMap<String, Object>,
        name: &Sp<String>,
    ) -> Option<&'o mut Object> {
        if !objects.contains_key(&name.value) {
            let hint = closest_owned(&name.value, objects.keys().cloned()).map_or_else(
                || "name a declared object or an interface payload".to_owned(),
                |c| format!("did you mean `{c}`?"),
            );
            self.unresolved(
                Diagnostic::new(
                    DCode::UnknownObject,
                    name.loc,
                    format!("unknown object `{}`", name.value),
                )
                .label("no such object")
                .hint(hint),
            );
        }
        objects.get_mut(&name.value)
    }

    fn tolerated_field<'o>(
        &mut self,
        o: &'o mut Object,
        object: &str,
        wire: &Sp<String>,
    ) -> Option<&'o mut Field> {
        let Some(i) = o.fields.iter().position(|f| f.wire == wire.value) else {
            let hint = closest_owned(&wire.value, o.fields.iter().map(|f| f.wire.clone()))
                .map_or_else(
                    || format!("fields of `{object}`"),
                    |c| format!("did you mean `{c}`?"),
                );
            self.unresolved(
                Diagnostic::new(
                    DCode::UnknownField,
                    wire.loc,
                    format!("`{object}` has no field `{}`", wire.value),
                )
                .label("no such field")
                .hint(hint),
            );
            return None;
        };
        o.fields.get_mut(i)
    }
}
