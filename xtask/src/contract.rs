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
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if let Some(status) = child.try_wait()? {
            bail!(
                "Prism exited ({status}) before listening: {}",
                log_tail(log, 3).join(" / ")
            );
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
        drop(mock);
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
