//! Shared helpers of the workspace tests.

use std::path::{Path, PathBuf};

use chargespec::Checked;
use chargespec::diag::render_all;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The 2024 edition's folder.
pub fn edition_2024() -> PathBuf {
    root().join("spec").join("db4403-77-2024")
}

/// Renders every diagnostic of a check, sorted, as `chargespec lint` prints them.
pub fn rendered(checked: &Checked) -> String {
    render_all(&checked.sources, &checked.diags.sorted())
}

/// Every diagnostic code of a check, sorted and deduplicated.
pub fn codes(checked: &Checked) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = checked
        .diags
        .sorted()
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Loads a fixture: a folder (read as an edition folder), or a single YAML file checked together
/// with `tests/diagnostics/_base.yaml` (the minimal edition block) unless its first line is
/// `# no-base`.
pub fn check_fixture(path: &Path) -> Checked {
    if path.is_dir() {
        return chargespec::check_dir(path);
    }
    let text = std::fs::read(path).unwrap_or_default();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut files = Vec::new();
    if !text.starts_with(b"# no-base") {
        let base = root().join("tests/diagnostics/_base.yaml");
        files.push((
            "_base.yaml".to_owned(),
            std::fs::read(base).unwrap_or_default(),
        ));
    }
    files.push((name, text));
    chargespec::check_texts(files)
}

/// The input of a fixture as text, for snapshot descriptions.
pub fn fixture_input(path: &Path) -> String {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        entries
            .iter()
            .map(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                format!(
                    "--- {name}\n{}",
                    std::fs::read_to_string(p).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        std::fs::read_to_string(path).unwrap_or_default()
    }
}
