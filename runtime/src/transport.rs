//! A configured client: base URL, HTTP client, defaults, credentials; and sending
//! one operation's request with them. Nothing here depends on the operation's types.

use super::auth::{CredentialError, Credentials, ProviderContext, Resolved};
use super::error::{ConfigError, OperationInfo, RequestError};
use super::hook::Hook;
use super::parts::{Body, RequestParts};
use super::raw::RawResponse;
use super::retry::{self, RequestOptions, RetryPolicy, Settings};
use std::sync::Arc;
use std::time::Duration;

/// What every generated `Client` holds. Cheap to clone: clones share one
/// connection pool, hooks and credential caches.
#[derive(Clone)]
pub struct Core {
    base_url: String,
    http: reqwest::Client,
    settings: Settings,
    credentials: Credentials,
    hooks: Arc<[Arc<dyn Hook>]>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

/// One call, as the transport sends it: what the operation (or `Client::raw`)
/// says, and the call's options and extras.
pub(crate) struct Call<'a> {
    /// `None` for `Client::raw`.
    pub(crate) operation_id: Option<&'a str>,
    pub(crate) method: &'a str,
    /// The path template (for logs and hooks).
    pub(crate) path: &'a str,
    /// The security schemes whose credentials are sent (those the client has).
    pub(crate) security: &'a [&'static str],
    /// The `Accept` header to send, unless the request sets its own.
    pub(crate) accept: Option<&'a str>,
    pub(crate) options: &'a RequestOptions,
    /// Puts the operation's parameters and body on each attempt's request.
    pub(crate) write: &'a (dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync),
}

impl<'a> Call<'a> {
    /// A call of a documented operation.
    pub(crate) fn of(
        info: &'static OperationInfo,
        accept: &'static str,
        options: &'a RequestOptions,
        write: &'a (dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync),
    ) -> Self {
        Call {
            operation_id: Some(info.operation_id),
            method: info.method,
            path: info.path,
            security: info.security,
            accept: info.accept_json.then_some(accept),
            options,
            write,
        }
    }
}

/// Sets up TLS on an HTTP client builder (the crate's TLS features); the flag
/// says whether the base URL is `https`.
pub(crate) type ConfigureTls =
    fn(reqwest::ClientBuilder, bool) -> Result<reqwest::ClientBuilder, ConfigError>;

/// What every generated `ClientBuilder` holds.
#[derive(Clone, Default)]
pub struct CoreBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) credentials: Credentials,
    pub(crate) hooks: Vec<Arc<dyn Hook>>,
}

impl std::fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

/// How long a call may take, per attempt, unless the call or the client sets its own.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl CoreBuilder {
    /// Adds a hook that runs around every attempt of every call.
    pub(crate) fn hook(&mut self, hook: impl Hook) {
        self.hooks.push(Arc::new(hook));
    }

    /// Checks the configuration; `default_base_url` is the document's first
    /// server; `tls` configures the HTTP client's TLS (the crate's features).
    pub(crate) fn build(
        self,
        default_base_url: Option<&str>,
        tls: Option<ConfigureTls>,
    ) -> Result<Core, ConfigError> {
        let base_url = match (self.base_url, default_base_url) {
            (Some(url), _) => url,
            (None, Some(url)) => url.to_string(),
            (None, None) => {
                return Err(ConfigError(
                    "no base URL set: call `ClientBuilder::base_url`".into(),
                ));
            }
        };
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| ConfigError(format!("invalid base URL `{base_url}`: {e}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(ConfigError(format!(
                "the base URL `{base_url}` is not http or https"
            )));
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT));
                if let Some(tls) = tls {
                    builder = tls(builder, parsed.scheme() == "https")?;
                }
                builder
                    .build()
                    .map_err(|e| ConfigError(format!("could not create the HTTP client: {e}")))?
            }
        };
        Ok(Core {
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
            settings: Settings {
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry.unwrap_or_default(),
            },
            credentials: self.credentials,
            hooks: self.hooks.into(),
        })
    }
}

impl Core {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a call, retrying as allowed, and reads the whole response.
    pub(crate) async fn execute(
        &self,
        call: &Call<'_>,
    ) -> Result<RawResponse, super::error::Failure> {
        retry::execute(self, call, retry::Reading::Whole).await
    }

    /// Sends a call as [`execute`](Self::execute) does, asking for `accept`,
    /// and leaves the body of a success unread in `slot` (the timeout bounds
    /// the time to the response head).
    pub(crate) async fn execute_stream(
        &self,
        call: &Call<'_>,
        accept: &'static str,
        slot: &mut Option<reqwest::Response>,
    ) -> Result<RawResponse, super::error::Failure> {
        let write = |parts: &mut RequestParts| {
            (call.write)(parts)?;
            parts.headers.insert(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static(accept),
            );
            Ok(())
        };
        let call = Call {
            write: &write,
            ..*call
        };
        retry::execute(self, &call, retry::Reading::Stream(slot)).await
    }

    /// The timeout of a call with these options.
    pub(crate) fn timeout(&self, options: &RequestOptions) -> Duration {
        options.timeout.unwrap_or(self.settings.timeout)
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    pub(crate) fn hooks(&self) -> &[Arc<dyn Hook>] {
        &self.hooks
    }

    /// The provider credentials one attempt sends (fetched if none is held).
    pub(crate) async fn resolve_credentials(
        &self,
        schemes: &[&str],
        timeout: Duration,
    ) -> Result<Resolved, CredentialError> {
        if schemes.is_empty() {
            return Ok(Resolved::default());
        }
        let context = ProviderContext {
            http: &self.http,
            base_url: &self.base_url,
            timeout,
        };
        self.credentials.resolve(schemes, context).await
    }

    pub(crate) async fn invalidate_credentials(&self, used: &Resolved) {
        self.credentials.invalidate(used).await;
    }

    /// One attempt's request: the operation's parts, credentials, then the
    /// call's extras, which replace what the operation or client set.
    /// `timeout` bounds the whole exchange (`None` for a stream, whose head is
    /// timed by the retry loop).
    pub(crate) fn request(
        &self,
        call: &Call<'_>,
        credentials: &Resolved,
        timeout: Option<Duration>,
    ) -> Result<reqwest::Request, RequestError> {
        let options = call.options;
        let mut parts = RequestParts {
            body_members: options.body_members.clone(),
            ..RequestParts::default()
        };
        (call.write)(&mut parts)?;
        if !parts.body_members.is_empty() {
            return Err(RequestError(
                "`with_body_member` needs a JSON object body; this request has none".into(),
            ));
        }
        let method = reqwest::Method::from_bytes(call.method.as_bytes())
            .map_err(|_| RequestError(format!("`{}` is not an HTTP method", call.method)))?;
        let mut url = String::with_capacity(self.base_url.len() + parts.path.len());
        url.push_str(&self.base_url);
        url.push_str(&parts.path);
        parts.query.extend(options.query.iter().cloned());
        let mut request = self.http.request(method, url);
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        // An `Accept` the request sets itself (an event stream's) wins.
        let accept_set = parts.headers.contains_key(reqwest::header::ACCEPT);
        if !parts.headers.is_empty() {
            request = request.headers(parts.headers);
        }
        if let Some(accept) = call.accept
            && !accept_set
        {
            request = request.header(reqwest::header::ACCEPT, accept);
        }
        if !call.security.is_empty() {
            request =
                self.credentials
                    .apply(request, call.security, credentials, &mut parts.cookies)?;
        }
        if !parts.cookies.is_empty() {
            request = request.header(reqwest::header::COOKIE, parts.cookies.join("; "));
        }
        match parts.body {
            None => {}
            Some(Body::Bytes {
                content_type,
                bytes,
            }) => {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(bytes);
            }
            Some(Body::Custom(apply)) => request = apply(request),
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        let mut request = request
            .build()
            .map_err(|e| RequestError(e.without_url().to_string()))?;
        if !options.headers.is_empty() {
            let headers = request.headers_mut();
            for name in options.headers.keys() {
                headers.remove(name);
            }
            for (name, value) in &options.headers {
                headers.append(name, value.clone());
            }
        }
        Ok(request)
    }
}
