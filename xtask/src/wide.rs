//! Wide documents: one schema made very wide (an enum of many values, an object
//! of many properties, a discriminated union of many variants), to show that
//! generation time and memory grow linearly with a schema's width. A document
//! nobody here controls must not be a denial of service.
//!
//! `cargo xtask bench --only wide` measures each shape at ×1, ×2, ×4 and ×8 of its
//! base width with the release build and writes `bench/wide.md`; the largest
//! sizes are the targets (an enum of 200,000 values, an object of 40,000
//! properties, a union of 3,000 variants: each ≤ 2 s and ≤ 256 MiB).

use anyhow::{Result, bail};
use serde_json::{Map, Value, json};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// The shapes, and the width of each at ×1 (×8 is the target).
pub const SHAPES: [(&str, usize); 3] = [("enum", 25_000), ("object", 5_000), ("union", 375)];
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

pub fn shape(name: &str, n: usize) -> Value {
    match name {
        "enum" => enum_of(n),
        "object" => object_of(n),
        _ => union_of(n),
    }
}

/// Measures every shape at every factor with the release generator `bin`;
/// returns the table (Markdown) and whether the targets hold.
pub fn table(
    bin: &Path,
    work: &Path,
    measure: impl Fn(&mut Command) -> Result<(f64, f64, bool)>,
) -> Result<(String, bool)> {
    std::fs::create_dir_all(work)?;
    let mut out = String::from(
        "| shape | width | time (s) | peak memory (MiB) | time ÷ previous | memory ÷ previous |\n|---|---:|---:|---:|---:|---:|\n",
    );
    let mut ok = true;
    for (name, base) in SHAPES {
        let mut previous: Option<(f64, f64)> = None;
        for factor in FACTORS {
            let n = base * factor;
            let spec = work.join(format!("{name}-{n}.json"));
            std::fs::write(&spec, shape(name, n).to_string())?;
            let out_dir = work.join(format!("out-{name}-{n}"));
            let _ = std::fs::remove_dir_all(&out_dir);
            let (seconds, mib, success) = measure(
                Command::new(bin)
                    .args(["generate", "--name", "wide", "--spec"])
                    .arg(&spec)
                    .arg("--out")
                    .arg(&out_dir),
            )?;
            if !success {
                bail!("generating the {name} of width {n} failed");
            }
            let ratio = |now: f64, before: Option<f64>| {
                before.map_or("".to_string(), |b| format!("{:.2}", now / b.max(1e-9)))
            };
            let _ = writeln!(
                out,
                "| {name} | {n} | {seconds:.2} | {mib:.0} | {} | {} |",
                ratio(seconds, previous.map(|p| p.0)),
                ratio(mib, previous.map(|p| p.1)),
            );
            if factor == 8 && (seconds > MAX_SECONDS || mib > MAX_MIB) {
                ok = false;
            }
            previous = Some((seconds, mib));
            let _ = std::fs::remove_dir_all(&out_dir);
        }
    }
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
    }
}
