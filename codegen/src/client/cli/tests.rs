//! Tests of the commands printed for the program: what a command reads, and that
//! a wide body's flags print in pieces as they print whole.

use super::*;

fn printed_command(paths: serde_json::Value) -> String {
    printed_command_both(paths).0
}

/// The command printed whole, and printed in pieces.
fn printed_command_both(paths: serde_json::Value) -> (String, String) {
    let r = crate::test_support::resolve(serde_json::json!({}), paths);
    let types = crate::types::TypeEmitter::new(&r.space);
    let commands = crate::commands::Commands::of(&r.space, &r.operations);
    let settings = crate::test_support::client_settings();
    let emitter =
        ClientEmitter::new(&r.space, &types, &r.operations, settings).with_commands(&commands);
    (
        crate::output::format_chunk(emitter.emit_commands(&[0]), "test").unwrap(),
        crate::pieces::format_parts(emitter.emit_command_parts(&[0]), "test").unwrap(),
    )
}

/// A body of more members than a piece holds: a flag each, printed in pieces
/// as they print whole.
#[test]
fn the_flags_of_a_wide_body_print_in_pieces_as_they_print_whole() {
    let n = crate::pieces::PIECE_LEN * 2 + 3;
    let properties: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| {
            let schema = match i % 3 {
                0 => serde_json::json!({"type": "string", "description": "A member. More."}),
                1 => serde_json::json!({"type": "integer", "format": "int32"}),
                _ => serde_json::json!({"type": "array", "items": {"type": "boolean"}}),
            };
            (format!("m{i}"), schema)
        })
        .collect();
    let (whole, pieced) = printed_command_both(serde_json::json!({"/w": {"post": {
        "operationId": "wide",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": properties}}}},
        "responses": {"204": {"description": "ok"}}
    }}}));
    // Past `WIDE_COMMAND` flags, each member's is the call of `FlagSpec::member`
    // (half the tokens); the parameter's stays a struct expression.
    assert_eq!(whole.matches("runtime::FlagSpec::member(").count(), n);
    assert_eq!(whole.matches("runtime::FlagSpec {").count(), 1, "{whole}");
    assert!(
        whole.contains("runtime::FlagSpec::member(\n            \"m1\",\n            \"INTEGER\",\n            \"Sets the body member `m1`\",\n            runtime::FlagKind::Integer {"),
        "{whole}"
    );
    assert!(whole.contains("            \"A member\",\n            runtime::FlagKind::Text,\n            false,\n            \"m0\",\n        ),"), "{whole}");
    assert_eq!(pieced, whole);
}

/// Up to `WIDE_COMMAND` flags, members' flags are struct expressions: the text of
/// ordinary documents' commands is as it was.
#[test]
fn the_flags_of_a_narrow_body_are_struct_expressions() {
    let n = super::super::cli_text::WIDE_COMMAND - 1;
    let properties: serde_json::Map<String, serde_json::Value> = (0..n)
        .map(|i| (format!("m{i}"), serde_json::json!({"type": "boolean"})))
        .collect();
    let text = printed_command(serde_json::json!({"/w": {"post": {
        "operationId": "narrow",
        "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": properties}}}},
        "responses": {"204": {"description": "ok"}}
    }}}));
    assert_eq!(text.matches("runtime::FlagSpec {").count(), n + 1);
    assert!(!text.contains("FlagSpec::member"), "{text}");
    assert!(
        text.contains("multiple: false,\n            member: Some(\"m3\"),"),
        "{text}"
    );
}

#[test]
fn a_command_reads_its_flags_into_the_request_and_pages_with_all() {
    let text = printed_command(serde_json::json!({"/items/{id}": {"put": {
        "operationId": "putItem",
        "summary": "Put an item. More.",
        "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "format": "int32"}},
            {"name": "skip", "in": "query", "schema": {"type": "integer"}},
            {"name": "limit", "in": "query", "schema": {"type": "integer"}}
        ],
        "x-pagination": {"offset": "skip", "limit": "limit"},
        "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}}},
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}},
                      "404": {"description": "gone"}}
    }}}));
    for needle in [
        "let mut request = client.put_item(inv.required::<i32>(\"id\")?, inv.text_body()?);",
        "if let Some(value) = inv.optional::<i64>(\"skip\")? {",
        "request = request.skip(value);",
        "inv.lines(request.stream())",
        "summary: \"Put an item\",",
        "kind: runtime::FlagKind::Integer {\n                min: i32::MIN as i128,",
        "errors: &[(\"404\", \"NotFound\")],",
        "example: \"Example:\\n  t put-item --id <id> --body @body.txt\",",
        "pages: true,",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}
