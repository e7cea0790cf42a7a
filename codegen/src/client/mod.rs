//! Printing the client: `Client` and `ClientBuilder` (thin wrappers over the
//! runtime's), and per operation a method, a parameters struct with its setters
//! on the runtime's generic `Request`, its `Operation` impl (how the parameters go
//! on the wire, how responses decode), and the enums of its responses.
//!
//! Sending, retries, timeouts and logs are the runtime's, compiled once per crate:
//! what is printed per operation is only what differs between operations.

mod cli;
mod cli_text;
mod config;
mod docs;
mod errors;
mod mock;
mod operation;
mod paging;
mod streams;
mod wire;

pub use errors::ErrorEnums;

use crate::commands::Commands;
use crate::features::{Features, Gate};
use crate::operations::{Body, BodyKind, Decode, Operation, OperationSet};
use crate::types::{Ty, TypeEmitter, TypeSpace};
use proc_macro2::TokenStream;
use quote::quote;

#[derive(Debug, Clone)]
pub struct ClientSettings<'a> {
    /// The crate's name as used in paths (`consoleconnect`).
    pub crate_ident: &'a str,
    /// The package's name, which its program (crate feature `cli`) is named after.
    pub crate_name: &'a str,
    /// Prefix of the environment variables `from_env` reads (`CONSOLECONNECT`).
    pub env_prefix: &'a str,
    pub title: &'a str,
    /// The API's version (`info.version`).
    pub api_version: &'a str,
    pub default_server: Option<String>,
    /// The crate chooses its TLS by features (`runtime::configure_tls`).
    pub tls: bool,
    /// The crate has a mock server (crate feature `mock`).
    pub mock: bool,
}

pub struct ClientEmitter<'a> {
    pub space: &'a TypeSpace,
    pub types: &'a TypeEmitter<'a>,
    pub built: &'a OperationSet,
    pub settings: ClientSettings<'a>,
    features: Option<&'a Features>,
    commands: Option<&'a Commands>,
    errors: Option<&'a ErrorEnums>,
}

impl<'a> ClientEmitter<'a> {
    pub fn new(
        space: &'a TypeSpace,
        types: &'a TypeEmitter<'a>,
        built: &'a OperationSet,
        settings: ClientSettings<'a>,
    ) -> Self {
        Self {
            space,
            types,
            built,
            settings,
            features: None,
            commands: None,
            errors: None,
        }
    }

    /// Prints the error enums as `errors` decided: shared where alike.
    pub fn sharing(mut self, errors: &'a ErrorEnums) -> Self {
        self.errors = Some(errors);
        self
    }

    /// The error enum of an operation: its own, or the one it shares.
    fn error_enum_name(&self, op: &Operation) -> proc_macro2::Ident {
        match self.errors {
            Some(e) => e.enum_of(&op.type_name),
            None => quote::format_ident!("{}Error", op.type_name),
        }
    }

    /// Prints the commands of the program (crate feature `cli`) as well.
    pub fn with_commands(mut self, commands: &'a Commands) -> Self {
        self.commands = Some(commands);
        self
    }

    /// Gates each operation behind the Cargo features of its tags.
    pub fn gated_by(mut self, features: &'a Features) -> Self {
        self.features = Some(features);
        self
    }

    fn gate(&self, index: usize) -> Gate {
        self.features
            .map(|f| f.operation_item_gate(index))
            .unwrap_or_default()
    }

    /// Module docs, imports, and the `Client` with its builder.
    pub fn emit_header(&self) -> TokenStream {
        let types_use = self.mentions_types().then(|| {
            quote! {
                // Unused when the features of every operation naming a type are off.
                #[allow(unused_imports)]
                use super::types;
            }
        });
        let client = self.emit_config();
        quote! {
            //! The client: one method per operation of the API description.
            //!
            //! Each method takes the operation's required parameters and returns a
            //! [`Request`](super::Request); optional parameters are set on it, and
            //! `send().await` performs the call.
            // `match_overlapping_arm`: a `decode` lists a status before its range,
            // and ranges before the undocumented 2xx, on purpose.
            #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::result_large_err, clippy::match_overlapping_arm)]

            use super::runtime;
            #types_use

            #client
        }
    }

    /// The operations with these indices (chunks are emitted in parallel).
    pub fn emit_ops(&self, indices: &[usize]) -> TokenStream {
        let ops: Vec<(&Operation, Gate)> = indices
            .iter()
            .map(|&i| (&self.built.operations[i], self.gate(i)))
            .collect();
        let methods: TokenStream = ops.iter().map(|(op, gate)| self.method(op, gate)).collect();
        let mut out = quote! {
            impl Client {
                #methods
            }
        };
        for (op, gate) in &ops {
            out.extend(self.items(op, gate));
            // A crate has the `mock` feature; a single file has not.
            if self.settings.mock {
                out.extend(self.mock(op, gate));
            }
        }
        out
    }

    /// The commands of these operations, whole (the tests print them so).
    #[cfg(test)]
    pub fn emit_commands(&self, indices: &[usize]) -> TokenStream {
        crate::pieces::whole(self.emit_command_parts(indices))
    }

    /// The commands of these operations, long items as pieced ones.
    pub fn emit_command_parts(&self, indices: &[usize]) -> Vec<crate::pieces::Part<'_>> {
        indices
            .iter()
            .flat_map(|&i| self.command(i, &self.gate(i)))
            .collect()
    }

    fn ty(&self, ty: &Ty) -> TokenStream {
        self.types.ty_outside(ty)
    }

    /// Whether the client code names anything in `types`.
    fn mentions_types(&self) -> bool {
        self.built
            .operations
            .iter()
            .any(|op| op.types().any(|t| t.named().next().is_some()))
    }

    fn decode_type(&self, d: &Decode) -> TokenStream {
        match d {
            Decode::Json(t) => self.ty(t),
            Decode::Text => quote!(String),
            Decode::Bytes => quote!(bytes::Bytes),
            Decode::Empty => quote!(()),
        }
    }

    fn body_type(&self, b: &Body) -> TokenStream {
        match b.kind {
            BodyKind::Bytes => quote!(runtime::Upload),
            BodyKind::Text => quote!(String),
            _ => self.ty(&b.ty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::resolve;
    use serde_json::json;

    fn printed_op(paths: serde_json::Value) -> String {
        let r = resolve(json!({}), paths);
        let types = TypeEmitter::new(&r.space);
        let settings = crate::test_support::client_settings();
        let emitter = ClientEmitter::new(&r.space, &types, &r.operations, settings);
        crate::output::format_chunk(emitter.emit_ops(&[0]), "test").unwrap()
    }

    #[test]
    fn write_puts_each_parameter_where_and_how_the_document_says() {
        let text = printed_op(json!({"/items/{id}": {"get": {
            "operationId": "getItem",
            "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                {"name": "tags", "in": "query", "style": "pipeDelimited", "explode": false, "schema": {"type": "array", "items": {"type": "string"}}},
                {"name": "X-Trace", "in": "header", "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": "ok"}}
        }}}));
        for needle in [
            "request.path(\"/items/\");",
            "request.path_simple(\"id\", &self.id)?;",
            "request.query(\"tags\", value, runtime::Style::PipeDelimited, false)?;",
            "request.header(\"X-Trace\", value)?;",
            "pub fn tags(mut self, value: impl Into<Vec<String>>) -> Self",
        ] {
            assert!(text.contains(needle), "{needle}\n{text}");
        }
    }

    #[test]
    fn decode_tries_codes_then_ranges_then_default() {
        let text = printed_op(json!({"/a": {"get": {
            "operationId": "a",
            "responses": {
                "default": {"description": "error", "content": {"application/json": {"schema": {"type": "object"}}}},
                "4XX": {"description": "client"},
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}
            }
        }}}));
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}\n{text}"))
        };
        let default = "_ => Err(response.default_error_json(AError::Default))";
        assert!(at("200 => response.json()") < at("400..=499 =>"));
        assert!(at("400..=499 =>") < at(default));
        // An undocumented 2xx is the one success type, before `default` takes it.
        assert!(at("200..=299 => response.undocumented_json()") < at(default));
    }

    #[test]
    fn an_undocumented_2xx_is_read_as_the_success_type_only_when_there_is_one() {
        let ok = |schema: serde_json::Value| json!({"description": "ok", "content": {"application/json": {"schema": schema}}});
        // Two success types: an enum, so an undocumented 2xx cannot be one of them.
        let text = printed_op(json!({"/a": {"get": {"operationId": "a", "responses": {
            "200": ok(json!({"type": "string"})),
            "202": ok(json!({"type": "integer"})),
            "default": ok(json!({"type": "object"}))
        }}}}));
        assert!(
            text.contains("200..=299 => response.unexpected()"),
            "{text}"
        );
        // The same type twice is one type; a `2XX` range covers every success itself.
        let text = printed_op(json!({"/a": {"get": {"operationId": "a", "responses": {
            "200": ok(json!({"type": "string"})),
            "201": ok(json!({"type": "string"}))
        }}}}));
        assert!(text.contains("=> response.undocumented_json()"), "{text}");
        let text = printed_op(json!({"/a": {"get": {"operationId": "a", "responses": {
            "2XX": ok(json!({"type": "string"}))
        }}}}));
        assert!(!text.contains("undocumented"), "{text}");
    }
}
