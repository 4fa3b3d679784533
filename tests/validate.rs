//! The validator `chargespec validate` runs (descriptors built from the spec at run time) agrees
//! with the compiled validators of every edition: over the edition's JSON corpus, every valid
//! sample is clean and every invalid case reports exactly the violation that the generated crate's
//! own tests (`tests/generated.rs`, the compiled validator) assert for the same case.

use chargespec_runtime::Mode;
use chargespec_runtime::schema::check_json;

fn corpus(edition: &str, file: &str) -> serde_json::Value {
    let path = chargespec_tests::root().join(format!("generated/{edition}/samples/{file}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn index_of(ir: &chargespec::ir::Edition, name: &str) -> usize {
    ir.objects
        .values()
        .position(|o| o.name == name || o.rust_name == name)
        .unwrap_or_else(|| panic!("no object {name}"))
}

#[test]
fn the_dynamic_validator_agrees_with_the_corpus_of_every_edition() {
    let editions = chargespec::edition_dirs(&chargespec_tests::root().join("spec"));
    assert!(editions.len() >= 3, "three editions");
    for dir in editions {
        let ir = chargespec::check_dir(&dir).ir.expect("the edition checks");
        let id = ir.meta.id.clone();
        let bump = bumpalo::Bump::new();
        let schema = chargespec::descriptors::schema(&ir, &bump);
        let valid = corpus(&id, "valid.json");
        let objects = valid["objects"].as_object().expect("objects");
        assert!(!objects.is_empty());
        for (name, sample) in objects {
            let r = check_json(&schema, index_of(&ir, name), sample, Mode::strict());
            assert!(r.is_ok(), "{id} {name}: {r}");
        }
        let invalid = corpus(&id, "invalid.json");
        let cases = invalid["cases"].as_array().expect("cases");
        assert!(!cases.is_empty());
        for case in cases {
            let name = case["object"].as_str().expect("object");
            let r = check_json(
                &schema,
                index_of(&ir, name),
                &case["json"],
                Mode::strict().with_provisional(true),
            );
            let got: Vec<(&str, &str)> = r
                .violations
                .iter()
                .map(|v| (v.path.as_str(), v.rule.name()))
                .collect();
            assert_eq!(
                got,
                vec![(
                    case["pointer"].as_str().expect("pointer"),
                    case["rule"].as_str().expect("rule")
                )],
                "{id} {name}: {r}"
            );
        }
    }
}
