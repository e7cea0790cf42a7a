//! `cargo xtask yaml-oracle`: the generator's YAML reader against PyYAML's C
//! loader (`yaml.CSafeLoader`: libyaml's parser, PyYAML's composer and
//! constructor), on every YAML document of `../shared/corpus`, our spec, the
//! focused and bad specs, and a generated set ([`cases`]: block and flow styles,
//! flow collections closed at their key's indentation, anchors, aliases, merge
//! keys at any depth and in any order, duplicate keys, tags, every scalar form).
//!
//! What "the same JSON" means (`yaml_oracle.py` says it in code):
//! - the reference is `CSafeLoader` with the YAML 1.2 core schema's implicit
//!   types (what the OpenAPI Specification recommends, and js-yaml reads), merge
//!   keys kept; JSON forces a timestamp, `!!binary`, an infinity or NaN to keep
//!   its text. Where it reads a text, ours must give the same JSON, byte for byte
//!   (key order included);
//! - against stock `CSafeLoader` (YAML 1.1 types): a document we raise no
//!   `yaml-1.1` warning on must read the same; each `yaml-1.1` warning must be
//!   at a place where stock PyYAML reads something else;
//! - where PyYAML refuses a text libyaml parses (a second document, an anchor
//!   defined twice, a tag it has no constructor for, a complex key, a bad merge),
//!   we read it and must say so with a diagnostic.
//!
//! PyYAML (pinned, with its libyaml bindings) is installed into `.tools/pyyaml/`
//! on first use. The generated set's expected JSON is checked in
//! (`tests/yaml-oracle/expected.json`), so `cargo test` holds the reader to it
//! without Python (`tests/tests/yaml_oracle.rs`); this command checks that file is
//! still what PyYAML says (`--bless` rewrites it).

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// PyYAML, pinned; its wheels carry libyaml.
pub const PYYAML_VERSION: &str = "6.0.3";
/// The oracle's expected JSON for the generated set, by case name.
pub const EXPECTED: &str = "tests/yaml-oracle/expected.json";
const SCRIPT: &str = include_str!("yaml_oracle.py");

/// A YAML text of the generated set.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub text: String,
}

/// The checked-in expected readings: name → JSON, or `{"$error": …}` where
/// PyYAML refuses the text.
pub fn expected(root: &Path) -> Result<Map<String, Value>> {
    let path = root.join(EXPECTED);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let value: Value = serde_json::from_str(&text)?;
    match value {
        Value::Object(map) => Ok(map),
        _ => bail!("{} is not a JSON object", path.display()),
    }
}

/// The generated set: hand-written cases for each form, then random documents
/// from a fixed seed.
pub fn cases() -> Vec<Case> {
    let mut out: Vec<Case> = FIXED
        .iter()
        .map(|(name, text)| Case {
            name: (*name).to_string(),
            text: (*text).to_string(),
        })
        .collect();
    let mut g = Gen::new(0x5eed_1e55);
    for i in 0..120 {
        out.push(Case {
            name: format!("random-{i:03}"),
            text: g.document(),
        });
    }
    out
}

const FIXED: &[(&str, &str)] = &[
    (
        "flow-closed-at-key-indent",
        "components:\n  schemas:\n    S:\n      type: string\n      enum: [\n        \"a\", \"b\",\n      ]\n    M:\n      example: {\n        \"a\": 1,\n        \"b\": [\n          2, 3\n        ],\n      }\n      type: object\n",
    ),
    (
        "flow-closed-at-column-0",
        "a:\n  b: [\n1, 2\n]\n  c: {\nx: 1\n}\n",
    ),
    (
        "merge-orders",
        "base: &b {x: 1, y: 2}\nother: &o {x: 10, z: 30}\nown_wins: {<<: *b, x: 3}\nown_first: {x: 3, <<: *b}\nlist_first_wins: {<<: [*b, *o]}\nlist_reversed: {<<: [*o, *b]}\ntwo_keys: {<<: *b, <<: *o}\nwith_own: {w: 0, <<: [*o, *b], y: 9}\n",
    ),
    (
        "merge-nested-and-block",
        "a: &a\n  x: 1\n  inner: &i\n    p: 1\nb: &b\n  <<: *a\n  y: 2\nc:\n  d:\n    e:\n      <<: [*b, *i]\n      q: 2\n  f:\n    - <<: *i\n      r: 3\n    - {<<: {<<: *a, z: 1}}\n",
    ),
    ("merge-not-a-mapping", "a: {<<: 1, b: 2}\n"),
    (
        "duplicate-keys",
        "paths:\n  /a:\n    get: {operationId: one}\n  /b: {}\n  /a:\n    post: {operationId: two}\nx: {k: 1, k: 2, j: 0}\ntrue: 1\nTrue: 2\n",
    ),
    (
        "core-scalars",
        "- true\n- True\n- FALSE\n- yes\n- No\n- on\n- OFF\n- y\n- n\n- null\n- Null\n- ~\n-\n- 0\n- -0\n- +12\n- 017\n- 09\n- 0o17\n- 0x1F\n- 0b101\n- 1_000\n- 1:30\n- 190:20:30.15\n- 1.5\n- 1.\n- -.5\n- .5\n- 1e3\n- 1.0e+3\n- 1E-3\n- 6.02e23\n- .inf\n- -.Inf\n- +.INF\n- .NaN\n- 2024-01-01\n- 2001-12-14t21:59:43.10-05:00\n- 2001-12-14 21:59:43.10 -5\n- =\n- <<x\n- 123456789012345678901234567890\n- -9223372036854775808\n- 18446744073709551615\n- 18446744073709551616\n- 0.1\n- 3.14159\n- 12e03\n- 0x_1\n- 1__0\n- hello world\n- foo#bar\n- x-y\n- é\n- 'single ''quoted'''\n- \"double \\\"q\\\" \\t \\u00e9 \\x41 \\\\ \\/\"\n- \"line\n  folded\n\n  kept\"\n- 'one\n  two'\n- plain\n  multi line\n",
    ),
    (
        "block-scalars",
        "literal: |\n  a\n   b\n\n  c\nstrip: |-\n  a\n\nkeep: |+\n  a\n\nfolded: >\n  a\n  b\n\n  c\n   d\nfolded_strip: >-\n  a\n  b\nindented: |2\n   x\n  y\nlast: end\n",
    ),
    (
        "keys",
        "200: a\n1.5: c\n0x10: d\n017: e\non: f\nnull: g\n~x: h\n2024-01-01: i\n\"quoted key\": j\n? complex\n: k\n1.0: l\n-0: m\n",
    ),
    ("keys-one-json-key", "200: a\n'200': b\n"),
    ("complex-key", "? [a, b]\n: l\n"),
    (
        "tags",
        "a: !!str 12\nb: !!int \"7\"\nc: !!float 1\nd: !!bool yes\ne: !!null ''\nf: ! 12\ng: ! \"12\"\nh: !!str\ni: !!timestamp 2020-01-01\nj: !<tag:yaml.org,2002:int> \"8\"\nk: !!map {x: 1}\nl: !!seq [1]\n",
    ),
    ("unknown-tag", "a: !custom x\n"),
    ("documents", "%YAML 1.1\n---\na: 1\n...\n"),
    ("second-document", "a: 1\n---\nb: 2\n"),
    ("anchor-twice", "a: &x 1\nb: &x 2\nc: *x\n"),
    (
        "anchors-and-aliases",
        "s: &s scalar\nq: &q [1, 2]\nm: &m {k: v}\nuse: [*s, *q, *m]\nkey_alias: {*s : 1}\nnested: &n {in: *m, list: [*q]}\nagain: *n\n",
    ),
    (
        "comments-and-crlf",
        "# head\r\na: 1 # trailing\r\nb:\r\n  - x\r\n  # between\r\n  - y\r\n",
    ),
    ("empty", ""),
    (
        "json",
        "{\"openapi\": \"3.0.3\", \"n\": [1, 1.5, -2e-3, true, null, \"\\u00e9\\/\"], \"o\": {\"a\": {}}}\n",
    ),
];

/// A tiny deterministic generator (xorshift), so the set is the same everywhere.
struct Gen {
    state: u64,
    /// Anchors complete so far, with whether each is a mapping (mergeable).
    anchors: Vec<(String, bool)>,
    next_anchor: usize,
}

/// Plain scalars that are safe in flow and block context.
const PLAIN: &[&str] = &[
    "true",
    "True",
    "FALSE",
    "yes",
    "No",
    "on",
    "OFF",
    "y",
    "null",
    "Null",
    "~",
    "0",
    "-0",
    "+12",
    "017",
    "09",
    "0o17",
    "0x1F",
    "0b101",
    "1_000",
    "1:30",
    "190:20:30.15",
    "1.5",
    "1.",
    "-.5",
    ".5",
    "1e3",
    "1.0e+3",
    "1E-3",
    ".inf",
    "-.Inf",
    ".NaN",
    "2024-01-01",
    "=",
    "123456789012345678901234567890",
    "18446744073709551615",
    "-9223372036854775809",
    "hello",
    "two words",
    "x-y",
    "é",
    "a#b",
    "0.1",
];
const QUOTED: &[&str] = &[
    "'yes'",
    "\"017\"",
    "'it''s'",
    "\"tab\\tnew\\nline\"",
    "\"\\u00e9\\x41\"",
    "''",
    "\"\"",
    "'1e3'",
    "\"null\"",
];
const KEYS: &[&str] = &[
    "name",
    "type",
    "200",
    "'200'",
    "on",
    "yes",
    "null",
    "1.5",
    "0x10",
    "017",
    "true",
    "True",
    "\"quoted\"",
    "a b",
    "x-1",
    "2024-01-01",
    "é",
    "k",
];

impl Gen {
    fn new(seed: u64) -> Self {
        Self {
            state: seed,
            anchors: Vec::new(),
            next_anchor: 0,
        }
    }

    fn next(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.state = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    fn document(&mut self) -> String {
        self.anchors.clear();
        let mut out = String::new();
        if self.chance(20) {
            out.push_str("---\n");
        }
        let n = 1 + self.below(6);
        self.block_map(&mut out, 0, n, 0);
        if self.chance(10) {
            out.push_str("...\n");
        }
        out
    }

    fn scalar(&mut self) -> String {
        if self.chance(25) {
            self.pick(QUOTED).to_string()
        } else {
            self.pick(PLAIN).to_string()
        }
    }

    /// Keys for one mapping: distinct texts, with now and then one written twice.
    fn keys(&mut self, n: usize) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        while keys.len() < n {
            let k = self.pick(KEYS).to_string();
            // Python dicts merge 1 with 1.0 and True; the pool has no such pair,
            // but `true`/`True` are kept apart unless a duplicate is meant.
            if !keys.contains(&k) {
                keys.push(k);
            }
            if keys.len() == KEYS.len() {
                break;
            }
        }
        if n > 1 && self.chance(8) {
            let k = keys[0].clone();
            keys.push(k);
        }
        keys
    }

    fn anchor(&mut self) -> String {
        self.next_anchor += 1;
        format!("a{}", self.next_anchor)
    }

    /// A merge value: one mergeable anchor, or a list of them.
    fn merge(&mut self) -> Option<String> {
        let maps: Vec<String> = self
            .anchors
            .iter()
            .filter(|(_, m)| *m)
            .map(|(a, _)| a.clone())
            .collect();
        if maps.is_empty() {
            return None;
        }
        if maps.len() > 1 && self.chance(50) {
            let a = maps[self.below(maps.len())].clone();
            let b = maps[self.below(maps.len())].clone();
            Some(format!("[*{a}, *{b}]"))
        } else {
            Some(format!("*{}", maps[self.below(maps.len())]))
        }
    }

    fn block_map(&mut self, out: &mut String, indent: usize, n: usize, depth: usize) {
        let pad = " ".repeat(indent);
        let keys = self.keys(n);
        let merge_at = if self.chance(35) {
            self.merge().map(|m| (self.below(keys.len() + 1), m))
        } else {
            None
        };
        for (i, key) in keys.iter().enumerate() {
            if let Some((at, m)) = &merge_at
                && *at == i
            {
                let _ = writeln!(out, "{pad}<<: {m}");
            }
            let _ = write!(out, "{pad}{key}:");
            self.block_value(out, indent, depth, false);
        }
        if let Some((at, m)) = &merge_at
            && *at == keys.len()
        {
            let _ = writeln!(out, "{pad}<<: {m}");
        }
    }

    /// The value after `key:` (or `-`), up to and including its line break.
    fn block_value(&mut self, out: &mut String, indent: usize, depth: usize, in_seq: bool) {
        let pad = " ".repeat(indent);
        let anchor = self.chance(12).then(|| self.anchor());
        let anchor_text = anchor
            .as_ref()
            .map(|a| format!(" &{a}"))
            .unwrap_or_default();
        let choice = if depth >= 3 {
            self.below(4)
        } else {
            self.below(9)
        };
        let is_map = match choice {
            0 | 1 => {
                let s = self.scalar();
                let _ = writeln!(out, "{anchor_text} {s}");
                false
            }
            2 if !self.anchors.is_empty() && anchor.is_none() => {
                let at = self.below(self.anchors.len());
                let (a, _) = self.anchors[at].clone();
                let _ = writeln!(out, " *{a}");
                false
            }
            2 | 3 => {
                let (text, is_map) = self.flow(depth + 1, anchor.is_none());
                let bracketed = text.starts_with(['[', '{']) && text.len() > 2;
                if bracketed && self.chance(30) {
                    // Multi-line, closed at the key's indentation.
                    let (open, inner, close) = (
                        &text[..1],
                        &text[1..text.len() - 1],
                        &text[text.len() - 1..],
                    );
                    let _ = writeln!(out, "{anchor_text} {open}\n{pad}  {inner},\n{pad}{close}");
                } else {
                    let _ = writeln!(out, "{anchor_text} {text}");
                }
                is_map
            }
            4 => {
                let style = self.pick(&["|", "|-", "|+", ">", ">-"]);
                let _ = writeln!(out, "{anchor_text} {style}");
                let _ = writeln!(out, "{pad}  line one\n{pad}   more\n\n{pad}  last");
                false
            }
            5..=6 => {
                let _ = writeln!(out, "{anchor_text}");
                let n = 1 + self.below(4);
                self.block_map(out, indent + 2, n, depth + 1);
                true
            }
            _ => {
                let _ = writeln!(out, "{anchor_text}");
                let n = 1 + self.below(3);
                // Under a key a sequence may start at the key's column; under a
                // `-` it must be indented further.
                let item_indent = if !in_seq && self.chance(50) {
                    indent
                } else {
                    indent + 2
                };
                for _ in 0..n {
                    if self.chance(50) {
                        // A compact mapping item: `- key: value`.
                        let mut item = String::new();
                        let m = 1 + self.below(3);
                        self.block_map(&mut item, item_indent + 2, m, depth + 1);
                        let rest = &item[item_indent + 2..];
                        let _ = write!(out, "{}- {rest}", " ".repeat(item_indent));
                    } else {
                        let _ = write!(out, "{}-", " ".repeat(item_indent));
                        self.block_value(out, item_indent, depth + 1, true);
                    }
                }
                false
            }
        };
        if let Some(a) = anchor {
            self.anchors.push((a, is_map));
        }
    }

    /// A flow collection (or scalar), and whether it is a mapping.
    fn flow(&mut self, depth: usize, may_anchor: bool) -> (String, bool) {
        if depth > 4 || self.chance(20) {
            // An alias takes no anchor of its own.
            if may_anchor && !self.anchors.is_empty() && self.chance(30) {
                let at = self.below(self.anchors.len());
                let (a, is_map) = self.anchors[at].clone();
                return (format!("*{a}"), is_map);
            }
            let s = self.scalar();
            return (s, false);
        }
        let anchor = (may_anchor && self.chance(10)).then(|| self.anchor());
        let prefix = anchor
            .as_ref()
            .map(|a| format!("&{a} "))
            .unwrap_or_default();
        let (text, is_map) = if self.chance(50) {
            let n = self.below(4);
            let keys = self.keys(n);
            // A merge takes anchors complete before this mapping, so it may stand
            // anywhere among the members.
            let merge = if self.chance(30) { self.merge() } else { None };
            let mut parts = Vec::new();
            for key in keys {
                let (v, _) = self.flow(depth + 1, true);
                parts.push(format!("{key}: {v}"));
            }
            if let Some(m) = merge {
                let at = self.below(parts.len() + 1);
                parts.insert(at, format!("<<: {m}"));
            }
            (format!("{{{}}}", parts.join(", ")), true)
        } else {
            let n = self.below(4);
            let items: Vec<String> = (0..n).map(|_| self.flow(depth + 1, true).0).collect();
            (format!("[{}]", items.join(", ")), false)
        };
        if let Some(a) = anchor {
            self.anchors.push((a, is_map));
        }
        (format!("{prefix}{text}"), is_map)
    }
}

/// What one file came to.
struct Outcome {
    file: String,
    verdict: Result<&'static str, String>,
}

/// Installs PyYAML into `.tools/pyyaml/` on first use; returns its Python.
fn python(root: &Path) -> Result<PathBuf> {
    let dir = root.join(".tools").join("pyyaml");
    let py = dir.join("bin").join("python");
    let marker = dir.join(format!("installed-{PYYAML_VERSION}"));
    if !marker.exists() {
        println!("installing PyYAML {PYYAML_VERSION} into .tools/pyyaml");
        let status = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&dir)
            .status()
            .context("python3 -m venv (Python 3 is needed)")?;
        if !status.success() {
            bail!("could not make a virtual environment in {}", dir.display());
        }
        let status = Command::new(&py)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("PyYAML=={PYYAML_VERSION}"))
            .status()
            .context("pip install PyYAML")?;
        if !status.success() {
            bail!("could not install PyYAML {PYYAML_VERSION}");
        }
        std::fs::write(&marker, "")?;
    }
    let check = Command::new(&py)
        .args([
            "-c",
            "import yaml,sys; sys.exit(0 if yaml.__with_libyaml__ else 1)",
        ])
        .status()?;
    if !check.success() {
        bail!("PyYAML in .tools/pyyaml has no libyaml bindings: the C loader is the reference");
    }
    Ok(py)
}

/// The YAML documents the oracle reads besides the generated set.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["../shared/corpus", "tests/specs", "tests/bad-specs", "spec"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Runs the oracle; with `bless`, rewrites the generated set's expected JSON.
pub fn run(root: &Path, bless: bool) -> Result<()> {
    let py = python(root)?;
    let work = root.join("target").join("yaml-oracle");
    let case_dir = work.join("cases");
    let _ = std::fs::remove_dir_all(&case_dir);
    std::fs::create_dir_all(&case_dir)?;
    let script = work.join("oracle.py");
    std::fs::write(&script, SCRIPT)?;
    let cases = cases();
    let mut files: Vec<PathBuf> = Vec::new();
    for c in &cases {
        let p = case_dir.join(format!("{}.yaml", c.name));
        std::fs::write(&p, &c.text)?;
        files.push(p);
    }
    // Texts our limits refuse (alias bombs, nesting past the depth limit) are not
    // given to PyYAML, which would expand them until memory runs out.
    let mut limited = Vec::new();
    let mut docs = Vec::new();
    for p in documents(root) {
        let text = std::fs::read_to_string(&p)?;
        match codegen::yaml::read(&text) {
            Err(e) if e.kind == codegen::yaml::ErrorKind::Limit => limited.push(p),
            _ => docs.push(p),
        }
    }
    files.extend(docs.iter().cloned());
    let output = Command::new(&py)
        .arg(&script)
        .args(&files)
        .output()
        .context("running the PyYAML oracle")?;
    if !output.status.success() {
        bail!(
            "the PyYAML oracle failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut answers = Vec::new();
    for line in String::from_utf8(output.stdout)?.lines() {
        answers.push(serde_json::from_str::<Value>(line)?);
    }
    if answers.len() != files.len() {
        bail!(
            "the oracle answered {} of {} files",
            answers.len(),
            files.len()
        );
    }
    let mut outcomes = Vec::new();
    let mut expected_now = Map::new();
    for (i, answer) in answers.iter().enumerate() {
        let path = &files[i];
        let text = std::fs::read_to_string(path)?;
        let label = match cases.get(i) {
            Some(c) => format!("generated/{}", c.name),
            None => path
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| path.display().to_string()),
        };
        if let Some(c) = cases.get(i) {
            let expected = match (answer.get("core"), answer.get("core_error")) {
                (Some(v), _) => v.clone(),
                (None, e) => serde_json::json!({"$error": e.cloned().unwrap_or(Value::Null)}),
            };
            expected_now.insert(c.name.clone(), expected);
        }
        outcomes.push(Outcome {
            file: label,
            verdict: judge(&text, answer),
        });
    }
    // The checked-in expectations must be PyYAML's.
    let expected_path = root.join(EXPECTED);
    let fresh = serde_json::to_string_pretty(&Value::Object(expected_now))? + "\n";
    let stale = std::fs::read_to_string(&expected_path).ok().as_deref() != Some(fresh.as_str());
    if bless && stale {
        std::fs::create_dir_all(expected_path.parent().unwrap_or(root))?;
        std::fs::write(&expected_path, &fresh)?;
        println!("wrote {EXPECTED}");
    }
    let mut report = String::new();
    let mut failed = 0;
    let mut tally: std::collections::BTreeMap<&str, usize> = Default::default();
    for o in &outcomes {
        match &o.verdict {
            Ok(kind) => *tally.entry(kind).or_default() += 1,
            Err(why) => {
                failed += 1;
                let _ = writeln!(report, "MISMATCH {}: {why}", o.file);
            }
        }
    }
    print!("{report}");
    println!(
        "yaml-oracle: {} texts ({} generated, {} documents) against PyYAML {PYYAML_VERSION} (CSafeLoader): {}; {failed} mismatched",
        outcomes.len(),
        cases.len(),
        docs.len(),
        tally
            .iter()
            .chain([(
                &"refused by our limits, not given to PyYAML",
                &limited.len()
            )])
            .map(|(k, n)| format!("{n} {k}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if failed > 0 {
        bail!("{failed} text(s) read differently from PyYAML");
    }
    if stale && !bless {
        bail!("{EXPECTED} is not what PyYAML reads now: run `cargo xtask yaml-oracle --bless`");
    }
    Ok(())
}

/// Our reading of one text against PyYAML's.
fn judge(text: &str, answer: &Value) -> Result<&'static str, String> {
    let ours = codegen::yaml::read(text);
    let core = answer.get("core");
    let stock = answer.get("stock");
    match (core, &ours) {
        (Some(want), Ok(read)) => {
            let got = serde_json::to_string(&read.value).map_err(|e| e.to_string())?;
            let want_text = serde_json::to_string(want).map_err(|e| e.to_string())?;
            if got != want_text {
                return Err(format!("ours {} / PyYAML {}", clip(&got), clip(&want_text)));
            }
            check_stock(read, stock)?;
            Ok("the same")
        }
        (Some(_), Err(e)) => Err(format!("PyYAML reads it, we refuse: {e:?}")),
        (None, Err(_)) => Ok("refused by both"),
        (None, Ok(read)) => {
            // A superset: we read what PyYAML refuses, and must say so.
            let said = read.diagnostics.iter().any(|d| {
                d.code == codegen::diagnostics::Code::Yaml
                    || d.code == codegen::diagnostics::Code::DuplicateKey
            });
            if said {
                Ok("refused by PyYAML, read and reported by us")
            } else {
                Err(format!(
                    "PyYAML refuses it ({}), we read it without a word",
                    answer
                        .get("core_error")
                        .map(Value::to_string)
                        .unwrap_or_default()
                ))
            }
        }
    }
}

/// The YAML 1.1 reading: identical where we do not warn, different where we do.
fn check_stock(read: &codegen::yaml::Read, stock: Option<&Value>) -> Result<(), String> {
    let Some(stock) = stock else {
        // Stock PyYAML refuses what the core-schema loader reads (e.g. `=`, or
        // keys Python merges such as `1.0` and `on`): nothing to compare.
        return Ok(());
    };
    let warned: Vec<&str> = read
        .diagnostics
        .iter()
        .filter(|d| d.code == codegen::diagnostics::Code::Yaml11)
        .map(|d| d.pointer.as_str())
        .collect();
    if warned.is_empty() {
        if read.value != *stock {
            return Err(format!(
                "no yaml-1.1 warning, but stock PyYAML reads {} where we read {}",
                clip(&stock.to_string()),
                clip(&read.value.to_string())
            ));
        }
        return Ok(());
    }
    let replaced: Vec<&str> = read
        .diagnostics
        .iter()
        .filter(|d| d.code == codegen::diagnostics::Code::DuplicateKey)
        .map(|d| d.pointer.as_str())
        .collect();
    for pointer in warned {
        if replaced.contains(&pointer) {
            // A later value of the same key took its place.
            continue;
        }
        let path = pointer.trim_start_matches('#');
        let ours = read.value.pointer(path);
        let theirs = stock.pointer(path);
        // Nothing there in either: a later duplicate key or merge replaced the
        // value the warning is about.
        if ours.is_some() && ours == theirs {
            return Err(format!(
                "a yaml-1.1 warning at {pointer}, but stock PyYAML reads the same there"
            ));
        }
    }
    Ok(())
}

fn clip(s: &str) -> String {
    if s.len() > 300 {
        let mut end = 300;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}
