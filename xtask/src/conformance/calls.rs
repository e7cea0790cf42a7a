//! The calling part of a conformance driver: the generated client against a mock
//! server (see `support.rs`). `cargo xtask conformance` copies this file into each
//! driver of a crate with a client; the tests crate compiles it against the Console
//! Connect crate.

use crate::api;
use crate::support::{Args, Called, Caller};
use std::future::Future;
use std::pin::Pin;

/// One operation's call, as the generated `call` function returns it.
pub type Call<'a> = Pin<Box<dyn Future<Output = Result<Called, String>> + 'a>>;

/// Where Prism's own error bodies point (`application/problem+json`): a request it
/// rejected, a path or method it does not know, missing credentials.
const PRISM_ERRORS: &str = "https://stoplight.io/prism/errors#";

/// The outcome of `send().await`. Prism reports a request that breaks the document
/// either in an `sl-violations` header (when it still answers from the document)
/// or as an error body of its own (when it does not).
pub fn called<T, E: std::fmt::Debug>(
    result: Result<api::ResponseValue<T>, api::Error<E>>,
) -> Called {
    let header = |headers: &reqwest::header::HeaderMap| {
        headers
            .get("sl-violations")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    match result {
        Ok(response) => Called {
            status: Some(response.status().as_u16()),
            violations: header(response.headers()),
            error: None,
        },
        Err(e) => {
            let response = e.response();
            let violations =
                response.and_then(|r| header(&r.headers).or_else(|| prism_error(&r.body)));
            Called {
                status: response.map(|r| r.status.as_u16()),
                // A documented error status is an answer, not a failure of the client;
                // a body Prism made up is not the document's and may not decode.
                error: (violations.is_none()
                    && !matches!(e, api::Error::Api { .. } | api::Error::UnexpectedStatus(_)))
                .then(|| e.to_string()),
                violations,
            }
        }
    }
}

/// Prism's own error body, as one line: its title, detail and each violation.
pub fn prism_error(body: &[u8]) -> Option<String> {
    let problem: serde_json::Value = serde_json::from_slice(body).ok()?;
    problem["type"].as_str()?.strip_prefix(PRISM_ERRORS)?;
    let mut parts = vec![
        problem["title"].as_str().unwrap_or_default().to_string(),
        problem["detail"].as_str().unwrap_or_default().to_string(),
    ];
    for v in problem["validation"].as_array().into_iter().flatten() {
        parts.push(format!(
            "{}: {}",
            v["location"]
                .as_array()
                .map(|l| l
                    .iter()
                    .filter_map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join("."))
                .unwrap_or_default(),
            v["message"].as_str().unwrap_or_default()
        ));
    }
    parts.retain(|p| !p.is_empty());
    Some(parts.join("; "))
}

/// The generated client and its calls, on a runtime of their own.
pub struct Mock {
    pub client: api::Client,
    pub call: for<'a> fn(usize, &'a api::Client, &'a Args) -> Call<'a>,
    pub runtime: tokio::runtime::Runtime,
}

impl Mock {
    pub fn new(
        client: api::Client,
        call: for<'a> fn(usize, &'a api::Client, &'a Args) -> Call<'a>,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Self {
            client,
            call,
            runtime,
        }
    }
}

impl Caller for Mock {
    fn call(&self, op: usize, args: &Args) -> Result<Called, String> {
        self.runtime.block_on((self.call)(op, &self.client, args))
    }
}
