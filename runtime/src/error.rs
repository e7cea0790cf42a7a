//! Everything that can go wrong calling an operation, with nothing the server sent lost.

use super::response::{DecodeError, RawResponse};
use std::fmt;

/// A request that could not be built (a parameter value no HTTP request can carry).
#[derive(Debug, Clone)]
pub struct RequestError(pub(crate) String);

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
#[derive(Debug)]
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
    /// The request could not be built.
    InvalidRequest(RequestError),
    /// No response within the timeout (after `attempts` tries). `source` is the
    /// HTTP client's error; `None` when the runtime's own timer ran out (the time
    /// to a stream's response head: see `events()`).
    Timeout {
        source: Option<reqwest::Error>,
        attempts: u32,
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

/// Why sending failed before any response: the operation-independent part of
/// [`Error`], so that sending is compiled once, not per operation.
#[derive(Debug)]
pub(crate) enum Failure {
    InvalidRequest(RequestError),
    Timeout {
        source: Option<reqwest::Error>,
        attempts: u32,
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
            Failure::Timeout { source, attempts } => Self::Timeout { source, attempts },
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
            Self::Timeout { attempts, .. } => write!(f, "timed out after {attempts} attempt(s)")?,
            Self::Transport { source, attempts } => {
                write!(f, "request failed after {attempts} attempt(s): {source}")?
            }
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
