//! Problems found in a document, each tied to the place it was found.
//!
//! The generator never panics on bad input: everything it cannot use becomes a
//! [`Diagnostic`] with a JSON pointer into the document, so a maintainer can find
//! the spot, and a sentence saying what to do about it.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Declares [`Code`]: one variant per kind of problem and its stable name.
macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// The kind of a problem, with a short stable name (`unresolved-ref`) that
        /// reports print and tools filter on. Every code is declared here, once.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            /// The stable name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }
        }
    };
}

codes! {
    /// The document breaks the OpenAPI specification (an error's default).
    Invalid = "invalid",
    /// Something the generator worked around or left out (a warning's default).
    Warning = "warning",
    /// A `default` value does not match its schema.
    DefaultMismatch = "default-mismatch",
    /// A key written twice in one mapping; one of the two is kept.
    DuplicateKey = "duplicate-key",
    /// Two operations share an `operationId`.
    DuplicateOperationId = "duplicate-operation-id",
    /// Enum values that do not all match the declared type.
    EnumType = "enum-type",
    /// An example does not match its schema.
    ExampleMismatch = "example-mismatch",
    /// A `$ref` into another document, which is not read.
    ExternalRef = "external-ref",
    /// A schema the generator types loosely (`serde_json::Value`, a plain string).
    Fallback = "fallback",
    /// A schema no value can satisfy.
    ImpossibleSchema = "impossible-schema",
    /// The generator printed something it cannot format: a bug of ours.
    Internal = "internal",
    /// A keyword with a value of the wrong kind (`required: true`).
    InvalidKeyword = "invalid-keyword",
    /// An object that is not a valid OpenAPI object.
    InvalidObject = "invalid-object",
    /// A limit against hostile documents exceeded (depth, size, references).
    Limit = "limit",
    /// The `info` object or one of its required members is missing.
    MissingInfo = "missing-info",
    /// An operation without `operationId`; a name is made up.
    MissingOperationId = "missing-operation-id",
    /// A document without `paths`.
    MissingPaths = "missing-paths",
    /// Two things that would get the same Rust name.
    NameCollision = "name-collision",
    /// An operation without responses.
    NoResponses = "no-responses",
    /// An `x-pagination` extension that cannot be used.
    Pagination = "pagination",
    /// A parameter without a schema or content.
    ParamNoSchema = "param-no-schema",
    /// A `{name}` in a path with no parameter declared for it.
    PathParamUndeclared = "path-param-undeclared",
    /// A path parameter the path template does not contain.
    PathParamUnused = "path-param-unused",
    /// A chain of `$ref`s that comes back to itself.
    RefLoop = "ref-loop",
    /// A `$ref` where the specification does not allow one.
    RefNotAllowed = "ref-not-allowed",
    /// A `$ref` from a schema to something that is not a schema.
    RefNotSchema = "ref-not-schema",
    /// A `$ref` to an object of another kind than its place needs.
    RefWrongKind = "ref-wrong-kind",
    /// A required member that is not among the properties.
    RequiredUnknown = "required-unknown",
    /// Text that is not JSON or YAML.
    Syntax = "syntax",
    /// A `type` the specification does not define.
    UnknownType = "unknown-type",
    /// A `$ref` that points nowhere in the document.
    UnresolvedRef = "unresolved-ref",
    /// YAML the generator reads differently from, or refuses unlike, other readers.
    Yaml = "yaml",
    /// A plain scalar that YAML 1.1 readers (PyYAML) read differently from YAML 1.2.
    Yaml11 = "yaml-1.1",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem, with where it is and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// JSON pointer (`#/paths/~1pets/get`) to the offending object.
    pub pointer: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The kind of problem.
    pub code: Code,
    /// Line and column (1-based) when known without the pointer (syntax errors).
    pub position: Option<(u32, u32)>,
    /// What the generator did instead, when it could go on. An error with a repair
    /// fails `validate` (the document breaks the specification) but not `generate`.
    pub repaired: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            pointer: pointer.into(),
            help: None,
            code: Code::Invalid,
            position: None,
            repaired: None,
        }
    }

    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            message: message.into(),
            pointer: pointer.into(),
            help: None,
            code: Code::Warning,
            position: None,
            repaired: None,
        }
    }

    pub fn at_position(mut self, line: usize, column: usize) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.position = Some((narrow(line), narrow(column)));
        self
    }

    pub fn with_code(mut self, code: Code) -> Self {
        self.code = code;
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Says what the generator did instead, so that the problem does not stop it.
    pub fn with_repair(mut self, what: impl Into<String>) -> Self {
        self.repaired = Some(what.into().into_boxed_str());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// An error the generator could not work around: nothing is generated.
    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Error && self.repaired.is_none()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}\n  at {}",
            self.severity, self.message, self.pointer
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        if let Some(repaired) = &self.repaired {
            write!(f, "\n  repaired: {repaired}")?;
        }
        Ok(())
    }
}

/// A JSON pointer being built while walking the document.
pub fn pointer_push(base: &str, token: &str) -> String {
    let escaped = token.replace('~', "~0").replace('/', "~1");
    format!("{base}/{escaped}")
}

/// Decodes one reference token of a JSON pointer.
pub fn pointer_unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Decodes `%XX` escapes (a `$ref` is a URI fragment). Invalid escapes, and
/// escapes that do not make UTF-8, are kept as written.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// Everything collected while generating; errors stop generation, warnings do not.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn has_fatal(&self) -> bool {
        self.items.iter().any(Diagnostic::is_fatal)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

/// Where things are in a document's text: JSON pointer → line and column.
///
/// Built only when diagnostics are shown (one extra pass over the text).
pub struct SourceMap<'a> {
    text: &'a str,
    positions: std::collections::HashMap<String, (usize, usize)>,
    line_starts: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> Self {
        let positions = crate::yaml::positions(text).unwrap_or_default();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            text,
            positions,
            line_starts,
        }
    }

    /// The position of the object at `pointer`, or of its nearest ancestor the text has
    /// (a pointer may name something the generator added, such as a missing `responses`).
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.positions.get(p) {
                return Some(*pos);
            }
            p = &p[..p.rfind('/')?];
        }
    }

    fn line(&self, line: usize) -> Option<&'a str> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |e| e - 1);
        Some(self.text.get(start..end)?.trim_end_matches('\r'))
    }
}

/// Renders a diagnostic the way rustc does: severity and message, the file, line
/// and column, the source line with the spot marked, the JSON pointer, and help.
pub fn render(d: &Diagnostic, file: &str, map: Option<&SourceMap<'_>>) -> String {
    use annotate_snippets::{Level, Renderer, Snippet};
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
    };
    let position = d
        .position
        .map(|(l, c)| (l as usize, c as usize))
        .or_else(|| map.and_then(|m| m.locate(&d.pointer)));
    let at = format!("at {}", d.pointer);
    let origin = match position {
        Some((line, column)) => format!("{file}:{line}:{column}"),
        None => file.to_string(),
    };
    // An error at the very end (an empty last line) is shown on the last line with text.
    let source = position.and_then(|(line, column)| {
        let map = map?;
        (1..=line).rev().find_map(|l| {
            let text = map.line(l)?;
            if l == line {
                (!text.trim().is_empty()).then_some((l, column, text))
            } else {
                (!text.trim().is_empty()).then_some((l, text.chars().count() + 1, text))
            }
        })
    });
    let help = d.help.clone().unwrap_or_default();
    let repaired = d
        .repaired
        .as_ref()
        .map(|r| format!("repaired: {r}"))
        .unwrap_or_default();
    let message = level.title(&d.message).id(d.code.as_str());
    let message = match source {
        Some((line, column, text)) => {
            // Mark the key or token that starts at the position.
            let start = text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(text.len(), |(i, _)| i);
            let rest = &text[start..];
            let len = rest
                .find(|c: char| c == ':' || c.is_whitespace() || c == ',')
                .filter(|&n| n > 0)
                .unwrap_or(rest.len());
            let span = if len == 0 {
                text.len().saturating_sub(1)..text.len()
            } else {
                start..start + len
            };
            message.snippet(
                Snippet::source(text)
                    .line_start(line)
                    .origin(file)
                    .annotation(level.span(span).label(&at)),
            )
        }
        None => message
            .footer(Level::Note.title(&origin))
            .footer(Level::Note.title(&at)),
    };
    let message = if d.help.is_some() {
        message.footer(Level::Help.title(&help))
    } else {
        message
    };
    let message = if d.repaired.is_some() {
        message.footer(Level::Note.title(&repaired))
    } else {
        message
    };
    Renderer::plain().render(message).to_string()
}

/// Renders every diagnostic of a document, building its source map once.
pub fn render_all(diagnostics: &[Diagnostic], file: &str, text: &str) -> String {
    if diagnostics.is_empty() {
        return String::new();
    }
    render_all_with(diagnostics, file, &SourceMap::new(text))
}

/// Renders every diagnostic with a source map built beforehand.
pub fn render_all_with(diagnostics: &[Diagnostic], file: &str, map: &SourceMap<'_>) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&render(d, file, Some(map)));
        out.push_str("\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn codes_have_distinct_kebab_case_names() {
        let mut seen = std::collections::BTreeSet::new();
        for code in super::Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "`{name}` twice");
            assert!(
                !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || c == '-'
                        || c == '.'),
                "`{name}` is not kebab-case"
            );
            assert_eq!(code.to_string(), name);
        }
    }

    use super::*;

    #[test]
    fn pointer_tokens_are_escaped() {
        assert_eq!(
            pointer_push("#/paths", "/api/{id}~x"),
            "#/paths/~1api~1{id}~0x"
        );
        assert_eq!(pointer_unescape("~1api~1{id}~0x"), "/api/{id}~x");
    }

    #[test]
    fn percent_escapes_decode_and_bad_ones_stay() {
        assert_eq!(percent_decode("#/a%20b/%7Bid%7D"), "#/a b/{id}");
        assert_eq!(
            percent_decode("#/components/schemas/%aé"),
            "#/components/schemas/%aé"
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("%FF"), "%FF", "not UTF-8: kept as written");
    }
}
