//! The support code every generated crate carries in its `runtime` module.
//!
//! A consumer needs nothing but the generated crate and crates.io, so the small
//! runtime travels with it instead of living in a crate of ours. Only the pieces
//! a document needs are emitted, so no dead code reaches the output.

use crate::types::Uses;
use proc_macro2::TokenStream;
use quote::quote;

/// What the client part of the runtime must support.
#[derive(Debug, Default, Clone, Copy)]
pub struct ClientUses {
    pub any: bool,
    pub text_bodies: bool,
    pub byte_bodies: bool,
    pub form_bodies: bool,
    pub multipart: bool,
    pub headers: bool,
    pub query: bool,
    pub path_params: bool,
    pub pagination: bool,
}

impl ClientUses {
    pub fn merge(&mut self, o: ClientUses) {
        self.any |= o.any;
        self.text_bodies |= o.text_bodies;
        self.byte_bodies |= o.byte_bodies;
        self.form_bodies |= o.form_bodies;
        self.multipart |= o.multipart;
        self.headers |= o.headers;
        self.query |= o.query;
        self.path_params |= o.path_params;
        self.pagination |= o.pagination;
    }
}

pub fn runtime(uses: Uses, client: ClientUses) -> TokenStream {
    let mut out = quote! {
        //! Support code shared by the models and the client.
        #![allow(dead_code, clippy::result_large_err)]
    };
    if uses.double_option {
        out.extend(quote! {
            /// Tells a member sent as `null` (`Some(None)`) from an absent one (`None`).
            pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
            where
                T: serde::Deserialize<'de>,
                D: serde::Deserializer<'de>,
            {
                <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
            }
        });
    }
    if uses.keep_null {
        out.extend(quote! {
            /// An optional member of any type: a sent `null` is kept as `Value::Null`.
            pub fn keep_null<'de, D>(deserializer: D) -> Result<Option<serde_json::Value>, D::Error>
            where
                D: serde::Deserializer<'de>,
            {
                <serde_json::Value as serde::Deserialize>::deserialize(deserializer).map(Some)
            }
        });
    }
    if uses.str_enum {
        out.extend(quote! {
            /// Reads a string enum without allocating for known values.
            pub fn deserialize_str_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
            where
                T: for<'a> From<&'a str>,
                D: serde::Deserializer<'de>,
            {
                struct Visitor<T>(std::marker::PhantomData<T>);

                impl<'de, T: for<'a> From<&'a str>> serde::de::Visitor<'de> for Visitor<T> {
                    type Value = T;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("a string")
                    }

                    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
                        Ok(T::from(value))
                    }
                }

                deserializer.deserialize_str(Visitor(std::marker::PhantomData))
            }
        });
    }
    if uses.int_enum {
        out.extend(quote! {
            /// Reads an integer enum; values beyond the listed ones are kept.
            pub fn deserialize_int_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
            where
                T: From<i64>,
                D: serde::Deserializer<'de>,
            {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(T::from)
            }
        });
    }
    if uses.base64 {
        out.extend(base64_type());
    }
    if client.any {
        out.extend(client_runtime(client));
    }
    out
}

fn base64_type() -> TokenStream {
    quote! {
        /// Bytes carried in JSON as a base64 string (`format: byte`).
        ///
        /// Reading accepts the standard and URL-safe alphabets, padded or not;
        /// writing uses the standard padded form.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct Base64(pub Vec<u8>);

        impl std::ops::Deref for Base64 {
            type Target = Vec<u8>;

            fn deref(&self) -> &Vec<u8> {
                &self.0
            }
        }

        impl From<Vec<u8>> for Base64 {
            fn from(bytes: Vec<u8>) -> Self {
                Self(bytes)
            }
        }

        impl serde::Serialize for Base64 {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use base64::Engine as _;
                serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
            }
        }

        impl<'de> serde::Deserialize<'de> for Base64 {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use base64::Engine as _;
                let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                let trimmed = text.trim_end_matches('=');
                let engines = [
                    &base64::engine::general_purpose::STANDARD_NO_PAD,
                    &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                ];
                engines
                    .iter()
                    .find_map(|engine| engine.decode(trimmed).ok())
                    .map(Self)
                    .ok_or_else(|| serde::de::Error::custom("invalid base64 data"))
            }
        }
    }
}

fn client_runtime(uses: ClientUses) -> TokenStream {
    let mut out = TokenStream::new();
    out.extend(secret());
    out.extend(responses());
    out.extend(errors());
    out.extend(reliability());
    out.extend(params());
    if uses.pagination {
        out.extend(pagination());
    }
    if uses.path_params {
        out.extend(quote! {
            /// Characters left as they are in a path segment (RFC 3986 unreserved).
            const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
                .remove(b'-')
                .remove(b'.')
                .remove(b'_')
                .remove(b'~');

            /// A path parameter, percent-encoded so it stays one segment.
            pub(crate) fn path_param<T: serde::Serialize>(value: &T) -> Result<String, RequestError> {
                let text = simple_text(value, false)?;
                Ok(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
            }

            /// A string path parameter, percent-encoded onto the URL.
            pub(crate) fn push_path_segment(url: &mut String, value: &str) {
                // Ids, the usual values, need no escaping: copy them whole.
                if value.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
                    url.push_str(value);
                } else {
                    url.extend(percent_encoding::utf8_percent_encode(value, PATH_SEGMENT));
                }
            }
        });
    }
    if uses.query || uses.form_bodies {
        out.extend(quote! {
            /// How a query parameter is spelled (OpenAPI `style`).
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            pub(crate) enum Style {
                Form,
                SpaceDelimited,
                PipeDelimited,
                DeepObject,
            }

            /// Appends one parameter to a query string in the document's style.
            pub(crate) fn query_param<T: serde::Serialize>(
                pairs: &mut Vec<(String, String)>,
                name: &str,
                value: &T,
                style: Style,
                explode: bool,
            ) -> Result<(), RequestError> {
                let value = serde_json::to_value(value).map_err(|e| RequestError(format!("parameter `{name}` could not be serialised: {e}")))?;
                match value {
                    serde_json::Value::Null => {}
                    serde_json::Value::Array(items) => {
                        let separator = match style {
                            Style::SpaceDelimited => " ",
                            Style::PipeDelimited => "|",
                            _ => ",",
                        };
                        if style == Style::DeepObject {
                            deep(pairs, name, &serde_json::Value::Array(items));
                        } else if explode && style == Style::Form {
                            pairs.extend(items.iter().map(|i| (name.to_string(), scalar_text(i))));
                        } else {
                            pairs.push((name.to_string(), items.iter().map(scalar_text).collect::<Vec<_>>().join(separator)));
                        }
                    }
                    serde_json::Value::Object(members) => match style {
                        Style::DeepObject => deep(pairs, name, &serde_json::Value::Object(members)),
                        _ if explode => pairs.extend(members.iter().map(|(k, v)| (k.clone(), scalar_text(v)))),
                        _ => pairs.push((
                            name.to_string(),
                            members.iter().flat_map(|(k, v)| [k.clone(), scalar_text(v)]).collect::<Vec<_>>().join(","),
                        )),
                    },
                    scalar => pairs.push((name.to_string(), scalar_text(&scalar))),
                }
                Ok(())
            }

            /// `name[key][sub]=value`, with array items indexed.
            fn deep(pairs: &mut Vec<(String, String)>, prefix: &str, value: &serde_json::Value) {
                match value {
                    serde_json::Value::Object(members) => {
                        for (k, v) in members {
                            deep(pairs, &format!("{prefix}[{k}]"), v);
                        }
                    }
                    serde_json::Value::Array(items) => {
                        for (i, v) in items.iter().enumerate() {
                            deep(pairs, &format!("{prefix}[{i}]"), v);
                        }
                    }
                    serde_json::Value::Null => {}
                    scalar => pairs.push((prefix.to_string(), scalar_text(scalar))),
                }
            }

            /// A parameter whose value is JSON text (`content: application/json`).
            pub(crate) fn query_json<T: serde::Serialize>(pairs: &mut Vec<(String, String)>, name: &str, value: &T) -> Result<(), RequestError> {
                let text = serde_json::to_string(value).map_err(|e| RequestError(format!("parameter `{name}` could not be serialised: {e}")))?;
                pairs.push((name.to_string(), text));
                Ok(())
            }
        });
    }
    if uses.form_bodies {
        out.extend(quote! {
            /// An `application/x-www-form-urlencoded` body: members as form fields,
            /// nested objects and arrays in bracket notation.
            pub(crate) fn form_body<T: serde::Serialize>(value: &T) -> Result<String, RequestError> {
                let value = serde_json::to_value(value).map_err(|e| RequestError(format!("the body could not be serialised: {e}")))?;
                let mut pairs = Vec::new();
                match value {
                    serde_json::Value::Object(members) => {
                        for (k, v) in &members {
                            match v {
                                serde_json::Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
                                    pairs.extend(items.iter().map(|i| (k.clone(), scalar_text(i))));
                                }
                                _ => deep(&mut pairs, k, v),
                            }
                        }
                    }
                    other => return Err(RequestError(format!("a form body must be an object, not {other}"))),
                }
                let mut encoder = form_urlencoded::Serializer::new(String::new());
                for (k, v) in &pairs {
                    encoder.append_pair(k, v);
                }
                Ok(encoder.finish())
            }
        });
    }
    if uses.headers {
        out.extend(quote! {
            /// A header parameter's value.
            pub(crate) fn header_value<T: serde::Serialize>(name: &str, value: &T) -> Result<reqwest::header::HeaderValue, RequestError> {
                let text = simple_text(value, false)?;
                reqwest::header::HeaderValue::from_str(&text)
                    .map_err(|_| RequestError(format!("header `{name}` has characters not allowed in an HTTP header")))
            }
        });
    }
    if uses.multipart {
        out.extend(quote! {
            /// A `multipart/form-data` body: each member a part; strings as text,
            /// other values as JSON.
            pub(crate) fn multipart_body<T: serde::Serialize>(value: &T) -> Result<reqwest::multipart::Form, RequestError> {
                let value = serde_json::to_value(value).map_err(|e| RequestError(format!("the body could not be serialised: {e}")))?;
                let serde_json::Value::Object(members) = value else {
                    return Err(RequestError("a multipart body must be an object".into()));
                };
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in members {
                    form = match v {
                        serde_json::Value::Null => form,
                        serde_json::Value::String(s) => form.text(k, s),
                        serde_json::Value::Array(items) => {
                            let mut form = form;
                            for item in items {
                                form = form.text(k.clone(), scalar_text(&item));
                            }
                            form
                        }
                        other => form.text(k, other.to_string()),
                    };
                }
                Ok(form)
            }
        });
    }
    out
}

fn secret() -> TokenStream {
    quote! {
        use std::fmt;
        use std::time::Duration;

        /// A credential. Its `Debug` output is redacted, and the header it becomes is
        /// marked sensitive, so it never shows up in logs or error messages.
        #[derive(Clone)]
        pub struct Secret {
            value: String,
            /// The header made from it, built on first use: each credential is sent
            /// the same way on every request.
            header: std::sync::OnceLock<Option<reqwest::header::HeaderValue>>,
        }

        impl Secret {
            pub fn new(value: impl Into<String>) -> Self {
                Self { value: value.into(), header: std::sync::OnceLock::new() }
            }

            /// The credential itself; handle with care.
            pub fn expose(&self) -> &str {
                &self.value
            }

            pub(crate) fn header_value(&self, prefix: &str) -> Result<reqwest::header::HeaderValue, RequestError> {
                self.header
                    .get_or_init(|| {
                        let mut value = reqwest::header::HeaderValue::from_str(&format!("{prefix}{}", self.value)).ok()?;
                        value.set_sensitive(true);
                        Some(value)
                    })
                    .clone()
                    .ok_or_else(|| RequestError("a credential contains characters not allowed in an HTTP header".into()))
            }
        }

        impl fmt::Debug for Secret {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("Secret([redacted])")
            }
        }
    }
}

fn responses() -> TokenStream {
    quote! {
        /// Headers servers use to name a request, most specific first.
        const REQUEST_ID_HEADERS: [&str; 6] =
            ["x-request-id", "request-id", "x-amzn-requestid", "x-amz-request-id", "x-github-request-id", "x-correlation-id"];

        fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
            REQUEST_ID_HEADERS.iter().find_map(|name| headers.get(*name)?.to_str().ok())
        }

        /// A successful response: the decoded body (reachable through `Deref`), plus
        /// the status, headers and number of attempts it took.
        #[derive(Debug, Clone)]
        pub struct ResponseValue<T> {
            value: T,
            status: reqwest::StatusCode,
            headers: reqwest::header::HeaderMap,
            attempts: u32,
        }

        impl<T> ResponseValue<T> {
            /// The decoded body.
            pub fn into_inner(self) -> T {
                self.value
            }

            pub fn status(&self) -> reqwest::StatusCode {
                self.status
            }

            pub fn headers(&self) -> &reqwest::header::HeaderMap {
                &self.headers
            }

            /// How many attempts the call took (1 when it was not retried).
            pub fn attempts(&self) -> u32 {
                self.attempts
            }

            /// The server's id for the request (`x-request-id` and the like), for support tickets.
            pub fn request_id(&self) -> Option<&str> {
                request_id(&self.headers)
            }

            /// Converts the body, keeping status and headers.
            pub fn map<U>(self, f: impl FnOnce(T) -> U) -> ResponseValue<U> {
                ResponseValue { value: f(self.value), status: self.status, headers: self.headers, attempts: self.attempts }
            }
        }

        impl<T> std::ops::Deref for ResponseValue<T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.value
            }
        }

        impl<T> std::ops::DerefMut for ResponseValue<T> {
            fn deref_mut(&mut self) -> &mut T {
                &mut self.value
            }
        }

        /// A response exactly as it arrived: nothing the server sent is dropped.
        #[derive(Debug, Clone)]
        pub struct RawResponse {
            pub status: reqwest::StatusCode,
            pub headers: reqwest::header::HeaderMap,
            pub body: bytes::Bytes,
            /// How many attempts it took to get this response.
            pub attempts: u32,
        }

        impl RawResponse {
            /// The body as text (invalid UTF-8 replaced), handy in error reports.
            pub fn text(&self) -> std::borrow::Cow<'_, str> {
                String::from_utf8_lossy(&self.body)
            }

            /// The server's id for the request (`x-request-id` and the like).
            pub fn request_id(&self) -> Option<&str> {
                request_id(&self.headers)
            }

            fn value<T>(self, value: T) -> ResponseValue<T> {
                ResponseValue { value, status: self.status, headers: self.headers, attempts: self.attempts }
            }

            pub(crate) fn json<T: serde::de::DeserializeOwned, E>(self) -> Result<ResponseValue<T>, Error<E>> {
                match serde_json::from_slice(&self.body) {
                    Ok(value) => Ok(self.value(value)),
                    Err(source) => Err(Error::Decode { response: self, source: DecodeError::Json(source) }),
                }
            }

            pub(crate) fn empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
                Ok(self.value(()))
            }

            pub(crate) fn text_body<E>(self) -> Result<ResponseValue<String>, Error<E>> {
                match std::str::from_utf8(&self.body) {
                    Ok(text) => {
                        let text = text.to_string();
                        Ok(self.value(text))
                    }
                    Err(source) => Err(Error::Decode { response: self, source: DecodeError::Utf8(source) }),
                }
            }

            pub(crate) fn bytes_body<E>(self) -> Result<ResponseValue<bytes::Bytes>, Error<E>> {
                let body = self.body.clone();
                Ok(self.value(body))
            }

            /// A documented error status: decode its body into the operation's error type.
            pub(crate) fn error_json<T: serde::de::DeserializeOwned, E>(self, wrap: impl FnOnce(T) -> E) -> Error<E> {
                match serde_json::from_slice(&self.body) {
                    Ok(value) => Error::Api { body: wrap(value), response: self },
                    Err(source) => Error::Decode { response: self, source: DecodeError::Json(source) },
                }
            }

            pub(crate) fn error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
                let text = self.text().into_owned();
                Error::Api { body: wrap(text), response: self }
            }

            pub(crate) fn error_empty<E>(self, body: E) -> Error<E> {
                Error::Api { body, response: self }
            }
        }

        /// Why a body did not decode.
        #[derive(Debug)]
        pub enum DecodeError {
            Json(serde_json::Error),
            Utf8(std::str::Utf8Error),
        }

        impl fmt::Display for DecodeError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Json(e) => write!(f, "invalid JSON for the documented type: {e}"),
                    Self::Utf8(e) => write!(f, "the body is not UTF-8 text: {e}"),
                }
            }
        }
    }
}

fn errors() -> TokenStream {
    quote! {
        /// A request that could not be built (a parameter value no HTTP request can carry).
        #[derive(Debug, Clone)]
        pub struct RequestError(pub(crate) String);

        impl fmt::Display for RequestError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Everything that can go wrong calling an operation. `E` is the operation's
        /// own enum of documented error responses.
        ///
        /// Nothing the server sent is lost: every variant that had a response keeps
        /// its status, headers and raw body. No variant contains a credential.
        #[derive(Debug)]
        pub enum Error<E> {
            /// The server answered with an error status the API description documents;
            /// `body` is decoded, `response` keeps status, headers and raw bytes.
            Api { body: E, response: RawResponse },
            /// The server answered with a status the API description does not list.
            UnexpectedStatus(RawResponse),
            /// The body did not decode as the documented type.
            Decode { response: RawResponse, source: DecodeError },
            /// The request could not be built.
            InvalidRequest(RequestError),
            /// No response within the timeout (after `attempts` tries).
            Timeout { source: reqwest::Error, attempts: u32 },
            /// No usable response: connection refused or reset, TLS failure, body cut
            /// short (after `attempts` tries). The error carries no URL.
            Transport { source: reqwest::Error, attempts: u32 },
        }

        impl<E> Error<E> {
            /// The response, when there was one.
            pub fn response(&self) -> Option<&RawResponse> {
                match self {
                    Self::Api { response, .. } | Self::Decode { response, .. } | Self::UnexpectedStatus(response) => Some(response),
                    Self::InvalidRequest(_) | Self::Timeout { .. } | Self::Transport { .. } => None,
                }
            }

            /// The HTTP status, when a response arrived.
            pub fn status(&self) -> Option<reqwest::StatusCode> {
                self.response().map(|r| r.status)
            }

            /// The documented error body, when the status was a documented one.
            pub fn api_error(&self) -> Option<&E> {
                match self {
                    Self::Api { body, .. } => Some(body),
                    _ => None,
                }
            }

            /// How many attempts were made (0 when the request could not be built).
            pub fn attempts(&self) -> u32 {
                match self {
                    Self::Timeout { attempts, .. } | Self::Transport { attempts, .. } => *attempts,
                    Self::InvalidRequest(_) => 0,
                    _ => self.response().map_or(0, |r| r.attempts),
                }
            }

            /// The server's id for the request, when a response named one.
            pub fn request_id(&self) -> Option<&str> {
                self.response().and_then(RawResponse::request_id)
            }

            /// Whether the call timed out.
            pub fn is_timeout(&self) -> bool {
                matches!(self, Self::Timeout { .. })
            }
        }

        impl<E> From<RequestError> for Error<E> {
            fn from(e: RequestError) -> Self {
                Self::InvalidRequest(e)
            }
        }

        impl<E: fmt::Debug> fmt::Display for Error<E> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self {
                    Self::Api { body, response } => write!(f, "error response {}: {body:?}", response.status)?,
                    Self::UnexpectedStatus(response) => write!(f, "unexpected response status {}", response.status)?,
                    Self::Decode { response, source } => write!(f, "response {} could not be decoded: {source}", response.status)?,
                    Self::InvalidRequest(e) => write!(f, "invalid request: {e}")?,
                    Self::Timeout { attempts, .. } => write!(f, "timed out after {attempts} attempt(s)")?,
                    Self::Transport { source, attempts } => write!(f, "request failed after {attempts} attempt(s): {source}")?,
                }
                if let Some(id) = self.request_id() {
                    write!(f, " (request id {id})")?;
                }
                Ok(())
            }
        }

        impl<E: fmt::Debug> std::error::Error for Error<E> {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                match self {
                    Self::Decode { source: DecodeError::Json(e), .. } => Some(e),
                    Self::Decode { source: DecodeError::Utf8(e), .. } => Some(e),
                    Self::Timeout { source, .. } | Self::Transport { source, .. } => Some(source),
                    _ => None,
                }
            }
        }

        /// A problem with the client's configuration.
        #[derive(Debug, Clone)]
        pub struct ConfigError(pub(crate) String);

        impl fmt::Display for ConfigError {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::error::Error for ConfigError {}

        /// Static facts about an operation, for logs and errors.
        #[derive(Debug, Clone, Copy)]
        pub struct OperationInfo {
            pub operation_id: &'static str,
            pub method: &'static str,
            pub path: &'static str,
        }
    }
}

fn reliability() -> TokenStream {
    quote! {
        /// When and how a failed call is tried again.
        ///
        /// Retried: connection failures, timeouts, bodies cut short, and the statuses
        /// 408, 429 and 5xx. By default only requests that are safe to repeat are
        /// retried (GET, HEAD, OPTIONS, TRACE), plus any request whose connection was
        /// refused, so it provably never reached the server. `Retry-After` (seconds
        /// or an HTTP date) is honoured up to `max_retry_after`; a longer wait is not
        /// made and the response is returned instead. Between attempts the wait grows
        /// exponentially from `initial_backoff` to `max_backoff`, with jitter.
        #[derive(Debug, Clone, PartialEq)]
        pub struct RetryPolicy {
            /// Attempts in all, the first included; 1 means no retries.
            pub max_attempts: u32,
            pub initial_backoff: Duration,
            pub max_backoff: Duration,
            /// The longest `Retry-After` wait that is honoured.
            pub max_retry_after: Duration,
            /// Also retry requests that may not be safe to repeat (this API creates with PUT).
            pub retry_non_idempotent: bool,
        }

        impl Default for RetryPolicy {
            /// Three attempts, 0.5 s doubling up to 8 s, `Retry-After` up to 60 s, safe requests only.
            fn default() -> Self {
                Self {
                    max_attempts: 3,
                    initial_backoff: Duration::from_millis(500),
                    max_backoff: Duration::from_secs(8),
                    max_retry_after: Duration::from_secs(60),
                    retry_non_idempotent: false,
                }
            }
        }

        impl RetryPolicy {
            /// Never retry.
            pub fn none() -> Self {
                Self { max_attempts: 1, ..Self::default() }
            }

            pub fn max_attempts(mut self, attempts: u32) -> Self {
                self.max_attempts = attempts.max(1);
                self
            }

            pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
                self.initial_backoff = initial;
                self.max_backoff = max.max(initial);
                self
            }

            pub fn max_retry_after(mut self, wait: Duration) -> Self {
                self.max_retry_after = wait;
                self
            }

            /// Opt in to retrying PUT, POST, PATCH and DELETE as well.
            pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
                self.retry_non_idempotent = yes;
                self
            }

            /// The wait before attempt `attempt + 1`: exponential, with "equal jitter"
            /// (half fixed, half random) so that clients do not retry in lockstep.
            fn backoff_for(&self, attempt: u32) -> Duration {
                let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
                let base = self.initial_backoff.saturating_mul(factor).min(self.max_backoff);
                let half = base / 2;
                half + half.mul_f64(jitter())
            }

            /// The wait a response asks for, if it may be honoured; `None` means do not retry.
            fn wait_for(&self, attempt: u32, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
                let Some(value) = headers.get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()) else {
                    return Some(self.backoff_for(attempt));
                };
                let value = value.trim();
                let wait = match value.parse::<u64>() {
                    Ok(seconds) => Duration::from_secs(seconds),
                    Err(_) => match httpdate::parse_http_date(value) {
                        Ok(at) => at.duration_since(std::time::SystemTime::now()).unwrap_or_default(),
                        Err(_) => return Some(self.backoff_for(attempt)),
                    },
                };
                (wait <= self.max_retry_after).then_some(wait)
            }
        }

        /// A number in [0, 1) that differs between calls, without a random-number crate.
        fn jitter() -> f64 {
            use std::hash::BuildHasher;
            let seed = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
            (seed >> 11) as f64 / (1u64 << 53) as f64
        }

        /// Client-wide defaults for every call.
        #[derive(Debug, Clone)]
        pub(crate) struct Settings {
            pub(crate) timeout: Duration,
            pub(crate) retry: RetryPolicy,
        }

        /// Per-call overrides of the client's timeout and retry policy.
        #[derive(Debug, Clone, Default)]
        pub(crate) struct RequestOptions {
            pub(crate) timeout: Option<Duration>,
            pub(crate) retry: Option<RetryPolicy>,
        }

        fn retryable_status(status: reqwest::StatusCode) -> bool {
            matches!(status.as_u16(), 408 | 429 | 500..=599)
        }

        /// Sends a request, retrying as the policy allows, and reads the whole
        /// response. Each call is a `tracing` span with the operation, method, path
        /// template, attempt, status, elapsed time and the server's request id; no
        /// header or URL is recorded, so credentials never reach the logs.
        pub(crate) async fn execute<E>(
            http: &reqwest::Client,
            settings: &Settings,
            build: Build<'_>,
            operation: &'static OperationInfo,
            options: &RequestOptions,
        ) -> Result<RawResponse, Error<E>> {
            use tracing::Instrument as _;
            let policy = options.retry.as_ref().unwrap_or(&settings.retry);
            let timeout = options.timeout.unwrap_or(settings.timeout);
            let span = tracing::info_span!(
                "http_request",
                operation_id = operation.operation_id,
                method = operation.method,
                path = operation.path,
                attempt = tracing::field::Empty,
                status = tracing::field::Empty,
                elapsed_ms = tracing::field::Empty,
                request_id = tracing::field::Empty,
            );
            attempts(http, build, timeout, policy).instrument(span).await
        }

        /// Builds the request of one attempt. It is called again for each retry, so
        /// nothing is copied up front and every kind of body (multipart too) can be
        /// sent again.
        pub(crate) type Build<'a> = &'a (dyn Fn() -> Result<reqwest::RequestBuilder, RequestError> + Sync + 'a);

        fn make_request(build: Build<'_>, timeout: Duration) -> Result<reqwest::Request, RequestError> {
            build()?.timeout(timeout).build().map_err(|e| RequestError(e.without_url().to_string()))
        }

        async fn attempts<E>(http: &reqwest::Client, build: Build<'_>, timeout: Duration, policy: &RetryPolicy) -> Result<RawResponse, Error<E>> {
            let started = std::time::Instant::now();
            let mut current = make_request(build, timeout).map_err(Error::InvalidRequest)?;
            let safe = matches!(
                *current.method(),
                reqwest::Method::GET | reqwest::Method::HEAD | reqwest::Method::OPTIONS | reqwest::Method::TRACE
            ) || policy.retry_non_idempotent;
            let span = tracing::Span::current();
            let mut attempt = 1;
            loop {
                span.record("attempt", attempt);
                let outcome = send(http, current).await;
                span.record("elapsed_ms", started.elapsed().as_millis() as u64);
                let wait = match &outcome {
                    Ok(raw) => {
                        span.record("status", raw.status.as_u16());
                        // Finding the id costs a header lookup per candidate name.
                        if !span.is_disabled() {
                            if let Some(id) = raw.request_id() {
                                span.record("request_id", id);
                            }
                        }
                        if safe && retryable_status(raw.status) { policy.wait_for(attempt, &raw.headers) } else { None }
                    }
                    Err(e) => {
                        // A refused connection provably never reached the server.
                        let repeatable = safe || e.is_connect();
                        // `is_decode` here is a body stream that broke off (JSON is decoded later).
                        let transient = e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() || e.is_decode();
                        (repeatable && transient).then(|| policy.backoff_for(attempt))
                    }
                };
                match wait.filter(|_| attempt < policy.max_attempts) {
                    Some(wait) => {
                        match &outcome {
                            Ok(raw) => tracing::warn!(status = raw.status.as_u16(), wait_ms = wait.as_millis() as u64, "retrying"),
                            Err(e) => tracing::warn!(error = %e.without_url_ref(), wait_ms = wait.as_millis() as u64, "retrying"),
                        }
                        tokio::time::sleep(wait).await;
                        current = make_request(build, timeout).map_err(Error::InvalidRequest)?;
                        attempt += 1;
                    }
                    None => {
                        return match outcome {
                            Ok(raw) => Ok(RawResponse { attempts: attempt, ..raw }),
                            Err(e) => {
                                let source = e.without_url();
                                tracing::debug!(error = %source, "request failed");
                                Err(if source.is_timeout() {
                                    Error::Timeout { source, attempts: attempt }
                                } else {
                                    Error::Transport { source, attempts: attempt }
                                })
                            }
                        };
                    }
                }
            }
        }

        /// `reqwest::Error` formats its URL, which may carry a query credential.
        trait WithoutUrl {
            fn without_url_ref(&self) -> String;
        }

        impl WithoutUrl for reqwest::Error {
            fn without_url_ref(&self) -> String {
                let mut text = self.to_string();
                if let Some(url) = self.url() {
                    text = text.replace(url.as_str(), "<url>");
                }
                text
            }
        }

        /// One attempt: the request, then the whole body.
        async fn send(http: &reqwest::Client, request: reqwest::Request) -> Result<RawResponse, reqwest::Error> {
            let mut response = http.execute(request).await?;
            let status = response.status();
            let headers = std::mem::take(response.headers_mut());
            let body = response.bytes().await?;
            Ok(RawResponse { status, headers, body, attempts: 1 })
        }
    }
}

fn params() -> TokenStream {
    quote! {
        /// Text of a parameter value in the `simple` style (path and header parameters).
        pub(crate) fn simple_text<T: serde::Serialize>(value: &T, explode: bool) -> Result<String, RequestError> {
            let value = serde_json::to_value(value).map_err(|e| RequestError(format!("a parameter could not be serialised: {e}")))?;
            Ok(match value {
                serde_json::Value::Array(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(","),
                serde_json::Value::Object(members) => members
                    .iter()
                    .map(|(k, v)| if explode { format!("{k}={}", scalar_text(v)) } else { format!("{k},{}", scalar_text(v)) })
                    .collect::<Vec<_>>()
                    .join(","),
                other => scalar_text(&other),
            })
        }

        /// `name=value` for a `Cookie` header.
        pub(crate) fn cookie_pair<T: serde::Serialize>(name: &str, value: &T) -> Result<String, RequestError> {
            Ok(format!("{name}={}", simple_text(value, false)?))
        }

        fn scalar_text(value: &serde_json::Value) -> String {
            match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            }
        }
    }
}

fn pagination() -> TokenStream {
    quote! {
        /// Pages through an offset/limit listing: fetches a page only when the
        /// previous one is used up, and stops after a page shorter than the limit.
        pub(crate) fn paginate<T, E, F, Fut>(start: i64, limit: i64, mut fetch: F) -> impl futures_util::Stream<Item = Result<T, Error<E>>>
        where
            F: FnMut(i64, i64) -> Fut,
            Fut: std::future::Future<Output = Result<Vec<T>, Error<E>>>,
        {
            let limit = limit.max(1);
            let pages = futures_util::stream::unfold(Some(start), move |offset| {
                let page = offset.map(|offset| (offset, fetch(offset, limit)));
                async move {
                    let (offset, page) = page?;
                    match page.await {
                        Ok(items) => {
                            let count = items.len() as i64;
                            let next = (count >= limit).then_some(offset + count);
                            Some((Ok(items), next))
                        }
                        Err(e) => Some((Err(e), None)),
                    }
                }
            });
            futures_util::StreamExt::flat_map(pages, |page| {
                futures_util::stream::iter(match page {
                    Ok(items) => items.into_iter().map(Ok).collect::<Vec<_>>(),
                    Err(e) => vec![Err(e)],
                })
            })
        }
    }
}
