//! Benchmarks (run with `cargo bench -p chargespec-tests`; numbers go in the README):
//!
//! 1. full generation of the 2024 edition (load, check, emit every file, in memory);
//! 2. validator throughput on a large `StationInfo` batch (typed validation, and decode +
//!    validate from JSON bytes);
//! 3. the dynamic validator of `chargespec validate` on the same JSON.
//!
//! A plain bench binary (`harness = false`): it times with `Instant`, reports the median of
//! several rounds, and needs no extra dependency.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chargespec_runtime::{Mode, Validate};
use db4403_77_2024::types::StationInfo;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let root = chargespec_tests::root();
    let editions = vec![chargespec_tests::edition_2024()];
    let opts = chargespec::emit::Options::default();

    // 1. Full generation.
    let _ = chargespec::generate(&editions, &opts);
    let rounds: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            let g =
                chargespec::generate(black_box(&editions), &opts).unwrap_or_else(|e| panic!("{e}"));
            black_box(g.files.len());
            t.elapsed()
        })
        .collect();
    let gen_ms = median(rounds).as_secs_f64() * 1e3;
    let lint_rounds: Vec<Duration> = (0..15)
        .map(|_| {
            let t = Instant::now();
            black_box(chargespec::check_dir(&editions[0]).ir.is_some());
            t.elapsed()
        })
        .collect();
    let lint_ms = median(lint_rounds).as_secs_f64() * 1e3;

    // 2. Validator throughput.
    let json = std::fs::read(root.join("tests/benches/station_info.json")).unwrap_or_default();
    let one: StationInfo = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
    let report = one.validate(Mode::strict());
    assert!(
        report.violations.is_empty(),
        "bench fixture must be valid: {report}"
    );
    const BATCH: usize = 20_000;
    let batch: Vec<StationInfo> = vec![one; BATCH];
    let rounds: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            let mut n = 0;
            for s in &batch {
                n += s.validate(Mode::strict()).violations.len();
            }
            black_box(n);
            t.elapsed()
        })
        .collect();
    let validate_per_s = BATCH as f64 / median(rounds).as_secs_f64();
    let rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..(BATCH / 4) {
                let r = chargespec_runtime::validate::decode::<StationInfo>(
                    black_box(&json),
                    Mode::strict(),
                );
                black_box(r.is_ok());
            }
            t.elapsed()
        })
        .collect();
    let decode_per_s = (BATCH / 4) as f64 / median(rounds).as_secs_f64();

    // 3. The dynamic validator of `chargespec validate`: descriptors built from the spec at run
    //    time, the JSON parsed and walked (what a Java, Go or Python implementer runs).
    let ir = chargespec::check_dir(&editions[0])
        .ir
        .unwrap_or_else(|| panic!("the edition checks"));
    let bump = bumpalo::Bump::new();
    let schema = chargespec::descriptors::schema(&ir, &bump);
    let station = schema.object("StationInfo").unwrap_or_default();
    let rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..(BATCH / 4) {
                let value: serde_json::Value =
                    serde_json::from_slice(black_box(&json)).unwrap_or_default();
                let r = chargespec_runtime::schema::check_json(
                    &schema,
                    station,
                    &value,
                    Mode::strict(),
                );
                black_box(r.is_ok());
            }
            t.elapsed()
        })
        .collect();
    let dynamic_per_s = (BATCH / 4) as f64 / median(rounds).as_secs_f64();

    println!(
        "full generation of db4403-77-2024 (load + check + emit, in memory): {gen_ms:.1} ms (median of 15)"
    );
    println!("load + check only: {lint_ms:.1} ms (median of 15)");
    println!(
        "validate StationInfo (2 equipment, 3 connectors), typed: {validate_per_s:.0} objects/s"
    );
    println!("decode + validate StationInfo from JSON bytes: {decode_per_s:.0} objects/s");
    println!(
        "dynamic validation (descriptors from the spec at run time) of the same JSON: {dynamic_per_s:.0} objects/s"
    );
}
