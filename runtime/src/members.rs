//! The per-member steps of the models' own `Serialize` and `Deserialize` impls,
//! written once here.
//!
//! A generated `Object::visit` reads each member with one call
//! (`value`, `optional`, `unlisted`, `additional`, `skip`), and a generated
//! `Serialize` writes each with one call on [`Members`]. Each call is a plain
//! function call with no `?` of its own, so a model's impls are short for the
//! compiler to check: the generic bulk is type-checked once, here, rather than
//! once per member of every model.

use serde::de::MapAccess;
use serde::ser::SerializeMap;

/// The next member's name, or `None` after the last.
pub fn key<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<super::de::Key<'de>>, A::Error> {
    map.next_key()
}

/// Reads a member's value into its slot (`null` is the value's to read).
pub fn value<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an optional member whose `null` reads as absent.
pub fn optional<'de, A, T>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    *slot = map.next_value()?;
    Ok(())
}

/// Keeps a member the API description does not list (a loose read).
pub fn unlisted<'de, A: MapAccess<'de>>(
    map: &mut A,
    rest: &mut serde_json::Map<String, serde_json::Value>,
    key: super::de::Key<'de>,
) -> Result<(), A::Error> {
    rest.insert(key.into_string(), map.next_value()?);
    super::de::loose();
    Ok(())
}

/// Keeps a member of the model's typed `additionalProperties`.
pub fn additional<'de, A, T>(
    map: &mut A,
    rest: &mut std::collections::BTreeMap<String, T>,
    key: super::de::Key<'de>,
) -> Result<(), A::Error>
where
    A: MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    rest.insert(key.into_string(), map.next_value()?);
    Ok(())
}

/// Reads past a member the model does not keep.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>()?;
    Ok(())
}

/// Writes a model's members as a map. The first error is kept and the writes
/// after it do nothing; [`Members::end`] returns it.
pub struct Members<S: serde::Serializer> {
    map: Result<S::SerializeMap, S::Error>,
}

impl<S: serde::Serializer> Members<S> {
    pub fn new(serializer: S) -> Self {
        Self {
            map: serializer.serialize_map(None),
        }
    }

    fn write<T: serde::Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        if let Ok(map) = &mut self.map
            && let Err(e) = map.serialize_entry(name, value)
        {
            self.map = Err(e);
        }
    }

    /// A member always written (required, nullable or flattened).
    pub fn value<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.write(name, value);
    }

    /// An optional member: written when set.
    pub fn optional<T: serde::Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.write(name, value);
        }
    }

    /// An optional member of a model that keeps other members: its value when
    /// set; when unset, the kept entry of its name (an explicit `null` as it was
    /// received), if there is one.
    pub fn member<T: serde::Serialize, X: super::de::Kept>(
        &mut self,
        name: &'static str,
        value: &Option<T>,
        others: &X,
    ) {
        match (value, others.kept(name)) {
            (Some(value), _) => self.write(name, value),
            (None, Some(kept)) => self.write(name, kept),
            (None, None) => {}
        }
    }

    /// The model's other members, except those named like one of its optional
    /// members (`members`, sorted): those are written in their member's place,
    /// or not at all, so that no member is written twice.
    pub fn rest<'a, X, I>(&mut self, others: I, members: &[&str])
    where
        X: serde::Serialize + 'a,
        I: IntoIterator<Item = (&'a String, &'a X)>,
    {
        for (key, value) in others {
            if members.binary_search(&key.as_str()).is_err() {
                self.write(key, value);
            }
        }
    }

    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.map?.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_written_in_order_and_the_kept_ones_in_their_place() {
        struct M {
            a: u8,
            b: Option<u8>,
            c: Option<u8>,
            rest: serde_json::Map<String, serde_json::Value>,
        }
        impl serde::Serialize for M {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = Members::new(s);
                map.value("a", &self.a);
                map.optional("b", &self.b);
                map.member("c", &self.c, &self.rest);
                map.rest(&self.rest, &["c"]);
                map.end()
            }
        }
        let mut rest = serde_json::Map::new();
        rest.insert("c".into(), serde_json::Value::Null);
        rest.insert("z".into(), 1.into());
        let m = M {
            a: 1,
            b: None,
            c: None,
            rest,
        };
        assert_eq!(
            serde_json::to_string(&m).ok().as_deref(),
            Some(r#"{"a":1,"c":null,"z":1}"#)
        );
    }

    #[test]
    fn the_first_error_is_the_one_returned() {
        struct Bad;
        impl serde::Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("first"))
            }
        }
        struct M;
        impl serde::Serialize for M {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut map = Members::new(s);
                map.value("a", &Bad);
                map.value("b", &1);
                map.end()
            }
        }
        let err = serde_json::to_string(&M).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("first"));
    }
}
