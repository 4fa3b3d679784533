//! Markdown pages of the code tables of the appendices (B and E), from askama templates.

use askama::Template;

use crate::emit::rust::util::md_cell;
use crate::emit::{EmitError, OutFile};
use crate::ir::{CodeTable, Edition};

pub struct CodeRow {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub category: String,
    pub provenance: String,
}

pub struct TableView {
    pub name: String,
    pub rust_name: String,
    pub zh: String,
    pub en: String,
    pub table_no: String,
    pub appendix: String,
    pub open: bool,
    pub provisional: bool,
    pub provenance: String,
    pub description: String,
    pub note: String,
    pub category_table: String,
    pub rows: Vec<CodeRow>,
}

#[derive(Template)]
#[template(path = "appendix-codes.md", escape = "none")]
struct AppendixPage<'a> {
    id: &'a str,
    number: &'a str,
    letter: &'a str,
    title_zh: String,
    title_en: String,
    tables: Vec<TableView>,
}

fn badge(p: &crate::ir::Provenance) -> String {
    let tags = p.tags_text();
    if p.provisional {
        format!("**provisional** ({tags})")
    } else {
        tags
    }
}

pub fn table_view(t: &CodeTable) -> TableView {
    let mut rows: Vec<CodeRow> = t
        .codes
        .iter()
        .map(|c| CodeRow {
            code: md_cell(&c.value.to_string()),
            zh: md_cell(&if c.alt_zh.is_empty() {
                c.info.zh.clone()
            } else {
                format!("{} (also: {})", c.info.zh, c.alt_zh.join("; "))
            }),
            en: md_cell(&c.info.en),
            category: c
                .category
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            provenance: badge(&c.prov),
        })
        .collect();
    rows.extend(t.ranges.iter().map(|r| CodeRow {
        code: format!("{}–{}", r.from, r.to),
        zh: md_cell(&r.info.zh),
        en: md_cell(&r.info.en),
        category: String::new(),
        provenance: badge(&r.prov),
    }));
    TableView {
        name: t.name.clone(),
        rust_name: t.rust_name.clone(),
        zh: t.info.zh.clone(),
        en: t.info.en.clone(),
        table_no: t.table_no.clone().unwrap_or_default(),
        appendix: t.appendix.clone().unwrap_or_default(),
        open: t.open,
        provisional: t.prov.provisional,
        provenance: badge(&t.prov),
        description: t
            .info
            .description
            .as_deref()
            .map(md_cell)
            .unwrap_or_default(),
        note: t.prov.note.as_deref().map(md_cell).unwrap_or_default(),
        category_table: t.category_table.clone().unwrap_or_default(),
        rows,
    }
}

/// `docs/appendix-b.md` and `docs/appendix-e.md` (one per appendix that has code tables).
pub fn files(ir: &Edition) -> Result<Vec<OutFile>, EmitError> {
    let mut out = Vec::new();
    for letter in ["A", "B", "C", "D", "E"] {
        let tables: Vec<TableView> = ir
            .code_tables
            .values()
            .filter(|t| {
                t.appendix
                    .as_deref()
                    .is_some_and(|a| a == letter || a.starts_with(&format!("{letter}.")))
            })
            .map(table_view)
            .collect();
        if tables.is_empty() {
            continue;
        }
        let entry = ir.meta.contents.iter().find(|c| c.number == letter);
        let page = AppendixPage {
            id: &ir.meta.id,
            number: &ir.meta.number,
            letter,
            title_zh: entry.map(|e| e.info.zh.clone()).unwrap_or_default(),
            title_en: entry.map(|e| e.info.en.clone()).unwrap_or_default(),
            tables,
        };
        let text = page.render().map_err(|e| EmitError(e.to_string()))?;
        out.push(OutFile::new(
            format!("docs/appendix-{}.md", letter.to_lowercase()),
            text,
        ));
    }
    Ok(out)
}
