//! The typify/progenitor loop: each focused document in `tests/specs/` is generated
//! into one `.rs` file and compared with the checked-in snapshot in
//! `tests/snapshots/`. A changed output fails until accepted with
//! `cargo xtask codegen`.
//!
//! Each snapshot is compiled once, as a module of the tests crate
//! (`tests/src/lib.rs`), under its own `#![deny(warnings)]`: a warning in generated
//! code fails the build of every test, and clippy lints the same modules. They are
//! no longer also built as binaries by trybuild: that compiled each one a second
//! time, with the tests crate and all its dependencies, in trybuild's own target
//! directory, under the same lints (`#![deny(warnings)]` is the file's own inner
//! attribute, and rustc reports unused `pub` items neither in a binary nor in a
//! `pub mod`). `tidy.rs` checks that every snapshot is such a module.

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
