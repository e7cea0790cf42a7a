//! Structure-aware YAML: an OpenAPI skeleton whose schemas, parameters and
//! responses are YAML trees built from the input, with anchors, aliases (also to
//! anchors not yet defined or defined twice), merge keys, nesting far past the
//! depth limit in block and flow style, and `$ref` strings made of the pieces
//! that break pointer handling (`~0`/`~1` and bad `~` escapes, `%` escapes, cut
//! UTF-8 sequences written as escapes, non-ASCII, empty segments). The text goes
//! through parse → validate → generate.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;

#[derive(Arbitrary, Debug)]
enum Node {
    Scalar(Scalar),
    Map(Vec<(Key, Node)>),
    Seq(Vec<Node>),
    /// `&aN node`.
    Anchor(u8, Box<Node>),
    /// `*aN`.
    Alias(u8),
    /// `N` levels of one-member maps (or one-item sequences) around a node.
    Nest(u16, bool, Box<Node>),
    /// `{$ref: …}`.
    Ref(Vec<Segment>),
    /// A schema with the members generators care about.
    Schema(Kind, Vec<(Key, Node)>),
    /// Render the inner node in flow style (`{…}`, `[…]`).
    Flow(Box<Node>),
}

#[derive(Arbitrary, Debug)]
enum Key {
    Keyword(u8),
    Text(String),
    /// `<<: *aN` or `<<: [*aN, …]`.
    Merge(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    /// Plain scalars YAML 1.1 and 1.2 read differently.
    Plain(u8),
}

#[derive(Arbitrary, Debug)]
enum Kind {
    Object,
    Array,
    Str,
    Int,
    Nullable,
    AllOf,
    OneOf,
}

#[derive(Arbitrary, Debug)]
enum Segment {
    Text(String),
    Tilde0,
    Tilde1,
    /// `~` followed by something other than 0 or 1.
    BadTilde(char),
    /// `%XY` with any two characters, and a lone `%`.
    Percent(char, char),
    LonePercent,
    NonAscii(char),
    Empty,
    Component(u8),
}

const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "required",
    "properties",
    "items",
    "additionalProperties",
    "enum",
    "default",
    "example",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "propertyName",
    "mapping",
    "$ref",
    "description",
    "name",
    "in",
    "schema",
    "content",
    "application/json",
];

const PLAIN: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "~",
    "null",
    "0x1F",
    "0o17",
    "1_000",
    ".inf",
    "-.nan",
    "1e400",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
    "!!str",
    "'",
    "\"",
];

const SCHEMAS: &[&str] = &["A", "B", "C~1", "D/E", "é", "%41"];

/// The size the document may grow to (the generator's own limit is 64 MiB).
const MAX_TEXT: usize = 1 << 20;

/// The nesting a `Nest` node may add: past the generator's depth limit (128),
/// not so far that one input takes seconds.
const MAX_NEST: u16 = 400;

fn quoted(text: &str) -> String {
    // JSON string syntax is valid double-quoted YAML.
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn key(k: &Key) -> String {
    match k {
        Key::Keyword(i) => quoted(KEYWORDS[*i as usize % KEYWORDS.len()]),
        Key::Text(t) => quoted(t),
        Key::Merge(_) => "<<".into(),
    }
}

fn merge_value(anchors: &[u8]) -> String {
    match anchors {
        [one] => format!("*a{one}"),
        many => {
            let list: Vec<String> = many.iter().take(8).map(|a| format!("*a{a}")).collect();
            format!("[{}]", list.join(", "))
        }
    }
}

fn scalar(s: &Scalar) -> String {
    match s {
        Scalar::Null => "null".into(),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Int(i) => i.to_string(),
        Scalar::Float(f) if f.is_finite() => format!("{f:?}"),
        Scalar::Float(_) => ".nan".into(),
        Scalar::Text(t) => quoted(t),
        Scalar::Plain(i) => PLAIN[*i as usize % PLAIN.len()].into(),
    }
}

fn reference(segments: &[Segment]) -> String {
    let mut out = String::from("#");
    for s in segments.iter().take(16) {
        out.push('/');
        match s {
            Segment::Text(t) => out.push_str(t),
            Segment::Tilde0 => out.push_str("~0"),
            Segment::Tilde1 => out.push_str("~1"),
            Segment::BadTilde(c) => {
                out.push('~');
                out.push(*c);
            }
            Segment::Percent(a, b) => {
                out.push('%');
                out.push(*a);
                out.push(*b);
            }
            Segment::LonePercent => out.push('%'),
            Segment::NonAscii(c) => out.push(*c),
            Segment::Empty => {}
            Segment::Component(i) => {
                out.push_str("components/schemas/");
                out.push_str(SCHEMAS[*i as usize % SCHEMAS.len()]);
            }
        }
    }
    out
}

fn kind(k: &Kind) -> Vec<(String, String)> {
    let pair = |k: &str, v: &str| (quoted(k), v.to_string());
    match k {
        Kind::Object => vec![pair("type", "object")],
        Kind::Array => vec![pair("type", "array"), pair("items", "{}")],
        Kind::Str => vec![pair("type", "string"), pair("format", "date-time")],
        Kind::Int => vec![pair("type", "integer"), pair("format", "int64")],
        Kind::Nullable => vec![pair("nullable", "true")],
        Kind::AllOf => vec![pair("allOf", "[{$ref: '#/components/schemas/A'}]")],
        Kind::OneOf => vec![pair(
            "oneOf",
            "[{$ref: '#/components/schemas/B'}, {type: string}]",
        )],
    }
}

/// Writes `node` as the value after `key: ` (or `- `), at `indent`.
struct Writer {
    out: String,
    budget: usize,
    anchors: Vec<u8>,
}

impl Writer {
    fn value(&mut self, node: &Node, indent: usize, flow: bool) {
        // Block nesting grows the text with the square of its depth: past
        // `MAX_TEXT` the input would be a test of the document-size limit only.
        if self.budget == 0 || self.out.len() > MAX_TEXT {
            self.out.push_str("null");
            return;
        }
        self.budget -= 1;
        match node {
            Node::Scalar(s) => self.out.push_str(&scalar(s)),
            // Mostly to an anchor already defined (the ones that expand), else
            // to one that is not (an error to report).
            Node::Alias(a) => {
                let name = match self.anchors.len() {
                    0 => a % 8,
                    n => self.anchors[*a as usize % n],
                };
                let _ = write!(self.out, "*a{name}");
            }
            // Two properties on one node are a syntax error: the inner one wins.
            Node::Anchor(_, inner) if matches!(**inner, Node::Anchor(..)) => {
                self.value(inner, indent, flow)
            }
            Node::Anchor(a, inner) => {
                let _ = write!(self.out, "&a{} ", a % 8);
                self.value(inner, indent, flow);
                self.anchors.push(a % 8);
            }
            Node::Ref(segments) => {
                let target = quoted(&reference(segments));
                if flow {
                    let _ = write!(self.out, "{{\"$ref\": {target}}}");
                } else {
                    let _ = write!(self.out, "\n{:indent$}\"$ref\": {target}", "");
                }
            }
            Node::Flow(inner) => self.value(inner, indent, true),
            Node::Nest(levels, as_seq, inner) => {
                let levels = (*levels % MAX_NEST) as usize;
                if flow {
                    let (open, close) = if *as_seq { ("[", "]") } else { ("{n: ", "}") };
                    self.out.push_str(&open.repeat(levels));
                    self.value(inner, indent, true);
                    self.out.push_str(&close.repeat(levels));
                } else {
                    let mut at = indent;
                    for _ in 0..levels {
                        if *as_seq {
                            let _ = write!(self.out, "\n{:at$}- ", "");
                        } else {
                            let _ = write!(self.out, "\n{:at$}n: ", "");
                        }
                        at += 2;
                    }
                    self.value(inner, at, false);
                }
            }
            Node::Map(entries) => self.map(
                entries.iter().map(|(k, v)| (Some(k), None, Some(v))),
                indent,
                flow,
            ),
            Node::Schema(k, entries) => {
                let fixed = kind(k);
                let fixed = fixed.iter().map(|(k, v)| (None, Some((k, v)), None));
                let own = entries.iter().map(|(k, v)| (Some(k), None, Some(v)));
                self.map(fixed.chain(own), indent, flow)
            }
            Node::Seq(items) => {
                if items.is_empty() || flow {
                    self.out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        if i > 0 {
                            self.out.push_str(", ");
                        }
                        self.value(item, indent, true);
                    }
                    self.out.push(']');
                } else {
                    for item in items {
                        let _ = write!(self.out, "\n{:indent$}- ", "");
                        self.value(item, indent + 2, false);
                    }
                }
            }
        }
    }

    /// A map from entries that are either a key and a node, or fixed text.
    #[allow(clippy::type_complexity)]
    fn map<'a>(
        &mut self,
        entries: impl Iterator<
            Item = (
                Option<&'a Key>,
                Option<(&'a String, &'a String)>,
                Option<&'a Node>,
            ),
        >,
        indent: usize,
        flow: bool,
    ) {
        let entries: Vec<_> = entries.collect();
        if entries.is_empty() || flow {
            self.out.push('{');
        }
        for (i, (k, fixed, v)) in entries.iter().enumerate() {
            if flow || entries.is_empty() {
                if i > 0 {
                    self.out.push_str(", ");
                }
            } else {
                let _ = write!(self.out, "\n{:indent$}", "");
            }
            match (k, fixed, v) {
                (_, Some((k, v)), _) => {
                    let _ = write!(self.out, "{k}: {v}");
                }
                (Some(Key::Merge(anchors)), _, _) => {
                    let known = &self.anchors;
                    let names: Vec<u8> = anchors
                        .iter()
                        .map(|a| match known.len() {
                            0 => a % 8,
                            n => known[*a as usize % n],
                        })
                        .collect();
                    let _ = write!(self.out, "<<: {}", merge_value(&names));
                }
                (Some(k), _, Some(v)) => {
                    let _ = write!(self.out, "{}: ", key(k));
                    self.value(v, indent + 2, flow);
                }
                _ => {}
            }
        }
        if entries.is_empty() || flow {
            self.out.push('}');
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Input {
    schemas: Vec<Node>,
    parameter: Node,
    response: Node,
}

fuzz_target!(|input: Input| {
    let mut w = Writer {
        out: String::from(
            "openapi: 3.0.3\ninfo: {title: fuzzed, version: '1'}\npaths:\n  /p/{id}:\n    get:\n      operationId: op\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema: ",
        ),
        budget: 4096,
        anchors: Vec::new(),
    };
    w.value(&input.parameter, 12, false);
    w.out.push_str(
        "\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: ",
    );
    w.value(&input.response, 16, false);
    w.out.push_str("\ncomponents:\n  schemas:");
    for (i, schema) in input.schemas.iter().take(SCHEMAS.len()).enumerate() {
        let _ = write!(w.out, "\n    {}: ", quoted(SCHEMAS[i]));
        w.value(schema, 6, false);
    }
    // For triage: `FUZZ_PRINT=1 cargo fuzz run yaml <input>` shows the document.
    if std::env::var_os("FUZZ_PRINT").is_some() {
        eprintln!("{}\n---", w.out);
    }
    let _ = codegen::validate(&w.out);
    let _ = codegen::generate(&w.out, &codegen::Settings::new("fuzzed", "fuzz", "input"));
});
