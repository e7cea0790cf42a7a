//! Deserialisation helpers the models' serde attributes and impls name.
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

/// A required member's value, or the error saying it is absent.
pub fn required<T, E: serde::de::Error>(value: Option<T>, member: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(member))
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
                    }
                }
            }
            Ok(Pet {
                id: required(f0, "id")?,
                tag: f1,
                extra,
            })
        }
    }

    impl<'de> serde::Deserialize<'de> for Pet {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_object(d)
        }
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
}
