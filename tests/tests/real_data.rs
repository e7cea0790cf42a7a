//! What real servers send decodes, and goes back byte for byte (issue: "works on
//! real data"). Each case is a form seen in public vendors' published examples.

use consoleconnect_tests::snapshot_library::types::Money;
use consoleconnect_tests::snapshot_real_data::types::{Event, EventLabel, Owner, Wrapper};
use serde_json::json;

/// Decodes `text` as `T` and encodes it again: the bytes must not change.
fn exact<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> T {
    let value: T =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text} does not decode: {e}"));
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        text,
        "re-encoded differently"
    );
    value
}

#[test]
fn timestamps_in_every_dialect_decode_and_keep_their_text() {
    for at in [
        "2023-07-11T00:00:00",
        "2019-10-24 12:25:30",
        "2013/03/23 14:58:27 +0000",
        "2020-02-28 16:13:25+00:00",
        "1970-01-01T00:00:00.000Z",
        "2016-12-31T23:59:60Z",
        "2024-01-02t03:04:05.123456789123z",
        "2024-01-02T03:04:05-00:00",
        "Tue, 01 Jul 2003 10:52:37 +0200",
        "not a timestamp at all",
    ] {
        let text = format!(r#"{{"id":"67E55044-10B1-426F-9247-BB680E5FE0C8","at":"{at}"}}"#);
        let event: Event = exact(&text);
        assert_eq!(event.at.as_str(), at);
    }
    let event: Event = exact(r#"{"id":"x","at":"2019/10/24 12:25:30 +0200"}"#);
    assert_eq!(
        event.at.to_utc().unwrap().to_rfc3339(),
        "2019-10-24T10:25:30+00:00"
    );
    let event: Event = exact(r#"{"id":"x","at":"yesterday"}"#);
    let err = event.at.to_utc().unwrap_err().to_string();
    assert!(err.contains("`yesterday`"), "{err}");
}

#[test]
fn dates_uuids_and_base64_keep_their_text() {
    let event: Event = exact(
        r#"{"id":"{67e55044-10b1-426f-9247-bb680e5fe0c8}","at":"2024-01-01T00:00:00Z","day":"2024/02/29","signature":"aGk_Pz8"}"#,
    );
    assert_eq!(
        event.id.to_uuid().unwrap().to_string(),
        "67e55044-10b1-426f-9247-bb680e5fe0c8"
    );
    assert_eq!(
        event.day.unwrap().to_naive().unwrap().to_string(),
        "2024-02-29"
    );
    assert_eq!(event.signature.unwrap().decode().unwrap(), b"hi???");
}

#[test]
fn values_built_in_rust_are_rfc_3339_and_canonical() {
    let at = chrono::DateTime::parse_from_rfc3339("2024-05-06T07:08:09.5+02:00").unwrap();
    let id = uuid::Uuid::from_u128(0x67e5504410b1426f9247bb680e5fe0c8);
    let event = Event::new(id, at);
    let sent = serde_json::to_value(&event).unwrap();
    assert_eq!(sent["at"], "2024-05-06T07:08:09.500+02:00");
    assert_eq!(sent["id"], "67e55044-10b1-426f-9247-bb680e5fe0c8");
}

#[test]
fn nulls_behind_composition_decode_and_are_sent_back() {
    // `allOf: [$ref nullable, {description}]`, `allOf` of one nullable part, and a
    // union with a nullable member: null, absent and a value all survive.
    let event: Event = exact(r#"{"id":"x","at":"t","owner":null,"parent":null,"label":null}"#);
    assert_eq!(event.owner, Some(None));
    assert_eq!(event.parent, Some(None));
    assert_eq!(event.label, Some(None));
    let event: Event = exact(r#"{"id":"x","at":"t"}"#);
    assert_eq!((event.owner, event.parent, event.label), (None, None, None));
    let event: Event = exact(r#"{"id":"x","at":"t","owner":{"name":"ann"},"label":"l"}"#);
    assert_eq!(
        event.owner.flatten().and_then(|o| o.name),
        Some("ann".into())
    );
    assert!(matches!(event.label, Some(Some(EventLabel::String(_)))));
    // A component that is only `allOf` of a nullable schema is that schema.
    let w: Wrapper = exact(r#"{"name":"w"}"#);
    let _: &Owner = &w;
}

#[test]
fn integers_beyond_64_bits_decode_where_the_document_allows_them() {
    // JavaScript prints 2⁶³ as 9223372036854776000, beyond `i64`.
    let event: Event =
        exact(r#"{"id":"x","at":"t","seed":9223372036854776000,"counter":18446744073709551615}"#);
    assert_eq!(event.seed, Some(9_223_372_036_854_776_000_i128));
    assert_eq!(event.counter, Some(u64::MAX));
    exact::<Event>(r#"{"id":"x","at":"t","seed":-9223372036854776000}"#);
}

#[test]
fn doubles_go_back_to_the_last_digit() {
    // Values json-schema-faker made for `cargo xtask conformance`: serde_json's
    // default float parser reads each one unit in the last place off.
    let readings = [
        -94343021.79142833,
        2064647.7583795786,
        -58093867.590650916,
        -25068440.474569798,
        -3981041.1632061005,
        5e-324,
        1.7976931348623157e308,
    ];
    let text = serde_json::to_string(&readings).unwrap();
    let event: Event = exact(&format!(r#"{{"id":"x","at":"t","readings":{text}}}"#));
    assert_eq!(event.readings.as_deref(), Some(&readings[..]));
}

#[test]
fn an_integer_outside_its_width_is_an_error_that_names_the_member() {
    let body = br#"{"id":"x","at":"t","count":3000000000}"#;
    let err = serde_path_to_error::deserialize::<_, Event>(
        &mut serde_json::Deserializer::from_slice(body),
    )
    .unwrap_err();
    assert_eq!(err.path().to_string(), "count");
    let body = br#"{"id":"x","at":"t","count":1.5}"#;
    assert!(serde_json::from_slice::<Event>(body).is_err());
}

#[test]
fn unknown_members_stay_in_order_and_intact() {
    let event: Event = exact(r#"{"id":"x","at":"t","zeta":1,"alpha":{"nested":[1.5,null,"s"]}}"#);
    assert_eq!(event.extra["alpha"], json!({"nested": [1.5, null, "s"]}));
}

#[test]
fn a_components_only_document_has_types_and_no_client() {
    let m: Money = exact(r#"{"amount":1,"currency":"EUR"}"#);
    assert_eq!(m.amount, 1);
    let snapshot = std::fs::read_to_string(
        consoleconnect_tests::workspace_root().join("tests/snapshots/library.rs"),
    )
    .unwrap();
    assert!(
        !snapshot.contains("pub mod client"),
        "no operations, no client"
    );
}
