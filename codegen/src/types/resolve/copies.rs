//! Copies: an inline schema that repeats another type member for member, text
//! included, becomes an alias of that type rather than a second one. Bundlers
//! write the same object out at every place it is used (GitHub's documents
//! repeat `simple-user` inline in pull requests, Stripe's the same `enum: [""]`
//! hundreds of times); made once per place, every copy costs its own
//! decoder, encoder, `Debug`, `Clone` and `PartialEq` to compile, which is
//! most of what such a crate costs, and a value of one copy cannot be passed
//! where another is asked for.
//!
//! Only types the generator named are merged: component schemas are named by
//! the document, and two of them stay two types even when alike (as for
//! nullable twins). A copy keeps its name, as an alias with its own text, so
//! nothing a user writes changes. Equality is decided in rounds, pessimistically:
//! two objects are copies when their members are the same after the copies of
//! the round before are merged, so the objects holding `simple-user`'s copies
//! merge the round after those copies do, and a cycle never merges with itself.

use super::COMPONENTS;
use crate::types::{Ty, TypeId, TypeKind, TypeSpace};
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// Rounds of merging at most: each round merges one level of nesting more.
const ROUNDS: usize = 16;

/// Makes every inline copy an alias of the first type it repeats; returns how
/// many were merged.
pub(super) fn merge_copies(space: &mut TypeSpace) -> usize {
    let mut merged = 0;
    for _ in 0..ROUNDS {
        let rep: Vec<TypeId> = (0..space.defs.len())
            .map(|i| representative(space, TypeId(i)))
            .collect();
        // Cheap signatures first, so that only types with a possible copy get
        // their full key (an enum of 200,000 values is alone in its bucket).
        let mut buckets: HashMap<u64, Vec<usize>> = HashMap::new();
        for (i, def) in space.defs.iter().enumerate() {
            if let Some(sig) = signature(&def.kind) {
                buckets.entry(sig).or_default().push(i);
            }
        }
        let mut groups: Vec<Vec<usize>> = buckets
            .into_values()
            .filter(|ids| ids.len() > 1 && ids.iter().any(|&i| inline(&space.defs[i].pointer)))
            .collect();
        groups.sort_unstable_by_key(|ids| ids[0]);
        let mut round = Vec::new();
        for ids in groups {
            let mut first: HashMap<String, usize> = HashMap::new();
            for i in ids {
                let key = key(&space.defs[i].kind, &rep);
                match first.get(&key) {
                    Some(&of) if inline(&space.defs[i].pointer) => round.push((i, of)),
                    Some(_) => {}
                    None => {
                        first.insert(key, i);
                    }
                }
            }
        }
        if round.is_empty() {
            break;
        }
        merged += round.len();
        for (i, of) in round {
            let name = space.defs[of].name.clone();
            let def = &mut space.defs[i];
            def.doc.notes.push(format!(
                "The same type as `{name}`: the document repeats that schema here."
            ));
            def.kind = TypeKind::Alias(Ty::Named(TypeId(of)));
        }
    }
    merged
}

/// Whether the generator named the type (a schema nested somewhere), rather than
/// the document (a component schema).
fn inline(pointer: &str) -> bool {
    match pointer
        .strip_prefix(COMPONENTS)
        .and_then(|p| p.strip_prefix('/'))
    {
        Some(rest) => rest.contains('/'),
        None => true,
    }
}

/// The named type an alias stands for ([`TypeSpace::unalias`]), or the type itself.
fn representative(space: &TypeSpace, id: TypeId) -> TypeId {
    match space.unalias(&Ty::Named(id)) {
        Ty::Named(of) => *of,
        _ => id,
    }
}

/// A hash of what a copy must share, cheap to take: the kind and its members'
/// wire names or values.
fn signature(kind: &TypeKind) -> Option<u64> {
    let mut h = DefaultHasher::new();
    match kind {
        TypeKind::Struct(s) => {
            (0u8, s.fields.len()).hash(&mut h);
            s.fields.iter().for_each(|f| f.wire.hash(&mut h));
        }
        TypeKind::Enum(e) => {
            (1u8, e.variants.len()).hash(&mut h);
            e.variants.iter().for_each(|v| v.name.hash(&mut h));
        }
        TypeKind::Union(u) => {
            (2u8, u.variants.len()).hash(&mut h);
            u.variants.iter().for_each(|v| v.name.hash(&mut h));
        }
        TypeKind::Alias(_) | TypeKind::Newtype(_) | TypeKind::Pending => return None,
    }
    Some(h.finish())
}

/// Everything about the type but its name and its own text, with each named type
/// it refers to replaced by the one it stands for.
fn key(kind: &TypeKind, rep: &[TypeId]) -> String {
    let mut kind = kind.clone();
    match &mut kind {
        TypeKind::Struct(s) => {
            s.fields.iter_mut().for_each(|f| same(&mut f.ty, rep));
            if let Some((_, ty)) = &mut s.extra {
                same(ty, rep);
            }
        }
        TypeKind::Union(u) => u.variants.iter_mut().for_each(|v| same(&mut v.ty, rep)),
        _ => {}
    }
    format!("{kind:?}")
}

fn same(ty: &mut Ty, rep: &[TypeId]) {
    match ty {
        Ty::Named(id) => *id = rep[id.0],
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) | Ty::Box(inner) => same(inner, rep),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::types::{Ty, TypeKind};
    use serde_json::json;

    fn ok(content: serde_json::Value) -> serde_json::Value {
        json!({"200": {"description": "ok", "content": {"application/json": {"schema": content}}}})
    }

    /// Alike component schemas stay two types (the document names two things);
    /// an inline copy of one is an alias of it, and a tag that reaches only the
    /// copy compiles the type it stands for.
    #[test]
    fn an_inline_copy_of_a_component_is_an_alias_of_it() {
        let user = json!({"type": "object", "properties": {"login": {"type": "string"}}});
        let r = crate::test_support::resolve(
            json!({"user": user, "member": user}),
            json!({"/u": {"get": {"operationId": "get_user", "tags": ["users"], "responses": ok(user)}}}),
        );
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        assert!(matches!(r.def("Member").kind, TypeKind::Struct(_)));
        let copy = r.def("GetUserResponse");
        let TypeKind::Alias(Ty::Named(of)) = &copy.kind else {
            panic!("{:?}", copy.kind)
        };
        assert_eq!(r.space.name(*of), "User");
        assert!(copy.doc.notes.iter().any(|n| n.contains("`User`")));
        let features = crate::features::Features::of(&r.space, &r.operations);
        assert_eq!(features.of_type[of.0], [0]);
    }

    /// Nested copies merge from the inside out, one level a round; a difference
    /// in text, wire name or requiredness keeps a type of its own.
    #[test]
    fn copies_merge_from_the_inside_out_and_only_when_equal() {
        let item = |state: serde_json::Value| {
            json!({"type": "object", "required": ["sku"], "properties": {
                "sku": {"type": "string"},
                "state": state}})
        };
        let state = json!({"type": "string", "enum": ["open", "shipped"]});
        let list = |item: serde_json::Value| json!({"type": "array", "items": item});
        let mut described = item(state.clone());
        described["properties"]["sku"]["description"] = json!("Stock keeping unit.");
        let mut optional = item(state.clone());
        optional["required"] = json!([]);
        let r = crate::test_support::resolve(
            json!({}),
            json!({
                "/a": {"get": {"operationId": "a", "responses": ok(list(item(state.clone())))}},
                "/b": {"get": {"operationId": "b", "responses": ok(list(item(state.clone())))}},
                "/c": {"get": {"operationId": "c", "responses": ok(list(described))}},
                "/d": {"get": {"operationId": "d", "responses": ok(list(optional))}}
            }),
        );
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let alias_of = |name: &str| match &r.def(name).kind {
            TypeKind::Alias(Ty::Named(of)) => Some(r.space.name(*of)),
            _ => None,
        };
        assert_eq!(alias_of("BResponseItem"), Some("AResponseItem"));
        assert_eq!(alias_of("BResponseItemState"), Some("AResponseItemState"));
        // Their states are copies too, but their members' text or shape differ.
        assert_eq!(alias_of("CResponseItemState"), Some("AResponseItemState"));
        assert_eq!(alias_of("CResponseItem"), None);
        assert_eq!(alias_of("DResponseItem"), None);
    }
}
