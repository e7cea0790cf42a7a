//! `cargo xtask bench`: our generator and cargo-progenitor 0.15, side by side.
//!
//! 1. generation wall time and peak memory on four large documents;
//! 2. `cargo check` time of each generated crate alone (dependencies built first);
//! 3. generation time by stage for the GitHub document;
//!    plus the GitHub crate with one feature (`repos`) and a release build of the
//!    nexus crate, ours and progenitor's;
//! 4. per-request overhead of the generated client against raw `reqwest`, decode
//!    throughput with and without the unknown-member capture, and what keeping
//!    timestamps' text costs (`bench/harness`);
//! 5. regeneration of an unchanged spec;
//! 6. what the command-line program (crate feature `cli`) costs to compile: the
//!    nexus crate checked and built with and without it (`--only-program` runs
//!    this part alone and updates its section of `bench/results.md`);
//! 7. measured alone only (`--only users`, `--only tag`, in `bench_users`): clean
//!    builds for each TLS choice, `cargo doc`, rust-analyzer, and one tag's cost
//!    against none; and (`--only instructions`) the instructions the compiler
//!    runs to check the nexus crates; the full run keeps their sections as they
//!    were.
//!
//! Every figure is the median of several runs. The table is printed and written to
//! `bench/results.md` with a description of the machine.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub const PROGENITOR_VERSION: &str = "0.15.1";
const RUNS: usize = 5;
const CHECK_RUNS: usize = 3;
/// Rounds of a `cargo check` compared side by side (ours, then theirs).
const PAIRED_RUNS: usize = 5;

const DOCUMENTS: [(&str, &str); 4] = [
    ("nexus", "progenitor__nexus.json"),
    ("github", "progenitor__api.github.com.json"),
    ("stripe", "stripe__spec3.yaml"),
    ("openai", "openai__openapi.yaml"),
];

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Reads a child's output to the end on a thread of its own, so a full pipe never
/// blocks the child while the caller samples its memory.
fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Runs a command to the end, sampling the child's peak memory (`VmHWM`) as it runs.
pub(crate) fn measured(cmd: &mut Command) -> Result<(Duration, f64, std::process::Output)> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let pid = child.id().to_string();
    let out_reader = drain(child.stdout.take());
    let err_reader = drain(child.stderr.take());
    let mut peak = 0.0_f64;
    let status = loop {
        if let Some(mib) = crate::peak_rss_mib_of(&pid) {
            peak = peak.max(mib);
        }
        if let Some(status) = child.try_wait()? {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    let output = std::process::Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    };
    Ok((elapsed, peak, output))
}

fn cargo(root: &Path) -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.current_dir(root);
    c
}

pub(crate) fn progenitor(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".tools/progenitor");
    let bin = dir.join("bin/cargo-progenitor");
    if !bin.exists() {
        println!("installing cargo-progenitor {PROGENITOR_VERSION} into .tools/progenitor (once)");
        let status = cargo(root)
            .args([
                "install",
                "--locked",
                "cargo-progenitor",
                "--version",
                PROGENITOR_VERSION,
                "--root",
            ])
            .arg(&dir)
            .status()?;
        if !status.success() {
            bail!("could not install cargo-progenitor");
        }
    }
    Ok(bin)
}

struct Generation {
    doc: &'static str,
    ours: Option<(f64, f64)>,
    theirs: Result<(f64, f64), String>,
    /// The median of the alternated rounds' ratios of time (ours / theirs).
    ratio: Option<f64>,
}

struct Check {
    doc: &'static str,
    ours: Option<f64>,
    theirs: Option<f64>,
    /// The median of the alternated rounds' ratios, when both crates checked.
    ratio: Option<f64>,
}

/// One tag's consumer, and release builds.
struct Consumer {
    repos_only: Option<f64>,
    /// All features, in the rounds alternated with `repos_only`.
    github_all: Option<f64>,
    /// The median of those rounds' ratios.
    repos_share: Option<f64>,
    release_ours: Option<f64>,
    release_theirs: Option<f64>,
    /// The release build of a program calling every operation of each.
    release_ours_caller: Option<f64>,
    release_theirs_caller: Option<f64>,
}

/// The scratch workspace of the generated crates (and the programs calling the
/// nexus crates' operations, returned). It sits above the crates: cargo looks
/// for a crate's workspace in its ancestors, and would otherwise find this
/// repository's.
fn scratch_workspace(bench: &Path, generation: &[Generation]) -> Result<Vec<(String, PathBuf)>> {
    let mut members = Vec::new();
    for g in generation {
        members.push(format!("\"ours/{}\"", g.doc));
        if g.theirs.is_ok() {
            members.push(format!("\"progenitor/{}\"", g.doc));
        }
    }
    // Programs that call every operation of the nexus crates (release builds).
    let consumers = consumers(bench, generation)?;
    for (package, _) in &consumers {
        members.push(format!("\"consumers/{package}\""));
    }
    std::fs::write(
        bench.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask bench`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\nexclude = [\"plain\"]\n\n[profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    )?;
    // Our crates are generated standalone (own `[workspace]`); members must not be.
    for g in generation {
        for side in ["ours", "progenitor"] {
            let manifest = bench.join(side).join(g.doc).join("Cargo.toml");
            if let Ok(text) = std::fs::read_to_string(&manifest) {
                let text = text.replace("\n[workspace]\n", "\n");
                std::fs::write(&manifest, text)?;
            }
        }
    }
    Ok(consumers)
}

/// Release builds of the nexus crates, then of the programs calling their
/// operations: ours, cargo-progenitor's, our caller, theirs.
fn release_builds(
    bench: &Path,
    generation: &[Generation],
    consumers: &[(String, PathBuf)],
) -> [Option<f64>; 4] {
    let release_target = bench.join("release-target");
    let release_ours = cargo_time(
        bench,
        &release_target,
        "bench_nexus",
        &bench.join("ours/nexus/src/lib.rs"),
        &["build", "--release"],
    )
    .map_err(|e| eprintln!("{e}"))
    .ok();
    let release_theirs = if generation
        .iter()
        .any(|g| g.doc == "nexus" && g.theirs.is_ok())
    {
        cargo_time(
            bench,
            &release_target,
            "progenitor_nexus",
            &bench.join("progenitor/nexus/src/lib.rs"),
            &["build", "--release"],
        )
        .map_err(|e| eprintln!("{e}"))
        .ok()
    } else {
        None
    };
    let mut callers = [None, None];
    for (package, lib) in consumers {
        let side = usize::from(package.ends_with("progenitor"));
        callers[side] = cargo_time(
            bench,
            &release_target,
            package,
            lib,
            &["build", "--release"],
        )
        .map_err(|e| eprintln!("{e}"))
        .ok();
    }
    [release_ours, release_theirs, callers[0], callers[1]]
}

/// The lines of a manifest's `[dependencies]` table, optional ones left out.
fn dependencies_of(manifest: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = trimmed == "[dependencies]";
        } else if inside && !trimmed.is_empty() && !trimmed.contains("optional = true") {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The crates of `bench/consumers`: (package, its `src/lib.rs`), ours first,
/// then cargo-progenitor's when it generated the nexus crate.
fn consumers(bench: &Path, generation: &[Generation]) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let theirs = generation
        .iter()
        .any(|g| g.doc == "nexus" && g.theirs.is_ok());
    let sides = [
        ("ours", "bench_nexus", true),
        ("progenitor", "progenitor_nexus", theirs),
    ];
    for (side, lib, present) in sides {
        if !present {
            continue;
        }
        let package = format!("calls_{side}");
        let dir = bench.join("consumers").join(&package);
        let source = if side == "ours" {
            crate::bench_consumer::ours(&bench.join("ours/nexus"), lib)?
        } else {
            crate::bench_consumer::progenitor(&bench.join("progenitor/nexus/src/lib.rs"), lib)?
        };
        // The crate's own dependencies too: its signatures name their types
        // (`::uuid::Uuid` in cargo-progenitor's).
        let manifest = std::fs::read_to_string(bench.join(side).join("nexus/Cargo.toml"))?;
        let dependencies = dependencies_of(&manifest);
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "# Written by `cargo xtask bench`.\n[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{lib} = {{ path = \"../../{side}/nexus\" }}\n{dependencies}"
            ),
        )?;
        let lib_rs = dir.join("src/lib.rs");
        std::fs::write(&lib_rs, source)?;
        out.push((package, lib_rs));
    }
    Ok(out)
}

/// Median `cargo check` of one crate of a scratch workspace, dependencies built first.
///
/// Incremental compilation is off: after a regeneration most of the crate has
/// changed, and with it on, checking an untouched crate again reuses nearly every
/// query and measures almost nothing of the crate itself.
fn check_time(workspace: &Path, target: &Path, package: &str, lib: &Path) -> Result<f64> {
    cargo_time(workspace, target, package, lib, &["check"])
}

/// Median time of `cargo <args> -p <package>` after touching the crate root, the
/// dependencies built by a first run.
fn cargo_time(
    workspace: &Path,
    target: &Path,
    package: &str,
    lib: &Path,
    args: &[&str],
) -> Result<f64> {
    let times = cargo_rounds(workspace, target, &[(package, lib, args)], CHECK_RUNS)?;
    Ok(median(times.into_iter().flatten().collect()))
}

/// One build of a side of [`cargo_rounds`]: its package, crate root and cargo's
/// arguments.
type Side<'a> = (&'a str, &'a Path, &'a [&'a str]);

/// The times of `cargo <args> -p <package>` of each side, `rounds` times, the
/// sides alternated within each round (so that a machine's drift falls on both
/// alike), each after touching its crate root; the dependencies built first.
/// `out[round][side]`.
fn cargo_rounds(
    workspace: &Path,
    target: &Path,
    sides: &[Side<'_>],
    rounds: usize,
) -> Result<Vec<Vec<f64>>> {
    let run = |(package, _, args): &Side<'_>| -> Result<f64> {
        let start = Instant::now();
        let out = Command::new(env!("CARGO"))
            .current_dir(workspace)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .args(*args)
            .args(["--quiet", "-p", package])
            .output()?;
        if !out.status.success() {
            bail!(
                "cargo {} -p {package} failed:\n{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(start.elapsed().as_secs_f64())
    };
    for side in sides {
        run(side)?; // dependencies
    }
    let mut out = Vec::new();
    for _ in 0..rounds {
        let mut round = Vec::new();
        for side in sides {
            // Touching the crate root makes cargo check the crate again, and only it.
            touch(side.1)?;
            round.push(run(side)?);
        }
        out.push(round);
    }
    Ok(out)
}

/// Two builds alternated for `rounds` rounds ([`cargo_rounds`]): the median
/// time of each, and the median of the rounds' ratios (`a / b`).
fn paired(
    workspace: &Path,
    target: &Path,
    a: Side<'_>,
    b: Side<'_>,
    rounds: usize,
) -> Result<(f64, f64, f64)> {
    let rounds = cargo_rounds(workspace, target, &[a, b], rounds)?;
    let side = |i: usize| median(rounds.iter().map(|r| r[i]).collect());
    let ratio = median(rounds.iter().map(|r| r[0] / r[1]).collect());
    Ok((side(0), side(1), ratio))
}

/// What the program (crate feature `cli`) of the nexus crate costs to compile.
struct Program {
    operations: usize,
    /// Wall and CPU seconds of each.
    check_lib: (f64, f64),
    check_cli: (f64, f64),
    build_lib: (f64, f64),
    build_cli: (f64, f64),
    binary_mib: f64,
}

/// Writes `file` again unchanged, so that cargo builds its crate again (a new
/// modification time; the contents, and so the work, stay the same).
pub(crate) fn touch(file: &Path) -> Result<()> {
    std::fs::write(file, std::fs::read(file)?)?;
    Ok(())
}

/// User and system CPU seconds of this process's finished children
/// (`/proc/self/stat`, fields 16 and 17, in clock ticks of 1/100 s).
pub(crate) fn children_cpu() -> Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // The command name may hold spaces; the fields after it do not.
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    // `after` starts at field 3 (state).
    let tick = |n: usize| -> Result<f64> {
        Ok(fields
            .get(n - 3)
            .context("short /proc/self/stat")?
            .parse::<f64>()?
            / 100.0)
    };
    Ok(tick(16)? + tick(17)?)
}

/// Generates the nexus crate standalone and measures `cargo check` and `cargo
/// build` (dev profile, dependencies built, clap included) without and with the
/// `cli` feature.
fn program_cost(root: &Path, corpus: &Path) -> Result<Program> {
    let dir = root.join("target/bench/program");
    let krate = dir.join("nexus");
    let text = std::fs::read_to_string(corpus.join("progenitor__nexus.json"))?;
    let settings =
        codegen::Settings::new("bench_nexus", "cargo xtask bench", "progenitor__nexus.json");
    let output = codegen::generate(&text, &settings).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    crate::fsutil::sync_dir(&krate, &output.files, false)?;
    // As the other crates of the benchmark: no debug info.
    let manifest = krate.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    if !text.contains("[profile.dev]") {
        std::fs::write(&manifest, format!("{text}\n[profile.dev]\ndebug = 0\n"))?;
    }
    let target = dir.join("target");
    let lib = krate.join("src/lib.rs");
    // Wall time, and the CPU time of the compilers (user + system, from the
    // kernel's account of this process's children), which other load on a
    // shared machine disturbs much less.
    let time = |args: &[&str]| -> Result<(f64, f64)> {
        let run = || -> Result<(f64, f64)> {
            let before = children_cpu()?;
            let start = Instant::now();
            let out = Command::new(env!("CARGO"))
                .current_dir(&krate)
                .env("CARGO_TARGET_DIR", &target)
                .env("CARGO_INCREMENTAL", "0")
                .args(args)
                .args(["--quiet", "-p", "bench_nexus"])
                .output()?;
            if !out.status.success() {
                bail!(
                    "cargo {args:?} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            Ok((start.elapsed().as_secs_f64(), children_cpu()? - before))
        };
        run()?; // dependencies
        let (mut walls, mut cpus) = (Vec::new(), Vec::new());
        for _ in 0..CHECK_RUNS {
            touch(&lib)?;
            let (wall, cpu) = run()?;
            walls.push(wall);
            cpus.push(cpu);
        }
        let (wall, cpu) = (median(walls), median(cpus));
        println!(
            "nexus `cargo {}`: {wall:.2} s, CPU {cpu:.2} s",
            args.join(" ")
        );
        Ok((wall, cpu))
    };
    let check_lib = time(&["check"])?;
    let check_cli = time(&["check", "--features", "cli"])?;
    let build_lib = time(&["build"])?;
    let build_cli = time(&["build", "--features", "cli"])?;
    let binary = std::fs::metadata(target.join("debug/bench_nexus"))?.len();
    Ok(Program {
        operations: output.stats.operations,
        check_lib,
        check_cli,
        build_lib,
        build_cli,
        binary_mib: binary as f64 / 1024.0 / 1024.0,
    })
}

fn program_section(p: &Program) -> String {
    let row = |what: &str, a: (f64, f64), b: (f64, f64)| {
        format!(
            "| {what} | {:.2} s (CPU {:.2} s) | {:.2} s (CPU {:.2} s) | {:+.0} % (CPU {:+.0} %) |\n",
            a.0,
            a.1,
            b.0,
            b.1,
            100.0 * (b.0 - a.0) / a.0,
            100.0 * (b.1 - a.1) / a.1
        )
    };
    format!(
        "## The command-line program (crate feature `cli`)\n\nThe nexus crate ({} operations), generated standalone; dev profile, dependencies (clap included) built, incremental compilation off; median of {CHECK_RUNS} runs after touching `src/lib.rs`, wall time and the compilers' CPU time (user + system).\n\n| measure | library (default features) | with the program (`--features cli`) | the program adds |\n|---|---|---|---|\n{}{}\nThe program's binary (dev profile, no debug info): {:.1} MiB. Most of what the build adds is machine code for every operation's request and response types (sending, decoding), which a library build without a caller never generates. Library users who leave `cli` off compile none of it and no new dependency.\n",
        p.operations,
        row("`cargo check`", p.check_lib, p.check_cli),
        row("`cargo build`", p.build_lib, p.build_cli),
        p.binary_mib
    )
}

/// `report` with its program section replaced by `section` (or inserted before
/// the stages, when it has none).
fn splice_program(report: &str, section: &str) -> String {
    splice_section(report, "## The command-line program", section)
}

/// `report` with the section that starts with `head` replaced by `section` (or
/// inserted before the stages, when it has none).
pub(crate) fn splice_section(report: &str, head: &str, section: &str) -> String {
    if let Some(start) = report.find(head) {
        let end = report[start + head.len()..]
            .find("\n## ")
            .map_or(report.len(), |i| start + head.len() + i + 1);
        format!(
            "{}{section}{}",
            &report[..start],
            if end < report.len() {
                format!("\n{}", &report[end..])
            } else {
                String::new()
            }
        )
    } else if let Some(at) = report.find("## Stages") {
        format!("{}{section}\n{}", &report[..at], &report[at..])
    } else {
        format!("{report}\n{section}")
    }
}

/// The section of `report` that starts with `head`, to its end.
fn section_of<'r>(report: &'r str, head: &str) -> Option<&'r str> {
    let start = report.find(head)?;
    let rest = &report[start..];
    Some(match rest[head.len()..].find("\n## ") {
        Some(i) => &rest[..head.len() + i],
        None => rest,
    })
}

/// Parts 1 and 3: each document generated by both generators, alternated for
/// [`RUNS`] rounds (the medians, and the median of the rounds' ratios), and the
/// stages of our median run on the GitHub document.
fn generation(
    bench: &Path,
    corpus: &Path,
    documents: &[(&'static str, &'static str)],
    ours_bin: &Path,
    theirs_bin: Option<&Path>,
) -> Result<(Vec<Generation>, String)> {
    let mut generation = Vec::new();
    let mut stages = String::new();
    for &(name, file) in documents {
        let spec = corpus.join(file);
        // Both generators' peaks are sampled the same way, from outside.
        let ours_run = || -> Result<(f64, f64, String)> {
            let out_dir = bench.join("ours").join(name);
            let _ = std::fs::remove_dir_all(&out_dir);
            let (t, peak, out) = measured(
                Command::new(ours_bin)
                    .args([
                        "generate",
                        "--timings",
                        "--name",
                        &format!("bench_{name}"),
                        "--spec",
                    ])
                    .arg(&spec)
                    .arg("--out")
                    .arg(&out_dir),
            )?;
            if !out.status.success() {
                bail!(
                    "generating {file} failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            let line = text
                .lines()
                .find(|l| l.starts_with("timings:"))
                .unwrap_or_default()
                .to_string();
            Ok((t.as_secs_f64(), peak, line))
        };
        // cargo-progenitor's run: its time and peak, or the first line of its failure.
        let theirs_run = |bin: &Path| -> Result<Result<(f64, f64), String>> {
            let out_dir = bench.join("progenitor").join(name);
            let _ = std::fs::remove_dir_all(&out_dir);
            let (t, peak, out) = measured(
                Command::new(bin)
                    .args([
                        "progenitor",
                        "-v",
                        "0.1.0",
                        "-n",
                        &format!("progenitor_{name}"),
                        "-i",
                    ])
                    .arg(&spec)
                    .arg("-o")
                    .arg(&out_dir),
            )?;
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                let first = err
                    .lines()
                    .find(|l| l.contains("panicked") || l.contains("rror"))
                    .unwrap_or("failed");
                return Ok(Err(format!(
                    "fails: {}",
                    first.trim().chars().take(90).collect::<String>()
                )));
            }
            Ok(Ok((t.as_secs_f64(), peak)))
        };
        // The two alternated in each round, so that the ratio is of one moment
        // of the machine.
        let (mut times, mut peaks, mut stage_lines) = (Vec::new(), Vec::new(), Vec::new());
        let (mut their_times, mut their_peaks, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        let mut theirs: Result<(), String> = match theirs_bin {
            None => Err("not run".to_string()),
            Some(_) => Ok(()),
        };
        for _ in 0..RUNS {
            let (t, peak, line) = ours_run()?;
            times.push(t);
            peaks.push(peak);
            stage_lines.push((t, line));
            if let (Ok(()), Some(bin)) = (&theirs, theirs_bin) {
                match theirs_run(bin)? {
                    Ok((tt, tm)) => {
                        their_times.push(tt);
                        their_peaks.push(tm);
                        ratios.push(t / tt);
                    }
                    Err(failure) => theirs = Err(failure),
                }
            }
        }
        if name == "github" {
            stage_lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            stages = stage_lines[stage_lines.len() / 2].1.clone();
        }
        println!("generated {name}");
        generation.push(Generation {
            doc: name,
            ours: Some((median(times), median(peaks))),
            theirs: theirs.map(|()| (median(their_times), median(their_peaks))),
            ratio: (!ratios.is_empty()).then(|| median(ratios)),
        });
    }

    Ok((generation, stages))
}

/// Builds the generator in release, as every part measures it; returns its path.
fn release_generator(root: &Path) -> Result<PathBuf> {
    println!("building the generator (release)");
    if !cargo(root)
        .args(["build", "--quiet", "--release", "-p", "xtask"])
        .status()?
        .success()
    {
        bail!("release build failed");
    }
    Ok(root.join("target/release/xtask"))
}

/// `cargo xtask bench --only generation`: the generation table alone (parts 1 and
/// 3), written to `bench/generation.md`.
pub fn run_generation_only(root: &Path, corpus: &Path) -> Result<()> {
    let bench = root.join("target/bench");
    std::fs::create_dir_all(&bench)?;
    let ours_bin = release_generator(root)?;
    let theirs_bin = progenitor(root)?;
    let (generation, stages) =
        generation(&bench, corpus, &DOCUMENTS, &ours_bin, Some(&theirs_bin))?;
    let report = format!(
        "# Generation\n\nWritten by `cargo xtask bench --only generation`. Machine: {}.\nEach figure is the median of {RUNS} runs, ours and cargo-progenitor's alternated; the ratio is the median of the rounds' ratios.\n\n{}\n## Stages, GitHub document (median run)\n\n`{stages}`\n",
        machine(),
        generation_rows(&generation)
    );
    println!("\n{report}");
    std::fs::write(root.join("bench/generation.md"), &report)?;
    println!("written to bench/generation.md");
    Ok(())
}

/// The generation table.
fn generation_rows(generation: &[Generation]) -> String {
    let mut s = String::from(
        "| document | ours | ours peak | cargo-progenitor 0.15.1 | its peak | ours / theirs |\n|---|---|---|---|---|---|\n",
    );
    for g in generation {
        let (ot, om) = g.ours.unwrap_or_default();
        match &g.theirs {
            Ok((tt, tm)) => s.push_str(&format!(
                "| {} | {:.3} s | {:.0} MiB | {:.3} s | {:.0} MiB | {} |\n",
                g.doc,
                ot,
                om,
                tt,
                tm,
                g.ratio.map_or("—".into(), |r| format!("{r:.2}×"))
            )),
            Err(e) => s.push_str(&format!(
                "| {} | {:.3} s | {:.0} MiB | {} | — | — |\n",
                g.doc,
                ot,
                om,
                e.replace('|', "\\|")
            )),
        }
    }
    s
}

/// `cargo xtask bench --only-program`: part 6 alone, written into its section of
/// `bench/results.md`.
pub fn run_program_only(root: &Path, corpus: &Path) -> Result<()> {
    let section = program_section(&program_cost(root, corpus)?);
    println!("\n{section}");
    let path = root.join("bench/results.md");
    let report = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, splice_program(&report, &section))?;
    println!("written to bench/results.md");
    Ok(())
}

/// `--only release`: the nexus crate of each generator and a program calling all
/// of its operations, built in release; the section of bench/results.md.
pub fn run_release_only(root: &Path, corpus: &Path) -> Result<()> {
    let bench = root.join("target/bench-release");
    let generation = nexus_of_both(root, corpus, &bench)?;
    let consumers = scratch_workspace(&bench, &generation)?;
    let [ours, theirs, ours_caller, theirs_caller] =
        release_builds(&bench, &generation, &consumers);
    let section = release_section(ours, theirs, ours_caller, theirs_caller);
    println!("\n{section}");
    let path = root.join("bench/results.md");
    let report = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, splice_section(&report, RELEASE_HEAD, &section))?;
    println!("written to bench/results.md");
    Ok(())
}

/// The nexus crate of each generator, generated into `bench` (the parts of
/// the benchmark that compare the two on nexus alone).
fn nexus_of_both(root: &Path, corpus: &Path, bench: &Path) -> Result<Vec<Generation>> {
    std::fs::create_dir_all(bench)?;
    let ours_bin = release_generator(root)?;
    let theirs_bin = progenitor(root)?;
    let (generation, _) = generation(
        bench,
        corpus,
        &DOCUMENTS[..1],
        &ours_bin,
        Some(theirs_bin.as_path()),
    )?;
    Ok(generation)
}

const RELEASE_HEAD: &str = "## Release builds of the nexus crate";

fn release_section(
    ours: Option<f64>,
    theirs: Option<f64>,
    ours_caller: Option<f64>,
    theirs_caller: Option<f64>,
) -> String {
    let secs = |t: Option<f64>| t.map_or("failed".to_string(), |t| format!("{t:.2} s"));
    let ratio =
        |a: Option<f64>, b: Option<f64>| a.zip(b).map_or("—".to_string(), |(a, b)| ratio(a, b));
    let sum = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| a + b);
    let (ours_all, theirs_all) = (sum(ours, ours_caller), sum(theirs, theirs_caller));
    format!(
        "{RELEASE_HEAD}\n\n`cargo build --release`, dependencies built, incremental compilation off, median of {CHECK_RUNS} runs after touching the crate's `src/lib.rs` (`cargo xtask bench --only release`). The program (`bench/consumers`, written by the benchmark from the generated sources) has one function per operation returning the boxed call, so that the call's sending and decoding are compiled: what a program calling every operation adds to the crate's build.\n\n| build | ours | cargo-progenitor's | ours / theirs |\n|---|---|---|---|\n| the crate | {} | {} | {} |\n| a program calling all its operations | {} | {} | {} |\n| both | {} | {} | {} |\n",
        secs(ours),
        secs(theirs),
        ratio(ours, theirs),
        secs(ours_caller),
        secs(theirs_caller),
        ratio(ours_caller, theirs_caller),
        secs(ours_all),
        secs(theirs_all),
        ratio(ours_all, theirs_all),
    )
}

pub fn run(root: &Path, corpus: &Path, skip_progenitor: bool) -> Result<()> {
    let bench = root.join("target/bench");
    std::fs::create_dir_all(&bench)?;
    let ours_bin = release_generator(root)?;
    let theirs_bin = if skip_progenitor {
        None
    } else {
        Some(progenitor(root)?)
    };

    // 1 and 3: generation.
    let (generation, stages) =
        generation(&bench, corpus, &DOCUMENTS, &ours_bin, theirs_bin.as_deref())?;

    // 2: cargo check of each generated crate alone.
    // The scratch workspace sits above the crates: cargo looks for a crate's
    // workspace in its ancestors, and would otherwise find this repository's.
    let check_ws = bench.clone();
    let consumers = scratch_workspace(&bench, &generation)?;
    let check_target = bench.join("check-target");
    let mut checks = Vec::new();
    for g in &generation {
        let ours_lib = bench.join("ours").join(g.doc).join("src/lib.rs");
        let theirs_lib = bench.join("progenitor").join(g.doc).join("src/lib.rs");
        let (ours_pkg, theirs_pkg) = (format!("bench_{}", g.doc), format!("progenitor_{}", g.doc));
        let alone = || {
            check_time(&check_ws, &check_target, &ours_pkg, &ours_lib).map(|ours| Check {
                doc: g.doc,
                ours: Some(ours),
                theirs: None,
                ratio: None,
            })
        };
        let check = match g.theirs.is_ok() {
            // Side by side, so that the ratio is of one moment of the machine; ours
            // alone when theirs does not check.
            true => paired(
                &check_ws,
                &check_target,
                (&ours_pkg, &ours_lib, &["check"]),
                (&theirs_pkg, &theirs_lib, &["check"]),
                PAIRED_RUNS,
            )
            .map(|(ours, theirs, ratio)| Check {
                doc: g.doc,
                ours: Some(ours),
                theirs: Some(theirs),
                ratio: Some(ratio),
            })
            .or_else(|e| {
                eprintln!("{e}");
                alone()
            }),
            false => alone(),
        };
        println!("checked {}", g.doc);
        checks.push(check.unwrap_or_else(|e| {
            eprintln!("{e}");
            Check {
                doc: g.doc,
                ours: None,
                theirs: None,
                ratio: None,
            }
        }));
    }

    // 2b: what a consumer of one tag pays, and release builds.
    let github_lib = bench.join("ours/github/src/lib.rs");
    // Alternated with the crate with all its features, as the nexus crates are.
    let check: &[&str] = &["check"];
    let repos: &[&str] = &["check", "--no-default-features", "--features", "repos"];
    let (repos_only, github_all, repos_share) = match paired(
        &check_ws,
        &check_target,
        ("bench_github", &github_lib, repos),
        ("bench_github", &github_lib, check),
        CHECK_RUNS,
    ) {
        Ok((repos, all, share)) => (Some(repos), Some(all), Some(share)),
        Err(e) => {
            eprintln!("{e}");
            (None, None, None)
        }
    };
    println!("checked github with only `repos`");
    let [
        release_ours,
        release_theirs,
        release_ours_caller,
        release_theirs_caller,
    ] = release_builds(&bench, &generation, &consumers);
    println!("built nexus (release)");
    let consumer = Consumer {
        release_ours_caller,
        release_theirs_caller,
        repos_only,
        github_all,
        repos_share,
        release_ours,
        release_theirs,
    };

    // 4: the harness.
    let spec = std::fs::read_to_string(root.join(crate::SPEC))?;
    let mut settings = crate::consoleconnect_settings();
    settings.crate_name = "plain_models".into();
    settings.capture_unknown = false;
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let plain = codegen::generate(&spec, &settings).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    crate::fsutil::sync_dir(&bench.join("plain"), &plain.files, false)?;
    println!("running bench/harness (release)");
    let out = cargo(root)
        .env("CARGO_TARGET_DIR", bench.join("harness-target"))
        .args([
            "run",
            "--quiet",
            "--release",
            "--manifest-path",
            "bench/harness/Cargo.toml",
        ])
        .output()?;
    if !out.status.success() {
        bail!(
            "bench/harness failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let harness: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("harness output")?;

    // 5: an unchanged spec.
    let (mut regen, mut writes) = (Vec::new(), 0);
    Command::new(&ours_bin)
        .arg("codegen")
        .current_dir(root)
        .output()?;
    for _ in 0..RUNS {
        let start = Instant::now();
        let out = Command::new(&ours_bin)
            .arg("codegen")
            .current_dir(root)
            .output()?;
        regen.push(start.elapsed().as_secs_f64());
        if !String::from_utf8_lossy(&out.stdout).contains("nothing written") {
            writes += 1;
        }
    }

    // 6: the program.
    let program = program_section(&program_cost(root, corpus)?);
    let report = splice_program(
        &table(
            &generation,
            &checks,
            &consumer,
            &stages,
            &harness,
            median(regen),
            writes,
        ),
        &program,
    );
    // The parts measured alone (`--only users`, `--only tag`) keep their last figures.
    let previous = std::fs::read_to_string(root.join("bench/results.md")).unwrap_or_default();
    let mut report = splice_section(
        &report,
        RELEASE_HEAD,
        &release_section(
            consumer.release_ours,
            consumer.release_theirs,
            consumer.release_ours_caller,
            consumer.release_theirs_caller,
        ),
    );
    for head in [
        crate::bench_users::TAG_HEAD,
        crate::bench_users::USERS_HEAD,
        INSTRUCTIONS_HEAD,
    ] {
        if let Some(kept) = section_of(&previous, head) {
            report = splice_section(&report, head, kept);
        }
    }
    println!("\n{report}");
    std::fs::write(root.join("bench/results.md"), &report)?;
    println!("written to bench/results.md");
    wide(root, false)
}

/// The "wide documents" table (`crate::wide`): one schema at ×1, ×2, ×4 and ×8
/// of its width, time and peak memory of the release generator, written to
/// `bench/wide.md`. `build`: build the release generator first.
pub fn wide(root: &Path, build: bool) -> Result<()> {
    let bin = if build {
        release_generator(root)?
    } else {
        root.join("target/release/xtask")
    };
    let work = root.join("target/bench/wide");
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    let (rows, ok) = crate::wide::table(&bin, &work, |cmd| {
        let (t, peak, out) = measured(cmd)?;
        Ok(crate::wide::Run {
            seconds: t.as_secs_f64(),
            mib: peak,
            success: out.status.success(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        })
    })?;
    let report = format!(
        "# Wide documents\n\nMeasured by `cargo xtask bench --only wide` on {}: `generate` of a document whose one schema is an enum, an object or a discriminated union of the width shown, or whose descriptions are one line of that many unclosed Markdown openers (`prose`; release build, one run each: wall time, CPU time (user and system, all threads, as the process counts it: the figure that survives a loaded machine) and peak memory of the process). Linear growth shows as ratios near 2 between rows of one shape. Targets at ×8: ≤ {} s and ≤ {} MiB. Load average when it started: {}.\n\n{rows}\nTargets {}.\n",
        machine(),
        crate::wide::MAX_SECONDS,
        crate::wide::MAX_MIB,
        load,
        if ok { "met" } else { "NOT met" }
    );
    println!("\n{report}");
    std::fs::write(root.join("bench/wide.md"), &report)?;
    println!("written to bench/wide.md");
    Ok(())
}

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or("?".into(), |kib| {
            format!("{:.0} GiB", kib / 1024.0 / 1024.0)
        });
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {mem} RAM; {rustc}")
}

fn ratio(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

fn table(
    generation: &[Generation],
    checks: &[Check],
    consumer: &Consumer,
    stages: &str,
    h: &serde_json::Value,
    regen: f64,
    writes: usize,
) -> String {
    let mut s = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench`. Machine: {}.\nEach figure is the median of {RUNS} runs ({CHECK_RUNS} for `cargo check`; {PAIRED_RUNS} where both generators' crates are checked). Where ours is compared with cargo-progenitor's (generation, `cargo check`), the two run alternately and the ratio is the median of the rounds' ratios.\n\n",
        machine()
    );
    s.push_str("## Generation (release build; wall time and peak memory)\n\n");
    s.push_str(&generation_rows(generation));
    s.push_str("\n## `cargo check` of the generated crate alone (dependencies already built, incremental compilation off)\n\n| document | ours | cargo-progenitor's | ours / theirs |\n|---|---|---|---|\n");
    for c in checks {
        let ours = c.ours.map_or("failed".into(), |t| format!("{t:.2} s"));
        let (theirs, r) = match (c.ours, c.theirs) {
            (Some(_), Some(t)) => (
                format!("{t:.2} s"),
                c.ratio.map_or("—".into(), |r| format!("{r:.2}×")),
            ),
            (_, Some(t)) => (format!("{t:.2} s"), "—".into()),
            _ => ("— (no crate)".into(), "—".into()),
        };
        s.push_str(&format!("| {} | {ours} | {theirs} | {r} |\n", c.doc));
    }
    let secs = |t: Option<f64>| t.map_or("failed".to_string(), |t| format!("{t:.2} s"));
    let share = consumer
        .repos_share
        .map_or("—".into(), |r| format!("{:.0} %", 100.0 * r));
    s.push_str(&format!(
        "\n## Paying for what you use\n\n| measure | time | against |\n|---|---|---|\n| `cargo check` of the GitHub crate with only the `repos` feature (`--no-default-features --features repos`) | {} | {share} of all features ({}, checked alternately with it) |\n",
        secs(consumer.repos_only),
        secs(consumer.github_all)
    ));
    let release_ratio = match (consumer.release_ours, consumer.release_theirs) {
        (Some(a), Some(b)) => ratio(a, b),
        _ => "—".into(),
    };
    s.push_str(&format!(
        "| `cargo build --release` of the nexus crate (dependencies built) | {} | cargo-progenitor's {}: {release_ratio} |\n",
        secs(consumer.release_ours),
        secs(consumer.release_theirs)
    ));
    s.push_str(&format!("\n## Stages, GitHub document (median run)\n\n`{stages}`\n\nEmitting and formatting run in parallel chunks; their CPU times are summed over threads.\n"));
    let f = |k: &str| h[k].as_f64().unwrap_or(f64::NAN);
    s.push_str(&format!(
        "\n## Runtime (bench/harness, release)\n\nOne loopback GET with a JSON body, decoded; {} requests per side per round, sides rotated each round; the ratio is the median of the per-round ratios.\n\n| measure | generated | baseline | ratio |\n|---|---|---|---|\n| per request, against a hand-written reqwest call with the same per-request timeout | {:.1} µs | {:.1} µs | {:.3}× |\n| per request, against the bare hand-written call (no timeout, so no timer) | {:.1} µs | {:.1} µs | {:.3}× |\n| decode of a {:.1} MiB port list | {:.0} MiB/s | {:.0} MiB/s (same structs without the `extra` map) | {} slower |\n",
        h["requests_per_round"],
        f("client_us"),
        f("raw_reqwest_timeout_us"),
        f("overhead_ratio_timeout"),
        f("client_us"),
        f("raw_reqwest_us"),
        f("overhead_ratio"),
        f("decode_bytes") / 1024.0 / 1024.0,
        f("decode_mb_s"),
        f("plain_decode_mb_s"),
        ratio(f("plain_decode_mb_s"), f("decode_mb_s")),
    ));
    let t = |k: &str| h["timestamps"][k].as_f64().unwrap_or(f64::NAN);
    s.push_str(&format!(
        "\n## Timestamps kept as sent\n\n100 000 `date-time` strings decoded (ns per value): as the runtime's `DateTime` (the exact text) {:.0} ns, as `String` {:.0} ns, as `chrono::DateTime<Utc>` (parsed while decoding) {:.0} ns; `DateTime::to_utc()` on a decoded value {:.0} ns.\n",
        t("timestamp_kept_ns"),
        t("timestamp_string_ns"),
        t("timestamp_chrono_ns"),
        t("timestamp_to_utc_ns"),
    ));
    s.push_str(&format!(
        "\n## Unchanged spec\n\n`xtask codegen` on an unchanged spec: {regen:.3} s (release binary), {writes} of {RUNS} runs wrote a file.\n"
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consumer_takes_the_crates_required_dependencies() {
        let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nuuid = \"1\"\nclap = { version = \"4\", optional = true }\n\n[features]\ncli = [\"dep:clap\"]\n";
        assert_eq!(dependencies_of(manifest), "uuid = \"1\"\n");
    }

    #[test]
    fn the_program_section_is_replaced_in_place() {
        let report = "# B\n\n## A\n\na\n\n## Stages\n\ns\n";
        let once = splice_program(report, "## The command-line program\n\nold\n");
        assert_eq!(
            once,
            "# B\n\n## A\n\na\n\n## The command-line program\n\nold\n\n## Stages\n\ns\n"
        );
        let twice = splice_program(&once, "## The command-line program\n\nnew\n");
        assert_eq!(twice, once.replace("old", "new"));
    }

    #[test]
    fn a_kept_section_moves_whole_into_a_new_report() {
        let old = "# B\n\n## A\n\na\n\n## What users feel\n\nu\n\n### sub\n\nv\n\n## Stages\n\ns\n";
        let kept = section_of(old, "## What users feel").unwrap();
        assert_eq!(kept, "## What users feel\n\nu\n\n### sub\n\nv\n");
        let new = splice_section(
            "# B\n\n## A\n\nb\n\n## Stages\n\nt\n",
            "## What users feel",
            kept,
        );
        assert_eq!(
            new,
            "# B\n\n## A\n\nb\n\n## What users feel\n\nu\n\n### sub\n\nv\n\n## Stages\n\nt\n"
        );
        assert_eq!(splice_section(&new, "## What users feel", kept), new);
    }

    #[test]
    fn measured_keeps_output_and_samples_memory() {
        let (elapsed, peak, out) =
            measured(Command::new("sh").args(["-c", "echo out; echo err >&2; sleep 0.2"])).unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        assert!(elapsed >= Duration::from_millis(200));
        assert!(peak > 0.0, "a running child has a resident set");
    }
}

const INSTRUCTIONS_HEAD: &str = "## Instructions of `cargo check` (`--only instructions`)";

/// `cargo xtask bench --only instructions`: the instructions the compiler runs
/// to check the nexus crate, ours and cargo-progenitor's, counted by callgrind.
/// Wall times here drift by a quarter between identical runs, so a change of a
/// few percent to a crate's check cost is invisible in them; the instruction
/// count of the same compiler command repeats to a fraction of a percent.
/// Needs valgrind (Debian package `valgrind`).
pub fn run_instructions_only(root: &Path, corpus: &Path) -> Result<()> {
    let valgrind = Command::new("valgrind").arg("--version").output();
    if !valgrind.is_ok_and(|o| o.status.success()) {
        bail!("`--only instructions` needs valgrind: install the Debian package `valgrind`");
    }
    let bench = root.join("target/bench-instructions");
    let generation = nexus_of_both(root, corpus, &bench)?;
    scratch_workspace(&bench, &generation)?;
    let target = bench.join("check-target");
    let mut counts = Vec::new();
    for (side, package) in [("ours", "bench_nexus"), ("progenitor", "progenitor_nexus")] {
        let lib = bench.join(side).join("nexus/src/lib.rs");
        // Dependencies first (a plain check: no timed rounds), then the crate
        // alone, under callgrind.
        cargo_rounds(&bench, &target, &[(package, &lib, &["check"])], 0)?;
        touch(&lib)?;
        let out_dir = bench.join(format!("callgrind-{side}"));
        let _ = std::fs::remove_dir_all(&out_dir);
        std::fs::create_dir_all(&out_dir)?;
        println!("counting the instructions of checking {package} (a few minutes)");
        let status = Command::new("valgrind")
            .current_dir(&bench)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .args([
                "--tool=callgrind",
                "--trace-children=yes",
                "--log-file=/dev/null",
            ])
            .arg(format!(
                "--callgrind-out-file={}/callgrind.%p",
                out_dir.display()
            ))
            .args([env!("CARGO"), "check", "--quiet", "-p", package])
            .status()?;
        if !status.success() {
            bail!("cargo check -p {package} under callgrind failed");
        }
        counts.push(compiler_instructions(&out_dir, package)?);
    }
    let section = instructions_section(counts[0], counts[1]);
    println!("\n{section}");
    let path = root.join("bench/results.md");
    let report = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, splice_section(&report, INSTRUCTIONS_HEAD, &section))?;
    println!("written to bench/results.md");
    Ok(())
}

/// The instruction count of the compiler process that checked `package`, among
/// the callgrind files of every process `cargo check` ran (cargo, its probes).
fn compiler_instructions(dir: &Path, package: &str) -> Result<u64> {
    let crate_name = format!("--crate-name {package} ");
    for entry in std::fs::read_dir(dir)? {
        let text = std::fs::read_to_string(entry?.path())?;
        let command = text.lines().find_map(|l| l.strip_prefix("cmd: "));
        if !command.is_some_and(|c| c.contains(&crate_name)) {
            continue;
        }
        if let Some(count) = callgrind_total(&text) {
            return Ok(count);
        }
    }
    bail!(
        "no callgrind file in {} is of the compiler checking {package}",
        dir.display()
    )
}

/// The `summary:` (or `totals:`) line of a callgrind file: instructions run.
fn callgrind_total(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary: ")
                .or_else(|| l.strip_prefix("totals: "))
        })
        .and_then(|n| n.trim().parse().ok())
}

fn instructions_section(ours: u64, theirs: u64) -> String {
    let billions = |n: u64| format!("{:.3} billion", n as f64 / 1e9);
    format!(
        "{INSTRUCTIONS_HEAD}\n\nThe compiler process of `cargo check -p <crate>` of the nexus crate (dependencies built, incremental compilation off, after touching `src/lib.rs`), run under `valgrind --tool=callgrind --trace-children=yes`: the instructions it executed. Unlike wall time, this repeats to a fraction of a percent between runs and machines of one architecture, so it shows what a change to the generated code costs the check. {}.\n\n| crate | instructions | ours / theirs |\n|---|---|---|\n| ours | {} | {} |\n| cargo-progenitor {PROGENITOR_VERSION}'s | {} | |\n",
        machine(),
        billions(ours),
        ratio(ours as f64, theirs as f64),
        billions(theirs),
    )
}

#[cfg(test)]
mod instruction_tests {
    use super::*;

    #[test]
    fn the_compilers_file_is_found_by_its_command() {
        let dir = std::env::temp_dir().join(format!("callgrind-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("callgrind.1"),
            "version: 1\ncmd: cargo check -p bench_nexus\nsummary: 900\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("callgrind.2"),
            "version: 1\ncmd: rustc --crate-name bench_nexus_extra --edition=2024\nsummary: 7\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("callgrind.3"),
            "version: 1\ncmd: rustc --crate-name bench_nexus --edition=2024 src/lib.rs\nevents: Ir\ntotals: 123456\n",
        )
        .unwrap();
        assert_eq!(compiler_instructions(&dir, "bench_nexus").unwrap(), 123456);
        assert!(compiler_instructions(&dir, "progenitor_nexus").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn each_crate_has_its_row() {
        let section = instructions_section(1_000_000_000, 4_000_000_000);
        assert!(
            section.contains("| ours | 1.000 billion | 0.25× |"),
            "{section}"
        );
        assert!(section.contains("'s | 4.000 billion | |"), "{section}");
    }
}
