//! Schema → Rust type decisions. Each schema is resolved once; its result is cached
//! by JSON pointer, so a schema reached twice (through `allOf`, or a `$ref` to a
//! nested location) yields the same Rust type.

mod copies;
mod enums;
mod objects;
mod refs;
mod scalars;
mod twins;
mod unions;

use scalars::int_type;

use super::shape::Shape;
use super::*;
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, Diagnostics, pointer_push};
use crate::load::Document;
use crate::names::{Namespace, camel};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use std::borrow::Cow;
use std::collections::HashMap;

/// The outcome of resolving a schema at a use site.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub ty: Ty,
    /// The document allows `null` here.
    pub nullable: bool,
    pub doc: Doc,
}

pub struct Resolver<'d> {
    doc: &'d Document,
    space: TypeSpace,
    names: Namespace,
    /// Named types by the pointer of the schema they came from.
    by_pointer: HashMap<String, TypeId>,
    /// Every inline schema already resolved, by pointer.
    cache: HashMap<String, Resolved>,
    /// Component schemas that only repeat another one to allow `null`
    /// ([`twins`]), with the type they alias.
    twins: HashMap<TypeId, TypeId>,
    /// References being followed into, one inside another: how deep schemas
    /// nest through references (bounded by `ref-depth`).
    following: Vec<String>,
    /// The document's references, followed once each (and its one limit).
    pub refs: crate::refs::Refs<'d>,
    too_deep_reported: bool,
    pub diags: Diagnostics,
}

const COMPONENTS: &str = "#/components/schemas";

fn deref_schema(s: &ReferenceOr<Box<Schema>>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b),
    }
}

fn as_ref_schema(s: &ReferenceOr<Schema>) -> ReferenceOr<&Schema> {
    match s {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(b) => ReferenceOr::Item(b),
    }
}

pub fn doc_of(schema: &Schema) -> Doc {
    let d = &schema.schema_data;
    Doc {
        title: d.title.clone(),
        description: d.description.clone(),
        example: d.example.clone(),
        default: d.default.clone(),
        deprecated: d.deprecated,
        read_only: d.read_only,
        write_only: d.write_only,
        notes: Vec::new(),
    }
}

impl<'d> Resolver<'d> {
    pub fn new(doc: &'d Document) -> Self {
        let mut r = Resolver {
            doc,
            space: TypeSpace::default(),
            names: Namespace::for_types(),
            by_pointer: HashMap::new(),
            cache: HashMap::new(),
            twins: HashMap::new(),
            following: Vec::new(),
            refs: crate::refs::Refs::new(&doc.raw),
            too_deep_reported: false,
            diags: Diagnostics::default(),
        };
        // Component names are claimed first so that they win over inline names.
        if let Some(components) = &doc.api.components {
            for key in components.schemas.keys() {
                let pointer = pointer_push(COMPONENTS, key);
                let id = r.reserve(&camel(key), &pointer);
                r.by_pointer.insert(pointer, id);
            }
        }
        if let Some(schemas) = doc
            .raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            for (twin, of) in twins::nullable_twins(schemas) {
                let id = |key: &str| r.by_pointer.get(&pointer_push(COMPONENTS, key)).copied();
                if let (Some(twin), Some(of)) = (id(&twin), id(&of)) {
                    r.twins.insert(twin, of);
                }
            }
        }
        r
    }

    /// Claims a type name and an id whose definition comes later.
    pub fn reserve(&mut self, hint: &str, pointer: &str) -> TypeId {
        let name = self.names.claim(&camel(hint));
        self.space.defs.push(TypeDef {
            name,
            doc: Doc::default(),
            pointer: pointer.to_string(),
            kind: TypeKind::Pending,
        });
        TypeId(self.space.defs.len() - 1)
    }

    pub fn space(&self) -> &TypeSpace {
        &self.space
    }

    /// Resolves every component schema, so that each becomes a type even if unused.
    pub fn define_components(&mut self) {
        let doc = self.doc;
        let Some(components) = &doc.api.components else {
            return;
        };
        // Twins first: what refers to them meets the alias, never a pending type.
        for (key, schema) in &components.schemas {
            let id = self.by_pointer[&pointer_push(COMPONENTS, key)];
            if let (Some(&of), ReferenceOr::Item(s)) = (self.twins.get(&id), schema) {
                self.define_twin(id, of, s);
            }
        }
        for (key, schema) in &components.schemas {
            let pointer = pointer_push(COMPONENTS, key);
            let id = self.by_pointer[&pointer];
            let nullable = match schema {
                ReferenceOr::Item(s) => self.nullable(s, 0),
                r @ ReferenceOr::Reference { .. } => self.part_nullable(r, 0),
            };
            self.space
                .at_pointer
                .insert(pointer.clone(), (Ty::Named(id), nullable));
            if !matches!(self.space.defs[id.0].kind, TypeKind::Pending) {
                continue;
            }
            match schema {
                ReferenceOr::Item(s) => {
                    let name = self.space.defs[id.0].name.clone();
                    self.define_schema(s, Some(id), &name, &pointer);
                }
                ReferenceOr::Reference { reference } => {
                    let target = self.follow(reference, &pointer);
                    self.space.defs[id.0].kind = TypeKind::Alias(target.ty);
                }
            }
        }
    }

    /// A nullable twin: an alias of the type it repeats, with its own text.
    fn define_twin(&mut self, id: TypeId, of: TypeId, schema: &Schema) {
        let mut doc = doc_of(schema);
        doc.notes.push(format!(
            "The same type as `{}`: the document repeats that schema here only to allow `null` (a member that may be `null` is an `Option` of it).",
            self.space.name(of)
        ));
        let def = &mut self.space.defs[id.0];
        def.doc = doc;
        def.kind = TypeKind::Alias(Ty::Named(of));
    }

    pub fn finish(mut self) -> (TypeSpace, Diagnostics) {
        for def in &mut self.space.defs {
            if matches!(def.kind, TypeKind::Pending) {
                def.kind = TypeKind::Alias(Ty::Json);
            }
        }
        copies::merge_copies(&mut self.space);
        super::cycles::box_cycles(&mut self.space);
        super::sizes::box_large(&mut self.space);
        (self.space, self.diags)
    }

    pub fn schema_type(&mut self, s: &ReferenceOr<Schema>, hint: &str, ptr: &str) -> Resolved {
        self.ref_or_schema_type(as_ref_schema(s), hint, ptr)
    }

    pub fn boxed_schema_type(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        hint: &str,
        ptr: &str,
    ) -> Resolved {
        self.ref_or_schema_type(deref_schema(s), hint, ptr)
    }

    fn ref_or_schema_type(&mut self, s: ReferenceOr<&Schema>, hint: &str, ptr: &str) -> Resolved {
        let r = match s {
            ReferenceOr::Reference { reference } => self.follow(&reference, ptr),
            ReferenceOr::Item(schema) => {
                if let Some(hit) = self.cache.get(ptr) {
                    return hit.clone();
                }
                let ty = self.define_schema(schema, None, hint, ptr);
                let r = Resolved {
                    ty,
                    nullable: self.nullable(schema, 0),
                    doc: doc_of(schema),
                };
                self.cache.insert(ptr.to_string(), r.clone());
                r
            }
        };
        self.space
            .at_pointer
            .entry(ptr.to_string())
            .or_insert_with(|| (r.ty.clone(), r.nullable));
        r
    }

    /// Whether `null` is a valid value: the schema says so, or it is composed of
    /// parts that all allow it (`allOf`), or one of them does (`oneOf`, `anyOf`).
    fn nullable(&mut self, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        // Composition chains are short; one deeper than `ref-depth` (a loop
        // of references through `oneOf`, say) is treated as not nullable.
        if depth > self.refs.limit() {
            return false;
        }
        let shape = Shape::of(schema);
        if !shape.one_of.is_empty() || !shape.any_of.is_empty() {
            let members = if shape.one_of.is_empty() {
                shape.any_of
            } else {
                shape.one_of
            };
            return members.iter().any(|m| self.part_nullable(m, depth));
        }
        !shape.all_of.is_empty()
            && !shape.has_properties()
            && shape.ty.is_none()
            && shape.all_of.iter().all(|p| self.part_nullable(p, depth))
    }

    fn part_nullable(&mut self, part: &ReferenceOr<Schema>, depth: usize) -> bool {
        match part {
            ReferenceOr::Item(s) => self.nullable(s, depth + 1),
            ReferenceOr::Reference { reference } => {
                // Reported where the reference is resolved, not here.
                let found = self.schema_of(reference).ok();
                found.is_some_and(|s| self.nullable(&s, depth + 1))
            }
        }
    }

    /// Resolves a schema object. With `target`, the result is stored under that id
    /// (as an alias when the schema is not a type of its own).
    fn define_schema(
        &mut self,
        schema: &Schema,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
    ) -> Ty {
        let shape = Shape::of(schema);
        let doc = doc_of(schema);

        if !shape.all_of.is_empty() {
            let plain_wrapper = shape.all_of.len() == 1
                && !shape.has_properties()
                && shape.one_of.is_empty()
                && shape.any_of.is_empty()
                && shape.enumeration.is_empty();
            if plain_wrapper {
                let inner = self.schema_type(
                    &shape.all_of[0],
                    hint,
                    &pointer_push(&pointer_push(ptr, "allOf"), "0"),
                );
                return self.alias_or(target, inner.ty, doc, ptr);
            }
            return self.all_of_type(&shape, target, hint, ptr, doc);
        }
        if !shape.one_of.is_empty() || !shape.any_of.is_empty() {
            let (key, members) = if !shape.one_of.is_empty() {
                ("oneOf", shape.one_of)
            } else {
                ("anyOf", shape.any_of)
            };
            if !shape.has_properties()
                && schema.schema_data.discriminator.is_none()
                && let Some(values) = enums::documented_values(members)
            {
                return self.documented_enum_type(&values, target, hint, ptr, doc);
            }
            if members.len() == 1 && !shape.has_properties() {
                let inner = self.schema_type(
                    &members[0],
                    hint,
                    &pointer_push(&pointer_push(ptr, key), "0"),
                );
                return self.alias_or(target, inner.ty, doc, ptr);
            }
            let site = unions::Site {
                target,
                hint,
                ptr,
                doc,
            };
            if shape.has_properties() {
                return self.object_with_union_type(schema, &shape, site, key, members);
            }
            return self.union_type(schema, site, &pointer_push(ptr, key), members);
        }
        if !shape.enumeration.is_empty() {
            return self.enum_type(schema, &shape, target, hint, ptr, doc);
        }
        let ty = match shape.ty {
            Some("string") => self.string_type(shape.format.as_deref(), ptr),
            Some("integer") => {
                self.check_format("integer", shape.format.as_deref(), ptr);
                let wide = schema
                    .schema_data
                    .extensions
                    .get(crate::normalize::WIDE_BOUNDS);
                int_type(shape.format.as_deref(), shape.minimum, wide)
            }
            Some("number") => {
                self.check_format("number", shape.format.as_deref(), ptr);
                Ty::Float
            }
            Some("boolean") => Ty::Bool,
            Some("array") => {
                let item = match shape.items {
                    Some(items) => {
                        let r = self.boxed_schema_type(
                            items,
                            &format!("{hint}Item"),
                            &pointer_push(ptr, "items"),
                        );
                        if r.nullable { r.ty.option() } else { r.ty }
                    }
                    None => Ty::Json,
                };
                Ty::Vec(Box::new(item))
            }
            Some("object") | None if shape.is_object() || shape.has_properties() => {
                if shape.has_properties() {
                    return self.struct_type(&shape, target, hint, ptr, doc, Vec::new());
                }
                match shape.additional {
                    Some(AdditionalProperties::Schema(s)) => {
                        let r = self.schema_type(
                            s,
                            &format!("{hint}Value"),
                            &pointer_push(ptr, "additionalProperties"),
                        );
                        Ty::Map(Box::new(if r.nullable { r.ty.option() } else { r.ty }))
                    }
                    _ => Ty::JsonObject,
                }
            }
            None => {
                if shape.has_not {
                    self.diags.push(
                        Diagnostic::warning(
                            ptr,
                            "`not` schemas have no Rust type; using `serde_json::Value`",
                        )
                        .with_code(Code::Fallback),
                    );
                }
                Ty::Json
            }
            Some(other) => {
                self.diags.push(
                    Diagnostic::error(
                        pointer_push(ptr, "type"),
                        format!("unknown schema type `{other}`"),
                    )
                    .with_code(Code::UnknownType)
                    .with_help("use one of string, number, integer, boolean, array, object")
                    .with_repair("the value may be any JSON (`serde_json::Value`)"),
                );
                Ty::Json
            }
        };
        self.alias_or(target, ty, doc, ptr)
    }
}

/// One part of an `allOf`, flattened, with the reference it was reached by.
struct Part<'s> {
    schema: Cow<'s, Schema>,
    at: String,
    reference: Option<String>,
}

struct Member<'a> {
    wire: String,
    schema: ReferenceOr<&'a Schema>,
    ptr: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use serde_json::json;

    fn fields(kind: &TypeKind) -> Vec<(&str, &Ty, FieldShape)> {
        match kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .map(|f| (f.wire.as_str(), &f.ty, f.shape()))
                .collect(),
            other => panic!("not a struct: {other:?}"),
        }
    }

    #[test]
    fn members_take_their_shape_from_required_and_nullable() {
        let r = resolve(
            json!({"P": {"type": "object", "required": ["a", "b"], "properties": {
                "a": {"type": "string"}, "b": {"type": "string", "nullable": true},
                "c": {"type": "string"}, "d": {"type": "string", "nullable": true}, "e": {}
            }}}),
            json!({}),
        );
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let shapes: Vec<FieldShape> = fields(&r.def("P").kind).into_iter().map(|f| f.2).collect();
        assert_eq!(
            shapes,
            [
                FieldShape::Plain,
                FieldShape::Nullable,
                FieldShape::Optional,
                FieldShape::OptionalNullable,
                FieldShape::OptionalJson
            ]
        );
    }

    #[test]
    fn all_of_merges_objects_and_keeps_a_lone_reference_as_that_type() {
        let r = resolve(
            json!({
                "Base": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "Pet": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"name": {"type": "string"}}}]},
                "Alias": {"allOf": [{"$ref": "#/components/schemas/Base"}], "description": "the same"}
            }),
            json!({}),
        );
        let names: Vec<&str> = fields(&r.def("Pet").kind)
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(names, ["id", "name"]);
        match &r.def("Alias").kind {
            TypeKind::Alias(Ty::Named(id)) => assert_eq!(r.space.name(*id), "Base"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_discriminator_tags_the_union_with_its_mapping() {
        let r = resolve(
            json!({
                "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
                "Pet": {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                        "discriminator": {"propertyName": "kind", "mapping": {"meow": "#/components/schemas/Cat"}}}
            }),
            json!({}),
        );
        let TypeKind::Union(u) = &r.def("Pet").kind else {
            panic!()
        };
        assert_eq!(u.tag.as_deref(), Some("kind"));
        let tags: Vec<&[String]> = u.variants.iter().map(|v| v.tags.as_slice()).collect();
        assert_eq!(tags, [&["meow".to_string()][..], &["Dog".to_string()][..]]);
        assert!(u.fallback.is_some(), "unknown tags are kept");
    }

    #[test]
    fn enum_values_that_collide_get_readable_distinct_names() {
        let r = resolve(
            json!({"E": {"type": "string", "enum": ["asc", "ASC", "a-b", "a_b"]}}),
            json!({}),
        );
        let TypeKind::Enum(e) = &r.def("E").kind else {
            panic!()
        };
        let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, ["Asc", "AscUpper", "AB", "AUnderscoreB"]);
    }

    #[test]
    fn inline_schemas_are_named_from_where_they_stand_and_resolved_once() {
        let r = resolve(
            json!({"Order": {"type": "object", "properties": {"lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}}}}),
            json!({"/o": {"get": {"operationId": "get", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Order"}}}}}}}}),
        );
        assert!(r.names().contains(&"OrderLinesItem"), "{:?}", r.names());
        assert_eq!(
            r.names().iter().filter(|n| n.starts_with("Order")).count(),
            2
        );
    }

    #[test]
    fn only_the_back_edge_of_a_cycle_is_boxed() {
        let r = resolve(
            json!({"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}, "label": {"type": "string"}}}}),
            json!({}),
        );
        let f = fields(&r.def("Node").kind);
        assert!(matches!(f[0].1, Ty::Box(_)), "{:?}", f[0].1);
        assert_eq!(f[1].1, &Ty::String);
    }
}
