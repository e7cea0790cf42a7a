//! Shared helpers for the workspace's tests: where things live, and how to load them.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

pub mod fault_server;
pub mod oauth_server;
pub use codegen::json_schema;

/// The workspace root (the directory holding `spec/`, `generated/`, `tests/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent directory")
        .to_path_buf()
}

/// Path of the hand-written Console Connect document.
pub fn spec_path() -> PathBuf {
    workspace_root().join("spec").join("consoleconnect.yaml")
}

/// Directory of the JSON fixtures taken from the vendor's documentation.
pub fn examples_dir() -> PathBuf {
    workspace_root().join("spec").join("examples")
}

pub use codegen::conformance::json_diff;

// The fixed parts of `cargo xtask conformance`'s drivers, compiled here against the
// Console Connect crate so they are built, linted and tested like any module.
use consoleconnect as api;
#[path = "../../xtask/src/conformance/calls.rs"]
pub mod calls;
#[path = "../../xtask/src/conformance/support.rs"]
pub mod support;
// The calling part of `cargo xtask live`'s drivers (with its recording proxy).
#[path = "../../xtask/src/live/calls.rs"]
pub mod live_calls;

// The snapshots of `tests/specs/`, compiled as modules of this crate as well, so that
// `cargo clippy --workspace --all-targets -- -D warnings` lints the generated code.
// (`tests/tests/snapshots.rs` checks every snapshot is listed here.)
#[rustfmt::skip]
#[path = "../snapshots/client.rs"]
pub mod snapshot_client;
#[rustfmt::skip]
#[path = "../snapshots/composition.rs"]
pub mod snapshot_composition;
#[rustfmt::skip]
#[path = "../snapshots/crate_words.rs"]
pub mod snapshot_crate_words;
#[rustfmt::skip]
#[path = "../snapshots/enums.rs"]
pub mod snapshot_enums;
#[rustfmt::skip]
#[path = "../snapshots/formats.rs"]
pub mod snapshot_formats;
#[rustfmt::skip]
#[path = "../snapshots/inline.rs"]
pub mod snapshot_inline;
#[rustfmt::skip]
#[path = "../snapshots/large.rs"]
pub mod snapshot_large;
#[rustfmt::skip]
#[path = "../snapshots/library.rs"]
pub mod snapshot_library;
#[rustfmt::skip]
#[path = "../snapshots/maps.rs"]
pub mod snapshot_maps;
#[rustfmt::skip]
#[path = "../snapshots/names.rs"]
pub mod snapshot_names;
#[rustfmt::skip]
#[path = "../snapshots/objects.rs"]
pub mod snapshot_objects;
#[rustfmt::skip]
#[path = "../snapshots/oauth.rs"]
pub mod snapshot_oauth;
#[rustfmt::skip]
#[path = "../snapshots/openapi31.rs"]
pub mod snapshot_openapi31;
#[rustfmt::skip]
#[path = "../snapshots/paths.rs"]
pub mod snapshot_paths;
#[rustfmt::skip]
#[path = "../snapshots/others_read.rs"]
pub mod snapshot_others_read;
#[rustfmt::skip]
#[path = "../snapshots/real_data.rs"]
pub mod snapshot_real_data;
#[rustfmt::skip]
#[path = "../snapshots/recursion.rs"]
pub mod snapshot_recursion;
#[rustfmt::skip]
#[path = "../snapshots/streams.rs"]
pub mod snapshot_streams;
#[rustfmt::skip]
#[path = "../snapshots/undocumented.rs"]
pub mod snapshot_undocumented;
#[rustfmt::skip]
#[path = "../snapshots/reserved_names.rs"]
pub mod snapshot_reserved_names;
#[rustfmt::skip]
#[path = "../snapshots/sloppy.rs"]
pub mod snapshot_sloppy;

/// The generated crate's program (`consoleconnect`, crate feature `cli`), built
/// once per test binary with the features the workspace's tests use (so its
/// dependencies are the ones already built).
pub fn cli_binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY
        .get_or_init(|| xtask::contract::program(&workspace_root()).expect("the program builds"))
        .clone()
}

/// The program (crate feature `cli`) of a focused document of `tests/specs/`
/// (`streams.yaml`), generated as a crate of its own under `target/cli-specs/`
/// and built there with the workspace's lock file and target directory (so its
/// dependencies are the ones already built). Panics when it does not build or
/// the build warns.
pub fn spec_program(spec: &str) -> PathBuf {
    let root = workspace_root();
    let name = spec
        .trim_end_matches(".yaml")
        .trim_end_matches(".json")
        .replace('_', "-");
    let text = std::fs::read_to_string(root.join("tests/specs").join(spec)).unwrap();
    let mut settings =
        codegen::Settings::new(&name, "tests::spec_program", format!("tests/specs/{spec}"));
    settings.layout = codegen::Layout::Crate {
        standalone: true,
        publish: false,
    };
    let output = codegen::generate(&text, &settings)
        .unwrap_or_else(|d| panic!("{spec} does not generate: {d:#?}"));
    let dir = root.join("target/cli-specs").join(&name);
    xtask::fsutil::sync_dir(&dir, &output.files, false).unwrap();
    // Same dependency versions as the workspace, so its build is reused.
    let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    // The workspace's profile too (xtask::scratch says why).
    let out = xtask::scratch::cargo(&dir, &root.join("target"))
        .args(["build", "--quiet", "--features", "cli", "--bin", &name])
        .arg("--message-format=json")
        .output()
        .expect("cargo runs");
    let mut executable = None;
    let mut warnings = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["target"]["name"] != name.as_str() {
            continue;
        }
        if v["reason"] == "compiler-message" {
            warnings.push(v["message"]["rendered"].as_str().unwrap_or("?").to_string());
        }
        if let Some(exe) = v["executable"].as_str() {
            executable = Some(PathBuf::from(exe));
        }
    }
    assert!(
        out.status.success() && warnings.is_empty(),
        "the program of {spec} does not build cleanly (sources in {}):\n{}\n{}",
        dir.display(),
        warnings.join("\n"),
        String::from_utf8_lossy(&out.stderr)
    );
    executable.expect("cargo names the program's executable")
}
