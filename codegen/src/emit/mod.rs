//! Stage 3: pure emitters, IR → files. Each emitter returns files; [`write`] and [`check`] are the
//! only places that touch the disk.

pub mod cases;
pub mod corpus;
pub mod docs;
pub mod openapi;
pub mod rust;
pub mod samples;

use std::path::Path;

use crate::ir::Edition;

/// A generated file: its path below the output root (`/`-separated) and its contents (LF only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub contents: String,
}

impl OutFile {
    pub fn new(path: impl Into<String>, contents: impl Into<String>) -> Self {
        let mut contents: String = contents.into();
        if !contents.ends_with('\n') {
            contents.push('\n');
        }
        OutFile {
            path: path.into(),
            contents,
        }
    }
}

/// An emitter failed (a bug in the generator, reported instead of panicking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmitError(pub String);

impl std::fmt::Display for EmitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal generator error: {}", self.0)
    }
}

impl std::error::Error for EmitError {}

/// Settings of the emitters that depend on where the output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Path of the runtime crate relative to the generated crate's folder.
    pub runtime_path: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runtime_path: "../../codegen/runtime".to_owned(),
        }
    }
}

/// Every file of one edition, below `<edition id>/`, sorted by path.
pub fn edition_files(ir: &Edition, opts: &Options) -> Result<Vec<OutFile>, EmitError> {
    let mut files = rust::crate_files(ir, opts)?;
    files.extend(docs::files(ir)?);
    files.extend(docs::site(ir)?);
    files.extend(openapi::files(ir)?);
    files.extend(corpus::files(ir)?);
    for f in &mut files {
        f.path = format!("{}/{}", ir.meta.id, f.path);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Writes files below `root`, creating folders, and removes files of the edition folders that
/// the generator no longer produces.
pub fn write(root: &Path, files: &[OutFile], edition_dirs: &[String]) -> std::io::Result<usize> {
    let mut written = 0;
    for f in files {
        let path = root.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if std::fs::read(&path).ok().as_deref() != Some(f.contents.as_bytes()) {
            std::fs::write(&path, &f.contents)?;
            written += 1;
        }
    }
    for stale in existing_files(root, edition_dirs) {
        if !files.iter().any(|f| f.path == stale) {
            std::fs::remove_file(root.join(&stale))?;
            written += 1;
        }
    }
    Ok(written)
}

/// A difference between the generator's output and the files on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drift {
    pub path: String,
    /// A unified diff (on-disk → expected).
    pub diff: String,
}

/// Compares files with what is on disk below `root`; also reports files in the edition folders
/// that the generator does not produce.
pub fn check(root: &Path, files: &[OutFile], edition_dirs: &[String]) -> Vec<Drift> {
    let mut out = Vec::new();
    for f in files {
        let on_disk = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            let diff = similar::TextDiff::from_lines(&on_disk, &f.contents)
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", f.path), &format!("b/{}", f.path))
                .to_string();
            out.push(Drift {
                path: f.path.clone(),
                diff,
            });
        }
    }
    for stale in existing_files(root, edition_dirs) {
        if !files.iter().any(|f| f.path == stale) {
            out.push(Drift {
                path: stale.clone(),
                diff: format!("file {stale} is not generated any more; remove it\n"),
            });
        }
    }
    out
}

/// Files currently below `root/<dir>` for each edition dir, as `/`-separated relative paths.
fn existing_files(root: &Path, edition_dirs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for d in edition_dirs {
        let mut stack = vec![root.join(d)];
        while let Some(dir) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in rd.filter_map(Result::ok) {
                let p = e.path();
                if p.is_dir() {
                    if p.file_name().is_some_and(|n| n == "target") {
                        continue;
                    }
                    stack.push(p);
                } else if let Ok(rel) = p.strip_prefix(root) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}
