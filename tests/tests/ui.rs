//! Compile tests of the generated crate as a consumer sees it: correct use compiles;
//! misuse (a missing required member, parameter or body; a wrong type) does not.
//! Expected compiler output is in `tests/ui/fail/*.stderr`
//! (accept changes with `cargo xtask codegen --bless`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}

/// The README's usage example compiles: its Rust block is written out (rustdoc's
/// hidden `# ` lines included) and built as a trybuild pass case.
#[test]
fn readme_example_compiles() {
    let root = xtask::workspace_root();
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
    trybuild::TestCases::new().pass(&file);
}
