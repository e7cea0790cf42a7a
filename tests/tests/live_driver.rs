//! The calling part of `cargo xtask live`'s drivers (`xtask/src/live/calls.rs`),
//! compiled against the Console Connect crate: calls go through its recording
//! proxy to a server, and each outcome carries the exchange exactly as it went
//! over the wire.

use consoleconnect::{Client, RetryPolicy};
use consoleconnect_tests::live_calls::{Call, Mock, called};
use consoleconnect_tests::support::{Args, Caller};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock as Expect, MockServer, ResponseTemplate};

/// Operation 0 gets a metro; operation 1 creates a port order with the body given.
fn call<'a>(op: usize, client: &'a Client, args: &'a Args) -> Call<'a> {
    Box::pin(async move {
        match op {
            0 => Ok(called(
                client
                    .get_metro(args.arg::<String>("metroId")?)
                    .send()
                    .await,
            )),
            _ => Ok(called(
                client
                    .create_port_order(
                        "acme",
                        args.arg::<consoleconnect::types::CreatePortOrderRequest>("$body")?,
                    )
                    .send()
                    .await,
            )),
        }
    })
}

fn args(value: Value) -> Args {
    Args(value.as_object().unwrap().clone())
}

#[test]
fn calls_go_through_the_proxy_which_keeps_the_exact_exchange() {
    let upstream_rt = tokio::runtime::Runtime::new().unwrap();
    let server = upstream_rt.block_on(MockServer::start());
    // Spacing and member order the client's own encoding would not keep.
    let metro = "{\"id\": \"m1\",   \"name\": \"Hong Kong\", \"extra\": null}";
    let order = json!({
        "paymentType": "invoice", "dataCenterFacility": "dc", "speed": 1000,
        "portName": "p", "durationUnit": "m"
    });
    upstream_rt.block_on(async {
        Expect::given(method("GET"))
            .and(path("/api/metro/m1"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(metro, "application/json"))
            .mount(&server)
            .await;
        Expect::given(method("GET"))
            .and(path("/api/metro/gone"))
            .respond_with(ResponseTemplate::new(502).set_body_raw("<html>down</html>", "text/html"))
            .mount(&server)
            .await;
        Expect::given(method("PUT"))
            .and(path("/api/company/acme/ports/orders"))
            .and(body_json(&order))
            .respond_with(ResponseTemplate::new(409).set_body_json(json!({"message": "dup"})))
            .expect(1)
            .mount(&server)
            .await;
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key("k")
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let driver = Mock::with_upstream(client, call, &server.uri());

    let ok = driver.call(0, &args(json!({"metroId": "m1"}))).unwrap();
    assert_eq!(ok.status, Some(200));
    let exchange = ok.exchange.unwrap();
    assert_eq!(exchange["outcome"], "ok");
    assert_eq!(exchange["method"], "GET");
    assert_eq!(exchange["target"], "/api/metro/m1");
    assert_eq!(exchange["response_body"], metro, "the bytes as sent");
    assert_eq!(exchange["response_type"], "application/json");

    let bad = driver.call(0, &args(json!({"metroId": "gone"}))).unwrap();
    let exchange = bad.exchange.unwrap();
    assert_eq!(
        (bad.status, exchange["outcome"].as_str()),
        (Some(502), Some("unexpected"))
    );
    assert_eq!(exchange["response_body"], "<html>down</html>");

    let refused = driver.call(1, &args(json!({"$body": order}))).unwrap();
    let exchange = refused.exchange.unwrap();
    assert_eq!(exchange["outcome"], "api");
    assert_eq!(exchange["status"], 409);
    let sent: Value = serde_json::from_str(exchange["request_body"].as_str().unwrap()).unwrap();
    assert_eq!(sent, order);
    assert!(exchange["request_type"].as_str().unwrap().contains("json"));
    upstream_rt.block_on(server.verify());
}

#[test]
fn a_server_that_is_gone_is_no_response_not_a_panic() {
    let port = |_| {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (proxy, closed) = (port(()), port(()));
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{proxy}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let driver = Mock::with_upstream(client, call, &format!("http://127.0.0.1:{closed}"));
    let c = driver.call(0, &args(json!({"metroId": "m1"}))).unwrap();
    let exchange = c.exchange.unwrap();
    assert!(exchange["proxy_error"].is_string(), "{exchange}");
    assert_eq!(c.status, Some(502), "the proxy answers 502 itself");
}
