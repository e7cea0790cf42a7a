//! What a call returns: the decoded body with status and headers, or the raw
//! response an error keeps.

use super::error::Error;
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

fn request_id(headers: &reqwest::header::HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
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
        ResponseValue {
            value: f(self.value),
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
        }
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
        ResponseValue {
            value,
            status: self.status,
            headers: self.headers,
            attempts: self.attempts,
        }
    }

    pub(crate) fn json<T: serde::de::DeserializeOwned, E>(
        self,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match decode_json(&self.body) {
            Ok(value) => Ok(self.value(value)),
            Err(source) => Err(Error::Decode {
                response: self,
                source,
            }),
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
            Err(source) => Err(Error::Decode {
                response: self,
                source: DecodeError::Utf8(source),
            }),
        }
    }

    pub(crate) fn bytes_body<E>(self) -> Result<ResponseValue<bytes::Bytes>, Error<E>> {
        let body = self.body.clone();
        Ok(self.value(body))
    }

    /// A documented error status: decode its body into the operation's error type.
    pub(crate) fn error_json<T: serde::de::DeserializeOwned, E>(
        self,
        wrap: impl FnOnce(T) -> E,
    ) -> Error<E> {
        match decode_json(&self.body) {
            Ok(value) => Error::Api {
                body: wrap(value),
                response: self,
            },
            Err(source) => Error::Decode {
                response: self,
                source,
            },
        }
    }

    pub(crate) fn error_text<E>(self, wrap: impl FnOnce(String) -> E) -> Error<E> {
        let text = self.text().into_owned();
        Error::Api {
            body: wrap(text),
            response: self,
        }
    }

    pub(crate) fn error_empty<E>(self, body: E) -> Error<E> {
        Error::Api {
            body,
            response: self,
        }
    }
}

/// Decodes a body; on failure, decodes it again tracking where it failed, so the
/// error names the member (the happy path pays nothing for that).
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|first| {
        let mut de = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Err(e) => {
                let path = e.path().to_string();
                DecodeError::Json {
                    path: (path != ".").then_some(path),
                    source: e.into_inner(),
                }
            }
            Ok(_) => DecodeError::Json {
                path: None,
                source: first,
            },
        }
    })
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
        }
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Json { source, .. } => Some(source),
            Self::Utf8(e) => Some(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Port {
        speed: u32,
    }

    #[test]
    fn a_decode_error_names_the_member() {
        let err = decode_json::<Vec<Port>>(br#"[{"speed": 1}, {"speed": 1.5}]"#).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("at `[1].speed`"), "{text}");
        let err = decode_json::<Vec<Port>>(b"not json").unwrap_err();
        assert!(!err.to_string().contains(" at `"), "{err}");
    }

    #[test]
    fn request_ids_are_found_by_any_common_name() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-github-request-id", "abc".parse().unwrap());
        assert_eq!(request_id(&headers), Some("abc"));
    }
}
