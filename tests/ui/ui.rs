//! Compile tests of the generated crate as a consumer sees it: misuse (a missing
//! required member, parameter or body; a wrong type) does not compile, with the
//! compiler output in `tests/ui/fail/*.stderr` (accept changes with
//! `cargo xtask codegen --bless`). Correct use (`pass/*.rs`) and the README's
//! usage example (`readme.rs`) are test programs of this crate that compile and
//! run; this test checks each file of `pass/` is one.
//!
//! A crate of its own (`tests/ui/Cargo.toml` says why), and one `TestCases`, so
//! trybuild checks its project (this crate and its dependencies, in a target
//! directory of its own) and every case in one `cargo` run.

use std::path::Path;

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
}

#[test]
fn every_pass_case_is_a_test_program() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let mut cases = 0;
    for entry in std::fs::read_dir(dir.join("pass")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs") {
            cases += 1;
            assert!(
                manifest.contains(&format!("path = \"pass/{name}\""))
                    && manifest.contains(&format!("name = \"pass_{stem}\"")),
                "pass/{name} is not a [[test]] of tests/ui/Cargo.toml"
            );
        }
    }
    assert!(cases >= 2, "the pass cases are in tests/ui/pass/");
}
