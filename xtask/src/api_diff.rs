//! `cargo xtask api-diff [--base REV]`: what a spec edit does to the users of
//! the generated crate.
//!
//! Both versions of the crate are documented as rustdoc JSON (stable rustdoc
//! with `RUSTC_BOOTSTRAP=1`, as cargo-semver-checks does). cargo-semver-checks
//! judges the pair: its lints say which changes break users and what release
//! they need. The JSON also gives the list a reviewer reads: every public item
//! added, removed or changed (its signature, fields, variants or attributes).
//! The command fails when the crate's `version` does not carry the release the
//! change needs.
//!
//! Here: running git, rustdoc and the tool. Reading their output and judging it
//! is `codegen::api_diff`.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub use codegen::api_diff::{Release, Report};

pub const CARGO_SEMVER_CHECKS_VERSION: &str = "0.51.0";

/// cargo-semver-checks, installed into `.tools/` on first use. Its release profile
/// asks for fat LTO (8 min on this machine); the comparison takes a second.
pub fn semver_checks_tool(root: &Path) -> Result<PathBuf> {
    crate::cargo_tool(
        root,
        "cargo-semver-checks",
        CARGO_SEMVER_CHECKS_VERSION,
        true,
    )
}

/// Documents the library of the crate at `manifest` as rustdoc JSON, with every
/// feature on, building in `target_dir`; the JSON is copied to `out` (rustdoc
/// names it after the crate, so two versions would overwrite each other).
pub fn rustdoc_json(manifest: &Path, target_dir: &Path, out_file: &Path) -> Result<()> {
    let out = Command::new(env!("CARGO"))
        .args([
            "rustdoc",
            "--quiet",
            "--lib",
            "--all-features",
            "--manifest-path",
        ])
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .env("RUSTC_BOOTSTRAP", "1")
        .output()
        .context("running cargo rustdoc")?;
    if !out.status.success() {
        bail!(
            "cargo rustdoc of {} failed:\n{}",
            manifest.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(manifest)?;
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|n| n.trim().trim_matches('"').replace('-', "_"))
        .context("the manifest names its package")?;
    std::fs::copy(
        target_dir.join("doc").join(format!("{name}.json")),
        out_file,
    )
    .context("rustdoc wrote no JSON")?;
    Ok(())
}

/// Compares two rustdoc JSON files of one crate.
pub fn compare(root: &Path, base: &Path, current: &Path) -> Result<Report> {
    let read = |p: &Path| -> Result<Value> {
        serde_json::from_str(&std::fs::read_to_string(p).with_context(|| p.display().to_string())?)
            .with_context(|| format!("{} is not rustdoc JSON", p.display()))
    };
    let (old, new) = (read(base)?, read(current)?);
    let mut report = codegen::api_diff::compare_items(&old, &new);

    let tool = semver_checks_tool(root)?;
    // Judged as if it were a patch release, so every lint that needs more is reported.
    let out = Command::new(&tool)
        .arg("semver-checks")
        .arg("--baseline-rustdoc")
        .arg(base)
        .arg("--current-rustdoc")
        .arg(current)
        .args(["--release-type", "patch", "--color", "never"])
        .output()
        .context("running cargo-semver-checks")?;
    // The findings go to standard output, the progress and summary to standard error.
    let (findings, progress) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    if !progress
        .lines()
        .chain(findings.lines())
        .any(|l| l.trim_start().starts_with("Summary"))
    {
        bail!("cargo-semver-checks did not finish:\n{findings}{progress}");
    }
    report
        .judge(&findings, &lint_levels(&tool)?)
        .map_err(anyhow::Error::msg)?;
    Ok(report)
}

/// The level (`major` or `minor`) of each of cargo-semver-checks' lints, from
/// its own `--list`.
fn lint_levels(tool: &Path) -> Result<BTreeMap<String, String>> {
    let out = Command::new(tool)
        .args(["semver-checks", "--list"])
        .output()
        .context("running cargo-semver-checks --list")?;
    let levels = codegen::api_diff::lint_levels(&String::from_utf8_lossy(&out.stdout));
    if levels.is_empty() {
        bail!("cargo-semver-checks --list named no lints");
    }
    Ok(levels)
}

/// The revision to compare with when none is given: the merge base with `main`
/// on another branch; on `main`, the commit that set the crate's previous
/// version (`spec/crate-version`), so that the version carries every change
/// since that release, not only the last commit's (a breaking change followed
/// by another commit is still judged); `HEAD~1` when the version never changed.
pub fn default_base(root: &Path) -> Result<String> {
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(root)
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
    };
    let branch = git(&["rev-parse", "--abbrev-ref", "HEAD"]).unwrap_or_default();
    if branch != "main"
        && let Some(base) = git(&["merge-base", "HEAD", "main"])
    {
        return Ok(base);
    }
    let file = crate::CRATE_VERSION_FILE;
    if let Ok(current) = std::fs::read_to_string(root.join(file)) {
        let commits = git(&["log", "--format=%H", "--", file]).unwrap_or_default();
        let versions = commits
            .lines()
            .map(|c| (c, git(&["show", &format!("{c}:{file}")])));
        if let Some(base) = previous_release(versions, &current) {
            return Ok(base.to_string());
        }
    }
    git(&["rev-parse", "--verify", "HEAD~1"])
        .context("no previous commit to compare with; name one with --base REV")
}

/// The newest of the commits that changed the version file (newest first, with
/// the file's text there: `None` where it was deleted) whose version is not
/// `current`: the commit that set the previous version.
fn previous_release<'a>(
    commits: impl IntoIterator<Item = (&'a str, Option<String>)>,
    current: &str,
) -> Option<&'a str> {
    commits
        .into_iter()
        .find(|(_, version)| {
            version
                .as_deref()
                .is_some_and(|v| v.trim() != current.trim())
        })
        .map(|(commit, _)| commit)
}

/// Compares the generated crate at `base` with the working tree.
pub fn run(root: &Path, base: Option<String>) -> Result<Report> {
    let base = match base {
        Some(rev) => rev,
        None => default_base(root)?,
    };
    let work = root.join("target/api-diff");
    let checkout = work.join("base");
    let _ = std::fs::remove_dir_all(&checkout);
    std::fs::create_dir_all(&checkout)?;
    // `git archive` writes the tree of `base` without touching the index.
    let archive = Command::new("git")
        .args(["archive", "--format=tar", &base, crate::GENERATED])
        .current_dir(root)
        .output()
        .context("running git archive")?;
    if !archive.status.success() {
        bail!(
            "`{base}` has no {}/: {}",
            crate::GENERATED,
            String::from_utf8_lossy(&archive.stderr)
        );
    }
    let mut untar = Command::new("tar")
        .args(["-x", "-C"])
        .arg(&checkout)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .context("running tar")?;
    std::io::Write::write_all(
        untar.stdin.as_mut().context("tar's input")?,
        &archive.stdout,
    )?;
    drop(untar.stdin.take());
    if !untar.wait()?.success() {
        bail!("could not unpack {} of `{base}`", crate::GENERATED);
    }
    // A workspace member on its own: its own workspace, this workspace's lock.
    let manifest = checkout.join(crate::GENERATED).join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    if !text.contains("\n[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text)?;
    }
    std::fs::copy(
        root.join("Cargo.lock"),
        checkout.join(crate::GENERATED).join("Cargo.lock"),
    )?;
    let (old, new) = (work.join("base.json"), work.join("current.json"));
    rustdoc_json(&manifest, &work.join("target"), &old)?;
    rustdoc_json(
        &root.join(crate::GENERATED).join("Cargo.toml"),
        &root.join("target"),
        &new,
    )?;
    println!(
        "comparing {}/ at `{base}` with the working tree",
        crate::GENERATED
    );
    compare(root, &old, &new)
}

#[cfg(test)]
mod tests {
    use super::previous_release;

    #[test]
    fn the_base_is_the_commit_that_set_the_previous_version() {
        let v = |s: &str| Some(format!("{s}\n"));
        // Newest first: 0.4.0 set by c, 0.3.1 by b, 0.3.0 by a.
        let log = || vec![("c", v("0.4.0")), ("b", v("0.3.1")), ("a", v("0.3.0"))];
        assert_eq!(previous_release(log(), "0.4.0\n"), Some("b"));
        // A version set in the working tree, not yet committed.
        assert_eq!(previous_release(log(), "0.4.1"), Some("c"));
        // Set back to an earlier text in between: the newest other version counts.
        let back = vec![("d", v("0.4.0")), ("c", v("0.3.1")), ("b", v("0.4.0"))];
        assert_eq!(previous_release(back, "0.4.0"), Some("c"));
        // Never another version (or only a deleted file): no base from the file.
        assert_eq!(previous_release(vec![("a", v("0.1.0"))], "0.1.0"), None);
        assert_eq!(previous_release(vec![("a", None)], "0.1.0"), None);
    }
}
