//! Writes the README's usage example (its first ```` ```rust ```` block, with
//! rustdoc's hidden `# ` lines shown) to `$OUT_DIR/readme_example.rs`, where the
//! `readme` test program includes it: the example compiles, warning-free, and runs.

use std::path::Path;

fn main() {
    // Read when the script runs, not when it is compiled: a checkout moved or
    // copied with its `target/` reuses the compiled script.
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let readme = Path::new(&dir).join("../../README.md");
    println!("cargo::rerun-if-changed={}", readme.display());
    let text = std::fs::read_to_string(&readme).expect("README.md is readable");
    let start = text.find("```rust").expect("the README has a Rust example");
    let body = &text[start..];
    let body = &body[body.find('\n').expect("the fence line ends") + 1..];
    let code = &body[..body.find("```").expect("the example's fence closes")];
    let code: String = code
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .or_else(|| l.strip_prefix('#').filter(|r| r.is_empty()))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("readme_example.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
