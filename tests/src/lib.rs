//! Shared helpers for the workspace's tests: where things live, and how to load them.

use std::path::{Path, PathBuf};

pub mod openapi_jsonschema;

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
