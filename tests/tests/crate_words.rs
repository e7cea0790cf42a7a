//! A document whose tags are the crate's own words (`mock`, `Mock`, `mod`, `self`,
//! `Self`, `super`, `crate`, `std`, `default`, `client`, `types`, `runtime`,
//! `shared`, `unreferenced`, `untagged`, `other-tags`, `cli`, `serde_json`, …)
//! generates a crate whose features, module files and `Cargo.toml` keys do not
//! collide (`codegen/src/reserved.rs` holds them back), and which compiles
//! clippy-clean with each feature alone, with none and with all.

use std::collections::BTreeSet;

#[test]
fn tags_named_like_the_crates_own_words_build_with_each_feature_alone() {
    let root = consoleconnect_tests::workspace_root();
    let text = std::fs::read_to_string(root.join("tests/specs/crate_words.yaml")).unwrap();
    let out = codegen::generate(
        &text,
        &codegen::Settings::new("crate_words", "test", "tests/specs/crate_words.yaml"),
    )
    .expect("generates");
    let dir = root.join("target/crate-words");
    let _ = std::fs::remove_dir_all(&dir);
    let mut paths = BTreeSet::new();
    for f in &out.files {
        assert!(
            paths.insert(f.path.clone()),
            "written twice: {}",
            f.path.display()
        );
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.contents).unwrap();
    }
    // The workspace's lock file: the same dependency versions as the crates
    // already built in the shared target directory, so nothing is resolved anew.
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = dir.join("Cargo.toml");
    let features = xtask::features::declared(&manifest).unwrap();
    let unique: BTreeSet<&String> = features.iter().collect();
    assert_eq!(
        unique.len(),
        features.len(),
        "a key twice in [features]: {features:?}"
    );
    assert!(features.len() >= 24, "one feature per tag: {features:?}");
    for own in ["mock", "default"] {
        assert_eq!(
            features.iter().filter(|f| *f == own).count(),
            usize::from(own == "mock"),
            "`{own}` is the crate's own: {features:?}"
        );
    }
    // Each module is declared as the file it is written to.
    for module_root in ["src/client/mod.rs", "src/types/mod.rs"] {
        let text = std::fs::read_to_string(dir.join(module_root)).unwrap();
        let folder = dir.join(module_root).parent().unwrap().to_path_buf();
        for line in text.lines() {
            if let Some(name) = line
                .trim()
                .strip_prefix("mod ")
                .and_then(|l| l.strip_suffix(';'))
            {
                assert!(
                    folder.join(format!("{name}.rs")).exists(),
                    "`mod {name};` in {module_root} has no file"
                );
            }
        }
    }
    let target = root.join("target/features-check");
    let mut combinations: Vec<Vec<String>> = vec![Vec::new()];
    combinations.extend(features.iter().map(|f| vec![f.clone()]));
    let mut failures = Vec::new();
    if let Err(lints) = xtask::features::clippy(&dir, &target, "crate_words", None).unwrap() {
        failures.push(format!("default features:\n{lints}"));
    }
    for combination in &combinations {
        if let Err(lints) =
            xtask::features::clippy(&dir, &target, "crate_words", Some(combination)).unwrap()
        {
            failures.push(format!("features {combination:?}:\n{lints}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
