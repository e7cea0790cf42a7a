//! Every name the generated crate uses for itself, in one place. Names taken from a
//! document (operation ids, parameters, security schemes, tags, schemas) are
//! claimed after these, so they can never collide with them. A test parses the
//! generated client and checks that each of its own items is listed here; another
//! parses the runtime's sources and checks the same of the methods of the runtime
//! types that generated impls extend (`Request`, `MockServer`, `When`, `Then`).

/// Methods a type gets from the traits it implements or derives (`Clone`, `Debug`,
/// `Default`, conversions). An inherent method of that name would shadow them.
const TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "fmt",
    "default",
    "eq",
    "ne",
    "into",
    "try_into",
    "from",
    "try_from",
    "to_owned",
    "to_string",
    "borrow",
    "borrow_mut",
    "type_id",
    "hash",
];

/// Methods and fields of `Client`, besides one method per operation.
pub const CLIENT: &[&str] = &["builder", "new", "from_env", "base_url", "core", "raw"];

/// Methods and fields of the runtime's `MockServer` (crate feature `mock`), which
/// also gets one method per operation, named as the `Client`'s.
pub const MOCK_SERVER: &[&str] = &[
    "start",
    "uri",
    "verify",
    "received_requests",
    "expect",
    "server",
];

/// Methods of the runtime's `When` (shared by every operation's mock), besides one
/// per parameter and `body`.
pub const MOCK_WHEN: &[&str] = &["matching", "body", "path_param", "param", "json_body"];

/// Methods of the runtime's `Then`, besides one per documented response.
pub const MOCK_THEN: &[&str] = &["status", "header", "delay", "json", "text", "bytes"];

/// Methods and fields of `ClientBuilder`, besides one setter per security scheme.
pub const CLIENT_BUILDER: &[&str] = &[
    "from_env",
    "base_url",
    "http_client",
    "timeout",
    "connect_timeout",
    "retry",
    "hook",
    "build",
    "new",
    "core",
];

/// Methods of the runtime's `Request` (shared by every operation, its
/// crate-private ones included: they clash as much), besides one setter per
/// optional parameter; and the names of its fields.
pub const REQUEST_BUILDER: &[&str] = &[
    "send",
    "send_events",
    "send_bytes",
    "send_streaming",
    "call",
    "into_parts",
    "with_timeout",
    "with_retry",
    "with_header",
    "with_query",
    "with_body_member",
    "stream",
    "events",
    "byte_stream",
    "new",
    "core",
    "options",
    "op",
    "self",
];

/// Subcommands of the program the crate feature `cli` builds, besides one per
/// operation (clap's own; the program turns its `help` subcommand off, but a
/// command of that name would still read badly).
pub const CLI_COMMANDS: &[&str] = &["help"];

/// Flags of the program the crate feature `cli` builds, besides one per parameter
/// and body member: its global flags, `--body`, `--all`, and clap's own.
pub const CLI_FLAGS: &[&str] = &[
    "base-url", "timeout", "compact", "include", "body", "all", "help", "version",
];

/// The flag of the program's commands whose operation offers an event stream
/// beside JSON or binary: it asks for the stream (held back only there).
pub const CLI_EVENTS_FLAG: &str = "events";

/// Prelude names emitted code relies on meaning what the prelude says, so no
/// generated type (in any module) may take them.
pub const PRELUDE_TYPES: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Iterator",
    "From",
    "Into",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "AsRef",
    "AsMut",
    "Eq",
    "PartialEq",
    "Ord",
    "PartialOrd",
    "Extend",
    "IntoIterator",
    "TryFrom",
    "TryInto",
    "Unpin",
];

/// Types the `client` module defines or imports, besides each operation's request
/// builder (`ListPorts`) and its `…Error`/`…Response` enums.
pub const CLIENT_MODULE_TYPES: &[&str] = &[
    "Client",
    "ClientBuilder",
    "Error",
    "ResponseValue",
    "RawResponse",
    "Secret",
    "ConfigError",
    "OperationInfo",
    "RequestError",
    "DecodeError",
    "RetryPolicy",
    "Request",
    "Raw",
    "Hook",
    "Attempt",
    "Outcome",
    "CredentialProvider",
    "CredentialFuture",
    "CredentialError",
    "ProviderContext",
    "Token",
    "ClientCredentials",
    "ClientAuth",
];

/// Crates a generated crate may depend on (`output::dependency`), as Cargo and
/// as paths spell them. A module of that name in `client` or `types` would make
/// paths like `serde_json::Value` ambiguous; a feature of that name would clash
/// with the dependency's own in `Cargo.toml`.
pub const DEPENDENCIES: &[&str] = &[
    "serde",
    "serde_json",
    "reqwest",
    "bytes",
    "wiremock",
    "httpdate",
    "tokio",
    "tracing",
    "futures-util",
    "futures_util",
    "percent-encoding",
    "percent_encoding",
    "form_urlencoded",
    "chrono",
    "uuid",
    "base64",
];

/// Cargo features the manifest (`output::manifest`) declares for itself, besides
/// one per tag: `default`, the `mock` server, and the names the crate keeps for
/// features it may add (a command line, TLS back ends). Tags are claimed after them.
pub const FEATURES: &[&str] = &["default", "mock", "cli", "rustls", "native-tls", "std"];

/// Modules and files the crate has for itself, where tags' modules go too
/// (`src/client/<tag>.rs`, `src/types/<tag>.rs`): the module roots (`mod.rs`),
/// the crate's own modules, the standard library's crates (a child module `std`
/// makes `std::…` ambiguous), and the words no module can be named (`self`,
/// `super`, …; keywords are held back too, as `names::ident` would otherwise
/// declare `r#type` or `self_` beside a file named `type.rs` or `self.rs`).
pub const MODULES: &[&str] = &[
    "mod",
    "lib",
    "main",
    "build",
    "client",
    "types",
    "runtime",
    "shared",
    "unreferenced",
    "mock",
    "cli",
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "self",
    "Self",
    "super",
    "crate",
];

/// A namespace for feature names: the manifest's own and the dependencies' held back.
pub fn features() -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::new();
    let tls = crate::output::TLS_FEATURES.iter().map(|(n, _)| n);
    for n in FEATURES.iter().chain(tls).chain(DEPENDENCIES) {
        ns.reserve(n);
    }
    ns
}

/// A namespace for module (and file) names: the crate's own, the dependencies',
/// and every keyword held back.
pub fn modules() -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::new();
    for n in MODULES
        .iter()
        .chain(DEPENDENCIES)
        .chain(crate::names::KEYWORDS)
    {
        ns.reserve(n);
    }
    ns
}

/// A namespace with `names` and the trait methods held back.
pub fn methods(names: &[&str]) -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::new();
    for n in names.iter().chain(TRAIT_METHODS) {
        ns.reserve(n);
    }
    ns
}

/// A namespace for type names with `names` and the prelude's held back.
pub fn types(names: &[&str]) -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::for_types();
    for n in names {
        ns.reserve(n);
    }
    ns
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Names of the fields and methods of the struct `name` and its inherent impls.
    fn members(file: &syn::File, name: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let client = file.items.iter().find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "client" => m.content.as_ref().map(|c| &c.1),
            _ => None,
        });
        for item in client.into_iter().flatten() {
            match item {
                syn::Item::Struct(s) if s.ident == name => {
                    out.extend(
                        s.fields
                            .iter()
                            .filter_map(|f| f.ident.as_ref())
                            .map(|i| i.to_string()),
                    );
                }
                syn::Item::Impl(i) if i.trait_.is_none() => {
                    let syn::Type::Path(p) = &*i.self_ty else {
                        continue;
                    };
                    // `impl X` or, for an operation's setters, `impl Request<'a, X>`.
                    let Some(last) = p.path.segments.last() else {
                        continue;
                    };
                    let names_it = |ty: &syn::Type| matches!(ty, syn::Type::Path(t) if t.path.segments.last().is_some_and(|s| s.ident == name));
                    let is_request_of = last.ident == "Request"
                        && matches!(&last.arguments, syn::PathArguments::AngleBracketed(a)
                            if a.args.iter().any(|g| matches!(g, syn::GenericArgument::Type(t) if names_it(t))));
                    if last.ident != name && !is_request_of {
                        continue;
                    }
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            out.insert(f.sig.ident.to_string());
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Every member the client emits for itself is in the registry: a name
    /// from the document can then never collide with one.
    #[test]
    fn the_clients_own_names_are_all_registered() {
        let doc = serde_json::json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "security": [{"key": []}],
            "paths": {"/a/{id}": {"post": {
                "operationId": "op",
                "parameters": [
                    {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "skip", "in": "query", "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "x-pagination": {"offset": "skip", "limit": "limit"},
                "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok", "content": {
                    "application/json": {"schema": {"type": "array", "items": {"type": "string"}}},
                    "text/event-stream": {"schema": {"type": "string"}},
                    "application/octet-stream": {}
                }}, "default": {"description": "no"}}
            }}},
            "components": {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}}}
        });
        let mut settings = crate::Settings::new("t", "test", "t.json");
        settings.layout = crate::Layout::SingleFile {
            deny_warnings: false,
        };
        let out = crate::generate(&doc.to_string(), &settings).expect("generates");
        let file = syn::parse_file(&out.files[0].contents).expect("parses");
        let registered = |list: &[&str]| -> BTreeSet<String> {
            list.iter()
                .chain(TRAIT_METHODS)
                .map(|s| s.to_string())
                .collect()
        };
        let unregistered = |found: BTreeSet<String>, own: &[&str], list: &[&str]| {
            let own: BTreeSet<String> = own.iter().map(|s| s.to_string()).collect();
            let known = registered(list);
            found
                .into_iter()
                .filter(|n| !own.contains(n) && !known.contains(n))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            unregistered(members(&file, "Client"), &["op", "key"], CLIENT),
            Vec::<String>::new()
        );
        assert_eq!(
            unregistered(
                members(&file, "ClientBuilder"),
                &["key", "key_provider"],
                CLIENT_BUILDER
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            unregistered(
                members(&file, "Op"),
                &["id", "skip", "limit", "body"],
                REQUEST_BUILDER
            ),
            Vec::<String>::new()
        );
    }

    /// The methods of the runtime's type `name` that a generated impl of it sits
    /// beside: every inherent method, whatever its visibility (the runtime is a
    /// module of the generated crate, and two inherent methods of one name clash
    /// however private either is), in impls for any operation (`impl<O>
    /// When<O>`), not for one concrete type (`impl Request<'a, Raw>`).
    fn runtime_methods(items: &[syn::Item], name: &str, out: &mut BTreeSet<String>) {
        for item in items {
            match item {
                syn::Item::Mod(m) if !m.attrs.iter().any(|a| a.path().is_ident("cfg")) => {
                    if let Some((_, items)) = &m.content {
                        runtime_methods(items, name, out);
                    }
                }
                syn::Item::Impl(i) if i.trait_.is_none() => {
                    let syn::Type::Path(p) = &*i.self_ty else {
                        continue;
                    };
                    let Some(last) = p.path.segments.last() else {
                        continue;
                    };
                    let params: BTreeSet<String> = i
                        .generics
                        .type_params()
                        .map(|t| t.ident.to_string())
                        .collect();
                    let for_any_operation = match &last.arguments {
                        syn::PathArguments::AngleBracketed(a) => a.args.iter().all(|g| match g {
                            syn::GenericArgument::Lifetime(_) => true,
                            syn::GenericArgument::Type(syn::Type::Path(t)) => t
                                .path
                                .get_ident()
                                .is_some_and(|i| params.contains(&i.to_string())),
                            _ => false,
                        }),
                        _ => true,
                    };
                    if last.ident != name || !for_any_operation {
                        continue;
                    }
                    out.extend(i.items.iter().filter_map(|it| match it {
                        syn::ImplItem::Fn(f) => Some(f.sig.ident.to_string()),
                        _ => None,
                    }));
                }
                _ => {}
            }
        }
    }

    /// Every method of the runtime types the generated code adds methods to
    /// (`Request`, `MockServer`, `When`, `Then`) is in the list the generator
    /// claims those methods after: a method added to the runtime cannot then
    /// silently take the name of a generated setter or mock method. (`Client`
    /// and `ClientBuilder` are generated; they hold the runtime's `Core` in a
    /// field, so its methods meet no generated one: the test above checks them.)
    #[test]
    fn the_runtimes_own_methods_are_all_registered() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime/src");
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).expect("the runtime's sources") {
            let path = entry.expect("a directory entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable");
                let file =
                    syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                files.push(file);
            }
        }
        assert!(files.len() > 10, "{} files in {dir}", files.len());
        for (name, list) in [
            ("Request", REQUEST_BUILDER),
            ("MockServer", MOCK_SERVER),
            ("When", MOCK_WHEN),
            ("Then", MOCK_THEN),
        ] {
            let mut methods = BTreeSet::new();
            for file in &files {
                runtime_methods(&file.items, name, &mut methods);
            }
            assert!(!methods.is_empty(), "no methods of `{name}` found");
            let missing: Vec<&String> = methods
                .iter()
                .filter(|m| !list.contains(&m.as_str()))
                .collect();
            assert!(
                missing.is_empty(),
                "methods of the runtime's `{name}` missing from its list in reserved.rs: {missing:?}"
            );
        }
    }
}
