//! Breaking infinite-size recursion with `Box`, and only where a cycle needs it.
//!
//! A type that holds itself by value (directly or through other types) has no
//! size. Within each strongly connected group of types, a depth-first walk finds
//! the back edges; boxing exactly those makes every cycle finite, so in
//! `Employee.manager ↔ Manager.self` one side is boxed, not both.

use super::{Ty, TypeId, TypeKind, TypeSpace};
use std::collections::HashSet;

/// The named type `ty` holds by value (not behind `Vec`, a map or `Box`), looking
/// through aliases.
fn direct(space: &TypeSpace, ty: &Ty) -> Option<TypeId> {
    let mut id = ty.named_by_value().next()?;
    for _ in 0..64 {
        match &space.get(id).kind {
            TypeKind::Alias(t) => id = t.named_by_value().next()?,
            _ => return Some(id),
        }
    }
    None
}

fn boxed(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(boxed(*inner))),
        other => Ty::Box(Box::new(other)),
    }
}

/// Where an edge starts: which field or variant of its type.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Field(usize),
    Variant(usize),
    Newtype,
}

fn edges(space: &TypeSpace, kind: &TypeKind) -> Vec<(TypeId, Slot)> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .enumerate()
            .filter_map(|(i, f)| Some((direct(space, &f.ty)?, Slot::Field(i))))
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((direct(space, &v.ty)?, Slot::Variant(i))))
            .collect(),
        TypeKind::Newtype(t) => direct(space, t)
            .map(|id| (id, Slot::Newtype))
            .into_iter()
            .collect(),
        _ => Vec::new(),
    }
}

/// Aliases that reach themselves through other aliases only (`A = Vec<B>`,
/// `B = Option<A>`) are illegal in Rust; one alias of each such loop becomes a
/// newtype, which ends the expansion.
fn alias_loops_to_newtypes(space: &mut TypeSpace) {
    for start in 0..space.defs.len() {
        if !matches!(space.defs[start].kind, TypeKind::Alias(_)) {
            continue;
        }
        // Depth-first through aliases only, looking for `start` again.
        let mut stack = vec![start];
        let mut seen = vec![false; space.defs.len()];
        let mut looped = false;
        while let Some(n) = stack.pop() {
            let TypeKind::Alias(t) = &space.defs[n].kind else {
                continue;
            };
            for id in t.named() {
                if id.0 == start {
                    looped = true;
                } else if !seen[id.0] {
                    seen[id.0] = true;
                    stack.push(id.0);
                }
            }
        }
        if looped
            && let TypeKind::Alias(t) =
                std::mem::replace(&mut space.defs[start].kind, TypeKind::Pending)
        {
            space.defs[start].kind = TypeKind::Newtype(t);
        }
    }
}

/// Every edge that closes a cycle in a depth-first walk (iterative, so deep
/// schemas cannot overflow the stack). Removing them leaves no cycle.
fn back_edges(space: &TypeSpace) -> HashSet<(usize, Slot)> {
    let adj: Vec<Vec<(TypeId, Slot)>> = space.defs.iter().map(|d| edges(space, &d.kind)).collect();
    let mut state = vec![0u8; adj.len()]; // 0 new, 1 on the walk's path, 2 finished
    let mut out = HashSet::new();
    for root in 0..adj.len() {
        if state[root] != 0 {
            continue;
        }
        state[root] = 1;
        let mut stack = vec![(root, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&(target, slot)) = adj[node].get(*next) {
                *next += 1;
                match state[target.0] {
                    0 => {
                        state[target.0] = 1;
                        stack.push((target.0, 0));
                    }
                    1 => {
                        out.insert((node, slot));
                    }
                    _ => {}
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
    out
}

pub fn box_cycles(space: &mut TypeSpace) {
    alias_loops_to_newtypes(space);
    let to_box = back_edges(space);
    for (i, slot) in to_box {
        match (&mut space.defs[i].kind, slot) {
            (TypeKind::Struct(s), Slot::Field(f)) => {
                let field = &mut s.fields[f];
                field.ty = boxed(std::mem::replace(&mut field.ty, Ty::Unit));
            }
            (TypeKind::Union(u), Slot::Variant(v)) => {
                let variant = &mut u.variants[v];
                variant.ty = boxed(std::mem::replace(&mut variant.ty, Ty::Unit));
            }
            (TypeKind::Newtype(t), Slot::Newtype) => {
                *t = boxed(std::mem::replace(t, Ty::Unit));
            }
            _ => {}
        }
    }
    // A cycle made only of aliases names no type at all (`A = B`, `B = A`). Each
    // chain is walked once (0 new, 1 on this walk, 2 done), so a chain of 20,000
    // aliases takes 20,000 steps, not 20,000².
    let mut state = vec![0u8; space.defs.len()];
    for i in 0..space.defs.len() {
        let mut path = Vec::new();
        let mut current = i;
        while state[current] == 0 {
            state[current] = 1;
            path.push(current);
            match &space.defs[current].kind {
                TypeKind::Alias(Ty::Named(next)) => current = next.0,
                _ => break,
            }
        }
        if state[current] == 1 && matches!(space.defs[current].kind, TypeKind::Alias(Ty::Named(_)))
        {
            // The walk came back to itself: `current` closes the loop.
            space.defs[current].kind = TypeKind::Alias(Ty::Json);
        }
        for p in path {
            state[p] = 2;
        }
    }
}
