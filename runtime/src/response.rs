//! What a call returns: the decoded body with status and headers, or the raw
//! response an error keeps.

use super::error::Error;
pub(crate) use super::raw::request_id;
pub use super::raw::{DecodeError, RawResponse};

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

impl RawResponse {
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
            Err(source) => Err(self.undecodable(source)),
        }
    }

    /// A status the operation does not expect: `Error::UnexpectedStatus`, the
    /// response kept whole.
    pub(crate) fn unexpected<T, E>(self) -> Result<T, Error<E>> {
        Err(Error::UnexpectedStatus(self))
    }

    /// `Error::Decode` with this response (not generic in the body type).
    fn undecodable<E>(self, source: DecodeError) -> Error<E> {
        Error::Decode {
            response: self,
            source,
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
    /// `wrap` is a variant's constructor, as a pointer so that the variants of an
    /// enum share one copy of this function.
    pub(crate) fn error_json<T: serde::de::DeserializeOwned, E>(
        self,
        wrap: fn(T) -> E,
    ) -> Error<E> {
        match decode_json(&self.body) {
            Ok(value) => Error::Api {
                body: wrap(value),
                response: self,
            },
            Err(source) => self.undecodable(source),
        }
    }

    /// A status the document does not list, read by its `default` error
    /// response: decoded, the documented error; otherwise `UnexpectedStatus` with
    /// the raw body (a proxy's HTML page is not a malformed `default` body).
    pub(crate) fn default_error_json<T: serde::de::DeserializeOwned, E>(
        self,
        wrap: fn(T) -> E,
    ) -> Error<E> {
        match decode_json(&self.body) {
            Ok(value) => Error::Api {
                body: wrap(value),
                response: self,
            },
            Err(_) => Error::UnexpectedStatus(self),
        }
    }

    /// A 2xx status the document does not list, for an operation with one
    /// success type: decoded as that type, keeping the status; a body that is not
    /// that type is `UnexpectedStatus` with the raw body.
    pub(crate) fn undocumented_json<T: serde::de::DeserializeOwned, E>(
        self,
    ) -> Result<ResponseValue<T>, Error<E>> {
        match decode_json(&self.body) {
            Ok(value) => Ok(self.value(value)),
            Err(_) => Err(Error::UnexpectedStatus(self)),
        }
    }

    /// As `undocumented_json`, for a text success: UTF-8 text, or `UnexpectedStatus`.
    pub(crate) fn undocumented_text<E>(self) -> Result<ResponseValue<String>, Error<E>> {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                let text = text.to_string();
                Ok(self.value(text))
            }
            Err(_) => Err(Error::UnexpectedStatus(self)),
        }
    }

    /// As `undocumented_json`, for a success without a body: an empty body, or
    /// `UnexpectedStatus` (a body would be lost in `()`).
    pub(crate) fn undocumented_empty<E>(self) -> Result<ResponseValue<()>, Error<E>> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            Ok(self.value(()))
        } else {
            Err(Error::UnexpectedStatus(self))
        }
    }

    pub(crate) fn error_text<E>(self, wrap: fn(String) -> E) -> Error<E> {
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

/// Decodes a body. A failure names the member where decoding stopped, found by
/// a second look at the text (not a second, generic decoding: that would be
/// compiled again for every type).
pub(crate) fn decode_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(body).map_err(|e| decode_error(body, e))
}

fn decode_error(body: &[u8], source: serde_json::Error) -> DecodeError {
    let path = match source.classify() {
        serde_json::error::Category::Data => json_path_at(body, source.line(), source.column()),
        _ => None,
    };
    DecodeError::Json { path, source }
}

/// The member at a position of a JSON text (`results[2].speed`), for the
/// position a `serde_json` error reports (1-based line, and column in bytes).
/// `None` at the top level or where the text is not JSON.
pub(crate) fn json_path_at(text: &[u8], line: usize, column: usize) -> Option<String> {
    // The byte offset of the position.
    let mut offset = 0;
    for _ in 1..line {
        offset += text.get(offset..)?.iter().position(|&b| b == b'\n')? + 1;
    }
    let end = (offset + column).min(text.len());
    enum Frame {
        Object(Option<String>),
        Array(usize),
    }
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    // Whether the string being read is an object's key.
    let mut expect_key = false;
    while i < end {
        match text[i] {
            b'{' => {
                stack.push(Frame::Object(None));
                expect_key = true;
            }
            b'[' => {
                stack.push(Frame::Array(0));
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(n)) => *n += 1,
                Some(Frame::Object(key)) => {
                    *key = None;
                    expect_key = true;
                }
                None => {}
            },
            b':' => expect_key = false,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < text.len() && text[i] != b'"' {
                    if text[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expect_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    let raw = text.get(start..i.min(text.len()))?;
                    // Decode escapes the way JSON does; fall back to the raw text.
                    let quoted = [b"\"", raw, b"\""].concat();
                    *key = Some(
                        serde_json::from_slice::<String>(&quoted)
                            .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned()),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => {}
            Frame::Array(n) => path.push_str(&format!("[{n}]")),
        }
    }
    (!path.is_empty()).then_some(path)
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
    fn the_path_at_a_position_follows_objects_and_arrays() {
        let text = br#"{"a": [1, {"b\u0063": {"d": true}}, 3], "e": 1}"#;
        let at = |needle: &str| {
            let i = text
                .windows(needle.len())
                .position(|w| w == needle.as_bytes())
                .unwrap();
            json_path_at(text, 1, i + needle.len())
        };
        assert_eq!(at("true"), Some("a[1].bc.d".into()));
        assert_eq!(at(", 3"), Some("a[2]".into()));
        assert_eq!(at("\"e\": 1"), Some("e".into()));
        assert_eq!(json_path_at(b"[\n1,\n2]", 3, 1), Some("[1]".into()));
        assert_eq!(json_path_at(b"1", 1, 1), None);
    }

    #[test]
    fn a_decode_error_names_the_member() {
        let err = decode_json::<Vec<Port>>(br#"[{"speed": 1}, {"speed": 1.5}]"#).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("at `[1].speed`"), "{text}");
        let err = decode_json::<Vec<Port>>(b"not json").unwrap_err();
        assert!(!err.to_string().contains(" at `"), "{err}");
    }

    fn raw(status: u16, body: &str) -> RawResponse {
        RawResponse {
            status: reqwest::StatusCode::from_u16(status).unwrap(),
            headers: reqwest::header::HeaderMap::new(),
            body: bytes::Bytes::copy_from_slice(body.as_bytes()),
            attempts: 1,
        }
    }

    #[test]
    fn an_undocumented_success_is_the_success_type_or_unexpected() {
        let ok = raw(201, r#"{"speed": 10}"#)
            .undocumented_json::<Port, ()>()
            .unwrap();
        assert_eq!((ok.status().as_u16(), ok.speed), (201, 10));
        match raw(202, r#"{"queued": true}"#).undocumented_json::<Port, ()>() {
            Err(Error::UnexpectedStatus(r)) => {
                assert_eq!(
                    (r.status.as_u16(), &r.body[..]),
                    (202, &br#"{"queued": true}"#[..])
                )
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            raw(203, "caf\u{e9}")
                .undocumented_text::<()>()
                .unwrap()
                .as_str(),
            "caf\u{e9}"
        );
        assert!(matches!(
            raw(203, "").undocumented_text::<()>(),
            Ok(v) if v.is_empty()
        ));
        assert!(raw(204, "").undocumented_empty::<()>().is_ok());
        assert!(raw(202, "\r\n").undocumented_empty::<()>().is_ok());
        assert!(matches!(
            raw(202, "{}").undocumented_empty::<()>(),
            Err(Error::UnexpectedStatus(r)) if &r.body[..] == b"{}"
        ));
    }

    #[test]
    fn a_status_read_by_default_is_its_type_or_unexpected() {
        let wrap: fn(Port) -> Port = |p| p;
        match raw(418, r#"{"speed": 7}"#).default_error_json(wrap) {
            Error::Api { body, response } => {
                assert_eq!((body.speed, response.status.as_u16()), (7, 418))
            }
            other => panic!("{other:?}"),
        }
        match raw(502, "<html>bad gateway</html>").default_error_json(wrap) {
            Error::UnexpectedStatus(r) => assert_eq!(r.text(), "<html>bad gateway</html>"),
            other => panic!("{other:?}"),
        }
        // A documented status whose body is not its type stays a decoding error.
        assert!(matches!(
            raw(404, "nope").error_json(wrap),
            Error::Decode { .. }
        ));
    }

    #[test]
    fn request_ids_are_found_by_any_common_name() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-github-request-id", "abc".parse().unwrap());
        assert_eq!(request_id(&headers), Some("abc"));
    }
}
