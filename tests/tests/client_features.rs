//! Generic client features, exercised through the client generated from
//! `tests/specs/client.yaml` (compiled into this crate as `snapshot_client`):
//! parameter styles, every body kind, several success types, ranges, and each kind
//! of security scheme.

use consoleconnect_tests::snapshot_client::client::{GetPartError, PostItemsResponse};
use consoleconnect_tests::snapshot_client::{Client, Error, types};
use serde_json::json;
use wiremock::matchers::{body_string, header, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server_and_client(
    configure: impl FnOnce(
        consoleconnect_tests::snapshot_client::ClientBuilder,
    ) -> consoleconnect_tests::snapshot_client::ClientBuilder,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = configure(Client::builder().base_url(format!("{}/v1", server.uri())))
        .build()
        .unwrap();
    (server, client)
}

fn part() -> serde_json::Value {
    json!({"name": "bolt", "weight": 1.5})
}

#[tokio::test]
async fn query_parameters_follow_their_style() {
    let (server, client) = server_and_client(|b| b.bearer("t0k3n")).await;
    Mock::given(method("GET"))
        .and(path("/v1/items/42/parts/a%20b"))
        .and(header("authorization", "Bearer t0k3n"))
        .and(header("x-request-id", "r-1"))
        .and(header("cookie", "session=s3"))
        .and(query_param("ids", "1,2,3"))
        .and(query_param("filter[name]", "nut"))
        .and(query_param("filter[size]", "8"))
        .and(query_param("where", r#"{"colour":"red"}"#))
        .and(query_param("client", "me"))
        .and(|req: &Request| {
            let tags: Vec<String> = req
                .url
                .query_pairs()
                .filter(|(k, _)| k == "tags")
                .map(|(_, v)| v.into_owned())
                .collect();
            tags == ["x", "y"]
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(part()))
        .expect(1)
        .mount(&server)
        .await;
    // Generated structs are `#[non_exhaustive]` (a new member is not a breaking
    // change): start from `default()` or `new(…)` and set members.
    let mut filter = types::GetPartFilter::default();
    filter.name = Some("nut".into());
    filter.size = Some(8);
    let mut r#where = serde_json::Map::new();
    r#where.insert("colour".into(), json!("red"));
    let found = client
        .get_part(42, "a b", r#where)
        .tags(vec!["x".to_string(), "y".to_string()])
        .ids(vec![1, 2, 3])
        .filter(filter)
        .x_request_id("r-1")
        .session("s3")
        .client("me")
        .send()
        .await
        .unwrap();
    assert_eq!(found.name, "bolt");
    assert_eq!(found.weight, Some(1.5));
}

#[tokio::test]
async fn statuses_map_to_their_documented_cases() {
    let (server, client) = server_and_client(|b| b.key("k-1")).await;
    for (part_name, status) in [("missing", 404u16), ("teapot", 418), ("broken", 500)] {
        let response = match status {
            404 => ResponseTemplate::new(404)
                .set_body_json(json!({"title": "no such part", "status": 404})),
            418 => ResponseTemplate::new(418),
            _ => ResponseTemplate::new(500).set_body_string("disk on fire"),
        };
        Mock::given(method("GET"))
            .and(path(format!("/v1/items/1/parts/{part_name}")))
            .and(header("x-api-key", "k-1"))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    let empty = serde_json::Map::new();
    let err = client
        .get_part(1, "missing", empty.clone())
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err.api_error(), Some(GetPartError::NotFound(p)) if p.title.as_deref() == Some("no such part")),
        "{err:?}"
    );
    let err = client
        .get_part(1, "teapot", empty.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.api_error(), Some(&GetPartError::ClientError));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    let err = client
        .get_part(1, "broken", empty)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.api_error(),
        Some(&GetPartError::Default("disk on fire".into()))
    );
}

#[tokio::test]
async fn several_success_bodies_become_an_enum() {
    let (server, client) = server_and_client(|b| b).await;
    let replies = [
        ResponseTemplate::new(201).set_body_json(part()),
        ResponseTemplate::new(202).set_body_json(json!({"ticket": "T-9"})),
        ResponseTemplate::new(204),
    ];
    for reply in replies {
        Mock::given(method("POST"))
            .and(path("/v1/items"))
            .and(header("content-type", "application/json"))
            .respond_with(reply)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let body = types::Part::new("bolt");
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(
            client
                .post_items(body.clone())
                .send()
                .await
                .unwrap()
                .into_inner(),
        );
    }
    assert!(
        seen.iter()
            .any(|r| matches!(r, PostItemsResponse::Created(p) if p.name == "bolt")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(
            |r| matches!(r, PostItemsResponse::Accepted(a) if a.ticket.as_deref() == Some("T-9"))
        ),
        "{seen:?}"
    );
    assert!(seen.contains(&PostItemsResponse::NoContent), "{seen:?}");
}

#[tokio::test]
async fn form_bodies_use_bracket_notation_and_skip_auth_when_the_operation_says_so() {
    let (server, client) = server_and_client(|b| b.bearer("secret")).await;
    Mock::given(method("PUT"))
        .and(path("/v1/forms"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("name=Ada+L&meta%5Brole%5D=admin"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let mut meta = std::collections::BTreeMap::new();
    meta.insert("role".to_string(), "admin".to_string());
    let mut body = types::SubmitFormBody::default();
    body.name = Some("Ada L".into());
    body.meta = Some(meta);
    let done = client.submit_form().body(body).send().await.unwrap();
    assert_eq!(done.status(), 204);
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(
        !sent.headers.contains_key("authorization"),
        "security: [] means no credentials"
    );
}

#[tokio::test]
async fn multipart_bodies_and_basic_auth() {
    let (server, client) = server_and_client(|b| b.basic("ada", "pw")).await;
    Mock::given(method("POST"))
        .and(path("/v1/upload"))
        .and(header("authorization", "Basic YWRhOnB3"))
        .and(header_exists("content-type"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(vec![0u8, 159, 146, 150], "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut body = types::UploadBody::default();
    body.title = Some("report".into());
    body.count = Some(3);
    let bytes = client.upload(body).send().await.unwrap();
    assert_eq!(&bytes[..], &[0u8, 159, 146, 150]);
    let sent = &server.received_requests().await.unwrap()[0];
    let content_type = sent.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let text = String::from_utf8_lossy(&sent.body);
    assert!(text.contains("name=\"title\"\r\n\r\nreport"), "{text}");
    assert!(text.contains("name=\"count\"\r\n\r\n3"), "{text}");
}

/// Each attempt builds its request again, so even a multipart body (a stream reqwest
/// cannot copy) is sent whole a second time when a retry is allowed.
#[tokio::test]
async fn a_retried_multipart_body_is_sent_again_whole() {
    let (server, client) = server_and_client(|b| {
        b.basic("ada", "pw").retry(
            consoleconnect_tests::snapshot_client::RetryPolicy::default()
                .retry_non_idempotent(true)
                .backoff(
                    std::time::Duration::from_millis(10),
                    std::time::Duration::from_millis(20),
                ),
        )
    })
    .await;
    Mock::given(method("POST"))
        .and(path("/v1/upload"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/upload"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![7u8], "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let mut body = types::UploadBody::default();
    body.title = Some("report".into());
    let bytes = client.upload(body).send().await.unwrap();
    assert_eq!(&bytes[..], &[7u8]);
    assert_eq!(bytes.attempts(), 2);
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        let text = String::from_utf8_lossy(&request.body);
        assert!(text.contains("name=\"title\"\r\n\r\nreport"), "{text}");
    }
}

#[tokio::test]
async fn octet_stream_bodies_and_query_api_keys() {
    let (server, client) = server_and_client(|b| b.query_key("qk")).await;
    Mock::given(method("PUT"))
        .and(path("/v1/raw"))
        .and(query_param("api_key", "qk"))
        .and(header("content-type", "application/octet-stream"))
        .and(|req: &Request| req.body == [1u8, 2, 3])
        .respond_with(ResponseTemplate::new(200).set_body_string("got 3 bytes"))
        .expect(1)
        .mount(&server)
        .await;
    let echo = client
        .put_raw(bytes::Bytes::from_static(&[1, 2, 3]))
        .send()
        .await
        .unwrap();
    assert_eq!(echo.as_str(), "got 3 bytes");
}

#[tokio::test]
async fn text_bodies_and_a_default_only_response() {
    let (server, client) = server_and_client(|b| b).await;
    Mock::given(method("POST"))
        .and(path("/v1/notes"))
        .and(header("content-type", "text/plain"))
        .and(body_string("remember the milk"))
        .respond_with(ResponseTemplate::new(299).set_body_json(json!({"saved": true})))
        .expect(1)
        .mount(&server)
        .await;
    let saved = client.post_note("remember the milk").send().await.unwrap();
    assert_eq!(saved.status(), 299);
    assert_eq!(*saved, json!({"saved": true}));
}

#[tokio::test]
async fn the_default_server_has_its_variables_filled_in() {
    assert_eq!(Client::DEFAULT_BASE_URL, "https://eu.example.com/v1");
    let err = Client::builder()
        .base_url("http://127.0.0.1:1")
        .build()
        .unwrap()
        .post_note("x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn accept_names_the_json_media_type_the_document_offers() {
    let (server, client) = server_and_client(|b| b).await;
    Mock::given(method("GET"))
        .and(path("/v1/scim/users/u1"))
        .and(header("accept", "application/scim+json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"userName":"ada"}"#, "application/scim+json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let user = client.get_scim_user("u1").send().await.unwrap();
    assert_eq!(user.user_name.as_deref(), Some("ada"));
}
