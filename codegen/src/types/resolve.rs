//! Schema → Rust type decisions. Each schema is resolved once; its result is cached
//! by JSON pointer, so a schema reached twice (through `allOf`, or a `$ref` to a
//! nested location) yields the same Rust type.

use super::shape::Shape;
use super::*;
use crate::diagnostics::{pointer_push, pointer_unescape, Diagnostic, Diagnostics};
use crate::load::Document;
use crate::names::{camel, snake, Namespace};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use serde::Deserialize;
use serde_json::Value;
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
    /// References being followed, to stop `$ref` loops that never reach a type.
    following: Vec<String>,
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
            following: Vec::new(),
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

    /// Claims a name in the type namespace for something that is not a schema
    /// (an operation's error enum, say), so it cannot collide with a model.
    pub fn claim_name(&mut self, hint: &str) -> String {
        self.names.claim(&camel(hint))
    }

    pub fn space(&self) -> &TypeSpace {
        &self.space
    }

    /// Resolves every component schema, so that each becomes a type even if unused.
    pub fn resolve_components(&mut self) {
        let doc = self.doc;
        let Some(components) = &doc.api.components else {
            return;
        };
        for (key, schema) in &components.schemas {
            let pointer = pointer_push(COMPONENTS, key);
            let id = self.by_pointer[&pointer];
            if !matches!(self.space.defs[id.0].kind, TypeKind::Pending) {
                continue;
            }
            match schema {
                ReferenceOr::Item(s) => {
                    let name = self.space.defs[id.0].name.clone();
                    self.resolve_schema(s, Some(id), &name, &pointer);
                }
                ReferenceOr::Reference { reference } => {
                    let target = self.follow(reference, &pointer);
                    self.space.defs[id.0].kind = TypeKind::Alias(target.ty);
                }
            }
        }
    }

    /// Adds a definition that does not come from a schema (e.g. an operation's
    /// response enum), returning its id.
    pub fn define(&mut self, name: String, pointer: &str, doc: Doc, kind: TypeKind) -> TypeId {
        self.space.defs.push(TypeDef {
            name,
            doc,
            pointer: pointer.to_string(),
            kind,
        });
        TypeId(self.space.defs.len() - 1)
    }

    pub fn finish(mut self) -> (TypeSpace, Diagnostics) {
        for def in &mut self.space.defs {
            if matches!(def.kind, TypeKind::Pending) {
                def.kind = TypeKind::Alias(Ty::Json);
            }
        }
        super::cycles::box_cycles(&mut self.space);
        (self.space, self.diags)
    }

    pub fn resolve(&mut self, s: &ReferenceOr<Schema>, hint: &str, ptr: &str) -> Resolved {
        self.resolve_any(as_ref_schema(s), hint, ptr)
    }

    pub fn resolve_boxed(
        &mut self,
        s: &ReferenceOr<Box<Schema>>,
        hint: &str,
        ptr: &str,
    ) -> Resolved {
        self.resolve_any(deref_schema(s), hint, ptr)
    }

    fn resolve_any(&mut self, s: ReferenceOr<&Schema>, hint: &str, ptr: &str) -> Resolved {
        match s {
            ReferenceOr::Reference { reference } => self.follow(&reference, ptr),
            ReferenceOr::Item(schema) => {
                if let Some(hit) = self.cache.get(ptr) {
                    return hit.clone();
                }
                let ty = self.resolve_schema(schema, None, hint, ptr);
                let r = Resolved {
                    ty,
                    nullable: self.nullable(schema, 0),
                    doc: doc_of(schema),
                };
                self.cache.insert(ptr.to_string(), r.clone());
                r
            }
        }
    }

    /// Whether `null` is a valid value: the schema says so, or it is composed of
    /// parts that all allow it (`allOf`), or one of them does (`oneOf`, `anyOf`).
    fn nullable(&mut self, schema: &Schema, depth: usize) -> bool {
        if schema.schema_data.nullable {
            return true;
        }
        // Composition chains are short; a deep one is treated as not nullable.
        if depth > 16 {
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
                let Some(target) = crate::operations::local_pointer(reference) else {
                    return false;
                };
                let doc = self.doc;
                let found = doc
                    .raw
                    .pointer(target.trim_start_matches('#'))
                    .and_then(|v| ReferenceOr::<Schema>::deserialize(v).ok());
                found.is_some_and(|s| depth < 16 && self.part_nullable(&s, depth + 1))
            }
        }
    }

    /// Resolves a `$ref`: the named type it points at, created on first use for
    /// pointers outside `#/components/schemas`.
    fn follow(&mut self, reference: &str, at: &str) -> Resolved {
        let Some(target) = self.normalize_ref(reference, at) else {
            return Resolved {
                ty: Ty::Json,
                nullable: false,
                doc: Doc::default(),
            };
        };
        let Some(schema) = self.lookup(&target, at) else {
            return Resolved {
                ty: Ty::Json,
                nullable: false,
                doc: Doc::default(),
            };
        };
        let nullable = self.nullable(&schema, 0);
        let doc = doc_of(&schema);
        if let Some(id) = self.by_pointer.get(&target) {
            return Resolved {
                ty: Ty::Named(*id),
                nullable,
                doc,
            };
        }
        if self.following.contains(&target) {
            self.diags.push(
                Diagnostic::error(at, format!("`$ref: {reference}` is part of a loop of references that never reaches a schema"))
                    .with_code("ref-loop")
                    .with_help("make one of the references point at an actual schema"),
            );
            return Resolved {
                ty: Ty::Json,
                nullable,
                doc,
            };
        }
        let hint = target
            .rsplit('/')
            .next()
            .map(pointer_unescape)
            .unwrap_or_default();
        let id = self.reserve(&hint, &target);
        self.by_pointer.insert(target.clone(), id);
        self.following.push(target.clone());
        let name = self.space.defs[id.0].name.clone();
        self.resolve_schema(&schema, Some(id), &name, &target);
        self.following.pop();
        Resolved {
            ty: Ty::Named(id),
            nullable,
            doc,
        }
    }

    fn normalize_ref(&mut self, reference: &str, at: &str) -> Option<String> {
        if !reference.starts_with('#') {
            self.diags.push(
                Diagnostic::error(
                    pointer_push(at, "$ref"),
                    format!("`$ref: {reference}` points outside this document"),
                )
                .with_code("external-ref")
                .with_help(
                    "bundle the document first (e.g. `redocly bundle`) so every reference is local",
                ),
            );
            return None;
        }
        Some(crate::diagnostics::percent_decode(reference))
    }

    /// The schema object a local reference points at (borrowed when it is a component).
    fn lookup(&mut self, pointer: &str, at: &str) -> Option<Cow<'d, Schema>> {
        let doc = self.doc;
        if let Some(key) = pointer
            .strip_prefix("#/components/schemas/")
            .filter(|k| !k.contains('/'))
        {
            let key = pointer_unescape(key);
            if let Some(found) = doc
                .api
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&key))
            {
                match found {
                    ReferenceOr::Item(s) => return Some(Cow::Borrowed(s)),
                    ReferenceOr::Reference { reference } => {
                        return self.lookup_next(pointer, reference)
                    }
                }
            }
        }
        let found = doc.raw.pointer(pointer.trim_start_matches('#'));
        let Some(value) = found else {
            self.diags.push(
                Diagnostic::error(pointer_push(at, "$ref"), format!("`$ref: {pointer}` points nowhere: the document has nothing at that location"))
                    .with_code("unresolved-ref")
                    .with_help("check the spelling of the reference, or add the schema it names under `components/schemas`"),
            );
            return None;
        };
        match serde_json::from_value::<ReferenceOr<Schema>>(value.clone()) {
            Ok(ReferenceOr::Item(s)) => Some(Cow::Owned(s)),
            Ok(ReferenceOr::Reference { reference }) => self.lookup_next(pointer, &reference),
            Err(e) => {
                self.diags.push(
                    Diagnostic::error(
                        at,
                        format!("`$ref: {pointer}` does not point at a schema: {e}"),
                    )
                    .with_code("ref-not-schema")
                    .with_help("a schema reference must point at a Schema Object")
                    .with_repair("the value may be any JSON (`serde_json::Value`)"),
                );
                None
            }
        }
    }

    /// A reference to a reference: follow it to the schema.
    fn lookup_next(&mut self, pointer: &str, reference: &str) -> Option<Cow<'d, Schema>> {
        if self.following.iter().any(|p| p == pointer) {
            self.diags.push(
                Diagnostic::error(
                    pointer,
                    "this `$ref` is part of a loop of references that never reaches a schema",
                )
                .with_code("ref-loop")
                .with_help("make one of the references point at an actual schema"),
            );
            return None;
        }
        self.following.push(pointer.to_string());
        let next = self.normalize_ref(reference, pointer);
        let out = next.and_then(|n| self.lookup(&n, pointer));
        self.following.pop();
        out
    }

    /// Resolves a schema object. With `target`, the result is stored under that id
    /// (as an alias when the schema is not a type of its own).
    fn resolve_schema(
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
                let inner = self.resolve(
                    &shape.all_of[0],
                    hint,
                    &pointer_push(&pointer_push(ptr, "allOf"), "0"),
                );
                return self.alias_or(target, inner.ty, doc, ptr);
            }
            return self.resolve_all_of(&shape, target, hint, ptr, doc);
        }
        if !shape.one_of.is_empty() || !shape.any_of.is_empty() {
            let (key, members) = if !shape.one_of.is_empty() {
                ("oneOf", shape.one_of)
            } else {
                ("anyOf", shape.any_of)
            };
            if members.len() == 1 && !shape.has_properties() {
                let inner = self.resolve(
                    &members[0],
                    hint,
                    &pointer_push(&pointer_push(ptr, key), "0"),
                );
                return self.alias_or(target, inner.ty, doc, ptr);
            }
            if shape.has_properties() {
                return self.resolve_object_with_union(
                    schema, &shape, target, hint, ptr, doc, key, members,
                );
            }
            return self.resolve_union(schema, target, hint, ptr, doc, key, members);
        }
        if !shape.enumeration.is_empty() {
            return self.resolve_enum(schema, &shape, target, hint, ptr, doc);
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
                        let r = self.resolve_boxed(
                            items,
                            &format!("{hint}Item"),
                            &pointer_push(ptr, "items"),
                        );
                        if r.nullable {
                            r.ty.option()
                        } else {
                            r.ty
                        }
                    }
                    None => Ty::Json,
                };
                Ty::Vec(Box::new(item))
            }
            Some("object") | None if shape.is_object() || shape.has_properties() => {
                if shape.has_properties() {
                    return self.resolve_struct(&shape, target, hint, ptr, doc, Vec::new());
                }
                match shape.additional {
                    Some(AdditionalProperties::Schema(s)) => {
                        let r = self.resolve(
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
                        .with_code("fallback"),
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
                    .with_code("unknown-type")
                    .with_help("use one of string, number, integer, boolean, array, object")
                    .with_repair("the value may be any JSON (`serde_json::Value`)"),
                );
                Ty::Json
            }
        };
        self.alias_or(target, ty, doc, ptr)
    }

    fn string_type(&mut self, format: Option<&str>, ptr: &str) -> Ty {
        match format {
            Some("date-time") => Ty::DateTime,
            Some("date") => Ty::Date,
            Some("uuid") => Ty::Uuid,
            Some("byte") => Ty::Base64,
            other => {
                self.check_format("string", other, ptr);
                Ty::String
            }
        }
    }

    /// Formats we know, and for which the plain type is the right one; any other
    /// format falls back to the plain type with a warning.
    fn check_format(&mut self, ty: &str, format: Option<&str>, ptr: &str) {
        let Some(format) = format.filter(|f| !f.is_empty()) else {
            return;
        };
        let known: &[&str] = match ty {
            "string" => &[
                "binary",
                "password",
                "email",
                "idn-email",
                "uri",
                "uri-reference",
                "uri-template",
                "iri",
                "iri-reference",
                "url",
                "hostname",
                "idn-hostname",
                "ipv4",
                "ipv6",
                "ip",
                "time",
                "duration",
                "json-pointer",
                "relative-json-pointer",
                "regex",
                "html",
                "markdown",
                "text",
                "byte",
                "date",
                "date-time",
                "uuid",
            ],
            "integer" => &[
                "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "uint",
            ],
            _ => &["float", "double"],
        };
        if !known.contains(&format) {
            let rust = match ty {
                "string" => "String",
                "integer" => "an integer type",
                _ => "f64",
            };
            self.diags.push(
                Diagnostic::warning(
                    pointer_push(ptr, "format"),
                    format!("unknown {ty} format `{format}`; using {rust}"),
                )
                .with_code("fallback")
                .with_help(
                    "the value is kept exactly; a known format would give it a more precise type",
                ),
            );
        }
    }

    /// Stores `ty` as an alias when a named type was asked for; otherwise returns it.
    fn alias_or(&mut self, target: Option<TypeId>, ty: Ty, doc: Doc, ptr: &str) -> Ty {
        match target {
            Some(id) => {
                let def = &mut self.space.defs[id.0];
                def.doc = doc;
                def.pointer = ptr.to_string();
                // A component that is only `$ref` to itself would alias itself.
                def.kind = TypeKind::Alias(if ty == Ty::Named(id) { Ty::Json } else { ty });
                Ty::Named(id)
            }
            None => ty,
        }
    }

    fn new_def(
        &mut self,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        kind: TypeKind,
    ) -> Ty {
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let def = &mut self.space.defs[id.0];
        def.doc = doc;
        def.pointer = ptr.to_string();
        def.kind = kind;
        Ty::Named(id)
    }

    fn type_name(&self, target: Option<TypeId>, hint: &str) -> String {
        match target {
            Some(id) => self.space.defs[id.0].name.clone(),
            None => camel(hint),
        }
    }

    /// Builds a struct from properties (plus fields already made, e.g. flattened parts).
    fn resolve_struct(
        &mut self,
        shape: &Shape<'_>,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        extra_fields: Vec<Field>,
    ) -> Ty {
        // Reserve the id first: properties may refer back to this very type.
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let name = self.space.defs[id.0].name.clone();
        let mut members = Vec::new();
        if let Some(props) = shape.properties {
            for (wire, prop) in props {
                members.push(Member {
                    wire: wire.clone(),
                    schema: deref_schema(prop),
                    ptr: pointer_push(&pointer_push(ptr, "properties"), wire),
                });
            }
        }
        let required: Vec<String> = shape.required.to_vec();
        let fields = self.fields(&name, members, &required, extra_fields);
        let extra_ty = self.extra_type(shape.additional, &name, ptr);
        self.finish_struct(id, fields, extra_ty, doc, ptr)
    }

    fn extra_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        name: &str,
        ptr: &str,
    ) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let r = self.resolve(
                    s,
                    &format!("{name}Value"),
                    &pointer_push(ptr, "additionalProperties"),
                );
                if r.nullable {
                    r.ty.option()
                } else {
                    r.ty
                }
            }
            _ => Ty::Json,
        }
    }

    fn finish_struct(
        &mut self,
        id: TypeId,
        fields: Vec<Field>,
        extra_ty: Ty,
        doc: Doc,
        ptr: &str,
    ) -> Ty {
        let mut ns = Namespace::new();
        for f in &fields {
            ns.reserve(&f.name);
        }
        let extra_name = ns.claim("extra");
        let def = &mut self.space.defs[id.0];
        def.doc = doc;
        def.pointer = ptr.to_string();
        def.kind = TypeKind::Struct(StructDef {
            fields,
            extra: Some((extra_name, extra_ty)),
        });
        Ty::Named(id)
    }

    /// Resolves each member into a field with a unique Rust name.
    fn fields(
        &mut self,
        owner: &str,
        members: Vec<Member<'_>>,
        required: &[String],
        mut pre: Vec<Field>,
    ) -> Vec<Field> {
        let mut ns = Namespace::new();
        let mut out = Vec::with_capacity(members.len() + pre.len());
        for m in members {
            let hint = format!("{owner}{}", camel(&m.wire));
            let is_ref = matches!(m.schema, ReferenceOr::Reference { .. });
            let own_doc = match &m.schema {
                ReferenceOr::Item(s) => Some(doc_of(s)),
                ReferenceOr::Reference { .. } => None,
            };
            let r = self.resolve_any(m.schema, &hint, &m.ptr);
            let mut doc = match own_doc {
                Some(d) if !is_ref => d,
                _ => Doc {
                    description: r.doc.description.clone(),
                    title: r.doc.title.clone(),
                    ..Doc::default()
                },
            };
            // Flags on the referenced schema apply to the member too.
            doc.read_only |= r.doc.read_only;
            doc.write_only |= r.doc.write_only;
            let listed = required.iter().any(|x| x == &m.wire);
            // A required read-only member is not sent; a required write-only one is
            // not received. Either way a value is not always there.
            let required = listed && !doc.read_only && !doc.write_only;
            out.push(Field {
                name: ns.claim(&snake(&m.wire)),
                wire: m.wire,
                ty: r.ty,
                required,
                nullable: r.nullable,
                flatten: false,
                doc,
            });
        }
        for f in &mut pre {
            f.name = ns.claim(&f.name);
        }
        out.extend(pre);
        out
    }

    /// `allOf`: merges object parts into one struct; parts that are not plain
    /// objects are flattened in as fields of their own type.
    fn resolve_all_of<'s>(
        &mut self,
        shape: &Shape<'s>,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
    ) -> Ty
    where
        'd: 's,
    {
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let name = self.space.defs[id.0].name.clone();
        let mut parts: Vec<Part<'s>> = Vec::new();
        let mut seen = Vec::new();
        for (i, part) in shape.all_of.iter().enumerate() {
            let part_ptr = pointer_push(&pointer_push(ptr, "allOf"), &i.to_string());
            self.collect_parts(as_ref_schema(part), &part_ptr, &mut parts, &mut seen);
        }

        let mut members: indexmap::IndexMap<String, Member<'_>> = indexmap::IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut others: Vec<(ReferenceOr<&Schema>, String)> = Vec::new();
        let mut additional: Option<(&AdditionalProperties, String)> = None;
        let mut object = false;
        let own = std::iter::once((shape, ptr.to_string()));
        let part_shapes: Vec<(Shape<'_>, &Part<'_>)> =
            parts.iter().map(|p| (Shape::of(&p.schema), p)).collect();
        for (part, at, origin) in part_shapes
            .iter()
            .map(|(s, p)| (s, p.at.clone(), Some(*p)))
            .chain(own.map(|(s, at)| (s, at, None)))
        {
            let mergeable = part.one_of.is_empty()
                && part.any_of.is_empty()
                && part.enumeration.is_empty()
                && (part.is_object() || part.ty.is_none());
            if !mergeable {
                // A referenced part keeps its reference, so it resolves to the
                // named type rather than to a copy of it.
                match origin {
                    Some(Part {
                        reference: Some(r), ..
                    }) => others.push((
                        ReferenceOr::Reference {
                            reference: r.clone(),
                        },
                        at,
                    )),
                    Some(p) => others.push((ReferenceOr::Item(p.schema.as_ref()), at)),
                    None => {}
                }
                continue;
            }
            object |= part.is_object();
            if let Some(props) = part.properties {
                for (wire, prop) in props {
                    let member = Member {
                        wire: wire.clone(),
                        schema: deref_schema(prop),
                        ptr: pointer_push(&pointer_push(&at, "properties"), wire),
                    };
                    members.insert(wire.clone(), member);
                }
            }
            for r in part.required {
                if !required.contains(r) {
                    required.push(r.clone());
                }
            }
            if let Some(a @ AdditionalProperties::Schema(_)) = part.additional {
                additional = Some((a, at.clone()));
            }
        }

        // All parts primitive and alike (e.g. `allOf: [string, {maxLength}]`): that type.
        if members.is_empty() && others.len() == 1 && !object {
            let (other, other_ptr) = others.remove(0);
            let r = self.resolve_any(other, hint, &other_ptr);
            return self.alias_or(Some(id), r.ty, doc, ptr);
        }
        let mut flattened = Vec::new();
        for (i, (other, other_ptr)) in others.into_iter().enumerate() {
            let r = self.resolve_any(other, &format!("{name}Part{}", i + 1), &other_ptr);
            if !self.flattenable(&r.ty) {
                self.diags.push(
                    Diagnostic::warning(&other_ptr, "this `allOf` part is not an object, so it cannot be merged with the others; using `serde_json::Value` for the whole schema")
                        .with_code("fallback"),
                );
                return self.alias_or(Some(id), Ty::Json, doc, ptr);
            }
            let field_name = match &r.ty {
                Ty::Named(t) => snake(&self.space.defs[t.0].name),
                _ => format!("part_{}", i + 1),
            };
            flattened.push(Field {
                name: field_name,
                wire: String::new(),
                ty: r.ty,
                required: true,
                nullable: false,
                flatten: true,
                doc: Doc {
                    description: Some(
                        "Members from a part of this schema that is not a plain object.".into(),
                    ),
                    ..Doc::default()
                },
            });
        }
        let fields = self.fields(&name, members.into_values().collect(), &required, flattened);
        let extra_ty = match additional {
            Some((a, p)) => self.extra_type(Some(a), &name, &p),
            None => Ty::Json,
        };
        self.finish_struct(id, fields, extra_ty, doc, ptr)
    }

    fn flattenable(&self, ty: &Ty) -> bool {
        match self.space.unalias(ty) {
            Ty::Named(id) => matches!(
                self.space.get(*id).kind,
                TypeKind::Struct(_) | TypeKind::Union(_) | TypeKind::Pending
            ),
            Ty::Map(_) | Ty::JsonObject => true,
            _ => false,
        }
    }

    /// Flattens nested `allOf` parts (following references) into a list, in order.
    fn collect_parts<'s>(
        &mut self,
        part: ReferenceOr<&'s Schema>,
        ptr: &str,
        out: &mut Vec<Part<'s>>,
        seen: &mut Vec<String>,
    ) where
        'd: 's,
    {
        let original = match &part {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        };
        let (schema, at): (Cow<'s, Schema>, String) = match part {
            ReferenceOr::Reference { reference } => {
                let Some(target) = self.normalize_ref(&reference, ptr) else {
                    return;
                };
                if seen.contains(&target) {
                    return;
                }
                let Some(s) = self.lookup(&target, ptr) else {
                    return;
                };
                seen.push(target.clone());
                (s, target)
            }
            ReferenceOr::Item(s) => (Cow::Borrowed(s), ptr.to_string()),
        };
        let nested: Vec<(ReferenceOr<Schema>, String)> = Shape::of(&schema)
            .all_of
            .iter()
            .enumerate()
            .map(|(i, inner)| {
                (
                    inner.clone(),
                    pointer_push(&pointer_push(&at, "allOf"), &i.to_string()),
                )
            })
            .collect();
        for (inner, p) in &nested {
            // Nested parts are few and small; owning them keeps lifetimes simple.
            match inner {
                ReferenceOr::Reference { reference } => self.collect_parts(
                    ReferenceOr::Reference {
                        reference: reference.clone(),
                    },
                    p,
                    out,
                    seen,
                ),
                ReferenceOr::Item(s) => {
                    let mut sub = Vec::new();
                    self.collect_parts(ReferenceOr::Item(s), p, &mut sub, seen);
                    out.extend(sub.into_iter().map(|p| Part {
                        schema: Cow::Owned(p.schema.into_owned()),
                        at: p.at,
                        reference: p.reference,
                    }));
                }
            }
        }
        out.push(Part {
            schema,
            at,
            reference: original,
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_object_with_union(
        &mut self,
        schema: &Schema,
        shape: &Shape<'_>,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        key: &str,
        members: &[ReferenceOr<Schema>],
    ) -> Ty {
        let name = self.type_name(target, hint);
        let union = self.resolve_union(
            schema,
            None,
            &format!("{name}Variant"),
            &pointer_push(ptr, key),
            Doc::default(),
            key,
            members,
        );
        let field = Field {
            name: "variant".into(),
            wire: String::new(),
            ty: union,
            required: true,
            nullable: false,
            flatten: true,
            doc: Doc {
                description: Some("Which of the alternatives this value is.".into()),
                ..Doc::default()
            },
        };
        self.resolve_struct(shape, target, hint, ptr, doc, vec![field])
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_union(
        &mut self,
        schema: &Schema,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
        key: &str,
        members: &[ReferenceOr<Schema>],
    ) -> Ty {
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let name = self.space.defs[id.0].name.clone();
        let members_ptr = if ptr.ends_with(key) {
            ptr.to_string()
        } else {
            pointer_push(ptr, key)
        };
        let mut ns = Namespace::new();
        let mut variants = Vec::new();
        let mut any_catch_all = false;
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut tagged = discriminator.is_some();
        for (i, member) in members.iter().enumerate() {
            let mptr = pointer_push(&members_ptr, &i.to_string());
            let label = self.variant_label(member, i);
            let r = self.resolve(member, &format!("{name}{label}"), &mptr);
            if is_null_only(member) {
                continue;
            }
            let ty = if r.nullable { r.ty.option() } else { r.ty };
            if matches!(self.space.unalias(&ty), Ty::Json) {
                any_catch_all = true;
            }
            let tags = match (member, discriminator) {
                (ReferenceOr::Reference { reference }, Some(d)) => {
                    let mut tags: Vec<String> = d
                        .mapping
                        .iter()
                        .filter(|(_, target)| {
                            *target == reference || reference.ends_with(&format!("/{target}"))
                        })
                        .map(|(value, _)| value.clone())
                        .collect();
                    if tags.is_empty() {
                        tags.push(
                            reference
                                .rsplit('/')
                                .next()
                                .map(pointer_unescape)
                                .unwrap_or_default(),
                        );
                    }
                    tags
                }
                _ => {
                    tagged = false;
                    Vec::new()
                }
            };
            variants.push(UnionVariant {
                name: ns.claim(&label),
                ty,
                tags,
            });
        }
        if !tagged {
            variants.iter_mut().for_each(|v| v.tags.clear());
            self.order_untagged(&mut variants);
        }
        let def = &mut self.space.defs[id.0];
        def.doc = doc;
        def.pointer = ptr.to_string();
        def.kind = TypeKind::Union(UnionDef {
            variants,
            tag: if tagged {
                discriminator.map(|d| d.property_name.clone())
            } else {
                None
            },
            fallback: !any_catch_all,
        });
        Ty::Named(id)
    }

    /// A readable variant name: the referenced type's name, the member's title, or
    /// what kind of value it is.
    fn variant_label(&mut self, member: &ReferenceOr<Schema>, index: usize) -> String {
        match member {
            ReferenceOr::Reference { reference } => camel(
                &reference
                    .rsplit('/')
                    .next()
                    .map(pointer_unescape)
                    .unwrap_or_default(),
            ),
            ReferenceOr::Item(s) => {
                if let Some(t) = &s.schema_data.title {
                    return camel(t);
                }
                let shape = Shape::of(s);
                if let Some(props) = shape.properties {
                    // An object told apart by a one-value property (`type: {enum: [text]}`).
                    for prop in props.values() {
                        if let ReferenceOr::Item(p) = prop {
                            let ps = Shape::of(p);
                            if let [Value::String(only)] = ps.enumeration.as_slice() {
                                return camel(only);
                            }
                        }
                    }
                }
                match shape.ty {
                    Some("string") => match shape.format.as_deref() {
                        Some("date-time") => "DateTime".into(),
                        Some("date") => "Date".into(),
                        _ if !shape.enumeration.is_empty() => "Known".into(),
                        _ => "String".into(),
                    },
                    Some("integer") => "Integer".into(),
                    Some("number") => "Number".into(),
                    Some("boolean") => "Boolean".into(),
                    Some("array") => "Array".into(),
                    _ if shape.is_object() => format!("Object{}", index + 1),
                    _ => format!("Variant{}", index + 1),
                }
            }
        }
    }

    /// Untagged enums try variants in order, so the pickiest go first.
    fn order_untagged(&self, variants: &mut [UnionVariant]) {
        let rank = |ty: &Ty| -> i64 {
            match self.space.unalias(ty) {
                Ty::Named(id) => match &self.space.get(*id).kind {
                    TypeKind::Struct(s) => {
                        -10 - s.fields.iter().filter(|f| f.required).count() as i64
                    }
                    TypeKind::Enum(_) => 1,
                    TypeKind::Union(_) => 8,
                    _ => 5,
                },
                Ty::DateTime | Ty::Date | Ty::Uuid => 2,
                Ty::Int(_) => 3,
                Ty::Float => 4,
                Ty::Bool | Ty::String | Ty::Base64 | Ty::Bytes | Ty::Unit => 6,
                Ty::Vec(_) => 5,
                Ty::Map(_) => 7,
                Ty::JsonObject => 9,
                Ty::Option(_) | Ty::Box(_) => 8,
                Ty::Json => 10,
            }
        };
        variants.sort_by_key(|v| rank(&v.ty));
    }

    fn resolve_enum(
        &mut self,
        schema: &Schema,
        shape: &Shape<'_>,
        target: Option<TypeId>,
        hint: &str,
        ptr: &str,
        doc: Doc,
    ) -> Ty {
        let values: Vec<&Value> = shape.enumeration.iter().filter(|v| !v.is_null()).collect();
        let declared = shape.ty;
        let all_strings = !values.is_empty() && values.iter().all(|v| v.is_string());
        let all_ints = !values.is_empty() && values.iter().all(|v| v.as_i64().is_some());
        if let Some(t) = declared {
            let matches = match t {
                "string" => all_strings,
                "integer" => all_ints,
                "number" => values.iter().all(|v| v.is_number()),
                "boolean" => values.iter().all(|v| v.is_boolean()),
                _ => true,
            };
            if !matches {
                self.diags.push(
                    Diagnostic::warning(
                        pointer_push(ptr, "enum"),
                        format!("enum values do not all match the declared type `{t}`"),
                    )
                    .with_code("enum-type")
                    .with_help("make every listed value a value of the schema's type"),
                );
            }
        }
        let repr = if all_strings {
            EnumRepr::String
        } else if all_ints {
            EnumRepr::Integer
        } else {
            let ty = match declared {
                Some("boolean") => Ty::Bool,
                Some("number") => Ty::Float,
                Some("string") if values.is_empty() => Ty::String,
                _ if values.iter().all(|v| v.is_boolean()) && !values.is_empty() => Ty::Bool,
                _ if values.iter().all(|v| v.is_number()) && !values.is_empty() => Ty::Float,
                _ => {
                    if !values.is_empty() {
                        self.diags.push(
                            Diagnostic::warning(
                                pointer_push(ptr, "enum"),
                                "enum mixes values of different kinds; using `serde_json::Value`",
                            )
                            .with_code("fallback"),
                        );
                    }
                    Ty::Json
                }
            };
            return self.alias_or(target, ty, doc, ptr);
        };
        let names_ext = ["x-enum-varnames", "x-enumNames"]
            .iter()
            .find_map(|k| schema.schema_data.extensions.get(*k))
            .and_then(Value::as_array)
            .filter(|a| a.len() == shape.enumeration.len());
        let descriptions = ["x-enum-descriptions", "x-enumDescriptions"]
            .iter()
            .find_map(|k| schema.schema_data.extensions.get(*k))
            .and_then(Value::as_array)
            .filter(|a| a.len() == shape.enumeration.len());
        let mut ns = Namespace::new();
        let mut variants: Vec<EnumVariant> = Vec::new();
        for (i, value) in shape.enumeration.iter().enumerate() {
            if value.is_null() || variants.iter().any(|v| &v.value == value) {
                continue;
            }
            let base = match (names_ext.and_then(|n| n[i].as_str()), value) {
                (Some(n), _) => camel(n),
                (None, Value::String(s)) if s.is_empty() => "Empty".to_string(),
                (None, Value::String(s)) => camel(s),
                (None, v) => {
                    let n = v.as_i64().unwrap_or_default();
                    if n < 0 {
                        format!("ValueMinus{}", n.unsigned_abs())
                    } else {
                        format!("Value{n}")
                    }
                }
            };
            let name = match value.as_str() {
                Some(raw) if ns.is_taken(&base) => {
                    let other = variants
                        .iter()
                        .find(|v| v.name.eq_ignore_ascii_case(&base))
                        .and_then(|v| v.value.as_str());
                    collision_name(&base, raw, other, &mut ns)
                }
                _ => ns.claim(&base),
            };
            variants.push(EnumVariant {
                name,
                value: value.clone(),
                doc: descriptions.and_then(|d| d[i].as_str()).map(str::to_string),
            });
        }
        self.new_def(
            target,
            hint,
            ptr,
            doc,
            TypeKind::Enum(EnumDef { repr, variants }),
        )
    }
}

/// A readable name for an enum value whose plain name is taken: values that differ
/// only in case get `Upper`/`Lower`, values that differ in punctuation get it
/// spelled out (`a_b` → `AUnderscoreB`); a number is the last resort.
fn collision_name(base: &str, raw: &str, other: Option<&str>, ns: &mut Namespace) -> String {
    let has_letters = raw.chars().any(char::is_alphabetic);
    let only_case = other.is_some_and(|o| o.to_lowercase() == raw.to_lowercase());
    let case_hint = if !has_letters || !only_case {
        None
    } else if !raw.chars().any(char::is_lowercase) {
        Some(format!("{base}Upper"))
    } else if !raw.chars().any(char::is_uppercase) {
        Some(format!("{base}Lower"))
    } else {
        None
    };
    let spelled = raw
        .chars()
        .any(|c| !c.is_alphanumeric())
        .then(|| camel(&spell_punctuation(raw)));
    let candidates = [case_hint, spelled];
    for candidate in candidates.into_iter().flatten() {
        if !ns.is_taken(&candidate) {
            return ns.claim(&candidate);
        }
    }
    ns.claim(base)
}

fn spell_punctuation(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        let word = match c {
            '-' => " dash ",
            '_' => " underscore ",
            '.' => " dot ",
            ' ' => " space ",
            '/' => " slash ",
            ':' => " colon ",
            ',' => " comma ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(word);
    }
    out
}

fn is_null_only(member: &ReferenceOr<Schema>) -> bool {
    match member {
        ReferenceOr::Item(s) => {
            let shape = Shape::of(s);
            s.schema_data.nullable
                && !shape.enumeration.is_empty()
                && shape.enumeration.iter().all(Value::is_null)
        }
        _ => false,
    }
}

/// The Rust integer for a schema: its format's width, or wider where the document's
/// own bounds (`wide`: those beyond `i64`, as written) allow values `i64` cannot hold
/// (OpenAI's `seed` reaches 2⁶³, as JavaScript prints it).
fn int_type(format: Option<&str>, min: Option<f64>, wide: Option<&Value>) -> Ty {
    let beyond = |key: &str, negative: bool| {
        wide.and_then(|w| w.get(key))
            .and_then(Value::as_f64)
            .is_some_and(|n| (n < 0.0) == negative)
    };
    let max_fits_u64 = wide
        .and_then(|w| w.get("maximum"))
        .is_none_or(|m| m.as_u64().is_some());
    let non_negative = min.is_some_and(|m| m >= 0.0) && !beyond("minimum", true);
    let kind = match format {
        Some("int8") => IntKind::I8,
        Some("int16") => IntKind::I16,
        Some("int32") => IntKind::I32,
        Some("uint8") => IntKind::U8,
        Some("uint16") => IntKind::U16,
        Some("uint32") => IntKind::U32,
        Some("uint64") | Some("uint") => IntKind::U64,
        _ if beyond("minimum", true) => IntKind::I128,
        _ if beyond("maximum", false) && non_negative && max_fits_u64 => IntKind::U64,
        _ if beyond("maximum", false) => IntKind::I128,
        _ => IntKind::I64,
    };
    Ty::Int(kind)
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
