//! The driver `cargo xtask conformance` builds against a generated crate: a
//! `main.rs` that decodes and re-encodes values as the Rust types of given
//! schemas, and calls each operation with arguments given as JSON. The fixed part
//! of the driver (its line protocol) is `xtask/src/conformance/support.rs`.
//!
//! Beside it, the rest of conformance that needs no tool: the cases a document
//! carries (`cases`), when a value came back unchanged (`compare`), how answers
//! are judged (`judge`) and the report (`report`). `xtask` runs the processes.

mod cases;
mod compare;
mod judge;
mod report;

pub use cases::{Example, at, examples, is_json, named_schemas, without_outside_refs};
pub use compare::json_diff;
pub use judge::{
    Row, Validate, arguments, fragment, is_base64, judge_call, judge_round_trip, push_note,
    response_schema, summary, verdict,
};
pub use report::{RunInfo, table};

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::names::ident;
use crate::operations::{BodyKind, Location, Operation, SchemeKind, StatusMatch};
use crate::types::{Ty, TypeEmitter};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// A driver for one document.
#[derive(Debug, Clone)]
pub struct Driver {
    /// The driver crate's `src/main.rs`, formatted.
    pub main_rs: String,
    /// For each requested schema pointer, the index of its type in the driver's
    /// table (`None`: the generator gave that schema no type).
    pub types: Vec<Option<usize>>,
    /// The document's operations, numbered as the driver numbers them.
    pub operations: Vec<OperationPlan>,
}

/// What a caller needs to build an operation's arguments.
#[derive(Debug, Clone)]
pub struct OperationPlan {
    pub id: String,
    pub method: String,
    pub path: String,
    pub params: Vec<ArgPlan>,
    pub body: Option<ArgPlan>,
    /// Its JSON response bodies: the status as the document writes it (`200`,
    /// `4XX`, `default`) and where the body's schema is.
    pub responses: Vec<(String, String)>,
}

/// One argument: its name in the call's JSON (`$body` for the body), where its
/// schema is, and an example the document gives for it.
#[derive(Debug, Clone)]
pub struct ArgPlan {
    pub name: String,
    pub location: &'static str,
    pub required: bool,
    pub schema_pointer: Option<String>,
    pub example: Option<Value>,
    /// The body's media type.
    pub content_type: Option<String>,
}

/// The name a body has among a call's arguments.
pub const BODY: &str = "$body";

/// Makes the driver for a document whose crate is named `crate_name`, able to
/// decode values as the types of `pointers`.
pub fn driver(
    source: &str,
    crate_name: &str,
    pointers: &[String],
) -> Result<Driver, Vec<Diagnostic>> {
    crate::limits::with_stack(|| driver_here(source, crate_name, pointers))
}

fn driver_here(
    source: &str,
    crate_name: &str,
    pointers: &[String],
) -> Result<Driver, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    let Some(doc) = crate::load::parse(source, &mut diags) else {
        return Err(diags.into_vec());
    };
    let (space, operations, more) = crate::resolve_document(&doc);
    if diags.has_fatal() || more.has_fatal() {
        return Err(diags
            .into_vec()
            .into_iter()
            .chain(more.into_vec())
            .collect());
    }
    let krate = format_ident!("{}", crate_name.replace('-', "_"));
    let emitter = TypeEmitter::new(&space);
    let external = |ty: &Ty| emitter.ty_external(ty, &krate);

    // The type table: each distinct Rust type once.
    let mut table: Vec<(String, TokenStream)> = Vec::new();
    let mut types = Vec::with_capacity(pointers.len());
    for p in pointers {
        let Some((ty, nullable)) = space.at_pointer.get(p) else {
            types.push(None);
            continue;
        };
        let tokens = if *nullable && !matches!(ty, Ty::Option(_) | Ty::Json) {
            let t = external(ty);
            quote!(Option<#t>)
        } else {
            external(ty)
        };
        let key = tokens.to_string();
        let index = match table.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                table.push((key, tokens));
                table.len() - 1
            }
        };
        types.push(Some(index));
    }
    let arms: TokenStream = table
        .iter()
        .enumerate()
        .map(|(i, (_, t))| {
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i => support::roundtrip::<#t>(text),)
        })
        .collect();

    let calls: TokenStream = operations
        .operations
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let body = call(op, &external);
            let i = proc_macro2::Literal::usize_unsuffixed(i);
            quote!(#i => { #body })
        })
        .collect();
    let credentials: TokenStream = operations
        .schemes
        .iter()
        .map(|s| {
            let f = ident(&s.field);
            match s.kind {
                SchemeKind::Basic => quote!(.#f("conformance", credential.as_str())),
                _ => quote!(.#f(credential.as_str())),
            }
        })
        .collect();
    let (client_fn, call_fn, run) = if operations.operations.is_empty() {
        (
            TokenStream::new(),
            TokenStream::new(),
            quote!(support::run(check, None)),
        )
    } else {
        (
            quote! {
                /// A client of the mock: every security scheme gets a credential
                /// (`DRIVER_CREDENTIAL`, for a real server, or a made-up one).
                /// Redirects are answers to check, not to follow (Prism's `Location`s
                /// are made up).
                fn client(base_url: &str) -> api::Client {
                    let credential = std::env::var("DRIVER_CREDENTIAL").unwrap_or_else(|_| "conformance".into());
                    let http = reqwest::Client::builder()
                        .redirect(reqwest::redirect::Policy::none())
                        .build()
                        // tidy: allow-panic (generated code of the conformance driver, a test program)
                        .expect("an HTTP client");
                    api::Client::builder()
                        .base_url(base_url)
                        .http_client(http)
                        .retry(api::RetryPolicy::none())
                        #credentials
                        .build()
                        // tidy: allow-panic (generated code of the conformance driver, a test program)
                        .expect("the mock's URL is valid")
                }
            },
            quote! {
                /// Calls the operation with this index with the arguments given.
                fn call<'a>(op: usize, client: &'a api::Client, args: &'a support::Args) -> calls::Call<'a> {
                    Box::pin(async move {
                        match op {
                            #calls
                            _ => Err(format!("no operation {op}")),
                        }
                    })
                }
            },
            quote! {
                let base_url = std::env::args().nth(1).unwrap_or_else(|| "http://127.0.0.1:9".into());
                let mock = calls::Mock::new(client(&base_url), call);
                support::run(check, Some(&mock));
            },
        )
    };
    let calls_mod = (!operations.operations.is_empty()).then(|| {
        quote!(
            mod calls;
        )
    });
    let header = crate::output::rust_header("cargo xtask conformance", "the document under test");
    let tokens = quote! {
        //! Checks the generated crate against values and a mock server.
        #![allow(clippy::all, unused)]

        use #krate as api;

        mod support;
        #calls_mod

        /// Decodes `text` as the type with this index and encodes it again.
        fn check(ty: usize, text: &[u8]) -> Option<Result<String, String>> {
            Some(match ty {
                #arms
                _ => return None,
            })
        }

        #call_fn
        #client_fn

        fn main() {
            #run
        }
    };
    let main_rs =
        crate::output::format_file(tokens, &header, "conformance driver").map_err(|d| vec![d])?;
    let plans = operations.operations.iter().map(plan).collect();
    Ok(Driver {
        main_rs,
        types,
        operations: plans,
    })
}

/// The arm that calls one operation: required arguments to the method, optional
/// ones to their setters, then `send`.
fn call(op: &Operation, external: &dyn Fn(&Ty) -> TokenStream) -> TokenStream {
    let method = ident(&op.method_name);
    let mut args = Vec::new();
    let mut setters = TokenStream::new();
    for p in &op.params {
        let wire = &p.wire;
        let t = external(&p.ty);
        let n = ident(&p.name);
        if p.required {
            args.push(quote!(args.arg::<#t>(#wire)?));
        } else {
            setters.extend(quote! {
                let request = match args.opt::<#t>(#wire)? {
                    Some(v) => request.#n(v),
                    None => request,
                };
            });
        }
    }
    if let Some(b) = &op.body {
        let t = match b.kind {
            // Any text converts into the `Upload` (or `String`) the method takes.
            BodyKind::Bytes | BodyKind::Text => quote!(String),
            _ => external(&b.ty),
        };
        let n = ident(&b.name);
        if b.required {
            args.push(quote!(args.arg::<#t>(#BODY)?));
        } else {
            setters.extend(quote! {
                let request = match args.opt::<#t>(#BODY)? {
                    Some(v) => request.#n(v),
                    None => request,
                };
            });
        }
    }
    quote! {
        let request = client.#method(#(#args),*);
        #setters
        Ok(calls::called(request.send().await))
    }
}

fn plan(op: &Operation) -> OperationPlan {
    OperationPlan {
        id: op.id.clone(),
        method: op.http_method.as_str().to_string(),
        path: op.template.text.clone(),
        params: op
            .params
            .iter()
            .map(|p| ArgPlan {
                name: p.wire.clone(),
                location: match p.location {
                    Location::Path => "path",
                    Location::Query => "query",
                    Location::Header => "header",
                    Location::Cookie => "cookie",
                },
                required: p.required,
                schema_pointer: p.schema_pointer.clone(),
                example: p.example.clone(),
                content_type: None,
            })
            .collect(),
        body: op.body.as_ref().map(|b| ArgPlan {
            name: BODY.to_string(),
            location: "body",
            required: b.required,
            schema_pointer: b.schema_pointer.clone(),
            example: None,
            content_type: Some(b.content_type.clone()),
        }),
        responses: op
            .responses
            .iter()
            .filter_map(|r| {
                let status = match r.status {
                    StatusMatch::Code(c) => c.to_string(),
                    StatusMatch::Range(r) => format!("{r}XX"),
                    StatusMatch::Default => "default".to_string(),
                };
                Some((status, r.schema_pointer.clone()?))
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"
openapi: 3.0.3
info: {title: t, version: "1"}
servers: [{url: "http://x"}]
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Pet:
      type: object
      required: [name]
      properties:
        name: {type: string}
        tag: {type: string, nullable: true}
security: [{key: []}]
paths:
  /pets/{id}:
    put:
      operationId: putPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}, example: 4}
        - {name: dry, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Pet"}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pet"}
"##;

    #[test]
    fn a_driver_knows_each_requested_type_once_and_every_operation() {
        let pointers = [
            "#/components/schemas/Pet".to_string(),
            "#/components/schemas/Pet/properties/tag".to_string(),
            "#/nowhere".to_string(),
            "#/paths/~1pets~1{id}/put/requestBody/content/application~1json/schema".to_string(),
        ];
        let d = driver(DOC, "pets", &pointers).expect("a driver");
        // The body's schema is a reference to Pet: the same type, the same index.
        assert_eq!(d.types[0], d.types[3]);
        assert!(d.types[0].is_some() && d.types[1].is_some());
        assert_eq!(d.types[2], None);
        assert!(d.main_rs.contains("support::roundtrip::<pets::types::Pet>"));
        // A nullable string decodes as an Option.
        assert!(d.main_rs.contains("support::roundtrip::<Option<String>>"));
        // The call: required arguments to the method, optional ones to setters,
        // the credential set on the client.
        assert!(d.main_rs.contains(".put_pet("), "{}", d.main_rs);
        assert!(d.main_rs.contains("args.arg::<i64>(\"id\")?"));
        assert!(
            d.main_rs
                .contains("args.arg::<pets::types::Pet>(\"$body\")?")
        );
        assert!(d.main_rs.contains("args.opt::<bool>(\"dry\")?"));
        assert!(
            d.main_rs.contains(".key(credential.as_str())"),
            "{}",
            d.main_rs
        );
        syn::parse_file(&d.main_rs).expect("the driver parses");

        let [op] = d.operations.as_slice() else {
            panic!("one operation")
        };
        assert_eq!(
            (op.method.as_str(), op.path.as_str()),
            ("PUT", "/pets/{id}")
        );
        let id = &op.params[0];
        assert_eq!(
            (id.name.as_str(), id.location, id.required),
            ("id", "path", true)
        );
        assert_eq!(id.example, Some(serde_json::json!(4)));
        let body = op.body.as_ref().expect("a body");
        assert_eq!(body.name, BODY);
        assert_eq!(body.content_type.as_deref(), Some("application/json"));
        assert_eq!(
            op.responses,
            [(
                "200".to_string(),
                "#/paths/~1pets~1{id}/put/responses/200/content/application~1json/schema"
                    .to_string()
            )]
        );
    }

    #[test]
    fn a_document_without_operations_gets_a_driver_without_calls() {
        let doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    N: {type: integer, format: int32}\n";
        let d = driver(doc, "nums", &["#/components/schemas/N".to_string()]).expect("a driver");
        assert!(d.operations.is_empty());
        assert!(!d.main_rs.contains("mod calls"));
        assert!(d.main_rs.contains("support::run(check, None)"));
    }
}
