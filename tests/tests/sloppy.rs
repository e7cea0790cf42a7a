//! Documents that break the specification in ways real ones do still make a
//! working client (`tests/specs/sloppy.yaml`), and names the client uses for itself
//! can be taken by a document without a collision (`tests/specs/reserved_names.yaml`).

use consoleconnect_tests::snapshot_reserved_names as reserved;
use consoleconnect_tests::snapshot_sloppy::client::GetAccountError;
use consoleconnect_tests::snapshot_sloppy::{Client, Error, types};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_sloppy_document_makes_a_working_client() {
    let server = MockServer::start().await;
    let client = Client::new(server.uri()).unwrap();
    // `responses: {200: {$ref: <a schema>}}` with `type: list`: a JSON array body.
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("sort", "name"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": 1, "tags": ["a"], "balance": 2.5}])),
        )
        .mount(&server)
        .await;
    let list = client.list_accounts().sort("name").send().await.unwrap();
    // `type: long` is an integer; `required: true` on the property made it required.
    assert_eq!(list[0].id, 1_i64);
    assert_eq!(list[0].tags.as_deref(), Some(&["a".to_string()][..]));

    // A response `$ref` to `#/paths/~1accounts/get/responses/401` is that response.
    Mock::given(method("GET"))
        .and(path("/accounts/7"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"message": "who?"})))
        .mount(&server)
        .await;
    match client.get_account(7).send().await {
        Err(Error::Api {
            body: GetAccountError::Unauthorized(b),
            ..
        }) => {
            assert_eq!(b.message.as_deref(), Some("who?"))
        }
        other => panic!("{other:?}"),
    }

    // The duplicate operationId got a numbered method; a path item `$ref` was followed
    // and its body `$ref` to a schema is a JSON body.
    Mock::given(method("GET"))
        .and(path("/accounts/x/copy"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 2})))
        .mount(&server)
        .await;
    assert_eq!(client.get_account2("x").send().await.unwrap().id, 2);
    Mock::given(method("POST"))
        .and(path("/shared"))
        .and(body_json(json!({"id": 3})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    client.share(types::Account::new(3)).send().await.unwrap();
}

#[tokio::test]
async fn the_clients_own_names_taken_by_a_document_do_not_collide() {
    let server = MockServer::start().await;
    let client = reserved::Client::builder()
        .base_url(server.uri())
        .authorize("t0k3n")
        .timeout2("d")
        .retry(reserved::RetryPolicy::none())
        .build()
        .unwrap();
    Mock::given(method("GET"))
        .and(path("/a"))
        .and(header("authorization", "Bearer t0k3n"))
        .and(query_param("client", "c"))
        .and(query_param("send", "s"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"client": "x", "extra": "y", "more": 1})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // `Clone` is still `Clone`, not the operation named `clone`.
    let copy = client.clone();
    let out = copy
        .authorize()
        .client("c")
        .send2("s")
        .with_retry(reserved::RetryPolicy::none())
        .send()
        .await
        .unwrap();
    assert_eq!(out.client.as_deref(), Some("x"));
    assert_eq!(out.extra.as_deref(), Some("y"));
    assert_eq!(out.extra2["more"], 1);
    Mock::given(method("GET"))
        .and(path("/h"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    copy.clone2().send().await.unwrap();
}

/// The focused document takes every name of the generator's registry, so the
/// compile test of its snapshot covers them all.
#[test]
fn the_reserved_names_document_covers_the_registry() {
    let text = std::fs::read_to_string(
        consoleconnect_tests::workspace_root().join("tests/specs/reserved_names.yaml"),
    )
    .unwrap();
    let doc: serde_json::Value = serde_yaml::from_str(&text).unwrap();
    let mut taken: Vec<String> = Vec::new();
    for item in doc["paths"].as_object().unwrap().values() {
        let op = &item["get"];
        taken.extend(op["operationId"].as_str().map(str::to_string));
        for p in op["parameters"].as_array().into_iter().flatten() {
            taken.extend(p["name"].as_str().map(str::to_string));
        }
    }
    taken.extend(
        doc["components"]["securitySchemes"]
            .as_object()
            .unwrap()
            .keys()
            .cloned(),
    );
    taken.extend(
        doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned(),
    );
    use codegen::reserved::*;
    let lists: [(&str, &[&str]); 4] = [
        ("CLIENT", CLIENT),
        ("CLIENT_BUILDER", CLIENT_BUILDER),
        ("REQUEST_BUILDER", REQUEST_BUILDER),
        ("CLIENT_MODULE_TYPES", CLIENT_MODULE_TYPES),
    ];
    for (list, names) in lists {
        for name in names {
            assert!(
                taken.iter().any(|t| t == name),
                "`{name}` ({list}) is not taken by tests/specs/reserved_names.yaml"
            );
        }
    }
}
