//! Tests of resolving operations: parameters, bodies and responses as the model records them.

use super::*;
use crate::diagnostics::Diagnostics;
use serde_json::json;

/// Builds the operations of a document, with every diagnostic.
fn build_doc(doc: Value) -> (OperationSet, Vec<Diagnostic>) {
    let mut diags = Diagnostics::default();
    let text = doc.to_string();
    let doc = crate::load::parse(&text, &mut diags).expect("parses");
    let mut resolver = Resolver::new(&doc);
    let built = build(&doc, &mut resolver);
    let (_, more) = resolver.finish();
    (
        built,
        diags
            .into_vec()
            .into_iter()
            .chain(more.into_vec())
            .collect(),
    )
}

fn doc(paths: Value) -> Value {
    json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
}

#[test]
fn duplicate_operation_ids_are_repaired_errors() {
    let ok = json!({"responses": {"200": {"description": "ok"}}});
    let mut a = ok.clone();
    a["operationId"] = json!("x");
    let (built, d) = build_doc(doc(json!({"/a": {"get": a.clone()}, "/b": {"get": a}})));
    let names: Vec<&str> = built
        .operations
        .iter()
        .map(|o| o.method_name.as_str())
        .collect();
    assert_eq!(names, ["x", "x2"]);
    let dup = d
        .iter()
        .find(|d| d.code == Code::DuplicateOperationId)
        .unwrap();
    assert_eq!(dup.pointer, "#/paths/~1b/get/operationId");
    assert!(dup.is_error() && !dup.is_fatal());
    assert!(dup.repaired.as_deref().unwrap().contains("`x2`"), "{dup}");
}

#[test]
fn operation_ids_never_take_the_clients_own_names() {
    let mut paths = serde_json::Map::new();
    let taken = reserved::CLIENT.iter().chain(&["clone", "fmt"]);
    for (i, id) in taken.enumerate() {
        paths.insert(
            format!("/p{i}"),
            json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}}),
        );
    }
    let (built, _) = build_doc(doc(Value::Object(paths)));
    for op in &built.operations {
        assert_ne!(op.method_name, op.id, "{} must be renamed", op.id);
        assert!(reserved::CLIENT.iter().all(|r| *r != op.method_name));
    }
}

#[test]
fn references_may_point_anywhere_in_the_document() {
    let (built, d) = build_doc(doc(json!({
        "/accounts": {"get": {"operationId": "list", "responses": {
            "200": {"description": "ok"},
            "401": {"description": "no", "content": {"application/json": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}}
        }}},
        "/other": {"get": {"operationId": "other", "responses": {
            "200": {"description": "ok"},
            "401": {"$ref": "#/paths/~1accounts/get/responses/401"}
        }}}
    })));
    assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
    let ty = |op: usize| {
        built.operations[op]
            .responses
            .iter()
            .find(|r| r.status == StatusMatch::Code(401))
            .map(|r| r.decode.clone())
    };
    assert!(matches!(ty(1), Some(Decode::Json(Ty::Named(_)))));
    assert_eq!(ty(0), ty(1), "the shared response's schema is one type");
}

#[test]
fn a_response_reference_to_a_schema_is_read_as_a_json_body() {
    let (built, d) = build_doc(json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/components/schemas/Pet"}}}}},
        "components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}
    }));
    let wrong = d.iter().find(|d| d.code == Code::RefWrongKind).unwrap();
    assert!(!wrong.is_fatal());
    assert!(matches!(
        built.operations[0].responses[0].decode,
        Decode::Json(Ty::Named(_))
    ));
}

#[test]
fn a_reference_to_nothing_is_a_repaired_error() {
    let (built, d) = build_doc(doc(
        json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/nowhere"}}}}}),
    ));
    let unresolved = d
        .iter()
        .find(|d| d.code == Code::UnresolvedRef)
        .expect("reported");
    assert!(unresolved.is_error() && !unresolved.is_fatal(), "{d:?}");
    assert!(matches!(
        built.operations[0].responses[0].decode,
        Decode::Json(Ty::Json)
    ));
}

#[test]
fn path_item_references_are_followed() {
    let (built, d) = build_doc(json!({
        "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"$ref": "#/x-shared/item"}},
        "x-shared": {"item": {"get": {"operationId": "shared", "responses": {"200": {"description": "ok"}}}}}
    }));
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(built.operations[0].template.text, "/a");
    assert_eq!(built.operations[0].pointer, "#/x-shared/item/get");
}

/// An optional object parameter whose type has `Default` (made by `new`, its only
/// required member taking one value) can carry the paging numbers (issue #24, B4).
#[test]
fn paging_accepts_an_optional_object_whose_default_is_made_by_new() {
    let r = crate::test_support::resolve(
        json!({
            "Kind": {"type": "string", "enum": ["page"]},
            "Page": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"$ref": "#/components/schemas/Kind"},
                "offset": {"type": "integer"}, "limit": {"type": "integer"}}}
        }),
        json!({"/items": {"get": {
            "operationId": "list",
            "parameters": [{"name": "page", "in": "query", "style": "deepObject", "explode": true,
                            "schema": {"$ref": "#/components/schemas/Page"}}],
            "x-pagination": {"offset": "page.offset", "limit": "page.limit"},
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"type": "array", "items": {"type": "string"}}}}}}
        }}}),
    );
    let op = &r.operations.operations[0];
    assert!(
        op.pagination.is_some(),
        "{:?}",
        r.diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
    );
}

/// A chain of `$ref`s to a parameter, each hop a reference to the next.
fn chained_parameter(hops: usize) -> Value {
    let mut chain = serde_json::Map::new();
    for i in 0..hops {
        chain.insert(
            format!("p{i}"),
            json!({"$ref": format!("#/x-chain/p{}", i + 1)}),
        );
    }
    chain.insert(
        format!("p{hops}"),
        json!({"name": "q", "in": "query", "schema": {"type": "string"}}),
    );
    let mut d = doc(json!({"/a": {"get": {
        "operationId": "a",
        "parameters": [{"$ref": "#/x-chain/p0"}],
        "responses": {"200": {"description": "ok"}}
    }}}));
    d["x-chain"] = Value::Object(chain);
    d
}

/// A long chain of references is followed as far as `ref-depth` (256 unless
/// raised), and one past it is called too deep, not a loop (issue #24, B6).
#[test]
fn a_long_chain_of_references_is_not_a_loop() {
    let (built, d) = build_doc(chained_parameter(100));
    assert!(
        d.is_empty(),
        "{:?}",
        d.iter().map(ToString::to_string).collect::<Vec<_>>()
    );
    assert_eq!(built.operations[0].params.len(), 1);
    let limit = crate::limits::Limits::current().ref_depth;
    let (_, d) = build_doc(chained_parameter(limit + 1));
    let codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    assert!(
        codes.contains(&"limit") && !codes.contains(&"ref-loop"),
        "{codes:?}"
    );
    let limit_diag = d.iter().find(|d| d.code == Code::Limit).unwrap();
    assert!(limit_diag.to_string().contains("ref-depth"), "{limit_diag}");
}

/// The mock's method names are claimed beside the runtime's: a parameter named
/// like a method of `When` gets `_param`, and one already named so is not
/// given the same method (issue #24, item 2).
#[test]
fn mock_method_names_never_collide() {
    let (built, _) = build_doc(doc(json!({"/a": {"get": {
        "operationId": "a",
        "parameters": [
            {"name": "matching", "in": "query", "schema": {"type": "string"}},
            {"name": "matching_param", "in": "query", "schema": {"type": "string"}},
            {"name": "other", "in": "query", "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok"}, "default": {"description": "other"}}
    }}})));
    let op = &built.operations[0];
    let names: Vec<&str> = op.params.iter().map(|p| p.mock_name.as_str()).collect();
    assert_eq!(names, ["matching_param", "matching_param_param", "other"]);
    let names: Vec<&str> = op.responses.iter().map(|c| c.mock_name.as_str()).collect();
    assert!(
        names.iter().all(|n| !reserved::MOCK_THEN.contains(n)),
        "{names:?}"
    );
}

/// References between entries of `components/parameters`: a chain longer than
/// the typed path follows is still followed (through the raw document), and a
/// loop is called one, in the words of every other reference failure.
#[test]
fn component_chains_are_followed_and_loops_reported() {
    let mut parameters = serde_json::Map::new();
    for i in 0..20 {
        parameters.insert(
            format!("p{i}"),
            json!({"$ref": format!("#/components/parameters/p{}", i + 1)}),
        );
    }
    parameters.insert(
        "p20".into(),
        json!({"name": "q", "in": "query", "schema": {"type": "string"}}),
    );
    parameters.insert("a".into(), json!({"$ref": "#/components/parameters/b"}));
    parameters.insert("b".into(), json!({"$ref": "#/components/parameters/a"}));
    let mut d = doc(json!({"/x": {"get": {
        "operationId": "x",
        "parameters": [
            {"$ref": "#/components/parameters/p0"},
            {"$ref": "#/components/parameters/a"}
        ],
        "responses": {"200": {"description": "ok"}}
    }}}));
    d["components"] = json!({"parameters": parameters});
    let (built, d) = build_doc(d);
    let names: Vec<&str> = built.operations[0]
        .params
        .iter()
        .map(|p| p.wire.as_str())
        .collect();
    assert_eq!(names, ["q"]);
    let loops: Vec<String> = d
        .iter()
        .filter(|d| d.code == Code::RefLoop)
        .map(ToString::to_string)
        .collect();
    assert_eq!(loops.len(), 1, "{loops:?}");
    assert!(
        loops[0].contains("`$ref: #/components/parameters/a` is part of a loop of references that never reaches a parameter"),
        "{loops:?}"
    );
    assert!(d.iter().all(|d| d.code == Code::RefLoop), "{d:?}");
}

#[test]
fn accept_names_the_media_types_the_document_reads_successes_in() {
    let body = |media: &str| json!({"description": "ok", "content": {media: {"schema": {"type": "object"}}}});
    let (built, _) = build_doc(doc(json!({
        "/scim": {"get": {"operationId": "scim", "responses": {
            "200": body("application/scim+json"),
            "201": body("application/json"),
            "202": body("Application/SCIM+json"),
            "404": body("application/problem+json")}}},
        "/plain": {"get": {"operationId": "plain", "responses": {"200": body("application/json")}}},
        "/bad": {"get": {"operationId": "bad", "responses": {"200": body("application/x\r\nX-Evil: 1+json")}}},
        "/text": {"get": {"operationId": "text", "responses": {"200": {"description": "ok",
            "content": {"text/plain": {"schema": {"type": "string"}}}}}}}
    })));
    let accept = |id: &str| {
        let op = built.operations.iter().find(|o| o.id == id).unwrap();
        (op.accept_json(), op.accept())
    };
    // Successes only, each once (media types compare without case), in order.
    assert_eq!(
        accept("scim"),
        (true, "application/scim+json, application/json".to_string())
    );
    assert_eq!(accept("plain"), (true, "application/json".to_string()));
    // A media type that cannot be a header value is never sent.
    assert_eq!(accept("bad"), (true, "application/json".to_string()));
    assert!(!accept("text").0);
}

#[test]
fn plain_json_is_preferred_to_its_variants_whatever_their_order() {
    let (built, _) = build_doc(doc(
        json!({"/a": {"get": {"operationId": "a", "responses": {
        "200": {"description": "ok", "content": {
            "application/json+sarif": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}
        }}}}}}),
    ));
    let op = &built.operations[0];
    assert!(matches!(op.responses[0].decode, Decode::Json(Ty::Named(_))));
    assert_eq!(op.accept(), "application/json");
}
