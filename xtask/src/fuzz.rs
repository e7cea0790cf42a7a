//! `cargo xtask fuzz [TARGET] [--seconds N]`: runs a fuzz target of `fuzz/`.
//!
//! cargo-fuzz needs nightly compiler flags; the machine's one toolchain is stable,
//! so the build runs with `RUSTC_BOOTSTRAP=1`. cargo-fuzz itself is installed into
//! the ignored `.tools/` on first use. Inputs that crash are left in
//! `fuzz/artifacts/<target>/`; each one found becomes a regression test.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub fn run(root: &Path, target: &str, seconds: u64) -> Result<()> {
    let tool = crate::cargo_tool(root, "cargo-fuzz", CARGO_FUZZ_VERSION, false)?;
    let fuzz = root.join("fuzz");
    let corpus = fuzz.join("corpus").join(target);
    std::fs::create_dir_all(&corpus)?;
    let mut args: Vec<String> = vec![
        "run".into(),
        "-O".into(),
        target.into(),
        corpus.display().to_string(),
    ];
    let max_len = match target {
        // Whole documents, seeded with the focused specs, the bad ones, ours with
        // its fixtures (folders are read recursively), and the shared corpus (cut
        // to `max_len` where longer).
        "bytes" => {
            for seeds in ["tests/specs", "tests/bad-specs", "spec", "../shared/corpus"] {
                args.push(root.join(seeds).display().to_string());
            }
            "65536"
        }
        // A seed number and a list of edits.
        "structured" => "512",
        // A tree of YAML nodes; the text it renders to is bounded by the target.
        "yaml" => "4096",
        // A few shapes, each made wide or deep.
        "wide" => "64",
        other => bail!("unknown fuzz target `{other}` (bytes, structured, yaml, wide)"),
    };
    args.push("--".into());
    for flag in [
        format!("-max_total_time={seconds}"),
        // Every input runs in well under a second alone (the slowest seen: 0.9 s,
        // the whole Console Connect crate generated); runs share the machine.
        "-timeout=30".into(),
        "-rss_limit_mb=4096".into(),
        // The generator runs on threads of its own (a large stack, parallel
        // formatting); a thread's handle is freed by its thread-local destructor,
        // which may run just after `join` returns, and LeakSanitizer's check after
        // each input reports those 80 bytes as a leak.
        "-detect_leaks=0".into(),
        format!("-max_len={max_len}"),
        "-len_control=0".into(),
        "-print_final_stats=1".into(),
    ] {
        args.push(flag);
    }
    let status = Command::new(&tool)
        .current_dir(&fuzz)
        .env("RUSTC_BOOTSTRAP", "1")
        .args(&args)
        .status()
        .context("running cargo-fuzz")?;
    if !status.success() {
        bail!("the fuzzer found a problem; the input is in fuzz/artifacts/{target}/");
    }
    Ok(())
}
