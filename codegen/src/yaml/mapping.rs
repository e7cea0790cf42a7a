//! Mappings as PyYAML composes them: a key read waits for its value; a key
//! written twice keeps its first place and takes the last value (and is
//! reported); merge keys (`<<`) are applied after the mapping's own members.

use super::{at, narrow};
use libyaml_safer::Mark;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A key read, waiting for its value.
pub(super) struct Key {
    pub(super) text: String,
    pub(super) mark: Mark,
    /// The merge key `<<`.
    pub(super) merge: bool,
}

pub(super) struct MapFrame {
    /// The mapping's own members.
    pub(super) map: Map<String, Value>,
    /// Where each member's key is, in the map's order.
    pub(super) key_at: Vec<(u32, u32)>,
    /// Member index by key, built when a first duplicate needs it.
    pub(super) index: Option<HashMap<String, usize>>,
    /// Mappings merged in (`<<`), in the order PyYAML applies them: later ones win.
    pub(super) merged: Vec<Map<String, Value>>,
    pub(super) key: Option<Key>,
    pub(super) anchor: Option<String>,
    pub(super) pointer: String,
}

/// Something to report once the value is placed.
pub(super) enum Noted {
    BadMerge(&'static str, Mark),
    ComplexKey(String, Mark),
    Duplicate {
        key: String,
        first: usize,
        mark: Mark,
    },
}

/// Adds a member to a mapping; a key already there keeps its place and takes
/// the new value (as PyYAML and JSON readers do), and is reported.
pub(super) fn insert(m: &mut MapFrame, key: Key, value: Value) -> Option<Noted> {
    let (line, column) = at(key.mark);
    if !m.map.contains_key(&key.text) {
        if let Some(index) = &mut m.index {
            index.insert(key.text.clone(), m.map.len());
        }
        m.key_at.push((narrow(line), narrow(column)));
        m.map.insert(key.text, value);
        return None;
    }
    let index = m.index.get_or_insert_with(|| {
        m.map
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect()
    });
    let first = index
        .get(&key.text)
        .and_then(|&i| m.key_at.get(i))
        .map_or(0, |&(l, _)| l as usize);
    let noted = Noted::Duplicate {
        key: key.text.clone(),
        first,
        mark: key.mark,
    };
    m.map.insert(key.text, value);
    Some(noted)
}

/// PyYAML's `flatten_mapping`: merged members first, in order, then the
/// mapping's own; a later member of the same key replaces the value and keeps
/// the place.
pub(super) fn with_merged(
    merged: Vec<Map<String, Value>>,
    own: Map<String, Value>,
) -> Map<String, Value> {
    if merged.is_empty() {
        return own;
    }
    let mut out = Map::new();
    for part in merged {
        out.extend(part);
    }
    out.extend(own);
    out
}

/// Takes the value of a `<<` key: a mapping, or a list of mappings (of which
/// the first wins, so they are applied last to first). Else says what it is.
pub(super) fn merge_into(m: &mut MapFrame, value: Value) -> Result<(), &'static str> {
    match value {
        Value::Object(map) => {
            m.merged.push(map);
            Ok(())
        }
        Value::Array(items) if items.iter().all(Value::is_object) => {
            m.merged
                .extend(items.into_iter().rev().filter_map(|v| match v {
                    Value::Object(map) => Some(map),
                    _ => None,
                }));
            Ok(())
        }
        Value::Array(_) => Err("a list with something other than mappings"),
        Value::Null => Err("null"),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => Err("a scalar"),
    }
}

/// How many values a value holds, itself included (without recursion).
pub(super) fn count_values(value: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        count += 1;
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    count
}
