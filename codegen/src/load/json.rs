//! JSON text to a value, noticing keys written twice (`serde_json::Value` keeps
//! the last one without a word). Only whether there are any is found here, at
//! no cost to the common case; the YAML reader then says where.

use crate::diagnostics::Code;
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

/// The value, and whether some mapping had a key twice.
pub(super) fn read(text: &str) -> Result<(Value, bool), serde_json::Error> {
    let duplicates = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = Seed(&duplicates).deserialize(&mut de)?;
    de.end()?;
    Ok((value, duplicates.get()))
}

/// Said when the YAML reader cannot locate the duplicates (a JSON text libyaml
/// does not read).
pub(super) fn duplicates_somewhere() -> crate::diagnostics::Diagnostic {
    crate::diagnostics::Diagnostic::error("#", "a key is written twice in one object")
        .with_code(Code::DuplicateKey)
        .with_help("JSON readers keep one of them: remove the other")
        .with_repair("the last value of each such key is kept, as JSON readers keep it")
}

#[derive(Clone, Copy)]
struct Seed<'a>(&'a Cell<bool>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self)?;
            if out.insert(key, value).is_some() {
                self.0.set(true);
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_value_as_serde_json_and_duplicates_noticed() {
        let text = r#"{"a": [1, -2, 3.5, 1e300, 18446744073709551615, null, true, "x\u00e9"], "b": {"c": {}}}"#;
        let (value, dup) = read(text).unwrap();
        assert_eq!(value, serde_json::from_str::<Value>(text).unwrap());
        assert!(!dup);
        let (value, dup) = read(r#"{"a": {"x": 1, "y": 2, "x": 3}}"#).unwrap();
        assert!(dup);
        assert_eq!(value, serde_json::json!({"a": {"x": 3, "y": 2}}));
        assert!(read("{} x").is_err());
    }
}
