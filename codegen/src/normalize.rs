//! Lowering a document to the OpenAPI 3.0 shape `openapiv3` can read.
//!
//! OpenAPI 3.1 documents are rewritten in place (type arrays with `null` become
//! `nullable`, `const` becomes a one-value `enum`, numeric `exclusiveMinimum`
//! becomes `minimum` + flag, …), and so are the few 3.0 constructs `openapiv3`
//! rejects (integer bounds beyond `i64`). Each rewrite keeps the meaning.

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::http::HttpMethod;
use serde_json::{Map, Value, json};

mod parameters;

pub fn normalize(doc: &mut Value, diags: &mut Diagnostics) {
    let is_31 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.1"));
    let Some(root) = doc.as_object_mut() else {
        return;
    };
    if is_31 {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        // 3.1 makes `paths` optional.
        root.entry("paths").or_insert_with(|| json!({}));
        // Webhooks are server-to-client calls; a client has nothing to call.
        root.remove("webhooks");
    } else if !root.contains_key("paths") {
        diags.push(
            Diagnostic::error("#", "an OpenAPI 3.0 document must have `paths`")
                .with_code(Code::MissingPaths)
                .with_help("add `paths: {}` (a document of shared schemas has no operations)")
                .with_repair("the crate has the document's types and no client"),
        );
        root.insert("paths".into(), json!({}));
    }
    if !root.get("info").is_some_and(Value::is_object) {
        diags.push(
            Diagnostic::error("#", "the document has no `info` object")
                .with_code(Code::MissingInfo)
                .with_help("add `info: {title: …, version: …}`; OpenAPI requires it")
                .with_repair("the API is called `API`, version `0.0.0`"),
        );
        root.insert("info".into(), json!({}));
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        for (key, fallback) in [("title", "API"), ("version", "0.0.0")] {
            if !info.get(key).is_some_and(Value::is_string) {
                diags.push(
                    Diagnostic::error("#/info", format!("`info.{key}` is missing or not a string"))
                        .with_code(Code::MissingInfo)
                        .with_help(format!("add `{key}` under `info`; OpenAPI requires it"))
                        .with_repair(format!("`{fallback}` is used")),
                );
                info.insert(key.into(), json!(fallback));
            }
        }
    }
    parameters::repair_parameters(root, diags);
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for method in HttpMethod::ALL.map(HttpMethod::key) {
                if let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) {
                    // 3.1 allows operations without responses; 3.0 requires the key.
                    op.entry("responses").or_insert_with(|| json!({}));
                }
            }
        }
    }
    let mut path = Vec::new();
    walk(doc, &mut path, diags);
}

/// The pointer of the place being walked (built only for a diagnostic).
fn pointer(path: &[String]) -> String {
    path.iter().fold("#".to_string(), |p, t| {
        crate::diagnostics::pointer_push(&p, t)
    })
}

/// Walks the whole document, normalising every schema found in a schema position.
fn walk(v: &mut Value, path: &mut Vec<String>, diags: &mut Diagnostics) {
    match v {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                match key.as_str() {
                    // Example payloads are data: their `$ref`/`schema` keys are not ours.
                    "example" | "examples" => {}
                    "schema" => schema(child, path, diags),
                    "schemas" => {
                        if let Some(all) = child.as_object_mut() {
                            for (name, s) in all.iter_mut() {
                                path.push(name.clone());
                                schema(s, path, diags);
                                path.pop();
                            }
                        }
                    }
                    _ => walk(child, path, diags),
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                walk(item, path, diags);
                path.pop();
            }
        }
        _ => {}
    }
}

fn schema(v: &mut Value, path: &mut Vec<String>, diags: &mut Diagnostics) {
    if let Value::Bool(b) = v {
        // JSON Schema boolean schemas: `true` accepts anything, `false` nothing.
        *v = if *b { json!({}) } else { json!({"not": {}}) };
        return;
    }
    let Some(obj) = v.as_object_mut() else { return };
    // 3.1 spellings also turn up in 3.0 documents (OpenAI's 3.0 document has
    // `type: "null"`); lowering them keeps their meaning either way.
    lower_31(obj);
    repair_type(obj, path, diags);
    repair_draft_4_habits(obj, path, diags);
    clamp_integer_bounds(obj);
    crate::refs::schema_children_mut(obj, |key, member, child| {
        // A boolean `additionalProperties` is OpenAPI's own (open or closed).
        if key == "additionalProperties" && child.is_boolean() {
            return;
        }
        path.push(key.to_string());
        path.extend(member.map(str::to_string));
        schema(child, path, diags);
        path.truncate(path.len() - 1 - usize::from(member.is_some()));
    });
    fold_null_alternatives(obj);
    fold_nullable_parts(obj);
}

/// `type` names other than OpenAPI's seven, as tools that meant one of them write
/// them (`long`, `list`, `String`): the type meant, and a format where it says one.
fn type_alias(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    Some(match name.to_ascii_lowercase().as_str() {
        "string" | "str" | "text" => ("string", None),
        "integer" | "int" | "long" | "short" | "bigint" => ("integer", None),
        "int32" => ("integer", Some("int32")),
        "int64" => ("integer", Some("int64")),
        "number" | "decimal" | "numeric" => ("number", None),
        "float" => ("number", Some("float")),
        "double" => ("number", Some("double")),
        "boolean" | "bool" => ("boolean", None),
        "array" | "list" => ("array", None),
        "object" | "map" | "dict" | "dictionary" | "hash" => ("object", None),
        "date" => ("string", Some("date")),
        "datetime" | "date-time" | "timestamp" => ("string", Some("date-time")),
        "uuid" => ("string", Some("uuid")),
        "file" | "binary" => ("string", Some("binary")),
        _ => return None,
    })
}

/// Spellings of older JSON Schema drafts and of Swagger tools: `required: true` on
/// a property (the owner's `required` list meant) and `items` as a list of schemas.
fn repair_draft_4_habits(obj: &mut Map<String, Value>, path: &[String], diags: &mut Diagnostics) {
    // Built only for a diagnostic: most schemas have nothing to repair.
    let here = std::cell::LazyCell::new(|| pointer(path));
    let mut newly_required = Vec::new();
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for (name, p) in props.iter_mut() {
            let Some(Value::Bool(flag)) = p.get("required").cloned() else {
                continue;
            };
            if let Some(p) = p.as_object_mut() {
                p.remove("required");
            }
            if flag {
                newly_required.push(name.clone());
            }
            let at = crate::diagnostics::pointer_push(
                &crate::diagnostics::pointer_push(
                    &crate::diagnostics::pointer_push(&here, "properties"),
                    name,
                ),
                "required",
            );
            diags.push(
                Diagnostic::error(at, "`required` of a property must be a list, not a boolean")
                    .with_code(Code::InvalidKeyword)
                    .with_help("list required members in the object's `required`")
                    .with_repair(if flag {
                        format!("`{name}` is a required member of the object")
                    } else {
                        format!("`{name}` is an optional member of the object")
                    }),
            );
        }
    }
    if obj.get("required").is_some_and(Value::is_boolean) {
        obj.remove("required");
        diags.push(
            Diagnostic::error(
                crate::diagnostics::pointer_push(&here, "required"),
                "`required` of a schema must be a list of member names, not a boolean",
            )
            .with_code(Code::InvalidKeyword)
            .with_help("list required members in the owning object's `required`")
            .with_repair("the flag is ignored"),
        );
    }
    if !newly_required.is_empty() {
        let list = obj.entry("required").or_insert_with(|| json!([]));
        if let Value::Array(list) = list {
            for name in newly_required {
                if !list.iter().any(|v| v.as_str() == Some(&name)) {
                    list.push(Value::String(name));
                }
            }
        }
    }
    if let Some(Value::Array(items)) = obj.get("items") {
        let repaired = match items.as_slice() {
            [only] => only.clone(),
            _ => json!({}),
        };
        let what = if items.len() == 1 {
            "the one schema listed is the items' schema"
        } else {
            "the items may be any value"
        };
        diags.push(
            Diagnostic::error(
                crate::diagnostics::pointer_push(&here, "items"),
                "`items` must be a schema, not a list of schemas",
            )
            .with_code(Code::InvalidKeyword)
            .with_help("write `items: {…}`; OpenAPI 3.0 has no tuple schemas")
            .with_repair(what),
        );
        obj.insert("items".into(), repaired);
    }
}

/// A `type` that is not one of OpenAPI's: mapped to the type meant, or dropped.
fn repair_type(obj: &mut Map<String, Value>, path: &[String], diags: &mut Diagnostics) {
    const TYPES: [&str; 6] = ["string", "integer", "number", "boolean", "array", "object"];
    let Some(ty) = obj.get("type") else { return };
    let name = match ty {
        Value::String(t) if TYPES.contains(&t.as_str()) => return,
        Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    let at = crate::diagnostics::pointer_push(&pointer(path), "type");
    let repaired = match type_alias(&name) {
        Some((ty, format)) => {
            obj.insert("type".into(), json!(ty));
            if let Some(f) = format {
                obj.entry("format").or_insert_with(|| json!(f));
            }
            match format {
                Some(f) => format!("read as `type: {ty}, format: {f}`"),
                None => format!("read as `type: {ty}`"),
            }
        }
        None => {
            obj.remove("type");
            "the value may be any JSON (`serde_json::Value`)".to_string()
        }
    };
    diags.push(
        Diagnostic::error(at, format!("unknown schema type `{name}`"))
            .with_code(Code::UnknownType)
            .with_help("use one of string, number, integer, boolean, array, object")
            .with_repair(repaired),
    );
}

/// `allOf` parts that only annotate (`allOf: [{$ref: X}, {description: …}]`, or
/// `{nullable: true}`, how 3.0 documents often say "nullable X") are folded into
/// the schema itself, so that `allOf: [{$ref: X}]` stays a reference to X.
fn fold_nullable_parts(obj: &mut Map<String, Value>) {
    const ANNOTATIONS: [&str; 11] = [
        "description",
        "title",
        "nullable",
        "example",
        "examples",
        "default",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
    ];
    let Some(Value::Array(parts)) = obj.get_mut("allOf") else {
        return;
    };
    let annotation_only = |p: &Value| {
        p.as_object().is_some_and(|o| {
            !o.is_empty()
                && o.keys()
                    .all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-"))
        })
    };
    if parts.len() < 2 || !parts.iter().any(|p| !annotation_only(p)) {
        return;
    }
    let mut folded = Vec::new();
    parts.retain(|p| {
        let drop = annotation_only(p);
        if drop {
            folded.push(p.clone());
        }
        !drop
    });
    for part in folded {
        let Value::Object(part) = part else { continue };
        for (k, v) in part {
            match k.as_str() {
                // Flags widen: any part that says so makes the whole say so.
                "nullable" | "deprecated" | "readOnly" | "writeOnly" => {
                    if v == Value::Bool(true) {
                        obj.insert(k, v);
                    }
                }
                _ => {
                    obj.entry(k).or_insert(v);
                }
            }
        }
    }
}

/// 3.1 keywords that 3.0 spells differently.
fn lower_31(obj: &mut Map<String, Value>) {
    if let Some(Value::Array(types)) = obj.get("type").cloned() {
        let non_null: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        if non_null.len() < types.len() {
            obj.insert("nullable".into(), Value::Bool(true));
        }
        match non_null.len() {
            0 => {
                obj.remove("type");
            }
            1 => {
                obj.insert("type".into(), non_null[0].clone());
            }
            _ => {
                // Several types: one alternative per type, each keeping the keywords.
                obj.remove("type");
                let base = obj.clone();
                let alternatives: Vec<Value> = non_null
                    .into_iter()
                    .map(|t| {
                        let mut alt = base.clone();
                        alt.remove("nullable");
                        alt.remove("description");
                        alt.insert("type".into(), t);
                        Value::Object(alt)
                    })
                    .collect();
                for k in [
                    "properties",
                    "items",
                    "enum",
                    "format",
                    "minimum",
                    "maximum",
                    "required",
                    "additionalProperties",
                ] {
                    obj.remove(k);
                }
                obj.insert("anyOf".into(), Value::Array(alternatives));
            }
        }
    } else if obj.get("type").and_then(Value::as_str) == Some("null") {
        obj.remove("type");
        obj.insert("nullable".into(), Value::Bool(true));
        obj.insert("enum".into(), json!([null]));
    }
    if let Some(c) = obj.remove("const") {
        obj.insert("enum".into(), Value::Array(vec![c]));
    }
    if let Some(Value::Array(examples)) = obj.remove("examples")
        && let Some(first) = examples.into_iter().next()
    {
        obj.entry("example").or_insert(first);
    }
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(n @ Value::Number(_)) = obj.get(exclusive).cloned() {
            obj.insert(bound.into(), n);
            obj.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if let Some(Value::String(media)) = obj.get("contentMediaType")
        && media == "application/octet-stream"
        && !obj.contains_key("format")
    {
        obj.insert("format".into(), json!("binary"));
    }
    if obj.get("contentEncoding").and_then(Value::as_str) == Some("base64")
        && !obj.contains_key("format")
    {
        obj.insert("format".into(), json!("byte"));
    }
    // `$ref` with siblings is legal in 3.1; in 3.0 the siblings would be ignored,
    // so move the reference into an `allOf` to keep `nullable`, `description`, ….
    if obj.len() > 1
        && let Some(r) = obj.remove("$ref")
    {
        obj.insert("allOf".into(), json!([{ "$ref": r }]));
    }
}

/// `anyOf: [X, {type: null}]` is how 3.1 documents say "nullable X".
fn fold_null_alternatives(obj: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(items)) = obj.get_mut(key) else {
            continue;
        };
        let before = items.len();
        items.retain(|i| !is_null_schema(i));
        if items.len() == before {
            continue;
        }
        obj.insert("nullable".into(), Value::Bool(true));
        let Some(Value::Array(items)) = obj.get(key) else {
            continue;
        };
        if items.len() == 1 {
            let only = items[0].clone();
            obj.remove(key);
            obj.insert("allOf".into(), json!([only]));
        } else if items.is_empty() {
            obj.remove(key);
        }
    }
}

fn is_null_schema(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    let null_type = o.get("type").and_then(Value::as_str) == Some("null");
    let null_enum =
        o.get("enum") == Some(&json!([null])) && o.get("nullable") == Some(&Value::Bool(true));
    (null_type || null_enum)
        && o.keys().all(|k| {
            matches!(
                k.as_str(),
                "type" | "enum" | "nullable" | "description" | "title"
            )
        })
}

/// Where an integer schema keeps the bounds it had before clamping to `i64`.
pub const WIDE_BOUNDS: &str = "x-codegen-bounds-beyond-i64";

/// `openapiv3` stores integer bounds as `i64`; documents sometimes write bounds just
/// beyond it (OpenAI's `seed`: ±9223372036854776000). Clamping keeps the meaning.
fn clamp_integer_bounds(obj: &mut Map<String, Value>) {
    if obj.get("type").and_then(Value::as_str) != Some("integer") {
        return;
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if let Some(Value::Number(n)) = obj.get(key).cloned()
            && n.as_i64().is_none()
        {
            // The resolver picks a wider Rust integer from the bounds as written.
            if key != "multipleOf" {
                let original = obj
                    .entry(WIDE_BOUNDS)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(o) = original {
                    o.insert(key.into(), Value::Number(n.clone()));
                }
            }
            let clamped = match n.as_f64() {
                Some(f) if f <= i64::MIN as f64 => Value::from(i64::MIN),
                Some(f) if f >= i64::MAX as f64 => Value::from(i64::MAX),
                Some(f) if key != "multipleOf" => Value::from(f.round() as i64),
                _ => Value::Null,
            };
            if clamped.is_null() {
                obj.remove(key);
            } else {
                obj.insert(key.into(), clamped);
            }
        }
    }
    if let Some(Value::Array(values)) = obj.get("enum")
        && values.iter().any(|v| v.is_number() && v.as_i64().is_none())
    {
        obj.remove("enum");
    }
}

#[cfg(test)]
mod tests;
