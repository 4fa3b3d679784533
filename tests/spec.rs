//! The DB4403/T 77—2024 transcription: it lints clean, and its IR summary is pinned.

use chargespec::ir;
use chargespec_tests::{edition_2024, rendered};

#[test]
fn edition_2024_lints_clean() {
    let checked = chargespec::check_dir(&edition_2024());
    assert!(
        checked.diags.is_empty(),
        "the 2024 edition has diagnostics:\n{}",
        rendered(&checked)
    );
    assert!(checked.ir.is_some());
}

#[test]
fn edition_2024_ir_summary() {
    let checked = chargespec::check_dir(&edition_2024());
    let ir = checked.ir.expect("the 2024 edition builds");
    insta::assert_snapshot!("ir_summary_db4403_77_2024", ir::summary(&ir));
}

#[test]
fn edition_2024_is_complete() {
    let ir = chargespec::check_dir(&edition_2024())
        .ir
        .expect("the 2024 edition builds");
    // The eleven flows of chapter 8, numbered 1..=11.
    let numbers: Vec<i64> = ir.flows.values().map(|f| f.number).collect();
    assert_eq!(numbers, (1..=11).collect::<Vec<_>>());
    // Every interface belongs to a flow, except those the reference lists outside the flows.
    let outside = [
        "query_token",
        "query_frequency",
        "query_event_info",
        "notification_eventInfo",
        "query_disequipmentstatus_info",
        "query_secret",
        "notification_secret",
    ];
    for i in ir.interfaces.values() {
        if !outside.contains(&i.name.as_str()) {
            assert!(!i.flows.is_empty(), "interface {} is in no flow", i.name);
        }
    }
    // Wire spellings of the standard are kept.
    let wire = |o: &str, f: &str| {
        ir.objects
            .get(o)
            .is_some_and(|o| o.fields.iter().any(|x| x.wire == f))
    };
    for (o, f) in [
        ("StationInfo", "OpratorType"),
        ("StationInfo", "BusineHours"),
        ("BmsInfo", "TatalVoltage"),
        ("BmsInfo", "TemptureH"),
        ("BmsInfo", "Soc"),
        ("ConnectorStatusInfo", "SOC"),
        ("ChargeDetail", "SevicePrice"),
        ("ChargeOrderInfo", "TotalSeviceMoney"),
        ("DisEquipmentStatusInfo", "SmokAlam1"),
        ("DisEquipmentStatusInfo", "TranOverTemAlam"),
        ("DisEquipmentStatusInfo", "DisequipmentID"),
    ] {
        assert!(wire(o, f), "{o}.{f} missing");
    }
    // Conditional requirement of Appendix C.
    let token = &ir.objects["QueryTokenResponse"];
    let access = token
        .fields
        .iter()
        .find(|f| f.wire == "AccessToken")
        .expect("AccessToken");
    assert!(
        matches!(&access.requirement, ir::Requirement::Conditional(c) if c.field == "SuccStat")
    );
    // Appendix B: the 59 alarm codes of 2020 plus the provisional swap codes.
    let alarm = &ir.code_tables["T-AlarmCode"];
    assert_eq!(
        alarm.codes.iter().filter(|c| !c.prov.provisional).count(),
        59
    );
    assert!(alarm.open);
    // Every provisional code table is open.
    for t in ir.code_tables.values() {
        if t.has_provisional() {
            assert!(t.open, "{} holds provisional items but is closed", t.name);
        }
    }
    let counts = ir::Counts::of(&ir);
    assert!(counts.provisional > 0 && counts.provisional < counts.items);
}

#[test]
fn one_provenance_count_in_lint_docs_and_readme() {
    let ir = chargespec::check_dir(&edition_2024())
        .ir
        .expect("the 2024 edition builds");
    let census = ir::Census::of(&ir);
    let (p, n) = (census.provisional(), census.total());
    let headline = format!("{p} of {n} items provisional");
    // `lint` prints the counts' Display.
    assert!(ir::Counts::of(&ir).to_string().contains(&headline));
    let files = chargespec::emit::edition_files(&ir, &chargespec::emit::Options::default())
        .expect("the 2024 edition generates");
    let page = |suffix: &str| {
        files
            .iter()
            .find(|f| f.path.ends_with(suffix))
            .map(|f| f.contents.clone())
            .unwrap_or_default()
    };
    assert!(page("docs/index.md").contains(&headline));
    let provenance = page("docs/provenance.md");
    assert!(provenance.contains(&format!("({p} of {n} items")));
    let listed = provenance
        .split("## Provisional items")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .map_or(0, |t| t.lines().filter(|l| l.starts_with("| ")).count());
    // The table's header row is not an item.
    assert_eq!(listed, p + 1, "every provisional item is listed once");
    let readme =
        std::fs::read_to_string(chargespec_tests::root().join("README.md")).unwrap_or_default();
    assert!(
        readme.contains(&format!("{p} of {n} items")),
        "README.md quotes another provisional count than the census ({p} of {n})"
    );
}
