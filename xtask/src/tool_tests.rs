//! `cargo xtask tool-tests`: the tests that need a tool installed first.
//!
//! `cargo test` installs nothing, so the tests that need a tool are marked
//! `#[ignore = "… cargo xtask tool-tests"]`: a plain `cargo test` lists them as
//! ignored (never as passed), and this command installs the tools (pinned, into
//! the ignored `.tools/`) and runs exactly those tests. CI runs it after
//! `cargo test`; the tidy test checks that every ignored test is one of these.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// The test files (of `tests/tests/`) whose tests need a tool, and which tool.
pub const TESTS: &[(&str, &str)] = &[
    (
        "api_diff",
        "cargo-semver-checks (built from crates.io into .tools/, once)",
    ),
    (
        "oauth",
        "oidc-provider (npm, pinned by tests/oauth/package-lock.json)",
    ),
    (
        "oauth_logs",
        "oidc-provider (npm, pinned by tests/oauth/package-lock.json)",
    ),
    (
        "cli_oauth",
        "oidc-provider (npm, pinned by tests/oauth/package-lock.json)",
    ),
];

/// `cargo xtask tools`: installs every pinned tool that the CI steps after
/// `cargo test` use, each skipped when present: Prism and json-schema-faker
/// (npm; `contract`, `conformance`), oidc-provider (npm; `tool-tests`),
/// LiteLLM and Chroma (pip; `litellm`, `live chroma`), and last
/// cargo-semver-checks (`api-diff`, `tool-tests`), minutes of building from
/// source. CI starts it in the background at the lowest priority when it
/// begins, so that the downloads and that build use the time the cores would
/// otherwise idle (single-threaded steps, test servers starting), and waits for
/// it before `api-diff`. Every command also installs what it needs itself.
pub fn install(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    crate::contract::npm_tool(
        root,
        "prism",
        "@stoplight/prism-cli",
        crate::contract::PRISM_VERSION,
        "prism",
    )?;
    crate::contract::npm_tool(
        root,
        "jsf",
        "json-schema-faker",
        crate::conformance::FAKER_VERSION,
        "",
    )?;
    let status = Command::new("bash")
        .arg(root.join("tests/oauth/install"))
        .status()
        .context("running tests/oauth/install")?;
    if !status.success() {
        bail!("tests/oauth/install failed (it needs npm)");
    }
    crate::litellm::install(root)?;
    crate::live::CHROMA.install(root)?;
    crate::api_diff::semver_checks_tool(root)?;
    println!(
        "tools: installed (or present) in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Installs the tools, then runs the ignored tests of [`TESTS`]; fails unless
/// each file ran at least one test and none failed.
pub fn run(root: &Path) -> Result<()> {
    println!("tool-tests: installing cargo-semver-checks and oidc-provider (skipped when present)");
    crate::api_diff::semver_checks_tool(root)?;
    let status = Command::new("bash")
        .arg(root.join("tests/oauth/install"))
        .status()
        .context("running tests/oauth/install")?;
    if !status.success() {
        bail!("tests/oauth/install failed (it needs npm)");
    }
    // The files of `tests/tests/` are modules of one test program; a filter
    // per file selects its tests.
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root)
        .args(["test", "-p", "consoleconnect-tests", "--test", "all", "--"])
        .arg("--ignored");
    for (file, _) in TESTS {
        cmd.arg(format!("{file}::"));
    }
    let out = cmd.output().context("running cargo test")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if !out.status.success() {
        bail!("the tool tests failed");
    }
    let ran: Vec<usize> = TESTS
        .iter()
        .map(|(file, _)| passed_in(&stdout, file))
        .collect();
    if ran.contains(&0) {
        bail!(
            "expected each of {} test files to run a test; passed per file: {ran:?}",
            TESTS.len()
        );
    }
    println!(
        "tool-tests: {} passed in {} files",
        ran.iter().sum::<usize>(),
        ran.len()
    );
    Ok(())
}

/// How many tests of one file (a module of the test program) passed, from
/// libtest's lines (`test oauth::a_token_is_refreshed ... ok`).
fn passed_in(stdout: &str, file: &str) -> usize {
    let prefix = format!("test {file}::");
    stdout
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.ends_with(" ... ok"))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passed_counts_are_read_per_file() {
        let out = "running 3 tests\ntest oauth::a_token_is_refreshed ... ok\ntest oauth_logs::nothing_secret_is_logged ... ok\ntest oauth::the_code_flow_completes ... ok\ntest api_diff::each_edit_gets_its_verdict ... FAILED\n\ntest result: FAILED. 3 passed; 1 failed\n";
        assert_eq!(passed_in(out, "oauth"), 2);
        assert_eq!(passed_in(out, "oauth_logs"), 1);
        assert_eq!(passed_in(out, "api_diff"), 0);
        assert_eq!(passed_in("no summary", "oauth"), 0);
    }
}
