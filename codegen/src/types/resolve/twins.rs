//! Nullable twins: a component schema that repeats another one only to allow
//! `null` (GitHub's `nullable-simple-user` beside `simple-user`, a dozen such
//! pairs) becomes an alias of that one rather than a second full type. Whether a
//! value may be `null` is read at each use site (a member referring to the twin
//! is `Option<…>` all the same), so the two types would hold the same values;
//! made twice, every consumer compiles both, and one Cargo feature that reaches
//! both pays for each.
//!
//! Only pairs that differ in `nullable` are merged: two schemas alike but for
//! their text stay two types, as the document names two things.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Members that change nothing a value of the type can hold: text, and
/// `nullable`, which every use site reads for itself.
const TEXT: [&str; 5] = ["nullable", "title", "description", "example", "examples"];

/// A component schema object and its key.
type Named<'s> = (&'s String, &'s Map<String, Value>);

/// How deep the bucketing hash looks; equality is checked in full afterwards.
const HASH_DEPTH: usize = 8;

/// For each component schema (by key) that is the nullable twin of another one
/// not nullable, the key of that one. Among several candidates, the longest key
/// the twin's key contains wins (`simple-user` in `nullable-simple-user`), else
/// the first in the document.
pub(super) fn nullable_twins(schemas: &Map<String, Value>) -> Vec<(String, String)> {
    let objects = || {
        schemas
            .iter()
            .filter_map(|(k, v)| Some((k, v.as_object()?)))
            .filter(|(_, o)| !o.contains_key("$ref"))
    };
    let nullable = |o: &Map<String, Value>| o.get("nullable") == Some(&Value::Bool(true));
    if !objects().any(|(_, o)| nullable(o)) {
        return Vec::new();
    }
    let mut plain: HashMap<u64, Vec<Named<'_>>> = HashMap::new();
    for (key, o) in objects().filter(|&(_, o)| !nullable(o)) {
        plain.entry(shape_hash(o)).or_default().push((key, o));
    }
    let mut twins = Vec::new();
    for (key, o) in objects().filter(|&(_, o)| nullable(o)) {
        let Some(bucket) = plain.get(&shape_hash(o)) else {
            continue;
        };
        let alike: Vec<&String> = bucket
            .iter()
            .filter(|(_, other)| same_shape(o, other))
            .map(|(k, _)| *k)
            .collect();
        let named = alike
            .iter()
            .filter(|k| key.contains(k.as_str()))
            .max_by_key(|k| k.len());
        if let Some(of) = named.or(alike.first()) {
            twins.push((key.clone(), (*of).clone()));
        }
    }
    twins
}

/// Whether two schema objects are equal once their text and `nullable` are set aside.
fn same_shape(a: &Map<String, Value>, b: &Map<String, Value>) -> bool {
    let kept = |m: &Map<String, Value>| m.keys().filter(|k| !TEXT.contains(&k.as_str())).count();
    kept(a) == kept(b)
        && a.iter()
            .filter(|(k, _)| !TEXT.contains(&k.as_str()))
            .all(|(k, v)| b.get(k) == Some(v))
}

/// A hash of a schema object without its text and `nullable`, equal for equal
/// objects whatever the order of their members.
fn shape_hash(o: &Map<String, Value>) -> u64 {
    o.iter()
        .filter(|(k, _)| !TEXT.contains(&k.as_str()))
        .fold(0u64, |sum, (k, v)| sum.wrapping_add(member_hash(k, v, 0)))
}

fn member_hash(key: &str, v: &Value, depth: usize) -> u64 {
    let mut h = DefaultHasher::new();
    key.hash(&mut h);
    value_hash(v, depth).hash(&mut h);
    h.finish()
}

fn value_hash(v: &Value, depth: usize) -> u64 {
    let mut h = DefaultHasher::new();
    if depth > HASH_DEPTH {
        return 0;
    }
    match v {
        Value::Null => 0u8.hash(&mut h),
        Value::Bool(b) => (1u8, b).hash(&mut h),
        Value::Number(n) => {
            (2u8, n.as_u64(), n.as_i64(), n.as_f64().map(f64::to_bits)).hash(&mut h)
        }
        Value::String(s) => (3u8, s).hash(&mut h),
        Value::Array(items) => {
            4u8.hash(&mut h);
            for item in items {
                value_hash(item, depth + 1).hash(&mut h);
            }
        }
        Value::Object(o) => {
            let sum = o.iter().fold(0u64, |sum, (k, v)| {
                sum.wrapping_add(member_hash(k, v, depth + 1))
            });
            (5u8, o.len(), sum).hash(&mut h);
        }
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn twins(schemas: Value) -> Vec<(String, String)> {
        nullable_twins(schemas.as_object().unwrap())
    }

    #[test]
    fn a_nullable_copy_is_the_twin_of_the_plain_schema_whatever_its_text() {
        let user = json!({"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}, "login": {"type": "string"}}});
        let mut copy = user.clone();
        let o = copy.as_object_mut().unwrap();
        o.insert("nullable".into(), json!(true));
        o.insert("title".into(), json!("Simple User"));
        o.insert("description".into(), json!("A user, or nothing."));
        // Members in another order: the same object.
        let reordered: Map<String, Value> = o.clone().into_iter().rev().collect();
        assert_eq!(
            twins(json!({"user": user, "nullable-user": copy, "other": reordered})),
            [
                ("nullable-user".to_string(), "user".to_string()),
                ("other".to_string(), "user".to_string())
            ]
        );
    }

    #[test]
    fn schemas_that_differ_in_more_than_text_are_no_twins() {
        let twins = twins(json!({
            "a": {"type": "object", "properties": {"id": {"type": "integer"}}},
            "nullable-a": {"type": "object", "nullable": true, "properties": {"id": {"type": "string"}}},
            "b": {"type": "string", "description": "one"},
            "c": {"type": "string", "description": "two"},
            "d": {"type": "string", "nullable": true, "format": "date"},
            "e": {"$ref": "#/components/schemas/b", "nullable": true}
        }));
        assert!(twins.is_empty(), "{twins:?}");
    }

    /// The twin is an alias of the type it repeats, a member referring to it is
    /// an `Option` of it, and a tag reaching only the twin compiles that type.
    #[test]
    fn the_resolver_makes_the_twin_an_alias_and_its_uses_optional() {
        use crate::types::{FieldShape, Ty, TypeKind};
        let user = json!({"type": "object", "required": ["id"], "properties": {
            "id": {"type": "integer"},
            "address": {"type": "object", "properties": {"city": {"type": "string"}}}}});
        let mut nullable = user.clone();
        nullable["nullable"] = json!(true);
        nullable["description"] = json!("A user, or `null`.");
        let r = crate::test_support::resolve(
            json!({
                "simple-user": user,
                "nullable-simple-user": nullable,
                "issue": {"type": "object", "required": ["assignee"], "properties": {
                    "assignee": {"$ref": "#/components/schemas/nullable-simple-user"}}}
            }),
            json!({"/i": {"get": {"operationId": "get_issue", "tags": ["issues"], "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/issue"}}}}}}}}),
        );
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let twin = r.def("NullableSimpleUser");
        let TypeKind::Alias(Ty::Named(of)) = &twin.kind else {
            panic!("{:?}", twin.kind)
        };
        assert_eq!(r.space.name(*of), "SimpleUser");
        assert_eq!(twin.doc.description.as_deref(), Some("A user, or `null`."));
        assert!(twin.doc.notes.iter().any(|n| n.contains("`SimpleUser`")));
        // One struct for the nested object, not one per twin.
        assert!(
            !r.names()
                .iter()
                .any(|n| n.starts_with("NullableSimpleUserAddress"))
        );
        let TypeKind::Struct(issue) = &r.def("Issue").kind else {
            panic!()
        };
        assert_eq!(issue.fields[0].shape(), FieldShape::Nullable);
        let features = crate::features::Features::of(&r.space, &r.operations);
        assert_eq!(
            features.of_type[of.0],
            [0],
            "the tag reaches the type itself"
        );
    }

    #[test]
    fn the_twin_takes_the_schema_its_name_contains() {
        let s = json!({"type": "object", "properties": {"x": {"type": "integer"}}});
        let mut n = s.clone();
        n["nullable"] = json!(true);
        assert_eq!(
            twins(json!({"first": s, "point": s, "nullable-point": n})),
            [("nullable-point".to_string(), "point".to_string())]
        );
    }
}
