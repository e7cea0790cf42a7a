//! `cargo xtask bench --only streaming` (and the last part of `cargo xtask
//! bench`): a 1 GiB download from a loopback server through a generated
//! client's byte stream must stay under 64 MiB of peak resident memory.
//!
//! The crate is generated from `tests/specs/streams.yaml` into
//! `target/bench/streams`; `bench/streaming` (release) serves the body from the
//! same process and reads it, checking every byte. Each run is a fresh process,
//! so its peak (`VmHWM`, server included) is its own; a buffered `send()` of a
//! smaller body is measured for contrast. Writes `bench/streaming.md`.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// The body streamed, in MiB.
const STREAMED_MIB: u64 = 1024;
/// The body read whole by `send()`, for contrast.
const WHOLE_MIB: u64 = 256;
/// The most a streamed download may hold.
const LIMIT_MIB: f64 = 64.0;
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub fn run(root: &Path) -> Result<()> {
    let bench = root.join("target/bench");
    let spec_path = root.join("tests/specs/streams.yaml");
    let spec = std::fs::read_to_string(&spec_path)?;
    let mut settings =
        codegen::Settings::new("streams", "cargo xtask bench", "tests/specs/streams.yaml");
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let output = codegen::generate(&spec, &settings).map_err(|d| anyhow::anyhow!("{d:?}"))?;
    crate::fsutil::sync_dir(&bench.join("streams"), &output.files, false)?;
    println!("building bench/streaming (release)");
    let target = bench.join("harness-target");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "build",
            "--quiet",
            "--release",
            "--manifest-path",
            "bench/streaming/Cargo.toml",
        ])
        .status()?;
    if !status.success() {
        bail!("bench/streaming does not build");
    }
    let bin = target.join("release/bench-streaming");
    let once = |mode: &str, mib: u64| -> Result<serde_json::Value> {
        let out = Command::new(&bin)
            .args([mode, &mib.to_string()])
            .output()
            .context("running bench-streaming")?;
        if !out.status.success() {
            bail!(
                "bench-streaming {mode} {mib} failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        serde_json::from_slice(&out.stdout).context("bench-streaming output")
    };
    let (mut speeds, mut peaks) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let r = once("stream", STREAMED_MIB)?;
        let (speed, peak) = (
            r["mib_per_s"].as_f64().unwrap_or(0.0),
            r["peak_rss_mib"].as_f64().unwrap_or(f64::NAN),
        );
        println!(
            "streamed {STREAMED_MIB} MiB, run {}: {speed:.0} MiB/s, peak {peak:.1} MiB",
            run + 1
        );
        speeds.push(speed);
        peaks.push(peak);
    }
    let whole = once("whole", WHOLE_MIB)?;
    let whole_peak = whole["peak_rss_mib"].as_f64().unwrap_or(f64::NAN);
    let whole_speed = whole["mib_per_s"].as_f64().unwrap_or(0.0);
    println!("read whole {WHOLE_MIB} MiB: {whole_speed:.0} MiB/s, peak {whole_peak:.1} MiB");
    let worst = peaks.iter().copied().fold(0.0_f64, f64::max);
    let report = format!(
        "# Streamed bodies\n\nWritten by `cargo xtask bench --only streaming` (also the last part of `cargo xtask bench`). Machine: {}.\n\n\
A client generated from `tests/specs/streams.yaml` downloads a body from a loopback server in the same process (`Content-Length` announced, every byte checked by count and sum); each run is a fresh process and its peak resident memory (`VmHWM`) includes the server. Release build, {RUNS} runs.\n\n\
| read | body | peak resident memory | throughput |\n|---|---|---|---|\n\
| `download(..).byte_stream()`, chunk by chunk | {STREAMED_MIB} MiB | {worst:.1} MiB (worst of {RUNS}; limit {LIMIT_MIB:.0} MiB) | {:.0} MiB/s (median) |\n\
| `download(..).send()`, whole (for contrast) | {WHOLE_MIB} MiB | {whole_peak:.1} MiB | {whole_speed:.0} MiB/s |\n",
        crate::bench::machine(),
        median(speeds),
    );
    println!("\n{report}");
    std::fs::write(root.join("bench/streaming.md"), &report)?;
    println!("written to bench/streaming.md");
    if peaks.iter().any(|p| p.is_nan()) {
        bail!("the peak memory of a run could not be read");
    }
    if worst >= LIMIT_MIB {
        bail!(
            "a streamed {STREAMED_MIB} MiB download peaked at {worst:.1} MiB, over the {LIMIT_MIB} MiB limit"
        );
    }
    Ok(())
}
