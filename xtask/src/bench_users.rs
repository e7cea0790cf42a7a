//! `cargo xtask bench --only users` and `--only tag`: what the users of a
//! generated crate feel beyond `cargo check` of the crate alone (issue #25).
//!
//! - `users`: a clean build of the nexus crate with its dependencies, once for
//!   each TLS choice the crate offers, beside cargo-progenitor's nexus crate;
//!   `cargo doc` of the GitHub crate; rust-analyzer's first load of it
//!   (`rust-analyzer analysis-stats`, headless), when rust-analyzer is there.
//! - `tag`: `cargo check` of the GitHub crate with all its features, with only
//!   `repos` and with none (what every feature pays), side by side; then the
//!   compiler's self-profile of all features and of `repos`, split by module
//!   (the tag's own code, the shared types it reaches, the rest).
//!
//! Each writes its own section of `bench/results.md`, which the full run keeps.

use crate::bench::{children_cpu, machine, splice_section, touch};
use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

pub const USERS_HEAD: &str = "## What users feel";
pub const TAG_HEAD: &str = "## One tag of the GitHub crate";

/// The name the GitHub document's crate is generated under.
const GITHUB: &str = "bench_github";

/// The TLS features a generated crate may offer, the default first.
const TLS: [&str; 3] = ["rustls", "rustls-ring", "native-tls"];

/// Wall and CPU seconds (user + system of every process it started) of a
/// command run to the end; its output is shown only when it fails.
fn timed(cmd: &mut Command) -> Result<(f64, f64)> {
    let before = children_cpu()?;
    let start = Instant::now();
    let out = cmd.output()?;
    let wall = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    Ok((wall, children_cpu()? - before))
}

fn cargo_in(dir: &Path, target: &Path) -> Command {
    let mut c = Command::new(env!("CARGO"));
    c.current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0");
    c
}

/// Generates `file` of the corpus as the standalone crate `name` in `dir`.
fn generate(corpus: &Path, file: &str, name: &str, dir: &Path) -> Result<()> {
    let text = std::fs::read_to_string(corpus.join(file))?;
    let settings = codegen::Settings::new(name, "cargo xtask bench", file);
    let output = codegen::generate(&text, &settings).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    crate::fsutil::sync_dir(dir, &output.files, false)?;
    Ok(())
}

/// The crate's default features, from its manifest.
fn default_features(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("default = ["))
        .map(|list| {
            list.trim_end_matches(']')
                .split(',')
                .map(|f| f.trim().trim_matches('"').to_string())
                .filter(|f| !f.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

fn write_section(root: &Path, head: &str, section: &str) -> Result<()> {
    println!("\n{section}");
    let path = root.join("bench/results.md");
    let report = std::fs::read_to_string(&path).unwrap_or_default();
    std::fs::write(&path, splice_section(&report, head, section))?;
    println!("written to bench/results.md");
    Ok(())
}

/// `cargo xtask bench --only tag`.
pub fn run_tag(root: &Path, corpus: &Path) -> Result<()> {
    let dir = root.join("target/bench/tag");
    let krate = dir.join("github");
    generate(corpus, "progenitor__api.github.com.json", GITHUB, &krate)?;
    let target = dir.join("target");
    let lib = krate.join("src/lib.rs");
    let started = load();
    let check = |features: &[&str]| -> Result<(f64, f64)> {
        let run = || {
            timed(
                cargo_in(&krate, &target)
                    .args(crate::scratch::PROFILE)
                    .args(["check", "--quiet", "--lib"])
                    .args(features),
            )
        };
        run()?; // dependencies
        let (mut walls, mut cpus) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            touch(&lib)?;
            let (w, c) = run()?;
            walls.push(w);
            cpus.push(c);
        }
        let m = (crate::bench::median(walls), crate::bench::median(cpus));
        println!(
            "github `cargo check {}`: {:.2} s, CPU {:.2} s",
            features.join(" "),
            m.0,
            m.1
        );
        Ok(m)
    };
    let all = check(&[])?;
    let repos = check(&["--no-default-features", "--features", "repos"])?;
    let none = check(&["--no-default-features"])?;
    let share = |x: f64, a: f64, n: f64| {
        format!(
            "{:.0} % ({:.0} % above the floor)",
            100.0 * x / a,
            100.0 * (x - n) / (a - n)
        )
    };
    let row = |what: &str, t: (f64, f64)| {
        format!(
            "| {what} | {:.2} s | {:.2} s | {} | {} |\n",
            t.0,
            t.1,
            share(t.0, all.0, none.0),
            share(t.1, all.1, none.1)
        )
    };
    let parts = where_it_goes(&krate, &target, "repos").unwrap_or_else(|e| {
        eprintln!("{e:#}");
        format!("\n\nWhere the time goes: not measured ({e}).\n")
    });
    let section = format!(
        "{TAG_HEAD} (`--only tag`)\n\n`cargo check --lib` of the GitHub crate (767 operations), generated standalone; dependencies built, incremental compilation off; median of 3 runs after touching `src/lib.rs`, wall time and the compilers' CPU time. The floor is the crate with no feature: the client, the runtime and nothing of any tag. Load average {started} when it started, {} when it ended; {}.\n\n| features | wall | CPU | wall against all features | CPU against all features |\n|---|---|---|---|---|\n{}{}{}{parts}",
        load(),
        machine(),
        row("all (default)", all),
        row("`--no-default-features --features repos`", repos),
        row("none (`--no-default-features`)", none),
    );
    write_section(root, TAG_HEAD, &section)
}

/// The parts of the crate a check of all features and of `tag` alone spends
/// its time on, from the compiler's self-profile (one run each), as a
/// Markdown paragraph and table.
fn where_it_goes(krate: &Path, target: &Path, tag: &str) -> Result<String> {
    let modules: std::collections::BTreeSet<String> = std::fs::read_dir(krate.join("src/client"))?
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .chain(["unreferenced".to_owned()])
        .filter(|m| m != "mod")
        .collect();
    let lib = krate.join("src/lib.rs");
    let profile = |features: &[&str], name: &str| -> Result<BTreeMap<&'static str, u64>> {
        let dir = krate
            .parent()
            .unwrap_or(krate)
            .join(format!("profile-{name}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)?;
        touch(&lib)?;
        timed(
            cargo_in(krate, target)
                .env("RUSTC_BOOTSTRAP", "1")
                .args(crate::scratch::PROFILE)
                .args(["rustc", "--quiet", "--lib", "--profile", "check"])
                .args(features)
                .arg("--")
                .arg(format!("-Zself-profile={}", dir.display()))
                .arg("-Zself-profile-events=default,args"),
        )?;
        let events = crate::self_profile::read_dir(&dir)?;
        let mut parts = BTreeMap::new();
        for (path, t) in crate::self_profile::self_time_by_item(&events, GITHUB) {
            *parts.entry(part(&path, tag, &modules)).or_default() += t;
        }
        Ok(parts)
    };
    let all = profile(&[], "all")?;
    let one = profile(&["--no-default-features", "--features", tag], tag)?;
    let (all_total, one_total) = (all.values().sum::<u64>(), one.values().sum::<u64>());
    if all_total == 0 {
        bail!("the profile of the check of all features holds no time");
    }
    let pct = |x: u64| 100.0 * x as f64 / all_total as f64;
    let mut rows = String::new();
    for name in PARTS {
        let (a, o) = (
            all.get(name).copied().unwrap_or(0),
            one.get(name).copied().unwrap_or(0),
        );
        rows += &format!(
            "| {name} | {:.2} s | {:.1} % | {:.2} s | {:.1} % |\n",
            a as f64 / 1e9,
            pct(a),
            o as f64 / 1e9,
            pct(o)
        );
    }
    let shared = one.get(SHARED).copied().unwrap_or(0);
    Ok(format!(
        "\n### Where the time goes\n\nThe compiler's own account (`RUSTC_BOOTSTRAP=1 cargo rustc --profile check -- -Zself-profile -Zself-profile-events=default,args`, one run each): the self time of every query, given to the item it works on (or to the item whose query it serves), summed by module; the profiler's own bookkeeping left out. Shares are of the check of all features. `{tag}` alone takes {:.1} % of it; of that, the shared types it reaches are {:.1} points, so `{tag}` would cost {:.1} % if it reached no shared type at all: that much is its own operations and types with the runtime and the crate-wide work every build does.\n\n| part | all features | share | `{tag}` only | share |\n|---|---|---|---|---|\n{rows}| total | {:.2} s | 100 % | {:.2} s | {:.1} % |\n",
        pct(one_total),
        pct(shared),
        pct(one_total - shared),
        all_total as f64 / 1e9,
        one_total as f64 / 1e9,
        pct(one_total),
    ))
}

const SHARED: &str = "types shared by several tags (`types::shared`)";

/// The rows of [`where_it_goes`], in order.
const PARTS: [&str; 9] = [
    "no item: parsing, expansion, name resolution, metadata",
    "runtime",
    "client, common (`client::Client`, its builder)",
    "client, the tag's operations",
    "client, other tags' operations",
    "types, the tag's own",
    SHARED,
    "types, other tags' own and unreferenced",
    "other (`cli`, crate root)",
];

/// Which row of [`PARTS`] an item path (under the crate) belongs to.
fn part(path: &[String], tag: &str, modules: &std::collections::BTreeSet<String>) -> &'static str {
    let tag = tag.replace('-', "_");
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    match names.as_slice() {
        [] => PARTS[0],
        ["runtime", ..] => PARTS[1],
        ["client", m, ..] if *m == tag => PARTS[3],
        ["client", m, ..] if modules.contains(*m) => PARTS[4],
        ["client", ..] => PARTS[2],
        ["types", m, ..] if *m == tag => PARTS[5],
        ["types", "shared", ..] => PARTS[6],
        ["types", ..] => PARTS[7],
        _ => PARTS[8],
    }
}

/// What `--only users` has measured so far; the section is written after each
/// step, so a run stopped early keeps what it measured.
#[derive(Default)]
struct Users {
    started: String,
    /// Table rows of the clean builds.
    rows: String,
    progenitor_note: String,
    doc: Option<String>,
    analyzer: Option<String>,
}

impl Users {
    fn section(&self, done: bool) -> String {
        let pending = "Not measured (the run stopped before).";
        format!(
            "{USERS_HEAD} (`--only users`)\n\nMeasured once: load average {} when it started, {} {}; {}. Wall times grow with the load; the CPU time (user + system of every process, from the kernel's account of finished children) is what a quiet machine's two cores would share.\n\n### A clean build of the nexus crate with its dependencies\n\n`cargo build --lib` (dev profile, Cargo's defaults) into an empty target directory, the sources already downloaded; the 193-operation crate with all its tags, for each TLS choice it offers (reqwest's TLS backends: `rustls` uses aws-lc-rs, whose C code is compiled; `rustls-ring` uses ring; `native-tls` the system's OpenSSL), and without TLS (http only).{}\n\n| crate | wall | CPU | units compiled |\n|---|---|---|---|\n{}\n### `cargo doc` of the GitHub crate\n\n{}\n\n### rust-analyzer's first load of the GitHub crate\n\n{}\n",
            self.started,
            load(),
            if done {
                "when it ended"
            } else {
                "at its last step (it stopped early)"
            },
            machine(),
            self.progenitor_note,
            self.rows,
            self.doc.as_deref().unwrap_or(pending),
            self.analyzer.as_deref().unwrap_or(pending),
        )
    }
}

/// `cargo xtask bench --only users`: the default TLS choice beside progenitor's
/// crate first, then `cargo doc`, rust-analyzer and the other TLS choices.
pub fn run_users(root: &Path, corpus: &Path) -> Result<()> {
    let dir = root.join("target/bench/users");
    std::fs::create_dir_all(&dir)?;
    let mut users = Users {
        started: load(),
        ..Users::default()
    };
    let save = |users: &Users, done: bool| write_section(root, USERS_HEAD, &users.section(done));

    let ours = dir.join("nexus");
    generate(corpus, "progenitor__nexus.json", "bench_nexus", &ours)?;
    let manifest = std::fs::read_to_string(ours.join("Cargo.toml"))?;
    let defaults = default_features(&manifest);
    let tags: Vec<&str> = defaults
        .iter()
        .map(String::as_str)
        .filter(|f| !TLS.contains(f))
        .collect();
    let fetched = |krate: &Path| -> Result<()> {
        timed(cargo_in(krate, &dir.join("fetch-target")).args(["fetch", "--quiet"]))?;
        Ok(())
    };
    fetched(&ours)?;
    let offered: Vec<&str> = TLS
        .iter()
        .copied()
        .filter(|t| manifest.contains(&format!("\n{t} = [")))
        .collect();
    // `None`: no TLS at all (http only), as cargo-progenitor's crate comes.
    let clean = |tls: Option<&str>, users: &mut Users| -> Result<()> {
        let target = dir.join(format!("clean-{}", tls.unwrap_or("none")));
        let _ = std::fs::remove_dir_all(&target);
        let features = tls
            .into_iter()
            .chain(tags.iter().copied())
            .collect::<Vec<_>>()
            .join(",");
        let (wall, cpu) = timed(cargo_in(&ours, &target).args([
            "build",
            "--quiet",
            "--lib",
            "--no-default-features",
            "--features",
            &features,
        ]))?;
        let units = count_units(&target);
        let name = match tls {
            Some(tls) if defaults.iter().any(|d| d == tls) => format!("`{tls}` (default)"),
            Some(tls) => format!("`{tls}`"),
            None => "no TLS".to_string(),
        };
        println!("clean build, ours with {name}: {wall:.1} s, CPU {cpu:.1} s, {units} units");
        users.rows.push_str(&format!(
            "| ours, {name} | {wall:.1} s | {cpu:.1} s | {units} |\n"
        ));
        Ok(())
    };
    if let Some(first) = offered.first() {
        clean(Some(first), &mut users)?;
    }
    clean(None, &mut users)?;
    save(&users, false)?;

    let theirs = dir.join("progenitor-nexus");
    users.progenitor_note = match progenitor_crate(root, corpus, &theirs) {
        Ok(reqwest) => {
            fetched(&theirs)?;
            let target = dir.join("clean-progenitor");
            let _ = std::fs::remove_dir_all(&target);
            let (wall, cpu) =
                timed(cargo_in(&theirs, &target).args(["build", "--quiet", "--lib"]))?;
            let units = count_units(&target);
            println!("clean build, progenitor's: {wall:.1} s, CPU {cpu:.1} s, {units} units");
            users.rows.push_str(&format!(
                "| cargo-progenitor {}'s nexus crate, its defaults | {wall:.1} s | {cpu:.1} s | {units} |\n",
                crate::bench::PROGENITOR_VERSION
            ));
            format!(
                " cargo-progenitor's crate depends on `{reqwest}`: no TLS, so ours without TLS is built beside it."
            )
        }
        Err(e) => {
            println!("progenitor's crate: {e:#}");
            format!(" cargo-progenitor's crate could not be built: {e:#}.")
        }
    };
    save(&users, false)?;

    // `cargo doc` of the GitHub crate: dependencies documented first.
    let github = dir.join("github");
    generate(corpus, "progenitor__api.github.com.json", GITHUB, &github)?;
    let doc_target = dir.join("doc-target");
    let doc = |c: &mut Command| timed(c.args(["doc", "--quiet", "--no-deps", "--lib"]));
    let first = doc(&mut cargo_in(&github, &doc_target))?;
    let lib = github.join("src/lib.rs");
    touch(&lib)?;
    let again = doc(&mut cargo_in(&github, &doc_target))?;
    let html = dir_size(&doc_target.join("doc").join(GITHUB));
    println!(
        "cargo doc of github: {:.1} s, again {:.1} s",
        first.0, again.0
    );
    users.doc = Some(format!(
        "`cargo doc --no-deps --lib` of the 767-operation crate with its default features: {:.1} s wall (CPU {:.1} s) the first time, its dependencies' metadata included; {:.1} s (CPU {:.1} s) for the crate alone after touching `src/lib.rs`; {html:.0} MiB of HTML.",
        first.0, first.1, again.0, again.1
    ));
    save(&users, false)?;

    // rust-analyzer, headless.
    users.analyzer = Some(analysis_stats(&github));
    save(&users, false)?;

    for tls in offered.iter().skip(1) {
        clean(Some(tls), &mut users)?;
        save(&users, false)?;
    }
    save(&users, true)
}

/// Generates progenitor's nexus crate in `dir` (a workspace of its own); returns
/// its `reqwest` dependency as written.
fn progenitor_crate(root: &Path, corpus: &Path, dir: &Path) -> Result<String> {
    let bin = crate::bench::progenitor(root)?;
    let _ = std::fs::remove_dir_all(dir);
    let out = Command::new(bin)
        .args(["progenitor", "-v", "0.1.0", "-n", "progenitor_nexus", "-i"])
        .arg(corpus.join("progenitor__nexus.json"))
        .arg("-o")
        .arg(dir)
        .output()?;
    if !out.status.success() {
        bail!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let manifest = dir.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    if !text.contains("[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, &text)?;
    }
    Ok(text
        .lines()
        .find(|l| l.trim_start().starts_with("reqwest"))
        .unwrap_or("reqwest (through progenitor-client)")
        .trim()
        .to_string())
}

/// How many compilation units a build made (one fingerprint folder each).
fn count_units(target: &Path) -> usize {
    std::fs::read_dir(target.join("debug/.fingerprint")).map_or(0, |d| d.count())
}

fn dir_size(dir: &Path) -> f64 {
    fn walk(p: &Path) -> u64 {
        match std::fs::read_dir(p) {
            Ok(entries) => entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => walk(&e.path()),
                    _ => e.metadata().map_or(0, |m| m.len()),
                })
                .sum(),
            Err(_) => 0,
        }
    }
    walk(dir) as f64 / 1024.0 / 1024.0
}

/// rust-analyzer's `analysis-stats` on the crate: where the time goes when an
/// editor opens it. Installs the rustup component when it is missing.
fn analysis_stats(krate: &Path) -> String {
    match analyzer().and_then(|bin| run_analysis_stats(&bin, krate)) {
        Ok(text) => text,
        Err(e) => format!("Not measured: {e:#}."),
    }
}

fn analyzer() -> Result<PathBuf> {
    let works = |bin: &Path| {
        Command::new(bin)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let bin = PathBuf::from("rust-analyzer");
    if works(bin.as_path()) {
        return Ok(bin);
    }
    println!("installing the rust-analyzer component (rustup)");
    let added = Command::new("rustup")
        .args(["component", "add", "rust-analyzer"])
        .output()
        .context("rustup")?;
    if !added.status.success() || !works(bin.as_path()) {
        bail!(
            "rust-analyzer is not available here (`rustup component add rust-analyzer`: {})",
            String::from_utf8_lossy(&added.stderr).trim()
        );
    }
    Ok(bin)
}

fn run_analysis_stats(bin: &Path, krate: &Path) -> Result<String> {
    let version = Command::new(bin).arg("--version").output()?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let before = children_cpu()?;
    let (wall, peak, out) = crate::bench::measured(
        Command::new(bin)
            .current_dir(krate)
            .env("CARGO_TARGET_DIR", krate.join("target-ra"))
            .args(["analysis-stats", "."]),
    )?;
    let cpu = children_cpu()? - before;
    if !out.status.success() {
        bail!(
            "`rust-analyzer analysis-stats` failed: {}",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("")
        );
    }
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(format!(
        "`rust-analyzer analysis-stats .` in the crate's folder ({version}), once, as an editor's first opening: it also builds the dependencies' build scripts and proc macros (`serde_derive`). It loads the workspace, collects every item and infers the type of every body (an editor infers only what it shows, so this is the upper bound of a first load): {:.1} s wall, CPU {cpu:.1} s, peak memory {peak:.0} MiB. Its phases, as it reports them: {}.",
        wall.as_secs_f64(),
        phases(&text).replace('|', "\\|")
    ))
}

/// The timing lines of `analysis-stats` (`Database loaded: 1.2s, …`), joined.
fn phases(text: &str) -> String {
    let wanted = [
        "Database loaded",
        "Crates in this dir",
        "Item Collection",
        "Body lowering",
        "Inference",
        "Total:",
    ];
    text.lines()
        .map(str::trim)
        .filter(|l| wanted.iter().any(|w| l.starts_with(w)))
        .map(|l| l.chars().take(120).collect::<String>())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_features_are_read_from_the_manifest() {
        let manifest = "[features]\ndefault = [\"rustls\", \"auth\", \"ports\"]\nrustls = []\n";
        assert_eq!(default_features(manifest), ["rustls", "auth", "ports"]);
        assert!(default_features("[features]\n").is_empty());
    }

    #[test]
    fn items_fall_in_their_modules_row() {
        let modules = ["code_scanning", "repos", "unreferenced"]
            .map(String::from)
            .into();
        let row = |p: &str| {
            part(
                &p.split("::").map(String::from).collect::<Vec<_>>(),
                "code-scanning",
                &modules,
            )
        };
        assert_eq!(part(&[], "repos", &modules), PARTS[0]);
        assert_eq!(row("runtime::retry::attempts"), PARTS[1]);
        assert_eq!(row("client::{{impl}}[3]"), PARTS[2]);
        assert_eq!(row("client::code_scanning::{{impl}}[1]"), PARTS[3]);
        assert_eq!(row("client::repos"), PARTS[4]);
        assert_eq!(row("types::code_scanning::Alert"), PARTS[5]);
        assert_eq!(row("types::shared::{{impl}}[9]"), PARTS[6]);
        assert_eq!(row("types::unreferenced::X"), PARTS[7]);
        assert_eq!(row("cli::run"), PARTS[8]);
    }

    #[test]
    fn only_timing_lines_are_kept_from_analysis_stats() {
        let out = "Database loaded:     1.52s, 0b (metadata 0.3s)\n  crates: 1\nItem Collection:     3.1s\nsomething else\nInference:     20.2s\nTotal:               25.0s\n";
        assert_eq!(
            phases(out),
            "Database loaded:     1.52s, 0b (metadata 0.3s); Item Collection:     3.1s; Inference:     20.2s; Total:               25.0s"
        );
    }
}
