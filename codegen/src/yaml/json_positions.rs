//! Where the members and items of a JSON text are, found by scanning the text
//! without building its value. Diagnostics are located through these positions
//! ([`crate::diagnostics::SourceMap`]), found while the generator works; reading
//! a JSON text through libyaml's events for them cost several times the scan, and
//! a second copy of the whole document in memory while the first is resolved.
//!
//! The positions are the ones [`super::positions`] gives for the same text (a
//! test holds them equal): a member at its key, an item where it starts, an
//! object item at its first key (at its `}` when empty), the document at 1:1;
//! columns count characters. Whatever this scanner does not take as plain JSON
//! (a byte-order mark, line breaks YAML counts and JSON does not, a syntax error,
//! nesting deeper than [`MAX_DEPTH`]) gives `None`, and the YAML reader is used.

use std::collections::HashMap;

/// Deeper documents are left to the YAML reader, which applies the depth limit.
const MAX_DEPTH: usize = 128;

/// The positions of every member and item of `text`, or `None` (see the module).
pub(super) fn positions(text: &str) -> Option<HashMap<String, (usize, usize)>> {
    let bytes = text.as_bytes();
    // Line breaks of YAML 1.1 that JSON does not count (NEL, LS, PS), and a lone CR.
    let odd_breaks = text.contains(['\u{85}', '\u{2028}', '\u{2029}'])
        || bytes
            .iter()
            .enumerate()
            .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
    if text.starts_with('\u{feff}') || odd_breaks {
        return None;
    }
    let mut s = Scanner {
        text,
        bytes,
        at: 0,
        line: 1,
        column_byte: 0,
        column: 1,
        pointer: String::from("#"),
        positions: HashMap::new(),
    };
    s.positions.insert("#".to_string(), (1, 1));
    s.space();
    s.value(0, false)?;
    s.space();
    (s.at == bytes.len()).then_some(s.positions)
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    line: usize,
    /// A byte offset on the current line and its 1-based column in characters:
    /// columns are counted onwards from there, so a long line costs its length once.
    column_byte: usize,
    column: usize,
    pointer: String,
    positions: HashMap<String, (usize, usize)>,
}

impl Scanner<'_> {
    /// Line and column of the byte at `at` (on the current line, at or after the last asked).
    fn here(&mut self) -> (usize, usize) {
        let from = self.column_byte;
        self.column += self
            .text
            .get(from..self.at)
            .map_or(0, |s| s.chars().count());
        self.column_byte = self.at;
        (self.line, self.column)
    }

    fn record(&mut self, position: (usize, usize)) {
        if !self.positions.contains_key(&self.pointer) {
            self.positions.insert(self.pointer.clone(), position);
        }
    }

    fn space(&mut self) {
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b' ' | b'\t' | b'\r' => self.at += 1,
                b'\n' => {
                    self.at += 1;
                    self.line += 1;
                    self.column_byte = self.at;
                    self.column = 1;
                }
                _ => break,
            }
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.bytes.get(self.at) == Some(&b)).then(|| self.at += 1)
    }

    /// The value at `at`, whose pointer is `self.pointer`; `item`: an item of an
    /// array, placed where it starts (a member was placed at its key).
    fn value(&mut self, depth: usize, item: bool) -> Option<()> {
        match self.bytes.get(self.at)? {
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.at += 1;
                self.object(depth + 1)
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                if item {
                    let here = self.here();
                    self.record(here);
                }
                self.at += 1;
                self.array(depth + 1)
            }
            _ => {
                if item {
                    let here = self.here();
                    self.record(here);
                }
                self.scalar()
            }
        }
    }

    fn object(&mut self, depth: usize) -> Option<()> {
        self.space();
        if self.bytes.get(self.at) == Some(&b'}') {
            // An empty object: placed at its end, as libyaml's event for it is.
            let here = self.here();
            self.record(here);
            self.at += 1;
            return Some(());
        }
        loop {
            self.space();
            let key_at = self.here();
            // The object itself is placed at its first key (an item of an array).
            self.record(key_at);
            let key = self.string()?;
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer
                .push_str(&key.replace('~', "~0").replace('/', "~1"));
            self.record(key_at);
            self.space();
            self.eat(b':')?;
            self.space();
            self.value(depth, false)?;
            self.pointer.truncate(len);
            self.space();
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        self.space();
        if self.eat(b']').is_some() {
            return Some(());
        }
        let mut index = 0usize;
        loop {
            self.space();
            let len = self.pointer.len();
            self.pointer.push('/');
            self.pointer.push_str(&index.to_string());
            self.value(depth, true)?;
            self.pointer.truncate(len);
            index += 1;
            self.space();
            match self.bytes.get(self.at)? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string's value (escapes read by serde_json when there are any).
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.eat(b'"')?;
        let mut escaped = false;
        loop {
            match *self.bytes.get(self.at)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    self.at += 2;
                }
                b if b < 0x20 => return None,
                _ => self.at += 1,
            }
        }
        self.at += 1;
        let raw = self.text.get(start..self.at)?;
        if escaped {
            serde_json::from_str(raw).ok()
        } else {
            raw.get(1..raw.len() - 1).map(str::to_string)
        }
    }

    /// A string, number, `true`, `false` or `null`.
    fn scalar(&mut self) -> Option<()> {
        if self.bytes.get(self.at) == Some(&b'"') {
            return self.string().map(drop);
        }
        let start = self.at;
        while let Some(b) = self.bytes.get(self.at) {
            if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                break;
            }
            self.at += 1;
        }
        let word = self.text.get(start..self.at)?;
        let number = || serde_json::from_str::<serde_json::Number>(word).is_ok();
        (matches!(word, "true" | "false" | "null") || number()).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The positions libyaml's events give for the same text.
    fn by_yaml(text: &str) -> HashMap<String, (usize, usize)> {
        let mut b = super::super::Builder::new(true);
        super::super::run(text, &mut b).unwrap();
        b.positions
    }

    #[test]
    fn positions_are_those_libyaml_gives() {
        let texts = [
            "{}",
            "  \n{\"a\": 1}",
            "{\n  \"a\": {\"b\": [1, 2]},\n  \"c\": [{}, [], [[3]], {\"d\": null}, \"x\"]\n}",
            "{\"é\": \"ü\", \"b\": [true, false, -1.5e3, {\"k\": \"v\"}], \"é2\": 1}\r\n",
            "{\"a/b~c\": {\"\\u00e9\\\"\": [ 1 ,2 ]}, \"t\": \"tab\\there\"}",
            "{\"dup\": {\"x\": 1}, \"dup\": {\"y\": 2}, \"e\": {}, \"f\": []}",
            "{\n\t\"wide\": [\"ab\", \"ü\", \"😀\", 3],\n\t\"n\": {\"m\": {\"o\": [{\"p\": [{}]}]}}\n}\n",
        ];
        for text in texts {
            assert_eq!(positions(text), Some(by_yaml(text)), "{text}");
        }
    }

    #[test]
    fn what_is_not_plain_json_goes_to_the_yaml_reader() {
        for text in [
            "\u{feff}{\"a\": 1}",
            "{\"a\": 1}\r{}",
            "{\"a\": tru}",
            "{\"a\": 1",
            "{\"a\": 1} x",
            "{\"a\": \"\u{2028}\"}",
        ] {
            assert_eq!(positions(text), None, "{text}");
        }
        let deep = "[".repeat(200) + &"]".repeat(200);
        assert_eq!(positions(&format!("{{\"a\": {deep}}}")), None);
    }
}
