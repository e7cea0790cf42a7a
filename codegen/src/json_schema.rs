//! Turn OpenAPI 3.0 schema objects into JSON Schema (draft 2020-12), so that the
//! `jsonschema` crate can check example payloads against the document.
//!
//! OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/5 with a few keywords of
//! their own. The conversion is small:
//!
//! * `nullable: true` becomes an explicit `null`:
//!   - `{type: T, nullable: true}` → `{type: [T, "null"]}`, and an `enum` gains `null`;
//!   - a nullable schema built from `$ref`/`allOf`/`anyOf`/`oneOf` (the usual
//!     `{nullable: true, allOf: [{$ref: …}]}` wrapper) → `{anyOf: [<schema>, {type: "null"}]}`,
//!     because the referenced schema itself does not accept `null`.
//! * `#/components/schemas/X` references become `#/$defs/X`; [`standalone_schema`]
//!   embeds every component schema under `$defs` so they resolve.
//! * `format: int32` / `int64` (and `int8`…`uint64`, which the generator reads as
//!   Rust integers of that width) become `minimum`/`maximum` bounds (JSON Schema has
//!   no such formats); `float`/`double` are dropped. Other formats (`date-time`…) stay.
//! * A schema without `type` that has `properties` (or `items`) gets `type: object`
//!   (`array`): that is how the generator reads it.
//! * Draft-4 style boolean `exclusiveMinimum`/`exclusiveMaximum` become numbers.
//! * OpenAPI-only keywords are dropped: `example`, `examples`, `discriminator`, `xml`,
//!   `externalDocs`, `readOnly`, `writeOnly` and every `x-*` extension.
//! * In OpenAPI 3.0 the siblings of a `$ref` are ignored, so they are dropped too.
//!
//! Anything else (`type`, `properties`, `required`, `items`, `enum`, `minimum`…) means
//! the same in both languages and is copied as is.

use serde_json::{Map, Value, json};

/// Prefix of a reference to a component schema in an OpenAPI document.
pub const COMPONENT_SCHEMA_PREFIX: &str = "#/components/schemas/";
/// Prefix of the same reference once converted.
pub const DEFS_PREFIX: &str = "#/$defs/";
/// The JSON Schema dialect produced.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords that only mean something to OpenAPI and are removed.
const OPENAPI_ONLY: &[&str] = &[
    "example",
    "examples",
    "discriminator",
    "xml",
    "externalDocs",
    "readOnly",
    "writeOnly",
];

/// Keywords whose value is a map of name → schema.
const SCHEMA_MAPS: &[&str] = &["properties", "patternProperties", "$defs"];
/// Keywords whose value is a single schema.
const SCHEMA_VALUES: &[&str] = &["items", "additionalProperties", "not"];
/// Keywords whose value is a list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf"];

/// Convert one OpenAPI 3.0 schema object into a JSON Schema.
///
/// Fails on a `$ref` that does not point at `#/components/schemas/…`, since nothing
/// else could resolve it once the schema leaves the document.
pub fn convert_schema(schema: &Value) -> Result<Value, String> {
    convert_with(schema, Mode::Standalone)
}

/// How references and OpenAPI's direction-dependent keywords are converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `#/components/schemas/X` → `#/$defs/X` (for [`standalone_schema`]).
    Standalone,
    /// References kept as they are, into the converted document; a required
    /// `readOnly` or `writeOnly` member is not required (OpenAPI leaves it out of
    /// requests or responses).
    InDocument,
}

fn convert_with(schema: &Value, mode: Mode) -> Result<Value, String> {
    let Value::Object(object) = schema else {
        // `true`, `false` (and anything odd) mean the same in JSON Schema.
        return Ok(schema.clone());
    };

    if let Some(reference) = object.get("$ref") {
        return match mode {
            Mode::Standalone => convert_ref(reference).map(|r| json!({ "$ref": r })),
            Mode::InDocument => Ok(json!({ "$ref": reference })),
        };
    }

    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    let mut out = Map::new();
    for (key, value) in object {
        if key == "nullable" || key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let converted = if SCHEMA_MAPS.contains(&key.as_str()) {
            convert_schema_map(value, mode)?
        } else if SCHEMA_VALUES.contains(&key.as_str()) {
            convert_with(value, mode)?
        } else if SCHEMA_LISTS.contains(&key.as_str()) {
            convert_schema_list(value, mode)?
        } else {
            value.clone()
        };
        out.insert(key.clone(), converted);
    }
    if mode == Mode::InDocument {
        drop_one_way_required(object, &mut out);
    }

    convert_integer_format(&mut out);
    convert_exclusive_bounds(&mut out);
    implied_type(&mut out);

    if nullable {
        Ok(make_nullable(out))
    } else {
        Ok(Value::Object(out))
    }
}

/// Build a self-contained JSON Schema document for `schema`, a schema object taken
/// from `document` (an OpenAPI document as JSON). All of the document's component
/// schemas are converted and placed under `$defs`, so `#/$defs/…` references resolve.
pub fn standalone_schema(document: &Value, schema: &Value) -> Result<Value, String> {
    let mut defs = Map::new();
    if let Some(Value::Object(components)) = document.pointer("/components/schemas") {
        for (name, component) in components {
            let converted =
                convert_schema(component).map_err(|e| format!("components/schemas/{name}: {e}"))?;
            defs.insert(name.clone(), converted);
        }
    }

    let mut root = Map::new();
    root.insert("$schema".into(), Value::String(DIALECT.into()));
    match convert_schema(schema)? {
        Value::Object(converted) => root.extend(converted),
        // A boolean schema cannot carry `$defs`; wrap it.
        other => {
            root.insert("allOf".into(), Value::Array(vec![other]));
        }
    }
    root.insert("$defs".into(), Value::Object(defs));
    Ok(Value::Object(root))
}

/// Close every object schema that lists `properties` (and says nothing about
/// `additionalProperties`) by adding `additionalProperties: false`, in a converted
/// JSON Schema. Object schemas without `properties` stay free-form.
///
/// OpenAPI documents normally leave objects open, so that a client keeps working when
/// the server adds fields. Closing them is a test-time tool: a sample that still
/// validates has no property the document forgot to describe. (Closed objects do not
/// combine with `allOf` siblings adding properties; this document uses `allOf` only to
/// wrap a single `$ref`.)
pub fn close_objects(schema: &mut Value) {
    let Value::Object(object) = schema else {
        return;
    };
    if object.contains_key("properties") && !object.contains_key("additionalProperties") {
        object.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (key, value) in object.iter_mut() {
        let key = key.as_str();
        if SCHEMA_MAPS.contains(&key) {
            value
                .as_object_mut()
                .into_iter()
                .flatten()
                .for_each(|(_, s)| close_objects(s));
        } else if SCHEMA_VALUES.contains(&key) {
            close_objects(value);
        } else if SCHEMA_LISTS.contains(&key) {
            value
                .as_array_mut()
                .into_iter()
                .flatten()
                .for_each(close_objects);
        }
    }
}

fn convert_ref(reference: &Value) -> Result<String, String> {
    let text = reference
        .as_str()
        .ok_or_else(|| format!("$ref is not a string: {reference}"))?;
    text.strip_prefix(COMPONENT_SCHEMA_PREFIX)
        .map(|name| format!("{DEFS_PREFIX}{name}"))
        .ok_or_else(|| {
            format!("unsupported $ref {text:?}: only {COMPONENT_SCHEMA_PREFIX}… is handled")
        })
}

/// OpenAPI: a required member marked `readOnly` is not sent in requests, one
/// marked `writeOnly` not returned in responses. A value valid in either
/// direction is valid here.
fn drop_one_way_required(original: &Map<String, Value>, out: &mut Map<String, Value>) {
    let Some(Value::Object(props)) = original.get("properties") else {
        return;
    };
    let one_way = |name: &str| {
        props.get(name).is_some_and(|p| {
            p.get("readOnly") == Some(&Value::Bool(true))
                || p.get("writeOnly") == Some(&Value::Bool(true))
        })
    };
    if let Some(Value::Array(required)) = out.get_mut("required") {
        required.retain(|r| !r.as_str().is_some_and(one_way));
    }
}

/// The whole document with every schema converted where it stands, references kept,
/// so that `#/…` pointers resolve in it. OpenAPI 3.1 schemas already are JSON Schema
/// 2020-12 and are left as they are.
pub fn convert_document(document: &Value) -> Value {
    let is_31 = document
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let mut out = document.clone();
    if is_31 {
        read_31_as_the_generator(&mut out);
    } else {
        convert_in_place(&mut out);
    }
    out
}

fn convert_in_place(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    // Examples are data, not schemas.
                    "example" | "examples" => {}
                    "schema" => {
                        if let Ok(c) = convert_with(child, Mode::InDocument) {
                            *child = c;
                        }
                    }
                    "schemas" => {
                        if let Some(all) = child.as_object_mut() {
                            for s in all.values_mut() {
                                if let Ok(c) = convert_with(s, Mode::InDocument) {
                                    *s = c;
                                }
                            }
                        }
                    }
                    _ => convert_in_place(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(convert_in_place),
        _ => {}
    }
}

fn convert_schema_map(value: &Value, mode: Mode) -> Result<Value, String> {
    let Value::Object(map) = value else {
        return Ok(value.clone());
    };
    map.iter()
        .map(|(name, schema)| {
            convert_with(schema, mode)
                .map(|s| (name.clone(), s))
                .map_err(|e| format!("{name}: {e}"))
        })
        .collect::<Result<Map<_, _>, _>>()
        .map(Value::Object)
}

fn convert_schema_list(value: &Value, mode: Mode) -> Result<Value, String> {
    let Value::Array(list) = value else {
        return Ok(value.clone());
    };
    list.iter()
        .map(|s| convert_with(s, mode))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

/// Replace OpenAPI's numeric formats by what they mean: bounds for the integer ones,
/// nothing for `float`/`double`. Existing bounds are kept when they are stricter.
fn convert_integer_format(schema: &mut Map<String, Value>) {
    let Some(format) = schema.get("format").and_then(Value::as_str) else {
        return;
    };
    if matches!(format, "float" | "double") {
        schema.remove("format");
        return;
    }
    if let Some((lowest, highest)) = integer_format_bounds(format) {
        schema.remove("format");
        schema.entry("minimum").or_insert(lowest);
        schema.entry("maximum").or_insert(highest);
    }
}

/// The range of an integer `format`, as the generator reads it (it picks the Rust
/// integer of that width, and a value outside it is rejected).
fn integer_format_bounds(format: &str) -> Option<(Value, Value)> {
    Some(match format {
        "int8" => (json!(i8::MIN), json!(i8::MAX)),
        "int16" => (json!(i16::MIN), json!(i16::MAX)),
        "int32" => (json!(i32::MIN), json!(i32::MAX)),
        "int64" => (json!(i64::MIN), json!(i64::MAX)),
        "uint8" => (json!(0), json!(u8::MAX)),
        "uint16" => (json!(0), json!(u16::MAX)),
        "uint32" => (json!(0), json!(u32::MAX)),
        "uint64" | "uint" => (json!(0), json!(u64::MAX)),
        _ => return None,
    })
}

/// A schema without `type` whose keywords only apply to one type (`properties`,
/// `items`) is read by the generator as that type (a struct, a `Vec`); say so, so
/// that instances of another type are not taken as valid.
fn implied_type(schema: &mut Map<String, Value>) {
    if schema.contains_key("type")
        || ["allOf", "anyOf", "oneOf", "enum", "const", "not"]
            .iter()
            .any(|k| schema.contains_key(*k))
    {
        return;
    }
    if schema.contains_key("properties") || schema.contains_key("additionalProperties") {
        schema.insert("type".into(), json!("object"));
    } else if schema.contains_key("items") {
        schema.insert("type".into(), json!("array"));
    }
}

/// OpenAPI 3.1 schemas are JSON Schema already; only the generator's reading is
/// added: integer formats as bounds, and the type that `properties` or `items`
/// imply.
fn read_31_as_the_generator(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let is_integer = match map.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            if is_integer
                && let Some((lowest, highest)) = map
                    .get("format")
                    .and_then(Value::as_str)
                    .and_then(integer_format_bounds)
            {
                map.entry("minimum").or_insert(lowest);
                map.entry("maximum").or_insert(highest);
            }
            implied_type(map);
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "example" | "examples" | "enum" | "const" | "default" => {}
                    // Maps of names to schemas: a member named `items` is no keyword.
                    "properties" | "patternProperties" | "$defs" | "schemas" | "definitions"
                    | "dependentSchemas" => {
                        if let Some(all) = child.as_object_mut() {
                            all.values_mut().for_each(read_31_as_the_generator);
                        }
                    }
                    _ => read_31_as_the_generator(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(read_31_as_the_generator),
        _ => {}
    }
}

/// Draft 4 (and so OpenAPI 3.0) writes `exclusiveMinimum: true` next to `minimum`;
/// draft 2020-12 writes `exclusiveMinimum: <number>` instead.
fn convert_exclusive_bounds(schema: &mut Map<String, Value>) {
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match schema.get(exclusive) {
            Some(Value::Bool(true)) => {
                let bound = schema.remove(inclusive).unwrap_or(Value::Null);
                schema.insert(exclusive.into(), bound);
            }
            Some(Value::Bool(false)) => {
                schema.remove(exclusive);
            }
            _ => {}
        }
    }
}

/// Let an already converted schema also accept `null`.
fn make_nullable(mut schema: Map<String, Value>) -> Value {
    let composed = ["$ref", "allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.contains_key(*k));
    if composed {
        return json!({ "anyOf": [Value::Object(schema), { "type": "null" }] });
    }
    if let Some(kind) = schema.get_mut("type") {
        match kind {
            Value::String(single) => *kind = json!([single.clone(), "null"]),
            Value::Array(kinds) if !kinds.contains(&json!("null")) => kinds.push(json!("null")),
            _ => {}
        }
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    Value::Object(schema)
}

#[cfg(test)]
mod tests;
