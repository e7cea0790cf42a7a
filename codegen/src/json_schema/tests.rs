//! Tests of the conversion, most of them by validating values against its output.

use super::*;

fn validator(document: &Value, schema: &Value) -> jsonschema::Validator {
    let converted = standalone_schema(document, schema).expect("converts");
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&converted)
        .expect("builds")
}

#[test]
fn nullable_type_accepts_null() {
    let converted = convert_schema(&json!({"type": "string", "nullable": true})).unwrap();
    assert_eq!(converted, json!({"type": ["string", "null"]}));
}

#[test]
fn nullable_enum_gains_null() {
    let converted =
        convert_schema(&json!({"type": "string", "enum": ["a", "b"], "nullable": true})).unwrap();
    assert_eq!(
        converted,
        json!({"type": ["string", "null"], "enum": ["a", "b", null]})
    );
}

#[test]
fn not_nullable_rejects_null() {
    let document = json!({});
    let v = validator(&document, &json!({"type": "integer"}));
    assert!(!v.is_valid(&Value::Null));
    let v = validator(&document, &json!({"type": "integer", "nullable": false}));
    assert!(!v.is_valid(&Value::Null));
}

#[test]
fn nullable_ref_wrapper_becomes_any_of_null() {
    let wrapper = json!({
        "type": "object",
        "nullable": true,
        "description": "kept",
        "allOf": [{"$ref": "#/components/schemas/Thing"}]
    });
    assert_eq!(
        convert_schema(&wrapper).unwrap(),
        json!({"anyOf": [
            {"type": "object", "description": "kept", "allOf": [{"$ref": "#/$defs/Thing"}]},
            {"type": "null"}
        ]})
    );

    let document = json!({"components": {"schemas": {
        "Thing": {"type": "object", "required": ["a"]}
    }}});
    let v = validator(&document, &wrapper);
    assert!(v.is_valid(&Value::Null));
    assert!(v.is_valid(&json!({"a": 1})));
    assert!(!v.is_valid(&json!({})));
}

#[test]
fn refs_point_into_defs_and_siblings_are_dropped() {
    let converted = convert_schema(&json!({
        "$ref": "#/components/schemas/Speed",
        "description": "ignored by OpenAPI 3.0"
    }))
    .unwrap();
    assert_eq!(converted, json!({"$ref": "#/$defs/Speed"}));
    assert!(convert_schema(&json!({"$ref": "#/components/parameters/X"})).is_err());
}

#[test]
fn openapi_only_keywords_are_dropped_everywhere() {
    let converted = convert_schema(&json!({
        "type": "object",
        "x-inferred": "why",
        "example": {"a": "b"},
        "discriminator": {"propertyName": "kind"},
        "externalDocs": {"url": "https://example.org"},
        "properties": {
            "a": {"type": "string", "readOnly": true, "xml": {"name": "a"}, "x-other": 1}
        },
        "items": {"example": 1}
    }))
    .unwrap();
    assert_eq!(
        converted,
        json!({"type": "object", "properties": {"a": {"type": "string"}}, "items": {}})
    );
}

#[test]
fn integer_formats_become_bounds() {
    let converted = convert_schema(&json!({"type": "integer", "format": "int32"})).unwrap();
    assert_eq!(
        converted,
        json!({"type": "integer", "minimum": i32::MIN, "maximum": i32::MAX})
    );
    let v = validator(
        &json!({}),
        &json!({"type": "integer", "format": "int32", "minimum": 100}),
    );
    assert!(v.is_valid(&json!(100)));
    assert!(!v.is_valid(&json!(99)));
    assert!(!v.is_valid(&json!(4_200_099_007_i64)));
    let v = validator(&json!({}), &json!({"type": "integer", "format": "int64"}));
    assert!(v.is_valid(&json!(4_200_099_007_i64)));
    let v = validator(&json!({}), &json!({"type": "integer", "format": "uint8"}));
    assert!(v.is_valid(&json!(255)));
    assert!(!v.is_valid(&json!(256)));
    assert!(!v.is_valid(&json!(-1)));
}

#[test]
fn a_31_document_is_read_as_the_generator_reads_it_too() {
    let doc = convert_document(&json!({
        "openapi": "3.1.0",
        "components": {"schemas": {
            "A": {"type": ["integer", "null"], "format": "uint16"},
            "B": {"properties": {"items": {"type": "string"}}},
        }},
    }));
    let a = &doc["components"]["schemas"]["A"];
    assert_eq!((&a["minimum"], &a["maximum"]), (&json!(0), &json!(65535)));
    assert_eq!(
        doc["components"]["schemas"]["B"],
        json!({"type": "object", "properties": {"items": {"type": "string"}}}),
        "a member named `items` implies nothing"
    );
}

#[test]
fn keywords_of_one_type_imply_it() {
    let v = validator(
        &json!({}),
        &json!({"properties": {"a": {"type": "string"}}}),
    );
    assert!(v.is_valid(&json!({"a": "x"})));
    assert!(!v.is_valid(&json!(1)));
    let v = validator(&json!({}), &json!({"items": {"type": "string"}}));
    assert!(!v.is_valid(&json!("x")));
    let v = validator(
        &json!({}),
        &json!({"properties": {}, "oneOf": [{"type": "string"}]}),
    );
    assert!(v.is_valid(&json!("x")), "a union says its own types");
}

#[test]
fn boolean_exclusive_bounds_become_numbers() {
    let converted =
        convert_schema(&json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})).unwrap();
    assert_eq!(converted, json!({"type": "number", "exclusiveMinimum": 0}));
}

#[test]
fn date_time_format_is_checked() {
    let v = validator(
        &json!({}),
        &json!({"type": "string", "format": "date-time"}),
    );
    assert!(v.is_valid(&json!("1970-01-01T00:00:00.000Z")));
    assert!(!v.is_valid(&json!("yesterday")));
}

#[test]
fn closed_objects_reject_undeclared_properties() {
    let document = json!({"components": {"schemas": {
        "Inner": {"type": "object", "properties": {"a": {"type": "integer"}}},
        "Free": {"type": "object"}
    }}});
    let schema = json!({
        "type": "object",
        "properties": {
            "inner": {"allOf": [{"$ref": "#/components/schemas/Inner"}]},
            "free": {"$ref": "#/components/schemas/Free"}
        }
    });
    let mut converted = standalone_schema(&document, &schema).unwrap();
    close_objects(&mut converted);
    let v = jsonschema::validator_for(&converted).unwrap();
    assert!(v.is_valid(&json!({"inner": {"a": 1}, "free": {"anything": true}})));
    assert!(!v.is_valid(&json!({"inner": {"a": 1, "b": 2}})));
    assert!(!v.is_valid(&json!({"other": 1})));
}

#[test]
fn a_document_converts_in_place_and_its_pointers_still_resolve() {
    let document = json!({"openapi": "3.0.3", "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {
        "schema": {"type": "object", "required": ["id", "secret"], "properties": {
            "id": {"type": "integer", "format": "int32", "nullable": true},
            "secret": {"type": "string", "writeOnly": true},
            "pet": {"$ref": "#/components/schemas/Pet"}
        }},
        "example": {"nullable": "stays"}
    }}}}}}},
    "components": {"schemas": {"Pet": {"type": "string", "nullable": true}}}});
    let converted = convert_document(&document);
    let schema =
        &converted["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"];
    assert_eq!(
        schema["example"],
        json!({"nullable": "stays"}),
        "examples are data"
    );
    assert_eq!(
        schema["schema"]["required"],
        json!(["id"]),
        "writeOnly is not required"
    );
    assert_eq!(
        schema["schema"]["properties"]["pet"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    let mut root = converted.clone();
    root["$ref"] = json!("#/paths/~1a/get/responses/200/content/application~1json/schema");
    let v = jsonschema::validator_for(&root).unwrap();
    assert!(v.is_valid(&json!({"id": null, "pet": null})));
    assert!(!v.is_valid(&json!({"id": 1.5})));
    assert!(!v.is_valid(&json!({"pet": 1})));
}

#[test]
fn standalone_schema_embeds_components() {
    let document = json!({"components": {"schemas": {
        "Speed": {
            "type": "object",
            "properties": {"value": {"type": "integer", "format": "int32"}},
            "x-inferred": "dropped"
        },
        "Order": {
            "type": "object",
            "properties": {"speed": {"allOf": [{"$ref": "#/components/schemas/Speed"}]}}
        }
    }}});
    let schema = json!({"$ref": "#/components/schemas/Order"});
    let converted = standalone_schema(&document, &schema).unwrap();
    assert_eq!(converted["$schema"], json!(DIALECT));
    assert_eq!(converted["$ref"], json!("#/$defs/Order"));
    assert!(converted["$defs"]["Speed"].get("x-inferred").is_none());

    let v = validator(&document, &schema);
    assert!(v.is_valid(&json!({"speed": {"value": 1000}})));
    assert!(!v.is_valid(&json!({"speed": {"value": "1000"}})));
}
