//! OpenAPI 3 document in, Rust client crate out.
//!
//! Data flows one way: parse ([`load`]) → resolve every schema once into a type
//! space (`types`) and every operation ([`operations`]) → emit tokens
//! (`types::TypeEmitter`, `client`, `runtime`) into the modules of one plan
//! (`plan`) → print the plan as a crate or as one file (`assemble`) and format
//! it ([`output`]). Nothing here knows about any particular API.
//!
//! Modules are private unless `xtask`, the tests or the fuzz targets use them,
//! so that rustc reports what nothing uses.
#![forbid(unsafe_code)]

pub mod api_diff;
mod assemble;
mod client;
mod commands;
pub mod conformance;
pub mod diagnostics;
mod docs;
mod features;
mod http;
mod inline;
pub mod json_schema;
mod limits;
pub mod load;
mod names;
mod needs;
mod normalize;
pub mod operations;
pub mod output;
mod parallel;
mod pieces;
mod plan;
mod refs;
mod repair;
pub mod reserved;
mod runtime;
mod types;
mod validate;
pub mod yaml;

use diagnostics::{Diagnostic, Diagnostics};
pub use output::GeneratedFile;
use proc_macro2::TokenStream;
use quote::quote;

/// How to generate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Package name of the generated crate (`consoleconnect`).
    pub crate_name: String,
    /// Package version of the generated crate; the document's `info.version` is the
    /// API's version, not the crate's, and is often not semver.
    pub crate_version: String,
    /// The command that writes the output, named in every file's header.
    pub command: String,
    /// The document's path as shown in headers.
    pub source_label: String,
    pub layout: Layout,
    /// Keep members the document does not describe (an `extra` map on every
    /// struct). Only the benchmark turns this off, to measure its cost.
    pub capture_unknown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A crate directory: `Cargo.toml`, `src/lib.rs`, `src/types/…`, `src/client/…`, …
    Crate {
        /// Adds an empty `[workspace]` so the crate builds on its own anywhere.
        standalone: bool,
        publish: bool,
    },
    /// One `.rs` file with every module inline (snapshots, trybuild).
    SingleFile { deny_warnings: bool },
}

impl Settings {
    pub fn new(
        crate_name: impl Into<String>,
        command: impl Into<String>,
        source_label: impl Into<String>,
    ) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".into(),
            command: command.into(),
            source_label: source_label.into(),
            layout: Layout::Crate {
                standalone: true,
                publish: true,
            },
            capture_unknown: true,
        }
    }
}

/// What generation produced.
#[derive(Debug, Clone)]
pub struct Output {
    pub files: Vec<GeneratedFile>,
    /// Warnings (errors stop generation and come back as `Err`).
    pub diagnostics: Vec<Diagnostic>,
    pub stats: Stats,
}

#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub operations: usize,
    pub types: usize,
    /// Entries under `components/schemas`, and how many of them became a Rust type.
    pub schemas: usize,
    pub schema_types: usize,
    /// Places where a sound fallback (`serde_json::Value`, …) stands in for a type.
    pub fallbacks: usize,
    pub timings: Timings,
}

/// Time taken by each stage, for the benchmarks. Emitting and formatting run in
/// parallel chunks: `emit` and `format` are CPU time summed over threads, and
/// `emit_and_format` the wall time of the two together.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub parse: std::time::Duration,
    pub resolve: std::time::Duration,
    pub emit: std::time::Duration,
    pub format: std::time::Duration,
    pub emit_and_format: std::time::Duration,
}

/// Checks a document without generating: every problem, errors and warnings.
pub fn validate(source: &str) -> Vec<Diagnostic> {
    limits::with_stack(|| validate_here(source))
}

fn validate_here(source: &str) -> Vec<Diagnostic> {
    let mut diags = Diagnostics::default();
    let Some(doc) = load::parse(source, &mut diags) else {
        return diags.into_vec();
    };
    let (_, _, resolve_diags) = resolve_document(&doc);
    diags
        .into_vec()
        .into_iter()
        .chain(resolve_diags.into_vec())
        .collect()
}

fn resolve_document(
    doc: &load::Document,
) -> (types::TypeSpace, operations::OperationSet, Diagnostics) {
    let mut resolver = types::Resolver::new(doc);
    let mut checks = Diagnostics::default();
    validate::check(&resolver.refs, resolver.space(), &mut checks);
    checks
        .into_vec()
        .into_iter()
        .for_each(|d| resolver.diags.push(d));
    resolver.define_components();
    let built = operations::build(doc, &mut resolver);
    let (space, mut diags) = resolver.finish();
    validate::field_names(&doc.raw, &space, &mut diags);
    (space, built, diags)
}

/// Generates the files for a document, or returns every problem that stops it.
pub fn generate(source: &str, settings: &Settings) -> Result<Output, Vec<Diagnostic>> {
    limits::with_stack(|| generate_here(source, settings))
}

fn generate_here(source: &str, settings: &Settings) -> Result<Output, Vec<Diagnostic>> {
    let t0 = std::time::Instant::now();
    let mut diags = Diagnostics::default();
    let Some(doc) = load::parse(source, &mut diags) else {
        return Err(diags.into_vec());
    };
    let t1 = std::time::Instant::now();
    let (space, built, resolve_diags) = resolve_document(&doc);
    let mut all: Vec<Diagnostic> = diags.into_vec();
    all.extend(resolve_diags.into_vec());
    if all.iter().any(Diagnostic::is_fatal) {
        return Err(all);
    }
    let t2 = std::time::Instant::now();

    // The document (its JSON value and its typed model) is not needed past this
    // point: what emitting uses is taken out, and the rest freed before emitting.
    let schemas = doc.api.components.as_ref().map_or(0, |c| c.schemas.len());
    let server = default_server(&doc.api);
    let info = doc.api.info.clone();
    let crate_doc_of = |has_client| crate_doc(&doc.api, has_client);
    let crate_ident = settings.crate_name.replace('-', "_");
    let env_prefix = crate_ident.to_ascii_uppercase();
    let mut needs = needs::Needs::of(&space, &built);
    needs.mock = needs.client && matches!(settings.layout, Layout::Crate { .. });
    needs.tls = needs.mock;
    needs.cli = needs.mock;
    let has_client = needs.client;
    let client_settings = client::ClientSettings {
        crate_ident: &crate_ident,
        crate_name: &settings.crate_name,
        env_prefix: &env_prefix,
        title: &info.title,
        api_version: &info.version,
        default_server: server,
        tls: needs.tls,
        mock: needs.mock,
    };
    let crate_doc = crate_doc_of(has_client);
    drop(doc);
    let header = output::rust_header(&settings.command, &settings.source_label);
    // One plan; the layout only decides how it is printed. A single file is a
    // module of another crate: it has no Cargo features to gate items by.
    let features = matches!(settings.layout, Layout::Crate { .. });
    let plan = plan::Plan::of(&space, &built, &needs, &client_settings, features);
    let input = assemble::Input {
        space: &space,
        built: &built,
        plan: &plan,
        client: client_settings,
        capture_unknown: settings.capture_unknown,
        header: &header,
    };
    let assembled = match settings.layout {
        Layout::Crate {
            standalone,
            publish,
        } => {
            let description = format!(
                "Client for the {} {}, generated from its OpenAPI description.",
                info.title.trim(),
                info.version.trim()
            );
            assemble::crate_files(
                input,
                assemble::CrateParts {
                    crate_doc,
                    manifest: output::Manifest {
                        name: &settings.crate_name,
                        version: &settings.crate_version,
                        description: description.trim(),
                        standalone,
                        publish,
                        crates: Vec::new(),
                        features: Vec::new(),
                    },
                    command: &settings.command,
                    source: &settings.source_label,
                },
            )?
        }
        Layout::SingleFile { deny_warnings } => {
            assemble::single_file(input, format!("{crate_ident}.rs"), deny_warnings)?
        }
    };
    let (files, emit_time, format_time) = (assembled.files, assembled.emit, assembled.format);
    let t4 = std::time::Instant::now();
    Ok(Output {
        files,
        stats: Stats {
            operations: built.operations.len(),
            types: space.defs.len(),
            schemas,
            schema_types: space
                .defs
                .iter()
                .filter(|d| {
                    d.pointer
                        .strip_prefix("#/components/schemas/")
                        .is_some_and(|rest| !rest.contains('/'))
                })
                .count(),
            fallbacks: all
                .iter()
                .filter(|d| d.code == diagnostics::Code::Fallback)
                .count(),
            timings: Timings {
                parse: t1 - t0,
                resolve: t2 - t1,
                emit: emit_time,
                format: format_time,
                emit_and_format: t4 - t2,
            },
        },
        diagnostics: all,
    })
}

/// The first server with an absolute URL, its variables set to their defaults.
fn default_server(api: &openapiv3::OpenAPI) -> Option<String> {
    let server = api.servers.first()?;
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    (url.starts_with("http://") || url.starts_with("https://"))
        .then(|| url.trim_end_matches('/').to_string())
}

fn crate_doc(api: &openapiv3::OpenAPI, has_client: bool) -> TokenStream {
    let info = &api.info;
    let mut lines = vec![
        format!(
            "# {} (API version {})",
            info.title.trim(),
            info.version.trim()
        ),
        String::new(),
    ];
    if let Some(d) = info.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.extend(docs::markdown(d).into_iter().map(|l| {
            if l.starts_with('#') {
                format!("#{l}")
            } else {
                l
            }
        }));
        lines.push(String::new());
    }
    lines.push(
        "Models are in [`types`]".to_string()
            + if has_client {
                "; the client is [`Client`], with one method per operation."
            } else {
                "."
            },
    );
    let attrs: TokenStream = lines
        .iter()
        .map(|l| {
            let text = if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            };
            quote!(#![doc = #text])
        })
        .collect();
    attrs
}

#[cfg(test)]
mod tests {
    /// The deepest schema nesting the parsers let through still generates, on a
    /// thread with the small stack test threads get (2 MiB).
    #[test]
    fn deeply_nested_schemas_do_not_overflow_the_stack() {
        let mut schema = serde_json::json!({"type": "string"});
        for _ in 0..60 {
            schema = serde_json::json!({"type": "object", "properties": {"a": schema}});
        }
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"Deep": schema}}});
        let text = serde_json::to_string(&doc).unwrap();
        let out = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                crate::generate(&text, &crate::Settings::new("deep", "test", "deep.json"))
                    .map(|o| o.stats.types)
            })
            .unwrap()
            .join()
            .expect("no stack overflow");
        assert_eq!(out.unwrap(), 60);
    }
}

/// Helpers for the unit tests beside the code.
#[cfg(test)]
pub(crate) mod test_support {
    use crate::diagnostics::{Diagnostic, Diagnostics};
    use crate::operations::OperationSet;
    use crate::types::{TypeDef, TypeSpace};

    /// A document with these component schemas and paths, resolved.
    pub fn resolve(schemas: serde_json::Value, paths: serde_json::Value) -> Resolved {
        let doc = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": paths, "components": {"schemas": schemas}
        });
        let mut diags = Diagnostics::default();
        let doc = crate::load::parse(&doc.to_string(), &mut diags).expect("parses");
        let (space, operations, more) = crate::resolve_document(&doc);
        let diagnostics = diags
            .into_vec()
            .into_iter()
            .chain(more.into_vec())
            .collect();
        Resolved {
            space,
            operations,
            diagnostics,
        }
    }

    pub struct Resolved {
        pub space: TypeSpace,
        pub operations: OperationSet,
        pub diagnostics: Vec<Diagnostic>,
    }

    impl Resolved {
        /// The type named `name`.
        pub fn def(&self, name: &str) -> &TypeDef {
            self.space
                .defs
                .iter()
                .find(|d| d.name == name)
                .unwrap_or_else(|| panic!("no type {name}: {:?}", self.names()))
        }

        pub fn names(&self) -> Vec<&str> {
            self.space.defs.iter().map(|d| d.name.as_str()).collect()
        }
    }

    /// The client's settings of a crate `t` (API `T` 1, no server, TLS or mock).
    pub fn client_settings() -> crate::client::ClientSettings<'static> {
        crate::client::ClientSettings {
            crate_ident: "t",
            crate_name: "t",
            env_prefix: "T",
            title: "T",
            api_version: "1",
            default_server: None,
            tls: false,
            mock: false,
        }
    }
}
