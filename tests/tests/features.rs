//! The generated crate compiles, without warnings or clippy lints, with none of its
//! Cargo features and with a sample of them alone, TLS backends aside (with all,
//! the default, it is part of the workspace: `cargo clippy --workspace`). Every
//! feature alone, TLS ones too, is `cargo xtask features`, which CI runs: one
//! `cargo clippy` per feature is minutes, not a test loop's seconds.

/// How many combinations `cargo test` checks: none, and features alone from the
/// first declared to the last (TLS aside).
const SAMPLE: usize = 3;

#[test]
fn no_feature_and_a_sample_alone_compile_without_warnings() {
    let root = consoleconnect_tests::workspace_root();
    let features = xtask::features::declared(&root.join("generated/Cargo.toml")).unwrap();
    assert!(features.len() >= 5, "one feature per tag: {features:?}");
    let failures = xtask::features::check(
        &root,
        &root.join(xtask::features::TARGET),
        xtask::CRATE_NAME,
        false,
        &xtask::features::sample(&xtask::features::without_tls(&features), SAMPLE),
    )
    .unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A module of types gated by a feature holds no item gated again by that same
/// feature: the gate is written once, on the module. Checked in every crate the
/// generator wrote here (the Console Connect crate and the focused documents').
#[test]
fn items_of_a_gated_module_are_not_gated_again_by_its_feature() {
    let root = consoleconnect_tests::workspace_root();
    let mut crates = vec![root.join("generated")];
    for entry in std::fs::read_dir(root.join("tests/snapshots/crates")).unwrap() {
        crates.push(entry.unwrap().path());
    }
    let mut checked = 0;
    let mut repeated = Vec::new();
    for krate in crates {
        let types = krate.join("src/types");
        let Ok(index) = std::fs::read_to_string(types.join("mod.rs")) else {
            continue;
        };
        // `#[cfg(feature = "metros")]` followed by `mod metros;`.
        let lines: Vec<&str> = index.lines().map(str::trim).collect();
        for pair in lines.windows(2) {
            let (Some(gate), Some(module)) = (
                pair[0].strip_prefix("#[cfg(feature = \""),
                pair[1]
                    .strip_prefix("mod ")
                    .and_then(|m| m.strip_suffix(';')),
            ) else {
                continue;
            };
            let feature = gate.trim_end_matches("\")]");
            let file = types.join(format!("{}.rs", module.trim_start_matches("r#")));
            let text = std::fs::read_to_string(&file).unwrap();
            checked += 1;
            let again = format!("#[cfg(feature = \"{feature}\")]");
            if text.contains(&again) {
                repeated.push(file.display().to_string());
            }
        }
    }
    assert!(checked >= 10, "only {checked} gated modules found");
    assert!(repeated.is_empty(), "gated again inside: {repeated:?}");
}
