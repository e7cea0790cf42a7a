//! YAML → JSON value, with the line and column of every member when asked.
//!
//! `serde_yaml` cannot hold integers beyond 64 bits (OpenAI's document has one) and
//! keeps no positions; this builds the value from `yaml-rust2`'s event stream
//! instead, resolving plain scalars by the YAML 1.2 core schema. The same walk,
//! with recording on, maps JSON pointers to source positions for diagnostics
//! (JSON is YAML, so it serves JSON documents too).

use serde_json::{Map, Number, Value};
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::limits::Limits;

/// A syntax error with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// Parses YAML (or JSON) text into a JSON value.
pub fn to_json(text: &str) -> Result<Value, SyntaxError> {
    let mut b = Builder::new(false);
    run(text, &mut b)?;
    Ok(b.root.unwrap_or(Value::Null))
}

/// 1-based line and column of every member and item, by JSON pointer (`#/a/0`).
pub fn positions(text: &str) -> Result<HashMap<String, (usize, usize)>, SyntaxError> {
    let mut b = Builder::new(true);
    run(text, &mut b)?;
    Ok(b.positions)
}

fn run(text: &str, b: &mut Builder) -> Result<(), SyntaxError> {
    // Event by event rather than `Parser::load`, which recurses once per level of
    // nesting and so overflows the stack on a deep enough document.
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().map_err(|e| SyntaxError {
            message: e.info().to_string(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
        })?;
        // The first document only, as `load(.., false)` reads it.
        let done = matches!(event, Event::StreamEnd | Event::DocumentEnd);
        b.on_event(event, mark);
        if done {
            break;
        }
    }
    if let Some(e) = b.error.take() {
        return Err(e);
    }
    Ok(())
}

enum Frame {
    Seq {
        items: Vec<Value>,
        anchor: usize,
        pointer: String,
    },
    Map {
        map: Map<String, Value>,
        key: Option<(String, Marker)>,
        anchor: usize,
        pointer: String,
    },
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<usize, Value>,
    record: bool,
    positions: HashMap<String, (usize, usize)>,
    error: Option<SyntaxError>,
    /// Containers opened beyond the depth limit, skipped rather than built.
    skipped: usize,
    limits: Limits,
    /// Values of each anchored value, so an alias is counted before it is copied.
    anchor_values: HashMap<usize, usize>,
    /// Values added by expanding aliases so far.
    expanded: usize,
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Builder {
    fn new(record: bool) -> Self {
        let mut positions = HashMap::new();
        if record {
            // The document itself starts at the start.
            positions.insert("#".to_string(), (1, 1));
        }
        Self {
            stack: Vec::new(),
            root: None,
            anchors: HashMap::new(),
            record,
            positions,
            error: None,
            skipped: 0,
            limits: Limits::current(),
            anchor_values: HashMap::new(),
            expanded: 0,
        }
    }

    /// The pointer of the value about to be added, and where its entry starts
    /// (for a member: its key).
    fn next_pointer(&self, mark: Marker) -> Option<(String, Marker)> {
        if !self.record {
            return None;
        }
        Some(match self.stack.last() {
            None => ("#".to_string(), mark),
            Some(Frame::Seq { items, pointer, .. }) => (format!("{pointer}/{}", items.len()), mark),
            Some(Frame::Map {
                key: Some((k, at)),
                pointer,
                ..
            }) => (format!("{pointer}/{}", escape(k)), *at),
            Some(Frame::Map { pointer, .. }) => (pointer.clone(), mark),
        })
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn add(&mut self, value: Value, anchor: usize, mark: Marker) {
        if anchor != 0 {
            self.anchor_values.insert(anchor, count_values(&value));
            self.anchors.insert(anchor, value.clone());
        }
        if let Some((pointer, at)) = self.next_pointer(mark) {
            self.positions
                .entry(pointer)
                .or_insert((at.line(), at.col() + 1));
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                Some((k, _)) => {
                    map.insert(k, value);
                }
                // A complex key (a mapping or sequence used as a key): keep its JSON text.
                None => *key = Some((value.to_string(), mark)),
            },
        }
    }

    fn container_pointer(&self, mark: Marker) -> String {
        self.next_pointer(mark).map(|(p, _)| p).unwrap_or_default()
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() && self.skipped == 0 && self.expanded > self.limits.alias_values {
            // Past the alias limit: the rest is not built.
            return;
        }
        if self.skipped > 0 || self.stack.len() >= self.limits.depth {
            match ev {
                Event::SequenceStart(..) | Event::MappingStart(..) => {
                    self.skipped += 1;
                    self.error.get_or_insert(SyntaxError {
                        message: format!(
                            "the document is nested more than {} levels deep ({})",
                            self.limits.depth,
                            Limits::how_to_raise("depth", self.limits.depth)
                        ),
                        line: mark.line(),
                        column: mark.col() + 1,
                    });
                    return;
                }
                Event::SequenceEnd | Event::MappingEnd if self.skipped > 0 => {
                    self.skipped -= 1;
                    return;
                }
                _ if self.skipped > 0 => return,
                _ => {}
            }
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                if self.in_key_position() {
                    let record = self.record;
                    if let Some(Frame::Map { key, pointer, .. }) = self.stack.last_mut() {
                        if record {
                            self.positions
                                .entry(pointer.clone())
                                .or_insert((mark.line(), mark.col() + 1));
                        }
                        *key = Some((text, mark));
                    }
                    return;
                }
                let value = resolve(text, style, tag.as_ref());
                self.add(value, anchor, mark);
            }
            Event::SequenceStart(anchor, _) => {
                let pointer = self.container_pointer(mark);
                if let Some((p, _)) = self.next_pointer(mark).filter(|_| self.record) {
                    let at = match self.stack.last() {
                        Some(Frame::Map {
                            key: Some((_, at)), ..
                        }) => *at,
                        _ => mark,
                    };
                    self.positions.entry(p).or_insert((at.line(), at.col() + 1));
                }
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    pointer,
                });
            }
            Event::MappingStart(anchor, _) => {
                let pointer = self.container_pointer(mark);
                // An item of a sequence is placed at its first key (below); a member
                // at its key.
                if let Some((p, _)) = self.next_pointer(mark).filter(|_| self.record) {
                    let at = match self.stack.last() {
                        Some(Frame::Map {
                            key: Some((_, at)), ..
                        }) => Some(*at),
                        Some(Frame::Seq { .. }) => None,
                        _ => Some(mark),
                    };
                    if let Some(at) = at {
                        self.positions.entry(p).or_insert((at.line(), at.col() + 1));
                    }
                }
                self.stack.push(Frame::Map {
                    map: Map::new(),
                    key: None,
                    anchor,
                    pointer,
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq { items, anchor, .. }) = self.stack.pop() {
                    self.add(Value::Array(items), anchor, mark);
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map { map, anchor, .. }) = self.stack.pop() {
                    self.add(Value::Object(map), anchor, mark);
                }
            }
            Event::Alias(id) => match self.expand(id, mark) {
                Some(value) => {
                    if self.in_key_position() {
                        if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                            *key = Some((
                                value
                                    .as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| value.to_string()),
                                mark,
                            ));
                        }
                    } else {
                        self.add(value, 0, mark);
                    }
                }
                None => {
                    self.error.get_or_insert(SyntaxError {
                        message: "an alias refers to an anchor that is not defined before it"
                            .into(),
                        line: mark.line(),
                        column: mark.col() + 1,
                    });
                }
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

impl Builder {
    /// The value an alias stands for, unless copying it would pass the limit on
    /// values added by aliases (then the error says where, and nothing more is built).
    fn expand(&mut self, id: usize, mark: Marker) -> Option<Value> {
        let values = self.anchor_values.get(&id).copied()?;
        self.expanded = self.expanded.saturating_add(values);
        if self.expanded > self.limits.alias_values {
            self.error = Some(SyntaxError {
                message: format!(
                    "aliases expand to more than {} values (anchors that refer to anchors \
                     grow exponentially: a \"billion laughs\" document?); {}",
                    self.limits.alias_values,
                    Limits::how_to_raise("alias-values", self.limits.alias_values)
                ),
                line: mark.line(),
                column: mark.col() + 1,
            });
            return Some(Value::Null);
        }
        self.anchors.get(&id).cloned()
    }
}

/// How many values a value holds, itself included (without recursion).
fn count_values(value: &Value) -> usize {
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

/// A scalar's JSON value: quoted and block scalars are strings; plain ones follow
/// the YAML 1.2 core schema (null, booleans, integers, floats, else strings).
fn resolve(text: String, style: TScalarStyle, tag: Option<&yaml_rust2::parser::Tag>) -> Value {
    if let Some(tag) = tag
        && (tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!")
    {
        match tag.suffix.as_str() {
            "str" => return Value::String(text),
            "null" => return Value::Null,
            "bool" => return Value::Bool(matches!(text.as_str(), "true" | "True" | "TRUE")),
            "int" | "float" => {
                if let Some(v) = number(&text) {
                    return v;
                }
            }
            _ => {}
        }
    }
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(&text).unwrap_or(Value::String(text)),
    }
}

fn number(text: &str) -> Option<Value> {
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() {
        return None;
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return u64::from_str_radix(hex, 16).ok().map(Value::from);
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return u64::from_str_radix(oct, 8).ok().map(Value::from);
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(i) = t.parse::<i64>() {
            return Some(Value::from(i));
        }
        if let Ok(u) = t.parse::<u64>() {
            return Some(Value::from(u));
        }
        // Beyond 64 bits: keep the magnitude as a float, as JSON parsers do.
        return t
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    let looks_float = digits
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float {
        return t
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_follow_the_core_schema() {
        let v = to_json("a: 1\nb: -9223372036854776000\nc: 1.5\nd: 'x'\ne: ~\nf: true\ng: yes\nh: 2024-01-01\ni: \"2\"\n200: ok\n").unwrap();
        assert_eq!(v["a"], json!(1));
        assert!(v["b"].as_f64().unwrap() < -9.2e18);
        assert_eq!(v["c"], json!(1.5));
        assert_eq!(v["d"], json!("x"));
        assert_eq!(v["e"], Value::Null);
        assert_eq!(v["f"], json!(true));
        assert_eq!(v["g"], json!("yes"));
        assert_eq!(v["h"], json!("2024-01-01"));
        assert_eq!(v["i"], json!("2"));
        assert_eq!(v["200"], json!("ok"));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let v = to_json("base: &b {x: 1}\nuse: *b\n").unwrap();
        assert_eq!(v["use"], json!({"x": 1}));
    }

    #[test]
    fn positions_point_at_members() {
        let text = "openapi: 3.0.0\npaths:\n  /pets:\n    get:\n      parameters:\n        - name: id\n          in: path\n";
        let p = positions(text).unwrap();
        assert_eq!(p["#/paths/~1pets/get"], (4, 5));
        assert_eq!(p["#/paths/~1pets/get/parameters/0"], (6, 11));
        assert_eq!(p["#/paths/~1pets/get/parameters/0/in"], (7, 11));
        let json = positions("{\n  \"a\": {\"b\": [1, 2]}\n}").unwrap();
        assert_eq!(json["#/a/b/1"], (2, 18));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        // The parser's own limit catches this one…
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert!(to_json(&deep).is_err());
        // …and ours a nesting the parser accepts.
        let mut block = String::new();
        for i in 0..200 {
            block.push_str(&format!("{}k:\n", " ".repeat(i)));
        }
        block.push_str(&format!("{}v: 1\n", " ".repeat(200)));
        let e = to_json(&block).unwrap_err();
        assert!(e.message.contains("nested more than"), "{e:?}");
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = to_json("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.line >= 1, "{e:?}");
    }
}
