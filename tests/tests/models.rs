//! Behaviour of the models generated from the focused documents in `tests/specs/`
//! (compiled into this crate as `snapshot_*` modules): what decodes into what, and
//! that encoding gives the same JSON back.

use consoleconnect_tests::{
    snapshot_composition as comp, snapshot_enums as enums, snapshot_maps as maps,
};
use consoleconnect_tests::{
    snapshot_formats as formats, snapshot_inline as inline, snapshot_names as names,
};
use consoleconnect_tests::{snapshot_objects as objects, snapshot_recursion as recursion};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::{Value, json};

/// Decodes, re-encodes, asserts nothing changed, and returns the typed value.
fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> T {
    let typed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{value} does not decode: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(back, value, "round trip changed the value");
    typed
}

#[test]
fn null_absent_and_present_stay_apart() {
    use objects::types::Account;
    let absent: Account =
        round_trip(json!({"name": "Ada", "nickname": null, "created": "2024-01-02T03:04:05Z"}));
    assert_eq!(absent.deleted_at, None);
    assert_eq!(absent.nickname, None);
    let null: Account = round_trip(
        json!({"name": "Ada", "nickname": "ada", "created": "2024-01-02T03:04:05Z", "deletedAt": null}),
    );
    assert_eq!(null.deleted_at, Some(None));
    assert_eq!(null.nickname.as_deref(), Some("ada"));
    let set: Account = round_trip(
        json!({"name": "Ada", "nickname": null, "created": "2024-01-02T03:04:05Z", "deletedAt": "2024-05-06T07:08:09Z"}),
    );
    assert!(matches!(set.deleted_at, Some(Some(_))));
}

#[test]
fn read_only_and_write_only_members_are_not_required() {
    use objects::types::Account;
    // `id` is required but read-only: a request need not carry it, so `new` asks only
    // for `name` and `created`.
    let created = "2024-01-02T03:04:05Z"
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap();
    let mut built = Account::new("Ada", created);
    assert_eq!(built.id, None);
    let json = serde_json::to_value(&built).unwrap();
    assert!(
        json.get("id").is_none() && json.get("password").is_none(),
        "{json}"
    );
    // `nickname` is required and nullable: always sent, as null until set.
    assert_eq!(json["nickname"], Value::Null);
    built.nickname = Some("ada".into());
    assert_eq!(serde_json::to_value(&built).unwrap()["nickname"], "ada");
}

#[test]
fn documented_defaults_fill_default() {
    use objects::types::{Plan, Settings};
    let s = Settings::default();
    assert_eq!(s.theme.as_deref(), Some("dark"));
    assert_eq!(s.retries, Some(3));
    assert_eq!(s.plan, Some(Plan::Pro));
    assert_eq!(s.verbose, Some(false));
    assert_eq!(Plan::default(), Plan::Free);
    // Decoding keeps what was sent: an absent member stays absent.
    let decoded: Settings = round_trip(json!({}));
    assert_eq!(decoded.theme, None);
}

/// `nullable-owner` repeats `Owner` only to allow `null`: one type, and each use
/// keeps `null` apart as its own member's shape says.
#[test]
fn a_nullable_twin_is_the_type_it_repeats() {
    use objects::types::{NullableOwner, Owner, Repo};
    let twin: NullableOwner = Owner::new("ada");
    let repo: Repo = round_trip(json!({"owner": null, "previous": null}));
    assert_eq!((repo.owner, repo.previous), (None, Some(None)));
    let repo: Repo = round_trip(
        json!({"owner": {"login": "ada", "site": {"url": "https://a.example"}}, "creator": {"login": "bo"}}),
    );
    let owner: &Owner = repo.owner.as_ref().unwrap();
    assert_eq!(owner.login, twin.login);
    assert_eq!(
        owner.site.as_ref().and_then(|s| s.url.as_deref()),
        Some("https://a.example")
    );
    assert_eq!(repo.creator.map(|c| c.login).as_deref(), Some("bo"));
}

#[test]
fn undeclared_members_are_kept_everywhere() {
    let value = json!({"a": 1, "nested": {"deep": [true]}});
    let empty: objects::types::Empty = round_trip(value.clone());
    assert_eq!(empty.len(), 2);
    let closed: maps::types::Closed = round_trip(json!({"a": "x", "surprise": 2}));
    assert_eq!(closed.extra["surprise"], 2);
}

#[test]
fn nasty_names_map_to_their_wire_names() {
    let wire = json!({
        "@type": "a", "type": "b", "200": 200, "x-foo": "c", "self": "d", "fooBar": "e", "foo_bar": "f",
        "FooBar": "g", "+1": 1, "-1": -1, "match": true, "extra": "h", "$ref": "i", "": "j"
    });
    let n: names::types::Nasty = round_trip(wire);
    assert_eq!(
        (n.at_type.as_deref(), n.r#type.as_deref()),
        (Some("a"), Some("b"))
    );
    assert_eq!(
        (n.v200, n.plus_1, n.minus_1),
        (Some(200), Some(1), Some(-1))
    );
    assert_eq!(
        (
            n.foo_bar.as_deref(),
            n.foo_bar2.as_deref(),
            n.foo_bar3.as_deref()
        ),
        (Some("e"), Some("f"), Some("g"))
    );
    assert_eq!(
        (
            n.self_.as_deref(),
            n.extra.as_deref(),
            n.dollar_ref.as_deref(),
            n.value.as_deref()
        ),
        (Some("d"), Some("h"), Some("i"), Some("j"))
    );
    assert!(
        n.extra2.is_empty(),
        "every member has a field: {:?}",
        n.extra2
    );
    let _: names::types::Option2 = round_trip(json!({"value": "x"}));
}

#[test]
fn enums_are_distinct_printable_and_forward_compatible() {
    use enums::types::{MaybeColour, Named, Priority, Punctuation, SortDirection, Status};
    assert_ne!(SortDirection::from("ASC"), SortDirection::from("asc"));
    assert_eq!(SortDirection::AscLower.to_string(), "asc");
    assert_eq!(Punctuation::from("a_b"), Punctuation::AUnderscoreB);
    assert_eq!(Punctuation::from("a.b"), Punctuation::ADotB);
    assert_eq!(
        "PENDING ACCEPTANCE".parse::<Status>().unwrap(),
        Status::PendingAcceptance
    );
    assert_eq!(Status::from(""), Status::Empty);
    let unknown: Status = round_trip(json!("ON HOLD"));
    assert_eq!(unknown, Status::Unknown("ON HOLD".into()));
    let p: Priority = round_trip(json!(-1));
    assert_eq!(p, Priority::ValueMinus1);
    assert_eq!("7".parse::<Priority>().unwrap(), Priority::Unknown(7));
    assert_eq!(Named::from(1), Named::On);
    let holder: enums::types::Holder =
        round_trip(json!({"colour": null, "status": "active", "inline": "two", "flag": true}));
    assert_eq!(holder.colour, Some(None));
    assert_eq!(holder.inline, Some(enums::types::HolderInline::Two));
    let _: Option<MaybeColour> = holder.colour.flatten();
    // A `oneOf` of documented one-value lists is one enum.
    let mode: enums::types::SortMode = round_trip(json!("name_descending"));
    assert_eq!(mode, enums::types::SortMode::NameDescending);
    let later: enums::types::SortMode = round_trip(json!("id_descending"));
    assert_eq!(
        later,
        enums::types::SortMode::Unknown("id_descending".into())
    );
}

/// Enums wider than `codegen::types::WIDE_ENUM` list their values in one table
/// looked up both ways: every value decodes to its own variant and back, in every
/// direction the narrow ones offer, and unknown values are kept.
#[test]
fn wide_enums_look_every_value_up_both_ways() {
    use enums::types::{Wide, WideNumbers};
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..128 {
        let wire = format!("w-{i}");
        let v: Wide = round_trip(json!(wire));
        assert!(!matches!(v, Wide::Unknown(_)), "{wire}");
        assert_eq!(v.as_str(), wire);
        assert_eq!(v.to_string(), wire);
        assert_eq!(wire.parse::<Wide>().unwrap(), v);
        assert!(
            seen.insert(format!("{v:?}")),
            "{wire} has a variant of its own"
        );
    }
    assert_eq!(Wide::from("w-127"), Wide::W127);
    assert_eq!(Wide::W0.as_str(), "w-0");
    assert_ne!(Wide::from("ASC"), Wide::from("asc"));
    assert_eq!(Wide::from("asc").as_str(), "asc");
    assert_eq!(Wide::from("ASC").as_str(), "ASC");
    assert_eq!(Wide::default(), Wide::W5, "the documented default");
    for other in ["w-128", "W-0", "", "w-0 "] {
        let v: Wide = round_trip(json!(other));
        assert_eq!(v, Wide::Unknown(other.into()));
        assert_eq!(v.as_str(), other);
    }
    for i in 0..130 {
        let n = i * 7 - 300;
        let v: WideNumbers = round_trip(json!(n));
        assert!(!matches!(v, WideNumbers::Unknown(_)), "{n}");
        assert_eq!(v.as_i64(), n);
        assert_eq!(n.to_string().parse::<WideNumbers>().unwrap(), v);
    }
    assert_eq!(WideNumbers::from(-300), WideNumbers::ValueMinus300);
    assert_eq!(round_trip::<WideNumbers>(json!(2)), WideNumbers::Unknown(2));
}

#[test]
fn discriminated_unions_follow_the_tag_and_its_mapping() {
    use comp::types::{Cat, Pet};
    let dog: Pet = round_trip(json!({"id": "1", "name": "Rex", "petType": "dog", "barks": true}));
    assert!(matches!(&dog, Pet::Dog(d) if d.barks == Some(true) && d.name == "Rex"));
    // The mapping says `kitty` means Cat.
    let cat: Pet = round_trip(json!({"id": "2", "petType": "kitty", "lives": 9}));
    assert!(matches!(&cat, Pet::Cat(Cat { lives: Some(9), .. })));
    let other: Pet = round_trip(json!({"id": "3", "petType": "parrot", "words": 40}));
    assert!(matches!(other, Pet::Unknown(_)));
    // A known tag with a body that does not fit is an error, not a silent fallback.
    assert!(serde_json::from_value::<Pet>(json!({"petType": "dog"})).is_err());
}

#[test]
fn untagged_unions_pick_the_variant_that_fits() {
    use comp::types::{Coordinate, Filter, Shape};
    assert_eq!(
        round_trip::<Coordinate>(json!(114.17)),
        Coordinate::Number(114.17)
    );
    assert_eq!(
        round_trip::<Coordinate>(json!("22.30")),
        Coordinate::String("22.30".into())
    );
    assert!(matches!(
        round_trip::<Shape>(json!({"side": 2.0})),
        Shape::Square(_)
    ));
    assert!(matches!(
        round_trip::<Shape>(json!({"radius": 1.0})),
        Shape::Circle(_)
    ));
    assert!(matches!(
        round_trip::<Filter>(json!(["a", "b"])),
        Filter::Array(_)
    ));
    assert!(matches!(
        round_trip::<Shape>(json!({"corners": 5})),
        Shape::Unknown(_)
    ));
}

#[test]
fn untagged_unions_take_the_variant_that_describes_the_value_not_the_first_that_tolerates_it() {
    use comp::types::{Amount, StreamEvent};
    // Each variant's one-value `event` enum keeps unknown values and `Thread`'s
    // required nullable `tool_resources` reads as null when left out, so the first
    // variant decodes every event; taken first, a run event would come back as a
    // thread event with `"tool_resources": null` added.
    let run = json!({"event": "run.created", "data": {"id": "r", "thread_id": "t"}});
    assert!(matches!(
        round_trip::<StreamEvent>(run),
        StreamEvent::RunCreated(_)
    ));
    let thread = json!({"event": "thread.created", "data": {"id": "t", "tool_resources": null}});
    assert!(matches!(
        round_trip::<StreamEvent>(thread),
        StreamEvent::ThreadCreated(_)
    ));
    // An event neither describes is still decoded by the closest variant, and
    // comes back unchanged.
    let other = json!({"event": "run.failed", "data": {"id": "r"}});
    assert!(matches!(
        round_trip::<StreamEvent>(other),
        StreamEvent::RunCreated(_)
    ));
    // `1` stays an integer, `1.5` a double, `1.0` is not turned into `1`.
    assert_eq!(round_trip::<Amount>(json!(1)), Amount::Integer(1));
    assert_eq!(round_trip::<Amount>(json!(1.5)), Amount::Number(1.5));
    let text = serde_json::to_string(&serde_json::from_str::<Amount>("1.0").unwrap()).unwrap();
    assert_eq!(text, "1.0");
}

#[test]
fn all_of_merges_members_and_flattens_the_rest() {
    use comp::types::{Dog, Mixed, NullableRef};
    let dog = Dog::new("1", "Rex", "dog");
    assert_eq!(
        serde_json::to_value(&dog).unwrap(),
        json!({"id": "1", "name": "Rex", "petType": "dog"})
    );
    let mixed: Mixed = serde_json::from_value(json!({"id": "7"})).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mixed.id, "7");
    let holder: NullableRef = round_trip(json!({"pet": null, "owner": {"name": "Ann"}}));
    assert_eq!(holder.pet, Some(None));
}

#[test]
fn recursive_types_nest() {
    use recursion::types::{Expr, Manager, Node};
    let tree: Node =
        round_trip(json!({"value": 1, "children": [{"value": 2, "parent": {"value": 1}}]}));
    assert_eq!(
        tree.children.as_ref().unwrap()[0]
            .parent
            .as_ref()
            .unwrap()
            .value,
        1
    );
    let boss: Manager =
        round_trip(json!({"self": {"name": "Ann", "manager": {"self": {"name": "Bob"}}}}));
    assert_eq!(boss.self_.name.as_deref(), Some("Ann"));
    let sum: Expr = round_trip(json!({"left": 1, "right": {"left": 2, "right": 3}}));
    assert!(matches!(sum, Expr::Sum(_)));
}

#[test]
fn inline_schemas_get_names_from_where_they_stand() {
    use inline::types::{Order, OrderLinesItem, OrderLinesItemState, OrderSpeed};
    let order: Order = round_trip(
        json!({"speed": {"value": 10, "name": "10 Mbps"}, "lines": [{"sku": "a", "state": "shipped"}], "address": {"geo": {"coordinates": ["1.5", 2.5]}}}),
    );
    let _: &OrderSpeed = order.speed.as_ref().unwrap();
    let line: &OrderLinesItem = &order.lines.as_ref().unwrap()[0];
    assert_eq!(line.state, Some(OrderLinesItemState::Shipped));
}

/// An inline schema that repeats another member for member is that type, under
/// its own name: a value of one is a value of the other, nested copies included;
/// the same members with other text stay a type of their own.
#[test]
fn inline_copies_are_the_type_they_repeat() {
    use inline::types::{Order, OrderSpeed, Shipment, ShipmentNote, ShipmentSpeed};
    use std::any::TypeId;
    let order: Order = round_trip(
        json!({"speed": {"value": 10, "name": "10 Mbps"}, "lines": [{"sku": "a", "state": "shipped"}]}),
    );
    let mut shipment = Shipment::default();
    shipment.speed = order.speed.clone();
    shipment.lines = order.lines.clone();
    assert_eq!(shipment.speed, order.speed);
    let shipment: Shipment = round_trip(serde_json::to_value(&shipment).unwrap());
    assert_eq!(shipment.lines, order.lines);
    assert_eq!(TypeId::of::<ShipmentSpeed>(), TypeId::of::<OrderSpeed>());
    assert_ne!(TypeId::of::<ShipmentNote>(), TypeId::of::<OrderSpeed>());
}

#[test]
fn formats_map_to_typed_values() {
    use formats::types::Formats;
    let f: Formats = round_trip(json!({
        "at": "2024-01-02T03:04:05Z", "day": "2024-01-02", "id": "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "blob": "aGVsbG8=", "small": 1, "big": 9007199254740993_i64, "unsigned": 18446744073709551615_u64,
        "tiny": -8, "ratio": 0.5, "plain": 3
    }));
    assert_eq!(f.day.unwrap().to_string(), "2024-01-02");
    assert_eq!(
        f.id.unwrap().to_string(),
        "67e55044-10b1-426f-9247-bb680e5fe0c8"
    );
    assert_eq!(f.blob.as_ref().unwrap().decode().unwrap(), b"hello");
    assert_eq!(f.unsigned, Some(u64::MAX));
    assert_eq!(f.tiny, Some(-8_i8));
    // Unpadded and URL-safe base64 are read too, and kept as sent.
    let f: Formats = round_trip(json!({"blob": "aGVsbG8"}));
    assert_eq!(f.blob.unwrap().decode().unwrap(), b"hello");
}

#[test]
fn maps_hold_typed_values() {
    let labels: maps::types::Labels = round_trip(json!({"env": "prod", "team": "net"}));
    assert_eq!(labels["env"], "prod");
    let counts: maps::types::Counts = round_trip(json!({"a": 1, "b": null}));
    assert_eq!(counts["b"], None);
    let typed: maps::types::Typed = round_trip(json!({"kind": "x", "weight": 2.5}));
    assert_eq!(typed.extra["weight"], 2.5);
    assert!(
        serde_json::from_value::<maps::types::Typed>(json!({"kind": "x", "weight": "heavy"}))
            .is_err()
    );
}

#[test]
fn openapi_31_constructs_are_typed() {
    use consoleconnect_tests::snapshot_openapi31::types::{Event, EventKind, EventSize};
    let e: Event = round_trip(
        json!({"kind": "event", "at": "2025-01-01T00:00:00Z", "note": null, "size": "big", "parent": null, "owner": {"name": "x"}, "nothing": null}),
    );
    assert_eq!(e.kind, EventKind::Event, "`const` is a one-value enum");
    assert_eq!(e.note, Some(None), "`type: [string, null]` is nullable");
    assert_eq!(
        e.parent,
        Some(None),
        "`anyOf: [$ref, {{type: null}}]` is a nullable reference"
    );
    assert!(
        matches!(e.size, Some(EventSize::String(_))),
        "`type: [integer, string]` is a union"
    );
    assert_eq!(e.nothing, Some(Value::Null));
    let built = Event::new(
        "2025-01-01T00:00:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
    );
    assert_eq!(
        serde_json::to_value(&built).unwrap()["kind"],
        "event",
        "the const member is filled in"
    );
    let e: Event = round_trip(json!({"kind": "event", "at": "2025-01-01T00:00:00Z", "size": 3}));
    assert!(matches!(e.size, Some(EventSize::Integer(3))));
}

/// A struct wider than `WIDE_STRUCT` reads its members with the runtime's
/// methods: every shape of member decodes, encodes back the same, and is
/// checked as a narrow struct's is (a missing required member is named, a
/// `null` for an optional member is kept where it can be, unlisted members are kept).
#[test]
fn wide_structs_read_and_write_as_narrow_ones_do() {
    use objects::types::{WideOpen, WideTyped};
    let n = 131;
    // i % 6: 0 required string, 1 optional integer, 2 required nullable string,
    // 3 optional nullable boolean, 4 optional any value, 5 optional array.
    let full = |i: usize| match i % 6 {
        0 => json!(format!("s{i}")),
        1 => json!(i as i64 * -1000),
        2 => json!(null),
        3 => json!(i % 4 == 3),
        4 => json!({"any": [i]}),
        _ => json!(["a", format!("b{i}")]),
    };
    let mut every = serde_json::Map::new();
    let mut required = serde_json::Map::new();
    for i in 0..n {
        every.insert(format!("m{i}"), full(i));
        if i % 6 == 0 {
            required.insert(format!("m{i}"), json!(format!("r{i}")));
        } else if i % 6 == 2 {
            required.insert(format!("m{i}"), json!(format!("n{i}")));
        }
    }
    let open: WideOpen = round_trip(Value::Object(every.clone()));
    assert_eq!(open.m0, "s0");
    assert_eq!(open.m1, Some(-1000));
    assert_eq!(open.m2, None);
    assert_eq!(open.m3, Some(Some(true)));
    assert_eq!(open.m4, Some(json!({"any": [4]})));
    assert_eq!(open.m5, Some(vec!["a".to_string(), "b5".to_string()]));
    assert_eq!(open.m129, Some(Some(false)));
    assert!(open.extra.is_empty());
    let closed: WideTyped = round_trip(Value::Object(every.clone()));
    assert_eq!(closed.m128, None);
    assert_eq!(closed.m126, "s126");

    let small: WideOpen = round_trip(Value::Object(required.clone()));
    assert_eq!((small.m1, small.m2.as_deref()), (None, Some("n2")));
    let small: WideTyped = round_trip(Value::Object(required.clone()));
    assert_eq!(small.m130, None);

    // A missing required member is named, as a narrow struct names it.
    let mut missing = required.clone();
    missing.remove("m126");
    let err = serde_json::from_value::<WideOpen>(Value::Object(missing.clone())).unwrap_err();
    assert!(err.to_string().contains("missing field `m126`"), "{err}");
    assert!(serde_json::from_value::<WideTyped>(Value::Object(missing)).is_err());
    // A missing required nullable member reads as null.
    let mut no_nullable = required.clone();
    no_nullable.remove("m2");
    let v: WideOpen = serde_json::from_value(Value::Object(no_nullable)).unwrap();
    assert_eq!(v.m2, None);

    // `null` for an optional member: kept (and sent back) where there is a map of
    // other members, read as absent where there is none.
    let mut nulls = required.clone();
    nulls.insert("m1".into(), json!(null));
    nulls.insert("other".into(), json!(7));
    let v: WideOpen = round_trip(Value::Object(nulls.clone()));
    assert_eq!(v.m1, None);
    assert_eq!(v.extra.get("m1"), Some(&json!(null)));
    assert_eq!(v.extra.get("other"), Some(&json!(7)));
    let v: WideTyped = serde_json::from_value(Value::Object(nulls)).unwrap();
    assert_eq!(v.m1, None);
    assert_eq!(v.extra.get("other"), Some(&7));
    let mut back = required;
    back.insert("other".into(), json!(7));
    assert_eq!(serde_json::to_value(&v).unwrap(), Value::Object(back));
    // A member of the wrong type is an error, as it is for a narrow struct.
    let mut wrong = every;
    wrong.insert("m7".into(), json!("seven"));
    assert!(serde_json::from_value::<WideOpen>(Value::Object(wrong)).is_err());
}

/// A wide struct's `new` takes its required members in order and leaves the
/// others unset, as a narrow struct's does.
#[test]
fn a_wide_structs_new_sets_the_required_members_only() {
    use objects::types::WideOpen;
    let v = WideOpen::new(
        "0", "6", "12", "18", "24", "30", "36", "42", "48", "54", "60", "66", "72", "78", "84",
        "90", "96", "102", "108", "114", "120", "126",
    );
    let mut expected = serde_json::Map::new();
    for i in (0..131).step_by(6) {
        expected.insert(format!("m{i}"), json!(i.to_string()));
        expected.insert(format!("m{}", i + 2), json!(null));
    }
    expected.remove("m132");
    assert_eq!(serde_json::to_value(&v).unwrap(), Value::Object(expected));
    assert_eq!((v.m1, v.m3, v.m4, v.m5), (None, None, None, None));
}
