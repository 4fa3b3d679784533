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
            link_evidence(&text, ""),
        ));
    }
    Ok(out)
}

// ---- the evidence register ----

/// Turns every citation "EVIDENCE.md D7" of a page into a link to the entry of the register's
/// copy (`docs/EVIDENCE.md`); `up` is the way from the page's folder to `docs/` (`""`, `"../"`).
fn link_evidence(text: &str, up: &str) -> String {
    static CITATION: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(&format!(
            r"{}\s+([A-Z][0-9]+)\b",
            regex::escape(crate::load::evidence::REGISTER)
        ))
        .ok()
    });
    match &*CITATION {
        Some(re) => re
            .replace_all(text, |c: &regex::Captures<'_>| {
                let id = c.get(1).map_or("", |m| m.as_str());
                format!(
                    "[{} {id}]({up}{}#{})",
                    crate::load::evidence::REGISTER,
                    crate::load::evidence::REGISTER,
                    id.to_lowercase()
                )
            })
            .into_owned(),
        None => text.to_owned(),
    }
}

/// Whether any note of the edition cites its evidence register.
fn cites_register(ir: &Edition) -> bool {
    Census::of(ir).items.iter().any(|i| {
        i.prov
            .note
            .as_deref()
            .is_some_and(|n| n.contains(crate::load::evidence::REGISTER))
    })
}

/// The copy of the edition's evidence register in the docs (`docs/EVIDENCE.md`), which the
/// pages link their citations to.
pub fn evidence_copy(ir: &Edition, register: &crate::load::evidence::Register) -> OutFile {
    OutFile::new(
        format!("{}/docs/{}", ir.meta.id, crate::load::evidence::REGISTER),
        format!(
            "<!-- @generated by chargespec: a copy of spec/{}/{}. Do not edit: change the register and regenerate. -->\n{}{}",
            ir.meta.id,
            crate::load::evidence::REGISTER,
            register.text,
            if register.text.ends_with('\n') {
                ""
            } else {
                "\n"
            }
        ),
    )
}

// ---- the documentation site: index, objects, interfaces, flows, code tables, provenance ----

use crate::emit::samples::object_sample;
use crate::ir::{Census, Counts, Object, ObjectOrigin, Requirement};

#[derive(Template)]
#[template(path = "docs-index.md", escape = "none")]
struct IndexPage<'a> {
    id: &'a str,
    number: &'a str,
    zh: &'a str,
    en: &'a str,
    replaces: String,
    counts: String,
    evidence: bool,
    tolerances: bool,
    roles: Vec<String>,
    appendices: Vec<String>,
    contents: Vec<(String, String, String, String, String)>,
    flows: Vec<(i64, String, String, String, String)>,
    interfaces: Vec<(String, String, String, String, String)>,
    objects: Vec<(String, String, String, usize, String)>,
}

pub struct FieldRow {
    pub wire: String,
    pub marks: String,
    pub zh: String,
    pub en: String,
    pub ty: String,
    pub required: String,
    pub unit: String,
    pub provenance: String,
}

#[derive(Template)]
#[template(path = "docs-object.md", escape = "none")]
struct ObjectPage<'a> {
    id: &'a str,
    name: &'a str,
    zh: &'a str,
    en: &'a str,
    origin: String,
    provenance: String,
    provisional: bool,
    section: String,
    description: String,
    note: String,
    fields: Vec<FieldRow>,
    constraints: Vec<String>,
    notes: Vec<String>,
    example: String,
}

#[derive(Template)]
#[template(path = "docs-interface.md", escape = "none")]
struct InterfacePage<'a> {
    id: &'a str,
    name: &'a str,
    zh: &'a str,
    en: &'a str,
    implementer: String,
    caller: String,
    optional: bool,
    auth: &'a str,
    provenance: String,
    provisional: bool,
    section_2020: String,
    description: String,
    note: String,
    trigger: String,
    flows: String,
    request: &'a str,
    response: &'a str,
    aliases: String,
    paging: String,
    rets: Vec<(String, String, String)>,
    example: String,
}

#[derive(Template)]
#[template(path = "docs-flow.md", escape = "none")]
struct FlowPage<'a> {
    id: &'a str,
    number: i64,
    zh: &'a str,
    en: &'a str,
    provenance: String,
    trigger: String,
    note: String,
    participants: Vec<(String, String)>,
    arrows: Vec<(String, String, String, String)>,
    steps: Vec<(String, String, String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "docs-codes.md", escape = "none")]
struct CodesPage<'a> {
    id: &'a str,
    number: &'a str,
    tables: Vec<TableView>,
}

#[derive(Template)]
#[template(path = "docs-provenance.md", escape = "none")]
struct ProvenancePage<'a> {
    id: &'a str,
    number: &'a str,
    items: usize,
    provisional_count: usize,
    percent: String,
    kinds: Vec<(String, usize, usize)>,
    tags: Vec<(String, usize)>,
    provisional: Vec<(String, String, String, String, String)>,
    misspellings: Vec<(String, String, String, String)>,
    evidence: bool,
}

#[derive(Template)]
#[template(path = "docs-tolerances.md", escape = "none")]
struct TolerancesPage<'a> {
    id: &'a str,
    number: &'a str,
    /// name, zh, en, relaxes, description, provenance, evidence, what it applies to
    #[allow(clippy::type_complexity)]
    items: Vec<(
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    )>,
}

fn tolerances_page(ir: &Edition) -> Result<String, EmitError> {
    let items = ir
        .tolerances
        .values()
        .map(|t| {
            let mut applies: Vec<String> = t
                .fields
                .iter()
                .map(|(o, fs)| {
                    let fs: Vec<String> = fs.iter().map(|f| format!("`{f}`")).collect();
                    format!("[{o}](objects/{o}.md) {}", fs.join(", "))
                })
                .collect();
            applies.extend(t.variants.iter().map(|(o, f, w)| {
                format!("[{o}](objects/{o}.md) `{f}` may arrive as `{w}: [ … ]` (one item)")
            }));
            (
                t.name.clone(),
                md_cell(&t.info.zh),
                md_cell(&t.info.en),
                md_cell(&t.relaxes),
                t.info
                    .description
                    .as_deref()
                    .map(one_line)
                    .unwrap_or_default(),
                badge(&t.prov),
                one_line(&t.evidence),
                applies.join("; "),
            )
        })
        .collect();
    render(&TolerancesPage {
        id: &ir.meta.id,
        number: &ir.meta.number,
        items,
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render<T: Template>(t: &T) -> Result<String, EmitError> {
    t.render().map_err(|e| EmitError(e.to_string()))
}

fn party_text(ir: &Edition, p: &crate::ir::Party) -> String {
    match p {
        crate::ir::Party::Both => "both platforms".to_owned(),
        crate::ir::Party::Role(r) => ir
            .roles
            .get(r)
            .map_or(r.clone(), |x| format!("{} ({})", x.info.zh, r)),
    }
}

fn requirement_cell(r: &Requirement) -> String {
    match r {
        Requirement::Required => "Y".to_owned(),
        Requirement::Optional => "N".to_owned(),
        Requirement::Conditional(c) => format!(
            "C: {}",
            md_cell(&crate::emit::rust::types::condition_text(c))
        ),
    }
}

fn pretty(j: &crate::emit::samples::J) -> String {
    serde_json::to_string_pretty(&j.to_value()).unwrap_or_default()
}

fn object_page(ir: &Edition, o: &Object) -> Result<String, EmitError> {
    let origin = match &o.origin {
        ObjectOrigin::Declared => String::new(),
        ObjectOrigin::Payload {
            interface,
            direction,
        } => format!(
            "The {} payload of [`{interface}`](../interfaces/{interface}.md).",
            if *direction == crate::ir::PayloadDirection::Request {
                "request"
            } else {
                "response"
            }
        ),
    };
    let mut notes = Vec::new();
    let fields = o
        .fields
        .iter()
        .map(|f| {
            let mut marks = String::new();
            if let Some(m) = &f.misspelling_of {
                marks.push_str(" ⚠");
                notes.push(format!(
                    "`{}` is a known misspelling of `{m}`, kept exactly as on the wire.",
                    f.wire
                ));
            }
            if f.empty_means_absent {
                notes.push(format!(
                    "`{}`: `\"\"` means the same as an absent field.",
                    f.wire
                ));
            }
            if !f.aliases.is_empty() {
                notes.push(format!(
                    "`{}` also accepts {} on input.",
                    f.wire,
                    f.aliases
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if f.secret {
                marks.push_str(" 🔒");
            }
            if let Some(d) = &f.info.description {
                notes.push(format!("`{}`: {}", f.wire, md_cell(d)));
            }
            if let (true, Some(n)) = (f.prov.provisional, &f.prov.note) {
                notes.push(format!("`{}` (provisional): {}", f.wire, md_cell(n)));
            }
            let ty = match &f.ty {
                crate::ir::Type::Object(n) => format!("[{n}]({n}.md)"),
                crate::ir::Type::Array(a) => match &a.items {
                    crate::ir::Type::Object(n) => format!(
                        "array of [{n}]({n}.md){}",
                        md_cell(&crate::ir::summary_type_text(&f.ty))
                            .trim_start_matches(&format!("array<object {n}>"))
                    ),
                    _ => md_cell(&crate::ir::summary_type_text(&f.ty)),
                },
                crate::ir::Type::Code(c) => format!("[{c}](../codes.md)"),
                _ => md_cell(&crate::ir::summary_type_text(&f.ty)),
            };
            FieldRow {
                wire: f.wire.clone(),
                marks,
                zh: md_cell(&f.info.zh),
                en: md_cell(&f.info.en),
                ty,
                required: requirement_cell(&f.requirement),
                unit: f.unit.clone().unwrap_or_default(),
                provenance: badge(&f.prov),
            }
        })
        .collect();
    let constraints = o
        .constraints
        .iter()
        .map(|c| {
            format!(
                "exactly one of {} ({}).",
                c.exactly_one_of
                    .iter()
                    .map(|g| format!("[{}]", g.join(", ")))
                    .collect::<Vec<_>>()
                    .join(" | "),
                badge(&c.prov)
            )
        })
        .collect();
    render(&ObjectPage {
        id: &ir.meta.id,
        name: &o.name,
        zh: &o.info.zh,
        en: &o.info.en,
        origin,
        provenance: badge(&o.prov),
        provisional: o.prov.provisional,
        section: o.info.section.clone().unwrap_or_default(),
        description: o
            .info
            .description
            .as_deref()
            .map(md_cell)
            .unwrap_or_default(),
        note: o.prov.note.as_deref().map(md_cell).unwrap_or_default(),
        fields,
        constraints,
        notes,
        example: object_sample(ir, o, 0)
            .map(|j| pretty(&j))
            .unwrap_or_default(),
    })
}

fn interface_page(ir: &Edition, i: &crate::ir::Interface) -> Result<String, EmitError> {
    let rets = ir
        .security
        .as_ref()
        .and_then(|s| s.ret.as_ref())
        .and_then(|r| ir.code_tables.get(&r.value.table))
        .map(|t| {
            t.codes
                .iter()
                .map(|c| (c.value.to_string(), c.info.zh.clone(), c.info.en.clone()))
                .collect()
        })
        .unwrap_or_default();
    let flows = if i.flows.is_empty() {
        "—".to_owned()
    } else {
        i.flows
            .iter()
            .map(|f| {
                ir.flows.get(f).map_or(f.clone(), |x| {
                    format!("[{} {}](../flows/{f}.md)", x.number, x.info.zh)
                })
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let paging = i.paging.as_ref().map_or_else(
        || "—".to_owned(),
        |p| {
            format!(
                "request {} / {} (default {} / {}); response {}, {}, {}",
                p.page_no,
                p.page_size,
                p.default_page_no.unwrap_or(1),
                p.default_page_size
                    .map_or("—".to_owned(), |v| v.to_string()),
                p.page_count,
                p.item_count,
                p.items
            )
        },
    );
    render(&InterfacePage {
        id: &ir.meta.id,
        name: &i.name,
        zh: &i.info.zh,
        en: &i.info.en,
        implementer: party_text(ir, &i.implementer),
        caller: party_text(ir, &i.caller),
        optional: i.optional,
        auth: if i.auth == crate::ir::Auth::None {
            "none (this is the token interface)"
        } else {
            "`Authorization: Bearer <AccessToken>`"
        },
        provenance: badge(&i.prov),
        provisional: i.prov.provisional,
        section_2020: i.section_2020.clone().unwrap_or_default(),
        description: i
            .info
            .description
            .as_deref()
            .map(md_cell)
            .unwrap_or_default(),
        note: i.prov.note.as_deref().map(md_cell).unwrap_or_default(),
        trigger: i.trigger.as_deref().map_or("—".to_owned(), md_cell),
        flows,
        request: &i.request.object,
        response: &i.response.object,
        aliases: if i.route_aliases.is_empty() {
            "—".to_owned()
        } else {
            i.route_aliases.join(", ")
        },
        paging,
        rets,
        example: ir
            .objects
            .get(&i.request.object)
            .and_then(|o| object_sample(ir, o, 0))
            .map(|j| pretty(&j))
            .unwrap_or_default(),
    })
}

/// The sequence-diagram participant of a party, added on first use.
fn participant(
    ir: &Edition,
    participants: &mut Vec<(String, String)>,
    p: &crate::ir::Party,
) -> String {
    let key = match p {
        crate::ir::Party::Role(r) => r.clone(),
        crate::ir::Party::Both => "peer".to_owned(),
    };
    if !participants.iter().any(|(k, _)| k == &key) {
        let label = match p {
            crate::ir::Party::Role(r) => ir.roles.get(r).map_or(r.clone(), |x| x.info.zh.clone()),
            crate::ir::Party::Both => "对端平台 (either platform)".to_owned(),
        };
        participants.push((key.clone(), label));
    }
    key
}

fn flow_page(ir: &Edition, f: &crate::ir::Flow) -> Result<String, EmitError> {
    let mut participants: Vec<(String, String)> = Vec::new();
    let mut arrows = Vec::new();
    let mut steps = Vec::new();
    for s in &f.steps {
        let Some(i) = ir.interfaces.get(&s.interface) else {
            continue;
        };
        let mut caller = participant(ir, &mut participants, &i.caller);
        let mut callee = participant(ir, &mut participants, &i.implementer);
        if caller == callee {
            // query_token: either side calls the other.
            caller = "caller".to_owned();
            if !participants.iter().any(|(k, _)| k == "caller") {
                participants.insert(0, ("caller".to_owned(), "调用方 (caller)".to_owned()));
            }
            callee = "peer".to_owned();
        }
        let response = ir
            .objects
            .get(&i.response.object)
            .map_or(i.response.object.clone(), |o| o.info.zh.clone());
        arrows.push((
            caller.clone(),
            callee.clone(),
            format!("{} {}", i.name, if s.optional { "(optional)" } else { "" })
                .trim()
                .to_owned(),
            format!("Ret + {response}"),
        ));
        steps.push((
            s.interface.clone(),
            md_cell(&s.info.zh),
            md_cell(&s.info.en),
            format!("{caller} → {callee}"),
            badge(&s.prov),
            s.optional,
        ));
    }
    render(&FlowPage {
        id: &ir.meta.id,
        number: f.number,
        zh: &f.info.zh,
        en: &f.info.en,
        provenance: badge(&f.prov),
        trigger: f.trigger.as_deref().map(md_cell).unwrap_or_default(),
        note: f.prov.note.as_deref().map(md_cell).unwrap_or_default(),
        participants,
        arrows,
        steps,
    })
}

fn provenance_page(ir: &Edition) -> Result<String, EmitError> {
    use crate::ir::census::Home;
    let census = Census::of(ir);
    let provisional = census
        .provisional_items()
        .map(|i| {
            let item = match &i.home {
                Home::Object(o) => match i.name.strip_prefix(&format!("{o}.")) {
                    Some(field) => format!("[{o}](objects/{o}.md).`{field}`"),
                    None => format!("[{}](objects/{o}.md)", i.name),
                },
                Home::Interface(n) => format!("[{}](interfaces/{n}.md)", md_cell(&i.name)),
                Home::Flow(k) => format!("[{}](flows/{k}.md)", md_cell(&i.name)),
                Home::Codes => format!("[`{}`](codes.md)", i.name),
                Home::None => md_cell(&i.name),
            };
            (
                i.kind.singular().to_owned(),
                item,
                md_cell(i.zh),
                md_cell(&i.prov.tags_text()),
                i.prov.note.as_deref().map(md_cell).unwrap_or_default(),
            )
        })
        .collect();
    let kinds = census
        .by_kind()
        .into_iter()
        .map(|(k, n, p)| (k.plural().to_owned(), n, p))
        .collect();
    let misspellings = ir
        .objects
        .values()
        .filter(|o| o.origin == ObjectOrigin::Declared)
        .flat_map(|o| {
            o.fields.iter().filter_map(move |f| {
                f.misspelling_of.as_ref().map(|m| {
                    (
                        o.name.clone(),
                        f.wire.clone(),
                        m.clone(),
                        f.aliases
                            .iter()
                            .map(|a| format!("`{a}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                    )
                })
            })
        })
        .collect();
    render(&ProvenancePage {
        id: &ir.meta.id,
        number: &ir.meta.number,
        items: census.total(),
        provisional_count: census.provisional(),
        percent: format!("{:.1}", census.provisional_percent()),
        kinds,
        tags: census.tag_counts().into_iter().collect(),
        provisional,
        misspellings,
        evidence: cites_register(ir),
    })
}

/// The documentation site under `docs/`.
pub fn site(ir: &Edition) -> Result<Vec<OutFile>, EmitError> {
    let mut out = Vec::new();
    let appendices: Vec<String> = ["A", "B", "C", "D", "E"]
        .iter()
        .filter(|l| {
            ir.code_tables.values().any(|t| {
                t.appendix
                    .as_deref()
                    .is_some_and(|a| a == **l || a.starts_with(&format!("{l}.")))
            })
        })
        .map(|l| (*l).to_owned())
        .collect();
    let index = IndexPage {
        id: &ir.meta.id,
        number: &ir.meta.number,
        zh: &ir.meta.info.zh,
        en: &ir.meta.info.en,
        replaces: ir.meta.replaces.clone().unwrap_or_default(),
        counts: Counts::of(ir).to_string(),
        evidence: cites_register(ir),
        tolerances: !ir.tolerances.is_empty(),
        roles: ir.roles.keys().cloned().collect(),
        appendices,
        contents: ir
            .meta
            .contents
            .iter()
            .map(|c| {
                (
                    c.number.clone(),
                    md_cell(&c.info.zh),
                    md_cell(&c.info.en),
                    c.page.clone().unwrap_or_default(),
                    badge(&c.prov),
                )
            })
            .collect(),
        flows: ir
            .flows
            .values()
            .map(|f| {
                (
                    f.number,
                    md_cell(&f.info.zh),
                    md_cell(&f.info.en),
                    f.key.clone(),
                    badge(&f.prov),
                )
            })
            .collect(),
        interfaces: ir
            .interfaces
            .values()
            .map(|i| {
                (
                    i.name.clone(),
                    md_cell(&i.info.zh),
                    format!("{} ← {}", i.implementer, i.caller),
                    i.flows.join(", "),
                    badge(&i.prov),
                )
            })
            .collect(),
        objects: ir
            .objects
            .values()
            .map(|o| {
                (
                    o.name.clone(),
                    md_cell(&o.info.zh),
                    md_cell(&o.info.en),
                    o.fields.len(),
                    badge(&o.prov),
                )
            })
            .collect(),
    };
    out.push(OutFile::new("docs/index.md", render(&index)?));
    for o in ir.objects.values() {
        out.push(OutFile::new(
            format!("docs/objects/{}.md", o.name),
            object_page(ir, o)?,
        ));
    }
    for i in ir.interfaces.values() {
        out.push(OutFile::new(
            format!("docs/interfaces/{}.md", i.name),
            interface_page(ir, i)?,
        ));
    }
    for f in ir.flows.values() {
        out.push(OutFile::new(
            format!("docs/flows/{}.md", f.key),
            flow_page(ir, f)?,
        ));
    }
    out.push(OutFile::new(
        "docs/codes.md",
        render(&CodesPage {
            id: &ir.meta.id,
            number: &ir.meta.number,
            tables: ir.code_tables.values().map(table_view).collect(),
        })?,
    ));
    out.push(OutFile::new("docs/provenance.md", provenance_page(ir)?));
    if !ir.tolerances.is_empty() {
        out.push(OutFile::new("docs/tolerances.md", tolerances_page(ir)?));
    }
    for f in &mut out {
        let up = if f.path.matches('/').count() > 1 {
            "../"
        } else {
            ""
        };
        f.contents = link_evidence(&f.contents, up);
    }
    Ok(out)
}
