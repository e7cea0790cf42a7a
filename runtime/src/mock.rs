//! A typed mock server for the tests of code that calls the API (the crate
//! feature `mock`), built on wiremock.
//!
//! The generated crate adds one method per operation to [`MockServer`]; its two
//! closures say, with the operation's own parameter and response types, which
//! requests to answer ([`When`]) and how ([`Then`]). The parameters are written
//! by the same code the client uses, so a mock matches exactly what the client
//! sends. Each expectation must be met at least once unless told otherwise;
//! wiremock checks that when the server is dropped, or on [`MockServer::verify`].

use super::error::RequestError;
use super::request::{Operation, RequestParts};
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

/// A local HTTP server that answers as the test tells it to.
pub struct MockServer {
    server: wiremock::MockServer,
}

impl MockServer {
    /// Starts a server on a free local port.
    pub async fn start() -> MockServer {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL, for `Client::new` or `ClientBuilder::base_url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Panics, naming them, if expectations were not met (also done on drop).
    pub async fn verify(&self) {
        self.server.verify().await
    }

    /// Every request the server received, in order.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// An expectation for operation `O`: what the generated methods return.
    pub(crate) fn expect<O: Operation>(
        &self,
        when: impl FnOnce(When<O>) -> When<O>,
        then: impl FnOnce(Then<O>) -> Then<O>,
    ) -> Expectation<'_> {
        let when = when(When {
            matchers: Vec::new(),
            segments: Vec::new(),
            _op: PhantomData,
        });
        let then = then(Then {
            template: wiremock::ResponseTemplate::new(200),
            _op: PhantomData,
        });
        let info = &O::INFO;
        let mut builder = wiremock::Mock::given(wiremock::matchers::method(info.method)).and(
            wiremock::matchers::path_regex(path_regex(info.path, &when.segments)),
        );
        for matcher in when.matchers {
            builder = builder.and(matcher);
        }
        Expectation {
            server: &self.server,
            mock: builder
                .respond_with(then.template)
                .named(info.operation_id)
                .expect(1..),
        }
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish()
    }
}

/// A matcher of wiremock's, boxed.
struct Boxed(Box<dyn wiremock::Match>);

impl wiremock::Match for Boxed {
    fn matches(&self, request: &wiremock::Request) -> bool {
        self.0.matches(request)
    }
}

/// Which requests of operation `O` an expectation answers: by default every
/// request to its method and path; each parameter set narrows it.
pub struct When<O> {
    matchers: Vec<Boxed>,
    /// Path parameters set, by their name in the template, percent-encoded.
    segments: Vec<(&'static str, String)>,
    _op: PhantomData<O>,
}

impl<O> When<O> {
    /// Any further condition, as a wiremock matcher.
    pub fn matching(mut self, matcher: impl wiremock::Match + 'static) -> Self {
        self.matchers.push(Boxed(Box::new(matcher)));
        self
    }

    /// A path parameter, written by the client's own code (`write`).
    pub(crate) fn path_param(
        mut self,
        name: &'static str,
        write: impl FnOnce(&mut RequestParts) -> Result<(), RequestError>,
    ) -> Self {
        let parts = written(name, write);
        self.segments.push((name, parts.path));
        self
    }

    /// A query, header or cookie parameter, written by the client's own code.
    pub(crate) fn param(
        mut self,
        name: &'static str,
        write: impl FnOnce(&mut RequestParts) -> Result<(), RequestError>,
    ) -> Self {
        let parts = written(name, write);
        for (key, value) in parts.query {
            self = self.matching(wiremock::matchers::query_param(key, value));
        }
        for (key, value) in parts.headers.iter() {
            let value = value.to_str().unwrap_or_default().to_string();
            self = self.matching(wiremock::matchers::header(key.as_str(), value.as_str()));
        }
        for cookie in parts.cookies {
            self = self.matching(wiremock::matchers::header_regex(
                "cookie",
                &format!("(^|; ){}(;|$)", escape(&cookie)),
            ));
        }
        self
    }

    /// A JSON body equal to `body`.
    pub(crate) fn json_body<T: serde::Serialize + ?Sized>(self, body: &T) -> Self {
        let value = serde_json::to_value(body)
            // tidy: allow-panic (the mock is test code: a body it cannot send fails the test)
            .unwrap_or_else(|e| panic!("mock: the body does not serialise: {e}"));
        self.matching(wiremock::matchers::body_json(value))
    }
}

/// The request parts `write` puts down. A parameter the client could not write
/// is a mistake in the test: it panics, naming the parameter.
fn written(
    name: &str,
    write: impl FnOnce(&mut RequestParts) -> Result<(), RequestError>,
) -> RequestParts {
    let mut parts = RequestParts::default();
    if let Err(e) = write(&mut parts) {
        // tidy: allow-panic (the mock is test code: a parameter it cannot send fails the test)
        panic!("mock: parameter `{name}` cannot be sent: {e}");
    }
    parts
}

/// How an expectation answers operation `O`: by default `200` with no body.
pub struct Then<O> {
    template: wiremock::ResponseTemplate,
    _op: PhantomData<O>,
}

impl<O> Then<O> {
    /// Any status, with no body.
    pub fn status(mut self, status: u16) -> Self {
        self.template = wiremock::ResponseTemplate::new(status);
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.template = self.template.insert_header(name, value);
        self
    }

    /// Answers after `delay` (to test timeouts).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.template = self.template.set_delay(delay);
        self
    }

    /// A JSON body with `status`.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(mut self, status: u16, body: &T) -> Self {
        self.template = wiremock::ResponseTemplate::new(status).set_body_json(body);
        self
    }

    /// A text body with `status`.
    pub(crate) fn text(mut self, status: u16, content_type: &str, body: String) -> Self {
        self.template =
            wiremock::ResponseTemplate::new(status).set_body_raw(body.into_bytes(), content_type);
        self
    }

    /// A binary body with `status`.
    pub(crate) fn bytes(mut self, status: u16, content_type: &str, body: Vec<u8>) -> Self {
        self.template = wiremock::ResponseTemplate::new(status).set_body_raw(body, content_type);
        self
    }
}

/// An expectation, mounted on the server when awaited. Unless told otherwise it
/// must be met at least once.
#[must_use = "an expectation does nothing until it is awaited"]
pub struct Expectation<'a> {
    server: &'a wiremock::MockServer,
    mock: wiremock::Mock,
}

impl Expectation<'_> {
    /// Must be met exactly `n` times.
    pub fn times(mut self, n: u64) -> Self {
        self.mock = self.mock.expect(n);
        self
    }

    /// Answers at most `n` requests; later ones fall through to the expectations
    /// mounted after it (a resource that changes between polls).
    pub fn up_to(mut self, n: u64) -> Self {
        self.mock = self.mock.up_to_n_times(n).expect(1..=n);
        self
    }
}

impl<'a> IntoFuture for Expectation<'a> {
    type Output = ();
    type IntoFuture = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.mock.mount(self.server))
    }
}

/// A regular expression for the path `template` (`/a/{id}/b`) with the given
/// parameters fixed and the others any one segment.
fn path_regex(template: &str, segments: &[(&str, String)]) -> String {
    let mut out = String::from("^");
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&escape(&rest[..open]));
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        match segments.iter().rev().find(|(n, _)| *n == name) {
            Some((_, value)) => out.push_str(&escape(value)),
            None => out.push_str("[^/]+"),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(&escape(rest));
    out.push('$');
    out
}

/// `text` with the characters regular expressions give a meaning escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_pattern_fixes_the_parameters_set_and_escapes_the_rest() {
        assert_eq!(path_regex("/a.b/{id}/c", &[]), r"^/a\.b/[^/]+/c$");
        assert_eq!(
            path_regex("/a/{id}/{x}", &[("x", "v%2F1".into())]),
            r"^/a/[^/]+/v%2F1$"
        );
        assert_eq!(path_regex("/a/{id}", &[("id", "a.b".into())]), r"^/a/a\.b$");
    }
}
