//! `cargo xtask litellm`: event streams end to end against a real
//! OpenAI-compatible server nobody here wrote.
//!
//! Installs LiteLLM's proxy (pinned, from PyPI) into the ignored
//! `.tools/live/venv-litellm` on first use, generates the OpenAI crate from
//! `../shared/corpus/openai__openapi.yaml` into `target/litellm/`, builds
//! `driver.rs` against it (features `chat` and `responses` only), starts the
//! proxy on a free loopback port with mocked models (no model download, no
//! network), runs the driver, and stops the proxy's process group by its id.

mod program;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned release (1.82.7 and 1.82.8 were a known supply-chain compromise).
pub const LITELLM_VERSION: &str = "1.106.12";
/// The master key the proxy requires; local only.
const KEY: &str = "sk-test-1234";
const DRIVER: &str = include_str!("driver.rs");

/// The proxy, stopped with its whole process group when dropped.
struct Proxy {
    child: Child,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // The child leads its own process group (`process_group(0)`): signal it
        // all, by id, then reap the leader.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// The venv's `litellm` command, installing the pinned release when it is not there.
pub fn install(root: &Path) -> Result<PathBuf> {
    let venv = root.join(".tools/live/venv-litellm");
    let bin = venv.join("bin/litellm");
    if bin.exists() && installed_version(&venv).as_deref() == Some(LITELLM_VERSION) {
        return Ok(bin);
    }
    println!(
        "installing litellm[proxy]=={LITELLM_VERSION} into {}",
        venv.display()
    );
    let started = Instant::now();
    let status = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .context("running python3 -m venv (is Python 3 installed?)")?;
    if !status.success() {
        bail!("could not create {}", venv.display());
    }
    let status = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(format!("litellm[proxy]=={LITELLM_VERSION}"))
        .status()
        .context("running pip")?;
    if !status.success() {
        bail!("pip could not install litellm[proxy]=={LITELLM_VERSION}");
    }
    println!("installed in {:.0} s", started.elapsed().as_secs_f64());
    Ok(bin)
}

/// The version of `litellm` in a venv, from its `.dist-info` directory.
fn installed_version(venv: &Path) -> Option<String> {
    let lib = std::fs::read_dir(venv.join("lib")).ok()?;
    for python in lib.flatten() {
        let site = python.path().join("site-packages");
        for entry in std::fs::read_dir(site).ok()?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(version) = name
                .strip_prefix("litellm-")
                .and_then(|n| n.strip_suffix(".dist-info"))
            {
                return Some(version.to_string());
            }
        }
    }
    None
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// The proxy's models: answers mocked by LiteLLM itself.
fn config(port: u16) -> String {
    format!(
        r#"model_list:
  - model_name: fake-gpt
    litellm_params: {{model: openai/fake-gpt, api_key: sk-fake, mock_response: "Hello from a mocked model."}}
  - model_name: fake-gpt-responses
    litellm_params: {{model: openai/fake-gpt, api_base: "http://127.0.0.1:{port}/v1", api_key: {KEY}, use_chat_completions_api: true}}
  - model_name: fake-gpt-slow
    litellm_params: {{model: openai/fake-gpt-slow, api_key: sk-fake, mock_response: "Slow answer.", mock_delay: 2.5, keepalive_seconds: 1}}
general_settings: {{master_key: {KEY}}}
litellm_settings: {{telemetry: false}}
"#
    )
}

/// Starts the proxy and waits until it answers its liveness probe.
fn start(litellm: &Path, dir: &Path, port: u16) -> Result<Proxy> {
    use std::os::unix::process::CommandExt as _;
    let config_path = dir.join("litellm-config.yaml");
    std::fs::write(&config_path, config(port))?;
    let log = dir.join("litellm.log");
    let log_file = std::fs::File::create(&log)?;
    let child = Command::new(litellm)
        .arg("--config")
        .arg(&config_path)
        .args(["--host", "127.0.0.1", "--port", &port.to_string()])
        .env("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        .env("LITELLM_TELEMETRY", "False")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone()?)
        .stderr(log_file)
        .process_group(0)
        .spawn()
        .context("starting litellm")?;
    let mut proxy = Proxy { child };
    let deadline = Instant::now() + Duration::from_secs(120);
    let probe = format!("127.0.0.1:{port}");
    while Instant::now() < deadline {
        if let Some(status) = proxy.child.try_wait()? {
            bail!(
                "litellm exited ({status}) before answering; see {}",
                log.display()
            );
        }
        if alive(&probe) {
            return Ok(proxy);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    bail!("litellm did not answer within 120 s; see {}", log.display())
}

/// `GET /health/liveliness` answers 200.
fn alive(addr: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b"200")
}

/// Generates the OpenAI crate and the driver into a scratch workspace.
fn write_workspace(root: &Path, dir: &Path) -> Result<()> {
    let doc = root.join("../shared/corpus/openai__openapi.yaml");
    let text =
        std::fs::read_to_string(&doc).with_context(|| format!("cannot read {}", doc.display()))?;
    let mut settings = codegen::Settings::new(
        "openai",
        "cargo xtask litellm",
        "corpus/openai__openapi.yaml",
    );
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let output = codegen::generate(&text, &settings).map_err(|d| {
        anyhow::anyhow!(
            "the OpenAI document did not generate: {} problem(s)",
            d.len()
        )
    })?;
    crate::fsutil::sync_dir(&dir.join("openai"), &output.files, false)?;
    let driver = dir.join("driver");
    std::fs::create_dir_all(driver.join("src"))?;
    write_if_changed(
        &driver.join("Cargo.toml"),
        r#"[package]
name = "litellm-driver"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
openai = { path = "../openai", default-features = false, features = ["chat", "responses"] }
futures-util = { version = "0.3", default-features = false }
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt"] }
"#,
    )?;
    write_if_changed(&driver.join("src/main.rs"), DRIVER)?;
    write_if_changed(
        &dir.join("Cargo.toml"),
        "# Scratch workspace written by `cargo xtask litellm`.\n[workspace]\nresolver = \"2\"\nmembers = [\"openai\", \"driver\"]\n\n[profile.dev]\ndebug = 0\n",
    )?;
    if !dir.join("Cargo.lock").exists() {
        // Same dependency versions as the main workspace, so its build is reused.
        let _ = std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"));
    }
    Ok(())
}

fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text)?;
    }
    Ok(())
}

pub fn run(root: &Path) -> Result<()> {
    let started = Instant::now();
    let litellm = install(root)?;
    let installed = started.elapsed();
    let dir = root.join("target/litellm");
    std::fs::create_dir_all(&dir)?;
    write_workspace(root, &dir)?;
    let build_start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["build", "--quiet", "-p", "litellm-driver"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("the driver does not build against the generated OpenAI crate");
    }
    // The same crate's command-line program (crate feature `cli`).
    let program = program::build(root, &dir)?;
    let built = build_start.elapsed();
    let port = free_port()?;
    let server_start = Instant::now();
    let proxy = start(&litellm, &dir, port)?;
    let up = server_start.elapsed();
    println!(
        "LiteLLM {LITELLM_VERSION} on 127.0.0.1:{port} (pid {}), up in {:.1} s",
        proxy.child.id(),
        up.as_secs_f64()
    );
    let run_start = Instant::now();
    let status = Command::new(root.join("target/debug/litellm-driver"))
        .arg(format!("http://127.0.0.1:{port}/v1"))
        .arg(KEY)
        .status()
        .context("running the driver")?;
    let program_failures = program::check(
        &program,
        &format!("http://127.0.0.1:{port}/v1"),
        KEY,
        "Hello from a mocked model.",
    );
    let ran = run_start.elapsed();
    drop(proxy);
    println!(
        "litellm: install/check {:.1} s, build {:.1} s, proxy start {:.1} s, checks {:.1} s, total {:.1} s",
        installed.as_secs_f64(),
        built.as_secs_f64(),
        up.as_secs_f64(),
        ran.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    if !program_failures.is_empty() {
        bail!(
            "the OpenAI program failed against LiteLLM: {} (log: {})",
            program_failures.join(", "),
            dir.join("litellm.log").display()
        );
    }
    if !status.success() {
        bail!(
            "the generated OpenAI client failed against LiteLLM (log: {})",
            dir.join("litellm.log").display()
        );
    }
    Ok(())
}
