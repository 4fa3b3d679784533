//! Diagnostics: located, coded problems, gathered by a collector and rendered with
//! annotate-snippets.

mod codes;
mod render;

pub use codes::Code;
pub use render::render_all;

use std::fmt;

/// Index of a source file in a [`SourceMap`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A located region of a source file: 1-based line and column, byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub start: usize,
    pub end: usize,
}

impl Loc {
    /// A location for problems that concern a whole file (line 1, column 1, empty range).
    pub fn file_start(file: FileId) -> Self {
        Loc {
            file,
            line: 1,
            col: 1,
            start: 0,
            end: 0,
        }
    }
}

/// The source files of one run, in the order they were read.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown in diagnostics (relative, `/`-separated).
    pub name: String,
    pub text: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl SourceMap {
    pub fn add(&mut self, name: String, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(SourceFile {
            name,
            text,
            line_starts,
        });
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.name.as_str())
    }

    /// Byte offset of a 1-based line/column (column counted in characters).
    pub fn offset_of(&self, id: FileId, line: u32, col: u32) -> usize {
        let Some(file) = self.get(id) else { return 0 };
        let Some(&start) = file.line_starts.get(line.saturating_sub(1) as usize) else {
            return file.text.len();
        };
        let rest = file.text.get(start..).unwrap_or("");
        let col_bytes: usize = rest
            .chars()
            .take_while(|c| *c != '\n')
            .take(col.saturating_sub(1) as usize)
            .map(char::len_utf8)
            .sum();
        start + col_bytes
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location with its own short label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub loc: Loc,
    pub label: String,
}

/// One problem found in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    pub loc: Loc,
    /// Short text shown under the marker.
    pub label: String,
    pub related: Vec<Related>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            loc,
            label: String::new(),
            related: Vec::new(),
            hint: None,
        }
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    #[must_use]
    pub fn related(mut self, loc: Loc, label: impl Into<String>) -> Self {
        self.related.push(Related {
            loc,
            label: label.into(),
        });
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Gathers every diagnostic of a run.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn error_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.severity() == Severity::Warning)
            .count()
    }

    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Diagnostics in a stable order: by file, position, then code.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| {
            (
                a.loc.file,
                a.loc.start,
                a.loc.line,
                a.loc.col,
                a.code,
                &a.message,
            )
                .cmp(&(
                    b.loc.file,
                    b.loc.start,
                    b.loc.line,
                    b.loc.col,
                    b.code,
                    &b.message,
                ))
        });
        v.dedup_by(|a, b| a == b);
        v
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}
