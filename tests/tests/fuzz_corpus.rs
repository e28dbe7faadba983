//! Replays the committed fuzz corpus (`fuzz/corpus/<target>/`) through the
//! same checks the cargo-fuzz targets run, so every input the fuzzers kept
//! — and every crash they once found — is a regular test.

#[path = "../../fuzz/src/evaluate.rs"]
mod evaluate;
#[path = "../../fuzz/src/header.rs"]
mod header;
#[path = "../../fuzz/src/merge.rs"]
mod merge;

use std::path::Path;

fn replay(target: &str, check: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let outcome = std::panic::catch_unwind(|| check(&data));
        assert!(outcome.is_ok(), "{} fails its check", path.display());
        inputs += 1;
    }
    assert!(inputs >= 50, "{target}: only {inputs} inputs in the corpus");
}

#[test]
fn header_corpus() {
    replay("header", header::check);
}

#[test]
fn evaluate_corpus() {
    replay("evaluate", evaluate::check);
}

#[test]
fn merge_corpus() {
    replay("merge", merge::check);
}
