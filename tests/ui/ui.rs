//! Compile tests of the generated crate as a consumer sees it: correct use compiles;
//! misuse (a missing required member, parameter or body; a wrong type) does not;
//! the README's usage example compiles. Expected compiler output is in
//! `tests/ui/fail/*.stderr` (accept changes with `cargo xtask codegen --bless`).
//!
//! A crate of its own (`tests/ui/Cargo.toml` says why), and one `TestCases`, so
//! trybuild builds its project (this crate and its dependencies, in a target
//! directory of its own) and every case in one `cargo` run.

use std::path::PathBuf;

#[test]
fn ui() {
    let readme = readme_example();
    let t = trybuild::TestCases::new();
    t.pass("pass/*.rs");
    t.pass(&readme);
    t.compile_fail("fail/*.rs");
}

/// The README's usage example, written out (rustdoc's hidden `# ` lines included)
/// as a program for trybuild to build.
fn readme_example() -> PathBuf {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("```rust")
        .expect("the README has a Rust example");
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let code = &body[..body.find("```").unwrap()];
    let code: String = code
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .or_else(|| l.strip_prefix('#').filter(|r| r.is_empty()))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dir = root.join("target").join("readme-example");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("readme.rs");
    std::fs::write(
        &file,
        format!("#![deny(warnings)]\n{code}\n\nfn main() {{\n    let _ = run();\n}}\n"),
    )
    .unwrap();
    file
}
