//! `cargo xtask conformance`: proof that generated crates work on data nobody here
//! wrote. For each document it generates the crate and a driver (see
//! `codegen::conformance`), and checks:
//!
//! a. every example the document carries: validated against its schema by the
//!    `jsonschema` crate (the document converted to JSON Schema); each valid one
//!    must decode into its Rust type and encode back unchanged;
//! b. synthetic instances of every named schema and every body, made by
//!    json-schema-faker (Prism's engine), validated the same way, then decoded and
//!    round-tripped;
//! c. every operation called through the generated client against a Prism mock of
//!    the document: Prism must find no violation in any request.
//!
//! The table goes to stdout and `bench/conformance.md`.
//!
//! Here: writing and building the crates, running json-schema-faker, Prism and
//! the drivers. What the document carries, how answers count and the table are
//! `codegen::conformance`, tested there.

pub use codegen::conformance::{Row, json_diff, verdict};
use codegen::conformance::{Validate, is_base64};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The json-schema-faker Prism 5.16 depends on.
pub const FAKER_VERSION: &str = "0.5.8";
const FAKER_JS: &str = include_str!("faker.js");
pub(crate) const SUPPORT_RS: &str = include_str!("support.rs");
const CALLS_RS: &str = include_str!("calls.rs");

#[derive(Debug, Clone)]
pub struct Options {
    pub documents: Vec<PathBuf>,
    /// Synthetic instances per schema.
    pub samples: usize,
    pub seed: u64,
    /// Call every operation against Prism.
    pub prism: bool,
    /// Where the report goes (`bench/conformance.md`), if anywhere.
    pub report: Option<PathBuf>,
}

/// A document prepared for checking: its crate and driver written.
struct Prepared {
    name: String,
    path: PathBuf,
    raw: Value,
    driver: codegen::conformance::Driver,
    pointers: Vec<String>,
    examples: Vec<codegen::conformance::Example>,
    synthetic_targets: Vec<String>,
    param_targets: Vec<String>,
}

pub fn run(root: &Path, options: &Options) -> Result<Vec<Row>> {
    let work = root.join("target/conformance");
    std::fs::create_dir_all(&work)?;
    let faker_dir = crate::contract::npm_tool(root, "jsf", "json-schema-faker", FAKER_VERSION, "")?;
    std::fs::write(faker_dir.join("faker.js"), FAKER_JS)?;
    let prism = if options.prism {
        Some(crate::contract::npm_tool(
            root,
            "prism",
            "@stoplight/prism-cli",
            crate::contract::PRISM_VERSION,
            "prism",
        )?)
    } else {
        None
    };

    // Generate every crate and driver, then build them all at once.
    let mut rows = Vec::new();
    let mut prepared = Vec::new();
    for path in &options.documents {
        let name = crate_name(path);
        match prepare(&work, path, &name) {
            Ok(p) => prepared.push(p),
            Err(e) => rows.push(Row {
                document: file_name(path),
                problem: Some(format!("not generated: {e:#}")),
                ..Row::default()
            }),
        }
    }
    let members: Vec<String> = prepared
        .iter()
        .flat_map(|p| {
            [
                format!("\"crates/{}\"", p.name),
                format!("\"drivers/{}\"", p.name),
            ]
        })
        .collect();
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "# Written by `cargo xtask conformance`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n[profile.dev]\ndebug = 0\n",
            members.join(", ")
        ),
    )?;
    println!("building {} crates and their drivers", prepared.len());
    // A driver left from an earlier run must not stand in for one that fails to build.
    for p in &prepared {
        let _ = std::fs::remove_file(work.join("target/debug").join(format!("{}-driver", p.name)));
    }
    let started = Instant::now();
    let build = Command::new(env!("CARGO"))
        .current_dir(&work)
        .env("CARGO_TARGET_DIR", work.join("target"))
        .args(["build", "--quiet", "--workspace", "--keep-going"])
        .status()
        .context("running cargo build")?;
    println!(
        "built in {:.0} s{}",
        started.elapsed().as_secs_f64(),
        if build.success() {
            ""
        } else {
            " (with failures)"
        }
    );

    // The largest first, so that no large one is left running alone at the end.
    let mut prepared = prepared;
    prepared.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(&p.path).map_or(0, |m| m.len())));
    // Two documents at a time: each check is mostly one busy thread (Node or
    // the validator) and one waiting (Prism loading, the driver answering).
    let next = std::sync::atomic::AtomicUsize::new(0);
    let checked = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(p) = prepared.get(i) else { break };
                    let started = Instant::now();
                    let mut row = Row {
                        document: file_name(&p.path),
                        operations: p.driver.operations.len(),
                        ..Row::default()
                    };
                    let driver = work.join("target/debug").join(format!("{}-driver", p.name));
                    if !driver.exists() {
                        row.problem = Some("the crate or its driver does not build".into());
                    } else if let Err(e) =
                        check(p, &driver, &faker_dir, prism.as_deref(), options, &mut row)
                    {
                        row.problem = Some(format!("{e:#}"));
                    }
                    row.seconds = started.elapsed().as_secs_f64();
                    println!("{}", codegen::conformance::summary(&row));
                    checked.lock().expect("no check panicked").push(row);
                }
            });
        }
    });
    rows.extend(checked.into_inner().expect("no check panicked"));
    rows.sort_by(|a, b| a.document.cmp(&b.document));
    let report = codegen::conformance::table(
        &rows,
        &codegen::conformance::RunInfo {
            samples: options.samples,
            seed: options.seed,
            faker_version: FAKER_VERSION,
            prism_version: options.prism.then_some(crate::contract::PRISM_VERSION),
        },
    );
    println!("\n{report}");
    if let Some(path) = &options.report {
        std::fs::write(path, &report).with_context(|| format!("writing {}", path.display()))?;
        println!("written to {}", path.display());
    }
    Ok(rows)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A crate name from a file name: `api.github.com.json` → `conf_api_github_com`.
fn crate_name(path: &Path) -> String {
    format!(
        "conf_{}",
        crate::corpus::crate_name(path).trim_start_matches("corpus_")
    )
}

fn prepare(work: &Path, path: &Path, name: &str) -> Result<Prepared> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let raw = codegen::load::parse_value(&text).map_err(|d| anyhow::anyhow!("{}", d.message))?;
    let label = path.display().to_string();
    let mut settings = codegen::Settings::new(name, "cargo xtask conformance", &label);
    settings.layout = codegen::Layout::Crate {
        standalone: false,
        publish: false,
    };
    let output = codegen::generate(&text, &settings).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.iter()
                .find(|d| d.is_fatal())
                .map_or("errors".into(), |d| d.message.clone())
        )
    })?;
    crate::fsutil::sync_dir(&work.join("crates").join(name), &output.files, false)?;

    let examples = codegen::conformance::examples(&raw);
    let named = codegen::conformance::named_schemas(&raw);
    // The driver is asked for every schema a value will be checked against.
    let mut pointers: Vec<String> = examples.iter().map(|e| e.schema.clone()).collect();
    pointers.extend(named.iter().cloned());
    let plan_only = codegen::conformance::driver(&text, name, &[])
        .map_err(|d| anyhow::anyhow!("{:?}", d.first().map(|d| &d.message)))?;
    let mut synthetic_targets = named;
    let mut param_targets = Vec::new();
    for op in &plan_only.operations {
        synthetic_targets.extend(op.body.iter().filter_map(|b| b.schema_pointer.clone()));
        synthetic_targets.extend(op.responses.iter().map(|(_, p)| p.clone()));
        param_targets.extend(op.params.iter().filter_map(|p| p.schema_pointer.clone()));
    }
    synthetic_targets.sort();
    synthetic_targets.dedup();
    param_targets.sort();
    param_targets.dedup();
    pointers.extend(synthetic_targets.iter().cloned());
    pointers.sort();
    pointers.dedup();
    let driver = codegen::conformance::driver(&text, name, &pointers)
        .map_err(|d| anyhow::anyhow!("{:?}", d.first().map(|d| &d.message)))?;

    let dir = work.join("drivers").join(name);
    std::fs::create_dir_all(dir.join("src"))?;
    let has_client = !driver.operations.is_empty();
    let manifest = format!(
        "# Written by `cargo xtask conformance`.\n[package]\nname = \"{name}-driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n{name} = {{ path = \"../../crates/{name}\" }}\nserde = \"1\"\nserde_json = \"1\"\nbytes = \"1\"\n{}",
        if has_client {
            "tokio = { version = \"1\", features = [\"rt\"] }\nreqwest = { version = \"0.13\", default-features = false }\n"
        } else {
            ""
        }
    );
    write_if_changed(&dir.join("Cargo.toml"), &manifest)?;
    write_if_changed(&dir.join("src/main.rs"), &driver.main_rs)?;
    write_if_changed(&dir.join("src/support.rs"), SUPPORT_RS)?;
    if has_client {
        write_if_changed(&dir.join("src/calls.rs"), CALLS_RS)?;
    } else {
        let _ = std::fs::remove_file(dir.join("src/calls.rs"));
    }
    Ok(Prepared {
        name: name.to_string(),
        path: path.to_path_buf(),
        raw,
        driver,
        pointers,
        examples,
        synthetic_targets,
        param_targets,
    })
}

pub(crate) fn write_if_changed(path: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Validators of a document's schemas by pointer, compiled once each.
pub(crate) struct Schemas<'r> {
    pub(crate) registry: &'r jsonschema::Registry<'r>,
    /// Whether `format` is checked (an annotation only, unless asked for).
    pub(crate) formats: bool,
    pub(crate) compiled: BTreeMap<String, Option<jsonschema::Validator>>,
}

impl Schemas<'_> {
    /// Whether `value` is valid for the schema at `pointer`; `None` when the schema
    /// cannot be compiled (not a JSON Schema a validator understands).
    pub(crate) fn valid(&mut self, pointer: &str, value: &Value) -> Option<bool> {
        let (registry, formats) = (self.registry, self.formats);
        let validator = self.compiled.entry(pointer.to_string()).or_insert_with(|| {
            jsonschema::draft202012::options()
                .with_registry(registry)
                .should_validate_formats(formats)
                .with_format("byte", is_base64)
                .build(&json!({"$ref": format!("urn:document{}", codegen::conformance::fragment(pointer))}))
                .ok()
        });
        validator.as_ref().map(|v| v.is_valid(value))
    }

    /// Why `value` is invalid for the schema at `pointer` (its first error).
    pub(crate) fn why(&mut self, pointer: &str, value: &Value) -> String {
        if self.valid(pointer, value).is_none() {
            return "the schema does not compile as JSON Schema".into();
        }
        self.compiled[pointer]
            .as_ref()
            .and_then(|v| v.iter_errors(value).next())
            .map(|e| format!("{} at `{}`", e, e.instance_path()))
            .unwrap_or_default()
    }
}

impl Validate for Schemas<'_> {
    fn valid(&mut self, pointer: &str, value: &Value) -> Option<bool> {
        Schemas::valid(self, pointer, value)
    }

    fn why(&mut self, pointer: &str, value: &Value) -> String {
        Schemas::why(self, pointer, value)
    }
}

fn check(
    p: &Prepared,
    driver: &Path,
    faker_dir: &Path,
    prism: Option<&Path>,
    options: &Options,
    row: &mut Row,
) -> Result<()> {
    // Prism loads the document while the examples and instances are checked
    // (a large document takes it minutes).
    let prism_loading = match (prism, p.driver.operations.is_empty()) {
        (Some(prism), false) => {
            let mut path = p.path.clone();
            if let Some((copy, dropped)) = codegen::conformance::without_outside_refs(&p.raw) {
                path = driver.with_extension("prism.json");
                std::fs::write(&path, serde_json::to_vec(&copy)?)?;
                codegen::conformance::push_note(
                    row,
                    format!(
                        "Prism was given a copy without the document's {dropped} `$ref`(s) to \
                         outside it (it cannot fetch them offline; the client reads them as any JSON value)"
                    ),
                );
            }
            let prism = prism.to_path_buf();
            let log = driver.with_extension("prism.log");
            Some(std::thread::spawn(move || {
                crate::contract::PrismMock::start(&prism, &path, &[], &log)
            }))
        }
        _ => None,
    };
    let converted = codegen::json_schema::convert_document(&p.raw);
    let registry = jsonschema::Registry::new()
        .draft(jsonschema::Draft::Draft202012)
        .add("urn:document", &converted)
        .context("registering the document")?
        .prepare()
        .context("preparing the document's schemas")?;
    let mut schemas = Schemas {
        registry: &registry,
        formats: false,
        compiled: BTreeMap::new(),
    };
    // Prism checks formats (`uuid`, `byte`…) too: arguments must pass them, or a
    // `oneOf` of a `uuid` and a name pattern takes any string as the `uuid`.
    let mut strict = Schemas {
        registry: &registry,
        formats: true,
        compiled: BTreeMap::new(),
    };
    let type_of = |pointer: &str| -> Option<usize> {
        let i = p
            .pointers
            .binary_search_by(|x| x.as_str().cmp(pointer))
            .ok()?;
        p.driver.types[i]
    };

    let mut clock = Instant::now();
    let mut lap = |what: &str, row: &mut Row| {
        row.phases
            .push(format!("{what} {:.1} s", clock.elapsed().as_secs_f64()));
        clock = Instant::now();
    };
    // a. Examples.
    let mut checks: Vec<(String, usize, Value, bool)> = Vec::new(); // (what, type, value, is_example)
    for e in &p.examples {
        match schemas.valid(&e.schema, &e.value) {
            Some(false) => {
                row.examples_invalid += 1;
                if row.invalid_examples.len() < 5 {
                    row.invalid_examples.push(e.at.clone());
                }
                continue;
            }
            None => {
                row.examples_invalid += 1;
                continue;
            }
            Some(true) => {}
        }
        match type_of(&e.schema) {
            Some(ty) => {
                row.examples_valid += 1;
                checks.push((e.at.clone(), ty, e.value.clone(), true));
            }
            None => row.examples_untyped += 1,
        }
    }

    // b. Synthetic instances (and candidate arguments for calls).
    let mut targets = p.synthetic_targets.clone();
    targets.extend(p.param_targets.iter().cloned());
    targets.sort();
    targets.dedup();
    lap("examples", row);
    let synthetic = fake(
        faker_dir,
        &converted,
        &targets,
        options.samples,
        options.seed,
    )?;
    lap("faker", row);
    row.faker_failures = synthetic.errors.len();
    for (pointer, why) in synthetic.errors.iter().take(5) {
        row.faker_errors.push(format!("{pointer}: {why}"));
    }
    let mut valid_instances: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (pointer, values) in &synthetic.instances {
        let counted = p.synthetic_targets.binary_search(pointer).is_ok();
        for (i, v) in values.iter().enumerate() {
            let ok = schemas.valid(pointer, v) == Some(true);
            if ok {
                valid_instances
                    .entry(pointer.clone())
                    .or_default()
                    .push(v.clone());
            }
            if !counted {
                continue;
            }
            if !ok {
                row.synthetic_invalid += 1;
                if row.invalid_synthetic.len() < 5 {
                    let why = schemas.why(pointer, v);
                    row.invalid_synthetic.push(format!(
                        "{pointer}: {}",
                        why.chars().take(200).collect::<String>()
                    ));
                }
                continue;
            }
            if let Some(ty) = type_of(pointer) {
                row.synthetic_valid += 1;
                checks.push((format!("{pointer} (instance {i})"), ty, v.clone(), false));
            }
        }
    }

    lap("validation", row);
    // c. Prism, when asked for and when it loads the document.
    let mock = match prism_loading.map(|t| t.join()) {
        Some(Ok(Ok(m))) => Some(m),
        Some(Ok(Err(e))) => {
            row.prism = Some(format!("Prism could not load the document: {e:#}"));
            None
        }
        Some(Err(_)) => bail!("the thread starting Prism panicked"),
        None => None,
    };
    let base_url = mock
        .as_ref()
        .map_or("http://127.0.0.1:9".to_string(), |m| m.url());
    let stderr_log = driver.with_extension("stderr.log");
    let mut child = Command::new(driver)
        .arg(&base_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr_log)?)
        .spawn()
        .context("starting the driver")?;
    let mut stdin = child.stdin.take().context("driver stdin")?;
    let stdout = BufReader::new(child.stdout.take().context("driver stdout")?);
    let mut calls = Vec::new();
    if mock.is_some() {
        for (i, op) in p.driver.operations.iter().enumerate() {
            match codegen::conformance::arguments(op, &p.examples, &valid_instances, &mut strict) {
                Ok(args) => calls.push((i, args)),
                Err(missing) => {
                    row.not_called += 1;
                    codegen::conformance::push_note(
                        row,
                        format!(
                            "{} {}: no valid value for `{missing}`, so not called",
                            op.method, op.path
                        ),
                    )
                }
            }
        }
    }
    // Write on a thread of its own: the driver answers as it reads.
    let requests: Vec<String> = checks
        .iter()
        .enumerate()
        .map(|(id, (_, ty, value, _))| {
            json!({"id": id, "type": ty, "text": value.to_string()}).to_string()
        })
        .chain(calls.iter().enumerate().map(|(n, (op, args))| {
            json!({"id": checks.len() + n, "operation": op, "args": args}).to_string()
        }))
        .collect();
    // `CONFORMANCE_KEEP=1` keeps what the driver was sent, to replay by hand
    // (`driver URL < requests.jsonl`).
    if std::env::var_os("CONFORMANCE_KEEP").is_some() {
        std::fs::write(driver.with_extension("requests.jsonl"), requests.join("\n"))?;
    }
    let expected = requests.len();
    let mut answered = 0;
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        for line in requests {
            writeln!(stdin, "{line}")?;
        }
        Ok(())
    });
    for line in stdout.lines() {
        let line = line?;
        let answer: Value = serde_json::from_str(&line).context("a driver answer")?;
        let Some(id) = answer["id"].as_u64().map(|n| n as usize) else {
            continue;
        };
        answered += 1;
        if let Some((what, _, value, is_example)) = checks.get(id) {
            codegen::conformance::judge_round_trip(row, what, value, *is_example, &answer);
        } else if let Some((op, _)) = calls.get(id - checks.len()) {
            codegen::conformance::judge_call(row, &p.driver.operations[*op], &answer, &mut schemas);
        }
    }
    let _ = writer.join();
    lap("driver", row);
    let status = child.wait()?;
    if answered < expected {
        let tail = std::fs::read_to_string(&stderr_log).unwrap_or_default();
        let tail: Vec<&str> = tail.lines().rev().take(4).collect();
        row.problem = Some(format!(
            "the driver stopped ({status}) after {answered} of {expected} answers: {}",
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ));
    }
    drop(mock);
    Ok(())
}

struct Synthetic {
    instances: BTreeMap<String, Vec<Value>>,
    errors: BTreeMap<String, String>,
}

/// Runs json-schema-faker on the targets. It answers target by target; when it
/// dies on one (Node's own limits: a string or array too large to allocate), that
/// target's error says so and the run goes on from the next.
fn fake(
    dir: &Path,
    document: &Value,
    targets: &[String],
    count: usize,
    seed: u64,
) -> Result<Synthetic> {
    let mut synthetic = Synthetic {
        instances: BTreeMap::new(),
        errors: BTreeMap::new(),
    };
    let mut remaining: Vec<String> = if count == 0 {
        Vec::new()
    } else {
        targets.to_vec()
    };
    // Each round finishes at least one target, so this ends.
    while !remaining.is_empty() {
        let input =
            json!({"document": document, "targets": remaining, "count": count, "seed": seed});
        let mut child = Command::new("node")
            .arg(dir.join("faker.js"))
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("running node (is Node.js installed?)")?;
        let mut stdin = child.stdin.take().context("node stdin")?;
        let text = input.to_string();
        let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
        let out = child.wait_with_output()?;
        let _ = writer.join();
        let mut done = std::collections::BTreeSet::new();
        for line in out.stdout.split(|b| *b == b'\n') {
            let Ok(answer) = serde_json::from_slice::<Value>(line) else {
                continue;
            };
            let Some(pointer) = answer["pointer"].as_str() else {
                continue;
            };
            done.insert(pointer.to_string());
            let values = answer["instances"].as_array().cloned().unwrap_or_default();
            synthetic.instances.insert(pointer.to_string(), values);
            if let Some(e) = answer["error"].as_str() {
                synthetic.errors.insert(pointer.to_string(), e.to_string());
            }
        }
        let Some(stuck) = remaining.iter().position(|t| !done.contains(t)) else {
            break;
        };
        if out.status.success() {
            bail!(
                "json-schema-faker ended without answering for {}",
                remaining[stuck]
            );
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        let why: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(3)
            .collect();
        synthetic.errors.insert(
            remaining[stuck].clone(),
            format!(
                "json-schema-faker crashed ({}): {}",
                out.status,
                why.join(" / ")
            ),
        );
        remaining.drain(..=stuck);
        remaining.retain(|t| !done.contains(t));
    }
    Ok(synthetic)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_faker_that_dies_on_one_target_loses_only_that_target() {
        // A stand-in faker with the same protocol that dies on the target `b`.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("faker.js"),
            r#"let t = ''; process.stdin.on('data', (c) => { t += c; });
process.stdin.on('end', () => {
  for (const p of JSON.parse(t).targets) {
    if (p === 'b') { console.error('FATAL ERROR: invalid size'); process.exit(134); }
    process.stdout.write(JSON.stringify({ pointer: p, instances: [p] }) + '\n');
  }
});"#,
        )
        .unwrap();
        let targets: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let got = fake(dir.path(), &json!({}), &targets, 1, 0).unwrap();
        assert_eq!(
            got.instances.keys().collect::<Vec<_>>(),
            ["a", "c"],
            "the targets after the crash are made too"
        );
        assert!(got.errors["b"].contains("invalid size"), "{:?}", got.errors);
    }
}
