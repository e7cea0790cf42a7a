//! Breaking infinite-size recursion with `Box`, and only where a cycle needs it.

use super::{Ty, TypeId, TypeKind, TypeSpace};

/// The named type `ty` holds by value (not behind `Vec`, a map or `Box`).
fn direct(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Option(inner) => direct(inner),
        _ => None,
    }
}

fn boxed(ty: Ty) -> Ty {
    match ty {
        Ty::Option(inner) => Ty::Option(Box::new(boxed(*inner))),
        other => Ty::Box(Box::new(other)),
    }
}

fn edges(kind: &TypeKind) -> Vec<TypeId> {
    match kind {
        TypeKind::Struct(s) => s.fields.iter().filter_map(|f| direct(&f.ty)).collect(),
        TypeKind::Union(u) => u.variants.iter().filter_map(|v| direct(&v.ty)).collect(),
        TypeKind::Alias(t) => direct(t).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// Tarjan's strongly connected components, iteratively (deep schemas must not
/// overflow the stack). Returns the component index of every node.
fn components(space: &TypeSpace) -> Vec<usize> {
    let n = space.defs.len();
    let adj: Vec<Vec<TypeId>> = space.defs.iter().map(|d| edges(&d.kind)).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next = 0;
    let mut comps = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            if *i == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *i < adj[v].len() {
                let w = adj[v][*i].0;
                *i += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps;
                    if w == v {
                        break;
                    }
                }
                comps += 1;
            }
        }
    }
    comp
}

pub fn box_cycles(space: &mut TypeSpace) {
    let comp = components(space);
    let same = |a: usize, b: TypeId| comp[a] == comp[b.0];
    let mut alias_cycles = Vec::new();
    for (i, def) in space.defs.iter_mut().enumerate() {
        match &mut def.kind {
            TypeKind::Struct(s) => {
                for f in &mut s.fields {
                    if direct(&f.ty).is_some_and(|t| same(i, t)) {
                        f.ty = boxed(std::mem::replace(&mut f.ty, Ty::Unit));
                    }
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    if direct(&v.ty).is_some_and(|t| same(i, t)) {
                        v.ty = boxed(std::mem::replace(&mut v.ty, Ty::Unit));
                    }
                }
            }
            TypeKind::Alias(t) if direct(t).is_some_and(|t| same(i, t)) => alias_cycles.push(i),
            _ => {}
        }
    }
    // A cycle made only of aliases has no field to box: it names no type at all.
    let comp = components(space);
    for i in alias_cycles {
        if let TypeKind::Alias(t) = &space.defs[i].kind {
            if direct(t).is_some_and(|t| comp[t.0] == comp[i]) {
                space.defs[i].kind = TypeKind::Alias(Ty::Json);
            }
        }
    }
}
