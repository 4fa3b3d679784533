//! Benchmarks (run with `cargo bench -p chargespec-tests`; numbers go in the README):
//!
//! 1. full generation of the 2024 edition (load, check, emit every file, in memory);
//! 2. validator throughput on a large `StationInfo` batch (typed validation, and decode +
//!    validate from JSON bytes);
//! 3. the dynamic validator of `chargespec validate` on the same JSON.
//!
//! A plain bench binary (`harness = false`): it times with `Instant`, reports the median of
//! several rounds, and needs no extra dependency. `CHARGESPEC_BENCH=typed` (or `gen`, `decode`,
//! `dynamic`, comma-separated) runs only those sections, e.g. to profile one under callgrind;
//! `CHARGESPEC_BENCH_ROUNDS` overrides the number of rounds.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chargespec_runtime::{Mode, Validate};
use db4403_77_2024::types::StationInfo;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Whether section `name` runs: all of them, or only those named in `CHARGESPEC_BENCH`.
fn want(name: &str) -> bool {
    std::env::var("CHARGESPEC_BENCH").map_or(true, |only| only.split(',').any(|s| s == name))
}

/// The median of `rounds` timings of `f` (`CHARGESPEC_BENCH_ROUNDS` overrides `rounds`).
fn timed(rounds: usize, mut f: impl FnMut()) -> Duration {
    let rounds = std::env::var("CHARGESPEC_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(rounds);
    median(
        (0..rounds.max(1))
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let root = chargespec_tests::root();
    let editions = vec![chargespec_tests::edition_2024()];
    let opts = chargespec::emit::Options::default();

    // 1. Full generation, and load + check alone.
    if want("gen") {
        let _ = chargespec::generate(&editions, &opts);
        let gen_ms = timed(15, || {
            let g =
                chargespec::generate(black_box(&editions), &opts).unwrap_or_else(|e| panic!("{e}"));
            black_box(g.files.len());
        })
        .as_secs_f64()
            * 1e3;
        let lint_ms = timed(15, || {
            black_box(chargespec::check_dir(&editions[0]).ir.is_some());
        })
        .as_secs_f64()
            * 1e3;
        println!(
            "full generation of db4403-77-2024 (load + check + emit, in memory): {gen_ms:.1} ms (median of 15)"
        );
        println!("load + check only: {lint_ms:.1} ms (median of 15)");
    }

    // 2. Validator throughput.
    let json = std::fs::read(root.join("tests/benches/station_info.json")).unwrap_or_default();
    let one: StationInfo = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{e}"));
    let report = one.validate(Mode::strict());
    assert!(
        report.violations.is_empty(),
        "bench fixture must be valid: {report}"
    );
    const BATCH: usize = 20_000;
    if want("typed") {
        let batch: Vec<StationInfo> = vec![one; BATCH];
        let t = timed(7, || {
            let mut n = 0;
            for s in &batch {
                n += s.validate(Mode::strict()).violations.len();
            }
            black_box(n);
        });
        let per_s = BATCH as f64 / t.as_secs_f64();
        println!("validate StationInfo (2 equipment, 3 connectors), typed: {per_s:.0} objects/s");
    }
    if want("decode") {
        let t = timed(5, || {
            for _ in 0..(BATCH / 4) {
                let r = chargespec_runtime::validate::decode::<StationInfo>(
                    black_box(&json),
                    Mode::strict(),
                );
                black_box(r.is_ok());
            }
        });
        let per_s = (BATCH / 4) as f64 / t.as_secs_f64();
        println!("decode + validate StationInfo from JSON bytes: {per_s:.0} objects/s");
    }

    // 3. The dynamic validator of `chargespec validate`: descriptors built from the spec at run
    //    time, the JSON parsed and walked (what a Java, Go or Python implementer runs).
    if want("dynamic") {
        let ir = chargespec::check_dir(&editions[0])
            .ir
            .unwrap_or_else(|| panic!("the edition checks"));
        let bump = bumpalo::Bump::new();
        let schema = chargespec::descriptors::schema(&ir, &bump);
        let station = schema.object("StationInfo").unwrap_or_default();
        let t = timed(5, || {
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
        });
        let per_s = (BATCH / 4) as f64 / t.as_secs_f64();
        println!(
            "dynamic validation (descriptors from the spec at run time) of the same JSON: {per_s:.0} objects/s"
        );
    }
}
