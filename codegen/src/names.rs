//! Turning arbitrary names from a document into valid, readable Rust identifiers.
//!
//! Every identifier the generator emits passes through here, so that the rules
//! (symbols spelled out, keywords escaped, collisions numbered) live in one place.

use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::HashSet;

/// Words for symbols that would otherwise vanish and make names collide
/// (GitHub has `+1` and `-1` properties; JSON-LD has `@type`).
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '@' => "at",
        '$' => "dollar",
        '+' => "plus",
        '#' => "hash",
        '%' => "percent",
        '&' => "and",
        '*' => "star",
        '=' => "eq",
        '<' => "lt",
        '>' => "gt",
        '~' => "tilde",
        '!' => "not",
        '^' => "caret",
        '|' => "pipe",
        '?' => "question",
        _ => return None,
    })
}

/// Splits a raw name into words, spelling out symbols; the caller applies the case.
fn words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if c == '-' && first && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            out.push_str("minus ");
        } else if let Some(word) = symbol_word(c) {
            out.push(' ');
            out.push_str(word);
            out.push(' ');
        } else {
            out.push(' ');
        }
        first = false;
    }
    // Keep only characters Rust accepts in identifiers; non-ASCII letters are legal
    // but we keep ASCII output for portability of the generated crate.
    out.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

pub(crate) const KEYWORDS: &[&str] = STRICT_KEYWORDS;

const STRICT_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot even be raw identifiers.
const NON_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// `snake_case` identifier for a field, argument or method.
pub fn snake(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        // `_200` would read as unused, and clippy rejects it as an argument name.
        s.insert(0, 'v');
    }
    s
}

/// `UpperCamelCase` identifier for a type or variant.
pub fn camel(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Value".to_string();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    s
}

/// Makes an identifier token from a name that is already valid apart from keywords.
pub fn ident(name: &str) -> proc_macro2::Ident {
    if NON_RAW.contains(&name) {
        proc_macro2::Ident::new(&format!("{name}_"), proc_macro2::Span::call_site())
    } else if STRICT_KEYWORDS.contains(&name) {
        proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site())
    } else {
        proc_macro2::Ident::new(name, proc_macro2::Span::call_site())
    }
}

/// The spelling `ident` produces, as text (for de-duplication and docs).
pub fn ident_text(name: &str) -> String {
    if NON_RAW.contains(&name) {
        format!("{name}_")
    } else if STRICT_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// A set of names already given in one scope; later claimants get a number.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: HashSet<String>,
    /// The next number to try for a name already claimed (lower case), so that
    /// many claims of one name stay linear.
    next: std::collections::HashMap<String, usize>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope for type names, with the prelude names that emitted code relies on held back.
    pub fn for_types() -> Self {
        let mut ns = Self::new();
        for name in crate::reserved::PRELUDE_TYPES {
            ns.reserve(name);
        }
        ns
    }

    /// Marks a name as used without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_ascii_lowercase());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(&name.to_ascii_lowercase())
    }

    /// Returns `candidate` or, if taken, `candidate2`, `candidate3`, … (compared without
    /// case, so that two names never differ only in case).
    pub fn claim(&mut self, candidate: &str) -> String {
        let lower = candidate.to_ascii_lowercase();
        if !self.taken.contains(&lower) {
            self.taken.insert(lower);
            return candidate.to_string();
        }
        let sep = if candidate.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        let start = self.next.get(&lower).copied().unwrap_or(2);
        // Digits and `_` have no case: the lower-case key of a numbered name is
        // the lower-case candidate with the same suffix.
        let (n, key) = (start..)
            .map(|n| (n, format!("{lower}{sep}{n}")))
            .find(|(_, key)| !self.taken.contains(key))
            // tidy: allow-panic (the numbers never run out; finitely many names are taken)
            .expect("an unused numbered name always exists");
        self.taken.insert(key);
        self.next.insert(lower, n + 1);
        format!("{candidate}{sep}{n}")
    }

    /// Claims `candidate` as it is if no name equal to it without case is taken.
    pub fn claim_unchanged(&mut self, candidate: &str) -> Option<String> {
        self.taken
            .insert(candidate.to_ascii_lowercase())
            .then(|| candidate.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_are_spelled_out() {
        assert_eq!(snake("@type"), "at_type");
        assert_eq!(snake("+1"), "plus_1");
        assert_eq!(snake("-1"), "minus_1");
        assert_eq!(snake("x-foo"), "x_foo");
        assert_eq!(snake("$ref"), "dollar_ref");
        assert_eq!(camel("PENDING ACCEPTANCE"), "PendingAcceptance");
        assert_eq!(camel("loa_sent"), "LoaSent");
    }

    #[test]
    fn leading_digits_and_empty_names_are_valid() {
        assert_eq!(snake("200"), "v200");
        assert_eq!(camel("1080p"), "V1080p");
        assert_eq!(camel(""), "Value");
        assert_eq!(snake("***"), "star_star_star");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(ident("type").to_string(), "r#type");
        assert_eq!(ident("self").to_string(), "self_");
        assert_eq!(ident_text("match"), "r#match");
    }

    #[test]
    fn collisions_are_numbered_case_insensitively() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("Asc"), "Asc");
        assert_eq!(ns.claim("ASC"), "ASC2");
        assert_eq!(ns.claim("v1"), "v1");
        assert_eq!(ns.claim("v1"), "v1_2");
        let mut types = Namespace::for_types();
        assert_eq!(types.claim("Option"), "Option2");
        assert_eq!(types.claim_unchanged("Value"), Some("Value".to_string()));
        assert_eq!(types.claim_unchanged("VALUE"), None);
        assert_eq!(types.claim("VALUE"), "VALUE2");
        assert_eq!(types.claim("value"), "value3");
        assert!(types.is_taken("value2") && types.is_taken("Value3"));
    }
}
