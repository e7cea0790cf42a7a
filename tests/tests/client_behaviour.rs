//! The generated Console Connect client against an in-process mock server: for
//! every operation, what goes on the wire (method, path, query, `Authorization`,
//! body) and what comes back (the documented fixture, decoded); then the error paths.

use consoleconnect::client::{
    CreatePortOrderError, GetMetroError, GetPortOrderError, ListPortsError,
};
use consoleconnect::{Client, Error, types};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "test-key-1234";

fn fixture(name: &str) -> Value {
    let path = consoleconnect_tests::examples_dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(KEY)
        .build()
        .unwrap();
    (server, client)
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Every request must carry the key as a bearer token, and only that.
fn authorized() -> wiremock::matchers::HeaderExactMatcher {
    header("authorization", format!("Bearer {KEY}").as_str())
}

#[tokio::test]
async fn create_port_order_sends_the_documented_body() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/api/company/acme/ports/orders"))
        .and(authorized())
        .and(header("content-type", "application/json"))
        .and(body_json(fixture("create-port-order.request.json")))
        .respond_with(ok(fixture("create-port-order.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::CreatePortOrderRequest =
        serde_json::from_value(fixture("create-port-order.request.json")).unwrap();
    let order = client.create_port_order("acme", body).send().await.unwrap();
    assert_eq!(order.status(), 200);
    assert_eq!(order.id.as_deref(), Some("66e28efa04a4727d5387da09"));
    assert_eq!(order.status, Some(types::PortOrderStatus::Created));
    assert_eq!(order.speed.as_ref().and_then(|s| s.value), Some(1000));
}

#[tokio::test]
async fn create_port_order_with_a_typed_body() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/api/company/acme/ports/orders"))
        .and(body_json(json!({
            "paymentType": "invoice",
            "dataCenterFacility": "demodatacenter",
            "speed": 1000,
            "portName": "Demo Port",
            "durationUnit": "y"
        })))
        .respond_with(ok(fixture("create-port-order.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body = types::CreatePortOrderRequest::new(
        "demodatacenter",
        1000,
        "Demo Port",
        types::PaymentType::Invoice,
        types::DurationUnit::Y,
    );
    client.create_port_order("acme", body).send().await.unwrap();
}

#[tokio::test]
async fn list_port_orders() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports/orders"))
        .and(authorized())
        .respond_with(ok(fixture("list-port-orders.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let orders = client.list_port_orders("acme").send().await.unwrap();
    let first = &orders.results.as_ref().unwrap()[0];
    assert_eq!(
        first.created_port_id,
        Some(Some("66ac8136f8ff98229a26f954".to_string()))
    );
    assert_eq!(first.status, Some(types::PortOrderStatus::Done));
}

#[tokio::test]
async fn get_port_order() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(
            "/api/company/acme/ports/orders/56d691309a90128d55831db1",
        ))
        .and(authorized())
        .respond_with(ok(fixture("get-port-order.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let order = client
        .get_port_order("acme", "56d691309a90128d55831db1")
        .send()
        .await
        .unwrap();
    assert_eq!(order.port_name.as_deref(), Some("PORT_1"));
}

#[tokio::test]
async fn request_port_order_loa() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(
            "/api/company/acme/ports/orders/56d691309a90128d55831db1/loa",
        ))
        .and(authorized())
        .respond_with(ok(fixture("request-port-order-loa.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let order = client
        .request_port_order_loa("acme", "56d691309a90128d55831db1")
        .send()
        .await
        .unwrap();
    assert_eq!(order.id.as_deref(), Some("56d691309a90128d55831db1"));
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.body.is_empty(), "the LOA request has no body");
}

#[tokio::test]
async fn list_ports_with_the_deleted_filter() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports"))
        .and(query_param("deleted", "false"))
        .and(authorized())
        .respond_with(ok(fixture("list-ports.s2s.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let ports = client
        .list_ports("acme")
        .deleted("false")
        .send()
        .await
        .unwrap();
    let port = &ports.results.as_ref().unwrap()[0];
    assert_eq!(port.status, Some(types::PortStatus::Active));
    assert_eq!(port.capacity.as_ref().and_then(|c| c.remaining), Some(635));
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(sent.url.query(), Some("deleted=false"));
}

#[tokio::test]
async fn list_ports_without_the_filter_sends_no_query() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports"))
        .respond_with(ok(fixture("list-ports.b2b.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    client.list_ports("acme").send().await.unwrap();
    assert_eq!(
        server.received_requests().await.unwrap()[0].url.query(),
        None
    );
}

#[tokio::test]
async fn get_port_follows_an_orders_created_port_id() {
    let (server, client) = setup().await;
    let port = fixture("list-ports.s2s.response.json")["results"][0].clone();
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports/66ac8136f8ff98229a26f954"))
        .and(authorized())
        .respond_with(ok(port))
        .expect(1)
        .mount(&server)
        .await;
    let port = client
        .get_port("acme", "66ac8136f8ff98229a26f954")
        .send()
        .await
        .unwrap();
    assert_eq!(port.name.as_deref(), Some("XXXX CONNECTIVITY"));
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme%20corp%2Fx%3Fy/ports"))
        .respond_with(ok(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let ports = client.list_ports("acme corp/x?y").send().await.unwrap();
    assert_eq!(ports.results.as_deref().map(<[_]>::len), Some(0));
}

#[tokio::test]
async fn list_company_metros() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/metro/capabilities"))
        .and(authorized())
        .respond_with(ok(fixture("list-company-metros.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let metros = client.list_company_metros("acme").send().await.unwrap();
    let metro = &metros.results.as_ref().unwrap()[0];
    assert_eq!(metro.code.as_deref(), Some("HKG"));
    assert_eq!(
        metro.capabilities.as_ref().and_then(|c| c.layer2),
        Some(true)
    );
}

#[tokio::test]
async fn search_data_center_facilities_sends_the_filter_as_json() {
    let (server, client) = setup().await;
    let filter: types::DataCenterFacilityFilter = serde_json::from_value(json!({
        "where": {"dataCenterFacility.ready": true, "dataCenterFacility.metroId": "xxxxxxxxxxxxxxxxxxxxxxxx"},
        "skip": 0,
        "limit": 100
    }))
    .unwrap();
    Mock::given(method("GET"))
        .and(path("/v2/data-center-facility"))
        .and(authorized())
        .and(|req: &Request| {
            let filter = req.url.query_pairs().find(|(k, _)| k == "filter").map(|(_, v)| v.into_owned());
            filter.and_then(|f| serde_json::from_str::<Value>(&f).ok())
                == Some(json!({
                    "where": {"dataCenterFacility.ready": true, "dataCenterFacility.metroId": "xxxxxxxxxxxxxxxxxxxxxxxx"},
                    "skip": 0,
                    "limit": 100
                }))
        })
        .respond_with(ok(fixture("search-data-center-facilities.response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let found = client
        .search_data_center_facilities(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].username.as_deref(), Some("hkg05"));
}

#[tokio::test]
async fn get_current_user_lists_company_usernames() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/auth/token"))
        .and(authorized())
        .respond_with(ok(json!({
            "id": "5d4d056242fbd3000ab4c01e",
            "username": "ada",
            "companies": [{"id": "5d4d056242fbd3000ab4c01d", "username": "acme"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let me = client.get_current_user().send().await.unwrap();
    assert_eq!(
        me.companies.as_ref().unwrap()[0].username.as_deref(),
        Some("acme")
    );
}

#[tokio::test]
async fn get_metro() {
    let (server, client) = setup().await;
    let metro = fixture("list-company-metros.response.json")["results"][0].clone();
    Mock::given(method("GET"))
        .and(path("/api/metro/21ab4746f3ba6c3462def3e8"))
        .and(authorized())
        .respond_with(ok(metro))
        .expect(1)
        .mount(&server)
        .await;
    let metro = client
        .get_metro("21ab4746f3ba6c3462def3e8")
        .send()
        .await
        .unwrap();
    assert_eq!(metro.name.as_deref(), Some("Hong Kong"));
}

#[tokio::test]
async fn create_layer2_connection_s2s_and_b2b() {
    let (server, client) = setup().await;
    for sample in [
        "create-layer2-connection.s2s.request.json",
        "create-layer2-connection.b2b.request.json",
    ] {
        Mock::given(method("PUT"))
            .and(path("/api/v2/company/acme/connections/layer2"))
            .and(authorized())
            .and(body_json(fixture(sample)))
            .respond_with(ok(json!({
                "id": "66e28efa04a4727d5387da99",
                "type": "LAYER2",
                "status": "CREATING",
                "speed": {"value": 100, "name": "100 Mbps"},
                "name": "DEMO-L2"
            })))
            .expect(1)
            .mount(&server)
            .await;
        let body: types::CreateLayer2ConnectionRequest =
            serde_json::from_value(fixture(sample)).unwrap();
        let connection = client
            .create_layer2_connection("acme", body)
            .send()
            .await
            .unwrap();
        assert_eq!(connection.status, Some(types::ConnectionStatus::Creating));
        server.reset().await;
    }
}

// ---- error paths ----

#[tokio::test]
async fn a_documented_error_is_typed_and_keeps_the_raw_response() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/metro/nope"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "req-42")
                .set_body_json(json!({"error": {"statusCode": 404, "name": "Error", "message": "Metro not found"}})),
        )
        .mount(&server)
        .await;
    let err = client.get_metro("nope").send().await.unwrap_err();
    let Error::Api {
        body: GetMetroError::NotFound(body),
        response,
    } = &err
    else {
        panic!("expected the documented 404, got {err:?}");
    };
    assert_eq!(body.error.as_ref().unwrap()["message"], "Metro not found");
    assert_eq!(response.status, 404);
    assert_eq!(response.headers["x-request-id"], "req-42");
    assert!(response.text().contains("Metro not found"));
    assert_eq!(err.status(), Some(reqwest::StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn another_error_status_falls_to_the_default_response() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/api/company/acme/ports/orders"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"message": "duplicate"})))
        .mount(&server)
        .await;
    let body = types::CreatePortOrderRequest::new(
        "dcf",
        1000,
        "p",
        types::PaymentType::Invoice,
        types::DurationUnit::M,
    );
    let err = client
        .create_port_order("acme", body)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { body: CreatePortOrderError::Default(e), response } if e.message.as_deref() == Some("duplicate") && response.status == 409),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_undocumented_success_status_decodes_as_the_success_type_or_is_kept() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports"))
        .respond_with(ResponseTemplate::new(203).set_body_string("{\"results\": []}"))
        .mount(&server)
        .await;
    let ports = client.list_ports("acme").send().await.unwrap();
    assert_eq!(ports.status(), 203);
    assert_eq!(ports.results.as_deref().map(<[_]>::len), Some(0));
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports"))
        .respond_with(ResponseTemplate::new(203).set_body_string("[\"not a port list\"]"))
        .mount(&server)
        .await;
    let err = client.list_ports("acme").send().await.unwrap_err();
    let Error::UnexpectedStatus(raw) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(raw.status, 203);
    assert_eq!(&raw.body[..], b"[\"not a port list\"]");
    let _: &Error<ListPortsError> = &err;
}

#[tokio::test]
async fn an_html_error_page_is_unexpected_with_the_page() {
    let (server, client) = setup().await;
    let page = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    Mock::given(method("GET"))
        .and(path("/api/company/acme/ports/orders/x"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(page, "text/html"))
        .mount(&server)
        .await;
    let err = client.get_port_order("acme", "x").send().await.unwrap_err();
    // 502 is not listed: the `default` error type is tried, and the page is not one.
    let Error::UnexpectedStatus(response) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status, 502);
    assert_eq!(response.headers["content-type"], "text/html");
    assert_eq!(response.text(), page);
    let _: &Error<GetPortOrderError> = &err;
}

#[tokio::test]
async fn invalid_json_on_success_is_a_decode_error_with_the_body() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/api/metro/m1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"name\": \"Lon", "application/json"),
        )
        .mount(&server)
        .await;
    let err = client.get_metro("m1").send().await.unwrap_err();
    let Error::Decode { response, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "{\"name\": \"Lon");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    // Bind then drop a listener: the port is free and nothing answers on it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let client = Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key(KEY)
        .build()
        .unwrap();
    let err = client.get_metro("m1").send().await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn the_key_is_sent_only_as_a_sensitive_header_and_never_printed() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .mount(&server)
        .await;
    let err = client.get_current_user().send().await.unwrap_err();
    for text in [format!("{client:?}"), format!("{err:?}"), err.to_string()] {
        assert!(!text.contains(KEY), "the key leaked into {text}");
    }
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(!sent.url.as_str().contains(KEY));
}

#[tokio::test]
async fn configuration_errors_are_reported_not_panicked() {
    let err = Client::new("not a url").unwrap_err();
    assert!(err.to_string().contains("invalid base URL"), "{err}");
    let err = Client::new("ftp://example.com").unwrap_err();
    assert!(err.to_string().contains("not http"), "{err}");
    assert_eq!(
        Client::builder().build().unwrap().base_url(),
        Client::DEFAULT_BASE_URL
    );
    assert_eq!(Client::DEFAULT_BASE_URL, "https://api.consoleconnect.com");
}
