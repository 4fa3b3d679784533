//! Code tables: codes, ranges, categories and the enum variant of every code.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn code_tables(&mut self, names: &Names<'a>) -> IndexMap<String, CodeTable> {
        let mut out = IndexMap::new();
        for t in &self.raw.code_tables {
            if out.contains_key(&t.name.value) {
                continue;
            }
            let tname = &t.name.value;
            let r = &t.item;
            let prov = self.prov(&r.doc, &format!("code table `{tname}`"), t.name.loc);
            let kind = r.kind.as_ref().map_or(CodeKind::Integer, |k| k.value);
            let (codes, seen) = self.table_codes(t, kind);
            let ranges = self.table_ranges(t, kind, &seen);
            let (codes, ranges) = with_variants(codes, ranges);
            let open = r.open.as_ref().is_some_and(|o| o.value);
            let table = CodeTable {
                name: tname.clone(),
                rust_name: ident::pascal(tname.strip_prefix("T-").unwrap_or(tname)),
                info: self.info(&r.doc),
                prov,
                kind,
                open,
                codes,
                ranges,
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
        self.check_categories(&out);
        out
    }

    /// The codes of a table, each checked against the table's kind and `value` rules; a
    /// repeated code is reported and dropped. Also returns where each code was listed.
    fn table_codes(
        &mut self,
        t: &Named<raw::RawCodeTable>,
        kind: CodeKind,
    ) -> (Vec<Code>, BTreeMap<CodeValue, Loc>) {
        let tname = &t.name.value;
        let r = &t.item;
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
            codes.push(Code {
                value,
                rust_variant: String::new(),
                info: self.info(&c.doc),
                prov: cprov,
                alt_zh: c.alt_zh.iter().map(|s| s.value.clone()).collect(),
                category: c.category.as_ref().map(|s| CodeValue::from(&s.value)),
            });
        }
        (codes, seen)
    }

    /// The ranges of a table (integer tables only), each disjoint from the codes and the other
    /// ranges.
    fn table_ranges(
        &mut self,
        t: &Named<raw::RawCodeTable>,
        kind: CodeKind,
        seen: &BTreeMap<CodeValue, Loc>,
    ) -> Vec<(Loc, CodeRange)> {
        let tname = &t.name.value;
        let r = &t.item;
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
            if let Some((l, other)) = ranges.iter().find(|(_, o)| o.from <= to && from <= o.to) {
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
        ranges
    }

    /// Categories name codes (or ranges) of the table's category table.
    fn check_categories(&mut self, out: &IndexMap<String, CodeTable>) {
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
    }
}

/// Variant names: UpperCamelCase of the English meaning; names used twice (or `Unknown`, the
/// catch-all) get their code (or range) appended.
fn with_variants(
    mut codes: Vec<Code>,
    ranges: Vec<(Loc, CodeRange)>,
) -> (Vec<Code>, Vec<CodeRange>) {
    let mut ranges: Vec<CodeRange> = ranges.into_iter().map(|(_, r)| r).collect();
    let mut variants: Vec<String> = codes
        .iter()
        .map(|c| variant_name(&c.info.en, &c.value))
        .collect();
    let mut range_variants: Vec<String> = ranges
        .iter()
        .map(|r| variant_name(&r.info.en, &CodeValue::Int(r.from)))
        .collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in variants.iter().chain(&range_variants) {
        *counts.entry(v.clone()).or_default() += 1;
    }
    for (v, c) in variants.iter_mut().zip(&codes) {
        if counts.get(v).copied().unwrap_or(0) > 1 || v == "Unknown" {
            *v = format!("{v}{}", code_suffix(&c.value));
        }
    }
    for (v, r) in range_variants.iter_mut().zip(&ranges) {
        if counts.get(v).copied().unwrap_or(0) > 1 || v == "Unknown" {
            *v = format!(
                "{v}{}To{}",
                code_suffix(&CodeValue::Int(r.from)),
                code_suffix(&CodeValue::Int(r.to))
            );
        }
    }
    for (r, v) in ranges.iter_mut().zip(range_variants) {
        r.rust_variant = v;
    }
    for (c, v) in codes.iter_mut().zip(variants) {
        c.rust_variant = v;
    }
    (codes, ranges)
}

pub(super) fn code_suffix(v: &CodeValue) -> String {
    match v {
        CodeValue::Int(i) if *i < 0 => format!("Minus{}", i.unsigned_abs()),
        CodeValue::Int(i) => i.to_string(),
        CodeValue::Str(s) => ident::pascal(s),
    }
}

/// The enum variant name of a code: UpperCamelCase of its English meaning (before any
/// parenthesis or semicolon), ASCII letters and digits only.
pub(super) fn variant_name(en: &str, value: &CodeValue) -> String {
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

pub(super) fn code_known(t: &CodeTable, v: &CodeValue) -> bool {
    t.codes.iter().any(|c| &c.value == v)
        || matches!(v, CodeValue::Int(i) if t.ranges.iter().any(|r| (r.from..=r.to).contains(i)))
}

/// A literal as a value of the table, if it has the table's kind.
pub(super) fn table_value(t: &CodeTable, v: &Scalar) -> Option<CodeValue> {
    match (v, t.kind) {
        (Scalar::Int(_), CodeKind::Integer) | (Scalar::Str(_), CodeKind::String) => {
            Some(CodeValue::from(v))
        }
        _ => None,
    }
}

pub(super) fn kind_mismatch(name: &str, t: &CodeTable) -> String {
    format!(
        "`{name}` holds {} codes",
        if t.kind == CodeKind::Integer {
            "integer"
        } else {
            "string"
        }
    )
}
