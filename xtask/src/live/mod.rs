//! `cargo xtask live`: generated clients against real servers nobody here wrote.
//!
//! For each server (see `servers.rs`: pinned PyPI releases on loopback, embedded
//! databases, no credentials of anyone's):
//!
//! 1. install it (once) and start it; wait until it answers;
//! 2. take the OpenAPI document it serves and generate the crate from it, with a
//!    driver (the conformance driver, `codegen::conformance`, whose calls go
//!    through a recording proxy: `calls.rs`);
//! 3. seed it through its own API with the scenario's calls (`chroma.json`,
//!    `airflow.json`), each made through the generated `Client`, with ids taken
//!    from earlier responses;
//! 4. call every other operation whose arguments can be filled (from values the
//!    server sent before, the document's examples and defaults), deletions last;
//! 5. check every exchange: the request body the client wrote is the one given;
//!    every JSON response body is validated against its schema (the `jsonschema`
//!    crate on the document converted to JSON Schema), decoded as its Rust type and
//!    encoded back; each failure is classified as the generator's (a body its
//!    schema accepts that does not decode or come back unchanged, a request body
//!    changed), the document's (a body or status it does not describe) or the
//!    server's (5xx, no answer), with one line of evidence;
//! 6. stop the server by its process groups; write `bench/live.md`.
//!
//! The run fails when any failure is the generator's.

mod servers;

pub use servers::{AIRFLOW, ALL, CHROMA, Server};

use crate::conformance::{Schemas, write_if_changed};
use anyhow::{Context, Result, bail};
use codegen::conformance::{BODY, OperationPlan};
use codegen::conformance::{json_diff, response_schema};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// The driver's calling part, with the recording proxy.
pub const CALLS_RS: &str = include_str!("calls.rs");

/// Whose fault a failure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Generator,
    Document,
    Server,
}

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Generator => "the generator's",
            Class::Document => "the document's",
            Class::Server => "the server's",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failure {
    pub class: Class,
    pub operation: String,
    pub evidence: String,
}

/// One server's results.
#[derive(Debug, Default)]
pub struct Report {
    pub server: String,
    pub title: String,
    pub problem: Option<String>,
    pub install: Option<Duration>,
    pub start: Duration,
    pub prepare: Duration,
    pub build: Duration,
    pub run: Duration,
    pub operations: usize,
    pub called: BTreeSet<String>,
    pub calls: usize,
    /// Responses by status.
    pub statuses: BTreeMap<u16, usize>,
    /// Calls by what the client made of them (`ok`, `api`, `unexpected`, `decode`…).
    pub outcomes: BTreeMap<String, usize>,
    /// Calls whose response the client decoded (as a success or a documented error).
    pub decoded: usize,
    /// JSON response bodies with a schema, and those that came back unchanged.
    pub json_bodies: usize,
    pub exact: usize,
    /// JSON request bodies, and those the client wrote as given.
    pub json_requests: usize,
    pub requests_exact: usize,
    pub failures: Vec<Failure>,
    /// Operations not called, and why.
    pub not_called: Vec<(String, String)>,
    /// What a reading of the results by hand found (the scenario's `notes`).
    pub notes: Vec<String>,
    /// Error answers the client decoded as documented (status, what they said).
    pub refusals: Vec<(String, u16, String)>,
}

impl Report {
    fn fail(&mut self, class: Class, operation: &str, evidence: String) {
        let f = Failure {
            class,
            operation: operation.to_string(),
            evidence: one_line(&evidence, 300),
        };
        if !self.failures.contains(&f) {
            self.failures.push(f);
        }
    }

    pub fn count(&self, class: Class) -> usize {
        self.failures.iter().filter(|f| f.class == class).count()
    }
}

fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}…", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

/// Runs the servers and writes their sections of the report.
pub fn run(root: &Path, servers: &[Server], report: Option<&Path>) -> Result<Vec<Report>> {
    let work = root.join("target/live");
    std::fs::create_dir_all(&work)?;
    let mut reports = Vec::new();
    for server in servers {
        let started = Instant::now();
        let mut r = Report {
            server: server.name.into(),
            title: server.title.into(),
            ..Report::default()
        };
        if let Ok(scenario) = serde_json::from_str::<Value>(server.scenario) {
            r.notes = scenario["notes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| Some(n.as_str()?.to_string()))
                .collect();
        }
        if let Err(e) = run_one(root, &work, *server, &mut r) {
            r.problem = Some(format!("{e:#}"));
        }
        println!("{}", summary(&r, started.elapsed()));
        reports.push(r);
    }
    if let Some(path) = report {
        let mut text = std::fs::read_to_string(path).unwrap_or_else(|_| HEADER.to_string());
        for r in &reports {
            text = replace_section(&text, &r.server, &section(r));
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("written to {}", path.display());
    }
    Ok(reports)
}

/// Whether the results meet the bar: every server ran, and no failure is the generator's.
pub fn verdict(reports: &[Report]) -> Result<()> {
    let mut problems = Vec::new();
    for r in reports {
        if let Some(p) = &r.problem {
            problems.push(format!("{}: {p}", r.title));
        }
        for f in r.failures.iter().filter(|f| f.class == Class::Generator) {
            problems.push(format!("{}: {}: {}", r.title, f.operation, f.evidence));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!("live:\n  {}", problems.join("\n  "))
    }
}

fn summary(r: &Report, took: Duration) -> String {
    match &r.problem {
        Some(p) => format!("{}: {p}", r.title),
        None => format!(
            "{}: {} of {} operations called ({} calls), {} responses decoded, {}/{} JSON bodies \
             round-trip exactly, failures: {} generator, {} document, {} server ({:.0} s)",
            r.title,
            r.called.len(),
            r.operations,
            r.calls,
            r.decoded,
            r.exact,
            r.json_bodies,
            r.count(Class::Generator),
            r.count(Class::Document),
            r.count(Class::Server),
            took.as_secs_f64()
        ),
    }
}

fn run_one(root: &Path, work: &Path, server: Server, r: &mut Report) -> Result<()> {
    let scenario: Value = serde_json::from_str(server.scenario)
        .with_context(|| format!("the scenario of {}", server.name))?;
    r.install = server.install(root)?;
    let dir = work.join(server.name);
    let clock = Instant::now();
    let mut running = server.start(root, &dir.join("data"))?;
    r.start = clock.elapsed();
    println!(
        "{} listening on {} after {:.1} s",
        server.title,
        running.url(),
        r.start.as_secs_f64()
    );
    let clock = Instant::now();
    let credential = server.prepare(&mut running)?;
    r.prepare = clock.elapsed();
    let text = servers::get(&format!("{}/openapi.json", running.url()))?;
    std::fs::write(dir.join("openapi.json"), &text)?;
    let prepared = prepare(work, &dir, server.name, &text)?;
    r.operations = prepared.driver.operations.len();
    let clock = Instant::now();
    build(work)?;
    r.build = clock.elapsed();
    let clock = Instant::now();
    let mut driver = Driver::start(
        &target_dir(work)
            .join("debug")
            .join(format!("{}-driver", prepared.name)),
        &running.url(),
        credential.as_deref(),
        &dir.join("driver.stderr.log"),
    )?;
    let raw: Value = serde_json::from_str(&text).context("the document is JSON")?;
    let converted = codegen::json_schema::convert_document(&raw);
    let registry = jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft202012)
        .add("urn:document", &converted)
        .context("registering the document")?
        .prepare()
        .context("preparing the document's schemas")?;
    let mut session = Session {
        prepared: &prepared,
        raw: &raw,
        schemas: Schemas {
            registry: &registry,
            formats: false,
            compiled: BTreeMap::new(),
        },
        strict: Schemas {
            registry: &registry,
            formats: true,
            compiled: BTreeMap::new(),
        },
        driver: &mut driver,
        pool: BTreeMap::new(),
        saved: BTreeMap::new(),
        next_id: 0,
    };
    let result = session.scenario(&scenario, r);
    r.run = clock.elapsed();
    driver.stop();
    running.stop();
    result
}

/// The crate and driver of one server's document, written into the live workspace.
struct Prepared {
    name: String,
    driver: codegen::conformance::Driver,
    pointers: Vec<String>,
}

fn prepare(work: &Path, dir: &Path, server: &str, text: &str) -> Result<Prepared> {
    let name = format!("live_{server}");
    let mut settings =
        codegen::Settings::new(&name, "cargo xtask live", format!("{server}/openapi.json"));
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let output = codegen::generate(text, &settings).map_err(|d| {
        anyhow::anyhow!(
            "the document does not generate: {}",
            d.iter()
                .find(|d| d.is_fatal())
                .map_or("errors".into(), |d| format!(
                    "{} at {}",
                    d.message, d.pointer
                ))
        )
    })?;
    crate::fsutil::sync_dir(&work.join("crates").join(&name), &output.files, false)?;
    std::fs::write(
        dir.join("diagnostics.txt"),
        output
            .diagnostics
            .iter()
            .map(|d| format!("{d}\n"))
            .collect::<String>(),
    )?;
    // Every schema a response or a body may be checked against.
    let plan_only = codegen::conformance::driver(text, &name, &[])
        .map_err(|d| anyhow::anyhow!("{:?}", d.first().map(|d| &d.message)))?;
    let mut pointers: Vec<String> = plan_only
        .operations
        .iter()
        .flat_map(|op| {
            op.responses
                .iter()
                .map(|(_, p)| p.clone())
                .chain(op.body.iter().filter_map(|b| b.schema_pointer.clone()))
        })
        .collect();
    pointers.sort();
    pointers.dedup();
    let driver = codegen::conformance::driver(text, &name, &pointers)
        .map_err(|d| anyhow::anyhow!("{:?}", d.first().map(|d| &d.message)))?;
    let src = work.join("drivers").join(&name).join("src");
    std::fs::create_dir_all(&src)?;
    let manifest = format!(
        "# Written by `cargo xtask live`.\n[package]\nname = \"{name}-driver\"\nversion = \"0.0.0\"\n\
         edition = \"2021\"\npublish = false\n\n[dependencies]\n{name} = {{ path = \"../../crates/{name}\" }}\n\
         serde = \"1\"\nserde_json = \"1\"\nbytes = \"1\"\n\
         tokio = {{ version = \"1\", features = [\"rt\", \"net\"] }}\n\
         reqwest = {{ version = \"0.13\", default-features = false }}\n\
         hyper = {{ version = \"1\", features = [\"server\", \"http1\"] }}\n\
         hyper-util = {{ version = \"0.1\", features = [\"tokio\"] }}\nhttp-body-util = \"0.1\"\n"
    );
    write_if_changed(&src.join("../Cargo.toml"), &manifest)?;
    write_if_changed(&src.join("main.rs"), &driver.main_rs)?;
    write_if_changed(&src.join("support.rs"), crate::conformance::SUPPORT_RS)?;
    write_if_changed(&src.join("calls.rs"), CALLS_RS)?;
    let members: Vec<String> = std::fs::read_dir(work.join("crates"))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| work.join("drivers").join(n).exists())
        .flat_map(|n| [format!("\"crates/{n}\""), format!("\"drivers/{n}\"")])
        .collect();
    write_if_changed(
        &work.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask live`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n\
             [profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    )?;
    Ok(Prepared {
        name,
        driver,
        pointers,
    })
}

/// Where the live workspace builds: `cargo xtask conformance`'s target directory,
/// so that the HTTP and TLS stack its drivers share (rustls with aws-lc is minutes
/// of C on two cores) is built once for both.
fn target_dir(work: &Path) -> std::path::PathBuf {
    work.with_file_name("conformance").join("target")
}

fn build(work: &Path) -> Result<()> {
    let status = Command::new(env!("CARGO"))
        .current_dir(work)
        .env("CARGO_TARGET_DIR", target_dir(work))
        .args(["build", "--quiet", "--workspace"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("the generated crate or its driver does not build");
    }
    Ok(())
}

/// A running driver: one JSON request per line in, one answer per line out.
struct Driver {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Driver {
    fn start(binary: &Path, upstream: &str, credential: Option<&str>, log: &Path) -> Result<Self> {
        let proxy = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(binary);
        command
            .arg(format!("http://127.0.0.1:{proxy}"))
            .env("LIVE_UPSTREAM", upstream)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log)?);
        if let Some(c) = credential {
            command.env("DRIVER_CREDENTIAL", c);
        }
        let mut child = command.spawn().context("starting the driver")?;
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().context("driver stdout")?);
        Ok(Self {
            child,
            stdin,
            stdout,
        })
    }

    fn ask(&mut self, request: &Value) -> Result<Value> {
        let stdin = self.stdin.as_mut().context("the driver is stopped")?;
        writeln!(stdin, "{request}")?;
        stdin.flush()?;
        let mut line = String::new();
        if self.stdout.read_line(&mut line)? == 0 {
            bail!("the driver stopped answering");
        }
        serde_json::from_str(&line).context("a driver answer")
    }

    fn stop(&mut self) {
        self.stdin = None;
        let _ = self.child.wait();
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session<'a, 'r> {
    prepared: &'a Prepared,
    raw: &'a Value,
    schemas: Schemas<'r>,
    /// The same, `format`s checked too.
    strict: Schemas<'r>,
    driver: &'a mut Driver,
    /// Values for parameters by name: the scenario's, then each member name seen
    /// in a response (the first value seen).
    pool: BTreeMap<String, Value>,
    /// Responses the scenario saved by name.
    saved: BTreeMap<String, Value>,
    next_id: usize,
}

impl Session<'_, '_> {
    fn operation(&self, id: &str) -> Result<usize> {
        self.prepared
            .driver
            .operations
            .iter()
            .position(|o| o.id == id)
            .with_context(|| format!("the document has no operation `{id}`"))
    }

    /// Seed calls, every other operation that can be filled, the scenario's
    /// `finally` calls, the deletions not made yet, then its `last` calls.
    fn scenario(&mut self, scenario: &Value, r: &mut Report) -> Result<()> {
        if let Some(pool) = scenario["pool"].as_object() {
            self.pool.extend(pool.clone());
        }
        let skip: BTreeMap<String, String> = scenario["skip"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default();
        for step in scenario["seed"].as_array().into_iter().flatten() {
            self.step(step, r)?;
        }
        let ops = self.prepared.driver.operations.clone();
        let pending = |r: &Report, op: &OperationPlan| {
            !r.called.contains(&op.id) && !skip.contains_key(&op.id)
        };
        for op in ops.iter().filter(|o| o.method != "DELETE") {
            if pending(r, op) {
                self.sweep(op, r)?;
            }
        }
        for step in scenario["finally"].as_array().into_iter().flatten() {
            self.step(step, r)?;
        }
        for op in ops.iter().filter(|o| o.method == "DELETE") {
            if pending(r, op) {
                self.sweep(op, r)?;
            }
        }
        // What ends the session or empties the server.
        for step in scenario["last"].as_array().into_iter().flatten() {
            self.step(step, r)?;
        }
        for (op, why) in skip {
            if !r.called.contains(&op) {
                r.not_called.push((op, format!("left out: {why}")));
            }
        }
        Ok(())
    }

    /// One scenario step: `{"call": id, "args": {...}, "save": name,
    /// "until": {"at": pointer, "in": [values]}, "tries": n}`, or values for
    /// parameters: `{"pool": {"asset_id": "${assets/assets/0/id}"}}`.
    fn step(&mut self, step: &Value, r: &mut Report) -> Result<()> {
        // `{"pool": {"name": value}}`: values for parameters, from saved responses.
        if let (Some(values), None) = (step["pool"].as_object(), step.get("call")) {
            for (name, value) in values {
                match self.resolve(value) {
                    Ok(v) => {
                        self.pool.insert(name.clone(), v);
                    }
                    Err(e) => println!("  no value for `{name}`: {e:#}"),
                }
            }
            return Ok(());
        }
        let id = step["call"].as_str().context("a step names its `call`")?;
        let op = self.operation(id)?;
        let args = match self.resolve(&step["args"]) {
            Ok(args) => args,
            Err(e) => {
                r.not_called
                    .push((id.to_string(), format!("a scenario step: {e:#}")));
                return Ok(());
            }
        };
        for (name, value) in args.as_object().into_iter().flatten() {
            if name != BODY && !value.is_null() {
                self.pool
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        let tries = step["tries"].as_u64().unwrap_or(1).max(1);
        for attempt in 1..=tries {
            let body = self.call(op, &args, r)?;
            if let (Some(name), Some(body)) = (step["save"].as_str(), &body) {
                self.saved.insert(name.to_string(), body.clone());
            }
            let done = match (step["until"].as_object(), &body) {
                (None, _) => true,
                (Some(until), Some(body)) => {
                    let at = until["at"].as_str().unwrap_or_default();
                    let wanted = until["in"].as_array().cloned().unwrap_or_default();
                    body.pointer(at).is_some_and(|v| wanted.contains(v))
                }
                (Some(_), None) => false,
            };
            if done {
                return Ok(());
            }
            if attempt < tries {
                std::thread::sleep(Duration::from_secs(2));
            }
        }
        println!("  {id}: still not as awaited after {tries} tries; going on");
        Ok(())
    }

    /// Replaces `${name/pointer}` with a value from a saved response (the whole
    /// value when it is the whole string).
    fn resolve(&self, value: &Value) -> Result<Value> {
        Ok(match value {
            Value::String(s) if s.contains("${") => {
                let lookup = |reference: &str| -> Result<Value> {
                    let (name, pointer) = reference.split_once('/').unwrap_or((reference, ""));
                    let saved = self
                        .saved
                        .get(name)
                        .with_context(|| format!("nothing saved as `{name}`"))?;
                    let pointer = if pointer.is_empty() {
                        String::new()
                    } else {
                        format!("/{pointer}")
                    };
                    saved
                        .pointer(&pointer)
                        .cloned()
                        .with_context(|| format!("`{name}` has nothing at `{pointer}`"))
                };
                if let Some(whole) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}'))
                    && !whole.contains("${")
                {
                    return lookup(whole);
                }
                let mut out = String::new();
                let mut rest = s.as_str();
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let end = rest[start..].find('}').context("an unclosed `${`")? + start;
                    match lookup(&rest[start + 2..end])? {
                        Value::String(t) => out.push_str(&t),
                        other => out.push_str(&other.to_string()),
                    }
                    rest = &rest[end + 1..];
                }
                out.push_str(rest);
                Value::String(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.resolve(v))
                    .collect::<Result<_>>()?,
            ),
            Value::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.resolve(v)?)))
                    .collect::<Result<_>>()?,
            ),
            other => other.clone(),
        })
    }

    /// Calls an operation the scenario does not, when its arguments can be filled.
    fn sweep(&mut self, op: &OperationPlan, r: &mut Report) -> Result<()> {
        match self.fill(op) {
            Ok(args) => {
                let index = self.operation(&op.id)?;
                self.call(index, &args, r)?;
            }
            Err(missing) => r
                .not_called
                .push((op.id.clone(), format!("no value for `{missing}`"))),
        }
        Ok(())
    }

    /// Arguments from the pool, the document's examples and defaults; a required
    /// body is a minimal instance of its schema.
    fn fill(&mut self, op: &OperationPlan) -> Result<Value, String> {
        let mut args = Map::new();
        for p in &op.params {
            let schema = p
                .schema_pointer
                .as_deref()
                .and_then(|s| self.at(s))
                .cloned();
            // A value seen under the parameter's name, if its schema takes it
            // (alone, or as the one item of a list).
            let seen = self.pool.get(&p.name).cloned().and_then(|v| {
                let Some(pointer) = &p.schema_pointer else {
                    return Some(v);
                };
                [v.clone(), json!([v])]
                    .into_iter()
                    .find(|c| self.schemas.valid(pointer, c) == Some(true))
            });
            let value = seen.or_else(|| {
                p.required
                    .then(|| {
                        p.example
                            .clone()
                            .or_else(|| schema.as_ref().and_then(|s| self.scalar_default(s)))
                    })
                    .flatten()
            });
            match value {
                Some(v) => {
                    args.insert(p.name.clone(), v);
                }
                None if p.required => return Err(p.name.clone()),
                None => {}
            }
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            let schema = b.schema_pointer.as_deref().and_then(|s| self.at(s));
            match schema {
                Some(s) => {
                    args.insert(BODY.into(), self.minimal(s, 0));
                }
                None => return Err("the body".into()),
            }
        }
        Ok(Value::Object(args))
    }

    /// The value at a `#/…` pointer of the document, references followed.
    fn at(&self, pointer: &str) -> Option<&Value> {
        let mut value = self.raw.pointer(pointer.strip_prefix('#')?)?;
        for _ in 0..16 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => value = self.raw.pointer(r.strip_prefix('#')?)?,
                None => return Some(value),
            }
        }
        None
    }

    fn deref<'v>(&'v self, schema: &'v Value) -> &'v Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.at(r).unwrap_or(schema),
            None => schema,
        }
    }

    /// A parameter's default, example or first enum value.
    fn scalar_default(&self, schema: &Value) -> Option<Value> {
        let schema = self.deref(schema);
        schema
            .get("const")
            .or_else(|| schema.get("default"))
            .or_else(|| schema.get("example"))
            .or_else(|| schema.get("enum").and_then(|e| e.get(0)))
            .cloned()
            .or_else(|| {
                schema
                    .get("anyOf")
                    .or_else(|| schema.get("oneOf"))
                    .and_then(Value::as_array)
                    .and_then(|v| v.iter().find_map(|s| self.scalar_default(s)))
            })
    }

    /// A small instance of a schema: its required members, from the pool where a
    /// member of that name was seen, else made up.
    fn minimal(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.deref(schema);
        if depth > 8 {
            return Value::Null;
        }
        if let Some(v) = schema.get("default").or_else(|| schema.get("example")) {
            return v.clone();
        }
        if let Some(v) = schema.get("enum").and_then(|e| e.get(0)) {
            return v.clone();
        }
        if let Some(v) = schema.get("const") {
            return v.clone();
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(variants) = schema.get(key).and_then(Value::as_array) {
                let not_null = variants
                    .iter()
                    .find(|v| self.deref(v).get("type") != Some(&json!("null")));
                if let Some(v) = not_null.or(variants.first()) {
                    return self.minimal(v, depth + 1);
                }
            }
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut out = Map::new();
            for p in parts {
                if let Value::Object(m) = self.minimal(p, depth + 1) {
                    out.extend(m);
                }
            }
            return Value::Object(out);
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) => types
                .iter()
                .find(|t| *t != "null")
                .and_then(Value::as_str)
                .unwrap_or("null"),
            Some(Value::String(t)) => t.as_str(),
            _ if schema.get("properties").is_some() => "object",
            _ => "object",
        };
        match ty {
            "object" => {
                let mut out = Map::new();
                let required = schema["required"].as_array().cloned().unwrap_or_default();
                for name in required.iter().filter_map(Value::as_str) {
                    let member = &schema["properties"][name];
                    let value = match self.pool.get(name) {
                        Some(v) if !v.is_object() && !v.is_array() => v.clone(),
                        _ => self.minimal(member, depth + 1),
                    };
                    out.insert(name.to_string(), value);
                }
                Value::Object(out)
            }
            "array" => json!([]),
            "string" => match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-01-01T00:00:00Z"),
                Some("date") => json!("2024-01-01"),
                Some("uuid") => json!("00000000-0000-4000-8000-000000000000"),
                _ => json!("live"),
            },
            "integer" => schema.get("minimum").cloned().unwrap_or(json!(1)),
            "number" => json!(1.5),
            "boolean" => json!(false),
            _ => Value::Null,
        }
    }

    /// Notes every scalar member of a response under its name, where the pool has
    /// no value of that name yet.
    fn learn(&mut self, value: &Value) {
        let mut stack = vec![value];
        while let Some(v) = stack.pop() {
            match v {
                Value::Object(m) => {
                    for (k, v) in m {
                        match v {
                            Value::String(_) | Value::Number(_) => {
                                self.pool.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                            _ => stack.push(v),
                        }
                    }
                }
                Value::Array(items) => stack.extend(items.iter().take(3).rev()),
                _ => {}
            }
        }
    }

    /// Calls an operation through the driver and checks the exchange; returns the
    /// response's JSON body.
    fn call(&mut self, op: usize, args: &Value, r: &mut Report) -> Result<Option<Value>> {
        let plan = self.prepared.driver.operations[op].clone();
        let id = self.next_id;
        self.next_id += 1;
        let answer = self
            .driver
            .ask(&json!({"id": id, "operation": op, "args": args}))?;
        if let Some(e) = answer["arguments"].as_str() {
            r.not_called.push((
                plan.id.clone(),
                format!("a value does not decode as the parameter's type: {e}"),
            ));
            return Ok(None);
        }
        r.calls += 1;
        r.called.insert(plan.id.clone());
        let exchange = &answer["exchange"];
        let outcome = exchange["outcome"].as_str().unwrap_or_default().to_string();
        let error = answer["error"].as_str().unwrap_or_default().to_string();
        *r.outcomes.entry(outcome.clone()).or_default() += 1;
        let name = format!("{} {}", plan.id, exchange["target"].as_str().unwrap_or(""));
        let Some(status) = exchange["status"].as_u64().map(|s| s as u16) else {
            let why = exchange["proxy_error"].as_str().unwrap_or(&error);
            match outcome.as_str() {
                "invalid" => r.fail(
                    Class::Generator,
                    &plan.id,
                    format!("the client refused arguments the server gave: {error}"),
                ),
                _ => r.fail(Class::Server, &plan.id, format!("no response: {why}")),
            }
            return Ok(None);
        };
        *r.statuses.entry(status).or_default() += 1;

        // The request body the client wrote is the one it was given.
        let request_json = exchange["request_type"]
            .as_str()
            .is_some_and(|t| t.contains("json"));
        if let (Some(given), true) = (args.get(BODY), request_json) {
            r.json_requests += 1;
            let sent = exchange["request_body"]
                .as_str()
                .and_then(|t| serde_json::from_str::<Value>(t).ok());
            match sent.map(|s| json_diff(given, &s, "")) {
                Some(None) => r.requests_exact += 1,
                Some(Some(diff)) => r.fail(
                    Class::Generator,
                    &plan.id,
                    format!("the request body is not the one given: {diff}"),
                ),
                None => r.fail(
                    Class::Generator,
                    &plan.id,
                    "the request body sent is not JSON".into(),
                ),
            }
        }

        let text = exchange["response_body"].as_str().unwrap_or_default();
        let content_type = exchange["response_type"].as_str().unwrap_or_default();
        let json_body = if content_type.contains("json") {
            serde_json::from_str::<Value>(text).ok()
        } else {
            None
        };
        if let Some(body) = &json_body {
            self.learn(body);
        }
        let pointer = response_schema(&plan.responses, status)
            .map(str::to_string)
            .or_else(|| {
                // An undocumented 2xx is read as the one success type, if one.
                let successes: BTreeSet<&String> = plan
                    .responses
                    .iter()
                    .filter(|(s, _)| s.starts_with('2'))
                    .map(|(_, p)| p)
                    .collect();
                match (
                    status / 100,
                    successes.into_iter().collect::<Vec<_>>().as_slice(),
                ) {
                    (2, [one]) => Some((*one).clone()),
                    _ => None,
                }
            });
        let excerpt = one_line(text, 160);
        let decoded = matches!(outcome.as_str(), "ok" | "api");
        if decoded {
            r.decoded += 1;
        }
        // A JSON body with a schema: valid? does it come back unchanged?
        let mut checked = None;
        if let (Some(body), Some(pointer)) = (&json_body, &pointer) {
            let valid = self.schemas.valid(pointer, body);
            let why = (valid == Some(false)).then(|| self.schemas.why(pointer, body));
            let roundtrip = match self.type_of(pointer) {
                Some(ty) => {
                    let id = self.next_id;
                    self.next_id += 1;
                    let a = self
                        .driver
                        .ask(&json!({"id": id, "type": ty, "text": text}))?;
                    match a["encoded"].as_str() {
                        Some(enc) => match serde_json::from_str::<Value>(enc) {
                            Ok(back) => Ok(json_diff(body, &back, "")),
                            Err(e) => Err(format!("re-encoded text is not JSON: {e}")),
                        },
                        None => Err(a["error"].as_str().unwrap_or("no answer").to_string()),
                    }
                }
                None => Err("the generator gave this schema no type".to_string()),
            };
            checked = Some((valid, why, roundtrip));
        }
        let allowed = status == 422 && self.allowed(&plan, args);
        let verdict = judge(&Seen {
            status,
            outcome: &outcome,
            error: &error,
            excerpt: &excerpt,
            content_type,
            documented: pointer.is_some(),
            checked: checked.map(|(_, why, roundtrip)| (why, roundtrip)),
            allowed,
        });
        if verdict.checked {
            r.json_bodies += 1;
        }
        if verdict.exact {
            r.exact += 1;
        }
        for (class, evidence) in verdict.failures {
            r.fail(class, &plan.id, evidence);
        }
        if verdict.refused && r.refusals.len() < 200 {
            r.refusals.push((name, status, excerpt));
        }
        Ok(json_body)
    }

    /// Whether every argument of a call is valid for its schema in the document
    /// (formats checked too).
    fn allowed(&mut self, plan: &OperationPlan, args: &Value) -> bool {
        plan.params.iter().chain(plan.body.iter()).all(|a| {
            match (args.get(&a.name), &a.schema_pointer) {
                (None, _) => !a.required,
                (Some(_), None) => true,
                (Some(v), Some(pointer)) => self.strict.valid(pointer, v) == Some(true),
            }
        })
    }

    fn type_of(&self, pointer: &str) -> Option<usize> {
        let i = self
            .prepared
            .pointers
            .binary_search_by(|p| p.as_str().cmp(pointer))
            .ok()?;
        self.prepared.driver.types[i]
    }
}

/// A body's round trip through its Rust type: `Ok(None)` unchanged, `Ok(Some(diff))`
/// changed, `Err(why)` not decoded.
type RoundTrip = Result<Option<String>, String>;

/// What a call's response showed.
struct Seen<'a> {
    status: u16,
    /// `ok`, `api`, `unexpected`, `decode`… (see `calls.rs`).
    outcome: &'a str,
    error: &'a str,
    excerpt: &'a str,
    content_type: &'a str,
    /// Whether the document gives the status a JSON schema.
    documented: bool,
    /// A JSON body with a schema: why the schema rejects it (`None`: valid), and
    /// its round trip through its Rust type (a difference, or why it did not decode).
    checked: Option<(Option<String>, RoundTrip)>,
    /// Whether every argument was valid for its schema.
    allowed: bool,
}

#[derive(Debug, Default, PartialEq)]
struct Verdict {
    checked: bool,
    exact: bool,
    /// A documented error answer: the request was refused, as the document allows.
    refused: bool,
    failures: Vec<(Class, String)>,
}

/// Whose fault what a call showed is: the generator's when a body its schema
/// accepts does not decode or come back unchanged; the document's when a body or
/// a status is not what it says, or a request it allows is refused as invalid;
/// the server's on 5xx.
fn judge(seen: &Seen<'_>) -> Verdict {
    let Seen {
        status,
        outcome,
        error,
        excerpt,
        content_type,
        ..
    } = *seen;
    let mut v = Verdict::default();
    let decoded = matches!(outcome, "ok" | "api");
    if let Some((why, roundtrip)) = &seen.checked {
        v.checked = true;
        let schema_says = why
            .as_deref()
            .map(|w| format!("its schema rejects the body ({})", one_line(w, 200)));
        match (decoded, roundtrip, &schema_says) {
            (true, Ok(None), _) => v.exact = true,
            (true, Ok(Some(diff)), None) => v.failures.push((
                Class::Generator,
                format!("{status}: a body its schema accepts changes in a round trip: {diff}"),
            )),
            (true, Ok(Some(diff)), Some(s)) => v.failures.push((
                Class::Document,
                format!("{status}: {s}, and it changes in a round trip: {diff}"),
            )),
            (true, Err(e), _) => v.failures.push((
                Class::Generator,
                format!("{status}: decoded by the client, but not as its type alone: {e}"),
            )),
            (false, _, Some(s)) if status < 500 => v
                .failures
                .push((Class::Document, format!("{status}: {s}; body: {excerpt}"))),
            (false, _, None) if outcome == "decode" => v.failures.push((
                Class::Generator,
                format!("{status}: a body its schema accepts does not decode: {error}"),
            )),
            _ => {}
        }
    }
    match outcome {
        _ if status >= 500 => v
            .failures
            .push((Class::Server, format!("answered {status}: {excerpt}"))),
        "unexpected" if !seen.documented => v.failures.push((
            Class::Document,
            format!("answered {status}, which the document does not list: {excerpt}"),
        )),
        "decode" if seen.checked.is_none() => v.failures.push((
            Class::Document,
            format!(
                "answered {status} with `{content_type}`, not what the document says: {error}; body: {excerpt}"
            ),
        )),
        "api" | "unexpected" if status == 422 && seen.allowed => v.failures.push((
            Class::Document,
            format!("answered 422 to a request its document allows: {excerpt}"),
        )),
        "api" => v.refused = true,
        _ => {}
    }
    v
}

const HEADER: &str = "# Live servers\n\n\
Generated clients against real servers started locally from pinned PyPI releases\n\
(`cargo xtask live`; `--all` adds Airflow). Each server is seeded through its own API by\n\
calls of the generated `Client`; then every operation whose arguments can be filled is\n\
called, with ids from earlier responses. Every JSON body is validated against its\n\
schema (the `jsonschema` crate), decoded and encoded again; a failure is the\n\
generator's when the body is valid for its schema, the document's when it is not (or\n\
its status is not listed), the server's on 5xx or no answer.\n";

fn replace_section(text: &str, server: &str, section: &str) -> String {
    let start = format!("<!-- live:{server} -->");
    let end = format!("<!-- /live:{server} -->");
    let block = format!("{start}\n{section}{end}\n");
    match (text.find(&start), text.find(&end)) {
        (Some(a), Some(b)) if a < b => {
            let after = b + end.len();
            let after = after + text[after..].starts_with('\n') as usize;
            format!("{}{block}{}", &text[..a], &text[after..])
        }
        _ => format!(
            "{}\n{block}",
            text.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

fn section(r: &Report) -> String {
    let mut s = format!("\n## {}\n\n", r.title);
    if let Some(p) = &r.problem {
        s.push_str(&format!("Did not complete: {p}\n\n"));
    }
    let install = r.install.map_or("already installed".to_string(), |d| {
        format!("{:.0} s", d.as_secs_f64())
    });
    s.push_str(&format!(
        "| | |\n|---|---|\n\
         | install (pip, pinned) | {install} |\n\
         | start until healthy | {:.1} s |\n\
         | ready to seed (token, example DAGs parsed) | {:.1} s |\n\
         | build of crate and driver | {:.0} s |\n\
         | calls | {:.1} s |\n\
         | operations in the document | {} |\n\
         | operations called | {} |\n\
         | calls made | {} |\n\
         | responses decoded by the client | {} |\n\
         | JSON bodies with a schema, round-tripped exactly | {} of {} |\n\
         | JSON request bodies written as given | {} of {} |\n\
         | statuses | {} |\n\
         | what the client returned (`Ok`, `Error::Api`, `UnexpectedStatus`, `Decode`, no response) | {} |\n\
         | failures: the generator's / the document's / the server's | {} / {} / {} |\n\n",
        r.start.as_secs_f64(),
        r.prepare.as_secs_f64(),
        r.build.as_secs_f64(),
        r.run.as_secs_f64(),
        r.operations,
        r.called.len(),
        r.calls,
        r.decoded,
        r.exact,
        r.json_bodies,
        r.requests_exact,
        r.json_requests,
        r.statuses
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        r.outcomes
            .iter()
            .map(|(s, n)| format!("{s}: {n}"))
            .collect::<Vec<_>>()
            .join(", "),
        r.count(Class::Generator),
        r.count(Class::Document),
        r.count(Class::Server),
    ));
    let mut failures = r.failures.clone();
    failures.sort();
    if !failures.is_empty() {
        s.push_str("Failures, with one line of evidence each:\n\n");
        for f in &failures {
            s.push_str(&format!(
                "- {} — `{}`: {}\n",
                f.class.label(),
                f.operation,
                f.evidence.replace('|', "\\|")
            ));
        }
        s.push('\n');
    }
    if !r.notes.is_empty() {
        s.push_str("Found reading the exchanges by hand:\n\n");
        for n in &r.notes {
            s.push_str(&format!("- {n}\n"));
        }
        s.push('\n');
    }
    if !r.not_called.is_empty() {
        s.push_str("Not called:\n\n");
        for (op, why) in &r.not_called {
            s.push_str(&format!("- `{op}`: {}\n", one_line(why, 200)));
        }
        s.push('\n');
    }
    if !r.refusals.is_empty() {
        s.push_str(
            "Documented error answers (decoded as the document says; the request was refused):\n\n",
        );
        for (op, status, text) in &r.refusals {
            s.push_str(&format!("- `{op}` {status}: {}\n", one_line(text, 160)));
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(outcome: &'static str, status: u16) -> Seen<'static> {
        Seen {
            status,
            outcome,
            error: "the error",
            excerpt: "the body",
            content_type: "application/json",
            documented: true,
            checked: None,
            allowed: false,
        }
    }

    fn classes(v: &Verdict) -> Vec<Class> {
        v.failures.iter().map(|(c, _)| *c).collect()
    }

    #[test]
    fn failures_are_the_generators_only_when_the_body_is_valid_for_its_schema() {
        let valid_exact = Seen {
            checked: Some((None, Ok(None))),
            ..seen("ok", 200)
        };
        let v = judge(&valid_exact);
        assert!(v.checked && v.exact && v.failures.is_empty(), "{v:?}");
        // Valid, yet changed in a round trip or not decoded: the generator's.
        let changed = Seen {
            checked: Some((None, Ok(Some("at `a`: 1 became 1.0".into())))),
            ..seen("ok", 200)
        };
        assert_eq!(classes(&judge(&changed)), [Class::Generator]);
        let undecoded = Seen {
            checked: Some((None, Err("invalid type".into()))),
            ..seen("decode", 200)
        };
        assert_eq!(classes(&judge(&undecoded)), [Class::Generator]);
        // Invalid for its schema: the document's, with the validator's reason.
        let invalid = Seen {
            checked: Some((
                Some("\"id\" is a required property".into()),
                Err("missing field".into()),
            )),
            ..seen("decode", 200)
        };
        let v = judge(&invalid);
        assert_eq!(classes(&v), [Class::Document]);
        assert!(v.failures[0].1.contains("required property"), "{v:?}");
    }

    #[test]
    fn statuses_are_judged_by_what_the_document_lists() {
        // A 5xx is the server's, documented or not.
        assert_eq!(classes(&judge(&seen("api", 500))), [Class::Server]);
        assert_eq!(classes(&judge(&seen("unexpected", 501))), [Class::Server]);
        // A status the document does not list: the document's.
        let undocumented = Seen {
            documented: false,
            ..seen("unexpected", 403)
        };
        assert_eq!(classes(&judge(&undocumented)), [Class::Document]);
        // A documented refusal is an answer, not a failure…
        let v = judge(&seen("api", 404));
        assert!(v.refused && v.failures.is_empty());
        // …unless the request was valid for the document and refused as invalid.
        let allowed = Seen {
            allowed: true,
            ..seen("api", 422)
        };
        assert_eq!(classes(&judge(&allowed)), [Class::Document]);
        // A body that is not JSON where the document says JSON (an empty redirect).
        let empty = Seen {
            content_type: "",
            ..seen("decode", 307)
        };
        assert_eq!(classes(&judge(&empty)), [Class::Document]);
    }

    #[test]
    fn sections_are_replaced_in_place() {
        let text = HEADER.to_string();
        let once = replace_section(&text, "a", "one\n");
        let twice = replace_section(&once, "b", "two\n");
        let again = replace_section(&twice, "a", "three\n");
        assert!(again.contains("<!-- live:a -->\nthree\n<!-- /live:a -->"));
        assert!(again.contains("two\n"));
        assert!(!again.contains("one\n"));
        assert!(again.find("live:a").unwrap() < again.find("live:b").unwrap());
    }
}
