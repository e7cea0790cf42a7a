//! Operations of a document, resolved into what the client emitter needs:
//! parameters with Rust names and types, the body, and every response case.

mod bodies;
mod paging;
mod params;
mod refs;
mod security;

use paging::pagination;
use refs::path_item;
use security::{schemes, security_names};

pub use bodies::{is_event_stream, media_kind, reason};
pub use refs::follow_raw;

use crate::diagnostics::{Code, Diagnostic, pointer_push};
use crate::http::{HttpMethod, PathTemplate};
use crate::load::Document;
use crate::names::{Namespace, camel, snake};
use crate::reserved;
use crate::types::resolve::Resolved;
use crate::types::{Doc, Resolver, Ty};
use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, Components, MediaType, Parameter, ParameterSchemaOrContent, PathItem,
    PathStyle, QueryStyle, ReferenceOr, RequestBody, Response, SecurityScheme, StatusCode,
};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method_name: String,
    /// Base for the names of the operation's builder and enums (`ListPorts`).
    pub type_name: String,
    pub http_method: HttpMethod,
    /// The path as written is `template.text`.
    pub template: PathTemplate,
    pub pointer: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub tags: Vec<String>,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<ResponseCase>,
    /// Security schemes (by name) that may authorise this operation.
    pub security: Vec<String>,
    /// From our `x-pagination` extension: how to page through the results.
    pub pagination: Option<Pagination>,
}

impl Operation {
    /// Whether a `default` response covers the statuses not listed.
    pub fn has_default(&self) -> bool {
        self.responses
            .iter()
            .any(|c| c.status == StatusMatch::Default)
    }

    /// The response cases a caller gets as `Ok`, in the document's order.
    pub fn successes(&self) -> impl Iterator<Item = &ResponseCase> {
        self.responses.iter().filter(|c| c.success)
    }

    /// The response cases a caller gets as the operation's error, in the
    /// document's order.
    pub fn errors(&self) -> impl Iterator<Item = &ResponseCase> {
        self.responses.iter().filter(|c| !c.success)
    }

    /// What the data of the operation's event stream decodes into, when a success
    /// offers `text/event-stream` (the request builder gets `events()`).
    pub fn events(&self) -> Option<&EventData> {
        self.successes().find_map(|c| c.events.as_ref())
    }

    /// The binary media type of a success, when one offers it (the request
    /// builder gets `byte_stream()`, which asks for it).
    pub fn binary(&self) -> Option<&str> {
        self.successes().find_map(|c| c.binary.as_deref())
    }

    /// Every type the operation touches: its parameters', its body's, and those
    /// its responses decode into (event data included), in that order. The one
    /// answer `needs`, `features` and the client ask.
    pub fn types(&self) -> impl Iterator<Item = &Ty> {
        self.params
            .iter()
            .map(|p| &p.ty)
            .chain(self.body.iter().map(|b| &b.ty))
            .chain(self.response_types())
    }

    /// Whether the request says `Accept: application/json`: a success decodes JSON.
    pub fn accept_json(&self) -> bool {
        self.successes()
            .any(|r| matches!(r.decode, Decode::Json(_)))
    }

    /// Every type the operation's responses decode into (event data included).
    pub fn response_types(&self) -> impl Iterator<Item = &Ty> {
        self.responses.iter().flat_map(|c| {
            let body = match &c.decode {
                Decode::Json(t) => Some(t),
                _ => None,
            };
            let events = match &c.events {
                Some(EventData::Json(t)) => Some(t),
                _ => None,
            };
            body.into_iter().chain(events)
        })
    }

    /// How a 2xx status the document does not list for this operation is read.
    pub fn undocumented_2xx(&self) -> Undocumented2xx<'_> {
        let covered = self.responses.iter().any(|c| {
            c.status == StatusMatch::Range(2) || (c.status == StatusMatch::Default && c.success)
        });
        if covered {
            return Undocumented2xx::Covered;
        }
        match self.success_decodings().as_slice() {
            [one] => Undocumented2xx::AsSuccess(one),
            _ => Undocumented2xx::Unexpected,
        }
    }

    /// The success cases' distinct decodings: one means the success type is that
    /// decoding; several mean an enum of them.
    pub fn success_decodings(&self) -> Vec<&Decode> {
        let mut distinct: Vec<&Decode> = Vec::new();
        for c in self.successes() {
            if !distinct.contains(&&c.decode) {
                distinct.push(&c.decode);
            }
        }
        distinct
    }

    /// The `default` response when it describes errors: an error status the
    /// document does not list is tried against it.
    pub fn default_error(&self) -> Option<&ResponseCase> {
        self.errors().find(|c| c.status == StatusMatch::Default)
    }
}

/// What becomes of a 2xx status an operation does not list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Undocumented2xx<'a> {
    /// A `2XX` range, or a `default` that is the success case, covers it.
    Covered,
    /// Decoded as the operation's one success type (its status kept); a body that
    /// does not decode as it is `UnexpectedStatus`.
    AsSuccess(&'a Decode),
    /// The operation has no success type, or several: `UnexpectedStatus`.
    Unexpected,
}

/// Offset/limit pagination, resolved to Rust names and types.
///
/// Declared on an operation as
/// `x-pagination: {offset: filter.skip, limit: filter.limit, items: results, defaultLimit: 100}`:
/// `offset`/`limit` name a parameter, or a member of an object parameter
/// (`param.member`); `items` names the response member holding a page's items
/// (omitted when the body is the array itself).
#[derive(Debug, Clone)]
pub struct Pagination {
    pub offset: PageParam,
    pub limit: PageParam,
    /// The response member with the items, and whether it is optional.
    pub items: Option<(String, bool)>,
    pub item: Ty,
    pub default_limit: i64,
}

/// Where a paging number is set: a parameter, or a member of one.
#[derive(Debug, Clone)]
pub struct PageParam {
    /// The builder field (the parameter's Rust name).
    pub param: String,
    pub param_required: bool,
    /// The member of the parameter's struct, and its shape.
    pub member: Option<(String, crate::types::FieldShape)>,
    /// The integer type of the value.
    pub int: crate::types::IntKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Cookie => "cookie",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Simple,
    /// Path parameters: `.value` (RFC 6570 `{.name}`).
    Label,
    /// Path parameters: `;name=value` (RFC 6570 `{;name}`).
    Matrix,
    Form,
    SpaceDelimited,
    PipeDelimited,
    DeepObject,
    /// `content: application/json`: the value is JSON text.
    Json,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: Location,
    pub ty: Ty,
    pub required: bool,
    pub style: Style,
    pub explode: bool,
    pub description: Option<String>,
    pub example: Option<Value>,
    pub deprecated: bool,
    /// Where its schema is in the document.
    pub schema_pointer: Option<String>,
    /// The method of the mock's `When<Op>` that matches it (`name`, or
    /// `name_param` where the runtime's `When` has a method of that name).
    pub mock_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    Json,
    Form,
    Multipart,
    Text,
    Bytes,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub name: String,
    pub kind: BodyKind,
    pub content_type: String,
    pub ty: Ty,
    pub required: bool,
    pub description: Option<String>,
    /// Where the media type's schema is in the document.
    pub schema_pointer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Code(u16),
    /// `4XX` is `Range(4)`.
    Range(u16),
    Default,
}

impl StatusMatch {
    pub fn is_success(self) -> bool {
        match self {
            StatusMatch::Code(c) => (200..300).contains(&c),
            StatusMatch::Range(r) => r == 2,
            StatusMatch::Default => false,
        }
    }

    pub fn label(self) -> String {
        match self {
            StatusMatch::Code(c) => c.to_string(),
            StatusMatch::Range(r) => format!("{r}XX"),
            StatusMatch::Default => "default".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decode {
    Json(Ty),
    Text,
    Bytes,
    Empty,
}

/// How the data of an event stream's events decodes.
#[derive(Debug, Clone, PartialEq)]
pub enum EventData {
    /// As JSON, into this type.
    Json(Ty),
    /// As the text it is (the schema is a string, or there is none).
    Text,
}

#[derive(Debug, Clone)]
pub struct ResponseCase {
    pub status: StatusMatch,
    /// How `send()` decodes the body (the media type preferred: JSON first, an
    /// event stream last).
    pub decode: Decode,
    /// The media type `decode` reads, as the document spells it.
    pub media: Option<String>,
    /// The case also (or only) offers `text/event-stream`: its events' data.
    pub events: Option<EventData>,
    /// The case also (or only) offers a binary media type: the first one.
    pub binary: Option<String>,
    pub description: String,
    /// Variant name in the operation's response or error enum.
    pub variant: String,
    /// Treat as success (a `default` response is the success case when an
    /// operation documents no 2xx response).
    pub success: bool,
    /// Where the JSON body's schema is in the document.
    pub schema_pointer: Option<String>,
    /// The method of the mock's `Then<Op>` that answers with it (the variant in
    /// snake case, or with `_response` where the runtime's `Then` has that name).
    pub mock_name: String,
}

/// A security scheme the client can hold a credential for.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub name: String,
    /// Rust name of the builder method and client field.
    pub field: String,
    /// The builder method that takes a credential provider (`None` for basic
    /// schemes, whose credential is two values).
    pub provider_setter: Option<String>,
    pub kind: SchemeKind,
    pub description: Option<String>,
    /// An OAuth 2 scheme's client credentials flow.
    pub client_credentials: Option<ClientCredentialsFlow>,
}

/// An OAuth 2 client credentials flow (RFC 6749 §4.4) the builder can run.
#[derive(Debug, Clone)]
pub struct ClientCredentialsFlow {
    /// The builder method that takes the client id, secret and scopes.
    pub setter: String,
    /// As the document writes it; a relative URL is resolved against the base URL.
    pub token_url: String,
    /// The scopes the document lists, with their descriptions.
    pub scopes: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeKind {
    Bearer,
    Basic,
    /// `Authorization: <scheme> <credential>` for other HTTP schemes.
    OtherHttp(String),
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
}

pub struct OperationSet {
    pub operations: Vec<Operation>,
    pub schemes: Vec<Scheme>,
    /// Whether every operation needs a credential by default.
    pub auth_required: bool,
    /// The schemes whose credentials `Client::raw` sends: the document's
    /// top-level requirement, or every scheme when it has none.
    pub raw_security: Vec<String>,
}

/// The mock's method names for each parameter and response, claimed beside the
/// methods the runtime's `When`/`Then` already have.
fn mock_names(params: &mut [Param], responses: &mut [ResponseCase]) {
    fn claim(ns: &mut Namespace, name: &str, suffix: &str) -> String {
        if ns.is_taken(name) {
            ns.claim(&format!("{name}_{suffix}"))
        } else {
            ns.claim(name)
        }
    }
    let holding = |names: &[&str]| {
        let mut ns = Namespace::new();
        names.iter().for_each(|n| ns.reserve(n));
        ns
    };
    let mut when = holding(reserved::MOCK_WHEN);
    for p in params {
        p.mock_name = claim(&mut when, &p.name, "param");
    }
    let mut then = holding(reserved::MOCK_THEN);
    for c in responses {
        c.mock_name = claim(&mut then, &snake(&c.variant), "response");
    }
}

pub fn build(doc: &Document, resolver: &mut Resolver<'_>) -> OperationSet {
    let api = &doc.api;
    let mut method_ns = reserved::methods(&[reserved::CLIENT, reserved::MOCK_SERVER].concat());
    let mut type_ns = reserved::types(reserved::CLIENT_MODULE_TYPES);
    let schemes = schemes(api.components.as_ref());
    let global: Vec<String> = security_names(api.security.as_deref(), &schemes);
    let auth_required = api
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|r| !r.is_empty()));
    // Where each operationId and each method name was first used.
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut method_owner: HashMap<String, (String, String)> = HashMap::new();
    let mut operations = Vec::new();
    for (path, item) in api.paths.iter() {
        let listed_at = pointer_push("#/paths", path);
        let Some((item, item_ptr)) =
            path_item(&resolver.refs, item, &listed_at, &mut resolver.diags)
        else {
            continue;
        };
        let template = PathTemplate::parse(path);
        for (method, op) in item.iter() {
            let Some(http_method) = HttpMethod::from_key(method) else {
                continue;
            };
            let ptr = pointer_push(&item_ptr, method);
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| synthesize_id(method, path));
            if op.operation_id.is_none() {
                resolver.diags.push(
                    Diagnostic::warning(&ptr, format!("operation has no `operationId`; using `{id}`"))
                        .with_code(Code::MissingOperationId)
                        .with_help("add an `operationId` so the method name does not change when the path does"),
                );
            }
            let base = snake(&id);
            let method_name = method_ns.claim(&base);
            let type_name = type_ns.claim(&camel(&id));
            for suffix in ["Error", "Response"] {
                type_ns.reserve(&format!("{type_name}{suffix}"));
            }
            let id_at = pointer_push(&ptr, "operationId");
            if let Some(first) = ids.get(&id) {
                resolver.diags.push(
                    Diagnostic::error(&id_at, format!("operationId `{id}` is also used at {first}"))
                        .with_code(Code::DuplicateOperationId)
                        .with_help("operation ids must be unique in a document; rename one of them")
                        .with_repair(format!("this operation's method is `{method_name}` and its request builder `{type_name}`")),
                );
            } else if let Some((other, other_at)) = method_owner.get(&base) {
                resolver.diags.push(
                    Diagnostic::warning(
                        &id_at,
                        format!(
                            "operationIds `{other}` and `{id}` both become the Rust method `{base}`"
                        ),
                    )
                    .with_code(Code::NameCollision)
                    .with_help(format!("rename one of them (the other is at {other_at})"))
                    .with_repair(format!("this operation's method is `{method_name}`")),
                );
            } else if method_name != base {
                resolver.diags.push(
                    Diagnostic::warning(
                        &id_at,
                        format!(
                            "operationId `{id}` becomes `{base}`, a name the client uses for itself"
                        ),
                    )
                    .with_code(Code::NameCollision)
                    .with_help("rename the operation if the numbered method name reads badly")
                    .with_repair(format!("this operation's method is `{method_name}`")),
                );
            }
            ids.entry(id.clone()).or_insert_with(|| id_at.clone());
            method_owner
                .entry(base)
                .or_insert_with(|| (id.clone(), id_at.clone()));
            let mut b = OperationResolver {
                doc,
                resolver: &mut *resolver,
                type_name: &type_name,
                ptr: &ptr,
            };
            let mut params = b.params(&item.parameters, &op.parameters, &template);
            let body = op.request_body.as_ref().and_then(|rb| b.body(rb));
            let mut responses = b.responses(&op.responses);
            // Rust names for arguments, unique within the operation.
            let mut arg_ns = reserved::methods(reserved::REQUEST_BUILDER);
            let body = body.map(|mut body| {
                body.name = arg_ns.claim("body");
                body
            });
            for p in &mut params {
                p.name = arg_ns.claim(&snake(&p.wire));
            }
            mock_names(&mut params, &mut responses);
            let security = match &op.security {
                Some(reqs) => security_names(Some(reqs), &schemes),
                None => global.clone(),
            };
            let pagination = op.extensions.get("x-pagination").and_then(|x| {
                pagination(
                    x,
                    &params,
                    &responses,
                    resolver,
                    &pointer_push(&ptr, "x-pagination"),
                )
            });
            operations.push(Operation {
                id,
                method_name,
                type_name,
                http_method,
                template: template.clone(),
                pointer: ptr,
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                tags: op.tags.clone(),
                params,
                body,
                responses,
                pagination,
                security,
            });
        }
    }
    let raw_security = match &api.security {
        Some(_) => global,
        None => schemes.iter().map(|s| s.name.clone()).collect(),
    };
    OperationSet {
        operations,
        schemes,
        auth_required,
        raw_security,
    }
}

/// A stable name for an operation without `operationId`: method and path words.
fn synthesize_id(method: &str, path: &str) -> String {
    let mut words = vec![method.to_string()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(param) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            words.push(format!("by {param}"));
        } else {
            words.push(seg.to_string());
        }
    }
    if words.len() == 1 {
        words.push("root".into());
    }
    camel(&words.join(" "))
}

struct OperationResolver<'a, 'r, 'd> {
    doc: &'d Document,
    resolver: &'a mut Resolver<'r>,
    type_name: &'a str,
    ptr: &'a str,
}

fn plain(ty: Ty) -> Resolved {
    Resolved {
        ty,
        nullable: false,
        doc: Doc::default(),
    }
}

fn location(p: &Parameter) -> Location {
    match p {
        Parameter::Path { .. } => Location::Path,
        Parameter::Query { .. } => Location::Query,
        Parameter::Header { .. } => Location::Header,
        Parameter::Cookie { .. } => Location::Cookie,
    }
}

#[cfg(test)]
mod tests;
