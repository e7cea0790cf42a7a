//! A response as it arrived, and why a body did not decode: what an error
//! keeps. A leaf module, so that `error` and `response` (which returns errors)
//! do not import each other.

use std::fmt;

/// Headers servers use to name a request, most specific first.
const REQUEST_ID_HEADERS: [&str; 6] = [
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-github-request-id",
    "x-correlation-id",
];

pub(crate) fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
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
}

/// Why a body did not decode.
#[derive(Debug)]
pub enum DecodeError {
    /// Not JSON, or not the documented shape; `path` names the member where
    /// decoding stopped (`results[2].speed`), when it got that far.
    Json {
        path: Option<String>,
        source: serde_json::Error,
    },
    Utf8(std::str::Utf8Error),
    /// A success in another media type than the one asked for (an event stream
    /// answered with JSON, say); `found` is the response's `Content-Type`.
    UnexpectedContentType {
        expected: &'static str,
        found: Option<String>,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json {
                path: Some(path),
                source,
            } => write!(
                f,
                "invalid JSON for the documented type at `{path}`: {source}"
            ),
            Self::Json { path: None, source } => {
                write!(f, "invalid JSON for the documented type: {source}")
            }
            Self::Utf8(e) => write!(f, "the body is not UTF-8 text: {e}"),
            Self::UnexpectedContentType { expected, found } => write!(
                f,
                "expected `{expected}` but the response is `{}`",
                found.as_deref().unwrap_or("without a content type")
            ),
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json { source, .. } => Some(source),
            Self::Utf8(e) => Some(e),
            Self::UnexpectedContentType { .. } => None,
        }
    }
}
