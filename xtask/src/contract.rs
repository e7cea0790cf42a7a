//! `cargo xtask contract`: the generated client against a Prism mock of the spec.
//!
//! Prism (`@stoplight/prism-cli`, pinned, installed into the ignored `.tools/`)
//! serves `spec/consoleconnect.yaml` on loopback and validates every request against
//! it; the `contract` example of the tests crate calls every operation and fails on
//! a rejected request or an undecodable response. It runs once with Prism's static
//! responses and a few times with generated (`--dynamic`, seeded) ones, so decoding
//! meets varied data.

use anyhow::{Context, Result, bail};
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PRISM_VERSION: &str = "5.16.0";
const SEEDS: [&str; 3] = ["1", "2", "3"];

/// Kills the mock server however the run ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Installs an npm package into `.tools/<dir>` unless that exact version is there;
/// returns its command `bin`, or the prefix when `bin` is empty.
pub fn npm_tool(
    root: &Path,
    dir: &str,
    package: &str,
    version: &str,
    bin: &str,
) -> Result<PathBuf> {
    let prefix = root.join(".tools").join(dir);
    let manifest = prefix
        .join("node_modules")
        .join(package)
        .join("package.json");
    let installed = std::fs::read_to_string(&manifest)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string));
    if installed.as_deref() != Some(version) {
        println!("installing {package}@{version} into {}", prefix.display());
        let status = Command::new("npm")
            .args(["install", "--silent", "--no-audit", "--no-fund", "--prefix"])
            .arg(&prefix)
            .arg(format!("{package}@{version}"))
            .status()
            .context("running npm (is Node.js installed?)")?;
        if !status.success() {
            bail!("npm could not install {package}@{version}");
        }
    }
    // A library (no command) is used from its prefix.
    Ok(if bin.is_empty() {
        prefix
    } else {
        prefix.join("node_modules").join(".bin").join(bin)
    })
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn wait_until_listening(port: u16, child: &mut Child, log: &Path) -> Result<()> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        let connected = TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok();
        // Prism may have stopped while another process took the port.
        if let Some(status) = child.try_wait()? {
            bail!(
                "Prism exited ({status}) before listening: {}",
                log_tail(log, 3).join(" / ")
            );
        }
        if connected {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!(
        "Prism did not listen on {addr} within 120 s; see {}",
        log.display()
    )
}

/// The last lines of a log.
fn log_tail(log: &Path, lines: usize) -> Vec<String> {
    let mut text = String::new();
    if let Ok(mut f) = std::fs::File::open(log) {
        let _ = f.read_to_string(&mut text);
    }
    let mut tail: Vec<String> = text.lines().rev().take(lines).map(str::to_string).collect();
    tail.reverse();
    tail
}

/// A Prism mock server of one document, on a free loopback port; stopped when dropped.
pub struct PrismMock {
    _running: Running,
    port: u16,
    pub log: PathBuf,
}

impl PrismMock {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts `prism mock` on `document` (with `extra` flags), logging to `log`,
    /// and waits until it listens.
    pub fn start(prism: &Path, document: &Path, extra: &[&str], log: &Path) -> Result<Self> {
        let port = free_port()?;
        let log_file = std::fs::File::create(log)?;
        let mut child = Command::new(prism)
            .args(["mock", "-h", "127.0.0.1", "-p", &port.to_string()])
            .args(extra)
            .arg(document)
            .stdin(Stdio::null())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting Prism")?;
        if let Err(e) = wait_until_listening(port, &mut child, log) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(e);
        }
        Ok(Self {
            _running: Running(child),
            port,
            log: log.to_path_buf(),
        })
    }
}

pub fn run(root: &Path) -> Result<()> {
    let prism = npm_tool(
        root,
        "prism",
        "@stoplight/prism-cli",
        PRISM_VERSION,
        "prism",
    )?;
    let logs = root.join("target").join("contract");
    std::fs::create_dir_all(&logs)?;
    // Build the caller first, so Prism is not kept waiting on a compile.
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "-p",
            "consoleconnect-tests",
            "--example",
            "contract",
        ])
        .status()?;
    if !status.success() {
        bail!("the contract example does not build");
    }
    let program = program(root)?;
    let flow = readme_flow(root)?;
    let mut modes: Vec<(String, Vec<&str>)> = vec![("static".to_string(), vec![])];
    for seed in SEEDS {
        modes.push((
            format!("dynamic, seed {seed}"),
            vec!["--dynamic", "--seed", seed],
        ));
    }
    let mut failures = Vec::new();
    for (name, extra) in &modes {
        let log = logs.join(format!("prism-{}.log", name.replace([' ', ','], "")));
        let mut flags = vec!["--errors"];
        flags.extend(extra);
        let mock = PrismMock::start(&prism, &root.join(crate::SPEC), &flags, &log)?;
        println!("\n== Prism {PRISM_VERSION} ({name}) at {}", mock.url());
        let out = Command::new(env!("CARGO"))
            .current_dir(root)
            .args([
                "run",
                "--quiet",
                "-p",
                "consoleconnect-tests",
                "--example",
                "contract",
                "--",
            ])
            .arg(mock.url())
            .output()?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        // The program, once: the README's flow and the cases users meet.
        let program_failures = if name == "static" {
            let failures = program_against(root, &program, &flow, &mock.url());
            if failures.is_empty() {
                println!(
                    "program: the README's {} commands and 5 cases behave as documented",
                    flow.len()
                );
            }
            failures
        } else {
            Vec::new()
        };
        drop(mock);
        for f in &program_failures {
            eprintln!("program: {f}");
        }
        if !program_failures.is_empty() {
            failures.push(format!("{name}: the program"));
        }
        if !out.status.success() {
            eprintln!("last Prism log lines ({}):", log.display());
            for line in log_tail(&log, 15) {
                eprintln!("  {line}");
            }
            failures.push(name.clone());
        }
    }
    if !failures.is_empty() {
        bail!(
            "the client does not conform to the spec under Prism: {}",
            failures.join(", ")
        );
    }
    println!(
        "\ncontract: every operation conforms in {} Prism runs",
        modes.len()
    );
    Ok(())
}

/// Builds the generated crate's program (crate feature `cli`) with the features
/// the workspace's tests use, and returns its executable.
pub fn program(root: &Path) -> Result<PathBuf> {
    let out = Command::new(env!("CARGO"))
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--workspace",
            "--bin",
            crate::CRATE_NAME,
            "--message-format=json",
        ])
        .output()
        .context("running cargo build")?;
    if !out.status.success() {
        bail!(
            "the program does not build: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|m| {
            (m["target"]["name"] == crate::CRATE_NAME)
                .then(|| m["executable"].as_str().map(PathBuf::from))
                .flatten()
        })
        .context("cargo named no executable for the program")
}

/// Marks the README's block of the flow from a shell.
const FLOW_MARK: &str =
    "<!-- the flow: cargo xtask contract runs the commands of the next block -->";

/// The commands of the README's walk through the flow from a shell: the `sh`
/// block after [`FLOW_MARK`], lines calling the program (continuations joined,
/// comments dropped).
pub fn readme_flow(root: &Path) -> Result<Vec<String>> {
    let text = std::fs::read_to_string(root.join("README.md"))?;
    let section = text
        .split_once(FLOW_MARK)
        .map(|(_, rest)| rest)
        .with_context(|| format!("the README has no `{FLOW_MARK}`"))?;
    let block = section
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(block, _)| block)
        .context("the README's flow has no sh block")?;
    let mut commands = Vec::new();
    let mut current = String::new();
    for line in block.lines() {
        let line = line.trim();
        if current.is_empty() && (line.is_empty() || line.starts_with('#')) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part.trim_end());
                current.push(' ');
            }
            None => {
                current.push_str(line);
                if current.starts_with(&format!("{} ", crate::CRATE_NAME)) {
                    commands.push(std::mem::take(&mut current));
                }
                current.clear();
            }
        }
    }
    if commands.len() < 5 {
        bail!("the README's flow has only {} commands", commands.len());
    }
    Ok(commands)
}

/// Runs the README's flow (from the workspace root) and the cases every command meets (a create, a get, a
/// documented error, a missing required flag, a bad `--body`) against a Prism
/// mock; returns what did not behave as documented.
pub fn program_against(root: &Path, program: &Path, flow: &[String], url: &str) -> Vec<String> {
    let dir = program.parent().unwrap_or(Path::new("."));
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |line: &str| -> Result<(i32, String, String)> {
        let out = Command::new("sh")
            .current_dir(root)
            .args(["-c", line])
            .env("PATH", &path)
            .env("CONSOLECONNECT_BASE_URL", url)
            .env("CONSOLECONNECT_API_KEY", "placeholder-key")
            .stdin(Stdio::null())
            .output()?;
        Ok((
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    };
    let is_json = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text).is_ok()
            || (!text.trim().is_empty()
                && text
                    .lines()
                    .all(|l| serde_json::from_str::<serde_json::Value>(l).is_ok()))
    };
    let mut failures = Vec::new();
    for line in flow {
        match run(line) {
            Ok((0, out, _)) if is_json(&out) => {}
            Ok((code, out, err)) => failures.push(format!(
                "`{line}` exited {code}, printing {out:?} and {err:?}"
            )),
            Err(e) => failures.push(format!("`{line}` did not run: {e}")),
        }
    }
    let order = "create-port-order --company-name samplecompanyname --data-center-facility demodatacenter --port-name edge --payment-type invoice --duration-unit y";
    let cases: [(&str, String, i32, &str); 5] = [
        ("a create", format!("consoleconnect {order} --speed 1000"), 0, ""),
        (
            "a get",
            "consoleconnect get-port --company-name samplecompanyname --port-id 66ac8136f8ff98229a26f954".into(),
            0,
            "",
        ),
        (
            // Below the documented minimum of 100, which only the server checks.
            "a documented error",
            format!("consoleconnect {order} --speed 10"),
            1,
            "a documented error (`",
        ),
        (
            "a missing required flag",
            "consoleconnect get-port --port-id 1".into(),
            2,
            "--company-name <COMPANY_NAME>",
        ),
        (
            "a bad --body",
            "consoleconnect create-port-order --company-name samplecompanyname --body '{\"speed\": \"fast\"}'".into(),
            2,
            "at `speed`",
        ),
    ];
    for (what, line, code, needle) in cases {
        match run(&line) {
            Ok((c, out, err))
                if c == code && err.contains(needle) && (code != 0 || is_json(&out)) => {}
            Ok((c, out, err)) => failures.push(format!(
                "{what}: `{line}` exited {c} (expected {code}), printing {out:?} and {err:?}"
            )),
            Err(e) => failures.push(format!("{what}: `{line}` did not run: {e}")),
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A port that answers belongs to Prism only while Prism is alive: a Prism
    /// that stopped while another process holds its port is reported, with its log.
    #[test]
    fn a_port_held_by_another_process_is_not_a_started_prism() {
        let holder = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = holder.local_addr().unwrap().port();
        let log = std::env::temp_dir().join(format!("contract-test-{}.log", std::process::id()));
        std::fs::write(&log, "could not load the document\n").unwrap();
        let mut stopped = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
        stopped.wait().unwrap();
        let err = wait_until_listening(port, &mut stopped, &log).unwrap_err();
        let err = err.to_string();
        assert!(err.contains("Prism exited"), "{err}");
        assert!(err.contains("could not load the document"), "{err}");
        // Alive and listening: started.
        let mut alive = Command::new("sleep").arg("30").spawn().unwrap();
        let started = wait_until_listening(port, &mut alive, &log);
        let _ = alive.kill();
        let _ = alive.wait();
        let _ = std::fs::remove_file(&log);
        started.unwrap();
    }
}
