//! The real servers `cargo xtask live` runs: pinned PyPI releases, each in a
//! virtual environment of its own under the ignored `.tools/live/`, listening on
//! a free loopback port with an embedded database, started in process groups of
//! their own and stopped by those groups' ids.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One server: what to install, and the scenario that seeds it.
#[derive(Debug, Clone, Copy)]
pub struct Server {
    pub name: &'static str,
    /// As the report names it (`Chroma 1.5.9`).
    pub title: &'static str,
    /// The pinned requirement given to pip.
    pub requirement: &'static str,
    /// The path that answers once the server is up.
    pub health: &'static str,
    /// The scenario: seed calls, values for parameters, what is left out (JSON).
    pub scenario: &'static str,
}

pub const CHROMA: Server = Server {
    name: "chroma",
    title: "Chroma 1.5.9",
    requirement: "chromadb==1.5.9",
    health: "/api/v2/heartbeat",
    scenario: include_str!("chroma.json"),
};

pub const AIRFLOW: Server = Server {
    name: "airflow",
    title: "Apache Airflow 3.3.2",
    requirement: "apache-airflow==3.3.2",
    health: "/api/v2/monitor/health",
    scenario: include_str!("airflow.json"),
};

pub const ALL: [Server; 2] = [CHROMA, AIRFLOW];

/// A local secret Airflow signs its tokens with (nothing outside this run uses it).
const AIRFLOW_SECRET: &str = "live-run-local-secret-0123456789abcdef";

/// Processes of a running server, each the leader of its own process group;
/// the groups are stopped when this is dropped.
pub struct Running {
    pub port: u16,
    children: Vec<(String, Child)>,
    pub logs: PathBuf,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Fails when a process of the server has exited.
    fn check_alive(&mut self) -> Result<()> {
        for (what, child) in &mut self.children {
            if let Some(status) = child.try_wait()? {
                bail!(
                    "`{what}` exited ({status}); see {}",
                    self.logs.join(format!("{what}.log")).display()
                );
            }
        }
        Ok(())
    }

    /// Stops every process group: SIGTERM, then SIGKILL after 15 s.
    pub fn stop(&mut self) {
        for (_, child) in &self.children {
            signal_group(child.id(), "TERM");
        }
        let deadline = Instant::now() + Duration::from_secs(15);
        for (_, child) in &mut self.children {
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            if !matches!(child.try_wait(), Ok(Some(_))) {
                signal_group(child.id(), "KILL");
                let _ = child.wait();
            }
        }
        // Children of a leader that ended first (task runners) go with its group.
        for (_, child) in &self.children {
            signal_group(child.id(), "KILL");
        }
        self.children.clear();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends a signal to the process group led by `pid` (never to anything by name).
fn signal_group(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg("--")
        .arg(format!("-{pid}"))
        .stderr(Stdio::null())
        .status();
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    pub fn venv(&self, root: &Path) -> PathBuf {
        root.join(".tools/live").join(format!("venv-{}", self.name))
    }

    /// Creates the virtual environment and installs the pinned release, unless
    /// that exact requirement is installed; returns how long installing took.
    pub fn install(&self, root: &Path) -> Result<Option<Duration>> {
        let venv = self.venv(root);
        let marker = venv.join("installed.txt");
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(self.requirement) {
            return Ok(None);
        }
        println!("installing {} into {}", self.requirement, venv.display());
        let started = Instant::now();
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .context("running python3 -m venv (is Python 3 installed?)")?;
        if !status.success() {
            bail!("python3 -m venv {} failed", venv.display());
        }
        let status = Command::new(venv.join("bin/pip"))
            .args([
                "install",
                "--quiet",
                "--disable-pip-version-check",
                self.requirement,
            ])
            .status()
            .context("running pip")?;
        if !status.success() {
            bail!("pip could not install {}", self.requirement);
        }
        std::fs::write(&marker, self.requirement)?;
        Ok(Some(started.elapsed()))
    }

    /// Starts the server on a free loopback port with its data in `data` (emptied
    /// first), and waits until it answers its health path.
    pub fn start(&self, root: &Path, data: &Path) -> Result<Running> {
        let _ = std::fs::remove_dir_all(data);
        std::fs::create_dir_all(data)?;
        let logs = data.join("logs");
        std::fs::create_dir_all(&logs)?;
        let port = free_port()?;
        let bin = self.venv(root).join("bin");
        let mut running = Running {
            port,
            children: Vec::new(),
            logs: logs.clone(),
        };
        let spawn = |what: &str, mut command: Command| -> Result<(String, Child)> {
            use std::os::unix::process::CommandExt;
            let log = std::fs::File::create(logs.join(format!("{what}.log")))?;
            let child = command
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .process_group(0)
                .spawn()
                .with_context(|| format!("starting `{what}`"))?;
            Ok((what.to_string(), child))
        };
        match self.name {
            "chroma" => {
                let mut c = Command::new(bin.join("chroma"));
                c.arg("run")
                    .arg("--path")
                    .arg(data.join("db"))
                    .args(["--host", "127.0.0.1", "--port", &port.to_string()])
                    .env("ANONYMIZED_TELEMETRY", "False");
                running.children.push(spawn("chroma", c)?);
            }
            "airflow" => {
                let env = airflow_env(&bin, &data.join("home"), port);
                let airflow = |args: &[&str]| {
                    let mut c = Command::new(bin.join("airflow"));
                    c.args(args).envs(env.iter().map(|(k, v)| (k, v)));
                    c
                };
                let migrate = airflow(&["db", "migrate"])
                    .stdout(Stdio::null())
                    .stderr(std::fs::File::create(logs.join("migrate.log"))?)
                    .status()
                    .context("running airflow db migrate")?;
                if !migrate.success() {
                    bail!(
                        "airflow db migrate failed; see {}",
                        logs.join("migrate.log").display()
                    );
                }
                let port_text = port.to_string();
                running.children.push(spawn(
                    "api-server",
                    airflow(&[
                        "api-server",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        &port_text,
                        "--workers",
                        "1",
                    ]),
                )?);
                running.children.push(spawn(
                    "scheduler",
                    airflow(&["scheduler", "--skip-serve-logs"]),
                )?);
                running
                    .children
                    .push(spawn("dag-processor", airflow(&["dag-processor"]))?);
            }
            other => bail!("no recipe for {other}"),
        }
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            running.check_alive()?;
            if get(&format!("{}{}", running.url(), self.health)).is_ok() {
                break;
            }
            if Instant::now() > deadline {
                bail!("{} did not answer {} within 180 s", self.title, self.health);
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        Ok(running)
    }

    /// What the server needs before it is seeded, through its own API: Airflow
    /// parses its example DAGs (a minute or so), and hands out a token.
    /// Returns the credential the client is to send, if any.
    pub fn prepare(&self, running: &mut Running) -> Result<Option<String>> {
        if self.name != "airflow" {
            return Ok(None);
        }
        let token: serde_json::Value =
            serde_json::from_str(&get(&format!("{}/auth/token", running.url()))?)
                .context("the token answer is JSON")?;
        let token = token["access_token"]
            .as_str()
            .context("no access_token in Airflow's answer")?
            .to_string();
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            running.check_alive()?;
            let dags = ureq::get(format!(
                "{}/api/v2/dags?dag_id_pattern=example_bash_operator",
                running.url()
            ))
            .header("Authorization", &format!("Bearer {token}"))
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            if dags.is_some_and(|d| d["total_entries"].as_u64().unwrap_or(0) > 0) {
                break;
            }
            if Instant::now() > deadline {
                bail!("Airflow's example DAGs were not parsed within 300 s");
            }
            std::thread::sleep(Duration::from_secs(2));
        }
        Ok(Some(token))
    }
}

/// An HTTP GET on loopback; the body as text, or why not.
pub fn get(url: &str) -> Result<String> {
    let mut response = ureq::get(url)
        .call()
        .with_context(|| format!("GET {url}"))?;
    Ok(response.body_mut().read_to_string()?)
}

/// Airflow's settings: loopback only, SQLite in `home`, the example DAGs, a local
/// executor, and a simple auth manager where everyone is an admin.
fn airflow_env(bin: &Path, home: &Path, port: u16) -> Vec<(String, String)> {
    let url = format!("http://127.0.0.1:{port}");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    [
        ("AIRFLOW_HOME", home.display().to_string()),
        ("PATH", path),
        ("AIRFLOW__CORE__LOAD_EXAMPLES", "True".into()),
        ("AIRFLOW__CORE__EXECUTOR", "LocalExecutor".into()),
        ("AIRFLOW__CORE__PARALLELISM", "4".into()),
        (
            "AIRFLOW__CORE__AUTH_MANAGER",
            "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager".into(),
        ),
        (
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS",
            "True".into(),
        ),
        (
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
            format!("{url}/execution/"),
        ),
        ("AIRFLOW__API__HOST", "127.0.0.1".into()),
        ("AIRFLOW__API__PORT", port.to_string()),
        ("AIRFLOW__API__BASE_URL", url),
        ("AIRFLOW__API__WORKERS", "1".into()),
        ("AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK", "False".into()),
        ("AIRFLOW__API_AUTH__JWT_SECRET", AIRFLOW_SECRET.into()),
        ("AIRFLOW__API__SECRET_KEY", AIRFLOW_SECRET.into()),
        ("AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION", "True".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}
