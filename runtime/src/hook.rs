//! Hooks: your code around every attempt of every call, for what the client does
//! not do itself (signing a request, counting calls, recording metrics).

use super::error::RequestError;
use super::response::RawResponse;
use std::time::Instant;

/// Code that runs around every attempt of every call (retries included, and the
/// calls of `Client::raw`). Added with `ClientBuilder::hook`; several run in the
/// order they were added.
///
/// `before_send` sees the request exactly as it will go out, after parameters,
/// credentials and per-request extras are on it, and may change anything on it:
/// headers, URL, body. A body the client sends from memory (JSON, text, bytes,
/// forms) is readable with `request.body().and_then(|b| b.as_bytes())`; a
/// multipart body is a stream and reads as `None`. `after_response` sees the
/// whole response, or why the attempt failed.
///
/// Hooks are synchronous and run on the task that makes the call: keep them
/// quick. Work that must wait (fetching a token) belongs in a
/// [`CredentialProvider`](super::CredentialProvider).
pub trait Hook: Send + Sync + 'static {
    /// Called just before an attempt is sent. An error stops the call: it is
    /// returned as `Error::InvalidRequest` and nothing is sent.
    fn before_send(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), RequestError> {
        let _ = (request, attempt);
        Ok(())
    }

    /// Called when an attempt has its whole response, or has failed without one.
    fn after_response(&self, outcome: Outcome<'_>, attempt: &Attempt<'_>) {
        let _ = (outcome, attempt);
    }
}

/// A hook shared with the code that made it (to read a counter it keeps).
impl<T: Hook> Hook for std::sync::Arc<T> {
    fn before_send(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), RequestError> {
        (**self).before_send(request, attempt)
    }

    fn after_response(&self, outcome: Outcome<'_>, attempt: &Attempt<'_>) {
        (**self).after_response(outcome, attempt)
    }
}

/// Which call and which attempt a hook is called for.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Attempt<'a> {
    /// The operation's `operationId`; `None` for a call made with `Client::raw`.
    pub operation_id: Option<&'a str>,
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// The path template (`/ports/{id}`), or the path given to `Client::raw`.
    pub path: &'a str,
    /// 1 for the first attempt, 2 for the first retry, …
    pub number: u32,
    /// When this attempt's request was built.
    pub started: Instant,
}

/// What an attempt came to.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Outcome<'a> {
    /// A response arrived, body and all (any status).
    Response(&'a RawResponse),
    /// No usable response: connecting, sending or reading failed, or time ran out.
    Failed(&'a reqwest::Error),
    /// A stream's response head did not arrive within this time (the runtime's
    /// own timer; a streamed success's body is read by the caller afterwards,
    /// so its `Response` here has an empty body).
    TimedOut(std::time::Duration),
}

/// Runs every hook's `before_send`; the first error stops.
pub(crate) fn before_send(
    hooks: &[std::sync::Arc<dyn Hook>],
    request: &mut reqwest::Request,
    attempt: &Attempt<'_>,
) -> Result<(), RequestError> {
    hooks
        .iter()
        .try_for_each(|h| h.before_send(request, attempt))
}

/// Runs every hook's `after_response`.
pub(crate) fn after_response(
    hooks: &[std::sync::Arc<dyn Hook>],
    outcome: Outcome<'_>,
    attempt: &Attempt<'_>,
) {
    for h in hooks {
        h.after_response(outcome, attempt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Stamp(&'static str);
    impl Hook for Stamp {
        fn before_send(
            &self,
            request: &mut reqwest::Request,
            attempt: &Attempt<'_>,
        ) -> Result<(), RequestError> {
            let previous = request
                .headers()
                .get("x-order")
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default();
            let value = format!("{previous}{}{}", self.0, attempt.number);
            request
                .headers_mut()
                .insert("x-order", value.parse().unwrap());
            Ok(())
        }
    }

    struct Refuse;
    impl Hook for Refuse {
        fn before_send(
            &self,
            _: &mut reqwest::Request,
            _: &Attempt<'_>,
        ) -> Result<(), RequestError> {
            Err(RequestError::new("refused by a hook"))
        }
    }

    struct Count(AtomicU32);
    impl Hook for Count {
        fn after_response(&self, _: Outcome<'_>, _: &Attempt<'_>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn attempt() -> Attempt<'static> {
        Attempt {
            operation_id: Some("op"),
            method: "GET",
            path: "/a",
            number: 2,
            started: Instant::now(),
        }
    }

    #[test]
    fn hooks_run_in_order_and_an_error_stops_the_rest() {
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse("http://localhost/a").unwrap(),
        );
        let hooks: Vec<Arc<dyn Hook>> = vec![Arc::new(Stamp("a")), Arc::new(Stamp("b"))];
        before_send(&hooks, &mut request, &attempt()).unwrap();
        assert_eq!(request.headers()["x-order"], "a2b2");
        let hooks: Vec<Arc<dyn Hook>> =
            vec![Arc::new(Stamp("a")), Arc::new(Refuse), Arc::new(Stamp("c"))];
        let mut request = reqwest::Request::new(
            reqwest::Method::GET,
            reqwest::Url::parse("http://localhost/a").unwrap(),
        );
        let e = before_send(&hooks, &mut request, &attempt()).unwrap_err();
        assert_eq!(e.to_string(), "refused by a hook");
        assert_eq!(
            request.headers()["x-order"],
            "a2",
            "the hook after it did not run"
        );
        let count = Arc::new(Count(AtomicU32::new(0)));
        let hooks: Vec<Arc<dyn Hook>> = vec![count.clone(), count.clone()];
        let raw = RawResponse {
            status: reqwest::StatusCode::OK,
            headers: Default::default(),
            body: Default::default(),
            attempts: 1,
        };
        after_response(&hooks, Outcome::Response(&raw), &attempt());
        assert_eq!(count.0.load(Ordering::SeqCst), 2);
    }
}
