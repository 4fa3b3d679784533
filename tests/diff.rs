//! `chargespec diff`: the fixture editions under `tests/diff/` (one change of each class) and
//! the real pairs of editions, pinned by snapshots; every breaking verdict's witness is checked
//! again here with both editions' validators.

use bumpalo::Bump;
use chargespec::ir::Edition;
use chargespec::tools::diff::{self, Class, Diff};
use chargespec_runtime::Mode;
use chargespec_runtime::schema::check_json;
use chargespec_tests::root;

fn edition(dir: &str) -> Edition {
    let checked = chargespec::check_dir(&root().join(dir));
    let shown = chargespec_tests::rendered(&checked);
    checked.ir.unwrap_or_else(|| panic!("{dir}: {shown}"))
}

/// The interface of `ir` routed under `name`.
fn routed<'e>(ir: &'e Edition, name: &str) -> Option<&'e chargespec::ir::Interface> {
    ir.interfaces.get(name).or_else(|| {
        ir.interfaces
            .values()
            .find(|i| i.route_aliases.iter().any(|a| a == name))
    })
}

/// Every breaking verdict has a strict witness that the sender's validator accepts and the
/// receiver's rejects at the witness pointer by the witness rule.
fn witnesses_hold(old: &Edition, new: &Edition, d: &Diff) -> usize {
    let (bo, bn) = (Bump::new(), Bump::new());
    let so = chargespec::descriptors::schema(old, &bo);
    let sn = chargespec::descriptors::schema(new, &bn);
    let mut checked = 0;
    for c in &d.changes {
        for (v, s, r, rir) in [
            (&c.old_to_new, &so, &sn, new),
            (&c.new_to_old, &sn, &so, old),
        ] {
            if v.class != Class::Breaking {
                continue;
            }
            let w = v
                .witness
                .as_ref()
                .unwrap_or_else(|| panic!("breaking without a witness: {c:?}"));
            assert_eq!(w.mode, "strict", "{c:?}");
            let si = s.object(&w.object).unwrap_or_else(|| panic!("{c:?}"));
            let sent = check_json(s, si, &w.payload, Mode::strict());
            assert!(
                sent.is_ok(),
                "the sender rejects its witness: {c:?}\n{sent:?}"
            );
            checked += 1;
            if w.rule == "interface" {
                let name = w.interface.as_deref().unwrap_or_default();
                assert!(routed(rir, name).is_none(), "{c:?}");
                continue;
            }
            let ro = match &w.interface {
                Some(i) => {
                    let i = routed(rir, i).unwrap_or_else(|| panic!("{c:?}"));
                    if w.response {
                        i.response.object.clone()
                    } else {
                        i.request.object.clone()
                    }
                }
                None => w.object.clone(),
            };
            let ri = r.object(&ro).unwrap_or_else(|| panic!("{c:?}"));
            let got = check_json(r, ri, &w.payload, Mode::strict());
            assert!(
                got.errors()
                    .any(|e| e.path == w.pointer && e.rule.name() == w.rule),
                "the receiver does not reject the witness as stated: {c:?}\n{got:?}"
            );
        }
    }
    checked
}

/// The summary counts, then one line per change that is neither compatible nor doc/provenance
/// only in some direction (item, aspect, change, both classes, and the witness pointer/rule).
fn summary(d: &Diff) -> String {
    let mut out = format!("{} → {}\n", d.old, d.new);
    for (n, a, b) in diff::counts(d) {
        out.push_str(&format!("{n:<40} {a:>4} {b:>4}\n"));
    }
    out.push('\n');
    let quiet = |c: Class| {
        matches!(
            c,
            Class::Compatible | Class::DocOnly | Class::ProvenanceOnly
        )
    };
    for c in &d.changes {
        if quiet(c.old_to_new.class) && quiet(c.new_to_old.class) {
            continue;
        }
        let w = |v: &diff::Verdict| {
            v.witness
                .as_ref()
                .map(|w| format!(" [{} {}]", w.pointer, w.rule))
                .unwrap_or_default()
        };
        out.push_str(&format!(
            "{} | {} {} | A {}{} | B {}{}\n",
            c.item,
            c.aspect,
            c.kind.name(),
            c.old_to_new.class.label(),
            w(&c.old_to_new),
            c.new_to_old.class.label(),
            w(&c.new_to_old),
        ));
    }
    out
}

#[test]
fn fixture_editions_exercise_every_class() {
    let (old, new) = (edition("tests/diff/old"), edition("tests/diff/new"));
    let d = diff::diff(&old, &new);
    let labels: std::collections::BTreeSet<String> = d
        .changes
        .iter()
        .flat_map(|c| [c.old_to_new.class.label(), c.new_to_old.class.label()])
        .collect();
    for want in [
        "breaking",
        "compatible",
        "doc-only",
        "provenance-only",
        "needs-tolerance(numbers-as-strings)",
        "needs-tolerance(empty-string-as-absent)",
        "needs-tolerance(tcec-core-status)",
    ] {
        assert!(labels.contains(want), "no {want} in {labels:?}");
    }
    assert!(witnesses_hold(&old, &new, &d) > 0);
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("diff_fixture_json", format!("{:#}", diff::json(&d)));
        insta::assert_snapshot!("diff_fixture_markdown", diff::markdown(&d, diff::Render::default()));
    });
}

#[test]
fn db2020_to_db2024() {
    let (old, new) = (
        edition("spec/db4403-77-2020"),
        edition("spec/db4403-77-2024"),
    );
    let d = diff::diff(&old, &new);
    assert!(witnesses_hold(&old, &new, &d) > 0);
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("diff_db2020_db2024", summary(&d));
    });
}

#[test]
fn tcec_to_db2020() {
    let (old, new) = (edition("spec/tcec102-2016"), edition("spec/db4403-77-2020"));
    let d = diff::diff(&old, &new);
    assert!(witnesses_hold(&old, &new, &d) > 0);
    // The example: a T/CEC-only status push lacks the eight fields the 2020 rules
    // require, and the tcec-core-status profile is what accepts it.
    let core: Vec<&str> = d
        .changes
        .iter()
        .filter(|c| c.old_to_new.class == Class::NeedsTolerance("tcec-core-status"))
        .map(|c| c.item.as_str())
        .collect();
    assert_eq!(core.len(), 8, "{core:?}");
    insta::with_settings!({prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_snapshot!("diff_tcec_db2020", summary(&d));
    });
}

#[test]
fn every_pair_of_editions_diffs_without_unwitnessed_breaks() {
    let ids = [
        "spec/tcec102-2016",
        "spec/db4403-77-2020",
        "spec/db4403-77-2024",
    ];
    let eds: Vec<Edition> = ids.iter().map(|i| edition(i)).collect();
    for a in &eds {
        for b in &eds {
            let d = diff::diff(a, b);
            witnesses_hold(a, b, &d);
            if std::ptr::eq(a, b) {
                assert!(d.changes.is_empty(), "{:#?}", d.changes.first());
            }
        }
    }
}
