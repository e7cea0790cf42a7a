//! `Client` and `ClientBuilder`: the runtime's configured core, plus what is
//! specific to the document (its security schemes, environment variables, default
//! server).

use super::ClientEmitter;
use crate::docs;
use crate::names::ident;
use crate::operations::{Scheme, SchemeKind};
use proc_macro2::TokenStream;
use quote::quote;

/// An environment variable `from_env` reads, and what it is for.
pub(super) struct EnvVar {
    pub(super) name: String,
    pub(super) purpose: String,
}

impl ClientEmitter<'_> {
    /// Every variable `from_env` reads: the base URL's, then each credential's.
    pub(super) fn environment(&self) -> Vec<EnvVar> {
        let mut vars = vec![EnvVar {
            name: format!("{}_BASE_URL", self.settings.env_prefix),
            purpose: "the base URL (optional)".to_string(),
        }];
        for s in &self.built.schemes {
            vars.extend(self.scheme_env(s));
        }
        vars
    }

    /// The environment variables of each scheme's credential (basic schemes need two).
    fn scheme_env(&self, s: &Scheme) -> Vec<EnvVar> {
        let var = format!(
            "{}_{}",
            self.settings.env_prefix,
            s.field.to_ascii_uppercase()
        );
        match s.kind {
            SchemeKind::Basic => vec![
                EnvVar {
                    name: format!("{var}_USERNAME"),
                    purpose: format!("the user name for `{}`", s.name),
                },
                EnvVar {
                    name: format!("{var}_PASSWORD"),
                    purpose: format!("the password for `{}`", s.name),
                },
            ],
            _ => vec![EnvVar {
                name: var,
                purpose: format!("the credential for `{}`", s.name),
            }],
        }
    }

    pub(super) fn emit_config(&self) -> TokenStream {
        let title = self.settings.title;
        let schemes = &self.built.schemes;
        let env_base = format!("{}_BASE_URL", self.settings.env_prefix);
        let need_credential = self.built.auth_required && !schemes.is_empty();
        let mark_found = need_credential.then(|| quote!(found = true;));
        let mut env_docs = vec![format!("- `{env_base}`: the base URL (optional)")];
        let mut credential_vars = Vec::new();
        let mut env_reads = TokenStream::new();
        let mut setters = TokenStream::new();
        for s in schemes {
            let f = ident(&s.field);
            let scheme_name = &s.name;
            let vars = self.scheme_env(s);
            let sdoc = docs::attrs(&scheme_doc(s));
            match &s.kind {
                SchemeKind::Basic => {
                    let (user_var, pass_var) = (&vars[0].name, &vars[1].name);
                    setters.extend(quote! {
                        #sdoc
                        pub fn #f(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
                            self.core.credentials.set_basic(#scheme_name, username, password);
                            self
                        }
                    });
                    env_reads.extend(quote! {
                        if let (Ok(user), Ok(password)) = (std::env::var(#user_var), std::env::var(#pass_var)) {
                            builder = builder.#f(user, password);
                            #mark_found
                        }
                    });
                    credential_vars.push(format!("{user_var} and {pass_var}"));
                }
                kind => {
                    let placement = placement(kind);
                    let var = &vars[0].name;
                    setters.extend(quote! {
                        #sdoc
                        pub fn #f(mut self, credential: impl Into<String>) -> Self {
                            self.core.credentials.set(#scheme_name, #placement, credential);
                            self
                        }
                    });
                    if let Some(setter) = &s.provider_setter {
                        let m = ident(setter);
                        let doc = docs::attrs(&lines(&format!(
                            "Sets the credential for the `{scheme_name}` security scheme from a provider: asked when first needed, kept until it is about to expire, and asked again (once, then the call is retried) when the server answers 401. It replaces [`ClientBuilder::{}`].",
                            s.field
                        )));
                        setters.extend(quote! {
                            #doc
                            pub fn #m(mut self, provider: impl runtime::CredentialProvider) -> Self {
                                self.core.credentials.set_provider(#scheme_name, #placement, provider);
                                self
                            }
                        });
                    }
                    if let Some(flow) = &s.client_credentials {
                        let m = ident(&flow.setter);
                        let token_url = &flow.token_url;
                        let mut text = format!(
                            "Gets access tokens for the `{scheme_name}` security scheme by the OAuth 2 client credentials grant (RFC 6749 §4.4) from `{token_url}`{}: the client id and secret are sent with HTTP Basic authentication (as RFC 6749 §2.3.1 prefers), the token is kept until shortly before it expires and fetched again then, or once when the server answers 401. Neither the secret nor a token is ever logged. A failure is [`crate::Error::Credential`].\n\nFor another token URL, or the id and secret in the form body, pass a [`crate::ClientCredentials`] to [`ClientBuilder::{}`].",
                            if token_url.contains("://") {
                                ""
                            } else {
                                " (relative to the base URL)"
                            },
                            s.provider_setter.as_deref().unwrap_or_default()
                        );
                        if !flow.scopes.is_empty() {
                            text.push_str("\n\nScopes the API description lists:\n");
                            for (scope, what) in &flow.scopes {
                                let what = what.trim();
                                text.push_str(&format!(
                                    "\n- `{scope}`{}{what}",
                                    if what.is_empty() { "" } else { ": " }
                                ));
                            }
                        }
                        let doc = docs::attrs(&lines(&text));
                        setters.extend(quote! {
                            #doc
                            pub fn #m<S: Into<String>>(
                                mut self,
                                client_id: impl Into<String>,
                                client_secret: impl Into<String>,
                                scopes: impl IntoIterator<Item = S>,
                            ) -> Self {
                                self.core.credentials.set_provider(
                                    #scheme_name,
                                    #placement,
                                    runtime::ClientCredentials::new(#token_url, client_id, client_secret).scopes(scopes),
                                );
                                self
                            }
                        });
                    }
                    env_reads.extend(quote! {
                        if let Ok(value) = std::env::var(#var) {
                            builder = builder.#f(value);
                            #mark_found
                        }
                    });
                    credential_vars.push(var.clone());
                }
            }
            env_docs.extend(
                vars.iter()
                    .map(|v| format!("- `{}`: {}", v.name, v.purpose)),
            );
        }
        let (default_const, default_doc, default_arg) = match &self.settings.default_server {
            Some(url) => (
                quote! {
                    /// The API description's first server, used when no base URL is set.
                    pub const DEFAULT_BASE_URL: &'static str = #url;
                },
                format!("Defaults to [`Client::DEFAULT_BASE_URL`] (`{url}`)."),
                quote!(Some(Client::DEFAULT_BASE_URL)),
            ),
            None => (
                TokenStream::new(),
                "The API description names no absolute server, so a base URL must be set."
                    .to_string(),
                quote!(None),
            ),
        };
        let require_credential = need_credential.then(|| {
            let msg = format!(
                "no credential in the environment: set {}",
                credential_vars.join(" or ")
            );
            quote! {
                if !found {
                    return Err(runtime::ConfigError(#msg.into()));
                }
            }
        });
        let found_decl = need_credential.then(|| quote!(let mut found = false;));
        let from_env_doc = docs::attrs(&lines(&format!(
            "Builds a client from environment variables:\n\n{}\n\nFails if the base URL is invalid{}.",
            env_docs.join("\n"),
            if need_credential {
                " or no credential is set"
            } else {
                ""
            }
        )));
        let builder_from_env_doc = docs::attrs(&lines(&format!(
            "A builder configured from environment variables, to adjust before [`ClientBuilder::build`]\n(the command-line program of the crate feature `cli` sets its flags on it):\n\n{}{}",
            env_docs.join("\n"),
            if need_credential {
                "\n\nFails if no credential is set."
            } else {
                ""
            }
        )));
        let client_doc = docs::attrs(&lines(&format!(
            "A client for the {title}.\n\nCheap to clone: clones share one connection pool. Build one with [`Client::builder`], [`Client::new`] or [`Client::from_env`]."
        )));
        let base_url_doc = docs::attrs(&[format!(
            "Sets the base URL every path is appended to. {default_doc}"
        )]);
        let tls_arg = if self.settings.tls {
            quote!(Some(runtime::configure_tls))
        } else {
            quote!(None)
        };
        let raw_security = &self.built.raw_security;
        let raw_doc = docs::attrs(&lines(&format!(
            "Calls a path the API description does not have, with the client's base URL, retries, timeouts, hooks and errors, and the credentials of {}. `path` is appended to the base URL and must stay under it: it starts with `/`, has no `.` or `..` segment and no query (add parameters with `with_query`), and has anything but letters, digits and `-._~!$&'()*+,;=:@/` percent-encoded. Set a body with `.json(…)` or `.body(…)`; `send()` returns the response as it came for a 2xx status, and an error that keeps it otherwise.",
            match raw_security.as_slice() {
                [] => "no security scheme".to_string(),
                schemes => schemes
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        )));
        quote! {
            #client_doc
            #[derive(Clone)]
            pub struct Client {
                core: runtime::Core,
            }

            impl std::fmt::Debug for Client {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.core.fmt(f)
                }
            }

            /// Configures a [`Client`].
            #[derive(Clone, Default)]
            pub struct ClientBuilder {
                core: runtime::CoreBuilder,
            }

            impl std::fmt::Debug for ClientBuilder {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    self.core.fmt(f)
                }
            }

            impl ClientBuilder {
                #base_url_doc
                pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
                    self.core.base_url = Some(base_url.into());
                    self
                }

                /// How long a call may take, per attempt, unless the call sets its own.
                pub const DEFAULT_TIMEOUT: std::time::Duration = runtime::DEFAULT_TIMEOUT;
                /// How long connecting may take (for the HTTP client this builder makes).
                pub const DEFAULT_CONNECT_TIMEOUT: std::time::Duration = runtime::DEFAULT_CONNECT_TIMEOUT;

                /// Uses your own `reqwest::Client` (proxies, TLS roots, …). Its connect
                /// timeout applies instead of [`ClientBuilder::connect_timeout`].
                pub fn http_client(mut self, http: reqwest::Client) -> Self {
                    self.core.http = Some(http);
                    self
                }

                /// The time each attempt of a call may take, from connecting to the end of
                /// the body ([`ClientBuilder::DEFAULT_TIMEOUT`] unless set). A call can
                /// override it with `with_timeout`. Running out is [`crate::Error::Timeout`].
                pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.core.timeout = Some(timeout);
                    self
                }

                /// The time connecting may take ([`ClientBuilder::DEFAULT_CONNECT_TIMEOUT`] unless set).
                pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
                    self.core.connect_timeout = Some(timeout);
                    self
                }

                /// When failed calls are retried ([`crate::RetryPolicy::default`] unless
                /// set; [`crate::RetryPolicy::none`] turns retries off). A call can
                /// override it with `with_retry`.
                pub fn retry(mut self, policy: runtime::RetryPolicy) -> Self {
                    self.core.retry = Some(policy);
                    self
                }

                /// Adds a hook: code of yours that runs around every attempt of every
                /// call (to sign requests, count them, time them). Hooks run in the
                /// order they were added; see [`crate::Hook`].
                pub fn hook(mut self, hook: impl runtime::Hook) -> Self {
                    self.core.hook(hook);
                    self
                }

                #setters

                #builder_from_env_doc
                pub fn from_env() -> Result<Self, runtime::ConfigError> {
                    let mut builder = Self::default();
                    if let Ok(url) = std::env::var(#env_base) {
                        builder = builder.base_url(url);
                    }
                    #found_decl
                    #env_reads
                    #require_credential
                    Ok(builder)
                }

                /// Checks the configuration and builds the client.
                pub fn build(self) -> Result<Client, runtime::ConfigError> {
                    Ok(Client { core: self.core.build(#default_arg, #tls_arg)? })
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
                    ClientBuilder::from_env()?.build()
                }

                /// The base URL requests go to.
                pub fn base_url(&self) -> &str {
                    self.core.base_url()
                }

                #raw_doc
                pub fn raw(&self, method: reqwest::Method, path: impl Into<String>) -> runtime::Request<'_, runtime::Raw> {
                    runtime::Request::raw(&self.core, method, path.into(), &[#(#raw_security),*])
                }
            }
        }
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// How the runtime sends a scheme's credential.
fn placement(kind: &SchemeKind) -> TokenStream {
    match kind {
        SchemeKind::Bearer => quote!(runtime::Placement::Bearer),
        SchemeKind::Basic => quote!(runtime::Placement::Basic),
        SchemeKind::OtherHttp(scheme) => quote!(runtime::Placement::Authorization(#scheme)),
        SchemeKind::ApiKeyHeader(h) => quote!(runtime::Placement::Header(#h)),
        SchemeKind::ApiKeyQuery(q) => quote!(runtime::Placement::Query(#q)),
        SchemeKind::ApiKeyCookie(c) => quote!(runtime::Placement::Cookie(#c)),
    }
}

fn scheme_doc(s: &Scheme) -> Vec<String> {
    let what = match &s.kind {
        SchemeKind::Bearer => "a bearer token, sent as `Authorization: Bearer <token>`".to_string(),
        SchemeKind::Basic => {
            "a user name and password, sent with HTTP basic authentication".to_string()
        }
        SchemeKind::OtherHttp(scheme) => {
            format!("a credential, sent as `Authorization: {scheme} <credential>`")
        }
        SchemeKind::ApiKeyHeader(h) => format!("an API key, sent in the `{h}` header"),
        SchemeKind::ApiKeyQuery(q) => format!("an API key, sent as the `{q}` query parameter"),
        SchemeKind::ApiKeyCookie(c) => format!("an API key, sent as the `{c}` cookie"),
    };
    let mut lines = vec![format!(
        "Sets the credential for the `{}` security scheme: {what}.",
        s.name
    )];
    if let Some(d) = &s.description {
        lines.push(String::new());
        lines.extend(docs::markdown(d));
    }
    lines
}
