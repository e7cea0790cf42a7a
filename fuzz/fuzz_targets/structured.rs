//! Structure-aware: real documents (the Console Connect spec, the focused specs and
//! the small documents of `../shared/corpus`) with parts of their JSON tree replaced, removed, retyped
//! or turned into references, then parse → validate → generate.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const SEEDS: &[&str] = &[
    include_str!("../../spec/consoleconnect.yaml"),
    include_str!("../../tests/specs/client.yaml"),
    include_str!("../../tests/specs/composition.yaml"),
    include_str!("../../tests/specs/enums.yaml"),
    include_str!("../../tests/specs/names.yaml"),
    include_str!("../../tests/specs/objects.yaml"),
    include_str!("../../tests/specs/recursion.yaml"),
    include_str!("../../tests/specs/openapi31.json"),
    include_str!("../../tests/specs/maps.yaml"),
    // The small documents of the shared corpus (written by others); the large ones
    // would make every run slow, and the `bytes` target takes them whole.
    include_str!("../../../shared/corpus/progenitor__keeper.json"),
    include_str!("../../../shared/corpus/oai__api-with-examples.yaml"),
    include_str!("../../../shared/corpus/oai__petstore-expanded.yaml"),
    include_str!("../../../shared/corpus/progenitor__param-collision.json"),
    include_str!("../../../shared/corpus/oai__callback-example.yaml"),
    include_str!("../../../shared/corpus/progenitor__param-overrides.json"),
    include_str!("../../../shared/corpus/oai__webhook-example.json"),
    include_str!("../../../shared/corpus/progenitor__example_multipart.json"),
];

#[derive(Arbitrary, Debug)]
enum Edit {
    /// Replace a node with a scalar.
    Scalar(u32, Scalar),
    /// Remove a member or item.
    Remove(u32),
    /// Replace a node with another node of the same document (shapes out of place).
    Copy(u32, u32),
    /// Make a node a `$ref` to another node's pointer, or to nowhere.
    Ref(u32, Option<u32>),
    /// Wrap a node in `allOf`/`oneOf`/`anyOf`/`not` or an array.
    Wrap(u32, u8),
    /// Add a member with an OpenAPI keyword as its name.
    Keyword(u32, u8, Scalar),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Type(u8),
}

const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "required",
    "properties",
    "items",
    "additionalProperties",
    "enum",
    "default",
    "example",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "$ref",
    "readOnly",
    "writeOnly",
    "minimum",
    "maximum",
    "operationId",
    "parameters",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "style",
    "explode",
    "x-pagination",
];
const TYPES: &[&str] = &[
    "string", "integer", "number", "boolean", "array", "object", "null", "strnig",
];

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Bool(b) => json!(b),
        Scalar::Int(i) => json!(i),
        Scalar::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Scalar::Text(t) => json!(t),
        Scalar::Type(t) => json!(TYPES[*t as usize % TYPES.len()]),
    }
}

/// Every node's pointer, in document order.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                pointers(
                    c,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(a) => {
            for (i, c) in a.iter().enumerate() {
                pointers(c, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn edit(doc: &mut Value, e: &Edit) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let pick = |n: &u32| all[*n as usize % all.len()].clone();
    match e {
        Edit::Scalar(n, s) => {
            if let Some(node) = doc.pointer_mut(&pick(n)) {
                *node = scalar(s);
            }
        }
        Edit::Remove(n) => {
            let p = pick(n);
            if let Some((parent, last)) = p.rsplit_once('/') {
                match doc.pointer_mut(parent) {
                    Some(Value::Object(m)) => {
                        m.remove(&last.replace("~1", "/").replace("~0", "~"));
                    }
                    Some(Value::Array(a)) => {
                        if let Ok(i) = last.parse::<usize>() {
                            if i < a.len() {
                                a.remove(i);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        Edit::Copy(from, to) => {
            let value = doc.pointer(&pick(from)).cloned();
            if let (Some(value), Some(node)) = (value, doc.pointer_mut(&pick(to))) {
                *node = value;
            }
        }
        Edit::Ref(n, target) => {
            let reference = match target {
                Some(t) => format!("#{}", pick(t)),
                None => "#/components/schemas/Nowhere".to_string(),
            };
            if let Some(node) = doc.pointer_mut(&pick(n)) {
                *node = json!({ "$ref": reference });
            }
        }
        Edit::Wrap(n, how) => {
            if let Some(node) = doc.pointer_mut(&pick(n)) {
                let inner = node.take();
                *node = match how % 5 {
                    0 => json!({ "allOf": [inner] }),
                    1 => json!({ "oneOf": [inner, {"type": "string"}] }),
                    2 => json!({ "anyOf": [inner, {"type": "null"}] }),
                    3 => json!({ "not": inner }),
                    _ => json!([inner]),
                };
            }
        }
        Edit::Keyword(n, k, s) => {
            if let Some(Value::Object(m)) = doc.pointer_mut(&pick(n)) {
                m.insert(
                    KEYWORDS[*k as usize % KEYWORDS.len()].to_string(),
                    scalar(s),
                );
            }
        }
    }
}

fuzz_target!(|input: (u8, Vec<Edit>)| {
    let (seed, edits) = input;
    let Ok(mut doc) = codegen::load::parse_value(SEEDS[seed as usize % SEEDS.len()]) else {
        return;
    };
    for e in edits.iter().take(8) {
        edit(&mut doc, e);
    }
    let text = serde_json::to_string(&doc).unwrap_or_default();
    let _ = codegen::validate(&text);
    let _ = codegen::generate(&text, &codegen::Settings::new("fuzzed", "fuzz", "input"));
});
