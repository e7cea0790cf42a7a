//! Reading a document: bytes → JSON value → normalised OpenAPI 3.0 model.
//!
//! Everything goes through a `serde_json::Value` first. That keeps YAML quirks
//! (integer keys, tags) out of the model, lets us repair what `openapiv3` cannot
//! represent (numbers beyond `i64`), and is where OpenAPI 3.1 is lowered to 3.0.

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Diagnostics};
use openapiv3::OpenAPI;
use serde_json::Value;

mod json;

/// A parsed document and the raw value it came from (kept for `$ref`s that point
/// somewhere `openapiv3` does not model).
pub struct Document {
    pub api: OpenAPI,
    pub raw: Value,
}

/// Parses `text` (YAML or JSON) into a document, or explains why it cannot.
pub fn parse(text: &str, diags: &mut Diagnostics) -> Option<Document> {
    let mut raw = match read_value(text) {
        Ok(read) => {
            for d in read.diagnostics {
                diags.push(d);
            }
            read.value
        }
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    check_version(&raw, diags)?;
    crate::normalize::normalize(&mut raw, diags);
    crate::inline::inline(&mut raw, diags);
    // Read plainly first: the path to an error is only wanted after repairs.
    let api = match <OpenAPI as serde::Deserialize>::deserialize(&raw) {
        Ok(api) => api,
        Err(_) => {
            // Objects `openapiv3` cannot read are found one by one, and replaced (a
            // schema by "any value") or left out, each repair reported; then again.
            crate::repair::repair(&mut raw, diags);
            match serde_path_to_error::deserialize::<_, OpenAPI>(&raw) {
                Ok(api) => api,
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            path_to_pointer(e.path()),
                            format!("this is not a valid OpenAPI 3.0 object: {}", e.inner()),
                        )
                        .with_help(
                            "compare the object with the OpenAPI 3.0 specification's schema for it",
                        ),
                    );
                    return None;
                }
            }
        }
    };
    Some(Document { api, raw })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::from("#");
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                pointer = crate::diagnostics::pointer_push(&pointer, &index.to_string())
            }
            Segment::Map { key } => pointer = crate::diagnostics::pointer_push(&pointer, key),
            Segment::Enum { variant } => {
                pointer = crate::diagnostics::pointer_push(&pointer, variant)
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

/// YAML or JSON text to a JSON value. JSON is tried first when the text looks like it,
/// because `serde_json` is several times faster on multi-megabyte documents.
pub fn parse_value(text: &str) -> Result<Value, Diagnostic> {
    read_value(text).map(|r| r.value)
}

/// YAML or JSON text to a JSON value, with what reading it found (duplicate keys,
/// YAML 1.1 readings, …: see [`crate::yaml`]).
pub fn read_value(text: &str) -> Result<crate::yaml::Read, Diagnostic> {
    let limits = crate::limits::Limits::current();
    if text.len() > limits.document_bytes {
        return Err(Diagnostic::error(
            "#",
            format!(
                "the document is {} bytes, more than the {} this generator reads",
                text.len(),
                limits.document_bytes
            ),
        )
        .with_code(Code::Limit)
        .with_help(crate::limits::Limits::how_to_raise(
            "document-bytes",
            limits.document_bytes,
        )));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let mut json_error = None;
    if trimmed.starts_with('{') {
        match json::read(trimmed) {
            Ok((value, false)) => {
                return Ok(crate::yaml::Read {
                    value,
                    diagnostics: Vec::new(),
                });
            }
            // A key written twice: the YAML reader (JSON is YAML) says where; the
            // value stays the JSON reader's (JSON numbers are not YAML 1.1 ones).
            Ok((value, true)) => {
                let diagnostics = crate::yaml::read(trimmed)
                    .map(|r| {
                        r.diagnostics
                            .into_iter()
                            .filter(|d| d.code == Code::DuplicateKey)
                            .map(|d| shift(d, text, trimmed))
                            .collect()
                    })
                    .unwrap_or_else(|_| vec![json::duplicates_somewhere()]);
                return Ok(crate::yaml::Read { value, diagnostics });
            }
            // A whole JSON document followed by more: a file cut and pasted
            // together, or merged badly. YAML would take it; it is JSON gone wrong.
            Err(e) if e.to_string().starts_with("trailing characters") => {
                let (line, column) = position_in(text, trimmed, e.line(), e.column());
                return Err(Diagnostic::error(
                    "#",
                    format!("the document is not valid JSON: {e}"),
                )
                .with_code(Code::Syntax)
                .with_help(
                    "the JSON document ends before this; remove what follows it, or restore \
                     what was cut",
                )
                .at_position(line, column));
            }
            // Deeper than serde_json goes (128): the YAML reader, which reads JSON
            // too, applies the depth limit and says how to raise it.
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {}
            Err(e) => json_error = Some(e),
        }
    }
    let read = crate::yaml::read(trimmed).map_err(|e| {
        let (line, column) = position_in(text, trimmed, e.line, e.column);
        if e.kind == crate::yaml::ErrorKind::Limit {
            // A limit, not a syntax error: the message says which and how to raise it.
            return Diagnostic::error("#", e.message.clone())
                .with_code(Code::Limit)
                .with_help("a document this large or this deep is refused to bound time and memory")
                .at_position(line, column);
        }
        // Text that looks like JSON gets the JSON parser's (clearer) complaint.
        if let Some(j) = json_error {
            let (line, column) = position_in(text, trimmed, j.line(), j.column());
            return Diagnostic::error("#", format!("the document is not valid JSON: {j}"))
                .with_code(Code::Syntax)
                .with_help("fix the syntax error at that line")
                .at_position(line, column);
        }
        Diagnostic::error(
            "#",
            format!(
                "the document is neither valid JSON nor valid YAML (line {line}, column {column}): {}",
                e.message
            ),
        )
        .with_code(Code::Syntax)
        .with_help("fix the syntax error at that line")
        .at_position(line, column)
    })?;
    Ok(crate::yaml::Read {
        value: read.value,
        diagnostics: read
            .diagnostics
            .into_iter()
            .map(|d| shift(d, text, trimmed))
            .collect(),
    })
}

/// A diagnostic located in `trimmed` (the text without its leading blank lines),
/// located in `text`.
fn shift(mut d: Diagnostic, text: &str, trimmed: &str) -> Diagnostic {
    if let Some((line, column)) = d.position {
        let (line, column) = position_in(text, trimmed, line as usize, column as usize);
        d = d.at_position(line, column);
    }
    d
}

/// A line and column in `trimmed` as a line and column in `text`, of which it is
/// the end.
fn position_in(text: &str, trimmed: &str, line: usize, column: usize) -> (usize, usize) {
    let skipped = &text[..text.len() - trimmed.len()];
    let lines_before = skipped.matches('\n').count();
    if line == 1 {
        let last_line = skipped.rsplit('\n').next().unwrap_or("");
        (1 + lines_before, column + last_line.chars().count())
    } else {
        (line + lines_before, column)
    }
}

fn check_version(raw: &Value, diags: &mut Diagnostics) -> Option<()> {
    let Some(obj) = raw.as_object() else {
        diags.push(
            Diagnostic::error(
                "#",
                "the document is not an object, so it cannot be an OpenAPI document",
            )
            .with_help(
                "an OpenAPI document starts with `openapi: 3.0.3` and has `info` and `paths`",
            ),
        );
        return None;
    };
    if obj.contains_key("swagger") {
        diags.push(
            Diagnostic::error("#/swagger", "Swagger 2.0 documents are not supported").with_help(
                "convert the document to OpenAPI 3.0 first (for example with swagger2openapi)",
            ),
        );
        return None;
    }
    match obj.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => Some(()),
        Some(Value::String(v)) => {
            diags.push(
                Diagnostic::error("#/openapi", format!("unsupported OpenAPI version `{v}`"))
                    .with_help("this generator reads OpenAPI 3.0.x and 3.1.x documents"),
            );
            None
        }
        Some(_) => {
            diags.push(
                Diagnostic::error(
                    "#/openapi",
                    "`openapi` must be a version string such as \"3.0.3\"",
                )
                .with_help("quote the version: `openapi: \"3.0.3\"`"),
            );
            None
        }
        None => {
            diags.push(
                Diagnostic::error(
                    "#",
                    "this is not an OpenAPI document: it has no `openapi` field",
                )
                .with_help("add `openapi: 3.0.3` at the top of the document"),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_integer_keys_become_strings() {
        let v = parse_value("responses:\n  200:\n    description: ok\n").unwrap();
        assert!(v["responses"]["200"].is_object());
    }

    #[test]
    fn swagger_is_refused_with_a_reason() {
        let mut d = Diagnostics::default();
        assert!(parse("swagger: '2.0'\ninfo: {}\n", &mut d).is_none());
        let all = d.into_vec();
        assert_eq!(all[0].pointer, "#/swagger");
    }

    #[test]
    fn objects_openapiv3_cannot_read_are_repaired_and_reported() {
        let mut d = Diagnostics::default();
        let doc = parse(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
                "paths": {"/a": {"get": {"parameters": [{"name": "b", "in": "body", "schema": {}}, {"name": "q", "in": "query", "schema": {"type": "string"}}],
                                         "responses": {"200": {"description": "ok"}}}}},
                "components": {"schemas": {"S": {"type": "object", "enum": 3, "description": "kept"}}}}"#,
            &mut d,
        )
        .expect("repaired, not refused");
        let all = d.into_vec();
        assert!(all.iter().all(|d| d.is_error() && !d.is_fatal()), "{all:?}");
        assert!(
            all.iter()
                .any(|d| d.pointer == "#/paths/~1a/get/parameters/0"),
            "{all:?}"
        );
        let get = doc.api.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(get.parameters.len(), 1);
        assert_eq!(
            doc.raw["components"]["schemas"]["S"],
            serde_json::json!({"description": "kept"})
        );
    }

    #[test]
    fn json_with_more_after_it_is_refused_where_it_ends() {
        let err = parse_value("\n{\"openapi\": \"3.0.3\"} }}} ]").unwrap_err();
        assert!(
            err.message.contains("trailing characters"),
            "{}",
            err.message
        );
        assert_eq!(
            err.position,
            Some((2, 22)),
            "at the first `}}` after the document"
        );
        // A YAML flow mapping that is not JSON is still YAML.
        assert!(parse_value("{openapi: 3.0.3}").is_ok());
    }

    #[test]
    fn bad_yaml_reports_line() {
        let err = parse_value("openapi: 3.0.0\ninfo: [\n").unwrap_err();
        assert!(err.message.contains("line"), "{}", err.message);
    }
}
