//! The `mock` feature's part of an operation: methods on the runtime's
//! `MockServer`, `When<Op>` and `Then<Op>` that take the operation's own
//! parameter and response types. Parameters are written by the statements the
//! client's `write` uses, so a mock matches exactly what the client sends.

use super::ClientEmitter;
use super::operation::case_doc;
use super::wire::call as wire_call;
use crate::docs;
use crate::features::Gate;
use crate::names::ident;
use crate::operations::{BodyKind, Decode, Location, Operation, StatusMatch};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

impl ClientEmitter<'_> {
    pub(super) fn mock(&self, op: &Operation, gate: &Gate) -> TokenStream {
        let cfg = &gate.cfg;
        let op_ty = format_ident!("{}", op.type_name);
        let method = ident(&op.method_name);

        let mut when = TokenStream::new();
        for p in &op.params {
            let name = ident(&p.mock_name);
            let t = self.ty(&p.ty);
            let wire = &p.wire;
            let call = wire_call(p, quote!(value));
            let matcher = if p.location == Location::Path {
                quote!(path_param)
            } else {
                quote!(param)
            };
            let doc = docs::attrs(&[format!(
                "Matches requests whose {} parameter `{}` is `value`, as the client sends it.",
                p.location.as_str(),
                p.wire
            )]);
            when.extend(quote! {
                #doc
                pub fn #name(self, value: impl Into<#t>) -> Self {
                    let value: &#t = &value.into();
                    self.#matcher(#wire, |request| #call)
                }
            });
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.kind == BodyKind::Json) {
            let t = self.body_type(b);
            when.extend(quote! {
                /// Matches requests whose JSON body equals `body`.
                pub fn body(self, body: &#t) -> Self {
                    self.json_body(body)
                }
            });
        }

        let mut then = TokenStream::new();
        for c in &op.responses {
            let name = ident(&c.mock_name);
            let (status_arg, status) = match c.status {
                StatusMatch::Code(code) => {
                    let lit = Literal::u16_unsuffixed(code);
                    (None, quote!(#lit))
                }
                StatusMatch::Range(_) | StatusMatch::Default => {
                    (Some(quote!(status: u16,)), quote!(status))
                }
            };
            let (args, body) = match &c.decode {
                Decode::Json(_) => {
                    let t = self.decode_type(&c.decode);
                    (quote!(body: &#t), quote!(self.json(#status, body)))
                }
                Decode::Text => (
                    quote!(body: impl Into<String>),
                    quote!(self.text(#status, "text/plain", body.into())),
                ),
                Decode::Bytes => (
                    quote!(body: impl Into<Vec<u8>>),
                    quote!(self.bytes(#status, "application/octet-stream", body.into())),
                ),
                Decode::Empty => (quote!(), quote!(self.status(#status))),
            };
            let doc = docs::attrs(&[format!("Answers as documented for {}", case_doc(c))]);
            then.extend(quote! {
                #doc
                pub fn #name(self, #status_arg #args) -> Self {
                    #body
                }
            });
        }

        let doc = docs::attrs(&[format!(
            "Expects `{} {}` ([`Client::{}`](crate::Client::{})): the requests `when` matches are answered as `then` says.",
            op.http_method.as_str(),
            op.template.text,
            op.method_name,
            op.method_name
        )]);
        let when = (!when.is_empty()).then(|| {
            quote! {
                #[cfg(feature = "mock")]
                #cfg
                impl runtime::When<#op_ty> {
                    #when
                }
            }
        });
        let then = (!then.is_empty()).then(|| {
            quote! {
                #[cfg(feature = "mock")]
                #cfg
                impl runtime::Then<#op_ty> {
                    #then
                }
            }
        });
        quote! {
            #[cfg(feature = "mock")]
            #cfg
            impl runtime::MockServer {
                #doc
                pub fn #method(
                    &self,
                    when: impl FnOnce(runtime::When<#op_ty>) -> runtime::When<#op_ty>,
                    then: impl FnOnce(runtime::Then<#op_ty>) -> runtime::Then<#op_ty>,
                ) -> runtime::Expectation<'_> {
                    self.expect(when, then)
                }
            }
            #when
            #then
        }
    }
}
