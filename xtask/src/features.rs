//! Checking a generated crate under its Cargo features: all (the default), none,
//! and each one alone. Every combination must compile without a warning or a
//! clippy lint.

use anyhow::{Context, Result};
use std::path::Path;

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
    let mut cmd = crate::scratch::cargo(workspace, target);
    cmd.args(["clippy", "--quiet", "-p", package]);
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

/// Where the feature checks build: one target directory for every crate they
/// check (the Console Connect crate, `tests/specs/crate_words.yaml`'s crate), so
/// the dependencies are checked once.
pub const TARGET: &str = "target/features-check";

/// `features` less the TLS ones (`codegen::output::TLS_FEATURES`): with a TLS
/// backend on, a check builds aws-lc's C code or OpenSSL's bindings first, which
/// `cargo test`'s sample leaves to `cargo xtask features`.
pub fn without_tls(features: &[String]) -> Vec<String> {
    features
        .iter()
        .filter(|f| !codegen::output::TLS_FEATURES.iter().any(|(t, _)| t == f))
        .cloned()
        .collect()
}

/// No feature, then each feature alone.
pub fn combinations(features: &[String]) -> Vec<Vec<String>> {
    let mut all = vec![Vec::new()];
    all.extend(features.iter().map(|f| vec![f.clone()]));
    all
}

/// `n` combinations spread over [`combinations`]: no feature, then features
/// alone taken at even steps from first to last (what `cargo test` checks; the
/// rest is `cargo xtask features`).
pub fn sample(features: &[String], n: usize) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    if features.is_empty() || n <= 1 {
        return out;
    }
    let alone = (n - 1).min(features.len());
    for k in 0..alone {
        let i = if alone == 1 {
            0
        } else {
            k * (features.len() - 1) / (alone - 1)
        };
        out.push(vec![features[i].clone()]);
    }
    out
}

/// `cargo clippy` of `package` with each of `combinations` (and with its default
/// features first, when `default`): the failures, each with its lints.
pub fn check(
    workspace: &Path,
    target: &Path,
    package: &str,
    default: bool,
    combinations: &[Vec<String>],
) -> Result<Vec<String>> {
    let mut failures = Vec::new();
    if default && let Err(lints) = clippy(workspace, target, package, None)? {
        failures.push(format!("{package}, default features:\n{lints}"));
    }
    for combination in combinations {
        if let Err(lints) = clippy(workspace, target, package, Some(combination))? {
            failures.push(format!("{package}, features {combination:?}:\n{lints}"));
        }
    }
    Ok(failures)
}

/// Writes the crate generated from `tests/specs/crate_words.yaml` (tags named
/// like the crate's own words) into `dir`, with the workspace's lock file so the
/// dependencies are the versions already built; returns the generated files' paths.
pub fn write_crate_words(root: &Path, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let spec = "tests/specs/crate_words.yaml";
    let text =
        std::fs::read_to_string(root.join(spec)).with_context(|| format!("reading {spec}"))?;
    let out = codegen::generate(&text, &codegen::Settings::new("crate_words", "test", spec))
        .map_err(|d| anyhow::anyhow!("{spec} does not generate: {d:?}"))?;
    let _ = std::fs::remove_dir_all(dir);
    let mut paths = Vec::new();
    for f in &out.files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &f.contents)?;
        paths.push(f.path.clone());
    }
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(paths)
}

/// `cargo xtask features`: the Console Connect crate and the crate of
/// `tests/specs/crate_words.yaml` compile clippy-clean with every feature alone,
/// with none and with all; the crate of every other focused document with all,
/// none, a sample alone, the mock and the program ([`snapshot_crates`]; alone
/// with `snapshots_only`). `cargo test` checks a sample of the same
/// (`tests/tests/features.rs`, `crate_words.rs`).
pub fn run(root: &Path, snapshots_only: bool) -> Result<()> {
    let target = root.join(TARGET);
    let features = declared(&root.join("generated/Cargo.toml"))?;
    let mut failures = Vec::new();
    let started = std::time::Instant::now();
    if snapshots_only {
        let count = snapshot_crates(root, &target, &mut failures)?;
        println!(
            "features: {count} combinations in {:.0?}",
            started.elapsed()
        );
        return if failures.is_empty() {
            Ok(())
        } else {
            anyhow::bail!("{}", failures.join("\n"))
        };
    }
    println!(
        "features: consoleconnect, none and each of {} alone",
        features.len()
    );
    failures.extend(check(
        root,
        &target,
        crate::CRATE_NAME,
        false,
        &combinations(&features),
    )?);
    let dir = root.join("target/crate-words");
    write_crate_words(root, &dir)?;
    let words = declared(&dir.join("Cargo.toml"))?;
    println!(
        "features: crate_words, all, none and each of {} alone",
        words.len()
    );
    failures.extend(check(
        &dir,
        &target,
        "crate_words",
        true,
        &combinations(&words),
    )?);
    let mut count = features.len() + words.len() + 3;
    count += snapshot_crates(root, &target, &mut failures)?;
    println!(
        "features: {count} combinations in {:.0?}",
        started.elapsed()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("{}", failures.join("\n"))
    }
}

/// Tag features alone checked per focused document's crate, besides all, none,
/// `mock` and `cli`: the crates are 20, and all of their combinations would be
/// about 150 checks.
pub const SNAPSHOT_SAMPLE: usize = 2;

/// What a focused document's crate is checked with (its default features
/// aside): none; a sample of its tags' features alone; `mock` alone, `cli`
/// alone, and both with the first tag's feature (the mock and the program
/// gated by tags).
pub fn snapshot_combinations(declared: &[String]) -> Vec<Vec<String>> {
    let own = ["mock", "cli"];
    let tags: Vec<String> = without_tls(declared)
        .into_iter()
        .filter(|f| !own.contains(&f.as_str()))
        .collect();
    let mut combinations = sample(&tags, SNAPSHOT_SAMPLE + 1);
    let present: Vec<String> = own
        .iter()
        .filter(|o| declared.iter().any(|f| f == *o))
        .map(|o| o.to_string())
        .collect();
    combinations.extend(present.iter().map(|o| vec![o.clone()]));
    if let Some(first) = tags.first()
        && !present.is_empty()
    {
        let mut with_tag = vec![first.clone()];
        with_tag.extend(present);
        combinations.push(with_tag);
    }
    combinations
}

/// The crates of the focused documents (snapshotted in `tests/snapshots/crates/`)
/// with their default features and [`snapshot_combinations`]; each is
/// written from its document under `target/snapshot-crates/`, with the runtime's
/// files its snapshot leaves out. Returns how many combinations were checked.
pub fn snapshot_crates(root: &Path, target: &Path, failures: &mut Vec<String>) -> Result<usize> {
    let mut count = 0;
    for spec in crate::snapshot_specs(root)? {
        let started = std::time::Instant::now();
        let stem = crate::spec_stem(&spec)?;
        if stem == "crate_words" {
            // Checked above with every feature alone.
            continue;
        }
        let label = format!(
            "{}/{}",
            crate::SNAPSHOT_SPECS,
            spec.file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
        );
        let dir = root.join("target/snapshot-crates").join(&stem);
        let text = std::fs::read_to_string(&spec)
            .with_context(|| format!("reading {}", spec.display()))?;
        let mut settings = codegen::Settings::new(&stem, crate::SNAPSHOT_COMMAND, &label);
        settings.layout = crate::SNAPSHOT_CRATE;
        let out = codegen::generate(&text, &settings)
            .map_err(|d| anyhow::anyhow!("{} does not generate: {d:?}", spec.display()))?;
        let _ = std::fs::remove_dir_all(&dir);
        for f in &out.files {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(&path, &f.contents)?;
        }
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        let declared = declared(&dir.join("Cargo.toml"))?;
        let combinations = snapshot_combinations(&declared);
        failures.extend(check(&dir, target, &stem, true, &combinations)?);
        count += combinations.len() + 1;
        println!(
            "features: {stem}, all, none, then {:?} ({:.0?})",
            &combinations[1..],
            started.elapsed()
        );
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_spreads_from_first_to_last() {
        let f: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let names = |s: Vec<Vec<String>>| s.into_iter().map(|c| c.join("+")).collect::<Vec<_>>();
        assert_eq!(names(sample(&f, 3)), ["", "a", "e"]);
        assert_eq!(names(sample(&f, 4)), ["", "a", "c", "e"]);
        assert_eq!(names(sample(&f, 2)), ["", "a"]);
        assert_eq!(names(sample(&f, 1)), [""]);
        assert_eq!(names(sample(&f, 99)), names(combinations(&f)));
        assert_eq!(names(sample(&[], 3)), [""]);
    }

    #[test]
    fn snapshot_crates_are_checked_with_the_mock_and_the_program() {
        let f: Vec<String> = ["rustls", "native-tls", "a", "b", "c", "mock", "cli"]
            .map(String::from)
            .to_vec();
        let names = |s: Vec<Vec<String>>| s.into_iter().map(|c| c.join("+")).collect::<Vec<_>>();
        assert_eq!(
            names(snapshot_combinations(&f)),
            ["", "a", "c", "mock", "cli", "a+mock+cli"]
        );
        let types_only: Vec<String> = vec!["unreferenced-types".into()];
        assert_eq!(
            names(snapshot_combinations(&types_only)),
            ["", "unreferenced-types"]
        );
    }
}
