//! Operations of a document, resolved into what the client emitter needs:
//! parameters with Rust names and types, the body, and every response case.

use crate::diagnostics::{pointer_push, Diagnostic};
use crate::load::Document;
use crate::names::{camel, snake, Namespace};
use crate::types::resolve::Resolved;
use crate::types::{Doc, Resolver, Ty};
use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, Components, MediaType, Parameter, ParameterSchemaOrContent, QueryStyle,
    ReferenceOr, RequestBody, Response, SecurityScheme, StatusCode,
};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method_name: String,
    /// Base for the names of the operation's builder and enums (`ListPorts`).
    pub type_name: String,
    pub http_method: String,
    pub path: String,
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
    pub extensions: IndexMap<String, Value>,
    /// From our `x-pagination` extension: how to page through the results.
    pub pagination: Option<Pagination>,
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
    pub offset: Knob,
    pub limit: Knob,
    /// The response member with the items, and whether it is optional.
    pub items: Option<(String, bool)>,
    pub item: Ty,
    pub default_limit: i64,
}

/// Where a paging number is set: a parameter, or a member of one.
#[derive(Debug, Clone)]
pub struct Knob {
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

#[derive(Debug, Clone)]
pub struct ResponseCase {
    pub status: StatusMatch,
    pub decode: Decode,
    pub description: String,
    /// Variant name in the operation's response or error enum.
    pub variant: String,
    /// Treat as success (a `default` response is the success case when an
    /// operation documents no 2xx response).
    pub success: bool,
}

/// A security scheme the client can hold a credential for.
#[derive(Debug, Clone)]
pub struct Scheme {
    pub name: String,
    /// Rust name of the builder method and client field.
    pub field: String,
    pub kind: SchemeKind,
    pub description: Option<String>,
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

pub struct Built {
    pub operations: Vec<Operation>,
    pub schemes: Vec<Scheme>,
    /// Whether every operation needs a credential by default.
    pub auth_required: bool,
}

pub fn build(doc: &Document, resolver: &mut Resolver<'_>) -> Built {
    let api = &doc.api;
    let mut method_ns = Namespace::new();
    for reserved in ["builder", "new", "from_env", "base_url", "http_client"] {
        method_ns.reserve(reserved);
    }
    let mut type_ns = Namespace::new();
    for reserved in [
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
    ] {
        type_ns.reserve(reserved);
    }
    let schemes = schemes(api.components.as_ref());
    let global: Vec<String> = security_names(api.security.as_deref(), &schemes);
    let auth_required = api
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|r| !r.is_empty()));
    let mut operations = Vec::new();
    for (path, item) in api.paths.iter() {
        let item_ptr = pointer_push("#/paths", path);
        let item = match item {
            ReferenceOr::Item(i) => i,
            ReferenceOr::Reference { reference } => {
                resolver.diags.push(
                    Diagnostic::warning(&item_ptr, format!("path item `$ref: {reference}` is not supported; its operations are skipped"))
                        .with_code("fallback"),
                );
                continue;
            }
        };
        for (method, op) in item.iter() {
            let ptr = pointer_push(&item_ptr, method);
            let id = op
                .operation_id
                .clone()
                .unwrap_or_else(|| synthesize_id(method, path));
            if op.operation_id.is_none() {
                resolver.diags.push(
                    Diagnostic::warning(&ptr, format!("operation has no `operationId`; using `{id}`"))
                        .with_code("missing-operation-id")
                        .with_help("add an `operationId` so the method name does not change when the path does"),
                );
            }
            let method_name = method_ns.claim(&snake(&id));
            let type_name = type_ns.claim(&camel(&id));
            for suffix in ["Error", "Response"] {
                type_ns.reserve(&format!("{type_name}{suffix}"));
            }
            let mut b = OpBuilder {
                doc,
                resolver: &mut *resolver,
                type_name: &type_name,
                ptr: &ptr,
            };
            let mut params = b.params(&item.parameters, &op.parameters, path);
            let body = op.request_body.as_ref().and_then(|rb| b.body(rb));
            let responses = b.responses(&op.responses);
            // Rust names for arguments, unique within the operation.
            let mut arg_ns = Namespace::new();
            for reserved in [
                "client",
                "send",
                "self",
                "options",
                "with_timeout",
                "with_retry",
                "stream",
            ] {
                arg_ns.reserve(reserved);
            }
            let body = body.map(|mut body| {
                body.name = arg_ns.claim("body");
                body
            });
            for p in &mut params {
                p.name = arg_ns.claim(&snake(&p.wire));
            }
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
                http_method: method.to_ascii_uppercase(),
                path: path.clone(),
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
                extensions: op.extensions.clone(),
            });
        }
    }
    Built {
        operations,
        schemes,
        auth_required,
    }
}

/// Resolves an `x-pagination` extension, or explains (as a warning) why it is ignored.
fn pagination(
    x: &Value,
    params: &[Param],
    responses: &[ResponseCase],
    resolver: &mut Resolver<'_>,
    at: &str,
) -> Option<Pagination> {
    use crate::types::{FieldShape, TypeKind};
    let warn = |resolver: &mut Resolver<'_>, why: String| {
        resolver.diags.push(
            Diagnostic::warning(at, format!("`x-pagination` is ignored: {why}"))
                .with_code("pagination")
                .with_help("write `x-pagination: {offset: <param>[.<member>], limit: <param>[.<member>], items: <member>}`"),
        );
        None
    };
    let space = resolver.space();
    let struct_field = |ty: &Ty, wire: &str| -> Option<crate::types::Field> {
        let Ty::Named(id) = space.unalias(ty) else {
            return None;
        };
        let TypeKind::Struct(s) = &space.get(*id).kind else {
            return None;
        };
        s.fields.iter().find(|f| f.wire == wire).cloned()
    };
    let int_of = |ty: &Ty| match space.unalias(ty) {
        Ty::Int(k) => Some(*k),
        _ => None,
    };
    let knob = |path: &str| -> Result<Knob, String> {
        let (param_wire, member) = match path.split_once('.') {
            Some((p, m)) => (p, Some(m)),
            None => (path, None),
        };
        let param = params
            .iter()
            .find(|p| p.wire == param_wire)
            .ok_or_else(|| format!("no parameter `{param_wire}`"))?;
        let param_ty = match &param.ty {
            Ty::Option(inner) => inner.as_ref(),
            other => other,
        };
        match member {
            None => Ok(Knob {
                param: param.name.clone(),
                param_required: param.required,
                member: None,
                int: int_of(param_ty).ok_or_else(|| format!("`{param_wire}` is not an integer"))?,
            }),
            Some(m) => {
                let field = struct_field(param_ty, m)
                    .ok_or_else(|| format!("`{param_wire}` has no member `{m}`"))?;
                let int = int_of(&field.ty).ok_or_else(|| format!("`{path}` is not an integer"))?;
                if field.shape() == FieldShape::Flatten {
                    return Err(format!("`{path}` is not a plain member"));
                }
                if !param.required && !space.has_default(param_ty) {
                    return Err(format!(
                        "`{param_wire}` is optional and has no default to fill in"
                    ));
                }
                Ok(Knob {
                    param: param.name.clone(),
                    param_required: param.required,
                    member: Some((field.name.clone(), field.shape())),
                    int,
                })
            }
        }
    };
    let get = |key: &str| x.get(key).and_then(Value::as_str);
    let (Some(offset), Some(limit)) = (get("offset"), get("limit")) else {
        return warn(resolver, "it needs `offset` and `limit`".into());
    };
    let (offset, limit) = match (knob(offset), knob(limit)) {
        (Ok(o), Ok(l)) => (o, l),
        (Err(e), _) | (_, Err(e)) => return warn(resolver, e),
    };
    let success: Vec<&Ty> = responses
        .iter()
        .filter(|r| r.success)
        .filter_map(|r| match &r.decode {
            Decode::Json(t) => Some(t),
            _ => None,
        })
        .collect();
    let [body] = success.as_slice() else {
        return warn(
            resolver,
            "the operation needs exactly one JSON success body".into(),
        );
    };
    let (items, list) = match get("items") {
        None => (None, (*body).clone()),
        Some(member) => match struct_field(body, member) {
            Some(f) if matches!(f.shape(), FieldShape::Plain | FieldShape::Optional) => (
                Some((f.name.clone(), f.shape() == FieldShape::Optional)),
                f.ty.clone(),
            ),
            _ => {
                return warn(
                    resolver,
                    format!("the response has no plain member `{member}`"),
                )
            }
        },
    };
    let Ty::Vec(item) = space.unalias(&list).clone() else {
        return warn(resolver, "the items are not an array".into());
    };
    let default_limit = x
        .get("defaultLimit")
        .and_then(Value::as_i64)
        .unwrap_or(100)
        .max(1);
    Some(Pagination {
        offset,
        limit,
        items,
        item: *item,
        default_limit,
    })
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

fn schemes(components: Option<&Components>) -> Vec<Scheme> {
    let Some(c) = components else {
        return Vec::new();
    };
    let mut ns = Namespace::new();
    for reserved in ["base_url", "http_client", "build", "new"] {
        ns.reserve(reserved);
    }
    let mut out = Vec::new();
    for (name, scheme) in &c.security_schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            continue;
        };
        let (kind, description) = match scheme {
            SecurityScheme::HTTP {
                scheme,
                description,
                ..
            } => {
                let kind = match scheme.to_ascii_lowercase().as_str() {
                    "bearer" => SchemeKind::Bearer,
                    "basic" => SchemeKind::Basic,
                    other => SchemeKind::OtherHttp(camel(other)),
                };
                (kind, description.clone())
            }
            SecurityScheme::APIKey {
                location,
                name,
                description,
                ..
            } => (
                match location {
                    APIKeyLocation::Header => SchemeKind::ApiKeyHeader(name.clone()),
                    APIKeyLocation::Query => SchemeKind::ApiKeyQuery(name.clone()),
                    APIKeyLocation::Cookie => SchemeKind::ApiKeyCookie(name.clone()),
                },
                description.clone(),
            ),
            SecurityScheme::OAuth2 { description, .. }
            | SecurityScheme::OpenIDConnect { description, .. } => {
                (SchemeKind::Bearer, description.clone())
            }
        };
        out.push(Scheme {
            name: name.clone(),
            field: ns.claim(&snake(name)),
            kind,
            description,
        });
    }
    out
}

fn security_names(
    reqs: Option<&[openapiv3::SecurityRequirement]>,
    schemes: &[Scheme],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for req in reqs.unwrap_or_default() {
        for name in req.keys() {
            if schemes.iter().any(|s| &s.name == name) && !out.contains(name) {
                out.push(name.clone());
            }
        }
    }
    out
}

/// Which body kind a media type is, or `None` for one we cannot send or read.
pub fn media_kind(media: &str) -> BodyKind {
    let m = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if m == "application/json"
        || m.ends_with("+json")
        || m.contains("/json")
        || m.starts_with("application/json")
    {
        BodyKind::Json
    } else if m == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if m.starts_with("multipart/") || m == "form-data" {
        BodyKind::Multipart
    } else if m.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Bytes
    }
}

struct OpBuilder<'a, 'r, 'd> {
    doc: &'d Document,
    resolver: &'a mut Resolver<'r>,
    type_name: &'a str,
    ptr: &'a str,
}

impl<'d> OpBuilder<'_, '_, 'd> {
    fn params(
        &mut self,
        item_params: &[ReferenceOr<Parameter>],
        op_params: &[ReferenceOr<Parameter>],
        path: &str,
    ) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: IndexMap<(String, &'static str), (Parameter, String)> = IndexMap::new();
        let item_ptr = self
            .ptr
            .rsplit_once('/')
            .map(|(p, _)| p.to_string())
            .unwrap_or_default();
        for (list, base) in [
            (item_params, pointer_push(&item_ptr, "parameters")),
            (op_params, pointer_push(self.ptr, "parameters")),
        ] {
            for (i, p) in list.iter().enumerate() {
                let at = pointer_push(&base, &i.to_string());
                let Some(param) = self.deref(p, "parameters", |c| &c.parameters, &at) else {
                    continue;
                };
                let data = param.parameter_data_ref();
                let loc = location(param).as_str();
                merged.insert((data.name.clone(), loc), (param.clone(), at));
            }
        }
        let template: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        let mut out = Vec::new();
        for ((name, _), (param, at)) in &merged {
            let data = param.parameter_data_ref();
            let loc = location(param);
            if loc == Location::Path && !template.contains(name) {
                self.resolver.diags.push(
                    Diagnostic::warning(at, format!("path parameter `{name}` is declared but the path `{path}` has no `{{{name}}}`"))
                        .with_code("path-param-unused")
                        .with_help(format!("add `{{{name}}}` to the path, or remove the parameter")),
                );
                continue;
            }
            let hint = format!("{}{}", self.type_name, camel(name));
            let (resolved, style) = match &data.format {
                ParameterSchemaOrContent::Schema(s) => (
                    self.resolver.resolve(s, &hint, &pointer_push(at, "schema")),
                    None,
                ),
                ParameterSchemaOrContent::Content(content) => match content.iter().next() {
                    Some((media, mt)) => {
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
                        let r = match &mt.schema {
                            Some(s) => {
                                self.resolver
                                    .resolve(s, &hint, &pointer_push(&mptr, "schema"))
                            }
                            None => plain(Ty::Json),
                        };
                        (
                            r,
                            Some(if media_kind(media) == BodyKind::Json {
                                Style::Json
                            } else {
                                Style::Simple
                            }),
                        )
                    }
                    None => {
                        self.resolver.diags.push(
                            Diagnostic::error(
                                at,
                                format!("parameter `{name}` has neither `schema` nor `content`"),
                            )
                            .with_code("param-no-schema")
                            .with_help(
                                "add `schema: {type: string}` (or the parameter's real type)",
                            ),
                        );
                        (plain(Ty::String), None)
                    }
                },
            };
            let (default_style, default_explode) = match param {
                Parameter::Query { style, .. } => match style {
                    QueryStyle::Form => (Style::Form, true),
                    QueryStyle::SpaceDelimited => (Style::SpaceDelimited, false),
                    QueryStyle::PipeDelimited => (Style::PipeDelimited, false),
                    QueryStyle::DeepObject => (Style::DeepObject, true),
                },
                Parameter::Cookie { .. } => (Style::Form, true),
                _ => (Style::Simple, false),
            };
            let required = data.required || loc == Location::Path;
            let ty = if resolved.nullable && required {
                resolved.ty.option()
            } else {
                resolved.ty
            };
            let example = data
                .example
                .clone()
                .or_else(|| {
                    data.examples.values().find_map(|e| match e {
                        ReferenceOr::Item(e) => e.value.clone(),
                        _ => None,
                    })
                })
                .or_else(|| resolved.doc.example.clone());
            out.push(Param {
                name: String::new(),
                wire: name.clone(),
                location: loc,
                ty,
                required,
                style: style.unwrap_or(default_style),
                explode: data.explode.unwrap_or(default_explode),
                description: data
                    .description
                    .clone()
                    .or(resolved.doc.description.clone()),
                example,
                deprecated: data.deprecated.unwrap_or(false),
            });
        }
        for name in &template {
            if !out
                .iter()
                .any(|p| p.location == Location::Path && &p.wire == name)
            {
                self.resolver.diags.push(
                    Diagnostic::warning(self.ptr, format!("the path `{path}` has `{{{name}}}` but no path parameter `{name}` is declared; treating it as a required string"))
                        .with_code("path-param-undeclared")
                        .with_help(format!("declare it: `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`")),
                );
                out.push(Param {
                    name: String::new(),
                    wire: name.clone(),
                    location: Location::Path,
                    ty: Ty::String,
                    required: true,
                    style: Style::Simple,
                    explode: false,
                    description: None,
                    example: None,
                    deprecated: false,
                });
            }
        }
        // Path parameters in template order first, then the rest as declared.
        out.sort_by_key(|p| match p.location {
            Location::Path => template.iter().position(|t| t == &p.wire).unwrap_or(0),
            _ => usize::MAX,
        });
        out
    }

    fn body(&mut self, rb: &ReferenceOr<RequestBody>) -> Option<Body> {
        let at = pointer_push(self.ptr, "requestBody");
        let rb = self.deref(rb, "requestBodies", |c| &c.request_bodies, &at)?;
        let (media, mt) = pick_media(&rb.content)?;
        let kind = media_kind(media);
        let mptr = pointer_push(&pointer_push(&at, "content"), media);
        let hint = format!("{}Body", self.type_name);
        let ty = match kind {
            BodyKind::Text => Ty::String,
            BodyKind::Bytes => {
                self.untyped_media(media, mt, &mptr);
                Ty::Bytes
            }
            _ => match &mt.schema {
                Some(s) => {
                    let r = self
                        .resolver
                        .resolve(s, &hint, &pointer_push(&mptr, "schema"));
                    if r.nullable {
                        r.ty.option()
                    } else {
                        r.ty
                    }
                }
                None => self.schemaless(media, &mptr),
            },
        };
        Some(Body {
            name: "body".into(),
            kind,
            content_type: media.to_string(),
            ty,
            required: rb.required,
            description: rb.description.clone(),
        })
    }

    fn responses(&mut self, responses: &openapiv3::Responses) -> Vec<ResponseCase> {
        let base = pointer_push(self.ptr, "responses");
        let mut cases: Vec<(StatusMatch, &ReferenceOr<Response>, String)> = responses
            .responses
            .iter()
            .map(|(code, r)| {
                let status = match code {
                    StatusCode::Code(c) => StatusMatch::Code(*c),
                    StatusCode::Range(r) => StatusMatch::Range(*r),
                };
                (status, r, pointer_push(&base, &code.to_string()))
            })
            .collect();
        if let Some(d) = &responses.default {
            cases.push((StatusMatch::Default, d, pointer_push(&base, "default")));
        }
        let any_success = cases.iter().any(|(s, _, _)| s.is_success());
        let mut ns = Namespace::new();
        let mut out = Vec::new();
        for (status, r, at) in cases {
            let Some(resp) = self.deref(r, "responses", |c| &c.responses, &at) else {
                continue;
            };
            let success = status.is_success() || (status == StatusMatch::Default && !any_success);
            let hint = if success {
                format!("{}Response", self.type_name)
            } else {
                format!("{}{}Body", self.type_name, reason(status))
            };
            let decode = match pick_media(&resp.content) {
                None => Decode::Empty,
                Some((media, mt)) => match media_kind(media) {
                    BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                        let mptr = pointer_push(&pointer_push(&at, "content"), media);
                        match &mt.schema {
                            Some(s) => {
                                let r =
                                    self.resolver
                                        .resolve(s, &hint, &pointer_push(&mptr, "schema"));
                                Decode::Json(if r.nullable { r.ty.option() } else { r.ty })
                            }
                            None => Decode::Json(self.schemaless(media, &mptr)),
                        }
                    }
                    BodyKind::Text => Decode::Text,
                    BodyKind::Bytes => {
                        let mptr = pointer_push(&pointer_push(&at, "content"), media);
                        self.untyped_media(media, mt, &mptr);
                        Decode::Bytes
                    }
                },
            };
            out.push(ResponseCase {
                status,
                decode,
                description: resp.description.clone(),
                variant: ns.claim(&reason(status)),
                success,
            });
        }
        out
    }

    /// A JSON (or form) body without a schema: any JSON value, reported.
    fn schemaless(&mut self, media: &str, at: &str) -> Ty {
        self.resolver.diags.push(
            Diagnostic::warning(
                at,
                format!("`{media}` has no schema; using `serde_json::Value`"),
            )
            .with_code("fallback")
            .with_help("add a `schema` so the body gets a type"),
        );
        Ty::Json
    }

    /// A body in a media type we carry as bytes: if the document gives it a
    /// (non-binary) schema, that type is not used, and we say so.
    fn untyped_media(&mut self, media: &str, mt: &MediaType, at: &str) {
        let binary = |s: &openapiv3::Schema| {
            matches!(&s.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::String(st))
                if matches!(st.format, openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary | openapiv3::StringFormat::Byte)))
        };
        let typed = match &mt.schema {
            Some(ReferenceOr::Item(s)) => !binary(s),
            Some(ReferenceOr::Reference { .. }) => true,
            None => false,
        };
        if typed {
            self.resolver.diags.push(
                Diagnostic::warning(
                    at,
                    format!("`{media}` bodies are carried as raw bytes; their schema is not used"),
                )
                .with_code("fallback")
                .with_help("a JSON, form, multipart or text media type gets a typed body"),
            );
        }
    }

    /// Follows a `$ref` into `#/components/<kind>/<name>`.
    fn deref<'x, T>(
        &mut self,
        r: &'x ReferenceOr<T>,
        kind: &str,
        map: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Option<&'x T>
    where
        'd: 'x,
    {
        let doc: &'x Document = self.doc;
        let mut current = r;
        for _ in 0..16 {
            match current {
                ReferenceOr::Item(t) => return Some(t),
                ReferenceOr::Reference { reference } => {
                    let prefix = format!("#/components/{kind}/");
                    let found = reference
                        .strip_prefix(&prefix)
                        .map(crate::diagnostics::pointer_unescape)
                        .and_then(|name| {
                            doc.api.components.as_ref().and_then(|c| map(c).get(&name))
                        });
                    match found {
                        Some(next) => current = next,
                        None => {
                            self.resolver.diags.push(
                                Diagnostic::error(at, format!("`$ref: {reference}` does not point at an entry of `components/{kind}`"))
                                    .with_code("unresolved-ref")
                                    .with_help(format!("add the {kind} entry it names, or fix the reference")),
                            );
                            return None;
                        }
                    }
                }
            }
        }
        self.resolver.diags.push(
            Diagnostic::error(at, "this `$ref` is part of a loop of references")
                .with_code("ref-loop"),
        );
        None
    }
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

/// The media type we prefer when several are offered: JSON first.
fn pick_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    let rank = |m: &str| match media_kind(m) {
        BodyKind::Json => 0,
        BodyKind::Form => 1,
        BodyKind::Multipart => 2,
        BodyKind::Text => 3,
        BodyKind::Bytes => 4,
    };
    content.iter().min_by_key(|(m, _)| rank(m))
}

/// A readable variant name for a status: `NotFound`, `ClientError`, `Default`.
pub fn reason(status: StatusMatch) -> String {
    let text = match status {
        StatusMatch::Default => "Default",
        StatusMatch::Range(1) => "Informational",
        StatusMatch::Range(2) => "Success",
        StatusMatch::Range(3) => "Redirection",
        StatusMatch::Range(4) => "ClientError",
        StatusMatch::Range(5) => "ServerError",
        StatusMatch::Range(_) => "OtherStatus",
        StatusMatch::Code(c) => match c {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            207 => "MultiStatus",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            411 => "LengthRequired",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            416 => "RangeNotSatisfiable",
            417 => "ExpectationFailed",
            418 => "ImATeapot",
            422 => "UnprocessableEntity",
            423 => "Locked",
            424 => "FailedDependency",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            451 => "UnavailableForLegalReasons",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{c}"),
        },
    };
    text.to_string()
}
