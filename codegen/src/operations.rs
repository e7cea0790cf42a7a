//! Operations of a document, resolved into what the client emitter needs:
//! parameters with Rust names and types, the body, and every response case.

use crate::diagnostics::{pointer_push, Diagnostic};
use crate::http::{HttpMethod, PathTemplate};
use crate::load::Document;
use crate::names::{camel, snake, Namespace};
use crate::reserved;
use crate::types::resolve::Resolved;
use crate::types::{Doc, Resolver, Ty};
use indexmap::IndexMap;
use openapiv3::{
    APIKeyLocation, Components, MediaType, Parameter, ParameterSchemaOrContent, PathItem,
    QueryStyle, ReferenceOr, RequestBody, Response, SecurityScheme, StatusCode,
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
    pub path: String,
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
    let mut method_ns = reserved::methods(reserved::CLIENT);
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
        let Some((item, item_ptr)) = path_item(doc, item, &listed_at, &mut resolver.diags) else {
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
                        .with_code("missing-operation-id")
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
                        .with_code("duplicate-operation-id")
                        .with_help("operation ids must be unique in a document; rename one of them")
                        .with_repair(format!("this operation's method is `{method_name}` and its request builder `{type_name}`")),
                );
            } else if let Some((other, other_at)) = method_owner.get(&base) {
                resolver.diags.push(
                    Diagnostic::warning(&id_at, format!("operationIds `{other}` and `{id}` both become the Rust method `{base}`"))
                        .with_code("name-collision")
                        .with_help(format!("rename one of them (the other is at {other_at})"))
                        .with_repair(format!("this operation's method is `{method_name}`")),
                );
            } else if method_name != base {
                resolver.diags.push(
                    Diagnostic::warning(&id_at, format!("operationId `{id}` becomes `{base}`, a name the client uses for itself"))
                        .with_code("name-collision")
                        .with_help("rename the operation if the numbered method name reads badly")
                        .with_repair(format!("this operation's method is `{method_name}`")),
                );
            }
            ids.entry(id.clone()).or_insert_with(|| id_at.clone());
            method_owner
                .entry(base)
                .or_insert_with(|| (id.clone(), id_at.clone()));
            let mut b = OpBuilder {
                doc,
                resolver: &mut *resolver,
                type_name: &type_name,
                ptr: &ptr,
            };
            let mut params = b.params(&item.parameters, &op.parameters, &template);
            let body = op.request_body.as_ref().and_then(|rb| b.body(rb));
            let responses = b.responses(&op.responses);
            // Rust names for arguments, unique within the operation.
            let mut arg_ns = reserved::methods(reserved::REQUEST_BUILDER);
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
                http_method,
                path: path.clone(),
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

/// A path item, following a `$ref` to wherever in the document it points, and the
/// pointer of the object itself.
fn path_item<'d>(
    doc: &'d Document,
    item: &'d ReferenceOr<PathItem>,
    at: &str,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Option<(Cow<'d, PathItem>, String)> {
    match item {
        ReferenceOr::Item(i) => Some((Cow::Borrowed(i), at.to_string())),
        ReferenceOr::Reference { reference } => {
            let (value, target) = follow_raw(doc, reference, at, diags)?;
            match serde_json::from_value::<PathItem>(value.clone()) {
                Ok(i) => Some((Cow::Owned(i), target)),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(
                            at,
                            format!("`$ref: {reference}` does not point at a path item: {e}"),
                        )
                        .with_code("ref-wrong-kind")
                        .with_help("point the reference at a Path Item Object")
                        .with_repair("the path's operations are left out"),
                    );
                    None
                }
            }
        }
    }
}

/// Follows a chain of `$ref`s through the raw document to a value that is not a
/// reference: the value and its pointer. Reports (fatally) a reference that points
/// nowhere, outside the document, or into a loop.
pub fn follow_raw<'d>(
    doc: &'d Document,
    reference: &str,
    at: &str,
    diags: &mut crate::diagnostics::Diagnostics,
) -> Option<(&'d Value, String)> {
    let mut seen: Vec<String> = Vec::new();
    let mut current = reference.to_string();
    loop {
        let Some(pointer) = local_pointer(&current) else {
            diags.push(
                Diagnostic::error(
                    pointer_push(at, "$ref"),
                    format!("`$ref: {current}` points outside this document"),
                )
                .with_code("external-ref")
                .with_help(
                    "bundle the document first (e.g. `redocly bundle`) so every reference is local",
                ),
            );
            return None;
        };
        if seen.contains(&pointer) || seen.len() >= MAX_REF_HOPS {
            diags.push(
                Diagnostic::error(
                    pointer_push(at, "$ref"),
                    format!("`$ref: {reference}` is part of a loop of references"),
                )
                .with_code("ref-loop")
                .with_help("make one of the references point at an actual object"),
            );
            return None;
        }
        let Some(value) = doc.raw.pointer(pointer.trim_start_matches('#')) else {
            diags.push(
                Diagnostic::error(pointer_push(at, "$ref"), format!("`$ref: {current}` points nowhere: the document has nothing at that location"))
                    .with_code("unresolved-ref")
                    .with_help("check the spelling of the reference"),
            );
            return None;
        };
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) => {
                seen.push(pointer);
                current = next.to_string();
            }
            None => return Some((value, pointer)),
        }
    }
}

/// References followed before a chain is called a loop.
pub const MAX_REF_HOPS: usize = 64;

/// A local reference (`#/…`) as a JSON pointer with its percent-escapes decoded, or
/// `None` for a reference outside the document.
pub fn local_pointer(reference: &str) -> Option<String> {
    reference
        .starts_with('#')
        .then(|| crate::diagnostics::percent_decode(reference))
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
    let knob = |path: &str| -> Result<PageParam, String> {
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
            None => Ok(PageParam {
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
                Ok(PageParam {
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
    // A scheme is a setter and a field of `ClientBuilder`, and a field of `Client`.
    let mut ns = reserved::methods(reserved::CLIENT_BUILDER);
    for n in reserved::CLIENT {
        ns.reserve(n);
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
        template: &PathTemplate,
    ) -> Vec<Param> {
        // Operation-level parameters override path-level ones with the same name and location.
        let mut merged: IndexMap<(String, &'static str), (Parameter, String, Option<String>)> =
            IndexMap::new();
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
                let Some(found) = self.deref(p, "parameters", |c| &c.parameters, &at) else {
                    continue;
                };
                let data = found.value.parameter_data_ref();
                let loc = location(&found.value).as_str();
                merged.insert(
                    (data.name.clone(), loc),
                    (found.value.into_owned(), found.pointer, found.component),
                );
            }
        }
        let mut out = Vec::new();
        for ((name, _), (param, at, component)) in &merged {
            let at = at.as_str();
            let data = param.parameter_data_ref();
            let loc = location(param);
            if loc == Location::Path && !template.has_param(name) {
                self.resolver.diags.push(
                    Diagnostic::warning(at, format!("path parameter `{name}` is declared but the path `{}` has no `{{{name}}}`", template.text))
                        .with_code("path-param-unused")
                        .with_help(format!("add `{{{name}}}` to the path, or remove the parameter"))
                        .with_repair("the parameter is left out"),
                );
                continue;
            }
            // A shared parameter's inline schema is named after the shared parameter.
            let hint = match component {
                Some(c) => camel(c),
                None => format!("{}{}", self.type_name, camel(name)),
            };
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
                            )
                            .with_repair("the parameter is a string"),
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
        for name in template.params() {
            if !out
                .iter()
                .any(|p| p.location == Location::Path && p.wire == name)
            {
                self.resolver.diags.push(
                    Diagnostic::warning(self.ptr, format!("the path `{}` has `{{{name}}}` but no path parameter `{name}` is declared", template.text))
                        .with_code("path-param-undeclared")
                        .with_help(format!("declare it: `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}`"))
                        .with_repair("it is a required string argument"),
                );
                out.push(Param {
                    name: String::new(),
                    wire: name.to_string(),
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
            Location::Path => template.params().position(|t| t == p.wire).unwrap_or(0),
            _ => usize::MAX,
        });
        out
    }

    fn body(&mut self, rb: &ReferenceOr<RequestBody>) -> Option<Body> {
        let at = pointer_push(self.ptr, "requestBody");
        let found = self.deref(rb, "requestBodies", |c| &c.request_bodies, &at)?;
        let rb = found.value.as_ref();
        let at = found.pointer.as_str();
        let (media, mt) = pick_media(&rb.content)?;
        let kind = media_kind(media);
        let mptr = pointer_push(&pointer_push(at, "content"), media);
        let hint = match &found.component {
            Some(c) => camel(c),
            None => format!("{}Body", self.type_name),
        };
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
            let Some(found) = self.deref(r, "responses", |c| &c.responses, &at) else {
                continue;
            };
            let resp = found.value.as_ref();
            let at = found.pointer.as_str();
            let success = status.is_success() || (status == StatusMatch::Default && !any_success);
            let hint = match &found.component {
                Some(c) => camel(c),
                None if success => format!("{}Response", self.type_name),
                None => format!("{}{}Body", self.type_name, reason(status)),
            };
            let decode = match pick_media(&resp.content) {
                None => Decode::Empty,
                Some((media, mt)) => match media_kind(media) {
                    BodyKind::Json | BodyKind::Form | BodyKind::Multipart => {
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
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
                        let mptr = pointer_push(&pointer_push(at, "content"), media);
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

    /// Follows `$ref`s, into `#/components/<kind>/…` or to any other location of
    /// the document, to the object. Its own pointer comes back with it, so that the
    /// inline schemas of an object shared by several operations resolve once.
    fn deref<'x, T>(
        &mut self,
        r: &'x ReferenceOr<T>,
        kind: &'static str,
        map: fn(&Components) -> &IndexMap<String, ReferenceOr<T>>,
        at: &str,
    ) -> Option<Found<'x, T>>
    where
        'd: 'x,
        T: Clone + serde::de::DeserializeOwned + Repair,
    {
        let doc: &'x Document = self.doc;
        let mut current = r;
        let mut pointer = at.to_string();
        let mut component = None;
        for _ in 0..MAX_REF_HOPS {
            let reference = match current {
                ReferenceOr::Item(t) => {
                    return Some(Found {
                        value: Cow::Borrowed(t),
                        pointer,
                        component,
                    })
                }
                ReferenceOr::Reference { reference } => reference,
            };
            let prefix = format!("#/components/{kind}/");
            let name = local_pointer(reference).and_then(|p| {
                p.strip_prefix(&prefix)
                    .filter(|n| !n.contains('/'))
                    .map(crate::diagnostics::pointer_unescape)
            });
            let entry = name
                .as_ref()
                .and_then(|name| doc.api.components.as_ref().and_then(|c| map(c).get(name)));
            match (entry, name) {
                (Some(next), Some(name)) => {
                    pointer = pointer_push(&format!("#/components/{kind}"), &name);
                    component = Some(name);
                    current = next;
                }
                _ => return self.deref_raw(reference, kind, at),
            }
        }
        self.resolver.diags.push(
            Diagnostic::error(at, "this `$ref` is part of a loop of references")
                .with_code("ref-loop")
                .with_help("make one of the references point at an actual object"),
        );
        None
    }

    /// A reference to somewhere other than `components/<kind>`: read the object there.
    fn deref_raw<'x, T>(
        &mut self,
        reference: &str,
        kind: &'static str,
        at: &str,
    ) -> Option<Found<'x, T>>
    where
        T: Clone + serde::de::DeserializeOwned + Repair,
    {
        let (value, target) = follow_raw(self.doc, reference, at, &mut self.resolver.diags)?;
        match serde_json::from_value::<T>(value.clone()) {
            Ok(t) => Some(Found {
                value: Cow::Owned(t),
                pointer: target,
                component: None,
            }),
            Err(e) => {
                let schema = looks_like_schema(value);
                let repaired = schema.then(|| T::from_schema(&target)).flatten();
                let what = if schema { "a schema" } else { "something else" };
                let instead = match &repaired {
                    Some(_) => format!("it is read as a JSON {} with that schema", T::NOUN),
                    None => format!("the {} is left out", T::NOUN),
                };
                self.resolver.diags.push(
                    Diagnostic::error(at, format!("`$ref: {reference}` should point at a {} (an entry like those of `components/{kind}`), but points at {what}: {e}", T::NOUN))
                        .with_code("ref-wrong-kind")
                        .with_help(format!("point the reference at a {} object", T::NOUN))
                        .with_repair(instead),
                );
                repaired.map(|t| Found {
                    value: Cow::Owned(t),
                    pointer: target,
                    component: None,
                })
            }
        }
    }
}

/// An object reached through `deref`: the value, where it is, and the name it has
/// under `components` (if that is where it is).
struct Found<'x, T: Clone> {
    value: Cow<'x, T>,
    pointer: String,
    component: Option<String>,
}

/// How a reference that should point at a `T` but points at a schema is read.
trait Repair: Sized {
    const NOUN: &'static str;
    fn from_schema(_pointer: &str) -> Option<Self> {
        None
    }
}

impl Repair for Parameter {
    const NOUN: &'static str = "parameter";
}

impl Repair for Response {
    const NOUN: &'static str = "response";
    fn from_schema(pointer: &str) -> Option<Self> {
        Some(Response {
            description: String::new(),
            content: json_content(pointer),
            ..Response::default()
        })
    }
}

impl Repair for RequestBody {
    const NOUN: &'static str = "request body";
    fn from_schema(pointer: &str) -> Option<Self> {
        Some(RequestBody {
            content: json_content(pointer),
            required: true,
            ..RequestBody::default()
        })
    }
}

fn json_content(schema_pointer: &str) -> IndexMap<String, MediaType> {
    let mut content = IndexMap::new();
    content.insert(
        "application/json".to_string(),
        MediaType {
            schema: Some(ReferenceOr::Reference {
                reference: schema_pointer.to_string(),
            }),
            ..MediaType::default()
        },
    );
    content
}

/// Whether a value reads as a Schema Object rather than any other OpenAPI object.
fn looks_like_schema(v: &Value) -> bool {
    v.as_object().is_some_and(|o| {
        [
            "type",
            "properties",
            "items",
            "allOf",
            "oneOf",
            "anyOf",
            "enum",
            "format",
            "additionalProperties",
            "nullable",
        ]
        .iter()
        .any(|k| o.contains_key(*k))
            && !o.contains_key("in")
            && !o.contains_key("content")
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;
    use serde_json::json;

    /// Builds the operations of a document, with every diagnostic.
    fn build_doc(doc: Value) -> (Built, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let text = doc.to_string();
        let doc = crate::load::parse(&text, &mut diags).expect("parses");
        let mut resolver = Resolver::new(&doc);
        let built = build(&doc, &mut resolver);
        let (_, more) = resolver.finish();
        (
            built,
            diags
                .into_vec()
                .into_iter()
                .chain(more.into_vec())
                .collect(),
        )
    }

    fn doc(paths: Value) -> Value {
        json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths})
    }

    #[test]
    fn duplicate_operation_ids_are_repaired_errors() {
        let ok = json!({"responses": {"200": {"description": "ok"}}});
        let mut a = ok.clone();
        a["operationId"] = json!("x");
        let (built, d) = build_doc(doc(json!({"/a": {"get": a.clone()}, "/b": {"get": a}})));
        let names: Vec<&str> = built
            .operations
            .iter()
            .map(|o| o.method_name.as_str())
            .collect();
        assert_eq!(names, ["x", "x2"]);
        let dup = d
            .iter()
            .find(|d| d.code == "duplicate-operation-id")
            .unwrap();
        assert_eq!(dup.pointer, "#/paths/~1b/get/operationId");
        assert!(dup.is_error() && !dup.is_fatal());
        assert!(dup.repaired.as_deref().unwrap().contains("`x2`"), "{dup}");
    }

    #[test]
    fn operation_ids_never_take_the_clients_own_names() {
        let mut paths = serde_json::Map::new();
        let taken = reserved::CLIENT.iter().chain(&["clone", "fmt"]);
        for (i, id) in taken.enumerate() {
            paths.insert(
                format!("/p{i}"),
                json!({"get": {"operationId": id, "responses": {"200": {"description": "ok"}}}}),
            );
        }
        let (built, _) = build_doc(doc(Value::Object(paths)));
        for op in &built.operations {
            assert_ne!(op.method_name, op.id, "{} must be renamed", op.id);
            assert!(reserved::CLIENT.iter().all(|r| *r != op.method_name));
        }
    }

    #[test]
    fn references_may_point_anywhere_in_the_document() {
        let (built, d) = build_doc(doc(json!({
            "/accounts": {"get": {"operationId": "list", "responses": {
                "200": {"description": "ok"},
                "401": {"description": "no", "content": {"application/json": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}}
            }}},
            "/other": {"get": {"operationId": "other", "responses": {
                "200": {"description": "ok"},
                "401": {"$ref": "#/paths/~1accounts/get/responses/401"}
            }}}
        })));
        assert!(d.iter().all(|d| !d.is_error()), "{d:?}");
        let ty = |op: usize| {
            built.operations[op]
                .responses
                .iter()
                .find(|r| r.status == StatusMatch::Code(401))
                .map(|r| r.decode.clone())
        };
        assert!(matches!(ty(1), Some(Decode::Json(Ty::Named(_)))));
        assert_eq!(ty(0), ty(1), "the shared response's schema is one type");
    }

    #[test]
    fn a_response_reference_to_a_schema_is_read_as_a_json_body() {
        let (built, d) = build_doc(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/components/schemas/Pet"}}}}},
            "components": {"schemas": {"Pet": {"type": "object", "properties": {"name": {"type": "string"}}}}}
        }));
        let wrong = d.iter().find(|d| d.code == "ref-wrong-kind").unwrap();
        assert!(!wrong.is_fatal());
        assert!(matches!(
            built.operations[0].responses[0].decode,
            Decode::Json(Ty::Named(_))
        ));
    }

    #[test]
    fn a_reference_to_nothing_is_fatal() {
        let (_, d) = build_doc(doc(
            json!({"/a": {"get": {"operationId": "a", "responses": {"200": {"$ref": "#/nowhere"}}}}}),
        ));
        assert!(
            d.iter().any(|d| d.code == "unresolved-ref" && d.is_fatal()),
            "{d:?}"
        );
    }

    #[test]
    fn path_item_references_are_followed() {
        let (built, d) = build_doc(json!({
            "openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"$ref": "#/x-shared/item"}},
            "x-shared": {"item": {"get": {"operationId": "shared", "responses": {"200": {"description": "ok"}}}}}
        }));
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(built.operations[0].path, "/a");
        assert_eq!(built.operations[0].pointer, "#/x-shared/item/get");
    }
}
