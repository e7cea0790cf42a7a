//! Printing the client: the `Client`, its builder, and per operation a method, a
//! request builder, and the enums of its responses.

use crate::docs;
use crate::http::Segment;
use crate::names::{ident, ident_text};
use crate::operations::{
    Body, BodyKind, Built, Decode, Location, Operation, Param, ResponseCase, SchemeKind,
    StatusMatch, Style,
};
use crate::types::{Ty, TypeEmitter, TypeSpace};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

#[derive(Debug, Clone)]
pub struct ClientSettings<'a> {
    /// The crate's name as used in paths (`consoleconnect`).
    pub crate_ident: &'a str,
    /// Prefix of the environment variables `from_env` reads (`CONSOLECONNECT`).
    pub env_prefix: &'a str,
    pub title: &'a str,
    pub default_server: Option<String>,
}

pub struct ClientEmitter<'a> {
    pub space: &'a TypeSpace,
    pub types: &'a TypeEmitter<'a>,
    pub built: &'a Built,
    pub settings: ClientSettings<'a>,
}

impl<'a> ClientEmitter<'a> {
    pub fn new(
        space: &'a TypeSpace,
        types: &'a TypeEmitter<'a>,
        built: &'a Built,
        settings: ClientSettings<'a>,
    ) -> Self {
        Self {
            space,
            types,
            built,
            settings,
        }
    }

    fn ty(&self, ty: &Ty) -> TokenStream {
        self.types.ty_outside(ty)
    }

    /// Whether the client code names anything in `types`.
    fn mentions_types(&self) -> bool {
        fn named(ty: &Ty) -> bool {
            match ty {
                Ty::Named(_) => true,
                Ty::Vec(t) | Ty::Map(t) | Ty::Option(t) | Ty::Box(t) => named(t),
                _ => false,
            }
        }
        self.built.operations.iter().any(|op| {
            op.params.iter().any(|p| named(&p.ty))
                || op.body.as_ref().is_some_and(|b| named(&b.ty))
                || op
                    .responses
                    .iter()
                    .any(|r| matches!(&r.decode, Decode::Json(t) if named(t)))
        })
    }

    pub fn emit(&self) -> TokenStream {
        let mut out = self.emit_header();
        out.extend(self.emit_ops(0..self.built.operations.len()));
        out
    }

    /// Module docs, imports, and the `Client` with its builder.
    pub fn emit_header(&self) -> TokenStream {
        let types_use = self.mentions_types().then(|| {
            quote!(
                use super::types;
            )
        });
        let client = self.emit_client();
        quote! {
            //! The client: one method per operation of the API description.
            //!
            //! Each method takes the operation's required parameters and returns a
            //! request builder; optional parameters are set on the builder, and
            //! `send().await` performs the call.
            #![allow(clippy::too_many_arguments, clippy::large_enum_variant, clippy::result_large_err)]

            use super::runtime::{self, Error, ResponseValue};
            #types_use

            #client
        }
    }

    /// The operations in `range`, each as its own `impl Client` block followed by its
    /// request builder and enums (so chunks can be emitted in parallel).
    pub fn emit_ops(&self, range: std::ops::Range<usize>) -> TokenStream {
        let mut out = TokenStream::new();
        for op in &self.built.operations[range] {
            let (method, items) = self.emit_operation(op);
            out.extend(quote! {
                impl Client {
                    #method
                }

                #items
            });
        }
        out
    }

    fn emit_client(&self) -> TokenStream {
        let title = self.settings.title;
        let schemes = &self.built.schemes;
        let fields: Vec<TokenStream> = schemes
            .iter()
            .map(|s| {
                let f = ident(&s.field);
                match s.kind {
                    SchemeKind::Basic => quote!(#f: Option<(String, runtime::Secret)>,),
                    _ => quote!(#f: Option<runtime::Secret>,),
                }
            })
            .collect();
        let field_names: Vec<proc_macro2::Ident> =
            schemes.iter().map(|s| ident(&s.field)).collect();
        let debug_fields: TokenStream = schemes
            .iter()
            .map(|s| {
                let f = ident(&s.field);
                let name = ident_text(&s.field);
                quote!(.field(#name, &self.#f.as_ref().map(|_| "[redacted]")))
            })
            .collect();
        let env = self.settings.env_prefix;
        let env_base = format!("{env}_BASE_URL");
        let mut env_docs = vec![format!("- `{env_base}`: the base URL (optional)")];
        let mut env_reads = TokenStream::new();
        let mut setters = TokenStream::new();
        let mut authorize_arms = TokenStream::new();
        let need_found = self.built.auth_required && !schemes.is_empty();
        let mark_found = need_found.then(|| quote!(found = true;));
        for s in schemes {
            let f = ident(&s.field);
            let scheme_name = &s.name;
            let what = match &s.kind {
                SchemeKind::Bearer => {
                    "a bearer token, sent as `Authorization: Bearer <token>`".to_string()
                }
                SchemeKind::Basic => {
                    "a user name and password, sent with HTTP basic authentication".to_string()
                }
                SchemeKind::OtherHttp(scheme) => {
                    format!("a credential, sent as `Authorization: {scheme} <credential>`")
                }
                SchemeKind::ApiKeyHeader(h) => format!("an API key, sent in the `{h}` header"),
                SchemeKind::ApiKeyQuery(q) => {
                    format!("an API key, sent as the `{q}` query parameter")
                }
                SchemeKind::ApiKeyCookie(c) => format!("an API key, sent as the `{c}` cookie"),
            };
            let mut lines = vec![format!(
                "Sets the credential for the `{scheme_name}` security scheme: {what}."
            )];
            if let Some(d) = &s.description {
                lines.push(String::new());
                lines.extend(docs::markdown(d));
            }
            let sdoc = docs::attrs(&lines);
            let var = format!("{env}_{}", s.field.to_ascii_uppercase());
            match s.kind {
                SchemeKind::Basic => {
                    let user_var = format!("{var}_USERNAME");
                    let pass_var = format!("{var}_PASSWORD");
                    env_docs.push(format!(
                        "- `{user_var}` and `{pass_var}`: credentials for `{scheme_name}`"
                    ));
                    setters.extend(quote! {
                        #sdoc
                        pub fn #f(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                            self.#f = Some((username.into(), runtime::Secret::new(password)));
                            self
                        }
                    });
                    env_reads.extend(quote! {
                        if let (Ok(user), Ok(password)) = (std::env::var(#user_var), std::env::var(#pass_var)) {
                            builder = builder.#f(user, password);
                            #mark_found
                        }
                    });
                    authorize_arms.extend(quote! {
                        if schemes.contains(&#scheme_name) {
                            if let Some((user, password)) = &self.#f {
                                request = request.basic_auth(user, Some(password.expose()));
                            }
                        }
                    });
                }
                _ => {
                    env_docs.push(format!("- `{var}`: the credential for `{scheme_name}`"));
                    setters.extend(quote! {
                        #sdoc
                        pub fn #f(mut self, credential: impl Into<String>) -> Self {
                            self.#f = Some(runtime::Secret::new(credential));
                            self
                        }
                    });
                    env_reads.extend(quote! {
                        if let Ok(value) = std::env::var(#var) {
                            builder = builder.#f(value);
                            #mark_found
                        }
                    });
                    let apply = match &s.kind {
                        SchemeKind::Bearer => quote!(request.header(
                            reqwest::header::AUTHORIZATION,
                            secret.header_value("Bearer ")?
                        )),
                        SchemeKind::OtherHttp(scheme) => {
                            let prefix = format!("{scheme} ");
                            quote!(request.header(reqwest::header::AUTHORIZATION, secret.header_value(#prefix)?))
                        }
                        SchemeKind::ApiKeyHeader(h) => {
                            quote!(request.header(#h, secret.header_value("")?))
                        }
                        SchemeKind::ApiKeyQuery(q) => {
                            quote!(request.query(&[(#q, secret.expose())]))
                        }
                        SchemeKind::ApiKeyCookie(c) => {
                            let prefix = format!("{c}=");
                            quote!(request.header(reqwest::header::COOKIE, secret.header_value(#prefix)?))
                        }
                        SchemeKind::Basic => unreachable!("handled above"),
                    };
                    authorize_arms.extend(quote! {
                        if schemes.contains(&#scheme_name) {
                            if let Some(secret) = &self.#f {
                                request = #apply;
                            }
                        }
                    });
                }
            }
        }
        let uses_auth = self
            .built
            .operations
            .iter()
            .any(|op| !op.security.is_empty());
        let authorize = uses_auth.then(|| {
            quote! {
                /// Adds the configured credentials of the given security schemes.
                fn authorize(&self, mut request: reqwest::RequestBuilder, schemes: &[&str]) -> Result<reqwest::RequestBuilder, runtime::RequestError> {
                    #authorize_arms
                    Ok(request)
                }
            }
        });
        let (default_const, default_doc, base_url_expr) = match &self.settings.default_server {
            Some(url) => (
                quote! {
                    /// The API description's first server, used when no base URL is set.
                    pub const DEFAULT_BASE_URL: &'static str = #url;
                },
                format!("Defaults to [`Client::DEFAULT_BASE_URL`] (`{url}`)."),
                quote!(self
                    .base_url
                    .unwrap_or_else(|| Client::DEFAULT_BASE_URL.to_string())),
            ),
            None => (
                TokenStream::new(),
                "The API description names no absolute server, so a base URL must be set."
                    .to_string(),
                quote!(self.base_url.ok_or_else(|| runtime::ConfigError(
                    "no base URL set: call `ClientBuilder::base_url`".into()
                ))?),
            ),
        };
        let require_credential = (self.built.auth_required && !schemes.is_empty()).then(|| {
            let names: Vec<String> = env_docs
                .iter()
                .skip(1)
                .map(|l| {
                    l.trim_start_matches("- ")
                        .split(':')
                        .next()
                        .unwrap_or("")
                        .to_string()
                })
                .collect();
            let msg = format!(
                "no credential in the environment: set {}",
                names.join(" or ")
            );
            quote! {
                if !found {
                    return Err(runtime::ConfigError(#msg.into()));
                }
            }
        });
        let found_decl = need_found.then(|| quote!(let mut found = false;));
        let env_doc_text = env_docs.join("\n");
        let from_env_doc = format!(
            "Builds a client from environment variables:\n\n{env_doc_text}\n\nFails if the base URL is invalid{}.",
            if require_credential.is_some() { " or no credential is set" } else { "" }
        );
        let from_env_doc =
            docs::attrs(&from_env_doc.lines().map(str::to_string).collect::<Vec<_>>());
        let client_doc = format!("A client for the {title}.\n\nCheap to clone: clones share one connection pool. Build one with [`Client::builder`], [`Client::new`] or [`Client::from_env`].");
        let client_doc = docs::attrs(&client_doc.lines().map(str::to_string).collect::<Vec<_>>());
        let base_url_doc = docs::attrs(&[format!(
            "Sets the base URL every path is appended to. {default_doc}"
        )]);
        quote! {
            #client_doc
            #[derive(Clone)]
            pub struct Client {
                base_url: String,
                http: reqwest::Client,
                settings: runtime::Settings,
                #(#fields)*
            }

            impl std::fmt::Debug for Client {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct("Client")
                        .field("base_url", &self.base_url)
                        #debug_fields
                        .finish_non_exhaustive()
                }
            }

            /// Configures a [`Client`].
            #[derive(Clone, Default)]
            pub struct ClientBuilder {
                base_url: Option<String>,
                http: Option<reqwest::Client>,
                timeout: Option<std::time::Duration>,
                connect_timeout: Option<std::time::Duration>,
                retry: Option<runtime::RetryPolicy>,
                #(#fields)*
            }

            impl std::fmt::Debug for ClientBuilder {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.debug_struct("ClientBuilder")
                        .field("base_url", &self.base_url)
                        #debug_fields
                        .finish_non_exhaustive()
                }
            }

            impl ClientBuilder {
                #base_url_doc
                pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
                    self.base_url = Some(base_url.into());
                    self
                }

                /// How long a call may take, per attempt, unless the call sets its own.
                pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
                /// How long connecting may take (for the HTTP client this builder makes).
                pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

                /// Uses your own `reqwest::Client` (proxies, TLS roots, …). Its connect
                /// timeout applies instead of [`ClientBuilder::connect_timeout`].
                pub fn http_client(mut self, http: reqwest::Client) -> Self {
                    self.http = Some(http);
                    self
                }

                /// The time each attempt of a call may take, from connecting to the end of
                /// the body ([`ClientBuilder::DEFAULT_TIMEOUT`] unless set). A call can
                /// override it with `with_timeout`. Running out is [`Error::Timeout`].
                pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.timeout = Some(timeout);
                    self
                }

                /// The time connecting may take ([`ClientBuilder::DEFAULT_CONNECT_TIMEOUT`] unless set).
                pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.connect_timeout = Some(timeout);
                    self
                }

                /// When failed calls are retried ([`crate::RetryPolicy::default`] unless
                /// set; [`crate::RetryPolicy::none`] turns retries off). A call can
                /// override it with `with_retry`.
                pub fn retry(mut self, policy: runtime::RetryPolicy) -> Self {
                    self.retry = Some(policy);
                    self
                }

                #setters

                /// Checks the configuration and builds the client.
                pub fn build(self) -> Result<Client, runtime::ConfigError> {
                    let base_url = #base_url_expr;
                    let parsed = reqwest::Url::parse(&base_url)
                        .map_err(|e| runtime::ConfigError(format!("invalid base URL `{base_url}`: {e}")))?;
                    if !matches!(parsed.scheme(), "http" | "https") {
                        return Err(runtime::ConfigError(format!("the base URL `{base_url}` is not http or https")));
                    }
                    let http = match self.http {
                        Some(http) => http,
                        None => reqwest::Client::builder()
                            .connect_timeout(self.connect_timeout.unwrap_or(ClientBuilder::DEFAULT_CONNECT_TIMEOUT))
                            .build()
                            .map_err(|e| runtime::ConfigError(format!("could not create the HTTP client: {e}")))?,
                    };
                    Ok(Client {
                        base_url: base_url.trim_end_matches('/').to_string(),
                        http,
                        settings: runtime::Settings {
                            timeout: self.timeout.unwrap_or(ClientBuilder::DEFAULT_TIMEOUT),
                            retry: self.retry.unwrap_or_default(),
                        },
                        #(#field_names: self.#field_names,)*
                    })
                }
            }

            impl Client {
                #default_const

                /// A builder to configure the base URL, credentials and HTTP client.
                pub fn builder() -> ClientBuilder {
                    ClientBuilder::default()
                }

                /// A client for the given base URL, without credentials.
                pub fn new(base_url: impl Into<String>) -> Result<Self, runtime::ConfigError> {
                    Self::builder().base_url(base_url).build()
                }

                #from_env_doc
                pub fn from_env() -> Result<Self, runtime::ConfigError> {
                    let mut builder = Self::builder();
                    if let Ok(url) = std::env::var(#env_base) {
                        builder = builder.base_url(url);
                    }
                    #found_decl
                    #env_reads
                    #require_credential
                    builder.build()
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    &self.base_url
                }

                #authorize
            }
        }
    }

    /// The success type of an operation, and whether it needs an enum.
    fn success_type(&self, op: &Operation) -> (TokenStream, Option<TokenStream>) {
        let cases: Vec<&ResponseCase> = op.responses.iter().filter(|r| r.success).collect();
        let mut distinct: Vec<&Decode> = Vec::new();
        for c in &cases {
            if !distinct.contains(&&c.decode) {
                distinct.push(&c.decode);
            }
        }
        match distinct.as_slice() {
            [] => (quote!(()), None),
            [one] => (self.decode_type(one), None),
            _ => {
                let name = format_ident!("{}Response", op.type_name);
                let mut variants = TokenStream::new();
                for c in &cases {
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
                    pub enum #name {
                        #variants
                    }
                };
                (quote!(#name), Some(item))
            }
        }
    }

    fn decode_type(&self, d: &Decode) -> TokenStream {
        match d {
            Decode::Json(t) => self.ty(t),
            Decode::Text => quote!(String),
            Decode::Bytes => quote!(bytes::Bytes),
            Decode::Empty => quote!(()),
        }
    }

    fn arg_type(&self, ty: &Ty) -> TokenStream {
        let t = self.ty(ty);
        quote!(impl Into<#t>)
    }

    fn body_type(&self, b: &Body) -> TokenStream {
        match b.kind {
            BodyKind::Bytes => quote!(bytes::Bytes),
            BodyKind::Text => quote!(String),
            _ => self.ty(&b.ty),
        }
    }

    fn emit_operation(&self, op: &Operation) -> (TokenStream, TokenStream) {
        let method = ident(&op.method_name);
        let builder = format_ident!("{}", op.type_name);
        let error = format_ident!("{}Error", op.type_name);
        let (success, success_enum) = self.success_type(op);

        let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
        let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
        let body_required = op.body.as_ref().filter(|b| b.required);
        let body_optional = op.body.as_ref().filter(|b| !b.required);

        // Method: required parameters (and a required body) as arguments.
        let mut args = Vec::new();
        let mut inits = TokenStream::new();
        let mut fields = TokenStream::new();
        for p in &required {
            let n = ident(&p.name);
            let t = self.ty(&p.ty);
            let at = self.arg_type(&p.ty);
            args.push(quote!(#n: #at));
            inits.extend(quote!(#n: #n.into(),));
            fields.extend(quote!(#n: #t,));
        }
        if let Some(b) = body_required {
            let n = ident(&b.name);
            let t = self.body_type(b);
            args.push(quote!(#n: impl Into<#t>));
            inits.extend(quote!(#n: #n.into(),));
            fields.extend(quote!(#n: #t,));
        }
        let mut setters = TokenStream::new();
        for p in &optional {
            let n = ident(&p.name);
            let t = self.ty(&p.ty);
            let at = self.arg_type(&p.ty);
            inits.extend(quote!(#n: None,));
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
                pub fn #n(mut self, value: #at) -> Self {
                    self.#n = Some(value.into());
                    self
                }
            });
        }
        if let Some(b) = body_optional {
            let n = ident(&b.name);
            let t = self.body_type(b);
            inits.extend(quote!(#n: None,));
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
                    self.#n = Some(value.into());
                    self
                }
            });
        }

        let send_body = self.send_body(op);
        let method_doc = docs::attrs(&self.method_doc(op, &required, &optional));
        let method_item = quote! {
            #method_doc
            pub fn #method(&self, #(#args),*) -> #builder<'_> {
                #builder { client: self, options: Default::default(), #inits }
            }
        };
        let builder_doc = docs::attrs(&[format!(
            "Request builder for [`Client::{}`]: set optional parameters, then `send().await`.",
            op.method_name
        )]);
        let error_enum = self.error_enum(op, &error);
        let stream = self.pagination(op, &error);
        let items = quote! {
            #builder_doc
            #[derive(Debug, Clone)]
            #[must_use = "a request does nothing until `send` is awaited"]
            pub struct #builder<'a> {
                client: &'a Client,
                options: runtime::RequestOptions,
                #fields
            }

            impl<'a> #builder<'a> {
                #setters

                /// The time this call may take, per attempt, instead of the client's.
                pub fn with_timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.options.timeout = Some(timeout);
                    self
                }

                /// When this call is retried, instead of the client's policy.
                pub fn with_retry(mut self, policy: runtime::RetryPolicy) -> Self {
                    self.options.retry = Some(policy);
                    self
                }

                #stream

                /// Sends the request and decodes the response.
                pub async fn send(self) -> Result<ResponseValue<#success>, Error<#error>> {
                    #send_body
                }
            }

            #success_enum
            #error_enum
        };
        (method_item, items)
    }

    /// `stream()` for an operation with `x-pagination`: every item of every page.
    fn pagination(&self, op: &Operation, error: &proc_macro2::Ident) -> TokenStream {
        let Some(p) = &op.pagination else {
            return TokenStream::new();
        };
        let item = self.ty(&p.item);
        let (get_offset, set_offset) = knob_code(&p.offset, &format_ident!("offset"));
        let (get_limit, set_limit) = knob_code(&p.limit, &format_ident!("limit"));
        let default_limit = Literal::i64_unsuffixed(p.default_limit);
        let items = match &p.items {
            None => quote!(response.into_inner()),
            Some((field, optional)) => {
                let f = ident(field);
                if *optional {
                    quote!(response.into_inner().#f.unwrap_or_default())
                } else {
                    quote!(response.into_inner().#f)
                }
            }
        };
        let doc = docs::attrs(&[
            "Every item of every page, fetched lazily: the next page is requested only".to_string(),
            "when the items so far are used up, and the stream ends after a page shorter"
                .to_string(),
            format!(
                "than the limit (the request's, or {} when it sets none).",
                p.default_limit
            ),
            String::new(),
            "Paging follows the operation's `x-pagination` extension.".to_string(),
        ]);
        quote! {
            #doc
            pub fn stream(self) -> impl futures_util::Stream<Item = Result<#item, Error<#error>>> + 'a {
                let start = #get_offset.unwrap_or(0);
                let limit = #get_limit.unwrap_or(#default_limit);
                runtime::paginate(start, limit, move |offset, limit| {
                    let mut page = self.clone();
                    #set_offset
                    #set_limit
                    async move {
                        let response = page.send().await?;
                        Ok(#items)
                    }
                })
            }
        }
    }

    fn error_enum(&self, op: &Operation, name: &proc_macro2::Ident) -> TokenStream {
        let mut variants = TokenStream::new();
        for c in op.responses.iter().filter(|c| !c.success) {
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
        let doc = docs::attrs(&[format!(
            "The documented error responses of [`Client::{}`].",
            op.method_name
        )]);
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            pub enum #name {
                #variants
            }
        }
    }

    fn send_body(&self, op: &Operation) -> TokenStream {
        let mut out = TokenStream::new();
        // Path: literal pieces and percent-encoded parameters, appended in order.
        let mut pieces: Vec<TokenStream> = Vec::new();
        let mut literal = String::new();
        for segment in &op.template.segments {
            let param = match segment {
                Segment::Literal(text) => {
                    literal.push_str(text);
                    continue;
                }
                Segment::Param(name) => op
                    .params
                    .iter()
                    .find(|p| p.location == Location::Path && &p.wire == name),
            };
            let Some(p) = param else {
                // Every template name has a parameter (`operations` adds missing ones).
                continue;
            };
            if !literal.is_empty() {
                pieces.push(push_literal(&literal));
                literal.clear();
            }
            let n = ident(&p.name);
            // Strings, the common case, skip the detour through `serde_json`.
            pieces.push(if p.ty == Ty::String {
                quote!(runtime::push_path_segment(&mut url, &self.#n);)
            } else {
                quote!(url.push_str(&runtime::path_param(&self.#n)?);)
            });
        }
        if !literal.is_empty() {
            pieces.push(push_literal(&literal));
        }
        let method = format_ident!("{}", op.http_method.as_str());
        let method_expr = quote!(reqwest::Method::#method);
        let mutates = op.params.iter().any(|p| p.location != Location::Path)
            || op.body.is_some()
            || !op.security.is_empty()
            || op
                .responses
                .iter()
                .any(|r| r.success && matches!(r.decode, Decode::Json(_)));
        let request_mut = mutates.then(|| quote!(mut));
        let url_mut = (!pieces.is_empty()).then(|| quote!(mut));
        out.extend(quote! {
            let #url_mut url = self.client.base_url.clone();
            #(#pieces)*
            let #request_mut request = self.client.http.request(#method_expr, url);
        });
        // Query.
        let query: Vec<&Param> = op
            .params
            .iter()
            .filter(|p| p.location == Location::Query)
            .collect();
        if !query.is_empty() {
            let mut pushes = TokenStream::new();
            for p in &query {
                let n = ident(&p.name);
                let wire = &p.wire;
                let push = match p.style {
                    Style::Json => quote!(runtime::query_json(&mut query, #wire, value)?;),
                    style => {
                        let s = match style {
                            Style::SpaceDelimited => quote!(runtime::Style::SpaceDelimited),
                            Style::PipeDelimited => quote!(runtime::Style::PipeDelimited),
                            Style::DeepObject => quote!(runtime::Style::DeepObject),
                            _ => quote!(runtime::Style::Form),
                        };
                        let explode = p.explode;
                        quote!(runtime::query_param(&mut query, #wire, value, #s, #explode)?;)
                    }
                };
                pushes.extend(if p.required {
                    quote! { { let value = &self.#n; #push } }
                } else {
                    quote! { if let Some(value) = &self.#n { #push } }
                });
            }
            out.extend(quote! {
                let mut query: Vec<(String, String)> = Vec::new();
                #pushes
                if !query.is_empty() {
                    request = request.query(&query);
                }
            });
        }
        // Headers and cookies.
        for p in op.params.iter().filter(|p| p.location == Location::Header) {
            let n = ident(&p.name);
            let wire = &p.wire;
            out.extend(if p.required {
                quote!(request = request.header(#wire, runtime::header_value(#wire, &self.#n)?);)
            } else {
                quote! {
                    if let Some(value) = &self.#n {
                        request = request.header(#wire, runtime::header_value(#wire, value)?);
                    }
                }
            });
        }
        let cookies: Vec<&Param> = op
            .params
            .iter()
            .filter(|p| p.location == Location::Cookie)
            .collect();
        if !cookies.is_empty() {
            let mut pushes = TokenStream::new();
            for p in &cookies {
                let n = ident(&p.name);
                let wire = &p.wire;
                let push = quote!(cookies.push(runtime::cookie_pair(#wire, value)?););
                pushes.extend(if p.required {
                    quote! { { let value = &self.#n; #push } }
                } else {
                    quote! { if let Some(value) = &self.#n { #push } }
                });
            }
            out.extend(quote! {
                let mut cookies: Vec<String> = Vec::new();
                #pushes
                if !cookies.is_empty() {
                    request = request.header(reqwest::header::COOKIE, cookies.join("; "));
                }
            });
        }
        // Body.
        if let Some(b) = &op.body {
            let n = ident(&b.name);
            let ct = &b.content_type;
            let apply = match b.kind {
                BodyKind::Json => quote! {
                    request = request
                        .header(reqwest::header::CONTENT_TYPE, #ct)
                        .body(serde_json::to_vec(body).map_err(|e| runtime::RequestError(format!("the body could not be serialised: {e}")))?);
                },
                BodyKind::Form => {
                    quote!(request = request.header(reqwest::header::CONTENT_TYPE, #ct).body(runtime::form_body(body)?);)
                }
                BodyKind::Multipart => {
                    quote!(request = request.multipart(runtime::multipart_body(body)?);)
                }
                BodyKind::Text => {
                    quote!(request = request.header(reqwest::header::CONTENT_TYPE, #ct).body(body.clone());)
                }
                BodyKind::Bytes => {
                    quote!(request = request.header(reqwest::header::CONTENT_TYPE, #ct).body(body.clone());)
                }
            };
            out.extend(if b.required {
                quote! { { let body = &self.#n; #apply } }
            } else {
                quote! { if let Some(body) = &self.#n { #apply } }
            });
        }
        if op
            .responses
            .iter()
            .any(|r| r.success && matches!(r.decode, Decode::Json(_)))
        {
            out.extend(
                quote!(request = request.header(reqwest::header::ACCEPT, "application/json");),
            );
        }
        if !op.security.is_empty() {
            let names = &op.security;
            out.extend(quote!(request = self.client.authorize(request, &[#(#names),*])?;));
        }
        let op_id = &op.id;
        let http_method = op.http_method.as_str();
        let path = &op.path;
        let build = std::mem::take(&mut out);
        out.extend(quote! {
            let build = || -> Result<reqwest::RequestBuilder, runtime::RequestError> {
                #build
                Ok(request)
            };
            let response = runtime::execute(
                &self.client.http,
                &self.client.settings,
                &build,
                &runtime::OperationInfo { operation_id: #op_id, method: #http_method, path: #path },
                &self.options,
            )
            .await?;
        });
        // Response dispatch: exact codes, then ranges, then default.
        let mut arms = TokenStream::new();
        let mut ordered: Vec<&ResponseCase> = op.responses.iter().collect();
        ordered.sort_by_key(|c| match c.status {
            StatusMatch::Code(_) => 0,
            StatusMatch::Range(_) => 1,
            StatusMatch::Default => 2,
        });
        let success_is_enum = self.success_type(op).1.is_some();
        let error_name = format_ident!("{}Error", op.type_name);
        let response_name = format_ident!("{}Response", op.type_name);
        let mut has_default = false;
        let mut only_default = None;
        let covers_all_2xx = op
            .responses
            .iter()
            .any(|c| c.status == StatusMatch::Range(2));
        for c in ordered {
            let pattern = match c.status {
                StatusMatch::Code(code) => {
                    let lit = Literal::u16_unsuffixed(code);
                    quote!(#lit)
                }
                StatusMatch::Range(r) => {
                    let lo = Literal::u16_unsuffixed(r * 100);
                    let hi = Literal::u16_unsuffixed(r * 100 + 99);
                    quote!(status if (#lo..=#hi).contains(&status))
                }
                StatusMatch::Default => {
                    has_default = true;
                    quote!(_)
                }
            };
            let v = ident(&c.variant);
            let expr = if c.success {
                let decode = match &c.decode {
                    Decode::Json(t) => {
                        let t = self.ty(t);
                        quote!(response.json::<#t, _>())
                    }
                    Decode::Text => quote!(response.text_body()),
                    Decode::Bytes => quote!(response.bytes_body()),
                    Decode::Empty => quote!(response.empty()),
                };
                if success_is_enum {
                    match c.decode {
                        Decode::Empty => quote!(#decode.map(|r| r.map(|()| #response_name::#v))),
                        _ => quote!(#decode.map(|r| r.map(#response_name::#v))),
                    }
                } else {
                    decode
                }
            } else {
                match &c.decode {
                    Decode::Json(_) => quote!(Err(response.error_json(#error_name::#v))),
                    Decode::Text => quote!(Err(response.error_text(#error_name::#v))),
                    Decode::Bytes => {
                        quote!(Err({ let body = response.body.clone(); response.error_empty(#error_name::#v(body)) }))
                    }
                    Decode::Empty => quote!(Err(response.error_empty(#error_name::#v))),
                }
            };
            if c.status == StatusMatch::Default {
                only_default = Some(expr.clone());
                // With documented successes, `default` describes failures: an
                // undocumented 2xx is not one, and is reported as unexpected.
                if !c.success && !covers_all_2xx {
                    arms.extend(quote!(status if (200..=299).contains(&status) => Err(Error::UnexpectedStatus(response)),));
                }
            }
            arms.extend(quote!(#pattern => #expr,));
        }
        if !has_default {
            arms.extend(quote!(_ => Err(Error::UnexpectedStatus(response)),));
        }
        match (op.responses.as_slice(), only_default) {
            // A lone `default` response covers every status: no dispatch needed.
            ([_], Some(expr)) => out.extend(expr),
            ([], _) => out.extend(quote!(Err(Error::UnexpectedStatus(response)))),
            _ => out.extend(quote! {
                match response.status.as_u16() {
                    #arms
                }
            }),
        }
        out
    }

    fn method_doc(&self, op: &Operation, required: &[&Param], optional: &[&Param]) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(s) = op.summary.as_deref().filter(|s| !s.trim().is_empty()) {
            lines.extend(docs::markdown(s));
        } else {
            lines.push(format!("Calls `{}`.", op.id));
        }
        if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
            lines.push(String::new());
            lines.extend(docs::markdown(d));
        }
        lines.push(String::new());
        lines.push(format!(
            "`{} {}` (operation `{}`)",
            op.http_method.as_str(),
            op.path,
            op.id
        ));
        if op.deprecated {
            lines.push(String::new());
            lines.push("**Deprecated** in the API description.".into());
        }
        if !op.params.is_empty() || op.body.is_some() {
            lines.push(String::new());
            lines.push("# Parameters".into());
            lines.push(String::new());
            for p in required.iter().chain(optional) {
                let how = if p.required {
                    "required".to_string()
                } else {
                    format!(
                        "optional, set with [`{}::{}`]",
                        op.type_name,
                        ident_text(&p.name)
                    )
                };
                let mut text = format!(
                    "- `{}` ({} `{}`, {how})",
                    ident_text(&p.name),
                    p.location.as_str(),
                    p.wire
                );
                // One line per parameter: the first paragraph of its description
                // (the setter's own docs carry the rest).
                let first: Vec<String> = p
                    .description
                    .as_deref()
                    .map(docs::markdown)
                    .unwrap_or_default()
                    .into_iter()
                    .take_while(|l| {
                        !l.trim().is_empty() && !l.starts_with("```") && !l.starts_with("~~~")
                    })
                    .map(|l| l.trim().to_string())
                    .collect();
                if !first.is_empty() {
                    text.push_str(": ");
                    text.push_str(&first.join(" "));
                }
                if let Some(e) = &p.example {
                    let compact = serde_json::to_string(e).unwrap_or_default();
                    if compact.len() <= 60 && !compact.contains('`') {
                        text.push_str(&format!(" (example: `{compact}`)"));
                    }
                }
                lines.push(text);
            }
            if let Some(b) = &op.body {
                let how = if b.required {
                    "required".to_string()
                } else {
                    format!(
                        "optional, set with [`{}::{}`]",
                        op.type_name,
                        ident_text(&b.name)
                    )
                };
                lines.push(format!(
                    "- `{}` (request body, `{}`, {how})",
                    ident_text(&b.name),
                    b.content_type
                ));
            }
        }
        lines.push(String::new());
        lines.push("# Errors".into());
        lines.push(String::new());
        for c in op.responses.iter().filter(|c| !c.success) {
            lines.push(format!(
                "- {}: [`{}Error::{}`] in [`Error::Api`]",
                status_text(c.status),
                op.type_name,
                ident_text(&c.variant)
            ));
        }
        if !op
            .responses
            .iter()
            .any(|c| c.status == StatusMatch::Default)
        {
            lines.push("- any other status: [`Error::UnexpectedStatus`]".into());
        } else if op
            .responses
            .iter()
            .any(|c| c.status == StatusMatch::Default && !c.success)
            && !op
                .responses
                .iter()
                .any(|c| c.status == StatusMatch::Range(2))
        {
            lines.push("- an undocumented 2xx status: [`Error::UnexpectedStatus`]".into());
        }
        lines.push(
            "- a body that does not decode: [`Error::Decode`]; no response: [`Error::Transport`]"
                .into(),
        );
        lines.push(String::new());
        lines.push("# Example".into());
        lines.push(String::new());
        lines.extend(self.example(op, required));
        lines
    }

    /// A compiling usage example: hidden lines give typed values for arguments
    /// that have no literal example.
    fn example(&self, op: &Operation, required: &[&Param]) -> Vec<String> {
        let krate = self.settings.crate_ident;
        let mut hidden_args = vec![format!("client: &{krate}::Client")];
        let mut call_args = Vec::new();
        for p in required {
            match (&p.example, self.space.unalias(&p.ty)) {
                (Some(serde_json::Value::String(s)), Ty::String) => {
                    call_args.push(format!("{s:?}"))
                }
                _ if *self.space.unalias(&p.ty) == Ty::String => {
                    call_args.push(format!("{:?}", p.wire))
                }
                _ => {
                    let t = rust_type_text(&self.types.ty_outside(&p.ty), krate);
                    hidden_args.push(format!("{}: {t}", ident_text(&p.name)));
                    call_args.push(ident_text(&p.name));
                }
            }
        }
        if let Some(b) = op.body.as_ref().filter(|b| b.required) {
            let t = rust_type_text(&self.body_type(b), krate);
            hidden_args.push(format!("{}: {t}", ident_text(&b.name)));
            call_args.push(ident_text(&b.name));
        }
        vec![
            "```no_run".into(),
            format!(
                "# async fn example({}) -> Result<(), Box<dyn std::error::Error>> {{",
                hidden_args.join(", ")
            ),
            format!(
                "let response = client.{}({}).send().await?;",
                ident_text(&op.method_name),
                call_args.join(", ")
            ),
            "println!(\"{} {:?}\", response.status(), response.headers());".into(),
            "# Ok(())".into(),
            "# }".into(),
            "```".into(),
        ]
    }
}

/// How to read a paging number from `self` (as `Option<i64>`), and a statement
/// setting it on `page` from the `i64` variable `value`.
fn knob_code(
    k: &crate::operations::Knob,
    value: &proc_macro2::Ident,
) -> (TokenStream, TokenStream) {
    use crate::types::FieldShape;
    let param = ident(&k.param);
    let int = k.int.tokens();
    let cast = quote!(#int::try_from(#value).unwrap_or(#int::MAX));
    match &k.member {
        None if k.param_required => (
            quote!(Some(self.#param as i64)),
            quote!(page.#param = #cast;),
        ),
        None => (
            quote!(self.#param.map(|v| v as i64)),
            quote!(page.#param = Some(#cast);),
        ),
        Some((field, shape)) => {
            let f = ident(field);
            let (read, write) = match shape {
                FieldShape::Plain => (quote!(Some(p.#f as i64)), cast),
                FieldShape::OptionalNullable => (
                    quote!(p.#f.flatten().map(|v| v as i64)),
                    quote!(Some(Some(#cast))),
                ),
                _ => (quote!(p.#f.map(|v| v as i64)), quote!(Some(#cast))),
            };
            if k.param_required {
                (
                    quote!(Some(&self.#param).and_then(|p| #read)),
                    quote!(page.#param.#f = #write;),
                )
            } else {
                (
                    quote!(self.#param.as_ref().and_then(|p| #read)),
                    quote!(page.#param.get_or_insert_with(Default::default).#f = #write;),
                )
            }
        }
    }
}

/// `url.push('/')` for one character (clippy's `single_char_add_str`), else `push_str`.
fn push_literal(literal: &str) -> TokenStream {
    let mut chars = literal.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => quote!(url.push(#c);),
        _ => quote!(url.push_str(#literal);),
    }
}

/// Type text usable in a doctest (paths from the crate root).
fn rust_type_text(tokens: &TokenStream, krate: &str) -> String {
    let text = tokens.to_string().replace(' ', "");
    let text = text.replace("types::", &format!("{krate}::types::"));
    text.replace(",", ", ")
}

fn status_text(s: StatusMatch) -> String {
    match s {
        StatusMatch::Default => "any other status (`default`)".into(),
        other => format!("`{}`", other.label()),
    }
}

fn case_doc(c: &ResponseCase) -> String {
    let first_para: Vec<&str> = c
        .description
        .trim()
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let desc = first_para.join(" ");
    let desc = desc.trim();
    let mut text = format!("{}: {}", status_text(c.status), desc);
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
