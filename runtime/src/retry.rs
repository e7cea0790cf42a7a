//! Sending a request: timeouts, retries with backoff and `Retry-After`, tracing.

use super::auth::Resolved;
use super::error::{Failure, RequestError};
use super::hook::{self, Attempt, Outcome};
use super::response::RawResponse;
use super::transport::{Call, Core};
use std::time::Duration;

/// When and how a failed call is tried again.
///
/// Retried: connection failures, timeouts, bodies cut short, and the statuses
/// 408, 429 and 5xx. By default only requests that are safe to repeat are
/// retried (GET, HEAD, OPTIONS, TRACE), plus any request whose connection was
/// refused, so it provably never reached the server. `Retry-After` (seconds
/// or an HTTP date) is honoured up to `max_retry_after`; a longer wait is not
/// made and the response is returned instead. Between attempts the wait grows
/// exponentially from `initial_backoff` to `max_backoff`, with jitter.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 means no retries.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// The longest `Retry-After` wait that is honoured.
    pub max_retry_after: Duration,
    /// Also retry requests that may not be safe to repeat (PUT, POST, PATCH, DELETE).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    /// Three attempts, 0.5 s doubling up to 8 s, `Retry-After` up to 60 s, safe requests only.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    pub fn max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Opt in to retrying PUT, POST, PATCH and DELETE as well.
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// The wait before attempt `attempt + 1`: exponential, with "equal jitter"
    /// (half fixed, half random) so that clients do not retry in lockstep.
    fn backoff_for(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let base = self
            .initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff);
        let half = base / 2;
        half + half.mul_f64(jitter())
    }

    /// The wait a response asks for, if it may be honoured; `None` means do not retry.
    fn wait_for(&self, attempt: u32, headers: &reqwest::header::HeaderMap) -> Option<Duration> {
        let Some(value) = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
        else {
            return Some(self.backoff_for(attempt));
        };
        let value = value.trim();
        let wait = match value.parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => match httpdate::parse_http_date(value) {
                Ok(at) => at
                    .duration_since(std::time::SystemTime::now())
                    .unwrap_or_default(),
                Err(_) => return Some(self.backoff_for(attempt)),
            },
        };
        (wait <= self.max_retry_after).then_some(wait)
    }
}

/// A number in [0, 1) that differs between calls, without a random-number crate.
fn jitter() -> f64 {
    use std::hash::BuildHasher;
    let seed = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    (seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Client-wide defaults for every call.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
}

/// Per-call overrides of the client's timeout and retry policy, and what the
/// call adds to the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    /// `with_header`: they replace headers of the same name.
    pub(crate) headers: reqwest::header::HeaderMap,
    /// `with_query`: after the operation's parameters.
    pub(crate) query: Vec<(String, String)>,
    /// `with_body_member`: merged into the JSON body.
    pub(crate) body_members: Vec<(String, serde_json::Value)>,
    /// The first extra that could not be used; the call fails with it.
    pub(crate) invalid: Option<RequestError>,
}

fn retryable_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500..=599)
}

/// How an attempt reads the response.
pub(crate) enum Reading<'a> {
    /// All of it; the timeout covers the whole exchange.
    Whole,
    /// As a stream (events, bytes): the timeout covers the time to the response
    /// head, and the body of a success is left unread, in the slot, for the
    /// caller. Error statuses are read whole, so they retry and decode as usual:
    /// retries happen only before the caller gets the first byte of the body.
    Stream(&'a mut Option<reqwest::Response>),
}

/// Sends a call, retrying as the policy allows, and reads the response as
/// `reading` says. Each call is a `tracing` span with the operation, method,
/// path template, attempt, status, elapsed time and the server's request id; no
/// header or URL is recorded, so credentials never reach the logs.
pub(crate) async fn execute(
    core: &Core,
    call: &Call<'_>,
    reading: Reading<'_>,
) -> Result<RawResponse, Failure> {
    use tracing::Instrument as _;
    let span = tracing::info_span!(
        "http_request",
        operation_id = call.operation_id,
        method = call.method,
        path = call.path,
        attempt = tracing::field::Empty,
        status = tracing::field::Empty,
        elapsed_ms = tracing::field::Empty,
        request_id = tracing::field::Empty,
    );
    attempts(core, call, reading).instrument(span).await
}

/// Why an attempt got no response.
enum AttemptError {
    Http(reqwest::Error),
    /// A stream's response head did not arrive within the timeout.
    HeadTimeout(Duration),
}

impl AttemptError {
    fn is_timeout(&self) -> bool {
        match self {
            Self::Http(e) => e.is_timeout(),
            Self::HeadTimeout(_) => true,
        }
    }

    fn is_connect(&self) -> bool {
        matches!(self, Self::Http(e) if e.is_connect())
    }

    /// Whether trying again may help.
    fn is_transient(&self) -> bool {
        match self {
            // `is_decode` here is a body stream that broke off (JSON is decoded later).
            Self::Http(e) => {
                e.is_timeout() || e.is_connect() || e.is_request() || e.is_body() || e.is_decode()
            }
            Self::HeadTimeout(_) => true,
        }
    }

    fn text(&self) -> String {
        match self {
            Self::Http(e) => super::error::cause(e),
            Self::HeadTimeout(t) => format!("no response head within {t:?}"),
        }
    }

    fn outcome(&self) -> Outcome<'_> {
        match self {
            Self::Http(e) => Outcome::Failed(e),
            Self::HeadTimeout(after) => Outcome::TimedOut(*after),
        }
    }
}

async fn attempts(
    core: &Core,
    call: &Call<'_>,
    mut reading: Reading<'_>,
) -> Result<RawResponse, Failure> {
    if let Some(e) = &call.options.invalid {
        return Err(Failure::InvalidRequest(e.clone()));
    }
    let settings = core.settings();
    let policy = call.options.retry.as_ref().unwrap_or(&settings.retry);
    let timeout = call.options.timeout.unwrap_or(settings.timeout);
    // A stream has no deadline as a whole: its head is timed instead.
    let whole = match reading {
        Reading::Whole => Some(timeout),
        Reading::Stream(_) => None,
    };
    let started = std::time::Instant::now();
    let safe =
        matches!(call.method, "GET" | "HEAD" | "OPTIONS" | "TRACE") || policy.retry_non_idempotent;
    let span = tracing::Span::current();
    let mut attempt = 1;
    // A 401 to a credential from a provider is answered once by a fresh one.
    let mut refreshed = false;
    // The next attempt's request, built before waiting: a body that can be sent
    // only once (a stream) cannot be built again, and then the last outcome stands.
    let mut next: Option<(Resolved, reqwest::Request)> = None;
    loop {
        span.record("attempt", attempt);
        let (credentials, mut request) = match next.take() {
            Some(built) => built,
            None => {
                let credentials = core
                    .resolve_credentials(call.security, timeout)
                    .await
                    .map_err(Failure::Credential)?;
                let request = core
                    .request(call, &credentials, whole)
                    .map_err(Failure::InvalidRequest)?;
                (credentials, request)
            }
        };
        let this = Attempt {
            operation_id: call.operation_id,
            method: call.method,
            path: call.path,
            number: attempt,
            started: std::time::Instant::now(),
        };
        let hooks = core.hooks();
        hook::before_send(hooks, &mut request, &this).map_err(Failure::InvalidRequest)?;
        let outcome = send(core.http(), request, timeout, &mut reading).await;
        span.record("elapsed_ms", started.elapsed().as_millis() as u64);
        if !hooks.is_empty() {
            let seen = match &outcome {
                Ok(raw) => Outcome::Response(raw),
                Err(e) => e.outcome(),
            };
            hook::after_response(hooks, seen, &this);
        }
        let wait = match &outcome {
            Ok(raw) => {
                span.record("status", raw.status.as_u16());
                // Finding the id costs a header lookup per candidate name.
                if !span.is_disabled()
                    && let Some(id) = raw.request_id()
                {
                    span.record("request_id", id);
                }
                if raw.status == reqwest::StatusCode::UNAUTHORIZED
                    && credentials.has_provider_credentials()
                    && !refreshed
                {
                    // The server did not act on a request it did not authorise,
                    // so this is safe to repeat whatever the method.
                    tracing::info!("401: asking the credential provider again, then retrying once");
                    core.invalidate_credentials(&credentials).await;
                    refreshed = true;
                    let fresh = core
                        .resolve_credentials(call.security, timeout)
                        .await
                        .map_err(Failure::Credential)?;
                    // A body that cannot be sent again leaves the 401 standing.
                    if let Ok(request) = core.request(call, &fresh, whole) {
                        next = Some((fresh, request));
                        attempt += 1;
                        continue;
                    }
                }
                if safe && retryable_status(raw.status) {
                    policy.wait_for(attempt, &raw.headers)
                } else {
                    None
                }
            }
            Err(e) => {
                // A refused connection provably never reached the server.
                let repeatable = safe || e.is_connect();
                (repeatable && e.is_transient()).then(|| policy.backoff_for(attempt))
            }
        };
        let retry = wait
            .filter(|_| attempt < policy.max_attempts)
            .and_then(|wait| Some((wait, core.request(call, &credentials, whole).ok()?)));
        match retry {
            Some((wait, request)) => {
                match &outcome {
                    Ok(raw) => tracing::warn!(
                        status = raw.status.as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    ),
                    Err(e) => tracing::warn!(
                        error = %e.text(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    ),
                }
                next = Some((credentials, request));
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
            None => {
                return match outcome {
                    Ok(raw) => Ok(RawResponse {
                        attempts: attempt,
                        ..raw
                    }),
                    Err(e) => {
                        tracing::debug!(error = %e.text(), "request failed");
                        let timed_out = e.is_timeout();
                        let source = match e {
                            AttemptError::Http(e) => Some(e.without_url()),
                            AttemptError::HeadTimeout(_) => None,
                        };
                        Err(match source {
                            Some(source) if !timed_out => Failure::Transport {
                                source,
                                attempts: attempt,
                            },
                            source => Failure::Timeout {
                                source,
                                attempts: attempt,
                                after: timeout,
                            },
                        })
                    }
                };
            }
        }
    }
}

/// One attempt: the request, then the whole body (or, for a stream's success,
/// the head, leaving the body in the slot).
async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    reading: &mut Reading<'_>,
) -> Result<RawResponse, AttemptError> {
    let mut response = match reading {
        Reading::Whole => http.execute(request).await.map_err(AttemptError::Http)?,
        Reading::Stream(_) => match tokio::time::timeout(timeout, http.execute(request)).await {
            Ok(response) => response.map_err(AttemptError::Http)?,
            Err(_) => return Err(AttemptError::HeadTimeout(timeout)),
        },
    };
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let body = match reading {
        Reading::Stream(slot) if status.is_success() => {
            **slot = Some(response);
            bytes::Bytes::new()
        }
        _ => response.bytes().await.map_err(AttemptError::Http)?,
    };
    Ok(RawResponse {
        status,
        headers,
        body,
        attempts: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped_with_jitter_in_the_upper_half() {
        let p = RetryPolicy::default().backoff(Duration::from_secs(1), Duration::from_secs(4));
        for (attempt, base) in [(1, 1.0), (2, 2.0), (3, 4.0), (10, 4.0)] {
            let wait = p.backoff_for(attempt).as_secs_f64();
            assert!(
                wait >= base / 2.0 && wait <= base,
                "attempt {attempt}: {wait}"
            );
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(p.wait_for(1, &h), Some(Duration::from_secs(3)));
        h.insert(reqwest::header::RETRY_AFTER, "30".parse().unwrap());
        assert_eq!(p.wait_for(1, &h), None);
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(p.wait_for(1, &h), Some(Duration::ZERO));
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        for (code, retry) in [
            (408, true),
            (429, true),
            (503, true),
            (404, false),
            (200, false),
        ] {
            let status = reqwest::StatusCode::from_u16(code).unwrap();
            assert_eq!(retryable_status(status), retry, "{code}");
        }
    }
}
