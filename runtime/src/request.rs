//! One request builder for every operation. An operation only says what differs
//! (its parameters, how they go on the wire, how its responses decode); sending,
//! timeouts, retries and logs are this generic code, compiled once per crate.

use super::error::{Error, OperationInfo, RequestError};
pub(crate) use super::parts::Body;
pub use super::parts::RequestParts;
use super::response::{RawResponse, ResponseValue};
use super::retry::{RequestOptions, RetryPolicy};
use super::transport::{Call, Core};
use std::time::Duration;

/// What the generated code says about an operation.
pub trait Operation: Sync {
    /// The decoded body of a successful response (or the enum of several).
    type Success;
    /// The operation's enum of documented error responses.
    type Error;
    const INFO: OperationInfo;
    /// The `Accept` header sent when a success is JSON (`INFO.accept_json`):
    /// the media types the document reads successes in.
    const ACCEPT: &'static str = "application/json";
    /// Puts the parameters and body on the request.
    fn write(&self, request: &mut RequestParts) -> Written;
    /// Decodes a response by its status.
    fn decode(response: RawResponse) -> Decoded<Self>;
}

/// What [`Operation::write`] returns; spelled short in every operation.
pub type Written = Result<(), RequestError>;

/// What [`Operation::decode`] returns: the success or the error of `O`.
pub type Decoded<O> =
    Result<ResponseValue<<O as Operation>::Success>, Error<<O as Operation>::Error>>;

/// A call being prepared: set optional parameters with the operation's setters,
/// override the client's timeout or retry policy, then `send().await`.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until `send` is awaited"]
pub struct Request<'a, O> {
    pub(crate) core: &'a Core,
    pub(crate) options: RequestOptions,
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

impl<O> Request<'_, O> {
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

    /// Adds a header the API description does not list (a trace id, a feature
    /// flag). It replaces a header of that name the operation or the client would
    /// send (credentials included); given twice, both values are sent. The value
    /// is treated as sensitive (hidden from `Debug`). A name that is not a valid
    /// header name, or a value with CR, LF or other control characters, makes
    /// the call fail with `Error::InvalidRequest` and nothing is sent.
    pub fn with_header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let (name, value) = (name.as_ref(), value.as_ref());
        let checked = reqwest::header::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RequestError(format!("`{name}` is not a valid header name")))
            .and_then(|n| Ok((n, super::params::header_value_from_text(name, value)?)));
        match checked {
            Ok((name, mut value)) => {
                value.set_sensitive(true);
                self.options.headers.append(name, value);
            }
            Err(e) => {
                self.options.invalid.get_or_insert(e);
            }
        }
        self
    }

    /// Adds a query parameter the API description does not list (`expand=…`),
    /// after the operation's own; given twice, both are sent.
    pub fn with_query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options.query.push((name.into(), value.into()));
        self
    }

    /// Adds a member to the JSON object the request sends as its body (or
    /// replaces the member of that name): for members the API description does
    /// not list. Members the body does not have yet are added after its own, which
    /// keep their order. A request without a JSON object body fails with
    /// `Error::InvalidRequest`.
    pub fn with_body_member(
        mut self,
        name: impl Into<String>,
        value: impl serde::Serialize,
    ) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => {
                self.options.body_members.push((name.into(), value));
            }
            Err(e) => {
                self.options.invalid.get_or_insert(RequestError(format!(
                    "a body member could not be serialised: {e}"
                )));
            }
        }
        self
    }
}

/// How the operation's parameters go on each attempt's request.
pub(crate) type Write<'a> = &'a (dyn Fn(&mut RequestParts) -> Result<(), RequestError> + Sync);

impl<O: Operation> Request<'_, O> {
    /// Sends the request (again on each retry) and decodes the response.
    pub async fn send(self) -> Result<ResponseValue<O::Success>, Error<O::Error>> {
        let op = &self.op;
        let raw = self
            .core
            .execute(&self.call(&|parts: &mut RequestParts| op.write(parts)))
            .await
            .map_err(Error::from)?;
        O::decode(raw)
    }

    /// The call the transport sends: the operation's facts and this request's options.
    pub(crate) fn call<'c>(&'c self, write: Write<'c>) -> Call<'c> {
        Call::of(&O::INFO, O::ACCEPT, &self.options, write)
    }
}

/// A call to a path the API description does not have: see `Client::raw`.
#[derive(Debug, Clone)]
pub struct Raw {
    method: reqwest::Method,
    path: String,
    security: &'static [&'static str],
    body: Option<RawBody>,
}

#[derive(Debug, Clone)]
enum RawBody {
    Json(serde_json::Value),
    Bytes {
        content_type: reqwest::header::HeaderValue,
        bytes: bytes::Bytes,
    },
}

impl<'a> Request<'a, Raw> {
    /// A call of `method` on `path` (appended to the base URL), sending the
    /// credentials of the schemes `security`.
    pub(crate) fn raw(
        core: &'a Core,
        method: reqwest::Method,
        path: String,
        security: &'static [&'static str],
    ) -> Self {
        Self::new(
            core,
            Raw {
                method,
                path,
                security,
                body: None,
            },
        )
    }

    /// Sends `value` as a JSON body.
    pub fn json(mut self, value: impl serde::Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(v) => self.op.body = Some(RawBody::Json(v)),
            Err(e) => {
                self.options.invalid.get_or_insert(RequestError(format!(
                    "the body could not be serialised: {e}"
                )));
            }
        }
        self
    }

    /// Sends `bytes` as the body, with this `Content-Type`.
    pub fn body(mut self, content_type: impl AsRef<str>, bytes: impl Into<bytes::Bytes>) -> Self {
        match super::params::header_value_from_text("content-type", content_type.as_ref()) {
            Ok(content_type) => {
                self.op.body = Some(RawBody::Bytes {
                    content_type,
                    bytes: bytes.into(),
                })
            }
            Err(e) => {
                self.options.invalid.get_or_insert(e);
            }
        }
        self
    }

    /// Sends the request (again on each retry, as the client's policy allows)
    /// and reads the whole response. A 2xx status is `Ok` with the response as
    /// it came; any other is an error that keeps it: `Error::Api` with the body
    /// as JSON when it is JSON, else `Error::UnexpectedStatus`.
    pub async fn send(self) -> Result<RawResponse, Error<serde_json::Value>> {
        check_raw_path(&self.op.path)?;
        let op = &self.op;
        let call = Call {
            operation_id: None,
            method: op.method.as_str(),
            path: &op.path,
            security: op.security,
            accept: None,
            options: &self.options,
            write: &|parts: &mut RequestParts| {
                parts.path(&op.path);
                match &op.body {
                    None => {}
                    Some(RawBody::Json(value)) => parts.json("application/json", value)?,
                    Some(RawBody::Bytes {
                        content_type,
                        bytes,
                    }) => {
                        let (content_type, bytes) = (content_type.clone(), bytes.clone());
                        parts.body = Some(Body::Custom(Box::new(move |request| {
                            request
                                .header(reqwest::header::CONTENT_TYPE, content_type)
                                .body(bytes)
                        })));
                    }
                }
                Ok(())
            },
        };
        let raw = self.core.execute(&call).await.map_err(Error::from)?;
        if raw.status.is_success() {
            return Ok(raw);
        }
        match serde_json::from_slice(&raw.body) {
            Ok(body) => Err(Error::Api {
                body,
                response: raw,
            }),
            Err(_) => Err(Error::UnexpectedStatus(raw)),
        }
    }
}

/// A path given to `Client::raw` must stay under the base URL: it starts with
/// `/`, has no `.` or `..` segment (in any spelling, `%2e` too), no query or
/// fragment (use `with_query`), and only characters a path may hold unescaped
/// (anything else percent-encoded, `%` followed by two hex digits).
pub(crate) fn check_raw_path(path: &str) -> Result<(), RequestError> {
    let refuse = |why: &str| {
        Err(RequestError(format!(
            "the raw path `{}` {why}",
            path.escape_debug()
        )))
    };
    if !path.starts_with('/') {
        return refuse("must start with `/` (it is appended to the base URL)");
    }
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return refuse("has a `%` not followed by two hex digits");
                }
                i += 2;
            }
            b'?' | b'#' => {
                return refuse("has a query or fragment: add parameters with `with_query`");
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => {}
            b'-' | b'.' | b'_' | b'~' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+'
            | b',' | b';' | b'=' | b':' | b'@' | b'/' => {}
            _ => return refuse("has a character that must be percent-encoded"),
        }
        i += 1;
    }
    for segment in path.split('/') {
        let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
        if decoded == "." || decoded == ".." {
            return refuse("has a `.` or `..` segment, which would leave the base URL's path");
        }
    }
    Ok(())
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
        let serialised =
            |e: serde_json::Error| RequestError(format!("the body could not be serialised: {e}"));
        let mut bytes = serde_json::to_vec(value).map_err(serialised)?;
        if !self.body_members.is_empty() {
            bytes = merge_members(bytes, std::mem::take(&mut self.body_members))?;
        }
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

/// Adds `members` to the JSON object `body`. Members it lacks are appended to
/// its text, so its own keep their order and spelling; if it has one of them
/// already, the object is rewritten with that member replaced.
fn merge_members(
    body: Vec<u8>,
    members: Vec<(String, serde_json::Value)>,
) -> Result<Vec<u8>, RequestError> {
    let not_object = || {
        RequestError(
            "`with_body_member` needs a JSON object body; this request's body is not one".into(),
        )
    };
    let keys: std::collections::HashMap<String, serde::de::IgnoredAny> =
        serde_json::from_slice(&body).map_err(|_| not_object())?;
    let serialised =
        |e: serde_json::Error| RequestError(format!("a body member could not be serialised: {e}"));
    if members.iter().any(|(name, _)| keys.contains_key(name)) {
        let mut object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_slice(&body).map_err(|_| not_object())?;
        object.extend(members);
        return serde_json::to_vec(&object).map_err(serialised);
    }
    // serde_json writes an object as `{…}` with no space around it.
    let mut out = body;
    let closing = out.pop();
    debug_assert_eq!(closing, Some(b'}'));
    let mut first = keys.is_empty();
    for (name, value) in &members {
        if !first {
            out.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut out, name).map_err(serialised)?;
        out.push(b':');
        serde_json::to_writer(&mut out, value).map_err(serialised)?;
    }
    out.push(b'}');
    Ok(out)
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

    #[test]
    fn body_members_are_added_after_the_bodys_own_or_replace_them() {
        let json = |members: &[(&str, serde_json::Value)], body: serde_json::Value| {
            let mut parts = RequestParts {
                body_members: members
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
                ..RequestParts::default()
            };
            parts
                .json("application/json", &body)
                .map(|_| match parts.body {
                    Some(Body::Bytes { bytes, .. }) => String::from_utf8(bytes.to_vec()).unwrap(),
                    other => panic!("{other:?}"),
                })
        };
        use serde_json::json;
        assert_eq!(
            json(
                &[("x", json!(1)), ("y", json!({"a": [true]}))],
                json!({"z": 0, "b": "s"})
            )
            .unwrap(),
            r#"{"z":0,"b":"s","x":1,"y":{"a":[true]}}"#
        );
        assert_eq!(json(&[("x", json!(1))], json!({})).unwrap(), r#"{"x":1}"#);
        let replaced: serde_json::Value =
            serde_json::from_str(&json(&[("b", json!(2))], json!({"z": 0, "b": "s"})).unwrap())
                .unwrap();
        assert_eq!(replaced, json!({"z": 0, "b": 2}));
        assert!(json(&[("x", json!(1))], json!([1])).is_err());
        assert!(json(&[("x", json!(1))], json!("text")).is_err());
    }

    #[test]
    fn raw_paths_must_stay_under_the_base_url() {
        for ok in [
            "/",
            "/a/b",
            "/a/b.json",
            "/a/%2F/b",
            "/v1/things:search",
            "/a/..b/~c",
            "/a//b",
        ] {
            assert!(check_raw_path(ok).is_ok(), "{ok}");
        }
        for bad in [
            "a/b",
            "/a/../b",
            "/..",
            "/a/./b",
            "/a/%2e%2E/b",
            "/a/.%2e",
            "/a?b=1",
            "/a#f",
            "/a b",
            "/a\\..\\b",
            "/a/%zz",
            "/a/%2",
            "/caf\u{e9}",
            "/a\nb",
        ] {
            let e = check_raw_path(bad).unwrap_err().to_string();
            assert!(e.contains("raw path"), "{bad}: {e}");
        }
    }
}
