//! `$ref`s where the OpenAPI model takes none, replaced by what they point at.
//!
//! `openapiv3` (like the 3.0 specification) has no Reference Object for a media
//! type, an encoding or an operation, nor (unlike the specification) for a
//! callback or a callback's path item. Documents put `$ref`s there anyway
//! (`content: {application/json: {$ref: '#/components/mediaTypes/x'}}`), and the
//! typed read would lose or refuse them. Before that read, each is replaced by a
//! copy of its target (following chains of `$ref`s), with a warning where the
//! specification does not allow it. A `$ref` that reaches nothing (nowhere,
//! outside the document, a loop) is an error `generate` goes past: a media type
//! becomes one of any value, an operation or encoding is left out.
//!
//! Only OpenAPI objects are visited: schemas, examples and extensions are data
//! (a `$ref` inside an example is not a reference), and schema references are
//! the type resolver's.

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_push};
use crate::refs::{Refs, local_pointer};
use serde_json::{Map, Value};
use std::cell::OnceCell;
use std::collections::HashSet;

/// The objects whose members this walk visits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    Header,
    MediaType,
    Encoding,
    Callback,
}

impl Kind {
    fn noun(self) -> &'static str {
        match self {
            Kind::PathItem => "path item",
            Kind::Operation => "operation",
            Kind::Parameter => "parameter",
            Kind::RequestBody => "request body",
            Kind::Response => "response",
            Kind::Header => "header",
            Kind::MediaType => "media type",
            Kind::Encoding => "encoding",
            Kind::Callback => "callback",
        }
    }

    /// Whether the specification lets a Reference Object stand for this object.
    fn spec_allows_ref(self) -> bool {
        !matches!(self, Kind::Operation | Kind::MediaType | Kind::Encoding)
    }

    /// What replaces an object whose `$ref` reaches nothing: `None` leaves it out.
    fn stand_in(self) -> Option<Value> {
        match self {
            Kind::MediaType => Some(Value::Object(Map::new())),
            _ => None,
        }
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rounds of replacement: a target may hold `$ref`s of its own. One that keeps
/// holding itself is cut here.
const MAX_ROUNDS: usize = 16;

/// Replaces every `$ref` the model cannot hold.
pub(crate) fn inline(doc: &mut Value, diags: &mut Diagnostics) {
    // Targets are read from the document as written (taken when there is
    // something to replace): each round then adds one level to an object that
    // holds itself, where reading the grown document would double it.
    let original: OnceCell<Value> = OnceCell::new();
    let refs: OnceCell<Refs<'_>> = OnceCell::new();
    for round in 0..=MAX_ROUNDS {
        let mut found = Vec::new();
        let mut seen = HashSet::new();
        Walk {
            root: doc,
            found: &mut found,
            seen: &mut seen,
        }
        .document();
        if found.is_empty() {
            return;
        }
        // An object reached both where it is and through a `$ref` is listed twice.
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        for (at, kind) in found {
            let replacement = if round == MAX_ROUNDS {
                diags.push(
                    Diagnostic::error(
                        pointer_push(&at, "$ref"),
                        format!(
                            "this {} `$ref` leads to an object that holds itself",
                            kind.noun()
                        ),
                    )
                    .with_code(Code::RefLoop)
                    .with_help(
                        "make the reference point at an object that does not refer back to it",
                    )
                    .with_repair(repair(kind)),
                );
                kind.stand_in()
            } else {
                let written = refs.get_or_init(|| Refs::new(original.get_or_init(|| doc.clone())));
                target(doc, written, &at, kind, diags)
            };
            let path = at.trim_start_matches('#').to_string();
            match replacement {
                Some(value) => {
                    if let Some(slot) = doc.pointer_mut(&path) {
                        *slot = value;
                    }
                }
                None => remove(doc, &path),
            }
        }
    }
}

fn repair(kind: Kind) -> String {
    match kind.stand_in() {
        Some(_) => format!("the {} is one of any value", kind.noun()),
        None => format!("the {} is left out", kind.noun()),
    }
}

/// The value the `$ref` object at `at` stands for, reported; `None` to leave it out.
fn target(
    doc: &Value,
    written: &Refs<'_>,
    at: &str,
    kind: Kind,
    diags: &mut Diagnostics,
) -> Option<Value> {
    let path = at.trim_start_matches('#');
    let here = doc.pointer(path)?;
    let Some(reference) = here.get("$ref").and_then(Value::as_str) else {
        return Some(here.clone());
    };
    let (value, pointer) = match written.follow(reference) {
        Ok(t) => (t.value, t.pointer),
        Err(e) => {
            diags.push(e.diagnostic(reference, at, kind.noun(), &repair(kind)));
            return kind.stand_in();
        }
    };
    if !kind.spec_allows_ref() {
        diags.push(
                Diagnostic::warning(
                    pointer_push(at, "$ref"),
                    format!(
                        "OpenAPI allows no `$ref` in place of a {} object; it is followed to `{pointer}`",
                        kind.noun()
                    ),
                )
                .with_code(Code::RefNotAllowed)
                .with_help(format!(
                    "write the {} here, or refer to the objects inside it (its `schema`, …)",
                    kind.noun()
                )),
            );
    }
    Some(value.clone())
}

/// Removes the member or item at `path`.
fn remove(doc: &mut Value, path: &str) {
    let Some((parent, last)) = path.rsplit_once('/') else {
        return;
    };
    let key = crate::diagnostics::pointer_unescape(last);
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
        }
        Some(Value::Array(items)) => {
            if let Ok(i) = key.parse::<usize>()
                && i < items.len()
            {
                items.remove(i);
            }
        }
        _ => {}
    }
}

/// One pass over the document, listing the `$ref` objects to replace. Objects
/// reached through a `$ref` the model does hold are visited where they are.
struct Walk<'a> {
    root: &'a Value,
    found: &'a mut Vec<(String, Kind)>,
    /// Targets already visited (several `$ref`s may share one).
    seen: &'a mut HashSet<String>,
}

impl Walk<'_> {
    fn document(&mut self) {
        let root = self.root;
        if let Some(paths) = root.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                self.visit(item, &pointer_push("#/paths", path), Kind::PathItem, true);
            }
        }
        let Some(components) = root.get("components").and_then(Value::as_object) else {
            return;
        };
        for (section, kind) in [
            ("responses", Kind::Response),
            ("parameters", Kind::Parameter),
            ("requestBodies", Kind::RequestBody),
            ("headers", Kind::Header),
            ("callbacks", Kind::Callback),
        ] {
            let at = pointer_push("#/components", section);
            for (name, value) in components
                .get(section)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                self.visit(value, &pointer_push(&at, name), kind, true);
            }
        }
    }

    /// An object of `kind` at `at`; `model_ref`: the model holds a `$ref` here.
    fn visit(&mut self, value: &Value, at: &str, kind: Kind, model_ref: bool) {
        let Some(obj) = value.as_object() else {
            return;
        };
        if let Some(reference) = obj.get("$ref").and_then(Value::as_str) {
            if !model_ref {
                self.found.push((at.to_string(), kind));
                return;
            }
            // Visit the target where it is, once.
            let root = self.root;
            if let Some(pointer) = local_pointer(reference)
                && self.seen.insert(pointer.clone())
                && let Some(target) = root.pointer(pointer.trim_start_matches('#'))
            {
                self.visit(target, &pointer, kind, true);
            }
            return;
        }
        let member = |name: &str| pointer_push(at, name);
        let map_of = |name: &str| {
            obj.get(name)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(move |(k, v)| (k.as_str(), v))
        };
        match kind {
            Kind::PathItem => {
                for method in METHODS {
                    if let Some(op) = obj.get(method) {
                        self.visit(op, &member(method), Kind::Operation, false);
                    }
                }
                self.parameters(obj, at);
            }
            Kind::Operation => {
                self.parameters(obj, at);
                if let Some(body) = obj.get("requestBody") {
                    self.visit(body, &member("requestBody"), Kind::RequestBody, true);
                }
                let responses = member("responses");
                for (code, response) in map_of("responses") {
                    self.visit(
                        response,
                        &pointer_push(&responses, code),
                        Kind::Response,
                        true,
                    );
                }
                let callbacks = member("callbacks");
                for (name, callback) in map_of("callbacks") {
                    self.visit(
                        callback,
                        &pointer_push(&callbacks, name),
                        Kind::Callback,
                        false,
                    );
                }
            }
            Kind::Callback => {
                for (expression, item) in obj {
                    self.visit(item, &member(expression), Kind::PathItem, false);
                }
            }
            Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response => {
                let content = member("content");
                for (media, m) in map_of("content") {
                    self.visit(m, &pointer_push(&content, media), Kind::MediaType, false);
                }
                if kind == Kind::Response {
                    let headers = member("headers");
                    for (name, h) in map_of("headers") {
                        self.visit(h, &pointer_push(&headers, name), Kind::Header, true);
                    }
                }
            }
            Kind::MediaType => {
                let encoding = member("encoding");
                for (name, e) in map_of("encoding") {
                    self.visit(e, &pointer_push(&encoding, name), Kind::Encoding, false);
                }
            }
            Kind::Encoding => {
                let headers = member("headers");
                for (name, h) in map_of("headers") {
                    self.visit(h, &pointer_push(&headers, name), Kind::Header, true);
                }
            }
        }
    }

    fn parameters(&mut self, obj: &Map<String, Value>, at: &str) {
        let list = pointer_push(at, "parameters");
        for (i, p) in obj
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            self.visit(
                p,
                &pointer_push(&list, &i.to_string()),
                Kind::Parameter,
                true,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(mut doc: Value) -> (Value, Vec<Diagnostic>) {
        let mut d = Diagnostics::default();
        inline(&mut doc, &mut d);
        (doc, d.into_vec())
    }

    #[test]
    fn a_media_type_ref_is_followed_with_a_warning() {
        let (doc, d) = run(json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"$ref": "#/components/x-media/pet"}}}}}}},
            "components": {"x-media": {"pet": {"schema": {"type": "string"}}}}
        }));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"],
            json!({"schema": {"type": "string"}})
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].code, Code::RefNotAllowed);
        assert!(!d[0].is_error());
    }

    #[test]
    fn an_operation_ref_through_a_shared_response_and_a_callback_ref() {
        let (doc, d) = run(json!({
            "paths": {"/a": {
                "post": {"$ref": "#/x-ops/create"},
                "get": {"responses": {"200": {"$ref": "#/components/responses/R"}},
                        "callbacks": {"cb": {"$ref": "#/components/callbacks/C"}}}
            }},
            "x-ops": {"create": {"responses": {}}},
            "components": {
                "responses": {"R": {"description": "r", "content": {"text/plain": {"$ref": "#/x-m"}}}},
                "callbacks": {"C": {"{$request.body#/url}": {"post": {"responses": {}}}}}
            },
            "x-m": {"$ref": "#/x-m2"},
            "x-m2": {"schema": {"type": "string"}}
        }));
        assert_eq!(doc["paths"]["/a"]["post"], json!({"responses": {}}));
        assert_eq!(
            doc["components"]["responses"]["R"]["content"]["text/plain"],
            json!({"schema": {"type": "string"}})
        );
        assert!(doc["paths"]["/a"]["get"]["callbacks"]["cb"]["{$request.body#/url}"].is_object());
        let codes: Vec<_> = d.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            ["ref-not-allowed", "ref-not-allowed"],
            "callbacks may be refs: {d:?}"
        );
    }

    #[test]
    fn a_ref_to_nothing_is_repaired_and_a_self_holding_one_cut() {
        let (doc, d) = run(json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"$ref": "#/nowhere"}}}}},
                "put": {"$ref": "other.yaml#/put"}}}
        }));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"],
            json!({})
        );
        assert!(doc["paths"]["/a"].get("put").is_none());
        assert!(d.iter().all(|d| d.is_error() && !d.is_fatal()), "{d:?}");
        let (_, d) = run(json!({
            "paths": {"/a": {"get": {"responses": {}, "callbacks": {"cb": {"$ref": "#/components/callbacks/C"}}}}},
            "components": {"callbacks": {"C": {"{$url}": {"post": {"responses": {},
                "callbacks": {"again": {"$ref": "#/components/callbacks/C"}}}}}}}
        }));
        assert!(
            d.iter().any(|d| d.code == Code::RefLoop && !d.is_fatal()),
            "{d:?}"
        );
    }

    #[test]
    fn examples_and_schemas_are_data() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"example": {"$ref": "not a reference"},
                    "schema": {"properties": {"a": {"$ref": "#/components/schemas/A"}}}}}}}}}}
        });
        let (after, d) = run(doc.clone());
        assert_eq!(after, doc);
        assert!(d.is_empty());
    }
}
