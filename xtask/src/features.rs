//! Checking a generated crate under its Cargo features: all (the default), none,
//! and each one alone. Every combination must compile without a warning or a
//! clippy lint.

use anyhow::{Context, Result};
use std::path::Path;
use std::process::Command;

/// The features a generated crate declares (its `[features]` table, `default` aside).
pub fn declared(manifest: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(manifest)
        .with_context(|| format!("cannot read {}", manifest.display()))?;
    let mut in_features = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            in_features = line == "[features]";
            continue;
        }
        if in_features && let Some((name, _)) = line.split_once('=') {
            let name = name.trim();
            if name != "default" && !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    Ok(out)
}

/// One `cargo clippy` of a package with the given features (none: no default
/// features either); the lints' text when it fails.
pub fn clippy(
    workspace: &Path,
    target: &Path,
    package: &str,
    features: Option<&[String]>,
) -> Result<Result<(), String>> {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args(["clippy", "--quiet", "-p", package]);
    if let Some(f) = features {
        cmd.arg("--no-default-features");
        if !f.is_empty() {
            cmd.arg("--features").arg(f.join(","));
        }
    }
    cmd.args(["--", "-D", "warnings"]);
    let out = cmd.output().context("running cargo clippy")?;
    Ok(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}
