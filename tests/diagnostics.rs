//! One fixture per diagnostic code: a small bad spec and its rendered diagnostics, pinned by
//! snapshots. Every code of `Code::ALL` must be covered.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chargespec::diag::Code;
use chargespec_tests::{check_fixture, codes, fixture_input, rendered, root};

fn fixtures() -> Vec<PathBuf> {
    let dir = root().join("tests/diagnostics");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/diagnostics")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| !n.to_string_lossy().starts_with('_'))
        })
        .collect();
    v.sort();
    v
}

fn stem(p: &std::path::Path) -> String {
    p.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_fixture_reports_its_code() {
    for path in fixtures() {
        let name = stem(&path);
        let expected = name.split('-').next().unwrap_or_default();
        let checked = check_fixture(&path);
        let got = codes(&checked);
        assert!(
            got.contains(&expected),
            "{name}: expected {expected}, got {got:?}\n{}",
            rendered(&checked)
        );
        insta::with_settings!({
            description => fixture_input(&path),
            omit_expression => true,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(format!("diag_{name}"), rendered(&checked));
        });
    }
}

#[test]
fn every_code_has_a_fixture() {
    let covered: BTreeSet<String> = fixtures()
        .iter()
        .map(|p| stem(p).split('-').next().unwrap_or_default().to_owned())
        .collect();
    for c in Code::ALL {
        assert!(
            covered.contains(c.as_str()),
            "no fixture for {}",
            c.as_str()
        );
    }
}

#[test]
fn several_independent_errors_are_all_reported() {
    let checked = check_fixture(&root().join("tests/scenarios/many-errors.yaml"));
    let got = codes(&checked);
    for want in [
        "E0003", "E0103", "E0203", "E0304", "E0401", "E0403", "E0404", "E0601",
    ] {
        assert!(
            got.contains(&want),
            "missing {want} in {got:?}\n{}",
            rendered(&checked)
        );
    }
    insta::assert_snapshot!("scenario_many_errors", rendered(&checked));
}

#[test]
fn a_broken_file_does_not_cascade() {
    let checked = check_fixture(&root().join("tests/scenarios/no-cascade"));
    // Only the syntax error: the reference to EquipmentInfo (defined in the broken file) is not
    // reported as unresolved.
    assert_eq!(codes(&checked), vec!["E0001"], "{}", rendered(&checked));
}

#[test]
fn explanations_exist_for_every_code() {
    for c in Code::ALL {
        assert!(
            !c.title().is_empty() && c.explanation().len() > 20,
            "{}",
            c.as_str()
        );
        assert_eq!(Code::parse(c.as_str()), Some(*c));
    }
}
