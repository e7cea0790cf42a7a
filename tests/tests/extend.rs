//! Bending the generated client without forking it: per-request extras
//! (`with_header`, `with_query`, `with_body_member`), `Client::raw` for a path
//! the document lacks, hooks around every attempt (request signing verified by
//! the server, a request counter), and credential providers (cached, refreshed
//! once on a 401). OAuth 2 against a real server: `oauth.rs`.

use consoleconnect::{
    Attempt, Client, CredentialError, CredentialFuture, CredentialProvider, Error, Hook, Outcome,
    ProviderContext, RequestError, RetryPolicy, Token, types,
};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-SECRET-0123456789";

fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40))
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .retry(quick())
        .build()
        .unwrap();
    (server, client)
}

fn metro() -> Value {
    json!({"id": "m1", "name": "London", "code": "LHR"})
}

fn order() -> types::CreatePortOrderRequest {
    types::CreatePortOrderRequest::new(
        "dcf",
        1000,
        "p",
        types::PaymentType::Invoice,
        types::DurationUnit::Y,
    )
}

#[tokio::test]
async fn with_header_and_with_query_add_what_the_document_forgot() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/metro/m1"))
        .and(header("x-trace-id", "t-42"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(query_param("expand", "dataCenters"))
        .and(query_param("lang", "en"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metro()))
        .expect(1)
        .mount(&server)
        .await;
    let got = client
        .get_metro("m1")
        .with_header("X-Trace-Id", "t-42")
        .with_query("expand", "dataCenters")
        .with_query("lang", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(got.name.as_deref(), Some("London"));
    let seen = &server.received_requests().await.unwrap()[0];
    assert_eq!(seen.url.query(), Some("expand=dataCenters&lang=en"));
}

#[tokio::test]
async fn with_header_replaces_a_header_the_client_sets_and_repeats_when_given_twice() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metro()))
        .mount(&server)
        .await;
    client
        .get_metro("m1")
        .with_header("Authorization", "Bearer other")
        .with_header("accept", "application/json")
        .with_header("x-tag", "a")
        .with_header("x-tag", "b")
        .send()
        .await
        .unwrap();
    let seen = &server.received_requests().await.unwrap()[0];
    let all = |name: &str| -> Vec<&str> {
        seen.headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect()
    };
    assert_eq!(all("authorization"), ["Bearer other"]);
    assert_eq!(all("accept"), ["application/json"]);
    assert_eq!(all("x-tag"), ["a", "b"]);
}

#[tokio::test]
async fn a_header_value_with_cr_or_lf_is_refused_and_nothing_is_sent() {
    let (server, client) = setup().await;
    for (name, value) in [
        ("X-Trace", "a\r\nX-Injected: 1"),
        ("X-Trace", "a\nb"),
        ("bad name", "v"),
    ] {
        let e = client
            .get_metro("m1")
            .with_header(name, value)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidRequest(inner) = &e else {
            panic!("{e:?}")
        };
        assert!(inner.to_string().contains(name), "{e}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn with_body_member_merges_into_the_json_body() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/api/company/acme/ports/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "o1"})))
        .mount(&server)
        .await;
    client
        .create_port_order("acme", order())
        .with_body_member("promoCode", "SPRING")
        .with_body_member("tags", json!(["a", {"b": 1}]))
        .with_body_member("speed", 10_000)
        .send()
        .await
        .unwrap();
    let seen = &server.received_requests().await.unwrap()[0];
    let body: Value = serde_json::from_slice(&seen.body).unwrap();
    assert_eq!(body["promoCode"], "SPRING");
    assert_eq!(body["tags"], json!(["a", {"b": 1}]));
    assert_eq!(body["speed"], 10_000, "a member of the body is replaced");
    assert_eq!(body["portName"], "p", "the body's own members stay");

    // No JSON body to merge into: refused, nothing sent.
    let e = client
        .get_metro("m1")
        .with_body_member("x", 1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::InvalidRequest(r) if r.to_string().contains("with_body_member")),
        "{e}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn raw_calls_a_path_the_document_lacks_with_credentials_retries_and_errors() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/things/t1:archive"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("x-trace-id", "t-1"))
        .and(query_param("dryRun", "true"))
        .and(body_json(json!({"reason": "old", "by": "me"})))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"archived": true})))
        .expect(1)
        .mount(&server)
        .await;
    let got = client
        .raw(reqwest::Method::POST, "/api/v2/things/t1:archive")
        .json(json!({"reason": "old"}))
        .with_body_member("by", "me")
        .with_query("dryRun", "true")
        .with_header("x-trace-id", "t-1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status, 202);
    assert_eq!(
        serde_json::from_slice::<Value>(&got.body).unwrap(),
        json!({"archived": true})
    );

    // A GET is retried by the client's policy; an error status keeps its JSON.
    Mock::given(method("GET"))
        .and(path("/api/v2/flaky"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/flaky"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "gone"})))
        .mount(&server)
        .await;
    let e = client
        .raw(reqwest::Method::GET, "/api/v2/flaky")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.attempts(), 2);
    assert_eq!(e.status(), Some(reqwest::StatusCode::NOT_FOUND));
    assert_eq!(e.api_error(), Some(&json!({"message": "gone"})));

    // Bytes with a content type of the caller's.
    Mock::given(method("PUT"))
        .and(path("/api/v2/blob"))
        .and(header("content-type", "text/csv"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client
        .raw(reqwest::Method::PUT, "/api/v2/blob")
        .body("text/csv", "a,b\n1,2\n")
        .send()
        .await
        .unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.last().unwrap().body, b"a,b\n1,2\n");
}

#[tokio::test]
async fn a_raw_path_that_would_leave_the_base_url_is_refused() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .api_key(KEY)
        .build()
        .unwrap();
    for bad in [
        "/../admin",
        "/a/%2e%2e/%2E%2E/admin",
        "//evil.example/x",
        "admin",
        "/a?token=x",
        "/a\\..\\b",
    ] {
        let result = client.raw(reqwest::Method::GET, bad).send().await;
        // `//evil.example/x` is a path under the base URL, not another host.
        if bad.starts_with("//") {
            assert_eq!(
                result.unwrap_err().status(),
                Some(reqwest::StatusCode::NOT_FOUND)
            );
            continue;
        }
        let e = result.unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{bad}: {e}");
    }
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].url.path(), "/api//evil.example/x");
}

/// The test server's half of the signing scheme: HMAC-SHA256 over
/// `METHOD\npath?query\nbody`, hex, in `x-signature`.
fn signature(key: &[u8], method: &str, path_and_query: &str, body: &[u8]) -> String {
    use aws_lc_rs::hmac;
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(method.as_bytes());
    ctx.update(b"\n");
    ctx.update(path_and_query.as_bytes());
    ctx.update(b"\n");
    ctx.update(body);
    ctx.sign()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const SIGNING_KEY: &[u8] = b"shared-signing-key";

/// The server verifies the signature of what it received.
struct Signed;
impl Match for Signed {
    fn matches(&self, request: &Request) -> bool {
        let mut target = request.url.path().to_string();
        if let Some(q) = request.url.query() {
            target = format!("{target}?{q}");
        }
        let expected = signature(SIGNING_KEY, request.method.as_str(), &target, &request.body);
        request
            .headers
            .get("x-signature")
            .is_some_and(|v| v.to_str().ok() == Some(expected.as_str()))
    }
}

/// Signs each attempt as it goes out.
struct Sign;
impl Hook for Sign {
    fn before_send(
        &self,
        request: &mut reqwest::Request,
        _: &Attempt<'_>,
    ) -> Result<(), RequestError> {
        let body = match request.body() {
            None => &[][..],
            Some(b) => b
                .as_bytes()
                .ok_or_else(|| RequestError::new("cannot sign a streamed body"))?,
        };
        let mut target = request.url().path().to_string();
        if let Some(q) = request.url().query() {
            target = format!("{target}?{q}");
        }
        let sig = signature(SIGNING_KEY, request.method().as_str(), &target, body);
        request
            .headers_mut()
            .insert("x-signature", sig.parse().unwrap());
        Ok(())
    }
}

/// Changes the body: adds a member to a JSON object body.
struct Stamp;
impl Hook for Stamp {
    fn before_send(
        &self,
        request: &mut reqwest::Request,
        attempt: &Attempt<'_>,
    ) -> Result<(), RequestError> {
        let Some(bytes) = request.body().and_then(|b| b.as_bytes()) else {
            return Ok(());
        };
        let mut value: Value = serde_json::from_slice(bytes).unwrap();
        value["attempt"] = json!(attempt.number);
        *request.body_mut() = Some(serde_json::to_vec(&value).unwrap().into());
        Ok(())
    }
}

#[tokio::test]
async fn a_hook_signs_every_attempt_and_the_server_verifies_it() {
    let server = MockServer::start().await;
    Mock::given(Signed)
        .and(method("PUT"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(Signed)
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "o1"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .retry(quick().retry_non_idempotent(true))
        .hook(Stamp)
        .hook(Sign)
        .build()
        .unwrap();
    let got = client
        .create_port_order("acme", order())
        .with_query("x", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(got.attempts(), 2);
    let seen = server.received_requests().await.unwrap();
    assert_eq!(seen.len(), 2);
    for (i, r) in seen.iter().enumerate() {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["attempt"], i + 1, "the first hook changed the body");
        assert_eq!(body["portName"], "p");
    }

    // Without the hook the same request is refused by the server.
    let unsigned = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    let e = unsigned
        .create_port_order("acme", order())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
}

#[derive(Default)]
struct Counter {
    sent: AtomicU32,
    seen: Mutex<Vec<String>>,
}

impl Hook for Counter {
    fn before_send(&self, _: &mut reqwest::Request, _: &Attempt<'_>) -> Result<(), RequestError> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    fn after_response(&self, outcome: Outcome<'_>, attempt: &Attempt<'_>) {
        let what = match outcome {
            Outcome::Response(r) => r.status.as_u16().to_string(),
            Outcome::Failed(_) => "failed".to_string(),
            _ => "other".to_string(),
        };
        self.seen.lock().unwrap().push(format!(
            "{} {} #{}: {what}",
            attempt.operation_id.unwrap_or("raw"),
            attempt.path,
            attempt.number
        ));
    }
}

#[tokio::test]
async fn a_hook_counts_every_attempt_and_sees_every_outcome() {
    let (server, _) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/metro/m1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metro()))
        .mount(&server)
        .await;
    let counter = Arc::new(Counter::default());
    let client = Client::builder()
        .base_url(server.uri())
        .retry(quick())
        .hook(counter.clone())
        .build()
        .unwrap();
    client.get_metro("m1").send().await.unwrap();
    client
        .raw(reqwest::Method::GET, "/health")
        .send()
        .await
        .unwrap();
    let refused = Client::builder()
        .base_url("http://127.0.0.1:9")
        .retry(RetryPolicy::none())
        .hook(counter.clone())
        .build()
        .unwrap();
    refused.get_metro("m2").send().await.unwrap_err();
    assert_eq!(counter.sent.load(Ordering::SeqCst), 4);
    assert_eq!(
        *counter.seen.lock().unwrap(),
        [
            "getMetro /api/metro/{metroId} #1: 503",
            "getMetro /api/metro/{metroId} #2: 200",
            "raw /health #1: 200",
            "getMetro /api/metro/{metroId} #1: failed",
        ]
    );
}

#[tokio::test]
async fn a_hook_that_refuses_stops_the_call_before_anything_is_sent() {
    struct No;
    impl Hook for No {
        fn before_send(
            &self,
            _: &mut reqwest::Request,
            _: &Attempt<'_>,
        ) -> Result<(), RequestError> {
            Err(RequestError::new("outside business hours"))
        }
    }
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .hook(No)
        .build()
        .unwrap();
    let e = client.get_metro("m1").send().await.unwrap_err();
    assert_eq!(e.to_string(), "invalid request: outside business hours");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// Tokens `tok-1`, `tok-2`, … living `life`; counts fetches.
struct Tokens {
    fetches: AtomicU32,
    life: Option<Duration>,
    fail: bool,
}

impl CredentialProvider for Tokens {
    fn fetch<'a>(&'a self, _: ProviderContext<'a>) -> CredentialFuture<'a> {
        Box::pin(async move {
            if self.fail {
                return Err(CredentialError::new("the vault is sealed"));
            }
            let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
            let token = Token::new(format!("tok-{n}"));
            Ok(match self.life {
                Some(life) => token.expires_in(life),
                None => token,
            })
        })
    }
}

fn tokens(life: Option<Duration>) -> Arc<Tokens> {
    Arc::new(Tokens {
        fetches: AtomicU32::new(0),
        life,
        fail: false,
    })
}

fn bearer(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers["authorization"].to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_provider_credential_is_cached_until_it_expires() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metro()))
        .mount(&server)
        .await;
    let provider = tokens(Some(Duration::from_millis(500)));
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_provider(provider.clone())
        .build()
        .unwrap();
    for _ in 0..3 {
        client.get_metro("m1").send().await.unwrap();
    }
    // Renewed before it expires (a tenth of its life before).
    tokio::time::sleep(Duration::from_millis(460)).await;
    client.get_metro("m1").send().await.unwrap();
    assert_eq!(
        bearer(&server.received_requests().await.unwrap()),
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2"
        ]
    );
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_401_refreshes_the_credential_once_and_retries_once() {
    let server = MockServer::start().await;
    // The server only accepts the second token.
    Mock::given(method("PUT"))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "o1"})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let provider = tokens(None);
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_provider(provider.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // A PUT, which the policy never retries: a 401 is retried all the same.
    let got = client
        .create_port_order("acme", order())
        .send()
        .await
        .unwrap();
    assert_eq!(got.attempts(), 2);
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);
    assert_eq!(
        bearer(&server.received_requests().await.unwrap()),
        ["Bearer tok-1", "Bearer tok-2"]
    );
}

#[tokio::test]
async fn a_credential_the_server_keeps_refusing_is_refreshed_only_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "no"})))
        .mount(&server)
        .await;
    let provider = tokens(None);
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_provider(provider.clone())
        .retry(quick())
        .build()
        .unwrap();
    let e = client.get_metro("m1").send().await.unwrap_err();
    assert_eq!(e.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(e.attempts(), 2);
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 2);

    // A fixed key gets no second try.
    let fixed = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    assert_eq!(
        fixed.get_metro("m1").send().await.unwrap_err().attempts(),
        1
    );
}

#[tokio::test]
async fn a_provider_that_fails_is_a_credential_error_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key_provider(Arc::new(Tokens {
            fetches: AtomicU32::new(0),
            life: None,
            fail: true,
        }))
        .build()
        .unwrap();
    let e = client.get_metro("m1").send().await.unwrap_err();
    let Error::Credential(inner) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(inner.scheme(), Some("api-key"));
    assert_eq!(
        e.to_string(),
        "no credential: `api-key`: the vault is sealed"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
