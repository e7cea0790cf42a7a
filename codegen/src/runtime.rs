//! The runtime every generated crate carries: real Rust files from the `runtime/`
//! crate of this workspace (compiled, linted and tested there), copied into the
//! generated crate's `src/runtime/`, or inlined into a single-file output.
//!
//! A consumer needs nothing but the generated crate and crates.io, so the runtime
//! travels with it instead of being a crate of ours. Only the modules a document
//! needs are copied.

use crate::needs::Needs;
use crate::output::GeneratedFile;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// One file of the runtime crate.
#[derive(Debug)]
pub struct Module {
    pub name: &'static str,
    source: &'static str,
    /// Other modules it refers to (through `super::`).
    requires: &'static [&'static str],
    /// crates.io dependencies it uses (see [`crate::output::dependency`]).
    pub crates: &'static [&'static str],
}

macro_rules! module {
    ($name:literal, [$($req:literal),*], [$($krate:literal),*]) => {
        Module {
            name: $name,
            source: include_str!(concat!("../../runtime/src/", $name, ".rs")),
            requires: &[$($req),*],
            crates: &[$($krate),*],
        }
    };
}

/// Every runtime module, in the order they are listed in a generated `mod.rs`.
pub const MODULES: &[Module] = &[
    module!(
        "auth",
        ["error", "response", "secret"],
        ["reqwest", "serde_json", "tokio", "tracing"]
    ),
    module!("base64_text", [], ["serde", "base64"]),
    module!(
        "cli",
        ["auth", "error", "request", "response", "retry", "transport"],
        ["serde", "serde_json", "reqwest", "bytes", "clap"]
    ),
    module!(
        "cli_lines",
        ["cli", "error"],
        ["serde", "serde_json", "futures-util"]
    ),
    module!(
        "cli_stream",
        [
            "cli",
            "error",
            "request",
            "response",
            "retry",
            "sse",
            "stream",
            "transport"
        ],
        [
            "serde",
            "serde_json",
            "reqwest",
            "bytes",
            "futures-util",
            "tokio"
        ]
    ),
    module!("datetime", [], ["serde", "chrono"]),
    module!("de", [], ["serde", "serde_json"]),
    module!("enum_table", [], []),
    module!("error", ["auth", "raw"], ["reqwest"]),
    module!(
        "form",
        ["error", "params", "query", "request"],
        ["serde", "serde_json", "form_urlencoded"]
    ),
    module!("hook", ["error", "response"], ["reqwest"]),
    module!("members", ["de"], ["serde", "serde_json"]),
    module!(
        "mock",
        ["error", "request"],
        ["serde", "serde_json", "wiremock"]
    ),
    module!(
        "multipart",
        ["error", "params", "request"],
        ["serde", "serde_json", "reqwest", "reqwest/multipart"]
    ),
    module!(
        "oauth2",
        ["auth", "response", "secret"],
        ["reqwest", "serde_json", "form_urlencoded"]
    ),
    module!("pagination", ["error"], ["futures-util"]),
    module!("params", ["error"], ["serde", "serde_json", "reqwest"]),
    module!("parts", [], ["serde_json", "reqwest", "bytes"]),
    module!(
        "path",
        ["error", "params", "request"],
        ["serde", "percent-encoding"]
    ),
    module!(
        "query",
        ["error", "params", "request"],
        ["serde", "serde_json"]
    ),
    module!("raw", [], ["serde_json", "reqwest", "bytes"]),
    module!(
        "request",
        ["error", "params", "parts", "response", "retry", "transport"],
        ["serde", "serde_json", "reqwest", "bytes"]
    ),
    module!(
        "response",
        ["error", "raw"],
        ["serde", "serde_json", "reqwest", "bytes"]
    ),
    module!(
        "retry",
        ["auth", "error", "hook", "response", "transport"],
        [
            "reqwest",
            "serde_json",
            "httpdate",
            "tokio",
            "tracing",
            "bytes"
        ]
    ),
    module!("secret", ["error"], ["reqwest"]),
    module!("sse", [], ["serde"]),
    module!(
        "stream",
        ["error", "request", "response", "sse"],
        ["reqwest", "bytes", "futures-util", "tokio", "serde"]
    ),
    module!("tls", ["error"], ["reqwest", "rustls"]),
    module!(
        "transport",
        ["auth", "error", "hook", "parts", "raw", "retry"],
        ["reqwest"]
    ),
    module!(
        "upload",
        ["error", "request"],
        [
            "reqwest",
            "reqwest/stream",
            "bytes",
            "futures-util",
            "tokio",
            "tokio/fs"
        ]
    ),
    module!("uuid_text", [], ["serde", "uuid"]),
    module!("wide_members", ["de", "members"], ["serde"]),
];

fn module(name: &str) -> Option<&'static Module> {
    MODULES.iter().find(|m| m.name == name)
}

/// The modules a crate with these needs carries, with everything they require.
pub fn modules(needs: &Needs) -> Vec<&'static Module> {
    let mut wanted: Vec<&str> = Vec::new();
    let mut want = |on: bool, names: &[&'static str]| {
        if on {
            wanted.extend_from_slice(names);
        }
    };
    want(needs.date_time, &["datetime"]);
    want(needs.uuid, &["uuid_text"]);
    want(needs.base64, &["base64_text"]);
    want(needs.models, &["de", "members"]);
    want(needs.enum_tables, &["enum_table"]);
    want(needs.wide_structs, &["wide_members"]);
    want(
        needs.client,
        &[
            "transport",
            "request",
            "secret",
            "response",
            "error",
            "retry",
            "params",
            "hook",
        ],
    );
    want(needs.client && needs.oauth2, &["oauth2"]);
    want(needs.tls, &["tls"]);
    want(needs.client && needs.path_params, &["path"]);
    want(needs.client && (needs.query || needs.form), &["query"]);
    want(needs.client && needs.form, &["form"]);
    want(needs.client && needs.multipart, &["multipart"]);
    want(needs.client && needs.pagination, &["pagination"]);
    want(needs.client && needs.streams, &["stream"]);
    want(needs.client && needs.upload, &["upload"]);
    want(needs.mock, &["mock"]);
    want(needs.cli, &["cli"]);
    want(needs.cli && needs.pagination, &["cli_lines"]);
    want(needs.cli && needs.client && needs.streams, &["cli_stream"]);
    // Close over `requires`; the table is small, so a fixed point is cheap.
    let mut i = 0;
    while i < wanted.len() {
        if let Some(m) = module(wanted[i]) {
            for r in m.requires {
                if !wanted.contains(r) {
                    wanted.push(r);
                }
            }
        }
        i += 1;
    }
    MODULES
        .iter()
        .filter(|m| wanted.contains(&m.name))
        .collect()
}

/// The crates.io dependencies of the runtime modules a crate carries.
pub fn crates(modules: &[&Module]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for m in modules {
        for c in m.crates {
            if !out.contains(c) {
                out.push(c);
            }
        }
    }
    out.sort_unstable();
    out
}

/// A module's source without its unit tests: they need the runtime crate's
/// dev-dependencies, which a generated crate does not have. By convention the
/// tests are the file's last item, starting at a line `#[cfg(test)]`.
pub fn source_without_tests(source: &str) -> &str {
    match source.find("\n#[cfg(test)]\nmod tests {") {
        Some(at) => &source[..=at],
        None => source,
    }
}

fn mod_rs_items(modules: &[&Module], inline: bool) -> TokenStream {
    let mut out = quote! {
        //! Support code shared by the models and the client, copied from the
        //! generator's runtime (only the parts this crate uses).
        #![allow(dead_code, unused_imports, clippy::result_large_err)]
    };
    for m in modules {
        let name = format_ident!("{}", m.name);
        out.extend(feature_gate(m));
        if inline {
            let body = inline_module(m);
            out.extend(quote!(mod #name { #body }));
        } else {
            out.extend(quote!(mod #name;));
        }
    }
    for m in modules {
        let name = format_ident!("{}", m.name);
        out.extend(feature_gate(m));
        out.extend(quote!(pub use self::#name::*;));
    }
    out
}

/// Modules compiled only with a crate feature: the mock server's (`mock`) and
/// the program's (`cli`).
fn feature_gate(m: &Module) -> Option<TokenStream> {
    match m.name {
        "mock" => Some(quote!(#[cfg(feature = "mock")])),
        "cli" | "cli_lines" | "cli_stream" => Some(quote!(#[cfg(feature = "cli")])),
        _ => None,
    }
}

fn inline_module(m: &Module) -> TokenStream {
    // The sources are this workspace's own, compiled by it: they always parse.
    let file: syn::File = syn::parse_str(source_without_tests(m.source))
        // tidy: allow-panic (our own runtime's source, compiled by this workspace)
        .unwrap_or_else(|e| panic!("runtime/src/{}.rs does not parse: {e}", m.name));
    let attrs = &file.attrs;
    let items = &file.items;
    quote!(#(#attrs)* #(#items)*)
}

/// The runtime as one inline module body, for single-file output.
pub fn inline(modules: &[&Module]) -> TokenStream {
    mod_rs_items(modules, true)
}

/// `src/runtime/mod.rs` (formatted by the caller) and the copied module files.
pub fn files(modules: &[&Module], header: &str) -> (TokenStream, Vec<GeneratedFile>) {
    let files = modules
        .iter()
        .map(|m| GeneratedFile {
            path: format!("src/runtime/{}.rs", m.name).into(),
            contents: format!("{header}\n{}", source_without_tests(m.source)),
        })
        .collect();
    (mod_rs_items(modules, false), files)
}

/// The runtime's items a crate re-exports at its root.
pub fn reexports(modules: &[&Module]) -> TokenStream {
    let has = |name: &str| modules.iter().any(|m| m.name == name);
    let mut out = TokenStream::new();
    if has("retry") {
        out.extend(quote! {
            pub use runtime::{Attempt, ConfigError, CredentialError, CredentialFuture, CredentialProvider, DecodeError, Error, Hook, OperationInfo, Outcome, ProviderContext, Raw, RawResponse, Request, RequestError, ResponseValue, RetryPolicy, Secret, Token};
        });
    }
    if has("oauth2") {
        out.extend(quote! {
            pub use runtime::{ClientAuth, ClientCredentials};
        });
    }
    if has("stream") {
        out.extend(quote!(
            pub use runtime::{ByteStream, Event, EventStream, StreamError};
        ));
    }
    if has("upload") {
        out.extend(quote!(
            pub use runtime::Upload;
        ));
    }
    if has("datetime") {
        out.extend(quote!(
            pub use runtime::{Date, DateTime, DateTimeError};
        ));
    }
    if has("uuid_text") {
        out.extend(quote!(
            pub use runtime::Uuid;
        ));
    }
    if has("mock") {
        out.extend(quote!(
            #[cfg(feature = "mock")]
            pub use runtime::{Expectation, MockServer, Then, When};
        ));
    }
    if has("base64_text") {
        out.extend(quote!(
            pub use runtime::Base64;
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_module_parses_without_its_tests_and_names_only_listed_siblings() {
        for m in MODULES {
            let source = source_without_tests(m.source);
            assert!(
                !source.contains("#[cfg(test)]"),
                "{}: tests left in",
                m.name
            );
            syn::parse_str::<syn::File>(source).unwrap_or_else(|e| panic!("{}: {e}", m.name));
            for other in MODULES {
                let used = source.contains(&format!("super::{}::", other.name));
                assert!(
                    !used || m.requires.contains(&other.name),
                    "{} uses `{}` without listing it",
                    m.name,
                    other.name
                );
            }
        }
    }

    #[test]
    fn requirements_are_closed_over() {
        let needs = Needs {
            client: true,
            form: true,
            ..Needs::default()
        };
        let names: Vec<&str> = modules(&needs).iter().map(|m| m.name).collect();
        for expected in ["form", "query", "params", "error", "response", "retry"] {
            assert!(names.contains(&expected), "{names:?}");
        }
        assert!(!names.contains(&"multipart"));
        assert!(modules(&Needs::default()).is_empty());
    }

    #[test]
    fn every_runtime_source_file_is_listed() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(stem) = name.strip_suffix(".rs").filter(|s| *s != "lib") {
                assert!(
                    module(stem).is_some(),
                    "runtime/src/{name} is not in MODULES"
                );
            }
        }
    }
}
