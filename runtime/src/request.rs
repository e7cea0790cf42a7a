//! One request builder for every operation. An operation only says what differs
//! (its parameters, how they go on the wire, how its responses decode); sending,
//! timeouts, retries and logs are this generic code, compiled once per crate.

use super::error::{Error, OperationInfo, RequestError};
use super::response::{RawResponse, ResponseValue};
use super::retry::{RequestOptions, RetryPolicy};
use super::transport::Core;
use std::time::Duration;

/// What the generated code says about an operation.
pub trait Operation: Sync {
    /// The decoded body of a successful response (or the enum of several).
    type Success;
    /// The operation's enum of documented error responses.
    type Error;
    const INFO: OperationInfo;
    /// Puts the parameters and body on the request.
    fn write(&self, request: &mut RequestParts) -> Result<(), RequestError>;
    /// Decodes a response by its status.
    fn decode(response: RawResponse) -> Result<ResponseValue<Self::Success>, Error<Self::Error>>;
}

/// A call being prepared: set optional parameters with the operation's setters,
/// override the client's timeout or retry policy, then `send().await`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `send` is awaited"]
pub struct Request<'a, O> {
    core: &'a Core,
    options: RequestOptions,
    pub(crate) op: O,
}

impl<'a, O> Request<'a, O> {
    pub(crate) fn new(core: &'a Core, op: O) -> Self {
        Self {
            core,
            options: RequestOptions::default(),
            op,
        }
    }

    /// The client, the call's options and the operation's parameters (the
    /// command-line program sends them through one non-generic path).
    pub(crate) fn into_parts(self) -> (&'a Core, RequestOptions, O) {
        (self.core, self.options, self.op)
    }
}

impl<O: Operation> Request<'_, O> {
    /// The time this call may take, per attempt, instead of the client's.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// When this call is retried, instead of the client's policy.
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// Sends the request (again on each retry) and decodes the response.
    pub async fn send(self) -> Result<ResponseValue<O::Success>, Error<O::Error>> {
        let op = &self.op;
        let raw = self
            .core
            .execute(&O::INFO, &self.options, &|parts: &mut RequestParts| {
                op.write(parts)
            })
            .await
            .map_err(Error::from)?;
        O::decode(raw)
    }
}

/// The parts of a request an operation writes: path, query, headers, cookies, body.
#[derive(Default)]
pub struct RequestParts {
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: Option<Body>,
}

/// A request body, ready to send.
pub(crate) enum Body {
    Bytes {
        content_type: &'static str,
        bytes: bytes::Bytes,
    },
    /// A body only reqwest can build (multipart forms).
    Custom(Box<dyn FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + Send>),
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes {
                content_type,
                bytes,
            } => f
                .debug_struct("Bytes")
                .field("content_type", content_type)
                .field("len", &bytes.len())
                .finish(),
            Body::Custom(_) => f.write_str("Custom"),
        }
    }
}

impl RequestParts {
    /// Appends literal text of the path template.
    pub(crate) fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// A header parameter (its name as the document spells it, in any case).
    pub(crate) fn header<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        let header = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError(format!("`{name}` is not a valid header name")))?;
        let value = super::params::header_value(name, value)?;
        self.headers.append(header, value);
        Ok(())
    }

    /// A cookie parameter.
    pub(crate) fn cookie<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), RequestError> {
        self.cookies.push(super::params::cookie_pair(name, value)?);
        Ok(())
    }

    /// A JSON body in the given media type.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        value: &T,
    ) -> Result<(), RequestError> {
        let bytes = serde_json::to_vec(value)
            .map_err(|e| RequestError(format!("the body could not be serialised: {e}")))?;
        self.bytes(content_type, bytes);
        Ok(())
    }

    /// A body sent as it is (text or bytes).
    pub(crate) fn bytes(&mut self, content_type: &'static str, bytes: impl Into<bytes::Bytes>) {
        self.body = Some(Body::Bytes {
            content_type,
            bytes: bytes.into(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_collect_what_an_operation_writes() {
        let mut parts = RequestParts::default();
        parts.path("/a/");
        parts.header("X-N", &3).unwrap();
        assert!(parts.header("bad name", &1).is_err());
        parts.cookie("c", &"v").unwrap();
        parts
            .json("application/json", &serde_json::json!({"k": 1}))
            .unwrap();
        assert_eq!(parts.path, "/a/");
        assert_eq!(parts.headers["x-n"], "3");
        assert_eq!(parts.cookies, ["c=v"]);
        match parts.body {
            Some(Body::Bytes {
                content_type,
                bytes,
            }) => {
                assert_eq!(content_type, "application/json");
                assert_eq!(&bytes[..], br#"{"k":1}"#);
            }
            other => panic!("{other:?}"),
        }
    }
}
