//! Tracing of requests, and the API key kept out of every log line, `Debug` and
//! error. Its own test binary: `tracing` caches per call site whether anyone
//! listens, and a test in a parallel thread with no subscriber can cache "no one"
//! while this test installs its thread's subscriber, so its spans go unrecorded.
//! Alone in its process, nothing races it.

use consoleconnect::client::GetMetroError;
use consoleconnect::{Client, Error, RetryPolicy};
use consoleconnect_tests::fault_server::{FaultServer, Step};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk-SECRET-0123456789";

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .api_key(KEY)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(20), Duration::from_millis(80)))
        .build()
        .unwrap()
}

fn metro() -> serde_json::Value {
    json!({"id": "m1", "name": "London", "code": "LHR"})
}

/// Captures everything `tracing` writes while a test runs.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn requests_are_traced_and_the_key_never_appears() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FaultServer::start(vec![
        Step::status(503),
        Step::json(200, &metro()).with_header("x-request-id", "rid-7"),
        Step::json(404, &json!({"message": "no"})).with_header("x-request-id", "rid-8"),
        Step::Respond {
            status: 200,
            headers: vec![],
            body: b"not json".to_vec(),
        },
        Step::Slow {
            delay: Duration::from_secs(2),
            status: 200,
            body: vec![],
        },
    ])
    .await;
    let c = client(&server.url);
    let ok = c.get_metro("m1").send().await.unwrap();
    assert_eq!(ok.request_id(), Some("rid-7"));
    let api = c
        .get_metro("m2")
        .with_retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        &api,
        Error::Api {
            body: GetMetroError::NotFound(_),
            ..
        }
    ));
    assert_eq!(api.request_id(), Some("rid-8"));
    assert!(api.to_string().contains("rid-8"), "{api}");
    let decode = c.get_metro("m3").send().await.unwrap_err();
    let timeout = c
        .get_metro("m4")
        .with_timeout(Duration::from_millis(100))
        .with_retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    let refused = client("http://127.0.0.1:9")
        .get_metro("m5")
        .with_retry(RetryPolicy::none())
        .send()
        .await
        .unwrap_err();
    drop(_guard);

    // Every request sent the key, and as a bearer token.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.head.contains(&format!("authorization: Bearer {KEY}")))
    );
    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    for needle in [
        "http_request",
        "operation_id=\"getMetro\"",
        "path=\"/api/metro/{metroId}\"",
        "attempt=2",
        "status=200",
        "request_id=\"rid-7\"",
        "retrying",
        "elapsed_ms",
    ] {
        assert!(
            logs.contains(needle),
            "the logs should mention {needle:?}:\n{logs}"
        );
    }
    let mut texts = vec![
        logs,
        format!("{c:?}"),
        format!("{:?}", Client::builder().api_key(KEY)),
    ];
    for err in [&api, &decode, &timeout, &refused] {
        texts.push(format!("{err:?}"));
        texts.push(err.to_string());
    }
    for text in texts {
        assert!(
            !text.contains(KEY) && !text.contains("0123456789"),
            "the key leaked into: {text}"
        );
    }
}
