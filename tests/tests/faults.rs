//! The generated client under injected faults, against a scripted server on
//! loopback (`consoleconnect_tests::fault_server`): retries, `Retry-After`,
//! timeouts, resets, refused connections, truncated bodies, bad bodies, large
//! bodies, pagination, forward compatibility (secrets kept out of logs and
//! errors: `tracing.rs`). Each case checks the outcome and that nothing the
//! server sent is lost.

use consoleconnect::client::CreatePortOrderError;
use consoleconnect::{Client, Error, RetryPolicy, types};
use consoleconnect_tests::fault_server::{FaultServer, Step};
use futures_util::StreamExt;
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "sk-SECRET-0123456789";

/// Fast backoff so the suite stays quick; attempts as in the default policy.
fn quick() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(20), Duration::from_millis(80))
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .api_key(KEY)
        .retry(quick())
        .build()
        .unwrap()
}

fn metro() -> serde_json::Value {
    json!({"id": "m1", "name": "London", "code": "LHR"})
}

fn order_request() -> types::CreatePortOrderRequest {
    types::CreatePortOrderRequest::new(
        "dcf",
        1000,
        "p",
        types::PaymentType::Invoice,
        types::DurationUnit::Y,
    )
}

#[tokio::test]
async fn a_503_then_200_is_retried_and_succeeds() {
    let server = FaultServer::start(vec![Step::status(503), Step::json(200, &metro())]).await;
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.name.as_deref(), Some("London"));
    assert_eq!(got.attempts(), 2, "the attempt count is visible");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_in_seconds_is_waited_for() {
    let server = FaultServer::start(vec![
        Step::status(429).with_header("retry-after", "1"),
        Step::json(200, &metro()),
    ])
    .await;
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.attempts(), 2);
    let seen = server.requests();
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited {waited:?}, Retry-After said 1 s"
    );
    assert!(
        waited < Duration::from_secs(3),
        "waited {waited:?}, far longer than asked"
    );
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() {
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let server = FaultServer::start(vec![
        Step::status(503).with_header("retry-after", &at),
        Step::json(200, &metro()),
    ])
    .await;
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.attempts(), 2);
    let seen = server.requests();
    // HTTP dates have one-second resolution: the wait is between 1 and 2 s.
    let waited = seen[1].at - seen[0].at;
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "waited {waited:?}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_not_waited_for() {
    let server =
        FaultServer::start(vec![Step::status(429).with_header("retry-after", "120")]).await;
    let c = Client::builder()
        .base_url(&server.url)
        .retry(quick().max_retry_after(Duration::from_secs(5)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.get_metro("m1").send().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait two minutes"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        err.response().unwrap().headers["retry-after"],
        "120",
        "the server's answer is kept"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_put_is_not_retried_unless_asked() {
    let server = FaultServer::start(vec![
        Step::status(503),
        Step::json(200, &json!({"id": "o1"})),
    ])
    .await;
    let c = client(&server.url);
    let err = c
        .create_port_order("acme", order_request())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { body: CreatePortOrderError::Default(_), response } if response.status == 503),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 1);
    assert_eq!(
        server.requests().len(),
        1,
        "a PUT creates: not repeated by default"
    );

    let server = FaultServer::start(vec![
        Step::status(503),
        Step::json(200, &json!({"id": "o1"})),
    ])
    .await;
    let c = client(&server.url);
    let order = c
        .create_port_order("acme", order_request())
        .with_retry(quick().retry_non_idempotent(true))
        .send()
        .await
        .unwrap();
    assert_eq!(order.id.as_deref(), Some("o1"));
    assert_eq!(order.attempts(), 2);
}

#[tokio::test]
async fn a_slow_response_times_out_and_a_get_is_retried() {
    let slow = Step::Slow {
        delay: Duration::from_secs(3),
        status: 200,
        body: b"{}".to_vec(),
    };
    let server = FaultServer::start(vec![slow.clone()]).await;
    let started = Instant::now();
    let err = client(&server.url)
        .get_metro("m1")
        .with_timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(matches!(err, Error::Timeout { attempts: 3, .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "each attempt was cut at 200 ms"
    );

    // The same timeout on a PUT: one attempt only.
    let server = FaultServer::start(vec![slow]).await;
    let err = client(&server.url)
        .create_port_order("acme", order_request())
        .with_timeout(Duration::from_millis(200))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { attempts: 1, .. }), "{err:?}");
}

#[tokio::test]
async fn the_client_timeout_applies_unless_a_call_sets_its_own() {
    let server = FaultServer::start(vec![Step::Slow {
        delay: Duration::from_millis(600),
        status: 200,
        body: serde_json::to_vec(&metro()).unwrap(),
    }])
    .await;
    let c = Client::builder()
        .base_url(&server.url)
        .timeout(Duration::from_millis(150))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(c.get_metro("m1").send().await.unwrap_err().is_timeout());
    let ok = c
        .get_metro("m1")
        .with_timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.name.as_deref(), Some("London"));
}

#[tokio::test]
async fn a_reset_connection_is_retried_for_a_get() {
    let server = FaultServer::start(vec![Step::Reset, Step::json(200, &metro())]).await;
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.attempts(), 2);

    // A PUT whose connection was reset may have reached the server: not repeated.
    let server = FaultServer::start(vec![Step::Reset, Step::json(200, &json!({}))]).await;
    let err = client(&server.url)
        .create_port_order("acme", order_request())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_put() {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let c = client(&format!("http://{addr}"));
    let err = c
        .create_port_order("acme", order_request())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "never reached the server, so safe to repeat: {err:?}"
    );
    assert!(
        !err.to_string().contains(&addr.port().to_string()),
        "no URL in the error: {err}"
    );
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error_and_retried() {
    let cut = Step::Truncate {
        announced: 200,
        sent: b"{\"name\": \"Lon".to_vec(),
    };
    let server = FaultServer::start(vec![cut.clone(), Step::json(200, &metro())]).await;
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.attempts(), 2);

    let server = FaultServer::start(vec![cut]).await;
    let err = client(&server.url)
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { attempts: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn invalid_json_keeps_the_raw_body() {
    let server = FaultServer::start(vec![Step::Respond {
        status: 200,
        headers: vec![],
        body: b"{\"name\": ".to_vec(),
    }])
    .await;
    let err = client(&server.url)
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    let Error::Decode { response, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (response.status.as_u16(), &response.body[..]),
        (200, &b"{\"name\": "[..])
    );
    assert_eq!(err.attempts(), 1, "a 200 is not retried");
}

#[tokio::test]
async fn an_html_error_page_is_kept_after_the_retries() {
    let page = b"<html><body>502 Bad Gateway</body></html>".to_vec();
    let server = FaultServer::start(vec![Step::Respond {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: page.clone(),
    }])
    .await;
    let err = client(&server.url)
        .get_metro("m1")
        .send()
        .await
        .unwrap_err();
    // Not the `default` error type: an unexpected response, kept whole.
    let Error::UnexpectedStatus(response) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status, 502);
    assert_eq!(response.body.to_vec(), page);
    assert_eq!(response.attempts, 3);
}

#[tokio::test]
async fn unknown_values_and_members_decode_and_round_trip() {
    let sent = json!({
        "id": "o1", "status": "paused_by_ops", "paymentType": "crypto",
        "speed": {"value": 10, "name": "10 Mbps", "burstable": true},
        "brandNew": [1, {"x": null}], "deletedAt": null
    });
    let server = FaultServer::start(vec![Step::json(200, &sent)]).await;
    let order = client(&server.url)
        .get_port_order("acme", "o1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        order.status,
        Some(types::PortOrderStatus::Unknown("paused_by_ops".into()))
    );
    assert_eq!(
        order.payment_type,
        Some(types::PaymentType::Unknown("crypto".into()))
    );
    assert_eq!(serde_json::to_value(order.into_inner()).unwrap(), sent);
}

#[tokio::test]
async fn a_ten_megabyte_body_decodes() {
    let port = json!({"id": "p", "name": "a port with a long description ".repeat(8), "status": "ACTIVE", "speed": {"value": 1000, "name": "1000 Mbps"}});
    let one = serde_json::to_vec(&port).unwrap().len();
    let count = 10 * 1024 * 1024 / one + 1;
    let body = json!({"results": vec![port; count]});
    let bytes = serde_json::to_vec(&body).unwrap();
    assert!(bytes.len() >= 10 * 1024 * 1024);
    let server = FaultServer::start(vec![Step::Respond {
        status: 200,
        headers: vec![],
        body: bytes,
    }])
    .await;
    let ports = client(&server.url).list_ports("acme").send().await.unwrap();
    assert_eq!(ports.results.as_ref().map(Vec::len), Some(count));
}

#[tokio::test]
async fn a_paginated_search_streams_every_page_lazily() {
    use wiremock::{Mock, MockServer, Request, ResponseTemplate};
    let server = MockServer::start().await;
    let all: Vec<serde_json::Value> = (0..9)
        .map(|i| json!({"id": format!("dcf-{i}"), "username": format!("dc{i}")}))
        .collect();
    let pages = all.clone();
    Mock::given(wiremock::matchers::path("/v2/data-center-facility"))
        .respond_with(move |req: &Request| {
            let filter = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "filter")
                .map(|(_, v)| v.into_owned())
                .unwrap();
            let filter: serde_json::Value = serde_json::from_str(&filter).unwrap();
            let (skip, limit) = (
                filter["skip"].as_u64().unwrap() as usize,
                filter["limit"].as_u64().unwrap() as usize,
            );
            assert_eq!(
                filter["where"]["dataCenterFacility.ready"], true,
                "the rest of the filter is kept"
            );
            let page: Vec<_> = pages.iter().skip(skip).take(limit).cloned().collect();
            ResponseTemplate::new(200).set_body_json(page)
        })
        .mount(&server)
        .await;
    let c = client(&server.uri());
    let filter: types::DataCenterFacilityFilter =
        serde_json::from_value(json!({"where": {"dataCenterFacility.ready": true}, "limit": 2}))
            .unwrap();
    let stream = c.search_data_center_facilities(filter).stream();
    futures_util::pin_mut!(stream);
    // Lazily: taking the first item costs one request.
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("dcf-0"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    let mut ids = vec![first.id.unwrap()];
    while let Some(item) = stream.next().await {
        ids.push(item.unwrap().id.unwrap());
    }
    assert_eq!(ids, (0..9).map(|i| format!("dcf-{i}")).collect::<Vec<_>>());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        5,
        "pages of 2, 2, 2, 2 and 1"
    );
}

#[tokio::test]
async fn a_connection_closed_before_any_request_is_not_counted_as_one() {
    // hyper may open a connection in the background and drop it unused; the
    // counts above would otherwise see a request nobody sent.
    let server = FaultServer::start(vec![Step::json(200, &metro())]).await;
    let addr = server.url.trim_start_matches("http://").to_string();
    drop(tokio::net::TcpStream::connect(&addr).await.unwrap());
    let got = client(&server.url).get_metro("m1").send().await.unwrap();
    assert_eq!(got.name.as_deref(), Some("London"));
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
}
