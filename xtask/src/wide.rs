//! Wide documents: one schema made very wide (an enum of many values, an object
//! of many properties, a discriminated union of many variants), to show that
//! generation time and memory grow linearly with a schema's width; and one line of
//! description made of Markdown that never closes. A document nobody here
//! controls must not be a denial of service.
//!
//! `cargo xtask bench --only wide` measures each shape at ×1, ×2, ×4 and ×8 of its
//! base width with the release build and writes `bench/wide.md`; the largest
//! sizes are the targets (an enum of 200,000 values, an object of 40,000
//! properties, a union of 3,000 variants, a description line of 80,000 unclosed
//! openers (2 MB): each ≤ 2 s and ≤ 256 MiB).

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The shapes, and the width of each at ×1 (×8 is the target).
pub const SHAPES: [(&str, usize); 4] = [
    ("enum", 25_000),
    ("object", 5_000),
    ("union", 375),
    ("prose", 10_000),
];
pub const FACTORS: [usize; 4] = [1, 2, 4, 8];
/// The targets at ×8.
pub const MAX_SECONDS: f64 = 2.0;
pub const MAX_MIB: f64 = 256.0;

fn document(schemas: Map<String, Value>, root: &str) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Wide", "version": "1"},
        "paths": {"/wide": {"post": {
            "operationId": "wide",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{root}")}}}},
            "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{root}")}}}}}
        }}},
        "components": {"schemas": schemas}
    })
}

/// A string enum of `n` values (`value-0`, …).
pub fn enum_of(n: usize) -> Value {
    let values: Vec<Value> = (0..n).map(|i| json!(format!("value-{i}"))).collect();
    let mut schemas = Map::new();
    schemas.insert("Wide".into(), json!({"type": "string", "enum": values}));
    document(schemas, "Wide")
}

/// An object of `n` properties of assorted types, every third required.
pub fn object_of(n: usize) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for i in 0..n {
        let schema = match i % 4 {
            0 => json!({"type": "string"}),
            1 => json!({"type": "integer", "format": "int64"}),
            2 => json!({"type": "boolean"}),
            _ => json!({"type": "array", "items": {"type": "string"}}),
        };
        properties.insert(format!("property{i}"), schema);
        if i % 3 == 0 {
            required.push(json!(format!("property{i}")));
        }
    }
    let mut schemas = Map::new();
    schemas.insert(
        "Wide".into(),
        json!({"type": "object", "properties": properties, "required": required}),
    );
    document(schemas, "Wide")
}

/// A `oneOf` of `n` object variants with a discriminator mapping.
pub fn union_of(n: usize) -> Value {
    let mut schemas = Map::new();
    let mut variants = Vec::new();
    let mut mapping = Map::new();
    for i in 0..n {
        let name = format!("Variant{i}");
        schemas.insert(
            name.clone(),
            json!({"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string"},
                format!("field{i}"): {"type": "string"}
            }}),
        );
        variants.push(json!({"$ref": format!("#/components/schemas/{name}")}));
        mapping.insert(
            format!("kind-{i}"),
            json!(format!("#/components/schemas/{name}")),
        );
    }
    schemas.insert(
        "Wide".into(),
        json!({"oneOf": variants, "discriminator": {"propertyName": "kind", "mapping": mapping}}),
    );
    document(schemas, "Wide")
}

/// The openers of [`prose_of`]: a link, an autolink, a tag and a code span, none
/// closed.
const UNCLOSED: &str = "[a <https://b <c ``d ";

/// An operation, a schema and a property, each described by one line of `n`
/// copies of [`UNCLOSED`]: a reader that looks for a closing by scanning the
/// rest of the line from each opener takes time quadratic in the line.
pub fn prose_of(n: usize) -> Value {
    let line = UNCLOSED.repeat(n);
    let mut schemas = Map::new();
    schemas.insert(
        "Wide".into(),
        json!({"type": "object", "description": line, "properties": {
            "property": {"type": "string", "description": line}
        }}),
    );
    let mut doc = document(schemas, "Wide");
    doc["paths"]["/wide"]["post"]["description"] = json!(line);
    doc
}

pub fn shape(name: &str, n: usize) -> Value {
    match name {
        "enum" => enum_of(n),
        "object" => object_of(n),
        "prose" => prose_of(n),
        _ => union_of(n),
    }
}

/// One run of the generator: wall seconds, peak memory (MiB), whether it
/// succeeded, and what it printed.
pub struct Run {
    pub seconds: f64,
    pub mib: f64,
    pub success: bool,
    pub stdout: String,
}

/// The CPU time (user and system) and the stages from the line `generate
/// --timings` prints (`timings: parse … ms, …; CPU 1.23 s`).
fn timings(stdout: &str) -> (Option<f64>, Option<String>) {
    let Some(line) = stdout.lines().find_map(|l| l.strip_prefix("timings: ")) else {
        return (None, None);
    };
    let cpu = line
        .split("; ")
        .find_map(|part| part.strip_prefix("CPU "))
        .and_then(|s| s.trim_end_matches(" s").parse().ok());
    let stages = line.split("; ").next().map(str::to_string);
    (cpu, stages)
}

/// Measures every shape at every factor with the release generator `bin`;
/// returns the table (Markdown, with the stages of the ×8 runs under it) and
/// whether the targets hold.
pub fn table(
    bin: &Path,
    work: &Path,
    measure: impl Fn(&mut Command) -> Result<Run>,
) -> Result<(String, bool)> {
    std::fs::create_dir_all(work)?;
    let mut out = String::from(
        "| shape | width | wall (s) | CPU (s) | peak memory (MiB) | wall ÷ previous | CPU ÷ previous | memory ÷ previous |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut stages_at_8 = String::new();
    let mut ok = true;
    for (name, base) in SHAPES {
        let mut previous: Option<(f64, f64, f64)> = None;
        for factor in FACTORS {
            let n = base * factor;
            let spec = work.join(format!("{name}-{n}.json"));
            std::fs::write(&spec, shape(name, n).to_string())?;
            let out_dir = work.join(format!("out-{name}-{n}"));
            let _ = std::fs::remove_dir_all(&out_dir);
            let run = measure(
                Command::new(bin)
                    .args(["generate", "--timings", "--name", "wide", "--spec"])
                    .arg(&spec)
                    .arg("--out")
                    .arg(&out_dir),
            )?;
            if !run.success {
                bail!("generating the {name} of width {n} failed");
            }
            let (cpu, stages) = timings(&run.stdout);
            let cpu = cpu.unwrap_or(f64::NAN);
            let ratio = |now: f64, before: Option<f64>| {
                before
                    .filter(|b| b.is_finite() && now.is_finite())
                    .map_or(String::new(), |b| format!("{:.2}", now / b.max(1e-9)))
            };
            let _ = writeln!(
                out,
                "| {name} | {n} | {:.2} | {cpu:.2} | {:.0} | {} | {} | {} |",
                run.seconds,
                run.mib,
                ratio(run.seconds, previous.map(|p| p.0)),
                ratio(cpu, previous.map(|p| p.1)),
                ratio(run.mib, previous.map(|p| p.2)),
            );
            if factor == 8 {
                if run.seconds > MAX_SECONDS || run.mib > MAX_MIB {
                    ok = false;
                }
                let _ = writeln!(
                    stages_at_8,
                    "- {name} of width {n}: {}",
                    stages.unwrap_or_else(|| "no timings printed".into())
                );
            }
            previous = Some((run.seconds, cpu, run.mib));
            let _ = std::fs::remove_dir_all(&out_dir);
        }
    }
    let _ = write!(
        out,
        "\nStages of the ×8 runs (`generate --timings`; emit and format are CPU time summed over threads, then the wall time of the two):\n\n{stages_at_8}"
    );
    Ok((out, ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_their_width() {
        assert_eq!(
            enum_of(7)["components"]["schemas"]["Wide"]["enum"]
                .as_array()
                .unwrap()
                .len(),
            7
        );
        assert_eq!(
            object_of(9)["components"]["schemas"]["Wide"]["properties"]
                .as_object()
                .unwrap()
                .len(),
            9
        );
        let u = union_of(5);
        assert_eq!(
            u["components"]["schemas"]["Wide"]["oneOf"]
                .as_array()
                .unwrap()
                .len(),
            5
        );
        assert_eq!(u["components"]["schemas"].as_object().unwrap().len(), 6);
        let p = prose_of(3);
        let line = p["paths"]["/wide"]["post"]["description"].as_str().unwrap();
        assert_eq!(line.matches(UNCLOSED).count(), 3);
        assert_eq!(
            p["components"]["schemas"]["Wide"]["properties"]["property"]["description"],
            line
        );
    }

    #[test]
    fn cpu_and_stages_are_read_from_the_timings_line() {
        let printed = "warning: x\ntimings: parse 1.0 ms, resolve 2.0 ms, write 3.0 ms; peak memory 9 MiB; CPU 1.25 s\ngenerated\n";
        let (cpu, stages) = timings(printed);
        assert_eq!(cpu, Some(1.25));
        assert_eq!(
            stages.as_deref(),
            Some("parse 1.0 ms, resolve 2.0 ms, write 3.0 ms")
        );
        assert_eq!(timings("generated\n"), (None, None));
    }
}
