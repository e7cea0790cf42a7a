//! Every name the generated crate uses for itself, in one place. Names taken from a
//! document (operation ids, parameters, security schemes, tags, schemas) are
//! claimed after these, so they can never collide with them. A test parses the
//! generated client and checks that each of its own items is listed here.

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
pub const CLIENT: &[&str] = &[
    "builder",
    "new",
    "from_env",
    "base_url",
    "authorize",
    "http",
    "settings",
];

/// Methods and fields of `ClientBuilder`, besides one setter per security scheme.
pub const CLIENT_BUILDER: &[&str] = &[
    "base_url",
    "http",
    "http_client",
    "timeout",
    "connect_timeout",
    "retry",
    "build",
    "new",
];

/// Methods and fields of an operation's request builder, besides one setter per
/// optional parameter (fields hold the parameters under the same names).
pub const REQUEST_BUILDER: &[&str] = &[
    "client",
    "options",
    "send",
    "with_timeout",
    "with_retry",
    "stream",
    "self",
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
];

/// A namespace with `names` and the trait methods held back.
pub fn methods(names: &[&str]) -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::new();
    for n in names.iter().chain(TRAIT_METHODS) {
        ns.reserve(n);
    }
    ns
}

/// A namespace with `names` held back.
pub fn namespace(names: &[&str]) -> crate::names::Namespace {
    let mut ns = crate::names::Namespace::new();
    for n in names {
        ns.reserve(n);
    }
    ns
}
