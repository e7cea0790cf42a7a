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
