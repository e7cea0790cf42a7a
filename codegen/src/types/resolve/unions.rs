//! `oneOf`/`anyOf`: Rust enums, tagged by a discriminator, or untagged: every
//! variant tried and the best fit kept.

use super::super::shape::Shape;
use super::super::*;
use super::enums::is_null_only;
use super::*;
use crate::diagnostics::{pointer_push, pointer_unescape};
use crate::names::{Namespace, camel};
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;
use std::collections::HashMap;

/// Where a type is being resolved: what its resolver passes down unchanged to the
/// function that defines it.
pub(super) struct Site<'a> {
    /// The id already reserved for it (a component), or `None` to reserve one.
    pub target: Option<TypeId>,
    /// The name to reserve when there is no target.
    pub hint: &'a str,
    /// Its pointer in the document.
    pub ptr: &'a str,
    pub doc: Doc,
}

impl<'d> Resolver<'d> {
    /// An object with properties and a `oneOf`/`anyOf`: a struct whose flattened
    /// `variant` field is the union, defined at the pointer of the member list.
    pub(super) fn object_with_union_type(
        &mut self,
        schema: &Schema,
        shape: &Shape<'_>,
        site: Site<'_>,
        key: &str,
        members: &[ReferenceOr<Schema>],
    ) -> Ty {
        let name = self.type_name(site.target, site.hint);
        let list_ptr = pointer_push(site.ptr, key);
        let union = self.union_type(
            schema,
            Site {
                target: None,
                hint: &format!("{name}Variant"),
                ptr: &list_ptr,
                doc: Doc::default(),
            },
            &list_ptr,
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
        let Site {
            target,
            hint,
            ptr,
            doc,
        } = site;
        self.struct_type(shape, target, hint, ptr, doc, vec![field])
    }

    /// A union defined at `site`, whose members are listed at `members_ptr`
    /// (`site.ptr` plus the key, or the list itself when the union is the
    /// `variant` of an object with properties).
    pub(super) fn union_type(
        &mut self,
        schema: &Schema,
        site: Site<'_>,
        members_ptr: &str,
        members: &[ReferenceOr<Schema>],
    ) -> Ty {
        let Site {
            target,
            hint,
            ptr,
            doc,
        } = site;
        let id = match target {
            Some(id) => id,
            None => {
                let id = self.reserve(hint, ptr);
                self.by_pointer.entry(ptr.to_string()).or_insert(id);
                id
            }
        };
        let name = self.space.defs[id.0].name.clone();
        let mut ns = Namespace::new();
        let mut variants = Vec::new();
        let mut any_catch_all = false;
        let discriminator = schema.schema_data.discriminator.as_ref();
        let mut tagged = discriminator.is_some();
        // Mapping values by target, so that each member finds its values in one
        // look-up (a union of 3,000 variants would otherwise scan 3,000 entries each).
        let mut by_target: HashMap<&str, Vec<(usize, &String)>> = HashMap::new();
        for (i, (value, target)) in discriminator
            .iter()
            .flat_map(|d| d.mapping.iter())
            .enumerate()
        {
            by_target
                .entry(target.as_str())
                .or_default()
                .push((i, value));
        }
        for (i, member) in members.iter().enumerate() {
            let mptr = pointer_push(members_ptr, &i.to_string());
            let label = self.variant_label(member, i);
            let r = self.schema_type(member, &format!("{name}{label}"), &mptr);
            if is_null_only(member) {
                continue;
            }
            let ty = if r.nullable { r.ty.option() } else { r.ty };
            if matches!(self.space.unalias(&ty), Ty::Json) {
                any_catch_all = true;
            }
            let tags = match (member, discriminator) {
                (ReferenceOr::Reference { reference }, Some(_)) => {
                    // A target names the member as written, or by its ending
                    // after a `/` (`Pet` for `#/components/schemas/Pet`).
                    let mut found: Vec<(usize, &String)> = std::iter::once(reference.as_str())
                        .chain(
                            reference
                                .match_indices('/')
                                .map(|(at, _)| &reference[at + 1..]),
                        )
                        .filter_map(|key| by_target.get(key))
                        .flatten()
                        .copied()
                        .collect();
                    found.sort_unstable();
                    found.dedup();
                    let mut tags: Vec<String> =
                        found.into_iter().map(|(_, value)| value.clone()).collect();
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
            fallback: (!any_catch_all).then(|| ns.claim("Unknown")),
        });
        Ty::Named(id)
    }

    /// A readable variant name: the referenced type's name, the member's title, or
    /// what kind of value it is.
    pub(super) fn variant_label(&mut self, member: &ReferenceOr<Schema>, index: usize) -> String {
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

    /// Untagged enums keep the variant that fits a value best; order breaks ties,
    /// so the pickiest go first.
    pub(super) fn order_untagged(&self, variants: &mut [UnionVariant]) {
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
}

#[cfg(test)]
mod tests {
    use crate::test_support::resolve;
    use crate::types::TypeKind;
    use serde_json::json;

    /// A `oneOf` of one-value string lists, each with its description (`const`
    /// or `enum`), is one enum whose variants carry those descriptions; a
    /// member that is anything else keeps the union.
    #[test]
    fn a_union_of_documented_values_is_one_enum() {
        let r = resolve(
            json!({
                "Mode": {"description": "Sort modes", "oneOf": [
                    {"description": "by name", "type": "string", "enum": ["name_asc"]},
                    {"description": "by id", "const": "id_asc"},
                    {"type": "string", "enum": ["a", "b"]}
                ]},
                "One": {"oneOf": [{"description": "only", "type": "string", "enum": ["x"]}]},
                "Open": {"oneOf": [
                    {"type": "string", "enum": ["a"]},
                    {"type": "string"}
                ]},
                "Dated": {"oneOf": [
                    {"type": "string", "enum": ["a"]},
                    {"type": "string", "format": "date", "enum": ["2020-01-01"]}
                ]}
            }),
            json!({}),
        );
        let variants = |name: &str| match &r.def(name).kind {
            TypeKind::Enum(e) => e
                .variants
                .iter()
                .map(|v| (v.name.clone(), v.doc.clone()))
                .collect::<Vec<_>>(),
            other => panic!("{name} is not an enum: {other:?}"),
        };
        let s = |t: &str| Some(t.to_string());
        assert_eq!(
            variants("Mode"),
            [
                ("NameAsc".into(), s("by name")),
                ("IdAsc".into(), s("by id")),
                ("A".into(), None),
                ("B".into(), None),
            ]
        );
        assert_eq!(r.def("Mode").doc.description.as_deref(), Some("Sort modes"));
        assert_eq!(variants("One"), [("X".into(), s("only"))]);
        for union in ["Open", "Dated"] {
            assert!(
                matches!(r.def(union).kind, TypeKind::Union(_)),
                "{union}: {:?}",
                r.def(union).kind
            );
        }
    }

    /// A union's members sit under its `oneOf`/`anyOf` key, even when the
    /// union's own pointer happens to end in those letters.
    #[test]
    fn members_are_found_under_the_key_whatever_the_union_is_called() {
        let member = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let r = resolve(
            json!({
                "PickoneOf": {"oneOf": [member.clone(), {"type": "integer"}]},
                "ChoiceanyOf": {"anyOf": [member.clone(), {"type": "integer"}]},
                "Holder": {"type": "object", "properties": {
                    "oneOf": {"oneOf": [member.clone(), {"type": "integer"}]}
                }},
                "Mixed": {"type": "object", "properties": {"b": {"type": "string"}},
                    "oneOf": [member, {"type": "integer"}]}
            }),
            json!({}),
        );
        let mut members: Vec<&str> = r
            .space
            .defs
            .iter()
            .filter(|d| d.name.ends_with("Object1"))
            .map(|d| d.pointer.as_str())
            .collect();
        members.sort_unstable();
        assert_eq!(
            members,
            [
                "#/components/schemas/ChoiceanyOf/anyOf/0",
                "#/components/schemas/Holder/properties/oneOf/oneOf/0",
                "#/components/schemas/Mixed/oneOf/0",
                "#/components/schemas/PickoneOf/oneOf/0",
            ],
            "{:?}",
            r.names()
        );
    }
}
