//! The calling part of a live driver: the generated client against a real server
//! (`cargo xtask live` copies this file into each live driver in place of the
//! conformance driver's `calls.rs`; the tests crate compiles it against the
//! Console Connect crate).
//!
//! The client's base URL is a recording proxy on loopback, run by this driver,
//! that forwards every request unchanged to the server (`LIVE_UPSTREAM`) and
//! keeps the last exchange: the request body the client wrote and the response
//! exactly as the server sent it, so that what the client decoded can be compared
//! with the bytes it came from.

use crate::api;
use crate::support::{Args, Called, Caller};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use serde_json::json;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;

/// One operation's call, as the generated `call` function returns it.
pub type Call<'a> = Pin<Box<dyn Future<Output = Result<Called, String>> + 'a>>;

thread_local! {
    /// The last request and response that went through this thread's proxy. Per
    /// thread, not per process: a driver's runtime is current-thread, so its proxy
    /// and its calls run on the thread that calls it, and two drivers on two
    /// threads (the tests crate runs its tests in parallel) never read each other's.
    static LAST: RefCell<Option<serde_json::Value>> = const { RefCell::new(None) };
}

/// The outcome of `send().await`, with the exchange the proxy recorded.
pub fn called<T, E: std::fmt::Debug>(
    result: Result<api::ResponseValue<T>, api::Error<E>>,
) -> Called {
    let exchange = LAST.with(|l| l.borrow_mut().take());
    let (status, outcome, error) = match &result {
        Ok(r) => (Some(r.status().as_u16()), "ok", None),
        Err(e) => {
            let outcome = if e.api_error().is_some() {
                "api"
            } else if matches!(e, api::Error::UnexpectedStatus(_)) {
                "unexpected"
            } else if matches!(e, api::Error::Decode { .. }) {
                "decode"
            } else if matches!(e, api::Error::InvalidRequest(_)) {
                "invalid"
            } else {
                "no response"
            };
            (e.status().map(|s| s.as_u16()), outcome, Some(e.to_string()))
        }
    };
    let mut exchange = exchange.unwrap_or_else(|| json!({}));
    exchange["outcome"] = json!(outcome);
    Called {
        status,
        error,
        exchange: Some(exchange),
        ..Called::default()
    }
}

/// The generated client and its calls, with the proxy, on a runtime of their own.
pub struct Mock {
    pub client: api::Client,
    pub call: for<'a> fn(usize, &'a api::Client, &'a Args) -> Call<'a>,
    pub runtime: tokio::runtime::Runtime,
}

impl Mock {
    /// Starts the proxy on the client's base URL (a free loopback port the caller
    /// chose), forwarding to `LIVE_UPSTREAM`.
    pub fn new(
        client: api::Client,
        call: for<'a> fn(usize, &'a api::Client, &'a Args) -> Call<'a>,
    ) -> Self {
        let upstream = std::env::var("LIVE_UPSTREAM").expect("LIVE_UPSTREAM names the server");
        Self::with_upstream(client, call, &upstream)
    }

    /// As `new`, forwarding to `upstream`.
    pub fn with_upstream(
        client: api::Client,
        call: for<'a> fn(usize, &'a api::Client, &'a Args) -> Call<'a>,
        upstream: &str,
    ) -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        let url = reqwest::Url::parse(client.base_url()).expect("the base URL is a URL");
        let port = url.port().expect("the base URL names the proxy's port");
        let upstream = upstream.trim_end_matches('/').to_string();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind(("127.0.0.1", port)))
            .expect("the proxy's port is free");
        runtime.spawn(serve(listener, upstream));
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

async fn serve(listener: tokio::net::TcpListener, upstream: String) {
    // The proxy follows no redirect and decompresses nothing: it passes bytes on.
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    while let Ok((stream, _)) = listener.accept().await {
        let (http, upstream) = (http.clone(), upstream.clone());
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                forward(http.clone(), upstream.clone(), request)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Headers that belong to one connection, not to the message.
fn hop_by_hop(name: &reqwest::header::HeaderName) -> bool {
    use reqwest::header::{CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
    [HOST, CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION].contains(name)
}

fn content_type(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// Forwards one request and records the exchange.
async fn forward(
    http: reqwest::Client,
    upstream: String,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, std::convert::Infallible> {
    let (parts, body) = request.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let target = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_string();
    let mut outgoing = http.request(parts.method.clone(), format!("{upstream}{target}"));
    for (name, value) in &parts.headers {
        if !hop_by_hop(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    let mut exchange = json!({
        "method": parts.method.as_str(),
        "target": target,
        "request_type": content_type(&parts.headers),
        "request_body": String::from_utf8_lossy(&body),
    });
    let response = match outgoing.body(body).send().await {
        Ok(r) => r,
        Err(e) => {
            exchange["proxy_error"] = json!(e.to_string());
            LAST.with(|l| *l.borrow_mut() = Some(exchange));
            let mut bad = hyper::Response::new(Full::new(Bytes::new()));
            *bad.status_mut() = hyper::StatusCode::BAD_GATEWAY;
            return Ok(bad);
        }
    };
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    exchange["status"] = json!(status.as_u16());
    exchange["response_type"] = json!(content_type(&headers));
    exchange["response_body"] = json!(String::from_utf8_lossy(&bytes));
    LAST.with(|l| *l.borrow_mut() = Some(exchange));
    let mut back = hyper::Response::new(Full::new(bytes));
    *back.status_mut() = status;
    for (name, value) in &headers {
        if !hop_by_hop(name) {
            back.headers_mut().append(name, value.clone());
        }
    }
    Ok(back)
}
