//! Deserialisation helpers the models' serde attributes and impls name.

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
