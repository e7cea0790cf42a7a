//! The two renderings of a [`Plan`]: a crate directory, one file per module,
//! with its manifest, or one `.rs` file with every module inline (snapshots,
//! trybuild). Neither decides where an item goes; the plan did.

use crate::client::ClientSettings;
use crate::diagnostics::{Code, Diagnostic};
use crate::names::ident;
use crate::operations::OperationSet;
use crate::output::{self, GeneratedFile};
use crate::parallel::{self, Chunk, Context};
use crate::plan::{Body, Plan};
use crate::runtime;
use crate::types::TypeSpace;
use proc_macro2::TokenStream;
use quote::quote;
use std::time::{Duration, Instant};

pub struct Input<'a> {
    pub space: &'a TypeSpace,
    pub built: &'a OperationSet,
    pub plan: &'a Plan,
    pub client: ClientSettings<'a>,
    pub capture_unknown: bool,
    pub header: &'a str,
}

impl<'a> Input<'a> {
    fn context(&'a self) -> Context<'a> {
        Context {
            space: self.space,
            built: self.built,
            settings: &self.client,
            capture_unknown: self.capture_unknown,
            features: self.plan.features.as_ref(),
            commands: self.plan.commands.as_ref(),
            errors: &self.plan.errors,
        }
    }

    fn format(&self, tokens: TokenStream, what: &str) -> Result<String, Vec<Diagnostic>> {
        output::format_file(tokens, self.header, what).map_err(|d| vec![d])
    }
}

pub struct Assembled {
    pub files: Vec<GeneratedFile>,
    pub emit: Duration,
    pub format: Duration,
}

/// What a crate has besides its modules.
pub struct CrateParts<'a> {
    /// The crate's doc comment (inner attributes).
    pub crate_doc: TokenStream,
    pub manifest: output::Manifest<'a>,
    pub command: &'a str,
    pub source: &'a str,
}

/// The crate layout: `src/lib.rs`, `src/<module>/mod.rs`, `src/<module>/<sub>.rs`,
/// the runtime's files, `Cargo.toml` and `rustfmt.toml`.
pub fn crate_files(input: Input<'_>, parts: CrateParts<'_>) -> Result<Assembled, Vec<Diagnostic>> {
    let plan = input.plan;
    let formatted = parallel::format_all(&plan.chunks, &input.context()).map_err(|d| vec![d])?;
    let mut texts = formatted.texts;
    let mut files = Vec::new();
    for (index, module) in plan.modules.iter().enumerate() {
        let path = match module.path.as_slice() {
            [] => "src/lib.rs".to_string(),
            [one] => format!("src/{one}/mod.rs"),
            more => format!("src/{}.rs", more.join("/")),
        };
        let (head, tail, chunks) = match &module.body {
            Body::Runtime => {
                let (mod_rs, copies) = runtime::files(&plan.runtime, input.header);
                files.push(GeneratedFile {
                    path: path.into(),
                    contents: input.format(mod_rs, "runtime module")?,
                });
                files.extend(copies);
                continue;
            }
            Body::Items { head, tail, chunks } => (head, tail, chunks.clone()),
        };
        let decls = plan.children(index).filter_map(|i| {
            let child = &plan.modules[i];
            let decl = child.decl.as_ref()?;
            let name = ident(child.path.last()?);
            Some(quote!(#decl mod #name;))
        });
        let doc = module.path.is_empty().then_some(&parts.crate_doc);
        let head = input.format(quote!(#doc #head #(#decls)* #tail), &path)?;
        // Each chunk's text is freed once copied into its file.
        let chunks = &mut texts[chunks];
        let mut text =
            String::with_capacity(head.len() + chunks.iter().map(|c| c.len() + 1).sum::<usize>());
        text.push_str(&head);
        for chunk in chunks {
            text.push('\n');
            text.push_str(&std::mem::take(chunk));
        }
        files.push(GeneratedFile {
            path: path.into(),
            contents: text,
        });
    }
    if plan.commands.is_some() {
        let name = parts.manifest.name;
        let crate_path = ident(input.client.crate_ident);
        let doc = format!(
            " The command-line program `{name}`: `cargo install --path . --features cli`, then `{name} --help`."
        );
        files.push(GeneratedFile {
            path: "src/main.rs".into(),
            contents: input.format(
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
    let mut manifest = parts.manifest;
    manifest.crates = plan.crates.clone();
    if let Some(f) = &plan.features {
        manifest.features = f.list.iter().map(|f| f.name.clone()).collect();
    }
    files.push(GeneratedFile {
        path: "Cargo.toml".into(),
        contents: output::manifest(&manifest, parts.command, parts.source),
    });
    files.push(GeneratedFile {
        path: "rustfmt.toml".into(),
        contents: output::rustfmt_toml(parts.command, parts.source),
    });
    Ok(Assembled {
        files,
        emit: formatted.emit,
        format: formatted.format,
    })
}

/// The single-file layout: the plan's modules inline, in one file formatted at
/// once, which builds as a module of another crate or (trybuild) as a binary.
pub fn single_file(
    input: Input<'_>,
    path: String,
    deny_warnings: bool,
) -> Result<Assembled, Vec<Diagnostic>> {
    let start = Instant::now();
    let cx = input.context();
    let body = inline(input.plan, 0, &cx)?;
    let deny = deny_warnings.then(|| quote!(#![deny(warnings)]));
    let file = quote! {
        #deny
        #body
        /// Lets the file build as a binary (trybuild) as well as a module.
        pub fn main() {}
    };
    let emit = start.elapsed();
    let start = Instant::now();
    let contents = input.format(file, "single-file output")?;
    Ok(Assembled {
        files: vec![GeneratedFile {
            path: path.into(),
            contents,
        }],
        emit,
        format: start.elapsed(),
    })
}

/// The items of `plan.modules[index]`, its child modules inline.
fn inline(plan: &Plan, index: usize, cx: &Context<'_>) -> Result<TokenStream, Vec<Diagnostic>> {
    let (head, tail, chunks) = match &plan.modules[index].body {
        Body::Runtime => return Ok(runtime::inline(&plan.runtime)),
        Body::Items { head, tail, chunks } => (head, tail, chunks.clone()),
    };
    let mut children = TokenStream::new();
    for i in plan.children(index) {
        let child = &plan.modules[i];
        let (Some(decl), Some(name)) = (&child.decl, child.path.last()) else {
            // Only the program's modules are declared by their parent's items,
            // and a single file has no program.
            return Err(vec![
                Diagnostic::error("#", "internal error: a module the single file cannot hold")
                    .with_code(Code::Internal),
            ]);
        };
        let name = ident(name);
        let body = inline(plan, i, cx)?;
        children.extend(quote!(#decl mod #name { #body }));
    }
    let items = merged(&plan.chunks[chunks]);
    let items = items.iter().map(|c| parallel::tokens(c, cx));
    Ok(quote!(#head #children #tail #(#items)*))
}

/// A module's chunks as one of each kind: the single file is formatted at once
/// and needs no chunks, and the operations of one `impl Client` stay together.
fn merged(chunks: &[Chunk]) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for chunk in chunks {
        match (out.last_mut(), chunk) {
            (Some(Chunk::Types(all)), Chunk::Types(more))
            | (Some(Chunk::Ops(all)), Chunk::Ops(more))
            | (Some(Chunk::Commands(all)), Chunk::Commands(more)) => all.extend(more),
            _ => out.push(chunk.clone()),
        }
    }
    out
}
