//! Objects that nest objects stay small by value (`tests/specs/large.yaml`):
//! members whose type is large are boxed, so a full tree decodes and goes back
//! byte for byte on a thread with a small stack, as a body and through the client.

use consoleconnect_tests::snapshot_large::client::GetTreeError;
use consoleconnect_tests::snapshot_large::types::{
    Failure, Leaf, Level0, Level1, Level2, Level3, Level4, Level5, Shape,
};
use consoleconnect_tests::snapshot_large::{Client, Error};
use serde_json::{Value, json};
use std::mem::size_of;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A stack far smaller than a tokio worker's 2 MiB: held by value, `Level0`
/// alone would be hundreds of kilobytes, several times over while decoding.
const SMALL_STACK: usize = 256 * 1024;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(f)
        .unwrap()
        .join()
        .expect("ran within a 256 KiB stack")
}

fn leaf(tag: &str) -> Value {
    let mut leaf = serde_json::Map::new();
    for c in "abcdefghijkl".chars() {
        leaf.insert(c.to_string(), json!(format!("{tag}-{c}")));
    }
    Value::Object(leaf)
}

/// A level with every member present: `depth` levels of three children each.
fn level(depth: usize, tag: &str) -> Value {
    let child = |side: &str| {
        let tag = format!("{tag}.{side}");
        if depth == 5 {
            leaf(&tag)
        } else {
            level(depth + 1, &tag)
        }
    };
    json!({
        "name": tag,
        "left": child("l"),
        "middle": child("m"),
        "right": if depth.is_multiple_of(2) { child("r") } else { Value::Null },
        "leaves": [leaf(&format!("{tag}.0")), leaf(&format!("{tag}.1"))],
        "byName": {"x": leaf(&format!("{tag}.x"))},
    })
}

#[test]
fn every_type_is_small_by_value() {
    for (name, size) in [
        ("Leaf", size_of::<Leaf>()),
        ("Level0", size_of::<Level0>()),
        ("Level1", size_of::<Level1>()),
        ("Level2", size_of::<Level2>()),
        ("Level3", size_of::<Level3>()),
        ("Level4", size_of::<Level4>()),
        ("Level5", size_of::<Level5>()),
        ("Failure", size_of::<Failure>()),
        ("Shape", size_of::<Shape>()),
    ] {
        assert!(size <= 1024, "{name} is {size} bytes by value");
    }
}

#[test]
fn a_full_tree_decodes_and_round_trips_on_a_small_stack() {
    let text = serde_json::to_string(&level(0, "t")).unwrap();
    let back = on_small_stack(move || {
        let tree: Level0 = serde_json::from_str(&text).expect("decodes");
        assert_eq!(tree.middle.middle.name.as_deref(), Some("t.m.m"));
        assert!(matches!(tree.right, Some(Some(_))));
        assert_eq!(
            tree.middle.right,
            Some(None),
            "null is kept apart from absent"
        );
        (text, serde_json::to_string(&tree).unwrap())
    });
    assert_eq!(back.1, back.0, "re-encoded differently");

    let shape: Shape = serde_json::from_value(level(3, "s")).unwrap();
    assert!(matches!(shape, Shape::Level3(_)), "{shape:?}");
    assert!(matches!(
        serde_json::from_value::<Shape>(json!("text")).unwrap(),
        Shape::String(_)
    ));
}

#[test]
fn the_client_decodes_a_large_error_body_on_a_small_stack() {
    let failure = json!({"message": "too deep", "tree": level(0, "e")});
    let tree = level(0, "ok");
    on_small_stack(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let server = MockServer::start().await;
            Mock::given(method("GET"))
                .and(path("/trees/good"))
                .respond_with(ResponseTemplate::new(200).set_body_json(&tree))
                .mount(&server)
                .await;
            Mock::given(method("GET"))
                .and(path("/trees/bad"))
                .respond_with(ResponseTemplate::new(500).set_body_json(&failure))
                .mount(&server)
                .await;
            let client = Client::new(server.uri()).unwrap();
            let got = Box::pin(client.get_tree("good").send()).await.unwrap();
            assert_eq!(serde_json::to_value(&*got).unwrap(), tree);
            let err = Box::pin(client.get_tree("bad").send()).await.unwrap_err();
            let Error::Api {
                body: GetTreeError::Default(body),
                response,
            } = err
            else {
                panic!("{err:?}")
            };
            assert_eq!(response.status.as_u16(), 500);
            assert_eq!(serde_json::to_value(&body).unwrap(), failure);
        });
    });
}
