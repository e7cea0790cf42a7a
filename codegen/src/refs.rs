//! One layer for reaching into the document by `$ref`.
//!
//! A reference is a URI fragment (`#/components/schemas/A%20B`): [`local_pointer`]
//! turns it into the JSON pointer it names, percent-escapes decoded. [`Refs::follow`]
//! walks a chain of references through the raw document to the first value that
//! is not one, bounded by `ref-depth` ([`crate::limits::Limits`], raised with
//! `CODEGEN_LIMITS`), and tells a loop from a chain that is merely long. Each way a
//! reference can fail has one wording ([`RefError::diagnostic`]), whichever pass
//! follows it: parameters, bodies, responses and path items (`operations`), the
//! objects `inline` copies in, the examples `validate` checks, and the parts whose
//! nullability the type resolver asks about.
//!
//! The other way into a schema is down: [`schema_children`] (and its `_mut`
//! form) is the one list of keywords that hold sub-schemas, which every walk
//! over raw schemas uses (`normalize`, `repair`, `validate`).

use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, pointer_push};
use crate::limits::Limits;
use openapiv3::Schema;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// A local reference (`#/…`) as a JSON pointer with its percent-escapes decoded, or
/// `None` for a reference outside the document.
pub fn local_pointer(reference: &str) -> Option<String> {
    reference
        .starts_with('#')
        .then(|| crate::diagnostics::percent_decode(reference))
}

/// Where a chain of references ends: the value, and its pointer (`#/…`).
#[derive(Debug, Clone)]
pub struct Target<'v> {
    pub value: &'v Value,
    pub pointer: String,
}

/// Why a `$ref` reaches nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// A reference of the chain (`reference`) is not local to the document.
    Outside { reference: String },
    /// The document has nothing where a reference of the chain (`reference`) points.
    Nowhere { reference: String },
    /// The chain comes back to a reference it has already followed.
    Loop,
    /// The chain is longer than `ref-depth` references.
    TooDeep { limit: usize },
}

/// The references of one document, each followed once: every pass that reaches
/// into the document by `$ref` asks this (the type resolver, operations, the
/// examples `validate` checks, `inline`), under the one limit `ref-depth`.
/// Where a reference leads is kept by its text, and a schema read from a
/// location other than a component by its pointer, so that a reference used
/// a thousand times is walked and deserialised once.
pub struct Refs<'v> {
    root: &'v Value,
    limit: usize,
    targets: RefCell<HashMap<String, Result<Target<'v>, RefError>>>,
    /// Where the chain from each `$ref` location ends, and how many references
    /// lie on the way: a chain is walked once, however many of its references
    /// are followed (20,000 references in one chain are 20,000 steps, not
    /// 20,000 × `ref-depth`).
    ends: RefCell<HashMap<String, (End<'v>, usize)>>,
    schemas: RefCell<HashMap<String, Result<Rc<Schema>, String>>>,
}

/// How a chain of references ends, whatever reference it is entered by.
#[derive(Debug, Clone)]
enum End<'v> {
    Found(Target<'v>),
    Outside(String),
    Nowhere(String),
    /// It comes back to a location of its own.
    Loop,
}

impl<'v> Refs<'v> {
    /// The references of `root`, followed at most `ref-depth` deep
    /// ([`Limits::current`]).
    pub fn new(root: &'v Value) -> Self {
        Self::with_limit(root, Limits::current().ref_depth)
    }

    pub fn with_limit(root: &'v Value, limit: usize) -> Self {
        Refs {
            root,
            limit,
            targets: RefCell::default(),
            ends: RefCell::default(),
            schemas: RefCell::default(),
        }
    }

    /// The document.
    pub fn root(&self) -> &'v Value {
        self.root
    }

    /// `ref-depth`: how many references a chain may have, and how deep the type
    /// resolver may nest schemas reached through references.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Follows `reference`, and every `$ref` it leads to, to a value that is not
    /// a reference; at most `ref-depth` references (the plain walk, `follow`,
    /// kept beside the tests as the reference answer).
    pub fn follow(&self, reference: &str) -> Result<Target<'v>, RefError> {
        if let Some(known) = self.targets.borrow().get(reference) {
            return known.clone();
        }
        let found = self.walk(reference);
        self.targets
            .borrow_mut()
            .insert(reference.to_string(), found.clone());
        found
    }

    /// The plain walk's answer, from the ends of chains already walked where the
    /// walk meets one. A chain is walked to its end even past the limit, so that
    /// its end is known to every reference on it; only a chain already known to
    /// loop is cut at the limit (where it comes back depends on how it was entered).
    fn walk(&self, reference: &str) -> Result<Target<'v>, RefError> {
        let mut order: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut current = reference.to_string();
        let mut looping = false;
        let (end, at) = loop {
            let at = order.len();
            if looping && at > self.limit {
                break (End::Loop, at);
            }
            let Some(pointer) = local_pointer(&current) else {
                break (End::Outside(current), at);
            };
            let known = self.ends.borrow().get(&pointer).cloned();
            match known {
                Some((End::Loop, _)) => looping = true,
                Some((end, hops)) => break (end, at + hops),
                None => {}
            }
            if seen.contains(&pointer) {
                break (End::Loop, at);
            }
            let Some(value) = self.root.pointer(pointer.trim_start_matches('#')) else {
                break (End::Nowhere(current), at);
            };
            match value.get("$ref").and_then(Value::as_str) {
                Some(next) => {
                    seen.insert(pointer.clone());
                    order.push(pointer);
                    current = next.to_string();
                }
                None => break (End::Found(Target { value, pointer }), at),
            }
        };
        let mut ends = self.ends.borrow_mut();
        for (i, pointer) in order.into_iter().enumerate() {
            ends.insert(pointer, (end.clone(), at - i));
        }
        self.judge(end, at)
    }

    /// What the plain walk answers for a chain that ends (`end`) after `at` references:
    /// past the limit, every end is "too deep", as the plain walk stops there first.
    fn judge(&self, end: End<'v>, at: usize) -> Result<Target<'v>, RefError> {
        let limit = self.limit;
        let too_deep = Err(RefError::TooDeep { limit });
        match end {
            End::Found(target) if at < limit => Ok(target),
            End::Nowhere(reference) if at < limit => Err(RefError::Nowhere { reference }),
            // The plain walk tells these before it counts the references.
            End::Outside(reference) if at <= limit => Err(RefError::Outside { reference }),
            End::Loop if at <= limit => Err(RefError::Loop),
            _ => too_deep,
        }
    }

    /// The schema where a chain of references ends, read once per location;
    /// the reader's error when the value there is no schema.
    pub fn schema(&self, target: &Target<'v>) -> Result<Rc<Schema>, String> {
        if let Some(known) = self.schemas.borrow().get(&target.pointer) {
            return known.clone();
        }
        let read = openapiv3::ReferenceOr::<Schema>::deserialize(target.value)
            .map_err(|e| e.to_string())
            .and_then(|s| match s {
                openapiv3::ReferenceOr::Item(s) => Ok(Rc::new(s)),
                // `follow` ends at a value without `$ref`.
                openapiv3::ReferenceOr::Reference { reference } => {
                    Err(format!("it is a reference (`{reference}`)"))
                }
            });
        self.schemas
            .borrow_mut()
            .insert(target.pointer.clone(), read.clone());
        read
    }
}

/// Follows `reference`, and every `$ref` it leads to, through `root` to a value
/// that is not a reference. At most `limit` references are followed (`ref-depth`).
/// The definition [`Refs::follow`] is held to by the tests.
#[cfg(test)]
pub fn follow<'v>(root: &'v Value, reference: &str, limit: usize) -> Result<Target<'v>, RefError> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut current = reference.to_string();
    loop {
        let Some(pointer) = local_pointer(&current) else {
            return Err(RefError::Outside { reference: current });
        };
        if seen.contains(&pointer) {
            return Err(RefError::Loop);
        }
        if seen.len() >= limit {
            return Err(RefError::TooDeep { limit });
        }
        let Some(value) = root.pointer(pointer.trim_start_matches('#')) else {
            return Err(RefError::Nowhere { reference: current });
        };
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) => {
                seen.insert(pointer);
                current = next.to_string();
            }
            None => return Ok(Target { value, pointer }),
        }
    }
}

impl RefError {
    /// The error for `$ref: reference`, written at `at` (the object holding the
    /// `$ref`), which should reach a `noun` (`schema`, `parameter`, …), with what
    /// is done instead (`repair`). A chain too long is refused, like every
    /// limit, so it carries no repair.
    pub fn diagnostic(&self, reference: &str, at: &str, noun: &str, repair: &str) -> Diagnostic {
        let at = pointer_push(at, "$ref");
        match self {
            RefError::Outside { reference } => Diagnostic::error(
                at,
                format!("`$ref: {reference}` points outside this document"),
            )
            .with_code(Code::ExternalRef)
            .with_help(
                "bundle the document first (e.g. `redocly bundle`) so every reference is local",
            )
            .with_repair(repair),
            RefError::Nowhere { reference } => Diagnostic::error(
                at,
                format!(
                    "`$ref: {reference}` points nowhere: the document has nothing at that location"
                ),
            )
            .with_code(Code::UnresolvedRef)
            .with_help(format!(
                "check the spelling of the reference, or add the {noun} it names"
            ))
            .with_repair(repair),
            RefError::Loop => Diagnostic::error(
                at,
                format!(
                    "`$ref: {reference}` is part of a loop of references that never reaches a {noun}"
                ),
            )
            .with_code(Code::RefLoop)
            .with_help(format!("make one of the references point at an actual {noun}"))
            .with_repair(repair),
            RefError::TooDeep { limit } => Diagnostic::error(
                at,
                format!(
                    "`$ref: {reference}` starts a chain of more than {limit} references \
                     (each a `$ref` to the next)"
                ),
            )
            .with_code(Code::Limit)
            .with_help(Limits::how_to_raise("ref-depth", *limit)),
        }
    }
}

/// How a keyword holds sub-schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
    /// The value is a schema (`items`).
    One,
    /// An array of schemas (`allOf`).
    List,
    /// An object of schemas by name (`properties`).
    Map,
}

/// Every keyword whose value holds sub-schemas, in the order walks visit them.
/// JSON Schema's and 3.1's spellings are included: `normalize` lowers them, and
/// a `$ref` may point into them.
const SCHEMA_KEYS: &[(&str, Holds)] = &[
    ("properties", Holds::Map),
    ("items", Holds::One),
    ("additionalProperties", Holds::One),
    ("not", Holds::One),
    ("allOf", Holds::List),
    ("oneOf", Holds::List),
    ("anyOf", Holds::List),
    ("prefixItems", Holds::List),
    ("patternProperties", Holds::Map),
    ("$defs", Holds::Map),
    ("definitions", Holds::Map),
];

/// A sub-schema: the keyword holding it, its name or index where the keyword
/// holds several (`None` for `items`, `additionalProperties`, `not`), and the value
/// (any JSON: a walk decides what it does with a boolean or a stray string).
#[derive(Debug)]
pub struct Child<'v> {
    pub key: &'static str,
    pub member: Option<String>,
    pub value: &'v Value,
}

impl Child<'_> {
    /// The child's pointer, below its schema's.
    pub fn pointer(&self, parent: &str) -> String {
        let at = pointer_push(parent, self.key);
        match &self.member {
            Some(m) => pointer_push(&at, m),
            None => at,
        }
    }
}

/// The sub-schemas of a schema object, keyword by keyword in [`SCHEMA_KEYS`] order.
pub fn schema_children(obj: &Map<String, Value>) -> impl Iterator<Item = Child<'_>> {
    SCHEMA_KEYS.iter().flat_map(move |&(key, holds)| {
        let value = obj.get(key);
        let one = (holds == Holds::One)
            .then_some(value)
            .flatten()
            .map(|value| Child {
                key,
                member: None,
                value,
            });
        let list = value
            .filter(|_| holds == Holds::List)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, value)| Child {
                key,
                member: Some(i.to_string()),
                value,
            });
        let map = value
            .filter(|_| holds == Holds::Map)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(name, value)| Child {
                key,
                member: Some(name.clone()),
                value,
            });
        one.into_iter().chain(list).chain(map)
    })
}

/// [`schema_children`] for a walk that changes them: `visit(key, member, value)`
/// for each, in the same order.
pub fn schema_children_mut(
    obj: &mut Map<String, Value>,
    mut visit: impl FnMut(&'static str, Option<&str>, &mut Value),
) {
    for &(key, holds) in SCHEMA_KEYS {
        match (holds, obj.get_mut(key)) {
            (Holds::One, Some(value)) => visit(key, None, value),
            (Holds::List, Some(Value::Array(items))) => {
                for (i, item) in items.iter_mut().enumerate() {
                    visit(key, Some(&i.to_string()), item);
                }
            }
            (Holds::Map, Some(Value::Object(members))) => {
                for (name, value) in members.iter_mut() {
                    visit(key, Some(name), value);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(hops: usize) -> Value {
        let mut map = serde_json::Map::new();
        for i in 0..hops {
            map.insert(format!("r{i}"), json!({"$ref": format!("#/r{}", i + 1)}));
        }
        map.insert(format!("r{hops}"), json!({"type": "string"}));
        Value::Object(map)
    }

    #[test]
    fn chains_are_followed_up_to_the_limit_and_loops_told_apart() {
        let root = chain(9);
        let t = follow(&root, "#/r0", 10).unwrap();
        assert_eq!(
            (t.pointer.as_str(), t.value),
            ("#/r9", &json!({"type": "string"}))
        );
        assert_eq!(
            follow(&root, "#/r0", 9).unwrap_err(),
            RefError::TooDeep { limit: 9 }
        );
        let looped = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        assert_eq!(follow(&looped, "#/a", 100).unwrap_err(), RefError::Loop);
        assert_eq!(
            follow(&looped, "other.yaml#/a", 100).unwrap_err(),
            RefError::Outside {
                reference: "other.yaml#/a".into()
            }
        );
        assert_eq!(
            follow(&looped, "#/c", 100).unwrap_err(),
            RefError::Nowhere {
                reference: "#/c".into()
            }
        );
    }

    #[test]
    fn each_reference_is_followed_and_read_once() {
        let root = json!({"a": {"$ref": "#/b"}, "b": {"type": "string"}, "c": {"$ref": "#/c"}});
        let refs = Refs::with_limit(&root, 4);
        let first = refs.follow("#/a").unwrap();
        assert_eq!(first.pointer, "#/b");
        assert_eq!(refs.targets.borrow().len(), 1);
        assert!(std::ptr::eq(refs.follow("#/a").unwrap().value, first.value));
        assert_eq!(refs.targets.borrow().len(), 1);
        let schema = refs.schema(&first).unwrap();
        assert!(Rc::ptr_eq(&schema, &refs.schema(&first).unwrap()));
        assert_eq!(refs.follow("#/c").unwrap_err(), RefError::Loop);
        assert_eq!(refs.follow("#/c").unwrap_err(), RefError::Loop);
        let not_schema = json!({"s": {"type": 7}});
        let refs = Refs::with_limit(&not_schema, 4);
        let target = refs.follow("#/s").unwrap();
        assert!(refs.schema(&target).is_err());
    }

    /// Small documents of every kind of chain (on, into and out of loops, to
    /// nothing, outside, plain values), followed in a scrambled order through one
    /// `Refs` at every limit from 0: the remembered ends give `follow`'s answers.
    #[test]
    fn remembered_ends_answer_as_follow_does() {
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n
        };
        for _ in 0..400 {
            let mut map = serde_json::Map::new();
            for i in 0..8 {
                let node = match next(10) {
                    0 => continue,
                    1 => json!({"$ref": "other.yaml#/x"}),
                    2 => json!({"type": "string"}),
                    _ => json!({"$ref": format!("#/n{}", next(9))}),
                };
                map.insert(format!("n{i}"), node);
            }
            let root = Value::Object(map);
            for limit in 0..10 {
                let refs = Refs::with_limit(&root, limit);
                for _ in 0..12 {
                    let reference = format!("#/n{}", next(9));
                    let ours = refs.follow(&reference).map(|t| t.pointer);
                    let theirs = follow(&root, &reference, limit).map(|t| t.pointer);
                    assert_eq!(ours, theirs, "{reference} at limit {limit} in {root}");
                }
            }
        }
    }

    #[test]
    fn a_long_chain_is_walked_once() {
        let root = chain(2_000);
        let refs = Refs::with_limit(&root, 16);
        for i in 0..2_000 {
            let expected = if 2_000 - i < 16 {
                Ok("#/r2000".to_string())
            } else {
                Err(RefError::TooDeep { limit: 16 })
            };
            assert_eq!(refs.follow(&format!("#/r{i}")).map(|t| t.pointer), expected);
        }
        assert_eq!(refs.ends.borrow().len(), 2_000);
    }

    #[test]
    fn references_are_percent_decoded() {
        let root = json!({"components": {"schemas": {"A B": {"type": "integer"}, "a/b": {}}}});
        let t = follow(&root, "#/components/schemas/A%20B", 4).unwrap();
        assert_eq!(t.value, &json!({"type": "integer"}));
        assert!(follow(&root, "#/components/schemas/a~1b", 4).is_ok());
    }

    #[test]
    fn a_chain_too_long_says_how_to_raise_the_limit() {
        let d = RefError::TooDeep { limit: 3 }.diagnostic("#/r0", "#/x", "schema", "unused");
        assert_eq!(d.code, Code::Limit);
        assert!(d.is_fatal(), "{d}");
        assert!(d.to_string().contains("ref-depth=12"), "{d}");
    }

    #[test]
    fn both_walks_list_the_same_children_in_the_same_order() {
        let mut schema = json!({
            "not": {}, "allOf": [{"a": 1}, {"b": 2}], "items": true,
            "properties": {"x": {}, "y": {"type": "string"}},
            "$defs": {"d": {}}, "description": "not a schema", "example": {"items": {}}
        });
        let Value::Object(obj) = &schema else {
            unreachable!()
        };
        let read: Vec<String> = schema_children(obj).map(|c| c.pointer("#")).collect();
        assert_eq!(
            read,
            [
                "#/properties/x",
                "#/properties/y",
                "#/items",
                "#/not",
                "#/allOf/0",
                "#/allOf/1",
                "#/$defs/d"
            ]
        );
        let mut written = Vec::new();
        let Value::Object(obj) = &mut schema else {
            unreachable!()
        };
        schema_children_mut(obj, |key, member, _| {
            written.push(
                Child {
                    key,
                    member: member.map(str::to_string),
                    value: &Value::Null,
                }
                .pointer("#"),
            );
        });
        assert_eq!(written, read);
    }
}
