//! Wide and deep documents: schemas made of a few shapes repeated many times
//! (enums of many values, objects of many properties, unions of many variants
//! with discriminator mappings, `allOf` chains, nested arrays and objects,
//! `$ref` chains), with names that collide after case folding and punctuation,
//! so that a step quadratic in a schema's width or depth shows as a timeout.
//! The text goes through parse → validate → generate.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

#[derive(Arbitrary, Debug)]
enum Shape {
    /// An enum of `n` values drawn from a few spellings that collide when cased.
    Enum(u16, u8),
    /// An object of `n` properties, some required, names colliding when cased.
    Object(u16, u8),
    /// A `oneOf` of `n` object variants with a discriminator mapping.
    Union(u16, bool),
    /// `depth` levels of arrays or objects around a shape.
    Deep(u8, bool, Box<Shape>),
    /// An `allOf` of `n` parts, each a `$ref` to a small object.
    AllOf(u8),
    /// A chain of `n` schemas, each a `$ref` to the next.
    Chain(u8),
}

/// Widths are bounded so one input runs in well under the time limit when the
/// generator is linear, and far over it when it is not.
const MAX_WIDTH: usize = 4_000;
const TYPES: [&str; 3] = ["string", "integer", "boolean"];

fn spelling(i: usize, style: u8) -> String {
    match style % 5 {
        0 => format!("value-{i}"),
        1 => format!("Value{i}"),
        2 => format!("VALUE_{i}"),
        3 => format!("v{}", i / 3),
        _ => ["a", "A", "a-", "a_", "a.", "-", ""][i % 7].to_string() + &"x".repeat(i / 7 % 3),
    }
}

fn build(shape: &Shape, schemas: &mut Map<String, Value>, at: &mut usize) -> Value {
    *at += 1;
    let me = *at;
    match shape {
        Shape::Enum(n, style) => {
            let values: Vec<Value> = (0..(*n as usize).min(MAX_WIDTH * 10))
                .map(|i| json!(spelling(i, *style)))
                .collect();
            json!({"type": "string", "enum": values})
        }
        Shape::Object(n, style) => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for i in 0..(*n as usize).min(MAX_WIDTH) {
                let name = spelling(i, *style);
                if i % 3 == 0 {
                    required.push(json!(name.clone()));
                }
                properties.insert(name, json!({"type": TYPES[i % 3]}));
            }
            json!({"type": "object", "properties": properties, "required": required})
        }
        Shape::Union(n, mapped) => {
            let mut variants = Vec::new();
            let mut mapping = Map::new();
            for i in 0..(*n as usize).min(MAX_WIDTH / 4) {
                let name = format!("S{me}V{i}");
                schemas.insert(
                    name.clone(),
                    json!({"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}, format!("f{i}"): {"type": "string"}}}),
                );
                variants.push(json!({"$ref": format!("#/components/schemas/{name}")}));
                if *mapped {
                    mapping.insert(
                        format!("k{i}"),
                        json!(format!("#/components/schemas/{name}")),
                    );
                }
            }
            json!({"oneOf": variants, "discriminator": {"propertyName": "kind", "mapping": mapping}})
        }
        Shape::Deep(depth, arrays, inner) => {
            let mut v = build(inner, schemas, at);
            for _ in 0..*depth {
                v = if *arrays {
                    json!({"type": "array", "items": v})
                } else {
                    json!({"type": "object", "properties": {"next": v}})
                };
            }
            v
        }
        Shape::AllOf(n) => {
            let parts: Vec<Value> = (0..*n as usize)
                .map(|i| {
                    let name = format!("S{me}P{i}");
                    schemas.insert(name.clone(), json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}}));
                    json!({"$ref": format!("#/components/schemas/{name}")})
                })
                .collect();
            json!({"allOf": parts})
        }
        Shape::Chain(n) => {
            let n = *n as usize;
            for i in 0..n {
                schemas.insert(
                    format!("S{me}C{i}"),
                    json!({"$ref": format!("#/components/schemas/S{me}C{}", i + 1)}),
                );
            }
            schemas.insert(format!("S{me}C{n}"), json!({"type": "string"}));
            json!({"$ref": format!("#/components/schemas/S{me}C0")})
        }
    }
}

fuzz_target!(|shapes: Vec<Shape>| {
    let mut schemas = Map::new();
    let mut at = 0;
    let mut paths = Map::new();
    for (i, shape) in shapes.iter().take(4).enumerate() {
        let schema = build(shape, &mut schemas, &mut at);
        schemas.insert(format!("Root{i}"), schema);
        paths.insert(
            format!("/r{i}"),
            json!({"post": {"operationId": format!("r{i}"), "tags": [format!("t{}", i % 2)],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Root{i}")}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Root{i}")}}}}}}}),
        );
    }
    let doc = json!({"openapi": "3.0.3", "info": {"title": "wide", "version": "1"}, "paths": paths, "components": {"schemas": schemas}});
    let text = doc.to_string();
    let _ = codegen::validate(&text);
    let _ = codegen::generate(&text, &codegen::Settings::new("fuzzed", "fuzz", "input"));
});
