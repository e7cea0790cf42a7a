//! The typify/progenitor loop: each focused document in `tests/specs/` is generated
//! into one `.rs` file, compared with the checked-in snapshot in
//! `tests/snapshots/`, and compiled by trybuild with `#![deny(warnings)]`.
//! The snapshots are also modules of this crate, so clippy lints them.
//!
//! A changed output fails until accepted with `cargo xtask codegen`.

#[test]
fn snapshots_match() {
    let changes = xtask::snapshots(true).expect("the focused documents generate");
    let listed: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert!(
        listed.is_empty(),
        "snapshots differ from the generator's output:\n  {}\nreview, then accept with: {}",
        listed.join("\n  "),
        xtask::SNAPSHOT_COMMAND
    );
}

#[test]
fn snapshots_compile_without_warnings() {
    let t = trybuild::TestCases::new();
    t.pass("snapshots/*.rs");
}

#[test]
fn every_snapshot_is_also_linted_as_a_module() {
    let root = xtask::workspace_root();
    let lib = std::fs::read_to_string(root.join("tests/src/lib.rs")).unwrap();
    let mut count = 0;
    for entry in std::fs::read_dir(root.join(xtask::SNAPSHOTS)).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let line = format!("#[path = \"../snapshots/{stem}.rs\"]");
        assert!(
            lib.contains(&line),
            "add `{line}\npub mod snapshot_{stem};` to tests/src/lib.rs"
        );
        count += 1;
    }
    assert!(
        count >= 9,
        "one focused document per feature, found {count}"
    );
}
