//! Tests of the lowering to the 3.0 shape: each rewrite, and that it keeps the meaning.

use super::*;

fn norm(v: Value) -> Value {
    let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "components": {"schemas": {"S": v}}});
    normalize(&mut doc, &mut Diagnostics::default());
    doc["components"]["schemas"]["S"].clone()
}

#[test]
fn type_arrays_with_null_become_nullable() {
    assert_eq!(
        norm(json!({"type": ["string", "null"]})),
        json!({"type": "string", "nullable": true})
    );
}

#[test]
fn const_and_examples_are_lowered() {
    assert_eq!(
        norm(json!({"const": "a", "examples": ["a"]})),
        json!({"enum": ["a"], "example": "a"})
    );
}

#[test]
fn numeric_exclusive_bounds_are_lowered() {
    assert_eq!(
        norm(json!({"type": "number", "exclusiveMinimum": 0})),
        json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
    );
}

#[test]
fn any_of_null_becomes_nullable_all_of() {
    assert_eq!(
        norm(json!({"anyOf": [{"$ref": "#/components/schemas/X"}, {"type": "null"}]})),
        json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
    );
}

#[test]
fn nullable_all_of_parts_fold_into_the_schema() {
    let mut doc = json!({"openapi": "3.0.0", "paths": {}, "components": {"schemas": {"S": {"allOf": [{"$ref": "#/components/schemas/X"}, {"nullable": true}]}}}});
    normalize(&mut doc, &mut Diagnostics::default());
    assert_eq!(
        doc["components"]["schemas"]["S"],
        json!({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": true})
    );
}

#[test]
fn integer_bounds_beyond_i64_are_clamped() {
    let mut doc = json!({"openapi": "3.0.0", "paths": {}, "components": {"schemas": {"S": {"type": "integer", "minimum": -9223372036854776000.0_f64}}}});
    normalize(&mut doc, &mut Diagnostics::default());
    assert_eq!(
        doc["components"]["schemas"]["S"]["minimum"],
        json!(i64::MIN)
    );
}
