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
            .and_then(|v| request_errors(&String::from_utf8_lossy(v.as_bytes())))
    };
    match result {
        Ok(response) => Called {
            status: Some(response.status().as_u16()),
            violations: header(response.headers()),
            ..Called::default()
        },
        Err(e) => {
            let response = e.response();
            let mut called = Called {
                status: response.map(|r| r.status.as_u16()),
                violations: response.and_then(|r| header(&r.headers)),
                ..Called::default()
            };
            match response.and_then(|r| prism_error(&r.body)) {
                // The document gives Prism nothing to answer with, or nothing it can
                // write (a schema-less `*/*` body): no fault of the request. (Prism 5
                // spells the first `NO_RESPONSE_RESPONSE_DEFINED`.)
                Some((kind, text))
                    if kind.starts_with("NO_RESPONSE") || kind == "NO_COMPLEX_OBJECT_TEXT" =>
                {
                    called.unanswered = Some(text)
                }
                Some((_, text)) => called.violations = Some(text),
                // A documented error status is an answer, not a failure of the client.
                None if matches!(e, api::Error::Api { .. } | api::Error::UnexpectedStatus(_)) => {}
                None => {
                    called.error = Some(e.to_string());
                    called.body = response.map(|r| String::from_utf8_lossy(&r.body).into_owned());
                }
            }
            called
        }
    }
}

/// The errors of the request in an `sl-violations` header, as one line. Prism
/// also lists there where its own answer (an example of the document) breaks the
/// document, and warnings such as a deprecated parameter: neither is the request's
/// fault.
pub fn request_errors(header: &str) -> Option<String> {
    // With many violations Prism writes `Too many violations! [...]`.
    let list = header.find('[').map_or(header, |at| &header[at..]);
    let Ok(serde_json::Value::Array(all)) = serde_json::from_str(list) else {
        // Not a list (Prism cuts a long one short): keep it whole where it
        // names the request, rather than lose it.
        return header
            .contains(r#""location":["request""#)
            .then(|| header.to_string())
            .or_else(|| (!header.contains(r#""location":["#)).then(|| header.to_string()));
    };
    let errors: Vec<String> = all
        .iter()
        .filter(|v| v["severity"] == "Error" && v["location"][0] == "request")
        .map(|v| v["message"].as_str().unwrap_or_default().to_string())
        .collect();
    (!errors.is_empty()).then(|| errors.join("; "))
}

/// Prism's own error body: its kind (`UNPROCESSABLE_ENTITY`, `NO_PATH_MATCHED_ERROR`,
/// `UNAUTHORIZED`, `NO_RESPONSE_RESPONSE_DEFINED`…) and, as one line, its title, detail and
/// each violation.
pub fn prism_error(body: &[u8]) -> Option<(String, String)> {
    let problem: serde_json::Value = serde_json::from_slice(body).ok()?;
    let kind = problem["type"]
        .as_str()?
        .strip_prefix(PRISM_ERRORS)?
        .to_string();
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
    Some((kind, parts.join("; ")))
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
