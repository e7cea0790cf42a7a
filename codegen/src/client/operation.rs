//! One operation: its `Client` method, its parameters struct and setters, its
//! `Operation` impl, and the enums of its responses.

use super::ClientEmitter;
use crate::docs;
use crate::features::Gate;
use crate::names::ident;
use crate::operations::{Decode, Operation, Param, ResponseCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

impl ClientEmitter<'_> {
    /// The `Client` method that starts a call: required parameters as arguments.
    pub(super) fn method(&self, op: &Operation, gate: &Gate) -> TokenStream {
        let method = ident(&op.method_name);
        let params = format_ident!("{}", op.type_name);
        let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
        let mut args = Vec::new();
        let mut inits = TokenStream::new();
        for p in &required {
            let n = ident(&p.name);
            let t = self.ty(&p.ty);
            args.push(quote!(#n: impl Into<#t>));
            inits.extend(quote!(#n: #n.into(),));
        }
        for p in op.params.iter().filter(|p| !p.required) {
            let n = ident(&p.name);
            inits.extend(quote!(#n: None,));
        }
        if let Some(b) = &op.body {
            let n = ident(&b.name);
            if b.required {
                let t = self.body_type(b);
                args.push(quote!(#n: impl Into<#t>));
                inits.extend(quote!(#n: #n.into(),));
            } else {
                inits.extend(quote!(#n: None,));
            }
        }
        let mut lines = self.method_doc(op);
        if let Some(note) = &gate.note {
            lines.extend([String::new(), note.clone()]);
        }
        let doc = docs::attrs(&lines);
        let cfg = &gate.cfg;
        quote! {
            #doc
            #cfg
            pub fn #method(&self, #(#args),*) -> runtime::Request<'_, #params> {
                runtime::Request::new(&self.core, #params { #inits })
            }
        }
    }

    /// The operation's items besides its method.
    pub(super) fn items(&self, op: &Operation, gate: &Gate) -> TokenStream {
        let cfg = &gate.cfg;
        let params = format_ident!("{}", op.type_name);
        let error = self.error_enum_name(op);
        let (success, success_enum) = self.success_type(op);
        let mut fields = TokenStream::new();
        let mut setters = TokenStream::new();
        for p in &op.params {
            let n = ident(&p.name);
            let t = self.ty(&p.ty);
            if p.required {
                fields.extend(quote!(#n: #t,));
                continue;
            }
            fields.extend(quote!(#n: Option<#t>,));
            let mut lines = param_doc(p);
            if lines.is_empty() {
                lines.push(format!(
                    "Sets the `{}` {} parameter.",
                    p.wire,
                    p.location.as_str()
                ));
            }
            let pdoc = docs::attrs(&lines);
            setters.extend(quote! {
                #pdoc
                pub fn #n(mut self, value: impl Into<#t>) -> Self {
                    self.op.#n = Some(value.into());
                    self
                }
            });
        }
        if let Some(b) = &op.body {
            let n = ident(&b.name);
            let t = self.body_type(b);
            if b.required {
                fields.extend(quote!(#n: #t,));
            } else {
                fields.extend(quote!(#n: Option<#t>,));
                let mut lines = vec!["Sets the request body.".to_string()];
                if let Some(d) = &b.description {
                    lines.push(String::new());
                    lines.extend(docs::markdown(d));
                }
                let bdoc = docs::attrs(&lines);
                setters.extend(quote! {
                    #bdoc
                    pub fn #n(mut self, value: impl Into<#t>) -> Self {
                        self.op.#n = Some(value.into());
                        self
                    }
                });
            }
        }
        setters.extend(self.stream(op, &error));
        setters.extend(self.streams(op, &error));
        let setters = (!setters.is_empty()).then(|| {
            quote! {
                #cfg
                impl<'a> runtime::Request<'a, #params> {
                    #setters
                }
            }
        });
        let mut params_doc = vec![format!(
            "The parameters of [`Client::{}`] (`{} {}`), which returns them in a [`Request`](crate::Request).",
            op.method_name,
            op.http_method.as_str(),
            op.template.text
        )];
        params_doc.extend(gate.note.iter().flat_map(|n| [String::new(), n.clone()]));
        let params_doc = docs::attrs(&params_doc);
        let info = self.info(op);
        // The runtime's default is `application/json`; only other lists are printed.
        let accept = op.accept();
        let accept = (op.accept_json() && accept != "application/json")
            .then(|| quote!(const ACCEPT: &'static str = #accept;));
        let write = self.write_fn(op);
        let decode = self.decode_fn(op, success_enum.is_some());
        let error_enum = self.error_enum(op, cfg);
        let success_enum = success_enum.map(|e| quote!(#cfg #e));
        quote! {
            #params_doc
            #cfg
            #[derive(Debug, Clone)]
            pub struct #params {
                #fields
            }

            #setters

            #cfg
            impl runtime::Operation for #params {
                type Success = #success;
                type Error = #error;
                const INFO: runtime::OperationInfo = #info;
                #accept

                #write
                #decode
            }

            #success_enum
            #error_enum
        }
    }

    fn info(&self, op: &Operation) -> TokenStream {
        let id = &op.id;
        let method = op.http_method.as_str();
        let path = &op.template.text;
        let security = &op.security;
        let accept_json = op.accept_json();
        quote! {
            runtime::OperationInfo {
                operation_id: #id,
                method: #method,
                path: #path,
                security: &[#(#security),*],
                accept_json: #accept_json,
            }
        }
    }

    /// The success type of an operation, and the enum when it has several.
    fn success_type(&self, op: &Operation) -> (TokenStream, Option<TokenStream>) {
        match op.success_decodings().as_slice() {
            [] => (quote!(()), None),
            [one] => (self.decode_type(one), None),
            _ => {
                let name = format_ident!("{}Response", op.type_name);
                let mut variants = TokenStream::new();
                for c in op.successes() {
                    let v = ident(&c.variant);
                    let doc = docs::attrs(&[case_doc(c)]);
                    variants.extend(match &c.decode {
                        Decode::Empty => quote!(#doc #v,),
                        d => {
                            let t = self.decode_type(d);
                            quote!(#doc #v(#t),)
                        }
                    });
                }
                let edoc = docs::attrs(&[format!(
                    "The successful responses of [`Client::{}`].",
                    op.method_name
                )]);
                let item = quote! {
                    #edoc
                    #[derive(Debug, Clone, PartialEq)]
                    #[non_exhaustive]
                    pub enum #name {
                        #variants
                    }
                };
                (quote!(#name), Some(item))
            }
        }
    }

    /// The variants of an operation's error enum, as printed: what decides
    /// whether two operations share one (`errors`).
    pub(super) fn error_variants(&self, op: &Operation) -> TokenStream {
        let mut variants = TokenStream::new();
        for c in op.errors() {
            let v = ident(&c.variant);
            let doc = docs::attrs(&[case_doc(c)]);
            variants.extend(match &c.decode {
                Decode::Empty => quote!(#doc #v,),
                d => {
                    let t = self.decode_type(d);
                    quote!(#doc #v(#t),)
                }
            });
        }
        variants
    }

    /// The operation's error enum, or the alias naming the enum it shares.
    fn error_enum(&self, op: &Operation, cfg: &TokenStream) -> TokenStream {
        let name = format_ident!("{}Error", op.type_name);
        let errors = self.errors;
        if let Some(owner) = errors.and_then(|e| e.alias_of(&op.type_name)) {
            let shared = format_ident!("{owner}Error");
            let doc = docs::attrs(&[format!(
                "The documented error responses of [`Client::{}`]: the document describes them \
                 as it does other operations', so they share the enum [`{shared}`].",
                op.method_name
            )]);
            return quote! {
                #doc
                #cfg
                pub type #name = #shared;
            };
        }
        let variants = self.error_variants(op);
        let mut lines = vec![format!(
            "The documented error responses of [`Client::{}`].",
            op.method_name
        )];
        let users = errors.map_or(&[][..], |e| e.users(&op.type_name));
        if !users.is_empty() {
            const LISTED: usize = 8;
            let mut named: Vec<String> = users
                .iter()
                .take(LISTED)
                .map(|m| format!("[`Client::{m}`]"))
                .collect();
            if users.len() > LISTED {
                named.push(format!("{} more", users.len() - LISTED));
            }
            lines.push(String::new());
            lines.push(format!(
                "Also those of {}: the document describes them alike, and each \
                 operation's own name for them is an alias of this enum.",
                named.join(", ")
            ));
        }
        let doc = docs::attrs(&lines);
        quote! {
            #doc
            #cfg
            #[derive(Debug, Clone, PartialEq)]
            #[non_exhaustive]
            pub enum #name {
                #variants
            }
        }
    }
}

/// The first paragraph of a response's description, after its status.
pub(super) fn case_doc(c: &ResponseCase) -> String {
    let first_para: Vec<&str> = c
        .description
        .trim()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let desc = first_para.join(" ");
    let desc = desc.trim();
    let mut text = format!("{}: {}", super::docs::status_text(c.status), desc);
    if desc.is_empty() {
        text.truncate(text.len() - 2);
    }
    docs::markdown(&text).join(" ")
}

fn param_doc(p: &Param) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(d) = p.description.as_deref().filter(|d| !d.trim().is_empty()) {
        lines.extend(docs::markdown(d));
    }
    if p.deprecated {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push("**Deprecated** in the API description.".into());
    }
    if let Some(e) = &p.example {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(docs::value_lines("Example", e));
    }
    lines
}
