//! `cargo xtask …`: the maintainers' commands.
//!
//! - `codegen [--check] [--bless]` regenerates `generated/` and the test snapshots
//! - `generate --spec PATH --out DIR [--name CRATE]` makes a standalone crate from any document
//! - `validate PATH [--deny-warnings]` reports a document's problems
//! - `conformance [DOC…] [--full]` proves generated crates on examples, synthetic
//!   instances and a Prism mock
//! - `live [SERVER…] [--all]` runs generated clients against real servers (Chroma,
//!   Airflow) installed from pinned PyPI releases
//! - `yaml-oracle [--bless]` compares our YAML reader with PyYAML's C loader
//! - `corpus`, `features`, `contract`, `litellm`, `api-diff`, `tool-tests`: the
//!   checks CI adds to `cargo test` (README, "The test loop")
//! - `bench`, `fuzz`: benchmarks and fuzzing, by hand
//!
//! Each command's flags are in its `--help` (the `Command` enum below).
#![forbid(unsafe_code)]

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use codegen::diagnostics::{Diagnostic, SourceMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xtask::{GENERATED, SPEC, fsutil};

/// Generation allocates many small token trees and strings; mimalloc cuts the
/// time spent in the allocator (measured by `cargo xtask bench`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Maintainer commands for the OpenAPI → Rust generator"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `generated/` from `spec/consoleconnect.yaml` and the snapshots of
    /// `tests/specs/` (`--bless`: also the tests' expected diagnostics and errors).
    Codegen {
        /// Write nothing; fail listing every stale or missing file.
        #[arg(long)]
        check: bool,
        /// Treat the document's warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Also accept the diagnostics snapshots (insta) and compile errors (trybuild)
        /// the tests compare against, by running those tests in accept mode.
        #[arg(long)]
        bless: bool,
    },
    /// Generate a standalone crate from any OpenAPI document.
    Generate {
        #[arg(long)]
        spec: PathBuf,
        #[arg(long)]
        out: PathBuf,
        /// Package name (default: derived from the document's file name).
        #[arg(long)]
        name: Option<String>,
        /// Package version of the generated crate.
        #[arg(long, default_value = "0.1.0")]
        version: String,
        /// Treat the document's warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// Print the time each stage took, and the peak memory.
        #[arg(long)]
        timings: bool,
    },
    /// Generate and compile every document of a corpus (default `../shared/corpus`).
    Corpus {
        /// Documents, or folders of documents.
        paths: Vec<PathBuf>,
        /// Generate only; skip `cargo clippy` of the generated crates.
        #[arg(long)]
        no_check: bool,
        /// Also lint this many (crate, feature) pairs with only that feature on
        /// (and some crates with none), spread over the corpus (0: none).
        #[arg(long, default_value_t = 8)]
        features_sample: usize,
        /// Also build the program (crate feature `cli`) of this many crates, the
        /// one with the most operations (up to 200 without `--full`) first, and
        /// check its `--help` (0: none).
        #[arg(long, default_value_t = 2)]
        cli_sample: usize,
        /// Let the program sample start with the largest crate of all (GitHub's,
        /// 767 operations: minutes of building) rather than the largest of up to
        /// 200 operations.
        #[arg(long)]
        full: bool,
    },
    /// The Console Connect crate and the crate of `tests/specs/crate_words.yaml`
    /// compile clippy-clean with every feature alone, with none and with all
    /// (`cargo test` checks a sample); the other focused documents' crates with
    /// all, none, a sample alone, the mock and the program.
    Features {
        /// Only the focused documents' crates.
        #[arg(long)]
        snapshots_only: bool,
    },
    /// Fuzz the generator (installs cargo-fuzz; needs no nightly toolchain).
    Fuzz {
        /// `bytes` (any input), `structured` (edited real documents), `yaml`
        /// (built YAML: anchors, aliases, merge keys, deep nesting, odd `$ref`s) or
        /// `wide` (schemas made wide or deep: quadratic steps show as timeouts).
        #[arg(default_value = "bytes")]
        target: String,
        /// How long to run.
        #[arg(long, default_value_t = 1800)]
        seconds: u64,
    },
    /// Benchmarks against cargo-progenitor; writes bench/results.md.
    Bench {
        /// Skip cargo-progenitor (no install, our figures only).
        #[arg(long)]
        no_progenitor: bool,
        /// Run one part alone: `generation` (the generation table, ours against
        /// cargo-progenitor's, written to bench/generation.md), `streaming` (a 1 GiB download's peak memory,
        /// written to bench/streaming.md) or `wide` (the "wide documents" table,
        /// bench/wide.md: an enum, an object, a discriminated union and a line of
        /// description at ×1, ×2, ×4, ×8 of their width), `program` (what the command-line program,
        /// crate feature `cli`, costs to compile: that section of bench/results.md),
        /// `release` (release builds of the nexus crate of each generator and of a
        /// program calling all its operations: that section of bench/results.md),
        /// `users` (clean builds of the nexus crate for each TLS choice beside
        /// cargo-progenitor's, `cargo doc` and rust-analyzer on the GitHub crate)
        /// `tag` (the GitHub crate checked with all features, only `repos`, none)
        /// or `instructions` (callgrind's instruction count of `cargo check` of the
        /// nexus crate, ours and cargo-progenitor's; needs valgrind); each of the
        /// last three writes its section of bench/results.md.
        #[arg(long)]
        only: Option<String>,
    },
    /// Run the generated client against a Prism mock of the spec (installs Prism).
    Contract,
    /// Event streams end to end: the client generated from the OpenAI document
    /// against a LiteLLM proxy with mocked models on loopback (installs the
    /// pinned LiteLLM into `.tools/live/` on first use).
    Litellm,
    /// What the change to the generated crate does to its users: public items
    /// added, changed and removed, judged by cargo-semver-checks (installed on
    /// first use). Fails when the crate's version does not carry the release the
    /// change needs (set it in `spec/crate-version`).
    ApiDiff {
        /// The revision to compare with (default: the merge base with `main`;
        /// on `main`, the commit that set the crate's previous version).
        #[arg(long)]
        base: Option<String>,
    },
    /// Prove generated crates on data nobody here wrote: the documents' own
    /// examples, synthetic instances (json-schema-faker) and every operation called
    /// against a Prism mock. Default: our spec and `../shared/corpus`.
    Conformance {
        /// Documents, or folders of documents.
        paths: Vec<PathBuf>,
        /// Synthetic instances per schema (default 5; `--full` makes it 20).
        #[arg(long)]
        samples: Option<usize>,
        /// The nightly-style run: 20 instances per schema.
        #[arg(long)]
        full: bool,
        /// Seed of the synthetic instances.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Skip the calls against Prism.
        #[arg(long)]
        no_prism: bool,
        /// Where the table goes (default `bench/conformance.md` for a default run).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Generated clients against real servers from pinned PyPI releases, started on
    /// loopback (installed into `.tools/live/` on first use): seeded through their
    /// own API, every operation that can be filled called, every body validated,
    /// decoded and encoded again; failures classified. Default: Chroma.
    Live {
        /// Servers to run (`chroma`, `airflow`).
        servers: Vec<String>,
        /// Every server (Airflow too: a 1.5 GB install and a few minutes more).
        #[arg(long)]
        all: bool,
        /// Where the report goes (default `bench/live.md`).
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Read every YAML document (corpus, specs, a generated set) with our reader
    /// and with PyYAML's C loader (installed into `.tools/`), and compare.
    YamlOracle {
        /// Rewrite the generated set's expected JSON (`tests/yaml-oracle/`).
        #[arg(long)]
        bless: bool,
    },
    /// Install the tools some tests need (cargo-semver-checks, oidc-provider) and
    /// run those tests, which a plain `cargo test` lists as ignored.
    ToolTests,
    /// Install every pinned tool the CI steps after `cargo test` use (Prism,
    /// json-schema-faker, oidc-provider, LiteLLM, Chroma, cargo-semver-checks)
    /// into `.tools/`; CI runs it in the background while it builds.
    Tools,
    /// Report a document's problems without generating.
    Validate {
        path: PathBuf,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Codegen {
            check,
            deny_warnings,
            bless,
        } => codegen(check, deny_warnings, bless),
        Command::Generate {
            spec,
            out,
            name,
            version,
            deny_warnings,
            timings,
        } => generate(&spec, &out, name, version, deny_warnings, timings),
        Command::Validate {
            path,
            deny_warnings,
        } => validate(&path, deny_warnings),
        Command::YamlOracle { bless } => xtask::yaml_oracle::run(&xtask::workspace_root(), bless),
        Command::Corpus {
            paths,
            no_check,
            features_sample,
            cli_sample,
            full,
        } => xtask::corpus::run(
            &xtask::workspace_root(),
            paths,
            !no_check,
            features_sample,
            xtask::corpus::ProgramSample {
                count: cli_sample,
                largest: full,
            },
        ),
        Command::Fuzz { target, seconds } => {
            xtask::fuzz::run(&xtask::workspace_root(), &target, seconds)
        }
        Command::Bench {
            no_progenitor,
            only,
        } => {
            let root = xtask::workspace_root();
            match only.as_deref() {
                None => xtask::bench::run(&root, &root.join("../shared/corpus"), no_progenitor)
                    .and_then(|()| xtask::streaming_bench::run(&root)),
                Some("streaming") => xtask::streaming_bench::run(&root),
                Some("wide") => xtask::bench::wide(&root, true),
                Some("generation") => {
                    xtask::bench::run_generation_only(&root, &root.join("../shared/corpus"))
                }
                Some("program") => {
                    xtask::bench::run_program_only(&root, &root.join("../shared/corpus"))
                }
                Some("release") => {
                    xtask::bench::run_release_only(&root, &root.join("../shared/corpus"))
                }
                Some("users") => {
                    xtask::bench_users::run_users(&root, &root.join("../shared/corpus"))
                }
                Some("tag") => xtask::bench_users::run_tag(&root, &root.join("../shared/corpus")),
                Some("instructions") => {
                    xtask::bench::run_instructions_only(&root, &root.join("../shared/corpus"))
                }
                Some(other) => Err(anyhow::anyhow!(
                    "no benchmark part `{other}` (there are: generation, streaming, wide, program, release, users, tag, instructions)"
                )),
            }
        }
        Command::Contract => xtask::contract::run(&xtask::workspace_root()),
        Command::Features { snapshots_only } => {
            xtask::features::run(&xtask::workspace_root(), snapshots_only)
        }
        Command::ToolTests => xtask::tool_tests::run(&xtask::workspace_root()),
        Command::Tools => xtask::tool_tests::install(&xtask::workspace_root()),
        Command::Litellm => xtask::litellm::run(&xtask::workspace_root()),
        Command::ApiDiff { base } => api_diff(base),
        Command::Conformance {
            paths,
            samples,
            full,
            seed,
            no_prism,
            report,
        } => conformance(paths, samples, full, seed, no_prism, report),
        Command::Live {
            servers,
            all,
            report,
        } => live(servers, all, report),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn live(names: Vec<String>, all: bool, report: Option<PathBuf>) -> Result<()> {
    let root = xtask::workspace_root();
    let servers: Vec<xtask::live::Server> = if all {
        xtask::live::ALL.to_vec()
    } else if names.is_empty() {
        vec![xtask::live::CHROMA]
    } else {
        names
            .iter()
            .map(|n| {
                xtask::live::ALL
                    .iter()
                    .find(|s| s.name == n)
                    .copied()
                    .with_context(|| format!("no server `{n}` (there are: chroma, airflow)"))
            })
            .collect::<Result<_>>()?
    };
    let report = report.unwrap_or_else(|| root.join("bench/live.md"));
    let reports = xtask::live::run(&root, &servers, Some(&report))?;
    xtask::live::verdict(&reports)
}

fn conformance(
    paths: Vec<PathBuf>,
    samples: Option<usize>,
    full: bool,
    seed: u64,
    no_prism: bool,
    report: Option<PathBuf>,
) -> Result<()> {
    let root = xtask::workspace_root();
    let default_run = paths.is_empty();
    let paths = if default_run {
        vec![root.join(SPEC), root.join("../shared/corpus")]
    } else {
        paths
    };
    let options = xtask::conformance::Options {
        documents: xtask::corpus::documents(&paths)?,
        samples: samples.unwrap_or(if full { 20 } else { 5 }),
        seed,
        prism: !no_prism,
        report: report.or_else(|| default_run.then(|| root.join("bench/conformance.md"))),
    };
    let rows = xtask::conformance::run(&root, &options)?;
    xtask::conformance::verdict(&rows).map_err(anyhow::Error::msg)
}

fn read_spec(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn report(file: &str, text: &str, diagnostics: &[Diagnostic]) {
    eprint!(
        "{}",
        codegen::diagnostics::render_all(diagnostics, file, text)
    );
}

/// Everything the generator writes into this repository, in one command:
/// `generated/` from our spec, the snapshots of `tests/specs/`, and (`--bless`)
/// the expected diagnostics and compile errors the tests compare against.
fn codegen(check: bool, deny_warnings: bool, bless: bool) -> Result<()> {
    let spec_text = read_spec(&xtask::workspace_root().join(SPEC))?;
    let (output, mut changes) = match xtask::codegen(check, deny_warnings)? {
        Ok(done) => done,
        Err(diags) => {
            report(SPEC, &spec_text, &diags);
            bail!("{SPEC} has errors; nothing was generated");
        }
    };
    report(SPEC, &spec_text, &output.diagnostics);
    changes.extend(xtask::snapshots(check)?);
    if check {
        if changes.is_empty() {
            println!(
                "{GENERATED}/ ({} files) and {}/ are fresh",
                output.files.len(),
                xtask::SNAPSHOTS
            );
            return Ok(());
        }
        for c in &changes {
            eprintln!("  {c}");
        }
        bail!(
            "{} file(s) differ from what the generator writes; run `{}` and commit the result",
            changes.len(),
            xtask::ACCEPT_COMMAND
        );
    }
    for c in &changes {
        println!("  {c}");
    }
    if bless {
        for (what, c) in xtask::bless()? {
            println!("  {what} {}", c.display());
        }
    }
    if changes.is_empty() {
        println!(
            "{GENERATED}/ and {}/ were already fresh; nothing written",
            xtask::SNAPSHOTS
        );
    }
    Ok(())
}

fn api_diff(base: Option<String>) -> Result<()> {
    let report = xtask::api_diff::run(&xtask::workspace_root(), base)?;
    print!("{report}");
    if !report.version_is_enough() {
        bail!(
            "the change needs {}, but the version goes from {} to {}: raise it in {}, then run `cargo xtask codegen`",
            report.needed,
            report.base_version,
            report.version,
            xtask::CRATE_VERSION_FILE
        );
    }
    Ok(())
}

fn generate(
    spec: &Path,
    out: &Path,
    name: Option<String>,
    version: String,
    deny_warnings: bool,
    timings: bool,
) -> Result<()> {
    let text = read_spec(spec)?;
    let name = name.unwrap_or_else(|| crate_name_for(spec));
    let label = spec.display().to_string();
    let mut settings = codegen::Settings::new(
        &name,
        format!("cargo xtask generate --spec {label}"),
        &label,
    );
    settings.crate_version = version;
    // Large documents usually have warnings, and finding their lines is a pass over
    // the text of its own: it runs on another thread while the generator works.
    let (result, map) = std::thread::scope(|scope| {
        let map = scope.spawn(|| SourceMap::new(&text));
        let result = codegen::generate(&text, &settings);
        (result, map.join())
    });
    let map = map.map_err(|_| anyhow::anyhow!("internal error: locating diagnostics failed"))?;
    let report = |diags: &[Diagnostic]| {
        eprint!(
            "{}",
            codegen::diagnostics::render_all_with(diags, &label, &map)
        )
    };
    let output = match result {
        Ok(o) if deny_warnings && !o.diagnostics.is_empty() => {
            report(&xtask::promote(o.diagnostics));
            bail!("{label} has warnings, denied by --deny-warnings; nothing was generated");
        }
        Ok(o) => o,
        Err(diags) => {
            report(&diags);
            bail!("{label} has errors; nothing was generated");
        }
    };
    report(&output.diagnostics);
    let write_start = std::time::Instant::now();
    let changes = fsutil::sync_dir(out, &output.files, false)?;
    if timings {
        let t = output.stats.timings;
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        println!(
            "timings: parse {:.1} ms, resolve {:.1} ms, emit {:.1} ms + format {:.1} ms of CPU in {:.1} ms, write {:.1} ms; peak memory {}; CPU {}",
            ms(t.parse),
            ms(t.resolve),
            ms(t.emit),
            ms(t.format),
            ms(t.emit_and_format),
            ms(write_start.elapsed()),
            xtask::peak_rss_mib().map_or("unknown".into(), |m| format!("{m:.0} MiB")),
            xtask::cpu_seconds().map_or("unknown".into(), |s| format!("{s:.2} s"))
        );
    }
    println!(
        "generated crate `{name}` in {} ({} operations, {} types, {} files changed)",
        out.display(),
        output.stats.operations,
        output.stats.types,
        changes.len()
    );
    Ok(())
}

/// A package name from a file name: `my api.v2.yaml` → `my_api_v2`.
fn crate_name_for(spec: &Path) -> String {
    let stem = spec.file_stem().and_then(|s| s.to_str()).unwrap_or("api");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "api_");
    }
    name
}

fn validate(path: &Path, deny_warnings: bool) -> Result<()> {
    let text = read_spec(path)?;
    let label = path.display().to_string();
    let diags = codegen::validate(&text);
    report(&label, &text, &diags);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    if errors > 0 || (deny_warnings && warnings > 0) {
        bail!("{label}: {errors} error(s), {warnings} warning(s)");
    }
    println!("{label}: no errors, {warnings} warning(s)");
    Ok(())
}
