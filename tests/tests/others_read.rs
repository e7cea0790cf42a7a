//! Documents other tools read, which this generator once refused or read wrong
//! (issue #21), each part of `tests/specs/others_read.yaml`: a flow collection
//! closed at its key's indentation, merge keys, a key written twice, a media
//! type given as a `$ref`, and a `$ref` to a schema nobody defined.

use consoleconnect_tests::snapshot_others_read::{Client, types};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn spec() -> String {
    let root = consoleconnect_tests::workspace_root();
    std::fs::read_to_string(root.join("tests/specs/others_read.yaml")).unwrap()
}

#[test]
fn every_class_is_read_and_reported_where_it_is() {
    let text = spec();
    let diagnostics = codegen::validate(&text);
    let find = |code: &str| {
        diagnostics
            .iter()
            .find(|d| d.code.as_str() == code)
            .unwrap_or_else(|| panic!("no {code}: {diagnostics:?}"))
    };
    // `validate` calls each violation an error; `generate` goes past it.
    let duplicate = find("duplicate-key");
    assert!(duplicate.is_error() && !duplicate.is_fatal());
    assert!(
        duplicate.message.contains("lines 32 and 41"),
        "{}",
        duplicate.message
    );
    assert_eq!(duplicate.position, Some((41, 5)));
    let dangling = find("unresolved-ref");
    assert!(dangling.is_error() && !dangling.is_fatal());
    assert_eq!(
        dangling.pointer,
        "#/components/schemas/Owned/properties/licence/$ref"
    );
    let media = find("ref-not-allowed");
    assert!(!media.is_error());
    assert!(diagnostics.iter().all(|d| !d.is_fatal()), "{diagnostics:?}");
    let out = codegen::generate(
        &text,
        &codegen::Settings::new("others", "test", "others_read.yaml"),
    )
    .expect("generated");
    assert!(out.stats.operations == 2, "getPet gave way to fetchPet");
}

#[test]
fn merged_members_dangling_refs_and_the_later_key_are_in_the_types() {
    // `Full: {<<: *base, required: [id]}`: the base's members, `id` now required.
    let full = types::Full::new("p1".to_string());
    assert_eq!(full.name, None);
    // `Owned` has its own `properties`, which replace the merged ones; the
    // `$ref` to a schema nobody defined is any JSON value.
    let owned: types::Owned =
        serde_json::from_value(json!({"id": "p2", "licence": {"any": ["thing", 1]}})).unwrap();
    assert_eq!(owned.licence, Some(json!({"any": ["thing", 1]})));
}

#[tokio::test]
async fn the_flow_enum_and_the_referenced_media_type_work_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/pets"))
        .and(query_param("kind", "dog"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "p1", "name": "Rex"}])),
        )
        .mount(&server)
        .await;
    let client = Client::new(server.uri()).unwrap();
    let pets = client
        .list_pets()
        .kind(types::ListPetsKind::Dog)
        .send()
        .await
        .unwrap();
    assert_eq!(pets[0].id, "p1");
    assert_eq!(pets[0].name.as_deref(), Some("Rex"));
    // The path item's second `get` is the one kept.
    Mock::given(method("GET"))
        .and(path("/pets/p1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "p1"})))
        .mount(&server)
        .await;
    assert_eq!(client.fetch_pet("p1").send().await.unwrap().id, "p1");
}
