//! The steps of a wide model's decoder as methods, so that it prints in fewer
//! tokens: copied into a crate only when it has a model of more members than the
//! generator's `WIDE_STRUCT`.
//!
//! A model of 40,000 members prints each step of its decoder 40,000 times, and
//! generation time goes with the tokens printed: `map.value(&mut f7)` is half the
//! tokens of `super::runtime::value(&mut map, &mut f7)`, and `f7.or_null(&mut
//! extra, "m")` two thirds of `super::runtime::or_null(f7, &mut extra, "m")`.
//! Each method is the function of `members.rs` or `de.rs` it names: the same
//! steps run.

use super::de::KeepNull;
use serde::de::MapAccess;

/// Reads a member into its slot: [`super::members::value`] and
/// [`super::members::optional`] called on the map.
pub trait ReadMembers<'de>: MapAccess<'de> {
    /// [`super::members::value`]
    fn value<T: serde::Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), Self::Error>;
    /// [`super::members::optional`]
    fn optional<T: serde::Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), Self::Error>;
}

impl<'de, A: MapAccess<'de>> ReadMembers<'de> for A {
    fn value<T: serde::Deserialize<'de>>(&mut self, slot: &mut Option<T>) -> Result<(), A::Error> {
        super::members::value(self, slot)
    }

    fn optional<T: serde::Deserialize<'de>>(
        &mut self,
        slot: &mut Option<T>,
    ) -> Result<(), A::Error> {
        super::members::optional(self, slot)
    }
}

/// A member's slot once every member is read: `f0.required("id")?`.
pub trait Slot<T> {
    /// [`super::de::required`]
    fn required<E: serde::de::Error>(self, member: &'static str) -> Result<T, E>;
}

impl<T> Slot<T> for Option<T> {
    fn required<E: serde::de::Error>(self, member: &'static str) -> Result<T, E> {
        super::de::required(self, member)
    }
}

/// The slot of a member whose `null` is told apart from its absence.
pub trait NullSlot<T> {
    /// [`super::de::or_null`]
    fn or_null<M: KeepNull>(self, rest: &mut M, member: &str) -> Option<T>;
    /// [`super::de::nullable`]
    fn nullable(self) -> Option<T>;
}

impl<T> NullSlot<T> for Option<Option<T>> {
    fn or_null<M: KeepNull>(self, rest: &mut M, member: &str) -> Option<T> {
        super::de::or_null(self, rest, member)
    }

    fn nullable(self) -> Option<T> {
        super::de::nullable(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `a` read with `value` (a `null` is its value), `b` with `optional` (a
    /// `null` is no value), as a wide model's decoder reads them.
    #[derive(Debug, PartialEq)]
    struct Two {
        a: Option<Option<i32>>,
        b: Option<i32>,
    }

    impl<'de> serde::Deserialize<'de> for Two {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Visit;
            impl<'de> serde::de::Visitor<'de> for Visit {
                type Value = Two;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a map")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Two, A::Error> {
                    let (mut a, mut b) = (None, None);
                    while let Some(key) = map.next_key::<String>()? {
                        match key.as_str() {
                            "a" => map.value(&mut a),
                            _ => map.optional(&mut b),
                        }?;
                    }
                    Ok(Two { a, b })
                }
            }
            deserializer.deserialize_map(Visit)
        }
    }

    #[test]
    fn the_methods_read_as_the_functions_do() {
        let read = |text: &str| serde_json::from_str::<Two>(text).unwrap();
        assert_eq!(
            read(r#"{"a": null, "b": null}"#),
            Two {
                a: Some(None),
                b: None
            }
        );
        assert_eq!(
            read(r#"{"a": 1, "b": 2}"#),
            Two {
                a: Some(Some(1)),
                b: Some(2)
            }
        );
        assert_eq!(read("{}"), Two { a: None, b: None });
        assert!(serde_json::from_str::<Two>(r#"{"a": "x"}"#).is_err());
    }

    #[test]
    fn the_slots_end_as_the_functions_end_them() {
        type E = serde_json::Error;
        assert_eq!(Some(3).required::<E>("n").unwrap(), 3);
        let missing = None::<u8>.required::<E>("n").unwrap_err();
        assert_eq!(missing.to_string(), "missing field `n`");
        let mut rest = serde_json::Map::new();
        assert_eq!(Some(None::<u8>).or_null(&mut rest, "m"), None);
        assert_eq!(rest.get("m"), Some(&serde_json::Value::Null));
        assert_eq!(Some(Some(2)).or_null(&mut rest, "k"), Some(2));
        assert_eq!(None::<Option<u8>>.or_null(&mut rest, "z"), None);
        assert_eq!(rest.len(), 1);
        assert_eq!(None::<Option<u8>>.nullable(), None);
        assert_eq!(Some(Some(5)).nullable(), Some(5));
    }
}
