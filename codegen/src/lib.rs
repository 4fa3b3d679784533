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

pub mod diag;
pub mod ir;
pub mod load;

use std::path::Path;

use diag::{Diagnostics, SourceMap};

/// The result of checking one edition: the IR (when there were no errors), the sources and
/// every diagnostic.
pub struct Checked {
    pub ir: Option<ir::Edition>,
    pub sources: SourceMap,
    pub diags: Diagnostics,
}

/// Loads and checks the edition in `dir`.
pub fn check_dir(dir: &Path) -> Checked {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let raw = load::load_dir(dir, &mut sources, &mut diags);
    let ir = ir::build(&raw, &mut diags);
    let ir = if diags.has_errors() { None } else { ir };
    Checked { ir, sources, diags }
}

/// Loads and checks an edition given as in-memory files `(name, bytes)`, e.g. for tests and
/// fuzzing.
pub fn check_texts(files: Vec<(String, Vec<u8>)>) -> Checked {
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let raw = load::load_texts(files, &mut sources, &mut diags);
    let ir = ir::build(&raw, &mut diags);
    let ir = if diags.has_errors() { None } else { ir };
    Checked { ir, sources, diags }
}
