//! The `mock` feature as a consumer uses it: code that orders a port, polls the
//! order until the port exists, and connects it to a partner's port, tested
//! without the network against the crate's typed mock server.

use consoleconnect::client::CreatePortOrderError;
use consoleconnect::types::{
    CreateLayer2ConnectionRequest, CreatePortOrderRequest, DurationUnit, Layer2Connection,
    PaymentType, PortOrder, PortOrderStatus,
};
use consoleconnect::{Client, Error, MockServer};
use futures_util::FutureExt;
use std::time::Duration;

/// The consumer's code under test: order a port in `dcf`, wait for it, connect it.
async fn provision(
    client: &Client,
    company: &str,
    dcf: &str,
    partner_port: &str,
) -> Result<Layer2Connection, Box<dyn std::error::Error>> {
    let request =
        CreatePortOrderRequest::new(dcf, 1000, "edge-1", PaymentType::Invoice, DurationUnit::M);
    let order = client.create_port_order(company, request).send().await?;
    let order_id = order.id.clone().ok_or("the order has no id")?;
    let port_id = loop {
        let order = client.get_port_order(company, &order_id).send().await?;
        if order.status == Some(PortOrderStatus::Done) {
            break order.created_port_id.clone().flatten().ok_or("no port")?;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let mut connection =
        CreateLayer2ConnectionRequest::new("edge-1 to partner", port_id, 100, "partner", "m-1");
    connection.dest_port_id = Some(partner_port.into());
    Ok(client
        .create_layer2_connection(company, connection)
        .send()
        .await?
        .into_inner())
}

fn order(status: PortOrderStatus, port: Option<&str>) -> PortOrder {
    let mut order = PortOrder::default();
    order.id = Some("o-1".into());
    order.status = Some(status);
    order.created_port_id = port.map(|p| Some(p.to_string()));
    order
}

fn client(mock: &MockServer) -> Client {
    Client::builder()
        .base_url(mock.uri())
        .api_key("test-key")
        .build()
        .unwrap()
}

#[tokio::test]
async fn order_a_port_poll_it_and_connect_it() {
    let mock = MockServer::start().await;
    let expected_order = CreatePortOrderRequest::new(
        "dcf-1",
        1000,
        "edge-1",
        PaymentType::Invoice,
        DurationUnit::M,
    );
    mock.create_port_order(
        |when| when.company_name("acme").body(&expected_order),
        |then| then.ok(&order(PortOrderStatus::Created, None)),
    )
    .times(1)
    .await;
    // Two polls see the order in progress, then it is done.
    mock.get_port_order(
        |when| when.company_name("acme").order_id("o-1"),
        |then| then.ok(&order(PortOrderStatus::Processing, None)),
    )
    .up_to(2)
    .await;
    mock.get_port_order(
        |when| when.order_id("o-1"),
        |then| then.ok(&order(PortOrderStatus::Done, Some("p-9"))),
    )
    .await;
    let mut expected_connection =
        CreateLayer2ConnectionRequest::new("edge-1 to partner", "p-9", 100, "partner", "m-1");
    expected_connection.dest_port_id = Some("p-partner".into());
    let mut connection = Layer2Connection::default();
    connection.id = Some("c-1".into());
    mock.create_layer2_connection(
        |when| when.company_username("acme").body(&expected_connection),
        |then| then.ok(&connection),
    )
    .await;

    let made = provision(&client(&mock), "acme", "dcf-1", "p-partner")
        .await
        .unwrap();
    assert_eq!(made.id.as_deref(), Some("c-1"));
    mock.verify().await;

    // What the client sent: four calls to the order, one connection, with the key.
    let sent = mock.received_requests().await;
    let paths: Vec<String> = sent.iter().map(|r| r.url.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "/api/company/acme/ports/orders",
            "/api/company/acme/ports/orders/o-1",
            "/api/company/acme/ports/orders/o-1",
            "/api/company/acme/ports/orders/o-1",
            "/api/v2/company/acme/connections/layer2",
        ],
        "{paths:?}"
    );
    assert!(
        sent.iter()
            .all(|r| r.headers.get("authorization").map(|v| v.as_bytes())
                == Some(b"Bearer test-key".as_slice()))
    );
}

#[tokio::test]
async fn documented_errors_are_answered_typed() {
    let mock = MockServer::start().await;
    let mut problem = consoleconnect::types::Error::default();
    problem.message = Some("speed not offered here".into());
    mock.create_port_order(|when| when, |then| then.bad_request(&problem))
        .await;
    let request =
        CreatePortOrderRequest::new("dcf-1", 9999, "x", PaymentType::Invoice, DurationUnit::M);
    let err = client(&mock)
        .create_port_order("acme", request)
        .send()
        .await
        .unwrap_err();
    let Error::Api {
        body: CreatePortOrderError::BadRequest(body),
        response,
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!(response.status.as_u16(), 400);
    assert_eq!(body.message.as_deref(), Some("speed not offered here"));
}

#[tokio::test]
async fn a_request_the_expectations_do_not_match_is_not_answered_as_they_say() {
    let mock = MockServer::start().await;
    mock.get_port_order(
        |when| when.order_id("o-1"),
        |then| then.ok(&order(PortOrderStatus::Done, Some("p"))),
    )
    .await;
    // Another order id: wiremock's 404, which the operation does not document.
    let err = client(&mock)
        .get_port_order("acme", "o-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    // Nor is a body other than the one expected.
    let expected =
        CreatePortOrderRequest::new("dcf-1", 1000, "x", PaymentType::Invoice, DurationUnit::M);
    mock.create_port_order(
        |when| when.body(&expected),
        |then| then.ok(&order(PortOrderStatus::Created, None)),
    )
    .await;
    let mut other = expected.clone();
    other.speed = 10_000;
    let err = client(&mock)
        .create_port_order("acme", other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err:?}");
    let ok = client(&mock)
        .create_port_order("acme", expected)
        .send()
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    // And the expectation that was not met fails the test.
    let unmet = std::panic::AssertUnwindSafe(mock.verify())
        .catch_unwind()
        .await;
    assert!(unmet.is_err(), "an unmet expectation must fail verify()");
    // Dropping a server with unmet expectations panics too; keep it quiet here.
    std::mem::forget(mock);
}
