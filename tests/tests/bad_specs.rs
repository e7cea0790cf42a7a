//! Broken documents (`tests/bad-specs/`, one problem each, plus one with many): each
//! is reported rustc-style with its location, and the report is compared with the
//! snapshot in `tests/bad-specs/expected/` (review changes, then accept with
//! `cargo xtask codegen --bless`).
//! Generation fails cleanly on every document with an error the generator cannot
//! work around (a fatal one), goes on past errors it repairs (saying how), and
//! never panics.

use std::path::PathBuf;

fn bad_specs() -> Vec<PathBuf> {
    let dir = consoleconnect_tests::workspace_root().join("tests/bad-specs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_bad_document_is_reported_with_its_place() {
    let files = bad_specs();
    assert!(
        files.len() >= 25,
        "one small document per problem; found {}",
        files.len()
    );
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let diagnostics = codegen::validate(&text);
        assert!(!diagnostics.is_empty(), "{name}: nothing reported");
        let label = format!("tests/bad-specs/{name}");
        let report = codegen::diagnostics::render_all(&diagnostics, &label, &text);
        assert!(report.contains(&label), "{name}: the report names the file");

        let settings = codegen::Settings::new("bad", "test", &label);
        let generated = std::panic::catch_unwind(|| codegen::generate(&text, &settings))
            .unwrap_or_else(|_| panic!("{name}: the generator panicked"));
        if diagnostics.iter().any(|d| d.is_fatal()) {
            assert!(
                generated.is_err(),
                "{name}: a fatal error must stop generation"
            );
        } else {
            let output = generated.unwrap_or_else(|d| {
                panic!("{name}: repaired errors and warnings never stop generation: {d:?}")
            });
            assert_eq!(
                output.diagnostics, diagnostics,
                "{name}: generate reports what validate reports"
            );
        }
        for d in diagnostics.iter().filter(|d| d.is_error() && !d.is_fatal()) {
            assert!(report.contains("repaired: "), "{name}: the repair is shown");
            assert!(!d.repaired.as_deref().unwrap_or("").is_empty());
        }

        let stem = name.rsplit_once('.').unwrap().0.to_string();
        insta::with_settings!({
            snapshot_path => "../bad-specs/expected",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, report);
        });
    }
}

#[test]
fn every_problem_in_a_document_is_reported_in_one_run() {
    let text = std::fs::read_to_string(
        consoleconnect_tests::workspace_root()
            .join("tests/bad-specs/30-many-problems-at-once.yaml"),
    )
    .unwrap();
    let codes: Vec<&str> = codegen::validate(&text)
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    for expected in [
        "duplicate-operation-id",
        "no-responses",
        "unknown-type",
        "unresolved-ref",
        "path-param-undeclared",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {codes:?}"
        );
    }
}
