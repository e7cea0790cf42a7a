//! (De)serialisation helpers the models' serde attributes and impls name.
//!
//! A model's `Deserialize` is a loop over its members written by the generator
//! (`Object::visit`) behind the one generic visitor here: far less code per model
//! than serde's derive, and no buffering of the members the model does not list.

use std::borrow::Cow;

/// A model read member by member; generated for each struct.
pub trait Object: Sized {
    /// The model's name, for error messages.
    const NAME: &'static str;
    fn visit<'de, A: serde::de::MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct.
pub fn deserialize_object<'de, T: Object, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<'de, T: Object> serde::de::Visitor<'de> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            expecting_object(f, T::NAME)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::visit(map)
        }
    }

    deserializer.deserialize_map(Visitor(std::marker::PhantomData))
}

/// `Deserialize` of a generated struct, through its [`Object`] impl: one line
/// per model in generated code instead of an impl block to parse and print.
/// The path to the runtime is the one generated types modules use, resolved
/// where the macro is called.
#[allow(unused_macros)]
macro_rules! impl_deserialize {
    ($t:ty) => {
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::deserialize_object(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_deserialize;

/// The impls of a string enum that do not list its values (`FromStr`,
/// `Display`, `Serialize`, `Deserialize`), through its `as_str` and
/// `From<&str>`: one line per enum in generated code instead of four impl
/// blocks to parse and print. Paths as in [`impl_deserialize`].
#[allow(unused_macros)]
macro_rules! impl_str_enum {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::deserialize_str_enum(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_str_enum;

/// [`impl_str_enum`] for an integer enum, through its `as_i64` and `From<i64>`.
#[allow(unused_macros)]
macro_rules! impl_int_enum {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.as_i64())
            }
        }

        impl std::str::FromStr for $t {
            type Err = std::num::ParseIntError;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                value.parse::<i64>().map(Self::from)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                super::runtime::deserialize_int_enum(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use impl_int_enum;

/// Written once, not per model.
fn expecting_object(f: &mut std::fmt::Formatter<'_>, name: &str) -> std::fmt::Result {
    write!(f, "an object ({name})")
}

/// A member name, borrowed from the input when it can be.
pub struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// A required member's value, or the error saying it is absent (a wide model's
/// decoder; the others use [`missing`]).
pub fn required<T, E: serde::de::Error>(value: Option<T>, member: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(member))
}

/// The error for the first absent required member, in the model's order: a
/// decoder checks every required member in one `match` (`(Some(f0), Some(f2))
/// => Ok(..)`), not one `?` each, a body the compiler checks in less time.
pub fn missing<E: serde::de::Error>(members: &[(bool, &'static str)]) -> E {
    match members.iter().find(|(absent, _)| *absent) {
        Some((_, member)) => E::missing_field(member),
        None => E::custom("a required member is absent"),
    }
}

/// Tells a member sent as `null` (`Some(None)`) from an absent one (`None`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// An optional member of any type: a sent `null` is kept as `Value::Null`.
pub fn keep_null<'de, D>(deserializer: D) -> Result<Option<serde_json::Value>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    <serde_json::Value as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// Where a model keeps an explicit `null` sent for an optional member its
/// document does not mark nullable: its map of other members, under the
/// member's name (the field itself stays `None`, so its type is no worse).
pub trait KeepNull {
    fn keep_null(&mut self, member: &str);
}

impl KeepNull for serde_json::Map<String, serde_json::Value> {
    fn keep_null(&mut self, member: &str) {
        self.insert(member.to_string(), serde_json::Value::Null);
    }
}

/// A map of typed additional members whose values may be `null`.
impl<T> KeepNull for std::collections::BTreeMap<String, Option<T>> {
    fn keep_null(&mut self, member: &str) {
        self.insert(member.to_string(), None);
    }
}

/// An optional member's value, read as `Option<Option<T>>`: an explicit `null`
/// (`Some(None)`) is `None`, noted in `rest` (see [`KeepNull`]) and as a loose read.
pub fn or_null<T, M: KeepNull>(value: Option<Option<T>>, rest: &mut M, member: &str) -> Option<T> {
    match value {
        Some(None) => {
            rest.keep_null(member);
            loose();
            None
        }
        other => other.flatten(),
    }
}

/// A model's map of other members, looked up by a member's name.
pub trait Kept {
    type Value: serde::Serialize + ?Sized;
    fn kept(&self, member: &str) -> Option<&Self::Value>;
}

impl Kept for serde_json::Map<String, serde_json::Value> {
    type Value = serde_json::Value;
    fn kept(&self, member: &str) -> Option<&serde_json::Value> {
        self.get(member)
    }
}

impl<T: serde::Serialize> Kept for std::collections::BTreeMap<String, T> {
    type Value = T;
    fn kept(&self, member: &str) -> Option<&T> {
        self.get(member)
    }
}

/// Writes an optional member: its value when set; when unset, the entry of the
/// same name in the model's map of other members (an explicit `null` as it was
/// received), if there is one.
pub fn member<M, T, X>(
    map: &mut M,
    name: &'static str,
    value: &Option<T>,
    others: &X,
) -> Result<(), M::Error>
where
    M: serde::ser::SerializeMap,
    T: serde::Serialize,
    X: Kept,
{
    match (value, others.kept(name)) {
        (Some(value), _) => map.serialize_entry(name, value),
        (None, Some(kept)) => map.serialize_entry(name, kept),
        (None, None) => Ok(()),
    }
}

/// Writes a model's other members, except those named like one of its optional
/// members (`members`, sorted): those are written in their member's place, or not
/// at all, so that no member is written twice.
pub fn rest<'a, M, X, I>(map: &mut M, others: I, members: &[&str]) -> Result<(), M::Error>
where
    M: serde::ser::SerializeMap,
    X: serde::Serialize + 'a,
    I: IntoIterator<Item = (&'a String, &'a X)>,
{
    for (key, value) in others {
        if members.binary_search(&key.as_str()).is_err() {
            map.serialize_entry(key, value)?;
        }
    }
    Ok(())
}

/// Reads a string enum without allocating for known values.
pub fn deserialize_str_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str>,
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(std::marker::PhantomData<T>);

    impl<T: for<'a> From<&'a str>> serde::de::Visitor<'_> for Visitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Visitor(std::marker::PhantomData))
}

// How loosely the value being decoded was read: members the model does not list,
// enum values it does not know, required nullable members left out. A union
// (`best_fit`) compares its variants by it, so that a variant that merely
// tolerates a value does not win over one that describes it.
thread_local! {
    static LOOSE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Notes one thing read loosely.
pub fn loose() {
    LOOSE.with(|c| c.set(c.get().saturating_add(1)));
}

/// A string enum value the API description does not list (noted as loose).
pub fn unknown_str(value: &str) -> String {
    loose();
    value.to_string()
}

/// An integer enum value the API description does not list (noted as loose).
pub fn unknown_int(value: i64) -> i64 {
    loose();
    value
}

/// A required nullable member: `null` when left out (noted as loose).
pub fn nullable<T>(value: Option<Option<T>>) -> Option<T> {
    if value.is_none() {
        loose();
    }
    value.flatten()
}

/// How well a union's variant describes a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fit {
    /// Decodes, but encodes back to another value.
    Changed,
    /// Encodes back to an equal value, though not token for token (`1` as `1.0`).
    Equal,
    /// Encodes back to the very same value.
    Same,
}

/// One variant of a union tried on a value (`text` is the value's JSON): decoded
/// from the text, the way responses are, so no new decoding code is made for it.
pub fn fit<T>(text: &[u8], value: &serde_json::Value) -> Option<(T, Fit, u32)>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let outer = LOOSE.with(|c| c.replace(0));
    let decoded = serde_json::from_slice::<T>(text);
    let loose = LOOSE.with(|c| c.replace(outer));
    let decoded = decoded.ok()?;
    let back = serde_json::to_vec(&decoded)
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let fit = match back {
        Some(back) if back == *value => Fit::Same,
        Some(back) if same_numbers(&back, value) => Fit::Equal,
        _ => Fit::Changed,
    };
    Some((decoded, fit, loose))
}

/// A union's variant, tried on a value's JSON.
pub type Try<T> = fn(&[u8], &serde_json::Value) -> Option<(T, Fit, u32)>;

/// `Deserialize` of a union without a discriminator: the variant that describes
/// the value best. A variant that gives the value back unchanged beats one that
/// changes it; among those, the one that read it least loosely; then the first
/// listed. With an `unknown` variant, a value no variant gives back equal is kept
/// there whole rather than changed.
pub fn best_fit<'de, T, D>(
    deserializer: D,
    variants: &[Try<T>],
    unknown: Option<fn(serde_json::Value) -> T>,
    name: &'static str,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
    let text = serde_json::to_vec(&value).map_err(serde::de::Error::custom)?;
    let mut best: Option<(T, Fit, u32)> = None;
    for variant in variants {
        let Some((candidate, fit, loose)) = variant(&text, &value) else {
            continue;
        };
        let better = match &best {
            None => true,
            Some((_, f, l)) => fit > *f || (fit == *f && loose < *l),
        };
        if better {
            let perfect = fit == Fit::Same && loose == 0;
            best = Some((candidate, fit, loose));
            if perfect {
                break;
            }
        }
    }
    match (best, unknown) {
        (Some((_, Fit::Changed, _)), Some(unknown)) | (None, Some(unknown)) => {
            loose();
            Ok(unknown(value))
        }
        (Some((chosen, _, loose_reads)), _) => {
            // The union's own reader sees how loosely its chosen variant read.
            LOOSE.with(|c| c.set(c.get().saturating_add(loose_reads)));
            Ok(chosen)
        }
        (None, None) => Err(serde::de::Error::custom(format_args!(
            "the value matches no variant of {name}"
        ))),
    }
}

/// Equal JSON values, numbers compared by value (`1` and `1.0` alike).
fn same_numbers(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => {
                let same = match (x.as_i64(), y.as_i64(), x.as_u64(), y.as_u64()) {
                    (Some(l), Some(r), _, _) => l == r,
                    (_, _, Some(l), Some(r)) => l == r,
                    _ => x.as_f64() == y.as_f64(),
                };
                if !same {
                    return false;
                }
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
                stack.extend(x.iter().zip(y))
            }
            (Value::Object(x), Value::Object(y)) if x.len() == y.len() => {
                for (k, v) in x {
                    match y.get(k) {
                        Some(w) => stack.push((v, w)),
                        None => return false,
                    }
                }
            }
            (x, y) if x == y => {}
            _ => return false,
        }
    }
    true
}

/// Reads an integer enum; values beyond the listed ones are kept.
pub fn deserialize_int_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: From<i64>,
    D: serde::Deserializer<'de>,
{
    <i64 as serde::Deserialize>::deserialize(deserializer).map(T::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the generator writes for `{id: string (required), tag: string|null (optional)}`.
    #[derive(Debug, PartialEq)]
    struct Pet {
        id: String,
        tag: Option<Option<String>>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    impl Object for Pet {
        const NAME: &'static str = "Pet";
        fn visit<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let (mut f0, mut f1) = (None, None);
            let mut extra = serde_json::Map::new();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    "id" => f0 = Some(map.next_value()?),
                    "tag" => f1 = Some(map.next_value()?),
                    _ => {
                        extra.insert(key.into_string(), map.next_value()?);
                        loose();
                    }
                }
            }
            match (f0,) {
                (Some(f0),) => Ok(Pet {
                    id: f0,
                    tag: f1,
                    extra,
                }),
                (f0,) => Err(missing(&[(f0.is_none(), "id")])),
            }
        }
    }

    /// The runtime as generated types modules see it (`super::runtime`).
    mod runtime {
        pub(crate) use crate::de::{
            deserialize_int_enum, deserialize_object, deserialize_str_enum, impl_deserialize,
            impl_int_enum, impl_str_enum,
        };
    }

    mod model {
        use super::{Level, Pet, Size};
        super::runtime::impl_deserialize!(Pet);
        super::runtime::impl_str_enum!(Size);
        super::runtime::impl_int_enum!(Level);
    }

    /// What the generator writes for `{type: string, enum: [small, large]}`,
    /// less the impls the macro writes.
    #[derive(Debug, PartialEq)]
    enum Size {
        Small,
        Large,
        Unknown(String),
    }

    impl Size {
        fn as_str(&self) -> &str {
            match self {
                Self::Small => "small",
                Self::Large => "large",
                Self::Unknown(value) => value,
            }
        }
    }

    impl From<&str> for Size {
        fn from(value: &str) -> Self {
            match value {
                "small" => Self::Small,
                "large" => Self::Large,
                other => Self::Unknown(unknown_str(other)),
            }
        }
    }

    /// The same for `{type: integer, enum: [1, 2]}`.
    #[derive(Debug, PartialEq)]
    enum Level {
        One,
        Two,
        Unknown(i64),
    }

    impl Level {
        fn as_i64(&self) -> i64 {
            match self {
                Self::One => 1,
                Self::Two => 2,
                Self::Unknown(value) => *value,
            }
        }
    }

    impl From<i64> for Level {
        fn from(value: i64) -> Self {
            match value {
                1 => Self::One,
                2 => Self::Two,
                other => Self::Unknown(unknown_int(other)),
            }
        }
    }

    #[test]
    fn enum_macros_read_write_parse_and_print_through_the_wire_value() {
        assert_eq!("large".parse::<Size>(), Ok(Size::Large));
        assert_eq!(Size::Small.to_string(), "small");
        assert_eq!(serde_json::to_string(&Size::Large).unwrap(), r#""large""#);
        let kept: Size = serde_json::from_str(r#""medium""#).unwrap();
        assert_eq!(kept, Size::Unknown("medium".into()));
        assert_eq!(serde_json::to_string(&kept).unwrap(), r#""medium""#);
        assert!(serde_json::from_str::<Size>("1").is_err());

        assert_eq!("2".parse::<Level>(), Ok(Level::Two));
        assert!("two".parse::<Level>().is_err());
        assert_eq!(Level::One.to_string(), "1");
        assert_eq!(serde_json::to_string(&Level::Unknown(7)).unwrap(), "7");
        assert_eq!(serde_json::from_str::<Level>("2").unwrap(), Level::Two);
        assert_eq!(
            serde_json::from_str::<Level>("9").unwrap(),
            Level::Unknown(9)
        );
    }

    #[test]
    fn objects_read_members_keep_the_rest_and_name_what_is_missing() {
        let p: Pet = serde_json::from_str(r#"{"id": "a", "tag": null, "x": [1]}"#).unwrap();
        assert_eq!(p.tag, Some(None));
        assert_eq!(p.extra["x"], serde_json::json!([1]));
        let p: Pet = serde_json::from_str(r#"{"id": "a\u0062"}"#).unwrap();
        assert_eq!((p.id.as_str(), p.tag), ("ab", None));
        let e = serde_json::from_str::<Pet>(r#"{"tag": "t"}"#).unwrap_err();
        assert!(e.to_string().contains("missing field `id`"), "{e}");
        let e = serde_json::from_str::<Pet>("[1]").unwrap_err();
        assert!(e.to_string().contains("an object (Pet)"), "{e}");
        // Through serde's buffering too (untagged enums, flattening).
        let v: Pet = serde_json::from_value(serde_json::json!({"id": "v", "k": 1})).unwrap();
        assert_eq!(v.extra["k"], 1);
    }

    #[test]
    fn the_first_absent_required_member_is_named() {
        let e: serde_json::Error = missing(&[(false, "a"), (true, "b"), (true, "c")]);
        assert!(e.to_string().contains("missing field `b`"), "{e}");
    }

    #[derive(serde::Deserialize)]
    struct S {
        #[serde(default, deserialize_with = "double_option")]
        a: Option<Option<u8>>,
        #[serde(default, deserialize_with = "keep_null")]
        b: Option<serde_json::Value>,
    }

    #[test]
    fn null_and_absent_stay_apart() {
        let absent: S = serde_json::from_str("{}").unwrap();
        assert_eq!((absent.a, absent.b), (None, None));
        let null: S = serde_json::from_str(r#"{"a": null, "b": null}"#).unwrap();
        assert_eq!(
            (null.a, null.b),
            (Some(None), Some(serde_json::Value::Null))
        );
    }

    /// `{id, note?}` as the generator writes it, `note`'s null kept in `extra`.
    #[derive(Debug, Default)]
    struct Note {
        note: Option<String>,
        extra: serde_json::Map<String, serde_json::Value>,
    }

    impl serde::Serialize for Note {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap as _;
            let mut map = s.serialize_map(None)?;
            member(&mut map, "note", &self.note, &self.extra)?;
            rest(&mut map, &self.extra, &["note"])?;
            map.end()
        }
    }

    #[test]
    fn an_optional_members_null_is_kept_beside_and_written_in_its_place() {
        let mut n = Note::default();
        LOOSE.with(|c| c.set(0));
        n.note = or_null(Some(None), &mut n.extra, "note");
        assert_eq!(
            LOOSE.with(|c| c.get()),
            1,
            "a null the document does not allow"
        );
        n.extra.insert("z".into(), 1.into());
        assert_eq!(serde_json::to_string(&n).unwrap(), r#"{"note":null,"z":1}"#);
        n.note = Some("x".into());
        assert_eq!(serde_json::to_string(&n).unwrap(), r#"{"note":"x","z":1}"#);
        let mut typed: std::collections::BTreeMap<String, Option<u8>> = Default::default();
        assert_eq!(or_null(Some(Some(3)), &mut typed, "a"), Some(3));
        assert_eq!(or_null::<u8, _>(None, &mut typed, "a"), None);
        assert!(typed.is_empty(), "absent is not null");
        or_null::<u8, _>(Some(None), &mut typed, "a");
        assert_eq!(typed.get("a"), Some(&None));
    }

    #[derive(Debug, PartialEq)]
    struct Word(String);

    impl From<&str> for Word {
        fn from(s: &str) -> Self {
            Word(s.to_string())
        }
    }

    #[test]
    fn string_enums_read_borrowed_and_owned_text() {
        let mut de = serde_json::Deserializer::from_str("\"a\\nb\"");
        assert_eq!(
            deserialize_str_enum::<Word, _>(&mut de).unwrap(),
            Word("a\nb".into())
        );
        let mut de = serde_json::Deserializer::from_str("3");
        assert!(deserialize_str_enum::<Word, _>(&mut de).is_err());
    }

    /// An open string enum as the generator writes it.
    #[derive(Debug, PartialEq)]
    enum Kind {
        A,
        Unknown(String),
    }

    impl serde::Serialize for Kind {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(match self {
                Kind::A => "a",
                Kind::Unknown(v) => v,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Kind {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let s = String::deserialize(d)?;
            Ok(if s == "a" {
                Kind::A
            } else {
                Kind::Unknown(unknown_str(&s))
            })
        }
    }

    /// `oneOf: [Kind, string]`, `oneOf: [number, integer]` and `oneOf: [Pet]` as the
    /// generator writes them.
    #[derive(Debug, PartialEq, serde::Serialize)]
    #[serde(untagged)]
    enum U {
        Kind(Kind),
        Text(String),
        Float(f64),
        Int(i64),
        Pet(Pet2),
        Unknown(serde_json::Value),
    }

    /// A model that drops what it does not list (as a struct without `extra` does).
    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Pet2 {
        id: String,
    }

    fn u(text: &str, unknown: bool) -> Result<U, serde_json::Error> {
        let variants: [Try<U>; 5] = [
            |t, v| fit(t, v).map(|(x, f, l)| (U::Kind(x), f, l)),
            |t, v| fit(t, v).map(|(x, f, l)| (U::Text(x), f, l)),
            |t, v| fit(t, v).map(|(x, f, l)| (U::Float(x), f, l)),
            |t, v| fit(t, v).map(|(x, f, l)| (U::Int(x), f, l)),
            |t, v| fit(t, v).map(|(x, f, l)| (U::Pet(x), f, l)),
        ];
        let fallback: Option<fn(serde_json::Value) -> U> =
            if unknown { Some(U::Unknown) } else { None };
        best_fit(
            &mut serde_json::Deserializer::from_str(text),
            &variants,
            fallback,
            "U",
        )
    }

    #[test]
    fn a_union_takes_the_variant_that_describes_the_value() {
        // A listed enum value: the enum; another string: not the enum that merely
        // tolerates it, but the string that describes it.
        assert_eq!(u(r#""a""#, true).unwrap(), U::Kind(Kind::A));
        assert_eq!(u(r#""b""#, true).unwrap(), U::Text("b".into()));
        // `1` comes back as `1` from the integer, as `1.0` from the double.
        assert_eq!(u("1", true).unwrap(), U::Int(1));
        assert_eq!(u("1.5", true).unwrap(), U::Float(1.5));
        assert_eq!(
            u(r#"{"id": "p"}"#, true).unwrap(),
            U::Pet(Pet2 { id: "p".into() })
        );
    }

    #[test]
    fn a_value_no_variant_gives_back_is_kept_whole() {
        // The model would drop `x`: kept whole instead.
        let v = u(r#"{"id": "p", "x": 1}"#, true).unwrap();
        assert_eq!(v, U::Unknown(serde_json::json!({"id": "p", "x": 1})));
        // Without a place to keep it, the closest variant.
        assert_eq!(
            u(r#"{"id": "p", "x": 1}"#, false).unwrap(),
            U::Pet(Pet2 { id: "p".into() })
        );
        let e = u("[1]", false).unwrap_err();
        assert!(e.to_string().contains("matches no variant of U"), "{e}");
    }

    #[test]
    fn how_loosely_a_variant_read_reaches_the_outer_reader() {
        LOOSE.with(|c| c.set(0));
        assert_eq!(u(r#""a""#, true).unwrap(), U::Kind(Kind::A));
        assert_eq!(LOOSE.with(|c| c.get()), 0);
        let (_, how, loose) =
            fit::<Vec<Kind>>(br#"["a","b","c"]"#, &serde_json::json!(["a", "b", "c"])).unwrap();
        assert_eq!((how, loose), (Fit::Same, 2));
        // A member the model does not list is loose too.
        LOOSE.with(|c| c.set(0));
        let _: Pet = serde_json::from_str(r#"{"id":"a","z":1}"#).unwrap();
        assert_eq!(LOOSE.with(|c| c.get()), 1);
    }
}
