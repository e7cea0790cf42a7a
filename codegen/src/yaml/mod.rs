//! YAML → JSON value, read as libyaml and PyYAML read it, with the line and
//! column of every member when asked.
//!
//! The text is tokenised by `libyaml-safer`, a line-by-line port of libyaml to
//! safe Rust (libyaml is the C parser behind PyYAML's `CSafeLoader`, Ruby's Psych
//! and most YAML tools outside JavaScript), so what libyaml accepts is accepted
//! here, a flow collection closed at its key's indentation included. Its events
//! are composed into a `serde_json::Value` here, one event at a time (no
//! recursion, so no nesting overflows the stack), as PyYAML's `SafeLoader`
//! composes them:
//! - plain scalars by the YAML 1.2 core schema, as OpenAPI recommends (`scalar`),
//!   a timestamp, an infinity or NaN keeping its text (JSON has none of them);
//!   where a YAML 1.1 reader (PyYAML) would read another value, a warning says so;
//! - merge keys (`<<: *base`, `<<: [*a, *b]`) at any depth: the mapping's own
//!   members win over merged ones, and earlier mappings of a list over later ones;
//! - a key written twice keeps the last value at the first key's place, as
//!   PyYAML and JSON readers do, and is reported with both lines;
//! - keys that are not strings become the text `json.dumps` gives them (`200`,
//!   `true`, `null`);
//! - where PyYAML refuses what libyaml parses (a second document, an anchor
//!   defined twice, an unknown tag, a complex key), the text is still read, and
//!   a diagnostic says how.
//!
//! Integers beyond 64 bits become floats, as JSON readers make them. The limits on
//! alias expansion and nesting (`crate::limits`) hold throughout.

mod json_positions;
mod mapping;
mod scalar;
mod syntax;

use crate::diagnostics::{Code, Diagnostic, pointer_push};
use crate::limits::Limits;
use libyaml_safer::{EventData, Mark, Parser};
use mapping::{Key, MapFrame, Noted, count_values, insert, merge_into, with_merged};
use serde_json::{Map, Value};
use std::collections::HashMap;
use syntax::syntax_error;

/// Why a text could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not YAML (nor JSON).
    Syntax,
    /// A limit of `crate::limits` was reached; the message says how to raise it.
    Limit,
}

/// A syntax error (or a limit reached) with its 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub kind: ErrorKind,
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// A document read: its value, and what the reader noticed on the way
/// (duplicate keys, YAML 1.1 readings, parts PyYAML would refuse).
#[derive(Debug, Clone)]
pub struct Read {
    pub value: Value,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads YAML (or JSON) text: its first document as a JSON value, and the
/// diagnostics of the reading.
pub fn read(text: &str) -> Result<Read, SyntaxError> {
    let mut b = Builder::new(false);
    run(text, &mut b)?;
    Ok(Read {
        value: b.root.unwrap_or(Value::Null),
        diagnostics: b.diagnostics,
    })
}

/// Parses YAML (or JSON) text into a JSON value.
pub fn to_json(text: &str) -> Result<Value, SyntaxError> {
    read(text).map(|r| r.value)
}

/// 1-based line and column of every member and item, by JSON pointer (`#/a/0`);
/// JSON text is scanned ([`json_positions`]), other text read through libyaml.
pub fn positions(text: &str) -> Result<HashMap<String, (usize, usize)>, SyntaxError> {
    if let Some(found) = json_positions::positions(text) {
        return Ok(found);
    }
    let mut b = Builder::new(true);
    run(text, &mut b)?;
    Ok(b.positions)
}

/// 1-based line and column of a mark (libyaml counts from 0, in characters).
fn at(mark: Mark) -> (usize, usize) {
    let narrow = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    (narrow(mark.line) + 1, narrow(mark.column) + 1)
}

fn run(text: &str, b: &mut Builder) -> Result<(), SyntaxError> {
    let mut parser: Parser<&[u8]> = Parser::new();
    parser.set_input(text.as_bytes());
    let mut documents = 0;
    loop {
        let event = parser.parse().map_err(|e| syntax_error(text, &e))?;
        match event.data {
            EventData::StreamEnd => break,
            EventData::DocumentStart { .. } => {
                documents += 1;
                if documents > 1 {
                    // PyYAML's `load` refuses a second document; the first is
                    // what every OpenAPI tool reads.
                    let (line, column) = at(event.start_mark);
                    b.diagnostics.push(
                        Diagnostic::error(
                            "#",
                            format!("the text holds a second YAML document (line {line}); an OpenAPI description is one document"),
                        )
                        .with_code(Code::Yaml)
                        .at_position(line, column)
                        .with_help("remove the `---` and what follows, or make it a file of its own")
                        .with_repair("only the first document is read"),
                    );
                    break;
                }
            }
            data => b.on_event(data, event.start_mark),
        }
        if b.stop() {
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
        anchor: Option<String>,
        pointer: String,
    },
    Map(Box<MapFrame>),
}

struct Anchored {
    value: Value,
    /// Values it holds, itself included: what an alias to it adds.
    values: usize,
    mark: Mark,
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Value>,
    anchors: HashMap<String, Anchored>,
    record: bool,
    positions: HashMap<String, (usize, usize)>,
    diagnostics: Vec<Diagnostic>,
    error: Option<SyntaxError>,
    limits: Limits,
    /// Values added by expanding aliases so far.
    expanded: usize,
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
            diagnostics: Vec::new(),
            error: None,
            limits: Limits::current(),
            expanded: 0,
        }
    }

    /// An error ends the reading at once: past the depth limit, libyaml's
    /// scanner would spend time quadratic in the nesting (it checks every open
    /// flow level on each token), and past the alias limit, memory.
    fn stop(&self) -> bool {
        self.error.is_some()
    }

    /// The pointer of the value about to be added, and where its entry starts
    /// (for a member: its key). Only while recording positions.
    fn next_pointer(&self, mark: Mark) -> Option<(String, Mark)> {
        if !self.record {
            return None;
        }
        Some(match self.stack.last() {
            None => ("#".to_string(), mark),
            Some(Frame::Seq { items, pointer, .. }) => (format!("{pointer}/{}", items.len()), mark),
            Some(Frame::Map(m)) => match &m.key {
                Some(k) => (format!("{}/{}", m.pointer, escape(&k.text)), k.mark),
                None => (m.pointer.clone(), mark),
            },
        })
    }

    /// The pointer of the value about to be added, from the stack (for
    /// diagnostics, which are rare: nothing is kept for them while reading).
    fn pointer_here(&self) -> String {
        let mut pointer = String::from("#");
        for frame in &self.stack {
            match frame {
                Frame::Seq { items, .. } => {
                    pointer = pointer_push(&pointer, &items.len().to_string())
                }
                Frame::Map(m) => match &m.key {
                    Some(k) => pointer = pointer_push(&pointer, &k.text),
                    None => break,
                },
            }
        }
        pointer
    }

    fn in_key_position(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map(m)) if m.key.is_none())
    }

    fn record_at(&mut self, pointer: String, mark: Mark) {
        self.positions.entry(pointer).or_insert_with(|| at(mark));
    }

    fn add(&mut self, value: Value, anchor: Option<String>, mark: Mark) {
        if let Some(name) = anchor {
            self.define(name, &value, mark);
        }
        if let Some((pointer, key_mark)) = self.next_pointer(mark) {
            self.record_at(pointer, key_mark);
        }
        let noted = match self.stack.last_mut() {
            None => {
                self.root = Some(value);
                None
            }
            Some(Frame::Seq { items, .. }) => {
                items.push(value);
                None
            }
            Some(Frame::Map(m)) => match m.key.take() {
                Some(key) if key.merge => merge_into(m, value)
                    .err()
                    .map(|found| Noted::BadMerge(found, key.mark)),
                Some(key) => insert(m, key, value),
                // A complex key (a mapping or sequence used as a key): its JSON text.
                None => {
                    let text = scalar::key_text(&value);
                    m.key = Some(Key {
                        text: text.clone(),
                        mark,
                        merge: false,
                    });
                    Some(Noted::ComplexKey(text, mark))
                }
            },
        };
        // The mapping's key is taken by now, so this is the mapping's pointer.
        match noted {
            None => {}
            Some(Noted::BadMerge(found, mark)) => {
                let (line, column) = at(mark);
                let d = Diagnostic::error(
                    self.pointer_here(),
                    format!("a merge key (`<<`) takes a mapping or a list of mappings, not {found}"),
                )
                .with_code(Code::Yaml)
                .at_position(line, column)
                .with_help("merge an anchored mapping (`<<: *base`), or quote `\"<<\"` to mean a member of that name")
                .with_repair("this `<<` is left out");
                self.diagnostics.push(d);
            }
            Some(Noted::ComplexKey(text, mark)) => {
                let (line, column) = at(mark);
                let d = Diagnostic::error(
                    self.pointer_here(),
                    "a mapping or sequence is used as a key; JSON keys are strings (and PyYAML refuses it)",
                )
                .with_code(Code::Yaml)
                .at_position(line, column)
                .with_help("write the key as a string")
                .with_repair(format!("the key is its JSON text, `{text}`"));
                self.diagnostics.push(d);
            }
            Some(Noted::Duplicate { key, first, mark }) => {
                let (line, column) = at(mark);
                let d = Diagnostic::error(
                    pointer_push(&self.pointer_here(), &key),
                    format!(
                        "the key `{key}` is written twice in one mapping (lines {first} and {line}); YAML requires keys to be unique"
                    ),
                )
                .with_code(Code::DuplicateKey)
                .at_position(line, column)
                .with_help("remove one of them, or join what they hold under one key")
                .with_repair(format!(
                    "the value at line {line} is kept (as PyYAML and JSON readers keep the last); the one at line {first} is dropped"
                ));
                self.diagnostics.push(d);
            }
        }
    }

    fn define(&mut self, name: String, value: &Value, mark: Mark) {
        let values = count_values(value);
        let anchored = Anchored {
            value: value.clone(),
            values,
            mark,
        };
        if let Some(before) = self.anchors.insert(name.clone(), anchored) {
            let (line, column) = at(mark);
            let (first, _) = at(before.mark);
            self.diagnostics.push(
                Diagnostic::warning(
                    self.pointer_here(),
                    format!("the anchor `&{name}` is defined twice (lines {first} and {line}); aliases after this one refer to it"),
                )
                .with_code(Code::Yaml)
                .at_position(line, column)
                .with_help("give each anchor its own name: PyYAML refuses an anchor defined twice"),
            );
        }
    }

    fn key_scalar(&mut self, read: scalar::Scalar, mark: Mark) {
        self.note(&read, mark, true);
        let record = self.record;
        let text = scalar::key_text(&read.value);
        if record && let Some(Frame::Map(m)) = self.stack.last() {
            let p = m.pointer.clone();
            self.record_at(p, mark);
        }
        if let Some(Frame::Map(m)) = self.stack.last_mut() {
            m.key = Some(Key {
                text,
                mark,
                merge: read.merge,
            });
        }
    }

    /// Diagnostics a scalar's reading calls for.
    fn note(&mut self, read: &scalar::Scalar, mark: Mark, key: bool) {
        if read.yaml11.is_none() && read.ignored_tag.is_none() {
            return;
        }
        let (line, column) = at(mark);
        let mut pointer = self.pointer_here();
        if key {
            // The member the key names.
            pointer = pointer_push(&pointer, &scalar::key_text(&read.value));
        }
        let what = if key { "key" } else { "value" };
        if let Some(v11) = &read.yaml11 {
            self.diagnostics.push(
                Diagnostic::warning(
                    pointer.clone(),
                    format!(
                        "the plain {what} is read as {} (YAML 1.2, which OpenAPI recommends and js-yaml reads), but YAML 1.1 readers such as PyYAML read {}",
                        show(&read.value),
                        show(v11)
                    ),
                )
                .with_code(Code::Yaml11)
                .at_position(line, column)
                .with_help("quote the text, or write the value so that both versions read it alike"),
            );
        }
        if let Some(tag) = &read.ignored_tag {
            self.diagnostics.push(
                Diagnostic::warning(
                    pointer,
                    format!("the tag `{tag}` does not apply here; the {what} is read as if untagged: {}", show(&read.value)),
                )
                .with_code(Code::Yaml)
                .at_position(line, column)
                .with_help("JSON has strings, numbers, booleans, null, arrays and objects; tag a value with one of those (`!!str`, `!!int`, …) or none"),
            );
        }
    }

    fn on_event(&mut self, ev: EventData, mark: Mark) {
        if self.stack.len() >= self.limits.depth
            && matches!(
                ev,
                EventData::SequenceStart { .. } | EventData::MappingStart { .. }
            )
        {
            let (line, column) = at(mark);
            self.error = Some(SyntaxError {
                kind: ErrorKind::Limit,
                message: format!(
                    "the document is nested more than {} levels deep ({})",
                    self.limits.depth,
                    Limits::how_to_raise("depth", self.limits.depth)
                ),
                line,
                column,
            });
            return;
        }
        match ev {
            EventData::Scalar {
                anchor,
                tag,
                value,
                plain_implicit,
                ..
            } => {
                let read = scalar::resolve(value, tag.as_deref(), plain_implicit);
                if self.in_key_position() {
                    if let Some(name) = anchor {
                        self.define(name, &read.value, mark);
                    }
                    self.key_scalar(read, mark);
                    return;
                }
                self.note(&read, mark, false);
                self.add(read.value, anchor, mark);
            }
            EventData::SequenceStart { anchor, tag, .. } => {
                self.collection_tag(tag.as_deref(), "seq", mark);
                let pointer = self.container_pointer(mark);
                if self.record
                    && let Some((p, _)) = self.next_pointer(mark)
                {
                    let here = match self.stack.last() {
                        Some(Frame::Map(m)) => m.key.as_ref().map_or(mark, |k| k.mark),
                        _ => mark,
                    };
                    self.record_at(p, here);
                }
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    anchor,
                    pointer,
                });
            }
            EventData::MappingStart { anchor, tag, .. } => {
                self.collection_tag(tag.as_deref(), "map", mark);
                let pointer = self.container_pointer(mark);
                // An item of a sequence is placed at its first key (below); a member
                // at its key.
                if self.record
                    && let Some((p, _)) = self.next_pointer(mark)
                {
                    let here = match self.stack.last() {
                        Some(Frame::Map(m)) => Some(m.key.as_ref().map_or(mark, |k| k.mark)),
                        Some(Frame::Seq { .. }) => None,
                        None => Some(mark),
                    };
                    if let Some(here) = here {
                        self.record_at(p, here);
                    }
                }
                self.stack.push(Frame::Map(Box::new(MapFrame {
                    map: Map::new(),
                    key_at: Vec::new(),
                    index: None,
                    merged: Vec::new(),
                    key: None,
                    anchor,
                    pointer,
                })));
            }
            EventData::SequenceEnd => {
                if let Some(Frame::Seq { items, anchor, .. }) = self.stack.pop() {
                    self.add(Value::Array(items), anchor, mark);
                }
            }
            EventData::MappingEnd => {
                if let Some(Frame::Map(m)) = self.stack.pop() {
                    let MapFrame {
                        map,
                        merged,
                        anchor,
                        ..
                    } = *m;
                    self.add(Value::Object(with_merged(merged, map)), anchor, mark);
                }
            }
            EventData::Alias { anchor } => match self.expand(&anchor, mark) {
                Some(value) => {
                    if self.in_key_position() {
                        let read = scalar::Scalar::aliased(value);
                        self.key_scalar(read, mark);
                    } else {
                        self.add(value, None, mark);
                    }
                }
                None => {
                    let (line, column) = at(mark);
                    self.error.get_or_insert(SyntaxError {
                        kind: ErrorKind::Syntax,
                        message: format!(
                            "the alias `*{anchor}` refers to an anchor that is not defined before it"
                        ),
                        line,
                        column,
                    });
                }
            },
            EventData::StreamStart { .. }
            | EventData::StreamEnd
            | EventData::DocumentStart { .. }
            | EventData::DocumentEnd { .. } => {}
        }
    }

    /// A collection's tag: `!!map`/`!!seq` (or none) is what it is; any other is
    /// reported and ignored (PyYAML reads `!!set` and `!!omap` as Python types JSON
    /// has not, and refuses the rest).
    fn collection_tag(&mut self, tag: Option<&str>, kind: &str, mark: Mark) {
        let Some(tag) = tag else { return };
        if tag == "!" || tag.strip_prefix("tag:yaml.org,2002:") == Some(kind) {
            return;
        }
        let (line, column) = at(mark);
        let pointer = self.pointer_here();
        self.diagnostics.push(
            Diagnostic::warning(
                pointer,
                format!(
                    "the tag `{tag}` does not apply here; the collection is read as if untagged"
                ),
            )
            .with_code(Code::Yaml)
            .at_position(line, column)
            .with_help("JSON has arrays and objects: leave the tag out"),
        );
    }

    fn container_pointer(&self, mark: Mark) -> String {
        self.next_pointer(mark).map(|(p, _)| p).unwrap_or_default()
    }

    /// The value an alias stands for, unless copying it would pass the limit on
    /// values added by aliases (then the error says where, and nothing more is built).
    fn expand(&mut self, name: &str, mark: Mark) -> Option<Value> {
        let anchored = self.anchors.get(name)?;
        self.expanded = self.expanded.saturating_add(anchored.values);
        if self.expanded > self.limits.alias_values {
            let (line, column) = at(mark);
            self.error = Some(SyntaxError {
                kind: ErrorKind::Limit,
                message: format!(
                    "aliases expand to more than {} values (anchors that refer to anchors \
                     grow exponentially: a \"billion laughs\" document?); {}",
                    self.limits.alias_values,
                    Limits::how_to_raise("alias-values", self.limits.alias_values)
                ),
                line,
                column,
            });
            return Some(Value::Null);
        }
        Some(anchored.value.clone())
    }
}

/// A value as a diagnostic shows it: JSON text.
fn show(value: &Value) -> String {
    format!("`{value}`")
}

#[cfg(test)]
mod tests;
