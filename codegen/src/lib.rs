//! chargespec: a protocol-specification code generator for China's EV-charging
//! data-exchange standards (DB4403/T 77 and T/CEC 102).
//!
//! The pipeline is visible in the module layout:
//!
//! 1. [`load`]: YAML files → a located raw model (syntax and shape checks);
//! 2. [`ir`]: raw model → a resolved, checked, ordered IR (all semantic checks);
//! 3. emitters: IR → files (pure functions);
//!
//! and [`diag`] carries every problem with its code, location and hint.

pub mod descriptors;
pub mod diag;
pub mod emit;
pub mod ir;
pub mod load;
pub mod tools;

use std::path::Path;

use diag::{Diagnostics, SourceMap};

/// The result of checking one edition: the IR (when there were no errors), the sources and
/// every diagnostic.
pub struct Checked {
    pub ir: Option<ir::Edition>,
    pub sources: SourceMap,
    pub diags: Diagnostics,
    /// The edition's evidence register (`EVIDENCE.md`), when it has one.
    pub evidence: Option<load::evidence::Register>,
}

/// Loads and checks the edition in `dir`.
pub fn check_dir(dir: &Path) -> Checked {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let raw = load::load_dir(dir, &mut sources, &mut diags);
    let ir = ir::build(&raw, &mut diags);
    let ir = if diags.has_errors() { None } else { ir };
    Checked {
        ir,
        sources,
        diags,
        evidence: raw.evidence,
    }
}

/// Loads and checks an edition given as in-memory files `(name, bytes)`, e.g. for tests and
/// fuzzing.
pub fn check_texts(files: Vec<(String, Vec<u8>)>) -> Checked {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let raw = load::load_texts(files, &mut sources, &mut diags);
    let ir = ir::build(&raw, &mut diags);
    let ir = if diags.has_errors() { None } else { ir };
    Checked {
        ir,
        sources,
        diags,
        evidence: raw.evidence,
    }
}

/// The editions under a spec root: every sub-folder, sorted.
pub fn edition_dirs(spec_root: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(spec_root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// What `generate` and `check` work from: every file of every edition, and the edition folder
/// names (for stale-file detection).
pub struct Generated {
    pub files: Vec<emit::OutFile>,
    pub editions: Vec<String>,
}

/// Checks and generates every edition folder given. Fails with the rendered diagnostics of the
/// first edition that has errors (after printing nothing: the caller decides).
pub fn generate(dirs: &[std::path::PathBuf], opts: &emit::Options) -> Result<Generated, String> {
    let mut files = Vec::new();
    let mut editions = Vec::new();
    let mut irs = Vec::new();
    for dir in dirs {
        let checked = check_dir(dir);
        let Some(ir) = checked.ir else {
            return Err(format!(
                "{}{}: {} error(s); nothing generated",
                diag::render_all(&checked.sources, &checked.diags.sorted()),
                dir.display(),
                checked.diags.error_count()
            ));
        };
        let mut edition = emit::edition_files(&ir, opts).map_err(|e| e.to_string())?;
        if let Some(register) = &checked.evidence {
            edition.push(emit::docs::evidence_copy(&ir, register));
            edition.sort_by(|a, b| a.path.cmp(&b.path));
        }
        files.extend(edition);
        editions.push(ir.meta.id.clone());
        irs.push(ir);
    }
    // Cross-edition pages: the migration guide from each edition's predecessor and the
    // compatibility table of every pair, in each edition's docs.
    files.extend(tools::diff::cross_edition_files(&irs));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(Generated { files, editions })
}
