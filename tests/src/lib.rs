//! Shared helpers for the workspace's tests: where things live, and how to load them.

use std::path::{Path, PathBuf};

pub mod fault_server;
pub use xtask::openapi_jsonschema;

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

/// The first difference between two JSON values, as `path: left vs right`.
///
/// Strings must be identical and members the same; numbers compare as numbers
/// (`1.0` equals `1`), integers exactly.
pub fn json_diff(
    left: &serde_json::Value,
    right: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (left, right) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let here = format!("{path}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => {
                        if let Some(d) = json_diff(x, y, &here) {
                            return Some(d);
                        }
                    }
                    (x, y) => return Some(format!("{here}: {x:?} vs {y:?}")),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("{path}: {} items vs {}", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| json_diff(x, y, &format!("{path}/{i}")))
        }
        (Value::Number(a), Value::Number(b)) => {
            let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                (Some(x), Some(y), _, _) => x == y,
                (_, _, Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            (!same).then(|| format!("{path}: {a} vs {b}"))
        }
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path}: {a} vs {b}")),
    }
}

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
#[path = "../snapshots/enums.rs"]
pub mod snapshot_enums;
#[rustfmt::skip]
#[path = "../snapshots/formats.rs"]
pub mod snapshot_formats;
#[rustfmt::skip]
#[path = "../snapshots/inline.rs"]
pub mod snapshot_inline;
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
#[path = "../snapshots/openapi31.rs"]
pub mod snapshot_openapi31;
#[rustfmt::skip]
#[path = "../snapshots/real_data.rs"]
pub mod snapshot_real_data;
#[rustfmt::skip]
#[path = "../snapshots/recursion.rs"]
pub mod snapshot_recursion;
#[rustfmt::skip]
#[path = "../snapshots/reserved_names.rs"]
pub mod snapshot_reserved_names;
#[rustfmt::skip]
#[path = "../snapshots/sloppy.rs"]
pub mod snapshot_sloppy;
