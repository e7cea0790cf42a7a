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
    // Each flag is a call; each member's names its member.
    assert_eq!(whole.matches("runtime::FlagSpec::new(").count(), n + 1);
    assert_eq!(whole.matches(".of_member(").count(), n);
    assert!(
        whole.contains("        runtime::FlagSpec::new(\n                \"m1\",\n                \"INTEGER\",\n                \"Sets the body member `m1`\",\n                runtime::FlagKind::Integer {"),
        "{whole}"
    );
    assert!(
        whole.contains("        runtime::FlagSpec::new(\"m0\", \"M0\", \"A member\", runtime::FlagKind::Text)\n            .of_member(\"m0\"),"),
        "{whole}"
    );
    assert_eq!(pieced, whole);
}

/// A flag is the call of `FlagSpec::new`, with a modifier for what it is
/// besides optional, single and a parameter's.
#[test]
fn flags_are_calls_with_a_modifier_for_each_difference() {
    let text = printed_command(serde_json::json!({"/w/{id}": {"post": {
        "operationId": "narrow",
        "parameters": [
            {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "q", "in": "query", "schema": {"type": "string"}}
        ],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
            "tags": {"type": "array", "items": {"type": "string"}},
            "on": {"type": "boolean"}
        }}}}},
        "responses": {"204": {"description": "ok"}}
    }}}));
    assert_eq!(text.matches("runtime::FlagSpec::new(").count(), 4, "{text}");
    assert!(!text.contains("runtime::FlagSpec {"), "{text}");
    assert_eq!(text.matches(".required()").count(), 1, "{text}");
    assert_eq!(text.matches(".repeated()").count(), 1, "{text}");
    assert!(
        text.contains(".repeated()\n            .of_member(\"tags\"),"),
        "{text}"
    );
    assert!(text.contains(".of_member(\"on\"),"), "{text}");
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
        "runtime::FlagKind::Integer {\n                    min: i32::MIN as i128,",
        "errors: &[(\"404\", \"NotFound\")],",
        "example: \"Example:\\n  t put-item --id <id> --body @body.txt\",",
        "pages: true,",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
}
