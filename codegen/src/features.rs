//! Cargo features per tag: which feature each operation and each type needs, so a
//! consumer who calls one tag's operations compiles only what they reach. Decided
//! from the resolved model before anything is printed.

use crate::names::snake;
use crate::operations::OperationSet;
use crate::types::{Ty, TypeId, TypeKind, TypeSpace};
use heck::ToKebabCase;

/// crates.io refuses a crate with more features than this.
const MAX_FEATURES: usize = 300;
/// The feature of operations without a tag.
pub const UNTAGGED: &str = "untagged";
/// How operations without a tag are listed among the tags: no tag can be
/// spelled so, so a tag named `untagged` stays a tag of its own.
pub const UNTAGGED_KEY: &str = "\u{0}untagged";
/// The feature of types no operation reaches.
pub const UNREFERENCED: &str = "unreferenced-types";

#[derive(Debug, Clone)]
pub struct Feature {
    /// The Cargo feature (`data-center-facilities`).
    pub name: String,
    /// The module its operations are written to (`data_center_facilities`).
    pub module: String,
    /// The document's tags it stands for (one, or several when grouped).
    pub tags: Vec<String>,
}

/// Features, and the features each operation and each type needs (any of them).
#[derive(Debug, Clone, Default)]
pub struct Features {
    pub list: Vec<Feature>,
    /// By operation index: the features that enable it.
    pub of_operation: Vec<Vec<usize>>,
    /// By type id: the features that enable it (the unreferenced feature for types
    /// no operation reaches).
    pub of_type: Vec<Vec<usize>>,
    /// By feature: whether its client module (that of the operations whose first
    /// feature it is) holds only operations that need it alone, so the module is
    /// gated by it alone.
    alone_in_module: Vec<bool>,
}

impl Features {
    pub fn of(space: &TypeSpace, built: &OperationSet) -> Self {
        // Every feature and module name is claimed against the registry of the
        // crate's own (`reserved`): a tag `mock`, `mod`, `self` or `serde` gets
        // a numbered one.
        let mut names = crate::reserved::features();
        let mut modules = crate::reserved::modules();
        // Tags in first-seen order, each with how many operations it has.
        let mut tags: Vec<(String, usize)> = Vec::new();
        for op in &built.operations {
            let op_tags: Vec<&str> = if op.tags.is_empty() {
                vec![UNTAGGED_KEY]
            } else {
                op.tags.iter().map(String::as_str).collect()
            };
            for t in op_tags {
                match tags.iter_mut().find(|(name, _)| name == t) {
                    Some(entry) => entry.1 += 1,
                    None => tags.push((t.to_string(), 1)),
                }
            }
        }
        // Past the limit, the smallest tags share one feature.
        let room = MAX_FEATURES - 3;
        let mut by_size: Vec<usize> = (0..tags.len()).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(tags[i].1));
        let grouped: Vec<bool> = {
            let mut g = vec![false; tags.len()];
            for &i in by_size.iter().skip(room) {
                g[i] = true;
            }
            g
        };
        let mut list: Vec<Feature> = Vec::new();
        let mut feature_of_tag = vec![0; tags.len()];
        let mut other = None;
        for (i, (tag, _)) in tags.iter().enumerate() {
            if grouped[i] {
                let idx = *other.get_or_insert_with(|| {
                    list.push(Feature {
                        name: names.claim("other-tags"),
                        module: modules.claim("other_tags"),
                        tags: Vec::new(),
                    });
                    list.len() - 1
                });
                list[idx].tags.push(tag.clone());
                feature_of_tag[i] = idx;
                continue;
            }
            let (feature, module) = if tag == UNTAGGED_KEY {
                (UNTAGGED.to_string(), UNTAGGED.to_string())
            } else {
                (feature_name(tag), snake(tag))
            };
            list.push(Feature {
                name: names.claim(&feature),
                module: modules.claim(&module),
                tags: vec![tag.clone()],
            });
            feature_of_tag[i] = list.len() - 1;
        }
        let of_operation: Vec<Vec<usize>> = built
            .operations
            .iter()
            .map(|op| {
                let mut fs: Vec<usize> = if op.tags.is_empty() {
                    vec![UNTAGGED_KEY]
                } else {
                    op.tags.iter().map(String::as_str).collect()
                }
                .into_iter()
                .filter_map(|t| tags.iter().position(|(name, _)| name == t))
                .map(|i| feature_of_tag[i])
                .collect();
                fs.sort_unstable();
                fs.dedup();
                fs
            })
            .collect();
        // Each feature's operations reach types; types reach the types they name.
        let edges: Vec<Vec<TypeId>> = space.defs.iter().map(|d| referenced(&d.kind)).collect();
        let mut of_type: Vec<Vec<usize>> = vec![Vec::new(); space.defs.len()];
        for (op, features) in built.operations.iter().zip(&of_operation) {
            let mut stack: Vec<TypeId> = op.types().flat_map(Ty::named).collect();
            // Each feature walks the graph once per operation root set; a type
            // already carrying every feature of the operation is not walked again.
            while let Some(id) = stack.pop() {
                let slot = &mut of_type[id.0];
                let before = slot.len();
                for f in features {
                    if !slot.contains(f) {
                        slot.push(*f);
                    }
                }
                if slot.len() > before {
                    stack.extend(edges[id.0].iter().copied());
                }
            }
        }
        let unreferenced = of_type.iter().any(Vec::is_empty).then(|| {
            list.push(Feature {
                name: names.claim(UNREFERENCED),
                // Held back from tags above, so it is free.
                module: "unreferenced".to_string(),
                tags: Vec::new(),
            });
            list.len() - 1
        });
        let lonely: Vec<usize> = (0..of_type.len())
            .filter(|&i| of_type[i].is_empty())
            .collect();
        if let Some(u) = unreferenced {
            // What a type no operation reaches names compiles with it too.
            let mut stack: Vec<TypeId> = lonely.iter().map(|&i| TypeId(i)).collect();
            while let Some(id) = stack.pop() {
                let slot = &mut of_type[id.0];
                if !slot.contains(&u) {
                    slot.push(u);
                    stack.extend(edges[id.0].iter().copied());
                }
            }
        }
        for fs in &mut of_type {
            fs.sort_unstable();
        }
        let mut features = Features {
            alone_in_module: vec![true; list.len()],
            list,
            of_operation,
            of_type,
        };
        for op in 0..features.of_operation.len() {
            if let Some(module) = features.module_of_operation(op)
                && features.of_operation[op].len() > 1
            {
                features.alone_in_module[module] = false;
            }
        }
        features
    }

    /// The feature whose client module holds an operation's items: its first.
    /// The one place this is decided (the plan groups by it, the item gates
    /// rely on it).
    pub fn module_of_operation(&self, op: usize) -> Option<usize> {
        self.of_operation.get(op)?.first().copied()
    }
}

/// A Cargo feature name for a tag: lower-case words joined by `-`, ASCII only.
fn feature_name(tag: &str) -> String {
    let kebab: String = tag
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let kebab = kebab.trim_matches('-').to_string();
    match kebab.chars().next() {
        None => "tag".to_string(),
        Some(c) if c.is_ascii_digit() => format!("tag-{kebab}"),
        Some(_) => kebab,
    }
}

/// The named types a definition refers to.
fn referenced(kind: &TypeKind) -> Vec<TypeId> {
    let mut out = Vec::new();
    match kind {
        TypeKind::Pending | TypeKind::Enum(_) => {}
        TypeKind::Alias(t) | TypeKind::Newtype(t) => out.extend(t.named()),
        TypeKind::Struct(s) => {
            for f in &s.fields {
                out.extend(f.ty.named());
            }
            if let Some((_, t)) = &s.extra {
                out.extend(t.named());
            }
        }
        TypeKind::Union(u) => {
            for v in &u.variants {
                out.extend(v.ty.named());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_valid_feature_names() {
        assert_eq!(
            feature_name("Data Center Facilities"),
            "data-center-facilities"
        );
        assert_eq!(feature_name("Api20100401Address"), "api20100401-address");
        assert_eq!(feature_name("2fa"), "tag-2fa");
        assert_eq!(feature_name("ünïcode!"), "ncode");
        assert_eq!(feature_name("***"), "tag");
    }

    #[test]
    fn tags_named_as_the_crates_own_features_get_other_names() {
        let r = crate::test_support::resolve(
            serde_json::json!({}),
            serde_json::json!({"/a": {"get": {"operationId": "a", "tags": ["cli"], "responses": {"200": {"description": "ok"}}}},
                              "/b": {"get": {"operationId": "b", "tags": ["mock"], "responses": {"200": {"description": "ok"}}}}}),
        );
        let f = Features::of(&r.space, &r.operations);
        let names: Vec<(&str, &str)> = f
            .list
            .iter()
            .map(|f| (f.name.as_str(), f.module.as_str()))
            .collect();
        assert_eq!(names, [("cli2", "cli2"), ("mock2", "mock2")]);
    }

    /// An operation's items repeat no `#[cfg]` their module already has, and
    /// keep it where the module is also compiled for another feature.
    #[test]
    fn operations_repeat_no_cfg_of_their_module() {
        let op = |id: &str, tags: &[&str]| {
            serde_json::json!({"operationId": id, "tags": tags,
                "responses": {"204": {"description": "none"}}})
        };
        let r = crate::test_support::resolve(
            serde_json::json!({}),
            serde_json::json!({
                "/a": {"get": op("a", &["a"])},
                "/ab": {"get": op("ab", &["a", "b"])},
                "/b": {"get": op("b", &["b"])},
                "/c": {"get": op("c", &["c"])}
            }),
        );
        let f = Features::of(&r.space, &r.operations);
        let cfg = |id: &str| {
            let i = r
                .operations
                .operations
                .iter()
                .position(|o| o.method_name == id)
                .unwrap();
            let gate = f.operation_item_gate(i);
            assert!(gate.note.is_some(), "{id} keeps its doc note");
            gate.cfg.to_string()
        };
        // Module `a` is compiled with `a` or `b` (it holds `ab`).
        assert_eq!(cfg("a"), quote::quote!(#[cfg(feature = "a")]).to_string());
        assert_eq!(
            cfg("ab"),
            quote::quote!(#[cfg(any(feature = "a", feature = "b"))]).to_string()
        );
        // Modules `b` and `c` are compiled with their one feature.
        assert_eq!(cfg("b"), "");
        assert_eq!(cfg("c"), "");
    }

    /// A type no operation reaches compiles with `unreferenced-types` alone,
    /// and so must every type it names (found by the crate snapshot of
    /// `tests/specs/large.yaml`: `Shape` named `Level3`, compiled only with
    /// the operations' feature).
    #[test]
    fn what_an_unreferenced_type_names_compiles_with_it() {
        let r = crate::test_support::resolve(
            serde_json::json!({
                "Used": {"type": "object", "properties": {"x": {"type": "string"}}},
                "Lonely": {"type": "object", "properties": {"used": {"$ref": "#/components/schemas/Used"}}}
            }),
            serde_json::json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Used"}}}}}}}}),
        );
        let f = Features::of(&r.space, &r.operations);
        let names = |name: &str| -> Vec<&str> {
            let id = r.space.defs.iter().position(|d| d.name == name).unwrap();
            f.of_type[id]
                .iter()
                .map(|&i| f.list[i].name.as_str())
                .collect()
        };
        assert_eq!(names("Lonely"), ["unreferenced-types"]);
        assert_eq!(names("Used"), ["untagged", "unreferenced-types"]);
    }
}

/// What an item needs to be compiled: its `#[cfg(…)]` and the sentence its
/// documentation says it with (`doc(cfg)` needs nightly; text works everywhere).
#[derive(Debug, Clone, Default)]
pub struct Gate {
    pub cfg: proc_macro2::TokenStream,
    pub note: Option<String>,
}

impl Gate {
    /// Compiled with any of these features.
    pub fn any(names: &[&str]) -> Self {
        use quote::quote;
        let (cfg, note) = match names {
            [] => return Gate::default(),
            [one] => (
                quote!(#[cfg(feature = #one)]),
                format!("Available with the crate feature `{one}`."),
            ),
            many => (
                quote!(#[cfg(any(#(feature = #many),*))]),
                format!(
                    "Available with any of the crate features {}.",
                    many.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        };
        Gate {
            cfg,
            note: Some(note),
        }
    }
}

impl Features {
    pub fn type_gate(&self, id: TypeId) -> Gate {
        self.gate(
            self.of_type
                .get(id.0)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        )
    }

    /// The feature whose own module (`types/<module>.rs`, gated by it) holds the
    /// type: the only one that reaches it. A type several reach is in `shared`.
    pub fn own_feature_of_type(&self, id: usize) -> Option<usize> {
        match self.of_type.get(id).map(Vec::as_slice) {
            Some([one]) => Some(*one),
            _ => None,
        }
    }

    /// The gate an item of the type carries inside its module: no `#[cfg]` of
    /// its own where the module is gated by the same feature, only the doc note.
    pub fn type_item_gate(&self, id: TypeId) -> Gate {
        let mut gate = self.type_gate(id);
        if self.own_feature_of_type(id.0).is_some() {
            gate.cfg = proc_macro2::TokenStream::new();
        }
        gate
    }

    pub fn operation_gate(&self, index: usize) -> Gate {
        self.gate(
            self.of_operation
                .get(index)
                .map(Vec::as_slice)
                .unwrap_or_default(),
        )
    }

    /// The gate an operation's items carry inside their module: no `#[cfg]` of
    /// their own where the module is gated by the same one feature, only the doc
    /// note (a third of the crate's `#[cfg]`s were such repeats).
    pub fn operation_item_gate(&self, index: usize) -> Gate {
        let mut gate = self.operation_gate(index);
        if let Some(&[one]) = self.of_operation.get(index).map(Vec::as_slice)
            && self.alone_in_module.get(one).copied().unwrap_or(false)
        {
            gate.cfg = proc_macro2::TokenStream::new();
        }
        gate
    }

    fn gate(&self, features: &[usize]) -> Gate {
        let names: Vec<&str> = features
            .iter()
            .map(|&f| self.list[f].name.as_str())
            .collect();
        Gate::any(&names)
    }
}
