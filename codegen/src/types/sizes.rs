//! Keeping every type small by value, with `Box` where a member is large.
//!
//! Types hold the types of their members by value, so a document whose objects
//! nest other objects (Stripe's `api_errors` holds a `payment_intent` that holds
//! a `customer`…) makes types of megabytes (1.6 MB for `ApiErrors`). A value that
//! large lives on the stack while it is decoded, several times over in a debug
//! build: decoding one small error body overflowed an 8 MiB main thread, and a
//! tokio worker has 2 MiB. Boxing each member whose type is larger than
//! [`LARGEST_BY_VALUE`] bounds every type by its own member count, at the cost
//! of one allocation per present boxed member.

use super::{EnumRepr, FieldShape, Ty, TypeId, TypeKind, TypeSpace};

/// A type not sized yet (only on a by-value cycle, which boxing has removed).
const UNKNOWN: usize = usize::MAX;

fn known(sizes: &[usize], id: TypeId) -> usize {
    match sizes[id.0] {
        UNKNOWN => 8,
        s => s,
    }
}

/// The largest named type kept by value in a field or variant, in bytes
/// (estimated). Clippy's `large_enum_variant` draws its line at 200 bytes.
pub const LARGEST_BY_VALUE: usize = 256;

/// The estimated size of a type expression, given the sizes of named types.
fn size_of(ty: &Ty, named: &dyn Fn(TypeId) -> usize) -> usize {
    match ty {
        Ty::Named(id) => named(*id),
        Ty::Bool | Ty::Unit => 1,
        Ty::Int(kind) => match kind.rust_name() {
            "i128" => 16,
            "i64" | "u64" => 8,
            _ => 4,
        },
        Ty::Float | Ty::Box(_) => 8,
        Ty::String | Ty::DateTime | Ty::Date | Ty::Uuid | Ty::Base64 | Ty::Vec(_) => 24,
        Ty::Bytes | Ty::Json => 32,
        Ty::Map(_) | Ty::JsonObject => 48,
        Ty::Option(inner) => size_of(inner, named) + 8,
    }
}

/// Named types a type expression holds by value.
fn by_value(ty: &Ty, out: &mut Vec<TypeId>) {
    out.extend(ty.named_by_value());
}

fn boxed(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(boxed(*inner))),
        other => Ty::Box(Box::new(other)),
    }
}

/// Whether a member of this type is boxed: it holds a large named type by value.
fn too_large(ty: &Ty, sizes: &[usize]) -> bool {
    let mut ids = Vec::new();
    by_value(ty, &mut ids);
    !ids.is_empty() && size_of(ty, &|id| known(sizes, id)) > LARGEST_BY_VALUE
}

/// Boxes large members, leaves first, and returns each type's estimated size.
/// Runs after cycles are boxed, so what is held by value forms no cycle; a walk
/// that meets one anyway (it should not) counts the type as boxed.
pub fn box_large(space: &mut TypeSpace) -> Vec<usize> {
    let n = space.defs.len();
    let mut sizes = vec![UNKNOWN; n];
    let mut on_path = vec![false; n];
    for root in 0..n {
        if sizes[root] != UNKNOWN {
            continue;
        }
        // Iterative post-order: a type is sized after everything it holds.
        let mut stack = vec![(root, false)];
        while let Some((i, children_done)) = stack.pop() {
            if sizes[i] != UNKNOWN {
                continue;
            }
            if !children_done {
                on_path[i] = true;
                stack.push((i, true));
                let mut held = Vec::new();
                for ty in member_types(&space.defs[i].kind) {
                    by_value(ty, &mut held);
                }
                for id in held {
                    if sizes[id.0] == UNKNOWN && !on_path[id.0] {
                        stack.push((id.0, false));
                    }
                }
                continue;
            }
            on_path[i] = false;
            sizes[i] = shrink(&mut space.defs[i].kind, &sizes);
        }
    }
    sizes
}

/// Boxes the large members of one type and returns its size afterwards.
fn shrink(kind: &mut TypeKind, sizes: &[usize]) -> usize {
    let named = |id: TypeId| known(sizes, id);
    match kind {
        TypeKind::Struct(s) => {
            for f in s.fields.iter_mut().filter(|f| !f.flatten) {
                if too_large(&f.ty, sizes) {
                    f.ty = boxed(std::mem::replace(&mut f.ty, Ty::Unit));
                }
            }
            let fields: usize = s
                .fields
                .iter()
                .map(|f| {
                    let options = match f.shape() {
                        FieldShape::Plain | FieldShape::Flatten => 0,
                        FieldShape::OptionalNullable => 16,
                        _ => 8,
                    };
                    size_of(&f.ty, &named) + options
                })
                .sum();
            fields + if s.extra.is_some() { 48 } else { 0 }
        }
        TypeKind::Union(u) => {
            for v in &mut u.variants {
                if too_large(&v.ty, sizes) {
                    v.ty = boxed(std::mem::replace(&mut v.ty, Ty::Unit));
                }
            }
            let largest = u
                .variants
                .iter()
                .map(|v| size_of(&v.ty, &named))
                .max()
                .unwrap_or(0);
            largest.max(32) + 8
        }
        TypeKind::Newtype(t) => {
            if too_large(t, sizes) {
                *t = boxed(std::mem::replace(t, Ty::Unit));
            }
            size_of(t, &named)
        }
        TypeKind::Alias(t) => size_of(t, &named),
        TypeKind::Enum(e) => match e.repr {
            EnumRepr::String => 24,
            EnumRepr::Integer => 16,
        },
        TypeKind::Pending => 32,
    }
}

fn member_types(kind: &TypeKind) -> Vec<&Ty> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Newtype(t) | TypeKind::Alias(t) => vec![t],
        TypeKind::Enum(_) | TypeKind::Pending => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use serde_json::{Map, Value, json};

    fn strings(n: usize) -> Value {
        let props: Map<String, Value> = (0..n)
            .map(|i| (format!("s{i}"), json!({"type": "string"})))
            .collect();
        json!({"type": "object", "properties": props})
    }

    fn field<'a>(r: &'a crate::test_support::Resolved, ty: &str, member: &str) -> &'a Ty {
        match &r.def(ty).kind {
            TypeKind::Struct(s) => &s.fields.iter().find(|f| f.wire == member).unwrap().ty,
            other => panic!("not a struct: {other:?}"),
        }
    }

    #[test]
    fn large_members_are_boxed_and_small_ones_are_not() {
        let r = resolve(
            json!({
                "Big": strings(20),
                "Small": strings(2),
                "Holder": {"type": "object", "required": ["big"], "properties": {
                    "big": {"$ref": "#/components/schemas/Big"},
                    "maybe": {"$ref": "#/components/schemas/Big"},
                    "small": {"$ref": "#/components/schemas/Small"},
                    "many": {"type": "array", "items": {"$ref": "#/components/schemas/Big"}},
                }},
                "Either": {"oneOf": [
                    {"$ref": "#/components/schemas/Big"},
                    {"$ref": "#/components/schemas/Small"},
                ]},
            }),
            json!({}),
        );
        assert!(matches!(field(&r, "Holder", "big"), Ty::Box(_)));
        assert!(matches!(field(&r, "Holder", "maybe"), Ty::Box(_)));
        assert!(matches!(field(&r, "Holder", "small"), Ty::Named(_)));
        assert!(
            matches!(field(&r, "Holder", "many"), Ty::Vec(_)),
            "a Vec is small already"
        );
        let TypeKind::Union(u) = &r.def("Either").kind else {
            panic!("a union")
        };
        assert!(matches!(u.variants[0].ty, Ty::Box(_)));
        assert!(matches!(u.variants[1].ty, Ty::Named(_)));
    }

    #[test]
    fn nesting_no_longer_multiplies_sizes() {
        // Each level holds the one below twice: 2^12 copies of the leaf by value.
        let mut schemas = Map::new();
        schemas.insert("L0".into(), strings(4));
        for i in 1..=12 {
            let below = format!("#/components/schemas/L{}", i - 1);
            schemas.insert(
                format!("L{i}"),
                json!({"type": "object", "properties": {
                    "a": {"$ref": below}, "b": {"$ref": below}}}),
            );
        }
        let mut r = resolve(Value::Object(schemas), json!({}));
        let sizes = box_large(&mut r.space);
        assert!(
            sizes.iter().all(|s| *s <= 4 * LARGEST_BY_VALUE),
            "{sizes:?}"
        );
    }
}
