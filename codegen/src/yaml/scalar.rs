//! What a YAML scalar means.
//!
//! Plain scalars are typed by the YAML 1.2 core schema, which the OpenAPI
//! Specification recommends ("YAML version 1.2 is RECOMMENDED") and which
//! js-yaml (Swagger UI, Redocly, Prism) applies: `true`/`false`, `null`/`~`,
//! decimal, `0o` and `0x` integers, floats with or without a dot; the rest are
//! strings. YAML 1.1 readers (PyYAML's `SafeLoader` and its C loader, SnakeYAML)
//! also read `yes`/`no`/`on`/`off` as booleans, `017` as octal, `1_000` and `1:30`
//! as integers, and `1e3` as a string: where such a reader would read another
//! value, the scalar is reported (`yaml-1.1`), so the document can say what it
//! means by quoting. The YAML 1.1 readings below transcribe PyYAML 6's
//! `resolver.py` and `constructor.py`; the differential test
//! (`cargo xtask yaml-oracle`) holds both readings to PyYAML itself.
//!
//! A value JSON cannot hold keeps the text written: a timestamp (a string in
//! YAML 1.2 anyway), `.inf`, `.nan`.

use serde_json::{Number, Value};

/// The core tags, as libyaml spells them once `!!` is expanded.
const CORE: &str = "tag:yaml.org,2002:";

/// What a scalar resolved to, and whether YAML 1.1 readers would disagree.
pub(super) struct Scalar {
    pub value: Value,
    /// The plain scalar is the merge key `<<`.
    pub merge: bool,
    /// What a YAML 1.1 reader (PyYAML) makes of the same plain scalar, when that
    /// is a different JSON value.
    pub yaml11: Option<Value>,
    /// An explicit tag that could not be applied (unknown, or a value it does not fit).
    pub ignored_tag: Option<String>,
}

impl Scalar {
    /// The value of an alias, used as a key.
    pub(super) fn aliased(value: Value) -> Self {
        Self::plain(value)
    }

    fn plain(value: Value) -> Self {
        Self {
            value,
            merge: false,
            yaml11: None,
            ignored_tag: None,
        }
    }
}

/// The value of a scalar event. `plain_implicit` is libyaml's flag: plain and
/// untagged, or tagged with the non-specific `!` (PyYAML then resolves it as
/// if it were plain, quoted or not).
pub(super) fn resolve(text: String, tag: Option<&str>, plain_implicit: bool) -> Scalar {
    match tag {
        None | Some("!") if plain_implicit => implicit(text),
        None | Some("!") => Scalar::plain(Value::String(text)),
        Some(tag) => explicit(text, tag),
    }
}

/// A plain scalar by the YAML 1.2 core schema, and the merge key `<<` (YAML
/// 1.1's, which YAML 1.2 readers keep supporting).
fn implicit(text: String) -> Scalar {
    if text == "<<" {
        return Scalar {
            merge: true,
            ..Scalar::plain(Value::String(text))
        };
    }
    let value = core_schema(&text).unwrap_or_else(|| Value::String(text.clone()));
    let v11 = yaml11(&text);
    let yaml11 = (v11 != value).then_some(v11);
    Scalar {
        yaml11,
        ..Scalar::plain(value)
    }
}

/// A plain scalar by the YAML 1.1 implicit resolvers, in PyYAML's order (bool,
/// float, int, merge, null, timestamp, value).
fn yaml11(text: &str) -> Value {
    if is_bool(text) {
        Value::Bool(bool_value(text).unwrap_or(false))
    } else if is_float(text) {
        float_value(text).unwrap_or_else(|| Value::String(text.to_string()))
    } else if is_int(text) {
        int_value(text).unwrap_or_else(|| Value::String(text.to_string()))
    } else if is_null(text) {
        Value::Null
    } else {
        // Timestamps and `=` (PyYAML's "value" tag, a string as a key) stay text.
        Value::String(text.to_string())
    }
}

fn explicit(text: String, tag: &str) -> Scalar {
    let Some(name) = tag.strip_prefix(CORE) else {
        return ignored(text, tag);
    };
    let value = match name {
        "str" | "timestamp" | "binary" => Some(Value::String(text.clone())),
        "null" => Some(Value::Null),
        "bool" => bool_value(&text).map(Value::Bool),
        "int" => core_schema(&text).filter(|v| v.is_i64() || v.is_u64() || is_decimal(&text)),
        "float" => python_float(&text).map(|f| {
            Number::from_f64(f).map_or_else(|| Value::String(text.clone()), Value::Number)
        }),
        "merge" => {
            return Scalar {
                merge: true,
                ..Scalar::plain(Value::String(text))
            };
        }
        _ => None,
    };
    match value {
        Some(value) => Scalar::plain(value),
        None => ignored(text, tag),
    }
}

/// `[-+]?[0-9]+`: an integer too large for 64 bits is still an integer.
fn is_decimal(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn ignored(text: String, tag: &str) -> Scalar {
    let mut read = implicit(text);
    read.yaml11 = None;
    read.ignored_tag = Some(tag.to_string());
    read
}

fn is_bool(t: &str) -> bool {
    matches!(
        t,
        "yes"
            | "Yes"
            | "YES"
            | "no"
            | "No"
            | "NO"
            | "true"
            | "True"
            | "TRUE"
            | "false"
            | "False"
            | "FALSE"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// PyYAML's `bool_values`, on the lower-cased text.
fn bool_value(t: &str) -> Option<bool> {
    match t.to_ascii_lowercase().as_str() {
        "yes" | "true" | "on" => Some(true),
        "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

fn is_null(t: &str) -> bool {
    matches!(t, "" | "~" | "null" | "Null" | "NULL")
}

/// A tiny matcher over the bytes of a scalar, for the resolvers' regular
/// expressions (which are anchored at both ends).
#[derive(Clone, Copy)]
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn eat(&mut self, pred: impl Fn(u8) -> bool) -> bool {
        match self.0.first() {
            Some(&b) if pred(b) => {
                self.0 = &self.0[1..];
                true
            }
            _ => false,
        }
    }
    fn byte(&mut self, b: u8) -> bool {
        self.eat(|c| c == b)
    }
    /// As many bytes as match; how many.
    fn many(&mut self, pred: impl Fn(u8) -> bool + Copy) -> usize {
        let mut n = 0;
        while self.eat(pred) {
            n += 1;
        }
        n
    }
    fn sign(&mut self) {
        self.eat(|b| b == b'-' || b == b'+');
    }
    fn literal(&mut self, s: &str) -> bool {
        match self.0.strip_prefix(s.as_bytes()) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }
    fn done(&self) -> bool {
        self.0.is_empty()
    }
    /// `(?::[0-5]?[0-9])+`: one or more sexagesimal groups.
    fn sexagesimal(&mut self) -> bool {
        let mut groups = 0;
        loop {
            let mut c = *self;
            if !c.byte(b':') {
                break;
            }
            let two = c.0.len() >= 2 && (b'0'..=b'5').contains(&c.0[0]) && c.0[1].is_ascii_digit();
            if two {
                c.0 = &c.0[2..];
            } else if !c.eat(|b| b.is_ascii_digit()) {
                break;
            }
            *self = c;
            groups += 1;
        }
        groups > 0
    }
}

fn digit(b: u8) -> bool {
    b.is_ascii_digit()
}
fn digit_(b: u8) -> bool {
    b.is_ascii_digit() || b == b'_'
}

/// `[eE][-+][0-9]+`, optional.
fn exponent(c: &mut Cursor<'_>) -> bool {
    let mut e = *c;
    if e.eat(|b| b == b'e' || b == b'E') && e.eat(|b| b == b'-' || b == b'+') && e.many(digit) > 0 {
        *c = e;
    }
    true
}

fn is_float(t: &str) -> bool {
    let alternatives: [&dyn Fn(&mut Cursor<'_>) -> bool; 5] = [
        // [-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
        &|c| {
            c.sign();
            c.eat(digit)
                && {
                    c.many(digit_);
                    c.byte(b'.')
                }
                && {
                    c.many(digit_);
                    exponent(c)
                }
        },
        // \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        &|c| {
            c.byte(b'.') && c.eat(digit) && {
                c.many(digit_);
                exponent(c)
            }
        },
        // [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
        &|c| {
            c.sign();
            c.eat(digit)
                && {
                    c.many(digit_);
                    c.sexagesimal()
                }
                && c.byte(b'.')
                && {
                    c.many(digit_);
                    true
                }
        },
        // [-+]?\.(?:inf|Inf|INF)
        &|c| {
            c.sign();
            c.literal(".inf") || c.literal(".Inf") || c.literal(".INF")
        },
        // \.(?:nan|NaN|NAN)
        &|c| c.literal(".nan") || c.literal(".NaN") || c.literal(".NAN"),
    ];
    alternatives.iter().any(|alt| {
        let mut c = Cursor(t.as_bytes());
        alt(&mut c) && c.done()
    })
}

fn is_int(t: &str) -> bool {
    let alternatives: [&dyn Fn(&mut Cursor<'_>) -> bool; 5] = [
        // [-+]?0b[0-1_]+
        &|c| {
            c.sign();
            c.literal("0b") && c.many(|b| matches!(b, b'0' | b'1' | b'_')) > 0
        },
        // [-+]?0[0-7_]+
        &|c| {
            c.sign();
            c.byte(b'0') && c.many(|b| matches!(b, b'0'..=b'7' | b'_')) > 0
        },
        // [-+]?(?:0|[1-9][0-9_]*)
        &|c| {
            c.sign();
            if c.byte(b'0') {
                return true;
            }
            c.eat(|b| matches!(b, b'1'..=b'9')) && {
                c.many(digit_);
                true
            }
        },
        // [-+]?0x[0-9a-fA-F_]+
        &|c| {
            c.sign();
            c.literal("0x") && c.many(|b| b.is_ascii_hexdigit() || b == b'_') > 0
        },
        // [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
        &|c| {
            c.sign();
            c.eat(|b| matches!(b, b'1'..=b'9')) && {
                c.many(digit_);
                c.sexagesimal()
            }
        },
    ];
    alternatives.iter().any(|alt| {
        let mut c = Cursor(t.as_bytes());
        alt(&mut c) && c.done()
    })
}

/// PyYAML's `construct_yaml_int`: underscores dropped, then binary, hex, octal
/// (a leading `0`), base 60, or decimal. `None` where Python's `int()` fails.
fn int_value(text: &str) -> Option<Value> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match cleaned.as_bytes().first()? {
        b'-' => (true, &cleaned[1..]),
        b'+' => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    if digits == "0" {
        return Some(Value::from(0));
    }
    let magnitude = if let Some(bin) = digits.strip_prefix("0b") {
        radix(bin, 2)?
    } else if let Some(hex) = digits.strip_prefix("0x") {
        radix(hex, 16)?
    } else if digits.starts_with('0') {
        radix(digits, 8)?
    } else if digits.contains(':') {
        let mut total = Big::Exact(0);
        let mut base = Big::Exact(1);
        for part in digits.split(':').rev() {
            let d = radix(part, 10)?;
            total = total.add(&d.mul(&base));
            base = base.mul(&Big::Exact(60));
        }
        total
    } else {
        radix(digits, 10)?
    };
    Some(magnitude.signed(negative))
}

/// An integer of any size: exact while it fits 128 bits, else a float (as
/// `serde_json` reads a JSON integer beyond 64 bits).
#[derive(Clone, Copy)]
enum Big {
    Exact(u128),
    Float(f64),
}

impl Big {
    fn as_f64(self) -> f64 {
        match self {
            Big::Exact(n) => n as f64,
            Big::Float(f) => f,
        }
    }
    fn add(&self, other: &Big) -> Big {
        match (self, other) {
            (Big::Exact(a), Big::Exact(b)) => a
                .checked_add(*b)
                .map_or(Big::Float(*a as f64 + *b as f64), Big::Exact),
            _ => Big::Float(self.as_f64() + other.as_f64()),
        }
    }
    fn mul(&self, other: &Big) -> Big {
        match (self, other) {
            (Big::Exact(a), Big::Exact(b)) => a
                .checked_mul(*b)
                .map_or(Big::Float(*a as f64 * *b as f64), Big::Exact),
            _ => Big::Float(self.as_f64() * other.as_f64()),
        }
    }
    fn signed(self, negative: bool) -> Value {
        if let Big::Exact(n) = self {
            if !negative && let Ok(u) = u64::try_from(n) {
                return Value::from(u);
            }
            if negative && let Ok(i) = i64::try_from(n).map(|i| -i) {
                return Value::from(i);
            }
            if negative && n == 1u128 << 63 {
                return Value::from(i64::MIN);
            }
        }
        let f = self.as_f64();
        Number::from_f64(if negative { -f } else { f }).map_or(Value::Null, Value::Number)
    }
}

/// Digits in a radix, as Python's `int(text, radix)` reads them (no sign, no
/// underscores left). Decimal numbers beyond 128 bits are parsed as a float
/// (correctly rounded, as a JSON reader rounds them).
fn radix(digits: &str, radix: u32) -> Option<Big> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if let Ok(n) = u128::from_str_radix(digits, radix) {
        return Some(Big::Exact(n));
    }
    if radix == 10 {
        return digits.parse::<f64>().ok().map(Big::Float);
    }
    let mut f = 0.0f64;
    for c in digits.chars() {
        f = f * f64::from(radix) + f64::from(c.to_digit(radix)?);
    }
    Some(Big::Float(f))
}

/// PyYAML's `construct_yaml_float`. Infinities and NaN, which JSON cannot hold,
/// keep their text.
fn float_value(text: &str) -> Option<Value> {
    let cleaned: String = text.chars().filter(|&c| c != '_').collect();
    let lower = cleaned.to_ascii_lowercase();
    let (negative, body) = match lower.as_bytes().first()? {
        b'-' => (true, &lower[1..]),
        b'+' => (false, &lower[1..]),
        _ => (false, lower.as_str()),
    };
    let magnitude = if body == ".inf" || body == ".nan" {
        return Some(Value::String(text.to_string()));
    } else if body.contains(':') {
        // value += digit * base, base *= 60, from the last part: Python's order.
        let mut value = 0.0f64;
        let mut base = 1.0f64;
        for part in body.split(':').rev() {
            value += python_float(part)? * base;
            base *= 60.0;
        }
        value
    } else {
        python_float(body)?
    };
    let f = if negative { -magnitude } else { magnitude };
    if !f.is_finite() {
        return Some(Value::String(text.to_string()));
    }
    Number::from_f64(f).map(Value::Number)
}

/// Python's `float(text)` for the forms the resolver lets through (digits,
/// one dot, an exponent); Rust's parser reads the same decimal the same way.
fn python_float(text: &str) -> Option<f64> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    t.parse::<f64>().ok()
}

/// What a YAML 1.2 reader (core schema: js-yaml, Redocly, most JavaScript and
/// Go tools) makes of a plain scalar, where that is not a string.
fn core_schema(t: &str) -> Option<Value> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let mut c = Cursor(t.as_bytes());
    let mut negative = false;
    if let Some(&s) = c.0.first()
        && (s == b'-' || s == b'+')
    {
        negative = s == b'-';
        c.0 = &c.0[1..];
    }
    let body = std::str::from_utf8(c.0).ok()?;
    if !body.is_empty() && body.bytes().all(|b| b.is_ascii_digit()) {
        return radix(body, 10).map(|b| b.signed(negative));
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return radix(oct, 8).map(|b| b.signed(false));
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return radix(hex, 16).map(|b| b.signed(false));
    }
    if matches!(body, ".inf" | ".Inf" | ".INF") || matches!(t, ".nan" | ".NaN" | ".NAN") {
        // Not JSON either way: the text, as our reading keeps it.
        return Some(Value::String(t.to_string()));
    }
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let mut f = c;
    let mantissa = if f.byte(b'.') {
        f.many(digit) > 0
    } else {
        f.many(digit) > 0 && {
            if f.byte(b'.') {
                f.many(digit);
            }
            true
        }
    };
    if !mantissa {
        return None;
    }
    let mut e = f;
    if e.eat(|b| b == b'e' || b == b'E') {
        e.sign();
        if e.many(digit) == 0 {
            return None;
        }
        f = e;
    }
    if !f.done() {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    Number::from_f64(v).map(Value::Number)
}

/// A mapping key as JSON has it: the resolved value as Python's `json.dumps`
/// writes a key (`true`, `null`, `200`, `1.5`); a string as it is.
pub(super) fn key_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_f64().filter(|_| n.is_f64()) {
            Some(f) => python_repr(f),
            None => n.to_string(),
        },
        // A complex key (a mapping or sequence): its JSON text. PyYAML refuses it.
        other => other.to_string(),
    }
}

/// Python's `repr` of a finite float: the shortest digits that read back the
/// same, in positional notation for exponents -4 to 15 (`100.0`, `0.0001`) and
/// scientific beyond (`1e+16`, `1.5e-05`).
pub(super) fn python_repr(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Rust's `{:e}` is also the shortest round-tripping digits: `1.5e-5`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if (point as usize) >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            let (int, frac) = digits.split_at(point as usize);
            format!("{int}.{frac}")
        };
        format!("{sign}{body}")
    } else {
        let exp_sign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{mantissa}e{exp_sign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests;
