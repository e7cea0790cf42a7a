//! `generated/` must be exactly what the spec generates: the same check CI runs
//! with `cargo xtask codegen --check`.

#[test]
fn generated_crate_is_fresh() {
    let (output, changes) = xtask::codegen(true, true)
        .expect("the spec and generated/ are readable")
        .unwrap_or_else(|diags| panic!("the spec has errors: {diags:#?}"));
    assert!(
        output.files.len() >= 4,
        "Cargo.toml, lib.rs and the modules of types/, client/ and runtime/ are generated"
    );
    let listed: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(
        listed.is_empty(),
        "generated/ is stale; run `cargo xtask codegen`:\n{}",
        listed.join("\n")
    );
}

#[test]
fn every_generated_file_names_its_command() {
    let (output, _) = xtask::codegen(true, true).unwrap().unwrap();
    for file in &output.files {
        let first = file.contents.lines().next().unwrap_or_default();
        assert!(
            first.contains("@generated") && first.contains("cargo xtask codegen"),
            "{} starts with {first:?}",
            file.path.display()
        );
    }
}

#[test]
fn spec_has_no_warnings() {
    let text = std::fs::read_to_string(consoleconnect_tests::spec_path()).unwrap();
    let diags = codegen::validate(&text);
    assert!(diags.is_empty(), "{diags:#?}");
}
