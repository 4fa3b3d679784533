//! The loader never panics: arbitrary bytes and mutations of the real spec files only ever
//! produce diagnostics. (The cargo-fuzz target in `fuzz/` explores the same entry point with
//! coverage guidance; this test runs a fixed, deterministic set of inputs on every `cargo test`.)

use chargespec_tests::edition_2024;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn spec_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![edition_2024()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)
            .expect("spec dir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                out.push((
                    p.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(&p).expect("read"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..300 {
        let len = rng.below(400);
        let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
        let _ = chargespec::check_texts(vec![("fuzz.yaml".into(), bytes)]);
    }
}

#[test]
fn mutated_spec_files_never_panic() {
    let files = spec_files();
    let mut rng = Rng(42);
    const TOKENS: &[&[u8]] = &[
        b":",
        b"- ",
        b"{",
        b"}",
        b"[",
        b"]",
        b"\n",
        b"  ",
        b"'",
        b"\"",
        b"&a ",
        b"*a",
        b"!!str ",
        b"~",
        b"-1",
        b"99999999999999999999",
        b"provisional",
        b"T-",
        b"object",
        b"code",
    ];
    for round in 0..50 {
        let mut set = files.clone();
        let i = rng.below(set.len());
        let bytes = &mut set[i].1;
        for _ in 0..(1 + round % 5) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(3) {
                0 if !bytes.is_empty() => {
                    let end = (at + rng.below(40)).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
                1 => {
                    let t = TOKENS[rng.below(TOKENS.len())];
                    bytes.splice(at..at, t.iter().copied());
                }
                _ => {
                    if let Some(b) = bytes.get_mut(at) {
                        *b ^= 1 << rng.below(8);
                    }
                }
            }
        }
        let checked = chargespec::check_texts(set);
        // Rendering must not panic either.
        let _ = chargespec_tests::rendered(&checked);
    }
}

#[test]
fn alias_bombs_are_refused() {
    let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..30 {
        doc.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    let checked = chargespec::check_texts(vec![("bomb.yaml".into(), doc.into_bytes())]);
    assert!(checked.diags.has_errors());
}
