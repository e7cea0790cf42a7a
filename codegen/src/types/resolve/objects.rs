//! Objects: structs from properties, `allOf` merged into one struct.

use super::super::shape::Shape;
use super::super::*;
use super::*;
use crate::diagnostics::Code;
use crate::diagnostics::{Diagnostic, pointer_push};
use crate::names::{Namespace, camel, snake};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema};
use std::borrow::Cow;

impl<'d> Resolver<'d> {
    /// Builds a struct from properties (plus fields already made, e.g. flattened parts).
    pub(super) fn struct_type(
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

    pub(super) fn extra_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        name: &str,
        ptr: &str,
    ) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let r = self.schema_type(
                    s,
                    &format!("{name}Value"),
                    &pointer_push(ptr, "additionalProperties"),
                );
                if r.nullable { r.ty.option() } else { r.ty }
            }
            _ => Ty::Json,
        }
    }

    pub(super) fn finish_struct(
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
    pub(super) fn fields(
        &mut self,
        owner: &str,
        members: Vec<Member<'_>>,
        required: &[String],
        mut pre: Vec<Field>,
    ) -> Vec<Field> {
        let mut ns = Namespace::new();
        let mut out = Vec::with_capacity(members.len() + pre.len());
        // Looked up by hash: an object may have tens of thousands of members.
        let required: std::collections::HashSet<&str> =
            required.iter().map(String::as_str).collect();
        for m in members {
            let hint = format!("{owner}{}", camel(&m.wire));
            let is_ref = matches!(m.schema, ReferenceOr::Reference { .. });
            let own_doc = match &m.schema {
                ReferenceOr::Item(s) => Some(doc_of(s)),
                ReferenceOr::Reference { .. } => None,
            };
            let r = self.ref_or_schema_type(m.schema, &hint, &m.ptr);
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
            let listed = required.contains(m.wire.as_str());
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
    pub(super) fn all_of_type<'s>(
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
            self.collect_parts(as_ref_schema(part), &part_ptr, &mut parts, &mut seen, 0);
        }

        let mut members: indexmap::IndexMap<String, Member<'_>> = indexmap::IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut required_seen: std::collections::HashSet<String> = Default::default();
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
                if required_seen.insert(r.clone()) {
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
            let r = self.ref_or_schema_type(other, hint, &other_ptr);
            return self.alias_or(Some(id), r.ty, doc, ptr);
        }
        let mut flattened = Vec::new();
        for (i, (other, other_ptr)) in others.into_iter().enumerate() {
            let r = self.ref_or_schema_type(other, &format!("{name}Part{}", i + 1), &other_ptr);
            if !self.flattenable(&r.ty) {
                self.diags.push(
                    Diagnostic::warning(&other_ptr, "this `allOf` part is not an object, so it cannot be merged with the others; using `serde_json::Value` for the whole schema")
                        .with_code(Code::Fallback),
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

    pub(super) fn flattenable(&self, ty: &Ty) -> bool {
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
    pub(super) fn collect_parts<'s>(
        &mut self,
        part: ReferenceOr<&'s Schema>,
        ptr: &str,
        out: &mut Vec<Part<'s>>,
        seen: &mut Vec<String>,
        depth: usize,
    ) where
        'd: 's,
    {
        // Each level is a schema that is `allOf` the next: bounded like references.
        if self.past_depth(depth, ptr) {
            return;
        }
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
                let Some(s) = self.lookup(&reference, ptr) else {
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
                    depth + 1,
                ),
                ReferenceOr::Item(s) => {
                    let mut sub = Vec::new();
                    self.collect_parts(ReferenceOr::Item(s), p, &mut sub, seen, depth + 1);
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
}
