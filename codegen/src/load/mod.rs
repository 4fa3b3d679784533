//! Stage 1: YAML files → located raw model. Syntax and shape problems are reported here;
//! names are not resolved yet.

pub mod evidence;
pub mod node;
pub mod raw;
pub mod reader;
pub mod security;

use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic, Diagnostics, Loc, SourceMap};

use crate::ir::vocab::{Auth, Charset, CodeKind, CondOp, DateFormat, DecimalWire, Tag};
use node::{Node, NodeKind};
use raw::*;
use reader::{MapView, Sp, boolean, int, keyword, list, name, name_list, number, text, wrong_kind};

/// The sections a spec file may hold.
pub const SECTIONS: [&str; 9] = [
    "edition",
    "types",
    "objects",
    "code_tables",
    "interfaces",
    "flows",
    "security",
    "qr_code",
    "tolerances",
];

/// Reads every `*.yaml` file below `dir` (sorted by path) into `sources` and the raw model.
pub fn load_dir(dir: &Path, sources: &mut SourceMap, diags: &mut Diagnostics) -> RawSpec {
    // Paths are shown relative to the edition folder's parent, so diagnostics do not depend on
    // where the checkout lives.
    let shown_dir = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut files = Vec::new();
    if let Err(e) = collect_yaml(dir, &mut files) {
        let id = sources.add(shown_dir.clone(), String::new());
        diags.push(
            Diagnostic::new(
                Code::Io,
                Loc::file_start(id),
                format!("cannot read `{shown_dir}`: {e}"),
            )
            .hint("pass the folder of one edition, e.g. spec/db4403-77-2024"),
        );
        return RawSpec::default();
    }
    files.sort();
    // The evidence register, when the edition has one, is read with the YAML files.
    let register = dir.join(evidence::REGISTER);
    if register.is_file() {
        files.push(register);
    }
    let mut texts = Vec::new();
    for path in &files {
        let shown = path
            .strip_prefix(dir.parent().unwrap_or(dir))
            .unwrap_or(path);
        let shown = shown.to_string_lossy().replace('\\', "/");
        match std::fs::read(path) {
            Ok(bytes) => texts.push((shown, bytes)),
            Err(e) => {
                let id = sources.add(shown.clone(), String::new());
                diags.push(Diagnostic::new(
                    Code::Io,
                    Loc::file_start(id),
                    format!("cannot read `{shown}`: {e}"),
                ));
            }
        }
    }
    if texts.iter().all(|(name, _)| is_register(name)) {
        let id = sources.add(shown_dir.clone(), String::new());
        diags.push(
            Diagnostic::new(
                Code::Io,
                Loc::file_start(id),
                format!("no YAML file in `{shown_dir}`"),
            )
            .hint("an edition folder holds standard.yaml and the other *.yaml files of the spec"),
        );
        return RawSpec::default();
    }
    load_texts(texts, sources, diags)
}

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a file of the edition is its evidence register (`EVIDENCE.md`), not YAML.
fn is_register(name: &str) -> bool {
    name.rsplit('/').next() == Some(evidence::REGISTER)
}

/// Loads already-read files (name, bytes), in the given order. Used by `load_dir`, the tests and
/// the fuzz target. A file named `EVIDENCE.md` is the edition's evidence register, not YAML.
pub fn load_texts(
    files: Vec<(String, Vec<u8>)>,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> RawSpec {
    let mut spec = RawSpec {
        file_count: files.iter().filter(|(n, _)| !is_register(n)).count(),
        ..RawSpec::default()
    };
    let mut free_text = Vec::new();
    for (name, bytes) in files {
        if is_register(&name) {
            let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
            spec.evidence = Some(evidence::Register::parse(name, text));
            continue;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let t = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(name.clone(), t);
                let line = u32::try_from(
                    e.as_bytes()[..valid]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count()
                        + 1,
                )
                .unwrap_or(u32::MAX);
                diags.push(
                    Diagnostic::new(
                        Code::YamlSyntax,
                        Loc {
                            file: id,
                            line,
                            col: 1,
                            start: valid,
                            end: valid,
                        },
                        format!("`{name}` is not valid UTF-8"),
                    )
                    .hint("spec files are UTF-8 text"),
                );
                spec.failed_files += 1;
                continue;
            }
        };
        let text = text.replace("\r\n", "\n");
        let id = sources.add(name, text);
        evidence::collect_comments(sources, id, &mut free_text);
        match node::parse(sources, id) {
            Ok(root) => {
                evidence::collect(&root, &mut free_text);
                read_file(diags, &root, &mut spec);
            }
            Err(d) => {
                diags.push(*d);
                spec.failed_files += 1;
            }
        }
    }
    evidence::check(diags, sources, &free_text, spec.evidence.as_ref());
    spec
}

fn read_file(d: &mut Diagnostics, root: &Node, spec: &mut RawSpec) {
    if matches!(root.kind, NodeKind::Null) {
        return; // an empty file
    }
    let Some(mut m) = MapView::new(d, root, "a spec file") else {
        return;
    };
    if let Some(n) = m.get("edition")
        && let Some(e) = read_edition(d, n)
    {
        spec.edition.push(e);
    }
    if let Some(n) = m.get("types") {
        named_items(d, n, "types", &mut spec.types, |d, node, name| {
            let mut m = MapView::new(d, node, &format!("type `{name}`"))?;
            let doc = read_doc(d, &mut m, node.loc, &format!("type `{name}`"));
            let ty = m
                .req("type", &format!("type `{name}`"))
                .and_then(|n| read_type(d, n));
            m.finish(d, &format!("type `{name}`"));
            Some(RawNamedType { doc, ty })
        });
    }
    if let Some(n) = m.get("objects") {
        named_items(d, n, "objects", &mut spec.objects, read_object);
    }
    if let Some(n) = m.get("code_tables") {
        named_items(d, n, "code_tables", &mut spec.code_tables, read_code_table);
    }
    if let Some(n) = m.get("interfaces") {
        named_items(d, n, "interfaces", &mut spec.interfaces, read_interface);
    }
    if let Some(n) = m.get("flows") {
        named_items(d, n, "flows", &mut spec.flows, read_flow);
    }
    if let Some(n) = m.get("security")
        && let Some(s) = security::read_security(d, n)
    {
        spec.security.push(s);
    }
    if let Some(n) = m.get("qr_code")
        && let Some(q) = read_qr(d, n)
    {
        spec.qr_code.push(q);
    }
    if let Some(n) = m.get("tolerances") {
        named_items(d, n, "tolerances", &mut spec.tolerances, read_tolerance);
    }
    m.finish(d, "a spec file (sections: edition, types, objects, code_tables, interfaces, flows, security, qr_code, tolerances)");
}

/// A mapping from names to items.
fn named_items<T>(
    d: &mut Diagnostics,
    node: &Node,
    section: &str,
    out: &mut Vec<Named<T>>,
    mut read: impl FnMut(&mut Diagnostics, &Node, &str) -> Option<T>,
) {
    let Some(mut m) = MapView::new(d, node, &format!("the `{section}` section")) else {
        return;
    };
    for (key, value) in m.take_all() {
        if let Some(item) = read(d, value, &key.value) {
            out.push(Named { name: key, item });
        }
    }
    m.finish(d, section);
}

/// Reads the common keys of an item.
pub fn read_doc(d: &mut Diagnostics, m: &mut MapView<'_>, loc: Loc, what: &str) -> Doc {
    let mut doc = Doc {
        loc: Some(loc),
        ..Doc::default()
    };
    doc.zh = m.req("zh", what).and_then(|n| text(d, n, "zh"));
    doc.en = m.req("en", what).and_then(|n| text(d, n, "en"));
    doc.description = m.get("description").and_then(|n| text(d, n, "description"));
    doc.section = m.get("section").and_then(|n| text(d, n, "section"));
    doc.note = m.get("note").and_then(|n| text(d, n, "note"));
    doc.provisional = m
        .get("provisional")
        .and_then(|n| boolean(d, n, "provisional"));
    match m.get("provenance") {
        None => d.push(
            Diagnostic::new(Code::MissingProvenance, m.loc, format!("{what} has no provenance"))
                .label("`provenance` is missing here")
                .hint("add `provenance: [...]` with the tags of the evidence (db2024, sz2020, tcec102, sz2024fe, analogue(NAME), provisional)"),
        ),
        Some(n) => {
            if let Some(items) = list(d, n, "provenance") {
                if items.is_empty() {
                    d.push(
                        Diagnostic::new(Code::MissingProvenance, n.loc, format!("{what} has an empty provenance list"))
                            .label("no tag here")
                            .hint("name at least one tag; use `provisional` where no evidence exists"),
                    );
                }
                let tags = items.iter().filter_map(|n| read_tag(d, n)).collect();
                doc.provenance = Some(tags);
            }
        }
    }
    doc
}

fn read_tag(d: &mut Diagnostics, node: &Node) -> Option<Sp<Tag>> {
    let s = name(d, node, "a provenance tag")?;
    let v = s.value.trim();
    let tag = match v {
        "db2024" => Some(Tag::Db2024),
        "sz2020" => Some(Tag::Sz2020),
        "tcec102" => Some(Tag::Tcec102),
        "sz2024fe" => Some(Tag::Sz2024fe),
        "provisional" => Some(Tag::Provisional),
        _ => v
            .strip_prefix("analogue")
            .map(str::trim_start)
            .and_then(|r| r.strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| Tag::Analogue(n.to_owned())),
    };
    if tag.is_none() {
        let hint = if v.starts_with("analogue") {
            "write the analogue with its name, e.g. `analogue(Zhejiang provincial platform)`"
                .to_owned()
        } else {
            let c = reader::closest(
                v,
                &["db2024", "sz2020", "tcec102", "sz2024fe", "provisional"],
            );
            match c {
                Some(c) => format!(
                    "did you mean `{c}`? Tags: db2024, sz2020, tcec102, sz2024fe, analogue(NAME), provisional"
                ),
                None => "tags: db2024, sz2020, tcec102, sz2024fe, analogue(NAME), provisional"
                    .to_owned(),
            }
        };
        d.push(
            Diagnostic::new(
                Code::UnknownTag,
                s.loc,
                format!("unknown provenance tag `{v}`"),
            )
            .label("not a provenance tag")
            .hint(hint),
        );
    }
    tag.map(|t| Sp::new(t, s.loc))
}

fn opt_int(d: &mut Diagnostics, m: &mut MapView<'_>, key: &'static str) -> Option<Sp<i64>> {
    m.get(key).and_then(|n| int(d, n, key))
}

/// Reads a type expression.
pub fn read_type(d: &mut Diagnostics, node: &Node) -> Option<RawType> {
    match &node.kind {
        NodeKind::Str(s) => Some(RawType::Named(Sp::new(s.clone(), node.loc))),
        NodeKind::Map(entries) => {
            if entries.len() != 1 {
                d.push(
                    Diagnostic::new(Code::InvalidValue, node.loc, "a type expression has exactly one key".to_owned())
                        .label(format!("{} keys here", entries.len()))
                        .hint("write one of string, integer, decimal, datetime, array, object, code; e.g. `{string: {max_len: 20}}`"),
                );
                return None;
            }
            let (k, v) = &entries[0];
            let key = name(d, k, "a type keyword")?;
            let loc = k.loc;
            let what = format!("the `{}` type", key.value);
            match key.value.as_str() {
                "string" => {
                    let mut m = MapView::new(d, v, &what)?;
                    let t = RawType::String {
                        len: opt_int(d, &mut m, "len"),
                        min_len: opt_int(d, &mut m, "min_len"),
                        max_len: opt_int(d, &mut m, "max_len"),
                        pattern: m.get("pattern").and_then(|n| name(d, n, "pattern")),
                        charset: m.get("charset").and_then(|n| {
                            keyword(
                                d,
                                n,
                                "charset",
                                &[
                                    ("any", Charset::Any),
                                    ("ascii", Charset::Ascii),
                                    ("digits", Charset::Digits),
                                    ("alphanumeric", Charset::Alphanumeric),
                                    ("hex", Charset::Hex),
                                    ("upper_hex", Charset::UpperHex),
                                ],
                            )
                        }),
                        loc,
                    };
                    m.finish(d, &what);
                    Some(t)
                }
                "integer" => {
                    let mut m = MapView::new(d, v, &what)?;
                    let t = RawType::Integer {
                        min: opt_int(d, &mut m, "min"),
                        max: opt_int(d, &mut m, "max"),
                        max_text_len: opt_int(d, &mut m, "max_text_len"),
                        loc,
                    };
                    m.finish(d, &what);
                    Some(t)
                }
                "decimal" => {
                    let mut m = MapView::new(d, v, &what)?;
                    let t = RawType::Decimal {
                        scale: opt_int(d, &mut m, "scale"),
                        min: m.get("min").and_then(|n| number(d, n, "min")),
                        max: m.get("max").and_then(|n| number(d, n, "max")),
                        wire: m.get("wire").and_then(|n| {
                            keyword(
                                d,
                                n,
                                "decimal wire form",
                                &[
                                    ("number", DecimalWire::Number),
                                    ("string", DecimalWire::String),
                                ],
                            )
                        }),
                        max_text_len: opt_int(d, &mut m, "max_text_len"),
                        loc,
                    };
                    m.finish(d, &what);
                    Some(t)
                }
                "datetime" => keyword(d, v, "date format", &DateFormat::ALL).map(RawType::DateTime),
                "array" => {
                    let mut m = MapView::new(d, v, &what)?;
                    let items = m.req("items", &what).and_then(|n| read_type(d, n));
                    let min_items = opt_int(d, &mut m, "min_items");
                    let max_items = opt_int(d, &mut m, "max_items");
                    m.finish(d, &what);
                    Some(RawType::Array {
                        items: Box::new(items?),
                        min_items,
                        max_items,
                        loc,
                    })
                }
                "object" => name(d, v, "an object name").map(RawType::Object),
                "code" => name(d, v, "a code-table name").map(RawType::Code),
                other => {
                    let choices = [
                        "string", "integer", "decimal", "datetime", "array", "object", "code",
                    ];
                    let hint = match reader::closest(other, &choices) {
                        Some(c) => {
                            format!("did you mean `{c}`? Type keywords: {}", choices.join(", "))
                        }
                        None => format!("type keywords: {}", choices.join(", ")),
                    };
                    d.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            key.loc,
                            format!("unknown type keyword `{other}`"),
                        )
                        .label("not a type keyword")
                        .hint(hint),
                    );
                    None
                }
            }
        }
        _ => {
            wrong_kind(
                d,
                node,
                "a type must be a name or a one-key mapping",
                "a type name or mapping",
            );
            None
        }
    }
}

fn read_scalar(d: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<Scalar>> {
    match &node.kind {
        NodeKind::Int(i) => Some(Sp::new(Scalar::Int(*i), node.loc)),
        NodeKind::Str(s) => Some(Sp::new(Scalar::Str(s.clone()), node.loc)),
        _ => {
            wrong_kind(
                d,
                node,
                &format!("{what} must be an integer or a string"),
                "an integer or a string",
            );
            None
        }
    }
}

fn read_required(d: &mut Diagnostics, node: &Node) -> Option<RawRequired> {
    match &node.kind {
        NodeKind::Bool(b) => Some(RawRequired::Always(Sp::new(*b, node.loc))),
        NodeKind::Map(_) => {
            let mut m = MapView::new(d, node, "a conditional requirement")?;
            let when = m.req("when", "a conditional requirement");
            m.finish(d, "a conditional requirement");
            let when = when?;
            let mut w = MapView::new(d, when, "a condition")?;
            let field = w
                .req("field", "a condition")
                .and_then(|n| name(d, n, "the condition field"));
            let equals = w.get("equals");
            let in_ = w.get("in");
            let not_in = w.get("not_in");
            w.finish(d, "a condition");
            let field = field?;
            let (op, values) = match (equals, in_, not_in) {
                (Some(v), None, None) => (
                    CondOp::Equals,
                    vec![read_scalar(d, v, "the compared value")?],
                ),
                (None, Some(v), None) => (
                    CondOp::In,
                    list(d, v, "`in`")?
                        .iter()
                        .filter_map(|n| read_scalar(d, n, "a value"))
                        .collect(),
                ),
                (None, None, Some(v)) => (
                    CondOp::NotIn,
                    list(d, v, "`not_in`")?
                        .iter()
                        .filter_map(|n| read_scalar(d, n, "a value"))
                        .collect(),
                ),
                _ => {
                    d.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            when.loc,
                            "a condition has exactly one of `equals`, `in`, `not_in`".to_owned(),
                        )
                        .label("here")
                        .hint("e.g. `when: {field: SuccStat, equals: 0}`"),
                    );
                    return None;
                }
            };
            Some(RawRequired::When {
                field,
                op,
                values,
                loc: when.loc,
            })
        }
        _ => {
            wrong_kind(
                d,
                node,
                "`required` is true, false or a condition",
                "a boolean or a mapping",
            );
            None
        }
    }
}

pub fn read_field(d: &mut Diagnostics, node: &Node) -> Option<RawField> {
    let mut m = MapView::new(d, node, "a field")?;
    let wire = m
        .req("wire", "a field")
        .and_then(|n| name(d, n, "the wire name"));
    let what = wire
        .as_ref()
        .map_or_else(|| "a field".to_owned(), |w| format!("field `{}`", w.value));
    let doc = read_doc(d, &mut m, wire.as_ref().map_or(node.loc, |w| w.loc), &what);
    let ty = m.req("type", &what).and_then(|n| read_type(d, n));
    let required = m.req("required", &what).and_then(|n| read_required(d, n));
    let unit = m.get("unit").and_then(|n| text(d, n, "unit"));
    let aliases = m
        .get("aliases")
        .map(|n| name_list(d, n, "an alias"))
        .unwrap_or_default();
    let misspelling_of = m
        .get("misspelling_of")
        .and_then(|n| name(d, n, "misspelling_of"));
    let empty_means_absent = m
        .get("empty_means_absent")
        .and_then(|n| boolean(d, n, "empty_means_absent"));
    let default = m.get("default").cloned();
    m.finish(d, &what);
    Some(RawField {
        doc,
        wire: wire?,
        ty,
        required,
        unit,
        aliases,
        misspelling_of,
        empty_means_absent,
        default,
    })
}

fn read_fields(d: &mut Diagnostics, node: &Node) -> Vec<RawField> {
    list(d, node, "`fields`")
        .map(|items| items.iter().filter_map(|n| read_field(d, n)).collect())
        .unwrap_or_default()
}

fn read_object(d: &mut Diagnostics, node: &Node, name_: &str) -> Option<RawObject> {
    let what = format!("object `{name_}`");
    let mut m = MapView::new(d, node, &what)?;
    let doc = read_doc(d, &mut m, node.loc, &what);
    let fields = m
        .req("fields", &what)
        .map(|n| read_fields(d, n))
        .unwrap_or_default();
    let constraints = m
        .get("constraints")
        .and_then(|n| list(d, n, "`constraints`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut c = MapView::new(d, n, "a constraint")?;
                    let doc = read_doc(d, &mut c, n.loc, "a constraint");
                    let groups = c
                        .req("exactly_one_of", "a constraint")
                        .and_then(|g| list(d, g, "`exactly_one_of`"));
                    let groups: Vec<Vec<Sp<String>>> = groups
                        .map(|gs| gs.iter().map(|g| name_list(d, g, "a field name")).collect())
                        .unwrap_or_default();
                    c.finish(d, "a constraint");
                    Some(RawConstraint {
                        doc,
                        exactly_one_of: groups,
                        loc: n.loc,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    m.finish(d, &what);
    Some(RawObject {
        doc,
        fields,
        constraints,
    })
}

fn read_code_table(d: &mut Diagnostics, node: &Node, name_: &str) -> Option<RawCodeTable> {
    let what = format!("code table `{name_}`");
    let mut m = MapView::new(d, node, &what)?;
    let doc = read_doc(d, &mut m, node.loc, &what);
    let kind = m.req("kind", &what).and_then(|n| {
        keyword(
            d,
            n,
            "code kind",
            &[("integer", CodeKind::Integer), ("string", CodeKind::String)],
        )
    });
    let open = m.req("open", &what).and_then(|n| boolean(d, n, "open"));
    let codes = m
        .req("codes", &what)
        .and_then(|n| list(d, n, "`codes`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut c = MapView::new(d, n, "a code")?;
                    let code = c
                        .req("code", "a code")
                        .and_then(|v| read_scalar(d, v, "a code"));
                    let cwhat = code
                        .as_ref()
                        .map_or_else(|| "a code".to_owned(), |c| format!("code {}", c.value));
                    let doc = read_doc(d, &mut c, code.as_ref().map_or(n.loc, |c| c.loc), &cwhat);
                    let alt_zh = c
                        .get("alt_zh")
                        .map(|v| name_list(d, v, "an alternative label"))
                        .unwrap_or_default();
                    let category = c
                        .get("category")
                        .and_then(|v| read_scalar(d, v, "a category"));
                    c.finish(d, &cwhat);
                    Some(RawCode {
                        doc,
                        code: code?,
                        alt_zh,
                        category,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let ranges = m
        .get("ranges")
        .and_then(|n| list(d, n, "`ranges`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut c = MapView::new(d, n, "a code range")?;
                    let from = c
                        .req("from", "a code range")
                        .and_then(|v| int(d, v, "from"));
                    let to = c.req("to", "a code range").and_then(|v| int(d, v, "to"));
                    let doc = read_doc(d, &mut c, n.loc, "a code range");
                    c.finish(d, "a code range");
                    Some(RawRange {
                        doc,
                        from: from?,
                        to: to?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let category_table = m
        .get("category_table")
        .and_then(|n| name(d, n, "category_table"));
    let appendix = m.get("appendix").and_then(|n| text(d, n, "appendix"));
    let table = m.get("table").and_then(|n| text(d, n, "table"));
    let (mut value_max_len, mut value_pattern) = (None, None);
    if let Some(n) = m.get("value")
        && let Some(mut v) = MapView::new(d, n, "the value rules")
    {
        value_max_len = opt_int(d, &mut v, "max_len");
        value_pattern = v.get("pattern").and_then(|n| name(d, n, "pattern"));
        v.finish(d, "the value rules");
    }
    m.finish(d, &what);
    Some(RawCodeTable {
        doc,
        kind,
        open,
        codes,
        ranges,
        category_table,
        appendix,
        table,
        value_max_len,
        value_pattern,
    })
}

fn read_payload(d: &mut Diagnostics, node: &Node, what: &str) -> Option<RawPayload> {
    let mut m = MapView::new(d, node, what)?;
    let fields = m.get("fields");
    let object = m.get("object");
    let description = m.get("description").and_then(|n| text(d, n, "description"));
    m.finish(d, what);
    match (fields, object) {
        (Some(f), None) => Some(RawPayload::Fields {
            fields: read_fields(d, f),
            description,
            loc: node.loc,
        }),
        (None, Some(o)) => Some(RawPayload::Object {
            name: name(d, o, "an object name")?,
            description,
            loc: node.loc,
        }),
        _ => {
            d.push(
                Diagnostic::new(Code::InvalidValue, node.loc, format!("{what} has exactly one of `fields` and `object`"))
                    .label("here")
                    .hint("write `fields: [...]` for an inline payload or `object: NAME` for an object payload"),
            );
            None
        }
    }
}

fn read_interface(d: &mut Diagnostics, node: &Node, name_: &str) -> Option<RawInterface> {
    let what = format!("interface `{name_}`");
    let mut m = MapView::new(d, node, &what)?;
    let doc = read_doc(d, &mut m, node.loc, &what);
    let i = RawInterface {
        doc,
        section_2020: m
            .get("section_2020")
            .and_then(|n| text(d, n, "section_2020")),
        implementer: m.get("implementer").and_then(|n| name(d, n, "implementer")),
        caller: m.get("caller").and_then(|n| name(d, n, "caller")),
        auth: m.get("auth").and_then(|n| {
            keyword(
                d,
                n,
                "auth",
                &[("bearer", Auth::Bearer), ("none", Auth::None)],
            )
        }),
        optional: m.get("optional").and_then(|n| boolean(d, n, "optional")),
        trigger: m.get("trigger").and_then(|n| text(d, n, "trigger")),
        frequency: m.get("frequency").and_then(|n| text(d, n, "frequency")),
        route_aliases: m
            .get("route_aliases")
            .map(|n| name_list(d, n, "a route alias"))
            .unwrap_or_default(),
        request: m
            .req("request", &what)
            .and_then(|n| read_payload(d, n, &format!("the request of `{name_}`"))),
        response: m
            .req("response", &what)
            .and_then(|n| read_payload(d, n, &format!("the response of `{name_}`"))),
        paging: m.get("paging").and_then(|n| {
            let mut p = MapView::new(d, n, "a paging block")?;
            let doc = read_doc(d, &mut p, n.loc, "a paging block");
            let mut f = |p: &mut MapView<'_>, key: &'static str| {
                p.req(key, "a paging block").and_then(|v| name(d, v, key))
            };
            let page_no = f(&mut p, "page_no");
            let page_size = f(&mut p, "page_size");
            let page_count = f(&mut p, "page_count");
            let item_count = f(&mut p, "item_count");
            let items = f(&mut p, "items");
            let default_page_no = opt_int(d, &mut p, "default_page_no");
            let default_page_size = opt_int(d, &mut p, "default_page_size");
            p.finish(d, "a paging block");
            Some(RawPaging {
                doc,
                page_no,
                page_size,
                page_count,
                item_count,
                items,
                default_page_no,
                default_page_size,
                loc: n.loc,
            })
        }),
    };
    m.finish(d, &what);
    Some(i)
}

fn read_tolerance(d: &mut Diagnostics, node: &Node, name_: &str) -> Option<RawTolerance> {
    let what = format!("tolerance `{name_}`");
    let mut m = MapView::new(d, node, &what)?;
    let doc = read_doc(d, &mut m, node.loc, &what);
    let relaxes = m.req("relaxes", &what).and_then(|n| text(d, n, "relaxes"));
    let evidence = m
        .req("evidence", &what)
        .and_then(|n| text(d, n, "evidence"));
    let entries = |d: &mut Diagnostics, n: Option<&Node>, what: &str| -> Vec<Node> {
        n.and_then(|n| list(d, n, what))
            .map(<[Node]>::to_vec)
            .unwrap_or_default()
    };
    let fields = entries(d, m.get("fields"), "`fields`")
        .iter()
        .filter_map(|n| {
            let mut e = MapView::new(d, n, "a `fields` entry")?;
            let object = e
                .req("object", "a `fields` entry")
                .and_then(|v| name(d, v, "an object name"));
            let fields = e
                .req("fields", "a `fields` entry")
                .map(|v| name_list(d, v, "field names"))
                .unwrap_or_default();
            e.finish(d, "a `fields` entry");
            Some(RawToleranceFields {
                object: object?,
                fields,
            })
        })
        .collect();
    let variants = entries(d, m.get("variants"), "`variants`")
        .iter()
        .filter_map(|n| {
            let mut e = MapView::new(d, n, "a `variants` entry")?;
            let object = e
                .req("object", "a `variants` entry")
                .and_then(|v| name(d, v, "an object name"));
            let field = e
                .req("field", "a `variants` entry")
                .and_then(|v| name(d, v, "a field name"));
            let wire = e
                .req("wire", "a `variants` entry")
                .and_then(|v| name(d, v, "a wire name"));
            e.finish(d, "a `variants` entry");
            Some(RawToleranceVariant {
                object: object?,
                field: field?,
                wire: wire?,
            })
        })
        .collect();
    m.finish(d, &what);
    Some(RawTolerance {
        doc,
        relaxes,
        evidence,
        fields,
        variants,
    })
}

fn read_flow(d: &mut Diagnostics, node: &Node, name_: &str) -> Option<RawFlow> {
    let what = format!("flow `{name_}`");
    let mut m = MapView::new(d, node, &what)?;
    let doc = read_doc(d, &mut m, node.loc, &what);
    let number = m.req("number", &what).and_then(|n| int(d, n, "number"));
    let trigger = m.get("trigger").and_then(|n| text(d, n, "trigger"));
    let steps = m
        .req("steps", &what)
        .and_then(|n| list(d, n, "`steps`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut s = MapView::new(d, n, "a flow step")?;
                    let interface = s
                        .req("interface", "a flow step")
                        .and_then(|v| name(d, v, "an interface name"));
                    let doc = read_doc(
                        d,
                        &mut s,
                        interface.as_ref().map_or(n.loc, |i| i.loc),
                        "a flow step",
                    );
                    let optional = s.get("optional").and_then(|v| boolean(d, v, "optional"));
                    s.finish(d, "a flow step");
                    Some(RawStep {
                        doc,
                        interface: interface?,
                        optional,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    m.finish(d, &what);
    Some(RawFlow {
        doc,
        number,
        trigger,
        steps,
    })
}

fn read_edition(d: &mut Diagnostics, node: &Node) -> Option<Sp<RawEdition>> {
    let what = "the edition";
    let mut m = MapView::new(d, node, what)?;
    let doc = read_doc(d, &mut m, node.loc, what);
    let mut t = |m: &mut MapView<'_>, key: &'static str, req: bool| {
        let n = if req { m.req(key, what) } else { m.get(key) };
        n.and_then(|n| text(d, n, key))
    };
    let id = t(&mut m, "id", true);
    let number = t(&mut m, "number", true);
    let replaces = t(&mut m, "replaces", false);
    let ics = t(&mut m, "ics", false);
    let ccs = t(&mut m, "ccs", false);
    let issued = t(&mut m, "issued", false);
    let in_force = t(&mut m, "in_force", false);
    let issuer = t(&mut m, "issuer", false);
    let mut roles = Vec::new();
    if let Some(n) = m.req("roles", what) {
        named_items(d, n, "roles", &mut roles, |d, node, name_| {
            let w = format!("role `{name_}`");
            let mut r = MapView::new(d, node, &w)?;
            let doc = read_doc(d, &mut r, node.loc, &w);
            r.finish(d, &w);
            Some(doc)
        });
    }
    let contents = m
        .get("contents")
        .and_then(|n| list(d, n, "`contents`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut c = MapView::new(d, n, "a contents entry")?;
                    let number = c
                        .req("number", "a contents entry")
                        .and_then(|v| text(d, v, "number"));
                    let doc = read_doc(d, &mut c, n.loc, "a contents entry");
                    let page = c.get("page").and_then(|v| text(d, v, "page"));
                    let normative = c
                        .get("normative")
                        .and_then(|v| boolean(d, v, "normative"))
                        .is_some_and(|b| b.value);
                    c.finish(d, "a contents entry");
                    Some(RawContent {
                        doc,
                        number,
                        page,
                        normative,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    m.finish(d, what);
    Some(Sp::new(
        RawEdition {
            doc,
            id,
            number,
            replaces,
            ics,
            ccs,
            issued,
            in_force,
            issuer,
            roles,
            contents,
        },
        node.loc,
    ))
}

fn read_qr(d: &mut Diagnostics, node: &Node) -> Option<Sp<RawQrCode>> {
    let what = "the QR-code section";
    let mut m = MapView::new(d, node, what)?;
    let doc = read_doc(d, &mut m, node.loc, what);
    let parts = m
        .req("parts", what)
        .and_then(|n| list(d, n, "`parts`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut p = MapView::new(d, n, "a QR-code part")?;
                    let literal = p.get("literal");
                    let field = p.get("field");
                    let tail = p.get("tail");
                    let ty = p.get("type");
                    let doc = read_doc(d, &mut p, n.loc, "a QR-code part");
                    p.finish(d, "a QR-code part");
                    match (literal, field, tail) {
                        (Some(l), None, None) => Some(RawQrPart {
                            doc,
                            kind: RawQrKind::Literal(name(d, l, "a literal")?),
                        }),
                        (None, Some(f), None) => Some(RawQrPart {
                            doc,
                            kind: RawQrKind::Field {
                                field: name(d, f, "a field name")?,
                                ty: ty.and_then(|t| read_type(d, t)).map(Box::new),
                            },
                        }),
                        (None, None, Some(t)) => {
                            boolean(d, t, "tail")?;
                            Some(RawQrPart {
                                doc,
                                kind: RawQrKind::Tail,
                            })
                        }
                        _ => {
                            d.push(
                                Diagnostic::new(
                                    Code::InvalidValue,
                                    n.loc,
                                    "a QR-code part has exactly one of `literal`, `field`, `tail`"
                                        .to_owned(),
                                )
                                .label("here"),
                            );
                            None
                        }
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let patterns = m
        .get("patterns")
        .and_then(|n| list(d, n, "`patterns`"))
        .map(|items| {
            items
                .iter()
                .filter_map(|n| {
                    let mut p = MapView::new(d, n, "a QR-code pattern")?;
                    let name_ = p
                        .req("name", "a QR-code pattern")
                        .and_then(|v| name(d, v, "name"));
                    let pattern = p
                        .req("pattern", "a QR-code pattern")
                        .and_then(|v| name(d, v, "pattern"));
                    let doc = read_doc(d, &mut p, n.loc, "a QR-code pattern");
                    p.finish(d, "a QR-code pattern");
                    Some(RawQrPattern {
                        doc,
                        name: name_?,
                        pattern: pattern?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    m.finish(d, what);
    Some(Sp::new(
        RawQrCode {
            doc,
            parts,
            patterns,
        },
        node.loc,
    ))
}
