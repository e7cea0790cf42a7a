//! A generated crate's files: which items go to which file, each module's header,
//! the manifest.
//!
//! Operations go to one client module per tag (`src/client/ports.rs`), types to
//! one file per tag for the types only that tag's operations reach, `shared.rs`
//! for those several tags reach and `unreferenced.rs` for those none does. Every
//! operation and type is gated by the Cargo features of the tags that reach it.

use crate::client::{ClientEmitter, ClientSettings};
use crate::commands::Commands;
use crate::diagnostics::Diagnostic;
use crate::features::Features;
use crate::names::ident;
use crate::needs::Needs;
use crate::operations::OperationSet;
use crate::output::{self, GeneratedFile};
use crate::parallel::{self, Chunk, Context, OPS_PER_CHUNK, TYPES_PER_CHUNK};
use crate::runtime;
use crate::types::{TypeEmitter, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;
use std::time::Duration;

pub struct Input<'a> {
    pub space: &'a TypeSpace,
    pub built: &'a OperationSet,
    pub needs: &'a Needs,
    pub client: ClientSettings<'a>,
    pub capture_unknown: bool,
    /// The crate's doc comment (inner attributes).
    pub crate_doc: TokenStream,
    pub header: &'a str,
    pub manifest: output::Manifest<'a>,
    pub command: &'a str,
    pub source: &'a str,
}

pub struct Assembled {
    pub files: Vec<GeneratedFile>,
    pub emit: Duration,
    pub format: Duration,
}

/// One output file made of a header and formatted chunks.
struct Planned {
    path: String,
    head: TokenStream,
    chunks: std::ops::Range<usize>,
}

pub fn crate_files(input: Input<'_>) -> Result<Assembled, Vec<Diagnostic>> {
    let space = input.space;
    let built = input.built;
    let has_client = input.needs.client;
    // Without operations there is nothing to choose between: no features.
    let features = has_client.then(|| Features::of(space, built));
    let runtime_modules = runtime::modules(input.needs);
    let fmt = |tokens: TokenStream, what: &str| {
        output::format_file(tokens, input.header, what).map_err(|d| vec![d])
    };
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut planned: Vec<Planned> = Vec::new();
    let mut plan = |path: String, head: TokenStream, new: Vec<Chunk>| {
        let start = chunks.len();
        chunks.extend(new);
        planned.push(Planned {
            path,
            head,
            chunks: start..chunks.len(),
        });
    };
    let runtime_use = (!runtime_modules.is_empty()).then(|| {
        quote! {
            #[allow(unused_imports)]
            use super::runtime;
        }
    });
    let sub_header = quote! {
        #[allow(unused_imports)]
        use super::*;
    };

    // Types.
    let types_header = TypeEmitter::header();
    let all_types: Vec<usize> = (0..space.defs.len()).collect();
    match &features {
        None => plan(
            "src/types/mod.rs".into(),
            quote!(#types_header #runtime_use),
            parallel::chunks(&all_types, TYPES_PER_CHUNK)
                .map(Chunk::Types)
                .collect(),
        ),
        Some(f) => {
            let groups = type_groups(f);
            let (mods, uses) = module_list(
                f,
                groups.iter().map(|(m, _, ids)| {
                    (
                        m.as_str(),
                        ids.iter().flat_map(|&id| f.of_type[id].iter().copied()),
                    )
                }),
            );
            plan(
                "src/types/mod.rs".into(),
                quote!(#types_header #runtime_use #mods #uses),
                Vec::new(),
            );
            for (module, doc, ids) in &groups {
                plan(
                    format!("src/types/{module}.rs"),
                    quote!(#![doc = #doc] #sub_header),
                    parallel::chunks(ids, TYPES_PER_CHUNK)
                        .map(Chunk::Types)
                        .collect(),
                );
            }
        }
    }

    // Client.
    if let Some(f) = &features {
        let types = TypeEmitter::new(space);
        let emitter = ClientEmitter::new(space, &types, built, input.client.clone());
        let header = emitter.emit_header();
        let groups = client_groups(f, built.operations.len());
        let (mods, uses) = module_list(
            f,
            groups.iter().map(|(m, _, ops)| {
                (
                    m.as_str(),
                    ops.iter()
                        .flat_map(|&op| f.of_operation[op].iter().copied()),
                )
            }),
        );
        plan(
            "src/client/mod.rs".into(),
            quote!(#header #mods #uses),
            Vec::new(),
        );
        for (module, doc, ops) in &groups {
            plan(
                format!("src/client/{module}.rs"),
                quote!(#![doc = #doc] #sub_header),
                parallel::chunks(ops, OPS_PER_CHUNK)
                    .map(Chunk::Ops)
                    .collect(),
            );
        }
    }

    // The program (crate feature `cli`): a module of commands per client module.
    let commands = (input.needs.cli && features.is_some()).then(|| Commands::of(space, built));
    if let (Some(f), Some(c)) = (&features, &commands) {
        let types = TypeEmitter::new(space);
        let emitter = ClientEmitter::new(space, &types, built, input.client.clone())
            .gated_by(f)
            .with_commands(c);
        let groups = client_groups(f, built.operations.len());
        let modules: Vec<(String, TokenStream)> = groups
            .iter()
            .map(|(m, _, ops)| {
                let mut names: Vec<&str> = ops
                    .iter()
                    .flat_map(|&op| f.of_operation[op].iter())
                    .map(|&i| f.list[i].name.as_str())
                    .collect();
                names.sort_unstable();
                names.dedup();
                (m.clone(), crate::features::Gate::any(&names).cfg)
            })
            .collect();
        plan(
            "src/cli/mod.rs".into(),
            emitter.emit_program(&modules),
            Vec::new(),
        );
        for (module, doc, ops) in &groups {
            let doc = doc.replace(" The operations of", " The commands of the operations of");
            let list = emitter.command_list(ops);
            plan(
                format!("src/cli/{module}.rs"),
                quote!(#![doc = #doc] #sub_header #list),
                parallel::chunks(ops, OPS_PER_CHUNK)
                    .map(Chunk::Commands)
                    .collect(),
            );
        }
    }

    let formatted = parallel::format_all(
        &chunks,
        &Context {
            space,
            built,
            settings: &input.client,
            capture_unknown: input.capture_unknown,
            features: features.as_ref(),
            commands: commands.as_ref(),
        },
    )
    .map_err(|d| vec![d])?;
    let (emit, format) = (formatted.emit, formatted.format);

    let mut files = Vec::new();
    let client_mod = has_client.then(|| {
        quote!(
            pub mod client;
        )
    });
    let runtime_mod = (!runtime_modules.is_empty()).then(|| {
        quote!(
            mod runtime;
        )
    });
    let cli_mod = commands.is_some().then(|| {
        quote!(
            #[cfg(feature = "cli")]
            pub mod cli;
        )
    });
    let mut reexports = runtime::reexports(&runtime_modules);
    if has_client {
        reexports.extend(quote!(
            pub use client::{Client, ClientBuilder};
        ));
    }
    let crate_doc = &input.crate_doc;
    let crate_path = crate::names::ident(input.client.crate_ident);
    files.push(GeneratedFile {
        path: "src/lib.rs".into(),
        contents: fmt(
            quote! {
                #crate_doc
                #![forbid(unsafe_code)]
                pub mod types;
                #client_mod
                #cli_mod
                #runtime_mod
                #reexports
            },
            "lib.rs",
        )?,
    });
    if commands.is_some() {
        let name = input.manifest.name;
        let doc = format!(
            " The command-line program `{name}`: `cargo install --path . --features cli`, then `{name} --help`."
        );
        files.push(GeneratedFile {
            path: "src/main.rs".into(),
            contents: fmt(
                quote! {
                    #![doc = #doc]
                    #![forbid(unsafe_code)]

                    fn main() -> std::process::ExitCode {
                        #crate_path::cli::main()
                    }
                },
                "main.rs",
            )?,
        });
    }
    // Each chunk's text is freed once copied into its file.
    let mut texts = formatted.texts;
    for p in planned {
        let head = fmt(p.head, &p.path)?;
        let chunks = &mut texts[p.chunks];
        let mut text =
            String::with_capacity(head.len() + chunks.iter().map(|c| c.len() + 1).sum::<usize>());
        text.push_str(&head);
        for chunk in chunks {
            text.push('\n');
            text.push_str(&std::mem::take(chunk));
        }
        files.push(GeneratedFile {
            path: p.path.into(),
            contents: text,
        });
    }
    if !runtime_modules.is_empty() {
        let (mod_rs, copies) = runtime::files(&runtime_modules, input.header);
        files.push(GeneratedFile {
            path: "src/runtime/mod.rs".into(),
            contents: fmt(mod_rs, "runtime module")?,
        });
        files.extend(copies);
    }
    let mut manifest = input.manifest;
    manifest.crates.extend(runtime::crates(&runtime_modules));
    if let Some(f) = &features {
        manifest.features = f.list.iter().map(|f| f.name.clone()).collect();
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: output::manifest(&manifest, input.command, input.source),
    });
    files.push(GeneratedFile {
        path: "rustfmt.toml".into(),
        contents: output::rustfmt_toml(input.command, input.source),
    });
    Ok(Assembled {
        files,
        emit,
        format,
    })
}

/// `mod m;` and `pub use self::m::*;` for each module, each compiled only with the
/// features its items need (so that a build without them has no unused import).
fn module_list<'m, F: Iterator<Item = usize>>(
    f: &Features,
    modules: impl Iterator<Item = (&'m str, F)>,
) -> (TokenStream, TokenStream) {
    let (mut mods, mut uses) = (TokenStream::new(), TokenStream::new());
    for (module, features) in modules {
        let mut names: Vec<&str> = features.map(|i| f.list[i].name.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let cfg = crate::features::Gate::any(&names).cfg;
        let m = ident(module);
        mods.extend(quote!(#cfg mod #m;));
        uses.extend(quote!(#cfg pub use self::#m::*;));
    }
    (mods, uses)
}

/// Types by file: each tag's own, then those shared by several, then those no
/// operation reaches. Each with its module doc.
fn type_groups(f: &Features) -> Vec<(String, String, Vec<usize>)> {
    let mut own: Vec<Vec<usize>> = vec![Vec::new(); f.list.len()];
    let mut shared = Vec::new();
    for (id, fs) in f.of_type.iter().enumerate() {
        match fs.as_slice() {
            [one] => own[*one].push(id),
            _ => shared.push(id),
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

/// Operations by file: each under its first tag's module.
fn client_groups(f: &Features, operations: usize) -> Vec<(String, String, Vec<usize>)> {
    let mut by_feature: Vec<Vec<usize>> = vec![Vec::new(); f.list.len()];
    for op in 0..operations {
        if let Some(first) = f.of_operation[op].first() {
            by_feature[*first].push(op);
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
