//! `$ref`s to parameters, bodies, responses and path items: to `components`, or to
//! any location of the document.

use super::*;
use openapiv3::Schema;

/// A path item, following a `$ref` to wherever in the document it points, and the
/// pointer of the object itself.
pub(super) fn path_item<'d>(
    refs: &crate::refs::Refs<'_>,
    item: &'d ReferenceOr<PathItem>,
    at: &str,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Option<(Cow<'d, PathItem>, String)> {
    match item {
        ReferenceOr::Item(i) => Some((Cow::Borrowed(i), at.to_string())),
        ReferenceOr::Reference { reference } => {
            let (value, target) = follow_raw(
                refs,
                reference,
                at,
                diags,
                "path item",
                "the path's operations are left out",
            )?;
            match serde_json::from_value::<PathItem>(value.clone()) {
                Ok(i) => Some((Cow::Owned(i), target)),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            at,
                            format!("`$ref: {reference}` does not point at a path item: {e}"),
                        )
                        .with_code(Code::RefWrongKind)
                        .with_help("point the reference at a Path Item Object")
                        .with_repair("the path's operations are left out"),
                    );
                    None
                }
            }
        }
    }
}

/// Follows a chain of `$ref`s through the raw document ([`crate::refs::Refs`])
/// to a value that is not a reference: the value and its pointer. Reports a
/// reference that points nowhere, outside the document, into a loop or down a
/// chain longer than `ref-depth` (in [`crate::refs`]' words), saying what is
/// done instead (`repair`): an error `validate` fails on, and `generate` goes past.
pub fn follow_raw<'v>(
    refs: &crate::refs::Refs<'v>,
    reference: &str,
    at: &str,
    diags: &mut crate::diagnostics::Diagnostics,
    noun: &str,
    repair: &str,
) -> Option<(&'v Value, String)> {
    match refs.follow(reference) {
        Ok(target) => Some((target.value, target.pointer)),
        Err(e) => {
            diags.push(e.diagnostic(reference, at, noun, repair));
            None
        }
    }
}

impl<'d> OperationResolver<'_, '_, 'd> {
    /// Follows `$ref`s, into `#/components/<kind>/…` or to any other location of
    /// the document, to the object. Its own pointer comes back with it, so that the
    /// inline schemas of an object shared by several operations resolve once.
    pub(super) fn deref<'x, T>(
        &mut self,
        r: &'x ReferenceOr<T>,
        kind: &'static str,
        map: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Option<Found<'x, T>>
    where
        'd: 'x,
        T: Clone + serde::de::DeserializeOwned + Repair,
    {
        let doc: &'x Document = self.doc;
        let reference = match r {
            ReferenceOr::Item(t) => {
                return Some(Found {
                    value: Cow::Borrowed(t),
                    pointer: at.to_string(),
                    component: None,
                });
            }
            ReferenceOr::Reference { reference } => reference,
        };
        // A chain that ends at an entry of `components/<kind>` borrows it as
        // typed; any other end is read from the raw document.
        let end = self
            .resolver
            .refs
            .follow(reference)
            .ok()
            .and_then(|target| {
                target
                    .pointer
                    .strip_prefix(&format!("#/components/{kind}/"))
                    .filter(|n| !n.contains('/'))
                    .map(crate::diagnostics::pointer_unescape)
            });
        let entry = end.and_then(|name| {
            match doc.api.components.as_ref().and_then(|c| map(c).get(&name)) {
                Some(ReferenceOr::Item(t)) => Some((name, t)),
                _ => None,
            }
        });
        match entry {
            Some((name, t)) => Some(Found {
                value: Cow::Borrowed(t),
                pointer: pointer_push(&format!("#/components/{kind}"), &name),
                component: Some(name),
            }),
            None => self.deref_raw(reference, kind, at),
        }
    }

    /// A reference to somewhere other than `components/<kind>`: read the object there.
    pub(super) fn deref_raw<'x, T>(
        &mut self,
        reference: &str,
        kind: &'static str,
        at: &str,
    ) -> Option<Found<'x, T>>
    where
        T: Clone + serde::de::DeserializeOwned + Repair,
    {
        let Some((value, target)) = follow_raw(
            &self.resolver.refs,
            reference,
            at,
            &mut self.resolver.diags,
            T::NOUN,
            T::UNRESOLVED,
        ) else {
            return T::unresolved().map(|t| Found {
                value: Cow::Owned(t),
                pointer: at.to_string(),
                component: None,
            });
        };
        match serde_json::from_value::<T>(value.clone()) {
            Ok(t) => Some(Found {
                value: Cow::Owned(t),
                pointer: target,
                component: None,
            }),
            Err(e) => {
                let schema = looks_like_schema(value);
                let repaired = schema.then(|| T::from_schema(&target)).flatten();
                let what = if schema { "a schema" } else { "something else" };
                let instead = match &repaired {
                    Some(_) => format!("it is read as a JSON {} with that schema", T::NOUN),
                    None => format!("the {} is left out", T::NOUN),
                };
                self.resolver.diags.push(
                    Diagnostic::error(at, format!("`$ref: {reference}` should point at a {} (an entry like those of `components/{kind}`), but points at {what}: {e}", T::NOUN))
                        .with_code(Code::RefWrongKind)
                        .with_help(format!("point the reference at a {} object", T::NOUN))
                        .with_repair(instead),
                );
                repaired.map(|t| Found {
                    value: Cow::Owned(t),
                    pointer: target,
                    component: None,
                })
            }
        }
    }
}

/// An object reached through `deref`: the value, where it is, and the name it has
/// under `components` (if that is where it is).
pub(super) struct Found<'x, T: Clone> {
    pub(super) value: Cow<'x, T>,
    pub(super) pointer: String,
    pub(super) component: Option<String>,
}

/// How a reference that should point at a `T` but points at a schema is read.
pub(super) trait Repair: Sized {
    const NOUN: &'static str;
    /// What stands in for an object a `$ref` does not reach (nowhere, outside
    /// the document, a loop), as the diagnostic says.
    const UNRESOLVED: &'static str;
    fn from_schema(_pointer: &str) -> Option<Self> {
        None
    }
    fn unresolved() -> Option<Self> {
        None
    }
}

impl Repair for Parameter {
    const NOUN: &'static str = "parameter";
    const UNRESOLVED: &'static str = "the parameter is left out (its name is unknown)";
}

impl Repair for Response {
    const NOUN: &'static str = "response";
    const UNRESOLVED: &'static str = "the response has a JSON body of any value";
    fn from_schema(pointer: &str) -> Option<Self> {
        Some(Response {
            description: String::new(),
            content: json_content(ReferenceOr::Reference {
                reference: pointer.to_string(),
            }),
            ..Response::default()
        })
    }
    fn unresolved() -> Option<Self> {
        Some(Response {
            description: String::new(),
            content: json_content(ReferenceOr::Item(any_value())),
            ..Response::default()
        })
    }
}

impl Repair for RequestBody {
    const NOUN: &'static str = "request body";
    const UNRESOLVED: &'static str = "the request body is optional JSON of any value";
    fn from_schema(pointer: &str) -> Option<Self> {
        Some(RequestBody {
            content: json_content(ReferenceOr::Reference {
                reference: pointer.to_string(),
            }),
            required: true,
            ..RequestBody::default()
        })
    }
    fn unresolved() -> Option<Self> {
        Some(RequestBody {
            content: json_content(ReferenceOr::Item(any_value())),
            required: false,
            ..RequestBody::default()
        })
    }
}

/// The schema `{}`: any JSON value.
fn any_value() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    }
}

fn json_content(schema: ReferenceOr<Schema>) -> IndexMap<String, MediaType> {
    let mut content = IndexMap::new();
    content.insert(
        "application/json".to_string(),
        MediaType {
            schema: Some(schema),
            ..MediaType::default()
        },
    );
    content
}

/// Whether a value reads as a Schema Object rather than any other OpenAPI object.
fn looks_like_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        [
            "type",
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "enum",
            "format",
            "additionalProperties",
            "nullable",
        ]
        .iter()
        .any(|k| o.contains_key(*k))
            && !o.contains_key("in")
            && !o.contains_key("content")
    })
}
