// The Console Connect models as a consumer uses them.
use consoleconnect::types::{
    ClassOfService, CreateLayer2ConnectionRequest, CreatePortOrderRequest, DurationUnit,
    PaymentType, PortOrder, PortOrderStatus,
};

fn main() {
    // Build a request with its required members, then set optional ones.
    let mut order = CreatePortOrderRequest::new(
        "demodatacenter",
        1000,
        "Demo Port",
        PaymentType::Invoice,
        DurationUnit::Y,
    );
    order.bundle_cross_connect = Some(true);
    let json = serde_json::to_value(&order).unwrap();
    assert_eq!(json["paymentType"], "invoice");
    assert_eq!(json["bundleCrossConnect"], true);

    // Enums parse, print and keep values they do not know.
    let status: PortOrderStatus = "loa_sent".parse().unwrap();
    assert_eq!(status, PortOrderStatus::LoaSent);
    assert_eq!(status.to_string(), "loa_sent");
    let novel = PortOrderStatus::from("paused");
    assert_eq!(novel, PortOrderStatus::Unknown("paused".into()));
    assert_eq!(serde_json::to_value(&novel).unwrap(), "paused");

    // Responses: optional members are `Option`, nullable ones `Option<Option<_>>`.
    let decoded: PortOrder =
        serde_json::from_str(r#"{"id": "1", "status": "done", "cancelledAt": null}"#).unwrap();
    match decoded.status {
        Some(PortOrderStatus::Done) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(decoded.cancelled_at, Some(None));

    // `type` can only be `LAYER2`, so `new` sets it.
    let mut l2 = CreateLayer2ConnectionRequest::new("DEMO", "port-id", 100, "acme", "metro-id");
    assert_eq!(serde_json::to_value(&l2).unwrap()["type"], "LAYER2");
    l2.class_of_service = Some(ClassOfService::Silver);
    l2.evergreen = Some(true);
    assert_eq!(
        serde_json::to_value(&l2).unwrap()["classOfService"],
        "SILVER"
    );
}
