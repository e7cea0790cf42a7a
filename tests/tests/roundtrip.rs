//! Every fixture decodes into its generated model and encodes back to the same
//! JSON: unknown members, nulls and absent members included.

use consoleconnect::types;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;
use std::collections::BTreeSet;

/// Decodes `file` as `T`, encodes it again, and compares.
fn roundtrip<T: DeserializeOwned + Serialize>(file: &str) {
    let path = consoleconnect_tests::examples_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let original: Value = serde_json::from_str(&text).unwrap();
    let typed: T = serde_json::from_value(original.clone()).unwrap_or_else(|e| {
        panic!(
            "{file} does not decode as {}: {e}",
            std::any::type_name::<T>()
        )
    });
    let back = serde_json::to_value(&typed).unwrap();
    if let Some(diff) = consoleconnect_tests::json_diff(&original, &back, "") {
        panic!(
            "{file} changed in a round trip through {}: {diff}",
            std::any::type_name::<T>()
        );
    }
}

/// A fixture's file name and the round trip through its model.
type Case = (&'static str, fn(&str));

/// Which model each fixture belongs to.
const CASES: &[Case] = &[
    (
        "create-port-order.request.json",
        roundtrip::<types::CreatePortOrderRequest>,
    ),
    (
        "create-port-order.response.json",
        roundtrip::<types::PortOrder>,
    ),
    (
        "list-port-orders.response.json",
        roundtrip::<types::PortOrderList>,
    ),
    (
        "get-port-order.response.json",
        roundtrip::<types::PortOrder>,
    ),
    (
        "request-port-order-loa.response.json",
        roundtrip::<types::PortOrder>,
    ),
    ("list-ports.s2s.response.json", roundtrip::<types::PortList>),
    ("list-ports.b2b.response.json", roundtrip::<types::PortList>),
    (
        "list-company-metros.response.json",
        roundtrip::<types::MetroList>,
    ),
    (
        "search-data-center-facilities.response.json",
        roundtrip::<Vec<types::DataCenterFacility>>,
    ),
    (
        "create-layer2-connection.s2s.request.json",
        roundtrip::<types::CreateLayer2ConnectionRequest>,
    ),
    (
        "create-layer2-connection.b2b.request.json",
        roundtrip::<types::CreateLayer2ConnectionRequest>,
    ),
];

#[test]
fn every_fixture_round_trips() {
    for (file, check) in CASES {
        check(file);
    }
}

#[test]
fn every_fixture_has_a_case() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(consoleconnect_tests::examples_dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let covered: BTreeSet<String> = CASES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        on_disk, covered,
        "add a round-trip case for each new fixture"
    );
}

#[test]
fn unknown_members_and_values_survive() {
    let sent = serde_json::json!({
        "id": "x",
        "status": "cancelled_by_robot",
        "paymentType": "crypto",
        "speed": {"value": 10, "name": "10 Mbps", "burst": true},
        "brandNewField": {"nested": [1, 2, 3]},
        "deletedAt": null
    });
    let order: types::PortOrder = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(
        order.status,
        Some(types::PortOrderStatus::Unknown("cancelled_by_robot".into()))
    );
    assert_eq!(
        order.extra["brandNewField"],
        serde_json::json!({"nested": [1, 2, 3]})
    );
    assert_eq!(
        order.deleted_at,
        Some(None),
        "null is kept apart from absent"
    );
    assert_eq!(order.cancelled_at, None);
    assert_eq!(serde_json::to_value(&order).unwrap(), sent);
}

#[test]
fn the_comparison_notices_a_change() {
    use consoleconnect_tests::json_diff;
    let a = serde_json::json!({"a": [1, {"b": null}], "t": "2024-09-12T06:49:30.000Z", "n": 9007199254740993_u64});
    assert_eq!(json_diff(&a, &a.clone(), ""), None);
    let same_number = serde_json::json!({"a": [1.0, {"b": null}], "t": "2024-09-12T06:49:30.000Z", "n": 9007199254740993_u64});
    assert_eq!(json_diff(&a, &same_number, ""), None, "1.0 is 1");
    let same_instant = serde_json::json!({"a": [1, {"b": null}], "t": "2024-09-12T06:49:30Z", "n": 9007199254740993_u64});
    assert!(
        json_diff(&a, &same_instant, "").is_some(),
        "strings must be identical"
    );
    let dropped_null = serde_json::json!({"a": [1, {}], "t": "2024-09-12T06:49:30.000Z", "n": 9007199254740993_u64});
    assert!(json_diff(&a, &dropped_null, "").is_some());
    let other_int = serde_json::json!({"a": [1, {"b": null}], "t": "2024-09-12T06:49:30.000Z", "n": 9007199254740992_u64});
    assert!(
        json_diff(&a, &other_int, "").is_some(),
        "integers compare exactly"
    );
}

#[test]
fn timestamps_come_back_byte_for_byte() {
    for at in [
        "2024-09-12T06:49:30.000Z",
        "2020-02-28 16:13:25+00:00",
        "2023-07-11T00:00:00",
        "2013/03/23 14:58:27 +0000",
    ] {
        let sent = serde_json::json!({"id": "x", "createdAt": at});
        let order: types::PortOrder = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(order.created_at.as_ref().map(|t| t.as_str()), Some(at));
        assert_eq!(serde_json::to_value(&order).unwrap(), sent);
    }
}
