//! Evidence citations. The free text of a spec (`note`, `description`, `trigger`, and YAML
//! comments) must cite sources a reader of the repository can open: a public repository and
//! path, a URL, or an entry of the edition's evidence register `EVIDENCE.md` ("EVIDENCE.md D7").
//!
//! - `W0801`: the text cites something a reader cannot open: a `§` section of a document not
//!   named as a standard ("§11 #27", "reference §6.2"; "T/CEC 102.4 §4.6" is fine), "the
//!   reference", a file of a private reference set (`standard-2024.md`, ...), or a path on a
//!   machine (`/work/...`, `/home/...`, `C:\...`);
//! - `E0802`: "EVIDENCE.md Dn" names no entry of the edition's `EVIDENCE.md` (or the edition has
//!   none).
//!
//! The register is the `EVIDENCE.md` file at the top of the edition folder; its entries are the
//! headings `## D7` / `### D7` (a letter and a number).

use std::sync::LazyLock;

use regex::Regex;

use crate::diag::{Code, Diagnostic, Diagnostics, Loc, SourceMap};

use super::node::{Node, NodeKind};

/// The file name of an edition's evidence register.
pub const REGISTER: &str = "EVIDENCE.md";

/// An edition's evidence register.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Register {
    /// The file as shown in diagnostics.
    pub name: String,
    /// The text, as read.
    pub text: String,
    /// Entry ids (`D7`, `N1`), in file order.
    pub entries: Vec<String>,
}

impl Register {
    pub fn parse(name: String, text: String) -> Register {
        let entries = text
            .lines()
            .filter_map(|l| {
                let l = l.trim_end();
                let id = l.strip_prefix("### ").or_else(|| l.strip_prefix("## "))?;
                entry_id(id.trim()).then(|| id.trim().to_owned())
            })
            .collect();
        Register {
            name,
            text,
            entries,
        }
    }
}

/// `D7`: one upper-case letter and a number.
fn entry_id(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|l| l.is_ascii_uppercase())
        && !c.as_str().is_empty()
        && c.all(|d| d.is_ascii_digit())
}

/// A piece of free text of a spec file and where it stands.
pub struct Text {
    pub loc: Loc,
    pub text: String,
    /// True for a YAML comment.
    pub comment: bool,
}

/// The keys whose string values are free text.
const TEXT_KEYS: [&str; 3] = ["note", "description", "trigger"];

/// Collects the free text of a parsed file: every `note`, `description` and `trigger` value.
pub fn collect(root: &Node, out: &mut Vec<Text>) {
    match &root.kind {
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                if let (NodeKind::Str(key), NodeKind::Str(text)) = (&k.kind, &v.kind)
                    && TEXT_KEYS.contains(&key.as_str())
                {
                    out.push(Text {
                        loc: v.loc,
                        text: text.clone(),
                        comment: false,
                    });
                } else {
                    collect(v, out);
                }
            }
        }
        NodeKind::Seq(items) => {
            for i in items {
                collect(i, out);
            }
        }
        _ => {}
    }
}

/// Collects the YAML comments of a file (lines whose first non-blank character is `#`).
pub fn collect_comments(sources: &SourceMap, file: crate::diag::FileId, out: &mut Vec<Text>) {
    let Some(f) = sources.get(file) else { return };
    let mut start = 0;
    for (n, line) in f.text.split('\n').enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('#') {
            let indent = line.len() - trimmed.len();
            let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
            out.push(Text {
                loc: Loc {
                    file,
                    line: line_no,
                    col: u32::try_from(line[..indent].chars().count() + 1).unwrap_or(u32::MAX),
                    start: start + indent,
                    end: start + line.len(),
                },
                text: trimmed.to_owned(),
                comment: true,
            });
        }
        start += line.len() + 1;
    }
}

static STANDARD_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    // A standard's designation right before `§`: `T/CEC 102.4 `, `DB4403/T 77—2020 `, `GB/T 28181 `.
    Regex::new(r"(?:\b[A-Z]{1,8}\d*/[A-Z]{1,6}|\bGB)\s+\d+(?:\.\d+)*(?:\s*[—–-]\s*\d{4})?\s*$").ok()
});
static PRIVATE_FILE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"\b(?:standard-20\d\d\.md|tcec102\.md|peers\.md|test-vectors\.md|[\w-]*drafting-explanation\.txt)|shared/reference\b",
    )
    .ok()
});
static MACHINE_PATH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|[\s(`"'\[])((?:/(?:work|home|Users|tmp|mnt|root|var|opt|srv|private)/|~/)[^\s)`"']*|[A-Za-z]:\\[^\s)`"']*|file://[^\s)`"']*)"#,
    )
    .ok()
});
static THE_REFERENCE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b[Tt]he reference\b").ok());
static CITATION: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"EVIDENCE\.md\s+([A-Z][0-9]+)\b").ok());

/// What a reader cannot open in `text`: (byte range in `text`, what it is).
fn unreachable_sources(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('§') {
        let before = &text[..i];
        let named = STANDARD_BEFORE
            .as_ref()
            .is_some_and(|re| re.is_match(before));
        if !named {
            let end = text[i..]
                .char_indices()
                .skip(1)
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.'))
                .map_or(text.len(), |(j, _)| i + j);
            out.push((
                i..end,
                format!(
                    "`{}` is a section of a document that is not named as a standard",
                    &text[i..end]
                ),
            ));
        }
    }
    for (re, what) in [
        (&*PRIVATE_FILE, "a file outside the repository"),
        (&*THE_REFERENCE, "a document outside the repository"),
    ] {
        if let Some(re) = re {
            for m in re.find_iter(text) {
                out.push((m.range(), format!("`{}` is {what}", m.as_str())));
            }
        }
    }
    if let Some(re) = &*MACHINE_PATH {
        for c in re.captures_iter(text) {
            if let Some(m) = c.get(1) {
                let path = m.as_str().trim_end_matches(['.', ',', ';', ':']);
                out.push((
                    m.start()..m.start() + path.len(),
                    format!("`{path}` is a path on a machine"),
                ));
            }
        }
    }
    // One finding per place: a file name inside a machine path is the same finding.
    out.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut kept: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (r, what) in out {
        if !kept
            .iter()
            .any(|(k, _)| k.start <= r.start && r.end <= k.end)
        {
            kept.push((r, what));
        }
    }
    kept
}

/// The location of `range` of `t.text` in the source, when the source shows that part verbatim
/// (within the text's own extent: a folded scalar adds indentation); else the location of the
/// whole text.
fn sub_loc(sources: &SourceMap, t: &Text, range: &std::ops::Range<usize>) -> Loc {
    let Some(f) = sources.get(t.loc.file) else {
        return t.loc;
    };
    let mut limit = (t.loc.start + 2 * t.text.len() + 64).min(f.text.len());
    while !f.text.is_char_boundary(limit) {
        limit -= 1;
    }
    let Some(src) = f.text.get(t.loc.start..limit) else {
        return t.loc;
    };
    let needle = &t.text[range.clone()];
    let Some(at) = src.find(needle) else {
        return t.loc;
    };
    let before = &src[..at];
    let (line, col) = match before.rfind('\n') {
        Some(nl) => (
            t.loc.line + u32::try_from(before.matches('\n').count()).unwrap_or(0),
            before[nl + 1..].chars().count() + 1,
        ),
        None => (t.loc.line, t.loc.col as usize + before.chars().count()),
    };
    Loc {
        file: t.loc.file,
        line,
        col: u32::try_from(col).unwrap_or(u32::MAX),
        start: t.loc.start + at,
        end: t.loc.start + at + needle.len(),
    }
}

/// Checks every piece of free text against the rules of this module.
pub fn check(
    d: &mut Diagnostics,
    sources: &SourceMap,
    texts: &[Text],
    register: Option<&Register>,
) {
    for t in texts {
        for (range, what) in unreachable_sources(&t.text) {
            d.push(
                Diagnostic::new(
                    Code::UnreachableSource,
                    sub_loc(sources, t, &range),
                    format!(
                        "{} cites a source a reader of the repository cannot open: {what}",
                        if t.comment { "a comment" } else { "the text" }
                    ),
                )
                .label("not in the repository")
                .hint(format!(
                    "cite a public repository and path, a URL, or an entry of the edition's {REGISTER} (\"{REGISTER} D7\"); name a standard's section with the standard (\"T/CEC 102.4 §4.6\")"
                )),
            );
        }
        let Some(re) = &*CITATION else { continue };
        for c in re.captures_iter(&t.text) {
            let (Some(all), Some(id)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let known = register.is_some_and(|r| r.entries.iter().any(|e| e == id.as_str()));
            if known {
                continue;
            }
            let diag = Diagnostic::new(
                Code::UnknownEvidence,
                sub_loc(sources, t, &all.range()),
                match register {
                    Some(r) => format!("`{}` has no entry `{}`", r.name, id.as_str()),
                    None => format!(
                        "the text cites `{}` but the edition has no {REGISTER}",
                        all.as_str()
                    ),
                },
            )
            .label("unknown evidence entry");
            d.push(match register {
                Some(r) => diag.hint(format!(
                    "the entries of {} are the headings `### D1`, `### D2`, ...: {}",
                    r.name,
                    if r.entries.is_empty() {
                        "it has none".to_owned()
                    } else {
                        r.entries.join(", ")
                    }
                )),
                None => diag.hint(format!(
                    "add {REGISTER} to the edition folder, with a heading `### {}` for the entry",
                    id.as_str()
                )),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(text: &str) -> Vec<String> {
        unreachable_sources(text)
            .into_iter()
            .map(|(r, _)| text[r].to_owned())
            .collect()
    }

    #[test]
    fn sections_of_named_standards_pass_and_others_do_not() {
        assert!(whats("T/CEC 102.4 §4.6 defines it").is_empty());
        assert!(whats("see DB4403/T 77—2020 §9.5 and GB/T 28181 §5").is_empty());
        assert_eq!(whats("adopted (reference §11 item 21)"), ["§11"]);
        assert_eq!(whats("spelling (§11 #23)"), ["§11"]);
        assert_eq!(whats("a 2020 interface (§9.14, sz2020)"), ["§9.14"]);
        assert_eq!(whats("All of §7.5 is provisional"), ["§7.5"]);
    }

    #[test]
    fn private_files_machine_paths_and_the_reference_are_found() {
        assert_eq!(
            whats("Source: /work/shared/reference/standard-2024.md §6.9"),
            ["/work/shared/reference/standard-2024.md", "§6.9"]
        );
        assert_eq!(
            whats("Recommended by the reference (Appendix A)"),
            ["the reference"]
        );
        assert_eq!(whats(r"copied from C:\specs\a.md."), [r"C:\specs\a.md"]);
        assert_eq!(whats("see tests/standard-2024.md"), ["standard-2024.md"]);
        // URL paths and relative repository paths are fine.
        assert!(whats("base path /evcs/v1.0/ and LIKESCX/cpmtBiz src/main/resources/conf/V1.0/interface.xml").is_empty());
        assert!(
            whats("E.1 土地所有权分类参考说明 (reference description of land-ownership classes)")
                .is_empty()
        );
    }

    #[test]
    fn register_entries_are_the_id_headings() {
        let r = Register::parse(
            "x/EVIDENCE.md".to_owned(),
            "# Register\n\n## Disagreements\n\n### D1\n\ntext\n\n### D12\n## N3\n### D 4\n### Dx\n"
                .to_owned(),
        );
        assert_eq!(r.entries, ["D1", "D12", "N3"]);
    }
}
