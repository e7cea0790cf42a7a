//! One plan of a generated crate's items: which module each goes to, and under
//! which Cargo features. Both layouts print the same plan (`assemble`): the
//! crate layout writes a file per module, the single file puts the modules
//! inline. So the snapshots of the focused documents, taken in both layouts,
//! run the one piece of code that decides where items go and how they are gated.
//!
//! Operations go to one client module per tag (`src/client/ports.rs`), types to
//! one module per tag for the types only that tag's operations reach, `shared`
//! for those several tags reach and `unreferenced` for those none does. Every
//! operation and type is gated by the Cargo features of the tags that reach it.
//! Without features (a document without operations, or a single file: a module
//! of another crate has no features of its own) `types` and `client` are one
//! module each.

use crate::client::{ClientEmitter, ClientSettings, ErrorEnums};
use crate::commands::Commands;
use crate::features::{Features, Gate};
use crate::names::ident;
use crate::needs::Needs;
use crate::operations::OperationSet;
use crate::parallel::{self, Chunk, OPS_PER_CHUNK, TYPES_PER_CHUNK};
use crate::runtime;
use crate::types::{TypeEmitter, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;
use std::ops::Range;

/// Every item of a generated crate, by module.
pub struct Plan {
    /// Runs of items, printed in order (in parallel by the crate layout).
    pub chunks: Vec<Chunk>,
    /// Every module, parents before children, the crate root first.
    pub modules: Vec<Module>,
    pub features: Option<Features>,
    /// The program's commands (crate feature `cli`).
    pub commands: Option<Commands>,
    /// Which operations share an error enum.
    pub errors: ErrorEnums,
    pub runtime: Vec<&'static runtime::Module>,
    /// The crates.io dependencies, by name (`output::dependency`).
    pub crates: Vec<&'static str>,
}

/// A module: where it is, how its parent declares it, what it holds.
pub struct Module {
    /// Below the crate root (`["types", "metros"]`); empty for the root.
    pub path: Vec<String>,
    /// Its gate and visibility in the parent's declaration (`#[cfg(…)] pub`),
    /// or `None` where the parent's own items declare it (the program's modules,
    /// which list their commands) and for the root.
    pub decl: Option<TokenStream>,
    pub body: Body,
}

pub enum Body {
    /// `head`, the declarations of the child modules, `tail`, then the chunks.
    Items {
        head: TokenStream,
        tail: TokenStream,
        chunks: Range<usize>,
    },
    /// The runtime's modules: copied files, or inline.
    Runtime,
}

impl Plan {
    /// The plan of a crate with `needs` (and so with a mock and a program or
    /// not); `features` decides whether items are split and gated by tag.
    pub fn of(
        space: &TypeSpace,
        built: &OperationSet,
        needs: &Needs,
        client: &ClientSettings<'_>,
        features: bool,
    ) -> Plan {
        let has_client = needs.client;
        // Without operations there is nothing to choose between: no features.
        let features = (has_client && features).then(|| Features::of(space, built));
        let runtime_modules = runtime::modules(needs);
        let commands = (needs.cli && features.is_some()).then(|| Commands::of(space, built));
        let mut crates = vec!["serde", "serde_json"];
        if needs.bytes || has_client {
            crates.push("bytes");
        }
        crates.extend(runtime::crates(&runtime_modules));
        let mut plan = Plan {
            chunks: Vec::new(),
            modules: Vec::new(),
            features: None,
            commands: None,
            errors: ErrorEnums::default(),
            runtime: runtime_modules,
            crates,
        };
        let reexports = plan.reexports(has_client);
        plan.add(
            &[],
            None,
            quote!(#![forbid(unsafe_code)]),
            reexports,
            Vec::new(),
        );
        plan.types(space, features.as_ref());
        if has_client {
            plan.client(space, built, client, features.as_ref());
            let types = TypeEmitter::new(space);
            let emitter = ClientEmitter::new(space, &types, built, client.clone());
            plan.errors = ErrorEnums::of(&emitter, features.as_ref());
        }
        if let (Some(f), Some(c)) = (&features, &commands) {
            plan.program(space, built, client, f, c);
        }
        if !plan.runtime.is_empty() {
            plan.modules.push(Module {
                path: vec!["runtime".into()],
                decl: Some(TokenStream::new()),
                body: Body::Runtime,
            });
        }
        plan.features = features;
        plan.commands = commands;
        plan
    }

    /// The modules directly below `modules[parent]`.
    pub fn children(&self, parent: usize) -> impl Iterator<Item = usize> + '_ {
        let above = &self.modules[parent].path;
        (0..self.modules.len()).filter(move |&i| {
            let path = &self.modules[i].path;
            path.len() == above.len() + 1 && path.starts_with(above)
        })
    }

    fn add(
        &mut self,
        path: &[&str],
        decl: Option<TokenStream>,
        head: TokenStream,
        tail: TokenStream,
        chunks: Vec<Chunk>,
    ) {
        let start = self.chunks.len();
        self.chunks.extend(chunks);
        self.modules.push(Module {
            path: path.iter().map(|s| s.to_string()).collect(),
            decl,
            body: Body::Items {
                head,
                tail,
                chunks: start..self.chunks.len(),
            },
        });
    }

    fn reexports(&self, has_client: bool) -> TokenStream {
        let mut reexports = runtime::reexports(&self.runtime);
        if has_client {
            reexports.extend(quote!(
                pub use client::{Client, ClientBuilder};
            ));
        }
        reexports
    }

    fn types(&mut self, space: &TypeSpace, features: Option<&Features>) {
        // Types name the runtime as `runtime::`; modules below bring it in with
        // `use super::*`.
        let runtime_use = (!self.runtime.is_empty()).then(|| {
            quote! {
                #[allow(unused_imports)]
                use super::runtime;
            }
        });
        let header = TypeEmitter::header();
        let all: Vec<usize> = (0..space.defs.len()).collect();
        let Some(f) = features else {
            let chunks = parallel::chunks(&all, TYPES_PER_CHUNK).map(Chunk::Types);
            self.add(
                &["types"],
                Some(quote!(pub)),
                quote!(#header #runtime_use),
                TokenStream::new(),
                chunks.collect(),
            );
            return;
        };
        let groups = type_groups(f);
        let uses = uses(
            f,
            groups.iter().map(|(m, _, ids)| {
                (
                    m.as_str(),
                    ids.iter().flat_map(|&id| f.of_type[id].iter().copied()),
                )
            }),
        );
        self.add(
            &["types"],
            Some(quote!(pub)),
            quote!(#header #runtime_use),
            uses,
            Vec::new(),
        );
        for (module, doc, ids) in &groups {
            let gate = gate(f, ids.iter().flat_map(|&id| f.of_type[id].iter().copied()));
            self.add(
                &["types", module.as_str()],
                Some(gate),
                quote!(#![doc = #doc] #[allow(unused_imports)] use super::*;),
                TokenStream::new(),
                parallel::chunks(ids, TYPES_PER_CHUNK)
                    .map(Chunk::Types)
                    .collect(),
            );
        }
    }

    fn client(
        &mut self,
        space: &TypeSpace,
        built: &OperationSet,
        settings: &ClientSettings<'_>,
        features: Option<&Features>,
    ) {
        let types = TypeEmitter::new(space);
        let header = ClientEmitter::new(space, &types, built, settings.clone()).emit_header();
        let Some(f) = features else {
            let all: Vec<usize> = (0..built.operations.len()).collect();
            let chunks = parallel::chunks(&all, OPS_PER_CHUNK).map(Chunk::Ops);
            self.add(
                &["client"],
                Some(quote!(pub)),
                header,
                TokenStream::new(),
                chunks.collect(),
            );
            return;
        };
        let groups = client_groups(f, built.operations.len());
        let uses = uses(
            f,
            groups.iter().map(|(m, _, ops)| {
                (
                    m.as_str(),
                    ops.iter()
                        .flat_map(|&op| f.of_operation[op].iter().copied()),
                )
            }),
        );
        self.add(&["client"], Some(quote!(pub)), header, uses, Vec::new());
        for (module, doc, ops) in &groups {
            let gate = gate(
                f,
                ops.iter()
                    .flat_map(|&op| f.of_operation[op].iter().copied()),
            );
            self.add(
                &["client", module.as_str()],
                Some(gate),
                quote!(#![doc = #doc] #[allow(unused_imports)] use super::*;),
                TokenStream::new(),
                parallel::chunks(ops, OPS_PER_CHUNK)
                    .map(Chunk::Ops)
                    .collect(),
            );
        }
    }

    /// The program (crate feature `cli`): a module of commands per client module.
    fn program(
        &mut self,
        space: &TypeSpace,
        built: &OperationSet,
        settings: &ClientSettings<'_>,
        f: &Features,
        commands: &Commands,
    ) {
        let types = TypeEmitter::new(space);
        let emitter = ClientEmitter::new(space, &types, built, settings.clone())
            .gated_by(f)
            .with_commands(commands);
        let groups = client_groups(f, built.operations.len());
        let modules: Vec<(String, TokenStream)> = groups
            .iter()
            .map(|(m, _, ops)| {
                let features = ops
                    .iter()
                    .flat_map(|&op| f.of_operation[op].iter().copied());
                (m.clone(), gate(f, features))
            })
            .collect();
        let program = emitter.emit_program(&modules);
        self.add(
            &["cli"],
            Some(quote!(#[cfg(feature = "cli")] pub)),
            program,
            TokenStream::new(),
            Vec::new(),
        );
        for (module, doc, ops) in &groups {
            let doc = doc.replace(" The operations of", " The commands of the operations of");
            let list = emitter.command_list(ops);
            self.add(
                &["cli", module.as_str()],
                None,
                quote!(#![doc = #doc] #[allow(unused_imports)] use super::*; #list),
                TokenStream::new(),
                parallel::chunks(ops, OPS_PER_CHUNK)
                    .map(Chunk::Commands)
                    .collect(),
            );
        }
    }
}

/// The `#[cfg]` of a module holding items that need any of `features`.
fn gate(f: &Features, features: impl Iterator<Item = usize>) -> TokenStream {
    let mut names: Vec<&str> = features.map(|i| f.list[i].name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    Gate::any(&names).cfg
}

/// `pub use self::m::*;` for each module, compiled only with the features its
/// items need (so that a build without them has no unused import).
fn uses<'m, F: Iterator<Item = usize>>(
    f: &Features,
    modules: impl Iterator<Item = (&'m str, F)>,
) -> TokenStream {
    let mut uses = TokenStream::new();
    for (module, features) in modules {
        let cfg = gate(f, features);
        let m = ident(module);
        uses.extend(quote!(#cfg pub use self::#m::*;));
    }
    uses
}

/// Types by module: each tag's own, then those shared by several, then those
/// no operation reaches. Each with its module doc.
fn type_groups(f: &Features) -> Vec<(String, String, Vec<usize>)> {
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); f.list.len()];
    let mut shared = Vec::new();
    for id in 0..f.of_type.len() {
        match f.own_feature_of_type(id) {
            Some(one) => own[one].push(id),
            None => shared.push(id),
        }
    }
    let mut out = Vec::new();
    for (i, ids) in own.into_iter().enumerate() {
        if ids.is_empty() {
            continue;
        }
        let feature = &f.list[i];
        let doc = if feature.tags.is_empty() {
            format!(
                " Types no operation uses (feature `{}`): schemas of the document's components.",
                feature.name
            )
        } else {
            format!(
                " Types only the operations of {} use (feature `{}`).",
                tag_list(&feature.tags),
                feature.name
            )
        };
        out.push((feature.module.clone(), doc, ids));
    }
    if !shared.is_empty() {
        out.push((
            "shared".to_string(),
            " Types the operations of several tags use (each with any of their features)."
                .to_string(),
            shared,
        ));
    }
    out
}

/// Operations by module: each under its first tag's.
fn client_groups(f: &Features, operations: usize) -> Vec<(String, String, Vec<usize>)> {
    let mut by_feature: Vec<Vec<usize>> = vec![Vec::new(); f.list.len()];
    for op in 0..operations {
        if let Some(module) = f.module_of_operation(op) {
            by_feature[module].push(op);
        }
    }
    by_feature
        .into_iter()
        .enumerate()
        .filter(|(_, ops)| !ops.is_empty())
        .map(|(i, ops)| {
            let feature = &f.list[i];
            let doc = format!(
                " The operations of {} (feature `{}`).",
                tag_list(&feature.tags),
                feature.name
            );
            (feature.module.clone(), doc, ops)
        })
        .collect()
}

/// `the tag `ports``, `the tags `a`, `b``, or `no tag`.
fn tag_list(tags: &[String]) -> String {
    let named: Vec<String> = tags
        .iter()
        .filter(|t| t.as_str() != crate::features::UNTAGGED_KEY)
        .map(|t| format!("`{t}`"))
        .collect();
    let untagged = named.len() < tags.len();
    match (named.as_slice(), untagged) {
        ([], _) => "no tag".to_string(),
        ([one], false) => format!("the tag {one}"),
        (many, false) => format!("the tags {}", many.join(", ")),
        (many, true) => format!("the tags {} and of no tag", many.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::{Layout, Settings, generate};
    use serde_json::json;
    use std::collections::BTreeSet;

    fn document() -> String {
        let get = |id: &str, tags: serde_json::Value, schema: &str| {
            json!({"get": {"operationId": id, "tags": tags, "responses": {"200": {
                "description": "ok",
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}
            }}}})
        };
        json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {
                "/a": get("getA", json!(["a"]), "Own"),
                "/b": get("getB", json!(["b"]), "Both"),
                "/c": get("getC", json!(["a"]), "Both"),
            },
            "components": {"schemas": {
                "Own": {"type": "object", "properties": {"x": {"type": "string"}}},
                "Both": {"type": "object", "properties": {"y": {"type": "integer"}}},
                "Nobody": {"type": "string", "enum": ["p", "q"]},
            }}
        })
        .to_string()
    }

    /// `pub struct X` and `pub enum X` of a text.
    fn types(text: &str) -> BTreeSet<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| l.starts_with("pub struct ") || l.starts_with("pub enum "))
            .filter_map(|l| l.split_whitespace().nth(2))
            .map(|n| n.trim_end_matches(['{', ';', '(']).to_string())
            .collect()
    }

    #[test]
    fn both_layouts_print_the_same_types_from_one_plan() {
        let text = document();
        let mut settings = Settings::new("t", "test", "t.json");
        let krate = generate(&text, &settings).unwrap().files;
        settings.layout = Layout::SingleFile {
            deny_warnings: false,
        };
        let single = generate(&text, &settings).unwrap().files;
        let [single] = single.as_slice() else {
            panic!("one file: {single:?}")
        };
        let file = |path: &str| {
            krate
                .iter()
                .find(|f| f.path.to_str() == Some(path))
                .unwrap_or_else(|| panic!("no {path}"))
                .contents
                .as_str()
        };
        // The plan's modules: one per tag for its own types, `shared` for both.
        assert_eq!(
            types(file("src/types/a.rs")),
            BTreeSet::from(["Own".into()])
        );
        assert_eq!(
            types(file("src/types/shared.rs")),
            BTreeSet::from(["Both".into()])
        );
        let in_types: BTreeSet<String> = krate
            .iter()
            .filter(|f| f.path.starts_with("src/types"))
            .flat_map(|f| types(&f.contents))
            .collect();
        let client_at = single.contents.find("pub mod client {").unwrap();
        let single_types = types(&single.contents[..client_at]);
        assert_eq!(in_types, single_types);
        assert!(single_types.contains("Nobody"), "{single_types:?}");
        // Each module file is declared by its parent, and each module of the
        // single file is inline.
        for f in &krate {
            let path = f.path.to_string_lossy();
            if let Some(name) = path
                .strip_prefix("src/types/")
                .or_else(|| path.strip_prefix("src/client/"))
                .and_then(|n| n.strip_suffix(".rs"))
                .filter(|n| *n != "mod")
            {
                let parent = path.replace(&format!("{name}.rs"), "mod.rs");
                assert!(file(&parent).contains(&format!("mod {name};")), "{path}");
            }
        }
        for inline in ["pub mod types {", "pub mod client {", "mod runtime {"] {
            assert!(single.contents.contains(inline), "{inline}");
        }
        assert!(!single.contents.contains("cfg(feature"), "no features");
    }
}
