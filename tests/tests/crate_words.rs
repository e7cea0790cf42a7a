//! A document whose tags are the crate's own words (`mock`, `Mock`, `mod`, `self`,
//! `Self`, `super`, `crate`, `std`, `default`, `client`, `types`, `runtime`,
//! `shared`, `unreferenced`, `untagged`, `other-tags`, `cli`, `serde_json`, …)
//! generates a crate whose features, module files and `Cargo.toml` keys do not
//! collide (`codegen/src/reserved.rs` holds them back), and which compiles
//! clippy-clean with every feature but the TLS backends, with none, and with a
//! sample alone. The default (a TLS backend on) and each of its two dozen
//! features alone is `cargo xtask features`, which CI runs.

use std::collections::BTreeSet;

/// How many combinations `cargo test` checks besides all at once: none, and
/// features alone spread from the first declared to the last (TLS aside).
const SAMPLE: usize = 3;

#[test]
fn tags_named_like_the_crates_own_words_build() {
    let root = consoleconnect_tests::workspace_root();
    let dir = root.join("target/crate-words");
    let written = xtask::features::write_crate_words(&root, &dir).expect("generates");
    let mut paths = BTreeSet::new();
    for path in &written {
        assert!(paths.insert(path), "written twice: {}", path.display());
    }
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
    // Every feature but the TLS backends at once, then none, then a sample alone.
    let untls = xtask::features::without_tls(&features);
    let mut combinations = vec![untls.clone()];
    combinations.extend(xtask::features::sample(&untls, SAMPLE));
    let failures = xtask::features::check(
        &dir,
        &root.join(xtask::features::TARGET),
        "crate_words",
        false,
        &combinations,
    )
    .unwrap();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
