//! Making a document `openapiv3` cannot read readable, one object at a time.
//!
//! Runs only when reading the whole document failed. It walks the document's
//! structure and tries each object on its own, innermost first: a schema that
//! cannot be read becomes "any value" (keeping its description), any other object
//! is left out. Every repair is an error with the repair named, so `validate`
//! still fails while `generate` goes on.

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_push};
use crate::http::HttpMethod;
use openapiv3::{
    Callback, Example, Header, Info, Link, Operation, Parameter, PathItem, ReferenceOr,
    RequestBody, Response, Schema, SecurityScheme, Server, Tag,
};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub fn repair(raw: &mut Value, diags: &mut Diagnostics) {
    let Some(root) = raw.as_object_mut() else {
        return;
    };
    if let Some(info) = root.get_mut("info")
        && !readable::<Info>(info)
    {
        report(
            diags,
            "#/info",
            "the info object",
            "a title `API`, version `0.0.0`",
        );
        *info = serde_json::json!({"title": "API", "version": "0.0.0"});
    }
    list::<Server>(root, "servers", "#", diags);
    list::<Tag>(root, "tags", "#", diags);
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            if path.starts_with("x-") {
                continue;
            }
            path_item(item, &pointer_push("#/paths", path), diags);
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        let at = "#/components";
        if let Some(Value::Object(schemas)) = components.get_mut("schemas") {
            for (name, s) in schemas.iter_mut() {
                schema(s, &pointer_push("#/components/schemas", name), diags);
            }
        }
        entries::<Parameter>(components, "parameters", at, diags, parameter_parts);
        entries::<Header>(components, "headers", at, diags, parameter_parts);
        entries::<RequestBody>(components, "requestBodies", at, diags, content_parts);
        entries::<Response>(components, "responses", at, diags, response_parts);
        entries::<Example>(components, "examples", at, diags, no_parts);
        entries::<Link>(components, "links", at, diags, no_parts);
        entries::<Callback>(components, "callbacks", at, diags, no_parts);
        entries::<SecurityScheme>(components, "securitySchemes", at, diags, no_parts);
    }
}

/// Whether a value reads as a `T` (without copying it).
fn readable<T: DeserializeOwned>(v: &Value) -> bool {
    T::deserialize(v).is_ok()
}

/// Why a value does not read as a `T` (the reader's own words).
fn why<T: DeserializeOwned>(v: &Value) -> String {
    match T::deserialize(v) {
        Ok(_) => String::new(),
        Err(e) => format!(": {e}"),
    }
}

fn report(diags: &mut Diagnostics, at: &str, what: &str, instead: &str) {
    report_why(diags, at, what, "", instead)
}

fn report_why(diags: &mut Diagnostics, at: &str, what: &str, why: &str, instead: &str) {
    diags.push(
        Diagnostic::error(at, format!("{what} is not a valid OpenAPI 3.0 object{why}"))
            .with_code(Code::InvalidObject)
            .with_help("compare the object with the OpenAPI 3.0 specification's schema for it")
            .with_repair(instead.to_string()),
    );
}

/// A schema (or a reference): its sub-schemas first, then itself.
fn schema(v: &mut Value, at: &str, diags: &mut Diagnostics) {
    if readable::<ReferenceOr<Schema>>(v) {
        return;
    }
    if let Value::Object(obj) = v {
        crate::refs::schema_children_mut(obj, |key, member, child| {
            // A lone value that is no object (`additionalProperties: true`) is
            // OpenAPI's own, or left to the schema holding it.
            if member.is_none() && !child.is_object() {
                return;
            }
            let at = pointer_push(at, key);
            let at = member.map_or_else(|| at.clone(), |m| pointer_push(&at, m));
            schema(child, &at, diags);
        });
        if readable::<ReferenceOr<Schema>>(v) {
            return;
        }
    }
    let reason = why::<Schema>(v);
    let mut any = Map::new();
    if let Some(d) = v.get("description").filter(|d| d.is_string()) {
        any.insert("description".into(), d.clone());
    }
    *v = Value::Object(any);
    report_why(
        diags,
        at,
        "this schema",
        &reason,
        "the schema accepts any value (`serde_json::Value`)",
    );
}

/// The schemas inside a parameter or header.
fn parameter_parts(v: &mut Value, at: &str, diags: &mut Diagnostics) {
    if let Some(s) = v.get_mut("schema") {
        schema(s, &pointer_push(at, "schema"), diags);
    }
    content_parts(v, at, diags);
}

/// The schemas of each media type of `content`.
fn content_parts(v: &mut Value, at: &str, diags: &mut Diagnostics) {
    if let Some(Value::Object(content)) = v.get_mut("content") {
        let base = pointer_push(at, "content");
        for (media, mt) in content.iter_mut() {
            if let Some(s) = mt.get_mut("schema") {
                schema(
                    s,
                    &pointer_push(&pointer_push(&base, media), "schema"),
                    diags,
                );
            }
        }
    }
}

fn response_parts(v: &mut Value, at: &str, diags: &mut Diagnostics) {
    content_parts(v, at, diags);
    if let Some(Value::Object(obj)) = Some(v) {
        entries::<Header>(obj, "headers", at, diags, parameter_parts);
        entries::<Link>(obj, "links", at, diags, no_parts);
    }
}

fn no_parts(_: &mut Value, _: &str, _: &mut Diagnostics) {}

type Parts = fn(&mut Value, &str, &mut Diagnostics);

/// Each entry of a map of `T` (or references): its parts repaired, then left out
/// if it still cannot be read.
fn entries<T: DeserializeOwned>(
    holder: &mut Map<String, Value>,
    key: &str,
    at: &str,
    diags: &mut Diagnostics,
    parts: Parts,
) {
    let Some(Value::Object(map)) = holder.get_mut(key) else {
        return;
    };
    let base = pointer_push(at, key);
    let mut drop = Vec::new();
    for (name, entry) in map.iter_mut() {
        let here = pointer_push(&base, name);
        if !readable::<ReferenceOr<T>>(entry) {
            parts(entry, &here, diags);
            if !readable::<ReferenceOr<T>>(entry) {
                drop.push((name.clone(), here, why::<T>(entry)));
            }
        }
    }
    for (name, here, reason) in drop {
        map.shift_remove(&name);
        report_why(diags, &here, "this object", &reason, "it is left out");
    }
}

/// Each item of a list of `T` (or references) that cannot be read is left out.
fn list<T: DeserializeOwned>(
    holder: &mut Map<String, Value>,
    key: &str,
    at: &str,
    diags: &mut Diagnostics,
) {
    list_with::<T>(holder, key, at, diags, no_parts)
}

fn list_with<T: DeserializeOwned>(
    holder: &mut Map<String, Value>,
    key: &str,
    at: &str,
    diags: &mut Diagnostics,
    parts: Parts,
) {
    let base = pointer_push(at, key);
    let Some(value) = holder.get_mut(key) else {
        return;
    };
    let Value::Array(items) = value else {
        holder.remove(key);
        report(diags, &base, "this list", "it is left out");
        return;
    };
    let mut index = 0;
    items.retain_mut(|item| {
        let here = pointer_push(&base, &index.to_string());
        index += 1;
        if readable::<ReferenceOr<T>>(item) {
            return true;
        }
        parts(item, &here, diags);
        let keep = readable::<ReferenceOr<T>>(item);
        if !keep {
            report_why(
                diags,
                &here,
                "this object",
                &why::<T>(item),
                "it is left out",
            );
        }
        keep
    });
}

fn path_item(item: &mut Value, at: &str, diags: &mut Diagnostics) {
    if readable::<ReferenceOr<PathItem>>(item) {
        return;
    }
    let Value::Object(obj) = item else {
        *item = Value::Object(Map::new());
        report(diags, at, "this path item", "the path has no operations");
        return;
    };
    list_with::<Parameter>(obj, "parameters", at, diags, parameter_parts);
    list::<Server>(obj, "servers", at, diags);
    for method in HttpMethod::ALL.map(HttpMethod::key) {
        let Some(op) = obj.get_mut(method) else {
            continue;
        };
        let here = pointer_push(at, method);
        if readable::<Operation>(op) {
            continue;
        }
        if let Value::Object(fields) = op {
            list_with::<Parameter>(fields, "parameters", &here, diags, parameter_parts);
            if let Some(body) = fields.get_mut("requestBody") {
                let body_at = pointer_push(&here, "requestBody");
                if !readable::<ReferenceOr<RequestBody>>(body) {
                    content_parts(body, &body_at, diags);
                    if !readable::<ReferenceOr<RequestBody>>(body) {
                        let reason = why::<RequestBody>(body);
                        fields.remove("requestBody");
                        report_why(
                            diags,
                            &body_at,
                            "this request body",
                            &reason,
                            "it is left out",
                        );
                    }
                }
            }
            if let Some(Value::Object(responses)) = fields.get_mut("responses") {
                let base = pointer_push(&here, "responses");
                let mut drop = Vec::new();
                for (code, r) in responses.iter_mut() {
                    let r_at = pointer_push(&base, code);
                    if code.starts_with("x-") || readable::<ReferenceOr<Response>>(r) {
                        continue;
                    }
                    response_parts(r, &r_at, diags);
                    if !readable::<ReferenceOr<Response>>(r) {
                        drop.push((code.clone(), r_at, why::<Response>(r)));
                    }
                }
                for (code, r_at, reason) in drop {
                    responses.shift_remove(&code);
                    report_why(diags, &r_at, "this response", &reason, "it is left out");
                }
            }
            if let Some(Value::Object(callbacks)) = fields.get_mut("callbacks") {
                callbacks.retain(|_, c| readable::<ReferenceOr<Callback>>(c));
            }
        }
        if !readable::<Operation>(op) {
            let reason = why::<Operation>(op);
            obj.remove(method);
            report_why(diags, &here, "this operation", &reason, "it is left out");
        }
    }
    if !readable::<ReferenceOr<PathItem>>(item) {
        *item = Value::Object(Map::new());
        report(diags, at, "this path item", "the path has no operations");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_smallest_unreadable_object_is_repaired() {
        let mut doc = json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "b", "in": "body", "schema": {}}, {"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string", "enum": "x"}}}}}}}
            }}},
            "components": {"schemas": {"S": {"type": "object", "description": "kept", "properties": {"ok": {"type": "string"}, "bad": {"required": true}}}}}
        });
        let mut d = Diagnostics::default();
        repair(&mut doc, &mut d);
        let d = d.into_vec();
        let at: Vec<&str> = d.iter().map(|d| d.pointer.as_str()).collect();
        assert_eq!(
            at,
            [
                "#/paths/~1a/get/parameters/0",
                "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/x",
                "#/components/schemas/S/properties/bad",
            ]
        );
        assert!(d.iter().all(|d| d.is_error() && !d.is_fatal()));
        assert!(serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()).is_ok());
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"]["ok"],
            json!({"type": "string"})
        );
        assert_eq!(
            doc["components"]["schemas"]["S"]["description"],
            json!("kept")
        );
    }
}
