//! Generation: `generated/` and the obstacle course's generated crate are fresh (the drift
//! check), output is deterministic, and stale or extra files are reported. The drift check pins
//! every generated file, so no generated file is snapshot-tested a second time here.

use std::path::PathBuf;

use chargespec::emit::{self, Options, OutFile};
use chargespec_tests::root;

fn spec_editions() -> Vec<PathBuf> {
    chargespec::edition_dirs(&root().join("spec"))
}

fn obstacle() -> (Vec<PathBuf>, Options) {
    (
        vec![root().join("tests/obstacle-course/spec/obstacle-course")],
        Options {
            runtime_path: "../../../../codegen/runtime".to_owned(),
        },
    )
}

fn assert_fresh(out: &str, dirs: &[PathBuf], opts: &Options) {
    let g = chargespec::generate(dirs, opts).unwrap_or_else(|e| panic!("{e}"));
    let drift = emit::check(&root().join(out), &g.files, &g.editions);
    let diffs: String = drift.iter().map(|d| d.diff.clone()).collect();
    assert!(
        drift.is_empty(),
        "{out} is stale; run `cargo run --release --bin chargespec -- generate`:\n{diffs}"
    );
}

#[test]
fn generated_is_fresh() {
    assert!(!spec_editions().is_empty());
    assert_fresh("generated", &spec_editions(), &Options::default());
}

#[test]
fn obstacle_course_is_fresh() {
    let (dirs, opts) = obstacle();
    assert_fresh("tests/obstacle-course/generated", &dirs, &opts);
}

#[test]
fn generation_is_deterministic() {
    let a = chargespec::generate(&spec_editions(), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let b = chargespec::generate(&spec_editions(), &Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(a.files, b.files);
    for f in &a.files {
        assert!(!f.contents.contains('\r'), "{} has CR line endings", f.path);
        assert!(
            f.contents.ends_with('\n'),
            "{} does not end with a line feed",
            f.path
        );
    }
    // Sorted by path, no duplicates.
    let paths: Vec<&str> = a.files.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(paths, sorted);
}

#[test]
fn stale_and_extra_files_are_reported() {
    let dir = std::env::temp_dir().join(format!("chargespec-drift-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = vec![OutFile::new("ed/a.txt", "one\ntwo\n")];
    emit::write(&dir, &files, &["ed".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    assert!(emit::check(&dir, &files, &["ed".to_owned()]).is_empty());
    std::fs::write(dir.join("ed/a.txt"), "one\nthree\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("ed/extra.txt"), "x").unwrap_or_else(|e| panic!("{e}"));
    let drift = emit::check(&dir, &files, &["ed".to_owned()]);
    assert_eq!(drift.len(), 2);
    assert!(
        drift[0].diff.contains("-three") && drift[0].diff.contains("+two"),
        "{}",
        drift[0].diff
    );
    assert!(drift[1].path.ends_with("extra.txt"));
    emit::write(&dir, &files, &["ed".to_owned()]).unwrap_or_else(|e| panic!("{e}"));
    assert!(emit::check(&dir, &files, &["ed".to_owned()]).is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}
