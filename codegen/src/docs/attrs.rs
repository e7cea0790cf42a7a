//! Documentation lines as `#[doc]` attributes: prose wrapped to fit, and the
//! literals built so that formatting them stays cheap.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Starts the text of a `#[doc]` attribute that holds a block of lines, split by
/// [`LINE`]. syn parses an attribute, and prettyplease prints it, at a cost per
/// attribute that a line's text barely adds to: docs are a third of the output
/// but were half of the formatting time as one attribute per line. The printed
/// block (one long `///` line) is cut into its lines by [`expand`].
const BLOCK: char = '\u{E000}';
/// Ends a line of a block.
const LINE: char = '\u{E001}';

/// `#[doc]` attributes for the given lines (printed as `///` lines).
/// Prose is wrapped so that generated lines stay within 100 columns.
pub fn attrs(lines: &[String]) -> TokenStream {
    let texts = texts(lines);
    // A line holding a marker (never seen in a document, but possible) keeps
    // the block from being cut where it must not: such docs stay a line each.
    if texts.len() > 1 && !texts.iter().any(|t| t.contains([BLOCK, LINE])) {
        let mut block = String::with_capacity(texts.iter().map(|t| t.len() + 3).sum());
        block.push(BLOCK);
        for (i, text) in texts.iter().enumerate() {
            if i > 0 {
                block.push(LINE);
            }
            block.push_str(text);
        }
        let block = literal(&block);
        return quote!(#[doc = #block]);
    }
    let mut out = TokenStream::new();
    for text in &texts {
        let text = literal(text);
        out.extend(quote!(#[doc = #text]));
    }
    out
}

/// Cuts each printed doc block (a `///` or `//!` line starting with [`BLOCK`])
/// into its lines, printed as prettyplease prints a line's attribute: the
/// indentation and `///`, then the text without trailing spaces. `None` when a
/// marker is found anywhere else, which would be a bug of the generator.
pub fn expand(text: String) -> Option<String> {
    let Some(mut at) = text.find(BLOCK) else {
        return Some(text);
    };
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // The text is copied a span at a time, from one marked line to the next.
    let mut rest = text.as_str();
    loop {
        let start = rest[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = rest[at..].find('\n').map_or(rest.len(), |i| at + i);
        out.push_str(&rest[..start]);
        let head = &rest[start..at];
        if !matches!(head.trim_start_matches(' '), "///" | "//!") {
            return None;
        }
        for part in rest[at + BLOCK.len_utf8()..end].split(LINE) {
            out.push_str(head);
            out.push_str(part.trim_end_matches(' '));
            out.push('\n');
        }
        rest = rest.get(end + 1..).unwrap_or_default();
        match rest.find(BLOCK) {
            Some(next) => at = next,
            None => {
                out.push_str(rest);
                return Some(out);
            }
        }
    }
}

/// The text of each doc line: wrapped, with the space that follows `///`.
fn texts(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    // Trailing blank lines would print as empty `///` lines.
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(0, |i| i + 1);
    let mut fence: Option<&str> = None;
    for line in &lines[..end] {
        let trimmed = line.trim_start();
        let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
        let wrapped = match (fence, marker) {
            (Some(open), Some(m)) if m == open => {
                fence = None;
                vec![line.clone()]
            }
            (None, Some(m)) => {
                fence = Some(m);
                vec![line.clone()]
            }
            (Some(_), _) => vec![line.clone()],
            (None, None) => wrap(line, WRAP_AT),
        };
        for l in wrapped {
            out.push(if l.is_empty() {
                String::new()
            } else {
                format!(" {l}")
            });
        }
    }
    out
}

/// A doc line as a raw string literal. A cooked literal is escaped character by
/// character here, then unescaped the same way by syn, twice (once to parse it,
/// once when prettyplease prints it as `///`): a third of a document's output is
/// docs, and that round trip was the largest cost of formatting them. A raw
/// literal is copied both ways. Lines a raw string cannot hold (a bare carriage
/// return) stay cooked.
fn literal(text: &str) -> Literal {
    // One more `#` than the longest run of them after a `"` in the text.
    let mut hashes = 0;
    for (i, _) in text.match_indices('"') {
        let run = text[i + 1..].bytes().take_while(|&b| b == b'#').count();
        hashes = hashes.max(run + 1);
    }
    if !text.contains('\r') {
        let fence = "#".repeat(hashes);
        if let Ok(lit) = format!("r{fence}\"{text}\"{fence}").parse() {
            return lit;
        }
    }
    Literal::string(text)
}

/// Prose is wrapped at this many characters: with the indentation and `/// ` of
/// the most nested documented items, lines stay within 100 columns.
const WRAP_AT: usize = 86;

/// Splits a Markdown prose line at spaces so each piece fits `width`. Tables,
/// headings and lines without room to break stay whole; a continuation never
/// starts with what Markdown would read as a new block (`- `, `1.`, `#`, …), and
/// keeps a list item's indentation.
pub(super) fn wrap(line: &str, width: usize) -> Vec<String> {
    let trimmed = line.trim_start();
    if line.chars().count() <= width || trimmed.starts_with('|') || trimmed.starts_with('#') {
        return vec![line.to_string()];
    }
    let indent = line.len() - trimmed.len();
    let marker = list_marker(trimmed);
    let continuation = " ".repeat(indent + marker);
    let starts_block = |rest: &str| {
        let t = rest.trim_start();
        t.starts_with(['-', '*', '+', '#', '>', '|', '='])
            || list_marker(t) > 0
            || t.starts_with("```")
            || t.starts_with("~~~")
    };
    // The line being cut is `prefix` (the continuation's indentation, after the
    // first cut) followed by `rest`, a slice of `line`: each cut looks at a
    // width's worth of text, so a long line is wrapped in linear time.
    let mut out = Vec::new();
    let mut prefix = "";
    let mut rest = line;
    loop {
        let prefix_chars = prefix.chars().count();
        let shown = rest
            .chars()
            .take(width.saturating_sub(prefix_chars) + 1)
            .count();
        if prefix_chars + shown <= width {
            out.push(format!("{prefix}{rest}"));
            break;
        }
        // The first `width` characters, where the cut is looked for.
        let head: String = prefix.chars().chain(rest.chars()).take(width).collect();
        // The last space within the width (past any indentation and marker) after
        // which the rest does not start a block. Past the floor, a cut is in `rest`.
        let floor = indent + marker.max(prefix.len());
        let after = |i: usize| rest.get(i + 1 - prefix.len()..).unwrap_or("");
        let cut = head
            .rmatch_indices(' ')
            .map(|(i, _)| i)
            .find(|&i| i > floor && i >= prefix.len() && !starts_block(after(i)));
        let Some(cut) = cut else {
            out.push(format!("{prefix}{rest}"));
            break;
        };
        out.push(head[..cut].trim_end().to_string());
        rest = after(cut).trim_start();
        prefix = &continuation;
    }
    out
}

/// The width of a list item's marker with the spaces after it (`- `, `*   `,
/// `12. `): where the item's text starts. 0 when the text is not a list item.
fn list_marker(text: &str) -> usize {
    let marker = if text.starts_with("- ") || text.starts_with("* ") || text.starts_with("+ ") {
        1
    } else {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && (text[digits..].starts_with(". ") || text[digits..].starts_with(") ")) {
            digits + 1
        } else {
            return 0;
        }
    };
    let spaces = text[marker..].bytes().take_while(|&b| b == b' ').count();
    marker + spaces
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever a line holds, its literal reads back as the line, and is raw
    /// unless it cannot be.
    #[test]
    fn doc_literals_hold_their_line() {
        for text in [
            "plain",
            r#"a "quoted" word"#,
            r###"a "#tag" and "## two"###,
            r"back\slashes \n stay",
            "",
            "a bare \r carriage return",
        ] {
            let lit = literal(text);
            let parsed: syn::LitStr = syn::parse2(quote!(#lit)).unwrap();
            assert_eq!(parsed.value(), text);
            let raw = lit.to_string().starts_with('r');
            assert_eq!(raw, !text.contains('\r'), "{lit}");
        }
    }

    /// Prints `tokens` as the generator does, and as prettyplease prints one
    /// `#[doc]` attribute a line.
    fn printed(lines: &[&str], item: proc_macro2::TokenStream) -> (String, String) {
        let lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        let block = attrs(&lines);
        let ours = crate::output::format_chunk(quote!(#block #item), "test").unwrap();
        let single: TokenStream = texts(&lines).iter().map(|t| quote!(#[doc = #t])).collect();
        let theirs = prettyplease::unparse(&syn::parse2(quote!(#single #item)).unwrap());
        (ours, theirs)
    }

    /// A block of lines prints as its lines would, one attribute each, at any
    /// depth and with blank lines, trailing spaces and quotes.
    #[test]
    fn doc_blocks_print_as_their_lines() {
        let lines = [
            "First line  ",
            "",
            r#"a "quoted" line with \ a backslash"#,
            "- a list item long enough that it is wrapped at the width the generator wraps prose at, twice over for sure",
        ];
        let (ours, theirs) = printed(
            &lines,
            quote!(
                pub struct S;
            ),
        );
        assert_eq!(ours, theirs);
        assert!(ours.contains("/// First line\n///\n"), "{ours}");
        let (ours, theirs) = printed(
            &lines,
            quote!(
                pub fn f() {}
            ),
        );
        assert_eq!(ours, theirs);
        // Nested: a field of a struct inside a module.
        let field = attrs(&lines.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        let nested = crate::output::format_chunk(
            quote!(mod m { pub struct S { #field pub a: u8 } }),
            "test",
        )
        .unwrap();
        assert!(
            nested.contains("        /// First line\n        ///\n"),
            "{nested}"
        );
        assert!(!nested.contains(BLOCK) && !nested.contains(LINE));
    }

    /// Text holding a marker cannot be cut safely: it stays a line an attribute,
    /// and prints unchanged.
    #[test]
    fn doc_lines_holding_a_marker_stay_apart() {
        let lines = [format!("odd {LINE} text"), "second".to_string()];
        let tokens = attrs(&lines);
        assert_eq!(tokens.to_string().matches("doc").count(), 2);
        let text = crate::output::format_chunk(quote!(#tokens pub struct S;), "test").unwrap();
        assert!(
            text.contains(&format!("/// odd {LINE} text\n/// second\n")),
            "{text}"
        );
    }

    /// A block printed where a doc comment cannot be (inside an expression) is a
    /// generator bug, reported rather than written.
    #[test]
    fn a_stray_block_is_an_error() {
        assert_eq!(expand(format!("let s = \"{BLOCK}x\";\n")), None);
        assert_eq!(expand("plain\n".to_string()).as_deref(), Some("plain\n"));
    }
}
