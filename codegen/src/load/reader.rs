//! Typed reading of the located YAML tree: every kind error, missing key, duplicate key and
//! unknown key becomes a diagnostic, and reading goes on with the next item.

use crate::diag::{Code, Diagnostic, Diagnostics, Loc};

use super::node::{Node, NodeKind};

/// A value together with the location of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Sp<T> {
    pub fn new(value: T, loc: Loc) -> Self {
        Sp { value, loc }
    }
}

impl Sp<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// A mapping being read: keys are marked as they are taken, the rest are unknown keys.
pub struct MapView<'a> {
    pub loc: Loc,
    entries: Vec<(&'a str, Loc, &'a Node)>,
    taken: Vec<bool>,
    asked: Vec<&'static str>,
    /// Required keys found missing: reported by `finish`, unless an unknown key is a likely
    /// misspelling of one (then only the unknown key is reported, with the suggestion).
    missing: Vec<(&'static str, String)>,
}

impl<'a> MapView<'a> {
    /// Views `node` as a mapping; reports `E0005` if it is not one and `E0002` for repeated keys
    /// (the first occurrence is kept).
    pub fn new(diags: &mut Diagnostics, node: &'a Node, what: &str) -> Option<Self> {
        let NodeKind::Map(entries) = &node.kind else {
            wrong_kind(
                diags,
                node,
                &format!("{what} must be a mapping"),
                "a mapping",
            );
            return None;
        };
        let mut seen: Vec<(&'a str, Loc, &'a Node)> = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            let NodeKind::Str(key) = &k.kind else {
                wrong_kind(diags, k, "mapping keys must be strings", "a string");
                continue;
            };
            if let Some((_, first, _)) = seen.iter().find(|(name, _, _)| name == key) {
                diags.push(
                    Diagnostic::new(Code::DuplicateKey, k.loc, format!("duplicate key `{key}`"))
                        .label("repeated here")
                        .related(*first, "first defined here")
                        .hint("remove one of the two entries"),
                );
                continue;
            }
            seen.push((key.as_str(), k.loc, v));
        }
        let taken = vec![false; seen.len()];
        Some(MapView {
            loc: node.loc,
            entries: seen,
            taken,
            asked: Vec::new(),
            missing: Vec::new(),
        })
    }

    /// Takes an optional key.
    pub fn get(&mut self, key: &'static str) -> Option<&'a Node> {
        self.asked.push(key);
        let i = self.entries.iter().position(|(k, _, _)| *k == key)?;
        self.taken[i] = true;
        Some(self.entries[i].2)
    }

    /// Takes a required key; reports `E0004` when it is missing.
    pub fn req(&mut self, key: &'static str, what: &str) -> Option<&'a Node> {
        let v = self.get(key);
        if v.is_none() {
            self.missing.push((key, what.to_owned()));
        }
        v
    }

    /// Location of a key's text, for messages about the entry.
    pub fn key_loc(&self, key: &str) -> Option<Loc> {
        self.entries
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, l, _)| *l)
    }

    /// All entries, in order, marking them taken (for mappings whose keys are names).
    pub fn take_all(&mut self) -> Vec<(Sp<String>, &'a Node)> {
        self.taken.iter_mut().for_each(|t| *t = true);
        self.entries
            .iter()
            .map(|(k, l, v)| (Sp::new((*k).to_owned(), *l), *v))
            .collect()
    }

    /// Reports every key that was not taken as unknown (`E0003`).
    pub fn finish(self, diags: &mut Diagnostics, what: &str) {
        let mut allowed = self.asked.clone();
        allowed.sort_unstable();
        allowed.dedup();
        let missing_keys: Vec<&str> = self.missing.iter().map(|(k, _)| *k).collect();
        let mut explained: Vec<&str> = Vec::new();
        for (i, (key, _, _)) in self.entries.iter().enumerate() {
            if !self.taken[i]
                && let Some(m) = closest(key, &missing_keys)
            {
                explained.push(m);
            }
        }
        for (key, what) in &self.missing {
            if explained.contains(key) {
                continue;
            }
            diags.push(
                Diagnostic::new(Code::MissingKey, self.loc, format!("{what} has no `{key}`"))
                    .label(format!("`{key}` is required here"))
                    .hint(format!("add `{key}:` to this mapping")),
            );
        }
        for (i, (key, loc, _)) in self.entries.iter().enumerate() {
            if self.taken[i] {
                continue;
            }
            let mut d = Diagnostic::new(
                Code::UnknownKey,
                *loc,
                format!("unknown key `{key}` in {what}"),
            )
            .label("not part of the spec language here");
            let hint = match closest(key, &allowed) {
                Some(s) => format!("did you mean `{s}`? Accepted keys: {}", allowed.join(", ")),
                None => format!("accepted keys: {}", allowed.join(", ")),
            };
            d = d.hint(hint);
            diags.push(d);
        }
    }
}

/// The closest candidate by edit distance, if it is close enough to be a likely typo.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let lw = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (edit_distance(&lw, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Owned-candidate variant of [`closest`].
pub fn closest_owned(
    word: &str,
    candidates: impl IntoIterator<Item = impl AsRef<str>>,
) -> Option<String> {
    let owned: Vec<String> = candidates
        .into_iter()
        .map(|c| c.as_ref().to_owned())
        .collect();
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    closest(word, &refs).map(str::to_owned)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn wrong_kind(diags: &mut Diagnostics, node: &Node, message: &str, expected: &str) {
    diags.push(
        Diagnostic::new(Code::WrongKind, node.loc, message.to_owned())
            .label(format!(
                "expected {expected}, found {}",
                node.kind.describe()
            ))
            .hint(format!("write {expected} here")),
    );
}

/// Free text: strings, and numbers or booleans written without quotes, as text.
pub fn text(diags: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<String>> {
    let s = match &node.kind {
        NodeKind::Str(s) => s.clone(),
        NodeKind::Int(i) => i.to_string(),
        NodeKind::Float(f) => f.to_string(),
        NodeKind::Bool(b) => b.to_string(),
        _ => {
            wrong_kind(diags, node, &format!("{what} must be text"), "a string");
            return None;
        }
    };
    Some(Sp::new(s, node.loc))
}

/// A name or keyword: only a YAML string.
pub fn name(diags: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<String>> {
    match &node.kind {
        NodeKind::Str(s) => Some(Sp::new(s.clone(), node.loc)),
        _ => {
            wrong_kind(diags, node, &format!("{what} must be a string"), "a string");
            None
        }
    }
}

pub fn int(diags: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<i64>> {
    match &node.kind {
        NodeKind::Int(i) => Some(Sp::new(*i, node.loc)),
        _ => {
            wrong_kind(
                diags,
                node,
                &format!("{what} must be an integer"),
                "an integer",
            );
            None
        }
    }
}

/// A number (integer or decimal), kept as its decimal text.
pub fn number(diags: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<f64>> {
    match &node.kind {
        #[allow(clippy::cast_precision_loss)]
        NodeKind::Int(i) => Some(Sp::new(*i as f64, node.loc)),
        NodeKind::Float(f) => Some(Sp::new(*f, node.loc)),
        _ => {
            wrong_kind(diags, node, &format!("{what} must be a number"), "a number");
            None
        }
    }
}

pub fn boolean(diags: &mut Diagnostics, node: &Node, what: &str) -> Option<Sp<bool>> {
    match &node.kind {
        NodeKind::Bool(b) => Some(Sp::new(*b, node.loc)),
        _ => {
            wrong_kind(
                diags,
                node,
                &format!("{what} must be true or false"),
                "a boolean",
            );
            None
        }
    }
}

pub fn list<'a>(diags: &mut Diagnostics, node: &'a Node, what: &str) -> Option<&'a [Node]> {
    match &node.kind {
        NodeKind::Seq(items) => Some(items),
        _ => {
            wrong_kind(diags, node, &format!("{what} must be a list"), "a list");
            None
        }
    }
}

pub fn name_list(diags: &mut Diagnostics, node: &Node, what: &str) -> Vec<Sp<String>> {
    list(diags, node, what)
        .map(|items| items.iter().filter_map(|n| name(diags, n, what)).collect())
        .unwrap_or_default()
}

/// A keyword from a fixed set; reports `E0006` otherwise.
pub fn keyword<T: Copy>(
    diags: &mut Diagnostics,
    node: &Node,
    what: &str,
    choices: &[(&'static str, T)],
) -> Option<Sp<T>> {
    let s = name(diags, node, what)?;
    if let Some((_, v)) = choices.iter().find(|(k, _)| *k == s.value) {
        return Some(Sp::new(*v, s.loc));
    }
    let names: Vec<&str> = choices.iter().map(|(k, _)| *k).collect();
    let hint = match closest(&s.value, &names) {
        Some(c) => format!("did you mean `{c}`? Accepted: {}", names.join(", ")),
        None => format!("accepted: {}", names.join(", ")),
    };
    diags.push(
        Diagnostic::new(
            Code::InvalidValue,
            s.loc,
            format!("`{}` is not a valid {what}", s.value),
        )
        .label("not accepted here")
        .hint(hint),
    );
    None
}
