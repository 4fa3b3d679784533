//! Feeds arbitrary bytes to the loader and checker as one spec file, and as a spec file next
//! to the real 2024 edition's standard.yaml, then renders the diagnostics. Nothing may panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

const STANDARD: &[u8] = include_bytes!("../../../spec/db4403-77-2024/standard.yaml");

fuzz_target!(|data: &[u8]| {
    let alone = chargespec::check_texts(vec![("fuzz.yaml".to_owned(), data.to_vec())]);
    let _ = chargespec::diag::render_all(&alone.sources, &alone.diags.sorted());
    let with_edition = chargespec::check_texts(vec![
        ("standard.yaml".to_owned(), STANDARD.to_vec()),
        ("fuzz.yaml".to_owned(), data.to_vec()),
    ]);
    let _ = chargespec::diag::render_all(&with_edition.sources, &with_edition.diags.sorted());
});
