//! The maintainer jobs behind `cargo xtask`, as a library so tests can run them.
#![forbid(unsafe_code)]

pub mod api_diff;
pub mod bench;
pub mod bench_consumer;
pub mod bench_users;
pub mod conformance;
pub mod contract;
pub mod corpus;
pub mod features;
pub mod fsutil;
pub mod fuzz;
pub mod litellm;
pub mod live;
pub mod scratch;
pub mod self_profile;
pub mod streaming_bench;
pub mod tool_tests;
pub mod wide;
pub mod yaml_oracle;

use anyhow::{Context, Result};
use codegen::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};

/// The Console Connect document, relative to the workspace root.
pub const SPEC: &str = "spec/consoleconnect.yaml";
/// Where the Console Connect crate is written.
pub const GENERATED: &str = "generated";
pub const CRATE_NAME: &str = "consoleconnect";
/// The generated crate's version: raised by whoever changes its API, as
/// `cargo xtask api-diff` says.
pub const CRATE_VERSION_FILE: &str = "spec/crate-version";

/// Installs the cargo subcommand `krate` at `version` into the ignored
/// `.tools/<krate>/` on first use; returns its binary. A tool that only runs
/// for a moment is built without the fat LTO some ask for (`fast`).
pub fn cargo_tool(root: &Path, krate: &str, version: &str, fast: bool) -> Result<PathBuf> {
    let dir = root.join(".tools").join(krate);
    let tool = dir.join("bin").join(krate);
    if tool.exists() {
        return Ok(tool);
    }
    println!("installing {krate} {version} into .tools/{krate}");
    let mut install = std::process::Command::new(env!("CARGO"));
    // The compiler beside this cargo: run outside `cargo` (CI starts `xtask tools`
    // as a program), rustup's `rustc` would pick the toolchain of each package's
    // folder, and a crate that names nightly there was built by another compiler
    // than its dependencies (E0514).
    let rustc = Path::new(env!("CARGO")).with_file_name("rustc");
    if rustc.exists() {
        install.env("RUSTC", rustc);
    }
    if fast {
        install
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
            .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1");
    }
    let status = install
        .args(["install", "--locked", krate, "--version", version, "--root"])
        .arg(&dir)
        .status()
        .with_context(|| format!("running cargo install {krate}"))?;
    if !status.success() {
        anyhow::bail!("could not install {krate} {version}");
    }
    Ok(tool)
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// How the checked-in crate is generated: one place, used by the command and the
/// freshness test alike.
pub fn consoleconnect_settings() -> codegen::Settings {
    let mut settings = codegen::Settings::new(CRATE_NAME, "cargo xtask codegen", SPEC);
    if let Ok(version) = std::fs::read_to_string(workspace_root().join(CRATE_VERSION_FILE)) {
        settings.crate_version = version.trim().to_string();
    }
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    settings
}

/// What a codegen run did, or the document's problems that stopped it.
pub type CodegenResult = Result<(codegen::Output, Vec<fsutil::Change>), Vec<Diagnostic>>;

/// Regenerates `generated/` (or, with `check`, only compares). The outer error is
/// I/O; the inner one the document's problems (with `deny_warnings`, its warnings
/// too, and then nothing is written).
pub fn codegen(check: bool, deny_warnings: bool) -> Result<CodegenResult> {
    let root = workspace_root();
    let path = root.join(SPEC);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let output = match codegen::generate(&text, &consoleconnect_settings()) {
        Ok(o) => o,
        Err(diags) => return Ok(Err(diags)),
    };
    if deny_warnings && !output.diagnostics.is_empty() {
        return Ok(Err(promote(output.diagnostics)));
    }
    let changes = fsutil::sync_dir(&root.join(GENERATED), &output.files, check)?;
    Ok(Ok((output, changes)))
}

/// Warnings as errors (`--deny-warnings`).
pub fn promote(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics
        .into_iter()
        .map(|mut d| {
            d.severity = codegen::diagnostics::Severity::Error;
            d
        })
        .collect()
}

/// Focused documents, one per generator feature, and where their snapshots live.
pub const SNAPSHOT_SPECS: &str = "tests/specs";
pub const SNAPSHOTS: &str = "tests/snapshots";

/// The command that writes every generated file of the repository.
pub const SNAPSHOT_COMMAND: &str = "cargo xtask codegen";
/// The command that accepts every change of the generator's output, the tests'
/// expectations included.
pub const ACCEPT_COMMAND: &str = "cargo xtask codegen --bless";

/// Runs the tests whose expectations are written by their own tools in accept
/// mode (insta for the bad-spec diagnostics and the program's help, trybuild for
/// compile errors), and
/// lists the expectation files that changed.
pub fn bless() -> Result<Vec<(&'static str, PathBuf)>> {
    let root = workspace_root();
    let dirs = [
        "tests/bad-specs/expected",
        "tests/ui",
        "tests/tests/snapshots",
    ];
    let before = read_tree(&root, &dirs)?;
    // The tests crate's files are modules of its one test program (`all`).
    for (package, test, filter, env, value) in [
        (
            "consoleconnect-tests",
            "all",
            &["bad_specs::", "cli::"][..],
            "INSTA_UPDATE",
            "always",
        ),
        // The compile tests are a crate of their own (`tests/ui/Cargo.toml`).
        ("consoleconnect-ui", "ui", &[][..], "TRYBUILD", "overwrite"),
    ] {
        let status = std::process::Command::new(env!("CARGO"))
            .current_dir(&root)
            .env(env, value)
            .args(["test", "--quiet", "-p", package, "--test", test, "--"])
            .args(filter)
            .status()
            .context("running cargo test")?;
        if !status.success() {
            anyhow::bail!("`cargo test -p {package} --test {test}` failed even in accept mode");
        }
    }
    let after = read_tree(&root, &dirs)?;
    let mut changed = Vec::new();
    for (path, text) in &after {
        match before.get(path) {
            None => changed.push(("created ", path.clone())),
            Some(old) if old != text => changed.push(("accepted", path.clone())),
            _ => {}
        }
    }
    Ok(changed)
}

fn read_tree(root: &Path, dirs: &[&str]) -> Result<std::collections::BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack: Vec<PathBuf> = dirs.iter().map(|d| root.join(d)).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(path.clone(), std::fs::read(&path)?);
            }
        }
    }
    Ok(out)
}

/// The focused documents (`tests/specs/*.yaml`, `*.json`), sorted.
pub fn snapshot_specs(root: &Path) -> Result<Vec<PathBuf>> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join(SNAPSHOT_SPECS))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    specs.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"));
    specs.sort();
    Ok(specs)
}

/// A focused document's name (`client` for `tests/specs/client.yaml`): its
/// snapshot's, its crate's and its package's.
pub fn spec_stem(spec: &Path) -> Result<String> {
    Ok(spec
        .file_stem()
        .and_then(|s| s.to_str())
        .context("spec file name")?
        .to_string())
}

/// Regenerates (or, with `check`, compares) the snapshots of each focused
/// document: one single file, and its crate (`crates/<document>/`).
pub fn snapshots(check: bool) -> Result<Vec<fsutil::Change>> {
    let root = workspace_root();
    let mut files = Vec::new();
    for spec in snapshot_specs(&root)? {
        let stem = spec_stem(&spec)?;
        let text = std::fs::read_to_string(&spec)?;
        let label = format!(
            "{SNAPSHOT_SPECS}/{}",
            spec.file_name()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
        );
        let mut settings = codegen::Settings::new(&stem, SNAPSHOT_COMMAND, &label);
        settings.layout = codegen::Layout::SingleFile {
            deny_warnings: true,
        };
        let generate = |settings: &codegen::Settings| {
            codegen::generate(&text, settings).map_err(|diags| {
                anyhow::anyhow!(
                    "{label} has errors:\n{}",
                    codegen::diagnostics::render_all(&diags, &label, &text)
                )
            })
        };
        files.extend(generate(&settings)?.files);
        settings.layout = SNAPSHOT_CRATE;
        files.extend(
            generate(&settings)?
                .files
                .into_iter()
                .filter(|f| !is_runtime_copy(&f.path))
                .map(|mut f| {
                    f.path = Path::new(SNAPSHOT_CRATES).join(&stem).join(&f.path);
                    f
                }),
        );
    }
    fsutil::sync_dir(&root.join(SNAPSHOTS), &files, check)
}

/// Where, below [`SNAPSHOTS`], each focused document's crate is snapshotted
/// (`crates/<document>/`): its features, module files, mock and program.
pub const SNAPSHOT_CRATES: &str = "crates";

/// How the focused documents' crates are generated: each a workspace of its
/// own (an empty `[workspace]`), so that Cargo run in its directory does not
/// take it for a member of this one.
pub const SNAPSHOT_CRATE: codegen::Layout = codegen::Layout::Crate {
    standalone: true,
    publish: false,
};

/// A module of the runtime copied into a crate (`src/runtime/<module>.rs`): the
/// same text as `runtime/src/<module>.rs`, so its snapshots leave it out
/// (`src/runtime/mod.rs`, which says which modules the crate has, stays).
pub fn is_runtime_copy(path: &Path) -> bool {
    path.starts_with("src/runtime") && path.file_name().is_some_and(|n| n != "mod.rs")
}

/// Peak resident memory of this process, from the kernel's own account.
pub fn peak_rss_mib() -> Option<f64> {
    peak_rss_mib_of("self")
}

/// Peak resident memory (`VmHWM`) of a process (`self` or a pid), while it runs.
pub fn peak_rss_mib_of(process: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{process}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time (user and system, every thread) this process has used so far, in
/// seconds, from the kernel's own account (`/proc/self/stat`, in ticks of 10 ms).
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses: state is the 3rd
    // field of the line, utime the 14th and stime the 15th.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let mut fields = rest.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    // USER_HZ, which Linux fixes at 100 for what it reports to programs.
    Some((user + system) / 100.0)
}
