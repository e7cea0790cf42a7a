//! A configured client: base URL, HTTP client, defaults, credentials; and sending
//! one operation's request with them. Nothing here depends on the operation's types.

use super::auth::Credentials;
use super::error::{ConfigError, OperationInfo, RequestError};
use super::request::{Body, RequestParts};
use super::response::RawResponse;
use super::retry::{self, RequestOptions, RetryPolicy, Settings};
use std::time::Duration;

/// What every generated `Client` holds. Cheap to clone: clones share one
/// connection pool.
#[derive(Clone)]
pub struct Core {
    base_url: String,
    http: reqwest::Client,
    settings: Settings,
    credentials: Credentials,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// What every generated `ClientBuilder` holds.
#[derive(Clone, Default)]
pub struct CoreBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) credentials: Credentials,
}

impl std::fmt::Debug for CoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}

/// How long a call may take, per attempt, unless the call or the client sets its own.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long connecting may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl CoreBuilder {
    /// Checks the configuration; `default_base_url` is the document's first server.
    pub(crate) fn build(self, default_base_url: Option<&str>) -> Result<Core, ConfigError> {
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
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(|e| ConfigError(format!("could not create the HTTP client: {e}")))?,
        };
        Ok(Core {
            base_url: base_url.trim_end_matches('/').to_string(),
            http,
            settings: Settings {
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry.unwrap_or_default(),
            },
            credentials: self.credentials,
        })
    }
}

impl Core {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends an operation's request, retrying as allowed, and reads the whole
    /// response. `write` puts the operation's parameters on each attempt's request.
    pub(crate) async fn execute(
        &self,
        info: &'static OperationInfo,
        options: &RequestOptions,
        write: &(dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync),
    ) -> Result<RawResponse, super::error::Failure> {
        let build = || self.request(info, write);
        retry::execute(&self.http, &self.settings, &build, info, options).await
    }

    /// Sends an operation's request as [`execute`](Self::execute) does, asking
    /// for `accept`, and leaves the body of a success unread in `slot` (the
    /// timeout bounds the time to the response head).
    pub(crate) async fn execute_stream(
        &self,
        info: &'static OperationInfo,
        options: &RequestOptions,
        write: &(dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync),
        accept: &'static str,
        slot: &mut Option<reqwest::Response>,
    ) -> Result<RawResponse, super::error::Failure> {
        let write = |parts: &mut RequestParts| {
            write(parts)?;
            parts.headers.insert(
                reqwest::header::ACCEPT,
                reqwest::header::HeaderValue::from_static(accept),
            );
            Ok(())
        };
        let build = || self.request(info, &write);
        retry::execute_reading(
            &self.http,
            &self.settings,
            &build,
            info,
            options,
            retry::Reading::Stream(slot),
        )
        .await
    }

    /// The timeout of a call with these options.
    pub(crate) fn timeout(&self, options: &RequestOptions) -> Duration {
        options.timeout.unwrap_or(self.settings.timeout)
    }

    /// One attempt's request.
    fn request(
        &self,
        info: &OperationInfo,
        write: &(dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync),
    ) -> Result<reqwest::RequestBuilder, RequestError> {
        let mut parts = RequestParts::default();
        write(&mut parts)?;
        let method = reqwest::Method::from_bytes(info.method.as_bytes())
            .map_err(|_| RequestError(format!("`{}` is not an HTTP method", info.method)))?;
        let mut url = String::with_capacity(self.base_url.len() + parts.path.len());
        url.push_str(&self.base_url);
        url.push_str(&parts.path);
        let mut request = self.http.request(method, url);
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        // An `Accept` the request sets itself (an event stream's) wins.
        let accept_set = parts.headers.contains_key(reqwest::header::ACCEPT);
        if !parts.headers.is_empty() {
            request = request.headers(parts.headers);
        }
        if info.accept_json && !accept_set {
            request = request.header(reqwest::header::ACCEPT, "application/json");
        }
        if !info.security.is_empty() {
            request = self
                .credentials
                .apply(request, info.security, &mut parts.cookies)?;
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
        Ok(request)
    }
}
