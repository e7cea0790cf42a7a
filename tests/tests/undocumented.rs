//! What documents do not say, read without losing anything (the client of
//! `tests/specs/undocumented.yaml`, compiled into this crate as
//! `snapshot_undocumented`):
//!
//! - a 2xx status an operation does not list decodes as its one success type and
//!   keeps its status; a body that is not that type is `UnexpectedStatus`;
//! - an error status it does not list is tried against its `default` response;
//! - an explicit `null` in an optional member the document does not mark
//!   nullable is written back exactly as it came.

use consoleconnect_tests::snapshot_undocumented::client::{
    DeletePetError, GetPetError, ListPetsResponse,
};
use consoleconnect_tests::snapshot_undocumented::{Client, Error, types};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .retry(consoleconnect_tests::snapshot_undocumented::RetryPolicy::none())
        .build()
        .unwrap();
    (server, client)
}

async fn answer(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

fn pet() -> Value {
    json!({"id": "p1", "note": "good", "age": 3})
}

#[tokio::test]
async fn an_undocumented_2xx_decodes_as_the_one_success_type_and_keeps_its_status() {
    let (server, client) = setup().await;
    // The document says 200; the server answers 201 Created, as FastAPI ones do.
    answer(
        &server,
        "PUT",
        "/pets/p1",
        ResponseTemplate::new(201).set_body_json(pet()),
    )
    .await;
    answer(
        &server,
        "GET",
        "/pets/p1",
        ResponseTemplate::new(203).set_body_json(pet()),
    )
    .await;
    let body: types::Pet = serde_json::from_value(pet()).unwrap();
    let stored = client.put_pet("p1", body.clone()).send().await.unwrap();
    assert_eq!(stored.status(), 201);
    assert_eq!(stored.into_inner(), body);
    // With a `default` error response too: 2xx is not an error.
    let got = client.get_pet("p1").send().await.unwrap();
    assert_eq!(
        (got.status().as_u16(), got.note.as_deref()),
        (203, Some("good"))
    );
}

#[tokio::test]
async fn an_undocumented_2xx_that_is_not_the_success_type_is_unexpected_with_its_body() {
    let (server, client) = setup().await;
    let odd = r#"{"queued": "later"}"#;
    answer(
        &server,
        "GET",
        "/pets/p1",
        ResponseTemplate::new(202).set_body_string(odd),
    )
    .await;
    match client.get_pet("p1").send().await {
        Err(Error::UnexpectedStatus(r)) => {
            assert_eq!(r.status, 202);
            assert_eq!(&r.body[..], odd.as_bytes());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn undocumented_2xx_of_other_success_kinds() {
    let (server, client) = setup().await;
    // A text success: any UTF-8 text.
    answer(
        &server,
        "GET",
        "/notes/n1",
        ResponseTemplate::new(203).set_body_string("hé"),
    )
    .await;
    let note = client.get_note("n1").send().await.unwrap();
    assert_eq!((note.status().as_u16(), note.as_str()), (203, "hé"));
    answer(
        &server,
        "GET",
        "/notes/n2",
        ResponseTemplate::new(203).set_body_bytes(vec![0xff, 0xfe]),
    )
    .await;
    assert!(matches!(
        client.get_note("n2").send().await,
        Err(Error::UnexpectedStatus(r)) if r.status == 203 && r.body[..] == [0xff, 0xfe]
    ));
    // A success without a body: an empty one; a body would be lost, so it is unexpected.
    answer(&server, "DELETE", "/pets/gone", ResponseTemplate::new(200)).await;
    assert_eq!(
        client.delete_pet("gone").send().await.unwrap().status(),
        200
    );
    answer(
        &server,
        "DELETE",
        "/pets/p1",
        ResponseTemplate::new(200).set_body_json(pet()),
    )
    .await;
    match client.delete_pet("p1").send().await {
        Err(Error::UnexpectedStatus(r)) => assert_eq!(r.text(), pet().to_string()),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn with_several_success_types_an_undocumented_2xx_stays_unexpected() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/pets",
        ResponseTemplate::new(201).set_body_json(json!([pet()])),
    )
    .await;
    match client.list_pets().send().await {
        Err(Error::UnexpectedStatus(r)) => assert_eq!(r.status, 201),
        other => panic!("{other:?}"),
    }
    server.reset().await;
    answer(
        &server,
        "GET",
        "/pets",
        ResponseTemplate::new(202).set_body_json(json!({"ticket": "t"})),
    )
    .await;
    let r = client.list_pets().send().await.unwrap();
    assert!(
        matches!(r.into_inner(), ListPetsResponse::Accepted(t) if t.ticket.as_deref() == Some("t"))
    );
}

#[tokio::test]
async fn an_undocumented_error_is_tried_against_default_and_keeps_its_raw_body() {
    let (server, client) = setup().await;
    let problem = json!({"title": "teapot", "detail": "short and stout"});
    answer(
        &server,
        "GET",
        "/pets/tea",
        ResponseTemplate::new(418).set_body_json(&problem),
    )
    .await;
    match client.get_pet("tea").send().await {
        Err(Error::Api {
            body: GetPetError::Default(p),
            response,
        }) => {
            assert_eq!(
                (p.title.as_str(), response.status.as_u16()),
                ("teapot", 418)
            );
            assert_eq!(
                serde_json::from_slice::<Value>(&response.body).unwrap(),
                problem
            );
        }
        other => panic!("{other:?}"),
    }
    // A proxy's page is not the `default` type: unexpected, with every byte kept.
    let page = "<html><body>502 Bad Gateway</body></html>";
    answer(
        &server,
        "GET",
        "/pets/proxy",
        ResponseTemplate::new(502).set_body_string(page),
    )
    .await;
    match client.get_pet("proxy").send().await {
        Err(Error::UnexpectedStatus(r)) => {
            assert_eq!((r.status.as_u16(), r.text().as_ref()), (502, page))
        }
        other => panic!("{other:?}"),
    }
    // A listed error status whose body is not its type is still a decoding error.
    answer(
        &server,
        "GET",
        "/pets/missing",
        ResponseTemplate::new(404).set_body_string(page),
    )
    .await;
    assert!(matches!(
        client.get_pet("missing").send().await,
        Err(Error::Decode { response, .. }) if response.status == 404
    ));
    // A text `default` takes any body; without `default`, any other status is unexpected.
    answer(
        &server,
        "DELETE",
        "/pets/locked",
        ResponseTemplate::new(423).set_body_string("locked"),
    )
    .await;
    assert!(matches!(
        client.delete_pet("locked").send().await,
        Err(Error::Api { body: DeletePetError::Default(t), .. }) if t == "locked"
    ));
    answer(
        &server,
        "PUT",
        "/pets/p2",
        ResponseTemplate::new(409).set_body_json(&problem),
    )
    .await;
    let body: types::Pet = serde_json::from_value(pet()).unwrap();
    match client.put_pet("p2", body).send().await {
        Err(Error::UnexpectedStatus(r)) => {
            assert_eq!(serde_json::from_slice::<Value>(&r.body).unwrap(), problem)
        }
        other => panic!("{other:?}"),
    }
}

/// A pet with explicit nulls in optional members the document does not mark
/// nullable, at the top and inside, next to a nullable one and an unknown one.
fn pet_with_nulls() -> Value {
    json!({
        "id": "p1",
        "note": null,
        "age": null,
        "owner": {"name": null, "since": "2024-05-01T10:00:00+02:00"},
        "tags": null,
        "tag": null,
        "colour": null
    })
}

#[test]
fn explicit_nulls_in_optional_members_are_written_back_exactly() {
    let text = pet_with_nulls().to_string();
    let pet: types::Pet = serde_json::from_str(&text).unwrap();
    // The fields keep their plain types: a null reads as absent…
    assert_eq!(
        (pet.note.as_deref(), pet.age, pet.tags.as_ref()),
        (None, None, None)
    );
    assert_eq!(pet.owner.as_ref().unwrap().name, None);
    assert_eq!(
        pet.tag,
        Some(None),
        "a nullable member tells null apart itself"
    );
    // …and the nulls are kept with the other members, under their names.
    assert_eq!(pet.extra.get("note"), Some(&Value::Null));
    let back: Value = serde_json::to_value(&pet).unwrap();
    assert_eq!(back, pet_with_nulls());
    // In the order they came, too.
    let keys = |v: &Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&back)[..6],
        keys(&pet_with_nulls())[..6],
        "members in the document's order"
    );
}

#[test]
fn a_member_set_after_a_null_was_read_is_written_once_with_its_value() {
    let mut pet: types::Pet = serde_json::from_value(pet_with_nulls()).unwrap();
    pet.note = Some("now known".into());
    pet.age = Some(4);
    let back = serde_json::to_string(&pet).unwrap();
    assert_eq!(back.matches("\"note\"").count(), 1, "{back}");
    let back: Value = serde_json::from_str(&back).unwrap();
    assert_eq!(
        (back["note"].clone(), back["age"].clone()),
        (json!("now known"), json!(4))
    );
    // Unset again, the member is as it came; removing the kept entry leaves it out.
    pet.note = None;
    assert_eq!(serde_json::to_value(&pet).unwrap()["note"], Value::Null);
    pet.extra.remove("note");
    assert!(serde_json::to_value(&pet).unwrap().get("note").is_none());
}

#[test]
fn a_value_read_with_nulls_differs_from_one_built_without() {
    let read: types::Pet = serde_json::from_value(json!({"id": "p1", "note": null})).unwrap();
    let built = types::Pet::new("p1");
    // They serialise differently, so they are not equal; without the null, they are.
    assert_ne!(read, built);
    let read: types::Pet = serde_json::from_value(json!({"id": "p1"})).unwrap();
    assert_eq!(read, built);
    assert_eq!(types::Owner::default().extra.len(), 0);
}

#[test]
fn typed_additional_members_keep_nulls_when_they_may_be_null() {
    let labels = json!({"name": null, "a": "x", "b": null});
    let l: types::Labels = serde_json::from_value(labels.clone()).unwrap();
    assert_eq!((l.name.as_deref(), l.extra.get("b")), (None, Some(&None)));
    assert_eq!(serde_json::to_value(&l).unwrap(), labels);
}

#[tokio::test]
async fn nulls_from_a_server_go_back_to_it_unchanged() {
    let (server, client) = setup().await;
    answer(
        &server,
        "GET",
        "/pets/p1",
        ResponseTemplate::new(200).set_body_json(pet_with_nulls()),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path("/pets/p1"))
        .and(body_json(pet_with_nulls()))
        .respond_with(ResponseTemplate::new(200).set_body_json(pet_with_nulls()))
        .expect(1)
        .mount(&server)
        .await;
    let pet = client.get_pet("p1").send().await.unwrap().into_inner();
    let stored = client.put_pet("p1", pet.clone()).send().await.unwrap();
    assert_eq!(stored.into_inner(), pet);
}
