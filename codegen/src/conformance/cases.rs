//! What a document says about its own data: the examples it carries, and the
//! schemas synthetic instances are made for.

use crate::diagnostics::{pointer_push, pointer_unescape};
use serde_json::Value;

/// An example: the value, where it is written, and the schema it is an example of.
#[derive(Debug, Clone)]
pub struct Example {
    pub schema: String,
    pub at: String,
    pub value: Value,
}

/// Every example of the document: schema `example`/`examples` (inline schemas
/// included), and media-type `example`/`examples` of JSON bodies (through `$ref` to
/// `components/examples` too).
pub fn examples(doc: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    // An explicit stack: documents nest deeply, and this walk must not recurse.
    let mut stack: Vec<(&Value, String, Position)> =
        vec![(doc, "#".to_string(), Position::Document)];
    while let Some((value, at, position)) = stack.pop() {
        let Value::Object(map) = value else {
            if let Value::Array(items) = value {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, pointer_push(&at, &i.to_string()), position));
                }
            }
            continue;
        };
        match position {
            Position::Schema => {
                if let Some(e) = map.get("example") {
                    out.push(Example {
                        schema: at.clone(),
                        at: pointer_push(&at, "example"),
                        value: e.clone(),
                    });
                }
                if let Some(Value::Array(list)) = map.get("examples") {
                    for (i, e) in list.iter().enumerate() {
                        out.push(Example {
                            schema: at.clone(),
                            at: pointer_push(&pointer_push(&at, "examples"), &i.to_string()),
                            value: e.clone(),
                        });
                    }
                }
                for (key, child) in map {
                    let here = pointer_push(&at, key);
                    match key.as_str() {
                        "items" | "additionalProperties" | "not" => {
                            stack.push((child, here, Position::Schema))
                        }
                        "allOf" | "oneOf" | "anyOf" | "prefixItems" => {
                            if let Value::Array(items) = child {
                                for (i, item) in items.iter().enumerate() {
                                    stack.push((
                                        item,
                                        pointer_push(&here, &i.to_string()),
                                        Position::Schema,
                                    ));
                                }
                            }
                        }
                        "properties" | "patternProperties" | "$defs" => {
                            if let Value::Object(props) = child {
                                for (name, p) in props {
                                    stack.push((p, pointer_push(&here, name), Position::Schema));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Position::Document => {
                for (key, child) in map {
                    let here = pointer_push(&at, key);
                    match key.as_str() {
                        "example" | "examples" => {}
                        "schema" => stack.push((child, here, Position::Schema)),
                        "schemas" => {
                            if let Value::Object(all) = child {
                                for (name, s) in all {
                                    stack.push((s, pointer_push(&here, name), Position::Schema));
                                }
                            }
                        }
                        "content" => {
                            if let Value::Object(media) = child {
                                for (m, mt) in media {
                                    let mptr = pointer_push(&here, m);
                                    if is_json(m) {
                                        media_examples(doc, mt, &mptr, &mut out);
                                    }
                                    stack.push((mt, mptr, Position::Document));
                                }
                            }
                        }
                        _ => stack.push((child, here, Position::Document)),
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    out
}

#[derive(Debug, Clone, Copy)]
enum Position {
    Document,
    Schema,
}

fn media_examples(doc: &Value, mt: &Value, at: &str, out: &mut Vec<Example>) {
    if mt.get("schema").is_none() {
        return;
    }
    let schema = pointer_push(at, "schema");
    if let Some(e) = mt.get("example") {
        out.push(Example {
            schema: schema.clone(),
            at: pointer_push(at, "example"),
            value: e.clone(),
        });
    }
    if let Some(Value::Object(named)) = mt.get("examples") {
        for (name, e) in named {
            let here = pointer_push(&pointer_push(at, "examples"), name);
            let Some(value) = example_value(doc, e) else {
                continue;
            };
            out.push(Example {
                schema: schema.clone(),
                at: here,
                value: value.clone(),
            });
        }
    }
}

/// An Example Object's `value`, following a `$ref` (a few hops at most).
fn example_value<'a>(doc: &'a Value, mut e: &'a Value) -> Option<&'a Value> {
    for _ in 0..8 {
        match e.get("$ref").and_then(Value::as_str) {
            Some(r) => {
                let pointer = r.strip_prefix('#')?;
                let decoded = crate::diagnostics::percent_decode(pointer);
                e = doc.pointer(&decoded)?;
            }
            None => return e.get("value"),
        }
    }
    None
}

/// Whether a media type carries JSON.
pub fn is_json(media: &str) -> bool {
    crate::operations::media_kind(media) == crate::operations::BodyKind::Json
}

/// The component schemas of a document, by pointer.
pub fn named_schemas(doc: &Value) -> Vec<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|all| {
            all.keys()
                .map(|k| pointer_push("#/components/schemas", k))
                .collect()
        })
        .unwrap_or_default()
}

/// The value at a `#/…` pointer.
pub fn at<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    let tokens = pointer.strip_prefix('#')?;
    if tokens.is_empty() {
        return Some(doc);
    }
    let mut current = doc;
    for token in tokens.strip_prefix('/')?.split('/') {
        let token = pointer_unescape(token);
        current = match current {
            Value::Object(m) => m.get(&token)?,
            Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// The document with every `$ref` to outside it removed, and how many there
/// were; `None` when it has none. Prism resolves every `$ref` it loads, example
/// data included, and stops when one names a URL it cannot fetch (GitHub's
/// examples point at `https://api.github.com/...`); our generator reads such a
/// reference as any JSON value, so Prism is given the same reading.
pub fn without_outside_refs(doc: &Value) -> Option<(Value, usize)> {
    let mut copy = doc.clone();
    let mut dropped = 0;
    let mut stack = vec![&mut copy];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(members) => {
                let outside = members
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| !r.starts_with('#'));
                if outside {
                    members.remove("$ref");
                    dropped += 1;
                }
                stack.extend(members.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
    (dropped > 0).then_some((copy, dropped))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_to_outside_the_document_are_dropped_for_prism() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/A"},
                    "examples": {"x": {"value": {"members": [{"$ref": "https://api.example.com/u/1"}]}}}}}}}}}},
            "components": {"schemas": {"A": {"$ref": "other.yaml#/B"}}}
        });
        let (copy, dropped) = without_outside_refs(&doc).expect("two to drop");
        assert_eq!(dropped, 2);
        let ok = &copy["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
        assert_eq!(
            ok["schema"],
            json!({"$ref": "#/components/schemas/A"}),
            "kept"
        );
        assert_eq!(ok["examples"]["x"]["value"]["members"][0], json!({}));
        assert_eq!(copy["components"]["schemas"]["A"], json!({}));
        assert!(without_outside_refs(&json!({"a": {"$ref": "#/b"}})).is_none());
    }

    #[test]
    fn examples_are_found_in_schemas_media_types_and_references() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"n": {"type": "integer", "example": 3}}},
                    "example": {"n": 1},
                    "examples": {"one": {"value": {"n": 2}}, "shared": {"$ref": "#/components/examples/E"}, "far": {"externalValue": "x.json"}}
                },
                "text/plain": {"schema": {"type": "string"}, "example": "skipped"}
            }}}}}},
            "components": {
                "schemas": {"S": {"type": "string", "example": "s", "examples": ["t"]}},
                "examples": {"E": {"value": {"n": 9}}}
            }
        });
        let found: Vec<(String, Value)> = examples(&doc)
            .into_iter()
            .map(|e| (e.schema, e.value))
            .collect();
        let media = "#/paths/~1a/get/responses/200/content/application~1json/schema".to_string();
        assert!(found.contains(&(media.clone(), json!({"n": 1}))));
        assert!(found.contains(&(media.clone(), json!({"n": 2}))));
        assert!(found.contains(&(media.clone(), json!({"n": 9}))));
        assert!(found.contains(&(format!("{media}/properties/n"), json!(3))));
        assert!(found.contains(&("#/components/schemas/S".to_string(), json!("s"))));
        assert!(found.contains(&("#/components/schemas/S".to_string(), json!("t"))));
        assert!(!found.iter().any(|(_, v)| v == &json!("skipped")));
        assert_eq!(found.len(), 6);
    }
}
