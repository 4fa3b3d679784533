//! Code tables → `src/codes.rs`: one `chargespec_runtime::code_table!` declaration per table.
//!
//! The declaration is data (name, spec table name, kind, open or closed, each code with its value,
//! meanings and doc lines, each range); the enum and its API (`TABLE`, `ALL`, `NAMES`, `code()`,
//! `from_code()`, `name_zh()`, `name_en()`, `is_known()`, `CodeTable`, serde, `TryFrom`, `From`,
//! `Display`) are written by the macro in `codegen/runtime/src/code.rs`.
//!
//! The file is written as text, not through prettyplease: prettyplease fills a macro's tokens into
//! lines of 100 columns, which would leave one declaration per paragraph. The text is parsed with
//! syn before it is returned, so a malformed literal is an emitter error, not a broken crate.

use std::fmt::Write as _;

use proc_macro2::Literal;

use crate::emit::EmitError;
use crate::ir::{CodeKind, CodeTable, CodeValue, Edition, Info, Provenance};

use super::util::{ident, one_line, provenance_lines, title};

/// The doc lines of a table's enum.
fn table_doc(t: &CodeTable) -> Vec<String> {
    let mut lines = vec![title(&t.info)];
    lines.push(String::new());
    let mut facts = format!("Code table `{}`", t.name);
    if let Some(a) = &t.appendix {
        facts.push_str(&format!(", Appendix {a}"));
    }
    if let Some(n) = &t.table_no {
        facts.push_str(&format!(", table {n}"));
    }
    facts.push_str(if t.open {
        "; open: values outside the table are kept as `Unknown` and reported as warnings."
    } else {
        "; closed: values outside the table are kept as `Unknown` and rejected by strict validation."
    });
    lines.push(facts);
    if let Some(d) = &t.info.description {
        lines.push(String::new());
        lines.push(one_line(d));
    }
    lines.push(String::new());
    lines.extend(provenance_lines(&t.prov, t.info.section.as_deref()));
    if let Some(common) = common_provenance(t) {
        lines.push(String::new());
        lines.push("Every code or range without a provenance line of its own:".to_owned());
        lines.extend(provenance_lines(common, None));
    }
    lines
}

/// The provenance most of a table's codes and ranges share (the first of the most frequent,
/// so the choice is deterministic): said once in the table's doc instead of on each of them.
fn common_provenance(t: &CodeTable) -> Option<&Provenance> {
    let all: Vec<&Provenance> = t
        .codes
        .iter()
        .map(|c| &c.prov)
        .chain(t.ranges.iter().map(|r| &r.prov))
        .collect();
    let count = |p: &Provenance| all.iter().filter(|q| **q == p).count();
    let mut best: Option<(&Provenance, usize)> = None;
    for p in &all {
        let n = count(p);
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((p, n));
        }
    }
    best.filter(|(_, n)| *n > 1).map(|(p, _)| p)
}

/// The doc lines of a code or range after the first line (`` `value` 中文 — English `` and a blank
/// line, which the macro writes). A code with the table's common provenance leaves it to the
/// table's doc.
fn code_doc(
    info: &Info,
    prov: &Provenance,
    common: Option<&Provenance>,
    alt: &[String],
) -> Vec<String> {
    let mut lines = Vec::new();
    if !alt.is_empty() {
        lines.push(format!("Also labelled: {}.", alt.join(", ")));
    }
    if let Some(d) = &info.description {
        lines.push(one_line(d));
    }
    if common != Some(prov) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(provenance_lines(prov, None));
    }
    lines
}

/// A string literal, escaped as Rust source.
fn lit(s: &str) -> String {
    Literal::string(s).to_string()
}

/// Doc lines as `///` comments at the given indentation (`#[doc = "..."]` for a line a comment
/// cannot hold).
fn docs(out: &mut String, indent: &str, lines: &[String]) {
    for l in lines {
        if l.contains(['\n', '\r']) {
            let _ = writeln!(out, "{indent}#[doc = {}]", lit(&format!(" {l}")));
        } else if l.is_empty() {
            let _ = writeln!(out, "{indent}///");
        } else {
            let _ = writeln!(out, "{indent}/// {l}");
        }
    }
}

fn value(v: &CodeValue) -> String {
    match v {
        CodeValue::Int(i) => i.to_string(),
        CodeValue::Str(s) => lit(s),
    }
}

/// One table's declaration.
pub fn emit_table(out: &mut String, t: &CodeTable) {
    let common = common_provenance(t);
    let kind = match t.kind {
        CodeKind::Integer => "integer",
        CodeKind::String => "string",
    };
    let open = if t.open { "open" } else { "closed" };
    out.push_str("chargespec_runtime::code_table! {\n");
    docs(out, "    ", &table_doc(t));
    let _ = writeln!(
        out,
        "    pub enum {}: {kind}, {open}, {} {{",
        ident(&t.rust_name),
        lit(&t.name)
    );
    for c in &t.codes {
        docs(
            out,
            "        ",
            &code_doc(&c.info, &c.prov, common, &c.alt_zh),
        );
        let _ = writeln!(
            out,
            "        {} = {}, {}, {};",
            ident(&c.rust_variant),
            value(&c.value),
            lit(&c.info.zh),
            lit(&c.info.en)
        );
    }
    out.push_str("    }\n");
    if !t.ranges.is_empty() {
        out.push_str("    ranges {\n");
        for r in &t.ranges {
            docs(out, "        ", &code_doc(&r.info, &r.prov, common, &[]));
            let _ = writeln!(
                out,
                "        {}({}..={}), {}, {};",
                ident(&r.rust_variant),
                r.from,
                r.to,
                lit(&r.info.zh),
                lit(&r.info.en)
            );
        }
        out.push_str("    }\n");
    }
    out.push_str("}\n");
}

/// The whole file, behind the `@generated` header of `source`.
pub fn emit(ir: &Edition, source: &str) -> Result<String, EmitError> {
    let mut out = format!(
        "// @generated by chargespec from {source}. Do not edit: change the spec and regenerate.\n\n"
    );
    out.push_str(
        "//! Code tables of the edition (chapters 6, 7 and 10, Appendices B, C, D and E).\n\
         //!\n\
         //! Each table is one [`chargespec_runtime::code_table!`] declaration: its codes with their\n\
         //! values, Chinese and English meanings and provenance, and its ranges; the macro writes\n\
         //! the enum (with `Unknown(raw)` for values outside the table) and its API.\n",
    );
    for t in ir.code_tables.values() {
        out.push('\n');
        emit_table(&mut out, t);
    }
    syn::parse_file(&out)
        .map_err(|e| EmitError(format!("generated code tables do not parse: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(zh: &str, en: &str) -> Info {
        Info {
            zh: zh.to_owned(),
            en: en.to_owned(),
            description: None,
            section: None,
        }
    }

    fn prov(note: Option<&str>) -> Provenance {
        Provenance {
            tags: Vec::new(),
            provisional: note.is_some(),
            note: note.map(str::to_owned),
        }
    }

    /// Quotes, backslashes and line breaks in the spec's text survive as literals and docs.
    #[test]
    fn awkward_text_stays_valid_rust() {
        let t = CodeTable {
            name: "T-\"Quoted\"".to_owned(),
            rust_name: "r#type".to_owned(),
            info: info("表\n名", "a \"table\" \\ name"),
            prov: prov(None),
            kind: CodeKind::String,
            open: true,
            codes: vec![crate::ir::Code {
                value: CodeValue::Str("a\"b\\c".to_owned()),
                rust_variant: "r#match".to_owned(),
                info: info("引\"号", "back\\slash"),
                prov: prov(Some("checked */ against /* nothing")),
                alt_zh: vec!["别名".to_owned()],
                category: None,
            }],
            ranges: Vec::new(),
            category_table: None,
            appendix: None,
            table_no: None,
            value_max_len: None,
            value_pattern: None,
        };
        let mut out = String::new();
        emit_table(&mut out, &t);
        let file = syn::parse_file(&out).expect("parses");
        let syn::Item::Macro(m) = &file.items[0] else {
            panic!("not a macro: {out}");
        };
        let tokens = m.mac.tokens.to_string();
        // The title with its line break is a `#[doc]` attribute; the rest are `///` lines.
        assert!(
            out.contains("    #[doc = \" 表\\n名 — a \\\"table\\\" \\\\ name\"]\n"),
            "{out}"
        );
        assert!(out.contains("        /// Also labelled: 别名.\n"), "{out}");
        assert!(
            out.contains("pub enum r#type: string, open, \"T-\\\"Quoted\\\"\" {"),
            "{out}"
        );
        assert!(
            out.contains("        r#match = \"a\\\"b\\\\c\", \"引\\\"号\", \"back\\\\slash\";\n"),
            "{out}"
        );
        assert!(tokens.contains("r#match"), "{tokens}");
    }
}
