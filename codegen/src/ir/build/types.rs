//! Types: named types and type expressions, with their constraints (bounds, scale, patterns).

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn named_types(&mut self, names: &Names<'a>) -> IndexMap<String, NamedType> {
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
    pub(super) fn resolve_type(
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
                _ => self.resolve_named(names, n, stack),
            },
            RawType::String {
                len,
                min_len,
                max_len,
                pattern,
                charset,
                ..
            } => Some(Type::String(self.string_type(
                len.as_ref(),
                min_len.as_ref(),
                max_len.as_ref(),
                pattern.as_ref(),
                charset.as_ref(),
            ))),
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

    /// A named type: a built-in name is handled by the caller; others are followed (with the
    /// cycle check).
    fn resolve_named(
        &mut self,
        names: &Names<'a>,
        n: &Sp<String>,
        stack: &mut Vec<String>,
    ) -> Option<Type> {
        let name = n.value.as_str();
        let Some(def) = names.types.get(name) else {
            let mut d =
                Diagnostic::new(DCode::UnknownType, n.loc, format!("unknown type `{name}`"))
                    .label("no such type");
            d = d.hint(match closest_owned(name, names.types.keys().chain(["string", "integer", "decimal"].iter())) {
                    Some(c) => format!("did you mean `{c}`? Named types are defined under `types:`"),
                    None => "define it under `types:`, or use a type expression such as `{string: {max_len: 20}}`".to_owned(),
                });
            if names.objects.contains_key(name) {
                d = d.hint(format!("`{name}` is an object: write `{{object: {name}}}`"));
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

    /// A string type expression, with its length and pattern checks.
    fn string_type(
        &mut self,
        len: Option<&Sp<i64>>,
        min_len: Option<&Sp<i64>>,
        max_len: Option<&Sp<i64>>,
        pattern: Option<&Sp<String>>,
        charset: Option<&Sp<Charset>>,
    ) -> StringType {
        if let (Some(l), Some(other)) = (len, min_len.or(max_len)) {
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
        self.bounds(min_len, max_len, "min_len", "max_len");
        if let Some(p) = pattern {
            self.pattern(p);
        }
        let (min, max) = match len {
            Some(l) => (Some(u32_of(l.value.max(0))), Some(u32_of(l.value.max(0)))),
            None => (
                min_len.map(|v| u32_of(v.value.max(0))),
                max_len.map(|v| u32_of(v.value.max(0))),
            ),
        };
        StringType {
            min_len: min,
            max_len: max,
            pattern: pattern.map(|p| p.value.clone()),
            charset: charset.map_or(Charset::Any, |c| c.value),
        }
    }

    pub(super) fn non_negative(&mut self, v: Option<&Sp<i64>>, what: &str) {
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

    pub(super) fn bounds<T: PartialOrd + std::fmt::Display>(
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

    pub(super) fn pattern(&mut self, p: &Sp<String>) -> bool {
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
}
