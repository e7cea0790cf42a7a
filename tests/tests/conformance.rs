//! The calling half of `cargo xtask conformance`'s drivers (`xtask/src/conformance/
//! calls.rs`, compiled by the tests crate against the Console Connect crate): what
//! it makes of each answer a Prism mock can give.

// The drivers' line protocol again, for its own unit tests: they run here, as the
// tests crate's library is not built as a test harness (tests/Cargo.toml).
#[allow(dead_code)]
#[path = "../../xtask/src/conformance/support.rs"]
mod protocol;

use consoleconnect::{Client, RetryPolicy};
use consoleconnect_tests::calls::{called, prism_error, request_errors};
use consoleconnect_tests::support::Called;
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(response)
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(RetryPolicy::none())
        .api_key("k")
        .build()
        .unwrap();
    (server, client)
}

/// Prism's answer to a request that breaks a document with no 422 of its own.
fn prism_422() -> serde_json::Value {
    json!({
        "type": "https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY",
        "title": "Invalid request",
        "status": 422,
        "detail": "Your request is not valid and no HTTP validation response was found in the spec, so Prism is generating this error for you.",
        "validation": [{"location": ["query", "n"], "severity": "Error", "code": "type", "message": "Request query parameter n must be integer"}]
    })
}

#[tokio::test]
async fn a_request_prism_rejects_is_a_violation_not_an_answer() {
    let (_server, client) = answering(
        ResponseTemplate::new(422)
            .insert_header("content-type", "application/problem+json")
            .set_body_json(prism_422()),
    )
    .await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!(c.status, Some(422));
    let v = c.violations.expect("a violation");
    assert!(
        v.contains("query.n: Request query parameter n must be integer"),
        "{v}"
    );
    assert_eq!(c.error, None);
}

#[tokio::test]
async fn the_violations_header_is_read_from_any_answer() {
    let header = json!([
        {"location": ["request", "query", "n"], "severity": "Error", "code": "type", "message": "n must be integer"},
        {"location": ["request", "query", "team"], "severity": "Warning", "code": "deprecated", "message": "team is deprecated"},
        {"location": ["response", "body", "url"], "severity": "Error", "code": "format", "message": "url must match format \"uri\""}
    ]);
    let (_server, client) = answering(
        ResponseTemplate::new(200)
            .insert_header("sl-violations", header.to_string().as_str())
            .set_body_json(json!({"id": "m"})),
    )
    .await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!(c.status, Some(200));
    // Only the request's errors: a warning, or Prism's answer breaking the
    // document (its example's fault), is not the request's.
    assert_eq!(c.violations.as_deref(), Some("n must be integer"));
}

#[test]
fn a_header_of_warnings_and_answer_errors_is_no_violation() {
    let header = json!([
        {"location": ["request", "query", "team"], "severity": "Warning", "message": "deprecated"},
        {"location": ["response", "body"], "severity": "Error", "message": "bad example"}
    ]);
    assert_eq!(request_errors(&header.to_string()), None);
    assert_eq!(request_errors("garbled").as_deref(), Some("garbled"));
    let many = format!(
        "Too many violations! {}",
        json!([{"location": ["request", "body"], "severity": "Error", "message": "x is required"}])
    );
    assert_eq!(request_errors(&many).as_deref(), Some("x is required"));
    // Cut short: whole when it names the request, nothing when only the answer.
    let cut = r#"Too many violations! [{"location":["response","body"],"severity":"Error"},{"loc"#;
    assert_eq!(request_errors(cut), None);
    let cut = r#"Too many violations! [{"location":["request","body"],"severity":"Error"},{"loc"#;
    assert_eq!(request_errors(cut).as_deref(), Some(cut));
}

#[tokio::test]
async fn documented_answers_are_fine_and_undecodable_ones_are_errors() {
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"id": "m"}))).await;
    assert_eq!(
        called(client.get_metro("m").send().await),
        Called {
            status: Some(200),
            ..Called::default()
        }
    );
    // A documented error status is an answer of the document.
    let (_server, client) =
        answering(ResponseTemplate::new(404).set_body_json(json!({"error": "no"}))).await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!((c.status, c.violations, c.error), (Some(404), None, None));
    // A success body that does not decode is the client's failure.
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"id": 5}))).await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!(c.violations, None);
    assert!(c.error.expect("an error").contains("id"));
    // What the server sent is kept, so the harness can tell whose fault it is.
    assert_eq!(c.body.as_deref(), Some(r#"{"id":5}"#));
}

#[tokio::test]
async fn an_operation_the_document_gives_no_response_is_unanswerable_not_a_violation() {
    let (_server, client) = answering(
        // What Prism 5.16 sends, its spelling of the kind included.
        ResponseTemplate::new(500).set_body_json(json!({
            "type": "https://stoplight.io/prism/errors#NO_RESPONSE_RESPONSE_DEFINED",
            "title": "No response defined for the selected operation",
            "status": 500
        })),
    )
    .await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!((c.violations, c.error), (None, None));
    assert!(
        c.unanswered
            .expect("unanswered")
            .contains("No response defined")
    );
    // Nor when it cannot write the documented body (a schema-less `*/*`).
    let (_server, client) = answering(ResponseTemplate::new(500).set_body_json(json!({
        "type": "https://stoplight.io/prism/errors#NO_COMPLEX_OBJECT_TEXT",
        "title": "Cannot serialise complex objects as text",
        "status": 500
    })))
    .await;
    let c = called(client.get_metro("m").send().await);
    assert_eq!((c.violations, c.error), (None, None));
    assert!(c.unanswered.is_some());
}

#[test]
fn only_prism_s_own_problems_count_as_violations() {
    let (kind, _) = prism_error(prism_422().to_string().as_bytes()).expect("Prism's");
    assert_eq!(kind, "UNPROCESSABLE_ENTITY");
    let other = json!({"type": "https://example.com/probs/out-of-credit", "title": "x"});
    assert_eq!(prism_error(other.to_string().as_bytes()), None);
    assert_eq!(prism_error(b"not json"), None);
}
