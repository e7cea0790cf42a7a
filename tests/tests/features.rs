//! The generated crate compiles, without warnings or clippy lints, with each of its
//! Cargo features alone, with none, and with all (the default).

use std::path::PathBuf;

#[test]
fn every_feature_alone_and_none_compile_without_warnings() {
    let root = consoleconnect_tests::workspace_root();
    let manifest = root.join("generated/Cargo.toml");
    let features = xtask::features::declared(&manifest).unwrap();
    assert!(features.len() >= 5, "one feature per tag: {features:?}");
    let target: PathBuf = root.join("target/features-check");
    let mut failures = Vec::new();
    let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
    combinations.extend(features.iter().map(|f| vec![f.clone()]));
    for combination in &combinations {
        if let Err(lints) =
            xtask::features::clippy(&root, &target, "consoleconnect", Some(combination)).unwrap()
        {
            failures.push(format!("features {combination:?}:\n{lints}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
