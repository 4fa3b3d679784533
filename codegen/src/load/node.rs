//! A generic YAML tree in which every node keeps its source location.
//!
//! serde-saphyr parses the text; a custom visitor builds the tree with `Spanned` locations for
//! every key and value and keeps repeated keys (the parser forwards them), so the reader can
//! report duplicates, unknown keys and kind errors itself, all of them, with locations.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::diag::{Code, Diagnostic, FileId, Loc, SourceMap};

/// A YAML value with the location of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; repeated keys are kept.
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// What the value is, for messages ("a mapping", "a list", ...).
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a number",
            NodeKind::Str(_) => "a string",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// The tree as deserialised, before file ids and byte offsets are attached.
#[derive(Debug)]
enum RawKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

#[derive(Debug)]
struct RawNode(RawKind);

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Int(v)))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNode, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(RawNode(RawKind::Int(i))),
            Err(_) => Ok(RawNode(RawKind::Str(v.to_string()))),
        }
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawNode, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(RawNode(RawKind::Int(i))),
            Err(_) => Ok(RawNode(RawKind::Str(v.to_string()))),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawNode, E> {
        match i64::try_from(v) {
            Ok(i) => Ok(RawNode(RawKind::Int(i))),
            Err(_) => Ok(RawNode(RawKind::Str(v.to_string()))),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Str(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Str(v)))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Str(
            String::from_utf8_lossy(v).into_owned(),
        )))
    }
    fn visit_unit<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<RawNode, E> {
        Ok(RawNode(RawKind::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode(RawKind::Seq(items)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<RawNode>>()? {
            let value = map.next_value::<Spanned<RawNode>>()?;
            entries.push((key, value));
        }
        Ok(RawNode(RawKind::Map(entries)))
    }
}

/// Parses one YAML file into a located tree. A syntax error becomes one `E0001` diagnostic.
pub fn parse(sources: &SourceMap, file: FileId) -> Result<Node, Box<Diagnostic>> {
    let text = sources.get(file).map_or("", |f| f.text.as_str());
    let options = serde_saphyr::options! {
        duplicate_keys: serde_saphyr::options::DuplicateKeyPolicy::PassThrough,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Spanned<RawNode>>(text, options) {
        Ok(root) => Ok(convert(sources, file, root)),
        Err(err) => {
            let (line, col) = err
                .location()
                .map_or((1, 1), |l| (clamp_u32(l.line()), clamp_u32(l.column())));
            let start = sources.offset_of(file, line, col);
            let end = next_char_end(text, start);
            let message = first_line(&err.to_string());
            Err(Box::new(
                Diagnostic::new(
                    Code::YamlSyntax,
                    Loc {
                        file,
                        line,
                        col,
                        start,
                        end,
                    },
                    format!("YAML syntax error: {message}"),
                )
                .label("the parser stopped here")
                .hint("fix the YAML syntax; the rest of this file is checked once it parses"),
            ))
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_owned()
}

fn clamp_u32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX).max(1)
}

fn next_char_end(text: &str, start: usize) -> usize {
    text.get(start..)
        .and_then(|rest| rest.chars().next())
        .map_or(start, |c| {
            if c == '\n' {
                start
            } else {
                start + c.len_utf8()
            }
        })
}

fn convert(sources: &SourceMap, file: FileId, node: Spanned<RawNode>) -> Node {
    let line = clamp_u32(node.referenced.line());
    let col = clamp_u32(node.referenced.column());
    let start = sources.offset_of(file, line, col);
    let text = sources.get(file).map_or("", |f| f.text.as_str());
    let kind = match node.value.0 {
        RawKind::Null => NodeKind::Null,
        RawKind::Bool(b) => NodeKind::Bool(b),
        RawKind::Int(i) => NodeKind::Int(i),
        RawKind::Float(f) => NodeKind::Float(f),
        RawKind::Str(s) => NodeKind::Str(s),
        RawKind::Seq(items) => NodeKind::Seq(
            items
                .into_iter()
                .map(|n| convert(sources, file, n))
                .collect(),
        ),
        RawKind::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (convert(sources, file, k), convert(sources, file, v)))
                .collect(),
        ),
    };
    let end = scalar_end(text, start, &kind);
    Node {
        kind,
        loc: Loc {
            file,
            line,
            col,
            start,
            end,
        },
    }
}

/// The end of the marker: the scalar's text on its line, or one character for collections.
fn scalar_end(text: &str, start: usize, kind: &NodeKind) -> usize {
    let Some(rest) = text.get(start..) else {
        return start;
    };
    let line = rest.split('\n').next().unwrap_or("");
    if matches!(kind, NodeKind::Seq(_) | NodeKind::Map(_)) {
        return next_char_end(text, start);
    }
    let mut chars = line.char_indices().peekable();
    let end = match line.chars().next() {
        Some(q @ ('"' | '\'')) => {
            chars.next();
            let mut end = line.len();
            while let Some((i, c)) = chars.next() {
                if q == '"' && c == '\\' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && chars.peek().map(|&(_, n)| n) == Some('\'') {
                        chars.next();
                    } else {
                        end = i + 1;
                        break;
                    }
                }
            }
            end
        }
        _ => {
            let mut end = 0;
            let mut prev = ' ';
            for (i, c) in chars {
                let colon_end =
                    c == ':' && line[i + 1..].chars().next().is_none_or(char::is_whitespace);
                if matches!(c, ',' | ']' | '}') || (c == '#' && prev.is_whitespace()) || colon_end {
                    break;
                }
                if !c.is_whitespace() {
                    end = i + c.len_utf8();
                }
                prev = c;
            }
            end
        }
    };
    if end == 0 {
        next_char_end(text, start)
    } else {
        start + end
    }
}
