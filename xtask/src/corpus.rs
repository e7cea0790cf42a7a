//! `cargo xtask corpus [PATH...]`: the generator on documents written by others.
//!
//! Every document is generated (panics caught and reported as failures) into one
//! crate of a scratch workspace; then one `cargo clippy --keep-going` checks them
//! all, and each crate's errors and warnings (rustc's and clippy's) are counted.
//! The table goes to the terminal and to `target/corpus/report.md`; any document
//! that fails to generate, fails to compile or warns makes the run fail.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
struct Row {
    document: String,
    krate: String,
    operations: usize,
    types: usize,
    schemas: usize,
    schema_types: usize,
    generated: bool,
    compiles: Option<bool>,
    warnings: usize,
    fallbacks: usize,
    diagnostics: usize,
    generation: Duration,
    lines: usize,
    first_error: String,
}

/// Documents to run: the files named, or every `.json`/`.yaml`/`.yml` in a folder.
pub fn documents(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("cannot list {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.extension()
                        .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
                })
                .collect();
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            bail!("{} is neither a file nor a folder", p.display());
        }
    }
    Ok(out)
}

pub fn crate_name(doc: &Path) -> String {
    let stem = doc.file_stem().and_then(|s| s.to_str()).unwrap_or("doc");
    let mut name = String::from("corpus_");
    let mut last_underscore = true;
    for c in stem.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
            last_underscore = false;
        } else if !last_underscore {
            name.push('_');
            last_underscore = true;
        }
    }
    name.trim_end_matches('_').to_string()
}

/// Generates one document, turning a panic into a failure with its message.
fn generate(doc: &Path, name: &str, dir: &Path) -> Row {
    let mut row = Row {
        document: doc.file_name().unwrap_or_default().to_string_lossy().into(),
        krate: name.into(),
        ..Row::default()
    };
    let text = match std::fs::read_to_string(doc) {
        Ok(t) => t,
        Err(e) => {
            row.first_error = format!("cannot read: {e}");
            return row;
        }
    };
    let expected_ops = count_operations(&text);
    let label = format!("corpus/{}", row.document);
    let mut settings = codegen::Settings::new(name, "cargo xtask corpus", label);
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let start = Instant::now();
    let result = std::panic::catch_unwind(|| codegen::generate(&text, &settings));
    row.generation = start.elapsed();
    match result {
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            row.first_error = format!("PANIC: {msg}");
        }
        Ok(Err(diags)) => {
            let first = diags.iter().find(|d| d.is_fatal()).or(diags.first());
            row.first_error = first
                .map(|d| format!("{} at {}", d.message, d.pointer))
                .unwrap_or_default();
            row.diagnostics = diags.len();
        }
        Ok(Ok(output)) => {
            row.generated = true;
            row.operations = output.stats.operations;
            row.types = output.stats.types;
            row.schemas = output.stats.schemas;
            row.schema_types = output.stats.schema_types;
            if row.schema_types < row.schemas {
                row.first_error = format!(
                    "only {} of {} named schemas became types",
                    row.schema_types, row.schemas
                );
            }
            if expected_ops != Some(row.operations) {
                row.generated = false;
                row.first_error = format!(
                    "{} methods for {expected_ops:?} operations in the document",
                    row.operations
                );
            }
            row.fallbacks = output.stats.fallbacks;
            row.diagnostics = output.diagnostics.len();
            row.lines = output
                .files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
                .map(|f| f.contents.lines().count())
                .sum();
            if let Err(e) = crate::fsutil::sync_dir(dir, &output.files, false) {
                row.generated = false;
                row.first_error = format!("cannot write: {e}");
            }
        }
    }
    row
}

/// Operations in a document, counted from its text independently of the generator.
fn count_operations(text: &str) -> Option<usize> {
    let doc = codegen::load::parse_value(text).ok()?;
    let paths = doc.get("paths").and_then(|p| p.as_object());
    Some(paths.map_or(0, |paths| {
        paths
            .values()
            .filter_map(|item| item.as_object())
            .map(|item| {
                [
                    "get", "put", "post", "delete", "options", "head", "patch", "trace",
                ]
                .iter()
                .filter(|m| item.get(**m).is_some_and(|op| op.is_object()))
                .count()
            })
            .sum()
    }))
}

/// Which crates' programs are built and run: `count` of them, the first the one
/// with the most operations — of all when `largest` (`--full`), else of those
/// with at most [`SAMPLED_PROGRAM_OPERATIONS`].
#[derive(Debug, Clone, Copy)]
pub struct ProgramSample {
    pub count: usize,
    pub largest: bool,
}

/// The most operations a sampled program has without `--full`: building the
/// program of GitHub's 767 operations is minutes on two cores (about 400 s under
/// load), and Twilio's 197 or Nexus's 193 exercise the same code.
pub const SAMPLED_PROGRAM_OPERATIONS: usize = 200;

pub fn run(
    root: &Path,
    paths: Vec<PathBuf>,
    check: bool,
    features_sample: usize,
    programs: ProgramSample,
) -> Result<()> {
    let paths = if paths.is_empty() {
        vec![root.join("../shared/corpus")]
    } else {
        paths
    };
    let docs = documents(&paths)?;
    if docs.is_empty() {
        bail!("no OpenAPI documents found in {paths:?}");
    }
    let out = root.join("target").join("corpus");
    let crates_dir = out.join("crates");
    std::fs::create_dir_all(&crates_dir)?;
    // Quiet panic output: a panic is reported in the table instead.
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let gen_start = Instant::now();
    let mut rows = Vec::new();
    for doc in &docs {
        let name = crate_name(doc);
        let row = generate(doc, &name, &crates_dir.join(&name));
        println!(
            "generated {:<45} {:>6.2}s {}",
            row.document,
            row.generation.as_secs_f64(),
            if row.generated {
                "ok".to_string()
            } else {
                format!("FAILED: {}", row.first_error)
            }
        );
        rows.push(row);
    }
    std::panic::set_hook(previous_hook);
    let gen_total = gen_start.elapsed();
    let peak = crate::peak_rss_mib();

    let members: Vec<&Row> = rows.iter().filter(|r| r.generated).collect();
    let mut check_time = Duration::ZERO;
    if check && !members.is_empty() {
        let list: Vec<String> = members
            .iter()
            .map(|r| format!("    \"crates/{}\",", r.krate))
            .collect();
        let manifest = format!(
            "# Scratch workspace written by `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = 0\n",
            list.join("\n")
        );
        std::fs::write(out.join("Cargo.toml"), manifest)?;
        // Same dependency versions as the main workspace, so its build is reused.
        let _ = std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock"));
        let start = Instant::now();
        let messages = clippy(&out, &root.join("target"))?;
        check_time = start.elapsed();
        for row in rows.iter_mut().filter(|r| r.generated) {
            let m = messages.get(&row.krate);
            row.compiles = Some(m.is_none_or(|m| m.errors == 0 && m.finished));
            row.warnings = m.map_or(0, |m| m.warnings);
            if let Some(first) =
                m.and_then(|m| m.first_error.clone().or_else(|| m.first_warning.clone()))
            {
                row.first_error = first;
            }
        }
    }
    let mut feature_failures = Vec::new();
    if check && features_sample > 0 {
        let clean: Vec<&str> = rows
            .iter()
            .filter(|r| r.compiles == Some(true) && r.warnings == 0)
            .map(|r| r.krate.as_str())
            .collect();
        let pairs = feature_sample(&crates_dir, &clean, features_sample)?;
        let start = Instant::now();
        for (krate, feature) in &pairs {
            let combination: Vec<String> = feature.iter().cloned().collect();
            let shown = feature.as_deref().unwrap_or("(none)");
            match crate::features::clippy(&out, &root.join("target"), krate, Some(&combination))? {
                Ok(()) => println!("features {krate} {shown}: clean"),
                Err(lints) => {
                    println!("features {krate} {shown}: FAILED");
                    let first: String = lints.lines().take(20).collect::<Vec<_>>().join("\n");
                    feature_failures.push(format!("{krate} with only `{shown}`:\n{first}"));
                }
            }
        }
        println!(
            "{} crate/feature combinations linted alone in {:.1} s",
            pairs.len(),
            start.elapsed().as_secs_f64()
        );
    }
    let mut cli_failures = Vec::new();
    if check && programs.count > 0 {
        let start = Instant::now();
        for row in program_sample(&rows, programs) {
            match program(&out, &root.join("target"), row) {
                Ok(line) => println!("program {}: {line}", row.krate),
                Err(e) => {
                    println!("program {}: FAILED", row.krate);
                    cli_failures.push(format!("{}: {e:#}", row.krate));
                }
            }
        }
        println!(
            "programs built and run in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    let report = table(&rows, gen_total, check_time, peak);
    println!("\n{report}");
    std::fs::write(out.join("report.md"), &report)?;
    println!("report written to {}", out.join("report.md").display());
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| {
            !r.generated
                || r.compiles == Some(false)
                || r.warnings > 0
                || r.schema_types < r.schemas
        })
        .map(|r| r.document.as_str())
        .collect();
    if !cli_failures.is_empty() {
        bail!(
            "programs (crate feature `cli`) that do not build or run:\n{}",
            cli_failures.join("\n")
        );
    }
    if !feature_failures.is_empty() {
        bail!(
            "features that do not compile clean alone:\n{}",
            feature_failures.join("\n")
        );
    }
    if !failed.is_empty() {
        bail!(
            "{} of {} documents failed or warned: {}",
            failed.len(),
            rows.len(),
            failed.join(", ")
        );
    }
    Ok(())
}

#[derive(Default, Debug)]
struct Messages {
    errors: usize,
    warnings: usize,
    finished: bool,
    first_error: Option<String>,
    first_warning: Option<String>,
}

/// `count` (crate, feature) pairs spread evenly over every feature of every crate
/// (in name order, so the sample is the same each run), and every fourth of them
/// with no feature at all instead.
fn feature_sample(
    crates_dir: &Path,
    crates: &[&str],
    count: usize,
) -> Result<Vec<(String, Option<String>)>> {
    let mut all = Vec::new();
    for krate in crates {
        let features = crate::features::declared(&crates_dir.join(krate).join("Cargo.toml"))?;
        all.extend(features.into_iter().map(|f| (krate.to_string(), f)));
    }
    all.sort();
    if all.is_empty() {
        return Ok(Vec::new());
    }
    let step = (all.len() / count.min(all.len())).max(1);
    Ok(all
        .into_iter()
        .step_by(step)
        .take(count)
        .enumerate()
        .map(|(i, (krate, feature))| (krate, (i % 4 != 3).then_some(feature)))
        .collect())
}

/// The crates whose program is built and run: the one with the most operations
/// (GitHub's in the whole corpus with `--full`; else the largest of at most
/// [`SAMPLED_PROGRAM_OPERATIONS`]), then others spread over the rest by name.
fn program_sample(rows: &[Row], sample: ProgramSample) -> Vec<&Row> {
    let count = sample.count;
    let mut clean: Vec<&Row> = rows
        .iter()
        .filter(|r| r.compiles == Some(true) && r.warnings == 0 && r.operations > 0)
        .filter(|r| sample.largest || r.operations <= SAMPLED_PROGRAM_OPERATIONS)
        .collect();
    let Some(largest) = clean.iter().copied().max_by_key(|r| r.operations) else {
        return Vec::new();
    };
    clean.retain(|r| r.krate != largest.krate);
    let mut out = vec![largest];
    let rest = count.saturating_sub(1).min(clean.len());
    if let Some(step) = clean.len().checked_div(rest) {
        out.extend(clean.iter().step_by(step.max(1)).take(rest));
    }
    out
}

/// Builds a crate's program (`cargo build --features cli`, which must not warn),
/// checks that `--help` lists a command per operation, and that the first
/// command's `--help` works. Returns a line saying what it found.
fn program(workspace: &Path, target: &Path, row: &Row) -> Result<String> {
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args([
            "build",
            "--quiet",
            "-p",
            &row.krate,
            "--features",
            "cli",
            "--bin",
        ])
        .arg(&row.krate)
        .arg("--message-format=json")
        .output()
        .context("running cargo build")?;
    let mut executable = None;
    let mut warnings = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if v["target"]["name"] != row.krate.as_str() {
            continue;
        }
        match v["reason"].as_str() {
            Some("compiler-message")
                if matches!(v["message"]["level"].as_str(), Some("warning" | "error")) =>
            {
                warnings.push(v["message"]["rendered"].as_str().unwrap_or("?").to_string());
            }
            Some("compiler-artifact") => {
                if let Some(exe) = v["executable"].as_str() {
                    executable = Some(PathBuf::from(exe));
                }
            }
            _ => {}
        }
    }
    if !out.status.success() || !warnings.is_empty() {
        bail!(
            "the program does not build cleanly: {}{}",
            warnings.join("\n"),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let built = start.elapsed();
    let exe = executable.context("cargo named no executable")?;
    let help = Command::new(&exe).arg("--help").output()?;
    let text = String::from_utf8_lossy(&help.stdout);
    if !help.status.success() {
        bail!("`--help` failed: {}", String::from_utf8_lossy(&help.stderr));
    }
    let commands = listed_commands(&text);
    if commands.len() != row.operations {
        bail!(
            "`--help` lists {} commands for {} operations",
            commands.len(),
            row.operations
        );
    }
    // Each command's parser is built (and checked by clap's debug assertions)
    // only when it is used: ask each for its help.
    for command in &commands {
        let sub = Command::new(&exe)
            .args([command.as_str(), "--help"])
            .output()?;
        if !sub.status.success() || !String::from_utf8_lossy(&sub.stdout).contains("Example:") {
            bail!(
                "`{command} --help` failed: {}",
                String::from_utf8_lossy(&sub.stderr)
            );
        }
    }
    Ok(format!(
        "built in {:.1} s; `--help` lists all {} operations, and each one's `--help` works",
        built.as_secs_f64(),
        commands.len()
    ))
}

/// The command names a program's `--help` lists (under a heading per tag,
/// before the options).
pub fn listed_commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Usage:"))
        .take_while(|l| *l != "Options:")
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Runs clippy over the scratch workspace and sorts its messages by crate.
fn clippy(workspace: &Path, target: &Path) -> Result<BTreeMap<String, Messages>> {
    let mut child = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args([
            "clippy",
            "--workspace",
            // Every tag and the `mock` feature's server: all the code a crate has.
            "--all-features",
            "--keep-going",
            "--quiet",
            "--message-format=json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running cargo clippy")?;
    let mut by_crate: BTreeMap<String, Messages> = BTreeMap::new();
    let stdout = child.stdout.take().context("clippy output")?;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let target_name = v["target"]["name"].as_str().unwrap_or_default().to_string();
        match v["reason"].as_str() {
            Some("compiler-message") if target_name.starts_with("corpus_") => {
                let m = by_crate.entry(target_name).or_default();
                let msg = &v["message"];
                let text = msg["message"].as_str().unwrap_or_default();
                let at = msg["spans"]
                    .as_array()
                    .and_then(|s| s.first())
                    .map(|s| {
                        format!(
                            "{}:{}",
                            s["file_name"]
                                .as_str()
                                .unwrap_or("?")
                                .rsplit('/')
                                .next()
                                .unwrap_or("?"),
                            s["line_start"]
                        )
                    })
                    .unwrap_or_default();
                match msg["level"].as_str() {
                    Some("error") => {
                        m.errors += 1;
                        m.first_error.get_or_insert_with(|| format!("{at}: {text}"));
                    }
                    Some("warning")
                        if !text.contains("warning emitted")
                            && !text.contains("warnings emitted") =>
                    {
                        m.warnings += 1;
                        m.first_warning
                            .get_or_insert_with(|| format!("warning {at}: {text}"));
                    }
                    _ => {}
                }
            }
            Some("compiler-artifact") if target_name.starts_with("corpus_") => {
                by_crate.entry(target_name).or_default().finished = true;
            }
            _ => {}
        }
    }
    child.wait()?;
    Ok(by_crate)
}

fn table(rows: &[Row], generation: Duration, check: Duration, peak: Option<f64>) -> String {
    let mut s = String::from(
        "| document | ops | schemas → types | all types | generated | compiles | warnings | fallbacks | gen s | lines | first error |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let compiles = match r.compiles {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "—",
        };
        let mut first = r.first_error.replace('|', "\\|").replace('\n', " ");
        if first.chars().count() > 120 {
            first = first.chars().take(117).collect::<String>() + "…";
        }
        s.push_str(&format!(
            "| `{}` | {} | {} → {} | {} | {} | {} | {} | {} | {:.2} | {} | {} |\n",
            r.document,
            r.operations,
            r.schemas,
            r.schema_types,
            r.types,
            if r.generated { "yes" } else { "NO" },
            compiles,
            r.warnings,
            r.fallbacks,
            r.generation.as_secs_f64(),
            r.lines,
            first
        ));
    }
    let generated = rows.iter().filter(|r| r.generated).count();
    let compiled = rows.iter().filter(|r| r.compiles == Some(true)).count();
    let clean = rows
        .iter()
        .filter(|r| r.compiles == Some(true) && r.warnings == 0)
        .count();
    s.push_str(&format!(
        "\n{} documents: {generated} generated, {compiled} compile, {clean} without warnings; {} operations, {} fallbacks.\n",
        rows.len(),
        rows.iter().map(|r| r.operations).sum::<usize>(),
        rows.iter().map(|r| r.fallbacks).sum::<usize>(),
    ));
    s.push_str(&format!(
        "Generation {:.1} s in all (peak memory of the generating process {}); clippy of all crates {:.1} s.\n",
        generation.as_secs_f64(),
        peak.map_or("unknown".to_string(), |m| format!("{m:.0} MiB")),
        check.as_secs_f64()
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(ops: &[(&str, usize)]) -> Vec<Row> {
        ops.iter()
            .map(|(name, operations)| Row {
                krate: (*name).to_string(),
                operations: *operations,
                compiles: Some(true),
                ..Row::default()
            })
            .collect()
    }

    #[test]
    fn the_program_sample_leaves_the_largest_to_full() {
        let rows = rows(&[("a", 3), ("big", 767), ("c", 197), ("d", 1), ("e", 21)]);
        let names = |count, largest| -> Vec<String> {
            program_sample(&rows, ProgramSample { count, largest })
                .iter()
                .map(|r| r.krate.clone())
                .collect()
        };
        assert_eq!(names(2, false), ["c", "a"]);
        assert_eq!(names(1, true), ["big"]);
        assert_eq!(names(3, true)[0], "big");
        assert!(names(9, false).iter().all(|n| n != "big"));
        assert!(names(0, true).len() <= 1);
    }
}
