//! Checks of a document beyond what typing it needs: problems a maintainer should
//! fix even where the generator has a fallback (duplicate operation ids, names that
//! collide in Rust, impossible bounds, defaults and examples that contradict their
//! schema, …). Every finding names its place by JSON pointer.

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_push, pointer_unescape};
use crate::http::HttpMethod;
use crate::names::{camel, snake};
use crate::refs::Refs;
use crate::types::{TypeKind, TypeSpace};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The checks of the raw document, with the type names the resolver has
/// claimed for the component schemas (`Resolver::new` claims them first).
/// References are followed through `refs`, as the resolver follows them.
pub fn check(refs: &Refs<'_>, space: &TypeSpace, diags: &mut Diagnostics) {
    let raw = refs.root();
    operations(raw, diags);
    schema_names(space, diags);
    let mut v = Visitor {
        root: raw,
        refs,
        diags,
    };
    v.document();
}

fn operations(raw: &Value, diags: &mut Diagnostics) {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for m in HttpMethod::ALL.map(HttpMethod::key) {
            let Some(op) = item.get(m).and_then(Value::as_object) else {
                continue;
            };
            let ptr = pointer_push(&pointer_push("#/paths", path), m);
            let responses = op.get("responses").and_then(Value::as_object);
            if responses.is_none_or(|r| r.keys().all(|k| k.starts_with("x-"))) {
                diags.push(
                    Diagnostic::warning(&ptr, "operation has no responses, so the client cannot type its result")
                        .with_code(Code::NoResponses)
                        .with_help("document at least the success response, e.g. `responses: {'200': {description: OK}}`"),
                );
            }
        }
    }
}

/// Component schemas whose Rust type got another name than their own: read
/// from the names the resolver claimed, not predicted.
fn schema_names(space: &TypeSpace, diags: &mut Diagnostics) {
    // The schema that has each name, by the name in lower case.
    let mut holders: HashMap<String, String> = HashMap::new();
    for def in &space.defs {
        let Some(key) = def
            .pointer
            .strip_prefix("#/components/schemas/")
            .filter(|k| !k.contains('/'))
            .map(pointer_unescape)
        else {
            continue;
        };
        let wanted = camel(&key);
        if def.name == wanted {
            holders.insert(wanted.to_ascii_lowercase(), key);
            continue;
        }
        let message = match holders.get(&wanted.to_ascii_lowercase()) {
            Some(first) => format!(
                "schemas `{first}` and `{key}` both become the Rust type `{}`; this one gets a number",
                camel(first)
            ),
            None => format!(
                "schema `{key}` would become the Rust type `{wanted}`, a name the generated code uses itself; it becomes `{}`",
                def.name
            ),
        };
        diags.push(
            Diagnostic::warning(&def.pointer, message)
                .with_code(Code::NameCollision)
                .with_help("rename one of them so the Rust names stay predictable"),
        );
    }
}

/// Members of one struct whose Rust fields got another name than their own
/// (`petName` and `pet_name`): read from the fields the resolver made.
pub fn field_names(raw: &Value, space: &TypeSpace, diags: &mut Diagnostics) {
    for def in &space.defs {
        let TypeKind::Struct(s) = &def.kind else {
            continue;
        };
        let mut holders: HashMap<String, &str> = HashMap::new();
        for f in s.fields.iter().filter(|f| !f.flatten) {
            let wanted = snake(&f.wire);
            if f.name == wanted {
                holders.insert(wanted.to_ascii_lowercase(), &f.wire);
                continue;
            }
            let Some(first) = holders.get(&wanted.to_ascii_lowercase()) else {
                continue;
            };
            // The member's own place, where the struct's schema lists it.
            let member = pointer_push(&pointer_push(&def.pointer, "properties"), &f.wire);
            let at = if raw.pointer(member.trim_start_matches('#')).is_some() {
                member
            } else {
                def.pointer.clone()
            };
            diags.push(
                Diagnostic::warning(at, format!("properties `{first}` and `{}` both become the Rust field `{wanted}`; this one gets a number", f.wire))
                    .with_code(Code::NameCollision)
                    .with_help("the wire names are kept exactly; only the Rust field names differ"),
            );
        }
    }
}

struct Visitor<'a, 'd> {
    root: &'a Value,
    refs: &'d Refs<'a>,
    diags: &'d mut Diagnostics,
}

impl Visitor<'_, '_> {
    fn document(&mut self) {
        let root = self.root;
        if let Some(schemas) = root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (name, s) in schemas {
                self.schema(s, &pointer_push("#/components/schemas", name), 0);
            }
        }
        for kind in ["parameters", "headers"] {
            if let Some(all) = root
                .pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
            {
                for (name, p) in all {
                    self.parameter(p, &pointer_push(&format!("#/components/{kind}"), name));
                }
            }
        }
        for kind in ["requestBodies", "responses"] {
            if let Some(all) = root
                .pointer(&format!("/components/{kind}"))
                .and_then(Value::as_object)
            {
                for (name, b) in all {
                    self.content(b, &pointer_push(&format!("#/components/{kind}"), name));
                }
            }
        }
        let Some(paths) = root.get("paths").and_then(Value::as_object) else {
            return;
        };
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            let item_ptr = pointer_push("#/paths", path);
            self.parameters(item.get("parameters"), &item_ptr);
            for m in HttpMethod::ALL.map(HttpMethod::key) {
                let Some(op) = item.get(m) else { continue };
                let ptr = pointer_push(&item_ptr, m);
                self.parameters(op.get("parameters"), &ptr);
                if let Some(body) = op.get("requestBody") {
                    self.content(body, &pointer_push(&ptr, "requestBody"));
                }
                if let Some(responses) = op.get("responses").and_then(Value::as_object) {
                    for (code, r) in responses {
                        self.content(r, &pointer_push(&pointer_push(&ptr, "responses"), code));
                    }
                }
            }
        }
    }

    fn parameters(&mut self, list: Option<&Value>, at: &str) {
        let Some(list) = list.and_then(Value::as_array) else {
            return;
        };
        for (i, p) in list.iter().enumerate() {
            self.parameter(
                p,
                &pointer_push(&pointer_push(at, "parameters"), &i.to_string()),
            );
        }
    }

    fn parameter(&mut self, p: &Value, at: &str) {
        if p.get("$ref").is_some() {
            return;
        }
        if let Some(schema) = p.get("schema") {
            let sptr = pointer_push(at, "schema");
            self.schema(schema, &sptr, 0);
            self.examples(p, schema, at);
        }
        self.content(p, at);
    }

    /// The media types of a body, response or parameter: their schemas and examples.
    fn content(&mut self, holder: &Value, at: &str) {
        let Some(content) = holder.get("content").and_then(Value::as_object) else {
            return;
        };
        for (media, mt) in content {
            let mptr = pointer_push(&pointer_push(at, "content"), media);
            if let Some(schema) = mt.get("schema") {
                self.schema(schema, &pointer_push(&mptr, "schema"), 0);
                self.examples(mt, schema, &mptr);
            }
        }
    }

    /// `example` and `examples.*.value` of a parameter or media type.
    fn examples(&mut self, holder: &Value, schema: &Value, at: &str) {
        if let Some(example) = holder.get("example") {
            self.conforms("example", example, schema, &pointer_push(at, "example"));
        }
        if let Some(examples) = holder.get("examples").and_then(Value::as_object) {
            for (name, e) in examples {
                if let Some(value) = e.get("value") {
                    let ptr =
                        pointer_push(&pointer_push(&pointer_push(at, "examples"), name), "value");
                    self.conforms("example", value, schema, &ptr);
                }
            }
        }
    }

    fn conforms(&mut self, what: &str, value: &Value, schema: &Value, at: &str) {
        if let Err(why) = check_value(value, schema, self.refs, 0) {
            // Both are warnings: the generator does not depend on either value.
            self.diags.push(
                Diagnostic::warning(at, format!("this {what} does not match its schema: {why}"))
                    .with_code(if what == "default" {
                        Code::DefaultMismatch
                    } else {
                        Code::ExampleMismatch
                    })
                    .with_help(format!("change the {what} or the schema so they agree")),
            );
        }
    }

    fn schema(&mut self, s: &Value, at: &str, depth: usize) {
        let Some(obj) = s.as_object() else { return };
        if depth > 64 || obj.contains_key("$ref") {
            return;
        }
        self.bounds(obj, at);
        self.keywords(obj, at);
        if let Some(default) = obj.get("default") {
            self.conforms("default", default, s, &pointer_push(at, "default"));
        }
        if let Some(example) = obj.get("example") {
            self.conforms("example", example, s, &pointer_push(at, "example"));
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object)
            && let Some(required) = obj.get("required").and_then(Value::as_array)
        {
            let open = obj
                .get("additionalProperties")
                .is_some_and(|a| a.is_object() || a == &Value::Bool(true));
            for (i, r) in required.iter().enumerate() {
                if let Some(r) = r.as_str().filter(|r| !props.contains_key(*r))
                    && !open
                    && !obj.contains_key("allOf")
                {
                    self.diags.push(
                        Diagnostic::warning(
                            pointer_push(&pointer_push(at, "required"), &i.to_string()),
                            format!("`{r}` is required but is not among the properties"),
                        )
                        .with_code(Code::RequiredUnknown)
                        .with_help(format!(
                            "declare `{r}` under `properties`, or remove it from `required`"
                        )),
                    );
                }
            }
        }
        for child in crate::refs::schema_children(obj) {
            self.schema(child.value, &child.pointer(at), depth + 1);
        }
    }

    /// Lower bounds above upper bounds leave no valid value.
    fn bounds(&mut self, obj: &Map<String, Value>, at: &str) {
        for (lo, hi) in [
            ("minimum", "maximum"),
            ("minLength", "maxLength"),
            ("minItems", "maxItems"),
            ("minProperties", "maxProperties"),
        ] {
            if let (Some(a), Some(b)) = (
                obj.get(lo).and_then(Value::as_f64),
                obj.get(hi).and_then(Value::as_f64),
            ) && a > b
            {
                self.diags.push(
                    Diagnostic::error(
                        pointer_push(at, lo),
                        format!("`{lo}: {a}` is above `{hi}: {b}`, so no value is valid"),
                    )
                    .with_code(Code::ImpossibleSchema)
                    .with_help(format!("swap or correct `{lo}` and `{hi}`"))
                    .with_repair(
                        "the bounds are documentation only; the client does not check them",
                    ),
                );
            }
        }
        if obj
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            self.diags.push(
                Diagnostic::error(
                    pointer_push(at, "enum"),
                    "`enum` is empty, so no value is valid",
                )
                .with_code(Code::ImpossibleSchema)
                .with_help("list the allowed values, or remove `enum`")
                .with_repair("the empty `enum` is ignored; the schema's `type` is used"),
            );
        }
        if obj.get("readOnly") == Some(&Value::Bool(true))
            && obj.get("writeOnly") == Some(&Value::Bool(true))
        {
            self.diags.push(
                Diagnostic::error(at, "a schema cannot be both `readOnly` and `writeOnly`")
                    .with_code(Code::ImpossibleSchema)
                    .with_help("keep one of the two flags")
                    .with_repair("the member is optional in both directions"),
            );
        }
    }

    /// Keywords that belong to another type and so have no effect.
    fn keywords(&mut self, obj: &Map<String, Value>, at: &str) {
        let Some(ty) = obj.get("type").and_then(Value::as_str) else {
            return;
        };
        let misplaced: &[&str] = match ty {
            "string" | "integer" | "number" | "boolean" => {
                &["properties", "items", "additionalProperties"]
            }
            "object" => &["items"],
            "array" => &["properties"],
            _ => &[],
        };
        for key in misplaced {
            if obj.contains_key(*key) {
                self.diags.push(
                    Diagnostic::warning(
                        pointer_push(at, key),
                        format!("`{key}` has no effect on a schema of type `{ty}`"),
                    )
                    .with_code(Code::ImpossibleSchema)
                    .with_help(format!("remove `{key}`, or change the `type`")),
                );
            }
        }
    }
}

/// The schema a `$ref` leads to, the way generation follows it (through the
/// same [`Refs`]); the schema itself when it is no reference or reaches nothing
/// (generation reports those).
fn resolve<'s, 'v: 's>(schema: &'s Value, refs: &Refs<'v>) -> &'s Value {
    let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
        return schema;
    };
    refs.follow(reference).map_or(schema, |t| t.value)
}

/// Whether a value fits a schema, as far as types, enums, required members and
/// composition go. Returns why not.
fn check_value<'s, 'v: 's>(
    value: &Value,
    schema: &'s Value,
    refs: &Refs<'v>,
    depth: usize,
) -> Result<(), String> {
    if depth > 32 {
        return Ok(());
    }
    let schema = resolve(schema, refs);
    let Some(s) = schema.as_object() else {
        return Ok(());
    };
    if value.is_null() {
        let nullable = s.get("nullable") == Some(&Value::Bool(true))
            || s.get("enum")
                .and_then(Value::as_array)
                .is_some_and(|e| e.contains(&Value::Null))
            || (!s.contains_key("type") && !s.contains_key("enum") && !s.contains_key("allOf"));
        return if nullable {
            Ok(())
        } else {
            Err("null is not allowed (the schema is not `nullable`)".into())
        };
    }
    if let Some(list) = s.get("allOf").and_then(Value::as_array) {
        for part in list {
            check_value(value, part, refs, depth + 1)?;
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array)
            && !list.is_empty()
            && !list
                .iter()
                .any(|part| check_value(value, part, refs, depth + 1).is_ok())
        {
            return Err(format!("it fits none of the `{key}` alternatives"));
        }
    }
    if let Some(values) = s.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return Err(format!("{value} is not one of the `enum` values"));
    }
    let fits = |ty: &str| match ty {
        "string" => value.is_string(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if let Some(ty) = s.get("type").and_then(Value::as_str)
        && !fits(ty)
    {
        return Err(format!("expected {ty}, found {}", kind(value)));
    }
    if let (Some(obj), Some(props)) = (
        value.as_object(),
        s.get("properties").and_then(Value::as_object),
    ) {
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                let read_only = props
                    .get(r)
                    .map(|p| resolve(p, refs))
                    .and_then(|p| p.get("readOnly"))
                    == Some(&Value::Bool(true));
                if !obj.contains_key(r) && !read_only {
                    return Err(format!("the required member `{r}` is missing"));
                }
            }
        }
        for (k, v) in obj {
            if let Some(p) = props.get(k) {
                check_value(v, p, refs, depth + 1).map_err(|e| format!("`{k}`: {e}"))?;
            }
        }
    }
    if let (Some(items), Some(schema)) = (value.as_array(), s.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check_value(item, schema, refs, depth + 1).map_err(|e| format!("item {i}: {e}"))?;
        }
    }
    Ok(())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(doc: Value) -> Vec<Diagnostic> {
        let mut d = Diagnostics::default();
        check(&Refs::new(&doc), &TypeSpace::default(), &mut d);
        d.into_vec()
    }

    #[test]
    fn values_are_checked_against_schemas() {
        let root = json!({"components": {"schemas": {"N": {"type": "integer"}}}});
        let s = json!({"type": "object", "required": ["a"], "properties": {"a": {"$ref": "#/components/schemas/N"}, "b": {"type": "string", "nullable": true}}});
        assert!(check_value(&json!({"a": 1, "b": null}), &s, &Refs::new(&root), 0).is_ok());
        assert_eq!(
            check_value(&json!({"a": "x"}), &s, &Refs::new(&root), 0).unwrap_err(),
            "`a`: expected integer, found a string"
        );
        assert_eq!(
            check_value(&json!({}), &s, &Refs::new(&root), 0).unwrap_err(),
            "the required member `a` is missing"
        );
    }

    /// A percent-encoded reference (a schema named `A B`) is followed, so the
    /// example behind it is checked (issue #24, B7).
    #[test]
    fn percent_encoded_references_are_followed() {
        let root = json!({"components": {"schemas": {"A B": {"type": "integer"}}}});
        let s = json!({"$ref": "#/components/schemas/A%20B"});
        assert!(check_value(&json!(1), &s, &Refs::new(&root), 0).is_ok());
        assert_eq!(
            check_value(&json!("x"), &s, &Refs::new(&root), 0).unwrap_err(),
            "expected integer, found a string"
        );
    }

    /// Name collisions are read from the names the resolver gave: also one with a
    /// name the generated code keeps for itself, and members merged from two
    /// `allOf` parts.
    #[test]
    fn name_collisions_are_read_from_the_model() {
        let r = crate::test_support::resolve(
            json!({
                "PetOwner": {"type": "object"},
                "pet_owner": {"type": "object"},
                "Option": {"type": "object"},
                "Both": {"allOf": [
                    {"type": "object", "properties": {"petName": {"type": "string"}}},
                    {"type": "object", "properties": {"pet_name": {"type": "string"}}}
                ]}
            }),
            json!({}),
        );
        let found: Vec<(&str, &str)> = r
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::NameCollision)
            .map(|d| (d.pointer.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "#/components/schemas/pet_owner");
        assert_eq!(found[1].0, "#/components/schemas/Option");
        assert!(found[1].1.contains("it becomes `Option2`"), "{found:?}");
        // Merged from parts: reported at the schema the struct was made for.
        assert_eq!(found[2].0, "#/components/schemas/Both", "{found:?}");
        assert!(found[2].1.contains("`petName` and `pet_name`"), "{found:?}");
    }

    #[test]
    fn impossible_bounds_are_errors() {
        let d = run(
            json!({"components": {"schemas": {"S": {"type": "integer", "minimum": 5, "maximum": 1}}}}),
        );
        assert_eq!(d[0].code, Code::ImpossibleSchema);
        assert!(d[0].is_error());
    }
}
