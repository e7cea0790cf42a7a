//! Everything that can go wrong calling an operation, with nothing the server sent lost.

use super::auth::CredentialError;
use super::raw::{DecodeError, RawResponse};
use std::fmt;
use std::time::Duration;

/// A request that could not be built (a parameter value no HTTP request can
/// carry), or that a hook refused.
#[derive(Debug, Clone)]
pub struct RequestError(pub(crate) String);

impl RequestError {
    /// An error with this message (for hooks that refuse a request).
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RequestError {}

/// Everything that can go wrong calling an operation. `E` is the operation's
/// own enum of documented error responses.
///
/// Nothing the server sent is lost: every variant that had a response keeps
/// its status, headers and raw body. No variant contains a credential.
///
/// `Display` says what happened in plain words, down to the root cause of a
/// transport failure ("connection refused", "dns error: …", "timed out after
/// 30 s", "invalid peer certificate: …"); `source()` keeps the chain for programs.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E> {
    /// The server answered with an error status the API description documents;
    /// `body` is decoded, `response` keeps status, headers and raw bytes.
    Api { body: E, response: RawResponse },
    /// The server answered with a status the API description does not list.
    UnexpectedStatus(RawResponse),
    /// The body did not decode as the documented type.
    Decode {
        response: RawResponse,
        source: DecodeError,
    },
    /// The request could not be built, or a hook refused it.
    InvalidRequest(RequestError),
    /// A credential could not be obtained (a credential provider or an OAuth 2
    /// token endpoint failed); nothing was sent to the API.
    Credential(CredentialError),
    /// No response within the timeout `after` (per attempt; after `attempts`
    /// tries). `source` is the HTTP client's error; `None` when the runtime's own
    /// timer ran out (the time to a stream's response head: see `events()`).
    Timeout {
        source: Option<reqwest::Error>,
        attempts: u32,
        after: Duration,
    },
    /// No usable response: connection refused or reset, TLS failure, body cut
    /// short (after `attempts` tries). The error carries no URL.
    Transport {
        source: reqwest::Error,
        attempts: u32,
    },
}

impl<E> Error<E> {
    /// The response, when there was one.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            Self::Api { response, .. }
            | Self::Decode { response, .. }
            | Self::UnexpectedStatus(response) => Some(response),
            Self::InvalidRequest(_)
            | Self::Credential(_)
            | Self::Timeout { .. }
            | Self::Transport { .. } => None,
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
            Self::InvalidRequest(_) | Self::Credential(_) => 0,
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

/// Why sending failed before any response: the operation-independent part of
/// [`Error`], so that sending is compiled once, not per operation.
#[derive(Debug)]
pub(crate) enum Failure {
    InvalidRequest(RequestError),
    Credential(CredentialError),
    Timeout {
        source: Option<reqwest::Error>,
        attempts: u32,
        after: Duration,
    },
    Transport {
        source: reqwest::Error,
        attempts: u32,
    },
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::InvalidRequest(e) => Self::InvalidRequest(e),
            Failure::Credential(e) => Self::Credential(e),
            Failure::Timeout {
                source,
                attempts,
                after,
            } => Self::Timeout {
                source,
                attempts,
                after,
            },
            Failure::Transport { source, attempts } => Self::Transport { source, attempts },
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { body, response } => {
                write!(f, "error response {}: {body:?}", response.status)?
            }
            Self::UnexpectedStatus(response) => {
                write!(f, "unexpected response status {}", response.status)?
            }
            Self::Decode { response, source } => write!(
                f,
                "response {} could not be decoded: {source}",
                response.status
            )?,
            Self::InvalidRequest(e) => write!(f, "invalid request: {e}")?,
            Self::Credential(e) => write!(f, "no credential: {e}")?,
            Self::Timeout {
                attempts, after, ..
            } => write!(
                f,
                "timed out after {} (per attempt; {attempts} attempt(s))",
                Seconds(*after)
            )?,
            Self::Transport { source, attempts } => write!(
                f,
                "request failed after {attempts} attempt(s): {}",
                cause(source)
            )?,
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
            Self::Decode { source, .. } => Some(source),
            Self::Timeout {
                source: Some(source),
                ..
            }
            | Self::Transport { source, .. } => Some(source),
            Self::Credential(e) => Some(e),
            _ => None,
        }
    }
}

/// A duration as people write it: `30 s`, `1.5 s`, `250 ms`.
pub(crate) struct Seconds(pub(crate) Duration);

impl fmt::Display for Seconds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d < Duration::from_secs(1) {
            write!(f, "{} ms", d.as_millis())
        } else if d.subsec_millis() == 0 {
            write!(f, "{} s", d.as_secs())
        } else {
            write!(f, "{} s", (d.as_millis() as f64 / 1000.0))
        }
    }
}

/// The root cause of a failed attempt in plain words: what people look for in
/// an error message ("connection refused", "dns error: …", a certificate
/// problem), which `reqwest::Error`'s own `Display` keeps several `source()`s
/// deep. It never contains the URL (which may carry a query credential).
pub(crate) fn cause(error: &reqwest::Error) -> String {
    let mut messages: Vec<String> = Vec::new();
    let mut io_kind = None;
    let mut current: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        messages.push(e.to_string());
        current = e.source();
    }
    let deepest = messages.last().cloned().unwrap_or_default();
    let plain = match io_kind {
        Some(std::io::ErrorKind::ConnectionRefused) => Some("connection refused"),
        Some(std::io::ErrorKind::ConnectionReset) => Some("connection reset by the server"),
        Some(std::io::ErrorKind::ConnectionAborted) => Some("connection aborted"),
        Some(std::io::ErrorKind::UnexpectedEof) => {
            Some("the server closed the connection before the response was complete")
        }
        Some(std::io::ErrorKind::TimedOut) => Some("timed out"),
        _ => None,
    };
    let what = if messages.iter().any(|m| m == "dns error") {
        format!("dns error: {deepest}")
    } else if let Some(plain) = plain {
        plain.to_string()
    } else if messages.iter().any(|m| m.contains("certificate")) {
        let at = messages.iter().position(|m| m.contains("certificate"));
        format!(
            "TLS: {}",
            at.map_or(deepest.as_str(), |i| messages[i].as_str())
        )
    } else if deepest.is_empty() {
        String::new()
    } else {
        deepest
    };
    // reqwest's own words say at which stage it failed ("error sending request",
    // "error decoding response body"); its `Display` names the URL, dropped here.
    let mut stage = error.to_string();
    if let Some(url) = error.url() {
        stage = stage.replace(&format!(" for url ({url})"), "");
        stage = stage.replace(url.as_str(), "<url>");
    }
    if what.is_empty() || what == stage {
        stage
    } else {
        format!("{what} ({stage})")
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

/// Static facts about an operation, for sending it, logs and errors.
#[derive(Debug, Clone, Copy)]
pub struct OperationInfo {
    pub operation_id: &'static str,
    /// `GET`, `POST`, …
    pub method: &'static str,
    /// The path template (`/ports/{id}`).
    pub path: &'static str,
    /// The security schemes whose credentials are sent (those the client has).
    pub security: &'static [&'static str],
    /// Whether a success has a JSON body (`Accept: application/json` is sent).
    pub accept_json: bool,
}
